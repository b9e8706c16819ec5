"""Krippendorff's alpha_U: DKPro Agreement's published test values, and a cross-check
against a line-by-line port of DKPro's KrippendorffAlphaUnitizingAgreement."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.unitizing import alpha_u, segment_distance


def study(raters: int, begin: int, length: int, units: list[tuple[int, int, int, str]]):
    """DKPro's UnitizingAnnotationStudy.addUnit(offset, length, rater, category) calls."""
    categories = sorted({u[3] for u in units})
    result = alpha_u(
        begin,
        length,
        raters,
        rater=[u[2] for u in units],
        start=[u[0] for u in units],
        end=[u[0] + u[1] for u in units],
        category=[categories.index(u[3]) for u in units],
    )
    return result, {name: result.categories[i] for i, name in enumerate(categories)}


# ------------------------------------------------- DKPro UnitizingAgreementTest


def test_dkpro_unitizing_example_agreement():
    # r0: -11111111-   r1: --1-1-1---
    _, by = study(2, 0, 10, [(1, 8, 0, "A"), (2, 1, 1, "A"), (4, 1, 1, "A"), (6, 1, 1, "A")])
    assert by["A"].observed == pytest.approx(0.9100, abs=1e-4)
    assert by["A"].expected == pytest.approx(0.5351, abs=1e-4)
    assert by["A"].alpha == pytest.approx(-0.7003, abs=1e-4)


def test_dkpro_single_annotation_unit_gives_zero():
    result, _ = study(3, 0, 20, [(0, 1, 0, "X")])
    assert result.alpha == 0.0


def test_dkpro_empty_annotation_set_gives_nan():
    result = alpha_u(0, 20, 3, [], [], [], [])
    assert math.isnan(result.alpha)


def test_dkpro_distance_metric():
    assert segment_distance(0, 1, None, 0, 2, None) == 0
    assert segment_distance(1, 8, "A", 0, 2, None) == 0
    assert segment_distance(1, 8, "A", 2, 1, "A") == 37
    assert segment_distance(1, 8, "A", 3, 1, None) == 0
    assert segment_distance(1, 8, "A", 4, 1, "A") == 25
    assert segment_distance(1, 8, "A", 5, 1, None) == 0
    assert segment_distance(1, 8, "A", 6, 1, "A") == 29
    assert segment_distance(1, 8, "A", 7, 4, None) == 0
    assert segment_distance(9, 2, None, 7, 4, None) == 0


# ---------------------------------------------------- DKPro Krippendorff2004Test


def krippendorff_2004():
    """Krippendorff (2004: p. 254): two observers on [150, 450)."""
    return study(
        2,
        150,
        300,
        [
            (225, 70, 0, "c"),
            (370, 30, 0, "c"),
            (220, 80, 1, "c"),
            (355, 20, 1, "c"),
            (400, 20, 1, "c"),
            (180, 60, 0, "k"),
            (300, 50, 0, "k"),
            (180, 60, 1, "k"),
            (300, 50, 1, "k"),
        ],
    )


def test_krippendorff_2004_distance_metric_1():
    assert segment_distance(2, 3, None, 2, 2, "X") + segment_distance(5, 6, "X", 4, 7, None) == 40
    assert segment_distance(3, 2, None, 3, 2, "X") + segment_distance(5, 6, "X", 5, 6, None) == 40
    assert segment_distance(5, 6, "X", 4, 2, "X") == 26
    assert segment_distance(5, 6, "X", 5, 2, "X") == 16
    assert segment_distance(5, 6, "X", 6, 2, "X") == 10
    assert segment_distance(5, 6, "X", 7, 2, "X") == 8
    assert segment_distance(5, 6, "X", 6, 4, "X") == 2
    assert segment_distance(5, 6, "X", 5, 6, "X") == 0


def test_krippendorff_2004_distance_metric_2():
    assert segment_distance(225, 70, "c", 220, 80, "c") == 50
    assert segment_distance(370, 30, "c", 355, 20, "c") == 850
    assert segment_distance(400, 50, None, 400, 20, "c") == 400


def test_krippendorff_2004_agreement():
    result, _ = krippendorff_2004()
    assert result.alpha == pytest.approx(0.8591, abs=0.0005)


def test_krippendorff_2004_category_agreement():
    _, by = krippendorff_2004()
    assert by["c"].observed == pytest.approx(0.0144, abs=1e-4)
    assert by["c"].expected == pytest.approx(0.0532, abs=1e-4)
    assert by["c"].alpha == pytest.approx(0.7286, abs=1e-4)
    assert by["k"].observed == pytest.approx(0.0, abs=1e-4)
    assert by["k"].expected == pytest.approx(0.0490, abs=1e-4)
    assert by["k"].alpha == pytest.approx(1.0, abs=1e-4)


# ---------------------------------------------------- DKPro Krippendorff1995Test

K1995 = [
    (2, 8, 0, "A"),
    (14, 6, 0, "A"),
    (4, 4, 1, "A"),
    (15, 2, 1, "A"),
    (0, 18, 0, "B"),
    (0, 2, 1, "B"),
    (2, 1, 1, "B"),
    (3, 1, 1, "B"),
    (4, 1, 1, "B"),
    (5, 1, 1, "B"),
    (6, 3, 1, "B"),
    (9, 1, 1, "B"),
    (2, 6, 0, "C"),
    (10, 2, 0, "C"),
    (14, 4, 0, "C"),
    (20, 2, 0, "C"),
    (0, 2, 1, "C"),
    (4, 4, 1, "C"),
    (10, 4, 1, "C"),
    (16, 2, 1, "C"),
    (20, 2, 1, "C"),
    (0, 2, 0, "D"),
    (2, 8, 0, "D"),
    (10, 4, 0, "D"),
    (14, 6, 0, "D"),
    (20, 4, 0, "D"),
    (0, 4, 1, "D"),
    (4, 4, 1, "D"),
    (8, 7, 1, "D"),
    (15, 2, 1, "D"),
    (17, 7, 1, "D"),
]


def krippendorff_1995(stretch: float, only: str | None = None):
    """Krippendorff (1995: p. 57), stretched as DKPro does (Java int truncation)."""
    units = [(int(o * stretch), int(n * stretch), r, c) for o, n, r, c in K1995 if only in (None, c)]
    return study(2, 0, int(24 * stretch), units)


def test_krippendorff_1995_agreement():
    _, by = krippendorff_1995(1)
    assert by["A"].observed == pytest.approx(0.03125, abs=1e-5)
    assert by["B"].observed == pytest.approx(2.26736, abs=1e-5)
    assert by["C"].observed == pytest.approx(0.02777, abs=1e-5)
    assert by["D"].observed == pytest.approx(0.38715, abs=1e-5)
    _, by = krippendorff_1995(1200000 / 24)
    assert by["A"].expected == pytest.approx(0.06990, abs=0.005)
    assert by["B"].expected == pytest.approx(1.17731, abs=0.005)
    assert by["C"].expected == pytest.approx(0.08642, abs=0.005)
    assert by["D"].expected == pytest.approx(0.41445, abs=0.005)
    assert by["A"].alpha == pytest.approx(0.553, abs=0.02)
    assert by["B"].alpha == pytest.approx(-0.926, abs=0.02)
    assert by["C"].alpha == pytest.approx(0.679, abs=0.02)
    assert by["D"].alpha == pytest.approx(0.066, abs=0.02)


@pytest.mark.parametrize(
    ("stretch", "expected", "tolerance", "alpha"),
    [
        (12 / 24, 0.05494, 0.00001, 0.494),
        (120 / 24, 0.08234, 0.005, 0.663),
        (1200 / 24, 0.08600, 0.005, 0.677),
        (12000 / 24, 0.08638, 0.005, 0.678),
        (120000 / 24, 0.08642, 0.005, 0.679),
        (1200000 / 24, 0.08642, 0.005, 0.679),
    ],
)
def test_krippendorff_1995_varying_lengths(stretch, expected, tolerance, alpha):
    _, by = krippendorff_1995(stretch, only="C")
    assert by["C"].observed == pytest.approx(0.02777, abs=1e-5)
    assert by["C"].expected == pytest.approx(expected, abs=tolerance)
    assert by["C"].alpha == pytest.approx(alpha, abs=0.02)


# ------------------------------------------------ cross-check against DKPro's loop


def dkpro_reference(raters: int, begin: int, length: int, units: list[tuple[int, int, int, str]]):
    """A direct port of DKPro's calculateObserved/ExpectedCategoryDisagreement (per category)."""
    units = sorted(units, key=lambda u: (u[0], u[1], u[2]))

    def find_next(it, rater, category):
        return next((u for u in it if u[3] == category and u[2] == rater), None)

    def observed(category):
        total = 0
        for r1 in range(raters):
            for r2 in range(r1 + 1, raters):
                it1, it2 = iter(units), iter(units)
                n1, n2 = find_next(it1, r1, category), find_next(it2, r2, category)
                o1 = o2 = begin
                l1 = l2 = 0
                c1 = c2 = None
                pos = begin
                while pos < begin + length and (n1 is not None or n2 is not None):
                    if pos == o1 + l1:
                        if n1 is not None and pos == n1[0]:
                            l1, c1, n1 = n1[1], n1[3], find_next(it1, r1, category)
                        else:
                            l1, c1 = (n1[0] if n1 is not None else begin + length) - pos, None
                        o1 = pos
                    if pos == o2 + l2:
                        if n2 is not None and pos == n2[0]:
                            l2, c2, n2 = n2[1], n2[3], find_next(it2, r2, category)
                        else:
                            l2, c2 = (n2[0] if n2 is not None else begin + length) - pos, None
                        o2 = pos
                    total += segment_distance(o1, l1, c1, o2, l2, c2)
                    pos = min(o1 + l1, o2 + l2)
        return Fraction(2 * total, raters * (raters - 1) * length * length)

    def expected(category):
        mine = [u for u in units if u[3] == category]
        squared = sum(u[1] * (u[1] - 1) for u in mine)
        gaps = []
        for r in range(raters):
            it = iter(units)
            nxt = find_next(it, r, category)
            offset, size, pos = begin, 0, begin
            while pos < begin + length:
                if pos == offset + size:
                    if nxt is not None and pos == nxt[0]:
                        size, nxt = nxt[1], find_next(it, r, category)
                    else:
                        size = (nxt[0] if nxt is not None else begin + length) - pos
                        gaps.append(size)
                    offset = pos
                pos = offset + size
        total = Fraction(0)
        for u in mine:
            n = u[1]
            total += Fraction((len(mine) - 1) * (2 * n**3 - 3 * n**2 + n), 3)
            total += sum(g - n + 1 for g in gaps if g >= n) * n * n
        return total * Fraction(2, length) / (raters * length * (raters * length - 1) - squared)

    return {c: (observed(c), expected(c)) for c in sorted({u[3] for u in units})}


@st.composite
def unitizing_studies(draw):
    """Random studies that respect DKPro's rule: one rater's units of one category never overlap."""
    raters = draw(st.integers(2, 4))
    length = draw(st.integers(5, 60))
    units = []
    for rater in range(raters):
        for category in draw(st.lists(st.sampled_from("XYZ"), unique=True, max_size=3)):
            cuts = sorted(draw(st.lists(st.integers(0, length), unique=True, max_size=8)))
            for a, b in zip(cuts[::2], cuts[1::2]):
                units.append((a, b - a, rater, category))
    return raters, length, units


@settings(max_examples=80, deadline=None)
@given(unitizing_studies())
def test_vectorised_alpha_u_matches_dkpro_loop(case):
    raters, length, units = case
    reference = dkpro_reference(raters, 0, length, units)
    _, by = study(raters, 0, length, units) if units else (None, {})
    assert set(by) == set(reference)
    for category, (d_o, d_e) in reference.items():
        assert by[category].observed == pytest.approx(float(d_o), abs=1e-12)
        assert by[category].expected == pytest.approx(float(d_e), abs=1e-12)


# ------------------------------------------------------------------ overlaps


def test_overlapping_units_of_one_rater_and_category_are_merged():
    merged, _ = study(2, 0, 20, [(2, 6, 0, "A"), (5, 7, 0, "A"), (2, 10, 1, "A")])
    assert merged.alpha == 1.0  # [2, 8) and [5, 12) are one unit [2, 12), as rater 1 marked


def test_touching_units_stay_separate():
    touching, _ = study(2, 0, 20, [(2, 3, 0, "A"), (5, 3, 0, "A"), (2, 6, 1, "A")])
    assert touching.alpha < 1.0


def test_units_of_different_categories_may_overlap():
    result, by = study(2, 0, 30, [(2, 10, 0, "A"), (4, 3, 0, "B"), (2, 10, 1, "A"), (4, 3, 1, "B")])
    assert by["A"].alpha == 1.0 and by["B"].alpha == 1.0 and result.alpha == 1.0


def test_invalid_units_are_refused():
    with pytest.raises(ValueError, match="outside the continuum"):
        alpha_u(0, 10, 2, [0], [5], [12], [0])
    with pytest.raises(ValueError, match="start < end"):
        alpha_u(0, 10, 2, [0], [5], [5], [0])
    with pytest.raises(ValueError, match="two raters"):
        alpha_u(0, 10, 1, [0], [1], [2], [0])


def test_long_continuum_stays_exact_and_fast():
    rng = np.random.default_rng(3)
    starts = np.sort(rng.choice(10_000_000, size=20_000, replace=False)) * 10
    result = alpha_u(0, 100_000_010, 2, np.tile([0, 1], 10_000), starts, starts + 5, None)
    assert -1.0 <= result.alpha <= 1.0
