"""Query workers: long-lived processes that evaluate SPARQL on a local store, one query at a time.

Oxigraph cannot cancel a query once it runs, and a query can ask for any amount of memory. So
every query on a local store runs in a *worker* process that the caller kills when the time
limit passes. Each worker has an address-space cap (``RLIMIT_AS``: the query fails with a clear
error instead of taking the machine) and, unless SERVICE is allowed, no Internet sockets at all
(the kernel's seccomp guard of :mod:`gulag_kg.guards`). Workers are persistent: a light query
costs one message each way, not a new process.

Forking a process that runs threads copies its locks in whatever state the other threads held
them; a child that then needs such a lock (Oxigraph's, RocksDB's, the allocator's) waits forever.
So workers are forked by a *zygote* only: a process that never starts a thread. The zygote is
forked from the caller while the caller still has a single thread (an in-memory store is then
shared copy-on-write), or else started afresh (``python -m gulag_kg.workers``) and given the
data: the path of an on-disk store, which each worker opens read-only, or a dump of an
in-memory one. A worker killed at the time limit is replaced by a new fork of the zygote.

:class:`Pool` is the caller's side: :meth:`Pool.run` (blocking, for the library) and
:meth:`Pool.run_async` (asyncio, for the server) share the same workers, at most ``processes``
queries at a time, the others waiting in a queue of at most ``max_queued``.

Wire format (a Unix stream socket per worker): a request is a length-prefixed pickled dict; the
answer is a series of frames ``kind (1 byte) + length (4 bytes, big-endian) + payload``: ``H``
(JSON: the query form), ``D`` (result bytes, in the requested format), then ``E`` (JSON: rows)
or ``X`` (JSON: the error's type and message). Only the caller unpickles nothing: what comes back
from a worker is JSON and bytes.
"""

from __future__ import annotations

import atexit
import collections
import gc
import json
import os
import pickle
import signal
import socket
import struct
import sys
import threading
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # asyncio, subprocess and tempfile are imported where used: a one-shot query needs none
    import subprocess

import pyoxigraph as ox

from .prefixes import PREFIXES

#: Default address-space cap of one query, in MiB beyond what its worker had when it started.
DEFAULT_MEMORY_MB = 2048
#: Frames of result data are about this large.
_CHUNK = 1 << 18
#: Seconds after which a running query (server API) gets a lower CPU priority (nice 10).
DEMOTE_AFTER = 0.25

#: Result formats a worker writes, by name (SELECT and ASK, then CONSTRUCT and DESCRIBE).
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


class WorkerFailure(Exception):
    """A query did not give an answer. ``reason`` says why, for the caller's message:

    ``timeout`` (the time limit passed; the worker was killed), ``rows`` (the result has more
    rows or triples than allowed), ``memory`` (the query hit its worker's memory cap),
    ``server-memory`` (the server's total memory cap was reached and this query was stopped),
    ``busy`` (every worker busy and the queue full, or the wait longer than the time limit),
    ``crash`` (the worker died otherwise), ``engine`` (the engine raised an error:
    ``error_type`` and ``detail`` say which, e.g. ``SyntaxError``).
    """

    def __init__(self, reason: str, detail: str = "", *, error_type: str = "", limit=None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.error_type = error_type
        self.limit = limit


@dataclass(frozen=True)
class Answer:
    """A complete answer (blocking API): the query form and the result bytes."""

    form: str
    data: bytes
    rows: int | None


# --- frames -------------------------------------------------------------------------------

_HEADER = struct.Struct(">cI")


def _frame(kind: bytes, payload: bytes) -> bytes:
    return _HEADER.pack(kind, len(payload)) + payload


class _FrameReader:
    """Cuts a byte stream into frames."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def frames(self) -> Iterator[tuple[bytes, bytes]]:
        buffer = self._buffer
        start = 0
        while len(buffer) - start >= _HEADER.size:
            kind, length = _HEADER.unpack_from(buffer, start)
            end = start + _HEADER.size + length
            if len(buffer) < end:
                break
            yield kind, bytes(buffer[start + _HEADER.size:end])
            start = end
        del buffer[:start]


# --- the worker (runs in the child) -----------------------------------------------------------


class _TooManyRows(Exception):
    pass


class _FrameWriter:
    """A binary writer (for Oxigraph's serialisers) that sends what it gets as ``D`` frames."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._data = bytearray()
        self._out = bytearray()

    def write(self, data) -> int:
        self._data += data
        if len(self._data) >= _CHUNK:
            self._cut()
            self._send()
        return len(data)

    def flush(self) -> None:
        pass

    def frame(self, kind: bytes, payload: bytes) -> None:
        self._cut()
        self._out += _frame(kind, payload)

    def finish(self) -> None:
        self._cut()
        self._send()

    def _cut(self) -> None:
        if self._data:
            self._out += _frame(b"D", bytes(self._data))
            self._data.clear()

    def _send(self) -> None:
        if self._out:
            self._sock.sendall(self._out)
            self._out.clear()


class _CountingBuffer:
    """An in-memory binary writer that stops the serialiser past ``limit`` lines after the first
    ``header`` lines (SPARQL TSV and N-Triples escape line breaks inside terms: a line is a row)."""

    def __init__(self, limit: int, header: int) -> None:
        self._limit = limit + header
        self._header = header
        self._lines = 0
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        data = bytes(data)
        self._lines += data.count(b"\n")
        if self._lines > self._limit:
            raise _TooManyRows()
        self._parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass

    @property
    def rows(self) -> int:
        return max(self._lines - self._header, 0)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def _form(result) -> str:
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    if isinstance(result, ox.QuerySolutions):
        return "select"
    return "graph"


def _serialize_graph(triples, out, fmt: ox.RdfFormat) -> None:
    if fmt == ox.RdfFormat.RDF_XML:  # checked first: Oxigraph would write what XML parsers reject
        from .rdfxml import write_triples

        write_triples(triples, out)
    elif fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        ox.serialize(triples, out, format=fmt, prefixes=PREFIXES)
    else:
        ox.serialize(triples, out, format=fmt)


def _write_result(result, fmt: str, max_rows: int | None, out: _FrameWriter) -> int | None:
    """Write ``result`` in ``fmt`` to ``out``; with ``max_rows`` the whole result is first
    written in a line-per-row format (SPARQL TSV, N-Triples) and counted, so that a result over
    the limit is refused before any of it is sent."""
    form = _form(result)
    if form == "ask":
        out.write(result.serialize(format=RESULT_FORMATS[fmt]))
        return 1
    if form == "select":
        target = RESULT_FORMATS[fmt]
        if max_rows is None:
            result.serialize(out, format=target)
            return None
        counted = _CountingBuffer(max_rows, header=1)
        result.serialize(counted, format=ox.QueryResultsFormat.TSV)
        data = counted.getvalue()
        if fmt == "tsv":
            out.write(data)
        else:
            ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV).serialize(out, format=target)
        return counted.rows
    target = GRAPH_FORMATS[fmt]
    if max_rows is None:
        _serialize_graph(result, out, target)
        return None
    counted = _CountingBuffer(max_rows, header=0)
    ox.serialize(result, counted, format=ox.RdfFormat.N_TRIPLES)
    data = counted.getvalue()
    if fmt == "nt":
        out.write(data)
    else:
        _serialize_graph(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), out, target)
    return counted.rows


def _answer(store: ox.Store, request: dict, out: _FrameWriter) -> None:
    """Evaluate one request and write its frames (never raises for a query's own failure)."""
    try:
        dataset = {}
        if request.get("default_graph") is not None or request.get("named_graphs") is not None:
            dataset["default_graph"] = [ox.NamedNode(g) for g in request.get("default_graph") or ()]
            if request.get("named_graphs") is not None:
                dataset["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
        else:
            dataset["use_default_graph_as_union"] = request.get("union", True)
        result = store.query(request["query"], prefixes=PREFIXES, substitutions=request.get("substitutions"),
                             base_iri=request.get("base_iri"), **dataset)
        form = _form(result)
        out.frame(b"H", json.dumps({"form": form}).encode())
        fmt = request["format"].get(form) if isinstance(request["format"], dict) else request["format"]
        rows = _write_result(result, fmt, request.get("max_rows"), out)
        out.frame(b"E", json.dumps({"rows": rows}).encode())
    except _TooManyRows:
        out.frame(b"X", json.dumps({"type": "TooManyRows", "message": ""}).encode())
    except Exception as exc:  # the query's failure goes back as data; the worker goes on
        out.frame(b"X", json.dumps({"type": type(exc).__name__, "message": str(exc)[:4000]}).encode())
    out.finish()


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    parts, got = [], 0
    while got < n:
        data = sock.recv(n - got)
        if not data:
            return None
        parts.append(data)
        got += len(data)
    return b"".join(parts)


def _vm_size() -> int:
    """This process's address space in bytes (Linux), or 0 where unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _cap_memory(memory_mb: int | None) -> None:
    """Cap this process's address space at what it has now plus ``memory_mb``."""
    if not memory_mb:
        return
    try:
        import resource

        base = _vm_size()
        if base:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = base + memory_mb * (1 << 20)
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):  # pragma: no cover - not Linux
        pass


def _own_signals() -> None:
    """Drop the signal handling inherited from the caller (an event loop's wake-up descriptor,
    now closed or reused here, and its handlers): Ctrl-C is for the caller, which ends this
    process itself; SIGTERM ends it at once."""
    try:
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError):  # pragma: no cover
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent (the zygote) dies."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover
        pass


def _close_other_fds(keep: set[int]) -> None:
    """Close every inherited descriptor but ``keep`` (and 0-2): another pool's sockets held
    open here would keep its processes from seeing their caller go."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _worker_main(sock: socket.socket, stderr_fd: int, source: _Source, memory_mb: int | None,
                 install_guard) -> None:
    """A worker: answer requests until the caller closes the socket. Never returns."""
    try:
        gc.freeze()  # as in the zygote
        os.dup2(stderr_fd, 2)
        os.close(stderr_fd)
        _own_signals()
        _die_with_parent()
        store = source.open()
        if install_guard is not None:
            install_guard()
        _cap_memory(memory_mb)
        out = _FrameWriter(sock)
        while True:
            head = _recv_exact(sock, 4)
            if head is None:
                break
            request = pickle.loads(_recv_exact(sock, int.from_bytes(head, "big")) or b"")
            os.ftruncate(2, 0)  # stderr keeps what the current query leaves there
            os.lseek(2, 0, os.SEEK_SET)
            _answer(store, request, out)
    except BaseException:  # noqa: BLE001 - a worker ends here whatever happens
        pass
    os._exit(0)


# --- where a worker's data comes from ----------------------------------------------------------


@dataclass
class _Source:
    """The store a worker queries: an in-memory ox.Store (inherited by fork, or loaded from a
    dump when the zygote is spawned) or the path of an on-disk store (opened read-only)."""

    memory: ox.Store | None = None
    path: str | None = None
    dump: str | None = None

    def open(self) -> ox.Store:
        if self.memory is not None:
            return self.memory
        if self.path is not None:
            return ox.Store.read_only(self.path)
        raise RuntimeError("no store to query")  # pragma: no cover

    def load_dump(self) -> None:
        """In a spawned zygote: read the dump of the caller's in-memory store (then delete it)."""
        if self.dump is not None:
            store = ox.Store()
            store.extend(ox.parse(path=self.dump, format=ox.RdfFormat.N_QUADS))  # blank nodes keep their ids
            os.unlink(self.dump)
            self.memory, self.dump = store, None


# --- the zygote ----------------------------------------------------------------------------


def _zygote_main(control: socket.socket, source: _Source, memory_mb: int | None, network: bool) -> None:
    """Fork workers on request, reap them, and kill them all when the caller goes. Single-threaded
    by construction: nothing here starts a thread. Never returns."""
    try:
        # Objects inherited from the caller are never collected here: their finalisers would
        # close descriptors that this process has since reused.
        gc.freeze()
        _own_signals()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        source.load_dump()
        install_guard = None
        if not network:
            from .guards import prepare_kernel_guard

            install_guard = prepare_kernel_guard()
        children: set[int] = set()
        statuses: dict[int, int] = {}
        while True:
            try:
                message = control.recv(64)
            except InterruptedError:  # pragma: no cover
                continue
            except OSError:
                break
            if not message:
                break
            if message[:1] == b"F":
                mine, theirs = socket.socketpair()
                stderr_fd = _stderr_file()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the worker; coverage cannot see it
                    _close_other_fds({theirs.fileno(), stderr_fd})
                    _worker_main(theirs, stderr_fd, source, memory_mb, install_guard)
                theirs.close()
                children.add(pid)
                socket.send_fds(control, [b"F" + pid.to_bytes(4, "big")], [mine.fileno(), stderr_fd])
                mine.close()
                os.close(stderr_fd)
            elif message[:1] == b"W":
                pid = int.from_bytes(message[1:5], "big")
                if pid in children and pid not in statuses:
                    try:
                        _, status = os.waitpid(pid, 0)
                        statuses[pid] = status
                    except ChildProcessError:
                        statuses[pid] = 0
                status = statuses.pop(pid, 0)
                children.discard(pid)
                control.send(b"W" + status.to_bytes(4, "big", signed=True))
            # reap whatever else has ended, keeping statuses until asked
            while children:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                statuses[pid] = status
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    except BaseException:  # noqa: BLE001
        pass
    os._exit(0)


def _stderr_file() -> int:
    """A file for a worker's stderr (what a crashing engine says), readable by the caller."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("gulag-kg-worker-stderr")
    import tempfile  # pragma: no cover - not Linux

    fd, path = tempfile.mkstemp(prefix="gulag-kg-worker-")  # pragma: no cover - not Linux
    os.unlink(path)  # pragma: no cover
    return fd  # pragma: no cover


def _single_threaded(wait: float = 0.1) -> bool:
    """True if this process runs one thread (counting the threads of native code, which
    :func:`threading.active_count` does not see). Native libraries start short-lived threads
    (Oxigraph while it loads a file): wait up to ``wait`` seconds for them to end."""
    deadline = time.monotonic() + wait
    while True:
        try:
            if len(os.listdir("/proc/self/task")) == 1:
                return True
        except OSError:  # pragma: no cover - no /proc
            return threading.active_count() == 1
        if time.monotonic() >= deadline or threading.active_count() > 1:
            return False
        time.sleep(0.001)


def fork_available() -> bool:
    """Workers need ``fork`` (POSIX) and Unix sockets that carry descriptors."""
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


class _Zygote:
    """The caller's handle on a zygote process."""

    def __init__(self, store, *, memory_mb: int | None, network: bool) -> None:
        self._lock = threading.Lock()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._control = mine
        self.process: subprocess.Popen | None = None
        path = getattr(store, "path", None)
        if path is None and _single_threaded():
            source = _Source(memory=store._ox)  # not .oxigraph, which counts as a change
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the zygote
                _close_other_fds({theirs.fileno()})
                _zygote_main(theirs, source, memory_mb, network)
            self.pid = pid
        else:
            import subprocess
            import tempfile

            if path is not None:
                spec = {"path": str(Path(path).resolve())}
            else:  # threads are running here: give a fresh process a copy of the data
                fd, dump = tempfile.mkstemp(prefix="gulag-kg-store-", suffix=".nq")
                os.close(fd)
                store._ox.dump(output=dump, format=ox.RdfFormat.N_QUADS)
                spec = {"dump": dump}
            spec.update(memory_mb=memory_mb, network=network, fd=theirs.fileno())
            self.process = subprocess.Popen([sys.executable, "-c", _SPAWN, str(Path(__file__).parent), json.dumps(spec)],
                                            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
            self.pid = self.process.pid
        theirs.close()
        self._control.settimeout(60)

    def fork_worker(self) -> _Worker:
        with self._lock:
            self._control.send(b"F")
            message, fds, _flags, _addr = socket.recv_fds(self._control, 64, 2)
        if not message or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise OSError("the query workers' zygote did not answer")
        pid = int.from_bytes(message[1:5], "big")
        return _Worker(pid, socket.socket(fileno=fds[0]), fds[1])

    def reap(self, pid: int) -> int | None:
        """The exit status of a worker that has ended (or been killed); None if unknown."""
        try:
            with self._lock:
                self._control.send(b"W" + pid.to_bytes(4, "big"))
                message = self._control.recv(64)
        except OSError:
            return None
        if message[:1] != b"W":
            return None
        return int.from_bytes(message[1:5], "big", signed=True)

    def close(self) -> None:
        try:
            self._control.close()
        except OSError:  # pragma: no cover
            pass
        if self.process is not None:
            import subprocess

            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.process.kill()
                self.process.wait()
        else:
            try:
                pid, _ = os.waitpid(self.pid, 0)
            except ChildProcessError:  # pragma: no cover
                pass


#: The spawned zygote's program: the package is made known without running its __init__ (which
#: imports the whole toolkit): the zygote needs this module, its prefixes and the network guard.
_SPAWN = ("import sys, types; package = types.ModuleType('gulag_kg'); package.__path__ = [sys.argv[1]]; "
          "sys.modules['gulag_kg'] = package; from gulag_kg.workers import _spawned_zygote; _spawned_zygote()")


def _spawned_zygote() -> None:  # pragma: no cover - runs in the spawned process
    spec = json.loads(sys.argv[2])
    control = socket.socket(fileno=spec["fd"])
    source = _Source(path=spec.get("path"), dump=spec.get("dump"))
    _zygote_main(control, source, spec.get("memory_mb"), spec.get("network", False))


# --- the caller's side ---------------------------------------------------------------------


class _Worker:
    def __init__(self, pid: int, sock: socket.socket, stderr_fd: int) -> None:
        self.pid = pid
        self.sock = sock
        self.stderr_fd = stderr_fd
        self.stopped_for: str | None = None  # set when the caller kills it, and why
        self.busy_since: float | None = None
        self.demoted = False  # runs at a lower CPU priority (a long query): not reused

    def kill(self, why: str) -> None:
        self.stopped_for = self.stopped_for or why
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stderr_tail(self) -> str:
        try:
            size = os.fstat(self.stderr_fd).st_size
            return os.pread(self.stderr_fd, 4000, max(size - 4000, 0)).decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            try:
                os.close(self.stderr_fd)
            except OSError:
                pass


_START = object()  # a waiter is told to start a new worker instead of getting an idle one


class _SyncWaiter:
    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self.item = None
        self.gone = False

    def give(self, item) -> bool:
        with self._lock:
            if self.gone:
                return False
            self.item = item
        self._event.set()
        return True

    def wait(self, timeout: float | None):
        self._event.wait(timeout)
        with self._lock:
            if self.item is None:
                self.gone = True
            return self.item


class _AsyncWaiter:
    def __init__(self, pool: Pool) -> None:
        import asyncio

        self._pool = pool
        self._loop = asyncio.get_running_loop()
        self.future: asyncio.Future = self._loop.create_future()
        self._lock = threading.Lock()
        self.gone = False

    def give(self, item) -> bool:
        with self._lock:
            if self.gone:
                return False
            self.gone = True  # given: nobody else may give
        self._loop.call_soon_threadsafe(self._deliver, item)
        return True

    def _deliver(self, item) -> None:
        if self.future.cancelled():  # the caller gave up in the meantime: pass it on
            self._pool._hand_back(item)
        else:
            self.future.set_result(item)

    def abandon(self) -> bool:
        """True if nothing was given (and nothing will be)."""
        with self._lock:
            if self.gone:
                return False
            self.gone = True
            return True


class Pool:
    """Query workers for one store (see the module docstring).

    ``processes`` caps the queries running at once (0: the number of processors),
    ``max_queued`` the queries waiting for a worker (more are refused at once as ``busy``),
    ``memory_mb`` the address space of each query beyond its worker's start (None: no cap), and
    ``network`` lets workers open Internet sockets (SERVICE). ``prestart`` workers are started
    at once.
    """

    def __init__(self, store, *, processes: int = 0, max_queued: int = 64,
                 memory_mb: int | None = DEFAULT_MEMORY_MB, network: bool = False, prestart: int = 1) -> None:
        self.processes = processes or os.cpu_count() or 2
        self.max_queued = max_queued
        self.memory_mb = memory_mb
        self.network = network
        self._store = store
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._count = 0
        self._waiters: collections.deque = collections.deque()
        self._closed = False
        self.refusing: str | None = None  # set by the memory watch while over the server's cap
        self._zygote = _Zygote(store, memory_mb=memory_mb, network=network)
        started = [self._zygote.fork_worker() for _ in range(min(prestart, self.processes))]
        with self._lock:
            self._idle.extend(started)
            self._count = len(started)

    # -- workers ---------------------------------------------------------------------------------
    def _new_worker(self) -> _Worker:
        try:
            return self._zygote.fork_worker()
        except OSError:  # the zygote is gone (killed from outside): start another
            with self._lock:
                if self._closed:
                    raise WorkerFailure("crash", "the query workers were shut down") from None
                old, self._zygote = self._zygote, _Zygote(self._store, memory_mb=self.memory_mb,
                                                          network=self.network)
            old.close()
            return self._zygote.fork_worker()

    def _take(self, waiter_factory):
        """An idle worker, _START (the caller starts one), or a waiter to wait on."""
        with self._lock:
            if self._closed:
                raise WorkerFailure("crash", "the query workers were shut down")
            if self.refusing:
                raise WorkerFailure("server-memory", self.refusing)
            if self._idle:
                return self._idle.pop()
            if self._count < self.processes:
                self._count += 1
                return _START
            if len(self._waiters) >= self.max_queued:
                raise WorkerFailure("busy", f"{self._count} queries are running and {len(self._waiters)} waiting",
                                    limit=self.max_queued)
            waiter = waiter_factory()
            self._waiters.append(waiter)
            return waiter

    def _hand_back(self, item) -> None:
        """Give a worker (or the right to start one) to the first waiter, or keep it."""
        with self._lock:
            while self._waiters:
                if self._waiters.popleft().give(item):
                    return
            if item is _START:
                self._count -= 1
            elif self._closed:
                item.kill("closed")
                item.close()
                self._count -= 1
            else:
                self._idle.append(item)

    def _release(self, worker: _Worker) -> None:
        if worker.demoted:  # an unprivileged process cannot raise a priority again: replace it
            worker.kill("demoted")
            threading.Thread(target=self._discard, args=(worker,), daemon=True).start()
            return
        with self._lock:
            self._busy.discard(worker)
        worker.busy_since = None
        self._hand_back(worker)

    def _discard(self, worker: _Worker) -> int | None:
        """Forget a dead (or killed) worker; its place goes to the next waiter. Its exit status."""
        with self._lock:
            self._busy.discard(worker)
        status = self._zygote.reap(worker.pid)
        worker.close()
        self._hand_back(_START)
        return status

    def _started(self, item) -> _Worker:
        if item is _START:
            try:
                item = self._new_worker()
            except BaseException:
                self._hand_back(_START)
                raise
        with self._lock:
            self._busy.add(item)
        item.busy_since = time.monotonic()
        return item

    def _acquire(self, deadline: float | None) -> _Worker:
        item = self._take(_SyncWaiter)
        if isinstance(item, _SyncWaiter):
            wait = None if deadline is None else max(deadline - time.monotonic(), 0)
            got = item.wait(wait)
            if got is None:
                raise WorkerFailure("busy", "no query worker became free within the time limit")
            item = got
        return self._started(item)

    async def _acquire_async(self, deadline: float | None) -> _Worker:
        import asyncio

        item = self._take(lambda: _AsyncWaiter(self))
        if isinstance(item, _AsyncWaiter):
            waiter = item
            try:
                wait = None if deadline is None else max(deadline - time.monotonic(), 0)
                item = await asyncio.wait_for(asyncio.shield(waiter.future), wait)
            except (asyncio.TimeoutError, asyncio.CancelledError) as exc:
                if not waiter.abandon():  # given meanwhile: take it and pass it on
                    item = await waiter.future
                    self._hand_back(item)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                raise WorkerFailure("busy", "no query worker became free within the time limit") from None
        if item is _START:
            return await asyncio.to_thread(self._started, item)
        return self._started(item)

    # -- failures ----------------------------------------------------------------------------------
    def _failure(self, worker: _Worker, timeout: float | None) -> WorkerFailure:
        """Why a worker stopped without finishing its answer (it is discarded)."""
        why = worker.stopped_for
        tail = worker.stderr_tail()
        status = self._discard(worker)
        if why == "timeout":
            return WorkerFailure("timeout", limit=timeout)
        if why == "server-memory":
            return WorkerFailure("server-memory", self.refusing or "")
        if "memory allocation" in tail or "MemoryError" in tail or "Cannot allocate memory" in tail:
            return WorkerFailure("memory", limit=self.memory_mb)
        how = ""
        if status is not None and os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                how = f"signal {number} ({signal.Signals(number).name})"
            except ValueError:  # pragma: no cover
                how = f"signal {number}"
            if number == signal.SIGABRT and self.memory_mb:  # Rust aborts when an allocation fails
                return WorkerFailure("memory", how, limit=self.memory_mb)
        elif status is not None:
            how = f"exit code {os.WEXITSTATUS(status)}"
        last = tail.strip().splitlines()[-1][:300] if tail.strip() else ""
        return WorkerFailure("crash", "; ".join(x for x in (how, last) if x))

    @staticmethod
    def _error(payload: bytes, max_rows) -> WorkerFailure:
        report = json.loads(payload.decode("utf-8", "replace"))
        if report["type"] == "TooManyRows":
            return WorkerFailure("rows", limit=max_rows)
        if report["type"] == "MemoryError":
            return WorkerFailure("memory", report["message"], error_type="MemoryError")
        return WorkerFailure("engine", report["message"], error_type=report["type"])

    # -- running queries ---------------------------------------------------------------------------
    def run(self, request: dict, *, timeout: float | None) -> Answer:
        """Evaluate ``request`` (see :func:`request`) in a worker; the whole answer, or
        :class:`WorkerFailure`. Blocking; safe from any thread."""
        deadline = None if timeout is None else time.monotonic() + timeout
        worker = self._acquire(deadline)
        reader = _FrameReader()
        form, data, done = None, [], False
        try:
            sock = worker.sock
            sock.setblocking(True)
            payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
            sock.sendall(len(payload).to_bytes(4, "big") + payload)
            while not done:
                if deadline is not None:
                    wait = deadline - time.monotonic()
                    if wait <= 0:
                        worker.kill("timeout")
                        break
                    sock.settimeout(wait)
                try:
                    chunk = sock.recv(_CHUNK)
                except TimeoutError:
                    worker.kill("timeout")
                    break
                if not chunk:
                    break
                reader.feed(chunk)
                for kind, payload in reader.frames():
                    if kind == b"H":
                        form = json.loads(payload)["form"]
                    elif kind == b"D":
                        data.append(payload)
                    elif kind == b"E":
                        rows = json.loads(payload)["rows"]
                        done = True
                    elif kind == b"X":
                        self._release(worker)
                        worker = None
                        raise self._error(payload, request.get("max_rows"))
        except BaseException:
            if worker is not None:  # interrupted (Ctrl-C) mid-query: the worker must not go on
                worker.kill("interrupted")
                self._discard(worker)
            raise
        if not done:
            raise self._failure(worker, timeout)
        self._release(worker)
        return Answer(form, b"".join(data), rows)

    async def run_async(self, request: dict, *, timeout: float | None, spool: bool = True) -> AsyncAnswer:
        """Evaluate ``request`` in a worker without blocking the event loop.

        With ``spool`` the whole answer is read first (into memory up to 1 MiB, then a temporary
        file) and the worker freed at once, so a slow reader holds no worker; a failure is
        raised here. Without, the answer is returned as soon as its header arrives and streams
        from the worker (which stays busy until the last byte is read); a failure after that is
        raised from the stream.
        """
        import asyncio

        deadline = None if timeout is None else time.monotonic() + timeout
        worker = await self._acquire_async(deadline)
        loop = asyncio.get_running_loop()
        stream = _AsyncStream(self, worker, deadline, timeout, request.get("max_rows"))
        try:
            worker.sock.setblocking(False)
            payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
            await loop.sock_sendall(worker.sock, len(payload).to_bytes(4, "big") + payload)
            form = await stream.header()
            if not spool:
                return AsyncAnswer(form, None, Chunks(stream.data(), stream.abort))
            spooled = _Spool()
            try:
                async for chunk in stream.data():
                    spooled.write(chunk)
            except BaseException:
                spooled.close()
                raise
            return AsyncAnswer(form, stream.rows, Chunks(spooled.chunks(), spooled.close), size=spooled.size)
        except BaseException:
            stream.abort()
            raise

    # -- watching memory (the server's total cap) ------------------------------------------------
    def pss_bytes(self) -> tuple[int, list[tuple[int, _Worker]]]:
        """(proportional set size of this process, the zygote and every worker together,
        [(PSS, worker) of the busy workers])."""
        with self._lock:
            workers = list(self._idle) + list(self._busy)
            busy = set(self._busy)
        total = _pss(os.getpid()) + _pss(self._zygote.pid)
        running = []
        for w in workers:
            size = _pss(w.pid)
            total += size
            if w in busy:
                running.append((size, w))
        return total, running

    def enforce_total_memory(self, limit_mb: int) -> None:
        """If this process, the zygote and the workers together use more than ``limit_mb``, stop
        the largest running query (its caller gets ``server-memory``) and refuse new queries
        until the total is back under the cap."""
        total, running = self.pss_bytes()
        if total > limit_mb * (1 << 20):
            self.refusing = (f"the server's memory limit of {limit_mb:,} MB is reached "
                             f"({total / (1 << 20):,.0f} MB in use)")
            if running:
                _size, largest = max(running, key=lambda item: item[0])
                largest.kill("server-memory")
        else:
            self.refusing = None

    # -- shutting down ---------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
            busy = list(self._busy)
            waiters, self._waiters = list(self._waiters), collections.deque()
        for w in idle + busy:
            w.kill("closed")
        for w in idle:
            w.close()
        self._zygote.close()
        for waiter in waiters:
            waiter.give(_START)  # they find the pool closed when they try to start a worker

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _pss(pid: int) -> int:
    """Proportional set size of a process in bytes (shared pages split among their users), or
    its resident size where /proc/PID/smaps_rollup is missing; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Chunks:
    """The bytes of an answer as an async iterator; :meth:`aclose` lets go of what holds them
    (a worker, a temporary file) whether or not they were read."""

    def __init__(self, iterator: AsyncIterator[bytes], release) -> None:
        self._iterator = iterator
        self._release = release

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._iterator

    async def aclose(self) -> None:
        try:
            await self._iterator.aclose()
        finally:
            self._release()


@dataclass
class AsyncAnswer:
    """An answer being delivered (asyncio API): the query form, the rows (when known) and the
    result bytes (:class:`Chunks`); ``size`` in bytes when the answer was spooled."""

    form: str
    rows: int | None
    chunks: Chunks
    size: int | None = None


class _AsyncStream:
    """Frames of one answer read from a worker in the event loop. The time limit is one timer
    that kills the worker (its socket then ends); a query still running after
    :data:`DEMOTE_AFTER` seconds gets a lower CPU priority, so that quick queries pass it."""

    def __init__(self, pool: Pool, worker: _Worker, deadline, timeout, max_rows) -> None:
        import asyncio

        self._pool, self._worker = pool, worker
        self._timeout, self._max_rows = timeout, max_rows
        self._reader = _FrameReader()
        self._pending: collections.deque = collections.deque()
        self.rows = None
        self._finished = False
        loop = asyncio.get_running_loop()
        self._timers = [loop.call_later(DEMOTE_AFTER, self._demote)]
        if deadline is not None:
            self._timers.append(loop.call_later(max(deadline - time.monotonic(), 0), self._expire))

    def _expire(self) -> None:
        if self._worker is not None and not self._finished:
            self._worker.kill("timeout")

    def _demote(self) -> None:
        worker = self._worker
        if worker is not None and not self._finished:
            try:
                os.setpriority(os.PRIO_PROCESS, worker.pid, 10)
                worker.demoted = True  # it cannot be given its priority back: replaced when done
            except (OSError, AttributeError):  # pragma: no cover - not permitted, or not POSIX
                pass

    def _stop_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers = []

    async def _next(self) -> tuple[bytes, bytes]:
        import asyncio

        loop = asyncio.get_running_loop()
        while not self._pending:
            try:
                chunk = await loop.sock_recv(self._worker.sock, _CHUNK)
            except OSError:
                chunk = b""
            if not chunk:  # the worker is gone: killed at the time limit, or it died
                worker, self._worker = self._worker, None
                self._finished = True
                self._stop_timers()
                raise await asyncio.to_thread(self._pool._failure, worker, self._timeout)
            self._reader.feed(chunk)
            self._pending.extend(self._reader.frames())
        return self._pending.popleft()

    async def header(self) -> str:
        kind, payload = await self._next()
        if kind == b"X":
            self._done()
            raise self._pool._error(payload, self._max_rows)
        return json.loads(payload)["form"]

    async def data(self) -> AsyncIterator[bytes]:
        try:
            while True:
                kind, payload = await self._next()
                if kind == b"D":
                    yield payload
                elif kind == b"E":
                    self.rows = json.loads(payload)["rows"]
                    self._done()
                    return
                elif kind == b"X":
                    self._done()
                    raise self._pool._error(payload, self._max_rows)
        finally:
            self.abort()

    def _done(self) -> None:
        self._stop_timers()
        worker, self._worker = self._worker, None
        self._finished = True
        if worker is not None:
            self._pool._release(worker)

    def abort(self) -> None:
        """The caller stopped reading before the end: the worker must not go on."""
        self._stop_timers()
        worker, self._worker = self._worker, None
        if worker is not None and not self._finished:
            self._finished = True
            worker.kill("abandoned")
            threading.Thread(target=self._pool._discard, args=(worker,), daemon=True).start()


class _Spool:
    """Bytes kept in memory up to ``memory`` bytes, then in an anonymous temporary file."""

    def __init__(self, memory: int = 1 << 20) -> None:
        self._memory = memory
        self._parts: list[bytes] = []
        self._file = None
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self._file is None and self.size <= self._memory:
            self._parts.append(data)
            return
        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile(prefix="gulag-kg-result-")
            for part in self._parts:
                self._file.write(part)
            self._parts = []
        self._file.write(data)

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            for part in self._parts:
                yield part
            if self._file is not None:
                self._file.seek(0)
                while True:
                    block = self._file.read(_CHUNK)
                    if not block:
                        break
                    yield block
        finally:
            self.close()

    def close(self) -> None:
        self._parts = []
        if self._file is not None:
            self._file.close()
            self._file = None


# --- requests and the pools of the library ------------------------------------------------------


def request(query: str, *, fmt, union: bool = True, default_graph=None, named_graphs=None,
            substitutions=None, max_rows: int | None = None, base_iri: str | None = None) -> dict:
    """A request for :meth:`Pool.run`: ``fmt`` is a format name of :data:`RESULT_FORMATS` or
    :data:`GRAPH_FORMATS`, or a dict {query form: format name} (``select``, ``ask``,
    ``graph``); ``default_graph`` and ``named_graphs`` (IRIs) give the dataset (else the
    default graph is the union of all graphs when ``union``); relative IRIs of the query are
    resolved against ``base_iri`` (None: they are an error)."""
    return {"query": query, "format": fmt, "union": union, "default_graph": default_graph,
            "named_graphs": named_graphs, "substitutions": substitutions, "max_rows": max_rows,
            "base_iri": base_iri}


_POOLS: dict[tuple, tuple[weakref.ref, Pool, object]] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(store, *, network: bool = False, memory_mb: int | None = DEFAULT_MEMORY_MB,
             create=None) -> Pool:
    """The workers of ``store`` (made on first use and shut down with the store or at exit).

    A pool is remade when the store has changed since it was made (``store.generation``): its
    workers hold the data as it was. ``create`` makes the pool (default: :class:`Pool` with
    these settings); the server passes its own.
    """
    key = (id(store), network, memory_mb)
    generation = getattr(store, "generation", None)
    with _POOLS_LOCK:
        entry = _POOLS.get(key)
        if entry is not None:
            ref, pool, made_at = entry
            if ref() is store and made_at == generation and not pool._closed:
                return pool
            del _POOLS[key]
            pool.close()
        pool = create() if create is not None else Pool(store, network=network, memory_mb=memory_mb)
        try:
            ref = weakref.ref(store, lambda _ref, key=key: _forget(key))
        except TypeError:  # pragma: no cover - not weak-referenceable
            ref = lambda: store  # noqa: E731
        _POOLS[key] = (ref, pool, generation)
        return pool


def register_pool(store, pool: Pool) -> None:
    """Make ``pool`` the one :func:`pool_for` returns for ``store`` with its settings."""
    pool_for(store, network=pool.network, memory_mb=pool.memory_mb, create=lambda: pool)


def _forget(key) -> None:
    with _POOLS_LOCK:
        entry = _POOLS.pop(key, None)
    if entry is not None:
        entry[1].close()


@atexit.register
def close_all() -> None:
    """Shut down every pool (at exit; tests call it too)."""
    with _POOLS_LOCK:
        entries = list(_POOLS.values())
        _POOLS.clear()
    for _ref, pool, _gen in entries:
        pool.close()


__all__ = ["Answer", "AsyncAnswer", "Chunks", "DEFAULT_MEMORY_MB", "GRAPH_FORMATS", "Pool", "RESULT_FORMATS",
           "WorkerFailure", "close_all", "fork_available", "pool_for", "register_pool", "request"]
