"""The statistics screen: progress per annotator and the current agreement figures.

Figures are computed in a worker thread on a read-only connection of their own, so a
big project never freezes the workspace; the screen shows "computing…" meanwhile.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...store import Store
from ...workspace.reports import agreement_lines, progress_rows
from ..widgets.header import progress_bar
from ..widgets.sentence_layout import display_text


def progress_content(store: Store) -> Content:
    total, rows = progress_rows(store)
    lines = [Content.styled(f"Progress ({total:,} sentences)", "bold underline"), Content("")]
    if not rows:
        lines.append(Content("Nobody has annotated yet."))
    name_width = max([len(r.annotator) for r in rows] + [9])
    lines.append(Content.styled(f"{'annotator':<{name_width}}  {'done':>9} {'skipped':>8} {'judged':>8} "
                                f"{'spans':>8}  progress", "bold"))
    for row in rows:
        filled, empty = progress_bar(row.done, total, 20)
        lines.append(Content.assemble(
            display_text(row.annotator).ljust(name_width),
            f"  {row.done:>9,} {row.skipped:>8,} {row.judged:>8,} {row.spans:>8,}  ",
            (filled, "bold"), (empty.replace(" ", "░"), "dim"), f" {row.share:6.1%}",
        ))  # fmt: skip
    return Content("\n").join(lines)


class StatisticsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="statistics-body"):
            yield Static(progress_content(self.store), id="statistics-progress")
            yield Static(Content.assemble(("Agreement", "bold underline"), "\n\ncomputing…"),
                         id="statistics-agreement")
            yield Static(Content("escape closes"), classes="dialog-help")

    def on_mount(self) -> None:
        self._agreement()

    @work(thread=True, exclusive=True)
    def _agreement(self) -> None:
        with self.store.reader() as reader:
            lines = agreement_lines(reader)
        self.app.call_from_thread(self._show, lines)

    def _show(self, lines: list[str]) -> None:
        body = Content("\n").join([Content.styled("Agreement", "bold underline"), Content(""),
                                   *(Content(display_text(line)) for line in lines)])
        self.query_one("#statistics-agreement", Static).update(body)

    def action_close(self) -> None:
        self.dismiss(None)
