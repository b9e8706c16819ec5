"""Before/after records of every change an annotator can make, and how to apply them.

A change holds the whole row before and after (None when the row is absent), so
applying `after` redoes it and applying `before` undoes it, whatever the kind. An
`Edit` is what one key press did: one or more changes, undone and redone together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from ..model import Decision, SentenceState, SpanAnnotation
from ..store import Store


@dataclass(frozen=True)
class SpanChange:
    before: SpanAnnotation | None
    after: SpanAnnotation | None

    @property
    def sentence_id(self) -> int:
        row = self.after or self.before
        assert row is not None
        return row.sentence_id

    def inverted(self) -> SpanChange:
        return SpanChange(self.after, self.before)

    def apply(self, store: Store) -> None:
        if self.after is None:
            if self.before is not None and self.before.id is not None:
                store.annotations.delete_span(self.before.id)
        else:
            store.annotations.restore_span(self.after)

    def to_json(self) -> dict:
        return {"kind": "span", "before": _row(self.before), "after": _row(self.after)}


@dataclass(frozen=True)
class DecisionChange:
    sentence_id: int
    suggestion_id: int
    annotator: str
    before: Decision | None
    after: Decision | None

    def inverted(self) -> DecisionChange:
        return replace(self, before=self.after, after=self.before)

    def apply(self, store: Store) -> None:
        store.suggestions.set_decision(self.suggestion_id, self.annotator, self.after)

    def to_json(self) -> dict:
        return {"kind": "decision", "suggestion_id": self.suggestion_id, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class SentenceChange:
    """A change of one annotator's sentence state: status, judgment, flag or note."""

    sentence_id: int
    annotator: str
    before: SentenceState | None
    after: SentenceState | None

    def inverted(self) -> SentenceChange:
        return replace(self, before=self.after, after=self.before)

    def apply(self, store: Store) -> None:
        if self.after is None:
            store.annotations.delete_judgment(self.sentence_id, self.annotator)
        else:
            store.annotations.put_judgment(self.after)

    def to_json(self) -> dict:
        return {"kind": "sentence", "before": _row(self.before), "after": _row(self.after)}


Change = SpanChange | DecisionChange | SentenceChange


@dataclass(frozen=True)
class Edit:
    """What one action changed. `sentence_id` is where it happened, for undo to return to."""

    action: str
    annotator: str
    sentence_id: int
    changes: tuple[Change, ...]

    def inverted(self) -> Edit:
        return replace(self, changes=tuple(change.inverted() for change in reversed(self.changes)))

    def apply(self, store: Store) -> None:
        for change in self.changes:
            change.apply(store)

    def payload(self) -> dict:
        return {"changes": [change.to_json() for change in self.changes]}

    @property
    def done_delta(self) -> int:
        """How this edit changes the annotator's count of sentences marked done."""
        delta = 0
        for change in self.changes:
            if isinstance(change, SentenceChange):
                delta += _is_done(change.after) - _is_done(change.before)
        return delta


def _is_done(judgment: SentenceState | None) -> int:
    return int(judgment is not None and judgment.status == "done")


def _row(value: SpanAnnotation | SentenceState | None) -> dict | None:
    return None if value is None else asdict(value)
