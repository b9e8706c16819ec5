"""Proves that two annotators' workspace sessions, driven by Pilot in two processes on one database file at once, are both saved in full and never show each other's work."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

# Child processes: a few seconds each. Still in the default run; `-m 'not slow'` skips them.
pytestmark = pytest.mark.slow

SESSION = Path(__file__).with_name("ui_session.py")
SENTENCES = 8


def _send(procs, line: str) -> None:
    for proc in procs:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()


def _expect(procs, word: str) -> None:
    for proc in procs:
        got = proc.stdout.readline().strip()
        assert got == word, f"expected {word!r}, got {got!r}: {proc.stderr.read() if not got else ''}"


def test_two_annotators_at_once_are_both_saved_and_blind_to_each_other(project_db: Path):
    procs = [
        subprocess.Popen(
            [sys.executable, str(SESSION), str(project_db), name, key, str(SENTENCES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, key in (("ana", "1"), ("budi", "2"))
    ]
    try:
        _expect(procs, "ready")
        _send(procs, "go")  # both sessions edit the same sentences at the same time
        _expect(procs, "edited")
        _send(procs, "check")  # both have saved everything before either looks again
        reports = [json.loads(proc.stdout.readline()) for proc in procs]
        for proc in procs:
            proc.wait(timeout=60)
            assert proc.returncode == 0, proc.stderr.read()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()

    for name, report in zip(("ana", "budi"), reports):
        assert not report["readonly"]
        assert len(report["seen"]) == SENTENCES
        assert all(seen == [name] for seen in report["seen"].values()), report["seen"]
    assert set(reports[0]["seen"]) == set(reports[1]["seen"]), "both worked on the same sentences"

    conn = sqlite3.connect(project_db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    spans = dict(conn.execute("SELECT annotator, COUNT(*) FROM spans GROUP BY annotator"))
    done = dict(
        conn.execute("SELECT annotator, COUNT(*) FROM sentence_status WHERE status = 'done' GROUP BY annotator")
    )
    assert spans == {"ana": SENTENCES, "budi": SENTENCES}
    assert done == {"ana": SENTENCES, "budi": SENTENCES}
    labels = dict(conn.execute("SELECT annotator, GROUP_CONCAT(DISTINCT label) FROM spans GROUP BY annotator"))
    assert labels == {"ana": "loaded_language", "budi": "name_calling"}
