"""Fixtures of the CLI tests: the report project and its page, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report_project import build_report_project


@pytest.fixture(scope="session")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_report_project(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="session")
def report_page(report_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the page, the --figures folder) of `annotator report --bootstrap 100 --seed 1`."""
    from click.testing import CliRunner

    from annotator.cli import cli

    folder = tmp_path_factory.mktemp("page")
    page, figures = folder / "report.html", folder / "figures"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--db",
            str(report_db),
            "--out",
            str(page),
            "--figures",
            str(figures),
            "--bootstrap",
            "100",
            "--seed",
            "1",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return page, figures
