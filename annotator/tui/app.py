"""The workspace application: a thin App around the annotation screen."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import Screen

from ..workspace import AnnotationSession, Workspace
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


def run_workspace(workspace: Workspace) -> None:
    """Run the UI until the reviewer quits; the caller closes the workspace."""
    notices = tuple(workspace.warnings) + ((workspace.notice,) if workspace.notice else ())
    WorkspaceApp(workspace.session, notices=notices).run()
