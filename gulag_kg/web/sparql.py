"""``/sparql``: the SPARQL 1.1 Protocol, read-only.

GET ``?query=``, POST form or ``application/sparql-query``; results by content negotiation
(SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples or JSON-LD for CONSTRUCT/DESCRIBE). Updates are
refused (403), and so is ``SERVICE`` unless the operator allows it; every query goes through the
same checks as ``gulag-kg query``.
"""

from __future__ import annotations

import json
import urllib.parse

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..errors import GulagKgError, QueryError
from ..export import serialize_quads
from ..query import execute
from .negotiation import negotiate

_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "jsonld"}


def routes() -> list[Route]:
    return [Route("/sparql", sparql_endpoint, methods=["GET", "POST"])]


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message + "\n", status_code=status)


async def sparql_endpoint(request: Request) -> Response:
    settings = request.app.state.settings
    if request.method == "GET":
        params = urllib.parse.parse_qs(request.url.query)
    else:
        body = await request.body()
        if len(body) > settings.max_body_bytes:
            return _error(413, f"queries are limited to {settings.max_body_bytes:,} bytes")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        text = body.decode("utf-8", "replace")
        if content_type == "application/sparql-update":
            return _error(403, "this endpoint is read-only: updates are refused")
        if content_type == "application/sparql-query":
            params = {"query": [text]}
        elif content_type == "application/x-www-form-urlencoded":
            params = urllib.parse.parse_qs(text)
        else:
            return _error(400, "POST a query as application/sparql-query or as a form field 'query'")
    if "update" in params:
        return _error(403, "this endpoint is read-only: updates are refused")
    if not params.get("query"):
        return _error(400, "give the query as ?query=...")
    return await run_in_threadpool(_answer, request, params["query"][0])


def _answer(request: Request, text: str) -> Response:
    settings = request.app.state.settings
    store = request.app.state.kg.store
    try:
        result = execute(store, text, allow_service=settings.allow_service, timeout=settings.timeout)
    except QueryError as exc:
        refused = "not allowed" in str(exc) or "refused" in str(exc)
        return _error(403 if refused else 400, str(exc))
    except GulagKgError as exc:
        return _error(500, str(exc))
    accept = request.headers.get("accept", "")
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        media = negotiate(accept, _RESULT_TYPES)
        if media is None:
            return _error(406, "results are offered as " + ", ".join(_RESULT_TYPES))
        headers = {}
        if isinstance(result, ox.QuerySolutions):
            variables = result.variables
            rows = []
            for solution in result:
                if len(rows) == settings.max_rows:
                    headers["X-Gulag-KG-Truncated"] = f"results cut at {settings.max_rows} rows"
                    break
                rows.append(solution)
            body = _serialize_solutions(variables, rows, _RESULT_TYPES[media])
        else:
            body = result.serialize(format=_RESULT_TYPES[media])
        media_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
        return Response(body, headers=headers, media_type=media_type)
    media = negotiate(accept, _GRAPH_TYPES)
    if media is None:
        return _error(406, "graphs are offered as " + ", ".join(_GRAPH_TYPES))
    quads = (ox.Quad(t.subject, t.predicate, t.object) for t in result)
    return Response(serialize_quads(quads, _GRAPH_TYPES[media]), media_type=media)


def _serialize_solutions(variables, rows, fmt: ox.QueryResultsFormat) -> bytes:
    """Serialise (possibly cut) solutions with Oxigraph's writer via an in-memory re-parse."""
    doc = {"head": {"vars": [v.value for v in variables]},
           "results": {"bindings": [
               {v.value: _json_term(row[v]) for v in variables if row[v] is not None} for row in rows]}}
    data = json.dumps(doc).encode("utf-8")
    if fmt == ox.QueryResultsFormat.JSON:
        return data
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON).serialize(format=fmt)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out
