"""Text for people and tables for programs: periods in words, qualifiers shown, numbers as numbers."""

from __future__ import annotations

import csv
import io

import pytest

from gulag_kg.cli import cli
from gulag_kg.render import edtf_text


@pytest.mark.parametrize(("edtf", "words"), [
    ("1934/1953", "1934–1953"),
    ("193X/195X", "1930s–1950s"),
    ("192X", "1920s"),
    ("19XX", "1900s"),
    ("1953", "1953"),
    ("1941-06", "June 1941"),
    ("1930-04-25", "25 April 1930"),
    ("1953-01~", "c. January 1953"),
    ("1941?", "1941 (uncertain)"),
    ("1930/..", "1930 onwards"),
    ("1945/", "from 1945 (end unknown)"),
    ("../1922", "until 1922"),
    ("/1944-06~", "until c. June 1944 (start unknown)"),
    ("1946~/1955~", "c. 1946 – c. 1955"),
    ("1929-06-27/..", "27 June 1929 onwards"),
    ("", ""),
])
def test_edtf_in_words(edtf, words):
    assert edtf_text(edtf) == words


def _csv(runner, *args):
    result = runner.invoke(cli, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_csv_gives_value_lower_and_upper_as_numbers_and_the_unit_apart(runner):
    rows = {r["claim"]: r for r in _csv(runner, "claims", "gulag", "deaths")}
    britannica = rows["claim:deaths-gulag-1918-1956-britannica"]
    assert (britannica["value"], britannica["lower"], britannica["upper"], britannica["unit"]) == ("", "1200000", "1700000", "people")
    assert rows["claim:deaths-gulag-1934-1953-archival-study-1993"]["value"] == "1053829"
    for r in rows.values():  # every figure reads as a number: no thousands separators, no ranges in one cell
        for field in ("value", "lower", "upper"):
            if r[field]:
                float(r[field])
    # EDTF for programs, with the bounds it means
    assert (britannica["period"], britannica["period_start"], britannica["period_end"]) == ("1918/1956", "1918-01-01", "1956-12-31")


def test_tsv_has_the_same_columns_as_csv(runner):
    result = runner.invoke(cli, ["claims", "gulag", "deaths", "--format", "tsv"])
    header = result.stdout.splitlines()[0].split("\t")
    assert header[:6] == ["property", "value", "value_label", "lower", "upper", "unit"] and "qualifier" in header


def test_the_table_has_a_qualifier_column_and_periods_in_words(runner, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    result = runner.invoke(cli, ["claims", "gulag", "prisonerPopulation", "--format", "table"])
    lines = result.stdout.splitlines()
    header = lines[1].split()
    assert "qualifier" in header and "period" in header
    camps_only = next(l for l in lines if "claim:prisoner-population-gulag-camps-early-1950s-wikipedia" in l)
    assert "1950s" in camps_only and "camps only" in camps_only and "195X" not in camps_only


def test_claims_of_several_kinds_are_in_tables_of_their_own(runner, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    result = runner.invoke(cli, ["claims", "gulag", "--format", "table"])
    text = result.stdout
    assert "deaths (people) — gk:deaths" in text and "share of deaths (percent) — gk:shareOfDeaths" in text
    deaths = text.split("deaths (people) — gk:deaths", 1)[1].split("\n\n", 1)[0]
    assert "percent" not in deaths


def test_the_timeline_gives_dates_in_words_and_notes_the_source_defect_instead_of_a_renaming(runner):
    result = runner.invoke(cli, ["timeline", "GULAG"])
    text = result.stdout
    assert "1930s–1950s" in text and "193X" not in text
    assert "renaming: Gulag → Gulag" not in text
    assert "note on the source: The Gulag \"renamed as the GULAG\" in November 1930" in text


def test_json_keeps_edtf(runner):
    result = runner.invoke(cli, ["claims", "gulag", "existence", "--format", "json"])
    assert '"period": "193X/195X"' in result.stdout


def test_describe_shows_the_conflicts_of_the_entitys_claims_with_labels_as_written(runner):
    result = runner.invoke(cli, ["describe", "camp:soviet-penal-system"])
    assert result.exit_code == 0
    text = result.stdout
    assert "conflicting claims" in text and "still under the purview of the NKVD" in text
    assert "NKVD (prison administration of the 1920s)" in text and "1,920s" not in text
    assert "(≥ 1,600,000, 1939)" in runner.invoke(cli, ["claims", "gulag", "prisonerPopulation", "--format", "table"]).stdout
