"""The annotators' flags and notes on a sentence, as lines for the curator's details pane.

Notes and span text are document-side text typed or imported by others: every piece
goes in as plain text through `display_text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.content import Content

from ...adjudication.notes import AnnotatorNotes
from .colors import on_label
from .sentence_layout import display_excerpt, display_text


def annotator_notes_lines(
    notes: Sequence[AnnotatorNotes], text: str, look: Callable[[str], tuple[str, str]]
) -> list[Content]:
    """A heading and, per annotator who said something, her flag, sentence note and span
    notes (label badge, the span's text, the note). `look(label)` is (colour, key)."""
    if not notes:
        return []
    lines = [Content.styled("Annotators' notes", "bold underline")]
    for entry in notes:
        lines.append(
            Content.assemble((display_text(entry.annotator), "bold"), ("  ⚑ flagged" if entry.flagged else ""))
        )
        if entry.note:
            lines.append(Content("  " + display_text(entry.note)))
        for span in entry.span_notes:
            color, key = look(span.label)
            lines.append(
                Content.assemble(
                    "  ",
                    (f" {key} ", on_label(color)),
                    (" “" + display_excerpt(text[span.start : span.end]) + "” ", "italic"),
                    display_text(span.note),
                )
            )
    return lines
