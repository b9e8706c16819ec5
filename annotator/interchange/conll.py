"""The CoNLL-2003 layout: `TOKEN -X- _ TAG` per token, a blank line after each sentence,
`-DOCSTART- -X- -X- O` before each document, and no comment lines.

No comments, because the readers of this layout (doccano, `spacy convert`, the Hugging
Face conll2003 builder, seqeval) do not skip them: a comment line becomes a token, or
a rejected file. What a comment would carry (document, sentence, annotator, status)
goes to the sidecar `<name>.sentences.csv` instead, one row per sentence in file
order. A token that reads like a comment (`#`) or a docstart is written as the token
it is. One file holds one annotator (or gold).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from ..overlaps import LabelOrder
from ..store.csv_format import csv_line, escape
from .bio import bio_tags
from .stats import ExportStats
from .units import Unit

DOCSTART = "-DOCSTART- -X- -X- O"
# The sidecar's columns, a contract like formats.py's.
SIDECAR_COLUMNS: tuple[str, ...] = ("document_id", "sentence_index", "annotator", "status", "text")


def check_block(block: str, tokens: int, text: str, offsets: Sequence[tuple[int, int]]) -> None:
    """Refuse a sentence with an empty token or one holding whitespace: its line would
    shift the columns. (The segmenter never makes one.) One split() of the block, in C:
    each line holds exactly four fields."""
    if len(block.split()) != 4 * tokens:
        bad = next(text[a:b] for a, b in offsets if a == b or len(text[a:b].split()) != 1)
        raise ValueError(f"a CoNLL token cannot be empty or hold whitespace: {bad!r}")


class ConllWriter:
    """Writes units of one annotator, a sentence at a time, and their sidecar rows."""

    def __init__(
        self, handle: TextIO, sidecar: TextIO, stats: ExportStats, order: Sequence[str] = (), *, raw: bool = False
    ):
        self.handle = handle
        # The sidecar is CSV as every CSV export writes it (csv_format.csv_line: CRLF,
        # the quoting rule), and its text cell made spreadsheet-safe unless `raw`.
        self.sidecar = sidecar
        self.raw = raw
        self.stats = stats
        self.order = LabelOrder(order)
        self.document: str | None = None
        sidecar.write(csv_line(SIDECAR_COLUMNS))

    def write(self, unit: Unit) -> None:
        s = unit.sentence
        tagged = bio_tags(s.tokens, unit.spans, self.order)
        self.stats.add_tagged(tagged.kept, tagged.dropped, tagged.cut)
        text = s.text
        block = "\n".join([f"{text[start:end]} -X- _ {tag}" for (start, end), tag in zip(s.tokens, tagged.tags)])
        check_block(block, len(s.tokens), text, s.tokens)
        if s.document_id != self.document:
            self.handle.write(f"{DOCSTART}\n\n")
            self.document = s.document_id
        self.handle.write(block)
        self.handle.write("\n\n")
        text_cell = s.text if self.raw else escape(s.text)
        self.sidecar.write(csv_line((s.document_id, s.index, unit.annotator, unit.status, text_cell)))
        self.stats.rows += 1
