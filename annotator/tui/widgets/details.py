"""The details pane: what is under the cursor, and this annotator's state of the sentence."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget

from .colors import on_label
from .sentence_layout import display_excerpt, superscript


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
                    ("“" + display_excerpt(item.text) + "”", "italic"),
                )
            )
            extra: list[Content | str | tuple[str, object]] = []
            if item.term:
                extra += [("term ", dim), display_excerpt(item.term)]
            if item.neutral:
                extra += [("  → neutral ", dim), display_excerpt(item.neutral)]
            if item.note:
                extra += [("  note ", dim), display_excerpt(item.note)]
            if item.source:
                extra += [("  from ", dim), display_excerpt(item.source)]
            if item.reason:
                extra += [("  why ", dim), display_excerpt(item.reason)]
            if extra:
                lines.append(Content.assemble(" " * 10, *extra))
        else:
            selection = f" · {info.selected} tokens selected" if info.selected > 1 else ""
            lines.append(
                Content.assemble(
                    ("Token    ", heading),
                    " ",
                    ("“" + display_excerpt(info.token) + "”", "bold"),
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
        return Content("\n").join(lines)

    def _tall(self, info: DetailsInfo) -> Content:
        """One field per line, for the pane beside the sentence on wide terminals."""
        heading = self.get_visual_style("details-pane--heading", partial=True)
        dim = self.get_visual_style("details-pane--dim", partial=True)

        def field(name: str, value: Content | str) -> Content:
            return Content.assemble((f"  {name:<9} ", dim), value)

        lines: list[Content] = []
        item = info.item
        if item is not None:
            lines += [
                Content.assemble(
                    ("Span" if item.kind == "span" else "Suggestion", heading),
                    "  ",
                    (f" {display_excerpt(item.label)} {superscript(item.key)} ", on_label(item.color)),
                ),
                field("origin", item.origin),
                field("text", Content.styled("“" + display_excerpt(item.text) + "”", "italic")),
            ]
            if item.kind == "span":
                lines.append(field("quoted", "❝ yes" if item.quoted else "no"))
            if item.term:
                lines.append(field("term", display_excerpt(item.term)))
            if item.neutral:
                lines.append(field("neutral", display_excerpt(item.neutral)))
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
                    ("“" + display_excerpt(info.token) + "”", "bold"),
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


def _status(status: str | None) -> str:
    return {"done": "✓ done", "skipped": "↷ skipped"}.get(status or "", "open")
