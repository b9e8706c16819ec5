"""suggest: the lexicon and detectors, the learned model, or an outside program."""

from __future__ import annotations

from pathlib import Path

import click

from ..lexicon.suggest import SuggestReport
from .common import db_option, json_option, out, print_json, progress_bar, project


@click.command()
@db_option
@click.option("--source", type=click.Choice(["lexicon", "model"]), default="lexicon", show_default=True,
              help="lexicon: the lexicon and the scare-quote detector; model: the learned recommender.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="With --source model: the lowest confidence suggested (default 0.5).")
@json_option
def suggest(db_path: Path, source: str, threshold: float | None, as_json: bool) -> None:
    """Re-run the lexicon and scare-quote detector over all sentences, keeping decisions.

    With --source model, add the learned recommender's suggestions instead, each with a
    confidence (train it first with 'annotator recommend train'). Where the lexicon or a
    detector already suggests the same span with the same label, the model adds
    nothing. Re-running either source replaces only that source's suggestions; those
    that remain keep their accept/reject decisions.
    """
    if threshold is not None and source != "model":
        raise click.UsageError("--threshold goes with --source model")
    with project(db_path) as store:
        total = store.corpus.counts()["sentences"]
        with progress_bar("Suggesting", total) as advance:
            if source == "model":
                from ..recommend.suggest import DEFAULT_THRESHOLD, suggest_with_model

                report = suggest_with_model(store, DEFAULT_THRESHOLD if threshold is None else threshold,
                                            on_progress=advance)
            else:
                from ..lexicon.suggest import suggest_all

                report = suggest_all(store, on_progress=advance)
    _print_report(report, source, as_json)


def _print_report(report: SuggestReport, source: str, as_json: bool) -> None:
    if as_json:
        print_json({"source": source, "sentences": report.sentences, "suggestions": report.total,
                    "added": report.added, "removed": report.removed, "kept": report.kept})
        return
    kind = "" if source == "lexicon" else f"{source} "
    out.print(f"Scanned {report.sentences} sentences: {report.total} {kind}suggestions "
              f"({report.added} new, {report.removed} removed, {report.kept} kept with their decisions).")
