"""Automatic retraining: a background process after enough newly done sentences."""

from __future__ import annotations

import time

from annotator import settings
from annotator.recommend import auto
from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset
from annotator.workspace import AnnotationSession
from tests.recommend_corpus import build


def _project(db_path, done_documents=8):
    store = Store.open(db_path, create=True)
    store.initialize("auto", load_tagset(default_tagset_path()))
    build(store, done_documents=done_documents)
    return store


def test_retraining_starts_in_the_background_after_enough_done_sentences(db_path, monkeypatch):
    monkeypatch.setattr(auto, "_marked", 0)
    with _project(db_path) as store:
        settings.set_value(store, "recommend-auto", "true")
        settings.set_value(store, "recommend-auto-every", "3")
        session = AnnotationSession(store, "cici")
        session.open("doc-10")
        started = time.monotonic()
        session.mark_done()
        took = time.monotonic() - started
        # The first done sentence checks, and 160 done states are well past 3.
        assert store.recommender.latest() is None or store.recommender.latest().version == 1
    assert took < 1.0  # it started a process and did not wait for it
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with Store.open(db_path, readonly=True) as store:
            latest = store.recommender.latest()
        if latest is not None and not auto.lock_path(db_path).exists():
            break
        time.sleep(0.2)
    assert latest is not None and latest.version == 1 and latest.sentences == 81


def test_no_retraining_when_the_setting_is_off_or_too_few_are_new(db_path, monkeypatch):
    monkeypatch.setattr(auto, "_marked", 0)
    with _project(db_path) as store:
        assert not auto.note_done(store)  # recommend-auto is off by default
        settings.set_value(store, "recommend-auto", "true")
        assert not auto.due(store)  # 160 done states, fewer than the default 200
        settings.set_value(store, "recommend-auto-every", "100")
        assert auto.due(store)
        assert auto.retrain(db_path)  # in this process, to check the bookkeeping
        assert not auto.due(store)  # nothing newly done since
        assert not auto.retrain(db_path)
        assert [v.version for v in store.recommender.versions()] == [1]


def test_one_retraining_at_a_time(db_path):
    with _project(db_path) as store:
        settings.set_value(store, "recommend-auto", "true")
        auto.lock_path(db_path).touch()
        assert not auto.retrain(db_path)
        assert store.recommender.latest() is None
