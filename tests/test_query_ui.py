"""The query UI at /sparql in a real browser: Debian's Chromium, headless, driven by Playwright.

One click on a named query opens it in Yasgui and runs it against the server; the table shows the
rows the engine gives, and the page asks nothing of any host but the server (Yasgui is vendored,
no CDN, no completion service). A screenshot, ``query-ui.png``, is saved where the other browser tests
save theirs (tests/browser.py), for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import gulag_kg

from .browser import CHROMIUM, browser_page, shot
from .servers import gulag_kg_server


@pytest.fixture(scope="module")
def server():
    with gulag_kg_server() as s:
        yield s


def test_a_named_query_runs_in_the_query_ui(server):
    expected = gulag_kg.load().query("death-toll-estimates")
    with browser_page(width=1400, height=1000) as page:
        requested, errors = [], []
        page.on("request", lambda r: requested.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.sparql, wait_until="load")
        assert page.title() == "SPARQL query — gulag-kg"
        page.click("button[data-name='death-toll-estimates']")
        active = ".tabPanel.active"
        page.wait_for_selector(f"{active} .yasr .dataTable tbody tr", timeout=30_000)
        rows = page.locator(f"{active} .yasr .dataTable tbody tr")
        assert rows.count() == len(expected.rows) > 10
        assert page.locator(f"{active} .yasr").inner_text().count("claim:deaths-") >= len(expected.rows)  # our prefixes
        tab = page.locator(f"{active} .CodeMirror").first.inner_text()
        assert "PREFIX gk: <https://w3id.org/gulag-kg/ontology#>" in tab and "gk:deaths" in tab
        shot(page, "query-ui")
        assert errors == []
        assert [u for u in requested if not u.startswith(server.base)] == []  # nothing from elsewhere


def test_a_query_link_opens_the_ui_and_runs_the_query(server):
    import urllib.parse

    with browser_page() as page:
        page.goto(server.sparql + "?" + urllib.parse.urlencode({"query": "SELECT ?l WHERE { agency:nkvd rdfs:label ?l }"}))
        page.wait_for_selector(".tabPanel.active .yasr .dataTable tbody tr", timeout=30_000)
        assert "NKVD" in page.locator(".tabPanel.active .yasr .dataTable tbody").inner_text()


def test_chromium_is_the_system_package():
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()
