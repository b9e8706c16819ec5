"""A small corpus with known uncertainty scores, for the uncertainty-order tests
(core and UI): the scores are written as `suggest --source model` writes them."""

from __future__ import annotations

from annotator.store import Store
from tests.workspace_corpus import add_document

# (document, sentence index) -> uncertainty; d-1's most uncertain sentence (0.9)
# beats d-2's (0.8), d-0 is sure of everything, d-3 ties d-1 later in import order.
SCORES = {
    ("d-0", 0): 0.1,
    ("d-0", 1): 0.2,
    ("d-1", 0): 0.3,
    ("d-1", 1): 0.9,
    ("d-1", 2): 0.5,
    ("d-2", 0): 0.8,
    ("d-2", 1): 0.05,
    ("d-3", 0): 0.9,
}


def scored_corpus(store: Store, version: int = 1) -> Store:
    sizes = {"d-0": 2, "d-1": 3, "d-2": 2, "d-3": 1}
    for document_id, size in sizes.items():
        add_document(store, document_id, [f"Kalimat {document_id} nomor {i}." for i in range(size)])
    write_scores(store, SCORES, version)
    return store


def write_scores(store: Store, scores: dict[tuple[str, int], float], version: int = 1) -> None:
    with store.transaction():
        store.uncertainty.clear()
        store.uncertainty.add(
            version, [(store.corpus.sentence_at(d, i).id, d, score) for (d, i), score in scores.items()]
        )
        store.uncertainty.rank_documents(version)
