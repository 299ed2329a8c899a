"""Validation against the shapes: fixtures state their expected results; exit codes 0/1/2."""

from __future__ import annotations

import json
import re

import pytest

import gulag_kg
from gulag_kg.cli import cli
from gulag_kg.validation import Severity

from .conftest import DATA, expectations

INVALID = sorted((DATA / "invalid").glob("*.ttl"))
WARNINGS = sorted((DATA / "warnings").glob("*.ttl"))
VALID = sorted((DATA / "valid").glob("*.ttl"))


@pytest.mark.parametrize("path", VALID + INVALID + WARNINGS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_gives_exactly_the_expected_results(path):
    conforms, expected = expectations(path)
    report = gulag_kg.load([path], shipped=False).validate()
    assert {(r.severity.value, r.focus if r.focus.startswith("http") else "_", r.shape or "_") for r in report.results} == expected
    assert report.conforms is conforms


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_validate_exits_1_on_each_invalid_fixture(runner, path):
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "does not conform" in result.output.splitlines()[-1]


@pytest.mark.parametrize("path", WARNINGS, ids=lambda p: p.stem)
def test_warnings_pass_unless_fail_on_warning(runner, path):
    """Exit codes follow --fail-on; "conforms" is SHACL's (no result at all) in every format."""
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith("does not conform, passes --fail-on violation: 0 violation(s), 1 warning(s)")
    doc = json.loads(runner.invoke(cli, ["validate", "--format", "json", str(path)]).output)
    assert (doc["conforms"], doc["fails"], doc["fail_on"]) == (False, False, "Violation")
    result = runner.invoke(cli, ["validate", "--fail-on", "warning", "--format", "json", str(path)])
    assert result.exit_code == 1
    assert (json.loads(result.output)["conforms"], json.loads(result.output)["fails"]) == (False, True)
    assert runner.invoke(cli, ["validate", "--fail-on", "warning", str(path)]).output.splitlines()[-1].startswith("does not conform: ")


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms_in_every_format(runner, path):
    result = runner.invoke(cli, ["validate", "--fail-on", "warning", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "conforms: 0 violation(s), 0 warning(s), 0 info(s)"
    doc = json.loads(runner.invoke(cli, ["validate", "--format", "json", str(path)]).output)
    assert (doc["conforms"], doc["fails"], doc["results"]) == (True, False, [])


def test_shipped_graph_passes_with_warnings_only(runner):
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert re.match(r"does not conform, passes --fail-on violation: 0 violation\(s\), [1-9]\d* warning\(s\)", result.output.splitlines()[-1])


def test_report_lines_name_the_focus_label_and_say_what_to_fix(runner):
    result = runner.invoke(cli, ["validate", str(DATA / "invalid" / "Claim-no-source.ttl")])
    first = result.output.splitlines()[0]
    assert first.startswith("Violation: https://w3id.org/gulag-kg/id/claim/c1 <https://w3id.org/gulag-kg/id/claim/c1> [prov:wasDerivedFrom]:")
    assert "needs at least one source" in first


def test_json_report_is_plain_data(runner):
    result = runner.invoke(cli, ["validate", "--format", "json", str(DATA / "invalid" / "Claim-no-quote.ttl")])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["conforms"] is False and doc["violations"] == 1
    assert doc["results"][0]["severity"] == "Violation"
    assert doc["results"][0]["shape"] == "https://w3id.org/gulag-kg/shapes#ClaimShape-evidence"


@pytest.mark.parametrize(("name", "line", "reason"), [
    ("unterminated-literal.ttl", 3, "unterminated"),
    ("iri-with-space.nt", 2, "Invalid IRI code point ' '"),
    ("bad-json.jsonld", 4, "invalid JSON"),
])
def test_malformed_file_exits_2_naming_file_and_line(runner, name, line, reason):
    path = DATA / "malformed" / name
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}, line {line}: ")
    assert reason.lower() in result.output.lower()
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_file_exits_2(runner, tmp_path):
    result = runner.invoke(cli, ["validate", str(tmp_path / "nope.ttl")])
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope.ttl'}: no such file\n"


def test_unknown_extension_exits_2(runner, tmp_path):
    path = tmp_path / "data.xyz"
    path.write_text("x")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert "unknown file extension '.xyz'" in result.output


def test_removing_sources_and_quotes_from_shipped_claims_fails_validation(tmp_path):
    """The shapes really hold the shipped claims to their sources and quotes."""
    from gulag_kg.export import serialize_quads

    kg = gulag_kg.load()
    rdf_type, claim_class = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/gulag-kg/ontology#Claim"
    stripped_predicates = {"http://www.w3.org/ns/prov#wasDerivedFrom", "https://w3id.org/gulag-kg/ontology#evidence"}
    claims = {q.subject.value for q in kg.store.quads() if q.predicate.value == rdf_type and q.object.value == claim_class}
    quads = [q for q in kg.store.quads() if not (q.subject.value in claims and q.predicate.value in stripped_predicates)]
    stripped = tmp_path / "stripped.nq"
    stripped.write_bytes(serialize_quads(quads, "nquads"))
    report = gulag_kg.load([stripped], shipped=False).validate()
    failing = {}
    for r in report.results:
        if r.severity is Severity.VIOLATION:
            failing.setdefault(r.shape.rsplit("#", 1)[-1], set()).add(r.focus)
    assert failing == {"ClaimShape-source": claims, "ClaimShape-evidence": claims}


def test_a_custom_severity_in_the_shapes_is_a_clear_error(tmp_path, monkeypatch):
    """SHACL allows any IRI as severity; our report knows three and says so, without a traceback."""
    import rdflib

    from gulag_kg import validation

    custom = rdflib.Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity ex:Catastrophic ; sh:message "needs ex:p" ] .""",
        format="turtle")
    monkeypatch.setattr(validation, "load_shapes_graph", lambda: custom)
    data = rdflib.Graph().parse(data="<http://example.org/a> <http://example.org/q> 1 .", format="turtle")
    with pytest.raises(gulag_kg.GulagKgError, match="severity http://example.org/Catastrophic"):
        validation.validate_graph(data)
