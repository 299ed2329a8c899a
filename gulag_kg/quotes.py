"""Quotes against the stored source text: are they verbatim, and which figures do they carry.

Every ``oa:TextQuoteSelector`` of the graph must select exactly one place of its source's
stored copy: ``oa:exact`` occurs there (with ``oa:prefix``/``oa:suffix`` where it occurs more
than once). :func:`check_quotes` says which do not; :func:`quantity_coverage` lists every
figure of the article's body and whether a claim's quote carries it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from . import paths
from .store import Store

_QUOTES = """
SELECT ?owner ?source ?local ?exact ?prefix ?suffix ?isClaim WHERE {
  %s
  ?owner gk:evidence ?evidence .
  ?evidence oa:hasSource ?source ; oa:hasSelector ?selector .
  ?selector a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?source gk:localCopy ?local }
  OPTIONAL { ?selector oa:prefix ?prefix }
  OPTIONAL { ?selector oa:suffix ?suffix }
  BIND (EXISTS { ?owner a gk:Claim } AS ?isClaim)
}
"""


@dataclass(frozen=True)
class Quote:
    """One quote of the graph, and where it stands in its source (``start`` is ``None`` if nowhere)."""

    owner: str
    source: str
    exact: str
    prefix: str
    suffix: str
    is_claim: bool
    start: int | None
    occurrences: int


@dataclass(frozen=True)
class QuoteProblem:
    owner: str
    exact: str
    reason: str


def _source_texts(store: Store, only: str = "") -> dict[str, str]:
    texts: dict[str, str] = {}
    for row in store.query("SELECT ?source ?local WHERE { %s ?source a gk:SourceDocument ; gk:localCopy ?local }" % only):
        if row["local"].value.endswith(".txt"):
            texts[row["source"].value] = paths.local_copy(row["local"].value).read_text(encoding="utf-8")
    return texts


def locate_quotes(store: Store, source: str | None = None) -> list[Quote]:
    """Every text quote of the store (or of one ``source``, looked up from it: a source's page
    does not read the quotes of every other source), located in its stored source text."""
    only = f"VALUES ?source {{ {ox.NamedNode(source)} }}" if source is not None else ""
    texts = _source_texts(store, only)
    out = []
    for row in store.query(_QUOTES % only):
        source = row["source"].value
        exact = row["exact"].value
        prefix = row["prefix"].value if row["prefix"] is not None else ""
        suffix = row["suffix"].value if row["suffix"] is not None else ""
        text = texts.get(source)
        start, occurrences = None, 0
        if text is not None:
            full = prefix + exact + suffix
            occurrences = text.count(full)
            if occurrences:
                start = text.index(full) + len(prefix)
        out.append(Quote(row["owner"].value, source, exact, prefix, suffix,
                         row["isClaim"].value == "true", start, occurrences))
    return sorted(out, key=lambda q: (q.owner, q.exact))


def check_quotes(store: Store) -> list[QuoteProblem]:
    """Quotes that do not select exactly one place of a stored source text."""
    texts = _source_texts(store)
    problems = []
    for q in locate_quotes(store):
        if q.source not in texts:
            problems.append(QuoteProblem(q.owner, q.exact, f"source {q.source} has no stored text (gk:localCopy)"))
        elif "\n" in q.exact:
            problems.append(QuoteProblem(q.owner, q.exact, "quote spans a line break"))
        elif q.occurrences == 0:
            problems.append(QuoteProblem(q.owner, q.exact, "not a verbatim substring of the source text"))
        elif q.occurrences > 1:
            problems.append(QuoteProblem(q.owner, q.exact, f"occurs {q.occurrences} times; add oa:prefix or oa:suffix"))
    return problems


# --- coverage of the article's figures ----------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[,.]\d+)*(?:k|\s?(?:%|percent))?(?![\w])")
# Numbers that are not quantities although they are not years either.
_YEAR_SUFFIX = re.compile(r"1[0-9]{3}[–-]$")          # the "43" of "1942–43"
_NAME_PREFIX = re.compile(r"(?:[A-Z][a-z]+-|Nuksha )$")  # "Perm-36", "Nuksha 2": names of camps
_ISBN = re.compile(r"ISBN[\s:]*[\dX][\d\- X]*")
_BODY_END = "\n== See also =="


@dataclass(frozen=True)
class Figure:
    """A number written in the article's body and whether quotes carry it."""

    line: int
    column: int
    text: str
    context: str
    in_claim: bool
    in_any_quote: bool


def _is_year(token: str) -> bool:
    """Four digits from 1000 to 2029 without separators: a year ("1,600" is not)."""
    return re.fullmatch(r"1[0-9]{3}|20[0-2][0-9]", token) is not None


def article_figures(text: str) -> list[tuple[int, str]]:
    """(offset, token) for every number of the body that is a quantity: not a year (nor the
    short second year of "1942–43"), an ordinal ("17th"), a decade ("1920s"), list numbering,
    an ISBN, or part of a camp's name ("Perm-36")."""
    body_end = text.find(_BODY_END)
    body = text if body_end < 0 else text[:body_end]
    isbn_spans = [m.span() for m in _ISBN.finditer(body)]
    out = []
    for m in _NUMBER.finditer(body):
        start, token = m.start(), m.group()
        if any(a <= start < b for a, b in isbn_spans):
            continue
        line_start = body.rfind("\n", 0, start) + 1
        if start == line_start and re.match(r"\d+ - ", body[start:]):
            continue  # list numbering ("7 - Military personnel ...")
        if _is_year(token):
            continue
        before = body[max(0, start - 12):start]
        if (_YEAR_SUFFIX.search(before) and len(token) == 2) or _NAME_PREFIX.search(before):
            continue
        out.append((start, token))
    return out


def quantity_coverage(store: Store) -> list[Figure]:
    """Every figure of the body of the stored article, and whether a claim's quote carries it."""
    text = paths.source_text_path().read_text(encoding="utf-8")
    quotes = [q for q in locate_quotes(store) if q.start is not None and "wikipedia-en-gulag" in q.source]
    claim_spans = [(q.start, q.start + len(q.exact)) for q in quotes if q.is_claim]
    any_spans = [(q.start, q.start + len(q.exact)) for q in quotes]
    figures = []
    for start, token in article_figures(text):
        end = start + len(token)
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        context = text[max(0, start - 40):end + 40].replace("\n", " ")
        figures.append(Figure(
            line=line, column=column, text=token, context=context,
            in_claim=any(a <= start and end <= b for a, b in claim_spans),
            in_any_quote=any(a <= start and end <= b for a, b in any_spans),
        ))
    return figures
