"""``gulag-kg serve``: a read-only SPARQL 1.1 endpoint and linked-data pages for the graph.

* ``/sparql`` — the SPARQL 1.1 Protocol (GET ``?query=``, POST form or
  ``application/sparql-query``); results by content negotiation (SPARQL JSON, XML, CSV, TSV;
  Turtle, N-Triples or JSON-LD for CONSTRUCT/DESCRIBE). Updates are refused (403), and so is
  ``SERVICE``; every query goes through the same checks as ``gulag-kg query``, and a SELECT
  answers at most ``max_rows`` rows (the response says when it was cut).
* ``/id/...`` — the description of an entity of the graph (its triples and the claims about
  it), so that the graph's IRIs resolve when the server runs at the IRI base.
* ``/`` — a short page saying what is here.

The server binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from .errors import GulagKgError, QueryError
from .export import serialize_quads
from .prefixes import ID_NS
from .query import check_read_only, execute
from .store import Store
from .version import __version__

_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
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


def _negotiate(accept: str, offered: dict) -> str | None:
    """The first media type of ``offered`` the Accept header admits (by q order), or None."""
    if not accept:
        return next(iter(offered))
    choices = []
    for i, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        choices.append((-q, i, media.lower()))
    for _, _, media in sorted(choices):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return next(m for m in offered if media == "*/*" or m.startswith(media[:-1]))
    return None


@dataclass(frozen=True)
class ServerSettings:
    max_rows: int = 10_000


class _Handler(BaseHTTPRequestHandler):
    server_version = f"gulag-kg/{__version__}"
    store: Store
    settings: ServerSettings

    # -- plumbing ----------------------------------------------------------------------------
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass  # quiet by default; the CLI prints the address once

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    # -- routes ------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/sparql":
            params = urllib.parse.parse_qs(url.query)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            queries = params.get("query")
            if not queries:
                return self._error(HTTPStatus.BAD_REQUEST, "give the query as ?query=...")
            return self._query(queries[0])
        if url.path.startswith("/id/"):
            return self._describe(ID_NS + url.path[len("/id/"):])
        if url.path == "/":
            return self._home()
        return self._error(HTTPStatus.NOT_FOUND, f"nothing at {url.path}; the SPARQL endpoint is /sparql")

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._error(HTTPStatus.NOT_FOUND, f"nothing at {url.path}; the SPARQL endpoint is /sparql")
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "queries are limited to 1 MB")
        body = self.rfile.read(length).decode("utf-8", "replace")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        if content_type == "application/sparql-query":
            return self._query(body)
        if content_type == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body)
            if "update" in form:
                return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            if "query" in form:
                return self._query(form["query"][0])
        return self._error(HTTPStatus.BAD_REQUEST, "POST a query as application/sparql-query or as a form field 'query'")

    def do_PUT(self) -> None:  # noqa: N802
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only")

    do_DELETE = do_PATCH = do_PUT

    # -- handlers ----------------------------------------------------------------------------
    def _query(self, text: str) -> None:
        try:
            check_read_only(text)
            result = execute(self.store, text)
        except QueryError as exc:
            status = HTTPStatus.FORBIDDEN if "not allowed" in str(exc) or "refused" in str(exc) else HTTPStatus.BAD_REQUEST
            return self._error(status, str(exc))
        except GulagKgError as exc:
            return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        accept = self.headers.get("Accept", "")
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            media = _negotiate(accept, _RESULT_TYPES)
            if media is None:
                return self._error(HTTPStatus.NOT_ACCEPTABLE, "results are offered as " + ", ".join(_RESULT_TYPES))
            headers = {}
            if isinstance(result, ox.QuerySolutions):
                variables = result.variables
                rows = []
                for solution in result:
                    if len(rows) == self.settings.max_rows:
                        headers["X-Gulag-KG-Truncated"] = f"results cut at {self.settings.max_rows} rows"
                        break
                    rows.append(solution)
                body = _serialize_solutions(variables, rows, _RESULT_TYPES[media])
            else:
                body = result.serialize(format=_RESULT_TYPES[media])
            return self._send(HTTPStatus.OK, body, media + ("; charset=utf-8" if media.startswith("text/") else ""), headers)
        media = _negotiate(accept, _GRAPH_TYPES)
        if media is None:
            return self._error(HTTPStatus.NOT_ACCEPTABLE, "graphs are offered as " + ", ".join(_GRAPH_TYPES))
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in result)
        return self._send(HTTPStatus.OK, serialize_quads(quads, _GRAPH_TYPES[media]), media)

    def _describe(self, iri: str) -> None:
        try:
            entity = ox.NamedNode(iri)
        except ValueError:
            return self._error(HTTPStatus.BAD_REQUEST, f"not a valid IRI: {iri}")
        if not any(True for _ in self.store.quads_for_pattern(entity, None, None, None)):
            return self._error(HTTPStatus.NOT_FOUND, f"{iri} is not in the graph")
        media = _negotiate(self.headers.get("Accept", ""), _GRAPH_TYPES)
        if media is None:
            return self._error(HTTPStatus.NOT_ACCEPTABLE, "descriptions are offered as " + ", ".join(_GRAPH_TYPES))
        # CONSTRUCT has no projection to bind a parameter to: the IRI goes in as Oxigraph
        # serialises it (validated and escaped above), never as raw text from the URL.
        quads = [ox.Quad(t.subject, t.predicate, t.object)
                 for t in self.store.query(_DESCRIBE.replace("?entity", str(entity)))]
        return self._send(HTTPStatus.OK, serialize_quads(quads, _GRAPH_TYPES[media]), media)

    def _home(self) -> None:
        page = {
            "name": "gulag-kg",
            "version": __version__,
            "sparql": "/sparql",
            "entities": "/id/{type}/{slug}, e.g. /id/agency/nkvd",
            "note": "read-only; SELECT results are limited to %d rows" % self.settings.max_rows,
        }
        self._send(HTTPStatus.OK, (json.dumps(page, indent=2) + "\n").encode(), "application/json")


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


def make_server(store: Store, *, host: str = "127.0.0.1", port: int = 8000,
                settings: ServerSettings | None = None) -> ThreadingHTTPServer:
    """A server ready to ``serve_forever()``; ``port=0`` picks a free port (``server.server_port``)."""
    handler = type("Handler", (_Handler,), {"store": store, "settings": settings or ServerSettings()})
    return ThreadingHTTPServer((host, port), handler)
