"""The JSON-LD export as web developers and other processors read it.

The export must be plain JSON to a reader who knows no JSON-LD (a claim is one object with its
evidence and quote), and exactly our graph to every JSON-LD processor: pyld and jsonld.js (from
``tests/js/jsonld``, installed by ``make jsdeps``), in JSON-LD 1.1 and in 1.0 processing mode,
with no network (a document loader that serves our bundled context and refuses anything else).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld as pyld

import gulag_kg
from gulag_kg import paths
from gulag_kg.errors import GulagKgError
from gulag_kg.export import export_file, serialize_quads
from gulag_kg.parsing import CONTEXT_IRI, parse_bytes

ROOT = Path(__file__).resolve().parent.parent
JSONLD_JS = ROOT / "tests" / "js" / "jsonld"
MODES = ("json-ld-1.0", "json-ld-1.1")
GK = "https://w3id.org/gulag-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
CLAIM = "https://w3id.org/gulag-kg/id/claim/"


def _context_document() -> dict:
    return json.loads(paths.context_path().read_text(encoding="utf-8"))


def _loader(url, options=None):
    if url != CONTEXT_IRI:
        raise RuntimeError(f"refused to load {url}: the tests never use the network")
    return {"contextUrl": None, "documentUrl": url, "document": _context_document()}


def pyld_quads(doc: dict, mode: str) -> list[ox.Quad]:
    nquads = pyld.to_rdf(doc, {"format": "application/n-quads", "processingMode": mode, "documentLoader": _loader})
    return list(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))


def jsonld_js_quads(path: Path, mode: str) -> list[ox.Quad]:
    assert (JSONLD_JS / "node_modules" / "jsonld").is_dir(), "jsonld.js is missing: run `make jsdeps`"
    done = subprocess.run(["node", str(JSONLD_JS / "to-nquads.mjs"), str(path), str(paths.context_path()), mode],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return list(ox.parse(done.stdout, format=ox.RdfFormat.N_QUADS))


def canonical(quads) -> bytes:
    """The graph's N-Triples export: equal bytes for isomorphic graphs (blank nodes relabelled)."""
    return serialize_quads(quads, "nt")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The JSON-LD export of the shipped graph (written by `export -o`, so read back checked)
    and the graph's N-Triples export."""
    kg = gulag_kg.load()
    path = tmp_path_factory.mktemp("jsonld") / "gulag-kg.jsonld"
    export_file(kg.store, "jsonld", path)
    return path, kg.export("nt")


# --- for people -------------------------------------------------------------------------------


def _references(value, found: list[str]) -> list[str]:
    """Every blank node a value points to by its id (not the ones written out in it)."""
    if isinstance(value, str) and value.startswith("_:"):
        found.append(value)
    elif isinstance(value, list):
        for v in value:
            _references(v, found)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "@id":
                _references(v, found)
    return found


def test_a_web_developer_reads_a_claim_and_its_quote_in_one_object(shipped):
    doc = json.loads(shipped[0].read_bytes())
    nodes = {node["@id"]: node for node in doc["@graph"]}
    claim = nodes["claim:existence-nkvd-1934-1946-wikipedia"]
    assert claim["type"] == "Claim" and claim["label"]["en"] == "NKVD existed 1934–1946"
    assert (claim["subject"], claim["property"], claim["value"]) == ("agency:nkvd", "gk:existence", {"@id": "agency:nkvd"})
    assert (claim["period"], claim["claimant"], claim["stance"]) == ("1934/1946", "source:wikipedia-en-gulag", "gkv:stance/asserted")
    [evidence] = claim["evidence"]
    assert evidence["hasSource"] == "source:wikipedia-en-gulag"
    quote = evidence["selector"]["quote"]
    assert "the NKVD (1934–1946)" in quote and quote in (ROOT / "sources" / "wikipedia-en-gulag.txt").read_text(encoding="utf-8")
    # Figures are JSON numbers.
    quantities = [node for node in doc["@graph"] if node.get("type") == "Claim" and "lower" in node]
    assert quantities and any(isinstance(node["lower"], int) for node in quantities)
    # Every claim carries its evidence and quotes; only blank nodes pointed to from several places
    # (or from none) stand at the top level.
    claims = [node for node in doc["@graph"] if node.get("type") == "Claim"]
    assert all(isinstance(e, dict) and "@id" in e for c in claims for e in c["evidence"] if not isinstance(e, str))
    references = _references(doc["@graph"], [])
    top_blank = [node["@id"] for node in doc["@graph"] if node["@id"].startswith("_:")]
    assert all(references.count(b) != 1 for b in top_blank)


# --- for processors -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_pyld_reads_the_export_as_the_graph_exported(shipped, mode):
    path, nt = shipped
    assert canonical(pyld_quads(json.loads(path.read_bytes()), mode)) == nt


@pytest.mark.parametrize("mode", MODES)
def test_jsonld_js_reads_the_export_as_the_graph_exported(shipped, mode):
    path, nt = shipped
    assert canonical(jsonld_js_quads(path, mode)) == nt


def _awkward() -> list[ox.Quad]:
    """Values that fit their term's coercion and values that do not."""
    s, b = ox.NamedNode(CLAIM + "c"), ox.BlankNode("e")

    def q(p, o, subject=s):
        return ox.Quad(subject, ox.NamedNode(p), o)

    def lit(text, datatype="string", language=None):
        return ox.Literal(text, language=language) if language else ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))

    edtf = ox.NamedNode("http://id.loc.gov/datatypes/edtf/EDTF")
    return [
        q("http://www.w3.org/2000/01/rdf-schema#label", lit("NKVD", language="en")),
        q("http://www.w3.org/2000/01/rdf-schema#label", lit("НКВД", language="ru")),
        q("http://www.w3.org/2000/01/rdf-schema#label", lit("untagged")),  # not for the language map
        q(GK + "qualifier", lit("in English", language="en")),
        q(GK + "qualifier", lit("по-русски", language="ru")),
        q(GK + "qualifier", lit("untagged")),
        q(GK + "period", ox.Literal("1934/1946", datatype=edtf)),
        q(GK + "period", lit("1934")),  # a string, not EDTF
        q(GK + "period", lit("1934", "gYear")),
        q(GK + "lowerBound", lit("1500000", "integer")),
        q(GK + "lowerBound", lit("007", "integer")),  # not canonical: no JSON number
        q(GK + "lowerBound", lit("12345678901234567890", "integer")),  # beyond a JSON number's precision
        q(GK + "lowerBound", lit("2.5", "decimal")),
        q(GK + "lowerBound", lit("1.5E0", "double")),
        q(GK + "oneValueAtATime", lit("true", "boolean")),
        q(GK + "oneValueAtATime", lit("1", "boolean")),
        q(GK + "subject", ox.NamedNode("https://w3id.org/gulag-kg/id/agency/nkvd")),
        q(GK + "subject", lit("agency:nkvd")),  # a string under an IRI term
        q(GK + "subject", lit("42", "integer")),
        q(GK + "value", ox.NamedNode("http://example.org/no/prefix")),
        q(GK + "evidence", b),
        q("http://www.w3.org/ns/oa#exact", lit("a quote \"with\" quotes\nand a newline"), b),
    ]


@pytest.mark.parametrize("mode", MODES)
def test_values_that_do_not_fit_their_term_are_written_in_full(mode, tmp_path):
    quads = _awkward()
    data = serialize_quads(quads, "jsonld")
    path = tmp_path / "awkward.jsonld"
    path.write_bytes(data)
    [node] = json.loads(data)["@graph"]
    assert node["label"] == {"en": "NKVD", "ru": "НКВД"} and node["rdfs:label"] == "untagged"
    assert node["qualifier"] == ["in English", {"@value": "untagged"}, {"@value": "по-русски", "@language": "ru"}]
    assert 1500000 in node["lower"] and {"@value": "007", "@type": "xsd:integer"} in node["lower"]
    assert node["oneValueAtATime"][1] is True
    expected = canonical(quads)
    assert canonical(parse_bytes(data, ox.RdfFormat.JSON_LD)) == expected
    assert canonical(pyld_quads(json.loads(data), mode)) == expected
    assert canonical(jsonld_js_quads(path, mode)) == expected


@pytest.mark.parametrize("mode", MODES)
def test_a_document_naming_the_context_by_its_iri_reads_alike_everywhere(mode, tmp_path):
    doc = {"@context": CONTEXT_IRI, "@id": "claim:x", "type": "Claim", "label": {"en": "x", "ru": "икс"},
           "lower": 5, "period": "1934/1946", "unit": "gkv:unit/people", "qualifier": "as stated",
           "evidence": [{"hasSource": "source:wikipedia-en-gulag", "selector": {"quote": "a quote"}}]}
    path = tmp_path / "x.jsonld"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    ours = parse_bytes(path.read_bytes(), ox.RdfFormat.JSON_LD)
    lines = canonical(ours).decode()
    assert f'<{CLAIM}x> <{GK}period> "1934/1946"^^<http://id.loc.gov/datatypes/edtf/EDTF> .' in lines
    assert f'<{CLAIM}x> <{GK}unit> <https://w3id.org/gulag-kg/vocab/unit/people> .' in lines
    assert f'<{CLAIM}x> <{GK}lowerBound> "5"^^<{XSD}integer> .' in lines
    assert f'<{CLAIM}x> <{GK}qualifier> "as stated"@en .' in lines
    assert len(ours) == 11
    assert canonical(pyld_quads(doc, mode)) == canonical(ours)
    assert canonical(jsonld_js_quads(path, mode)) == canonical(ours)


def test_the_context_is_json_ld_1_0():
    """A JSON-LD 1.0 processor refuses a context that declares 1.1 (as ours once did)."""
    context = _context_document()["@context"]
    assert "@version" not in context
    doc = {"@id": "claim:x", "type": "Claim"}
    assert pyld_quads({"@context": context, **doc}, "json-ld-1.0")
    with pytest.raises(pyld.JsonLdError):
        pyld_quads({"@context": {**context, "@version": 1.1}, **doc}, "json-ld-1.0")


def test_an_iri_no_json_ld_document_can_hold_is_refused_in_one_line(tmp_path):
    """``label:x`` reads as the term ``label`` with ``x`` after it in every JSON-LD processor."""
    quads = [ox.Quad(ox.NamedNode("label:x"), ox.NamedNode(GK + "subject"), ox.NamedNode(CLAIM + "c"))]
    with pytest.raises(GulagKgError, match=r"^the IRI <label:x> cannot be written in JSON-LD [^\n]*$"):
        export_file(quads, "jsonld", tmp_path / "x.jsonld")
    assert list(tmp_path.iterdir()) == []
    assert b"<label:x>" in serialize_quads(quads, "nt")  # the other formats hold it


def test_a_long_chain_of_blank_nodes_is_embedded_only_so_deep():
    """An RDF list of 30 items: nested at most MAX_DEPTH levels, the rest at the top level."""
    from gulag_kg.jsonld import MAX_DEPTH

    first, rest = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#first"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#rest")
    cells = [ox.BlankNode(f"c{i}") for i in range(30)]
    quads = [ox.Quad(ox.NamedNode(CLAIM + "c"), ox.NamedNode(GK + "value"), cells[0])]
    for i, cell in enumerate(cells):
        quads.append(ox.Quad(cell, first, ox.Literal(str(i), datatype=ox.NamedNode(XSD + "integer"))))
        if i + 1 < len(cells):
            quads.append(ox.Quad(cell, rest, cells[i + 1]))
    data = serialize_quads(quads, "jsonld")
    graph = json.loads(data)["@graph"]

    def depth(value) -> int:
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        return (isinstance(value, dict) and "@id" in value and len(value) > 1) + max(map(depth, children), default=0)

    assert max(depth(node) for node in graph) == MAX_DEPTH + 1  # the top-level node and MAX_DEPTH inside it
    assert len(graph) == 1 + (len(cells) - 1) // (MAX_DEPTH + 1)
    assert canonical(parse_bytes(data, ox.RdfFormat.JSON_LD)) == canonical(quads)
