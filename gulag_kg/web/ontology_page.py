"""The ontology's page: every term of ``gk:`` with an anchor of its local name (the terms are
hash IRIs, ``…/ontology#Claim``, so ``ontology.html#Claim`` is where each one is described)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..prefixes import GK_NS, PREFIXES
from ..store import ONTOLOGY_GRAPH, Store
from .urls import ONTOLOGY_IRI
from .views import NAME_PREDICATES, RDF_TYPE, Fact, Labeller, Term

_SECTIONS = (
    ("classes", "Classes", (PREFIXES["owl"] + "Class",)),
    ("claim-properties", "Claim properties (what a claim can be about)", (GK_NS + "QuantityProperty", GK_NS + "RelationProperty")),
    ("object-properties", "Object properties", (PREFIXES["owl"] + "ObjectProperty",)),
    ("datatype-properties", "Datatype properties", (PREFIXES["owl"] + "DatatypeProperty",)),
    ("annotation-properties", "Annotation properties", (PREFIXES["owl"] + "AnnotationProperty",)),
    ("individuals", "Other terms", ()),
)
_DEFINITIONS = (PREFIXES["skos"] + "definition", PREFIXES["rdfs"] + "comment")


@dataclass(frozen=True)
class OntologyTerm:
    iri: str
    local: str
    label: Term
    names: tuple[Term, ...]
    types: tuple[Term, ...]
    definitions: tuple[Term, ...]
    facts: tuple[Fact, ...]
    uses: int  # claims with this property, or instances of this class


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    terms: tuple[OntologyTerm, ...]


def ontology_sections(store: Store) -> tuple[list[Section], tuple[Fact, ...]]:
    """The terms of the ontology by kind, and the facts about the ontology itself."""
    by_subject: dict[str, dict[str, list]] = {}
    for q in store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH):
        s = q.subject.value if isinstance(q.subject, ox.NamedNode) else None
        if s is None or not (s.startswith(GK_NS) or s == ONTOLOGY_IRI):
            continue
        by_subject.setdefault(s, {}).setdefault(q.predicate.value, []).append(q.object)
    labeller = Labeller(store)
    labeller.fetch({s for s in by_subject} | {p for d in by_subject.values() for p in d}
                   | {o.value for d in by_subject.values() for os in d.values() for o in os if isinstance(o, ox.NamedNode)})
    uses: dict[str, int] = {}
    for row in store.query("SELECT ?p (COUNT(?c) AS ?n) WHERE { ?c a gk:Claim ; gk:property ?p } GROUP BY ?p"):
        uses[row["p"].value] = int(row["n"].value)
    for row in store.query(f"""SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?t FILTER(STRSTARTS(STR(?t), "{GK_NS}")) }} GROUP BY ?t"""):
        uses[row["t"].value] = uses.get(row["t"].value, 0) + int(row["n"].value)

    def facts_of(properties: dict[str, list], skip) -> tuple[Fact, ...]:
        facts = []
        for p, objects in sorted(properties.items(), key=lambda kv: labeller.term(kv[0]).text.casefold()):
            if p in skip:
                continue
            facts.append(Fact(labeller.term(p), tuple(sorted((labeller.term(o) for o in objects), key=lambda t: (t.lang != "en", t.text)))))
        return tuple(facts)

    skip = {RDF_TYPE, *NAME_PREDICATES, *_DEFINITIONS}
    terms: dict[str, list[OntologyTerm]] = {key: [] for key, _, _ in _SECTIONS}
    for iri, properties in by_subject.items():
        if iri == ONTOLOGY_IRI:
            continue
        types = {o.value for o in properties.get(RDF_TYPE, ())}
        key = next((k for k, _, wanted in _SECTIONS if types & set(wanted)), "individuals")
        names = tuple(sorted((labeller.term(o) for p in NAME_PREDICATES for o in properties.get(p, ()) if isinstance(o, ox.Literal)),
                             key=lambda t: (t.lang != "en", t.lang, t.text)))
        terms[key].append(OntologyTerm(
            iri=iri, local=iri[len(GK_NS):], label=labeller.term(iri), names=names,
            types=tuple(sorted((labeller.term(t) for t in types), key=lambda t: t.text)),
            definitions=tuple(labeller.term(o) for p in _DEFINITIONS for o in properties.get(p, ())),
            facts=facts_of(properties, skip), uses=uses.get(iri, 0)))
    sections = [Section(key, title, tuple(sorted(terms[key], key=lambda t: t.local.casefold())))
                for key, title, _ in _SECTIONS if terms[key]]
    ontology = facts_of(by_subject.get(ONTOLOGY_IRI, {}), {RDF_TYPE})
    return sections, ontology
