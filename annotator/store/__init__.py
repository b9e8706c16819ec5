"""The project store: one SQLite file, and with annotator.migrations the only code with SQL.

`Store` is the entry point: it opens (and migrates) the file, runs transactions and
read snapshots, and keeps the project's meta data and tag set. What opening runs (the
checks, the connection's set-up, migration, copies) is in opening.py; the meta and tag
set SQL in project.py. Each table family is a room on it, sharing its one connection:

- `store.corpus`: documents and sentences, navigation and search (corpus.py)
- `store.annotations`: annotators, spans, sentence states, events, progress (annotations.py)
- `store.suggestions`: lexicon suggestions and decisions on them (suggestions.py)
- `store.lexicons`: lexicons and their entries (lexicons.py)
- `store.team`: roster, assignments, time on screen and the lead's view (team.py, on
  team_roster.py, team_assignments.py and team_status.py)
- `store.recommender`: the recommender's training rows and models (recommender.py)
- `store.exports`: the export read model (exports.py, on csv_format.py)
- `store.agreement`: the agreement read model, as numpy arrays (agreement.py)
- `store.report`: the HTML report's read model (report.py)
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
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReadOnlyStore
from ..model import Tagset
from . import opening, project
from .write_lock import begin_immediate

if TYPE_CHECKING:
    from sqlite_utils import Database

    from .agreement import Agreement
    from .annotations import Annotations
    from .corpus import Corpus
    from .exports import Exports
    from .lexicons import Lexicons
    from .links import Links
    from .merge import Merge
    from .reading import Reading
    from .recommender import Recommender
    from .report import Report
    from .suggestions import Suggestions
    from .team import Team
    from .uncertainty import Uncertainty
    from .units import WriteUnits

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
    # What opening runs (checks, connection set-up, migration) is in opening.py.

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False, readonly: bool = False) -> Store:
        """Open a project database, migrating it to the current schema.

        `create=False` refuses a missing file without creating it. A file that cannot be
        written (read-only file or folder) opens read-only; check `store.readonly`.
        """
        return opening.open_path(cls, Path(path), create=create, readonly=readonly, busy_timeout_ms=BUSY_TIMEOUT_MS)

    @classmethod
    def memory(cls) -> Store:
        """A migrated in-memory store, for tests and throwaway work."""
        return opening.memory(cls, BUSY_TIMEOUT_MS)

    @staticmethod
    def copy_database(source: str | os.PathLike, target: str | os.PathLike) -> None:
        """Copy a project database as one consistent state (its WAL included) through
        SQLite's backup API, reading the source read-only and leaving it untouched. The
        copy is not migrated; open it to migrate it."""
        opening.copy_database(Path(source), Path(target), BUSY_TIMEOUT_MS)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def schema_version(self) -> list[str]:
        return opening.applied_migrations(self.conn)

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
    # The SQL of the meta table and the tag set is in project.py.

    def is_initialized(self) -> bool:
        return project.get_meta(self.conn, "name") is not None

    def initialize(self, name: str, tagset: Tagset) -> None:
        with self.transaction():
            project.initialize(self.conn, name, tagset)
            self._tagset = None

    def project_name(self) -> str:
        name = project.get_meta(self.conn, "name")
        return name if name is not None else (self.path.stem if self.path else "project")

    def get_meta(self, key: str) -> str | None:
        return project.get_meta(self.conn, key)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            project.set_meta(self.conn, key, value)

    def set_tagset(self, tagset: Tagset) -> None:
        with self.transaction():
            project.write_tagset(self.conn, tagset)
            self._tagset = None

    def tagset(self) -> Tagset:
        if self._tagset is None:
            self._tagset = project.read_tagset(self.conn)
        return self._tagset

    # -------------------------------------------------------------------- rooms
    # Made on first use and kept: each is a view of this store's connection. Each is
    # imported on first use too, so a command loads only the rooms it reads (the team
    # room alone brings random, hashlib and difflib).

    @cached_property
    def corpus(self) -> Corpus:
        from .corpus import Corpus

        return Corpus(self)

    @cached_property
    def annotations(self) -> Annotations:
        from .annotations import Annotations

        return Annotations(self)

    @cached_property
    def suggestions(self) -> Suggestions:
        from .suggestions import Suggestions

        return Suggestions(self)

    @cached_property
    def lexicons(self) -> Lexicons:
        from .lexicons import Lexicons

        return Lexicons(self)

    @cached_property
    def exports(self) -> Exports:
        from .exports import Exports

        return Exports(self)

    @cached_property
    def agreement(self) -> Agreement:
        from .agreement import Agreement

        return Agreement(self)

    @cached_property
    def merge(self) -> Merge:
        from .merge import Merge

        return Merge(self)

    @cached_property
    def units(self) -> WriteUnits:
        from .units import WriteUnits

        return WriteUnits(self)

    @cached_property
    def reading(self) -> Reading:
        from .reading import Reading

        return Reading(self)

    @cached_property
    def recommender(self) -> Recommender:
        from .recommender import Recommender

        return Recommender(self)

    @cached_property
    def report(self) -> Report:
        from .report import Report

        return Report(self)

    @cached_property
    def team(self) -> Team:
        from .team import Team

        return Team(self)

    @cached_property
    def links(self) -> Links:
        from .links import Links

        return Links(self)

    @cached_property
    def uncertainty(self) -> Uncertainty:
        from .uncertainty import Uncertainty

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
            return opening.memory_copy(Store, self.conn, BUSY_TIMEOUT_MS)
        return Store.open(self.path, readonly=True)

    # Called on the writing thread when a write finds the write lock taken, before it
    # waits the busy timeout (write_lock.py). None: writes just wait.
    lock_wait_notice: Callable[[], None] | None = None
