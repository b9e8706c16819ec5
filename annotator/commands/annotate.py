"""`annotator annotate`: open the annotation workspace for one annotator."""

from __future__ import annotations

from pathlib import Path

import click

from ..workspace.launch import open_workspace
from ..workspace.order import ORDERS
from ..workspace.session import SUGGESTION_MODES
from .common import db_option, err


@click.command()
@db_option
@click.option("--annotator", "annotator", required=True, help="Your name; your work is kept apart from others'.")
@click.option("--document", "document", metavar="ID", help="Start at this document instead of resuming.")
@click.option(
    "--order",
    type=click.Choice(ORDERS),
    default=None,
    help="Document order: import order, a random order of your own, or the model's most uncertain "
    "sentences first (after 'annotator suggest --source model'). "
    "Default: the order you chose last time, else document.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seed of the random order (with --order random). Default: your last seed, else 0.",
)
@click.option(
    "--suggestions",
    type=click.Choice(SUGGESTION_MODES),
    default=None,
    help="Lexicon suggestions: shown (on), hidden (off), or revealed after you press enter (after). "
    "Default: the mode the lead fixed for you (team set), else the one you used last, else on.",
)
def annotate(
    db_path: Path, annotator: str, document: str | None, order: str | None, seed: int | None, suggestions: str | None
) -> None:
    """Tag loaded language sentence by sentence in the keyboard-first workspace.

    Every key press is saved at once. The workspace resumes at your first sentence
    not yet done. If you already have the project open elsewhere, this one opens
    read-only.
    """
    workspace = open_workspace(db_path, annotator, document=document, order=order, seed=seed, suggestions=suggestions)
    with workspace:
        for warning in workspace.warnings:
            err.print(f"warning: {warning}")
        from ..tui.app import run_workspace  # Textual loads only when the UI opens.

        run_workspace(workspace)
    for warning in workspace.closing_warnings:
        err.print(f"warning: {warning}")
