"""Synthetic annotators whose spans and judgments agree at a controllable level.

    annotate(store, annotators=3, p=0.7, seed=0, sentences=None, span_rate=0.08)

For every sentence a latent "truth" is drawn: a judgment from the tag set's values, and
spans of 1-3 tokens (about `span_rate` of the tokens start one) with labels. Each
annotator then copies each truth item with probability `p`; otherwise it deviates
in one of the ways real annotators do: another label, shifted boundaries, or a missed
span (and, at the same rate, a spurious span of its own); another judgment. One
annotator's spans never overlap, so every token has exactly one label. So `p=1`
gives perfect agreement and `p=0` agreement near chance. Every annotated sentence is
marked done. The same (project, annotators, p, seed) always gives the same annotations.

Writes go through the Store: one transaction per annotator and batch.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.model import Sentence, SentenceState, SpanAnnotation
from annotator.store import Store

BATCH = 20_000


@dataclass(frozen=True)
class TruthSpan:
    first: int  # token indices, inclusive
    last: int
    label: str


@dataclass
class Written:
    sentences: int = 0
    tokens: int = 0
    spans: int = 0
    judgments: int = 0


def names(annotators: int | Sequence[str]) -> list[str]:
    if isinstance(annotators, int):
        return [f"annotator{n + 1}" for n in range(annotators)]
    return list(annotators)


def truth(
    sentence: Sentence, labels: Sequence[str], values: Sequence[str], rng: random.Random, span_rate: float
) -> tuple[str, list[TruthSpan]]:
    spans, position, count = [], 0, len(sentence.tokens)
    while position < count:
        if rng.random() < span_rate:
            last = min(count - 1, position + rng.choice((0, 0, 0, 1, 2)))
            spans.append(TruthSpan(position, last, rng.choice(labels)))
            position = last + 2  # truth spans never touch
        else:
            position += 1
    return rng.choice(values), spans


def deviate(item: TruthSpan, count: int, labels: Sequence[str], rng: random.Random) -> TruthSpan | None:
    way = rng.random()
    if way < 0.4 and len(labels) > 1:
        return TruthSpan(item.first, item.last, rng.choice([lb for lb in labels if lb != item.label]))
    if way < 0.7:
        first = max(0, min(count - 1, item.first + rng.choice((-1, 1))))
        last = max(first, min(count - 1, item.last + rng.choice((-1, 0, 1))))
        return TruthSpan(first, last, item.label)
    return None  # missed


def annotate(
    store: Store,
    annotators: int | Sequence[str] = 3,
    p: float = 0.7,
    seed: int = 0,
    sentences: Iterable[Sentence] | None = None,
    span_rate: float = 0.08,
) -> Written:
    """Write spans and done judgments for each annotator over `sentences` (default: all)."""
    tagset = store.tagset()
    labels, values = list(tagset.label_names), list(tagset.judgment.values)
    people = names(annotators)
    rng = random.Random(seed)
    written = Written()
    spans: list[SpanAnnotation] = []
    judgments: list[SentenceState] = []
    for sentence in sentences if sentences is not None else store.corpus.iter_sentences():
        if not sentence.tokens:
            continue
        judgment, items = truth(sentence, labels, values, rng, span_rate)
        written.sentences += 1
        written.tokens += len(sentence.tokens)
        count = len(sentence.tokens)
        for person in people:
            chosen = [item if rng.random() < p else deviate(item, count, labels, rng) for item in items]
            if rng.random() > p and rng.random() < span_rate * count / 4:
                first = rng.randrange(count)
                chosen.append(TruthSpan(first, first, rng.choice(labels)))  # a spurious span
            used: set[int] = set()
            for item in chosen:
                # One annotator's spans never overlap, so each token has one label.
                if item is not None and used.isdisjoint(range(item.first, item.last + 1)):
                    used.update(range(item.first, item.last + 1))
                    start, end = sentence.tokens[item.first][0], sentence.tokens[item.last][1]
                    spans.append(
                        SpanAnnotation(
                            sentence.id, person, start, end, item.label, created_at="2026-01-01T00:00:00.000Z"
                        )
                    )
            given = judgment if rng.random() < p else rng.choice(values)
            judgments.append(
                SentenceState(
                    sentence.id,
                    person,
                    status="done",
                    judgment=given,
                    suggestion_mode="on",
                    finished_at="2026-01-01T00:00:00.000Z",
                )
            )
        if len(spans) + len(judgments) >= BATCH:
            _flush(store, spans, judgments, written)
    _flush(store, spans, judgments, written)
    return written


def _flush(store: Store, spans: list[SpanAnnotation], judgments: list[SentenceState], written: Written) -> None:
    with store.transaction():
        if hasattr(store.annotations, "add_spans_if_new"):
            written.spans += store.annotations.add_spans_if_new(spans)
        else:  # pragma: no cover - before the interchange issue's bulk insert
            for span in spans:
                store.annotations.add_span(span)
            written.spans += len(spans)
        for judgment in judgments:
            store.annotations.put_judgment(judgment)
        written.judgments += len(judgments)
    spans.clear()
    judgments.clear()
