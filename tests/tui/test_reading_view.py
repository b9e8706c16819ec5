"""The reading view: the document around the focus sentence, whole at 80x24 and 100x18, marks
that move no word, this annotator's work only, and the too-small screen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.model import SpanAnnotation
from annotator.tui.app import SessionApp
from annotator.tui.widgets.sentence_view import GUTTER, Mark, SentenceView, _text_ranges
from annotator.tui.widgets.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmall, too_small_message
from annotator.workspace import AnnotationSession
from tests.conftest import SAMPLE_IDS
from tests.workspace_corpus import add_document

# The third sample; its sentence 8 holds the scare quote “Israel”.
ARTICLE = SAMPLE_IDS[2]
SCARE_QUOTE = 7


def reading_app(store, annotator: str = "alice", *, document: str = ARTICLE, index: int = SCARE_QUOTE) -> SessionApp:
    session = AnnotationSession(store, annotator)
    session.open(document)
    session.go_to_sentence(store.corpus.sentence_at(document, index).id)
    return SessionApp(session, cursor_blink=False)


def screen_lines(app) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def token_cells(app) -> dict[int, tuple[int, int]]:
    """Screen (column, row) of every token of the focus sentence on screen, checked
    against what the screen shows there."""
    view = app.screen.query_one(SentenceView)
    lines = screen_lines(app)
    sentence, found = app.session.sentence, {}
    for token, (x, y) in view.token_offsets().items():
        column, row = view.region.x + x, view.region.y + y
        start, end = app.session.tokens[token]
        assert lines[row][column : column + end - start] == sentence.text[start:end], (token, lines[row])
        found[token] = (column, row)
    return found


async def test_labelling_accepting_and_removing_move_no_word(demo_store):
    app = reading_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        session = app.session
        text = session.sentence.text
        quote = next(i for i, (a, b) in enumerate(session.tokens) if text[a:b] == "Israel")
        before = token_cells(app)
        assert sorted(before) == list(range(len(session.tokens)))  # the whole sentence is on screen
        steps = [
            ("right", "1"),  # label a token
            ("shift+right", "shift+right", "4"),  # label a selection
            ("t",),  # mark it quoted
            tuple(["right"] * (quote - 2)) + ("a",),  # accept the scare quote
            ("left", "left", "d"),  # remove a span
            ("u",),  # and bring it back
            ("a",),  # nothing pending left: refused
            ("home", *["right"] * quote, "e", "left", "left"),  # a boundary edit under way
            ("enter",),  # kept: the scare quote now ends inside "Israel"
        ]
        for keys in steps:
            await pilot.press(*keys)
            await pilot.pause()
            assert token_cells(app) == before, keys
        spans = {(s.label, text[s.start : s.end]) for s in session.spans}
        assert ("scare_quotes", "“Israe") in spans and len(spans) == 3
        # The marks row under the first line draws the spans' keys where they start.
        view = app.screen.query_one(SentenceView)
        x, y = before[1]
        assert screen_lines(app)[y + 1][x : x + 2] == "1━"
        assert view.model.marks


@pytest.mark.parametrize("size", [(80, 24), (100, 18)], ids=["80x24", "100x18"])
async def test_every_sample_sentence_is_whole_on_screen(demo_store, size):
    app = reading_app(demo_store, index=0, document=SAMPLE_IDS[0])
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        seen = 0
        while True:
            assert sorted(token_cells(app)) == list(range(len(app.session.tokens))), app.session.sentence.text
            seen += 1
            if (
                app.session.position == len(app.session.order) - 1
                and app.session.index == len(app.session.sentences) - 1
            ):
                break
            await pilot.press("j")
            await pilot.pause()
        assert seen == demo_store.corpus.counts()["sentences"]


async def test_context_shows_this_annotators_work_and_paragraphs(demo_store):
    previous = demo_store.corpus.sentence_at(ARTICLE, SCARE_QUOTE - 1)
    demo_store.annotations.add_span(SpanAnnotation(previous.id, "alice", 0, 7, "loaded_language"))
    demo_store.annotations.add_span(SpanAnnotation(previous.id, "bob", 8, 14, "name_calling"))
    app = reading_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(SentenceView)
        context = view.context
        shown = {passage.id: passage for passage in context.before + context.after}
        assert [(m.start, m.end, m.kind) for m in shown[previous.id].marks] == [(0, 7, "span")]
        assert all(mark.kind != "suggestion" for passage in shown.values() for mark in passage.marks)
        # A paragraph starts after each line break of the article.
        text = demo_store.corpus.get_document(ARTICLE).text
        for passage in shown.values():
            sentence = demo_store.corpus.get_sentence(passage.id)
            before = demo_store.corpus.sentence_at(ARTICLE, sentence.index - 1)
            assert passage.paragraph == (before is None or "\n" in text[before.doc_end : sentence.doc_start])
        assert {passage.paragraph for passage in shown.values()} == {True, False}
        lines = screen_lines(app)
        row = next(i for i, line in enumerate(lines) if previous.text[:40] in line)
        assert lines[row - 1].strip("│ ") == "" or row == view.region.y
        # Another sentence can be opened by clicking it.
        offsets = view.token_offsets()
        focus_row = min(y for _, y in offsets.values())
        dx = view.scrollable_content_region.x - view.region.x + view.margin + GUTTER
        await pilot.click(SentenceView, offset=(dx + 2, row - view.region.y))
        await pilot.pause()
        assert app.session.sentence.id == previous.id
        assert focus_row > 0


async def test_a_long_document_reads_only_a_window(store):
    add_document(store, "long", [f"Kalimat nomor {i} di dokumen panjang." for i in range(5000)])
    session = AnnotationSession(store, "alice")
    session.open("long")
    session.go_to_sentence(store.corpus.sentence_at("long", 2500).id)
    app = SessionApp(session, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        context = app.screen.query_one(SentenceView).context
        assert 0 < len(context.before) <= 30 and 0 < len(context.after) <= 30
        assert context.before[-1].text.startswith("Kalimat nomor 2499 ")
        assert "nomor 2499" in "\n".join(screen_lines(app))
        await pilot.press("j")
        await pilot.pause()
        assert app.screen.query_one(SentenceView).context.before[-1].text.startswith("Kalimat nomor 2500 ")


@pytest.mark.parametrize("size", [(MIN_WIDTH - 1, 24), (80, MIN_HEIGHT - 1)], ids=["narrow", "short"])
async def test_a_terminal_below_the_minimum_shows_what_it_needs(demo_store, size):
    app = reading_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.screen.query_one(TooSmall).display and not app.screen.query_one("#body").display
        assert too_small_message() in "\n".join(screen_lines(app))
        assert too_small_message() == f"terminal too small (needs {MIN_WIDTH}x{MIN_HEIGHT})"
        await pilot.resize_terminal(MIN_WIDTH, MIN_HEIGHT)
        await pilot.pause()
        assert not app.screen.query_one(TooSmall).display and app.screen.query_one("#body").display
        assert token_cells(app)  # the focus sentence is back


@given(
    st.lists(
        st.tuples(st.integers(-2, 30), st.integers(1, 8), st.sampled_from(["span", "rejected", "suggestion"])),
        max_size=10,
    ),
    st.integers(1, 35),
)
def test_a_rejection_is_drawn_on_every_character_of_it_no_span_covers(raw, length):
    marks = tuple(Mark(start, start + width, "red", "1", kind) for start, width, kind in raw)
    covered = {c for m in marks if m.kind == "span" for c in range(m.start, m.end)}
    drawn: dict[int, set[int]] = {}
    for start, end, mark in _text_ranges(marks, length):
        chars = drawn.setdefault(id(mark), set())
        assert not chars & set(range(start, end)), "pieces of one mark do not overlap"
        chars |= set(range(start, end))
    for mark in marks:
        whole = set(range(max(mark.start, 0), min(mark.end, length)))
        expected = whole - covered if mark.kind == "rejected" else whole
        assert drawn.get(id(mark), set()) == expected
