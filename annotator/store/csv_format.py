"""The CSV files the tool writes and reads, defined once: each file's columns (name,
the SQL that exports it, its kind) and the spreadsheet-safety rule.

The export SQL (annotator.store.exports) is generated from these tables, and
annotator.interchange.formats takes its column names from them, so a header, the cells
under it and the importer that reads it back cannot drift apart. The names and their
order are a contract: tools outside this project read them. Change them only with a
new column at the end, never by renaming or reordering.

Spreadsheet safety (OWASP "CSV injection"): a spreadsheet runs a cell that starts with
`=`, `+`, `-` or `@` as a formula, and tab or carriage return can smuggle one in. Text
scraped from the web must never run, and an id, a name, a term or a date can come
from a file as easily as a note can, so every text cell (kinds "text", "null" and
"free"; not integers, not the tool's own true/false flags) that starts with one of
these gets a leading apostrophe, which spreadsheets show as text. A cell holding `;` is
quoted, as one holding a comma is: spreadsheets in locales with a decimal comma split
fields at `;`, and an unquoted `x;=1+1` would become a formula cell there. The rule is reversible, so import gives
back exactly what was exported: a value is prefixed when, after any leading
apostrophes, it starts with a trigger character. So `=1+1` is written `'=1+1`, and a
value that already looked escaped, `'=1+1`, is written `''=1+1`. `unescape` removes
one apostrophe from exactly those values. `escape` is the rule in Python,
`sheet_safe_sql` the same rule in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..model import GOLD, ORIGINS, STATUSES

TRUE, FALSE = "true", "false"

# In the order the SQL tests them (the quote first: most values start with neither).
TRIGGER_CHARACTERS = "=+-@\t\r"
TRIGGERS = frozenset(TRIGGER_CHARACTERS)
QUOTE = "'"
# Characters a value may start with and still need a look: the triggers and the quote.
_FIRST = frozenset(TRIGGERS | {QUOTE})


class Column(NamedTuple):
    """One CSV column: its header name, the SQL expression of its cell, and its kind:
    "int" (never NULL), "flag" (the tool's true/false), "text" (never NULL), "null"
    (text that may be NULL, written as '') or "free" (free text, checked against the
    sentence on import; may be NULL). Every text kind gets the spreadsheet-safety
    apostrophe (SAFE_KINDS).

    `words`, when given, are all the values the cell can hold: a vocabulary the schema
    enforces (a CHECK constraint, and the SQL's own defaults). `escape` leaves each of
    them as it is (a test checks this and the constraints), so the export SQL skips the
    rule's CASE for such a cell: same bytes, less work per row. The column stays a text
    column for the rule everywhere else (SHEET_SAFE_COLUMNS, the importer)."""

    name: str
    sql: str
    kind: str
    words: tuple[str, ...] = ()


# A span's text, cut from its sentence (see Exports for the NUL-safe variant).
SPAN_TEXT = "substr(s.text, sp.char_start + 1, sp.char_end - sp.char_start)"


def _flag(expr: str) -> str:
    return f"CASE WHEN {expr} THEN '{TRUE}' ELSE '{FALSE}' END"


# A unit's status in the exports: the stored one, or `open` when none is stored.
UNIT_STATUSES: tuple[str, ...] = (*STATUSES, "open")


def unit_status_sql(sentence_id: str, annotator: str) -> str:
    """SQL for the status of an annotator's sentence (a unit), given SQL for its sentence
    id and its annotator: the stored `done` or `skipped`, else `open`. Gold is exported
    only where it is settled, so gold without a stored state counts as `done`."""
    return (
        f"COALESCE((SELECT x.status FROM sentence_status x WHERE x.sentence_id = {sentence_id}"
        f" AND x.annotator = {annotator}), CASE WHEN {annotator} = '{GOLD}' THEN 'done' ELSE 'open' END)"
    )


C = Column
# The columns of the spans, sentences and documents CSV, over the aliases d
# (documents), s (sentences), sp (spans), st (sentence_status) and sps (the
# sentence_status row of a span's sentence and annotator, joined to the spans).
COLUMNS: dict[str, tuple[Column, ...]] = {
    "spans": (
        C("document_id", "d.id", "text"),
        C("sentence_index", "s.idx", "int"),
        C("start", "sp.char_start", "int"),
        C("end", "sp.char_end", "int"),
        C("doc_start", "s.doc_start + sp.char_start", "int"),
        C("doc_end", "s.doc_start + sp.char_end", "int"),
        C("text", SPAN_TEXT, "free"),
        C("label", "sp.label", "text"),
        C("annotator", "sp.annotator", "text"),
        C("origin", "sp.origin", "text", ORIGINS),
        C("quoted", _flag("sp.quoted"), "flag"),
        C("lexicon_term", "sp.lexicon_term", "null"),
        C("note", "sp.note", "free"),
        C("created_at", "sp.created_at", "text"),
        # issue 15: the status of the span's sentence for its annotator (done, skipped,
        # open), from the state row the export query joins as `sps`.
        C(
            "status",
            f"COALESCE(sps.status, CASE WHEN sp.annotator = '{GOLD}' THEN 'done' ELSE 'open' END)",
            "text",
            UNIT_STATUSES,
        ),
    ),
    "sentences": (
        C("document_id", "d.id", "text"),
        C("sentence_index", "s.idx", "int"),
        C("doc_start", "s.doc_start", "int"),
        C("doc_end", "s.doc_end", "int"),
        C("sentence_text", "s.text", "free"),
        C("annotator", "st.annotator", "text"),
        C("status", "st.status", "null"),
        C("judgment", "st.judgment", "null"),
        C("flagged", _flag("st.flagged"), "flag"),
        C("note", "st.note", "free"),
        C("suggestion_mode", "st.suggestion_mode", "null"),
        C("first_shown_at", "st.first_shown_at", "null"),
        C("finished_at", "st.finished_at", "null"),
        # issue 19: the workspace order the sentence was served in (document, random,
        # uncertain), so work done uncertainty-first can be told apart.
        C("served_order", "st.served_order", "null"),
    ),
    "documents": (
        C("document_id", "d.id", "text"),
        C("title", "d.title", "free"),
        C("source", "d.source", "null"),
        C("url", "d.url", "null"),
        C("date", "d.date", "null"),
        C("sentences", "d.sentence_count", "int"),
        C("metadata", "d.metadata", "text"),
    ),
}
# `export --gold` appends these to the spans and sentences CSV: who gave the gold item
# (names joined by "|") and how it got into gold ("auto" or "curated").
GOLD_COLUMNS: dict[str, tuple[Column, ...]] = {
    "spans": (C("agreed_by", "sp.agreed_by", "null"), C("resolution", "sp.resolution", "null")),
    "sentences": (C("agreed_by", "st.judgment_agreed_by", "null"), C("resolution", "st.judgment_resolution", "null")),
}
# One row per token of each annotated sentence and annotator, with the BIO tag of that
# annotator's spans (the same tags as the CoNLL export), and the sentence's status
# (done, skipped or open). Written from Python, not SQL.
TOKEN_COLUMNS: tuple[str, ...] = (
    "document_id",
    "sentence_index",
    "token_index",
    "start",
    "end",
    "doc_start",
    "doc_end",
    "text",
    "annotator",
    "tag",
    "status",
)
del C

# The free-text cells, in every CSV the tool writes (the tokens CSV's `text` too).
FREE_TEXT_COLUMNS = frozenset(c.name for columns in COLUMNS.values() for c in columns if c.kind == "free")
# The kinds whose cells get the spreadsheet-safety apostrophe, and the columns of those
# kinds by name, in every CSV the tool writes (the tokens CSV's document_id, text and
# annotator are among them; its tag always starts with B, I or O).
SAFE_KINDS = frozenset({"text", "null", "free"})
SHEET_SAFE_COLUMNS = frozenset(
    c.name for table in (COLUMNS, GOLD_COLUMNS) for columns in table.values() for c in columns if c.kind in SAFE_KINDS
)
# A cell holding one of these is quoted: what csv.writer (QUOTE_MINIMAL) quotes, and `;`.
QUOTED_CHARACTERS = frozenset(',";\r\n')


def columns(kind: str, provenance: bool = False) -> tuple[Column, ...]:
    """The columns of a CSV export, with the gold columns when `provenance`."""
    return COLUMNS[kind] + (GOLD_COLUMNS.get(kind, ()) if provenance else ())


def column_names(kind: str, provenance: bool = False) -> tuple[str, ...]:
    """The header of a CSV export."""
    return tuple(c.name for c in columns(kind, provenance))


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


def needs_quotes(value: str) -> bool:
    return not QUOTED_CHARACTERS.isdisjoint(value)


def csv_line(cells: Sequence[object], line_end: str = "\r\n") -> str:
    """One CSV line of `cells`, quoted by the rule above: as csv.writer writes them
    (QUOTE_MINIMAL, doubled quotes), and a cell holding `;` quoted too."""
    out = []
    for cell in cells:
        text = "" if cell is None else str(cell)
        out.append('"' + text.replace('"', '""') + '"' if needs_quotes(text) else text)
    if len(out) == 1 and out[0] == "":
        out[0] = '""'  # as csv.writer: a line with one empty cell is not a blank line
    return ",".join(out) + line_end


def _sql_char(ch: str) -> str:
    return f"'{ch}'" if ch.isprintable() and ch != QUOTE else f"char({ord(ch)})"


# Every character a value needing a look starts with sorts below this one.
_BELOW = "A"
assert max(_FIRST) < _BELOW


def sheet_safe_sql(expr: str) -> str:
    """SQL for `escape`: an apostrophe before a value that starts, after any
    apostrophes, with a trigger character."""
    # Cheapest look first: most values start with a letter, and one string comparison
    # (no function call, no IN lookup) lets them through. The CAST keeps it exact for
    # every type: a BLOB sorts above any text, but cast to text it compares by its
    # bytes, as unicode() reads it. Then unicode() spares most of the rest (digits)
    # ltrim(). Each test is only a precondition of the last one, which is the rule.
    first = ", ".join(str(ord(ch)) for ch in QUOTE + TRIGGER_CHARACTERS)
    triggers = ", ".join(_sql_char(ch) for ch in TRIGGER_CHARACTERS)
    quote = QUOTE * 2
    return (
        f"CASE WHEN CAST({expr} AS TEXT) < '{_BELOW}' AND unicode({expr}) IN ({first})"
        f" AND substr(ltrim({expr}, '{quote}'), 1, 1) IN ({triggers})"
        f" THEN '{quote}' || {expr} ELSE {expr} END"
    )
