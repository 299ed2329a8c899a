"""Bulk loading of large files into a persistent store (on disk or a SPARQL server).

Each file is streamed (gzip too) with progress, through the guards every input passes
(:mod:`gulag_kg.parsing`; JSON-LD and RDF/XML are checked whole first). Triples of a file go to
the named graph the caller gives, or to one graph per file (``graph/file/<name>``), so that a
load interrupted or refused in the middle of a file is rolled back by dropping that graph when
it is the file's alone: the store then holds exactly the files reported as loaded. Quads keep
their own graphs, and a graph given by the caller or already there holds other data too; a file
interrupted midway in those cases cannot be rolled back this way, and the report says so."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .derive import add_derived_graph
from .prefixes import GRAPH_NS
from .errors import InputError
from .parsing import STREAMED_FORMATS, rdf_format_for
from .store import ARTICLE_GRAPH, ONTOLOGY_GRAPH, WIKIDATA_GRAPH, LoadedFile, Store

_QUAD_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}


def file_graph(path: Path) -> ox.NamedNode:
    """The named graph of a triple file loaded without ``--graph``: ``graph/file/<name>``."""
    name = path.name
    for suffix in (".gz", ".nt", ".ttl", ".turtle", ".jsonld", ".json", ".rdf", ".owl"):
        name = name.removesuffix(suffix)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "data"
    return ox.NamedNode(f"{GRAPH_NS}file/{slug}")


@dataclass(frozen=True)
class LoadReport:
    """What a bulk load did: files completely loaded, and the one interrupted, if any."""

    loaded: tuple[LoadedFile, ...]
    interrupted: str | None = None
    rolled_back_graph: str | None = None
    derived_quads: int = 0

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
    """Stream ``files`` into ``store``, then recompute the derived graph.

    Every file goes through the guards of :mod:`gulag_kg.parsing` (the same as ``--data`` and
    ``validate``). A file they refuse raises :class:`InputError`: what had been streamed of it is
    rolled back where possible (its triples' graph is dropped), files before it stay, with the
    derived graph recomputed for them. On KeyboardInterrupt the file being loaded is rolled back
    the same way and the report says what was loaded; the interrupt is not re-raised.
    """
    ensure_ontology(store)
    done: list[LoadedFile] = []
    for path in files:
        path = Path(path)
        target = graph or file_graph(path)
        # Dropping the file's graph undoes it only if the graph is the file's alone.
        own_graph = graph is None and rdf_format_for(path) not in _QUAD_FORMATS and not store.contains_graph(target)
        try:
            done.append(store.bulk_load(path, graph=target,
                                        progress=(lambda n, p=path: progress(p, n)) if progress else None))
        except KeyboardInterrupt:
            if own_graph:
                store.remove_graph(target)
            return LoadReport(tuple(done), interrupted=str(path), rolled_back_graph=target.value if own_graph else None)
        except InputError as exc:
            if own_graph:
                store.remove_graph(target)
            partial = not own_graph and rdf_format_for(path) in STREAMED_FORMATS
            if done or partial:
                add_derived_graph(store)
            note = "; what was read of it before the error may be in the store" if partial else ""
            if done:
                note += f"; the store holds the {len(done)} file(s) given before it"
            raise InputError(exc.path, exc.reason + note, line=exc.line) from None
    derived = add_derived_graph(store)
    return LoadReport(tuple(done), derived_quads=derived)
