"""One kind of quantity per claim property: the ontology says which units, the shapes enforce it."""

from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, SH

import gulag_kg
from gulag_kg import paths
from gulag_kg.namespaces import GK
from gulag_kg.validation import load_shapes_graph

from .conftest import DATA

SHAPES = "https://w3id.org/gulag-kg/shapes#"


def _ontology():
    graph = rdflib.Graph()
    for path in paths.ontology_files():
        graph.parse(path, format="turtle")
    return graph


def _shape_units(shapes, prop) -> set:
    """The units the unit shape of ``prop`` allows (its sh:or: not this property, or these units)."""
    name = str(prop).rsplit("#", 1)[-1]
    shape = rdflib.URIRef(SHAPES + name[0].upper() + name[1:] + "UnitShape")
    assert (shape, RDF.type, SH.NodeShape) in shapes, f"no unit shape for gk:{name}"
    units = set()
    for member in rdflib.collection.Collection(shapes, shapes.value(shape, SH["or"])):
        listed = shapes.value(member, SH["in"])
        if listed is not None:
            units |= set(rdflib.collection.Collection(shapes, listed))
    return units


def test_every_quantity_property_allows_units_of_one_kind_and_a_shape_enforces_exactly_them():
    ontology, shapes = _ontology(), load_shapes_graph()
    properties = set(ontology.subjects(RDF.type, GK.QuantityProperty))
    assert len(properties) >= 28
    for prop in properties:
        allowed = set(ontology.objects(prop, GK.allowedUnit))
        assert allowed, f"{prop} says no unit"
        assert _shape_units(shapes, prop) == allowed, prop


def test_each_shipped_claim_is_in_a_unit_its_property_allows(kg):
    rows = kg.query("""SELECT ?claim WHERE { ?claim gk:property ?p ; gk:unit ?u . ?p a gk:QuantityProperty
        FILTER NOT EXISTS { ?p gk:allowedUnit ?u } }""").as_dicts()
    assert rows == []


def test_a_unit_that_does_not_match_its_property_is_a_violation_that_says_what_to_do():
    report = gulag_kg.load([DATA / "invalid" / "Claim-unit-does-not-fit-property.ttl"], shipped=False).validate()
    [result] = [r for r in report.results if r.shape == SHAPES + "DeathsUnitShape"]
    assert result.focus == "https://w3id.org/gulag-kg/id/claim/c1"
    assert "its gk:unit must be unit:people" in result.message and "gk:shareOfDeaths" in result.message
