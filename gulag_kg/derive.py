"""The derived graph: what the loader computes from the hand-kept data, never hand-edited.

* ``gk:periodStart`` / ``gk:periodEnd`` (``xsd:date``) from every EDTF ``gk:period`` and
  ``gk:date``, so SPARQL can filter by time;
* the *truthy* view: for each subject and claim property, the values of the best-ranked claims
  (preferred if any, else normal; never deprecated) as direct triples ``subject property value``,
  like Wikidata's ``wdt:`` triples.
"""

from __future__ import annotations

import pyoxigraph as ox

from .edtf import EdtfBounds, edtf_bounds
from .prefixes import GK_NS
from .store import DERIVED_GRAPH, Store

_XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
_START = ox.NamedNode(GK_NS + "periodStart")
_END = ox.NamedNode(GK_NS + "periodEnd")

_CLAIM_VALUES = """
SELECT ?subject ?property ?value ?rank WHERE {
  ?claim a gk:Claim ; gk:subject ?subject ; gk:property ?property ; gk:value ?value ; gk:rank ?rank .
}
"""
_PREFERRED = "https://w3id.org/gulag-kg/ontology#PreferredRank"
_DEPRECATED = "https://w3id.org/gulag-kg/ontology#DeprecatedRank"


def _lenient_bounds(value: str) -> EdtfBounds | None:
    """Bounds of a period; for an interval that ends before it starts, the bounds of each end
    as written (so that the shapes can report it), and ``None`` when malformed."""
    try:
        return edtf_bounds(value)
    except ValueError:
        left, sep, right = value.partition("/")
        if not sep:
            return None
        try:
            return EdtfBounds(edtf_bounds(left).start if left not in ("", "..") else None,
                              edtf_bounds(right).end if right not in ("", "..") else None)
        except ValueError:
            return None


def period_bound_quads(store: Store) -> list[ox.Quad]:
    """``gk:periodStart``/``gk:periodEnd`` quads for every well-formed EDTF period or date.

    Malformed periods are skipped here; the shapes report them.
    """
    out: list[ox.Quad] = []
    for predicate in (GK_NS + "period", GK_NS + "date"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, None):
            if not isinstance(quad.object, ox.Literal):
                continue
            bounds = _lenient_bounds(quad.object.value)
            if bounds is None:
                continue
            if bounds.start is not None:
                out.append(ox.Quad(quad.subject, _START, ox.Literal(bounds.start.isoformat(), datatype=_XSD_DATE), DERIVED_GRAPH))
            if bounds.end is not None:
                out.append(ox.Quad(quad.subject, _END, ox.Literal(bounds.end.isoformat(), datatype=_XSD_DATE), DERIVED_GRAPH))
    return out


def truthy_quads(store: Store) -> list[ox.Quad]:
    """Direct ``subject property value`` quads for the best-ranked claims (one pass, grouped
    here rather than with NOT EXISTS, which is slow on large stores)."""
    best: dict[tuple, tuple[bool, set]] = {}
    for row in store.query(_CLAIM_VALUES):
        rank = row["rank"].value
        if rank == _DEPRECATED:
            continue
        key = (row["subject"], row["property"])
        preferred = rank == _PREFERRED
        have_preferred, values = best.get(key, (False, set()))
        if preferred and not have_preferred:
            best[key] = (True, {row["value"]})
        elif preferred == have_preferred:
            values.add(row["value"])
            best[key] = (have_preferred, values)
    return [ox.Quad(s, p, v, DERIVED_GRAPH) for (s, p), (_, values) in best.items() for v in values]


def add_derived_graph(store: Store) -> int:
    """Recompute the derived graph in place; returns the number of quads it holds."""
    store.remove_graph(DERIVED_GRAPH)
    quads = period_bound_quads(store) + truthy_quads(store)
    store.add_quads(quads)
    return len(quads)
