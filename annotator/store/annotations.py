"""What annotators write: the annotators themselves, their spans, their sentence states
(status, judgment, flag, note) and the event log, with the counts of their progress."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from ..clock import now_iso
from ..errors import RestoreRefused
from ..migrations import VISIBLE
from ..model import GOLD, AnnotatorProgress, Event, SentenceState, SpanAnnotation
from .room import Room
from .rows import (
    EVENT_COLUMNS,
    JUDGMENT_COLUMNS,
    SPAN_COLUMNS,
    compact_json,
    to_event,
    to_judgment,
    to_span,
)


class Annotations(Room):
    def ensure_annotator(self, name: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [name, now_iso()])

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
                "INSERT INTO span_rows (sentence_id, annotator, char_start, char_end, label, origin, quoted,"
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
                f"SELECT {SPAN_COLUMNS} FROM spans WHERE sentence_id = ? AND annotator = ?"
                " AND char_start = ? AND char_end = ? AND label = ?",
                [span.sentence_id, span.annotator, span.start, span.end, span.label],
            )
            assert row is not None
            return to_span(row)

    def get_span(self, span_id: int) -> SpanAnnotation | None:
        row = self._one(f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id])
        return to_span(row) if row else None

    def update_span(self, span_id: int, **changes: object) -> SpanAnnotation:
        columns = {
            "start": "char_start",
            "end": "char_end",
            "label": "label",
            "origin": "origin",
            "quoted": "quoted",
            "lexicon_term": "lexicon_term",
            "suggestion_id": "suggestion_id",
            "note": "note",
            "agreed_by": "agreed_by",
            "resolution": "resolution",
        }
        sets, params = [], []
        for field_name, value in changes.items():
            if field_name not in columns:
                raise ValueError(f"cannot update span field {field_name!r}")
            if field_name == "quoted":
                value = int(bool(value))
            elif field_name == "agreed_by":
                value = "|".join(value) or None
            sets.append(f"{columns[field_name]} = ?")
            params.append(value)
        with self.transaction():
            if sets:
                self.conn.execute(f"UPDATE span_rows SET {', '.join(sets)} WHERE id = ?", [*params, span_id])
            span = self.get_span(span_id)
        if span is None:
            raise KeyError(span_id)
        return span

    def delete_span(self, span_id: int) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM span_rows WHERE id = ?", [span_id])

    def restore_span(self, span: SpanAnnotation) -> SpanAnnotation:
        """Put a span back with its original id and fields (used by undo and redo).

        Ids are never reused (AUTOINCREMENT, m006), so the row under that id is this
        span or nothing. Still, a row of another annotator or sentence under the id, or
        the same span stored again under another id, is never overwritten: the restore
        is refused (RestoreRefused). A suggestion that is gone is unlinked.
        """
        with self.transaction():
            try:
                self.conn.execute(
                    "INSERT INTO span_rows (id, sentence_id, annotator, char_start, char_end, label, origin,"
                    " quoted, lexicon_term, suggestion_id, note, created_at, agreed_by, resolution)"
                    " VALUES (?,?,?,?,?,?,?,?,?,(SELECT id FROM suggestions WHERE id = ?),?,?,?,?)"
                    " ON CONFLICT (id) DO UPDATE SET char_start = excluded.char_start, char_end = excluded.char_end,"
                    " label = excluded.label, origin = excluded.origin, quoted = excluded.quoted,"
                    " lexicon_term = excluded.lexicon_term, suggestion_id = excluded.suggestion_id,"
                    " note = excluded.note, created_at = excluded.created_at, agreed_by = excluded.agreed_by,"
                    " resolution = excluded.resolution"
                    " WHERE span_rows.annotator = excluded.annotator AND span_rows.sentence_id = excluded.sentence_id",
                    [
                        span.id,
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
                        span.created_at or now_iso(),
                        "|".join(span.agreed_by) or None,
                        span.resolution,
                    ],
                )
            except sqlite3.IntegrityError:
                raise RestoreRefused(f"{span.annotator} already has this {span.label} span again") from None
            restored = self.get_span(span.id) if span.id is not None else None
            if restored is None or (restored.annotator, restored.sentence_id) != (span.annotator, span.sentence_id):
                raise RestoreRefused(f"span {span.id} now belongs to other work; nothing was overwritten")
        return restored

    def spans_for_sentence(self, sentence_id: int, annotator: str) -> list[SpanAnnotation]:
        return [
            to_span(row)
            for row in self.conn.execute(
                f"SELECT {SPAN_COLUMNS} FROM spans WHERE sentence_id = ? AND annotator = ?"
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
        columns = ", ".join(f"sp.{c.strip()}" for c in SPAN_COLUMNS.split(","))
        yield from (
            to_span(row)
            for row in self.conn.execute(
                f"SELECT {columns} FROM spans sp JOIN sentences s ON s.id = sp.sentence_id"
                f" JOIN documents d ON d.id = s.document_id {clause}"
                " ORDER BY d.seq, s.idx, sp.char_start, sp.char_end, sp.label, sp.annotator",
                params,
            )
        )

    # ---------------------------------------------------------------- judgments

    def get_judgment(self, sentence_id: int, annotator: str) -> SentenceState | None:
        row = self._one(
            f"SELECT {JUDGMENT_COLUMNS} FROM sentence_status WHERE sentence_id = ? AND annotator = ?",
            [sentence_id, annotator],
        )
        return to_judgment(row) if row else None

    def put_judgment(self, judgment: SentenceState) -> SentenceState:
        """Write one annotator's whole state for a sentence (insert or replace)."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)",
                [judgment.annotator, now_iso()],
            )
            self.conn.execute(
                f"INSERT OR REPLACE INTO sentence_status_rows ({JUDGMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
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
                    judgment.served_order,
                ],
            )
        return judgment

    def delete_judgment(self, sentence_id: int, annotator: str) -> None:
        with self.transaction():
            self.conn.execute(
                f"DELETE FROM sentence_status_rows WHERE sentence_id = ? AND annotator = ? AND {VISIBLE}",
                [sentence_id, annotator],
            )

    def iter_judgments(self, annotators: Sequence[str] | None = None) -> Iterator[SentenceState]:
        where, params = "", []
        if annotators is not None:
            where = f"WHERE st.annotator IN ({','.join('?' * len(annotators))})"
            params = list(annotators)
        columns = ", ".join(f"st.{c.strip()}" for c in JUDGMENT_COLUMNS.split(","))
        yield from (
            to_judgment(row)
            for row in self.conn.execute(
                f"SELECT {columns} FROM sentence_status st JOIN sentences s ON s.id = st.sentence_id"
                f" JOIN documents d ON d.id = s.document_id {where} ORDER BY d.seq, s.idx, st.annotator",
                params,
            )
        )

    # ------------------------------------------------------------------- events

    def append_event(self, event: Event) -> int:
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO event_rows (at, annotator, action, sentence_id, payload, origin) VALUES (?,?,?,?,?,?)",
                [
                    event.at or now_iso(),
                    event.annotator,
                    event.action,
                    event.sentence_id,
                    compact_json(event.payload),
                    event.origin,
                ],
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def events(self, annotator: str | None = None, limit: int | None = None) -> list[Event]:
        sql = f"SELECT {EVENT_COLUMNS} FROM events"
        params: list[object] = []
        if annotator is not None:
            sql += " WHERE annotator = ?"
            params.append(annotator)
        sql += " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [to_event(row) for row in self.conn.execute(sql, params)]

    # ---- adjudication: who finished what, and how far gold is

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
            "SELECT COALESCE(resolution, 'curated'), COUNT(*) FROM spans WHERE annotator = ?"
            " GROUP BY COALESCE(resolution, 'curated')",
            [GOLD],
        )
        return {row[0]: row[1] for row in rows}

    def status_counts(self, annotator: str) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT COALESCE(status, ''), COUNT(*) FROM sentence_status WHERE annotator = ? GROUP BY status",
            [annotator],
        )
        return {row[0]: row[1] for row in rows}

    def add_spans_if_new(self, spans: Iterable[SpanAnnotation]) -> int:
        """Insert spans in one transaction, skipping any whose identity (sentence,
        annotator, offsets, label) is already stored; returns how many were added.

        A span with origin 'suggestion' is linked to the suggestion with the same
        sentence, offsets, label and term, if there is one.
        """
        rows = [
            {
                "sentence_id": s.sentence_id,
                "annotator": s.annotator,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "origin": s.origin,
                "quoted": int(s.quoted),
                "term": s.lexicon_term,
                "suggestion_id": s.suggestion_id,
                "note": s.note,
                "created_at": s.created_at or now_iso(),
                "agreed_by": "|".join(s.agreed_by) or None,
                "resolution": s.resolution,
            }
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
                "INSERT INTO span_rows (sentence_id, annotator, char_start, char_end, label, origin, quoted,"
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
