"""Parsing RDF files: the one place where untrusted bytes become quads.

Oxigraph's strict parsers do the work: IRIs are checked, relative IRIs are refused (never
resolved against the current directory), remote and ``file:`` JSON-LD contexts are never fetched
(a document naming our context gets the bundled copy), and RDF/XML with DTD entity declarations
is refused (nested entities expand exponentially). JSON-LD is checked for what a JSON-LD
processor would otherwise drop without a word: relative IRIs, IRIs with spaces or other
illegal characters, keys the context does not define, malformed language tags. A gzip file
may not expand beyond :data:`MAX_GZIP_RATIO` times its size (past 64 MiB). A file is parsed
completely before anything is added anywhere. Errors name the file and, where known, the line.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .errors import InputError

#: Our JSON-LD context's published IRI; documents that name it get the bundled copy.
CONTEXT_IRI = "https://w3id.org/gulag-kg/context.jsonld"

#: A gzip file may expand to at most this many times its size (beyond :data:`GZIP_FREE_BYTES`):
#: RDF text compresses 5-30 times; a decompression bomb, up to 1000 times.
MAX_GZIP_RATIO = 200
GZIP_FREE_BYTES = 64 << 20

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

# Resolving against this base marks relative IRIs of JSON-LD (which a processor would otherwise
# drop when there is no base): a scheme no real data uses, on a reserved domain.
_RELATIVE_MARK = "gulag-kg-relative-iri://relative.invalid/"
_RELATIVE_SCHEME = "gulag-kg-relative-iri:"


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
        if path.exists() and not path.is_file() and not path.is_dir():
            # A FIFO or a device (/dev/zero, /dev/stdin) could block or never end.
            raise InputError(str(path), "not a regular file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    if path.suffix == ".gz":
        data = _gunzip(data, path)
    return data


def _gunzip(data: bytes, path: Path) -> bytes:
    """Decompress every gzip member of ``data``, refusing a decompression bomb."""
    limit = max(GZIP_FREE_BYTES, MAX_GZIP_RATIO * len(data))
    out = bytearray()
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while rest and not inflater.eof:
                out += inflater.decompress(rest, limit + 1 - len(out))
                if len(out) > limit:
                    raise InputError(str(path), f"expands to more than {limit:,} bytes ({MAX_GZIP_RATIO} times its "
                                     "size): refused as a decompression bomb; decompress it yourself if it is genuine")
                rest = inflater.unconsumed_tail
            if not inflater.eof:
                raise EOFError("compressed file ended before the end-of-stream marker was reached")
            rest = inflater.unused_data.lstrip(b"\x00")
    except (zlib.error, EOFError) as exc:
        raise InputError(str(path), f"not a valid gzip file: {exc}") from None
    return bytes(out)


# --- JSON-LD ---------------------------------------------------------------------------------


def _bundled_context() -> dict:
    return json.loads(paths.context_path().read_text(encoding="utf-8"))["@context"]


_KEYWORDS_WITH_NODES = ("@graph", "@list", "@set", "@included", "@nest", "@reverse")
_ILLEGAL_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


class _JsonLdCheck:
    """Walks a JSON-LD document: swaps our context IRI for the bundled copy, refuses every other
    context that would have to be fetched, and finds what a processor would silently drop."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.terms: set[str] = set()
        self.maps: set[str] = set()
        self.has_vocab = False
        self.changed = False

    def fail(self, message: str, needle: str | None = None):
        line = None
        if needle is not None:
            at = self.text.find(json.dumps(needle, ensure_ascii=False)[1:-1])
            line = self.text.count("\n", 0, at) + 1 if at >= 0 else None
        raise InputError(str(self.path), message, line=line)

    # contexts
    def context(self, value):
        if isinstance(value, list):
            return [self.context(v) for v in value]
        if isinstance(value, str):
            if value == CONTEXT_IRI:
                self.changed = True
                return self.context(_bundled_context())
            self.fail(f"JSON-LD @context {value!r} would have to be fetched; gulag-kg never loads remote or "
                      f"file contexts (embed the context, or use {CONTEXT_IRI})", value)
        if isinstance(value, dict):
            out = {}
            for key, definition in value.items():
                if key == "@import":
                    self.fail(f"JSON-LD @import {definition!r} would have to be fetched; gulag-kg never loads "
                              "remote or file contexts (embed the context)", str(definition))
                if key == "@vocab" and definition is not None:
                    self.has_vocab = True
                if not key.startswith("@"):
                    self.terms.add(key)
                    if isinstance(definition, dict) and definition.get("@container") is not None:
                        self.maps.add(key)  # its keys are languages, indexes, ids or types
                if isinstance(definition, dict) and "@context" in definition:
                    definition = {**definition, "@context": self.context(definition["@context"])}
                out[key] = definition
            return out
        return value

    def collect_contexts(self, node):
        """First pass: every context of the document (terms defined anywhere count everywhere)."""
        if isinstance(node, list):
            return [self.collect_contexts(item) for item in node]
        if not isinstance(node, dict):
            return node
        return {key: (self.context(value) if key == "@context" else self.collect_contexts(value))
                for key, value in node.items()}

    # nodes
    def node(self, node) -> None:
        if isinstance(node, list):
            for item in node:
                self.node(item)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key == "@context":
                continue
            if key == "@id" and isinstance(value, str):
                self.check_iri(value, "@id")
            elif key == "@language" and isinstance(value, str) and not _LANGUAGE_TAG.fullmatch(value):
                self.fail(f"JSON-LD @language {value!r} is not a language tag (BCP 47); the value would be dropped", value)
            elif key.startswith("@"):
                if key in _KEYWORDS_WITH_NODES:
                    self.node(list(value.values()) if key == "@reverse" and isinstance(value, dict) else value)
                    if key == "@reverse" and isinstance(value, dict):
                        for prop in value:
                            self.check_key(prop)
            else:
                self.check_key(key)
                if key in self.maps and isinstance(value, dict):
                    self.node(list(value.values()))
                else:
                    self.node(value)

    def check_key(self, key: str) -> None:
        if key in self.terms or key.startswith("@"):
            return
        if _ILLEGAL_IRI_CHARS.search(key):
            self.fail(f"JSON-LD key {key!r} is not a valid IRI and no term of the @context; its values would be dropped", key)
        if ":" not in key and not self.has_vocab:
            self.fail(f"JSON-LD key {key!r} is not defined by the @context; its values would be dropped "
                      "(define it in the @context, or use a full IRI)", key)

    def check_iri(self, value: str, where: str) -> None:
        if value.startswith("_:"):
            return
        if _ILLEGAL_IRI_CHARS.search(value):
            self.fail(f"JSON-LD {where} {value!r} is not a valid IRI (spaces and <>\"{{}}|^`\\ are not allowed); "
                      "it would be dropped", value)


def _prepare_jsonld(data: bytes, path: Path) -> bytes:
    try:
        text = data.decode("utf-8-sig")
        doc = json.loads(text)
        check = _JsonLdCheck(path, text)
        resolved = check.collect_contexts(doc)
        check.node(resolved)
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"invalid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise InputError(str(path), "JSON nested too deeply to be JSON-LD") from None
    # Unchanged documents go to the parser as they are, so its line numbers are the file's.
    return json.dumps(resolved).encode("utf-8") if check.changed else data


def _refuse_relative_iris(quads: list[ox.Quad], path: Path) -> None:
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(_RELATIVE_SCHEME):
                relative = term.value[len(_RELATIVE_MARK):] if term.value.startswith(_RELATIVE_MARK) \
                    else term.value[len(_RELATIVE_SCHEME):]
                raise InputError(str(path), f"relative IRI {relative!r}: gulag-kg never resolves relative IRIs "
                                 "against the current directory; use absolute IRIs, or set @base in the document")


# --- entry point -------------------------------------------------------------------------------


def parse_bytes(data: bytes, fmt: ox.RdfFormat, *, path: Path | str = "<data>",
                base_iri: str | None = None, rename_blank_nodes: bool = True) -> list[ox.Quad]:
    """Parse RDF held in memory with every check of :func:`parse_file`; ``path`` names it in errors.

    Blank nodes get fresh ids unless ``rename_blank_nodes`` is false (then they keep the
    document's labels, e.g. to compare a file with what was written to it).
    """
    path = Path(path)
    base = base_iri
    if fmt == ox.RdfFormat.JSON_LD:
        data = _prepare_jsonld(data, path)
        base = base_iri or _RELATIVE_MARK
    if fmt == ox.RdfFormat.RDF_XML and b"<!ENTITY" in data:
        raise InputError(str(path), "RDF/XML with DTD entity declarations is refused (nested entities can make parsing "
                         "take minutes and gigabytes)")
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=base, rename_blank_nodes=rename_blank_nodes))
    except SyntaxError as exc:
        reason = str(exc)
        line = getattr(exc, "lineno", None)
        # Oxigraph says "Parser error at line 4 column 1: Unexpected end (line 4)"; keep the why.
        if ": " in reason and reason.startswith("Parser error"):
            reason = reason.split(": ", 1)[1]
            reason = reason.rsplit(" (line", 1)[0]
        if "No scheme found" in reason:
            reason += ("; relative IRIs are never resolved against the current directory: write absolute "
                       "IRIs, or declare a base (@base, xml:base) in the document")
        raise InputError(str(path), reason, line=line) from None
    except (ValueError, OSError) as exc:
        raise InputError(str(path), str(exc)) from None
    if fmt == ox.RdfFormat.JSON_LD and base_iri is None:
        _refuse_relative_iris(quads, path)
    return quads


def parse_file(path: Path | str, *, graph: ox.NamedNode | None = None,
               base_iri: str | None = None) -> list[ox.Quad]:
    """Parse one RDF file into quads; triples go to ``graph`` (default: the default graph).

    Relative IRIs are refused unless ``base_iri`` is given (they are never resolved against the
    current directory). Raises :class:`InputError` naming the file and line when the file is
    unreadable, malformed, or would lose data.
    """
    path = Path(path)
    fmt = rdf_format_for(path)
    quads = parse_bytes(_read_bytes(path), fmt, path=path, base_iri=base_iri)
    if graph is None:
        return quads
    return [ox.Quad(q.subject, q.predicate, q.object, graph) if isinstance(q.graph_name, ox.DefaultGraph) else q
            for q in quads]
