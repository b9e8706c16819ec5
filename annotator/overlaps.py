"""The one overlap rule: which of one annotator's spans labels a token they share.

A span covers a token when they share at least one character. When several of one
annotator's spans cover a token, the LONGEST (in characters) wins, then the label
listed first in the tag set, then the earlier start, then the earlier end.

Why the longest: the exports exist to train flat (BIO) taggers, and BIO can hold only
one span per token. Longest-first keeps the outer span whole and drops what is nested
inside it; shortest-first would cut an outer span around each nested one into pieces
that nobody annotated (B-x I-x B-y B-x ...). A winner's tokens are always contiguous
(a span inside another is strictly shorter, so it cannot win a token in the middle of
a longer one), so each winning span reads back as one BIO chunk.

Token agreement (annotator.agreement.matrices), the tokens CSV, CoNLL and the `hf`
dataset all decide by `winner_rank` here: the agreement code ranks numpy arrays with
it, and `token_winners` ranks one sentence's spans with it. The per-label agreement
figures look at each label on its own, so a nested span still counts there.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def winner_rank(span_length: T, label_code: T, label_codes: int) -> T:
    """The rank of a span covering a token: the lowest rank wins the token.

    Works on ints and on numpy integer arrays alike (agreement ranks millions at once).
    `label_code` is the label's position in the tag set (unknown labels after all of
    them), and `label_codes` is larger than every code.
    """
    return -span_length * label_codes + label_code


class LabelOrder:
    """Label codes by place in the tag set's order; a label missing from it comes after
    all of them, by name. Build it once per export: it is what ranks ties."""

    def __init__(self, order: Sequence[str] = ()):
        self.order = tuple(order)
        self.codes = {name: code for code, name in enumerate(self.order)}

    def key(self, label: str) -> tuple[int, str]:
        code = self.codes.get(label)
        return (code, "") if code is not None else (len(self.codes), label)


def covering(
    tokens: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, str]], order: LabelOrder
) -> tuple[list[int | None], list[int]]:
    """(each token's winning span index or None, how many tokens each span covers)."""
    winners: list[int | None] = [None] * len(tokens)
    if not spans:
        return winners, []
    starts = [t[0] for t in tokens]
    ends = [t[1] for t in tokens]
    ranges = [(bisect_right(ends, start), bisect_left(starts, end)) for start, end, _ in spans]
    if len(spans) == 1:
        ranked: Sequence[int] = (0,)
    else:
        bound = len(order.codes) + 1

        def rank(i: int) -> tuple:
            start, end, label = spans[i]
            code, name = order.key(label)
            return winner_rank(end - start, code, bound), name, start, end

        ranked = sorted(range(len(spans)), key=rank)
    for i in ranked:
        first, last = ranges[i]
        for t in range(first, last):
            if winners[t] is None:
                winners[t] = i
    return winners, [max(0, last - first) for first, last in ranges]


def token_winners(
    tokens: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, str]], order: Sequence[str] | LabelOrder = ()
) -> list[int | None]:
    """For each token, the index in `spans` of the span that labels it, or None ("O")."""
    return covering(tokens, spans, order if isinstance(order, LabelOrder) else LabelOrder(order))[0]


def same_label_overlaps(spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of spans of one label that share a character: gold should
    hold one span there (BIO reads two as one chunk, span F1 counts them twice)."""
    pairs = []
    ordered = sorted(range(len(spans)), key=lambda i: (spans[i][2], spans[i][0], spans[i][1]))
    for n, i in enumerate(ordered):
        _, end, label = spans[i]
        for j in ordered[n + 1 :]:
            if spans[j][2] != label or spans[j][0] >= end:
                break
            pairs.append((min(i, j), max(i, j)))
    return pairs
