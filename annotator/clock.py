"""Timestamps as stored: ISO 8601 in UTC with milliseconds, e.g. 2026-11-21T05:10:00.123Z."""

from datetime import datetime, timezone


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def compact_utc_stamp() -> str:
    """For file names: 20261121T051000Z."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
