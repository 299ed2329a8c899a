"""Nothing half-done: loads into an on-disk store are all or nothing, even under ``kill -9``,
and no file of ours is left behind by a process that was stopped.

**Loads.** :func:`all_or_nothing` first checkpoints the store into a directory of its own inside
it (``DIR/gulag-kg-checkpoint``: RocksDB hard-links the immutable files, so it takes milliseconds
and, while the load runs, no disk space beyond the files the load makes obsolete). When the load
and the derived graph are complete, the checkpoint is renamed ``gulag-kg-checkpoint.old`` (the
commit) and deleted. A checkpoint found when the store is next opened (:func:`recover`, called
by :class:`~gulag_kg.store.Store` before Oxigraph opens it) means a load was stopped: the store's
files are replaced by the checkpoint's, so the store holds what it held before that load -- its
data and the derived graph that matched it -- and every file the load wrote is gone, its disk
space with it. The restore links the checkpoint's files into place and deletes the others, which
can be redone from the start if it is itself stopped. An interrupt in the process (Ctrl-C,
SIGTERM) restores at once (:meth:`Checkpoint.undo`).

**Leftovers.** Oxigraph's bulk loader writes ``bulk-*.sst`` files into the store's directory
and moves them into the database when they are complete; a killed process leaves them there.
When a store is opened for writing (RocksDB's lock then guarantees no other process is loading),
:func:`remove_orphans` deletes them. :func:`remove_stale_temporaries` does the same for the
temporary files of :func:`gulag_kg.export.write_atomically`: only files of our own naming, in
the target's directory, that no live process holds (each writer keeps an ``flock`` on its file).
Everything removed is said on stderr.

**SIGTERM** becomes :class:`Terminated` (an interrupt) inside :func:`sigterm_interrupts`, so the
clean-up above runs; ``kill -9`` cannot be caught, and the next command cleans up instead.

``GULAG_KG_TEST_PAUSE=PHASE`` makes the process announce ``paused at PHASE`` on stderr and wait
there, so that tests can kill it at a known moment (:func:`pause_point`).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no locks, so nothing is restored or removed (SECURITY.md)
    fcntl = None

#: The store as it was before the load in progress (a complete RocksDB checkpoint).
CHECKPOINT = "gulag-kg-checkpoint"
_NEW = CHECKPOINT + ".new"  # being made: incomplete, never restored from
_OLD = CHECKPOINT + ".old"  # committed or restored: only to be deleted
_RESTORING = ".gulag-kg-restoring"  # suffix of a checkpoint file being linked into place
_BULK_FILE = re.compile(r"bulk-[0-9]+\.sst")
#: The files RocksDB and Oxigraph keep in a store's directory: the only ones a restore deletes.
_STORE_FILE = re.compile(r"[0-9]+\.(?:sst|log|blob|dbtmp)|MANIFEST-[0-9]+|OPTIONS-[0-9]+(?:\.dbtmp)?|CURRENT|IDENTITY"
                         r"|LOG(?:\.old\.[0-9]+)?|bulk-[0-9]+\.sst|.+" + re.escape(_RESTORING))


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so that ``finally`` and ``except`` clauses run."""


def say(message: str) -> None:
    """Tell the user what was cleaned up (stderr: the output may be data)."""
    print(message, file=sys.stderr, flush=True)


def pause_point(phase: str) -> None:
    """For tests: stop here, announced on stderr, when ``GULAG_KG_TEST_PAUSE`` names ``phase``."""
    if os.environ.get("GULAG_KG_TEST_PAUSE") == phase:
        say(f"paused at {phase}")
        while True:  # short sleeps: a signal taken by another thread does not wake this one
            time.sleep(0.02)


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (main thread only; elsewhere, and
    outside the block, the handler in place is kept)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise Terminated("stopped by SIGTERM")

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _size(paths: list[Path]) -> str:
    total = 0
    for p in paths:
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return f"{total / 1e6:,.1f} MB"


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# --- loads: checkpoint, commit, restore ---------------------------------------------------------


def recover(path: Path, *, announce: bool = True) -> None:
    """Before the store at ``path`` is opened: finish a committed load's clean-up, or undo a
    load that was stopped (see the module docstring), saying so unless ``announce`` is false.
    Does nothing while another process holds the store (its load is still running)."""
    from .store import open_in_this_process

    checkpoint = path / CHECKPOINT
    if not any((path / name).is_dir() for name in (CHECKPOINT, _NEW, _OLD)) or open_in_this_process(path):
        return
    lock = _lock_store(path)
    if lock is None:
        return
    try:
        for leftover in (_NEW, _OLD):  # an unfinished checkpoint, or one no longer needed
            _remove_tree(path / leftover)
        if not checkpoint.is_dir():
            return
        count, size = _restore(path, checkpoint)
    finally:
        os.close(lock)
    if announce:
        say(f"{path}: a load was stopped before it completed; the store is back as it was before that load "
            f"(removed the {count} file(s), {size}, it had written)")


def _lock_store(path: Path) -> int | None:
    """RocksDB's own lock on the store (``LOCK``, an fcntl lock), or None if a process holds it.
    Never called in a process that has the store open: closing this descriptor would release
    that process's lock too."""
    if fcntl is None:
        return None
    fd = os.open(path / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _restore(path: Path, checkpoint: Path) -> tuple[int, str]:
    """Make the store's files those of ``checkpoint``; returns how many files were removed, and their size.
    Every step can be redone: the checkpoint is only deleted (renamed first) once complete."""
    keep = {entry.name for entry in checkpoint.iterdir()}
    gone = [entry for entry in path.iterdir()
            if entry.is_file() and entry.name not in keep and _STORE_FILE.fullmatch(entry.name)]
    total = _size(gone)
    for entry in gone:
        entry.unlink(missing_ok=True)
    for name in sorted(keep):
        staged = path / (name + _RESTORING)
        staged.unlink(missing_ok=True)
        if (path / name).exists() and os.path.samefile(checkpoint / name, path / name):
            continue  # the same file (a hard link): rename() would do nothing
        os.link(checkpoint / name, staged)
        os.replace(staged, path / name)
    os.rename(checkpoint, path / _OLD)
    _remove_tree(path / _OLD)
    return len(gone), total


def remove_orphans(path: Path) -> None:
    """After the store at ``path`` was opened for writing: delete the bulk loader's files left
    by a process that was killed (no other process can be loading: RocksDB's lock is ours)."""
    orphans = sorted(p for p in path.glob("bulk-*.sst") if _BULK_FILE.fullmatch(p.name))
    if not orphans:
        return
    size = _size(orphans)
    for p in orphans:
        p.unlink(missing_ok=True)
    say(f"{path}: removed {len(orphans)} file(s) of {size} left by a load that was killed: "
        + ", ".join(p.name for p in orphans))


class Checkpoint:
    """The store as it was before a load (see :func:`all_or_nothing`)."""

    def __init__(self, store) -> None:
        self.store = store
        self.path: Path = store.path
        #: True once :meth:`undo` was called: the load is never committed then.
        self.abandoned = False

    def make(self) -> None:
        new = self.path / _NEW
        _remove_tree(new)
        self.store.oxigraph.backup(str(new))
        os.rename(new, self.path / CHECKPOINT)

    def commit(self) -> None:
        self.store.oxigraph.flush()
        _remove_tree(self.path / _OLD)
        os.rename(self.path / CHECKPOINT, self.path / _OLD)
        pause_point("committed")
        _remove_tree(self.path / _OLD)

    def undo(self) -> bool:
        """Put the store back as it was now, and reopen it. False if Oxigraph could not be
        made to let go of it here: then the next command that opens the store does it."""
        from .store import close_on_disk, reopen_on_disk

        self.abandoned = True
        if not close_on_disk(self.store):
            return False
        recover(self.path, announce=False)
        reopen_on_disk(self.store)
        return True


@contextmanager
def all_or_nothing(store) -> Iterator[Checkpoint | None]:
    """Run a load on ``store`` so that it either completes or leaves the store as it was, even
    if the process is killed. On an exception (SIGTERM included, see :func:`sigterm_interrupts`)
    the store is put back before it propagates. A store that is not on disk gets no checkpoint
    (None): the caller rolls back as it can."""
    if getattr(store, "path", None) is None:  # in memory, or a SPARQL server
        with sigterm_interrupts():
            yield None
        return
    checkpoint = Checkpoint(store)
    with sigterm_interrupts():
        checkpoint.make()
        pause_point("checkpointed")
        try:
            yield checkpoint
        except BaseException as exc:
            if not checkpoint.abandoned:
                traceback.clear_frames(exc.__traceback__)  # their variables may hold the store
                checkpoint.undo()
            raise
        if not checkpoint.abandoned:
            checkpoint.commit()


# --- temporary files of write_atomically -------------------------------------------------------


def _temporary_name_pattern(target: Path) -> re.Pattern:
    """The names :func:`tempfile.mkstemp` gives the temporary files of ``target``
    (``.NAME.XXXXXXXX.tmp``)."""
    return re.compile(re.escape(f".{target.name}.") + r"[A-Za-z0-9_]{8}\.tmp")


def hold(fd: int) -> None:
    """Mark a temporary file as in use for as long as ``fd`` (or a duplicate) is open."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a file system without locks: the file is written all the same
            pass


def remove_stale_temporaries(target: Path) -> None:
    """Delete the temporary files of ``target`` that a killed writer left (no process holds them)."""
    if fcntl is None:
        return
    pattern = _temporary_name_pattern(target)
    directory = target.parent if str(target.parent) else Path(".")
    removed = []
    for entry in directory.iterdir():
        if not pattern.fullmatch(entry.name) or not entry.is_file():
            continue
        try:
            fd = os.open(entry, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # a writer is still at it
            continue
        size = _size([entry])
        entry.unlink(missing_ok=True)
        os.close(fd)
        removed.append(f"{entry.name} ({size})")
    if removed:
        say(f"removed {len(removed)} temporary file(s) left in {directory} by a write to {target.name} "
            f"that was killed: {', '.join(removed)}")
