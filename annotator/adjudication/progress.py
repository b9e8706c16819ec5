"""Adjudication progress, for `annotator status`."""

from __future__ import annotations

from ..model import GOLD
from ..store import Store
from .queue import default_annotators


def adjudication_progress(store: Store, min_annotators: int = 2) -> dict | None:
    """None until there is anything to adjudicate or any gold at all."""
    annotators = default_annotators(store)
    eligible = len(store.annotations.sentences_done_by(annotators, min_annotators)) if annotators else 0
    gold_status = store.annotations.status_counts(GOLD)
    gold_spans = store.annotations.gold_span_counts()
    if eligible == 0 and not gold_status and not gold_spans:
        return None
    return {
        "eligible": eligible,
        "adjudicated": gold_status.get("done", 0),
        "gold_spans": sum(gold_spans.values()),
        "auto_spans": gold_spans.get("auto", 0),
        "curated_spans": gold_spans.get("curated", 0),
    }
