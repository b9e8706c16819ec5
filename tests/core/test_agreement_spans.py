"""Span F1 between two annotators: worked examples and a cross-check against nervaluate."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator

from annotator.agreement.spans import SpanArrays, overlapping, span_f1

LABELS = ["loaded_language", "name_calling", "euphemism"]


def spans(*rows: tuple[int, int, int, int]) -> SpanArrays:
    return SpanArrays.of(*zip(*rows)) if rows else SpanArrays.empty()


def test_exact_overlap_and_unlabelled_f1_on_a_worked_example():
    a = spans((0, 0, 5, 1), (0, 10, 15, 2), (1, 3, 8, 1))
    b = spans((0, 0, 5, 1), (0, 12, 18, 2), (1, 3, 8, 2), (1, 20, 25, 1))
    scores = span_f1(a, b)
    assert scores.exact_f1 == pytest.approx(2 * 1 / 7)
    # b: 2 of 4 overlap a same-label span; a: 2 of 3 are overlapped by one.
    precision, recall = 2 / 4, 2 / 3
    assert scores.overlap_f1 == pytest.approx(2 * precision * recall / (precision + recall))
    assert scores.unlabelled_f1 == pytest.approx(2 * 2 / 7)


def test_f1_is_symmetric():
    a = spans((0, 0, 5, 1), (0, 10, 15, 2))
    b = spans((0, 0, 4, 1), (0, 12, 18, 2), (2, 1, 3, 1))
    ab, ba = span_f1(a, b), span_f1(b, a)
    for measure in ("exact_f1", "overlap_f1", "unlabelled_f1"):
        assert getattr(ab, measure) == pytest.approx(getattr(ba, measure))


def test_spans_in_other_units_never_match():
    scores = span_f1(spans((0, 0, 5, 1)), spans((1, 0, 5, 1)))
    assert scores.exact_f1 == 0.0 and scores.overlap_f1 == 0.0


def test_nested_spans_on_one_side_are_found_by_overlap():
    a = spans((0, 0, 30, 1), (0, 2, 4, 1))
    found = overlapping(spans((0, 20, 25, 1), (0, 31, 40, 1)), a)
    assert found.tolist() == [True, False]


def test_no_spans_on_either_side_is_undefined_and_one_empty_side_is_zero():
    nothing = span_f1(SpanArrays.empty(), SpanArrays.empty())
    assert math.isnan(nothing.exact_f1) and math.isnan(nothing.overlap_f1) and math.isnan(nothing.unlabelled_f1)
    one_sided = span_f1(spans((0, 0, 5, 1)), SpanArrays.empty())
    assert (one_sided.exact_f1, one_sided.overlap_f1, one_sided.unlabelled_f1) == (0.0, 0.0, 0.0)


def test_duplicate_spans_are_rejected():
    with pytest.raises(ValueError, match="duplicate spans"):
        span_f1(spans((0, 0, 5, 1), (0, 0, 5, 1)), spans((0, 0, 5, 1)))


@st.composite
def paired_spans(draw):
    """Spans in slots of 12 characters: each side has at most one span per slot, so any
    overlap pairs exactly one span with one span and nervaluate's greedy matching is
    the same as set matching."""
    units = draw(st.integers(1, 4))
    sides: tuple[list, list] = ([], [])
    for unit in range(units):
        for slot in range(draw(st.integers(1, 4))):
            for side in sides:
                if draw(st.booleans()):
                    start = slot * 12 + draw(st.integers(0, 5))
                    end = start + draw(st.integers(1, 6))
                    side.append((unit, start, end, draw(st.integers(0, len(LABELS) - 1))))
    return units, sides[0], sides[1]


def _documents(units: int, rows: list) -> list[list[dict]]:
    # nervaluate ends are inclusive.
    return [
        [{"label": LABELS[label], "start": s, "end": e - 1} for u, s, e, label in rows if u == unit]
        for unit in range(units)
    ]


@settings(max_examples=80, deadline=None)
@given(paired_spans())
def test_span_f1_matches_nervaluate(case):
    units, a, b = case
    if not a or not b:
        return
    ours = span_f1(spans(*a), spans(*b))
    results = Evaluator(_documents(units, a), _documents(units, b), tags=LABELS, loader="dict").evaluate()["overall"]
    assert ours.exact_f1 == pytest.approx(results["strict"].f1, abs=1e-12)
    assert ours.overlap_f1 == pytest.approx(results["ent_type"].f1, abs=1e-12)
    assert ours.unlabelled_f1 == pytest.approx(results["exact"].f1, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(paired_spans())
def test_per_label_f1_equals_f1_on_that_labels_spans_alone(case):
    _, a, b = case
    a, b = spans(*a), spans(*b)
    scores = span_f1(a, b, labels=range(len(LABELS)))
    for code in range(len(LABELS)):
        alone = span_f1(a.select(a.label == code), b.select(b.label == code))
        exact, overlap = scores.per_label[code]
        assert exact == pytest.approx(alone.exact_f1, nan_ok=True)
        assert overlap == pytest.approx(alone.overlap_f1, nan_ok=True)
