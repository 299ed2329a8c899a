"""Histories: an article's camp takes in the lines of the museum's records of it (owl:sameAs),
each naming the record and the release it comes from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import gulag_kg
from gulag_kg import paths
from gulag_kg.cli import cli
from gulag_kg.export import serialize_quads
from gulag_kg.importers.gulagmap import import_releases
from gulag_kg.importing import rdflib_graphs_quads
from gulag_kg.web import create_app

DATA = Path(__file__).parent / "data"
ID = "https://w3id.org/gulag-kg/id/"


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> Path:
    """The shipped graph's camps matched with excerpts of both releases of the museum's data."""
    import rdflib

    article = rdflib.Graph()
    for path in paths.ontology_files() + [p for p in paths.graph_files() if p.suffix == ".ttl"]:
        article.parse(path, format="turtle")
    releases = import_releases([DATA / "gulagmap-2017" / "excerpt", DATA / "gulagmap" / "excerpt"],
                               tool_version="0.1.0-test", imported_on=date(2025, 6, 1), article_graph=article)
    path = tmp_path_factory.mktemp("timeline") / "both.trig"
    path.write_bytes(serialize_quads(rdflib_graphs_quads(releases.graphs), "trig"))
    return path


@pytest.fixture(scope="module")
def kg(both):
    return gulag_kg.load([both])


def test_the_history_of_an_article_camp_takes_in_the_museums_record_of_it(kg):
    assert kg.query(f"ASK {{ <{ID}camp/sevvostlag> owl:sameAs <{ID}camp/gulagmap-7> }}").boolean
    lines = kg.timeline("sevvostlag")
    own = [e for e in lines if not e.about]
    imported = [e for e in lines if e.about]
    assert any(e.what == "located in Siberia" and e.source == "claimed by Gulag (English Wikipedia article)" for e in own)
    assert imported and {e.about for e in imported} == {ID + "camp/gulagmap-7"}
    assert {e.about_label for e in imported} == {"Severo-Vostochny ITL"}
    # each line names the release it comes from: events by the data set, claims by the work
    established = [e for e in imported if e.what == "establishment: Establishment of Severo-Vostochny ITL"]
    assert established and all(e.when == "1932" and e.source.startswith("gulagmap 2017:") for e in established)
    existed = [e for e in imported if e.what == "existed"]
    assert existed and all(e.source.startswith("claimed by Gulag History Museum in gulagmap 2017:") for e in existed)
    assert any("in gulagmap 2018:" in e.source for e in imported)
    # owl:sameAs goes both ways: the record's history takes in the article's lines, marked as such
    record = kg.timeline(ID + "camp/gulagmap-7")
    assert {e.iri for e in record} == {e.iri for e in lines}
    assert {e.about for e in record} == {"", ID + "camp/sevvostlag"}


def test_the_history_without_a_twin_is_unchanged(kg):
    assert all(not e.about for e in kg.timeline("GULAG"))


def test_text_and_page_say_whose_line_it_is(kg, both, runner):
    result = runner.invoke(cli, ["--data", str(both), "timeline", "sevvostlag"])
    assert result.exit_code == 0, result.output
    assert "with the lines of what owl:sameAs names the same: Severo-Vostochny ITL (camp:gulagmap-7)" in result.stdout
    assert "establishment: Establishment of Severo-Vostochny ITL  [gulagmap 2017:" in result.stdout
    page = TestClient(create_app(kg)).get("/id/camp/sevvostlag", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Establishment of Severo-Vostochny ITL" in page.text
    assert "the same through owl:sameAs" in page.text
