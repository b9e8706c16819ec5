"""A small, exactly known corpus for the workspace tests (core and UI).

Two documents, five sentences, and lexicon-style suggestions on "pengecut", "dalih"
and "Rezim". Sentences are inserted through the Store with tokens from the real
tokenizer, so offsets are what an import would give.
"""

from __future__ import annotations

from annotator.model import Document, Sentence, Suggestion
from annotator.segmentation import tokenize
from annotator.store import Store
from annotator.textnorm import content_hash

DOCUMENTS: dict[str, list[str]] = {
    "berita-1": [
        "Pasukan pengecut itu menyerang kota.",
        "Pemerintah menyebut operasi itu sebagai dalih keamanan.",
        "Warga mengungsi ke selatan.",
    ],
    "berita-2": [
        "Rezim itu mengklaim kemenangan.",
        "Media asing melaporkan korban sipil.",
    ],
}

# (document, sentence index, word, label)
SUGGESTED = [
    ("berita-1", 0, "pengecut", "loaded_language"),
    ("berita-1", 1, "dalih", "epistemic_framing"),
    ("berita-2", 0, "Rezim", "name_calling"),
]


def add_document(store: Store, document_id: str, sentences: list[str], title: str | None = None) -> list[Sentence]:
    rows, offset = [], 0
    for index, text in enumerate(sentences):
        rows.append(Sentence(None, document_id, index, offset, offset + len(text), text, tokenize(text)))
        offset += len(text) + 1
    body = " ".join(sentences)
    store.corpus.insert_document(
        Document(
            id=document_id,
            text=body,
            title=title or sentences[0][:60],
            source="Kantor Berita Contoh",
            content_hash=content_hash(body),
        ),
        rows,
    )
    return rows


def build_corpus(store: Store, *, suggestions: bool = True) -> Store:
    for document_id, sentences in DOCUMENTS.items():
        add_document(store, document_id, sentences)
    if suggestions:
        found = []
        for document_id, index, word, label in SUGGESTED:
            sentence = store.corpus.sentence_at(document_id, index)
            assert sentence is not None and sentence.id is not None
            start = sentence.text.index(word)
            found.append(Suggestion(sentence.id, start, start + len(word), label, word.lower()))
        store.suggestions.add(found)
    return store


def sentence_id(store: Store, document_id: str, index: int) -> int:
    sentence = store.corpus.sentence_at(document_id, index)
    assert sentence is not None and sentence.id is not None
    return sentence.id


def token_index(store: Store, document_id: str, index: int, word: str) -> int:
    """The token number of `word` in a sentence (its first token)."""
    sentence = store.corpus.sentence_at(document_id, index)
    assert sentence is not None
    start = sentence.text.index(word)
    return next(i for i, (a, b) in enumerate(sentence.tokens) if a <= start < b)
