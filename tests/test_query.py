"""gulag_kg.query: the checks made before a query reaches the engine (tokens, nesting, form)."""

from __future__ import annotations

import random

import pytest

from gulag_kg import query
from gulag_kg.errors import QueryError


def _both(text):
    out = []
    for ascii_only in (True, False):
        pattern = query._token_regex(ascii_only)
        pos, tokens = 0, []
        while pos < len(text):
            m = pattern.match(text, pos)
            if m is None:
                tokens.append(("error", pos))
                break
            tokens.append((m.lastgroup, m.group()))
            pos = m.end()
        out.append(tokens)
    return out


def test_the_ascii_pattern_reads_ascii_queries_as_the_full_one_does():
    texts = [q.text for q in query.named_queries().values()]
    texts += ["SELECT ?x_1 ?y WHERE { _:b.1 ex:a.b\\~c ?x_1 . ?y <http://a/b> 'it''s' , \"\"\"x\ny\"\"\"@en-GB } # c",
              "ASK { ?s ex:p%41 1.5e+3, .5, 7 FILTER(?s != <x> && !BOUND(?o) || ?o <= 3) }", "SELECT * {} \x01"]
    rng = random.Random(12)
    alphabet = "abcXYZ019_:.-?$<>{}()[];,'\"\\#@%~^|&!=+*/ \n\t"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(3000)]
    for text in texts:
        assert text.isascii()
        fast, full = _both(text)
        assert fast == full, text


def test_names_beyond_ascii_are_read_with_the_full_pattern():
    assert query.tokens("SELECT ?имя WHERE { ?имя rdfs:label \"Гулаг\" }") == [
        ("word", "SELECT"), ("var", "?имя"), ("word", "WHERE"), ("punct", "{"), ("var", "?имя"),
        ("pname", "rdfs:label"), ("string", '"Гулаг"'), ("punct", "}")]
    with pytest.raises(QueryError, match="starts no SPARQL token"):
        query.tokens("SELECT * WHERE { ?s ?p ?o } ¤")


@pytest.mark.parametrize("text,form", [("SELECT * {}", "select"), ("ask {}", "ask"),
                                       ("PREFIX x: <http://a/> CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
                                       ("# SELECT\nDESCRIBE <x>", "describe")])
def test_query_form(text, form):
    assert query.query_form(text) == form


def test_nesting_counts_depth_and_chains_not_flat_data():
    assert query.nesting("SELECT * WHERE { ?s ?p ?o }") <= 3
    assert query.nesting("SELECT * WHERE " + "{" * 300 + "}" * 300) >= 300
    assert query.nesting("SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 300) + " }") >= 300
    assert query.nesting("SELECT * WHERE { VALUES (?a ?b) { " + " ".join(f"({i} -{i})" for i in range(3000)) + " } }") < 10
    assert query.nesting("ASK { FILTER(?o IN (" + ",".join(map(str, range(3000))) + ")) }") < 10
    assert max(query.nesting(q.text) for q in query.named_queries().values()) < 100  # ours are far below the cap
