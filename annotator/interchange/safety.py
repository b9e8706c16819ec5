"""Spreadsheet safety for CSV cells (OWASP "CSV injection").

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and tab
or carriage return can smuggle one in. Text scraped from the web must never run, so
the free-text cells of a CSV export (`text`, `sentence_text`, `note`, `title`) that
start with one of these get a leading apostrophe, which spreadsheets show as text.

The rule is reversible, so import gives back exactly what was exported: a value is
prefixed when, after any leading apostrophes, it starts with a trigger character. So
`=1+1` is written `'=1+1`, and a value that already looked escaped, `'=1+1`, is written
`''=1+1`. `unescape` removes one apostrophe from exactly those values.
"""

from __future__ import annotations

TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"
# Characters a value may start with and still need a look: the triggers and the quote.
_FIRST = frozenset(TRIGGERS | {QUOTE})

# The cells this applies to, in every CSV the tool writes.
FREE_TEXT_COLUMNS = frozenset({"text", "sentence_text", "note", "title"})


def needs_escape(value: str) -> bool:
    return bool(value) and value[0] in _FIRST and value.lstrip(QUOTE)[:1] in TRIGGERS


def escape(value: str | None) -> str | None:
    """The value as written to a CSV cell."""
    if value and value[0] in _FIRST and value.lstrip(QUOTE)[:1] in TRIGGERS:
        return QUOTE + value
    return value


def unescape(value: str) -> str:
    """The value as it was before `escape`."""
    if value[:1] == QUOTE and value.lstrip(QUOTE)[:1] in TRIGGERS:
        return value[1:]
    return value
