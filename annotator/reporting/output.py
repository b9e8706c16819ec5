"""Writing the report: where it goes by default, and the page (and figures) from the figures dict."""

from __future__ import annotations

from pathlib import Path

REPORT_FOLDER = Path("exports")


def default_report_path(project_name: str, folder: Path = REPORT_FOLDER) -> Path:
    """`exports/<project>-report-<UTC time>.html`, never over an existing file."""
    from ..clock import compact_utc_stamp
    from ..interchange.export import file_name, free_path

    # The export's file naming (a safe project name, a UTC stamp), with the page's extension.
    stem = file_name(project_name, "report", "csv", compact_utc_stamp()).rsplit(".", 1)[0]
    return free_path(folder, f"{stem}.html")


def write_report(data: dict, path: Path | None, figures: Path | None = None) -> int:
    """Draw the charts (also into `figures` as SVG and PDF), write the page to `path`
    (if given, creating its folder); returns the number of charts."""
    from .charts import make_charts
    from .page import render

    charts = list(make_charts(data, figures))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(data, charts), encoding="utf-8")
    return len(charts)
