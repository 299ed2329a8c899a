"""Bulk loading of large files into a persistent store (on disk or a SPARQL server).

Each file is streamed (gzip too) with progress, through the guards every input passes
(:mod:`gulag_kg.parsing`; JSON-LD and RDF/XML are checked whole first). Triples of a file go to
the named graph the caller gives, or to one graph per file (``graph/file/<name>``).

A load into an on-disk store is all or nothing (:func:`gulag_kg.crashsafe.all_or_nothing`): if
it is interrupted (Ctrl-C, SIGTERM), a file is refused, or the process is killed, the store is
put back as it was before the load, derived graph included -- at once, or when it is next
opened. On a SPARQL server (or in memory) an interrupted or refused file is rolled back by
dropping its graph when that graph is the file's alone, so the store holds exactly the files
reported as loaded; quads keep their own graphs, and a graph given by the caller or already
there holds other data too: a file stopped midway in those cases cannot be rolled back this
way, and the report says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .crashsafe import Checkpoint, all_or_nothing, pause_point
from .derive import add_derived_graph
from .prefixes import GRAPH_NS
from .errors import InputError
from .parsing import STREAMED_FORMATS, rdf_format_for
from .store import ARTICLE_GRAPH, ONTOLOGY_GRAPH, WIKIDATA_GRAPH, LoadedFile, Store

_QUAD_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}
#: What an interrupted load was doing when it was not reading a file.
DERIVING = "the derived graph"


def file_graph(path: Path) -> ox.NamedNode:
    """The named graph of a triple file loaded without ``--graph``: ``graph/file/<name>``."""
    name = path.name
    for suffix in (".gz", ".nt", ".ttl", ".turtle", ".jsonld", ".json", ".rdf", ".owl"):
        name = name.removesuffix(suffix)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "data"
    return ox.NamedNode(f"{GRAPH_NS}file/{slug}")


@dataclass(frozen=True)
class LoadReport:
    """What a bulk load did: files completely loaded, and what it was doing when interrupted,
    if it was (a file, or :data:`DERIVING`): then either the whole load was undone, or (on a
    server) that file's graph was dropped where it could be."""

    loaded: tuple[LoadedFile, ...]
    interrupted: str | None = None
    rolled_back_graph: str | None = None
    derived_quads: int = 0
    #: "now" or "at the next opening" if the whole load was undone (an on-disk store).
    undone: str | None = None

    @property
    def quads(self) -> int:
        return sum(f.quads for f in self.loaded)


def load_shipped(store: Store) -> list[LoadedFile]:
    """(Re)load the ontology and the shipped graph into ``store``, replacing earlier copies."""
    from .loading import graph_for_shipped_file

    for graph in (ONTOLOGY_GRAPH, ARTICLE_GRAPH, WIKIDATA_GRAPH):
        store.remove_graph(graph)
    loaded = [store.load_file(p, graph=ONTOLOGY_GRAPH) for p in paths.ontology_files()]
    loaded += [store.load_file(p, graph=graph_for_shipped_file(p)) for p in paths.graph_files()]
    return loaded


def ensure_ontology(store: Store) -> None:
    """Load the ontology into a store that does not have it yet (needed by every command)."""
    if ONTOLOGY_GRAPH not in store.named_graphs():
        for p in paths.ontology_files():
            store.load_package_file(p, graph=ONTOLOGY_GRAPH)


def load_files(store: Store, files: Iterable[Path], *, graph: ox.NamedNode | None = None,
               progress: Callable[[Path, int], None] | None = None) -> LoadReport:
    """Stream ``files`` into ``store``, then recompute the derived graph, all or nothing on an
    on-disk store (see the module docstring).

    Every file goes through the guards of :mod:`gulag_kg.parsing` (the same as ``--data`` and
    ``validate``). A file they refuse raises :class:`InputError`: on disk the whole load is
    undone; elsewhere what had been streamed of it is rolled back where possible (its triples'
    graph is dropped) and the files before it stay, with the derived graph recomputed for them.
    On KeyboardInterrupt (or SIGTERM) the load is undone the same way and the report says what
    the store holds; the interrupt is not re-raised.
    """
    done: list[LoadedFile] = []
    with all_or_nothing(store) as checkpoint:
        doing = "the ontology"
        try:
            ensure_ontology(store)
            for path in map(Path, files):
                doing = str(path)
                target = graph or file_graph(path)
                # Without a checkpoint, dropping the file's graph undoes it only if the graph is the file's alone.
                own_graph = (checkpoint is None and graph is None and rdf_format_for(path) not in _QUAD_FORMATS
                             and not store.contains_graph(target))
                try:
                    done.append(store.bulk_load(path, graph=target,
                                                progress=(lambda n, p=path: progress(p, n)) if progress else None))
                except KeyboardInterrupt:
                    if checkpoint is None:
                        if own_graph:
                            store.remove_graph(target)
                        return LoadReport(tuple(done), interrupted=doing,
                                          rolled_back_graph=target.value if own_graph else None)
                    raise
                except InputError as exc:
                    if checkpoint is not None:
                        raise  # the checkpoint undoes the whole load
                    _refused(store, exc, path, own_graph, target, done)
                pause_point("file-loaded")
            doing = DERIVING
            pause_point("deriving")
            return LoadReport(tuple(done), derived_quads=add_derived_graph(store))
        except KeyboardInterrupt:
            pass  # undone below, once the frames of the interrupted work (which hold the store) are gone
        return _interrupted(checkpoint, doing, done)


def _refused(store: Store, exc: InputError, path: Path, own_graph: bool, target: ox.NamedNode,
             done: list[LoadedFile]) -> None:
    """A file refused midway on a store without a checkpoint: roll it back where possible, keep
    the files before it (with their derived graph), and raise the error saying what is left."""
    if own_graph:
        store.remove_graph(target)
    partial = not own_graph and rdf_format_for(path) in STREAMED_FORMATS
    if done or partial:
        add_derived_graph(store)
    note = "; what was read of it before the error may be in the store" if partial else ""
    if done:
        note += f"; the store holds the {len(done)} file(s) given before it"
    raise InputError(exc.path, exc.reason + note, line=exc.line) from None


def load_shipped_and_derive(store: Store) -> LoadReport:
    """:func:`load_shipped`, then the derived graph, all or nothing on an on-disk store."""
    with all_or_nothing(store) as checkpoint:
        try:
            loaded = load_shipped(store)
            pause_point("deriving")
            return LoadReport(tuple(loaded), derived_quads=add_derived_graph(store))
        except KeyboardInterrupt:
            pass
        return _interrupted(checkpoint, "the shipped graph", [])


def _interrupted(checkpoint: Checkpoint | None, doing: str, done: list[LoadedFile]) -> LoadReport:
    """The report of an interrupted load: undone if the store has a checkpoint."""
    if checkpoint is None:
        return LoadReport(tuple(done), interrupted=doing)
    return LoadReport((), interrupted=doing, undone="now" if checkpoint.undo() else "at the next opening")
