"""Whether a SQLite file holds tables of its own: read before anything writes to it.

`Store.open` refuses a file that holds tables but no framing-annotator schema (another
application's database) before its first write, so such a file stays byte-identical.
"""

from __future__ import annotations

import sqlite3


def user_tables(conn: sqlite3.Connection) -> list[str]:
    """Names of the file's tables, SQLite's own (sqlite_sequence, sqlite_stat1) left out."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            " ORDER BY name"
        )
    ]
