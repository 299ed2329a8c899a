"""`gulag-kg import gulagmap` end to end: counts, rejections by line, the merged graph."""

from __future__ import annotations

import csv
import io

import pytest

import gulag_kg
from gulag_kg.cli import cli

from .conftest import DATA, ROOT

EXCERPT = DATA / "gulagmap" / "excerpt"
BROKEN = DATA / "gulagmap" / "broken"
FULL = ROOT.parent / "shared" / "data" / "gulagmap-2018"


def test_import_excerpt_writes_trig_that_loads_and_validates(runner, tmp_path):
    out = tmp_path / "gm.trig"
    report = tmp_path / "matches.tsv"
    result = runner.invoke(cli, ["import", "gulagmap", str(EXCERPT), "-o", str(out), "--report", str(report), "--date", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert "camps.csv: 20 rows read, 20 imported, 0 skipped (no data), 0 rejected" in result.stderr
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
        assert runner.invoke(cli, ["import", "gulagmap", str(EXCERPT), "-o", str(out), "--date", "2026-11-27"]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_broken_rows_are_reported_by_file_and_line_and_the_rest_imported(runner, tmp_path):
    result = runner.invoke(cli, ["import", "gulagmap", str(BROKEN), "-o", str(tmp_path / "b.trig")])
    assert result.exit_code == 0
    rejected = [l for l in result.stderr.splitlines() if ": rejected: " in l]
    assert len(rejected) >= 10
    for line in rejected:
        assert line.split(",")[0] in ("camps.csv", "locations.csv", "statistics.csv")
        assert ", line " in line
    total = result.stderr.splitlines()[-2]
    assert total.startswith("total: ") and f"{len(rejected)} rejected" in total


def test_import_refuses_a_triple_format(runner, tmp_path):
    result = runner.invoke(cli, ["import", "gulagmap", str(EXCERPT), "-o", str(tmp_path / "x.ttl")])
    assert result.exit_code == 2
    assert "write it as .trig or .nq" in result.output


def test_import_of_a_missing_directory_exits_2(runner, tmp_path):
    result = runner.invoke(cli, ["import", "gulagmap", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")


def test_bad_accept_pair(runner, tmp_path):
    result = runner.invoke(cli, ["import", "gulagmap", str(EXCERPT), "-o", str(tmp_path / "x.trig"),
                                 "--accept-pair", "camp:nowhere=camp:gulagmap-251"])
    assert result.exit_code == 2
    assert result.output == "Error: --accept-pair: camp:nowhere is not a place of detention of the shipped graph\n"


@pytest.mark.skipif(not FULL.is_dir(), reason="the shared gulagmap-2018 data is not beside the repository")
def test_full_import_and_both_sources_side_by_side(runner, tmp_path):
    out = tmp_path / "full.trig"
    result = runner.invoke(cli, ["import", "gulagmap", str(FULL), "-o", str(out),
                                 "--accept-pair", "camp:burepolom=camp:gulagmap-69"])
    assert result.exit_code == 0
    assert "total: 3714 rows read, 3090 imported, 612 skipped, 12 rejected" in result.stderr
    claims = runner.invoke(cli, ["--data", str(out), "claims", "Burepolom", "prisonerPopulation", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(claims.stdout)))
    by_claimant = {(r["claimant"], r["value"], r["period"]) for r in rows}
    assert ("Victor Herman", "3000", "") in by_claimant
    assert ("Gulag History Museum", "7244", "1947") in by_claimant
