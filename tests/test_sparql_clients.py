"""The standard Python SPARQL clients against `gulag-kg serve`: SPARQLWrapper in every format it
speaks (and CONSTRUCT with its default format) and rdflib's SPARQLStore (SELECT, CONSTRUCT, and a
Graph whose identifier is one of our named graphs). Each answer is compared with the engine's
own, so a client that silently got less fails here."""

from __future__ import annotations

import warnings

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

import gulag_kg
from gulag_kg.store import WIKIDATA_GRAPH

from .servers import gulag_kg_server

GK = "https://w3id.org/gulag-kg/ontology#"
SELECT = f"""PREFIX gk: <{GK}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?agency ?label WHERE {{ ?agency a gk:Agency ; rdfs:label ?label }} ORDER BY ?agency ?label"""
CONSTRUCT = f"""PREFIX gk: <{GK}>
CONSTRUCT {{ ?agency ?p ?o }} WHERE {{ ?agency a gk:Agency ; ?p ?o FILTER(!isBlank(?o)) }}"""


@pytest.fixture(scope="module")
def server():
    with gulag_kg_server("--max-rows", "100000") as s:
        yield s


@pytest.fixture(scope="module")
def store():
    return gulag_kg.load().store


def expected_rows(store) -> list[tuple[str, str]]:
    return [(s["agency"].value, s["label"].value) for s in store.query(SELECT)]


def expected_graph(store) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in store.query(CONSTRUCT)}


def wrapper(server, fmt=None) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    if fmt is not None:
        client.setReturnFormat(fmt)
    return client


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(server, store, fmt):
    client = wrapper(server, fmt)
    client.setQuery(SELECT)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper: the answer is not the format it asked for
        result = client.query()
        converted = result.convert()
    if fmt == JSON:
        rows = [(b["agency"]["value"], b["label"]["value"]) for b in converted["results"]["bindings"]]
    elif fmt == XML:
        rows = []
        for solution in converted.getElementsByTagName("result"):
            values = {b.getAttribute("name"): b.firstChild.firstChild.nodeValue for b in solution.getElementsByTagName("binding")}
            rows.append((values["agency"], values["label"]))
    elif fmt == TSV:  # terms in N-Triples syntax
        data = converted if isinstance(converted, bytes) else converted.encode("utf-8")
        rows = [(s["agency"].value, s["label"].value) for s in ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)]
    else:
        import csv
        import io

        text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
        rows = [tuple(r) for r in list(csv.reader(io.StringIO(text, newline="")))[1:]]
    assert rows == expected_rows(store) and len(rows) > 10


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(server, fmt):
    client = wrapper(server, fmt)
    client.setQuery("ASK { ?s ?p ?o }")
    converted = client.query().convert()
    value = converted["boolean"] if fmt == JSON else converted.getElementsByTagName("boolean")[0].firstChild.nodeValue == "true"
    assert value is True


@pytest.mark.parametrize("fmt", [None, RDFXML, TURTLE, N3, JSONLD, XML])
def test_sparqlwrapper_construct_in_every_format_and_its_default(server, store, fmt):
    client = wrapper(server, fmt)
    client.setQuery(CONSTRUCT)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        converted = client.query().convert()
    if isinstance(converted, bytes):  # Turtle and N3 come back as bytes: read them
        converted = rdflib.Graph().parse(data=converted, format="turtle")
    got = {(str(s), str(p), str(o)) for s, p, o in converted}
    assert got == expected_graph(store) and len(got) > 50


def test_sparqlwrapper_post(server, store):
    client = wrapper(server, JSON)
    client.setMethod("POST")
    client.setQuery(SELECT)
    rows = [(b["agency"]["value"], b["label"]["value"]) for b in client.query().convert()["results"]["bindings"]]
    assert rows == expected_rows(store)


def test_rdflib_sparqlstore_select_and_construct(server, store):
    graph = rdflib.Graph(store=SPARQLStore(server.sparql))
    rows = [(str(r.agency), str(r.label)) for r in graph.query(SELECT)]
    assert rows == expected_rows(store)
    constructed = graph.query(CONSTRUCT).graph
    assert {(str(s), str(p), str(o)) for s, p, o in constructed} == expected_graph(store)


def test_rdflib_graph_with_an_identifier_sees_that_named_graph_only(server, store):
    named = rdflib.Graph(store=SPARQLStore(server.sparql), identifier=rdflib.URIRef(WIKIDATA_GRAPH.value))
    expected = {(q.subject.value, q.predicate.value, q.object.value) for q in store.quads(graph=WIKIDATA_GRAPH)}
    assert len(named) == len(expected) > 0
    assert {(str(s), str(p), str(o)) for s, p, o in named} == expected
    everything = rdflib.Graph(store=SPARQLStore(server.sparql))
    assert len(everything) == len(store) > len(expected)
