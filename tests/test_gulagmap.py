"""Tests of the gulagmap 2018 importer, on a small real excerpt, a broken copy and the full data.

The excerpt and the broken copy are in tests/data/gulagmap-2018/ (attribution in their READMEs);
the full data set is read from ../shared/data/gulagmap-2018 beside the repository (CI has it).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from gulag_kg.importers.core import FileCount, ImportDataError as GulagmapError, Rejection
from gulag_kg.importers.gulagmap import ACTIVITIES, SITE_TYPES, import_gulagmap
from gulag_kg.importers.gulagmap2018 import GRAPH_IRI, README_QUOTES, SOURCE
from gulag_kg.importers.matching import CampMatch, format_match_report, match_article_camps
from gulag_kg.namespaces import EDTF, GEO, GK, ID, OA, PROV, SCHEMA, VOCAB

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "gulagmap"
EXCERPT = DATA / "excerpt"
BROKEN = DATA / "broken"
FULL = Path(__file__).parents[1].parent / "shared/data/gulagmap-2018"
TODAY = date(2025, 6, 1)
TOOL = "0.1.0-test"
RFC7111 = URIRef("http://tools.ietf.org/rfc/rfc7111")


def camp(n: int) -> URIRef:
    return ID[f"camp/gulagmap-{n}"]


def location(n: int) -> URIRef:
    return ID[f"place/gulagmap-location-{n}"]


def claim(camp_id: int, year: int, stat: int) -> URIRef:
    return ID[f"claim/prisoner-population-gulagmap-2018-{camp_id}-{year}-{stat}"]


def activity_iri(day: date) -> URIRef:
    return SOURCE.activity(day)


def article(slug: str) -> URIRef:
    return ID[f"camp/{slug}"]


def labels(g: rdflib.Graph, node: URIRef, lang: str, predicate=RDFS.label) -> list[str]:
    return sorted(str(o) for o in g.objects(node, predicate) if isinstance(o, Literal) and o.language == lang)


def evidence_rows(g: rdflib.Graph, node: URIRef) -> list[tuple[URIRef, str]]:
    """(source, rdf:value) of every RFC 7111 fragment selector in the node's evidence."""
    rows = []
    for ev in g.objects(node, GK.evidence):
        for sel in g.objects(ev, OA.hasSelector):
            if (sel, DCTERMS.conformsTo, RFC7111) in g:
                rows.append((g.value(ev, OA.hasSource), str(g.value(sel, RDF.value))))
    return rows


ARTICLE_TTL = """
@prefix gk:     <https://w3id.org/gulag-kg/ontology#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix edtf:   <http://id.loc.gov/datatypes/edtf/> .
@prefix camp:   <https://w3id.org/gulag-kg/id/camp/> .
@prefix place:  <https://w3id.org/gulag-kg/id/place/> .
@prefix agency: <https://w3id.org/gulag-kg/id/agency/> .
@prefix claim:  <https://w3id.org/gulag-kg/id/claim/> .
@prefix sitetype: <https://w3id.org/gulag-kg/vocab/site-type/> .

camp:norillag a gk:CampAdministration ; rdfs:label "Norillag"@en ; gk:location place:norilsk .
camp:sevvostlag a gk:CampAdministration ; rdfs:label "Sevvostlag"@en ; gk:location place:kolyma-river .
camp:vorkutlag a gk:CampAdministration ; rdfs:label "Vorkutlag"@en , "Воркутлаг"@ru .
camp:steplag a gk:Camp ; rdfs:label "Steplag"@en ; gk:location place:kazakhstan .
camp:luglag a gk:Camp ; rdfs:label "Luglag"@en ; gk:location place:kazakhstan .
camp:peschanlag a gk:Camp ; rdfs:label "Peschanlag"@en ; gk:location place:kazakhstan .
camp:pechorlag a gk:CampAdministration ; rdfs:label "Pechorlag"@en ; gk:location place:pechora .
claim:head-pechorlag-test a gk:Claim ; gk:subject camp:pechorlag ; gk:property gk:head ; gk:period "1940/1946"^^edtf:EDTF .
camp:omsuchkan a gk:Camp ; rdfs:label "Omsuchkan"@en ; gk:location place:magadan .
camp:solovki a gk:Camp ; rdfs:label "Solovki prison camp"@en ; skos:altLabel "Solovki"@en ; gk:location place:solovetsky-islands .
camp:buchenwald a gk:Camp ; rdfs:label "Buchenwald (NKVD special camp No. 2)"@en ; skos:altLabel "special camp number 2"@en ;
    gk:siteType sitetype:nkvd-special-camp ; gk:location place:soviet-occupation-zone-in-germany .
camp:sachsenhausen a gk:Camp ; rdfs:label "Sachsenhausen (NKVD special camp No. 7)"@en ; skos:altLabel "Sachsenhausen"@en ;
    gk:siteType sitetype:nkvd-special-camp ; gk:location place:soviet-occupation-zone-in-germany .
camp:kemerovo-camp a gk:Camp ; rdfs:label "Camp at Kemerovo"@en ; gk:location place:kemerovo .
camp:burepolom a gk:Camp ; rdfs:label "Burepolom"@en ; gk:location place:vyatka .
camp:perm-36 a gk:Camp ; rdfs:label "Perm-36"@en .
place:norilsk a gk:Place ; rdfs:label "Norilsk"@en .
place:kolyma-river a gk:Place ; rdfs:label "Kolyma River"@en .
place:kolyma a gk:Place ; rdfs:label "Kolyma"@en .
place:vorkuta a gk:Place ; rdfs:label "Vorkuta"@en .
place:karaganda a gk:Place ; rdfs:label "Karaganda"@en .
place:kazakhstan a gk:Place ; rdfs:label "Kazakhstan"@en .
place:magadan a gk:Place ; rdfs:label "Magadan"@en .
place:pechora a gk:Place ; rdfs:label "Pechora"@en .
place:kemerovo a gk:Place ; rdfs:label "Kemerovo"@en .
place:vyatka a gk:Place ; rdfs:label "Vyatka"@en .
place:solovetsky-islands a gk:Place ; rdfs:label "Solovetsky Islands"@en ; skos:altLabel "Solovki"@en .
place:soviet-occupation-zone-in-germany a gk:Place ; rdfs:label "Soviet occupation zone in Germany"@en .
agency:dalstroy a gk:Agency ; rdfs:label "Dalstroy"@en ; skos:altLabel "Dalstroi"@en .
"""

EXPECTED_ACCEPTED = {
    (article("norillag"), camp(251)),
    (article("sevvostlag"), camp(7)),
    (article("vorkutlag"), camp(111)),
    (article("steplag"), camp(287)),
    (article("luglag"), camp(176)),
    (article("peschanlag"), camp(281)),
    (article("pechorlag"), camp(229)),  # years decide against Pechorsky ITL (8), which has the name too
    (article("omsuchkan"), camp(255)),  # a near spelling of Омсукчан, near Magadan
    (article("solovki"), camp(12)),  # both named after the Solovetsky Islands
    (article("buchenwald"), camp(501)),  # special camp No. 2, NKVD special camp, in the Soviet zone
    (article("sachsenhausen"), camp(506)),
}


@pytest.fixture(scope="module")
def article_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ARTICLE_TTL, format="turtle")


@pytest.fixture(scope="module")
def excerpt(article_graph):
    return import_gulagmap(EXCERPT, tool_version=TOOL, imported_on=TODAY, article_graph=article_graph)


@pytest.fixture(scope="module")
def g(excerpt) -> rdflib.Graph:
    return excerpt.graph


@pytest.fixture(scope="module")
def broken():
    return import_gulagmap(BROKEN, tool_version=TOOL, imported_on=TODAY)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


# ---- counts and the named graph ------------------------------------------------------------


def test_excerpt_counts_every_row(excerpt):
    assert excerpt.files == (
        FileCount("camps.csv", read=24, imported=24, skipped=0, rejected=0),
        FileCount("locations.csv", read=30, imported=30, skipped=0, rejected=0),
        FileCount("statistics.csv", read=193, imported=145, skipped=48, rejected=0),
    )
    assert (excerpt.rows_read, excerpt.rows_imported, excerpt.rows_skipped) == (247, 199, 48)
    assert excerpt.rejections == ()
    assert excerpt.rows_read == excerpt.rows_imported + excerpt.rows_skipped + len(excerpt.rejections)


def test_every_triple_is_in_the_named_graph(excerpt):
    contexts = {ctx for _s, _p, _o, ctx in excerpt.dataset.quads((None, None, None, None))}
    assert contexts == {GRAPH_IRI}
    assert len(excerpt.dataset.default_graph) == 0
    assert str(GRAPH_IRI) == "https://w3id.org/gulag-kg/graph/gulagmap-2018"
    assert len(excerpt.graph) > 3000


def test_one_entity_per_row_and_one_claim_per_count(g):
    camps = {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(ID["camp/gulagmap-"]))}
    places = {s for s in g.subjects(RDF.type, GK.Place) if "gulagmap-location-" in str(s)}
    regions = {s for s in g.subjects(RDF.type, GK.Place) if "gulagmap-region-" in str(s)}
    assert len(camps) == 24
    assert len(places) == 30
    assert len(regions) == 15
    counts = {c for c in g.subjects(RDF.type, GK.Claim) if (c, GK.property, GK.prisonerPopulation) in g}
    assert len(counts) == 145


# ---- camps ---------------------------------------------------------------------------------


def test_norillag_camp(g):
    node = camp(251)
    assert set(g.objects(node, RDF.type)) == {GK.CampAdministration}
    assert labels(g, node, "en") == ["Norilsky ITL"]
    assert labels(g, node, "ru") == ["Норильский ИТЛ"]
    assert labels(g, node, "en", SKOS.altLabel) == ["Norillag", "Norilstroi"]
    assert labels(g, node, "ru", SKOS.altLabel) == ["Норильлаг", "Норильстрой"]
    assert set(g.objects(node, GK.siteType)) == {VOCAB["site-type/itl"]}
    assert set(g.objects(node, GK.activity)) == {VOCAB["activity/mining"]}
    assert set(g.objects(node, GK.location)) == {location(184), ID["place/gulagmap-region-2"]}


@pytest.mark.parametrize(
    ("camp_id", "label"),
    [
        (2, "Far Eastern ITL"),  # "Far Eastern  ITL" in the source: double space collapsed
        (287, "Stepnoy Camp"),  # trailing space trimmed
        (229, "Severo-Pechorsky ITL"),
    ],
)
def test_english_label_is_trimmed_and_collapsed(g, camp_id, label):
    assert labels(g, camp(camp_id), "en") == [label]


@pytest.mark.parametrize(
    ("camp_id", "label"),
    [
        (165, "Самарский ИТЛ и строительство Куйбывшевского гидроузла"),  # line break inside the title
        (141, "Гусино-Озерский ИТЛ"),  # three trailing line breaks
    ],
)
def test_russian_label_loses_line_breaks(g, camp_id, label):
    assert labels(g, camp(camp_id), "ru") == [label]


def test_every_camp_has_exactly_one_english_label(g):
    for node in {s for s in g.subjects(GK.siteType, None)}:
        assert len(labels(g, node, "en")) == 1, node
    assert not list(g.subjects(RDFS.label, Literal("New prison", lang="en")))
    assert not list(g.subjects(SKOS.altLabel, Literal("New prison", lang="en")))


@pytest.mark.parametrize(
    ("camp_id", "cls", "site_type"),
    [
        (251, GK.CampAdministration, "itl"),
        (176, GK.Camp, "special-camp"),
        (501, GK.Camp, "nkvd-special-camp"),
        (611, GK.Camp, "filtration-camp"),
        (108, GK.CampPoint, "camp-point"),
        (355, GK.SpecialSettlement, "special-settlement"),
        (509, GK.Camp, "camp"),  # no type in the source
    ],
)
def test_class_and_site_type_follow_the_museum_type(g, camp_id, cls, site_type):
    assert set(g.objects(camp(camp_id), RDF.type)) == {cls}
    assert set(g.objects(camp(camp_id), GK.siteType)) == {VOCAB[f"site-type/{site_type}"]}


def test_unset_type_is_imported_with_a_note(excerpt, g):
    notes = [str(n) for n in g.objects(camp(509), SKOS.editorialNote)]
    assert len(notes) == 1 and "no camp type" in notes[0]
    assert any(n.file == "camps.csv" and n.line == 24 and "no camp type" in n.message for n in excerpt.notices)


def test_missing_english_title_is_transliterated_with_a_note(g):
    assert labels(g, camp(457), "en") == ["Akmolinskoe LO Karagandinskogo ITL"]
    assert labels(g, camp(457), "ru") == ["Акмолинское ЛО Карагандинского ИТЛ"]
    assert "АЛЖИР" in labels(g, camp(457), "ru", SKOS.altLabel)
    assert "no English title" in str(g.value(camp(457), SKOS.editorialNote))


def test_placeholder_english_title_is_replaced(g):
    assert labels(g, camp(611), "en") == ["Kerchensky PFL No 250"]
    assert "'New prison' is a placeholder" in str(g.value(camp(611), SKOS.editorialNote))


def test_activity_mapping(g):
    assert set(g.objects(camp(2), GK.activity)) == {VOCAB["activity/logging"]}
    assert set(g.objects(camp(468), GK.activity)) == {VOCAB["activity/power-construction"]}
    assert set(g.objects(camp(501), GK.activity)) == set()  # none in the source


def test_every_lookup_value_has_a_mapping_onto_existing_concepts(ontology):
    import json

    lookups = json.loads((EXCERPT / "lookups.json").read_text(encoding="utf-8"))
    assert {v["en"] for v in lookups["camp_activities"].values()} == set(ACTIVITIES)
    assert {v["en"] for v in lookups["camp_types"].values()} == set(SITE_TYPES)
    for concept in ACTIVITIES.values():
        assert (concept, SKOS.inScheme, VOCAB["activity"]) in ontology, concept
    for cls, site_type in SITE_TYPES.values():
        assert (cls, RDFS.subClassOf, GK.DetentionSite) in ontology
        assert (site_type, SKOS.inScheme, VOCAB["site-type"]) in ontology


def test_region_is_a_place_with_both_labels(g):
    region = ID["place/gulagmap-region-2"]
    assert (region, RDF.type, GK.Place) in g
    assert labels(g, region, "en") == ["Eastern Siberia and Taimyr"]
    assert labels(g, region, "ru") == ["Восточная Сибирь и Таймыр"]
    pointers = {str(g.value(sel, RDF.value)) for ev in g.objects(region, GK.evidence) for sel in g.objects(ev, OA.hasSelector)}
    assert pointers == {"/camp_regions/2"}


# ---- locations -----------------------------------------------------------------------------


def test_location_has_decimal_coordinates_and_labels(g):
    place = location(184)
    assert (place, RDF.type, GK.Place) in g
    lat, lon = g.value(place, GEO.lat), g.value(place, GEO.long)
    assert lat.datatype == XSD.decimal and lon.datatype == XSD.decimal
    assert (lat.toPython(), lon.toPython()) == (Decimal("69.349036"), Decimal("88.201059"))
    assert labels(g, place, "en") == ["Krasnoyarsk krai, the village of Norilsk (now a town of the same name)"]
    assert labels(g, place, "ru") == ["Красноярский край, поселок Норильск (ныне – одноименный город)"]


def test_a_camp_can_have_several_locations(g):
    assert {location(104), location(105)} <= set(g.objects(camp(7), GK.location))


def test_placeholder_coordinates_are_left_out_with_a_note(excerpt, g):
    place = location(343)  # Kerch, given at lat 62.0 lon 90.0 (Siberia) by the source
    assert g.value(place, GEO.lat) is None and g.value(place, GEO.long) is None
    assert labels(g, place, "en") == ["Location of Kerchensky PFL No 250"]
    assert labels(g, place, "ru") == ["Крымская АССР, город Керчь"]
    notes = " ".join(str(n) for n in g.objects(place, SKOS.editorialNote))
    assert "default position" in notes and "Russian only" in notes
    assert {(n.file, n.line) for n in excerpt.notices if "default position" in n.message} == {("locations.csv", 27)}


# ---- claims --------------------------------------------------------------------------------


def test_prisoner_count_claim(g):
    c = claim(251, 1935, 691)
    assert (c, RDF.type, GK.Claim) in g
    assert g.value(c, GK.subject) == camp(251)
    assert g.value(c, GK.property) == GK.prisonerPopulation
    value = g.value(c, GK.value)
    assert value.datatype == XSD.integer and value.toPython() == 1200
    assert g.value(c, GK.unit) == VOCAB["unit/people"]
    period = g.value(c, GK.period)
    assert (str(period), period.datatype) == ("1935", EDTF.EDTF)
    assert g.value(c, GK.claimant) == ID["agency/gulag-history-museum"]
    assert (ID["agency/gulag-history-museum"], RDF.type, GK.Organisation) in g
    assert g.value(c, GK.statedIn) == ID["work/gulagmap-2018"]
    assert g.value(c, GK.method) == VOCAB["method/unspecified"]
    assert g.value(c, GK.rank) == GK.NormalRank
    assert g.value(c, GK.stance) == VOCAB["stance/asserted"]
    assert g.value(c, GK.aboutPlace) == location(184)
    assert g.value(c, PROV.wasDerivedFrom) == ID["work/gulagmap-2018"]
    assert g.value(c, PROV.wasAttributedTo) == ID["agent/gulag-kg-curators"]
    assert evidence_rows(g, c) == [(ID["source/gulagmap-2018-statistics-csv"], "row=54")]


@pytest.mark.parametrize(
    ("camp_id", "year", "stat"),
    [
        (255, 1954, 145),  # count 0: "no data" in this source
        (7, 1933, 361),  # count 0
        (141, 1940, 653),  # empty count
        (281, 1949, 1434),  # empty count
    ],
)
def test_zero_or_empty_count_gives_no_claim(g, camp_id, year, stat):
    assert (claim(camp_id, year, stat), None, None) not in g
    assert (None, None, claim(camp_id, year, stat)) not in g


def test_claim_values_are_positive_integers(g):
    values = [g.value(c, GK.value) for c in g.subjects(GK.property, GK.prisonerPopulation)]
    assert all(v.datatype == XSD.integer and v.toPython() > 0 for v in values)


# ---- provenance ----------------------------------------------------------------------------


def test_import_activity(g):
    act = activity_iri(TODAY)
    assert act == ID["import/gulagmap-2018-2025-06-01"]
    assert (act, RDF.type, PROV.Activity) in g
    assert g.value(act, DCTERMS.date) == Literal("2025-06-01", datatype=XSD.date)
    assert (act, PROV.used, ID["work/gulagmap-2018"]) in g
    assert (act, PROV.used, ID["source/gulagmap-2018-camps-csv"]) in g
    tool = g.value(act, PROV.wasAssociatedWith, any=True)
    versions = {str(g.value(a, SCHEMA.softwareVersion)) for a in g.objects(act, PROV.wasAssociatedWith)}
    assert tool is not None and TOOL in versions


def test_dataset_node_names_origin_commit_and_directory(g):
    ds = ID["work/gulagmap-2018"]
    assert {GK.Work, SCHEMA.Dataset} <= set(g.objects(ds, RDF.type))
    assert str(g.value(ds, SCHEMA.version)) == "751262856ff5133888cf41d331d132fe1733a9c1"
    assert g.value(ds, DCTERMS.source) == URIRef("https://github.com/urbica/gulag-api")
    assert "751262856ff5133888cf41d331d132fe1733a9c1" in str(g.value(ds, PROV.wasDerivedFrom))
    directory = g.value(ds, SCHEMA.citation)
    assert directory == ID["work/smirnov-sistema-itl"]
    assert "M. B. Smirnov (ed.)" in str(g.value(directory, DCTERMS.bibliographicCitation))
    assert g.value(directory, SCHEMA.datePublished) == Literal("1998", datatype=XSD.gYear)
    camps_file = ID["source/gulagmap-2018-camps-csv"]
    assert (camps_file, SCHEMA.isPartOf, ds) in g
    assert len(str(g.value(camps_file, SCHEMA.sha256))) == 64


def test_every_generated_node_has_activity_and_row_evidence(g):
    act = activity_iri(TODAY)
    generated = set(g.subjects(RDF.type, GK.Claim)) | set(g.subjects(GK.siteType, None))
    generated |= {s for s in g.subjects(RDF.type, GK.Place) if "gulagmap-location-" in str(s)}
    for node in generated:
        assert (node, PROV.wasGeneratedBy, act) in g, node
        assert len(evidence_rows(g, node)) == 1, node


@pytest.mark.parametrize(
    ("node", "source", "row"),
    [
        (camp(2), "camps-csv", "row=2"),
        (camp(251), "camps-csv", "row=12"),  # line 16: records 141 and 165 span several lines
        (location(184), "locations-csv", "row=18"),
        (location(343), "locations-csv", "row=27"),
    ],
)
def test_evidence_points_to_the_record(g, node, source, row):
    assert evidence_rows(g, node) == [(ID[f"source/gulagmap-2018-{source}"], row)]


def test_readme_quotes_are_verbatim_and_on_their_lines():
    excerpt_readme = (EXCERPT / "README.md").read_text(encoding="utf-8")
    shared = (FULL / "README.md").read_text(encoding="utf-8").splitlines() if (FULL / "README.md").is_file() else None
    for name, (line, quote) in README_QUOTES.items():
        assert "\n" not in quote and quote in excerpt_readme, name
        if shared is not None:
            assert quote in shared[line - 1], name


def test_readme_evidence_is_a_line_selector_refined_by_the_quote(g):
    museum = ID["agency/gulag-history-museum"]
    (evidence,) = g.objects(museum, GK.evidence)
    assert g.value(evidence, OA.hasSource) == ID["source/gulagmap-2018-readme"]
    selector = g.value(evidence, OA.hasSelector)
    assert (selector, RDF.type, OA.FragmentSelector) in g
    assert str(g.value(selector, RDF.value)) == "line=5,6"
    refined = g.value(selector, OA.refinedBy)
    assert str(g.value(refined, OA.exact)) == "State Museum of GULAG History, Moscow"
    # no quote is a direct selector: check-quotes only knows stored project texts
    assert not any((None, OA.hasSelector, s) in g for s in g.subjects(RDF.type, OA.TextQuoteSelector))


def test_excerpt_import_loads_validates_and_passes_check_quotes(excerpt, tmp_path):
    import gulag_kg
    from gulag_kg.quotes import check_quotes

    path = tmp_path / "gulagmap-2018.trig"
    path.write_bytes(excerpt.dataset.serialize(format="trig", encoding="utf-8"))
    kg = gulag_kg.load([path], shipped=False)
    report = kg.validate()
    assert report.violations == 0, [r.message for r in report.results if r.severity.value == "Violation"][:5]
    assert {r.focus for r in report.results} == {str(camp(509)), str(camp(611))}  # no coordinates
    assert check_quotes(kg.store) == []


def test_same_input_same_triples():
    first = import_gulagmap(EXCERPT, tool_version=TOOL, imported_on=TODAY).graph
    second = import_gulagmap(EXCERPT, tool_version=TOOL, imported_on=TODAY).graph
    def ground(graph):
        return {t for t in graph if not any(isinstance(term, rdflib.BNode) for term in t)}

    assert len(first) == len(second)
    assert ground(first) == ground(second)


# ---- broken rows ---------------------------------------------------------------------------

EXPECTED_REJECTIONS = [
    ("camps.csv", 26, "wrong number of columns: expected 19, found 8"),
    ("camps.csv", 27, "camp_id '9x02' is not a whole number"),
    ("camps.csv", 28, "duplicate camp_id 251 (first at line 16)"),
    ("camps.csv", 29, "unknown type_id '9'"),
    ("camps.csv", 30, "unknown activity_id '42'"),
    ("camps.csv", 31, "unknown region_id '99'"),
    ("camps.csv", 32, "no title: title_en and title_ru are empty"),
    ("locations.csv", 28, "wrong number of columns: expected 7, found 4"),
    ("locations.csv", 29, "location_id 'x9102' is not a whole number"),
    ("locations.csv", 30, "duplicate location_id 184 (first at line 18)"),
    ("locations.csv", 31, "unreadable coordinates: lat '69,35', lon '88.2'"),
    ("locations.csv", 32, "latitude 96.5 out of range [-90, 90]"),
    ("locations.csv", 33, "longitude -190.0 out of range [-180, 180]"),
    ("locations.csv", 34, "camp_id 9999 refers to no imported camp"),
    ("locations.csv", 35, "camp_id 9003 refers to a camp rejected at camps.csv, line 29"),
    ("statistics.csv", 175, "wrong number of columns: expected 5, found 4"),
    ("statistics.csv", 176, "stat_id '92x02' is not a whole number"),
    ("statistics.csv", 177, "duplicate stat_id 691 (first at line 54)"),
    ("statistics.csv", 178, "prisoners_count '12a' is not a whole number"),
    ("statistics.csv", 179, "prisoners_count '-5' is not a whole number"),
    ("statistics.csv", 180, "year '19x5' is not a year"),
    ("statistics.csv", 181, "year 2053 is outside 1917–1991"),
    ("statistics.csv", 182, "camp_id 9999 refers to no imported camp"),
    ("statistics.csv", 183, "location_id 9999 refers to no imported location"),
    ("statistics.csv", 184, "location_id 104 belongs to camp 7, not to camp 251"),
    ("statistics.csv", 185, "location_id 9104 refers to a location rejected at locations.csv, line 32"),
]


@pytest.mark.parametrize(("file", "line", "reason"), EXPECTED_REJECTIONS, ids=[f"{f}:{n}" for f, n, _ in EXPECTED_REJECTIONS])
def test_broken_row_is_rejected_with_file_line_and_reason(broken, file, line, reason):
    assert Rejection(file, line, reason) in broken.rejections


def test_broken_rejections_are_exactly_the_broken_rows(broken):
    assert broken.rejections == tuple(Rejection(*r) for r in EXPECTED_REJECTIONS)


def test_broken_copy_accounts_for_every_row(broken):
    assert broken.files == (
        FileCount("camps.csv", read=27, imported=20, skipped=0, rejected=7),
        FileCount("locations.csv", read=34, imported=26, skipped=0, rejected=8),
        FileCount("statistics.csv", read=186, imported=138, skipped=37, rejected=11),
    )
    for count in broken.files:
        assert count.read == count.imported + count.skipped + count.rejected


def test_good_rows_of_the_broken_copy_are_imported(broken, g):
    """The broken copy holds the excerpt's first 20 camps and their rows: all of them are imported."""
    b = broken.graph
    camps = set(b.subjects(GK.siteType, None))
    assert len(camps) == 20 and camps <= set(g.subjects(GK.siteType, None))
    counts = set(b.subjects(GK.property, GK.prisonerPopulation))
    assert counts == {c for c in g.subjects(GK.property, GK.prisonerPopulation) if g.value(c, GK.subject) in camps}
    made_up = re.compile(r"gulagmap-(location-)?9[0-9]{3}$|-92[0-9]{2}$")  # ids of the broken rows
    assert not any(made_up.search(str(s)) for s in b.subjects())
    assert labels(b, camp(251), "en") == ["Norilsky ITL"]  # the duplicate row did not add a second
    assert b.value(location(184), GEO.lat) == Literal("69.349036", datatype=XSD.decimal)


# ---- unusable directories ------------------------------------------------------------------


def _copy_excerpt(tmp_path: Path) -> Path:
    target = tmp_path / "gulagmap"
    shutil.copytree(EXCERPT, target)
    return target


def test_missing_file_is_an_error_naming_it(tmp_path):
    directory = _copy_excerpt(tmp_path)
    (directory / "statistics.csv").unlink()
    with pytest.raises(GulagmapError, match=r"statistics\.csv.*missing"):
        import_gulagmap(directory, tool_version=TOOL, imported_on=TODAY)


def test_missing_directory_is_an_error(tmp_path):
    with pytest.raises(GulagmapError, match="not a directory"):
        import_gulagmap(tmp_path / "nowhere", tool_version=TOOL, imported_on=TODAY)


def test_wrong_header_is_an_error_naming_the_file(tmp_path):
    directory = _copy_excerpt(tmp_path)
    path = directory / "locations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("lon,lat", "lat,lon", 1), encoding="utf-8")
    with pytest.raises(GulagmapError, match=r"locations\.csv.*wrong header") as info:
        import_gulagmap(directory, tool_version=TOOL, imported_on=TODAY)
    assert info.value.line == 1


def test_file_not_utf8_rejects_each_line_that_is_not(tmp_path):
    """A file in another encoding is not fatal: each line whose bytes are not UTF-8 is rejected,
    by line; the ASCII-only lines of the same file are read."""
    directory = _copy_excerpt(tmp_path)
    path = directory / "camps.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251", errors="replace"))
    result = import_gulagmap(directory, tool_version=TOOL, imported_on=TODAY)
    camps = result.files[0]
    assert camps.read == 24 and camps.imported == 0 and camps.rejected == 24
    rejected = [r for r in result.rejections if r.file == "camps.csv"]
    assert all("is not UTF-8" in r.reason and f"line {r.line} " in r.reason for r in rejected)
    assert {r.line for r in rejected} >= {2, 16}


def test_broken_lookups_are_an_error(tmp_path):
    directory = _copy_excerpt(tmp_path)
    (directory / "lookups.json").write_text('{"camp_types": {}}', encoding="utf-8")
    with pytest.raises(GulagmapError, match=r"lookups\.json.*camp_activities"):
        import_gulagmap(directory, tool_version=TOOL, imported_on=TODAY)


# ---- entity resolution ---------------------------------------------------------------------


def test_accepted_matches_are_the_right_pairs(excerpt):
    accepted = {(m.article_camp, m.museum_camp) for m in excerpt.matches if m.accepted}
    assert accepted == EXPECTED_ACCEPTED
    assert all(m.score >= 0.8 for m in excerpt.matches if m.accepted)
    assert all(m.score < 0.8 for m in excerpt.matches if not m.accepted)


def test_accepted_matches_become_same_as_and_nothing_else(excerpt, g):
    assert set(g.subject_objects(OWL.sameAs)) == EXPECTED_ACCEPTED


def test_match_evidence_names_the_matched_names_and_places(excerpt):
    norillag = next(m for m in excerpt.matches if m.article_camp == article("norillag"))
    assert norillag.museum_label == "Norilsky ITL" and norillag.article_label == "Norillag"
    assert "'Norillag'@en" in norillag.evidence and "Norilsk" in norillag.evidence
    assert norillag.score == 1.0
    vorkutlag = next(m for m in excerpt.matches if m.article_camp == article("vorkutlag"))
    assert "'Воркутлаг'@ru" in vorkutlag.evidence or "'Vorkutlag'@en" in vorkutlag.evidence


def test_a_shared_name_is_decided_by_the_years(excerpt):
    pechorlag = {m.museum_camp: m for m in excerpt.matches if m.article_camp == article("pechorlag")}
    assert set(pechorlag) == {camp(8), camp(229)}  # both have the other name "Pechorlag"
    assert pechorlag[camp(229)].accepted and "years within the camp's (article 1940–1946" in pechorlag[camp(229)].evidence
    assert not pechorlag[camp(8)].accepted and "years apart by" in pechorlag[camp(8)].evidence
    assert pechorlag[camp(229)].score - pechorlag[camp(8)].score >= 0.1


def test_a_near_spelling_needs_a_corroborating_place(excerpt):
    omsuchkan = [m for m in excerpt.matches if m.article_camp == article("omsuchkan")]
    assert [m.museum_camp for m in omsuchkan if m.accepted] == [camp(255)]
    assert "near spelling" in omsuchkan[0].evidence and "Magadan" in omsuchkan[0].evidence
    burepolom = [m for m in excerpt.matches if m.article_camp == article("burepolom")]
    assert [m.museum_camp for m in burepolom] == [camp(69)]  # Буреполомский ИТЛ, at Sherstki (Gorky region), 1946–53
    assert not burepolom[0].accepted and "no shared place" in burepolom[0].evidence


def test_a_name_that_is_only_a_place_is_no_evidence(excerpt):
    """"Camp at Kemerovo" against the two camps of the excerpt at Kemerovo: review only."""
    kemerovo = [m for m in excerpt.matches if m.article_camp == article("kemerovo-camp")]
    assert kemerovo and not any(m.accepted for m in kemerovo)
    assert {m.museum_camp for m in kemerovo} <= {camp(207), camp(636)}


def test_numbered_special_camps_need_the_same_type(excerpt):
    buchenwald = next(m for m in excerpt.matches if m.article_camp == article("buchenwald") and m.accepted)
    assert buchenwald.museum_camp == camp(501)
    assert "number 2, both nkvd-special-camp" in buchenwald.evidence and "same type" in buchenwald.evidence


def test_named_after_the_same_place(excerpt):
    solovki = next(m for m in excerpt.matches if m.article_camp == article("solovki"))
    assert solovki.accepted and solovki.museum_camp == camp(12)
    assert "both named after Solovetsky Islands, the only camp there" in solovki.evidence


def test_decoys_are_not_matched(excerpt):
    matched_articles = {m.article_camp for m in excerpt.matches}
    assert article("perm-36") not in matched_articles
    assert ID["place/norilsk"] not in matched_articles  # a place, not a place of detention
    assert ID["agency/dalstroy"] not in matched_articles
    assert all(m.museum_camp != camp(2) for m in excerpt.matches)  # Dallag: no article camp of that name


def test_transliteration_insensitive_names():
    ttl = """
    @prefix gk: <https://w3id.org/gulag-kg/ontology#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <https://w3id.org/gulag-kg/id/camp/x-norilsk> a gk:CampAdministration ; rdfs:label "Norilskiy ITL"@en .
    <https://w3id.org/gulag-kg/id/camp/x-peschany> a gk:Camp ; rdfs:label "Peschanyy camp"@en .
    <https://w3id.org/gulag-kg/id/camp/x-steplag> a gk:Camp ; rdfs:label "СТЕПЛАГ"@ru .
    """
    imported = import_gulagmap(EXCERPT, tool_version=TOOL, imported_on=TODAY)
    matches = match_article_camps(imported.dataset, rdflib.Graph().parse(data=ttl, format="turtle"))
    accepted = {(str(m.article_camp).rsplit("/", 1)[1], m.museum_camp) for m in matches if m.accepted}
    assert accepted == {("x-norilsk", camp(251)), ("x-peschany", camp(281)), ("x-steplag", camp(287))}
    norilsk = next(m for m in matches if m.museum_camp == camp(251))
    assert "transliteration" in norilsk.evidence and norilsk.score == pytest.approx(0.9)


def test_match_report_is_tsv(excerpt):
    report = format_match_report(excerpt.matches)
    rows = list(csv.reader(io.StringIO(report), delimiter="\t"))
    assert rows[0] == ["article_camp", "article_label", "museum_camp", "museum_label", "score", "evidence", "decision"]
    assert len(rows) == len(excerpt.matches) + 1
    assert all(len(r) == 7 for r in rows)
    norillag = next(r for r in rows if r[0] == str(article("norillag")))
    assert norillag[1:5] == ["Norillag", str(camp(251)), "Norilsky ITL", "1.00"] and norillag[6] == "accepted"
    assert {r[6] for r in rows[1:]} == {"accepted", "review"}


def test_camp_match_is_frozen():
    match = CampMatch(article("a"), camp(1), 0.5, "x")
    with pytest.raises(AttributeError):
        match.score = 1.0  # type: ignore[misc]


def test_matches_against_the_project_graph(ontology):
    """The article graph of graph/*.ttl, as it stands: the camps it has are matched rightly."""
    files = sorted((ROOT / "graph").glob("*.ttl"))
    project = rdflib.Graph()
    for path in files:
        project.parse(path, format="turtle")
    project += ontology
    sites = {s for s in project.subjects(RDF.type, None) if str(s).startswith(str(ID["camp/"]))}
    if not sites:
        pytest.skip("graph/*.ttl has no places of detention yet")
    imported = import_gulagmap(EXCERPT, tool_version=TOOL, imported_on=TODAY, article_graph=project)
    accepted = {(m.article_camp, m.museum_camp) for m in imported.matches if m.accepted}
    for pair in EXPECTED_ACCEPTED:
        if pair[0] in sites:
            assert pair in accepted, pair
    assert all(a in sites for a, _m in accepted)
    assert all(m.museum_camp != camp(2) for m in imported.matches if m.accepted)


# ---- the full data set ---------------------------------------------------------------------

FULL_REJECTIONS = [
    ("locations.csv", 582, "camp_id 584 refers to no imported camp"),
    ("locations.csv", 664, "camp_id 675 refers to no imported camp"),
    ("locations.csv", 665, "camp_id 675 refers to no imported camp"),
    ("locations.csv", 666, "camp_id 676 refers to no imported camp"),
    ("locations.csv", 667, "camp_id 677 refers to no imported camp"),
    ("locations.csv", 668, "camp_id 678 refers to no imported camp"),
    ("locations.csv", 669, "camp_id 680 refers to no imported camp"),
    ("statistics.csv", 129, "camp_id 675 refers to no imported camp"),
    ("statistics.csv", 130, "camp_id 675 refers to no imported camp"),
    ("statistics.csv", 131, "camp_id 675 refers to no imported camp"),
    ("statistics.csv", 132, "camp_id 675 refers to no imported camp"),
    ("statistics.csv", 202, "camp_id 584 refers to no imported camp"),
]


@pytest.mark.skipif(not FULL.is_dir(), reason=f"the shared gulagmap data is not at {FULL}")
def test_full_data_set_imports_with_every_row_accounted_for():
    result = import_gulagmap(FULL, tool_version=TOOL, imported_on=TODAY)
    for count in result.files:
        assert count.read == count.imported + count.skipped + count.rejected, count
    assert [(c.file, c.read) for c in result.files] == [
        ("camps.csv", 574),
        ("locations.csv", 668),
        ("statistics.csv", 2472),
    ]
    assert result.files[0] == FileCount("camps.csv", 574, 574, 0, 0)
    # 527 counts of 0 and 87 empty ones, less the two zeros among the rejected rows
    assert result.files[2].skipped == 612
    assert result.rejections == tuple(Rejection(*r) for r in FULL_REJECTIONS)
    assert len(set(result.graph.subjects(RDF.type, GK.Claim))) == result.files[2].imported == 1855
    assert {ctx for *_t, ctx in result.dataset.quads((None, None, None, None))} == {GRAPH_IRI}
