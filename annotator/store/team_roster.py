"""The team's roster (issue 14): who is on it, in which role, under which suggestion
condition, and the mode each last worked in. Part of `store.team` (team.py)."""

from __future__ import annotations

from collections.abc import Iterable

from ..clock import now_iso
from ..model import GOLD
from ..team.roster import Member, RosterError, check_new_name
from .room import Room

_MEMBER_COLUMNS = "name, role, active, suggestions, suggestion_share"


def _member(row: tuple) -> Member:
    return Member(row[0], row[1], bool(row[2]), row[3], row[4])


class TeamRoster(Room):
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
