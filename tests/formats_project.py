"""A small project for the training-format tests (helpers, not tests): four documents
whose tokens include `0012`, `NA`, `null`, `#` and an emoji, and two annotators whose
spans overlap, with done, skipped and open sentences."""

from __future__ import annotations

from pathlib import Path

from annotator.corpus_import import Importer
from annotator.model import GOLD, SentenceState, SpanAnnotation
from annotator.store import Store

TEXTS = {
    "berita_a": "Harga 0012 naik tajam. Rezim itu menyebut NA dan null sebagai dalih.",
    "berita_b": "Tagar # 😀 rezim boneka menyebar. Warga diamankan aparat kemarin.",
    "berita_c": "Pejabat itu pengecut dan biadab. Semua orang tahu itu.",
    "berita_d": "Operasi militer khusus dimulai. Tidak ada yang terluka.",
}


def words(store: Store, document_id: str, index: int, first: int, last: int | None = None) -> tuple[int, int]:
    """Sentence offsets covering tokens first..last (inclusive)."""
    tokens = store.corpus.sentence_at(document_id, index).tokens
    return tokens[first][0], tokens[last if last is not None else first][1]


def build(path: Path, tagset, folder: Path) -> None:
    """Create the project database at `path` (its source files go to `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    with Store.open(path, create=True) as store:
        store.initialize("formats", tagset)
        assert not Importer(store).run(sorted(folder.glob("*.txt"))).failed
        annotate(store)


def annotate(store: Store) -> None:
    docs = [doc.id for doc in store.corpus.iter_documents()]
    first, second, third, fourth = docs
    spans = [
        # ana, done: "0012 naik" loaded_language with "naik" nested as euphemism (dropped by BIO).
        ("ana", first, 0, (1, 2), "loaded_language"),
        ("ana", first, 0, (2, 2), "euphemism"),
        # budi, done, same sentence: "naik tajam" name_calling (overlaps ana's).
        ("budi", first, 0, (2, 3), "name_calling"),
        # ana and budi, done: "NA dan null"; budi also "dalih".
        ("ana", first, 1, (3, 5), "epistemic_framing"),
        ("budi", first, 1, (3, 3), "epistemic_framing"),
        ("budi", first, 1, (7, 7), "epistemic_framing"),
        # ana, done: "# 😀 rezim" name_calling after the emoji, cut by her longer
        # "rezim boneka"; budi's overlaps both.
        ("ana", second, 0, (1, 3), "name_calling"),
        ("ana", second, 0, (3, 4), "loaded_language"),
        ("budi", second, 0, (3, 4), "name_calling"),
        # ana skipped this one (must not be training data by default).
        ("ana", second, 1, (1, 1), "euphemism"),
        # budi left this open (a span but never marked done).
        ("budi", third, 0, (2, 2), "loaded_language"),
        ("ana", third, 0, (2, 4), "loaded_language"),
        ("ana", fourth, 0, (0, 2), "euphemism"),
        ("budi", fourth, 0, (0, 2), "euphemism"),
    ]
    for annotator, document_id, index, (first_token, last_token), label in spans:
        sentence = store.corpus.sentence_at(document_id, index)
        start, end = words(store, document_id, index, first_token, last_token)
        store.annotations.add_span(SpanAnnotation(sentence.id, annotator, start, end, label))
    states = [
        ("ana", first, 0, "done", "biased"),
        ("budi", first, 0, "done", "biased"),
        ("ana", first, 1, "done", "biased"),
        ("budi", first, 1, "done", "neutral"),
        ("ana", second, 0, "done", "biased"),
        ("budi", second, 0, "done", "biased"),
        ("ana", second, 1, "skipped", None),
        ("budi", second, 1, "done", "neutral"),
        ("ana", third, 0, "done", "biased"),
        ("budi", third, 1, "skipped", None),
        ("ana", fourth, 0, "done", "biased"),
        ("budi", fourth, 0, "done", "biased"),
        ("ana", fourth, 1, "done", "neutral"),
    ]
    for annotator, document_id, index, status, judgment in states:
        sentence = store.corpus.sentence_at(document_id, index)
        store.annotations.put_judgment(SentenceState(sentence.id, annotator, status=status, judgment=judgment))
    # Gold of one sentence, settled.
    sentence = store.corpus.sentence_at(fourth, 0)
    start, end = words(store, fourth, 0, 0, 2)
    store.annotations.add_span(
        SpanAnnotation(sentence.id, GOLD, start, end, "euphemism", agreed_by=("ana", "budi"), resolution="auto")
    )
    store.annotations.put_judgment(
        SentenceState(
            sentence.id, GOLD, status="done", judgment="biased", judgment_agreed_by=("ana",), judgment_resolution="auto"
        )
    )
