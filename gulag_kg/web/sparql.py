"""``/sparql``: the SPARQL 1.1 Protocol, read-only.

* Queries by GET ``?query=``, POST form (``application/x-www-form-urlencoded``) or POST direct
  (``application/sparql-query``), in UTF-8; the dataset by ``default-graph-uri`` and
  ``named-graph-uri`` (which take precedence over the query's FROM, as the protocol says); without
  either, and without FROM, the default graph is the union of every graph of the store.
* Results by content negotiation (:mod:`.negotiation`): SELECT and ASK in SPARQL JSON, XML, CSV
  and TSV; CONSTRUCT and DESCRIBE in Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads and TriG.
* ``GET /sparql`` without a query: the SPARQL 1.1 Service Description (RDF by content
  negotiation), or the query UI (Yasgui, served from this package) when a browser asks for HTML.
  A browser following a link to ``/sparql?query=...`` gets the UI with that query run.
* Refusals, each with a one-line message: a malformed query 400 (the parser's message), an update
  or SERVICE 403 (SERVICE unless the operator allows it), a body over the limit 413, a request
  target over the limit 414, a media type of the body other than the two above 415, a query
  nested too deeply for the engine 400, a graph that RDF/XML cannot hold asked for as RDF/XML 406
  (a predicate with no XML name, say; Turtle and N-Triples hold it), a result over the row limit 422 (never cut: the operator
  can lift the limit, and results then stream), too many queries at once 503 with Retry-After, the
  time limit 503, the memory caps 503 (the server's) or 500 (the query's), an engine failure 500,
  an unreachable remote endpoint (``--endpoint``) 502.

Queries on a local store run in worker processes (:mod:`gulag_kg.workers`): a slow query holds
one worker, never the server; answers are read from the worker as soon as they are complete, so a
slow client holds none.
"""

from __future__ import annotations

import asyncio
import functools
import re
import urllib.parse
from pathlib import Path

import anyio
import pyoxigraph as ox
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.datastructures import URL
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .. import query as queries
from .. import workers
from ..errors import GulagKgError, QueryError
from ..prefixes import PREFIXES
from ..rdfxml import RdfXmlRefused
from ..store import StoreError
from ..version import __version__
from .negotiation import MediaType, by_name, choose, media_types
from .settings import WebSettings

HERE = Path(__file__).resolve().parent
YASGUI_DIR = HERE / "static" / "vendor" / "yasgui"
#: Where the UI's vendored Yasgui is served from.
YASGUI_PATH = "/static/vendor/yasgui"


def routes() -> list[BaseRoute]:
    return [Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
            Mount(YASGUI_PATH, app=StaticFiles(directory=YASGUI_DIR), name="yasgui")]


class Refusal(Exception):
    """An HTTP error answer: status and one line of text (plus headers)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> Response:
        return PlainTextResponse(self.message.replace("\n", " ") + "\n", status_code=self.status, headers=self.headers)


# --- the engine: workers for a local store, a remote endpoint otherwise -------------------------


class QueryEngine:
    """Runs the endpoint's queries: in a pool of workers over a local store (started here,
    before the server starts any thread), or through a remote store's own protocol."""

    def __init__(self, store, settings: WebSettings) -> None:
        self.store = store
        self.settings = settings
        self.pool: workers.Pool | None = None
        if queries._runs_in_workers(store):
            self.pool = workers.Pool(store, processes=settings.max_queries, max_queued=settings.max_queued,
                                     memory_mb=settings.query_memory_mb, network=settings.allow_service,
                                     prestart=settings.max_queries)
            workers.register_pool(store, self.pool)
        elif hasattr(store, "timeout"):
            store.timeout = settings.timeout
        self.named_graphs = [g.value for g in store.named_graphs()]
        self._watch: asyncio.Task | None = None

    async def run(self, text: str, *, formats: dict[str, str], default_graph, named_graphs,
                  base_iri: str | None = None) -> workers.AsyncAnswer:
        settings = self.settings
        dataset = default_graph is not None or named_graphs is not None
        union = not dataset and not queries.uses_from(text)
        if self.pool is None:
            return await anyio.to_thread.run_sync(self._remote, text, formats, default_graph, named_graphs, union)
        request = workers.request(text, fmt=formats, union=union, default_graph=default_graph,
                                  named_graphs=named_graphs, max_rows=settings.max_rows, base_iri=base_iri)
        return await self.pool.run_async(request, timeout=settings.timeout, spool=settings.max_rows is not None)

    # -- the server's total memory ---------------------------------------------------------------
    def start(self) -> None:
        """Start watching the server's total memory (in the running event loop), if capped."""
        if self._watch is None and self.settings.memory_limit_mb and self.pool is not None:
            self.pool.enforce_total_memory(self.settings.memory_limit_mb)
            self._watch = asyncio.get_running_loop().create_task(self._watch_memory())

    async def _watch_memory(self) -> None:
        limit = self.settings.memory_limit_mb
        while self.pool is not None and not self.pool._closed:
            await asyncio.sleep(0.25)
            await anyio.to_thread.run_sync(self.pool.enforce_total_memory, limit)

    # -- a remote store (--endpoint) -------------------------------------------------------------
    def _remote(self, text, formats, default_graph, named_graphs, union) -> workers.AsyncAnswer:
        from .. import store as store_module

        store = self.store
        if default_graph is None and named_graphs is None:
            result = store.query(text, union=union)
        else:  # the dataset goes to the remote endpoint as the protocol's own parameters
            form = queries.query_form(text)
            params = [("query", store_module._prefix_block() + text)]
            params += [("default-graph-uri", g) for g in default_graph or ()]
            params += [("named-graph-uri", g) for g in named_graphs or ()]
            graph = form in ("construct", "describe")
            data = store._request(store.query_url, data=urllib.parse.urlencode(params).encode(), method="POST", headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/n-triples" if graph else "application/sparql-results+json"})
            dialect = store.dialect  # what that server does differently (gulag_kg.dialects)
            result = (list(ox.parse(dialect.triples(data), format=ox.RdfFormat.N_TRIPLES)) if graph
                      else ox.parse_query_results(dialect.results(data), format=ox.QueryResultsFormat.JSON))
        form = "ask" if isinstance(result, ox.QueryBoolean) else "select" if isinstance(result, ox.QuerySolutions) else "graph"
        if form == "graph":
            result = [ox.Triple(t.subject, t.predicate, t.object) for t in result]
        out = _Collect()
        try:
            rows = workers._write_result(result, formats[form], self.settings.max_rows, out)
        except workers._TooManyRows:
            raise workers.WorkerFailure("rows", limit=self.settings.max_rows) from None
        except RdfXmlRefused as exc:  # as a worker reports it
            raise workers.WorkerFailure("engine", str(exc), error_type=type(exc).__name__) from None
        data = out.getvalue()

        async def chunks():
            yield data

        return workers.AsyncAnswer(form, rows, workers.Chunks(chunks(), lambda: None), size=len(data))

    def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if self.pool is not None:
            self.pool.close()


class _Collect:
    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


# --- reading the request ------------------------------------------------------------------------


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes whatever Content-Length says
    (the server itself answers 400 to a Content-Length that is not a number)."""
    declared = request.headers.get("content-length")
    close = {"Connection": "close"}  # the rest of the body is not read: the connection cannot go on
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refusal(413, f"the request body is {int(declared):,} bytes; this endpoint accepts at most {limit:,}", close)
    parts, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Refusal(413, f"the request body is larger than {limit:,} bytes, the most this endpoint accepts", close)
            parts.append(chunk)
    except ClientDisconnect:
        raise Refusal(400, "the client closed the connection before sending the whole body") from None
    return b"".join(parts)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(400, f"{what} is not valid UTF-8 (byte {exc.start})") from None


def _form_fields(text: str, what: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=False,
                                      encoding="utf-8", errors="strict", max_num_fields=1000)
    except UnicodeDecodeError:
        raise Refusal(400, f"{what} is not valid UTF-8 once percent-decoded") from None
    except ValueError as exc:
        raise Refusal(400, f"{what}: {exc}") from None


def _content_type(request: Request) -> tuple[str, str | None]:
    value = request.headers.get("content-type", "")
    media, *params = [p.strip() for p in value.split(";")]
    charset = None
    for p in params:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"').lower()
    return media.lower(), charset


async def _protocol_fields(request: Request, settings: WebSettings) -> list[tuple[str, str]]:
    """The protocol's fields (query, update, default-graph-uri, named-graph-uri, ...) of a GET
    or POST, with every refusal the protocol asks for."""
    url_fields = _form_fields(request.scope.get("query_string", b"").decode("latin-1"), "the query string")
    if request.method in ("GET", "HEAD"):
        return url_fields
    media, charset = _content_type(request)
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"):
        shown = media or "no Content-Type"
        raise Refusal(415, f"POST a query as application/sparql-query or as the field 'query' of an "
                           f"application/x-www-form-urlencoded form, not {shown}")
    if charset not in (None, "utf-8", "utf8"):
        raise Refusal(415, f"queries are read as UTF-8, not {charset}")
    body = await _read_body(request, settings.max_body_bytes)
    if media == "application/sparql-update":
        raise Refusal(403, "this endpoint is read-only: updates are refused")
    if media == "application/sparql-query":
        if any(name == "query" for name, _ in url_fields):
            raise Refusal(400, "give the query either in the body or in the URL, not both")
        return [("query", _utf8(body, "the query"))] + url_fields
    return url_fields + _form_fields(_utf8(body, "the form"), "the form")


def _dataset(fields: list[tuple[str, str]]) -> tuple[list[str] | None, list[str] | None]:
    """default-graph-uri and named-graph-uri, each None when absent (an empty list when the
    other is given: the protocol's dataset is then exactly what the request names)."""
    default = [v for k, v in fields if k == "default-graph-uri"]
    named = [v for k, v in fields if k == "named-graph-uri"]
    for iri in default + named:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise Refusal(400, f"not an absolute IRI: {iri!r} (in default-graph-uri or named-graph-uri)") from None
    if not default and not named:
        return None, None
    return default, named


# --- answering -------------------------------------------------------------------------------------


RESULT_OFFERS = media_types("results")
GRAPH_OFFERS = media_types("graph")
HTML = by_name("html")


async def sparql_endpoint(request: Request) -> Response:
    try:
        return await _sparql(request)
    except Refusal as refusal:
        return refusal.response()


async def _sparql(request: Request) -> Response:
    settings: WebSettings = request.app.state.settings
    fields = await _protocol_fields(request, settings)
    names = [k for k, _ in fields]
    if "update" in names or any(k.startswith("using-") for k in names):
        raise Refusal(403, "this endpoint is read-only: updates are refused")
    texts = [v for k, v in fields if k == "query"]
    accept = request.headers.get("accept", "")
    if not texts:
        if request.method == "POST":
            raise Refusal(400, "the request has no query: give it as the form field 'query' or as an application/sparql-query body")
        return _service_description_or_ui(request, accept)
    if len(texts) > 1:
        raise Refusal(400, f"the request has {len(texts)} queries; give exactly one")
    text = texts[0]
    if ("html" in accept and request.method == "GET"
            and choose(accept, RESULT_OFFERS + GRAPH_OFFERS + [HTML]) is HTML):
        return _ui(request, query=text)  # a browser following a link to a query: show it, run it
    default_graph, named_graphs = _dataset(fields)
    form = _check(text, settings)
    offers = RESULT_OFFERS if form in ("select", "ask") else GRAPH_OFFERS
    media = choose(accept, offers)
    if media is None:
        kind = "SELECT and ASK results" if form in ("select", "ask") else "graphs (CONSTRUCT, DESCRIBE)"
        raise Refusal(406, f"{kind} are offered as " + ", ".join(m.media for m in offers))
    formats = {"select": media.name, "ask": media.name} if offers is RESULT_OFFERS else {"graph": media.name}
    engine: QueryEngine = request.app.state.engine
    try:
        # relative IRIs of a query resolve against the endpoint's own IRI (the protocol's "service-defined BASE")
        answer = await engine.run(text, formats=formats, default_graph=default_graph, named_graphs=named_graphs,
                                  base_iri=_endpoint_url(request))
    except workers.WorkerFailure as failure:
        raise _refusal(queries.stopped(failure, "query", _server_hints(settings)), settings) from None
    except StoreError as exc:  # a remote endpoint (--endpoint) failed
        status = 400 if " HTTP 400" in str(exc) else 502
        raise Refusal(status, str(exc)) from None
    except GulagKgError as exc:
        raise Refusal(400, str(exc)) from None
    if (answer.form == "graph") != (offers is GRAPH_OFFERS):  # pragma: no cover - a bug of ours
        await answer.chunks.aclose()
        raise Refusal(500, f"the engine answered a {answer.form} query where the query reads as {form}")
    return AnswerResponse(answer, media, head=request.method == "HEAD")


def _check(text: str, settings: WebSettings) -> str:
    """The query's form, after the checks made before any engine sees it (remembered for the
    last short queries: a server sees the same ones again and again)."""
    if len(text) <= 16_384:
        return _checked(text, settings.allow_service)
    return _checked.__wrapped__(text, settings.allow_service)


@functools.lru_cache(maxsize=256)
def _checked(text: str, allow_service: bool) -> str:
    try:
        queries.check_syntax(text)
    except QueryError as exc:
        raise Refusal(400, str(exc)) from None
    try:  # the syntax is sound: what is left to refuse is an update or SERVICE
        queries.check_read_only(text, allow_service=allow_service)
    except QueryError as exc:
        message = str(exc).replace("pass --allow-service to allow them", "this endpoint does not allow them")
        raise Refusal(403, message.replace("; gulag-kg query is read-only", "; this endpoint is read-only")) from None
    try:
        queries.check_nesting(text)
        return queries.query_form(text)
    except QueryError as exc:
        raise Refusal(400, str(exc)) from None


def _server_hints(settings: WebSettings) -> dict[str, str]:
    return {"timeout": "ask the server's operator to raise it (gulag-kg serve --timeout)",
            "rows": "ask the server's operator to raise it (gulag-kg serve --max-rows)",
            "memory": "ask the server's operator to raise it (gulag-kg serve --query-memory)"}


_STATUS = {"timeout": 503, "rows": 422, "memory": 500, "server-memory": 503, "busy": 503, "crash": 500,
           "engine": 500, "syntax": 400, "nesting": 400, "format": 406}


def _refusal(error: QueryError, settings: WebSettings) -> Refusal:
    reason = getattr(error, "reason", "engine")
    headers = {"Retry-After": "5"} if reason in ("busy", "server-memory") else {}
    return Refusal(_STATUS.get(reason, 500), str(error), headers)


class AnswerResponse(Response):
    """An answer sent as it is read (from memory, a temporary file, or the worker itself); the
    worker or the file is let go whatever happens to the client."""

    def __init__(self, answer: workers.AsyncAnswer, media: MediaType, *, head: bool = False) -> None:
        self.answer = answer
        self.head = head
        self.status_code = 200
        self.background = None
        headers = {"content-type": media.content_type}
        if answer.size is not None:
            headers["content-length"] = str(answer.size)
        self.init_headers(headers)
        self.media_type = media.media

    async def __call__(self, scope, receive, send) -> None:
        chunks = self.answer.chunks
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            if self.head:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            if self.answer.size is not None and self.answer.size <= 1 << 20:  # in memory: send it at once
                body = b"".join([chunk async for chunk in chunks])
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            async with anyio.create_task_group() as group:
                async def stream() -> None:
                    async for chunk in chunks:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    group.cancel_scope.cancel()

                async def watch() -> None:  # the client went away: stop reading the answer
                    while True:
                        message = await receive()
                        if message["type"] == "http.disconnect":
                            group.cancel_scope.cancel()
                            return

                group.start_soon(stream)
                group.start_soon(watch)
        finally:
            await chunks.aclose()


# --- the service description and the query UI ---------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
                "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "nt": "N-Triples", "rdfxml": "RDF_XML",
                "jsonld": "JSON-LD", "nquads": "N-Quads", "trig": "TriG"}


def _endpoint_url(request: Request) -> str:
    """The URL of this endpoint as the client sees it (behind a proxy: as the proxy says)."""
    scope = request.scope
    host = request.headers.get("host")
    if host is None:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
    return _endpoint_url_of(scope.get("scheme", "http"), host, scope.get("root_path", "") + scope["path"])


@functools.lru_cache(maxsize=64)
def _endpoint_url_of(scheme: str, host: str, path: str) -> str:
    return str(URL(f"{scheme}://{host}{path}"))


def service_description(request: Request) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint."""
    settings: WebSettings = request.app.state.settings
    engine: QueryEngine = request.app.state.engine
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.BlankNode("service")
    out = [ox.Triple(service, rdf_type, ox.NamedNode(SD + "Service")),
           ox.Triple(service, ox.NamedNode(SD + "endpoint"), ox.NamedNode(_endpoint_url(request))),
           ox.Triple(service, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")),
           ox.Triple(service, ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "UnionDefaultGraph")),
           ox.Triple(service, ox.NamedNode(SD + "defaultEntailmentRegime"),
                     ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
           ox.Triple(service, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("gulag-kg SPARQL endpoint", language="en"))]
    if settings.allow_service:
        out.append(ox.Triple(service, ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "BasicFederatedQuery")))
    for name in _FORMAT_IRIS.values():
        out.append(ox.Triple(service, ox.NamedNode(SD + "resultFormat"), ox.NamedNode(FORMATS + name)))
    rows = f"{settings.max_rows:,} rows (a larger result is refused with 422, never cut)" if settings.max_rows else "no row limit"
    out.append(ox.Triple(service, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"), ox.Literal(
        f"Read-only (updates are refused, and SERVICE {'is allowed' if settings.allow_service else 'too'}). "
        f"Without default-graph-uri, named-graph-uri or FROM, the default graph is the union of all named graphs. "
        f"Limits: {settings.timeout:g} s per query, {rows}, {settings.max_queries} queries at once. "
        f"Prefixes of gulag-kg are predeclared ({', '.join(sorted(PREFIXES))}). gulag-kg {__version__}.", language="en")))
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    out += [ox.Triple(service, ox.NamedNode(SD + "defaultDataset"), dataset),
            ox.Triple(dataset, rdf_type, ox.NamedNode(SD + "Dataset")),
            ox.Triple(dataset, ox.NamedNode(SD + "defaultGraph"), default),
            ox.Triple(default, rdf_type, ox.NamedNode(SD + "Graph"))]
    for i, name in enumerate(engine.named_graphs):
        named = ox.BlankNode(f"namedGraph{i}")
        out += [ox.Triple(dataset, ox.NamedNode(SD + "namedGraph"), named),
                ox.Triple(named, rdf_type, ox.NamedNode(SD + "NamedGraph")),
                ox.Triple(named, ox.NamedNode(SD + "name"), ox.NamedNode(name))]
    return out


def _service_description_or_ui(request: Request, accept: str) -> Response:
    media = choose(accept, GRAPH_OFFERS + [HTML])
    if media is HTML:
        return _ui(request)
    if media is None:
        raise Refusal(406, "the service description is offered as " + ", ".join(m.media for m in GRAPH_OFFERS)
                      + ", and the query UI as text/html")
    prefixes = {"sd": SD, "format": FORMATS, "dcterms": "http://purl.org/dc/terms/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    fmt = workers.GRAPH_FORMATS[media.name]
    triples = service_description(request)
    kwargs = {"prefixes": prefixes} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else {}
    body = ox.serialize(triples, format=fmt, **kwargs)
    return Response(b"" if request.method == "HEAD" else body, media_type=media.content_type,
                    headers={"content-length": str(len(body))})


def named_queries_for_ui() -> list[dict]:
    """The shipped named queries as the UI offers them: name, title, parameters, and the text
    with PREFIX lines for the prefixed names it uses (so that it also runs elsewhere)."""
    out = []
    for q in queries.named_queries().values():
        used = sorted({text.split(":", 1)[0] for kind, text in queries.tokens(q.text) if kind == "pname"})
        declared = {m.group(1) for m in re.finditer(r"(?im)^\s*PREFIX\s+([\w-]*):", q.text)}
        lines = q.text.splitlines()
        head = 0
        while head < len(lines) and lines[head].startswith("#"):
            head += 1
        prefix_lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used if p in PREFIXES and p not in declared]
        hints = [f"# to choose ?{p.name}, add at the start of WHERE: VALUES ?{p.name} {{ {_sparql_value(p)} }}"
                 for p in q.params]
        text = "\n".join(lines[:head] + hints + prefix_lines + lines[head:]) + "\n"
        params = [f"{p.name} ({p.type_label})" + (f": {p.description}" if p.description else "")
                  + (f", default {p.default}" if p.default is not None else "") for p in q.params]
        out.append({"name": q.name, "title": q.title, "params": params, "text": text})
    return out


def _sparql_value(parameter) -> str:
    """A value of a named query's parameter as SPARQL (its example, when that is one)."""
    for value in (parameter.example, parameter.default):
        if value is None:
            continue
        if parameter.type.startswith("xsd:") and re.fullmatch(r"-?\d+(\.\d+)?", value):
            return value
        if parameter.type.startswith("xsd:"):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if re.fullmatch(r"[a-z][\w-]*:[\w.-]+", value) and value.split(":", 1)[0] in PREFIXES:
            return value
    return "<...>"


_TEMPLATES = None


def _templates():
    global _TEMPLATES
    if _TEMPLATES is None:
        import jinja2

        _TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                        autoescape=jinja2.select_autoescape(("html",)))
    return _TEMPLATES


_DEFAULT_QUERY = """# The shipped named queries are listed beside the editor; gulag-kg's prefixes are predeclared.
PREFIX gk: <https://w3id.org/gulag-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?agency ?label WHERE {
  ?agency a gk:Agency ; rdfs:label ?label .
  FILTER(LANG(?label) = "en")
}
ORDER BY ?label
LIMIT 100
"""


def _ui(request: Request, *, query: str | None = None) -> Response:
    settings: WebSettings = request.app.state.settings
    page = _templates().get_template("sparql.html").render(
        endpoint=_endpoint_url(request), yasgui=YASGUI_PATH, named_queries=named_queries_for_ui(),
        query=query, default_query=_DEFAULT_QUERY, prefixes=PREFIXES, settings=settings, version=__version__)
    body = page.encode("utf-8")
    return Response(b"" if request.method == "HEAD" else body, media_type=HTML.content_type,
                    headers={"content-length": str(len(body))})
