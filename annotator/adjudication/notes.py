"""What the annotators said about a sentence, for the curator: each one's flag,
sentence note and span notes (their annotations stay in the aligned rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..store import Store


@dataclass(frozen=True)
class SpanNote:
    start: int
    end: int
    label: str
    note: str


@dataclass(frozen=True)
class AnnotatorNotes:
    annotator: str
    flagged: bool
    note: str | None
    span_notes: tuple[SpanNote, ...]

    @property
    def empty(self) -> bool:
        return not (self.flagged or self.note or self.span_notes)


def annotator_notes(store: Store, sentence_id: int, annotators: Sequence[str] | None = None) -> list[AnnotatorNotes]:
    """Every annotator's flag and notes on one sentence (of `annotators`, if given), by
    name, leaving out those who said nothing."""
    found = []
    for name, flagged, note, spans in store.team.sentence_notes(sentence_id):
        if annotators is not None and name not in annotators:
            continue
        entry = AnnotatorNotes(name, flagged, note, tuple(SpanNote(*span) for span in spans))
        if not entry.empty:
            found.append(entry)
    return found
