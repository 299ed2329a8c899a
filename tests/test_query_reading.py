"""Reading a query: named query, file or SPARQL; syntax errors reported as such, where they are."""

from __future__ import annotations

import pytest

from gulag_kg.cli import cli
from gulag_kg.errors import QueryError
from gulag_kg.query import check_syntax, read_query, tidy_engine_message


@pytest.mark.parametrize(("query", "message"), [
    # a typo in the first keyword is a syntax error of the query, not an unknown named query
    ("SELEC ?s WHERE { ?s ?p ?o }",
     "Error: query, line 1, column 1: SPARQL syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE "
     "(after any PREFIX and BASE declarations), not 'SELEC'\n"),
    ("PREFIX ex: <http://example.org/>\nSELEC ?s WHERE { ?s ex:p ?o }",
     "Error: query, line 2, column 1: SPARQL syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE "
     "(after any PREFIX and BASE declarations), not 'SELEC'\n"),
])
def test_a_misspelt_keyword_is_a_syntax_error_with_line_and_column(runner, query, message):
    result = runner.invoke(cli, ["query", query])
    assert result.exit_code == 2
    assert result.output == message


def test_an_unknown_prefix_names_the_prefix_and_where_it_is(runner):
    result = runner.invoke(cli, ["query", "SELECT ?s WHERE {\n  ?s foo:p ?o }"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: query, line 2, column 6: SPARQL syntax error: unknown prefix 'foo:' in 'foo:p'; "
                                    "declare it (PREFIX foo: <...>)")
    assert "\\u{" not in result.output and result.output.count("\n") == 1


def test_a_declared_prefix_and_the_project_prefixes_are_known():
    check_syntax("PREFIX foo: <http://example.org/> SELECT ?s WHERE { ?s foo:p ?o ; gk:subject ?x ; rdfs:label ?l }")


def test_other_syntax_errors_keep_the_engines_position_on_one_line(runner):
    result = runner.invoke(cli, ["query", "SELECT ?s WHERE {\n ?s ?p ?o .\n FILTER( }"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: query, line 3, column 11: SPARQL syntax error: expected one of")
    assert result.output.count("\n") == 1


def test_the_engines_list_of_unicode_ranges_becomes_words():
    message = ("expected one of OPTIONAL, ['%'], ['A' ..= 'Z' | 'a' ..= 'z' | '\\u{00C0}'..='\\u{00D6}'\n"
               "| '\\u{00D8}'..='\\u{00F6}'], ['_']")
    tidy = tidy_engine_message(message)
    assert "\n" not in tidy and "..=" not in tidy and "a name character" in tidy


@pytest.mark.parametrize(("query", "origin"), [
    ("death-toll-estimates", "named query 'death-toll-estimates'"),
    ("ASK {}", "query"),
    ("  SELECT ?x WHERE {}  ", "query"),
])
def test_what_a_query_argument_is(query, origin):
    assert read_query(query)[1] == origin


def test_a_single_unknown_word_is_an_unknown_named_query_with_suggestions():
    with pytest.raises(QueryError, match=r"unknown named query 'deth-toll-estimates'\. Did you mean death-toll-estimates"):
        read_query("deth-toll-estimates")
