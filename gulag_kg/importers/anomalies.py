"""Checks for what is odd in a source's figures and places: flagged, never "fixed".

Each check returns :class:`~.core.Anomaly` objects; the importer writes each into its graph
(:meth:`.graph.Writer.anomaly`), where ``shapes/imports.shacl.ttl`` turns it into a SHACL warning,
and the report lists them by file and line. The value itself is imported as the source gives it.

The thresholds are stated where they are defined and in the messages, so that a reader can
judge a flag.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import URIRef

from .core import Anomaly, Record

__all__ = [
    "Figure", "Position", "duplicate_figures", "figures_above_maximum", "figures_outside_life",
    "outlying_figures", "position_anomalies",
]  # fmt: skip

#: A count is an outlier if it is more than this many times the largest other count of the source.
OUTLIER_FACTOR = 2
#: The territory the camps of these sources lie in (the USSR, the Soviet zone of Germany and
#: Mongolia, crossing 180°): latitude, and longitude east (or west of -168°, Chukotka).
TERRITORY_LAT = (35.0, 82.0)
TERRITORY_LON_EAST = (9.0, 180.0)
TERRITORY_LON_WEST = -168.0
#: A place is far from its region when the second-nearest place of another camp of that region is
#: farther than this (regions are large; Norilsk, far north of most of its region, is within it).
REGION_KM = 1200
#: A region is judged only with places of at least this many other camps.
REGION_MIN = 5
#: A place is far from its camp when every other place of the camp is farther than this.
SITE_KM = 1500
#: Coordinates look swapped when, swapped, the place would lie this close to its region or camp
#: (and as given it lies far from them).
SWAPPED_KM = 400


@dataclass(frozen=True)
class Figure:
    """One count of a source: the site it counts, the year, the value, the claim node."""

    site: Hashable
    year: int
    value: int
    node: URIRef
    record: Record
    field: str | None = None


@dataclass(frozen=True)
class Position:
    """One located place of a site, with the region the source puts the site in (if any)."""

    site: Hashable
    node: URIRef
    lat: float
    lon: float
    record: Record
    region: Hashable | None = None
    fields: tuple[str, ...] = field(default=())


def _anomaly(kind: str, fig_or_pos, message: str, *others) -> Anomaly:
    rec = fig_or_pos.record
    fields = (getattr(fig_or_pos, "field", None),) if hasattr(fig_or_pos, "field") else (fig_or_pos.fields or (None,))
    records = tuple((rec, f) for f in fields) + tuple((o.record, getattr(o, "field", None)) for o in others)
    return Anomaly(rec.file, rec.line_of(fields[0]), kind, fig_or_pos.node, message, records)


def _where(f: Figure) -> str:
    return f"{f.record.file}, line {f.record.line_of(f.field)}"


def duplicate_figures(figures: Iterable[Figure], *, label: str = "camp") -> list[Anomaly]:
    """Two or more counts of one source for the same site and year: each is flagged, naming the
    others (equal values too: a count given twice is a repeated record, not a confirmation)."""
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for f in figures:
        groups[(f.site, f.year)].append(f)
    out = []
    for (site, year), group in groups.items():
        if len(group) < 2:
            continue
        for f in group:
            others = [o for o in group if o is not f]
            said = "; ".join(f"{o.value:,} ({_where(o)})" for o in others)
            same = all(o.value == f.value for o in others)
            out.append(_anomaly(
                "duplicate-count", f,
                f"{'The same count' if same else 'Another count'} for {label} {site} in {year}: {f.value:,} here, {said}.",
                *others))
    return out


def outlying_figures(figures: Iterable[Figure], *, factor: int = OUTLIER_FACTOR) -> list[Anomaly]:
    """Counts more than ``factor`` times the largest other count of the whole source."""
    figures = list(figures)
    if len(figures) < 2:
        return []
    ranked = sorted(figures, key=lambda f: f.value, reverse=True)
    out = []
    for i, f in enumerate(ranked):
        other = ranked[1].value if i == 0 else ranked[0].value
        if f.value <= factor * other:
            break
        out.append(_anomaly("count-outlier", f, f"A count of {f.value:,} for {f.year}, more than {factor} times the "
                                                f"largest other count of the source ({other:,})."))
    return out


def figures_above_maximum(figures: Iterable[Figure], maxima: Mapping[Hashable, tuple[int, Record, str]]) -> list[Anomaly]:
    """Counts above the maximum population the source itself gives for the site."""
    out = []
    for f in figures:
        if f.site in maxima and f.value > maxima[f.site][0]:
            value, record, name = maxima[f.site]
            out.append(_anomaly(
                "count-above-maximum", f,
                f"The count for {f.year} ({f.value:,}) is above the maximum the source gives for the camp "
                f"({value:,}, {record.file}, line {record.line_of(name)}).", Figure(f.site, 0, value, f.node, record, name)))
    return out


def figures_outside_life(figures: Iterable[Figure], life: Mapping[Hashable, list[tuple[int | None, int | None]]],
                         *, whose: str = "the source") -> list[Anomaly]:
    """Counts for a year in which, by the spans ``life`` gives, the site did not exist."""
    out = []
    for f in figures:
        spans = [s for s in life.get(f.site, []) if s != (None, None)]
        if not spans or any((a is None or a <= f.year) and (b is None or f.year <= b) for a, b in spans):
            continue
        shown = ", ".join(f"{a or '?'}–{b or '?'}" for a, b in spans)
        out.append(_anomaly("year-outside-life", f, f"A count for {f.year}, outside the camp's life as {whose} gives it ({shown})."))
    return out


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def in_territory(lat: float, lon: float) -> bool:
    return TERRITORY_LAT[0] <= lat <= TERRITORY_LAT[1] and (
        TERRITORY_LON_EAST[0] <= lon <= TERRITORY_LON_EAST[1] or lon <= TERRITORY_LON_WEST)


def _near_region(point, region_points: list[tuple[float, float]]) -> float | None:
    """The distance to the second-nearest of ``region_points`` (None if fewer than two)."""
    if len(region_points) < 2:
        return None
    return sorted(distance_km(point, q) for q in region_points)[1]


def position_anomalies(positions: Iterable[Position], *, region_names: Mapping[Hashable, str] | None = None) -> list[Anomaly]:
    """Coordinates that look swapped, places far from the other places of their camp's region,
    and places far from every other place of their own camp.

    Swapped: the place as given lies outside the territory of the camps and swapped within it,
    or it lies far from its region (or, with no region, from every other place of its camp) and
    swapped within SWAPPED_KM of it. A swapped-looking place is not checked further.
    """
    positions = list(positions)
    by_region: dict[Hashable, list[Position]] = defaultdict(list)
    by_site: dict[Hashable, list[Position]] = defaultdict(list)
    for p in positions:
        by_site[p.site].append(p)
        if p.region is not None:
            by_region[p.region].append(p)
    region_names = region_names or {}
    out: list[Anomaly] = []
    swapped_by_siblings: dict[Hashable, list[Anomaly]] = defaultdict(list)
    for p in positions:
        point = (p.lat, p.lon)
        others = [q for q in by_region.get(p.region, []) if q.site != p.site and in_territory(q.lat, q.lon)]
        region = [(q.lat, q.lon) for q in others] if len({q.site for q in others}) >= REGION_MIN else []
        siblings = [(q.lat, q.lon) for q in by_site[p.site] if q.node != p.node and (q.lat, q.lon) != point]

        def context(x: tuple[float, float]) -> tuple[float | None, int]:
            if region:
                return _near_region(x, region), REGION_KM
            if siblings:
                return min(distance_km(x, q) for q in siblings), SITE_KM
            return None, 0

        if -90 <= p.lon <= 90 and p.lat != p.lon:
            swapped = (p.lon, p.lat)
            here, limit = context(point)
            there, _ = context(swapped)
            outside = not in_territory(*point) and in_territory(*swapped)
            misplaced = here is not None and here > limit and there is not None and there <= SWAPPED_KM
            if outside or misplaced:
                why = ("as given the place lies outside the territory of the camps" if outside
                       else f"as given the place lies {here:,.0f} km from its {'region' if limit == REGION_KM else 'camp'}")
                found = _anomaly("coordinates-swapped", p, f"Latitude {p.lat} and longitude {p.lon} of a place of camp {p.site} "
                                 f"look swapped: {why}, swapped it would not.")
                if outside or limit == REGION_KM:
                    out.append(found)
                    continue
                swapped_by_siblings[p.site].append(found)
        if region:
            far = _near_region(point, region)
            if far > REGION_KM:
                name = region_names.get(p.region, p.region)
                out.append(_anomaly("location-far-from-region", p, f"The place of camp {p.site} is {far:,.0f} km from the "
                                    f"second-nearest place of another camp of its region ({name}); more than {REGION_KM:,} km."))
        if siblings:
            nearest = min(distance_km(point, q) for q in siblings)
            if nearest > SITE_KM:
                out.append(_anomaly("location-far-from-camp", p, f"The place of camp {p.site} is {nearest:,.0f} km from the "
                                    f"nearest other place of the camp; more than {SITE_KM:,} km."))
    # Judged by the camp's other places alone, a swap is certain only if one place of the camp looks swapped
    # (with two places far apart, each looks swapped against the other: both stay "far from the camp").
    out.extend(found[0] for found in swapped_by_siblings.values() if len(found) == 1)
    far = {(a.subject, a.kind) for a in out}
    return [a for a in out if not (a.kind == "location-far-from-camp" and (a.subject, "coordinates-swapped") in far)]
