"""A project database written by the first schema (m001), with a little of everything in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from annotator import migrations

TEXT = "Kata pengecut itu."


def write_m001_project(path: Path, wal: bool = False) -> sqlite3.Connection | None:
    """Write the project. With `wal`, in WAL mode, and the connection is returned still
    open with nothing checkpointed: the rows are in the -wal file only, as when the
    tool that wrote them is still running (close it when done)."""
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    db = Database(conn)
    migrations.migrations.apply(db, stop_before="m002_gold_provenance")
    assert [m.name for m in migrations.migrations.applied(db)] == ["m001_initial"]
    db.execute("INSERT INTO project (key, value) VALUES ('name', 'lama'), ('tagset_name', 'ts')")
    db.execute("INSERT INTO labels VALUES ('loaded_language', '1', '#e5534b', 'd', 0)")
    db.execute(
        "INSERT INTO documents (seq, id, title, text, content_hash, sentence_count, token_count, imported_at)"
        f" VALUES (1, 'd1', 'Judul', '{TEXT}', 'h', 1, 4, '2026-01-01T00:00:00.000Z')"
    )
    db.execute(f"INSERT INTO sentences VALUES (1, 'd1', 0, 0, 18, '{TEXT}', '[[0,4],[5,13],[14,17],[17,18]]')")
    db.execute("INSERT INTO annotators VALUES ('ana', '2026-01-01T00:00:00.000Z')")
    db.execute(
        "INSERT INTO spans (sentence_id, annotator, char_start, char_end, label, origin, created_at)"
        " VALUES (1, 'ana', 5, 13, 'loaded_language', 'manual', '2026-01-01T00:00:00.000Z')"
    )
    db.execute(
        "INSERT INTO sentence_status (sentence_id, annotator, status, judgment) VALUES (1, 'ana', 'done', 'biased')"
    )
    db.conn.commit()
    if wal:
        return conn
    conn.close()
    return None
