"""The one exception tree of gulag-kg.

Every error a user can cause (a bad file, a bad query, an unknown entity) is a
:class:`GulagKgError`; the CLI turns it into one line ``Error: ...`` and exit code 2.
Anything else escaping to the user is a bug.
"""

from __future__ import annotations


class GulagKgError(Exception):
    """Base class: something gulag-kg could not do, with a message a person can act on."""


class InputError(GulagKgError):
    """A file could not be read or parsed. ``str()`` names the file and, where known, the line."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class DataNotFoundError(GulagKgError):
    """A folder or file of the shipped data (ontology, shapes, graph, sources) is missing from
    the data directory ``gulag_kg.paths`` chose; the message says which and how it was chosen."""


class QueryError(GulagKgError):
    """A SPARQL query is malformed, unknown, or not allowed."""


class UnknownEntityError(GulagKgError):
    """No entity matches what the user named; the message suggests close matches."""


class AmbiguousEntityError(GulagKgError):
    """Several entities match what the user named; the message lists them."""
