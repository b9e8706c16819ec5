"""The workspace application: a thin App around the annotation screen."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, AutopilotCallbackType
from textual.screen import Screen

from ..adjudication.session import CurationSession
from ..workspace import AnnotationSession, Workspace
from .screens.adjudicate import AdjudicateScreen
from .screens.annotate import AnnotateScreen


class WorkspaceApp(App[None]):
    """Shows one `AnnotationSession`. `cursor_blink=False` keeps text carets still (snapshots)."""

    # Absolute, so subclasses defined elsewhere (benchmarks) find it too.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "framing-annotator"

    def __init__(self, session: AnnotationSession, *, notices: tuple[str, ...] = (), cursor_blink: bool = True):
        super().__init__()
        self.session = session
        self.notices = notices
        self.cursor_blink = cursor_blink
        self.sub_title = session.annotator

    def get_default_screen(self) -> Screen:
        return AnnotateScreen(self.session, notices=self.notices)


def run_workspace(
    workspace: Workspace, *, headless: bool = False, auto_pilot: AutopilotCallbackType | None = None
) -> None:
    """Run the UI until the reviewer quits; the caller closes the workspace.

    `headless` and `auto_pilot` are Textual's own: they let a test drive a real run.
    """
    notices = tuple(workspace.warnings) + ((workspace.notice,) if workspace.notice else ())
    WorkspaceApp(workspace.session, notices=notices).run(headless=headless, auto_pilot=auto_pilot)


class AdjudicationApp(App[None]):
    """Shows one `CurationSession` on the adjudication screen."""

    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "framing-annotator: adjudication"

    def __init__(self, session: CurationSession, *, notices: tuple[str, ...] = (), cursor_blink: bool = True):
        super().__init__()
        self.session = session
        self.notices = notices
        self.cursor_blink = cursor_blink
        self.sub_title = session.curator

    def get_default_screen(self) -> Screen:
        return AdjudicateScreen(self.session, notices=self.notices)
