"""Running the application with uvicorn (``gulag-kg serve``), HTTP/1.1 with keep-alive.

uvicorn parses HTTP (with httptools); :class:`GuardedProtocol` adds what a server facing the
Internet needs and uvicorn leaves out: a request target over the limit is 414, headers over the
limit 431, a request left half-sent (headers not all there within the idle timeout, or a pause
longer than it in the body) is closed with 408, a connection that sends nothing is closed after
the idle timeout, and a request HTTP cannot parse is 400 with the parser's reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import httptools
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..kg import KnowledgeGraph
from .app import create_app
from .settings import WebSettings

_REASONS = {400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with limits on what a client may send and how slowly.
    :func:`protocol_class` makes one with the limits of a :class:`WebSettings`."""

    idle_timeout: float = WebSettings.idle_timeout
    max_url_bytes: int = WebSettings.max_url_bytes
    max_header_bytes: int = WebSettings.max_header_bytes

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._idle_timer = None
        self._refused: tuple[int, str] | None = None
        self._in_request = True  # until the first request is in, a silent client is half-sent
        self._headers_in = False
        self._began = self._last_data = self.loop.time()
        self._url_bytes = self._header_bytes = 0
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    # -- timers --------------------------------------------------------------------------------
    def _arm(self, delay: float | None = None) -> None:
        self._disarm()
        self._idle_timer = self.loop.call_later(self.idle_timeout if delay is None else delay, self._idle_check)

    def _disarm(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _idle_check(self) -> None:
        self._idle_timer = None
        if self.transport.is_closing() or not self._in_request:
            return
        now = self.loop.time()
        if self.flow.read_paused:  # the application is not reading the body yet: not the client's doing
            self._arm()
            return
        quiet = now - self._last_data
        late = not self._headers_in and now - self._began >= self.idle_timeout
        if quiet >= self.idle_timeout or late:
            what = "the request headers" if not self._headers_in else "the request body"
            self._send_error(408, f"{what} did not arrive in time (the server waits {self.idle_timeout:g} s)")
            return
        self._arm(self.idle_timeout - quiet)

    # -- parsing -------------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        self._last_data = self.loop.time()
        if self._refused is not None:
            return
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            if self._refused is None:
                reason = str(exc) or "malformed request"
                self._refused = (400, f"the request is not valid HTTP/1.1: {reason}")
        except httptools.HttpParserUpgrade:
            self._unsupported_upgrade_warning()
        if self._refused is not None:
            self._send_error(*self._refused)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_request = True
        self._headers_in = False
        self._began = self.loop.time()
        self._url_bytes = self._header_bytes = 0
        self._arm()

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        if self._url_bytes > self.max_url_bytes:
            self._refused = self._refused or (414, f"the request target is longer than {self.max_url_bytes:,} bytes; "
                                                   "send a long query by POST")
            return
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        if self._header_bytes > self.max_header_bytes:
            self._refused = self._refused or (431, f"the request headers are larger than {self.max_header_bytes:,} bytes")
            return
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refused is not None:
            return
        self._headers_in = True
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self._refused is None:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused is not None:
            return
        self._in_request = False
        self._disarm()
        super().on_message_complete()

    def _send_error(self, status: int, message: str) -> None:
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            body = (message + "\n").encode("utf-8")
            head = (f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\ncontent-type: text/plain; charset=utf-8\r\n"
                    f"content-length: {len(body)}\r\nconnection: close\r\nvary: Accept\r\n"
                    "access-control-allow-origin: *\r\n\r\n").encode("latin-1")
            self.transport.write(head + body)
        if self.cycle is not None:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.close()


def protocol_class(settings: WebSettings) -> type[GuardedProtocol]:
    """A :class:`GuardedProtocol` with the limits of ``settings``."""
    return type("GuardedProtocol", (GuardedProtocol,), {
        "idle_timeout": settings.idle_timeout, "max_url_bytes": settings.max_url_bytes,
        "max_header_bytes": settings.max_header_bytes})


def _loop() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:  # pragma: no cover - uvloop is not available on this platform
        return "asyncio"
    return "uvloop"


def uvicorn_options(settings: WebSettings) -> dict:
    """The uvicorn configuration that goes with ``settings`` (HTTP/1.1, keep-alive, limits)."""
    return {"http": protocol_class(settings), "loop": _loop(), "timeout_keep_alive": settings.keep_alive,
            "log_level": "warning", "access_log": False, "lifespan": "on"}


def make_server(kg: KnowledgeGraph, *, host: str = "127.0.0.1", port: int = 8000,
                settings: WebSettings | None = None) -> uvicorn.Server:
    """A uvicorn server for ``kg``, ready to ``run()``; ``port=0`` picks a free port. The query
    workers start here, so call it before starting threads."""
    settings = settings or WebSettings()
    config = uvicorn.Config(create_app(kg, settings), host=host, port=port, **uvicorn_options(settings))
    return uvicorn.Server(config)


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (useful with ``port=0``)."""
    return server.servers[0].sockets[0].getsockname()[1]


def run(kg: KnowledgeGraph, *, host: str, port: int, settings: WebSettings,
        announce: Callable[[str], None]) -> None:
    """Serve until interrupted; ``announce`` gets the address once the socket is bound."""
    server = make_server(kg, host=host, port=port, settings=settings)
    config_startup = server.startup

    async def startup(sockets=None):
        await config_startup(sockets)
        if server.started:
            announce(f"http://{host}:{bound_port(server)}")

    server.startup = startup
    server.run()


def run_processes(*, processes: int, host: str, port: int, settings: WebSettings, environ: dict[str, str]) -> None:
    """Serve with ``processes`` uvicorn worker processes, each loading the graph itself (from
    ``environ``, see :mod:`gulag_kg.web.asgi`) and running its own query workers."""
    os.environ.update(environ)
    options = uvicorn_options(settings)
    options["http"] = "gulag_kg.web.asgi:Protocol"
    uvicorn.run("gulag_kg.web.asgi:app_from_environment", factory=True, host=host, port=port,
                workers=processes, **options)
