"""A full disk during a workspace session: the key that cannot be saved says "not
saved", and once space is freed later edits are durable (seen from a new connection).

Runs on a small tmpfs, which needs root and a mount namespace that allows it; skipped
with the reason elsewhere."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from annotator.store import Store
from annotator.tui.app import SessionApp
from annotator.workspace.launch import open_workspace
from tests.workspace_corpus import build_corpus

SIZE = (80, 24)


@pytest.fixture
def small_disk(tmp_path: Path):
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a tmpfs mount needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Take every free byte of the file system."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        block = b"\0" * 65536
        try:
            while True:
                handle.write(block)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        for size in (4096, 512, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
                    handle.flush()
            except OSError:
                pass
    return filler


async def _until_saved(pilot, app, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while app.screen.pending_actions and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def test_a_full_disk_says_not_saved_and_later_edits_are_durable(small_disk, tagset):
    db_path = small_disk / "project.db"
    with Store.open(db_path, create=True) as store:
        store.initialize("full", tagset)
        build_corpus(store)
    notes: list[str] = []
    with open_workspace(db_path, "alice") as workspace:
        session = workspace.session
        app = SessionApp(session, cursor_blink=False)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            original = app.notify
            app.screen.notify = lambda message, **kw: (notes.append(message), original(message, **kw))
            filler = _fill(small_disk)
            # Keys until one cannot be written (the WAL may still hold room for a few).
            for key in ["f", "f"] * 40:
                await pilot.press(key)
                await _until_saved(pilot, app)
                if any(note.startswith("not saved") for note in notes):
                    break
            assert any(note.startswith("not saved") for note in notes), notes
            filler.unlink()
            sentence_id = session.sentence_id
            await pilot.press("1")
            await _until_saved(pilot, app)
            await pilot.press("enter")
            await _until_saved(pilot, app)
    with Store.open(db_path, readonly=True) as fresh:
        assert len(fresh.annotations.spans_for_sentence(sentence_id, "alice")) == 1
        assert fresh.annotations.get_judgment(sentence_id, "alice").status == "done"
        assert fresh.integrity_check() == "ok"


async def test_closing_on_a_full_disk_warns_closes_the_store_and_gives_the_lock_back(small_disk, tagset):
    db_path = small_disk / "project.db"
    with Store.open(db_path, create=True) as store:
        store.initialize("full", tagset)
        build_corpus(store)
    workspace = open_workspace(db_path, "alice")
    app = SessionApp(workspace.session, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down")  # a visit to time, waiting to be written at close
        await _until_saved(pilot, app)
        filler = _fill(small_disk)
    try:
        workspace.close()  # the visit cannot be written: no exception, a warning
    finally:
        filler.unlink()
    assert workspace.closing_warnings and "not saved" in workspace.closing_warnings[0]
    with pytest.raises(sqlite3.ProgrammingError):  # the store is closed
        workspace.store.conn.execute("SELECT 1")
    # The lock is free: alice opens the project again, writable.
    with open_workspace(db_path, "alice") as again:
        assert not again.store.readonly
