"""Cluster bootstrap: resample whole sentences (or documents), not the tokens inside them.

Tokens of one sentence are not independent (one annotator reads the sentence once and
one span covers several tokens), so resampling tokens treats a sentence of 30 tokens as
30 independent observations and the interval comes out too narrow. Here a replicate
draws clusters with replacement; each item (a sentence) then counts as many times as
its cluster was drawn.

Alpha depends on the data only through the coincidence matrix, a sum over units, so a
replicate's matrix is `weights @ per_sentence_coincidences`: the cost per replicate is
one (sentences x V^2) product, whatever the number of tokens. Replicates are made in
chunks so that memory stays at (chunk x sentences), and every statistic that uses the
same `ClusterDraws` sees the same replicates (the intervals are jointly reproducible).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from .coefficients import Patterns, distance_matrix, pattern_coincidences

CHUNK = 64
CONFIDENCE = 0.95
BOOTSTRAP_UNITS: tuple[str, ...] = ("sentence", "document")


class ClusterDraws:
    """Replicate weights over items (sentences), drawn by cluster.

    `cluster_of[i]` is item i's cluster (0..n_clusters-1). Iterating yields float arrays
    of shape (chunk, items): how many times each item is in each replicate. The same
    seed yields the same replicates every time it is iterated. The draws are made once
    and kept as small integers (resamples x clusters bytes), since every statistic of a
    level iterates them again.
    """

    def __init__(self, cluster_of: np.ndarray, n_clusters: int, resamples: int, seed: int | None) -> None:
        if resamples < 1:
            raise ValueError("resamples must be at least 1")
        self.cluster_of = np.asarray(cluster_of, dtype=np.int64)
        self.n_clusters = n_clusters
        self.resamples = resamples
        self.seed = seed
        self._chunks: list[np.ndarray] | None = None

    @property
    def n_items(self) -> int:
        return len(self.cluster_of)

    def _draw(self) -> list[np.ndarray]:
        rng = np.random.default_rng(self.seed)
        k = self.n_clusters
        chunks = []
        for first in range(0, self.resamples, CHUNK):
            size = min(CHUNK, self.resamples - first)
            picks = rng.integers(0, k, size=(size, k)) if k else np.zeros((size, 0), np.int64)
            rows = np.repeat(np.arange(size), k) * k
            counts = np.bincount(rows + picks.reshape(-1), minlength=size * k).reshape(size, k)
            chunks.append(counts.astype(np.uint8 if counts.max(initial=0) < 256 else np.uint32))
        return chunks

    def __iter__(self) -> Iterator[np.ndarray]:
        if self._chunks is None:
            self._chunks = self._draw()
        for counts in self._chunks:
            yield counts[:, self.cluster_of].astype(np.float64)


def cluster_index(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """(cluster of each item, number of clusters) from any per-item labels (document ids)."""
    _, inverse = np.unique(np.asarray(labels).astype(str), return_inverse=True)
    inverse = inverse.reshape(-1)
    return inverse.astype(np.int64), int(inverse.max()) + 1 if len(inverse) else 0


def item_coincidences(matrix: np.ndarray, n_values: int, item_of_unit: np.ndarray, n_items: int) -> np.ndarray:
    """Each item's coincidence matrix, summed over its units: shape (items, V, V).

    `matrix` is raters x units (value codes, MISSING = -1); `item_of_unit` says which
    item (sentence) each unit (token) belongs to.
    """
    matrix = np.asarray(matrix)
    v = n_values
    if matrix.shape[1] == 0 or v == 0:
        return np.zeros((n_items, v, v))
    base = matrix.shape[0] + 1
    if base**v < 2**62:
        place = base ** np.arange(v, dtype=np.int64)
        lookup = np.append(place, 0)
        code = np.zeros(matrix.shape[1], dtype=np.int64)
        for row in matrix:
            code += lookup[row.astype(np.int64)]
        unique, inverse = np.unique(code, return_inverse=True)
        counts = (unique[:, None] // place[None, :]) % base
    else:  # very many values: count each unit's values directly
        counts_per_unit = np.stack([(matrix == c).sum(axis=0) for c in range(v)], axis=1)
        counts, inverse = np.unique(counts_per_unit, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    patterns = Patterns(counts.astype(np.int64), np.ones(len(counts), np.int64), matrix.shape[0])
    per_pattern = pattern_coincidences(patterns).reshape(len(counts), v * v)
    k = len(counts)
    tally = np.bincount(np.asarray(item_of_unit, np.int64) * k + inverse, minlength=n_items * k)
    return (tally.reshape(n_items, k).astype(np.float64) @ per_pattern).reshape(n_items, v, v)


def alphas_from_coincidences(
    o: np.ndarray, metric: str = "nominal", numeric: Sequence[float] | None = None
) -> np.ndarray:
    """Krippendorff's alpha of each (V x V) coincidence matrix in a stack (B, V, V); NaN if undefined.

    The same arithmetic as `coefficients.alpha_from_coincidence`, one replicate per row.
    """
    n_v = o.sum(axis=1)
    n = n_v.sum(axis=1)
    v = o.shape[1]
    diag = np.zeros_like(o)
    idx = np.arange(v)
    diag[:, idx, idx] = n_v
    with np.errstate(divide="ignore", invalid="ignore"):
        e = (n_v[:, :, None] * n_v[:, None, :] - diag) / (n - 1)[:, None, None]
        if metric == "ordinal":
            cum = np.concatenate((np.zeros((len(o), 1)), np.cumsum(n_v, axis=1)), axis=1)
            i, j = np.meshgrid(idx, idx, indexing="ij")
            lo, hi = np.minimum(i, j), np.maximum(i, j)
            d = (cum[:, hi + 1] - cum[:, lo] - (n_v[:, lo] + n_v[:, hi]) / 2.0) ** 2
        else:
            d = np.broadcast_to(distance_matrix(metric, np.ones(v), numeric), o.shape)
        expected = (e * d).sum(axis=(1, 2))
        alpha = 1.0 - (o * d).sum(axis=(1, 2)) / expected
    return np.where((n > 1) & (expected > 0), alpha, np.nan)


def replicate_alphas(
    per_item: np.ndarray, draws: ClusterDraws, metric: str = "nominal", numeric: Sequence[float] | None = None
) -> np.ndarray:
    """Alpha in every replicate, from the items' coincidence matrices (items, V, V)."""
    n, v, _ = per_item.shape
    flat = per_item.reshape(n, v * v)
    out = [alphas_from_coincidences((w @ flat).reshape(len(w), v, v), metric, numeric) for w in draws]
    return np.concatenate(out) if out else np.zeros(0)


def percentile_interval(replicates: np.ndarray, confidence: float = CONFIDENCE) -> list[float] | None:
    """The percentile interval of the defined replicates, or None if none is defined."""
    kept = replicates[np.isfinite(replicates)]
    if kept.size == 0:
        return None
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(kept, [tail, 100.0 - tail])
    return [float(low), float(high)]


def binary_item_coincidences(
    raters_per_item_unit: np.ndarray,
    units_per_item: np.ndarray,
    marked_item: np.ndarray,
    marked_raters: np.ndarray,
    marked_ones: np.ndarray,
) -> np.ndarray:
    """Per-item 2 x 2 coincidences for one label (present / absent) without a token matrix.

    Every unit of item i has `raters_per_item_unit[i]` values; an unmarked unit adds m to
    cell (0, 0). The marked units (item, raters m, k of whom marked it) then move their
    share: (m-k)(m-k-1)/(m-1) to (0, 0), k(m-k)/(m-1) to each off-diagonal cell, and
    k(k-1)/(m-1) to (1, 1).
    """
    n_items = len(units_per_item)
    m_item = raters_per_item_unit.astype(np.float64)
    pairable = m_item >= 2
    out = np.zeros((n_items, 2, 2))
    out[:, 0, 0] = np.where(pairable, m_item * units_per_item, 0.0)
    m = marked_raters.astype(np.float64)
    k = marked_ones.astype(np.float64)
    ok = m >= 2
    scale = np.divide(1.0, m - 1, out=np.zeros_like(m), where=ok)
    zero_zero = ((m - k) * (m - k - 1) * scale - m) * ok
    off = k * (m - k) * scale
    one_one = k * (k - 1) * scale
    item = marked_item.astype(np.int64)
    out[:, 0, 0] += np.bincount(item, zero_zero, minlength=n_items)
    off_sum = np.bincount(item, off, minlength=n_items)
    out[:, 0, 1] += off_sum
    out[:, 1, 0] += off_sum
    out[:, 1, 1] += np.bincount(item, one_one, minlength=n_items)
    return out
