"""The project's meta data (the `project` key-value table) and its tag set (the `labels`
table and the judgment scheme kept in meta), as `Store` reads and writes them."""

from __future__ import annotations

import json
import sqlite3

from ..clock import now_iso
from ..model import JudgmentScheme, Label, Tagset
from .rows import compact_json


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM project WHERE key = ?", [key]).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)", [key, value])


def initialize(conn: sqlite3.Connection, name: str, tagset: Tagset) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)",
        [("name", name), ("created_at", now_iso())],
    )
    write_tagset(conn, tagset)


def write_tagset(conn: sqlite3.Connection, tagset: Tagset) -> None:
    conn.execute("DELETE FROM labels")
    conn.executemany(
        "INSERT INTO labels (name, key, color, description, position) VALUES (?, ?, ?, ?, ?)",
        [(lb.name, lb.key, lb.color, lb.description, i) for i, lb in enumerate(tagset.labels)],
    )
    j = tagset.judgment
    conn.executemany(
        "INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)",
        [
            ("tagset_name", tagset.name),
            ("judgment", compact_json({"name": j.name, "level": j.level, "values": list(j.values)})),
        ],
    )


def read_tagset(conn: sqlite3.Connection) -> Tagset:
    labels = tuple(
        Label(*row) for row in conn.execute("SELECT name, key, color, description FROM labels ORDER BY position")
    )
    judgment = json.loads(get_meta(conn, "judgment") or "{}")
    return Tagset(
        get_meta(conn, "tagset_name") or "",
        labels,
        JudgmentScheme(
            judgment.get("name", "judgment"),
            judgment.get("level", "nominal"),
            tuple(judgment.get("values", ())),
        ),
    )
