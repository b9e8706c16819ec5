"""The curation session: every curator action and the gold state it leaves in the store."""

import pytest

from annotator.adjudication.session import CurationSession
from annotator.errors import AnnotatorError
from annotator.model import GOLD
from annotator.workspace.editing import ActionRefused
from tests.adjudication_data import annotate

DOC = "001_0da7177c8754087f"


@pytest.fixture
def disputed(sample_store):
    """Two sentences done by a, b and c, who disagree."""
    s1, s2 = [s.id for s in sample_store.corpus.sentences_of(DOC)[:2]]
    # Sentence 0 starts "Baghdad, Purna Warta – Kementerian ..." : tokens 0-7 "Baghdad", 9-14 "Purna".
    annotate(sample_store, s1, "a", [(0, 7, "loaded_language"), (9, 14, "name_calling")], "biased")
    annotate(sample_store, s1, "b", [(0, 7, "loaded_language")], "biased")
    annotate(sample_store, s1, "c", [(9, 14, "loaded_language")], "neutral")
    annotate(sample_store, s2, "a", [], "neutral")
    annotate(sample_store, s2, "b", [], "neutral")
    return sample_store, s1, s2


def gold_rows(store, sentence_id):
    return [
        (g.start, g.end, g.label, g.agreed_by, g.resolution)
        for g in store.annotations.spans_for_sentence(sentence_id, GOLD)
    ]


def test_opening_prefills_by_majority(disputed):
    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="majority")
    session.open()
    assert session.sentence_id == s1
    assert gold_rows(store, s1) == [(0, 7, "loaded_language", ("a", "b"), "auto")]
    assert store.annotations.get_judgment(s1, GOLD).judgment == "biased"


def test_take_candidate_records_who_gave_it(disputed):
    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="none")
    session.open()
    # Candidates in reading order: (0,7,loaded) by a,b; (9,14,loaded) by c; (9,14,name_calling) by a.
    session.next_candidate()
    assert session.candidate.key == (9, 14, "loaded_language")
    session.take()
    assert gold_rows(store, s1) == [(9, 14, "loaded_language", ("c",), "curated")]


def test_take_all_of_one_annotator(disputed):
    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="none")
    session.open()
    session.take_all_of("a")
    assert gold_rows(store, s1) == [
        (0, 7, "loaded_language", ("a", "b"), "curated"),
        (9, 14, "name_calling", ("a",), "curated"),
    ]


def test_reject_removes_an_auto_span_from_gold(disputed):
    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="majority")
    session.open()
    assert session.candidate.key == (0, 7, "loaded_language")
    session.reject()
    assert gold_rows(store, s1) == []
    assert session.is_rejected(session.candidates[0])


def test_reject_of_a_candidate_gold_never_had_is_logged(disputed):
    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="none")
    session.open()
    assert session.reject() is None
    assert [e.action for e in store.annotations.events(GOLD)][-1] == "candidate.reject"


def test_label_keys_edit_gold_with_the_token_cursor(disputed):
    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="none")
    session.open()
    session.clear_selection()
    session.place(0)
    session.extend(2)  # tokens: Baghdad , Purna
    session.apply_label("3")
    assert gold_rows(store, s1) == [(0, 14, "epistemic_framing", (), "curated")]
    session.place(0)
    session.apply_label("1")  # relabel the gold span under the cursor
    assert gold_rows(store, s1) == [(0, 14, "loaded_language", (), "curated")]
    session.delete()
    assert gold_rows(store, s1) == []


def test_relabel_to_an_annotators_span_records_agreement(disputed):
    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="none")
    session.open()
    session.clear_selection()
    session.place(2)  # "Purna"
    session.apply_label("2")
    assert gold_rows(store, s1) == [(9, 14, "name_calling", ("a",), "curated")]


def test_gold_judgment_note_and_flag(disputed):
    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="none")
    session.open()
    session.set_judgment("neutral")
    state = store.annotations.get_judgment(s1, GOLD)
    assert (state.judgment, state.judgment_agreed_by, state.judgment_resolution) == ("neutral", ("c",), "curated")
    session.set_note("c is right: the dateline is not loaded")
    session.toggle_flag()
    state = store.annotations.get_judgment(s1, GOLD)
    assert state.note.startswith("c is right") and state.flagged


def test_mark_adjudicated_then_next(disputed):
    store, s1, s2 = disputed
    session = CurationSession(store, "cur")
    session.open()
    session.mark_adjudicated()
    assert store.annotations.get_judgment(s1, GOLD).status == "done"
    assert session.sentence_id == s2
    assert session.adjudicated() == 1


def test_undo_and_redo_cover_spans_and_judgments(disputed):
    store, s1, s2 = disputed
    session = CurationSession(store, "cur", auto="none")
    session.open()
    session.take()
    session.set_judgment("biased")
    session.mark_adjudicated()
    assert session.sentence_id == s2
    session.undo()  # the status
    assert session.sentence_id == s1 and store.annotations.get_judgment(s1, GOLD).status is None
    session.undo()  # the judgment
    assert store.annotations.get_judgment(s1, GOLD).judgment is None
    session.undo()  # the span
    assert gold_rows(store, s1) == []
    with pytest.raises(ActionRefused):
        session.undo()
    session.redo()
    assert gold_rows(store, s1) == [(0, 7, "loaded_language", ("a", "b"), "curated")]
    session.redo()
    assert store.annotations.get_judgment(s1, GOLD).judgment == "biased"


def test_events_name_the_curator(disputed):
    store, _, _ = disputed
    session = CurationSession(store, "cur", auto="none")
    session.open()
    session.take()
    event = store.annotations.events(GOLD)[-1]
    assert event.action == "gold.take" and event.payload["curator"] == "cur" and event.origin == "adjudicate"


def test_resume_skips_adjudicated_sentences(disputed):
    store, s1, s2 = disputed
    first = CurationSession(store, "cur")
    first.open()
    first.mark_adjudicated()
    second = CurationSession(store, "cur")
    second.open()
    assert second.sentence_id == s2


def test_refuses_gold_as_annotator_and_unknown_names(disputed):
    store, _, _ = disputed
    with pytest.raises(AnnotatorError, match="gold"):
        CurationSession(store, "cur", annotators=["a", "gold"])
    with pytest.raises(AnnotatorError, match="no annotator"):
        CurationSession(store, "cur", annotators=["a", "zed"])


def test_nothing_to_adjudicate_is_a_clear_error(sample_store):
    [s1] = [s.id for s in sample_store.corpus.sentences_of(DOC)[:1]]
    annotate(sample_store, s1, "a", [])
    with pytest.raises(AnnotatorError, match="no sentence is marked done"):
        CurationSession(sample_store, "cur")


def test_a_gold_span_inside_quotation_marks_is_quoted(sample_store):
    [sentence] = [s for s in sample_store.corpus.sentences_of("004_42838089c5e12062") if "“Israel”" in s.text]
    start = sentence.text.index("Israel")
    for who in ("a", "b"):
        annotate(sample_store, sentence.id, who, [])
    session = CurationSession(sample_store, "cur", auto="none")
    session.open()
    session.clear_selection()
    session.place(session.token_range(start, start + 6)[0])
    session.apply_label("4")
    [gold] = sample_store.annotations.spans_for_sentence(sentence.id, GOLD)
    assert (gold.start, gold.end, gold.quoted) == (start, start + 6, True)


def test_marking_gold_with_overlapping_spans_of_one_label_warns_the_curator(disputed):
    from annotator.model import SpanAnnotation

    store, s1, _ = disputed
    session = CurationSession(store, "cur", auto="majority")
    session.open()
    assert session.overlap_warning() is None
    # Gold (0, 7) loaded_language from the pre-fill; an overlapping one of the same label.
    store.annotations.add_span(SpanAnnotation(s1, GOLD, 0, 14, "loaded_language", agreed_by=(), resolution="curated"))
    session._reload()
    notice = session.mark_adjudicated()
    assert notice is not None and notice.startswith("Gold of sentence 1 holds overlapping spans of one label")
    assert "loaded_language “Baghdad” and “Baghdad, Purna”" in notice
    assert store.annotations.get_judgment(s1, GOLD).status == "done"  # warned, not refused
