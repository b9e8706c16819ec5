"""Undoable edits of one annotator's work, each written at once with its event.

`Editor` knows nothing of cursors or navigation: it takes spans, suggestions and
sentence ids, so the annotation workspace and adjudication (which edits under the
reserved name `gold`) share it. Every edit is one short transaction holding the
changed rows and one event in the append-only log; undo and redo are edits too, and
log their own events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from ..clock import now_iso
from ..errors import AnnotatorError, RestoreRefused
from ..model import Event, SentenceState, SpanAnnotation, Suggestion
from ..store import Store
from .changes import Change, DecisionChange, Edit, SentenceChange, SpanChange


class ActionRefused(AnnotatorError):
    """An action that cannot apply here (nothing under the cursor, read-only, ...)."""


class History:
    """Undo and redo stacks of edits; a new edit clears the redo stack."""

    def __init__(self) -> None:
        self.undo_stack: list[Edit] = []
        self.redo_stack: list[Edit] = []

    def push(self, edit: Edit) -> None:
        self.undo_stack.append(edit)
        self.redo_stack.clear()


class Editor:
    def __init__(self, store: Store, annotator: str, *, clock: Callable[[], str] = now_iso, origin: str = "ui"):
        self.store = store
        self.annotator = annotator
        self.clock = clock
        self.origin = origin
        self.history = History()
        # Called with each new edit inside its transaction (adaptive overlap rides on
        # the finishing write's commit instead of making one of its own).
        self.after_write: Callable[[Edit], None] | None = None

    # ------------------------------------------------------------- committing

    def _check_writable(self) -> None:
        if self.store.readonly:
            raise ActionRefused("read-only session: nothing can be changed")

    def _commit(self, action: str, sentence_id: int, make: Callable[[], Sequence[Change]]) -> Edit:
        """Run `make` (which writes and returns its changes) and log it, in one transaction."""
        self._check_writable()
        with self.store.transaction():
            changes = tuple(make())
            if not changes:
                raise ActionRefused("nothing to change")
            # Editing a done sentence again finishes it again: the lead's view dates
            # the work by its last change. (A status change sets finished_at itself.)
            if not any(isinstance(c, SentenceChange) and _status(c.before) != _status(c.after) for c in changes):
                self.store.team.touch_finished(sentence_id, self.annotator, self.clock())
            edit = Edit(action, self.annotator, sentence_id, changes)
            self._log(action, sentence_id, edit.payload())
            if self.after_write is not None:
                self.after_write(edit)
        self.history.push(edit)
        return edit

    def _log(self, action: str, sentence_id: int | None, payload: dict) -> None:
        self.store.annotations.append_event(
            Event(self.annotator, action, payload, sentence_id=sentence_id, at=self.clock(), origin=self.origin)
        )

    def undo(self) -> Edit:
        """Undo the last edit; returns the edit as it was applied (before and after swapped)."""
        if not self.history.undo_stack:
            raise ActionRefused("nothing to undo")
        return self._replay(self.history.undo_stack, self.history.redo_stack, "undo", invert=True)

    def redo(self) -> Edit:
        if not self.history.redo_stack:
            raise ActionRefused("nothing to redo")
        return self._replay(self.history.redo_stack, self.history.undo_stack, "redo", invert=False)

    def _replay(self, source: list[Edit], target: list[Edit], verb: str, *, invert: bool) -> Edit:
        self._check_writable()
        edit = source[-1]
        applied = edit.inverted() if invert else edit
        try:
            with self.store.transaction():
                applied.apply(self.store)
                self._log(verb, edit.sentence_id, {"of": edit.action, **applied.payload()})
        except RestoreRefused as refused:
            # Nothing was written: the edit stays where it was, and no event claims it.
            raise ActionRefused(f"cannot {verb}: {refused}") from None
        source.pop()
        target.append(edit)
        return applied

    # ------------------------------------------------------------------ spans

    def add_span(
        self,
        sentence_id: int,
        start: int,
        end: int,
        label: str,
        *,
        quoted: bool = False,
        action: str = "span.add",
    ) -> Edit:
        if start >= end:
            raise ActionRefused("an empty range cannot be labelled")

        def make() -> list[Change]:
            if self._find_span(sentence_id, start, end, label) is not None:
                raise ActionRefused(f"already labelled {label}")
            created = self.store.annotations.add_span(
                SpanAnnotation(sentence_id, self.annotator, start, end, label, quoted=quoted, created_at=self.clock())
            )
            return [SpanChange(None, created)]

        return self._commit(action, sentence_id, make)

    def relabel(self, span: SpanAnnotation, label: str) -> Edit:
        """Give a span another label. A span taken from a suggestion then says something
        else than the suggestion: it becomes a manual span, and the accept a reject (so
        `lexicon stats` does not count the entry's label as accepted)."""
        if span.label == label:
            raise ActionRefused(f"already labelled {label}")

        def make() -> list[Change]:
            twin = self._find_span(span.sentence_id, span.start, span.end, label)
            if twin is not None:
                # The same range already carries that label: relabelling merges the two.
                self.store.annotations.delete_span(span.id)
                return [SpanChange(span, None), *self._unaccept(span)]
            if span.suggestion_id is None:
                return [SpanChange(span, self.store.annotations.update_span(span.id, label=label))]
            changes = self._unaccept(span)
            manual = self.store.annotations.update_span(
                span.id, label=label, origin="manual", suggestion_id=None, lexicon_term=None
            )
            return [SpanChange(span, manual), *changes]

        return self._commit("span.relabel", span.sentence_id, make)

    def resize_span(self, span: SpanAnnotation, start: int, end: int) -> Edit:
        """Give a span new boundaries (a boundary edit), keeping its label. Like a relabel,
        a span from a suggestion then covers something else: it becomes manual and the
        accept a reject. A span of that label already on the new range absorbs it."""
        if start >= end:
            raise ActionRefused("an empty range cannot be labelled")
        if (span.start, span.end) == (start, end):
            raise ActionRefused("boundaries unchanged")

        def make() -> list[Change]:
            twin = self._find_span(span.sentence_id, start, end, span.label)
            if twin is not None:
                self.store.annotations.delete_span(span.id)
                return [SpanChange(span, None), *self._unaccept(span)]
            if span.suggestion_id is None:
                return [SpanChange(span, self.store.annotations.update_span(span.id, start=start, end=end))]
            changes = self._unaccept(span)
            manual = self.store.annotations.update_span(
                span.id, start=start, end=end, origin="manual", suggestion_id=None, lexicon_term=None
            )
            return [SpanChange(span, manual), *changes]

        return self._commit("span.resize", span.sentence_id, make)

    def delete_span(self, span: SpanAnnotation) -> Edit:
        """Remove a span. A span taken from a suggestion turns that decision into a reject."""

        def make() -> list[Change]:
            self.store.annotations.delete_span(span.id)
            return [SpanChange(span, None), *self._unaccept(span)]

        return self._commit("span.delete", span.sentence_id, make)

    def _unaccept(self, span: SpanAnnotation) -> list[Change]:
        """A span from an accepted suggestion no longer stands for it: the accept becomes a
        reject, unless another of the annotator's spans still comes from that suggestion."""
        if span.suggestion_id is None:
            return []
        decision = self._decision(span.sentence_id, span.suggestion_id)
        if decision != "accepted" or self._other_span_from(span):
            return []
        self.store.suggestions.set_decision(span.suggestion_id, self.annotator, "rejected")
        return [DecisionChange(span.sentence_id, span.suggestion_id, self.annotator, decision, "rejected")]

    def toggle_quoted(self, span: SpanAnnotation) -> Edit:
        return self._commit(
            "span.quoted",
            span.sentence_id,
            lambda: [SpanChange(span, self.store.annotations.update_span(span.id, quoted=not span.quoted))],
        )

    def set_span_note(self, span: SpanAnnotation, note: str | None) -> Edit:
        note = note or None
        if note == span.note:
            raise ActionRefused("note unchanged")
        return self._commit(
            "span.note",
            span.sentence_id,
            lambda: [SpanChange(span, self.store.annotations.update_span(span.id, note=note))],
        )

    # ------------------------------------------------------------ suggestions

    def accept(self, suggestions: Iterable[Suggestion], *, action: str = "suggestion.accept") -> Edit:
        """Take suggestions as spans (origin 'suggestion') and record the decisions."""
        chosen = list(suggestions)
        if not chosen:
            raise ActionRefused("no suggestion to accept")

        def make() -> list[Change]:
            changes: list[Change] = []
            for suggestion in chosen:
                assert suggestion.id is not None
                existing = self._find_span(suggestion.sentence_id, suggestion.start, suggestion.end, suggestion.label)
                if existing is None:
                    created = self.store.annotations.add_span(
                        SpanAnnotation(
                            suggestion.sentence_id,
                            self.annotator,
                            suggestion.start,
                            suggestion.end,
                            suggestion.label,
                            origin="suggestion",
                            quoted=suggestion.quoted,
                            lexicon_term=suggestion.term,
                            suggestion_id=suggestion.id,
                            created_at=self.clock(),
                        )
                    )
                    changes.append(SpanChange(None, created))
                changes += self._decide(suggestion, "accepted")
            return changes

        return self._commit(action, chosen[0].sentence_id, make)

    def reject(self, suggestions: Iterable[Suggestion], *, action: str = "suggestion.reject") -> Edit:
        chosen = list(suggestions)
        if not chosen:
            raise ActionRefused("no suggestion to reject")

        def make() -> list[Change]:
            changes: list[Change] = []
            for suggestion in chosen:
                changes += self._decide(suggestion, "rejected")
            return changes

        return self._commit(action, chosen[0].sentence_id, make)

    def _decide(self, suggestion: Suggestion, decision: str) -> list[Change]:
        assert suggestion.id is not None
        before = self._decision(suggestion.sentence_id, suggestion.id)
        if before == decision:
            return []
        self.store.suggestions.set_decision(suggestion.id, self.annotator, decision)
        return [DecisionChange(suggestion.sentence_id, suggestion.id, self.annotator, before, decision)]

    # --------------------------------------------------------- sentence state

    def sentence_state(self, sentence_id: int) -> SentenceState | None:
        return self.store.annotations.get_judgment(sentence_id, self.annotator)

    def update_sentence(self, sentence_id: int, action: str, **fields: object) -> Edit:
        """Change status, judgment, flag, note or timestamps of this annotator's sentence state."""

        def make() -> list[Change]:
            before = self.store.annotations.get_judgment(sentence_id, self.annotator)
            base = before or SentenceState(sentence_id, self.annotator)
            after = replace(base, **fields)
            if after == before:
                return []
            self.store.annotations.put_judgment(after)
            return [SentenceChange(sentence_id, self.annotator, before, after)]

        return self._commit(action, sentence_id, make)

    def mark_shown(self, sentence_id: int, suggestion_mode: str | None, served_order: str | None = None) -> bool:
        """Record when a sentence was first shown, and in which workspace order; not an
        undoable edit. True if written."""
        if self.store.readonly:
            return False
        with self.store.transaction():
            before = self.store.annotations.get_judgment(sentence_id, self.annotator)
            if before is not None and before.first_shown_at is not None:
                return False
            at = self.clock()
            base = before or SentenceState(sentence_id, self.annotator, suggestion_mode=suggestion_mode)
            self.store.annotations.put_judgment(
                replace(base, first_shown_at=at, served_order=base.served_order or served_order)
            )
            payload = {"suggestion_mode": suggestion_mode}
            if served_order is not None:
                payload["served_order"] = served_order
            self._log("sentence.shown", sentence_id, payload)
        return True

    # ---------------------------------------------------------------- lookups

    def _find_span(self, sentence_id: int, start: int, end: int, label: str) -> SpanAnnotation | None:
        return next(
            (
                s
                for s in self.store.annotations.spans_for_sentence(sentence_id, self.annotator)
                if (s.start, s.end, s.label) == (start, end, label)
            ),
            None,
        )

    def _other_span_from(self, span: SpanAnnotation) -> bool:
        return any(
            s.suggestion_id == span.suggestion_id and s.id != span.id
            for s in self.store.annotations.spans_for_sentence(span.sentence_id, self.annotator)
        )

    def _decision(self, sentence_id: int, suggestion_id: int) -> str | None:
        suggestions = self.store.suggestions.for_sentence(sentence_id, self.annotator)
        return next((g.decision for g in suggestions if g.id == suggestion_id), None)


def _status(judgment: SentenceState | None) -> str | None:
    return None if judgment is None else judgment.status
