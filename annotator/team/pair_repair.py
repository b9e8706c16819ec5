"""The repair pass after the greedy assignment: local search on the new documents'
teams until the pairs' overlaps are even.

The greedy rule (assignment.py) decides one document at a time, largest first, so a
few big documents can leave some pairs far ahead of others (issue 14: six annotators,
three per document, eight documents of 40 sentences among 42 of one or two; one pair
shared 160 sentences, another 54), and on a large corpus of one document size the
narrow load window makes the last teams of each round repeat pairs. The pass moves
members of new documents only (existing rows never move) and keeps every promise the
greedy made:
- a move puts an annotator not on a team in the place of one who is, so a team keeps
  exactly K distinct members;
- no load leaves the window the greedy promised (the mean plus or minus the largest
  document), and a load already outside it (after `team add`) only moves towards it.

It lowers the sum over pairs of the fourth power of each overlap's distance from
their mean (their total, so the mean, is fixed by the documents). Each accepted move
lowers it strictly, so the pass ends. Squares (the variance) stop too early: with
seven annotators, four per document and sixty documents of one size, every single
move and trade raised the variance while pairs were still three documents apart; the
fourth power weighs the extreme pairs enough to bring them within two. The pass stops
once the most and the least shared pairs are within one (the largest) document of
each other, as even as documents of one size allow.

The moves tried touch the most and the least shared pairs:
- on a document both members of a most shared pair have, one of them gives way;
- on a document one member of a least shared pair has, the other takes the place of
  a third;
- when the load window forbids a move, it is paired with the opposite move on a
  second document (the two annotators trade places), which nets each load out to the
  difference of the two documents' sizes.
To stay fast on 20,000 documents and 30 annotators, a step tries as newcomers the few
annotators who overlap least with those staying, asks the few who overlap most to give
way, tries documents with the same size and team once, and a few dozen documents per
pair; when that finds nothing, a last look widens the search (every document and
partner, ten times the trades) before the pass ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# How many of the most and least shared pairs each step works on: several, because
# pairs often tie and the first of a tie may have no move left.
_EXTREMES = 3
# How many partners (most or least overlapping) a step considers per annotator; with
# six annotators or fewer, that is all of them, and the last look takes everyone.
_PARTNERS = 5
# How many load-blocked moves each step tries to complete with a trade (more in the
# last look before the pass ends).
_TRADES = 6
_LAST_TRADES = 60
# How many documents a step tries per pair (and per trade): on a large corpus a pair
# shares hundreds, and any few of them make the move. The window rotates from step to
# step.
_SAMPLE = 24

Move = tuple[str, int, int]  # (document, the member who leaves, the one who joins)


def repair(
    teams: dict[str, list[int]],
    size: Mapping[str, int],
    loads: list[int],
    overlap: list[list[int]],
    window: tuple[int, int],
    *,
    goal: int,
    steps: int,
) -> None:
    """Improve `teams` (document -> annotator indices) in place, with `loads` and
    `overlap` kept in step. `window` is (low, high) for n times a load (integers, so
    the bounds are exact); the pass stops when the pairs' overlaps are within `goal`
    of each other, when no move helps, or after `steps` moves."""
    if len(loads) < 3 or not teams or len(next(iter(teams.values()))) < 2:
        return  # one pair or none, or teams of one: nothing to even out
    search = _Search(teams, size, loads, overlap, window)
    for _ in range(steps):
        search.step += 1
        move = search.best_move(goal, _SAMPLE)
        if move is None:  # the last look: every document, partner and more trades
            move = search.best_move(goal, None)
        if move is None:
            return
        for document, out, into in move:
            search.apply(document, out, into)


class _Search:
    def __init__(
        self,
        teams: dict[str, list[int]],
        size: Mapping[str, int],
        loads: list[int],
        overlap: list[list[int]],
        window: tuple[int, int],
    ) -> None:
        self.teams, self.size, self.loads, self.overlap = teams, size, loads, overlap
        self.n = len(loads)
        self.low, self.high = window
        self.step = 0
        self.cap: int | None = None  # documents tried per pair, None for all
        self.width = _PARTNERS  # partners tried per annotator
        self.partners: list[list[int]] = []  # each one's, least overlapping first
        self.pairs = self.n * (self.n - 1) // 2
        self.total = sum(overlap[x][y] for x in range(self.n) for y in range(x + 1, self.n))
        self.docs_of: list[set[str]] = [set() for _ in loads]
        for document, members in teams.items():
            for a in members:
                self.docs_of[a].add(document)

    def apply(self, document: str, out: int, into: int) -> None:
        s = self.size[document]
        members = self.teams[document]
        for t in members:
            if t != out:
                self.overlap[out][t] -= s
                self.overlap[t][out] -= s
                self.overlap[into][t] += s
                self.overlap[t][into] += s
        members[members.index(out)] = into
        self.loads[out] -= s
        self.loads[into] += s
        self.docs_of[out].discard(document)
        self.docs_of[into].add(document)

    def gain(self, document: str, out: int, into: int) -> int:
        """The change in the cost if `into` took `out`'s place on `document`: the pairs
        of `out` with the members who stay lose its size, those of `into` gain it."""
        s = self.size[document]
        row_out, row_into = self.overlap[out], self.overlap[into]
        cost = self.cost
        return sum(
            cost(row_into[t] + s) - cost(row_into[t]) + cost(row_out[t] - s) - cost(row_out[t])
            for t in self.teams[document]
            if t != out
        )

    def cost(self, overlap: int) -> int:
        # (pairs * overlap - total) is the distance from the mean, scaled to an integer.
        return (self.pairs * overlap - self.total) ** 4

    def fits(self, changes: Mapping[int, int]) -> bool:
        for a, delta in changes.items():
            old = self.n * self.loads[a]
            new = old + self.n * delta
            if self.low <= new <= self.high:
                continue
            # Outside the window only a step towards it is allowed.
            if not (old < self.low and old <= new <= self.high) and not (old > self.high and self.low <= new <= old):
                return False
        return True

    def _distinct(self, documents: Iterable[str]) -> list[str]:
        """One document per (size, team), since the others would be the same move; at
        most `self.cap` of them, from a window that moves with the step."""
        ordered = sorted(documents)
        if self.cap is not None and len(ordered) > self.cap:
            start = self.step * self.cap % len(ordered)
            ordered = ordered[start:] + ordered[:start]
        seen: dict[tuple[int, tuple[int, ...]], str] = {}
        for document in ordered:
            seen.setdefault((self.size[document], tuple(sorted(self.teams[document]))), document)
            if len(seen) == self.cap:
                break
        return list(seen.values())

    def best_move(self, goal: int, cap: int | None) -> list[Move] | None:
        self.cap = cap
        self.width = _PARTNERS if cap is not None else self.n
        n, overlap = self.n, self.overlap
        pairs = sorted((overlap[x][y], x, y) for x in range(n) for y in range(x + 1, n))
        if pairs[-1][0] - pairs[0][0] <= goal:
            return None
        # Ties by index, so that a plan is the same for the same seed.
        partners = [sorted((b for b in range(n) if b != a), key=lambda b, a=a: (overlap[a][b], b)) for a in range(n)]
        self.partners = partners
        candidates: set[Move] = set()
        for _, x, y in pairs[-_EXTREMES:]:  # most shared: x or y gives way on a common document
            for document in self._distinct(self.docs_of[x] & self.docs_of[y]):
                members = self.teams[document]
                for out in (x, y):
                    for into in self._newcomers(members, out, pairs[0][1:]):
                        candidates.add((document, out, into))
        for _, u, v in pairs[:_EXTREMES]:  # least shared: v joins u, in place of a third
            for have, lack in ((u, v), (v, u)):
                for t in partners[have][-self.width :]:
                    if t == lack:
                        continue
                    for document in self._distinct(self.docs_of[have] & self.docs_of[t] - self.docs_of[lack]):
                        candidates.add((document, t, lack))
        best: list[Move] | None = None
        best_gain = 0
        blocked: list[tuple[int, str, int, int]] = []
        for document, out, into in sorted(candidates):
            g = self.gain(document, out, into)
            s = self.size[document]
            if not self.fits({out: -s, into: s}):
                # Worth trying with a trade even if it does not pay alone: the second
                # move may be what lowers the sum.
                blocked.append((g, document, out, into))
            elif g < best_gain:
                best, best_gain = [(document, out, into)], g
        blocked.sort()
        for _, document, out, into in blocked[: _TRADES if cap is not None else _LAST_TRADES]:
            trade = self._trade(document, out, into, best_gain)
            if trade is not None:
                best, best_gain = trade
        return best

    def _newcomers(self, members: list[int], out: int, least: tuple[int, int]) -> set[int]:
        """Who might take `out`'s place: the least shared pair's members and those who
        overlap least with the members who stay."""
        found = {b for b in least if b not in members}
        for t in members:
            if t != out:
                found.update(b for b in self.partners[t][: self.width] if b not in members)
        return found

    def _trade(self, document: str, out: int, into: int, to_beat: int) -> tuple[list[Move], int] | None:
        """The best second document on which `out` takes `into`'s place, so that the
        two moves together fit the window and lower the sum by more than `to_beat`."""
        s = self.size[document]
        pool: set[str] = set()
        for w in self.partners[into][-self.width :]:  # whom `into` overlaps most with
            if w != out:
                pool |= self.docs_of[into] & self.docs_of[w]
        others = [
            other
            for other in self._distinct(pool - self.docs_of[out] - {document})
            if self.fits({out: self.size[other] - s, into: s - self.size[other]})
        ]
        if not others:
            return None
        first = self.gain(document, out, into)
        self.apply(document, out, into)
        try:
            found, found_gain = None, to_beat
            for other in others:
                g = first + self.gain(other, into, out)
                if g < found_gain:
                    found, found_gain = [(document, out, into), (other, into, out)], g
        finally:
            self.apply(document, into, out)
        return None if found is None else (found, found_gain)
