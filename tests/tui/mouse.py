"""Where each token of a SentenceView is on screen, for Pilot clicks and drags."""

from __future__ import annotations

from annotator.tui.widgets.sentence_view import SentenceView


def token_offsets(view: SentenceView) -> dict[int, tuple[int, int]]:
    """Token index -> (x, y) of its first cell, relative to the widget (past its border and padding)."""
    layout = view.layout_for(view.text_width)
    dx, dy = view.content_region.x - view.region.x, view.content_region.y - view.region.y
    return {token: (start + dx, line + dy) for line, hits in enumerate(layout.hits) for start, _, token in hits}
