"""Suggestions: the lexicon's proposed spans on each sentence, and every annotator's
accept or reject of them."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Sequence

from ..clock import now_iso
from ..errors import RestoreRefused
from ..migrations import VISIBLE
from ..model import Suggestion, SuggestionTally
from .room import Room
from .rows import to_suggestion


class Suggestions(Room):
    def for_sentence(self, sentence_id: int, annotator: str | None = None) -> list[Suggestion]:
        """Suggestions of a sentence, with the given annotator's decision if any."""
        rows = self.conn.execute(
            "SELECT sg.id, sg.sentence_id, sg.char_start, sg.char_end, sg.label, sg.term, sg.quoted,"
            " sg.detector, sd.decision, sg.reason, sg.score FROM suggestions sg"
            " LEFT JOIN suggestion_decisions sd ON sd.suggestion_id = sg.id AND sd.annotator = ?"
            " WHERE sg.sentence_id = ? ORDER BY sg.char_start, sg.char_end, sg.label, sg.term",
            [annotator, sentence_id],
        )
        return [to_suggestion(row) for row in rows]

    def add(self, suggestions: Iterable[Suggestion]) -> None:
        """Insert suggestions; one that already exists (same identity) is left as it is."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR IGNORE INTO suggestion_rows (sentence_id, char_start, char_end, label, term, quoted,"
                " detector, reason, score) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (g.sentence_id, g.start, g.end, g.label, g.term, int(g.quoted), g.detector, g.reason, g.score)
                    for g in suggestions
                ],
            )

    def set_decision(self, suggestion_id: int, annotator: str, decision: str | None) -> None:
        """Record an annotator's accept/reject of a suggestion; None clears it (undo)."""
        with self.transaction():
            if decision is None:
                self.conn.execute(
                    f"DELETE FROM decision_rows WHERE suggestion_id = ? AND annotator = ? AND {VISIBLE}",
                    [suggestion_id, annotator],
                )
                return
            self.conn.execute(
                "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [annotator, now_iso()]
            )
            try:
                self.conn.execute(
                    "INSERT OR REPLACE INTO decision_rows (suggestion_id, annotator, decision, decided_at)"
                    " VALUES (?, ?, ?, ?)",
                    [suggestion_id, annotator, decision, now_iso()],
                )
            except sqlite3.IntegrityError:
                # Its id is never reused (m006), so a missing suggestion was removed by
                # a re-run of `suggest`: the decision has nothing left to apply to.
                raise RestoreRefused(f"suggestion {suggestion_id} is gone (the lexicon was run again)") from None

    def sync(
        self, sentence_ids: Sequence[int], suggestions: Iterable[Suggestion], sources: Collection[str] | None = None
    ) -> tuple[int, int, int]:
        """Make the suggestions of these sentences exactly `suggestions`.

        With `sources`, only suggestions from those sources (detector names) are touched:
        re-running the lexicon leaves the model's and outside tools' suggestions alone.
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
                    "SELECT id, sentence_id, char_start, char_end, label, term, quoted, detector, reason, score"
                    f" FROM suggestions WHERE sentence_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ):
                    if sources is None or row[7] in sources:
                        existing[row[1:6]] = row
            stale = [[row[0]] for key, row in existing.items() if key not in wanted]
            changed = [
                [int(g.quoted), g.detector, g.reason, g.score, existing[key][0]]
                for key, g in wanted.items()
                if key in existing and tuple(existing[key][6:]) != (int(g.quoted), g.detector, g.reason, g.score)
            ]
            fresh = [g for key, g in wanted.items() if key not in existing]
            self.conn.executemany("DELETE FROM suggestion_rows WHERE id = ?", stale)
            self.conn.executemany(
                "UPDATE suggestion_rows SET quoted = ?, detector = ?, reason = ?, score = ? WHERE id = ?", changed
            )
            self.add(fresh)
        return len(fresh), len(stale), len(wanted) - len(fresh)

    def decided_forms(self) -> list[tuple[str, str, str, int, int]]:
        """(term, label, matched text, accepted, rejected) per lexicon suggestion anyone
        decided: how each surface form of an entry fares with reviewers."""
        rows = self.conn.execute(
            "SELECT sg.term, sg.label, substr(s.text, sg.char_start + 1, sg.char_end - sg.char_start),"
            " SUM(d.decision = 'accepted'), SUM(d.decision = 'rejected')"
            " FROM suggestions sg JOIN suggestion_decisions d ON d.suggestion_id = sg.id"
            " JOIN sentences s ON s.id = sg.sentence_id WHERE sg.detector = 'lexicon'"
            " GROUP BY sg.id"
        )
        return [tuple(row) for row in rows]

    def tallies(self) -> list[SuggestionTally]:
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
