"""The terms of ``ontology/camps.ttl`` the importers write (camp histories, anomalies, the
comparison of releases), kept apart from :class:`gulag_kg.namespaces.GK` so that a misspelt
term still fails at once."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from ..prefixes import GK_NS, VOCAB_NS

__all__ = ["ANOMALY", "EVENT_TYPE", "GKC"]


class GKC(DefinedNamespace):
    """Terms of ``ontology/camps.ttl`` (in the gk: namespace)."""

    _fail = True
    _NS = Namespace(GK_NS)

    DataAnomaly: URIRef
    anomaly: URIRef
    anomalyType: URIRef
    memorialDirectoryPage: URIRef
    memorialDirectoryId: URIRef
    sameFigureDatedDifferently: URIRef
    mergedInto: URIRef
    splitOff: URIRef
    renamedTo: URIRef
    workDone: URIRef
    countDatingOffset: URIRef


#: Concepts of the anomaly scheme (``gkv:anomaly``).
ANOMALY = Namespace(VOCAB_NS + "anomaly/")
EVENT_TYPE = Namespace(VOCAB_NS + "event-type/")
