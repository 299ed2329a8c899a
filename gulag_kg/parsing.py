"""Parsing RDF files: the one place where untrusted bytes become quads.

Oxigraph's strict parsers do the work: IRIs are checked, relative IRIs are refused, remote
JSON-LD contexts are never fetched (a document naming our context gets the bundled copy), and
RDF/XML with DTD entity declarations is refused. A file is parsed completely before anything is
added anywhere. Errors name the file and, where the parser knows it, the line.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .errors import InputError

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
