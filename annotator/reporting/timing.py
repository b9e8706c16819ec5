"""Time on task as the report and the statistics screen count it (no numpy: the UI imports it)."""

from __future__ import annotations

from datetime import datetime

# One idle limit for the lead's view and the report (see team/timing.py for why).
from ..team.timing import IDLE_LIMIT_SECONDS as IDLE_CAP_SECONDS


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
