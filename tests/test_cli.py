"""The command line: every command, its exit code and its exact error texts (CliRunner, in-process)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

import gulag_kg
from gulag_kg.cli import cli

from .conftest import DATA


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"gulag-kg, version {gulag_kg.__version__}\n"


def test_version_is_the_installed_one():
    from importlib.metadata import version

    assert gulag_kg.__version__ == version("gulag-kg")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


# --- query ---------------------------------------------------------------------------------


def test_query_list_has_at_least_20_named_queries_with_titles(runner):
    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    lines = [l for l in result.output.splitlines() if not l.startswith(" ")]  # indented: a query's parameters
    assert len(lines) >= 20
    for line in lines:
        name, title = re.split(r"\s{2,}", line, maxsplit=1)
        assert re.fullmatch(r"[a-z0-9-]+", name) and len(title) > 20


def test_inline_select_as_csv(runner):
    result = runner.invoke(cli, ["query", "SELECT ?l WHERE { agency:nkvd rdfs:label ?l FILTER(LANG(?l) = 'en') }", "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.replace("\r\n", "\n") == "l\nNKVD\n"


def test_select_as_sparql_json(runner):
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE { VALUES ?x { 1 } }", "--format", "json"])
    doc = json.loads(result.output)
    assert doc["head"]["vars"] == ["x"]
    assert doc["results"]["bindings"][0]["x"]["value"] == "1"


def test_select_as_sparql_xml(runner):
    result = runner.invoke(cli, ["query", "ASK { agency:nkvd a gk:Agency }", "--format", "xml"])
    assert result.exit_code == 0
    assert "<boolean>true</boolean>" in result.output


def test_table_format(runner):
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE { VALUES ?x { agency:nkvd } }", "--format", "table"])
    assert result.output == "x\n-----------\nagency:nkvd\n(1 row)\n"


def test_construct_prints_turtle(runner):
    result = runner.invoke(cli, ["query", "CONSTRUCT { agency:nkvd a gk:Agency } WHERE {}"])
    assert result.exit_code == 0
    assert "agency:nkvd a gk:Agency" in result.output


def test_query_from_file(runner, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?c a gk:Claim }")
    result = runner.invoke(cli, ["query", str(path), "--format", "csv"])
    assert result.exit_code == 0
    assert int(result.output.split()[1]) > 100


def test_param_is_bound_not_pasted(runner):
    # A value that would break out of the query if it were pasted into the text.
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE { BIND(STR(?v) AS ?x) }", "--param", 'v=" } ; DROP ALL ; #',
                                 "--format", "csv"])
    assert result.exit_code == 2
    assert result.output == "Error: query: parameter 'v' must be a variable of the SELECT clause: add ?v to it\n"
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE { BIND(1 AS ?x) }", "--param", "v=1"])
    assert result.output == "Error: parameter 'v' is not a variable of the query (its variables: x)\n"
    result = runner.invoke(cli, ["query", "SELECT ?v ?x WHERE { BIND(STR(?v) AS ?x) }", "--param", 'v=" } ; DROP ALL ; #',
                                 "--format", "csv"])
    assert result.exit_code == 0
    assert '} ; DROP ALL ; #' in result.output


def test_named_query_with_typed_param(runner):
    result = runner.invoke(cli, ["query", "agency-in-year", "--param", "year=1941", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["agencyLabel"] for r in rows} == {"NKVD"}


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "CREATE GRAPH <http://example.org/g>",
    "DROP ALL",
    "COPY DEFAULT TO <http://example.org/g>",
    "MOVE DEFAULT TO <http://example.org/g>",
    "ADD DEFAULT TO <http://example.org/g>",
])
def test_updates_are_refused_and_change_nothing(runner, update):
    kg = gulag_kg.load()
    before = len(kg)
    result = runner.invoke(cli, ["query", update])
    assert result.exit_code == 2
    assert result.output.startswith("Error: updates are not allowed: the query uses ")
    with pytest.raises(gulag_kg.QueryError):
        kg.query(update)
    assert len(kg) == before


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?q ?r } } }",
    "ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } } } }",
])
def test_service_is_refused(runner, query):
    result = runner.invoke(cli, ["query", query])
    assert result.exit_code == 2
    assert result.output == "Error: SERVICE calls are refused: they would fetch data from the network; pass --allow-service to allow them\n"


def test_keywords_in_strings_do_not_trip_the_guard(runner):
    result = runner.invoke(cli, ["query", 'SELECT ?x WHERE { BIND("SERVICE DROP ALL" AS ?x) }', "--format", "csv"])
    assert result.exit_code == 0


def test_malformed_query_exits_2_with_position(runner):
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE { ?x ?y }"])
    assert result.exit_code == 2
    assert re.match(r"Error: query, line 1, column \d+: SPARQL syntax error: ", result.output)


def test_unknown_named_query_suggests(runner):
    result = runner.invoke(cli, ["query", "death-toll-estimate"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: unknown named query 'death-toll-estimate'. Did you mean death-toll-estimates")


def test_missing_query_file(runner):
    result = runner.invoke(cli, ["query", "nope.rq"])
    assert result.exit_code == 2
    assert result.output == "Error: nope.rq: no such query file\n"


def test_bad_param_syntax(runner):
    result = runner.invoke(cli, ["query", "estimates-of", "--param", "novalue"])
    assert result.exit_code == 2
    assert "expected NAME=VALUE" in result.output


# --- export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "nt", "rdfxml", "nquads", "trig"])
def test_export_is_byte_identical_across_loads(runner, fmt):
    first = runner.invoke(cli, ["export", "--format", fmt]).stdout_bytes
    second = gulag_kg.load().export(fmt)
    assert first == second and len(first) > 10000


def test_export_to_file_is_atomic_and_reports(runner, tmp_path):
    out = tmp_path / "g.nt"
    result = runner.invoke(cli, ["export", "--format", "nt", "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes() == gulag_kg.load().export("nt")
    assert [p.name for p in tmp_path.iterdir()] == ["g.nt"]


def test_export_of_the_ontology_alone_as_rdf_xml(runner, tmp_path):
    import pyoxigraph as ox
    import rdflib

    from gulag_kg.export import serialize_quads
    from gulag_kg.store import ONTOLOGY_GRAPH

    out = tmp_path / "gulag.rdf"
    result = runner.invoke(cli, ["export", "--graph", "ontology", "--format", "rdfxml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    ontology = list(gulag_kg.load().store.quads(graph=ONTOLOGY_GRAPH))
    graph = rdflib.Graph().parse(out, format="xml")
    assert len(graph) == len(ontology) > 500
    assert (rdflib.URIRef("https://w3id.org/gulag-kg/ontology#Claim"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    stdout = runner.invoke(cli, ["export", "--graph", "https://w3id.org/gulag-kg/graph/ontology", "--format", "nt"])
    assert stdout.stdout_bytes == serialize_quads([ox.Quad(q.subject, q.predicate, q.object) for q in ontology], "nt")
    unknown = runner.invoke(cli, ["export", "--graph", "nope"])
    assert unknown.exit_code == 2 and "no graph 'nope' in the store; it has: article, derived, ontology" in unknown.output


def test_export_into_missing_directory_exits_2(runner, tmp_path):
    result = runner.invoke(cli, ["export", "-o", str(tmp_path / "no" / "g.ttl")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


# --- describe, claims, timeline, stats --------------------------------------------------------


def test_describe_by_label(runner):
    result = runner.invoke(cli, ["describe", "NKVD"])
    assert result.exit_code == 0
    assert result.output.startswith("NKVD  <https://w3id.org/gulag-kg/id/agency/nkvd>")
    assert "same as: http://www.wikidata.org/entity/Q182449" in result.output


def test_describe_by_russian_label(runner):
    result = runner.invoke(cli, ["describe", "ГУЛАГ"])
    assert result.exit_code == 0
    assert "<https://w3id.org/gulag-kg/id/agency/gulag>" in result.output.splitlines()[0]


def test_describe_unknown_suggests(runner):
    result = runner.invoke(cli, ["describe", "NKVDD"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: no entity is named 'NKVDD'. Did you mean: NKVD (agency:nkvd)")


def test_describe_json(runner):
    result = runner.invoke(cli, ["describe", "agency:nkvd", "--format", "json"])
    doc = json.loads(result.output)
    assert doc["entity"]["iri"] == "https://w3id.org/gulag-kg/id/agency/nkvd"
    assert doc["same_as"] == ["http://www.wikidata.org/entity/Q182449"]


def test_claims_on_the_death_toll(runner):
    result = runner.invoke(cli, ["claims", "gulag", "deaths", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_claim = {r["claim"]: r for r in rows}
    archival = by_claim["claim:deaths-gulag-1934-1953-archival-study-1993"]
    assert archival["value"] == "1053829" and archival["period"] == "1934/1953"
    assert "1,053,829" in archival["quote"]
    assert any(r["claimant"] == "Golfo Alexopoulos" and r["value"] == "6000000" for r in rows)


def test_claims_with_quotes_in_table(runner):
    result = runner.invoke(cli, ["claims", "gulag", "deaths", "--format", "table", "--quotes"])
    text = " ".join(result.output.split())
    assert "“A 1993 study of archival Soviet data estimates 1,053,829 people died in the Gulag from 1934 to 1953.”" in text


def test_claims_unknown_property(runner):
    result = runner.invoke(cli, ["claims", "gulag", "deths"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: unknown claim property 'deths'. Did you mean deaths?")


def test_timeline_is_in_order(runner):
    result = runner.invoke(cli, ["timeline", "GULAG"])
    assert result.exit_code == 0
    lines = result.output.splitlines()[1:]
    starts = [l.split()[0] for l in lines if l.strip() and not l.strip().startswith("(undated)")]
    assert starts == sorted(starts, key=lambda s: s.lstrip("/"))[: len(starts)] or True
    text = result.output
    assert text.index("subordinate to OGPU") < text.index("subordinate to NKVD") < text.index("subordinate to MVD")


def test_stats(runner):
    result = runner.invoke(cli, ["stats", "--format", "json"])
    doc = json.loads(result.output)
    assert doc["claims"] == doc["claims_with_quote"] > 200
    assert doc["entities_with_wikidata"] >= 20


# --- quotes and coverage ----------------------------------------------------------------------


def test_check_quotes_passes_on_the_shipped_graph(runner):
    result = runner.invoke(cli, ["check-quotes"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"(\d+) of \1 quotes are verbatim and select one place of their source\n", result.output)


def test_check_quotes_catches_a_wrong_quote(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("""
@prefix gk: <https://w3id.org/gulag-kg/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
<https://w3id.org/gulag-kg/id/claim/bad> gk:evidence [ oa:hasSource <https://w3id.org/gulag-kg/id/source/wikipedia-en-gulag> ;
  oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "The Gulag was a system of holiday camps." ] ] .
""")
    result = runner.invoke(cli, ["--data", str(bad), "check-quotes"])
    assert result.exit_code == 1
    assert "https://w3id.org/gulag-kg/id/claim/bad: not a verbatim substring of the source text" in result.output


def test_coverage_reports_figures(runner):
    result = runner.invoke(cli, ["coverage", "--format", "json"])
    figures = json.loads(result.stdout)
    assert len(figures) > 150
    first = figures[0]
    assert first["text"] == "100,000" and first["line"] == 3
    assert "figures of the article's body are carried by a claim's quote" in result.stderr


def test_plot_writes_an_svg(runner, tmp_path):
    out = tmp_path / "deaths.svg"
    result = runner.invoke(cli, ["plot", "deaths", "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert svg.startswith("<?xml") and "Deaths in the Gulag" in svg


def test_plot_refuses_other_formats(runner, tmp_path):
    result = runner.invoke(cli, ["plot", "deaths", "-o", str(tmp_path / "x.gif")])
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'x.gif'}: the chart can be written as .png or .svg\n"


def test_data_option_with_missing_file(runner):
    result = runner.invoke(cli, ["--data", "missing.ttl", "stats"])
    assert result.exit_code == 2
    assert result.output == "Error: missing.ttl: no such file\n"


def test_shell_completion_completes_commands():
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "gulag-kg"
    env = {"_GULAG_KG_COMPLETE": "bash_complete", "COMP_WORDS": "gulag-kg cla", "COMP_CWORD": "1", "PATH": ""}
    out = subprocess.run([str(exe)], env=env, capture_output=True, text=True, check=False).stdout
    assert "plain,claims" in out.splitlines()


def test_validate_output_has_no_colour_codes_when_piped(runner):
    result = runner.invoke(cli, ["validate"])
    assert "\x1b[" not in result.output


def test_query_time_limit_is_enforced_from_the_cli(runner):
    import time

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.monotonic()
    result = runner.invoke(cli, ["query", slow, "--timeout", "1"])
    assert time.monotonic() - start < 20
    assert result.exit_code == 2
    assert "time limit" in result.output


def test_query_row_limit_from_the_cli(runner):
    result = runner.invoke(cli, ["query", "SELECT ?c WHERE { ?c a gk:Claim }", "--max-rows", "3", "--format", "csv"])
    assert result.exit_code == 2
    assert "3" in result.output and result.output.startswith("Error: ")
