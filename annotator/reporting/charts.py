"""The report's charts, drawn with matplotlib from the report dict (never from the store).

Each chart is a `Chart`: an id (its file name under `--figures`), a title, its n, a
one-line reading, the command that gives its numbers, and the figure as SVG text (the
page inlines it) and, for `--figures`, as SVG and PDF files. Glyphs are drawn as paths
(`svg.fonttype = path`), so an SVG needs no font; names and labels reach matplotlib with
`$` escaped, so nobody's name is read as mathtext.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display, ever: the report is written by a command

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

RELIABLE, TENTATIVE = 0.800, 0.667
PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd")
STYLE = {
    "svg.fonttype": "path",
    "svg.hashsalt": "framing-annotator",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "pdf.fonttype": 42,
}


@dataclass
class Chart:
    id: str
    title: str
    n: str
    reading: str
    command: str
    svg: str = ""


def _t(text: object) -> str:
    """Text for matplotlib: a `$` would start mathtext."""
    return str(text).replace("$", r"\$")


def _colors(report: dict) -> dict[str, str]:
    return {label["name"]: label["color"] for label in report["overview"]["tagset"]["labels"]}


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


# --------------------------------------------------------------- the charts
# Each returns (figure, n, reading) or None when the project has no data for it.


def progress_over_time(report: dict):
    progress = report["progress"]
    if progress["timeline_note"] or not any(progress["timeline"].values()):
        fig, ax = plt.subplots(figsize=(6.4, 2.6))
        names = report["overview"]["annotators"]
        done = [progress["per_annotator"][n]["done"] for n in names]
        ax.barh([_t(n) for n in names], done, color=PALETTE[0])
        ax.axvline(progress["sentences"], color="#888", linestyle="--", linewidth=1)
        ax.set_xlabel(f"sentences done (dashed: all {progress['sentences']:,})")
        ax.invert_yaxis()
        return fig, f"{sum(done):,} sentences done", "No finish times to plot a pace: sentences done per annotator."
    from datetime import datetime

    fig, ax = plt.subplots(figsize=(6.4, 3))
    for k, (name, points) in enumerate(progress["timeline"].items()):
        if points:
            when = [datetime.fromisoformat(p[0].replace("Z", "+00:00")) for p in points]
            ax.plot(when, [p[1] for p in points], label=_t(name), color=PALETTE[k % len(PALETTE)], linewidth=1.5)
    ax.set_ylabel("sentences done")
    ax.legend(frameon=False, fontsize=8)
    fig.autofmt_xdate()
    total = sum(p["finished"] for p in progress["per_annotator"].values())
    return fig, f"{total:,} sentences finished", "Steeper is faster; a flat stretch is a pause."


def time_on_task(report: dict):
    progress = report["progress"]
    rows = [(n, p["seconds_per_sentence"]) for n, p in progress["per_annotator"].items() if p["seconds_per_sentence"]]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 1.6 + 0.45 * len(rows)))
    stats = [
        {
            "med": q["median"],
            "q1": q["q1"],
            "q3": q["q3"],
            "whislo": q["whisker_low"],
            "whishi": q["whisker_high"],
            "label": _t(n),
            "fliers": [],
        }
        for n, q in rows
    ]
    ax.bxp(
        stats,
        orientation="horizontal",
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": "#dde6f3"},
        medianprops={"color": PALETTE[3]},
    )
    ax.invert_yaxis()
    ax.set_xlabel(f"active seconds per sentence (each capped at {progress['idle_cap_seconds']:.0f} s)")
    n = sum(q["n"] for _, q in rows)
    medians = ", ".join(f"{name} {q['median']:.0f} s" for name, q in rows)
    return fig, f"{n:,} timed sentences", f"Median time per sentence: {medians}."


def labels_per_annotator(report: dict):
    counts = report["labels"]["per_annotator"]
    names = list(counts)
    labels = [label["name"] for label in report["overview"]["tagset"]["labels"]]
    colors = _colors(report)
    fig, ax = plt.subplots(figsize=(6.4, 2.2 + 0.4 * len(names)))
    left = np.zeros(len(names))
    for label in labels:
        values = np.array([counts[n].get(label, 0) for n in names], dtype=float)
        ax.barh([_t(n) for n in names], values, left=left, color=colors.get(label, "#888"), label=_t(label))
        left += values
    ax.invert_yaxis()
    ax.set_xlabel("spans on done sentences")
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    total = int(left.sum())
    return fig, f"{total:,} spans", "Bars of different lengths or mixes show annotators who label differently."


def spans_per_sentence(report: dict):
    histogram = report["labels"]["spans_per_sentence"]["histogram"]
    names = [n for n in histogram if histogram[n]]
    if not names:
        return None
    top = 6
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    width = 0.8 / len(names)
    for k, name in enumerate(names):
        bins = histogram[name]
        total = sum(bins.values())
        shares = [bins.get(str(b), 0) / total for b in range(top)]
        shares.append(sum(v for b, v in bins.items() if int(b) >= top) / total)
        ax.bar(np.arange(top + 1) + k * width, shares, width, label=_t(name), color=PALETTE[k % len(PALETTE)])
    ax.set_xticks(np.arange(top + 1) + 0.4 - width / 2, [*map(str, range(top)), f"{top}+"])
    ax.set_xlabel("spans in a done sentence")
    ax.set_ylabel("share of sentences")
    ax.legend(frameon=False, fontsize=8)
    means = report["labels"]["spans_per_sentence"]["mean"]
    return (
        fig,
        f"{sum(sum(histogram[n].values()) for n in names):,} done sentences",
        "Mean spans per sentence: " + ", ".join(f"{n} {_fmt(means[n])}" for n in names) + ".",
    )


def _dots(entries: list[tuple[str, float | None, list[float] | None]], what: str):
    fig, ax = plt.subplots(figsize=(6.4, 1.6 + 0.35 * len(entries)))
    for y, (_label, value, ci) in enumerate(entries):
        if value is None:
            continue
        if ci:
            ax.plot(ci, [y, y], color="#555", linewidth=1.5)
        ax.plot([value], [y], "o", color=PALETTE[0])
    ax.axvline(TENTATIVE, color="#c44e52", linestyle=":", linewidth=1)
    ax.axvline(RELIABLE, color="#55a868", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(entries)), [_t(e[0]) for e in entries])
    ax.set_ylim(len(entries) - 0.5, -0.5)
    low = min(
        [0.0]
        + [min(e[2][0], e[1]) for e in entries if e[1] is not None and e[2]]
        + [e[1] for e in entries if e[1] is not None]
    )
    ax.set_xlim(max(-1.0, low - 0.05), 1.02)
    ax.set_xlabel(f"{what} (dotted .667, dashed .800)")
    return fig


def per_label_alpha(report: dict):
    token = report["agreement"]["levels"]["token"]
    entries = [(label, e["krippendorff_alpha"], e.get("ci")) for label, e in token["per_label"].items()]
    if not any(e[1] is not None for e in entries):
        return None
    note = _label_note(entries)
    if not any(e[2] for e in entries):
        note += " No intervals: run with --bootstrap N."
    used = [e for e in entries if e[1] is not None]
    return _dots(used, "Krippendorff's alpha per label (tokens)"), f"{token['units']:,} tokens", note


def _label_note(entries: list[tuple[str, float | None, list[float] | None]]) -> str:
    weak = [label for label, value, _ in entries if value is not None and value < TENTATIVE]
    unused = [label for label, value, _ in entries if value is None]
    note = f"Below .667: {', '.join(weak)}." if weak else "Every used label reaches .667."
    return note + (f" Not shown (undefined, mostly unused): {', '.join(unused)}." if unused else "")


def per_label_alpha_u(report: dict):
    unit = report["agreement"]["levels"]["unitizing"]
    intervals = unit.get("per_label_ci", {})
    entries = [(label, value, intervals.get(label)) for label, value in unit["per_label"].items()]
    if not any(e[1] is not None for e in entries):
        return None
    note = _label_note(entries)
    return (
        _dots([e for e in entries if e[1] is not None], "alpha_U per label"),
        (f"{unit['units']:,} sentences done by all, {unit['continuum_length']:,} characters"),
        note,
    )


def _heatmap(
    ax,
    values: np.ndarray,
    rows: list[str],
    columns: list[str],
    fmt: Callable[[float], str],
    cmap: str,
    vmin: float | None = None,
    vmax: float | None = None,
):
    shown = np.ma.masked_invalid(values.astype(float))
    image = ax.imshow(shown, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(columns)), [_t(c) for c in columns], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), [_t(r) for r in rows])
    top = np.nanmax(values) if np.isfinite(values).any() else 1
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            light = (value - (vmin or 0)) / ((vmax or top) - (vmin or 0) or 1) > 0.6
            ax.text(j, i, fmt(value), ha="center", va="center", fontsize=7, color="white" if light else "black")
    return image


def pairwise_kappa(report: dict):
    token = report["agreement"]["levels"]["token"]
    names = token["annotators"]
    values = np.full((len(names), len(names)), np.nan)
    for i, a in enumerate(names):
        values[i, i] = 1.0
        for j, b in enumerate(names):
            kappa = token["cohen_kappa"].get("|".join(sorted((a, b))))
            if i != j and kappa is not None:
                values[i, j] = kappa
    size = 1.6 + 0.55 * len(names)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    image = _heatmap(ax, values, names, names, lambda v: f"{v:.2f}", "viridis", 0, 1)
    fig.colorbar(image, ax=ax, fraction=0.05)
    pairs = token["cohen_kappa"]
    defined = {k: v for k, v in pairs.items() if v is not None}
    note = (
        (
            f"Weakest pair {min(defined, key=defined.get)} ({min(defined.values()):.3f}), strongest "
            f"{max(defined, key=defined.get)} ({max(defined.values()):.3f})."
        )
        if defined
        else "No pair is defined."
    )
    return fig, f"{len(pairs)} pairs, {token['units']:,} tokens", note


def token_confusion(report: dict):
    confusion = report["agreement"]["confusion"]
    matrix = np.array(confusion["matrix"], dtype=float)
    if matrix.sum() == 0:
        return None
    labels = confusion["labels"]
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    size = 2 + 0.5 * len(labels)
    fig, ax = plt.subplots(figsize=(size + 1.4, size))
    image = _heatmap(ax, shares, labels, labels, lambda v: f"{v:.2f}", "Blues", 0, 1)
    fig.colorbar(image, ax=ax, fraction=0.05)
    ax.set_xlabel("the other annotator's label")
    ax.set_ylabel("one annotator's label (row shares)")
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    i, j = np.unravel_index(int(off.argmax()), off.shape)
    return (
        fig,
        f"{int(matrix.sum() / 2):,} token pairs ({confusion['pairs']} annotator pairs)",
        f"Most frequent confusion: {labels[i]} against {labels[j]} ({int(off[i, j]):,} tokens).",
    )


def worst_documents(report: dict):
    rows = report["agreement"]["worst_documents"]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 1.6 + 0.28 * len(rows)))
    ax.barh([_t(r["document_id"][:40]) for r in rows], [r["krippendorff_alpha"] for r in rows], color=PALETTE[3])
    ax.axvline(TENTATIVE, color="#c44e52", linestyle=":", linewidth=1)
    ax.axvline(RELIABLE, color="#55a868", linestyle="--", linewidth=1)
    ax.invert_yaxis()
    ax.set_xlabel("Krippendorff's alpha (tokens) per document")
    return (
        fig,
        f"the {len(rows)} lowest of the documents",
        (f"Lowest: {rows[0]['document_id']} ({rows[0]['krippendorff_alpha']:.3f} over {rows[0]['tokens']:,} tokens)."),
    )


def lexicon_precision(report: dict):
    entries = [e for e in report["suggestions"]["entries"] if e["accepted"] + e["rejected"]]
    if not entries:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 1.6 + 0.28 * len(entries)))
    names = [_t(f"{e['term']} ({e['label']})"[:40]) for e in entries]
    ax.barh(names, [e["accepted"] for e in entries], color=PALETTE[2], label="accepted")
    ax.barh(
        names,
        [e["rejected"] for e in entries],
        left=[e["accepted"] for e in entries],
        color=PALETTE[3],
        label="rejected",
    )
    ax.invert_yaxis()
    ax.set_xlabel("decisions (most rejected first)")
    ax.legend(frameon=False, fontsize=8)
    worst = entries[0]
    return (
        fig,
        f"{sum(e['accepted'] + e['rejected'] for e in entries):,} decisions on {len(entries)} entries",
        f"Most rejected: {worst['term']} ({worst['rejected']} rejected, precision {_fmt(worst['precision'])}).",
    )


def acceptance(report: dict):
    rows = {n: a for n, a in report["suggestions"]["acceptance"].items() if a["accepted"] + a["rejected"]}
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 1.6 + 0.4 * len(rows)))
    ax.barh([_t(n) for n in rows], [a["rate"] for a in rows.values()], color=PALETTE[0])
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("share of decided suggestions accepted")
    rates = ", ".join(f"{n} {a['rate']:.0%}" for n, a in rows.items())
    return (
        fig,
        f"{sum(a['accepted'] + a['rejected'] for a in rows.values()):,} decisions",
        f"Acceptance: {rates}. Very high acceptance can mean suggestions steer the labels.",
    )


def shown_vs_hidden(report: dict):
    split = report["suggestions"]["shown_vs_hidden"]
    if not split["shown"]["sentences"] or not split["hidden"]["sentences"]:
        return None
    names = list(split["shown"]["per_annotator"])
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    for k, condition in enumerate(("shown", "hidden")):
        values = [split[condition]["per_annotator"][n]["spans_per_sentence"] or 0 for n in names]
        ax.bar(np.arange(len(names)) + k * 0.4, values, 0.4, label=f"suggestions {condition}", color=PALETTE[k])
    ax.set_xticks(np.arange(len(names)) + 0.2, [_t(n) for n in names])
    ax.set_ylabel("spans per done sentence")
    ax.legend(frameon=False, fontsize=8)
    return (
        fig,
        f"{split['shown']['sentences']:,} shown, {split['hidden']['sentences']:,} hidden sentences",
        (
            f"Token alpha with suggestions shown {_fmt(split['shown']['token_alpha'])}, hidden "
            f"{_fmt(split['hidden']['token_alpha'])}."
        ),
    )


def gold_f1(report: dict):
    gold = report["quality"]["gold"]
    rows = {n: g for n, g in gold["per_annotator"].items() if g}
    if not gold["available"] or not rows:
        return None
    labels = [label["name"] for label in report["overview"]["tagset"]["labels"]]
    fig, ax = plt.subplots(figsize=(6.4, 3))
    width = 0.8 / len(rows)
    for k, (name, g) in enumerate(rows.items()):
        values = [g["per_label"][label]["f1"] or 0 for label in labels]
        ax.bar(np.arange(len(labels)) + k * width, values, width, label=_t(name), color=PALETTE[k % len(PALETTE)])
    ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2, [_t(label) for label in labels], rotation=30, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("exact span F1 against gold")
    ax.legend(frameon=False, fontsize=8)
    alphas = ", ".join(f"{n} {_fmt(g['token_alpha'])}" for n, g in rows.items())
    return fig, f"{gold['sentences']:,} gold sentences", f"Token alpha with gold: {alphas}."


def drift(report: dict):
    per = report["quality"]["drift"]["per_annotator"]
    if not any(len(d["points"]) > 1 for d in per.values()):
        return None
    fig, ax = plt.subplots(figsize=(6.4, 3))
    for k, (name, d) in enumerate(per.items()):
        values = [p["mean_kappa"] if p["mean_kappa"] is not None else math.nan for p in d["points"]]
        ax.plot(
            range(1, len(values) + 1), values, marker="o", markersize=3, label=_t(name), color=PALETTE[k % len(PALETTE)]
        )
    ax.axhline(TENTATIVE, color="#c44e52", linestyle=":", linewidth=1)
    ax.axhline(RELIABLE, color="#55a868", linestyle="--", linewidth=1)
    window = next(iter(per.values()))["window"]
    ax.set_xlabel(f"window of each annotator's own work ({window} each, in the order they finished)")
    ax.set_ylabel("mean Cohen's kappa with the others")
    ax.legend(frameon=False, fontsize=8)
    n = sum(p["sentences"] for d in per.values() for p in d["points"])
    return fig, f"{n:,} sentences in windows", "A line that sinks is an annotator drifting from the others."


# ------------------------------------------------------------------- making

SPECS: tuple[tuple[str, str, Callable, str], ...] = (
    ("progress", "Sentences done over time", progress_over_time, "report --json: progress.timeline"),
    ("time_on_task", "Active time per sentence", time_on_task, "report --json: progress.per_annotator"),
    ("labels", "Labels per annotator", labels_per_annotator, "report --json: labels.per_annotator"),
    ("spans_per_sentence", "Spans per sentence", spans_per_sentence, "report --json: labels.spans_per_sentence"),
    ("per_label_alpha", "Per-label alpha (tokens)", per_label_alpha, "agreement --level token --json"),
    ("per_label_alpha_u", "Per-label alpha_U", per_label_alpha_u, "agreement --level unitizing --json"),
    ("pairwise_kappa", "Pairwise Cohen's kappa (tokens)", pairwise_kappa, "agreement --level token --json"),
    ("token_confusion", "Token label confusion (all pairs)", token_confusion, "agreement --confusion A,B --json"),
    (
        "worst_documents",
        "Agreement per document (the worst 20)",
        worst_documents,
        "agreement --level token --by document --json",
    ),
    ("lexicon_precision", "Lexicon entries by rejections", lexicon_precision, "lexicon stats --json"),
    ("acceptance", "Suggestion acceptance per annotator", acceptance, "report --json: suggestions.acceptance"),
    (
        "shown_vs_hidden",
        "Suggestions shown against hidden",
        shown_vs_hidden,
        "report --json: suggestions.shown_vs_hidden",
    ),
    ("gold_f1", "Each annotator against gold", gold_f1, "report --json: quality.gold"),
    ("drift", "Agreement with the others over time", drift, "report --json: quality.drift"),
)


def _options(report: dict, *, agreement: bool) -> str:
    options = report["options"]
    parts = []
    if options["annotators_given"]:
        parts.append(f"--annotators {','.join(options['annotators'])}")
    if agreement and options["bootstrap"]:
        parts.append(f"--bootstrap {options['bootstrap']}")
        if options["seed"] is not None:
            parts.append(f"--seed {options['seed']}")
        if options["bootstrap_unit"] != "sentence":
            parts.append(f"--bootstrap-unit {options['bootstrap_unit']}")
    return " ".join(parts)


def make_charts(report: dict, figures: Path | None = None) -> Iterator[Chart]:
    """Draw every chart the data allows; with `figures`, also write <id>.svg and <id>.pdf there."""
    with plt.rc_context(STYLE):
        for chart_id, title, draw, source in SPECS:
            made = draw(report)
            if made is None:
                continue
            fig, n, note = made
            fig.suptitle(_t(title), fontsize=10, x=0.01, ha="left")
            fig.tight_layout()
            if source.startswith("report"):
                numbers = f"annotator report {_options(report, agreement=True)} --json ({source.split(': ')[1]})"
            elif source.startswith("agreement --confusion"):
                numbers = "annotator " + source
            else:
                numbers = f"annotator {source} {_options(report, agreement=source.startswith('agreement'))}".rstrip()
            figure_command = f"annotator report {_options(report, agreement=True)} --figures DIR".replace("  ", " ")
            chart = Chart(chart_id, title, n, note, f"{numbers}; figure: {figure_command} ({chart_id}.svg, .pdf)")
            chart.svg = _svg(fig)
            if figures is not None:
                figures.mkdir(parents=True, exist_ok=True)
                fig.savefig(figures / f"{chart_id}.svg", format="svg", metadata={"Date": None})
                fig.savefig(figures / f"{chart_id}.pdf", format="pdf", metadata={"CreationDate": None})
            plt.close(fig)
            yield chart


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # Inline SVG in HTML: drop the XML declaration and DOCTYPE, keep the <svg> element.
    return text[text.index("<svg") :]
