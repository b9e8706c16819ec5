"""The details pane names a suggestion's source and its reason."""

from __future__ import annotations

import pytest

from annotator.model import Suggestion
from annotator.tui.app import SessionApp
from annotator.tui.widgets.details import DetailsPane
from annotator.workspace import AnnotationSession
from tests.workspace_corpus import add_document


@pytest.mark.parametrize("size", [(100, 30), (160, 40)])
async def test_details_show_the_model_confidence_and_the_reason(store, size):
    [sentence] = add_document(store, "doc", ["Pasukan penjajah itu datang."])
    start = sentence.text.index("penjajah")
    store.suggestions.add(
        [
            Suggestion(
                sentence.id,
                start,
                start + 8,
                "loaded_language",
                "penjajah",
                detector="model",
                reason="learned from 12 done sentences",
                score=0.8125,
            )
        ]
    )
    session = AnnotationSession(store, "alice")
    session.open()
    app = SessionApp(session, cursor_blink=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        # Long values wrap in the wide pane: compare the words.
        details = " ".join(app.screen.query_one(DetailsPane).render().plain.split())
    assert "model, confidence 0.81" in details
    assert "learned from 12 done sentences" in details
