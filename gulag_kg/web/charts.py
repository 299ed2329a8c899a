"""Charts for the pages, drawn by the same code as ``gulag-kg plot`` (:mod:`gulag_kg.plot`).

:func:`draw_chart` is the one place the web layer calls the plotting code: it returns the chart
as an SVG element to put inline in a page, and the claims it could not draw with the reason, which
the page lists under the chart (a chart that leaves claims out says so).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..errors import GulagKgError
from ..prefixes import expand
from ..store import Store

#: The quantities ``gulag-kg plot`` draws, with the title of their section of a page.
QUANTITIES = {"deaths": "Deaths in the Gulag", "population": "Prisoner population of the Gulag"}
_SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class NotDrawn:
    claim: str  # IRI
    label: str  # who claims it (and what, where plot.py says)
    reason: str


@dataclass(frozen=True)
class Chart:
    """A chart for a page: ``svg`` (an ``<svg>`` element as text, or None when it could not be
    drawn: ``error`` says why), how many claims it draws, and the ones it leaves out."""

    quantity: str
    title: str
    svg: str | None
    drawn: int
    not_drawn: tuple[NotDrawn, ...]
    error: str | None = None


def draw_chart(store: Store, quantity: str) -> Chart:
    """The chart of ``quantity`` (``deaths`` or ``population``) for a page."""
    from ..plot import chart_claims, render_chart

    title = QUANTITIES[quantity]
    try:
        chart = render_chart(store, quantity, fmt="svg")
    except GulagKgError as exc:  # matplotlib missing, or nothing to draw: the page says so
        try:
            _, not_drawn = chart_claims(store, quantity)
        except GulagKgError:
            not_drawn = ()
        return Chart(quantity, title, None, 0, tuple(NotDrawn(expand(n.claim), n.label, n.reason) for n in not_drawn),
                     str(exc))
    svg = inline_svg(chart.data.decode("utf-8"), title=title, id_prefix=f"chart-{quantity}-")
    return Chart(quantity, title, svg, len(chart.rows),
                 tuple(NotDrawn(expand(n.claim), n.label, n.reason) for n in chart.not_drawn))


def inline_svg(svg: str, *, title: str, id_prefix: str) -> str:
    """An SVG document made fit to sit inside HTML: no XML declaration, DOCTYPE or metadata,
    scaling with its container (viewBox, no fixed size), ``role="img"`` with a title, and ids
    prefixed so that two charts on one page do not share them."""
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg.encode("utf-8"))
    for parent in root.iter():
        for child in list(parent):
            if child.tag in (f"{{{_SVG_NS}}}metadata",):
                parent.remove(child)
    width, height = root.get("width", ""), root.get("height", "")
    if "viewBox" not in root.attrib:
        w, h = (float(re.sub(r"[a-z]+$", "", x) or 0) for x in (width, height))
        root.set("viewBox", f"0 0 {w:g} {h:g}")
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("role", "img")
    root.set("aria-labelledby", id_prefix + "title")
    title_el = ET.Element(f"{{{_SVG_NS}}}title", {"id": id_prefix + "title"})
    title_el.text = title
    root.insert(0, title_el)
    text = ET.tostring(root, encoding="unicode")
    ids = set(re.findall(r'\bid="([^"]+)"', text)) - {id_prefix + "title"}
    for old in sorted(ids, key=len, reverse=True):
        new = id_prefix + old
        text = re.sub(rf'\bid="{re.escape(old)}"', f'id="{new}"', text)
        text = re.sub(rf'(url\(#|href="#){re.escape(old)}([)"])', rf"\g<1>{new}\g<2>", text)
    return text
