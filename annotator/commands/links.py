"""`annotator team link`: a roster member's secret browser link (issue 18)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import AnnotatorError
from ..serve.tokens import DEFAULT_PUBLIC_URL, link_url, new_token, token_hash
from .common import db_option, project


def public_url_of(store) -> str:
    """Where links point: ANNOTATOR_PUBLIC_URL, else the URL the last `serve` ran with."""
    return os.environ.get("ANNOTATOR_PUBLIC_URL") or store.links.public_url() or DEFAULT_PUBLIC_URL


@click.command("link")
@db_option
@click.argument("name")
@click.option("--rotate", is_flag=True, help="Make a new token; the old link stops working at once.")
@click.option("--revoke", is_flag=True, help="Disable the link at once, even for a running server.")
def team_link(db_path: Path, name: str, rotate: bool, revoke: bool) -> None:
    """Print a roster member's secret link, <public-url>/s/<token>.

    Only a hash of the token is kept, so a link is shown once: run it again with
    --rotate for a new one. Links point at ANNOTATOR_PUBLIC_URL, else the --public-url
    the last 'annotator serve' used, else http://127.0.0.1:8000.
    """
    if rotate and revoke:
        raise click.UsageError("--rotate and --revoke exclude each other")
    name = name.strip()
    with project(db_path) as store:
        member = store.team.member(name)
        if member is None:
            raise AnnotatorError(f"{name!r} is not on this project's roster (run 'annotator team add {name}')")
        if revoke:
            if not store.links.revoke(name):
                raise AnnotatorError(f"{name} has no live link to revoke")
            click.echo(f"revoked {name}'s link")
            return
        if not member.active:
            raise AnnotatorError(f"{name!r} is retired: no link is made for them")
        if store.links.state(name) == "active" and not rotate:
            raise AnnotatorError(
                f"{name} already has a link, and only its hash is kept, so it cannot be shown "
                f"again; 'annotator team link {name} --rotate' makes a new one"
            )
        token = new_token()
        store.links.set_hash(name, token_hash(token))
        url = link_url(public_url_of(store), token)
    click.echo(url)
