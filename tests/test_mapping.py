"""The camp map (gulag_kg.web.mapping): the projection, the vendored base layer, the points."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import gulag_kg
from gulag_kg.web import mapping

from .webserver import gulagmap_excerpt


def test_the_frame_holds_the_soviet_union_west_to_east():
    frame = mapping.fit_frame([])
    moscow = frame.projection(37.62, 55.75)
    vladivostok = frame.projection(131.9, 43.1)
    chukotka = frame.projection(-172.0, 65.0)  # east of the antimeridian
    for x, y in (moscow, vladivostok, chukotka):
        assert 0 <= x <= frame.width and 0 <= y <= frame.height
    assert moscow[0] < vladivostok[0] < chukotka[0]


def test_the_frame_grows_to_show_points_outside_the_union():
    berlin = mapping.Point("s", "p", 52.5, 13.4, "Camp")
    frame = mapping.fit_frame([berlin])
    x, y = mapping.point_xy(frame, berlin)
    assert 0 < x < frame.width and 0 < y < frame.height


def test_the_base_layer_is_natural_earth_land_with_russia_in_the_frame():
    frame = mapping.fit_frame([])
    svg = mapping.base_layer_svg(frame)
    root = ET.fromstring(svg)
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "Russia" in titles and "Kazakhstan" in titles and "Brazil" not in titles
    russia = next(p for p in root.iter("{http://www.w3.org/2000/svg}path")
                  if p.find("{http://www.w3.org/2000/svg}title") is not None
                  and p.find("{http://www.w3.org/2000/svg}title").text == "Russia")
    xs = [float(x) for x in re.findall(r"[ML](-?[\d.]+),", russia.get("d"))]
    assert min(xs) < 0.2 * frame.width and max(xs) > 0.75 * frame.width  # from the Baltic to Chukotka


def test_every_located_camp_of_the_museum_import_is_a_point(tmp_path):
    kg = gulag_kg.load([gulagmap_excerpt(tmp_path)])
    points = mapping.camp_points(kg.store)
    expected = {(r["site"].value, r["place"].value) for r in kg.store.query("""
        SELECT ?site ?place WHERE { ?site a/rdfs:subClassOf* gk:DetentionSite ; gk:location ?place .
                                    ?place geo:lat ?lat ; geo:long ?long }""")}
    assert expected and {(p.site, p.place) for p in points} == expected
    assert all(p.kind in mapping.KINDS for p in points)


def test_the_shipped_graph_has_no_coordinates(kg):
    assert mapping.camp_points(kg.store) == [] and mapping.count_sites(kg.store) > 0
