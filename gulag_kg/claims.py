"""Every claim about a thing, side by side: the table the article describes in prose."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .entities import compact
from .errors import GulagKgError
from .prefixes import GK_NS, PREFIXES
from .store import Store

_CLAIMS = """
SELECT ?subject ?claim ?property ?value ?lower ?upper ?unit ?period ?start ?end ?rank ?stance ?method
       ?claimant ?statedIn ?qualifier ?stanceReason
       (GROUP_CONCAT(DISTINCT ?quote; SEPARATOR="\\u001f") AS ?quotes)
       (GROUP_CONCAT(DISTINCT ?relation; SEPARATOR="\\u001f") AS ?relations)
       (GROUP_CONCAT(DISTINCT ?category; SEPARATOR="\\u001f") AS ?categories)
       (GROUP_CONCAT(DISTINCT ?place; SEPARATOR="\\u001f") AS ?places)
WHERE {
  # The entity itself, and what owl:sameAs says is the same (e.g. a camp of an imported dataset).
  { ?claim gk:subject ?subject } UNION { ?claim gk:subject ?same . { ?subject owl:sameAs ?same } UNION { ?same owl:sameAs ?subject } }
  ?claim a gk:Claim ; gk:property ?property .
  OPTIONAL { ?claim gk:value ?value }
  OPTIONAL { ?claim gk:lowerBound ?lower }
  OPTIONAL { ?claim gk:upperBound ?upper }
  OPTIONAL { ?claim gk:unit ?unit }
  OPTIONAL { ?claim gk:period ?period }
  OPTIONAL { ?claim gk:periodStart ?start }
  OPTIONAL { ?claim gk:periodEnd ?end }
  OPTIONAL { ?claim gk:rank ?rank }
  OPTIONAL { ?claim gk:stance ?stance }
  OPTIONAL { ?claim gk:method ?method }
  OPTIONAL { ?claim gk:claimant ?claimant }
  OPTIONAL { ?claim gk:statedIn ?statedIn }
  OPTIONAL { ?claim gk:qualifier ?qualifier }
  OPTIONAL { ?claim gk:stanceReason ?stanceReason }
  OPTIONAL { ?claim gk:evidence/oa:hasSelector/oa:exact ?quote }
  OPTIONAL { VALUES ?rel { gk:disputes gk:revises gk:summarises gk:sameFigureAs }
             ?claim ?rel ?other . BIND (CONCAT(STRAFTER(STR(?rel), "#"), " ", STR(?other)) AS ?relation) }
  OPTIONAL { ?other2 ?rel2 ?claim . VALUES ?rel2 { gk:disputes gk:revises gk:summarises }
             BIND (CONCAT(STRAFTER(STR(?rel2), "#"), "By ", STR(?other2)) AS ?relation) }
  OPTIONAL { ?claim gk:aboutCategory ?category }
  OPTIONAL { ?claim gk:aboutPlace ?place }
}
GROUP BY ?subject ?claim ?property ?value ?lower ?upper ?unit ?period ?start ?end ?rank ?stance ?method
         ?claimant ?statedIn ?qualifier ?stanceReason
"""


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

    @property
    def value_text(self) -> str:
        """The value or range in words: ``1053829``, ``2300000–17600000``, ``≥ 1600000``."""
        if self.value is not None and self.lower is None and self.upper is None:
            return self.value_label or self.value
        if self.lower is not None and self.upper is not None:
            text = f"{self.lower}–{self.upper}"
        elif self.lower is not None:
            text = f"≥ {self.lower}"
        elif self.upper is not None:
            text = f"≤ {self.upper}"
        else:
            text = ""
        if self.value is not None:
            text = f"{self.value} ({text})"
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


def _label_map(store: Store, iris: set[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(iris))
    labels: dict[str, str] = {}
    for row in store.query(f"""
        SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label|skos:prefLabel ?l }}
        ORDER BY ?s DESC(LANGMATCHES(LANG(?l), "en")) ?l"""):
        labels.setdefault(row["s"].value, row["l"].value)
    return labels


def _split(term) -> tuple[str, ...]:
    if term is None or not term.value:
        return ()
    return tuple(sorted(term.value.split("\u001f")))


def list_claims(store: Store, subject: str, prop: str | None = None) -> list[ClaimRow]:
    """Claims whose ``gk:subject`` is ``subject`` or an entity ``owl:sameAs`` it (optionally only
    one property), sorted by property, start of period, then value."""
    substitutions = {ox.Variable("subject"): ox.NamedNode(subject)}
    if prop is not None:
        substitutions[ox.Variable("property")] = ox.NamedNode(resolve_property(store, prop))
    rows = list(store.query(_CLAIMS, substitutions=substitutions))

    def v(row, name):
        term = row[name]
        return term.value if term is not None else None

    iris = set()
    for row in rows:
        for name in ("value", "claimant", "statedIn", "unit", "rank", "stance", "method", "property"):
            if isinstance(row[name], ox.NamedNode):
                iris.add(row[name].value)
    labels = _label_map(store, iris)
    out = []
    for row in rows:
        value = row["value"]
        out.append(ClaimRow(
            iri=v(row, "claim"),
            property=compact(v(row, "property")),
            value=v(row, "value"),
            value_label=labels.get(value.value) if isinstance(value, ox.NamedNode) else None,
            lower=v(row, "lower"),
            upper=v(row, "upper"),
            unit=labels.get(v(row, "unit") or "", compact(v(row, "unit"))) if row["unit"] is not None else None,
            period=v(row, "period"),
            period_start=v(row, "start"),
            period_end=v(row, "end"),
            rank=compact(v(row, "rank") or GK_NS + "NormalRank").removeprefix("gk:").removesuffix("Rank").lower(),
            stance=labels.get(v(row, "stance") or "", None) if row["stance"] is not None else None,
            method=labels.get(v(row, "method") or "", None) if row["method"] is not None else None,
            stance_id=v(row, "stance").rsplit("/", 1)[-1] if row["stance"] is not None else None,
            method_id=v(row, "method").rsplit("/", 1)[-1] if row["method"] is not None else None,
            claimant=v(row, "claimant"),
            claimant_label=labels.get(v(row, "claimant") or "") if row["claimant"] is not None else None,
            stated_in=v(row, "statedIn"),
            stated_in_label=labels.get(v(row, "statedIn") or "") if row["statedIn"] is not None else None,
            qualifier=v(row, "qualifier"),
            stance_reason=v(row, "stanceReason"),
            quotes=_split(row["quotes"]),
            relations=_split(row["relations"]),
            categories=_split(row["categories"]),
            places=_split(row["places"]),
        ))

    def number(text):
        try:
            return float(text)
        except (TypeError, ValueError):
            return float("inf")

    return sorted(out, key=lambda c: (c.property, c.period_start or "9999", c.period_end or "9999",
                                      number(c.value if c.value is not None else c.lower), c.iri))
