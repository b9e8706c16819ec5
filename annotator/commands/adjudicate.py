"""`annotator adjudicate`: curate several annotators' work into gold."""

from __future__ import annotations

from pathlib import Path

import click

from ..adjudication.launch import open_adjudication
from ..adjudication.queue import QUEUE_ORDERS
from ..adjudication.rules import AUTO_RULES
from .common import db_option, err


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise click.BadParameter("give at least one annotator name", param_hint="--annotators")
    return names


@click.command()
@db_option
@click.option("--curator", required=True, help="Your name, recorded on every gold change.")
@click.option("--annotators", metavar="A,B,...", help="Annotators to compare (default: all except gold).")
@click.option(
    "--min-annotators",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Only sentences marked done by at least this many of them.",
)
@click.option(
    "--order",
    type=click.Choice(QUEUE_ORDERS),
    default="document",
    show_default=True,
    help="Queue order: document order, the most disputed sentences first, or the ones annotators flagged first.",
)
@click.option(
    "--auto",
    "auto",
    type=click.Choice(AUTO_RULES),
    default="majority",
    show_default=True,
    help="Pre-fill gold with spans and judgments a majority (or all) of the annotators gave.",
)
def adjudicate(db_path: Path, curator: str, annotators: str | None, min_annotators: int, order: str, auto: str) -> None:
    """Settle disagreements into a gold standard, with provenance.

    Gold is stored under the reserved annotator name 'gold'; every item records who
    agreed on it and whether the rule (auto) or the curator (curated) put it there.
    Export it with 'annotator export --gold'.
    """
    adjudication = open_adjudication(
        db_path, curator, annotators=_names(annotators), min_annotators=min_annotators, order=order, auto=auto
    )
    with adjudication:
        for warning in adjudication.warnings:
            err.print(f"warning: {warning}")
        from ..tui.app import SessionApp  # Textual loads only when the UI opens.

        notices = tuple(adjudication.warnings) + ((adjudication.notice,) if adjudication.notice else ())
        SessionApp(adjudication.session, notices=notices).run()
