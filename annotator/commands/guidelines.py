"""guidelines set|show: the project's annotation guidelines (a Markdown file)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import AnnotatorError
from .common import TerminalSafe, db_option, out, project


@click.group()
def guidelines() -> None:
    """Store the project's annotation guidelines (Markdown) and show them."""


@guidelines.command("set")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def set_(db_path: Path, file: Path) -> None:
    """Store FILE (Markdown, UTF-8) as the project's guidelines, replacing any before.

    The workspace shows them on G, and once to each annotator at the next open."""
    from .. import guidelines as registry

    text = registry.read_guidelines_file(file)
    with project(db_path) as store:
        registry.set_guidelines(store, text)
    lines = text.count("\n") + (not text.endswith("\n"))
    out.print(f"Guidelines stored: {len(text):,} characters, {lines:,} lines from {file.name}.")


@guidelines.command()
@db_option
def show(db_path: Path) -> None:
    """Print the project's guidelines (the Markdown as stored)."""
    from .. import guidelines as registry

    with project(db_path, readonly=True) as store:
        text = registry.get_guidelines(store)
    if text is None:
        raise AnnotatorError(f"this project has no guidelines yet: {registry.HOW_TO_SET}")
    # A file or a pipe gets the Markdown exactly; a terminal, no control characters.
    handle = TerminalSafe(sys.stdout)
    handle.write(text if text.endswith("\n") else text + "\n")
    handle.flush()
