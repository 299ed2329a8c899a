#!/usr/bin/env python3
"""What an entity page reads first: ``list_claims`` and ``build_timeline`` for every entity of the
shipped graph (every IRI under ``/id/``), in one process, in memory; wall time of each call.

Run it on two commits to compare (the numbers in bench/RESULTS.md, "Entity pages", come from the
commit before ce0778e and from ce0778e)::

    python bench/entity_reads.py
    python bench/entity_reads.py --json bench/results-entity-reads.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()

    import gulag_kg
    from gulag_kg.claims import list_claims
    from gulag_kg.timeline import build_timeline

    store = gulag_kg.load().store
    iris = sorted({row["s"].value for row in store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/gulag-kg/id/')) }")})
    results = {"benchmark": "entity-reads", "entities": len(iris), "load_average_1m": round(os.getloadavg()[0], 2)}
    for name, function in (("list_claims", list_claims), ("build_timeline", build_timeline)):
        function(store, iris[0])  # the first call pays for what Oxigraph sets up once
        times = []
        for iri in iris:
            start = time.perf_counter()
            function(store, iri)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results[name] = {"mean_ms": round(statistics.fmean(times), 2), "p50_ms": round(times[len(times) // 2], 2),
                         "p99_ms": round(times[int(len(times) * 0.99)], 2), "max_ms": round(times[-1], 2)}
    print(f"{len(iris)} entities, load average {results['load_average_1m']}")
    for name in ("list_claims", "build_timeline"):
        r = results[name]
        print(f"{name:<15} mean {r['mean_ms']:.2f} ms  p50 {r['p50_ms']:.2f}  p99 {r['p99_ms']:.2f}  max {r['max_ms']:.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
