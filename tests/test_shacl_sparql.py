"""The SPARQL engine (validate_store_sparql) gives pySHACL's report (validate_store).

Compared: every fixture, the shipped graph, a generated graph with planted defects of every kind
the shapes check (and the corner cases where Python and Oxigraph could part), and tiny shapes
for each constraint component. Unsupported shapes must fail loudly, before any query runs.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
import rdflib

import gulag_kg
from gulag_kg import validation
from gulag_kg.convert import quads_to_rdflib_graph
from gulag_kg.errors import GulagKgError
from gulag_kg.shacl_sparql import UnsupportedShapesError, compile_shapes, validate_store_sparql
from gulag_kg.store import Store
from gulag_kg.validation import Severity, validate_graph

from .conftest import DATA, expectations


@pytest.fixture(autouse=True, params=["exists", "set-joins"])
def join_mode(request, monkeypatch):
    """Every comparison runs twice: with EXISTS per node (the in-memory default) and with set
    joins (the on-disk default), whatever store the test builds."""
    from gulag_kg import shacl_sparql

    monkeypatch.setattr(shacl_sparql, "_prefers_set_joins", lambda store: request.param == "set-joins")
    return request.param


FIXTURES = sorted((DATA / "valid").glob("*.ttl")) + sorted((DATA / "invalid").glob("*.ttl")) + sorted((DATA / "warnings").glob("*.ttl"))


def validate_store(store: Store):
    """pySHACL's report, the reference (validation.validate_store as it stands: pySHACL on an
    rdflib copy of the union of the store's graphs)."""
    return validate_graph(quads_to_rdflib_graph(store.quads()))


def _keys(report) -> set[tuple]:
    return {(r.severity, r.focus, r.path, r.value, r.shape) for r in report.results}


# --- the shipped shapes ---------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_report_equals_pyshacl(path):
    store = gulag_kg.load([path], shipped=False).store
    ours = validate_store_sparql(store)
    assert ours == validate_store(store)
    # and it is the report the fixture states
    _conforms, expected = expectations(path)
    assert {(r.severity.value, r.focus if r.focus.startswith("http") else "_", r.shape or "_") for r in ours.results} == expected


def test_shipped_graph_report_equals_pyshacl(kg):
    ours = validate_store_sparql(kg.store)
    assert ours == validate_store(kg.store)
    assert ours.violations == 0 and ours.warnings > 0


# A generated graph: test data only (IRIs under id/test/, labels "Test ..."), in two named graphs,
# some statements in both. Each record is valid unless a defect is planted in it.
PREFIXES = """\
@prefix gk: <https://w3id.org/gulag-kg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> . @prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix edtf: <http://id.loc.gov/datatypes/edtf/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix schema: <https://schema.org/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix gkv: <https://w3id.org/gulag-kg/vocab/> . @prefix t: <https://w3id.org/gulag-kg/id/test/> .
"""
UNIT, STANCE, METHOD = "<https://w3id.org/gulag-kg/vocab/unit/people>", "<https://w3id.org/gulag-kg/vocab/stance/estimate>", "<https://w3id.org/gulag-kg/vocab/method/estimate>"
ROLE, SITE, WORK = "<https://w3id.org/gulag-kg/vocab/role/prisoner>", "<https://w3id.org/gulag-kg/vocab/site-type/itl>", "<https://w3id.org/gulag-kg/vocab/work-type/study>"
CURATOR = "<https://w3id.org/gulag-kg/id/agent/gulag-kg-curators>"


def _evidence(i: int, defect: str | None = None) -> str:
    selector = f'[ a oa:TextQuoteSelector ; oa:exact "Test quote {i}" ]'
    source = "oa:hasSource t:source"
    kind = "a oa:SpecificResource ; "
    if defect == "evidence-no-selector":
        return f"[ {kind}{source} ]"
    if defect == "evidence-empty-quote":
        selector = '[ a oa:TextQuoteSelector ; oa:exact "" ]'
    if defect == "evidence-fragment-without-value":
        selector = "[ a oa:FragmentSelector ]"
    if defect == "evidence-two-sources":
        source += " , t:other-source"
    if defect == "evidence-untyped":
        kind = ""
    return f"[ {kind}{source} ; oa:hasSelector {selector} ]"


def _records(rng: random.Random, i: int) -> list[tuple[str, str | None]]:
    """(Turtle statements, planted defect) for the records of round ``i``."""

    def pick(defects):
        return rng.choice(defects) if rng.random() < 0.45 else None

    out = []
    d = pick(["lat-out-of-range", "lat-ill-typed", "lat-as-string", "lat-double", "lat-without-long", "two-lats", "lat-nan"])
    lat = {"lat-out-of-range": "95.5", "lat-ill-typed": '"6O.5"^^xsd:decimal', "lat-as-string": '"60.5"', "lat-double": "6.05e1",
           "lat-nan": '"NaN"^^xsd:double', "two-lats": "60.5 , 61.5"}.get(d, f"{rng.randint(-89, 89)}.{rng.randint(0, 9)}")
    long = "" if d == "lat-without-long" else f" ; geo:long {rng.randint(-179, 179)}.5"
    out.append((f't:place-{i} a gk:Place ; rdfs:label "Test place {i}"@en ; geo:lat {lat}{long} ; gk:evidence {_evidence(i)} .', d))

    d = pick(["no-site-type", "site-type-not-in-scheme", "no-location", "label-en-gb", "two-english-labels", "no-label",
              "period-bad", "period-untyped", "period-newline", "sameas-wiki", "sameas-literal", "sameas-non-ascii",
              "evidence-no-selector", "evidence-empty-quote", "evidence-fragment-without-value", "evidence-two-sources", "evidence-untyped"])
    label = {"label-en-gb": '"Test camp {i}"@en-GB', "two-english-labels": '"Test camp {i}"@en , "Test camp {i} again"@en',
             "no-label": '"Test camp {i}"@ru'}.get(d, '"Test camp {i}"@en , "Тест {i}"@ru').format(i=i)
    site = {"no-site-type": "", "site-type-not-in-scheme": f" ; gk:siteType {ROLE}"}.get(d, f" ; gk:siteType {SITE}")
    location = "" if d == "no-location" else f" ; gk:location t:place-{i}"
    period = {"period-bad": '"1938-13"^^edtf:EDTF', "period-untyped": '"1938/1940"', "period-newline": '"1938\\n"^^edtf:EDTF'}.get(d, '"1937/1940"^^edtf:EDTF')
    same = {"sameas-wiki": " ; owl:sameAs <https://www.wikidata.org/wiki/Q1>", "sameas-literal": ' ; owl:sameAs "Q5"',
            "sameas-non-ascii": " ; owl:sameAs <http://www.wikidata.org/entity/Q١>"}.get(d, f" ; owl:sameAs <http://www.wikidata.org/entity/Q{100 + i}>")
    out.append((f"t:camp-{i} a gk:Camp ; rdfs:label {label}{site}{location} ; gk:period {period}{same} ; gk:evidence {_evidence(i, d)} .", d))

    d = pick(["no-role", "role-not-in-scheme", "blank-person", "evidence-no-selector"])
    role = {"no-role": "", "role-not-in-scheme": f" ; gk:role {SITE}"}.get(d, f" ; gk:role {ROLE}")
    subject = "[]" if d == "blank-person" else f"t:person-{i}"
    out.append((f'{subject} a gk:Person ; rdfs:label "Test person {i}"@en{role} ; gk:evidence {_evidence(i, d)} .', d))

    d = pick(["no-source", "lower-above-upper", "lower-ill-typed", "lower-double", "no-unit", "disputes-non-claim", "bad-rank",
              "period-reversed", "two-values", "no-value", "bad-stance", "claimant-literal", "stated-in-not-work", "two-methods",
              "evidence-empty-quote"])
    value = {"lower-above-upper": "gk:lowerBound 2000 ; gk:upperBound 1000", "lower-ill-typed": 'gk:lowerBound "1O00"^^xsd:decimal ; gk:upperBound 2000',
             "lower-double": "gk:lowerBound 1.5e3 ; gk:upperBound 2000.0", "two-values": "gk:value 10 , 20",
             "no-value": "gk:method " + METHOD}.get(d, f"gk:value {rng.randint(1, 10**6)}")
    extra = {"no-source": "", "disputes-non-claim": " ; gk:disputes t:camp-0", "stated-in-not-work": " ; gk:statedIn t:place-0",
             "two-methods": f" ; gk:method {METHOD} , <https://w3id.org/gulag-kg/vocab/method/archival-count>"}.get(d, "")
    source = "" if d == "no-source" else " ; prov:wasDerivedFrom t:source"
    unit = "" if d == "no-unit" else f" ; gk:unit {UNIT}"
    period = '"1950/1940"^^edtf:EDTF' if d == "period-reversed" else '"1938"^^edtf:EDTF'
    claimant = '"someone"' if d == "claimant-literal" else f"t:person-{i}"
    rank = "gk:TopRank" if d == "bad-rank" else "gk:NormalRank"
    stance = ROLE if d == "bad-stance" else STANCE
    out.append((f"t:claim-{i} a gk:Claim ; gk:subject t:camp-{i} ; gk:property gk:prisonerPopulation ; {value}{unit} ; "
                f"gk:period {period} ; gk:claimant {claimant} ; gk:rank {rank} ; gk:stance {stance}{source} ; "
                f"prov:wasAttributedTo {CURATOR}{extra} ; gk:evidence {_evidence(i, d)} .", d))

    d = pick(["date-gyear-garbage", "date-invalid-date", "date-string", "no-work-type", "author-literal"])
    published = {"date-gyear-garbage": '"19x3"^^xsd:gYear', "date-invalid-date": '"2021-02-29"^^xsd:date', "date-string": '"1973"'}.get(d, '"1973"^^xsd:gYear')
    work_type = "" if d == "no-work-type" else f" ; gk:workType {WORK}"
    author = ' ; schema:author "Test author"' if d == "author-literal" else f" ; schema:author t:person-{i}"
    out.append((f't:work-{i} a gk:Work ; rdfs:label "Test work {i}"@en{work_type} ; schema:datePublished {published}{author} ; gk:evidence {_evidence(i)} .', d))
    return out


def _planted_graph(seed: int, rounds: int) -> tuple[str, set[str]]:
    rng = random.Random(seed)
    graphs = {"a": [], "b": []}
    planted = set()
    for i in range(rounds):
        for statements, defect in _records(rng, i):
            planted.add(defect)
            where = rng.choice(["a", "b", "both"])
            for g in ("a", "b") if where == "both" else (where,):
                graphs[g].append(statements)
    graphs["a"].append('t:source a gk:SourceDocument ; rdfs:label "Test source"@en ; gk:workType <https://w3id.org/gulag-kg/vocab/work-type/report> ; gk:localCopy "tests/data/test.txt" .')
    graphs["b"].append('t:source gk:sha256 "ABC" .')  # not 64 lowercase hex digits
    text = PREFIXES + "".join(f"<https://w3id.org/gulag-kg/graph/test-{g}> {{\n" + "\n".join(body) + "\n}\n" for g, body in graphs.items())
    return text, planted - {None}


def test_generated_graph_with_planted_defects_report_equals_pyshacl(tmp_path):
    text, planted = _planted_graph(seed=7, rounds=60)
    path = tmp_path / "planted.trig"
    path.write_text(text, encoding="utf-8")
    store = gulag_kg.load([path], shipped=False).store
    ours = validate_store_sparql(store)
    theirs = validate_store(store)
    assert _keys(ours) == _keys(theirs)
    assert ours == theirs
    # the generator really planted what the shapes catch
    assert len(planted) > 40
    assert ours.violations > 60 and ours.warnings > 5
    # (the evidence shapes reached through sh:node report through ClaimShape-evidence and
    # EntityShape-evidence)
    assert len({r.shape for r in ours.results}) >= 25


# --- tiny shapes, one component at a time ----------------------------------------------------

TINY = """\
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/test/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""


def _store(data: str) -> Store:
    store = Store()
    # two graphs holding one triple each, and the rest twice: the union must not count twice
    for g in ("a", "b"):
        store.oxigraph.load(input=(TINY + data).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"http://example.org/graph/{g}"))
    store.oxigraph.add(ox.Quad(ox.NamedNode("http://example.org/test/extra"), ox.NamedNode(str(rdflib.RDFS.label)),
                               ox.Literal("Test extra", language="en"), ox.NamedNode("http://example.org/graph/a")))
    return store


def _both(monkeypatch, shapes: str, data: str):
    """(our report, pySHACL's report) for the shapes and data."""
    store = _store(data)
    monkeypatch.setattr(validation, "load_shapes_graph", lambda: rdflib.Graph().parse(data=TINY + shapes, format="turtle"))
    theirs = validate_store(store)
    ours = validate_store_sparql(store, shapes=rdflib.Graph().parse(data=TINY + shapes, format="turtle"))
    return ours, theirs


CASES = {
    "counts": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ; sh:message "2 to 3 p" ] ,
    [ sh:path ex:q ; sh:minCount 5 ; sh:message "5 q" ] , [ sh:path ex:r ; sh:maxCount 0 ; sh:message "no r" ] ,
    [ sh:path ex:s ; sh:maxCount 4 ; sh:message "4 s" ] .
""", """
ex:Sub rdfs:subClassOf ex:C . ex:SubSub rdfs:subClassOf ex:Sub .
ex:a a ex:C ; ex:p 1 . ex:b a ex:Sub ; ex:p 1, 2, 3, 4 ; ex:s 1, 2, 3, 4, 5 . ex:c a ex:C ; ex:p 1, 2 ; ex:q 1, 2, 3, 4, 5 ; ex:r 1 .
ex:d a ex:SubSub ; ex:p "1", 1 ; ex:s 1, 2, 3, 4 . ex:e ex:p 1 .
"""),
    "value-types": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:k ; sh:class ex:K ; sh:message "k" ] , [ sh:path ex:d ; sh:datatype xsd:decimal ; sh:message "d" ] ,
    [ sh:path ex:dt ; sh:datatype xsd:date ; sh:message "dt" ] , [ sh:path ex:b ; sh:datatype xsd:boolean ; sh:message "b" ] ,
    [ sh:path ex:y ; sh:datatype xsd:gYear ; sh:message "y" ] , [ sh:path ex:s ; sh:datatype xsd:string ; sh:message "s" ] ,
    [ sh:path ex:l ; sh:datatype rdf:langString ; sh:message "l" ] , [ sh:path ex:n ; sh:nodeKind sh:BlankNodeOrIRI ; sh:message "n" ] ,
    [ sh:path ex:i ; sh:datatype xsd:integer ; sh:message "i" ] , [ sh:path ex:lit ; sh:datatype rdfs:Literal ; sh:message "lit" ] .
""", """
ex:K2 rdfs:subClassOf ex:K . ex:k1 a ex:K . ex:k2 a ex:K2 .
ex:a a ex:C ; ex:k ex:k1, ex:k2, ex:k3, "k" ; ex:d 1.5, "abc"^^xsd:decimal, 2, "1e3"^^xsd:decimal, " 7"^^xsd:decimal, 1.5e0 ;
    ex:dt "2020-02-29"^^xsd:date, "2021-02-29"^^xsd:date, "2020-01-01Z"^^xsd:date, "0000-01-01"^^xsd:date, "12020-01-01"^^xsd:date, "2020-1-1"^^xsd:date ;
    ex:b true, "yes"^^xsd:boolean, "1"^^xsd:boolean ; ex:y "1973"^^xsd:gYear, "19x3"^^xsd:gYear ;
    ex:s "x", "x"@en, "x"^^xsd:string, 1 ; ex:l "x"@en, "x" ; ex:n [], ex:z, "n" ; ex:i 5, "5.0"^^xsd:integer, "+5"^^xsd:integer, "1_000"^^xsd:integer ;
    ex:lit ex:z, "z" .
"""),
    "strings": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:id ; sh:pattern "^Q[1-9][0-9]*$" ; sh:message "id" ] ,
    [ sh:path ex:ci ; sh:pattern "^abc" ; sh:flags "i" ; sh:message "ci" ] , [ sh:path ex:look ; sh:pattern "^(?!bad).*$" ; sh:message "look" ] ,
    [ sh:path ex:dig ; sh:pattern "^\\\\d+$" ; sh:message "dig" ] ,
    [ sh:path ex:len ; sh:minLength 2 ; sh:maxLength 4 ; sh:message "len" ] , [ sh:path ex:lab ; sh:languageIn ( "en" "DE" ) ; sh:message "lab" ] ,
    [ sh:path ex:u ; sh:uniqueLang true ; sh:message "u" ] , [ sh:path ex:nu ; sh:uniqueLang false ; sh:message "nu" ] .
""", """
ex:a a ex:C ; ex:id "Q1", "Q01", "Q1\\n", "Qé", ex:Q5, [] ; ex:ci "ABCd", "xabc" ; ex:look "good", "badx" ; ex:dig "12", "١٢", "1a" ;
    ex:len "a", "ab", "abcde", "é", 12345, [] ; ex:lab "x"@en, "y"@en-GB, "z"@de-AT, "w"@fr, "v", ex:iri ;
    ex:u "a"@en, "b"@en, "c"@de ; ex:nu "a"@en, "b"@en .
ex:b a ex:C ; ex:u "a"@en, "b"@en-gb, "c" , "d" .
"""),
    "ranges": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:lat ; sh:minInclusive -90 ; sh:maxInclusive 90 ; sh:message "lat" ] ,
    [ sh:path ex:x ; sh:minExclusive 0.5 ; sh:maxExclusive 10 ; sh:message "x" ] ,
    [ sh:path ex:day ; sh:minInclusive "2000-01-01"^^xsd:date ; sh:message "day" ] , [ sh:path ex:word ; sh:maxInclusive "m" ; sh:message "word" ] .
""", """
ex:a a ex:C ; ex:lat 45, 90, 90.5, -91, "abc", "10"^^xsd:double, "NaN"^^xsd:double, ex:iri, [], "5"@en, "6O"^^xsd:decimal ;
    ex:x 0.5, 0.6, 10, 1e0, "3"^^xsd:float ; ex:day "1999-12-31"^^xsd:date, "2000-01-01"^^xsd:date, "2020-02-30"^^xsd:date, "2001"^^xsd:gYear ;
    ex:word "a", "z", "m", "b"@en, 5 .
"""),
    "pairs": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:start ; sh:lessThanOrEquals ex:end ; sh:message "order" ] .
""", """
ex:n1 a ex:C ; ex:start 1 ; ex:end 2 . ex:n2 a ex:C ; ex:start 3 ; ex:end 2 . ex:n3 a ex:C ; ex:start 1 ; ex:end 1.0 .
ex:n4 a ex:C ; ex:start 2.5e0 ; ex:end 2 . ex:d1 a ex:C ; ex:start "1940-01-01"^^xsd:date ; ex:end "1939-12-31"^^xsd:date .
ex:d2 a ex:C ; ex:start "1930-01-01"^^xsd:date ; ex:end "1939-12-31"^^xsd:date , "1920-01-01"^^xsd:date .
ex:s1 a ex:C ; ex:start "a" ; ex:end "b" . ex:s2 a ex:C ; ex:start "b" ; ex:end "a" . ex:m1 a ex:C ; ex:start "1940-01-01"^^xsd:date ; ex:end 1950 .
ex:i1 a ex:C ; ex:start ex:a ; ex:end ex:b . ex:i2 a ex:C ; ex:start ex:b ; ex:end "a" . ex:x1 a ex:C ; ex:start "5" ; ex:end 6 .
ex:b1 a ex:C ; ex:start "2020-02-30"^^xsd:date ; ex:end "2021-01-01"^^xsd:date . ex:o1 a ex:C ; ex:start 1 .
"""),
    "in-and-has-value": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:r ; sh:in ( ex:A ex:B "x" 1 "y"@EN "z"^^xsd:string ) ; sh:message "in" ] ,
    [ sh:path ex:h ; sh:hasValue ex:H ; sh:message "h" ] , [ sh:path ex:hl ; sh:hasValue "v"@en ; sh:message "hl" ] .
ex:T sh:targetNode ex:n1, ex:n2, "lit" ; sh:hasValue ex:n1 ; sh:message "only n1" .
ex:U sh:targetNode ex:n1, ex:n2 ; sh:in ( ex:n2 ) ; sh:message "only n2" .
""", """
ex:a a ex:C ; ex:r ex:A, ex:X, "x", "x"@en, 1, "01"^^xsd:integer, "y"@en, "z" ; ex:h ex:H, ex:I ; ex:hl "v"@en .
ex:b a ex:C ; ex:h ex:I ; ex:hl "v", "v"@EN-GB .
"""),
    "logic": ("""
ex:S sh:targetClass ex:C ;
    sh:or ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] ) ; sh:message "p or q" ;
    sh:property [ sh:path ex:v ; sh:or ( [ sh:datatype xsd:integer ] [ sh:datatype xsd:decimal ] [ sh:class ex:K ] ) ; sh:message "v" ] ,
        [ sh:path ex:w ; sh:or ( [ sh:datatype xsd:integer ; sh:severity sh:Warning ] [ sh:datatype xsd:decimal ] ) ; sh:message "w" ] ,
        [ sh:path ex:ev ; sh:node ex:Ev ; sh:message "ev" ] ,
        [ sh:path ex:lab ; sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ; sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ; sh:message "one en" ] ,
        [ sh:path ex:many ; sh:qualifiedValueShape [ sh:class ex:K ] ; sh:qualifiedMinCount 4 ; sh:qualifiedMaxCount 5 ; sh:message "4-5 K" ] ,
        [ sh:path ex:role ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "role" ;
            sh:property [ sh:path ex:scheme ; sh:hasValue ex:Roles ; sh:message "role scheme" ] ] ,
        [ sh:path ex:off ; sh:minCount 1 ; sh:deactivated true ; sh:message "off" ] .
ex:Ev a sh:NodeShape ; sh:class ex:E ; sh:message "ev class" ;
    sh:property [ sh:path ex:src ; sh:minCount 1 ; sh:message "src" ] , [ sh:path ex:note ; sh:minCount 1 ; sh:severity sh:Info ; sh:message "note" ] ;
    sh:property [ sh:path ex:sel ; sh:node ex:Sel ; sh:message "sel" ] .
ex:Sel a sh:NodeShape ; sh:property [ sh:path ex:exact ; sh:minCount 1 ; sh:minLength 1 ; sh:message "exact" ] .
ex:Implicit a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:message "implicit" ] .
""", """
ex:K2 rdfs:subClassOf ex:K . ex:k1 a ex:K . ex:k2 a ex:K2 . ex:k3 a ex:K . ex:k4 a ex:K . ex:k5 a ex:K . ex:k6 a ex:K .
ex:a a ex:C ; ex:p 1 ; ex:v 1, 1.5, "x", ex:k1, ex:z ; ex:w 1, "x" ; ex:lab "a"@en ; ex:many ex:k1, ex:k2, ex:k3, ex:k4, ex:z ;
    ex:role ex:r1 ; ex:ev [ a ex:E ; ex:src ex:s ; ex:note "n" ] .
ex:b a ex:C ; ex:lab "a"@en, "b"@en-GB ; ex:many ex:k1, ex:k2, ex:k3, ex:k4, ex:k5, ex:k6 ; ex:role ex:r2 ;
    ex:ev [ a ex:E ; ex:note "n" ] , [ ex:src ex:s ; ex:note "n" ; ex:sel [ ex:exact "" ] ] , [ a ex:E ; ex:src ex:s ] .
ex:c a ex:C , ex:Implicit ; ex:q 1 ; ex:p 1, 2 ; ex:lab "a"@de ; ex:many ex:k1 .
ex:r1 ex:scheme ex:Roles . ex:r2 ex:scheme ex:Other .
"""),
    "paths": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:loc ex:lat ) ; sh:minCount 1 ; sh:datatype xsd:decimal ; sh:message "seq" ] ,
    [ sh:path [ sh:inversePath ex:member ] ; sh:class ex:Group ; sh:message "inv" ] ,
    [ sh:path [ sh:alternativePath ( ex:name ex:alias ) ] ; sh:minCount 2 ; sh:message "alt" ] ,
    [ sh:path [ sh:zeroOrMorePath ex:part ] ; sh:class ex:C ; sh:message "star" ] ,
    [ sh:path [ sh:oneOrMorePath ex:next ] ; sh:maxCount 2 ; sh:message "plus" ] ,
    [ sh:path [ sh:zeroOrOnePath ex:up ] ; sh:nodeKind sh:IRI ; sh:message "opt" ] .
ex:Subjects sh:targetSubjectsOf ex:tag ; sh:nodeKind sh:IRI ; sh:message "subject IRI" .
ex:Objects sh:targetObjectsOf ex:tag ; sh:nodeKind sh:IRI ; sh:message "object IRI" .
""", """
ex:a a ex:C ; ex:loc ex:l1, ex:l2 ; ex:name "A" ; ex:alias "Alpha" ; ex:part ex:b ; ex:next ex:n1 ; ex:up ex:a2 ; ex:tag "t", ex:t .
ex:l1 ex:lat 1.5 . ex:l2 ex:lat "x" . ex:g1 a ex:Group ; ex:member ex:a . ex:g2 ex:member ex:a .
ex:b a ex:C ; ex:name "B" ; ex:part ex:x, [ a ex:C ] ; ex:next ex:n1 . ex:n1 ex:next ex:n2 . ex:n2 ex:next ex:n3 ; ex:up "up" .
ex:x ex:part ex:y . [] ex:tag ex:t .
"""),
    "blank-node-subclass": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:k ; sh:class ex:K ; sh:message "k" ] .
""", """
_:x rdfs:subClassOf ex:C . _:y rdfs:subClassOf ex:K . ex:a a _:x ; ex:k ex:k1, ex:k2 . ex:k1 a _:y . ex:b a ex:C ; ex:k ex:k1, ex:k3, "k" .
"""),
    "generic-messages": ("""
ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:d ; sh:datatype xsd:integer ] , [ sh:path ex:k ; sh:class ex:K ] ,
    [ sh:path ex:id ; sh:pattern "^Q" ] , [ sh:path ex:n ; sh:nodeKind sh:Literal ] , [ sh:path ex:lab ; sh:languageIn ( "en" ) ] ,
    [ sh:path ex:u ; sh:uniqueLang true ] , [ sh:path ex:x ; sh:maxInclusive 5 ] , [ sh:path ex:ev ; sh:node ex:Ev ] ,
    [ sh:path ex:q ; sh:qualifiedValueShape [ sh:class ex:K ] ; sh:qualifiedMinCount 1 ] .
ex:Ev sh:class ex:K ; sh:message "not a K" .
""", """
ex:a a ex:C ; ex:d "x" ; ex:k ex:z ; ex:id "R" ; ex:n ex:z ; ex:lab "a"@fr ; ex:u "a"@en, "b"@en ; ex:x 6 ; ex:ev ex:z ; ex:q ex:z .
"""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tiny_shapes_report_equals_pyshacl(monkeypatch, name):
    shapes, data = CASES[name]
    ours, theirs = _both(monkeypatch, shapes, data)
    assert ours == theirs
    assert len(ours.results) >= 3  # every case has violations to find


def test_counts_count_distinct_values_over_the_union_of_graphs(monkeypatch):
    ours, _theirs = _both(monkeypatch, *CASES["counts"])
    failing = {(r.message, r.focus.rsplit("/", 1)[-1]) for r in ours.results}
    # every triple is in two graphs: ex:c has 2 values of ex:p, not 4; ex:e is no instance
    assert ("2 to 3 p", "c") not in failing and ("2 to 3 p", "b") in failing and ("2 to 3 p", "a") in failing
    assert ("4 s", "b") in failing and ("4 s", "d") not in failing
    assert not any(focus == "e" for _m, focus in failing)


def test_python_decides_where_sparql_and_rdflib_could_part(monkeypatch):
    ours, _theirs = _both(monkeypatch, *CASES["strings"])
    by_message = {}
    for r in ours.results:
        by_message.setdefault(r.message, set()).add(r.value)
    # Python's $ matches before a final newline; \d matches Arabic-Indic digits; look-ahead works
    assert "Q1\n" not in by_message["id"] and {"Q01", "Qé", "http://example.org/test/Q5"} <= by_message["id"]
    assert by_message["dig"] == {"1a"}
    assert by_message["look"] == {"badx"}
    # pySHACL compares the primary subtag only: en-GB and de-AT are in ("en" "DE")
    assert by_message["lab"] == {"w", "v", "http://example.org/test/iri"}


def test_nested_shapes_are_checked_not_reported(monkeypatch):
    ours, _theirs = _both(monkeypatch, *CASES["logic"])
    messages = {r.message for r in ours.results}
    # a value that fails sh:node is one result of the shape pointing to it, none of the nested
    # shape's own constraints (SHACL: only shapes reached from a target or sh:property report)
    assert "ev" in messages and not {"ev class", "src", "sel", "exact", "note"} & messages
    assert {r.focus.rsplit("/", 1)[-1] for r in ours.results if r.message == "ev"} == {"b"}
    assert "off" not in messages
    # a result of any severity makes a member of sh:or fail: "x" fails [integer (Warning) or decimal]
    assert {r.value for r in ours.results if r.message == "w"} == {"x"}
    # the nested property shape of a Warning shape reports Violations of its own
    roles = {(r.severity, r.message, r.focus.rsplit("/", 1)[-1]) for r in ours.results if r.message.startswith("role")}
    assert roles == {(Severity.VIOLATION, "role scheme", "r2"), (Severity.WARNING, "role", "c")}


def test_complex_paths_are_named_path_in_results(monkeypatch):
    ours, _theirs = _both(monkeypatch, *CASES["paths"])
    assert {r.path for r in ours.results if r.message in ("seq", "inv", "alt", "star", "plus")} == {"(path)"}
    assert ("(blank node)", "t") in {(r.focus, r.value) for r in ours.results if r.message == "subject IRI" or r.message == "object IRI"}


def test_compiled_shapes_can_be_reused_across_stores():
    compiled = compile_shapes(validation.load_shapes_graph())
    for path in FIXTURES[:4]:
        store = gulag_kg.load([path], shipped=False).store
        assert validate_store_sparql(store, shapes=compiled) == validate_store(store)


# --- what it does not compile ---------------------------------------------------------------

UNSUPPORTED = {
    "closed": ("ex:S sh:targetClass ex:C ; sh:closed true ; sh:property [ sh:path ex:p ; sh:message \"m\" ] .", "sh:closed"),
    "not": ("ex:S sh:targetClass ex:C ; sh:not [ sh:class ex:D ] ; sh:message \"m\" .", "sh:not"),
    "and": ("ex:S sh:targetClass ex:C ; sh:and ( [ sh:class ex:D ] ) ; sh:message \"m\" .", "sh:and"),
    "equals": ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ; sh:message \"m\" ] .", "sh:equals"),
    "sparql": ("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this WHERE {}\" ] .", "sh:sparql"),
    "disjoint-qualified": ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
                           "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ; sh:message \"m\" ] .", "sh:qualifiedValueShapesDisjoint"),
    "custom-severity": ("ex:S sh:targetClass ex:C ; sh:severity ex:Fatal ; sh:nodeKind sh:IRI ; sh:message \"m\" .", "severity"),
    "recursion": ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:S ; sh:message \"m\" ] .", "refers to itself"),
    "message-needs-data": ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", "sh:message"),
    "count-on-node-shape": ("ex:S sh:targetClass ex:C ; sh:minCount 1 ; sh:message \"m\" .", "sh:minCount"),
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_shapes_fail_loudly_naming_the_term(name):
    shapes, term = UNSUPPORTED[name]
    graph = rdflib.Graph().parse(data=TINY + shapes, format="turtle")
    with pytest.raises(UnsupportedShapesError) as info:
        compile_shapes(graph)
    assert isinstance(info.value, GulagKgError)
    assert term in str(info.value)
    # and validation refuses before it could report a false "conforms"
    with pytest.raises(UnsupportedShapesError):
        validate_store_sparql(_store("ex:a a ex:C ; ex:p 1 ."), shapes=graph)


def test_unreachable_shapes_do_not_matter():
    # a shape no target reaches is never evaluated, by pySHACL either
    graph = rdflib.Graph().parse(data=TINY + "ex:Loose sh:not [ sh:class ex:D ] .\nex:S sh:targetClass ex:C ; sh:nodeKind sh:Literal ; sh:message \"m\" .", format="turtle")
    report = validate_store_sparql(_store("ex:a a ex:C ."), shapes=graph)
    assert [(r.focus, r.message) for r in report.results] == [("http://example.org/test/a", "m")]


def test_error_names_a_blank_node_shape_by_its_path():
    graph = rdflib.Graph().parse(data=TINY + "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:lessThan ex:q ; sh:message \"m\" ] .", format="turtle")
    with pytest.raises(UnsupportedShapesError, match=r"sh:path.*ex:p|test/p"):
        compile_shapes(graph)


def test_validation_leaves_the_store_unchanged():
    store = gulag_kg.load([DATA / "invalid" / "Claim-no-source.ttl"], shipped=False).store
    before = set(store.quads())
    validate_store_sparql(store)
    assert set(store.quads()) == before


# --- a generated graph of 100,000 triples (bench/generate.py), on disk --------------------------


@pytest.fixture(scope="module")
def generated_100k(tmp_path_factory):
    """100k triples of synthetic Gulag-shaped data with 20 planted defects, bulk-loaded into an
    on-disk store as `gulag-kg load` does, and pySHACL's report on it (the reference)."""
    import importlib.util
    import sys
    from pathlib import Path

    from gulag_kg.bulk import load_files

    bench = Path(__file__).resolve().parents[1] / "bench"
    spec = importlib.util.spec_from_file_location("bench_generate", bench / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate
    spec.loader.exec_module(generate)
    tmp = tmp_path_factory.mktemp("generated-100k")
    manifest = generate.generate(tmp / "synthetic.nt", size=100_000, seed=7)
    store = Store(tmp / "store")
    load_files(store, [tmp / "synthetic.nt"])
    return store, validate_store(store), manifest


def test_generated_100k_graph_on_disk_equals_pyshacl_and_the_planted_defects(generated_100k, join_mode):
    store, reference, manifest = generated_100k
    ours = validate_store_sparql(store)
    assert ours == reference
    assert ours.violations == manifest.expected_violations > 0
    assert {(r.severity.value, r.focus if r.focus != "(blank node)" else "_", r.shape or "_")
            for r in ours.results} == manifest.expected_results()
