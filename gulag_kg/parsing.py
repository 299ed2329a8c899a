"""Parsing RDF files: the one place where untrusted bytes become quads, for every command.

Every file comes in through :class:`RdfInput` (regular files only; ``.gz`` decompressed with a
cap: at most :data:`MAX_GZIP_RATIO` times its size, past 64 MiB) and then one of two ways:
:func:`parse_file` reads it whole and checks it (``--data``, ``validate``, loads into a SPARQL
server, and ``load`` of JSON-LD and RDF/XML); :func:`stream_into` hands N-Triples, N-Quads,
Turtle and TriG to a streaming parser (``load`` into a store), whose guards work as it streams.
The guards are the same either way:

* Oxigraph's strict parsers check IRIs and refuse relative IRIs (never resolved against the
  current directory), and no term may reach :data:`MAX_TERM_BYTES` (JSON-LD:
  :data:`MAX_JSON_TERM_BYTES`);
* JSON-LD: no remote or ``file:`` context is fetched (a document naming our context gets the
  bundled copy), nesting is capped, and what a processor would drop without a word is refused
  (relative IRIs, IRIs with spaces or other illegal characters, keys the context does not
  define, malformed language tags);
* RDF/XML: DTD entity declarations are refused (nested entities expand exponentially), and so
  is deep nesting.

Errors are :class:`InputError` naming the file and, where known, the line.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

import pyoxigraph as ox

from . import paths
from .errors import InputError

#: Our JSON-LD context's published IRI; documents that name it get the bundled copy.
CONTEXT_IRI = "https://w3id.org/gulag-kg/context.jsonld"

#: A gzip file may expand to at most this many times its size (beyond :data:`GZIP_FREE_BYTES`):
#: RDF text compresses 5-30 times; a decompression bomb, up to 1000 times.
MAX_GZIP_RATIO = 200
GZIP_FREE_BYTES = 64 << 20

#: The limit on a literal, IRI or other token, in bytes: Oxigraph's parsers refuse a token that
#: fills their buffer (with the few bytes around it), and RDF/XML, whose parser has no such
#: limit, is held to the same. JSON strings have half that room in Oxigraph's JSON-LD parser.
MAX_TERM_BYTES = 16 << 20
MAX_JSON_TERM_BYTES = 8 << 20

#: JSON-LD and RDF/XML nested deeper than this are refused: Oxigraph's JSON-LD parser recurses
#: (5,000 levels overflow its stack and kill the process) and its RDF/XML parser takes time
#: quadratic in the depth (20,000 levels: 11 s). Real data nests a few levels.
MAX_NESTING = 256

#: The formats ``load`` streams: their parsers keep an explicit stack and a bounded buffer, and
#: they do not take entities or contexts, so they are guarded as they stream (the gzip cap while
#: reading, the term cap by the parser). JSON-LD and RDF/XML are read whole and checked first.
STREAMED_FORMATS = frozenset({ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG})

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


def check_input_path(path: Path | str) -> Path:
    """``path`` if it names a regular file of a known RDF format, else :class:`InputError`:
    checked for every file before any is read, so that a bad name stops a load before it starts."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    _refuse_non_file(path, mode)
    rdf_format_for(path)
    return path


def _refuse_non_file(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise InputError(str(path), "is a directory, not a file")
    if not stat.S_ISREG(mode):
        # A FIFO or a device (/dev/zero, /dev/stdin) could block or never end.
        raise InputError(str(path), "not a regular file")


class RdfInput:
    """A file opened for parsing, the one door every RDF file comes in by (:func:`parse_file`
    reads it whole, :func:`stream_into` hands it to a streaming parser).

    Only regular files open (a FIFO is opened without waiting for a writer, then refused). A
    ``.gz`` file is decompressed as it is read and refused once it has expanded beyond
    :data:`MAX_GZIP_RATIO` times its size (past :data:`GZIP_FREE_BYTES`), so a bomb is stopped
    after at most that much work, however it is read. ``progress`` gets the number of bytes of
    the file read so far.
    """

    def __init__(self, path: Path, progress: Callable[[int], None] | None = None) -> None:
        self.path = path
        self.progress = progress
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: a FIFO must not wait for a writer
        except FileNotFoundError:
            raise InputError(str(path), "no such file") from None
        except OSError as exc:
            raise InputError(str(path), f"cannot read: {exc.strerror}") from None
        try:
            info = os.fstat(fd)
            _refuse_non_file(path, info.st_mode)
            os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        self._raw = os.fdopen(fd, "rb")
        self._gzip = path.suffix == ".gz"
        self._stream: BinaryIO = gzip.GzipFile(fileobj=self._raw, mode="rb") if self._gzip else self._raw
        self._limit = max(GZIP_FREE_BYTES, MAX_GZIP_RATIO * info.st_size)
        self._expanded = 0

    def __enter__(self) -> RdfInput:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stream.close()
        self._raw.close()

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            out = bytearray()
            while chunk := self.read(1 << 20):
                out += chunk
            return bytes(out)
        try:
            data = self._stream.read(size)
        except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
            if self._gzip:
                raise InputError(str(self.path), f"not a valid gzip file: {exc}") from None
            raise InputError(str(self.path), f"cannot read: {exc.strerror or exc}") from None
        if self._gzip:
            self._expanded += len(data)
            if self._expanded > self._limit:
                raise InputError(str(self.path), f"expands to more than {self._limit:,} bytes ({MAX_GZIP_RATIO} times "
                                 "its size): refused as a decompression bomb; decompress it yourself if it is genuine")
        if self.progress is not None:
            self.progress(self._raw.tell())
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


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

    def collect_contexts(self, node, depth: int = 0):
        """First pass: every context of the document (terms defined anywhere count everywhere);
        refuses a document nested more than :data:`MAX_NESTING` levels."""
        if depth > MAX_NESTING:
            raise InputError(str(self.path), _JSON_TOO_DEEP)
        if isinstance(node, list):
            return [self.collect_contexts(item, depth + 1) for item in node]
        if not isinstance(node, dict):
            return node
        return {key: (self.context(value) if key == "@context" else self.collect_contexts(value, depth + 1))
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


_JSON_TOO_DEEP = f"JSON nested too deeply (more than {MAX_NESTING} levels) to be JSON-LD"


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
        raise InputError(str(path), _JSON_TOO_DEEP) from None
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


# --- RDF/XML ---------------------------------------------------------------------------------


def _check_rdfxml(data: bytes, path: Path) -> None:
    """Refuse DTD entities (nested ones expand exponentially) and deep nesting (Oxigraph's time
    is quadratic in it), before Oxigraph sees the file; expat reads no DTD and no entity."""
    if b"<!ENTITY" in data:
        raise InputError(str(path), "RDF/XML with DTD entity declarations is refused (nested entities can make parsing "
                         "take minutes and gigabytes)")
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    depth = 0

    def start(name, attributes) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            raise InputError(str(path), f"XML nested more than {MAX_NESTING} levels deep: refused (parsing it takes "
                             "time that grows with the square of the depth)", line=parser.CurrentLineNumber)

    def end(name) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InputError(str(path), f"not well-formed XML: {expat.ErrorString(exc.code)}", line=exc.lineno) from None


def _refuse_long_terms(quads: list[ox.Quad], path: Path) -> None:
    """The term cap for a parser that has none of its own (RDF/XML)."""
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            value = getattr(term, "value", "")
            if len(value) >= MAX_TERM_BYTES // 4 and len(value.encode("utf-8")) >= MAX_TERM_BYTES:
                raise InputError(str(path), _term_too_long(ox.RdfFormat.RDF_XML))


# --- entry points ------------------------------------------------------------------------------


def _term_too_long(fmt: ox.RdfFormat) -> str:
    limit, where = (MAX_JSON_TERM_BYTES, " in JSON-LD") if fmt == ox.RdfFormat.JSON_LD else (MAX_TERM_BYTES, "")
    return (f"a literal, IRI or other token reaches the limit of {limit >> 20} MiB ({limit:,} bytes){where}: "
            "refused; gulag-kg reads no term that long")


@contextmanager
def _parse_errors(path: Path, fmt: ox.RdfFormat) -> Iterator[None]:
    """Oxigraph's parse errors as :class:`InputError`, the same whether it parsed bytes or a stream."""
    try:
        yield
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
    except MemoryError as exc:
        if "buffer maximal size" not in str(exc):  # the process is out of memory: not the file's fault
            raise
        raise InputError(str(path), _term_too_long(fmt)) from None
    except (ValueError, OSError) as exc:
        raise InputError(str(path), str(exc)) from None


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
    if fmt == ox.RdfFormat.RDF_XML:
        _check_rdfxml(data, path)
    with _parse_errors(path, fmt):
        quads = list(ox.parse(data, format=fmt, base_iri=base, rename_blank_nodes=rename_blank_nodes))
    if fmt == ox.RdfFormat.JSON_LD and base_iri is None:
        _refuse_relative_iris(quads, path)
    if fmt == ox.RdfFormat.RDF_XML:
        _refuse_long_terms(quads, path)
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
    with RdfInput(path) as source:
        data = source.read()
    quads = parse_bytes(data, fmt, path=path, base_iri=base_iri)
    if graph is None:
        return quads
    return [ox.Quad(q.subject, q.predicate, q.object, graph) if isinstance(q.graph_name, ox.DefaultGraph) else q
            for q in quads]


def stream_into(path: Path | str, bulk_load: Callable[[BinaryIO, ox.RdfFormat], None], *,
                progress: Callable[[int], None] | None = None) -> None:
    """Hand a file of :data:`STREAMED_FORMATS` to a streaming parser (``bulk_load(reader,
    format)``, e.g. over pyoxigraph's ``Store.bulk_load``) through the door and with the checks
    of :func:`parse_file`: regular files only, the gzip cap while reading, the term cap, errors
    as :class:`InputError`. Never reads the file whole. Other formats are refused here: read
    them with :func:`parse_file`."""
    path = Path(path)
    fmt = rdf_format_for(path)
    if fmt not in STREAMED_FORMATS:
        raise ValueError(f"{fmt} is not streamed: read it with parse_file")
    with RdfInput(path, progress) as source, _parse_errors(path, fmt):
        bulk_load(source, fmt)
