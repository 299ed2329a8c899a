#!/usr/bin/env python3
"""Where gulag-kg's time goes, beside raw pyoxigraph: the numbers behind the "why" column of
bench/RESULTS.md.

* load: raw ``bulk_load`` into the default graph, into a named graph (gulag-kg keeps user data
  in named graphs), gulag-kg's ``Store.bulk_load``, and ``bulk.load_files`` with the time of the
  derived graph (period bounds and the truthy view) apart;
* queries: raw pyoxigraph on the very store gulag-kg built (same quads, union default graph)
  against ``gulag_kg.query.run_query`` on it: what remains is the library's own overhead;
* export: reading the quads, the canonical ordering (blank-node labelling and sort) and the
  serialisation of gulag-kg's byte-stable export, against ``Store.dump`` on the same store.

Usage: python bench/breakdown.py bench/.data/synthetic-1000000-seed1.nt [--repeat 3]
(make the file with bench/generate.py or bench/run.py). Runs in one process, one step after
the other; wall times only.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pyoxigraph as ox  # noqa: E402

import run  # noqa: E402  (bench/run.py: the queries and their parameters)


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="an N-Triples file from bench/generate.py")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gulag-kg-breakdown-"))
    try:
        return _run(args.data, args.repeat, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(data: Path, repeat: int, work: Path) -> int:
    from gulag_kg import bulk
    from gulag_kg.store import Store

    print(f"# {data}")
    # --- load ------------------------------------------------------------------------------
    s, _ = timed(lambda: ox.Store(str(work / "a")).bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES))
    print(f"load  raw pyoxigraph bulk_load, default graph      {s:8.2f} s")
    s, _ = timed(lambda: ox.Store(str(work / "b")).bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES,
                                                              to_graph=ox.NamedNode("https://example.org/g")))
    print(f"load  raw pyoxigraph bulk_load, one named graph    {s:8.2f} s")
    s, _ = timed(lambda: Store(work / "c").bulk_load(data))
    print(f"load  gulag-kg Store.bulk_load (named graph)       {s:8.2f} s")
    spent = {}
    original = bulk.add_derived_graph

    def derived(store):
        t = time.perf_counter()
        try:
            return original(store)
        finally:
            spent["derived"] = time.perf_counter() - t

    bulk.add_derived_graph = derived
    store = Store(work / "gk")
    s, _ = timed(lambda: bulk.load_files(store, [data]))
    bulk.add_derived_graph = original
    print(f"load  gulag-kg bulk.load_files (what `load` does)  {s:8.2f} s, of which derived graph {spent.get('derived', 0):.2f} s")
    from gulag_kg import derive

    s, n = timed(lambda: derive.period_bound_quads(store))
    print(f"        derived: period bounds in Python           {s:8.2f} s ({len(n)} quads)")
    s, n = timed(lambda: derive.truthy_quads(store))
    print(f"        derived: truthy-view query                 {s:8.2f} s ({len(n)} quads)")
    for d in ("a", "b", "c"):
        shutil.rmtree(work / d, ignore_errors=True)

    # --- queries ---------------------------------------------------------------------------
    raw = store.oxigraph
    for name in run.QUERIES:
        text = run._query_text(name)
        s_raw, rows_raw = timed(lambda: run.ox_query(raw, name, text), repeat)
        s_gk, rows_gk = timed(lambda: run.gk_query(store, name), repeat)
        print(f"query {name:20s} raw on gulag-kg's store {s_raw:8.3f} s, run_query {s_gk:8.3f} s "
              f"(+{(s_gk - s_raw) * 1000:.0f} ms; rows {rows_raw}/{rows_gk})")

    # --- export ----------------------------------------------------------------------------
    from gulag_kg import export

    s, quads = timed(lambda: list(store.quads()))
    print(f"export read {len(quads)} quads into Python                 {s:8.2f} s")
    if hasattr(export, "canonical_quads"):
        s, ordered = timed(lambda: export.canonical_quads(quads, union=True))
        print(f"export canonical blank nodes + sort (union)           {s:8.2f} s")
        s, _ = timed(lambda: ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in ordered],
                                          format=ox.RdfFormat.N_TRIPLES))
        print(f"export ox.serialize N-Triples of the ordered triples   {s:8.2f} s")
    s, _ = timed(lambda: export.export_store(store, "nt"))
    print(f"export gulag-kg export_store nt (all of it)           {s:8.2f} s")
    s, _ = timed(lambda: raw.dump(format=ox.RdfFormat.N_QUADS))
    print(f"export raw Store.dump N-Quads of the same store        {s:8.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
