"""The base of the store's rooms: one object per table family, on the store's connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
    from contextlib import AbstractContextManager

    from . import Store


class Room:
    """A table family's queries. It holds no state of its own: everything is the
    store's (its connection, its transactions), so rooms never disagree."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    def transaction(self) -> AbstractContextManager[Store]:
        return self.store.transaction()

    def _one(self, sql: str, params: Sequence | dict = ()) -> tuple | None:
        return self.store.conn.execute(sql, params).fetchone()

    def _scalar(self, sql: str, params: Sequence | dict = ()) -> object:
        row = self.store.conn.execute(sql, params).fetchone()
        return row[0] if row else None
