"""Proves that the annotation UI opens, renders and takes keys on a document of 10,000-character tokens, a 5,000-token sentence, right-to-left text, markup and escapes, without crashing, leaking control characters or running anything."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from annotator.model import Document, Sentence
from annotator.segmentation import segment
from annotator.store import Store
from annotator.textnorm import content_hash
from annotator.tui.app import SessionApp
from annotator.workspace.launch import open_workspace

# Pilot's idle waits over ~60 key presses: a few seconds. Still in the default run; `-m 'not slow'` skips it.
pytestmark = pytest.mark.slow

LINES = [
    "Token panjang " + "a" * 10_000 + " selesai.",
    " ".join(["kata"] * 4_999) + ".",
    "هذا هجوم جبان على المدنيين، kata pejabat itu.",
    "זו מתקפה פחדנית נגד אזרחים, ujarnya.",
    "Ini [bold]tebal[/bold] dan [@click=app.quit]keluar[/] serta [link=https://evil.example]tautan[/link].",
    "Warna \x1b[31mmerah\x1b[0m, salin \x1b]52;c;ZXZpbA==\x07, bel \x07, nol \x00, C1 \x9b selesai.",
    "Arah \u202etebalik\u202c dan \u2066isolasi\u2069 teks.",
]
KEYS = ("right", "shift+right", "1", "t", "u", "ctrl+r", "2", "enter")


def _project(path: Path, tagset) -> Path:
    text = "\n".join(LINES)
    with Store.open(path, create=True) as store:
        store.initialize("hostile", tagset)
        sentences = [
            Sentence(None, "hostile", i, start, end, text[start:end], tokens)
            for i, (start, end, tokens) in enumerate(segment(text))
        ]
        store.corpus.insert_document(
            Document(id="hostile", text=text, title="[b]x[/b] \x1b]0;t\x07", content_hash=content_hash(text)), sentences
        )
    return path


def _screen_text(app) -> str:
    parts = []
    for strip in app.screen._compositor.render_strips():
        for segment_ in strip:
            assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in segment_.text), repr(segment_.text)
            if segment_.style is not None:
                assert not segment_.style.link
                assert "@click" not in str(segment_.style.meta or {})
            parts.append(segment_.text)
    return "".join(parts)


async def test_hostile_document_renders_and_takes_every_key(tmp_path, tagset):
    db = _project(tmp_path / "hostile.db", tagset)
    with Store.open(db, readonly=True) as store:
        counts = [len(s.tokens) for s in store.corpus.sentences_of("hostile")]
    assert max(counts) >= 5_000, "the long sentence stayed one sentence"
    slowest = 0.0
    with open_workspace(db, "ana") as workspace:
        app = SessionApp(workspace.session, cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in LINES:
                start = time.perf_counter()
                await pilot.press(*KEYS)
                await pilot.pause()
                slowest = max(slowest, time.perf_counter() - start)
                _screen_text(app)
                assert app.is_running, "a key or the text stopped the app"
        spans = workspace.store.annotations.iter_spans(["ana"])
        done = [j for j in workspace.store.annotations.iter_judgments(["ana"]) if j.status == "done"]
        assert len(list(spans)) >= len(LINES) and len(done) == len(LINES)
    assert slowest < 30, f"one sentence's keys took {slowest:.1f} s"
