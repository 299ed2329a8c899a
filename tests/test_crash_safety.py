"""Nothing half-done (SECURITY.md): real `gulag-kg` processes killed at known moments.

A load of a generated, Gulag-shaped file of about 200,000 triples (bench/generate.py) is stopped
with SIGKILL before it writes, while Oxigraph's bulk loader has its files in the store, after a
file is in, while the derived graph is computed and after the commit; the next command must find
the store as it was before (or, after the commit, with the whole file and a derived graph that
matches it), and no file of the load left over. SIGTERM and SIGKILL stop `export -o` too. The
moments are announced by the process itself (``GULAG_KG_TEST_PAUSE``), so no test guesses with
sleeps; the one moment no hook can hold (Oxigraph's own threads writing) is found by watching
the store's directory.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gulag_kg.bulk import file_graph
from gulag_kg.derive import period_bound_quads, truthy_quads
from gulag_kg.store import DERIVED_GRAPH, Store, close_on_disk

from .conftest import ROOT
from .servers import gulag_kg_executable

SIZE = 200_000
OUR_LEFTOVERS = ("gulag-kg-checkpoint", "gulag-kg-checkpoint.new", "gulag-kg-checkpoint.old")


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([gulag_kg_executable(), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A generated file, a store holding the shipped graph, and that store's N-Quads export."""
    root = tmp_path_factory.mktemp("crash")
    data = root / "synthetic.nt"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--size", str(SIZE), "--seed", "3",
                    "-o", str(data)], check=True, capture_output=True, timeout=120)
    base = root / "base"
    assert _run("--store", str(base), "load").returncode == 0
    before = _run("--store", str(base), "export", "--format", "nquads")
    assert before.returncode == 0
    return root, data, base, before.stdout


@pytest.fixture
def store(world, tmp_path):
    """A copy of the base store, to be loaded into and killed."""
    _, _, base, _ = world
    copy = tmp_path / "store"
    shutil.copytree(base, copy)
    return copy


class Paused:
    """A `gulag-kg` process started with ``GULAG_KG_TEST_PAUSE``, and what it wrote on stderr."""

    def __init__(self, args: list[str], pause: str | None) -> None:
        env = {**os.environ, "GULAG_KG_TEST_PAUSE": pause or ""}
        self.process = subprocess.Popen([gulag_kg_executable(), *args], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, env=env)
        self.stderr = b""

    def read(self, seconds: float) -> None:
        ready, _, _ = select.select([self.process.stderr], [], [], seconds)
        if ready:
            self.stderr += os.read(self.process.stderr.fileno(), 65536)

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.stderr:
            ended = self.process.poll() is not None
            self.read(0 if ended else 0.2)
            if text.encode() in self.stderr:
                break
            assert not ended, f"ended before {text!r}: {self.stderr.decode()[-1000:]}"
            assert time.monotonic() < deadline, f"never reached {text!r}: {self.stderr.decode()[-1000:]}"

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        _, rest = self.process.communicate(timeout=60)
        self.stderr += rest
        return self.process.returncode


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()
                  if p.name.startswith("bulk-") or p.name in OUR_LEFTOVERS or p.name.endswith(".gulag-kg-restoring")
                  or p.name.endswith(".tmp"))


def _size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def _assert_as_before(world, store: Path) -> None:
    """The next command finds the store as it was before the load, and says why."""
    after = _run("--store", str(store), "export", "--format", "nquads")
    assert after.returncode == 0, after.stderr
    assert "a load was stopped before it completed; the store is back as it was before that load" in after.stderr
    assert after.stdout == world[3]
    assert _leftovers(store) == []


@pytest.mark.parametrize("moment", ["checkpointed", "file-loaded", "deriving"])
def test_load_killed_at_a_moment_leaves_the_store_as_it_was(world, store, moment):
    _, data, _, _ = world
    small = store.parent / "small.nt"
    small.write_text('<https://example.org/a> <https://example.org/b> "c" .\n')
    (store / "notes.txt").write_text("mine")  # not the store's: a restore leaves it
    load = Paused(["--store", str(store), "load", str(data), str(small)], moment)
    load.wait_for(f"paused at {moment}")
    assert load.stop(signal.SIGKILL) == -signal.SIGKILL
    _assert_as_before(world, store)
    assert (store / "notes.txt").read_text() == "mine"


def test_load_killed_while_the_bulk_loader_writes_its_files(world, store):
    _, data, _, _ = world
    load = Paused(["--store", str(store), "load", str(data)], None)
    deadline = time.monotonic() + 90
    while not any(store.glob("bulk-*.sst")):  # Oxigraph's threads: watched, not announced
        assert load.process.poll() is None and time.monotonic() < deadline, "no bulk-*.sst file was ever seen"
        time.sleep(0.002)
    load.stop(signal.SIGKILL)
    _assert_as_before(world, store)


def test_load_killed_after_its_commit_keeps_the_whole_file_and_a_matching_derived_graph(world, store, capfd):
    _, data, _, _ = world
    load = Paused(["--store", str(store), "load", str(data)], "committed")
    load.wait_for("paused at committed")
    load.stop(signal.SIGKILL)
    opened = Store(store)  # the next command (what every command runs first to open a store)
    try:
        assert "a load was stopped" not in capfd.readouterr().err
        assert _leftovers(store) == []
        triples = sum(1 for line in data.open() if line.strip())
        assert sum(1 for _ in opened.quads(graph=file_graph(data))) == triples
        derived = set(opened.quads(graph=DERIVED_GRAPH))
        assert derived and derived == set(period_bound_quads(opened)) | set(truthy_quads(opened))
    finally:
        assert close_on_disk(opened)


def test_load_stopped_by_sigterm_is_undone_at_once_and_gives_its_disk_space_back(world, store):
    _, data, _, _ = world
    size_before = _size(store)
    load = Paused(["--store", str(store), "load", str(data)], "deriving")
    load.wait_for("paused at deriving")
    assert _size(store) > size_before + 10_000_000  # the file is in: tens of MB
    assert load.stop(signal.SIGTERM) == 2
    assert "nothing of this load was kept; the on-disk store" in load.stderr.decode()
    assert _leftovers(store) == []
    assert _size(store) <= size_before
    after = _run("--store", str(store), "export", "--format", "nquads")
    assert after.stdout == world[3] and "a load was stopped" not in after.stderr


def test_files_a_killed_loader_left_are_removed_when_the_store_is_opened(store):
    orphan = store / "bulk-1234567890.sst"
    orphan.write_bytes(b"x" * 1000)
    stats = _run("--store", str(store), "stats")
    assert stats.returncode == 0
    assert "removed 1 file(s) of 0.0 MB left by a load that was killed: bulk-1234567890.sst" in stats.stderr
    assert not orphan.exists()


def _temporaries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_export_stopped_by_sigterm_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old\n")
    export = Paused(["export", "-o", str(target)], "writing")
    export.wait_for("paused at writing")
    assert len(_temporaries(tmp_path)) == 1
    assert export.stop(signal.SIGTERM) == 2
    assert f"Error: stopped by SIGTERM: {target} was not written" in export.stderr.decode()
    assert _temporaries(tmp_path) == [] and target.read_text() == "old\n"


def test_export_killed_leaves_a_temporary_file_that_the_next_export_removes_but_not_a_live_one(tmp_path):
    target = tmp_path / "graph.nt"
    killed = Paused(["export", "--format", "nt", "-o", str(target)], "writing")
    killed.wait_for("paused at writing")
    left = _temporaries(tmp_path)
    killed.stop(signal.SIGKILL)
    later = Paused(["export", "--format", "nt", "-o", str(target)], "writing")  # the next run, held at work
    later.wait_for("paused at writing")
    assert (f"removed 1 temporary file(s) left in {tmp_path} by a write to graph.nt that was killed: {left[0]}"
            in later.stderr.decode())
    live = _temporaries(tmp_path)
    assert len(live) == 1 and live != left
    again = _run("export", "--format", "nt", "-o", str(target))
    assert again.returncode == 0 and "removed" not in again.stderr
    assert _temporaries(tmp_path) == live  # a writer still at work keeps its file
    later.stop(signal.SIGTERM)
    assert _temporaries(tmp_path) == []
