"""Streaming, bounded memory: one 100 MB .txt document imports in under 500 MB (peak RSS of the
`annotator import` process, from wait4() in a launcher; see measure.py)."""

from __future__ import annotations

from .corpus import make_documents
from .measure import MB, cache_dir, cli_command, run_child, scaled


def _large_document(size_mb: float):
    path = cache_dir() / f"one-document-{size_mb:g}mb.txt"
    if not path.exists():
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as handle:
            for document in make_documents(size_mb):
                handle.write(document["text"] + "\n")
        partial.rename(path)
    return path


def test_a_100_mb_document_imports_in_under_500_mb(bench, tmp_path):
    size = scaled(100)
    source = _large_document(size)
    run = run_child(cli_command("import", "--db", str(tmp_path / "big.db"), str(source)), sample_memory=True)
    passed = run.max_rss_mib * 1024 * 1024 < 500 * MB
    bench.record(
        f"import one {size:g} MB .txt document: peak RSS",
        ours=f"{run.max_rss_mib:.0f} MiB in {run.seconds:.0f} s",
        target="< 500 MB",
        passed=passed,
        ours_value=run.max_rss_mib,
        unit="MiB",
        details={"seconds": run.seconds, "peak_tree_pss_mib": run.peak_tree_pss_mib, "stdout": run.stdout},
    )
    assert passed, f"peak RSS {run.max_rss_mib:.0f} MiB"
