"""What a resource's page shows, as plain data (the templates only lay it out).

:func:`resource_view` gathers everything the graph says of one IRI: names in every language,
types, facts, what refers to it, its Wikidata link, the claims about it side by side (as
``gulag-kg claims`` lists them, via :func:`gulag_kg.claims.list_claims`) with each quote in its
paragraph, the claims it makes as a claimant, its timeline (:func:`gulag_kg.timeline.build_timeline`)
and, for a source with a stored text, that text. Every list that is cut says by how much.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..claims import ClaimRow, claim_rows, contradictions, list_claims
from ..lookup import LABEL_PREDICATES, statements_of, subject_statements
from ..entities import compact
from ..prefixes import GK_NS, PREFIXES
from ..store import DERIVED_GRAPH, Store
from ..timeline import TimelineEntry, build_timeline
from .passages import Evidence, SourceTexts

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS = PREFIXES["skos"]
OWL_SAME_AS = PREFIXES["owl"] + "sameAs"
GK_EVIDENCE = GK_NS + "evidence"
WIKIDATA = PREFIXES["wd"]
XSD_STRING = PREFIXES["xsd"] + "string"
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"
NAME_PREDICATES = (RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel", GK_NS + "abbreviation")

#: The ids of the sections of a resource's page (a claim group's anchor must not be one).
SECTION_IDS = frozenset({"main", "claim", "names", "facts", "location", "claims", "charts", "timeline", "evidence",
                         "claims-made", "claims-naming", "referred", "text", "provenance"})
#: Most values listed for one predicate of "referred to by" (the page says how many more).
MAX_REFERRERS = 200


@dataclass(frozen=True)
class Term:
    """A node as a page shows it: an IRI with its label, a literal, or a blank node."""

    kind: str  # "iri", "literal" or "bnode"
    value: str  # the IRI or the literal's lexical form
    text: str  # what to show: a label, a prefixed name or the literal
    lang: str = ""  # language of ``text``
    datatype: str = ""  # prefixed datatype of a typed literal (not xsd:string)

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"


@dataclass(frozen=True)
class Fact:
    predicate: Term
    values: tuple[Term, ...]
    more: int = 0  # values not listed


@dataclass(frozen=True)
class Relation:
    name: str  # "disputes", "disputed by", "revises", ...
    other: Term
    short: str = ""  # the other claim's claimant and value, when it is listed beside this one
    anchor: str = ""  # its row on the same page


@dataclass(frozen=True)
class ClaimView:
    """One claim as ``gulag-kg claims`` shows it, with links, relations and located quotes."""

    row: ClaimRow
    term: Term  # the claim itself (its label, else its prefixed name)
    subject: Term | None
    property: Term
    value: Term | None  # the value when it is a resource
    unit: str
    relations: tuple[Relation, ...]
    categories: tuple[Term, ...]
    places: tuple[Term, ...]
    evidence: tuple[Evidence, ...]
    #: A claim with two claimants is two rows (as ``gulag-kg claims`` lists it): the second is 2.
    occurrence: int = 1

    @property
    def anchor(self) -> str:
        base = "claim-" + self.row.iri.rsplit("/", 1)[-1]
        return base if self.occurrence == 1 else f"{base}-{self.occurrence}"


@dataclass(frozen=True)
class ClaimGroup:
    property: Term
    claims: tuple[ClaimView, ...]

    @property
    def anchor(self) -> str:
        return property_anchor(self.property.value)


def property_anchor(iri: str) -> str:
    """The id of a claim property's section on a page: its local name (``#deaths``), unless a
    section of the page has that id already."""
    local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "property-" + local if local in SECTION_IDS or local.startswith("claim-") else local


@dataclass(frozen=True)
class ClaimSummary:
    """A claim in a list of claims about different things (made by a claimant, naming a thing)."""

    claim: Term
    subject: Term | None
    property: Term
    value: str
    period: str
    claimant: Term | None


@dataclass(frozen=True)
class Coordinates:
    place: Term
    lat: float
    long: float


@dataclass(frozen=True)
class ResourceView:
    iri: str
    term: Term
    curie: str
    names: tuple[Term, ...]
    types: tuple[Term, ...]
    facts: tuple[Fact, ...]
    referred_by: tuple[Fact, ...]
    same_as: tuple[Term, ...]
    claim_groups: tuple[ClaimGroup, ...]
    claims_made: tuple[ClaimSummary, ...]
    claims_naming: tuple[ClaimSummary, ...]
    evidence: tuple[Evidence, ...]
    timeline: tuple[TimelineEntry, ...]
    coordinates: tuple[Coordinates, ...]
    graphs: tuple[Term, ...]
    claim: ClaimView | None = None
    has_text: bool = False
    contradictions: tuple = ()  # gulag_kg.claims.Contradiction: the source's words that cannot both be true
    notes: tuple[str, ...] = field(default=())

    @property
    def wikidata(self) -> tuple[Term, ...]:
        return tuple(t for t in self.same_as if t.value.startswith(WIKIDATA))

    @property
    def is_claim(self) -> bool:
        return any(t.value == GK_NS + "Claim" for t in self.types)


# --- labels ------------------------------------------------------------------------------------


class Labeller:
    """Labels of IRIs, looked up in batches: English first, then no language, then any."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[str, tuple[str, str]] = {}

    def fetch(self, iris) -> None:
        wanted = {i for i in iris if i not in self.cache}
        found: dict[str, list[tuple]] = defaultdict(list)
        for s, _, label in subject_statements(self.store, wanted, LABEL_PREDICATES):  # index look-ups
            if isinstance(label, ox.Literal):
                lang = label.language or ""
                found[s].append((lang != "en", lang != "", lang, label.value))
        for iri in wanted:
            if found.get(iri):
                _, _, lang, text = min(found[iri])
                self.cache[iri] = (text, lang)
            else:
                self.cache[iri] = (compact(iri), "")

    def term(self, node) -> Term:
        if isinstance(node, str):
            node = ox.NamedNode(node)
        if isinstance(node, ox.NamedNode):
            if node.value not in self.cache:
                self.fetch([node.value])
            text, lang = self.cache[node.value]
            return Term("iri", node.value, text, lang)
        if isinstance(node, ox.BlankNode):
            return Term("bnode", node.value, "(a blank node)")
        datatype = node.datatype.value
        shown = "" if datatype in (XSD_STRING, RDF_LANG_STRING) else compact(datatype)
        return Term("literal", node.value, node.value, node.language or "", shown)


# --- the resource page --------------------------------------------------------------------------


# The IRIs of the page are written into the queries (as Oxigraph serialises them) rather than
# bound with ``substitutions``: Oxigraph evaluates a pattern before it applies those (7-12 ms
# instead of under 1 ms on the shipped graph, and it grows with the store).
_CLAIMS_OF = """
SELECT ?claim ?role WHERE {
  { ?claim gk:claimant %(x)s BIND("made" AS ?role) } UNION { ?claim gk:value %(x)s BIND("naming" AS ?role) }
}
"""
#: What a list of claims about different things shows of each (read for all at once).
_SUMMARY_FIELDS = tuple(GK_NS + p for p in ("subject", "property", "value", "lowerBound", "upperBound", "period", "claimant"))

# Where a thing is: its own coordinates, those of the places it is gk:location-ed at, and the same
# for what it is owl:sameAs (an article's camp and the museum's record of it).
_COORDINATES = """
SELECT ?place ?lat ?long WHERE {
  { BIND(%(x)s AS ?place) } UNION { %(x)s gk:location ?place }
  UNION { %(x)s owl:sameAs|^owl:sameAs ?same . ?same gk:location ?place }
  ?place geo:lat ?lat ; geo:long ?long .
}
"""

_RELATION_NAMES = {
    "disputes": "disputes", "disputesBy": "disputed by", "revises": "revises", "revisesBy": "revised by",
    "summarises": "summarises", "summarisesBy": "summarised by", "sameFigureAs": "same figure as",
    "sameFigureDatedDifferently": "same figure, dated differently", "contradicts": "contradicts",
}


def _value_text(lower, upper, value) -> str:
    if lower is not None and upper is not None:
        return f"{lower}–{upper}"
    if lower is not None:
        return f"≥ {lower}"
    if upper is not None:
        return f"≤ {upper}"
    return value or ""


def claim_views(store: Store, rows: list[ClaimRow], labeller: Labeller, texts: SourceTexts) -> list[ClaimView]:
    """Claims (rows of :func:`list_claims`) with their terms, relations and located evidence."""
    if not rows:
        return []
    iris = set()
    others = {}
    for r in rows:
        iris.update(x for x in (r.iri, r.claimant, r.stated_in, r.value if r.value_label else None) if x)
        iris.update(r.categories)
        iris.update(r.places)
        for rel in r.relations:
            name, _, other = rel.partition(" ")
            others[rel] = (name, other)
            iris.add(other)
    iris.update(PREFIXES[p.split(":")[0]] + p.split(":", 1)[1] for p in {r.property for r in rows} if ":" in p)
    labeller.fetch(iris)
    subjects = {c: o.value for c, _, o in subject_statements(store, {r.iri for r in rows}, [GK_NS + "subject"])}
    labeller.fetch(subjects.values())
    evidence = texts.evidence([r.iri for r in rows])
    listed = {r.iri: r for r in rows}

    def relation(rel: str) -> Relation:
        name, other = others[rel]
        peer = listed.get(other)
        short = anchor = ""
        if peer is not None:
            short = f"{peer.claimant_label or compact(peer.claimant or '')}, {peer.value_label or peer.value_text}"
            anchor = "claim-" + other.rsplit("/", 1)[-1]
        return Relation(_RELATION_NAMES.get(name, name), labeller.term(other), short, anchor)

    views = []
    seen: dict[str, int] = defaultdict(int)
    for r in rows:
        seen[r.iri] += 1
        prop_iri = _expand(r.property)
        views.append(ClaimView(
            row=r,
            term=labeller.term(r.iri),
            subject=labeller.term(subjects[r.iri]) if r.iri in subjects else None,
            property=labeller.term(prop_iri),
            value=labeller.term(r.value) if r.value_label is not None else None,
            unit=r.unit or "",
            relations=tuple(relation(rel) for rel in r.relations),
            categories=tuple(labeller.term(c) for c in r.categories),
            places=tuple(labeller.term(p) for p in r.places),
            evidence=tuple(evidence.get(r.iri, ())),
            occurrence=seen[r.iri],
        ))
    return views


def _expand(curie: str) -> str:
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return curie


def group_claims(views: list[ClaimView]) -> list[ClaimGroup]:
    groups: dict[str, list[ClaimView]] = {}
    for v in views:
        groups.setdefault(v.property.value, []).append(v)
    return [ClaimGroup(claims[0].property, tuple(claims))
            for _, claims in sorted(groups.items(), key=lambda kv: (kv[1][0].property.text.casefold(), kv[0]))]


def has_claims(store: Store, iri: str) -> bool:
    """True if a claim is about ``iri`` or about what it is ``owl:sameAs`` (a cheap look before
    :func:`list_claims`, which most entities would answer with nothing)."""
    node = ox.NamedNode(iri)
    return bool(store.query(f"""ASK {{ {{ ?c gk:subject {node} }}
        UNION {{ {node} owl:sameAs|^owl:sameAs ?same . ?c gk:subject ?same }} }}"""))


def resource_exists(store: Store, iri: str) -> bool:
    """True if the graph says something of ``iri`` (it is the subject of a triple)."""
    return any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), None, None, None))


def resource_view(store: Store, iri: str, *, texts: SourceTexts, labeller: Labeller | None = None) -> ResourceView:
    """Everything a page shows of ``iri`` (which must be in the graph: see :func:`resource_exists`)."""
    labeller = labeller or Labeller(store)
    node = ox.NamedNode(iri)
    out: dict[str, list] = defaultdict(list)
    graphs: set[str] = set()
    for q in store.quads_for_pattern(node, None, None, None):
        if isinstance(q.graph_name, ox.NamedNode):
            if q.graph_name == DERIVED_GRAPH:  # the truthy view repeats the claims shown below
                continue
            graphs.add(q.graph_name.value)
        if q.object not in out[q.predicate.value]:
            out[q.predicate.value].append(q.object)

    referrers, counts = _referrers(store, node)
    iris = {iri, *out, *referrers, *graphs}
    iris.update(o.value for objs in out.values() for o in objs if isinstance(o, ox.NamedNode))
    iris.update(s.value for subs in referrers.values() for s in subs)
    labeller.fetch(iris)

    names = {labeller.term(o) for p in NAME_PREDICATES for o in out.get(p, ()) if isinstance(o, ox.Literal)}
    tagged = {t.text for t in names if t.lang}
    names = tuple(sorted((t for t in names if t.lang or t.text not in tagged), key=lambda t: (t.lang != "en", t.lang, t.text)))
    types = tuple(sorted((labeller.term(o) for o in out.get(RDF_TYPE, ()) if isinstance(o, ox.NamedNode)),
                         key=lambda t: t.text.casefold()))
    same_as = tuple(sorted((labeller.term(o) for o in out.get(OWL_SAME_AS, ()) if isinstance(o, ox.NamedNode)),
                           key=lambda t: t.value))
    shown_elsewhere = {RDF_TYPE, OWL_SAME_AS, GK_EVIDENCE, *NAME_PREDICATES}
    facts = []
    for p, objects in out.items():
        if p in shown_elsewhere:
            continue
        values = sorted((labeller.term(o) for o in objects if not isinstance(o, ox.BlankNode)),
                        key=lambda t: (t.kind, t.lang != "en", t.text.casefold(), t.value))
        if values:
            facts.append(Fact(labeller.term(p), tuple(values)))
    facts.sort(key=lambda f: (f.predicate.text.casefold(), f.predicate.value))
    referred = sorted(
        (Fact(labeller.term(p), tuple(sorted((labeller.term(s) for s in subs), key=lambda t: t.text.casefold())),
              counts[p] - len(subs))
         for p, subs in referrers.items() if subs),
        key=lambda f: (f.predicate.text.casefold(), f.predicate.value))

    rows = list_claims(store, iri) if has_claims(store, iri) else []
    views = claim_views(store, rows, labeller, texts)
    claim = None
    if GK_NS + "subject" in out and any(o.value == GK_NS + "Claim" for o in out.get(RDF_TYPE, ())):
        own = claim_rows(store, [iri])
        if own:
            claim = claim_views(store, own, labeller, texts)[0]

    conflicts = contradictions(store, [r.iri for r in rows] + ([iri] if claim is not None else []))
    made, naming = _claims_of(store, iri, labeller)
    own_evidence = texts.evidence([iri])[iri] if GK_EVIDENCE in out and claim is None else []
    coordinates = []
    for row in store.query(_COORDINATES % {"x": node}):
        try:
            coordinates.append(Coordinates(labeller.term(row["place"]), float(row["lat"].value), float(row["long"].value)))
        except ValueError:
            continue
    timeline = build_timeline(store, iri) if claim is None else []
    term = labeller.term(iri)
    return ResourceView(
        iri=iri, term=term, curie=compact(iri), names=names, types=types, facts=tuple(facts),
        referred_by=tuple(referred), same_as=same_as, claim_groups=tuple(group_claims(views)),
        claims_made=tuple(made), claims_naming=tuple(naming), evidence=tuple(own_evidence),
        timeline=tuple(timeline), coordinates=tuple(sorted(set(coordinates), key=lambda c: c.place.text)),
        graphs=tuple(sorted((labeller.term(g) for g in graphs), key=lambda t: t.value)),
        claim=claim, has_text=texts.get(iri) is not None, contradictions=tuple(conflicts),
    )


# What refers to a thing, but for what the page shows elsewhere: the claims about it (gk:subject),
# the claims it makes (gk:claimant), the claims naming it (gk:value of a claim), its same-as links,
# and the derived graph (which repeats the claims).
_REFERRER_FILTER = """
  GRAPH ?g { ?s ?p %(x)s }
  FILTER(isIRI(?s) && ?g != %(derived)s && ?p NOT IN (gk:subject, gk:claimant, owl:sameAs))
  FILTER(?p != gk:value || NOT EXISTS { ?s a gk:Claim })
"""


def _referrers(store: Store, node: ox.NamedNode) -> tuple[dict[str, list], dict[str, int]]:
    """The resources that refer to ``node``, by predicate: all of them up to
    :data:`MAX_REFERRERS` a predicate, else the first by IRI (the same on every store), and how
    many there are."""
    where = _REFERRER_FILTER % {"x": node, "derived": DERIVED_GRAPH}
    counts = {row["p"].value: int(row["n"].value)
              for row in store.query(f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }} GROUP BY ?p")}
    referrers: dict[str, list] = defaultdict(list)
    if counts and max(counts.values()) <= MAX_REFERRERS:
        for row in store.query(f"SELECT DISTINCT ?p ?s WHERE {{ {where} }}"):
            referrers[row["p"].value].append(row["s"])
    else:
        for p in counts:
            one = where.replace("?p", str(ox.NamedNode(p)))
            referrers[p] = [row["s"] for row in store.query(
                f"SELECT DISTINCT ?s WHERE {{ {one} }} ORDER BY ?s LIMIT {MAX_REFERRERS}")]
    return referrers, counts


def _claims_of(store: Store, iri: str, labeller: Labeller) -> tuple[list[ClaimSummary], list[ClaimSummary]]:
    """Claims ``iri`` makes as claimant, and claims that name it as their value."""
    roles: dict[str, set[str]] = defaultdict(set)
    for row in store.query(_CLAIMS_OF % {"x": ox.NamedNode(iri)}):
        roles[row["claim"].value].add(row["role"].value)
    facts = statements_of(store, roles, (RDF_TYPE, *_SUMMARY_FIELDS))
    claims = sorted(c for c in roles if any(t.value == GK_NS + "Claim" for t in facts.get(c, {}).get(RDF_TYPE, ())))

    def first(claim: str, name: str):
        terms = facts[claim].get(GK_NS + name)
        return terms[0] if terms else None

    labeller.fetch(set(claims) | {first(c, name).value for c in claims for name in ("subject", "property", "claimant", "value")
                                                  if isinstance(first(c, name), ox.NamedNode)})
    made, naming = [], []
    for c in claims:
        v = {k: (first(c, k).value if first(c, k) is not None else None) for k in ("value", "lowerBound", "upperBound", "period")}
        value = first(c, "value")
        value_text = labeller.term(value).text if isinstance(value, ox.NamedNode) else _value_text(v["lowerBound"], v["upperBound"], v["value"])
        summary = ClaimSummary(
            claim=labeller.term(c),
            subject=labeller.term(first(c, "subject")) if first(c, "subject") is not None else None,
            property=labeller.term(first(c, "property")) if first(c, "property") is not None else Term("literal", "", "?"),
            value=value_text, period=v["period"] or "",
            claimant=labeller.term(first(c, "claimant")) if first(c, "claimant") is not None else None)
        for role in roles[c]:
            (made if role == "made" else naming).append(summary)
    key = lambda s: ((s.subject.text.casefold() if s.subject else ""), s.property.text, s.period, s.claim.value)
    return sorted(made, key=key), sorted(naming, key=key)
