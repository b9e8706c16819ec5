"""Agreement coefficients: published values, cross-checks against NLTK and krippendorff, edge cases."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask

from annotator.agreement.bootstrap import bootstrap_alpha
from annotator.agreement.coefficients import (
    MISSING,
    DuplicateRecordError,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    mean_defined,
    pairwise_cohen,
    percent_agreement,
    reliability_matrix,
)

HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders x 12 units, "." missing.
K2011 = [
    "1 2 3 3 2 1 4 1 2 . . .",
    "1 2 3 3 2 2 4 1 2 5 . 3",
    ". 3 3 3 2 3 4 2 2 5 1 .",
    "1 2 3 3 2 4 4 1 2 5 1 .",
]


def k2011_matrix() -> np.ndarray:
    return np.array([[MISSING if c == "." else int(c) - 1 for c in row.split()] for row in K2011])


@pytest.mark.parametrize(
    ("metric", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_2011_example_reproduces_published_alpha(metric, published):
    alpha = krippendorff_alpha(k2011_matrix(), 5, metric, numeric=[1, 2, 3, 4, 5])
    assert round(alpha, 3) == published


def test_fleiss_kappa_reproduces_wikipedia_example():
    # 10 subjects, 14 raters, 5 categories: how many raters put each subject in each category.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    columns = [np.repeat(np.arange(5), counts) for counts in table]
    matrix = np.stack(columns, axis=1)  # raters x subjects
    kappa, n = fleiss_kappa(matrix, 5)
    assert n == 10
    assert round(kappa, 3) == 0.210


def test_cohen_kappa_reproduces_wikipedia_example():
    # 50 proposals: both yes 20, A yes / B no 5, A no / B yes 10, both no 15.
    a = np.array([1] * 20 + [1] * 5 + [0] * 10 + [0] * 15)
    b = np.array([1] * 20 + [0] * 5 + [1] * 10 + [0] * 15)
    kappa, n = cohen_kappa(a, b, 2)
    assert n == 50
    assert kappa == pytest.approx(0.4, abs=1e-12)


@st.composite
def matrices(draw, *, complete: bool = False, min_raters: int = 2, max_raters: int = 5):
    raters = draw(st.integers(min_raters, max_raters))
    units = draw(st.integers(2, 30))
    values = draw(st.integers(2, 5))
    low = 0 if complete else MISSING
    cells = draw(st.lists(st.integers(low, values - 1), min_size=raters * units, max_size=raters * units))
    return np.array(cells, dtype=np.int64).reshape(raters, units), values


def _nltk_task(matrix: np.ndarray) -> AnnotationTask:
    records = [(f"c{r}", f"u{u}", int(v)) for r, row in enumerate(matrix) for u, v in enumerate(row) if v != MISSING]
    return AnnotationTask(records)


def _has_variation(matrix: np.ndarray) -> bool:
    pairable = (matrix != MISSING).sum(axis=0) >= 2
    used = np.unique(matrix[:, pairable][matrix[:, pairable] != MISSING])
    return len(used) >= 2


@HYPOTHESIS
@given(matrices(), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_krippendorff_package(data, metric):
    matrix, values = data
    if not _has_variation(matrix):
        assert math.isnan(krippendorff_alpha(matrix, values, metric))
        return
    reference = krippendorff.alpha(
        reliability_data=np.where(matrix == MISSING, np.nan, matrix + 1.0),
        value_domain=np.arange(1, values + 1),
        level_of_measurement=metric,
    )
    assert krippendorff_alpha(matrix, values, metric, numeric=np.arange(1, values + 1)) == pytest.approx(
        reference, abs=1e-9
    )


@HYPOTHESIS
@given(matrices())
def test_alpha_with_missing_values_matches_nltk(data):
    matrix, values = data
    if not _has_variation(matrix):
        return
    # Missing cells passed as None and declared missing, as NLTK's docs advise.
    records = [
        (f"c{r}", f"u{u}", None if v == MISSING else int(v)) for r, row in enumerate(matrix) for u, v in enumerate(row)
    ]
    expected = AnnotationTask(records, missing_values=[None]).alpha()
    assert krippendorff_alpha(matrix, values) == pytest.approx(expected, abs=1e-9)


@HYPOTHESIS
@given(matrices(complete=True))
def test_mean_cohen_kappa_matches_nltk_kappa(data):
    matrix, values = data
    pairs = pairwise_cohen(matrix, values)
    if any(math.isnan(kappa) for kappa, _ in pairs.values()):
        return  # NLTK divides by zero there
    mean = mean_defined(kappa for kappa, _ in pairs.values())
    assert mean == pytest.approx(_nltk_task(matrix).kappa(), abs=1e-9)


@HYPOTHESIS
@given(matrices(complete=True))
def test_fleiss_kappa_matches_nltk_pi(data):
    matrix, values = data
    kappa, n = fleiss_kappa(matrix, values)
    assert n == matrix.shape[1]
    if math.isnan(kappa):
        return
    assert kappa == pytest.approx(_nltk_task(matrix).pi(), abs=1e-9)


@HYPOTHESIS
@given(matrices(complete=True, max_raters=2))
def test_percent_agreement_of_two_raters_is_share_of_equal_units(data):
    matrix, values = data
    assert percent_agreement(matrix, values) == pytest.approx(np.mean(matrix[0] == matrix[1]))


def test_all_agree_gives_alpha_one():
    matrix = np.array([[0, 1, 2, 1, 0], [0, 1, 2, 1, 0], [0, 1, 2, 1, MISSING]])
    assert krippendorff_alpha(matrix, 3) == 1.0
    assert fleiss_kappa(matrix, 3)[0] == 1.0
    assert percent_agreement(matrix, 3) == 1.0
    assert all(kappa == 1.0 for kappa, _ in pairwise_cohen(matrix, 3).values())


def test_single_value_in_use_leaves_chance_corrected_measures_undefined():
    matrix = np.zeros((3, 10), dtype=np.int64)
    assert math.isnan(krippendorff_alpha(matrix, 2))
    assert math.isnan(fleiss_kappa(matrix, 2)[0])
    assert math.isnan(cohen_kappa(matrix[0], matrix[1], 2)[0])
    assert percent_agreement(matrix, 2) == 1.0


def test_no_overlap_between_raters_leaves_everything_undefined():
    matrix = np.array([[0, 1, MISSING, MISSING], [MISSING, MISSING, 1, 0]])
    assert math.isnan(krippendorff_alpha(matrix, 2))
    assert math.isnan(percent_agreement(matrix, 2))
    assert fleiss_kappa(matrix, 2) == (pytest.approx(math.nan, nan_ok=True), 0)
    kappa, n = cohen_kappa(matrix[0], matrix[1], 2)
    assert math.isnan(kappa) and n == 0


def test_one_rater_has_no_pairs():
    matrix = np.array([[0, 1, 1, 0]])
    assert math.isnan(krippendorff_alpha(matrix, 2))
    assert pairwise_cohen(matrix, 2) == {}


def test_duplicate_records_are_rejected():
    records = [("ana", "s1", "biased"), ("budi", "s1", "neutral"), ("ana", "s1", "neutral")]
    with pytest.raises(DuplicateRecordError, match="'ana' rated unit 's1' twice"):
        reliability_matrix(records)


def test_records_build_a_matrix_with_missing_cells():
    matrix, raters, units, values = reliability_matrix(
        [("ana", "s1", "b"), ("budi", "s1", "a"), ("budi", "s2", None)], values=["a", "b"]
    )
    assert raters == ["ana", "budi"] and units == ["s1", "s2"]
    assert matrix.tolist() == [[1, MISSING], [0, MISSING]]


def test_out_of_range_codes_are_refused():
    with pytest.raises(ValueError, match="below n_values"):
        krippendorff_alpha(np.array([[0, 3], [1, 1]]), 2)


def test_bootstrap_interval_is_reproducible_with_a_seed():
    matrix = k2011_matrix()
    first = bootstrap_alpha(matrix, 5, resamples=500, seed=7)
    assert first == bootstrap_alpha(matrix, 5, resamples=500, seed=7)
    assert first != bootstrap_alpha(matrix, 5, resamples=500, seed=8)
    low, high = first
    assert low <= krippendorff_alpha(matrix, 5) <= high


def test_bootstrap_agrees_with_resampling_units_directly():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, size=400)
    matrix = np.stack([np.where(rng.random(400) < 0.8, truth, rng.integers(0, 3, size=400)) for _ in range(3)])
    low, high = bootstrap_alpha(matrix, 3, resamples=2000, seed=1)
    # The same percentile interval computed the slow way, resampling unit columns.
    direct = [krippendorff_alpha(matrix[:, rng.integers(0, 400, size=400)], 3) for _ in range(2000)]
    ref_low, ref_high = np.percentile(direct, [2.5, 97.5])
    assert low == pytest.approx(ref_low, abs=0.02)
    assert high == pytest.approx(ref_high, abs=0.02)
