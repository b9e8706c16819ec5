"""The workspace in uncertainty order, through key presses: the most uncertain sentence
first, enter and n on to the next most uncertain, and each state records `uncertain`."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.store import Store
from annotator.tui.app import SessionApp
from annotator.tui.widgets.header import WorkspaceHeader
from annotator.workspace.launch import open_workspace
from tests.uncertainty_corpus import scored_corpus

SIZE = (100, 30)


@pytest.fixture
def project(db_path: Path, tagset) -> Path:
    with Store.open(db_path, create=True) as store:
        store.initialize("ragu", tagset)
        scored_corpus(store)
    return db_path


def _state(store: Store, document_id: str, index: int):
    return store.annotations.get_judgment(store.corpus.sentence_at(document_id, index).id, "ana")


async def test_the_most_uncertain_sentence_comes_first_and_the_state_records_the_order(project: Path) -> None:
    with open_workspace(project, "ana", order="uncertain") as workspace:
        app = SessionApp(workspace.session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            session = app.session
            assert (session.document.id, session.index) == ("d-1", 1)
            assert app.screen.query_one(WorkspaceHeader).info.order == "uncertain"
            await pilot.press("1", "enter")
            await pilot.pause()
            assert (session.document.id, session.index) == ("d-1", 2)
            await pilot.press("n")
            await pilot.pause()
            assert (session.document.id, session.index) == ("d-1", 0)
    with Store.open(project, readonly=True) as store:
        done = _state(store, "d-1", 1)
        assert (done.status, done.served_order, done.suggestion_mode) == ("done", "uncertain", "on")
        assert store.annotations.spans_for_sentence(store.corpus.sentence_at("d-1", 1).id, "ana")
        assert [_state(store, "d-1", i).served_order for i in (0, 2)] == ["uncertain", "uncertain"]
        assert _state(store, "d-2", 0) is None  # never served
