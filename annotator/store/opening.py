"""Opening a project file: the checks before SQLite touches it, the connection's set-up
(busy timeout, foreign keys, WAL, synchronous FULL), migration to the current schema,
and consistent copies. `Store.open`, `Store.memory`, `Store.reader` and
`Store.copy_database` are the entry points; this module is what they run.

The busy timeout is passed in by the caller (`annotator.store.BUSY_TIMEOUT_MS`, read at
call time), so there is one setting, not one per module.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .. import migrations as schema
from ..errors import AnnotatorError, ProjectMissing, ReadOnlyStore, SchemaTooNew
from .files import check_is_project, check_is_sqlite, readonly_uri, writable

if TYPE_CHECKING:
    from . import Store


def open_path(cls: type[Store], path: Path, *, create: bool, readonly: bool, busy_timeout_ms: int) -> Store:
    """Open (and migrate) the project database at `path`; see `Store.open`."""
    exists = path.exists()
    if not create and (not exists or (path.is_file() and path.stat().st_size == 0)):
        # An empty file is no project either, and must not become one here.
        raise ProjectMissing(f"no project at {path}: run 'annotator init' or 'annotator import' first, or pass --db")
    if exists:
        check_is_sqlite(path)
        if not readonly and not writable(path):
            readonly = True
    elif not path.parent.exists():
        raise AnnotatorError(f"cannot create {path}: folder {path.parent} does not exist")
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            return _connect(cls, path, readonly, create, busy_timeout_ms)
        except sqlite3.OperationalError as exc:
            # Several processes setting up one new file at once (the WAL switch, the
            # first migration) can meet SQLite's immediate SQLITE_BUSY, which skips the
            # busy handler to avoid a deadlock. Opening again soon succeeds.
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise AnnotatorError(f"{path}: not a usable project database ({exc})") from None
            time.sleep(0.05)
        except sqlite3.DatabaseError as exc:
            raise AnnotatorError(f"{path}: not a usable project database ({exc})") from None


def _connect(cls: type[Store], path: Path, readonly: bool, create: bool, busy_timeout_ms: int) -> Store:
    if readonly:
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
    store = cls(conn, path, readonly)
    try:
        # Refuse a newer schema, or a file that is no project, before anything (even
        # the WAL switch) writes to the file.
        check_not_newer(conn, path)
        check_is_project(conn, path, bool(applied_migrations(conn)), create)
        configure(store, busy_timeout_ms)
        migrate(store)
        # A dead importer's unfinished file, say. Most opens find no unit at all, and
        # decide so without loading the units room.
        if not readonly and conn.execute("SELECT 1 FROM write_units LIMIT 1").fetchone():
            store.units.recover()
    except BaseException:
        conn.close()
        raise
    return store


def memory(cls: type[Store], busy_timeout_ms: int) -> Store:
    """A migrated in-memory store."""
    store = cls(sqlite3.connect(":memory:", check_same_thread=False))
    configure(store, busy_timeout_ms)
    migrate(store)
    return store


def memory_copy(cls: type[Store], conn: sqlite3.Connection, busy_timeout_ms: int) -> Store:
    """A read-only in-memory store holding a copy of `conn`'s database, taken now."""
    target = sqlite3.connect(":memory:", check_same_thread=False)
    conn.backup(target)
    copy = cls(target, readonly=True)
    configure(copy, busy_timeout_ms)
    return copy


def copy_database(source: Path, target: Path, busy_timeout_ms: int) -> None:
    """Copy a database as one consistent state (its WAL included); see `Store.copy_database`."""
    check_is_sqlite(source)
    try:
        reader = sqlite3.connect(readonly_uri(source), uri=True, timeout=busy_timeout_ms / 1000)
        try:
            writer = sqlite3.connect(str(target))
            try:
                reader.backup(writer)
            finally:
                writer.close()
        finally:
            reader.close()
    except sqlite3.DatabaseError as exc:
        raise AnnotatorError(f"{source}: cannot be copied ({exc})") from None


def configure(store: Store, busy_timeout_ms: int) -> None:
    conn = store.conn
    conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not store.readonly and store.path is not None:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":  # pragma: no cover - e.g. a network file system
            raise AnnotatorError(f"{store.path}: cannot switch the database to WAL mode")
        # FULL: a commit is on disk before the UI shows it, so a crash or power
        # loss never takes back a keystroke the reviewer saw saved.
        conn.execute("PRAGMA synchronous = FULL")


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the applied migrations, in order (as sqlite_utils' Migrations.applied())."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'").fetchone():
        return []
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [schema.MIGRATION_SET]
        )
    ]


def check_not_newer(conn: sqlite3.Connection, path: Path | None) -> None:
    unknown = set(applied_migrations(conn)) - set(schema.known_names())
    if unknown:
        raise SchemaTooNew(
            f"{path or 'database'} was written by a newer framing-annotator "
            f"(schema {', '.join(sorted(unknown))}); upgrade the tool to open it"
        )


def migrate(store: Store) -> None:
    conn = store.conn
    check_not_newer(conn, store.path)
    applied = set(applied_migrations(conn))
    if all(name in applied for name in schema.known_names()):
        return
    if store.readonly:
        if applied:
            raise ReadOnlyStore(f"{store.path} needs a schema upgrade but is read-only; open it once with write access")
        raise ProjectMissing(f"{store.path} is an empty database, and read-only")
    # Hold the write lock across check-and-apply, so two processes opening a new
    # database at once do not both try to create it. Foreign keys are off while
    # steps run, as SQLite's table-rebuild procedure requires (a DROP would cascade
    # otherwise), and checked before the commit.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with store.transaction():
            steps = schema.migration_set()
            if steps.pending(store.db):
                before = applied_migrations(conn)
                steps.apply(store.db)
                store.upgraded_from = before[-1] if before else None
                if conn.execute("PRAGMA foreign_key_check").fetchone():
                    raise AnnotatorError(f"{store.path}: the schema upgrade broke a reference; nothing was changed")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
