"""gulag-kg: an open knowledge graph of the Soviet Gulag, and the toolkit around it.

>>> import gulag_kg
>>> kg = gulag_kg.load()
>>> len(kg) > 1000
True
"""

from importlib.metadata import PackageNotFoundError, version as _version

from .errors import AmbiguousEntityError, GulagKgError, InputError, QueryError, UnknownEntityError
from .kg import KnowledgeGraph, load
from .store import Store

try:
    __version__ = _version("gulag-kg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = [
    "AmbiguousEntityError",
    "GulagKgError",
    "InputError",
    "KnowledgeGraph",
    "QueryError",
    "Store",
    "UnknownEntityError",
    "__version__",
    "load",
]
