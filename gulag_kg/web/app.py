"""The ASGI application: the routes of :mod:`.pages` and :mod:`.sparql` over one knowledge graph."""

from __future__ import annotations

from starlette.applications import Starlette

from ..kg import KnowledgeGraph
from . import pages, sparql
from .settings import WebSettings


def create_app(kg: KnowledgeGraph, settings: WebSettings | None = None) -> Starlette:
    """The web application over ``kg`` (in memory, on disk or an endpoint, as the CLI opened it)."""
    app = Starlette(routes=[*sparql.routes(), *pages.routes()])
    app.state.kg = kg
    app.state.settings = settings or WebSettings()
    return app
