"""What the statistics screen and the palette's export show and write."""

from __future__ import annotations

import csv

from annotator.workspace import AnnotationSession
from annotator.workspace.reports import (
    agreement_lines,
    export_own_work,
    progress_rows,
)
from tests.workspace_corpus import build_corpus


def _annotate(store, annotator, label_key, judgment):
    session = AnnotationSession(store, annotator)
    session.open()
    for _ in range(5):
        session.apply_label(label_key)
        session.set_judgment(judgment)
        session.mark_done()


def test_progress_rows_count_per_annotator(store):
    build_corpus(store)
    _annotate(store, "alice", "1", "biased")
    session = AnnotationSession(store, "bob")
    session.open()
    session.mark_done()
    total, rows = progress_rows(store)
    assert total == 5
    assert [(r.annotator, r.done, r.spans) for r in rows] == [("alice", 5, 5), ("bob", 1, 0)]
    assert rows[0].share == 1.0


def test_agreement_lines_need_two_annotators_then_give_figures(store):
    build_corpus(store)
    _annotate(store, "alice", "1", "biased")
    assert any("No agreement" in line or "agreement" in line.lower() for line in agreement_lines(store))
    _annotate(store, "bob", "1", "biased")
    lines = agreement_lines(store)
    assert any(line.startswith("Sentence judgment") for line in lines)
    assert any(line.startswith("Spans: exact F1 1.000") for line in lines)


def test_export_writes_only_the_annotators_own_work(store, tmp_path):
    build_corpus(store)
    _annotate(store, "alice", "1", "biased")
    _annotate(store, "bob", "2", "neutral")
    paths = export_own_work(store, "alice", tmp_path / "exports")
    assert len(paths) == 2 and all(p.exists() for p in paths)
    spans = [p for p in paths if "-spans-" in p.name][0]
    with spans.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {row["annotator"] for row in rows} == {"alice"}
