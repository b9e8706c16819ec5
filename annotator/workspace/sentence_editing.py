"""Editing one sentence with a token cursor: the core the annotation and curation sessions share.

Both sessions show one sentence at a time, move a token cursor and selection over it,
and edit one set of spans and one sentence state through an `Editor` (the annotator's
own, or gold's). Everything that is the same in both lives here once: the cursor and
selection moves, which span is under the cursor, the labelling target, the note, flag
and judgment of the sentence, and undo and redo with the re-show after a replay.

A session says what differs through a few hooks: which spans it edits
(`editable_spans`), how it reloads and shows another sentence, the prefix of its
logged actions (`sentence` or `gold`), and what else a cursor move resets.
"""

from __future__ import annotations

from ..model import Label, SentenceState, SpanAnnotation, Tagset
from ..store import Store
from .changes import Edit
from .cursor import TokenCursor, token_range
from .editing import ActionRefused, Editor


class SentenceEditing:
    """The shared part of a session; a subclass sets the attributes below and the hooks."""

    store: Store
    tagset: Tagset
    editor: Editor
    cursor: TokenCursor
    judgment: SentenceState | None
    # The prefix of the logged sentence actions ("sentence.note", "gold.note"), and how a
    # refusal names the spans this session edits ("no span under the cursor").
    ACTION_PREFIX = "sentence"
    SPAN_NAME = "span"

    # ------------------------------------------------------------------ hooks

    @property
    def tokens(self) -> list[tuple[int, int]]:
        raise NotImplementedError

    @property
    def sentence_id(self) -> int:
        raise NotImplementedError

    @property
    def editable_spans(self) -> list[SpanAnnotation]:
        """The spans the keys edit: the annotator's own, or gold."""
        raise NotImplementedError

    def _reload(self) -> None:
        """Read the current sentence's spans and state again after a write."""
        raise NotImplementedError

    def _show_edited(self, sentence_id: int) -> bool:
        """Go to the sentence an undo or redo touched, if it is another one that this
        session can show; False leaves the current sentence to be reloaded."""
        raise NotImplementedError

    def next_sentence(self) -> None:
        """Show the next sentence, or refuse at the last."""
        raise NotImplementedError

    def _cursor_moved(self) -> None:
        """What a cursor or selection move resets besides the cursor (nothing here)."""

    def _judgment_fields(self, value: str | None) -> dict[str, object]:
        """Fields stored with a new judgment besides the value itself (none here)."""
        return {}

    # ---------------------------------------------------------------- state

    @property
    def readonly(self) -> bool:
        return self.store.readonly

    # ------------------------------------------------------------ the cursor

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """The first and last token a character range touches."""
        return token_range(self.tokens, start, end)

    def char_range(self, first: int, last: int) -> tuple[int, int]:
        return self.tokens[first][0], self.tokens[last][1]

    def _covers_cursor(self, start: int, end: int) -> bool:
        if not self.tokens:
            return False
        a, b = self.tokens[self.cursor.position]
        return start < b and end > a

    def move(self, delta: int) -> None:
        self.cursor.move(delta)
        self._cursor_moved()

    def extend(self, delta: int) -> None:
        self.cursor.extend(delta)
        self._cursor_moved()

    def clear_selection(self) -> None:
        self.cursor.clear()
        self._cursor_moved()

    def place(self, token: int) -> None:
        self.cursor.go_to(token)
        self._cursor_moved()

    def select(self, first: int, last: int) -> None:
        self.cursor.select(first, last)
        self._cursor_moved()

    def span_at_cursor(self) -> SpanAnnotation | None:
        """The span under the cursor: one matching the selection exactly, or else the
        shortest span over the cursor token."""
        spans = self.editable_spans
        selection = self.cursor.selection
        if selection is not None:
            start, end = self.char_range(*selection)
            exact = [s for s in spans if (s.start, s.end) == (start, end)]
            if exact:
                return exact[0]
        under = [s for s in spans if self._covers_cursor(s.start, s.end)]
        return min(under, key=lambda s: (s.end - s.start, s.start), default=None)

    def _span_under_cursor(self) -> SpanAnnotation:
        span = self.span_at_cursor()
        if span is None:
            raise ActionRefused(f"no {self.SPAN_NAME} under the cursor")
        return span

    def _label_target(self, key: str) -> tuple[Label, tuple[int, int], SpanAnnotation | None]:
        """What a label key applies to: the label, the selected (or cursor) range, and the
        span there to relabel, if any. With a selection, only a span of exactly that range
        is relabelled; otherwise the selection is labelled anew."""
        label = self.tagset.label_for_key(key)
        if label is None:
            raise ActionRefused(f"no label on key {key}")
        target = self.cursor.target
        if target is None:
            raise ActionRefused("this sentence has no tokens")
        start, end = self.char_range(*target)
        span = self.span_at_cursor()
        if span is not None and self.cursor.selection is not None and (span.start, span.end) != (start, end):
            span = None
        return label, (start, end), span

    # ----------------------------------------------------------------- edits

    def _after(self, edit: Edit) -> Edit:
        self._reload()
        return edit

    def _sentence_edit(self, action: str, **fields: object) -> Edit:
        return self._after(self.editor.update_sentence(self.sentence_id, action, **fields))

    def toggle_quoted(self) -> Edit:
        return self._after(self.editor.toggle_quoted(self._span_under_cursor()))

    def toggle_flag(self) -> Edit:
        flagged = bool(self.judgment and self.judgment.flagged)
        return self._sentence_edit(f"{self.ACTION_PREFIX}.flag", flagged=not flagged)

    def set_note(self, note: str | None) -> Edit:
        note = note or None
        if note == (self.judgment.note if self.judgment else None):
            raise ActionRefused("note unchanged")
        return self._sentence_edit(f"{self.ACTION_PREFIX}.note", note=note)

    def set_judgment(self, value: str | None) -> Edit:
        if value is not None and value not in self.tagset.judgment.values:
            raise ActionRefused(f"{value!r} is not a value of {self.tagset.judgment.name}")
        if value == (self.judgment.judgment if self.judgment else None):
            raise ActionRefused("judgment unchanged")
        return self._sentence_edit(f"{self.ACTION_PREFIX}.judgment", judgment=value, **self._judgment_fields(value))

    def _go_on(self, notice: str) -> str | None:
        """Go to the next sentence after finishing this one; at the last, say `notice`."""
        try:
            self.next_sentence()
        except ActionRefused:
            return notice
        return None

    # ---------------------------------------------------------- undo / redo

    def undo(self) -> Edit:
        return self._replayed(self.editor.undo())

    def redo(self) -> Edit:
        return self._replayed(self.editor.redo())

    def _replayed(self, edit: Edit) -> Edit:
        """Show the sentence an undo or redo touched (or reload this one)."""
        if not self._show_edited(edit.sentence_id):
            self._reload()
        return edit
