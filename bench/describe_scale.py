#!/usr/bin/env python3
"""``describe`` and the ``/id/`` page of a few entities on a large on-disk store (issue 15).

A description must cost what the graph says of the entity, not what the store holds: this times
``KnowledgeGraph.describe`` (as ``gulag-kg describe`` runs it, name resolution included) and the
rendering of the entity's page (``Site.document``, what ``gulag-kg serve`` answers for
``/id/...html``) on a store of the shipped graph plus synthetic Gulag-shaped triples
(``bench/generate.py``).

The store is made once (``--size N`` and a missing ``--store`` directory: the data are generated
into ``bench/.data/`` and loaded with ``gulag-kg --store DIR load``, as a user loads them) and
reused. Each entity is timed in the same process: ``cold`` is the first call after the store is
opened, ``warm`` the median of ``--repeat`` calls after it (the site's cache of rendered pages
emptied before each call, so every page is rendered again). Wall time and the process's CPU
time are both given: on a shared machine the wall time includes waiting for a core. A call over
``--budget`` seconds is not repeated (a scan at 10M takes seconds).

``--data FILE`` measures an in-memory store instead (the shipped graph and FILE, as ``gulag-kg
--data FILE serve`` holds them). The script only uses APIs that the code before issue 15's fix
also has, so the same script run by another checkout's Python measures that code on the same
store (``--read-only`` lets two processes share it; ``--only page`` leaves out ``describe``, which
took minutes a call there)::

    python bench/describe_scale.py --store /tmp/kg-10m --size 10000000 --label after --json bench/results-describe-scale.json
    /other/checkout/.venv/bin/python bench/describe_scale.py --store /tmp/kg-10m --read-only --label before
    python bench/describe_scale.py --data bench/.data/synthetic-1000000-seed1.nt.gz --label after
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYN = "https://w3id.org/gulag-kg/id/synthetic/"
#: The shipped graph's NKVD (claims, changes, referrers), and synthetic entities: a prisoner (the
#: typical entity: most are prisoners), an agency that camps are subordinate to (202 claims name it
#: at 10M), a camp (547 claims name it), a historian (claimant of 400 claims).
ENTITIES = ("agency:nkvd", SYN + "prisoner/20", SYN + "agency/1", SYN + "camp/5", SYN + "historian/3")


def make_store(store: Path, size: int, seed: int) -> None:
    """Generate ``size`` synthetic triples and load them, with the shipped graph, into ``store``."""
    data = HERE / ".data" / f"synthetic-{size}-seed{seed}.nt.gz"
    if not data.exists():
        data.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--size", str(size), "--seed", str(seed),
                        "-o", str(data)], check=True)
    cli = [str(Path(sys.executable).parent / "gulag-kg"), "--store", str(store), "load"]
    subprocess.run(cli, check=True)
    subprocess.run(cli + [str(data)], check=True)


def timed(function, repeat: int, budget: float) -> dict:
    """``cold`` (the first call) and ``warm`` (median of ``repeat`` more) wall and CPU ms."""
    def once():
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    cold = once()
    runs = [once() for _ in range(repeat if cold[0] < budget * 1000 else 0)]
    out = {"cold_ms": round(cold[0], 2), "cold_cpu_ms": round(cold[1], 2), "runs": len(runs)}
    if runs:
        out["warm_ms"] = round(statistics.median(r[0] for r in runs), 2)
        out["warm_cpu_ms"] = round(statistics.median(r[1] for r in runs), 2)
        out["warm_max_ms"] = round(max(r[0] for r in runs), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", type=Path, help="on-disk store (made with --size if missing)")
    where.add_argument("--data", type=Path, help="in memory instead: the shipped graph and this file (as --data)")
    parser.add_argument("--size", type=int, help="synthetic triples to generate and load when the store is missing")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--entity", action="append", help="IRI or prefixed name (default: five, see ENTITIES)")
    parser.add_argument("--repeat", type=int, default=7, help="warm calls per entity (default 7)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds over which a call is not repeated")
    parser.add_argument("--label", default="", help="a name for this run in the output (e.g. before, after)")
    parser.add_argument("--json", type=Path, help="add this run to a JSON file (a list of runs)")
    parser.add_argument("--only", choices=("describe", "page"), help="time only describe or only the page")
    parser.add_argument("--read-only", action="store_true", help="open the store read-only (beside another process that has it open)")
    args = parser.parse_args()
    if args.store is not None and not args.store.exists():
        if args.size is None:
            parser.error(f"{args.store} does not exist: give --size to make it")
        make_store(args.store, args.size, args.seed)

    import pyoxigraph

    import gulag_kg
    from gulag_kg.kg import KnowledgeGraph
    from gulag_kg.store import open_store
    from gulag_kg.web.site import Site
    from gulag_kg.web.urls import iri_path

    start = time.perf_counter()
    if args.data is not None:
        kg = gulag_kg.load([args.data])
    else:
        if args.read_only:  # opened before gulag-kg opens it: RocksDB allows one read-write process
            from gulag_kg import store as store_module

            store_module._OPEN_ON_DISK[args.store.resolve()] = pyoxigraph.Store.read_only(str(args.store))
        kg = KnowledgeGraph(open_store(path=args.store))
    quads = len(kg.store)
    site = Site(kg)
    opened = time.perf_counter() - start

    def page(path: str):
        site._cache.clear()  # the rendered-page cache: every call renders the page again
        document = site.document(path)
        if document.status != 200:
            raise SystemExit(f"{path}: {document.status}")

    results = []
    for thing in args.entity or ENTITIES:
        iri = thing if thing.startswith("https://") else kg.resolve(thing).iri
        path = iri_path(iri) + ".html"
        result = {"entity": thing}
        if args.only in (None, "describe"):
            result["describe"] = timed(lambda: kg.describe(thing), args.repeat, args.budget)
        if args.only in (None, "page"):
            result["page"] = timed(lambda: page(path), args.repeat, args.budget)
        results.append(result)
        print(f"{thing.replace(SYN, 'synthetic/'):<22} " + " | ".join(
            f"{name} cold {r['cold_ms']:.1f} ms, warm {r.get('warm_ms', float('nan')):.1f} ms (CPU {r.get('warm_cpu_ms', float('nan')):.1f})"
            for name, r in result.items() if name != "entity"), flush=True)
    run = {
        "benchmark": "describe-scale", "label": args.label, "code": str(Path(gulag_kg.__file__).parent),
        "store": str(args.store or f"memory, shipped graph + {args.data}"), "read_only": args.read_only, "quads": quads, "open_s": round(opened, 2),
        "pyoxigraph": pyoxigraph.__version__, "python": platform.python_version(), "cpus": os.cpu_count(),
        "load_average_1m_end": round(os.getloadavg()[0], 2), "repeat": args.repeat, "results": results,
    }
    print(f"{quads:,} quads, {run['code']}, load average {run['load_average_1m_end']}")
    if args.json:
        runs = json.loads(args.json.read_text()) if args.json.exists() else []
        runs.append(run)
        args.json.write_text(json.dumps(runs, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
