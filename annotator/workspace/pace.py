"""This sitting's pace for the statistics screen: how many sentences, how fast, how long to go.

A sitting is the annotator's latest run of work: the sentences they finished, going back
from the latest, until a break of BREAK_SECONDS or more between two of them. Each
sentence's time counts at most the report's idle cap, so a sitting's rate is the one
the report uses. No hook into the running session is needed: the store has the times.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..reporting.timing import active_seconds, parse_stamp
from ..store import Store

BREAK_SECONDS = 30 * 60


@dataclass(frozen=True)
class Pace:
    sentences: int  # finished in this sitting
    seconds: float  # active seconds in it (each sentence capped)
    remaining: int  # sentences of the project this annotator has not finished
    started_at: str | None

    @property
    def per_hour(self) -> float | None:
        return self.sentences * 3600.0 / self.seconds if self.seconds > 0 else None

    @property
    def eta_hours(self) -> float | None:
        rate = self.per_hour
        return self.remaining / rate if rate else None


def sitting(store: Store, annotator: str) -> Pace:
    rows = store.report.statuses([annotator])
    finished = sum(1 for row in rows if row[2] is not None)
    remaining = max(store.corpus.sentence_total() - finished, 0)
    visits = []
    for _, _, status, _, shown, ended in rows:
        end = parse_stamp(ended)
        if status is not None and end is not None:
            visits.append((end, active_seconds(shown, ended) or 0.0, ended))
    visits.sort()
    kept = []
    for end, spent, stamp in reversed(visits):
        if kept and kept[-1][0] - end >= BREAK_SECONDS:
            break
        kept.append((end, spent, stamp))
    return Pace(len(kept), sum(spent for _, spent, _ in kept), remaining, kept[-1][2] if kept else None)
