"""The RDF/XML export: rdflib (an XML parser underneath) and Oxigraph read it as the graph
exported, and what RDF/XML cannot hold is refused in one line, never written wrong."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

import gulag_kg
from gulag_kg import export, rdfxml
from gulag_kg.errors import GulagKgError
from gulag_kg.export import export_file, serialize_quads
from gulag_kg.parsing import parse_bytes

EX = "http://example.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _ox(term):
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype) if term.datatype else None)
    return ox.NamedNode(str(term))


def rdflib_quads(data: bytes) -> list[ox.Quad]:
    graph = rdflib.Graph().parse(data=data, format="xml")
    return [ox.Quad(_ox(s), _ox(p), _ox(o)) for s, p, o in graph]


def test_rdflib_and_oxigraph_read_the_export_as_the_graph_exported(tmp_path):
    kg = gulag_kg.load()
    path = tmp_path / "gulag-kg.rdf"
    export_file(kg.store, "rdfxml", path)  # checked on the way: Oxigraph and expat read it back
    nt = kg.export("nt")
    data = path.read_bytes()
    assert data == kg.export("rdfxml")
    assert serialize_quads(rdflib_quads(data), "nt") == nt
    assert serialize_quads(parse_bytes(data, ox.RdfFormat.RDF_XML), "nt") == nt


def test_blank_nodes_languages_datatypes_and_carriage_returns_survive_rdflib():
    s, a, b = ox.NamedNode(EX + "s"), ox.BlankNode("a"), ox.BlankNode("b")
    p = ox.NamedNode(EX + "p")
    quads = [ox.Quad(s, p, a), ox.Quad(a, p, b), ox.Quad(b, p, a),
             ox.Quad(s, p, ox.Literal("Гла́вное", language="ru")),
             ox.Quad(s, p, ox.Literal("line\r\nbreak\rand <&> ]]>")),
             ox.Quad(s, p, ox.Literal("1934/1946", datatype=ox.NamedNode("http://id.loc.gov/datatypes/edtf/EDTF"))),
             ox.Quad(s, ox.NamedNode(RDF + "type"), ox.NamedNode(EX + "T")),
             ox.Quad(s, ox.NamedNode(RDF + "type"), ox.NamedNode(RDF + "Description"))]
    data = serialize_quads(quads, "rdfxml")
    assert b"&#13;" in data and b"\r" not in data
    assert serialize_quads(rdflib_quads(data), "nt") == serialize_quads(quads, "nt")
    assert serialize_quads(parse_bytes(data, ox.RdfFormat.RDF_XML), "nt") == serialize_quads(quads, "nt")


@pytest.mark.parametrize("quad, why", [
    (ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p/"), ox.Literal("x")), r"the predicate <http://example.org/p/>: it ends in no XML name"),
    (ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode("urn:x:1"), ox.Literal("x")), r"the predicate <urn:x:1>: it ends in no XML name"),
    (ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(RDF + "type"), ox.NamedNode(EX + "c/")), r"the class <http://example.org/c/>"),
    (ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(RDF + "li"), ox.Literal("x")), r"RDF/XML's own syntax names"),
    (ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode("http://www.w3.org/2000/xmlns/foo"), ox.Literal("x")), r"reserved by XML"),
    (ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("a\x01b")), r"a character XML 1.0 cannot carry"),
], ids=["slash", "urn", "class", "rdf-li", "xml-namespace", "control-character"])
def test_what_rdf_xml_cannot_hold_is_refused_in_one_line(quad, why, tmp_path):
    with pytest.raises(GulagKgError, match=rf"^cannot export as RDF/XML: [^\n]*{why}[^\n]*; export as Turtle or N-Triples$"):
        export_file([quad], "rdfxml", tmp_path / "x.rdf")
    assert list(tmp_path.iterdir()) == []
    assert serialize_quads([quad], "nt")  # the other formats hold it


def test_the_read_back_check_parses_the_file_as_xml(tmp_path, monkeypatch):
    """Without the up-front check, Oxigraph would write ``<oxprefix:>``, which Oxigraph reads
    but no XML parser does: export -o still writes nothing."""
    monkeypatch.setattr(rdfxml, "check", lambda lines: None)
    quads = [ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p/"), ox.Literal("x"))]
    assert parse_bytes(export.serialize_quads(quads, "rdfxml"), ox.RdfFormat.RDF_XML)  # Oxigraph is lenient
    with pytest.raises(GulagKgError, match="the rdfxml export does not parse back .*not well-formed XML"):
        export_file(quads, "rdfxml", tmp_path / "x.rdf")
    assert list(tmp_path.iterdir()) == []
