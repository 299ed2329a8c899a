"""Charts in the pages (gulag_kg.web.charts): the plot code's SVG made fit for inline HTML,
and every claim it does not draw listed with the reason."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from gulag_kg.claims import list_claims
from gulag_kg.plot import chart_claims
from gulag_kg.prefixes import ID_NS, expand
from gulag_kg.web.charts import draw_chart, inline_svg


def test_every_claim_of_the_quantity_is_drawn_or_listed_with_its_reason(kg):
    for quantity, prop in (("deaths", "deaths"), ("population", "prisonerPopulation")):
        chart = draw_chart(kg.store, quantity)
        rows, not_drawn = chart_claims(kg.store, quantity)  # what `gulag-kg plot` draws and lists
        assert chart.error is None and chart.drawn == len(rows)
        assert [n.claim for n in chart.not_drawn] == [expand(n.claim) for n in not_drawn]
        assert all(n.reason for n in chart.not_drawn)
        accounted = {expand(r.claim) for r in rows} | {n.claim for n in chart.not_drawn}
        assert {c.iri for c in list_claims(kg.store, ID_NS + "agency/gulag", prop)} <= accounted


def test_the_svg_fits_inside_a_page(kg):
    chart = draw_chart(kg.store, "deaths")
    root = ET.fromstring(chart.svg)
    assert "width" not in root.attrib and root.get("viewBox") and root.get("role") == "img"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Deaths in the Gulag"
    assert "<?xml" not in chart.svg and "<!DOCTYPE" not in chart.svg
    assert any(t.text and "1940" in t.text for t in root.iter("{http://www.w3.org/2000/svg}text"))


def test_two_charts_on_one_page_share_no_id():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt"><defs><clipPath id="c1"><rect/></clipPath></defs>'
           '<g id="g1" clip-path="url(#c1)"><use href="#g1"/></g></svg>')
    a, b = inline_svg(svg, title="A", id_prefix="a-"), inline_svg(svg, title="B", id_prefix="b-")
    ids = lambda s: set(re.findall(r'id="([^"]+)"', s))  # noqa: E731
    assert not ids(a) & ids(b)
    assert 'url(#a-c1)' in a and 'href="#a-g1"' in a and 'viewBox="0 0 10 5"' in a
