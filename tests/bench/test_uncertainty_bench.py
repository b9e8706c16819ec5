"""The workspace opened in uncertainty order on 1,000,000 scored sentences, against
document order on the same project (Pilot, startup to the first sentence on screen).

The scores are synthetic (seeded), written as `suggest --source model` writes them:
tagging a million sentences is the recommender benchmark's business, not this one's.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import time
from itertools import islice
from pathlib import Path

from .measure import cache_dir, fmt_seconds, repeat, scaled
from .ui_workload import build_project

SIZE = (120, 40)
BATCH = 50_000


def scored_project(sentences: int) -> Path:
    path = cache_dir() / f"ui-{sentences}-scored.db"
    if not path.exists():
        from annotator.store import Store

        partial = path.with_suffix(".partial.db")
        build_project(partial, sentences)
        rng = random.Random(19)
        with Store.open(partial) as store, store.transaction():
            iterator = store.corpus.iter_sentences()
            while batch := list(islice(iterator, BATCH)):
                store.uncertainty.add(1, [(s.id, s.document_id, round(rng.random(), 6)) for s in batch])
            store.uncertainty.rank_documents(1)
        partial.rename(path)
    return path


async def _startup(db: Path, annotator: str, order: str) -> float:
    """Seconds from opening the project to the first sentence composed on screen (see
    test_ui_bench: earlier runs' apps are collected first)."""
    from annotator.tui.app import SessionApp
    from annotator.workspace.launch import open_workspace

    gc.collect()
    start = time.perf_counter()
    with open_workspace(db, annotator, order=order) as workspace:
        app = SessionApp(workspace.session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            seconds = time.perf_counter() - start
            assert workspace.session.order.name == order
    return seconds


def test_ui_startup_in_uncertainty_order_against_document_order(bench):
    sentences = int(scaled(1_000_000))
    db = scored_project(sentences)
    asyncio.run(_startup(db, "bench-document", "document"))  # imports, CSS, a warm page cache
    uncertain_runs, document_runs = [], []
    for _ in range(repeat()):  # interleaved, so machine load hits both alike
        uncertain_runs.append(asyncio.run(_startup(db, "bench-uncertain", "uncertain")))
        document_runs.append(asyncio.run(_startup(db, "bench-document", "document")))
    ours, baseline = statistics.median(uncertain_runs), statistics.median(document_runs)
    ratio = ours / baseline
    passed = ratio <= 1.2
    bench.record(
        f"UI startup in uncertainty order, {sentences:,} scored sentences (Pilot)",
        ours=fmt_seconds(ours),
        baseline=f"{fmt_seconds(baseline)} in document order",
        ratio=ratio,
        target="<= 1.2x document order",
        passed=passed,
        ours_value=ours,
        baseline_value=baseline,
        unit="s",
        details={"uncertain_runs": uncertain_runs, "document_runs": document_runs},
    )
    assert passed, f"uncertainty order {ours:.3f} s = {ratio:.2f}x document order"
