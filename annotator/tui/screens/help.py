"""The help screen: every key, the tag set's labels and what the marks mean."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...model import Tagset
from ..bindings import ADJUDICATE_KEYS, BOUNDARY_MODE_KEYS, JUMP_MODE_KEYS, WORKSPACE_KEYS, key_display
from ..widgets.colors import on_label
from ..widgets.sentence_layout import display_text


def key_lines(keys: list[tuple[str, Binding]], label_group: str, label_help: str) -> list[Content]:
    """The key registry as grouped help lines; the label keys 1-9 lead `label_group`."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for group, binding in keys:
        groups.setdefault(group, []).append((key_display(binding), binding.tooltip or binding.description))
    groups[label_group].insert(0, ("1-9", label_help))
    lines: list[Content] = []
    for group, rows in groups.items():
        lines.append(Content.styled(group, "bold"))
        for key_text, description in rows:
            lines.append(Content.assemble((f"  {key_text:<16}", "bold"), description))
        lines.append(Content(""))
    return lines


def mode_lines() -> list[Content]:
    """The keys of the two modes, as help lines: what a jump and a boundary edit take."""

    def rows(keys: list[Binding]) -> list[tuple[str, str]]:
        return [(key_display(binding), binding.description) for binding in keys]

    modes = {
        "Jump (after ')": [
            ("letters", "Go to the next word starting so (wrapping, any case or accent)"),
            *rows(JUMP_MODE_KEYS),
        ],
        "Boundary edit (after e)": [*rows(BOUNDARY_MODE_KEYS), ("1-9", "On a new range from a selection: label it")],
    }
    lines: list[Content] = []
    for title, entries in modes.items():
        lines.append(Content.styled(title, "bold"))
        lines += [Content.assemble((f"  {key:<16}", "bold"), description) for key, description in entries]
        lines.append(Content(""))
    return lines


def help_content(tagset: Tagset) -> Content:
    lines: list[Content] = [Content.styled("Keys", "bold underline"), Content("")]
    lines += key_lines(WORKSPACE_KEYS, "Spans", "Label the selection or the token under the cursor; relabel a span")
    lines += mode_lines()
    lines += [
        Content.assemble(
            ("  ctrl+p          ", "bold"), "Command palette: jump, search, suggestion mode, statistics, export"
        ),
        Content(""),
    ]
    lines.append(Content.styled("Labels", "bold underline"))
    for label in tagset.labels:
        lines.append(
            Content.assemble("  ", (f" {label.key} ", on_label(label.color)), " ", (display_text(label.name), "bold"))
        )
        if label.description:
            lines.append(Content("      " + display_text(" ".join(label.description.split()))))
    values = ", ".join(f"{n}={display_text(v)}" for n, v in enumerate(tagset.judgment.values, 1))
    lines += [
        Content(""),
        Content.assemble(("Judgment ", "bold"), display_text(tagset.judgment.name), f" (v): {values}"),
        Content(""),
        Content.styled("Marks", "bold underline"),
        Content("  coloured background + key¹   a span (your annotation)"),
        Content("  ❝ before the key             the span is marked quoted (t)"),
        Content("  underlined + key?             a pending suggestion: a accepts, x rejects"),
        Content("  struck through                a rejected suggestion"),
        Content("  reversed token                the cursor; highlighted tokens are the selection"),
        Content(""),
        Content("Every change is saved at once; there is nothing to save. Press escape to close."),
    ]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close"),
    ]

    def __init__(self, tagset: Tagset) -> None:
        super().__init__()
        self.tagset = tagset

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(help_content(self.tagset), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)


def adjudication_help_content(tagset: Tagset) -> Content:
    lines: list[Content] = [Content.styled("Adjudication keys", "bold underline"), Content("")]
    lines += key_lines(ADJUDICATE_KEYS, "Gold", "Label the selection or token in gold; relabel a gold span")
    lines += mode_lines()
    lines += [
        Content.styled("Rows", "bold underline"),
        Content("  one row per annotator who finished the sentence, with their judgment;"),
        Content("  the gold row is last. Bars carry the label colour and key."),
        Content("  bold bar: that candidate is in gold · struck through: rejected · reversed: under the cursor"),
        Content(""),
        Content("Gold is saved at once under the name 'gold', with who agreed and whether the rule"),
        Content("(auto) or you (curated) put it there. Press escape to close."),
    ]
    return Content("\n").join(lines)


class AdjudicationHelpScreen(HelpScreen):
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(adjudication_help_content(self.tagset), id="help-text")
