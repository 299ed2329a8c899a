"""The home page and the linked-data IRIs under ``/id/``, by content negotiation."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..export import serialize_quads
from ..prefixes import ID_NS
from ..version import __version__
from .negotiation import negotiate

_GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "jsonld"}
_DESCRIBE = """
CONSTRUCT { ?s ?p ?o . ?c ?cp ?co . ?e ?ep ?eo . ?sel ?selp ?selo }
WHERE {
  { ?s ?p ?o FILTER(?s = ?entity) }
  UNION
  { ?c gk:subject ?entity ; ?cp ?co . }
  UNION
  { { ?entity gk:evidence ?e } UNION { ?c2 gk:subject ?entity ; gk:evidence ?e } ?e ?ep ?eo .
    OPTIONAL { ?e oa:hasSelector ?sel . ?sel ?selp ?selo } }
}
"""


def routes() -> list[Route]:
    return [Route("/", home), Route("/id/{path:path}", entity)]


async def home(request: Request) -> Response:
    settings = request.app.state.settings
    return JSONResponse({
        "name": "gulag-kg",
        "version": __version__,
        "sparql": "/sparql",
        "entities": "/id/{type}/{slug}, e.g. /id/agency/nkvd",
        "note": "read-only; SELECT results are limited to %d rows" % settings.max_rows,
    })


async def entity(request: Request) -> Response:
    return await run_in_threadpool(_describe, request, ID_NS + request.path_params["path"])


def _describe(request: Request, iri: str) -> Response:
    store = request.app.state.kg.store
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return PlainTextResponse(f"not a valid IRI: {iri}\n", status_code=400)
    if not any(True for _ in store.quads_for_pattern(node, None, None, None)):
        return PlainTextResponse(f"{iri} is not in the graph\n", status_code=404)
    media = negotiate(request.headers.get("accept", ""), _GRAPH_TYPES)
    if media is None:
        return PlainTextResponse("descriptions are offered as " + ", ".join(_GRAPH_TYPES) + "\n", status_code=406)
    # CONSTRUCT has no projection to bind a parameter to: the IRI goes in as Oxigraph
    # serialises it (validated above), never as raw text from the URL.
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in store.query(_DESCRIBE.replace("?entity", str(node)))]
    return Response(serialize_quads(quads, _GRAPH_TYPES[media]), media_type=media)
