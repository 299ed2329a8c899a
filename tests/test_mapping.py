"""The camp map (gulag_kg.web.mapping): the projection, the vendored base layer, the points."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import gulag_kg
from gulag_kg.cli import cli
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
    # a museum camp matched with the article's is drawn as the article's (owl:sameAs, stated by the import)
    article = {r["b"].value: r["a"].value for r in kg.store.query("""
        SELECT ?a ?b WHERE { ?a owl:sameAs ?b . ?a a/rdfs:subClassOf* gk:DetentionSite . ?b a/rdfs:subClassOf* gk:DetentionSite }""")}
    assert article
    expected = {(article.get(r["site"].value, r["site"].value), float(r["lat"].value), float(r["long"].value)) for r in kg.store.query("""
        SELECT ?site ?lat ?long WHERE { ?site a/rdfs:subClassOf* gk:DetentionSite ; gk:location ?place .
                                        ?place geo:lat ?lat ; geo:long ?long }""")}
    assert expected and sorted((p.site, p.lat, p.long) for p in points) == sorted(expected)  # each once
    assert all(p.kind in mapping.KINDS for p in points)


def test_the_shipped_graph_has_no_coordinates(kg):
    assert mapping.camp_points(kg.store) == [] and mapping.count_sites(kg.store) > 0


def test_a_camp_located_again_by_both_releases_and_matched_with_the_article_is_drawn_once(tmp_path, runner):
    data = Path(__file__).parent / "data"
    output = tmp_path / "both.trig"
    result = runner.invoke(cli, ["import", "gulagmap", str(data / "gulagmap-2017" / "excerpt"),
                                 str(data / "gulagmap" / "excerpt"), "-o", str(output)])
    assert result.exit_code == 0, result.output
    kg = gulag_kg.load([output])
    camp = "https://w3id.org/gulag-kg/id/camp/"
    assert kg.query(f"ASK {{ <{camp}sevvostlag> owl:sameAs <{camp}gulagmap-7> }}").boolean
    located = kg.query("""SELECT ?site ?place ?lat ?long WHERE { ?site a/rdfs:subClassOf* gk:DetentionSite ; gk:location ?place .
                                                                ?place geo:lat ?lat ; geo:long ?long }""").as_dicts()
    places = {(r["site"], r["place"], r["lat"], r["long"]) for r in located}
    twice = Counter((site, lat, long) for site, _, lat, long in places)
    assert any(n > 1 for n in twice.values())  # the same camp at the same place, once in each release

    points = mapping.camp_points(kg.store)
    keys = [(p.site, p.lat, p.long) for p in points]
    article = {r["b"]: r["a"] for r in kg.query("""SELECT ?a ?b WHERE { ?a owl:sameAs ?b .
        ?a a/rdfs:subClassOf* gk:DetentionSite . ?b a/rdfs:subClassOf* gk:DetentionSite }""").as_dicts()}
    assert article[camp + "gulagmap-7"] == camp + "sevvostlag"
    assert len(keys) == len(set(keys)) == len({(article.get(r["site"], r["site"]), float(r["lat"]), float(r["long"]))
                                               for r in located})
    # the article's camp and the museum's record of it are one camp, drawn as the article's
    assert camp + "gulagmap-7" not in {p.site for p in points}
    assert {(p.lat, p.long) for p in points if p.site == camp + "sevvostlag"} == {
        (float(r["lat"]), float(r["long"])) for r in located if r["site"] == camp + "gulagmap-7"}
    sites = {r["site"] for r in kg.query("SELECT DISTINCT ?site WHERE { ?site a/rdfs:subClassOf* gk:DetentionSite }").as_dicts()}
    matched = {r["a"] for r in kg.query("""SELECT DISTINCT ?a WHERE { ?a owl:sameAs ?b .
        ?a a/rdfs:subClassOf* gk:DetentionSite . ?b a/rdfs:subClassOf* gk:DetentionSite }""").as_dicts()}
    assert matched and mapping.count_sites(kg.store) == len(sites) - len(matched)
