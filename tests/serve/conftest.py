"""A real project and a real `annotator serve` on 127.0.0.1, a free port, in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from annotator.serve.server import ServeConfig, Server
from annotator.serve.tokens import link_url, new_token, token_hash
from annotator.store import Store
from tests.workspace_corpus import build_corpus


@dataclass
class Served:
    server: Server
    url: str
    db_path: Path
    tokens: dict[str, str]

    def link(self, name: str) -> str:
        return link_url(self.url, self.tokens[name])


def make_project(db_path: Path, tagset) -> dict[str, str]:
    """ana, bob (annotators), cleo (curator), rita (retired): a link each."""
    with Store.open(db_path, create=True) as store:
        store.initialize("secret-project-name", tagset)
        build_corpus(store)
        store.team.add(["ana", "bob", "rita"], "annotator")
        store.team.add(["cleo"], "curator")
        tokens = {}
        for name in ("ana", "bob", "rita", "cleo"):
            tokens[name] = new_token()
            store.links.set_hash(name, token_hash(tokens[name]))
        store.team.retire("rita")
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def start(config: ServeConfig) -> Iterator[Server]:
    """Run the server's aiohttp app on its own loop in a thread; stop it (as Ctrl+C does) after."""
    server = Server(config)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner = web.AppRunner(server.make_app(), shutdown_timeout=10)

    async def up() -> None:
        await runner.setup()
        await web.TCPSite(runner, config.host, config.port).start()
        ready.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(up()), loop.run_forever()), daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture
def served(tmp_path: Path, tagset) -> Iterator[Served]:
    db_path = tmp_path / "project.db"
    tokens = make_project(db_path, tagset)
    port = free_port()
    config = ServeConfig(db_path, host="127.0.0.1", port=port, max_sessions=2)
    with start(config) as server:
        yield Served(server, config.url, db_path, tokens)
