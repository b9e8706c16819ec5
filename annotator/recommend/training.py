"""Train the recommender on the project's done sentences and store the model.

A new version keeps the labels the last evaluation switched off until the next
`recommend evaluate` says otherwise: retraining alone must not switch a label that
proved imprecise back on.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..interchange.bio import bio_tags
from ..lexicon.matcher import CompiledLexicon
from ..lexicon.suggest import Suggester
from ..model import RecommenderModel
from ..store import Store
from . import crf
from .data import Example, TrainingSet, collect
from .features import lexicon_spans, sentence_features


def project_lexicon(store: Store) -> CompiledLexicon:
    """The lexicon as the suggestions use it (entries of the tag set's labels)."""
    return Suggester.from_store(store).lexicon


def fit(examples: Sequence[Example], lexicon: CompiledLexicon | None) -> bytes:
    # A generator: each sentence's feature strings go to CRFsuite and are dropped.
    return crf.train(
        (
            sentence_features(e.text, e.tokens, lexicon_spans(lexicon, e.text, e.tokens)),
            bio_tags(e.tokens, e.spans).tags,
        )
        for e in examples
    )


def train_model(
    store: Store, annotators: Sequence[str] | None = None, gold: bool = False
) -> tuple[RecommenderModel, TrainingSet]:
    done_before = store.recommender.done_total()
    training = collect(store, annotators, gold)
    model = fit(training.examples, project_lexicon(store))
    previous = store.recommender.latest()
    saved = store.recommender.save(
        model,
        source=training.source,
        annotators=training.annotators,
        sentences=training.sentences,
        documents=len(training.documents),
        spans=training.span_count,
        labels=training.labels,
        noise=training.noise,
        done_at_training=done_before,
        disabled_labels=previous.disabled_labels if previous is not None else (),
    )
    return saved, training
