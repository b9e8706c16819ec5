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

from dataclasses import dataclass

from ..model import Label, SentenceState, SpanAnnotation, Tagset
from ..store import Store
from .changes import DecisionChange, Edit, describe_edit
from .cursor import TokenCursor, token_range
from .editing import ActionRefused, Editor
from .jump import jump_target


@dataclass
class JumpState:
    """A `'` jump under way: where it started, the letters typed, and whether it extends
    the selection (one was active when it started)."""

    origin: int
    extending: bool
    typed: str = ""


@dataclass
class BoundaryEdit:
    """An `e` boundary edit under way: the span being changed (None for a new range
    from the selection) and its character range so far."""

    span: SpanAnnotation | None
    start: int
    end: int

    @property
    def changed(self) -> bool:
        return self.span is None or (self.span.start, self.span.end) != (self.start, self.end)


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

    @property
    def sentence_text(self) -> str:
        """The text of the sentence on screen ("" when there is none)."""
        raise NotImplementedError

    def next_sentence(self) -> None:
        """Show the next sentence, or refuse at the last."""
        raise NotImplementedError

    def _resize(self, span: SpanAnnotation, start: int, end: int) -> Edit:
        """Store new boundaries of one of the spans this session edits (one undoable edit)."""
        raise NotImplementedError

    def _cursor_moved(self) -> None:
        """What a cursor or selection move resets besides the cursor (nothing here)."""

    def _judgment_fields(self, value: str | None) -> dict[str, object]:
        """Fields stored with a new judgment besides the value itself (none here)."""
        return {}

    # ---------------------------------------------------------------- state

    # The modes a key can open; the screen routes keys to them while one is open.
    jump: JumpState | None = None
    boundary: BoundaryEdit | None = None

    @property
    def readonly(self) -> bool:
        return self.store.readonly

    @property
    def key_mode(self) -> str | None:
        """'jump' or 'boundary' while one of those modes takes the keys, else None."""
        if self.jump is not None:
            return "jump"
        if self.boundary is not None:
            return "boundary"
        return None

    def _leave_modes(self) -> None:
        """Another sentence is shown: a jump or boundary edit of the last one ends."""
        self.jump = None
        self.boundary = None

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

    def first_token(self) -> None:
        self.place(0)

    def last_token(self) -> None:
        self.place(len(self.tokens) - 1)

    def extend_to_first(self) -> None:
        self.cursor.extend_to(0)
        self._cursor_moved()

    def extend_to_last(self) -> None:
        self.cursor.extend_to(len(self.tokens) - 1)
        self._cursor_moved()

    # ----------------------------------------------------------------- jump

    def begin_jump(self) -> None:
        """`'`: the letters typed next move the cursor (extending a selection if one is active)."""
        if not self.tokens:
            raise ActionRefused("this sentence has no tokens")
        self.boundary = None
        self.jump = JumpState(self.cursor.position, extending=self.cursor.selection is not None)

    def jump_type(self, letters: str) -> None:
        """Add typed letters to the jump and go to the token they now lead to."""
        jump = self._jumping()
        jump.typed += letters
        self._jump_go(jump)

    def jump_back(self) -> None:
        """Take the last typed letter back (backspace)."""
        jump = self._jumping()
        jump.typed = jump.typed[:-1]
        self._jump_go(jump)

    def end_jump(self) -> None:
        self.jump = None

    def _jumping(self) -> JumpState:
        if self.jump is None:
            raise ActionRefused("no jump under way (' starts one)")
        return self.jump

    def _jump_go(self, jump: JumpState) -> None:
        text = self.sentence_text
        target = (
            jump.origin if not jump.typed else jump_target([text[a:b] for a, b in self.tokens], jump.origin, jump.typed)
        )
        if target is None:
            raise ActionRefused(f"no token starts with {jump.typed!r}")
        if jump.extending:
            self.cursor.extend_to(target)
        else:
            self.cursor.go_to(target)
        self._cursor_moved()

    # --------------------------------------------------------- boundary edit

    def begin_boundary(self) -> None:
        """`e`: edit the boundaries of the span under the cursor (with a selection: the span
        of exactly that range, else the selected characters as a new range to label)."""
        target = self.cursor.target
        if target is None:
            raise ActionRefused("this sentence has no tokens")
        start, end = self.char_range(*target)
        if self.cursor.selection is not None:
            span = next((s for s in self.editable_spans if (s.start, s.end) == (start, end)), None)
        else:
            span = self.span_at_cursor()
        self.jump = None
        self.boundary = BoundaryEdit(span, span.start, span.end) if span else BoundaryEdit(None, start, end)

    def move_boundary(self, side: str, delta: int) -> None:
        """Move the start or the end of the range by `delta` characters; it never empties."""
        edit = self._editing_boundary()
        if side == "end":
            moved = edit.end + delta
            if moved <= edit.start:
                raise ActionRefused("the end cannot pass the start")
            if moved > len(self.sentence_text):
                raise ActionRefused("the end of the sentence")
            edit.end = moved
        else:
            moved = edit.start + delta
            if moved >= edit.end:
                raise ActionRefused("the start cannot pass the end")
            if moved < 0:
                raise ActionRefused("the start of the sentence")
            edit.start = moved

    def keep_boundary(self) -> Edit | str:
        """`enter`: store the new boundaries as one undoable edit and end the edit."""
        edit = self._editing_boundary()
        if edit.span is None:
            raise ActionRefused("a new range: label it with its key (1-9), or escape")
        if not edit.changed:
            self.boundary = None
            return "boundaries unchanged"
        self.boundary = None
        return self._resize(edit.span, edit.start, edit.end)

    def cancel_boundary(self) -> None:
        self.boundary = None

    def _editing_boundary(self) -> BoundaryEdit:
        if self.boundary is None:
            raise ActionRefused("no boundary edit under way (e starts one)")
        return self.boundary

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
        edit = self.boundary
        if edit is not None:
            if edit.span is not None:
                raise ActionRefused("enter keeps the new boundaries (escape cancels); then relabel")
            # The range of a boundary edit on a selection: labelling it ends the edit.
            self.boundary = None
            return label, (edit.start, edit.end), None
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

    def undo_saying(self) -> str:
        """Undo, and say what was undone ("undid: label 'pengecut' as loaded_language")."""
        edit = self.undo()
        # The applied edit runs backwards; its description is of the edit as first made.
        return "undid: " + self._describe(edit.inverted())

    def redo_saying(self) -> str:
        return "redid: " + self._describe(self.redo())

    def _describe(self, edit: Edit) -> str:
        suggestions = {}
        if any(isinstance(change, DecisionChange) for change in edit.changes):
            rows = self.store.suggestions.for_sentence(edit.sentence_id, self.editor.annotator)
            suggestions = {g.id: g for g in rows if g.id is not None}
        return describe_edit(edit, self._text_of(edit.sentence_id), suggestions)

    def _text_of(self, sentence_id: int) -> str:
        if self.tokens and sentence_id == self.sentence_id:
            return self.sentence_text
        sentence = self.store.corpus.get_sentence(sentence_id)
        return sentence.text if sentence else ""

    def _replayed(self, edit: Edit) -> Edit:
        """Show the sentence an undo or redo touched (or reload this one)."""
        if not self._show_edited(edit.sentence_id):
            self._reload()
        return edit
