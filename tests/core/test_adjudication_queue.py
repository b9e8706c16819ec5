"""The adjudication queue and the automatic pre-fill of gold, with provenance."""

from annotator.adjudication.queue import build_queue, load_case, prefill
from annotator.model import GOLD, SentenceState, SpanAnnotation
from tests.adjudication_data import annotate


def first_sentences(store, n=3):
    return [s.id for s in store.corpus.sentences_of("001_0da7177c8754087f")[:n]]


def test_queue_holds_only_sentences_done_by_enough_annotators(sample_store):
    s1, s2, s3 = first_sentences(sample_store)
    annotate(sample_store, s1, "a", [(0, 7, "loaded_language")])
    annotate(sample_store, s1, "b", [])
    annotate(sample_store, s2, "a", [])
    annotate(sample_store, s3, "a", [])
    annotate(sample_store, s3, "b", [], status="skipped")
    assert build_queue(sample_store, ["a", "b"], 2) == [s1]
    assert build_queue(sample_store, ["a", "b"], 1) == [s1, s2, s3]


def test_disagreement_order_puts_disputed_sentences_first(sample_store):
    s1, s2, _ = first_sentences(sample_store)
    annotate(sample_store, s1, "a", [(0, 7, "loaded_language")], "biased")
    annotate(sample_store, s1, "b", [(0, 7, "loaded_language")], "biased")
    annotate(sample_store, s2, "a", [(0, 5, "loaded_language")], "biased")
    annotate(sample_store, s2, "b", [(0, 5, "name_calling")], "neutral")
    assert build_queue(sample_store, ["a", "b"], 2, "document") == [s1, s2]
    assert build_queue(sample_store, ["a", "b"], 2, "disagreement") == [s2, s1]


def test_majority_prefill_writes_gold_with_provenance(sample_store):
    [s1] = first_sentences(sample_store, 1)
    annotate(sample_store, s1, "a", [(0, 7, "loaded_language"), (9, 14, "name_calling")], "biased")
    annotate(sample_store, s1, "b", [(0, 7, "loaded_language")], "biased")
    annotate(sample_store, s1, "c", [(9, 14, "loaded_language")], "neutral")
    case = load_case(sample_store, s1, ["a", "b", "c"])
    assert prefill(sample_store, case, "majority", "cur")
    gold = sample_store.annotations.spans_for_sentence(s1, GOLD)
    assert [(g.start, g.end, g.label, g.agreed_by, g.resolution) for g in gold] == [
        (0, 7, "loaded_language", ("a", "b"), "auto")
    ]
    judgment = sample_store.annotations.get_judgment(s1, GOLD)
    assert (judgment.judgment, judgment.judgment_agreed_by, judgment.judgment_resolution) == (
        "biased",
        ("a", "b"),
        "auto",
    )
    assert judgment.status is None
    [event] = [e for e in sample_store.annotations.events(GOLD) if e.action == "auto_prefill"]
    assert event.payload["curator"] == "cur" and event.payload["rule"] == "majority"


def test_prefill_happens_once_so_curator_deletions_stick(sample_store):
    [s1] = first_sentences(sample_store, 1)
    annotate(sample_store, s1, "a", [(0, 7, "loaded_language")])
    annotate(sample_store, s1, "b", [(0, 7, "loaded_language")])
    case = load_case(sample_store, s1, ["a", "b"])
    assert prefill(sample_store, case, "unanimous", "cur")
    [gold] = sample_store.annotations.spans_for_sentence(s1, GOLD)
    sample_store.annotations.delete_span(gold.id)
    assert not prefill(sample_store, case, "unanimous", "cur")
    assert sample_store.annotations.spans_for_sentence(s1, GOLD) == []


def test_unanimous_and_none_rules(sample_store):
    s1, s2, _ = first_sentences(sample_store)
    for sid in (s1, s2):
        annotate(sample_store, sid, "a", [(0, 7, "loaded_language")], "biased")
        annotate(sample_store, sid, "b", [(0, 7, "loaded_language"), (9, 14, "name_calling")], "biased")
    prefill(sample_store, load_case(sample_store, s1, ["a", "b"]), "unanimous", "cur")
    prefill(sample_store, load_case(sample_store, s2, ["a", "b"]), "none", "cur")
    assert [(g.start, g.label) for g in sample_store.annotations.spans_for_sentence(s1, GOLD)] == [
        (0, "loaded_language")
    ]
    assert sample_store.annotations.get_judgment(s1, GOLD).judgment == "biased"
    assert sample_store.annotations.spans_for_sentence(s2, GOLD) == []
    assert sample_store.annotations.get_judgment(s2, GOLD).judgment is None


def test_gold_from_taken_suggestions_keeps_origin_suggestion(sample_store):
    [s1] = first_sentences(sample_store, 1)
    for who in ("a", "b"):
        sample_store.annotations.add_span(
            SpanAnnotation(s1, who, 0, 7, "loaded_language", origin="suggestion", lexicon_term="baghdad")
        )
        sample_store.annotations.put_judgment(SentenceState(s1, who, status="done"))
    prefill(sample_store, load_case(sample_store, s1, ["a", "b"]), "majority", "cur")
    [gold] = sample_store.annotations.spans_for_sentence(s1, GOLD)
    assert (gold.origin, gold.lexicon_term) == ("suggestion", "baghdad")
