"""What every importer shares: records with their place in the file, the account of every
record (read = imported + skipped + rejected), rejections and notices by file and line, the
anomalies found, and the result of an import.

A dataset's module parses its records into its own row types and raises :class:`Reject` for a
record it cannot take; :class:`Ledger` keeps the account, so that no record is lost without a
word and the totals prove it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import rdflib
from rdflib import URIRef

from ..errors import InputError

__all__ = [
    "Anomaly", "FileCount", "ImportDataError", "ImportResult", "Ledger", "Notice", "Record", "Reject",
    "Rejection",
]  # fmt: skip

T = TypeVar("T")

RFC7111 = URIRef("http://tools.ietf.org/rfc/rfc7111")
RFC6901 = URIRef("http://tools.ietf.org/rfc/rfc6901")


class ImportDataError(InputError):
    """The data cannot be imported at all (a missing file, a wrong header, a file that is not
    CSV or JSON of the expected shape). ``str()`` names the file and, where known, the line."""


@dataclass(frozen=True, order=True)
class Rejection:
    """A record (or one value of a record) that was not imported: ``file``, physical ``line``
    (header = 1), ``reason``."""

    file: str
    line: int
    reason: str


@dataclass(frozen=True, order=True)
class Notice:
    """A record imported with a caveat that the graph records in a ``skos:editorialNote``."""

    file: str
    line: int
    message: str


@dataclass(frozen=True)
class FileCount:
    """Records of one file, or values of one kind inside its records (``file`` then reads
    e.g. ``camps.json: yearly counts``): ``read == imported + skipped + rejected``."""

    file: str
    read: int
    imported: int
    skipped: int
    rejected: int

    @property
    def balanced(self) -> bool:
        return self.read == self.imported + self.skipped + self.rejected


@dataclass(frozen=True)
class Record:
    """One record of a file as read: where it starts (physical ``line``, header = 1), its
    ``locator`` (RFC 7111 ``row=N`` of a CSV file, RFC 6901 ``/N`` of a JSON array) and its
    values by field name; ``field_lines`` gives the line of each field where it differs."""

    file: str
    line: int
    locator: str
    values: Mapping[str, Any]
    field_lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, name: str | None) -> int:
        return self.field_lines.get(name, self.line) if name else self.line

    @property
    def is_json(self) -> bool:
        return self.locator.startswith("/")

    def selector(self, name: str | None = None) -> tuple[URIRef, str]:
        """(standard, value) of the fragment selector of this record, or of one of its fields."""
        if self.is_json:
            return RFC6901, self.locator + (f"/{name}" if name else "")
        return RFC7111, self.locator


@dataclass(frozen=True, order=True)
class Anomaly:
    """Something odd in a record that was imported as it is and flagged: ``kind`` is the local
    name of a concept of the anomaly scheme (``duplicate-count``, ``coordinates-swapped``...),
    ``subject`` the node of the graph it concerns, ``message`` says what and why in words."""

    file: str
    line: int
    kind: str
    subject: URIRef
    message: str
    #: the records (and fields) the anomaly rests on, for its evidence in the graph
    records: tuple[tuple[Record, str | None], ...] = field(default=(), compare=False, repr=False)


class Reject(Exception):
    """Raised while parsing a record: the record (or, with ``value``, one value of it) is
    rejected for the message. ``field`` names the field at fault, for the line it is on."""

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.field = field


@dataclass
class _Tally:
    read: int = 0
    imported: int = 0
    skipped: int = 0
    rejected: int = 0


class Ledger:
    """The account of an import: per file (and per kind of value inside records) how many were
    read, imported, skipped and rejected; every rejection and notice with file and line."""

    def __init__(self) -> None:
        self._tallies: dict[str, _Tally] = {}
        self._groups: dict[str, str] = {}
        self.rejections: list[Rejection] = []
        self.notices: list[Notice] = []
        #: per file, the key of each rejected record (as far as it could be read) -> its line
        self.rejected_keys: dict[str, dict[str, int]] = {}

    def _tally(self, name: str, group: str) -> _Tally:
        self._groups.setdefault(name, group)
        return self._tallies.setdefault(name, _Tally())

    def read(self, name: str, *, group: str = "files") -> None:
        self._tally(name, group).read += 1

    def imported(self, name: str, *, group: str = "files") -> None:
        self._tally(name, group).imported += 1

    def skipped(self, name: str, *, group: str = "files") -> None:
        self._tally(name, group).skipped += 1

    def reject(self, name: str, rejection: Rejection, *, group: str = "files", counted: bool = True) -> None:
        """Record a rejection; ``counted`` also counts the record as read and rejected."""
        if counted:
            tally = self._tally(name, group)
            tally.read += 1
            tally.rejected += 1
        self.rejections.append(rejection)

    def notice(self, file: str, line: int, message: str) -> None:
        self.notices.append(Notice(file, line, message))

    def value(self, name: str, outcome: str, *, rejection: Rejection | None = None) -> None:
        """Count one value of a kind (``outcome``: imported, skipped or rejected)."""
        tally = self._tally(name, "values")
        tally.read += 1
        setattr(tally, outcome, getattr(tally, outcome) + 1)
        if rejection is not None:
            self.rejections.append(rejection)

    def process(
        self,
        name: str,
        records: Iterable[Record],
        parse: Callable[[Record], T | None],
        *,
        key: Callable[[Record], Hashable] | None = None,
        key_field: str | None = None,
    ) -> dict[Hashable, T]:
        """Parse every record into a row: ``key`` (with ``key_field`` for the message) must be
        unique, ``parse`` returns the row, None for "no data" (skipped) or raises Reject. A row's
        ``notes`` become notices. Returns the rows by key, in file order."""
        rows: dict[Hashable, T] = {}
        first_line: dict[Hashable, int] = {}
        for record in records:
            try:
                k = key(record) if key is not None else record.locator
                if key is not None and k in first_line:
                    raise Reject(f"duplicate {key_field or 'key'} {k} (first at line {first_line[k]})", field=key_field)
                first_line[k] = record.line
                row = parse(record)
            except Reject as exc:
                self.reject(name, Rejection(record.file, record.line_of(exc.field), str(exc)))
                if key is not None and key_field is not None:
                    self.rejected_keys.setdefault(name, {}).setdefault(str(record.values.get(key_field, "")).strip(), record.line)
                continue
            self.read(name)
            if row is None:
                self.skipped(name)
                continue
            self.imported(name)
            rows[k] = row
            for note in getattr(row, "notes", ()):
                self.notice(record.file, record.line, note)
        return rows

    def counts(self, group: str = "files") -> tuple[FileCount, ...]:
        return tuple(
            FileCount(name, t.read, t.imported, t.skipped, t.rejected)
            for name, t in self._tallies.items()
            if self._groups[name] == group
        )


@dataclass(frozen=True)
class ImportResult:
    """The outcome of importing one data set.

    ``graph`` holds every triple of the import; its identifier is the named graph it belongs in. ``files`` counts the
    records of each file and ``values`` the values of each kind inside records (e.g. the yearly
    counts of a camp record); each balances (read = imported + skipped + rejected).
    ``rejections``, ``notices`` and ``anomalies`` are sorted by file and line; ``matches`` are
    the entity-resolution candidates against the article (empty without an article graph),
    accepted ones first; ``place_links`` the article's places the data locates camps in.
    """

    source: str
    graph: rdflib.Graph
    files: tuple[FileCount, ...]
    rejections: tuple[Rejection, ...]
    notices: tuple[Notice, ...] = ()
    anomalies: tuple[Anomaly, ...] = ()
    values: tuple[FileCount, ...] = ()
    matches: tuple = ()
    place_links: tuple = ()

    @property
    def graph_iri(self) -> URIRef:
        """The name of the import's graph."""
        return self.graph.identifier

    @property
    def dataset(self) -> rdflib.Dataset:
        """A new rdflib Dataset holding the import's graph (a copy, made on each access)."""
        return to_dataset([self.graph])

    @property
    def rows_read(self) -> int:
        return sum(c.read for c in self.files)

    @property
    def rows_imported(self) -> int:
        return sum(c.imported for c in self.files)

    @property
    def rows_skipped(self) -> int:
        return sum(c.skipped for c in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(c.rejected for c in self.files)


def new_graph(identifier: URIRef) -> rdflib.Graph:
    """An empty graph to build an import in (rdflib's plain memory store: twice as fast to fill
    as a context-aware one; the graph's identifier names the graph its triples belong in)."""
    from ..namespaces import bind_prefixes

    graph = rdflib.Graph(store="SimpleMemory", identifier=identifier)
    bind_prefixes(graph)
    return graph


def to_dataset(graphs) -> rdflib.Dataset:
    """An rdflib Dataset with each graph as the named graph of its identifier."""
    from ..namespaces import bind_prefixes

    dataset = rdflib.Dataset()
    bind_prefixes(dataset)
    for graph in graphs:
        named = dataset.graph(graph.identifier)
        for triple in graph:
            named.add(triple)
    return dataset
