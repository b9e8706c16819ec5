"""The label bar: each label's key and name in its colour, fitted to the width.

A click on a label applies it as its key would (`LabelClicked`, handled by the screen).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.events import Click
from textual.message import Message
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

    @dataclass
    class LabelClicked(Message):
        key: str

    def __init__(self, labels: tuple[Label, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels = labels

    def _share(self, width: int) -> int:
        """The cells each label gets: an equal share, names cut to fit."""
        return max(width // len(self.labels), 4)

    def render(self) -> Content:
        width = self.content_size.width
        if not self.labels:
            return Content("")
        share = self._share(width)
        parts: list[Content] = []
        for label in self.labels:
            key = Content.styled(f" {label.key} ", on_label(label.color))
            name = Content.styled(display_text(label.name).replace("_", " "), label_color(label.color).hex)
            room = share - key.cell_length - 1
            fitted = name.truncate(max(room, 1), ellipsis=True)
            parts.append(key + " " + fitted.pad_right(max(room - fitted.cell_length, 0)))
        return Content("").join(parts).truncate(width)

    def label_at(self, x: int) -> Label | None:
        """The label drawn at content column `x`, if any."""
        if not self.labels or x < 0:
            return None
        index = x // self._share(self.content_size.width)
        return self.labels[index] if index < len(self.labels) and x < self.content_size.width else None

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        label = self.label_at(offset.x) if offset is not None else None
        if label is not None:
            event.stop()
            self.post_message(self.LabelClicked(label.key))
