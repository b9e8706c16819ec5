"""An annotation session: one annotator, one sentence at a time, every change stored at once.

The session is the whole behaviour of the annotation workspace without a screen:
where the cursor is, what is selected, which sentence comes next, what each key
does to the store. The Textual UI only draws it and maps keys to its methods, so the
same rules hold in tests, in the UI and for anything built on top (adjudication
reuses `Editor`, `TokenCursor` and the change records).

Blind by construction: every query is for this annotator's spans, sentence states
and suggestion decisions; another annotator's work is never loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import chain

from ..clock import now_iso
from ..errors import AnnotatorError
from ..lexicon.quotes import quoted_flag
from ..model import GOLD, Document, Judgment, Label, Sentence, SpanAnnotation, Suggestion, SuggestionMode, Tagset
from ..store import Store
from .changes import Edit, SpanChange
from .cursor import TokenCursor
from .editing import ActionRefused, Editor
from .order import DocumentOrder

SUGGESTION_MODES: tuple[str, ...] = ("on", "off", "after")


def check_annotator_name(name: str) -> str:
    """Refuse names ordinary annotation must not use: empty ones and the curator's `gold`."""
    stripped = name.strip()
    if not stripped:
        raise AnnotatorError("the annotator name must not be empty")
    if stripped.casefold() == GOLD:
        raise AnnotatorError(f"{GOLD!r} is reserved for adjudication; choose another annotator name")
    return stripped


class AnnotationSession:
    def __init__(
        self,
        store: Store,
        annotator: str,
        *,
        order: DocumentOrder | None = None,
        suggestions: SuggestionMode = "on",
        clock: Callable[[], str] = now_iso,
        defer_shown: bool = False,
    ):
        """`defer_shown`: the UI calls `record_shown()` once the sentence is on screen,
        so the write of first_shown_at does not delay drawing it."""
        self.store = store
        self.annotator = check_annotator_name(annotator)
        if suggestions not in SUGGESTION_MODES:
            raise AnnotatorError(f"unknown suggestion mode {suggestions!r}; use on, off or after")
        self.mode: SuggestionMode = suggestions
        self.editor = Editor(store, self.annotator, clock=clock)
        self.order = order or DocumentOrder(store)
        if not len(self.order):
            raise AnnotatorError("the project has no documents yet: run 'annotator import' first")
        self.tagset: Tagset = store.tagset()
        # Cheap counts: a trigger-kept total and this annotator's done rows (an index
        # range). Kept up to date from the edits afterwards, never recounted per key.
        self.total = store.corpus.sentence_total()
        self.done = store.annotations.done_count(self.annotator)
        self.cursor = TokenCursor(0)
        self.position = -1
        self.document: Document | None = None
        self.sentences: list[Sentence] = []
        self.index = 0
        self.spans: list[SpanAnnotation] = []
        self.judgment: Judgment | None = None
        self._all_suggestions: list[Suggestion] = []
        self._revealed: set[int] = set()
        self._defer_shown = defer_shown
        self._unrecorded: tuple[int, str] | None = None
        self._neutral = lru_cache(maxsize=256)(self._lookup_neutral)

    @property
    def readonly(self) -> bool:
        return self.store.readonly

    # ------------------------------------------------------------------ opening

    def open(self, document_id: str | None = None) -> str | None:
        """Show the first sentence: in `document_id` if given, else the first not done (resume).

        Returns a notice for the reviewer, or None.
        """
        if document_id is not None:
            position = self.order.position_of(document_id)
            if position is None:
                raise AnnotatorError(f"no document {document_id!r} in this project")
            index = self.store.corpus.first_open_sentence(document_id, self.annotator)
            self._go(position, index or 0)
            return None
        found = self._find_open(0, -1, wrap=False)
        if found is None:
            self._go(0, 0)
            return "Every sentence is done."
        self._go(*found)
        return None

    # --------------------------------------------------------------- the state

    @property
    def sentence(self) -> Sentence | None:
        return self.sentences[self.index] if self.sentences else None

    @property
    def sentence_id(self) -> int:
        sentence = self.sentence
        if sentence is None or sentence.id is None:
            raise ActionRefused("this document has no sentences")
        return sentence.id

    @property
    def previous_context(self) -> Sentence | None:
        return self.sentences[self.index - 1] if self.index > 0 else None

    @property
    def next_context(self) -> Sentence | None:
        return self.sentences[self.index + 1] if self.index + 1 < len(self.sentences) else None

    @property
    def tokens(self) -> list[tuple[int, int]]:
        sentence = self.sentence
        return sentence.tokens if sentence else []

    @property
    def revealed(self) -> bool:
        """In `after` mode: whether this sentence's suggestions are shown yet."""
        sentence = self.sentence
        if sentence is None:
            return False
        return sentence.id in self._revealed or (self.judgment is not None and self.judgment.status == "done")

    @property
    def suggestions(self) -> list[Suggestion]:
        """The suggestions to show: none when off; in `after` mode only once revealed, and only
        those no span of this annotator already covers. Accepted ones show as their spans."""
        if self.mode == "off" or (self.mode == "after" and not self.revealed):
            return []
        shown = [g for g in self._all_suggestions if g.decision != "accepted"]
        if self.mode == "after":
            shown = [g for g in shown if g.decision is not None or not self._covered(g.start, g.end)]
        return shown

    @property
    def pending(self) -> list[Suggestion]:
        return [g for g in self.suggestions if g.decision is None]

    def label(self, name: str) -> Label | None:
        return self.tagset.label(name)

    def neutral_for(self, term: str | None, label: str) -> str | None:
        return self._neutral(term, label) if term else None

    def _lookup_neutral(self, term: str, label: str) -> str | None:
        return self.store.lexicons.neutral(term, label)

    # ------------------------------------------------------- tokens and items

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """The first and last token a character range touches."""
        hits = [i for i, (a, b) in enumerate(self.tokens) if a < end and b > start]
        return (hits[0], hits[-1]) if hits else None

    def char_range(self, first: int, last: int) -> tuple[int, int]:
        return self.tokens[first][0], self.tokens[last][1]

    def _covers_cursor(self, start: int, end: int) -> bool:
        if not self.tokens:
            return False
        a, b = self.tokens[self.cursor.position]
        return start < b and end > a

    def _covered(self, start: int, end: int) -> bool:
        return any(s.start < end and s.end > start for s in self.spans)

    def span_at_cursor(self) -> SpanAnnotation | None:
        """The span under the cursor: one matching the selection exactly, or else the
        shortest span over the cursor token."""
        selection = self.cursor.selection
        if selection is not None:
            start, end = self.char_range(*selection)
            exact = [s for s in self.spans if (s.start, s.end) == (start, end)]
            if exact:
                return exact[0]
        under = [s for s in self.spans if self._covers_cursor(s.start, s.end)]
        return min(under, key=lambda s: (s.end - s.start, s.start), default=None)

    def suggestion_at_cursor(self, *, pending_only: bool = False) -> Suggestion | None:
        pool = self.pending if pending_only else self.suggestions
        under = [g for g in pool if self._covers_cursor(g.start, g.end)]
        return min(under, key=lambda g: (g.decision is not None, g.end - g.start, g.start), default=None)

    def items(self) -> list[tuple[int, int, SpanAnnotation | Suggestion]]:
        """Spans and shown suggestions with their first token, in sentence order."""
        found: list[tuple[int, int, SpanAnnotation | Suggestion]] = []
        for item in [*self.spans, *self.suggestions]:
            tokens = self.token_range(item.start, item.end)
            if tokens is not None:
                found.append((tokens[0], item.start, item))
        found.sort(key=lambda entry: (entry[0], entry[1]))
        return found

    # ------------------------------------------------------------- the cursor

    def move(self, delta: int) -> None:
        self.cursor.move(delta)

    def extend(self, delta: int) -> None:
        self.cursor.extend(delta)

    def clear_selection(self) -> None:
        self.cursor.clear()

    def place(self, token: int) -> None:
        self.cursor.go_to(token)

    def select(self, first: int, last: int) -> None:
        self.cursor.select(first, last)

    def next_item(self) -> None:
        starts = sorted({first for first, _, _ in self.items()})
        if not starts:
            raise ActionRefused("no spans or suggestions in this sentence")
        after = [t for t in starts if t > self.cursor.position]
        self.cursor.go_to(after[0] if after else starts[0])

    def previous_item(self) -> None:
        starts = sorted({first for first, _, _ in self.items()})
        if not starts:
            raise ActionRefused("no spans or suggestions in this sentence")
        before = [t for t in starts if t < self.cursor.position]
        self.cursor.go_to(before[-1] if before else starts[-1])

    # -------------------------------------------------------------- navigation

    def _go(self, position: int, index: int) -> None:
        """Show sentence `index` of the document at `position`; index -1 is its last sentence."""
        if position != self.position:
            document_id = self.order.document_at(position)
            self.document = self.store.corpus.document_header(document_id)
            self.sentences = self.store.corpus.sentences_of(document_id)
            self.position = position
        self.index = max(0, min(len(self.sentences) - 1 if index < 0 else index, len(self.sentences) - 1))
        self._arrive()

    def _arrive(self) -> None:
        self.cursor.reset(len(self.tokens))
        self._reload()
        sentence = self.sentence
        if sentence is not None and sentence.id is not None and (
            self.judgment is None or self.judgment.first_shown_at is None
        ):
            # A sentence still waiting to be recorded was on screen: record it first.
            self.record_shown()
            self._unrecorded = (sentence.id, self.mode)
            if not self._defer_shown:
                self.record_shown()

    def record_shown(self) -> None:
        """Store when the current sentence was first shown (once per sentence and annotator)."""
        if self._unrecorded is None:
            return
        sentence_id, mode = self._unrecorded
        self._unrecorded = None
        if self.editor.mark_shown(sentence_id, mode) and self.sentence is not None and self.sentence.id == sentence_id:
            self.judgment = self.store.annotations.get_judgment(sentence_id, self.annotator)

    def _reload(self) -> None:
        sentence = self.sentence
        if sentence is None or sentence.id is None:
            self.spans, self._all_suggestions, self.judgment = [], [], None
            return
        self.spans = self.store.annotations.spans_for_sentence(sentence.id, self.annotator)
        self._all_suggestions = self.store.suggestions.for_sentence(sentence.id, self.annotator)
        self.judgment = self.store.annotations.get_judgment(sentence.id, self.annotator)
        self.cursor.count = len(self.tokens)
        self.cursor.position = min(self.cursor.position, max(len(self.tokens) - 1, 0))

    def _find_open(self, position: int, after_index: int, *, wrap: bool) -> tuple[int, int] | None:
        """The first sentence not done at or after (position, after_index + 1) in navigation order."""
        count = len(self.order)
        positions = chain(range(position, count), range(0, position + 1) if wrap else ())
        first = True
        for candidate in positions:
            document_id = self.order.document_at(candidate)
            index = self.store.corpus.first_open_sentence(document_id, self.annotator, after_index if first else -1)
            first = False
            if index is not None:
                return candidate, index
        return None

    def next_sentence(self) -> None:
        if self.index + 1 < len(self.sentences):
            self._go(self.position, self.index + 1)
        elif self.position + 1 < len(self.order):
            self._go(self.position + 1, 0)
        else:
            raise ActionRefused("this is the last sentence")

    def previous_sentence(self) -> None:
        if self.index > 0:
            self._go(self.position, self.index - 1)
        elif self.position > 0:
            self._go(self.position - 1, -1)
        else:
            raise ActionRefused("this is the first sentence")

    def next_document(self) -> None:
        if self.position + 1 >= len(self.order):
            raise ActionRefused("this is the last document")
        self._go(self.position + 1, 0)

    def previous_document(self) -> None:
        if self.position <= 0:
            raise ActionRefused("this is the first document")
        self._go(self.position - 1, 0)

    def next_open(self) -> None:
        """Go to the next sentence this annotator has not marked done, wrapping at the end."""
        found = self._find_open(self.position, self.index, wrap=True)
        if found is None:
            raise ActionRefused("every sentence is done")
        if found == (self.position, self.index):
            raise ActionRefused("no other sentence is open")
        self._go(*found)

    def go_to_document(self, document_id: str) -> None:
        position = self.order.position_of(document_id)
        if position is None:
            raise ActionRefused(f"no document {document_id!r}")
        self._go(position, 0)

    def go_to_position(self, position: int) -> None:
        """Go to the first sentence of the document at `position` (0-based) of the order."""
        if not 0 <= position < len(self.order):
            raise ActionRefused(f"no document number {position + 1}")
        self._go(position, 0)

    def go_to_sentence(self, sentence_id: int) -> None:
        sentence = self.store.corpus.get_sentence(sentence_id)
        position = None if sentence is None else self.order.position_of(sentence.document_id)
        if sentence is None or position is None:
            raise ActionRefused(f"no sentence {sentence_id}")
        self._go(position, sentence.index)

    def set_mode(self, mode: SuggestionMode) -> None:
        if mode not in SUGGESTION_MODES:
            raise ActionRefused(f"unknown suggestion mode {mode!r}")
        self.mode = mode

    # ------------------------------------------------------------------- edits

    def _after(self, edit: Edit) -> Edit:
        self.done += edit.done_delta
        self._reload()
        return edit

    def apply_label(self, key: str) -> Edit:
        """Label the selection, or the token under the cursor; on an existing span, relabel it."""
        label = self.tagset.label_for_key(key)
        if label is None:
            raise ActionRefused(f"no label on key {key}")
        target = self.cursor.target
        if target is None:
            raise ActionRefused("this sentence has no tokens")
        span = self.span_at_cursor()
        if self.cursor.selection is not None:
            start, end = self.char_range(*target)
            if span is not None and (span.start, span.end) != (start, end):
                span = None
        if span is not None:
            edit = self.editor.relabel(span, label.name)
        else:
            start, end = self.char_range(*target)
            # Inside quotation marks it is the speaker's voice, not the author's.
            quoted = quoted_flag(self.sentence.text, self.tokens, start, end)  # type: ignore[union-attr]
            edit = self.editor.add_span(self.sentence_id, start, end, label.name, quoted=quoted)
        # The selection is used up: the cursor shows again on its own.
        self.cursor.clear()
        return self._after(edit)

    def accept(self) -> Edit:
        """Accept the suggestion under the cursor, or else the first pending one."""
        suggestion = self.suggestion_at_cursor() or next(iter(self.pending), None)
        if suggestion is None:
            raise ActionRefused(self._no_suggestion("to accept"))
        return self._after(self.editor.accept([suggestion]))

    def accept_all(self) -> Edit:
        pending = self.pending
        if not pending:
            raise ActionRefused(self._no_suggestion("to accept"))
        return self._after(self.editor.accept(pending, action="suggestion.accept_all"))

    def reject(self) -> Edit:
        suggestion = self.suggestion_at_cursor(pending_only=True)
        if suggestion is None:
            raise ActionRefused("no pending suggestion under the cursor")
        return self._after(self.editor.reject([suggestion]))

    def reject_all(self) -> Edit:
        pending = self.pending
        if not pending:
            raise ActionRefused(self._no_suggestion("to reject"))
        return self._after(self.editor.reject(pending, action="suggestion.reject_all"))

    def _no_suggestion(self, purpose: str) -> str:
        if self.mode == "off":
            return "suggestions are off"
        if self.mode == "after" and not self.revealed:
            return "suggestions are hidden until you press enter"
        return f"no pending suggestion {purpose}"

    def delete(self) -> Edit:
        span = self.span_at_cursor()
        if span is None:
            raise ActionRefused("no span under the cursor")
        return self._after(self.editor.delete_span(span))

    def toggle_quoted(self) -> Edit:
        span = self.span_at_cursor()
        if span is None:
            raise ActionRefused("no span under the cursor")
        return self._after(self.editor.toggle_quoted(span))

    def set_span_note(self, note: str | None) -> Edit:
        span = self.span_at_cursor()
        if span is None:
            raise ActionRefused("no span under the cursor")
        return self._after(self.editor.set_span_note(span, note))

    def _sentence_edit(self, action: str, **fields: object) -> Edit:
        self.record_shown()
        return self._after(self.editor.update_sentence(self.sentence_id, action, **fields))

    def _finish(self, status: str) -> Edit | None:
        current = self.judgment or Judgment(self.sentence_id, self.annotator)
        if current.status == status:
            return None
        return self._sentence_edit(
            f"sentence.{'done' if status == 'done' else 'skip'}",
            status=status,
            finished_at=self.editor.clock(),
            suggestion_mode=self.mode,
        )

    def mark_done(self) -> str | None:
        """Mark the sentence done and go to the next one.

        In `after` mode the first press reveals the suggestions no span covers, if there
        are any, and stays for a decision; the next press marks the sentence done.
        Returns a notice, or None.
        """
        sentence_id = self.sentence_id
        if self.mode == "after" and not self.revealed:
            self._revealed.add(sentence_id)
            if self.pending:
                count = len(self.pending)
                return f"{count} suggestion{'s' if count != 1 else ''} revealed: accept (a) or reject (x), then enter"
        self._finish("done")
        try:
            self.next_sentence()
        except ActionRefused:
            return "Marked done. This is the last sentence; press n for the next one not done."
        return None

    def skip(self) -> str | None:
        self._finish("skipped")
        try:
            self.next_sentence()
        except ActionRefused:
            return "Skipped. This is the last sentence."
        return None

    def toggle_flag(self) -> Edit:
        flagged = bool(self.judgment and self.judgment.flagged)
        return self._sentence_edit("sentence.flag", flagged=not flagged)

    def set_note(self, note: str | None) -> Edit:
        note = note or None
        if note == (self.judgment.note if self.judgment else None):
            raise ActionRefused("note unchanged")
        return self._sentence_edit("sentence.note", note=note)

    def set_judgment(self, value: str | None) -> Edit:
        if value is not None and value not in self.tagset.judgment.values:
            raise ActionRefused(f"{value!r} is not a value of {self.tagset.judgment.name}")
        if value == (self.judgment.judgment if self.judgment else None):
            raise ActionRefused("judgment unchanged")
        return self._sentence_edit("sentence.judgment", judgment=value)

    # ------------------------------------------------------------ undo / redo

    def undo(self) -> Edit:
        return self._show_replayed(self.editor.undo())

    def redo(self) -> Edit:
        return self._show_replayed(self.editor.redo())

    def _show_replayed(self, edit: Edit) -> Edit:
        """Update the counts, and show the sentence the edit touched with the cursor on it."""
        self.done += edit.done_delta
        if edit.sentence_id != (self.sentence.id if self.sentence else None):
            self.go_to_sentence(edit.sentence_id)
        else:
            self._reload()
        for change in edit.changes:
            if isinstance(change, SpanChange):
                row = change.after or change.before
                tokens = None if row is None else self.token_range(row.start, row.end)
                if tokens is not None:
                    self.cursor.go_to(tokens[0])
                break
        return edit
