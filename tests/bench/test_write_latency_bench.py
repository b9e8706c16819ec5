"""30 annotators writing at a human pace while a 50 MB import runs, while `suggest`
runs over 1,000,000 sentences, and while a merge brings two annotators' work on
1,000,000 sentences (6,000,000 annotation rows): write latency, "not saved" writes
and lost edits, ours (batch commits) against the old single transaction in the same
harness.

    python -m tests.bench -k write_latency --repeat 1
    python -m tests.bench -k write_latency --scale 0.25   # 12.5 MB and 250,000 sentences
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.migrations import known_names
from annotator.store import Store

from .corpus import write_jsonl
from .measure import cache_dir, fmt_seconds, scaled
from .swarm import SwarmResult, run_swarm
from .ui_workload import build_project

ANNOTATORS = 30
TARGET_P99 = 0.25

# The big writer in a child process, through the same code the CLI runs; the last
# argument picks batch commits (ours) or one transaction (the old path, the baseline).
_BIG_WRITER = """
import sys
from pathlib import Path
from annotator.commands import hooks
from annotator.corpus_import import Importer, ImportOptions
from annotator.lexicon.suggest import suggest_all
from annotator.migrations import known_names
from annotator.store import Store
from annotator.interchange.merge import merge_project
mode, db, source, batched = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
with Store.open(db) as store:
    if mode == "import":
        options = ImportOptions(batch_commits=batched)
        report = Importer(store, options, on_sentences=hooks.sentences_hook(store)).run([Path(source)])
        assert not report.failed, report.failed[0].error
    elif mode == "merge":
        result = merge_project(store, Path(source), batch_commits=batched)
        assert not result.conflicts and result.spans_added, result
    else:
        suggest_all(store, batch_commits=batched)
"""


def _command(mode: str, db: Path, source: str, batched: bool) -> list[str]:
    return [sys.executable, "-c", _BIG_WRITER, mode, str(db), source, "1" if batched else "0"]


def _summary(result: SwarmResult) -> str:
    return (
        f"p50 {fmt_seconds(result.p50)}, p99 {fmt_seconds(result.p99)}, {len(result.failed)} not saved, "
        f"{result.lost} lost ({len(result.latencies)} edits, writer {fmt_seconds(result.seconds)})"
    )


def _details(result: SwarmResult) -> dict:
    return {
        "p50": result.p50,
        "p99": result.p99,
        "max": max(result.latencies, default=0.0),
        "edits": len(result.latencies),
        "not_saved": len(result.failed),
        "lost": result.lost,
        "writer_seconds": result.seconds,
        "first_failures": result.failed[:3],
    }


def _record(bench, name: str, ours: SwarmResult, baseline: SwarmResult) -> bool:
    passed = ours.returncode == 0 and ours.p99 < TARGET_P99 and not ours.failed and ours.lost == 0
    bench.record(
        name,
        ours=_summary(ours),
        baseline=_summary(baseline),
        ratio=ours.p99 / baseline.p99 if baseline.p99 else None,
        target="p99 < 250 ms, 0 not saved, 0 lost",
        passed=passed,
        ours_value=ours.p99,
        baseline_value=baseline.p99,
        unit="s",
        runs=1,
        details={"ours": _details(ours), "baseline": _details(baseline), "annotators": ANNOTATORS},
    )
    return passed


def _annotated_project(path: Path) -> Path:
    from annotator.corpus_import import Importer, ImportOptions
    from annotator.resources import default_tagset_path, sample_paths
    from annotator.tagset import load_tagset

    with Store.open(path, create=True) as store:
        store.initialize("swarm", load_tagset(default_tagset_path()))
        from annotator.lexicon.suggest import load_default_lexicon

        load_default_lexicon(store)
        assert not Importer(store, ImportOptions(parallel=False)).run(sample_paths()).failed
    return path


def test_write_latency_of_30_annotators_during_a_50mb_import(bench, tmp_path):
    size = scaled(50)
    corpus = cache_dir() / f"swarm-{size:g}mb.jsonl"
    if not corpus.exists():
        write_jsonl(corpus, size, seed=11)
    results = {}
    for batched in (True, False):
        db = _annotated_project(tmp_path / f"import-{int(batched)}.db")
        results[batched] = run_swarm(db, _command("import", db, str(corpus), batched), ANNOTATORS)
        assert results[batched].returncode == 0, results[batched].stderr[-2000:]
    assert _record(bench, f"{ANNOTATORS} annotators' writes during a {size:g} MB import", results[True], results[False])


def test_write_latency_of_30_annotators_during_suggest_over_1m_sentences(bench, tmp_path):
    sentences = int(scaled(1_000_000))
    # Named for the schema too: a cached file of an older schema would be migrated on
    # every copy, inside the timing.
    template = cache_dir() / f"swarm-suggest-{sentences}-{known_names()[-1]}.db"
    if not template.exists():
        # Built straight through the Store (no segmentation), with a stale suggestion on
        # every fifth sentence, so that suggest both removes and adds.
        build_project(template, sentences)
        with Store.open(template) as store:
            from annotator.lexicon.suggest import load_default_lexicon

            load_default_lexicon(store)
    ours, baseline = _swarm_on_copies(tmp_path, template, "suggest", "-")
    assert _record(
        bench, f"{ANNOTATORS} annotators' writes during suggest over {sentences:,} sentences", ours, baseline
    )


def _swarm_on_copies(tmp_path: Path, template: Path, mode: str, source: str) -> tuple[SwarmResult, SwarmResult]:
    """The swarm during `mode` on a fresh copy of `template`: batch commits (ours), then
    one transaction (the baseline)."""
    results = {}
    for batched in (True, False):
        db = tmp_path / f"{mode}-{int(batched)}.db"
        Store.copy_database(template, db)
        results[batched] = run_swarm(db, _command(mode, db, source, batched), ANNOTATORS)
        assert results[batched].returncode == 0, results[batched].stderr[-2000:]
        db.unlink()
    return results[True], results[False]


def _merge_source(project: Path, source: Path, annotators: tuple[str, ...]) -> None:
    """A copy of `project` where each of `annotators` finished every sentence with a
    span and an event: the merge's documents all match, and only annotation rows move."""
    import sqlite3

    Store.copy_database(project, source)
    conn = sqlite3.connect(source)
    with conn:
        for name in annotators:
            conn.execute("INSERT INTO annotators (name, created_at) VALUES (?, '2026-12-01T00:00:00')", [name])
            conn.execute(
                "INSERT INTO span_rows (sentence_id, annotator, char_start, char_end, label, origin, created_at)"
                " SELECT id, ?, 0, 1, 'loaded_language', 'manual', '2026-12-01T00:00:00' FROM sentences",
                [name],
            )
            conn.execute(
                "INSERT INTO sentence_status_rows (sentence_id, annotator, status, finished_at)"
                " SELECT id, ?, 'done', '2026-12-01T00:00:00' FROM sentences",
                [name],
            )
            conn.execute(
                "INSERT INTO event_rows (at, annotator, action, sentence_id, payload)"
                " SELECT '2026-12-01T00:00:00', ?, 'done', id, '{}' FROM sentences",
                [name],
            )
    conn.close()


def test_write_latency_of_30_annotators_during_a_merge_of_two_annotators_on_1m_sentences(bench, tmp_path):
    sentences = int(scaled(1_000_000))
    template = cache_dir() / f"swarm-merge-{sentences}-{known_names()[-1]}.db"
    source = cache_dir() / f"swarm-merge-{sentences}-{known_names()[-1]}-laptop.db"
    if not (template.exists() and source.exists()):
        build_project(template, sentences, suggestions=False)
        source.unlink(missing_ok=True)
        _merge_source(template, source, ("laptop1", "laptop2"))
    ours, baseline = _swarm_on_copies(tmp_path, template, "merge", str(source))
    assert _record(
        bench,
        f"{ANNOTATORS} annotators' writes during a merge of 2 annotators' work on {sentences:,} sentences",
        ours,
        baseline,
    )
