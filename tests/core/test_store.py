"""Unit tests of the Store on in-memory and file databases."""

import sqlite3

import pytest

from annotator.errors import AnnotatorError, ProjectMissing
from annotator.model import Event, SentenceState, SpanAnnotation
from annotator.store import Store


def test_open_missing_project_creates_no_file(db_path):
    with pytest.raises(ProjectMissing):
        Store.open(db_path)
    assert not db_path.exists()


def test_file_store_uses_wal_foreign_keys_and_busy_timeout(db_path):
    with Store.open(db_path, create=True) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_not_sqlite_file_is_refused(tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_text("hello, I am not a database")
    with pytest.raises(AnnotatorError, match="not an SQLite database"):
        Store.open(bogus)


def test_span_insert_is_idempotent_and_round_trips(sample_store):
    sentence = sample_store.corpus.sentences_of("001_0da7177c8754087f")[0]
    span = SpanAnnotation(sentence.id, "ana", 0, 7, "loaded_language", note='it\'s "odd"; DROP TABLE x;--')
    first = sample_store.annotations.add_span(span)
    again = sample_store.annotations.add_span(span)
    assert first.id == again.id
    assert sample_store.annotations.spans_for_sentence(sentence.id, "ana") == [first]
    assert first.note == span.note


def test_judgment_upsert_and_progress(sample_store):
    sentence = sample_store.corpus.sentences_of("001_0da7177c8754087f")[0]
    sample_store.annotations.put_judgment(SentenceState(sentence.id, "ana", status="done", judgment="biased"))
    sample_store.annotations.put_judgment(
        SentenceState(sentence.id, "ana", status="done", judgment="neutral", flagged=True)
    )
    got = sample_store.annotations.get_judgment(sentence.id, "ana")
    assert got.judgment == "neutral" and got.flagged
    [progress] = sample_store.annotations.progress()
    assert (progress.annotator, progress.done, progress.judged) == ("ana", 1, 1)


def test_events_are_appended_in_order(store):
    store.annotations.append_event(Event("ana", "add_span", {"span": 1}))
    store.annotations.append_event(Event("ana", "undo", {"of": 1}))
    assert [e.action for e in store.annotations.events("ana")] == ["add_span", "undo"]


def test_foreign_keys_are_enforced(store):
    with pytest.raises(sqlite3.IntegrityError):
        store.annotations.add_span(SpanAnnotation(999_999, "ana", 0, 1, "loaded_language"))
