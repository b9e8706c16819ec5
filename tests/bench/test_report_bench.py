"""`annotator report` on the million-token project, and `agreement --table` on 100,000 x 5.

Targets (issue 17): the report under 30 s without --bootstrap and under 120 s with
--bootstrap 1000, peak memory under 500 MB; the table under 2 s end to end.
"""

from __future__ import annotations

import statistics

import numpy as np

from .agreement_workload import build_agreement_project
from .measure import cache_dir, cli_command, fmt_seconds, repeat, run_child, scaled

ANNOTATORS = 3


def _runs(argv: list[str], times: int) -> list:
    return [run_child(argv) for _ in range(times)]


def test_report_of_a_million_tokens(bench, tmp_path):
    db = build_agreement_project(units=int(scaled(1_000_000)), annotators=ANNOTATORS)
    for label, extra, target in (
        ("no bootstrap", [], 30.0),
        ("--bootstrap 1000", ["--bootstrap", "1000", "--seed", "1"], 120.0),
    ):
        runs = _runs(
            cli_command("report", "--db", str(db), "--out", str(tmp_path / "r.html"), *extra),
            repeat() if not extra else 1,
        )
        seconds = statistics.median(r.seconds for r in runs)
        peak = max(r.max_rss_mib for r in runs)
        passed = seconds < target and peak < 500
        bench.record(
            f"report, 1,000,004 tokens x {ANNOTATORS} annotators, {label}",
            ours=fmt_seconds(seconds),
            target=f"< {target:.0f} s, < 500 MiB",
            passed=passed,
            ours_value=seconds,
            unit="s",
            runs=len(runs),
            details={
                "runs": [r.seconds for r in runs],
                "peak_rss_mib": peak,
                "cpu_seconds": [r.cpu_seconds for r in runs],
            },
        )
        assert passed, f"report {label}: {seconds:.1f} s, {peak:.0f} MiB"


def _table(rows: int, coders: int = 5) -> str:
    path = cache_dir() / f"table-{rows}x{coders}.csv"
    if not path.exists():
        rng = np.random.default_rng(1)
        truth = rng.integers(1, 6, size=rows)
        values = np.where(rng.random((coders, rows)) < 0.7, truth, rng.integers(1, 6, size=(coders, rows)))
        cells = values.astype(str).astype(object)
        cells[rng.random((coders, rows)) < 0.1] = ""
        lines = ["unit," + ",".join(f"c{i + 1}" for i in range(coders))]
        lines += [f"u{u}," + ",".join(cells[:, u]) for u in range(rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_agreement_table_of_100000_units_by_5_coders(bench):
    path = _table(int(scaled(100_000)))
    runs = _runs(cli_command("agreement", "--table", path, "--json"), repeat())
    seconds = statistics.median(r.seconds for r in runs)
    passed = seconds < 2.0
    bench.record(
        "agreement --table, 100,000 units x 5 coders (CLI)",
        ours=fmt_seconds(seconds),
        target="< 2 s",
        passed=passed,
        ours_value=seconds,
        unit="s",
        details={"runs": [r.seconds for r in runs]},
    )
    assert passed
