"""The adjudication screen: it draws a `CurationSession` and maps keys to its methods.

Every annotator's spans sit on aligned rows under the sentence, with their judgments
beside their names, and the gold row at the bottom. The gold sentence below is edited
with the workspace's keys (token cursor, selection, labels 1-9). All behaviour lives
in the session; this screen only draws it and reports refusals.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from ...adjudication.session import CurationSession
from ...model import GOLD
from ..bindings import ADJUDICATE_BINDINGS
from ..widgets.aligned_spans import AlignedModel, AlignedSpans, Track, TrackSpan
from ..widgets.annotator_notes import annotator_notes_lines
from ..widgets.colors import on_label
from ..widgets.label_bar import LabelBar
from ..widgets.saving import SavingIndicator
from ..widgets.sentence_layout import display_text
from ..widgets.sentence_view import Mark, SentenceModel, SentenceView
from .dialogs import PickDialog
from .editing import SentenceEditingActions
from .help import AdjudicationHelpScreen

UNKNOWN_COLOR = "#808080"


class AdjudicateScreen(SentenceEditingActions, Screen[None]):
    NOTE_TITLE = "Curator note on this sentence"
    BINDINGS = ADJUDICATE_BINDINGS
    session: CurationSession
    _details_of: str | None = None  # the sentence whose details the pane shows

    def compose(self) -> ComposeResult:
        yield SavingIndicator()
        with Horizontal(id="adjudicate-header"):
            yield Static(id="adjudicate-title")
            yield ProgressBar(show_eta=False, show_percentage=True, id="adjudicate-progress")
        with Horizontal(id="adjudicate-body"):
            with Vertical(id="adjudicate-reading"):
                with VerticalScroll(id="tracks-box"):
                    yield AlignedSpans(id="tracks")
                yield SentenceView(id="gold-sentence")
            # The annotators' notes and flags can outgrow the pane: it scrolls (pageup,
            # pagedown, the mouse wheel) without taking the focus, which the keys need.
            with VerticalScroll(id="adjudicate-details-box", can_focus=False):
                yield Static(id="adjudicate-details")
        yield LabelBar(self.session.tagset.labels, id="labels")
        yield Footer()

    GOLD_TITLE = "gold: edit with ←/→, shift+←/→ and 1-9"

    def on_mount(self) -> None:
        self.query_one("#tracks-box").border_title = "annotators and gold"
        self.query_one("#gold-sentence").border_title = self.GOLD_TITLE
        self.refresh_view()
        self.show_notices()

    # ------------------------------------------------------------------ drawing

    def _look(self, name: str) -> tuple[str, str]:
        label = self.session.tagset.label(name)
        return (label.color, label.key) if label else (UNKNOWN_COLOR, "?")

    def refresh_view(self) -> None:
        self._sync_key_mode()
        session = self.session
        case = session.case
        assert case is not None
        sentence = session.sentence
        adjudicated = session.adjudicated()
        state = session.judgment
        status = "✓ adjudicated" if state is not None and state.status == "done" else "open"
        title = Content.assemble(
            (display_text(self.project), "bold"),
            " · ",
            (display_text(session.curator), "bold"),
            f" · {session.position + 1}/{len(session.queue)} · ",
            display_text(f"{sentence.document_id} #{sentence.index + 1}"),
            f" · {status} · {adjudicated} adjudicated · auto {session.rule}",
            (" · read-only" if session.readonly else "", "bold"),
        )
        self.query_one("#adjudicate-title", Static).update(title)
        self.query_one(ProgressBar).update(total=max(len(session.queue), 1), progress=adjudicated)

        current = session.candidate
        tracks = []
        for name in case.annotators:
            spans = []
            for candidate in session.candidates:
                if name not in candidate.annotators:
                    continue
                color, key = self._look(candidate.label)
                look = (
                    "rejected" if session.is_rejected(candidate) else "gold" if session.in_gold(candidate) else "open"
                )
                spans.append(TrackSpan(candidate.start, candidate.end, color, key, look, candidate == current))
            tracks.append(Track(name, case.judgments.get(name), tuple(spans)))
        gold_spans = tuple(
            TrackSpan(
                g.start,
                g.end,
                *self._look(g.label),
                "gold",
                current is not None and (g.start, g.end, g.label) == current.key,
            )
            for g in session.gold
        )
        tracks.append(Track(GOLD, state.judgment if state else None, gold_spans, is_gold=True))
        self.query_one(AlignedSpans).show(
            AlignedModel(sentence.text, self._frozen_tokens(sentence.tokens), tuple(tracks))
        )
        marks = tuple(
            Mark(g.start, g.end, *self._look(g.label), "span", g.quoted)
            for g in sorted(session.gold, key=lambda g: (-(g.end - g.start), g.start))
        )
        gold_view = self.query_one(SentenceView)
        gold_view.border_title = self.mode_text() or self.GOLD_TITLE
        gold_view.show(
            SentenceModel(
                text=sentence.text,
                tokens=self._frozen_tokens(sentence.tokens),
                marks=self.boundary_marks(marks, self._look),
                cursor=session.cursor.position if sentence.tokens else None,
                selection=session.cursor.selection,
            )
        )
        self.query_one("#adjudicate-details", Static).update(self._details())
        if sentence.id != self._details_of:  # a new sentence's details start at the top
            self._details_of = sentence.id
            self.query_one("#adjudicate-details-box", VerticalScroll).scroll_home(animate=False)

    def action_details_page(self, direction: int) -> None:
        box = self.query_one("#adjudicate-details-box", VerticalScroll)
        if direction > 0:
            box.scroll_page_down(animate=False)
        else:
            box.scroll_page_up(animate=False)

    def _details(self) -> Content:
        session = self.session
        lines: list[Content] = []
        candidate = session.candidate
        if candidate is not None:
            color, key = self._look(candidate.label)
            where = (
                "rejected"
                if session.is_rejected(candidate)
                else "in gold"
                if session.in_gold(candidate)
                else "not in gold"
            )
            lines += [
                Content.styled("Candidate", "bold underline"),
                Content.assemble((f" {key} ", on_label(color)), " ", display_text(candidate.label)),
                Content("“" + display_text(session.sentence.text[candidate.start : candidate.end]) + "”"),
                Content(
                    "given by "
                    + display_text(", ".join(candidate.annotators))
                    + f" ({len(candidate.annotators)}/{len(session.case.annotators)})"
                ),
                Content(where),
                Content(""),
            ]
        gold = session.span_at_cursor()
        if gold is not None:
            color, key = self._look(gold.label)
            lines += [
                Content.styled("Gold span", "bold underline"),
                Content.assemble(
                    (f" {key} ", on_label(color)),
                    " ",
                    display_text(gold.label),
                    (" ❝ quoted" if gold.quoted else "", "italic"),
                ),
                Content(
                    f"{gold.resolution or 'curated'}; agreed by "
                    + (display_text(", ".join(gold.agreed_by)) if gold.agreed_by else "nobody")
                ),
                Content(""),
            ]
        state = session.judgment
        votes = session.judgment_votes()
        lines.append(Content.styled(f"Gold {display_text(session.tagset.judgment.name)}", "bold underline"))
        lines.append(Content(display_text(state.judgment) if state and state.judgment else "– (v sets it)"))
        if state and state.judgment_resolution:
            lines.append(
                Content(
                    f"{state.judgment_resolution}; agreed by "
                    + display_text(", ".join(state.judgment_agreed_by) or "nobody")
                )
            )
        for value, names in votes.items():
            lines.append(
                Content(
                    "  " + display_text(value) + ": " + display_text(", ".join(names)),
                )
            )
        if state and state.flagged:
            lines.append(Content.styled("⚑ flagged", "bold"))
        if state and state.note:
            lines += [Content(""), Content.styled("Curator note", "bold underline"), Content(display_text(state.note))]
        said = annotator_notes_lines(session.notes, session.sentence.text, self._look)
        if said:
            lines += [Content(""), *said]
        return Content("\n").join(lines)

    # ------------------------------------------------------------------ running
    # (The cursor, labels, flag, sentence navigation and undo: SentenceEditingActions.)

    def action_next_candidate(self) -> None:
        self._run(self.session.next_candidate, 1)

    def action_previous_candidate(self) -> None:
        self._run(self.session.next_candidate, -1)

    def action_take(self) -> None:
        self._run(self.session.take)

    def action_take_all(self) -> None:
        self._then(self._take_all)

    def _take_all(self) -> None:
        names = list(self.session.case.annotators)
        self.app.push_screen(
            PickDialog("Take every span of which annotator?", names),
            lambda name: None if name is None else self._run(self.session.take_all_of, name),
        )

    def action_done(self) -> None:
        self._run(self.session.mark_adjudicated)

    def action_help(self) -> None:
        self.app.push_screen(AdjudicationHelpScreen(self.session.tagset))
