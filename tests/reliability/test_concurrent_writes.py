"""Proves that 8 processes writing to one project database at once lose nothing, duplicate nothing, and never see "database is locked"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .conftest import start_writer

# Child processes: a few seconds each. Still in the default run; `-m 'not slow'` skips them.
pytestmark = pytest.mark.slow

WRITERS = 8
WRITES = 500


def _run_together(procs) -> list[tuple[int, str, str]]:
    # Every writer has opened the store and waits; then all start at the same moment.
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out, err))
    return results


def test_eight_processes_writing_at_once_keep_every_row_exactly_once(project_db: Path):
    # A millisecond between writes, as between key presses, lets the writers take turns.
    procs = [start_writer(project_db, f"writer{n}", WRITES, "--wait", "--pause-ms", "1") for n in range(WRITERS)]
    results = _run_together(procs)
    for code, out, err in results:
        assert "locked" not in err.lower()
        assert code == 0, err
        assert out.count("committed") == WRITES

    conn = sqlite3.connect(project_db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    per_annotator = dict(conn.execute("SELECT annotator, COUNT(*) FROM spans GROUP BY annotator"))
    assert per_annotator == {f"writer{n}": WRITES for n in range(WRITERS)}
    distinct = conn.execute(
        "SELECT COUNT(*) FROM (SELECT DISTINCT sentence_id, annotator, char_start, char_end, label FROM spans)"
    ).fetchone()[0]
    assert distinct == WRITERS * WRITES
    events = conn.execute(
        "SELECT annotator, COUNT(*), COUNT(DISTINCT json_extract(payload, '$.write')) FROM events GROUP BY annotator"
    ).fetchall()
    assert sorted(events) == [(f"writer{n}", WRITES, WRITES) for n in range(WRITERS)]
    # The writes really interleaved: some writer's events lie between another's.
    ranges = conn.execute("SELECT MIN(id), MAX(id) FROM events GROUP BY annotator ORDER BY MIN(id)").fetchall()
    assert any(later[0] < earlier[1] for earlier, later in zip(ranges, ranges[1:]))


def test_processes_creating_one_new_database_at_once_apply_the_schema_once(tmp_path: Path):
    db = tmp_path / "fresh.db"
    procs = [start_writer(db, "nobody", 0, "--wait", "--open-only") for _ in range(4)]
    results = _run_together(procs)
    for code, out, err in results:
        assert code == 0, err
        assert out.startswith("opened m001_initial")
    conn = sqlite3.connect(db)
    names = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert len(names) == len(set(names)) and names[0] == "m001_initial"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
