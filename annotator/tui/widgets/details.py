"""The details pane: what is under the cursor, and this annotator's state of the sentence."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget

from .colors import on_label
from .sentence_layout import display_excerpt, superscript

# Guidance is read whole where there is room (a label description runs to a few
# hundred characters); only a runaway one is elided.
GUIDANCE_LIMIT = 800


@dataclass(frozen=True)
class ItemDetails:
    kind: str  # "span" or "suggestion"
    label: str
    key: str
    color: str
    origin: str  # manual, accepted suggestion, pending suggestion, rejected suggestion
    text: str
    term: str | None = None
    neutral: str | None = None
    note: str | None = None
    quoted: bool = False
    # A suggestion's source in words (lexicon entry, detector, model with confidence,
    # external tool) and why it was suggested.
    source: str | None = None
    reason: str | None = None
    # Guidance where the decision is made: what the label means, and for a lexicon
    # term the entry's note (why the term is loaded, and when to reject it).
    description: str | None = None
    lexicon_note: str | None = None


@dataclass(frozen=True)
class DetailsInfo:
    token: str
    token_position: int  # 1-based
    token_count: int
    selected: int  # tokens selected, 0 when none
    item: ItemDetails | None
    judgment_name: str
    judgment: str | None
    flagged: bool
    note: str | None
    status: str | None


class DetailsPane(Widget):
    DEFAULT_CSS = """
    DetailsPane {
        height: 3;
        padding: 0 1;
    }
    """

    COMPONENT_CLASSES = {"details-pane--heading", "details-pane--dim"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.info: DetailsInfo | None = None

    def show(self, info: DetailsInfo) -> None:
        if info != self.info:
            self.info = info
            self.refresh()

    def render(self) -> Content:
        info = self.info
        if info is None:
            return Content("")
        if self.size.height >= 8:
            return self._tall(info)
        return self._compact(info)

    def _compact(self, info: DetailsInfo) -> Content:
        """Two or three lines, for the pane under the sentence on small terminals."""
        heading = self.get_visual_style("details-pane--heading", partial=True)
        dim = self.get_visual_style("details-pane--dim", partial=True)
        lines: list[Content] = []
        item = info.item
        if item is not None:
            lines.append(
                Content.assemble(
                    ("Span     " if item.kind == "span" else "Suggested", heading),
                    " ",
                    (f" {display_excerpt(item.label)} {superscript(item.key)} ", on_label(item.color)),
                    (" · ", dim),
                    item.origin,
                    *([(" · ", dim), "❝ quoted"] if item.quoted else []),
                    (" · ", dim),
                    (quoted(item.text), "italic"),
                )
            )
            extra: list[Content | str | tuple[str, object]] = []
            if item.term:
                extra += [("term ", dim), display_excerpt(item.term)]
            if item.neutral:
                extra += [("  → neutral ", dim), display_excerpt(item.neutral)]
            if item.lexicon_note:
                extra += [("  why ", dim), display_excerpt(item.lexicon_note)]
            if item.note:
                extra += [("  note ", dim), display_excerpt(item.note)]
            if item.source:
                extra += [("  from ", dim), display_excerpt(item.source)]
            if item.reason:
                extra += [("  reason ", dim), display_excerpt(item.reason)]
            # Last, as the line is cut at the width: the wide pane shows it whole.
            if item.description:
                extra += [("  means ", dim), display_excerpt(item.description)]
            if extra:
                lines.append(Content.assemble(" " * 10, *extra))
        else:
            selection = f" · {info.selected} tokens selected" if info.selected > 1 else ""
            lines.append(
                Content.assemble(
                    ("Token    ", heading),
                    " ",
                    (quoted(info.token), "bold"),
                    (f"  {info.token_position}/{info.token_count}{selection}", dim),
                )
            )
        lines.append(
            Content.assemble(
                ("Sentence ", heading),
                " ",
                (f"{display_excerpt(info.judgment_name)}: ", dim),
                info.judgment or "—",
                (" · ", dim),
                _status(info.status),
                *([(" · ", dim), "⚑ flagged"] if info.flagged else []),
                *([(" · note ", dim), display_excerpt(info.note)] if info.note else []),
            )
        )
        # One line each, cut to the width: the pane is three lines tall here.
        width = self.content_size.width
        return Content("\n").join(line.truncate(width, ellipsis=True) if width else line for line in lines)

    def _tall(self, info: DetailsInfo) -> Content:
        """One field per line, for the pane beside the sentence on wide terminals."""
        heading = self.get_visual_style("details-pane--heading", partial=True)
        dim = self.get_visual_style("details-pane--dim", partial=True)

        width = self.content_size.width

        def field(name: str, value: Content | str) -> Content:
            # Long values wrap under their own start, not under the field names.
            value = value if isinstance(value, Content) else Content(value)
            return Content("\n").join(hanging(Content.styled(f"  {name:<9} ", dim), value, width))

        lines: list[Content] = []
        item = info.item
        if item is not None:
            lines += [
                Content.assemble(
                    ("Span" if item.kind == "span" else "Suggestion", heading),
                    "  ",
                    (f" {display_excerpt(item.label)} {superscript(item.key)} ", on_label(item.color)),
                ),
            ]
            lines += [
                field("origin", item.origin),
                field("text", Content.styled(quoted(item.text), "italic")),
            ]
            if item.kind == "span":
                lines.append(field("quoted", "❝ yes" if item.quoted else "no"))
            if item.term:
                lines.append(field("term", display_excerpt(item.term)))
            if item.neutral:
                lines.append(field("neutral", display_excerpt(item.neutral)))
            if item.lexicon_note:
                lines.append(field("why", display_excerpt(item.lexicon_note, GUIDANCE_LIMIT)))
            if item.description:
                lines.append(field("means", display_excerpt(item.description, GUIDANCE_LIMIT)))
            if item.source:
                lines.append(field("source", display_excerpt(item.source)))
            if item.reason:
                lines.append(field("reason", display_excerpt(item.reason)))
            if item.kind == "span":
                lines.append(field("note", display_excerpt(item.note) if item.note else "—"))
            lines.append(Content(""))
        lines += [
            Content.styled("Cursor", heading),
            field(
                "token",
                Content.assemble(
                    (quoted(info.token), "bold"),
                    (f"  {info.token_position}/{info.token_count}", dim),
                ),
            ),
        ]
        if info.selected > 1:
            lines.append(field("selected", f"{info.selected} tokens"))
        lines += [
            Content(""),
            Content.styled("Sentence", heading),
            field(display_excerpt(info.judgment_name)[:9], info.judgment or "—"),
            field("status", _status(info.status)),
            field("flag", "⚑ flagged" if info.flagged else "—"),
            field("note", display_excerpt(info.note) if info.note else "—"),
        ]
        return Content("\n").join(lines)


# Quotation marks a span often covers itself (scare quotes): the pane adds none of its own then.
_OPENING = "“‘\"'«‹„‚"
_CLOSING = "”’\"'»›“‘"


def quoted(text: str) -> str:
    """The text between curly quotes, adding only those it lacks: a scare-quoted span
    “transisi” shows as “transisi”, not ““transisi””."""
    shown = display_excerpt(text)
    opening = "" if shown[:1] in _OPENING else "“"
    closing = "" if shown[-1:] in _CLOSING and len(shown) > 1 else "”"
    return opening + shown + closing


def hanging(head: Content, value: Content, width: int) -> list[Content]:
    """`head` then `value` wrapped to `width` at word boundaries, the further lines
    indented under the value's start."""
    indent = head.cell_length
    room = width - indent
    if room < 8:
        return [head + value]
    lines = value.wrap(room)
    return [(head if number == 0 else Content(" " * indent)) + line for number, line in enumerate(lines)]


def _status(status: str | None) -> str:
    return {"done": "✓ done", "skipped": "↷ skipped"}.get(status or "", "open")
