"""The pages for people and the linked-data IRIs of ``gulag-kg serve`` (gulag_kg.web.pages,
gulag_kg.web.site), in process (Starlette's test client) over the three stores: in memory, on
disk and a real SPARQL server (Oxigraph's, on 127.0.0.1)."""

from __future__ import annotations

import html
import json
import re

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

import gulag_kg
from gulag_kg.bulk import load_shipped
from gulag_kg.claims import list_claims
from gulag_kg.derive import add_derived_graph
from gulag_kg.paths import source_text_path
from gulag_kg.prefixes import ID_NS
from gulag_kg.store import Store, open_store
from gulag_kg.web import create_app
from gulag_kg.web.urls import SHAPES_NS

from .servers import oxigraph_server

NKVD = ID_NS + "agency/nkvd"
GULAG = ID_NS + "agency/gulag"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def endpoint_kg():
    with oxigraph_server() as server:
        store = open_store(endpoint=server.query_url)
        load_shipped(store)
        add_derived_graph(store)
        yield gulag_kg.connect(endpoint=server.query_url)


@pytest.fixture(scope="module")
def disk_kg(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("pages") / "kg")
    load_shipped(store)
    add_derived_graph(store)
    return gulag_kg.KnowledgeGraph(store)


@pytest.fixture(scope="module")
def client(kg):
    return TestClient(create_app(kg))


@pytest.fixture(scope="module", params=["memory", "disk", "endpoint"])
def any_client(request, kg):
    graph = kg if request.param == "memory" else request.getfixturevalue(f"{request.param}_kg")
    return TestClient(create_app(graph))


def get(client, path, accept=BROWSER_ACCEPT, **kwargs):
    return client.get(path, headers={"Accept": accept}, follow_redirects=False, **kwargs)


def text_of(markup: str, *, tags_are: str = " ") -> str:
    """The visible text of some HTML, spaces collapsed (``tags_are=""`` for inline markup)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", tags_are, markup)).split())


def section(page: str, id_: str) -> str:
    start = page.index(f'<section id="{id_}"')
    depth, i = 0, start
    for m in re.finditer(r"<(/?)section\b", page[start:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            i = start + m.end()
            break
    return page[start:i]


# --- the entity page ------------------------------------------------------------------------


def test_entity_iri_answers_303_to_the_page_and_the_page_reads_well(any_client, kg):
    response = get(any_client, "/id/agency/nkvd")
    assert response.status_code == 303
    assert response.headers["location"] == "/id/agency/nkvd.html" and response.headers["vary"] == "Accept"
    page = get(any_client, "/id/agency/nkvd.html")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["vary"] == "Accept"
    body = page.text
    assert '<html lang="en">' in body and '<h1 lang="en">NKVD</h1>' in body
    assert f"<code>{NKVD}</code>" in body
    # its names, each with its language
    assert "People&#39;s Commissariat of Internal Affairs" in body
    # its Wikidata link, as the graph states it
    qid = next(iter(kg.store.query(f"SELECT ?q WHERE {{ <{NKVD}> owl:sameAs ?q }}")))["q"].value
    assert f'href="{qid}"' in body
    # its type, linked to the ontology's page
    assert 'href="../../ontology.html#Agency"' in body


def test_entity_page_shows_its_claims_side_by_side_with_every_field(client, kg):
    body = get(client, "/id/agency/gulag.html").text
    deaths = section(body, "deaths")
    rows = list_claims(kg.store, GULAG, "deaths")
    assert len(re.findall(r'<tr id="claim-', deaths)) == len(rows) > 10
    for row in rows:
        row_html = re.search(rf'<tr id="claim-{re.escape(row.iri.rsplit("/", 1)[-1])}".*?</tr>', deaths, re.S).group()
        cells = text_of(row_html)
        assert row.claimant_label in cells and row.rank in cells
        assert row.period is None or row.period in cells
        if row.stance:
            assert row.stance in cells
        if row.qualifier:
            assert text_of(html.escape(row.qualifier)) in cells
    # a relation between claims, both ways
    assert "summarised by" in deaths and "summarises" in deaths
    assert "6,000,000" in deaths  # the value, readable


def test_every_claim_shows_its_quote_highlighted_in_its_paragraph(client, kg):
    paragraphs = source_text_path().read_text(encoding="utf-8").split("\n")
    body = get(client, "/id/agency/gulag.html").text
    deaths = section(body, "deaths")
    for row in list_claims(kg.store, GULAG, "deaths"):
        anchor = "claim-" + row.iri.rsplit("/", 1)[-1] + "-quote"
        item = re.search(rf'<li id="{re.escape(anchor)}">.*?</li>', deaths, re.S).group()
        number = int(re.search(r"¶(\d+) of", item).group(1))
        paragraph = paragraphs[number - 1]
        marked = re.search(r"<mark>(.*?)</mark>", item, re.S).group(1)
        assert html.unescape(marked) in row.quotes
        # the whole paragraph, the quoted words marked where they stand in it
        block = re.search(r"<blockquote.*?</blockquote>", item, re.S).group()
        assert text_of(block, tags_are="") == " ".join(paragraph.split())
        assert f'wikipedia-en-gulag.html#p{number}"' in item


def test_the_source_page_has_the_whole_text_with_an_anchor_per_paragraph(client):
    body = get(client, "/id/source/wikipedia-en-gulag.html").text
    text = source_text_path().read_text(encoding="utf-8").split("\n")
    numbered = [i + 1 for i, p in enumerate(text) if p.strip()]
    for n in numbered:
        assert f'id="p{n}"' in body
    # every paragraph's words are there, quoted parts marked
    assert body.count("<mark") > 300
    assert "The Gulag was a system of forced labor camps in the Soviet Union." in body


def test_claim_page_shows_the_claim_and_its_quote(any_client):
    body = get(any_client, "/id/claim/deaths-gulag-1934-1953-archival-study-1993.html").text
    claim = text_of(section(body, "claim"))
    assert "1,053,829" in claim and "1934/1953" in claim and "revises" in claim
    assert "<mark>A 1993 study of archival Soviet data estimates 1,053,829 people died in the Gulag from 1934 to 1953.</mark>" in body


def test_a_claimant_page_lists_the_claims_it_makes(client, kg):
    body = get(client, "/id/person/zemskov.html").text
    made = section(body, "claims-made")
    n = len(list(kg.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c a gk:Claim ; gk:claimant <{ID_NS}person/zemskov> }}")))
    assert n > 0 and len(re.findall(r"<tr><td>", made)) == n


def test_unknown_entity_is_a_404_page_that_suggests_near_labels(any_client):
    response = get(any_client, "/id/agency/nkvdd")
    assert response.status_code == 404 and response.headers["content-type"] == "text/html; charset=utf-8"
    assert "https://w3id.org/gulag-kg/id/agency/nkvdd</code> is not in the graph" in response.text
    assert 'href="../../id/agency/nkvd.html"' in section_or_all(response.text, "Did you mean")
    plain = get(any_client, "/id/agency/nkvdd.ttl", accept="text/turtle")
    assert plain.status_code == 404 and "is not in the graph" in plain.text


def section_or_all(page: str, heading: str) -> str:
    return page[page.index(heading):] if heading in page else page


# --- content negotiation and RDF ------------------------------------------------------------


@pytest.mark.parametrize(("accept", "ext"), [
    (BROWSER_ACCEPT, "html"), ("*/*", "html"), ("", "html"), ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"), ("application/n-triples", "nt"), ("application/rdf+xml", "rdf"),
    ("application/n-quads", "nq"), ("application/trig", "trig"), ("text/turtle;q=0.5, application/ld+json", "jsonld"),
])
def test_content_negotiation_redirects_to_the_preferred_document(client, accept, ext):
    for path in ("/id/agency/nkvd", "/ontology", "/shapes", "/vocab", "/vocab/unit", "/vocab/unit/people", "/graph/wikidata"):
        response = get(client, path, accept=accept)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"{path}.{ext}" and response.headers["vary"] == "Accept"
        assert get(client, response.headers["location"], accept=accept).status_code == 200


def test_an_unacceptable_type_is_406(client):
    response = get(client, "/id/agency/nkvd", accept="image/png")
    assert response.status_code == 406 and "text/turtle" in response.text and response.headers["vary"] == "Accept"


_PARSERS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML,
            "jsonld": ox.RdfFormat.JSON_LD, "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
# every textual type carries its charset (the web layer's middleware, gulag_kg/web/app.py)
_TYPES = {"ttl": "text/turtle; charset=utf-8", "nt": "application/n-triples; charset=utf-8",
          "rdf": "application/rdf+xml; charset=utf-8", "jsonld": "application/ld+json; charset=utf-8",
          "nq": "application/n-quads; charset=utf-8", "trig": "application/trig; charset=utf-8"}


@pytest.mark.parametrize("ext", list(_PARSERS))
def test_every_rdf_document_parses_and_holds_the_entity_its_claims_and_quotes(any_client, ext):
    response = get(any_client, f"/id/agency/nkvd.{ext}", accept="*/*")
    assert response.status_code == 200 and response.headers["content-type"] == _TYPES[ext]
    quads = list(ox.parse(response.content, format=_PARSERS[ext]))
    subjects = {q.subject.value for q in quads}
    predicates = {q.predicate.value for q in quads}
    assert NKVD in subjects and "https://w3id.org/gulag-kg/ontology#subject" in predicates
    assert "http://www.w3.org/ns/oa#exact" in predicates
    if ext in ("nq", "trig"):  # the named graphs say where each statement comes from
        assert {q.graph_name.value for q in quads} >= {"https://w3id.org/gulag-kg/graph/article",
                                                      "https://w3id.org/gulag-kg/graph/wikidata"}


def test_rdf_documents_are_the_same_on_every_store(any_client, client):
    for path in ("/id/agency/nkvd.nq", "/id/claim/deaths-gulag-1934-1953-archival-study-1993.nq", "/vocab/unit.trig"):
        assert get(any_client, path, accept="*/*").content == get(client, path, accept="*/*").content


def test_the_claims_of_a_page_are_the_same_on_every_store(any_client, client, kg):
    path = "/id/agency/gulag.html"
    assert section(get(any_client, path).text, "claims") == section(get(client, path).text, "claims")
    # a long "referred to by" is cut the same way everywhere, and says how many it leaves out
    path = "/id/agent/gulag-kg-curators.html"
    referred = section(get(any_client, path).text, "referred")
    attributed = len(list(kg.store.query(f"SELECT DISTINCT ?s WHERE {{ ?s prov:wasAttributedTo <{ID_NS}agent/gulag-kg-curators> }}")))
    assert attributed > 200 and f"and {attributed - 200} more, not listed here" in referred
    assert referred == section(get(client, path).text, "referred")


def test_ontology_vocabularies_graphs_and_context_dereference(client):
    ontology = get(client, "/ontology.html").text
    assert '<section id="Claim"' in ontology and '<section id="deaths"' in ontology
    annotation_properties = ontology.split('<section id="annotation-properties"', 1)[1].split('<section id="individuals"', 1)[0]
    assert '<section id="value"' in annotation_properties and '<section id="abbreviation"' in annotation_properties
    turtle = get(client, "/ontology.ttl", accept="text/turtle")
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == "https://w3id.org/gulag-kg/ontology#Claim" for t in triples)
    assert "people" in get(client, "/vocab/unit.html").text
    assert "Units" in get(client, "/vocab.html").text or "units" in get(client, "/vocab.html").text
    graph = get(client, "/graph/wikidata.html")
    assert graph.status_code == 200 and "https://w3id.org/gulag-kg/graph/wikidata" in graph.text
    context = get(client, "/context.jsonld", accept="application/ld+json")
    assert context.headers["content-type"] == "application/ld+json; charset=utf-8" and "@context" in context.json()


def test_every_shape_a_validation_report_names_has_its_entry_on_the_shapes_page(client):
    from gulag_kg.web.shapes_page import shapes_quads

    page = get(client, "/shapes.html").text
    shapes = {q.subject.value for q in shapes_quads() if q.subject.value.startswith(SHAPES_NS)
              and q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    assert len(shapes) > 100
    for iri in shapes:
        local = iri[len(SHAPES_NS):]
        entry = section(page, local)
        # each entry shows the shape's definition as written in its file
        assert f"gks:{local} a sh:" in text_of(entry), local
    # the message of a shape is on the page, and the parent links to the nested shape
    assert "A claim has at most one gk:value; make a second claim for a second value." in section(page, "ClaimShape-value")
    assert 'href="#ClaimShape"' in section(page, "ClaimShape-value")
    # a shape a report names (sourceShape) links to its entry
    from gulag_kg.web.urls import document_path

    assert document_path(SHAPES_NS + "ClaimShape-value") == "shapes.html#ClaimShape-value"
    # the shapes as RDF: the same statements as the files
    turtle = get(client, "/shapes.ttl", accept="text/turtle")
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    assert len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) == len(shapes_quads())


def test_every_text_response_has_vary_and_a_charset(client):
    for path in ("/", "/id/agency/nkvd.html", "/id/agency/nkvd.ttl", "/map.html", "/static/style.css",
                 "/search.html?q=nkvd", "/id/agency/nothing", "/queries/agency-in-year.rq", "/map/base.svg"):
        response = get(client, path)
        assert response.headers["vary"] == "Accept", path
        media = response.headers["content-type"]
        if media.startswith("text/") or "xml" in media:
            assert "charset=utf-8" in media, path


# --- the other pages ------------------------------------------------------------------------


def test_home_page_says_what_this_is_with_counts_entry_points_and_search(any_client, kg):
    body = get(any_client, "/").text
    assert "knowledge graph of the Soviet Gulag" in body
    claims = len(list(kg.store.query("SELECT DISTINCT ?c WHERE { ?c a gk:Claim }")))
    assert f"<strong>{claims:,}</strong> claims" in body
    for target in ("browse/agencies.html", "browse/camps.html", "browse/people.html", "contested.html",
                   "timeline.html", "map.html", "queries/index.html"):
        assert f'href="{target}"' in body
    assert 'action="search.html"' in body and 'name="q"' in body


@pytest.mark.parametrize(("query", "expected"), [
    ("NKVD", "id/agency/nkvd.html"), ("nkv", "id/agency/nkvd.html"), ("гулаг", "id/agency/gulag.html"),
    ("glavnoye upravleniye ispravitel", "id/agency/gulag.html"), ("solzh", "id/person/solzhenitsyn.html"),
])
def test_search_matches_prefixes_in_any_language_without_accents(any_client, query, expected):
    body = get(any_client, "/search.html", params={"q": query}).text
    first = re.search(r'<ol class="hits">\s*<li><a href="([^"]+)"', body).group(1)
    assert first == expected


def test_search_without_matches_says_so(client):
    body = get(client, "/search", params={"q": "xyzzyq"}).text
    assert "Nothing is named “xyzzyq”" in body


def test_charts_are_inline_svg_and_list_what_they_do_not_draw(client, kg):
    from gulag_kg.plot import chart_claims

    body = get(client, "/charts.html").text
    assert body.count("<svg") >= 2 and 'role="img"' in body
    for quantity in ("deaths", "population"):
        figure = re.search(rf'<figure class="chart" id="chart-{quantity}">.*?</figure>', body, re.S).group()
        rows, not_drawn = chart_claims(kg.store, quantity)
        assert int(re.search(r"(\d+) claims? drawn", figure).group(1)) == len(rows)
        assert len(re.findall(r"<li><a href=", figure)) == len(not_drawn)
        assert ("Not drawn, because" in figure) == bool(not_drawn)


def test_the_map_without_coordinates_says_so(client):
    body = get(client, "/map.html").text
    assert "0 of the" in body and "gulag-kg import gulagmap" in body


def test_named_query_pages_show_the_query_and_its_answer(client, kg):
    index = get(client, "/queries/index.html").text
    names = re.findall(r'href="\.\./queries/([\w-]+)\.html"><code>', index)
    from gulag_kg.query import named_queries

    assert sorted(names) == sorted(named_queries())
    body = get(client, "/queries/agency-in-year.html").text
    rows = kg.query("agency-in-year").rows
    assert f"{len(rows)} row" in body and "NKVD" in body
    rq = get(client, "/queries/agency-in-year.rq", accept="*/*")
    assert rq.text == named_queries()["agency-in-year"].text


def test_browse_lists_every_member_of_a_class(client, kg):
    body = get(client, "/browse/people.html").text
    people = {r["p"].value for r in kg.store.query("SELECT DISTINCT ?p WHERE { ?p a/rdfs:subClassOf* gk:Person }")}
    assert len(re.findall(r"<tr><td>", body)) == len(people)


def test_search_index_holds_every_label(client, kg):
    index = get(client, "/search-index.json", accept="*/*").json()
    labels = {r[1] for r in index["rows"]}
    assert {"NKVD", "ГУЛАГ", "People's Commissariat of Internal Affairs"} <= labels
    assert json.dumps(index, ensure_ascii=False)


def test_rdflib_reads_every_format_of_a_description_as_the_same_graph(client):
    """What a standard RDF library makes of the documents: rdflib's own parsers (JSON-LD with
    the inline context, RDF/XML), compared as graphs (blank nodes up to isomorphism)."""
    import rdflib
    from rdflib.compare import isomorphic

    formats = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld", "nq": "nquads", "trig": "trig"}
    graphs = {}
    for ext, name in formats.items():
        data = get(client, f"/id/claim/deaths-gulag-1934-1953-archival-study-1993.{ext}", accept="*/*").content
        if ext in ("nq", "trig"):
            dataset = rdflib.Dataset()
            dataset.parse(data=data, format=name)
            graph = rdflib.Graph()
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
        else:
            graph = rdflib.Graph().parse(data=data, format=name)
        graphs[ext] = graph
    assert len(graphs["ttl"]) > 15
    for ext, graph in graphs.items():
        assert isomorphic(graph, graphs["ttl"]), ext
