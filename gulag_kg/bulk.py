"""Bulk loading of large files into a persistent store (on disk or a SPARQL server).

Each file is streamed (gzip too) with progress. Triples of a file go to the named graph the
caller gives, or to one graph per file (``graph/file/<name>``), so that a load interrupted in the
middle of a file is rolled back by dropping that graph: the store then holds exactly the files
reported as loaded. Quads keep their own graphs; a quad file interrupted midway cannot be rolled
back this way, and the report says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .derive import add_derived_graph
from .prefixes import GRAPH_NS
from .parsing import rdf_format_for
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

    On KeyboardInterrupt the file being loaded is rolled back where possible (its triples'
    graph is dropped) and the report says what was loaded; the interrupt is not re-raised.
    """
    ensure_ontology(store)
    done: list[LoadedFile] = []
    for path in files:
        path = Path(path)
        target = graph or file_graph(path)
        is_quads = rdf_format_for(path) in _QUAD_FORMATS
        try:
            done.append(store.bulk_load(path, graph=target,
                                        progress=(lambda n, p=path: progress(p, n)) if progress else None))
        except KeyboardInterrupt:
            rolled_back = None
            if not is_quads and graph is None:
                store.remove_graph(target)
                rolled_back = target.value
            return LoadReport(tuple(done), interrupted=str(path), rolled_back_graph=rolled_back)
    derived = add_derived_graph(store)
    return LoadReport(tuple(done), derived_quads=derived)
