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
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from rich.cells import cell_len

from ...textnorm import visible

# Bidi embedding/override/isolate controls would reorder what the reviewer sees.
_BIDI = {code: "\ufffd" for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]}
_SPACES = {ord("\t"): " ", ord("\n"): " "}
_WORD = re.compile(r"[^ ]+")

# Characters one cell wide each, as rich measures them (checked in the tests): ASCII,
# Latin, Greek and Cyrillic letters, the punctuation of news text (dashes, curly quotes,
# ellipsis) and the control placeholders `display_text` puts in.
_SINGLE_CELL = re.compile("[\u0020-\u007e\u00a0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e"
                          "\u2070-\u209f\u2400-\u2426\u275d\u275e\ufffd]*")


def _is_single_cell(text: str) -> bool:
    return _SINGLE_CELL.fullmatch(text) is not None


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

    Linear in the sentence: the cell offset of every display character is known once
    (`_cell_offsets`), so wrapping is one pass over the words, a word wider than the
    line is cut by bisection, and each token's cells are two subtractions. A
    20,000-token sentence lays out in tens of milliseconds, and a single
    1,000,000-character token is cut into lines in well under a second.
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

    cells = _cell_offsets(display)
    lines = _wrap(display, max(width, 1), cells)
    line_starts = [start for start, _ in lines]
    hits: list[list[tuple[int, int, int]]] = [[] for _ in lines]
    token_line: list[int] = []
    count = len(lines)
    # Stored tokens lie inside the text; only other input needs clamping.
    inside = not tokens or (min(start for start, _ in tokens) >= 0 and max(end for _, end in tokens) <= length)
    for number, (start, end) in enumerate(tokens):
        if not inside:
            start, end = max(0, min(start, length)), max(0, min(end, length))
        first = display_index[start]
        last = display_index[end] if end > start else first
        y = bisect_right(line_starts, first) - 1
        if y < 0:
            y = 0
        token_line.append(y)
        line_start, line_end = lines[y]
        if line_start <= first and last <= line_end:  # the common case: on one line
            if first < last:
                origin = cells[line_start]
                hits[y].append((cells[first] - origin, cells[last] - origin, number))
            continue
        # A token runs on over the next lines only where a long word was cut.
        while first < last and y < count:
            line_start, line_end = lines[y]
            a, b = max(first, line_start), min(last, line_end)
            if a < b:
                origin = cells[line_start]
                hits[y].append((cells[a] - origin, cells[b] - origin, number))
            if last <= line_end:
                break
            y += 1
    return SentenceLayout(display, display_index, lines, hits, token_line, tag_ranges)


def _cell_offsets(display: str) -> Sequence[int]:
    """The cell at which each display character starts, plus one past the end.

    Most text is one cell per character, and then it is a `range` (nothing stored);
    otherwise the widths are summed once, per character."""
    if _is_single_cell(display):
        return range(len(display) + 1)
    return list(accumulate(map(cell_len, display), initial=0))


def _wrap(display: str, width: int, cells: Sequence[int]) -> list[tuple[int, int]]:
    """Greedy wrapping at spaces; a word wider than the line is cut at cell boundaries."""
    lines: list[tuple[int, int]] = []
    line_start: int | None = None
    line_cell = 0  # the cell where the current line starts
    previous_end = 0
    for match in _WORD.finditer(display):
        start, end = match.span()
        if line_start is not None and cells[end] - line_cell <= width:
            previous_end = end
            continue
        if line_start is not None:
            lines.append((line_start, previous_end))
        line_start, line_cell = start, cells[start]
        while cells[end] - line_cell > width:
            # The most characters that fit (at least one per line): with one cell per
            # character, simply `width` of them; otherwise found by bisection.
            if type(cells) is range:
                cut = start + width
            else:
                cut = max(bisect_right(cells, line_cell + width, start, end) - 1, start + 1)
            lines.append((start, cut))
            start = line_start = cut
            line_cell = cells[cut]
        previous_end = end
    if line_start is not None:
        lines.append((line_start, previous_end))
    return lines or [(0, 0)]
