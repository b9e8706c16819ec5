"""The current sentence: tokens, spans, suggestions, cursor and selection, drawn from plain text.

Everything on screen is a `Content` built from the display text (see
`sentence_layout.display_text`) plus `Span` styles; document text is never parsed
as markup. Spans carry their label colour as background and a superscript key after
them; pending suggestions are underlined in the label colour with a `?` tag;
rejected ones are struck through; quoted spans are italic with a ❝ before the key.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from textual.cache import LRUCache
from textual.content import Content, Span
from textual.events import MouseDown, MouseMove, MouseUp
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from .colors import label_color
from .sentence_layout import (
    SentenceLayout,
    Tag,
    display_text,
    layout_sentence,
    superscript,
)

MarkKind = Literal["span", "suggestion", "rejected"]


@dataclass(frozen=True)
class Mark:
    """Something drawn over a character range: a span, a pending or a rejected suggestion."""

    start: int
    end: int
    color: str
    key: str
    kind: MarkKind
    quoted: bool = False


@dataclass(frozen=True)
class SentenceModel:
    text: str
    tokens: tuple[tuple[int, int], ...]
    marks: tuple[Mark, ...] = ()
    cursor: int | None = 0
    # Inclusive token range.
    selection: tuple[int, int] | None = None


class FrozenTokens:
    """The tokens of the sentence on screen as the tuple a `SentenceModel` holds, made
    once per token list rather than on every key (20,000 pairs cost ~30 ms to copy,
    and a new tuple each time would also defeat the layout cache)."""

    def __init__(self) -> None:
        self._source: object = None
        self._frozen: tuple[tuple[int, int], ...] = ()

    def __call__(self, tokens: Sequence[Sequence[int]]) -> tuple[tuple[int, int], ...]:
        if tokens is not self._source:
            self._source = tokens
            self._frozen = tuple((start, end) for start, end in tokens)
        return self._frozen


def _tags(marks: tuple[Mark, ...]) -> list[Tag]:
    tags = []
    for mark in marks:
        if mark.kind == "span":
            tags.append(Tag(mark.end, ("❝" if mark.quoted else "") + superscript(mark.key), mark.color))
        elif mark.kind == "suggestion":
            tags.append(Tag(mark.end, superscript(mark.key) + "?", mark.color, strong=False))
    return tags


@lru_cache(maxsize=256)
def _mark_style(color: str, kind: str, quoted: bool) -> Style:
    parsed = label_color(color)
    if kind == "span":
        return Style(background=parsed, foreground=parsed.get_contrast_text(1.0), bold=True, italic=quoted)
    return Style(foreground=parsed, underline=True)


@lru_cache(maxsize=64)
def _tag_style(color: str, strong: bool) -> Style:
    return Style(foreground=label_color(color), bold=strong, dim=not strong)


class SentenceView(ScrollView, can_focus=False):
    """One sentence, wrapped at spaces, with clickable tokens.

    A `ScrollView` drawn line by line (`render_line`) with a cache of rendered lines,
    as toolong draws logs: moving the cursor repaints only the lines whose styles
    changed, and a long sentence scrolls inside a fixed region, so no key press
    changes the screen layout.
    """

    COMPONENT_CLASSES = {"sentence-view--cursor", "sentence-view--selection", "sentence-view--rejected"}

    DEFAULT_CSS = """
    SentenceView {
        height: 1fr;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    SentenceView > .sentence-view--cursor {
        text-style: reverse bold;
    }
    SentenceView > .sentence-view--selection {
        background: $primary;
        color: $text;
    }
    SentenceView > .sentence-view--rejected {
        text-style: strike dim;
    }
    """

    @dataclass
    class TokenClicked(Message):
        token: int

    @dataclass
    class TokensDragged(Message):
        first: int
        last: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model: SentenceModel | None = None
        self._layout_key: tuple | None = None
        self._layout: SentenceLayout | None = None
        self._layout_for: tuple[int, int] | None = None
        # Per (model, width): the style spans of each line, which is also its cache key.
        self._lines_for: tuple[int, int] | None = None
        self._line_spans: list[tuple] = []
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._drag_from: int | None = None
        self._dragged = False

    @property
    def text_width(self) -> int:
        """Cells available for text (the scrollbar gutter is always reserved)."""
        return max(self.scrollable_content_region.width, 1)

    # ---------------------------------------------------------------- model

    def show(self, model: SentenceModel) -> None:
        old = self.model
        if self.scrollable_content_region.width <= 0:
            # Not laid out yet (on mount): wrapping to one cell would make a line per
            # character. `on_resize` lays the sentence out once the width is known.
            self.model = model
            return
        width = self.text_width
        prepared = old is not None and self._lines_for == (id(old), width)
        old_layout, old_lines = (self._layout, self._line_spans) if prepared else (None, None)
        self.model = model
        new_lines = self._prepare(width)
        layout = self._layout
        if (
            old_layout is None
            or old_lines is None
            or layout is None
            or (layout is not old_layout and layout.lines != old_layout.lines)
        ):
            self._resize_virtual(width)
            self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()
        else:
            # Only the lines on screen: the others are drawn from their new spans when
            # scrolled to (the strip cache is keyed by them), so a cursor leaving a
            # 10,000-line token costs a screenful of comparisons, not 10,000 refreshes.
            top = int(self.scroll_y)
            for y in range(top, min(top + self.scrollable_content_region.height, len(new_lines))):
                if old_lines[y] != new_lines[y]:
                    self.refresh_line(y)
        self._reveal_cursor()

    def _resize_virtual(self, width: int) -> None:
        # At least the visible height: sentences that fit leave the virtual size (and
        # so the screen layout) unchanged from one sentence to the next.
        layout = self.layout_for(width)
        lines = len(layout.lines) if layout else 1
        size = Size(width, max(lines, self.scrollable_content_region.height))
        if size != self.virtual_size:
            self.virtual_size = size

    def on_resize(self) -> None:
        self._resize_virtual(self.text_width)
        self._reveal_cursor()

    def layout_for(self, width: int) -> SentenceLayout | None:
        model = self.model
        if model is None:
            return None
        if self._layout_for == (id(model), width):  # called for every line drawn: keep it cheap
            return self._layout
        tags = _tags(model.marks)
        key = (model.text, model.tokens, tuple(tags), width)
        if key != self._layout_key:
            self._layout = layout_sentence(model.text, model.tokens, tags, width)
            self._layout_key = key
        self._layout_for = (id(model), width)
        return self._layout

    def _prepare(self, width: int) -> list[tuple]:
        """The spans of each line, clipped to it and shifted to its start."""
        model, layout = self.model, self.layout_for(width)
        if model is None or layout is None:
            return []
        if self._lines_for != (id(model), width):
            starts = [start for start, _ in layout.lines]
            per_line: list[list[tuple[int, int, Style]]] = [[] for _ in starts]
            for a, b, style in self._spans(model, layout):
                # Most spans lie on one line: find it by bisection, not by testing every line.
                y = max(bisect_right(starts, a) - 1, 0)
                while y < len(starts) and starts[y] < b:
                    start, end = layout.lines[y]
                    if a < end and b > start:
                        per_line[y].append((max(a, start) - start, min(b, end) - start, style))
                    y += 1
            self._line_spans = [(start, end, tuple(spans)) for (start, end), spans in zip(layout.lines, per_line)]
            self._lines_for = (id(model), width)
        return self._line_spans

    def _reveal_cursor(self) -> None:
        model, layout = self.model, self.layout_for(self.text_width)
        if model is None or layout is None or model.cursor is None or not layout.tokens:
            return
        line = layout.line_of(min(model.cursor, len(layout.tokens) - 1))
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        if height and not top <= line < top + height:
            self.scroll_to(y=max(line - height // 2, 0), animate=False, immediate=True)

    # ------------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        width = self.text_width
        base = self.rich_style
        lines = self._prepare(width)
        layout = self._layout
        line = y + int(self.scroll_y)
        if layout is None or not 0 <= line < len(lines):
            return Strip.blank(width, base)
        key = (lines[line], layout.display, width, base)
        strip = self._strips.get(key)
        if strip is None:
            start, end, spans = lines[line]
            content = Content(layout.display[start:end], [Span(*span) for span in spans], strip_control_codes=False)
            segments = content.render_segments(self.visual_style)
            strip = Strip(segments, content.cell_length).crop_extend(0, width, base)
            self._strips[key] = strip
        return strip

    def render(self) -> Content:
        """The whole sentence as one Content (what `render_line` draws, for tests and export)."""
        layout = self.layout_for(self.text_width)
        if layout is None:
            return Content("")
        lines = self._prepare(self.text_width)
        return Content("\n").join(
            Content(layout.display[start:end], [Span(*span) for span in spans], strip_control_codes=False)
            for start, end, spans in lines
        )

    def _spans(self, model: SentenceModel, layout: SentenceLayout) -> list[tuple[int, int, Style]]:
        index = layout.display_index
        spans: list[tuple[int, int, Style]] = []

        def add(start: int, end: int, style: Style) -> None:
            start, end = max(start, 0), min(end, len(model.text))
            if start < end:
                # The display range runs to the last character, plus any tags after it.
                spans.append((index[start], index[end - 1] + 1, style))

        rejected = self._component("sentence-view--rejected")
        for mark in model.marks:
            add(
                mark.start,
                mark.end,
                rejected if mark.kind == "rejected" else _mark_style(mark.color, mark.kind, mark.quoted),
            )
        tokens = model.tokens
        if model.selection is not None and tokens:
            first, last = model.selection
            add(tokens[first][0], tokens[last][1], self._component("sentence-view--selection"))
        if model.cursor is not None and tokens:
            start, end = tokens[min(model.cursor, len(tokens) - 1)]
            add(start, end, self._component("sentence-view--cursor"))
        # Tags go last, so a selection or cursor over the span does not hide the key.
        for start, end, tag in layout.tag_ranges:
            spans.append((start, end, _tag_style(tag.color, tag.strong)))
        return spans

    def _component(self, name: str) -> Style:
        # The partial Rich style keeps exactly the rules the CSS sets (reverse included),
        # so the cursor reverses whatever label colour lies under it.
        return Style.from_rich_style(self.get_component_rich_style(name, partial=True))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._lines_for = None

    # ------------------------------------------------------------------ mouse

    def _token_at(self, event: MouseDown | MouseMove | MouseUp) -> int | None:
        offset = event.get_content_offset(self)
        layout = self.layout_for(self.text_width)
        if offset is None or layout is None:
            return None
        return layout.token_at(offset.x, offset.y + int(self.scroll_y))

    def on_mouse_down(self, event: MouseDown) -> None:
        token = self._token_at(event)
        if token is None:
            return
        self._drag_from, self._dragged = token, False
        self.capture_mouse()
        self.post_message(self.TokenClicked(token))

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._drag_from is None:
            return
        token = self._token_at(event)
        if token is not None and (self._dragged or token != self._drag_from):
            self._dragged = True
            self.post_message(self.TokensDragged(self._drag_from, token))

    def on_mouse_up(self, event: MouseUp) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self.release_mouse()


class ContextSentence(Widget):
    """A neighbouring sentence, dimmed, for context (clipped to its fixed height)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text: str | None = None

    def show(self, text: str | None) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Content:
        if not self.text:
            return Content("")
        # No more than fits: the widget is clipped to its height, and wrapping a whole
        # 1 MB neighbour would cost seconds on every move to or from it.
        fits = max(self.size.width, 1) * max(self.size.height, 1)
        return Content(display_text(self.text[:fits]))
