"""One browser session's app process: `python -m annotator.serve.child DB ROLE NAME`.

Started by the server only, with the name taken from the link's token. It opens what
`annotate --annotator NAME` (or, for a curator, `adjudicate --curator NAME`) opens,
with their defaults, and runs the app in served mode (no export, downloads, URLs).
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    db_path, role, name = Path(argv[0]), argv[1], argv[2]
    from ..adjudication.launch import Adjudication
    from ..errors import AnnotatorError
    from ..workspace.launch import Workspace

    opened: Workspace | Adjudication
    try:
        if role == "curator":
            from ..adjudication.launch import open_adjudication

            opened = open_adjudication(db_path, name)
        else:
            from ..workspace.launch import open_workspace

            opened = open_workspace(db_path, name)
    except AnnotatorError as exc:
        _show_message(str(exc))
        return 1
    with opened:
        notices = tuple(opened.warnings) + ((opened.notice,) if opened.notice else ())
        from ..tui.app import SessionApp

        SessionApp(opened.session, notices=notices, served=True).run()
    return 0


def _show_message(message: str) -> None:
    """Why the workspace cannot open (no documents assigned, ...), in the browser."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class MessageApp(App[None]):
        BINDINGS = [("q", "quit", "Close")]  # noqa: RUF012 - Textual reads a list

        def compose(self) -> ComposeResult:
            from rich.text import Text

            yield Static(Text(message + "\n\nPress q to close."))

    MessageApp().run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
