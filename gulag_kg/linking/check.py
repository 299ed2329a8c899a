"""Checking every Wikidata link of the graph against what Wikidata says now.

For each ``owl:sameAs`` link of an entity of the six kinds, the item is fetched (labels, ``P31``,
dates, coordinates, number of deaths) and compared with our labels and claims. Each disagreement
is one row: the item is missing or redirected, no label is close to ours, the type is not one
expected for the kind, a date differs, the coordinates are far apart, or Wikidata gives a number
of deaths that none of our claims gives. The report doubles as "what Wikidata says differently"
for historians; it changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..entities import compact
from .ours import LINK_TYPES, OurEntity, our_entities
from .scoring import (PROPERTY_NAMES, best_label_match, closest_coordinates, compare_dates, default_classes,
                      describe_class)
from .wikibase import Wikibase, WikidataItem, WikiQuantity

CHECK_COLUMNS = ("entity", "label", "qid", "check", "ours", "wikidata", "note")
#: Below this label similarity, the labels are reported as different.
LABEL_AGREEMENT = 0.8
#: Beyond this distance, coordinates are reported as different.
COORDINATE_AGREEMENT_KM = 25.0
#: Relative tolerance for figures (rounding in the sources).
FIGURE_TOLERANCE = Decimal("0.005")


@dataclass(frozen=True)
class Disagreement:
    entity: str
    label: str
    qid: str
    check: str       # missing, redirect, label, type, date, coordinates, figure
    ours: str
    wikidata: str
    note: str = ""

    def cells(self) -> list[str]:
        return [self.entity, self.label, self.qid, self.check, self.ours, self.wikidata, self.note]


@dataclass(frozen=True)
class CheckReport:
    links: int                      # links checked
    rows: tuple[Disagreement, ...]
    sources: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for row in self.rows:
            out[row.check] += 1
        return dict(sorted(out.items()))


@dataclass(frozen=True)
class _Figure:
    claim: str
    value: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    period: str

    def text(self) -> str:
        if self.value is not None:
            out = f"{self.value:,}"
        else:
            out = f"{self.lower:,}–{self.upper:,}" if self.lower is not None and self.upper is not None else (
                f"≥ {self.lower:,}" if self.lower is not None else f"≤ {self.upper:,}")
        return out + (f" ({self.period})" if self.period else "") + f" [{compact(self.claim)}]"

    def agrees(self, q: WikiQuantity) -> bool:
        def near(a: Decimal, b: Decimal) -> bool:
            return abs(a - b) <= FIGURE_TOLERANCE * max(abs(a), abs(b), Decimal(1))

        if self.value is not None and near(self.value, q.amount):
            return True
        if self.lower is not None and self.upper is not None and self.lower <= q.amount <= self.upper:
            return True
        if q.lower is not None and q.upper is not None and self.value is not None and q.lower <= self.value <= q.upper:
            return True
        return (self.lower is not None and self.upper is not None and q.lower is not None and q.upper is not None
                and near(self.lower, q.lower) and near(self.upper, q.upper))


def _dec(term) -> Decimal | None:
    if term is None:
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def _death_figures(store, entities: list[str]) -> dict[str, list[_Figure]]:
    out: dict[str, list[_Figure]] = defaultdict(list)
    if not entities:
        return out
    values = " ".join(f"<{e}>" for e in entities)
    for row in store.query(f"""SELECT ?e ?claim ?value ?lower ?upper ?period WHERE {{
  VALUES ?e {{ {values} }}
  ?claim a gk:Claim ; gk:subject ?e ; gk:property gk:deaths .
  FILTER NOT EXISTS {{ ?claim gk:rank gk:DeprecatedRank }}
  FILTER NOT EXISTS {{ ?claim gk:unit ?unit FILTER (?unit != <{_UNIT_PEOPLE}>) }}
  OPTIONAL {{ ?claim gk:value ?value }} OPTIONAL {{ ?claim gk:lowerBound ?lower }}
  OPTIONAL {{ ?claim gk:upperBound ?upper }} OPTIONAL {{ ?claim gk:period ?period }}
}} ORDER BY ?claim"""):
        figure = _Figure(row["claim"].value, _dec(row["value"]), _dec(row["lower"]), _dec(row["upper"]),
                         row["period"].value if row["period"] is not None else "")
        if figure.value is not None or figure.lower is not None or figure.upper is not None:
            out[row["e"].value].append(figure)
    return out


_UNIT_PEOPLE = "https://w3id.org/gulag-kg/vocab/unit/people"


def check_links(store, wikibase: Wikibase, *, types: tuple[str, ...] = LINK_TYPES,
                classes: Mapping[str, tuple[tuple[str, str], ...]] | None = None) -> CheckReport:
    """Compare every Wikidata link of entities of ``types`` with the item it points to.

    ``classes`` are the Wikidata classes expected for each kind (default:
    :func:`~gulag_kg.linking.scoring.default_classes`); the type of a kind without any is not
    checked."""
    if classes is None:
        classes = default_classes()
    entities = [e for e in our_entities(store, types=types) if e.qids]
    pairs = [(e, q) for e in entities for q in e.qids]
    qids = {q for _, q in pairs}
    items = wikibase.items(qids) if qids else {}
    targets = {i.redirect for i in items.values() if i.redirect and i.redirect not in items}
    if targets:
        items.update(wikibase.items(targets))

    def current(qid: str) -> WikidataItem:
        item = items[qid]
        return items.get(item.redirect, item) if item.redirect else item

    by_type: dict[str, set[str]] = defaultdict(set)
    for e, q in pairs:
        if current(q).found:
            by_type[e.type].add(current(q).qid)
    matches: dict[tuple[str, str], set[str]] = {}
    for kind, kind_qids in by_type.items():
        expected = [q for q, _ in classes.get(kind, ())]
        if not expected:
            continue  # the type of this kind is not checked
        for qid, cls in wikibase.subclass_matches(kind_qids, expected).items():
            matches[(kind, qid)] = cls
    class_qids = {c for e, q in pairs if current(q).found for c in current(q).instance_of[:3]}
    class_labels = wikibase.english_labels(class_qids) if class_qids else {}
    figures = _death_figures(store, sorted({e.iri for e in entities}))

    rows: list[Disagreement] = []
    for e, qid in pairs:
        rows += _check_one(e, qid, items[qid], current(qid), matches.get((e.type, current(qid).qid), set()),
                           classes.get(e.type, ()), class_labels, figures.get(e.iri, []), wikibase.locations)
    return CheckReport(len(pairs), tuple(rows), wikibase.locations)


def _check_one(e: OurEntity, qid: str, item: WikidataItem, target: WikidataItem, type_matches: set[str],
               expected, class_labels, figures: list[_Figure], sources) -> list[Disagreement]:
    out = []

    def report(check: str, ours: str, wikidata: str, note: str = "") -> None:
        out.append(Disagreement(e.iri, e.label, qid, check, ours, wikidata, note))

    if not item.found:
        report("missing", e.label, f"no item {qid}", f"not found at {' / '.join(sources)}; deleted, or a wrong id?")
        return out
    if item.redirect:
        report("redirect", qid, f"redirects to {item.redirect}", "update the link to the item it redirects to")
        if not target.found:
            return out
    item = target
    match = best_label_match(e, item)
    if match is None or match.score < LABEL_AGREEMENT:
        ours = "; ".join(f"{t}@{lang or '-'}" for t, lang in (e.labels + e.alt_labels)[:4])
        theirs = "; ".join(f"{t}@{lang or '-'}" for t, lang, _ in item.all_labels()[:4]) or "no labels"
        report("label", ours, theirs, f"closest: {match.words()}" if match else "")
    if expected and item.instance_of and not type_matches:
        wanted = ", ".join(f"{q} ({n})" if n else q for q, n in expected)
        report("type", e.type, "instance of " + ", ".join(describe_class(c, class_labels) for c in item.instance_of[:3]),
               f"not a kind of any class expected for {e.type}: {wanted}")
    for c in compare_dates(e.dates, item):
        if c.verdict != "agrees":
            report("date", c.ours.source, f"{PROPERTY_NAMES.get(c.pid, c.pid)} ({c.pid}) {c.theirs.text()}",
                   c.gap())
    closest = closest_coordinates(e, item)
    if closest and closest[0] > COORDINATE_AGREEMENT_KM:
        km, (lat, lon, via), (wlat, wlon) = closest
        report("coordinates", f"{lat:.4f}, {lon:.4f}" + (f" (via {via})" if via else ""),
               f"{wlat:.4f}, {wlon:.4f}", f"{km:.0f} km apart")
    for q in item.quantities.get("P1120", ()):
        if not any(f.agrees(q) for f in figures):
            ours = "; ".join(f.text() for f in figures) if figures else "no claim of deaths"
            report("figure", ours, f"number of deaths (P1120) {q.text()}",
                   "none of our claims gives this figure" if figures else "we hold no figure to compare")
    return out


def format_check_tsv(rows) -> str:
    lines = ["\t".join(CHECK_COLUMNS)]
    for row in rows:
        lines.append("\t".join(" ".join(str(c).split()) for c in row.cells()))
    return "\n".join(lines) + "\n"
