"""Every key of the annotation workspace in one registry.

The keys are a fixed contract (issue 4): outside tests drive the app with exactly
these. The label keys are generated from the project's tag set. The help screen and
the README's key table are written from this list, and a test checks they agree.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding

from ..model import Tagset

# (group, binding). Footer shows only `show=True`, so it stays readable at 80 columns.
WORKSPACE_KEYS: list[tuple[str, Binding]] = [
    ("Cursor", Binding("right,l", "move(1)", "Next token", show=False, id="cursor.next")),
    ("Cursor", Binding("left,h", "move(-1)", "Previous token", show=False, id="cursor.previous")),
    ("Cursor", Binding("shift+right", "extend(1)", "Extend selection right", show=False, id="selection.right")),
    ("Cursor", Binding("shift+left", "extend(-1)", "Extend selection left", show=False, id="selection.left")),
    ("Cursor", Binding("home", "first_token", "First token", show=False, id="cursor.first")),
    ("Cursor", Binding("end", "last_token", "Last token", show=False, id="cursor.last")),
    (
        "Cursor",
        Binding(
            "shift+home", "extend_to_first", "Extend selection to the first token", show=False, id="selection.first"
        ),
    ),
    (
        "Cursor",
        Binding("shift+end", "extend_to_last", "Extend selection to the last token", show=False, id="selection.last"),
    ),
    (
        "Cursor",
        Binding(
            "apostrophe",
            "begin_jump",
            "Jump",
            show=False,
            key_display="'",
            tooltip="Jump to the next word starting with the letters typed next",
            id="cursor.jump",
        ),
    ),
    ("Cursor", Binding("escape", "clear_selection", "Clear the selection", show=False, id="selection.clear")),
    ("Cursor", Binding("tab", "next_item", "Next span or suggestion", show=False, id="item.next")),
    ("Cursor", Binding("shift+tab", "previous_item", "Previous span or suggestion", show=False, id="item.previous")),
    (
        "Spans",
        Binding(
            "a",
            "accept",
            "Accept",
            tooltip="Accept the suggestion under the cursor, or the first pending one",
            id="suggestion.accept",
        ),
    ),
    (
        "Spans",
        Binding("A,shift+a", "accept_all", "Accept all pending suggestions", show=False, id="suggestion.accept_all"),
    ),
    (
        "Spans",
        Binding(
            "x",
            "reject",
            "Reject",
            tooltip="Reject the suggestion under the cursor, or the first pending one",
            id="suggestion.reject",
        ),
    ),
    (
        "Spans",
        Binding("X,shift+x", "reject_all", "Reject all pending suggestions", show=False, id="suggestion.reject_all"),
    ),
    (
        "Spans",
        Binding("d,delete", "delete_span", "Delete", tooltip="Remove the span under the cursor", id="span.delete"),
    ),
    (
        "Spans",
        Binding(
            "e",
            "begin_boundary",
            "Edges",
            show=False,
            tooltip="Edit the span's (or selection's) boundaries by character",
            id="span.boundary",
        ),
    ),
    ("Spans", Binding("t", "toggle_quoted", "Toggle quoted on the span", show=False, id="span.quoted")),
    ("Spans", Binding("C,shift+c", "span_note", "Edit the span's note", show=False, id="span.note")),
    (
        "Sentence",
        Binding("enter", "done", "Done", tooltip="Mark the sentence done and go to the next", id="sentence.done"),
    ),
    (
        "Sentence",
        Binding(
            "s", "skip", "Skip", show=False, tooltip="Mark the sentence skipped and go to the next", id="sentence.skip"
        ),
    ),
    ("Sentence", Binding("f", "flag", "Toggle the flag", show=False, id="sentence.flag")),
    ("Sentence", Binding("c", "note", "Edit the sentence note", show=False, id="sentence.note")),
    (
        "Sentence",
        Binding(
            "v", "judgment", "Judgment", show=False, tooltip="Choose the sentence judgment", id="sentence.judgment"
        ),
    ),
    ("Navigate", Binding("down,j", "next_sentence", "Next sentence", show=False, id="nav.next")),
    ("Navigate", Binding("up,k", "previous_sentence", "Previous sentence", show=False, id="nav.previous")),
    (
        "Navigate",
        Binding(
            "right_square_bracket",
            "next_document",
            "Next document",
            show=False,
            key_display="]",
            id="nav.next_document",
        ),
    ),
    (
        "Navigate",
        Binding(
            "left_square_bracket",
            "previous_document",
            "Previous document",
            show=False,
            key_display="[",
            id="nav.previous_document",
        ),
    ),
    ("Navigate", Binding("n", "next_open", "Next sentence not done", show=False, id="nav.next_open")),
    ("Navigate", Binding("slash", "search", "Search the corpus", show=False, key_display="/", id="nav.search")),
    ("Navigate", Binding("g", "jump", "Jump to a document", show=False, id="nav.jump")),
    ("History", Binding("u", "undo", "Undo", id="history.undo")),
    ("History", Binding("ctrl+r", "redo", "Redo", show=False, id="history.redo")),
    ("App", Binding("question_mark", "help", "Help", key_display="?", id="app.help")),
    ("App", Binding("G,shift+g", "app.guidelines", "Show the project's guidelines", show=False, id="app.guidelines")),
    ("App", Binding("q", "app.quit", "Quit", id="app.quit")),
]

WORKSPACE_BINDINGS: list[Binding] = [binding for _, binding in WORKSPACE_KEYS]

# The keys of the two modes `'` and `e` open. While a mode is open the screen routes
# every key itself (see SentenceEditingActions.on_key): these, then, for a jump, the
# letters typed; for a boundary edit, the label keys.
JUMP_MODE_KEYS: list[Binding] = [
    Binding("enter,escape", "end_jump", "End the jump (the cursor stays)", id="jump.end"),
    Binding("backspace", "jump_back", "Take back the last letter", id="jump.back"),
]
BOUNDARY_MODE_KEYS: list[Binding] = [
    Binding("right", "move_boundary('end', 1)", "Move the end one character right", id="boundary.end_right"),
    Binding("left", "move_boundary('end', -1)", "Move the end one character left", id="boundary.end_left"),
    Binding(
        "shift+right", "move_boundary('start', 1)", "Move the start one character right", id="boundary.start_right"
    ),
    Binding("shift+left", "move_boundary('start', -1)", "Move the start one character left", id="boundary.start_left"),
    Binding("enter", "keep_boundary", "Keep the new boundaries (one undoable edit)", id="boundary.keep"),
    Binding("escape", "cancel_boundary", "Cancel the boundary edit", id="boundary.cancel"),
]
MODE_KEYS: dict[str, list[Binding]] = {"jump": JUMP_MODE_KEYS, "boundary": BOUNDARY_MODE_KEYS}
# The actions those keys run: the only ones a screen allows while a mode is open.
MODE_ACTIONS = {b.action.partition("(")[0] for keys in MODE_KEYS.values() for b in keys}


def label_bindings(tagset: Tagset) -> list[Binding]:
    """One hidden binding per label: its key applies (or changes to) that label."""
    return [
        Binding(label.key, f"label({label.key!r})", f"Label {label.name}", show=False, id=f"label.{label.key}")
        for label in tagset.labels
    ]


# Aliases some terminals send for capitals; the capital is the documented key.
_ALIASES = {"shift+a", "shift+x", "shift+c", "shift+g"}
_NAMES = {
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "slash": "/",
    "question_mark": "?",
    "apostrophe": "'",
}


def key_display(binding: Binding) -> str:
    """How the help screen and README spell a binding's keys: '/' not 'slash'."""
    keys = [k.strip() for k in binding.key.split(",")]
    return " ".join(_NAMES.get(k, k) for k in keys if k not in _ALIASES)


# The adjudication screen edits the gold sentence with the workspace's own keys for the
# cursor, spans, the sentence, history and the app, derived here from WORKSPACE_KEYS
# (with their own ids and, where gold makes a difference, their own wording), plus the
# curator's keys.
def _adjudicate_id(workspace_id: str) -> str:
    """`span.delete` -> `adjudicate.delete`; cursor and navigation ids keep their group."""
    group, _, rest = workspace_id.partition(".")
    return "adjudicate." + (rest if group in {"span", "sentence", "history", "app"} else workspace_id)


_BY_ID = {binding.id: (group, binding) for group, binding in WORKSPACE_KEYS}


def _shared(workspace_id: str, **changes: object) -> tuple[str, Binding]:
    group, binding = _BY_ID[workspace_id]
    return group, replace(binding, id=_adjudicate_id(workspace_id), **changes)


ADJUDICATE_KEYS: list[tuple[str, Binding]] = [
    *(
        _shared(id)
        for id in (
            "cursor.next",
            "cursor.previous",
            "cursor.first",
            "cursor.last",
            "selection.right",
            "selection.left",
            "selection.first",
            "selection.last",
            "cursor.jump",
            "selection.clear",
        )
    ),
    ("Cursor", Binding("tab", "next_candidate", "Next candidate span", show=False, id="adjudicate.candidate.next")),
    (
        "Cursor",
        Binding(
            "shift+tab", "previous_candidate", "Previous candidate span", show=False, id="adjudicate.candidate.previous"
        ),
    ),
    (
        "Gold",
        Binding("a", "take", "Take", tooltip="Take the candidate under the cursor into gold", id="adjudicate.take"),
    ),
    (
        "Gold",
        Binding(
            "T,shift+t",
            "take_all",
            "Take all of one annotator's spans (pick by number)",
            show=False,
            id="adjudicate.take_all",
        ),
    ),
    (
        "Gold",
        replace(
            _shared("suggestion.reject")[1],
            id="adjudicate.reject",
            tooltip="Reject the candidate: gold loses it if it had it",
        ),
    ),
    ("Gold", _shared("span.delete", description="Remove the gold span under the cursor", show=False, tooltip="")[1]),
    ("Gold", _shared("span.quoted", description="Toggle quoted on the gold span")[1]),
    ("Gold", _shared("span.boundary")[1]),
    _shared("sentence.judgment", show=True, tooltip="Set the gold judgment"),
    _shared("sentence.note", description="Write the curator note"),
    _shared("sentence.flag"),
    _shared("sentence.done", description="Adjudicated", tooltip="Mark the sentence adjudicated and go to the next"),
    _shared("nav.next", description="Next sentence in the queue"),
    _shared("nav.previous", description="Previous sentence in the queue"),
    _shared("nav.next_open", description="Next sentence not adjudicated"),
    (
        "Navigate",
        Binding(
            "pagedown", "details_page(1)", "Scroll the details pane down", show=False, id="adjudicate.details.down"
        ),
    ),
    (
        "Navigate",
        Binding("pageup", "details_page(-1)", "Scroll the details pane up", show=False, id="adjudicate.details.up"),
    ),
    *(_shared(id) for id in ("history.undo", "history.redo", "app.help", "app.guidelines", "app.quit")),
]

ADJUDICATE_BINDINGS: list[Binding] = [binding for _, binding in ADJUDICATE_KEYS]
