"""Label Studio: one JSON array of tasks, one task per sentence, one annotation per
annotator, and the labelling config beside it (`<name>.label-config.xml`).

A task is
`{"data": {"text", "meta": {"document_id", "sentence_index", "status"}}, "annotations":
[{"completed_by", "result": [{"id", "type": "labels", "from_name": "label", "to_name":
"text", "value": {"start", "end", "text", "labels": [label]}}]}]}`.
The task's `status` is each annotator's, so `meta` holds `statuses` by annotator too.
Label Studio counts offsets in JavaScript's UTF-16 code units; `--offsets utf16` writes
them that way (`value.text` is always the spanned text itself).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from ..model import Tagset
from .offsets import convert
from .stats import ExportStats
from .units import Unit


def label_config(tagset: Tagset) -> str:
    """The labelling config: the sentence, and one Label per tag-set label."""
    # Imported here: xml.sax.saxutils brings urllib, http, email and ssl, which every
    # interchange command (import-annotations too) would otherwise load at start-up.
    from xml.sax.saxutils import quoteattr

    labels = "\n".join(
        f"    <Label value={quoteattr(label.name)} background={quoteattr(label.color)}/>" for label in tagset.labels
    )
    return (
        "<View>\n"
        '  <Labels name="label" toName="text">\n'
        f"{labels}\n"
        "  </Labels>\n"
        '  <Text name="text" value="$text"/>\n'
        "</View>\n"
    )


class LabelStudioWriter:
    """Writes the array a task at a time: units come grouped by sentence."""

    def __init__(self, handle: TextIO, stats: ExportStats, offsets: str = "codepoints"):
        self.handle = handle
        self.stats = stats
        self.offsets = offsets
        self.pending: list[Unit] = []
        handle.write("[")

    def write(self, unit: Unit) -> None:
        if self.pending and self.pending[0].sentence.id != unit.sentence.id:
            self._task(self.pending)
            self.pending = []
        self.pending.append(unit)

    def _value(self, text: str, start: int, end: int, label: str) -> dict:
        return {
            "start": convert(text, start, self.offsets),
            "end": convert(text, end, self.offsets),
            "text": text[start:end],
            "labels": [label],
        }

    def _task(self, units: Sequence[Unit]) -> None:
        s = units[0].sentence
        task = {
            "data": {
                "text": s.text,
                "meta": {
                    "document_id": s.document_id,
                    "sentence_index": s.index,
                    # One status when every annotator's agrees, else the first's; all of them below.
                    "status": units[0].status,
                    "statuses": {unit.annotator: unit.status for unit in units},
                },
            },
            "annotations": [
                {
                    "completed_by": unit.annotator,
                    "result": [
                        {
                            "id": f"{s.document_id}-{s.index}-{n}",
                            "type": "labels",
                            "from_name": "label",
                            "to_name": "text",
                            "value": self._value(s.text, start, end, label),
                        }
                        for n, (start, end, label) in enumerate(unit.spans)
                    ],
                }
                for unit in units
            ],
        }
        self.handle.write("\n" if self.stats.rows == 0 else ",\n")
        self.handle.write(json.dumps(task, ensure_ascii=False))
        self.stats.rows += 1

    def close(self) -> None:
        if self.pending:
            self._task(self.pending)
            self.pending = []
        self.handle.write("\n]\n" if self.stats.rows else "]\n")
