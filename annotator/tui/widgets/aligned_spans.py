"""Every annotator's spans on rows aligned under the sentence text, for adjudication.

The sentence is wrapped once (with `layout_sentence`, so it wraps exactly as the
workspace wraps it); under each line of text, each annotator gets a track line where
their spans are drawn as bars in the label colour, with the label key where a span
starts. The gold row comes last. Document text is built into `Content` as plain
text, never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from textual.content import Content, Span
from textual.widget import Widget

from .colors import label_color
from .sentence_layout import display_text, layout_sentence

TrackState = Literal["open", "gold", "rejected"]
BAR = "━"
GUTTER_MAX = 22


@dataclass(frozen=True)
class TrackSpan:
    start: int
    end: int
    color: str
    key: str
    state: TrackState = "open"
    # The candidate under the adjudication cursor.
    current: bool = False


@dataclass(frozen=True)
class Track:
    name: str
    judgment: str | None
    spans: tuple[TrackSpan, ...]
    is_gold: bool = False


@dataclass(frozen=True)
class AlignedModel:
    text: str
    tokens: tuple[tuple[int, int], ...]
    tracks: tuple[Track, ...]


def _gutter_label(track: Track) -> str:
    judgment = f" {track.judgment}" if track.judgment else " –"
    return display_text(track.name) + judgment


def render_aligned(model: AlignedModel, width: int) -> Content:
    """The text lines, each followed by one track line per annotator."""
    labels = [_gutter_label(track) for track in model.tracks]
    gutter = min(max((cell_len(label) for label in labels), default=0) + 2, GUTTER_MAX)
    text_width = max(width - gutter, 10)
    layout = layout_sentence(model.text, list(model.tokens), text_width)
    display = layout.display
    rows: list[Content] = []
    for number, (line_start, line_end) in enumerate(layout.lines):
        rows.append(Content(" " * gutter + display[line_start:line_end]))
        marked = any(s.start < line_end and s.end > line_start for t in model.tracks for s in t.spans)
        if number == 0 or marked:
            # Lines nobody marked get no track rows: long sentences stay compact.
            for track, label in zip(model.tracks, labels):
                rows.append(_track_line(track, label, gutter, display, line_start, line_end, continued=number > 0))
            rows.append(Content(""))
    while rows and not rows[-1].plain:
        rows.pop()
    return Content("\n").join(rows)


def _track_line(
    track: Track, label: str, gutter: int, display: str, line_start: int, line_end: int, *, continued: bool
) -> Content:
    name_style = "dim" if continued else "bold underline" if track.is_gold else "bold"
    head = _fit(label, gutter - 1)
    cells = [" "] * cell_len(display[line_start:line_end])
    styles: list[tuple[int, int, str]] = []
    for span in track.spans:
        a, b = max(span.start, line_start), min(span.end, line_end)
        if a >= b:
            continue
        x0 = cell_len(display[line_start:a])
        x1 = max(cell_len(display[line_start:b]), x0 + 1)
        for x in range(x0, min(x1, len(cells))):
            cells[x] = BAR
        if span.start >= line_start and x0 < len(cells):
            cells[x0] = span.key
        style = label_color(span.color).hex
        if span.state == "rejected":
            style += " dim strike"
        elif span.state == "gold" and not track.is_gold:
            style += " bold"
        if span.current:
            style += " reverse"
        styles.append((x0, x1, style))
    body = "".join(cells)
    text = head.ljust(gutter - 1) + " " + body
    # The gutter is not document text; names are, so they go in as plain characters.
    spans = [Span(0, len(head), name_style)] + [
        Span(gutter + a, gutter + min(b, len(body)), style) for a, b, style in styles
    ]
    return Content(text, spans=spans)


def _fit(label: str, width: int) -> str:
    if cell_len(label) <= width:
        return label
    out, used = [], 0
    for char in label:
        if used + cell_len(char) > width - 1:
            break
        out.append(char)
        used += cell_len(char)
    return "".join(out) + "…"


class AlignedSpans(Widget):
    """Draws an `AlignedModel`; height follows the content."""

    DEFAULT_CSS = """
    AlignedSpans {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model: AlignedModel | None = None

    def show(self, model: AlignedModel) -> None:
        if model != self.model:
            self.model = model
            self.refresh(layout=True)

    def render(self) -> Content:
        if self.model is None:
            return Content("")
        return render_aligned(self.model, self.content_region.width or self.size.width or 80)

    def get_content_height(self, container, viewport, width: int) -> int:
        if self.model is None:
            return 1
        return len(render_aligned(self.model, width).split("\n"))
