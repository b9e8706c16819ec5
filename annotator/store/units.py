"""Write units: how a big writer commits in short batches and still lands all-or-nothing.

An import commits each batch of documents in its own short transaction, so that an
annotator's single-row write waits for the write lock at most one batch. The file it
belongs to must still appear whole or not at all, so its rows carry the number of a
*unit* (a `write_units` row) and the `documents` and `sentences` views, which every
reader reads, leave them out while the unit's row exists (the rule is
`annotator.migrations.VISIBLE`, written once). Publishing deletes the unit's row: one
short transaction, however large the unit. Discarding marks the row, deletes the
unit's rows in short batches, and then the row itself.

A unit whose process died (SIGKILL, power loss) stays invisible; `recover()` discards
the units of dead processes on this host, and `Store.open` runs it for writers. The
process is recognised by its pid and start time, so a reused pid is not mistaken for
the writer.

`Lexicons.save` uses the same units for `lexicon load --replace`, and a merge for a
source's annotation rows as well (spans, sentence states, suggestions and their
decisions, events: the views of m013).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..clock import now_iso
from ..errors import InputError
from .room import Room
from .rows import SENTENCE_COLUMNS, to_sentence

if TYPE_CHECKING:
    from ..model import Sentence
    from . import Store

# Documents deleted per transaction when a unit is discarded.
DISCARD_DOCUMENTS = 64
# Annotation rows (of one table) deleted per transaction when a unit is discarded.
DISCARD_ROWS = 5000
# The annotation tables a merge's unit writes (m013), each before the ones it refers to.
ANNOTATION_ROW_TABLES = ("decision_rows", "span_rows", "sentence_status_rows", "event_rows", "suggestion_rows")
# The tables whose rows name an annotator (the foreign keys to annotators, and events).
ANNOTATOR_TABLES = ("decision_rows", "span_rows", "sentence_status_rows", "event_rows", "sentence_time", "assignments")
# Lexicon entries deleted per transaction when a unit is discarded.
DISCARD_ENTRIES = 2000
# A batched writer leaves the write lock free this long after each commit, so that
# annotators waiting in SQLite's busy handler (which polls every 25-50 ms at first)
# get their turn.
COMMIT_GAP_SECONDS = 0.05


class UnitBusy(InputError):
    """Another unit of the same kind is open (see WriteUnits.begin)."""


@dataclass(frozen=True)
class Unit:
    id: int
    kind: str
    label: str
    host: str
    pid: int
    process_start: str | None
    state: str
    documents: int
    sentences: int


def _process_start(pid: int) -> str | None:
    """The start time of a process (clock ticks since boot), or None where /proc has none."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def _alive(pid: int, start: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process, but alive
    return start is None or _process_start(pid) in (None, start)


class WriteUnits(Room):
    """The write units of one store (`store.units`)."""

    def begin(self, kind: str, label: str, *, discarding: bool = False, alone: bool = False) -> int:
        """Open a unit (committed at once, or with the caller's transaction) and return
        its number. A `discarding` unit hides rows that are to be removed. `alone`
        refuses (UnitBusy) while another unit of the same kind is open: two merges
        cannot see each other's hidden rows, so the second would miss what the first
        brings."""
        import socket  # here, not at the top: every writable open imports this module

        pid = os.getpid()
        with self.store.transaction():
            other = self._one("SELECT host, pid FROM write_units WHERE kind = ? LIMIT 1", [kind]) if alone else None
            if other is not None:
                raise UnitBusy(
                    f"another {kind} into this project is running (process {other[1]} on {other[0]}):"
                    " nothing done; run this one again when it has ended"
                )
            cursor = self.store.conn.execute(
                "INSERT INTO write_units (kind, label, host, pid, process_start, started_at, state)"
                " VALUES (?,?,?,?,?,?,?)",
                [
                    kind,
                    label,
                    socket.gethostname(),
                    pid,
                    _process_start(pid),
                    now_iso(),
                    "discarding" if discarding else "open",
                ],
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def publish(self, unit: int) -> None:
        """Make the unit's rows visible, all at once."""
        with self.store.transaction():
            self.store.conn.execute("DELETE FROM write_units WHERE id = ? AND state = 'open'", [unit])

    def discard(self, unit: int) -> None:
        """Remove the unit's rows in short transactions; they stay invisible throughout."""
        conn = self.store.conn
        with self.store.transaction():
            conn.execute("UPDATE write_units SET state = 'discarding' WHERE id = ?", [unit])
        while True:
            with self.store.transaction():
                if self._discard_some(unit):
                    continue
                self._take_back_annotators(unit)
                conn.execute("DELETE FROM write_units WHERE id = ?", [unit])
                # Nothing refers to a discarded unit's number any more, so the last one
                # given out is taken back: a refused import leaves the file as it was.
                # (Only published numbers must never come back.)
                conn.execute("UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'write_units' AND seq = ?", [unit])
                conn.execute("DELETE FROM sqlite_sequence WHERE name = 'write_units' AND seq = 0")
                return

    def _discard_some(self, unit: int) -> bool:
        """Delete one batch of the unit's rows; False when none is left."""
        conn = self.store.conn
        for table in ANNOTATION_ROW_TABLES:
            deleted = conn.execute(
                f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE unit = ? LIMIT ?)",
                [unit, DISCARD_ROWS],
            )
            if deleted.rowcount:
                return True
        seqs = [
            row[0]
            for row in conn.execute("SELECT seq FROM document_rows WHERE unit = ? LIMIT ?", [unit, DISCARD_DOCUMENTS])
        ]
        if seqs:
            marks = ",".join("?" * len(seqs))
            documents = f"SELECT id FROM document_rows WHERE seq IN ({marks})"
            sentences = f"SELECT id FROM sentence_rows WHERE document_id IN ({documents})"
            # Children first: the foreign keys hold at every statement.
            conn.execute(f"DELETE FROM suggestion_rows WHERE sentence_id IN ({sentences})", seqs)
            conn.execute(f"DELETE FROM sentence_rows WHERE document_id IN ({documents})", seqs)
            conn.execute(f"DELETE FROM document_rows WHERE seq IN ({marks})", seqs)
            return True
        entries = conn.execute(
            "DELETE FROM lexicon_entries WHERE id IN (SELECT e.id FROM lexicon_entries e"
            " JOIN lexicon_rows l ON l.id = e.lexicon_id WHERE l.unit = ? LIMIT ?)",
            [unit, DISCARD_ENTRIES],
        )
        if entries.rowcount:
            return True
        return conn.execute("DELETE FROM lexicon_rows WHERE unit = ?", [unit]).rowcount > 0

    def _take_back_annotators(self, unit: int) -> None:
        """The annotators the unit added (`write_units.annotators`) that nothing here
        refers to and nobody put on the roster."""
        unused = " ".join(
            f"AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.annotator = annotators.name)"
            for table in ANNOTATOR_TABLES
        )
        self.store.conn.execute(
            "DELETE FROM annotators WHERE name IN (SELECT value FROM json_each((SELECT annotators FROM write_units"
            f" WHERE id = ?))) AND on_roster = 0 {unused}"
            " AND NOT EXISTS (SELECT 1 FROM serve_links x WHERE x.name = annotators.name)",
            [unit],
        )

    @contextmanager
    def unit(self, kind: str, label: str) -> Iterator[int]:
        """A unit published when the block ends, discarded if it raises."""
        unit = self.begin(kind, label)
        try:
            yield unit
        except BaseException:
            self.discard(unit)
            raise
        self.publish(unit)

    def open_units(self) -> list[Unit]:
        return [
            Unit(*row)
            for row in self.store.conn.execute(
                "SELECT id, kind, label, host, pid, process_start, state, documents, sentences FROM write_units"
                " ORDER BY id"
            )
        ]

    def recover(self) -> list[Unit]:
        """Discard the units left by processes of this host that are gone; returns them."""
        if self.store.readonly:
            return []
        units = self.open_units()
        if not units:
            return []
        import socket  # here, not at the top: see begin()

        host = socket.gethostname()
        dead = [u for u in units if u.host == host and not _alive(u.pid, u.process_start)]
        for unit in dead:
            self.discard(unit.id)
        return dead

    def sentence_page(self, after_id: int, limit: int) -> list[Sentence]:
        """Up to `limit` visible sentences after id `after_id`, in id order: a pass over
        the corpus that commits between pages holds no cursor open across them."""
        return [
            to_sentence(row)
            for row in self.conn.execute(
                f"SELECT {SENTENCE_COLUMNS} FROM sentences WHERE id > ? ORDER BY id LIMIT ?", [after_id, limit]
            )
        ]


class PacedTransactions:
    """A big writer's short transactions, each taken only after the write lock was left
    free for `gap` seconds since the previous one committed (see wait_for_turn)."""

    def __init__(self, store: Store, gap: float = COMMIT_GAP_SECONDS) -> None:
        self.store, self.gap, self.last_commit = store, gap, 0.0

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        wait_for_turn(self.store, self.last_commit, self.gap)
        with self.store.transaction():
            yield self.store
        self.last_commit = time.monotonic()


def wait_for_turn(store: Store, last_commit: float, gap: float) -> None:
    """Leave the write lock free for `gap` seconds after the last commit: SQLite's busy
    handler polls at growing intervals (up to 100 ms), so a writer that takes the lock
    back at once can starve a waiting annotator for a long time. The pause first moves
    the WAL into the database (a passive checkpoint, which takes no write lock), so that
    an annotator's commit does not meet an automatic checkpoint of the big writer's pages."""
    if store.conn.in_transaction:
        # Called inside a caller's transaction (a test building a project, a merge step):
        # the lock is held throughout anyway, and a checkpoint there fails as "locked".
        return
    if store.path is not None and not store.readonly:
        store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    pause = last_commit + gap - time.monotonic()
    if pause > 0:
        time.sleep(pause)
