#!/usr/bin/env python3
"""Entity pages under load: ``gulag-kg serve`` on the shipped graph, 20 concurrent clients.

The server runs as a user runs it (``gulag-kg serve``, one process, in memory or ``--store``);
the clients run in this process, each a thread with its own keep-alive HTTP/1.1 connection,
asking for the HTML pages of every entity of the graph (``/id/.../*.html``) in a shuffled order.

Two phases, reported apart:

``cold``
    every entity page once, as the server starts: each is rendered (the server keeps the
    rendered pages, bounded by memory, for as long as it runs: the graph does not change under
    a read-only server);
``warm``
    ``--rounds`` more passes over the same pages (pages a server has already rendered).

For each phase: requests, throughput, and the latency percentiles (p50, p90, p99, max) as a
client sees them (from sending the request to reading the last byte). Every response must be
200 with the page's ``<h1>``; anything else is counted and fails the run.

Usage::

    python bench/serve_pages.py --clients 20 --rounds 3 --json bench/results-serve-pages.json
    python bench/serve_pages.py --clients 2 --rounds 1 --limit 50      # a smoke run
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GULAG_KG = Path(sys.executable).parent / "gulag-kg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [str(GULAG_KG), *args, "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/search-index.json", timeout=30):
                return process, base
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"the server exited: {process.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the server did not start within 60 s")
            time.sleep(0.2)


def entity_pages(base: str) -> list[str]:
    """Every entity page, from the server's own search index (one row per label)."""
    with urllib.request.urlopen(base + "/search-index.json", timeout=60) as response:
        index = json.load(response)
    return sorted({row[4] for row in index["rows"] if row[4].startswith("id/")})


def run_phase(host: str, port: int, paths: list[str], clients: int) -> dict:
    """Each client takes the next path from a shared queue until none is left."""
    lock = threading.Lock()
    queue = list(paths)
    latencies: list[float] = []
    failures: list[str] = []

    def client():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                path = queue.pop()
            start = time.perf_counter()
            try:
                connection.request("GET", "/" + path, headers={"Accept": "text/html"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{path}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                continue
            elapsed = time.perf_counter() - start
            if response.status != 200 or not re.search(rb"<h1[ >]", body):
                failures.append(f"{path}: HTTP {response.status}")
            with lock:
                latencies.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))] * 1000

    return {
        "requests": len(latencies), "failures": len(failures), "failure_examples": failures[:5],
        "seconds": round(wall, 3), "per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(pct(50), 1), "p90_ms": round(pct(90), 1), "p99_ms": round(pct(99), 1),
        "max_ms": round(latencies[-1] * 1000, 1), "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="warm passes over every page")
    parser.add_argument("--limit", type=int, default=None, help="only this many pages (smoke runs)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", default=None, help="serve an on-disk store (filled with 'gulag-kg --store DIR load')")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    options = parser.parse_args()

    server_args = ["--store", options.store] if options.store else []
    process, base = start_server(server_args)
    try:
        paths = entity_pages(base)
        random.Random(options.seed).shuffle(paths)
        if options.limit:
            paths = paths[:options.limit]
        host, port = "127.0.0.1", int(base.rsplit(":", 1)[1])
        cold = run_phase(host, port, paths, options.clients)
        warm_paths = [p for _ in range(options.rounds) for p in random.Random(options.seed + 1).sample(paths, len(paths))]
        warm = run_phase(host, port, warm_paths, options.clients)
    finally:
        process.terminate()
        process.wait(timeout=30)
    record = {
        "benchmark": "serve-pages", "pages": len(paths), "clients": options.clients, "rounds": options.rounds,
        "store": "on disk" if options.store else "in memory", "cold": cold, "warm": warm,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_1m": round(os.getloadavg()[0], 2)},
        "measured": time.strftime("%Y-%m-%d"),
    }
    print(f"{len(paths)} entity pages, {options.clients} concurrent clients, {record['store']} "
          f"(load average {record['machine']['load_average_1m']})")
    print("phase  requests  req/s   p50 ms  p90 ms  p99 ms  max ms  failures")
    for name, r in (("cold", cold), ("warm", warm)):
        print(f"{name:5}  {r['requests']:8}  {r['per_second']:6}  {r['p50_ms']:6}  {r['p90_ms']:6}  "
              f"{r['p99_ms']:6}  {r['max_ms']:6}  {r['failures']}")
    if options.json:
        options.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    if cold["failures"] or warm["failures"]:
        raise SystemExit(f"failed requests: {cold['failure_examples'] + warm['failure_examples']}")


if __name__ == "__main__":
    main()
