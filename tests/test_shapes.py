"""The shapes themselves: SHACL-for-SHACL, a message on every constraint, one shape per class."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS
from rdflib.namespace import SH

from gulag_kg import paths
from gulag_kg.namespaces import GK
from gulag_kg.validation import load_shapes_graph

SHACL_SHACL = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"

# Constraint parameters that make a shape check something (SHACL Core).
CONSTRAINTS = {SH[p] for p in (
    "class datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive maxInclusive "
    "minLength maxLength pattern languageIn uniqueLang equals disjoint lessThan lessThanOrEquals "
    "not and or xone node qualifiedValueShape closed hasValue in sparql").split()}


def test_shapes_conform_to_shacl_for_shacl():
    shacl_shacl = rdflib.Graph().parse(SHACL_SHACL)
    conforms, _graph, text = pyshacl.validate(load_shapes_graph(), shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def _shapes_with_constraints(graph):
    """Shapes whose results are reported: not the anonymous members of sh:or lists or
    qualified value shapes, whose failure is reported (with its message) by the shape using them."""
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape)) | set(graph.subjects(SH.path, None)):
        inner = isinstance(shape, rdflib.BNode) and ((None, RDF.first, shape) in graph or (None, SH.qualifiedValueShape, shape) in graph)
        if not inner and any((shape, c, None) in graph for c in CONSTRAINTS):
            yield shape


def test_every_constraint_has_a_message_in_plain_words():
    graph = load_shapes_graph()
    missing = []
    for shape in _shapes_with_constraints(graph):
        messages = [m for m in graph.objects(shape, SH.message) if isinstance(m, rdflib.Literal) and m.language == "en"]
        if not messages or any(len(str(m).split()) < 5 for m in messages):
            missing.append(shape)
    assert missing == []


def test_named_shapes_follow_dash_naming():
    graph = load_shapes_graph()
    for shape in graph.subjects(RDF.type, SH.PropertyShape):
        if isinstance(shape, rdflib.URIRef):
            name = str(shape).rsplit("#", 1)[-1]
            assert "-" in name and name.split("-")[0].endswith("Shape"), name


@pytest.mark.parametrize("cls", [
    GK.Organisation, GK.Person, GK.DetentionSite, GK.Place, GK.Work, GK.SourceDocument,
    GK.LegalAct, GK.Event, GK.ChangeEvent, GK.Claim, GK.ExternalLink,
], ids=lambda c: str(c).rsplit("#", 1)[-1])
def test_every_class_of_the_data_has_a_shape(cls):
    graph = load_shapes_graph()
    assert (None, SH.targetClass, cls) in graph


def test_severities_are_deliberate():
    graph = load_shapes_graph()
    shapes = "https://w3id.org/gulag-kg/shapes#"
    warning = {str(s) for s in graph.subjects(SH.severity, SH.Warning)}
    assert shapes + "DetentionSiteShape-coordinates" in warning
    for violation in ("ClaimShape-source", "ClaimShape-evidence", "ClaimShape-claimant"):
        assert shapes + violation not in warning


def _predicates_read(graph, shape):
    """The predicates a property shape reads: its path (IRI or sequence) and the one compared."""
    path = graph.value(shape, SH.path)
    steps = list(graph.items(path)) if isinstance(path, rdflib.BNode) and graph.value(path, RDF.first) else [path]
    compared = [graph.value(shape, p) for p in (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint)]
    return {p for p in steps + compared if isinstance(p, rdflib.URIRef)}


def test_shapes_that_read_the_derived_graph_say_so(kg):
    """A shape that reads what only the loader's derivation step computes (gulag_kg/derive.py)
    works in another SHACL engine only on data that includes the derived graph: it says so."""
    from gulag_kg.store import DERIVED_GRAPH

    derived = {rdflib.URIRef(q.predicate.value) for q in kg.store.quads_for_pattern(None, None, None, DERIVED_GRAPH)}
    graph = load_shapes_graph()
    readers = {shape for shape in set(graph.subjects(SH.path, None)) if _predicates_read(graph, shape) & derived}
    assert {str(s).rsplit("#", 1)[-1] for s in readers} == {"ClaimShape-periodStart", "EntityShape-periodBounds"}
    for shape in readers:
        comments = " ".join(str(c) for c in graph.objects(shape, RDFS.comment))
        assert "derived graph" in comments and "gulag_kg/derive.py" in comments, shape


def test_each_node_shape_has_at_most_one_or():
    """Two sh:or on one shape is valid SHACL, but some engines merge them (shacl-engine)."""
    graph = load_shapes_graph()
    assert [s for s in set(graph.subjects(SH["or"], None)) if len(list(graph.objects(s, SH["or"]))) > 1] == []
