"""recommend train|evaluate: the learned recommender (a CRF over the done sentences)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from .common import db_option, json_option, out, print_json, project


@click.group()
def recommend() -> None:
    """Train and evaluate the learned recommender on the team's done sentences."""


def _annotator_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise click.UsageError("--annotators needs at least one name")
    return names


@recommend.command()
@db_option
@click.option(
    "--annotators",
    default=None,
    metavar="NAMES",
    help="Learn from these annotators' done sentences only (comma-separated).",
)
@click.option("--gold", is_flag=True, help="Learn from gold only.")
@json_option
def train(db_path: Path, annotators: str | None, gold: bool, as_json: bool) -> None:
    """Train a new model version on the done sentences and store it in the project.

    By default it learns from gold where a sentence has it, and otherwise from every
    annotator who marked the sentence done; their disagreement is kept as label noise
    and reported.
    """
    if gold and annotators is not None:
        raise click.UsageError("--annotators and --gold exclude each other")
    from ..recommend.training import train_model

    with project(db_path) as store:
        model, training = train_model(store, _annotator_list(annotators), gold)
    result = {
        "version": model.version,
        "trained_at": model.trained_at,
        "source": model.source,
        "annotators": list(model.annotators),
        "sentences": model.sentences,
        "examples": len(training.examples),
        "documents": model.documents,
        "spans": model.spans,
        "labels": list(model.labels),
        "switched_off": list(model.disabled_labels),
        "noise": model.noise,
    }
    if as_json:
        print_json(result)
        return
    out.print(
        f"Trained model v{model.version} on {model.sentences} done sentences ({len(training.examples)} "
        f"examples, {model.documents} documents, {model.spans} spans) from {model.source}."
    )
    noise = model.noise
    if noise.get("sentences_with_several_annotators"):
        out.print(
            f"Noise: annotators disagree on {noise['sentences_disagreeing']} of "
            f"{noise['sentences_with_several_annotators']} sentences they share; "
            f"{noise['spans_not_unanimous']} of {noise['spans_on_those']} spans there are not unanimous."
        )
    if model.disabled_labels:
        out.print(f"Switched off by the last evaluation: {', '.join(model.disabled_labels)}.")


@recommend.command()
@db_option
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Cross-validation folds; documents are dealt into them.",
)
@json_option
def evaluate(db_path: Path, folds: int, as_json: bool) -> None:
    """Cross-validate by document: per-label precision, recall and F1 for the model, the
    lexicon alone and both together.

    A label whose model precision is below the setting recommend-min-precision is
    switched off: 'suggest --source model' leaves it out until an evaluation passes it.
    """
    from ..recommend.evaluate import SYSTEMS, cross_validate

    with project(db_path) as store:
        latest = store.recommender.latest()
        annotators = list(latest.annotators) if latest is not None and latest.source == "annotators" else None
        gold = latest is not None and latest.source == "gold"
        result = cross_validate(store, folds, annotators, gold)
    if as_json:
        print_json(result)
        return
    out.print(
        f"{result['folds']}-fold cross-validation by document: {result['documents']} documents, "
        f"{result['sentences']} sentences ({result['examples']} examples) from {result['source']}."
    )
    table = Table("label", "system", "P", "R", "F1", "tp", "fp", "fn")
    rows = [*result["labels"].items(), ("(all)", result["all"])]
    for label, systems in rows:
        for system in SYSTEMS:
            c = systems[system]
            table.add_row(
                label,
                system,
                _figure(c["precision"]),
                _figure(c["recall"]),
                _figure(c["f1"]),
                str(c["tp"]),
                str(c["fp"]),
                str(c["fn"]),
            )
    out.print(table)
    if result["switched_off"]:
        out.print(
            f"Switched off (model precision below {result['min_precision']}): {', '.join(result['switched_off'])}."
        )
    else:
        out.print(f"No label is below the minimum precision {result['min_precision']}.")
    if result["model_version"] is None:
        out.print("No model is stored yet: run 'annotator recommend train'.")


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
