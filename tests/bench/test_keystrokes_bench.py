"""Keys per span (issue 16): the fewest keys the workspace needs for every span of the
reference annotation of the three sample articles, the bindings as they stand against
the keys before issue 16 (token moves, selection by one token, label digits).

Deterministic (a search, not a timing), so one run. Each span's plan is in the JSON
details. Run: `python -m tests.bench -k keystrokes`.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.corpus_import import Importer
from annotator.resources import default_tagset_path, sample_paths
from annotator.store import Store
from annotator.tagset import load_tagset

from .keystrokes import (
    SpanCost,
    Summary,
    contract_model,
    load_reference,
    model_from_bindings,
    old_model,
    plan_all,
    summarize,
    workspace_bindings,
)

MEAN_TARGET = 5.0
SHORT_TARGET = 8  # no span of 1-4 tokens costs more


def _sentences(tagset):
    store = Store.memory()
    store.initialize("keystrokes", tagset)
    report = Importer(store).run(sample_paths())
    assert not report.failed
    sentences = {(d, s.index): s for d in store.corpus.document_ids() for s in store.corpus.sentences_of(d)}
    store.close()
    return sentences


def _spans(costs: list[SpanCost]) -> list[dict]:
    return [
        {
            "document": c.span.document,
            "sentence": c.span.sentence,
            "text": c.span.text,
            "label": c.span.label,
            "tokens": c.token_count,
            "keys": c.cost,
            "plan": " ".join((c.plan or c.covering).keys),
            "exact": c.plan is not None,
        }
        for c in costs
    ]


def _figures(summary: Summary) -> dict:
    return {
        "mean": round(summary.mean, 3),
        "max": summary.max,
        "max_1_4_tokens": summary.max_short,
        "not_exact": summary.impossible,
    }


def _shown(summary: Summary) -> str:
    # A span a model cannot make exactly counts at the keys for its covering tokens.
    inexact = f", {summary.impossible} not exact" if summary.impossible else ""
    return f"{summary.mean:.2f} keys (max {summary.max}{inexact})"


def test_keystrokes_per_reference_span(bench):
    tagset = load_tagset(default_tagset_path())
    bindings, mode_bindings = workspace_bindings(tagset)
    spans = load_reference()
    sentences = _sentences(tagset)
    new = model_from_bindings("bindings", bindings, tagset, mode_bindings)
    old = old_model(bindings, tagset)
    new_costs, old_costs = plan_all(new, spans, sentences), plan_all(old, spans, sentences)
    ours, base = summarize(new_costs), summarize(old_costs)
    # Beside them: every contract key as if bound, with jumps as the workspace ends them
    # and with every jump ended by enter (the contract's minimum).
    contract = contract_model(bindings, tagset, mode_bindings)
    variants = {
        "contract": _figures(summarize(plan_all(contract, spans, sentences))),
        "contract, every jump ended with enter": _figures(
            summarize(plan_all(replace(contract, jump_ends_on_unprintable=False), spans, sentences))
        ),
    }
    details = {
        "spans": len(spans),
        "unbound_contract_keys": new.missing,
        "bindings": _figures(ours),
        "old": _figures(base),
        "variants": variants,
        "per_span": {"bindings": _spans(new_costs), "old": _spans(old_costs)},
    }
    mean_ok = ours.impossible == 0 and ours.mean <= MEAN_TARGET
    bench.record(
        f"keys per span, {len(spans)} reference spans (mean)",
        ours=_shown(ours),
        baseline=_shown(base),
        ratio=ours.mean / base.mean,
        target=f"mean <= {MEAN_TARGET:g}, every span exact",
        passed=mean_ok,
        ours_value=ours.mean,
        baseline_value=base.mean,
        unit="keys",
        runs=1,
        details=details,
    )
    short_ok = ours.max_short <= SHORT_TARGET
    bench.record(
        "keys per span of 1-4 tokens (max)",
        ours=f"{ours.max_short} keys",
        baseline=f"{base.max_short} keys",
        ratio=ours.max_short / base.max_short,
        target=f"<= {SHORT_TARGET}",
        passed=short_ok,
        ours_value=ours.max_short,
        baseline_value=base.max_short,
        unit="keys",
        runs=1,
    )
    unbound = f" (unbound contract keys: {', '.join(new.missing)})" if new.missing else ""
    assert mean_ok and short_ok, (
        f"mean {ours.mean:.2f} keys, max over 1-4 tokens {ours.max_short}, {ours.impossible} spans not exact{unbound}"
    )
