"""Navigation order: which document comes at each position of an annotator's queue.

Document order follows import order. Random order is a seeded permutation per
annotator (`--order random --seed N`), so reviewers do not all meet the corpus in the
same order and order effects average out. The permutation is computed, not stored:
a small Feistel network over the document indexes maps a position to a document and
back in microseconds, so nothing ever lists a million documents.

Uncertainty order (`--order uncertain`, active learning as in INCEpTION and Prodigy)
serves first what the model is least sure of, by the scores the last `suggest
--source model` stored. Framing is read in context, so documents stay whole: they
come most uncertain first (a document's score is its most uncertain sentence's), and
inside a document the sentences not done come most uncertain first (resume, `n` and
enter), while the arrow keys still move in text order. Documents imported since the
scores come last, in import order.
"""

from __future__ import annotations

import copy
import hashlib

from ..errors import AnnotatorError
from ..model import ORDERS, OrderName
from ..store import Store

UNCERTAIN = "uncertain"


class Permutation:
    """A keyed bijection of range(size), with its inverse.

    A balanced Feistel network over the smallest even number of bits that covers
    `size`; values that fall outside the range are walked through the network again
    (cycle walking), which keeps it a bijection of exactly range(size).
    """

    ROUNDS = 4

    def __init__(self, size: int, key: str):
        self.size = size
        bits = max(2, (max(size, 1) - 1).bit_length())
        bits += bits % 2
        self._half = bits // 2
        self._mask = (1 << self._half) - 1
        self._key = hashlib.blake2b(key.encode("utf-8"), digest_size=32).digest()

    def _round(self, number: int, value: int) -> int:
        digest = hashlib.blake2b(
            value.to_bytes(8, "big"), key=self._key, person=number.to_bytes(16, "big"), digest_size=8
        ).digest()
        return int.from_bytes(digest, "big") & self._mask

    def _forward(self, value: int) -> int:
        left, right = value >> self._half, value & self._mask
        for number in range(self.ROUNDS):
            left, right = right, left ^ self._round(number, right)
        return (left << self._half) | right

    def _backward(self, value: int) -> int:
        left, right = value >> self._half, value & self._mask
        for number in reversed(range(self.ROUNDS)):
            left, right = right ^ self._round(number, left), left
        return (left << self._half) | right

    def __call__(self, index: int) -> int:
        self._check(index)
        value = self._forward(index)
        while value >= self.size:
            value = self._forward(value)
        return value

    def inverse(self, value: int) -> int:
        self._check(value)
        index = self._backward(value)
        while index >= self.size:
            index = self._backward(index)
        return index

    def _check(self, value: int) -> None:
        if not 0 <= value < self.size:
            raise IndexError(f"{value} is outside range({self.size})")


class DocumentOrder:
    """Positions 0..count-1 of a navigation order, mapped to document ids.

    The document count is taken when the order is made: documents imported while a
    session runs join its order when the session is next opened.
    """

    def __init__(self, store: Store, permutation_key: str | None = None, *, name: OrderName = "document"):
        self.store = store
        self.name = name
        self.count, first, last = store.corpus.document_seq_range()
        # Documents are never deleted, so seqs normally run without gaps: then a
        # position is one primary-key lookup.
        self._first_seq = first if self.count and last - first + 1 == self.count else None
        self._permutation = Permutation(self.count, permutation_key) if permutation_key is not None else None

    @classmethod
    def for_annotator(
        cls, store: Store, annotator: str, order: OrderName = "document", seed: int | None = None
    ) -> DocumentOrder | RankedOrder:
        if order == "document":
            return cls(store)
        if order == "random":
            # The annotator's name is part of the key: one seed gives each reviewer their own order.
            return cls(store, f"{seed or 0}\x1f{annotator}", name="random")
        if order == UNCERTAIN:
            return RankedOrder(store)
        raise ValueError(f"unknown order {order!r}; use one of {', '.join(ORDERS)}")

    def __len__(self) -> int:
        return self.count

    def document_at(self, position: int) -> str:
        if not 0 <= position < self.count:
            raise IndexError(position)
        index = self._permutation(position) if self._permutation is not None else position
        document_id = self.store.corpus.document_id_at(index, first_seq=self._first_seq)
        if document_id is None:  # pragma: no cover - the corpus shrank under us
            raise IndexError(position)
        return document_id

    def position_of(self, document_id: str) -> int | None:
        if self._first_seq is not None:
            seq = self.store.corpus.document_seq(document_id)
            index = None if seq is None else seq - self._first_seq
        else:
            found = self.store.corpus.document_position(document_id)
            index = None if found is None else found - 1
        if index is None or not 0 <= index < self.count:
            return None
        return self._permutation.inverse(index) if self._permutation is not None else index

    def reading(self, store: Store) -> DocumentOrder:
        """The same order read through another store (a reader, on another thread)."""
        other = copy.copy(self)
        other.store = store
        return other


class RankedOrder:
    """The uncertainty order of the whole corpus, with DocumentOrder's interface: the
    documents the last `suggest --source model` ranked, by their rank (one key lookup
    per position, nothing listed at startup), then those imported since, in import order.
    As with DocumentOrder, documents imported while a session runs join it when the
    session is next opened. A scoring run while a session is open re-ranks under it:
    the document on screen stays, and the next and previous documents follow the new
    ranking."""

    def __init__(self, store: Store):
        require_scores(store)
        self.store = store
        self.name: OrderName = UNCERTAIN
        self._ranked = store.uncertainty.ranked_count()
        visible = store.corpus.document_seq_range()[0]
        # Usually none: only documents imported since the scores.
        self._later = store.uncertainty.unranked_documents(visible) if visible != self._ranked else []
        self._later_positions = {d: self._ranked + i for i, d in enumerate(self._later)}

    def __len__(self) -> int:
        return self._ranked + len(self._later)

    def document_at(self, position: int) -> str:
        if not 0 <= position < len(self):
            raise IndexError(position)
        if position >= self._ranked:
            return self._later[position - self._ranked]
        document_id = self.store.uncertainty.document_at_rank(position)
        if document_id is None:  # pragma: no cover - the scores were replaced under us
            raise IndexError(position)
        return document_id

    def position_of(self, document_id: str) -> int | None:
        if document_id in self._later_positions:
            return self._later_positions[document_id]
        return self.store.uncertainty.rank_of(document_id)

    def reading(self, store: Store) -> RankedOrder:
        """The same order read through another store (a reader, on another thread)."""
        other = copy.copy(self)
        other.store = store
        return other


def require_scores(store: Store) -> None:
    """Refuse the uncertainty order before the model has scored the corpus."""
    if not store.uncertainty.has_scores():
        raise AnnotatorError(
            "no uncertainty scores yet: run 'annotator recommend train', then 'annotator suggest --source model'"
        )


def first_open_sentence(store: Store, order: str, document_id: str, annotator: str, after: int = -1) -> int | None:
    """The index of the document's next sentence not done by `annotator`: after sentence
    `after` (-1: from the start) in text order, or in the uncertainty order by its ranks."""
    if order != UNCERTAIN:
        return store.corpus.first_open_sentence(document_id, annotator, after)
    ranks = store.uncertainty.sentence_ranks(document_id, annotator)
    start = next((rank + 1 for rank, (index, _) in enumerate(ranks) if index == after), 0) if after >= 0 else 0
    return next((index for index, is_open in ranks[start:] if is_open), None)
