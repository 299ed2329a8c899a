"""Counts that tell a maintainer or a reviewer how complete the graph is."""

from __future__ import annotations

from dataclasses import dataclass

from .entities import compact
from .prefixes import ID_NS as ID
from .store import Store


@dataclass(frozen=True)
class Stats:
    quads: int
    graphs: tuple[tuple[str, int], ...]
    classes: tuple[tuple[str, int], ...]
    claims_by_property: tuple[tuple[str, int], ...]
    claims_by_claimant: tuple[tuple[str, int], ...]
    claims_by_source: tuple[tuple[str, int], ...]
    claims: int
    claims_with_quote: int
    entities: int
    entities_with_evidence: int
    linkable_entities: int
    entities_with_wikidata: int


def _pairs(store: Store, query: str) -> tuple[tuple[str, int], ...]:
    out = []
    for row in store.query(query):
        if row["key"] is None:
            continue
        key = row["key"].value
        out.append((compact(key) if key.startswith("http") else key, int(row["n"].value)))
    return tuple(sorted(out, key=lambda kv: (-kv[1], kv[0])))


def compute_stats(store: Store) -> Stats:
    ns = str(ID)
    # Counted by the engine, not by reading every quad into Python: that reads each quad's
    # strings, and on disk one 15 MB literal made the reads of its neighbours in RocksDB slow
    # (stats took 23-100 s instead of 0.5-1.6 s on the shipped graph).
    sizes = {row["g"].value: int(row["n"].value)
             for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    graphs = tuple((compact(g.value), sizes.get(g.value, 0)) for g in store.named_graphs())
    classes = _pairs(store, f"""
        SELECT ?key (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?key FILTER(STRSTARTS(STR(?e), "{ns}")) }} GROUP BY ?key""")
    by_property = _pairs(store, "SELECT ?key (COUNT(?c) AS ?n) WHERE { ?c a gk:Claim ; gk:property ?key } GROUP BY ?key")
    by_claimant = _pairs(store, """
        SELECT ?key (COUNT(?c) AS ?n) WHERE { ?c a gk:Claim ; gk:claimant ?x .
          OPTIONAL { ?x rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) } BIND(COALESCE(?l, STR(?x)) AS ?key) } GROUP BY ?key""")
    by_source = _pairs(store, """
        SELECT ?key (COUNT(?c) AS ?n) WHERE { ?c a gk:Claim ; prov:wasDerivedFrom ?x .
          OPTIONAL { ?x rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) } BIND(COALESCE(?l, STR(?x)) AS ?key) } GROUP BY ?key""")

    def count(query: str) -> int:
        return int(next(iter(store.query(query)))["n"].value)

    entity_filter = f'FILTER(STRSTARTS(STR(?e), "{ns}") && !STRSTARTS(STR(?e), "{ns}claim/") && !STRSTARTS(STR(?e), "{ns}link/"))'
    linkable = "VALUES ?class { gk:Organisation gk:Person gk:DetentionSite gk:Place gk:Work gk:Event gk:LegalAct }"
    return Stats(
        quads=len(store),
        graphs=graphs,
        classes=classes,
        claims_by_property=by_property,
        claims_by_claimant=by_claimant,
        claims_by_source=by_source,
        claims=count("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a gk:Claim }"),
        claims_with_quote=count("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a gk:Claim ; gk:evidence/oa:hasSelector/oa:exact ?q }"),
        entities=count(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?t {entity_filter} }}"),
        entities_with_evidence=count(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?t ; gk:evidence ?v {entity_filter} }}"),
        linkable_entities=count(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {linkable} ?e a/rdfs:subClassOf* ?class {entity_filter} }}"),
        entities_with_wikidata=count(f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {linkable} ?e a/rdfs:subClassOf* ?class ; owl:sameAs ?q
            FILTER(STRSTARTS(STR(?q), "http://www.wikidata.org/entity/")) {entity_filter} }}"""),
    )
