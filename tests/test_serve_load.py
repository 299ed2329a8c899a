"""`gulag-kg serve` under load and at its limits, over real HTTP on 127.0.0.1: many clients at
once with 0 hung requests, the queue of queries, and the memory caps, each answered as documented
(status, Retry-After, a message naming the limit)."""

from __future__ import annotations

import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from .servers import gulag_kg_server

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f LIMIT 1"


def call(url, *, timeout=30, accept="application/sparql-results+json"):
    request = urllib.request.Request(url, headers={"Accept": accept})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return response.status, response.headers, body, time.monotonic() - start
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read(), time.monotonic() - start


def sparql(server, text):
    return server.sparql + "?" + urllib.parse.urlencode({"query": text})


def test_20_clients_mixing_pages_and_queries_get_every_answer():
    """Issue 15's load, scaled down for the suite: 400 requests from 20 clients, entity pages and
    queries mixed; every request answered (no hang: each has 30 s), and answered right."""
    paths = ["/id/agency/nkvd", "/id/agency/gulag", "/id/agency/ogpu", "/id/agency/cheka"]
    queries = ["death-toll-estimates", "contested-claims", "claimants"]
    from gulag_kg.query import named_queries

    library = named_queries()
    with gulag_kg_server("--max-queries", "4") as server:
        rng = random.Random(15)
        plan = []
        for _ in range(400):
            if rng.random() < 0.5:
                plan.append((server.base + rng.choice(paths), "text/turtle"))
            else:
                plan.append((sparql(server, library[rng.choice(queries)].text), "application/sparql-results+json"))
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(lambda item: call(item[0], accept=item[1]), plan))
        statuses = [r[0] for r in results]
        assert statuses.count(200) == len(plan), {s: statuses.count(s) for s in set(statuses)}
        slowest = max(r[3] for r in results)
        assert slowest < 30
        assert all(len(r[2]) > 100 for r in results)


def test_queries_past_the_queue_get_503_with_retry_after():
    with gulag_kg_server("--max-queries", "1", "--max-queued", "1", "--timeout", "3") as server:
        results = {}

        def run(name, text):
            results[name] = call(sparql(server, text))

        slow = threading.Thread(target=run, args=("slow", CROSS))
        slow.start()
        time.sleep(0.7)
        waiting = threading.Thread(target=run, args=("waiting", "ASK {}"))
        waiting.start()
        time.sleep(0.5)
        run("refused", "ASK {}")
        slow.join(30)
        waiting.join(30)
        assert results["slow"][0] == 503 and b"time limit of 3 s" in results["slow"][2]
        assert results["waiting"][0] == 200  # it waited for the worker, then ran
        status, headers, body, _ = results["refused"]
        assert status == 503 and headers["Retry-After"] == "5"
        assert b"too many queries at once (1 queries are running and 1 waiting)" in body


def test_the_memory_caps_answer_as_documented():
    with gulag_kg_server("--query-memory", "300", "--max-queries", "2") as server:
        status, _, body, elapsed = call(sparql(server, HUNGRY), timeout=60)
        assert status == 500 and b"needed more than its memory limit of 300 MB" in body
        assert b"gulag-kg serve --query-memory" in body
        assert call(sparql(server, "ASK {}"))[0] == 200  # a new worker took its place
    with gulag_kg_server("--memory-limit", "1") as server:  # the server's own size is already past 1 MB
        status, headers, body, _ = call(sparql(server, "ASK {}"))
        assert status == 503 and headers["Retry-After"] == "5"
        assert b"the server's memory limit of 1 MB is reached" in body


def test_a_client_that_does_not_read_its_answer_holds_no_worker():
    """Answers under the row limit are read whole from the worker before they are sent: a
    client that stops reading a large answer leaves the only worker free for the next query."""
    import socket

    with gulag_kg_server("--max-queries", "1", "--max-queued", "0", "--max-rows", "100000") as server:
        host, port = server.base.removeprefix("http://").split(":")
        stalled = socket.create_connection((host, int(port)), timeout=10)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        path = "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
        stalled.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/sparql-results+xml\r\n\r\n".encode())
        stalled.recv(1024)  # the answer has begun: several MB follow, which this client never reads
        try:
            for _ in range(5):
                status, _, body, elapsed = call(sparql(server, "SELECT ?l WHERE { agency:nkvd rdfs:label ?l }"), timeout=20)
                assert status == 200 and b"NKVD" in body and elapsed < 5
        finally:
            stalled.close()
