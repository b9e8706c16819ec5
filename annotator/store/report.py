"""The reads `annotator report` needs beyond the agreement arrays (a read model for one consumer).

Every read is one query returning plain tuples; none is per token. Tables that the team
feature adds (`sentence_time`, the annotators' `suggestions` condition) may be absent,
and the reads that use them then return nothing, so the report degrades instead of failing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .room import Room


class Report(Room):
    def _has(self, table: str, column: str | None = None) -> bool:
        columns = [row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")]
        return bool(columns) and (column is None or column in columns)

    @staticmethod
    def _names(annotators: Sequence[str]) -> str:
        return json.dumps(list(annotators))

    def statuses(
        self, annotators: Sequence[str]
    ) -> list[tuple[int, str, str | None, str | None, str | None, str | None]]:
        """(sentence_id, annotator, status, suggestion_mode, first_shown_at, finished_at) in corpus order."""
        return self.conn.execute(
            "SELECT st.sentence_id, st.annotator, st.status, st.suggestion_mode, st.first_shown_at, st.finished_at"
            " FROM sentence_status st JOIN sentences s ON s.id = st.sentence_id"
            " JOIN documents d ON d.id = s.document_id"
            " WHERE st.annotator IN (SELECT value FROM json_each(?)) ORDER BY d.seq, s.idx",
            [self._names(annotators)],
        ).fetchall()

    def label_counts(self, annotators: Sequence[str]) -> list[tuple[str, str, int]]:
        """(annotator, label, spans) over the sentences the annotator marked done."""
        return self.conn.execute(
            "SELECT sp.annotator, sp.label, COUNT(*) FROM spans sp JOIN sentence_status st"
            " ON st.sentence_id = sp.sentence_id AND st.annotator = sp.annotator AND st.status = 'done'"
            " WHERE sp.annotator IN (SELECT value FROM json_each(?)) GROUP BY 1, 2 ORDER BY 1, 2",
            [self._names(annotators)],
        ).fetchall()

    def spans_per_sentence(self, annotators: Sequence[str]) -> list[tuple[str, int, int]]:
        """(annotator, spans on a done sentence, how many done sentences have that many)."""
        return self.conn.execute(
            "SELECT annotator, n, COUNT(*) FROM (SELECT st.annotator, st.sentence_id,"
            " (SELECT COUNT(*) FROM spans sp WHERE sp.sentence_id = st.sentence_id"
            "  AND sp.annotator = st.annotator) AS n"
            " FROM sentence_status st WHERE st.status = 'done' AND st.annotator IN (SELECT value FROM json_each(?)))"
            " GROUP BY 1, 2 ORDER BY 1, 2",
            [self._names(annotators)],
        ).fetchall()

    def decisions(self, annotators: Sequence[str]) -> list[tuple[str, str, int]]:
        """(annotator, accepted|rejected, count) of suggestion decisions."""
        return self.conn.execute(
            "SELECT annotator, decision, COUNT(*) FROM suggestion_decisions"
            " WHERE annotator IN (SELECT value FROM json_each(?)) GROUP BY 1, 2 ORDER BY 1, 2",
            [self._names(annotators)],
        ).fetchall()

    def suggestions_shown(self, annotators: Sequence[str]) -> list[tuple[str, int]]:
        """(annotator, suggestions on the sentences they finished with suggestions on)."""
        return self.conn.execute(
            "SELECT st.annotator, COUNT(sg.id) FROM sentence_status st JOIN suggestions sg"
            " ON sg.sentence_id = st.sentence_id WHERE st.status = 'done' AND st.suggestion_mode = 'on'"
            " AND st.annotator IN (SELECT value FROM json_each(?)) GROUP BY 1 ORDER BY 1",
            [self._names(annotators)],
        ).fetchall()

    def sentence_seconds(self, annotators: Sequence[str]) -> list[tuple[int, str, float]] | None:
        """(sentence_id, annotator, capped seconds on screen) where the team's timing exists, else None."""
        if not self._has("sentence_time"):
            return None
        return self.conn.execute(
            "SELECT sentence_id, annotator, seconds FROM sentence_time"
            " WHERE annotator IN (SELECT value FROM json_each(?)) AND seconds > 0",
            [self._names(annotators)],
        ).fetchall()

    def conditions(self, annotators: Sequence[str]) -> dict[str, tuple[str | None, float | None]]:
        """annotator -> (fixed suggestion mode, random share) where the team's conditions exist."""
        if not self._has("annotators", "suggestions"):
            return {}
        share = "suggestion_share" if self._has("annotators", "suggestion_share") else "NULL"
        rows = self.conn.execute(
            f"SELECT name, suggestions, {share} FROM annotators WHERE name IN (SELECT value FROM json_each(?))",
            [self._names(annotators)],
        ).fetchall()
        return {name: (mode, value) for name, mode, value in rows}

    def sentence_texts(self, sentence_ids: Sequence[int]) -> dict[int, str]:
        return dict(
            self.conn.execute(
                "SELECT id, text FROM sentences WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps([int(i) for i in sentence_ids])],
            ).fetchall()
        )
