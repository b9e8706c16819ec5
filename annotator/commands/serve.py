"""`annotator serve`: the workspace in a browser, through secret links (issue 18)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import db_option, err, project


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--public-url",
    "public_url",
    envvar="ANNOTATOR_PUBLIC_URL",
    metavar="URL",
    help="The address browsers use (e.g. https://annotate.example.org behind a TLS proxy); "
    "'team link' prints links under it. Default: http://HOST:PORT.",
)
@click.option(
    "--max-sessions",
    "max_sessions",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="At most this many app processes at once.",
)
def serve(db_path: Path, host: str, port: int, public_url: str | None, max_sessions: int) -> None:
    """Serve the annotation workspace (and, for curators, adjudication) in the browser.

    Each roster member opens their own secret link from 'annotator team link NAME'.
    Stop with Ctrl+C: every app process ends, and every key pressed is already saved.
    """
    from ..serve.server import ServeConfig, Server, is_local

    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise click.BadParameter("give an http:// or https:// URL", param_hint="--public-url")
    config = ServeConfig(db_path, host=host, port=port, public_url=public_url, max_sessions=max_sessions)
    with project(db_path) as store:
        store.links.remember_public_url(config.url)
    if not is_local(host):
        err.print(
            f"warning: serving on {host} over plain HTTP: links and keys travel unencrypted; "
            "put a TLS proxy in front (see 'Working in a browser' in the README)"
        )
    err.print(f"serving {db_path} on http://{host}:{port} (links: {config.url}/s/...); Ctrl+C stops")
    Server(config).run()
