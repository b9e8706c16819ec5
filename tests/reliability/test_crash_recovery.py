"""Proves that a writer SIGKILLed at random moments leaves an intact database holding every write it reported as committed, and no half transaction."""

from __future__ import annotations

import random
import signal
import sqlite3
import threading
from pathlib import Path

import pytest

from .conftest import start_writer

# Child processes: a few seconds each. Still in the default run; `-m 'not slow'` skips them.
pytestmark = pytest.mark.slow

ROUNDS = 6
BATCH = 40
# Each round writes numbers from its own block, so rounds can be told apart afterwards.
BLOCK = 1_000_000


def _read_commits(proc, rng: random.Random) -> list[range]:
    """Commits the child reports; it is killed at a random moment after its first one."""
    commits = []
    timer = None
    for line in proc.stdout:
        kind, low, high = line.split()
        assert kind == "committed"
        commits.append(range(int(low), int(high) + 1))
        if timer is None:
            timer = threading.Timer(rng.uniform(0.0, 0.5), proc.send_signal, [signal.SIGKILL])
            timer.start()
    proc.wait(timeout=60)
    if timer is not None:
        timer.cancel()
    return commits


def test_sigkill_at_random_points_loses_no_committed_write(project_db: Path):
    rng = random.Random(20240611)
    rounds: list[tuple[int, list[range]]] = []
    for number in range(ROUNDS):
        first = number * BLOCK
        # Every 7th transaction holds 40 spans and 40 events, so kills also land mid-batch.
        proc = start_writer(
            project_db, "crash", BLOCK, "--first", str(first), "--batch-every", "7", "--batch-size", str(BATCH)
        )
        commits = _read_commits(proc, rng)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
        rounds.append((first, commits))

    conn = sqlite3.connect(project_db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    spans = {int(row[0][1:]) for row in conn.execute("SELECT note FROM spans WHERE annotator = 'crash'")}
    events = {
        row[0] for row in conn.execute("SELECT json_extract(payload, '$.write') FROM events WHERE annotator = 'crash'")
    }
    # A span and its event share one transaction: both survived, or neither.
    assert spans == events
    total_reported = 0
    for first, commits in rounds:
        reported = {write for commit in commits for write in commit}
        total_reported += len(reported)
        assert reported <= spans, "a write reported as committed is missing"
        # Beyond what was reported, only the one transaction whose commit the kill
        # overtook may be present, and then whole: a single write or a full batch.
        extra = sorted(w for w in spans if first <= w < first + BLOCK and w not in reported)
        assert len(extra) in (0, 1, BATCH), extra
        if extra:
            assert extra == list(range(extra[0], extra[0] + len(extra)))
            assert extra[0] == max(reported) + 1
    assert total_reported > ROUNDS * 20, "the writer was killed before it committed much"
