"""A smoke run of bench/serve_pages.py: it starts `gulag-kg serve`, drives it with concurrent
clients and writes a well-formed record (timings are not asserted: they go to bench/RESULTS.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "serve_pages.py"


def test_a_small_run_checks_every_response_and_reports_both_phases(tmp_path):
    output = tmp_path / "record.json"
    run = subprocess.run([sys.executable, str(BENCH), "--clients", "3", "--rounds", "1", "--limit", "15",
                          "--json", str(output)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    record = json.loads(output.read_text())
    assert record["pages"] == 15 and record["clients"] == 3
    assert record["cold"]["requests"] == 15 and record["warm"]["requests"] == 15
    assert record["cold"]["failures"] == record["warm"]["failures"] == 0
    for phase in ("cold", "warm"):
        r = record[phase]
        assert 0 < r["p50_ms"] <= r["p90_ms"] <= r["p99_ms"] <= r["max_ms"]
    assert "phase  requests" in run.stdout
