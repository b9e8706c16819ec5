"""Proves that the real `import`, `suggest` and `merge` commands, SIGKILLed at random moments, leave an intact database where each unit (a file, a sentence's suggestions, a source) is whole or absent, and that the next run cleans up and finishes the job."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.lexicon.suggest import Suggester, load_default_lexicon
from annotator.model import LexiconEntry, SpanAnnotation
from annotator.store import Store
from tests.bench.corpus import write_jsonl
from tests.bench.ui_workload import build_project

pytestmark = pytest.mark.slow

KILLS = 3


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _wal_state(db: Path) -> tuple[int, int]:
    wal = Path(f"{db}-wal")
    try:
        stat = wal.stat()
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_size, stat.st_mtime_ns)


def _kill_while_writing(proc: subprocess.Popen, db: Path, rng: random.Random, window: float) -> bool:
    """SIGKILL the command at a random moment within `window` seconds of its first write
    (seen in the WAL file), unless it ends first; True if it was killed."""
    start = _wal_state(db)
    while _wal_state(db) == start and proc.poll() is None:
        time.sleep(0.002)
    try:
        proc.wait(timeout=rng.uniform(0.0, window))
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def _read(db: Path) -> sqlite3.Connection:
    # Read-only, as another process sees the file: no recovery runs here.
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)


def _intact(db: Path) -> None:
    conn = _read(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def _recovered(db: Path) -> None:
    """After the next open: no unit is left and nothing of one remains."""
    with Store.open(db) as store:
        conn = store.conn
        assert store.units.open_units() == []
        assert (
            conn.execute("SELECT COUNT(*) FROM document_rows").fetchone()
            == conn.execute("SELECT COUNT(*) FROM documents").fetchone()
        )
        assert (
            conn.execute("SELECT COUNT(*) FROM sentence_rows").fetchone()
            == conn.execute("SELECT COUNT(*) FROM sentences").fetchone()
        )
        counts = store.corpus.counts()
        assert store.corpus.sentence_total() == counts["sentences"]
        assert store.corpus.document_seq_range()[0] == counts["documents"]


def test_import_killed_at_random_moments_lands_each_file_whole_or_not_at_all(project_db, tmp_path):
    rng = random.Random(13)
    corpus = write_jsonl(tmp_path / "big.jsonl", 1.5, seed=5)
    added = sum(1 for _ in corpus.open(encoding="utf-8"))
    before = _read(project_db).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    killed = 0
    for _ in range(KILLS):
        killed += _kill_while_writing(_cli("import", "--db", str(project_db), str(corpus)), project_db, rng, 0.7)
        _intact(project_db)
        assert _read(project_db).execute("SELECT COUNT(*) FROM documents").fetchone()[0] in (before, before + added)
        _recovered(project_db)
    assert killed >= 1, "the import finished before most kills"
    proc = _cli("import", "--db", str(project_db), str(corpus))
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    with Store.open(project_db) as store:
        assert store.corpus.counts()["documents"] == before + added
        assert store.integrity_check() == "ok"


def _suggestion_sets(store: Store) -> dict[int, frozenset]:
    sets: dict[int, set] = {s.id: set() for s in store.corpus.iter_sentences()}
    for sentence_id, start, end, label, term in store.conn.execute(
        "SELECT sentence_id, char_start, char_end, label, term FROM suggestions"
    ):
        sets[sentence_id].add((start, end, label, term))
    return {k: frozenset(v) for k, v in sets.items()}


def _expected(store: Store) -> dict[int, frozenset]:
    suggester = Suggester.from_store(store)
    return {
        s.id: frozenset((g.start, g.end, g.label, g.term) for g in suggester.suggest(s))
        for s in store.corpus.iter_sentences()
    }


def test_suggest_killed_at_random_moments_leaves_each_sentence_with_its_old_or_new_suggestions(tmp_path):
    rng = random.Random(17)
    db = build_project(tmp_path / "s.db", 20_000, suggestions=False)
    with Store.open(db) as store:
        load_default_lexicon(store)
    killed = 0
    for number in range(KILLS):
        with Store.open(db) as store:
            # Each round the lexicon changes (a common word becomes a term, then stops
            # being one), so every run has work from its first batch on.
            extra = [e.id for e in store.lexicons.entries() if e.term == "yang"]
            if extra:
                store.lexicons.delete_entries(extra)
            else:
                store.lexicons.add_entry("extra", LexiconEntry(term="yang", label="loaded_language", match="exact"))
            old, new = _suggestion_sets(store), _expected(store)
        assert sum(old[k] != new[k] for k in old) > len(old) // 4 or number == 0
        killed += _kill_while_writing(_cli("suggest", "--db", str(db)), db, rng, 1.0)
        _intact(db)
        with Store.open(db, readonly=True) as store:
            now = _suggestion_sets(store)
        assert all(now[k] in (old[k], new[k]) for k in now), "a sentence holds a mix of old and new suggestions"
    assert killed >= 1, "suggest finished before most kills"
    proc = _cli("suggest", "--db", str(db))
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    with Store.open(db, readonly=True) as store:
        assert _suggestion_sets(store) == new


def test_merge_killed_at_random_moments_lands_each_source_whole_or_not_at_all(project_db, tmp_path):
    rng = random.Random(19)
    source = build_project(tmp_path / "laptop.db", 60_000, suggestions=False)
    with Store.open(source) as store:
        spans = [
            SpanAnnotation(s.id, "budi", s.tokens[0][0], s.tokens[0][1], "loaded_language")
            for s in store.corpus.iter_sentences()
            if s.tokens
        ]
        store.annotations.add_spans_if_new(spans)
    conn = _read(project_db)
    ours = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    theirs = ours + _read(source).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    killed = 0
    for _ in range(KILLS):
        killed += _kill_while_writing(_cli("merge", "--db", str(project_db), str(source)), project_db, rng, 0.3)
        _intact(project_db)
        conn = _read(project_db)
        documents = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        budi = conn.execute("SELECT COUNT(*) FROM spans WHERE annotator = 'budi'").fetchone()[0]
        conn.close()
        assert (documents, budi) in ((ours, 0), (theirs, len(spans))), "a source merged in part"
        _recovered(project_db)
    assert killed >= 1, "the merge finished before most kills"
    proc = _cli("merge", "--db", str(project_db), str(source))
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    with Store.open(project_db) as store:
        assert store.corpus.counts()["documents"] == theirs
        assert store.integrity_check() == "ok"
