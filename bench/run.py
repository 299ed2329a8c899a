#!/usr/bin/env python3
"""Benchmarks of gulag-kg against plain rdflib, raw pyoxigraph and pySHACL, side by side.

For each size (triples of synthetic data from ``bench/generate.py``) and each operation, every
engine runs in a fresh subprocess; the parent records the median wall time of the runs and the
peak resident memory of the subprocess (``wait4`` rusage, so each record's memory is its own).

Operations:

``load``
    parse the data file and the ontology and build the store, from nothing (one fresh process
    per run). gulag-kg: an on-disk store (``Store(path).bulk_load`` when the library has it);
    pyoxigraph: ``Store(path).bulk_load``; rdflib: ``Graph().parse`` in memory.
``load:named-graph``
    raw pyoxigraph loading as gulag-kg does (the data into a named graph; Oxigraph keeps three
    more indexes for named graphs, so this is slower than its default-graph load): the
    like-for-like reference for gulag-kg's load, whose remaining extra is the derived graph.
``query:NAME``
    five shipped named queries (``gulag_kg/queries/``) with parameters that fit the synthetic
    data; every engine runs the same text with the same parameter bindings, and the row counts
    are checked to agree (``rows`` in the record).
``validate``
    SHACL validation with the shipped shapes: gulag-kg (``validate_store_sparql`` when the
    library has it, else ``validate_store``) against plain pySHACL on an rdflib graph; the
    result sets (severity, focus, shape) are compared with each other and with the defects the
    generator planted (``matches_planted``, ``matches_pyshacl``).
``export:FORMAT``
    Turtle, N-Triples and JSON-LD written to a file: gulag-kg's byte-stable export, pyoxigraph's
    ``Store.dump``, rdflib's ``Graph.serialize``. ``stable`` says whether every run of an engine
    wrote the same bytes.
``cli-cold-query``
    ``gulag-kg query agency-in-year --param year=1941`` on the shipped graph, as a user runs it:
    a new process each time, wall time from exec to exit (like hyperfine, after one warm-up).

For everything but ``load`` and ``cli-cold-query`` the store is prepared untimed (opened from
disk for the Oxigraph engines; parsed into memory for rdflib and pySHACL, which have no
persistent store) and the operation then runs ``--repeat`` times in that process.

A run longer than ``--cap-seconds`` is stopped; the record then says ``"capped": true`` and
``median_s`` is the cap (a lower bound). An engine capped on an operation at one size is not run
on it at larger sizes (recorded as capped, ``"skipped": true``).

Usage::

    python bench/run.py --sizes 100000,1000000 --json bench/results.json
    python bench/run.py --sizes 2000 --repeat 1 --engines gulag-kg,pyoxigraph   # a smoke run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/ is not a package)

ENGINES = ("gulag-kg", "pyoxigraph", "rdflib", "pyshacl")
SYN = generate.SYN
GK = generate.GK

#: The five named queries and the parameters that fit the synthetic data.
QUERIES: dict[str, dict[str, str]] = {
    "estimates-of": {"subject": f"<{SYN}camp/1>", "property": f"<{GK}prisonerPopulation>"},
    "camps-by-agency": {"agency": f"<{SYN}agency/1>"},
    "claims-by-claimant": {"claimant": f"<{SYN}historian/1>"},
    "imprisoned-people": {},
    "contested-claims": {},
}
EXPORT_FORMATS = ("turtle", "nt", "jsonld")
OPERATIONS = ("load", "load:named-graph", *(f"query:{q}" for q in QUERIES), "validate",
              *(f"export:{f}" for f in EXPORT_FORMATS))
#: Which engines take part in which operation (pySHACL only validates; rdflib and raw pyoxigraph
#: have no SHACL engine of their own).
PARTICIPANTS = {
    "load": ("gulag-kg", "pyoxigraph", "rdflib"),
    # raw pyoxigraph doing what gulag-kg's load does before its derived graph: the data into a
    # named graph of its own (gulag-kg keeps each file in one, to roll an interrupted load back)
    "load:named-graph": ("pyoxigraph",),
    "validate": ("gulag-kg", "pyshacl"),
    **{f"query:{q}": ("gulag-kg", "pyoxigraph", "rdflib") for q in QUERIES},
    **{f"export:{f}": ("gulag-kg", "pyoxigraph", "rdflib") for f in EXPORT_FORMATS},
}


# =============================================================================================
# workers: one operation of one engine, in its own process
# =============================================================================================


def _emit(event: str, **data) -> None:
    print(json.dumps({"event": event, **data}), flush=True)


def _ontology_files() -> list[Path]:
    from gulag_kg import paths

    return paths.ontology_files()


def _query_text(name: str) -> str:
    """The named query's text with PREFIX lines, for the engines that do not know our prefixes."""
    from gulag_kg.namespaces import PREFIXES
    from gulag_kg.query import named_queries

    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    return head + named_queries()[name].text


def _shape_results(report_graph) -> set[tuple[str, str, str]]:
    from rdflib import RDF, URIRef
    from rdflib.namespace import SH

    out = set()
    # the report's sh:result only, as gulag_kg.validation reads it: not the nested sh:detail results
    for r in (r for report in report_graph.subjects(RDF.type, SH.ValidationReport) for r in report_graph.objects(report, SH.result)):
        sev = str(report_graph.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]
        focus = report_graph.value(r, SH.focusNode)
        shape = report_graph.value(r, SH.sourceShape)
        out.add((sev, str(focus) if isinstance(focus, URIRef) else "_", str(shape) if isinstance(shape, URIRef) else "_"))
    return out


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- gulag-kg ---------------------------------------------------------------------------------


def _gk_bulk():
    """``gulag_kg.bulk`` (streaming loads into an on-disk store) if the library has it."""
    try:
        from gulag_kg import bulk
    except ImportError:
        return None
    return bulk if hasattr(bulk, "load_files") else None


def _gk_notes() -> list[str]:
    """What the library offers right now (the benchmark uses the scalable paths when present)."""
    notes = []
    if _gk_bulk() is None:
        notes.append("no gulag_kg.bulk.load_files: in-memory loading.load_store, repeated in each process")
    try:
        from gulag_kg import shacl_sparql  # noqa: F401
        if not hasattr(shacl_sparql, "validate_store_sparql"):
            raise ImportError
    except ImportError:
        notes.append("no shacl_sparql.validate_store_sparql: validated with validation.validate_store (pySHACL)")
    return notes


def gk_load(store_dir: Path, data: Path) -> dict:
    """What ``gulag-kg --store DIR load FILE`` does: stream the file into an on-disk store, add
    the ontology, compute the derived graph."""
    bulk = _gk_bulk()
    if bulk is None:
        from gulag_kg.loading import load_store

        return {"quads": len(load_store([data], shipped=False)), "how": "loading.load_store (in memory)"}
    from gulag_kg.store import Store

    store = Store(store_dir)
    # Time the derived graph (period bounds, truthy view) apart: raw pyoxigraph has no such step.
    spent = {}
    original = getattr(bulk, "add_derived_graph", None)
    if original is not None:
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent["derived_s"] = round(time.perf_counter() - t, 3)
        bulk.add_derived_graph = timed
    report = bulk.load_files(store, [data])
    return {"quads": len(store), "derived_quads": getattr(report, "derived_quads", None), "how": "bulk.load_files",
            **spent}


def gk_open(store_dir: Path, data: Path):
    if _gk_bulk() is None:
        from gulag_kg.loading import load_store

        return load_store([data], shipped=False)
    from gulag_kg.store import Store

    return Store(store_dir)


def gk_query(store, name: str) -> int:
    import inspect

    from gulag_kg.query import run_query

    # The benchmark caps runs itself; the library's default time limit would stop big queries.
    limits = {"timeout": None} if "timeout" in inspect.signature(run_query).parameters else {}
    return len(run_query(store, name, params=QUERIES[name], **limits).rows)


def gk_validate(store) -> tuple[set, str]:
    try:
        from gulag_kg.shacl_sparql import validate_store_sparql
        report, how = validate_store_sparql(store), "shacl_sparql.validate_store_sparql"
    except ImportError:
        from gulag_kg.validation import validate_store
        report, how = validate_store(store), "validation.validate_store (pySHACL)"
    results = {(r.severity.value if hasattr(r.severity, "value") else str(r.severity),
                r.focus if r.focus != "(blank node)" else "_", r.shape or "_") for r in report.results}
    return results, how


def gk_export(store, fmt: str, out: Path) -> None:
    from gulag_kg import export

    import inspect
    params = inspect.signature(export.export_store).parameters
    if "output" in params:  # a streaming export that writes the file itself
        export.export_store(store, fmt, output=out)
        return
    data = export.export_store(store, fmt)
    if hasattr(export, "write_atomically"):
        export.write_atomically(out, data)
    else:
        out.write_bytes(data)


# --- raw pyoxigraph ---------------------------------------------------------------------------


def ox_load(store_dir: Path | None, data: Path):
    """Raw pyoxigraph: ``Store(path).bulk_load`` of the data and the ontology (in memory when
    ``store_dir`` is None)."""
    import pyoxigraph as ox

    store = ox.Store(str(store_dir)) if store_dir is not None else ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    for path in _ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def ox_load_named(store_dir: Path, data: Path):
    """Raw pyoxigraph loading as gulag-kg does: the data into a named graph, the ontology into another."""
    import pyoxigraph as ox

    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(f"{SYN}graph/data"))
    for path in _ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{SYN}graph/ontology"))
    return store


def ox_bindings(name: str) -> dict:
    import pyoxigraph as ox

    return {ox.Variable(k): ox.NamedNode(v[1:-1]) for k, v in QUERIES[name].items()}


def ox_query(store, name: str, text: str) -> int:
    result = store.query(text, substitutions=ox_bindings(name) or None, use_default_graph_as_union=True)
    variables = result.variables
    return len([tuple(s[v] for v in variables) for s in result])


OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD"}


def ox_export(store, fmt: str, out: Path) -> None:
    import pyoxigraph as ox

    from gulag_kg.namespaces import PREFIXES

    rdf_format = getattr(ox.RdfFormat, OX_FORMATS[fmt])
    kwargs = {"prefixes": PREFIXES} if fmt != "nt" else {}
    store.dump(str(out), rdf_format, from_graph=ox.DefaultGraph(), **kwargs)


# --- rdflib and pySHACL -----------------------------------------------------------------------


def rdflib_load(data: Path):
    import rdflib

    g = rdflib.Graph()
    for path in _ontology_files():
        g.parse(path, format="turtle")
    g.parse(data, format="nt")
    return g


def rdflib_query(g, name: str, text: str) -> int:
    from rdflib import URIRef

    bindings = {k: URIRef(v[1:-1]) for k, v in QUERIES[name].items()}
    return len(list(g.query(text, initBindings=bindings)))


RDFLIB_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}


def rdflib_export(g, fmt: str, out: Path) -> None:
    from gulag_kg.namespaces import PREFIXES

    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True)
    g.serialize(destination=str(out), format=RDFLIB_FORMATS[fmt])


def pyshacl_validate(g) -> set:
    import pyshacl
    import rdflib

    shapes = rdflib.Graph()
    from gulag_kg import paths

    for path in paths.shapes_files():
        shapes.parse(path, format="turtle")
    _conforms, report, _text = pyshacl.validate(g, shacl_graph=shapes, inference="none", abort_on_first=False, advanced=False)
    return _shape_results(report)


# --- the worker's main -----------------------------------------------------------------------


def worker(spec: dict) -> None:
    """Run one operation of one engine ``spec["repeat"]`` times, emitting JSON lines."""
    engine, op, data, store_dir = spec["engine"], spec["op"], Path(spec["data"]), Path(spec["store"])
    repeat, scratch = spec["repeat"], Path(spec["scratch"])
    extra: dict = {}
    if engine == "gulag-kg":
        extra["notes"] = _gk_notes()

    if op == "load:named-graph":
        t = time.perf_counter()
        info = {"quads": len(ox_load_named(store_dir, data))}
        _emit("run", seconds=time.perf_counter() - t)
        _emit("done", extra=info)
        return
    if op == "load":
        t = time.perf_counter()
        if engine == "gulag-kg":
            info = gk_load(store_dir, data)
        elif engine == "pyoxigraph":
            info = {"quads": len(ox_load(store_dir if spec["ox_store"] == "disk" else None, data))}
        else:
            info = {"triples": len(rdflib_load(data))}
        _emit("run", seconds=time.perf_counter() - t)
        _emit("done", extra={**extra, **info})
        return

    # prepare (untimed); modules the operation needs are imported here, not in the first run
    t = time.perf_counter()
    if engine == "gulag-kg":
        import gulag_kg.export, gulag_kg.query, gulag_kg.validation  # noqa: F401, E401
    else:
        import rdflib.plugins.sparql  # noqa: F401  (builds the SPARQL grammar)
    if engine == "gulag-kg":
        target = gk_open(store_dir, data)
    elif engine == "pyoxigraph":
        import pyoxigraph as ox

        target = ox.Store(str(store_dir)) if spec["ox_store"] == "disk" else ox_load(None, data)
    else:
        target = rdflib_load(data)
    _emit("setup", seconds=time.perf_counter() - t)

    kind, _, arg = op.partition(":")
    hashes, counts, results = [], [], None
    text = _query_text(arg) if kind == "query" else None
    for _ in range(repeat):
        out = scratch / f"export-{engine}.{arg}"
        t = time.perf_counter()
        if kind == "query":
            counts.append(gk_query(target, arg) if engine == "gulag-kg" else
                          ox_query(target, arg, text) if engine == "pyoxigraph" else rdflib_query(target, arg, text))
        elif kind == "validate":
            if engine == "gulag-kg":
                results, how = gk_validate(target)
                extra["how"] = how
            else:
                results = pyshacl_validate(target)
        elif kind == "export":
            (gk_export if engine == "gulag-kg" else ox_export if engine == "pyoxigraph" else rdflib_export)(target, arg, out)
        else:
            raise SystemExit(f"unknown operation {op}")
        seconds = time.perf_counter() - t
        if kind == "export":
            hashes.append(_hash_file(out))
            extra["bytes"] = out.stat().st_size
            out.unlink()
        _emit("run", seconds=seconds)
    if counts:
        extra["rows"] = counts[0]
        if len(set(counts)) > 1:
            extra["rows_vary"] = counts
    if hashes:
        extra["stable"] = len(set(hashes)) == 1
        extra["sha256"] = hashes[0]
    if results is not None:
        results_file = scratch / f"validate-{engine}.json"
        results_file.write_text(json.dumps(sorted(results)))
        extra["results"] = len(results)
        extra["violations"] = sum(r[0] == "Violation" for r in results)
        extra["warnings"] = sum(r[0] == "Warning" for r in results)
        extra["results_file"] = str(results_file)
    _emit("done", extra=extra)


# =============================================================================================
# the parent: runs workers, caps them, measures their memory
# =============================================================================================


@dataclass
class Outcome:
    runs: list[float] = field(default_factory=list)
    setup: float | None = None
    extra: dict = field(default_factory=dict)
    capped: bool = False
    error: str | None = None
    peak_rss_mb: float = 0.0
    loadavg: float | None = None  # the machine's 1-minute load average when the worker started
    memory_capped: bool = False


def loadavg() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def run_worker(spec: dict, *, cap: float, setup_cap: float, mem_cap_mb: float | None = None) -> Outcome:
    """Start a worker, read its events, stop it at the time cap (or the memory cap: the machine
    is shared); peak RSS from its rusage."""
    out = Outcome(loadavg=loadavg())
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
                            stdout=subprocess.PIPE, stderr=err, start_new_session=True, cwd=str(ROOT))
    fd = proc.stdout.fileno()
    buf = b""
    deadline = time.monotonic() + (cap if spec["op"] == "load" else setup_cap)
    finished = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            out.capped = True
            os.killpg(proc.pid, signal.SIGKILL)
            break
        if mem_cap_mb and _rss_mb(proc.pid) > mem_cap_mb:
            out.capped = out.memory_capped = True
            os.killpg(proc.pid, signal.SIGKILL)
            break
        ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            finished = True
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            event = json.loads(line)
            if event["event"] == "setup":
                out.setup = event["seconds"]
                deadline = time.monotonic() + cap
            elif event["event"] == "run":
                out.runs.append(event["seconds"])
                deadline = time.monotonic() + cap
            elif event["event"] == "done":
                out.extra = event["extra"]
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    out.peak_rss_mb = round(usage.ru_maxrss / 1024, 1)  # ru_maxrss is in KiB on Linux
    if finished and proc.returncode != 0:
        err.seek(0)
        out.error = err.read().decode(errors="replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        out.error = out.error[0][:300]
    err.close()
    return out


def record(size: int, op: str, engine: str, outcome: Outcome, cap: float, **more) -> dict:
    rec = {"size": size, "operation": op, "engine": engine}
    if outcome.runs and not outcome.error:
        rec["median_s"] = round(statistics.median(outcome.runs), 4)
        rec["runs"] = len(outcome.runs)
    else:
        rec["median_s"] = cap if outcome.capped else None
    rec["peak_rss_mb"] = outcome.peak_rss_mb
    if outcome.loadavg is not None:
        rec["loadavg_1m"] = outcome.loadavg
    if outcome.capped and not outcome.runs:
        rec["capped"] = True
        rec["cap_s"] = cap
        if outcome.memory_capped:
            rec["median_s"] = None
            rec["capped_by"] = "memory"
    if outcome.setup is not None:
        rec["setup_s"] = round(outcome.setup, 2)
    if outcome.error:
        rec["error"] = outcome.error
    rec.update({k: v for k, v in outcome.extra.items() if k not in ("results_file", "sha256")})
    rec.update(more)
    return rec


def ensure_data(size: int, seed: int, data_dir: Path) -> tuple[Path, generate.Manifest]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"synthetic-{size}-seed{seed}.nt"
    mpath = generate.manifest_path(path)
    if path.exists() and mpath.exists():
        manifest = generate.Manifest.from_json(mpath.read_text())
        if manifest.generator_version == generate.GENERATOR_VERSION and manifest.size == size:
            return path, manifest
    log(f"generating {size} triples -> {path}")
    return path, generate.generate(path, size=size, seed=seed)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cold_cli_query(repeat: int, cap: float) -> dict:
    """``gulag-kg query agency-in-year --param year=1941``, new process each time, like hyperfine."""
    exe = Path(sys.executable).parent / "gulag-kg"
    cmd = [str(exe), "query", "agency-in-year", "--param", "year=1941"]
    times, peak = [], 0
    for i in range(repeat + 1):  # the first run warms the OS file cache and is not counted
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(ROOT))
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            return {"operation": "cli-cold-query", "engine": "gulag-kg", "median_s": None, "peak_rss_mb": None,
                    "error": proc.stderr.read().decode(errors="replace")[-300:]}
        proc.stderr.close()
        if i:
            times.append(elapsed)
            peak = max(peak, usage.ru_maxrss)
    import gulag_kg

    size = len(gulag_kg.load())
    return {"size": size, "operation": "cli-cold-query", "engine": "gulag-kg",
            "median_s": round(statistics.median(times), 4), "peak_rss_mb": round(peak / 1024, 1),
            "runs": len(times), "command": " ".join(["gulag-kg", *cmd[1:]]), "min_s": round(min(times), 4),
            "max_s": round(max(times), 4), "shipped_graph": True}


def compare_validation(size_records: list[dict], outcomes: dict, manifest: generate.Manifest) -> None:
    """Add ``matches_planted`` / ``matches_pyshacl`` to the validate records of one size."""
    sets = {}
    for engine, outcome in outcomes.items():
        f = outcome.extra.get("results_file")
        if f and Path(f).exists():
            sets[engine] = {tuple(r) for r in json.loads(Path(f).read_text())}
    planted = manifest.expected_results()
    for rec in size_records:
        if rec["operation"] != "validate" or rec["engine"] not in sets:
            continue
        mine = sets[rec["engine"]]
        rec["matches_planted"] = mine == planted
        if mine != planted:
            rec["unexpected_results"] = len(mine - planted)
            rec["missing_results"] = len(planted - mine)
        if rec["engine"] == "gulag-kg" and "pyshacl" in sets:
            rec["matches_pyshacl"] = mine == sets["pyshacl"]


def _merged(earlier: list[dict], new: list[dict]) -> list[dict]:
    redone = {(r.get("size"), r["operation"], r["engine"]) for r in new}
    return [r for r in earlier if (r.get("size"), r["operation"], r["engine"]) not in redone] + new


def run_benchmarks(args, *, earlier: list[dict] = ()) -> list[dict]:
    """Run every (size, operation, engine); returns ``earlier`` merged with the new records."""
    records: list[dict] = []
    capped_before: set[tuple[str, str]] = set()
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    engines = [e for e in args.engines.split(",") if e]
    ops = [o for o in OPERATIONS if not args.ops or any(o == x or o.startswith(x + ":") or o.startswith(x) for x in args.ops.split(","))]
    for size in args.sizes:
        data, manifest = ensure_data(size, args.seed, Path(args.data_dir))
        stores = {e: work / f"store-{e}-{size}" for e in ("gulag-kg", "pyoxigraph")}
        if args.pyoxigraph_store == "memory":
            del stores["pyoxigraph"]
        size_records, validate_outcomes, loaded = [], {}, set()
        for op in ops:
            for engine in PARTICIPANTS[op]:
                if engine not in engines:
                    continue
                cap = args.cap_seconds
                key = (engine, op)
                if key in capped_before or (op != "load" and engine in ("rdflib", "pyshacl") and ("rdflib", "load") in capped_before):
                    rec = {"size": size, "operation": op, "engine": engine, "median_s": cap, "peak_rss_mb": None,
                           "capped": True, "cap_s": cap, "skipped": True,
                           "reason": "capped at a smaller size (or its load was)"}
                    size_records.append(rec)
                    log(f"{size} {op} {engine}: skipped (capped before)")
                    continue
                if not op.startswith("load") and engine in stores and engine not in loaded:
                    size_records.append({"size": size, "operation": op, "engine": engine, "median_s": None,
                                         "peak_rss_mb": None, "error": "no store: its load failed or was capped"})
                    continue
                scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=work))
                store = stores.get(engine) if op != "load:named-graph" else scratch / "store"
                spec = {"engine": engine, "op": op, "data": str(data), "repeat": args.repeat, "scratch": str(scratch),
                        "store": str(store or scratch / "unused"), "ox_store": args.pyoxigraph_store}
                if op.startswith("load"):
                    outcome = Outcome()
                    for _ in range(args.repeat):
                        target = store
                        if target is not None:
                            shutil.rmtree(target, ignore_errors=True)
                        one = run_worker(spec, cap=cap, setup_cap=cap, mem_cap_mb=args.mem_cap_mb)
                        outcome.runs += one.runs
                        outcome.peak_rss_mb = max(outcome.peak_rss_mb, one.peak_rss_mb)
                        outcome.extra, outcome.capped, outcome.error = one.extra, one.capped, one.error
                        outcome.memory_capped = one.memory_capped
                        outcome.loadavg = max(outcome.loadavg or 0, one.loadavg or 0)
                        if one.capped or one.error:
                            break
                    if op == "load" and target is not None and outcome.runs and not outcome.error and not outcome.capped:
                        loaded.add(engine)
                else:
                    setup_cap = max(cap, 3 * _load_time(records + size_records, size, engine) + 30)
                    outcome = run_worker(spec, cap=cap, setup_cap=setup_cap, mem_cap_mb=args.mem_cap_mb)
                rec = record(size, op, engine, outcome, cap)
                if engine == "pyoxigraph":
                    rec["store"] = args.pyoxigraph_store
                elif engine == "gulag-kg":
                    rec["store"] = "disk" if _gk_bulk() is not None else "memory"
                if op == "validate":
                    validate_outcomes[engine] = outcome
                if outcome.capped and not outcome.runs:
                    capped_before.add(key)
                size_records.append(rec)
                log(f"{size} {op} {engine}: {rec.get('median_s')} s, {rec.get('peak_rss_mb')} MB"
                    + (" CAPPED" if rec.get("capped") else "") + (f" ERROR {rec['error']}" if rec.get("error") else ""))
                if op != "validate":
                    shutil.rmtree(scratch, ignore_errors=True)
        compare_validation(size_records, validate_outcomes, manifest)
        for rec in size_records:
            rec.setdefault("data_triples", manifest.triples)
        records += size_records
        if args.json:
            write_json(args.json, _merged(list(earlier), records))
        if not args.keep_stores:
            for d in stores.values():
                shutil.rmtree(d, ignore_errors=True)
    return _merged(list(earlier), records)


def _load_time(records: list[dict], size: int, engine: str) -> float:
    ref = "rdflib" if engine in ("rdflib", "pyshacl") else engine
    for r in records:
        if r["size"] == size and r["operation"] == "load" and r["engine"] == ref and r.get("median_s"):
            return r["median_s"]
    return 60.0


def write_json(path: str, records: list[dict]) -> None:
    Path(path).write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --- the report ----------------------------------------------------------------------------------


def machine() -> dict:
    import importlib.metadata as md

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    versions = {}
    for pkg in ("gulag-kg", "pyoxigraph", "rdflib", "pyshacl"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": mem, "os": platform.platform(),
            "python": platform.python_version(), "versions": versions}


def _cell(rec: dict | None) -> str:
    if rec is None:
        return ""
    if rec.get("error"):
        return "error"
    if rec.get("capped_by") == "memory":
        return f"stopped at {rec['peak_rss_mb']:.0f} MB (memory cap)"
    if rec.get("capped"):
        return f"> {rec['cap_s']:g} s (capped{', not run' if rec.get('skipped') else ''})"
    mem = f" / {rec['peak_rss_mb']:.0f} MB" if rec.get("peak_rss_mb") else ""
    return f"{rec['median_s']:.3g} s{mem}"


def markdown_table(records: list[dict]) -> str:
    """One row per (size, operation): each engine's median / peak RSS, and the ratios."""
    lines = ["| size | operation | gulag-kg | pyoxigraph | rdflib | pySHACL | gk / pyoxigraph | rdflib / gk | pySHACL / gk | check |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    by = {(r.get("size"), r["operation"], r["engine"]): r for r in records}
    keys = sorted({(r.get("size") or 0, r["operation"]) for r in records},
                  key=lambda k: (k[1] == "cli-cold-query", k[0], _op_order(k[1])))
    for size, op in keys:
        gk, ox_, rl, sh = (by.get((size, op, e)) for e in ENGINES)
        if op == "load:named-graph":  # the same gulag-kg load, against raw pyoxigraph doing the same
            gk = by.get((size, "load", "gulag-kg"))

        def ratio(a, b, inverse=False):
            if not a or not b or a.get("error") or b.get("error") or not a.get("median_s") or not b.get("median_s"):
                return ""
            value = a["median_s"] / b["median_s"]
            lower = ">" if a.get("capped") else ""
            return f"{lower}{value:.2f}x" if not inverse else f"{lower}{value:.1f}x"

        check = []
        for r in (gk, ox_, rl, sh):
            if r and "rows" in r:
                check.append(str(r["rows"]))
        rows = f"rows {'/'.join(check)}" if check else ""
        if gk and "matches_planted" in gk:
            vs = {True: "=", False: "≠"}.get(gk.get("matches_pyshacl"), "not run")
            if vs == "not run" and sh and "matches_planted" in sh:  # run apart: both against the planted set
                vs = "= (both = planted)" if gk["matches_planted"] and sh["matches_planted"] else "≠"
            rows = f"planted {'=' if gk['matches_planted'] else '≠'}, pySHACL {vs}"
        if gk and "stable" in gk:
            rows = "byte-stable" if gk["stable"] else "NOT byte-stable"
        lines.append(f"| {size:,} | {op} | {_cell(gk)} | {_cell(ox_)} | {_cell(rl)} | {_cell(sh)} | "
                     f"{ratio(gk, ox_)} | {ratio(rl, gk, True)} | {ratio(sh, gk, True)} | {rows} |")
    return "\n".join(lines)


def _op_order(op: str) -> int:
    order = [*OPERATIONS, "cli-cold-query"]
    return order.index(op) if op in order else len(order)


# --- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(json.loads(argv[1]))
        return 0
    parser = argparse.ArgumentParser(description="gulag-kg benchmarks: load, queries, validation, export "
                                     "against rdflib, pyoxigraph and pySHACL.",
                                     epilog="Example: python bench/run.py --sizes 100000,1000000 --json bench/results.json")
    parser.add_argument("--sizes", default="100000,1000000,10000000",
                        type=lambda s: [int(x.replace("_", "")) for x in s.split(",") if x])
    parser.add_argument("--json", help="write the records to this JSON file (rewritten after each size)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per operation; the median is reported (default 3)")
    parser.add_argument("--cap-seconds", type=float, default=300.0, help="stop a run after this long (default 300)")
    parser.add_argument("--mem-cap-mb", type=float, default=12000.0,
                        help="stop a worker whose resident memory passes this (default 12000 MB)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of " + ", ".join(ENGINES))
    parser.add_argument("--ops", default="", help="comma-separated prefixes of operations to run (default: all)")
    parser.add_argument("--no-cli", action="store_true", help="skip the cold CLI query on the shipped graph")
    parser.add_argument("--cli-repeat", type=int, default=10, help="runs of the cold CLI query (default 10)")
    parser.add_argument("--pyoxigraph-store", choices=("disk", "memory"), default="disk",
                        help="raw pyoxigraph on disk (like gulag-kg's store for big data; default) or in memory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", default=str(HERE / ".data"), help="where generated data is kept (reused)")
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "gulag-kg-bench"),
                        help="stores and scratch files (deleted after each size unless --keep-stores)")
    parser.add_argument("--keep-stores", action="store_true")
    parser.add_argument("--markdown", help="also write the table (and the machine) as Markdown to this file")
    parser.add_argument("--merge", action="store_true",
                        help="keep the records already in --json FILE that this run does not redo")
    parser.add_argument("--table-from", metavar="FILE", help="only print the Markdown table of a results JSON file")
    args = parser.parse_args(argv)
    if args.table_from:
        print(markdown_table(json.loads(Path(args.table_from).read_text(encoding="utf-8"))))
        return 0
    bad = set(args.engines.split(",")) - set(ENGINES)
    if bad:
        parser.error(f"unknown engine(s) {', '.join(sorted(bad))}")

    log(f"machine: {json.dumps(machine())}")
    earlier = []
    if args.merge and args.json and Path(args.json).exists():
        earlier = json.loads(Path(args.json).read_text(encoding="utf-8"))
    records = run_benchmarks(args, earlier=earlier)
    if not args.no_cli:
        rec = cold_cli_query(args.cli_repeat, args.cap_seconds)
        records = [r for r in records if r["operation"] != "cli-cold-query"] + [rec]
        log(f"cli-cold-query: {rec.get('median_s')} s")
    if args.json:
        write_json(args.json, records)
    table = markdown_table(records)
    print(table)
    if args.markdown:
        m = machine()
        Path(args.markdown).write_text(
            f"machine: {m['nproc']} cores, {m['cpu']}, {m['ram']}, Python {m['python']}, "
            + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + "\n\n" + table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
