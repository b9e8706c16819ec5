"""Run every benchmark, print the table, and write JSON: `python -m tests.bench`.

    python -m tests.bench                 # the sizes the issues name, medians of 3 runs
    python -m tests.bench --repeat 5      # more runs per median
    python -m tests.bench --quick         # 1/20 of the sizes: checks the harness in a minute
    python -m tests.bench -k import       # only benchmarks whose name matches
    python -m tests.bench --json out.json # where the JSON goes (default tests/bench/results/latest.json)

Run from the repository root. Generated corpora are cached in tests/bench/results/cache/.
A benchmark that misses its target fails, and the command exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per median (default 3)")
    parser.add_argument("--quick", action="store_true", help="scale every size down 20 times")
    parser.add_argument("--scale", type=float, help="scale every size by this factor")
    parser.add_argument("-k", dest="keyword", help="only benchmarks matching this pytest -k expression")
    parser.add_argument("--json", dest="json_path", help="write the JSON results here")
    args, rest = parser.parse_known_args(argv)
    os.environ["BENCH_REPEAT"] = str(args.repeat)
    os.environ["BENCH_SCALE"] = str(args.scale if args.scale is not None else (0.05 if args.quick else 1.0))
    if args.json_path:
        os.environ["BENCH_JSON"] = str(Path(args.json_path).resolve())
    pytest_args = [
        str(HERE),
        "-m",
        "bench",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "console_output_style=classic",
        "--durations=0",
        *rest,
    ]
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    return pytest.main(pytest_args)


if __name__ == "__main__":
    sys.exit(main())
