"""The ontology is OWL 2 DL, by the tools of the field: the OWL API's OWL 2 DL profile check,
HermiT's consistency check, and owlready2 loading it.

The OWL API is the copy inside owlready2's HermiT.jar, run by Java from Debian's
default-jre-headless (.ci/system-packages.txt) through tests/OwlDlCheck.java, a single source
file Java compiles in memory. owlready2 reads RDF/XML, not Turtle: the ontology's files are
merged and converted with pyoxigraph first, as `gulag-kg` loads them into one graph.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import gulag_kg
from gulag_kg import paths
from gulag_kg.cli import cli
from gulag_kg.derive import truthy_quads
from gulag_kg.prefixes import GK_NS, PREFIXES
from gulag_kg.store import ONTOLOGY_GRAPH
from gulag_kg.web.linked_data import describe
from gulag_kg.web.urls import ONTOLOGY_IRI

CHECKER = Path(__file__).resolve().parent / "OwlDlCheck.java"
GULAGMAP_EXCERPTS = [Path(__file__).resolve().parent / "data" / d / "excerpt" for d in ("gulagmap-2017", "gulagmap")]
HERMIT_JAR = Path(owlready2.__file__).resolve().parent / "hermit" / "HermiT.jar"
OWL = PREFIXES["owl"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
KINDS = {"ObjectProperty": owlready2.ObjectPropertyClass, "DatatypeProperty": owlready2.DataPropertyClass,
         "AnnotationProperty": owlready2.AnnotationPropertyClass}

# A small ontology with the faults the old one had: a class under rdf:Property, a sub-property of
# rdf:subject, an undeclared class, an object property with a literal value. The checker must
# find them, or its silence about ours means nothing.
_FAULTY = """
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <http://example.org/> .
ex:o a owl:Ontology .
ex:ClaimProperty a owl:Class ; rdfs:subClassOf rdf:Property .
ex:subject a owl:ObjectProperty ; rdfs:subPropertyOf rdf:subject ; rdfs:range ex:Undeclared .
ex:a ex:subject "a literal" .
"""


def _ontology_store() -> ox.Store:
    store = ox.Store()
    for path in paths.ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    return _ontology_store()


@pytest.fixture(scope="module")
def rdfxml(ontology, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("owl") / "gulag.rdf"
    ontology.dump(str(path), format=ox.RdfFormat.RDF_XML, from_graph=ox.DefaultGraph())
    return path


def _declared(store: ox.Store, kind: str) -> set[str]:
    """Our terms (gk:) typed owl:<kind> in the Turtle."""
    return {q.subject.value for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(OWL + kind))
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(GK_NS)}


def _instances(store: ox.Store, cls: str) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(GK_NS + cls))}


def _java() -> str:
    java = shutil.which("java")
    assert java, "no java on PATH: install Debian's default-jre-headless (`make sysdeps`)"
    return java


def _owl_api_check(documents: list[Path]) -> dict[str, dict[str, list]]:
    """The checker's findings per document: violations and unparsed (s, p, o) triples."""
    result = subprocess.run([_java(), "-cp", str(HERMIT_JAR), str(CHECKER), *map(str, documents)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    found: dict[str, dict[str, list]] = {}
    current = None
    for line in result.stdout.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "document":
            current = found.setdefault(rest, {"violation": [], "unparsed": [], "triples": []})
        else:
            current[kind].append(tuple(rest.split("\t")) if kind == "unparsed" else rest)
    assert set(found) == {str(d) for d in documents}, result.stdout[-2000:]
    return found


# OWL's built-in annotation properties (the others are declared in the ontology)
_BUILT_IN_ANNOTATIONS = {PREFIXES["rdfs"] + p for p in ("label", "comment", "seeAlso", "isDefinedBy")} | {
    OWL + p for p in ("versionInfo", "deprecated", "priorVersion", "backwardCompatibleWith", "incompatibleWith")}


def _unexplained(unparsed: list[tuple], ontology: ox.Store) -> list[tuple]:
    """Unparsed triples other than those OWL API 3.4 is known to leave: an annotation property
    with an IRI value on some subjects (the OWL 2 RDF mapping reads each as an annotation
    assertion, whatever the kind of its subject or value; OWL API 5 parses all of them). Such a
    triple has no OWL 2 DL condition to break; any other unparsed triple is a finding."""
    annotation_properties = _BUILT_IN_ANNOTATIONS | {
        q.subject.value for q in ontology.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(OWL + "AnnotationProperty"))}
    return [t for t in unparsed
            if not (t[1].strip("<>") in annotation_properties and t[2].startswith("<"))]


@pytest.fixture(scope="module")
def kg_with_imports(tmp_path_factory):
    """The shipped graph with both gulagmap excerpts imported (and compared): the data the
    importers write uses more terms, and more claim properties, than the shipped graph."""
    out = tmp_path_factory.mktemp("import") / "gulagmap.trig"
    result = CliRunner().invoke(cli, ["import", "gulagmap", *map(str, GULAGMAP_EXCERPTS), "-o", str(out), "--date", "2026-11-27"])
    assert result.exit_code == 0, result.output
    return gulag_kg.load([out])


@pytest.fixture(scope="module")
def owl_api_findings(ontology, kg_with_imports, tmp_path_factory):
    """One JVM for the four documents: the ontology; the document the site serves for it
    (/ontology, what Protégé loads from its IRI: the terms without the SKOS vocabularies); the
    ontology with the truthy triples of the derived graph of the shipped graph and the gulagmap
    imports (each claim property used as a predicate); and the faulty ontology."""
    folder = tmp_path_factory.mktemp("owlapi")
    plain, served, with_truthy, faulty = (folder / name for name in ("ontology.nt", "served.nt", "ontology-truthy.nt", "faulty.ttl"))
    ontology.dump(str(plain), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in describe(kg_with_imports.store, ONTOLOGY_IRI)]
    served.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    store = _ontology_store()
    store.extend([ox.Quad(q.subject, q.predicate, q.object) for q in truthy_quads(kg_with_imports.store)])
    store.dump(str(with_truthy), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    faulty.write_text(_FAULTY, encoding="utf-8")
    found = _owl_api_check([plain, served, with_truthy, faulty])
    return {"plain": found[str(plain)], "served": found[str(served)], "truthy": found[str(with_truthy)],
            "faulty": found[str(faulty)]}


def test_the_checker_finds_the_faults_the_old_ontology_had(owl_api_findings):
    text = "\n".join(owl_api_findings["faulty"]["violation"])
    assert "Use of reserved vocabulary for class IRI: rdf:Property" in text
    assert "rdf:subject" in text
    assert "Use of undeclared class: <http://example.org/Undeclared>" in text
    assert "Cannot pun between properties: <http://example.org/subject>AnnotationAssertion" in text  # the literal


def test_the_ontology_is_owl2_dl(owl_api_findings, ontology):
    found = owl_api_findings["plain"]
    assert found["violation"] == []
    assert _unexplained(found["unparsed"], ontology) == []
    assert int(found["triples"][0]) == len(ontology)


def test_the_ontology_document_the_site_serves_is_owl2_dl(owl_api_findings, ontology):
    found = owl_api_findings["served"]
    assert 500 < int(found["triples"][0]) < len(ontology)
    assert found["violation"] == []
    assert _unexplained(found["unparsed"], ontology) == []


def test_claim_properties_used_as_predicates_keep_the_ontology_owl2_dl(owl_api_findings, ontology):
    """The truthy triples (subject, claim property, value) read as the kind the ontology gives
    each claim property: a resource value of a datatype property, or a literal of an object
    property, would be a violation."""
    found = owl_api_findings["truthy"]
    assert int(found["triples"][0]) > len(ontology) + 100
    assert found["violation"] == []
    assert _unexplained(found["unparsed"], ontology) == []


def test_every_object_or_datatype_property_has_values_of_its_kind_throughout_the_graph(kg_with_imports):
    """Ours and the external ones declared for the data (schema:author, oa:exact, prov:used...),
    in the shipped graph and the gulagmap imports: an object property with a literal value, or a
    datatype property with a resource, would not be OWL 2 DL once the data is read with the
    ontology."""
    wrong = kg_with_imports.store.query(f"""SELECT DISTINCT ?p ?o WHERE {{
      GRAPH <{ONTOLOGY_GRAPH.value}> {{ ?p a ?kind FILTER(?kind IN (owl:ObjectProperty, owl:DatatypeProperty)) }}
      GRAPH ?g {{ ?s ?p ?o }}
      FILTER((?kind = owl:ObjectProperty && isLiteral(?o)) || (?kind = owl:DatatypeProperty && !isLiteral(?o)))
    }} LIMIT 20""")
    assert [(row["p"].value, str(row["o"])) for row in wrong] == []


def test_every_claim_property_has_exactly_one_property_kind(ontology):
    claim_properties = _instances(ontology, "QuantityProperty") | _instances(ontology, "RelationProperty")
    assert len(claim_properties) > 40
    for p in claim_properties:
        kinds = [kind for kind in KINDS if p in _declared(ontology, kind)]
        assert len(kinds) == 1, (p, kinds)
    assert _instances(ontology, "QuantityProperty") <= _declared(ontology, "DatatypeProperty")


def test_owlready2_loads_the_ontology_as_declared(ontology, rdfxml):
    world = owlready2.World()
    world.get_ontology(rdfxml.as_uri()).load()
    gk = world.get_namespace(GK_NS)
    assert _ours(world.classes()) == _declared(ontology, "Class")
    assert _ours(world.object_properties()) == _declared(ontology, "ObjectProperty")
    assert _ours(world.data_properties()) == _declared(ontology, "DatatypeProperty")
    assert _ours(world.annotation_properties()) == _declared(ontology, "AnnotationProperty")
    assert set(gk.ClaimProperty.subclasses()) == {gk.QuantityProperty, gk.RelationProperty}
    assert gk.Agency in gk.Organisation.descendants()
    for cls in ("QuantityProperty", "RelationProperty"):
        # punned: each claim property is an individual of its class and a property of its kind
        assert {i.iri for i in getattr(gk, cls).instances()} == _instances(ontology, cls)
        for p in _instances(ontology, cls):
            kind = next(k for k in KINDS if p in _declared(ontology, k))
            assert isinstance(world[p], KINDS[kind]), (p, kind)


def _ours(entities) -> set[str]:
    return {e.iri for e in entities if e.iri.startswith(GK_NS)}


def test_hermit_finds_the_ontology_consistent(rdfxml):
    _java()
    world = owlready2.World()
    world.get_ontology(rdfxml.as_uri()).load()
    with world:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)  # raises if inconsistent
    assert list(world.inconsistent_classes()) == []
