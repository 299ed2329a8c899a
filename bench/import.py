#!/usr/bin/env python3
"""Benchmark of importing the museum's camp data: each release alone and both together.

Each case runs ``gulag-kg import gulagmap DIR... -o FILE.trig --anomalies FILE.tsv`` in a fresh
process, as a user runs it (the shipped graph loaded for matching, the TriG written and read back
before it replaces the file), ``--repeat`` times; the record keeps the median wall time and the
peak resident memory of the process (``wait4`` rusage). The reference is what the data itself
costs: raw pyoxigraph parsing the TriG the import wrote into an in-memory store (a fresh process
too), so ``ratio`` says how many times that the whole import takes.

One in-process run of the both-releases case also times the stages (reading and checking the
files, building the graphs, matching with the article and locating camps in its places, comparing
the releases, writing TriG), to show where the time goes.

Usage::

    python bench/import.py --json bench/results-import.json
    python bench/import.py --repeat 1 --data-2017 tests/data/gulagmap-2017/excerpt \\
        --data-2018 tests/data/gulagmap/excerpt          # a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
GULAG_KG = Path(sys.executable).parent / "gulag-kg"

_REFERENCE = """
import sys, pyoxigraph as ox
store = ox.Store()
store.load(path=sys.argv[1], format=ox.RdfFormat.TRIG)
print(len(store))
"""


def _run(argv: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (bytes) and stdout of a command in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{err.decode(errors='replace')}")
    return seconds, usage.ru_maxrss * 1024, (out or err).decode(errors="replace")


def _case(name: str, dirs: list[Path], repeat: int, work: Path) -> dict:
    out, anomalies = work / f"{name}.trig", work / f"{name}.tsv"
    argv = [str(GULAG_KG), "import", "gulagmap", *map(str, dirs), "-o", str(out), "--anomalies", str(anomalies),
            "--date", "2026-01-01"]
    runs = [_run(argv) for _ in range(repeat)]
    summary = [line for line in runs[-1][2].splitlines() if line.startswith(("total:", "comparison"))]
    ref = [_run([sys.executable, "-c", _REFERENCE, str(out)]) for _ in range(repeat)]
    quads = int(ref[-1][2].strip())
    seconds = statistics.median(r[0] for r in runs)
    ref_seconds = statistics.median(r[0] for r in ref)
    return {
        "case": name, "quads": quads, "median_s": round(seconds, 3), "peak_rss_mb": round(max(r[1] for r in runs) / 2**20),
        "runs_s": [round(r[0], 3) for r in runs], "reference_s": round(ref_seconds, 3),
        "reference_rss_mb": round(max(r[1] for r in ref) / 2**20), "ratio": round(seconds / ref_seconds, 1),
        "trig_bytes": out.stat().st_size, "summary": summary,
    }


def _stages(d17: Path, d18: Path) -> dict:
    """Seconds per stage of importing both releases, in this process."""
    import rdflib

    from gulag_kg import paths
    from gulag_kg.export import serialize_quads
    from gulag_kg.importers import gulagmap2017 as g17, gulagmap2018 as g18
    from gulag_kg.importers.compare import compare_figures
    from gulag_kg.importers.gulagmap import MUSEUM, camp_iri
    from gulag_kg.importers.matching import add_place_links, link_article_places, match_article_camps
    from gulag_kg.importing import rdflib_graphs_quads

    article = rdflib.Graph()
    for path in paths.ontology_files() + [p for p in paths.graph_files() if p.suffix == ".ttl"]:
        article.parse(path, format="turtle")
    day, times = date(2026, 1, 1), {}
    t = time.perf_counter()
    p17, l17 = g17.read(d17)
    p18, l18 = g18.read(d18)
    times["read and check"] = time.perf_counter() - t
    t = time.perf_counter()
    r17, w17 = g17.build(d17, p17, l17, tool_version="bench", imported_on=day, other_names=g18.names(p18),
                         secondary_labels={k: c.label_en for k, c in p18.camps.items()})
    r18, w18 = g18.build(d18, p18, l18, tool_version="bench", imported_on=day, life=p17.life())
    times["build graphs (with anomaly checks)"] = time.perf_counter() - t
    t = time.perf_counter()
    match_article_camps([r17.graph, r18.graph], article)
    for result, writer in ((r17, w17), (r18, w18)):
        add_place_links(writer, link_article_places(result.graph, article), claimant=MUSEUM)
    times["match and locate in the article's places"] = time.perf_counter() - t
    t = time.perf_counter()
    comparison = compare_figures(g17.figures(p17), g18.figures(p18), earlier_writer=w17, later_writer=w18,
                                 slug="gulagmap-comparison", labels={}, site_iri=camp_iri, imported_on=day, names=("2017", "2018"))
    times["compare releases"] = time.perf_counter() - t
    t = time.perf_counter()
    serialize_quads(rdflib_graphs_quads([r17.graph, r18.graph, comparison.graph]), "trig")
    times["write TriG"] = time.perf_counter() - t
    return {k: round(v, 2) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-2017", type=Path, default=SHARED / "gulagmap-2017")
    parser.add_argument("--data-2018", type=Path, default=SHARED / "gulagmap-2018")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="write the records here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        records = [_case(name, dirs, args.repeat, work) for name, dirs in (
            ("2017", [args.data_2017]), ("2018", [args.data_2018]), ("both", [args.data_2017, args.data_2018]))]
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "loadavg_1min": round(os.getloadavg()[0], 2)},
        "date": date.today().isoformat(), "repeat": args.repeat, "cases": records,
        "stages_both_s": _stages(args.data_2017, args.data_2018),
    }
    print("| case | quads | import (median) | peak RSS | reference: pyoxigraph parses the TriG | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in records:
        print(f"| {r['case']} | {r['quads']:,} | {r['median_s']:.2f} s | {r['peak_rss_mb']} MB | "
              f"{r['reference_s']:.2f} s / {r['reference_rss_mb']} MB | {r['ratio']}x |")
    print("stages (both releases, in process): " + ", ".join(f"{k} {v} s" for k, v in result["stages_both_s"].items()))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
