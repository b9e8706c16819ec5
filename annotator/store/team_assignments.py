"""The team's assignments (issue 14): which documents each annotator has, in which order,
their queue, and adaptive overlap's extra assignments. Part of `store.team` (team.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..clock import now_iso
from ..model import GOLD
from ..team.assignment import Plan, Row
from ..team.queue import QueueEntry
from .room import Room

ADAPTIVE_KEY = "team.adaptive"
_ROW_COLUMNS = "document_id, annotator, sentences, position, calibration, gold_check, origin"


def _row(row: tuple) -> Row:
    return Row(row[0], row[1], int(row[2]), float(row[3]), bool(row[4]), bool(row[5]), row[6])


class TeamAssignments(Room):
    def rows(self, annotator: str | None = None) -> list[Row]:
        where, params = ("WHERE annotator = ?", [annotator]) if annotator is not None else ("", [])
        return [_row(r) for r in self.conn.execute(f"SELECT {_ROW_COLUMNS} FROM assignments {where}", params)]

    def has_assignments(self) -> bool:
        return self.conn.execute("SELECT 1 FROM assignments LIMIT 1").fetchone() is not None

    def document_sizes(self) -> list[tuple[str, int]]:
        """(document id, sentences) in import order. Counted from the sentences' index
        and ordered by the documents' key, so no document's text is read."""
        counts = dict(self.conn.execute("SELECT document_id, COUNT(*) FROM sentences GROUP BY document_id"))
        return [(d, int(counts.get(d, 0))) for (d,) in self.conn.execute("SELECT id FROM documents ORDER BY seq")]

    def started_documents(self) -> set[str]:
        """Documents in which some annotator (not gold) has a sentence shown or finished."""
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT s.document_id FROM sentence_status st JOIN sentences s ON s.id = st.sentence_id"
                " WHERE st.annotator != ?",
                [GOLD],
            )
        }

    def adjudicated_documents(self) -> list[str]:
        """Documents with gold on every sentence, in import order."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT s.document_id FROM sentences s"
                " LEFT JOIN sentence_status st ON st.sentence_id = s.id AND st.annotator = ? AND st.status = 'done'"
                " JOIN documents d ON d.id = s.document_id"
                " GROUP BY s.document_id HAVING COUNT(st.sentence_id) = COUNT(*) ORDER BY MIN(d.seq)",
                [GOLD],
            )
        ]

    def apply(self, plan: Plan) -> None:
        """Write a plan in one transaction."""
        at = now_iso()
        with self.store.transaction():
            self.conn.executemany(
                "DELETE FROM assignments WHERE document_id = ? AND annotator = ?",
                [(r.document_id, r.annotator) for r in plan.removed],
            )
            self.conn.executemany(
                f"INSERT INTO assignments ({_ROW_COLUMNS}, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.document_id,
                        r.annotator,
                        r.sentences,
                        r.position,
                        int(r.calibration),
                        int(r.gold_check),
                        r.origin,
                        at,
                    )
                    for r in plan.added
                ],
            )
            self.conn.execute(
                "UPDATE annotators SET assigned_sentences ="
                " (SELECT COALESCE(SUM(sentences), 0) FROM assignments WHERE annotator = annotators.name)"
            )

    def adaptive(self) -> tuple[int, float] | None:
        """(max annotators, threshold) when adaptive overlap is on."""
        value = self.store.get_meta(ADAPTIVE_KEY)
        if not value:
            return None
        settings = json.loads(value)
        return int(settings["max"]), float(settings["threshold"])

    def set_adaptive(self, maximum: int | None, threshold: float | None) -> None:
        value = "" if maximum is None else json.dumps({"max": maximum, "threshold": threshold})
        self.store.set_meta(ADAPTIVE_KEY, value)

    def loads(self) -> dict[str, int]:
        """Assigned sentences per annotator (kept on the annotators' rows)."""
        return dict(self.conn.execute("SELECT name, assigned_sentences FROM annotators WHERE assigned_sentences > 0"))

    # ------------------------------------------------------------------- queue

    def queue(self, annotator: str) -> list[QueueEntry]:
        return [
            QueueEntry(r[0], float(r[1]), bool(r[2]), int(r[3]))
            for r in self.conn.execute(
                "SELECT document_id, position, calibration, sentences FROM assignments WHERE annotator = ?",
                [annotator],
            )
        ]

    def done_by_document(self, annotator: str, statuses: Sequence[str] = ("done",)) -> dict[str, int]:
        marks = ",".join("?" * len(statuses))
        return dict(
            self.conn.execute(
                "SELECT s.document_id, COUNT(*) FROM sentence_status st JOIN sentences s ON s.id = st.sentence_id"
                f" WHERE st.annotator = ? AND st.status IN ({marks}) GROUP BY s.document_id",
                [annotator, *statuses],
            )
        )

    def document_of(self, sentence_id: int) -> str | None:
        row = self.conn.execute("SELECT document_id FROM sentences WHERE id = ?", [sentence_id]).fetchone()
        return row[0] if row else None

    def assigned_to(self, document_id: str) -> list[Row]:
        return [
            _row(r)
            for r in self.conn.execute(f"SELECT {_ROW_COLUMNS} FROM assignments WHERE document_id = ?", [document_id])
        ]

    def finished_counts(self, document_id: str, annotators: Sequence[str]) -> dict[str, int]:
        """Sentences of a document each annotator has marked done or skipped."""
        marks = ",".join("?" * len(annotators))
        return dict(
            self.conn.execute(
                "SELECT st.annotator, COUNT(*) FROM sentences s JOIN sentence_status st ON st.sentence_id = s.id"
                f" WHERE s.document_id = ? AND st.annotator IN ({marks}) AND st.status IN ('done', 'skipped')"
                " GROUP BY st.annotator",
                [document_id, *annotators],
            )
        )

    def add_adaptive(self, document_id: str, annotator: str, sentences: int) -> None:
        with self.store.transaction():
            end = self.conn.execute(
                "SELECT COALESCE(MAX(position), -1) FROM assignments WHERE annotator = ? AND calibration = 0",
                [annotator],
            ).fetchone()[0]
            added = self.conn.execute(
                f"INSERT OR IGNORE INTO assignments ({_ROW_COLUMNS}, assigned_at) VALUES (?, ?, ?, ?, 0, 0, 'adaptive', ?)",
                [document_id, annotator, sentences, float(end) + 1, now_iso()],
            ).rowcount
            self.conn.execute(
                "UPDATE annotators SET assigned_sentences = assigned_sentences + ? WHERE name = ?",
                [sentences * added, annotator],
            )
