"""Quotes in context (gulag_kg.web.passages): the paragraph of the stored source with the
quoted words, located by the selector's exact words and its prefix and suffix."""

from __future__ import annotations

from gulag_kg.paths import source_text_path
from gulag_kg.prefixes import ID_NS
from gulag_kg.web.passages import SourceTexts, marked_segments

SOURCE = ID_NS + "source/wikipedia-en-gulag"


def test_a_quote_is_cut_out_of_its_paragraph(kg):
    texts = SourceTexts(kg.store)
    exact = "A 1993 study of archival Soviet data estimates 1,053,829 people died in the Gulag from 1934 to 1953."
    passage, problem = texts.locate(SOURCE, exact)
    paragraph = source_text_path().read_text(encoding="utf-8").split("\n")[passage.paragraph - 1]
    assert problem is None and passage.before + passage.exact + passage.after == paragraph


def test_prefix_and_suffix_pick_one_of_several_places(kg):
    texts = SourceTexts(kg.store)
    text = source_text_path().read_text(encoding="utf-8")
    word = "NKVD"
    assert text.count(word) > 1
    assert texts.locate(SOURCE, word) == (None, "the quoted words occur more than once in the stored text")
    first = text.index(word)
    prefix, suffix = text[first - 12:first], text[first + 4:first + 16]
    passage, problem = texts.locate(SOURCE, word, prefix, suffix)
    assert problem is None and passage.exact == word and passage.before.endswith(prefix)


def test_words_not_in_the_text_or_a_source_without_text_say_why(kg):
    texts = SourceTexts(kg.store)
    assert texts.locate(SOURCE, "words that are not there") == (None, "the quoted words are not in the stored text")
    assert texts.locate(ID_NS + "work/nothing", "x") == (None, "the source has no stored text in this project")


def test_every_claim_quote_of_the_graph_is_located(kg):
    texts = SourceTexts(kg.store)
    claims = [r["c"].value for r in kg.store.query("SELECT DISTINCT ?c WHERE { ?c a gk:Claim }")]
    evidence = texts.evidence(claims)
    located = [e for items in evidence.values() for e in items if e.passage is not None]
    unlocated = [e for items in evidence.values() for e in items if e.exact and e.passage is None]
    assert located and not unlocated


def test_overlapping_quotes_mark_the_union_of_their_words():
    segments = marked_segments("abcdefgh", [(1, 4, "x"), (3, 6, "y")])
    assert [(s.text, s.owners) for s in segments] == [
        ("a", ()), ("bc", ("x",)), ("d", ("x", "y")), ("ef", ("y",)), ("gh", ())]
