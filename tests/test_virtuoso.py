"""A second real SPARQL server behind --endpoint: Virtuoso (Debian's virtuoso-opensource 7.2.5,
the engine behind DBpedia), started on 127.0.0.1 by the test. Every command must print what it
prints in memory; what Virtuoso does differently is handled in gulag_kg/dialects.py, and what
it still answers differently is listed below, each with the reason, as a strict expected
failure (it fails the suite the day it passes, so the list stays true)."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from click.testing import CliRunner

from gulag_kg.cli import cli
from gulag_kg.paths import ontology_files
from gulag_kg.store import ONTOLOGY_GRAPH
from gulag_kg.query import named_queries

from .servers import virtuoso_server
from .test_stores import COMMANDS, _canonical, _separators

# Virtuoso 7.2.5 answers these differently; each reason was checked on the server. A difference
# that Virtuoso shows on some runs and not on others (its plans depend on its statistics) is a
# non-strict expected failure; the rest are strict.
_ZERO_LENGTH_PATH = ("Virtuoso 7.2.5 loses the zero-length solutions of a `*` property path that is joined with "
                     "other patterns (e.g. `?o a ?class . ?class rdfs:subClassOf* gk:Organisation` keeps 1 of 32 "
                     "organisations; Steplag and Peschanlag, located in Kazakhstan itself, are missing from "
                     "camps-in-place); on some runs only")
KNOWN_DIFFERENCES = {
    "query agency-changes --format json": (
        "Virtuoso 7.2.5 makes a comparison with an unbound variable false instead of an error, so the "
        "query's COALESCE(?from = ?agency || ?to = ?agency, true) does not fall back to true without "
        "the parameter: no row (the portable !BOUND(?agency) fails in Oxigraph 0.5, where BOUND of a "
        "substituted parameter is false)", True),
    **{f"query {name} --format json": (_ZERO_LENGTH_PATH, False) for name in (
        "camps-by-agency", "camps-in-place", "camps-in-year", "claims-about-place", "organisations",
        "people-held-in-place")},
}

_SAMPLED = re.compile(r"\(\s*SAMPLE\s*\([^)]*\)\s+AS\s+\?(\w+)\s*\)", re.I)


def _commands():
    commands = [list(c) for c in COMMANDS]
    commands += [["query", name, "--format", "json"] for name in sorted(named_queries())]
    return commands


def _comparable(command, output: bytes):
    """As test_stores compares, without the columns a query fills with SAMPLE (any value of the
    group is right, and engines pick differently), and with a GROUP_CONCAT of no values taken as
    unbound: SPARQL 1.1 makes it "" (Virtuoso), Oxigraph 0.5 leaves it unbound; the tables, CSV
    and TSV of the CLI print both as an empty cell."""
    if command[0] == "query" and command[1] in named_queries() and "json" in command:
        text = named_queries()[command[1]].text
        sampled = set(_SAMPLED.findall(text))
        concatenated = set(_separators(command))
        doc = json.loads(output)
        for row in doc.get("results", {}).get("bindings", ()):
            for name in sampled:
                row.pop(name, None)
            for name in concatenated:
                if row.get(name, {}).get("value") == "":
                    del row[name]
        output = json.dumps(doc).encode()
    return _canonical(command, output)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        args = ["--endpoint", server.query_url, "--graph-store", server.store_url]
        result = CliRunner().invoke(cli, args + ["load"])
        assert result.exit_code == 0, result.output
        yield args


@pytest.fixture(scope="module")
def in_memory():
    runner = CliRunner()
    return {tuple(c): runner.invoke(cli, c) for c in _commands()}


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c))
def test_same_output_on_virtuoso(request, virtuoso, in_memory, command):
    known = KNOWN_DIFFERENCES.get(" ".join(command))
    if known:
        reason, strict = known
        request.applymarker(pytest.mark.xfail(strict=strict, reason=reason))
    expected = in_memory[tuple(command)]
    result = CliRunner().invoke(cli, virtuoso + command)
    assert result.exit_code == expected.exit_code, result.output
    assert _comparable(command, result.stdout_bytes) == _comparable(command, expected.stdout_bytes)


def test_validate_on_virtuoso_says_why_the_sparql_engine_cannot_run(virtuoso):
    """Virtuoso refuses EXISTS inside expressions: --engine auto runs pySHACL (the report above
    is the same as in memory), --engine sparql says why it cannot, in one line, exit 2."""
    result = CliRunner().invoke(cli, virtuoso + ["validate", "--engine", "sparql"])
    assert result.exit_code == 2
    assert "refuses EXISTS inside an expression" in result.output
    assert result.output.count("\n") == 1, result.output


def test_virtuoso_system_graphs_are_not_data(virtuoso):
    """A fresh Virtuoso holds graphs of its own (its RDF views, LDP, its Service Description):
    the union a command sees is the data alone, as in memory."""
    stats = json.loads(CliRunner().invoke(cli, virtuoso + ["stats", "--format", "json"]).stdout)
    mine = json.loads(CliRunner().invoke(cli, ["stats", "--format", "json"]).stdout)
    assert stats["quads"] == mine["quads"]
    assert "virtrdf" not in json.dumps(stats)


def test_an_answer_virtuoso_cut_is_an_error_not_a_short_answer(tmp_path):
    """Virtuoso cuts results at ResultSetMaxRows and says so only in a header: gulag-kg refuses
    such an answer with a message naming the setting, and exits 2."""
    with virtuoso_server(tmp_path, max_rows=100) as server:
        for path in ontology_files():  # the ontology alone (about 2,000 triples), sent as it is
            request = urllib.request.Request(f"{server.store_url}?graph={ONTOLOGY_GRAPH.value}", data=path.read_bytes(),
                                             method="POST", headers={"Content-Type": "text/turtle"})
            urllib.request.urlopen(request, timeout=60).close()
        args = ["--endpoint", server.query_url, "--graph-store", server.store_url]
        result = CliRunner().invoke(cli, args + ["export", "--format", "nt"])
    assert result.exit_code == 2
    assert "ResultSetMaxRows" in result.output and "cut the answer at 100 rows" in result.output
    assert result.output.count("\n") == 1, result.output
