"""Candidates and the automatic pre-fill rules, with provenance.

A candidate is one distinct (start, end, label) span and the annotators who gave it.
`majority` takes a candidate given by more than half of the annotators who finished the
sentence; a tie is not a majority, so it is left to the curator. `unanimous` needs all
of them. Judgments follow the same rules over the annotators' judgment values; an
annotator with no judgment counts against every value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..model import SpanAnnotation

AutoRule = Literal["majority", "unanimous", "none"]
AUTO_RULES: tuple[str, ...] = ("majority", "unanimous", "none")


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    annotators: tuple[str, ...]

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


def group_candidates(spans: Iterable[SpanAnnotation]) -> list[Candidate]:
    """Distinct spans across annotators, in reading order, each with who gave it."""
    givers: dict[tuple[int, int, str], set[str]] = {}
    for span in spans:
        givers.setdefault((span.start, span.end, span.label), set()).add(span.annotator)
    return [Candidate(start, end, label, tuple(sorted(names))) for (start, end, label), names in sorted(givers.items())]


def required_votes(rule: AutoRule, annotator_count: int) -> int | None:
    """Votes a candidate needs under `rule`, or None when the rule takes nothing."""
    if rule == "none" or annotator_count == 0:
        return None
    if rule == "unanimous":
        return annotator_count
    if rule == "majority":
        return annotator_count // 2 + 1
    raise ValueError(f"unknown rule {rule!r}")


def auto_spans(candidates: Iterable[Candidate], annotator_count: int, rule: AutoRule) -> list[Candidate]:
    need = required_votes(rule, annotator_count)
    if need is None:
        return []
    return [c for c in candidates if len(c.annotators) >= need]


def auto_judgment(judgments: Mapping[str, str | None], rule: AutoRule) -> tuple[str, tuple[str, ...]] | None:
    """The judgment the rule settles on, with who gave it; None on a tie or no agreement.

    `judgments` maps every annotator who finished the sentence to their value (or None).
    """
    need = required_votes(rule, len(judgments))
    if need is None:
        return None
    counts = Counter(value for value in judgments.values() if value is not None)
    if not counts:
        return None
    (value, votes), *rest = counts.most_common()
    if votes < need or (rest and rest[0][1] == votes):
        return None
    return value, tuple(sorted(name for name, v in judgments.items() if v == value))


def disagreement_score(candidates: Iterable[Candidate], judgments: Mapping[str, str | None]) -> float:
    """How disputed a sentence is: spans not given by everyone, plus a split judgment.

    Used to order the queue with `--order disagreement`; 0 means full agreement.
    """
    n = len(judgments)
    if n == 0:
        return 0.0
    span_part = sum(1.0 - len(c.annotators) / n for c in candidates)
    values = [v for v in judgments.values()]
    judgment_part = 0.0 if len(set(values)) <= 1 else 1.0 - Counter(values).most_common(1)[0][1] / n
    return span_part + judgment_part
