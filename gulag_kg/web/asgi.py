"""The application for an ASGI server that imports it (production: several processes, a reverse
proxy in front), configured by environment variables.

    GULAG_KG_STORE=/srv/gulag-kg/store uvicorn --factory gulag_kg.web.asgi:app_from_environment \\
        --http gulag_kg.web.asgi:Protocol --host 127.0.0.1 --port 8000 --workers 4

``GULAG_KG_STORE`` names an on-disk store (opened read-only, so any number of processes can serve
it while ``gulag-kg --store DIR load`` may still write to it; a server sees what was there when it
started), ``GULAG_KG_ENDPOINT`` a SPARQL server; with neither, each process loads the shipped
graph in memory, plus the files in ``GULAG_KG_DATA`` (separated by ``os.pathsep``). The limits
come from the ``GULAG_KG_*`` variables of :meth:`WebSettings.from_environment`.
``gulag-kg serve --processes N`` sets these variables and starts uvicorn this way.
"""

from __future__ import annotations

import os

from ..kg import KnowledgeGraph
from .app import create_app
from .serve import protocol_class
from .settings import WebSettings


def open_graph(*, store: str | None = None, endpoint: str | None = None, data: list[str] = ()) -> KnowledgeGraph:
    """The graph to serve: an on-disk store read-only, a SPARQL server, or the shipped graph
    (and ``data`` files) in memory."""
    from ..kg import connect, load
    from ..loading import check_data_files
    from ..store import StoreError

    if data and (store is not None or endpoint is not None):
        raise StoreError("--data adds files to the in-memory graph; put them into the store with "
                         "'gulag-kg --store DIR load FILE' instead")
    if store is not None:
        from .readonly import open_read_only

        return KnowledgeGraph(open_read_only(store))
    if endpoint is not None:
        return connect(endpoint=endpoint)
    return load(check_data_files(data))


def app_from_environment():
    """The application as the ``GULAG_KG_*`` environment variables describe it."""
    data = [p for p in os.environ.get("GULAG_KG_DATA", "").split(os.pathsep) if p]
    kg = open_graph(store=os.environ.get("GULAG_KG_STORE") or None,
                    endpoint=os.environ.get("GULAG_KG_ENDPOINT") or None, data=data)
    return create_app(kg, WebSettings.from_environment())


#: The HTTP protocol with the limits of the environment's settings (for ``uvicorn --http``).
Protocol = protocol_class(WebSettings.from_environment())
