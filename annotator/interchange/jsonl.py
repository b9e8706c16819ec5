"""JSONL: one object per sentence and annotator, in doccano's sequence-labelling shape
(`text` and `label`; doccano keeps the other keys as metadata). Keys: formats.JSONL_KEYS."""

from __future__ import annotations

import json
from typing import TextIO

from .offsets import convert
from .stats import ExportStats
from .units import Unit


class JsonlWriter:
    def __init__(self, handle: TextIO, stats: ExportStats, offsets: str = "codepoints"):
        self.handle = handle
        self.stats = stats
        self.offsets = offsets

    def write(self, unit: Unit) -> None:
        s = unit.sentence
        obj = {
            "text": s.text,
            "label": [
                [convert(s.text, start, self.offsets), convert(s.text, end, self.offsets), label]
                for start, end, label in unit.spans
            ],
            "document_id": s.document_id,
            "sentence_index": s.index,
            "annotator": unit.annotator,
            "judgment": unit.judgment,
            "status": unit.status,
        }
        self.handle.write(json.dumps(obj, ensure_ascii=False))
        self.handle.write("\n")
        self.stats.rows += 1
