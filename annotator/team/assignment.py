"""Assigning documents to annotators: exactly K each, balanced loads, balanced pairs.

The unit is the document (framing needs its context). `plan` is pure: it takes the
documents with their sizes, the active annotators and the assignments that exist, and
returns the rows to add (and, with `rebalance`, the rows to drop).

The rule, per new document, largest first:
- the first annotator is the least loaded one (in sentences);
- each further one is the annotator whose overlap (in sentences) with those already
  chosen is smallest, among the annotators it is safe to load: giving an annotator the
  document must not put her more than one document's size (the largest, S) above the
  least loaded annotator left out. The least loaded candidate always qualifies, so a
  choice exists, and the loads' spread never exceeds S: everyone is within S of the
  mean. Inside that window the pair counts steer;
- then a repair pass (pair_repair.py) moves members of the new documents until the
  most and the least shared pairs are within one (the largest) document's size, or
  no move helps, keeping K and every load within S of the mean.

The pair promise, for the documents of one run (earlier runs' rows never move, so an
increment can only even out what they left): the most and the least shared pairs are
within 3 S of each other, S being the largest document; so when the pairs share on
average at least 6 S (for documents of one size, 6 documents per pair), the smallest
pairwise overlap is at least half the largest (max >= mean >= 6 S, min >= max - 3 S).
Below that it is not always possible: one document of 100 sentences and 29 of one,
three annotators, two per document, is 10 documents per pair, yet the pair given the
big one shares at least 100 and one of the other two at most 14.

Existing rows never move. Calibration documents go to everyone, first in their
queue; gold checks (adjudicated documents) go to everyone who has not done them, at
seeded random places in their queue, so they are blind.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import AnnotatorError
from .pair_repair import repair


class AssignmentError(AnnotatorError):
    pass


@dataclass(frozen=True)
class Row:
    """One document in one annotator's queue."""

    document_id: str
    annotator: str
    sentences: int
    position: float
    calibration: bool = False
    gold_check: bool = False
    origin: str = "assign"  # or "adaptive": added because the first ones disagreed


@dataclass
class Plan:
    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    calibration: list[str] = field(default_factory=list)  # documents newly made calibration
    gold_checks: list[str] = field(default_factory=list)  # documents newly made gold checks


def plan(
    documents: Sequence[tuple[str, int]],
    annotators: Sequence[str],
    existing: Iterable[Row] = (),
    *,
    per_item: int,
    calibration: int = 0,
    gold_candidates: Sequence[str] = (),
    gold_checks: int = 0,
    seed: int = 0,
    started: Collection[str] = frozenset(),
    rebalance: bool = False,
) -> Plan:
    """What to add to (and, with `rebalance`, drop from) the assignments.

    `documents` are (id, sentences) in import order; `annotators` the active ones;
    `existing` every stored row (retired annotators' included); `started` the
    documents someone has begun; `gold_candidates` the adjudicated documents.
    """
    active = list(dict.fromkeys(annotators))
    if per_item < 1:
        raise AssignmentError("--per-item must be at least 1")
    if len(active) < per_item:
        raise AssignmentError(
            f"--per-item {per_item} needs at least {per_item} active annotators; the roster has {len(active)}"
        )
    if calibration < 0 or gold_checks < 0:
        raise AssignmentError("--calibration and --gold-checks must not be negative")
    rng = random.Random(seed)
    size = dict(documents)
    result = Plan()
    rows = list(existing)
    if rebalance:
        special = {r.document_id for r in rows if r.calibration or r.gold_check}
        movable = {r.document_id for r in rows if r.document_id not in started and r.document_id not in special}
        result.removed = [r for r in rows if r.document_id in movable]
        rows = [r for r in rows if r.document_id not in movable]
    by_document: dict[str, set[str]] = {}
    for r in rows:
        by_document.setdefault(r.document_id, set()).add(r.annotator)
    calibration_docs = _ordered_special(rows, "calibration")
    gold_docs = _ordered_special(rows, "gold_check")
    fresh = [d for d, _ in documents if d not in by_document]

    # Calibration: seeded picks among the unassigned documents.
    want = calibration - len(calibration_docs)
    if want > 0:
        picks = rng.sample(fresh, min(want, len(fresh)))
        calibration_docs += picks
        result.calibration = picks
        chosen = set(picks)
        fresh = [d for d in fresh if d not in chosen]
    # Gold checks: seeded picks among the adjudicated documents.
    want = gold_checks - len(gold_docs)
    if want > 0:
        pool = [d for d in gold_candidates if d in size and d not in gold_docs and d not in calibration_docs]
        picks = rng.sample(pool, min(want, len(pool)))
        gold_docs += picks
        result.gold_checks = picks

    load = {a: 0 for a in active}
    overlap = [[0] * len(active) for _ in active]
    index = {a: i for i, a in enumerate(active)}
    queue_end = {a: -1.0 for a in active}
    mine: dict[str, set[str]] = {a: set() for a in active}
    for r in rows:
        if r.annotator in load:
            load[r.annotator] += r.sentences
            mine[r.annotator].add(r.document_id)
            if not r.calibration:
                queue_end[r.annotator] = max(queue_end[r.annotator], r.position)
    for document, names in by_document.items():
        _count_pairs(overlap, [index[a] for a in names if a in index], size.get(document, 0))

    # Everyone has every calibration document, in the order they were picked.
    for ordinal, document in enumerate(calibration_docs):
        for a in active:
            if document not in mine[a]:
                result.added.append(Row(document, a, size.get(document, 0), float(ordinal), calibration=True))
                load[a] += size.get(document, 0)
                mine[a].add(document)

    # The new documents, largest first (ties in a seeded order), K annotators each.
    tie = {d: rng.random() for d in fresh}
    biggest = max([*size.values(), 0])
    picked: dict[str, list[str]] = {}
    ranks = list(range(len(active)))
    for document in sorted(fresh, key=lambda d: (-size[d], tie[d])):
        # A fresh seeded tie order per document: a fixed (or rotating) one makes the
        # same pairs meet again and again when many documents have one size.
        names = _choose(size[document], biggest, per_item, active, load, overlap, rng.sample(ranks, len(ranks)))
        picked[document] = names
        for a in names:
            load[a] += size[document]
        _count_pairs(overlap, [index[a] for a in names], size[document])
    if fresh and per_item > 1:
        teams = {d: [index[a] for a in picked[d]] for d in fresh}
        loads = [load[a] for a in active]
        total, n = sum(loads), len(active)
        window = (total - n * biggest, total + n * biggest)
        repair(teams, size, loads, overlap, window, goal=biggest, steps=_REPAIR_STEPS)
        picked = {d: [active[i] for i in members] for d, members in teams.items()}
    for document in fresh:  # queue positions follow import order
        for a in picked[document]:
            queue_end[a] += 1
            result.added.append(Row(document, a, size[document], queue_end[a]))
            mine[a].add(document)

    # Gold checks, mixed blind into each queue at a seeded place.
    for document in gold_docs:
        for a in active:
            if document not in mine[a]:
                result.added.append(
                    Row(document, a, size.get(document, 0), rng.uniform(-0.5, queue_end[a] + 0.5), gold_check=True)
                )
                mine[a].add(document)
    return result


def _ordered_special(rows: Sequence[Row], flag: str) -> list[str]:
    found: dict[str, float] = {}
    for r in rows:
        if getattr(r, flag):
            found[r.document_id] = min(found.get(r.document_id, r.position), r.position)
    return sorted(found, key=lambda d: (found[d], d))


def _count_pairs(overlap: list[list[int]], members: Sequence[int], sentences: int) -> None:
    for x in members:
        for y in members:
            if x != y:
                overlap[x][y] += sentences


# The repair pass's cap on moves.
_REPAIR_STEPS = 5_000


def _choose(
    sentences: int,
    biggest: int,
    k: int,
    active: Sequence[str],
    load: Mapping[str, int],
    overlap: list[list[int]],
    rank: list[int],
) -> list[str]:
    loads = [load[a] for a in active]
    everyone = set(range(len(active)))
    # The least loaded annotator first. When the load window then forces the same
    # pairs again (big documents, or one size everywhere), the repair pass evens them
    # out: trying several first members here cost more and did less (issue 14).
    lowest = min(everyone, key=lambda i: (loads[i], rank[i]))
    team = _complete([lowest], sentences, biggest, k, everyone, loads, overlap, rank)
    return [active[i] for i in team]


def _complete(
    chosen: list[int],
    sentences: int,
    biggest: int,
    k: int,
    everyone: set[int],
    loads: list[int],
    overlap: list[list[int]],
    rank: list[int],
) -> list[int]:
    left = everyone - set(chosen)
    while len(chosen) < k:
        # The least loaded annotator left always qualifies; any other must stay within
        # `biggest` of her once loaded (she may be the one left out). Whichever member
        # came first, the loads' spread so stays within `biggest`.
        lowest = min(left, key=lambda i: (loads[i], rank[i]))
        ceiling = loads[lowest] + biggest - sentences
        best, best_cost = -1, None
        for i in left:
            if i != lowest and loads[i] > ceiling:
                continue
            cost = (sum(overlap[i][c] for c in chosen), loads[i], rank[i])
            if best_cost is None or cost < best_cost:
                best, best_cost = i, cost
        chosen.append(best)
        left.discard(best)
    return chosen


def least_loaded(candidates: Iterable[str], load: Mapping[str, int]) -> str | None:
    """The candidate with the fewest assigned sentences (name order breaks ties)."""
    return min(candidates, key=lambda a: (load.get(a, 0), a), default=None)
