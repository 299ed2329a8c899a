"""Reading the statements of known IRIs: IRIs written into queries only when they are IRIs, the
same answers on Oxigraph and on a SPARQL server, and what owl:sameAs joins."""

from __future__ import annotations

import textwrap

import pyoxigraph as ox
import pytest

from gulag_kg.lookup import CHUNK, iri_terms, labels_of, quotes_of, same_entities, statements_of
from gulag_kg.store import EndpointStore, Store

from .servers import oxigraph_server

ID = "https://w3id.org/gulag-kg/id/"
GK = "https://w3id.org/gulag-kg/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

DATA = textwrap.dedent("""
    @prefix gk: <https://w3id.org/gulag-kg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix oa: <http://www.w3.org/ns/oa#> .
    @prefix camp: <https://w3id.org/gulag-kg/id/camp/> . @prefix claim: <https://w3id.org/gulag-kg/id/claim/> .
    camp:a rdfs:label "Camp A"@ru , "Camp A"@en , "Another name"@en ; owl:sameAs camp:b .
    camp:c owl:sameAs camp:a ; rdfs:label "Lager C"@de .
    claim:x gk:subject camp:a ; gk:value 5 , 6 ; gk:evidence [ oa:hasSelector [ oa:exact "five" ] ] ,
                                                  [ oa:hasSelector [ oa:exact "a few" ] ] .
""")


def _store() -> Store:
    store = Store()
    store.oxigraph.load(DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ID + "graph/test"))
    return store


@pytest.mark.parametrize("text", ["x> } DROP ALL { <y", "https://w3id.org/a b", "no scheme", "https://x/a>"])
def test_a_string_that_is_not_an_iri_is_refused_not_written_into_a_query(text):
    with pytest.raises(ValueError):
        iri_terms([text])


def test_iris_are_written_as_sparql_terms():
    assert iri_terms([ID + "camp/a", "http://example.org/é"]) == f"<{ID}camp/a> <http://example.org/é>"


def _answers(store) -> tuple:
    camps = [ID + f"camp/{n}" for n in "abc"]
    return (same_entities(store, ID + "camp/a"), same_entities(store, ID + "camp/b"),
            statements_of(store, [ID + "claim/x", *camps], [GK + "value", RDFS_LABEL]),
            labels_of(store, camps), quotes_of(store, [ID + "claim/x", *camps]))


def test_same_entities_statements_labels_and_quotes():
    same_a, same_b, facts, labels, quotes = _answers(_store())
    assert same_a == [ID + "camp/a", ID + "camp/b", ID + "camp/c"]  # both directions, the thing first
    assert same_b == [ID + "camp/b", ID + "camp/a"]  # one step only
    assert [t.value for t in facts[ID + "claim/x"][GK + "value"]] == ["5", "6"]
    assert set(facts) == {ID + "claim/x", ID + "camp/a", ID + "camp/c"}  # camp:b has no such statement
    assert labels == {ID + "camp/a": "Another name", ID + "camp/c": "Lager C"}  # English first, then in order
    assert quotes == {ID + "claim/x": ("a few", "five")}


def test_a_sparql_server_gives_the_same_answers():
    store = _store()
    with oxigraph_server() as server:
        endpoint = EndpointStore(server.query_url)
        endpoint.add_quads(store.quads())
        assert _answers(endpoint) == _answers(store)


def test_more_iris_than_one_query_holds_are_read_in_chunks():
    store = Store()
    many = [ID + f"camp/n{i:04d}" for i in range(CHUNK * 2 + 5)]
    store.add_quads(ox.Quad(ox.NamedNode(i), ox.NamedNode(RDFS_LABEL), ox.Literal(i[-5:]), ox.DefaultGraph()) for i in many)
    assert labels_of(store, many) == {i: i[-5:] for i in many}
