"""Readable rich tables for the agreement commands (not loaded for --json or --csv)."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..model import Tagset
from ..textnorm import visible
from .common import out

NOTE = Style(color="yellow", dim=True)


# -------------------------------------------------------------------- tables


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _reading(alpha: float | None, name: str = "alpha") -> str:
    from ..agreement.report import reading

    return reading(alpha, name)


def _with_ci(value: float | None, interval: list[float] | None, asked: bool) -> str:
    text = _fmt(value)
    if interval:
        return f"{text}  [{interval[0]:.3f}, {interval[1]:.3f}]"
    return f"{text}  [no interval]" if asked else text


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _notes(warnings: list[str]) -> None:
    for warning in warnings:
        out.print(Text(f"note: {visible(warning)}", style=NOTE))


def _names_line(names: list[str]) -> str:
    return ", ".join(visible(n) for n in names)


def print_report(levels: dict[str, dict], tagset: Tagset, label: str | None) -> None:
    first = next(iter(levels.values()))
    heading = f"Agreement among {_names_line(first['annotators'])} ({len(first['annotators'])} annotators)"
    if label:
        heading += f", label {visible(label)} only"
    out.print(Text(heading, style="bold"))
    for name, data in levels.items():
        out.print()
        {"sentence": _print_coding, "token": _print_coding, "span": _print_span, "unitizing": _print_unitizing}[name](
            data, tagset
        )
        if "by_document" in data:
            _print_by_document(data)
        _notes(data["warnings"])


def print_table_report(data: dict) -> None:
    """The figures of `agreement --table`: one coding table, no project."""
    out.print(
        Text(f"Agreement among {_names_line(data['annotators'])} ({len(data['annotators'])} coders)", style="bold")
    )
    out.print()
    _print_coding(data, None)
    _notes(data["warnings"])


def _print_coding(data: dict, tagset: Tagset | None) -> None:
    if tagset is None:
        title = f"Table: {data['units']} units rated by two or more coders ({data['metric']})"
    elif data["level"] == "sentence":
        title = (
            f"Sentence level: judgment {tagset.judgment.name!r} ({data['metric']}), "
            f"{data['units']} sentences judged by two or more"
        )
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
            alpha = _with_ci(entry["krippendorff_alpha"], entry.get("ci"), "ci" in entry)
            labels.add_row(_label_text(name, tagset), alpha, *cells)
        out.print(labels)


def _print_span(data: dict, tagset: Tagset) -> None:
    out.print(
        Text(
            f"Span level: F1 between pairs, over the sentences both did ({data['units']} sentences "
            "done by two or more)",
            style="bold",
        )
    )
    table = Table("pair", "exact F1", "overlap F1", "unlabelled F1", "sentences", "spans")
    for key, pair in data["pairs"].items():
        spans = " / ".join(f"{visible(n)} {c}" for n, c in pair["spans"].items())
        table.add_row(
            Text(visible(key)),
            _fmt(pair["exact_f1"]),
            _fmt(pair["overlap_f1"]),
            _fmt(pair["unlabelled_f1"]),
            str(pair["sentences"]),
            Text(spans),
        )
    asked = "mean_exact_f1_ci" in data
    if len(data["pairs"]) > 1 or asked:
        table.add_row(
            "mean",
            _with_ci(data["mean_exact_f1"], data.get("mean_exact_f1_ci"), asked),
            _with_ci(data["mean_overlap_f1"], data.get("mean_overlap_f1_ci"), asked),
            _fmt(data["mean_unlabelled_f1"]),
            "",
            "",
        )
    out.print(table)
    labels = Table("label", "exact F1", "overlap F1")
    for name, entry in data["per_label"].items():
        labels.add_row(
            _label_text(name, tagset),
            _with_ci(entry["exact_f1"], entry.get("ci"), "ci" in entry),
            _fmt(entry["overlap_f1"]),
        )
    out.print(labels)
    out.print(
        Text(
            "Exact: same start, end and label. Overlap: at least one shared character and the same label. "
            "Unlabelled: same start and end.",
            style="dim",
        )
    )


def _print_unitizing(data: dict, tagset: Tagset) -> None:
    out.print(
        Text(
            f"Unitizing: Krippendorff's alpha_U over {data['units']} sentences "
            f"({data['continuum_length']} characters) done by all annotators",
            style="bold",
        )
    )
    table = Table("label", "alpha_U")
    asked = "alpha_u_ci" in data
    intervals = data.get("per_label_ci", {})
    for name, value in data["per_label"].items():
        table.add_row(_label_text(name, tagset), _with_ci(value, intervals.get(name), asked))
    table.add_row(Text("all labels", style="bold"), _with_ci(data["alpha_u"], data.get("alpha_u_ci"), asked))
    out.print(table)
    out.print(Text("Reading: " + _reading(data["alpha_u"], "alpha_U")))


def _print_by_document(data: dict) -> None:
    measure = {
        "sentence": "krippendorff_alpha",
        "token": "krippendorff_alpha",
        "span": "mean_exact_f1",
        "unitizing": "alpha_u",
    }[data["level"]]
    table = Table("document", "n", measure.replace("_", " "))
    for document, entry in data["by_document"].items():
        table.add_row(Text(visible(document)), str(entry["units"]), _fmt(entry[measure]))
    out.print(table)


def _label_text(name: str, tagset: Tagset) -> Text:
    label = tagset.label(name)
    return Text(visible(name), style=Style(color=label.color, bold=True) if label else Style(bold=True))


def print_confusion(result: dict, tagset: Tagset) -> None:
    first, second = result["annotators"]
    out.print(
        Text(
            f"Token labels: rows {visible(first)}, columns {visible(second)} "
            f"({result['units']} tokens of sentences both did)",
            style="bold",
        )
    )
    table = Table()
    table.add_column(Text(f"{visible(first)} \\ {visible(second)}"))
    for name in result["labels"]:
        table.add_column(_label_text(name, tagset), justify="right")
    for label, row in zip(result["labels"], result["matrix"]):
        table.add_row(_label_text(label, tagset), *[str(v) if v else Text("·", style="dim") for v in row])
    out.print(table)


# ------------------------------------------------------------- disagreements


def print_disagreements(result: dict, tagset: Tagset) -> None:
    names = result["annotators"]
    shown = len(result["sentences"])
    _print_hanging(
        Text(),
        Text(
            f"{result['total']} sentences where {_names_line(names)} disagree ({result['measure']}); showing {shown}",
            style="bold",
        ),
    )
    if not shown:
        return
    legend = Text("labels: ")
    for label in tagset.labels:
        legend.append(visible(label.name), style=Style(color=label.color, bold=True, underline=True))
        legend.append("  ")
    _print_hanging(Text(), legend)
    width = max(len(visible(n)) for n in names)
    for rank, entry in enumerate(result["sentences"], start=1):
        out.print()
        if result["level"] == "sentence":
            detail = f"{entry['disagreement']:.0%} of {entry['units']} judgments' pairs differ"
        elif result["level"] == "token":
            detail = f"{entry['disagreement']} of {entry['units']} tokens differ"
        else:
            detail = f"{entry['disagreement']} of {entry['units']} spans not marked by everyone"
        _print_hanging(
            Text(),
            Text(f"{rank}. {visible(entry['document_id'])} sentence {entry['index'] + 1}: {detail}", style="bold"),
        )
        for name in names:
            work = entry["annotations"][name]
            line = Text()
            if result["level"] == "sentence":
                line.append(visible(work["judgment"] or "—"))
            elif not work["done"]:
                line.append("(not done)", style="dim")
            else:
                line.append_text(_marked_text(entry["text"], work["spans"], tagset))
                if work["spans"]:
                    listed = "; ".join(f"{s['label']} {s['text']!r}" for s in work["spans"])
                    line.append("   " + visible(listed), style="dim")
            _print_hanging(Text(f"  {visible(name).ljust(width)}  ", style="bold"), line)


def _print_hanging(head: Text, body: Text) -> None:
    """`head` then `body` wrapped at word boundaries to the console's width, each
    further line indented under the body's start (a terminal would cut words)."""
    console = out.real()
    room = max(console.width - head.cell_len, 20)
    for number, line in enumerate(body.wrap(console, room, overflow="fold")):
        line.rstrip()
        out.print(Text.assemble(head if number == 0 else " " * head.cell_len, line))


def _marked_text(text: str, spans: list[dict], tagset: Tagset) -> Text:
    marked = Text(visible(text.replace("\n", " ")))
    for span in spans:
        label = tagset.label(span["label"])
        style = Style(color=label.color if label else None, bold=True, underline=True)
        marked.stylize(style, span["start"], span["end"])
    return marked
