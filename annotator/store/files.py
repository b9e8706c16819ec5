"""Checks on a project file before SQLite opens it, and before anything writes to it,
and the URI that opens it read-only."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import AnnotatorError, NotAProject, ProjectMissing

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


def check_is_project(conn: sqlite3.Connection, path: Path, has_schema: bool, create: bool) -> None:
    """Refuse, before anything writes to it, a file with tables but no framing-annotator
    schema (another application's database: it stays byte-identical), and unless
    `create`, a database with no tables at all (no project to read)."""
    if has_schema:
        return
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            " ORDER BY name"
        )
    ]  # SQLite's own tables (sqlite_sequence, sqlite_stat1) left out
    if tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise NotAProject(
            f"{path} is not an annotator project: it is another SQLite database (tables: {shown});"
            " left untouched, pass another --db"
        )
    if not create:
        raise ProjectMissing(
            f"no project at {path} (an empty database): run 'annotator init' or 'annotator import' first"
        )
