"""A sentence-resampling interval for alpha_U (overall and per category).

alpha_U's observed disagreement is a sum over pairs of units, and units never cross a
sentence, so it is a sum over sentences. Its expected disagreement pairs every unit
with every gap of the whole continuum, so it depends on a replicate only through two
histograms: how many units of each length, and how many gaps of each length, it holds.
A replicate is then `weights @ per-sentence figures` plus one (lengths x gaps) product,
never a new continuum.

One approximation: a gap is cut where its sentence ends (a resampled continuum has no
fixed sentence order, so the gap that runs on into the next sentence is undefined). The
percentile interval of the replicates is therefore shifted by the difference between
the reported alpha_U and the same statistic with cut gaps, so the interval is centred
on the figure it qualifies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .clusters import ClusterDraws, percentile_interval
from .unitizing import _merge


@dataclass(frozen=True)
class _Category:
    observed: np.ndarray  # per sentence: summed pairwise disagreement
    unit_sentence: np.ndarray
    unit_length: np.ndarray
    gap_sentence: np.ndarray  # every rater's gaps, cut at sentence bounds
    gap_length: np.ndarray


def _pair_parts(sa, ea, sb, eb, sentence_of) -> np.ndarray:
    """The pair's disagreement (as `unitizing._pair_disagreement`), per unit, with the unit's sentence."""
    lo = np.searchsorted(eb, sa, side="right")
    hi = np.searchsorted(sb, ea, side="left")
    count = np.maximum(hi - lo, 0)
    where = [sentence_of(sa[count == 0])]
    amount = [((ea - sa)[count == 0] ** 2).astype(np.float64)]
    back = np.searchsorted(sa, eb, side="left") - np.searchsorted(ea, sb, side="right")
    where.append(sentence_of(sb[back <= 0]))
    amount.append(((eb - sb)[back <= 0] ** 2).astype(np.float64))
    n_pairs = int(count.sum())
    if n_pairs:
        ia = np.repeat(np.arange(len(sa)), count)
        first = np.repeat(np.cumsum(count) - count, count)
        ib = np.repeat(lo, count) + (np.arange(n_pairs) - first)
        where.append(sentence_of(sa[ia]))
        amount.append(((sa[ia] - sb[ib]) ** 2 + (ea[ia] - eb[ib]) ** 2).astype(np.float64))
    return np.concatenate(where), np.concatenate(amount)


class UnitizingResampler:
    """Everything a replicate of alpha_U needs, per sentence, computed once."""

    def __init__(self, n_raters: int, sentence_lengths: np.ndarray, rater, start, end, category) -> None:
        """Offsets are continuum offsets (sentences end to end, as `Corpus.continuum`)."""
        self.n_raters = n_raters
        self.sentence_lengths = np.asarray(sentence_lengths, dtype=np.float64)
        offset = np.concatenate(([0], np.cumsum(np.asarray(sentence_lengths, dtype=np.int64))))
        n = len(sentence_lengths)
        self.n_sentences = n

        def sentence_of(x: np.ndarray) -> np.ndarray:
            return np.searchsorted(offset, x, side="right") - 1

        rater, start, end, category = (np.asarray(a, dtype=np.int64) for a in (rater, start, end, category))
        self.codes = sorted(set(category.tolist()))
        self.categories: dict[int, _Category] = {}
        for code in self.codes:
            chosen = category == code
            units = [_merge(start[chosen & (rater == r)], end[chosen & (rater == r)]) for r in range(n_raters)]
            observed = np.zeros(n)
            for i in range(n_raters):
                for j in range(i + 1, n_raters):
                    where, amount = _pair_parts(*units[i], *units[j], sentence_of)
                    observed += np.bincount(where, amount, minlength=n)
            unit_start = np.concatenate([s for s, _ in units])
            unit_len = np.concatenate([e - s for s, e in units])
            # Each rater's gaps, cut at sentence bounds: within a sentence the gaps run
            # from its start or a unit's end to the next unit's start or its end, so the
            # sorted gap starts pair with the sorted gap ends.
            starts = [np.sort(np.concatenate((offset[:-1], e))) for _, e in units]
            ends = [np.sort(np.concatenate((offset[1:], s))) for s, _ in units]
            gap_start = np.concatenate(starts)
            gap_len = np.concatenate(ends) - gap_start
            keep = gap_len > 0
            self.categories[code] = _Category(
                observed, sentence_of(unit_start), unit_len, sentence_of(gap_start[keep]), gap_len[keep]
            )

    def _matrices(self, cat: _Category) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(distinct unit lengths l, and per sentence: units of each length, gaps of at least
        each length, and the sum of (g + 1) over those gaps), all (sentences x lengths).

        Placements of a unit of length l sum (g - l + 1) over the gaps g >= l, that is
        sum(g + 1) - l * count over those gaps: two numbers per length, so a replicate needs
        no histogram of gap lengths at all."""
        n = self.n_sentences
        lengths, index = np.unique(cat.unit_length, return_inverse=True)
        k = len(lengths)
        units = np.bincount(cat.unit_sentence * k + index.reshape(-1), minlength=n * k).reshape(n, k)
        above = np.searchsorted(lengths, cat.gap_length, side="right")  # thresholds each gap reaches
        cell = cat.gap_sentence * (k + 1) + above
        counts = np.bincount(cell, minlength=n * (k + 1)).reshape(n, k + 1).astype(np.float64)
        sums = np.bincount(cell, cat.gap_length + 1.0, minlength=n * (k + 1)).reshape(n, k + 1)
        # A gap reaching t thresholds counts for lengths 0..t-1: reverse cumulative sums.
        at_least = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1][:, 1:]
        sum_at_least = np.cumsum(sums[:, ::-1], axis=1)[:, ::-1][:, 1:]
        return lengths.astype(np.float64), units.astype(np.float64), at_least, sum_at_least

    def _parts(self, cat: _Category, matrices, weights: np.ndarray, length: np.ndarray):
        """(D_O, D_E) of one category in each replicate; zero where it has no unit."""
        r = self.n_raters
        lu, units, at_least, sum_at_least = matrices
        hu = weights @ units
        n_c = hu.sum(axis=1)
        squared = hu @ (lu * (lu - 1))
        within = (n_c - 1) * (hu @ (lu * (lu - 1) * (2 * lu - 1) / 3))
        placements = (hu * lu**2 * (weights @ sum_at_least - lu * (weights @ at_least))).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            d_e = 2 * (within + placements) / (length * (r * length * (r * length - 1) - squared))
            d_o = 2 * (weights @ cat.observed) / (r * (r - 1) * length * length)
        return np.where(n_c > 0, d_o, 0.0), np.where(n_c > 0, d_e, 0.0)

    def replicate(self, weights: np.ndarray) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """(overall alpha_U, {category: alpha_U}) for each row of sentence weights (B, sentences)."""
        length = weights @ self.sentence_lengths
        parts = {code: self._parts(cat, self._matrices(cat), weights, length) for code, cat in self.categories.items()}
        return _alphas(parts, len(weights))


def _alphas(parts: dict[int, tuple[np.ndarray, np.ndarray]], size: int) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    total_o, total_e = np.zeros(size), np.zeros(size)
    per: dict[int, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for code, (d_o, d_e) in parts.items():
            per[code] = np.where(d_e > 0, 1 - d_o / d_e, np.nan)
            total_o += d_o
            total_e += d_e
        overall = np.where(total_e > 0, 1 - total_o / total_e, np.nan)
    return overall, per


def alpha_u_intervals(
    resampler: UnitizingResampler, draws: ClusterDraws, point: float | None, per_point: dict[int, float | None]
) -> tuple[list[float] | None, dict[int, list[float] | None]]:
    """Shifted percentile intervals for alpha_U overall and per category (see the module doc)."""
    base_overall, base_per = resampler.replicate(np.ones((1, resampler.n_sentences)))
    lengths = np.concatenate([w @ resampler.sentence_lengths for w in draws])
    # One category at a time, so only its (sentences x lengths) matrices are in memory.
    parts: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for code, cat in resampler.categories.items():
        matrices = resampler._matrices(cat)
        pieces = []
        first = 0
        for weights in draws:
            pieces.append(resampler._parts(cat, matrices, weights, lengths[first : first + len(weights)]))
            first += len(weights)
        parts[code] = (np.concatenate([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces]))
        del matrices
    overall, per = _alphas(parts, len(lengths))
    overall_parts = [overall]
    per_parts = {code: [values] for code, values in per.items()}

    def shifted(parts: list[np.ndarray], base: float, value: float | None) -> list[float] | None:
        if value is None or not parts or not np.isfinite(base):
            return None
        interval = percentile_interval(np.concatenate(parts))
        return None if interval is None else [v + value - base for v in interval]

    overall_ci = shifted(overall_parts, float(base_overall[0]), point)
    per_ci = {code: shifted(per_parts[code], float(base_per[code][0]), per_point.get(code)) for code in resampler.codes}
    return overall_ci, per_ci
