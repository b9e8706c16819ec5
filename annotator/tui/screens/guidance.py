"""Guidance screens: the project's guidelines (`G`, and once at an annotator's first
open) and the demo's guided tour (its offer, and the panel that walks the five steps).

The guidelines are Markdown, drawn by Textual's Markdown widget, which builds its text
from the parsed document (never as Textual markup); control characters are made
visible first, so the file cannot drive the terminal.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, Markdown, Static

from ...guidelines import HOW_TO_SET
from ...textnorm import visible
from ...workspace.tour import STEPS, Tour

# The key that ends the tour at any step: escape already clears a selection there.
END_TOUR_KEY = "ctrl+t"


class GuidelinesScreen(ModalScreen[None]):
    """The guidelines, scrollable; escape (or G again) closes."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("G,shift+g,q", "close", "Close", show=False),
    ]

    def __init__(self, text: str | None, *, first_open: bool = False) -> None:
        super().__init__()
        self.text = text
        self.first_open = first_open

    def compose(self) -> ComposeResult:
        with Vertical(id="guidelines-box"):
            title = "Guidelines: please read them before you start" if self.first_open else "Guidelines"
            yield Label(Content(title), classes="dialog-title")
            with VerticalScroll(id="guidelines-scroll"):
                if self.text is not None:
                    yield Markdown(visible(self.text), id="guidelines-text")
                else:
                    yield Static(
                        Content(
                            "This project has no guidelines yet.\n\n"
                            f"The lead stores a Markdown file with:\n\n    {HOW_TO_SET}\n\n"
                            "and everyone sees it here (G), and once at their next open."
                        ),
                        id="guidelines-none",
                    )
            yield Static(Content("↑ ↓ scroll · escape close · G shows them again"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#guidelines-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class TourOffer(ModalScreen[bool]):
    """Offer the tour: enter starts it, escape skips it (either way it is not offered again)."""

    BINDINGS = [
        Binding("enter", "answer(True)", "Start the tour"),
        Binding("escape", "answer(False)", "Skip"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content("A short tour?"), classes="dialog-title")
            yield Static(
                Content(
                    f"{len(STEPS)} steps on the demo text: accept a suggestion, reject one, select and label,"
                    " edit a boundary, mark the sentence done. Each step moves on once you have done it."
                )
            )
            yield Static(
                Content(f"enter start · escape skip · {END_TOUR_KEY} ends the tour at any step"),
                classes="dialog-help",
            )

    def action_answer(self, start: bool) -> None:
        self.dismiss(start)


class TourPanel(Widget):
    """The current step of the tour, above the label bar."""

    def __init__(self, tour: Tour) -> None:
        super().__init__(id="tour")
        self.tour = tour

    def render(self) -> Content:
        step = self.tour.current
        if step is None:
            return Content("")
        return Content.assemble(
            (f"Tour {self.tour.step + 1}/{len(STEPS)} · {step.title}", "bold"),
            (f"   {END_TOUR_KEY} ends the tour", "dim"),
            "\n",
            step.how,
        )
