"""Exports are atomic and private: concurrent `annotator export` processes into one folder
in the same second each write their own complete file, and a SIGKILLed large export leaves
no temporary file after the next export there, and no orphaned worker process."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotator.interchange.formats import SPAN_COLUMNS
from tests.reliability.export_project import (
    build_project,
    child_pids,
    export_command,
    run_export,
    running,
)

# Imports the CLI, says `ready`, and runs the export when a line arrives: all of them
# then start within milliseconds, in the same second, with the same default file name.
AT_THE_SIGNAL = textwrap.dedent(
    """
    import sys
    from annotator.cli import main
    print("ready", flush=True)
    sys.stdin.readline()
    sys.argv = ["annotator", *sys.argv[1:]]
    main()
    """
)
REPORT = re.compile(r"^Exported spans: (\d+) rows to (.+)$", re.MULTILINE)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, strict=True))
    assert rows[0] == list(SPAN_COLUMNS)
    assert all(len(row) == len(SPAN_COLUMNS) for row in rows)
    return rows[1:]


def _export_at_once(db: Path, folder: Path, processes: int) -> list[tuple[int, Path]]:
    """Start `processes` exports into `folder` at one signal; (rows, file) each reported."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", AT_THE_SIGNAL, "export", "--db", str(db), "--what", "spans", "--out", str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for child in children:
        assert child.stdout.readline() == "ready\n"
    time.sleep(1.05 - time.time() % 1)  # early in a second, so that the stamps agree
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    reports = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        [(rows, where)] = REPORT.findall(out)
        reports.append((int(rows), Path(where)))
    return reports


@pytest.mark.parametrize("processes", [2, 4])
def test_concurrent_exports_into_one_folder_each_write_their_own_complete_file(tmp_path: Path, processes: int):
    db = tmp_path / "project.db"
    spans = build_project(db, documents=100)
    # On a loaded machine the exports can straddle a second (different default names):
    # then they did not meet, and the round runs again.
    for attempt in range(3):
        folder = tmp_path / f"exports-{attempt}"
        folder.mkdir()
        reports = _export_at_once(db, folder, processes)
        paths = sorted(path for _, path in reports)
        assert len(set(paths)) == processes, "two exports reported the same file"
        assert sorted(folder.iterdir()) == paths, "a temporary file was left, or a file nobody reported"
        for rows, path in reports:
            assert rows == spans
            assert len(_rows(path)) == spans
        # One name and its -2, -3 ...: they met.
        if len({re.sub(r"(-\d)?\.csv$", "", path.name) for path in paths}) == 1:
            break
    else:
        pytest.fail("the exports never started in the same second")


def test_a_killed_large_export_leaves_nothing_behind_after_the_next_run_and_no_orphan_worker(tmp_path: Path):
    db = tmp_path / "project.db"
    build_project(db, documents=1300)  # 260,000 spans: the export starts its worker process
    folder = tmp_path / "exports"
    folder.mkdir()
    export = subprocess.Popen(export_command(db, "--what", "spans", "--out", str(folder)), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and not (workers and os.listdir(folder)):
        workers = child_pids(export.pid)
        time.sleep(0.05)
    assert workers and os.listdir(folder), "the export never started its worker"
    export.send_signal(signal.SIGKILL)
    export.wait()
    assert os.listdir(folder), "nothing to clean up: the kill came too late to prove anything"

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(running(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(running(pid) for pid in workers), "the export's worker outlived it"

    done = run_export(db, "--what", "documents", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    [left] = os.listdir(folder)
    assert left.endswith(".csv") and "-documents-" in left
