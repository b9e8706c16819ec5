"""The agreement report: every level's figures as plain dicts (the JSON contract).

`compute_report(store, ...)` is what `annotator agreement --json` prints and what the
UI's statistics screen shows. A figure that cannot be computed is None, and the level's
`warnings` list says why.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import combinations

import numpy as np

from ..store import Store
from .bootstrap import bootstrap_alpha
from .clusters import (
    BOOTSTRAP_UNITS,
    ClusterDraws,
    binary_item_coincidences,
    cluster_index,
    item_coincidences,
    percentile_interval,
    replicate_alphas,
)
from .coefficients import (
    METRICS,
    cohen_kappa,
    contingency,
    fleiss_kappa,
    kappa_from_contingency,
    krippendorff_alpha,
    mean_defined,
    percent_agreement,
    value_patterns,
)
from .matrices import (
    AgreementError,
    Corpus,
    Judgments,
    load_corpus,
    load_judgments,
    numeric_values,
    resolve_annotators,
)
from .span_bootstrap import span_counts, span_intervals
from .spans import distinct, span_f1
from .unitizing import alpha_u
from .unitizing_bootstrap import UnitizingResampler, alpha_u_intervals

LEVELS: tuple[str, ...] = ("sentence", "token", "span", "unitizing")
RELIABLE = 0.800
TENTATIVE = 0.667


def pair_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def reading(alpha: float | None, name: str = "alpha") -> str:
    """One line on alpha against Krippendorff's thresholds."""
    if alpha is None:
        return f"{name} cannot be computed (see the notes)."
    if alpha >= RELIABLE:
        verdict = "reliable (at least .800)"
    elif alpha >= TENTATIVE:
        verdict = "good enough only for tentative conclusions (at least .667, below .800)"
    else:
        verdict = "not reliable (below .667): revise the guidelines or retrain before drawing conclusions"
    return f"{name} = {alpha:.3f}: {verdict}."


# ------------------------------------------------------------------- coding


def _coding(
    matrix: np.ndarray,
    names: Sequence[str],
    values: Sequence[str],
    metric: str,
    numeric: Sequence[float] | None,
    warnings: list[str],
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    what: str = "units",
    interval_of: Callable[[], list[float] | None] | None = None,
) -> dict:
    """percent agreement, alpha, Fleiss and pairwise Cohen for one reliability matrix."""
    n_values = len(values)
    patterns = value_patterns(matrix, n_values)
    units = matrix.shape[1]
    result: dict = {"units": units}
    result["percent_agreement"] = _num(percent_agreement(patterns))
    alpha = _num(krippendorff_alpha(patterns, metric=metric, numeric=numeric))
    result["krippendorff_alpha"] = alpha
    used = int((patterns.counts.sum(axis=0) > 0).sum())
    if units == 0:
        warnings.append(f"no {what} rated by two or more of the annotators: nothing to compare")
    elif alpha is None:
        warnings.append(
            f"Krippendorff's alpha is undefined: only one value ({_only_value(patterns, values)}) "
            "was used, so there is no variation to agree on"
        )
    fleiss, fleiss_units = fleiss_kappa(patterns)
    result["fleiss_kappa"] = _num(fleiss)
    result["fleiss_units"] = fleiss_units
    if units and fleiss_units == 0:
        warnings.append(f"Fleiss' kappa needs {what} rated by all {len(names)} annotators; there are none")
    elif units and result["fleiss_kappa"] is None and used > 1:
        warnings.append(f"Fleiss' kappa is undefined: the {what} rated by all annotators show only one value")
    cohen: dict[str, float | None] = {}
    pair_units: dict[str, int] = {}
    for i, j in combinations(range(len(names)), 2):
        key = pair_key(names[i], names[j])
        kappa, n = cohen_kappa(matrix[i], matrix[j], n_values)
        cohen[key] = _num(kappa)
        pair_units[key] = n
        if n == 0:
            warnings.append(f"{key}: no {what} rated by both, so no Cohen's kappa")
        elif cohen[key] is None and used > 1:
            warnings.append(f"{key}: Cohen's kappa is undefined: both gave one and the same value throughout")
    result["cohen_kappa"] = dict(sorted(cohen.items()))
    result["pair_units"] = dict(sorted(pair_units.items()))
    result["mean_cohen_kappa"] = _num(mean_defined(v for v in cohen.values() if v is not None))
    if bootstrap:
        interval = None
        if alpha is not None and interval_of is not None:
            interval = interval_of()
        elif alpha is not None:
            interval = bootstrap_alpha(patterns, metric=metric, numeric=numeric, resamples=bootstrap, seed=seed)
        result["krippendorff_alpha_ci"] = list(interval) if interval else None
        if interval is None:
            warnings.append("no bootstrap interval: alpha is undefined on these data")
    return result


def _only_value(patterns, values: Sequence[str]) -> str:
    used = np.flatnonzero(patterns.counts.sum(axis=0))
    return ", ".join(repr(values[i]) for i in used) or "none"


def _level_head(level: str, names: Sequence[str], metric: str) -> dict:
    return {"level": level, "annotators": list(names), "metric": metric}


# -------------------------------------------------------------------- levels


def sentence_level(
    data: Judgments,
    metric: str,
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    judgment_name: str = "judgment",
    bootstrap_unit: str = "sentence",
) -> dict:
    warnings: list[str] = []
    numeric, from_positions = numeric_values(data.values)
    if metric in ("interval", "ratio") and from_positions:
        warnings.append(
            f"the {judgment_name} values are not numbers: the {metric} metric uses their positions 1..k in the tag set"
        )
    if data.unknown_values:
        warnings.append(
            f"judgment values not in the tag set: {', '.join(data.unknown_values)} (ordered after the tag set's values)"
        )
    result = _level_head("sentence", data.annotators, metric)
    interval_of = None
    if bootstrap and bootstrap_unit == "document":

        def interval_of() -> list[float] | None:
            cluster, n_clusters = cluster_index(data.document_ids)
            per_document = item_coincidences(data.matrix, len(data.values), cluster, n_clusters)
            draws = ClusterDraws(np.arange(n_clusters), n_clusters, bootstrap, seed)
            return percentile_interval(replicate_alphas(per_document, draws, metric, numeric))

    result.update(
        _coding(
            data.matrix,
            data.annotators,
            data.values,
            metric,
            numeric,
            warnings,
            bootstrap=bootstrap,
            seed=seed,
            what="sentences",
            interval_of=interval_of,
        )
    )
    result["warnings"] = warnings
    return result


def _sentence_draws(
    corpus: Corpus, bootstrap: int, seed: int | None, unit: str, sentences: np.ndarray | None = None
) -> ClusterDraws:
    """Replicates over the corpus's sentences (or the chosen ones), clustered by sentence or document."""
    chosen = np.arange(corpus.n_sentences) if sentences is None else np.flatnonzero(sentences)
    if unit == "document":
        cluster, n_clusters = cluster_index(corpus.document_ids[chosen])
    else:
        cluster, n_clusters = np.arange(len(chosen)), len(chosen)
    return ClusterDraws(cluster, n_clusters, bootstrap, seed)


def token_level(
    corpus: Corpus,
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    per_label: bool = True,
    bootstrap_unit: str = "sentence",
) -> dict:
    warnings: list[str] = []
    if corpus.unknown_labels:
        warnings.append(f"span labels not in the tag set: {', '.join(corpus.unknown_labels)}")
    result = _level_head("token", corpus.annotators, "nominal")
    matrix = corpus.token_matrix()
    draws = _sentence_draws(corpus, bootstrap, seed, bootstrap_unit) if bootstrap else None

    def interval_of() -> list[float] | None:
        per_sentence = item_coincidences(matrix, len(corpus.values), corpus.token_sentence, corpus.n_sentences)
        return percentile_interval(replicate_alphas(per_sentence, draws))

    result.update(
        _coding(
            matrix,
            corpus.annotators,
            corpus.values,
            "nominal",
            None,
            warnings,
            bootstrap=bootstrap,
            seed=seed,
            what="tokens",
            interval_of=interval_of if draws is not None else None,
        )
    )
    labels: dict[str, dict] = {}
    unused: list[str] = []
    for code, label in enumerate(corpus.labels if per_label else (), start=1):
        patterns, tables = corpus.label_tables(code)
        alpha = _num(krippendorff_alpha(patterns))
        cohen = {
            pair_key(corpus.annotators[i], corpus.annotators[j]): _num(kappa_from_contingency(table))
            for (i, j), table in tables.items()
        }
        labels[label] = {"krippendorff_alpha": alpha, "cohen_kappa": dict(sorted(cohen.items()))}
        if draws is not None:
            labels[label]["ci"] = _label_interval(corpus, code, draws) if alpha is not None else None
        if corpus.n_tokens and not patterns.counts[:, 1].any():
            unused.append(label)
            continue
        if alpha is None and corpus.n_tokens:
            warnings.append(f"{label}: alpha is undefined (every token rated has the label)")
        silent = [key for key, value in cohen.items() if value is None]
        if silent:
            warnings.append(
                f"{label}: Cohen's kappa is null for {', '.join(sorted(silent))} "
                "(neither used the label on the tokens both did, or no tokens in common)"
            )
    if unused:
        warnings.append(f"labels nobody used on these tokens (their figures are null): {', '.join(unused)}")
    if per_label:
        result["per_label"] = labels
    result["warnings"] = warnings
    return result


def _label_interval(corpus: Corpus, code: int, draws: ClusterDraws) -> list[float] | None:
    """The sentence-resampling interval of one label's binary alpha (present / absent per token)."""
    cov = corpus.coverage
    cell = distinct(cov.annotator[cov.label == code] * corpus.n_tokens + cov.token[cov.label == code])
    token = np.sort(cell % max(corpus.n_tokens, 1))
    starts = np.flatnonzero(np.diff(token, prepend=-1))
    ones = np.diff(np.append(starts, len(token)))
    marked = token[starts]
    per_sentence = binary_item_coincidences(
        corpus.done.sum(axis=0),
        np.diff(corpus.token_ptr),
        corpus.token_sentence[marked],
        corpus.raters_per_token[marked],
        ones,
    )
    return percentile_interval(replicate_alphas(per_sentence, draws))


def span_level(
    corpus: Corpus, *, bootstrap: int = 0, seed: int | None = None, bootstrap_unit: str = "sentence"
) -> dict:
    warnings: list[str] = []
    names = corpus.annotators
    result = _level_head("span", names, "f1")
    result["units"] = corpus.n_sentences
    counts = []
    pairs: dict[str, dict] = {}
    label_pairs: dict[str, dict[str, dict]] = {label: {} for label in corpus.labels}
    for i, j in combinations(range(len(names)), 2):
        key = pair_key(names[i], names[j])
        both = corpus.done[i] & corpus.done[j]
        a, b = corpus.spans_of(i, both), corpus.spans_of(j, both)
        scores = span_f1(a, b, labels=range(1, len(corpus.labels) + 1))
        if bootstrap:
            counts.append(span_counts(a, b, corpus.n_sentences, len(corpus.labels)))
        pairs[key] = {
            "exact_f1": _num(scores.exact_f1),
            "overlap_f1": _num(scores.overlap_f1),
            "unlabelled_f1": _num(scores.unlabelled_f1),
            "sentences": int(both.sum()),
            "spans": {names[i]: scores.spans_a, names[j]: scores.spans_b},
        }
        if not both.any():
            warnings.append(f"{key}: no sentence done by both")
        elif scores.spans_a + scores.spans_b == 0:
            warnings.append(
                f"{key}: neither marked a span on the {int(both.sum())} sentences both did, so F1 is undefined"
            )
        for code, label in enumerate(corpus.labels, start=1):
            exact, overlap = scores.per_label[code]
            label_pairs[label][key] = {"exact_f1": _num(exact), "overlap_f1": _num(overlap)}
    result["pairs"] = dict(sorted(pairs.items()))
    for measure in ("exact_f1", "overlap_f1", "unlabelled_f1"):
        result[f"mean_{measure}"] = _num(mean_defined(p[measure] for p in pairs.values() if p[measure] is not None))
    per_label = {}
    unused = []
    for label, by_pair in label_pairs.items():
        entry: dict = {
            measure: _num(mean_defined(p[measure] for p in by_pair.values() if p[measure] is not None))
            for measure in ("exact_f1", "overlap_f1")
        }
        entry["pairs"] = dict(sorted(by_pair.items()))
        per_label[label] = entry
        if all(p["exact_f1"] is None for p in by_pair.values()):
            unused.append(label)
    if unused and corpus.n_sentences:
        warnings.append(f"labels nobody used on these sentences (their F1 is null): {', '.join(unused)}")
    if bootstrap:
        intervals = span_intervals(counts, _sentence_draws(corpus, bootstrap, seed, bootstrap_unit))
        result["mean_exact_f1_ci"] = intervals["exact"] if result["mean_exact_f1"] is not None else None
        result["mean_overlap_f1_ci"] = intervals["overlap"] if result["mean_overlap_f1"] is not None else None
        for code, label in enumerate(corpus.labels, start=1):
            per_label[label]["ci"] = (
                intervals["per_label"].get(code) if per_label[label]["exact_f1"] is not None else None
            )
    result["per_label"] = per_label
    result["warnings"] = warnings
    return result


def unitizing_level(
    corpus: Corpus, *, bootstrap: int = 0, seed: int | None = None, bootstrap_unit: str = "sentence"
) -> dict:
    warnings: list[str] = []
    names = corpus.annotators
    result = _level_head("unitizing", names, "alpha_u")
    sentences, length, rater, start, end, category = corpus.continuum()
    result["units"] = sentences
    result["continuum_length"] = length
    per_label: dict[str, float | None] = {label: None for label in corpus.labels}
    if length == 0:
        warnings.append(f"no sentence was done by all {len(names)} annotators: the continuum is empty")
        result["alpha_u"] = None
    else:
        outcome = alpha_u(0, length, len(names), rater, start, end, category)
        result["alpha_u"] = _num(outcome.alpha)
        for code, entry in outcome.categories.items():
            per_label[corpus.labels[code]] = _num(entry.alpha)
        if not outcome.categories:
            warnings.append(f"no spans on the {sentences} sentences done by all annotators: alpha_U is undefined")
        unused = [label for label in corpus.labels if label and not (category == corpus.labels.index(label)).any()]
        if unused and outcome.categories:
            warnings.append(f"labels nobody used in the continuum (their alpha_U is null): {', '.join(unused)}")
    result["per_label"] = per_label
    if bootstrap:
        overall_ci, label_ci = None, {}
        if length and result["alpha_u"] is not None:
            everyone = corpus.done.all(axis=0)
            resampler = UnitizingResampler(len(names), corpus.lengths[everyone], rater, start, end, category)
            draws = _sentence_draws(corpus, bootstrap, seed, bootstrap_unit, everyone)
            points = {corpus.labels.index(label): value for label, value in per_label.items()}
            overall_ci, by_code = alpha_u_intervals(resampler, draws, result["alpha_u"], points)
            label_ci = {corpus.labels[code]: value for code, value in by_code.items()}
        else:
            warnings.append("no bootstrap interval: alpha_U is undefined on these data")
        result["alpha_u_ci"] = overall_ci
        # alpha_U's per_label holds plain numbers, so each label's interval sits beside it.
        result["per_label_ci"] = {label: label_ci.get(label) for label in corpus.labels}
    result["warnings"] = warnings
    return result


# -------------------------------------------------------------------- report


def _by_document(documents: np.ndarray, compute: Callable[[slice], dict]) -> dict[str, dict]:
    """The level's figures per document (units come in corpus order, so a document is one run)."""
    out: dict[str, dict] = {}
    names = documents.tolist()
    if not names:  # no unit in common: no document to break down
        return out
    bounds = [i for i in range(1, len(names)) if names[i] != names[i - 1]]
    for first, stop in zip([0, *bounds], [*bounds, len(names)]):
        entry = compute(slice(first, stop))
        entry.pop("per_label", None)
        out[names[first]] = entry
    return out


def compute_report(
    store: Store,
    *,
    level: str = "all",
    annotators: Sequence[str] | None = None,
    label: str | None = None,
    metric: str | None = None,
    by_document: bool = False,
    bootstrap: int = 0,
    seed: int | None = None,
    units: Sequence[int] | None = None,
    bootstrap_unit: str = "sentence",
) -> dict:
    """Agreement figures for one level (its dict) or all four ({level: dict}).

    `annotators` defaults to everyone who has annotated except gold. `label` keeps only
    that label's spans (token values become label-or-O). `metric` overrides the tag
    set's level of measurement for the sentence judgment. `bootstrap` > 0 adds
    `krippendorff_alpha_ci` (95%, resampling units, reproducible with `seed`).
    `units`, if given, keeps only those sentences (e.g. the sentences every compared
    annotator saw with suggestions on).
    Raises AgreementError when the question cannot be answered at all.
    """
    if level != "all" and level not in LEVELS:
        raise AgreementError(f"unknown level {level!r}; choose one of all, {', '.join(LEVELS)}")
    if metric is not None and metric not in METRICS:
        raise AgreementError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    if bootstrap < 0:
        raise AgreementError("--bootstrap must be a positive number of resamples")
    if bootstrap_unit not in BOOTSTRAP_UNITS:
        raise AgreementError(f"unknown bootstrap unit {bootstrap_unit!r}; choose one of {', '.join(BOOTSTRAP_UNITS)}")
    names = resolve_annotators(store, annotators)
    tagset = store.tagset()
    if label is not None and label not in tagset.label_names:
        raise AgreementError(f"unknown label {label!r}; the tag set has: {', '.join(tagset.label_names)}")
    wanted = LEVELS if level == "all" else (level,)
    report: dict[str, dict] = {}
    if "sentence" in wanted:
        judgments = load_judgments(store, names, tagset.judgment.values)
        if units is not None:
            judgments = judgments.subset(np.isin(judgments.sentence_ids, np.asarray(units, dtype=np.int64)))
        chosen = metric or tagset.judgment.level

        def sentences(mask: slice | None = None) -> dict:
            data = judgments if mask is None else judgments.subset(mask)
            return sentence_level(
                data,
                chosen,
                bootstrap=bootstrap if mask is None else 0,
                seed=seed,
                judgment_name=tagset.judgment.name,
                bootstrap_unit=bootstrap_unit,
            )

        report["sentence"] = sentences()
        if by_document:
            report["sentence"]["by_document"] = _by_document(judgments.document_ids, sentences)
    if {"token", "span", "unitizing"} & set(wanted):
        corpus = load_corpus(store, names, tagset.label_names, only_label=label)
        if units is not None:
            corpus = corpus.subset(np.isin(corpus.sentence_ids, np.asarray(units, dtype=np.int64)))
        builders = {
            "token": lambda c, top: token_level(
                c, bootstrap=bootstrap if top else 0, seed=seed, per_label=top, bootstrap_unit=bootstrap_unit
            ),
            "span": lambda c, top: span_level(
                c, bootstrap=bootstrap if top else 0, seed=seed, bootstrap_unit=bootstrap_unit
            ),
            "unitizing": lambda c, top: unitizing_level(
                c, bootstrap=bootstrap if top else 0, seed=seed, bootstrap_unit=bootstrap_unit
            ),
        }
        for name in ("token", "span", "unitizing"):
            if name not in wanted:
                continue
            build = builders[name]
            report[name] = build(corpus, True)
            if by_document:
                report[name]["by_document"] = _by_document(
                    corpus.document_ids, lambda mask, build=build: build(corpus.subset(mask), False)
                )
    return report if level == "all" else report[level]


def confusion(store: Store, first: str, second: str, *, label: str | None = None) -> dict:
    """Token-level label confusion between two annotators, over the sentences both did."""
    names = resolve_annotators(store, [first, second])
    tagset = store.tagset()
    corpus = load_corpus(store, names, tagset.label_names, only_label=label)
    matrix = corpus.token_matrix()
    table = contingency(matrix[0], matrix[1], len(corpus.values))
    return {
        "annotators": list(names),
        "labels": list(corpus.values),
        "matrix": table.tolist(),
        "units": int(table.sum()),
    }
