"""The recommender's own tagging (weights read from the model file, scores summed per
distinct token, batched Viterbi and forward-backward) against CRFsuite's tagger on the
same feature strings, and the feature rows against their plain definition."""

from __future__ import annotations

import random
import re

import pycrfsuite
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.errors import AnnotatorError
from annotator.interchange.bio import bio_tags
from annotator.lexicon.entries import read_lexicon
from annotator.lexicon.quotes import ATTRIBUTION_CUES, SPEECH_CUES, find_quotes
from annotator.lexicon.stemming import shared_stems
from annotator.lexicon.suggest import Suggester
from annotator.recommend import crf, tagging
from annotator.recommend.features import affixes, lexicon_hits, sentence_features, shape
from annotator.recommend.tagging import Tagger
from annotator.resources import default_lexicon_path, default_tagset_path, sample_paths
from annotator.segmentation import segment, tokenize
from annotator.tagset import load_tagset

LABELS = load_tagset(default_tagset_path()).label_names
EXTRA = [
    "Gerombolan itu menyerang.",
    "Ya.",
    "“Luar biasa,” kata Menteri, “mereka ‘pengecut’ semua.”",
    "Menurut polisi, kelompok itu disebut “teroris” oleh warga.",
    "'AA-idn' dan 'BB' adalah peringkat, ujarnya.",
    "Ia berkata bahwa rezim itu “brutal” dan 'kejam'.",
]


def _sentences() -> list[tuple[str, list[tuple[int, int]]]]:
    found = []
    for path in sample_paths():
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        found += [(text[start:end], tokens) for start, end, tokens in segment(text)]
    return found + [(text, tokenize(text)) for text in EXTRA]


@pytest.fixture(scope="module")
def corpus():
    """Sentences with the lexicon's matches, and a model that learned every suggestion
    (scare quotes included) while seeing only half of the lexicon's matches: it uses the
    words, the quote flags, the cues and the neighbours, over several labels."""
    suggester = Suggester(read_lexicon(default_lexicon_path(), LABELS), LABELS)
    rng = random.Random(11)
    items, examples = [], []
    for text, tokens in _sentences():
        suggested = suggester.suggest_text(0, text, tokens)
        hits = lexicon_hits(suggested)
        items.append((text, tokens, hits))
        seen = [hit for hit in hits if rng.random() < 0.5]
        spans = [(g.start, g.end, g.label) for g in suggested]
        examples.append((sentence_features(text, tokens, seen), bio_tags(tokens, spans).tags))
    return items, crf.train(examples)


def _reference(model: bytes, items) -> list[list[tuple[int, int, str, float]]]:
    """What CRFsuite's own tagger gives on the feature strings."""
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(model)
    result = []
    for text, tokens, hits in items:
        if not tokens:
            result.append([])
            continue
        tags = tagger.tag(sentence_features(text, tokens, hits))
        probability = [tagger.marginal(tag, k) for k, tag in enumerate(tags)]
        result.append([(t.first, t.last, t.label, t.confidence) for t in crf.spans(tags, probability)])
    return result


def _ours(tagger: Tagger, items, quotes: bool = False, batch: int = 10_000):
    result = []
    for at in range(0, len(items), batch):
        part = items[at : at + batch]
        inputs = [(text, tokens, hits, find_quotes(text, tokens) if quotes else None) for text, tokens, hits in part]
        result += [[(t.first, t.last, t.label, t.confidence) for t in found] for found in tagger.tag_many(inputs)]
    return result


def _same(ours, reference) -> None:
    assert len(ours) == len(reference)
    for mine, theirs in zip(ours, reference, strict=True):
        assert [s[:3] for s in mine] == [s[:3] for s in theirs]
        for a, b in zip(mine, theirs, strict=True):
            assert a[3] == pytest.approx(b[3], abs=1e-9)


def test_the_model_tags_several_labels_on_the_samples(corpus):
    items, model = corpus
    labels = {label for spans in _reference(model, items) for _f, _l, label, _c in spans}
    assert len(labels) >= 3 and "scare_quotes" in labels


def test_tags_and_confidences_equal_crfsuites_tagger(corpus):
    items, model = corpus
    reference = _reference(model, items)
    assert sum(map(len, reference)) > 20
    _same(_ours(Tagger(model), items), reference)


@pytest.mark.parametrize("batch", [1, 7, 100])
def test_batches_and_quotations_given_change_nothing(corpus, batch):
    items, model = corpus
    reference = _reference(model, items)
    tagger = Tagger(model)
    _same(_ours(tagger, items, quotes=True, batch=batch), reference)
    _same(_ours(tagger, items, batch=batch), reference)  # warm rows, the same answers


def test_a_vocabulary_that_starts_again_changes_nothing(corpus, monkeypatch):
    items, model = corpus
    monkeypatch.setattr(tagging, "MAX_CACHED", 50)
    tagger = Tagger(model)
    _same(_ours(tagger, items, batch=20), _reference(model, items))
    assert len(tagger._vocabulary) < 50 + 2000


def test_empty_and_one_token_sentences(corpus):
    _, model = corpus
    items = [("", [], []), ("Gerombolan", [(0, 10)], []), ("", [], []), ("Ya .", [(0, 2), (3, 4)], [])]
    _same(_ours(Tagger(model), items), _reference(model, items))
    assert Tagger(model).tag_many([]) == []


_WORDS = [
    "gerombolan",
    "Rezim",
    "brutal",
    "pengecut",
    "teroris",
    "warga",
    "Polisi",
    "menyerang",
    "kata",
    "ujarnya",
    "menurut",
    "jelas",
    "itu",
    "2.500",
    "AA-idn",
    "“",
    "”",
    "'",
    '"',
    ",",
    ".",
    "‘",
    "’",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14), min_size=1, max_size=6),
    st.randoms(use_true_random=False),
)
def test_random_sentences_equal_crfsuites_tagger(corpus, sentences, rng):
    _, model = corpus
    items = []
    for words in sentences:
        text = " ".join(words)
        tokens = tokenize(text)
        hits = []
        i = 0
        while i < len(tokens):  # disjoint lexicon matches of 1-2 tokens, as the matcher gives
            if rng.random() < 0.3:
                last = min(len(tokens), i + rng.randint(1, 2))
                hits.append((tokens[i][0], tokens[last - 1][1], rng.choice(LABELS)))
                i = last
            i += 1
        items.append((text, tokens, hits))
    _same(_ours(Tagger(model), items), _reference(model, items))


def test_the_weights_are_crfsuites(corpus):
    _, model = corpus
    weights = crf.Weights(model)
    info = pycrfsuite.Tagger()
    info.open_inmemory(model)
    dump = info.info()
    assert list(weights.labels) == info.labels()
    assert set(weights.attributes) == set(dump.attributes)
    for (name, label), value in dump.state_features.items():
        assert weights.state[weights.attributes[name], weights.labels.index(label)] == pytest.approx(value, abs=1e-6)
    for (source, target), value in dump.transitions.items():
        assert weights.transition[weights.labels.index(source), weights.labels.index(target)] == pytest.approx(
            value, abs=1e-6
        )


def test_an_unreadable_model_asks_for_a_retrain(corpus):
    _, model = corpus
    for broken in (b"", b"not a model at all", model[:200], b"lCRF" + model[4:60]):
        with pytest.raises(AnnotatorError, match="retrain"):
            Tagger(broken)


def _plain_features(text, tokens, hits_of):
    """The features as first written: one token at a time, each string built in place.
    Training depends on the rows staying exactly these (in this order)."""
    stems = shared_stems()
    words = [text[start:end].lower() for start, end in tokens]
    word_stems = [stems.stem(w) for w in words]
    hits = ["O"] * len(tokens)
    for start, end, label in hits_of:
        inside = [i for i, (s, e) in enumerate(tokens) if start <= s and e <= end]
        for n, i in enumerate(inside):
            hits[i] = ("B-" if n == 0 else "I-") + label
    quoted = [False] * len(tokens)
    for quote in find_quotes(text, tokens):
        for i, (s, e) in enumerate(tokens):
            if quote.start <= s and e <= quote.end:
                quoted[i] = True
    rows, cue_seen = [], False
    for i, ((start, end), word) in enumerate(zip(tokens, words, strict=True)):
        prefix, suffix = affixes(word, word_stems[i])
        row = ["bias", "w=" + word, "stem=" + word_stems[i], "pre=" + prefix, "suf=" + suffix]
        row += ["shape=" + shape(text[start:end]), "lex=" + hits[i], "q=" + ("1" if quoted[i] else "0")]
        row.append("last3=" + word[-3:])
        if word in ATTRIBUTION_CUES:
            row.append("cue")
        if cue_seen:
            row.append("cue_before")
        if word in SPEECH_CUES:
            cue_seen = True
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(tokens):
                row += [f"{offset}:w={words[j]}", f"{offset}:lex={hits[j]}"]
                if abs(offset) == 1:
                    row += [f"{offset}:stem={word_stems[j]}", f"{offset}:q={'1' if quoted[j] else '0'}"]
            else:
                row.append(f"{offset}:edge")
        rows.append(row)
    return rows


def test_feature_rows_are_the_plain_definition(corpus):
    items, _ = corpus
    for text, tokens, hits in items:
        assert sentence_features(text, tokens, hits) == _plain_features(text, tokens, hits)
    assert any(re.search("[“'\"]", text) for text, _, _ in items)


def test_a_model_that_learned_no_span_tags_nothing(corpus):
    items, _ = corpus
    model = crf.train((sentence_features(text, tokens, hits), ["O"] * len(tokens)) for text, tokens, hits in items[:50])
    tagger = Tagger(model)
    assert tagger.labels == ("O",)
    assert _ours(tagger, items) == _reference(model, items) == [[] for _ in items]


def test_uncertainty_is_one_minus_the_least_sure_chosen_tag(corpus):
    items, model = corpus
    items = [*items, ("", [], [])]
    reference = pycrfsuite.Tagger()
    reference.open_inmemory(model)
    tagger = Tagger(model)
    spans, doubts = tagger.tag_with_uncertainty([(*item, None) for item in items])
    assert spans == tagger.tag_many([(*item, None) for item in items])
    for (text, tokens, hits), doubt in zip(items, doubts, strict=True):
        if not tokens:
            assert doubt is None
            continue
        tags = reference.tag(sentence_features(text, tokens, hits))
        assert doubt == pytest.approx(1 - min(reference.marginal(tag, i) for i, tag in enumerate(tags)), abs=1e-9)
