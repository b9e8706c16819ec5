"""The interchange file formats: column names, their order, and which kinds each format holds.

These names and their order are a contract: tools outside this project read them.
Change them only with a new column at the end, never by renaming or reordering.
"""

from __future__ import annotations

SPAN_COLUMNS: tuple[str, ...] = (
    "document_id", "sentence_index", "start", "end", "doc_start", "doc_end", "text", "label",
    "annotator", "origin", "quoted", "lexicon_term", "note", "created_at",
)  # fmt: skip
SENTENCE_COLUMNS: tuple[str, ...] = (
    "document_id", "sentence_index", "doc_start", "doc_end", "sentence_text", "annotator", "status",
    "judgment", "flagged", "note", "suggestion_mode", "first_shown_at", "finished_at",
)  # fmt: skip
DOCUMENT_COLUMNS: tuple[str, ...] = ("document_id", "title", "source", "url", "date", "sentences", "metadata")
# One row per token of each annotated sentence and annotator, with the BIO tag of that
# annotator's spans (the same tags as the CoNLL export), and the sentence's status.
TOKEN_COLUMNS: tuple[str, ...] = (
    "document_id", "sentence_index", "token_index", "start", "end", "doc_start", "doc_end", "text",
    "annotator", "tag", "status",
)  # fmt: skip
# `export --gold` appends these to the spans and sentences CSV: who gave the gold item
# (names joined by "|") and how it got into gold ("auto" or "curated").
GOLD_COLUMNS: tuple[str, ...] = ("agreed_by", "resolution")

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

TRUE, FALSE = "true", "false"
