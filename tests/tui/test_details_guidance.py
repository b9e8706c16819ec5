"""Guidance in the details pane: the label's description, the lexicon entry's note and
neutral alternative, wrapped with a hanging indent, and quotes never doubled."""

from __future__ import annotations

import pytest

from annotator.model import LexiconEntry, Suggestion
from annotator.tui.app import SessionApp
from annotator.tui.widgets.details import DetailsPane, quoted
from annotator.workspace import AnnotationSession
from tests.workspace_corpus import add_document

NOTE = (
    "Menggambarkan pihak lawan sebagai penjajah memuat penilaian; tolak bila kutipan langsung dari narasumber "
    "yang disebut namanya."
)


@pytest.fixture
def app(store):
    [sentence] = add_document(store, "doc", ["Pasukan penjajah itu menyebutnya “transisi” kemarin."])
    store.lexicons.add_entry(
        "default", LexiconEntry("penjajah", "loaded_language", "exact", neutral="pasukan asing", note=NOTE)
    )
    start = sentence.text.index("penjajah")
    quote = sentence.text.index("“transisi”")
    store.suggestions.add(
        [
            Suggestion(sentence.id, start, start + 8, "loaded_language", "penjajah"),
            Suggestion(sentence.id, quote, quote + 10, "scare_quotes", "“transisi”", detector="quotes"),
        ]
    )
    session = AnnotationSession(store, "alice")
    session.open()
    return SessionApp(session, cursor_blink=False)


def _pane(app) -> tuple[DetailsPane, str]:
    pane = app.screen.query_one(DetailsPane)
    return pane, pane.render().plain


async def test_a_lexicon_suggestion_shows_the_description_note_and_neutral_wrapped(app, tagset):
    description = tagset.label("loaded_language").description
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("tab")  # onto the suggestion on "penjajah"
        await pilot.pause()
        pane, text = _pane(app)
        width = pane.content_size.width
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    flat = " ".join(text.split())
    assert " ".join(description.split()) in flat
    assert "neutral pasukan asing" in flat
    assert " ".join(NOTE.split()) in flat
    # The note wraps under its own start: every further line is indented past the names.
    why = next(i for i, line in enumerate(lines) if line.startswith("  why "))
    continued = lines[why + 1 : why + 3]
    assert continued and all(line.startswith(" " * 12) and line[12] != " " for line in continued)


async def test_a_span_shows_its_label_description(app, tagset):
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("1")  # a span on "Pasukan"
        await pilot.pause()
        _, text = _pane(app)
    assert " ".join(tagset.label("loaded_language").description.split()) in " ".join(text.split())


@pytest.mark.parametrize("size", [(80, 24), (160, 40)])
async def test_a_scare_quoted_span_keeps_its_own_quotes(app, size):
    async with app.run_test(size=size) as pilot:
        await pilot.press("tab", "tab")  # onto the suggestion on “transisi”
        await pilot.pause()
        _, text = _pane(app)
    assert "“transisi”" in text and "““" not in text and "””" not in text


def test_quoted_adds_only_the_quotes_a_text_lacks():
    assert quoted("transisi") == "“transisi”"
    assert quoted("“transisi”") == "“transisi”"
    assert quoted('"transisi"') == '"transisi"'
    assert quoted("“transisi") == "“transisi”"
    assert quoted("“") == "“”"
