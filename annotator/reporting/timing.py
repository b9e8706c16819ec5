"""Time on task as the report and the statistics screen count it (no numpy: the UI imports it)."""

from __future__ import annotations

from datetime import datetime

# A sentence's time on task counts at most this long: whoever leaves the workspace open
# over lunch has not annotated for an hour. The same limit as the team timing's (issue 14).
IDLE_CAP_SECONDS = 120.0


def parse_stamp(stamp: str | None) -> float | None:
    """Seconds since the epoch of a stored ISO timestamp (2026-11-21T05:10:00.123Z), or None."""
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def active_seconds(shown: str | None, finished: str | None) -> float | None:
    """finished - shown, capped at the idle limit; None when either is missing or out of order."""
    start, end = parse_stamp(shown), parse_stamp(finished)
    if start is None or end is None or end < start:
        return None
    return min(end - start, IDLE_CAP_SECONDS)
