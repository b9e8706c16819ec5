"""Every number of the researcher's report, as one plain dict (the `--json` object).

Sections: overview, progress, labels, agreement, suggestions, quality, disagreements.
A section whose data the project does not have (no timing, no suggestions, no gold)
holds `available: false` and a `note` saying why, so the page can say so too.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timezone
from itertools import combinations

import numpy as np

from ..agreement.coefficients import MISSING, contingency, kappa_from_contingency
from ..agreement.drilldown import rank_disagreements
from ..agreement.matrices import Corpus, load_corpus, resolve_annotators
from ..agreement.report import (
    compute_report,
    pair_key,
    reading,
    span_level,
    token_level,
)
from ..clock import now_iso
from ..model import GOLD
from ..store import Store
from .timing import IDLE_CAP_SECONDS, active_seconds, parse_stamp

TIMELINE_POINTS = 200
WORST = 20
ENTRIES = 25
HIDDEN_MODES = ("off", "after")  # suggestions hidden, or hidden until revealed


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_report(
    store: Store,
    *,
    annotators: Sequence[str] | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    bootstrap_unit: str = "sentence",
    blind: bool = False,
) -> dict:
    """The whole report as one dict. `annotators` defaults to everyone but gold, as in `agreement`.

    `blind` (a report written from the annotation workspace) leaves out the one section
    that shows annotations themselves, the disagreements: the workspace never shows one
    annotator another's spans. Every other figure is an aggregate."""
    names = list(resolve_annotators(store, annotators))
    tagset = store.tagset()
    reads = store.report
    statuses = reads.statuses([*names, GOLD])
    agreement = compute_report(store, annotators=names, bootstrap=bootstrap, seed=seed, bootstrap_unit=bootstrap_unit)
    by_document = compute_report(store, level="token", annotators=names, by_document=True)["by_document"]
    corpus = load_corpus(store, names, tagset.label_names)
    options = {
        "annotators": names,
        "annotators_given": annotators is not None,
        "bootstrap": bootstrap or None,
        "seed": seed,
        "bootstrap_unit": bootstrap_unit,
    }
    return {
        "project": store.project_name(),
        "generated_at": now_iso(),
        "options": options,
        "overview": _overview(store, names, statuses),
        "progress": _progress(store, names, statuses),
        "labels": _labels(store, names),
        "agreement": {
            "levels": agreement,
            "readings": {
                "sentence": reading(agreement["sentence"]["krippendorff_alpha"]),
                "token": reading(agreement["token"]["krippendorff_alpha"]),
                "unitizing": reading(agreement["unitizing"]["alpha_u"], "alpha_U"),
            },
            "worst_documents": _worst_documents(by_document),
            "confusion": _confusion(corpus),
        },
        "suggestions": _suggestions(store, names, statuses, corpus),
        "quality": _quality(store, names, statuses, corpus),
        "disagreements": None if blind else rank_disagreements(store, level="token", annotators=names, limit=WORST),
    }


# ------------------------------------------------------------------ overview


def _overview(store: Store, names: list[str], statuses: list[tuple]) -> dict:
    counts = store.corpus.counts()
    done: Counter = Counter()
    skipped: Counter = Counter()
    for _, annotator, status, *_ in statuses:
        if status == "done":
            done[annotator] += 1
        elif status == "skipped":
            skipped[annotator] += 1
    tagset = store.tagset()
    return {
        "documents": counts["documents"],
        "sentences": counts["sentences"],
        "tokens": counts["tokens"],
        "annotators": names,
        "done": {name: done[name] for name in names},
        "skipped": {name: skipped[name] for name in names},
        "gold": {
            "sentences_done": done[GOLD],
            "share": done[GOLD] / counts["sentences"] if counts["sentences"] else None,
        },
        "tagset": {
            "labels": [
                {"name": label.name, "key": label.key, "color": label.color, "description": label.description}
                for label in tagset.labels
            ],
            "judgment": {
                "name": tagset.judgment.name,
                "values": list(tagset.judgment.values),
                "level": tagset.judgment.level,
            },
        },
    }


# ------------------------------------------------------------------ progress


def _quartiles(values: Sequence[float]) -> dict | None:
    if not values:
        return None
    array = np.asarray(values, dtype=np.float64)
    q1, median, q3 = np.percentile(array, [25, 50, 75])
    spread = 1.5 * (q3 - q1)
    inside = array[(array >= q1 - spread) & (array <= q3 + spread)]
    return {
        "n": len(array),
        "median": float(median),
        "q1": float(q1),
        "q3": float(q3),
        "mean": float(array.mean()),
        "whisker_low": float(inside.min()),
        "whisker_high": float(inside.max()),
    }


def _progress(store: Store, names: list[str], statuses: list[tuple]) -> dict:
    total = store.corpus.sentence_total()
    stored = store.report.sentence_seconds(names) or []
    # The team's per-visit time on screen where it was recorded for an annotator; for
    # the others (older projects, imported work) finished_at - first_shown_at, capped.
    on_screen = {annotator for _, annotator, _ in stored}
    seconds: dict[str, list[float]] = defaultdict(list)
    finished: dict[str, list[float]] = defaultdict(list)
    done: Counter = Counter()
    finished_any: Counter = Counter()
    for _, annotator, status, _, shown, ended in statuses:
        if annotator not in names or status is None:
            continue
        finished_any[annotator] += 1
        done[annotator] += status == "done"
        end = parse_stamp(ended)
        if end is not None:
            finished[annotator].append(end)
        spent = active_seconds(shown, ended) if annotator not in on_screen else None
        if spent is not None:
            seconds[annotator].append(spent)
    for _, annotator, value in stored:
        seconds[annotator].append(float(value))
    if on_screen:
        source = "time on screen per visit, each visit capped (the team's sentence_time)"
    else:
        source = "finished_at - first_shown_at, capped"
    per: dict[str, dict] = {}
    for name in names:
        active = seconds.get(name, [])
        spent = float(sum(active))
        rate = len(active) * 3600.0 / spent if spent > 0 else None
        remaining = max(total - finished_any[name], 0)
        per[name] = {
            "done": done[name],
            "finished": finished_any[name],
            "remaining": remaining,
            "timed_sentences": len(active),
            "active_hours": spent / 3600.0,
            "seconds_per_sentence": _quartiles(active),
            "sentences_per_hour": rate,
            "eta_hours": remaining / rate if rate else None,
        }
    timeline = {}
    for name in names:
        times = np.sort(np.asarray(finished.get(name, []), dtype=np.float64))
        if len(times) == 0:
            timeline[name] = []
            continue
        picks = np.unique(np.linspace(0, len(times) - 1, min(TIMELINE_POINTS, len(times))).astype(int))
        timeline[name] = [[_iso(times[i]), int(i) + 1] for i in picks]
    timed = any(p["timed_sentences"] for p in per.values())
    spread = (
        [t for points in timeline.values() for t in (points[0][0], points[-1][0])] if any(timeline.values()) else []
    )
    return {
        "sentences": total,
        "idle_cap_seconds": IDLE_CAP_SECONDS,
        "timing_source": source if timed else None,
        "timing_note": None if timed else "no time on task recorded (no first_shown_at with finished_at)",
        "per_annotator": per,
        "timeline": timeline,
        "timeline_note": None if len(set(spread)) > 1 else "every finish time is the same: no pace to show",
    }


# -------------------------------------------------------------------- labels


def _labels(store: Store, names: list[str]) -> dict:
    labels = store.tagset().label_names
    counts = {name: {label: 0 for label in labels} for name in names}
    for annotator, label, n in store.report.label_counts(names):
        counts[annotator][label] = n
    histogram: dict[str, dict[str, int]] = {name: {} for name in names}
    for annotator, spans, n in store.report.spans_per_sentence(names):
        histogram[annotator][str(spans)] = n
    mean = {}
    for name, bins in histogram.items():
        sentences = sum(bins.values())
        mean[name] = sum(int(k) * v for k, v in bins.items()) / sentences if sentences else None
    return {"per_annotator": counts, "spans_per_sentence": {"histogram": histogram, "mean": mean}}


# ----------------------------------------------------------------- agreement


def _worst_documents(by_document: dict[str, dict]) -> list[dict]:
    rows = [
        {"document_id": doc, "tokens": entry["units"], "krippendorff_alpha": entry["krippendorff_alpha"]}
        for doc, entry in by_document.items()
        if entry["krippendorff_alpha"] is not None
    ]
    rows.sort(key=lambda r: (r["krippendorff_alpha"], -r["tokens"], r["document_id"]))
    return rows[:WORST]


def _confusion(corpus: Corpus) -> dict:
    matrix = corpus.token_matrix()
    total = np.zeros((len(corpus.values), len(corpus.values)), dtype=np.int64)
    for i, j in combinations(range(len(corpus.annotators)), 2):
        table = contingency(matrix[i], matrix[j], len(corpus.values))
        total += table + table.T  # both orders: the table of all pairs is symmetric
    return {
        "labels": list(corpus.values),
        "matrix": total.tolist(),
        "pairs": len(corpus.annotators) * (len(corpus.annotators) - 1) // 2,
        "note": "token labels of every pair of annotators, counted both ways",
    }


# --------------------------------------------------------------- suggestions


def _suggestions(store: Store, names: list[str], statuses: list[tuple], corpus: Corpus) -> dict:
    from ..lexicon.feedback import entry_stats

    entries = [row.as_json() for row in entry_stats(store) if row.hits]
    decisions: dict[str, dict[str, int]] = {name: {"accepted": 0, "rejected": 0} for name in names}
    for annotator, decision, n in store.report.decisions(names):
        decisions[annotator][decision] = n
    shown = dict(store.report.suggestions_shown(names))
    acceptance = {}
    for name, d in decisions.items():
        decided = d["accepted"] + d["rejected"]
        acceptance[name] = {**d, "shown": shown.get(name, 0), "rate": d["accepted"] / decided if decided else None}
    result: dict = {
        "available": bool(entries),
        "entries": entries[:ENTRIES],
        "entries_total": len(entries),
        "acceptance": acceptance,
        "conditions": {k: {"mode": m, "share": s} for k, (m, s) in store.report.conditions(names).items()},
    }
    if not entries:
        result["note"] = "no suggestions in this project (load a lexicon and run suggest)"
    result["shown_vs_hidden"] = _shown_vs_hidden(names, statuses, corpus)
    return result


def _shown_vs_hidden(names: list[str], statuses: list[tuple], corpus: Corpus) -> dict:
    """Agreement and label rates on sentences everyone saw with suggestions against sentences
    everyone saw without (`after` counts as hidden: the labels were chosen before the reveal)."""
    index = {int(s): i for i, s in enumerate(corpus.sentence_ids.tolist())}
    row = {name: i for i, name in enumerate(names)}
    shown = np.zeros((len(names), corpus.n_sentences), dtype=bool)
    hidden = np.zeros_like(shown)
    for sentence_id, annotator, status, mode, *_ in statuses:
        i = index.get(sentence_id)
        if i is None or annotator not in row or status != "done":
            continue
        shown[row[annotator], i] = mode == "on"
        hidden[row[annotator], i] = mode in HIDDEN_MODES
    done = corpus.done
    all_shown = (done & shown).sum(axis=0) == done.sum(axis=0)
    all_hidden = (done & hidden).sum(axis=0) == done.sum(axis=0)
    spans = np.bincount(
        corpus.span_annotator * max(corpus.n_sentences, 1) + corpus.span_sentence,
        minlength=len(names) * corpus.n_sentences,
    ).reshape(len(names), corpus.n_sentences)
    out: dict = {}
    for condition, everyone, own in (("shown", all_shown, shown), ("hidden", all_hidden, hidden)):
        subset = corpus.subset(everyone)
        alpha = token_level(subset, per_label=False)["krippendorff_alpha"] if subset.n_sentences else None
        rates = {}
        for name, i in row.items():
            mine = own[i] & done[i]
            rates[name] = {
                "sentences": int(mine.sum()),
                "spans_per_sentence": float(spans[i, mine].mean()) if mine.any() else None,
            }
        out[condition] = {"sentences": int(everyone.sum()), "token_alpha": alpha, "per_annotator": rates}
    out["mixed_sentences"] = int((~all_shown & ~all_hidden).sum())
    out["note"] = (
        "agreement on sentences every annotator saw in the same condition; per annotator, the "
        "spans per sentence in each condition (the within-annotator comparison where a random "
        "share of sentences hides the suggestions)"
    )
    return out


# ------------------------------------------------------------------- quality


def _quality(store: Store, names: list[str], statuses: list[tuple], corpus: Corpus) -> dict:
    gold_done = sum(1 for _, annotator, status, *_ in statuses if annotator == GOLD and status == "done")
    gold: dict = {"available": gold_done > 0, "sentences": gold_done, "per_annotator": {}}
    if gold_done:
        labels = store.tagset().label_names
        for name in (n for n in names if n != GOLD):  # gold named among the annotators: not against itself
            pair = load_corpus(store, [name, GOLD], labels)
            if pair.n_sentences == 0:
                gold["per_annotator"][name] = None
                continue
            token = token_level(pair)
            span = span_level(pair)
            gold["per_annotator"][name] = {
                "sentences": pair.n_sentences,
                "token_alpha": token["krippendorff_alpha"],
                "per_label": {
                    label: {
                        "f1": span["per_label"][label]["exact_f1"],
                        "alpha": token["per_label"][label]["krippendorff_alpha"],
                    }
                    for label in labels
                },
            }
    else:
        gold["note"] = "no gold yet (adjudicate to make one, or add gold-check documents)"
    return {"gold": gold, "drift": _drift(names, statuses, corpus)}


def _drift(names: list[str], statuses: list[tuple], corpus: Corpus) -> dict:
    """Each annotator's mean Cohen's kappa (tokens) with the others, window by window of their work."""
    n_values = len(corpus.values)
    matrix = corpus.token_matrix().astype(np.int64)
    sentence = corpus.token_sentence
    tables: dict[tuple[int, int], np.ndarray] = {}
    for i, j in combinations(range(len(names)), 2):
        both = (matrix[i] != MISSING) & (matrix[j] != MISSING)
        code = (sentence[both] * n_values + matrix[i, both]) * n_values + matrix[j, both]
        tables[(i, j)] = np.bincount(code, minlength=corpus.n_sentences * n_values * n_values).reshape(
            corpus.n_sentences, n_values, n_values
        )
    index = {int(s): k for k, s in enumerate(corpus.sentence_ids.tolist())}
    ended: dict[str, dict[int, float]] = defaultdict(dict)
    for sentence_id, annotator, status, _, _, stamp in statuses:
        when = parse_stamp(stamp)
        if status == "done" and sentence_id in index and when is not None:
            ended[annotator][index[sentence_id]] = when
    out: dict = {}
    for i, name in enumerate(names):
        mine = np.flatnonzero(corpus.done[i] & (corpus.done.sum(axis=0) >= 2))
        times = np.array([ended[name].get(int(k), np.inf) for k in mine])
        order = mine[np.argsort(times, kind="stable")]
        times = np.sort(times)
        finite = times[np.isfinite(times)]
        weekly = len(finite) == len(times) and len(times) and finite[-1] - finite[0] >= 14 * 86400
        if weekly:
            week = ((times - times[0]) // (7 * 86400)).astype(int)
            groups = [order[week == w] for w in np.unique(week)]
            starts = [_iso(times[0] + w * 7 * 86400) for w in np.unique(week)]
            window = "week"
        else:
            size = 10 if len(order) <= 500 else int(math.ceil(len(order) / 50 / 10) * 10)
            groups = [order[k : k + size] for k in range(0, len(order), size)]
            starts = [f"sentences {k + 1}-{min(k + size, len(order))}" for k in range(0, len(order), size)]
            window = f"{size} sentences"
        points = []
        for group, start in zip(groups, starts):
            kappas = []
            for j in range(len(names)):
                if j == i:
                    continue
                table = tables[(min(i, j), max(i, j))][group].sum(axis=0)
                kappas.append(_num(kappa_from_contingency(table if i < j else table.T)))
            defined = [k for k in kappas if k is not None]
            points.append(
                {"window": start, "sentences": len(group), "mean_kappa": float(np.mean(defined)) if defined else None}
            )
        out[name] = {"window": window, "points": points}
    return {"per_annotator": out, "pairs": sorted(pair_key(a, b) for a, b in combinations(names, 2))}
