"""A person with a browser: headless Chromium (Debian's, through Playwright) on ``gulag-kg
serve`` and on a published copy. Screenshots go to ``out/screenshots`` (tests/browser.py)."""

from __future__ import annotations

import re

import pytest

import gulag_kg
from gulag_kg.web.publish import publish_site
from gulag_kg.web.site import Site

from .browser import chromium, new_page, shot
from .webserver import gulagmap_excerpt, serving, static_files


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return gulag_kg.load([gulagmap_excerpt(tmp_path_factory.mktemp("gulagmap"))])


@pytest.fixture(scope="module")
def base(graph):
    with serving(graph) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    p = new_page(browser)
    yield p
    p.context.close()


def test_find_nkvd_and_read_a_claim_with_its_quote(page, base):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "The Gulag: who says what, in which words"
    shot(page, "01-home")
    page.fill("#home-q", "NKVD")
    page.press("#home-q", "Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q=NKVD"))
    first = page.locator("ol.hits li a").first
    assert first.inner_text() == "NKVD"
    shot(page, "02-search-nkvd")
    first.click()
    page.wait_for_url(re.compile(r"/id/agency/nkvd\.html$"))
    assert page.locator("h1").inner_text() == "NKVD"
    shot(page, "03-nkvd")
    quote = page.locator("#claims blockquote mark").first
    quote.scroll_into_view_if_needed()
    assert quote.is_visible()
    # the highlighted words stand inside their paragraph, and the paragraph's source is linked
    paragraph = quote.locator("xpath=..").inner_text()
    assert len(paragraph) > len(quote.inner_text())
    background = quote.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    shot(page, "04-nkvd-claim-quote")
    source = page.locator("#claims .quote-head a[href*='wikipedia-en-gulag.html#p']").first
    source.click()
    page.wait_for_url(re.compile(r"wikipedia-en-gulag\.html#p\d+$"))
    target = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{target}").is_visible()
    shot(page, "05-source-paragraph")
    assert not failed, failed


def test_the_map_draws_the_camps_over_the_base_layer(page, base, graph):
    responses = {}
    page.on("response", lambda r: responses.__setitem__(r.url.rsplit("/", 1)[-1], r.status))
    page.goto(base + "/map.html")
    points = page.locator(".map-frame svg a circle")
    located = len(Site(graph).points())
    assert points.count() == located > 0
    assert responses.get("base.svg") == 200
    box = page.locator(".map-frame svg").bounding_box()
    assert box["width"] > 600 and box["height"] > 250
    shot(page, "06-map")
    href = page.locator(".map-frame svg a").first.get_attribute("href")
    page.goto(base + "/" + href.lstrip("./"))
    assert page.locator("h1").is_visible() and page.locator("#location svg circle").count() >= 1
    shot(page, "07-camp")


def test_a_chart_with_what_it_does_not_draw(page, base):
    page.goto(base + "/charts.html", timeout=120_000)  # the first rendering draws every chart (seconds on a busy machine)
    chart = page.locator("#chart-deaths svg")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box["width"] > 500 and box["height"] > 250
    assert page.locator("#chart-deaths svg text").count() > 10  # titles, ticks, legend as text
    assert page.locator("#chart-deaths .not-drawn li").count() > 0
    shot(page, "08-chart-deaths")


def test_pages_work_without_javascript_and_on_a_phone(browser, base):
    phone = new_page(browser, width=390, height=844, javascript=False)
    try:
        phone.goto(base + "/id/agency/gulag.html#deaths")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page must not scroll sideways (tables scroll inside their frame)"
        assert phone.locator("#deaths table").is_visible() and phone.locator("#deaths mark").first.is_visible()
        shot(phone, "09-phone-deaths")
        phone.goto(base + "/search.html?q=kolyma")  # the server's search needs no script
        assert phone.locator("ol.hits li a").first.inner_text() == "Kolyma"
    finally:
        phone.context.close()


def test_search_in_a_published_site_runs_in_the_browser(page, tmp_path, monkeypatch, graph):
    monkeypatch.setattr(Site, "paths", lambda self: ["index.html", "search.html", "search-index.json", "id/agency/nkvd.html"])
    publish_site(graph, tmp_path / "site", workers=1)
    with static_files(tmp_path / "site") as host:
        page.goto(host + "/search.html?q=%D0%B3%D1%83%D0%BB%D0%B0%D0%B3")  # гулаг
        page.wait_for_selector("ol.hits li a")
        assert page.locator("ol.hits li a").first.inner_text() == "Gulag"
        page.goto(host + "/search.html?q=nkv")
        page.wait_for_selector("ol.hits li a")
        link = page.locator("ol.hits li a").first
        assert link.inner_text() == "NKVD"
        shot(page, "10-static-search")
        link.click()
        page.wait_for_url(re.compile(r"/id/agency/nkvd\.html$"))
        assert page.locator("h1").inner_text() == "NKVD"
