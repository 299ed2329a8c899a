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
        wait_until_up(f"{base}/query?query=ASK%7B%7D", process, "oxigraph server", seconds=20,
                      log=lambda: process.stderr.read().decode(errors="replace"))
        yield OxigraphServer(base)
    finally:
        stop(process)


def wait_until_up(url: str, process: subprocess.Popen, name: str, *, seconds: float, log) -> None:
    """Wait until ``url`` answers; fail with the server's log if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: {log()}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start within {seconds:g} s") from None
            time.sleep(0.1)


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


@dataclass(frozen=True)
class VirtuosoServer:
    base: str

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def store_url(self) -> str:
        return f"{self.base}/sparql-graph-crud"


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = {d}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""


@contextlib.contextmanager
def virtuoso_server(directory: Path, *, max_rows: int = 10_000_000):
    """Start Virtuoso (Debian's virtuoso-opensource-7-bin) with a database in ``directory``, on
    127.0.0.1 only; open its Graph Store endpoint to writes from the test (SPARQL_UPDATE for the
    anonymous user, which is safe only because the server listens on loopback and lives for the
    test). Yields a VirtuosoServer."""
    for tool in ("virtuoso-t", "isql-vt"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed: make sysdeps (Debian's virtuoso-opensource-7-bin)")
    sql, http = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(d=directory, sql=sql, http=http, max_rows=max_rows))
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=directory,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http}"
    try:
        log = directory / "virtuoso.log"
        # a new database takes 20-60 s on a busy machine
        wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process, "virtuoso", seconds=180,
                      log=lambda: log.read_text(errors="replace")[-2000:] if log.exists() else "")
        subprocess.run(["isql-vt", f"127.0.0.1:{sql}", "dba", "dba",
                        "exec=grant SPARQL_UPDATE to \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"],
                       check=True, capture_output=True, timeout=60)
        yield VirtuosoServer(base)
    finally:
        stop(process, timeout=60)
