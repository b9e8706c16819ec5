"""The project store: one SQLite file, and the only module in the package with SQL.

Every method returns model objects. Writes run in short `BEGIN IMMEDIATE`
transactions: an immediate write lock makes concurrent writers wait on the busy
timeout instead of failing with "database is locked" when a deferred read lock
cannot be upgraded. `transaction()` groups several writes into one.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import migrations as schema
from .clock import now_iso
from .errors import AnnotatorError, ProjectMissing, ReadOnlyStore, SchemaTooNew
from .model import (
    GOLD,
    AnnotatorProgress,
    Document,
    Event,
    Judgment,
    JudgmentScheme,
    Label,
    Lexicon,
    LexiconEntry,
    MergeResult,
    Sentence,
    SpanAnnotation,
    Suggestion,
    SuggestionTally,
    Tagset,
    tokens_json,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

    from .store_units import WriteUnits

BUSY_TIMEOUT_MS = 15_000
_SAVEPOINTS = itertools.count()
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# Token offsets as stored: a compact JSON array of [start, end] pairs. Tokens that come
# already encoded (EncodedTokens, from the importer's worker processes) are written as
# they are.
_tokens_json = tokens_json


def _names(joined: str | None) -> tuple[str, ...]:
    return tuple(joined.split("|")) if joined else ()


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
            _check_is_sqlite(path)
            if not readonly and not _writable(path):
                readonly = True
        elif not path.parent.exists():
            raise AnnotatorError(f"cannot create {path}: folder {path.parent} does not exist")
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return cls._connect(path, readonly)
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
    def _connect(cls, path: Path, readonly: bool) -> Store:
        if readonly:
            conn = sqlite3.connect(
                _readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
        else:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        store = cls(conn, path, readonly)
        try:
            # Refuse a newer schema before anything (even the WAL switch) writes to the file.
            store._check_not_newer()
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
        _check_is_sqlite(source)
        try:
            reader = sqlite3.connect(_readonly_uri(source), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
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
        # database at once do not both try to create it.
        with self.transaction():
            steps = schema.migration_set()
            if steps.pending(self.db):
                before = self._applied_migrations()
                steps.apply(self.db)
                self.upgraded_from = before[-1] if before else None

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
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

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
                ("judgment", _compact_json({"name": j.name, "level": j.level, "values": list(j.values)})),
            ],
        )
        self._tagset = None

    def tagset(self) -> Tagset:
        if self._tagset is None:
            labels = tuple(
                Label(*row)
                for row in self.conn.execute(
                    "SELECT name, key, color, description FROM labels ORDER BY position"
                )
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

    # ---------------------------------------------------------------- documents

    def document_hash(self, document_id: str) -> str | None:
        value = self._scalar("SELECT content_hash FROM documents WHERE id = ?", [document_id])
        return None if value is None else str(value)

    def document_with_hash(self, content_hash: str) -> str | None:
        value = self._scalar("SELECT id FROM documents WHERE content_hash = ? LIMIT 1", [content_hash])
        return None if value is None else str(value)

    def insert_document(self, document: Document, sentences: Sequence[Sentence]) -> list[int]:
        """Insert one document and its sentences; returns the new sentence ids in order."""
        self.insert_documents([(document, sentences)])
        return [s.id for s in sentences]  # type: ignore[misc]

    def insert_documents(self, items: Sequence[tuple[Document, Sequence[Sentence]]], unit: int | None = None) -> None:
        """Insert documents with their sentences in one transaction and two executemany
        calls; sets each document's `seq` and each sentence's `id`. With `unit` (from
        `store.units`), they stay invisible until that unit is published."""
        if not items:
            return
        with self.transaction():
            imported_at = now_iso()
            # The tables, not the views: an unfinished unit's rows hold numbers too.
            seq = self._scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM document_rows")
            sentence_id = self._scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM sentence_rows")
            assert isinstance(seq, int) and isinstance(sentence_id, int)
            document_rows, sentence_rows = [], []
            for document, sentences in items:
                document.seq = seq
                seq += 1
                tokens = 0
                for s in sentences:
                    s.id = sentence_id
                    sentence_id += 1
                    tokens += len(s.tokens)
                    sentence_rows.append(
                        (s.id, document.id, s.index, s.doc_start, s.doc_end, s.text, _tokens_json(s.tokens), unit)
                    )
                document.sentence_count, document.token_count = len(sentences), tokens
                document_rows.append((
                    document.seq, document.id, document.title, document.source, document.url, document.date,
                    _compact_json(document.metadata), document.text, document.content_hash, len(sentences),
                    tokens, document.imported_at or imported_at, unit,
                ))  # fmt: skip
            self.conn.executemany(
                "INSERT INTO document_rows (seq, id, title, source, url, date, metadata, text, content_hash,"
                " sentence_count, token_count, imported_at, unit) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                document_rows,
            )
            self.conn.executemany(
                "INSERT INTO sentence_rows (id, document_id, idx, doc_start, doc_end, text, tokens, unit)"
                " VALUES (?,?,?,?,?,?,?,?)",
                sentence_rows,
            )

    def get_document(self, document_id: str) -> Document | None:
        row = self._one(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", [document_id])
        return _document(row) if row else None

    def document_at(self, seq: int) -> Document | None:
        row = self._one(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE seq = ?", [seq])
        return _document(row) if row else None

    def iter_documents(self, *, with_text: bool = False) -> Iterator[Document]:
        columns = _DOCUMENT_COLUMNS if with_text else _DOCUMENT_COLUMNS.replace("text,", "'' AS text,")
        for row in self.conn.execute(f"SELECT {columns} FROM documents ORDER BY seq"):
            yield _document(row)

    def document_ids(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT id FROM documents ORDER BY seq")]

    def document_position(self, document_id: str) -> int | None:
        """1-based position of a document in import order."""
        value = self._scalar(
            "SELECT COUNT(*) FROM documents WHERE seq <= (SELECT seq FROM documents WHERE id = ?)",
            [document_id],
        )
        return int(value) if value else None

    def counts(self) -> dict[str, int]:
        row = self._one(
            "SELECT COUNT(*), COALESCE(SUM(sentence_count), 0), COALESCE(SUM(token_count), 0) FROM documents"
        )
        assert row is not None
        return {"documents": row[0], "sentences": row[1], "tokens": row[2]}

    # ---------------------------------------------------------------- sentences

    def sentences_of(self, document_id: str) -> list[Sentence]:
        return [
            _sentence(row)
            for row in self.conn.execute(
                f"SELECT {_SENTENCE_COLUMNS} FROM sentences WHERE document_id = ? ORDER BY idx",
                [document_id],
            )
        ]

    def get_sentence(self, sentence_id: int) -> Sentence | None:
        row = self._one(f"SELECT {_SENTENCE_COLUMNS} FROM sentences WHERE id = ?", [sentence_id])
        return _sentence(row) if row else None

    def sentence_at(self, document_id: str, index: int) -> Sentence | None:
        row = self._one(
            f"SELECT {_SENTENCE_COLUMNS} FROM sentences WHERE document_id = ? AND idx = ?",
            [document_id, index],
        )
        return _sentence(row) if row else None

    def iter_sentences(self, sentence_ids: Iterable[int] | None = None) -> Iterator[Sentence]:
        """All sentences in corpus order, or the given ones in the order given."""
        if sentence_ids is None:
            # Qualified: both tables have an `id` column.
            columns = ", ".join(f"s.{c.strip()}" for c in _SENTENCE_COLUMNS.split(","))
            for row in self.conn.execute(
                f"SELECT {columns} FROM sentences s"
                " JOIN documents d ON d.id = s.document_id ORDER BY d.seq, s.idx"
            ):
                yield _sentence(row)
            return
        for sentence_id in sentence_ids:
            sentence = self.get_sentence(sentence_id)
            if sentence is not None:
                yield sentence

    # --------------------------------------------------------------- annotators

    def ensure_annotator(self, name: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [name, now_iso()]
            )

    def annotators(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT name FROM annotators ORDER BY name")]

    def annotator_order(self, name: str) -> tuple[str | None, int | None]:
        """The document order (and its seed) this annotator last chose, or (None, None)."""
        row = self._one("SELECT document_order, order_seed FROM annotators WHERE name = ?", [name])
        return (row[0], row[1]) if row else (None, None)

    def set_annotator_order(self, name: str, order: str, seed: int | None) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO annotators (name, created_at, document_order, order_seed) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET document_order = excluded.document_order,"
                " order_seed = excluded.order_seed",
                [name, now_iso(), order, seed],
            )

    def progress(self) -> list[AnnotatorProgress]:
        rows = self.conn.execute(
            """
            SELECT a.name,
                   (SELECT COUNT(*) FROM sentence_status WHERE annotator = a.name AND status = 'done'),
                   (SELECT COUNT(*) FROM sentence_status WHERE annotator = a.name AND status = 'skipped'),
                   (SELECT COUNT(*) FROM sentence_status WHERE annotator = a.name AND judgment IS NOT NULL),
                   (SELECT COUNT(*) FROM spans WHERE annotator = a.name)
            FROM annotators a ORDER BY a.name
            """
        )
        return [AnnotatorProgress(*row) for row in rows]

    def done_count(self, annotator: str) -> int:
        value = self._scalar(
            "SELECT COUNT(*) FROM sentence_status WHERE annotator = ? AND status = 'done'", [annotator]
        )
        return int(value or 0)

    # -------------------------------------------------------------------- spans

    def add_span(self, span: SpanAnnotation) -> SpanAnnotation:
        """Insert a span; an identical span (same sentence, annotator, offsets, label) is returned as is."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [span.annotator, now_iso()]
            )
            created_at = span.created_at or now_iso()
            self.conn.execute(
                "INSERT INTO spans (sentence_id, annotator, char_start, char_end, label, origin, quoted,"
                " lexicon_term, suggestion_id, note, created_at, agreed_by, resolution)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (sentence_id, annotator, char_start, char_end, label) DO NOTHING",
                [
                    span.sentence_id,
                    span.annotator,
                    span.start,
                    span.end,
                    span.label,
                    span.origin,
                    int(span.quoted),
                    span.lexicon_term,
                    span.suggestion_id,
                    span.note,
                    created_at,
                    "|".join(span.agreed_by) or None,
                    span.resolution,
                ],
            )
            row = self._one(
                f"SELECT {_SPAN_COLUMNS} FROM spans WHERE sentence_id = ? AND annotator = ?"
                " AND char_start = ? AND char_end = ? AND label = ?",
                [span.sentence_id, span.annotator, span.start, span.end, span.label],
            )
            assert row is not None
            return _span(row)

    def get_span(self, span_id: int) -> SpanAnnotation | None:
        row = self._one(f"SELECT {_SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id])
        return _span(row) if row else None

    def update_span(self, span_id: int, **changes: object) -> SpanAnnotation:
        columns = {
            "start": "char_start", "end": "char_end", "label": "label", "origin": "origin",
            "quoted": "quoted", "lexicon_term": "lexicon_term", "suggestion_id": "suggestion_id",
            "note": "note", "agreed_by": "agreed_by", "resolution": "resolution",
        }  # fmt: skip
        sets, params = [], []
        for field_name, value in changes.items():
            if field_name not in columns:
                raise ValueError(f"cannot update span field {field_name!r}")
            if field_name == "quoted":
                value = int(bool(value))
            elif field_name == "agreed_by":
                value = "|".join(value) or None  # type: ignore[arg-type]
            sets.append(f"{columns[field_name]} = ?")
            params.append(value)
        with self.transaction():
            if sets:
                self.conn.execute(f"UPDATE spans SET {', '.join(sets)} WHERE id = ?", [*params, span_id])
            span = self.get_span(span_id)
        if span is None:
            raise KeyError(span_id)
        return span

    def delete_span(self, span_id: int) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM spans WHERE id = ?", [span_id])

    def restore_span(self, span: SpanAnnotation) -> SpanAnnotation:
        """Re-insert a deleted span with its original id and fields (used by undo)."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO spans (id, sentence_id, annotator, char_start, char_end, label, origin,"
                " quoted, lexicon_term, suggestion_id, note, created_at, agreed_by, resolution)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    span.id, span.sentence_id, span.annotator, span.start, span.end, span.label,
                    span.origin, int(span.quoted), span.lexicon_term, span.suggestion_id, span.note,
                    span.created_at or now_iso(), "|".join(span.agreed_by) or None, span.resolution,
                ],
            )  # fmt: skip
        restored = self.get_span(span.id) if span.id is not None else None
        assert restored is not None
        return restored

    def spans_for_sentence(self, sentence_id: int, annotator: str) -> list[SpanAnnotation]:
        return [
            _span(row)
            for row in self.conn.execute(
                f"SELECT {_SPAN_COLUMNS} FROM spans WHERE sentence_id = ? AND annotator = ?"
                " ORDER BY char_start, char_end, label",
                [sentence_id, annotator],
            )
        ]

    def iter_spans(
        self, annotators: Sequence[str] | None = None, sentence_ids: Sequence[int] | None = None
    ) -> Iterator[SpanAnnotation]:
        """Spans in corpus order (document, sentence, start, end, label, annotator)."""
        where, params = [], []
        if annotators is not None:
            where.append(f"sp.annotator IN ({','.join('?' * len(annotators))})")
            params += list(annotators)
        if sentence_ids is not None:
            where.append(f"sp.sentence_id IN ({','.join('?' * len(sentence_ids))})")
            params += list(sentence_ids)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        columns = ", ".join(f"sp.{c.strip()}" for c in _SPAN_COLUMNS.split(","))
        yield from (
            _span(row)
            for row in self.conn.execute(
                f"SELECT {columns} FROM spans sp JOIN sentences s ON s.id = sp.sentence_id"
                f" JOIN documents d ON d.id = s.document_id {clause}"
                " ORDER BY d.seq, s.idx, sp.char_start, sp.char_end, sp.label, sp.annotator",
                params,
            )
        )

    # ---------------------------------------------------------------- judgments

    def get_judgment(self, sentence_id: int, annotator: str) -> Judgment | None:
        row = self._one(
            f"SELECT {_JUDGMENT_COLUMNS} FROM sentence_status WHERE sentence_id = ? AND annotator = ?",
            [sentence_id, annotator],
        )
        return _judgment(row) if row else None

    def put_judgment(self, judgment: Judgment) -> Judgment:
        """Write one annotator's whole state for a sentence (insert or replace)."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)",
                [judgment.annotator, now_iso()],
            )
            self.conn.execute(
                f"INSERT OR REPLACE INTO sentence_status ({_JUDGMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    judgment.sentence_id,
                    judgment.annotator,
                    judgment.status,
                    judgment.judgment,
                    int(judgment.flagged),
                    judgment.note,
                    judgment.suggestion_mode,
                    judgment.first_shown_at,
                    judgment.finished_at,
                    "|".join(judgment.judgment_agreed_by) or None,
                    judgment.judgment_resolution,
                ],
            )
        return judgment

    def delete_judgment(self, sentence_id: int, annotator: str) -> None:
        with self.transaction():
            self.conn.execute(
                "DELETE FROM sentence_status WHERE sentence_id = ? AND annotator = ?", [sentence_id, annotator]
            )

    def iter_judgments(self, annotators: Sequence[str] | None = None) -> Iterator[Judgment]:
        where, params = "", []
        if annotators is not None:
            where = f"WHERE st.annotator IN ({','.join('?' * len(annotators))})"
            params = list(annotators)
        columns = ", ".join(f"st.{c.strip()}" for c in _JUDGMENT_COLUMNS.split(","))
        yield from (
            _judgment(row)
            for row in self.conn.execute(
                f"SELECT {columns} FROM sentence_status st JOIN sentences s ON s.id = st.sentence_id"
                f" JOIN documents d ON d.id = s.document_id {where} ORDER BY d.seq, s.idx, st.annotator",
                params,
            )
        )

    # -------------------------------------------------------------- suggestions

    def suggestions_for_sentence(self, sentence_id: int, annotator: str | None = None) -> list[Suggestion]:
        """Suggestions of a sentence, with the given annotator's decision if any."""
        rows = self.conn.execute(
            "SELECT sg.id, sg.sentence_id, sg.char_start, sg.char_end, sg.label, sg.term, sg.quoted,"
            " sg.detector, sd.decision FROM suggestions sg"
            " LEFT JOIN suggestion_decisions sd ON sd.suggestion_id = sg.id AND sd.annotator = ?"
            " WHERE sg.sentence_id = ? ORDER BY sg.char_start, sg.char_end, sg.label, sg.term",
            [annotator, sentence_id],
        )
        return [_suggestion(row) for row in rows]

    def add_suggestions(self, suggestions: Iterable[Suggestion]) -> None:
        """Insert suggestions; one that already exists (same identity) is left as it is."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR IGNORE INTO suggestions (sentence_id, char_start, char_end, label, term, quoted,"
                " detector) VALUES (?,?,?,?,?,?,?)",
                [(g.sentence_id, g.start, g.end, g.label, g.term, int(g.quoted), g.detector) for g in suggestions],
            )

    def set_decision(self, suggestion_id: int, annotator: str, decision: str | None) -> None:
        """Record an annotator's accept/reject of a suggestion; None clears it (undo)."""
        with self.transaction():
            if decision is None:
                self.conn.execute(
                    "DELETE FROM suggestion_decisions WHERE suggestion_id = ? AND annotator = ?",
                    [suggestion_id, annotator],
                )
                return
            self.conn.execute(
                "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [annotator, now_iso()]
            )
            self.conn.execute(
                "INSERT OR REPLACE INTO suggestion_decisions (suggestion_id, annotator, decision, decided_at)"
                " VALUES (?, ?, ?, ?)",
                [suggestion_id, annotator, decision, now_iso()],
            )

    # ------------------------------------------------------------------- events

    def append_event(self, event: Event) -> int:
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO events (at, annotator, action, sentence_id, payload, origin) VALUES (?,?,?,?,?,?)",
                [
                    event.at or now_iso(),
                    event.annotator,
                    event.action,
                    event.sentence_id,
                    _compact_json(event.payload),
                    event.origin,
                ],
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def events(self, annotator: str | None = None, limit: int | None = None) -> list[Event]:
        sql = "SELECT id, at, annotator, action, sentence_id, payload, origin FROM events"
        params: list[object] = []
        if annotator is not None:
            sql += " WHERE annotator = ?"
            params.append(annotator)
        sql += " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [
            Event(
                id=row[0], at=row[1], annotator=row[2], action=row[3], sentence_id=row[4],
                payload=json.loads(row[5]), origin=row[6],
            )  # fmt: skip
            for row in self.conn.execute(sql, params)
        ]


    # ---- adjudication

    def sentences_done_by(self, annotators: Sequence[str], min_annotators: int) -> list[tuple[int, tuple[str, ...]]]:
        """Sentences (corpus order) marked done by at least `min_annotators` of `annotators`,
        with the names of those who did."""
        if not annotators:
            return []
        marks = ",".join("?" * len(annotators))
        rows = self.conn.execute(
            f"SELECT st.sentence_id, group_concat(st.annotator, char(31)) FROM sentence_status st"
            f" JOIN sentences s ON s.id = st.sentence_id JOIN documents d ON d.id = s.document_id"
            f" WHERE st.status = 'done' AND st.annotator IN ({marks})"
            f" GROUP BY st.sentence_id HAVING COUNT(*) >= ? ORDER BY d.seq, s.idx",
            [*annotators, min_annotators],
        )
        return [(row[0], tuple(sorted(row[1].split("\x1f")))) for row in rows]

    def gold_span_counts(self) -> dict[str, int]:
        """Gold spans by resolution ('auto' or 'curated')."""
        rows = self.conn.execute(
            "SELECT COALESCE(resolution, 'curated'), COUNT(*) FROM spans WHERE annotator = 'gold'"
            " GROUP BY COALESCE(resolution, 'curated')"
        )
        return {row[0]: row[1] for row in rows}

    def status_counts(self, annotator: str) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT COALESCE(status, ''), COUNT(*) FROM sentence_status WHERE annotator = ? GROUP BY status",
            [annotator],
        )
        return {row[0]: row[1] for row in rows}

    # ---- workspace

    def document_header(self, document_id: str) -> Document | None:
        """A document's title, source and counts, without its text (what a header shows)."""
        columns = _DOCUMENT_COLUMNS.replace("text,", "'' AS text,")
        row = self._one(f"SELECT {columns} FROM documents WHERE id = ?", [document_id])
        return _document(row) if row else None

    def document_seq_range(self) -> tuple[int, int, int]:
        """(number of documents, lowest seq, highest seq): a trigger-kept count and the primary key."""
        # Separate MIN and MAX subqueries: SQLite answers each from the key in O(log n),
        # but scans the table for MIN and MAX in one SELECT.
        row = self._one(
            "SELECT (SELECT documents FROM corpus_counts WHERE id = 1),"
            " COALESCE((SELECT MIN(seq) FROM documents), 0), COALESCE((SELECT MAX(seq) FROM documents), 0)"
        )
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    def document_seq(self, document_id: str) -> int | None:
        value = self._scalar("SELECT seq FROM documents WHERE id = ?", [document_id])
        return None if value is None else int(value)  # type: ignore[call-overload]

    def document_id_at(self, index: int, *, first_seq: int | None = None) -> str | None:
        """The id of the document at 0-based `index` in import order.

        When the caller knows the seqs run without gaps from `first_seq`, this is one
        primary-key lookup; otherwise an OFFSET walk over the key.
        """
        if first_seq is not None:
            value = self._scalar("SELECT id FROM documents WHERE seq = ?", [first_seq + index])
        else:
            value = self._scalar("SELECT id FROM documents ORDER BY seq LIMIT 1 OFFSET ?", [index])
        return None if value is None else str(value)

    def sentence_total(self) -> int:
        """Number of sentences, kept by triggers (migration m004): no scan, whatever the corpus size."""
        return int(self._scalar("SELECT sentences FROM corpus_counts WHERE id = 1") or 0)  # type: ignore[call-overload]

    def first_open_sentence(self, document_id: str, annotator: str, after_index: int = -1) -> int | None:
        """Index of the first sentence after `after_index` in a document not marked done by `annotator`."""
        value = self._scalar(
            "SELECT s.idx FROM sentences s"
            " LEFT JOIN sentence_status st ON st.sentence_id = s.id AND st.annotator = ?"
            " WHERE s.document_id = ? AND s.idx > ? AND (st.status IS NULL OR st.status != 'done')"
            " ORDER BY s.idx LIMIT 1",
            [annotator, document_id, after_index],
        )
        return None if value is None else int(value)  # type: ignore[call-overload]

    def search_sentences(self, text: str, limit: int = 50) -> list[Sentence]:
        """Sentences containing `text` (case-insensitive for ASCII), in import order."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [
            _sentence(row)
            for row in self.conn.execute(
                f"SELECT {_SENTENCE_COLUMNS} FROM sentences WHERE text LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
                [pattern, limit],
            )
        ]

    def documents_with_prefix(self, prefix: str, limit: int = 8) -> list[Document]:
        """Documents (without text) whose id starts with `prefix`, on the id index."""
        columns = _DOCUMENT_COLUMNS.replace("text,", "'' AS text,")
        rows = self.conn.execute(
            f"SELECT {columns} FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            [prefix, prefix + "\U0010ffff", limit],
        )
        return [_document(row) for row in rows]

    def lexicon_neutral(self, term: str, label: str) -> str | None:
        """The neutral alternative a lexicon gives for a term, if any."""
        value = self._scalar(
            # Through the lexicons view: not from a lexicon still being loaded.
            "SELECT e.neutral FROM lexicon_entries e JOIN lexicons l ON l.id = e.lexicon_id"
            " WHERE e.term = ? AND e.label = ? AND e.neutral != '' LIMIT 1",
            [term, label],
        )
        return None if value is None else str(value)


    # ---- interchange
    # Streaming reads for export: each yields tuples in the export's column order
    # straight from one cursor, so memory stays constant however many rows there are.
    # Rows come in corpus order, then annotator, then offsets: the order of the
    # sentences(document_id, idx) and spans(sentence_id, annotator, ...) keys, so
    # SQLite streams them without sorting.

    # A sentence state is exported when it holds a status, a judgment, a flag or a note.
    _STATE_KEPT = "(st.status IS NOT NULL OR st.judgment IS NOT NULL OR st.flagged OR st.note IS NOT NULL)"

    class _MergeRefused(Exception):
        """Rolls back a merge that found conflicts."""

    def _annotator_clause(
        self, column: str, annotators: Sequence[str] | None, exclude: Sequence[str]
    ) -> tuple[str, list]:
        """The WHERE clause of an export's rows by annotator (`column` is a table's
        `annotator` column with the table's alias, such as `sp.annotator`).

        Gold is exported only where it is settled: a sentence whose gold state is not
        marked adjudicated (done) holds a draft, such as the automatic pre-fill of a
        sentence the curator only passed, and its gold is left out. Gold without any
        state (imported spans) counts as settled.
        """
        parts, params = [], []
        if annotators is not None:
            parts.append(f"{column} IN ({','.join('?' * len(annotators))})")
            params += list(annotators)
        if exclude:
            parts.append(f"{column} NOT IN ({','.join('?' * len(exclude))})")
            params += list(exclude)
        if GOLD not in exclude and (annotators is None or GOLD in annotators):
            # Qualified, or the subquery would read its own draft.sentence_id.
            alias, dot, name = column.partition(".")
            assert dot and name == "annotator", column
            sentence = f"{alias}.sentence_id"
            parts.append(
                f"({column} != ? OR NOT EXISTS (SELECT 1 FROM sentence_status draft WHERE draft.sentence_id ="
                f" {sentence} AND draft.annotator = ? AND draft.status IS NOT 'done'))"
            )
            params += [GOLD, GOLD]
        return " AND ".join(parts) or "1", params

    def gold_drafts(self) -> int:
        """Sentences whose gold is a draft that holds something (a span, a judgment, a
        flag or a note): opened in adjudication, not marked adjudicated. What an export
        of gold leaves out."""
        return int(
            self._scalar(
                "SELECT COUNT(*) FROM sentence_status st WHERE st.annotator = ? AND st.status IS NOT 'done'"
                " AND (st.judgment IS NOT NULL OR st.flagged OR st.note IS NOT NULL OR EXISTS"
                " (SELECT 1 FROM spans sp WHERE sp.sentence_id = st.sentence_id AND sp.annotator = ?))",
                [GOLD, GOLD],
            )
            or 0
        )  # type: ignore[call-overload]

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
                self.conn.execute("COMMIT")

    def count_export_spans(self, annotators: Sequence[str] | None = None, exclude: Sequence[str] = ()) -> int:
        clause, params = self._annotator_clause("sp.annotator", annotators, exclude)
        return int(self._scalar(f"SELECT COUNT(*) FROM spans sp WHERE {clause}", params) or 0)  # type: ignore[call-overload]

    def count_export_states(self, annotators: Sequence[str] | None = None, exclude: Sequence[str] = ()) -> int:
        clause, params = self._annotator_clause("st.annotator", annotators, exclude)
        return int(
            self._scalar(f"SELECT COUNT(*) FROM sentence_status st WHERE {self._STATE_KEPT} AND {clause}", params) or 0
        )  # type: ignore[call-overload]

    # The CSV exports of spans, sentences and documents. Each column is (name, SQL
    # expression, kind): "int" (never NULL), "text" (never NULL), "null" (text that may
    # be NULL, written as '') or "free" (free text, which also gets the
    # spreadsheet-safety apostrophe here in SQL, the rule of
    # annotator.interchange.safety.escape, unless the export is raw).
    #
    # SQLite joins a row's cells into one value, separated by EXPORT_SEPARATOR (the
    # ASCII unit separator), and returns it with the row's key. Profiling the
    # 1,000,000-span export showed the cost per value crossing into Python (the API
    # calls, each behind the connection's mutex, the GIL released and taken per
    # column, an object each) dominating once the csv module was out of the way, so
    # one value per row is what keeps the export near the sqlite3 shell's speed. The
    # caller (annotator.interchange.export) turns the values into CSV lines and, for the
    # rare row whose values hold the separator themselves, asks `export_row` for its
    # cells by key. || and replace() are safe with NUL characters; substr() and
    # length() stop at the first NUL, so when some sentence holds a NUL a span's text
    # is cut in SQL only where the sentence's length() is whole, and by
    # interchange_slice() (Python) otherwise.

    EXPORT_SEPARATOR = "\x1f"

    _SPAN_TEXT = "substr(s.text, sp.char_start + 1, sp.char_end - sp.char_start)"
    _SPAN_TEXT_NUL_SAFE = (
        "CASE WHEN length(s.text) = s.doc_end - s.doc_start"
        " THEN substr(s.text, sp.char_start + 1, sp.char_end - sp.char_start)"
        " ELSE interchange_slice(s.text, sp.char_start, sp.char_end) END"
    )
    _EXPORT_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
        "spans": (
            ("document_id", "d.id", "text"), ("sentence_index", "s.idx", "int"),
            ("start", "sp.char_start", "int"), ("end", "sp.char_end", "int"),
            ("doc_start", "s.doc_start + sp.char_start", "int"), ("doc_end", "s.doc_start + sp.char_end", "int"),
            ("text", _SPAN_TEXT, "free"), ("label", "sp.label", "text"), ("annotator", "sp.annotator", "text"),
            ("origin", "sp.origin", "text"), ("quoted", "CASE WHEN sp.quoted THEN 'true' ELSE 'false' END", "text"),
            ("lexicon_term", "sp.lexicon_term", "null"), ("note", "sp.note", "free"),
            ("created_at", "sp.created_at", "text"),
        ),
        "spans+gold": (("agreed_by", "sp.agreed_by", "null"), ("resolution", "sp.resolution", "null")),
        "sentences": (
            ("document_id", "d.id", "text"), ("sentence_index", "s.idx", "int"),
            ("doc_start", "s.doc_start", "int"), ("doc_end", "s.doc_end", "int"),
            ("sentence_text", "s.text", "free"), ("annotator", "st.annotator", "text"),
            ("status", "st.status", "null"), ("judgment", "st.judgment", "null"),
            ("flagged", "CASE WHEN st.flagged THEN 'true' ELSE 'false' END", "text"), ("note", "st.note", "free"),
            ("suggestion_mode", "st.suggestion_mode", "null"), ("first_shown_at", "st.first_shown_at", "null"),
            ("finished_at", "st.finished_at", "null"),
        ),
        "sentences+gold": (
            ("agreed_by", "st.judgment_agreed_by", "null"), ("resolution", "st.judgment_resolution", "null"),
        ),
        "documents": (
            ("document_id", "d.id", "text"), ("title", "d.title", "free"), ("source", "d.source", "null"),
            ("url", "d.url", "null"), ("date", "d.date", "null"), ("sentences", "d.sentence_count", "int"),
            ("metadata", "d.metadata", "text"),
        ),
    }  # fmt: skip
    # What identifies a row of each export, for export_row.
    _EXPORT_KEYS = {"spans": ("sp.id",), "sentences": ("st.sentence_id", "st.annotator"), "documents": ("d.seq",)}

    @staticmethod
    def _sheet_safe(expr: str) -> str:
        """SQL for spreadsheet-safety: an apostrophe before a value that starts, after any
        apostrophes, with = + - @ tab or CR (reversible, as safety.escape)."""
        # unicode() first: a cheap look at the first character spares most values ltrim().
        return (
            f"CASE WHEN unicode({expr}) IN (39, 61, 43, 45, 64, 9, 13)"
            f" AND substr(ltrim({expr}, ''''), 1, 1) IN ('=', '+', '-', '@', char(9), char(13))"
            f" THEN '''' || {expr} ELSE {expr} END"
        )

    @staticmethod
    def _slice(text: str, start: int, end: int) -> str:
        return text[start:end]

    def sentences_hold_nul(self) -> bool:
        """Whether any sentence holds a NUL character (one scan of the sentence texts)."""
        return bool(self._scalar("SELECT EXISTS (SELECT 1 FROM sentences WHERE instr(text, char(0)))"))

    def _export_columns(self, kind: str, provenance: bool) -> tuple[tuple[str, str, str], ...]:
        return self._EXPORT_COLUMNS[kind] + (self._EXPORT_COLUMNS.get(f"{kind}+gold", ()) if provenance else ())

    def export_columns(self, kind: str, provenance: bool = False) -> tuple[str, ...]:
        """The header of a CSV export."""
        return tuple(name for name, _, _ in self._export_columns(kind, provenance))

    def _export_cells(self, kind: str, provenance: bool, safe: bool, nul_safe: bool) -> list[str]:
        cells = []
        for _, expr, column_kind in self._export_columns(kind, provenance):
            if expr == self._SPAN_TEXT and nul_safe:
                expr = self._SPAN_TEXT_NUL_SAFE
            if column_kind == "free" and safe:
                # Once in a subquery would be clearer, but SQLite flattens it back.
                expr = self._sheet_safe(expr)
            cells.append(f"IFNULL({expr}, '')" if column_kind in ("null", "free") else expr)
        return cells

    def _joined(self, kind: str, provenance: bool, safe: bool, nul_safe: bool) -> str:
        """SQL joining a row's cells with EXPORT_SEPARATOR. A run of integer cells is one
        printf() (one string built instead of a concatenation per cell; integers hold no
        NUL for printf to stop at)."""
        sep = self.EXPORT_SEPARATOR
        groups: list[tuple[str, list[str]]] = []
        columns = self._export_columns(kind, provenance)
        for (_, _, column_kind), cell in zip(columns, self._export_cells(kind, provenance, safe, nul_safe)):
            if column_kind == "int" and groups and groups[-1][0] == "int":
                groups[-1][1].append(cell)
            else:
                groups.append((column_kind, [cell]))
        sql = [
            f"printf('{sep.join(['%d'] * len(group))}', {', '.join(group)})" if column_kind == "int"
            else f"({group[0]})"  # parenthesised: || binds tighter than +
            for column_kind, group in groups
        ]  # fmt: skip
        return f" || '{sep}' || ".join(sql)

    def export_query(
        self, kind: str, annotators: Sequence[str] | None = None, exclude: Sequence[str] = (), *,
        provenance: bool = False, safe: bool = True, plain: bool = False, nul_safe: bool = True,
        where: str = "", where_params: Sequence = (),
    ) -> tuple[str, list]:  # fmt: skip
        """The SQL of a CSV export (`kind` spans, sentences or documents) and its parameters.

        Each row is (cells joined by EXPORT_SEPARATOR as UTF-8 bytes, *key). `plain` gives SQL that
        other tools can run instead: one value per column as stored (NULL stays NULL, no
        escaping, no Python function); what the benchmark gives the sqlite3 shell.
        """
        if plain:
            select = ", ".join(f'{expr} AS "{name}"' for name, expr, _ in self._export_columns(kind, provenance))
        else:
            # As a BLOB: the UTF-8 bytes go to the file without a decode and an encode.
            joined = self._joined(kind, provenance, safe, nul_safe)
            select = f"CAST({joined} AS BLOB), {', '.join(self._EXPORT_KEYS[kind])}"
        # CROSS JOIN fixes the join order, so rows stream in the order of the keys
        # (documents.seq, sentences(document_id, idx), spans(sentence_id, annotator,
        # ...)) and SQLite never sorts them in a temporary b-tree.
        if kind == "spans":
            clause, params = self._annotator_clause("sp.annotator", annotators, exclude)
            sql = (
                f"SELECT {select} FROM documents d CROSS JOIN sentences s CROSS JOIN spans sp"
                f" WHERE s.document_id = d.id AND sp.sentence_id = s.id AND {clause}{where}"
                " ORDER BY d.seq, s.idx, sp.annotator, sp.char_start, sp.char_end, sp.label"
            )
        elif kind == "sentences":
            clause, params = self._annotator_clause("st.annotator", annotators, exclude)
            sql = (
                f"SELECT {select} FROM documents d CROSS JOIN sentences s CROSS JOIN sentence_status st"
                f" WHERE s.document_id = d.id AND st.sentence_id = s.id AND {self._STATE_KEPT} AND {clause}{where}"
                " ORDER BY d.seq, s.idx, st.annotator"
            )
        elif kind == "documents":
            sql, params = f"SELECT {select} FROM documents d WHERE 1{where} ORDER BY d.seq", []
        else:
            raise ValueError(f"no CSV export query for {kind!r}")
        return sql, [*params, *where_params]

    def _prepare_export(self, kind: str) -> bool:
        nul_safe = kind == "spans" and self.sentences_hold_nul()
        if nul_safe:
            self.conn.create_function("interchange_slice", 3, self._slice, deterministic=True)
        return nul_safe

    def iter_export_rows(
        self, kind: str, annotators: Sequence[str] | None = None, exclude: Sequence[str] = (), *,
        provenance: bool = False, safe: bool = True, chunk: int = 10_000,
        seq_range: tuple[int | None, int | None] = (None, None),
    ) -> Iterator[list[tuple]]:  # fmt: skip
        """The rows of a CSV export, (cells joined by EXPORT_SEPARATOR, *key), in lists of
        up to `chunk` rows from one cursor; with `seq_range` (from, to), only the rows of
        documents with from <= seq < to (either end None: open)."""
        nul_safe = self._prepare_export(kind)
        where, where_params = "", []
        if seq_range[0] is not None:
            where, where_params = " AND d.seq >= ?", [seq_range[0]]
        if seq_range[1] is not None:
            where, where_params = f"{where} AND d.seq < ?", [*where_params, seq_range[1]]
        sql, params = self.export_query(
            kind, annotators, exclude, provenance=provenance, safe=safe, nul_safe=nul_safe,
            where=where, where_params=where_params,
        )  # fmt: skip
        cursor = self.conn.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield rows

    def export_middle_seq(
        self, kind: str, annotators: Sequence[str] | None, exclude: Sequence[str], rows: int
    ) -> int | None:
        """The seq of the document about halfway through an export's `rows` rows, for
        splitting the work. Read from the (sentence_id, ...) index alone: sentence ids
        follow import order, so the middle sentence id lies in the middle document.
        (Were they ever out of order, the split would only be uneven.)"""
        table, column = ("spans sp", "sp.annotator") if kind == "spans" else ("sentence_status st", "st.annotator")
        clause, params = self._annotator_clause(column, annotators, exclude)
        state = f" AND {self._STATE_KEPT}" if kind == "sentences" else ""
        value = self._scalar(
            f"SELECT d.seq FROM documents d JOIN sentences s ON s.document_id = d.id WHERE s.id ="
            f" (SELECT sentence_id FROM {table} WHERE {clause}{state} ORDER BY sentence_id LIMIT 1 OFFSET ?)",
            [*params, rows // 2],
        )
        return None if value is None else int(value)  # type: ignore[call-overload]

    def export_row(self, kind: str, key: Sequence, *, provenance: bool = False, safe: bool = True) -> list[str]:
        """The cells of one export row by its key (from iter_export_rows), each on its own."""
        nul_safe = self._prepare_export(kind)
        cells = self._export_cells(kind, provenance, safe, nul_safe)
        key_columns = self._EXPORT_KEYS[kind]
        where = "".join(f" AND {column} = ?" for column in key_columns)
        sql, params = self.export_query(kind, provenance=provenance, where=where, where_params=list(key))
        sql = f"SELECT {', '.join(cells)}" + sql[sql.index(" FROM documents d") :]
        row = self._one(sql, params)
        if row is None:
            raise KeyError(key)
        return [str(value) for value in row]

    # Sentence-level exports (JSONL, CoNLL, tokens) walk three streams in the same
    # order and join them in Python: the sentences that have any unit, the states, and
    # the spans. A unit is one sentence and one annotator with a kept state or a span.

    def iter_unit_sentences(
        self, annotators: Sequence[str] | None = None, exclude: Sequence[str] = ()
    ) -> Iterator[Sentence]:
        span_clause, span_params = self._annotator_clause("sp.annotator", annotators, exclude)
        state_clause, state_params = self._annotator_clause("st.annotator", annotators, exclude)
        columns = ", ".join(f"s.{c.strip()}" for c in _SENTENCE_COLUMNS.split(","))
        for row in self.conn.execute(
            f"SELECT {columns} FROM documents d JOIN sentences s ON s.document_id = d.id"
            f" WHERE EXISTS (SELECT 1 FROM spans sp WHERE sp.sentence_id = s.id AND {span_clause})"
            f" OR EXISTS (SELECT 1 FROM sentence_status st WHERE st.sentence_id = s.id AND {self._STATE_KEPT}"
            f" AND {state_clause}) ORDER BY d.seq, s.idx",
            [*span_params, *state_params],
        ):
            yield _sentence(row)

    def iter_unit_states(
        self, annotators: Sequence[str] | None = None, exclude: Sequence[str] = ()
    ) -> Iterator[tuple[int, str, str | None]]:
        """(sentence_id, annotator, judgment) of kept states, in unit order."""
        clause, params = self._annotator_clause("st.annotator", annotators, exclude)
        yield from self.conn.execute(
            "SELECT st.sentence_id, st.annotator, st.judgment FROM documents d"
            " JOIN sentences s ON s.document_id = d.id JOIN sentence_status st ON st.sentence_id = s.id"
            f" WHERE {self._STATE_KEPT} AND {clause} ORDER BY d.seq, s.idx, st.annotator",
            params,
        )

    def iter_unit_spans(
        self, annotators: Sequence[str] | None = None, exclude: Sequence[str] = ()
    ) -> Iterator[tuple[int, str, int, int, str]]:
        """(sentence_id, annotator, start, end, label) of spans, in unit order."""
        clause, params = self._annotator_clause("sp.annotator", annotators, exclude)
        yield from self.conn.execute(
            "SELECT sp.sentence_id, sp.annotator, sp.char_start, sp.char_end, sp.label FROM documents d"
            " JOIN sentences s ON s.document_id = d.id JOIN spans sp ON sp.sentence_id = s.id"
            f" WHERE {clause} ORDER BY d.seq, s.idx, sp.annotator, sp.char_start, sp.char_end, sp.label",
            params,
        )

    def add_spans_if_new(self, spans: Iterable[SpanAnnotation]) -> int:
        """Insert spans in one transaction, skipping any whose identity (sentence,
        annotator, offsets, label) is already stored; returns how many were added.

        A span with origin 'suggestion' is linked to the suggestion with the same
        sentence, offsets, label and term, if there is one.
        """
        rows = [
            {
                "sentence_id": s.sentence_id, "annotator": s.annotator, "start": s.start, "end": s.end,
                "label": s.label, "origin": s.origin, "quoted": int(s.quoted), "term": s.lexicon_term,
                "suggestion_id": s.suggestion_id, "note": s.note, "created_at": s.created_at or now_iso(),
                "agreed_by": "|".join(s.agreed_by) or None, "resolution": s.resolution,
            }  # fmt: skip
            for s in spans
        ]
        if not rows:
            return 0
        with self.transaction():
            now = now_iso()
            self.conn.executemany(
                "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)",
                [(name, now) for name in sorted({row["annotator"] for row in rows})],
            )
            cursor = self.conn.executemany(
                "INSERT INTO spans (sentence_id, annotator, char_start, char_end, label, origin, quoted,"
                " lexicon_term, suggestion_id, note, created_at, agreed_by, resolution)"
                " VALUES (:sentence_id, :annotator, :start, :end, :label, :origin, :quoted, :term,"
                " COALESCE(:suggestion_id, CASE WHEN :origin = 'suggestion' THEN (SELECT id FROM suggestions"
                " WHERE sentence_id = :sentence_id AND char_start = :start AND char_end = :end"
                " AND label = :label AND term = :term) END),"
                " :note, :created_at, :agreed_by, :resolution)"
                " ON CONFLICT (sentence_id, annotator, char_start, char_end, label) DO NOTHING",
                rows,
            )
            return max(cursor.rowcount, 0)

    def merge_database(self, path: str | os.PathLike, lexicon_entries: Sequence[LexiconEntry] = ()) -> MergeResult:
        """Bring another project database's documents, sentences, annotators, suggestions
        and decisions, spans, sentence states, events and lexicons into this one, in one
        transaction. Idempotent: what is already here is not added again.

        Documents match by id and content hash, or by content hash under another id.
        Nothing is merged, and `conflicts` says why, when a document has the same id
        and different text, a matched document is segmented differently, or spans,
        suggestions or judgments use labels or values this tag set lacks.

        Sentence ids differ between databases, so sentences map by (document, index)
        and suggestions by (sentence, start, end, label, term). A span or suggestion
        decision already here is kept; a sentence state already here is replaced only
        by one finished (or first shown) later; an event is added unless an identical
        one (time, annotator, action, sentence, payload, origin) is here. A lexicon this
        project lacks is added by name; `lexicon_entries` (each naming its lexicon) are
        the source's entries to add, chosen by the caller, which validates them against
        the entries here.
        """
        path = Path(path)
        result = MergeResult(source=str(path))
        if self.readonly:
            raise ReadOnlyStore(f"{self.path} is open read-only: nothing can be merged into it")
        if self.conn.in_transaction:
            raise AnnotatorError("merge cannot run inside another transaction")
        self.conn.execute("ATTACH DATABASE ? AS merge_source", [f"{path.resolve().as_uri()}?mode=ro"])
        try:
            with self.transaction():
                self._merge_attached(result, lexicon_entries)
                if result.conflicts:
                    raise self._MergeRefused
        except self._MergeRefused:
            result = MergeResult(source=result.source, conflicts=result.conflicts)
        finally:
            self.conn.execute("DETACH DATABASE merge_source")
        return result

    def _merge_attached(self, result: MergeResult, lexicon_entries: Sequence[LexiconEntry]) -> None:
        run = self.conn.execute
        src = "merge_source"
        for (document_id,) in run(
            f"SELECT s.id FROM {src}.documents s JOIN main.documents t ON t.id = s.id"
            " WHERE t.content_hash != s.content_hash ORDER BY s.seq"
        ):
            result.conflicts.append(f"document {document_id!r}: same id here with different text")
        if result.conflicts:
            return
        # Documents: matched by id (same hash, checked above), else by hash, else new.
        run("CREATE TEMP TABLE merge_hashes (content_hash TEXT PRIMARY KEY, id TEXT NOT NULL)")
        run("INSERT OR IGNORE INTO temp.merge_hashes SELECT content_hash, id FROM main.documents ORDER BY seq")
        run(
            "CREATE TEMP TABLE merge_documents (src_id TEXT PRIMARY KEY, dst_id TEXT NOT NULL,"
            " is_new INTEGER NOT NULL, seq INTEGER NOT NULL)"
        )
        run(
            "INSERT INTO temp.merge_documents (src_id, dst_id, is_new, seq)"
            " SELECT s.id, COALESCE(t.id, h.id, s.id), t.id IS NULL AND h.id IS NULL, s.seq"
            f" FROM {src}.documents s LEFT JOIN main.documents t ON t.id = s.id"
            " LEFT JOIN temp.merge_hashes h ON t.id IS NULL AND h.content_hash = s.content_hash"
        )
        result.renamed = [
            (row[0], row[1])
            for row in run("SELECT src_id, dst_id FROM temp.merge_documents WHERE src_id != dst_id ORDER BY seq")
        ]
        result.documents_matched = int(self._scalar("SELECT COUNT(*) FROM temp.merge_documents WHERE NOT is_new"))  # type: ignore[call-overload]
        cursor = run(
            "INSERT INTO main.document_rows (id, title, source, url, date, metadata, text, content_hash,"
            " sentence_count, token_count, imported_at)"
            " SELECT s.id, s.title, s.source, s.url, s.date, s.metadata, s.text, s.content_hash,"
            f" s.sentence_count, s.token_count, s.imported_at FROM {src}.documents s"
            " JOIN temp.merge_documents m ON m.src_id = s.id WHERE m.is_new ORDER BY s.seq"
        )
        result.documents_added = cursor.rowcount
        cursor = run(
            "INSERT INTO main.sentence_rows (document_id, idx, doc_start, doc_end, text, tokens)"
            f" SELECT s.document_id, s.idx, s.doc_start, s.doc_end, s.text, s.tokens FROM {src}.sentences s"
            " JOIN temp.merge_documents m ON m.src_id = s.document_id WHERE m.is_new ORDER BY m.seq, s.idx"
        )
        result.sentences_added = cursor.rowcount
        # Sentences: by (document, index), with the same offsets.
        run("CREATE TEMP TABLE merge_sentences (src_id INTEGER PRIMARY KEY, dst_id INTEGER NOT NULL)")
        run(
            "INSERT INTO temp.merge_sentences (src_id, dst_id) SELECT s.id, t.id"
            f" FROM {src}.sentences s JOIN temp.merge_documents m ON m.src_id = s.document_id"
            " JOIN main.sentences t ON t.document_id = m.dst_id AND t.idx = s.idx"
            " AND t.doc_start = s.doc_start AND t.doc_end = s.doc_end"
        )
        for document_id, missing in run(
            f"SELECT s.document_id, COUNT(*) FROM {src}.sentences s"
            " LEFT JOIN temp.merge_sentences ms ON ms.src_id = s.id WHERE ms.src_id IS NULL"
            " GROUP BY s.document_id ORDER BY s.document_id"
        ):
            result.conflicts.append(
                f"document {document_id!r}: segmented differently here ({missing} sentence(s) do not match)"
            )
        for (label,) in run(
            f"SELECT label FROM {src}.spans UNION SELECT label FROM {src}.suggestions"
            f" UNION SELECT label FROM {src}.lexicon_entries WHERE match != 'ignore' OR label != ''"
            " EXCEPT SELECT name FROM main.labels ORDER BY 1"
        ):
            result.conflicts.append(f"label {label!r} is not in this project's tag set")
        values = set(self.tagset().judgment.values)
        for (value,) in run(f"SELECT DISTINCT judgment FROM {src}.sentence_status WHERE judgment IS NOT NULL"):
            if value not in values:
                result.conflicts.append(f"judgment value {value!r} is not in this project's tag set")
        if result.conflicts:
            return
        result.annotators_added = run(
            f"INSERT OR IGNORE INTO main.annotators (name, created_at) SELECT name, created_at FROM {src}.annotators"
        ).rowcount
        result.suggestions_added = run(
            "INSERT INTO main.suggestions (sentence_id, char_start, char_end, label, term, quoted, detector)"
            " SELECT ms.dst_id, g.char_start, g.char_end, g.label, g.term, g.quoted, g.detector"
            f" FROM {src}.suggestions g JOIN temp.merge_sentences ms ON ms.src_id = g.sentence_id"
            " WHERE 1 ORDER BY g.id"
            " ON CONFLICT (sentence_id, char_start, char_end, label, term) DO NOTHING"
        ).rowcount
        run("CREATE TEMP TABLE merge_suggestions (src_id INTEGER PRIMARY KEY, dst_id INTEGER NOT NULL)")
        run(
            "INSERT INTO temp.merge_suggestions (src_id, dst_id) SELECT g.id, t.id"
            f" FROM {src}.suggestions g JOIN temp.merge_sentences ms ON ms.src_id = g.sentence_id"
            " JOIN main.suggestions t ON t.sentence_id = ms.dst_id AND t.char_start = g.char_start"
            " AND t.char_end = g.char_end AND t.label = g.label AND t.term = g.term"
        )
        before = self._count("suggestion_decisions")
        changed = run(
            "INSERT INTO main.suggestion_decisions (suggestion_id, annotator, decision, decided_at)"
            " SELECT mg.dst_id, d.annotator, d.decision, d.decided_at"
            f" FROM {src}.suggestion_decisions d JOIN temp.merge_suggestions mg ON mg.src_id = d.suggestion_id"
            " WHERE 1 ON CONFLICT (suggestion_id, annotator) DO UPDATE SET decision = excluded.decision,"
            " decided_at = excluded.decided_at WHERE excluded.decided_at > suggestion_decisions.decided_at"
            " AND excluded.decision != suggestion_decisions.decision"
        ).rowcount
        result.decisions_added = self._count("suggestion_decisions") - before
        result.decisions_updated = changed - result.decisions_added
        result.spans_added = run(
            "INSERT INTO main.spans (sentence_id, annotator, char_start, char_end, label, origin, quoted,"
            " lexicon_term, suggestion_id, note, created_at, agreed_by, resolution)"
            " SELECT ms.dst_id, sp.annotator, sp.char_start, sp.char_end, sp.label, sp.origin, sp.quoted,"
            " sp.lexicon_term, mg.dst_id, sp.note, sp.created_at, sp.agreed_by, sp.resolution"
            f" FROM {src}.spans sp JOIN temp.merge_sentences ms ON ms.src_id = sp.sentence_id"
            " LEFT JOIN temp.merge_suggestions mg ON mg.src_id = sp.suggestion_id WHERE 1 ORDER BY sp.id"
            " ON CONFLICT (sentence_id, annotator, char_start, char_end, label) DO NOTHING"
        ).rowcount
        before = self._count("sentence_status")
        changed = run(
            "INSERT INTO main.sentence_status (sentence_id, annotator, status, judgment, flagged, note,"
            " suggestion_mode, first_shown_at, finished_at, judgment_agreed_by, judgment_resolution)"
            " SELECT ms.dst_id, st.annotator, st.status, st.judgment, st.flagged, st.note, st.suggestion_mode,"
            " st.first_shown_at, st.finished_at, st.judgment_agreed_by, st.judgment_resolution"
            f" FROM {src}.sentence_status st JOIN temp.merge_sentences ms ON ms.src_id = st.sentence_id"
            " WHERE 1 ON CONFLICT (sentence_id, annotator) DO UPDATE SET status = excluded.status,"
            " judgment = excluded.judgment, flagged = excluded.flagged, note = excluded.note,"
            " suggestion_mode = excluded.suggestion_mode, first_shown_at = excluded.first_shown_at,"
            " finished_at = excluded.finished_at, judgment_agreed_by = excluded.judgment_agreed_by,"
            " judgment_resolution = excluded.judgment_resolution"
            " WHERE COALESCE(excluded.finished_at, excluded.first_shown_at, '')"
            " > COALESCE(sentence_status.finished_at, sentence_status.first_shown_at, '')"
        ).rowcount
        result.statuses_added = self._count("sentence_status") - before
        result.statuses_updated = changed - result.statuses_added
        # Events: an identical event (sentence mapped) is not added twice. The keys of
        # this project's events go to an indexed temporary table for the check.
        run(
            "CREATE TEMP TABLE merge_events (at TEXT, annotator TEXT, action TEXT, sentence_id INTEGER,"
            " payload TEXT, origin TEXT)"
        )
        run(
            "INSERT INTO temp.merge_events SELECT at, annotator, action, sentence_id, payload, origin"
            " FROM main.events"
        )
        run("CREATE INDEX temp.merge_events_key ON merge_events (at, annotator, action)")
        result.events_added = run(
            "INSERT INTO main.events (at, annotator, action, sentence_id, payload, origin)"
            " SELECT e.at, e.annotator, e.action, ms.dst_id, e.payload, e.origin"
            f" FROM {src}.events e LEFT JOIN temp.merge_sentences ms ON ms.src_id = e.sentence_id"
            " WHERE NOT EXISTS (SELECT 1 FROM temp.merge_events k WHERE k.at = e.at"
            " AND k.annotator = e.annotator AND k.action = e.action AND k.sentence_id IS ms.dst_id"
            " AND k.payload = e.payload AND k.origin = e.origin) ORDER BY e.id"
        ).rowcount
        result.lexicons_added = run(
            "INSERT INTO main.lexicon_rows (name, path, loaded_at) SELECT l.name, l.path, l.loaded_at"
            f" FROM {src}.lexicons l WHERE l.name NOT IN (SELECT name FROM main.lexicons) ORDER BY l.id"
        ).rowcount
        ids = dict(run("SELECT name, id FROM main.lexicons"))
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT INTO main.lexicon_entries (lexicon_id, term, label, match, forms, exclude, neutral, note,"
            " source, line) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (lexicon_id, term, label, match) DO NOTHING",
            [
                (ids[e.lexicon], e.term, e.label, e.match, "|".join(e.forms), "|".join(e.exclude), e.neutral,
                 e.note, e.source, e.line)
                for e in lexicon_entries
            ],
        )  # fmt: skip
        result.lexicon_entries_added = self.conn.total_changes - before
        for table in ("merge_hashes", "merge_documents", "merge_sentences", "merge_suggestions", "merge_events"):
            run(f"DROP TABLE temp.{table}")

    def _count(self, table: str) -> int:
        return int(self._scalar(f"SELECT COUNT(*) FROM main.{table}") or 0)  # type: ignore[call-overload]


    # ---- lexicon

    def lexicons(self) -> list[Lexicon]:
        rows = self.conn.execute(
            "SELECT l.id, l.name, l.path, l.loaded_at, COUNT(e.id) FROM lexicons l"
            " LEFT JOIN lexicon_entries e ON e.lexicon_id = l.id GROUP BY l.id ORDER BY l.id"
        )
        return [Lexicon(id=row[0], name=row[1], path=row[2], loaded_at=row[3], entries=row[4]) for row in rows]

    def save_lexicon(
        self, name: str, entries: Sequence[LexiconEntry], path: str | None = None, *, replace: bool = False
    ) -> Lexicon:
        """Store a lexicon with its entries. A lexicon of the same name is refused, or
        replaced as a whole with `replace`. Entries are committed in short batches and
        the lexicon appears (and the one it replaces goes) at once: `store.units`."""
        self.units.save_lexicon(name, entries, path, replace=replace)
        return next(lexicon for lexicon in self.lexicons() if lexicon.name == name)

    def add_lexicon_entry(self, lexicon: str, entry: LexiconEntry) -> LexiconEntry:
        """Add one entry to a lexicon, creating the lexicon if needed."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO lexicon_rows (name, path, loaded_at) VALUES (?, NULL, ?)", [lexicon, now_iso()]
            )
            lexicon_id = self._scalar("SELECT id FROM lexicons WHERE name = ?", [lexicon])
            assert isinstance(lexicon_id, int)
            entry_id = self._insert_lexicon_entries(lexicon_id, [entry])[0]
        return next(e for e in self.lexicon_entries(lexicon) if e.id == entry_id)

    def _insert_lexicon_entries(self, lexicon_id: int, entries: Sequence[LexiconEntry]) -> list[int]:
        ids = []
        for e in entries:
            cursor = self.conn.execute(
                "INSERT INTO lexicon_entries (lexicon_id, term, label, match, forms, exclude, neutral, note,"
                " source, line) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [lexicon_id, e.term, e.label, e.match, "|".join(e.forms), "|".join(e.exclude), e.neutral,
                 e.note, e.source, e.line],
            )  # fmt: skip
            assert cursor.lastrowid is not None
            ids.append(cursor.lastrowid)
        return ids

    def lexicon_entries(self, lexicon: str | None = None) -> list[LexiconEntry]:
        """Entries of one lexicon, or of all of them, in load order."""
        where, params = ("WHERE l.name = ?", [lexicon]) if lexicon is not None else ("", [])
        rows = self.conn.execute(
            "SELECT e.id, l.name, e.term, e.label, e.match, e.forms, e.exclude, e.neutral, e.note, e.source,"
            f" e.line FROM lexicon_entries e JOIN lexicons l ON l.id = e.lexicon_id {where} ORDER BY l.id, e.id",
            params,
        )
        return [
            LexiconEntry(
                id=row[0], lexicon=row[1], term=row[2], label=row[3], match=row[4],
                forms=_alternatives(row[5]), exclude=_alternatives(row[6]), neutral=row[7], note=row[8],
                source=row[9], line=row[10],
            )  # fmt: skip
            for row in rows
        ]

    def delete_lexicon_entries(self, entry_ids: Sequence[int]) -> None:
        with self.transaction():
            self.conn.executemany("DELETE FROM lexicon_entries WHERE id = ?", [[i] for i in entry_ids])

    def sync_suggestions(self, sentence_ids: Sequence[int], suggestions: Iterable[Suggestion]) -> tuple[int, int, int]:
        """Make the suggestions of these sentences exactly `suggestions`.

        A suggestion that still exists (same sentence, offsets, label and term) keeps its
        id and every decision on it; one that no longer exists is deleted with its
        decisions (spans accepted from it stay, unlinked). Returns (added, removed, kept).
        """
        wanted = {(g.sentence_id, g.start, g.end, g.label, g.term): g for g in suggestions}
        with self.transaction():
            existing: dict[tuple, tuple] = {}
            for offset in range(0, len(sentence_ids), 500):
                chunk = list(sentence_ids[offset : offset + 500])
                for row in self.conn.execute(
                    "SELECT id, sentence_id, char_start, char_end, label, term, quoted, detector FROM suggestions"
                    f" WHERE sentence_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ):
                    existing[row[1:6]] = row
            stale = [[row[0]] for key, row in existing.items() if key not in wanted]
            changed = [
                [int(g.quoted), g.detector, existing[key][0]]
                for key, g in wanted.items()
                if key in existing and (bool(existing[key][6]) != g.quoted or existing[key][7] != g.detector)
            ]
            fresh = [g for key, g in wanted.items() if key not in existing]
            self.conn.executemany("DELETE FROM suggestions WHERE id = ?", stale)
            self.conn.executemany("UPDATE suggestions SET quoted = ?, detector = ? WHERE id = ?", changed)
            self.add_suggestions(fresh)
        return len(fresh), len(stale), len(wanted) - len(fresh)

    def suggestion_tallies(self) -> list[SuggestionTally]:
        """Hits and decisions (over all annotators) per suggested term and label."""
        rows = self.conn.execute(
            "SELECT sg.detector, sg.term, sg.label, COUNT(*), COALESCE(SUM(d.accepted), 0),"
            " COALESCE(SUM(d.rejected), 0), SUM(d.suggestion_id IS NULL)"
            # Through the sentences view: an unfinished import's suggestions are not counted.
            " FROM suggestions sg JOIN sentences s ON s.id = sg.sentence_id LEFT JOIN ("
            "   SELECT suggestion_id, SUM(decision = 'accepted') AS accepted, SUM(decision = 'rejected') AS rejected"
            "   FROM suggestion_decisions GROUP BY suggestion_id"
            " ) d ON d.suggestion_id = sg.id"
            " GROUP BY sg.detector, sg.term, sg.label ORDER BY sg.detector, sg.term, sg.label"
        )
        return [SuggestionTally(*row) for row in rows]

    # ---- agreement
    # Reads for annotator.agreement: a few queries, one row per sentence or span (never
    # per token), with names turned into integer codes in SQL so rows convert to numpy
    # arrays in one step. A million tokens load in a fraction of a second.

    def _codes(self, column: str, names: Sequence[str], first: int) -> tuple[str, list[str]]:
        """A CASE expression numbering `names` from `first` (0 for any other value)."""
        cases = " ".join(f"WHEN ? THEN {first + i}" for i in range(len(names)))
        return f"CASE {column} {cases} ELSE {first - 1} END" if names else str(first - 1), list(names)

    def _int_rows(self, columns: Sequence[str], rest: str, params: Sequence) -> object:
        """`SELECT columns rest` (integer expressions) as an (n, len(columns)) int64 array.

        SQLite writes each column's numbers into one comma-separated string (one
        group_concat per column: the aggregates see the same rows in the same order) and
        numpy parses them, so no Python object is made per row. Cheaper than one
        printf() per row. NULL counts as 0.
        """
        import numpy as np

        aggregates = ", ".join(f"group_concat({column}, ',')" for column in columns)
        try:
            texts = self._one(f"SELECT {aggregates} {rest}", params) or ()
            arrays = [_parse_ints(text) for text in texts]
            if arrays and any(len(a) != len(arrays[0]) for a in arrays):  # a NULL was skipped
                raise sqlite3.DataError("NULL in an integer column")
        except (sqlite3.DataError, sqlite3.OperationalError):  # pragma: no cover - NULLs, or past SQLite's string limit
            rows = self.conn.execute(f"SELECT {', '.join(columns)} {rest}", params).fetchall()
            return np.array([[v or 0 for v in row] for row in rows], dtype=np.int64).reshape(-1, len(columns))
        if not arrays or not len(arrays[0]):
            return np.zeros((0, len(columns)), dtype=np.int64)
        return np.stack(arrays, axis=1)

    def agreement_annotators(self) -> list[str]:
        """Annotators who have marked, judged or annotated anything, by name."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM annotators a WHERE EXISTS (SELECT 1 FROM sentence_status st"
                " WHERE st.annotator = a.name AND (st.status = 'done' OR st.judgment IS NOT NULL))"
                " OR EXISTS (SELECT 1 FROM spans sp WHERE sp.annotator = a.name) ORDER BY name"
            )
        ]

    def agreement_done(self, annotators: Sequence[str]) -> object:
        """(sentence_id, annotator index) of every sentence an annotator marked done, as an (n, 2) int64 array."""
        import numpy as np

        if not annotators:
            raise ValueError("no annotators given")
        # One query per annotator: each is a range of the covering index
        # sentence_status_by_annotator, so no row is looked up and no name compared.
        parts = []
        for index, name in enumerate(annotators):
            ids = self._int_rows(["sentence_id"], "FROM sentence_status WHERE annotator = ? AND status = 'done'",
                                 [name])[:, 0]
            parts.append(np.stack([ids, np.full(len(ids), index, dtype=np.int64)], axis=1))
        return np.concatenate(parts)

    def agreement_sentences(self, sentence_ids: Sequence[int]) -> tuple[object, object, object, object, object]:
        """The given sentences in corpus order, for agreement.

        Returns (sentence_ids, document_ids, lengths, token_counts, tokens) as numpy
        arrays: four with one entry per sentence (document ids as str objects), and
        every token's [start, end] offsets into its sentence as one (n, 2) int64 array,
        sentence after sentence.
        """
        import numpy as np

        # One row: each column's values comma-joined, and the token arrays (JSON, as
        # [[0,5],[6,10]]) joined by ';', so numpy parses every offset at once and no
        # Python object is made per sentence or token.
        where = (
            " FROM sentences s JOIN documents d ON d.id = s.document_id"
            " WHERE s.id IN (SELECT value FROM json_each(?))"
        )
        params = [json.dumps([int(i) for i in sentence_ids])]
        try:
            row = self._one(
                "SELECT group_concat(s.id, ','), group_concat(d.seq, ','), group_concat(s.idx, ','),"
                f" group_concat(s.doc_end - s.doc_start, ','), group_concat(s.tokens, ';'){where}", params,
            )  # fmt: skip
        except (sqlite3.DataError, sqlite3.OperationalError):  # pragma: no cover - past SQLite's string limit
            rows = self.conn.execute(f"SELECT s.id, d.seq, s.idx, s.doc_end - s.doc_start, s.tokens{where}",
                                     params).fetchall()
            row = [",".join(str(r[i]) for r in rows) for i in range(4)] + [";".join(r[4] for r in rows)]
        if not row or row[0] is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, np.zeros(0, dtype=object), empty, empty, np.zeros((0, 2), dtype=np.int64)
        ids, seqs, positions, lengths = (_parse_ints(text) for text in row[:4])
        counts, tokens = _token_offsets(row[4], len(ids))
        # Corpus order: documents by import order, sentences by position.
        order = np.lexsort((positions, seqs))
        if (order != np.arange(len(order))).any():
            ptr = np.concatenate(([0], np.cumsum(counts)))
            new_counts = counts[order]
            new_ptr = np.concatenate(([0], np.cumsum(new_counts)))
            take = np.repeat(ptr[:-1][order], new_counts) + (
                np.arange(int(new_ptr[-1])) - np.repeat(new_ptr[:-1], new_counts)
            )
            ids, seqs, lengths, counts, tokens = ids[order], seqs[order], lengths[order], new_counts, tokens[take]
        documents, where_seq = np.unique(seqs, return_inverse=True)
        names = dict(
            self.conn.execute(
                "SELECT seq, id FROM documents WHERE seq IN (SELECT value FROM json_each(?))",
                [json.dumps(documents.tolist())],
            ).fetchall()
        )
        document_ids = np.array([names[seq] for seq in documents.tolist()], dtype=object)[where_seq.reshape(-1)]
        return ids, document_ids, lengths, counts, tokens

    def agreement_spans(self, annotators: Sequence[str], labels: Sequence[str]) -> tuple[object, list[str]]:
        """The annotators' spans, done sentences or not (the caller keeps the done ones).

        Returns (spans, labels): spans as an (n, 5) int64 array of (sentence_id,
        annotator index, start, end, label index), indices into `annotators` and into
        the returned labels: the given ones, then any other label found, sorted.
        """
        if not annotators:
            raise ValueError("no annotators given")
        import numpy as np

        # "+annotator": scan the covering (sentence, annotator, offsets, label) index
        # rather than look rows up through spans_by_annotator.
        where = f"+annotator IN ({','.join('?' * len(annotators))})"
        names = list(labels)
        who_base = len(annotators) + 1
        while True:
            who, who_params = self._codes("annotator", annotators, 1)
            what, what_params = self._codes("label", names, 1)
            what_base = len(names) + 1
            # Three numbers per span rather than five: fewer to format and parse.
            packed = self._int_rows(
                [f"sentence_id * {who_base} + {who}", "char_start", f"char_end * {what_base} + {what}"],
                f"FROM spans WHERE {where}", [*who_params, *what_params, *annotators],
            )
            sentence, annotator = np.divmod(packed[:, 0], who_base)
            end, label = np.divmod(packed[:, 2], what_base)
            spans = np.stack([sentence, annotator - 1, packed[:, 1], end, label - 1], axis=1)
            if not (spans[:, 4] < 0).any():
                return spans, names
            names += sorted(
                row[0]
                for row in self.conn.execute(
                    f"SELECT DISTINCT label FROM spans WHERE {where} AND label NOT IN ({','.join('?' * len(names))})",
                    [*annotators, *names],
                )
            )

    def agreement_judgments(self, annotators: Sequence[str], values: Sequence[str]) -> tuple[object, list[str]]:
        """The annotators' judgments, except those on sentences they skipped.

        Returns (judgments, values): an (n, 3) int64 array of (sentence_id, annotator
        index, value index), indices into `annotators` and into the returned values: the
        given ones, then any other value found, sorted.
        """
        if not annotators:
            raise ValueError("no annotators given")
        where = (
            f"annotator IN ({','.join('?' * len(annotators))}) AND judgment IS NOT NULL"
            " AND status IS NOT 'skipped'"
        )
        names = list(values)
        while True:
            who, who_params = self._codes("annotator", annotators, 1)
            what, what_params = self._codes("judgment", names, 1)
            judgments = self._int_rows(
                ["sentence_id", f"{who} - 1", f"{what} - 1"],
                f"FROM sentence_status WHERE {where}", [*who_params, *what_params, *annotators],
            )
            if not (judgments[:, 2] < 0).any():
                return judgments, names
            names += sorted(
                row[0]
                for row in self.conn.execute(
                    f"SELECT DISTINCT judgment FROM sentence_status WHERE {where}"
                    f" AND judgment NOT IN ({','.join('?' * len(names))})",
                    [*annotators, *names],
                )
            )

    def agreement_documents(self, sentence_ids: Sequence[int]) -> list[tuple[int, str]]:
        """(sentence_id, document_id) of the given sentences, in corpus order."""
        return self.conn.execute(
            "SELECT s.id, s.document_id FROM sentences s JOIN documents d ON d.id = s.document_id"
            " WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY d.seq, s.idx",
            [json.dumps([int(i) for i in sentence_ids])],
        ).fetchall()

    @property
    def units(self) -> WriteUnits:
        """Write units: batched big writes that land all-or-nothing (annotator.store_units)."""
        from .store_units import WriteUnits

        return WriteUnits(self)



def _parse_ints(text: str | bytes | None) -> object:
    """A comma-separated string of integers (a group_concat) as an int64 numpy array."""
    import numpy as np

    if not text:
        return np.zeros(0, dtype=np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.fromstring(text if isinstance(text, (str, bytes)) else str(text), dtype=np.int64, sep=",")


_SEMICOLON_TO_COMMA = bytes.maketrans(b";", b",")


def _token_offsets(joined: str, n: int) -> tuple[object, object]:
    """`n` token arrays as stored ([[0,5],[6,10]]) joined by ';': (token count of each
    array, (m, 2) int64 offsets of every token)."""
    import numpy as np

    counts = numbers = None
    if joined.isascii():  # as written by model.tokens_json: digits, brackets and commas
        raw = joined.encode("ascii")
        chars = np.frombuffer(raw, dtype=np.uint8)
        opens = np.flatnonzero(chars == ord("["))
        between = np.searchsorted(opens, np.flatnonzero(chars == ord(";")))
        # Each array has one bracket more than pairs.
        counts = np.diff(between, prepend=0, append=len(opens)) - 1
        flat = raw.translate(_SEMICOLON_TO_COMMA, b"[]")
        if not counts.all():  # empty arrays leave empty fields
            flat = re.sub(rb",,+", b",", flat).strip(b",")
        numbers = _parse_ints(flat)
    if counts is None or len(counts) != n or numbers.size != 2 * int(counts.sum()):
        # pragma: no cover - not the usual form: parse each array
        arrays = json.loads(f"[{joined.replace(';', ',')}]")
        counts = np.array([len(a) for a in arrays], dtype=np.int64)
        numbers = np.array([v for a in arrays for pair in a for v in pair], dtype=np.int64)
    return counts, numbers.reshape(-1, 2)


# ---------------------------------------------------------------- row mapping

_DOCUMENT_COLUMNS = (
    "id, text, title, source, url, date, metadata, content_hash, sentence_count, token_count, seq, imported_at"
)
_SENTENCE_COLUMNS = "id, document_id, idx, doc_start, doc_end, text, tokens"
_SPAN_COLUMNS = (
    "id, sentence_id, annotator, char_start, char_end, label, origin, quoted, lexicon_term,"
    " suggestion_id, note, created_at, agreed_by, resolution"
)
_JUDGMENT_COLUMNS = (
    "sentence_id, annotator, status, judgment, flagged, note, suggestion_mode, first_shown_at,"
    " finished_at, judgment_agreed_by, judgment_resolution"
)


def _document(row: tuple) -> Document:
    return Document(
        id=row[0], text=row[1], title=row[2], source=row[3], url=row[4], date=row[5],
        metadata=json.loads(row[6]), content_hash=row[7], sentence_count=row[8], token_count=row[9],
        seq=row[10], imported_at=row[11],
    )  # fmt: skip


def _sentence(row: tuple) -> Sentence:
    return Sentence(
        id=row[0], document_id=row[1], index=row[2], doc_start=row[3], doc_end=row[4], text=row[5],
        tokens=[tuple(pair) for pair in json.loads(row[6])],  # type: ignore[misc]
    )  # fmt: skip


def _span(row: tuple) -> SpanAnnotation:
    return SpanAnnotation(
        id=row[0], sentence_id=row[1], annotator=row[2], start=row[3], end=row[4], label=row[5],
        origin=row[6], quoted=bool(row[7]), lexicon_term=row[8], suggestion_id=row[9], note=row[10],
        created_at=row[11], agreed_by=_names(row[12]), resolution=row[13],
    )  # fmt: skip


def _judgment(row: tuple) -> Judgment:
    return Judgment(
        sentence_id=row[0], annotator=row[1], status=row[2], judgment=row[3], flagged=bool(row[4]),
        note=row[5], suggestion_mode=row[6], first_shown_at=row[7], finished_at=row[8],
        judgment_agreed_by=_names(row[9]), judgment_resolution=row[10],
    )  # fmt: skip


def _alternatives(joined: str) -> tuple[str, ...]:
    # Split on "|" except inside a phrase's ( ) group, as the lexicon CSV does.
    parts, depth, current = [], 0, []
    for ch in joined:
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return tuple(part for part in parts if part)


def _suggestion(row: tuple) -> Suggestion:
    return Suggestion(
        id=row[0], sentence_id=row[1], start=row[2], end=row[3], label=row[4], term=row[5],
        quoted=bool(row[6]), detector=row[7], decision=row[8],
    )  # fmt: skip


# ------------------------------------------------------------------ file checks


def _check_is_sqlite(path: Path) -> None:
    if path.is_dir():
        raise AnnotatorError(f"{path} is a folder, not a project database")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise AnnotatorError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if header and header != _SQLITE_MAGIC:
        raise AnnotatorError(f"{path} is not an annotator project (not an SQLite database)")


def _readonly_uri(path: Path) -> str:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    # A WAL database is read through its -shm file. SQLite cannot create one in a folder
    # we may not write to, and beside a read-only file it creates one that is read-only
    # too, which then blocks the owner's writes once the file is writable again. With no
    # -wal file, no writer is active and the main file holds everything: read it as
    # immutable, which needs neither.
    if not _writable(path) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


def _writable(path: Path) -> bool:
    # WAL mode needs to create -wal and -shm files beside the database.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
