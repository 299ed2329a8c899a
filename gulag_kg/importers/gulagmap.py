"""The GULAG History Museum's camp data (gulagmap.ru): what its two releases share.

Two releases of one source, one importer each: :mod:`.gulagmap2017` (the master table,
``camps.json``) and :mod:`.gulagmap2018` (the map's database, four CSV/JSON files). Both write
the same camp as the same entity, ``camp:gulagmap-N`` with the 2018 release's ``camp_id`` (the
2017 release's ids correspond, a few renumbered: :data:`.gulagmap2017.RENUMBERED`), and every
figure as a claim of its own release (``gk:statedIn work:gulagmap-2017`` or ``-2018``).

:func:`import_gulagmap` recognises a release by its files; :func:`import_releases` imports
several and compares them (:mod:`.compare`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import GK, ID, SCHEMA, VOCAB
from .compare import Comparison, compare_figures
from .core import ImportDataError, ImportResult
from .graph import Writer
from .matching import CampMatch, add_place_links, link_article_places, match_article_camps
from .names import transliterate

__all__ = ["ACTIVITIES", "DIRECTORY_WORK", "MUSEUM", "SITE_TYPES", "UNSET_TYPE", "Releases", "camp_iri", "english_title",
           "import_gulagmap", "import_releases", "recognise"]

MUSEUM = ID["agency/gulag-history-museum"]
DIRECTORY_WORK = ID["work/smirnov-sistema-itl"]

_SITETYPE = "site-type/"
_ACTIVITY = "activity/"

#: Museum camp type (English label in 2018's lookups.json) -> (class, site type).
SITE_TYPES: dict[str, tuple[URIRef, URIRef]] = {
    "Corrective-labor camps": (GK.CampAdministration, VOCAB[_SITETYPE + "itl"]),
    "Special camps": (GK.Camp, VOCAB[_SITETYPE + "special-camp"]),
    "NKVD special camps": (GK.Camp, VOCAB[_SITETYPE + "nkvd-special-camp"]),
    "Camp points": (GK.CampPoint, VOCAB[_SITETYPE + "camp-point"]),
    "Special settlements": (GK.SpecialSettlement, VOCAB[_SITETYPE + "special-settlement"]),
    "Screening and filtration camps": (GK.Camp, VOCAB[_SITETYPE + "filtration-camp"]),
}
UNSET_TYPE = (GK.Camp, VOCAB[_SITETYPE + "camp"])
UNSET_TYPE_NOTE = "The source gives no camp type; imported as a camp of unstated type (sitetype:camp)."

#: Museum activity (English label in 2018's lookups.json) -> concept of the activity scheme.
#: "power-construction" is defined in ontology/vocabularies.ttl for this data (no other concept fits).
ACTIVITIES: dict[str, URIRef] = {
    "Hydrosystem construction": VOCAB[_ACTIVITY + "hydro-construction"],
    "Railroad construction": VOCAB[_ACTIVITY + "railroad-construction"],
    "Capital construction": VOCAB[_ACTIVITY + "capital-construction"],
    "Construction of factories and enterprises": VOCAB[_ACTIVITY + "industrial-construction"],
    "Highway construction": VOCAB[_ACTIVITY + "road-construction"],
    "Airfield construction": VOCAB[_ACTIVITY + "airfield-construction"],
    "Mining industry": VOCAB[_ACTIVITY + "mining"],
    "Logging": VOCAB[_ACTIVITY + "logging"],
    "Construction of power engineering facilities": VOCAB[_ACTIVITY + "power-construction"],
    "Agriculture": VOCAB[_ACTIVITY + "agriculture"],
    "Fuel industry": VOCAB[_ACTIVITY + "fuel-industry"],
    "Marsh drainage": VOCAB[_ACTIVITY + "marsh-drainage"],
    "Transit camp unit": VOCAB[_ACTIVITY + "transit"],
}

#: Yearly counts are accepted for these years only (the Gulag's and the sources' span).
YEARS = range(1917, 1992)

DIRECTORY_LABEL_EN = "The System of Corrective Labour Camps in the USSR, 1923–1960: A Directory"
DIRECTORY_LABEL_RU = "Система исправительно-трудовых лагерей в СССР, 1923–1960: справочник"
DIRECTORY_CITATION = (
    'M. B. Smirnov (ed.), "Система исправительно-трудовых лагерей в СССР, 1923–1960: справочник", '
    "Moscow: Memorial / Zvenya, 1998."
)


def camp_iri(camp_id: int) -> URIRef:
    """The one entity of a museum camp, whichever release describes it."""
    return ID[f"camp/gulagmap-{camp_id}"]


def english_title(title_en: str, title_ru: str, *, placeholders: frozenset[str] = frozenset()) -> tuple[str, tuple[str, ...]]:
    """The English label: the source's, or a transliteration of the Russian title with a note
    saying why. Raises ValueError if there is neither."""
    if title_en and title_en.casefold() not in placeholders:
        return title_en, ()
    if not title_ru:
        raise ValueError(f"no usable title: the English title {title_en!r} is a placeholder and the Russian title is empty")
    made = transliterate(title_ru)
    if title_en:
        why = f"The source's English title {title_en!r} is a placeholder it gives to many camps"
    else:
        why = "The source gives no English title"
    return made, (f"{why}; the English label is the importer's transliteration of the Russian title.",)


def add_museum(w: Writer, *quotes: str) -> None:
    g = w.graph
    g.add((MUSEUM, RDF.type, GK.Organisation))
    g.add((MUSEUM, RDFS.label, Literal("Gulag History Museum", lang="en")))
    g.add((MUSEUM, SKOS.altLabel, Literal("State Museum of GULAG History", lang="en")))
    w.readme_evidence(MUSEUM, *quotes)


def add_directory_work(w: Writer, *quotes: str) -> None:
    g, work = w.graph, DIRECTORY_WORK
    g.add((work, RDF.type, GK.Work))
    g.add((work, RDFS.label, Literal(DIRECTORY_LABEL_EN, lang="en")))
    g.add((work, RDFS.label, Literal(DIRECTORY_LABEL_RU, lang="ru")))
    g.add((work, GK.workType, VOCAB["work-type/book"]))
    g.add((work, SCHEMA.datePublished, Literal("1998", datatype=XSD.gYear)))
    g.add((work, SCHEMA.inLanguage, Literal("ru")))
    g.add((work, DCTERMS.bibliographicCitation, Literal(DIRECTORY_CITATION)))
    w.readme_evidence(work, *quotes)


def add_dataset(w: Writer, *, origin: URIRef, derived_from: URIRef, version: str, modified: str,
                attribution: str, comment: str, quotes: tuple[str, ...]) -> None:
    g, ds = w.graph, w.source.dataset
    g.add((ds, RDF.type, GK.Work))
    g.add((ds, RDF.type, SCHEMA.Dataset))
    g.add((ds, RDFS.label, Literal(w.source.readme_quotes["title"][1], lang="en")))
    g.add((ds, GK.workType, VOCAB["work-type/document-collection"]))
    g.add((ds, SCHEMA.publisher, MUSEUM))
    g.add((ds, DCTERMS.source, origin))
    g.add((ds, SCHEMA.version, Literal(version)))
    g.add((ds, SCHEMA.dateModified, Literal(modified, datatype=XSD.date)))
    g.add((ds, SCHEMA.citation, DIRECTORY_WORK))
    g.add((ds, GK.attribution, Literal(attribution)))
    g.add((ds, RDFS.comment, Literal(comment, lang="en")))
    g.add((ds, PROV.wasDerivedFrom, derived_from))
    w.readme_evidence(ds, *quotes)


def check_directory(directory: Path, files: tuple[str, ...]) -> None:
    if not directory.is_dir():
        raise ImportDataError(str(directory), "is not a directory")
    for name in files:
        if not (directory / name).is_file():
            raise ImportDataError(str(directory / name), "file is missing")


#################################################################
# Recognising a release, importing one or both
#################################################################


def _releases():
    from . import gulagmap2017, gulagmap2018

    return {"gulagmap-2017": gulagmap2017, "gulagmap-2018": gulagmap2018}


def recognise(directory: Path) -> str:
    """Which release ``directory`` holds, by its files: ``gulagmap-2018`` (camps.csv,
    locations.csv, statistics.csv, lookups.json) or ``gulagmap-2017`` (camps.json)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportDataError(str(directory), "is not a directory")
    for slug, module in _releases().items():
        if module.recognises(directory):
            return slug
    if (directory / "camps.csv").is_file():  # the 2018 release with a file missing: name it
        check_directory(directory, _releases()["gulagmap-2018"].SOURCE.files)
    raise ImportDataError(str(directory), "holds neither release of the museum's data: expected camps.json (2017) or "
                                          "camps.csv, locations.csv, statistics.csv and lookups.json (2018)")


@dataclass(frozen=True)
class Releases:
    """One or both releases imported: each in its own graph, matched with the article, and
    (both) compared."""

    results: tuple[ImportResult, ...]
    matches: tuple[CampMatch, ...] = ()
    comparison: Comparison | None = None

    @property
    def graphs(self) -> tuple[rdflib.Graph, ...]:
        """Every graph: the releases', then the comparison's (each identified by its name)."""
        return tuple(r.graph for r in self.results) + ((self.comparison.graph,) if self.comparison else ())


def import_releases(directories, *, tool_version: str, imported_on: date, article_graph: rdflib.Graph | None = None,
                    threshold: float = 0.8) -> Releases:
    """Import each directory (recognised by its files; each release at most once) into its own
    named graph; with ``article_graph``, match the camps with the article's places of detention
    (accepted pairs become ``owl:sameAs`` in every release graph that has the camp) and locate
    camps in the article's places the data names; with both releases, compare them."""
    from . import gulagmap2017 as g17, gulagmap2018 as g18

    slugs: dict[str, Path] = {}
    for directory in map(Path, directories):
        slug = recognise(directory)
        if slug in slugs:
            raise ImportDataError(str(directory), f"holds the same release ({slug}) as {slugs[slug]}")
        slugs[slug] = directory
    parsed = {slug: _releases()[slug].read(directory) for slug, directory in slugs.items()}
    built = {}
    if "gulagmap-2017" in parsed:
        p17, ledger = parsed["gulagmap-2017"]
        p18 = parsed.get("gulagmap-2018", (None,))[0]
        built["gulagmap-2017"] = g17.build(
            slugs["gulagmap-2017"], p17, ledger, tool_version=tool_version, imported_on=imported_on,
            other_names=g18.names(p18) if p18 else None,
            secondary_labels={k: c.label_en for k, c in p18.camps.items()} if p18 else None)
    if "gulagmap-2018" in parsed:
        p18, ledger = parsed["gulagmap-2018"]
        life = parsed["gulagmap-2017"][0].life() if "gulagmap-2017" in parsed else None
        built["gulagmap-2018"] = g18.build(slugs["gulagmap-2018"], p18, ledger, tool_version=tool_version,
                                           imported_on=imported_on, life=life)
    results = {slug: result for slug, (result, _w) in built.items()}
    matches: tuple[CampMatch, ...] = ()
    if article_graph is not None:
        matches = match_article_camps([r.graph for r in results.values()], article_graph, threshold=threshold)
        for slug, result in results.items():
            writer = built[slug][1]
            for m in matches:
                if m.accepted and (m.museum_camp, RDF.type, None) in result.graph:
                    result.graph.add((m.article_camp, OWL.sameAs, m.museum_camp))
            links = link_article_places(result.graph, article_graph)
            add_place_links(writer, links, claimant=MUSEUM)
            results[slug] = replace(result, matches=matches, place_links=links)
    comparison = None
    if len(results) == 2:
        p17, p18 = parsed["gulagmap-2017"][0], parsed["gulagmap-2018"][0]
        labels = {k: c.label_en for k, c in p18.camps.items()}
        comparison = compare_figures(
            g17.figures(p17), g18.figures(p18), earlier_writer=built["gulagmap-2017"][1],
            later_writer=built["gulagmap-2018"][1], slug="gulagmap-comparison", labels=labels, site_iri=camp_iri,
            imported_on=imported_on, names=("2017", "2018"))
    order = [s for s in ("gulagmap-2017", "gulagmap-2018") if s in results]
    return Releases(tuple(results[s] for s in order), matches, comparison)


def import_gulagmap(directory: Path, *, tool_version: str, imported_on: date, article_graph: rdflib.Graph | None = None,
                    threshold: float = 0.8) -> ImportResult:
    """Import one release of the museum's data (recognised by its files) into its own named
    graph; see :func:`import_releases`."""
    return import_releases([directory], tool_version=tool_version, imported_on=imported_on,
                           article_graph=article_graph, threshold=threshold).results[0]
