"""The label bar: each label's key and name in its colour, fitted to the width."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from ...model import Label
from .colors import label_color, on_label
from .sentence_layout import display_text


class LabelBar(Widget):
    DEFAULT_CSS = """
    LabelBar {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, labels: tuple[Label, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels = labels

    def render(self) -> Content:
        width = self.content_size.width
        if not self.labels:
            return Content("")
        # Each label gets an equal share; names are cut to fit.
        share = max(width // len(self.labels), 4)
        parts: list[Content] = []
        for label in self.labels:
            key = Content.styled(f" {label.key} ", on_label(label.color))
            name = Content.styled(display_text(label.name).replace("_", " "), label_color(label.color).hex)
            room = share - key.cell_length - 1
            fitted = name.truncate(max(room, 1), ellipsis=True)
            parts.append(key + " " + fitted.pad_right(max(room - fitted.cell_length, 0)))
        return Content("").join(parts).truncate(width)
