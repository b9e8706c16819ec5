"""An annotation session: one annotator, one sentence at a time, every change stored at once.

The session is the whole behaviour of the annotation workspace without a screen:
where the cursor is, what is selected, which sentence comes next, what each key
does to the store. The Textual UI only draws it and maps keys to its methods, so the
same rules hold in tests, in the UI and for anything built on top. The cursor, the
span under it, note, flag, judgment and undo are `SentenceEditing`'s, which the
curation session shares.

Blind by construction: every query is for this annotator's spans, sentence states
and suggestion decisions; another annotator's work is never loaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from itertools import chain

from .. import settings
from ..clock import now_iso
from ..errors import AnnotatorError
from ..lexicon.quotes import quoted_flag
from ..model import (
    GOLD,
    SUGGESTION_MODES,
    Document,
    Label,
    Sentence,
    SentenceState,
    SpanAnnotation,
    Suggestion,
    SuggestionMode,
    Tagset,
)
from ..store import Store
from ..team.campaign import after_finish
from .changes import Edit, SpanChange
from .cursor import TokenCursor
from .editing import ActionRefused, Editor
from .order import UNCERTAIN, DocumentOrder, RankedOrder, first_open_sentence
from .sentence_editing import SentenceEditing

# Time on screen is written with the next first showing of a sentence, or after this
# many visits, or at the close: a crash loses at most this many visits' seconds.
VISITS_PER_WRITE = 20


def _suggestions(count: int) -> str:
    return f"{count} suggestion{'s' if count != 1 else ''}"


def check_annotator_name(name: str) -> str:
    """Refuse names ordinary annotation must not use: empty ones and the curator's `gold`."""
    stripped = name.strip()
    if not stripped:
        raise AnnotatorError("the annotator name must not be empty")
    if stripped.casefold() == GOLD:
        raise AnnotatorError(f"{GOLD!r} is reserved for adjudication; choose another annotator name")
    return stripped


class AnnotationSession(SentenceEditing):
    def __init__(
        self,
        store: Store,
        annotator: str,
        *,
        order: DocumentOrder | RankedOrder | None = None,
        suggestions: SuggestionMode = "on",
        clock: Callable[[], str] = now_iso,
        defer_shown: bool = False,
        fixed_mode: str | None = None,
        draw_mode: Callable[[int], SuggestionMode] | None = None,
        seconds: Callable[[], float] = time.monotonic,
    ):
        """`defer_shown`: the UI calls `record_shown()` once the sentence is on screen,
        so the write of first_shown_at does not delay drawing it.

        `fixed_mode`: the lead's condition for this annotator (the mode cannot be
        switched here). `draw_mode`: with the random condition, the mode of each
        sentence, drawn from its id. `seconds`: the clock of time on screen."""
        self.store = store
        self.annotator = check_annotator_name(annotator)
        if suggestions not in SUGGESTION_MODES:
            raise AnnotatorError(f"unknown suggestion mode {suggestions!r}; use on, off or after")
        self.mode: SuggestionMode = suggestions
        self.editor = Editor(store, self.annotator, clock=clock)
        self.editor.after_write = self._after_write
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
        self.judgment: SentenceState | None = None
        self._all_suggestions: list[Suggestion] = []
        self._revealed: set[int] = set()
        self._defer_shown = defer_shown
        self._unrecorded: tuple[int, str] | None = None
        self._neutral = lru_cache(maxsize=256)(self._lookup_neutral)
        self._lexicon_note = lru_cache(maxsize=256)(self.store.lexicons.note)
        self.fixed_mode = fixed_mode
        self._draw_mode = draw_mode
        self._seconds = seconds
        # Time on screen: the sentence shown and since when; finished visits wait in
        # _visits and are written with record_shown(), after the screen is drawn.
        self._visit: tuple[int, float] | None = None
        self._visits: list[tuple[int, float]] = []

    # ------------------------------------------------------------------ opening

    def open(self, document_id: str | None = None) -> str | None:
        """Show the first sentence: in `document_id` if given, else the first not done (resume).

        Returns a notice for the reviewer, or None.
        """
        if document_id is not None:
            position = self.order.position_of(document_id)
            if position is None:
                if getattr(self.order, "is_queue", False):
                    raise AnnotatorError(
                        f"document {document_id!r} is not in your queue (see 'annotator assignments --annotator NAME')"
                    )
                raise AnnotatorError(f"no document {document_id!r} in this project")
            index = self._first_open(document_id)
            self._go(position, index or 0)
            return None
        found = self._find_open(0, -1, wrap=False)
        if found is None:
            self._go(0, 0)
            return self._all_done_notice()
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
    def sentence_text(self) -> str:
        sentence = self.sentence
        return sentence.text if sentence else ""

    @property
    def editable_spans(self) -> list[SpanAnnotation]:
        return self.spans

    @property
    def revealed(self) -> bool:
        """In `after` mode: whether this sentence's suggestions are shown yet."""
        sentence = self.sentence
        if sentence is None:
            return False
        return sentence.id in self._revealed or (self.judgment is not None and self.judgment.status == "done")

    @property
    def showing_suggestions(self) -> bool:
        """Whether this sentence's suggestions are on screen (not off, not hidden yet)."""
        return self.mode != "off" and (self.mode != "after" or self.revealed)

    @property
    def suggestions(self) -> list[Suggestion]:
        """The suggestions to show: none when off; in `after` mode only once revealed, and only
        those no span of this annotator already covers. Accepted ones show as their spans."""
        if not self.showing_suggestions:
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

    def lexicon_note_for(self, term: str | None, label: str) -> str | None:
        """The lexicon entry's note: why the term is loaded, and when to reject it."""
        return self._lexicon_note(term, label) if term else None

    # ------------------------------------------------------------------- items
    # (The token cursor and the span under it: SentenceEditing.)

    def _covered(self, start: int, end: int) -> bool:
        return any(s.start < end and s.end > start for s in self.spans)

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
        sentence = self.sentence
        self._end_visit()
        if sentence is not None and sentence.id is not None:
            self._visit = (sentence.id, self._seconds())
            if self._draw_mode is not None:
                self.mode = self._draw_mode(sentence.id)
        self.cursor.reset(len(self.tokens))
        self._leave_modes()
        self._reload()
        if (
            sentence is not None
            and sentence.id is not None
            and (self.judgment is None or self.judgment.first_shown_at is None)
        ):
            # A sentence still waiting to be recorded was on screen: record it first.
            self.record_shown()
            self._unrecorded = (sentence.id, self.mode)
            if not self._defer_shown:
                self.record_shown()

    def _end_visit(self) -> None:
        if self._visit is not None:
            sentence_id, since = self._visit
            self._visits.append((sentence_id, self._seconds() - since))
            self._visit = None

    def end_visit(self) -> None:
        """The workspace is closing: count the current sentence's visit and write every
        visit still waiting."""
        self._end_visit()
        if self.readonly or (not self._visits and self._unrecorded is None):
            return
        with self.store.transaction():
            self._write_visits()
            self.record_shown()

    def _write_visits(self) -> None:
        visits, self._visits = self._visits, []
        for sentence_id, seconds in visits:
            self.store.team.add_visit(sentence_id, self.annotator, seconds)

    def record_shown(self) -> None:
        """Store when the current sentence was first shown (once per sentence and
        annotator), and the time on screen of the visits just ended."""
        if self.readonly:
            self._visits.clear()
            self._unrecorded = None
            return
        if self._unrecorded is None and len(self._visits) < VISITS_PER_WRITE:
            return
        # One commit (one fsync) for both writes. Revisits of sentences already shown
        # wait for the next first showing (or the close, or VISITS_PER_WRITE of them),
        # so paging back and forth adds no commit per key.
        with self.store.transaction():
            self._write_visits()
            if self._unrecorded is None:
                return
            sentence_id, mode = self._unrecorded
            self._unrecorded = None
            shown = self.editor.mark_shown(sentence_id, mode, self.order.name)
        if shown and self.sentence is not None and self.sentence.id == sentence_id:
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
            index = self._first_open(self.order.document_at(candidate), after_index if first else -1)
            first = False
            if index is not None:
                return candidate, index
        return None

    def _first_open(self, document_id: str, after: int = -1) -> int | None:
        return first_open_sentence(self.store, self.order.name, document_id, self.annotator, after)

    def _all_done_notice(self) -> str:
        if getattr(self.order, "is_queue", False):
            return "Your queue is done: every document assigned to you is marked done."
        return "Every sentence is done."

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
            raise ActionRefused(self._all_done_notice())
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
        if self.fixed_mode is not None:
            raise ActionRefused(f"the lead fixed your suggestions to {self.fixed_mode!r} in this project")
        if mode not in SUGGESTION_MODES:
            raise ActionRefused(f"unknown suggestion mode {mode!r}")
        self.mode = mode
        if not self.readonly:
            self.store.team.remember_mode(self.annotator, mode)

    # ------------------------------------------------------------------- edits

    def _after(self, edit: Edit) -> Edit:
        self.done += edit.done_delta
        return super()._after(edit)

    def apply_label(self, key: str) -> Edit:
        """Label the selection, or the token under the cursor; on an existing span, relabel it."""
        label, (start, end), span = self._label_target(key)
        if span is not None:
            edit = self.editor.relabel(span, label.name)
        else:
            # Inside quotation marks it is the speaker's voice, not the author's.
            quoted = quoted_flag(self.sentence.text, self.tokens, start, end)
            edit = self.editor.add_span(self.sentence_id, start, end, label.name, quoted=quoted)
        # The selection is used up: the cursor shows again on its own.
        self.cursor.clear()
        return self._after(edit)

    def accept(self) -> Edit:
        """Accept the pending suggestion under the cursor, or else the first pending one;
        the cursor goes on to the next pending suggestion. Only pending ones: after `x`,
        `a` must not take the reject back (undo does that)."""
        suggestion = self.suggestion_at_cursor(pending_only=True) or next(iter(self.pending), None)
        if suggestion is None:
            raise ActionRefused(self._no_suggestion("to accept"))
        edit = self._after(self.editor.accept([suggestion]))
        self._to_next_pending(suggestion)
        return edit

    def accept_all(self) -> Edit:
        pending = self.pending
        if not pending:
            raise ActionRefused(self._no_suggestion("to accept"))
        return self._after(self.editor.accept(pending, action="suggestion.accept_all"))

    def reject(self) -> Edit:
        """Reject the pending suggestion under the cursor, or else the first pending one
        (as `accept` does); the cursor goes on to the next pending suggestion."""
        suggestion = self.suggestion_at_cursor(pending_only=True) or next(iter(self.pending), None)
        if suggestion is None:
            raise ActionRefused(self._no_suggestion("to reject"))
        edit = self._after(self.editor.reject([suggestion]))
        self._to_next_pending(suggestion)
        return edit

    def _to_next_pending(self, decided: Suggestion) -> None:
        """Put the cursor on the first pending suggestion after the one just decided
        (wrapping round the sentence); with none left it stays where it is."""
        firsts = []
        for suggestion in self.pending:
            tokens = self.token_range(suggestion.start, suggestion.end)
            if tokens is not None:
                firsts.append((tokens[0], suggestion.start))
        if not firsts:
            return
        firsts.sort()
        after = [first for first, start in firsts if start > decided.start]
        self.cursor.go_to(after[0] if after else firsts[0][0])
        self._cursor_moved()

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
        return self._after(self.editor.delete_span(self._span_under_cursor()))

    def set_span_note(self, note: str | None) -> Edit:
        return self._after(self.editor.set_span_note(self._span_under_cursor(), note))

    def _sentence_edit(self, action: str, **fields: object) -> Edit:
        self.record_shown()
        return super()._sentence_edit(action, **fields)

    def _finish(self, status: str) -> Edit | None:
        current = self.judgment or SentenceState(self.sentence_id, self.annotator)
        if current.status == status:
            return None
        return self._sentence_edit(
            f"sentence.{'done' if status == 'done' else 'skip'}",
            status=status,
            finished_at=self.editor.clock(),
            suggestion_mode=self.mode,
            served_order=self.order.name,
        )

    def _after_write(self, edit: Edit) -> None:
        # Adaptive overlap, inside the finishing write's transaction: a few index
        # lookups, unless this finished a document its annotators disagree on.
        if edit.action == "sentence.done":
            after_finish(self.store, edit.sentence_id, self.annotator)

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
                return f"{_suggestions(count)} revealed: accept (a) or reject (x), then enter"
        undecided = len(self.pending)
        self._check_required(undecided)
        if self._finish("done") is not None:
            from ..recommend.auto import note_done

            note_done(self.store)  # starts a background retraining when one is due
        left = f"{_suggestions(undecided)} left undecided." if undecided else None
        notice = self._go_on("Marked done. This is the last sentence; press n for the next one not done.")
        return " ".join(filter(None, [left, notice])) or None

    def _check_required(self, undecided: int) -> None:
        """The project's require-decisions and require-judgment settings: refuse `done`
        and say what is missing."""
        missing = []
        if undecided and settings.get(self.store, "require-decisions"):
            missing.append(f"{_suggestions(undecided)} pending: accept (a) or reject (x)")
        if settings.get(self.store, "require-judgment") and not (self.judgment and self.judgment.judgment):
            missing.append(f"no judgment ({self.tagset.judgment.name}) yet: choose one (v)")
        if missing:
            raise ActionRefused("not done: " + "; ".join(missing))

    def skip(self) -> str | None:
        self._finish("skipped")
        return self._go_on("Skipped. This is the last sentence.")

    def _resize(self, span: SpanAnnotation, start: int, end: int) -> Edit:
        return self._after(self.editor.resize_span(span, start, end))

    def _go_on(self, notice: str) -> str | None:
        if self.order.name != UNCERTAIN:
            return super()._go_on(notice)
        # Uncertainty first: on to the next most uncertain sentence not done.
        try:
            self.next_open()
        except ActionRefused as refused:
            return str(refused)
        return None

    # ------------------------------------------------------------ undo / redo
    # (Note, flag, judgment, undo and redo: SentenceEditing.)

    def _show_edited(self, sentence_id: int) -> bool:
        if sentence_id == (self.sentence.id if self.sentence else None):
            return False
        self.go_to_sentence(sentence_id)
        return True

    def _replayed(self, edit: Edit) -> Edit:
        """Update the counts, and show the sentence the edit touched with the cursor on it."""
        self.done += edit.done_delta
        super()._replayed(edit)
        for change in edit.changes:
            if isinstance(change, SpanChange):
                row = change.after or change.before
                tokens = None if row is None else self.token_range(row.start, row.end)
                if tokens is not None:
                    self.cursor.go_to(tokens[0])
                break
        return edit
