"""What the workspace's statistics screen and export command show and write.

Progress comes from cheap per-annotator counts. Agreement figures come from
`annotator.agreement.report.compute_report`, and export from `annotator.interchange`;
both are imported only when asked for, and their absence or refusal becomes a line of
text rather than an error, so the workspace never depends on them to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..clock import compact_utc_stamp
from ..errors import AnnotatorError
from ..store import Store

EXPORT_FOLDER = Path("exports")


@dataclass(frozen=True)
class ProgressRow:
    annotator: str
    done: int
    skipped: int
    judged: int
    spans: int
    share: float


def progress_rows(store: Store) -> tuple[int, list[ProgressRow]]:
    """(sentences in the project, one row per annotator). Gold is adjudication, not shown."""
    total = store.corpus.sentence_total()
    rows = [
        ProgressRow(p.annotator, p.done, p.skipped, p.judged, p.spans, p.done / total if total else 0.0)
        for p in store.annotations.progress()
        if p.annotator != "gold"
    ]
    return total, rows


def _figure(value: object, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def agreement_lines(store: Store) -> list[str]:
    """Current agreement between the annotators, one line per level, or why there is none."""
    try:
        from ..agreement.report import compute_report
    except ImportError:
        return ["Agreement figures are not available in this installation."]
    try:
        report = compute_report(store)
    except AnnotatorError as error:
        return [f"No agreement figures yet: {error}"]
    except Exception as error:  # noqa: BLE001 - statistics must never take the workspace down
        return [f"Agreement could not be computed: {type(error).__name__}: {error}"]
    return report_lines(report)


def _interval(entry: dict, key: str) -> str:
    interval = entry.get(key)
    return f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else ""


def report_lines(report: dict) -> list[str]:
    """One line per level of an agreement report (compute_report's dict, all levels)."""
    lines = []
    sentence = report.get("sentence") or {}
    if sentence:
        lines.append(
            f"Sentence judgment: Krippendorff's alpha {_figure(sentence.get('krippendorff_alpha'))}, "
            f"mean Cohen's kappa {_figure(sentence.get('mean_cohen_kappa'))}, "
            f"{sentence.get('units', 0)} sentences"
        )
    token = report.get("token") or {}
    if token:
        lines.append(
            f"Tokens: Krippendorff's alpha {_figure(token.get('krippendorff_alpha'))}"
            f"{_interval(token, 'krippendorff_alpha_ci')}, "
            f"{token.get('units', 0)} tokens"
        )
    span = report.get("span") or {}
    if span:
        lines.append(
            f"Spans: exact F1 {_figure(span.get('mean_exact_f1'))}, overlap F1 {_figure(span.get('mean_overlap_f1'))}"
        )
    unitizing = report.get("unitizing") or {}
    if unitizing:
        lines.append(
            f"Unitizing: alpha_U {_figure(unitizing.get('alpha_u'))}{_interval(unitizing, 'alpha_u_ci')}, "
            f"{unitizing.get('units', 0)} sentences done by all"
        )
    annotators = (sentence or token or span or {}).get("annotators")
    if annotators:
        lines.append("Between: " + ", ".join(annotators))
    return lines or ["No agreement figures yet."]


def export_own_work(store: Store, annotator: str, folder: Path = EXPORT_FOLDER) -> list[Path]:
    """Write this annotator's spans and sentence states as CSV into `folder` (created if needed).

    Only the annotator's own work: exporting from the workspace must not become a way
    round blind annotation.
    """
    from ..interchange.export import Selection, export_to_path, file_name

    folder.mkdir(parents=True, exist_ok=True)
    stamp = compact_utc_stamp()
    written = []
    for kind in ("spans", "sentences"):
        path = folder / file_name(f"{store.project_name()}-{annotator}", kind, "csv", stamp)
        stats = export_to_path(store, kind, "csv", path, Selection.of([annotator]), free_name=True)
        written.append(Path(str(stats.path)))
    return written
