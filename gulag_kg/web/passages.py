"""Quotes in context: the paragraph of a stored source text with the quoted words marked.

A quote of the graph is an ``oa:TextQuoteSelector`` (``oa:exact``, with ``oa:prefix`` and
``oa:suffix`` where the words occur more than once) on a source whose ``gk:localCopy`` is a
text file of the project. A paragraph is a line of that file. Evidence of other kinds (a row of a
CSV file, a JSON pointer, lines of a README) is described, not located.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import paths
from ..lookup import chunks
from ..store import Store


@dataclass(frozen=True)
class SourceText:
    """A stored source text and where each of its paragraphs (lines) starts."""

    iri: str
    text: str
    starts: tuple[int, ...]

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n")

    def paragraph_at(self, offset: int) -> int:
        """The 1-based number of the paragraph holding ``offset``."""
        return bisect.bisect_right(self.starts, offset)

    def paragraph(self, number: int) -> str:
        start = self.starts[number - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]


@dataclass(frozen=True)
class Passage:
    """The paragraph that holds a quote, cut around it: ``before`` + ``exact`` + ``after``."""

    source: str
    paragraph: int
    before: str
    exact: str
    after: str


@dataclass(frozen=True)
class Evidence:
    """One ``gk:evidence`` of a claim or an entity.

    ``passage`` is set when the quote was found at exactly one place of a stored text; otherwise
    ``problem`` says why not (no stored text, not found, found more than once). Evidence that is
    not a text quote has ``selector`` (e.g. ``row=12`` of a CSV file) and ``conforms_to``.
    """

    owner: str
    source: str | None
    exact: str | None
    prefix: str | None
    suffix: str | None
    selector: str | None
    conforms_to: str | None
    passage: Passage | None
    problem: str | None


_EVIDENCE = """
SELECT ?owner ?source ?exact ?prefix ?suffix ?value ?conforms ?refined WHERE {
  VALUES ?owner { %s }
  ?owner gk:evidence ?e .
  OPTIONAL { ?e oa:hasSource ?source }
  OPTIONAL {
    ?e oa:hasSelector ?sel .
    OPTIONAL { ?sel oa:exact ?exact }
    OPTIONAL { ?sel oa:prefix ?prefix }
    OPTIONAL { ?sel oa:suffix ?suffix }
    OPTIONAL { ?sel rdf:value ?value }
    OPTIONAL { ?sel dcterms:conformsTo ?conforms }
    OPTIONAL { ?sel oa:refinedBy/oa:exact ?refined }
  }
}
"""


class SourceTexts:
    """The stored texts of a store's sources, read once (a server keeps one of these)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._texts: dict[str, SourceText | None] | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[str, SourceText | None]:
        with self._lock:
            if self._texts is None:
                texts: dict[str, SourceText | None] = {}
                for row in self._store.query("SELECT ?s ?local WHERE { ?s gk:localCopy ?local }"):
                    path = paths.project_root() / Path(row["local"].value)
                    if path.suffix == ".txt" and path.is_file():
                        text = path.read_text(encoding="utf-8")
                        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
                        texts[row["s"].value] = SourceText(row["s"].value, text, tuple(starts))
                self._texts = texts
            return self._texts

    def get(self, source: str) -> SourceText | None:
        return self._load().get(source)

    def sources(self) -> list[str]:
        return sorted(self._load())

    def locate(self, source: str | None, exact: str, prefix: str = "", suffix: str = "") -> tuple[Passage | None, str | None]:
        """The passage a text quote selects, or ``(None, why not)``."""
        text = self.get(source) if source else None
        if text is None:
            return None, "the source has no stored text in this project"
        needle = prefix + exact + suffix
        first = text.text.find(needle)
        if first < 0:
            return None, "the quoted words are not in the stored text"
        if text.text.find(needle, first + 1) >= 0:
            return None, "the quoted words occur more than once in the stored text"
        start = first + len(prefix)
        number = text.paragraph_at(start)
        para_start = text.starts[number - 1]
        paragraph = text.paragraph(number)
        offset = start - para_start
        return Passage(source, number, paragraph[:offset], exact, paragraph[offset + len(exact):]), None

    def evidence(self, owners: list[str]) -> dict[str, list[Evidence]]:
        """Every ``gk:evidence`` of ``owners`` (IRIs), located where it is a text quote."""
        out: dict[str, list[Evidence]] = {o: [] for o in owners}
        for values in chunks(owners):  # a few at a time: a long VALUES block is a scan in Oxigraph
            for row in self._store.query(_EVIDENCE % values):
                def text(name):
                    term = row[name]
                    return term.value if term is not None else None

                exact = text("exact") or text("refined")
                source = text("source")
                passage = problem = None
                if text("exact") is not None:
                    passage, problem = self.locate(source, exact, text("prefix") or "", text("suffix") or "")
                out[row["owner"].value].append(Evidence(
                    owner=row["owner"].value, source=source, exact=exact, prefix=text("prefix"),
                    suffix=text("suffix"), selector=text("value"), conforms_to=text("conforms"),
                    passage=passage, problem=problem))
        for items in out.values():
            items.sort(key=lambda e: (e.passage is None, e.passage.paragraph if e.passage else 0,
                                      e.source or "", e.exact or "", e.selector or ""))
        return out


@dataclass(frozen=True)
class Segment:
    """A piece of a paragraph; ``owners`` are the resources whose quotes cover it (none: plain)."""

    text: str
    owners: tuple[str, ...]


def marked_segments(paragraph: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """``paragraph`` cut at every start and end of ``spans`` (start, end, owner), so that
    overlapping quotes mark the union of their words.

    >>> [(s.text, s.owners) for s in marked_segments("a bc d", [(2, 4, "x")])]
    [('a ', ()), ('bc', ('x',)), (' d', ())]
    """
    cuts = sorted({0, len(paragraph), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if a == b:
            continue
        owners = tuple(sorted({o for s, e, o in spans if s <= a and b <= e}))
        if out and out[-1].owners == owners:
            out[-1] = Segment(out[-1].text + paragraph[a:b], owners)
        else:
            out.append(Segment(paragraph[a:b], owners))
    return out
