"""Every claim about a thing, side by side: the table the article describes in prose.

Also the claims of the source that cannot all be true: :func:`contradictions` finds the ones a
result shows (every command that answers with a claim shows its conflict), and
:func:`unlinked_conflicts` finds pairs the graph has not yet linked (a test keeps it empty).

A claim's fields are read with :mod:`gulag_kg.lookup` (the IRIs written into the query, one
plain pattern for many claims): 1-2 ms for an entity's claims on the shipped graph where one
query with an OPTIONAL per field, bound with ``substitutions``, took 10-30 ms.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from .entities import compact
from .errors import GulagKgError
from .lookup import chunks, iri_terms, labels_of, quotes_of, same_entities, statements_of, subject_statements
from .prefixes import GK_NS, ID_NS, PREFIXES
from .store import Store

RDF_TYPE = PREFIXES["rdf"] + "type"

#: The relations between claims, each way: a claim's row lists ``name other`` for those it
#: states and ``nameBy other`` for the asymmetric ones stated by another claim (the symmetric
#: ones are stated both ways by the graph).
CLAIM_RELATIONS = ("disputes", "revises", "summarises", "sameFigureAs", "sameFigureDatedDifferently", "contradicts")
ASYMMETRIC_RELATIONS = ("disputes", "revises", "summarises")

# The fields of a claim as ClaimRow names them, and the predicate each is read from. A claim has
# one row per combination of the values of these fields (a claim with two claimants: two rows).
_FIELDS = {
    "property": "property", "value": "value", "lower": "lowerBound", "upper": "upperBound", "unit": "unit",
    "period": "period", "start": "periodStart", "end": "periodEnd", "rank": "rank", "stance": "stance",
    "method": "method", "claimant": "claimant", "statedIn": "statedIn", "qualifier": "qualifier",
    "stanceReason": "stanceReason",
}
_LISTS = {"category": "aboutCategory", "place": "aboutPlace"}
# compact() tries every prefix: cached for the few property, unit and rank IRIs rows repeat
# (the Gulag's 125 claims called it 500 times, 13 ms)
_compact = lru_cache(maxsize=4096)(compact)
_LABELLED = ("value", "claimant", "statedIn", "unit", "rank", "stance", "method", "property")  # fields shown by label
@dataclass(frozen=True)
class ClaimRow:
    """One claim, flattened for display; labels are English where the graph has them."""

    iri: str
    property: str
    value: str | None
    value_label: str | None
    lower: str | None
    upper: str | None
    unit: str | None
    period: str | None
    period_start: str | None
    period_end: str | None
    rank: str
    stance: str | None
    method: str | None
    stance_id: str | None
    method_id: str | None
    claimant: str | None
    claimant_label: str | None
    stated_in: str | None
    stated_in_label: str | None
    qualifier: str | None
    stance_reason: str | None
    quotes: tuple[str, ...]
    relations: tuple[str, ...]
    categories: tuple[str, ...]
    places: tuple[str, ...]
    property_label: str = ""
    allowed_units: tuple[str, ...] = ()

    @property
    def contradicts(self) -> tuple[str, ...]:
        """The claims of the source this one cannot stand with (``gk:contradicts``)."""
        return tuple(r.split(" ", 1)[1] for r in self.relations if r.startswith("contradicts "))

    @property
    def value_text(self) -> str:
        """The value or range in words: ``1053829``, ``2300000–17600000``, ``≥ 1600000``."""
        if self.value is not None and self.lower is None and self.upper is None:
            return self.value_label or self.value
        return range_text(self.value, self.lower, self.upper)


def range_text(value, lower, upper, *, number=str, at_least: str = "≥ ", at_most: str = "≤ ") -> str:
    """A figure with its bounds in words: ``5 (4–6)``, ``≥ 1600000``; ``number`` writes each.

    >>> range_text(None, 1200000, 1700000), range_text(7, None, 7), range_text(None, 10, None, at_least="at least ")
    ('1200000–1700000', '7 (≤ 7)', 'at least 10')
    """
    if lower is not None and upper is not None:
        text = f"{number(lower)}–{number(upper)}"
    elif lower is not None:
        text = f"{at_least}{number(lower)}"
    elif upper is not None:
        text = f"{at_most}{number(upper)}"
    else:
        text = ""
    if value is not None:
        text = f"{number(value)}" + (f" ({text})" if text else "")
    return text


def resolve_property(store: Store, prop: str) -> str:
    """The IRI of a claim property named by IRI, prefixed name, local name or label."""
    text = prop.strip()
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES:
        text = PREFIXES[prefix] + local
    rows = list(store.query("""
        SELECT DISTINCT ?p ?label WHERE { ?p a/rdfs:subClassOf* gk:ClaimProperty . OPTIONAL { ?p rdfs:label ?label FILTER(LANG(?label) = "en") } }"""))
    wanted = text.casefold().replace("_", " ")
    for row in rows:
        iri = row["p"].value
        label = row["label"].value.casefold() if row["label"] is not None else ""
        if text == iri or wanted in {iri.rsplit("#", 1)[-1].casefold(), label}:
            return iri
    names = sorted(row["p"].value.rsplit("#", 1)[-1] for row in rows)
    from difflib import get_close_matches

    close = get_close_matches(prop, names, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise GulagKgError(f"unknown claim property {prop!r}.{hint} Claim properties: {', '.join(names)}")


def _split(term) -> tuple[str, ...]:
    if term is None or not term.value:
        return ()
    return tuple(sorted(term.value.split("\u001f")))


def list_claims(store: Store, subject: str, prop: str | None = None) -> list[ClaimRow]:
    """Claims whose ``gk:subject`` is ``subject`` or an entity ``owl:sameAs`` it (optionally only
    one property), sorted by property, start of period, then value."""
    only = f"; gk:property {iri_terms([resolve_property(store, prop)])}" if prop is not None else ""
    subjects = iri_terms(same_entities(store, subject))
    claims = [row["claim"].value for row in store.query(
        f"SELECT DISTINCT ?claim WHERE {{ VALUES ?s {{ {subjects} }} ?claim gk:subject ?s {only} }}")]
    return claim_rows(store, claims)


def claim_rows(store: Store, claims: Iterable[str]) -> list[ClaimRow]:
    """The rows of the given claims (IRIs; those that are not a ``gk:Claim`` with a
    ``gk:property`` are left out), sorted as :func:`list_claims` sorts them. A claim has one row
    per combination of the values of its fields (a claim with two claimants: two rows)."""
    predicates = [RDF_TYPE] + [GK_NS + p for p in (*_FIELDS.values(), *_LISTS.values(), *CLAIM_RELATIONS)]
    facts = statements_of(store, claims, predicates)
    claims = sorted(c for c, f in facts.items() if GK_NS + "property" in f
                    and any(t.value == GK_NS + "Claim" for t in f.get(RDF_TYPE, ())))
    quotes = quotes_of(store, claims)
    relations: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        for rel in CLAIM_RELATIONS:
            relations[c].update(f"{rel} {o.value}" for o in facts[c].get(GK_NS + rel, ()))
    asymmetric = iri_terms(GK_NS + r for r in ASYMMETRIC_RELATIONS)
    for chunk in chunks(claims):
        for row in store.query(f"SELECT ?c ?r ?o WHERE {{ VALUES ?c {{ {chunk} }} VALUES ?r {{ {asymmetric} }} ?o ?r ?c }}"):
            relations[row["c"].value].add(f"{row['r'].value.rsplit('#', 1)[-1]}By {row['o'].value}")

    labels = labels_of(store, {t.value for c in claims for name in _LABELLED for t in facts[c].get(GK_NS + _FIELDS[name], ())
                               if isinstance(t, ox.NamedNode)})
    units = _allowed_units(store, {t.value for c in claims for t in facts[c].get(GK_NS + "property", ())})
    names = list(_FIELDS)
    out = []
    for c in claims:
        lists = {name: tuple(sorted(t.value for t in facts[c].get(GK_NS + p, ()))) for name, p in _LISTS.items()}
        for combination in itertools.product(*(facts[c].get(GK_NS + _FIELDS[n]) or [None] for n in names)):
            out.append(_row(c, dict(zip(names, combination)), labels, units, quotes.get(c, ()),
                            tuple(sorted(relations[c])), lists))

    def number(text):
        try:
            return float(text)
        except (TypeError, ValueError):
            return float("inf")

    return sorted(out, key=lambda c: (c.property, c.period_start or "9999", c.period_end or "9999",
                                      number(c.value if c.value is not None else c.lower), c.iri,
                                      # a claim with two claimants (or stated in two works) is two rows:
                                      # in the same order whatever order the store answers in
                                      c.claimant or "", c.stated_in or "", repr(c)))


def _row(iri: str, terms: dict, labels: dict[str, str], units: dict[str, tuple[str, ...]], quotes: tuple[str, ...],
         relations: tuple[str, ...], lists: dict[str, tuple[str, ...]]) -> ClaimRow:
    def v(name):
        term = terms[name]
        return term.value if term is not None else None

    def label(name, default=None):
        return labels.get(v(name), default) if terms[name] is not None else None

    value, prop = terms["value"], v("property")
    return ClaimRow(
        iri=iri,
        property=_compact(prop),
        value=v("value"),
        value_label=labels.get(value.value) if isinstance(value, ox.NamedNode) else None,
        lower=v("lower"),
        upper=v("upper"),
        unit=label("unit", _compact(v("unit") or "")),
        period=v("period"),
        period_start=v("start"),
        period_end=v("end"),
        rank=_compact(v("rank") or GK_NS + "NormalRank").removeprefix("gk:").removesuffix("Rank").lower(),
        stance=label("stance"),
        method=label("method"),
        stance_id=v("stance").rsplit("/", 1)[-1] if terms["stance"] is not None else None,
        method_id=v("method").rsplit("/", 1)[-1] if terms["method"] is not None else None,
        claimant=v("claimant"),
        claimant_label=label("claimant"),
        stated_in=v("statedIn"),
        stated_in_label=label("statedIn"),
        qualifier=v("qualifier"),
        stance_reason=v("stanceReason"),
        quotes=quotes,
        relations=relations,
        categories=lists["category"],
        places=lists["place"],
        property_label=labels.get(prop, _compact(prop)),
        allowed_units=units.get(prop, ()),
    )


def _allowed_units(store: Store, properties: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The English labels of the units each of ``properties`` allows (``gk:allowedUnit``; "" for a
    unit without one), sorted."""
    allowed = statements_of(store, properties, [GK_NS + "allowedUnit"])
    units = {u.value for by_p in allowed.values() for u in by_p[GK_NS + "allowedUnit"]}
    english: dict[str, list[str]] = defaultdict(list)
    for u, _, label in subject_statements(store, units, [PREFIXES["skos"] + "prefLabel"]):
        if isinstance(label, ox.Literal) and label.language == "en":
            english[u].append(label.value)
    return {p: tuple(sorted(label for u in by_p[GK_NS + "allowedUnit"] for label in english.get(u.value) or [""]))
            for p, by_p in allowed.items()}


@dataclass(frozen=True)
class ClaimGroup:
    """The claims of one property: one kind of quantity (in ``units``) or one relation."""

    property: str
    label: str
    units: tuple[str, ...]
    claims: tuple[ClaimRow, ...]

    @property
    def heading(self) -> str:
        """``deaths (people)``, ``duration (years, months, days, hours)``, ``subordinate to``."""
        return f"{self.label} ({', '.join(self.units)})" if self.units else self.label


def group_claims(rows: list[ClaimRow]) -> list[ClaimGroup]:
    """The claims grouped by property, in the order of the rows: percentages never stand among
    numbers of people."""
    groups: dict[str, list[ClaimRow]] = {}
    for row in rows:
        groups.setdefault(row.property, []).append(row)
    return [ClaimGroup(p, g[0].property_label or p, g[0].allowed_units, tuple(g)) for p, g in groups.items()]


# --- contradictions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimSide:
    """One side of a contradiction: the claim, what it says in a few words, and its quotes."""

    iri: str
    summary: str  # the value in a few words: "NKGB", "≥ 1600000", "1200000–1500000"
    period: str | None  # EDTF, as the graph holds it
    quotes: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True)
class Contradiction:
    """Two claims of the source that cannot both be true (``gk:contradicts``)."""

    first: ClaimSide
    second: ClaimSide


_SIDES = """
SELECT ?claim ?label ?valueLabel ?value ?lower ?upper ?period ?reason
       (GROUP_CONCAT(DISTINCT ?quote; SEPARATOR="\\u001f") AS ?quotes) WHERE {
  VALUES ?claim { %s }
  ?claim a gk:Claim .
  OPTIONAL { ?claim rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL { ?claim gk:value ?value OPTIONAL { ?value rdfs:label ?valueLabel FILTER (LANG(?valueLabel) = "en") } }
  OPTIONAL { ?claim gk:lowerBound ?lower }
  OPTIONAL { ?claim gk:upperBound ?upper }
  OPTIONAL { ?claim gk:period ?period }
  OPTIONAL { ?claim gk:stanceReason ?reason }
  OPTIONAL { ?claim gk:evidence ?e OPTIONAL { ?e oa:hasSelector ?s OPTIONAL { ?s oa:exact ?quote } } }
}
GROUP BY ?claim ?label ?valueLabel ?value ?lower ?upper ?period ?reason
"""


def contradictions(store: Store, claims) -> list[Contradiction]:
    """The contradictions (``gk:contradicts``, either direction) that involve any of ``claims``
    (IRIs), each pair once, both sides with their quotes."""
    iris = sorted({c for c in claims if c.startswith(ID_NS + "claim/")})
    if not iris:
        return []
    pairs = set()
    for values in chunks(iris):
        for row in store.query(f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} {{ ?a gk:contradicts ?b }} UNION {{ ?b gk:contradicts ?a }} }}"):
            a, b = row["a"].value, row["b"].value
            pairs.add(tuple(sorted((a, b))))
    if not pairs:
        return []
    involved = sorted({c for pair in pairs for c in pair})
    sides = {}
    for row in (row for chunk in chunks(involved) for row in store.query(_SIDES % chunk)):
        iri = row["claim"].value
        value = row["valueLabel"] or row["value"]
        bounds = "–".join(t.value for t in (row["lower"], row["upper"]) if t is not None)
        if row["lower"] is not None and row["upper"] is None:
            bounds = f"≥ {bounds}"
        elif row["upper"] is not None and row["lower"] is None:
            bounds = f"≤ {bounds}"
        what = value.value if value is not None else bounds
        sides[iri] = ClaimSide(iri, what or (row["label"].value if row["label"] is not None else compact(iri)),
                               row["period"].value if row["period"] is not None else None,
                               _split(row["quotes"]), row["reason"].value if row["reason"] is not None else None)
    return [Contradiction(sides[a], sides[b]) for a, b in sorted(pairs) if a in sides and b in sides]


# Claims that the graph must link when they conflict: the same subject (or a part of it) and a
# property of one value at a time, overlapping periods, different values, none deprecated.
_CONFLICT_CANDIDATES = """
SELECT DISTINCT ?a ?b ?s1 ?s2 ?v1 ?v2 ?start1 ?end1 ?start2 ?end2 ?p1 ?p2 WHERE {
  ?p gk:oneValueAtATime true .
  ?a a gk:Claim ; gk:property ?p ; gk:subject ?s1 ; gk:value ?v1 ; gk:period ?p1 ; gk:periodStart ?start1 .
  ?b a gk:Claim ; gk:property ?p ; gk:subject ?s2 ; gk:value ?v2 ; gk:period ?p2 ; gk:periodStart ?start2 .
  FILTER (STR(?a) < STR(?b) && ?v1 != ?v2)
  FILTER (?s1 = ?s2 || EXISTS { ?s1 gk:partOf+ ?s2 } || EXISTS { ?s2 gk:partOf+ ?s1 })
  OPTIONAL { ?a gk:periodEnd ?end1 }
  OPTIONAL { ?b gk:periodEnd ?end2 }
  FILTER NOT EXISTS { ?a gk:rank gk:DeprecatedRank }
  FILTER NOT EXISTS { ?b gk:rank gk:DeprecatedRank }
  FILTER NOT EXISTS { VALUES ?link { %s }
                      { ?a ?link ?b } UNION { ?b ?link ?a } }
  # one value within the other (a camp subordinate to the GULAG and to the NKVD that runs it)
  FILTER NOT EXISTS { ?v1 gk:partOf+ ?v2 }
  FILTER NOT EXISTS { ?v2 gk:partOf+ ?v1 }
  FILTER NOT EXISTS { ?c gk:subject ?v1 ; gk:property ?p ; gk:value ?v2 }
  FILTER NOT EXISTS { ?c gk:subject ?v2 ; gk:property ?p ; gk:value ?v1 }
}
""" % " ".join("gk:" + r for r in CLAIM_RELATIONS)


def _inner(period: str, start: str, end: str | None) -> tuple[str, str]:
    """The span a period certainly covers, at the precision it is written in: "1930/1934" from
    the start of 1930 to the start of 1934, so that two periods meeting in a year (an agency
    until 1934, its successor from 1934) do not overlap."""
    from .edtf import edtf_bounds

    left, sep, right = period.partition("/")
    last = right if sep else left
    if last in ("", ".."):
        return start, "9999-12-31"
    return start, edtf_bounds(last).start.isoformat()


def unlinked_conflicts(store: Store) -> list[tuple[str, str]]:
    """Pairs of claims that conflict (see :data:`_CONFLICT_CANDIDATES`) and that no relation
    links (gk:contradicts, gk:disputes, gk:revises...): each is a contradiction of the source the
    graph does not show, or a period or value the curators got wrong."""
    out = []
    for row in store.query(_CONFLICT_CANDIDATES):
        a0, a1 = _inner(row["p1"].value, row["start1"].value, row["end1"].value if row["end1"] is not None else None)
        b0, b1 = _inner(row["p2"].value, row["start2"].value, row["end2"].value if row["end2"] is not None else None)
        if a0 < b1 and b0 < a1 or a0 == a1 == b0 or b0 == b1 == a0:
            out.append((row["a"].value, row["b"].value))
    return sorted(out)
