"""Label colours from the tag set, parsed once; an unparsable colour falls back to grey."""

from __future__ import annotations

from functools import lru_cache

from textual.color import Color


@lru_cache(maxsize=64)
def label_color(value: str) -> Color:
    try:
        return Color.parse(value)
    except Exception:  # noqa: BLE001 - a tag set colour we cannot parse still draws
        return Color(128, 128, 128)


def on_label(value: str) -> str:
    """A style string: contrasting text on the label colour."""
    color = label_color(value)
    return f"bold {color.get_contrast_text(1.0).hex} on {color.hex}"
