"""``gulag-kg publish``: the site as static files, served by a plain static file server
(``python -m http.server``) with every page and every internal link answering."""

from __future__ import annotations

import collections
import concurrent.futures
import re
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest

import gulag_kg
import gulag_kg.errors
from gulag_kg.cli import cli
from gulag_kg.web.publish import MARKER, publish_site
from gulag_kg.web.site import Site
from gulag_kg.web.urls import document_path

from .webserver import gulagmap_excerpt, static_files


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    """The shipped graph and the museum map's excerpt (camps with coordinates, for the map)."""
    return gulag_kg.load([gulagmap_excerpt(tmp_path_factory.mktemp("gulagmap"))])


@pytest.fixture(scope="module")
def published(graph, tmp_path_factory):
    directory = tmp_path_factory.mktemp("published") / "site"
    report = publish_site(graph, directory)
    return directory, report


@pytest.fixture(scope="module")
def host(published):
    with static_files(published[0]) as base:
        yield base


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.all_ids = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
            self.all_ids.append(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_every_internal_link_of_every_page_answers_on_a_static_host(published, host):
    directory, _ = published
    pages = {}
    for path in directory.rglob("*.html"):
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.relative_to(directory).as_posix()] = parser
    assert len(pages) > 1000
    doubled = {page: sorted(ids) for page, ids in ((page, [i for i in p.all_ids if p.all_ids.count(i) > 1])
                                                   for page, p in pages.items()) if ids}
    assert not doubled, f"ids used twice in a page: {list(doubled.items())[:3]}"
    targets: dict[str, set] = collections.defaultdict(set)
    fragments: dict[tuple[str, str], str] = {}
    for page, parser in pages.items():
        if page == "404.html":  # links from the host's root, for any missing path
            continue
        for link in parser.links:
            url = urllib.parse.urljoin(f"{host}/{page}", link)
            parts = urllib.parse.urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != host:
                continue
            targets[parts.path].add(page)
            if parts.fragment:
                fragments[(urllib.parse.unquote(parts.path).lstrip("/"), parts.fragment)] = page
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = dict(zip(targets, pool.map(lambda p: _status(host + p), targets)))
    broken = {path: sorted(targets[path])[:3] for path, status in statuses.items() if status != 200}
    assert not broken, f"{len(broken)} broken links, e.g. {list(broken.items())[:5]}"
    missing = [(target, fragment, page) for (target, fragment), page in fragments.items()
               if target.endswith(".html") and target in pages and urllib.parse.unquote(fragment) not in pages[target].ids]
    assert not missing, f"links to anchors that are not there: {missing[:5]}"


def test_every_resource_has_a_page_and_six_rdf_documents(published, graph):
    directory, report = published
    resources = Site(graph, published=True).resources()
    assert report.resources == len(resources) > 900
    parsers = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML,
               "jsonld": ox.RdfFormat.JSON_LD, "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
    for iri in resources:
        assert (directory / urllib.parse.unquote(document_path(iri))).is_file(), iri
        for ext in parsers:
            assert (directory / urllib.parse.unquote(document_path(iri, ext))).is_file(), (iri, ext)
    for ext, fmt in parsers.items():  # documents of a few kinds parse and describe their resource
        for iri in ("https://w3id.org/gulag-kg/id/agency/nkvd", "https://w3id.org/gulag-kg/vocab/unit/people"):
            data = (directory / document_path(iri, ext)).read_bytes()
            assert any(q.subject.value == iri for q in ox.parse(data, format=fmt)), (iri, ext)


def test_published_pages_are_the_servers_pages(published, graph):
    directory, _ = published
    served = Site(graph)
    for path in ("id/agency/gulag.html", "id/claim/deaths-gulag-1934-1953-archival-study-1993.html", "map.html"):
        ours = (directory / path).read_text(encoding="utf-8")
        theirs = served.document(path).body.decode("utf-8")
        strip = lambda page: re.sub(r"<header class=\"site\">.*?</header>", "", page, flags=re.S)  # noqa: E731
        assert strip(ours) == strip(theirs), path  # the same but for the SPARQL link of the header
    for path in ("id/agency/nkvd.ttl", "id/agency/nkvd.nq", "dumps/gulag-kg.nq"):
        assert (directory / path).read_bytes() == served.document(path).body


def test_the_map_has_every_located_camp_linked_to_its_page(published, host):
    directory, _ = published
    page = (directory / "map.html").read_text(encoding="utf-8")
    points = re.findall(r'<a href="([^"]+)" aria-label="[^"]*"><circle', page)
    assert len(points) > 0 and "0 of the" not in page
    for href in set(points):
        assert _status(urllib.parse.urljoin(f"{host}/map.html", href)) == 200
    assert _status(f"{host}/map/base.svg") == 200


def test_static_search_page_uses_the_index(published, host):
    directory, _ = published
    page = (directory / "search.html").read_text(encoding="utf-8")
    assert 'data-mode="static"' in page and "<noscript>" in page
    with urllib.request.urlopen(f"{host}/search-index.json", timeout=20) as response:
        assert b'"NKVD"' in response.read()


def test_publish_replaces_its_own_site_and_refuses_other_directories(runner, tmp_path, graph):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    result = runner.invoke(cli, ["publish", str(other)])
    assert result.exit_code == 2
    assert "the directory is not empty and was not written by 'gulag-kg publish'" in result.output
    assert (other / "notes.txt").read_text() == "mine"


def test_publish_again_replaces_the_site_only_once_the_new_one_is_complete(tmp_path, monkeypatch):
    kg = gulag_kg.load()
    small = ["index.html", "id/agency/nkvd.html", "id/agency/nkvd.ttl"]
    monkeypatch.setattr(Site, "paths", lambda self: small)
    directory = tmp_path / "site"
    publish_site(kg, directory, workers=1)
    assert (directory / MARKER).is_file() and (directory / "id/agency/nkvd.html").is_file()
    (directory / "stale.html").write_text("from an earlier publish")

    def broken(self):  # a publish that fails halfway leaves the earlier site as it was
        return [*small, "id/agency/no-such-thing.html"]

    monkeypatch.setattr(Site, "paths", broken)
    with pytest.raises(gulag_kg.errors.GulagKgError, match="no-such-thing.html: the site answered 404"):
        publish_site(kg, directory, workers=1)
    assert (directory / "stale.html").is_file()
    monkeypatch.setattr(Site, "paths", lambda self: small)
    publish_site(kg, directory, workers=1)
    assert not (directory / "stale.html").exists() and (directory / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no build or old directory left


def test_the_w3id_rules_send_every_iri_to_a_published_file(published):
    from .test_w3id import ACCEPTS, HTACCESS, PATHS, redirect, rules, site_base

    directory, _ = published
    parsed = rules(HTACCESS.read_text(encoding="utf-8"))
    base = site_base(parsed)
    for accept in ACCEPTS.values():
        for path in PATHS:
            _, target = redirect(parsed, path, accept)
            local = target[len(base):] or "index.html"
            assert (directory / local).is_file(), (path, accept, target)
