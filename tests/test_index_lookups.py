"""An entity's description and page read the entity by index look-up, never by a scan (issue 15).

Not timed: every read ``describe`` and an ``/id/`` page make is recorded and checked for the
forms that make Oxigraph read the whole store (1.8-2.6 s a page at 3.2M quads before the fix):

* ``substitutions`` (Oxigraph applies them after evaluating the whole pattern);
* a ``FILTER`` that compares a variable with an IRI, or ``STRSTARTS(STR(...))`` over IRIs;
* a query without one IRI of the graph's things in it (anchored only on a predicate or a class:
  a read of every such statement);
* a ``VALUES`` block of more than :data:`gulag_kg.lookup.CHUNK` IRIs (from about 70 on, Oxigraph
  joins it by hashing: a scan);
* ``quads_for_pattern`` without a subject or an object, every quad, or the number of quads.

Each page is rendered once before it is recorded: what a site computes once and keeps (the map's
frame, the stored source texts) is not per page.
"""

from __future__ import annotations

import re

import pytest

import gulag_kg
from gulag_kg.lookup import CHUNK
from gulag_kg.prefixes import ID_NS
from gulag_kg.web.site import Site

NKVD = ID_NS + "agency/nkvd"


class RecordingStore:
    """A store that records every read and passes it on."""

    def __init__(self, store) -> None:
        self._store = store
        self.reads: list[tuple[str, object, dict]] = []

    def __getattr__(self, name):
        return getattr(self._store, name)

    def query(self, sparql, **kwargs):
        self.reads.append(("query", sparql, kwargs))
        return self._store.query(sparql, **kwargs)

    def quads_for_pattern(self, subject=None, predicate=None, obj=None, graph=None):
        self.reads.append(("pattern", (subject, predicate, obj, graph), {}))
        return self._store.quads_for_pattern(subject, predicate, obj, graph)

    def quads(self, **kwargs):
        self.reads.append(("every quad", None, kwargs))
        return self._store.quads(**kwargs)

    def __iter__(self):
        self.reads.append(("every quad", None, {}))
        return iter(self._store)

    def __len__(self):
        self.reads.append(("count of quads", None, {}))
        return len(self._store)


_THING = re.compile(r"<(?:https://w3id\.org/gulag-kg/(?:id|graph)/|http://www\.wikidata\.org/entity/)[^>]*>")
_FILTER_ON_TERM = re.compile(r"\?\w+\s*(?:=|IN\s*\()\s*<|STRSTARTS\s*\(\s*STR\s*\(", re.IGNORECASE)
_VALUES = re.compile(r"VALUES\s*\?\w+\s*\{([^}]*)\}", re.IGNORECASE)


def scans(reads) -> list[str]:
    """The reads of the list that are (or may be) scans of the store, each with the reason."""
    out = []
    for kind, what, kwargs in reads:
        if kind == "pattern":
            subject, _, obj, _ = what
            if subject is None and obj is None:
                out.append(f"quads_for_pattern without subject or object: {what}")
        elif kind == "query":
            text = " ".join(what.split())
            if kwargs.get("substitutions"):
                out.append(f"substitutions (applied after a scan): {text[:200]}")
            if _FILTER_ON_TERM.search(what):
                out.append(f"a FILTER on a term: {text[:200]}")
            if not _THING.search(what):
                out.append(f"no IRI of a thing to start from: {text[:200]}")
            for block in _VALUES.findall(what):
                if block.count("<") > CHUNK:
                    out.append(f"VALUES of {block.count('<')} IRIs (a hash join): {text[:200]}")
        else:
            out.append(kind)
    return out


@pytest.fixture(scope="module")
def recording():
    return RecordingStore(gulag_kg.load().store)


@pytest.fixture(scope="module")
def site(recording):
    return Site(gulag_kg.KnowledgeGraph(recording))


def test_the_check_sees_the_scans_it_is_for(recording):
    """The forms the fix removed are reported (main's english_label, resolve_entity's index)."""
    import pyoxigraph as ox

    reads = [("query", "SELECT ?s ?l WHERE { ?s rdfs:label ?l }", {"substitutions": {ox.Variable("s"): ox.NamedNode(NKVD)}}),
             ("query", 'SELECT ?e WHERE { ?e a ?t FILTER(STRSTARTS(STR(?e), "https://w3id.org/gulag-kg/id/")) }', {}),
             ("query", f"SELECT ?p ?o WHERE {{ ?s ?p ?o FILTER(?s = <{NKVD}>) }}", {}),
             ("query", "SELECT ?p ?u WHERE { ?p gk:allowedUnit ?u }", {}),
             ("query", "SELECT ?s ?o WHERE { VALUES ?s { %s } ?s ?p ?o }" % " ".join(f"<{ID_NS}x/{i}>" for i in range(CHUNK + 1)), {}),
             ("pattern", (None, ox.NamedNode(ID_NS + "p"), None, None), {}),
             ("count of quads", None, {})]
    assert all(scans([read]) for read in reads)


@pytest.mark.parametrize("thing", ["agency:nkvd", "camp:sevvostlag", "person:zemskov"])
def test_describe_reads_by_index(recording, thing):
    kg = gulag_kg.KnowledgeGraph(recording)
    iri = kg.resolve(thing).iri
    recording.reads.clear()
    description = kg.describe(iri)
    assert description.entity.iri == iri and description.statements
    assert scans(recording.reads) == []


@pytest.mark.parametrize("path", ["id/agency/nkvd.html", "id/agency/gulag.html", "id/camp/sevvostlag.html",
                                  "id/person/zemskov.html", "id/agency/nkvd.ttl", "id/source/wikipedia-en-gulag.html"])
def test_entity_pages_read_by_index(recording, site, path):
    assert site.document(path).status == 200
    site._cache.clear()
    recording.reads.clear()
    assert site.document(path).status == 200
    assert recording.reads, "the page was rendered again, not taken from the cache"
    assert scans(recording.reads) == []


def test_a_claims_page_reads_by_index(recording, site):
    claim = next(iter(recording.query(f"SELECT ?c WHERE {{ ?c gk:subject <{NKVD}> }} LIMIT 1")))["c"].value
    path = claim[len("https://w3id.org/gulag-kg/"):] + ".html"
    site.document(path)
    site._cache.clear()
    recording.reads.clear()
    assert site.document(path).status == 200
    assert scans(recording.reads) == []


def test_stats_counts_in_the_engine(recording):
    """``stats`` counts the quads of each graph with SPARQL: reading them all into Python made it
    read every string of the store, 23-100 s on disk beside one 15 MB literal."""
    from gulag_kg.stats import compute_stats

    recording.reads.clear()
    stats = compute_stats(recording)
    assert dict(stats.graphs)["https://w3id.org/gulag-kg/graph/article"] > 0
    assert [kind for kind, _, _ in recording.reads if kind == "every quad"] == []
