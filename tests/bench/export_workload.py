"""Workload for the export benchmark: a project with N spans, and timed exports of it.

    build_export_workload(db_path, spans=1_000_000, seed=0)  -> db_path
    export_spans_query(db_path)                              -> the export's SQL, parameters inlined
    time_sqlite_cli_csv(db_path, out_path)                   -> Run (sqlite3 -csv -header of that query)
    time_annotator_export(db_path, out_path, what="spans")   -> Run (annotator export in a fresh process)
    compare(db_path, folder, runs=5)                         -> interleaved runs, medians, ratios

The documents come from `tests.bench.corpus` (sample sentences recombined, seeded), so
the text looks like real news. Each sentence gets spans at token boundaries from three
annotators; one span in eight has a note, and some notes and spans start with a
formula character, so the spreadsheet-safety path is exercised. The same (spans, seed)
always gives the same database content except timestamps of import.

Timings run each tool in its own process (wall time, CPU time and peak RSS from
wait4; CPU includes the export's worker process), the way a user runs them. The sqlite3
baseline runs the export's own query in its plain form (the same joins, filter and
order, one value per column, no escaping), so the comparison is the cost of the export
code around the same rows.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from annotator.corpus_import import Importer, ImportOptions
from annotator.model import GOLD, SpanAnnotation
from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset

from .corpus import write_jsonl

ANNOTATORS = ("ana", "budi", "citra")
NOTES = ("looks loaded", "=SUM(A1:A2)", "-- context needed", "+ compare with source", "@editor check", "ok")
# MB of document text per million spans: about 200 characters a sentence, 3 annotators
# with 1-3 spans each, gives roughly 0.45 MB of text per 10,000 spans.
MB_PER_SPAN = 0.000045


@dataclass(frozen=True)
class Run:
    command: list[str]
    seconds: float
    # User plus system CPU time of the process: steadier than wall time on a busy machine.
    cpu_seconds: float
    peak_rss_mb: float
    output_bytes: int


def build_export_workload(db_path: str | Path, spans: int = 1_000_000, seed: int = 0) -> Path:
    """Create (or replace) a project at `db_path` holding at least `spans` spans, then
    cut it to exactly `spans`."""
    db_path = Path(db_path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_jsonl(Path(tmp) / "corpus.jsonl", max(spans * MB_PER_SPAN, 0.05), seed)
        store = Store.open(db_path, create=True)
        try:
            store.initialize("bench", load_tagset(default_tagset_path()))
            report = Importer(store, ImportOptions(parallel=True)).run([corpus])
            assert not report.failed, report.failed
            labels = store.tagset().label_names
            made = 0
            batch: list[SpanAnnotation] = []
            # One sentence at a time by id (ids run from 1 in a fresh project): a cursor
            # left open over the sentences while spans are written keeps SQLite from
            # checkpointing the WAL, which then grows to the size of the database.
            for sentence_id in range(1, store.corpus.sentence_total() + 1):
                if made >= spans:
                    break
                sentence = store.corpus.get_sentence(sentence_id)
                if sentence is None:
                    continue
                tokens = sentence.tokens
                if not tokens:
                    continue
                for annotator in ANNOTATORS:
                    taken: set[tuple[int, int, str]] = set()
                    for _ in range(rng.randint(1, 3)):
                        first = rng.randrange(len(tokens))
                        last = min(len(tokens) - 1, first + rng.randint(0, 2))
                        key = (tokens[first][0], tokens[last][1], rng.choice(labels))
                        if key in taken:
                            continue
                        taken.add(key)
                        batch.append(
                            SpanAnnotation(
                                sentence.id,
                                annotator,
                                key[0],
                                key[1],
                                key[2],
                                origin="suggestion" if rng.random() < 0.3 else "manual",
                                quoted=rng.random() < 0.05,
                                note=rng.choice(NOTES) if rng.random() < 0.125 else None,
                                created_at=f"2026-01-01T00:00:{made % 60:02d}.000Z",
                            )
                        )
                        made += 1
                if len(batch) >= 50_000:
                    store.annotations.add_spans_if_new(batch)
                    batch.clear()
            store.annotations.add_spans_if_new(batch[: max(0, spans - (made - len(batch)))] if made > spans else batch)
        finally:
            store.close()
    return db_path


def export_spans_query(db_path: str | Path) -> str:
    """The query `annotator export --what spans` runs (everyone but gold), as plain
    values with the parameters inlined: what the sqlite3 shell is given."""
    with Store.open(db_path, readonly=True) as store:
        sql, params = store.exports.query("spans", None, (GOLD,), plain=True)
    for value in params:
        sql = sql.replace("?", "'" + str(value).replace("'", "''") + "'", 1)
    return sql


def _timed(command: list[str], out_path: Path, stdout_to_file: bool) -> Run:
    start = time.perf_counter()
    with open(out_path if stdout_to_file else os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed with exit code {process.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(command, seconds, cpu, usage.ru_maxrss / 1024, out_path.stat().st_size)


def time_sqlite_cli_csv(db_path: str | Path, out_path: str | Path) -> Run:
    """`sqlite3 -csv -header DB QUERY > out`: the shell's .mode csv dump of the export's rows."""
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        raise RuntimeError("sqlite3 command-line tool not found (apt-get install sqlite3)")
    command = [sqlite3, "-csv", "-header", str(db_path), export_spans_query(db_path)]
    return _timed(command, Path(out_path), stdout_to_file=True)


def time_annotator_export(db_path: str | Path, out_path: str | Path, what: str = "spans", *extra: str) -> Run:
    """`annotator export --what spans --out OUT` in a fresh Python process."""
    command = [
        sys.executable,
        "-m",
        "annotator.cli",
        "export",
        "--db",
        str(db_path),
        "--what",
        what,
        "--out",
        str(out_path),
        *extra,
    ]
    return _timed(command, Path(out_path), stdout_to_file=False)


def compare(db_path: str | Path, folder: str | Path, runs: int = 5) -> dict:
    """`runs` rounds of sqlite3 then annotator, interleaved so both see the same machine
    load; the median of each and their ratio (wall and CPU)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sqlite_runs, ours_runs = [], []
    for _ in range(runs):
        sqlite_runs.append(time_sqlite_cli_csv(db_path, folder / "sqlite3.csv"))
        ours_runs.append(time_annotator_export(db_path, folder / "annotator.csv"))
    wall = (statistics.median(r.seconds for r in sqlite_runs), statistics.median(r.seconds for r in ours_runs))
    cpu = (statistics.median(r.cpu_seconds for r in sqlite_runs), statistics.median(r.cpu_seconds for r in ours_runs))
    return {
        "sqlite3": sqlite_runs,
        "annotator": ours_runs,
        "wall": wall,
        "wall_ratio": wall[1] / wall[0],
        "cpu": cpu,
        "cpu_ratio": cpu[1] / cpu[0],
    }
