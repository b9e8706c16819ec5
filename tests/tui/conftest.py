"""Fixtures for the UI tests: the known corpus and an app factory with a still cursor."""

from __future__ import annotations

import pytest

from annotator.commands import hooks
from annotator.corpus_import import Importer, ImportOptions
from annotator.resources import sample_paths
from annotator.tui.app import SessionApp
from annotator.workspace import AnnotationSession
from tests.workspace_corpus import build_corpus

SIZE = (80, 24)


@pytest.fixture
def corpus(store):
    return build_corpus(store)


@pytest.fixture
def make_app(corpus):
    """`make_app(annotator=..., suggestions=..., document=...)` -> a SessionApp on the corpus."""

    def make(annotator: str = "alice", *, suggestions: str = "on", document: str | None = None) -> SessionApp:
        session = AnnotationSession(corpus, annotator, suggestions=suggestions)
        notice = session.open(document)
        return SessionApp(session, notices=(notice,) if notice else (), cursor_blink=False)

    return make


@pytest.fixture
def demo_store(store):
    """The demo project: the three samples with the default lexicon's suggestions."""
    hooks.prepare_demo(store)
    report = Importer(store, ImportOptions(), on_sentences=hooks.sentences_hook(store)).run(sample_paths())
    assert not report.failed
    return store
