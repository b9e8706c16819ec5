"""Pilot tests: while another connection holds the project's write lock, the workspace
keeps answering, shows "saving…", and every key lands in order once the lock is free."""

from __future__ import annotations

import sqlite3
import time

import pytest
from textual import messages

import annotator.store as store_module
from annotator.store import Store
from annotator.tui.app import SessionApp
from annotator.workspace.launch import open_workspace
from tests.workspace_corpus import build_corpus

SIZE = (80, 24)
ANSWER_SECONDS = 0.2


def _project(db_path, tagset) -> None:
    with Store.open(db_path, create=True) as store:
        store.initialize("locked", tagset)
        build_corpus(store)


def _hold_write_lock(db_path) -> sqlite3.Connection:
    """Another writer (an import, say) in the middle of its transaction."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def _saving_line(app) -> str:
    indicator = app.screen.query_one("SavingIndicator")
    return str(indicator.render()) if indicator.has_class("-saving") else ""


async def _until_saved(pilot, app, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while app.screen.pending_actions and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def test_keys_answer_within_200ms_while_another_writer_holds_the_lock(db_path, tagset):
    _project(db_path, tagset)
    with open_workspace(db_path, "alice") as workspace:
        session = workspace.session
        app = SessionApp(session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            sentence_id, tokens = session.sentence_id, list(session.tokens)
            holder = _hold_write_lock(db_path)
            timings = {}
            try:
                # Label token 1, move, label token 2, flag, unflag, undo the unflag.
                for number, key in enumerate(["1", "right", "2", "f", "f", "u"]):
                    started = time.perf_counter()
                    await pilot.press(key)
                    timings[f"{number}:{key}"] = time.perf_counter() - started
                assert max(timings.values()) < ANSWER_SECONDS, timings
                assert "saving" in _saving_line(app)
                assert app.screen.pending_actions == 6
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            await _until_saved(pilot, app)
            assert app.screen.pending_actions == 0
            assert _saving_line(app) == ""
    labels = [label.name for label in tagset.labels]
    with Store.open(db_path, readonly=True) as reader:
        spans = sorted((s.start, s.end, s.label) for s in reader.annotations.spans_for_sentence(sentence_id, "alice"))
        assert spans == [(*tokens[0], labels[0]), (*tokens[1], labels[1])]
        assert reader.annotations.get_judgment(sentence_id, "alice").flagged
        actions = [e.action for e in reader.annotations.events("alice") if e.action != "sentence.shown"]
        assert actions == ["span.add", "span.add", "sentence.flag", "sentence.flag", "undo"]


async def test_a_write_that_cannot_land_says_not_saved_and_later_keys_still_land(db_path, tagset, monkeypatch):
    # A short busy timeout, so the test need not wait the real 15 s.
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 400)
    _project(db_path, tagset)
    with open_workspace(db_path, "alice") as workspace:
        session = workspace.session
        app = SessionApp(session, cursor_blink=False)
        notes: list[str] = []
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            sentence_id = session.sentence_id
            original = app.notify
            app.screen.notify = lambda message, **kw: (notes.append(message), original(message, **kw))
            holder = _hold_write_lock(db_path)
            try:
                await pilot.press("1")
                await _until_saved(pilot, app)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert any(note.startswith("not saved") for note in notes), notes
            await pilot.press("f")
            await _until_saved(pilot, app)
    with Store.open(db_path, readonly=True) as reader:
        assert reader.annotations.spans_for_sentence(sentence_id, "alice") == []
        assert reader.annotations.get_judgment(sentence_id, "alice").flagged


@pytest.mark.parametrize("quit_by", ["q", "server"])
async def test_a_quit_waits_for_the_keys_still_saving_then_quits(db_path, tagset, quit_by):
    """`q`, and what `annotator serve` sends when it ends a session (idle time,
    shutdown: the app's ExitApp message, not a key), both let the keys still waiting
    for the lock land first."""
    _project(db_path, tagset)
    with open_workspace(db_path, "alice") as workspace:
        session = workspace.session
        app = SessionApp(session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            sentence_id = session.sentence_id
            holder = _hold_write_lock(db_path)
            try:
                await pilot.press("1")
                if quit_by == "q":
                    await pilot.press("q")
                else:
                    app.post_message(messages.ExitApp())
                await pilot.pause(0.3)
                assert app.is_running and app.screen.pending_actions == 1  # still waiting for the key
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            deadline = time.monotonic() + 10
            while app.is_running and time.monotonic() < deadline:
                await pilot.pause(0.05)
            assert not app.is_running
    with Store.open(db_path, readonly=True) as reader:
        assert len(reader.annotations.spans_for_sentence(sentence_id, "alice")) == 1
