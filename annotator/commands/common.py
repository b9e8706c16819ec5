"""What every command shares: the --db option, opening the project, and output."""

from __future__ import annotations

import errno
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from ..errors import ProjectMissing
from ..store import Store

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "annotator.db"


class _LazyConsole:
    """A rich Console made on first use: `--json` output never loads rich."""

    def __init__(self, **options: Any):
        self._options = options
        self._console: Any = None

    def real(self) -> Any:
        """The rich Console itself (for APIs that want one, such as Progress)."""
        if self._console is None:
            from rich.console import Console

            class QuietOnBrokenPipe(Console):
                def on_broken_pipe(self) -> None:
                    # rich's own exits with 1; the CLI ends a broken pipe quietly instead.
                    self.quiet = True
                    raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

            self._console = QuietOnBrokenPipe(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


# Markup and emoji codes are off: document text, names and labels print literally.
out = _LazyConsole(markup=False, emoji=False, highlight=False, soft_wrap=True)
err = _LazyConsole(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="ANNOTATOR_DB",
        default=DEFAULT_DB,
        show_default=True,
        help="Project database file (or set ANNOTATOR_DB).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object to stdout.")(func)


def open_project(db_path: Path, *, readonly: bool = False) -> Store:
    """Open an existing, initialised project; never creates a file."""
    store = Store.open(db_path, create=False, readonly=readonly)
    if not store.is_initialized():
        store.close()
        raise ProjectMissing(f"{db_path} holds no project: run 'annotator init --db {db_path}' first")
    return store


@contextmanager
def project(db_path: Path, *, readonly: bool = False) -> Iterator[Store]:
    store = open_project(db_path, readonly=readonly)
    try:
        yield store
    finally:
        store.close()


def print_json(value: object) -> None:
    # ensure_ascii keeps control characters from document text escaped on the terminal.
    click.echo(json.dumps(value, ensure_ascii=True, indent=None))


def on_terminal() -> bool:
    return sys.stderr.isatty()


class TerminalSafe:
    """A text handle for data printed on stdout (CSV and the like). Files and pipes get
    the data exactly; a terminal gets control characters as visible placeholders, so a
    name or note holding an escape sequence cannot retitle, link or clear the screen."""

    def __init__(self, handle: TextIO, *, terminal: bool | None = None):
        self.handle = handle
        self.terminal = is_terminal(handle) if terminal is None else terminal

    def write(self, text: str) -> int:
        from ..textnorm import visible

        return self.handle.write(visible(text) if self.terminal else text)

    def flush(self) -> None:
        self.handle.flush()


def is_terminal(handle: TextIO) -> bool:
    try:
        return handle.isatty()
    except (AttributeError, ValueError):  # a detached or closed handle
        return False


@contextmanager
def progress_bar(description: str, total: int | None, *, in_bytes: bool = False) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr when it is a terminal; otherwise silent.

    Yields `advance(amount)`; `in_bytes` shows the amounts as data sizes (kB, MB)."""
    if not on_terminal():
        yield lambda advance: None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    count = DownloadColumn() if in_bytes else MofNCompleteColumn()
    columns = (TextColumn("{task.description}"), BarColumn(), count, TimeRemainingColumn())
    # No refresh thread (auto_refresh=False): the importer forks worker processes, which
    # is only safe in a single-threaded process. Redraw at most ten times a second.
    with Progress(*columns, console=err.real(), transient=True, auto_refresh=False) as bar:
        task = bar.add_task(description, total=total)
        last = 0.0

        def advance(amount: int) -> None:
            nonlocal last
            bar.advance(task, amount)
            now = time.monotonic()
            if now - last >= 0.1:
                last = now
                bar.refresh()

        yield advance
