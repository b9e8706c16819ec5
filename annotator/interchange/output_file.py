"""Where an export's bytes go: a private temporary file beside the target, then the
target's name claimed in one step.

Every export writes into its own temporary file `.NAME.HOST.PID.TOKEN.partial` in the
target's folder, created with O_CREAT | O_EXCL | O_NOFOLLOW: no two exports share one,
and a planted path (a symlink) is never followed or truncated. When the file is
complete it gets its final name:
- a name the tool picks (`free_name=True`) is claimed with `os.link`, which fails when
  the name exists, so two exports in the same second take NAME and NAME-2, never one
  name both;
- a name the user gave (`--out FILE`) is replaced with `os.replace`, which swaps a
  symlink there for the file, never writing through it.
An export killed midway leaves its temporary files. The next export into that folder
removes each one whose process, on this host, is gone (the PID in its name).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import socket
from pathlib import Path
from types import TracebackType
from typing import TextIO

_HOST = hashlib.blake2b(socket.gethostname().encode("utf-8"), digest_size=4).hexdigest()
_TEMPORARY = re.compile(r"^\..+\.(?P<host>[0-9a-f]{8})\.(?P<pid>\d+)\.[0-9a-f]{8}\.partial$")
# Where os.link cannot make a second name (some network and FUSE file systems), an
# empty file is claimed with O_EXCL and the complete one renamed over it.
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}
_EXCLUSIVE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def create_temporary(beside: Path) -> tuple[Path, int]:
    """A new, empty temporary file in `beside`'s folder, named for this process: (path, fd)."""
    remove_abandoned(beside.parent)
    while True:
        path = beside.with_name(f".{beside.name}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.partial")
        try:
            return path, os.open(path, _EXCLUSIVE, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits met an existing name
            continue


def open_existing(path: Path) -> TextIO:
    """Open a temporary file this export created (e.g. in its worker process) for writing,
    without creating, truncating or following a symlink."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    return open(fd, "w", encoding="utf-8", newline="")


def remove_abandoned(folder: Path) -> list[Path]:
    """Delete the temporary files in `folder` left by exports on this host whose process
    has ended; returns them. Files of live processes, other hosts and anything else stay."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match is None or match["host"] != _HOST or _alive(int(match["pid"])):
            continue
        try:
            os.unlink(entry.path)  # a symlink is removed itself, never its target
        except FileNotFoundError:
            continue  # another export cleaned it first
        removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OverflowError:
        return False
    return True


class OutputFile:
    """`with OutputFile(target) as handle:` write; on a clean exit the file takes its
    name (`self.path`), on an error the temporary file is removed and nothing is named."""

    def __init__(self, target: Path, *, free_name: bool = False):
        self.target = target
        self.free_name = free_name
        self.path: Path | None = None

    def __enter__(self) -> TextIO:
        self._temporary, fd = create_temporary(self.target)
        # The opener hands over the descriptor made above, so the handle's name is the
        # temporary path (a worker process writes a part beside it).
        self._handle = open(self._temporary, "w", encoding="utf-8", newline="", opener=lambda *_: fd)
        return self._handle

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._handle.close()
            if exc_type is None:
                self.path = self._claim()
        finally:
            self._temporary.unlink(missing_ok=True)

    def _claim(self) -> Path:
        if not self.free_name:
            os.replace(self._temporary, self.target)
            return self.target
        stem, dot, ext = self.target.name.rpartition(".")
        if not dot:
            stem, ext = ext, ""
        n = 1
        while True:
            name = self.target.name if n == 1 else f"{stem}-{n}{dot}{ext}"
            candidate = self.target.with_name(name)
            try:
                os.link(self._temporary, candidate, follow_symlinks=False)
                return candidate
            except FileExistsError:
                n += 1
            except OSError as exc:
                if exc.errno not in _NO_HARD_LINKS:
                    raise
                try:
                    os.close(os.open(candidate, _EXCLUSIVE, 0o666))
                except FileExistsError:
                    n += 1
                    continue
                os.replace(self._temporary, candidate)
                return candidate
