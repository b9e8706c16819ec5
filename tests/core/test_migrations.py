"""Schema migrations: a blank database, an older schema, and a newer one (refused untouched)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from annotator import migrations
from annotator.errors import SchemaTooNew
from annotator.model import SentenceState
from annotator.store import Store
from tests.core.older_schema import write_m001_project

TABLES = {
    "project",
    "labels",
    "document_rows",
    "sentence_rows",
    "annotators",
    "lexicon_rows",
    "lexicon_entries",
    "suggestion_rows",
    "decision_rows",
    "span_rows",
    "sentence_status_rows",
    "event_rows",
    "write_units",
}
# What readers read: the rows without an unfinished write unit's (m010, m013).
VIEWS = {
    "documents",
    "sentences",
    "lexicons",
    "suggestions",
    "suggestion_decisions",
    "spans",
    "sentence_status",
    "events",
}


def test_migrations_are_small_numbered_functions_in_order():
    names = migrations.known_names()
    assert names[:3] == ["m001_initial", "m002_gold_provenance", "m003_documents_by_content_hash"]
    assert names == sorted(names)


def test_blank_database_gets_the_whole_schema(db_path):
    with Store.open(db_path, create=True) as store:
        assert store.schema_version() == migrations.known_names()
        assert TABLES <= set(store.db.table_names())
        assert VIEWS <= set(store.db.view_names())
        assert "agreed_by" in store.db["spans"].columns_dict
        assert store.integrity_check() == "ok"


def test_reopening_applies_nothing_new(db_path):
    Store.open(db_path, create=True).close()
    with Store.open(db_path) as store:
        applied = [m.applied_at for m in migrations.migrations.applied(store.db)]
    with Store.open(db_path) as store:
        assert [m.applied_at for m in migrations.migrations.applied(store.db)] == applied


def test_older_schema_is_migrated_with_its_data_intact(db_path):
    write_m001_project(db_path)

    with Store.open(db_path) as store:
        assert store.schema_version() == migrations.known_names()
        assert store.upgraded_from == "m001_initial"
        assert store.project_name() == "lama"
        [sentence] = store.corpus.sentences_of("d1")
        assert sentence.tokens == [(0, 4), (5, 13), (14, 17), (17, 18)]
        [span] = store.annotations.spans_for_sentence(sentence.id, "ana")
        assert (span.start, span.end, span.label, span.agreed_by, span.resolution) == (
            5,
            13,
            "loaded_language",
            (),
            None,
        )
        judgment = store.annotations.get_judgment(sentence.id, "ana")
        assert (judgment.status, judgment.judgment, judgment.judgment_agreed_by) == ("done", "biased", ())
        # The new columns are usable.
        store.annotations.put_judgment(
            SentenceState(sentence.id, "gold", "done", "biased", judgment_agreed_by=("ana",))
        )
        assert store.annotations.get_judgment(sentence.id, "gold").judgment_agreed_by == ("ana",)


def _future_database(path, *, wal: bool) -> bytes:
    if wal:
        Store.open(path, create=True).close()
        conn = sqlite3.connect(path)
    else:
        conn = sqlite3.connect(path)
        migrations.migrations.apply(Database(conn))
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ["framing-annotator", "m999_from_the_future", "2099-01-01"],
    )
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("wal", [True, False])
def test_newer_schema_is_refused_and_left_byte_identical(db_path, wal):
    before = _future_database(db_path, wal=wal)
    siblings = sorted(p.name for p in db_path.parent.iterdir())
    for create in (False, True):
        with pytest.raises(SchemaTooNew, match="newer framing-annotator .*m999_from_the_future"):
            Store.open(db_path, create=create)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings


def test_suggestion_reason_and_score_reach_an_older_database(db_path):
    from annotator.model import Suggestion

    write_m001_project(db_path)
    with Store.open(db_path) as store:
        assert {"reason", "score"} <= set(store.db["suggestions"].columns_dict)
        [sentence] = store.corpus.sentences_of("d1")
        store.suggestions.add(
            [Suggestion(sentence.id, 5, 13, "loaded_language", "x", detector="model", reason="model v1", score=0.75)]
        )
        [found] = [g for g in store.suggestions.for_sentence(sentence.id) if g.detector == "model"]
        assert (found.reason, found.score) == ("model v1", 0.75)
