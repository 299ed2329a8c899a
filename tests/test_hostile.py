"""Hostile and broken input: nothing leaks, nothing hangs, nothing is lost.

Every test here fails without its guard. Network use is watched by a "sensor": an HTTP server on
127.0.0.1 that records every request. Hostile files and queries name it (``http://SENSOR/``
in tests/data/hostile/ is replaced by its address), so a fetch by Python *or* by Oxigraph's
own HTTP client shows up as a recorded request.
"""

from __future__ import annotations

import contextlib
import faulthandler
import http.server
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pyoxigraph as ox
import pytest

import gulag_kg
from gulag_kg import query as query_module
from gulag_kg.cli import cli
from gulag_kg.errors import GulagKgError, InputError, QueryError
from gulag_kg.export import export_file, write_atomically
from gulag_kg.guards import (
    NetworkRefused,
    deny_network_to_this_process,
    install_network_guard,
    network_allowed,
    uninstall_network_guard,
)
from gulag_kg.parsing import parse_file
from gulag_kg.query import execute, run_query
from gulag_kg.store import Store

from .conftest import DATA

HOSTILE = DATA / "hostile"
EX = "http://example.org/"


# --- the sensor -------------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    def _record(self):
        self.server.requests.append((self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://leaked.example/"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def sensor():
    """An HTTP server on 127.0.0.1 recording every request; ``.url`` is its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def no_hang(seconds: float):
    """Fail the run (with every thread's stack) if the block takes longer than ``seconds``:
    works even when native code holds the interpreter."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def hostile_copy(name: str, sensor, tmp_path: Path) -> Path:
    """A file of tests/data/hostile/ with ``http://SENSOR`` pointing at the sensor."""
    data = (HOSTILE / name).read_bytes().replace(b"http://SENSOR", sensor.url.encode())
    out = tmp_path / name
    out.write_bytes(data)
    return out


@pytest.fixture(scope="module")
def shipped_store():
    return gulag_kg.load().store


# --- no reaching out: SERVICE ---------------------------------------------------------------------


def test_oxigraph_itself_fetches_service_which_is_why_it_is_refused(sensor):
    """The threat is real: pyoxigraph sends a SERVICE call over HTTP."""
    with contextlib.suppress(Exception):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{sensor.url}/sparql> {{ ?s ?p ?o }} }}"))
    assert sensor.requests == [("POST", "/sparql")]


@pytest.mark.parametrize("name", [
    "service-escaped-local-name.rq",  # an escaped '#' in a local name made the old check see a comment
    "service-in-optional.rq",
    "service-in-exists.rq",
    "service-in-construct.rq",
])
def test_service_is_refused_wherever_it_hides(name, sensor, tmp_path, shipped_store):
    text = hostile_copy(name, sensor, tmp_path).read_text()
    with pytest.raises(QueryError, match="SERVICE calls are refused"):
        execute(shipped_store, text)
    assert sensor.requests == []


def test_a_character_that_starts_no_sparql_token_is_refused(sensor, tmp_path, shipped_store):
    text = hostile_copy("service-codepoint-escape.rq", sensor, tmp_path).read_text()
    with pytest.raises(QueryError, match=r"line 2, column 18: SPARQL syntax error: '\\\\' starts no SPARQL token"):
        execute(shipped_store, text)
    assert sensor.requests == []


@pytest.mark.parametrize("text", [
    'SELECT ?x WHERE { BIND("SERVICE <http://x/> {}" AS ?x) }',
    "SELECT ?x WHERE { BIND(<http://example.org/SERVICE> AS ?x) }",
    "SELECT ?service WHERE { BIND(1 AS ?service) } # SERVICE <http://x/> { }",
    "PREFIX service: <http://example.org/> SELECT ?x WHERE { BIND(service:SERVICE AS ?x) }",
    "SELECT ?x WHERE { BIND('''a ' SERVICE '' b''' AS ?x) }",
])
def test_the_word_service_in_strings_iris_comments_and_names_is_fine(text, shipped_store):
    assert len(run_query(shipped_store, text).rows) == 1


def test_the_kernel_stops_service_even_if_the_check_is_bypassed(sensor, monkeypatch, shipped_store):
    """Defence in depth: the child evaluating a query has no Internet sockets at all."""
    monkeypatch.setattr(query_module, "check_read_only", lambda *a, **k: None)
    text = f"SELECT * WHERE {{ SERVICE <{sensor.url}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError):
        list(execute(shipped_store, text))
    assert sensor.requests == []
    # With SERVICE allowed, the same query does reach the sensor: the test can tell.
    with contextlib.suppress(QueryError):
        list(execute(shipped_store, text, allow_service=True))
    assert sensor.requests == [("POST", "/sparql")]


# --- no reaching out: FROM, FROM NAMED --------------------------------------------------------------


def test_from_and_from_named_select_graphs_of_the_store_and_read_nothing(sensor, tmp_path, shipped_store):
    canary = tmp_path / "canary.ttl"
    canary.write_text(f'<{EX}canary> <{EX}p> "read from a file" .\n')
    for source in (canary.as_uri(), "file:///etc/passwd", f"{sensor.url}/data.ttl"):
        assert run_query(shipped_store, f"SELECT * FROM <{source}> WHERE {{ ?s ?p ?o }}").rows == ()
        assert run_query(shipped_store, f"SELECT * FROM NAMED <{source}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}").rows == ()
    assert sensor.requests == []
    # FROM selects a graph the store holds (and only that one).
    article = "https://w3id.org/gulag-kg/graph/article"
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ {} }}"
    from_article = run_query(shipped_store, count.format(f"FROM <{article}>", "?s ?p ?o")).rows[0][0].value
    in_article = run_query(shipped_store, count.format("", f"GRAPH <{article}> {{ ?s ?p ?o }}")).rows[0][0].value
    union = run_query(shipped_store, count.format("", "?s ?p ?o")).rows[0][0].value
    assert 0 < int(from_article) == int(in_article) < int(union)


def test_update_forms_are_refused_through_the_library_and_change_nothing(sensor, tmp_path):
    store = Store()
    store.load_file(DATA / "valid" / "claim-complete.ttl")
    before = set(store)
    for name in ("update-drop.rq", "update-load.rq"):
        with pytest.raises(QueryError, match="updates are not allowed"):
            execute(store, hostile_copy(name, sensor, tmp_path).read_text())
    for text in ("insert data { <http://a/> <http://b/> <http://c/> }", "Clear Default", "PREFIX ex: <http://e/>\nDELETE WHERE { ?s ?p ?o }"):
        with pytest.raises(QueryError, match="updates are not allowed"):
            execute(store, text)
    assert set(store) == before
    assert sensor.requests == []


# --- bounded work ---------------------------------------------------------------------------------


CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_query_past_its_time_limit_is_stopped(shipped_store):
    start = time.monotonic()
    with no_hang(60), pytest.raises(QueryError, match=r"longer than the time limit of 1 s and was stopped"):
        execute(shipped_store, CROSS_PRODUCT, timeout=1)
    assert time.monotonic() - start < 10


def test_the_time_limit_holds_on_an_on_disk_store_too(tmp_path):
    from gulag_kg import paths

    store = Store(tmp_path / "db")
    for path in paths.graph_files():
        store.load_file(path)
    with no_hang(60), pytest.raises(QueryError, match="longer than the time limit of 1 s"):
        execute(store, CROSS_PRODUCT, timeout=1)
    assert run_query(store, "ASK { ?s ?p ?o }").boolean is True  # the store still answers


def test_every_query_has_a_finite_default_time_limit_and_row_limit():
    import inspect

    for function in (execute, run_query):
        parameters = inspect.signature(function).parameters
        assert 0 < parameters["timeout"].default < 3600
        assert 0 < parameters["max_rows"].default <= 10_000_000


def test_a_result_past_the_row_limit_is_refused_not_cut(shipped_store):
    with pytest.raises(QueryError, match="more than 10 rows; add a LIMIT, or raise --max-rows"):
        run_query(shipped_store, "SELECT * WHERE { ?s ?p ?o }", max_rows=10)
    with pytest.raises(QueryError, match="more than 10 rows"):
        run_query(shipped_store, "CONSTRUCT WHERE { ?s ?p ?o }", max_rows=10)
    assert len(run_query(shipped_store, "SELECT * WHERE { ?s ?p ?o } LIMIT 10", max_rows=10).rows) == 10


def test_results_from_the_child_equal_the_engine_s_own():
    """The child sends results back as TSV / N-Triples: every kind of term survives."""
    store = Store()
    store.add_quads([
        ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal('line 1\nline 2\t"quoted" \\ Гла́вное')),
        ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("Гла́вное управление", language="ru")),
        ox.Quad(ox.BlankNode("b1"), ox.NamedNode(EX + "p"), ox.Literal("0.30000000000000004", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))),
        ox.Quad(ox.BlankNode("b1"), ox.NamedNode(EX + "p"), ox.Literal("007")),
        ox.Quad(ox.BlankNode("b1"), ox.NamedNode(EX + "q"), ox.BlankNode("b2"), ox.NamedNode(EX + "g")),
    ])
    for text in ("SELECT ?s ?p ?o ?unbound WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                 "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                 "ASK { ?s ?p 'nothing' }", "ASK { ?s ?p ?o }"):
        direct = store.query(text, substitutions=None)
        child = execute(store, text)
        if isinstance(direct, ox.QuerySolutions):
            names = [v.value for v in direct.variables]
            assert [v.value for v in child.variables] == names
            assert sorted(map(str, ([s[n] for n in names] for s in child))) == sorted(map(str, ([s[n] for n in names] for s in direct)))
        elif isinstance(direct, ox.QueryBoolean):
            assert bool(child) == bool(direct)
        else:
            assert sorted(map(str, child)) == sorted(map(str, direct))


def test_syntax_errors_from_the_child_keep_their_position(shipped_store):
    with pytest.raises(QueryError, match=r"^query, line 1, column \d+: SPARQL syntax error"):
        execute(shipped_store, "SELECT ?s WHERE { ?s ?p }")


def test_nested_rdfxml_entities_are_refused_within_seconds():
    start = time.monotonic()
    with no_hang(60), pytest.raises(InputError, match="DTD entity declarations is refused"):
        parse_file(HOSTILE / "billion-laughs.rdf")
    assert time.monotonic() - start < 5
    assert (HOSTILE / "billion-laughs.rdf").stat().st_size < 700


def test_nested_rdfxml_entities_exhaust_oxigraph_without_the_guard():
    """Why the guard exists: Oxigraph expands the entities (here into 3 GB) and dies."""
    code = ("import pyoxigraph, sys; data = open(sys.argv[1], 'rb').read(); "
            "print(len(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.RDF_XML))))")
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))"
    result = subprocess.run([sys.executable, "-c", f"{limit}\n{code}", str(HOSTILE / "billion-laughs.rdf")],
                            capture_output=True, timeout=120)
    assert result.returncode != 0
    assert b"memory allocation" in result.stderr or b"MemoryError" in result.stderr


def test_a_gzip_bomb_is_refused(tmp_path, monkeypatch):
    import gulag_kg.parsing as parsing

    monkeypatch.setattr(parsing, "GZIP_FREE_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.nt.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"# gulag-kg test data\n" * 50_000
    bomb.write_bytes(b"".join(packer.compress(chunk) for _ in range(20)) + packer.flush())
    assert bomb.stat().st_size * parsing.MAX_GZIP_RATIO < 20 * len(chunk)
    with pytest.raises(InputError, match="refused as a decompression bomb"):
        parse_file(bomb)
    genuine = tmp_path / "genuine.nt.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    genuine.write_bytes(packer.compress(f'<{EX}a> <{EX}p> "x" .\n'.encode()) + packer.flush())
    assert len(parse_file(genuine)) == 1


def test_devices_and_pipes_are_not_read(tmp_path):
    link = tmp_path / "zero.nt"
    link.symlink_to("/dev/zero")
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    with no_hang(30):
        for path in (link, fifo):
            with pytest.raises(InputError, match="not a regular file"):
                parse_file(path)


# --- JSON-LD: no fetching, nothing dropped -------------------------------------------------------------


@pytest.mark.parametrize("name, message", [
    ("remote-context.jsonld", "would have to be fetched"),
    ("file-context.jsonld", "would have to be fetched"),
    ("import-context.jsonld", "@import .* would have to be fetched"),
    ("scoped-remote-context.jsonld", "would have to be fetched"),
    ("relative-id.jsonld", "relative IRI 'camp-1'"),
    ("iri-with-space.jsonld", "'http://example.org/a camp' is not a valid IRI"),
    ("undefined-key.jsonld", "key 'lable' is not defined by the @context"),
    ("bad-language-tag.jsonld", "'not a tag' is not a language tag"),
    ("deep-nesting.jsonld", "nested too deeply"),
])
def test_jsonld_that_would_fetch_or_drop_data_is_refused(name, message, sensor, tmp_path):
    path = hostile_copy(name, sensor, tmp_path)
    with pytest.raises(InputError, match=message) as caught:
        parse_file(path)
    assert str(caught.value).startswith(str(path))
    assert sensor.requests == []


def test_jsonld_errors_name_the_line(tmp_path, sensor):
    with pytest.raises(InputError) as caught:
        parse_file(hostile_copy("undefined-key.jsonld", sensor, tmp_path))
    assert caught.value.line == 7


def test_jsonld_with_our_context_reads_with_no_network(tmp_path, sensor):
    path = tmp_path / "ours.jsonld"
    path.write_text('{"@context": "https://w3id.org/gulag-kg/context.jsonld", "@id": "camp:test", "rdfs:label": "gulag-kg test data"}')
    assert [str(q.subject) for q in parse_file(path)] == ["<https://w3id.org/gulag-kg/id/camp/test>"]


# --- nothing half-done -------------------------------------------------------------------------------


@pytest.mark.parametrize("name, text", [
    ("broken.ttl", f'<{EX}a> <{EX}p> "one" .\n<{EX}b> <{EX}p> "two" .\n<{EX}c> <{EX}p> "three\n'),
    ("broken.nt", f'<{EX}a> <{EX}p> "one" .\n<{EX}b> <{EX}p> "two" .\n<{EX}c> <{EX}p> .\n'),
    ("broken.nq", f'<{EX}a> <{EX}p> "one" <{EX}g> .\n<{EX}b c> <{EX}p> "two" .\n'),
    ("broken.trig", f'<{EX}g> {{ <{EX}a> <{EX}p> "one" . }}\n<{EX}h> {{ <{EX}b> <{EX}p> "two" \n'),
    ("broken.jsonld", f'{{"@id": "{EX}a", "{EX}p": "one", "{EX}q": {{"@id": "relative"}}}}'),
    ("broken.rdf", '<?xml version="1.0"?><r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                   f'<r:Description r:about="{EX}a"><r:value>one</r:value></r:Description><r:Description r:about="b"/></r:RDF>'),
])
def test_a_failed_parse_leaves_the_store_as_it_was(name, text, tmp_path):
    store = Store()
    store.load_file(DATA / "valid" / "claim-complete.ttl")
    before = set(store)
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError):
        store.load_file(path, graph=ox.NamedNode(EX + "user"))
    assert set(store) == before


def test_export_never_clobbers_a_file_when_the_check_fails(tmp_path, monkeypatch, shipped_store):
    import gulag_kg.export as export

    target = tmp_path / "graph.ttl"
    target.write_bytes(b"# the previous export\n")
    real = export._write_canonical
    monkeypatch.setattr(export, "_write_canonical", lambda lines, fmt, out: real(lines[1:], fmt, out))  # a lossy writer
    with pytest.raises(GulagKgError, match="does not read back as the same graph .*1 quads lost.*nothing was written"):
        export_file(shipped_store.quads(), "turtle", target)
    assert target.read_bytes() == b"# the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_export_never_clobbers_a_file_when_the_disk_fails(tmp_path, monkeypatch):
    target = tmp_path / "graph.nt"
    target.write_bytes(b"old\n")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InputError, match="graph.nt: cannot write: No space left on device"):
        write_atomically(target, b"new\n" * 1000)
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"]


def test_export_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "graph.nt"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    write_atomically(target, b"new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.nt"
    mask = os.umask(0o022)
    try:
        write_atomically(fresh, b"new\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_export_onto_a_directory_exits_2(runner, tmp_path):
    result = runner.invoke(cli, ["export", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "is a directory" in result.output


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "nquads", "trig"])
def test_the_shipped_graph_exports_and_reads_back_in_every_format(fmt, tmp_path, shipped_store):
    target = tmp_path / f"graph.{fmt}"
    assert export_file(shipped_store.quads(), fmt, target) == target.stat().st_size


# --- validation changes nothing -------------------------------------------------------------------------


def test_validation_changes_neither_data_nor_shapes_and_repeats_itself(sensor, monkeypatch):
    """pySHACL adds triples to the shapes graph it is given: each validation gets a fresh one,
    as loaded from shapes/, and the data graph is left as it was."""
    from rdflib import OWL, URIRef
    from rdflib.compare import isomorphic

    from gulag_kg import paths, validation
    from gulag_kg.convert import quads_to_rdflib_graph

    store = Store()
    store.load_file(DATA / "invalid" / "Claim-no-source.ttl")
    for path in paths.ontology_files():
        store.load_file(path)
    data = quads_to_rdflib_graph(store.quads())
    data.add((URIRef(EX + "data"), OWL.imports, URIRef(sensor.url + "/ontology.ttl")))
    triples_before = set(data)
    pristine = validation.load_shapes_graph()
    given = []
    real_validate = validation.pyshacl.validate

    def recording_validate(data_graph, *, shacl_graph, **options):
        given.append((shacl_graph, isomorphic(shacl_graph, pristine)))
        return real_validate(data_graph, shacl_graph=shacl_graph, **options)

    monkeypatch.setattr(validation.pyshacl, "validate", recording_validate)
    first = validation.validate_graph(data)
    second = validation.validate_graph(data)
    assert first == second and first.violations > 0
    assert set(data) == triples_before
    assert [fresh for _, fresh in given] == [True, True]
    assert given[0][0] is not given[1][0]
    assert sensor.requests == []  # owl:imports is not followed


# --- the socket guard ------------------------------------------------------------------------------------


@pytest.fixture
def guard():
    install_network_guard()
    yield
    uninstall_network_guard()


def test_the_socket_guard_refuses_the_network_but_not_loopback(guard, sensor):
    import urllib.request

    with pytest.raises(NetworkRefused, match="looking up 'example.org'"):
        socket.getaddrinfo("example.org", 80)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(NetworkRefused, match="connecting to"):
        s.connect(("192.0.2.1", 80))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, pytest.raises(NetworkRefused, match="sending to"):
        s.sendto(b"x", ("192.0.2.1", 53))
    with urllib.request.urlopen(sensor.url + "/loopback", timeout=5) as response:
        assert response.status == 200
    assert sensor.requests == [("GET", "/loopback")]


def test_network_allowed_lets_the_call_through(guard):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        with network_allowed():
            # Past our guard the call meets the test suite's own (which refuses all but loopback).
            with pytest.raises(RuntimeError, match="a test tried to reach the network"):
                s.connect(("192.0.2.1", 80))
        with pytest.raises(NetworkRefused):
            s.connect(("192.0.2.1", 80))


def test_the_kernel_guard_refuses_internet_sockets_to_a_child():
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        outcome = b"not installed"
        try:
            if deny_network_to_this_process():
                try:
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
                    outcome = b"inet allowed"
                except PermissionError:
                    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
                    outcome = b"inet refused, unix allowed"
        finally:
            os.write(write_end, outcome)
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    assert os.read(read_end, 100) == b"inet refused, unix allowed"
    os.close(read_end)
    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()  # the parent keeps its network


# --- the corpus through the commands -------------------------------------------------------------------

REFUSED_FILES = sorted(p.name for p in HOSTILE.iterdir() if p.suffix in (".rdf", ".jsonld", ".ttl", ".trig", ".nq"))
REFUSED_QUERIES = sorted(p.name for p in HOSTILE.glob("*.rq"))


@pytest.mark.parametrize("name", REFUSED_FILES)
def test_the_corpus_files_are_refused_by_validate_query_and_export(name, runner, sensor, tmp_path):
    path = hostile_copy(name, sensor, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with no_hang(120):
        for args in (["validate", str(path)],
                     ["--data", str(path), "query", "ASK { ?s ?p ?o }"],
                     ["--data", str(path), "export", "-o", str(tmp_path / "out.ttl")]):
            result = runner.invoke(cli, args)
            assert result.exit_code == 2, (args, result.output)
            assert result.output.startswith(f"Error: {path}"), result.output
            assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no export written
    assert sensor.requests == []


@pytest.mark.parametrize("name", REFUSED_QUERIES)
def test_the_corpus_queries_are_refused(name, runner, sensor, tmp_path):
    path = hostile_copy(name, sensor, tmp_path)
    with no_hang(120):
        result = runner.invoke(cli, ["query", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert sensor.requests == []


@pytest.mark.parametrize("name", ["lookups.json", "camps.csv"])
def test_hostile_import_directories_are_refused(name, runner, sensor, tmp_path):
    """``import gulagmap`` on a directory whose file is a pipe or hostile JSON: exit 2, no hang."""
    source = DATA / "gulagmap" / "excerpt"
    directory = tmp_path / "gulagmap"
    directory.mkdir()
    for f in source.iterdir():
        (directory / f.name).write_bytes(f.read_bytes())
    (directory / name).unlink()
    os.mkfifo(directory / name)  # reading it would block for ever
    with no_hang(120):
        result = runner.invoke(cli, ["import", "gulagmap", str(directory), "-o", str(tmp_path / "out.trig")])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert not (tmp_path / "out.trig").exists()
    assert sensor.requests == []


def test_deeply_nested_lookups_json_is_refused_by_the_importer(runner, tmp_path):
    source = DATA / "gulagmap" / "excerpt"
    directory = tmp_path / "gulagmap"
    directory.mkdir()
    for f in source.iterdir():
        (directory / f.name).write_bytes(f.read_bytes())
    (directory / "lookups.json").write_text("[" * 5000 + "]" * 5000)
    result = runner.invoke(cli, ["import", "gulagmap", str(directory), "-o", str(tmp_path / "out.trig")])
    assert result.exit_code == 2 and result.output.startswith("Error: ")
