"""The team's time on screen and the lead's read model (issue 14): status counts, time,
flags and notes, gold checks, and the per-sentence work that disagreement is measured
on. Part of `store.team` (team.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..migrations import VISIBLE
from ..model import GOLD
from ..team.timing import visit_seconds
from .room import Room


class TeamStatus(Room):
    def add_visit(self, sentence_id: int, annotator: str, seconds: float) -> None:
        """Add one visit's seconds (capped at the idle limit) to a sentence's time on screen."""
        with self.store.transaction():
            self.conn.execute(
                "INSERT INTO sentence_time (sentence_id, annotator, seconds, visits) VALUES (?, ?, ?, 1)"
                " ON CONFLICT (sentence_id, annotator) DO UPDATE SET seconds = seconds + excluded.seconds,"
                " visits = visits + 1",
                [sentence_id, annotator, visit_seconds(seconds)],
            )

    def touch_finished(self, sentence_id: int, annotator: str, at: str) -> None:
        """A done sentence edited again was finished again, now (call inside the edit's transaction)."""
        self.conn.execute(
            "UPDATE sentence_status_rows SET finished_at = ? WHERE sentence_id = ? AND annotator = ? AND status = 'done'"
            f" AND {VISIBLE}",
            [at, sentence_id, annotator],
        )

    # ------------------------------------------------------------ lead's view

    def status_counts(self) -> dict[tuple[str, bool], dict[str, int]]:
        """Done, skipped and flagged sentences per (annotator, inside her assigned documents)."""
        return {
            (name, bool(assigned)): {"done": int(done or 0), "skipped": int(skipped or 0), "flags": int(flags or 0)}
            for name, assigned, done, skipped, flags in self.conn.execute(
                """
                SELECT st.annotator, a.annotator IS NOT NULL,
                       SUM(st.status = 'done'), SUM(st.status = 'skipped'), SUM(st.flagged)
                FROM sentence_status st JOIN sentences s ON s.id = st.sentence_id
                LEFT JOIN assignments a ON a.document_id = s.document_id AND a.annotator = st.annotator
                WHERE st.annotator != ?
                GROUP BY st.annotator, a.annotator IS NOT NULL
                """,
                [GOLD],
            )
        }

    def assigned_totals(self) -> dict[str, tuple[int, int]]:
        return {
            r[0]: (int(r[1]), int(r[2]))
            for r in self.conn.execute("SELECT annotator, COUNT(*), SUM(sentences) FROM assignments GROUP BY annotator")
        }

    def active_seconds(self) -> dict[str, float]:
        return {
            r[0]: float(r[1])
            for r in self.conn.execute("SELECT annotator, SUM(seconds) FROM sentence_time GROUP BY annotator")
        }

    def recent_seconds(self, annotator: str, limit: int) -> list[float]:
        """Time on screen of her last `limit` finished sentences."""
        return [
            float(r[0])
            for r in self.conn.execute(
                "SELECT COALESCE(t.seconds, 0) FROM sentence_status st"
                " LEFT JOIN sentence_time t ON t.sentence_id = st.sentence_id AND t.annotator = st.annotator"
                " WHERE st.annotator = ? AND st.status = 'done' AND st.finished_at IS NOT NULL"
                " ORDER BY st.finished_at DESC LIMIT ?",
                [annotator, limit],
            )
        ]

    def last_active(self) -> dict[str, str]:
        return {
            r[0]: r[1]
            for r in self.conn.execute(
                "SELECT annotator, at FROM events WHERE id IN (SELECT MAX(id) FROM events GROUP BY annotator)"
            )
        }

    def gold_check_work(self, annotator: str) -> list[tuple[list[tuple[int, int]], list, list]]:
        """On her gold-check documents, per sentence she has done: tokens, her spans, gold's spans."""
        found = []
        for (document_id,) in self.conn.execute(
            "SELECT document_id FROM assignments WHERE annotator = ? AND gold_check = 1", [annotator]
        ):
            done = {
                r[0]
                for r in self.conn.execute(
                    "SELECT st.sentence_id FROM sentence_status st JOIN sentences s ON s.id = st.sentence_id"
                    " WHERE s.document_id = ? AND st.annotator = ? AND st.status = 'done'",
                    [document_id, annotator],
                )
            }
            if not done:
                continue
            ids = [
                r[0]
                for r in self.conn.execute("SELECT id FROM sentences WHERE document_id = ? ORDER BY idx", [document_id])
            ]
            work = self.document_work(document_id, [annotator, GOLD])
            found += [
                (tokens, spans[annotator], spans[GOLD])
                for sid, (tokens, spans, _) in zip(ids, work, strict=True)
                if sid in done
            ]
        return found

    def flags(self) -> list[tuple[str, int, str, str | None]]:
        """Flagged sentences: (document, sentence index, annotator, note), in corpus order."""
        return [
            (r[0], int(r[1]), r[2], r[3])
            for r in self.conn.execute(
                "SELECT s.document_id, s.idx, st.annotator, st.note FROM sentence_status st"
                " JOIN sentences s ON s.id = st.sentence_id JOIN documents d ON d.id = s.document_id"
                " WHERE st.flagged = 1 AND st.annotator != ? ORDER BY d.seq, s.idx, st.annotator",
                [GOLD],
            )
        ]

    def flagged_sentences(self, annotators: Sequence[str]) -> set[int]:
        """Sentences any of `annotators` flagged."""
        marks = ",".join("?" * len(annotators))
        return {
            r[0]
            for r in self.conn.execute(
                f"SELECT DISTINCT sentence_id FROM sentence_status WHERE flagged = 1 AND annotator IN ({marks})",
                list(annotators),
            )
        }

    def sentence_notes(self, sentence_id: int) -> list[tuple[str, bool, str | None, list[tuple[int, int, str, str]]]]:
        """Every annotator's flag, sentence note and span notes for one sentence (gold excluded)."""
        states = {
            r[0]: (bool(r[1]), r[2])
            for r in self.conn.execute(
                "SELECT annotator, flagged, note FROM sentence_status WHERE sentence_id = ? AND annotator != ?",
                [sentence_id, GOLD],
            )
        }
        notes: dict[str, list[tuple[int, int, str, str]]] = {}
        for name, start, end, label, note in self.conn.execute(
            "SELECT annotator, char_start, char_end, label, note FROM spans"
            " WHERE sentence_id = ? AND annotator != ? AND note IS NOT NULL AND note != '' ORDER BY char_start",
            [sentence_id, GOLD],
        ):
            notes.setdefault(name, []).append((start, end, label, note))
        return [(name, *states.get(name, (False, None)), notes.get(name, [])) for name in sorted({*states, *notes})]

    def modes_by_sentence(self, annotators: Sequence[str]) -> tuple[list[int], list[int]]:
        """Sentences done by at least two of `annotators` where every one who did it saw
        suggestions (mode on), and where none did (mode off)."""
        marks = ",".join("?" * len(annotators))
        on, off = [], []
        for sentence_id, n, n_on, n_off in self.conn.execute(
            "SELECT sentence_id, COUNT(*), SUM(suggestion_mode = 'on'), SUM(suggestion_mode = 'off')"
            f" FROM sentence_status WHERE status = 'done' AND annotator IN ({marks}) GROUP BY sentence_id"
            " HAVING COUNT(*) >= 2",
            list(annotators),
        ):
            if n_on == n:
                on.append(sentence_id)
            elif n_off == n:
                off.append(sentence_id)
        return on, off

    def document_work(
        self, document_id: str, annotators: Sequence[str]
    ) -> list[tuple[list[tuple[int, int]], dict[str, list[tuple[int, int, str]]], dict[str, str | None]]]:
        """Per sentence of a document: its tokens, each annotator's spans and judgment
        (the read model `team.disagreement` takes)."""
        marks = ",".join("?" * len(annotators))
        sentences = list(
            self.conn.execute("SELECT id, tokens FROM sentences WHERE document_id = ? ORDER BY idx", [document_id])
        )
        spans: dict[int, dict[str, list[tuple[int, int, str]]]] = {}
        for sentence_id, name, start, end, label in self.conn.execute(
            "SELECT sp.sentence_id, sp.annotator, sp.char_start, sp.char_end, sp.label FROM spans sp"
            f" JOIN sentences s ON s.id = sp.sentence_id WHERE s.document_id = ? AND sp.annotator IN ({marks})",
            [document_id, *annotators],
        ):
            spans.setdefault(sentence_id, {}).setdefault(name, []).append((start, end, label))
        judgments: dict[int, dict[str, str | None]] = {}
        for sentence_id, name, value in self.conn.execute(
            "SELECT st.sentence_id, st.annotator, st.judgment FROM sentence_status st"
            f" JOIN sentences s ON s.id = st.sentence_id WHERE s.document_id = ? AND st.annotator IN ({marks})",
            [document_id, *annotators],
        ):
            judgments.setdefault(sentence_id, {})[name] = value
        return [
            (
                [tuple(t) for t in json.loads(tokens)],
                {name: spans.get(sentence_id, {}).get(name, []) for name in annotators},
                {name: judgments.get(sentence_id, {}).get(name) for name in annotators},
            )
            for sentence_id, tokens in sentences
        ]
