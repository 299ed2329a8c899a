"""Real servers for tests, started on 127.0.0.1 and stopped afterwards.

``oxigraph_server()`` runs the Oxigraph SPARQL server from the ``oxigraph`` package (a test
dependency) in memory on a free port; use it as a context manager or through the
``oxigraph_endpoint`` fixture of conftest.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        raise RuntimeError("the oxigraph server is not installed: pip install 'gulag-kg[test]'")
    return found


@dataclass(frozen=True)
class OxigraphServer:
    base: str

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"


@contextlib.contextmanager
def oxigraph_server(*, union_default_graph: bool = False, timeout_s: int | None = None):
    """Start ``oxigraph serve`` in memory on 127.0.0.1:<free port>; yields an OxigraphServer."""
    port = free_port()
    args = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        args.append("--union-default-graph")
    if timeout_s is not None:
        args += ["--timeout-s", str(timeout_s)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                if process.poll() is not None:
                    raise RuntimeError(f"oxigraph server exited: {process.stderr.read().decode(errors='replace')}")
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph server did not start within 20 s")
                time.sleep(0.1)
        yield OxigraphServer(base)
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate a server and wait for it (kill it if it will not go)."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class GulagKgServer:
    """A ``gulag-kg serve`` process on 127.0.0.1 (``base`` is its root URL)."""

    base: str
    process: subprocess.Popen
    log: list

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"


def gulag_kg_executable() -> str:
    found = Path(sys.executable).parent / "gulag-kg"
    if not found.exists():
        raise RuntimeError("gulag-kg is not installed in this environment: make install")
    return str(found)


@contextlib.contextmanager
def gulag_kg_server(*serve_args: str, global_args: tuple[str, ...] = (), env: dict | None = None,
                    startup: float = 60):
    """Start ``gulag-kg [global_args] serve --port 0 [serve_args]`` as a process of its own (the
    way an operator runs it), wait until it announces its address; stop it afterwards."""
    import os
    import re
    import threading

    args = [gulag_kg_executable(), *global_args, "serve", "--host", "127.0.0.1", "--port", "0", *serve_args]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    log: list[str] = []
    announced = threading.Event()

    def drain() -> None:  # read stderr for the whole run, so that the server never blocks on it
        for line in process.stderr:
            log.append(line)
            if " at http://" in line:
                announced.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        if not announced.wait(startup):
            raise RuntimeError("gulag-kg serve did not start: " + "".join(log)[-2000:])
        url = re.search(r"at (http://\S+)/sparql", "".join(log)).group(1)
        yield GulagKgServer(url, process, log)
    finally:
        stop(process)
