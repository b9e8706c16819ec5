"""Automatic retraining: after every N newly done sentences (the settings
`recommend-auto` and `recommend-auto-every`), a detached background process trains a
new model version. The caller only starts the process; it never waits for it, so the
workspace and the import are never blocked.

One retraining at a time per project: the process holds `<db>.retrain.lock` (created
exclusively) while it trains, and one that finds the lock leaves. A lock older than
an hour is taken to be left over from a crash and is taken over.

Run as `python -m annotator.recommend.auto DB` (what `start` does).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .. import settings
from ..store import Store

STALE_LOCK_SECONDS = 3600
# A session checks the done count (a COUNT over the sentence states) only every few
# done sentences of its own, so the check costs nothing per key press on a big project.
CHECK_EVERY = 5
_marked = 0


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".retrain.lock")


def due(store: Store) -> bool:
    """Whether enough sentences were done since the last model to retrain."""
    if not settings.get(store, "recommend-auto"):
        return False
    every = int(settings.get(store, "recommend-auto-every"))
    latest = store.recommender.latest()
    done = store.recommender.done_total()
    return done - (latest.done_at_training if latest is not None else 0) >= every


def note_done(store: Store) -> bool:
    """Called when an annotator marks a sentence done: starts a background retraining
    when one is due. Returns whether one was started."""
    global _marked
    if store.path is None or store.readonly or not settings.get(store, "recommend-auto"):
        return False
    _marked += 1
    if _marked % CHECK_EVERY and _marked != 1:
        return False
    if not due(store) or lock_path(store.path).exists():
        return False
    start(store.path)
    return True


def start(db_path: Path) -> subprocess.Popen:
    env = dict(os.environ)
    # The child must import this same code, wherever it was loaded from.
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.Popen(
        [sys.executable, "-m", "annotator.recommend.auto", str(db_path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
        env=env,
    )


def _take_lock(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        try:
            if time.time() - path.stat().st_mtime > STALE_LOCK_SECONDS:
                path.unlink()
                return _take_lock(path)
        except FileNotFoundError:
            return _take_lock(path)
        return False


def retrain(db_path: Path) -> bool:
    """Train a new version if one is due and no other retraining runs; returns whether
    it trained."""
    from .training import train_model

    lock = lock_path(db_path)
    if not _take_lock(lock):
        return False
    try:
        with Store.open(db_path) as store:
            if not due(store):
                return False
            train_model(store)
            return True
    finally:
        lock.unlink(missing_ok=True)


if __name__ == "__main__":
    retrain(Path(sys.argv[1]))
