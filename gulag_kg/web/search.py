"""Finding things by name: labels in every language, prefix and accent-insensitive.

The index holds every label (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``,
``gk:abbreviation``) of the site's resources: entities under ``/id/``, vocabulary concepts and
ontology terms. A query matches a label when every word of the query begins a word of the label,
after case folding and removing accents (``gulag`` finds "ГУЛАГ"'s transliteration "Gulag",
``solzh`` finds "Aleksandr Solzhenitsyn", ``лагер`` finds "лагерей", ``e`` matches "ё").

The server answers ``search.html?q=`` with this module; the published site ships the same index
as ``search-index.json`` for a small script, since a static host runs no code.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from ..prefixes import BASE
from ..store import Store
from .urls import document_path

_LABELS = """
SELECT ?r ?label ?p ?type WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel gk:abbreviation }
  ?r ?p ?label .
  FILTER (isIRI(?r) && STRSTARTS(STR(?r), "%s") && isLiteral(?label))
  OPTIONAL { ?r a ?type }
}
""" % BASE

_NAME_PROPERTIES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Case-folded, without accents or other combining marks, spaces collapsed.

    >>> normalise("  Glávnoye  upravléniye ") , normalise("Ёжиков")
    ('glavnoye upravleniye', 'ежиков')
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text)))


@dataclass(frozen=True)
class Entry:
    """One label of one resource."""

    iri: str
    label: str
    lang: str
    name: bool  # a name (rdfs:label, skos:prefLabel) rather than an alternative name
    type: str  # the IRI of a type (the most specific we know), or ""
    norm: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    lang: str
    matched: str  # the label that matched, when it is not the name shown
    matched_lang: str
    type: str
    score: tuple


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    total: int  # resources that match; ``hits`` may hold fewer (``limit``)


class SearchIndex:
    """Every label of a store's resources, for prefix search."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        # Every word of every label, sorted: the labels with a word that begins with a prefix
        # are one bisected range (a query costs its matches, not the size of the index).
        self._words = sorted({(w, i) for i, e in enumerate(entries) for w in e.words})
        self._keys = [w for w, _ in self._words]
        self.names: dict[str, Entry] = {}
        for e in entries:
            best = self.names.get(e.iri)
            if best is None or _name_rank(e) < _name_rank(best):
                self.names[e.iri] = e

    @classmethod
    def build(cls, store: Store) -> SearchIndex:
        seen: dict[tuple, Entry] = {}
        types: dict[str, set[str]] = {}
        for row in store.query(_LABELS):
            iri = row["r"].value
            if row["type"] is not None:
                types.setdefault(iri, set()).add(row["type"].value)
            label = row["label"]
            key = (iri, label.value, label.language or "", row["p"].value in _NAME_PROPERTIES)
            if key not in seen:
                seen[key] = Entry(iri, label.value, label.language or "", key[3], "", normalise(label.value), words(label.value))
        entries = []
        for e in seen.values():
            type_ = _specific_type(types.get(e.iri, set()))
            entries.append(Entry(e.iri, e.label, e.lang, e.name, type_, e.norm, e.words))
        entries.sort(key=lambda e: (e.iri, not e.name, e.lang != "en", e.label))
        return cls(entries)

    def label(self, iri: str) -> tuple[str, str]:
        """The name shown for a resource (English first) and its language."""
        e = self.names.get(iri)
        return (e.label, e.lang) if e is not None else (iri.rsplit("/", 1)[-1], "")

    def search(self, query: str, *, limit: int | None = 100) -> SearchResult:
        """Resources whose labels match every word of ``query`` as a prefix of one of their
        words, best first: a whole label equal to the query, then a label that begins with it,
        then things before claims about them, names before alternative names, shorter labels
        first."""
        wanted = words(query)
        norm = normalise(query)
        best: dict[str, tuple[tuple, Entry]] = {}
        if wanted:
            for e in self._candidates(max(wanted, key=len)):
                if not all(any(w.startswith(q) for w in e.words) for q in wanted):
                    continue
                score = (0 if e.norm == norm else 1 if e.norm.startswith(norm) else 2,
                         e.type.endswith("#Claim"), not e.name, len(e.label), e.label, e.iri)
                if e.iri not in best or score < best[e.iri][0]:
                    best[e.iri] = (score, e)
        ranked = sorted(best.values(), key=lambda se: se[0])
        hits = []
        for score, e in ranked[:limit] if limit is not None else ranked:
            label, lang = self.label(e.iri)
            matched = e.label if e.label != label else ""
            hits.append(Hit(e.iri, label, lang, matched, e.lang if matched else "", e.type, score))
        return SearchResult(query, tuple(hits), len(ranked))

    def _candidates(self, prefix: str) -> list[Entry]:
        lo = bisect.bisect_left(self._keys, prefix)
        hi = bisect.bisect_left(self._keys, prefix + "\U0010ffff")
        return [self.entries[i] for i in sorted({i for _, i in self._words[lo:hi]})]

    def near(self, text: str, *, n: int = 8) -> list[Hit]:
        """Resources whose labels are close to ``text`` (for "did you mean"): prefix matches of
        its words first, then spelling neighbours."""
        from difflib import get_close_matches

        result = self.search(text, limit=n)
        hits = list(result.hits)
        if len(hits) < n:
            by_norm: dict[str, Entry] = {}
            for e in self.entries:
                by_norm.setdefault(e.norm, e)
            for close in get_close_matches(normalise(text), list(by_norm), n=n, cutoff=0.6):
                e = by_norm[close]
                if all(h.iri != e.iri for h in hits):
                    label, lang = self.label(e.iri)
                    hits.append(Hit(e.iri, label, lang, e.label if e.label != label else "", e.lang, e.type, ()))
        return hits[:n]

    def as_json(self, type_labels: dict[str, str] | None = None) -> dict:
        """The index for the published site's search script: one row per label, with the
        document path of its resource's page and the label of its type."""
        type_labels = type_labels or {}
        rows = []
        for e in self.entries:
            path = document_path(e.iri)
            if path is None:
                continue
            label, lang = self.label(e.iri)
            kind = type_labels.get(e.type) or e.type.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            rows.append([e.norm, e.label, e.lang, 1 if e.name else 0, path, label, lang, kind, e.type.endswith("#Claim")])
        return {"columns": ["norm", "label", "lang", "name", "path", "shown", "shownLang", "type", "isClaim"], "rows": rows}


def _name_rank(e: Entry) -> tuple:
    return (not e.name, e.lang not in ("en", ""), e.lang != "en", len(e.label), e.label)


# The order in which a resource's types name it (most telling first); other types by IRI.
_TYPE_ORDER = [
    "Claim", "Camp", "CampAdministration", "CampPoint", "Prison", "Sharashka", "SpecialSettlement", "DetentionSite",
    "Agency", "GoverningBody", "Organisation", "Person", "Place", "LegalAct", "ChangeEvent", "Event",
    "SourceDocument", "Work", "QuantityProperty", "RelationProperty",
]


def _specific_type(types: set[str]) -> str:
    if not types:
        return ""
    order = {name: i for i, name in enumerate(_TYPE_ORDER)}

    def key(t: str):
        local = t.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return (order.get(local, len(order)), t)

    return min(types, key=key)
