"""Writing the report: where it goes by default, and the page (and figures) from the figures dict."""

from __future__ import annotations

from pathlib import Path

REPORT_FOLDER = Path("exports")


def default_report_path(project_name: str, folder: Path = REPORT_FOLDER) -> Path:
    """`exports/<project>-report-<UTC time>.html`: the name asked for; `write_report(...,
    free_name=True)` takes the next free one (`-2`, ...) when it is taken."""
    from ..clock import compact_utc_stamp
    from ..interchange.export import file_name

    # The export's file naming (a safe project name, a UTC stamp), with the page's extension.
    stem = file_name(project_name, "report", "csv", compact_utc_stamp()).rsplit(".", 1)[0]
    return folder / f"{stem}.html"


def write_report(
    data: dict, path: Path | None, figures: Path | None = None, *, free_name: bool = False
) -> tuple[int, Path | None]:
    """Draw the charts (also into `figures` as SVG and PDF) and write the page to `path`
    (if given, creating its folder), as every export writes a file: a private temporary
    file that takes its name only when complete (with `free_name`, the next free name,
    never another writer's). Returns the number of charts and the path written."""
    from ..interchange.output_file import OutputFile
    from .charts import make_charts
    from .page import render

    charts = list(make_charts(data, figures))
    if path is None:
        return len(charts), None
    path.parent.mkdir(parents=True, exist_ok=True)
    output = OutputFile(path, free_name=free_name)
    with output as handle:
        handle.write(render(data, charts))
    return len(charts), output.path
