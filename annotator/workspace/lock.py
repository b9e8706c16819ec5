"""One process per annotator and project: an advisory lock file beside the database.

`fcntl.flock` on `<db>.<annotator>.lock`, held for the whole session. The kernel drops
it when the process ends, even on `kill -9`, so a crash never leaves a stale lock.
Different annotators lock different files and work on one database at once.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

try:  # POSIX only; elsewhere sessions are not locked.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(db_path: Path, annotator: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", annotator)[:40]
    if slug != annotator:
        # Names that differ only in characters the slug drops must not share a lock.
        slug += "-" + hashlib.blake2b(annotator.encode("utf-8"), digest_size=4).hexdigest()
    return db_path.with_name(f"{db_path.name}.{slug}.lock")


class AnnotatorLock:
    """`acquire()` returns False when another live process holds the same annotator's lock."""

    def __init__(self, db_path: Path, annotator: str):
        self.path = lock_path(Path(db_path), annotator)
        self._fd: int | None = None

    def acquire(self) -> bool:
        if fcntl is None:  # pragma: no cover
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> AnnotatorLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
