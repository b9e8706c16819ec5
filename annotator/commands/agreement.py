"""Agreement commands: agreement (figures, confusion matrix) and disagreements (drill-down)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..model import Tagset
from ..textnorm import visible
from .common import db_option, json_option, out, print_json, project

# The agreement core (numpy) loads only when these commands run, not for every command.
LEVELS = ("sentence", "token", "span", "unitizing")
DRILL_LEVELS = ("token", "span", "sentence")
METRIC_CHOICES = ("nominal", "ordinal", "interval", "ratio")
NOTE = Style(color="yellow", dim=True)


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise click.BadParameter("give names separated by commas, e.g. ana,budi", param_hint="--annotators")
    return names


@click.command()
@db_option
@click.option("--level", type=click.Choice(["all", *LEVELS]), default="all", show_default=True,
              help="sentence: judgments; token: labels per token; span: span F1; unitizing: alpha_U.")
@click.option("--annotators", metavar="A,B,...",
              help="Annotators to compare (default: everyone who has annotated, except gold).")
@click.option("--label", metavar="LABEL", help="Only this label: other labels' spans are left out.")
@click.option("--metric", type=click.Choice(METRIC_CHOICES),
              help="Level of measurement for the sentence judgment (default: the tag set's).")
@click.option("--by", "by", type=click.Choice(["document"]), help="Also break the figures down by document.")
@click.option("--bootstrap", type=click.IntRange(min=1), metavar="N",
              help="Add a 95% interval for alpha from N resamples of the units.")
@click.option("--seed", type=int, help="Random seed for --bootstrap, so the interval can be reproduced.")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print the figures as CSV rows (level, scope, measure, value, n).")
@click.option("--confusion", "confusion_pair", metavar="A,B",
              help="Print the token-level label confusion matrix between two annotators instead.")
def agreement(db_path: Path, level: str, annotators: str | None, label: str | None, metric: str | None,
              by: str | None, bootstrap: int | None, seed: int | None, as_json: bool, as_csv: bool,
              confusion_pair: str | None) -> None:
    """Inter-annotator agreement: sentence, token, span and unitizing levels.

    Alpha reads against Krippendorff's thresholds: at least .800 reliable, at least
    .667 good only for tentative conclusions.
    """
    from ..agreement.report import compute_report, confusion

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    with project(db_path) as store:
        if confusion_pair is not None:
            pair = _names(confusion_pair) or []
            if len(pair) != 2:
                raise click.BadParameter("give exactly two annotators, e.g. ana,budi", param_hint="--confusion")
            result = confusion(store, pair[0], pair[1], label=label)
            if as_json:
                print_json(result)
            elif as_csv:
                _confusion_csv(result)
            else:
                _print_confusion(result, store.tagset())
            return
        report = compute_report(
            store, level=level, annotators=_names(annotators), label=label, metric=metric,
            by_document=by == "document", bootstrap=bootstrap or 0, seed=seed,
        )  # fmt: skip
        levels = report if level == "all" else {level: report}
        if as_json:
            print_json(report)
        elif as_csv:
            _print_csv(levels)
        else:
            _print_report(levels, store.tagset(), label)


@click.command()
@db_option
@click.option("--level", type=click.Choice(DRILL_LEVELS), default="token", show_default=True,
              help="token: tokens with differing labels; span: spans not marked by everyone; sentence: judgments.")
@click.option("--annotators", metavar="A,B,...",
              help="Annotators to compare (default: everyone who has annotated, except gold).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Show at most N sentences.")
@json_option
def disagreements(db_path: Path, level: str, annotators: str | None, limit: int, as_json: bool) -> None:
    """Sentences ranked by disagreement, with every annotator's spans or judgment side by side."""
    from ..agreement.drilldown import rank_disagreements

    with project(db_path) as store:
        result = rank_disagreements(store, level=level, annotators=_names(annotators), limit=limit)
        if as_json:
            print_json(result)
        else:
            _print_disagreements(result, store.tagset())


# -------------------------------------------------------------------- tables


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _reading(alpha: float | None, name: str = "alpha") -> str:
    from ..agreement.report import reading

    return reading(alpha, name)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _notes(warnings: list[str]) -> None:
    for warning in warnings:
        out.print(Text(f"note: {visible(warning)}", style=NOTE))


def _names_line(names: list[str]) -> str:
    return ", ".join(visible(n) for n in names)


def _print_report(levels: dict[str, dict], tagset: Tagset, label: str | None) -> None:
    first = next(iter(levels.values()))
    heading = f"Agreement among {_names_line(first['annotators'])} ({len(first['annotators'])} annotators)"
    if label:
        heading += f", label {visible(label)} only"
    out.print(Text(heading, style="bold"))
    for name, data in levels.items():
        out.print()
        {"sentence": _print_coding, "token": _print_coding, "span": _print_span, "unitizing": _print_unitizing}[
            name
        ](data, tagset)
        if "by_document" in data:
            _print_by_document(data)
        _notes(data["warnings"])


def _print_coding(data: dict, tagset: Tagset) -> None:
    if data["level"] == "sentence":
        title = (f"Sentence level: judgment {tagset.judgment.name!r} ({data['metric']}), "
                 f"{data['units']} sentences judged by two or more")
    else:
        title = f"Token level: label or O per token, {data['units']} tokens of sentences done by two or more"
    out.print(Text(title, style="bold"))
    table = Table("measure", "value", "n")
    alpha = _fmt(data["krippendorff_alpha"])
    interval = data.get("krippendorff_alpha_ci")
    if interval:
        alpha += f"  [{interval[0]:.3f}, {interval[1]:.3f}]"
    elif "krippendorff_alpha_ci" in data:
        alpha += "  [no interval]"
    table.add_row(f"Krippendorff's alpha ({data['metric']})", alpha, str(data["units"]))
    table.add_row("Fleiss' kappa (units rated by all)", _fmt(data["fleiss_kappa"]), str(data["fleiss_units"]))
    table.add_row("Percent agreement", _pct(data["percent_agreement"]), str(data["units"]))
    table.add_row("Cohen's kappa, mean over pairs", _fmt(data["mean_cohen_kappa"]), "")
    for key, value in data["cohen_kappa"].items():
        table.add_row(Text(f"Cohen's kappa {visible(key)}"), _fmt(value), str(data["pair_units"][key]))
    out.print(table)
    out.print(Text("Reading: " + _reading(data["krippendorff_alpha"])))
    if data["level"] == "token" and data.get("per_label"):
        pairs = list(data["cohen_kappa"])
        per_pair = len(pairs) <= 3
        labels = Table()
        labels.add_column("label", no_wrap=True)
        labels.add_column("alpha")
        for header in [f"kappa {visible(p)}" for p in pairs] if per_pair else ["mean kappa"]:
            labels.add_column(header)
        for name, entry in data["per_label"].items():
            kappas = entry["cohen_kappa"]
            if per_pair:
                cells = [_fmt(kappas[p]) for p in pairs]
            else:
                defined = [v for v in kappas.values() if v is not None]
                cells = [_fmt(sum(defined) / len(defined) if defined else None)]
            labels.add_row(_label_text(name, tagset), _fmt(entry["krippendorff_alpha"]), *cells)
        out.print(labels)


def _print_span(data: dict, tagset: Tagset) -> None:
    out.print(Text(f"Span level: F1 between pairs, over the sentences both did ({data['units']} sentences "
                   "done by two or more)", style="bold"))
    table = Table("pair", "exact F1", "overlap F1", "unlabelled F1", "sentences", "spans")
    for key, pair in data["pairs"].items():
        spans = " / ".join(f"{visible(n)} {c}" for n, c in pair["spans"].items())
        table.add_row(Text(visible(key)), _fmt(pair["exact_f1"]), _fmt(pair["overlap_f1"]),
                      _fmt(pair["unlabelled_f1"]), str(pair["sentences"]), Text(spans))
    if len(data["pairs"]) > 1:
        table.add_row("mean", _fmt(data["mean_exact_f1"]), _fmt(data["mean_overlap_f1"]),
                      _fmt(data["mean_unlabelled_f1"]), "", "")
    out.print(table)
    labels = Table("label", "exact F1", "overlap F1")
    for name, entry in data["per_label"].items():
        labels.add_row(_label_text(name, tagset), _fmt(entry["exact_f1"]), _fmt(entry["overlap_f1"]))
    out.print(labels)
    out.print(Text("Exact: same start, end and label. Overlap: at least one shared character and the same label. "
                   "Unlabelled: same start and end.", style="dim"))


def _print_unitizing(data: dict, tagset: Tagset) -> None:
    out.print(Text(f"Unitizing: Krippendorff's alpha_U over {data['units']} sentences "
                   f"({data['continuum_length']} characters) done by all annotators", style="bold"))
    table = Table("label", "alpha_U")
    for name, value in data["per_label"].items():
        table.add_row(_label_text(name, tagset), _fmt(value))
    table.add_row(Text("all labels", style="bold"), _fmt(data["alpha_u"]))
    out.print(table)
    out.print(Text("Reading: " + _reading(data["alpha_u"], "alpha_U")))


def _print_by_document(data: dict) -> None:
    measure = {"sentence": "krippendorff_alpha", "token": "krippendorff_alpha", "span": "mean_exact_f1",
               "unitizing": "alpha_u"}[data["level"]]
    table = Table("document", "n", measure.replace("_", " "))
    for document, entry in data["by_document"].items():
        table.add_row(Text(visible(document)), str(entry["units"]), _fmt(entry[measure]))
    out.print(table)


def _label_text(name: str, tagset: Tagset) -> Text:
    label = tagset.label(name)
    return Text(visible(name), style=Style(color=label.color, bold=True) if label else Style(bold=True))


# ----------------------------------------------------------------------- CSV


def _csv_rows(name: str, data: dict, scope_prefix: str = "") -> list[tuple]:
    rows: list[tuple] = []
    scope = scope_prefix or "all"
    units = data.get("units")
    if name in ("sentence", "token"):
        rows.append((name, scope, "krippendorff_alpha", data["krippendorff_alpha"], units))
        interval = data.get("krippendorff_alpha_ci")
        if interval:
            rows.append((name, scope, "krippendorff_alpha_ci_low", interval[0], units))
            rows.append((name, scope, "krippendorff_alpha_ci_high", interval[1], units))
        rows.append((name, scope, "percent_agreement", data["percent_agreement"], units))
        rows.append((name, scope, "fleiss_kappa", data["fleiss_kappa"], data["fleiss_units"]))
        rows.append((name, scope, "mean_cohen_kappa", data["mean_cohen_kappa"], None))
        for key, value in data["cohen_kappa"].items():
            rows.append((name, f"{scope_prefix}pair:{key}", "cohen_kappa", value, data["pair_units"][key]))
        for label, entry in data.get("per_label", {}).items():
            rows.append((name, f"label:{label}", "krippendorff_alpha", entry["krippendorff_alpha"], units))
            for key, value in entry["cohen_kappa"].items():
                rows.append((name, f"label:{label} pair:{key}", "cohen_kappa", value, None))
    elif name == "span":
        for key, pair in data["pairs"].items():
            for measure in ("exact_f1", "overlap_f1", "unlabelled_f1"):
                rows.append((name, f"{scope_prefix}pair:{key}", measure, pair[measure], pair["sentences"]))
        for measure in ("mean_exact_f1", "mean_overlap_f1", "mean_unlabelled_f1"):
            rows.append((name, scope, measure, data[measure], units))
        for label, entry in data.get("per_label", {}).items():
            for measure in ("exact_f1", "overlap_f1"):
                rows.append((name, f"label:{label}", measure, entry[measure], None))
    else:
        rows.append((name, scope, "alpha_u", data["alpha_u"], units))
        for label, value in data.get("per_label", {}).items():
            rows.append((name, f"label:{label}", "alpha_u", value, None))
    for document, entry in data.get("by_document", {}).items():
        rows += _csv_rows(name, entry, f"document:{document} ")
    return rows


def _print_csv(levels: dict[str, dict]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(("level", "scope", "measure", "value", "n"))
    for name, data in levels.items():
        for level, scope, measure, value, n in _csv_rows(name, data):
            writer.writerow((level, scope.strip(), measure, "" if value is None else repr(float(value)),
                             "" if n is None else n))


def _confusion_csv(result: dict) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    first, second = result["annotators"]
    writer.writerow((f"{first} \\ {second}", *result["labels"]))
    for label, row in zip(result["labels"], result["matrix"]):
        writer.writerow((label, *row))


def _print_confusion(result: dict, tagset: Tagset) -> None:
    first, second = result["annotators"]
    out.print(Text(f"Token labels: rows {visible(first)}, columns {visible(second)} "
                   f"({result['units']} tokens of sentences both did)", style="bold"))
    table = Table()
    table.add_column(Text(f"{visible(first)} \\ {visible(second)}"))
    for name in result["labels"]:
        table.add_column(_label_text(name, tagset), justify="right")
    for label, row in zip(result["labels"], result["matrix"]):
        table.add_row(_label_text(label, tagset), *[str(v) if v else Text("·", style="dim") for v in row])
    out.print(table)


# ------------------------------------------------------------- disagreements


def _print_disagreements(result: dict, tagset: Tagset) -> None:
    names = result["annotators"]
    shown = len(result["sentences"])
    out.print(Text(f"{result['total']} sentences where {_names_line(names)} disagree ({result['measure']}); "
                   f"showing {shown}", style="bold"))
    if not shown:
        return
    legend = Text("labels: ")
    for label in tagset.labels:
        legend.append(visible(label.name), style=Style(color=label.color, bold=True, underline=True))
        legend.append("  ")
    out.print(legend)
    width = max(len(visible(n)) for n in names)
    for rank, entry in enumerate(result["sentences"], start=1):
        out.print()
        if result["level"] == "sentence":
            detail = f"{entry['disagreement']:.0%} of {entry['units']} judgments' pairs differ"
        elif result["level"] == "token":
            detail = f"{entry['disagreement']} of {entry['units']} tokens differ"
        else:
            detail = f"{entry['disagreement']} of {entry['units']} spans not marked by everyone"
        out.print(Text(f"{rank}. {visible(entry['document_id'])} sentence {entry['index']}: {detail}", style="bold"))
        for name in names:
            work = entry["annotations"][name]
            line = Text(f"  {visible(name).ljust(width)}  ", style="bold")
            if result["level"] == "sentence":
                line.append(visible(work["judgment"] or "—"))
            elif not work["done"]:
                line.append("(not done)", style="dim")
            else:
                line.append_text(_marked_text(entry["text"], work["spans"], tagset))
                if work["spans"]:
                    listed = "; ".join(f"{s['label']} {s['text']!r}" for s in work["spans"])
                    line.append("   " + visible(listed), style="dim")
            out.print(line)


def _marked_text(text: str, spans: list[dict], tagset: Tagset) -> Text:
    marked = Text(visible(text.replace("\n", " ")))
    for span in spans:
        label = tagset.label(span["label"])
        style = Style(color=label.color if label else None, bold=True, underline=True)
        marked.stylize(style, span["start"], span["end"])
    return marked
