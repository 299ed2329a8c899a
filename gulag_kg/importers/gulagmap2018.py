"""The 2018 release of the museum's camp data: the map gulagmap.ru's database.

Four files in one directory, ``camps.csv``, ``locations.csv``, ``statistics.csv`` and
``lookups.json``, converted from the seeds of the repository ``urbica/gulag-api`` (commit
751262856ff5133888cf41d331d132fe1733a9c1). The project does not ship them: the importer reads the
directory the user points it at. What this module holds is what is particular to this release:
its files and columns, how a row becomes a camp, a place or a count, and its quirks (a count of
0 means "no data"; "New prison" is a placeholder title; 62.0/90.0 the map editor's default
position). Reading, the account of every row, provenance, anomaly checks and matching are the
frame's (:mod:`gulag_kg.importers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from ..namespaces import GEO, GK, ID, VOCAB
from . import anomalies as checks
from .core import ImportDataError, ImportResult, Ledger, Record, Reject, new_graph
from .graph import Source, Writer
from .gulagmap import (
    ACTIVITIES, MUSEUM, SITE_TYPES, UNSET_TYPE, UNSET_TYPE_NOTE, YEARS, add_dataset, add_directory_work, add_museum,
    camp_iri, check_directory, english_title,
)  # fmt: skip
from .names import clean, split_names
from .reading import Column, Table, read_csv, read_json_object

__all__ = ["GRAPH_IRI", "README_QUOTES", "SOURCE", "build", "claim_iri", "read", "recognises"]

ORIGIN_REPOSITORY = URIRef("https://github.com/urbica/gulag-api")
ORIGIN_COMMIT = "751262856ff5133888cf41d331d132fe1733a9c1"
ORIGIN_SEEDS = URIRef(f"https://github.com/urbica/gulag-api/tree/{ORIGIN_COMMIT}/src/db/seeds")

CAMPS_FILE, LOCATIONS_FILE, STATISTICS_FILE, LOOKUPS_FILE = "camps.csv", "locations.csv", "statistics.csv", "lookups.json"

#: Verbatim words of the data set's README (shared/data/gulagmap-2018/README.md) with their line.
README_QUOTES: dict[str, tuple[int, str]] = {
    "title": (1, "gulagmap 2018: camps of the Gulag, as published by the GULAG History Museum's map"),
    "origin": (5, "Origin: the public repository `urbica/gulag-api` (backend of the map gulagmap.ru, made for the"),
    "museum": (6, "State Museum of GULAG History, Moscow"),
    "commit": (8, "HEAD `751262856ff5133888cf41d331d132fe1733a9c1` (2019-10-18)"),
    "directory-1": (26, 'M. B. Smirnov (ed.), "Система исправительно-трудовых лагерей в СССР,'),
    "directory-2": (27, '1923–1960: справочник", Moscow: Memorial / Zvenya, 1998'),
    "authority": (28, "directory the authority behind most of these facts."),
}

SOURCE = Source("gulagmap-2018", "gulagmap 2018", (CAMPS_FILE, LOCATIONS_FILE, STATISTICS_FILE, LOOKUPS_FILE), README_QUOTES)
#: The named graph that holds every triple of the import.
GRAPH_IRI = SOURCE.graph

_TITLE = 200  # the longest title of the release has 103 characters
CAMPS = Table(CAMPS_FILE, (
    Column("camp_id", max_length=12), Column("title_ru", multiline=True, max_length=_TITLE),
    Column("title_en", max_length=_TITLE), Column("title_de", max_length=_TITLE),
    Column("subtitles_ru", max_length=600), Column("subtitles_en", max_length=600),
    Column("type_id", max_length=12), Column("type_en", max_length=100), Column("type_ru", max_length=100),
    Column("activity_id", max_length=12), Column("activity_en", max_length=100), Column("activity_ru", max_length=100),
    Column("region_id", max_length=12), Column("region_en", max_length=100), Column("region_ru", max_length=100),
    Column("published_ru", max_length=10), Column("published_en", max_length=10),
    Column("created_at", max_length=40), Column("updated_at", max_length=40),
))  # fmt: skip
LOCATIONS = Table(LOCATIONS_FILE, (
    Column("location_id", max_length=12), Column("camp_id", max_length=12), Column("order_index", max_length=12),
    Column("lon", max_length=30), Column("lat", max_length=30),
    Column("place_ru", max_length=1000), Column("place_en", max_length=1000),
))  # fmt: skip
STATISTICS = Table(STATISTICS_FILE, (
    Column("stat_id", max_length=12), Column("location_id", max_length=12), Column("camp_id", max_length=12),
    Column("year", max_length=12), Column("prisoners_count", max_length=20),
))  # fmt: skip
LOOKUP_TABLES = ("camp_types", "camp_activities", "camp_regions")

#: English titles the source uses as placeholders (83 screening-filtration camps share "New
#: prison", whatever their Russian title says); compared casefolded.
PLACEHOLDER_TITLES = frozenset({"new prison"})
#: The map editor's default position (lon 90.0, lat 62.0), left on places never positioned.
PLACEHOLDER_COORDINATES = (Decimal("62.0"), Decimal("90.0"))

ATTRIBUTION = (
    "Camp data of the map gulagmap.ru of the State Museum of GULAG History, Moscow (repository "
    f"urbica/gulag-api, commit {ORIGIN_COMMIT}, 2019-10-18), resting mostly on M. B. Smirnov (ed.), "
    '"Система исправительно-трудовых лагерей в СССР, 1923–1960: справочник", Moscow: Memorial / '
    "Zvenya, 1998."
)


def recognises(directory: Path) -> bool:
    """Whether ``directory`` looks like this release (its four files are there)."""
    return all((directory / name).is_file() for name in SOURCE.files)


def claim_iri(camp: int, year: int, stat: int) -> URIRef:
    """The IRI of the prisoner-population claim made from one row of statistics.csv."""
    return ID[f"claim/prisoner-population-gulagmap-2018-{camp}-{year}-{stat}"]


def location_iri(location: int) -> URIRef:
    return ID[f"place/gulagmap-location-{location}"]


def region_iri(region: str) -> URIRef:
    return ID[f"place/gulagmap-region-{region}"]


#################################################################
# Rows
#################################################################


@dataclass(frozen=True)
class _Entry:
    en: str
    ru: str


@dataclass(frozen=True)
class _Lookups:
    types: Mapping[str, _Entry]
    activities: Mapping[str, _Entry]
    regions: Mapping[str, _Entry]


@dataclass(frozen=True)
class _Camp:
    key: int
    record: Record
    label_en: str
    label_ru: str
    alt_en: tuple[str, ...]
    alt_ru: tuple[str, ...]
    cls: URIRef
    site_type: URIRef
    activity: URIRef | None
    region: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Location:
    key: int
    record: Record
    camp: int
    lat: str | None
    lon: str | None
    label_en: str
    label_ru: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Statistic:
    key: int
    record: Record
    camp: int
    location: int
    year: int
    count: int
    notes: tuple[str, ...] = ()


def _whole_number(value: str, column: str) -> int:
    text = value.strip()
    if not re.fullmatch(r"[0-9]+", text):
        raise Reject(f"{column} {value!r} is not a whole number", field=column)
    return int(text)


def _known(value: str, column: str, table: Mapping[int, object], what: str, rejected: Mapping[str, int] | None = None,
           file: str = "") -> int:
    key = _whole_number(value, column)
    if key not in table:
        line = (rejected or {}).get(str(key))
        if line is not None:
            raise Reject(f"{column} {key} refers to a {what} rejected at {file}, line {line}", field=column)
        raise Reject(f"{column} {key} refers to no imported {what}", field=column)
    return key


def _read_lookups(path: Path) -> _Lookups:
    data = read_json_object(path)
    tables = []
    for name in LOOKUP_TABLES:
        table = data.get(name)
        if not isinstance(table, dict):
            raise ImportDataError(str(path), f"has no table {name!r}")
        entries = {}
        for key, value in table.items():
            if not (isinstance(value, dict) and isinstance(value.get("en"), str) and isinstance(value.get("ru"), str)):
                raise ImportDataError(str(path), f"entry {name}/{key} is not {{\"en\": ..., \"ru\": ...}}")
            entries[str(key)] = _Entry(en=clean(value["en"]), ru=clean(value["ru"]))
        tables.append(entries)
    return _Lookups(*tables)


def _other_names(cell: str, *taken: str) -> tuple[str, ...]:
    used = {t.casefold() for t in taken if t} | PLACEHOLDER_TITLES
    return tuple(n for n in split_names(cell) if n.casefold() not in used)


def _lookup(value: str, table: Mapping[str, _Entry], column: str, mapping: Mapping[str, object] | None, what: str):
    key = value.strip()
    entry = table.get(key)
    if entry is None:
        raise Reject(f"unknown {column} {value!r}", field=column)
    if mapping is not None and entry.en not in mapping:
        raise Reject(f"{column} {key} ({entry.en!r}) has no {what} mapping", field=column)
    return key, entry


def _parse_camp(record: Record, *, lookups: _Lookups) -> _Camp:
    v = record.values
    title_en, title_ru = clean(v["title_en"]), clean(v["title_ru"])
    if not title_en and not title_ru:
        raise Reject("no title: title_en and title_ru are empty", field="title_en")
    try:
        label_en, notes = english_title(title_en, title_ru, placeholders=PLACEHOLDER_TITLES)
    except ValueError as exc:
        raise Reject(str(exc), field="title_en") from None
    if v["type_id"].strip():
        _, entry = _lookup(v["type_id"], lookups.types, "type_id", SITE_TYPES, "site-type")
        cls, site_type = SITE_TYPES[entry.en]
    else:
        (cls, site_type), notes = UNSET_TYPE, notes + (UNSET_TYPE_NOTE,)
    activity = None
    if v["activity_id"].strip():
        _, entry = _lookup(v["activity_id"], lookups.activities, "activity_id", ACTIVITIES, "activity")
        activity = ACTIVITIES[entry.en]
    region = _lookup(v["region_id"], lookups.regions, "region_id", None, "")[0] if v["region_id"].strip() else None
    return _Camp(
        key=_whole_number(v["camp_id"], "camp_id"), record=record, label_en=label_en, label_ru=title_ru,
        alt_en=_other_names(v["subtitles_en"], label_en, title_en), alt_ru=_other_names(v["subtitles_ru"], title_ru),
        cls=cls, site_type=site_type, activity=activity, region=region, notes=notes,
    )  # fmt: skip


def _coordinates(lat_text: str, lon_text: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    lat_text, lon_text = lat_text.strip(), lon_text.strip()
    number = re.compile(r"-?[0-9]+(\.[0-9]+)?")
    if not (number.fullmatch(lat_text) and number.fullmatch(lon_text)):
        raise Reject(f"unreadable coordinates: lat {lat_text!r}, lon {lon_text!r}", field="lat")
    lat, lon = Decimal(lat_text), Decimal(lon_text)
    if not -90 <= lat <= 90:
        raise Reject(f"latitude {lat_text} out of range [-90, 90]", field="lat")
    if not -180 <= lon <= 180:
        raise Reject(f"longitude {lon_text} out of range [-180, 180]", field="lon")
    if (lat, lon) == PLACEHOLDER_COORDINATES:
        note = (f"The source's coordinates (lat {lat_text}, lon {lon_text}) are the map editor's default "
                "position, not this place's; they are left out.")
        return None, None, (note,)
    return lat_text, lon_text, ()


def _parse_location(record: Record, *, camps: Mapping[int, _Camp], rejected: Mapping[str, Mapping[str, int]]) -> _Location:
    v = record.values
    key = _whole_number(v["location_id"], "location_id")
    camp = _known(v["camp_id"], "camp_id", camps, "camp", rejected.get(CAMPS_FILE), CAMPS_FILE)
    lat, lon, notes = _coordinates(v["lat"], v["lon"])
    label_en = clean(v["place_en"])
    if not label_en:
        index = v["order_index"].strip()
        number = f" {int(index) + 1}" if index.isdigit() and int(index) > 0 else ""
        label_en = f"Location{number} of {camps[camp].label_en}"
        notes += ("The source describes this place in Russian only; the English label is the importer's.",)
    return _Location(key, record, camp, lat, lon, label_en, clean(v["place_ru"]), notes)


def _parse_statistic(record: Record, *, camps: Mapping[int, _Camp], locations: Mapping[int, _Location],
                     rejected: Mapping[str, Mapping[str, int]]) -> _Statistic | None:
    v = record.values
    key = _whole_number(v["stat_id"], "stat_id")
    camp = _known(v["camp_id"], "camp_id", camps, "camp", rejected.get(CAMPS_FILE), CAMPS_FILE)
    location = _known(v["location_id"], "location_id", locations, "location", rejected.get(LOCATIONS_FILE), LOCATIONS_FILE)
    if locations[location].camp != camp:
        raise Reject(f"location_id {location} belongs to camp {locations[location].camp}, not to camp {camp}", field="location_id")
    text = v["year"].strip()
    if not re.fullmatch(r"[0-9]{4}", text):
        raise Reject(f"year {v['year']!r} is not a year", field="year")
    year = int(text)
    if year not in YEARS:
        raise Reject(f"year {year} is outside {YEARS.start}–{YEARS.stop - 1}", field="year")
    count_text = v["prisoners_count"].strip()
    count = _whole_number(count_text, "prisoners_count") if count_text else 0
    if not count:  # in this source 0 (and empty) means "no data"
        return None
    return _Statistic(key, record, camp, location, year, count)


#################################################################
# The import
#################################################################


@dataclass(frozen=True)
class Parsed:
    """The rows of the release, by id (what the comparison with another release uses)."""

    lookups: _Lookups
    camps: Mapping[int, _Camp]
    locations: Mapping[int, _Location]
    statistics: Mapping[int, _Statistic]


def parse(directory: Path, ledger: Ledger) -> Parsed:
    """Read and check the four files, then parse camps, locations and statistics in turn (each
    later file is checked against the rows imported from the earlier ones)."""
    check_directory(directory, SOURCE.files)
    lookups = _read_lookups(directory / LOOKUPS_FILE)
    reads = {t.file: read_csv(directory / t.file, t) for t in (CAMPS, LOCATIONS, STATISTICS)}
    for name, read in reads.items():
        for rejection in read.rejections:
            ledger.reject(name, rejection)
        ledger.rejected_keys.setdefault(name, {}).update(read.rejected_keys)
    rejected = ledger.rejected_keys

    def key(column):
        return lambda record: _whole_number(record.values[column], column)

    camps = ledger.process(CAMPS_FILE, reads[CAMPS_FILE].records, lambda r: _parse_camp(r, lookups=lookups),
                           key=key("camp_id"), key_field="camp_id")
    locations = ledger.process(LOCATIONS_FILE, reads[LOCATIONS_FILE].records, lambda r: _parse_location(r, camps=camps, rejected=rejected),
                               key=key("location_id"), key_field="location_id")
    statistics = ledger.process(STATISTICS_FILE, reads[STATISTICS_FILE].records,
                                lambda r: _parse_statistic(r, camps=camps, locations=locations, rejected=rejected),
                                key=key("stat_id"), key_field="stat_id")
    return Parsed(lookups, camps, locations, statistics)


def figures(parsed: Parsed) -> list[checks.Figure]:
    return [checks.Figure(s.camp, s.year, s.count, claim_iri(s.camp, s.year, s.key), s.record, "prisoners_count")
            for s in parsed.statistics.values()]


def _anomalies(parsed: Parsed, life) -> list:
    found = checks.duplicate_figures(figures(parsed)) + checks.outlying_figures(figures(parsed))
    if life:
        found += checks.figures_outside_life(figures(parsed), life, whose="the 2017 release")
    positions = [
        checks.Position(loc.camp, location_iri(loc.key), float(loc.lat), float(loc.lon), loc.record,
                        parsed.camps[loc.camp].region, ("lat", "lon"))
        for loc in parsed.locations.values() if loc.lat is not None
    ]
    names = {k: e.en for k, e in parsed.lookups.regions.items()}
    return found + checks.position_anomalies(positions, region_names=names)


def _build(w: Writer, directory: Path, parsed: Parsed, *, tool_version: str, counts) -> None:
    g = w.graph
    add_dataset(
        w, origin=ORIGIN_REPOSITORY, derived_from=ORIGIN_SEEDS, version=ORIGIN_COMMIT, modified="2019-10-18",
        attribution=ATTRIBUTION, quotes=("title", "origin", "commit"),
        comment=("Camps, their located places, prisoner counts by year and lookup tables of the map gulagmap.ru, "
                 "converted from the SQL seeds of urbica/gulag-api to CSV/JSON without edits. About 480 of the "
                 "camps' descriptions cite the Memorial directory (schema:citation). In the source a prisoner "
                 "count of 0 means no data."),
    )  # fmt: skip
    for name in SOURCE.files:
        w.file(directory / name, label=f"{name} of the gulagmap 2018 data")
    w.readme("shared/data/gulagmap-2018")
    add_museum(w, "museum")
    add_directory_work(w, "directory-1", "directory-2", "authority")
    w.import_activity(tool_version=tool_version, counts=counts)
    for key, entry in parsed.lookups.regions.items():
        region = region_iri(key)
        g.add((region, RDF.type, GK.Place))
        w.labels(region, entry.en, entry.ru)
        w.generated(region)
        w.pointer(region, LOOKUPS_FILE, f"/camp_regions/{key}")
    for camp in parsed.camps.values():
        iri = camp_iri(camp.key)
        w.entity(iri, (camp.cls,), camp.record, en=camp.label_en, ru=camp.label_ru, notes=camp.notes)
        for name in camp.alt_en:
            g.add((iri, SKOS.altLabel, Literal(name, lang="en")))
        for name in camp.alt_ru:
            g.add((iri, SKOS.altLabel, Literal(name, lang="ru")))
        g.add((iri, GK.siteType, camp.site_type))
        if camp.activity is not None:
            g.add((iri, GK.activity, camp.activity))
        if camp.region is not None:
            g.add((iri, GK.location, region_iri(camp.region)))
    for loc in parsed.locations.values():
        iri = location_iri(loc.key)
        w.entity(iri, (GK.Place,), loc.record, en=loc.label_en, ru=loc.label_ru, notes=loc.notes)
        if loc.lat is not None and loc.lon is not None:
            g.add((iri, GEO.lat, Literal(loc.lat, datatype=XSD.decimal)))
            g.add((iri, GEO.long, Literal(loc.lon, datatype=XSD.decimal)))
        g.add((camp_iri(loc.camp), GK.location, iri))
    for stat in parsed.statistics.values():
        w.claim(
            claim_iri(stat.camp, stat.year, stat.key), subject=camp_iri(stat.camp), prop=GK.prisonerPopulation,
            record=stat.record, value=Literal(stat.count, datatype=XSD.integer), unit=VOCAB["unit/people"],
            period=str(stat.year), claimant=MUSEUM, about_place=location_iri(stat.location),
        )  # fmt: skip


def names(parsed: Parsed) -> dict[int, tuple[str, ...]]:
    """Every name of every camp (for resolving the names another release gives)."""
    return {k: (c.label_en, c.label_ru, *c.alt_en, *c.alt_ru) for k, c in parsed.camps.items()}


def read(directory: Path) -> tuple[Parsed, Ledger]:
    ledger = Ledger()
    return parse(Path(directory), ledger), ledger


def build(directory: Path, parsed: Parsed, ledger: Ledger, *, tool_version: str, imported_on: date,
          life=None) -> tuple[ImportResult, Writer]:
    """The graph of the release (the named graph :data:`GRAPH_IRI`). ``life`` (camp id -> spans
    of years, from the 2017 release) lets counts outside a camp's life be flagged."""
    w = Writer(new_graph(GRAPH_IRI), SOURCE, imported_on)
    _build(w, Path(directory), parsed, tool_version=tool_version, counts=ledger.counts())
    found = sorted(_anomalies(parsed, life))
    for a in found:
        w.anomaly(a)
    result = ImportResult(
        source=SOURCE.slug, graph=w.graph, files=ledger.counts(),
        rejections=tuple(sorted(ledger.rejections)), notices=tuple(sorted(ledger.notices)), anomalies=tuple(found),
    )  # fmt: skip
    return result, w
