"""Disagreement on a document, for adaptive overlap and gold checks.

A sentence's token labels are, per token, the label of the shortest span of the
annotator covering it ("O" for none), the same rule the agreement report's token
matrix uses. A sentence disagrees when the annotators' token labels or judgments
differ; a document's disagreement is the share of its sentences that do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

OUTSIDE = "O"

Spans = Sequence[tuple[int, int, str]]  # (start, end, label), offsets into the sentence


def token_labels(tokens: Sequence[tuple[int, int]], spans: Spans) -> tuple[str, ...]:
    labels = []
    for a, b in tokens:
        covering = [(end - start, label) for start, end, label in spans if start < b and end > a]
        labels.append(min(covering)[1] if covering else OUTSIDE)
    return tuple(labels)


def sentence_disagrees(
    tokens: Sequence[tuple[int, int]], spans: Mapping[str, Spans], judgments: Mapping[str, str | None]
) -> bool:
    """Whether the annotators (keys of `spans`) differ on this sentence."""
    seen = {token_labels(tokens, spans.get(name, ())) for name in spans}
    return len(seen) > 1 or len({judgments.get(name) for name in spans}) > 1


def document_disagreement(
    sentences: Sequence[tuple[Sequence[tuple[int, int]], Mapping[str, Spans], Mapping[str, str | None]]],
) -> float:
    """Share of sentences (tokens, spans by annotator, judgments by annotator) that disagree."""
    if not sentences:
        return 0.0
    return sum(sentence_disagrees(*s) for s in sentences) / len(sentences)


def token_accuracy(pairs: Sequence[tuple[Sequence[tuple[int, int]], Spans, Spans]]) -> float | None:
    """Share of tokens where an annotator's label equals gold's, over (tokens, hers, gold's)."""
    same = total = 0
    for tokens, mine, gold in pairs:
        a, b = token_labels(tokens, mine), token_labels(tokens, gold)
        same += sum(x == y for x, y in zip(a, b, strict=True))
        total += len(a)
    return same / total if total else None
