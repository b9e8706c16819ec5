"""Opening the workspace in a team project: the roster at the door, the lead's
conditions, queues, time on screen and adaptive overlap from a real session."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import AnnotatorError
from annotator.store import Store
from annotator.team.campaign import assign
from annotator.team.conditions import drawn_mode
from annotator.team.timing import IDLE_LIMIT_SECONDS
from annotator.workspace import AnnotationSession
from annotator.workspace.launch import open_workspace
from tests.team_corpus import add_documents, finish_document


@pytest.fixture
def project(db_path: Path, tagset) -> Path:
    with Store.open(db_path, create=True) as store:
        store.initialize("tim", tagset)
        add_documents(store, [2, 3, 2, 4, 2, 3])
    return db_path


def _team(db_path: Path, *names: str) -> None:
    with Store.open(db_path) as store:
        store.team.add(names, "annotator")


def test_a_name_off_the_roster_is_refused_with_a_suggestion_and_not_created(project: Path) -> None:
    _team(project, "ana", "budi")
    with pytest.raises(AnnotatorError, match="did you mean 'budi'"):
        open_workspace(project, "Budy")
    with Store.open(project) as store:
        assert "Budy" not in store.annotations.annotators()


def test_a_retired_annotator_cannot_open_the_workspace(project: Path) -> None:
    _team(project, "ana")
    with Store.open(project) as store:
        store.team.retire("ana")
    with pytest.raises(AnnotatorError, match="retired"):
        open_workspace(project, "ana")


def test_without_a_roster_anyone_but_a_respelling_gets_in(project: Path) -> None:
    open_workspace(project, "Budi").close()
    open_workspace(project, "  Budi  ").close()  # the same name, trimmed
    with pytest.raises(AnnotatorError, match="only in case or spacing"):
        open_workspace(project, "budi")


def test_the_lead_s_fixed_mode_is_used_and_a_conflicting_flag_refused(project: Path) -> None:
    _team(project, "ana")
    with Store.open(project) as store:
        store.team.set_condition("ana", "off", None)
    with open_workspace(project, "ana") as workspace:
        assert workspace.session.mode == "off"
        with pytest.raises(AnnotatorError, match="fixed"):
            workspace.session.set_mode("on")
    with pytest.raises(AnnotatorError, match="fixed ana's suggestions to 'off'"):
        open_workspace(project, "ana", suggestions="on")


def test_without_a_fixed_mode_the_last_one_used_is_remembered(project: Path) -> None:
    open_workspace(project, "ana", suggestions="after").close()
    with open_workspace(project, "ana") as workspace:
        assert workspace.session.mode == "after"
        workspace.session.set_mode("off")
    with open_workspace(project, "ana") as workspace:
        assert workspace.session.mode == "off"


def test_random_condition_draws_each_sentence_stably_and_stores_it(project: Path) -> None:
    _team(project, "ana")
    with Store.open(project) as store:
        store.team.set_condition("ana", "random", 0.5)
    seen = {}
    with open_workspace(project, "ana", defer_shown=False) as workspace:
        session = workspace.session
        for _ in range(10):
            seen[session.sentence_id] = session.mode
            session.mark_done()
    assert set(seen.values()) == {"on", "off"}
    assert all(mode == drawn_mode("tim", "ana", sid, 0.5) for sid, mode in seen.items())
    with Store.open(project) as store:
        for sentence_id, mode in seen.items():
            assert store.annotations.get_judgment(sentence_id, "ana").suggestion_mode == mode
    with open_workspace(project, "ana") as workspace:  # a revisit draws the same
        first = next(iter(seen))
        workspace.session.go_to_sentence(first)
        assert workspace.session.mode == seen[first]


def test_with_assignments_she_gets_only_her_queue_calibration_first(project: Path) -> None:
    _team(project, "ana", "budi", "citra")
    with Store.open(project) as store:
        result = assign(store, per_item=1, calibration=1, seed=4)
        mine = [r for r in store.team.rows("ana")]
        others = {r.document_id for r in store.team.rows()} - {r.document_id for r in mine}
    with open_workspace(project, "ana") as workspace:
        session = workspace.session
        assert session.document.id == result.plan.calibration[0]
        assert len(session.order) == len(mine)
        assert session.total == sum(r.sentences for r in mine)
        visited = set()
        for _ in range(50):
            visited.add(session.document.id)
            try:
                session.next_document()
            except AnnotatorError:
                break
        assert visited == {r.document_id for r in mine}
        with pytest.raises(AnnotatorError):
            session.go_to_document(next(iter(others)))
    with pytest.raises(AnnotatorError, match="not in your queue"):
        open_workspace(project, "ana", document=next(iter(others)))


def test_resume_and_next_open_stay_in_the_queue_and_its_end_is_announced(project: Path) -> None:
    _team(project, "ana", "budi")
    with Store.open(project) as store:
        assign(store, per_item=1, seed=1)
        mine = [r.document_id for r in store.team.rows("ana")]
        for document in mine[:-1]:
            finish_document(store, document, "ana")
    with open_workspace(project, "ana") as workspace:
        session = workspace.session
        assert session.document.id == mine[-1]  # resume inside the queue
        while True:
            notice = session.mark_done()
            if notice:
                break
        with pytest.raises(AnnotatorError, match="Your queue is done"):
            session.next_open()
    with open_workspace(project, "ana") as workspace:
        assert workspace.notice is not None and workspace.notice.startswith("Your queue is done")


def test_someone_without_documents_in_an_assigned_project_is_told_so(project: Path) -> None:
    _team(project, "ana", "budi")
    with Store.open(project) as store:
        assign(store, per_item=1, annotators=["ana"])
    with pytest.raises(AnnotatorError, match="no documents assigned"):
        open_workspace(project, "budi")


def test_time_on_screen_is_counted_per_visit_and_revisits_add(project: Path) -> None:
    now = [0.0]
    with Store.open(project) as store:
        session = AnnotationSession(store, "ana", seconds=lambda: now[0])
        session.open()
        first = session.sentence_id
        now[0] = 30.0
        session.next_sentence()  # 30 s on the first
        second = session.sentence_id
        now[0] = 1000.0
        session.previous_sentence()  # 970 s on the second: the idle limit counts
        now[0] = 1005.0
        session.next_sentence()  # 5 s more on the first
        session.end_visit()
        times = dict(store.conn.execute("SELECT sentence_id, seconds FROM sentence_time WHERE annotator = 'ana'"))
        visits = dict(store.conn.execute("SELECT sentence_id, visits FROM sentence_time WHERE annotator = 'ana'"))
    assert times == {first: 35.0, second: IDLE_LIMIT_SECONDS}
    assert visits == {first: 2, second: 2}


def test_finishing_a_document_they_disagree_on_brings_a_third_annotator(project: Path) -> None:
    _team(project, "ana", "budi", "citra")
    with Store.open(project) as store:
        assign(store, per_item=2, annotators=["ana", "budi"], adaptive=(3, 0.3))
        document = store.team.rows("ana")[0].document_id
        finish_document(store, document, "budi", label_first=True)
    with open_workspace(project, "ana", document=document, defer_shown=False) as workspace:
        session = workspace.session
        for _ in session.sentences:
            session.mark_done()
    with Store.open(project) as store:
        assert {r.annotator for r in store.team.assigned_to(document)} == {"ana", "budi", "citra"}


def test_a_done_sentence_edited_again_moves_its_finished_at(project: Path) -> None:
    stamps = iter(f"2026-01-01T00:00:{s:02d}.000Z" for s in range(60))
    with open_workspace(project, "ana", defer_shown=False) as workspace:
        session = workspace.session
        session.editor.clock = lambda: next(stamps)
        sentence_id = session.sentence_id
        session.mark_done()
        finished = session.store.annotations.get_judgment(sentence_id, "ana").finished_at
        session.previous_sentence()
        session.apply_label("1")
        assert session.store.annotations.get_judgment(sentence_id, "ana").finished_at > finished
