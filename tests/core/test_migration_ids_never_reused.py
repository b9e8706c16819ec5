"""m006: span and suggestion ids are never handed out twice, on a blank database and on
an older one rebuilt with its rows, links and decisions intact."""

from __future__ import annotations

import sqlite3

from annotator.model import SpanAnnotation, Suggestion
from annotator.store import Store
from tests.core.older_schema import write_m001_project


def _next_id_after_deleting_the_last(store: Store, sentence_id: int) -> tuple[int, int]:
    last = store.annotations.add_span(SpanAnnotation(sentence_id, "ana", 0, 4, "loaded_language"))
    store.annotations.delete_span(last.id)
    again = store.annotations.add_span(SpanAnnotation(sentence_id, "budi", 0, 4, "loaded_language"))
    return last.id, again.id


def test_blank_database_never_reuses_a_deleted_span_or_suggestion_id(db_path):
    with Store.open(db_path, create=True) as store:
        store.db.execute(
            "INSERT INTO document_rows (id, text, content_hash, sentence_count, token_count, imported_at)"
            " VALUES ('d', 'Kata kata.', 'h', 1, 2, 'now')"
        )
        store.db.execute(
            "INSERT INTO sentence_rows (id, document_id, idx, doc_start, doc_end, text, tokens)"
            " VALUES (1, 'd', 0, 0, 10, 'Kata kata.', '[[0,4],[5,9]]')"
        )
        store.conn.commit()
        deleted, taken = _next_id_after_deleting_the_last(store, 1)
        assert taken > deleted
        store.suggestions.sync([1], [Suggestion(1, 0, 4, "loaded_language", "kata")])
        [old] = store.suggestions.for_sentence(1)
        store.suggestions.sync([1], [Suggestion(1, 5, 9, "loaded_language", "kata")])
        [new] = store.suggestions.for_sentence(1)
        assert new.id > old.id


def test_older_database_is_rebuilt_with_ids_links_and_decisions_intact(db_path):
    write_m001_project(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO suggestions VALUES (7, 1, 5, 13, 'loaded_language', 'pengecut', 0, 'lexicon')")
    conn.execute("INSERT INTO suggestion_decisions VALUES (7, 'ana', 'accepted', 't')")
    conn.execute("UPDATE spans SET suggestion_id = 7, id = 40")
    conn.commit()
    conn.close()

    with Store.open(db_path) as store:
        [span] = store.annotations.spans_for_sentence(1, "ana")
        assert (span.id, span.suggestion_id) == (40, 7)
        [suggestion] = store.suggestions.for_sentence(1, "ana")
        assert (suggestion.id, suggestion.decision) == (7, "accepted")
        assert store.integrity_check() == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert {"spans_by_annotator"} <= {row[1] for row in store.conn.execute("PRAGMA index_list(span_rows)")}
        assert "AUTOINCREMENT" in store._scalar("SELECT sql FROM sqlite_master WHERE name = 'span_rows'")
        store.annotations.delete_span(40)
        deleted, taken = _next_id_after_deleting_the_last(store, 1)
        assert deleted == 41 and taken == 42
