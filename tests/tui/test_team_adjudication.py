"""The curator sees what the annotators said: every selected annotator's flag,
sentence note and span notes, in the adjudication details pane, as plain text."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.events import MouseScrollDown, MouseScrollUp
from textual.widgets import Static

from annotator.adjudication.session import CurationSession
from annotator.model import SentenceState, SpanAnnotation
from annotator.tui.app import SessionApp
from tests.team_corpus import add_documents

SIZE = (110, 40)


def _said(store, sentence_id, who, *, span_note=None, note=None, flagged=False):
    sentence = store.corpus.get_sentence(sentence_id)
    start, end = sentence.tokens[0]
    store.annotations.add_span(SpanAnnotation(sentence_id, who, start, end, "loaded_language", note=span_note))
    store.annotations.put_judgment(SentenceState(sentence_id, who, "done", "biased", flagged=flagged, note=note))


def _details(app: SessionApp) -> str:
    return app.screen.query_one("#adjudicate-details", Static).content.plain


async def test_the_details_show_each_annotator_s_flag_and_notes(store) -> None:
    [document] = add_documents(store, [2])
    first, second = (s.id for s in store.corpus.sentences_of(document))
    # Markup-looking notes must show as typed.
    _said(store, first, "ana", note="headline, not [bold]body[/]", flagged=True)
    _said(store, first, "budi", span_note="[red]sarcasm[/red] here")
    _said(store, first, "citra", note="not selected, not shown")
    for who in ("ana", "budi"):
        _said(store, second, who)
    session = CurationSession(store, "cur", annotators=["ana", "budi"], auto="none")
    session.open()
    app = SessionApp(session, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = _details(app).splitlines()
        said = lines[lines.index("Annotators' notes") + 1 :]
        assert said[:2] == ["ana  ⚑ flagged", "  headline, not [bold]body[/]"]
        assert said[2] == "budi"
        assert said[3].endswith("“Pasukan” [red]sarcasm[/red] here"), said
        assert "not selected" not in _details(app)
        await pilot.press("j")  # the next sentence: nobody said anything there
        await pilot.pause()
        assert session.sentence.id == second
        assert "Annotators' notes" not in _details(app)


async def test_the_details_pane_scrolls_when_the_notes_outgrow_it(store) -> None:
    [document] = add_documents(store, [2])
    first, second = (s.id for s in store.corpus.sentences_of(document))
    names = ["ana", "budi", "citra", "dewi", "eko", "fitri"]
    for number, who in enumerate(names):
        _said(store, first, who, note=f"note {number}: " + "the headline frames it " * 12, flagged=True)
        _said(store, second, who)
    session = CurationSession(store, "cur", annotators=names, auto="none")
    session.open()
    app = SessionApp(session, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#adjudicate-details-box", VerticalScroll)
        assert box.max_scroll_y > 0  # six long notes do not fit
        assert box.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert box.scroll_y > 0
        while box.scroll_y < box.max_scroll_y:
            before = box.scroll_y
            await pilot.press("pagedown")
            await pilot.pause()
            assert box.scroll_y > before
        await pilot.press("pageup")
        await pilot.pause()
        assert 0 < box.scroll_y < box.max_scroll_y
        # The mouse wheel over the pane scrolls it too (the driver's own events).
        await pilot._post_mouse_events([MouseScrollUp], box, offset=(3, 3))
        await pilot.pause()
        wheel = box.scroll_y
        assert wheel < box.max_scroll_y
        await pilot._post_mouse_events([MouseScrollDown], box, offset=(3, 3))
        await pilot.pause()
        assert box.scroll_y > wheel
        # The pane never takes the focus: the keys still drive the session, and the
        # next sentence's details start at the top.
        await pilot.press("j")
        await pilot.pause()
        assert session.sentence.id == second
        assert box.scroll_y == 0
        await pilot.press("k")
        await pilot.pause()
        assert session.sentence.id == first and box.scroll_y == 0
