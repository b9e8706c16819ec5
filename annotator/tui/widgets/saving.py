"""The "saving…" line: shown while keys wait for the database's write lock.

It lies over the top line of the screen and only turns visible, so showing it costs
no new layout of the screen (the key that shows it must still answer at once).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class SavingIndicator(Static):
    DEFAULT_CSS = """
    SavingIndicator {
        overlay: screen;
        position: absolute;
        offset: 0 0;
        height: 1;
        width: 100%;
        padding: 0 1;
        background: $warning;
        color: $text;
        visibility: hidden;
    }
    SavingIndicator.-saving {
        visibility: visible;
    }
    """

    def show_pending(self, count: int) -> None:
        """`count` actions wait for another process's write to finish; 0 hides the line."""
        self.set_class(count > 0, "-saving")
        if count:
            keys = f"{count} key{'s' if count != 1 else ''}"
            self.update(Content(f"saving… another process is writing the project; {keys} waiting"))
