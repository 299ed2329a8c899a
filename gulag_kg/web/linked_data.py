"""The RDF documents of the site: what describes an IRI, and in which formats.

Content negotiation, the choice documented in ``docs/publishing.md``: an IRI of gulag-kg
(``/id/...``, ``/vocab/...``, ``/graph/...``, ``/ontology``) names a thing, not a document, so
the server answers it with **303 See Other** to the document in the format the client prefers
(``Vary: Accept``): ``nkvd.html`` for people, ``nkvd.ttl``, ``.nt``, ``.rdf``, ``.jsonld``,
``.nq`` or ``.trig`` for programs. The documents answer 200 and are plain files in a published
site, where the w3id.org rules (``w3id/gulag-kg/.htaccess``) make the same 303 choice.

The formats are those the SPARQL endpoint offers for CONSTRUCT: Turtle, N-Triples, RDF/XML,
JSON-LD, N-Quads and TriG; N-Quads and TriG keep the named graph each statement comes from
(the article, Wikidata links, an import, the derived view), the others merge them.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..export import serialize_quads
from ..prefixes import GK_NS, GRAPH_NS, PREFIXES, VOCAB_NS
from ..store import ONTOLOGY_GRAPH, Store
from .negotiation import MediaType, choose, media_types
from .urls import ONTOLOGY_IRI


#: The documents of a resource, by extension: the page for people first, then the RDF formats
#: the endpoint offers for CONSTRUCT (one table for the site: :data:`negotiation.MEDIA_TYPES`).
DOCUMENT_TYPES: dict[str, MediaType] = {m.extension: m for m in media_types("page") + media_types("graph")}


def negotiate_document(accept: str) -> str | None:
    """The extension of the document an ``Accept`` header prefers (HTML for ``*/*`` and for an
    empty header); None if it accepts none of ours.

    >>> negotiate_document("text/turtle;q=0.5, application/ld+json"), negotiate_document("")
    ('jsonld', 'html')
    """
    media = choose(accept, list(DOCUMENT_TYPES.values()))
    return None if media is None else media.extension


def offered_types() -> str:
    return ", ".join(m.media for m in DOCUMENT_TYPES.values())


def serialize(quads: list[ox.Quad], ext: str) -> bytes:
    """Quads as the ``ext`` document (byte-stable: the canonical order of ``gulag-kg export``)."""
    media = DOCUMENT_TYPES[ext]
    if media.kind != "graph":
        raise ValueError(f"{ext} is not an RDF document type")
    return serialize_quads(quads, media.name)


# --- what describes each kind of IRI -----------------------------------------------------------

# The resource, the claims about it, and the blank nodes they hold (evidence, selectors and
# their refinements), up to three blank nodes deep, each statement with its named graph. Each
# branch binds ?s before it reads the statements of ?s, so the engine looks them up by subject
# (never a scan of the store).
def _resource_query(node: ox.NamedNode) -> str:
    roots = (f"VALUES ?r {{ {node} }}", f"?r gk:subject {node} . ?r a gk:Claim .")
    chains = (
        "BIND(?r AS ?s)",
        "?r ?p1 ?s FILTER(isBlank(?s))",
        "?r ?p1 ?b1 . ?b1 ?p2 ?s FILTER(isBlank(?b1) && isBlank(?s))",
        "?r ?p1 ?b1 . ?b1 ?p2 ?b2 . ?b2 ?p3 ?s FILTER(isBlank(?b1) && isBlank(?b2) && isBlank(?s))",
    )
    branches = "\n  UNION ".join(f"{{ {root} {chain} GRAPH ?g {{ ?s ?p ?o }} }}" for root in roots for chain in chains)
    return f"SELECT ?s ?p ?o ?g WHERE {{\n  {branches}\n}}"


_SCHEME = """
SELECT ?s ?p ?o ?g WHERE {
  { VALUES ?s { %(x)s } GRAPH ?g { ?s ?p ?o } } UNION { ?s skos:inScheme %(x)s . GRAPH ?g { ?s ?p ?o } }
}
"""

_SCHEMES = """
SELECT ?s ?p ?o ?g WHERE { ?s a skos:ConceptScheme . GRAPH ?g { ?s ?p ?o } }
"""

# The ontology document: our terms, the ontology's own statements, and the declarations of the
# external terms it uses, without which it would not be OWL 2 DL (tests/test_owl.py checks it).
# The graph is named in the pattern, not compared in a FILTER: that would read every graph.
_ONTOLOGY = """
SELECT ?s ?p ?o ?g WHERE {
  GRAPH %(graph)s { ?s ?p ?o }
  FILTER(isBlank(?s) || ?s = %(ontology)s || STRSTARTS(STR(?s), "%(ns)s")
         || (?p = rdf:type && ?o IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty)))
  BIND(%(graph)s AS ?g)
}
"""

_GRAPH = """
SELECT ?s ?p ?o ?g WHERE { GRAPH %(x)s { ?s ?p ?o } BIND(%(x)s AS ?g) }
"""


def _quads(store: Store, query: str) -> list[ox.Quad]:
    """The statements a query selects, once each (a blank node reached twice is listed once)."""
    return list(dict.fromkeys(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in store.query(query)))


def describe(store: Store, iri: str) -> list[ox.Quad]:
    """The statements that describe ``iri``, with their named graphs:

    * the ontology (``/ontology``): its terms and their axioms, and the external terms it declares;
    * the vocabularies (``/vocab``): every concept scheme;
    * a concept scheme (``/vocab/unit``): the scheme and its concepts;
    * a named graph (``/graph/article``): every statement of that graph;
    * anything else (an entity, a claim, a concept): its statements, the claims about it, and
      the blank nodes they hold (evidence and selectors).
    """
    node = ox.NamedNode(iri)
    if iri == ONTOLOGY_IRI:
        return _quads(store, _ONTOLOGY % {"graph": ONTOLOGY_GRAPH, "ontology": node, "ns": GK_NS})
    if iri == VOCAB_NS:
        return _quads(store, _SCHEMES)
    if iri.startswith(GRAPH_NS):
        return _quads(store, _GRAPH % {"x": node})
    if is_scheme(store, iri):
        return _quads(store, _SCHEME % {"x": node})
    return _quads(store, _resource_query(node))


def is_scheme(store: Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    scheme = ox.NamedNode(PREFIXES["skos"] + "ConceptScheme")
    return any(True for _ in store.quads_for_pattern(node, ox.NamedNode(PREFIXES["rdf"] + "type"), scheme, None))
