"""Span agreement between two annotators as F1, on arrays.

Each side is a set of spans (unit, start, end, label): `unit` is the sentence (or any
segment) the half-open offsets refer to; labels are integer codes. Neither side is
the reference, so every F1 here is symmetric.

- exact F1: a span matches when the other side has the same unit, start, end and
  label. F1 = 2 |A & B| / (|A| + |B|).
- overlap F1: precision is the share of B's spans that overlap (share at least one
  character with) a span of A with the same label, recall the share of A's spans that
  overlap one of B's; F1 is their harmonic mean.
- unlabelled F1: exact F1 on (unit, start, end), labels ignored; a side's spans with the
  same offsets and different labels count once.

F1 is NaN when neither side has a span (nothing to agree on) and 0 when only one side
has spans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SpanArrays:
    unit: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray

    @classmethod
    def of(cls, unit, start, end, label) -> SpanArrays:
        arrays = [np.asarray(x, dtype=np.int64).reshape(-1) for x in (unit, start, end, label)]
        if len({len(a) for a in arrays}) != 1:
            raise ValueError("unit, start, end and label must have the same length")
        spans = cls(*arrays)
        if len(spans) and (spans.end <= spans.start).any():
            raise ValueError("every span needs start < end")
        return spans

    @classmethod
    def empty(cls) -> SpanArrays:
        return cls.of([], [], [], [])

    def __len__(self) -> int:
        return len(self.unit)

    def select(self, mask: np.ndarray) -> SpanArrays:
        return SpanArrays(self.unit[mask], self.start[mask], self.end[mask], self.label[mask])


@dataclass(frozen=True)
class SpanF1:
    exact_f1: float
    overlap_f1: float
    unlabelled_f1: float
    spans_a: int
    spans_b: int
    # label code -> (exact F1, overlap F1) on that label's spans alone
    per_label: dict[int, tuple[float, float]] = field(default_factory=dict)


def span_keys(*columns: np.ndarray) -> np.ndarray:
    """One int64 key per row of non-negative integer columns (equal rows, equal keys)."""
    if not columns or len(columns[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    key = np.zeros(len(columns[0]), dtype=np.int64)
    bound = 1
    for column in columns:
        if column.min() < 0:
            raise ValueError("span fields must be non-negative")
        radix = int(column.max()) + 1
        bound *= radix
        if bound >= 2**62:  # too wide to pack: rank the rows instead
            _, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
            return inverse.reshape(-1).astype(np.int64)
        key = key * radix + column
    return key


def _joint_keys(a: SpanArrays, b: SpanArrays, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    both = [np.concatenate((getattr(a, f), getattr(b, f))) for f in fields]
    key = span_keys(*both)
    return key[: len(a)], key[len(a) :]


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. (numpy 2.4's plain np.unique is far slower than a sort.)"""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _check_unique(keys: np.ndarray, side: str) -> None:
    if len(distinct(keys)) != len(keys):
        raise ValueError(f"duplicate spans on side {side}: the same span is listed twice")


def _f1_from_matches(matches: int, n_a: int, n_b: int) -> float:
    if n_a + n_b == 0:
        return float("nan")
    return 2.0 * matches / (n_a + n_b)


def overlapping(query: SpanArrays, reference: SpanArrays) -> np.ndarray:
    """For each query span: does a reference span in the same unit, with the same label, overlap it?"""
    if len(query) == 0 or len(reference) == 0:
        return np.zeros(len(query), dtype=bool)
    group_q, group_r = _joint_keys(query, reference, ("unit", "label"))
    width = int(max(query.end.max(), reference.end.max())) + 1
    order = np.lexsort((reference.start, group_r))
    g = group_r[order]
    # Composite (group, position) keys stay sorted; a running max of composite ends
    # gives, within a group, the furthest end among spans starting so far.
    if int(max(g.max(), group_q.max()) + 1) * width >= 2**62:
        raise ValueError("spans too far apart to compare")
    starts = g * width + reference.start[order]
    reach = np.maximum.accumulate(g * width + reference.end[order])
    last = np.searchsorted(starts, group_q * width + query.end, side="left") - 1
    found = last >= 0
    safe = np.where(found, last, 0)
    same_group = g[safe] == group_q
    return found & same_group & (reach[safe] - group_q * width > query.start)


def _overlap_f1(found_a: np.ndarray, found_b: np.ndarray) -> float:
    if len(found_a) == 0 and len(found_b) == 0:
        return float("nan")
    if len(found_a) == 0 or len(found_b) == 0:
        return 0.0
    precision, recall = float(found_b.mean()), float(found_a.mean())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def span_f1(a: SpanArrays, b: SpanArrays, labels: Iterable[int] | None = None) -> SpanF1:
    """Exact, overlap and unlabelled F1 between two annotators' spans (duplicates rejected).

    `per_label` holds exact and overlap F1 for each label code in `labels` (default:
    the labels either side used).
    """
    labelled_a, labelled_b = _joint_keys(a, b, ("unit", "start", "end", "label"))
    _check_unique(labelled_a, "A")
    _check_unique(labelled_b, "B")
    _, matched, _ = np.intersect1d(labelled_a, labelled_b, assume_unique=True, return_indices=True)
    exact = _f1_from_matches(len(matched), len(a), len(b))

    bounds_a, bounds_b = _joint_keys(a, b, ("unit", "start", "end"))
    bounds_a, bounds_b = distinct(bounds_a), distinct(bounds_b)
    unlabelled = _f1_from_matches(len(np.intersect1d(bounds_a, bounds_b)), len(bounds_a), len(bounds_b))

    found_a, found_b = overlapping(a, b), overlapping(b, a)
    per_label: dict[int, tuple[float, float]] = {}
    codes = sorted(set(a.label.tolist()) | set(b.label.tolist())) if labels is None else list(labels)
    matched_labels = a.label[matched]
    for code in codes:
        in_a, in_b = a.label == code, b.label == code
        per_label[code] = (
            _f1_from_matches(int((matched_labels == code).sum()), int(in_a.sum()), int(in_b.sum())),
            _overlap_f1(found_a[in_a], found_b[in_b]),
        )
    return SpanF1(exact, _overlap_f1(found_a, found_b), unlabelled, len(a), len(b), per_label)
