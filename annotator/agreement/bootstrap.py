"""A bootstrap confidence interval for Krippendorff's alpha, resampling units.

Drawing N units with replacement from N units is the same as drawing how many times
each distinct value pattern occurs from Multinomial(N, pattern shares). Alpha depends on
the units only through the coincidence matrix, a weighted sum of per-pattern matrices,
so each replicate costs a (K x V^2) product however many units there are.

The interval is the percentile interval of the replicates. Units are resampled
independently; when units cluster (tokens within sentences) the interval is narrower
than one that resampled whole sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .coefficients import (
    Patterns,
    alpha_from_coincidence,
    pattern_coincidences,
    value_patterns,
)


def bootstrap_alpha(
    matrix: np.ndarray | Patterns,
    n_values: int | None = None,
    metric: str = "nominal",
    numeric: Sequence[float] | None = None,
    *,
    resamples: int = 1000,
    seed: int | None = None,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    """Percentile interval of alpha over `resamples` unit resamples; None if undefined.

    The same seed gives the same interval.
    """
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    patterns = matrix if isinstance(matrix, Patterns) else value_patterns(matrix, n_values)
    n_units = patterns.n_units
    if n_units == 0:
        return None
    rng = np.random.default_rng(seed)
    shares = patterns.weights / n_units
    draws = rng.multinomial(n_units, shares, size=resamples).astype(np.float64)
    per_pattern = pattern_coincidences(patterns)
    k, v, _ = per_pattern.shape
    coincidences = (draws @ per_pattern.reshape(k, v * v)).reshape(resamples, v, v)
    alphas = np.array([alpha_from_coincidence(o, metric, numeric) for o in coincidences])
    alphas = alphas[np.isfinite(alphas)]
    if alphas.size == 0:
        return None
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(alphas, [tail, 100.0 - tail])
    return float(low), float(high)
