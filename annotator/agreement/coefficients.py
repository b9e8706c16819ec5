"""Agreement coefficients on a reliability matrix.

A reliability matrix has one row per rater and one column per unit. Cells hold integer
value codes 0..V-1 (an index into the value domain) or MISSING (-1). Everything here
is numpy: no store, no UI.

Units are first collapsed into *patterns*: the multiset of values a unit received.
Coefficients other than Cohen's kappa depend on a unit only through its pattern, and a
few hundred distinct patterns stand for a million units, which keeps alpha fast and
makes the bootstrap a multinomial draw over patterns (see `bootstrap`).

Definitions (m_u = number of values unit u received, n_uc = how many were value c):

- percent agreement: the mean over units with m_u >= 2 of the share of agreeing pairs
  of values, sum_c n_uc (n_uc - 1) / (m_u (m_u - 1)). With two raters and no missing
  data this is the share of units where they agree.
- Cohen's kappa (one pair): over the units both rated, (p_o - p_e) / (1 - p_e) with
  p_e from each rater's own marginals.
- Fleiss' kappa: over the units rated by *all* raters (the count is returned).
- Krippendorff's alpha: 1 - D_o / D_e from the coincidence matrix, as in
  Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"; units with fewer
  than two values are not pairable and drop out. Matches the `krippendorff` package.

A coefficient that is undefined (no data, or no variation, so 0/0) is NaN; callers turn
NaN into null plus a warning.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..model import JUDGMENT_LEVELS

MISSING = -1
METRICS: tuple[str, ...] = JUDGMENT_LEVELS

# Encode a unit's sorted values as one integer while (V + 1) ** R stays below this.
_MAX_CODE = 2**62
# Count codes with bincount (one array of this size) rather than a sort.
_MAX_BINCOUNT = 2**20


class DuplicateRecordError(ValueError):
    """The same rater gave the same unit two values."""


# ------------------------------------------------------------------- building


def reliability_matrix(
    records: Iterable[tuple[Hashable, Hashable, Hashable | None]],
    *,
    raters: Sequence[Hashable] | None = None,
    values: Sequence[Hashable] | None = None,
) -> tuple[np.ndarray, list, list, list]:
    """Build a matrix from (rater, unit, value) records; value None means missing.

    Returns (matrix, raters, units, values). A second record for the same rater and unit
    raises DuplicateRecordError: silently keeping both is how kappa ends up above 1.
    """
    rater_index: dict = {r: i for i, r in enumerate(raters or ())}
    value_index: dict = {v: i for i, v in enumerate(values or ())}
    unit_index: dict = {}
    seen: set = set()
    cells: list[tuple[int, int, int]] = []
    for rater, unit, value in records:
        if (rater, unit) in seen:
            raise DuplicateRecordError(f"duplicate record: rater {rater!r} rated unit {unit!r} twice")
        seen.add((rater, unit))
        if rater not in rater_index:
            if raters is not None:
                raise ValueError(f"unknown rater {rater!r}")
            rater_index[rater] = len(rater_index)
        u = unit_index.setdefault(unit, len(unit_index))
        if value is None:
            continue
        if value not in value_index:
            if values is not None:
                raise ValueError(f"value {value!r} is not in the value domain")
            value_index[value] = len(value_index)
        cells.append((rater_index[rater], u, value_index[value]))
    matrix = np.full((len(rater_index), len(unit_index)), MISSING, dtype=np.int64)
    if cells:
        r, u, v = np.array(cells, dtype=np.int64).T
        matrix[r, u] = v
    return matrix, list(rater_index), list(unit_index), list(value_index)


def _check(matrix: np.ndarray, n_values: int | None) -> tuple[np.ndarray, int]:
    matrix = np.asarray(matrix)
    if matrix.ndim != 2:
        raise ValueError("a reliability matrix has two dimensions: raters x units")
    if matrix.dtype.kind not in "iu":
        raise ValueError("a reliability matrix holds integer value codes (-1 = missing)")
    if n_values is None:
        n_values = int(matrix.max()) + 1 if matrix.size else 0
    if matrix.size:
        if matrix.min() < MISSING:
            raise ValueError("value codes must be >= 0, or -1 for missing")
        if matrix.max() >= n_values:
            raise ValueError(f"value codes must be below n_values={n_values}")
    return matrix, n_values


# ------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class Patterns:
    """Distinct value multisets: counts[k, c] raters gave value c; weights[k] units show it."""

    counts: np.ndarray
    weights: np.ndarray
    n_raters: int

    @property
    def n_values(self) -> int:
        return self.counts.shape[1]

    @property
    def n_units(self) -> int:
        return int(self.weights.sum())

    @property
    def values_per_unit(self) -> np.ndarray:
        return self.counts.sum(axis=1)


def value_patterns(matrix: np.ndarray, n_values: int | None = None) -> Patterns:
    matrix, n_values = _check(matrix, n_values)
    n_raters, n_units = matrix.shape
    if n_units == 0 or n_values == 0:
        return Patterns(np.zeros((0, n_values), np.int64), np.zeros(0, np.int64), n_raters)
    base = n_raters + 1
    if base**n_values < _MAX_CODE:
        # A unit's value counts, read as digits in base R + 1, make one integer per unit.
        place = base ** np.arange(n_values, dtype=np.int64)
        lookup = np.append(place, 0)  # code -1 (missing) indexes the trailing 0
        code = np.zeros(n_units, dtype=np.int64)
        for row in matrix:
            code += lookup[row]
        if base**n_values <= _MAX_BINCOUNT:
            tally = np.bincount(code, minlength=base**n_values)
            unique = np.flatnonzero(tally)
            weights = tally[unique]
        else:
            unique, weights = np.unique(code, return_counts=True)
        counts = (unique[:, None] // place[None, :]) % base
        return Patterns(counts.astype(np.int64), weights.astype(np.int64), n_raters)
    # Very many values: sort each unit's values and count distinct columns instead.
    rows, weights = np.unique(np.sort(matrix, axis=0).T, axis=0, return_counts=True)
    counts = np.zeros((rows.shape[0], n_values), dtype=np.int64)
    k = np.arange(rows.shape[0])
    for column in rows.T:
        present = column >= 0
        counts[k[present], column[present]] += 1
    return Patterns(counts, weights.astype(np.int64), n_raters)


# ---------------------------------------------------------------- coincidence


def pattern_coincidences(patterns: Patterns) -> np.ndarray:
    """Each pairable pattern's coincidence matrix, shape (K, V, V); zeros for m < 2."""
    c = patterns.counts.astype(np.float64)
    m = patterns.values_per_unit
    scale = np.divide(1.0, m - 1, out=np.zeros(len(m)), where=m >= 2)
    per = c[:, :, None] * c[:, None, :]
    idx = np.arange(patterns.n_values)
    per[:, idx, idx] -= c
    return per * scale[:, None, None]


def coincidence_matrix(patterns: Patterns) -> np.ndarray:
    if patterns.counts.shape[0] == 0:
        return np.zeros((patterns.n_values, patterns.n_values))
    return np.tensordot(patterns.weights.astype(np.float64), pattern_coincidences(patterns), axes=1)


def distance_matrix(metric: str, n_v: np.ndarray, numeric: Sequence[float] | None = None) -> np.ndarray:
    """Squared distances between value codes, as Krippendorff defines them per metric.

    `n_v` are the coincidence marginals (needed by the ordinal metric); `numeric` are
    the values' numbers for interval and ratio (default 0, 1, 2, ...).
    """
    size = len(n_v)
    if metric == "nominal":
        return 1.0 - np.eye(size)
    if metric == "ordinal":
        cum = np.concatenate(([0.0], np.cumsum(n_v, dtype=np.float64)))
        i, j = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        return (cum[hi + 1] - cum[lo] - (n_v[lo] + n_v[hi]) / 2.0) ** 2
    v = np.arange(size, dtype=np.float64) if numeric is None else np.asarray(numeric, dtype=np.float64)
    if len(v) != size:
        raise ValueError("one number per value is needed for interval and ratio metrics")
    diff = v[:, None] - v[None, :]
    if metric == "interval":
        return diff**2
    if metric == "ratio":
        total = v[:, None] + v[None, :]
        return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
    raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")


def alpha_from_coincidence(o: np.ndarray, metric: str = "nominal", numeric: Sequence[float] | None = None) -> float:
    n_v = o.sum(axis=0)
    n = n_v.sum()
    if n <= 1:
        return float("nan")
    e = (np.outer(n_v, n_v) - np.diag(n_v)) / (n - 1)
    d = distance_matrix(metric, n_v, numeric)
    expected = float((e * d).sum())
    if expected <= 0:
        return float("nan")
    return 1.0 - float((o * d).sum()) / expected


# --------------------------------------------------------------- coefficients


def krippendorff_alpha(
    matrix: np.ndarray | Patterns,
    n_values: int | None = None,
    metric: str = "nominal",
    numeric: Sequence[float] | None = None,
) -> float:
    """Krippendorff's alpha; NaN when there are no pairable values or only one value is used."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    patterns = matrix if isinstance(matrix, Patterns) else value_patterns(matrix, n_values)
    return alpha_from_coincidence(coincidence_matrix(patterns), metric, numeric)


def percent_agreement(matrix: np.ndarray | Patterns, n_values: int | None = None) -> float:
    patterns = matrix if isinstance(matrix, Patterns) else value_patterns(matrix, n_values)
    m = patterns.values_per_unit
    pairable = m >= 2
    if not pairable.any():
        return float("nan")
    c = patterns.counts[pairable]
    mm = m[pairable]
    share = (c * (c - 1)).sum(axis=1) / (mm * (mm - 1))
    w = patterns.weights[pairable]
    return float((share * w).sum() / w.sum())


def fleiss_kappa(matrix: np.ndarray | Patterns, n_values: int | None = None) -> tuple[float, int]:
    """Fleiss' kappa over the units rated by every rater; returns (kappa, number of those units)."""
    patterns = matrix if isinstance(matrix, Patterns) else value_patterns(matrix, n_values)
    r = patterns.n_raters
    complete = patterns.values_per_unit == r
    n_units = int(patterns.weights[complete].sum())
    if r < 2 or n_units == 0:
        return float("nan"), n_units
    c = patterns.counts[complete].astype(np.float64)
    w = patterns.weights[complete].astype(np.float64)
    p_unit = ((c * (c - 1)).sum(axis=1)) / (r * (r - 1))
    p_bar = float((p_unit * w).sum() / n_units)
    p_value = (c * w[:, None]).sum(axis=0) / (n_units * r)
    p_e = float((p_value**2).sum())
    if p_e >= 1.0:
        return float("nan"), n_units
    return (p_bar - p_e) / (1.0 - p_e), n_units


def contingency(a: np.ndarray, b: np.ndarray, n_values: int) -> np.ndarray:
    """Counts of (value of a, value of b) over the units both rated."""
    side = n_values + 1  # row and column 0 collect the missing values, then are dropped
    codes = (np.asarray(a, dtype=np.int64) + 1) * side + (np.asarray(b) + 1)
    return np.bincount(codes, minlength=side * side).reshape(side, side)[1:, 1:]


def kappa_from_contingency(table: np.ndarray) -> float:
    n = int(table.sum())
    if n == 0:
        return float("nan")
    agree = int(np.trace(table))
    chance = int((table.sum(axis=1).astype(object) * table.sum(axis=0).astype(object)).sum())
    if chance == n * n:  # both raters used one and the same value throughout
        return float("nan")
    return (n * agree - chance) / (n * n - chance)


def cohen_kappa(a: np.ndarray, b: np.ndarray, n_values: int | None = None) -> tuple[float, int]:
    """Cohen's kappa of two raters over the units both rated; returns (kappa, units)."""
    if n_values is None:
        n_values = int(max(np.max(a, initial=-1), np.max(b, initial=-1))) + 1
    table = contingency(a, b, max(n_values, 1))
    return kappa_from_contingency(table), int(table.sum())


def pairwise_cohen(matrix: np.ndarray, n_values: int | None = None) -> dict[tuple[int, int], tuple[float, int]]:
    """Cohen's kappa for each pair of raters (i < j): (kappa, units both rated)."""
    matrix, n_values = _check(matrix, n_values)
    return {(i, j): cohen_kappa(matrix[i], matrix[j], n_values) for i, j in combinations(range(matrix.shape[0]), 2)}


def mean_defined(values: Iterable[float]) -> float:
    """Mean of the values that are not NaN; NaN if none is."""
    kept = [v for v in values if not np.isnan(v)]
    return float(np.mean(kept)) if kept else float("nan")
