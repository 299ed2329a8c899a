"""`gulag-kg import gulagmap` end to end: either release or both, counts, rejections by line,
anomalies, reports, and the result loaded beside the shipped graph."""

from __future__ import annotations

import csv
import io

from gulag_kg.cli import cli

import gulag_kg

from .conftest import DATA, ROOT

E17 = DATA / "gulagmap-2017" / "excerpt"
E18 = DATA / "gulagmap" / "excerpt"
BROKEN = DATA / "gulagmap" / "broken"
FULL = ROOT.parent / "shared" / "data"


def test_import_excerpt_writes_trig_that_loads_and_validates(runner, tmp_path):
    out = tmp_path / "gm.trig"
    report = tmp_path / "matches.tsv"
    result = runner.invoke(cli, ["import", "gulagmap", str(E18), "-o", str(out), "--report", str(report), "--date", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert "gulagmap-2018: camps.csv: 24 rows read, 24 imported, 0 skipped (no data), 0 rejected" in result.stderr
    kg = gulag_kg.load([out])
    assert kg.validate().violations == 0
    graphs = {g.value for g in kg.store.named_graphs()}
    assert "https://w3id.org/gulag-kg/graph/gulagmap-2018" in graphs
    rows = list(csv.DictReader(io.StringIO(report.read_text()), delimiter="\t"))
    accepted = {(r["article_label"], r["museum_label"]) for r in rows if r["decision"] == "accepted"}
    assert ("Norillag", "Norilsky ITL") in accepted and ("Steplag", "Stepnoy Camp") in accepted


def test_import_is_byte_identical_for_the_same_input_and_date(runner, tmp_path):
    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    for out in (a, b):
        assert runner.invoke(cli, ["import", "gulagmap", str(E17), str(E18), "-o", str(out), "--date", "2026-11-27"]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_both_releases_with_the_comparison_and_the_anomalies(runner, tmp_path):
    out, comparison, anomalies = tmp_path / "both.trig", tmp_path / "releases.tsv", tmp_path / "anomalies.tsv"
    result = runner.invoke(cli, ["import", "gulagmap", str(E17), str(E18), "-o", str(out), "--comparison", str(comparison),
                                 "--anomalies", str(anomalies), "--date", "2026-11-27"])
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "gulagmap-2017: camps.json: 43 records read, 43 imported, 0 skipped (no data), 0 rejected" in err
    assert "gulagmap-2017: camps.json: yearly counts: 237 values read, 236 imported, 0 skipped, 1 rejected" in err
    assert "gulagmap-2017, camps.json, line 1522: rejected: people_1942: 'был закрыт' is not a count" in err
    assert "anomaly (" not in err and "anomalies flagged (SHACL warnings)" in err  # listed in the file instead
    assert "comparison 2017/2018:" in err and "camps found shifted by one year (gk:countDatingOffset)" in err
    rows = list(csv.DictReader(io.StringIO(comparison.read_text(encoding="utf-8")), delimiter="\t"))
    sevvostlag = {r["record"]: r for r in rows if r["camp"] == "7"}
    assert sevvostlag["224"]["finding"] == "2018 gives the counts one year later"
    assert sevvostlag["7"]["finding"] == "agree"
    flagged = list(csv.DictReader(io.StringIO(anomalies.read_text(encoding="utf-8")), delimiter="\t"))
    assert {"duplicate-count", "count-above-maximum", "unresolved-reference"} <= {r["kind"] for r in flagged}
    assert all(r["line"].isdigit() and r["file"] in ("camps.json", "camps.csv", "locations.csv", "statistics.csv") for r in flagged)
    report = gulag_kg.load([out]).validate()
    assert report.violations == 0
    assert report.warnings >= len(flagged) - 10


def test_claims_of_a_camp_show_both_releases_side_by_side(runner, tmp_path):
    out = tmp_path / "both.trig"
    assert runner.invoke(cli, ["import", "gulagmap", str(E17), str(E18), "-o", str(out)]).exit_code == 0
    claims = runner.invoke(cli, ["--data", str(out), "claims", "Sevvostlag", "prisonerPopulation", "--format", "csv"])
    assert claims.exit_code == 0, claims.output
    rows = list(csv.DictReader(io.StringIO(claims.stdout)))
    by = {(r["stated_in"], r["period"], r["value"]) for r in rows}
    g17 = "gulagmap 2017: the museum's master table of camps (an earlier release of the same source)"
    g18 = "gulagmap 2018: camps of the Gulag, as published by the GULAG History Museum's map"
    assert (g17, "1940", "190309") in by and (g18, "1940", "190309") in by
    assert (g17, "1935", "48740") in by and (g18, "1936", "48740") in by  # record 224, a year earlier
    same = next(r for r in rows if r["claim"].endswith("gulagmap-2018-7-1940-368"))
    assert "sameFigureAs" in same["relations"]


def test_camps_in_year_answers_from_the_museums_data_with_the_source(runner, tmp_path):
    out = tmp_path / "both.trig"
    assert runner.invoke(cli, ["import", "gulagmap", str(E17), str(E18), "-o", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["--data", str(out), "query", "camps-in-year", "--param", "year=1940", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    norilsk = {(r["value"], r["source"]) for r in rows if r["site"].endswith("/camp/gulagmap-251") and r["value"]}
    assert norilsk and {s for _v, s in norilsk} >= {
        "gulagmap 2017: the museum's master table of camps (an earlier release of the same source)",
        "gulagmap 2018: camps of the Gulag, as published by the GULAG History Museum's map"}


def test_broken_rows_are_reported_by_file_and_line_and_the_rest_imported(runner, tmp_path):
    result = runner.invoke(cli, ["import", "gulagmap", str(BROKEN), "-o", str(tmp_path / "b.trig")])
    assert result.exit_code == 0
    rejected = [line for line in result.stderr.splitlines() if ": rejected: " in line]
    assert len(rejected) == 26
    for line in rejected:
        source, file, where = line.split(", ")[:3]
        assert source == "gulagmap-2018" and file in ("camps.csv", "locations.csv", "statistics.csv")
        assert where.startswith("line ")
    total = next(line for line in result.stderr.splitlines() if line.startswith("total: "))
    assert f"{len(rejected)} rejected" in total


def test_import_refuses_a_triple_format(runner, tmp_path):
    result = runner.invoke(cli, ["import", "gulagmap", str(E18), "-o", str(tmp_path / "x.ttl")])
    assert result.exit_code == 2
    assert "write it as .trig or .nq" in result.output


def test_import_errors_are_one_line_and_exit_2(runner, tmp_path):
    for args, message in (
        ([str(tmp_path / "none")], "is not a directory"),
        ([str(tmp_path)], "holds neither release"),
        ([str(E18), str(BROKEN)], "holds the same release"),
        ([str(E18), "--comparison", str(tmp_path / "c.tsv")], "--comparison needs both releases"),
    ):
        result = runner.invoke(cli, ["import", "gulagmap", *args, "-o", str(tmp_path / "x.trig")])
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("Error: ") and message in result.output and result.output.count("\n") == 1


def test_bad_accept_pair(runner, tmp_path):
    result = runner.invoke(cli, ["import", "gulagmap", str(E18), "-o", str(tmp_path / "x.trig"),
                                 "--accept-pair", "camp:nowhere=camp:gulagmap-251"])
    assert result.exit_code == 2
    assert result.output == "Error: --accept-pair: camp:nowhere is not a place of detention of the shipped graph\n"


def test_full_import_and_an_accepted_pair_side_by_side(runner, tmp_path):
    assert (FULL / "gulagmap-2018").is_dir(), "the shared data is missing (CI has ../shared beside the repository)"
    out = tmp_path / "full.trig"
    result = runner.invoke(cli, ["import", "gulagmap", str(FULL / "gulagmap-2018"), "-o", str(out), "--anomalies",
                                 str(tmp_path / "a.tsv"), "--accept-pair", "camp:burepolom=camp:gulagmap-69"])
    assert result.exit_code == 0, result.output
    assert "total: 3714 records read, 3090 imported, 612 skipped, 12 rejected" in result.stderr
    assert "1 pairs accepted by review (owl:sameAs)" in result.stderr
    claims = runner.invoke(cli, ["--data", str(out), "claims", "Burepolom", "prisonerPopulation", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(claims.stdout)))
    by_claimant = {(r["claimant"], r["value"], r["period"]) for r in rows}
    assert ("Victor Herman", "3000", "") in by_claimant
    assert ("Gulag History Museum", "7244", "1947") in by_claimant
