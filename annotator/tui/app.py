"""The application: one thin App around the screen of a session (annotation or curation)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, AutopilotCallbackType, SystemCommand
from textual.screen import Screen

from ..adjudication.session import CurationSession
from ..workspace import AnnotationSession, Workspace
from .screens.adjudicate import AdjudicateScreen
from .screens.annotate import AnnotateScreen
from .screens.editing import SentenceEditingActions

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

    def __init__(
        self,
        session: AnnotationSession | CurationSession,
        *,
        notices: tuple[str, ...] = (),
        cursor_blink: bool = True,
        served: bool = False,
    ):
        super().__init__()
        self.served = served
        self.session = session
        self.notices = notices
        self.cursor_blink = cursor_blink
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

    async def action_quit(self) -> None:
        """Quit once every key waiting for the database has landed: a second q quits now."""
        screen = next((s for s in self.screen_stack if isinstance(s, SentenceEditingActions)), None)
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
    workspace: Workspace, *, headless: bool = False, auto_pilot: AutopilotCallbackType | None = None
) -> None:
    """Run the UI until the reviewer quits; the caller closes the workspace.

    `headless` and `auto_pilot` are Textual's own: they let a test drive a real run.
    """
    notices = tuple(workspace.warnings) + ((workspace.notice,) if workspace.notice else ())
    SessionApp(workspace.session, notices=notices).run(headless=headless, auto_pilot=auto_pilot)
