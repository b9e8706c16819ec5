"""Lexicons: named lists of loaded-language terms, with their entries."""

from __future__ import annotations

from collections.abc import Sequence

from ..clock import now_iso
from ..errors import AnnotatorError
from ..model import Lexicon, LexiconEntry
from .room import Room
from .rows import LEXICON_ENTRY_COLUMNS, LEXICON_ENTRY_INSERT, lexicon_entry_values, to_lexicon_entry
from .units import COMMIT_GAP_SECONDS, PacedTransactions

# Entries written per transaction when a lexicon is saved.
LEXICON_BATCH = 2000


class Lexicons(Room):
    def all(self) -> list[Lexicon]:
        rows = self.conn.execute(
            "SELECT l.id, l.name, l.path, l.loaded_at, COUNT(e.id) FROM lexicons l"
            " LEFT JOIN lexicon_entries e ON e.lexicon_id = l.id GROUP BY l.id ORDER BY l.id"
        )
        return [Lexicon(id=row[0], name=row[1], path=row[2], loaded_at=row[3], entries=row[4]) for row in rows]

    def save(
        self, name: str, entries: Sequence[LexiconEntry], path: str | None = None, *, replace: bool = False
    ) -> Lexicon:
        """Store a lexicon with its entries. A lexicon of the same name is refused, or
        replaced as a whole with `replace`.

        The entries go in under a hidden lexicon (a write unit, `store.units`) in short
        transactions of LEXICON_BATCH; one short transaction then shows it under its
        name and hides the one it replaces, whose rows are removed afterwards in
        batches. Readers see the old lexicon or the new one, whole."""
        units = self.store.units
        if not replace:
            self._refuse_existing(name)
        unit = units.begin("lexicon", name)
        retired = None
        try:
            with self.transaction():
                # A name no reader sees: the real one may still be the old lexicon's.
                lexicon_id = self.conn.execute(
                    "INSERT INTO lexicon_rows (name, path, loaded_at, unit) VALUES (?, ?, ?, ?)",
                    [f"{name}\x00loading {unit}", path, now_iso(), unit],
                ).lastrowid
            assert lexicon_id is not None
            paced = PacedTransactions(self.store, COMMIT_GAP_SECONDS)
            for first in range(0, len(entries), LEXICON_BATCH):
                with paced.transaction():
                    self._insert_entries(lexicon_id, entries[first : first + LEXICON_BATCH])
            with self.transaction():
                old = self._scalar("SELECT id FROM lexicons WHERE name = ?", [name])
                if old is not None:
                    if not replace:
                        self._refuse_existing(name)
                    retired = units.begin("lexicon", name, discarding=True)
                    self.conn.execute(
                        "UPDATE lexicon_rows SET unit = ?, name = ? WHERE id = ?",
                        [retired, f"{name}\x00replaced {retired}", old],
                    )
                self.conn.execute("UPDATE lexicon_rows SET name = ? WHERE id = ?", [name, lexicon_id])
                units.publish(unit)
        except BaseException:
            units.discard(unit)
            raise
        if retired is not None:
            units.discard(retired)
        return next(lexicon for lexicon in self.all() if lexicon.name == name)

    def _refuse_existing(self, name: str) -> None:
        if self._scalar("SELECT 1 FROM lexicons WHERE name = ?", [name]):
            raise AnnotatorError(f"the project already has a lexicon {name!r}: pass --replace to replace it")

    def add_entry(self, lexicon: str, entry: LexiconEntry) -> LexiconEntry:
        """Add one entry to a lexicon, creating the lexicon if needed."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO lexicon_rows (name, path, loaded_at) VALUES (?, NULL, ?)", [lexicon, now_iso()]
            )
            lexicon_id = self._scalar("SELECT id FROM lexicons WHERE name = ?", [lexicon])
            assert isinstance(lexicon_id, int)
            entry_id = self._insert_entries(lexicon_id, [entry])[0]
        return next(e for e in self.entries(lexicon) if e.id == entry_id)

    def _insert_entries(self, lexicon_id: int, entries: Sequence[LexiconEntry]) -> list[int]:
        ids = []
        for e in entries:
            cursor = self.conn.execute(LEXICON_ENTRY_INSERT, lexicon_entry_values(lexicon_id, e))
            assert cursor.lastrowid is not None
            ids.append(cursor.lastrowid)
        return ids

    def entries(self, lexicon: str | None = None) -> list[LexiconEntry]:
        """Entries of one lexicon, or of all of them, in load order."""
        where, params = ("WHERE l.name = ?", [lexicon]) if lexicon is not None else ("", [])
        rows = self.conn.execute(
            f"SELECT {LEXICON_ENTRY_COLUMNS} FROM lexicon_entries e JOIN lexicons l ON l.id = e.lexicon_id"
            f" {where} ORDER BY l.id, e.id",
            params,
        )
        return [to_lexicon_entry(row) for row in rows]

    def delete_entries(self, entry_ids: Sequence[int]) -> None:
        with self.transaction():
            self.conn.executemany("DELETE FROM lexicon_entries WHERE id = ?", [[i] for i in entry_ids])

    def neutral(self, term: str, label: str) -> str | None:
        """The neutral alternative a lexicon gives for a term, if any."""
        value = self._scalar(
            # Through the lexicons view: not from a lexicon still being loaded.
            "SELECT e.neutral FROM lexicon_entries e JOIN lexicons l ON l.id = e.lexicon_id"
            " WHERE e.term = ? AND e.label = ? AND e.neutral != '' LIMIT 1",
            [term, label],
        )
        return None if value is None else str(value)

    def note(self, term: str, label: str) -> str | None:
        """The lexicon's note on a term (why it is loaded, when to reject it), if any."""
        value = self._scalar(
            "SELECT e.note FROM lexicon_entries e JOIN lexicons l ON l.id = e.lexicon_id"
            " WHERE e.term = ? AND e.label = ? AND e.note != '' LIMIT 1",
            [term, label],
        )
        return None if value is None else str(value)
