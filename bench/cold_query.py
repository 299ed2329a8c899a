"""A cold `gulag-kg query NAME` against a plain script that does the same with pyoxigraph alone.

    .venv/bin/python bench/cold_query.py [--pairs 9] [--query death-toll-estimates]

The plain script loads the same files (the ontology and the shipped graph, each into its named
graph) into an in-memory pyoxigraph store, runs the same query over the union of the graphs with
the same prefixes, and writes SPARQL TSV, which is also what `gulag-kg query` writes to a pipe.
Both run as new processes, one after the other, ``--pairs`` times; the medians of the
whole-process wall time and CPU time (user + system, the process and the children it waited
for) are compared. CPU time is the steadier of the two on a shared machine; the load average is
printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLAIN = """
import sys
import pyoxigraph as ox
spec = {spec!r}
store = ox.Store()
for path, graph in spec["files"]:
    store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
result = store.query(spec["query"], prefixes=spec["prefixes"], use_default_graph_as_union=True)
sys.stdout.buffer.write(result.serialize(format=ox.QueryResultsFormat.TSV))
"""


def plain_script(name: str) -> str:
    sys.path.insert(0, str(ROOT))
    from gulag_kg import paths
    from gulag_kg.loading import graph_for_shipped_file
    from gulag_kg.prefixes import PREFIXES
    from gulag_kg.query import named_queries
    from gulag_kg.store import ONTOLOGY_GRAPH

    files = [(str(p), ONTOLOGY_GRAPH.value) for p in paths.ontology_files()]
    files += [(str(p), graph_for_shipped_file(p).value) for p in paths.graph_files()]
    assert all(p.endswith(".ttl") for p, _ in files), files
    return PLAIN.format(spec={"files": files, "query": named_queries()[name].text, "prefixes": PREFIXES})


def run(command: list[str]) -> tuple[float, float, bytes]:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{command[0]} failed ({status})")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=9)
    parser.add_argument("--query", default="death-toll-estimates")
    parser.add_argument("--json", help="write the result here")
    args = parser.parse_args(argv)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # measure an installed package: with its .pyc files
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "gulag_kg")], check=True, stdout=subprocess.DEVNULL)
    script = Path(tempfile.mkdtemp()) / "plain.py"
    script.write_text(plain_script(args.query))
    commands = {"plain pyoxigraph": [sys.executable, str(script)],
                "gulag-kg query": [str(Path(sys.executable).parent / "gulag-kg"), "query", args.query]}
    outputs = {name: run(command)[2] for name, command in commands.items()}  # warm the file cache
    rows_plain = outputs["plain pyoxigraph"].count(b"\n") - 1
    rows_gk = outputs["gulag-kg query"].count(b"\n") - 1
    if rows_plain != rows_gk:
        raise SystemExit(f"the two give different answers: {rows_plain} and {rows_gk} rows")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    loads = [os.getloadavg()[0]]
    for _ in range(args.pairs):
        for name, command in commands.items():
            wall, cpu, _ = run(command)
            times[name].append((wall, cpu))
        loads.append(os.getloadavg()[0])
    median = statistics.median
    result = {"query": args.query, "pairs": args.pairs, "rows": rows_gk, "load": [round(min(loads), 2), round(max(loads), 2)]}
    for name, pairs in times.items():
        result[name] = {"wall_s": round(median(w for w, _ in pairs), 3), "cpu_s": round(median(c for _, c in pairs), 3)}
    base, gk = result["plain pyoxigraph"], result["gulag-kg query"]
    result["ratio_wall"] = round(gk["wall_s"] / base["wall_s"], 2)
    result["ratio_cpu"] = round(gk["cpu_s"] / base["cpu_s"], 2)
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
