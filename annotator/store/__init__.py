"""The project store: one SQLite file, and with annotator.migrations the only code with SQL.

`Store` is the entry point: it opens (and migrates) the file, runs transactions and
read snapshots, and keeps the project's meta data and tag set. Each table family is a
room on it, sharing its one connection:

- `store.corpus`: documents and sentences, navigation and search (corpus.py)
- `store.annotations`: annotators, spans, sentence states, events, progress (annotations.py)
- `store.suggestions`: lexicon suggestions and decisions on them (suggestions.py)
- `store.lexicons`: lexicons and their entries (lexicons.py)
- `store.exports`: the export read model (exports.py)
- `store.agreement`: the agreement read model, as numpy arrays (agreement.py)
- `store.merge`: merging another project database (merge.py)
- `store.reading`: the reading view's window of a document, with one annotator's marks (reading.py)
- `store.units`: write units, so big writes commit in short batches yet land whole (units.py)
- `store.links`: browser links, stored as hashes (links.py)
- `store.uncertainty`: the model's uncertainty per sentence and document (uncertainty.py)

Row mapping and column lists are in rows.py. Writes run in short `BEGIN IMMEDIATE`
transactions: an immediate write lock makes concurrent writers wait on the busy
timeout instead of failing with "database is locked" when a deferred read lock
cannot be upgraded. `transaction()` groups several writes into one.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .. import migrations as schema
from ..clock import now_iso
from ..errors import AnnotatorError, ProjectMissing, ReadOnlyStore, SchemaTooNew
from ..model import JudgmentScheme, Label, Tagset
from .agreement import Agreement
from .annotations import Annotations
from .corpus import Corpus
from .exports import Exports
from .files import check_is_project, check_is_sqlite, readonly_uri, writable
from .lexicons import Lexicons
from .links import Links
from .merge import Merge
from .reading import Reading
from .recommender import Recommender
from .report import Report
from .rows import compact_json
from .suggestions import Suggestions
from .team import Team
from .uncertainty import Uncertainty
from .units import WriteUnits
from .write_lock import begin_immediate

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["BUSY_TIMEOUT_MS", "Store"]

BUSY_TIMEOUT_MS = 15_000
_SAVEPOINTS = itertools.count()


class Store:
    def __init__(self, db: Database | sqlite3.Connection, path: Path | None = None, readonly: bool = False):
        if isinstance(db, sqlite3.Connection):
            self._db: Database | None = None
            self.conn: sqlite3.Connection = db
        else:
            self._db = db
            self.conn = db.conn
        self.path = path
        self.readonly = readonly
        self._tagset: Tagset | None = None
        # The last migration applied before this open upgraded the file, if it did.
        self.upgraded_from: str | None = None

    @property
    def db(self) -> Database:
        """The connection as a sqlite_utils Database, made on first use: importing
        sqlite_utils (and numpy with it) costs a tenth of a second that most commands
        and the workspace never need."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False, readonly: bool = False) -> Store:
        """Open a project database, migrating it to the current schema.

        `create=False` refuses a missing file without creating it. A file that cannot be
        written (read-only file or folder) opens read-only; check `store.readonly`.
        """
        path = Path(path)
        exists = path.exists()
        if not create and (not exists or (path.is_file() and path.stat().st_size == 0)):
            # An empty file is no project either, and must not become one here.
            raise ProjectMissing(
                f"no project at {path}: run 'annotator init' or 'annotator import' first, or pass --db"
            )
        if exists:
            check_is_sqlite(path)
            if not readonly and not writable(path):
                readonly = True
        elif not path.parent.exists():
            raise AnnotatorError(f"cannot create {path}: folder {path.parent} does not exist")
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return cls._connect(path, readonly, create)
            except sqlite3.OperationalError as exc:
                # Several processes setting up one new file at once (the WAL switch, the
                # first migration) can meet SQLite's immediate SQLITE_BUSY, which skips the
                # busy handler to avoid a deadlock. Opening again soon succeeds.
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise AnnotatorError(f"{path}: not a usable project database ({exc})") from None
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                raise AnnotatorError(f"{path}: not a usable project database ({exc})") from None

    @classmethod
    def _connect(cls, path: Path, readonly: bool, create: bool = False) -> Store:
        if readonly:
            conn = sqlite3.connect(
                readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
        else:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        store = cls(conn, path, readonly)
        try:
            # Refuse a newer schema, or a file that is no project, before anything (even
            # the WAL switch) writes to the file.
            store._check_not_newer()
            check_is_project(conn, path, bool(store._applied_migrations()), create)
            store._configure()
            store._migrate()
            if not readonly:
                store.units.recover()  # a dead importer's unfinished file, say
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Store:
        """A migrated in-memory store, for tests and throwaway work."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        store = cls(conn)
        store._configure()
        store._migrate()
        return store

    @staticmethod
    def copy_database(source: str | os.PathLike, target: str | os.PathLike) -> None:
        """Copy a project database as one consistent state (its WAL included) through
        SQLite's backup API, reading the source read-only and leaving it untouched. The
        copy is not migrated; open it to migrate it."""
        source = Path(source)
        check_is_sqlite(source)
        try:
            reader = sqlite3.connect(readonly_uri(source), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
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

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _configure(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if not self.readonly and self.path is not None:
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":  # pragma: no cover - e.g. a network file system
                raise AnnotatorError(f"{self.path}: cannot switch the database to WAL mode")
            # FULL: a commit is on disk before the UI shows it, so a crash or power
            # loss never takes back a keystroke the reviewer saw saved.
            self.conn.execute("PRAGMA synchronous = FULL")

    def _applied_migrations(self) -> list[str]:
        """Names of the applied migrations, in order (as sqlite_utils' Migrations.applied())."""
        if not self._one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"):
            return []
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [schema.MIGRATION_SET]
            )
        ]

    def _check_not_newer(self) -> None:
        applied = set(self._applied_migrations())
        unknown = applied - set(schema.known_names())
        if unknown:
            raise SchemaTooNew(
                f"{self.path or 'database'} was written by a newer framing-annotator "
                f"(schema {', '.join(sorted(unknown))}); upgrade the tool to open it"
            )

    def _migrate(self) -> None:
        self._check_not_newer()
        applied = set(self._applied_migrations())
        if all(name in applied for name in schema.known_names()):
            return
        if self.readonly:
            if applied:
                raise ReadOnlyStore(
                    f"{self.path} needs a schema upgrade but is read-only; open it once with write access"
                )
            raise ProjectMissing(f"{self.path} is an empty database, and read-only")
        # Hold the write lock across check-and-apply, so two processes opening a new
        # database at once do not both try to create it. Foreign keys are off while
        # steps run, as SQLite's table-rebuild procedure requires (a DROP would cascade
        # otherwise), and checked before the commit.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.transaction():
                steps = schema.migration_set()
                if steps.pending(self.db):
                    before = self._applied_migrations()
                    steps.apply(self.db)
                    self.upgraded_from = before[-1] if before else None
                    if self._one("PRAGMA foreign_key_check"):
                        raise AnnotatorError(f"{self.path}: the schema upgrade broke a reference; nothing was changed")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def schema_version(self) -> list[str]:
        return self._applied_migrations()

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    # ------------------------------------------------------------- transactions

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction; nested calls become savepoints of the outer one."""
        if self.readonly:
            raise ReadOnlyStore(f"{self.path} is open read-only: nothing can be saved")
        if self.conn.in_transaction:
            # A savepoint, as sqlite_utils' Database.atomic() makes one.
            savepoint = f"store_{next(_SAVEPOINTS)}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                # An error such as a RAISE(ROLLBACK) trigger can end the whole
                # transaction, savepoints included: then there is nothing to undo here.
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            return
        begin_immediate(self.conn, self.lock_wait_notice, BUSY_TIMEOUT_MS)
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self._commit()

    def _commit(self) -> None:
        """COMMIT, or roll back when it fails.

        Some COMMIT failures (a deferred constraint, BUSY) leave SQLite inside the
        transaction. Left open, every later `transaction()` would become a savepoint of
        it that is never committed, and all later work would be lost without a word, so
        the failed transaction is rolled back here, as sqlite-utils' `atomic()` does."""
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @contextmanager
    def read_snapshot(self) -> Iterator[Store]:
        """Reads inside see one state of the database, however long they take and
        whoever writes meanwhile (a WAL read transaction)."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield self
        finally:
            if self.conn.in_transaction:
                self._commit()

    def _one(self, sql: str, params: Sequence | dict = ()) -> tuple | None:
        return self.conn.execute(sql, params).fetchone()

    def _scalar(self, sql: str, params: Sequence | dict = ()) -> object:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ project

    def is_initialized(self) -> bool:
        return self._scalar("SELECT value FROM project WHERE key = 'name'") is not None

    def initialize(self, name: str, tagset: Tagset) -> None:
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)",
                [("name", name), ("created_at", now_iso())],
            )
            self._write_tagset(tagset)

    def project_name(self) -> str:
        name = self._scalar("SELECT value FROM project WHERE key = 'name'")
        return str(name) if name is not None else (self.path.stem if self.path else "project")

    def get_meta(self, key: str) -> str | None:
        value = self._scalar("SELECT value FROM project WHERE key = ?", [key])
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)", [key, value])

    def set_tagset(self, tagset: Tagset) -> None:
        with self.transaction():
            self._write_tagset(tagset)

    def _write_tagset(self, tagset: Tagset) -> None:
        self.conn.execute("DELETE FROM labels")
        self.conn.executemany(
            "INSERT INTO labels (name, key, color, description, position) VALUES (?, ?, ?, ?, ?)",
            [(lb.name, lb.key, lb.color, lb.description, i) for i, lb in enumerate(tagset.labels)],
        )
        j = tagset.judgment
        self.conn.executemany(
            "INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)",
            [
                ("tagset_name", tagset.name),
                ("judgment", compact_json({"name": j.name, "level": j.level, "values": list(j.values)})),
            ],
        )
        self._tagset = None

    def tagset(self) -> Tagset:
        if self._tagset is None:
            labels = tuple(
                Label(*row)
                for row in self.conn.execute("SELECT name, key, color, description FROM labels ORDER BY position")
            )
            judgment = json.loads(self.get_meta("judgment") or "{}")
            self._tagset = Tagset(
                self.get_meta("tagset_name") or "",
                labels,
                JudgmentScheme(
                    judgment.get("name", "judgment"),
                    judgment.get("level", "nominal"),
                    tuple(judgment.get("values", ())),
                ),
            )
        return self._tagset

    # -------------------------------------------------------------------- rooms
    # Made on first use and kept: each is a view of this store's connection.

    @cached_property
    def corpus(self) -> Corpus:
        return Corpus(self)

    @cached_property
    def annotations(self) -> Annotations:
        return Annotations(self)

    @cached_property
    def suggestions(self) -> Suggestions:
        return Suggestions(self)

    @cached_property
    def lexicons(self) -> Lexicons:
        return Lexicons(self)

    @cached_property
    def exports(self) -> Exports:
        return Exports(self)

    @cached_property
    def agreement(self) -> Agreement:
        return Agreement(self)

    @cached_property
    def merge(self) -> Merge:
        return Merge(self)

    @cached_property
    def units(self) -> WriteUnits:
        return WriteUnits(self)

    @cached_property
    def reading(self) -> Reading:
        return Reading(self)

    @cached_property
    def recommender(self) -> Recommender:
        return Recommender(self)

    @cached_property
    def report(self) -> Report:
        return Report(self)

    @cached_property
    def team(self) -> Team:
        return Team(self)

    @cached_property
    def links(self) -> Links:
        return Links(self)

    @cached_property
    def uncertainty(self) -> Uncertainty:
        return Uncertainty(self)

    # ------------------------------------------------------------ other threads

    def reader(self) -> Store:
        """A new read-only Store for another thread (a search, an export, figures), on
        its own connection, so it never waits on this one's writes. Close it when done.

        For a file it opens the same file read-only and sees every commit. An in-memory
        database cannot be opened twice, so its reader reads a copy taken now (SQLite's
        backup API): later writes to this store do not reach it.
        """
        if self.path is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            self.conn.backup(conn)
            copy = Store(conn, readonly=True)
            copy._configure()
            return copy
        return Store.open(self.path, readonly=True)

    # Called on the writing thread when a write finds the write lock taken, before it
    # waits the busy timeout (write_lock.py). None: writes just wait.
    lock_wait_notice: Callable[[], None] | None = None
