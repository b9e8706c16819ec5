"""Token-level BIO tags from character spans, by the one overlap rule (annotator.overlaps).

Each token takes the label of the span that wins it; a token begins a chunk (B-) where
its winning span differs from the previous token's. BIO cannot hold every span: a span
that wins no token (nested inside a longer one, or covering only whitespace) is
`dropped`, and one that loses some of its tokens to a longer span is `cut` (it reads
back shorter). The caller reports both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..overlaps import LabelOrder, covering

OUTSIDE = "O"


@dataclass(frozen=True)
class Tagged:
    tags: list[str]
    # Spans held whole, held with fewer tokens, and not held at all.
    kept: int
    dropped: int
    cut: int = 0


def bio_tags(
    tokens: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, str]], order: Sequence[str] | LabelOrder = ()
) -> Tagged:
    """BIO tags for `tokens` (sentence offsets) from `spans` (start, end, label);
    `order` is the tag set's label order (it breaks ties between equally long spans)."""
    tags = [OUTSIDE] * len(tokens)
    if not spans:
        return Tagged(tags, 0, 0, 0)
    winners, sizes = covering(tokens, spans, order if isinstance(order, LabelOrder) else LabelOrder(order))
    won = [0] * len(spans)
    previous = None
    for t, winner in enumerate(winners):
        if winner is not None:
            tags[t] = f"{'I' if winner == previous else 'B'}-{spans[winner][2]}"
            won[winner] += 1
        previous = winner
    dropped = won.count(0)
    cut = sum(1 for count, size in zip(won, sizes) if 0 < count < size)
    return Tagged(tags, len(spans) - dropped - cut, dropped, cut)
