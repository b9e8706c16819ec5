"""Every refusal of `annotator serve`, over real HTTP against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from annotator.serve.server import BAD_TOKENS_PER_MINUTE
from annotator.serve.tokens import new_token, token_hash
from annotator.store import Store


def get(url: str, **kwargs) -> tuple[int, str, dict]:
    async def go():
        async with aiohttp.ClientSession() as client, client.get(url, allow_redirects=False, **kwargs) as r:
            return r.status, await r.text(), dict(r.headers)

    return asyncio.run(go())


def open_session(served, name: str, *, origin: str | None = None, keep: float = 0.0, extra_query: str = ""):
    """Load the link's page, then open its websocket as textual.js does.
    Returns (page status, websocket status or None, first bytes the app sent)."""

    async def go():
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            async with client.get(served.link(name) + extra_query) as page:
                status, html = page.status, await page.text()
            if status != 200:
                return status, None, b""
            ws_url = html.split('data-session-websocket-url="')[1].split('"')[0]
            try:
                async with client.ws_connect(ws_url + "?width=80&height=24", origin=origin or served.url) as ws:
                    data = b""
                    deadline = time.monotonic() + keep
                    while time.monotonic() < deadline:
                        try:
                            msg = await ws.receive(timeout=deadline - time.monotonic())
                        except asyncio.TimeoutError:
                            break
                        if msg.type == aiohttp.WSMsgType.BINARY:
                            data += msg.data
                        elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                            break
                    return status, 101, data
            except aiohttp.WSServerHandshakeError as exc:
                return status, exc.status, b""

    return asyncio.run(go())


def no_process(served) -> None:
    assert served.server.sessions == {}


def test_no_token_is_refused_and_names_nothing(served) -> None:
    for path in ("/", "/s/", "/ws/x", "/static/", "/download/x", "/static/../../etc/passwd"):
        status, body, _ = get(served.url + path)
        assert status in (403, 404), path
        assert "secret-project-name" not in body and "project.db" not in body
    no_process(served)


def test_a_bad_token_gets_403_and_starts_no_process(served) -> None:
    status, body, headers = get(f"{served.url}/s/{new_token()}")
    assert status == 403 and "secret-project-name" not in body
    assert "Set-Cookie" not in headers
    no_process(served)


def test_a_revoked_link_is_refused_at_once_by_the_running_server(served) -> None:
    assert get(served.link("bob"))[0] == 200
    with Store.open(served.db_path) as store:
        store.links.revoke("bob")
    assert get(served.link("bob"))[0] == 403
    no_process(served)


def test_a_rotated_link_is_refused_and_the_new_one_works(served) -> None:
    old = served.link("bob")
    served.tokens["bob"] = new_token()
    with Store.open(served.db_path) as store:
        store.links.set_hash("bob", token_hash(served.tokens["bob"]))
    assert get(old)[0] == 403
    assert get(served.link("bob"))[0] == 200


def test_a_retired_annotator_is_refused(served) -> None:
    assert get(served.link("rita"))[0] == 403
    no_process(served)


def test_another_name_in_the_query_or_a_header_is_ignored(served) -> None:
    status, ws_status, data = open_session(served, "ana", keep=8.0, extra_query="?annotator=bob&curator=cleo")
    assert (status, ws_status) == (200, 101)
    assert b"ana" in data and b"bob" not in data
    status, body, _ = get(served.link("ana"), headers={"X-Annotator": "bob", "Cookie": "annotator=bob"})
    assert status == 200 and "bob" not in body


def test_a_websocket_from_another_origin_is_refused(served) -> None:
    assert open_session(served, "ana", origin="http://evil.example")[:2] == (200, 403)
    no_process(served)


def test_a_websocket_without_the_ticket_cookie_is_refused(served) -> None:
    async def go():
        async with aiohttp.ClientSession() as client:
            async with client.get(served.link("ana")) as page:
                html = await page.text()
            ws_url = html.split('data-session-websocket-url="')[1].split('"')[0]
        async with aiohttp.ClientSession() as bare:  # the page's cookie left behind
            try:
                async with bare.ws_connect(ws_url, origin=served.url):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    assert asyncio.run(go()) == 403
    no_process(served)


def test_the_session_past_the_cap_gets_a_clear_page(served) -> None:
    # max_sessions is 2: two pages reserve both slots; the third is told why.
    assert get(served.link("ana"))[0] == 200
    assert get(served.link("bob"))[0] == 200
    status, body, _ = get(served.link("cleo"))
    assert status == 503 and "sessions are in use" in body
    no_process(served)


def test_repeated_bad_tokens_from_one_address_are_refused_even_with_a_good_one(served) -> None:
    for _ in range(BAD_TOKENS_PER_MINUTE):
        assert get(f"{served.url}/s/{new_token()}")[0] == 403
    assert get(served.link("ana"))[0] == 429


def test_cookies_are_httponly_samesite_strict_and_scoped_to_one_websocket(served) -> None:
    _status, _, headers = get(served.link("ana"))
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/ws/" in cookie
    assert "Secure" not in cookie  # plain http public URL
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_a_second_tab_of_one_annotator_is_read_only_and_says_so(served) -> None:
    async def go():
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            sockets, screens = [], []
            for _ in range(2):
                async with client.get(served.link("ana")) as page:
                    html = await page.text()
                ws_url = html.split('data-session-websocket-url="')[1].split('"')[0]
                ws = await client.ws_connect(ws_url + "?width=120&height=30", origin=served.url)
                sockets.append(ws)
                data, deadline = b"", time.monotonic() + 8
                while time.monotonic() < deadline:
                    try:
                        msg = await ws.receive(timeout=deadline - time.monotonic())
                    except asyncio.TimeoutError:
                        break
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        data += msg.data
                screens.append(data)
            for ws in sockets:
                await ws.close()
            return screens

    first, second = asyncio.run(go())
    assert b"read-only" not in first
    assert b"read-only" in second


def test_stopping_the_server_ends_its_processes_and_leaves_no_lock_files(tmp_path, tagset) -> None:
    import os

    from annotator.serve.server import ServeConfig
    from tests.serve.conftest import Served, free_port, make_project, start

    db_path = tmp_path / "project.db"
    tokens = make_project(db_path, tagset)
    config = ServeConfig(db_path, port=free_port())
    with start(config) as server:
        served = Served(server, config.url, db_path, tokens)

        async def hold():
            client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
            async with client.get(served.link("ana")) as page:
                html = await page.text()
            ws_url = html.split('data-session-websocket-url="')[1].split('"')[0]
            ws = await client.ws_connect(ws_url, origin=served.url)
            await ws.receive(timeout=10)
            return ws, client

        loop = asyncio.new_event_loop()
        _ws, client = loop.run_until_complete(hold())
        deadline = time.monotonic() + 10
        while not list(tmp_path.glob("*.lock")) and time.monotonic() < deadline:
            time.sleep(0.1)
        [session] = server.sessions.values()
        pid = session.service.pid
        assert list(tmp_path.glob("*.lock"))
    assert list(tmp_path.glob("*.lock")) == []
    assert list(tmp_path.glob("*-wal")) == [] and list(tmp_path.glob("*-shm")) == []
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive
    loop.run_until_complete(client.close())
    loop.close()


def _session_closes(served, name: str, act, limit: float) -> float:
    """Open a session, run `act()`, and return how long until the server closed it."""

    async def go():
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            async with client.get(served.link(name)) as page:
                html = await page.text()
            ws_url = html.split('data-session-websocket-url="')[1].split('"')[0]
            async with client.ws_connect(ws_url, origin=served.url) as ws:
                await ws.receive(timeout=10)
                act()
                started = time.monotonic()
                while time.monotonic() - started < limit:
                    try:
                        msg = await ws.receive(timeout=limit)
                    except asyncio.TimeoutError:
                        break
                    if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                        return time.monotonic() - started
                return float("inf")

    return asyncio.run(go())


def test_revoking_a_link_ends_its_open_session(served) -> None:
    def revoke() -> None:
        with Store.open(served.db_path) as store:
            store.links.revoke("ana")

    assert _session_closes(served, "ana", revoke, 15) < 10


def test_an_idle_session_ends_after_the_timeout(served) -> None:
    served.server.config.idle_timeout = 1
    assert _session_closes(served, "ana", lambda: None, 15) < 10


def test_a_curators_link_opens_adjudication_and_an_annotators_does_not(served) -> None:
    import re

    def text(screen: bytes) -> bytes:  # the screen without escape sequences
        return re.sub(rb"\x1b\[[0-9;?$]*[A-Za-z]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)", b"", screen)

    _, ws_status, curator_screen = open_session(served, "cleo", keep=8.0)
    # Nothing is done twice yet, so adjudication opens on its own message, in the page.
    assert ws_status == 101 and b"marked done by 2 or more" in text(curator_screen)
    _, _, annotator_screen = open_session(served, "bob", keep=8.0, extra_query="?curator=bob&role=curator")
    assert b"marked done" not in text(annotator_screen) and b"bob" in text(annotator_screen)
