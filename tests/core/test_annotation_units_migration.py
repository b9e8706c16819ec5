"""m013_annotation_units on a blank database and on a project written at m012: the
annotation tables become *_rows tables behind views, with every row, id, link and id
sequence kept."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from annotator import migrations
from annotator.model import SpanAnnotation
from annotator.store import Store
from annotator.store.units import ANNOTATION_ROW_TABLES

VIEWS = {
    "suggestion_rows": "suggestions",
    "decision_rows": "suggestion_decisions",
    "span_rows": "spans",
    "sentence_status_rows": "sentence_status",
    "event_rows": "events",
}


def test_a_blank_database_gets_the_rows_tables_their_views_and_take_over_triggers(db_path):
    with Store.open(db_path, create=True) as store:
        assert "m013_annotation_units" in store.schema_version()
        assert set(VIEWS) == set(ANNOTATION_ROW_TABLES)
        for table, view in VIEWS.items():
            assert "unit" in store.db[table].columns_dict
            assert "unit" not in store.db[view].columns_dict
            assert set(store.db[view].columns_dict) == set(store.db[table].columns_dict) - {"unit"}
        triggers = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        keyed = [t for t in VIEWS if t != "event_rows"]
        assert {f"{t}_take_over" for t in keyed} | {f"{t}_make_room" for t in keyed} <= triggers
        # The per-annotator counts still read one index only, the unit included.
        for count in (
            "SELECT COUNT(*) FROM sentence_status WHERE annotator = 'a' AND status = 'done'",
            "SELECT COUNT(*) FROM spans WHERE annotator = 'a'",
        ):
            plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {count}")]
            assert "COVERING INDEX" in plan[0], plan


def _m012_project(path) -> None:
    conn = sqlite3.connect(path)
    db = Database(conn)
    migrations.migrations.apply(db, stop_before="m013_annotation_units")
    run = db.execute
    run("INSERT INTO project (key, value) VALUES ('name', 'lama'), ('tagset_name', 'ts')")
    run("INSERT INTO labels VALUES ('loaded_language', '1', '#e5534b', 'd', 0)")
    run(
        "INSERT INTO document_rows (seq, id, text, content_hash, sentence_count, token_count, imported_at)"
        " VALUES (1, 'd1', 'Kata pengecut itu.', 'h', 1, 4, 't')"
    )
    run("INSERT INTO sentence_rows VALUES (1, 'd1', 0, 0, 18, 'Kata pengecut itu.', '[[0,4],[5,13]]', NULL)")
    run("INSERT INTO annotators (name, created_at) VALUES ('ana', 't')")
    run(
        "INSERT INTO suggestions (id, sentence_id, char_start, char_end, label, term) VALUES (7, 1, 5, 13, 'loaded_language', 'pengecut')"
    )
    run("INSERT INTO suggestion_decisions VALUES (7, 'ana', 'accepted', 't')")
    run(
        "INSERT INTO spans (id, sentence_id, annotator, char_start, char_end, label, origin, suggestion_id, created_at)"
        " VALUES (40, 1, 'ana', 5, 13, 'loaded_language', 'suggestion', 7, 't')"
    )
    # A span deleted at m012: its id must stay used.
    run(
        "INSERT INTO spans (id, sentence_id, annotator, char_start, char_end, label, origin, created_at)"
        " VALUES (41, 1, 'ana', 0, 4, 'loaded_language', 'manual', 't')"
    )
    run("DELETE FROM spans WHERE id = 41")
    run("INSERT INTO sentence_status (sentence_id, annotator, status, judgment) VALUES (1, 'ana', 'done', 'biased')")
    run("INSERT INTO events (id, at, annotator, action, sentence_id) VALUES (3, 't', 'ana', 'span.add', 1)")
    conn.commit()
    conn.close()


def test_a_project_written_at_m012_keeps_every_row_id_link_and_sequence(db_path):
    _m012_project(db_path)
    with Store.open(db_path) as store:
        assert store.upgraded_from == "m012_uncertainty_order"
        assert store.integrity_check() == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        [span] = store.annotations.spans_for_sentence(1, "ana")
        assert (span.id, span.suggestion_id) == (40, 7)
        [suggestion] = store.suggestions.for_sentence(1, "ana")
        assert (suggestion.id, suggestion.decision) == (7, "accepted")
        assert store.annotations.get_judgment(1, "ana").judgment == "biased"
        assert [(e.id, e.action) for e in store.annotations.events("ana")] == [(3, "span.add")]
        # The foreign keys now name the rows tables, and the id sequence came along.
        assert "suggestion_rows" in store._scalar("SELECT sql FROM sqlite_master WHERE name = 'span_rows'")
        new = store.annotations.add_span(SpanAnnotation(1, "ana", 14, 17, "loaded_language"))
        assert new.id == 42
        store.suggestions.sync([1], [])  # the suggestion goes; the decision with it, the link is cleared
        assert store.annotations.get_span(40).suggestion_id is None
        assert store.conn.execute("SELECT COUNT(*) FROM decision_rows").fetchone()[0] == 0
