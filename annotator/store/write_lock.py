"""Taking the write lock with notice: how a UI learns that a write has to wait.

A write normally just waits the busy timeout for another connection's write lock. The
workspace cannot let a key wait that long on its event loop, so its store carries a
`lock_wait_notice`: the write first tries for a short while (`LOCK_PROBE_MS`), gives
notice when the lock is still taken (the UI stops waiting for this write and shows
"saving…"), and then waits the full busy timeout as any write does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# How long a write with a notice waits for the lock before it gives notice.
LOCK_PROBE_MS = 50


def begin_immediate(conn: sqlite3.Connection, notice: Callable[[], None] | None, busy_timeout_ms: int) -> None:
    """BEGIN IMMEDIATE; with `notice`, call it once when the lock is not free at once."""
    if notice is None:
        conn.execute("BEGIN IMMEDIATE")
        return
    conn.execute(f"PRAGMA busy_timeout = {LOCK_PROBE_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        return
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:  # extended codes: BUSY_*
            raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    notice()
    conn.execute("BEGIN IMMEDIATE")
