"""The stores under every command, behind one interface.

* :class:`Store` — an Oxigraph dataset in memory (``Store()``, the default: the shipped graph is
  loaded at start) or on disk (``Store(path)``: persistent between commands, for millions of
  triples, filled with :meth:`Store.bulk_load`);
* :class:`EndpointStore` — any SPARQL 1.1 server: queries through the SPARQL 1.1 Protocol,
  loading through the Graph Store Protocol.

Both offer the same methods (``query``, ``quads``, ``quads_for_pattern``, ``named_graphs``, ``contains_graph``,
``add_quads``, ``load_file``, ``remove_graph``, ``len``), always over the union of the named
graphs, so every command works the same on each. Every file comes in through
:mod:`gulag_kg.parsing` and its guards: :meth:`Store.load_file` parses a file completely before
any quad is added, so a file that fails to parse changes nothing; :meth:`Store.bulk_load`
streams the formats that stream safely (see :func:`gulag_kg.bulk.load_files` for what a file
refused midway leaves).
"""

from __future__ import annotations

import re
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .version import __version__
from .dialects import Dialect, IncompleteAnswer, dialect_for
from .errors import GulagKgError
from .guards import network_allowed
from .prefixes import GRAPH_NS, PREFIXES
from .parsing import CONTEXT_IRI, STREAMED_FORMATS, SUPPORTED_EXTENSIONS, parse_file, rdf_format_for, stream_into  # noqa: F401 (re-exported)

#: Named graphs of the shipped dataset.
ONTOLOGY_GRAPH = ox.NamedNode(GRAPH_NS + "ontology")
ARTICLE_GRAPH = ox.NamedNode(GRAPH_NS + "article")
WIKIDATA_GRAPH = ox.NamedNode(GRAPH_NS + "wikidata")
DERIVED_GRAPH = ox.NamedNode(GRAPH_NS + "derived")
USER_GRAPH = ox.NamedNode(GRAPH_NS + "user")


class StoreError(GulagKgError):
    """The store cannot be opened or does not answer."""


@dataclass(frozen=True)
class LoadedFile:
    """What one :meth:`Store.load_file` or :meth:`Store.bulk_load` call added."""

    path: str
    quads: int


def _prefix_block() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


class Store:
    """An Oxigraph RDF dataset with SPARQL 1.1, queried over the union of its named graphs.

    ``Store()`` keeps everything in memory; ``Store(path)`` opens (or creates) an on-disk
    store that persists between commands.

    >>> store = Store()
    >>> len(store)
    0
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._ox = _open_on_disk(self.path) if self.path is not None else ox.Store()
        #: Changes with every change made through this object: query workers, which hold the
        #: data as it was when they started, are replaced when it moves (gulag_kg.workers).
        self.generation = 0

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for callers that need its full API."""
        self.generation += 1  # the caller may change it
        return self._ox

    @property
    def description(self) -> str:
        return f"on-disk store {self.path}" if self.path else "in-memory store"

    def __len__(self) -> int:
        return len(self._ox)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._ox)

    def __contains__(self, quad: ox.Quad) -> bool:
        return quad in self._ox

    def load_file(self, path: Path | str, *, graph: ox.NamedNode | None = None) -> LoadedFile:
        """Parse a file completely, then add its quads (all or nothing)."""
        quads = parse_file(path, graph=graph)
        self.add_quads(quads)
        return LoadedFile(str(path), len(quads))

    def load_package_file(self, path: Path, *, graph: ox.NamedNode) -> None:
        """Load a file of gulag-kg itself (the ontology, the shipped graph) straight through
        Oxigraph's parser: about twice as fast as :meth:`load_file`, which keeps its extra
        checks for files from elsewhere. Blank nodes get fresh ids, as with :meth:`load_file`."""
        self.generation += 1
        self._ox.load(path=str(path), format=rdf_format_for(path), to_graph=graph)

    def bulk_load(self, path: Path | str, *, graph: ox.NamedNode | None = None,
                  progress: Callable[[int], None] | None = None) -> LoadedFile:
        """Stream a (possibly gzipped) file into the store without holding it in memory.

        Triples go to ``graph`` (default: the user graph); quads keep their graphs.
        ``progress`` is called with the number of bytes of the file read so far. Faster than
        :meth:`load_file` but not atomic by itself: :func:`gulag_kg.bulk.load_files` makes a
        load all or nothing (:mod:`gulag_kg.crashsafe`). Only N-Triples, N-Quads, Turtle and
        TriG stream; JSON-LD and RDF/XML are checked whole first (:mod:`gulag_kg.parsing`), then
        added like :meth:`load_file` does.
        """
        path = Path(path)
        to_graph = graph or USER_GRAPH
        if rdf_format_for(path) not in STREAMED_FORMATS:
            loaded = self.load_file(path, graph=to_graph)
            if progress is not None:
                progress(path.stat().st_size)
            return loaded
        self.generation += 1
        before = len(self._ox)
        stream_into(path, lambda source, fmt: self._ox.bulk_load(input=source, format=fmt, to_graph=to_graph),
                    progress=progress)
        self._ox.flush()
        return LoadedFile(str(path), len(self._ox) - before)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        self.generation += 1
        self._ox.extend(quads)

    def remove_graph(self, graph: ox.NamedNode) -> None:
        self.generation += 1
        if self._ox.contains_named_graph(graph):
            self._ox.remove_graph(graph)

    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted((g for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)

    def contains_graph(self, graph: ox.NamedNode) -> bool:
        return self._ox.contains_named_graph(graph)

    def quads(self, *, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Every quad, or the quads of one named graph."""
        return iter(self._ox.quads_for_pattern(None, None, None, graph))

    def quads_for_pattern(self, subject=None, predicate=None, obj=None, graph=None) -> Iterator[ox.Quad]:
        return iter(self._ox.quads_for_pattern(subject, predicate, obj, graph))

    def query(self, sparql: str, *, substitutions: dict | None = None, union: bool = True):
        """Run a SPARQL query on the union of all graphs (or the default graph with ``union=False``).

        ``substitutions`` bind variables to terms before evaluation (SEP-0007); the variables
        must be projected. Prefixes of the project are predeclared.
        """
        return self._ox.query(
            sparql,
            prefixes=PREFIXES,
            use_default_graph_as_union=union,
            substitutions=substitutions,
        )


#: On-disk stores opened by this process: RocksDB allows one handle per directory and process,
#: so a second Store(path) in the same process (the Python API, tests) shares the first.
_OPEN_ON_DISK: dict[Path, ox.Store] = {}


def _open_on_disk(path: Path) -> ox.Store:
    """Open for writing, first undoing a load that was stopped, then removing files a killed
    process left (:mod:`gulag_kg.crashsafe`)."""
    from .crashsafe import recover, remove_orphans

    key = path.resolve()
    if key not in _OPEN_ON_DISK:
        if path.is_dir():
            recover(path)
        try:
            _OPEN_ON_DISK[key] = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}") from None
        remove_orphans(path)
    return _OPEN_ON_DISK[key]


def open_in_this_process(path: Path) -> bool:
    """Whether this process has the on-disk store at ``path`` open for writing."""
    return path.resolve() in _OPEN_ON_DISK


def close_on_disk(store: Store) -> bool:
    """Make Oxigraph let go of an on-disk store (to restore its files); True once it has.
    Checked by opening it again: RocksDB refuses a second handle in one process."""
    import gc

    _OPEN_ON_DISK.pop(store.path.resolve(), None)
    store._ox = None
    gc.collect()
    try:
        probe = ox.Store(str(store.path))
    except OSError:
        return False
    del probe
    gc.collect()
    return True


def reopen_on_disk(store: Store) -> None:
    store._ox = _open_on_disk(store.path)
    store.generation += 1


# --- any SPARQL 1.1 server -------------------------------------------------------------------

_USER_AGENT = f"gulag-kg/{__version__} (https://w3id.org/gulag-kg; SPARQL client)"


_MASKED = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')


def _mask(query: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length), to find keywords."""
    return _MASKED.sub(lambda m: " " * len(m.group()), query)


def _form(masked: str) -> re.Match | None:
    return re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", masked, re.I)


def _first_keyword(query: str) -> str:
    m = _form(_mask(query))
    return m.group(1).upper() if m else ""


def _where_position(query: str) -> tuple[int, int]:
    """(start of the WHERE clause or its group, end of its opening brace) of the outer query."""
    masked = _mask(query)
    form = _form(masked)
    pos = form.end() if form else 0
    if form and form.group(1).upper() == "CONSTRUCT":
        rest = masked[pos:]
        brace = re.match(r"\s*\{", rest)
        if brace:  # skip the template
            depth, k = 0, pos + brace.end() - 1
            while k < len(masked):
                depth += {"{": 1, "}": -1}.get(masked[k], 0)
                k += 1
                if depth == 0:
                    break
            pos = k
    m = re.compile(r"\bWHERE\s*\{|\{", re.I).search(masked, pos)
    if m is None:
        raise StoreError("the query has no WHERE clause")
    return m.start(), m.end()


def _values_block(substitutions: dict) -> str:
    names = " ".join(f"?{v.value}" for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())  # N-Triples syntax: escaped by Oxigraph
    return f"VALUES ({names}) {{ ({terms}) }}\n"


def _bind_values(query: str, substitutions: dict) -> str:
    """Bind variables on a server that does not know SEP-0007: a VALUES block at the start of
    the outermost group pattern (terms are serialised by Oxigraph, never pasted from user text)."""
    if not substitutions:
        return query
    _, end = _where_position(query)
    return query[:end] + "\n" + _values_block(substitutions) + query[end:]


def _add_from_clauses(query: str, graphs: list[ox.NamedNode]) -> str:
    """Make the default graph the merge of all named graphs with FROM (and FROM NAMED), unless
    the query already says which graphs it reads."""
    if not graphs or re.search(r"\bFROM\b", _mask(query), re.I):
        return query
    start, _ = _where_position(query)
    froms = "".join(f"FROM <{g.value}>\n" for g in graphs) + "".join(f"FROM NAMED <{g.value}>\n" for g in graphs)
    return query[:start] + froms + query[start:]


class EndpointStore(Store):
    """A SPARQL 1.1 server: queries with the SPARQL 1.1 Protocol, loading with the Graph Store
    Protocol (``graph_store_url``, by default the query URL's last segment replaced by ``store``,
    as on Oxigraph and similar servers).

    Queries see the union of the server's named graphs (FROM clauses are added unless the
    query names its graphs). The server is not written to except by :meth:`add_quads`,
    :meth:`load_file` and :meth:`remove_graph`.
    """

    def __init__(self, query_url: str, *, graph_store_url: str | None = None, timeout: float = 60.0) -> None:
        if not re.match(r"^https?://", query_url):
            raise StoreError(f"{query_url}: the endpoint must be an http:// or https:// URL")
        self.path = None
        self.query_url = query_url
        self.graph_store_url = graph_store_url or query_url.rstrip("/").rsplit("/", 1)[0] + "/store"
        self.timeout = timeout
        self._graphs: list[ox.NamedNode] | None = None
        self._dialect: Dialect | None = None

    @property
    def oxigraph(self) -> ox.Store:  # pragma: no cover - guard against misuse
        raise StoreError("a SPARQL endpoint has no local Oxigraph store")

    @property
    def description(self) -> str:
        return f"SPARQL endpoint {self.query_url}"

    # -- HTTP ------------------------------------------------------------------------------
    def _request(self, url: str, *, data: bytes | None = None, method: str = "GET",
                 headers: dict[str, str] | None = None) -> bytes:
        import urllib.error  # here, not at the top: most commands never talk to a server
        import urllib.request

        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"User-Agent": _USER_AGENT, **(headers or {})})
        try:
            # the user named this server (--endpoint): the one place a store may use the network
            with network_allowed(), urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = response.read()
                if self._dialect is None:
                    self._dialect = dialect_for(response.headers.get("Server"))
                try:
                    self._dialect.check_complete(response.headers, url)
                except IncompleteAnswer as exc:
                    raise StoreError(str(exc)) from None
                return data
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError(f"{url}: HTTP {exc.code} {exc.reason}" + (f": {detail[0][:300]}" if detail else "")) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"{url}: the SPARQL endpoint cannot be reached ({reason})") from None

    @property
    def dialect(self) -> Dialect:
        """What this server does differently (:mod:`gulag_kg.dialects`), from its first answer."""
        if self._dialect is None:
            self._request(self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"}),
                          headers={"Accept": "application/sparql-results+json"})
        return self._dialect

    def _select(self, sparql: str) -> ox.QuerySolutions:
        body = urllib.parse.urlencode({"query": sparql}).encode()
        data = self._request(self.query_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
        try:
            return ox.parse_query_results(self._dialect.results(data), format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.query_url}: the server's answer is not SPARQL JSON results: {exc}") from None

    # -- queries ---------------------------------------------------------------------------
    def query(self, sparql: str, *, substitutions: dict | None = None, union: bool = True):
        text = _prefix_block() + _bind_values(sparql, substitutions or {})
        if union:
            text = _add_from_clauses(text, self.named_graphs())
        if _first_keyword(sparql) in ("CONSTRUCT", "DESCRIBE"):
            body = urllib.parse.urlencode({"query": text}).encode()
            data = self._request(self.query_url, data=body, method="POST", headers={
                "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/n-triples"})
            try:
                return _Triples(ox.parse(self._dialect.triples(data), format=ox.RdfFormat.N_TRIPLES))
            except SyntaxError as exc:
                raise StoreError(f"{self.query_url}: the server's answer is not N-Triples: {exc}") from None
        return self._select(text)

    def named_graphs(self) -> list[ox.NamedNode]:
        if self._graphs is None:
            rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            self._graphs = sorted((r["g"] for r in rows if isinstance(r["g"], ox.NamedNode)
                                   and not self._dialect.is_system_graph(r["g"].value)), key=lambda g: g.value)
        return list(self._graphs)

    def contains_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self._select(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def quads_for_pattern(self, subject=None, predicate=None, obj=None, graph=None) -> Iterator[ox.Quad]:
        terms = {"s": subject, "p": predicate, "o": obj}
        bound = " ".join(f"BIND({t} AS ?{k})" for k, t in terms.items() if t is not None)
        s, p, o = (str(t) if t is not None else f"?{k}" for k, t in terms.items())
        g = str(graph) if graph is not None else "?g"
        rows = self._select(f"SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }} {bound} }}")
        for r in rows:
            if graph is None and self._dialect.is_system_graph(r["g"].value):
                continue
            yield ox.Quad(r["s"] if subject is None else subject, r["p"] if predicate is None else predicate,
                          r["o"] if obj is None else obj, r["g"] if graph is None else graph)

    def quads(self, *, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(graph=graph)

    def __len__(self) -> int:
        rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sum(int(r["n"].value) for r in rows if not self._dialect.is_system_graph(r["g"].value))

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads()

    def __contains__(self, quad: ox.Quad) -> bool:
        return any(True for _ in self.quads_for_pattern(quad.subject, quad.predicate, quad.object, quad.graph_name))

    # -- writing (Graph Store Protocol) ------------------------------------------------------
    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
        for q in quads:
            name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else USER_GRAPH.value
            by_graph[name].append(ox.Triple(q.subject, q.predicate, q.object))
        for name, triples in sorted(by_graph.items()):
            url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': name})}"
            self._request(url, data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), method="POST",
                          headers={"Content-Type": "application/n-triples"})
        self._graphs = None

    def load_package_file(self, path: Path, *, graph: ox.NamedNode) -> None:
        self.load_file(path, graph=graph)

    def bulk_load(self, path: Path | str, *, graph: ox.NamedNode | None = None,
                  progress: Callable[[int], None] | None = None) -> LoadedFile:
        """Parse the file locally (strictly), then send it graph by graph with the GSP."""
        loaded = self.load_file(path, graph=graph or USER_GRAPH)
        if progress is not None:
            progress(Path(path).stat().st_size)
        return loaded

    def remove_graph(self, graph: ox.NamedNode) -> None:
        url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph.value})}"
        try:
            self._request(url, method="DELETE")
        except StoreError as exc:
            if "HTTP 404" not in str(exc):
                raise
        self._graphs = None


class _Triples(list):
    """CONSTRUCT/DESCRIBE results of an endpoint, shaped like pyoxigraph's QueryTriples."""


def open_store(*, path: Path | str | None = None, endpoint: str | None = None,
               graph_store: str | None = None) -> Store:
    """The store a command runs on: an endpoint, an on-disk store, or a new in-memory one."""
    if path is not None and endpoint is not None:
        raise StoreError("use either --store (an on-disk store) or --endpoint (a SPARQL server), not both")
    if endpoint is not None:
        return EndpointStore(endpoint, graph_store_url=graph_store)
    return Store(path)


__all__ = [
    "ARTICLE_GRAPH", "DERIVED_GRAPH", "EndpointStore", "LoadedFile", "ONTOLOGY_GRAPH", "Store",
    "StoreError", "USER_GRAPH", "WIKIDATA_GRAPH", "open_store",
]
