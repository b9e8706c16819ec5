"""Checks on a project file before SQLite opens it, and the URI that opens it read-only."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import AnnotatorError

SQLITE_MAGIC = b"SQLite format 3\x00"


def check_is_sqlite(path: Path) -> None:
    if path.is_dir():
        raise AnnotatorError(f"{path} is a folder, not a project database")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise AnnotatorError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if header and header != SQLITE_MAGIC:
        raise AnnotatorError(f"{path} is not an annotator project (not an SQLite database)")


def readonly_uri(path: Path) -> str:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    # A WAL database is read through its -shm file. SQLite cannot create one in a folder
    # we may not write to, and beside a read-only file it creates one that is read-only
    # too, which then blocks the owner's writes once the file is writable again. With no
    # -wal file, no writer is active and the main file holds everything: read it as
    # immutable, which needs neither.
    if not writable(path) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


def writable(path: Path) -> bool:
    # WAL mode needs to create -wal and -shm files beside the database.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)

