"""Agreement commands: agreement (figures, confusion matrix) and disagreements (drill-down)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..model import JUDGMENT_LEVELS
from ..store.csv_format import csv_line, escape
from .common import TerminalSafe, db_option, json_option, print_json, project

# The agreement core (numpy) loads only when these commands run, not for every command.
LEVELS = ("sentence", "token", "span", "unitizing")
DRILL_LEVELS = ("token", "span", "sentence")
METRIC_CHOICES = JUDGMENT_LEVELS
BOOTSTRAP_UNITS = ("sentence", "document")


def bootstrap_options(command):
    """--bootstrap N, --seed S and --bootstrap-unit, shared by agreement and report."""
    command = click.option(
        "--bootstrap-unit",
        type=click.Choice(BOOTSTRAP_UNITS),
        default="sentence",
        show_default=True,
        help="What a resample draws: whole sentences, or whole documents (all their sentences).",
    )(command)
    command = click.option("--seed", type=int, help="Random seed for --bootstrap, so the interval can be reproduced.")(
        command
    )
    return click.option(
        "--bootstrap",
        type=click.IntRange(min=1),
        metavar="N",
        help="Add 95% intervals from N resamples of whole sentences (tokens, spans and alpha_U stay "
        "with their sentence; at the sentence level, of the units).",
    )(command)


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise click.BadParameter("give names separated by commas, e.g. ana,budi", param_hint="--annotators")
    return names


@click.command()
@db_option
@click.option(
    "--level",
    type=click.Choice(["all", *LEVELS]),
    default="all",
    show_default=True,
    help="sentence: judgments; token: labels per token; span: span F1; unitizing: alpha_U.",
)
@click.option(
    "--annotators", metavar="A,B,...", help="Annotators to compare (default: everyone who has annotated, except gold)."
)
@click.option("--label", metavar="LABEL", help="Only this label: other labels' spans are left out.")
@click.option(
    "--metric",
    type=click.Choice(METRIC_CHOICES),
    help="Level of measurement for the sentence judgment (default: the tag set's).",
)
@click.option(
    "--by",
    "by",
    type=click.Choice(["document", "suggestion-mode", "served-order"]),
    help="Also break the figures down by document; by suggestion mode: on the sentences "
    "every compared annotator saw with suggestions (on) and without (off); or by served order: "
    "on the sentences every compared annotator was served in one workspace order (document, "
    "random, uncertain).",
)
@bootstrap_options
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print the figures as CSV rows (level, scope, measure, value, n).")
@click.option(
    "--confusion",
    "confusion_pair",
    metavar="A,B",
    help="Print the token-level label confusion matrix between two annotators instead.",
)
@click.option(
    "--table",
    "table",
    metavar="FILE.csv",
    help="Agreement from a plain units x coders CSV instead of a project (first column the unit, "
    "then one column per coder, empty = missing; - reads stdin).",
)
@click.pass_context
def agreement(
    ctx: click.Context,
    db_path: Path,
    level: str,
    annotators: str | None,
    label: str | None,
    metric: str | None,
    by: str | None,
    bootstrap: int | None,
    seed: int | None,
    bootstrap_unit: str,
    as_json: bool,
    as_csv: bool,
    confusion_pair: str | None,
    table: str | None,
) -> None:
    """Inter-annotator agreement: sentence, token, span and unitizing levels.

    Alpha reads against Krippendorff's thresholds: at least .800 reliable, at least
    .667 good only for tentative conclusions.
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    if table is not None:
        project_only = [
            f"--{name.replace('_', '-')}"
            for name in ("level", "annotators", "label", "by", "confusion")
            if ctx.get_parameter_source(name if name != "confusion" else "confusion_pair")
            == click.core.ParameterSource.COMMANDLINE
        ]
        if bootstrap_unit != "sentence":
            project_only.append("--bootstrap-unit")
        if project_only:
            raise click.UsageError(f"{', '.join(project_only)} needs a project, not --table")
        _table_agreement(table, metric or "nominal", bootstrap or 0, seed, as_json, as_csv)
        return
    from ..agreement.report import compute_report, confusion

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
                from .agreement_tables import print_confusion

                print_confusion(result, store.tagset())
            return
        report = compute_report(
            store,
            level=level,
            annotators=_names(annotators),
            label=label,
            metric=metric,
            by_document=by == "document",
            bootstrap=bootstrap or 0,
            seed=seed,
            bootstrap_unit=bootstrap_unit,
        )
        if by == "suggestion-mode":
            report["by_suggestion_mode"] = _by_suggestion_mode(store, level, annotators, label, metric)
        if by == "served-order":
            report["by_served_order"] = _by_served_order(store, level, annotators, label, metric)
        splits = {"by_suggestion_mode", "by_served_order"}
        levels = {k: v for k, v in (report if level == "all" else {level: report}).items() if k not in splits}
        if as_json:
            print_json(report)
        elif as_csv:
            _print_csv(levels)
        else:
            from .agreement_tables import print_report

            print_report(levels, store.tagset(), label)
            for mode, figures in report.get("by_suggestion_mode", {}).items():
                click.echo(f"\nSuggestions {mode}: sentences where every compared annotator had suggestions {mode}")
                print_report(figures if level == "all" else {level: figures}, store.tagset(), label)
            for order, figures in report.get("by_served_order", {}).items():
                click.echo(f"\nOrder {order}: sentences every compared annotator was served in {order} order")
                print_report(figures if level == "all" else {level: figures}, store.tagset(), label)


def _by_suggestion_mode(store, level: str, annotators: str | None, label: str | None, metric: str | None) -> dict:
    from ..agreement.matrices import resolve_annotators
    from ..agreement.report import compute_report

    names = resolve_annotators(store, _names(annotators))
    on, off = store.team.modes_by_sentence(names)
    return {
        mode: compute_report(store, level=level, annotators=names, label=label, metric=metric, units=units)
        for mode, units in (("on", on), ("off", off))
    }


def _by_served_order(store, level: str, annotators: str | None, label: str | None, metric: str | None) -> dict:
    from ..agreement.matrices import resolve_annotators
    from ..agreement.report import compute_report

    names = resolve_annotators(store, _names(annotators))
    return {
        order: compute_report(store, level=level, annotators=names, label=label, metric=metric, units=units)
        for order, units in store.uncertainty.sentences_by_served_order(names).items()
    }


@click.command()
@db_option
@click.option(
    "--level",
    type=click.Choice(DRILL_LEVELS),
    default="token",
    show_default=True,
    help="token: tokens with differing labels; span: spans not marked by everyone; sentence: judgments.",
)
@click.option(
    "--annotators", metavar="A,B,...", help="Annotators to compare (default: everyone who has annotated, except gold)."
)
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
            from .agreement_tables import print_disagreements

            print_disagreements(result, store.tagset())


def _table_agreement(source: str, metric: str, bootstrap: int, seed: int | None, as_json: bool, as_csv: bool) -> None:
    from ..agreement.report import sentence_level
    from ..agreement.table import read_table

    if source == "-":
        data = read_table(sys.stdin, "stdin")
    else:
        with open(source, newline="", encoding="utf-8-sig") as handle:
            data = read_table(handle, source)
    result = sentence_level(data, metric, bootstrap=bootstrap, seed=seed, judgment_name="value")
    if as_json:
        print_json(result)
    elif as_csv:
        _print_csv({"sentence": result})
    else:
        from .agreement_tables import print_table_report

        print_table_report(result)


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
            rows += _interval_rows(name, f"label:{label}", "krippendorff_alpha", entry.get("ci"), units)
            for key, value in entry["cohen_kappa"].items():
                rows.append((name, f"label:{label} pair:{key}", "cohen_kappa", value, None))
    elif name == "span":
        for key, pair in data["pairs"].items():
            for measure in ("exact_f1", "overlap_f1", "unlabelled_f1"):
                rows.append((name, f"{scope_prefix}pair:{key}", measure, pair[measure], pair["sentences"]))
        for measure in ("mean_exact_f1", "mean_overlap_f1", "mean_unlabelled_f1"):
            rows.append((name, scope, measure, data[measure], units))
            rows += _interval_rows(name, scope, measure, data.get(f"{measure}_ci"), units)
        for label, entry in data.get("per_label", {}).items():
            for measure in ("exact_f1", "overlap_f1"):
                rows.append((name, f"label:{label}", measure, entry[measure], None))
    else:
        rows.append((name, scope, "alpha_u", data["alpha_u"], units))
        rows += _interval_rows(name, scope, "alpha_u", data.get("alpha_u_ci"), units)
        for label, value in data.get("per_label", {}).items():
            rows.append((name, f"label:{label}", "alpha_u", value, None))
    for document, entry in data.get("by_document", {}).items():
        rows += _csv_rows(name, entry, f"document:{document} ")
    return rows


def _interval_rows(level: str, scope: str, measure: str, interval: list[float] | None, n) -> list[tuple]:
    if not interval:
        return []
    return [(level, scope, f"{measure}_ci_low", interval[0], n), (level, scope, f"{measure}_ci_high", interval[1], n)]


def _write_csv_row(out: TerminalSafe, names: tuple, numbers: tuple = ()) -> None:
    # The exports' one CSV rule: name cells (annotators, labels and documents among them)
    # are spreadsheet-safe, and a cell holding `;` is quoted. Numbers stay as they are.
    out.write(csv_line([*(escape(name) for name in names), *numbers], "\n"))


def _print_csv(levels: dict[str, dict]) -> None:
    out = TerminalSafe(sys.stdout)
    _write_csv_row(out, ("level", "scope", "measure", "value", "n"))
    for name, data in levels.items():
        for level, scope, measure, value, n in _csv_rows(name, data):
            _write_csv_row(
                out,
                (level, scope.strip(), measure),
                ("" if value is None else repr(float(value)), "" if n is None else n),
            )


def _confusion_csv(result: dict) -> None:
    out = TerminalSafe(sys.stdout)
    first, second = result["annotators"]
    _write_csv_row(out, (f"{first} \\ {second}", *result["labels"]))
    for label, row in zip(result["labels"], result["matrix"]):
        _write_csv_row(out, (label,), tuple(row))
