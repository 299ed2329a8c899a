"""Benchmark of `gulag-kg serve` against `oxigraph serve` on the same data, over HTTP/1.1 keep-alive.

    .venv/bin/python bench/serve.py [--duration 10] [--json bench/results-serve.json]

Both servers hold the shipped graph with its derived graph, in memory (gulag-kg as `serve` loads
it; Oxigraph's own server, from the `oxigraph` package, loaded with the same quads through its
Graph Store endpoint), with the union of the graphs as default graph; gulag-kg with a 5 s time
limit throughout, Oxigraph with its ``--timeout-s 5`` in the scenario about the limit only (see
:func:`start_oxigraph`). The
client is one process (asyncio; uvloop when installed) holding 20 connections; it runs on the same
machine, so the numbers are relative: the ratios matter, and the load average is written beside
each scenario.

Scenarios:

* ``cheap``: a one-pattern SELECT, 20 clients for ``--duration`` seconds: requests/s, latency;
* ``named``: the named query ``death-toll-estimates`` (with its PREFIX lines), same;
* ``cheap-under-slow``: 4 clients send a query that runs into the time limit, again and again,
  while one client sends the cheap SELECT: its latency (target: under 100 ms);
* ``mixed`` (gulag-kg only: Oxigraph has no pages): 2,000 requests from 20 clients, half entity
  pages (``/id/....html``), half named queries: requests/s, latency, and hung requests (no answer
  in 60 s; target: none).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHEAP = ("SELECT ?l WHERE { <https://w3id.org/gulag-kg/id/agency/nkvd> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MIXED_QUERIES = ["death-toll-estimates", "contested-claims", "claimants", "camps-by-agency", "heads-of-agencies"]
# the documents people read (the IRIs themselves answer 303 to these)
PAGES = ["/id/agency/nkvd.html", "/id/agency/gulag.html", "/id/agency/ogpu.html", "/id/agency/cheka.html",
         "/id/agency/gupvi.html"]
TIME_LIMIT = 5


# --- the client ------------------------------------------------------------------------------------


@dataclass
class Sample:
    status: int
    seconds: float
    size: int
    error: bytes = b""


@dataclass
class Outcome:
    scenario: str
    server: str
    requests: int = 0
    seconds: float = 0.0
    statuses: dict = field(default_factory=dict)
    p50_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    per_second: float | None = None  # successful (200) answers per second
    hung: int = 0
    load_before: float | None = None
    load_after: float | None = None
    note: str = ""


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    parts = []
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = await reader.readuntil(b"\r\n")
            n = int(size_line.split(b";")[0], 16)
            if n == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append((await reader.readexactly(n + 2))[:-2])
    else:
        parts.append(await reader.readexactly(int(headers.get("content-length", "0"))))
    return status, b"".join(parts), headers.get("connection", "").lower() == "close"


class Client:
    """One keep-alive connection that sends requests one after another."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, raw: bytes, timeout: float) -> Sample:
        start = time.perf_counter()
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.writer.write(raw)
            status, body, close = await asyncio.wait_for(_read_response(self.reader), timeout)
            if close:
                self.close()
        except asyncio.TimeoutError:
            self.close()
            return Sample(-1, time.perf_counter() - start, 0)  # hung
        except (OSError, asyncio.IncompleteReadError, ValueError):
            self.close()
            return Sample(0, time.perf_counter() - start, 0)
        return Sample(status, time.perf_counter() - start, len(body), body[:200] if status >= 400 else b"")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def get(host: str, path: str, accept: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nUser-Agent: gulag-kg-bench\r\n\r\n").encode()


def summarise(outcome: Outcome, samples: list[Sample], seconds: float) -> Outcome:
    times = sorted(s.seconds for s in samples)
    outcome.requests = len(samples)
    outcome.seconds = round(seconds, 2)
    outcome.statuses = {str(k): sum(1 for s in samples if s.status == k) for k in sorted({s.status for s in samples})}
    outcome.hung = sum(1 for s in samples if s.status == -1)
    errors = sorted({s.error.decode("utf-8", "replace") for s in samples if s.error})
    if errors:
        outcome.note = "errors: " + " | ".join(errors[:3])
    if times:
        outcome.p50_ms = round(1000 * statistics.median(times), 1)
        outcome.p99_ms = round(1000 * times[min(len(times) - 1, int(len(times) * 0.99))], 1)
        outcome.max_ms = round(1000 * times[-1], 1)
        outcome.per_second = round(sum(1 for s in samples if s.status == 200) / seconds, 1)  # answers, not errors
    return outcome


async def _until(host, port, raw: bytes, deadline: float, into: list, pause: float = 0.0) -> None:
    """One client sending ``raw`` again and again until ``deadline``."""
    client = Client(host, port)
    while time.perf_counter() < deadline:
        into.append(await client.request(raw, 60))
        if pause:
            await asyncio.sleep(pause)
    client.close()


async def for_duration(host, port, raw: bytes, clients: int, duration: float) -> tuple[list[Sample], float]:
    samples: list[Sample] = []
    start = time.perf_counter()
    await asyncio.gather(*(_until(host, port, raw, start + duration, samples) for _ in range(clients)))
    return samples, time.perf_counter() - start


async def planned(host, port, plan: list[bytes], clients: int) -> tuple[list[Sample], float]:
    samples: list[Sample] = []
    queue = list(reversed(plan))
    start = time.perf_counter()

    async def one():
        client = Client(host, port)
        while queue:
            samples.append(await client.request(queue.pop(), 60))
        client.close()

    await asyncio.gather(*(one() for _ in range(clients)))
    return samples, time.perf_counter() - start


async def cheap_under_slow(host, port, cheap: bytes, slow: bytes, duration: float) -> tuple[list[Sample], list[Sample], float]:
    fast, slowed = [], []
    start = time.perf_counter()
    deadline = start + duration

    async def cheap_client():
        await asyncio.sleep(1.0)  # the slow ones are running
        await _until(host, port, cheap, deadline, fast, pause=0.02)

    await asyncio.gather(*(_until(host, port, slow, deadline, slowed) for _ in range(4)), cheap_client())
    return fast, slowed, time.perf_counter() - start


# --- the servers ---------------------------------------------------------------------------------


def start_gulag_kg(processes: int = 1) -> tuple[subprocess.Popen, str]:
    import socket

    exe = Path(sys.executable).parent / "gulag-kg"
    port = 0
    if processes > 1:  # uvicorn's process manager needs a port of its own choosing
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    process = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--timeout", str(TIME_LIMIT),
                                "--processes", str(processes)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        if " at http://" in line:
            base = line.split(" at ", 1)[1].split("/sparql")[0]
            break
    else:
        raise RuntimeError("gulag-kg serve did not start")
    for _ in range(600):  # the processes load the graph: wait until one answers
        try:
            urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    import threading

    threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
    return process, base


def start_oxigraph(data: Path, *, time_limit: bool = False) -> tuple[subprocess.Popen, str]:
    """``oxigraph serve`` in memory with ``data``. Its ``--timeout-s`` starts a thread per query
    that lives as long as the limit: under 20 busy clients it runs out of threads (500 "Resource
    temporarily unavailable"), then aborts; so the limit is set only for the scenario about it."""
    import socket

    exe = Path(sys.executable).parent / "oxigraph"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    limit = ["--timeout-s", str(TIME_LIMIT)] if time_limit else []
    process = subprocess.Popen([str(exe), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph", *limit],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    request = urllib.request.Request(f"{base}/store", data=data.read_bytes(), method="POST",
                                     headers={"Content-Type": "application/n-quads"})
    urllib.request.urlopen(request, timeout=60).read()
    return process, base


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


# --- the run ---------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    import gulag_kg
    import pyoxigraph

    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory, 1), "python": platform.python_version(),
            "gulag_kg": gulag_kg.__version__, "pyoxigraph": pyoxigraph.__version__,
            "oxigraph_server": subprocess.run([str(Path(sys.executable).parent / "oxigraph"), "--version"],
                                              capture_output=True, text=True).stdout.strip()}


def load() -> float:
    return round(os.getloadavg()[0], 2)


def run(duration: float, processes: int) -> dict:
    import gulag_kg
    import pyoxigraph as ox

    from gulag_kg.web.sparql import named_queries_for_ui

    named = {q["name"]: q["text"] for q in named_queries_for_ui()}
    kg = gulag_kg.load()
    data = Path(tempfile.mkdtemp(prefix="gulag-kg-bench-")) / "shipped.nq"
    data.write_bytes(ox.serialize(kg.store.quads(), format=ox.RdfFormat.N_QUADS))
    records = []
    servers = {}
    try:
        servers["gulag-kg"] = start_gulag_kg(processes)
        servers["oxigraph"] = start_oxigraph(data)
        paths = {"gulag-kg": "/sparql", "oxigraph": "/query"}
        for name, (_process, base) in servers.items():  # both give the same answers
            url = base + paths[name] + "?" + urllib.parse.urlencode({"query": named["death-toll-estimates"]})
            rows = json.loads(urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"}), timeout=60).read())
            print(f"{name}: death-toll-estimates gives {len(rows['results']['bindings'])} rows", file=sys.stderr)

        def request(name, text, accept="application/sparql-results+json"):
            host = servers[name][1].removeprefix("http://")
            return get(host, paths[name] + "?" + urllib.parse.urlencode({"query": text}), accept)

        def hostport(name):
            host, port = servers[name][1].removeprefix("http://").split(":")
            return host, int(port)

        for scenario, text in (("cheap", CHEAP), ("named", named["death-toll-estimates"])):
            for name in servers:
                before = load()
                samples, seconds = asyncio.run(for_duration(*hostport(name), request(name, text), 20, duration))
                outcome = summarise(Outcome(scenario, name, load_before=before), samples, seconds)
                outcome.load_after = load()
                records.append(outcome)
                print(f"{scenario:18} {name:9} {outcome.per_second} req/s p50 {outcome.p50_ms} ms p99 {outcome.p99_ms} ms "
                      f"{outcome.statuses} load {before}", file=sys.stderr)
        stop(servers["oxigraph"][0])  # the same server, now with a time limit
        servers["oxigraph"] = start_oxigraph(data, time_limit=True)
        for name in servers:
            before = load()
            fast, slowed, seconds = asyncio.run(cheap_under_slow(*hostport(name), request(name, CHEAP), request(name, SLOW),
                                                                 max(duration, 3 * TIME_LIMIT)))
            outcome = summarise(Outcome("cheap-under-slow", name, load_before=before), fast, seconds)
            outcome.load_after = load()
            outcome.note = f"slow queries: {summarise(Outcome('', ''), slowed, seconds).statuses} after {statistics.median([s.seconds for s in slowed]):.1f} s (median)" if slowed else ""
            records.append(outcome)
            print(f"cheap-under-slow   {name:9} p50 {outcome.p50_ms} ms p99 {outcome.p99_ms} ms max {outcome.max_ms} ms; {outcome.note}", file=sys.stderr)
            if name == "oxigraph":  # its slow queries run on past their time limit: stop it before going on
                stop(servers["oxigraph"][0])
        rng = random.Random(15)
        host = servers["gulag-kg"][1].removeprefix("http://")
        plan = [get(host, rng.choice(PAGES), "text/html") if rng.random() < 0.5
                else request("gulag-kg", named[rng.choice(MIXED_QUERIES)]) for _ in range(2000)]
        before = load()
        samples, seconds = asyncio.run(planned(*hostport("gulag-kg"), plan, 20))
        outcome = summarise(Outcome("mixed", "gulag-kg", load_before=before), samples, seconds)
        outcome.load_after = load()
        records.append(outcome)
        print(f"mixed              gulag-kg  {outcome.per_second} req/s p50 {outcome.p50_ms} ms p99 {outcome.p99_ms} ms "
              f"hung {outcome.hung} {outcome.statuses}", file=sys.stderr)
    finally:
        for process, _base in servers.values():
            stop(process)
        data.unlink(missing_ok=True)
    return {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "duration_s": duration,
            "gulag_kg_processes": processes, "records": [asdict(r) for r in records]}


def markdown(result: dict) -> str:
    by = {(r["scenario"], r["server"]): r for r in result["records"]}
    lines = ["| scenario | gulag-kg | oxigraph serve | gulag-kg / oxigraph | load (1 min) |", "|---|---:|---:|---:|---:|"]
    for scenario in ("cheap", "named"):
        g, o = by[(scenario, "gulag-kg")], by[(scenario, "oxigraph")]
        ratio = f"{g['per_second'] / o['per_second']:.2f}x throughput" if o["per_second"] else "oxigraph failed"
        failed = "" if set(o["statuses"]) == {"200"} else f", statuses {o['statuses']}"
        lines.append(f"| {scenario}: 20 clients, req/s (p50 / p99 ms) | {g['per_second']:,} ({g['p50_ms']} / {g['p99_ms']}) | "
                     f"{o['per_second']:,} ({o['p50_ms']} / {o['p99_ms']}){failed} | {ratio} | "
                     f"{g['load_before']} / {o['load_before']} |")
    g, o = by[("cheap-under-slow", "gulag-kg")], by[("cheap-under-slow", "oxigraph")]
    lines.append(f"| cheap SELECT while 4 clients hit the {TIME_LIMIT} s limit: p50 / p99 / max ms | {g['p50_ms']} / {g['p99_ms']} / {g['max_ms']} | "
                 f"{o['p50_ms']} / {o['p99_ms']} / {o['max_ms']} | | {g['load_before']} / {o['load_before']} |")
    m = by[("mixed", "gulag-kg")]
    lines.append(f"| mixed: 2,000 requests (pages + named queries), 20 clients: req/s (p50 / p99 ms), hung | "
                 f"{m['per_second']:,} ({m['p50_ms']} / {m['p99_ms']}), {m['hung']} hung, statuses {m['statuses']} | | | {m['load_before']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per throughput scenario")
    parser.add_argument("--processes", type=int, default=1, help="gulag-kg serve --processes")
    parser.add_argument("--json", help="write the records here")
    parser.add_argument("--table-from", help="print the table of a results file and stop")
    args = parser.parse_args(argv)
    if args.table_from:
        print(markdown(json.loads(Path(args.table_from).read_text())))
        return 0
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = run(args.duration, args.processes)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
