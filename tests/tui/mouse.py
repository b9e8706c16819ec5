"""Where each token of a SentenceView is on screen, for Pilot clicks and drags."""

from __future__ import annotations

from annotator.tui.widgets.sentence_view import SentenceView


def token_offsets(view: SentenceView) -> dict[int, tuple[int, int]]:
    """Token index -> (x, y) of its first cell, relative to the widget, for tokens in view."""
    return view.token_offsets()
