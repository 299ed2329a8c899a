"""An organisation's or a place's history in order, each line with its source.

Where the source's own wording is garbled or inconsistent, the history shows the note on that
defect (``gk:SourceDefect``) in its place, never a fact made up from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .entities import english_label
from .store import Store

_CHANGES = """
SELECT ?entity ?event ?date ?start ?changeType ?original ?resulting ?quote WHERE {
  ?event a gk:ChangeEvent .
  { ?event org:originalOrganization ?entity } UNION { ?event org:resultingOrganization ?entity }
  OPTIONAL { ?event gk:date|gk:period ?date }
  OPTIONAL { ?event gk:periodStart ?start }
  OPTIONAL { ?event gk:changeType ?changeType }
  OPTIONAL { ?event org:originalOrganization ?original }
  OPTIONAL { ?event org:resultingOrganization ?resulting }
  OPTIONAL { ?event gk:evidence/oa:hasSelector/oa:exact ?quote }
}
"""

_CLAIMS = """
SELECT ?entity ?claim ?property ?value ?period ?start ?claimant ?quote ?direction ?qualifier WHERE {
  VALUES ?property { gk:subordinateTo gk:head gk:establishedBy gk:abolishedBy gk:existence gk:locatedIn gk:imprisonedIn gk:heldBy }
  { ?claim gk:subject ?entity ; gk:property ?property . OPTIONAL { ?claim gk:value ?value } BIND ("out" AS ?direction) }
  UNION
  { ?claim gk:value ?entity ; gk:property ?property ; gk:subject ?value . FILTER (?value != ?entity) BIND ("in" AS ?direction) }
  ?claim a gk:Claim .
  OPTIONAL { ?claim gk:period ?period }
  OPTIONAL { ?claim gk:periodStart ?start }
  OPTIONAL { ?claim gk:claimant ?claimant }
  OPTIONAL { ?claim gk:qualifier ?qualifier }
  OPTIONAL { ?claim gk:evidence/oa:hasSelector/oa:exact ?quote }
}
"""

_DEFECTS = """
SELECT ?entity ?note ?date ?start ?label ?quote WHERE {
  ?note a gk:SourceDefect ; dcterms:subject ?entity .
  OPTIONAL { ?note gk:date ?date }
  OPTIONAL { ?note gk:periodStart ?start }
  OPTIONAL { ?note rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL { ?note gk:evidence/oa:hasSelector/oa:exact ?quote }
}
"""

_EVENTS = """
SELECT ?entity ?event ?date ?start ?type ?quote ?derived WHERE {
  { ?event gk:involved ?entity } UNION { ?event gk:issuedBy ?entity }
  OPTIONAL { ?event prov:wasDerivedFrom ?derived }
  OPTIONAL { ?event gk:date|gk:period ?date }
  OPTIONAL { ?event gk:periodStart ?start }
  OPTIONAL { ?event gk:eventType|gk:actType ?type }
  OPTIONAL { ?event gk:evidence/oa:hasSelector/oa:exact ?quote }
}
"""

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
    """One dated line of a history: ``when`` as the source gives it (EDTF), ``start`` to sort."""

    when: str
    start: str
    what: str
    source: str
    quote: str
    iri: str


def build_timeline(store: Store, iri: str) -> list[TimelineEntry]:
    """Renamings and successions, subordination, heads, establishment, closure and events
    involving ``iri``, in order of their start (undated ones last)."""
    subs = {ox.Variable("entity"): ox.NamedNode(iri)}
    entries: dict[str, TimelineEntry] = {}

    def label(term) -> str:
        return english_label(store, term.value) if isinstance(term, ox.NamedNode) else (term.value if term is not None else "")

    grouped: dict[str, dict] = {}
    for row in store.query(_CHANGES, substitutions=subs):
        g = grouped.setdefault(row["event"].value, {"row": row, "orig": set(), "res": set()})
        if row["original"] is not None:
            g["orig"].add(label(row["original"]))
        if row["resulting"] is not None:
            g["res"].add(label(row["resulting"]))
    for event, g in grouped.items():
        row = g["row"]
        kind = label(row["changeType"]) if row["changeType"] is not None else "change"
        what = f"{kind}: {', '.join(sorted(g['orig']))} → {', '.join(sorted(g['res']))}"
        entries[event] = TimelineEntry(
            row["date"].value if row["date"] is not None else "", row["start"].value if row["start"] is not None else "",
            what, "Wikipedia: Gulag", row["quote"].value if row["quote"] is not None else "", event)
    for row in store.query(_CLAIMS, substitutions=subs):
        prop = row["property"].value.rsplit("#", 1)[-1]
        phrase = _PHRASES.get((prop, row["direction"].value), prop + " {value}")
        what = phrase.format(value=label(row["value"]))
        if prop in ("establishedBy", "abolishedBy", "heldBy") and row["qualifier"] is not None:
            what += f" ({row['qualifier'].value})"  # "began to form the gulag system" is not "established"
        entries.setdefault(row["claim"].value, TimelineEntry(
            row["period"].value if row["period"] is not None else "",
            row["start"].value if row["start"] is not None else "",
            what, f"claimed by {label(row['claimant'])}" if row["claimant"] is not None else "",
            row["quote"].value if row["quote"] is not None else "", row["claim"].value))
    for row in store.query(_DEFECTS, substitutions=subs):
        note = row["note"].value
        entries.setdefault(note, TimelineEntry(
            row["date"].value if row["date"] is not None else "", row["start"].value if row["start"] is not None else "",
            f"note on the source: {row['label'].value if row['label'] is not None else english_label(store, note)}",
            "defect of the source", row["quote"].value if row["quote"] is not None else "", note))
    for row in store.query(_EVENTS, substitutions=subs):
        event = row["event"].value
        if event in entries:
            continue
        kind = label(row["type"]) if row["type"] is not None else "event"
        entries[event] = TimelineEntry(
            row["date"].value if row["date"] is not None else "", row["start"].value if row["start"] is not None else "",
            f"{kind}: {english_label(store, event)}",
            label(row["derived"]) if row["derived"] is not None else "Wikipedia: Gulag",  # an imported data set's events name it
            row["quote"].value if row["quote"] is not None else "", event)
    return sorted(entries.values(), key=lambda e: (e.start == "", e.start, e.when, e.what, e.iri))
