"""The reliability suites at full size: 8 writers x 5,000 Store writes, 8 concurrent `import-annotations` of 500 rows, and 20 SIGKILLs."""

from __future__ import annotations

import csv
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from annotator.corpus_import import Importer, ImportOptions
from annotator.resources import default_tagset_path, sample_paths
from annotator.store import Store
from annotator.tagset import load_tagset

from .measure import cli_command, fmt_seconds

WRITER = Path(__file__).parents[1] / "reliability" / "writer.py"
SPAN_HEADER = [
    "document_id",
    "sentence_index",
    "start",
    "end",
    "doc_start",
    "doc_end",
    "text",
    "label",
    "annotator",
    "origin",
    "quoted",
    "lexicon_term",
    "note",
    "created_at",
]


def _project(path: Path) -> Path:
    with Store.open(path, create=True) as store:
        store.initialize("scale", load_tagset(default_tagset_path()))
        assert not Importer(store, ImportOptions(parallel=False)).run(sample_paths()).failed
    return path


def _start_all(commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    results = []
    for proc, command in zip(procs, commands):
        out, err = proc.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(command, proc.returncode, out, err))
    return results


def test_eight_writers_of_5000_store_writes_each(bench, tmp_path):
    db = _project(tmp_path / "p.db")
    start = time.perf_counter()
    results = _start_all([[sys.executable, str(WRITER), str(db), f"w{n}", "5000"] for n in range(8)])
    seconds = time.perf_counter() - start
    locked = sum("locked" in r.stderr.lower() for r in results)
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT COUNT(*), COUNT(DISTINCT annotator || ':' || note) FROM spans").fetchone()
    ok = all(r.returncode == 0 for r in results) and locked == 0 and rows == (40_000, 40_000)
    ok = ok and conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    bench.record(
        "8 processes x 5,000 Store writes at once",
        ours=f"{rows[0]:,} rows in {fmt_seconds(seconds)}",
        target="all 40,000, no lock error, no duplicate",
        passed=ok,
        runs=1,
        details={"rows": rows[0], "distinct": rows[1], "locked_errors": locked, "writes_per_second": rows[0] / seconds},
    )
    assert ok, [r.stderr for r in results if r.returncode]


def test_eight_concurrent_import_annotations_of_500_rows(bench, tmp_path):
    db = _project(tmp_path / "p.db")
    with Store.open(db, readonly=True) as store:
        places = [(s, t) for s in store.corpus.iter_sentences() for t in s.tokens][:500]
    files = []
    for n in range(8):
        path = tmp_path / f"spans{n}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(SPAN_HEADER)
            for sentence, (start, end) in places:
                writer.writerow(
                    [
                        sentence.document_id,
                        sentence.index,
                        start,
                        end,
                        sentence.doc_start + start,
                        sentence.doc_start + end,
                        sentence.text[start:end],
                        "loaded_language",
                        f"team{n}",
                        "manual",
                        "false",
                        "",
                        "",
                        "2026-01-01T00:00:00.000Z",
                    ]
                )
        files.append(path)
    start = time.perf_counter()
    results = _start_all([cli_command("import-annotations", "--db", str(db), str(f)) for f in files])
    seconds = time.perf_counter() - start
    locked = sum("locked" in r.stderr.lower() for r in results)
    conn = sqlite3.connect(db)
    per = dict(conn.execute("SELECT annotator, COUNT(*) FROM spans GROUP BY annotator"))
    ok = all(r.returncode == 0 for r in results) and locked == 0 and per == {f"team{n}": 500 for n in range(8)}
    bench.record(
        "8 concurrent import-annotations x 500 rows",
        ours=f"{sum(per.values()):,} rows in {fmt_seconds(seconds)}",
        target="all 4,000, no lock error, no duplicate",
        passed=ok,
        runs=1,
        details={"per_annotator": per, "locked_errors": locked},
    )
    assert ok, [r.stderr for r in results if r.returncode]


def test_twenty_sigkills_lose_no_reported_write(bench, tmp_path):
    db = _project(tmp_path / "p.db")
    rng = random.Random(7)
    reported: set[int] = set()
    for number in range(20):
        proc = subprocess.Popen(
            [
                sys.executable,
                str(WRITER),
                str(db),
                "crash",
                "1000000",
                "--first",
                str(number * 1_000_000),
                "--batch-every",
                "5",
                "--batch-size",
                "200",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        timer = None
        for line in proc.stdout:
            _, low, high = line.split()
            reported.update(range(int(low), int(high) + 1))
            if timer is None:
                timer = threading.Timer(rng.uniform(0, 1.5), proc.send_signal, [signal.SIGKILL])
                timer.start()
        proc.wait()
        if timer:
            timer.cancel()
    conn = sqlite3.connect(db)
    present = {int(n[0][1:]) for n in conn.execute("SELECT note FROM spans WHERE annotator = 'crash'")}
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    lost = len(reported - present)
    ok = integrity == "ok" and lost == 0
    bench.record(
        "20 SIGKILLs during writes",
        ours=f"{len(reported):,} reported, {lost} lost, integrity {integrity}",
        target="0 lost, integrity ok",
        passed=ok,
        runs=1,
        details={"reported": len(reported), "present": len(present), "lost": lost},
    )
    assert ok
