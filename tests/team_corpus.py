"""A small team project for the team tests: N documents of known sizes, a roster."""

from __future__ import annotations

from annotator.model import SentenceState, SpanAnnotation
from annotator.store import Store
from tests.workspace_corpus import add_document

WORDS = ("Pasukan pengecut itu menyerang kota.", "Warga mengungsi ke selatan.", "Rezim itu mengklaim kemenangan.")


def add_documents(store: Store, sizes: list[int], prefix: str = "doc") -> list[str]:
    ids = []
    for number, size in enumerate(sizes):
        document_id = f"{prefix}-{number:03d}"
        add_document(store, document_id, [f"{WORDS[i % 3][:-1]} {number} {i}." for i in range(size)])
        ids.append(document_id)
    return ids


def finish_document(
    store: Store,
    document_id: str,
    annotator: str,
    *,
    label_first: bool = False,
    judgment: str | None = None,
    flagged: bool = False,
    note: str | None = None,
) -> None:
    """Mark every sentence of a document done by `annotator`, optionally with a span on
    the first token of each sentence."""
    for sentence in store.corpus.sentences_of(document_id):
        if label_first:
            start, end = sentence.tokens[0]
            store.annotations.add_span(SpanAnnotation(sentence.id, annotator, start, end, "loaded_language"))
        store.annotations.put_judgment(
            SentenceState(
                sentence.id,
                annotator,
                "done",
                judgment,
                flagged=flagged,
                note=note,
                suggestion_mode="on",
                finished_at="2026-01-01T00:00:00.000Z",
            )
        )
