"""What replaces the workspace on a terminal too small to show it whole.

The one definition of the minimum: the screen's breakpoints (`BREAKPOINTS`) and the
message are both made from it. At 60x16 the reading view keeps 8 rows (4 lines of the
focus sentence, each over its marks row) beside the header, details, label bar and
footer; below that the focus sentence would be cut and the labels would not fit.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 60, 16
# Screen classes: -too-narrow / -too-short below the minimum, then the layouts' own.
HORIZONTAL_BREAKPOINTS = [(0, "-too-narrow"), (MIN_WIDTH, "-narrow"), (110, "-wide")]
VERTICAL_BREAKPOINTS = [(0, "-too-short"), (MIN_HEIGHT, "-tall")]


def too_small_message() -> str:
    return f"terminal too small (needs {MIN_WIDTH}x{MIN_HEIGHT})"


class TooSmall(Static):
    """Shown instead of everything else while the terminal is below the minimum."""

    DEFAULT_CSS = """
    TooSmall {
        display: none;
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        text-align: center;
        color: $warning;
        text-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(f"{too_small_message()}\n\nenlarge the terminal, or press q to quit"), id=id)
