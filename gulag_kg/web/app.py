"""The ASGI application: the routes of :mod:`.pages` and :mod:`.sparql` over one knowledge graph,
behind one middleware that gives every response the same linked-data and CORS conventions."""

from __future__ import annotations

import contextlib

from starlette.applications import Starlette
from starlette.routing import Match

from ..kg import KnowledgeGraph
from . import pages, sparql
from .settings import WebSettings

#: Media types that are text (they get ``charset=utf-8`` when they come without a charset).
_TEXTUAL = ("application/json", "application/xml", "application/javascript", "application/n-triples",
            "application/n-quads", "application/trig", "application/sparql-query", "application/x-turtle",
            "application/x-trig", "image/svg+xml")
#: Response headers a script on another origin may read (CORS).
EXPOSED_HEADERS = ("Content-Type", "Content-Length", "Content-Location", "Content-Disposition", "Link",
                   "Location", "Retry-After", "Vary")


def create_app(kg: KnowledgeGraph, settings: WebSettings | None = None) -> Starlette:
    """The web application over ``kg`` (in memory, on disk or an endpoint, as the CLI opened it).

    Over a local store this starts the query workers at once (see :mod:`gulag_kg.workers`): call
    it before anything starts a thread, as ``gulag-kg serve`` does. They stop with the
    application's lifespan, or at exit.
    """
    settings = settings or WebSettings()
    engine = sparql.QueryEngine(kg.store, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        engine.start()
        try:
            yield
        finally:
            engine.close()

    app = Starlette(routes=[*sparql.routes(), *pages.routes()], lifespan=lifespan)
    app.state.kg = kg
    app.state.settings = settings
    app.state.engine = engine
    app.add_middleware(Conventions)
    return app


def is_textual(media: str) -> bool:
    """>>> is_textual("application/sparql-results+json"), is_textual("image/png")
    (True, False)
    """
    media = media.lower()
    return (media.startswith("text/") or media in _TEXTUAL or media.endswith(("+json", "+xml")))


class Conventions:
    """Every response: ``Vary: Accept`` (representations are negotiated), ``charset=utf-8`` on
    every textual type, ``X-Content-Type-Options: nosniff`` and CORS for any origin
    (``Access-Control-Allow-Origin: *`` with the headers a script needs exposed). ``OPTIONS``
    is answered here for every path: 204 with ``Allow``, and the CORS preflight's headers."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await self._options(scope, send)
            return

        async def send_with_conventions(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_conventions(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_conventions)

    def _allowed(self, scope) -> list[str] | None:
        """The methods of the route at this path (None: no route)."""
        router = scope["app"].router if "app" in scope else None
        routes = router.routes if router is not None else []
        for route in routes:
            match, _ = route.matches({**scope, "method": "GET"})
            if match == Match.FULL:
                methods = getattr(route, "methods", None) or {"GET", "HEAD"}
                return sorted(set(methods) | {"OPTIONS"})
        return None

    async def _options(self, scope, send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        allowed = self._allowed(scope)
        status = 204 if allowed is not None else 404
        out = [(b"content-length", b"0")]
        if allowed is not None:
            out.append((b"allow", ", ".join(allowed).encode()))
            if "access-control-request-method" in headers:  # a CORS preflight
                out.append((b"access-control-allow-methods", ", ".join(allowed).encode()))
                requested = headers.get("access-control-request-headers", "")
                if requested:
                    out.append((b"access-control-allow-headers", requested.encode("latin-1")))
                out.append((b"access-control-max-age", b"86400"))
        await send({"type": "http.response.start", "status": status, "headers": _with_conventions(out)})
        await send({"type": "http.response.body", "body": b""})


def _with_conventions(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    out, vary = [], []
    for name, value in headers:
        lower = name.lower()
        if lower == b"content-type":
            media = value.split(b";")[0].strip().decode("latin-1")
            if is_textual(media) and b"charset=" not in value.lower():
                value = value + b"; charset=utf-8"
        elif lower == b"vary":
            vary += [v.strip() for v in value.split(b",") if v.strip()]
            continue
        elif lower in (b"access-control-allow-origin", b"access-control-expose-headers", b"x-content-type-options"):
            continue
        out.append((name, value))
    if not any(v.lower() == b"accept" for v in vary):
        vary.append(b"Accept")
    out += [(b"vary", b", ".join(vary)),
            (b"access-control-allow-origin", b"*"),
            (b"access-control-expose-headers", ", ".join(EXPOSED_HEADERS).encode()),
            (b"x-content-type-options", b"nosniff")]
    return out
