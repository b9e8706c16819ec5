"""The token cursor and selection of one sentence: pure state, no storage, no UI."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class TokenCursor:
    """A cursor on one of `count` tokens, with an optional selection anchor.

    The selection runs from the anchor to the cursor, both included. Plain moves
    clear it; `extend` starts it at the cursor when there is none.
    """

    count: int
    position: int = 0
    anchor: int | None = None

    def _clamp(self, index: int) -> int:
        return max(0, min(index, self.count - 1)) if self.count else 0

    def move(self, delta: int) -> None:
        self.position = self._clamp(self.position + delta)
        self.anchor = None

    def go_to(self, index: int) -> None:
        self.position = self._clamp(index)
        self.anchor = None

    def extend(self, delta: int) -> None:
        if self.anchor is None:
            self.anchor = self.position
        self.position = self._clamp(self.position + delta)

    def extend_to(self, index: int) -> None:
        """Move the cursor to `index`, keeping (or starting) the selection from the anchor."""
        if self.anchor is None:
            self.anchor = self.position
        self.position = self._clamp(index)

    def select(self, first: int, last: int) -> None:
        """Select tokens first..last (inclusive, either order); the cursor ends on `last`."""
        self.anchor = self._clamp(first)
        self.position = self._clamp(last)

    def clear(self) -> None:
        self.anchor = None

    def reset(self, count: int) -> None:
        """A new sentence: cursor on the first token, nothing selected."""
        self.count = count
        self.position = 0
        self.anchor = None

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected tokens as an inclusive (first, last) pair, or None."""
        if self.anchor is None or not self.count:
            return None
        return min(self.anchor, self.position), max(self.anchor, self.position)

    @property
    def target(self) -> tuple[int, int] | None:
        """The tokens an action applies to: the selection, or else the token under the cursor."""
        if not self.count:
            return None
        return self.selection or (self.position, self.position)


def token_range(tokens: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The first and last token a character range [start, end) touches, or None.

    Tokens are in order and do not overlap, so both ends are found by bisection: a
    20,000-token sentence costs a few dozen comparisons, not a pass over its tokens
    per span (which made `tab` take seconds)."""
    first = bisect_right(tokens, start, key=_end)
    last = bisect_left(tokens, end, key=_start) - 1
    return (first, last) if first <= last else None


def _start(token: tuple[int, int]) -> int:
    return token[0]


def _end(token: tuple[int, int]) -> int:
    return token[1]
