"""A COMMIT that fails is rolled back, so the connection never stays inside a dead
transaction that would swallow every later write."""

import sqlite3

import pytest

from annotator.model import SpanAnnotation
from annotator.store import Store


def test_a_failed_commit_is_rolled_back_and_a_later_write_is_durable(db_path):
    with Store.open(db_path, create=True) as store:
        # A deferred foreign key is checked only at COMMIT, and SQLite leaves the
        # transaction open when that check fails.
        with pytest.raises(sqlite3.IntegrityError):
            with store.transaction():
                store.conn.execute("PRAGMA defer_foreign_keys = ON")
                store.annotations.add_span(SpanAnnotation(999_999, "ana", 0, 1, "loaded_language"))
        assert not store.conn.in_transaction
        with store.transaction():
            store.set_meta("written_after_the_failure", "yes")
    with Store.open(db_path) as fresh:
        assert fresh.get_meta("written_after_the_failure") == "yes"
        assert fresh.annotations.get_span(1) is None
