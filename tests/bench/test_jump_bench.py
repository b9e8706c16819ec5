"""`g` (jump to a document) on 1,000,000 sentences in 20,000 documents, against 100.

Each query is what the dialog runs per keystroke, in its worker: open a reader, then
`find_documents` (number, id prefix, title words; at most 20 hits). A title that
matches nothing scans every document row's title, the worst case."""

from __future__ import annotations

import statistics
import time

from .measure import fmt_seconds, repeat, scaled
from .test_ui_bench import ui_project

QUERIES = ("", "7", "12345", "doc-00012", "doc-", "Irak", "Washington dan Baghdad", "zzq")


def _times(db) -> dict[str, float]:
    """Median seconds per query over the repeats."""
    from annotator.store import Store
    from annotator.workspace.document_finder import find_documents
    from annotator.workspace.order import DocumentOrder

    runs: dict[str, list[float]] = {q: [] for q in QUERIES}
    with Store.open(db, readonly=True) as store:
        order = DocumentOrder.for_annotator(store, "bench", "random", seed=1)
        for _ in range(max(repeat(), 5)):
            for query in QUERIES:
                start = time.perf_counter()
                with store.reader() as reader:
                    hits = find_documents(reader, order.reading(reader), query, current=3)
                runs[query].append(time.perf_counter() - start)
                assert len(hits) <= 20
    return {query: statistics.median(values) for query, values in runs.items()}


def test_jump_to_a_document_on_20000_documents(bench):
    big = _times(ui_project(int(scaled(1_000_000))))
    small = _times(ui_project(100))
    worst = max(big.values())
    typical = statistics.median(big.values())
    passed = worst < 0.1
    bench.record(
        f"g: find a document, {int(scaled(1_000_000)):,} sentences / 20,000 documents (per keystroke)",
        ours=f"median {fmt_seconds(typical)}, worst {fmt_seconds(worst)}",
        baseline=f"median {fmt_seconds(statistics.median(small.values()))} on 100 sentences",
        ratio=typical / statistics.median(small.values()),
        target="worst query < 100 ms (off the event loop)",
        passed=passed,
        ours_value=worst,
        unit="s",
        details={"big": big, "small": small},
    )
    assert passed, f"worst query {worst * 1000:.1f} ms"
