"""`gulag-kg serve`: the SPARQL 1.1 Protocol at /sparql, exercised over real HTTP against a
server process started the way an operator starts it (tests/servers.py).

What each test checks is what the endpoint promises in gulag_kg/web/sparql.py and SECURITY.md:
every protocol operation and format, the dataset parameters, the Service Description, CORS,
Vary and charset, HTTP/1.1 keep-alive, and a clear status and one-line message for every kind of
bad input and every limit.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
import rdflib

import gulag_kg
from gulag_kg.store import WIKIDATA_GRAPH

from .servers import gulag_kg_server

Q = urllib.parse.quote


@pytest.fixture(scope="module")
def server():
    with gulag_kg_server("--max-rows", "50", "--timeout", "4", "--idle-timeout", "2", "--max-body", "20000",
                         "--max-queries", "3") as s:
        yield s


@pytest.fixture(scope="module")
def shipped():
    return gulag_kg.load().store


def call(url, *, data=None, headers=None, method=None, timeout=30):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def query_url(server, text, **params):
    pairs = [("query", text)] + [(k.replace("_", "-"), v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])]
    return server.sparql + "?" + urllib.parse.urlencode(pairs)


def raw(server, data: bytes, *, timeout=10) -> bytes:
    """What the server sends back on a fresh connection for these bytes, until it closes."""
    host, port = server.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        out = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def one_line_error(body: bytes) -> str:
    text = body.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1, text
    return text.strip()


# --- the three ways to send a query -------------------------------------------------------------

LABEL = "SELECT ?l WHERE { agency:nkvd rdfs:label ?l }"


def _labels(body: bytes) -> list[str]:
    return [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_get(server):
    status, headers, body = call(query_url(server, LABEL))
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert _labels(body) == ["NKVD"]


def test_post_form(server):
    status, _, body = call(server.sparql, data=urllib.parse.urlencode({"query": LABEL}).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and _labels(body) == ["NKVD"]


def test_post_direct(server):
    status, _, body = call(server.sparql, data=LABEL.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and _labels(body) == ["NKVD"]


# --- formats ----------------------------------------------------------------------------------------

SELECT = "SELECT ?s ?label WHERE { ?s a gk:Agency ; rdfs:label ?label } ORDER BY ?s ?label LIMIT 20"


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_select_in_every_results_format_is_the_engine_s_answer(server, shipped, accept, fmt):
    status, headers, body = call(query_url(server, SELECT), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"] == f"{accept}; charset=utf-8"
    direct = shipped.query(SELECT)
    names = [v.value for v in direct.variables]
    rows = [[str(s[n]) for n in names] for s in direct]
    if fmt == ox.QueryResultsFormat.CSV:  # CSV keeps lexical forms only (no parser reads it back): compare those
        import csv
        import io

        got = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        assert got[0] == names
        assert got[1:] == [[s[n].value for n in names] for s in shipped.query(SELECT)]
    else:
        got = ox.parse_query_results(body, format=fmt)
        assert [[str(s[n]) for n in names] for s in got] == rows
    assert len(rows) > 10  # Cyrillic labels among them


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_in_json_and_xml(server, accept):
    for text, expected in (("ASK { agency:nkvd ?p ?o }", True), ("ASK { agency:nothing ?p ?o }", False)):
        status, _, body = call(query_url(server, text), headers={"Accept": accept})
        fmt = ox.QueryResultsFormat.JSON if "json" in accept else ox.QueryResultsFormat.XML
        assert status == 200 and bool(ox.parse_query_results(body, format=fmt)) is expected


# no blank nodes: their ids differ between this process's copy of the graph and the server's
CONSTRUCT = "CONSTRUCT { agency:nkvd ?p ?o } WHERE { agency:nkvd ?p ?o FILTER(!isBlank(?o)) }"


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-quads", ox.RdfFormat.N_QUADS), ("application/trig", ox.RdfFormat.TRIG),
])
def test_construct_in_every_rdf_format_is_the_engine_s_graph(server, shipped, accept, fmt):
    status, headers, body = call(query_url(server, CONSTRUCT), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"] == f"{accept}; charset=utf-8"
    got = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}
    expected = set(shipped.query(CONSTRUCT))
    assert got == expected and len(expected) > 5
    if fmt in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):  # and another parser reads the same
        graph = rdflib.Graph().parse(data=body, format="xml" if fmt == ox.RdfFormat.RDF_XML else "json-ld")
        assert len(graph) == len(expected)


def test_describe(server):
    status, _, body = call(query_url(server, "DESCRIBE agency:cheka"), headers={"Accept": "text/turtle"})
    assert status == 200
    subjects = {t.subject.value for t in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    assert "https://w3id.org/gulag-kg/id/agency/cheka" in subjects


def test_unsupported_accept_is_406_with_what_is_offered(server):
    status, _, body = call(query_url(server, SELECT), headers={"Accept": "image/png"})
    assert status == 406 and "application/sparql-results+json" in one_line_error(body)


# --- the dataset ----------------------------------------------------------------------------------

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_default_graph_uri_gives_that_graph_only(server, shipped):
    in_graph = sum(1 for _ in shipped.quads(graph=WIKIDATA_GRAPH))
    status, _, body = call(query_url(server, COUNT, default_graph_uri=WIKIDATA_GRAPH.value))
    assert status == 200 and _count(body) == in_graph
    _, _, everything = call(query_url(server, COUNT))
    assert _count(everything) == len(shipped) > in_graph  # without it: the union of every graph


def test_named_graph_uri_restricts_graph_and_leaves_an_empty_default_graph(server, shipped):
    text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = call(query_url(server, text, named_graph_uri=WIKIDATA_GRAPH.value))
    assert status == 200
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [WIKIDATA_GRAPH.value]
    _, _, default = call(query_url(server, COUNT, named_graph_uri=WIKIDATA_GRAPH.value))
    assert _count(default) == 0


def test_protocol_dataset_takes_precedence_over_from(server, shipped):
    text = f"SELECT (COUNT(*) AS ?n) FROM <{gulag_kg.store.ARTICLE_GRAPH.value}> WHERE {{ ?s ?p ?o }}"
    in_wikidata = sum(1 for _ in shipped.quads(graph=WIKIDATA_GRAPH))
    _, _, body = call(query_url(server, text, default_graph_uri=WIKIDATA_GRAPH.value))
    assert _count(body) == in_wikidata
    _, _, body = call(query_url(server, text))  # and FROM alone is honoured
    assert _count(body) == sum(1 for _ in shipped.quads(graph=gulag_kg.store.ARTICLE_GRAPH))


def test_a_dataset_iri_that_is_not_an_iri_is_400(server):
    status, _, body = call(query_url(server, COUNT, default_graph_uri="not an iri"))
    assert status == 400 and "not an absolute IRI" in one_line_error(body)


# --- the service description and the query UI --------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                                        ("application/ld+json", "json-ld"), ("", "turtle")])
def test_service_description(server, shipped, accept, fmt):
    status, headers, body = call(server.sparql, headers={"Accept": accept} if accept else {})
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format=fmt)
    services = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(SD + "Service")))
    assert len(services) == 1
    service = services.pop()
    assert set(graph.objects(service, rdflib.URIRef(SD + "endpoint"))) == {rdflib.URIRef(server.sparql)}
    assert rdflib.URIRef(SD + "SPARQL11Query") in set(graph.objects(service, rdflib.URIRef(SD + "supportedLanguage")))
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, rdflib.URIRef(SD + "resultFormat"))}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
            "N-Triples", "RDF_XML", "JSON-LD", "N-Quads", "TriG"} <= formats
    names = {str(n) for n in graph.objects(None, rdflib.URIRef(SD + "name"))}
    assert names == {g.value for g in shipped.named_graphs()}
    assert rdflib.URIRef(SD + "UnionDefaultGraph") in set(graph.objects(service, rdflib.URIRef(SD + "feature")))


def test_a_browser_gets_the_query_ui_with_the_named_queries(server):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, body = call(server.sparql, headers={"Accept": accept})
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<script src="/static/vendor/yasgui/yasgui.min.js">' in page
    assert 'data-name="death-toll-estimates"' in page and "https://" not in page.split("<body>")[0].replace(
        "https://www.w3.org/TR/sparql11-service-description/", "")  # nothing from a CDN
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE", "THIRD-PARTY-LICENSES.txt"):
        status, headers, body = call(f"{server.base}/static/vendor/yasgui/{name}")
        assert status == 200 and len(body) > 1000
        if "." in name:
            assert "charset=utf-8" in headers["Content-Type"]


def test_a_browser_following_a_query_link_gets_the_ui_with_that_query(server):
    status, _, body = call(query_url(server, "ASK { ?s ?p ?o }"), headers={"Accept": "text/html"})
    assert status == 200 and '"query": "ASK { ?s ?p ?o }"' in body.decode("utf-8")


# --- HTTP conventions: CORS, Vary, charset, keep-alive ----------------------------------------------


def test_cors_preflight_and_exposed_headers(server):
    status, headers, _ = call(server.sparql, method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"] and "GET" in headers["Allow"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    _, headers, _ = call(query_url(server, "ASK {}"), headers={"Origin": "https://example.org"})
    exposed = {h.strip().lower() for h in headers["Access-Control-Expose-Headers"].split(",")}
    assert {"content-type", "retry-after", "content-location", "link"} <= exposed
    assert headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path,accept", [
    ("/sparql?query=" + Q("ASK {}"), "text/csv"), ("/sparql?query=" + Q("SELECT * WHERE {"), ""),
    ("/sparql", "text/turtle"), ("/sparql", "text/html"), ("/id/agency/nkvd", "text/turtle"),
    ("/id/agency/nothing", ""), ("/static/vendor/yasgui/yasgui.min.css", ""), ("/", "")])
def test_every_text_response_has_vary_accept_and_a_charset(server, path, accept):
    _, headers, _ = call(server.base + path, headers={"Accept": accept} if accept else {})
    assert "accept" in headers["Vary"].lower()
    media = headers["Content-Type"]
    if media.startswith("text/") or "json" in media or "xml" in media or "turtle" in media:
        assert "charset=utf-8" in media.lower()


def test_http_11_keep_alive(server):
    host, port = server.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        socks = set()
        for _ in range(3):
            connection.request("GET", "/sparql?query=" + Q("ASK {}"))
            response = connection.getresponse()
            response.read()
            assert response.status == 200 and response.version == 11
            socks.add(id(connection.sock))
        assert len(socks) == 1  # one connection for all three
    finally:
        connection.close()


# --- bad input: a status and one line -------------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_s_position(server):
    status, _, body = call(query_url(server, "SELECT ?x WHERE {"))
    assert status == 400 and "line 1, column 18: SPARQL syntax error" in one_line_error(body)


@pytest.mark.parametrize("how", ["form", "direct", "get", "get-query"])
def test_updates_are_403(server, how):
    if how == "form":
        status, _, body = call(server.sparql, data=b"update=DROP%20ALL", headers={"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "direct":
        status, _, body = call(server.sparql, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    elif how == "get":
        status, _, body = call(server.sparql + "?update=" + Q("DROP ALL"))
    else:
        status, _, body = call(query_url(server, "DROP ALL"))
    assert status == 403 and "read-only" in one_line_error(body)


def test_service_is_403(server):
    status, _, body = call(query_url(server, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"))
    assert status == 403 and "SERVICE calls are refused" in one_line_error(body)


@pytest.mark.parametrize("content_type,data,status", [
    ("text/plain", b"ASK {}", 415), (None, b"ASK {}", 415),
    ("application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), 415),
    ("application/sparql-query", b"ASK { \xff }", 400),
])
def test_bodies_the_protocol_does_not_allow(server, content_type, data, status):
    headers = {"Content-Type": content_type} if content_type else {"Content-Type": ""}
    got, _, body = call(server.sparql, data=data, headers=headers)
    assert got == status and one_line_error(body)


def test_two_queries_are_400(server):
    status, _, body = call(server.sparql + "?query=" + Q("ASK {}") + "&query=" + Q("ASK {}"))
    assert status == 400 and "2 queries" in one_line_error(body)


@pytest.mark.parametrize("length", ["-1", "abc", "1e3"])
def test_a_content_length_that_is_not_a_length_is_400_and_the_body_is_not_read(server, length):
    body = b"x" * 300_000
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: " + length.encode() + b"\r\n\r\n" + body)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"Content-Length" in answer
    assert b"connection: close" in answer.lower()


def test_a_body_over_the_limit_is_413_whatever_content_length_says(server):
    big = b"ASK {} #" + b"x" * 30_000
    status, headers, body = call(server.sparql, data=big, headers={"Content-Type": "application/sparql-query"})
    assert status == 413 and "20,000" in one_line_error(body)
    chunked = (b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in [big[i:i + 4000] for i in range(0, len(big), 4000)]) + b"0\r\n\r\n")
    assert raw(server, chunked).startswith(b"HTTP/1.1 413 ")
    lying = (b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\nContent-Length: 999999999\r\n\r\n" + big)
    assert raw(server, lying).startswith(b"HTTP/1.1 413 ")


def test_a_request_target_over_the_limit_is_414_and_headers_431(server):
    status, _, body = call(query_url(server, "ASK {} #" + "x" * 70_000))
    assert status == 414 and "send a long query by POST" in one_line_error(body)
    answer = raw(server, b"GET /sparql HTTP/1.1\r\nHost: t\r\nX-Big: " + b"x" * 70_000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431 ")


@pytest.mark.parametrize("sent", [b"", b"GET /sparql HTTP/1.1\r\nHost: t\r\n",
                                  b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK"])
def test_a_half_sent_request_is_closed_with_408_after_the_idle_timeout(server, sent):
    start = time.monotonic()
    answer = raw(server, sent, timeout=20)
    assert answer.startswith(b"HTTP/1.1 408 ") and 1.5 < time.monotonic() - start < 10


def test_a_query_nested_5000_levels_deep_is_400_not_a_crash(server):
    text = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    status, _, body = call(server.sparql, data=text.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 400 and "nests or chains too deeply" in one_line_error(body)
    assert call(query_url(server, "ASK {}"))[0] == 200


def test_a_result_over_the_row_limit_is_422_never_cut(server):
    for text in ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE ?c WHERE { ?c a gk:Claim }"):
        accept = "text/turtle" if not text.startswith("SELECT") else "application/sparql-results+json"
        status, headers, body = call(query_url(server, text), headers={"Accept": accept})
        assert status == 422 and "more than 50 rows; add a LIMIT" in one_line_error(body)
        assert "X-Gulag-KG-Truncated" not in headers
    status, _, body = call(query_url(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 50"))
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50


def test_a_query_past_the_time_limit_is_503_and_the_server_goes_on(server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.monotonic()
    status, _, body = call(query_url(server, slow))
    assert status == 503 and "time limit of 4 s" in one_line_error(body)
    assert time.monotonic() - start < 15
    assert call(query_url(server, "ASK {}"))[0] == 200


def test_a_slow_query_does_not_hold_up_a_cheap_one(server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    done = []
    thread = threading.Thread(target=lambda: done.append(call(query_url(server, slow))))
    thread.start()
    time.sleep(0.5)
    start = time.monotonic()
    assert call(query_url(server, LABEL))[0] == 200
    assert time.monotonic() - start < 2  # answered while the slow one runs
    thread.join(30)
    assert done and done[0][0] == 503


def test_put_is_405(server):
    status, headers, _ = call(server.sparql, data=b"x", method="PUT", headers={"Content-Type": "application/sparql-query"})
    assert status == 405 and "POST" in headers["Allow"]


# --- results without a row limit stream ------------------------------------------------------------------


def test_with_the_row_limit_lifted_results_stream_whole():
    with gulag_kg_server("--max-rows", "0", "--max-queries", "1") as s:
        host, port = s.base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("GET", "/sparql?query=" + Q("SELECT * WHERE { ?s ?p ?o }"), headers={"Accept": "text/tab-separated-values"})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked" and response.getheader("Content-Length") is None
        lines = response.read().decode("utf-8").splitlines()
        connection.close()
        assert len(lines) - 1 == len(gulag_kg.load().store)  # every quad of the union: nothing cut


# --- the same endpoint over an on-disk store and over another SPARQL server ----------------------------


def _same_answers(server, shipped):
    """The answers every kind of store must give alike."""
    status, _, body = call(query_url(server, LABEL))
    assert status == 200 and _labels(body) == ["NKVD"]
    in_graph = sum(1 for _ in shipped.quads(graph=WIKIDATA_GRAPH))
    status, _, body = call(query_url(server, COUNT, default_graph_uri=WIKIDATA_GRAPH.value))
    assert status == 200 and _count(body) == in_graph
    status, _, body = call(query_url(server, CONSTRUCT), headers={"Accept": "application/rdf+xml"})
    assert status == 200
    got = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.RDF_XML)}
    assert got == set(shipped.query(CONSTRUCT))
    # a predicate RDF/XML cannot write as an element: refused, not sent as XML that parsers reject
    odd = 'CONSTRUCT { <http://example.org/s> <http://example.org/p/1> "x" } WHERE {}'
    status, _, body = call(query_url(server, odd), headers={"Accept": "application/rdf+xml"})
    assert status == 406, body
    assert "cannot export as RDF/XML: the predicate <http://example.org/p/1>" in one_line_error(body)
    status, _, body = call(query_url(server, odd), headers={"Accept": "text/turtle"})
    assert status == 200 and b"<http://example.org/p/1>" in body
    status, _, body = call(query_url(server, "SELECT * WHERE { ?s ?p ?o }"))
    assert status == 422 and "more than 50 rows" in one_line_error(body)
    status, _, body = call(query_url(server, "DROP ALL"))
    assert status == 403


def test_an_on_disk_store_is_served_read_only_with_the_same_answers(tmp_path, shipped):
    from click.testing import CliRunner

    from gulag_kg.cli import cli

    store = tmp_path / "store"
    assert CliRunner().invoke(cli, ["--store", str(store), "load"]).exit_code == 0
    with gulag_kg_server("--max-rows", "50", global_args=("--store", str(store))) as s:
        assert "(read-only)" in "".join(s.log)
        _same_answers(s, shipped)
        # the store stays writable for a load while it is served (the server holds it read-only)
        result = CliRunner().invoke(cli, ["--store", str(store), "load"])
        assert result.exit_code == 0, result.output


def test_a_sparql_server_behind_is_served_with_the_same_answers(shipped):
    from click.testing import CliRunner

    from gulag_kg.cli import cli

    from .servers import oxigraph_server

    with oxigraph_server() as backend:
        assert CliRunner().invoke(cli, ["--endpoint", backend.query_url, "load"]).exit_code == 0
        with gulag_kg_server("--max-rows", "50", global_args=("--endpoint", backend.query_url)) as s:
            _same_answers(s, shipped)


def test_every_test_security_md_names_exists():
    """SECURITY.md names the test that holds each serving promise: those tests must exist."""
    import re

    from .conftest import ROOT

    named = set(re.findall(r"`(test_[a-z0-9_]+)`", (ROOT / "SECURITY.md").read_text(encoding="utf-8")))
    defined = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        defined.update(re.findall(r"^def (test_[a-z0-9_]+)", path.read_text(encoding="utf-8"), re.M))
    assert len(named) >= 15 and named <= defined, sorted(named - defined)
