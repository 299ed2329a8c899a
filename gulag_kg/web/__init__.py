"""The web layer of gulag-kg: pages for people and a read-only SPARQL 1.1 endpoint.

``create_app(kg)`` builds the ASGI application (Starlette); ``gulag-kg serve`` runs it with
uvicorn. Two parts, each a module of routes:

* :mod:`gulag_kg.web.pages` — the home page and the linked-data IRIs (``/id/...``), by content
  negotiation;
* :mod:`gulag_kg.web.sparql` — the SPARQL 1.1 Protocol at ``/sparql``, its Service Description
  and query UI; queries run in the worker processes of :mod:`gulag_kg.workers`.

:mod:`.app` adds the conventions every response follows (``Vary: Accept``, a charset, CORS),
:mod:`.serve` runs uvicorn with limits on what clients may send, :mod:`.settings` holds the
operator's limits, :mod:`.asgi` builds the application for an ASGI server that imports it, and
:mod:`.readonly` opens an on-disk store read-only. Templates and static files live beside them
(``templates/``, ``static/``).
"""

from .app import create_app
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]
