"""Token-level BIO tags from character spans.

BIO cannot express overlapping spans. Spans are taken longest first (then by start and
label), and a span that would share a token with one already taken is dropped; the
caller reports how many were dropped. A span that covers no token (only whitespace)
cannot be expressed either and counts as dropped.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

OUTSIDE = "O"


@dataclass(frozen=True)
class Tagged:
    tags: list[str]
    kept: int
    dropped: int


def bio_tags(tokens: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, str]]) -> Tagged:
    """BIO tags for `tokens` (sentence offsets) from `spans` (start, end, label)."""
    tags = [OUTSIDE] * len(tokens)
    starts = [t[0] for t in tokens]
    ends = [t[1] for t in tokens]
    taken = [False] * len(tokens)
    kept = dropped = 0
    for start, end, label in sorted(spans, key=lambda s: (s[0] - s[1], s[0], s[2])):
        first, last = bisect_right(ends, start), bisect_left(starts, end)
        if first >= last or any(taken[first:last]):
            dropped += 1
            continue
        kept += 1
        tags[first] = f"B-{label}"
        taken[first] = True
        for i in range(first + 1, last):
            tags[i] = f"I-{label}"
            taken[i] = True
    return Tagged(tags, kept, dropped)
