"""Pilot: with `recommend-auto` on, the done key that makes a retraining due starts the
background process and answers at once, and keys pressed while that process retrains
answer within 200 ms and land. (The p95 figure is tests/bench/test_retrain_ui_bench.py.)"""

from __future__ import annotations

import time

from annotator import settings
from annotator.recommend import auto
from annotator.store import Store
from annotator.tui.app import SessionApp
from annotator.workspace.launch import open_workspace
from tests.recommend_corpus import build

SIZE = (80, 24)
ANSWER_SECONDS = 0.2
# Keys that write (a span, its undo, a flag) and keys that only move, on one sentence.
KEYS = ("right", "1", "shift+right", "u", "f", "left", "f")


def _project(db_path, tagset) -> None:
    # 380 done sentences: the retraining holds its lock for a few tenths of a second.
    with Store.open(db_path, create=True) as store:
        store.initialize("retraining", tagset)
        build(store, documents=40, sentences=10, done_documents=38)
        settings.set_value(store, "recommend-auto", "true")


async def test_keys_answer_within_200ms_while_a_retraining_runs(db_path, tagset, monkeypatch):
    monkeypatch.setattr(auto, "_marked", 0)  # the session's first done checks whether one is due
    _project(db_path, tagset)
    lock = auto.lock_path(db_path)
    timings: list[tuple[str, float, bool]] = []  # key, seconds, whether the retraining held its lock throughout
    with open_workspace(db_path, "cici", document="doc-38") as workspace:
        session = workspace.session
        app = SessionApp(session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            done_id = session.sentence_id
            started = time.perf_counter()
            await pilot.press("enter")  # done: 761 done states, well past 200, so it retrains
            timings.append(("enter", time.perf_counter() - started, False))
            deadline = time.monotonic() + 30
            while not lock.exists():
                assert time.monotonic() < deadline, "no retraining started"
                await pilot.pause(0.005)
            labelled_id = session.sentence_id
            number = 0
            while lock.exists():
                assert time.monotonic() < deadline, "the retraining did not end"
                key = KEYS[number % len(KEYS)]
                started = time.perf_counter()
                await pilot.press(key)
                timings.append((key, time.perf_counter() - started, lock.exists()))
                number += 1
            while app.screen.pending_actions and time.monotonic() < deadline:
                await pilot.pause(0.05)
    assert max(seconds for _, seconds, _ in timings) < ANSWER_SECONDS, timings
    assert any(held for _, _, held in timings), f"no key fell inside the retraining: {timings}"
    with Store.open(db_path, readonly=True) as reader:
        [model] = reader.recommender.versions()
        assert model.sentences >= 380
        assert reader.annotations.get_judgment(done_id, "cici").status == "done"
        # Every key landed, in order: each write was saved, each undo took one back.
        actions = [e.action for e in reader.annotations.events("cici") if e.sentence_id == labelled_id]
        expected = [
            {"1": "span.add", "u": "undo", "f": "sentence.flag"}[key]
            for key, _, _ in timings[1:]
            if key in {"1", "u", "f"}
        ]
        assert [a for a in actions if a != "sentence.shown"][: len(expected)] == expected
