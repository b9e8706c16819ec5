"""The annotation screen: it draws an `AnnotationSession` and maps keys to its methods.

All behaviour (what a key changes in the store, where the cursor goes) lives in the
session; this screen only turns its state into widget models and reports refusals
as notifications.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from ...errors import AnnotatorError
from ...model import SpanAnnotation, Suggestion, SuggestionMode
from ...sources import describe as describe_source
from ...workspace import ActionRefused, AnnotationSession
from ...workspace.document_finder import DocumentHit, find_documents
from ...workspace.reports import export_own_work
from ..bindings import WORKSPACE_BINDINGS
from ..palette import WorkspaceCommands
from ..widgets import too_small
from ..widgets.details import DetailsInfo, DetailsPane, ItemDetails
from ..widgets.header import HeaderInfo, WorkspaceHeader
from ..widgets.label_bar import LabelBar
from ..widgets.reading_window import ReadingWindow
from ..widgets.saving import SavingIndicator
from ..widgets.sentence_view import Mark, SentenceModel, SentenceView
from ..widgets.too_small import TooSmall
from .dialogs import (
    JumpDialog,
    NoteDialog,
    SearchDialog,
    SearchHit,
)
from .editing import SentenceEditingActions
from .help import HelpScreen
from .statistics import StatisticsScreen

UNKNOWN_COLOR = "#808080"


class AnnotateScreen(SentenceEditingActions, Screen[None]):
    NOTE_TITLE = "Note on this sentence"
    BINDINGS = WORKSPACE_BINDINGS
    COMMANDS = {WorkspaceCommands}
    HORIZONTAL_BREAKPOINTS = too_small.HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = too_small.VERTICAL_BREAKPOINTS
    session: AnnotationSession

    def __init__(self, session: AnnotationSession, *, notices: tuple[str, ...] = ()) -> None:
        super().__init__(session, notices=notices)
        self._looks = {label.name: (label.color, label.key) for label in session.tagset.labels}
        self._reading = ReadingWindow(session.annotator, self._label_look)

    def compose(self) -> ComposeResult:
        yield SavingIndicator()
        yield WorkspaceHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="reading"):
                yield SentenceView(id="sentence")
            yield DetailsPane(id="details")
        yield LabelBar(self.session.tagset.labels, id="labels")
        yield Footer()
        yield TooSmall(id="too-small")

    def on_mount(self) -> None:
        self._header = self.query_one(WorkspaceHeader)
        self._sentence = self.query_one(SentenceView)
        self._details_pane = self.query_one(DetailsPane)
        self.refresh_view()
        self.show_notices()

    # ------------------------------------------------------------------ drawing

    def refresh_view(self) -> None:
        self._sync_key_mode()
        session = self.session
        sentence = session.sentence
        document = session.document
        judgment = session.judgment
        self._header.show(
            HeaderInfo(
                project=self.project,
                annotator=session.annotator,
                document_position=session.position + 1,
                document_count=len(session.order),
                document_id=document.id if document else "",
                title=document.title if document else "",
                source=document.source if document else None,
                sentence_position=session.index + 1,
                sentence_count=len(session.sentences),
                done=session.done,
                total=session.total,
                mode=session.mode,
                order=session.order.name,
                status=judgment.status if judgment else None,
                flagged=bool(judgment and judgment.flagged),
                readonly=session.readonly,
                queue=self._in_queue,
                pending=len(session.pending) if session.showing_suggestions else None,
                key_mode=self.mode_text(),
            )
        )
        view = self._sentence
        view.show_context(
            self._reading.around(session.store, document.id if document else None, session.index, self.app.size.height)
        )
        view.show(
            SentenceModel(
                text=sentence.text if sentence else "",
                tokens=self._frozen_tokens(session.tokens),
                marks=self._marks(),
                cursor=session.cursor.position if session.tokens else None,
                selection=session.cursor.selection,
            )
        )
        title = f"sentence {session.index + 1}/{len(session.sentences)}"
        subtitle = {"done": "✓ done", "skipped": "↷ skipped"}.get((judgment.status if judgment else None) or "", "")
        if (view.border_title, view.border_subtitle) != (title, subtitle):
            view.border_title, view.border_subtitle = title, subtitle
        self._details_pane.show(self._details())
        # first_shown_at is written once the sentence is on screen, not before drawing it.
        self.call_after_refresh(self._run_quietly, session.record_shown)

    def on_sentence_view_resized(self) -> None:
        # A taller view shows more context: read a larger window (not while a queued
        # write holds the session's connection; the next redraw reads it then).
        if not self.pending_actions:
            self.refresh_view()

    def on_sentence_view_passage_clicked(self, message: SentenceView.PassageClicked) -> None:
        self._run(self.session.go_to_sentence, message.sentence_id)

    def _label_look(self, name: str) -> tuple[str, str]:
        return self._looks.get(name, (UNKNOWN_COLOR, "?"))

    def _marks(self) -> tuple[Mark, ...]:
        marks: list[Mark] = []
        for suggestion in self.session.suggestions:
            color, key = self._label_look(suggestion.label)
            kind = "suggestion" if suggestion.decision is None else "rejected"
            marks.append(Mark(suggestion.start, suggestion.end, color, key, kind, suggestion.quoted))
        # Longer spans first, so a nested span draws over the one around it.
        for span in sorted(self.session.spans, key=lambda s: (-(s.end - s.start), s.start)):
            color, key = self._label_look(span.label)
            marks.append(Mark(span.start, span.end, color, key, "span", span.quoted))
        return self.boundary_marks(tuple(marks), self._label_look)

    def _details(self) -> DetailsInfo:
        session = self.session
        sentence, judgment, tokens = session.sentence, session.judgment, session.tokens
        token_text = ""
        if sentence is not None and tokens:
            start, end = tokens[session.cursor.position]
            token_text = sentence.text[start:end]
        selection = session.cursor.selection
        return DetailsInfo(
            token=token_text,
            token_position=session.cursor.position + 1,
            token_count=len(tokens),
            selected=(selection[1] - selection[0] + 1) if selection else 0,
            item=self._item_details(),
            judgment_name=session.tagset.judgment.name,
            judgment=judgment.judgment if judgment else None,
            flagged=bool(judgment and judgment.flagged),
            note=judgment.note if judgment else None,
            status=judgment.status if judgment else None,
        )

    def _item_details(self) -> ItemDetails | None:
        session = self.session
        sentence = session.sentence
        item: SpanAnnotation | Suggestion | None = session.span_at_cursor() or session.suggestion_at_cursor()
        if item is None or sentence is None:
            return None
        color, key = self._label_look(item.label)
        text = sentence.text[item.start : item.end]
        if isinstance(item, SpanAnnotation):
            origin = "accepted suggestion" if item.origin == "suggestion" else "manual"
            return ItemDetails(
                "span",
                item.label,
                key,
                color,
                origin,
                text,
                item.lexicon_term,
                session.neutral_for(item.lexicon_term, item.label),
                item.note,
                item.quoted,
                **self._guidance(item.label, item.lexicon_term),
            )
        origin = "pending suggestion" if item.decision is None else f"{item.decision} suggestion"
        return ItemDetails(
            "suggestion",
            item.label,
            key,
            color,
            origin,
            text,
            item.term,
            session.neutral_for(item.term, item.label),
            None,
            item.quoted,
            source=describe_source(item.detector, item.term, item.score),
            reason=item.reason,
            **self._guidance(item.label, item.term),
        )

    def _guidance(self, label: str, term: str | None) -> dict[str, str | None]:
        """What the details pane says to guide the decision: the label's description, and
        for a lexicon term the entry's note."""
        found = self.session.label(label)
        return {
            "description": found.description if found is not None and found.description else None,
            "lexicon_note": self.session.lexicon_note_for(term, label),
        }

    # ------------------------------------------------------------------ running
    # (The cursor, labels, flag, sentence navigation and undo: SentenceEditingActions.)

    # items
    def action_next_item(self) -> None:
        self._run(self.session.next_item)

    def action_previous_item(self) -> None:
        self._run(self.session.previous_item)

    # spans and suggestions
    def action_accept(self) -> None:
        self._run(self.session.accept)

    def action_accept_all(self) -> None:
        self._run(self.session.accept_all)

    def action_reject_all(self) -> None:
        self._run(self.session.reject_all)

    def action_span_note(self) -> None:
        self._then(self._span_note)

    def _span_note(self) -> None:
        span = self.session.span_at_cursor()
        if span is None:
            self._run(self._refuse, "no span under the cursor")
            return
        self.app.push_screen(
            NoteDialog(f"Note on the {span.label} span", span.note),
            lambda note: None if note is None else self._run(self.session.set_span_note, note),
        )

    @staticmethod
    def _refuse(message: str) -> None:
        raise ActionRefused(message)

    # the sentence
    def action_done(self) -> None:
        self._run(self.session.mark_done)

    def action_skip(self) -> None:
        self._run(self.session.skip)

    # navigation
    def action_next_document(self) -> None:
        self._run(self.session.next_document)

    def action_previous_document(self) -> None:
        self._run(self.session.previous_document)

    def action_search(self) -> None:
        self.app.push_screen(
            SearchDialog(self.search_corpus),
            lambda sentence_id: None if sentence_id is None else self._run(self.session.go_to_sentence, sentence_id),
        )

    @property
    def _in_queue(self) -> bool:
        """Whether the session serves her assigned queue rather than the whole corpus."""
        return getattr(self.session.order, "is_queue", False)

    def search_corpus(self, query: str) -> list[SearchHit]:
        """Runs in a worker thread, on a reader of its own. With a queue, only her
        documents: a hit outside it could not be opened anyway."""
        queue_of = self.session.annotator if self._in_queue else None
        with self.session.store.reader() as reader:
            sentences = reader.corpus.search_sentences(query, queue_of=queue_of)
        return [SearchHit(s.id, s.document_id, s.index, s.text) for s in sentences if s.id is not None]

    def action_jump(self) -> None:
        self.app.push_screen(
            JumpDialog(self.jump_candidates, len(self.session.order)),
            lambda document_id: None if document_id is None else self._run(self.session.go_to_document, document_id),
        )

    def jump_candidates(self, text: str) -> list[DocumentHit]:
        """Runs in a worker thread, on a reader of its own (and the order read through it)."""
        with self.session.store.reader() as reader:
            order = self.session.order.reading(reader)
            return find_documents(reader, order, text, current=max(self.session.position, 0))

    def find_documents(self, prefix: str) -> list:
        """For the command palette, on the loop: on a reader, as a queued write may hold
        the session's connection."""
        with self.session.store.reader() as reader:
            return reader.corpus.documents_with_prefix(prefix)

    def jump_to(self, document_id: str) -> None:
        self._run(self.session.go_to_document, document_id)

    # app
    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.session.tagset))

    def action_statistics(self) -> None:
        # Its progress table reads the session's store: once the keys before have landed.
        self._then(lambda: self.app.push_screen(StatisticsScreen(self.session.store, self.session.annotator)))

    def set_mode(self, mode: SuggestionMode) -> None:
        self._run(self._set_mode, mode)

    def _set_mode(self, mode: SuggestionMode) -> str:
        # The notice comes back as the action's result, so a refusal (the lead fixed
        # the mode) is reported instead of it, never beside it.
        self.session.set_mode(mode)
        return f"Suggestions: {mode}"

    def can_export(self) -> bool:
        # Served in a browser, export would write files on the server: not offered.
        return not getattr(self.app, "served", False)

    def action_export(self) -> None:
        if self.can_export():
            self._export()

    @work(thread=True, exclusive=True, group="export")
    def _export(self) -> None:
        try:
            with self.session.store.reader() as reader:
                paths = export_own_work(reader, self.session.annotator)
        except (AnnotatorError, OSError) as error:
            self.app.call_from_thread(self.notify, f"export failed: {error}", severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, "Exported " + ", ".join(str(p) for p in paths), markup=False)
