"""Store.reader(): a read-only Store on its own connection; and the write-lock notice."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from annotator.errors import ReadOnlyStore
from annotator.model import Event
from annotator.store import Store


def _event(store: Store, action: str) -> None:
    with store.transaction():
        store.annotations.append_event(Event("alice", action, {}))


def test_a_file_reader_sees_later_commits_and_cannot_write(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("reader", tagset)
        with store.reader() as reader:
            assert reader.readonly and reader.conn is not store.conn
            _event(store, "first")
            assert [e.action for e in reader.annotations.events()] == ["first"]
            with pytest.raises(ReadOnlyStore):
                _event(reader, "refused")


def test_a_memory_reader_reads_a_copy_taken_when_it_was_made(store):
    _event(store, "before")
    with store.reader() as reader:
        _event(store, "after")
        assert reader.readonly
        assert [e.action for e in reader.annotations.events()] == ["before"]
    # Closing the reader leaves the store itself open.
    assert [e.action for e in store.annotations.events()] == ["before", "after"]


def test_a_write_gives_notice_when_another_connection_holds_the_lock(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("locked", tagset)
        notices: list[str] = []
        store.lock_wait_notice = lambda: notices.append("waiting")
        _event(store, "free")
        assert notices == []
        holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        threading.Timer(0.3, holder.execute, ["ROLLBACK"]).start()
        _event(store, "waited")
        holder.close()
        assert notices == ["waiting"]
        assert [e.action for e in store.annotations.events()] == ["free", "waited"]
