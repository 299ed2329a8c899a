"""Linking with Wikidata: candidates and scores, accepted links, the check report, the
QuickStatements export, and network manners.

No test touches the internet. The SPARQL side is a real Oxigraph server on 127.0.0.1 loaded with
tests/data/wikidata/wikidata-fixture.ttl (Wikidata's RDF vocabulary; invented items Q9000000xx
stand in for our entities and for decoys, see its header); the API side is a small HTTP server on
127.0.0.1 answering wbsearchentities and wbgetentities in their JSON from
tests/data/wikidata/api-entities.json.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import urllib.parse
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

import gulag_kg
from gulag_kg.cli import cli
from gulag_kg.linking.http import HttpClient, NetworkError, user_agent
from gulag_kg.linking.links import MARGIN, choose_links
from gulag_kg.linking.candidates import CandidateRow
from gulag_kg.linking.scoring import label_similarity
from gulag_kg.linking.wikibase import SparqlWikibase, WikiTime

from .conftest import DATA, ROOT
from .servers import free_port, oxigraph_server

FIXTURES = DATA / "wikidata"
CLASSES = str(FIXTURES / "classes.tsv")
ID = "https://w3id.org/gulag-kg/id/"
HEADER = "entity\tlabel\tqid\tcandidate_label\tscore\tevidence"


# --- servers --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sparql():
    """An Oxigraph server on 127.0.0.1 holding the Wikidata-shaped fixture (Graph Store Protocol)."""
    with oxigraph_server() as server:
        request = urllib.request.Request(server.store_url + "?default", data=(FIXTURES / "wikidata-fixture.ttl").read_bytes(),
                                         headers={"Content-Type": "text/turtle"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 201, 204)
        yield server


class FakeApi:
    """A MediaWiki API with Wikibase, on 127.0.0.1: wbsearchentities (prefix search on labels and
    aliases, as the real one completes what is typed) and wbgetentities, in their JSON."""

    def __init__(self) -> None:
        doc = json.loads((FIXTURES / "api-entities.json").read_text(encoding="utf-8"))
        self.entities: dict = doc["entities"]
        self.redirects: dict = doc["redirects"]
        self.requests: list[dict] = []
        self.failures: list[tuple[int, dict]] = []   # answers to give before the real ones
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest's output clean
                pass

            def do_GET(self):
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                outer.requests.append({"query": query, "user_agent": self.headers.get("User-Agent")})
                if outer.failures:
                    status, headers = outer.failures.pop(0)
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(b"slow down")
                    return
                body = json.dumps(outer.answer(query), ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/w/api.php"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, q: dict) -> dict:
        if q.get("action") == "wbsearchentities":
            return self.search(q["search"], q.get("language", "en"), int(q.get("limit", "7")))
        if q.get("action") == "wbgetentities":
            return self.get(q["ids"].split("|"), q.get("props", ""), q.get("languages", "").split("|"))
        return {"error": {"code": "unknown_action", "info": f"Unrecognized value for parameter \"action\": {q.get('action')}."}}

    def search(self, text: str, language: str, limit: int) -> dict:
        hits = []
        wanted = text.casefold()
        for qid, e in self.entities.items():
            names = [("label", e["labels"][lang]["value"], lang) for lang in (language, "mul") if lang in e["labels"]]
            names += [("alias", a["value"], lang) for lang in (language, "mul") for a in e["aliases"].get(lang, [])]
            match = next(((kind, name, lang) for kind, name, lang in names if name.casefold().startswith(wanted)), None)
            if match is None:
                continue
            label = e["labels"].get(language, e["labels"].get("en", {})).get("value", qid)
            desc = e["descriptions"].get("en", {}).get("value")
            hit = {"id": qid, "title": qid, "pageid": int(qid[1:]), "concepturi": f"http://www.wikidata.org/entity/{qid}",
                   "repository": "wikidata", "url": f"//www.wikidata.org/wiki/{qid}",
                   "display": {"label": {"value": label, "language": language}}, "label": label,
                   "match": {"type": match[0], "language": match[2], "text": match[1]}}
            if desc:
                hit["display"]["description"] = {"value": desc, "language": "en"}
                hit["description"] = desc
            if match[0] == "alias":
                hit["aliases"] = [match[1]]
            hits.append(hit)
        return {"searchinfo": {"search": text}, "search": hits[:limit], "success": 1}

    def get(self, ids: list[str], props: str, languages: list[str]) -> dict:
        out = {}
        for qid in ids:
            target = self.redirects.get(qid, qid)
            if target not in self.entities:
                out[qid] = {"id": qid, "missing": ""}
                continue
            e = self.entities[target]
            entity = {"type": "item", "id": target}
            for part in ("labels", "descriptions", "aliases"):
                if part in props:
                    entity[part] = {k: v for k, v in e[part].items() if k in languages}
            if "claims" in props:
                entity["claims"] = e["claims"]
            if target != qid:
                entity["redirects"] = {"from": qid, "to": target}
            out[target] = entity
        return {"entities": out, "success": 1}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api():
    with FakeApi() as server:
        yield server


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A copy of the project's data (GULAG_KG_HOME), so that writing graph/ changes no real file."""
    root = tmp_path / "home"
    for part in ("ontology", "shapes", "graph", "sources"):
        shutil.copytree(ROOT / part, root / part)
    monkeypatch.setenv("GULAG_KG_HOME", str(root))
    return root


def read_tsv(text: str) -> list[dict[str, str]]:
    lines = text.splitlines()
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        assert len(cells) == len(header), line
        rows.append(dict(zip(header, cells)))
    return rows


def link_wikidata(runner, *args, data=(), **kwargs):
    options = [a for f in data for a in ("--data", str(f))]
    return runner.invoke(cli, [*options, "link", "wikidata", "--classes", CLASSES, *args], **kwargs)


# --- candidates and scores -----------------------------------------------------------------------

# (our entity, the fixture's item for it, decoys that must score lower)
EXPECTED = [
    ("camp/norillag", "Q900000001", ["Q900000002"]),               # decoy: a film (wrong type)
    ("person/mochulsky", "Q900000010", ["Q900000011"]),            # decoy: a namesake (other dates)
    ("agency/gupvi", "Q900000020", ["Q900000021"]),                # found by the Russian label; decoy: a river
    ("work/solzhenitsyn-gulag-archipelago", "Q900000030", ["Q900000031"]),   # decoy: a ship
    ("event/soviet-famine-1932-1933", "Q900000040", ["Q900000041"]),         # decoy: same label, other dates
    ("camp/test-only-testlag", "Q900000050", ["Q900000051"]),      # decoy: same label and type, 5,700 km away
    ("place/norilsk", "Q900000003", []),
]


@pytest.fixture(scope="module")
def sparql_candidates(sparql, tmp_path_factory):
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--data", str(FIXTURES / "test-entities.ttl"), "link", "wikidata", "--classes", CLASSES,
                                      "--endpoint", sparql.query_url, "--cache", str(tmp_path_factory.mktemp("cache"))])
    assert result.exit_code == 0, result.output
    return result


def test_candidate_table_has_exactly_the_six_columns(sparql_candidates):
    assert sparql_candidates.stdout.splitlines()[0] == HEADER
    rows = read_tsv(sparql_candidates.stdout)
    assert rows and all(0 <= float(r["score"]) <= 1 and re.fullmatch(r"Q\d+", r["qid"]) for r in rows)


@pytest.mark.parametrize("entity, true_qid, decoys", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_sparql_ranks_the_true_item_first_and_decoys_lower(sparql_candidates, entity, true_qid, decoys):
    rows = [r for r in read_tsv(sparql_candidates.stdout) if r["entity"] == ID + entity]
    assert rows, f"no candidates for {entity}"
    assert rows[0]["qid"] == true_qid
    scores = {r["qid"]: float(r["score"]) for r in rows}
    for decoy in decoys:
        assert decoy in scores, f"decoy {decoy} not found: the search should find it"
        assert scores[decoy] < scores[true_qid]


def test_evidence_says_why(sparql_candidates):
    rows = {(r["entity"], r["qid"]): r for r in read_tsv(sparql_candidates.stdout)}
    film = rows[(ID + "camp/norillag", "Q900000002")]["evidence"]
    assert "test class: film" in film and "not a kind of any class expected for camp" in film
    namesake = rows[(ID + "person/mochulsky", "Q900000011")]["evidence"]
    assert "date of birth (P569) 1870 differs from schema:birthDate 1918" in namesake
    gupvi = rows[(ID + "agency/gupvi", "Q900000020")]["evidence"]
    assert "'Главное управление по делам военнопленных и интернированных'@ru" in gupvi
    assert "a kind of Q900000906 (test class: organization)" in gupvi          # through P279
    assert "dissolved (P576) 1955 differs from existence claim" in gupvi       # the deprecated 1953 is not used
    far = rows[(ID + "camp/test-only-testlag", "Q900000051")]["evidence"]
    assert re.search(r"coordinates 59\.9000, 30\.3000 are 57\d\d\.\d km from ours", far)


def test_linked_entities_are_not_looked_up(sparql_candidates):
    entities = {r["entity"] for r in read_tsv(sparql_candidates.stdout)}
    assert ID + "agency/nkvd" not in entities and ID + "agency/gulag" not in entities


def test_json_has_the_same_rows(runner, sparql, tmp_path):
    result = link_wikidata(runner, "--type", "person", "--endpoint", sparql.query_url, "--format", "json",
                           "--cache", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["qid"] for r in rows if r["entity"] == ID + "person/mochulsky"] == ["Q900000010", "Q900000011"]
    assert set(rows[0]) >= {"entity", "label", "qid", "candidate_label", "score", "evidence", "signals"}
    assert all(r["type"] == "person" for r in rows)


def test_api_alone_is_enough(runner, api, tmp_path):
    result = link_wikidata(runner, "--type", "camp", "--api", api.url, "--cache", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = [r for r in read_tsv(result.stdout) if r["entity"] == ID + "camp/norillag"]
    assert [r["qid"] for r in rows] == ["Q900000001", "Q900000002"]
    assert float(rows[0]["score"]) > float(rows[1]["score"])
    # the type comes from walking P279 upwards over wbgetentities: Q900000902 -> Q56507866
    assert "a kind of Q56507866 (gulag camp)" in rows[0]["evidence"]
    assert {r["query"]["action"] for r in api.requests} == {"wbsearchentities", "wbgetentities"}


def test_api_person_dates_rank_the_namesake_lower(runner, api, tmp_path):
    result = link_wikidata(runner, "--type", "person", "--api", api.url, "--cache", str(tmp_path))
    rows = [r for r in read_tsv(result.stdout) if r["entity"] == ID + "person/mochulsky"]
    assert [r["qid"] for r in rows] == ["Q900000010", "Q900000011"]
    # the namesake's deprecated 1918 birth date is not compared
    assert "date of birth (P569) 1870 differs" in rows[1]["evidence"]


# --- accepting links ---------------------------------------------------------------------------


def _graph(path: Path) -> list[ox.Triple]:
    return list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))


def test_accept_writes_generated_links_with_provenance(runner, sparql, home, tmp_path):
    result = link_wikidata(runner, "--endpoint", sparql.query_url, "--accept", "0.85", "--date", "2025-02-03",
                           "--cache", str(tmp_path), data=[FIXTURES / "test-entities.ttl"])
    assert result.exit_code == 0, result.output
    path = home / "graph" / "wikidata-links.ttl"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# GENERATED by `gulag-kg link wikidata`")
    triples = _graph(path)
    same = {(t.subject.value, t.object.value) for t in triples if t.predicate.value.endswith("#sameAs")}
    wd = "http://www.wikidata.org/entity/"
    for entity, qid, decoys in EXPECTED:
        assert (ID + entity, wd + qid) in same
        assert not any((ID + entity, wd + d) in same for d in decoys)
    record = ox.NamedNode(ID + "link/camp-norillag-wikidata-generated")
    props = {t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: t.object for t in triples if t.subject == record}
    assert props["subject"].value == ID + "camp/norillag" and props["value"].value == wd + "Q900000001"
    assert props["linkScore"] == ox.Literal("0.900", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert props["created"].value == "2025-02-03"
    assert props["wasDerivedFrom"].value == sparql.query_url
    assert sparql.query_url in props["linkMethod"].value and "0.85" in props["linkMethod"].value
    assert props["linkConfidence"].value == "unreviewed"
    assert "instance of Q900000902" in props["linkNote"].value
    # the curated file is untouched, and the links conform to the shapes
    assert (home / "graph" / "wikidata.ttl").read_bytes() == (ROOT / "graph" / "wikidata.ttl").read_bytes()
    report = gulag_kg.load([path]).validate()
    generated = {t.subject.value for t in triples} | {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    assert not [r for r in report.results if r.focus in generated and r.severity.name == "VIOLATION"]


def test_accept_threshold_leaves_weak_candidates_out(runner, sparql, tmp_path):
    links = tmp_path / "links.ttl"
    result = link_wikidata(runner, "--type", "place", "--endpoint", sparql.query_url, "--accept", "0.95",
                           "--links", str(links), "--cache", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    assert not [t for t in _graph(links) if t.predicate.value.endswith("#sameAs")]  # Norilsk scores 0.900


def test_a_second_run_keeps_earlier_links_and_skips_linked_entities(runner, sparql, tmp_path):
    links = tmp_path / "links.ttl"
    common = ["--endpoint", sparql.query_url, "--accept", "0.85", "--links", str(links), "--cache", str(tmp_path / "c")]
    assert link_wikidata(runner, "--type", "camp", *common).exit_code == 0
    second = link_wikidata(runner, "--type", "person", *common, data=[links])
    assert second.exit_code == 0, second.output
    same = {t.subject.value for t in _graph(links) if t.predicate.value.endswith("#sameAs")}
    assert {ID + "camp/norillag", ID + "person/mochulsky"} <= same
    third = link_wikidata(runner, "--type", "camp", *common, data=[links])
    assert ID + "camp/norillag" not in {r["entity"] for r in read_tsv(third.stdout)}


def test_accept_list_takes_a_persons_choice(runner, sparql, tmp_path):
    reviewed = tmp_path / "reviewed.tsv"
    reviewed.write_text(f"{HEADER}\ncamp:norillag\tNorillag\tQ900000002\tNorillag\t0.700\tchosen by a person\n", encoding="utf-8")
    links = tmp_path / "links.ttl"
    result = link_wikidata(runner, "--type", "camp", "--endpoint", sparql.query_url, "--accept-list", str(reviewed),
                           "--links", str(links), "--cache", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    triples = _graph(links)
    assert {(t.subject.value, t.object.value) for t in triples if t.predicate.value.endswith("#sameAs")} == {
        (ID + "camp/norillag", "http://www.wikidata.org/entity/Q900000002")}
    confidence = [t.object.value for t in triples if t.predicate.value.endswith("#linkConfidence")]
    assert confidence == ["reviewed"]


def test_accept_list_pair_that_is_no_candidate_exits_2(runner, sparql, tmp_path):
    reviewed = tmp_path / "reviewed.tsv"
    reviewed.write_text("entity\tqid\ncamp:norillag\tQ900000003\n", encoding="utf-8")
    result = link_wikidata(runner, "--type", "camp", "--endpoint", sparql.query_url, "--accept-list", str(reviewed),
                           "--links", str(tmp_path / "links.ttl"), "--cache", str(tmp_path / "c"))
    assert result.exit_code == 2
    assert "Error: the accept list pairs https://w3id.org/gulag-kg/id/camp/norillag with Q900000003, but Q900000003 " \
           "is not among the candidates" in result.stderr
    assert not (tmp_path / "links.ttl").exists()


def test_curated_links_are_never_overwritten(runner, sparql, home, tmp_path):
    curated = home / "graph" / "wikidata.ttl"
    before = curated.read_bytes()
    result = link_wikidata(runner, "--type", "camp", "--endpoint", sparql.query_url, "--accept", "0.5",
                           "--links", str(curated), "--cache", str(tmp_path))
    assert result.exit_code == 2
    assert "holds the curated links" in result.stderr
    assert curated.read_bytes() == before


def test_a_file_not_generated_by_us_is_not_overwritten(runner, sparql, tmp_path):
    links = tmp_path / "mine.ttl"
    links.write_text("# my own links\n", encoding="utf-8")
    result = link_wikidata(runner, "--type", "camp", "--endpoint", sparql.query_url, "--accept", "0.5",
                           "--links", str(links), "--cache", str(tmp_path / "c"))
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    assert links.read_text(encoding="utf-8") == "# my own links\n"


def _row(entity: str, qid: str, score: float) -> CandidateRow:
    return CandidateRow(entity, entity, qid, qid, score, "")


def test_two_close_candidates_are_left_for_a_person():
    import datetime as dt

    rows = [_row("e1", "Q1", 0.95), _row("e1", "Q2", 0.95 - MARGIN / 2), _row("e2", "Q3", 0.95), _row("e2", "Q4", 0.7)]
    decision = choose_links(rows, threshold=0.9, created=dt.date(2025, 1, 1))
    assert [(a.entity, a.qid) for a in decision.accepted] == [("e2", "Q3")]
    assert [u.entity for u in decision.undecided] == ["e1"]


def test_one_item_is_given_to_one_entity_only():
    import datetime as dt

    rows = [_row("e1", "Q1", 0.95), _row("e2", "Q1", 0.92), _row("e3", "Q9", 0.99)]
    decision = choose_links(rows, threshold=0.9, created=dt.date(2025, 1, 1), taken={"Q9": "curated-entity"})
    assert [(a.entity, a.qid) for a in decision.accepted] == [("e1", "Q1")]
    assert {u.entity for u in decision.undecided} == {"e2", "e3"}


# --- the check report --------------------------------------------------------------------------


def test_check_reports_the_planted_disagreements(runner, sparql, tmp_path):
    result = runner.invoke(cli, ["--data", str(FIXTURES / "test-links.ttl"), "link", "check", "--classes", CLASSES,
                                 "--endpoint", sparql.query_url, "--cache", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "entity\tlabel\tqid\tcheck\tours\twikidata\tnote"
    rows = read_tsv(result.stdout)
    found = {(r["entity"].removeprefix(ID), r["qid"], r["check"]) for r in rows}
    assert {("agency/gupvi", "Q900000020", "date"), ("place/magadan", "Q900000002", "label"),
            ("place/magadan", "Q900000002", "type"), ("place/norilsk", "Q900000060", "redirect"),
            ("camp/test-only-testlag-far", "Q900000051", "coordinates"),
            ("agency/test-only-agency", "Q900000070", "figure")} <= found
    by = {(r["entity"].removeprefix(ID), r["check"]): r for r in rows}
    assert by[("agency/gupvi", "date")]["wikidata"] == "dissolved (P576) 1955"
    assert "1939/1953" in by[("agency/gupvi", "date")]["ours"] and by[("agency/gupvi", "date")]["note"] == "2 years apart"
    assert by[("agency/test-only-agency", "figure")]["wikidata"] == "number of deaths (P1120) 1,200 (1942)"
    assert len([r for r in rows if r["check"] == "figure"]) == 1     # 1,000 (1940–1945) is our claim
    # what agrees gives no row: the control link, the redirect's target, and the real ids of the table
    for entity in ("person/mochulsky", "agency/gulag", "agency/nkvd"):
        assert not [r for r in rows if r["entity"] == ID + entity], entity
    assert {r["check"] for r in rows if r["entity"] == ID + "place/norilsk"} == {"redirect"}
    # a linked item the server does not know is reported as missing
    assert (ID + "person/stalin", "missing") in {(r["entity"], r["check"]) for r in rows}


def test_check_through_the_api(runner, api, tmp_path):
    result = runner.invoke(cli, ["--data", str(FIXTURES / "test-links.ttl"), "link", "check", "--classes", CLASSES,
                                 "--type", "place", "--api", api.url, "--format", "json", "--cache", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    found = {(r["entity"].removeprefix(ID), r["check"]) for r in rows}
    assert {("place/magadan", "label"), ("place/magadan", "type"), ("place/norilsk", "redirect")} <= found
    assert ("place/moscow", "missing") in found


# --- network manners ---------------------------------------------------------------------------


def test_the_cache_makes_a_second_run_cost_no_request(runner, api, sparql, tmp_path):
    args = ["--type", "camp", "--api", api.url, "--endpoint", sparql.query_url, "--cache", str(tmp_path)]
    first = link_wikidata(runner, *args)
    sent = len(api.requests)
    assert first.exit_code == 0 and sent > 0
    assert re.search(r"[1-9]\d* request\(s\) sent, 0 answer\(s\) from the cache", first.stderr)
    second = link_wikidata(runner, *args)
    assert second.exit_code == 0
    assert len(api.requests) == sent                       # the API server saw nothing new
    assert "0 request(s) sent" in second.stderr            # nor did the SPARQL server
    assert second.stdout == first.stdout


def test_the_cache_answers_even_when_the_server_is_gone(runner, tmp_path):
    fixture = (FIXTURES / "wikidata-fixture.ttl").read_bytes()
    args = ["--type", "work", "--cache", str(tmp_path)]
    with oxigraph_server() as server:
        urllib.request.urlopen(urllib.request.Request(server.store_url + "?default", data=fixture,
                                                      headers={"Content-Type": "text/turtle"}, method="POST"), timeout=10)
        first = link_wikidata(runner, *args, "--endpoint", server.query_url)
    second = link_wikidata(runner, *args, "--endpoint", server.query_url)  # the server is stopped now
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert second.stdout == first.stdout and "Q900000030" in second.stdout


def test_unreachable_endpoint_exits_2_with_a_clear_message(runner, tmp_path):
    url = f"http://127.0.0.1:{free_port()}/query"
    result = link_wikidata(runner, "--endpoint", url, "--no-cache")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot reach {url} (")
    assert "Traceback" not in result.output and len(result.stderr.splitlines()) == 1
    check = runner.invoke(cli, ["link", "check", "--api", url, "--no-cache"])
    assert check.exit_code == 2 and check.stderr.startswith(f"Error: cannot reach {url} (")


def test_429_is_retried_after_the_time_the_server_asks(api):
    api.failures = [(429, {"Retry-After": "3"}), (503, {})]
    waits = []
    client = HttpClient(cache_dir=None, sleep=waits.append, backoff=0.5)
    data = client.get_json(api.url, {"action": "wbsearchentities", "search": "Norillag", "language": "en"})
    assert [h["id"] for h in data["search"]] == ["Q900000001", "Q900000002"]
    assert waits == [3.0, 1.0]       # Retry-After, then exponential backoff (0.5 * 2**1)
    assert client.requests_sent == 3 and len(api.requests) == 3


def test_retries_give_up_with_a_clear_error(api):
    api.failures = [(429, {"Retry-After": "1"})] * 3
    client = HttpClient(cache_dir=None, sleep=lambda s: None, retries=2)
    with pytest.raises(NetworkError, match=r"answered 429 Too Many Requests after 3 tries"):
        client.get_json(api.url, {"action": "wbsearchentities", "search": "x"})
    assert len(api.requests) == 3


def test_429_through_the_command(runner, api, tmp_path):
    api.failures = [(429, {"Retry-After": "1"})]
    result = link_wikidata(runner, "--type", "camp", "--api", api.url, "--cache", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Q900000001" in result.stdout


def test_a_descriptive_user_agent(api, monkeypatch):
    monkeypatch.setenv("GULAG_KG_CONTACT", "curators@example.org")
    HttpClient(cache_dir=None).get_json(api.url, {"action": "wbsearchentities", "search": "Norillag"})
    agent = api.requests[-1]["user_agent"]
    assert agent == user_agent()
    assert re.fullmatch(r"gulag-kg/\S+ \(https://w3id\.org/gulag-kg/; curators@example\.org\) Python-urllib/3\.\d+", agent)


class CountingClient(HttpClient):
    def __init__(self):
        super().__init__(cache_dir=None)
        self.bodies = []

    def post_form(self, url, form, *, accept):
        self.bodies.append(form["query"])
        return super().post_form(url, form, accept=accept)


def test_labels_are_looked_up_many_per_query(sparql):
    client = CountingClient()
    source = SparqlWikibase(sparql.query_url, client, label_batch_size=100)
    texts = [(f"label {i}", "en") for i in range(199)] + [("Norillag", "en")]
    hits = source.search(texts)
    assert len(client.bodies) == 2 and client.requests_sent == 2
    assert [body.count('"@en') for body in client.bodies] == [100, 100]
    assert sorted(q for q, _ in hits[("Norillag", "en")]) == ["Q900000001", "Q900000002"]


# --- QuickStatements -----------------------------------------------------------------------------
# A parser of QuickStatements V1 commands written from Wikidata's Help:QuickStatements: a command
# is one line of TAB-separated fields: an item, a property and a value, then pairs of qualifier
# (Pxx value) and source (Sxx value) fields. Values: an item (Q123), a string in double quotes, a
# monolingual text (lang:"text"), a time (+YYYY-MM-DDT00:00:00Z/precision), a coordinate
# (@lat/lon) or a quantity (amount, optionally ~tolerance or [lower,upper], optionally U<unit item>).

_ITEM = re.compile(r"^Q[1-9]\d*$")
_STRING = re.compile(r'^"(.+)"$', re.S)
_MONO = re.compile(r'^([a-z]{2,3}(?:-[a-z0-9]+)*):"(.+)"$', re.S)
_TIME = re.compile(r"^[+-](\d{1,16})-(\d\d)-(\d\d)T00:00:00Z/(\d{1,2})$")
_COORD = re.compile(r"^@([-+]?\d+(?:\.\d+)?)/([-+]?\d+(?:\.\d+)?)$")
_NUM = r"[-+]?\d+(?:\.\d+)?"
_QUANTITY = re.compile(rf"^({_NUM})(?:~({_NUM})|\[({_NUM}),({_NUM})\])?(?:U([1-9]\d*))?$")
# Properties the export may use, with the datatype Wikidata gives them.
DATATYPES = {"P1120": "quantity", "P571": "time", "P576": "time", "P580": "time", "P582": "time", "P585": "time",
             "P813": "time", "P749": "item", "P112": "item", "P276": "item", "P2632": "item", "P248": "item",
             "P854": "url", "P1683": "monolingual"}


def parse_value(text: str, datatype: str):
    if datatype == "item":
        assert _ITEM.match(text), f"not an item: {text!r}"
        return text
    if datatype == "url":
        m = _STRING.match(text)
        assert m and re.match(r"^https?://\S+$", m.group(1)), f"not a URL string: {text!r}"
        return m.group(1)
    if datatype == "monolingual":
        m = _MONO.match(text)
        assert m, f"not a monolingual text: {text!r}"
        assert len(m.group(2)) <= 1500
        return m.group(1), m.group(2)
    if datatype == "time":
        m = _TIME.match(text)
        assert m, f"not a time: {text!r}"
        year, month, day, precision = (int(g) for g in m.groups())
        assert 0 <= precision <= 14 and 1 <= year
        assert 0 <= month <= 12 and 0 <= day <= 31
        assert (month == 0) == (precision < 10) and (day == 0) == (precision < 11), f"precision {precision} vs {text}"
        if precision == 8:
            assert year % 10 == 0
        return year, month, day, precision
    if datatype == "quantity":
        m = _QUANTITY.match(text)
        assert m, f"not a quantity: {text!r}"
        amount = Decimal(m.group(1))
        if m.group(3) is not None:
            assert Decimal(m.group(3)) <= amount <= Decimal(m.group(4)), f"bounds do not hold the amount: {text}"
        return amount
    if datatype == "coordinate":
        m = _COORD.match(text)
        assert m and -90 <= float(m.group(1)) <= 90 and -180 <= float(m.group(2)) <= 180
        return float(m.group(1)), float(m.group(2))
    raise AssertionError(f"unknown datatype {datatype}")


def parse_quickstatements_v1(text: str) -> list[dict]:
    commands = []
    assert text.endswith("\n") or not text
    for number, line in enumerate(text.splitlines(), 1):
        assert "|" not in line, f"line {number}: '|' separates commands in QuickStatements"
        fields = line.split("\t")
        assert len(fields) >= 3 and len(fields) % 2 == 1, f"line {number}: item, property, value, then pairs"
        item, prop, value = fields[:3]
        assert _ITEM.match(item), f"line {number}: {item!r} is not an item"
        assert prop in DATATYPES and prop.startswith("P"), f"line {number}: unknown property {prop}"
        command = {"item": item, "property": prop, "value": parse_value(value, DATATYPES[prop]),
                   "qualifiers": [], "sources": []}
        seen_source = False
        for key, val in zip(fields[3::2], fields[4::2]):
            assert re.fullmatch(r"[PS][1-9]\d*", key), f"line {number}: {key!r}"
            pid = "P" + key[1:]
            assert pid in DATATYPES, f"line {number}: unknown property {key}"
            if key.startswith("S"):
                seen_source = True
                command["sources"].append((pid, parse_value(val, DATATYPES[pid])))
            else:
                assert not seen_source, f"line {number}: a qualifier after a source"
                command["qualifiers"].append((pid, parse_value(val, DATATYPES[pid])))
        commands.append(command)
    return commands


@pytest.fixture(scope="module")
def quickstatements():
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["export", "--format", "quickstatements"])
    assert result.exit_code == 0, result.output
    return result


def test_quickstatements_export_is_valid_v1(quickstatements, kg):
    commands = parse_quickstatements_v1(quickstatements.stdout)
    assert len(commands) >= 10
    linked = {row["wd"].value.rsplit("/", 1)[-1] for row in kg.store.query(
        'SELECT ?wd WHERE { ?e owl:sameAs ?wd FILTER (STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/")) }')}
    for c in commands:
        assert c["item"] in linked                      # only items of our verified links
        if DATATYPES[c["property"]] == "item":
            assert c["value"] in linked
        sources = dict(c["sources"])
        assert sources.get("P854") == "https://en.wikipedia.org/wiki/Gulag" or "P248" in sources
        if "P1683" in sources:
            lang, quote = sources["P1683"]
            assert lang == "en" and quote in (ROOT / "sources" / "wikipedia-en-gulag.txt").read_text(encoding="utf-8")


def test_quickstatements_carry_the_claim_with_its_period_and_quote(quickstatements):
    commands = parse_quickstatements_v1(quickstatements.stdout)
    study = [c for c in commands if c["property"] == "P1120" and c["value"] == Decimal("1053829")]
    assert len(study) == 1
    c = study[0]
    assert c["item"] == "Q161448"
    assert c["qualifiers"] == [("P580", (1934, 0, 0, 9)), ("P582", (1953, 0, 0, 9))]
    assert c["sources"] == [("P854", "https://en.wikipedia.org/wiki/Gulag"), ("P813", (2025, 0, 0, 9)),
                            ("P1683", ("en", "A 1993 study of archival Soviet data estimates 1,053,829 people died in the Gulag from 1934 to 1953."))]
    parents = {(c["value"], c["qualifiers"][0][1][0]) for c in commands if c["property"] == "P749"}
    assert ("Q182449", 1934) in parents                 # the Gulag under the NKVD from 1934


def test_quickstatements_leave_out_what_wikidata_cannot_say_faithfully(quickstatements):
    commands = parse_quickstatements_v1(quickstatements.stdout)
    assert not [c for c in commands if c["value"] in (Decimal("50"), Decimal("19.4"))]     # percentages
    assert "left out claim:deaths-gulag-pre-1991-unnamed-sources: deprecated rank" in quickstatements.stderr
    assert "left out claim:deaths-gulag-1930-1953-consensus: a range or bound without a point value" in quickstatements.stderr
    assert "left out claim:subordinate-to-gulag-1943-wikipedia: the value agency:nkgb has no Wikidata link" in quickstatements.stderr


def test_quickstatements_to_a_file(runner, tmp_path):
    out = tmp_path / "claims.qs"
    result = runner.invoke(cli, ["--data", str(FIXTURES / "test-links.ttl"), "export", "--format", "quickstatements", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert parse_quickstatements_v1(out.read_text(encoding="utf-8"))
    # the invented agency's claim has no quote to cite, so it is left out
    assert "left out claim:test-only-deaths: no quote with a source URL to cite" in result.stderr


@pytest.mark.parametrize("bad", [
    "Q1\tP1120\t12[13,14]\tS854\t\"https://example.org\"",     # bounds that do not hold the amount
    "Q1\tP580\t+1934-01-00T00:00:00Z/9",                          # month given at year precision
    "Q1\tP1683\t\"no language\"",
    "Q1\tP749\tnkvd",
    "Q1\tP749\tQ2\tS854\t\"https://example.org\"\tP580\t+1934-00-00T00:00:00Z/9",   # qualifier after a source
])
def test_the_parser_rejects_invalid_commands(bad):
    with pytest.raises(AssertionError):
        parse_quickstatements_v1(bad + "\n")


# --- small parts -------------------------------------------------------------------------------


def test_label_similarity():
    assert label_similarity("Soviet famine of 1932–1933", "soviet famine of 1932-1933") == 1.0
    assert label_similarity("Norillag", "Norilsk") < label_similarity("Norillag", "Norillag camp") < 1.0
    assert label_similarity("GUPVI", "Главное управление") < 0.2


def test_wikibase_time_precision():
    assert WikiTime(1955, 0, 0, 9).text() == "1955"
    assert WikiTime(1930, 0, 0, 8).text() == "1930s"
    assert WikiTime(1960, 1, 25, 11).bounds()[0].isoformat() == "1960-01-25"


def test_link_commands_have_help_with_an_example(runner):
    for command in ("wikidata", "check"):
        result = runner.invoke(cli, ["link", command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


# --- the verified Wikidata ids --------------------------------------------------------------------

# A Wikidata item or property id as the linking code writes it; S<n> is property P<n> used in a
# QuickStatements reference.
_WIKIDATA_ID_IN_TEXT = re.compile(r"\b([QPS])([1-9][0-9]*)\b")


def wikidata_ids_in(text: str) -> set[str]:
    return {("P" if kind == "S" else kind) + number for kind, number in _WIKIDATA_ID_IN_TEXT.findall(text)}


def test_the_id_scanner_finds_items_properties_and_reference_properties():
    assert wikidata_ids_in('wdt:P31/wdt:P279* wd:Q1656682 . "S854"\tQ9x P0 HQ5') == {"P31", "P279", "Q1656682", "P854"}


LINKING_SOURCES = sorted((ROOT / "gulag_kg" / "linking").glob("*.py"))


@pytest.mark.parametrize("path", LINKING_SOURCES, ids=[p.name for p in LINKING_SOURCES])
def test_every_wikidata_id_in_the_linking_code_is_verified(path):
    """An id recalled from memory is a defect: every Q/P id the code names must be in the table
    of ids seen paired with their label in public evidence (gulag_kg/linking/wikidata-ids.tsv)."""
    from gulag_kg.linking.wikibase import verified_ids

    unverified = wikidata_ids_in(path.read_text(encoding="utf-8")) - set(verified_ids())
    assert not unverified, f"{path.name} names Wikidata ids not in wikidata-ids.tsv: {sorted(unverified)}"


def test_the_verified_table_says_where_each_id_was_seen():
    from gulag_kg.linking.wikibase import verified_ids

    rows = verified_ids()
    assert rows["P31"].label == "instance of" and rows["P31"].kind == "property"
    assert all(len(r.evidence) > 20 for r in rows.values())


def test_default_classes_are_the_verified_expected_classes():
    from gulag_kg.linking import default_classes
    from gulag_kg.linking.wikibase import verified_ids

    classes = default_classes()
    for kind, pairs in classes.items():
        for qid, label in pairs:
            row = verified_ids()[qid]
            assert row.kind == "class" and row.label == label and f"expected class: {kind}" in row.used_for
    listed = {(kind, r.id) for r in verified_ids().values() for kind in re.findall(r"expected class: (\w+)", r.used_for)}
    assert listed == {(kind, q) for kind, pairs in classes.items() for q, _ in pairs}


def test_a_malformed_table_of_ids_is_an_error_with_its_line(tmp_path, monkeypatch):
    from gulag_kg.errors import InputError
    from gulag_kg.linking import wikibase

    bad = tmp_path / "wikidata-ids.tsv"
    bad.write_text("id\tlabel\tkind\tused_for\tevidence\nQ5\thuman\tproperty\ttest only\tinvented test row\n",
                   encoding="utf-8")
    monkeypatch.setattr(wikibase, "WIKIDATA_IDS_FILE", bad)
    wikibase.verified_ids.cache_clear()
    try:
        with pytest.raises(InputError, match=r"line 2: kind 'property' does not fit Q5"):
            wikibase.verified_ids()
    finally:
        monkeypatch.undo()
        wikibase.verified_ids.cache_clear()


def test_a_kind_without_a_verified_class_is_not_type_checked(runner, sparql, tmp_path, monkeypatch):
    from gulag_kg.linking import scoring

    monkeypatch.setattr(scoring, "default_classes", lambda: {})     # as if no event class were verified
    only_camps = tmp_path / "classes.tsv"
    only_camps.write_text("type\tqid\tlabel\ncamp\tQ900000902\ttest class: camp\n", encoding="utf-8")
    result = runner.invoke(cli, ["--data", str(FIXTURES / "test-entities.ttl"), "link", "wikidata", "--type", "event",
                                 "--classes", str(only_camps), "--endpoint", sparql.query_url,
                                 "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert "no Wikidata class is expected for event" in result.stderr and "--classes FILE" in result.stderr
    rows = [r for r in read_tsv(result.stdout) if r["entity"] == ID + "event/soviet-famine-1932-1933"]
    assert rows[0]["qid"] == "Q900000040"
    assert all("type not compared: no verified Wikidata class is expected for event" in r["evidence"] for r in rows)
    assert not any("not a kind of any class" in r["evidence"] for r in rows)
