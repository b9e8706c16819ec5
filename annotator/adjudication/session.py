"""A curation session: settle several annotators' work into gold, one sentence at a time.

Like the annotation workspace, this is the whole behaviour without a screen, and it
edits the gold sentence with the same core (`SentenceEditing`: cursor, selection, the
span under the cursor, note, flag, judgment, undo). Gold is written under the reserved
name `gold` through the workspace's `Editor`, so every change is stored at once,
logged, and undoable. Every gold item carries provenance:
`agreed_by` (the annotators who gave exactly that item) and `resolution` (`auto` when
the pre-fill rule put it there, `curated` when the curator did).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..clock import now_iso
from ..errors import AnnotatorError
from ..lexicon.quotes import quoted_flag
from ..model import GOLD, Sentence, SentenceState, SpanAnnotation, Tagset
from ..overlaps import same_label_overlaps
from ..store import Store
from ..workspace.changes import Change, Edit, SpanChange
from ..workspace.cursor import TokenCursor
from ..workspace.editing import ActionRefused, Editor
from ..workspace.sentence_editing import SentenceEditing
from .notes import AnnotatorNotes, annotator_notes
from .queue import (
    QueueOrder,
    SentenceCase,
    build_queue,
    default_annotators,
    gold_origin,
    load_case,
    prefill,
)
from .rules import AUTO_RULES, AutoRule, Candidate


class GoldEditor(Editor):
    """The workspace editor, writing gold items with their provenance."""

    def __init__(self, store: Store, curator: str, *, clock: Callable[[], str] = now_iso):
        super().__init__(store, GOLD, clock=clock, origin="adjudicate")
        self.curator = curator

    def _log(self, action: str, sentence_id: int | None, payload: dict) -> None:
        super()._log(action, sentence_id, {"curator": self.curator, **payload})

    def add_gold(self, sentence_id: int, spans: Sequence[SpanAnnotation], action: str) -> Edit:
        """Add gold spans (skipping ones gold already has) as one undoable edit."""

        def make() -> list[Change]:
            existing = {(s.start, s.end, s.label) for s in self.store.annotations.spans_for_sentence(sentence_id, GOLD)}
            changes: list[Change] = []
            for span in spans:
                if (span.start, span.end, span.label) in existing:
                    continue
                existing.add((span.start, span.end, span.label))
                changes.append(
                    SpanChange(None, self.store.annotations.add_span(replace(span, created_at=self.clock())))
                )
            if not changes:
                raise ActionRefused("gold already has that")
            return changes

        return self._commit(action, sentence_id, make)

    def replace_gold(self, old: SpanAnnotation, new: SpanAnnotation, action: str) -> Edit:
        def make() -> list[Change]:
            assert old.id is not None
            self.store.annotations.delete_span(old.id)
            changes: list[Change] = [SpanChange(old, None)]
            twin = next(
                (
                    s
                    for s in self.store.annotations.spans_for_sentence(new.sentence_id, GOLD)
                    if (s.start, s.end, s.label) == (new.start, new.end, new.label)
                ),
                None,
            )
            if twin is None:
                changes.append(SpanChange(None, self.store.annotations.add_span(replace(new, created_at=self.clock()))))
            return changes

        return self._commit(action, old.sentence_id, make)

    def remove_gold(self, spans: Sequence[SpanAnnotation], action: str) -> Edit:
        def make() -> list[Change]:
            for span in spans:
                assert span.id is not None
                self.store.annotations.delete_span(span.id)
            return [SpanChange(span, None) for span in spans]

        return self._commit(action, spans[0].sentence_id, make)

    def note_rejection(self, sentence_id: int, candidate: Candidate) -> None:
        """A rejected candidate that gold never held changes nothing; the log keeps the decision."""
        self._check_writable()
        with self.store.transaction():
            self._log(
                "candidate.reject",
                sentence_id,
                {
                    "start": candidate.start,
                    "end": candidate.end,
                    "label": candidate.label,
                    "annotators": list(candidate.annotators),
                },
            )


class CurationSession(SentenceEditing):
    ACTION_PREFIX = "gold"
    SPAN_NAME = "gold span"

    def __init__(
        self,
        store: Store,
        curator: str,
        *,
        annotators: Sequence[str] | None = None,
        min_annotators: int = 2,
        order: QueueOrder = "document",
        auto: AutoRule = "majority",
        clock: Callable[[], str] = now_iso,
    ):
        curator = curator.strip()
        if not curator:
            raise AnnotatorError("the curator name must not be empty")
        if auto not in AUTO_RULES:
            raise AnnotatorError(f"unknown rule {auto!r}; use {', '.join(AUTO_RULES)}")
        if min_annotators < 1:
            raise AnnotatorError("--min-annotators must be at least 1")
        self.store = store
        self.curator = curator
        self.annotators = list(annotators) if annotators else default_annotators(store)
        if GOLD in self.annotators:
            raise AnnotatorError(f"{GOLD!r} is what adjudication writes; it cannot be one of the annotators")
        known = set(store.annotations.annotators())
        missing = [name for name in self.annotators if name not in known]
        if missing:
            raise AnnotatorError(f"no annotator named {', '.join(repr(m) for m in missing)} in this project")
        if not self.annotators:
            raise AnnotatorError("no annotators to adjudicate yet: annotate first")
        self.rule: AutoRule = auto
        self.tagset: Tagset = store.tagset()
        self.editor = GoldEditor(store, curator, clock=clock)
        self.queue = build_queue(store, self.annotators, min_annotators, order)
        if not self.queue:
            raise AnnotatorError(
                f"no sentence is marked done by {min_annotators} or more of {', '.join(self.annotators)}"
            )
        self.position = -1
        self.case: SentenceCase | None = None
        self.gold: list[SpanAnnotation] = []
        self.judgment: SentenceState | None = None
        self.cursor = TokenCursor(0)
        self.candidate_index: int | None = None
        self.rejected: set[tuple[int, int, int, str]] = set()
        # What the selected annotators said about the sentence (flags, notes), for the curator.
        self.notes: list[AnnotatorNotes] = []

    # ------------------------------------------------------------------ state

    @property
    def sentence(self) -> Sentence:
        assert self.case is not None
        return self.case.sentence

    @property
    def sentence_text(self) -> str:
        return self.sentence.text

    @property
    def sentence_id(self) -> int:
        sentence_id = self.sentence.id
        assert sentence_id is not None
        return sentence_id

    @property
    def tokens(self) -> list[tuple[int, int]]:
        return self.sentence.tokens

    @property
    def editable_spans(self) -> list[SpanAnnotation]:
        return self.gold

    @property
    def candidates(self) -> list[Candidate]:
        assert self.case is not None
        return self.case.candidates

    @property
    def candidate(self) -> Candidate | None:
        if self.candidate_index is None or not self.candidates:
            return None
        return self.candidates[self.candidate_index]

    def in_gold(self, candidate: Candidate) -> bool:
        return any((g.start, g.end, g.label) == candidate.key for g in self.gold)

    def is_rejected(self, candidate: Candidate) -> bool:
        return (self.sentence_id, *candidate.key) in self.rejected

    def adjudicated(self) -> int:
        return self.store.annotations.status_counts(GOLD).get("done", 0)

    def agreed_by(self, start: int, end: int, label: str) -> tuple[str, ...]:
        """The annotators who gave exactly this span."""
        return next((c.annotators for c in self.candidates if c.key == (start, end, label)), ())

    def judgment_votes(self) -> dict[str, list[str]]:
        """Judgment value -> annotators who chose it, in the tag set's order."""
        assert self.case is not None
        votes: dict[str, list[str]] = {}
        for name, value in self.case.judgments.items():
            if value is not None:
                votes.setdefault(value, []).append(name)
        order = {v: i for i, v in enumerate(self.tagset.judgment.values)}
        return dict(sorted(votes.items(), key=lambda item: order.get(item[0], len(order))))

    # ------------------------------------------------------------- navigation

    def open(self) -> str | None:
        """Go to the first sentence gold has not finished; returns a notice or None."""
        for position, sentence_id in enumerate(self.queue):
            state = self.store.annotations.get_judgment(sentence_id, GOLD)
            if state is None or state.status != "done":
                self._go(position)
                return None
        self._go(0)
        return "Every sentence in the queue is adjudicated."

    def _go(self, position: int) -> None:
        self.position = position
        self.case = load_case(self.store, self.queue[position], self.annotators)
        self.notes = annotator_notes(self.store, self.queue[position], self.annotators)
        if not self.readonly:
            prefill(self.store, self.case, self.rule, self.curator)
        self.cursor.reset(len(self.tokens))
        self._leave_modes()
        self.candidate_index = 0 if self.candidates else None
        self._select_candidate()
        self._reload()

    def _reload(self) -> None:
        self.gold = self.store.annotations.spans_for_sentence(self.sentence_id, GOLD)
        self.judgment = self.store.annotations.get_judgment(self.sentence_id, GOLD)

    def next_sentence(self) -> None:
        if self.position + 1 >= len(self.queue):
            raise ActionRefused("this is the last sentence in the queue")
        self._go(self.position + 1)

    def previous_sentence(self) -> None:
        if self.position <= 0:
            raise ActionRefused("this is the first sentence in the queue")
        self._go(self.position - 1)

    def next_open(self) -> None:
        count = len(self.queue)
        for step in range(1, count + 1):
            position = (self.position + step) % count
            state = self.store.annotations.get_judgment(self.queue[position], GOLD)
            if state is None or state.status != "done":
                if position == self.position:
                    raise ActionRefused("no other sentence is left to adjudicate")
                self._go(position)
                return
        raise ActionRefused("every sentence in the queue is adjudicated")

    # ------------------------------------------------------------- the cursor
    # (Moves, selection and the gold span under the cursor: SentenceEditing.)

    def _select_candidate(self) -> None:
        candidate = self.candidate
        tokens = None if candidate is None else self.token_range(candidate.start, candidate.end)
        if tokens is not None:
            self.cursor.select(*tokens)

    def next_candidate(self, step: int = 1) -> None:
        if not self.candidates:
            raise ActionRefused("no annotator marked a span in this sentence")
        current = -1 if self.candidate_index is None and step > 0 else (self.candidate_index or 0)
        self.candidate_index = (current + step) % len(self.candidates)
        self._select_candidate()

    def _cursor_moved(self) -> None:
        # A move of its own leaves the candidate the cursor was put on.
        self.candidate_index = None

    # ------------------------------------------------------------------ edits

    def _gold_span(
        self,
        start: int,
        end: int,
        label: str,
        *,
        quoted: bool | None = None,
        lexicon_term: str | None = None,
        origin: str = "manual",
    ) -> SpanAnnotation:
        if quoted is None:
            quoted = quoted_flag(self.sentence.text, self.tokens, start, end)
        return SpanAnnotation(
            self.sentence_id,
            GOLD,
            start,
            end,
            label,
            origin=origin,
            quoted=quoted,
            lexicon_term=lexicon_term,
            agreed_by=self.agreed_by(start, end, label),
            resolution="curated",
        )

    def _sources(self, candidate: Candidate) -> list[SpanAnnotation]:
        assert self.case is not None
        return [
            s
            for name in candidate.annotators
            for s in self.case.spans.get(name, [])
            if (s.start, s.end, s.label) == candidate.key
        ]

    def _from_candidate(self, candidate: Candidate) -> SpanAnnotation:
        sources = self._sources(candidate)
        return self._gold_span(
            candidate.start,
            candidate.end,
            candidate.label,
            quoted=any(s.quoted for s in sources),
            lexicon_term=next((s.lexicon_term for s in sources if s.lexicon_term), None),
            origin=gold_origin(sources),
        )

    def take(self) -> Edit:
        """Take the candidate under the cursor into gold."""
        candidate = self.candidate or self._candidate_at_cursor()
        if candidate is None:
            raise ActionRefused("no candidate under the cursor (tab moves between candidates)")
        self.rejected.discard((self.sentence_id, *candidate.key))
        return self._after(self.editor.add_gold(self.sentence_id, [self._from_candidate(candidate)], "gold.take"))

    def take_all_of(self, annotator: str) -> Edit:
        """Take every span one annotator gave in this sentence."""
        assert self.case is not None
        if annotator not in self.case.annotators:
            raise ActionRefused(f"{annotator} did not finish this sentence")
        mine = [c for c in self.candidates if annotator in c.annotators]
        if not mine:
            raise ActionRefused(f"{annotator} marked no spans here")
        for candidate in mine:
            self.rejected.discard((self.sentence_id, *candidate.key))
        spans = [self._from_candidate(c) for c in mine]
        return self._after(self.editor.add_gold(self.sentence_id, spans, "gold.take_all"))

    def reject(self) -> Edit | None:
        """Reject the candidate under the cursor: gold loses it if it had it."""
        candidate = self.candidate or self._candidate_at_cursor()
        if candidate is None:
            raise ActionRefused("no candidate under the cursor (tab moves between candidates)")
        self.rejected.add((self.sentence_id, *candidate.key))
        held = [g for g in self.gold if (g.start, g.end, g.label) == candidate.key]
        if held:
            return self._after(self.editor.remove_gold(held, "gold.reject"))
        self.editor.note_rejection(self.sentence_id, candidate)
        return None

    def _candidate_at_cursor(self) -> Candidate | None:
        under = [c for c in self.candidates if self._covers_cursor(c.start, c.end)]
        return min(under, key=lambda c: (c.end - c.start, c.start), default=None)

    def apply_label(self, key: str) -> Edit:
        """Label the selection (or token) in gold; on a gold span, relabel it."""
        label, (start, end), existing = self._label_target(key)
        self.cursor.clear()
        self.candidate_index = None
        if existing is not None:
            if existing.label == label.name:
                raise ActionRefused(f"already labelled {label.name}")
            new = self._gold_span(
                existing.start, existing.end, label.name, quoted=existing.quoted, lexicon_term=existing.lexicon_term
            )
            return self._after(self.editor.replace_gold(existing, new, "gold.relabel"))
        return self._after(
            self.editor.add_gold(self.sentence_id, [self._gold_span(start, end, label.name)], "gold.add")
        )

    def delete(self) -> Edit:
        return self._after(self.editor.remove_gold([self._span_under_cursor()], "gold.delete"))

    def _resize(self, span: SpanAnnotation, start: int, end: int) -> Edit:
        """A boundary edit in gold: the span on its new range, with who agreed on that range."""
        new = self._gold_span(start, end, span.label, quoted=span.quoted, lexicon_term=span.lexicon_term)
        return self._after(self.editor.replace_gold(span, new, "gold.resize"))

    def _judgment_fields(self, value: str | None) -> dict[str, object]:
        """Gold's judgment records who chose it, and that the curator settled it."""
        assert self.case is not None
        agreed = tuple(sorted(n for n, v in self.case.judgments.items() if v == value)) if value else ()
        return {"judgment_agreed_by": agreed, "judgment_resolution": "curated" if value else None}

    def overlap_warning(self) -> str | None:
        """A warning when this sentence's gold holds two overlapping spans of one label."""
        spans = [(s.start, s.end, s.label) for s in self.gold]
        pairs = same_label_overlaps(spans)
        if not pairs:
            return None
        text = self.sentence.text
        shown = "; ".join(
            f"{spans[i][2]} “{text[spans[i][0] : spans[i][1]]}” and “{text[spans[j][0] : spans[j][1]]}”"
            for i, j in pairs[:3]
        )
        return f"Gold of sentence {self.sentence.index + 1} holds overlapping spans of one label ({shown}): merge or delete one."

    def mark_adjudicated(self) -> str | None:
        """Mark the sentence adjudicated and go to the next one; returns a notice or None
        (a warning first when its gold holds overlapping spans of one label)."""
        warning = self.overlap_warning()
        current = self.judgment
        if current is None or current.status != "done":
            self._sentence_edit("gold.done", status="done", finished_at=self.editor.clock())
        notice = self._go_on("Adjudicated. This is the last sentence in the queue.")
        return " ".join(filter(None, [warning, notice])) or None

    def _show_edited(self, sentence_id: int) -> bool:
        if sentence_id == self.sentence_id or sentence_id not in self.queue:
            return False
        self._go(self.queue.index(sentence_id))
        return True
