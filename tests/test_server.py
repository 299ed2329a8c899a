"""`gulag-kg serve`: a read-only SPARQL 1.1 endpoint on 127.0.0.1, exercised over real HTTP
(uvicorn running the web application in a thread)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import gulag_kg
from gulag_kg.web import WebSettings
from gulag_kg.web.serve import bound_port, make_server


@pytest.fixture(scope="module")
def base():
    server = make_server(gulag_kg.load(), port=0, settings=WebSettings(max_rows=5))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{bound_port(server)}"
    server.should_exit = True
    thread.join(timeout=10)


def _get(url, accept="application/sparql-results+json"):
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def _error(url, *, data=None, content_type=None, method=None):
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    return info.value.code, info.value.read().decode()


def test_select_over_get_as_sparql_json(base):
    q = urllib.parse.quote("SELECT ?l WHERE { agency:nkvd rdfs:label ?l }")
    status, headers, body = _get(f"{base}/sparql?query={q}")
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"][0]["l"]["value"] == "NKVD"


def test_select_over_post_as_csv(base):
    request = urllib.request.Request(f"{base}/sparql", data=b"SELECT ?x WHERE { VALUES ?x { 1 2 } }",
                                     headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read().decode().replace("\r\n", "\n") == "x\n1\n2\n"


def test_rows_are_capped_and_the_response_says_so(base):
    q = urllib.parse.quote("SELECT ?c WHERE { ?c a gk:Claim }")
    _, headers, body = _get(f"{base}/sparql?query={q}")
    assert len(json.loads(body)["results"]["bindings"]) == 5
    assert headers["X-Gulag-KG-Truncated"] == "results cut at 5 rows"


@pytest.mark.parametrize("how", ["form", "sparql-update", "get"])
def test_updates_are_refused_with_403(base, how):
    update = "DROP ALL"
    if how == "form":
        code, text = _error(f"{base}/sparql", data=urllib.parse.urlencode({"update": update}).encode(),
                            content_type="application/x-www-form-urlencoded")
    elif how == "sparql-update":
        code, text = _error(f"{base}/sparql", data=update.encode(), content_type="application/sparql-update")
    else:
        code, text = _error(f"{base}/sparql?query={urllib.parse.quote(update)}")
    assert code == 403
    assert "read-only" in text or "updates are not allowed" in text


def test_service_is_refused(base):
    q = urllib.parse.quote("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    code, text = _error(f"{base}/sparql?query={q}")
    assert code == 403 and "SERVICE calls are refused" in text


def test_bad_query_is_400_with_position(base):
    code, text = _error(f"{base}/sparql?query={urllib.parse.quote('SELECT ?x WHERE {')}")
    assert code == 400 and "SPARQL syntax error" in text


def test_entity_page_as_turtle_with_claims_and_quotes(base):
    status, headers, body = _get(f"{base}/id/agency/gulag", accept="text/turtle")
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"  # no mojibake in browsers
    import pyoxigraph as ox

    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    predicates = {t.predicate.value for t in triples}
    assert "https://w3id.org/gulag-kg/ontology#subject" in predicates  # its claims
    assert "http://www.w3.org/ns/oa#exact" in predicates  # and their quotes


def test_unknown_entity_is_404(base):
    code, text = _error(f"{base}/id/agency/nothing")
    assert code == 404 and "is not in the graph" in text


def test_put_is_not_allowed(base):
    code, _ = _error(f"{base}/sparql", data=b"x", method="PUT")
    assert code == 405
