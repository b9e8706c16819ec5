"""The benchmark harness: every test here is marked `bench` (outside the default run),
records its figures with the `bench` fixture, and the session ends with a table and a
JSON file. Run them all with `python -m tests.bench` (see tests/bench/__main__.py)."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from .measure import repeat, scale

HERE = Path(__file__).parent
DEFAULT_JSON = HERE / "results" / "latest.json"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # In the default run (-m 'not bench') the benchmark modules are not even imported:
    # they need the [bench] extras (flashtext) and build large inputs.
    if collection_path.name.startswith("test_") and "bench" in (config.option.markexpr or ""):
        if config.option.markexpr.replace(" ", "") == "notbench":
            return True
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the marker must be on before `-m 'not bench'` deselects by it.
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.bench)


@dataclass
class Result:
    benchmark: str
    ours: str
    baseline: str
    ratio: float | None
    target: str
    passed: bool
    ours_value: float | None = None
    baseline_value: float | None = None
    unit: str = ""
    runs: int = 1
    details: dict | None = None


_RESULTS: list[Result] = []
# Other work on the machine slows every figure: the JSON keeps the load beside them.
_LOAD_AT_START = os.getloadavg()


class Recorder:
    def record(
        self,
        benchmark: str,
        *,
        ours: str,
        target: str,
        passed: bool,
        baseline: str = "—",
        ratio: float | None = None,
        ours_value: float | None = None,
        baseline_value: float | None = None,
        unit: str = "",
        runs: int | None = None,
        details: dict | None = None,
    ) -> Result:
        result = Result(
            benchmark,
            ours,
            baseline,
            ratio,
            target,
            passed,
            ours_value,
            baseline_value,
            unit,
            runs or repeat(),
            details,
        )
        _RESULTS.append(result)
        return result


@pytest.fixture(scope="session")
def bench() -> Recorder:
    return Recorder()


def _table(results: list[Result]) -> list[str]:
    header = ("benchmark", "ours", "baseline", "ratio", "target", "result")
    rows = [
        (
            r.benchmark,
            r.ours,
            r.baseline,
            f"{r.ratio:.2f}x" if r.ratio is not None else "—",
            r.target,
            "pass" if r.passed else "FAIL",
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(header, widths)), "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not _RESULTS:
        return
    terminalreporter.section("benchmarks (medians; ratio = ours / baseline)")
    for line in _table(_RESULTS):
        terminalreporter.write_line(line)
    path = Path(os.environ.get("BENCH_JSON", DEFAULT_JSON))
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version,
            "load_average_at_start": _LOAD_AT_START,
            "load_average_at_end": os.getloadavg(),
        },
        "repeat": repeat(),
        "scale": scale(),
        "results": [asdict(r) for r in _RESULTS],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    terminalreporter.write_line(f"JSON: {path}")
    markdown = path.with_suffix(".md")
    markdown.write_text("\n".join(_markdown(_RESULTS)) + "\n", encoding="utf-8")


def _markdown(results: list[Result]) -> list[str]:
    lines = ["| benchmark | ours | baseline | ratio | target | result |", "| --- | --- | --- | --- | --- | --- |"]
    for r in results:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "—"
        lines.append(
            f"| {r.benchmark} | {r.ours} | {r.baseline} | {ratio} | {r.target} | {'pass' if r.passed else 'FAIL'} |"
        )
    return lines
