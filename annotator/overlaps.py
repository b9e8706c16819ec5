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
    return -span_length * label_codes + label_code  # type: ignore[operator]


def label_codes(labels: Sequence[str], order: Sequence[str]) -> tuple[dict[str, int], int]:
    """Codes for `labels` by their place in the tag set's `order`; labels missing from it
    come after, by name. Returns (codes, a bound above every code)."""
    codes = {name: i for i, name in enumerate(order)}
    for name in sorted(set(labels) - codes.keys()):
        codes[name] = len(codes)
    return codes, len(codes) + 1


def token_winners(
    tokens: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, str]], order: Sequence[str] = ()
) -> list[int | None]:
    """For each token, the index in `spans` of the span that labels it, or None ("O")."""
    codes, bound = label_codes([s[2] for s in spans], order)
    winners: list[int | None] = [None] * len(tokens)
    if not spans:
        return winners
    ends = [t[1] for t in tokens]
    starts = [t[0] for t in tokens]
    ranked = sorted(
        range(len(spans)),
        key=lambda i: (winner_rank(spans[i][1] - spans[i][0], codes[spans[i][2]], bound), spans[i][0], spans[i][1]),
    )
    for i in ranked:
        start, end, _ = spans[i]
        for t in range(bisect_right(ends, start), bisect_left(starts, end)):
            if winners[t] is None:
                winners[t] = i
    return winners


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
