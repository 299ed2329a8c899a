"""What our graph says about the entities we link: labels, dates, coordinates, existing links.

Entities are grouped in the six kinds a user links (``--type``): agency, camp, person, place,
work, event. Dates come from the claims and facts the graph holds (the existence claims of
agencies and camps, the date or period of events, ``schema:birthDate``/``deathDate`` of people,
``schema:datePublished`` of works); coordinates from ``geo:lat``/``geo:long`` (for a camp
without its own, those of its ``gk:location``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..edtf import edtf_bounds
from ..namespaces import GK
from .wikibase import QID, WD

LINK_TYPES = ("agency", "camp", "person", "place", "work", "event")

#: Our classes of each kind, in the order a kind is chosen for an entity with several types.
TYPE_CLASSES: dict[str, tuple[str, ...]] = {
    "person": (str(GK.Person),),
    "camp": tuple(str(GK[n]) for n in ("DetentionSite", "CampAdministration", "Camp", "CampPoint", "Colony",
                                        "SpecialSettlement", "Sharashka", "Prison")),
    "agency": (str(GK.Agency), str(GK.GoverningBody), str(GK.Organisation)),
    "event": (str(GK.Event),),
    "work": (str(GK.Work),),
    "place": (str(GK.Place),),
}
_EXCLUDED_CLASSES = (str(GK.SourceDocument),)


@dataclass(frozen=True)
class OurDate:
    """A date of ours: ``role`` is start, end, point, birth, death or published; ``first`` and
    ``last`` are the days it can mean; ``text`` is how the graph writes it; ``source`` what says so."""

    role: str
    first: date
    last: date
    text: str
    source: str


@dataclass(frozen=True)
class OurEntity:
    iri: str
    type: str
    label: str
    labels: tuple[tuple[str, str], ...]        # (text, language) of rdfs:label
    alt_labels: tuple[tuple[str, str], ...]    # skos:altLabel, gk:abbreviation
    dates: tuple[OurDate, ...] = ()
    coordinates: tuple[tuple[float, float, str], ...] = ()   # (lat, lon, where from)
    qids: tuple[str, ...] = ()                  # existing owl:sameAs links to Wikidata

    def search_texts(self, limit: int = 8) -> list[tuple[str, str]]:
        """(text, language) pairs to look up: labels first, then alternative labels."""
        out: list[tuple[str, str]] = []
        for text, lang in self.labels + self.alt_labels:
            base = (lang or "en").split("-")[0]
            langs = ("en", "mul") if base in ("en", "") or lang.endswith("-Latn") else (base,)
            for lg in langs:
                if (text, lg) not in out:
                    out.append((text, lg))
        return out[:limit]


def _values(iris) -> str:
    return " ".join(f"<{i}>" for i in iris)


def _text_dates(text: str, source: str, *, single_role: str) -> list[OurDate]:
    """The dates of an EDTF date or interval: an interval gives a start and an end."""
    out = []
    try:
        if "/" in text:
            left, _, right = text.partition("/")
            if left not in ("", ".."):
                b = edtf_bounds(left)
                out.append(OurDate("start", b.start, b.end, left, source))
            if right not in ("", ".."):
                b = edtf_bounds(right)
                out.append(OurDate("end", b.start, b.end, right, source))
        else:
            b = edtf_bounds(text)
            out.append(OurDate(single_role, b.start, b.end, text, source))
    except ValueError:
        return []  # the shapes report malformed dates; here they are just not compared
    return out


def our_entities(store, *, types: tuple[str, ...] = LINK_TYPES) -> list[OurEntity]:
    """The entities of the given kinds, with everything the scoring and checks compare."""
    class_to_type = {}
    for kind in LINK_TYPES:
        for cls in TYPE_CLASSES[kind]:
            class_to_type.setdefault(cls, kind)
    wanted_classes = [c for kind in types for c in TYPE_CLASSES[kind]]
    rows = store.query(f"SELECT DISTINCT ?e ?t WHERE {{ VALUES ?t {{ {_values(wanted_classes)} }} ?e a ?t . "
                       f"FILTER (isIRI(?e)) FILTER NOT EXISTS {{ ?e a ?x VALUES ?x {{ {_values(_EXCLUDED_CLASSES)} }} }} }}")
    kinds: dict[str, str] = {}
    order = {kind: i for i, kind in enumerate(TYPE_CLASSES)}
    for row in rows:
        iri, kind = row["e"].value, class_to_type[row["t"].value]
        if iri not in kinds or order[kind] < order[kinds[iri]]:
            kinds[iri] = kind
    if not kinds:
        return []
    entities = _values(sorted(kinds))
    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    alts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in store.query(f"SELECT ?e ?p ?l WHERE {{ VALUES ?e {{ {entities} }} "
                           "VALUES ?p { rdfs:label skos:altLabel gk:abbreviation } ?e ?p ?l FILTER (isLiteral(?l)) }"):
        target = labels if row["p"].value.endswith("#label") else alts
        pair = (row["l"].value, row["l"].language or "")
        if pair not in target[row["e"].value]:
            target[row["e"].value].append(pair)
    links: dict[str, set[str]] = defaultdict(set)
    for row in store.query(f"SELECT ?e ?wd WHERE {{ VALUES ?e {{ {entities} }} ?e owl:sameAs ?wd "
                           f'FILTER (STRSTARTS(STR(?wd), "{WD}")) }}'):
        qid = row["wd"].value[len(WD):]
        if QID.match(qid):
            links[row["e"].value].add(qid)
    dates = _dates(store, entities)
    coordinates = _coordinates(store, entities, kinds)
    out = []
    for iri in sorted(kinds):
        ls = sorted(labels[iri], key=lambda p: (p[1] != "en", p[1], p[0]))
        english = next((t for t, lang in ls if lang == "en"), ls[0][0] if ls else iri.rsplit("/", 1)[-1])
        out.append(OurEntity(
            iri=iri, type=kinds[iri], label=english, labels=tuple(ls),
            alt_labels=tuple(sorted(alts[iri], key=lambda p: (p[1] != "en", p[1], p[0]))),
            dates=tuple(sorted(dates[iri], key=lambda d: (d.role, d.first, d.source))),
            coordinates=tuple(coordinates[iri]), qids=tuple(sorted(links[iri]))))
    return out


def _dates(store, entities: str) -> dict[str, list[OurDate]]:
    out: dict[str, list[OurDate]] = defaultdict(list)
    # Existence claims (not deprecated): the period the agency or camp existed.
    for row in store.query(f"""SELECT ?e ?claim ?period WHERE {{
  VALUES ?e {{ {entities} }}
  ?claim a gk:Claim ; gk:subject ?e ; gk:property gk:existence ; gk:period ?period .
  FILTER NOT EXISTS {{ ?claim gk:rank gk:DeprecatedRank }}
}}"""):
        source = f"existence claim {_local(row['claim'].value)} ({row['period'].value})"
        out[row["e"].value] += _text_dates(row["period"].value, source, single_role="point")
    # Dates and periods of the entity itself (events), and life and publication dates.
    roles = {str(GK.date): "point", str(GK.period): "point", "https://schema.org/birthDate": "birth",
             "https://schema.org/deathDate": "death", "https://schema.org/datePublished": "published"}
    for row in store.query(f"SELECT ?e ?p ?d WHERE {{ VALUES ?e {{ {entities} }} VALUES ?p {{ {_values(roles)} }} "
                           "?e ?p ?d FILTER (isLiteral(?d)) }"):
        p = row["p"].value
        name = "gk:" + p.rsplit("#", 1)[-1] if p.startswith(str(GK._NS)) else "schema:" + p.rsplit("/", 1)[-1]
        source = f"{name} {row['d'].value}"
        for d in _text_dates(row["d"].value, source, single_role=roles[p]):
            if roles[p] in ("birth", "death", "published"):
                d = OurDate(roles[p], d.first, d.last, d.text, d.source)
            if d not in out[row["e"].value]:
                out[row["e"].value].append(d)
    return out


def _coordinates(store, entities: str, kinds: dict[str, str]) -> dict[str, list[tuple[float, float, str]]]:
    own: dict[str, set[tuple[float, float, str]]] = defaultdict(set)
    via_location: dict[str, set[tuple[float, float, str]]] = defaultdict(set)
    for row in store.query(f"""SELECT ?e ?lat ?long ?via WHERE {{
  VALUES ?e {{ {entities} }}
  {{ ?e geo:lat ?lat ; geo:long ?long }} UNION {{ ?e gk:location ?via . ?via geo:lat ?lat ; geo:long ?long }}
}}"""):
        try:
            lat, lon = float(row["lat"].value), float(row["long"].value)
        except ValueError:
            continue
        iri, via = row["e"].value, row["via"]
        if via is None:
            own[iri].add((lat, lon, ""))
        elif kinds.get(iri) == "camp":  # a camp is where its administration sat; a region is not a point
            via_location[iri].add((lat, lon, _local(via.value)))
    out: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for iri in set(own) | set(via_location):
        out[iri] = sorted(own[iri] or via_location[iri])
    return out


def _local(iri: str) -> str:
    from ..entities import compact

    return compact(iri)
