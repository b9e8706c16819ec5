"""Offsets at the edge: code points inside, UTF-16 code units for tools that count as
JavaScript does (Label Studio, doccano; doccano#2290, #2484).

Stored offsets are half-open code-point indices into NFC text. `--offsets utf16`
converts on the way out (export) and back on the way in (import-annotations), with
this one function each way.
"""

from __future__ import annotations

OFFSETS: tuple[str, ...] = ("codepoints", "utf16")


def _units(character: str) -> int:
    return 2 if ord(character) > 0xFFFF else 1


def to_utf16(text: str, offset: int) -> int:
    """The UTF-16 code-unit offset of code-point `offset` in `text`."""
    return offset + sum(1 for character in text[:offset] if ord(character) > 0xFFFF)


def from_utf16(text: str, offset: int) -> int:
    """The code-point offset of UTF-16 offset `offset` in `text`; ValueError if it falls
    inside a surrogate pair or past the end."""
    units = 0
    for index, character in enumerate(text):
        if units == offset:
            return index
        units += _units(character)
        if units > offset:
            raise ValueError(f"UTF-16 offset {offset} falls inside a character")
    if units == offset:
        return len(text)
    raise ValueError(f"UTF-16 offset {offset} is past the end of the text")


def convert(text: str, offset: int, offsets: str) -> int:
    """A code-point offset as the export's `offsets` counts it."""
    return to_utf16(text, offset) if offsets == "utf16" else offset


def read(text: str, offset: int, offsets: str) -> int:
    """An offset in the file's `offsets` counting, as a code-point offset."""
    return from_utf16(text, offset) if offsets == "utf16" else offset
