"""The automatic pre-fill rules of adjudication, including ties, and candidate grouping."""

import pytest

from annotator.adjudication.rules import (
    Candidate,
    auto_judgment,
    auto_spans,
    disagreement_score,
    group_candidates,
    required_votes,
)
from annotator.model import SpanAnnotation


def span(who: str, start: int, end: int, label: str = "loaded_language") -> SpanAnnotation:
    return SpanAnnotation(1, who, start, end, label)


def test_candidates_group_identical_spans_and_record_who_gave_them():
    candidates = group_candidates([span("b", 0, 5), span("a", 0, 5), span("c", 0, 5, "name_calling"), span("a", 6, 9)])
    assert candidates == [
        Candidate(0, 5, "loaded_language", ("a", "b")),
        Candidate(0, 5, "name_calling", ("c",)),
        Candidate(6, 9, "loaded_language", ("a",)),
    ]


@pytest.mark.parametrize(
    ("rule", "n", "need"),
    [("majority", 2, 2), ("majority", 3, 2), ("majority", 4, 3), ("unanimous", 3, 3), ("none", 3, None)],
)
def test_required_votes(rule, n, need):
    assert required_votes(rule, n) == need


def test_majority_takes_spans_given_by_more_than_half():
    candidates = [Candidate(0, 5, "x", ("a", "b")), Candidate(6, 9, "x", ("c",))]
    assert auto_spans(candidates, 3, "majority") == [candidates[0]]
    assert auto_spans(candidates, 3, "unanimous") == []
    assert auto_spans(candidates, 3, "none") == []


def test_majority_tie_between_two_annotators_is_left_to_the_curator():
    candidates = [Candidate(0, 5, "x", ("a",)), Candidate(0, 5, "y", ("b",))]
    assert auto_spans(candidates, 2, "majority") == []


def test_majority_of_four_needs_three():
    candidates = [Candidate(0, 5, "x", ("a", "b")), Candidate(0, 5, "y", ("a", "b", "c"))]
    assert auto_spans(candidates, 4, "majority") == [candidates[1]]


def test_judgment_majority_records_who_agreed():
    assert auto_judgment({"a": "biased", "b": "biased", "c": "neutral"}, "majority") == ("biased", ("a", "b"))
    assert auto_judgment({"a": "biased", "b": "biased", "c": "neutral"}, "unanimous") is None


def test_judgment_tie_is_not_a_majority():
    assert auto_judgment({"a": "biased", "b": "neutral"}, "majority") is None
    assert auto_judgment({"a": "biased", "b": "neutral", "c": "x", "d": "x"}, "majority") is None


def test_missing_judgment_counts_against_every_value():
    assert auto_judgment({"a": "biased", "b": None, "c": None}, "majority") is None
    assert auto_judgment({"a": "biased", "b": "biased", "c": None}, "majority") == ("biased", ("a", "b"))


def test_unanimous_judgment():
    assert auto_judgment({"a": "neutral", "b": "neutral"}, "unanimous") == ("neutral", ("a", "b"))


def test_disagreement_score_is_zero_when_all_agree_and_grows_with_dispute():
    agree = [Candidate(0, 5, "x", ("a", "b"))]
    assert disagreement_score(agree, {"a": "biased", "b": "biased"}) == 0.0
    dispute = [Candidate(0, 5, "x", ("a",)), Candidate(0, 5, "y", ("b",))]
    assert disagreement_score(dispute, {"a": "biased", "b": "neutral"}) > disagreement_score(
        [Candidate(0, 5, "x", ("a",))], {"a": "biased", "b": "biased"}
    )
