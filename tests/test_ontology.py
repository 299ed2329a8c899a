"""The ontology parses, every term is labelled and defined, and the JSON-LD context matches."""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS

from gulag_kg import paths
from gulag_kg.namespaces import GK, PREFIXES


@pytest.fixture(scope="module")
def ontology():
    graph = rdflib.Graph()
    for path in paths.ontology_files():
        graph.parse(path, format="turtle")
    return graph


def _terms(graph):
    ns = str(GK._NS)
    return sorted({s for s in graph.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(ns)})


def test_ontology_header(ontology):
    onto = rdflib.URIRef("https://w3id.org/gulag-kg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionInfo) is not None
    assert ontology.value(onto, rdflib.URIRef("http://purl.org/dc/terms/license")) is not None
    assert ontology.value(onto, rdflib.URIRef("http://purl.org/dc/terms/description")) is not None


def test_every_term_has_an_english_label_and_a_definition(ontology):
    terms = _terms(ontology)
    assert len(terms) > 100
    for term in terms:
        labels = [l for l in ontology.objects(term, RDFS.label) if l.language == "en"]
        definitions = list(ontology.objects(term, SKOS.definition)) + list(ontology.objects(term, RDFS.comment))
        assert labels, f"{term} has no English label"
        assert definitions, f"{term} has no definition"


def test_every_concept_is_in_a_scheme_and_labelled(ontology):
    for concept in ontology.subjects(RDF.type, SKOS.Concept):
        assert ontology.value(concept, SKOS.inScheme) is not None, concept
        assert any(l.language == "en" for l in ontology.objects(concept, SKOS.prefLabel)), concept


def test_our_classes_are_aligned_to_standard_vocabularies(ontology):
    ns = str(GK._NS)
    for cls in ontology.subjects(RDF.type, OWL.Class):
        # gk:ClaimProperty's instances are properties, which no class outside OWL's reserved
        # vocabulary (rdf:Property) stands for: not aligned, by design (tests/test_owl.py)
        if str(cls).startswith(ns) and cls not in (GK.Rank, GK.ClaimProperty):
            parents = list(ontology.objects(cls, RDFS.subClassOf))
            assert parents, f"{cls} is not aligned to anything"


def test_every_term_the_code_names_exists(ontology):
    names = [n for n in GK.__annotations__]
    assert len(names) > 90
    for name in names:
        assert (GK._NS[name], None, None) in ontology, name


def test_jsonld_context_has_the_project_prefixes_but_the_vocabulary_schemes():
    """The schemes' prefixes (``unit``, ``stance``, ...) are left out of the JSON-LD context:
    several are named like properties (the terms ``unit``, ``stance``), so every concept is
    written under ``gkv`` (``gkv:unit/people``), alike."""
    context = json.loads(paths.context_path().read_text(encoding="utf-8"))["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v[-1:] in ("/", "#")}
    schemes = {k for k, v in PREFIXES.items() if v.startswith(PREFIXES["gkv"]) and k != "gkv"}
    assert prefixes == {k: v for k, v in PREFIXES.items() if k not in schemes}
    assert {"unit", "stance", "method", "role"} <= schemes and all(isinstance(context[k], dict) for k in ("unit", "stance"))
