"""The statistics screen: progress per annotator, per-label agreement with intervals, and
this sitting's count, rate and ETA, as charts (textual-plotext) beside the figures.

Figures are computed in a worker thread on a read-only connection of their own, so a
big project never freezes the workspace; the screen shows "computing…" meanwhile. What
the command line would offer (intervals, the HTML report) is offered here as keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...errors import AnnotatorError
from ...store import Store
from ...workspace.reports import EXPORT_FOLDER, progress_rows, report_lines
from ..widgets.header import progress_bar
from ..widgets.sentence_layout import display_text

RESAMPLES = 1000
SEED = 1
RELIABLE, TENTATIVE = 0.800, 0.667


def progress_content(store: Store) -> Content:
    total, rows = progress_rows(store)
    lines = [Content.styled(f"Progress ({total:,} sentences)", "bold underline"), Content("")]
    if not rows:
        lines.append(Content("Nobody has annotated yet."))
    name_width = max([len(r.annotator) for r in rows] + [9])
    lines.append(
        Content.styled(
            f"{'annotator':<{name_width}}  {'done':>9} {'skipped':>8} {'judged':>8} {'spans':>8}  progress", "bold"
        )
    )
    for row in rows:
        filled, empty = progress_bar(row.done, total, 20)
        lines.append(
            Content.assemble(
                display_text(row.annotator).ljust(name_width),
                f"  {row.done:>9,} {row.skipped:>8,} {row.judged:>8,} {row.spans:>8,}  ",
                (filled, "bold"),
                (empty.replace(" ", "░"), "dim"),
                f" {row.share:6.1%}",
            )
        )
    return Content("\n").join(lines)


def _plain(text: str) -> str:
    # plotext draws tick labels as they are: keep names to one printable line.
    return display_text(text).replace("\n", " ")[:24]


class StatisticsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("i", "intervals", f"95% intervals ({RESAMPLES:,} resamples)"),
        Binding("w", "write_report", "Write the HTML report"),
    ]

    def __init__(self, store: Store, annotator: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.report: dict | None = None
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        # Imported here: plotext costs the workspace's start 50 ms, and most sessions never open this.
        from textual_plotext import PlotextPlot

        with VerticalScroll(id="statistics-body"):
            yield Static(Content("This sitting: computing…"), id="statistics-session")
            yield PlotextPlot(id="statistics-progress-chart")
            yield Static(progress_content(self.store), id="statistics-progress")
            yield PlotextPlot(id="statistics-alpha-chart")
            yield Static(Content.assemble(("Agreement", "bold underline"), "\n\ncomputing…"), id="statistics-agreement")
            yield Static(
                Content(
                    f"i  add 95% intervals ({RESAMPLES:,} resamples of whole sentences)   "
                    "w  write the HTML report to exports/   escape  close"
                ),
                classes="dialog-help",
                id="statistics-choices",
            )

    def on_mount(self) -> None:
        self._draw_progress()
        self._agreement(0)

    # ------------------------------------------------------------- workers

    @work(thread=True, exclusive=True, group="agreement")
    def _agreement(self, resamples: int) -> None:
        # A read-only connection of its own, so figures never wait on the session's writes.
        reader = self.store.reader()
        store = reader
        try:
            report, message = self._compute(store, resamples)
            pace = None
            if self.annotator is not None:
                from ...workspace.pace import sitting

                pace = sitting(store, self.annotator)
        finally:
            reader.close()
        self.app.call_from_thread(self._show, report, message, pace)

    @staticmethod
    def _compute(store: Store, resamples: int) -> tuple[dict | None, str | None]:
        try:
            from ...agreement.report import compute_report

            return compute_report(store, bootstrap=resamples, seed=SEED if resamples else None), None
        except AnnotatorError:
            return None, "No agreement figures yet: they need two annotators who have done the same sentences."
        except Exception as error:  # noqa: BLE001 - statistics must never take the workspace down
            return None, f"Agreement could not be computed: {type(error).__name__}: {error}"

    @work(thread=True, exclusive=True, group="report")
    def _write_report(self) -> None:
        # A read-only connection of its own, so figures never wait on the session's writes.
        reader = self.store.reader()
        store = reader
        try:
            from ...reporting.figures import build_report
            from ...reporting.output import default_report_path, write_report

            data = build_report(store, blind=True)  # the workspace is blind: no one's spans
            path = default_report_path(store.project_name(), EXPORT_FOLDER)
            _, written = write_report(data, path, free_name=True)
            self.written = written.resolve()
            message, severity = f"Report written: {self.written}", "information"
        except AnnotatorError:
            message, severity = "No report yet: it needs two annotators who have done the same sentences.", "warning"
        except OSError as error:
            message, severity = f"The report could not be written: {error.strerror or error}", "error"
        finally:
            reader.close()
        self.app.call_from_thread(self.notify, message, severity=severity, markup=False)

    # ------------------------------------------------------------- drawing

    def _draw_progress(self) -> None:
        total, rows = progress_rows(self.store)
        chart = self.query_one("#statistics-progress-chart")
        plt = chart.plt  # a PlotextPlot
        plt.clear_figure()
        if rows:
            plt.bar([_plain(r.annotator) for r in rows], [r.done for r in rows], orientation="horizontal", width=0.4)
            plt.xlim(0, max(total, 1))
        plt.title(f"Sentences done of {total:,}")
        chart.styles.height = 4 + 2 * max(len(rows), 1)
        chart.refresh()

    def _draw_alpha(self, report: dict | None) -> None:
        chart = self.query_one("#statistics-alpha-chart")
        plt = chart.plt  # a PlotextPlot
        plt.clear_figure()
        per_label = (report or {}).get("token", {}).get("per_label", {})
        used = [(label, entry) for label, entry in per_label.items() if entry["krippendorff_alpha"] is not None]
        if not used:
            chart.display = False
            return
        chart.display = True
        ys = list(range(len(used), 0, -1))
        for y, (_, entry) in zip(ys, used):
            if entry.get("ci"):
                plt.plot(entry["ci"], [y, y], color="gray", marker="hd")
        plt.scatter([entry["krippendorff_alpha"] for _, entry in used], ys, marker="●", color="blue")
        plt.vline(TENTATIVE, "red")
        plt.vline(RELIABLE, "green")
        plt.yticks(ys, [_plain(label) for label, _ in used])
        plt.ylim(0.5, len(used) + 0.5)
        low = min([0.0] + [min(e["krippendorff_alpha"], *(e.get("ci") or [1.0])) for _, e in used])
        plt.xlim(max(-1.0, low - 0.05), 1.0)
        intervals = "with 95% intervals" if any(e.get("ci") for _, e in used) else "press i for intervals"
        plt.title(f"Per-label alpha (tokens), {intervals}; lines at .667 and .800")
        chart.styles.height = 6 + 2 * len(used)
        chart.refresh()

    def _show(self, report: dict | None, message: str | None, pace) -> None:
        self.report = report
        lines = report_lines(report) if report is not None else [message or ""]
        body = Content("\n").join(
            [
                Content.styled("Agreement", "bold underline"),
                Content(""),
                *(Content(display_text(line)) for line in lines),
            ]
        )
        self.query_one("#statistics-agreement", Static).update(body)
        self._draw_alpha(report)
        self.query_one("#statistics-session", Static).update(self._pace_content(pace))

    def _pace_content(self, pace) -> Content:
        if pace is None:
            return Content("")
        head = Content.styled("This sitting", "bold underline")
        if not pace.sentences:
            return Content.assemble(head, "\nNo sentence finished yet in this sitting.")
        rate = "—" if pace.per_hour is None else f"{pace.per_hour:,.0f} sentences per hour"
        eta = "—" if pace.eta_hours is None else f"{pace.eta_hours:,.1f} h for the {pace.remaining:,} left"
        return Content.assemble(
            head, f"\n{pace.sentences:,} sentences in {pace.seconds / 60:,.1f} active minutes; {rate}; ETA {eta}"
        )

    # ------------------------------------------------------------- actions

    def action_intervals(self) -> None:
        self.query_one("#statistics-agreement", Static).update(
            Content.assemble(("Agreement", "bold underline"), f"\n\ncomputing 95% intervals ({RESAMPLES:,} resamples)…")
        )
        self._agreement(RESAMPLES)

    def action_write_report(self) -> None:
        self.notify("Writing the report…", markup=False, timeout=2)
        self._write_report()

    def action_close(self) -> None:
        self.dismiss(None)
