"""The team room and campaign against a real (in-memory) store: roster, assign,
adaptive overlap, status, flags and the suggestion-mode split."""

from __future__ import annotations

import pytest

from annotator.errors import AnnotatorError
from annotator.model import GOLD, SentenceState, SpanAnnotation
from annotator.store import Store
from annotator.team.admission import admit
from annotator.team.campaign import after_finish, assign
from annotator.team.roster import RosterError
from annotator.team.status import team_status
from tests.team_corpus import add_documents, finish_document


def test_roster_add_refuses_a_respelling_and_keeps_the_first_spelling(store: Store) -> None:
    assert store.team.add([" Budi ", "ana"], "annotator") == ["Budi", "ana"]
    with pytest.raises(RosterError, match="only in case or spacing"):
        store.team.add(["budi"], "annotator")
    with pytest.raises(RosterError, match="reserved"):
        store.team.add(["gold"], "annotator")
    assert [m.name for m in store.team.roster()] == ["Budi", "ana"]


def test_someone_who_annotated_before_the_roster_keeps_their_work_when_added(store: Store) -> None:
    [document] = add_documents(store, [2])
    finish_document(store, document, "citra")
    store.team.add(["citra"], "annotator")
    assert store.team.member("citra").active
    assert store.annotations.done_count("citra") == 2


def test_retired_annotators_get_no_new_documents(store: Store) -> None:
    add_documents(store, [3] * 10)
    store.team.add(["ana", "budi", "citra"], "annotator")
    store.team.retire("citra")
    assign(store, per_item=2)
    assert {r.annotator for r in store.team.rows()} == {"ana", "budi"}
    with pytest.raises(AnnotatorError, match="retired"):
        assign(store, per_item=1, annotators=["citra"])


def test_assign_twice_moves_nothing_and_a_new_import_is_assigned_alone(store: Store) -> None:
    add_documents(store, [3, 5, 2, 4])
    store.team.add(["ana", "budi", "citra"], "annotator")
    first = assign(store, per_item=2, seed=1)
    assert first.documents == 4 and first.rows == 8
    before = sorted(store.team.rows(), key=lambda r: (r.document_id, r.annotator))
    assert assign(store, per_item=2, seed=1).rows == 0
    new = add_documents(store, [6, 1], prefix="new")
    assign(store, per_item=2, seed=1)
    after = sorted(store.team.rows(), key=lambda r: (r.document_id, r.annotator))
    assert [r for r in after if r.document_id not in new] == before
    assert sorted(r.document_id for r in after if r.document_id in new) == sorted(new * 2)


def test_rebalance_after_team_add_moves_only_unstarted_documents(store: Store) -> None:
    documents = add_documents(store, [2] * 12)
    store.team.add(["ana", "budi"], "annotator")
    assign(store, per_item=1)
    started = [r for r in store.team.rows(annotator="ana")][:2]
    for r in started:
        finish_document(store, r.document_id, "ana")
    store.team.add(["citra"], "annotator")
    result = assign(store, per_item=1, rebalance=True)
    rows = store.team.rows()
    assert {r.document_id for r in rows} == set(documents)
    assert all(any(x.document_id == r.document_id and x.annotator == "ana" for x in rows) for r in started)
    assert "citra" in {r.annotator for r in rows}
    assert result.plan.removed


def test_gold_checks_pick_adjudicated_documents(store: Store) -> None:
    documents = add_documents(store, [2] * 6)
    for sentence in store.corpus.sentences_of(documents[0]):
        store.annotations.put_judgment(SentenceState(sentence.id, GOLD, "done"))
    store.team.add(["ana", "budi", "citra"], "annotator")
    assign(store, per_item=1, gold_checks=1, seed=2)
    rows = [r for r in store.team.rows() if r.document_id == documents[0]]
    assert {r.annotator for r in rows} == {"ana", "budi", "citra"}
    assert any(r.gold_check for r in rows)


def _adaptive_project(store: Store) -> list[str]:
    documents = add_documents(store, [2, 2])
    store.team.add(["ana", "budi", "citra"], "annotator")
    assign(store, per_item=2, adaptive=(3, 0.4), annotators=["ana", "budi"])
    return documents


def test_a_third_annotator_joins_a_document_its_two_disagree_on(store: Store) -> None:
    documents = _adaptive_project(store)
    finish_document(store, documents[0], "ana", label_first=True)
    last = store.corpus.sentences_of(documents[0])[-1].id
    assert after_finish(store, last, "ana") is None  # budi has not finished yet
    finish_document(store, documents[0], "budi")
    assert after_finish(store, last, "budi") == "citra"
    assert {r.annotator for r in store.team.assigned_to(documents[0])} == {"ana", "budi", "citra"}
    [row] = [r for r in store.team.assigned_to(documents[0]) if r.annotator == "citra"]
    assert row.origin == "adaptive"
    # Up to --max: nobody is left to add, and it never adds twice.
    finish_document(store, documents[0], "citra")
    assert after_finish(store, last, "citra") is None


def test_no_third_annotator_where_the_two_agree(store: Store) -> None:
    documents = _adaptive_project(store)
    finish_document(store, documents[1], "ana", label_first=True)
    finish_document(store, documents[1], "budi", label_first=True)
    last = store.corpus.sentences_of(documents[1])[-1].id
    assert after_finish(store, last, "budi") is None
    assert len(store.team.assigned_to(documents[1])) == 2


def test_admission_refuses_names_off_the_roster_with_a_suggestion(store: Store) -> None:
    store.team.add(["ana", "budi"], "annotator")
    with pytest.raises(RosterError, match="did you mean 'ana'"):
        admit(store, "anna", None)
    store.team.retire("budi")
    with pytest.raises(RosterError, match="retired"):
        admit(store, "budi", None)
    assert admit(store, " ana ", None).name == "ana"


def test_admission_without_roster_refuses_only_near_duplicates(store: Store) -> None:
    store.annotations.ensure_annotator("Budi")
    assert admit(store, "siapa", None).name == "siapa"
    with pytest.raises(RosterError, match="only in case or spacing"):
        admit(store, "budi", None)


def test_a_fixed_condition_and_the_remembered_mode(store: Store) -> None:
    store.team.add(["ana", "budi"], "annotator")
    store.team.set_condition("ana", "random", 0.25)
    admission = admit(store, "ana", None)
    assert (admission.mode, admission.share, admission.fixed) == ("random", 0.25, True)
    with pytest.raises(AnnotatorError, match="fixed ana's suggestions to 'random'"):
        admit(store, "ana", "on")
    store.team.remember_mode("budi", "off")
    assert admit(store, "budi", None).mode == "off"


def test_team_status_reports_progress_time_and_pairs(store: Store) -> None:
    documents = add_documents(store, [2, 3, 4])
    store.team.add(["ana", "budi"], "annotator")
    assign(store, per_item=2)
    finish_document(store, documents[0], "ana", label_first=True, flagged=True, note="cek")
    finish_document(store, documents[0], "budi", label_first=True)
    for sentence in store.corpus.sentences_of(documents[0]):
        store.team.add_visit(sentence.id, "ana", 30)
        store.team.add_visit(sentence.id, "ana", 10_000)  # an idle visit counts the limit only
    status = team_status(store)
    ana = next(a for a in status["annotators"] if a["name"] == "ana")
    assert (ana["assigned_documents"], ana["assigned_sentences"], ana["done"], ana["remaining"]) == (3, 9, 2, 7)
    assert ana["active_seconds"] == 2 * (30 + 120)
    assert ana["sentences_per_hour"] == round(2 * 3600 / 300, 1)
    assert ana["eta_seconds"] == 7 * 150
    assert ana["flags"] == 2
    [pair] = status["pairs"]
    assert pair["annotators"] == ["ana", "budi"] and pair["shared_sentences"] == 2
    assert pair["token_alpha"] == 1.0
    assert store.team.flags()[0][:3] == (documents[0], 0, "ana")


def test_modes_split_sentences_by_what_every_annotator_saw(store: Store) -> None:
    [document] = add_documents(store, [3])
    first, second, third = store.corpus.sentences_of(document)
    for name in ("ana", "budi"):
        store.annotations.put_judgment(SentenceState(first.id, name, "done", suggestion_mode="on"))
        store.annotations.put_judgment(SentenceState(second.id, name, "done", suggestion_mode="off"))
    store.annotations.put_judgment(SentenceState(third.id, "ana", "done", suggestion_mode="on"))
    store.annotations.put_judgment(SentenceState(third.id, "budi", "done", suggestion_mode="off"))
    assert store.team.modes_by_sentence(["ana", "budi"]) == ([first.id], [second.id])


def test_search_can_keep_to_one_queue(store: Store) -> None:
    documents = add_documents(store, [2, 2, 2])
    store.team.add(["ana", "budi"], "annotator")
    assign(store, per_item=1)
    mine = {r.document_id for r in store.team.rows("ana")}
    everywhere = store.corpus.search_sentences("Pasukan")
    assert {s.document_id for s in everywhere} == set(documents)
    assert {s.document_id for s in store.corpus.search_sentences("Pasukan", queue_of="ana")} == mine


def test_sentence_notes_gather_every_annotator_s_flag_and_notes(store: Store) -> None:
    [document] = add_documents(store, [1])
    [sentence] = store.corpus.sentences_of(document)
    store.annotations.put_judgment(SentenceState(sentence.id, "ana", "done", flagged=True, note="ragu"))
    start, end = sentence.tokens[0]
    store.annotations.add_span(SpanAnnotation(sentence.id, "budi", start, end, "loaded_language", note="kutipan?"))
    store.annotations.put_judgment(SentenceState(sentence.id, GOLD, "done", flagged=True))
    assert store.team.sentence_notes(sentence.id) == [
        ("ana", True, "ragu", []),
        ("budi", False, None, [(start, end, "loaded_language", "kutipan?")]),
    ]
    assert store.team.flagged_sentences(["ana", "budi"]) == {sentence.id}
    assert store.team.flagged_sentences(["budi"]) == set()


def test_loads_follow_assign_rebalance_and_adaptive_additions(store: Store) -> None:
    documents = add_documents(store, [2, 3, 4, 5])
    store.team.add(["ana", "budi", "citra"], "annotator")
    assign(store, per_item=1, annotators=["ana", "budi"])

    def summed() -> dict[str, int]:
        found: dict[str, int] = {}
        for r in store.team.rows():
            found[r.annotator] = found.get(r.annotator, 0) + r.sentences
        return found

    assert store.team.loads() == summed()
    store.team.add_adaptive(documents[3], "citra", 5)
    store.team.add_adaptive(documents[3], "citra", 5)  # twice is once
    assert store.team.loads() == summed() and store.team.loads()["citra"] == 5
    assign(store, per_item=1, rebalance=True)
    assert store.team.loads() == summed()


def test_rebalance_after_retire_leaves_her_only_what_she_started(store: Store) -> None:
    add_documents(store, [2] * 10)
    store.team.add(["ana", "budi", "citra"], "annotator")
    assign(store, per_item=2)
    started = store.team.rows("budi")[0].document_id
    finish_document(store, started, "budi")
    store.team.retire("budi")
    assign(store, per_item=2, rebalance=True)
    assert [r.document_id for r in store.team.rows("budi")] == [started]
    teams: dict[str, set[str]] = {}
    for r in store.team.rows():
        teams.setdefault(r.document_id, set()).add(r.annotator)
    assert all(len(names) == 2 for names in teams.values())
    assert all(names == {"ana", "citra"} for d, names in teams.items() if d != started)


def test_adjudication_order_flagged_puts_flagged_sentences_first(store: Store) -> None:
    from annotator.adjudication.queue import build_queue

    [document] = add_documents(store, [4])
    sentences = [s.id for s in store.corpus.sentences_of(document)]
    for name in ("ana", "budi"):
        for number, sentence_id in enumerate(sentences):
            flagged = name == "budi" and number in (1, 3)
            store.annotations.put_judgment(SentenceState(sentence_id, name, "done", flagged=flagged))
    assert build_queue(store, ["ana", "budi"], 2, "document") == sentences
    assert build_queue(store, ["ana", "budi"], 2, "flagged") == [sentences[1], sentences[3], sentences[0], sentences[2]]
    assert build_queue(store, ["ana"], 1, "flagged") == sentences  # only the chosen annotators' flags count


def test_the_curator_sees_every_annotator_s_flag_and_notes(store: Store) -> None:
    from annotator.adjudication.notes import SpanNote, annotator_notes

    [document] = add_documents(store, [1])
    [sentence] = store.corpus.sentences_of(document)
    start, end = sentence.tokens[0]
    store.annotations.put_judgment(SentenceState(sentence.id, "ana", "done", flagged=True))
    store.annotations.put_judgment(SentenceState(sentence.id, "budi", "done", note="sarkasme?"))
    store.annotations.add_span(SpanAnnotation(sentence.id, "budi", start, end, "loaded_language", note="kutipan"))
    store.annotations.put_judgment(SentenceState(sentence.id, "citra", "done"))
    notes = annotator_notes(store, sentence.id)
    assert [(n.annotator, n.flagged, n.note) for n in notes] == [("ana", True, None), ("budi", False, "sarkasme?")]
    assert notes[1].span_notes == (SpanNote(start, end, "loaded_language", "kutipan"),)
    assert [n.annotator for n in annotator_notes(store, sentence.id, ["budi", "citra"])] == ["budi"]
