"""Shared fixtures. The network is blocked for every test (loopback stays open for servers
that a test starts itself)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

import gulag_kg
from gulag_kg.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHAPES_NS = "https://w3id.org/gulag-kg/shapes#"

_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1") or self.family == socket.AF_UNIX):
        return _real_connect(self, address)
    raise RuntimeError(f"a test tried to reach the network: {address!r}")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(scope="session")
def kg():
    """The shipped graph, loaded once (tests must not modify it)."""
    return gulag_kg.load()


@pytest.fixture
def runner():
    return CliRunner()


def expand(curie: str) -> str:
    """A prefixed name of the project (or gks: for shapes) as a full IRI."""
    prefix, _, local = curie.partition(":")
    if prefix == "gks":
        return SHAPES_NS + local
    return PREFIXES[prefix] + local


def expectations(path: Path) -> tuple[bool, set[tuple[str, str, str]]]:
    """(conforms, {(severity, focus, shape)}) stated in a fixture's '# expect' lines."""
    conforms = True
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect-conforms:"):
            conforms = line.split(":", 1)[1].strip() == "true"
        elif line.startswith("# expect:"):
            severity, focus, shape = line.split(":", 1)[1].split()
            expected.add((severity, "_" if focus == "_" else expand(focus), "_" if shape == "_" else expand(shape)))
    return conforms, expected


@pytest.fixture
def oxigraph_endpoint():
    """A fresh, empty Oxigraph SPARQL server on 127.0.0.1 (stopped after the test)."""
    from .servers import oxigraph_server

    with oxigraph_server() as server:
        yield server
