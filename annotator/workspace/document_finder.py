"""Finding a document to jump to (`g`): the typed text against the document's number
in the annotator's navigation order, the start of its id and its title.

Every match is a lookup on an index or a bounded query through the store, and at most
`limit` come back, so the dialog answers as fast on 20,000 documents as on three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from ..store import Store

MatchKind = Literal["number", "id", "title", "near"]


class NavigationOrder(Protocol):
    """A DocumentOrder or a QueueOrder."""

    def __len__(self) -> int: ...

    def document_at(self, position: int) -> str: ...

    def position_of(self, document_id: str) -> int | None: ...


@dataclass(frozen=True)
class DocumentHit:
    position: int  # 0-based, in the navigation order
    document_id: str
    title: str
    match: MatchKind


def find_documents(
    store: Store, order: NavigationOrder, text: str, *, current: int = 0, limit: int = 20
) -> list[DocumentHit]:
    """Documents for the typed `text`: the one at that number, then ids starting with
    it, then titles containing it. With nothing typed, the documents from the current
    one on. Documents outside the order (another annotator's queue) never show."""
    text = text.strip()
    hits: dict[str, DocumentHit] = {}

    def add(document_id: str, title: str | None, match: MatchKind, position: int | None = None) -> None:
        if document_id in hits or len(hits) >= limit:
            return
        position = order.position_of(document_id) if position is None else position
        if position is not None:
            hits[document_id] = DocumentHit(position, document_id, title or "", match)

    if not text:
        for position in range(current, min(current + limit, len(order))):
            document_id = order.document_at(position)
            header = store.corpus.document_header(document_id)
            add(document_id, header.title if header else "", "near", position)
        return list(hits.values())
    number = text.lstrip("#")
    if number.isdigit() and 1 <= int(number) <= len(order):
        document_id = order.document_at(int(number) - 1)
        header = store.corpus.document_header(document_id)
        add(document_id, header.title if header else "", "number", int(number) - 1)
    for document in store.corpus.documents_with_prefix(text, limit):
        add(document.id, document.title, "id")
    if len(hits) < limit:
        for document in store.corpus.documents_titled(text, limit):
            add(document.id, document.title, "title")
    return list(hits.values())
