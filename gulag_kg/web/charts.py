"""Charts for the pages, drawn by the same code as ``gulag-kg plot`` (:mod:`gulag_kg.plot`).

:func:`draw_chart` is the one place the web layer calls the plotting code: it returns the chart
as an SVG element to put inline in a page, and the claims it could not draw with the reason, which
the page lists under the chart (a chart that leaves claims out says so).
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..claims import list_claims
from ..errors import GulagKgError
from ..prefixes import ID_NS
from ..store import Store

#: The quantities ``gulag-kg plot`` draws, with the title of their section.
QUANTITIES = {"deaths": "Deaths in the Gulag", "population": "Prisoner population of the Gulag"}
_PROPERTY = {"deaths": "gk:deaths", "population": "gk:prisonerPopulation"}
_SUBJECT = ID_NS + "agency/gulag"
_SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class NotDrawn:
    claim: str  # IRI
    label: str  # the claim's value and period, for the list under the chart
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


def _not_drawn(store: Store, quantity: str) -> list[NotDrawn]:
    """The claims :func:`gulag_kg.plot.plot_quantity` leaves out, with its reasons (it draws the
    claims about the Gulag with a period start, the unit "people" and a value or bounds)."""
    out = []
    for c in list_claims(store, _SUBJECT, _PROPERTY[quantity]):
        reasons = []
        if not c.period_start:
            reasons.append("no period to place it on the time axis")
        if c.unit != "people":
            reasons.append(f"its unit is {c.unit or 'not given'}, the chart counts people")
        if not (c.value or c.lower or c.upper):
            reasons.append("no value or bounds")
        if reasons:
            label = c.value_text + (f" {c.unit}" if c.unit else "") + (f", {c.period}" if c.period else "")
            label += f" ({c.claimant_label})" if c.claimant_label else ""
            out.append(NotDrawn(c.iri, label, "; ".join(reasons)))
    return out


def draw_chart(store: Store, quantity: str) -> Chart:
    """The chart of ``quantity`` (``deaths`` or ``population``) for a page."""
    from ..plot import plot_quantity

    title = QUANTITIES[quantity]
    not_drawn = tuple(_not_drawn(store, quantity))
    try:
        import matplotlib
    except ImportError:
        return Chart(quantity, title, None, 0, not_drawn,
                     "charts need matplotlib, which is not installed here (pip install 'gulag-kg[plot]')")
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / f"{quantity}.svg"
        # Text as text (readable, searchable, small) and stable ids, whatever plot.py sets.
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"gulag-kg-{quantity}"}):
            try:
                drawn = plot_quantity(store, quantity, output)
            except GulagKgError as exc:
                return Chart(quantity, title, None, 0, not_drawn, str(exc))
        svg = output.read_text(encoding="utf-8")
    return Chart(quantity, title, inline_svg(svg, title=title, id_prefix=f"chart-{quantity}-"), drawn, not_drawn)


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
