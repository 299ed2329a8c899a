"""The derived graph (period bounds and the truthy view): what it holds, and that the Oxigraph
path (joins and bulk writes inside Oxigraph) gives exactly the quads of the plain-query path
used for SPARQL servers, also after the data change."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gulag_kg import derive
from gulag_kg.loading import load_store
from gulag_kg.store import DERIVED_GRAPH, USER_GRAPH, Store

GK = "https://w3id.org/gulag-kg/ontology#"
EX = "https://example.org/"
PREFIXES = f"@prefix gk: <{GK}> . @prefix ex: <{EX}> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def claim(name: str, subject: str, value: int, rank: str, *, prop: str = "prisonerCount") -> str:
    return (f"ex:{name} a gk:Claim ; gk:subject ex:{subject} ; gk:property gk:{prop} ; "
            f"gk:value {value} ; gk:rank gk:{rank} .\n")


DATA = PREFIXES + "".join([
    # preferred wins over normal; deprecated never counts
    claim("a1", "campA", 1, "NormalRank"), claim("a2", "campA", 2, "PreferredRank"), claim("a3", "campA", 3, "DeprecatedRank"),
    # no preferred: every normal value
    claim("b1", "campB", 10, "NormalRank"), claim("b2", "campB", 11, "NormalRank"),
    # only deprecated: nothing
    claim("c1", "campC", 99, "DeprecatedRank"),
    # two preferred: both
    claim("d1", "campD", 5, "PreferredRank"), claim("d2", "campD", 6, "PreferredRank"), claim("d3", "campD", 7, "NormalRank"),
    'ex:e1 gk:period "1934/1953" . ex:e2 gk:period "1941-06~" . ex:e3 gk:date "1930/.." . ',
    'ex:e4 gk:period "1953-13" . ex:e5 gk:period "1950/1940" . ex:e6 gk:date ex:notALiteral .\n',
])


def derived(store: Store) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in store.quads(graph=DERIVED_GRAPH)}


def fill(store: Store, data: str = DATA) -> Store:
    store.add_quads(ox.Quad(t.subject, t.predicate, t.object, USER_GRAPH)
                    for t in ox.parse(data.encode(), format=ox.RdfFormat.TURTLE))
    derive.add_derived_graph(store)
    return store


@pytest.fixture(params=["memory", "disk"])
def store(request, tmp_path):
    return Store(tmp_path / "store") if request.param == "disk" else Store()


def test_truthy_view_keeps_the_best_rank(store):
    got = {(s, v) for s, p, v in derived(fill(store)) if p == GK + "prisonerCount"}
    assert got == {(EX + "campA", "2"), (EX + "campB", "10"), (EX + "campB", "11"), (EX + "campD", "5"), (EX + "campD", "6")}


def test_period_bounds(store):
    got = {(s.removeprefix(EX), p.removeprefix(GK), v) for s, p, v in derived(fill(store)) if p.startswith(GK + "period")}
    assert got == {
        ("e1", "periodStart", "1934-01-01"), ("e1", "periodEnd", "1953-12-31"),
        ("e2", "periodStart", "1941-06-01"), ("e2", "periodEnd", "1941-06-30"),
        ("e3", "periodStart", "1930-01-01"),                       # open end: no end bound
        ("e5", "periodStart", "1950-01-01"), ("e5", "periodEnd", "1940-12-31"),  # kept as written, for the shapes
    }  # e4 (month 13) and e6 (not a literal) have none


def test_oxigraph_path_equals_the_plain_query_path(store):
    fill(store)
    assert set(store.quads(graph=DERIVED_GRAPH)) == set(derive.period_bound_quads(store) + derive.truthy_quads(store))


def test_shipped_graph_oxigraph_path_equals_plain_path():
    store = load_store()
    expected = set(derive.period_bound_quads(store) + derive.truthy_quads(store))
    assert len(expected) > 300
    assert set(store.quads(graph=DERIVED_GRAPH)) == expected


def test_recomputing_writes_the_changes(store):
    fill(store)
    store.oxigraph.update(f"""PREFIX gk: <{GK}> PREFIX ex: <{EX}>
        DELETE DATA {{ GRAPH <{USER_GRAPH.value}> {{ ex:a2 gk:rank gk:PreferredRank . ex:e1 gk:period "1934/1953" }} }} ;
        INSERT DATA {{ GRAPH <{USER_GRAPH.value}> {{ ex:a2 gk:rank gk:NormalRank . ex:e1 gk:period "1937" }} }}""")
    assert derive.add_derived_graph(store) == len(derived(store))
    got = derived(store)
    assert {v for s, p, v in got if s == EX + "campA"} == {"1", "2"}
    assert (EX + "e1", GK + "periodStart", "1937-01-01") in got
    assert (EX + "e1", GK + "periodEnd", "1953-12-31") not in got
    assert set(store.quads(graph=DERIVED_GRAPH)) == set(derive.period_bound_quads(store) + derive.truthy_quads(store))
