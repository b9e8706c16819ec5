"""A synthetic project for the recommender: annotators consistently tag a term that no
lexicon holds ("gerombolan", as loaded_language), in documents of plain news words.

Deterministic (a seeded random.Random). Used by the learning tests and the benchmarks.
"""

from __future__ import annotations

import random

from annotator.model import SentenceState, SpanAnnotation
from annotator.store import Store
from tests.workspace_corpus import add_document

TERM = "gerombolan"
LABEL = "loaded_language"
SUBJECTS = ["Warga", "Polisi", "Pemerintah", "Petani", "Nelayan", "Pedagang", "Mahasiswa", "Pejabat"]
VERBS = ["melihat", "melaporkan", "menghadang", "mendatangi", "membahas", "mencatat", "menemui"]
OBJECTS = ["pasar", "jalan raya", "kantor desa", "pelabuhan", "gudang", "sekolah", "balai kota"]
TAILS = ["pada pagi hari", "kemarin sore", "di pinggir kota", "sejak pekan lalu", "bersama keluarga"]


def sentence(rng: random.Random, with_term: bool) -> str:
    subject, verb = rng.choice(SUBJECTS), rng.choice(VERBS)
    thing = f"{TERM} bersenjata" if with_term and rng.random() < 0.5 else TERM if with_term else rng.choice(OBJECTS)
    return f"{subject} {verb} {thing} di dekat {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


NOISE_LABEL = "epistemic_framing"


def build(
    store: Store,
    documents: int = 12,
    sentences: int = 10,
    done_documents: int = 8,
    annotators: tuple[str, ...] = ("ana", "budi"),
    seed: int = 7,
    noise: bool = False,
) -> list[str]:
    """Documents doc-00..; the first `done_documents` are done by every annotator, who
    tag every TERM as LABEL. With `noise`, each annotator also tags the first word of
    about half the sentences, at random, as NOISE_LABEL: a label nothing predicts.
    Returns the document ids."""
    rng = random.Random(seed)
    ids = []
    for d in range(documents):
        document_id = f"doc-{d:02d}"
        texts = [sentence(rng, with_term=rng.random() < 0.4) for _ in range(sentences)]
        rows = add_document(store, document_id, texts)
        ids.append(document_id)
        if d >= done_documents:
            continue
        for name in annotators:
            for row in store.corpus.sentences_of(document_id):
                assert row.id is not None
                at = row.text.find(TERM)
                if at >= 0:
                    store.annotations.add_span(SpanAnnotation(row.id, name, at, at + len(TERM), LABEL))
                if noise and rng.random() < 0.5:
                    first = row.tokens[0]
                    store.annotations.add_span(SpanAnnotation(row.id, name, first[0], first[1], NOISE_LABEL))
                store.annotations.put_judgment(SentenceState(row.id, name, "done"))
        del rows
    return ids
