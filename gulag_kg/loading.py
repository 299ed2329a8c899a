"""Loading the shipped graph, and user files beside it, into a :class:`Store`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .derive import add_derived_graph
from .parsing import check_input_path
from .store import ARTICLE_GRAPH, ONTOLOGY_GRAPH, USER_GRAPH, WIKIDATA_GRAPH, Store, StoreError, open_store


def graph_for_shipped_file(path: Path) -> ox.NamedNode:
    """The named graph a file of ``graph/`` goes into: Wikidata links (curated and generated)
    apart, the rest together."""
    return WIKIDATA_GRAPH if path.stem in ("wikidata", "wikidata-links") else ARTICLE_GRAPH


def load_store(data_files: Iterable[Path | str] = (), *, shipped: bool = True) -> Store:
    """A new in-memory store holding the ontology, the shipped graph (unless
    ``shipped=False``), the given files, and the derived graph computed from all of them.

    Triples of user files go into the named graph ``graph/user``; quads keep their graphs.
    """
    store = Store()
    for path in paths.ontology_files():
        store.load_package_file(path, graph=ONTOLOGY_GRAPH)
    if shipped:
        for path in paths.graph_files():
            store.load_package_file(path, graph=graph_for_shipped_file(path))
    for path in data_files:
        store.load_file(Path(path), graph=USER_GRAPH)
    add_derived_graph(store)
    return store


def open_existing_store(*, path: Path | str | None = None, endpoint: str | None = None,
                        graph_store: str | None = None) -> Store:
    """An on-disk store or a SPARQL endpoint as it is; an error if it holds nothing yet."""
    if path is not None and not Path(path).exists():
        raise StoreError(f"{path}: no store there yet; create and fill it with 'gulag-kg --store {path} load' "
                         f"(the shipped graph) or 'gulag-kg --store {path} load FILES...'")
    store = open_store(path=path, endpoint=endpoint, graph_store=graph_store)
    if ONTOLOGY_GRAPH not in store.named_graphs():
        where = f"--store {path}" if path is not None else f"--endpoint {endpoint}"
        raise StoreError(f"{store.description} does not hold the gulag-kg ontology; fill it first with 'gulag-kg {where} load'")
    return store


def check_data_files(files: Iterable[Path | str]) -> list[Path]:
    """The paths, each a regular file of a known RDF format, or :class:`InputError` for the
    first that is not (before any file is read)."""
    return [check_input_path(f) for f in files]
