"""Snapshots of the workspace (pytest-textual-snapshot). Update with --snapshot-update, then look at
the SVGs in tests/tui/__snapshots__/ before committing them."""

from __future__ import annotations

import pytest

from annotator.model import Suggestion
from annotator.tui.app import SessionApp
from annotator.workspace import AnnotationSession
from tests.conftest import SAMPLE_IDS
from tests.workspace_corpus import sentence_id


async def _annotate(pilot) -> None:
    # A span (1 on "Pasukan"), a quoted span (4 then t on "menyerang"), the pending
    # suggestion on "pengecut", a rejected one on "itu", a judgment, a flag, and a
    # selection of "kota ." with the cursor on ".".
    await pilot.press("1", "right", "right", "x", "right", "4", "t", "v", "2", "f", "right", "shift+right")
    await pilot.pause()


@pytest.fixture
def snapshot_app(make_app, corpus):
    first = sentence_id(corpus, "berita-1", 0)
    text = corpus.corpus.sentence_at("berita-1", 0).text
    start = text.index("itu")
    corpus.suggestions.add([Suggestion(first, start, start + 3, "name_calling", "itu")])
    return make_app(document="berita-1")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_main_screen_with_suggestions_spans_selection_and_quoted_span(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app, terminal_size=size, run_before=_annotate)


def test_help_screen(snap_compare, make_app):
    async def open_help(pilot) -> None:
        await pilot.press("?")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 40), run_before=open_help)


def reading_scene(store) -> SessionApp:
    """The second sample at its sentence 13 ("... dengan dalih memerangi kelompok teroris
    Daesh ..."): "dalih" accepted, "teroris" still pending under the cursor. Around it a
    reader's earlier work: the quoted "genosida" and "teroris" accepted, "pengecut" marked
    by hand and the lexicon's wider phrase around it rejected."""
    article = SAMPLE_IDS[1]
    session = AnnotationSession(store, "ayu")
    session.open(article)

    def word(text: str) -> int:
        sentence = session.sentence.text
        return next(i for i, (a, b) in enumerate(session.tokens) if sentence[a:b] == text)

    for index in (11, 13):
        session.go_to_sentence(store.corpus.sentence_at(article, index).id)
        session.accept_all()
    session.go_to_sentence(store.corpus.sentence_at(article, 15).id)
    session.place(word("pengecut"))
    session.apply_label("1")
    session.place(word("serangan"))
    session.reject()
    session.go_to_sentence(store.corpus.sentence_at(article, 12).id)
    session.place(word("dalih"))
    session.accept()
    session.place(word("teroris"))
    return SessionApp(session, cursor_blink=False)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)], ids=["80x24", "120x40", "200x50"])
def test_reading_view(snap_compare, demo_store, size):
    assert snap_compare(reading_scene(demo_store), terminal_size=size)


def test_terminal_too_small(snap_compare, demo_store):
    assert snap_compare(reading_scene(demo_store), terminal_size=(56, 14))
