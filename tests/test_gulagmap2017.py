"""The 2017 release (the museum's master table, camps.json): camp histories as events and claims.

On an excerpt of 43 whole records copied from ../shared/data/gulagmap-2017 (tests/data/gulagmap-2017,
attribution in its README), and on the whole release beside the repository (CI has it).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from gulag_kg.importers.core import FileCount, ImportDataError, Rejection
from gulag_kg.importers.gulagmap import import_gulagmap, import_releases, recognise
from gulag_kg.importers.gulagmap2017 import ENTITY_OF, GRAPH_IRI, README_QUOTES, parse_count
from gulag_kg.importers.terms import ANOMALY, GKC
from gulag_kg.namespaces import EDTF, GEO, GK, ID, OA, PROV, VOCAB

DATA = Path(__file__).parent / "data" / "gulagmap-2017"
EXCERPT = DATA / "excerpt"
FULL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gulagmap-2017"
TODAY = date(2025, 6, 1)
TOOL = "0.1.0-test"
RFC6901 = URIRef("http://tools.ietf.org/rfc/rfc6901")


def camp(n: int) -> URIRef:
    return ID[f"camp/gulagmap-{n}"]


def claim(local: str) -> URIRef:
    return ID[f"claim/{local}"]


def pointers(g: rdflib.Graph, node: URIRef) -> set[str]:
    """The RFC 6901 pointers of the node's evidence."""
    return {str(g.value(sel, RDF.value)) for ev in g.objects(node, GK.evidence) for sel in g.objects(ev, OA.hasSelector)
            if (sel, DCTERMS.conformsTo, RFC6901) in g}


def index_of(record_id: int) -> int:
    """The position of a record in the excerpt's array (its RFC 6901 pointer)."""
    return [r["id"] for r in json.loads((EXCERPT / "camps.json").read_text(encoding="utf-8"))].index(record_id)


@pytest.fixture(scope="module")
def result():
    return import_gulagmap(EXCERPT, tool_version=TOOL, imported_on=TODAY)


@pytest.fixture(scope="module")
def g(result) -> rdflib.Graph:
    return result.graph


# ---- the account -------------------------------------------------------------------------------


def test_the_release_is_recognised_by_its_file():
    assert recognise(EXCERPT) == "gulagmap-2017"
    assert recognise(DATA.parent / "gulagmap" / "excerpt") == "gulagmap-2018"


def test_every_record_and_every_value_is_accounted_for(result):
    assert result.files == (FileCount("camps.json", 43, 43, 0, 0),)
    values = {c.file: c for c in result.values}
    assert all(c.balanced for c in result.values)
    assert values["yearly counts"] == FileCount("yearly counts", 237, 236, 0, 1)
    assert values["maximum populations"].rejected == 2 and values["locations"].rejected == 1
    assert values["directory links"] == FileCount("directory links", 37, 32, 5, 0)
    assert sum(c.rejected for c in result.values) == len(result.rejections)


def test_values_that_are_not_what_their_field_says_are_rejected_by_line(result):
    assert set(result.rejections) == {
        Rejection("camps.json", 1522, "people_1942: 'был закрыт' is not a count"),
        Rejection("camps.json", 1017, "date_if_max_people: 1.01 is not a year; the maximum is imported without a year"),
        Rejection("camps.json", 2472, "date_if_max_people: 21379 is not a year; the maximum is imported without a year"),
        Rejection("camps.json", 2737, "latitude_2: a coordinate without its pair (latitude_2/longitude_2); the place is "
                                      "imported without coordinates"),
    }
    lines = (EXCERPT / "camps.json").read_text(encoding="utf-8").splitlines()
    assert lines[1521].strip() == '"people_1942": "был закрыт",'
    assert lines[2736].strip().startswith('"latitude_2": 50.389197')


def test_every_triple_is_in_the_release_graph(result):
    assert result.graph_iri == GRAPH_IRI == URIRef("https://w3id.org/gulag-kg/graph/gulagmap-2017")
    assert {ctx for *_t, ctx in result.dataset.quads((None, None, None, None))} == {GRAPH_IRI}


# ---- camps -------------------------------------------------------------------------------------


def test_a_camp_with_its_names_type_and_directory_page(g):
    node = camp(12)
    assert set(g.objects(node, RDF.type)) == {GK.CampAdministration}
    assert set(g.objects(node, GK.siteType)) == {VOCAB["site-type/itl"]}
    assert g.value(node, RDFS.label) is not None
    assert Literal("Соловецкий ИТЛ ОГПУ", lang="ru") in set(g.objects(node, RDFS.label))
    assert Literal("Solovetsky ITL OGPU", lang="en") in set(g.objects(node, RDFS.label))  # transliterated, with a note
    assert {Literal("СЛОН", lang="ru"), Literal("Соловецкие лагеря особого назначения", lang="ru")} <= set(g.objects(node, SKOS.altLabel))
    assert g.value(node, GKC.memorialDirectoryPage) == URIRef("http://www.memo.ru/history/nkvd/Gulag/r3/r3-317.htm")
    assert g.value(node, GKC.memorialDirectoryId) == Literal("r3-317")
    assert f"/{index_of(12)}/links" in pointers(g, node)


def test_a_link_to_the_directory_index_is_no_identifier(result, g):
    assert g.value(camp(27), GKC.memorialDirectoryPage) is None
    assert any(n.line == 301 and "the directory's index, not a camp's page" in n.message for n in result.notices)


def test_work_done_is_an_activity_and_a_claim_with_the_words(g):
    assert VOCAB["activity/hydro-construction"] in set(g.objects(camp(12), GK.activity))
    work = claim("work-done-gulagmap-2017-12-r12-hydro-building")
    assert g.value(work, GK.property) == GKC.workDone and g.value(work, GK.value) == VOCAB["activity/hydro-construction"]
    assert str(g.value(work, GK.qualifier)) == "строительство Северного участка Беломорско-Балтийского водного пути"
    assert pointers(g, work) == {f"/{index_of(12)}/hydro_building"}


def test_repeated_and_renumbered_records_are_the_2018_release_camps(result, g):
    assert ENTITY_OF == {224: 7, 129: 6, 3: 446, 500: 514, 375: 540}
    assert (camp(224), None, None) not in g and (camp(500), None, None) not in g
    labels = [l for l in g.objects(camp(7), RDFS.label) if l.language == "en"]
    assert len(labels) == 1  # record 224's names are other names of camp 7
    assert Literal("North East CLC", lang="en") in set(g.objects(camp(7), SKOS.altLabel))
    notes = " ".join(map(str, g.objects(camp(7), SKOS.editorialNote)))
    assert "Record 224 of the 2017 release describes this camp" in notes and "a repeat of record 7" in notes
    assert "renumbered" in " ".join(map(str, g.objects(camp(514), SKOS.editorialNote)))
    assert (camp(540), RDF.type, GK.CampAdministration) in g


# ---- the camp's life ---------------------------------------------------------------------------


def test_established_closed_reopened_as_claims_and_events(g):
    spans = {str(g.value(c, GK.period)) for c in g.subjects(GK.subject, camp(12)) if g.value(c, GK.property) == GK.existence}
    assert spans == {"1923/1931", "1932/1933"}
    events = {(g.value(e, GK.eventType), str(g.value(e, GK.date))) for e in g.subjects(GK.involved, camp(12))}
    assert {(VOCAB["event-type/establishment"], "1923"), (VOCAB["event-type/closure"], "1931"),
            (VOCAB["event-type/reopening"], "1932"), (VOCAB["event-type/closure"], "1933")} <= events
    existence = claim("existence-gulagmap-2017-12-r12-1")
    assert g.value(existence, GK.value) == camp(12) and g.value(existence, GK.claimant) == ID["agency/gulag-history-museum"]
    assert pointers(g, existence) == {f"/{index_of(12)}/year_of_creation", f"/{index_of(12)}/year_of_closing"}


def test_moves_with_place_coordinates_and_period(g):
    places = {}
    for c in g.subjects(GK.property, GK.locatedIn):
        if g.value(c, GK.subject) == camp(12) and "location-12-" in str(g.value(c, GK.value)):
            places[str(g.value(c, GK.period))] = g.value(c, GK.value)
    assert set(places) == {"1923/1928", "1928/1931", "1931/1932", "1932/1933"}
    kem = places["1928/1931"]
    assert Literal("Карельская АССР, город Кемь", lang="ru") in set(g.objects(kem, RDFS.label))
    assert (g.value(kem, GEO.lat), g.value(kem, GEO.long)) == (Literal("64.95095", datatype=XSD.decimal), Literal("34.59273", datatype=XSD.decimal))
    move = ID["event/gulagmap-2017-r12-moved-2"]
    assert g.value(move, GK.eventType) == VOCAB["event-type/relocation"] and g.value(move, GK.location) == kem
    assert str(g.value(move, GK.date)) == "1928"


def test_a_move_whose_year_is_not_known(result):
    assert any(n.line == 2836 and "'нет данных' (no data)" in n.message for n in result.notices)


def test_a_camp_that_closes_before_it_opens_is_flagged_not_dated(result, g):
    assert not any(g.value(c, GK.property) == GK.existence for c in g.subjects(GK.subject, camp(75)))
    (flag,) = [a for a in result.anomalies if a.kind == "dates-out-of-order"]
    assert flag.subject == camp(75) and flag.line == 3409 and "closes (1943) before it opens (1951)" in flag.message


# ---- mergers and separations -------------------------------------------------------------------


def test_a_merger_is_resolved_to_the_camp_its_name_singles_out(g):
    merged = claim("merged-into-gulagmap-2017-176-r176-1")
    assert g.value(merged, GK.property) == GKC.mergedInto
    assert g.value(merged, GK.value) == camp(281)  # "Песчаный лагерь"
    assert str(g.value(merged, GK.period)) == "1951" and str(g.value(merged, GK.qualifier)) == "new name: Спасское лагерное отделение"
    event = ID["event/gulagmap-2017-r176-merged-1"]
    assert set(g.objects(event, GK.involved)) == {camp(176), camp(281)}
    assert g.value(claim("merged-into-gulagmap-2017-111-r111-1"), GK.value) == camp(324)  # "Речной лагерь"


def test_a_name_no_camp_has_is_kept_as_text_with_a_warning(result, g):
    merged = claim("merged-into-gulagmap-2017-62-r62-1")
    assert g.value(merged, GK.value) == Literal("Братский ИТЛ", lang="ru")
    flags = {a.subject: a for a in result.anomalies if a.kind == "unresolved-reference"}
    assert "no camp of the data has this name" in flags[merged].message and flags[merged].line == 809
    assert (merged, GKC.anomaly, None) in g


def test_a_name_several_camps_have_is_kept_as_text_with_a_warning(result, g):
    split = claim("split-off-gulagmap-2017-230-r230-1")
    assert g.value(split, GK.property) == GKC.splitOff and g.value(split, GK.value) == Literal("Волжский ИТЛ МВД", lang="ru")
    (flag,) = [a for a in result.anomalies if a.subject == split]
    assert flag.kind == "ambiguous-reference" and "(camps 96, 189)" in flag.message


def test_a_separation_naming_the_camp_itself(result):
    flag = next(a for a in result.anomalies if a.subject == claim("split-off-gulagmap-2017-136-r136-1"))
    assert "it names this camp itself" in flag.message


# ---- figures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value", "upper", "note"), [
    ("43 857", 43857, None, None), (36313, 36313, None, None), ("6000 (на момент открытия)", 6000, None, "на момент открытия"),
    ("до 4000", None, 4000, None), ("500 (?)", 500, None, "?"), ("1200 (плановая)", 1200, None, "плановая"),
])  # fmt: skip
def test_counts_as_the_release_writes_them(text, value, upper, note):
    count = parse_count(text)
    assert (count.value, count.upper, count.note) == (value, upper, note)


@pytest.mark.parametrize("text", ["был закрыт", "12a", "4 3857"])
def test_text_that_is_not_a_count(text):
    with pytest.raises(ValueError, match="is not a count"):
        parse_count(text)


def test_yearly_count_claim(g):
    c = claim("prisoner-population-gulagmap-2017-7-1935-r224")  # "48 740" in the source
    assert g.value(c, GK.value) == Literal(48740, datatype=XSD.integer)
    assert g.value(c, GK.period) == Literal("1935", datatype=EDTF.EDTF)
    assert g.value(c, GK.subject) == camp(7) and g.value(c, GK.statedIn) == ID["work/gulagmap-2017"]
    assert pointers(g, c) == {f"/{index_of(224)}/people_1935"}


def test_qualified_counts_keep_the_source_words(g):
    opening = claim("prisoner-population-gulagmap-2017-36-1934-r36")
    assert str(g.value(opening, GK.qualifier)) == "6000 (на момент открытия)" and "at the camp's opening" in str(g.value(opening, GK.stanceReason))
    upto = claim("prisoner-population-gulagmap-2017-442-1943-r442")
    assert g.value(upto, GK.value) is None and g.value(upto, GK.upperBound) == Literal(4000, datatype=XSD.integer)
    unsure = claim("prisoner-population-gulagmap-2017-27-1952-r27")
    assert g.value(unsure, GK.stance) == VOCAB["stance/approximate"]


def test_the_maximum_with_its_year(g):
    maximum = claim("max-prisoner-population-gulagmap-2017-12-r12")
    assert g.value(maximum, GK.value) == Literal(71800, datatype=XSD.integer) and str(g.value(maximum, GK.period)) == "1931"
    assert "largest population" in str(g.value(maximum, GK.qualifier))
    no_year = claim("max-prisoner-population-gulagmap-2017-294-r294")  # date_if_max_people 1.01
    assert g.value(no_year, GK.value) is not None and g.value(no_year, GK.period) is None


# ---- anomalies ---------------------------------------------------------------------------------


def test_two_records_of_one_camp_give_two_counts_for_one_year(result):
    flags = [a for a in result.anomalies if a.kind == "duplicate-count" and "camp 7 in 1935" in a.message]
    assert {a.subject for a in flags} == {claim("prisoner-population-gulagmap-2017-7-1935-r7"),
                                          claim("prisoner-population-gulagmap-2017-7-1935-r224")}
    assert any("36,313 here, 48,740 (camps.json, line 545)" in a.message for a in flags)


def test_a_count_above_the_camps_stated_maximum(result):
    flags = [a for a in result.anomalies if a.kind == "count-above-maximum" and a.subject.endswith("-165-1939-r165")]
    assert len(flags) == 1 and "above the maximum the source gives for the camp (36," in flags[0].message


def test_a_count_outside_the_camps_life(result):
    flag = next(a for a in result.anomalies if a.subject == claim("prisoner-population-gulagmap-2017-62-1940-r62"))
    assert flag.kind == "year-outside-life" and "(1937–1939, 1943–1946, 1948–1948)" in flag.message


def test_anomalies_are_in_the_graph_with_their_evidence(result, g):
    for a in result.anomalies:
        (node,) = g.objects(a.subject, GKC.anomaly) if a.kind != "duplicate-count" else [
            n for n in g.objects(a.subject, GKC.anomaly) if g.value(n, GKC.anomalyType) == ANOMALY[a.kind]]
        assert g.value(node, GKC.anomalyType) == ANOMALY[a.kind]
        assert str(g.value(node, RDFS.comment)) == a.message
        assert pointers(g, node)


# ---- provenance and validity -------------------------------------------------------------------


def test_readme_quotes_are_verbatim_and_on_their_lines():
    readme = (FULL / "README.md").read_text(encoding="utf-8").splitlines()
    excerpt = (DATA / "README.md").read_text(encoding="utf-8")
    for name, (line, quote) in README_QUOTES.items():
        assert quote in readme[line - 1], name
        assert quote in excerpt, name


def test_every_generated_node_has_the_activity_and_evidence(g):
    activity = ID["import/gulagmap-2017-2025-06-01"]
    nodes = set(g.subjects(RDF.type, GK.Claim)) | set(g.subjects(RDF.type, GK.Event)) | set(g.subjects(GK.siteType, None))
    for node in nodes:
        assert (node, PROV.wasGeneratedBy, activity) in g, node
        assert pointers(g, node), node


def test_the_import_validates_with_warnings_for_each_kind_of_anomaly(result, tmp_path):
    import gulag_kg

    path = tmp_path / "g17.trig"
    path.write_bytes(result.dataset.serialize(format="trig", encoding="utf-8"))
    kg = gulag_kg.load([path], shipped=False)
    report = kg.validate()
    assert report.violations == 0, [r.message for r in report.results if r.severity.value == "Violation"][:5]
    flagged = {(r.focus, r.message.split(";")[0][:30]) for r in report.results if r.severity.value == "Warning"}
    assert {str(a.subject) for a in result.anomalies} <= {focus for focus, _m in flagged}


def test_same_input_same_triples():
    first = import_gulagmap(EXCERPT, tool_version=TOOL, imported_on=TODAY).graph
    second = import_gulagmap(EXCERPT, tool_version=TOOL, imported_on=TODAY).graph

    def ground(graph):
        return {t for t in graph if not any(isinstance(term, rdflib.BNode) for term in t)}

    assert len(first) == len(second) and ground(first) == ground(second)


# ---- damaged copies ----------------------------------------------------------------------------


def damage(path: Path, old: str, new: str, *, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_a_damaged_copy_imports_its_good_records_and_names_every_bad_one(tmp_path):
    """The kinds of damage of the issue, in one copy: an unbalanced quote, a line break inside a
    value, an over-long title, a byte that is not UTF-8; each rejects its record, by line."""
    directory = tmp_path / "g17"
    shutil.copytree(EXCERPT, directory)
    path = directory / "camps.json"
    damage(path, '"name": "Северо-Восточный ИТЛ"', '"name": ""Северо-Восточный ИТЛ"')  # record 7, line 392
    damage(path, '"name": "Печорский ИТЛ"', '"name": "Печорский\nИТЛ"')  # record 8
    damage(path, '"name": "Луговой лагерь"', '"name": "' + "Луговой лагерь " * 20 + '"')  # record 176
    data = path.read_bytes().replace('"name": "Степной лагерь"'.encode(), b'"name": "\xd0 \xcf"')  # record 287
    path.write_bytes(data)
    result = import_gulagmap(directory, tool_version=TOOL, imported_on=TODAY)
    assert result.files == (FileCount("camps.json", 43, 39, 0, 4),)
    reasons = [r.reason for r in result.rejections]
    broken = "unbalanced quote or line break inside a value: a string on line {} does not end on its line"
    assert broken.format(392) in reasons  # the stray quote (record 7)
    assert broken.format(3302) in reasons  # the line break (record 8)
    assert sum(r.startswith("name: 300 characters") for r in reasons) == 1
    assert sum("is not UTF-8" in r for r in reasons) == 1
    for gone in (8, 176, 287):
        assert (camp(gone), RDF.type, None) not in result.graph
    assert (claim("prisoner-population-gulagmap-2017-7-1935-r7"), None, None) not in result.graph
    assert (claim("prisoner-population-gulagmap-2017-7-1935-r224"), None, None) in result.graph  # camp 7 from record 224
    for kept in (224, 12, 2, 281):  # the records around the damage
        assert (camp(ENTITY_OF.get(kept, kept)), RDF.type, None) in result.graph


def test_not_an_array_is_an_error(tmp_path):
    directory = tmp_path / "g17"
    directory.mkdir()
    (directory / "camps.json").write_text('{"id": 1}', encoding="utf-8")
    with pytest.raises(ImportDataError, match=r"camps\.json.*not a JSON array"):
        import_gulagmap(directory, tool_version=TOOL, imported_on=TODAY)


# ---- the whole release -------------------------------------------------------------------------


def test_the_whole_release_imports_with_every_record_and_value_accounted_for():
    assert FULL.is_dir(), f"{FULL} is missing (CI has ../shared beside the repository)"
    (result,) = import_releases([FULL], tool_version=TOOL, imported_on=TODAY).results
    assert result.files == (FileCount("camps.json", 493, 493, 0, 0),)
    values = {c.file: c for c in result.values}
    assert all(c.balanced for c in result.values)
    assert values["yearly counts"] == FileCount("yearly counts", 1769, 1768, 0, 1)
    assert len(result.rejections) == 9 and sum(c.rejected for c in result.values) == 9
    kinds = {a.kind for a in result.anomalies}
    assert {"duplicate-count", "count-above-maximum", "year-outside-life", "dates-out-of-order", "unresolved-reference"} <= kinds
