"""The routes of the pages for people and of the linked-data IRIs (``/id/``, ``/vocab/``,
``/graph/``, ``/ontology``, ``/context.jsonld``).

Every path is answered by :class:`gulag_kg.web.site.Site`, the same code ``gulag-kg publish``
writes files with. An IRI without extension answers **303 See Other** to its document in the
format the ``Accept`` header prefers (see :mod:`gulag_kg.web.linked_data`); every response of these
routes carries ``Vary: Accept`` and, for text, ``charset=utf-8``.
"""

from __future__ import annotations

import threading
import urllib.parse
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .linked_data import negotiate_document, offered_types
from .site import Site
from .urls import IRI_DOCUMENTS, IRI_ROOTS, split_extension

STATIC_DIR = Path(__file__).resolve().parent / "static"
VARY = {"Vary": "Accept"}
_SITE_LOCK = threading.Lock()


class _StaticFiles(StaticFiles):
    """Static files (stylesheet, script, vendored data) with ``Vary: Accept`` like every other
    response of these routes."""

    def file_response(self, *args, **kwargs) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.setdefault("Vary", "Accept")
        return response


def routes() -> list[BaseRoute]:
    exact = ["/", "/index.html", "/search", "/search.html", "/search-index.json", "/map.html", "/map/base.svg",
             "/charts.html", "/timeline.html", "/contested.html", "/ontology", "/shapes", "/vocab", "/graph", "/context.jsonld"]
    below = ["/browse/{rest:path}", "/queries/{rest:path}", "/id/{rest:path}", "/vocab/{rest:path}",
             "/graph/{rest:path}", "/dumps/{rest:path}", "/ontology.{ext}", "/shapes.{ext}", "/vocab.{ext}"]
    return ([Route(p, page) for p in exact] + [Route(p, page) for p in below]
            + [Mount("/static", app=_StaticFiles(directory=STATIC_DIR), name="static")])


def site_of(app) -> Site:
    """The app's :class:`Site`, made at the first request (building it costs nothing; its
    caches fill as pages are asked for)."""
    site = getattr(app.state, "site", None)
    if site is None:
        with _SITE_LOCK:
            site = getattr(app.state, "site", None)
            if site is None:
                site = app.state.site = Site(app.state.kg)
    return site


def _is_iri_path(path: str) -> bool:
    return path in IRI_DOCUMENTS or (path.split("/", 1)[0] in IRI_ROOTS and "/" in path.rstrip("/"))


async def page(request: Request) -> Response:
    site = site_of(request.app)
    path = request.url.path.lstrip("/")
    if path == "search":
        path = "search.html"
    accept = request.headers.get("accept", "")
    if path.endswith("/") and _is_iri_path(path.rstrip("/")):  # the vocab/ namespace, id/x/y/
        path = path.rstrip("/")
    if split_extension(path)[1] is None and _is_iri_path(path):
        iri = await run_in_threadpool(site.negotiable_iri, path)
        if iri is not None:
            ext = negotiate_document(accept)
            if ext is None:
                return PlainTextResponse(f"{iri} is described as {offered_types()}\n", status_code=406, headers=VARY)
            location = request.scope.get("root_path", "") + "/" + urllib.parse.quote(f"{path}.{ext}")
            return Response(status_code=303, headers={"Location": location, **VARY})
    doc = await run_in_threadpool(site.document, path, query=request.url.query)
    if doc.status == 404 and negotiate_document(accept) != "html":
        return PlainTextResponse(f"/{path}: not found; {_missing_iri(path)}\n", status_code=404, headers=VARY)
    return Response(doc.body, status_code=doc.status, media_type=doc.media_type, headers=VARY)


def _missing_iri(path: str) -> str:
    from ..prefixes import BASE

    stem, _ = split_extension(path)
    return f"{BASE}{stem} is not in the graph" if _is_iri_path(stem) else "no such page"
