"""Parameters of named queries: declared in the header, resolved like ``describe``, never silent."""

from __future__ import annotations

import re

import pytest

from gulag_kg.cli import cli
from gulag_kg.params import ParameterError, QueryParameter, bind_parameters, parse_parameters
from gulag_kg.query import named_queries

ID = "https://w3id.org/gulag-kg/id/"
PLACE = QueryParameter("place", "gk:Place")
AGENCY = QueryParameter("agency", "gk:Organisation")
ANY = QueryParameter("claimant", "IRI")


def resolve(kg, param, value):
    return bind_parameters(kg.store, (param,), {param.name: value})[param.name].value


def test_the_header_declares_name_type_description_default_and_example():
    text = "# title: x\n# param: place (gk:Place) a region, default place:kazakhstan, e.g. Kolyma\nSELECT ?place {}"
    assert parse_parameters(text) == (QueryParameter("place", "gk:Place", "a region", "place:kazakhstan", "Kolyma"),)
    assert parse_parameters("# param: year (xsd:integer) e.g. 1941\nSELECT ?year {}")[0].example == "1941"


@pytest.mark.parametrize(("param", "value", "iri"), [
    (PLACE, "Kazakhstan", "place/kazakhstan"),                     # a label
    (PLACE, "kazakhstan", "place/kazakhstan"),                     # case ignored
    (PLACE, "  Kolyma ", "place/kolyma"),
    (PLACE, "Cernauti", "place/cernauti"),                        # accents ignored: the label is Cernăuți
    (PLACE, "place:soviet-union", "place/soviet-union"),          # a prefixed name
    (PLACE, "USSR", "place/soviet-union"),                        # an alternative name
    (PLACE, f"<{ID}place/moscow>", "place/moscow"),               # an IRI
    (AGENCY, "ГУЛАГ", "agency/gulag"),                            # any language
    (AGENCY, "NKVD", "agency/nkvd"),                              # a name beats another agency's abbreviation
    (AGENCY, "People's Commissariat of Internal Affairs", "agency/nkvd-1920s"),
])
def test_a_value_resolves_like_describe(kg, param, value, iri):
    assert resolve(kg, param, value) == ID + iri


@pytest.mark.parametrize(("param", "value", "words"), [
    (PLACE, "Atlantis", "no gk:Place is named 'Atlantis'"),
    (PLACE, "Kazakstan", "Did you mean: Kazakhstan (place:kazakhstan)"),
    (PLACE, "NKVD", "'NKVD' is not a gk:Place: NKVD (agency:nkvd) is a gk:Agency"),
    (PLACE, "agency:nkvd", "agency:nkvd is a gk:Agency, not a gk:Place"),
    (PLACE, "place:atlantis", "'place:atlantis' is not in the graph"),
    (ANY, "Magadan", "'Magadan' names 2 values"),                 # the town and Solomon's memoir
    (QueryParameter("year", "xsd:integer", example="1943"), "nineteen", "parameter year is an integer, e.g. year=1943"),
])
def test_a_value_that_names_nothing_several_things_or_the_wrong_thing_is_an_error_with_candidates(kg, param, value, words):
    with pytest.raises(ParameterError, match=re.escape(words)):
        resolve(kg, param, value)


def test_the_ambiguous_value_lists_every_candidate(kg):
    with pytest.raises(ParameterError) as info:
        resolve(kg, ANY, "Magadan")
    assert "place:magadan" in str(info.value) and "work:solomon-magadan" in str(info.value)


@pytest.mark.parametrize(("args", "words"), [
    (["camps-in-place", "--param", "place=Atlantis"], "Error: parameter place: no gk:Place is named 'Atlantis'"),
    (["agency-in-year", "--param", "year=nineteen"], "Error: parameter year is an integer"),
    (["camps-by-agency", "--param", "agency=Kolyma"], "Error: parameter agency: 'Kolyma' is not a gk:Organisation"),
    (["people-by-role", "--param", "role=astronaut"], "Error: parameter role: no gkv:role is named 'astronaut'"),
    (["estimates-of", "--param", "property=deths"], "Error: parameter property: unknown claim property 'deths'"),
])
def test_a_parameter_that_resolves_to_nothing_exits_2_never_0_with_no_rows(runner, args, words):
    result = runner.invoke(cli, ["query", *args, "--format", "csv"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(words) and result.output.count("\n") == 1


def test_the_same_query_with_a_label_and_with_a_prefixed_name_gives_the_same_rows(kg):
    by_label = kg.query("camps-in-place", params={"place": "Kazakhstan"}).as_dicts()
    by_name = kg.query("camps-in-place", params={"place": "place:kazakhstan"}).as_dicts()
    assert by_label == by_name and len(by_label) == 3


# Every declared parameter of every shipped query: a type, an example that resolves, and a default
# (where there is one) that is bound, so that the parameter's column is never blank.
PARAMS = [(name, p) for name, q in sorted(named_queries().items()) for p in q.params]


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[f"{n}-{p.name}" for n, p in PARAMS])
def test_every_declared_parameter_has_a_type_and_an_example_that_resolves(kg, name, param):
    assert param.type and param.example, f"{name}: --list must show the type and an example of {param.name}"
    bind_parameters(kg.store, (param,), {param.name: param.example})


@pytest.mark.parametrize(("name", "param"), [(n, p) for n, p in PARAMS if p.default is not None],
                         ids=[f"{n}-{p.name}" for n, p in PARAMS if p.default is not None])
def test_a_defaulted_parameter_is_bound_and_agrees_with_the_query_text(kg, name, param):
    text = named_queries()[name].text
    coalesce = re.search(rf"COALESCE\(\?{param.name}, ([^)]+)\)", text)
    assert coalesce and coalesce.group(1).strip() == param.default, \
        f"{name}: the header's default {param.default!r} is not the query's own ({coalesce and coalesce.group(1)})"
    rows = kg.query(name).as_dicts()
    assert rows, f"{name} answers nothing with its defaults"
    bound = {r[param.name] for r in rows}
    assert None not in bound, f"{name}: the column of the defaulted parameter {param.name} is blank"


def test_list_shows_each_parameter_with_its_type_default_and_example(runner):
    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    text = result.output
    assert "--param place=gk:Place  a country, region, town or river (default place:kazakhstan; e.g. place=Kolyma)" in text
    assert "--param year=integer  the year (default 1941; e.g. year=1943)" in text
    for name, q in named_queries().items():
        for p in q.params:
            assert f"--param {p.name}={p.type_label}" in text, (name, p.name)
