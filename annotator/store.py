"""The project store: one SQLite file, and the only module in the package with SQL.

Every method returns model objects. Writes run in short `BEGIN IMMEDIATE`
transactions: an immediate write lock makes concurrent writers wait on the busy
timeout instead of failing with "database is locked" when a deferred read lock
cannot be upgraded. `transaction()` groups several writes into one.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from . import migrations as schema
from .clock import now_iso
from .errors import AnnotatorError, ProjectMissing, ReadOnlyStore, SchemaTooNew
from .model import (
    AnnotatorProgress,
    Document,
    Event,
    Judgment,
    JudgmentScheme,
    Label,
    Sentence,
    SpanAnnotation,
    Suggestion,
    Tagset,
)

BUSY_TIMEOUT_MS = 15_000
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _names(joined: str | None) -> tuple[str, ...]:
    return tuple(joined.split("|")) if joined else ()


class Store:
    def __init__(self, db: Database, path: Path | None = None, readonly: bool = False):
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.path = path
        self.readonly = readonly
        self._tagset: Tagset | None = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False, readonly: bool = False) -> Store:
        """Open a project database, migrating it to the current schema.

        `create=False` refuses a missing file without creating it. A file that cannot be
        written (read-only file or folder) opens read-only; check `store.readonly`.
        """
        path = Path(path)
        exists = path.exists()
        if not exists and not create:
            raise ProjectMissing(
                f"no project at {path}: run 'annotator init' or 'annotator import' first, or pass --db"
            )
        if exists:
            _check_is_sqlite(path)
            if not readonly and not _writable(path):
                readonly = True
        elif not path.parent.exists():
            raise AnnotatorError(f"cannot create {path}: folder {path.parent} does not exist")
        try:
            if readonly:
                conn = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                    check_same_thread=False,
                )
            else:
                conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            store = cls(Database(conn, execute_plugins=False), path, readonly)
            store._configure()
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise AnnotatorError(f"{path}: not a usable project database ({exc})") from None
        return store

    @classmethod
    def memory(cls) -> Store:
        """A migrated in-memory store, for tests and throwaway work."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        store = cls(Database(conn, execute_plugins=False))
        store._configure()
        store._migrate()
        return store

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

    def _migrate(self) -> None:
        applied = {m.name for m in schema.migrations.applied(self.db)}
        unknown = applied - set(schema.known_names())
        if unknown:
            raise SchemaTooNew(
                f"{self.path or 'database'} was written by a newer framing-annotator "
                f"(schema {', '.join(sorted(unknown))}); upgrade the tool to open it"
            )
        pending = schema.migrations.pending(self.db)
        if not pending:
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
            if schema.migrations.pending(self.db):
                schema.migrations.apply(self.db)

    def schema_version(self) -> list[str]:
        return [m.name for m in schema.migrations.applied(self.db)]

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    # ------------------------------------------------------------- transactions

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction; nested calls become savepoints of the outer one."""
        if self.readonly:
            raise ReadOnlyStore(f"{self.path} is open read-only: nothing can be saved")
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
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
        with self.transaction():
            imported_at = document.imported_at or now_iso()
            cursor = self.conn.execute(
                "INSERT INTO documents (id, title, source, url, date, metadata, text, content_hash,"
                " sentence_count, token_count, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    document.id,
                    document.title,
                    document.source,
                    document.url,
                    document.date,
                    _compact_json(document.metadata),
                    document.text,
                    document.content_hash,
                    len(sentences),
                    sum(len(s.tokens) for s in sentences),
                    imported_at,
                ],
            )
            document.seq = cursor.lastrowid
            first = self._scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM sentences")
            assert isinstance(first, int)
            self.conn.executemany(
                "INSERT INTO sentences (id, document_id, idx, doc_start, doc_end, text, tokens)"
                " VALUES (?,?,?,?,?,?,?)",
                [
                    (first + i, document.id, s.index, s.doc_start, s.doc_end, s.text, _compact_json(s.tokens))
                    for i, s in enumerate(sentences)
                ],
            )
            ids = list(range(first, first + len(sentences)))
            for sentence, sentence_id in zip(sentences, ids):
                sentence.id = sentence_id
            return ids

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
            for row in self.conn.execute(
                f"SELECT {_SENTENCE_COLUMNS} FROM sentences s"
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

    def status_counts(self, annotator: str) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT COALESCE(status, ''), COUNT(*) FROM sentence_status WHERE annotator = ? GROUP BY status",
            [annotator],
        )
        return {row[0]: row[1] for row in rows}

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


def _writable(path: Path) -> bool:
    # WAL mode needs to create -wal and -shm files beside the database.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
