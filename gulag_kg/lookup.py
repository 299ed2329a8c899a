"""Reading the statements of known IRIs fast, on Oxigraph and on any SPARQL server.

On a local store (memory or disk) the statements of known IRIs are read by index look-up:
one ``quads_for_pattern`` per IRI (:func:`subject_statements`). A SPARQL query with the IRIs in
a ``VALUES`` block is not safe there: from about 70 IRIs on, Oxigraph may join ``VALUES ?s { ... }
?s ?p ?o`` by hashing, which reads every statement of the store (it did at 300,000 triples in
memory: 45 ms for 200 claims, where the look-ups take 1 ms).

In a query, the IRIs are written into its text (:func:`iri_terms`, each one checked and
serialised by Oxigraph) rather than bound with pyoxigraph's ``substitutions``: Oxigraph applies
those only after evaluating the whole pattern, so a query bound to one entity costs as much as
the same query over every entity (7-11 ms instead of 0.2-0.4 ms on the shipped graph, growing
with the store). On a ``--endpoint`` server (:class:`gulag_kg.store.EndpointStore`) every read
is such a query, the fields of many nodes read with one plain pattern (``VALUES ?s { ... } ?s ?p
?o``) in chunks of :data:`CHUNK` IRIs: one request instead of one per IRI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .prefixes import GK_NS, PREFIXES
from .store import EndpointStore, Store

#: IRIs looked up in one query. Few enough for Oxigraph to look each one up: from about 70 (for
#: ``?s ?p ?o``) to 150 (for ``?s gk:evidence ?e``) IRIs in a ``VALUES`` block, it joins by hashing
#: instead, a scan of every statement with that predicate (the evidence of 200 claims: 29 ms at
#: 300,000 triples in memory; of 100: 2 ms). And the query text stays well under what any server
#: accepts.
CHUNK = 50


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


def is_local(store: Store) -> bool:
    """True if ``store`` is Oxigraph in this process (its indexes can be read directly)."""
    return not isinstance(store, EndpointStore)


def subject_statements(store: Store, iris: Iterable[str], predicates: Iterable[str]) -> Iterator[tuple[str, str, object]]:
    """``(subject, predicate, object term)`` of each of ``iris`` and ``predicates`` (IRIs), in
    every graph; a statement in two graphs comes twice. By index look-up on a local store, in
    chunks of ``VALUES`` on a SPARQL server."""
    wanted = set(predicates)
    if is_local(store):
        # a look-up per predicate when they are few (labels), else one per IRI, filtered here
        nodes = [ox.NamedNode(p) for p in wanted] if len(wanted) <= 2 else [None]
        for iri in sorted(set(iris)):
            subject = ox.NamedNode(iri)
            for p in nodes:
                for q in store.quads_for_pattern(subject, p, None, None):
                    if p is not None or q.predicate.value in wanted:
                        yield iri, q.predicate.value, q.object
        return
    listed = ", ".join(str(ox.NamedNode(p)) for p in sorted(wanted))
    for chunk in chunks(iris):
        # the predicates as a FILTER: a VALUES list of them makes Oxigraph look up every pair
        for row in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {chunk} }} ?s ?p ?o FILTER (?p IN ({listed})) }}"):
            yield row["s"].value, row["p"].value, row["o"]


def statements_of(store: Store, iris: Iterable[str], predicates: Iterable[str]) -> dict[str, dict[str, list]]:
    """The objects of ``predicates`` (IRIs) for each of ``iris``: ``{subject: {predicate: [terms]}}``,
    each list without repeats (a statement in two named graphs counts once), in a stable order
    (whatever order the store answers in)."""
    found: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in subject_statements(store, iris, predicates):
        found[s][p].add(o)
    return {s: {p: sorted(objs, key=_term_order) for p, objs in by_p.items()} for s, by_p in found.items()}


def _term_order(term) -> tuple:
    return (type(term).__name__, term.value, str(term))


_EVIDENCE, _SELECTOR, _EXACT = GK_NS + "evidence", PREFIXES["oa"] + "hasSelector", PREFIXES["oa"] + "exact"


def quotes_of(store: Store, iris: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The quoted words of the evidence of each node (``gk:evidence/oa:hasSelector/oa:exact``),
    sorted; nodes without evidence are left out."""
    quotes: dict[str, set[str]] = defaultdict(set)
    if is_local(store):  # evidence and selectors are blank nodes: looked up from the node down
        evidence, selector, exact = (ox.NamedNode(p) for p in (_EVIDENCE, _SELECTOR, _EXACT))
        for iri in sorted(set(iris)):
            for e in store.quads_for_pattern(ox.NamedNode(iri), evidence, None, None):
                for sel in store.quads_for_pattern(e.object, selector, None, None) if not isinstance(e.object, ox.Literal) else ():
                    for q in store.quads_for_pattern(sel.object, exact, None, None) if not isinstance(sel.object, ox.Literal) else ():
                        quotes[iri].add(q.object.value)
    else:
        for chunk in chunks(iris):
            for row in store.query(f"SELECT ?n ?q WHERE {{ VALUES ?n {{ {chunk} }} ?n gk:evidence/oa:hasSelector/oa:exact ?q }}"):
                quotes[row["n"].value].add(row["q"].value)
    return {n: tuple(sorted(q)) for n, q in quotes.items()}


LABEL_PREDICATES = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")


def labels_of(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The label of each IRI (``rdfs:label`` or ``skos:prefLabel``): an English one first, then
    the first by its text; IRIs without a label are left out."""
    best: dict[str, tuple] = {}
    for s, _, label in subject_statements(store, iris, LABEL_PREDICATES):
        if isinstance(label, ox.Literal):
            key = (not _is_english(label.language), label.value, label.language or "")
            if s not in best or key < best[s]:
                best[s] = key
    return {s: key[1] for s, key in best.items()}


def _is_english(language: str | None) -> bool:
    """``LANGMATCHES(LANG(?l), "en")``: ``en``, ``en-GB``..."""
    return bool(language) and (language.lower() == "en" or language.lower().startswith("en-"))
