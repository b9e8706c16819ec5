"""Where annotators disagree: sentences ranked by disagreement, with everyone's annotations.

Scores per sentence, by level:

- token: the number of tokens on which the annotators who did the sentence do not all
  give the same value (label or "O");
- span: the number of spans that not every other annotator who did the sentence marked
  exactly (same start, end and label);
- sentence: the share of pairs of judgments that differ.

Sentences with a score of 0 are left out. Ties keep corpus order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..store import Store
from .coefficients import MISSING
from .matrices import AgreementError, load_corpus, load_judgments, resolve_annotators
from .spans import span_keys

DRILL_LEVELS: tuple[str, ...] = ("token", "span", "sentence")


def _token_scores(corpus) -> tuple[np.ndarray, np.ndarray]:
    matrix = corpus.token_matrix().astype(np.int64)
    rated = matrix != MISSING
    high = np.where(rated, matrix, np.iinfo(np.int64).min).max(axis=0)
    low = np.where(rated, matrix, np.iinfo(np.int64).max).min(axis=0)
    differs = (rated.sum(axis=0) >= 2) & (high != low)
    per_sentence = np.bincount(corpus.token_sentence, weights=differs, minlength=corpus.n_sentences)
    return per_sentence, np.diff(corpus.token_ptr)


def _span_scores(corpus) -> tuple[np.ndarray, np.ndarray]:
    n = corpus.n_sentences
    key = span_keys(corpus.span_sentence, corpus.span_start, corpus.span_end, corpus.span_label)
    doers = corpus.done.sum(axis=0)
    # How many annotators marked each distinct span; a span is agreed when all who did its sentence did.
    _, inverse, marked = np.unique(key, return_inverse=True, return_counts=True)
    agreed = marked[inverse] == doers[corpus.span_sentence]
    unmatched = np.bincount(corpus.span_sentence[~agreed], minlength=n).astype(float)
    spans = np.bincount(corpus.span_sentence, minlength=n)
    return unmatched, spans


def rank_disagreements(
    store: Store, *, level: str = "token", annotators: Sequence[str] | None = None, limit: int | None = 20
) -> dict:
    """The sentences where the annotators disagree most, each with every annotator's work."""
    if level not in DRILL_LEVELS:
        raise AgreementError(f"unknown level {level!r}; choose one of {', '.join(DRILL_LEVELS)}")
    if limit is not None and limit < 1:
        raise AgreementError("--limit must be at least 1")
    names = resolve_annotators(store, annotators)
    tagset = store.tagset()
    if level == "sentence":
        data = load_judgments(store, names, tagset.judgment.values)
        matrix = data.matrix
        rated = matrix != MISSING
        m = rated.sum(axis=0)
        same = np.zeros(matrix.shape[1])
        for code in range(len(data.values)):
            c = (matrix == code).sum(axis=0)
            same += c * (c - 1)
        score = 1.0 - same / np.maximum(m * (m - 1), 1)
        size = m
        sentence_ids = data.sentence_ids
        measure = "share of differing judgment pairs"
    else:
        corpus = load_corpus(store, names, tagset.label_names)
        score, size = _token_scores(corpus) if level == "token" else _span_scores(corpus)
        sentence_ids = corpus.sentence_ids
        measure = "tokens with differing values" if level == "token" else "spans not marked by everyone"
    hits = np.flatnonzero(score > 0)
    order = hits[np.lexsort((hits, -score[hits]))]
    total = len(order)
    if limit is not None:
        order = order[:limit]
    sentences = [
        _sentence_entry(store, int(sentence_ids[i]), names, float(score[i]), int(size[i]), level) for i in order
    ]
    return {"level": level, "annotators": list(names), "measure": measure, "total": total, "sentences": sentences}


def _sentence_entry(store: Store, sentence_id: int, names: Sequence[str], score: float, size: int, level: str) -> dict:
    sentence = store.corpus.get_sentence(sentence_id)
    assert sentence is not None
    annotations: dict[str, dict] = {}
    for name in names:
        state = store.annotations.get_judgment(sentence_id, name)
        spans = store.annotations.spans_for_sentence(sentence_id, name)
        annotations[name] = {
            "done": bool(state and state.status == "done"),
            "judgment": state.judgment if state else None,
            "spans": [
                {"start": s.start, "end": s.end, "label": s.label, "text": sentence.text[s.start : s.end]}
                for s in spans
            ],
        }
    return {
        "sentence_id": sentence_id,
        "document_id": sentence.document_id,
        "index": sentence.index,
        "text": sentence.text,
        "disagreement": score if level == "sentence" else int(score),
        "units": size,
        "annotations": annotations,
    }
