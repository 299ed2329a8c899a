"""Two releases, one camp: both releases of the museum's data imported together, compared, matched
with the article, and damaged copies of the whole releases.

Excerpts in tests/data/gulagmap-2017 and -2018; the whole releases from ../shared/data (CI has
them); the hand-checked list of true pairs between the article's camps and the museum's in
tests/data/gulagmap-matches.tsv, with the article's words and the museum's record for each.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import gulag_kg
from gulag_kg import paths
from gulag_kg.importers.core import ImportDataError
from gulag_kg.importers.gulagmap import import_releases
from gulag_kg.importers.terms import GKC
from gulag_kg.namespaces import GK, GRAPH, ID, OA, PROV, VOCAB

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TODAY = date(2025, 6, 1)
TOOL = "0.1.0-test"


def camp(n: int) -> URIRef:
    return ID[f"camp/gulagmap-{n}"]


def claim(local: str) -> URIRef:
    return ID[f"claim/{local}"]


def article_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths.ontology_files() + [p for p in paths.graph_files() if p.suffix == ".ttl"]:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def article() -> rdflib.Graph:
    return article_graph()


@pytest.fixture(scope="module")
def excerpts(article):
    return import_releases([DATA / "gulagmap-2017" / "excerpt", DATA / "gulagmap" / "excerpt"],
                           tool_version=TOOL, imported_on=TODAY, article_graph=article)


@pytest.fixture(scope="module")
def full(article):
    for release in ("gulagmap-2017", "gulagmap-2018"):
        assert (SHARED / release).is_dir(), f"{SHARED / release} is missing (CI has ../shared beside the repository)"
    return import_releases([SHARED / "gulagmap-2018", SHARED / "gulagmap-2017"], tool_version=TOOL, imported_on=TODAY,
                           article_graph=article)


def union(releases) -> rdflib.Graph:
    graph = rdflib.Graph()
    for g in releases.graphs:
        graph += g
    return graph


# ---- one camp, two releases ---------------------------------------------------------------------


def test_each_release_in_its_graph_and_the_comparison_in_its_own(excerpts):
    assert [r.graph_iri for r in excerpts.results] == [GRAPH["gulagmap-2017"], GRAPH["gulagmap-2018"]]
    assert excerpts.comparison.graph.identifier == GRAPH["gulagmap-comparison"]


def test_the_same_camp_is_one_entity_with_one_label_per_language(excerpts, tmp_path):
    g17, g18 = (r.graph for r in excerpts.results)
    assert (camp(7), RDF.type, GK.CampAdministration) in g17 and (camp(7), RDF.type, GK.CampAdministration) in g18
    labels = [l for g in (g17, g18) for l in g.objects(camp(7), RDFS.label)]
    assert sorted(labels) == sorted([Literal("Severo-Vostochny ITL", lang="en"), Literal("Северо-Восточный ИТЛ", lang="ru")])
    assert not list(g17.objects(camp(7), RDFS.label))  # the 2017 release's names are other names there
    path = tmp_path / "both.trig"
    path.write_bytes(_trig(excerpts))
    report = gulag_kg.load([path], shipped=False).validate()
    assert report.violations == 0, [r.message for r in report.results if r.severity.value == "Violation"][:5]


def _trig(releases) -> bytes:
    from gulag_kg.export import serialize_quads
    from gulag_kg.importing import rdflib_graphs_quads

    return serialize_quads(rdflib_graphs_quads(releases.graphs), "trig")


def test_every_figure_is_a_claim_of_its_own_release(excerpts):
    g = union(excerpts)
    for c in g.subjects(GK.property, GK.prisonerPopulation):
        release = "2017" if "gulagmap-2017-" in str(c) else "2018"
        assert g.value(c, GK.statedIn) == ID[f"work/gulagmap-{release}"], c


def test_figures_that_agree_are_the_same_figure(excerpts):
    g = excerpts.comparison.graph
    a, b = claim("prisoner-population-gulagmap-2017-7-1940-r7"), claim("prisoner-population-gulagmap-2018-7-1940-368")
    assert (a, GK.sameFigureAs, b) in g and (b, GK.sameFigureAs, a) in g


def test_figures_that_differ_stand_side_by_side(excerpts):
    site = next(s for s in excerpts.comparison.sites if s.site == 7 and s.record == 7)
    assert site.differ == () and len(site.same) >= 15
    g = union(excerpts)
    both = {str(g.value(c, GK.statedIn)) for c in g.subjects(GK.subject, camp(7))
            if g.value(c, GK.property) == GK.prisonerPopulation and str(g.value(c, GK.period)) == "1941"}
    assert both == {str(ID["work/gulagmap-2017"]), str(ID["work/gulagmap-2018"])}


def test_the_one_year_shift_is_an_interpretation_with_its_evidence(excerpts):
    shifted = {(s.site, s.record) for s in excerpts.comparison.shifted_sites}
    assert (7, 224) in shifted and (7, 7) not in shifted  # record 224 repeats camp 7 a year earlier
    g = excerpts.comparison.graph
    c = claim("count-dating-offset-gulagmap-2017-gulagmap-2018-gulagmap-7-r224")
    assert g.value(c, GK.property) == GKC.countDatingOffset and g.value(c, GK.subject) == camp(7)
    assert g.value(c, GK.value).toPython() == 1 and g.value(c, GK.unit) == VOCAB["unit/years"]
    assert g.value(c, GK.method) == VOCAB["method/release-comparison"] and g.value(c, GK.stance) == VOCAB["stance/inferred"]
    assert g.value(c, GK.claimant) == ID["agent/gulag-kg-curators"]
    reason = str(g.value(c, GK.stanceReason))
    assert "appear one year later in the 2018 release (1934: 36,313 → 1935;" in reason and "neither figure is changed" in reason
    derived = set(g.objects(c, PROV.wasDerivedFrom))
    assert {ID["work/gulagmap-2017"], ID["work/gulagmap-2018"], claim("prisoner-population-gulagmap-2017-7-1934-r224"),
            claim("prisoner-population-gulagmap-2018-7-1935-363")} <= derived
    sources = {g.value(ev, OA.hasSource) for ev in g.objects(c, GK.evidence)}
    assert sources == {ID["source/gulagmap-2017-camps-json"], ID["source/gulagmap-2018-statistics-csv"]}
    a, b = claim("prisoner-population-gulagmap-2017-7-1934-r224"), claim("prisoner-population-gulagmap-2018-7-1935-363")
    assert (a, GKC.sameFigureDatedDifferently, b) in g
    # nothing was moved: the 2017 claim keeps its year
    g17 = excerpts.results[0].graph
    assert str(g17.value(a, GK.period)) == "1934"


def test_merger_names_resolve_against_both_releases(excerpts):
    g17 = excerpts.results[0].graph
    assert g17.value(claim("merged-into-gulagmap-2017-176-r176-1"), GK.value) == camp(281)


def test_the_same_release_twice_or_neither_release_is_an_error(tmp_path):
    with pytest.raises(ImportDataError, match="holds the same release"):
        import_releases([DATA / "gulagmap" / "excerpt", DATA / "gulagmap" / "broken"], tool_version=TOOL,
                        imported_on=TODAY)
    with pytest.raises(ImportDataError, match="holds neither release"):
        import_releases([tmp_path], tool_version=TOOL, imported_on=TODAY)


# ---- the whole releases -------------------------------------------------------------------------


def test_both_whole_releases_with_every_record_accounted_for(full):
    r17, r18 = full.results
    assert [(c.file, c.read, c.imported, c.skipped, c.rejected) for c in r17.files] == [("camps.json", 493, 493, 0, 0)]
    assert [(c.file, c.read, c.imported, c.skipped, c.rejected) for c in r18.files] == [
        ("camps.csv", 574, 574, 0, 0), ("locations.csv", 668, 661, 0, 7), ("statistics.csv", 2472, 1855, 612, 5)]
    assert all(c.balanced for r in full.results for c in r.files + r.values)


def test_the_comparison_of_the_whole_releases(full):
    c = full.comparison
    assert (len(c.sites), c.agreements, c.differences, c.shifted_figures) == (430, 1290, 56, 307)
    shifted = {s.site for s in c.shifted_sites}
    assert len(shifted) == 90
    assert {87, 130, 160} <= shifted  # e.g. 1952: 4,781 in 2017 is 1953: 4,781 in 2018 (camp 87)
    claims = set(c.graph.subjects(GK.property, GKC.countDatingOffset))
    assert len(claims) == len(c.shifted_sites)


def test_matching_meets_the_recall_on_the_hand_checked_list_with_no_false_link(full):
    rows = list(csv.DictReader((DATA / "gulagmap-matches.tsv").open(encoding="utf-8"), delimiter="\t"))
    source = paths.source_text_path().read_text(encoding="utf-8")
    for row in rows:  # the evidence of the list: the article's words, verbatim
        assert row["article_words"] in source, row["article_words"]
    expand = lambda name: ID[name.replace("camp:", "camp/")] if name else None  # noqa: E731
    true_pairs = {(expand(r["article_camp"]), expand(r["museum_camp"])) for r in rows if r["pair"] == "yes"}
    not_pairs = {(expand(r["article_camp"]), expand(r["museum_camp"])) for r in rows if r["pair"] == "no" and r["museum_camp"]}
    accepted = {(m.article_camp, m.museum_camp) for m in full.matches if m.accepted}
    recall = len(true_pairs & accepted) / len(true_pairs)
    assert len(true_pairs) == 10 and recall >= 0.9, sorted(true_pairs - accepted)
    assert accepted <= true_pairs, sorted(accepted - true_pairs)  # no false link
    assert not accepted & not_pairs
    # both releases: each true pair's camp is in each release (the records the list names) and linked there
    r17, r18 = (r.graph for r in full.results)
    for row in rows:
        if row["pair"] != "yes":
            continue
        pair = (expand(row["article_camp"]), expand(row["museum_camp"]))
        assert (pair[1], RDF.type, None) in r18 and (pair[0], OWL.sameAs, pair[1]) in r18
        if row["records_2017"]:
            assert (pair[1], RDF.type, None) in r17 and (pair[0], OWL.sameAs, pair[1]) in r17


def test_places_of_the_article_reach_the_camps_located_there(full, tmp_path):
    path = tmp_path / "full.trig"
    path.write_bytes(_trig(full))
    kg = gulag_kg.load([path])

    def sites(place: str) -> set[str]:
        return {row["site"] for row in kg.query("camps-in-place", params={"place": f"place:{place}"}).as_dicts()}

    assert str(camp(111)) in sites("vorkuta")  # Vorkutlag: "поселок Воркута"
    kolyma = sites("kolyma")
    assert str(camp(7)) in kolyma and len(kolyma) >= 25  # the museum's region "Kolyma camps"
    assert {str(camp(287)), str(camp(281)), str(camp(193))} <= sites("karaganda")  # "город Караганда"
    assert str(camp(2)) not in kolyma  # Dallag: Khabarovsk, region "Far East"
    rows = kg.query("camps-in-year", params={"year": "1940"}).as_dicts()
    museum = [r for r in rows if r["site"] == str(camp(7)) and r["value"] == "190309"]
    assert {r["source"] for r in museum} >= {"gulagmap 2017: the museum's master table of camps (an earlier release of the same source)",
                                              "gulagmap 2018: camps of the Gulag, as published by the GULAG History Museum's map"}


# ---- damaged copies of the whole releases -------------------------------------------------------


def _replace_line(path: Path, number: int, change) -> str:
    lines = path.read_bytes().split(b"\n")
    old = lines[number - 1]
    lines[number - 1] = change(old)
    path.write_bytes(b"\n".join(lines))
    return old.decode("utf-8", errors="replace")


def test_a_damaged_copy_of_the_2018_release(tmp_path):
    """The damage of the issue: a stray quote at the start of a title (camp 5), a byte that is not
    UTF-8 (a count of camp 12), a line break where none is allowed (a place of camp 8), an
    over-long title (camp 10), a second count for one camp and year, a count of 999,999,999, and
    swapped coordinates (Norilsk). Every good row is imported and every bad one named by line."""
    d = tmp_path / "gulagmap-2018"
    shutil.copytree(SHARED / "gulagmap-2018", d)
    for f in d.iterdir():
        f.chmod(0o644)
    camps, locations, statistics = d / "camps.csv", d / "locations.csv", d / "statistics.csv"
    _replace_line(camps, 5, lambda b: b.replace(b"5,", b'5,"', 1))
    _replace_line(camps, 10, lambda b: b.replace(b"10,", b"10," + b"x" * 250, 1))
    stat = next(i for i, l in enumerate(statistics.read_text(encoding="utf-8").splitlines(), 1) if l.split(",")[2:3] == ["12"])
    _replace_line(statistics, stat, lambda b: b + b"\xff")
    place = next(i for i, l in enumerate(locations.read_text(encoding="utf-8").splitlines(), 1) if l.split(",")[1:2] == ["8"])
    _replace_line(locations, place, lambda b: b.replace(b'"Komi', b'"Komi\n', 1))
    norilsk = next(i for i, l in enumerate(locations.read_text(encoding="utf-8").splitlines(), 1) if l.startswith("184,"))
    _replace_line(locations, norilsk, lambda b: b.replace(b"88.201059,69.349036", b"69.349036,88.201059"))
    with statistics.open("a", encoding="utf-8") as handle:
        handle.write("9901,104,7,1940,12\r\n9902,184,251,1946,999999999\r\n")
    (result,) = import_releases([d], tool_version=TOOL, imported_on=TODAY).results
    files = {c.file: c for c in result.files}
    assert all(c.balanced for c in result.files)
    assert files["camps.csv"].read == 574 and files["camps.csv"].rejected == 2
    lines = {(r.file, r.line): r.reason for r in result.rejections}
    assert lines[("camps.csv", 5)].startswith("unbalanced quote")
    assert lines[("camps.csv", 10)].startswith("title_ru: 265 characters, more than the 200")
    assert lines[("statistics.csv", stat)].startswith(f"line {stat} is not UTF-8")
    assert "a line break where none is allowed" in lines[("locations.csv", place)]
    damaged = {("camps.csv", 5), ("camps.csv", 10), ("statistics.csv", stat), ("locations.csv", place)}
    follow = [k for k, reason in lines.items()  # rows of a rejected camp or place, which say so
              if k not in damaged and reason.endswith(("camps.csv, line 5", "camps.csv, line 10", f"locations.csv, line {place}"))]
    own = [k for k, reason in lines.items() if k not in damaged and "refers to no imported camp" in reason]
    assert len(own) == 12  # the rows of the release itself that refer to camps it lacks (see test_gulagmap)
    rest = {k: r for k, r in lines.items() if k not in damaged and k not in follow and k not in own}
    assert rest == {}, rest  # nothing else was rejected
    g = result.graph
    for kept in (6, 7, 8):  # the camps the stray quote would have swallowed
        assert (camp(kept), RDF.type, GK.CampAdministration) in g
    assert (camp(5), None, None) not in g and (camp(10), None, None) not in g
    flagged = {(a.kind, str(a.subject).rsplit("/", 1)[-1]) for a in result.anomalies}
    assert ("duplicate-count", "prisoner-population-gulagmap-2018-7-1940-9901") in flagged
    assert ("duplicate-count", "prisoner-population-gulagmap-2018-7-1940-368") in flagged
    assert ("count-outlier", "prisoner-population-gulagmap-2018-251-1946-9902") in flagged
    assert ("coordinates-swapped", "gulagmap-location-184") in flagged


def test_a_damaged_copy_of_the_2017_release(tmp_path):
    d = tmp_path / "gulagmap-2017"
    shutil.copytree(SHARED / "gulagmap-2017", d)
    (d / "camps.json").chmod(0o644)
    path = d / "camps.json"
    text = path.read_text(encoding="utf-8")
    text = text.replace('"name": "Дальневосточный ИТЛ"', '"name": "Дальневосточный "ИТЛ"', 1)  # record 2
    text = text.replace('"latitude": 65.07733,\n  "longitude": 35.70419,', '"latitude": 35.70419,\n  "longitude": 65.07733,', 1)  # Solovki
    text = text.replace('"people_1940": "190 309"', '"people_1940": "999 999 999"', 1)  # record 224
    path.write_text(text, encoding="utf-8")
    (result,) = import_releases([d], tool_version=TOOL, imported_on=TODAY).results
    assert result.files[0].read == 493 and result.files[0].rejected == 1 and result.files[0].imported == 492
    (bad,) = [r for r in result.rejections if "unbalanced" in r.reason]
    assert path.read_text(encoding="utf-8").splitlines()[bad.line - 1].strip().startswith('"name": "Дальневосточный "ИТЛ"')
    assert (camp(2), None, None) not in result.graph and (camp(12), RDF.type, None) in result.graph
    flagged = {(a.kind, str(a.subject).rsplit("/", 1)[-1]) for a in result.anomalies}
    assert ("coordinates-swapped", "gulagmap-2017-location-12-1") in flagged
    assert ("count-outlier", "prisoner-population-gulagmap-2017-7-1940-r224") in flagged


# ---- the benchmark ------------------------------------------------------------------------------


def test_the_import_benchmark_runs_end_to_end(tmp_path):
    """A smoke run of bench/import.py on the excerpts: well-formed records (timings belong in
    bench/RESULTS.md, not in a test)."""
    import json
    import subprocess
    import sys

    out = tmp_path / "bench.json"
    subprocess.run([sys.executable, str(paths.project_root() / "bench" / "import.py"), "--repeat", "1",
                    "--data-2017", str(DATA / "gulagmap-2017" / "excerpt"), "--data-2018", str(DATA / "gulagmap" / "excerpt"),
                    "--json", str(out)], check=True, capture_output=True, timeout=600)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [c["case"] for c in result["cases"]] == ["2017", "2018", "both"]
    for case in result["cases"]:
        assert case["quads"] > 1000 and case["median_s"] > 0 and case["peak_rss_mb"] > 0 and case["ratio"] > 0
        assert any(line.startswith("total: ") for line in case["summary"])
    both = next(c for c in result["cases"] if c["case"] == "both")
    assert both["quads"] > max(c["quads"] for c in result["cases"] if c["case"] != "both")
    assert set(result["stages_both_s"]) == {"read and check", "build graphs (with anomaly checks)",
                                            "match and locate in the article's places", "compare releases", "write TriG"}
