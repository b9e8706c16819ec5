"""The team room: roster, assignments, time on screen, flags (issue 14), as `store.team`.

Decisions (who gets what, what counts as disagreement) are made in `annotator.team`;
this room only reads and writes the rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..clock import now_iso
from ..model import GOLD
from ..team.assignment import Plan, Row
from ..team.queue import QueueEntry
from ..team.roster import Member, RosterError, check_new_name
from ..team.timing import visit_seconds
from .room import Room

ADAPTIVE_KEY = "team.adaptive"
_MEMBER_COLUMNS = "name, role, active, suggestions, suggestion_share"
_ROW_COLUMNS = "document_id, annotator, sentences, position, calibration, gold_check, origin"


def _member(row: tuple) -> Member:
    return Member(row[0], row[1], bool(row[2]), row[3], row[4])


def _row(row: tuple) -> Row:
    return Row(row[0], row[1], int(row[2]), float(row[3]), bool(row[4]), bool(row[5]), row[6])


class Team(Room):
    # ------------------------------------------------------------------ roster

    def roster(self) -> list[Member]:
        return [
            _member(row)
            for row in self.conn.execute(f"SELECT {_MEMBER_COLUMNS} FROM annotators WHERE on_roster = 1 ORDER BY name")
        ]

    def has_roster(self) -> bool:
        return self.conn.execute("SELECT 1 FROM annotators WHERE on_roster = 1 LIMIT 1").fetchone() is not None

    def member(self, name: str) -> Member | None:
        row = self.conn.execute(
            f"SELECT {_MEMBER_COLUMNS} FROM annotators WHERE name = ? AND on_roster = 1", [name]
        ).fetchone()
        return _member(row) if row else None

    def names(self) -> list[str]:
        """Everyone who has a row, on the roster or not (gold excluded)."""
        return [r[0] for r in self.conn.execute("SELECT name FROM annotators WHERE name != ?", [GOLD])]

    def add(self, names: Iterable[str], role: str) -> list[str]:
        """Put people on the roster (a name already used keeps its work). Returns the names stored."""
        added: list[str] = []
        with self.store.transaction():
            existing = self.names()
            for raw in names:
                name = check_new_name(raw, [*existing, *added])
                member = self.member(name)
                if member is not None and member.active and member.role == role:
                    raise RosterError(f"{name!r} is already on the roster")
                self.conn.execute(
                    "INSERT INTO annotators (name, created_at, on_roster, role, active) VALUES (?, ?, 1, ?, 1)"
                    " ON CONFLICT (name) DO UPDATE SET on_roster = 1, role = excluded.role, active = 1",
                    [name, now_iso(), role],
                )
                added.append(name)
        return added

    def retire(self, name: str) -> None:
        with self.store.transaction():
            self._require(name)
            self.conn.execute("UPDATE annotators SET active = 0 WHERE name = ?", [name])

    def set_condition(self, name: str, mode: str, share: float | None) -> None:
        with self.store.transaction():
            self._require(name)
            self.conn.execute(
                "UPDATE annotators SET suggestions = ?, suggestion_share = ? WHERE name = ?", [mode, share, name]
            )

    def _require(self, name: str) -> Member:
        member = self.member(name)
        if member is None:
            raise RosterError(f"{name!r} is not on the roster (see 'annotator team list')")
        return member

    def last_mode(self, name: str) -> str | None:
        value = self.conn.execute("SELECT last_suggestions FROM annotators WHERE name = ?", [name]).fetchone()
        return value[0] if value else None

    def remember_mode(self, name: str, mode: str) -> None:
        with self.store.transaction():
            self.conn.execute(
                "INSERT INTO annotators (name, created_at, last_suggestions) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET last_suggestions = excluded.last_suggestions",
                [name, now_iso(), mode],
            )

    # ------------------------------------------------------------- assignments

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

    # -------------------------------------------------------------------- time

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
            "UPDATE sentence_status SET finished_at = ? WHERE sentence_id = ? AND annotator = ? AND status = 'done'",
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
