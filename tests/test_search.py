"""Search by name (gulag_kg.web.search): every label, any language, prefixes, no accents."""

from __future__ import annotations

import pytest

from gulag_kg.web.search import Entry, SearchIndex, normalise, words


def _index(*labels):
    entries = [Entry(iri, label, lang, name, type_, normalise(label), words(label))
               for iri, label, lang, name, type_ in labels]
    return SearchIndex(entries)


SMALL = _index(
    ("x:gulag", "Gulag", "en", True, "gk#Agency"),
    ("x:gulag", "ГУЛАГ", "ru", True, "gk#Agency"),
    ("x:gulag", "Glávnoye upravléniye ispravítel'no-trudovýkh lageréy", "ru-Latn", False, "gk#Agency"),
    ("x:claim", "Gulag deaths according to someone", "en", True, "gk#Claim"),
    ("x:yozh", "Ёжов", "ru", True, "gk#Person"),
    ("x:gulagmap", "gulagmap 2018", "en", True, "gk#Work"),
)


@pytest.mark.parametrize(("query", "first"), [
    ("gulag", "x:gulag"), ("GUL", "x:gulag"), ("гулаг", "x:gulag"), ("Гул", "x:gulag"),
    ("glavnoye ispravitel", "x:gulag"), ("Glávnoye", "x:gulag"), ("ежов", "x:yozh"), ("map 2018", None),
    ("gulagm", "x:gulagmap"),
])
def test_prefixes_of_words_in_any_language_and_without_accents(query, first):
    result = SMALL.search(query)
    assert (result.hits[0].iri if result.hits else None) == first


def test_an_exact_name_comes_before_longer_ones_and_things_before_claims():
    assert [h.iri for h in SMALL.search("gulag").hits] == ["x:gulag", "x:gulagmap", "x:claim"]


def test_a_hit_shows_the_english_name_and_the_label_that_matched():
    hit = SMALL.search("гулаг").hits[0]
    assert (hit.label, hit.lang, hit.matched, hit.matched_lang) == ("Gulag", "en", "ГУЛАГ", "ru")


def test_the_total_counts_every_match_even_when_fewer_are_shown():
    result = SMALL.search("g", limit=1)
    assert len(result.hits) == 1 and result.total == 3


def test_near_suggests_spelling_neighbours():
    assert SMALL.near("gulak")[0].iri == "x:gulag"


def test_the_shipped_graph_is_searchable_by_every_label(kg):
    index = SearchIndex.build(kg.store)
    labels = {row["l"].value for row in kg.store.query(
        "SELECT ?l WHERE { ?s rdfs:label|skos:prefLabel|skos:altLabel|gk:abbreviation ?l "
        "FILTER(isIRI(?s) && STRSTARTS(STR(?s), 'https://w3id.org/gulag-kg/')) }")}
    assert {e.label for e in index.entries} == labels
    assert index.search("Solzhenitsyn").hits[0].iri == "https://w3id.org/gulag-kg/id/person/solzhenitsyn"
