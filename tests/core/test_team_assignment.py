"""The assignment rule's promises, as properties: exactly K, balanced loads, balanced
pairs, stable increments, calibration and gold checks for everyone."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.team.assignment import AssignmentError, Row, plan


def _docs(sizes: list[int], prefix: str = "d") -> list[tuple[str, int]]:
    return [(f"{prefix}{i:05d}", size) for i, size in enumerate(sizes)]


def _names(n: int) -> list[str]:
    return [f"a{i:02d}" for i in range(n)]


def _team(rows: list[Row]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for r in rows:
        found.setdefault(r.document_id, set()).add(r.annotator)
    return found


def _loads(rows: list[Row]) -> Counter:
    return Counter({r.annotator: 0 for r in rows}) + Counter(
        {a: sum(r.sentences for r in rows if r.annotator == a) for a in {r.annotator for r in rows}}
    )


team_sizes = st.integers(min_value=2, max_value=7)


@settings(max_examples=60, deadline=None)
@given(
    n=team_sizes,
    k=st.integers(1, 4),
    sizes=st.lists(st.integers(1, 60), min_size=1, max_size=120),
    seed=st.integers(0, 10),
)
def test_every_document_gets_exactly_k_distinct_annotators(n: int, k: int, sizes: list[int], seed: int) -> None:
    k = min(k, n)
    result = plan(_docs(sizes), _names(n), per_item=k, seed=seed)
    teams = _team(result.added)
    assert set(teams) == {d for d, _ in _docs(sizes)}
    assert all(len(members) == k for members in teams.values())
    assert len(result.added) == k * len(sizes)  # distinct: no annotator twice on one document


@settings(max_examples=60, deadline=None)
@given(
    n=team_sizes,
    k=st.integers(1, 4),
    sizes=st.lists(st.integers(1, 60), min_size=1, max_size=150),
    seed=st.integers(0, 10),
)
def test_each_load_is_within_one_document_of_the_mean(n: int, k: int, sizes: list[int], seed: int) -> None:
    k = min(k, n)
    names = _names(n)
    result = plan(_docs(sizes), names, per_item=k, seed=seed)
    load = {a: sum(r.sentences for r in result.added if r.annotator == a) for a in names}
    mean = sum(load.values()) / n
    assert all(abs(value - mean) <= max(sizes) for value in load.values()), (load, mean)


def _shared(docs: list[tuple[str, int]], n: int, k: int, seed: int) -> list[int]:
    """Every pair's overlap, in sentences, in a plan made from scratch."""
    result = plan(docs, _names(n), per_item=k, seed=seed)
    size = dict(docs)
    shared = Counter()
    for document, members in _team(result.added).items():
        for pair in combinations(sorted(members), 2):
            shared[pair] += size[document]
    return [shared[pair] for pair in combinations(_names(n), 2)]


def _mean_pair_overlap(sizes: list[int], n: int, k: int) -> float:
    # Each document adds its size to k(k-1)/2 of the n(n-1)/2 pairs.
    return sum(sizes) * k * (k - 1) / (n * (n - 1))


# The pair promise (README, "Running a team"; annotator/team/pair_repair.py):
# - always, the most and the least shared pairs are within 3 S of each other, S being
#   the largest document;
# - so when the pairs share on average at least 6 S (for one document size: at least
#   6 documents per pair; the issue's 10 are inside it), the smallest overlap is at
#   least half the largest: max >= mean >= 6 S, and min >= max - 3 S >= max / 2.
# Below that it cannot always be met (see the test after these two).
SPREAD_IN_DOCUMENTS = 3
DOCUMENTS_PER_PAIR = 6


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(3, 7),
    k=st.integers(2, 4),
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=30),
    extra=st.integers(0, 40),
    seed=st.integers(0, 5),
)
# Issue 14: big documents left only the least loaded annotators, so pairs repeated
# (smallest overlap 57 against a largest of 116).
@example(n=6, k=2, sizes=[1, 1, 1, 1, 1, 14, 15, 16], extra=0, seed=5)
def test_pairs_overlap_evenly_when_they_share_six_largest_documents_on_average(
    n: int, k: int, sizes: list[int], extra: int, seed: int
) -> None:
    k = min(k, n - 1)
    # The sizes, repeated until the pairs share 6 largest documents on average, and
    # then some.
    wanted = DOCUMENTS_PER_PAIR * max(sizes) * n * (n - 1)
    count, total = 0, 0
    while total * k * (k - 1) < wanted:
        total += sizes[count % len(sizes)]
        count += 1
    corpus = [sizes[i % len(sizes)] for i in range(count + extra)]
    assert _mean_pair_overlap(corpus, n, k) >= DOCUMENTS_PER_PAIR * max(corpus)
    values = _shared(_docs(corpus), n, k, seed)
    assert min(values) >= max(values) / 2, values


# Documents of any sizes, a dominant one included, few or many.
lumpy_sizes = st.lists(st.one_of(st.integers(1, 3), st.integers(1, 40), st.integers(40, 400)), min_size=1, max_size=80)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(3, 8), k=st.integers(2, 5), sizes=lumpy_sizes, seed=st.integers(0, 5))
# Issue 14: 10 documents per pair, but eight of the 50 have 40 sentences and the rest
# one or two; the greedy rule alone left one pair 160 sentences and another 54.
@example(n=6, k=3, sizes=[2, 1, 1, 2, 40, 1] * 8 + [2, 1], seed=4)
def test_the_most_and_least_shared_pairs_are_within_three_largest_documents(
    n: int, k: int, sizes: list[int], seed: int
) -> None:
    k = min(k, n)
    values = _shared(_docs(sizes), n, k, seed)
    assert max(values) - min(values) <= SPREAD_IN_DOCUMENTS * max(sizes), values
    # The repair pass that evens the pairs keeps the other promises on such inputs.
    result = plan(_docs(sizes), _names(n), per_item=k, seed=seed)
    assert all(len(m) == k for m in _team(result.added).values())
    load = {a: sum(r.sentences for r in result.added if r.annotator == a) for a in _names(n)}
    mean = sum(load.values()) / n
    assert all(abs(value - mean) <= max(sizes) for value in load.values()), (load, mean)


def test_the_issue_s_counterexample_now_meets_the_half_rule() -> None:
    # Below the promise's condition (the pairs share 1.9 largest documents on
    # average), but it can be met, and the repair pass meets it.
    sizes = [2, 1, 1, 2, 40, 1] * 8 + [2, 1]
    assert _mean_pair_overlap(sizes, 6, 3) < DOCUMENTS_PER_PAIR * 40
    values = _shared(_docs(sizes), 6, 3, 4)
    assert min(values) >= max(values) / 2, values


def test_below_the_condition_a_dominant_document_can_make_the_half_rule_impossible() -> None:
    # 10 documents per pair, but one has 100 sentences and the 29 others one each.
    # Whichever pair gets the big one shares at least 100; the other two share at most
    # the 29 left between them, so one of them at most 14 < 100 / 2: no plan meets it.
    sizes = [100] + [1] * 29
    n, k = 3, 2
    assert _mean_pair_overlap(sizes, n, k) < DOCUMENTS_PER_PAIR * 100
    values = _shared(_docs(sizes), n, k, 0)
    assert min(values) < max(values) / 2
    # What the plan still does: the big document's pair gets nothing else, the others
    # split the rest evenly, and everything else the assignment promises holds.
    assert sorted(values) == [14, 15, 100]
    result = plan(_docs(sizes), _names(n), per_item=k, seed=0)
    assert all(len(m) == k for m in _team(result.added).values())
    load = _loads(result.added)
    mean = sum(load.values()) / n
    assert all(abs(v - mean) <= 100 for v in load.values()), load


@settings(max_examples=40, deadline=None)
@given(
    n=team_sizes,
    k=st.integers(1, 3),
    first=st.lists(st.integers(1, 50), min_size=1, max_size=60),
    second=st.lists(st.integers(1, 50), min_size=1, max_size=60),
    seed=st.integers(0, 5),
)
def test_a_second_run_assigns_only_new_documents_and_moves_nothing(
    n: int, k: int, first: list[int], second: list[int], seed: int
) -> None:
    k = min(k, n)
    names = _names(n)
    before = plan(_docs(first), names, per_item=k, seed=seed).added
    again = plan(_docs(first), names, before, per_item=k, seed=seed)
    assert again.added == [] and again.removed == []
    docs = _docs(first) + _docs(second, prefix="e")
    after = plan(docs, names, before, per_item=k, seed=seed)
    assert after.removed == []
    assert {r.document_id for r in after.added} == {d for d, _ in _docs(second, prefix="e")}
    assert all(len(m) == k for m in _team(after.added).values())
    # New documents come after the old ones in every queue.
    for a in names:
        old = [r.position for r in before if r.annotator == a]
        new = [r.position for r in after.added if r.annotator == a]
        if old and new:
            assert min(new) > max(old)


def test_calibration_documents_go_to_everyone_first_and_are_seeded() -> None:
    docs = _docs([10] * 40)
    names = _names(5)
    result = plan(docs, names, per_item=2, calibration=3, seed=7)
    assert result.calibration == plan(docs, names, per_item=2, calibration=3, seed=7).calibration
    assert result.calibration != plan(docs, names, per_item=2, calibration=3, seed=8).calibration
    teams = _team(result.added)
    for document in result.calibration:
        assert teams[document] == set(names)
    assert sum(len(m) == 2 for m in teams.values()) == 37
    # A later member gets the calibration documents too.
    later = plan(docs, [*names, "zoe"], result.added, per_item=2, calibration=3, seed=7)
    assert {r.document_id for r in later.added if r.calibration} == set(result.calibration)
    assert all(r.annotator == "zoe" for r in later.added)


def test_gold_checks_go_blind_to_everyone_who_has_not_done_them() -> None:
    docs = _docs([10] * 30)
    names = _names(4)
    first = plan(docs, names, per_item=2, seed=1).added
    gold = [d for d, _ in docs[:5]]
    result = plan(docs, names, first, per_item=2, gold_candidates=gold, gold_checks=2, seed=1)
    assert len(result.gold_checks) == 2 and set(result.gold_checks) <= set(gold)
    teams = _team(first + result.added)
    for document in result.gold_checks:
        assert teams[document] == set(names)
    assert all(r.gold_check and not r.calibration for r in result.added)


def test_rebalance_moves_only_documents_nobody_started() -> None:
    docs = _docs([10] * 20)
    first = plan(docs, ["ana", "budi"], per_item=1, seed=0).added
    started = {r.document_id for r in first[:6]}
    result = plan(docs, ["ana", "budi", "citra"], first, per_item=1, started=started, rebalance=True)
    assert {r.document_id for r in result.removed} == {d for d, _ in docs} - started
    kept = [r for r in first if r.document_id in started]
    final = kept + result.added
    assert all(len(m) == 1 for m in _team(final).values())
    assert "citra" in {r.annotator for r in result.added}


def test_too_few_annotators_is_refused() -> None:
    with pytest.raises(AssignmentError, match="at least 3"):
        plan(_docs([5]), ["ana", "budi"], per_item=3)
