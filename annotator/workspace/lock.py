"""One process per annotator and project: an advisory lock file beside the database.

`fcntl.flock` on `<db>.<annotator>.lock`, held for the whole session. The kernel drops
it when the process ends, even on `kill -9`, so a crash never leaves a stale lock.
Different annotators lock different files and work on one database at once.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

try:  # POSIX only; elsewhere sessions are not locked.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


# Never through a symlink; not inherited by child processes (an export worker must not
# hold a session's lock after the session ends). O_NONBLOCK: a planted FIFO must not hang
# the open (it is refused as not a plain file).
_OPEN = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


def lock_path(db_path: Path, annotator: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", annotator)[:40]
    if slug != annotator:
        # Names that differ only in characters the slug drops must not share a lock.
        slug += "-" + hashlib.blake2b(annotator.encode("utf-8"), digest_size=4).hexdigest()
    return db_path.with_name(f"{db_path.name}.{slug}.lock")


def _still_at(path: Path, fd: int) -> bool:
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


class AnnotatorLock:
    """`acquire()` returns False when another live process holds the same annotator's lock."""

    def __init__(self, db_path: Path, annotator: str):
        self.path = lock_path(Path(db_path), annotator)
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Raises OSError when the lock file cannot be opened, or is not a plain file of
        its own (a symlink, a hard link, a device): in a shared folder another user could
        plant one, and writing to it would write to their target."""
        if fcntl is None:  # pragma: no cover
            return True
        try:
            fd = os.open(self.path, _OPEN | os.O_CREAT | os.O_EXCL, 0o644)
            created = True
        except FileExistsError:
            try:
                fd = os.open(self.path, _OPEN)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise OSError(errno.ELOOP, f"{self.path} is a symbolic link, not a lock file") from None
                raise
            created = False
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
                raise OSError(errno.EPERM, f"{self.path} is not a plain lock file")
        except BaseException:
            os.close(fd)
            raise
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        if not _still_at(self.path, fd):
            # `annotator serve` removed the file (unlinked while it held the lock) between
            # our open and our flock: this inode is nobody's lock any more; take the new one.
            os.close(fd)
            return self.acquire()
        if created:
            # Who holds it, for a person looking; an existing file is never rewritten.
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
