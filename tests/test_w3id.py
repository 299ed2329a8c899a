"""The w3id.org redirect rules kept in ``w3id/gulag-kg/.htaccess``: parsed as Apache's
mod_rewrite reads them, and every target checked against the paths ``gulag-kg serve`` answers
(test_publish.py checks them against a published site)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from gulag_kg.web import create_app

HTACCESS = Path(__file__).resolve().parents[1] / "w3id" / "gulag-kg" / ".htaccess"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPTS = {
    "browser": BROWSER, "none": "", "any": "*/*", "turtle": "text/turtle", "jsonld": "application/ld+json",
    "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml", "nquads": "application/n-quads",
    "trig": "application/trig", "turtle-over-html": "text/turtle, text/html;q=0.5",
}
PATHS = ["id/agency/nkvd", "id/claim/deaths-gulag-1934-1953-archival-study-1993", "id/source/wikipedia-en-gulag",
         "vocab/unit", "vocab/unit/people", "vocab", "vocab/", "ontology", "shapes", "id/agency/nkvd/", "graph/article", "graph/wikidata", "context.jsonld",
         "", "map.html", "id/agency/nkvd.ttl", "id/agency/nkvd.html", "search.html", "static/style.css",
         "search-index.json", "queries/agency-in-year.html", "dumps/gulag-kg.trig"]


@dataclass(frozen=True)
class Condition:
    pattern: str
    negated: bool
    or_next: bool


@dataclass(frozen=True)
class Rule:
    conditions: tuple[Condition, ...]
    pattern: str
    target: str
    flags: tuple[str, ...]


def rules(text: str) -> list[Rule]:
    """The RewriteRules of an .htaccess, each with the RewriteConds before it."""
    out, conditions = [], []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("RewriteCond"):
            _, variable, pattern, *flags = line.split()
            assert variable == "%{HTTP_ACCEPT}", f"this test knows only Accept conditions: {line}"
            negated = pattern.startswith("!")
            conditions.append(Condition(pattern.lstrip("!"), negated, bool(flags) and "OR" in flags[0]))
        elif line.startswith("RewriteRule"):
            _, pattern, target, flags = line.split()
            out.append(Rule(tuple(conditions), pattern, target, tuple(flags.strip("[]").split(","))))
            conditions = []
    return out


def _conditions_hold(conditions, accept: str) -> bool:
    result, pending_or = True, False
    for c in conditions:
        ok = bool(re.search(c.pattern, accept)) != c.negated
        if pending_or:
            result = result or ok if result is not None else ok
        else:
            result = result and ok
        pending_or = c.or_next
    return result


def redirect(rewrite_rules: list[Rule], path: str, accept: str) -> tuple[int, str]:
    """(status, target) of the first rule that applies to ``path`` (relative to gulag-kg/)."""
    for rule in rewrite_rules:
        m = re.search(rule.pattern, path)
        if m is None or not _conditions_hold(rule.conditions, accept):
            continue
        target = re.sub(r"\$(\d)", lambda g: m.group(int(g.group(1))) or "", rule.target)
        status = int(next(f for f in rule.flags if f.startswith("R=")).split("=")[1])
        return status, target
    raise AssertionError(f"no rule applies to {path!r}")


@pytest.fixture(scope="module")
def parsed():
    return rules(HTACCESS.read_text(encoding="utf-8"))


def site_base(rewrite_rules) -> str:
    bases = {re.match(r"https://[^/]+/", r.target).group() for r in rewrite_rules}
    assert len(bases) == 1, f"every rule should send to the one site: {bases}"
    return bases.pop()


def test_every_rule_is_a_redirect_to_the_site(parsed):
    assert len(parsed) >= 9
    for rule in parsed:
        assert "L" in rule.flags and any(f in ("R=302", "R=303") for f in rule.flags)
    site_base(parsed)


@pytest.fixture(scope="module")
def client(kg):
    return TestClient(create_app(kg))


@pytest.mark.parametrize("accept", list(ACCEPTS))
def test_every_target_answers_on_the_server_as_the_server_itself_negotiates(parsed, client, accept):
    base = site_base(parsed)
    header = ACCEPTS[accept]
    for path in PATHS:
        status, target = redirect(parsed, path, header)
        assert target.startswith(base)
        local = "/" + target[len(base):]
        response = client.get(local, headers={"Accept": header}, follow_redirects=False)
        assert response.status_code == 200, (path, accept, target, response.status_code)
        served = client.get("/" + path, headers={"Accept": header}, follow_redirects=False)
        if status == 303:  # a thing: the server makes the same choice of document
            assert served.status_code == 303 and served.headers["location"] == local, (path, accept)
        else:  # a document or another path: w3id sends it on unchanged
            assert local == "/" + path and served.status_code == 200, (path, accept)
    for rule in parsed:  # $1 never ends with the slash a thing's IRI may be written with
        assert "/?$" in rule.pattern or not rule.pattern.startswith("^((?:id")
