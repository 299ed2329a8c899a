"""The shapes mean the same in every SHACL engine: pySHACL, our SPARQL engine, rudof (pyrudof)
and rdf-validate-shacl (npm, tests/js/shacl, installed by `make jsdeps`) give the same results on
every fixture of tests/data and on the shipped graph.

Each engine gets what ``gulag-kg validate`` validates: the shapes graph is shapes/*.shacl.ttl
alone, and the data graph is the data with the ontology (class hierarchy and SKOS schemes, which
SHACL looks up in the data graph) and the derived graph (the period bounds that two shapes
compare: docs/shapes.md), all named graphs merged. A result is compared as (focus node, path,
constraint component, severity), blank nodes as ``_`` and complex paths as ``(path)``, and the
results as sets; ``conforms`` must be SHACL's (no result at all) in every engine.

A known bug of an engine is recorded in KNOWN_BUGS, by engine and case with its reason, and runs
as a strict xfail: it fails the suite the day the engine is fixed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pyoxigraph as ox
import pyrudof
import pytest
import rdflib

import gulag_kg
from gulag_kg.convert import quads_to_rdflib_graph
from gulag_kg.namespaces import PREFIXES
from gulag_kg.shacl_sparql import validate_store_sparql
from gulag_kg.store import DERIVED_GRAPH
from gulag_kg.validation import load_shapes_graph, validate_graph

from .conftest import DATA, ROOT

SH = "http://www.w3.org/ns/shacl#"
JS_DIR = ROOT / "tests" / "js" / "shacl"
FIXTURES = {f"{p.parent.name}/{p.stem}": p for kind in ("valid", "invalid", "warnings") for p in sorted((DATA / kind).glob("*.ttl"))}
SHIPPED = "shipped graph"
CASES = [*FIXTURES, SHIPPED]
ENGINES = ("pyshacl", "rudof", "rdf-validate-shacl")  # each compared with our SPARQL engine

#: (engine, case) -> why that engine's answer is wrong there. None known today.
KNOWN_BUGS: dict[tuple[str, str], str] = {}

Key = tuple[str, str, str, str]


_IRI = re.compile(r"[a-z]+://[^\s<>\"{}|\\^`()*+?!/]+(/[^\s<>\"{}|\\^`()*+?!/]*)*")


def _path(text: str | None) -> str:
    """A result path as full IRI, "" for none, "(path)" for a complex path (a sequence, an
    inverse...), however the engine writes it: our prefixed name, rudof's "(a / b)", "^a"..."""
    if not text:
        return ""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if _IRI.fullmatch(text):
        return text
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and _IRI.fullmatch(PREFIXES[prefix] + local):
        return PREFIXES[prefix] + local
    return "(path)"


def _severity(text: str) -> str:
    return text if text.startswith(SH) else SH + text


def _keys(report) -> set[Key]:
    """Our ValidationReport (pySHACL's or the SPARQL engine's) as comparable keys."""
    return {(r.focus if r.focus.startswith("http") else "_", _path(r.path), r.component, _severity(r.severity.value))
            for r in report.results}


@pytest.fixture(scope="module")
def stores(kg):
    """Each case's store, as ``gulag-kg validate`` loads it: data, ontology, derived graph."""
    out = {name: gulag_kg.load([path], shipped=False).store for name, path in FIXTURES.items()}
    out[SHIPPED] = kg.store
    return out


@pytest.fixture(scope="module")
def shapes_turtle() -> str:
    return load_shapes_graph().serialize(format="turtle")


@pytest.fixture(scope="module")
def data_graphs(stores) -> dict[str, str]:
    """The union of each store's named graphs as N-Triples (a triple in two graphs is one)."""
    return {name: ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()],
                               format=ox.RdfFormat.N_TRIPLES).decode()
            for name, store in stores.items()}


@pytest.fixture(scope="module")
def ours(stores) -> dict[str, set[Key]]:
    return {name: _keys(validate_store_sparql(store)) for name, store in stores.items()}


def _run_rdf_validate_shacl(shapes_turtle: str, data_graphs: dict[str, str]) -> dict[str, tuple[bool, set[Key]]]:
    """Every data graph against the shapes in one node process (tests/js/shacl/validate.mjs)."""
    node = shutil.which("node")
    assert node, "node is needed (Debian package nodejs) for rdf-validate-shacl"
    assert (JS_DIR / "node_modules" / "rdf-validate-shacl").is_dir(), "run `make jsdeps` (make test does)"
    done = subprocess.run([node, str(JS_DIR / "validate.mjs")], input=json.dumps({"shapes": shapes_turtle, "cases": data_graphs}),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    reports = json.loads(done.stdout)
    return {name: (r["conforms"], {(focus, _path(path), component, _severity(severity)) for focus, path, component, severity in r["results"]})
            for name, r in reports.items()}


@pytest.fixture(scope="module")
def rdf_validate_shacl(shapes_turtle, data_graphs) -> dict[str, tuple[bool, set[Key]]]:
    return _run_rdf_validate_shacl(shapes_turtle, data_graphs)


def _rudof(shapes_turtle: str, ntriples: str) -> tuple[bool, set[Key]]:
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(ntriples, format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes_turtle, format=pyrudof.ShaclFormat.Turtle)
    report = rudof.validate_shacl()
    return report.conforms, {(e.focus_node if e.focus_node.startswith("http") else "_", _path(e.path), e.constraint_component,
                              _severity(e.severity)) for e in report}


def _answer(engine: str, case: str, stores, shapes_turtle, data_graphs, request) -> tuple[bool, set[Key]]:
    if engine == "pyshacl":
        report = validate_graph(quads_to_rdflib_graph(stores[case].quads()))
        return report.conforms, _keys(report)
    if engine == "rudof":
        return _rudof(shapes_turtle, data_graphs[case])
    return request.getfixturevalue("rdf_validate_shacl")[case]


def _params():
    for case in CASES:
        for engine in ENGINES:
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[engine, case])] if (engine, case) in KNOWN_BUGS else []
            yield pytest.param(engine, case, id=f"{engine}-{case}", marks=marks)


@pytest.mark.parametrize(("engine", "case"), list(_params()))
def test_engine_gives_our_results(engine, case, stores, shapes_turtle, data_graphs, ours, request):
    conforms, results = _answer(engine, case, stores, shapes_turtle, data_graphs, request)
    assert results == ours[case]
    assert conforms is (not results)


def test_the_cases_have_results_to_agree_on(ours):
    """Every invalid and warnings fixture has results, the valid one none, the shipped graph
    warnings only: agreement on empty reports would prove nothing."""
    assert ours["valid/claim-complete"] == set()
    assert all(ours[name] for name in FIXTURES if not name.startswith("valid/"))
    assert ours[SHIPPED] and {severity for *_rest, severity in ours[SHIPPED]} == {SH + "Warning"}


def test_without_the_derived_graph_the_reversed_period_goes_unseen(stores):
    """Why the data graph includes the derived graph: the shapes that compare a period's bounds
    read gk:periodStart/gk:periodEnd, which only the derivation step computes."""
    quads = [q for q in stores["invalid/Claim-period-reversed"].quads() if q.graph_name != DERIVED_GRAPH]
    assert validate_graph(quads_to_rdflib_graph(quads)).results == ()


#: Tiny shapes of tests/test_shacl_sparql.py (one component at a time) that every engine must read
#: as we do: sh:node, sh:or with a Warning member, qualified value shapes, nested property shapes
#: of a Warning shape, sh:deactivated, implicit class targets ("logic"); complex paths ("paths");
#: counts over the union of named graphs ("counts").
TINY_CASES = ("logic", "paths", "counts")
#: Tiny cases where the engines part, and why (each a strict xfail, for both other engines).
TINY_DIFFERENCES = {
    "pairs": "sh:lessThanOrEquals on values that cannot be compared: SHACL makes every such pair a result; "
             "pySHACL (and so our engine) reports an IRI against a literal but neither a date against a number "
             "nor two IRIs, rudof the date against the number only, rdf-validate-shacl all three as SHACL says. "
             "The shapes compare only derived xsd:date bounds and numeric bounds "
             "whose datatype the same shapes check.",
}


def _tiny_params():
    for name in TINY_CASES:
        yield pytest.param(name, id=name)
    for name, reason in TINY_DIFFERENCES.items():
        yield pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize("name", list(_tiny_params()))
def test_tiny_shapes_mean_the_same_in_every_engine(name):
    """rudof and rdf-validate-shacl give our report (which pySHACL's equals there:
    tests/test_shacl_sparql.py), so none of our readings of SHACL is ours alone."""
    from .test_shacl_sparql import CASES, TINY, _store

    shapes, data = CASES[name]
    graph = rdflib.Graph().parse(data=TINY + shapes, format="turtle")
    store = _store(data)
    ours = _keys(validate_store_sparql(store, shapes=graph))
    shapes_turtle = graph.serialize(format="turtle")
    ntriples = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()], format=ox.RdfFormat.N_TRIPLES).decode()
    assert len(ours) > 5
    assert _rudof(shapes_turtle, ntriples) == (False, ours)
    assert _run_rdf_validate_shacl(shapes_turtle, {name: ntriples})[name] == (False, ours)
