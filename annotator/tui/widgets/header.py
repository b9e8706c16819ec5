"""The workspace header: project, annotator, document n/N with title and source, progress."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget

from .sentence_layout import display_text


@dataclass(frozen=True)
class HeaderInfo:
    project: str
    annotator: str
    document_position: int  # 1-based
    document_count: int
    document_id: str
    title: str
    source: str | None
    sentence_position: int  # 1-based, within the document
    sentence_count: int
    done: int
    total: int
    mode: str
    order: str = "document"
    status: str | None = None
    flagged: bool = False
    readonly: bool = False
    queue: bool = False  # the documents are her assigned queue, not the corpus
    pending: int | None = None  # suggestions still to decide here (None: none are shown)
    key_mode: str = ""  # an open jump or boundary edit, which takes the second line


def progress_bar(done: int, total: int, width: int) -> tuple[str, str]:
    """(filled, empty) bar parts in eighths of a cell."""
    if width <= 0:
        return "", ""
    share = done / total if total else 0.0
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    filled = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    return filled, " " * max(width - len(filled), 0)


class WorkspaceHeader(Widget):
    DEFAULT_CSS = """
    WorkspaceHeader {
        height: 2;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    COMPONENT_CLASSES = {
        "workspace-header--bar",
        "workspace-header--dim",
        "workspace-header--badge",
        "workspace-header--warning",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.info: HeaderInfo | None = None

    def show(self, info: HeaderInfo) -> None:
        if info != self.info:
            self.info = info
            self.refresh()

    def render(self) -> Content:
        info = self.info
        if info is None:
            return Content("")
        width = self.content_size.width
        dim = self.get_visual_style("workspace-header--dim", partial=True)
        badge = self.get_visual_style("workspace-header--badge", partial=True)
        warning = self.get_visual_style("workspace-header--warning", partial=True)

        first = Content.assemble(
            (display_text(info.project), "bold"),
            (" · ", dim),
            (display_text(info.annotator), badge),
            *([(" read-only ", warning)] if info.readonly else []),
            (" · ", dim),
            f"{'queue' if info.queue else 'doc'} {info.document_position:,}/{info.document_count:,} ",
            (display_text(info.title or info.document_id), "bold"),
            *([(" — " + display_text(info.source), dim)] if info.source else []),
        ).truncate(width, ellipsis=True)

        if info.key_mode:
            mode = Content.styled(f" {display_text(info.key_mode)} ", badge).truncate(width, ellipsis=True)
            return Content("\n").join([first, mode])

        share = info.done / info.total if info.total else 0.0
        counts = f" {info.done:,}/{info.total:,} done ({share:.1%}){' in your queue' if info.queue else ''}"
        state = " · ".join(
            part
            for part in (
                f"sentence {info.sentence_position}/{info.sentence_count}",
                "" if info.pending is None else f"{info.pending} pending",
                {"done": "✓ done", "skipped": "↷ skipped"}.get(info.status or "", ""),
                "⚑ flagged" if info.flagged else "",
                f"suggestions {info.mode}",
                f"order {info.order}" if info.order != "document" else "",
            )
            if part
        )
        bar_width = max(min(width - len(counts) - len(state) - 4, 30), 5)
        filled, empty = progress_bar(info.done, info.total, bar_width)
        bar = self.get_visual_style("workspace-header--bar", partial=True)
        second = Content.assemble(
            (filled, bar), (empty.replace(" ", "░"), dim), counts, ("  ·  ", dim), (state, dim)
        ).truncate(width, ellipsis=True)
        return Content("\n").join([first, second])
