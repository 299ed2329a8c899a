"""The IRIs of gulag-kg as plain strings: no rdflib needed (fast start-up of the query path).

:mod:`gulag_kg.namespaces` wraps them as rdflib namespaces for the code that needs rdflib.
"""

from __future__ import annotations

BASE = "https://w3id.org/gulag-kg/"
ID_NS = BASE + "id/"
VOCAB_NS = BASE + "vocab/"
GRAPH_NS = BASE + "graph/"
GK_NS = BASE + "ontology#"

#: The prefixes every serialisation of gulag-kg uses, in this order.
PREFIXES: dict[str, str] = {
    "gk": GK_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "edtf": "http://id.loc.gov/datatypes/edtf/",
    "wd": "http://www.wikidata.org/entity/",
    "gkv": VOCAB_NS,
    "unit": VOCAB_NS + "unit/",
    "sitetype": VOCAB_NS + "site-type/",
    "method": VOCAB_NS + "method/",
    "stance": VOCAB_NS + "stance/",
    "role": VOCAB_NS + "role/",
    "worktype": VOCAB_NS + "work-type/",
    "acttype": VOCAB_NS + "act-type/",
    "eventtype": VOCAB_NS + "event-type/",
    "changetype": VOCAB_NS + "change-type/",
    "activity": VOCAB_NS + "activity/",
    "interpretation": VOCAB_NS + "interpretation/",
    "agency": ID_NS + "agency/",
    "camp": ID_NS + "camp/",
    "place": ID_NS + "place/",
    "person": ID_NS + "person/",
    "work": ID_NS + "work/",
    "act": ID_NS + "act/",
    "event": ID_NS + "event/",
    "change": ID_NS + "change/",
    "cat": ID_NS + "category/",
    "claim": ID_NS + "claim/",
    "source": ID_NS + "source/",
    "agent": ID_NS + "agent/",
    "link": ID_NS + "link/",
}


def expand(name: str) -> str:
    """The IRI of a prefixed name of the project (``agency:nkvd``); anything else unchanged."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return name
