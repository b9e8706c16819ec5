"""The report as one self-contained HTML page.

Nothing on the page loads anything: the style is inline, the charts are inline SVG from
matplotlib, there is no script, and a Content-Security-Policy meta tag forbids every
fetch besides (so even a mistake here cannot reach the network). Every piece of text
from the project — document text, ids, names, labels, notes — goes through
`html.escape`; a label colour is used only if it is a #rrggbb hex value.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Sequence

from .charts import Chart

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 2rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.2rem; } h3 { margin-bottom: .3rem; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e4e4e4; padding: .2rem .6rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
figure { margin: 1rem 0 1.6rem; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #444; } code { font-size: .8rem; background: #f3f3f3; padding: 0 .2rem; }
.note { color: #7a5b00; } .muted { color: #777; }
.sentence { margin: .8rem 0 1.2rem; } .who { display: inline-block; min-width: 7rem; color: #555; }
.line { white-space: pre-wrap; margin: .1rem 0; } mark { padding: 0 .1rem; border-radius: 2px; }
nav a { margin-right: .8rem; }
"""


def e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _f(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ci(interval: Sequence[float] | None) -> str:
    return f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else ""


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[int] = ()) -> str:
    cells = "".join(f'<th class="{"n" if i in numeric else ""}">{e(h)}</th>' for i, h in enumerate(head))
    body = []
    for row in rows:
        body.append(
            "<tr>"
            + "".join(f'<td class="{"n" if i in numeric else ""}">{e(c)}</td>' for i, c in enumerate(row))
            + "</tr>"
        )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _note(text: str | None) -> str:
    return f'<p class="note">{e(text)}</p>' if text else ""


def _figure(charts: dict[str, Chart], chart_id: str, missing: str) -> str:
    chart = charts.get(chart_id)
    if chart is None:
        return f'<p class="muted">{e(missing)}</p>'
    return (
        f'<figure id="figure-{e(chart.id)}">{chart.svg}<figcaption><b>{e(chart.title)}</b> (n = {e(chart.n)}). '
        f"{e(chart.reading)}<br>Reproduce: <code>{e(chart.command)}</code></figcaption></figure>"
    )


def color(value: str | None) -> str:
    return value if isinstance(value, str) and _HEX.match(value) else "#999999"


def marked_text(text: str, spans: Sequence[dict], colors: dict[str, str]) -> str:
    """The sentence as escaped text, with each span a <mark> in its label's colour.

    Overlapping spans split the text at every boundary; a piece covered by several spans
    takes the shortest one's colour and names every label in its title."""
    bounds = sorted({0, len(text), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    pieces = []
    for start, end in itertools.pairwise(bounds):
        if start >= end or start < 0 or end > len(text):
            continue
        piece = e(text[start:end])
        covering = sorted(
            (s for s in spans if s["start"] <= start and end <= s["end"]),
            key=lambda s: (s["end"] - s["start"], s["label"]),
        )
        if covering:
            labels = ", ".join(dict.fromkeys(s["label"] for s in covering))
            tint = color(colors.get(covering[0]["label"]))
            pieces.append(
                f'<mark style="background:{tint}40;border-bottom:2px solid {tint}" title="{e(labels)}">{piece}</mark>'
            )
        else:
            pieces.append(piece)
    return "".join(pieces)


def render(report: dict, charts: Iterable[Chart]) -> str:
    by_id = {chart.id: chart for chart in charts}
    overview = report["overview"]
    colors = {label["name"]: label["color"] for label in overview["tagset"]["labels"]}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e(report['project'])}: annotation report</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(report['project'])}: annotation report</h1>",
        (
            f'<p class="muted">Generated {e(report["generated_at"])} for {e(", ".join(overview["annotators"]))}. '
            "Every number here is in <code>annotator report --json</code> with the same options.</p>"
        ),
        (
            '<nav><a href="#overview">Overview</a><a href="#progress">Progress</a><a href="#labels">Labels</a>'
            '<a href="#agreement">Agreement</a><a href="#suggestions">Suggestions</a><a href="#quality">Quality</a>'
            '<a href="#disagreements">Disagreements</a></nav>'
        ),
        _overview(report),
        _progress(report, by_id),
        _labels(report, by_id),
        _agreement(report, by_id),
        _suggestions(report, by_id),
        _quality(report, by_id),
        _disagreements(report, colors),
        "</body></html>",
    ]
    return "\n".join(parts)


def _overview(report: dict) -> str:
    o = report["overview"]
    rows = [(name, o["done"][name], o["skipped"][name]) for name in o["annotators"]]
    gold = o["gold"]
    share = "—" if gold["share"] is None else f"{gold['share']:.1%}"
    labels = [(label["name"], label["key"], label["description"]) for label in o["tagset"]["labels"]]
    judgment = o["tagset"]["judgment"]
    return "".join(
        [
            '<h2 id="overview">1. Overview</h2>',
            _table(
                ["documents", "sentences", "tokens", "annotators", "gold sentences"],
                [
                    (
                        o["documents"],
                        o["sentences"],
                        o["tokens"],
                        len(o["annotators"]),
                        f"{gold['sentences_done']} ({share})",
                    )
                ],
                numeric=range(5),
            ),
            _table(["annotator", "done", "skipped"], rows, numeric=(1, 2)),
            "<h3>Tag set</h3>",
            _table(["label", "key", "description"], labels),
            (
                f"<p>Sentence judgment <b>{e(judgment['name'])}</b> ({e(judgment['level'])}): "
                f"{e(', '.join(judgment['values']))}.</p>"
            ),
        ]
    )


def _progress(report: dict, charts: dict[str, Chart]) -> str:
    p = report["progress"]
    rows = []
    for name, a in p["per_annotator"].items():
        q = a["seconds_per_sentence"]
        rows.append(
            (
                name,
                a["done"],
                a["remaining"],
                a["timed_sentences"],
                _f(q["median"] if q else None, 1),
                _f(a["active_hours"], 2),
                _f(a["sentences_per_hour"], 1),
                _f(a["eta_hours"], 1),
            )
        )
    return "".join(
        [
            '<h2 id="progress">2. Progress and pace</h2>',
            _figure(charts, "progress", "No progress to plot yet."),
            (
                f"<p>Time on task: {e(p['timing_source'] or 'not recorded')}; each sentence counts at most "
                f"{p['idle_cap_seconds']:.0f} s (the idle cap). ETA = sentences not yet finished / sentences per hour.</p>"
            ),
            _note(p["timing_note"]),
            _note(p["timeline_note"]),
            _figure(charts, "time_on_task", "No time on task to plot."),
            _table(
                ["annotator", "done", "remaining", "timed", "median s", "active h", "sentences/h", "ETA h"],
                rows,
                numeric=range(1, 8),
            ),
        ]
    )


def _labels(report: dict, charts: dict[str, Chart]) -> str:
    counts = report["labels"]["per_annotator"]
    labels = [label["name"] for label in report["overview"]["tagset"]["labels"]]
    rows = [
        (
            name,
            *[counts[name].get(label, 0) for label in labels],
            _f(report["labels"]["spans_per_sentence"]["mean"].get(name), 2),
        )
        for name in counts
    ]
    return "".join(
        [
            '<h2 id="labels">3. Labels</h2>',
            _figure(charts, "labels", "No spans yet."),
            _table(["annotator", *labels, "spans/sentence"], rows, numeric=range(1, len(labels) + 2)),
            _figure(charts, "spans_per_sentence", "No done sentences yet."),
        ]
    )


def _agreement(report: dict, charts: dict[str, Chart]) -> str:
    a = report["agreement"]
    levels = a["levels"]
    s, t, sp, u = levels["sentence"], levels["token"], levels["span"], levels["unitizing"]
    rows = [
        (
            "sentence judgment",
            f"Krippendorff's alpha ({s['metric']})",
            _f(s["krippendorff_alpha"]) + _ci(s.get("krippendorff_alpha_ci")),
            s["units"],
        ),
        ("sentence judgment", "Fleiss' kappa", _f(s["fleiss_kappa"]), s["fleiss_units"]),
        (
            "token",
            "Krippendorff's alpha",
            _f(t["krippendorff_alpha"]) + _ci(t.get("krippendorff_alpha_ci")),
            t["units"],
        ),
        ("token", "mean Cohen's kappa", _f(t["mean_cohen_kappa"]), t["units"]),
        ("token", "percent agreement", _f(t["percent_agreement"]), t["units"]),
        ("span", "mean exact F1", _f(sp["mean_exact_f1"]) + _ci(sp.get("mean_exact_f1_ci")), sp["units"]),
        ("span", "mean overlap F1", _f(sp["mean_overlap_f1"]) + _ci(sp.get("mean_overlap_f1_ci")), sp["units"]),
        ("unitizing", "alpha_U", _f(u["alpha_u"]) + _ci(u.get("alpha_u_ci")), u["units"]),
    ]
    boot = report["options"]["bootstrap"]
    interval_note = (
        f"Intervals: 95% percentile, {boot} resamples of whole {report['options']['bootstrap_unit']}s."
        if boot
        else "No intervals: run with --bootstrap N (and --seed S to reproduce them)."
    )
    warnings = [f"{name}: {w}" for name, level in levels.items() for w in level["warnings"]]
    worst = [(r["document_id"], r["tokens"], _f(r["krippendorff_alpha"])) for r in a["worst_documents"]]
    return "".join(
        [
            '<h2 id="agreement">4. Agreement</h2>',
            _table(["level", "measure", "value", "n"], rows, numeric=(3,)),
            f"<p>{e(interval_note)} {e(a['readings']['token'])} Sentence judgment: {e(a['readings']['sentence'])}</p>",
            "".join(_note(w) for w in warnings),
            _figure(charts, "per_label_alpha", "No label used yet."),
            _figure(charts, "per_label_alpha_u", "No sentence done by every annotator yet."),
            _figure(charts, "pairwise_kappa", "No pairs."),
            _figure(charts, "token_confusion", "No tokens compared yet."),
            _figure(charts, "worst_documents", "No document has a defined alpha yet."),
            _table(["document", "tokens", "alpha"], worst, numeric=(1, 2)) if worst else "",
        ]
    )


def _suggestions(report: dict, charts: dict[str, Chart]) -> str:
    sg = report["suggestions"]
    entries = [
        (x["term"], x["label"], x["lexicon"], x["hits"], x["accepted"], x["rejected"], _f(x["precision"]))
        for x in sg["entries"]
    ]
    acceptance = [(n, x["shown"], x["accepted"], x["rejected"], _f(x["rate"])) for n, x in sg["acceptance"].items()]
    split = sg["shown_vs_hidden"]
    split_rows = [
        (
            c,
            split[c]["sentences"],
            _f(split[c]["token_alpha"]),
            *[_f(split[c]["per_annotator"][n]["spans_per_sentence"], 2) for n in split[c]["per_annotator"]],
        )
        for c in ("shown", "hidden")
    ]
    conditions = [
        (n, c["mode"] or "chosen by the annotator", "—" if c["share"] is None else f"{c['share']:.0%}")
        for n, c in sg["conditions"].items()
    ]
    return "".join(
        [
            '<h2 id="suggestions">5. Suggestions and their bias</h2>',
            _note(sg.get("note")),
            _figure(charts, "lexicon_precision", "No suggestion has been decided yet."),
            _table(
                ["term", "label", "lexicon", "hits", "accepted", "rejected", "precision"], entries, numeric=(3, 4, 5, 6)
            )
            if entries
            else "",
            f'<p class="muted">{e(sg["entries_total"])} entries with hits; the {len(entries)} most rejected shown.</p>'
            if entries
            else "",
            _figure(charts, "acceptance", "No decisions yet."),
            _table(
                ["annotator", "suggestions shown", "accepted", "rejected", "acceptance"],
                acceptance,
                numeric=(1, 2, 3, 4),
            ),
            _figure(
                charts,
                "shown_vs_hidden",
                "Not every condition has sentences yet (shown: 'on'; hidden: 'off', and 'after' until revealed).",
            ),
            _table(
                ["condition", "sentences", "token alpha", *split["shown"]["per_annotator"]],
                split_rows,
                numeric=range(1, 3 + len(split["shown"]["per_annotator"])),
            ),
            (
                f'<p class="muted">{e(split["note"])}; {split["mixed_sentences"]} sentences were seen in mixed '
                "conditions and are left out.</p>"
            ),
            _table(["annotator", "suggestion condition", "random share hidden"], conditions) if conditions else "",
        ]
    )


def _quality(report: dict, charts: dict[str, Chart]) -> str:
    gold = report["quality"]["gold"]
    labels = [label["name"] for label in report["overview"]["tagset"]["labels"]]
    rows = []
    for name, g in gold["per_annotator"].items():
        if g:
            rows.append(
                (
                    name,
                    g["sentences"],
                    _f(g["token_alpha"]),
                    *[f"{_f(g['per_label'][x]['f1'])} / {_f(g['per_label'][x]['alpha'])}" for x in labels],
                )
            )
    return "".join(
        [
            '<h2 id="quality">6. Quality</h2>',
            _note(gold.get("note")),
            _figure(charts, "gold_f1", "No annotator shares sentences with gold yet."),
            _table(
                ["annotator", "sentences", "token alpha", *[f"{x} F1 / alpha" for x in labels]], rows, numeric=(1, 2)
            )
            if rows
            else "",
            _figure(charts, "drift", "Not enough sentences for more than one window yet."),
        ]
    )


def _disagreements(report: dict, colors: dict[str, str]) -> str:
    d = report["disagreements"]
    if d is None:
        return (
            '<h2 id="disagreements">7. Disagreements</h2><p class="note">Left out: this report was written '
            "from the annotation workspace, which never shows one annotator another's annotations.</p>"
        )
    legend = " ".join(
        f'<mark style="background:{color(c)}40;border-bottom:2px solid {color(c)}">{e(n)}</mark>'
        for n, c in colors.items()
    )
    out = [
        '<h2 id="disagreements">7. Disagreements</h2>',
        (
            f"<p>The {len(d['sentences'])} sentences (of {d['total']}) with the most {e(d['measure'])}. "
            f"Labels: {legend}</p>"
        ),
    ]
    for item in d["sentences"]:
        out.append(
            f'<div class="sentence"><b>{e(item["document_id"])}</b> sentence {e(item["index"] + 1)}, '
            f"{e(item['disagreement'])} of {e(item['units'])} tokens differ"
        )
        for name, annotation in item["annotations"].items():
            state = "" if annotation["done"] else " (not done)"
            judgment = f" [{e(annotation['judgment'])}]" if annotation["judgment"] else ""
            out.append(
                f'<p class="line"><span class="who">{e(name)}{state}{judgment}</span>'
                f"{marked_text(item['text'], annotation['spans'], colors)}</p>"
            )
        out.append("</div>")
    return "".join(out)
