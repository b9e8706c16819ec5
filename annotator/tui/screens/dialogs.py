"""Modal dialogs of the workspace. Each is a `ModalScreen[T]` that returns with `dismiss(value)`.

Escape cancels every dialog and returns None. Text from documents and notes is shown
as `Content`, never as markup, and with `display_text`, so no control character reaches
the terminal: not in labels, and not in an input box (`SafeInput`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...model import JudgmentScheme
from ..widgets.sentence_layout import display_text


class SafeInput(Input):
    """An Input whose value never holds a control character: whatever sets it (the
    stored text it opens with, a paste) gets visible placeholders of the same length,
    so the cursor arithmetic stays right and no escape sequence reaches the terminal."""

    def validate_value(self, value: str) -> str:
        return display_text(value)


def _blink(screen: ModalScreen, input_widget: Input) -> None:
    # Snapshot tests run the app with cursor_blink=False, so the caret is stable.
    input_widget.cursor_blink = getattr(screen.app, "cursor_blink", True)


class NoteDialog(ModalScreen[str | None]):
    """Edit a note; enter saves (an empty note clears it), escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, note: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.note = note or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(display_text(self.title_text)), classes="dialog-title")
            yield SafeInput(self.note, placeholder="A note for this item (empty clears it)", id="note-input")
            yield Static(Content("enter save · escape cancel"), classes="dialog-help")

    def on_mount(self) -> None:
        _blink(self, self.query_one(Input))

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        if event.value == display_text(self.note):
            # Unedited: keep the stored note exactly, control characters and all.
            self.dismiss(self.note.strip())
        else:
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class JudgmentPick:
    """The chosen judgment value; None clears it."""

    value: str | None


class JudgmentDialog(ModalScreen[JudgmentPick | None]):
    """Pick the sentence judgment: a digit picks a value, 0 clears, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("0", "pick(0)", "Clear", show=False)]

    def __init__(self, scheme: JudgmentScheme, current: str | None) -> None:
        super().__init__()
        self.scheme = scheme
        self.current = current
        for number in range(1, min(len(scheme.values), 9) + 1):
            self._bindings.bind(str(number), f"pick({number})", show=False)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                Content(f"Judgment: {display_text(self.scheme.name)} ({self.scheme.level})"), classes="dialog-title"
            )
            options = [
                Option(
                    Content.assemble(
                        (f" {number} ", "bold reverse"),
                        " ",
                        display_text(value),
                        (" (current)" if value == self.current else "", "dim"),
                    ),
                    id=f"value-{number}",
                )
                for number, value in enumerate(self.scheme.values, 1)
            ]
            options.append(Option(Content.assemble((" 0 ", "bold reverse"), " clear the judgment"), id="value-0"))
            yield OptionList(*options, id="judgment-options")
            yield Static(Content("digit or enter picks · escape cancels"), classes="dialog-help")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.scheme.values:
            options.highlighted = self.scheme.values.index(self.current)

    def action_pick(self, number: int) -> None:
        if number == 0:
            self.dismiss(JudgmentPick(None))
        elif 1 <= number <= len(self.scheme.values):
            self.dismiss(JudgmentPick(self.scheme.values[number - 1]))

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(int((event.option_id or "value-0").split("-")[1]))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class SearchHit:
    sentence_id: int
    document_id: str
    index: int
    text: str


class SearchDialog(ModalScreen[int | None]):
    """Search sentence text; enter in the box searches, enter on a result jumps there."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, search: Callable[[str], list[SearchHit]], query: str = "") -> None:
        super().__init__()
        self.search = search
        self.query_text = query

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(Content("Search the corpus"), classes="dialog-title")
            yield SafeInput(self.query_text, placeholder="Text to find (case-insensitive)", id="search-input")
            yield OptionList(id="search-results")
            yield Static(
                Content("enter search · ↓ results · enter jump · escape cancel"),
                id="search-status",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        _blink(self, self.query_one(Input))

    @on(Input.Submitted)
    def run_search(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            return
        self.query_one("#search-status", Static).update(Content("searching…"))
        self._search(query)

    @work(thread=True, exclusive=True)
    def _search(self, query: str) -> None:
        hits = self.search(query)
        self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits: list[SearchHit]) -> None:
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(
            Option(
                Content.assemble((f"{display_text(hit.document_id)}:{hit.index + 1} ", "dim"), display_text(hit.text)),
                id=f"hit-{hit.sentence_id}",
            )
            for hit in hits
        )
        found = f"{len(hits)} match{'es' if len(hits) != 1 else ''}" if hits else "no match"
        self.query_one("#search-status", Static).update(Content(f"{found} for “{display_text(query)}” · enter jumps"))
        if hits:
            results.highlighted = 0
            results.focus()

    @on(OptionList.OptionSelected, "#search-results")
    def jump(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int((event.option_id or "hit-0").split("-", 1)[1]))

    def action_cancel(self) -> None:
        self.dismiss(None)


class JumpDialog(ModalScreen[str | None]):
    """Ask for a document id, or a document number in the navigation order."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content("Jump to a document"), classes="dialog-title")
            yield SafeInput(placeholder=f"Document id, or a number 1-{self.count:,}", id="jump-input")
            yield Static(Content("enter jump · escape cancel"), classes="dialog-help")

    def on_mount(self) -> None:
        _blink(self, self.query_one(Input))

    @on(Input.Submitted)
    def jump(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickDialog(ModalScreen[str | None]):
    """Pick one of a few names: a digit or enter picks, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices[:9]
        for number in range(1, len(self.choices) + 1):
            self._bindings.bind(str(number), f"pick({number})", show=False)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(display_text(self.title_text)), classes="dialog-title")
            yield OptionList(
                *[
                    Option(
                        Content.assemble((f" {number} ", "bold reverse"), " ", display_text(choice)),
                        id=f"choice-{number}",
                    )
                    for number, choice in enumerate(self.choices, 1)
                ],
                id="pick-options",
            )
            yield Static(Content("digit or enter picks · escape cancels"), classes="dialog-help")

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(self.choices):
            self.dismiss(self.choices[number - 1])

    @on(OptionList.OptionSelected, "#pick-options")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(int((event.option_id or "choice-0").split("-")[1]))

    def action_cancel(self) -> None:
        self.dismiss(None)
