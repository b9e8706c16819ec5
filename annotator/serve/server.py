"""`annotator serve`: the workspace in a browser, reached only through secret links.

Our own small aiohttp app, reusing textual-serve's bundled JavaScript/CSS and its
app-process protocol (AppService), because textual-serve's Server has no login, runs
its command through a shell, and offers downloads and open-URL to the app.

A request's life:
1. `GET /s/<token>`: the token's hash is looked up in the project on every request
   (so rotate/revoke work at once). Bad tokens count against the address's limit.
   A good one gets the terminal page, a one-use ticket (a secret in an HttpOnly,
   SameSite=Strict cookie scoped to `/ws/<page id>`) and a reserved session slot.
2. `GET /ws/<page id>`: the Origin must be the public URL's; the cookie must match the
   ticket; the link is looked up again; then one app process starts, with the name
   and role from the token's holder (never from anything the browser sends).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import secrets
import signal
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from ..store import Store
from ..workspace.lock import AnnotatorLock, lock_path
from .page import SECURITY_HEADERS, message_page, terminal_page
from .tokens import token_hash, well_formed

log = logging.getLogger("annotator.serve")

STATIC_ROOT = Path(str(textual_serve.__file__)).parent / "static"
STATIC_FILES = {
    "js/textual.js": "application/javascript",
    "css/xterm.css": "text/css",
    "fonts/RobotoMono-VariableFont_wght.ttf": "font/ttf",
    "fonts/RobotoMono-Italic-VariableFont_wght.ttf": "font/ttf",
}
TITLE = "framing-annotator"
IDLE_TIMEOUT = 30 * 60  # seconds without a key before a session ends (README)
TICKET_SECONDS = 60
BAD_TOKENS_PER_MINUTE = 10
QUIT_GRACE = 5.0
# The environment an app process gets: enough to run Python, nothing of the server's
# own secrets.
_ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONPATH", "VIRTUAL_ENV", "TZ", "TMPDIR")


@dataclass
class Grant:
    name: str
    role: str
    link_hash: str
    secret: str
    expires: float


@dataclass
class Session:
    name: str
    link_hash: str
    service: ServedApp
    websocket: web.WebSocketResponse
    last_input: float = field(default_factory=time.monotonic)


class ServedApp(AppService):
    """textual-serve's process protocol, started without a shell (the argv is a list),
    with a scrubbed environment, and deaf to open-URL and file deliveries."""

    def __init__(self, argv: list[str], **kwargs: object) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        return {
            k: v
            for k, v in environment.items()
            if k in _ENV_KEEP or k.startswith(("TEXTUAL", "TERM")) or k in ("COLUMNS", "ROWS")
        }

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            start_new_session=True,
        )
        self._stdin = process.stdin
        return process

    async def on_meta(self, data: bytes) -> None:
        import json

        if json.loads(data).get("type") == "exit":
            await self.remote_close()
        # open_url and deliver_file_start are dropped: no way out of the app.

    async def on_packed(self, payload: bytes) -> None:
        return None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def end(self) -> None:
        """Ask the app to quit; kill it if it has not within QUIT_GRACE seconds."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        try:
            await self.send_meta({"type": "quit"})
            await asyncio.wait_for(process.wait(), QUIT_GRACE)
        except (asyncio.TimeoutError, AssertionError, ConnectionError):
            if process.returncode is None:
                process.kill()
                await process.wait()
        if self._task is not None:
            await self._task
            self._task = None


@dataclass
class ServeConfig:
    db_path: Path
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    max_sessions: int = 20
    idle_timeout: float = IDLE_TIMEOUT

    @property
    def url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def secure(self) -> bool:
        return self.url.startswith("https://")


class Server:
    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.db_path = Path(config.db_path).resolve()
        self.grants: dict[str, Grant] = {}
        self.sessions: dict[str, Session] = {}
        self.failures: dict[str, deque[float]] = defaultdict(deque)
        self.started: set[str] = set()  # names whose lock files this server may clean up
        self._watch: asyncio.Task | None = None
        self._downloads = DownloadManager()  # required by AppService; never given a file

    # ------------------------------------------------------------------ app

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._headers])
        app.add_routes(
            [
                web.get("/s/{token}", self.handle_link),
                web.get("/ws/{page}", self.handle_websocket),
                web.get("/static/{path:.+}", self.handle_static),
            ]
        )
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)
        return app

    @web.middleware
    async def _headers(self, request: web.Request, handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            # A plain page that says only the status: nothing about the project.
            text = exc.text if exc.text and exc.content_type == "text/html" else message_page(exc.reason, "")
            response = web.Response(status=exc.status, text=text, content_type="text/html")
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    async def _on_startup(self, app: web.Application) -> None:
        self._watch = asyncio.create_task(self._watchdog())

    async def _on_shutdown(self, app: web.Application) -> None:
        if self._watch is not None:
            self._watch.cancel()
        await asyncio.gather(*(s.service.end() for s in list(self.sessions.values())), return_exceptions=True)
        for s in list(self.sessions.values()):
            await s.websocket.close()
        self.sessions.clear()
        self._remove_lock_files()
        # The last connection to close was a read-only lookup, which cannot remove the
        # WAL files; one writable open and close checkpoints and removes them.
        try:
            Store.open(self.db_path).close()
        except Exception:  # noqa: BLE001 - a project that cannot be opened keeps its WAL
            log.warning("could not checkpoint %s on shutdown", self.db_path)

    # ------------------------------------------------------------- lookups

    def _holder(self, link_hash: str):
        with Store.open(self.db_path, readonly=True) as store:
            holder = store.links.holder(link_hash)
        if holder is None or not holder.active:
            return None
        return holder

    def _address(self, request: web.Request) -> str:
        peer = request.remote or "?"
        forwarded = request.headers.get("X-Forwarded-For")
        try:
            local = ipaddress.ip_address(peer).is_loopback
        except ValueError:
            local = False
        # A reverse proxy on this machine appends the client's address last; from anyone
        # else the header is ignored (it could be forged to dodge the limit).
        if local and forwarded:
            return forwarded.split(",")[-1].strip()
        return peer

    def _limited(self, address: str) -> bool:
        window = self.failures[address]
        now = time.monotonic()
        while window and window[0] < now - 60:
            window.popleft()
        if not window:
            del self.failures[address]
            return False
        return len(window) >= BAD_TOKENS_PER_MINUTE

    def _refuse(self, address: str) -> web.HTTPException:
        self.failures[address].append(time.monotonic())
        return web.HTTPForbidden(text=message_page("Forbidden", "This link is not valid."), content_type="text/html")

    def _live_count(self) -> int:
        now = time.monotonic()
        for page in [p for p, g in self.grants.items() if g.expires < now]:
            del self.grants[page]
        return len(self.sessions) + len(self.grants)

    # ------------------------------------------------------------ handlers

    async def handle_static(self, request: web.Request) -> web.StreamResponse:
        # Only the named files: no listing, no path walked from the request.
        path = request.match_info["path"]
        kind = STATIC_FILES.get(path)
        if kind is None:
            raise web.HTTPNotFound()
        return web.FileResponse(STATIC_ROOT / path, headers={"Content-Type": kind})

    async def handle_link(self, request: web.Request) -> web.StreamResponse:
        address = self._address(request)
        if self._limited(address):
            raise web.HTTPTooManyRequests(
                text=message_page("Too many attempts", "Wait a minute."), content_type="text/html"
            )
        token = request.match_info["token"]
        holder = self._holder(token_hash(token)) if well_formed(token) else None
        if holder is None:
            raise self._refuse(address)
        if self._live_count() >= self.config.max_sessions:
            return web.Response(
                status=503,
                content_type="text/html",
                text=message_page(
                    "The server is full",
                    f"All {self.config.max_sessions} sessions are in use. Try again in a few minutes; "
                    "your work so far is saved.",
                ),
            )
        page, secret = secrets.token_urlsafe(16), secrets.token_urlsafe(32)
        self.grants[page] = Grant(
            holder.name, holder.role, token_hash(token), secret, time.monotonic() + TICKET_SECONDS
        )
        ws_scheme = "wss" if self.config.secure else "ws"
        base = urlsplit(self.config.url)
        response = web.Response(
            content_type="text/html",
            text=terminal_page(
                f"{self.config.url}/static/", f"{ws_scheme}://{base.netloc}{base.path}/ws/{page}", TITLE
            ),
        )
        response.set_cookie(
            "ticket",
            secret,
            path=f"{base.path}/ws/{page}",
            max_age=TICKET_SECONDS,
            httponly=True,
            samesite="Strict",
            secure=self.config.secure,
        )
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        address = self._address(request)
        if self._limited(address):
            raise web.HTTPTooManyRequests()
        if request.headers.get("Origin") != self.config.origin:
            raise web.HTTPForbidden()
        grant = self.grants.pop(request.match_info["page"], None)
        cookie = request.cookies.get("ticket", "")
        if grant is None or grant.expires < time.monotonic() or not hmac.compare_digest(cookie, grant.secret):
            raise self._refuse(address)
        holder = self._holder(grant.link_hash)  # rotated, revoked or retired since the page loaded?
        if holder is None or holder.name != grant.name:
            raise self._refuse(address)
        if len(self.sessions) >= self.config.max_sessions:
            raise web.HTTPServiceUnavailable()
        width = _clamp(request.query.get("width"), 80)
        height = _clamp(request.query.get("height"), 24)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        await websocket.prepare(request)
        argv = [sys.executable, "-m", "annotator.serve.child", str(self.db_path), holder.role, holder.name]
        service = ServedApp(
            argv,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self._downloads,
        )
        session_id = secrets.token_hex(8)
        session = Session(holder.name, grant.link_hash, service, websocket)
        self.sessions[session_id] = session
        self.started.add(holder.name if holder.role != "curator" else "gold")
        try:
            await service.start(width, height)
            ended = service._task  # ends when the app process does
            assert ended is not None
            reader = asyncio.ensure_future(self._pump(websocket, session))
            await asyncio.wait({ended, reader}, return_when=asyncio.FIRST_COMPLETED)
            reader.cancel()
        finally:
            self.sessions.pop(session_id, None)
            await service.end()
            await websocket.close()
        return websocket

    async def _pump(self, websocket: web.WebSocketResponse, session: Session) -> None:
        import json

        service = session.service
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, IndexError, TypeError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                session.last_input = time.monotonic()
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(_clamp(data.get("width"), 80), _clamp(data.get("height"), 24))
            elif kind == "ping" and isinstance(data, str):
                await websocket.send_json(["pong", data[:32]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def _watchdog(self) -> None:
        """Every two seconds: end idle sessions and sessions whose link no longer works."""
        while True:
            await asyncio.sleep(2)
            now = time.monotonic()
            for session in list(self.sessions.values()):
                try:
                    dead = self._holder(session.link_hash) is None
                except Exception:  # noqa: BLE001 - a busy database must not stop the watch
                    dead = False
                if dead or now - session.last_input > self.config.idle_timeout:
                    await session.websocket.close()

    def _remove_lock_files(self) -> None:
        """The lock files of the people served here, where no process holds them.
        Unlinked while we hold the lock: AnnotatorLock.acquire re-checks that the path
        is still the inode it locked, so a process that opened the old file meanwhile
        does not end up holding a lock nobody else can see."""
        for name in self.started:
            lock = AnnotatorLock(self.db_path, name)
            try:
                if lock.acquire():
                    lock_path(self.db_path, name).unlink(missing_ok=True)
                    lock.release()
            except OSError:
                continue

    # ------------------------------------------------------------- running

    def run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        def stop() -> None:
            raise web.GracefulExit()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
        web.run_app(
            self.make_app(),
            host=self.config.host,
            port=self.config.port,
            handle_signals=False,
            loop=loop,
            print=lambda *a: None,
            shutdown_timeout=QUIT_GRACE + 2,
        )


def _clamp(value: object, default: int) -> int:
    """A terminal size from the browser, kept to 10..500 cells."""
    if not isinstance(value, (int, str)):
        return default
    try:
        number = int(value)
    except ValueError:
        return default
    return max(10, min(number, 500))


def is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


__all__ = ["IDLE_TIMEOUT", "ServeConfig", "Server", "is_local"]
