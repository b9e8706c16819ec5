"""The demo's guided tour: five steps, each done when the annotator has really done it.

`Tour.observe(session)` is called after every action the workspace runs. It compares
the session's state (what the store holds for the sentence on screen, as the session
loaded it) with what it saw the time before, and moves on when the current step's
action shows: a suggestion newly accepted (its span appears), one newly rejected, a new manual span, a
span whose boundaries changed (same span, new offsets, as the `e` boundary edit
leaves it), a sentence newly marked done. Nothing advances on a timer, and a step
cannot be passed by doing another step's action.

Whether an annotator has had the tour is remembered in the project (annotator.guidelines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..model import Sentence, SpanAnnotation, Suggestion

if TYPE_CHECKING:
    from ..store import Store


class TourSession(Protocol):
    """What the tour reads of an AnnotationSession."""

    spans: list[SpanAnnotation]
    done: int

    @property
    def sentence(self) -> Sentence | None: ...

    @property
    def suggestions(self) -> list[Suggestion]: ...


@dataclass(frozen=True)
class TourStep:
    title: str
    how: str


# Each `how` fits two lines of an 80-column terminal.
STEPS: tuple[TourStep, ...] = (
    TourStep(
        "Accept a suggestion",
        "A dashed mark is a lexicon suggestion: tab moves to it (the details say why it is loaded); a accepts it.",
    ),
    TourStep(
        "Reject a suggestion",
        "Suggestions are often wrong: go to another one (tab, or j for the next sentence) and press x to reject it.",
    ),
    TourStep(
        "Select and label",
        "Move with ← →, select a few words with shift+→, then press a label's digit (or click it in the bar below).",
    ),
    TourStep(
        "Edit a boundary",
        "On a span press e: ← → move its end by one character, shift+← → its start; enter keeps the change.",
    ),
    TourStep("Mark the sentence done", "Press enter: the sentence is marked done, and the next one opens."),
)


@dataclass(frozen=True)
class _Seen:
    sentence_id: int | None
    decisions: dict[int, str | None]
    spans: dict[int, tuple[int, int, str]]
    done: int


def _look(session: TourSession) -> _Seen:
    sentence = session.sentence
    return _Seen(
        sentence.id if sentence is not None else None,
        {g.id: g.decision for g in session.suggestions if g.id is not None},
        {s.id: (s.start, s.end, s.origin) for s in session.spans if s.id is not None},
        session.done,
    )


@dataclass
class Tour:
    step: int = 0  # index into STEPS; len(STEPS) once finished
    _seen: _Seen | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.step >= len(STEPS)

    @property
    def current(self) -> TourStep | None:
        return None if self.finished else STEPS[self.step]

    def start(self, session: TourSession) -> None:
        self._seen = _look(session)

    def observe(self, session: TourSession) -> bool:
        """Look at the session after an action; True if that finished the current step."""
        now = _look(session)
        before, self._seen = self._seen, now
        if self.finished or before is None:
            return False
        if self._happened(self.step, before, now):
            self.step += 1
            return True
        return False

    @staticmethod
    def _happened(step: int, before: _Seen, now: _Seen) -> bool:
        if step == 4:
            return now.done > before.done
        if now.sentence_id != before.sentence_id:
            return False  # moving between sentences changes what is on screen, not the work
        if step == 0:
            # An accepted suggestion gives way to its span (origin "suggestion").
            return any(i not in before.spans and origin == "suggestion" for i, (_, _, origin) in now.spans.items())
        if step == 1:
            return any(d == "rejected" and before.decisions.get(i) != "rejected" for i, d in now.decisions.items())
        if step == 2:
            return any(i not in before.spans and origin == "manual" for i, (_, _, origin) in now.spans.items())
        # step 3: the same span, with new boundaries.
        return any(i in before.spans and before.spans[i][:2] != (s, e) for i, (s, e, _) in now.spans.items())


def tour_sentence(store: Store, annotator: str, document_id: str) -> int | None:
    """The first sentence of a document with two suggestions this annotator has not
    decided: the first two steps can then be done where the tour starts."""
    for sentence in store.corpus.sentences_of(document_id):
        assert sentence.id is not None
        pending = [g for g in store.suggestions.for_sentence(sentence.id, annotator) if g.decision is None]
        if len(pending) >= 2:
            return sentence.id
    return None
