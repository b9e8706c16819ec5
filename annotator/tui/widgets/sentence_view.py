"""The reading view: the document as running text around the sentence being annotated.

Context sentences flow in their source paragraphs, muted, with this annotator's spans
(bold in the label colour) and rejected suggestions (struck through). The focus
sentence starts on a row of its own, in full colour, marked by a bar in the gutter;
under each of its lines a marks row draws every span (━, the label key where it
starts, ❝ when quoted), pending suggestion (┄ with the key and ?) and rejected one
(╌ ✗) in the label colour. Nothing is ever inserted into the text and the marks row
is always there, so labelling, accepting or removing a span moves no word.

Everything on screen is a `Content` built from the display text (see
`sentence_layout.display_text`) plus `Span` styles; document text is never parsed as
markup. The view is a `ScrollView` drawn line by line (`render_line`) with a cache of
rendered strips, as toolong draws logs: a key that changes the focus sentence's
styles repaints only the rows whose styles changed, and a long sentence scrolls
inside the fixed region, so no key press changes the screen layout.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
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

from .colors import label_color
from .sentence_layout import SentenceLayout, layout_sentence

MarkKind = Literal["span", "suggestion", "rejected"]

# Lines of text are at most this many cells wide, however wide the terminal.
MAX_LINE = 90
# The focus sentence's bar, and the space after it.
GUTTER = 2
BAR = "▎"
RULES = {"span": "━", "suggestion": "┄", "rejected": "╌"}


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


@dataclass(frozen=True)
class Passage:
    """A sentence around the focus, drawn as context."""

    id: int
    text: str
    # Whether it starts a paragraph of the source.
    paragraph: bool
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class ReadingContext:
    """The sentences before and after the focus (in document order), and whether the
    focus sentence starts a paragraph."""

    before: tuple[Passage, ...] = ()
    after: tuple[Passage, ...] = ()
    paragraph: bool = True


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


@dataclass
class Block:
    """A run of context passages of one paragraph, laid out as one text joined by spaces.
    Its layout's tokens are the passages, so hit testing finds the passage clicked."""

    passages: tuple[Passage, ...]
    layout: SentenceLayout
    # Per line with any: the passages' marks (start, end, kind, colour), in line offsets.
    line_marks: dict[int, tuple[tuple[int, int, str, str], ...]]


Row = tuple  # ("blank",) | ("context", block, line) | ("text", line) | ("marks", line)


@dataclass
class Arrangement:
    """The rows of the window: context blocks, blank rows between paragraphs, and the
    focus sentence's text and marks rows, one pair per line."""

    focus: SentenceLayout
    blocks: list[Block] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    focus_top: int = 0

    @property
    def focus_rows(self) -> int:
        return 2 * len(self.focus.lines)


def _clip(layout: SentenceLayout, ranges: list[tuple[int, int, object]]) -> dict[int, tuple]:
    """Each (start, end, value) range cut into the lines it touches, in line offsets:
    line -> its pieces, for the lines that have any (a 10,000-line sentence has few)."""
    starts = layout.line_starts
    per_line: dict[int, list[tuple[int, int, object]]] = {}
    for a, b, value in ranges:
        # Most ranges lie on one line: find it by bisection, not by testing every line.
        y = max(bisect_right(starts, a) - 1, 0)
        while y < len(starts) and starts[y] < b:
            start, end = layout.lines[y]
            if a < end and b > start:
                per_line.setdefault(y, []).append((max(a, start) - start, min(b, end) - start, value))
            y += 1
    return {y: tuple(pieces) for y, pieces in per_line.items()}


def _text_ranges(marks: tuple[Mark, ...], length: int) -> list[tuple[int, int, Mark]]:
    """Where each mark styles the text: a rejection is not drawn over the annotator's
    spans (she rejected the suggestion but kept those words), everything else whole.

    The spans are merged into disjoint, sorted stretches once, and each rejection is
    cut only by the stretches it overlaps (found by bisection): a long sentence with
    hundreds of spans and rejections costs n log n, not spans x rejections."""
    covered: list[list[int]] = []
    for a, b in sorted((mark.start, mark.end) for mark in marks if mark.kind == "span"):
        if covered and a <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], b)
        else:
            covered.append([a, b])
    ends = [b for _, b in covered]
    ranges = []
    for mark in marks:
        start, end = max(mark.start, 0), min(mark.end, length)
        if mark.kind != "rejected":
            if start < end:
                ranges.append((start, end, mark))
            continue
        # The first stretch that ends after this rejection starts; those after it that
        # start before its end cut it.
        i = bisect_right(ends, start)
        while i < len(covered) and covered[i][0] < end:
            a, b = covered[i]
            if start < a:
                ranges.append((start, a, mark))
            start = max(start, b)
            i += 1
        if start < end:
            ranges.append((start, end, mark))
    return ranges


def _block(passages: tuple[Passage, ...], width: int) -> Block:
    parts, tokens, marks, offset = [], [], [], 0
    for passage in passages:
        parts.append(passage.text)
        tokens.append((offset, offset + len(passage.text)))
        for a, b, mark in _text_ranges(passage.marks, len(passage.text)):
            marks.append((offset + a, offset + b, (mark.kind, mark.color)))
        offset += len(passage.text) + 1
    layout = layout_sentence(" ".join(parts), tokens, width)
    clipped = _clip(layout, marks)
    return Block(passages, layout, {y: tuple((a, b, *v) for a, b, v in line) for y, line in clipped.items()})


def arrange(context: ReadingContext, text: str, tokens: Sequence[tuple[int, int]], width: int) -> Arrangement:
    """Lay out the window at `width` cells: paragraphs of context, the focus on rows of
    its own (a new row after it too), a blank row wherever a paragraph starts."""
    focus = layout_sentence(text, tokens, width)
    arrangement = Arrangement(focus)

    def groups(passages: tuple[Passage, ...], continuing: bool) -> list[tuple[tuple[Passage, ...], bool]]:
        found: list[tuple[list[Passage], bool]] = []
        for passage in passages:
            if not found or passage.paragraph:
                found.append(([passage], passage.paragraph or not found and not continuing))
            else:
                found[-1][0].append(passage)
        return [(tuple(group), blank) for group, blank in found]

    def add_block(passages: tuple[Passage, ...], blank: bool) -> None:
        if blank and arrangement.rows:
            arrangement.rows.append(("blank",))
        block = _block(passages, width)
        number = len(arrangement.blocks)
        arrangement.blocks.append(block)
        arrangement.rows.extend(("context", number, line) for line in range(len(block.layout.lines)))

    for passages, blank in groups(context.before, continuing=False):
        add_block(passages, blank)
    if context.paragraph and arrangement.rows:
        arrangement.rows.append(("blank",))
    arrangement.focus_top = len(arrangement.rows)
    for line in range(len(focus.lines)):
        arrangement.rows.extend((("text", line), ("marks", line)))
    for passages, blank in groups(context.after, continuing=True):
        add_block(passages, blank)
    return arrangement


@lru_cache(maxsize=256)
def _mark_style(color: str, kind: str, quoted: bool) -> Style:
    parsed = label_color(color)
    if kind == "span":
        return Style(background=parsed, foreground=parsed.get_contrast_text(1.0), bold=True, italic=quoted)
    return Style(foreground=parsed, underline=True)


@lru_cache(maxsize=256)
def _rule_style(color: str, kind: str) -> Style:
    return Style(foreground=label_color(color), bold=kind == "span", dim=kind == "rejected")


@lru_cache(maxsize=256)
def _context_mark_style(color: str) -> Style:
    return Style(foreground=label_color(color), bold=True)


def _rule_label(mark: Mark) -> str:
    if mark.kind == "span":
        return mark.key + ("❝" if mark.quoted else "")
    if mark.kind == "suggestion":
        return mark.key + "?"
    return "✗"


class SentenceView(ScrollView, can_focus=False):
    """The focus sentence with its context, wrapped at spaces, with clickable tokens."""

    COMPONENT_CLASSES = {
        "sentence-view--cursor",
        "sentence-view--selection",
        "sentence-view--rejected",
        "sentence-view--context",
        "sentence-view--bar",
    }

    DEFAULT_CSS = """
    SentenceView {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;
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
    SentenceView > .sentence-view--context {
        color: $text-muted;
    }
    SentenceView > .sentence-view--bar {
        color: $accent;
    }
    """

    @dataclass
    class TokenClicked(Message):
        token: int

    @dataclass
    class TokensDragged(Message):
        first: int
        last: int

    class Resized(Message):
        """The view changed size: the screen may read a larger window of context."""

    @dataclass
    class PassageClicked(Message):
        """A context sentence was clicked."""

        sentence_id: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model: SentenceModel | None = None
        self.context = ReadingContext()
        self._arranged_key: tuple | None = None
        self._arranged_for: tuple[int, int, int] | None = None
        self._arrangement: Arrangement | None = None
        # Per (model, width): the style spans and marks of each focus line, also their cache keys.
        self._lines_for: tuple[int, int] | None = None
        # Line -> its pieces, for the lines that have any.
        self._line_spans: dict[int, tuple] = {}
        self._line_marks: dict[int, tuple] = {}
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._drag_from: int | None = None
        self._dragged = False
        self._size = Size(0, 0)
        self._geometry_for: Size | None = None
        self._geometry_value = (0, 1, 0)
        self._components: dict[str, Style] = {}
        self._base: tuple | None = None

    def _geometry(self) -> tuple[int, int, int]:
        """(content width, text width, margin), worked out once per size: every row
        drawn needs them, and the content region is not cheap to compute."""
        if self._geometry_for != self.size:
            width = self.scrollable_content_region.width
            text_width = max(min(width - GUTTER, MAX_LINE), 1)
            self._geometry_value = (width, text_width, max((width - GUTTER - text_width) // 2, 0))
            self._geometry_for = self.size
        return self._geometry_value

    @property
    def text_width(self) -> int:
        """Cells available for a line of text (the scrollbar gutter is always reserved)."""
        return self._geometry()[1]

    @property
    def margin(self) -> int:
        """Cells left of the bar: the text column is centred on wide terminals."""
        return self._geometry()[2]

    # ---------------------------------------------------------------- model

    def show_context(self, context: ReadingContext) -> None:
        """The sentences around the focus; drawn with the next `show`."""
        self.context = context

    def show(self, model: SentenceModel) -> None:
        old = self.model
        if self.scrollable_content_region.width <= 0:
            # Not laid out yet (on mount): wrapping to one cell would make a line per
            # character. `on_resize` lays the window out once the width is known.
            self.model = model
            return
        width = self.text_width
        prepared = old is not None and self._lines_for == (id(old), width)
        old_arrangement = self._arrangement
        old_spans, old_marks = (self._line_spans, self._line_marks) if prepared else (None, None)
        self.model = model
        arrangement = self.arrangement(width)
        self._prepare(width)
        if old_spans is None or old_marks is None or arrangement is not old_arrangement:
            self._place(arrangement)
            self.refresh()
            return
        # Only the rows on screen: the others are drawn from their new spans when
        # scrolled to (the strip cache is keyed by them), so a cursor leaving a
        # 10,000-line token costs a screenful of comparisons, not 10,000 refreshes.
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        for y in range(
            max(top, arrangement.focus_top), min(top + height, arrangement.focus_top + arrangement.focus_rows)
        ):
            kind, line = arrangement.rows[y]
            old_line, new_line = (old_spans, self._line_spans) if kind == "text" else (old_marks, self._line_marks)
            if old_line.get(line, ()) != new_line.get(line, ()):
                self.refresh_line(y)
        self._reveal_cursor()

    def arrangement(self, width: int) -> Arrangement | None:
        model = self.model
        if model is None:
            return None
        if self._arranged_for == (id(model), id(self.context), width):  # called for every row drawn
            return self._arrangement
        key = (self.context, model.text, model.tokens, width)
        if key != self._arranged_key:
            self._arrangement = arrange(self.context, model.text, model.tokens, width)
            self._arranged_key = key
        self._arranged_for = (id(model), id(self.context), width)
        return self._arrangement

    def layout_for(self, width: int) -> SentenceLayout | None:
        """The focus sentence's lines at `width` cells."""
        arrangement = self.arrangement(width)
        return arrangement.focus if arrangement else None

    def _place(self, arrangement: Arrangement | None) -> None:
        """Size the virtual area to the window and scroll the focus sentence into the
        middle: whole, with as much context above and below as fits."""
        height = self.scrollable_content_region.height
        rows = len(arrangement.rows) if arrangement else 1
        size = Size(self.scrollable_content_region.width, max(rows, height))
        if size != self.virtual_size:
            # Not through the reactive, which would lay out the whole screen again on
            # every move to another sentence: the scrollbar is always shown
            # (overflow-y: scroll), so only its thumb changes.
            self.set_reactive(SentenceView.virtual_size, size)
            self._scroll_update(size)
        if arrangement is None or not height:
            return
        if arrangement.focus_rows <= height:
            top = arrangement.focus_top - (height - arrangement.focus_rows) // 2
        else:
            top = arrangement.focus_top
        self.scroll_to(y=max(min(top, rows - height), 0), animate=False, immediate=True, force=True)
        self._reveal_cursor()

    def on_resize(self) -> None:
        self._place(self.arrangement(self.text_width))
        self.refresh()
        if self.size != self._size:
            self._size = self.size
            self.post_message(self.Resized())

    def _prepare(self, width: int) -> None:
        """The style spans and the marks of each focus line, clipped to it and shifted to its start."""
        model, layout = self.model, self.layout_for(width)
        if model is None or layout is None or self._lines_for == (id(model), width):
            return
        self._line_spans = _clip(layout, self._spans(model))
        self._line_marks = {
            y: tuple((a, b, mark, mark.start >= layout.lines[y][0]) for a, b, mark in pieces)
            for y, pieces in _clip(layout, [(mark.start, mark.end, mark) for mark in model.marks]).items()
        }
        self._lines_for = (id(model), width)

    def _reveal_cursor(self) -> None:
        """A focus sentence taller than the view scrolls to keep the cursor's rows on screen."""
        model, arrangement = self.model, self._arrangement
        if model is None or arrangement is None or model.cursor is None or not arrangement.focus.tokens:
            return
        layout = arrangement.focus
        row = arrangement.focus_top + 2 * layout.line_of(min(model.cursor, len(layout.tokens) - 1))
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        if height and not top <= row < row + 2 <= top + height:
            self.scroll_to(y=max(row - height // 2, 0), animate=False, immediate=True, force=True)

    # ------------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        width, text_width, margin = self._geometry()
        if self._base is None:  # until the styles change: asking costs more than drawing a row
            self._base = (self.rich_style, self.visual_style)
        base, visual = self._base
        arrangement = self.arrangement(text_width)
        row = y + int(self.scroll_y)
        if arrangement is None or not 0 <= row < len(arrangement.rows):
            return Strip.blank(width, base)
        self._prepare(text_width)
        entry = arrangement.rows[row]
        kind = entry[0]
        if kind == "blank":
            return Strip.blank(width, base)
        if kind == "context":
            block = arrangement.blocks[entry[1]]
            display, (start, end) = block.layout.display, block.layout.lines[entry[2]]
            key: tuple = ("context", display, start, end, block.line_marks.get(entry[2], ()), width, base)
        else:
            display = arrangement.focus.display
            start, end = arrangement.focus.lines[entry[1]]
            pieces = (self._line_spans if kind == "text" else self._line_marks).get(entry[1], ())
            key = (kind, start, end, pieces, display, width, base)
        strip = self._strips.get(key)
        if strip is None:
            if kind == "context":
                content = self._context_line(display[start:end], block.line_marks.get(entry[2], ()))
                lead = Content(" " * (margin + GUTTER))
            else:
                if kind == "text":
                    content = Content(display[start:end], [Span(*s) for s in pieces], strip_control_codes=False)
                else:
                    content = self._marks_line(arrangement.focus, start, end, pieces)
                lead = Content(" " * margin) + Content.styled(
                    BAR.ljust(GUTTER), self._component("sentence-view--bar", partial=False)
                )
            content = lead + content
            segments = content.render_segments(visual)
            strip = Strip(segments, content.cell_length).crop_extend(0, width, base)
            self._strips[key] = strip
        return strip

    def _context_line(self, text: str, marks: tuple[tuple[int, int, str, str], ...]) -> Content:
        spans = [Span(0, len(text), self._component("sentence-view--context", partial=False))]
        rejected = self._component("sentence-view--rejected")
        for a, b, kind, color in marks:
            spans.append(Span(a, b, rejected if kind == "rejected" else _context_mark_style(color)))
        return Content(text, spans, strip_control_codes=False)

    def _marks_line(self, layout: SentenceLayout, start: int, end: int, pieces: tuple) -> Content:
        """The marks row under a focus line: a rule under each mark, its label where it starts."""
        origin = layout.cells[start]
        cells = [" "] * (layout.cells[end] - origin)
        spans = []
        for a, b, mark, starts_here in pieces:
            x0 = layout.cells[start + a] - origin
            x1 = max(layout.cells[start + b] - origin, x0 + 1)
            rule = RULES[mark.kind] * (x1 - x0)
            if starts_here:
                label = _rule_label(mark)[: x1 - x0]
                rule = label + rule[len(label) :]
            cells[x0:x1] = rule
            spans.append(Span(x0, x1, _rule_style(mark.color, mark.kind)))
        return Content("".join(cells), spans)

    def render(self) -> Content:
        """The focus sentence as one Content (its text rows, for tests and export)."""
        layout = self.layout_for(self.text_width)
        if layout is None:
            return Content("")
        self._prepare(self.text_width)
        return Content("\n").join(
            Content(
                layout.display[start:end],
                [Span(*span) for span in self._line_spans.get(y, ())],
                strip_control_codes=False,
            )
            for y, (start, end) in enumerate(layout.lines)
        )

    def _spans(self, model: SentenceModel) -> list[tuple[int, int, Style]]:
        spans: list[tuple[int, int, Style]] = []

        def add(start: int, end: int, style: Style) -> None:
            start, end = max(start, 0), min(end, len(model.text))
            if start < end:
                spans.append((start, end, style))

        rejected = self._component("sentence-view--rejected")
        for start, end, mark in _text_ranges(model.marks, len(model.text)):
            spans.append(
                (start, end, rejected if mark.kind == "rejected" else _mark_style(mark.color, mark.kind, mark.quoted))
            )
        tokens = model.tokens
        if model.selection is not None and tokens:
            first, last = model.selection
            add(tokens[first][0], tokens[last][1], self._component("sentence-view--selection"))
        if model.cursor is not None and tokens:
            start, end = tokens[min(model.cursor, len(tokens) - 1)]
            add(start, end, self._component("sentence-view--cursor"))
        return spans

    def _component(self, name: str, *, partial: bool = True) -> Style:
        # The partial Rich style keeps exactly the rules the CSS sets (reverse included),
        # so the cursor reverses whatever label colour lies under it; a colour with
        # alpha ($text-muted) needs the full style, blended over the background. Kept
        # until the styles change: every row drawn asks.
        style = self._components.get(name)
        if style is None:
            rich_style = self.get_component_rich_style(name, partial=partial)
            style = self._components[name] = Style.from_rich_style(rich_style)
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._components.clear()
        self._base = None
        self._geometry_for = None
        self._strips.clear()
        self._lines_for = None

    # -------------------------------------------------------- screen positions

    def token_offsets(self) -> dict[int, tuple[int, int]]:
        """Token index -> (x, y) of its first cell on screen, relative to the widget
        (for Pilot clicks and the position-stability test), for tokens in view."""
        arrangement = self.arrangement(self.text_width)
        if arrangement is None:
            return {}
        region = self.scrollable_content_region
        dx, dy = region.x - self.region.x + self.margin + GUTTER, region.y - self.region.y - int(self.scroll_y)
        found = {}
        for line in range(len(arrangement.focus.lines)):
            y = arrangement.focus_top + 2 * line + dy
            if 0 <= y - (region.y - self.region.y) < region.height:
                for start, _, token in arrangement.focus.line_hits(line):
                    found.setdefault(token, (start + dx, y))
        return found

    # ------------------------------------------------------------------ mouse

    def _hit(self, event: MouseDown | MouseMove | MouseUp) -> tuple[str, int] | None:
        """("token", index) or ("passage", sentence id) under the pointer."""
        offset = event.get_content_offset(self)
        arrangement = self.arrangement(self.text_width)
        if offset is None or arrangement is None:
            return None
        row = offset.y + int(self.scroll_y)
        if not 0 <= row < len(arrangement.rows):
            return None
        entry = arrangement.rows[row]
        x = offset.x - self.margin - GUTTER
        if entry[0] in ("text", "marks"):
            token = arrangement.focus.token_at(x, entry[1])
            return None if token is None else ("token", token)
        if entry[0] == "context":
            block = arrangement.blocks[entry[1]]
            passage = block.layout.token_at(x, entry[2])
            return None if passage is None else ("passage", block.passages[passage].id)
        return None

    def on_mouse_down(self, event: MouseDown) -> None:
        hit = self._hit(event)
        if hit is None:
            return
        kind, value = hit
        if kind == "passage":
            self.post_message(self.PassageClicked(value))
            return
        self._drag_from, self._dragged = value, False
        self.capture_mouse()
        self.post_message(self.TokenClicked(value))

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._drag_from is None:
            return
        hit = self._hit(event)
        if hit is not None and hit[0] == "token" and (self._dragged or hit[1] != self._drag_from):
            self._dragged = True
            self.post_message(self.TokensDragged(self._drag_from, hit[1]))

    def on_mouse_up(self, event: MouseUp) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self.release_mouse()
