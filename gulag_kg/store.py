"""The store under every command: an Oxigraph dataset, in memory or on disk.

Files are parsed by Oxigraph's strict parsers (IRIs are checked, relative IRIs are refused,
remote JSON-LD contexts are never fetched), into a scratch store first, so a file that fails
to parse changes nothing. Errors name the file and the line.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .namespaces import GRAPH, PREFIXES
from . import paths

#: Named graphs of the shipped dataset.
ONTOLOGY_GRAPH = ox.NamedNode(str(GRAPH["ontology"]))
ARTICLE_GRAPH = ox.NamedNode(str(GRAPH["article"]))
WIKIDATA_GRAPH = ox.NamedNode(str(GRAPH["wikidata"]))
DERIVED_GRAPH = ox.NamedNode(str(GRAPH["derived"]))
USER_GRAPH = ox.NamedNode(str(GRAPH["user"]))

#: Our JSON-LD context's published IRI; documents that name it get the bundled copy.
CONTEXT_IRI = "https://w3id.org/gulag-kg/context.jsonld"

_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

SUPPORTED_EXTENSIONS = tuple(sorted(_FORMATS))


def rdf_format_for(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its extension (``.gz`` is looked through)."""
    suffixes = path.suffixes
    ext = suffixes[-2] if len(suffixes) >= 2 and suffixes[-1] == ".gz" else path.suffix
    try:
        return _FORMATS[ext.lower()]
    except KeyError:
        raise InputError(
            str(path),
            f"unknown file extension {ext or '(none)'!r}; use one of {', '.join(SUPPORTED_EXTENSIONS)} (optionally .gz)",
        ) from None


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(str(path), f"not a valid gzip file: {exc}") from None
    return data


def _bundled_context() -> dict:
    return json.loads(paths.context_path().read_text(encoding="utf-8"))["@context"]


def _resolve_contexts(node, path: Path):
    """Replace references to our context with the bundled copy; refuse every other remote one."""
    if isinstance(node, list):
        return [_resolve_contexts(item, path) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            value = _resolve_context_value(value, path)
        else:
            value = _resolve_contexts(value, path)
        out[key] = value
    return out


def _resolve_context_value(value, path: Path):
    if isinstance(value, list):
        return [_resolve_context_value(v, path) for v in value]
    if isinstance(value, str):
        if value == CONTEXT_IRI:
            return _bundled_context()
        raise InputError(
            str(path),
            f"JSON-LD @context {value!r} would have to be fetched; gulag-kg never loads remote or file contexts (embed the context, or use {CONTEXT_IRI})",
        )
    return value


def _prepare_jsonld(data: bytes, path: Path) -> bytes:
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"invalid JSON: {exc.msg}", line=exc.lineno) from None
    return json.dumps(_resolve_contexts(doc, path)).encode("utf-8")


def parse_file(path: Path | str, *, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Parse one RDF file into quads; triples go to ``graph`` (default: the default graph).

    Raises :class:`InputError` naming the file and line when it is unreadable or malformed.
    """
    path = Path(path)
    fmt = rdf_format_for(path)
    data = _read_bytes(path)
    if fmt == ox.RdfFormat.JSON_LD:
        data = _prepare_jsonld(data, path)
    if fmt == ox.RdfFormat.RDF_XML and b"<!ENTITY" in data:
        raise InputError(str(path), "RDF/XML with DTD entity declarations is refused (they can make parsing take minutes)")
    try:
        quads = list(ox.parse(data, format=fmt, rename_blank_nodes=True))
    except SyntaxError as exc:
        reason = str(exc)
        line = getattr(exc, "lineno", None)
        # Oxigraph says "Parser error at line 4 column 1: Unexpected end (line 4)"; keep the why.
        if ": " in reason and reason.startswith("Parser error"):
            reason = reason.split(": ", 1)[1]
            reason = reason.rsplit(" (line", 1)[0]
        raise InputError(str(path), reason, line=line) from None
    except (ValueError, OSError) as exc:
        raise InputError(str(path), str(exc)) from None
    if graph is None:
        return quads
    return [ox.Quad(q.subject, q.predicate, q.object, graph) if isinstance(q.graph_name, ox.DefaultGraph) else q
            for q in quads]


@dataclass(frozen=True)
class LoadedFile:
    """What one :meth:`Store.load_file` call added."""

    path: str
    quads: int


class Store:
    """An RDF dataset: named graphs, SPARQL 1.1, and the union of all graphs as default graph.

    ``Store()`` keeps everything in memory; ``Store(path)`` opens (or creates) an on-disk
    Oxigraph store that persists between commands.

    >>> store = Store()
    >>> len(store)
    0
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._ox = ox.Store(str(path)) if path is not None else ox.Store()

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for callers that need its full API."""
        return self._ox

    def __len__(self) -> int:
        return len(self._ox)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._ox)

    def __contains__(self, quad: ox.Quad) -> bool:
        return quad in self._ox

    def load_file(self, path: Path | str, *, graph: ox.NamedNode | None = None) -> LoadedFile:
        """Parse a file completely, then add its quads (all or nothing)."""
        quads = parse_file(path, graph=graph)
        self._ox.extend(quads)
        return LoadedFile(str(path), len(quads))

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        self._ox.extend(quads)

    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted((g for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)

    def quads(self, *, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Every quad, or the quads of one named graph."""
        return iter(self._ox.quads_for_pattern(None, None, None, graph))

    def query(self, sparql: str, *, substitutions: dict | None = None, union: bool = True):
        """Run a SPARQL query on the union of all graphs (or the default graph with ``union=False``)."""
        return self._ox.query(
            sparql,
            prefixes=PREFIXES,
            use_default_graph_as_union=union,
            substitutions=substitutions,
        )
