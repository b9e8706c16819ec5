"""One process per annotator: the lock file beside the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from annotator.workspace import AnnotatorLock
from annotator.workspace.lock import lock_path


def test_same_annotator_is_locked_out_other_annotators_are_not(tmp_path):
    db = tmp_path / "project.db"
    first = AnnotatorLock(db, "alice")
    assert first.acquire()
    assert not AnnotatorLock(db, "alice").acquire()
    other = AnnotatorLock(db, "bob")
    assert other.acquire()
    first.release()
    again = AnnotatorLock(db, "alice")
    assert again.acquire()
    again.release()
    other.release()


def test_lock_files_are_distinct_for_names_a_slug_would_merge(tmp_path):
    db = tmp_path / "p.db"
    assert lock_path(db, "a b") != lock_path(db, "a_b")
    assert lock_path(db, "alice").name == "p.db.alice.lock"
    assert lock_path(db, "../../etc").parent == tmp_path


def test_a_killed_process_releases_its_lock(tmp_path):
    db = tmp_path / "project.db"
    code = (
        "import sys, time\n"
        "from annotator.workspace import AnnotatorLock\n"
        f"lock = AnnotatorLock({str(db)!r}, 'alice')\n"
        "assert lock.acquire()\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "locked"
        assert not AnnotatorLock(db, "alice").acquire()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        deadline = time.monotonic() + 5
        lock = AnnotatorLock(db, "alice")
        while not lock.acquire():
            assert time.monotonic() < deadline, "lock not released after kill -9"
            time.sleep(0.05)
        lock.release()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
