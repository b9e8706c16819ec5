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
from ...workspace.document_finder import DocumentHit
from ..widgets.sentence_layout import display_excerpt, display_text


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
    """Find a document by its number, the start of its id or words of its title, and
    return its id: up and down choose, enter jumps, escape cancels.

    The search runs as you type, in a worker on a reader of its own. An enter that
    comes before the answer for what was typed waits for it, and the typing stops
    there: nothing typed after enter goes into the box, and once the dialog is gone
    nothing typed in it reaches the workspace."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "choose(1)", "Next document", show=False),
        Binding("up", "choose(-1)", "Previous document", show=False),
    ]

    def __init__(self, find: Callable[[str], list[DocumentHit]], count: int) -> None:
        super().__init__()
        self.find = find
        self.count = count
        self._asked: str | None = None
        self._answered: str | None = None
        self._hits: list[DocumentHit] = []
        self._picking = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(Content("Jump to a document"), classes="dialog-title")
            yield SafeInput(
                placeholder=f"A number 1-{self.count:,}, the start of an id, or words of a title", id="jump-input"
            )
            yield OptionList(id="jump-results")
            yield Static(Content("↑ ↓ choose · enter jump · escape cancel"), id="jump-status", classes="dialog-help")

    def on_mount(self) -> None:
        _blink(self, self.query_one(Input))
        self._ask("")

    @on(Input.Changed, "#jump-input")
    def typed(self, event: Input.Changed) -> None:
        if not self._picking:
            self._ask(event.value)

    def _ask(self, query: str) -> None:
        query = query.strip()
        if query == self._asked:
            return
        self._asked = query
        self._search(query)

    @work(thread=True, exclusive=True, group="jump")
    def _search(self, query: str) -> None:
        hits = self.find(query)
        self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits: list[DocumentHit]) -> None:
        if query != self._asked or not self.is_attached:
            return  # an answer to what was typed before
        self._answered, self._hits = query, hits
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(
            Option(
                Content.assemble(
                    (f"{hit.position + 1:>7,}  ", "dim"),
                    (display_excerpt(hit.document_id, 40), "bold"),
                    "  ",
                    display_excerpt(hit.title, 120),
                ),
                id=f"hit-{number}",
            )
            for number, hit in enumerate(hits)
        )
        if hits:
            results.highlighted = 0
        found = f"{len(hits)} document{'s' if len(hits) != 1 else ''}" if hits else "no document matches"
        self.query_one("#jump-status", Static).update(Content(f"{found} · ↑ ↓ choose · enter jump · escape cancel"))
        if self._picking:
            self._pick()

    def action_choose(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted if results.highlighted is not None else -delta
            results.highlighted = max(0, min(results.option_count - 1, current + delta))

    @on(Input.Submitted, "#jump-input")
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        self._picking = True
        # Keys typed from here on find no box to go into.
        self.query_one(Input).disabled = True
        if self._answered == self._asked:
            self._pick()

    def _pick(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if self._hits and highlighted is not None:
            self.dismiss(self._hits[highlighted].document_id)
            return
        self._picking = False
        box = self.query_one(Input)
        box.disabled = False
        box.focus()

    @on(OptionList.OptionSelected, "#jump-results")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        number = int((event.option_id or "hit-0").split("-", 1)[1])
        if number < len(self._hits):
            self.dismiss(self._hits[number].document_id)

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
