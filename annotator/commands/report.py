"""`annotator report`: the researcher's report as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from .agreement import _names, bootstrap_options
from .common import db_option, err, json_option, print_json, project

REPORT_FOLDER = Path("exports")  # relative to where the command runs


@click.command()
@db_option
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.html",
    help="Where to write the page (default: exports/<project>-report-<UTC time>.html).",
)
@click.option(
    "--annotators",
    metavar="A,B,...",
    help="Annotators to report on (default: everyone who has annotated, except gold).",
)
@bootstrap_options
@click.option(
    "--figures",
    "figures",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Also write each chart as SVG and PDF into DIR, for a paper.",
)
@json_option
def report(
    db_path: Path,
    out_path: Path | None,
    annotators: str | None,
    bootstrap: int | None,
    seed: int | None,
    bootstrap_unit: str,
    figures: Path | None,
    as_json: bool,
) -> None:
    """The researcher's report: progress, labels, agreement with intervals, suggestions, quality, disagreements.

    One HTML file that opens with no network (charts are inline SVG). With --json, every
    number the report shows is printed as one object instead of writing the page.
    """
    from ..reporting.figures import build_report

    with project(db_path, readonly=True) as store:
        data = build_report(
            store, annotators=_names(annotators), bootstrap=bootstrap or 0, seed=seed, bootstrap_unit=bootstrap_unit
        )
        name = store.project_name()
    if as_json and figures is None and out_path is None:
        print_json(data)
        return
    from ..reporting.output import default_report_path, write_report

    free_name = out_path is None
    if out_path is None and not as_json:
        out_path = default_report_path(name, REPORT_FOLDER)
    count, out_path = write_report(data, out_path, figures, free_name=free_name)
    if as_json:
        print_json(data)
    elif out_path is not None:
        click.echo(str(out_path))
    if figures is not None:
        err.print(f"{count} charts written to {figures} (SVG and PDF)")
