"""The interchange file formats: their column names and keys, and which kinds each format holds.

These names and their order are a contract: tools outside this project read them.
Change them only with a new column at the end, never by renaming or reordering.
"""

from __future__ import annotations

from ..store.csv_format import FALSE, TOKEN_COLUMNS, TRUE, column_names

__all__ = [
    "ALL_KINDS",
    "DOCUMENT_COLUMNS",
    "EXTENSIONS",
    "FALSE",
    "FORMATS",
    "GOLD_COLUMNS",
    "JSONL_KEYS",
    "KINDS",
    "SENTENCE_COLUMNS",
    "SPAN_COLUMNS",
    "STATUS_CHOICES",
    "SUPPORTED",
    "TOKEN_COLUMNS",
    "TRUE",
    "default_statuses",
]

# The CSV columns are defined once, with the SQL that exports them, in
# annotator.store.csv_format; these are their names.
SPAN_COLUMNS: tuple[str, ...] = column_names("spans")
SENTENCE_COLUMNS: tuple[str, ...] = column_names("sentences")
DOCUMENT_COLUMNS: tuple[str, ...] = column_names("documents")
# `export --gold` appends these to the spans and sentences CSV: who gave the gold item
# (names joined by "|") and how it got into gold ("auto" or "curated").
GOLD_COLUMNS: tuple[str, ...] = column_names("spans", provenance=True)[len(SPAN_COLUMNS) :]

# The keys of one JSONL object, in order (doccano's sequence-labelling import reads
# "text" and "label" and keeps the rest as metadata).
JSONL_KEYS: tuple[str, ...] = ("text", "label", "document_id", "sentence_index", "annotator", "judgment", "status")

KINDS: tuple[str, ...] = ("spans", "sentences", "tokens", "documents", "all")
FORMATS: tuple[str, ...] = ("csv", "jsonl", "conll", "hf", "label-studio")
# hf writes a folder, so it has no extension.
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "conll": "conll", "hf": "", "label-studio": "json"}

# Which kinds each format can hold. JSONL and CoNLL are per-sentence formats: one JSONL
# object carries a sentence's spans and judgment, so `spans` and `sentences` give the
# same file; CoNLL is token-level BIO, so `spans` and `tokens` give the same file.
# `all` writes the four CSV files into one folder.
SUPPORTED: dict[str, tuple[str, ...]] = {
    "csv": ("spans", "sentences", "tokens", "documents", "all"),
    "jsonl": ("spans", "sentences"),
    "conll": ("spans", "tokens"),
    # One line per sentence and annotator with its tokens, tags, spans and judgment.
    "hf": ("spans", "sentences", "tokens"),
    # One task per sentence with each annotator's spans.
    "label-studio": ("spans", "sentences"),
}

# What `--status` selects by default: training formats hold finished sentences only
# (a skipped sentence is not an all-O negative); the spans and sentences CSV are the
# project's full record.
STATUS_CHOICES: tuple[str, ...] = ("done", "skipped", "open", "any")


def default_statuses(kind: str, fmt: str) -> tuple[str, ...]:
    if fmt == "csv" and kind != "tokens":
        return ("any",)
    return ("done",)


# Kinds written by `--what all`, in this order.
ALL_KINDS: tuple[str, ...] = ("documents", "sentences", "spans", "tokens")
