"""The Python API: one :class:`KnowledgeGraph` over a :class:`~gulag_kg.store.Store`.

>>> import gulag_kg
>>> kg = gulag_kg.load()
>>> kg.validate().violations
0
>>> kg.resolve("NKVD").iri
'https://w3id.org/gulag-kg/id/agency/nkvd'
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .loading import load_store
from .store import Store


class KnowledgeGraph:
    """The graph and every operation on it; each method returns plain data."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {len(self)} quads>"

    # --- validation -----------------------------------------------------------------------
    def validate(self, *, engine: str = "auto"):
        """Validate the graph against the shapes: a ValidationReport (``engine``: ``auto``,
        ``sparql`` or ``pyshacl``, see :func:`gulag_kg.validation.validate_store`)."""
        from .validation import validate_store

        return validate_store(self.store, engine=engine)

    # --- queries --------------------------------------------------------------------------
    def query(self, query: str, *, params: dict[str, str] | None = None, allow_service: bool = False,
              timeout: float | None = 60.0, max_rows: int | None = 1_000_000, memory_mb: int | None = 2048):
        """Run SPARQL (inline text, a ``.rq`` path, or a shipped query's name): a QueryResult.

        Read-only; stopped after ``timeout`` seconds or when it needs more than ``memory_mb``
        MiB; more than ``max_rows`` rows is an error."""
        from .query import run_query

        return run_query(self.store, query, params=params or {}, allow_service=allow_service,
                         timeout=timeout, max_rows=max_rows, memory_mb=memory_mb)

    # --- entities and claims ----------------------------------------------------------------
    def resolve(self, thing: str):
        """The entity named by an IRI, a prefixed name or a label (any language)."""
        from .entities import resolve_entity

        return resolve_entity(self.store, thing)

    def describe(self, thing: str):
        from .entities import describe_entity

        return describe_entity(self.store, self.resolve(thing).iri)

    def claims(self, thing: str, prop: str | None = None):
        from .claims import list_claims

        return list_claims(self.store, self.resolve(thing).iri, prop)

    def timeline(self, thing: str):
        from .timeline import build_timeline

        return build_timeline(self.store, self.resolve(thing).iri)

    def stats(self):
        from .stats import compute_stats

        return compute_stats(self.store)

    # --- output ---------------------------------------------------------------------------
    def export(self, fmt: str = "turtle") -> bytes:
        """The whole graph serialised, byte-identical for the same graph."""
        from .export import export_store

        return export_store(self.store, fmt)


def load(data_files: Iterable[Path | str] = (), *, shipped: bool = True) -> KnowledgeGraph:
    """The ontology, the shipped graph (unless ``shipped=False``) and ``data_files``, in memory."""
    return KnowledgeGraph(load_store(data_files, shipped=shipped))


def connect(*, store: Path | str | None = None, endpoint: str | None = None,
            graph_store: str | None = None) -> KnowledgeGraph:
    """A knowledge graph over an existing on-disk store (``store``) or SPARQL server (``endpoint``),
    filled beforehand with ``gulag-kg --store DIR load`` (or :func:`gulag_kg.bulk.load_files`)."""
    from .loading import open_existing_store

    return KnowledgeGraph(open_existing_store(path=store, endpoint=endpoint, graph_store=graph_store))
