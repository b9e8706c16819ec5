"""Document text is shown literally: markup is never interpreted, control characters never reach the terminal."""

from __future__ import annotations

import pytest

from annotator.model import SentenceState
from annotator.tui.app import SessionApp
from annotator.tui.screens.dialogs import SafeInput
from annotator.tui.widgets.details import DetailsPane
from annotator.tui.widgets.header import WorkspaceHeader
from annotator.tui.widgets.sentence_layout import display_text
from annotator.tui.widgets.sentence_view import SentenceView
from annotator.workspace import AnnotationSession
from tests.workspace_corpus import add_document

SIZE = (100, 30)

HOSTILE = [
    "Ini [bold]tebal[/bold] dan [red]merah[/] saja.",
    "Klik [@click=app.quit]x[/] untuk keluar.",
    "Tautan [link=https://evil.example]klik[/link] di sini.",
    "Warna \x1b[31mmerah\x1b[0m lalu \x1b[2J layar bersih.",
    "Salin \x1b]52;c;ZXZpbA==\x07 ke papan klip.",
    "Bel \x07 dan nol \x00 dan hapus \x7f dan C1 \x9b di sini.",
    "Arah \u202etebalik\u202c teks.",
]
TITLE = "[b]Judul[/b] \x1b]0;title\x07 [@click=app.quit]q[/]"


@pytest.fixture
def hostile_app(store):
    add_document(store, "[red]doc[/red]\x1b[1m", HOSTILE, title=TITLE)
    session = AnnotationSession(store, "alice")
    session.open()
    return SessionApp(session, cursor_blink=False)


def _check_screen(app) -> str:
    """Everything on screen: no control character, no link, no action metadata."""
    text = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in segment.text), repr(segment.text)
            style = segment.style
            if style is not None:
                assert not style.link, style.link
                assert "@click" not in str(style.meta or {}), style.meta
            text.append(segment.text)
        text.append("\n")
    return "".join(text)


def test_display_text_keeps_offsets_and_makes_controls_visible():
    for sentence in HOSTILE:
        shown = display_text(sentence)
        assert len(shown) == len(sentence)
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert display_text("a\x1bb\x07c\x00d") == "a\u241bb\u2407c\u2400d"
    assert "\u202e" not in display_text(HOSTILE[-1])


async def test_every_hostile_sentence_renders_literally(hostile_app):
    app = hostile_app
    async with app.run_test(size=SIZE) as pilot:
        for sentence in HOSTILE:
            view = app.screen.query_one(SentenceView)
            rendered = view.render()
            assert rendered.plain.replace("\n", " ") == display_text(sentence)
            screen = _check_screen(app)
            for literal in ("[bold]", "[@click=app.quit]", "[link=https://evil.example]", "[/]"):
                if literal in sentence:
                    assert literal in screen
            await pilot.press("j")
            await pilot.pause()
        assert app.is_running


async def test_header_shows_title_and_id_literally(hostile_app):
    app = hostile_app
    async with app.run_test(size=SIZE):
        header = app.screen.query_one(WorkspaceHeader).render().plain
        assert "[b]Judul[/b]" in header and "\x1b" not in header and "\u241b" in header
        screen = _check_screen(app)
        assert "[@click=app.quit]q[/]" in screen or "[@click" in screen


async def test_labelling_markup_tokens_works_and_does_not_run_actions(hostile_app):
    app = hostile_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")  # the [@click=app.quit] sentence
        await pilot.press("right", "shift+right", "shift+right", "1")
        await pilot.pause()
        # Clicking the rendered markup must not quit the app either.
        await pilot.click(SentenceView, offset=(8, 0))
        await pilot.pause()
        assert app.is_running
        _check_screen(app)
    store = app.session.store
    sentence = store.corpus.sentence_at("[red]doc[/red]\x1b[1m", 1)
    [span] = store.annotations.spans_for_sentence(sentence.id, "alice")
    assert sentence.text[span.start : span.end].startswith("[")


async def test_notes_with_markup_are_stored_and_shown_literally(hostile_app):
    app = hostile_app
    note = "[bold]catatan[/] [@click=app.quit]x[/]"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", *note, "enter")
        await pilot.pause()
        details = app.screen.query_one(DetailsPane).render().plain
        assert note in details
        assert app.is_running
        _check_screen(app)
    assert app.session.store.annotations.get_judgment(app.session.sentence_id, "alice").note == note


async def test_search_results_show_markup_literally(hostile_app):
    app = hostile_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"link", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = _check_screen(app)
        assert "[link=https://evil.example]klik[/link]" in screen
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.index == 2


NOTE = "Lihat \x1b]0;PWNED\x07 dan \x1b]8;;https://evil.example\x07tautan\x1b]8;;\x07 serta \x1b[2J."


async def test_the_note_editor_shows_a_stored_note_without_its_escapes(store):
    add_document(store, "doc", ["Kalimat pertama di sini.", "Kalimat kedua."])
    sentence = next(iter(store.corpus.iter_sentences()))
    store.annotations.put_judgment(SentenceState(sentence.id, "alice", note=NOTE))
    session = AnnotationSession(store, "alice")
    session.open()
    app = SessionApp(session, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        editor = app.screen.query_one(SafeInput)
        assert editor.value == display_text(NOTE)
        _check_screen(app)  # no OSC 0 title, no OSC 8 link, no ESC at all
        await pilot.press("enter")  # saved unedited: the stored note is kept exactly
        await pilot.pause()
        assert store.annotations.get_judgment(sentence.id, "alice").note == NOTE.strip()
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one(SafeInput).insert_text_at_cursor(" \x1b]0;again\x07")  # as a paste does
        _check_screen(app)
        await pilot.press("!", "enter")
        await pilot.pause()
        # Edited: saved as shown, placeholders and all.
        assert (
            store.annotations.get_judgment(sentence.id, "alice").note
            == display_text(NOTE + " \x1b]0;again\x07!").strip()
        )
