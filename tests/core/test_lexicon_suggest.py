"""Suggestions in the store: at import, re-run with decisions kept, feedback stats and candidates."""

from __future__ import annotations

import pickle
import threading
from dataclasses import replace

import pytest

from annotator import corpus_import as importer_module
from annotator.corpus_import import Importer, ImportOptions, SentenceAnalyzer
from annotator.lexicon.feedback import candidates, entry_stats, normalise_form
from annotator.lexicon.suggest import (
    DEFAULT_LEXICON,
    Suggester,
    load_default_lexicon,
    sentences_hook,
    suggest_all,
)
from annotator.model import GOLD, Label, LexiconEntry, SpanAnnotation, Tagset
from annotator.resources import sample_paths
from annotator.store import Store
from tests.bench.corpus import write_jsonl as write_corpus

S000, S001, S004 = "000_da3b1012a6ad7316", "001_0da7177c8754087f", "004_42838089c5e12062"


@pytest.fixture
def lexicon_store(store: Store) -> Store:
    """The three samples imported with the default lexicon, as `annotator import` does."""
    assert load_default_lexicon(store) >= 60
    report = Importer(store, on_sentences=sentences_hook(store)).run(sample_paths())
    assert not report.failed
    return store


def sentence_with(store: Store, document_id: str, fragment: str):
    [sentence] = [s for s in store.corpus.sentences_of(document_id) if fragment in s.text]
    return sentence


def suggested(store: Store, document_id: str, fragment: str) -> list[tuple]:
    sentence = sentence_with(store, document_id, fragment)
    return [
        (g.start, g.end, sentence.text[g.start : g.end], g.label, g.term, g.quoted)
        for g in store.suggestions.for_sentence(sentence.id)
    ]


# The suggestions of chosen sample sentences, exactly: offsets into the sentence, the
# text they cover, label, lexicon term and the quoted flag.
EXPECTED = [
    (
        S000,
        "ditunda karena eskalasi regional",
        [(106, 123, "serangan genosida", "loaded_language", "serangan ~genosida", False)],
    ),
    (
        S000,
        "Serangan Ain al-Assad menandai",
        [
            (41, 51, "'eskalasi'", "scare_quotes", "eskalasi", False),
            (90, 100, "perlawanan", "name_calling", "perlawanan", False),
            (205, 213, "diduduki", "loaded_language", "pendudukan", False),
        ],
    ),
    (S000, "dan kekejamannya terhadap", [(19, 31, "kekejamannya", "loaded_language", "kekejaman", False)]),
    (
        S000,
        "Kelompok perlawanan Irak telah mendesak",
        [
            (9, 19, "perlawanan", "name_calling", "perlawanan", False),
            (169, 198, "melanggar hukum internasional", "unattributed_claim", "~melanggar hukum internasional", False),
            (211, 222, "klaim palsu", "epistemic_framing", "klaim palsu", False),
        ],
    ),
    (
        S000,
        "apa yang diklaim Washington",
        [(96, 122, "diklaim Washington sebagai", "epistemic_framing", "diklaim ... sebagai", False)],
    ),
    (
        S000,
        "kelompok teroris Takfiri",
        [
            (115, 122, "teroris", "name_calling", "teroris", False),
            (123, 130, "Takfiri", "name_calling", "Takfiri", False),
        ],
    ),
    (
        S000,
        "serangan pesawat nirawak pengecut",
        [
            (
                156,
                189,
                "serangan pesawat nirawak pengecut",
                "loaded_language",
                "serangan pesawat (nirawak|tak berawak) pengecut",
                False,
            )
        ],
    ),
    (S001, "untuk mendukung perlawanan Gaza", [(175, 185, "perlawanan", "name_calling", "perlawanan", False)]),
    (S001, "Jalur Gaza yang terkepung", [(99, 108, "terkepung", "loaded_language", "terkepung", False)]),
    (S001, "contoh nyata genosida", [(108, 116, "genosida", "loaded_language", "genosida", True)]),
    (
        S001,
        "dengan dalih memerangi",
        [(52, 57, "dalih", "epistemic_framing", "dalih", False), (77, 84, "teroris", "name_calling", "teroris", False)],
    ),
    (
        S001,
        "serangan pesawat tak berawak pengecut",
        [
            (
                104,
                141,
                "serangan pesawat tak berawak pengecut",
                "loaded_language",
                "serangan pesawat (nirawak|tak berawak) pengecut",
                False,
            )
        ],
    ),
    (S004, "dukungan AS untuk “Israel”", [(158, 166, "“Israel”", "scare_quotes", "Israel", False)]),
    (S004, "di luar kendali rezim Suriah", [(134, 139, "rezim", "name_calling", "rezim", False)]),
    (S004, "mengalahkan para jihadis", [(146, 153, "jihadis", "name_calling", "jihadis", False)]),
    # Partial quotations of speakers: no scare quotes, nothing from the lexicon.
    (S004, "mengatur “jadwal”", []),
    (S001, "membahas “transisi”", []),
    (S004, "“untuk menilai”", [(146, 153, "jihadis", "name_calling", "jihadis", False)]),
]


@pytest.mark.parametrize(
    ("document_id", "fragment", "expected"), EXPECTED, ids=[f"{d[:3]}-{f[:24]}" for d, f, _ in EXPECTED]
)
def test_exact_suggestions_for_sample_sentences(lexicon_store, document_id, fragment, expected):
    assert suggested(lexicon_store, document_id, fragment) == expected


def test_the_sample_suggestions_as_a_whole(lexicon_store):
    everything = [
        (g.label, g.term)
        for s in lexicon_store.corpus.iter_sentences()
        for g in lexicon_store.suggestions.for_sentence(s.id)
    ]
    assert len(everything) == 24
    terms = {term for _, term in everything}
    # Issue 3's list: what must be found, and what must not.
    for term in (
        "pengecut",
        "genosida",
        "serangan ~genosida",
        "pendudukan",
        "kekejaman",
        "dalih",
        "klaim palsu",
        "diklaim ... sebagai",
        "Takfiri",
        "rezim",
        "terkepung",
        "jihadis",
        "perlawanan",
        "~melanggar hukum internasional",
    ):
        assert term in terms or any(term in t for t in terms), term
    texts = [
        s.text[g.start : g.end]
        for s in lexicon_store.corpus.iter_sentences()
        for g in lexicon_store.suggestions.for_sentence(s.id)
    ]
    assert "Perlawanan" not in texts  # only inside the names Perlawanan Islam (di) Irak
    speakers = ("“jadwal”", "“transisi”", "“contoh nyata genosida.”", "“untuk menilai”")
    assert not any(t in speakers for t in texts)


def test_ignore_entry_keeps_the_group_name_unsuggested(lexicon_store):
    sentence = sentence_with(lexicon_store, S001, "Perlawanan Islam Irak, sebuah kelompok payung")
    starts = [g.start for g in lexicon_store.suggestions.for_sentence(sentence.id)]
    assert 0 not in starts and sentence.text.startswith("Perlawanan Islam Irak")
    sentence = sentence_with(lexicon_store, S004, "diklaim oleh Perlawanan Islam di Irak")
    assert [g.label for g in lexicon_store.suggestions.for_sentence(sentence.id)] == ["scare_quotes"]


# ------------------------------------------------------------------ re-running keeps decisions


def decide_all(store: Store, annotator: str, decision: str) -> None:
    for sentence in store.corpus.iter_sentences():
        for g in store.suggestions.for_sentence(sentence.id):
            store.suggestions.set_decision(g.id, annotator, decision)


def test_suggest_again_changes_nothing_and_keeps_ids_and_decisions(lexicon_store):
    before = [
        (g.id, g.start, g.end, g.label, g.term)
        for s in lexicon_store.corpus.iter_sentences()
        for g in lexicon_store.suggestions.for_sentence(s.id)
    ]
    decide_all(lexicon_store, "ani", "accepted")
    report = suggest_all(lexicon_store)
    assert (report.sentences, report.added, report.removed, report.kept) == (
        lexicon_store.corpus.counts()["sentences"],
        0,
        0,
        24,
    )
    after = [
        (g.id, g.start, g.end, g.label, g.term, g.decision)
        for s in lexicon_store.corpus.iter_sentences()
        for g in lexicon_store.suggestions.for_sentence(s.id, "ani")
    ]
    assert [a[:5] for a in after] == before
    assert {a[5] for a in after} == {"accepted"}


def test_after_a_lexicon_change_surviving_suggestions_keep_their_decisions(lexicon_store):
    store = lexicon_store
    rezim = sentence_with(store, S004, "di luar kendali rezim Suriah")
    dalih = sentence_with(store, S001, "dengan dalih memerangi")
    [rezim_g] = store.suggestions.for_sentence(rezim.id)
    dalih_g = store.suggestions.for_sentence(dalih.id)[0]
    store.suggestions.set_decision(rezim_g.id, "ani", "rejected")
    store.suggestions.set_decision(rezim_g.id, "budi", "accepted")
    store.suggestions.set_decision(dalih_g.id, "ani", "accepted")
    span = store.annotations.add_span(
        SpanAnnotation(
            dalih.id,
            "ani",
            dalih_g.start,
            dalih_g.end,
            dalih_g.label,
            origin="suggestion",
            lexicon_term="dalih",
            suggestion_id=dalih_g.id,
        )
    )
    # Remove "dalih", add "memerangi": the dalih suggestion and its decision go, rezim's stay.
    [entry] = [e for e in store.lexicons.entries() if e.term == "dalih"]
    store.lexicons.delete_entries([entry.id])
    store.lexicons.add_entry("project", LexiconEntry("memerangi", "loaded_language", "exact"))
    report = suggest_all(store)
    assert (report.added, report.removed) == (2, 1)  # "memerangi" once in 001 and once in 004
    [kept] = store.suggestions.for_sentence(rezim.id, "ani")
    assert (kept.id, kept.decision) == (rezim_g.id, "rejected")
    assert store.suggestions.for_sentence(rezim.id, "budi")[0].decision == "accepted"
    now = store.suggestions.for_sentence(dalih.id, "ani")
    assert [(dalih.text[g.start : g.end], g.decision) for g in now] == [("memerangi", None), ("teroris", None)]
    # The accepted span stays, unlinked from the suggestion that no longer exists.
    stays = store.annotations.get_span(span.id)
    assert stays is not None and stays.suggestion_id is None and stays.lexicon_term == "dalih"


def test_quoted_flag_is_refreshed_when_it_changes(lexicon_store):
    sentence = sentence_with(lexicon_store, S001, "contoh nyata genosida")
    [g] = lexicon_store.suggestions.for_sentence(sentence.id)
    lexicon_store.suggestions.sync([sentence.id], [replace(g, quoted=False, id=None)])
    assert lexicon_store.suggestions.for_sentence(sentence.id)[0].quoted is False
    suggest_all(lexicon_store)
    again = lexicon_store.suggestions.for_sentence(sentence.id)[0]
    assert (again.id, again.quoted) == (g.id, True)


# ------------------------------------------------------------------ default lexicon and the hook


def test_default_lexicon_loads_once(store):
    assert load_default_lexicon(store) >= 60
    assert load_default_lexicon(store) == 0
    assert [x.name for x in store.lexicons.all()] == [DEFAULT_LEXICON]


def test_a_custom_tag_set_gets_the_entries_whose_labels_it_has(tagset):
    store = Store.memory()
    store.initialize("t", Tagset("mini", (Label("name_calling", "1", "#fff"),), tagset.judgment))
    loaded = load_default_lexicon(store)
    labels = {e.label for e in store.lexicons.entries()}
    assert labels == {"name_calling", ""} and loaded == len(store.lexicons.entries())
    suggester = Suggester.from_store(store)
    assert suggester.scare_label is None


def test_no_hook_when_nothing_can_be_suggested(tagset):
    store = Store.memory()
    store.initialize("t", Tagset("mini", (Label("name_calling", "1", "#fff"),), tagset.judgment))
    assert sentences_hook(store) is None


# ------------------------------------------------------------------ matching in the import workers


def _import_with_lexicon(tagset, paths, *, parallel: bool, steal: bool = True, monkeypatch=None) -> tuple:
    """Import `paths` into a fresh project with the default lexicon, as `annotator import`
    does; returns every suggestion row, every sentence row, and the batches this process
    segmented itself."""
    store = Store.memory()
    store.initialize("t", tagset)
    load_default_lexicon(store)
    here = []
    if monkeypatch is not None:
        original = importer_module.Importer._process_here
        monkeypatch.setattr(
            importer_module.Importer,
            "_process_here",
            lambda self, batch: (here.append(len(batch.entries)), original(self, batch))[1],
        )
        if not steal:
            monkeypatch.setattr(importer_module.Importer, "_steal", lambda self: False)
    hook = sentences_hook(store)
    assert isinstance(hook, SentenceAnalyzer)
    report = Importer(store, ImportOptions(parallel=parallel, workers=1), on_sentences=hook).run(paths)
    assert not report.failed
    suggestions = store.conn.execute(
        "SELECT id, sentence_id, char_start, char_end, label, term, quoted, detector FROM suggestions ORDER BY id"
    ).fetchall()
    sentences = [
        (s.id, s.document_id, s.index, s.doc_start, s.doc_end, s.text, s.tokens) for s in store.corpus.iter_sentences()
    ]
    store.close()
    return suggestions, sentences, here


@pytest.mark.parametrize("steal", [False, True], ids=["workers-only", "workers-and-here"])
def test_suggestions_from_worker_processes_equal_the_in_process_ones(tagset, tmp_path, monkeypatch, steal):
    # Small batches, and workers even for small inputs, so that many batches cross.
    monkeypatch.setattr(importer_module, "PARALLEL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 4)
    corpus = write_corpus(tmp_path / "corpus.jsonl", 0.3, seed=11)
    paths = [*sample_paths(), corpus]
    expected_suggestions, expected_sentences, _ = _import_with_lexicon(tagset, paths, parallel=False)
    suggestions, sentences, here = _import_with_lexicon(
        tagset, paths, parallel=True, steal=steal, monkeypatch=monkeypatch
    )
    if not steal:
        assert here == []  # every batch was segmented and matched in the worker
    # The same rows, ids included: same sentences, offsets, labels, terms, quoted flags, detectors.
    assert suggestions == expected_suggestions
    assert sentences == expected_sentences
    assert len(suggestions) > 500
    assert {row[7] for row in suggestions} == {"lexicon", "scare_quotes"}
    assert any(row[6] for row in suggestions)  # some are quoted


def test_suggestions_of_the_samples_from_worker_processes(tagset, monkeypatch):
    monkeypatch.setattr(importer_module, "PARALLEL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 1)
    expected, _, _ = _import_with_lexicon(tagset, sample_paths(), parallel=False)
    found, _, here = _import_with_lexicon(tagset, sample_paths(), parallel=True, steal=False, monkeypatch=monkeypatch)
    assert here == [] and found == expected and len(found) == 24


def test_workers_started_by_forkserver_get_the_lexicon_pickled(tagset, tmp_path, monkeypatch):
    # With another thread running the importer does not fork: its workers come from a
    # forkserver, and the hook reaches them pickled (entries and labels) and compiles there.
    monkeypatch.setattr(importer_module, "PARALLEL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 8)
    methods = []
    pool = importer_module.ProcessPoolExecutor

    def recording_pool(*args, **kwargs):
        methods.append(kwargs["mp_context"].get_start_method())
        return pool(*args, **kwargs)

    monkeypatch.setattr(importer_module, "ProcessPoolExecutor", recording_pool)
    corpus = write_corpus(tmp_path / "corpus.jsonl", 0.1, seed=12)
    expected, _, _ = _import_with_lexicon(tagset, [*sample_paths(), corpus], parallel=False)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        found, _, here = _import_with_lexicon(
            tagset, [*sample_paths(), corpus], parallel=True, steal=False, monkeypatch=monkeypatch
        )
    finally:
        stop.set()
    assert methods in (["forkserver"], ["spawn"])
    assert here == [] and found == expected


def test_the_hook_pickles_as_its_entries_and_matches_the_same_after(lexicon_store):
    hook = sentences_hook(lexicon_store)
    copy = pickle.loads(pickle.dumps(hook))
    assert copy._suggester is None and copy.entries == hook.entries and copy.labels == hook.labels
    copy.prepare()
    sentences = list(lexicon_store.corpus.iter_sentences())
    assert [copy.analyse(s.text, s.tokens) for s in sentences] == [hook.analyse(s.text, s.tokens) for s in sentences]
    assert sum(len(copy.analyse(s.text, s.tokens) or ()) for s in sentences) == 24


def test_a_plain_hook_sees_the_same_tokens_from_worker_processes(tagset, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "PARALLEL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(importer_module, "BATCH_DOCUMENTS", 4)
    monkeypatch.setattr(importer_module.Importer, "_steal", lambda self: False)
    corpus = write_corpus(tmp_path / "corpus.jsonl", 0.05, seed=3)
    seen: dict[bool, list] = {}
    for parallel in (False, True):
        store = Store.memory()
        store.initialize("t", tagset)
        seen[parallel] = []
        Importer(
            store,
            ImportOptions(parallel=parallel, workers=1),
            on_sentences=lambda _, sentences, into=seen[parallel]: into.extend(
                (s.id, s.text, list(s.tokens), len(s.tokens)) for s in sentences
            ),
        ).run([corpus])
        store.close()
    assert seen[True] == seen[False] and len(seen[True]) > 100


# ------------------------------------------------------------------ feedback


def test_entry_stats_put_the_most_rejected_first(lexicon_store):
    store = lexicon_store
    for sentence in store.corpus.iter_sentences():
        for g in store.suggestions.for_sentence(sentence.id):
            if g.term == "perlawanan":
                store.suggestions.set_decision(g.id, "ani", "rejected")
                store.suggestions.set_decision(g.id, "budi", "rejected")
            elif g.term == "teroris":
                store.suggestions.set_decision(g.id, "ani", "accepted")
                store.suggestions.set_decision(g.id, "budi", "rejected")
            elif g.term == "rezim":
                store.suggestions.set_decision(g.id, "ani", "accepted")
    rows = {r.term: r for r in entry_stats(store)}
    assert [r.term for r in entry_stats(store)][:2] == ["perlawanan", "teroris"]
    assert (rows["perlawanan"].hits, rows["perlawanan"].rejected, rows["perlawanan"].precision) == (3, 6, 0.0)
    assert (rows["teroris"].accepted, rows["teroris"].rejected, rows["teroris"].precision) == (3, 3, 0.5)
    assert (rows["rezim"].hits, rows["rezim"].accepted, rows["rezim"].pending, rows["rezim"].precision) == (
        2,
        2,
        0,
        1.0,
    )
    assert (rows["genosida"].pending, rows["genosida"].precision) == (2, None)
    assert rows["boneka"].hits == 0
    assert rows["(scare_quotes detector)"].hits == 2 and rows["(scare_quotes detector)"].match == "detector"
    assert "Perlawanan Islam (di|) Irak" not in rows


def test_candidates_rank_uncovered_manual_annotations(lexicon_store):
    store = lexicon_store
    s1 = sentence_with(store, S004, "di luar kendali rezim Suriah")
    s2 = sentence_with(store, S004, "pasukan rezim untuk mencegah")
    s3 = sentence_with(store, S001, "dengan dalih memerangi")

    def tag(sentence, word, annotator, label="loaded_language", origin="manual"):
        start = sentence.text.index(word)
        store.annotations.add_span(
            SpanAnnotation(sentence.id, annotator, start, start + len(word), label, origin=origin)
        )

    tag(s1, "kendali", "ani")
    tag(s2, "mencegah", "ani")
    tag(s2, "mencegah", "budi", label="euphemism")
    tag(s3, "memerangi", "budi")
    tag(s1, "rezim", "ani", label="name_calling")  # covered by an entry: no candidate
    tag(s1, "Suriah", GOLD)  # gold is not an annotator's tagging
    tag(s3, "memerangi", "ani", origin="suggestion")  # accepted suggestions are not candidates
    tag(s1, "daerah-daerah", "ani", label="scare_quotes")  # the detector's business, not the lexicon's
    rows = candidates(store)
    assert [(c.form, c.frequency, c.annotators, c.label) for c in rows] == [
        ("mencegah", 2, 2, "euphemism"),
        ("kendali", 1, 1, "loaded_language"),
        ("memerangi", 1, 1, "loaded_language"),
    ]
    assert rows[0].command == "annotator lexicon add mencegah --label euphemism"


def test_normalised_forms():
    assert normalise_form("  “Penjajah,”  ") == "penjajah"
    assert normalise_form("Klaim\n Palsu.") == "klaim palsu"
    assert normalise_form("...") == ""


def test_every_suggestion_keeps_a_reason(lexicon_store):
    sentence = sentence_with(lexicon_store, S004, "“Israel”")
    reasons = {g.detector: g.reason for g in lexicon_store.suggestions.for_sentence(sentence.id)}
    assert reasons["scare_quotes"] == "1-3 words in quotes, no speech cue"
    for sentence in lexicon_store.corpus.iter_sentences():
        for g in lexicon_store.suggestions.for_sentence(sentence.id):
            assert g.reason, g
            if g.detector == "lexicon":
                assert g.term in g.reason and "match" in g.reason


def test_rerunning_the_lexicon_leaves_other_sources_alone(lexicon_store):
    from annotator.model import Suggestion

    sentence = sentence_with(lexicon_store, S004, "“Israel”")
    lexicon_store.suggestions.add(
        [
            Suggestion(
                sentence.id,
                0,
                9,
                "loaded_language",
                "mayoritas",
                detector="external:tool",
                reason="tool says so",
                score=0.9,
            )
        ]
    )
    suggest_all(lexicon_store)
    kept = [g for g in lexicon_store.suggestions.for_sentence(sentence.id) if g.detector == "external:tool"]
    assert [(g.reason, g.score) for g in kept] == [("tool says so", 0.9)]
