"""Where each character of a sentence goes on screen: wrapping and hit testing.

The reading view wraps text itself, at the spaces between words, because it needs
to know the cell each token lands on (for mouse clicks, to scroll to the cursor, and
to draw the marks row under each line). Nothing is ever inserted into the text, so
labelling a word cannot move another. This module is plain Python over
`rich.cells`, so it is cheap to test.

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
_SINGLE_CELL = re.compile(
    "[\u0020-\u007e\u00a0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2070-\u209f\u2400-\u2426\u275d\u275e\ufffd]*"
)


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


# The most characters of one text a side pane shows; a longer one is elided in the middle.
EXCERPT_LIMIT = 200


def display_excerpt(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """`display_text` of at most `limit` characters: a 1,000,000-character token or
    note shows its start and end around a "…", and costs nothing to draw."""
    if len(text) > limit:
        keep = (limit - 1) // 2
        text = text[:keep] + "…" + text[len(text) - keep :]
    return display_text(text)


def superscript(key: str) -> str:
    return key.translate(SUPERSCRIPT)


@dataclass
class SentenceLayout:
    """The display string, its lines, and what each cell holds.

    What each token covers on screen is worked out on demand, for the line asked
    about (`line_hits`) or the token asked about (`line_of`): a key press on a long
    sentence lays out its lines and nothing per token."""

    display: str
    # Half-open display ranges (display offsets are text offsets), one per screen line.
    lines: list[tuple[int, int]] = field(default_factory=list)
    tokens: Sequence[tuple[int, int]] = ()
    # The cell at which each display character starts, plus one past the end.
    cells: Sequence[int] = ()
    line_starts: list[int] = field(default_factory=list, repr=False)
    _hits: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict, repr=False)
    _ordered: bool | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.line_starts = [start for start, _ in self.lines]

    def _display_range(self, token: int) -> tuple[int, int]:
        length = len(self.display)
        start, end = self.tokens[token]
        start, end = max(0, min(start, length)), max(0, min(end, length))
        return start, max(end, start)

    def line_at(self, offset: int) -> int:
        """The line holding display offset `offset` (the last line for the end)."""
        return max(bisect_right(self.line_starts, offset) - 1, 0)

    def cell_of(self, offset: int) -> tuple[int, int]:
        """(line, x) of display offset `offset`, x in cells from the line's start."""
        y = self.line_at(offset)
        return y, self.cells[offset] - self.cells[self.lines[y][0]]

    def line_of(self, token: int) -> int:
        """The line a token starts on."""
        first, _ = self._display_range(token)
        return max(bisect_right(self.line_starts, first) - 1, 0)

    @property
    def token_line(self) -> list[int]:
        """The line each token starts on (all of them: for tests and small sentences)."""
        return [self.line_of(token) for token in range(len(self.tokens))]

    @property
    def hits(self) -> list[list[tuple[int, int, int]]]:
        """`line_hits` of every line."""
        return [self.line_hits(y) for y in range(len(self.lines))]

    def line_hits(self, y: int) -> list[tuple[int, int, int]]:
        """(x_start, x_end, token) cell ranges on line y, for hit testing."""
        if not 0 <= y < len(self.lines):
            return []
        cached = self._hits.get(y)
        if cached is not None:
            return cached
        line_start, line_end = self.lines[y]
        origin = self.cells[line_start]
        if self._ordered is None:
            tokens = self.tokens
            self._ordered = all(tokens[i][1] <= tokens[i + 1][0] for i in range(len(tokens) - 1))
        if self._ordered:
            # The first token ending after the line starts, then on while they start on it.
            first_token = bisect_right(range(len(self.tokens)), line_start, key=lambda t: self._display_range(t)[1])
            candidates: range | list[int] = range(first_token, len(self.tokens))
        else:
            candidates = list(range(len(self.tokens)))
        hits = []
        for token in candidates:
            first, last = self._display_range(token)
            if self._ordered and first >= line_end:
                break
            a, b = max(first, line_start), min(last, line_end)
            if a < b:
                hits.append((self.cells[a] - origin, self.cells[b] - origin, token))
        self._hits[y] = hits
        return hits

    def token_at(self, x: int, y: int) -> int | None:
        """The token at a cell: exact, else the nearest on that line (clicks between words)."""
        hits = self.line_hits(y)
        best: tuple[int, int] | None = None
        for start, end, token in hits:
            if start <= x < end:
                return token
            distance = start - x if x < start else x - end + 1
            if best is None or distance < best[0]:
                best = (distance, token)
        return best[1] if best else None


def layout_sentence(text: str, tokens: Sequence[tuple[int, int]], width: int) -> SentenceLayout:
    """Wrap to `width` cells, and map tokens to cells.

    Linear in the sentence, and nothing per token: the cell offset of every display
    character is known once (`_cell_offsets`), so wrapping is one pass over the words
    and a word wider than the line is cut by arithmetic or bisection; what a token
    covers is found when asked (`SentenceLayout.line_hits`). A 20,000-token sentence
    lays out in milliseconds, and a single 1,000,000-character token is cut into
    lines in a fraction of a second.
    """
    display = display_text(text)
    cells = _cell_offsets(display)
    lines = _wrap(display, max(width, 1), cells)
    return SentenceLayout(display, lines, tokens, cells)


def _wrap_single_cell(display: str, width: int) -> list[tuple[int, int]]:
    """`_wrap` for text of one cell per character, a line at a time rather than a word
    at a time: each line ends at the last space within `width` (str.rfind, in C)."""
    lines: list[tuple[int, int]] = []
    first = _WORD.search(display)
    if first is None:
        return [(0, 0)]
    text_end = len(display.rstrip(" "))
    position = first.start()  # always the start of a word, or inside one that was cut
    while position < text_end:
        limit = position + width
        if limit >= text_end:
            lines.append((position, text_end))
            break
        space = display.rfind(" ", position, limit + 1)
        if space == -1:  # a word wider than the line: cut it
            lines.append((position, limit))
            position = limit
            continue
        lines.append((position, position + len(display[position:space].rstrip(" "))))
        following = _WORD.search(display, space)
        position = following.start() if following else text_end
    return lines


def _cell_offsets(display: str) -> Sequence[int]:
    """The cell at which each display character starts, plus one past the end.

    Most text is one cell per character, and then it is a `range` (nothing stored);
    otherwise the widths are summed once, per character."""
    if _is_single_cell(display):
        return range(len(display) + 1)
    return list(accumulate(map(cell_len, display), initial=0))


def _wrap(display: str, width: int, cells: Sequence[int]) -> list[tuple[int, int]]:
    """Greedy wrapping at spaces; a word wider than the line is cut at cell boundaries."""
    if type(cells) is range:
        return _wrap_single_cell(display, width)
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
