"""An on-disk store opened read-only, for serving it.

Any number of processes can open a store read-only, beside one that writes (``gulag-kg --store
DIR load``): a server sees the store as it was when it opened it, and a later load shows when the
server restarts. A write through a read-only store fails.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..store import ONTOLOGY_GRAPH, Store, StoreError


class ReadOnlyStore(Store):
    """A :class:`~gulag_kg.store.Store` over ``pyoxigraph.Store.read_only(path)``."""

    def __init__(self, path: Path | str) -> None:  # noqa: D107 - no Store.__init__: it opens for writing
        from ..crashsafe import recover

        self.path = Path(path)
        recover(self.path)  # a load that was killed is undone first, as for any other opening
        try:
            self._read_only = ox.Store.read_only(str(self.path))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store read-only: {exc}") from None
        self.generation = 0
        self._handle, self._memory = None, self._read_only  # what other Store versions read

    @property
    def _ox(self) -> ox.Store:
        return self._read_only

    @property
    def description(self) -> str:
        return f"on-disk store {self.path} (read-only)"


def open_read_only(path: Path | str) -> ReadOnlyStore:
    """The store at ``path``, read-only; an error if there is none or it is empty."""
    if not Path(path).is_dir():
        raise StoreError(f"{path}: no store there yet; create and fill it with 'gulag-kg --store {path} load'")
    store = ReadOnlyStore(path)
    if ONTOLOGY_GRAPH not in store.named_graphs():
        raise StoreError(f"{store.description} does not hold the gulag-kg ontology; fill it first with "
                         f"'gulag-kg --store {path} load'")
    return store
