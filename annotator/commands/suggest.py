"""suggest: the lexicon and detectors, the learned model, or an outside program."""

from __future__ import annotations

from pathlib import Path

import click

from ..lexicon.suggest import SuggestReport
from .common import db_option, json_option, out, print_json, progress_bar, project


@click.command()
@db_option
@click.option(
    "--source",
    type=click.Choice(["lexicon", "model"]),
    default="lexicon",
    show_default=True,
    help="lexicon: the lexicon and the scare-quote detector; model: the learned recommender.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="With --source model: the lowest confidence suggested (default 0.5).",
)
@click.option(
    "--command",
    "command",
    default=None,
    metavar='"CMD ARGS"',
    help="Pipe the sentences (JSONL) to an outside program and store the spans it writes back.",
)
@click.option("--name", default=None, help="With --command: the source name, external:NAME (default: the program's).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=600.0,
    show_default=True,
    help="With --command: seconds the program may run.",
)
@json_option
def suggest(
    db_path: Path,
    source: str,
    threshold: float | None,
    command: str | None,
    name: str | None,
    timeout: float,
    as_json: bool,
) -> None:
    """Re-run the lexicon and scare-quote detector over all sentences, keeping decisions.

    With --source model, add the learned recommender's suggestions instead, each with a
    confidence (train it first with 'annotator recommend train'). Where the lexicon or a
    detector already suggests the same span with the same label, the model adds
    nothing. Re-running either source replaces only that source's suggestions; those
    that remain keep their accept/reject decisions.

    With --command, an outside program gets every sentence as a JSONL line (id, text,
    tokens, document_id) on stdin and writes spans back as JSONL (id, start, end, label,
    and optionally score and reason). Its suggestions are stored as external:NAME. Bad
    output (unknown ids or labels, offsets out of range, a crash, a time-out) is refused
    with one 'error: LINE: problem' per line, and nothing is stored.
    """
    if threshold is not None and source != "model":
        raise click.UsageError("--threshold goes with --source model")
    if command is None and name is not None:
        raise click.UsageError("--name goes with --command")
    if command is not None:
        if source != "lexicon":
            raise click.UsageError("--command and --source exclude each other")
        _suggest_external(db_path, command, name, timeout, as_json)
        return
    with project(db_path) as store:
        total = store.corpus.counts()["sentences"]
        with progress_bar("Suggesting", total) as advance:
            if source == "model":
                from ..recommend.suggest import DEFAULT_THRESHOLD, suggest_with_model

                report = suggest_with_model(
                    store, DEFAULT_THRESHOLD if threshold is None else threshold, on_progress=advance
                )
            else:
                from ..lexicon.suggest import suggest_all

                report = suggest_all(store, on_progress=advance)
    _print_report(report, source, as_json)


def _print_report(report: SuggestReport, source: str, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "source": source,
                "sentences": report.sentences,
                "suggestions": report.total,
                "added": report.added,
                "removed": report.removed,
                "kept": report.kept,
            }
        )
        return
    kind = "" if source == "lexicon" else f"{source} "
    out.print(
        f"Scanned {report.sentences} sentences: {report.total} {kind}suggestions "
        f"({report.added} new, {report.removed} removed, {report.kept} kept with their decisions)."
    )


def _suggest_external(db_path: Path, command: str, name: str | None, timeout: float, as_json: bool) -> None:
    from ..external import MAX_REPORTED, ExternalRefused, suggest_external, tool_name
    from ..textnorm import error_line

    source = f"external:{name or tool_name(command)}"
    with project(db_path) as store:
        try:
            report = suggest_external(store, command, name, timeout)
        except ExternalRefused as refused:
            for problem in refused.problems[:MAX_REPORTED]:
                click.echo(error_line(problem), err=True)
            more = len(refused.problems) - MAX_REPORTED
            if more > 0:
                click.echo(f"error: ... and {more} more", err=True)
            click.echo(f"{len(refused.problems)} problem(s); nothing was stored.", err=True)
            raise click.exceptions.Exit(1) from None
    _print_report(report, source, as_json)
