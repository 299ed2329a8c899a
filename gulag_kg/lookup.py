"""Reading the statements of known IRIs fast, on Oxigraph and on any SPARQL server.

The IRIs a query looks up are written into its text (:func:`iri_terms`, each one checked and
serialised by Oxigraph) rather than bound with pyoxigraph's ``substitutions``: Oxigraph applies
those only after evaluating the whole pattern, so a query bound to one entity costs as much as
the same query over every entity (7-11 ms instead of 0.2-0.4 ms on the shipped graph, growing
with the store). And the fields of many nodes are read with one plain pattern
(``VALUES ?s { ... } ?s ?p ?o``) rather than one OPTIONAL per field, whose planning cost grows
with their number. Both forms are plain SPARQL 1.1, so a ``--endpoint`` server answers them as
Oxigraph does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from .store import Store

#: IRIs looked up in one query: the query text stays well under what any server accepts.
CHUNK = 200


def iri_terms(iris: Iterable[str]) -> str:
    """IRIs as SPARQL terms to write into a query, separated by spaces (``<a> <b>``).

    Each is checked by Oxigraph: a string that is not an IRI raises ``ValueError`` instead of
    changing the query (``'x> } DROP ALL { <y'`` is refused, never pasted)."""
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def chunks(iris: Iterable[str]) -> Iterable[str]:
    """The sorted, distinct ``iris`` as :func:`iri_terms` strings of at most :data:`CHUNK` IRIs."""
    wanted = sorted(set(iris))
    for start in range(0, len(wanted), CHUNK):
        yield iri_terms(wanted[start:start + CHUNK])


def same_entities(store: Store, iri: str) -> list[str]:
    """``iri`` and the IRIs ``owl:sameAs`` says are the same thing, either way round (one step:
    the article's camp and the museum's records of it), ``iri`` first, the others sorted."""
    node = iri_terms([iri])
    others = {row["x"].value for row in store.query(
        f"SELECT DISTINCT ?x WHERE {{ {{ {node} owl:sameAs ?x }} UNION {{ ?x owl:sameAs {node} }} FILTER(isIRI(?x)) }}")}
    return [iri, *sorted(others - {iri})]


def statements_of(store: Store, iris: Iterable[str], predicates: Iterable[str]) -> dict[str, dict[str, list]]:
    """The objects of ``predicates`` (IRIs) for each of ``iris``: ``{subject: {predicate: [terms]}}``,
    each list without repeats (a statement in two named graphs counts once), in a stable order
    (whatever order the store answers in)."""
    wanted = ", ".join(str(ox.NamedNode(p)) for p in sorted(set(predicates)))
    found: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for chunk in chunks(iris):
        # the predicates as a FILTER: a VALUES list of them makes Oxigraph look up every pair
        # (40 ms instead of 2 ms for the Gulag's 125 claims)
        for row in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {chunk} }} ?s ?p ?o FILTER (?p IN ({wanted})) }}"):
            found[row["s"].value][row["p"].value].add(row["o"])
    return {s: {p: sorted(objs, key=_term_order) for p, objs in by_p.items()} for s, by_p in found.items()}


def _term_order(term) -> tuple:
    return (type(term).__name__, term.value, str(term))


def quotes_of(store: Store, iris: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The quoted words of the evidence of each node (``gk:evidence/oa:hasSelector/oa:exact``),
    sorted; nodes without evidence are left out."""
    quotes: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks(iris):
        for row in store.query(f"SELECT ?n ?q WHERE {{ VALUES ?n {{ {chunk} }} ?n gk:evidence/oa:hasSelector/oa:exact ?q }}"):
            quotes[row["n"].value].add(row["q"].value)
    return {n: tuple(sorted(q)) for n, q in quotes.items()}


def labels_of(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The label of each IRI (``rdfs:label`` or ``skos:prefLabel``): an English one first, then
    the first in order; IRIs without a label are left out."""
    labels: dict[str, str] = {}
    for chunk in chunks(iris):
        for row in store.query(f"""
            SELECT ?s ?l WHERE {{ VALUES ?s {{ {chunk} }} ?s rdfs:label|skos:prefLabel ?l }}
            ORDER BY ?s DESC(LANGMATCHES(LANG(?l), "en")) ?l"""):
            labels.setdefault(row["s"].value, row["l"].value)
    return labels
