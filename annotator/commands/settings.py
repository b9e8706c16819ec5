"""settings set|show: the project's settings (the keys are in annotator/settings.py)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import db_option, json_option, out, print_json, project


@click.group()
def settings() -> None:
    """Show and change the project's settings."""


@settings.command("set")
@db_option
@click.argument("key")
@click.argument("value")
def set_(db_path: Path, key: str, value: str) -> None:
    """Set KEY to VALUE (see 'annotator settings show' for the keys)."""
    from .. import settings as registry

    with project(db_path) as store:
        parsed = registry.set_value(store, key, value)
    out.print(f"{key} = {_shown(parsed)}")


@settings.command()
@db_option
@json_option
def show(db_path: Path, as_json: bool) -> None:
    """Every setting with its value (the default where none is set)."""
    from .. import settings as registry

    with project(db_path, readonly=True) as store:
        values = registry.all_values(store)
    if as_json:
        print_json(values)
        return
    for key, value in values.items():
        out.print(f"{key} = {_shown(value)}    # {registry.SETTINGS[key].help}")


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
