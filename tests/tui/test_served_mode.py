"""Served in a browser, the palette offers no screenshot and no export."""

from __future__ import annotations

from annotator.tui.app import SessionApp
from annotator.workspace import AnnotationSession
from tests.workspace_corpus import build_corpus


async def test_served_mode_removes_screenshot_and_export(store) -> None:
    build_corpus(store)
    for served in (False, True):
        session = AnnotationSession(store, "ana")
        session.open()
        app = SessionApp(session, cursor_blink=False, served=served)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert ("Screenshot" in titles) is not served
            assert "Quit" in titles and "Keys" in titles
            assert "Theme" not in titles  # the styles are made for one theme (issue 16)
            if served:
                assert not app.screen.can_export()
                assert app.deliver_screenshot() is None
                assert app.deliver_text("x") is None
