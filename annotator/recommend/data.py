"""The recommender's training examples: done sentences with their spans.

Gold where the sentence has it (a done gold state), otherwise every annotator who marked
the sentence done gives one example of it: where annotators disagree the model sees both
versions, which it averages as label noise, and `noise` reports how much there was.
`--gold` takes gold only, `--annotators` only the named annotators' work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import AnnotatorError
from ..model import GOLD
from ..store import Store

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Example:
    sentence_id: int
    document_id: str
    text: str
    tokens: list[tuple[int, int]]
    spans: tuple[Span, ...]
    annotator: str


@dataclass
class TrainingSet:
    source: str  # "gold", "annotators", or "gold+annotators"
    annotators: tuple[str, ...]
    examples: list[Example] = field(default_factory=list)
    noise: dict = field(default_factory=dict)

    @property
    def sentences(self) -> int:
        return len({e.sentence_id for e in self.examples})

    @property
    def documents(self) -> list[str]:
        return sorted({e.document_id for e in self.examples})

    @property
    def span_count(self) -> int:
        return sum(len(e.spans) for e in self.examples)

    @property
    def labels(self) -> list[str]:
        return sorted({label for e in self.examples for _s, _e, label in e.spans})


def collect(store: Store, annotators: Sequence[str] | None = None, gold: bool = False) -> TrainingSet:
    room = store.recommender
    gold_done = set(room.done_states([GOLD])) if annotators is None else set()
    states = {} if gold else room.done_states(annotators)
    wanted: dict[int, list[str]] = {sid: [GOLD] for sid in gold_done}
    for sentence_id, names in states.items():
        if sentence_id not in gold_done:
            wanted[sentence_id] = names
    spans: dict[tuple[int, str], list[Span]] = {}
    sources = ([[GOLD]] if gold_done else []) + ([] if gold else [None if annotators is None else list(annotators)])
    for source in sources:
        for sentence_id, annotator, start, end, label in room.done_spans(source):
            if annotator in wanted.get(sentence_id, ()):
                spans.setdefault((sentence_id, annotator), []).append((start, end, label))
    used = sorted({name for names in wanted.values() for name in names})
    if gold_done and any(name != GOLD for name in used):
        kind = "gold+annotators"
    else:
        kind = "gold" if gold_done else "annotators"
    result = TrainingSet(kind, tuple(used))
    order = [sid for sid in states if sid in wanted] + [sid for sid in wanted if sid not in states]
    for sentence in store.corpus.iter_sentences(order):
        assert sentence.id is not None
        for name in wanted[sentence.id]:
            result.examples.append(
                Example(
                    sentence.id,
                    sentence.document_id,
                    sentence.text,
                    sentence.tokens,
                    tuple(sorted(spans.get((sentence.id, name), ()))),
                    name,
                )
            )
    if not result.examples:
        raise AnnotatorError("no done sentences to learn from" + (" in gold" if gold else ""))
    result.noise = noise(result.examples)
    return result


def noise(examples: Sequence[Example]) -> dict:
    """How much annotators disagree on sentences more than one of them did: sentences
    whose span sets differ, and spans that not every one of them marked."""
    by_sentence: dict[int, list[frozenset[Span]]] = {}
    for example in examples:
        if example.annotator != GOLD:
            by_sentence.setdefault(example.sentence_id, []).append(frozenset(example.spans))
    shared = [sets for sets in by_sentence.values() if len(sets) > 1]
    disagreeing = sum(1 for sets in shared if len(set(sets)) > 1)
    all_spans = sum(len(frozenset().union(*sets)) for sets in shared)
    unanimous = sum(len(frozenset.intersection(*sets)) for sets in shared)
    return {
        "sentences_with_several_annotators": len(shared),
        "sentences_disagreeing": disagreeing,
        "spans_on_those": all_spans,
        "spans_not_unanimous": all_spans - unanimous,
        "span_noise": round((all_spans - unanimous) / all_spans, 4) if all_spans else 0.0,
    }
