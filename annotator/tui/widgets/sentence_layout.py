"""Where each character and tag of a sentence goes on screen: wrapping and hit testing.

The sentence view wraps text itself, at the spaces between words, because it needs
to know the cell each token lands on (for mouse clicks, and to scroll to the cursor)
and because it inserts small tags after spans (the label key) that are not part of
the text. This module is plain Python over `rich.cells`, so it is cheap to test.

Display text has exactly one character per text character: control characters
become visible placeholders (`annotator.textnorm.visible`), tabs and newlines become
spaces, and bidirectional overrides become U+FFFD, so offsets never shift and no
escape sequence or reordering control reaches the terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.cells import cell_len

from ...textnorm import visible

# Bidi embedding/override/isolate controls would reorder what the reviewer sees.
_BIDI = {code: "\ufffd" for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]}
_SPACES = {ord("\t"): " ", ord("\n"): " "}
_WORD = re.compile(r"[^ ]+")

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def display_text(text: str) -> str:
    """The text as shown: same length, nothing a terminal would interpret."""
    return visible(text).translate(_SPACES).translate(_BIDI)


def superscript(key: str) -> str:
    return key.translate(SUPERSCRIPT)


@dataclass(frozen=True)
class Tag:
    """A few cells inserted after text offset `after` (exclusive end of a span)."""

    after: int
    text: str
    color: str = ""
    strong: bool = True


@dataclass
class SentenceLayout:
    """The display string (text with tags inserted), its lines, and what each cell holds."""

    display: str
    # For each display index: the text offset it shows, or for a tag cell the offset
    # of the character it follows (so a click on a tag lands on that token).
    text_index: list[int]
    is_tag: list[bool]
    # Display offset of each text offset.
    display_index: list[int]
    # Half-open display ranges, one per screen line.
    lines: list[tuple[int, int]] = field(default_factory=list)
    # Per line: (x_start, x_end, token) cell ranges, for hit testing.
    hits: list[list[tuple[int, int, int]]] = field(default_factory=list)
    # The line each token starts on.
    token_line: list[int] = field(default_factory=list)
    # Display ranges of the inserted tags, with the tag each holds.
    tag_ranges: list[tuple[int, int, Tag]] = field(default_factory=list)

    def token_at(self, x: int, y: int) -> int | None:
        """The token at a cell: exact, else the nearest on that line (clicks between words)."""
        if not 0 <= y < len(self.hits) or not self.hits[y]:
            return None
        best: tuple[int, int] | None = None
        for start, end, token in self.hits[y]:
            if start <= x < end:
                return token
            distance = start - x if x < start else x - end + 1
            if best is None or distance < best[0]:
                best = (distance, token)
        return best[1] if best else None


def layout_sentence(
    text: str, tokens: list[tuple[int, int]], tags: list[Tag], width: int
) -> SentenceLayout:
    shown = display_text(text)
    width = max(width, 1)
    by_offset: dict[int, list[Tag]] = {}
    for tag in tags:
        by_offset.setdefault(tag.after, []).append(tag)

    parts: list[str] = []
    text_index: list[int] = []
    is_tag: list[bool] = []
    display_index: list[int] = []
    position = 0
    for offset, character in enumerate(shown):
        display_index.append(position)
        parts.append(character)
        text_index.append(offset)
        is_tag.append(False)
        position += 1
        for tag in by_offset.get(offset + 1, ()):
            parts.append(tag.text)
            text_index.extend([offset] * len(tag.text))
            is_tag.extend([True] * len(tag.text))
            position += len(tag.text)
    display_index.append(position)
    display = "".join(parts)
    layout = SentenceLayout(display, text_index, is_tag, display_index)
    layout.tag_ranges = [
        (start, start + len(tag.text), tag)
        for start, tag in _tag_starts(display_index, by_offset, len(shown))
    ]
    layout.lines = _wrap(display, width)

    token_of = [-1] * len(shown)
    for number, (start, end) in enumerate(tokens):
        for offset in range(start, min(end, len(shown))):
            token_of[offset] = number
    layout.token_line = [0] * len(tokens)
    seen: set[int] = set()
    for line_number, (start, end) in enumerate(layout.lines):
        hits: list[tuple[int, int, int]] = []
        x = 0
        for index in range(start, end):
            cells = cell_len(display[index])
            token = token_of[text_index[index]] if text_index else -1
            if token >= 0:
                if hits and hits[-1][2] == token and hits[-1][1] == x:
                    hits[-1] = (hits[-1][0], x + cells, token)
                else:
                    hits.append((x, x + cells, token))
                if token not in seen:
                    seen.add(token)
                    layout.token_line[token] = line_number
            x += cells
        layout.hits.append(hits)
    return layout


def _tag_starts(display_index: list[int], by_offset: dict[int, list[Tag]], length: int) -> list[tuple[int, Tag]]:
    starts = []
    for after, tags in sorted(by_offset.items()):
        if not 0 < after <= length:
            continue
        position = display_index[after - 1] + 1
        for tag in tags:
            starts.append((position, tag))
            position += len(tag.text)
    return starts


def _wrap(display: str, width: int) -> list[tuple[int, int]]:
    """Greedy wrapping at spaces; a word wider than the line is cut at cell boundaries."""
    lines: list[tuple[int, int]] = []
    line_start: int | None = None
    used = 0
    previous_end = 0
    for match in _WORD.finditer(display):
        start, end = match.span()
        gap = start - previous_end
        cells = cell_len(display[start:end])
        if line_start is not None and used + gap + cells <= width:
            used += gap + cells
        else:
            if line_start is not None:
                lines.append((line_start, previous_end))
            line_start, used = start, cells
            while used > width:
                cut, taken = start, 0
                while cut < end and taken + cell_len(display[cut]) <= width:
                    taken += cell_len(display[cut])
                    cut += 1
                cut = max(cut, start + 1)
                lines.append((start, cut))
                start = cut
                line_start, used = start, cell_len(display[start:end])
        previous_end = end
    if line_start is not None:
        lines.append((line_start, previous_end))
    return lines or [(0, 0)]
