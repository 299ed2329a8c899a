"""The RDF/XML export: Oxigraph's serialiser, with what RDF/XML cannot say refused up front.

RDF/XML writes every predicate, and the class of a typed node, as an XML element name: an IRI
is split into a namespace and a local name, which must be an XML name (``gk:subject``). Some
graphs cannot be written so, and a writer that tried anyway would give a file that XML parsers
reject, or that reads back as another graph. Before anything is written, :func:`check` refuses,
in one line naming the statement's term:

* a predicate or a class that ends in no XML name (``http://example.org/p/``, ``urn:x:1``);
* a predicate that is one of RDF/XML's own syntax names (``rdf:li`` reads back as ``rdf:_1``);
* a namespace that XML reserves (``xml:``, ``xmlns:``);
* a literal holding a character XML 1.0 cannot carry at all (U+0000-U+0008, U+000B, U+000C,
  U+000E-U+001F, U+FFFE, U+FFFF).

A carriage return in a literal is written ``&#13;`` (an XML parser turns a raw one into a line
feed). Blank nodes keep their labels (``rdf:nodeID``), so the file reads back statement by
statement; :func:`check_well_formed` lets the read-back check of ``export -o`` parse the file
with an XML parser (expat, as rdflib does), not only with Oxigraph's lenient reader.
"""

from __future__ import annotations

import io
import re
import xml.parsers.expat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .errors import GulagKgError
from .prefixes import PREFIXES

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = b"<" + RDF.encode() + b"type>"
#: RDF/XML's syntax names, which no predicate may be (rdf:li is read as rdf:_1, rdf:_2, ...).
_SYNTAX_NAMES = {RDF + name for name in ("RDF", "ID", "about", "bagID", "parseType", "resource", "nodeID",
                                         "datatype", "li", "Description", "aboutEach", "aboutEachPrefix")}
_XML_NAMESPACES = ("http://www.w3.org/XML/1998/namespace", "http://www.w3.org/2000/xmlns/")
_NAME_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f"
               "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
#: The local name an element takes: the longest XML name (without a colon) ending the IRI.
_LOCAL_NAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f\u2040]*$")
#: Characters XML 1.0 cannot carry, raw (UTF-8) or as Oxigraph's N-Triples escapes them.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]|(?<!\\)(?:\\\\)*\\(?:[bf]|(?:u|U0000)"
                      rb"(?:000[0-8bBcCeEfF]|001[0-9a-fA-F]|[fF]{3}[eEfF]))")


def _element_name_problem(iri: str) -> str | None:
    """Why ``iri`` cannot be an element name, or None."""
    m = _LOCAL_NAME.search(iri)
    if m is None:
        return "it ends in no XML name, so RDF/XML cannot write it as an element"
    if iri[:m.start()] in _XML_NAMESPACES:
        return "its namespace is reserved by XML"
    return None


class RdfXmlRefused(GulagKgError):
    """A graph that RDF/XML cannot hold (the message says which term, and what to ask for)."""


def check(lines: list[bytes]) -> None:
    """Refuse, in one line, a graph (canonical N-Triples lines) that RDF/XML cannot hold."""
    predicates: set[bytes] = set()
    classes: set[bytes] = set()
    for line in lines:
        _s, p, o = line.split(b" ", 2)
        predicates.add(p)
        if p == _RDF_TYPE and o[:1] == b"<":
            classes.add(o[:-2])
    for term, role in [*((p, "predicate") for p in predicates), *((c, "class") for c in classes)]:
        iri = term[1:-1].decode()
        problem = _element_name_problem(iri)
        if role == "predicate" and iri in _SYNTAX_NAMES:
            problem = "it is one of RDF/XML's own syntax names"
        if problem:
            raise RdfXmlRefused(f"cannot export as RDF/XML: the {role} <{iri}>: {problem}; export as Turtle or N-Triples")
    for i in range(0, len(lines), 1 << 16):
        chunk = b"\n".join(lines[i:i + (1 << 16)])
        m = _NOT_XML.search(chunk)
        if m is not None:
            line = chunk[chunk.rfind(b"\n", 0, m.start()) + 1:].split(b"\n", 1)[0].decode()
            raise RdfXmlRefused(f"cannot export as RDF/XML: a literal holds a character XML 1.0 cannot carry "
                               f"({m.group().decode(errors='replace')!r} in: {line[:200]}); export as Turtle or N-Triples")


class _CarriageReturns(io.RawIOBase):
    """Writes through to ``out``, carriage returns as ``&#13;`` (only literals hold them)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.out.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)


def write(lines: list[bytes], statements: Iterable[ox.Quad], out: BinaryIO) -> None:
    """Write the statements of the canonical N-Triples ``lines`` (parsed: ``statements``) as
    RDF/XML, with the project's prefixes, after :func:`check`."""
    check(lines)
    ox.serialize((q.triple for q in statements), _CarriageReturns(out), ox.RdfFormat.RDF_XML, prefixes=PREFIXES)


def write_triples(triples: Iterable[ox.Triple], out: BinaryIO) -> None:
    """A graph given as triples (the answer of a CONSTRUCT or DESCRIBE) as :func:`write` writes
    statements: checked first, so that nothing is written for a graph RDF/XML cannot hold."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    write(data.splitlines(), ox.parse(data, format=ox.RdfFormat.N_TRIPLES), out)


def check_well_formed(path: Path) -> None:
    """Parse ``path`` with expat (an XML parser, as rdflib's): raises :class:`ValueError` if it
    is not well-formed XML."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    try:
        with open(path, "rb") as fh:
            parser.ParseFile(fh)
    except xml.parsers.expat.ExpatError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
