"""The three stores pass the same checks: in memory (default), on disk (--store), and a real
SPARQL server on 127.0.0.1 (--endpoint; Oxigraph server, SPARQL Protocol + Graph Store Protocol)."""

from __future__ import annotations

import gzip
import re

import pyoxigraph as ox
import pytest

import gulag_kg
from gulag_kg.bulk import file_graph, load_files
from gulag_kg.cli import cli
from gulag_kg.store import EndpointStore, Store

from .conftest import DATA
from .servers import oxigraph_server

# Each command must print exactly the same on every store.
COMMANDS = [
    ["claims", "gulag", "deaths", "--format", "csv"],
    ["claims", "Norillag", "--format", "json"],
    ["query", "agency-in-year", "--param", "year=1941", "--format", "csv"],
    ["query", "death-toll-estimates", "--format", "json"],
    ["query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s = agency:nkvd) }", "--format", "nt"],
    ["query", "ASK { agency:gulag gk:subordinateTo agency:nkvd }", "--format", "json"],
    ["describe", "NKVD", "--format", "json"],
    ["timeline", "GULAG"],
    ["stats", "--format", "json"],
    ["export", "--format", "nt"],
    ["export", "--format", "nquads"],
    ["validate", "--format", "json"],
    ["check-quotes"],
]


@pytest.fixture(scope="module")
def baseline():
    from click.testing import CliRunner

    runner = CliRunner()
    return {tuple(c): runner.invoke(cli, c) for c in COMMANDS}


@pytest.fixture(scope="module", params=["disk", "endpoint"])
def store_args(request, tmp_path_factory):
    from click.testing import CliRunner

    runner = CliRunner()
    if request.param == "disk":
        args = ["--store", str(tmp_path_factory.mktemp("store") / "kg")]
        result = runner.invoke(cli, args + ["load"])
        assert result.exit_code == 0, result.output
        yield args
    else:
        with oxigraph_server() as server:
            args = ["--endpoint", server.query_url]
            result = runner.invoke(cli, args + ["load"])
            assert result.exit_code == 0, result.output
            yield args


_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*?SEPARATOR\s*=\s*"([^"]*)"\s*\)\s+AS\s+\?(\w+)', re.I | re.S)


def _separators(command) -> dict[str, str]:
    """The GROUP_CONCAT columns of the query a command runs, with their separators (" | " for
    a query given as text)."""
    from gulag_kg.query import named_queries

    query = named_queries().get(command[1])
    text = query.text if query else command[1]
    found = {column: separator for separator, column in _GROUP_CONCAT.findall(text)}
    return found if query else {column: " | " for column in found} or {}


def _canonical(command, output: bytes):
    """SPARQL JSON results as a sorted list of rows, the parts of each GROUP_CONCAT sorted within:
    SPARQL leaves the order of rows tied by ORDER BY and of GROUP_CONCAT parts to the engine."""
    if command[0] == "query" and "json" in command:
        import json

        doc = json.loads(output)
        if "results" in doc:
            separators = _separators(command)
            rows = [{k: sorted(v["value"].split(separators[k])) if k in separators else v["value"] for k, v in b.items()}
                    for b in doc["results"]["bindings"]]
            return doc["head"], sorted(json.dumps(r, sort_keys=True) for r in rows)
    return output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c)[:40])
def test_same_output_on_every_store(runner, baseline, store_args, command):
    expected = baseline[tuple(command)]
    result = runner.invoke(cli, store_args + command)
    assert result.exit_code == expected.exit_code
    assert _canonical(command, result.stdout_bytes) == _canonical(command, expected.stdout_bytes)


def test_load_reports_quads_and_rate(runner, tmp_path):
    args = ["--store", str(tmp_path / "kg")]
    data = tmp_path / "extra.nt.gz"
    data.write_bytes(gzip.compress(b'<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A"@en .\n'))
    result = runner.invoke(cli, args + ["load", str(data)])
    assert result.exit_code == 0, result.output
    assert f"loaded {data}: 1 quads" in result.stderr
    assert "quads/s" in result.stderr
    store = Store(tmp_path / "kg")
    assert ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                   ox.Literal("A", language="en"), file_graph(data)) in store


def test_load_without_a_store_is_a_usage_error(runner):
    result = runner.invoke(cli, ["load"])
    assert result.exit_code == 2
    assert "give --store DIR or --endpoint URL before 'load'" in result.output


def test_store_and_endpoint_together_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9/query", "stats"])
    assert result.exit_code == 2
    assert "use either --store or --endpoint, not both" in result.output


def test_empty_store_says_how_to_fill_it(runner, tmp_path):
    result = runner.invoke(cli, ["--store", str(tmp_path / "none"), "stats"])
    assert result.exit_code == 2
    assert result.output == (f"Error: {tmp_path / 'none'}: no store there yet; create and fill it with "
                             f"'gulag-kg --store {tmp_path / 'none'} load' (the shipped graph) or "
                             f"'gulag-kg --store {tmp_path / 'none'} load FILES...'\n")


def test_data_option_is_refused_with_a_store(runner, tmp_path):
    runner.invoke(cli, ["--store", str(tmp_path / "kg"), "load"])
    result = runner.invoke(cli, ["--store", str(tmp_path / "kg"), "--data", "x.ttl", "stats"])
    assert result.exit_code == 2
    assert "--data adds files to the in-memory graph" in result.output


def test_unreachable_endpoint_exits_2(runner):
    from .servers import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    result = runner.invoke(cli, ["--endpoint", url, "stats"])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {url}: the SPARQL endpoint cannot be reached")


def _two_files(tmp_path):
    first, second = tmp_path / "first.nt", tmp_path / "second.nt"
    first.write_text("".join(f"<https://example.org/s{i}> <https://example.org/p> \"{i}\" .\n" for i in range(100)))
    second.write_text("".join(f"<https://example.org/t{i}> <https://example.org/p> \"{i}\" .\n" for i in range(100_000)))

    def interrupt(path, n):
        if path == second and n > 0:
            raise KeyboardInterrupt

    return first, second, interrupt


def test_interrupted_load_on_disk_undoes_the_whole_load(tmp_path):
    store = Store(tmp_path / "kg")
    load_files(store, [DATA / "valid" / "claim-complete.ttl"])
    before = set(store)
    first, second, interrupt = _two_files(tmp_path)
    report = load_files(store, [first, second], progress=interrupt)
    assert report.interrupted == str(second) and report.undone == "now" and report.loaded == ()
    assert set(store) == before  # the first file is gone too, and the derived graph is the old one
    assert not (tmp_path / "kg" / "gulag-kg-checkpoint").exists()


def test_interrupted_load_in_memory_rolls_back_the_file_and_says_what_was_loaded(tmp_path):
    store = Store()
    first, second, interrupt = _two_files(tmp_path)
    report = load_files(store, [first, second], progress=interrupt)
    assert [f.path for f in report.loaded] == [str(first)]
    assert report.interrupted == str(second)
    assert report.rolled_back_graph == file_graph(second).value
    assert not any(True for _ in store.quads(graph=file_graph(second)))
    assert sum(1 for _ in store.quads(graph=file_graph(first))) == 100


def test_malformed_file_in_load_names_the_line(runner, tmp_path):
    result = runner.invoke(cli, ["--store", str(tmp_path / "kg"), "load", str(DATA / "malformed" / "iri-with-space.nt")])
    assert result.exit_code == 2
    assert "iri-with-space.nt, line 2: " in result.output


def test_a_bad_file_in_a_load_undoes_the_files_before_it(runner, tmp_path):
    good, bad = DATA / "valid" / "claim-complete.ttl", DATA / "malformed" / "iri-with-space.nt"
    result = runner.invoke(cli, ["--store", str(tmp_path / "kg"), "load", str(good), str(bad)])
    assert result.exit_code == 2
    assert "iri-with-space.nt, line 2: " in result.output and "(nothing of this load was kept)" in result.output
    assert file_graph(good) not in Store(tmp_path / "kg").named_graphs()


def test_python_api_connects_to_an_endpoint():
    with oxigraph_server() as server:
        store = EndpointStore(server.query_url)
        from gulag_kg.bulk import load_shipped
        from gulag_kg.derive import add_derived_graph

        load_shipped(store)
        add_derived_graph(store)
        kg = gulag_kg.connect(endpoint=server.query_url)
        assert kg.resolve("NKVD").iri == "https://w3id.org/gulag-kg/id/agency/nkvd"
        assert kg.claims("gulag", "deaths") == gulag_kg.load().claims("gulag", "deaths")


def test_validation_uses_set_joins_on_disk_only(tmp_path):
    """On disk an index lookup is dear, so nested checks are answered by set joins there; in
    memory by EXISTS (tests/test_shacl_sparql.py checks both against pySHACL)."""
    from gulag_kg.shacl_sparql import _prefers_set_joins

    assert _prefers_set_joins(Store(tmp_path / "store"))
    assert not _prefers_set_joins(Store())
