"""What SPARQL servers do differently, in one place.

:class:`gulag_kg.store.EndpointStore` speaks the SPARQL 1.1 Protocol and the Graph Store Protocol
to any server. Most servers answer as the specifications say; where one does not, the difference
is handled here, named after the server and the behaviour, so that the rest of the code stays
standard. A server is recognised by the ``Server`` header of its first answer.

Virtuoso (tested with Debian's virtuoso-opensource 7.2.5, the engine behind DBpedia):

* **System graphs.** A fresh Virtuoso holds graphs of its own (its RDF views, the LDP vocabulary,
  its Service Description). They are configuration, not data, and never part of the union of
  named graphs a command sees.
* **Blank-node labels.** Results name blank nodes ``nodeID://b10001``, which is not a blank-node
  label of the SPARQL results formats; they are rewritten to ``b10001``-style labels.
* **EXISTS in expressions.** Virtuoso refuses ``EXISTS`` inside an expression (``BIND(IF(...
  EXISTS {...}))``: ``SQ074`` syntax error), which the shapes compiled to SPARQL
  (:mod:`gulag_kg.shacl_sparql`) use; ``validate`` therefore runs pySHACL on a copy of the data
  there (``--engine auto``), and ``--engine sparql`` says why it cannot.
* **Booleans.** Virtuoso keeps ``xsd:boolean`` values as ``"1"`` and ``"0"``; they are written
  back as ``"true"`` and ``"false"`` (the same values, in the canonical form every other store
  and our exports use).
* **Result-size cap.** Virtuoso cuts a result at ``ResultSetMaxRows`` (``[SPARQL]`` section of
  ``virtuoso.ini``; 10,000 in Debian's default) and says so only in the ``X-SPARQL-MaxRows``
  header. An answer with that header is refused with an error naming the setting, never used
  as if complete.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass


class IncompleteAnswer(Exception):
    """The server said (in its own way) that it cut the answer."""


@dataclass(frozen=True)
class Dialect:
    """The standard behaviour: nothing to change."""

    name: str = "SPARQL 1.1"
    #: whether EXISTS may stand inside an expression (BIND, IF), as SPARQL 1.1 allows
    exists_in_expressions: bool = True

    def is_system_graph(self, iri: str) -> bool:
        return False

    def results(self, data: bytes) -> bytes:
        """SPARQL JSON results as the standard writes them."""
        return data

    def triples(self, data: bytes) -> bytes:
        """N-Triples as the standard writes them."""
        return data

    def check_complete(self, headers: Mapping[str, str], url: str) -> None:
        return None


_VIRTUOSO_SYSTEM_GRAPHS = re.compile(
    r"^(?:http://www\.openlinksw\.com/schemas/virtrdf#"  # its RDF views (quad map metadata)
    r"|http://www\.w3\.org/ns/ldp#"  # the LDP vocabulary it loads at start
    r"|https?://[^/]+/(?:sparql|DAV/?)"  # its Service Description, its WebDAV store
    r")$"
)


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEANS = {"1": "true", "0": "false"}
_BOOLEAN_NT = re.compile(rb'"([01])"\^\^<http://www\.w3\.org/2001/XMLSchema#boolean>')


@dataclass(frozen=True)
class Virtuoso(Dialect):
    name: str = "Virtuoso"

    def is_system_graph(self, iri: str) -> bool:
        return bool(_VIRTUOSO_SYSTEM_GRAPHS.match(iri))

    exists_in_expressions: bool = False

    def results(self, data: bytes) -> bytes:
        if b"nodeID://" not in data and _XSD_BOOLEAN.encode() not in data:
            return data
        doc = json.loads(data)
        for row in doc.get("results", {}).get("bindings", ()):
            for term in row.values():
                if term.get("type") == "bnode" and term["value"].startswith("nodeID://"):
                    term["value"] = "v" + re.sub(r"[^A-Za-z0-9_]", "_", term["value"][len("nodeID://"):])
                elif term.get("datatype") == _XSD_BOOLEAN and term["value"] in _BOOLEANS:
                    term["value"] = _BOOLEANS[term["value"]]
        return json.dumps(doc).encode()

    def triples(self, data: bytes) -> bytes:
        return _BOOLEAN_NT.sub(lambda m: b'"' + _BOOLEANS[m.group(1).decode()].encode() + b'"^^<' + _XSD_BOOLEAN.encode() + b">", data)

    def check_complete(self, headers: Mapping[str, str], url: str) -> None:
        cap = headers.get("X-SPARQL-MaxRows")
        if cap:
            raise IncompleteAnswer(
                f"{url}: Virtuoso cut the answer at {cap} rows (its ResultSetMaxRows setting); "
                "raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini")


def dialect_for(server_header: str | None) -> Dialect:
    """The dialect of the server that sent this ``Server`` header."""
    if server_header and "virtuoso" in server_header.lower():
        return Virtuoso()
    return Dialect()
