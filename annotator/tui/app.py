"""The application: one thin App around the screen of a session (annotation or curation)."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual import messages
from textual.app import App, AutopilotCallbackType, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .. import guidelines
from ..adjudication.session import CurationSession
from ..workspace import AnnotationSession, Workspace
from ..workspace.tour import Tour, tour_sentence
from .screens.actions import ActionReported
from .screens.adjudicate import AdjudicateScreen
from .screens.annotate import AnnotateScreen
from .screens.editing import SentenceEditingActions
from .screens.guidance import END_TOUR_KEY, GuidelinesScreen, TourOffer, TourPanel
from .widgets.label_bar import LabelBar

# In a browser (annotator serve) the palette keeps only these of Textual's own
# commands: Screenshot would deliver a file, and nothing else may reach the server's
# files, a shell or the browser's downloads.
SERVED_SYSTEM_COMMANDS = frozenset({"Quit", "Keys", "Maximize", "Minimize"})
# Never offered: the styles are made for the dark theme (the light one made the
# details pane's field names unreadable), so the theme is not the reviewer's to change.
HIDDEN_SYSTEM_COMMANDS = frozenset({"Theme"})


class ServedMode:
    """What `annotator serve` runs: no downloads, no URLs opened, no suspend, no export."""

    served: bool = False

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title in HIDDEN_SYSTEM_COMMANDS:
                continue
            if not self.served or command.title in SERVED_SYSTEM_COMMANDS:
                yield command

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        if not self.served:
            super().open_url(url, new_tab=new_tab)

    def deliver_binary(self, *args: object, **kwargs: object) -> str | None:
        if self.served:
            return None
        return super().deliver_binary(*args, **kwargs)

    def deliver_text(self, *args: object, **kwargs: object) -> str | None:
        if self.served:
            return None
        return super().deliver_text(*args, **kwargs)

    def deliver_screenshot(self, *args: object, **kwargs: object) -> str | None:
        if self.served:
            return None
        return super().deliver_screenshot(*args, **kwargs)

    def action_suspend_process(self) -> None:
        if not self.served:
            super().action_suspend_process()


class SessionApp(ServedMode, App[None]):
    """Shows one session: an `AnnotationSession` on the annotation screen, a
    `CurationSession` on the adjudication screen. `cursor_blink=False` keeps text carets
    still (snapshots)."""

    # Absolute, so subclasses defined elsewhere (benchmarks) find it too.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "framing-annotator"
    BINDINGS = [Binding(END_TOUR_KEY, "end_tour", "End the tour", show=False)]

    def __init__(
        self,
        session: AnnotationSession | CurationSession,
        *,
        notices: tuple[str, ...] = (),
        cursor_blink: bool = True,
        served: bool = False,
        tour: bool = False,
    ):
        """`tour`: offer the guided tour at this annotator's first open (`annotator demo`)."""
        super().__init__()
        self.served = served
        self.session = session
        self.notices = notices
        self.cursor_blink = cursor_blink
        self.offer_tour = tour
        self.tour: Tour | None = None
        if isinstance(session, CurationSession):
            self.title = f"{self.TITLE}: adjudication"
            self.sub_title = session.curator
        else:
            self.sub_title = session.annotator
        self._quit_asked = False

    def get_default_screen(self) -> Screen:
        if isinstance(self.session, CurationSession):
            return AdjudicateScreen(self.session, notices=self.notices)
        return AnnotateScreen(self.session, notices=self.notices)

    # ---------------------------------------------------------- first open, guidance

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_open)
        self.call_after_refresh(self._freeze_startup_objects)

    def _freeze_startup_objects(self) -> None:
        # Everything loaded to draw the first screen (Textual, the store, the session)
        # lives as long as the app. Left to the collector, each full collection walks it
        # all: about 40 ms on a 20,000-token sentence, enough to put single keys over
        # 100 ms. Frozen, a full collection takes 3-5 ms. Unfrozen again at unmount, so
        # a process that runs several apps (the tests) still collects the old ones.
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()

    def _first_open(self) -> None:
        """The guidelines, if this annotator has not seen them yet; then, for the demo,
        the offer of the tour. Read on a reader: the session's connection is the
        action queue's."""
        session = self.session
        if isinstance(session, CurationSession):
            return
        with session.store.reader() as reader:
            unseen = guidelines.unseen_guidelines(reader, session.annotator)
            offer = self.offer_tour and guidelines.seen(reader, guidelines.TOUR, session.annotator) is None
        if unseen is not None:
            self._remember(guidelines.GUIDELINES, guidelines.version(unseen))
            self.push_screen(GuidelinesScreen(unseen, first_open=True), lambda _: self._offer_tour(offer))
        else:
            self._offer_tour(offer)

    def _remember(self, what: str, seen_version: str) -> None:
        """Store that this annotator has been shown `what`, in key order with her edits."""
        screen = self._editing_screen()
        if screen is None or self.session.readonly:
            return
        screen._run_quietly(
            partial(guidelines.remember_seen, self.session.store, what, self.session.annotator, seen_version)
        )

    def _editing_screen(self) -> SentenceEditingActions | None:
        return next((s for s in self.screen_stack if isinstance(s, SentenceEditingActions)), None)

    def action_guidelines(self) -> None:
        if isinstance(self.screen, GuidelinesScreen):
            return
        with self.session.store.reader() as reader:
            text = guidelines.get_guidelines(reader)
        self.push_screen(GuidelinesScreen(text))

    def _offer_tour(self, offer: bool) -> None:
        if offer:
            self.push_screen(TourOffer(), self._tour_answered)

    def _tour_answered(self, start: bool | None) -> None:
        # Offered once: taken or skipped, it is not offered again.
        self._remember(guidelines.TOUR, "taken" if start else "skipped")
        screen = self._editing_screen()
        if not start or screen is None:
            return
        self.tour = Tour()
        self.tour.start(self.session)
        screen.mount(TourPanel(self.tour), before=screen.query_one(LabelBar))
        # Start on a sentence with two suggestions, so the first steps can be done there.
        document = self.session.document
        if document is not None:
            with self.session.store.reader() as reader:
                sentence_id = tour_sentence(reader, self.session.annotator, document.id)
            shown = self.session.sentence
            if sentence_id is not None and (shown is None or sentence_id != shown.id):
                screen._run(self.session.go_to_sentence, sentence_id)

    def on_action_reported(self, message: ActionReported) -> None:
        tour = self.tour
        if tour is None or not tour.observe(self.session):
            return
        if tour.finished:
            self._close_tour()
            self.notify("Tour done. ? lists every key; G shows the guidelines.", markup=False, timeout=8)
        else:
            self.query_one(TourPanel).refresh()

    def action_end_tour(self) -> None:
        if self.tour is not None:
            self._close_tour()
            self.notify("Tour ended. ? lists every key.", markup=False)

    def _close_tour(self) -> None:
        self.tour = None
        for panel in self.query(TourPanel):
            panel.remove()

    def _on_exit_app(self, message: messages.ExitApp) -> None:
        # A quit from outside the keys (the server ending a served session: idle time,
        # shutdown) waits for keys still saving too, instead of dropping them; the
        # server's grace period bounds the wait. Textual calls each class's handler in
        # turn: prevent_default() keeps App's from shutting down now.
        screen = self._editing_screen()
        if screen is not None and screen.pending_actions and not self._quit_asked:
            self._quit_asked = True
            message.prevent_default()
            screen.actions.when_idle(self.exit)

    async def action_quit(self) -> None:
        """Quit once every key waiting for the database has landed: a second q quits now."""
        screen = self._editing_screen()
        pending = screen.pending_actions if screen is not None else 0
        if not pending or self._quit_asked:
            self.exit()
            return
        self._quit_asked = True
        self.notify(
            f"{pending} key{'s' if pending != 1 else ''} still saving: quitting once saved "
            "(q again quits now, and loses them)",
            severity="warning",
            markup=False,
        )
        screen.actions.when_idle(self.exit)


def run_workspace(
    workspace: Workspace,
    *,
    headless: bool = False,
    auto_pilot: AutopilotCallbackType | None = None,
    tour: bool = False,
) -> None:
    """Run the UI until the reviewer quits; the caller closes the workspace.

    `headless` and `auto_pilot` are Textual's own: they let a test drive a real run.
    `tour` offers the guided tour at the annotator's first open (`annotator demo`).
    """
    notices = tuple(workspace.warnings) + ((workspace.notice,) if workspace.notice else ())
    SessionApp(workspace.session, notices=notices, tour=tour).run(headless=headless, auto_pilot=auto_pilot)
