"""Time on task: what the lead's view counts and how it extrapolates.

A visit is the time one sentence stays on screen. Each visit counts up to
IDLE_LIMIT_SECONDS: a reviewer who leaves the workspace open over lunch has not
annotated for an hour. Revisits add. The recent rate is taken over the last
RECENT_SENTENCES sentences finished, so the estimate follows today's pace rather than
the first day's.
"""

from __future__ import annotations

from collections.abc import Sequence

IDLE_LIMIT_SECONDS = 120.0
RECENT_SENTENCES = 200


def visit_seconds(seconds: float) -> float:
    """A visit's length as counted: never negative, at most the idle limit."""
    return max(0.0, min(float(seconds), IDLE_LIMIT_SECONDS))


def per_hour(sentences: int, seconds: float) -> float | None:
    return sentences * 3600.0 / seconds if seconds > 0 else None


def eta_seconds(remaining: int, recent: Sequence[float]) -> float | None:
    """Seconds left at the recent rate (`recent`: seconds spent on the latest finished sentences)."""
    if remaining <= 0:
        return 0.0
    spent = sum(recent)
    if not recent or spent <= 0:
        return None
    return remaining * spent / len(recent)
