"""Entity resolution between the article's places of detention and the camps of an import, and
the article's places the imported data locates camps in.

Both work on graphs, whatever the source: an importer needs only to write its camps with labels,
alternative names, ``gk:siteType``, ``gk:location`` (places with labels) and dated claims.

A pair is scored from its names and corrected by what else the two records say:

* names (labels, other names, abbreviations, in any script): 1.0 the same title, 0.95 the same
  other name, 0.9 the same up to transliteration (strong); 0.85 the same stems (Печорлаг and
  Pechora share "pehor"), the same designator number with the same specific type ("special camp
  No. 2" and "Спецлагерь № 2" of type NKVD special camp), or both named after the article's
  place of the camp ("Solovki" and "Соловецкий ИТЛ" after the Solovetsky Islands); 0.8 a near
  spelling (ratio >= 0.85, "Omsuchkan"/"Омсукчан") (medium); containment or a looser spelling at
  most 0.7 (weak: review only);
* places: a shared distinctive place word (stems, any script) +0.1, none while the article gives
  a place -0.1;
* periods: the article's years within the camp's +0.1, overlapping +0.05, apart by more than a
  year -0.3 (by one year -0.1);
* types: the same specific type (special camp, NKVD special camp...) +0.05, specific types that
  differ -0.15.

A pair is accepted (``owl:sameAs``) when it scores at least the threshold, its name evidence is
strong, or medium and corroborated by a place, a period or a type, nothing contradicts it
(periods apart, types that differ), and it stands out: no other candidate of the article site
within 0.1, and the camp not accepted for another article site.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..namespaces import GK, ID, VOCAB
from .names import exact_key, numbers, skeleton, split_names, stems

__all__ = ["CampMatch", "NameIndex", "PlaceLink", "Reference", "format_match_report", "link_article_places", "match_article_camps"]

_DETENTION_CLASSES = (
    GK.DetentionSite, GK.CampAdministration, GK.Camp, GK.CampPoint, GK.Colony,
    GK.SpecialSettlement, GK.Sharashka, GK.Prison,
)  # fmt: skip
_SITETYPE = str(VOCAB["site-type/"])
#: Site types that say nothing specific (every museum ITL, the article's plain "camp").
_GENERIC_TYPES = frozenset({"camp", "itl", "prison-camp", "concentration-camp"})
_YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2})(?![0-9])")


@dataclass(frozen=True)
class CampMatch:
    """A candidate pair of an article place of detention and an imported camp.

    ``score`` is in [0, 1]; ``accepted`` says whether it became ``owl:sameAs``; ``evidence``
    says in words which names matched and what places, periods and types say.
    """

    article_camp: URIRef
    museum_camp: URIRef
    score: float
    evidence: str
    article_label: str = ""
    museum_label: str = ""
    accepted: bool = False


@dataclass(frozen=True)
class _Name:
    text: str
    lang: str
    primary: bool
    exact: str
    skeleton: str
    stems: frozenset[str]
    numbers: frozenset[str]

    @property
    def usable(self) -> bool:
        return len(self.skeleton.replace(" ", "")) >= 4 and not self.skeleton.replace(" ", "").isdigit()

    def show(self) -> str:
        return f"'{self.text}'@{self.lang}" if self.lang else f"'{self.text}'"


@dataclass(frozen=True)
class _Site:
    iri: URIRef
    label: str
    names: tuple[_Name, ...]
    place_stems: dict[str, str]  # stem -> a word as written
    place_names: tuple[tuple[str, frozenset[str], frozenset[str]], ...]  # (label, stems, skeletons) of its places
    years: tuple[int, int] | None
    types: frozenset[str]


class _Union:
    """The read side of several graphs as one (without copying them): what matching asks."""

    def __init__(self, data) -> None:
        if isinstance(data, rdflib.ConjunctiveGraph):  # a Dataset: its named graphs
            self.graphs = [g for g in data.contexts() if len(g)] or [data]
        elif isinstance(data, rdflib.Graph):
            self.graphs = [data]
        else:
            self.graphs = list(data)

    def objects(self, s, p):
        seen = set()
        for g in self.graphs:
            for o in g.objects(s, p):
                if o not in seen:
                    seen.add(o)
                    yield o

    def subjects(self, p, o):
        seen = set()
        for g in self.graphs:
            for s in g.subjects(p, o):
                if s not in seen:
                    seen.add(s)
                    yield s

    def __contains__(self, triple) -> bool:
        return any(triple in g for g in self.graphs)

    def transitive_subjects(self, p, o):
        found, todo = set(), [o]
        while todo:
            for s in self.subjects(p, todo.pop()):
                if s not in found:
                    found.add(s)
                    todo.append(s)
        return found


def _english_label(g, node: URIRef) -> str:
    labels = list(g.objects(node, RDFS.label))
    for label in labels:
        if isinstance(label, Literal) and label.language == "en":
            return str(label)
    return str(labels[0]) if labels else str(node)


def _names(g: rdflib.Graph, node: URIRef) -> tuple[_Name, ...]:
    names = []
    for predicate, primary in ((RDFS.label, True), (SKOS.prefLabel, True), (SKOS.altLabel, False), (GK.abbreviation, False)):
        for value in g.objects(node, predicate):
            if isinstance(value, Literal):
                text = str(value)
                names.append(_Name(text, value.language or "", primary, exact_key(text), skeleton(text),
                                   frozenset(stems(text)), frozenset(numbers(text))))
    return tuple(n for n in dict.fromkeys(names) if n.usable or n.numbers)


_NEAR = URIRef(str(GK.location).replace("location", "near"))
_LOCATED_NEAR = URIRef(str(GK.location).replace("location", "locatedNear"))


def _places_of(g: rdflib.Graph, site: URIRef) -> list[URIRef]:
    """The places a site is at or near (gk:location, gk:near, and gk:locatedIn/gk:locatedNear claims)."""
    places = list(g.objects(site, GK.location)) + list(g.objects(site, _NEAR))
    for claim in g.subjects(GK.subject, site):
        if (claim, GK.property, GK.locatedIn) in g or (claim, GK.property, _LOCATED_NEAR) in g:
            places.extend(v for v in g.objects(claim, GK.value) if isinstance(v, URIRef))
    return list(dict.fromkeys(places))


def _place_texts(g: rdflib.Graph, place: URIRef) -> list[str]:
    return [str(v) for p in (RDFS.label, SKOS.altLabel) for v in g.objects(place, p) if isinstance(v, Literal)]


def _years_of(g: rdflib.Graph, site: URIRef) -> tuple[int, int] | None:
    texts = [str(v) for p in (GK.period, GK.date) for v in g.objects(site, p)]
    for p in (GK.subject, GK.aboutPlace, GK.value):
        for claim in g.subjects(p, site):
            if (claim, RDF.type, GK.Claim) in g:
                texts.extend(str(v) for v in g.objects(claim, GK.period))
    years = [int(y) for text in texts for y in _YEAR.findall(text)]
    return (min(years), max(years)) if years else None


def _site(g: rdflib.Graph, node: URIRef) -> _Site:
    place_stems: dict[str, str] = {}
    place_names = []
    for place in _places_of(g, node):
        texts = _place_texts(g, place)
        for text in texts:
            for word in re.findall(r"\w+", text):
                for s in stems(word, places=True):
                    place_stems.setdefault(s, word)
        place_names.append((_english_label(g, place), frozenset(s for t in texts for s in stems(t, places=True)),
                            frozenset(skeleton(t) for t in texts)))
    types = frozenset(str(t).removeprefix(_SITETYPE) for t in g.objects(node, GK.siteType))
    return _Site(node, _english_label(g, node), _names(g, node), place_stems, tuple(place_names), _years_of(g, node), types)


def _detention_sites(g: rdflib.Graph) -> set[URIRef]:
    classes = set(_DETENTION_CLASSES)
    for cls in _DETENTION_CLASSES:
        classes.update(g.transitive_subjects(RDFS.subClassOf, cls))
    return {s for cls in classes for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def _name_match(a: _Name, m: _Name) -> tuple[float, str, str] | None:
    """(score, tier, note) of two names, or None."""
    if a.exact and a.exact == m.exact:
        return (1.0 if m.primary else 0.95), "strong", f"{a.show()} = {'title' if m.primary else 'other name'} {m.show()}"
    if not (a.usable and m.usable):
        return None
    if a.skeleton == m.skeleton:
        return 0.9, "strong", f"{a.show()} ≈ {m.show()} (transliteration)"
    if a.stems and a.stems == m.stems and min(map(len, a.stems)) >= 5:
        return 0.85, "medium", f"{a.show()} ≈ {m.show()} (same stem {', '.join(sorted(a.stems))})"
    if len(a.stems) == 1 and len(m.stems) == 1:
        sa, sm = next(iter(a.stems)), next(iter(m.stems))
        if min(len(sa), len(sm)) >= 6 and difflib.SequenceMatcher(None, sa, sm).ratio() >= 0.85:
            ratio = difflib.SequenceMatcher(None, sa, sm).ratio()
            return 0.8, "medium", f"{a.show()} ~ {m.show()} (near spelling {sa}/{sm}, {ratio:.2f})"
    matcher = difflib.SequenceMatcher(None, a.skeleton, m.skeleton)
    if matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75:
        ratio = matcher.ratio()
        if ratio >= 0.85 and min(len(a.skeleton), len(m.skeleton)) >= 6:
            return 0.8, "medium", f"{a.show()} ~ {m.show()} (near spelling, {ratio:.2f})"
        if ratio >= 0.75:
            return 0.7 * ratio, "weak", f"{a.show()} ~ {m.show()} (similar spelling, {ratio:.2f})"
    short, long_ = sorted((a.skeleton.split(), m.skeleton.split()), key=len)
    if set(short) <= set(long_) and max(map(len, short)) >= 5:
        inside = (a, m) if short == a.skeleton.split() else (m, a)
        return 0.65, "weak", f"{inside[0].show()} within {inside[1].show()}"
    return None


_TIERS = {"strong": 2, "medium": 1, "weak": 0}


def _specific(types: frozenset[str]) -> frozenset[str]:
    return types - _GENERIC_TYPES


def _name_evidence(article: _Site, museum: _Site, unique_at: dict[str, URIRef]) -> tuple[float, str, list[str]]:
    best, tier, notes, strong = 0.0, "weak", [], set()
    own_place = set(article.place_stems)
    for a in article.names:
        for m in museum.names:
            found = _name_match(a, m)
            if found is None:
                continue
            score, t, note = found
            if t == "medium" and a.stems and a.stems <= own_place:
                # "Camp at Kemerovo": a name that is only its place's says where, not which camp
                score, t, note = 0.65, "weak", note + " (the name is only its place's)"
            if t == "strong":
                strong.add(a.exact)
            if score > best:
                best, tier, notes = score, t, [note]
            elif score == best and note not in notes:
                notes.append(note)
    if len(strong) > 1:
        best = min(1.0, best + 0.02)
    if best < 0.85:
        shared_types = _specific(article.types) & _specific(museum.types)
        for a in article.names:
            for m in museum.names:
                if a.numbers & m.numbers and shared_types:
                    best, tier = 0.85, "medium"
                    notes = [f"{a.show()} and {m.show()}: number {', '.join(sorted(a.numbers & m.numbers))}, "
                             f"both {', '.join(sorted(shared_types))}"]
                    break
            else:
                continue
            break
    if best < 0.85:
        # both named after the article's place, which no other camp is at or named after:
        # "Solovki" (the islands' other name) and "Соловецкий ИТЛ"
        for place_label, place_stems, place_skeletons in article.place_names:
            if unique_at.get(place_label) != museum.iri:
                continue
            named = any(n.skeleton in place_skeletons or (n.stems and n.stems <= place_stems) for n in article.names)
            hits = [m for m in museum.names if m.stems and m.stems <= place_stems]
            if named and hits:
                best, tier = 0.85, "medium"
                notes = [f"both named after {place_label}, the only camp there: {hits[0].show()}"]
                break
    return best, tier, notes[:3]


def _context(article: _Site, museum: _Site) -> tuple[float, list[str], bool, bool]:
    """(score change, notes, corroborated, contradicted)."""
    delta, notes, support, against = 0.0, [], False, False
    if article.place_stems:
        shared = sorted(article.place_stems.keys() & museum.place_stems.keys())
        if shared:
            delta += 0.1
            support = True
            notes.append("shared place words: " + ", ".join(article.place_stems[t] for t in shared[:3]))
        else:
            delta -= 0.1
            notes.append("no shared place")
    if article.years and museum.years:
        (a0, a1), (m0, m1) = article.years, museum.years
        shown = f"(article {a0}–{a1}, camp {m0}–{m1})"
        if m0 <= a0 and a1 <= m1:
            delta += 0.1
            support = True
            notes.append(f"years within the camp's {shown}")
        elif a0 <= m1 and a1 >= m0:
            delta += 0.05
            support = True
            notes.append(f"years overlap {shown}")
        else:
            gap = max(m0 - a1, a0 - m1)
            delta -= 0.1 if gap <= 1 else 0.3
            against = gap > 1
            notes.append(f"years apart by {gap} {shown}")
    elif museum.years:
        notes.append(f"camp's years {museum.years[0]}–{museum.years[1]}")
    a_types, m_types = _specific(article.types), _specific(museum.types)
    if a_types and m_types:
        if a_types & m_types:
            delta += 0.05
            support = True
            notes.append("same type: " + ", ".join(sorted(a_types & m_types)))
        else:
            delta -= 0.15
            against = True
            notes.append(f"types differ ({', '.join(sorted(a_types))} / {', '.join(sorted(m_types))})")
    return delta, notes, support, against


@dataclass
class _Pair:
    article: _Site
    museum: _Site
    score: float
    tier: str
    support: bool
    against: bool
    evidence: str


def _score(article: _Site, museum: _Site, unique_at: dict[str, URIRef]) -> _Pair | None:
    name, tier, name_notes = _name_evidence(article, museum, unique_at)
    if name == 0.0:
        return None
    delta, notes, support, against = _context(article, museum)
    score = name + delta
    if tier == "weak":
        score = min(score, 0.7)
    score = max(0.0, min(1.0, score))
    return _Pair(article, museum, score, tier, support, against, "; ".join(["names: " + " | ".join(name_notes), *notes]))


def _short(iri: URIRef) -> str:
    return str(iri).removeprefix(str(ID))


def _decide(pairs: list[_Pair], threshold: float) -> dict[int, str]:
    """For each acceptable pair (by index), None; for the rest why not (only for close calls)."""
    ok = {i for i, p in enumerate(pairs) if p.score >= threshold and not p.against
          and (p.tier == "strong" or (p.tier == "medium" and p.support))}
    by_article: dict[URIRef, list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        by_article[p.article.iri].append(i)
    why: dict[int, str] = {}
    for members in by_article.values():
        members.sort(key=lambda i: -pairs[i].score)
        best = members[0]
        for i in members[1:]:
            ok.discard(i)
        if best in ok and len(members) > 1 and pairs[best].score - pairs[members[1]].score < 0.1:
            ok.discard(best)
            why[best] = f"ambiguous: {_short(pairs[members[1]].museum.iri)} scores {pairs[members[1]].score:.2f}"
    by_museum: dict[URIRef, list[int]] = defaultdict(list)
    for i in ok:
        by_museum[pairs[i].museum.iri].append(i)
    for members in by_museum.values():
        if len(members) > 1:
            members.sort(key=lambda i: -pairs[i].score)
            keep = members[0] if pairs[members[0]].score - pairs[members[1]].score >= 0.1 else None
            for i in members:
                if i != keep:
                    ok.discard(i)
                    why[i] = "ambiguous: the camp also matches " + ", ".join(_short(pairs[j].article.iri) for j in members if j != i)
    return {i: ("" if i in ok else why.get(i, "")) for i in range(len(pairs))}


def match_article_camps(
    graphs,
    article_graph: rdflib.Graph,
    *,
    prefix: str = str(ID["camp/gulagmap-"]),
    threshold: float = 0.8,
    min_score: float = 0.5,
    per_article: int = 5,
) -> tuple[CampMatch, ...]:
    """Match the article graph's places of detention against the imported camps (IRIs starting
    with ``prefix``) of ``graphs`` (a graph, a dataset, or a list of graphs: one import or several).

    Article sites are the instances of gk:DetentionSite and its subclasses (per the ontology, if
    ``article_graph`` holds it, and the subclasses of ``ontology/gulag.ttl`` in any case), except
    imported camps. Returns candidates with ``score >= min_score`` (at most ``per_article`` per
    article site), accepted ones first, then by article label and score.
    """
    imported, article = _Union(graphs), _Union(article_graph)
    museums = [_site(imported, m) for m in sorted(_detention_sites(imported)) if str(m).startswith(prefix)]
    articles = [_site(article, a) for a in sorted(_detention_sites(article)) if not str(a).startswith(prefix)]
    pairs = []
    for a in articles:
        unique_at = {}
        for label, place_stems, _skeletons in a.place_names:
            there = [m.iri for m in museums if place_stems & m.place_stems.keys()
                     or any(n.stems and n.stems <= place_stems for n in m.names)] if place_stems else []
            if len(there) == 1:
                unique_at[label] = there[0]
        found = [p for m in museums if (p := _score(a, m, unique_at)) is not None and p.score >= min_score]
        found.sort(key=lambda p: (-p.score, str(p.museum.iri)))
        pairs.extend(found[:per_article])
    decisions = _decide(pairs, threshold)
    matches = []
    for i, p in enumerate(pairs):
        accepted = decisions[i] == "" and p.score >= threshold and not p.against and (
            p.tier == "strong" or (p.tier == "medium" and p.support))
        evidence = p.evidence + (f"; {decisions[i]}" if decisions[i] else "")
        if not accepted and p.tier == "medium" and not p.support and p.score >= threshold:
            evidence += "; nothing corroborates the name"
        matches.append(CampMatch(p.article.iri, p.museum.iri, round(p.score, 3), evidence, p.article.label, p.museum.label, accepted))
    return tuple(sorted(matches, key=lambda x: (not x.accepted, x.article_label.casefold(), -x.score, str(x.museum_camp))))


def _cell(text: str) -> str:
    return " ".join(str(text).split())


def format_match_report(matches: Iterable[CampMatch]) -> str:
    """The matches as TSV with a header: article_camp, article_label, museum_camp,
    museum_label, score (two decimals), evidence, decision ("accepted" or "review")."""
    lines = ["\t".join(("article_camp", "article_label", "museum_camp", "museum_label", "score", "evidence", "decision"))]
    for m in matches:
        cells = (str(m.article_camp), m.article_label, str(m.museum_camp), m.museum_label, f"{m.score:.2f}", m.evidence,
                 "accepted" if m.accepted else "review")  # fmt: skip
        lines.append("\t".join(_cell(c) for c in cells))
    return "\n".join(lines) + "\n"


#################################################################
# Names of other camps within the imported data (mergers, separations)
#################################################################


@dataclass(frozen=True)
class Reference:
    """What a merger or separation names: the camp, if the name singles one out."""

    camp: int | None
    candidates: tuple[int, ...]
    why: str


class NameIndex:
    """Camps by the skeleton of each of their names (titles and other names, both scripts), to
    resolve the name a record gives of another camp: to the one camp it singles out (by name, else
    by which of the camps of that name existed in the year), or to none, saying why."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[int]] = defaultdict(set)
        self._life: dict[int, list[tuple[int | None, int | None]]] = defaultdict(list)

    def add(self, camp: int, names, spans=()) -> None:
        for name in names:
            key = skeleton(name)
            if len(key.replace(" ", "")) >= 4:
                self._by_key[key].add(camp)
        self._life[camp].extend(spans)

    def resolve(self, text: str, *, year: int | None, own: int) -> Reference:
        ref = self._resolve(text, year=year, own=own)
        parts = [p for p in split_names(text) if p != text]
        if ref.camp is None and not ref.candidates and len(parts) > 1:
            # "Ухто-Печорский ИТЛ ОГПУ, Ухтинско-Печорский ИТЛ": several names of one camp
            refs = [self._resolve(p, year=year, own=own) for p in parts]
            camps = {r.camp for r in refs if r.camp is not None}
            if len(camps) == 1 and not any(r.candidates and r.camp is None for r in refs):
                return Reference(camps.pop(), (), "one of the names it gives singles it out")
        return ref

    def _resolve(self, text: str, *, year: int | None, own: int) -> Reference:
        found = sorted(self._by_key.get(skeleton(text), set()) - {own})
        if not found:
            mine = own in self._by_key.get(skeleton(text), set())
            return Reference(None, (), "it names this camp itself" if mine else "no camp of the data has this name")
        if len(found) == 1:
            return Reference(found[0], tuple(found), "")
        alive = [c for c in found if year is not None and any(
            (a is None or a - 1 <= year) and (b is None or year <= b + 1) for a, b in self._life.get(c, []))]
        if len(alive) == 1:
            return Reference(alive[0], tuple(found), f"of the camps of this name only it existed in {year}")
        return Reference(None, tuple(found), "several camps have this name")


#################################################################
# The article's places
#################################################################

#: Words that make a segment of a place description a region *named after* a place ("Магаданская
#: область" is not Magadan) rather than the place itself.
_REGION_WORDS = re.compile(r"(?<!\w)(област\w*|кра[йяю]\w*|район\w*|округ\w*|асср|сср|республик\w*|region|reion|oblast|krai|"
                           r"district|okrug|province|assr|ssr|republic)(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class PlaceLink:
    """An imported camp that the data locates in one of the article's places: ``words`` are the
    source's words that name the place, ``via`` the node of the data they are taken from (a
    located place, or the camp's region)."""

    camp: URIRef
    place: URIRef
    via: URIRef
    words: str


def _segments(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[;,()]|\s[–—-]\s", text) if s.strip()]


def link_article_places(imported: rdflib.Graph, article_graph: rdflib.Graph, *, prefix: str = str(ID["camp/gulagmap-"])) -> tuple[PlaceLink, ...]:
    """The article's places that the imported data names as where a camp was.

    A camp is linked to an article place when one of its located places is described with the
    place's name as a settlement or site (a segment of the description whose distinctive words
    are the place's name, not a region named after it: "город Караганда", "поселок Воркута", but
    not "Магаданская область"), or when its region is named after the place ("Kolyma camps
    (Yakutia, the Magadan krai and Chukotka)"). Names are compared as stems, in any script.
    """
    imported, article = _Union(imported), _Union(article_graph)
    places: dict[frozenset[str], URIRef] = {}
    for place in sorted(article.subjects(RDF.type, GK.Place)):
        for text in _place_texts(article, place):
            key = frozenset(stems(text, places=True))
            if key and len(key) == 1 and len(next(iter(key))) >= 5:
                places.setdefault(key, place)
    links: dict[tuple[URIRef, URIRef], PlaceLink] = {}
    for camp in sorted(s for s in _detention_sites(imported) if str(s).startswith(prefix)):
        for node in imported.objects(camp, GK.location):
            region = (node, GK.location, None) not in imported and "region" in str(node)
            for text in _place_texts(imported, node):
                # a region's own name is its first segment ("Kolyma camps (Yakutia, ...)")
                for segment in _segments(text)[:1] if region else _segments(text):
                    if not region and _REGION_WORDS.search(segment):
                        continue
                    key = frozenset(stems(re.sub(r"\b(camps|лагеря)\b", "", segment, flags=re.IGNORECASE), places=True))
                    if key in places:
                        links.setdefault((camp, places[key]), PlaceLink(camp, places[key], node, segment))
    return tuple(links.values())


def add_place_links(w, links: Iterable[PlaceLink], *, claimant: URIRef) -> int:
    """Write each link as a ``gk:locatedIn`` claim of the import (claimed by ``claimant``, with
    the evidence of the node whose words name the place and those words as qualifier)."""
    from ..namespaces import PROV
    from .graph import CURATORS

    g, n = w.graph, 0
    for link in links:
        iri = ID[f"claim/located-in-{w.source.slug}-{_short(link.camp).replace('/', '-')}-{_short(link.place).replace('/', '-')}"]
        g.add((iri, RDF.type, GK.Claim))
        g.add((iri, GK.subject, link.camp))
        g.add((iri, GK.property, GK.locatedIn))
        g.add((iri, GK.value, link.place))
        g.add((iri, GK.claimant, claimant))
        g.add((iri, GK.statedIn, w.source.dataset))
        g.add((iri, GK.method, VOCAB["method/unspecified"]))
        g.add((iri, GK.rank, GK.NormalRank))
        g.add((iri, GK.stance, VOCAB["stance/asserted"]))
        g.add((iri, GK.qualifier, Literal(f"the source's words: {link.words}")))
        g.add((iri, GK.stanceReason, Literal("The importer found the name of the article's place in the source's description of "
                                             f"where the camp was ({_short(link.via)}).", lang="en")))
        g.add((iri, PROV.wasAttributedTo, CURATORS))
        w.generated(iri)
        sources = (link.via, link.camp) if "region" in str(link.via) else (link.via,)
        for node in sources:  # a region's words, and the camp's record that puts it in the region
            for evidence in list(g.objects(node, GK.evidence)):
                g.add((iri, GK.evidence, evidence))
        n += 1
    return n
