"""Charts that show every claim: drawn, or listed under the chart with the reason."""

from __future__ import annotations

import re
import textwrap

import matplotlib
import pytest

import gulag_kg
from gulag_kg import plot
from gulag_kg.cli import cli
from gulag_kg.entities import compact
from gulag_kg.plot import chart_claims, render_chart

CLAIMS_OF = """SELECT DISTINCT ?claim ?p WHERE { ?claim a gk:Claim ; gk:subject agency:gulag ; gk:property ?p .
    VALUES ?p { %s } }"""


def _claims(kg, *props):
    return {compact(r["claim"]) for r in kg.query(CLAIMS_OF % " ".join(props)).as_dicts()}


@pytest.mark.parametrize(("quantity", "drawn", "listed"), [
    ("deaths", ("gk:deaths", "gk:annualDeaths"), ("gk:shareOfDeaths", "gk:mortalityRate", "gk:relativeMortality")),
    ("population", ("gk:prisonerPopulation",), ()),
])
def test_every_claim_is_drawn_or_listed_with_the_reason(kg, quantity, drawn, listed):
    rows, not_drawn = chart_claims(kg.store, quantity)
    expected_drawn = _claims(kg, *drawn)
    assert {r.claim for r in rows} == expected_drawn, "a claim of the quantity is missing from the chart"
    assert len(rows) == len(expected_drawn), "a claim is drawn twice"
    if listed:
        assert _claims(kg, *listed) <= {n.claim for n in not_drawn}
    assert all(n.reason for n in not_drawn)


def test_the_contested_high_estimates_are_drawn(kg):
    rows, _ = chart_claims(kg.store, "deaths")
    claims = {r.claim: r for r in rows}
    for claim, value in (("claim:deaths-gulag-alexopoulos-2018", 6_000_000), ("claim:deaths-gulag-nakonechnyi-2020", 2_500_000),
                         ("claim:deaths-gulag-colonies-settlements-pohl", 2_749_163), ("claim:deaths-gulag-rosefielde-2009", 1_258_537)):
        assert claims[claim].value == value
    assert (claims["claim:deaths-gulag-pre-1991-unnamed-sources"].lower, claims["claim:deaths-gulag-pre-1991-unnamed-sources"].upper) == (2_300_000, 17_600_000)


def test_totals_over_a_period_and_deaths_per_year_are_apart(kg):
    rows, _ = chart_claims(kg.store, "deaths")
    sections = {r.claim: r.section for r in rows}
    assert sections["claim:deaths-gulag-per-year-britannica"] == "Deaths in each year of the period"
    assert sections["claim:deaths-gulag-1934-1953-archival-study-1993"] == "Total deaths over the period the claim covers"


def test_a_claim_added_to_the_graph_is_in_the_chart(tmp_path):
    path = tmp_path / "more.ttl"
    path.write_text(textwrap.dedent("""
        @prefix gk: <https://w3id.org/gulag-kg/ontology#> . @prefix claim: <https://w3id.org/gulag-kg/id/claim/> .
        @prefix agency: <https://w3id.org/gulag-kg/id/agency/> . @prefix unit: <https://w3id.org/gulag-kg/vocab/unit/> .
        claim:test-undated a gk:Claim ; gk:subject agency:gulag ; gk:property gk:deaths ; gk:value 3000000 ; gk:unit unit:people .
        claim:test-percent a gk:Claim ; gk:subject agency:gulag ; gk:property gk:deaths ; gk:value 12 ; gk:unit unit:percent .
    """), encoding="utf-8")
    rows, not_drawn = chart_claims(gulag_kg.load([path]).store, "deaths")
    assert "claim:test-undated" in {r.claim for r in rows}
    assert ("claim:test-percent", "counted in percent, not in people") in {(n.claim, n.reason) for n in not_drawn}


@pytest.fixture(scope="module")
def svg(kg):
    before = dict(matplotlib.rcParams)
    chart = render_chart(kg.store, "deaths", fmt="svg")
    assert dict(matplotlib.rcParams) == before, "the chart changed matplotlib's global settings"
    return chart


def test_the_svg_keeps_text_as_text_and_names_every_claimant_and_the_source(svg):
    text = svg.data.decode("utf-8")
    words = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", text))
    assert "Deaths in the Gulag" in words
    for row in svg.rows:
        assert row.label.split(",")[0] in words, row.label
        assert row.claim in words  # the key under the chart
    for n in svg.not_drawn:
        assert n.claim in words
    assert "English Wikipedia article" in words and "CC BY-SA 4.0" in words


def test_the_axis_starts_at_zero_or_says_it_is_cut(svg):
    words = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg.data.decode("utf-8")))
    assert "axis cut at" in words  # 17.6 million dwarfs the rest: the axis is cut and says so
    assert "beyond the cut axis" in words


def test_the_chart_is_the_same_bytes_each_time(kg, svg):
    assert render_chart(kg.store, "deaths", fmt="svg").data == svg.data


def test_plot_module_never_uses_pyplot():
    source = open(plot.__file__, encoding="utf-8").read()
    assert "pyplot" not in source.replace("no pyplot", "")


def test_the_cli_says_what_it_drew_and_what_it_listed(runner, tmp_path):
    out = tmp_path / "deaths.svg"
    result = runner.invoke(cli, ["plot", "deaths", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"drew 14 claims to {out}; listed 5 more under the chart")
    assert "not drawn: claim:deaths-share-gulag-1941-1943-consensus — a share of all deaths in percent" in result.stderr
