"""Which sentences a curator settles, in what order, and the automatic pre-fill of gold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..clock import now_iso
from ..model import GOLD, Event, Sentence, SentenceState, SpanAnnotation
from ..store import Store
from .rules import (
    AutoRule,
    Candidate,
    auto_judgment,
    auto_spans,
    disagreement_score,
    group_candidates,
)

QueueOrder = Literal["document", "disagreement", "flagged"]
QUEUE_ORDERS: tuple[str, ...] = ("document", "disagreement", "flagged")


@dataclass
class SentenceCase:
    """Everything the curator sees for one sentence."""

    sentence: Sentence
    # Selected annotators who marked the sentence done, sorted.
    annotators: tuple[str, ...]
    spans: dict[str, list[SpanAnnotation]] = field(default_factory=dict)
    judgments: dict[str, str | None] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def score(self) -> float:
        return disagreement_score(self.candidates, self.judgments)


def default_annotators(store: Store) -> list[str]:
    return [name for name in store.annotations.annotators() if name != GOLD]


def build_queue(
    store: Store, annotators: Sequence[str], min_annotators: int = 2, order: QueueOrder = "document"
) -> list[int]:
    """Sentence ids done by at least `min_annotators` of `annotators`, in the chosen order."""
    done = store.annotations.sentences_done_by(annotators, min_annotators)
    if order == "document":
        return [sentence_id for sentence_id, _ in done]
    if order == "flagged":
        # Sentences any of the annotators flagged first, each group in document order.
        flagged = store.team.flagged_sentences(list(annotators)) if annotators else set()
        return sorted((sentence_id for sentence_id, _ in done), key=lambda sid: sid not in flagged)
    ids = [sentence_id for sentence_id, _ in done]
    by_sentence: dict[int, list[SpanAnnotation]] = defaultdict(list)
    for span in store.annotations.iter_spans(list(annotators), ids) if ids else ():
        by_sentence[span.sentence_id].append(span)
    judgments: dict[int, dict[str, str | None]] = {sid: dict.fromkeys(names) for sid, names in done}
    for judgment in store.annotations.iter_judgments(list(annotators)):
        slot = judgments.get(judgment.sentence_id)
        if slot is not None and judgment.annotator in slot:
            slot[judgment.annotator] = judgment.judgment
    done_by = dict(done)
    scores = {
        sid: disagreement_score(
            group_candidates(s for s in by_sentence[sid] if s.annotator in done_by[sid]), judgments[sid]
        )
        for sid in ids
    }
    # Stable sort: equally disputed sentences keep document order.
    return sorted(ids, key=lambda sid: -scores[sid])


def load_case(store: Store, sentence_id: int, annotators: Sequence[str]) -> SentenceCase:
    sentence = store.corpus.get_sentence(sentence_id)
    if sentence is None:
        raise KeyError(sentence_id)
    finished = []
    judgments: dict[str, str | None] = {}
    for name in annotators:
        state = store.annotations.get_judgment(sentence_id, name)
        if state is not None and state.status == "done":
            finished.append(name)
            judgments[name] = state.judgment
    finished.sort()
    spans = {name: store.annotations.spans_for_sentence(sentence_id, name) for name in finished}
    candidates = group_candidates(span for name in finished for span in spans[name])
    return SentenceCase(sentence, tuple(finished), spans, {n: judgments[n] for n in finished}, candidates)


def gold_origin(sources: Sequence[SpanAnnotation]) -> str:
    """A gold span is a taken suggestion when every annotator who gave it took it from one."""
    return "suggestion" if sources and all(s.origin == "suggestion" for s in sources) else "manual"


def prefill(store: Store, case: SentenceCase, rule: AutoRule, curator: str) -> bool:
    """Write the rule's gold spans and judgment the first time gold sees a sentence.

    Returns False when gold already has a state for the sentence (pre-filled or curated
    before), so a curator's deletions are never undone by a later session.
    """
    sentence_id = case.sentence.id
    assert sentence_id is not None
    if store.annotations.get_judgment(sentence_id, GOLD) is not None:
        return False
    taken = auto_spans(case.candidates, len(case.annotators), rule)
    settled = auto_judgment(case.judgments, rule)
    with store.transaction():
        written = []
        for candidate in taken:
            sources = [
                s
                for name in candidate.annotators
                for s in case.spans[name]
                if (s.start, s.end, s.label) == candidate.key
            ]
            gold = store.annotations.add_span(
                SpanAnnotation(
                    sentence_id,
                    GOLD,
                    candidate.start,
                    candidate.end,
                    candidate.label,
                    origin=gold_origin(sources),
                    quoted=any(s.quoted for s in sources),
                    lexicon_term=next((s.lexicon_term for s in sources if s.lexicon_term), None),
                    agreed_by=candidate.annotators,
                    resolution="auto",
                )
            )
            written.append(gold.id)
        store.annotations.put_judgment(
            SentenceState(
                sentence_id,
                GOLD,
                judgment=settled[0] if settled else None,
                judgment_agreed_by=settled[1] if settled else (),
                judgment_resolution="auto" if settled else None,
                first_shown_at=now_iso(),
            )
        )
        store.annotations.append_event(
            Event(
                GOLD,
                "auto_prefill",
                {
                    "curator": curator,
                    "rule": rule,
                    "spans": written,
                    "judgment": settled[0] if settled else None,
                    "annotators": list(case.annotators),
                },
                sentence_id=sentence_id,
                origin="adjudicate",
            )
        )
    return True
