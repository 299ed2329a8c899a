"""The benchmark tools in bench/: the synthetic data generator and a smoke run of bench/run.py.

Timings are not asserted here (they belong in bench/RESULTS.md); what is asserted is that the
generator is deterministic, streaming, obviously synthetic and valid except for exactly the
defects it says it planted, and that run.py produces well-formed records end to end.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pyoxigraph as ox
import pytest

import gulag_kg

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def _load_generate():
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


generate = _load_generate()


@pytest.mark.parametrize("name", ["data.nt", "data.nq.gz"])
def test_same_seed_and_size_give_the_same_bytes(tmp_path, name):
    a, b = tmp_path / "a" / name, tmp_path / "b" / name
    a.parent.mkdir()
    b.parent.mkdir()
    generate.generate(a, size=6000, seed=3)
    generate.generate(b, size=6000, seed=3)
    assert a.read_bytes() == b.read_bytes()
    assert generate.manifest_path(a).read_text() == generate.manifest_path(b).read_text()


def test_another_seed_gives_other_data(tmp_path):
    generate.generate(tmp_path / "a.nt", size=6000, seed=1)
    generate.generate(tmp_path / "b.nt", size=6000, seed=2)
    assert (tmp_path / "a.nt").read_bytes() != (tmp_path / "b.nt").read_bytes()


def test_output_parses_and_has_the_size_and_count_it_reports(tmp_path):
    out = tmp_path / "data.nq.gz"
    manifest = generate.generate(out, size=8000, seed=1)
    quads = list(ox.parse(gzip.decompress(out.read_bytes()), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == manifest.triples
    assert 8000 <= manifest.triples < 8000 + 30  # stops at the first record boundary at or above the size
    assert {q.graph_name for q in quads} == {ox.NamedNode(generate.GRAPH_IRI)}


def test_everything_is_obviously_synthetic(tmp_path):
    out = tmp_path / "data.nt"
    generate.generate(out, size=20000, seed=1)
    triples = list(ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))
    subjects = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert subjects and all(s.value.startswith(generate.SYN) for s in subjects)
    labels = [t.object for t in triples if t.predicate.value.endswith("#label")]
    english = [label.value for label in labels if label.language == "en"]
    assert english and all(label.startswith(("Synthetic ", "gulag-kg synthetic")) for label in english)
    people = [t.subject for t in triples if t.object == ox.NamedNode(generate.GK + "Person")]
    assert any("/synthetic/prisoner/" in p.value for p in people)
    quotes = [t.object.value for t in triples if t.predicate.value == "http://www.w3.org/ns/oa#exact"]
    assert quotes and all(q.startswith("Synthetic quote ") for q in quotes)


def test_validation_finds_exactly_the_planted_defects(tmp_path):
    out = tmp_path / "data.nt"
    manifest = generate.generate(out, size=18000, seed=5, violations=18)
    kinds = {p.kind for p in manifest.planted}
    assert kinds == {k.name for k in generate.DEFECT_KINDS}  # every kind is exercised at this size
    report = gulag_kg.load([out], shipped=False).validate()
    got = {(r.severity.value, r.focus, r.shape) for r in report.results}
    assert got == manifest.expected_results()
    assert report.violations == manifest.expected_violations > 0
    assert report.warnings == manifest.expected_warnings > 0


def test_without_planted_defects_the_data_conforms(tmp_path):
    out = tmp_path / "data.nt"
    manifest = generate.generate(out, size=12000, seed=9, violations=0)
    assert manifest.planted == []
    report = gulag_kg.load([out], shipped=False).validate()
    assert report.results == ()


def test_generation_streams_in_constant_memory():
    """50,000 lines (about 7 MB of text, several camps with their prisoners) of a
    100-million-triple graph, with a peak far below what holding them would take."""
    lines = generate.SyntheticGraph(size=100_000_000, seed=1).lines()
    tracemalloc.start()
    try:
        for _, _line in zip(range(50_000), lines):
            pass
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_the_manifest_reads_back(tmp_path):
    out = tmp_path / "data.nt"
    manifest = generate.generate(out, size=9000, seed=2)
    again = generate.Manifest.from_json(generate.manifest_path(out).read_text())
    assert again == manifest
    doc = json.loads(generate.manifest_path(out).read_text())
    assert doc["expected_violations"] + doc["expected_warnings"] == len(doc["planted"])


def test_the_generator_command_refuses_an_unknown_extension(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH / "generate.py"), "--size", "100", "-o", str(tmp_path / "x.ttl")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: ") and ".nt" in proc.stderr
    assert not (tmp_path / "x.ttl").exists()


def _run_bench(tmp_path, *args) -> list[dict]:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "3000", "--repeat", "1", "--no-cli",
         "--json", str(out), "--data-dir", str(tmp_path / "data"), "--work-dir", str(tmp_path / "work"), *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(out.read_text())


def test_run_py_smoke(tmp_path):
    records = _run_bench(tmp_path, "--engines", "gulag-kg,pyoxigraph,pyshacl",
                         "--ops", "load,query:estimates-of,validate,export:nt")
    assert {(r["operation"], r["engine"]) for r in records} == {
        ("load", "gulag-kg"), ("load", "pyoxigraph"), ("load:named-graph", "pyoxigraph"),
        ("query:estimates-of", "gulag-kg"), ("query:estimates-of", "pyoxigraph"),
        ("validate", "gulag-kg"), ("validate", "pyshacl"),
        ("export:nt", "gulag-kg"), ("export:nt", "pyoxigraph"),
    }
    for r in records:
        assert r["size"] == 3000 and r["engine"] in ("gulag-kg", "rdflib", "pyoxigraph", "pyshacl")
        assert not r.get("error") and not r.get("capped"), r
        assert r["median_s"] > 0 and r["peak_rss_mb"] > 10, r
    by = {(r["operation"], r["engine"]): r for r in records}
    assert by[("query:estimates-of", "gulag-kg")]["rows"] == by[("query:estimates-of", "pyoxigraph")]["rows"] > 0
    assert by[("validate", "gulag-kg")]["matches_planted"] is True
    assert by[("validate", "gulag-kg")]["matches_pyshacl"] is True
    assert by[("validate", "pyshacl")]["matches_planted"] is True
    assert by[("export:nt", "gulag-kg")]["stable"] is True
    assert by[("load:named-graph", "pyoxigraph")]["quads"] == by[("load", "pyoxigraph")]["quads"]


def test_run_py_caps_a_run_that_takes_too_long(tmp_path):
    records = _run_bench(tmp_path, "--engines", "pyoxigraph", "--ops", "load", "--cap-seconds", "0.01")
    (rec,) = [r for r in records if r["operation"] == "load"]
    assert rec["capped"] is True and rec["median_s"] == rec["cap_s"] == 0.01


def test_entity_reads_times_every_entity(tmp_path):
    out = tmp_path / "reads.json"
    proc = subprocess.run([sys.executable, str(BENCH / "entity_reads.py"), "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    entities = {row["s"] for row in gulag_kg.load().query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/gulag-kg/id/')) }").as_dicts()}
    assert result["entities"] == len(entities) > 700
    for name in ("list_claims", "build_timeline"):
        r = result[name]
        assert 0 < r["p50_ms"] <= r["p99_ms"] <= r["max_ms"], r
