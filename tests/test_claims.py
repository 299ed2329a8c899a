"""Claims side by side: grouped by kind of quantity, conflicts linked, shown and never missed."""

from __future__ import annotations

import textwrap

import pytest

import gulag_kg
from gulag_kg.claims import contradictions, group_claims, unlinked_conflicts
from gulag_kg.cli import cli

CLAIM = "https://w3id.org/gulag-kg/id/claim/"

PREFIXES = """
@prefix gk: <https://w3id.org/gulag-kg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix edtf: <http://id.loc.gov/datatypes/edtf/> . @prefix claim: <https://w3id.org/gulag-kg/id/claim/> .
@prefix agency: <https://w3id.org/gulag-kg/id/agency/> . @prefix camp: <https://w3id.org/gulag-kg/id/camp/> .
"""


def _planted(tmp_path, body: str):
    path = tmp_path / "planted.ttl"
    path.write_text(PREFIXES + textwrap.dedent(body), encoding="utf-8")
    return gulag_kg.load([path])


def test_claims_of_several_properties_are_grouped_by_kind(kg):
    rows = kg.claims("gulag")
    groups = {g.property: g for g in group_claims(rows)}
    assert groups["gk:deaths"].heading == "deaths (people)"
    assert groups["gk:shareOfDeaths"].heading == "share of deaths (percent)"
    assert groups["gk:duration"].units == ("days", "hours", "months", "years")
    for group in groups.values():  # one kind of quantity per group: the units it allows, and no other
        if group.units:
            assert {c.unit for c in group.claims} <= set(group.units), group.property


def test_the_death_toll_lists_no_percentage(kg):
    rows = kg.claims("gulag", "deaths")
    assert rows and {r.unit for r in rows} == {"people"}


def test_every_contradiction_is_reciprocal_and_explained(kg):
    rows = kg.query("""SELECT ?a ?b (BOUND(?why) AS ?explained) (EXISTS { ?b gk:contradicts ?a } AS ?back) WHERE {
        ?a gk:contradicts ?b OPTIONAL { ?a gk:stanceReason ?why } }""").as_dicts()
    assert len(rows) == 6
    assert all(r["explained"] == "true" and r["back"] == "true" for r in rows), rows


def test_the_shipped_graph_has_no_conflict_it_does_not_show(kg):
    assert unlinked_conflicts(kg.store) == []


def test_two_conflicting_asserted_claims_without_a_link_are_found(tmp_path):
    # The NKGB claim of 1943 again, but linked to nothing: it must be reported.
    graph = _planted(tmp_path, """
        claim:planted-nkgb a gk:Claim ; gk:subject agency:gulag ; gk:property gk:subordinateTo ;
            gk:value agency:nkgb ; gk:period "1944"^^edtf:EDTF .
        claim:planted-ogpu-boundary a gk:Claim ; gk:subject agency:gulag ; gk:property gk:subordinateTo ;
            gk:value agency:mgb ; gk:period "1960/1961"^^edtf:EDTF .
        claim:planted-part a gk:Claim ; gk:subject camp:cheka-special-camps ; gk:property gk:subordinateTo ;
            gk:value agency:mgb ; gk:period "1930/1931"^^edtf:EDTF .
    """)
    found = unlinked_conflicts(graph.store)
    assert (CLAIM + "planted-nkgb", CLAIM + "subordinate-to-gulag-1934-1946-wikipedia") in found
    # a part of the penal system under another agency while the whole was under the OGPU
    assert (CLAIM + "planted-part", CLAIM + "subordinate-to-soviet-penal-system-1929-04-ogpu-source") in found
    # two periods that only meet in a year (the MVD until 1960, another body from 1960) do not conflict
    assert not any(CLAIM + "planted-ogpu-boundary" in pair for pair in found)


def test_a_link_between_the_claims_settles_the_conflict(tmp_path):
    graph = _planted(tmp_path, """
        claim:planted-nkgb a gk:Claim ; gk:subject agency:gulag ; gk:property gk:subordinateTo ;
            gk:value agency:nkgb ; gk:period "1944"^^edtf:EDTF ;
            gk:contradicts claim:subordinate-to-gulag-1934-1946-wikipedia .
    """)
    assert unlinked_conflicts(graph.store) == []


def test_contradictions_give_both_sides_with_their_quotes(kg):
    [k] = contradictions(kg.store, [CLAIM + "subordinate-to-gulag-1943-wikipedia"])
    sides = {k.first.iri: k.first, k.second.iri: k.second}
    nkgb = sides[CLAIM + "subordinate-to-gulag-1943-wikipedia"]
    nkvd = sides[CLAIM + "subordinate-to-gulag-1934-1946-wikipedia"]
    assert (nkgb.summary, nkgb.period, nkvd.summary, nkvd.period) == ("NKGB", "1943", "NKVD", "1934/1946")
    assert any("transferred to the NKGB in 1943" in q for q in nkgb.quotes)
    assert any("NKVD (1934–1946)" in q for q in nkvd.quotes)
    assert contradictions(kg.store, [CLAIM + "deaths-gulag-1934-1953-archival-study-1993"]) == []


@pytest.mark.parametrize("args", [
    ["query", "agency-in-year", "--param", "year=1943", "--format", "table"],
    ["claims", "gulag", "subordinateTo", "--format", "table"],
    ["timeline", "GULAG"],
])
def test_every_command_that_answers_with_a_contradicted_claim_shows_the_conflict(runner, args):
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "conflicting claims" in text
    assert "“When the Gulag was transferred to the NKGB in 1943, the Gulag personnel began to use NKGB ranks and distinctions.”" in text
    assert "later known as the NKVD (1934–1946)" in text


def test_machine_formats_stay_standard_and_say_the_conflict_on_stderr(runner):
    result = runner.invoke(cli, ["query", "agency-in-year", "--param", "year=1943", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "year,agency,agencyLabel,period,claim,contradicts"
    assert "conflicting claims" not in result.stdout
    assert "note: conflicting claims in this result: claim:subordinate-to-gulag-1934-1946-wikipedia contradicts " \
           "claim:subordinate-to-gulag-1943-wikipedia" in result.stderr
