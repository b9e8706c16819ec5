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
from bisect import bisect_right
from dataclasses import dataclass, field

from rich.cells import cell_len

from ...textnorm import visible

# Bidi embedding/override/isolate controls would reorder what the reviewer sees.
_BIDI = {code: "\ufffd" for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]}
_SPACES = {ord("\t"): " ", ord("\n"): " "}
_WORD = re.compile(r"[^ ]+")

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


# Everything display_text replaces; most sentences have none of it and pass unchanged.
_NEEDS_CLEANING = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def display_text(text: str) -> str:
    """The text as shown: same length, nothing a terminal would interpret."""
    if not _NEEDS_CLEANING.search(text):
        return text
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
    # Display offset of each text offset, plus one past the end.
    display_index: list[int]
    # Half-open display ranges, one per screen line.
    lines: list[tuple[int, int]] = field(default_factory=list)
    # Per line: (x_start, x_end, token) cell ranges, for hit testing. A token's range
    # includes the tags drawn after it, so a click on a key lands on its token.
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
    """Insert the tags, wrap to `width` cells, and map tokens to cells.

    Works on slices and per token, never per character in Python, so a 300-token
    sentence lays out in about a millisecond.
    """
    shown = display_text(text)
    length = len(shown)
    by_offset: dict[int, list[Tag]] = {}
    for tag in tags:
        if 0 < tag.after <= length:
            by_offset.setdefault(tag.after, []).append(tag)

    parts: list[str] = []
    display_index: list[int] = []
    tag_ranges: list[tuple[int, int, Tag]] = []
    shift = previous = 0
    for after in sorted(by_offset):
        parts.append(shown[previous:after])
        display_index.extend(range(previous + shift, after + shift))
        position = after + shift
        for tag in by_offset[after]:
            parts.append(tag.text)
            tag_ranges.append((position, position + len(tag.text), tag))
            position += len(tag.text)
        shift = position - after
        previous = after
    parts.append(shown[previous:])
    display_index.extend(range(previous + shift, length + shift + 1))
    display = "".join(parts)

    lines = _wrap(display, max(width, 1))
    line_starts = [start for start, _ in lines]
    hits: list[list[tuple[int, int, int]]] = [[] for _ in lines]
    token_line: list[int] = []
    # The cell where the last hit of each line ended, and its display offset: tokens
    # come in order, so each line is measured once from left to right.
    reached = [(start, 0) for start in line_starts]
    for number, (start, end) in enumerate(tokens):
        start, end = max(0, min(start, length)), max(0, min(end, length))
        first = display_index[start]
        last = display_index[end] if end > start else first
        y = max(bisect_right(line_starts, first) - 1, 0)
        token_line.append(y)
        # A token runs on over the next lines only where a long word was cut.
        while first < last and y < len(lines):
            line_start, line_end = lines[y]
            a, b = max(first, line_start), min(last, line_end)
            if a < b:
                offset, x = reached[y]
                if a < offset:  # tokens out of order: measure from the line start
                    offset, x = line_start, 0
                x += cell_len(display[offset:a])
                x_end = x + cell_len(display[a:b])
                hits[y].append((x, x_end, number))
                reached[y] = (b, x_end)
            if last <= line_end:
                break
            y += 1
    return SentenceLayout(display, display_index, lines, hits, token_line, tag_ranges)


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
