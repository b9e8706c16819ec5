"""An annotator's queue: her assigned documents, in her order, and her progress in it.

Calibration documents come first, in the order the lead's run picked them. The rest
follow by their assigned position (document order), by a seeded shuffle of her own
(random order), or most uncertain first (uncertain order: by the model's document
scores, unscored ones last), as the unassigned workspace orders the whole corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueEntry:
    document_id: str
    position: float
    calibration: bool
    sentences: int


@dataclass(frozen=True)
class QueueProgress:
    documents: int
    documents_done: int
    sentences: int
    sentences_done: int

    @property
    def finished(self) -> bool:
        return self.sentences_done >= self.sentences

    def line(self) -> str:
        return (
            f"queue {self.documents_done}/{self.documents} documents, {self.sentences_done}/{self.sentences} sentences"
        )


def queue_order(
    entries: Sequence[QueueEntry],
    annotator: str,
    order: str = "document",
    seed: int | None = 0,
    scores: Mapping[str, float | None] | None = None,
) -> list[str]:
    """Document ids in the order she meets them; `scores` are the documents' uncertainty
    (store.uncertainty.document_scores), which the uncertain order needs."""

    def uncertain_key(entry: QueueEntry) -> tuple:
        score = (scores or {}).get(entry.document_id)
        return (score is None, -(score or 0.0), entry.position, entry.document_id)

    def shuffle_key(entry: QueueEntry) -> bytes:
        return hashlib.blake2b(f"{seed or 0}\x1f{annotator}\x1f{entry.document_id}".encode(), digest_size=8).digest()

    calibration = sorted((e for e in entries if e.calibration), key=lambda e: (e.position, e.document_id))
    rest = [e for e in entries if not e.calibration]
    if order == "random":
        rest.sort(key=shuffle_key)
    elif order == "uncertain":
        rest.sort(key=uncertain_key)
    else:
        rest.sort(key=lambda e: (e.position, e.document_id))
    return [e.document_id for e in (*calibration, *rest)]


def queue_progress(entries: Sequence[QueueEntry], done_by_document: dict[str, int]) -> QueueProgress:
    """Progress from her done sentences per document (only her queue's documents count)."""
    sentences = sum(e.sentences for e in entries)
    done = sum(min(done_by_document.get(e.document_id, 0), e.sentences) for e in entries)
    finished = sum(done_by_document.get(e.document_id, 0) >= e.sentences for e in entries)
    return QueueProgress(len(entries), finished, sentences, done)


class QueueOrder:
    """An annotator's queue as a navigation order: the same interface as the
    workspace's DocumentOrder (length, document at a position, position of a
    document), over her documents only. A document outside it has no position, so
    navigation, resume and `--document` stay inside the queue."""

    is_queue = True

    def __init__(self, document_ids: Sequence[str], name: str = "document"):
        self.name = name
        self._ids = list(document_ids)
        self._positions = {d: i for i, d in enumerate(self._ids)}

    def __len__(self) -> int:
        return len(self._ids)

    def document_at(self, position: int) -> str:
        if not 0 <= position < len(self._ids):
            raise IndexError(position)
        return self._ids[position]

    def position_of(self, document_id: str) -> int | None:
        return self._positions.get(document_id)

    def reading(self, store: object) -> QueueOrder:
        """The same order for another store's reader: it holds no connection."""
        return self
