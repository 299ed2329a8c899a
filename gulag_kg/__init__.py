"""gulag-kg: an open knowledge graph of the Soviet Gulag, and the toolkit around it.

>>> import gulag_kg
>>> kg = gulag_kg.load()
>>> len(kg) > 1000
True
"""

from .errors import AmbiguousEntityError, GulagKgError, InputError, QueryError, UnknownEntityError
from .kg import KnowledgeGraph, connect, load
from .store import EndpointStore, Store
from .version import __version__

__all__ = [
    "AmbiguousEntityError",
    "GulagKgError",
    "InputError",
    "EndpointStore",
    "KnowledgeGraph",
    "QueryError",
    "Store",
    "UnknownEntityError",
    "__version__",
    "connect",
    "load",
]
