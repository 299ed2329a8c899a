"""The camp map, drawn on the server as SVG: no tiles, no network, no script.

The base layer is Natural Earth's 1:50m country boundaries (the npm package ``world-atlas``,
vendored under ``static/vendor/world-atlas``) in an Albers equal-area conic projection centred on
the Soviet Union. Points are the places of detention of the graph that have WGS84 coordinates
(``geo:lat``/``geo:long`` on the site or on a place it is ``gk:location``-ed at: the museum's
camps once ``gulag-kg import gulagmap`` is loaded). Each point links to its camp's page (which
links to the article's camp where the import matched one, ``owl:sameAs``).

The base layer is one SVG file (``map/base.svg``) that every map uses as an ``<image>``, with the
points drawn over it, so that a page carries only its points.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..store import Store

WORLD_ATLAS = Path(__file__).resolve().parent / "static" / "vendor" / "world-atlas" / "countries-50m.json"

#: The Soviet Union's extent in degrees (west, south, east, north; east past 180 for Chukotka).
USSR_EXTENT = (19.0, 35.0, 191.0, 82.0)
#: Width of the map's coordinate system (SVG user units).
WIDTH = 1000.0

_POINTS = """
SELECT ?site ?place ?lat ?long ?type WHERE {
  ?site a ?type . ?type rdfs:subClassOf* gk:DetentionSite .
  { ?site geo:lat ?lat ; geo:long ?long BIND(?site AS ?place) }
  UNION
  { ?site gk:location ?place . ?place geo:lat ?lat ; geo:long ?long }
}
"""

_SITES = """
SELECT (COUNT(DISTINCT ?site) AS ?n) WHERE { ?site a ?type . ?type rdfs:subClassOf* gk:DetentionSite }
"""


@dataclass(frozen=True)
class Point:
    """One located place of a site (the point links to the site's page)."""

    site: str
    place: str
    lat: float
    long: float
    kind: str  # local name of the site's class, for the colour and the legend


@dataclass(frozen=True)
class Projection:
    """Albers equal-area conic, scaled to the map's frame (x right, y down)."""

    lon0: float
    lat0: float
    lat1: float
    lat2: float
    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0

    def raw(self, lon: float, lat: float) -> tuple[float, float]:
        p1, p2, p0 = (math.radians(v) for v in (self.lat1, self.lat2, self.lat0))
        n = (math.sin(p1) + math.sin(p2)) / 2
        c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
        rho0 = math.sqrt(max(c - 2 * n * math.sin(p0), 0)) / n
        rho = math.sqrt(max(c - 2 * n * math.sin(math.radians(lat)), 0)) / n
        theta = n * math.radians(lon - self.lon0)
        return rho * math.sin(theta), -(rho0 - rho * math.cos(theta))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self.raw(_near(lon, self.lon0), lat)
        return x * self.scale + self.dx, y * self.scale + self.dy


def _near(lon: float, centre: float) -> float:
    """``lon`` moved by whole turns to within 180° of ``centre``."""
    return lon + 360 * round((centre - lon) / 360)


@dataclass(frozen=True)
class Frame:
    """The projection and the size of the map, fitted to an extent."""

    projection: Projection
    width: float
    height: float

    @property
    def key(self) -> tuple:
        p = self.projection
        return (p.lon0, p.lat0, p.scale, p.dx, p.dy, self.width, self.height)


def fit_frame(points: list[Point] = ()) -> Frame:
    """A frame that shows the Soviet Union and every point, with a margin."""
    west, south, east, north = USSR_EXTENT
    for p in points:
        lon = _near(p.long, (west + east) / 2)
        west, east = min(west, lon - 2), max(east, lon + 2)
        south, north = min(south, p.lat - 2), max(north, p.lat + 1)
    lon0 = (west + east) / 2
    proj = Projection(lon0=lon0, lat0=(south + north) / 2, lat1=50.0, lat2=70.0)
    samples = [proj.raw(lon, lat) for lon in _steps(west, east, 40) for lat in (south, north)]
    samples += [proj.raw(lon, lat) for lon in (west, east) for lat in _steps(south, north, 20)]
    xs, ys = [s[0] for s in samples], [s[1] for s in samples]
    scale = WIDTH / (max(xs) - min(xs))
    height = (max(ys) - min(ys)) * scale
    return Frame(Projection(lon0, proj.lat0, 50.0, 70.0, scale, -min(xs) * scale, -min(ys) * scale), WIDTH, round(height, 1))


def _steps(a: float, b: float, n: int) -> list[float]:
    return [a + (b - a) * i / n for i in range(n + 1)]


# --- the base layer ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _topology() -> dict:
    return json.loads(WORLD_ATLAS.read_text(encoding="utf-8"))


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(arcs, indexes) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _unwrapped(ring: list[tuple[float, float]], centre: float) -> list[tuple[float, float]]:
    """The ring with continuous longitudes, moved by whole turns to lie nearest ``centre``."""
    out = []
    previous = None
    for lon, lat in ring:
        if previous is not None:
            lon = _near(lon, previous)
        out.append((lon, lat))
        previous = lon
    mean = sum(p[0] for p in out) / len(out)
    shift = _near(mean, centre) - mean
    return [(lon + shift, lat) for lon, lat in out]


def _path(points: list[tuple[float, float]]) -> str:
    parts, last = [], None
    for x, y in points:
        cell = (round(x * 2) / 2, round(y * 2) / 2)  # half a unit: finer than a screen shows
        if cell != last:
            parts.append(f"{cell[0]:g},{cell[1]:g}")
            last = cell
    if len(parts) < 3:
        return ""
    return "M" + "L".join(parts) + "Z"


def base_layer_svg(frame: Frame) -> str:
    """The base map for ``frame`` as a standalone SVG document: land by country, a graticule."""
    return _base_layer_svg(frame.key, frame)


@lru_cache(maxsize=4)
def _base_layer_svg(key, frame: Frame) -> str:
    topology = _topology()
    arcs = _arcs(topology)
    proj = frame.projection
    w, h = frame.width, frame.height
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        d = []
        for polygon in polygons:
            for k, indexes in enumerate(polygon):
                ring = _ring(arcs, indexes)
                if not ring or max(lat for _, lat in ring) < 15:
                    continue
                ring = _unwrapped(ring, proj.lon0)
                lons = [lon for lon, _ in ring]
                if max(lons) - min(lons) > 300:  # goes round a pole: Antarctica
                    continue
                xy = [proj(lon, lat) for lon, lat in ring]
                xs, ys = [p[0] for p in xy], [p[1] for p in xy]
                if max(xs) < -50 or min(xs) > w + 50 or max(ys) < -50 or min(ys) > h + 50:
                    continue
                d.append(_path(xy))
        d = [x for x in d if x]
        if d:
            name = geometry.get("properties", {}).get("name", "")
            countries.append(f'<path d="{"".join(d)}"><title>{_escape(name)}</title></path>')
    graticule = []
    for lon in range(-180, 180, 20):
        line = [proj(lon, lat) for lat in range(30, 86, 2)]
        graticule.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in line))
    for lat in range(30, 90, 10):
        line = [proj(proj.lon0 + d, lat) for d in range(-180, 181, 3)]
        graticule.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in line))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h:g}" width="{w:g}" height="{h:g}">'
        '<title>Base map: Natural Earth 1:50m (public domain), via world-atlas</title>'
        f'<rect width="{w:g}" height="{h:g}" fill="#dfe9ee"/>'
        '<g fill="#f6f3ea" stroke="#b9b2a0" stroke-width="0.6" stroke-linejoin="round">' + "".join(countries) + "</g>"
        f'<path d="{"".join(graticule)}" fill="none" stroke="#9fb3bd" stroke-width="0.4" stroke-dasharray="2 3"/>'
        "</svg>\n"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --- the points ------------------------------------------------------------------------------


def camp_points(store: Store) -> list[Point]:
    """Every located place of every place of detention, once, in a stable order."""
    seen: dict[tuple, Point] = {}
    for row in store.query(_POINTS):
        try:
            lat, long = float(row["lat"].value), float(row["long"].value)
        except ValueError:
            continue
        if not (-90 <= lat <= 90 and -180 <= long <= 360):
            continue
        site, place = row["site"].value, row["place"].value
        kind = row["type"].value.rsplit("#", 1)[-1]
        previous = seen.get((site, place))
        if previous is None or previous.kind == "DetentionSite":  # the most specific class names it
            seen[(site, place)] = Point(site, place, lat, long, kind)
    return sorted(seen.values(), key=lambda p: (p.site, p.place))


def count_sites(store: Store) -> int:
    return int(next(iter(store.query(_SITES)))["n"].value)


#: Colours of the kinds of site (colour-blind-safe Okabe–Ito palette) and their legend.
KINDS = {
    "CampAdministration": ("#D55E00", "camp administration (ITL)"),
    "Camp": ("#0072B2", "camp"),
    "CampPoint": ("#009E73", "camp point"),
    "SpecialSettlement": ("#CC79A7", "special settlement"),
    "Prison": ("#000000", "prison"),
    "Sharashka": ("#E69F00", "sharashka"),
    "DetentionSite": ("#56B4E9", "place of detention"),
}


def point_xy(frame: Frame, point: Point) -> tuple[float, float]:
    x, y = frame.projection(point.long, point.lat)
    return round(x, 1), round(y, 1)
