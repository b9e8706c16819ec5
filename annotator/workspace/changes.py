"""Before/after records of every change an annotator can make, and how to apply them.

A change holds the whole row before and after (None when the row is absent), so
applying `after` redoes it and applying `before` undoes it, whatever the kind. An
`Edit` is what one key press did: one or more changes, undone and redone together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

from ..model import Decision, SentenceState, SpanAnnotation, Suggestion
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


# What each logged action did, for undo and redo to say (`undid: ...`). Sentence actions
# are named by their suffix, so the workspace's `sentence.flag` and gold's `gold.flag` share one.
def describe_edit(edit: Edit, text: str, suggestions: Mapping[int, Suggestion] | None = None) -> str:
    """A short account of an edit as it was made, quoting spans and suggestions from
    `text` (their sentence): "label 'pengecut' as loaded_language"."""
    spans = [c for c in edit.changes if isinstance(c, SpanChange)]
    decisions = [c for c in edit.changes if isinstance(c, DecisionChange)]
    states = [c for c in edit.changes if isinstance(c, SentenceChange)]
    group, _, verb = edit.action.partition(".")

    def quote(row: SpanAnnotation | Suggestion | None) -> str:
        return "" if row is None else f"'{text[row.start : row.end]}'"

    before = spans[0].before if spans else None
    after = next((c.after for c in spans if c.after is not None), None)
    if verb == "add" and after:
        return f"label {quote(after)} as {after.label}"
    if verb == "relabel" and before:
        return f"relabel {quote(before)} as {after.label if after else '?'}"
    if verb in {"delete", "reject"} and group in {"span", "gold"} and before:
        return f"remove {quote(before)} ({before.label})"
    if verb == "resize" and before:
        return f"boundaries of {quote(before)} ({before.label}) -> {quote(after)}"
    if verb == "quoted" and after:
        return f"quoted {'on' if after.quoted else 'off'} for {quote(after)}"
    if verb == "note" and spans:
        return f"the note on {quote(after or before)}"
    if group == "suggestion":
        decided = "accept" if verb.startswith("accept") else "reject"
        if verb.endswith("_all") or len(decisions) != 1:
            count = len(decisions)
            return f"{decided} all: {count} suggestion{'s' if count != 1 else ''}"
        suggestion = (suggestions or {}).get(decisions[0].suggestion_id)
        if suggestion is None:
            return f"{decided} a suggestion"
        return f"{decided} {quote(suggestion)} as {suggestion.label}"
    if verb in {"take", "take_all"}:
        added = [c.after for c in spans if c.after is not None]
        if len(added) == 1:
            return f"take {quote(added[0])} as {added[0].label} into gold"
        return f"take {len(added)} spans into gold"
    state = states[0].after if states else None
    if verb == "flag":
        return "flag" if state and state.flagged else "unflag"
    if verb == "judgment":
        value = state.judgment if state else None
        return f"judgment {value}" if value else "clear the judgment"
    if verb == "note":
        return "the sentence note"
    return {"done": "mark done", "skip": "skip"}.get(verb, edit.action)
