"""Sentence-resampling intervals for span F1 (exact and overlap), overall and per label.

Both F1s are ratios of counts that add up over sentences (exact: matched spans over the
two sides' spans; overlap: each side's spans that overlap one of the other's), so a
replicate is `weights @ per-sentence counts`, one small product per pair of annotators.
The interval qualifies the mean over pairs, as the level reports it.
"""

from __future__ import annotations

import warnings

import numpy as np

from .clusters import ClusterDraws, percentile_interval
from .spans import SpanArrays, overlapping, span_keys

# Per sentence and label (0 = every label): matched, spans of a, spans of b, a's spans
# overlapping one of b's, b's spans overlapping one of a's.
MATCHED, N_A, N_B, FOUND_A, FOUND_B = range(5)


def span_counts(a: SpanArrays, b: SpanArrays, n_sentences: int, n_labels: int) -> np.ndarray:
    """(sentences, labels + 1, 5) counts for one pair; label codes are 1..n_labels."""
    out = np.zeros((n_sentences, n_labels + 1, 5))
    both = [np.concatenate((getattr(a, f), getattr(b, f))) for f in ("unit", "start", "end", "label")]
    keys = span_keys(*both)
    _, matched, _ = np.intersect1d(keys[: len(a)], keys[len(a) :], assume_unique=True, return_indices=True)
    columns = (
        (MATCHED, a.unit[matched], a.label[matched]),
        (N_A, a.unit, a.label),
        (N_B, b.unit, b.label),
        (FOUND_A, a.unit[overlapping(a, b)], a.label[overlapping(a, b)]),
        (FOUND_B, b.unit[overlapping(b, a)], b.label[overlapping(b, a)]),
    )
    size = n_sentences * (n_labels + 1)
    for column, unit, label in columns:
        out[:, :, column] = np.bincount(unit * (n_labels + 1) + label, minlength=size).reshape(
            n_sentences, n_labels + 1
        )
    out[:, 0, :] = out[:, 1:, :].sum(axis=1)
    return out


def _f1(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(exact, overlap) F1 from summed counts (..., 5), NaN where neither side has a span."""
    m, na, nb, fa, fb = (sums[..., k] for k in range(5))
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.where(na + nb > 0, 2 * m / (na + nb), np.nan)
        precision, recall = fb / nb, fa / na
        overlap = np.where((na > 0) & (nb > 0), 2 * precision * recall / (precision + recall), 0.0)
        overlap = np.where(np.isnan(overlap) & (na > 0) & (nb > 0), 0.0, overlap)
    overlap = np.where(na + nb > 0, overlap, np.nan)
    return exact, overlap


def span_intervals(counts: list[np.ndarray], draws: ClusterDraws) -> dict:
    """Intervals of the mean over pairs: {"exact": [...], "overlap": [...], "per_label": {code: [...]}}."""
    if not counts:
        return {"exact": None, "overlap": None, "per_label": {}}
    n, labels, _ = counts[0].shape
    exact_parts, overlap_parts = [], []
    for weights in draws:
        exact_pairs, overlap_pairs = [], []
        for table in counts:
            sums = (weights @ table.reshape(n, labels * 5)).reshape(len(weights), labels, 5)
            exact, overlap = _f1(sums)
            exact_pairs.append(exact)
            overlap_pairs.append(overlap)
        with warnings.catch_warnings():  # a replicate where no pair has spans: its mean is NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            exact_parts.append(np.nanmean(np.stack(exact_pairs), axis=0))
            overlap_parts.append(np.nanmean(np.stack(overlap_pairs), axis=0))
    exact_all, overlap_all = np.concatenate(exact_parts), np.concatenate(overlap_parts)
    return {
        "exact": percentile_interval(exact_all[:, 0]),
        "overlap": percentile_interval(overlap_all[:, 0]),
        "per_label": {code: percentile_interval(exact_all[:, code]) for code in range(1, labels)},
    }
