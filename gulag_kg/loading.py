"""Loading the shipped graph, and user files beside it, into a :class:`Store`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .derive import add_derived_graph
from .errors import InputError
from .store import ARTICLE_GRAPH, ONTOLOGY_GRAPH, USER_GRAPH, WIKIDATA_GRAPH, Store


def graph_for_shipped_file(path: Path) -> ox.NamedNode:
    """The named graph a file of ``graph/`` goes into: Wikidata links apart, the rest together."""
    return WIKIDATA_GRAPH if path.stem == "wikidata" else ARTICLE_GRAPH


def load_store(
    data_files: Iterable[Path | str] = (),
    *,
    shipped: bool = True,
    store: Store | None = None,
) -> Store:
    """A store holding the ontology, the shipped graph (unless ``shipped=False``), the given
    files, and the derived graph computed from all of them.

    Triples of user files go into the named graph ``graph/user``; quads keep their graphs.
    """
    store = store if store is not None else Store()
    for path in paths.ontology_files():
        store.load_file(path, graph=ONTOLOGY_GRAPH)
    if shipped:
        for path in paths.graph_files():
            store.load_file(path, graph=graph_for_shipped_file(path))
    for path in data_files:
        store.load_file(Path(path), graph=USER_GRAPH)
    add_derived_graph(store)
    return store


def check_data_files(files: Iterable[Path | str]) -> list[Path]:
    """Paths of files that exist, or :class:`InputError` for the first one that does not."""
    out = []
    for f in files:
        p = Path(f)
        if not p.is_file():
            raise InputError(str(p), "no such file" if not p.exists() else "not a regular file")
        out.append(p)
    return out
