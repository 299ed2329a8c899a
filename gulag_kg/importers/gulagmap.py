"""Import the gulagmap 2018 data (the camps of the GULAG History Museum's map) into gulag-kg.

The data are real and third-party: four files in one directory, ``camps.csv``,
``locations.csv``, ``statistics.csv`` and ``lookups.json``, converted from the seeds of the
repository ``urbica/gulag-api`` (commit 751262856ff5133888cf41d331d132fe1733a9c1), the backend of
the map gulagmap.ru made for the State Museum of GULAG History. The project does not ship them:
the importer reads the directory the user points it at.

What a caller can rely on:

* :func:`import_gulagmap` does not stop on a bad row. Every data row of the three CSV files is
  accounted for, per file and in total: read = imported + skipped + rejected. A
  :class:`Rejection` names the file, the physical line of the row (header = line 1) and the
  reason. Only an unusable directory (a missing file, a wrong header, a file that is not UTF-8
  CSV or JSON) raises :class:`GulagmapError`, whose message names the file.
* Every triple of the result is in the named graph ``GRAPH["gulagmap-2018"]``.
* Every generated entity and claim is ``prov:wasGeneratedBy`` one import activity and carries
  ``gk:evidence`` pointing to its record: an RFC 7111 fragment ``row=N`` of the CSV file (N
  counts records, header = row 1) or an RFC 6901 pointer into ``lookups.json``.
* In this source a prisoner count of 0 means "no data": such rows, and empty counts, make no
  claim and are counted as skipped, not rejected.
* The import is deterministic for the same files, tool version and date (blank node ids aside).

Entity resolution against the article graph is :func:`match_article_camps`; accepted matches
become ``owl:sameAs`` triples in the import graph, and :func:`format_match_report` writes all
candidates as TSV for review.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from ..errors import InputError
from ..namespaces import EDTF, GEO, GK, GRAPH, ID, OA, PROV, SCHEMA, VOCAB, bind_prefixes

__all__ = [
    "CampMatch",
    "FileCount",
    "GRAPH_IRI",
    "GulagmapError",
    "GulagmapImport",
    "Notice",
    "Rejection",
    "activity_iri",
    "claim_iri",
    "format_match_report",
    "import_gulagmap",
    "match_article_camps",
    "transliterate",
]

#################################################################
# Fixed IRIs and the shape of the input
#################################################################

#: The named graph that holds every triple of the import.
GRAPH_IRI = GRAPH["gulagmap-2018"]

DATASET = ID["work/gulagmap-2018"]
DIRECTORY_WORK = ID["work/smirnov-sistema-itl"]
MUSEUM = ID["agency/gulag-history-museum"]
CURATORS = ID["agent/gulag-kg-curators"]
IMPORTER = ID["agent/gulag-kg-importer"]
README = ID["source/gulagmap-2018-readme"]

ORIGIN_REPOSITORY = URIRef("https://github.com/urbica/gulag-api")
ORIGIN_COMMIT = "751262856ff5133888cf41d331d132fe1733a9c1"
ORIGIN_SEEDS = URIRef(f"https://github.com/urbica/gulag-api/tree/{ORIGIN_COMMIT}/src/db/seeds")
RFC7111 = URIRef("http://tools.ietf.org/rfc/rfc7111")
RFC6901 = URIRef("http://tools.ietf.org/rfc/rfc6901")
RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")

CAMPS_FILE = "camps.csv"
LOCATIONS_FILE = "locations.csv"
STATISTICS_FILE = "statistics.csv"
LOOKUPS_FILE = "lookups.json"

#: One node per file of the data set; evidence points at these with a fragment selector.
FILE_NODES: dict[str, URIRef] = {
    CAMPS_FILE: ID["source/gulagmap-2018-camps-csv"],
    LOCATIONS_FILE: ID["source/gulagmap-2018-locations-csv"],
    STATISTICS_FILE: ID["source/gulagmap-2018-statistics-csv"],
    LOOKUPS_FILE: ID["source/gulagmap-2018-lookups-json"],
}

CAMPS_HEADER = (
    "camp_id", "title_ru", "title_en", "title_de", "subtitles_ru", "subtitles_en",
    "type_id", "type_en", "type_ru", "activity_id", "activity_en", "activity_ru",
    "region_id", "region_en", "region_ru", "published_ru", "published_en",
    "created_at", "updated_at",
)  # fmt: skip
LOCATIONS_HEADER = ("location_id", "camp_id", "order_index", "lon", "lat", "place_ru", "place_en")
STATISTICS_HEADER = ("stat_id", "location_id", "camp_id", "year", "prisoners_count")
LOOKUP_TABLES = ("camp_types", "camp_activities", "camp_regions")

_SITETYPE = "site-type/"
_ACTIVITY = "activity/"

#: Museum camp type (English label in lookups.json) -> (class, site type).
SITE_TYPES: dict[str, tuple[URIRef, URIRef]] = {
    "Corrective-labor camps": (GK.CampAdministration, VOCAB[_SITETYPE + "itl"]),
    "Special camps": (GK.Camp, VOCAB[_SITETYPE + "special-camp"]),
    "NKVD special camps": (GK.Camp, VOCAB[_SITETYPE + "nkvd-special-camp"]),
    "Camp points": (GK.CampPoint, VOCAB[_SITETYPE + "camp-point"]),
    "Special settlements": (GK.SpecialSettlement, VOCAB[_SITETYPE + "special-settlement"]),
    "Screening and filtration camps": (GK.Camp, VOCAB[_SITETYPE + "filtration-camp"]),
}
UNSET_TYPE = (GK.Camp, VOCAB[_SITETYPE + "camp"])

#: Museum activity (English label in lookups.json) -> concept of the activity scheme.
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

#: English titles the source uses as placeholders (83 screening-filtration camps share "New
#: prison", whatever their Russian title says); compared casefolded.
PLACEHOLDER_TITLES = frozenset({"new prison"})
#: The map editor's default position (lon 90.0, lat 62.0), left on places never positioned.
PLACEHOLDER_COORDINATES = (Decimal("62.0"), Decimal("90.0"))
#: Prisoner counts are accepted for these years only.
YEARS = range(1917, 1992)

#: Verbatim words of the data set's README (shared/data/gulagmap-2018/README.md) with the line
#: (1-based) they stand on: the evidence for what the graph says of the data set, the museum and
#: the Memorial directory. The README is not a stored project text, so the evidence is an RFC 5147
#: line selector refined by a text quote (which ``gulag-kg check-quotes`` does not look at).
README_QUOTES: dict[str, tuple[int, str]] = {
    "title": (1, "gulagmap 2018: camps of the Gulag, as published by the GULAG History Museum's map"),
    "origin": (5, "Origin: the public repository `urbica/gulag-api` (backend of the map gulagmap.ru, made for the"),
    "museum": (6, "State Museum of GULAG History, Moscow"),
    "commit": (8, "HEAD `751262856ff5133888cf41d331d132fe1733a9c1` (2019-10-18)"),
    "directory-1": (26, 'M. B. Smirnov (ed.), "Система исправительно-трудовых лагерей в СССР,'),
    "directory-2": (27, '1923–1960: справочник", Moscow: Memorial / Zvenya, 1998'),
    "authority": (28, "directory the authority behind most of these facts."),
}

ATTRIBUTION = (
    "Camp data of the map gulagmap.ru of the State Museum of GULAG History, Moscow (repository "
    f"urbica/gulag-api, commit {ORIGIN_COMMIT}, 2019-10-18), resting mostly on M. B. Smirnov (ed.), "
    '"Система исправительно-трудовых лагерей в СССР, 1923–1960: справочник", Moscow: Memorial / '
    "Zvenya, 1998."
)


#################################################################
# Results
#################################################################


class GulagmapError(InputError):
    """The directory cannot be imported at all (missing file, wrong header, not UTF-8 CSV/JSON).

    ``str()`` names the file; ``path``, ``line`` and ``reason`` are available separately.
    """


@dataclass(frozen=True, order=True)
class Rejection:
    """A row that was not imported: ``file`` name, physical ``line`` (header = 1), ``reason``."""

    file: str
    line: int
    reason: str


@dataclass(frozen=True, order=True)
class Notice:
    """A row imported with a caveat the graph records in a ``skos:editorialNote``."""

    file: str
    line: int
    message: str


@dataclass(frozen=True)
class FileCount:
    """Rows of one CSV file: ``read == imported + skipped + rejected``."""

    file: str
    read: int
    imported: int
    skipped: int
    rejected: int


@dataclass(frozen=True)
class CampMatch:
    """A candidate pair of an article place of detention and a museum camp.

    ``score`` is in [0, 1]; ``accepted`` is ``score >= threshold`` of the matching call.
    ``evidence`` says in words which names matched and what places and years say.
    """

    article_camp: URIRef
    museum_camp: URIRef
    score: float
    evidence: str
    article_label: str = ""
    museum_label: str = ""
    accepted: bool = False


@dataclass(frozen=True)
class GulagmapImport:
    """The outcome of one import.

    ``dataset`` holds every triple in the named graph :data:`GRAPH_IRI`. Row counts cover the
    three CSV files (``files`` has them per file); ``rejections`` and ``notices`` are sorted by
    file and line; ``matches`` are the entity-resolution candidates (empty without an article
    graph), accepted ones first.
    """

    dataset: rdflib.Dataset
    rows_read: int
    rows_imported: int
    rejections: tuple[Rejection, ...]
    matches: tuple[CampMatch, ...]
    rows_skipped: int = 0
    files: tuple[FileCount, ...] = ()
    notices: tuple[Notice, ...] = ()

    @property
    def graph(self) -> rdflib.Graph:
        """The import's named graph (a live view into ``dataset``)."""
        return self.dataset.graph(GRAPH_IRI)


#################################################################
# Reading the files
#################################################################


@dataclass(frozen=True)
class _Record:
    file: str
    line: int  # physical line where the record starts (header = 1)
    row: int  # RFC 7111 row number (header = 1)
    values: tuple[str, ...]


@dataclass(frozen=True)
class _Entry:
    en: str
    ru: str


@dataclass(frozen=True)
class _Lookups:
    types: Mapping[str, _Entry]
    activities: Mapping[str, _Entry]
    regions: Mapping[str, _Entry]


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise GulagmapError(str(path), "file is missing")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise GulagmapError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise GulagmapError(str(path), f"cannot be read: {exc.strerror}") from None


def _check_header(path: Path, found: list[str] | None, header: tuple[str, ...]) -> None:
    if found is None:
        raise GulagmapError(str(path), f"is empty; expected the header {','.join(header)}")
    if found and found[0].startswith("\ufeff"):
        found[0] = found[0][1:]
    if tuple(found) != header:
        raise GulagmapError(
            str(path), f"wrong header: expected {','.join(header)}, found {','.join(found)}", line=1
        )


def _read_csv(path: Path, header: tuple[str, ...]) -> list[_Record]:
    """The data records of a CSV file with exactly ``header``; blank lines are not records."""
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    records: list[_Record] = []
    try:
        _check_header(path, next(reader, None), header)
        row, line = 1, reader.line_num + 1
        for values in reader:
            row, start, line = row + 1, line, reader.line_num + 1
            if values:
                records.append(_Record(path.name, start, row, tuple(values)))
    except csv.Error as exc:
        raise GulagmapError(str(path), f"not readable as CSV: {exc}", line=reader.line_num) from None
    return records


def _lookup_table(path: Path, data: dict, name: str) -> dict[str, _Entry]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise GulagmapError(str(path), f"has no table {name!r}")
    entries = {}
    for key, value in table.items():
        if not (isinstance(value, dict) and isinstance(value.get("en"), str) and isinstance(value.get("ru"), str)):
            raise GulagmapError(str(path), f"entry {name}/{key} is not {{\"en\": ..., \"ru\": ...}}")
        entries[str(key)] = _Entry(en=_clean(value["en"]), ru=_clean(value["ru"]))
    return entries


def _read_lookups(path: Path) -> _Lookups:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise GulagmapError(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise GulagmapError(str(path), "JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise GulagmapError(str(path), "is not a JSON object")
    types, activities, regions = (_lookup_table(path, data, name) for name in LOOKUP_TABLES)
    return _Lookups(types=types, activities=activities, regions=regions)


#################################################################
# Names
#################################################################

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip
_HAS_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Latin letters that look like Cyrillic ones, found inside Cyrillic words of the source.
_HOMOGLYPHS = str.maketrans("aceopxykmthb", "асеорхукмтнв")


def _clean(text: str) -> str:
    """Trim and collapse every run of whitespace (line breaks, double spaces) to one space.

    >>> _clean("  Far Eastern  ITL\\n")
    'Far Eastern ITL'
    """
    return " ".join(text.split())


def _split_names(text: str) -> tuple[str, ...]:
    """The comma-separated names of a ``subtitles_*`` cell, cleaned, without repeats."""
    names: list[str] = []
    for part in text.split(","):
        name = _clean(part)
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return tuple(names)


def _transliterate_word(word: str) -> str:
    lower = word.lower()
    lower = re.sub("[ыи]й$", "y", lower)
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in lower)
    if len(word) > 1 and word.isupper():
        return latin.upper()
    return latin[:1].upper() + latin[1:] if word[:1].isupper() else latin


def transliterate(text: str) -> str:
    """Russian text in Latin letters (a simple BGN/PCGN-like scheme, for labels and matching).

    Adjective endings -ий/-ый become -y, the soft and hard signs are dropped, ``№`` becomes
    ``No``, and all-capital words stay capital. Latin text passes through unchanged.

    >>> transliterate("Колтубанский ПФЛ № 252")
    'Koltubansky PFL No 252'
    >>> transliterate("Акмолинское ЛО Карагандинского ИТЛ")
    'Akmolinskoe LO Karagandinskogo ITL'
    >>> transliterate("Норильлаг")
    'Norillag'
    """
    words = re.split(r"(\w+)", text.replace("№", "No"))
    return "".join(_transliterate_word(w) if _HAS_CYRILLIC.search(w) else w for w in words)


#################################################################
# Parsing rows (each parser returns a row, None for "no data", or raises _Reject)
#################################################################


class _Reject(Exception):
    """Raised while parsing a row: the row is rejected for the exception's message."""


@dataclass(frozen=True)
class _Camp:
    key: int
    record: _Record
    label_en: str
    label_ru: str
    alt_en: tuple[str, ...]
    alt_ru: tuple[str, ...]
    cls: URIRef
    site_type: URIRef
    activity: URIRef | None
    region: str | None
    notes: tuple[str, ...]

    @property
    def iri(self) -> URIRef:
        return ID[f"camp/gulagmap-{self.key}"]


@dataclass(frozen=True)
class _Location:
    key: int
    record: _Record
    camp: int
    lat: str | None
    lon: str | None
    label_en: str
    label_ru: str
    notes: tuple[str, ...]

    @property
    def iri(self) -> URIRef:
        return ID[f"place/gulagmap-location-{self.key}"]


@dataclass(frozen=True)
class _Statistic:
    key: int
    record: _Record
    camp: int
    location: int
    year: int
    count: int
    notes: tuple[str, ...] = ()


def _whole_number(value: str, column: str) -> int:
    text = value.strip()
    if not re.fullmatch(r"[0-9]+", text):
        raise _Reject(f"{column} {value!r} is not a whole number")
    return int(text)


def _known(value: str, column: str, table: Mapping[int, object], what: str) -> int:
    key = _whole_number(value, column)
    if key not in table:
        raise _Reject(f"{column} {key} refers to no imported {what}")
    return key


def _english_title(title_en: str, title_ru: str) -> tuple[str, tuple[str, ...]]:
    if title_en and title_en.casefold() not in PLACEHOLDER_TITLES:
        return title_en, ()
    if not title_ru:
        raise _Reject(f"no usable title: title_en {title_en!r} is a placeholder and title_ru is empty")
    made = transliterate(title_ru)
    if title_en:
        why = f"The source's English title {title_en!r} is a placeholder it gives to many camps"
    else:
        why = "The source gives no English title"
    return made, (f"{why}; the English label is the importer's transliteration of the Russian title.",)


def _site_type(type_id: str, lookups: _Lookups) -> tuple[URIRef, URIRef, tuple[str, ...]]:
    key = type_id.strip()
    if not key:
        return (*UNSET_TYPE, ("The source gives no camp type; imported as a camp of unstated type (sitetype:camp).",))
    entry = lookups.types.get(key)
    if entry is None:
        raise _Reject(f"unknown type_id {type_id!r}")
    if entry.en not in SITE_TYPES:
        raise _Reject(f"type_id {key} ({entry.en!r}) has no site-type mapping")
    return (*SITE_TYPES[entry.en], ())


def _activity(activity_id: str, lookups: _Lookups) -> URIRef | None:
    key = activity_id.strip()
    if not key:
        return None
    entry = lookups.activities.get(key)
    if entry is None:
        raise _Reject(f"unknown activity_id {activity_id!r}")
    if entry.en not in ACTIVITIES:
        raise _Reject(f"activity_id {key} ({entry.en!r}) has no activity mapping")
    return ACTIVITIES[entry.en]


def _region(region_id: str, lookups: _Lookups) -> str | None:
    key = region_id.strip()
    if key and key not in lookups.regions:
        raise _Reject(f"unknown region_id {region_id!r}")
    return key or None


def _other_names(cell: str, *taken: str) -> tuple[str, ...]:
    used = {t.casefold() for t in taken if t} | PLACEHOLDER_TITLES
    return tuple(n for n in _split_names(cell) if n.casefold() not in used)


def _parse_camp(values: Mapping[str, str], key: int, record: _Record, *, lookups: _Lookups) -> _Camp:
    title_en, title_ru = _clean(values["title_en"]), _clean(values["title_ru"])
    if not title_en and not title_ru:
        raise _Reject("no title: title_en and title_ru are empty")
    label_en, title_notes = _english_title(title_en, title_ru)
    cls, site_type, type_notes = _site_type(values["type_id"], lookups)
    return _Camp(
        key=key,
        record=record,
        label_en=label_en,
        label_ru=title_ru,
        alt_en=_other_names(values["subtitles_en"], label_en, title_en),
        alt_ru=_other_names(values["subtitles_ru"], title_ru),
        cls=cls,
        site_type=site_type,
        activity=_activity(values["activity_id"], lookups),
        region=_region(values["region_id"], lookups),
        notes=title_notes + type_notes,
    )


def _coordinates(lat_text: str, lon_text: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    lat_text, lon_text = lat_text.strip(), lon_text.strip()
    number = re.compile(r"-?[0-9]+(\.[0-9]+)?")
    if not (number.fullmatch(lat_text) and number.fullmatch(lon_text)):
        raise _Reject(f"unreadable coordinates: lat {lat_text!r}, lon {lon_text!r}")
    lat, lon = Decimal(lat_text), Decimal(lon_text)
    if not -90 <= lat <= 90:
        raise _Reject(f"latitude {lat_text} out of range [-90, 90]")
    if not -180 <= lon <= 180:
        raise _Reject(f"longitude {lon_text} out of range [-180, 180]")
    if (lat, lon) == PLACEHOLDER_COORDINATES:
        note = (
            f"The source's coordinates (lat {lat_text}, lon {lon_text}) are the map editor's default "
            "position, not this place's; they are left out."
        )
        return None, None, (note,)
    return lat_text, lon_text, ()


def _place_label(place_en: str, camp_label: str, order_index: str) -> tuple[str, tuple[str, ...]]:
    if place_en:
        return place_en, ()
    index = order_index.strip()
    number = f" {int(index) + 1}" if index.isdigit() and int(index) > 0 else ""
    note = "The source describes this place in Russian only; the English label is the importer's."
    return f"Location{number} of {camp_label}", (note,)


def _parse_location(
    values: Mapping[str, str], key: int, record: _Record, *, camps: Mapping[int, _Camp]
) -> _Location:
    camp = _known(values["camp_id"], "camp_id", camps, "camp")
    lat, lon, coordinate_notes = _coordinates(values["lat"], values["lon"])
    label_en, label_notes = _place_label(_clean(values["place_en"]), camps[camp].label_en, values["order_index"])
    return _Location(
        key=key,
        record=record,
        camp=camp,
        lat=lat,
        lon=lon,
        label_en=label_en,
        label_ru=_clean(values["place_ru"]),
        notes=coordinate_notes + label_notes,
    )


def _year(value: str) -> int:
    text = value.strip()
    if not re.fullmatch(r"[0-9]{4}", text):
        raise _Reject(f"year {value!r} is not a year")
    year = int(text)
    if year not in YEARS:
        raise _Reject(f"year {year} is outside {YEARS.start}–{YEARS.stop - 1}")
    return year


def _count(value: str) -> int | None:
    """The prisoner count, or None for "no data" (empty or 0, which this source uses for it)."""
    text = value.strip()
    if not text:
        return None
    count = _whole_number(text, "prisoners_count")
    return count or None


def _parse_statistic(
    values: Mapping[str, str],
    key: int,
    record: _Record,
    *,
    camps: Mapping[int, _Camp],
    locations: Mapping[int, _Location],
) -> _Statistic | None:
    camp = _known(values["camp_id"], "camp_id", camps, "camp")
    location = _known(values["location_id"], "location_id", locations, "location")
    if locations[location].camp != camp:
        raise _Reject(f"location_id {location} belongs to camp {locations[location].camp}, not to camp {camp}")
    year = _year(values["year"])
    count = _count(values["prisoners_count"])
    if count is None:
        return None
    return _Statistic(key=key, record=record, camp=camp, location=location, year=year, count=count)


#################################################################
# Running a parser over the rows of a file
#################################################################


@dataclass(frozen=True)
class _Outcome:
    rows: dict[int, object]
    count: FileCount
    rejections: tuple[Rejection, ...]
    notices: tuple[Notice, ...]


def _process(
    file: str,
    records: Iterable[_Record],
    header: tuple[str, ...],
    parse: Callable[[Mapping[str, str], int, _Record], object | None],
) -> _Outcome:
    """Parse every record: columns, then the id in the first column (whole, unique), then ``parse``."""
    rows: dict[int, object] = {}
    rejections: list[Rejection] = []
    notices: list[Notice] = []
    first_line: dict[int, int] = {}
    read = skipped = 0
    for record in records:
        read += 1
        try:
            if len(record.values) != len(header):
                raise _Reject(f"wrong number of columns: expected {len(header)}, found {len(record.values)}")
            values = dict(zip(header, record.values))
            key = _whole_number(values[header[0]], header[0])
            if key in first_line:
                raise _Reject(f"duplicate {header[0]} {key} (first at line {first_line[key]})")
            first_line[key] = record.line
            row = parse(values, key, record)
        except _Reject as exc:
            rejections.append(Rejection(record.file, record.line, str(exc)))
            continue
        if row is None:
            skipped += 1
            continue
        rows[key] = row
        notices.extend(Notice(record.file, record.line, note) for note in row.notes)
    count = FileCount(file, read, len(rows), skipped, len(rejections))
    return _Outcome(rows, count, tuple(rejections), tuple(notices))


#################################################################
# Writing the graph
#################################################################


@dataclass(frozen=True)
class _Context:
    graph: rdflib.Graph
    activity: URIRef


def _row_evidence(ctx: _Context, subject: URIRef, record: _Record) -> None:
    """``gk:evidence`` [ oa:hasSource <file> ; oa:hasSelector [ RFC 7111 "row=N" ] ]."""
    g, evidence, selector = ctx.graph, BNode(), BNode()
    g.add((subject, GK.evidence, evidence))
    g.add((evidence, RDF.type, OA.SpecificResource))
    g.add((evidence, OA.hasSource, FILE_NODES[record.file]))
    g.add((evidence, OA.hasSelector, selector))
    g.add((selector, RDF.type, OA.FragmentSelector))
    g.add((selector, DCTERMS.conformsTo, RFC7111))
    g.add((selector, RDF.value, Literal(f"row={record.row}")))


def _pointer_evidence(ctx: _Context, subject: URIRef, pointer: str) -> None:
    """``gk:evidence`` into lookups.json with an RFC 6901 JSON pointer."""
    g, evidence, selector = ctx.graph, BNode(), BNode()
    g.add((subject, GK.evidence, evidence))
    g.add((evidence, RDF.type, OA.SpecificResource))
    g.add((evidence, OA.hasSource, FILE_NODES[LOOKUPS_FILE]))
    g.add((evidence, OA.hasSelector, selector))
    g.add((selector, RDF.type, OA.FragmentSelector))
    g.add((selector, DCTERMS.conformsTo, RFC6901))
    g.add((selector, RDF.value, Literal(pointer)))


def _quote_evidence(g: rdflib.Graph, subject: URIRef, *names: str) -> None:
    """``gk:evidence`` into the data set's README: an RFC 5147 ``line=N-1,N`` selector refined
    by the verbatim words (``oa:refinedBy`` [ a oa:TextQuoteSelector ; oa:exact ... ])."""
    for name in names:
        line, quote = README_QUOTES[name]
        evidence, selector, refined = BNode(), BNode(), BNode()
        g.add((subject, GK.evidence, evidence))
        g.add((evidence, RDF.type, OA.SpecificResource))
        g.add((evidence, OA.hasSource, README))
        g.add((evidence, OA.hasSelector, selector))
        g.add((selector, RDF.type, OA.FragmentSelector))
        g.add((selector, DCTERMS.conformsTo, RFC5147))
        g.add((selector, RDF.value, Literal(f"line={line - 1},{line}")))
        g.add((selector, OA.refinedBy, refined))
        g.add((refined, RDF.type, OA.TextQuoteSelector))
        g.add((refined, OA.exact, Literal(quote)))


def _generated(ctx: _Context, subject: URIRef, notes: Iterable[str] = ()) -> None:
    ctx.graph.add((subject, PROV.wasGeneratedBy, ctx.activity))
    for note in notes:
        ctx.graph.add((subject, SKOS.editorialNote, Literal(note, lang="en")))


def _labels(g: rdflib.Graph, subject: URIRef, en: str, ru: str) -> None:
    g.add((subject, RDFS.label, Literal(en, lang="en")))
    if ru:
        g.add((subject, RDFS.label, Literal(ru, lang="ru")))


def _add_region(ctx: _Context, key: str, entry: _Entry) -> None:
    region = ID[f"place/gulagmap-region-{key}"]
    ctx.graph.add((region, RDF.type, GK.Place))
    _labels(ctx.graph, region, entry.en, entry.ru)
    ctx.graph.add((region, PROV.wasDerivedFrom, DATASET))
    _generated(ctx, region)
    _pointer_evidence(ctx, region, f"/camp_regions/{key}")


def _add_camp(ctx: _Context, camp: _Camp) -> None:
    g, iri = ctx.graph, camp.iri
    g.add((iri, RDF.type, camp.cls))
    _labels(g, iri, camp.label_en, camp.label_ru)
    for name in camp.alt_en:
        g.add((iri, SKOS.altLabel, Literal(name, lang="en")))
    for name in camp.alt_ru:
        g.add((iri, SKOS.altLabel, Literal(name, lang="ru")))
    g.add((iri, GK.siteType, camp.site_type))
    if camp.activity is not None:
        g.add((iri, GK.activity, camp.activity))
    if camp.region is not None:
        g.add((iri, GK.location, ID[f"place/gulagmap-region-{camp.region}"]))
    g.add((iri, PROV.wasDerivedFrom, DATASET))
    _generated(ctx, iri, camp.notes)
    _row_evidence(ctx, iri, camp.record)


def _add_location(ctx: _Context, location: _Location) -> None:
    g, iri = ctx.graph, location.iri
    g.add((iri, RDF.type, GK.Place))
    _labels(g, iri, location.label_en, location.label_ru)
    if location.lat is not None and location.lon is not None:
        g.add((iri, GEO.lat, Literal(location.lat, datatype=XSD.decimal)))
        g.add((iri, GEO.long, Literal(location.lon, datatype=XSD.decimal)))
    g.add((iri, PROV.wasDerivedFrom, DATASET))
    _generated(ctx, iri, location.notes)
    _row_evidence(ctx, iri, location.record)
    g.add((ID[f"camp/gulagmap-{location.camp}"], GK.location, iri))


def claim_iri(camp: int, year: int, stat: int) -> URIRef:
    """The IRI of the prisoner-population claim made from one row of statistics.csv."""
    return ID[f"claim/prisoner-population-gulagmap-{camp}-{year}-{stat}"]


def _add_claim(ctx: _Context, stat: _Statistic) -> None:
    g, claim = ctx.graph, claim_iri(stat.camp, stat.year, stat.key)
    g.add((claim, RDF.type, GK.Claim))
    g.add((claim, GK.subject, ID[f"camp/gulagmap-{stat.camp}"]))
    g.add((claim, GK.property, GK.prisonerPopulation))
    g.add((claim, GK.value, Literal(stat.count, datatype=XSD.integer)))
    g.add((claim, GK.unit, VOCAB["unit/people"]))
    g.add((claim, GK.period, Literal(str(stat.year), datatype=EDTF.EDTF)))
    g.add((claim, GK.claimant, MUSEUM))
    g.add((claim, GK.statedIn, DATASET))
    g.add((claim, GK.method, VOCAB["method/unspecified"]))
    g.add((claim, GK.rank, GK.NormalRank))
    g.add((claim, GK.stance, VOCAB["stance/asserted"]))
    g.add((claim, GK.aboutPlace, ID[f"place/gulagmap-location-{stat.location}"]))
    g.add((claim, PROV.wasDerivedFrom, DATASET))
    g.add((claim, PROV.wasAttributedTo, CURATORS))
    _generated(ctx, claim)
    _row_evidence(ctx, claim, stat.record)


def _add_sources(g: rdflib.Graph, directory: Path) -> None:
    """The data set, its files, its README, the museum and the Memorial directory."""
    g.add((DATASET, RDF.type, GK.Work))
    g.add((DATASET, RDF.type, SCHEMA.Dataset))
    g.add((DATASET, RDFS.label, Literal(README_QUOTES["title"][1], lang="en")))
    g.add((DATASET, GK.workType, VOCAB["work-type/document-collection"]))
    g.add((DATASET, SCHEMA.publisher, MUSEUM))
    g.add((DATASET, DCTERMS.source, ORIGIN_REPOSITORY))
    g.add((DATASET, PROV.wasDerivedFrom, ORIGIN_SEEDS))
    g.add((DATASET, SCHEMA.version, Literal(ORIGIN_COMMIT)))
    g.add((DATASET, SCHEMA.dateModified, Literal("2019-10-18", datatype=XSD.date)))
    g.add((DATASET, SCHEMA.citation, DIRECTORY_WORK))
    g.add((DATASET, GK.attribution, Literal(ATTRIBUTION)))
    comment = (
        "Camps, their located places, prisoner counts by year and lookup tables of the map "
        "gulagmap.ru, converted from the SQL seeds of urbica/gulag-api to CSV/JSON without edits. "
        "About 480 of the camps' descriptions cite the Memorial directory (schema:citation). "
        "In the source a prisoner count of 0 means no data."
    )
    g.add((DATASET, RDFS.comment, Literal(comment, lang="en")))
    _quote_evidence(g, DATASET, "title", "origin", "commit")
    for name, node in FILE_NODES.items():
        _add_file(g, node, directory / name)
    _add_readme(g)
    _add_museum(g)
    _add_directory_work(g)


def _add_file(g: rdflib.Graph, node: URIRef, path: Path) -> None:
    g.add((node, RDF.type, PROV.Entity))
    g.add((node, RDF.type, SCHEMA.DataDownload))
    g.add((node, RDFS.label, Literal(f"{path.name} of the gulagmap 2018 data", lang="en")))
    g.add((node, SCHEMA.name, Literal(path.name)))
    g.add((node, SCHEMA.encodingFormat, Literal("text/csv" if path.suffix == ".csv" else "application/json")))
    g.add((node, SCHEMA.sha256, Literal(hashlib.sha256(path.read_bytes()).hexdigest())))
    g.add((node, SCHEMA.isPartOf, DATASET))
    g.add((DATASET, SCHEMA.hasPart, node))


def _add_readme(g: rdflib.Graph) -> None:
    g.add((README, RDF.type, PROV.Entity))
    g.add((README, RDF.type, SCHEMA.DigitalDocument))
    g.add((README, RDFS.label, Literal("README of the gulagmap 2018 data", lang="en")))
    g.add((README, SCHEMA.about, DATASET))
    comment = "README.md of the data directory (shared/data/gulagmap-2018), the source of the quotes about the data set."
    g.add((README, RDFS.comment, Literal(comment, lang="en")))


def _add_museum(g: rdflib.Graph) -> None:
    g.add((MUSEUM, RDF.type, GK.Organisation))
    g.add((MUSEUM, RDFS.label, Literal("Gulag History Museum", lang="en")))
    g.add((MUSEUM, SKOS.altLabel, Literal("State Museum of GULAG History", lang="en")))
    _quote_evidence(g, MUSEUM, "museum")


def _add_directory_work(g: rdflib.Graph) -> None:
    work = DIRECTORY_WORK
    g.add((work, RDF.type, GK.Work))
    g.add((work, RDFS.label, Literal("The System of Corrective Labour Camps in the USSR, 1923–1960: A Directory", lang="en")))
    g.add((work, RDFS.label, Literal("Система исправительно-трудовых лагерей в СССР, 1923–1960: справочник", lang="ru")))
    g.add((work, GK.workType, VOCAB["work-type/book"]))
    g.add((work, SCHEMA.datePublished, Literal("1998", datatype=XSD.gYear)))
    g.add((work, SCHEMA.inLanguage, Literal("ru")))
    citation = (
        'M. B. Smirnov (ed.), "Система исправительно-трудовых лагерей в СССР, 1923–1960: справочник", '
        "Moscow: Memorial / Zvenya, 1998."
    )
    g.add((work, DCTERMS.bibliographicCitation, Literal(citation)))
    _quote_evidence(g, work, "directory-1", "directory-2", "authority")


def _add_activity(
    g: rdflib.Graph, activity: URIRef, *, tool_version: str, imported_on: date, counts: Iterable[FileCount]
) -> None:
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"Import of the gulagmap 2018 data, {imported_on.isoformat()}", lang="en")))
    g.add((activity, DCTERMS.date, Literal(imported_on.isoformat(), datatype=XSD.date)))
    g.add((activity, PROV.used, DATASET))
    for node in FILE_NODES.values():
        g.add((activity, PROV.used, node))
    g.add((activity, PROV.wasAssociatedWith, IMPORTER))
    g.add((activity, PROV.wasAssociatedWith, CURATORS))
    summary = "; ".join(
        f"{c.file}: {c.read} rows read, {c.imported} imported, {c.skipped} skipped (no data), {c.rejected} rejected"
        for c in counts
    )
    g.add((activity, RDFS.comment, Literal(summary + ".", lang="en")))
    g.add((IMPORTER, RDF.type, PROV.SoftwareAgent))
    g.add((IMPORTER, RDFS.label, Literal("gulag-kg importer of the gulagmap data", lang="en")))
    g.add((IMPORTER, SCHEMA.softwareVersion, Literal(tool_version)))
    g.add((CURATORS, RDF.type, PROV.Agent))


def activity_iri(imported_on: date) -> URIRef:
    """The IRI of the import activity of a given day."""
    return ID[f"import/gulagmap-2018-{imported_on.isoformat()}"]


#################################################################
# The import
#################################################################


def _check_directory(directory: Path) -> None:
    if not directory.is_dir():
        raise GulagmapError(str(directory), "is not a directory")
    for name in FILE_NODES:
        if not (directory / name).is_file():
            raise GulagmapError(str(directory / name), "file is missing")


def _parse_directory(directory: Path) -> tuple[_Lookups, tuple[_Outcome, _Outcome, _Outcome]]:
    """Read and check the four files, then parse camps, locations and statistics in turn
    (each later file is checked against the rows imported from the earlier ones)."""
    _check_directory(directory)
    lookups = _read_lookups(directory / LOOKUPS_FILE)
    camp_records = _read_csv(directory / CAMPS_FILE, CAMPS_HEADER)
    location_records = _read_csv(directory / LOCATIONS_FILE, LOCATIONS_HEADER)
    statistic_records = _read_csv(directory / STATISTICS_FILE, STATISTICS_HEADER)
    camps = _process(CAMPS_FILE, camp_records, CAMPS_HEADER, lambda v, k, r: _parse_camp(v, k, r, lookups=lookups))
    locations = _process(
        LOCATIONS_FILE, location_records, LOCATIONS_HEADER, lambda v, k, r: _parse_location(v, k, r, camps=camps.rows)
    )
    statistics = _process(
        STATISTICS_FILE,
        statistic_records,
        STATISTICS_HEADER,
        lambda v, k, r: _parse_statistic(v, k, r, camps=camps.rows, locations=locations.rows),
    )
    return lookups, (camps, locations, statistics)


def import_gulagmap(
    directory: Path,
    *,
    tool_version: str,
    imported_on: date,
    article_graph: rdflib.Graph | None = None,
    threshold: float = 0.8,
) -> GulagmapImport:
    """Import the gulagmap 2018 data of ``directory`` into a new dataset.

    Bad rows are rejected and reported, never fatal; counts of 0 or empty are skipped ("no
    data"). With ``article_graph``, museum camps are matched against its places of detention
    (:func:`match_article_camps`) and matches with ``score >= threshold`` are added as
    ``owl:sameAs``. Raises :class:`GulagmapError` if the directory cannot be imported at all.
    """
    directory = Path(directory)
    lookups, outcomes = _parse_directory(directory)
    dataset = rdflib.Dataset()
    bind_prefixes(dataset)
    ctx = _Context(graph=dataset.graph(GRAPH_IRI), activity=activity_iri(imported_on))
    _build(ctx, directory, lookups, outcomes, tool_version=tool_version, imported_on=imported_on)

    matches: tuple[CampMatch, ...] = ()
    if article_graph is not None:
        matches = match_article_camps(ctx.graph, article_graph, threshold=threshold)
        _add_same_as(ctx, matches)
    return GulagmapImport(
        dataset=dataset,
        rows_read=sum(o.count.read for o in outcomes),
        rows_imported=sum(o.count.imported for o in outcomes),
        rejections=tuple(sorted(r for o in outcomes for r in o.rejections)),
        matches=matches,
        rows_skipped=sum(o.count.skipped for o in outcomes),
        files=tuple(o.count for o in outcomes),
        notices=tuple(sorted(n for o in outcomes for n in o.notices)),
    )


def _build(
    ctx: _Context,
    directory: Path,
    lookups: _Lookups,
    outcomes: tuple[_Outcome, _Outcome, _Outcome],
    *,
    tool_version: str,
    imported_on: date,
) -> None:
    camps, locations, statistics = outcomes
    _add_sources(ctx.graph, directory)
    _add_activity(
        ctx.graph, ctx.activity, tool_version=tool_version, imported_on=imported_on, counts=[o.count for o in outcomes]
    )
    for key, entry in lookups.regions.items():
        _add_region(ctx, key, entry)
    for camp in camps.rows.values():
        _add_camp(ctx, camp)
    for location in locations.rows.values():
        _add_location(ctx, location)
    for stat in statistics.rows.values():
        _add_claim(ctx, stat)


def _add_same_as(ctx: _Context, matches: Iterable[CampMatch]) -> None:
    for match in matches:
        if match.accepted:
            ctx.graph.add((match.article_camp, OWL.sameAs, match.museum_camp))


#################################################################
# Entity resolution
#################################################################

_DETENTION_CLASSES = (
    GK.DetentionSite, GK.CampAdministration, GK.Camp, GK.CampPoint, GK.Colony,
    GK.SpecialSettlement, GK.Sharashka, GK.Prison,
)  # fmt: skip
_MUSEUM_PREFIX = str(ID["camp/gulagmap-"])

#: Words that say what kind of thing a name is, not which one (compared after _simplify).
_GENERIC_WORDS = (
    "itl", "итл", "camp", "camps", "lager", "lagerya", "lagerei", "ispravitelno", "trudovoi",
    "trudovye", "trudovykh", "corrective", "labor", "labour", "special", "osoby", "osobyi",
    "spets", "spetslager", "osoblag", "of", "the", "and", "for", "in", "at", "i", "pri", "no",
    "number", "nkvd", "ogpu", "mvd", "mgb", "gulag", "system", "prison", "tyurma", "lo", "olp",
)  # fmt: skip
_PLACE_WORDS = (
    "region", "oblast", "oblasti", "krai", "kraya", "city", "gorod", "goroda", "village",
    "poselok", "selo", "station", "stantsiya", "now", "nyne", "republic", "respublika", "assr",
    "ssr", "river", "reka", "district", "raion", "rayon", "area", "near", "v", "na", "tam", "zhe",
    "the", "of", "and", "in", "at", "i", "camps", "lagerya",
)  # fmt: skip


def _simplify(token: str) -> str:
    """A spelling skeleton of one Latin token: transliteration variants map to one form."""
    for old, new in (("shch", "sh"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("yo", "e"), ("ye", "e"),
                     ("yu", "u"), ("ya", "a"), ("j", "i"), ("y", "i"), ("w", "v"), ("x", "ks"), ("q", "k")):  # fmt: skip
        token = token.replace(old, new)
    token = re.sub(r"(.)\1+", r"\1", token)
    if len(token) > 4:
        token = re.sub(r"(?<=[^aeiou])i$", "", token)
    return token


_GENERIC = frozenset(_simplify(w) for w in _GENERIC_WORDS)
_PLACE_GENERIC = frozenset(_simplify(w) for w in _PLACE_WORDS)


def _fix_homoglyphs(text: str) -> str:
    words = re.split(r"(\w+)", text)
    return "".join(w.translate(_HOMOGLYPHS) if _HAS_CYRILLIC.search(w) else w for w in words)


def _tokens(text: str) -> list[str]:
    """Skeleton tokens of a name in any script: casefolded, transliterated, simplified."""
    text = _fix_homoglyphs(unicodedata.normalize("NFKC", text).casefold())
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    return [_simplify(t) for t in re.findall(r"[a-z0-9]+", latin)]


def _exact_key(text: str) -> str:
    """Casefolded words without punctuation and without 'ITL'/'ИТЛ' (script-sensitive)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(w for w in words if w not in {"itl", "итл"})


def _skeleton(text: str) -> str:
    """The transliteration-insensitive key of a name: distinctive skeleton tokens, in order.

    >>> _skeleton("Norillag") == _skeleton("Норильлаг")
    True
    >>> _skeleton("Sevvostlag") == _skeleton("Севвостлаг")
    True
    >>> _skeleton("Norilsky ITL") == _skeleton("Норильский ИТЛ")
    True
    """
    return " ".join(t for t in _tokens(text) if t not in _GENERIC)


@dataclass(frozen=True)
class _Name:
    text: str
    lang: str
    primary: bool  # rdfs:label (a title) rather than an alternative name
    exact: str
    skeleton: str

    @property
    def usable(self) -> bool:
        return len(self.skeleton.replace(" ", "")) >= 4 and not self.skeleton.isdigit()

    def show(self) -> str:
        return f"'{self.text}'@{self.lang}" if self.lang else f"'{self.text}'"


@dataclass(frozen=True)
class _Site:
    iri: URIRef
    label: str
    names: tuple[_Name, ...]
    places: Mapping[str, str]
    years: tuple[int, int] | None


def _as_graph(data: rdflib.Graph) -> rdflib.Graph:
    """A plain graph of all triples of a graph, dataset or conjunctive graph."""
    if isinstance(data, rdflib.ConjunctiveGraph):  # rdflib.Dataset is one too
        graph = rdflib.Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return data


def _english_label(g: rdflib.Graph, node: URIRef) -> str:
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
                names.append(_Name(text, value.language or "", primary, _exact_key(text), _skeleton(text)))
    return tuple(n for n in dict.fromkeys(names) if n.usable)


def _place_words(g: rdflib.Graph, places: Iterable[URIRef]) -> dict[str, str]:
    """Skeleton token -> a word as written, for the distinctive words of the places' names."""
    words: dict[str, str] = {}
    for place in places:
        for predicate in (RDFS.label, SKOS.altLabel):
            for value in g.objects(place, predicate):
                for word in re.findall(r"\w+", str(value)):
                    for token in _tokens(word):
                        if len(token) >= 4 and token not in _PLACE_GENERIC:
                            words.setdefault(token, word)
    return words


def _places_of(g: rdflib.Graph, site: URIRef) -> list[URIRef]:
    places = list(g.objects(site, GK.location))
    for claim in g.subjects(GK.subject, site):
        if (claim, GK.property, GK.locatedIn) in g:
            places.extend(g.objects(claim, GK.value))
    return places


def _years_of(g: rdflib.Graph, site: URIRef) -> tuple[int, int] | None:
    texts = [str(v) for v in g.objects(site, GK.period)] + [str(v) for v in g.objects(site, GK.date)]
    for claim in g.subjects(GK.subject, site):
        texts.extend(str(v) for v in g.objects(claim, GK.period))
    years = [int(y) for text in texts for y in re.findall(r"(?<![0-9])[0-9]{4}(?![0-9])", text)]
    return (min(years), max(years)) if years else None


def _site(g: rdflib.Graph, node: URIRef) -> _Site:
    return _Site(node, _english_label(g, node), _names(g, node), _place_words(g, _places_of(g, node)), _years_of(g, node))


def _detention_sites(g: rdflib.Graph) -> set[URIRef]:
    classes = set(_DETENTION_CLASSES)
    for cls in _DETENTION_CLASSES:
        classes.update(g.transitive_subjects(RDFS.subClassOf, cls))
    return {s for cls in classes for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def _name_match(a: _Name, m: _Name) -> tuple[float, str] | None:
    """How well two names match: 1.0 same title, 0.95 same alternative name, 0.9 same up to
    transliteration, at most 0.7 for containment or near spellings (review only)."""
    if a.exact == m.exact:
        return (1.0 if m.primary else 0.95), f"{a.show()} = {'title' if m.primary else 'other name'} {m.show()}"
    if a.skeleton == m.skeleton:
        return 0.9, f"{a.show()} ≈ {m.show()} (transliteration)"
    short, long_ = sorted((a.skeleton.split(), m.skeleton.split()), key=len)
    if set(short) <= set(long_) and max(map(len, short)) >= 5:
        return 0.65, f"{a.show()} within {m.show()}" if short == a.skeleton.split() else f"{m.show()} within {a.show()}"
    matcher = difflib.SequenceMatcher(None, a.skeleton, m.skeleton)
    if matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75:
        ratio = matcher.ratio()
        if ratio >= 0.75:
            return 0.7 * ratio, f"{a.show()} ~ {m.show()} (similar spelling, {ratio:.2f})"
    return None


def _best_name_match(article: _Site, museum: _Site) -> tuple[float, list[str]]:
    best, notes, strong = 0.0, [], set()
    for a in article.names:
        for m in museum.names:
            found = _name_match(a, m)
            if found is None:
                continue
            score, note = found
            if score >= 0.9:
                strong.add(a.exact)
            if score > best:
                best, notes = score, [note]
            elif score == best and note not in notes:
                notes.append(note)
    if len(strong) > 1:
        best = min(1.0, best + 0.02)
    return best, notes[:3]


def _context_adjustment(article: _Site, museum: _Site) -> tuple[float, list[str]]:
    delta, notes = 0.0, []
    if article.places:
        shared = sorted(article.places.keys() & museum.places.keys())
        if shared:
            delta += 0.05
            notes.append("shared place words: " + ", ".join(article.places[t] for t in shared[:3]))
        else:
            delta -= 0.05
            notes.append("no shared place")
    if article.years and museum.years:
        (a0, a1), (m0, m1) = article.years, museum.years
        if a0 <= m1 + 1 and a1 >= m0 - 1:
            delta += 0.02
            notes.append(f"years overlap (article {a0}–{a1}, museum {m0}–{m1})")
        else:
            delta -= 0.1
            notes.append(f"years disjoint (article {a0}–{a1}, museum {m0}–{m1})")
    elif museum.years:
        notes.append(f"museum counts {museum.years[0]}–{museum.years[1]}")
    return delta, notes


def _score(article: _Site, museum: _Site, *, min_score: float) -> tuple[float, float, str] | None:
    """(score, name score, evidence) of one pair, or None below ``min_score``."""
    name_score, name_notes = _best_name_match(article, museum)
    if name_score == 0.0:
        return None
    delta, context_notes = _context_adjustment(article, museum)
    score = name_score + delta
    if name_score < 0.9:
        score = min(score, 0.7)  # without a shared name a pair is for review only
    score = max(0.0, min(1.0, score))
    if score < min_score:
        return None
    return score, name_score, "; ".join(["names: " + " | ".join(name_notes), *context_notes])


def _group(pairs, side: int, *, strong: bool) -> dict[URIRef, list[URIRef]]:
    """Site IRI on ``side`` (0 article, 1 museum) -> IRIs of its strong (or weak) partners."""
    groups: dict[URIRef, list[URIRef]] = {}
    for pair in pairs:
        if (pair[3] >= 0.9) == strong:
            groups.setdefault(pair[side].iri, []).append(pair[1 - side].iri)
    return groups


def _penalise_ambiguity(pairs: list[tuple[_Site, _Site, float, float, str]]) -> list[tuple[_Site, _Site, float, str]]:
    """Lower the score of pairs whose names do not single out one partner.

    A strong name match (>= 0.9) shared with a rival on either side is multiplied by 0.75, so it
    goes to review; a weak one, when its article site has 3 or more weak candidates (a
    collective name such as "NKVD special camps in Germany"), by 0.7.
    """
    strong_by_article, strong_by_museum = _group(pairs, 0, strong=True), _group(pairs, 1, strong=True)
    weak_by_article = _group(pairs, 0, strong=False)
    out = []
    for article, museum, score, name_score, evidence in pairs:
        rivals = [m for m in strong_by_article.get(article.iri, []) if m != museum.iri]
        rivals += [a for a in strong_by_museum.get(museum.iri, []) if a != article.iri]
        crowd = len(weak_by_article.get(article.iri, []))
        if rivals:
            score *= 0.75
            evidence += "; ambiguous, also matches " + ", ".join(_short(r) for r in sorted(rivals))
        elif name_score < 0.9 and crowd >= 3:
            score *= 0.7
            evidence += f"; one of {crowd} weak candidates of this site"
        out.append((article, museum, score, evidence))
    return out


def _short(iri: URIRef) -> str:
    return str(iri).removeprefix(str(ID))


def _top_candidates(pairs, *, per_article: int):
    by_article: dict[URIRef, list] = {}
    for pair in pairs:
        by_article.setdefault(pair[0].iri, []).append(pair)
    kept = []
    for candidates in by_article.values():
        candidates.sort(key=lambda p: (-p[2], str(p[1].iri)))
        kept.extend(candidates[:per_article])
    return kept


def match_article_camps(
    dataset_or_graph: rdflib.Graph,
    article_graph: rdflib.Graph,
    *,
    threshold: float = 0.8,
    min_score: float = 0.5,
    per_article: int = 5,
) -> tuple[CampMatch, ...]:
    """Match the article graph's places of detention against the museum camps of an import.

    Article sites are the instances of gk:DetentionSite and its subclasses (per the ontology,
    if ``article_graph`` holds it, and the subclasses of ``ontology/gulag.ttl`` in any case),
    except museum camps themselves. Names (labels, alternative names, abbreviations, in any
    language) are compared casefolded, without punctuation and 'ITL'/'ИТЛ', and then
    transliteration-insensitively. Only a shared name can reach the threshold: 1.0 same
    title, 0.95 same alternative name, 0.9 same up to transliteration; containment and near
    spellings score at most 0.7 (review). Shared places add 0.05 (none: -0.05); overlapping
    years add 0.02 (disjoint: -0.1). A strong name match that a site shares with a rival on
    either side is multiplied by 0.75, so ambiguous pairs go to review, never to owl:sameAs.

    Returns candidates with ``score >= min_score`` (at most ``per_article`` per article site),
    accepted ones (``score >= threshold``) first, then by article label and score.
    """
    museum_graph, article = _as_graph(dataset_or_graph), _as_graph(article_graph)
    museums = [_site(museum_graph, m) for m in sorted(_detention_sites(museum_graph)) if str(m).startswith(_MUSEUM_PREFIX)]
    articles = [_site(article, a) for a in sorted(_detention_sites(article)) if not str(a).startswith(_MUSEUM_PREFIX)]
    pairs = []
    for a in articles:
        for m in museums:
            scored = _score(a, m, min_score=min_score)
            if scored is not None:
                pairs.append((a, m, *scored))
    judged = _top_candidates(_penalise_ambiguity(pairs), per_article=per_article)
    matches = [
        CampMatch(a.iri, m.iri, round(score, 3), evidence, a.label, m.label, score >= threshold)
        for a, m, score, evidence in judged
        if score >= min_score
    ]
    return tuple(sorted(matches, key=lambda x: (not x.accepted, x.article_label.casefold(), -x.score, str(x.museum_camp))))


def _cell(text: str) -> str:
    return " ".join(str(text).split())


def format_match_report(matches: Iterable[CampMatch]) -> str:
    """The matches as TSV with a header: article_camp, article_label, museum_camp,
    museum_label, score (two decimals), evidence, decision ("accepted" or "review")."""
    lines = ["\t".join(("article_camp", "article_label", "museum_camp", "museum_label", "score", "evidence", "decision"))]
    for m in matches:
        cells = (
            str(m.article_camp), m.article_label, str(m.museum_camp), m.museum_label,
            f"{m.score:.2f}", m.evidence, "accepted" if m.accepted else "review",
        )  # fmt: skip
        lines.append("\t".join(_cell(c) for c in cells))
    return "\n".join(lines) + "\n"
