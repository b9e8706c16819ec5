"""Coverage of the sentence-resampling interval at full size: 200 simulations, 1000 resamples each.

The default suite runs the same 200 simulations with 400 resamples
(tests/core/test_agreement_cluster_bootstrap.py); this is the run with the usual 1000.
"""

from __future__ import annotations

import time

from tests.core.test_agreement_cluster_bootstrap import coverage


def test_bootstrap_coverage_200_simulations_1000_resamples(bench):
    start = time.perf_counter()
    by_sentence, by_token = coverage(runs=200, resamples=1000)
    seconds = time.perf_counter() - start
    passed = by_sentence >= 0.90 and by_token < 0.75
    bench.record(
        "95% interval coverage, 200 simulations (sentence vs token resampling)",
        ours=f"{by_sentence:.1%} covered",
        baseline=f"{by_token:.1%} token resampling",
        target=">= 90% (token resampling < 75%)",
        passed=passed,
        ours_value=by_sentence,
        baseline_value=by_token,
        runs=1,
        details={"seconds": seconds},
    )
    assert passed
