"""The agreement report on a real store: data building, the JSON contract, edge cases, drill-down."""

from __future__ import annotations

import random

import numpy as np
import pytest

from annotator.agreement.coefficients import MISSING, krippendorff_alpha
from annotator.agreement.drilldown import rank_disagreements
from annotator.agreement.matrices import AgreementError, load_corpus
from annotator.agreement.report import compute_report, confusion, reading
from annotator.interchange.bio import bio_tags
from annotator.model import GOLD, Sentence, SentenceState, SpanAnnotation
from annotator.store import Store

CODING_KEYS = {
    "level",
    "annotators",
    "units",
    "metric",
    "percent_agreement",
    "krippendorff_alpha",
    "fleiss_kappa",
    "cohen_kappa",
    "mean_cohen_kappa",
    "warnings",
}


def annotate(
    store: Store, name: str, sentence: Sentence, spans=(), judgment: str | None = None, status: str | None = "done"
) -> None:
    """Mark a sentence for one annotator; spans are (first token, last token inclusive, label)."""
    store.annotations.put_judgment(SentenceState(sentence.id, name, status=status, judgment=judgment))
    for first, last, label in spans:
        store.annotations.add_span(
            SpanAnnotation(sentence.id, name, sentence.tokens[first][0], sentence.tokens[last][1], label)
        )


@pytest.fixture
def sentences(sample_store: Store) -> list[Sentence]:
    return list(sample_store.corpus.iter_sentences())


# ------------------------------------------------------------------ data


def test_store_reads_done_statuses_sentences_tokens_and_spans(sample_store, sentences):
    annotate(sample_store, "ana", sentences[0], [(0, 1, "loaded_language")])
    annotate(sample_store, "budi", sentences[0], [(2, 2, "mystery")])
    annotate(sample_store, "ana", sentences[1])
    annotate(sample_store, "budi", sentences[1], [(0, 0, "euphemism")], status="skipped")
    names = ["ana", "budi"]
    assert sorted(map(tuple, sample_store.agreement.done(names).tolist())) == [
        (sentences[0].id, 0),
        (sentences[0].id, 1),
        (sentences[1].id, 0),
    ]
    ids, documents, lengths, counts, tokens = sample_store.agreement.sentences([sentences[2].id, sentences[0].id])
    rows = list(zip(ids.tolist(), documents.tolist(), lengths.tolist(), counts.tolist()))
    assert rows == [(s.id, s.document_id, len(s.text), len(s.tokens)) for s in (sentences[0], sentences[2])]
    assert tokens.tolist() == [list(t) for t in sentences[0].tokens + sentences[2].tokens]
    spans, labels = sample_store.agreement.spans(names, ["euphemism", "loaded_language"])
    assert labels == ["euphemism", "loaded_language", "mystery"]
    start, end = sentences[0].tokens[0][0], sentences[0].tokens[1][1]
    assert sorted(map(tuple, spans.tolist()))[0] == (sentences[0].id, 0, start, end, 1)


def test_spans_count_only_on_sentences_their_annotator_marked_done(sample_store, sentences):
    for s in sentences[:2]:
        annotate(sample_store, "ana", s, [(0, 0, "loaded_language")])
    annotate(sample_store, "budi", sentences[0], [(0, 0, "euphemism")])
    annotate(sample_store, "budi", sentences[1], [(0, 0, "euphemism")], status=None)
    annotate(sample_store, "citra", sentences[1])
    corpus = load_corpus(sample_store, ["ana", "budi", "citra"], sample_store.tagset().label_names)
    assert corpus.sentence_ids.tolist() == [sentences[0].id, sentences[1].id]
    assert sorted(zip(corpus.span_sentence.tolist(), corpus.span_annotator.tolist())) == [(0, 0), (0, 1), (1, 0)]
    assert corpus.token_matrix()[:, corpus.token_ptr[1]].tolist() == [1, MISSING, 0]


def test_token_values_are_the_covering_label_or_o(sample_store, sentences):
    s = sentences[0]
    annotate(sample_store, "ana", s, [(1, 2, "loaded_language")])
    annotate(sample_store, "budi", s, [(1, 1, "loaded_language"), (4, 4, "euphemism")])
    corpus = load_corpus(sample_store, ["ana", "budi"], sample_store.tagset().label_names)
    matrix = corpus.token_matrix()
    loaded, euphemism = 1 + corpus.labels.index("loaded_language"), 1 + corpus.labels.index("euphemism")
    assert matrix[0, :6].tolist() == [0, loaded, loaded, 0, 0, 0]
    assert matrix[1, :6].tolist() == [0, loaded, 0, 0, euphemism, 0]


def test_longest_covering_span_wins_as_in_the_exports_and_per_label_keeps_nested_spans(sample_store, sentences):
    s = sentences[0]
    annotate(sample_store, "ana", s, [(0, 5, "unattributed_claim"), (2, 2, "loaded_language"), (5, 6, "euphemism")])
    annotate(sample_store, "budi", s)
    corpus = load_corpus(sample_store, ["ana", "budi"], sample_store.tagset().label_names)
    claim, loaded = 1 + corpus.labels.index("unattributed_claim"), 1 + corpus.labels.index("loaded_language")
    euphemism = 1 + corpus.labels.index("euphemism")
    # The one overlap rule (annotator.overlaps): the longer span labels a shared token;
    # the euphemism keeps the token the claim does not cover. BIO tags the same way.
    row = corpus.token_matrix()[0, :8].tolist()
    assert row == [claim, claim, claim, claim, claim, claim, euphemism, 0]
    tokens = s.tokens
    spans = [
        (tokens[a][0], tokens[b][1], label)
        for a, b, label in [(0, 5, "unattributed_claim"), (2, 2, "loaded_language"), (5, 6, "euphemism")]
    ]
    tags = bio_tags(tokens, spans, sample_store.tagset().label_names).tags
    codes = {name: 1 + corpus.labels.index(name) for name in corpus.labels}
    assert [codes[t[2:]] if t != "O" else 0 for t in tags[:8]] == row
    assert corpus.label_matrix(loaded)[0, :7].tolist() == [0, 0, 1, 0, 0, 0, 0]
    assert corpus.label_matrix(claim)[0, :7].tolist() == [1, 1, 1, 1, 1, 1, 0]


def test_token_alpha_matches_a_token_by_token_construction(sample_store, sentences):
    rng = random.Random(5)
    names = ["ana", "budi", "citra"]
    labels = sample_store.tagset().label_names
    for s in sentences[:40]:
        for name in names:
            if rng.random() < 0.2:
                continue
            spans = []
            for _ in range(rng.randint(0, 2)):
                first = rng.randrange(len(s.tokens))
                spans.append((first, min(first + rng.randint(0, 2), len(s.tokens) - 1), rng.choice(labels[:3])))
            annotate(sample_store, name, s, sorted(set(spans)))
    # The slow way: one Python value per token and annotator.
    values = ["O", *labels]
    columns = []
    for s in sentences[:40]:
        states = {n: sample_store.annotations.get_judgment(s.id, n) for n in names}
        done = [n for n in names if states[n] and states[n].status == "done"]
        if len(done) < 2:
            continue
        for start, end in s.tokens:
            column = []
            for n in names:
                if n not in done:
                    column.append(MISSING)
                    continue
                covering = [
                    sp
                    for sp in sample_store.annotations.spans_for_sentence(s.id, n)
                    if sp.start < end and sp.end > start
                ]
                # The overlap rule: the longest covering span, then the label listed first.
                covering.sort(key=lambda sp: (sp.start - sp.end, labels.index(sp.label)))
                column.append(values.index(covering[0].label) if covering else 0)
            columns.append(column)
    expected = krippendorff_alpha(np.array(columns).T, len(values))
    report = compute_report(sample_store, level="token", annotators=names)
    assert report["units"] == len(columns)
    assert report["krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)


# -------------------------------------------------------------- contract


def _two_annotators(store: Store, sentences: list[Sentence]) -> None:
    for i, s in enumerate(sentences[:12]):
        annotate(
            store,
            "ana",
            s,
            [(0, 1, "loaded_language")] if i % 3 == 0 else [],
            judgment="biased" if i % 2 else "neutral",
        )
        annotate(
            store,
            "budi",
            s,
            [(0, 1, "loaded_language")] if i % 4 == 0 else [(2, 2, "euphemism")],
            judgment="biased" if i % 3 else "neutral",
        )


def test_report_has_the_contract_keys_for_every_level(sample_store, sentences):
    _two_annotators(sample_store, sentences)
    report = compute_report(sample_store)
    assert list(report) == ["sentence", "token", "span", "unitizing"]
    assert CODING_KEYS <= set(report["sentence"])
    assert CODING_KEYS | {"per_label"} <= set(report["token"])
    assert {
        "level",
        "annotators",
        "units",
        "metric",
        "pairs",
        "mean_exact_f1",
        "mean_overlap_f1",
        "per_label",
        "warnings",
    } <= set(report["span"])
    assert {"level", "annotators", "units", "metric", "alpha_u", "per_label", "warnings"} <= set(report["unitizing"])
    assert report["sentence"]["annotators"] == ["ana", "budi"]
    assert report["sentence"]["metric"] == "nominal"
    assert list(report["token"]["cohen_kappa"]) == ["ana|budi"]
    assert set(report["token"]["per_label"]["loaded_language"]) == {"krippendorff_alpha", "cohen_kappa"}
    assert set(report["span"]["pairs"]["ana|budi"]) >= {"exact_f1", "overlap_f1", "unlabelled_f1"}
    assert set(report["unitizing"]["per_label"]) == set(sample_store.tagset().label_names)
    assert report["token"]["units"] == sum(len(s.tokens) for s in sentences[:12])


def test_metric_override_and_bootstrap_interval(sample_store, sentences):
    _two_annotators(sample_store, sentences)
    first = compute_report(sample_store, level="sentence", metric="ordinal", bootstrap=300, seed=4)
    again = compute_report(sample_store, level="sentence", metric="ordinal", bootstrap=300, seed=4)
    assert first["metric"] == "ordinal"
    assert first["krippendorff_alpha_ci"] == again["krippendorff_alpha_ci"]
    low, high = first["krippendorff_alpha_ci"]
    assert low <= first["krippendorff_alpha"] <= high


def test_by_document_breaks_figures_down(sample_store, sentences):
    _two_annotators(sample_store, sentences)
    report = compute_report(sample_store, level="token", by_document=True)
    by_document = report["by_document"]
    assert set(by_document) == {s.document_id for s in sentences[:12]}
    assert sum(entry["units"] for entry in by_document.values()) == report["units"]


def test_label_option_keeps_only_that_label(sample_store, sentences):
    _two_annotators(sample_store, sentences)
    report = compute_report(sample_store, level="span", label="euphemism")
    assert list(report["per_label"]) == ["euphemism"]
    assert report["pairs"]["ana|budi"]["spans"] == {"ana": 0, "budi": 9}
    with pytest.raises(AgreementError, match="unknown label"):
        compute_report(sample_store, label="nope")


# ------------------------------------------------------------ edge cases


def test_one_annotator_is_a_clear_error(sample_store, sentences):
    annotate(sample_store, "ana", sentences[0], [(0, 0, "loaded_language")], judgment="biased")
    with pytest.raises(AgreementError, match="at least two annotators; only 'ana'"):
        compute_report(sample_store)


def test_nobody_yet_is_a_clear_error(sample_store):
    with pytest.raises(AgreementError, match="nobody has annotated yet"):
        compute_report(sample_store)


def test_repeated_or_unknown_annotators_are_rejected(sample_store, sentences):
    _two_annotators(sample_store, sentences)
    with pytest.raises(AgreementError, match="listed twice"):
        compute_report(sample_store, annotators=["ana", "ana"])
    with pytest.raises(AgreementError, match="unknown annotator"):
        compute_report(sample_store, annotators=["ana", "zoe"])


def test_no_overlap_between_annotators_gives_nulls_with_reasons(sample_store, sentences):
    annotate(sample_store, "ana", sentences[0], [(0, 0, "loaded_language")], judgment="biased")
    annotate(sample_store, "budi", sentences[1], [(0, 0, "loaded_language")], judgment="neutral")
    report = compute_report(sample_store)
    for level in ("sentence", "token"):
        assert report[level]["units"] == 0
        assert report[level]["krippendorff_alpha"] is None
        assert report[level]["cohen_kappa"] == {"ana|budi": None}
        assert any("nothing to compare" in w for w in report[level]["warnings"])
    assert report["span"]["pairs"]["ana|budi"]["exact_f1"] is None
    assert any("no sentence done by both" in w for w in report["span"]["warnings"])
    assert report["unitizing"]["alpha_u"] is None
    assert any("continuum is empty" in w for w in report["unitizing"]["warnings"])


def test_single_value_in_use_gives_null_alpha_with_a_reason(sample_store, sentences):
    for s in sentences[:5]:
        annotate(sample_store, "ana", s, judgment="neutral")
        annotate(sample_store, "budi", s, judgment="neutral")
    report = compute_report(sample_store)
    assert report["sentence"]["percent_agreement"] == 1.0
    assert report["sentence"]["krippendorff_alpha"] is None
    assert any("only one value ('neutral')" in w for w in report["sentence"]["warnings"])
    assert report["token"]["krippendorff_alpha"] is None
    assert report["unitizing"]["alpha_u"] is None


def test_single_label_in_use(sample_store, sentences):
    for i, s in enumerate(sentences[:6]):
        annotate(sample_store, "ana", s, [(0, 1, "loaded_language")])
        annotate(sample_store, "budi", s, [(0, 1 if i % 2 else 0, "loaded_language")])
    report = compute_report(sample_store, level="token")
    assert report["krippendorff_alpha"] is not None
    assert report["per_label"]["loaded_language"]["krippendorff_alpha"] == pytest.approx(report["krippendorff_alpha"])
    assert report["per_label"]["euphemism"]["krippendorff_alpha"] is None
    assert any("labels nobody used" in w and "euphemism" in w for w in report["warnings"])


def test_all_agree_gives_alpha_one_at_every_level(sample_store, sentences):
    for i, s in enumerate(sentences[:8]):
        for name in ("ana", "budi", "citra"):
            annotate(
                sample_store,
                name,
                s,
                [(0, 1, "loaded_language")] if i % 2 else [(2, 3, "name_calling")],
                judgment="biased" if i % 3 else "neutral",
            )
    report = compute_report(sample_store)
    assert report["sentence"]["krippendorff_alpha"] == 1.0
    assert report["sentence"]["fleiss_kappa"] == 1.0
    assert report["token"]["krippendorff_alpha"] == 1.0
    assert report["token"]["mean_cohen_kappa"] == 1.0
    assert report["span"]["mean_exact_f1"] == 1.0
    assert report["unitizing"]["alpha_u"] == 1.0


def test_judgment_on_a_skipped_sentence_is_left_out(sample_store, sentences):
    annotate(sample_store, "ana", sentences[0], judgment="biased")
    annotate(sample_store, "budi", sentences[0], judgment="neutral", status="skipped")
    annotate(sample_store, "ana", sentences[1], judgment="biased")
    annotate(sample_store, "budi", sentences[1], judgment="neutral")
    assert compute_report(sample_store, level="sentence")["units"] == 1


def test_gold_is_left_out_by_default_but_can_be_named(sample_store, sentences):
    for s in sentences[:4]:
        annotate(sample_store, "ana", s, [(0, 0, "loaded_language")], judgment="biased")
        annotate(sample_store, "budi", s, [(0, 1, "loaded_language")], judgment="neutral")
        annotate(sample_store, GOLD, s, [(0, 0, "loaded_language")], judgment="biased")
    assert compute_report(sample_store, level="span")["annotators"] == ["ana", "budi"]
    report = compute_report(sample_store, level="span", annotators=["ana", GOLD])
    assert report["pairs"]["ana|gold"]["exact_f1"] == 1.0


def test_reading_follows_krippendorffs_thresholds():
    assert "reliable (at least .800)" in reading(0.81)
    assert "tentative" in reading(0.7)
    assert "not reliable" in reading(0.5)
    assert "cannot be computed" in reading(None)


# ------------------------------------------------------------- drill-down


def test_disagreements_rank_sentences_by_tokens_that_differ(sample_store, sentences):
    annotate(sample_store, "ana", sentences[0], [(0, 3, "loaded_language")])
    annotate(sample_store, "budi", sentences[0])
    annotate(sample_store, "ana", sentences[1], [(0, 0, "loaded_language")])
    annotate(sample_store, "budi", sentences[1])
    annotate(sample_store, "ana", sentences[2], [(0, 0, "loaded_language")])
    annotate(sample_store, "budi", sentences[2], [(0, 0, "loaded_language")])
    result = rank_disagreements(sample_store, level="token")
    assert result["total"] == 2
    assert [e["sentence_id"] for e in result["sentences"]] == [sentences[0].id, sentences[1].id]
    assert result["sentences"][0]["disagreement"] == 4
    assert result["sentences"][0]["annotations"]["ana"]["spans"][0]["label"] == "loaded_language"
    assert rank_disagreements(sample_store, level="token", limit=1)["sentences"][0]["sentence_id"] == sentences[0].id


def test_disagreements_at_span_and_sentence_level(sample_store, sentences):
    annotate(sample_store, "ana", sentences[0], [(0, 0, "loaded_language"), (3, 3, "euphemism")], judgment="biased")
    annotate(sample_store, "budi", sentences[0], [(0, 0, "loaded_language")], judgment="neutral")
    annotate(sample_store, "ana", sentences[1], [(0, 0, "loaded_language")], judgment="biased")
    annotate(sample_store, "budi", sentences[1], [(0, 0, "loaded_language")], judgment="biased")
    spans = rank_disagreements(sample_store, level="span")
    assert [(e["sentence_id"], e["disagreement"]) for e in spans["sentences"]] == [(sentences[0].id, 1)]
    judged = rank_disagreements(sample_store, level="sentence")
    assert [(e["sentence_id"], e["disagreement"]) for e in judged["sentences"]] == [(sentences[0].id, 1.0)]


def test_confusion_matrix_counts_tokens_of_sentences_both_did(sample_store, sentences):
    annotate(sample_store, "ana", sentences[0], [(0, 1, "loaded_language")])
    annotate(sample_store, "budi", sentences[0], [(1, 2, "euphemism")])
    result = confusion(sample_store, "ana", "budi")
    labels = result["labels"]
    matrix = np.array(result["matrix"])
    assert result["units"] == len(sentences[0].tokens)
    loaded, euphemism, outside = labels.index("loaded_language"), labels.index("euphemism"), labels.index("O")
    assert matrix[loaded, outside] == 1 and matrix[loaded, euphemism] == 1 and matrix[outside, euphemism] == 1
    assert matrix[outside, outside] == len(sentences[0].tokens) - 3


def test_judgment_values_outside_the_tag_set_are_kept_and_named(sample_store, sentences):
    for i, s in enumerate(sentences[:4]):
        annotate(sample_store, "ana", s, judgment="biased" if i % 2 else "unsure")
        annotate(sample_store, "budi", s, judgment="biased")
    report = compute_report(sample_store, level="sentence")
    assert report["units"] == 4
    assert any("not in the tag set: unsure" in w for w in report["warnings"])


def test_a_slice_of_the_corpus_equals_the_same_sentences_by_mask(sample_store, sentences):
    _two_annotators(sample_store, sentences)
    corpus = load_corpus(sample_store, ["ana", "budi"], sample_store.tagset().label_names)
    mask = np.zeros(corpus.n_sentences, dtype=bool)
    mask[3:9] = True
    by_slice, by_mask = corpus.subset(slice(3, 9)), corpus.subset(mask)
    for name in (
        "sentence_ids",
        "lengths",
        "done",
        "token_ptr",
        "token_start",
        "token_end",
        "span_sentence",
        "span_annotator",
        "span_start",
        "span_end",
        "span_label",
    ):
        assert np.array_equal(getattr(by_slice, name), getattr(by_mask, name)), name
    assert np.array_equal(by_slice.token_matrix(), corpus.token_matrix()[:, corpus.token_ptr[3] : corpus.token_ptr[9]])


def test_per_label_tables_match_the_binary_label_matrix(sample_store, sentences):
    from annotator.agreement.coefficients import contingency, value_patterns

    rng = random.Random(2)
    names = ["ana", "budi", "citra"]
    for s in sentences[:30]:
        for name in names:
            if rng.random() < 0.3:
                continue
            spans = {
                (f, min(f + rng.randint(0, 3), len(s.tokens) - 1), rng.choice(["loaded_language", "euphemism"]))
                for f in rng.sample(range(len(s.tokens)), min(3, len(s.tokens)))
            }
            annotate(sample_store, name, s, sorted(spans))
    corpus = load_corpus(sample_store, names, sample_store.tagset().label_names)
    for code in range(1, len(corpus.labels) + 1):
        matrix = corpus.label_matrix(code)
        patterns, tables = corpus.label_tables(code)
        expected = value_patterns(matrix, 2)
        as_dict = lambda p: dict(zip(map(tuple, p.counts.tolist()), p.weights.tolist()))  # noqa: E731
        assert as_dict(patterns) == as_dict(expected)
        for (i, j), table in tables.items():
            assert table.tolist() == contingency(matrix[i], matrix[j], 2).tolist()
