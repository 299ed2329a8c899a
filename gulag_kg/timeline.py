"""An organisation's or a place's history in order, each line with its source.

Where the source's own wording is garbled or inconsistent, the history shows the note on that
defect (``gk:SourceDefect``) in its place, never a fact made up from it.

A history takes in what ``owl:sameAs`` says is the same thing, as :func:`gulag_kg.claims.list_claims`
does (the article's Sevvostlag and the museum's record of it, ``camp:gulagmap-7``): each line then
names the entity it is about and the work it comes from (which release of the museum's data).

The lines are found with one query and their fields read with one plain pattern for all of them
(:mod:`gulag_kg.lookup`): under 1 ms for an entity without a history on the shipped graph, where
four queries bound with ``substitutions`` took about 10 ms.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from .entities import compact
from .lookup import iri_terms, labels_of, quotes_of, same_entities, statements_of
from .prefixes import GK_NS, PREFIXES
from .store import Store

_ARTICLE = "Wikipedia: Gulag"  # lines of the shipped graph's events and changes carry no prov:wasDerivedFrom

#: The claim properties a history shows (both ways: a camp subordinate to the GULAG is a line of each).
PROPERTIES = ("subordinateTo", "head", "establishedBy", "abolishedBy", "existence", "locatedIn", "imprisonedIn", "heldBy")

# Every node that makes a line, and how it relates to one of the entities (the thing and what is
# owl:sameAs it).
_LINES = """
SELECT DISTINCT ?node ?entity ?kind WHERE {
  VALUES ?entity { %s }
  { ?node org:originalOrganization|org:resultingOrganization ?entity BIND ("change" AS ?kind) }
  UNION { ?node gk:subject ?entity BIND ("out" AS ?kind) }
  UNION { ?node gk:value ?entity BIND ("in" AS ?kind) }
  UNION { ?node dcterms:subject ?entity BIND ("defect" AS ?kind) }
  UNION { ?node gk:involved|gk:issuedBy ?entity BIND ("event" AS ?kind) }
}
"""

_GK = {name: GK_NS + name for name in (
    "ChangeEvent", "Claim", "SourceDefect", "date", "period", "periodStart", "changeType", "property", "value",
    "subject", "claimant", "statedIn", "qualifier", "eventType", "actType")}
_ORG, _PROV = PREFIXES["org"], PREFIXES["prov"]
RDF_TYPE, RDFS_LABEL = PREFIXES["rdf"] + "type", PREFIXES["rdfs"] + "label"
ORIGINAL, RESULTING = _ORG + "originalOrganization", _ORG + "resultingOrganization"
DERIVED_FROM = _PROV + "wasDerivedFrom"

_PHRASES = {
    ("subordinateTo", "out"): "subordinate to {value}",
    ("subordinateTo", "in"): "{value} subordinate to it",
    ("locatedNear", "out"): "located near {value}",
    ("locatedNear", "in"): "{value} located near here",
    ("head", "out"): "headed by {value}",
    ("head", "in"): "head of {value}",
    ("establishedBy", "out"): "established by {value}",
    ("establishedBy", "in"): "established {value}",
    ("abolishedBy", "out"): "abolished by {value}",
    ("abolishedBy", "in"): "abolished {value}",
    ("existence", "out"): "existed",
    ("locatedIn", "out"): "located in {value}",
    ("locatedIn", "in"): "{value} located here",
    ("imprisonedIn", "out"): "imprisoned in {value}",
    ("imprisonedIn", "in"): "{value} imprisoned here",
    ("heldBy", "out"): "held {value}",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of a history: ``when`` as the source gives it (EDTF), ``start`` to sort,
    ``quotes`` the words of its evidence.

    ``about`` is the entity the line is about when it is not the thing itself but what
    ``owl:sameAs`` says is the same (``about_label`` its name); empty otherwise."""

    when: str
    start: str
    what: str
    source: str
    quotes: tuple[str, ...]
    iri: str
    about: str = ""
    about_label: str = ""

    @property
    def quote(self) -> str:
        """The first of the quotes (they are sorted), or ``""``."""
        return self.quotes[0] if self.quotes else ""


def build_timeline(store: Store, iri: str) -> list[TimelineEntry]:
    """Renamings and successions, subordination, heads, establishment, closure and events
    involving ``iri`` or what is ``owl:sameAs`` it, in order of their start (undated ones last)."""
    entities = same_entities(store, iri)
    found: dict[str, dict[str, str]] = defaultdict(dict)  # node -> kind -> entity
    for row in store.query(_LINES % iri_terms(entities)):
        node, kind, entity = row["node"].value, row["kind"].value, row["entity"].value
        if entity == iri or kind not in found[node]:  # the thing itself before what is the same as it
            found[node][kind] = entity
    if not found:
        return []
    facts = statements_of(store, found, [RDF_TYPE, RDFS_LABEL, ORIGINAL, RESULTING, DERIVED_FROM, *_GK.values()])
    quotes = quotes_of(store, found)
    nodes = sorted(found)

    def first(node: str, *predicates: str):
        for p in predicates:
            terms = facts.get(node, {}).get(p)
            if terms:
                return terms[0]
        return None

    def text(term) -> str:
        return term.value if term is not None else ""

    def is_a(node: str, cls: str) -> bool:
        return any(t.value == _GK[cls] for t in facts.get(node, {}).get(RDF_TYPE, ()))

    wanted = {t.value for node, by_p in facts.items() for p, terms in by_p.items() if p != RDF_TYPE
              for t in terms if isinstance(t, ox.NamedNode)} | set(found) | set(entities)
    labels = labels_of(store, wanted)

    def label(term) -> str:
        if isinstance(term, ox.NamedNode):
            return labels.get(term.value, compact(term.value))
        return text(term)

    entries: dict[str, TimelineEntry] = {}

    def add(node: str, entity: str, when, start, what: str, source: str) -> None:
        about = "" if entity == iri else entity
        entries.setdefault(node, TimelineEntry(text(when), text(start), what, source, quotes.get(node, ()), node,
                                               about, labels.get(about, compact(about)) if about else ""))

    def work_of(node: str) -> str:
        derived = first(node, DERIVED_FROM)  # an imported data set's events name it
        return label(derived) if derived is not None else _ARTICLE

    for node in nodes:
        kinds = found[node]
        if "change" in kinds and is_a(node, "ChangeEvent"):
            kind = label(first(node, _GK["changeType"])) if first(node, _GK["changeType"]) is not None else "change"
            orig = sorted({label(t) for t in facts[node].get(ORIGINAL, ())})
            res = sorted({label(t) for t in facts[node].get(RESULTING, ())})
            add(node, kinds["change"], first(node, _GK["date"], _GK["period"]), first(node, _GK["periodStart"]),
                f"{kind}: {', '.join(orig)} → {', '.join(res)}", work_of(node))
        elif ("out" in kinds or "in" in kinds) and is_a(node, "Claim"):
            prop = first(node, _GK["property"])
            local = prop.value.rsplit("#", 1)[-1] if prop is not None and prop.value.startswith(GK_NS) else ""
            direction = "out" if "out" in kinds else "in"
            subject = first(node, _GK["subject"])
            if local not in PROPERTIES or (direction == "in" and (subject is None or subject.value in entities)):
                continue
            value = first(node, _GK["value"]) if direction == "out" else subject
            what = _PHRASES.get((local, direction), local + " {value}").format(value=label(value))
            qualifier = first(node, _GK["qualifier"])
            if local in ("establishedBy", "abolishedBy", "heldBy") and qualifier is not None:
                what += f" ({qualifier.value})"  # "began to form the gulag system" is not "established"
            claimant, stated_in = first(node, _GK["claimant"]), first(node, _GK["statedIn"])
            source = f"claimed by {label(claimant)}" if claimant is not None else ""
            if stated_in is not None and (claimant is None or stated_in != claimant):
                source += (" in " if source else "stated in ") + label(stated_in)
            add(node, kinds[direction], first(node, _GK["period"]), first(node, _GK["periodStart"]), what, source)
        elif "defect" in kinds and is_a(node, "SourceDefect"):
            english = [t for t in facts[node].get(RDFS_LABEL, ()) if getattr(t, "language", None) == "en"]
            add(node, kinds["defect"], first(node, _GK["date"]), first(node, _GK["periodStart"]),
                f"note on the source: {english[0].value if english else labels.get(node, compact(node))}",
                "defect of the source")
    for node in nodes:  # events last: a change event that involves the entity is listed as a change
        kinds = found[node]
        if "event" in kinds and node not in entries:
            # every type it has (Dekulakization is a campaign of repression and a deportation)
            types = sorted({label(t) for p in ("eventType", "actType") for t in facts[node].get(_GK[p], ())})
            add(node, kinds["event"], first(node, _GK["date"], _GK["period"]), first(node, _GK["periodStart"]),
                f"{', '.join(types) or 'event'}: {labels.get(node, compact(node))}", work_of(node))
    return sorted(entries.values(), key=lambda e: (e.start == "", e.start, e.when, e.what, e.iri))
