"""Where each IRI of gulag-kg is described: the site's document paths, the same for ``serve``,
for ``publish`` and behind the w3id.org redirects.

An IRI names a thing (an agency, a claim, a concept); its descriptions are documents beside it,
one per format, named by an extension::

    https://w3id.org/gulag-kg/id/agency/nkvd    the agency (the server answers 303 See Other)
      id/agency/nkvd.html                       the page for people
      id/agency/nkvd.ttl  .nt .rdf .jsonld .nq .trig   the same description in RDF

Hash IRIs of the ontology (``ontology#Claim``) are described by one document, ``ontology.html``,
with an anchor per term; so are the SHACL shapes (``shapes#ClaimShape``, ``shapes.html``). Paths here never start with ``/``: pages link to each other relatively,
so a published site works under any base URL.
"""

from __future__ import annotations

import urllib.parse

from ..prefixes import BASE, GK_NS, GRAPH_NS, ID_NS, VOCAB_NS

ONTOLOGY_IRI = BASE + "ontology"
#: The SHACL shapes (``shapes/``): hash IRIs, ``shapes#ClaimShape``, named by validation reports.
SHAPES_IRI = BASE + "shapes"
SHAPES_NS = SHAPES_IRI + "#"

#: Extensions of the documents that describe a resource, the page for people first.
DOCUMENT_EXTENSIONS = ("html", "ttl", "nt", "rdf", "jsonld", "nq", "trig")
#: Extensions of the RDF descriptions.
RDF_EXTENSIONS = DOCUMENT_EXTENSIONS[1:]

#: Top-level path segments whose extensionless paths are IRIs (answered by content negotiation).
IRI_ROOTS = ("id", "vocab", "graph")
#: Extensionless single-segment IRIs.
IRI_DOCUMENTS = ("ontology", "shapes", "vocab")


def _quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/-_.~!$&'()*+,;=:@")


def iri_path(iri: str) -> str | None:
    """The site path of an IRI of gulag-kg without extension (``id/agency/nkvd``), or None for
    IRIs outside the site (Wikidata, W3C vocabularies...) and hash IRIs.

    >>> iri_path("https://w3id.org/gulag-kg/id/agency/nkvd")
    'id/agency/nkvd'
    >>> iri_path("https://w3id.org/gulag-kg/vocab/unit") , iri_path("https://w3id.org/gulag-kg/ontology")
    ('vocab/unit', 'ontology')
    >>> iri_path("http://www.wikidata.org/entity/Q182449") is None
    True
    """
    if iri in (ONTOLOGY_IRI, SHAPES_IRI):
        return iri[len(BASE):]
    for ns in (ID_NS, VOCAB_NS, GRAPH_NS):
        if iri.startswith(ns):
            rest = iri[len(ns):]
            if not rest or "#" in rest or "?" in rest:
                return "vocab" if ns == VOCAB_NS and not rest else None
            return ns[len(BASE):] + rest
    return None


def document_path(iri: str, ext: str = "html") -> str | None:
    """The path (relative to the site's root, percent-encoded) of the ``ext`` document that
    describes ``iri``, with ``#anchor`` for a term of the ontology; None outside the site.

    >>> document_path("https://w3id.org/gulag-kg/id/agency/nkvd")
    'id/agency/nkvd.html'
    >>> document_path("https://w3id.org/gulag-kg/ontology#Claim")
    'ontology.html#Claim'
    >>> document_path("https://w3id.org/gulag-kg/vocab/unit/people", "ttl")
    'vocab/unit/people.ttl'
    >>> document_path("https://w3id.org/gulag-kg/shapes#ClaimShape-value")
    'shapes.html#ClaimShape-value'
    """
    for ns in (GK_NS, SHAPES_NS):
        if iri.startswith(ns):
            local = iri[len(ns):]
            return f"{ns[len(BASE):-1]}.{ext}" + (f"#{_quote(local)}" if local and ext == "html" else "")
    path = iri_path(iri)
    if path is None or not safe_path(path):
        return None
    return f"{_quote(path)}.{ext}"


def safe_path(path: str) -> bool:
    """A path that stays inside the site when written to disk: no empty, ``.`` or ``..``
    segment, no backslash or control character."""
    segments = path.split("/")
    return all(s and s not in (".", "..") for s in segments) and not any(c == "\\" or ord(c) < 32 for c in path)


def iri_of_path(path: str) -> str | None:
    """The IRI an extensionless site path names (the inverse of :func:`iri_path`)."""
    if path in ("ontology", "shapes"):
        return BASE + path
    if path == "vocab":
        return VOCAB_NS
    root = path.split("/", 1)[0]
    if root in IRI_ROOTS and "/" in path and safe_path(path):
        return BASE + path
    return None


def split_extension(path: str) -> tuple[str, str | None]:
    """``('id/agency/nkvd', 'ttl')`` for ``id/agency/nkvd.ttl``; ``(path, None)`` without a
    document extension."""
    stem, dot, ext = path.rpartition(".")
    if dot and ext in DOCUMENT_EXTENSIONS and stem and "/" not in ext:
        return stem, ext
    return path, None


def root_for(path: str) -> str:
    """The relative prefix from the document at ``path`` back to the site's root.

    >>> root_for("id/agency/nkvd.html"), root_for("map.html"), root_for("")
    ('../../', '', '')
    """
    return "../" * path.count("/")
