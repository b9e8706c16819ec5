"""Krippendorff's alpha_U for unitizing a continuum.

Follows Krippendorff (1995, 2004: 251-256) as implemented by DKPro Agreement's
KrippendorffAlphaUnitizingAgreement (Meyer et al. 2014), and reproduces the values its
tests assert. Each category is a separate binary unitizing of the continuum:

- Every rater's units of category c, with the stretches between them (gaps), tile the
  continuum [begin, begin + length). Gaps are implied, never given: a gap is any stretch
  a rater did not mark with c, including the stretch before the first and after the
  last unit.
- Two units of c that overlap get (b1 - b2)^2 + (e1 - e2)^2 (start and end offsets); a
  unit lying wholly inside the other rater's gap gets its length squared; anything else
  (gap against gap, a unit partly covered) adds nothing. The observed disagreement
  D_O(c) sums this over all pairs of raters and all intersecting segments, divided by
  R (R - 1) L^2 / 2.
- The expected disagreement D_E(c) considers every placement of the observed units in
  the observed gaps (Krippendorff 2004, eq. 12.17 as DKPro computes it).
- alpha_U(c) = 1 - D_O(c) / D_E(c). The overall alpha_U is 1 - sum_c D_O(c) / sum_c D_E(c)
  over the categories that occur (DKPro averages both; the averages' ratio is the same).

Overlaps: units of different categories may overlap freely (categories are measured
separately). Units of the same category by the same rater must not overlap in
Krippendorff's model; here they are merged into their union first. Touching units
(one ends where the next begins) stay two units.

Arithmetic is exact (integers and fractions) until the final ratio, and vectorised with
numpy: the cost is O(n log n) in the number of units, not in the continuum length.

Deviation from DKPro: when D_E(c) is 0 (no possible disagreement) alpha_U(c) is NaN,
where DKPro returns 0.0 if D_O is 0 too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

import numpy as np


@dataclass(frozen=True)
class CategoryAlpha:
    observed: float
    expected: float
    alpha: float
    units: int


@dataclass(frozen=True)
class UnitizingResult:
    alpha: float
    observed: float
    expected: float
    categories: dict[int, CategoryAlpha] = field(default_factory=dict)


def segment_distance(
    offset1: int, length1: int, category1: object, offset2: int, length2: int, category2: object
) -> int:
    """Distance between two intersecting segments (category None = gap), as DKPro's measureDistance."""
    begin_diff = offset1 - offset2
    length_diff = length1 - length2
    if category1 is not None and category2 is not None and -length1 < begin_diff < length2:
        return begin_diff**2 + (begin_diff + length_diff) ** 2
    if category1 is not None and category2 is None and -length_diff >= begin_diff >= 0:
        return length1**2
    if category1 is None and category2 is not None and -length_diff <= begin_diff <= 0:
        return length2**2
    return 0


def alpha_u(
    begin: int,
    length: int,
    n_raters: int,
    rater: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    category: np.ndarray | None = None,
) -> UnitizingResult:
    """alpha_U of units (rater, start, end, category) on [begin, begin + length).

    Offsets are half-open; `category` holds integer codes (default: one category, 0).
    Overall alpha is NaN when no unit was marked.
    """
    rater = np.asarray(rater, dtype=np.int64)
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    category = np.zeros(len(start), np.int64) if category is None else np.asarray(category, dtype=np.int64)
    if n_raters < 2:
        raise ValueError("alpha_U needs at least two raters")
    if length <= 0:
        raise ValueError("the continuum must have a positive length")
    if not (len(rater) == len(start) == len(end) == len(category)):
        raise ValueError("rater, start, end and category must have the same length")
    if len(start):
        if (end <= start).any():
            raise ValueError("every unit needs start < end")
        if start.min() < begin or end.max() > begin + length:
            raise ValueError("a unit lies outside the continuum")
        if rater.min() < 0 or rater.max() >= n_raters:
            raise ValueError("rater index out of range")

    observed_total = Fraction(0)
    expected_total = Fraction(0)
    categories: dict[int, CategoryAlpha] = {}
    for code in sorted(set(category.tolist())):
        chosen = category == code
        units = [_merge(start[chosen & (rater == r)], end[chosen & (rater == r)]) for r in range(n_raters)]
        d_o = _observed(units, n_raters, length)
        d_e = _expected(units, n_raters, begin, length)
        observed_total += d_o
        expected_total += d_e
        categories[int(code)] = CategoryAlpha(
            observed=float(d_o),
            expected=float(d_e),
            alpha=_ratio(d_o, d_e),
            units=sum(len(s) for s, _ in units),
        )
    if not categories:
        return UnitizingResult(float("nan"), float("nan"), float("nan"), {})
    count = len(categories)
    return UnitizingResult(
        alpha=_ratio(observed_total, expected_total),
        observed=float(observed_total / count),
        expected=float(expected_total / count),
        categories=categories,
    )


def _ratio(observed: Fraction, expected: Fraction) -> float:
    if expected == 0:
        return float("nan")
    return float(1 - observed / expected)


def _merge(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort one rater's units of one category and merge overlapping ones into their union."""
    if len(start) == 0:
        return start, end
    order = np.lexsort((end, start))
    start, end = start[order], end[order]
    reach = np.maximum.accumulate(end)
    # A unit opens a new group unless it starts before everything so far has ended.
    opens = np.ones(len(start), dtype=bool)
    opens[1:] = start[1:] >= reach[:-1]
    group = np.cumsum(opens) - 1
    merged_start = start[opens]
    merged_end = np.zeros(len(merged_start), dtype=np.int64)
    np.maximum.at(merged_end, group, end)
    return merged_start, merged_end


def _exact_sum(values: np.ndarray) -> int:
    """Sum of non-negative int64 values without overflow."""
    if values.size == 0:
        return 0
    if int(values.max()) * values.size < 2**63:
        return int(values.sum())
    return sum(int(v) for v in values.tolist())


def _pair_disagreement(sa: np.ndarray, ea: np.ndarray, sb: np.ndarray, eb: np.ndarray) -> int:
    # Units of b overlapping each unit of a: [lo, hi) (each rater's units are disjoint and sorted).
    lo = np.searchsorted(eb, sa, side="right")
    hi = np.searchsorted(sb, ea, side="left")
    count = np.maximum(hi - lo, 0)
    total = _exact_sum((ea - sa)[count == 0] ** 2)  # a's units inside b's gaps
    back = np.searchsorted(sa, eb, side="left") - np.searchsorted(ea, sb, side="right")
    total += _exact_sum((eb - sb)[back <= 0] ** 2)  # b's units inside a's gaps
    n_pairs = int(count.sum())
    if n_pairs:
        ia = np.repeat(np.arange(len(sa)), count)
        first = np.repeat(np.cumsum(count) - count, count)
        ib = np.repeat(lo, count) + (np.arange(n_pairs) - first)
        total += _exact_sum((sa[ia] - sb[ib]) ** 2 + (ea[ia] - eb[ib]) ** 2)
    return total


def _observed(units: list[tuple[np.ndarray, np.ndarray]], n_raters: int, length: int) -> Fraction:
    total = 0
    for i, j in combinations(range(n_raters), 2):
        (sa, ea), (sb, eb) = units[i], units[j]
        total += _pair_disagreement(sa, ea, sb, eb)
    return Fraction(2 * total, n_raters * (n_raters - 1) * length * length)


def _expected(units: list[tuple[np.ndarray, np.ndarray]], n_raters: int, begin: int, length: int) -> Fraction:
    lengths = np.concatenate([e - s for s, e in units])
    gaps = []
    for s, e in units:
        bounds_start = np.concatenate(([begin], e))
        bounds_end = np.concatenate((s, [begin + length]))
        gap = bounds_end - bounds_start
        gaps.append(gap[gap > 0])
    gap = np.sort(np.concatenate(gaps))
    # suffix sums over the sorted gaps: for a unit of length l, sum over gaps g >= l of (g - l + 1)
    suffix_count = len(gap) - np.arange(len(gap) + 1)
    suffix_sum = np.concatenate((np.cumsum(gap[::-1])[::-1], [0]))
    n_c = len(lengths)
    distinct, multiplicity = np.unique(lengths, return_counts=True)
    first = np.searchsorted(gap, distinct, side="left")
    total = 0
    squared = 0
    for run, times, k in zip(distinct.tolist(), multiplicity.tolist(), first.tolist()):
        placements = int(suffix_sum[k]) + (1 - run) * int(suffix_count[k])
        within = (n_c - 1) * run * (run - 1) * (2 * run - 1) // 3
        total += times * (within + run * run * placements)
        squared += times * run * (run - 1)
    denominator = length * (n_raters * length * (n_raters * length - 1) - squared)
    if denominator == 0:
        return Fraction(0)
    return Fraction(2 * total, denominator)
