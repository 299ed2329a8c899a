"""The 2017 release of the museum's camp data: the master table, one record per camp.

``camps.json`` (shared/data/gulagmap-2017), from the repository ``urbica/gulag-admin`` (file
``db/seeds/data.json``, commit 5c8702e35fbd39dd2fff3d27722394a10830c276), the table from which the
map gulagmap.ru was first built. Richer than the 2018 release: each camp's life (established,
closed, re-opened), its moves with the place, coordinates and year of each, its mergers and
separations, its largest population and the year of it, yearly counts written as text ("43 857",
"500 (?)", "до 4000"), the work its prisoners did, and its page in Memorial's directory.

What this module holds is what is particular to this release; reading, the account of every
record and value, provenance, anomaly checks and matching are the frame's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS, XSD

from ..namespaces import GEO, GK, ID, VOCAB
from . import anomalies as checks
from .core import Anomaly, ImportResult, Ledger, Record, Reject, new_graph
from .graph import Source, Writer
from .gulagmap import (
    MUSEUM, UNSET_TYPE, UNSET_TYPE_NOTE, add_dataset, add_directory_work, add_museum, camp_iri, check_directory,
    english_title,
)  # fmt: skip
from .matching import NameIndex
from .names import clean, is_cyrillic, split_names
from .reading import JsonField, RecordValues, check_value, read_json_array
from .terms import EVENT_TYPE, GKC

__all__ = ["ENTITY_OF", "GRAPH_IRI", "README_QUOTES", "SOURCE", "build", "read", "recognises"]

ORIGIN_REPOSITORY = URIRef("https://github.com/urbica/gulag-admin")
ORIGIN_COMMIT = "5c8702e35fbd39dd2fff3d27722394a10830c276"
ORIGIN_FILE = URIRef(f"https://github.com/urbica/gulag-admin/blob/{ORIGIN_COMMIT}/db/seeds/data.json")
CAMPS_FILE = "camps.json"

#: Verbatim words of the data set's README (shared/data/gulagmap-2017/README.md) with their line.
README_QUOTES: dict[str, tuple[int, str]] = {
    "title": (1, "gulagmap 2017: the museum's master table of camps (an earlier release of the same source)"),
    "museum": (5, "State Museum of GULAG History, Moscow) was first built."),
    "origin": (7, "Origin: public repository `urbica/gulag-admin`, file `db/seeds/data.json` at commit"),
    "commit": (8, "`5c8702e35fbd39dd2fff3d27722394a10830c276` (2017-01-24); sha256 of that file"),
    "ids": (19, "What is in it (493 records, one per camp; ids correspond to the 2018 release's `camp_id`):"),
    "directory-1": (32, "- `links`: the camp's page in Memorial's online edition of M. B. Smirnov (ed.), \"Система"),
    "directory-2": (33, "исправительно-трудовых лагерей в СССР, 1923–1960: справочник\" (Moscow, 1998), the directory"),
    "authority": (34, "that is the authority behind most of these facts."),
    "repeats": (37, "under two ids (224 repeats 7, 129 repeats 6); three camps have other ids in 2018 (3→446,"),
    "renumbered": (38, "500→514, 375→540); for 89 camps the 2018 release gives the same yearly count one year later than"),
}

SOURCE = Source("gulagmap-2017", "gulagmap 2017", (CAMPS_FILE,), README_QUOTES)
GRAPH_IRI = SOURCE.graph

#: Records of this release that describe a camp the 2018 release has under another id, as the
#: data set's README says: two repeats (224 of 7, 129 of 6) and three renumbered camps (3 -> 446,
#: itself a repeat of this release's 446; 500 -> 514; 375 -> 540). All other ids correspond.
ENTITY_OF: dict[int, int] = {224: 7, 129: 6, 3: 446, 500: 514, 375: 540}

TYPES = {"ИТЛ": (GK.CampAdministration, VOCAB["site-type/itl"]), "особый лагерь": (GK.Camp, VOCAB["site-type/special-camp"])}

#: The work fields and the activity concepts they stand for (the 2018 release's lookup names
#: the same twelve activities; "inning" is its "Marsh drainage").
WORK_FIELDS: dict[str, URIRef] = {
    "hydro_building": VOCAB["activity/hydro-construction"],
    "train_building": VOCAB["activity/railroad-construction"],
    "capital_building": VOCAB["activity/capital-construction"],
    "building_plants": VOCAB["activity/industrial-construction"],
    "highways_building": VOCAB["activity/road-construction"],
    "airfield_building": VOCAB["activity/airfield-construction"],
    "mining_industry": VOCAB["activity/mining"],
    "logging": VOCAB["activity/logging"],
    "energy_facilities": VOCAB["activity/power-construction"],
    "agriculture": VOCAB["activity/agriculture"],
    "inning": VOCAB["activity/marsh-drainage"],
    "fuel_industry": VOCAB["activity/fuel-industry"],
}
LIFE_FIELDS = (("year_of_creation", "year_of_closing"), ("year_of_resuming", "year_of_second_closing"),
               ("year_of_repeated_resuming", "year_of_third_closing"))  # fmt: skip
#: (place text, latitude, longitude, year the camp moved there) of the first to fourth location.
LOCATION_FIELDS = (("dislocation", "latitude", "longitude", None),
                   ("second_dislocation", "latitude_2", "longitude_2", "year_of_moving"),
                   ("third_dislocation", "latitude_3", "longitude_3", "year_of_repeated_moving"),
                   ("fourth_dislocation", "latitude_4", "longitude_4", "year_of_third_moving"))  # fmt: skip
MERGER_FIELDS = (("date_of_merger_1", "merger_1", "new_name"), ("date_of_merger_2", "merger_2", "new_name_2"),
                 ("date_of_merger_23", "merger_3", None))  # fmt: skip
SEPARATION_FIELDS = tuple(f"separation_{n}" for n in range(1, 7))
YEARS_COUNTED = range(1923, 1961)

_NUMBER, _TEXT, _YEAR = (int, float, str), (str,), (int, str)
_TITLE = 200  # the longest title of the release has 75 characters
FIELDS: tuple[JsonField, ...] = (
    JsonField("id", (int,)), JsonField("name", multiline=True, max_length=_TITLE),
    JsonField("engname", multiline=True, max_length=_TITLE), JsonField("latitude", _NUMBER), JsonField("longitude", _NUMBER),
    JsonField("add_name", multiline=True, max_length=1000), JsonField("add_names", multiline=True, max_length=1000),
    JsonField("links", max_length=1000), JsonField("dislocation", multiline=True), JsonField("type", max_length=100),
    *(JsonField(f, _YEAR, max_length=20) for pair in LIFE_FIELDS for f in pair),
    JsonField("year_of_moving", _YEAR, max_length=20), JsonField("second_dislocation", multiline=True),
    JsonField("latitude_2", _NUMBER), JsonField("longitude_2", _NUMBER), JsonField("year_of_repeated_moving", _YEAR, max_length=20),
    JsonField("third_dislocation", multiline=True), JsonField("latitude_3", _NUMBER), JsonField("longitude_3", _NUMBER),
    JsonField("year_of_third_moving", _YEAR, max_length=20), JsonField("fourth_dislocation", multiline=True),
    JsonField("latitude_4", _NUMBER), JsonField("longitude_4", _NUMBER),
    JsonField("date_of_merger_1", _YEAR, max_length=20), JsonField("new_name", multiline=True, max_length=500),
    JsonField("merger_1", multiline=True, max_length=500), JsonField("date_of_merger_2", _YEAR, max_length=20),
    JsonField("new_name_2", multiline=True, max_length=500), JsonField("merger_2", multiline=True, max_length=500),
    JsonField("date_of_merger_23", _YEAR, max_length=20), JsonField("merger_3", multiline=True, max_length=500),
    JsonField("date_of_separation", _YEAR, max_length=20),
    *(JsonField(f, multiline=True, max_length=500) for f in SEPARATION_FIELDS),
    JsonField("max_people", (int, str), max_length=40), JsonField("date_if_max_people", _NUMBER, max_length=20),
    *(JsonField(f"people_{y}", (int, str), max_length=60) for y in YEARS_COUNTED),
    *(JsonField(f, multiline=True) for f in WORK_FIELDS),
)  # fmt: skip
_SPEC = {f.name: f for f in FIELDS}

ATTRIBUTION = (
    "Camp data of the State Museum of GULAG History, Moscow, as first published for the map gulagmap.ru "
    f"(repository urbica/gulag-admin, file db/seeds/data.json, commit {ORIGIN_COMMIT}, 2017-01-24), resting "
    'mostly on M. B. Smirnov (ed.), "Система исправительно-трудовых лагерей в СССР, 1923–1960: справочник", '
    "Moscow: Memorial / Zvenya, 1998."
)

#: Values groups of the account (each value of a record is read, imported, skipped or rejected).
COUNTS, MAXIMA, LIFE, PLACES, MERGERS, SEPARATIONS, WORK, LINKS = (
    "yearly counts", "maximum populations", "life years", "locations", "mergers and renamings", "separations",
    "work done", "directory links")  # fmt: skip


def recognises(directory: Path) -> bool:
    return (directory / CAMPS_FILE).is_file() and not (directory / "camps.csv").is_file()


#################################################################
# Values
#################################################################

#: A count as this release writes it: "43857", "43 857", "500 (?)", "до 4000", "6000 (на момент открытия)".
_COUNT = re.compile(r"(?P<upto>до\s+)?(?P<n>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+)\s*(?:\((?P<note>[^()]*)\))?")
#: What the notes in parentheses mean, in English.
COUNT_NOTES = {"?": "the source marks the figure as uncertain (?)", "на момент открытия": "at the camp's opening",
               "плановая": "the planned figure"}  # fmt: skip


@dataclass(frozen=True)
class Count:
    """A count as the release gives it: a value or an upper bound ("до 4000"), and its note."""

    value: int | None
    upper: int | None
    words: str
    note: str | None

    @property
    def figure(self) -> int:
        return self.value if self.value is not None else self.upper


def parse_count(raw) -> Count | None:
    """A count of this release, None for "no data" (empty). Raises ValueError for text that is
    not a count (reason in the message).

    >>> parse_count("43 857").value, parse_count(36313).value, parse_count("до 4000").upper
    (43857, 36313, 4000)
    >>> parse_count("500 (?)").note
    '?'
    """
    if isinstance(raw, int):
        return Count(raw, None, str(raw), None) if raw > 0 else None
    text = clean(raw)
    if not text:
        return None
    match = _COUNT.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a count")
    n = int(re.sub(r"\D", "", match["n"]))
    if n == 0:
        return None
    note = clean(match["note"]) if match["note"] is not None else None
    if match["upto"]:
        return Count(None, n, text, note)
    return Count(n, None, text, note)


def _year(raw, name: str) -> int | None:
    if raw == "" or raw is None:
        return None
    text = str(raw).strip()
    if isinstance(raw, float) or not re.fullmatch(r"[0-9]{4}", text) or not 1917 <= int(text) <= 1991:
        raise ValueError(f"{name}: {raw!r} is not a year")
    return int(text)


#################################################################
# Records
#################################################################


@dataclass(frozen=True)
class Location:
    slot: int  # 1..4
    text: str
    lat: float | None
    lon: float | None
    since: int | None  # the year the camp moved here (None for the first, or when not given)
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    kind: str  # "merger" or "renaming" or "separation"
    slot: int
    year: int | None
    target: str  # the other camp's name, as written ("" for a renaming)
    new_name: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Camp:
    """One record of camps.json, parsed."""

    key: int  # the record's id
    entity: int  # the camp's id (the 2018 release's camp_id)
    record: Record
    label_en: str
    label_ru: str
    alt: tuple[str, ...]
    cls: URIRef
    site_type: URIRef
    page: str | None
    life: tuple[tuple[int | None, int | None, int], ...]  # (opened, closed, slot)
    locations: tuple[Location, ...]
    changes: tuple[Change, ...]
    maximum: Count | None
    maximum_year: int | None
    counts: Mapping[int, Count]
    work: Mapping[str, str]
    notes: tuple[str, ...] = ()

    @property
    def iri(self) -> URIRef:
        return camp_iri(self.entity)

    def spans(self) -> list[tuple[int | None, int | None]]:
        return [(a, b) for a, b, _ in self.life]


_DIRECTORY_PAGE = re.compile(r"https?://(?:www\.)?memo\.ru/history/nkvd/gulag/(r[0-9]+)/(r[0-9]+-[0-9]+)\.htm", re.IGNORECASE)


def _group_of(name: str) -> str:
    if name.startswith("people_"):
        return COUNTS
    if name in ("max_people", "date_if_max_people"):
        return MAXIMA
    if any(name in pair for pair in LIFE_FIELDS):
        return LIFE
    if any(name in slot for slot in LOCATION_FIELDS):
        return PLACES
    if any(name in slot for slot in MERGER_FIELDS):
        return MERGERS
    if name in SEPARATION_FIELDS or name == "date_of_separation":
        return SEPARATIONS
    if name in WORK_FIELDS:
        return WORK
    return LINKS if name == "links" else "other values"


def _parse_record(record: Record, ledger: Ledger) -> Camp:
    v = RecordValues(ledger, record, _SPEC, _group_of)
    key = record.values["id"]
    if check_value(record, _SPEC["id"]) is not None or key <= 0:
        raise Reject(f"id {key!r} is not a whole number", field="id")
    for name in ("name", "engname", "type"):
        problem = check_value(record, _SPEC[name])
        if problem is not None:
            raise Reject(problem, field=name)
    name_ru, name_en = clean(record.values["name"]), clean(record.values["engname"])
    try:
        label_en, notes = english_title(name_en, name_ru)
    except ValueError:
        raise Reject("no title: name and engname are empty", field="name") from None
    kind = clean(record.values["type"])
    if kind and kind not in TYPES:
        raise Reject(f"unknown type {kind!r}", field="type")
    cls, site_type = TYPES.get(kind, UNSET_TYPE)
    if not kind:
        notes += (UNSET_TYPE_NOTE,)
    alt = []
    for name in ("add_name", "add_names"):
        text = v.get(name)
        if text:
            alt += split_names(text, separators=",;\n")
    taken = {name_ru.casefold(), name_en.casefold(), label_en.casefold()}
    alt = tuple(n for n in dict.fromkeys(alt) if n.casefold() not in taken)
    return Camp(
        key=key, entity=ENTITY_OF.get(key, key), record=record, label_en=label_en, label_ru=name_ru, alt=alt,
        cls=cls, site_type=site_type, page=_page(v), life=_life(v), locations=_locations(v), changes=_changes(v),
        maximum=_maximum(v), maximum_year=_max_year(v), counts=_counts(v),
        work=_work(v), notes=notes,
    )  # fmt: skip


def _page(v: RecordValues) -> str | None:
    link = v.get("links")
    if not link:
        return None
    link = link.strip()
    if _DIRECTORY_PAGE.fullmatch(link):
        v.take(LINKS)
        return link
    where = "the directory's index, not a camp's page" if "memo.ru" in link else "not a page of Memorial's directory"
    v.skip(LINKS, "links", f"links: {link} is {where}; not recorded as the camp's directory page.")
    return None


def _life(v: RecordValues) -> tuple[tuple[int | None, int | None, int], ...]:
    spans = []
    for slot, (opened_field, closed_field) in enumerate(LIFE_FIELDS, start=1):
        years = []
        for name in (opened_field, closed_field):
            raw = v.get(name)
            try:
                year = _year(raw, name) if raw is not None else None
            except ValueError as exc:
                v.reject(LIFE, name, str(exc))
                year = None
            else:
                if year is not None:
                    v.take(LIFE)
            years.append(year)
        if years != [None, None]:
            spans.append((years[0], years[1], slot))
    return tuple(spans)


def _coordinate(v: RecordValues, name: str, limit: int) -> float | None:
    raw = v.get(name)
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        v.reject(PLACES, name, f"{name}: {raw!r} is not a number")
        return None
    if not -limit <= raw <= limit:
        v.reject(PLACES, name, f"{name} {raw} out of range [-{limit}, {limit}]")
        return None
    return float(raw)


def _locations(v: RecordValues) -> tuple[Location, ...]:
    out = []
    for slot, (text_field, lat_field, lon_field, year_field) in enumerate(LOCATION_FIELDS, start=1):
        text = clean(v.get(text_field) or "")
        lat, lon = _coordinate(v, lat_field, 90), _coordinate(v, lon_field, 180)
        since = None
        if year_field is not None:
            raw = v.get(year_field)
            if raw not in (None, ""):
                if clean(str(raw)) == "нет данных":
                    v.skip(PLACES, year_field, f"{year_field}: 'нет данных' (no data): the year of this move is not known.")
                else:
                    try:
                        since = _year(raw, year_field)
                    except ValueError as exc:
                        v.reject(PLACES, year_field, str(exc))
        if (lat is None) != (lon is None):
            given = lat_field if lat is not None else lon_field
            v.reject(PLACES, given, f"{given}: a coordinate without its pair ({lat_field}/{lon_field}); the place is "
                                    "imported without coordinates")
            lat = lon = None
        if not text and lat is None:
            continue
        v.take(PLACES)
        fields = tuple(f for f in (text_field, lat_field, lon_field, year_field) if f and v.record.values.get(f) not in ("", None))
        out.append(Location(slot, text, lat, lon, since, fields))
    return tuple(out)


def _changes(v: RecordValues) -> tuple[Change, ...]:
    out = []
    for slot, (date_field, target_field, name_field) in enumerate(MERGER_FIELDS, start=1):
        target = clean(v.get(target_field) or "")
        new_name = clean(v.get(name_field) or "") if name_field else ""
        raw = v.get(date_field)
        if not (target or new_name):
            if raw not in (None, ""):
                v.skip(MERGERS, date_field, f"{date_field}: a year ({raw}) with no camp merged into and no new name.")
            continue
        try:
            year = _year(raw, date_field) if raw is not None else None
        except ValueError as exc:
            v.reject(MERGERS, date_field, str(exc))
            year = None
        v.take(MERGERS)
        fields = tuple(f for f in (date_field, target_field, name_field) if f and v.record.values.get(f))
        out.append(Change("merger" if target else "renaming", slot, year, target, new_name, fields))
    raw = v.get("date_of_separation")
    try:
        year = _year(raw, "date_of_separation") if raw is not None else None
    except ValueError as exc:
        v.reject(SEPARATIONS, "date_of_separation", str(exc))
        year = None
    for slot, name in enumerate(SEPARATION_FIELDS, start=1):
        target = clean(v.get(name) or "")
        if target:
            v.take(SEPARATIONS)
            out.append(Change("separation", slot, year, target, "", (name, "date_of_separation")))
    return tuple(out)


def _maximum(v: RecordValues) -> Count | None:
    raw = v.get("max_people")
    if raw is None:
        return None
    try:
        count = parse_count(raw)
    except ValueError as exc:
        v.reject(MAXIMA, "max_people", f"max_people: {exc}")
        return None
    if count is not None:
        v.take(MAXIMA)
    return count


def _max_year(v: RecordValues) -> int | None:
    raw = v.record.values.get("date_if_max_people")
    if raw in ("", None) or check_value(v.record, _SPEC["date_if_max_people"]) is not None:
        return None
    try:
        return _year(raw, "date_if_max_people")
    except ValueError as exc:
        v.reject(MAXIMA, "date_if_max_people", f"{exc}; the maximum is imported without a year")
        return None


def _counts(v: RecordValues) -> dict[int, Count]:
    out = {}
    for year in YEARS_COUNTED:
        name = f"people_{year}"
        raw = v.get(name)
        if raw is None or raw == "":
            continue
        try:
            count = parse_count(raw)
        except ValueError as exc:
            v.reject(COUNTS, name, f"{name}: {exc}")
            continue
        if count is None:
            v.skip(COUNTS)
            continue
        if count.note is not None and count.note not in COUNT_NOTES:
            v.ledger.notice(v.record.file, v.record.line_of(name), f"{name}: the note ({count.note}) is kept in Russian.")
        v.take(COUNTS)
        out[year] = count
    return out


def _work(v: RecordValues) -> dict[str, str]:
    out = {}
    for name in WORK_FIELDS:
        text = clean(v.get(name) or "")
        if text:
            v.take(WORK)
            out[name] = text
    return out


#################################################################
# The import
#################################################################


@dataclass(frozen=True)
class Parsed:
    """The records of the release, by record id."""

    camps: Mapping[int, Camp]

    def by_entity(self) -> dict[int, list[Camp]]:
        out: dict[int, list[Camp]] = defaultdict(list)
        for camp in self.camps.values():
            out[camp.entity].append(camp)
        return out

    def life(self) -> dict[int, list[tuple[int | None, int | None]]]:
        """Camp id -> the spans of years it existed, as the release gives them (spans that end
        before they start are left out: they are flagged as such)."""
        out: dict[int, list[tuple[int | None, int | None]]] = defaultdict(list)
        for camp in self.camps.values():
            for a, b in camp.spans():
                if (a, b) not in out[camp.entity] and (a is None or b is None or a <= b):
                    out[camp.entity].append((a, b))
        return out


def parse(directory: Path, ledger: Ledger) -> Parsed:
    check_directory(directory, SOURCE.files)
    read = read_json_array(directory / CAMPS_FILE, FIELDS)
    for rejection in read.rejections:
        ledger.reject(CAMPS_FILE, rejection)
    camps = ledger.process(CAMPS_FILE, read.records, lambda r: _parse_record(r, ledger),
                           key=lambda r: r.values["id"] if isinstance(r.values["id"], int) else repr(r.values["id"]),
                           key_field="id")
    return Parsed(camps)


def _figures(parsed: Parsed) -> list[checks.Figure]:
    return [checks.Figure(c.entity, year, n.figure, count_iri(c, year), c.record, f"people_{year}")
            for c in parsed.camps.values() for year, n in c.counts.items()]


def count_iri(camp: Camp, year: int) -> URIRef:
    return ID[f"claim/prisoner-population-gulagmap-2017-{camp.entity}-{year}-r{camp.key}"]


def maximum_iri(camp: Camp) -> URIRef:
    return ID[f"claim/max-prisoner-population-gulagmap-2017-{camp.entity}-r{camp.key}"]


def place_iri(camp: Camp, slot: int) -> URIRef:
    return ID[f"place/gulagmap-2017-location-{camp.key}-{slot}"]


def _claim(camp: Camp, kind: str, suffix: str | int = "") -> URIRef:
    return ID[f"claim/{kind}-gulagmap-2017-{camp.entity}-r{camp.key}" + (f"-{suffix}" if suffix != "" else "")]


def _event(camp: Camp, kind: str, suffix: str | int = "") -> URIRef:
    return ID[f"event/gulagmap-2017-r{camp.key}-{kind}" + (f"-{suffix}" if suffix != "" else "")]


def _period(start: int | None, end: int | None) -> str | None:
    if start is None and end is None:
        return None
    if start is not None and end is not None:
        return str(start) if start == end else f"{start}/{end}"
    return f"{start}/" if start is not None else f"/{end}"


class _Builder:
    def __init__(self, w: Writer, parsed: Parsed, index: NameIndex, secondary_labels: Mapping[int, str]) -> None:
        self.w, self.g, self.parsed, self.index = w, w.graph, parsed, index
        self.secondary_labels = secondary_labels
        self.anomalies: list[Anomaly] = []
        self.primary = {c.entity for c in parsed.camps.values() if c.key == c.entity}

    def camp(self, c: Camp) -> None:
        g, w, iri = self.g, self.w, c.iri
        notes = list(c.notes)
        if c.entity in self.secondary_labels:  # the other release's label names the camp's events and places
            c = replace(c, label_en=self.secondary_labels[c.entity], alt=(c.label_en, *c.alt)) if c.label_en != self.secondary_labels[c.entity] else c
        as_alt = c.entity in self.secondary_labels or (c.key != c.entity and c.entity in self.primary)
        if c.key != c.entity:
            notes.append(f"Record {c.key} of the 2017 release describes this camp, id {c.entity} in the 2018 release "
                         f"({'a repeat of record ' + str(c.entity) if c.entity in self.primary else 'renumbered'}, as "
                         "the data set's README says).")
        for cls in (c.cls,):
            g.add((iri, rdflib.RDF.type, cls))
        if as_alt:  # another record or release labels the camp: these names are other names
            primary = self.parsed.camps.get(c.entity)
            taken = {self.secondary_labels.get(c.entity)} | ({primary.label_en, primary.label_ru} if primary else set())
            for text, lang in ((c.label_en, "en"), (c.label_ru, "ru")):
                if text not in taken:
                    g.add((iri, SKOS.altLabel, Literal(text, lang=lang)))
        else:
            w.labels(iri, c.label_en, c.label_ru)
        for name in c.alt:
            g.add((iri, SKOS.altLabel, Literal(name, lang="ru" if is_cyrillic(name) else "en")))
        g.add((iri, GK.siteType, c.site_type))
        w.generated(iri, notes)
        w.evidence(iri, c.record, "name")
        if c.key != c.entity:
            w.readme_evidence(iri, "repeats" if c.entity in self.primary else "renumbered")
        if c.page:
            g.add((iri, GKC.memorialDirectoryPage, URIRef(c.page)))
            g.add((iri, GKC.memorialDirectoryId, Literal(_DIRECTORY_PAGE.fullmatch(c.page).group(2).lower())))
            w.evidence(iri, c.record, "links")
        for name, text in c.work.items():
            g.add((iri, GK.activity, WORK_FIELDS[name]))
            w.claim(_claim(c, "work-done", name.replace("_", "-")), subject=iri, prop=GKC.workDone, record=c.record,
                    fields=(name,), value=WORK_FIELDS[name], claimant=MUSEUM, qualifier=Literal(text, lang="ru"))
        self.life(c)
        self.locations(c)
        self.changes(c)
        self.figures(c)

    def life(self, c: Camp) -> None:
        iri = c.iri
        for opened, closed, slot in c.life:
            fields = LIFE_FIELDS[slot - 1]
            if opened is not None and closed is not None and closed < opened:
                self.anomalies.append(Anomaly(c.record.file, c.record.line_of(fields[1]), "dates-out-of-order", iri,
                                              f"The camp closes ({closed}) before it opens ({opened}): {fields[0]} {opened}, "
                                              f"{fields[1]} {closed}; no period of existence is made of them.",
                                              ((c.record, fields[0]), (c.record, fields[1]))))
            else:
                self.w.claim(_claim(c, "existence", slot), subject=iri, prop=GK.existence, record=c.record, fields=fields,
                             value=iri, period=_period(opened, closed), claimant=MUSEUM)
            kind = "established" if slot == 1 else "reopened"
            if opened is not None:
                self.w.event(_event(c, kind, slot), kind=EVENT_TYPE["establishment" if slot == 1 else "reopening"],
                             label=f"{'Establishment' if slot == 1 else 'Re-opening'} of {c.label_en}", involved=(iri,),
                             date_=str(opened), record=c.record, fields=(fields[0],))
            if closed is not None:
                self.w.event(_event(c, "closed", slot), kind=EVENT_TYPE["closure"], label=f"Closure of {c.label_en}",
                             involved=(iri,), date_=str(closed), record=c.record, fields=(fields[1],))

    def locations(self, c: Camp) -> None:
        g, w, iri = self.g, self.w, c.iri
        first = min((a for a, _b, _s in c.life if a is not None), default=None)
        last = max((b for _a, b, _s in c.life if b is not None), default=None)
        starts = [loc.since if loc.slot > 1 else first for loc in c.locations]
        for i, loc in enumerate(c.locations):
            place = place_iri(c, loc.slot)
            notes = ["The source describes this place in Russian only; the English label is the importer's."]
            w.entity(place, (GK.Place,), c.record, *loc.fields, en=f"Location {loc.slot} of {c.label_en}", ru=loc.text, notes=notes)
            if loc.lat is not None:
                g.add((place, GEO.lat, Literal(repr(loc.lat), datatype=XSD.decimal)))
                g.add((place, GEO.long, Literal(repr(loc.lon), datatype=XSD.decimal)))
            g.add((iri, GK.location, place))
            end = starts[i + 1] if i + 1 < len(c.locations) else last
            start = starts[i]
            period = _period(start, end) if start is None or end is None or start <= end else None
            w.claim(_claim(c, "located-in", loc.slot), subject=iri, prop=GK.locatedIn, record=c.record, fields=loc.fields,
                    value=place, period=period, claimant=MUSEUM)
            if loc.slot > 1:
                w.event(_event(c, "moved", loc.slot), kind=EVENT_TYPE["relocation"], label=f"Move of {c.label_en}",
                        involved=(iri,), date_=str(loc.since) if loc.since else None, record=c.record, fields=loc.fields,
                        location=place)

    def changes(self, c: Camp) -> None:
        w, iri = self.w, c.iri
        separated: list[URIRef] = []
        for ch in c.changes:
            period = str(ch.year) if ch.year else None
            if ch.kind == "renaming":
                w.claim(_claim(c, "renamed-to", ch.slot), subject=iri, prop=GKC.renamedTo, record=c.record, fields=ch.fields,
                        value=Literal(ch.new_name, lang="ru"), period=period, claimant=MUSEUM)
                w.event(_event(c, "renamed", ch.slot), kind=EVENT_TYPE["renaming"], label=f"Renaming of {c.label_en}",
                        involved=(iri,), date_=period, record=c.record, fields=ch.fields)
                continue
            ref = self.index.resolve(ch.target, year=ch.year, own=c.entity)
            value = camp_iri(ref.camp) if ref.camp is not None else Literal(ch.target, lang="ru")
            prop, kind = (GKC.mergedInto, "merged-into") if ch.kind == "merger" else (GKC.splitOff, "split-off")
            qualifier = Literal(f"new name: {ch.new_name}", lang="ru") if ch.new_name else None
            notes = [f"The source names the camp {ch.target!r}; {ref.why}."] if ref.why and ref.camp is not None else []
            claim = w.claim(_claim(c, kind, ch.slot), subject=iri, prop=prop, record=c.record, fields=ch.fields,
                            value=value, period=period, claimant=MUSEUM, qualifier=qualifier, notes=notes)
            if ref.camp is None:
                field = ch.fields[0] if ch.kind == "separation" else ch.fields[1] if len(ch.fields) > 1 else ch.fields[0]
                kind_of = "ambiguous-reference" if ref.candidates else "unresolved-reference"
                shown = f" (camps {', '.join(map(str, ref.candidates))})" if ref.candidates else ""
                self.anomalies.append(Anomaly(c.record.file, c.record.line_of(field), kind_of, claim,
                                              f"{'Merged into' if ch.kind == 'merger' else 'Separated'} {ch.target!r}: {ref.why}{shown}; "
                                              "kept as the source's words.", ((c.record, field),)))
            if ch.kind == "merger":
                involved = (iri,) + ((camp_iri(ref.camp),) if ref.camp is not None else ())
                w.event(_event(c, "merged", ch.slot), kind=EVENT_TYPE["merger"], label=f"Merger of {c.label_en}",
                        involved=involved, date_=period, record=c.record, fields=ch.fields)
            elif ref.camp is not None:
                separated.append(camp_iri(ref.camp))
        seps = [ch for ch in c.changes if ch.kind == "separation"]
        if seps:
            period = str(seps[0].year) if seps[0].year else None
            w.event(_event(c, "separation"), kind=EVENT_TYPE["separation"], label=f"Separation of camps from {c.label_en}",
                    involved=(iri, *separated), date_=period, record=c.record,
                    fields=tuple(dict.fromkeys(f for ch in seps for f in ch.fields)))

    def figures(self, c: Camp) -> None:
        w, iri = self.w, c.iri
        if c.maximum is not None:
            fields = ("max_people", "date_if_max_people") if c.maximum_year else ("max_people",)
            w.claim(maximum_iri(c), subject=iri, prop=GK.prisonerPopulation, record=c.record, fields=fields,
                    value=Literal(c.maximum.value, datatype=XSD.integer) if c.maximum.value is not None else None,
                    upper=c.maximum.upper, unit=VOCAB["unit/people"], period=str(c.maximum_year) if c.maximum_year else None,
                    claimant=MUSEUM, qualifier=Literal("the camp's largest population, as the source gives it (max_people)", lang="en"))
        for year, n in c.counts.items():
            note = n.note
            stance = VOCAB["stance/approximate"] if note == "?" else VOCAB["stance/asserted"]
            reason = COUNT_NOTES.get(note) if note else None
            w.claim(count_iri(c, year), subject=iri, prop=GK.prisonerPopulation, record=c.record, fields=(f"people_{year}",),
                    value=Literal(n.value, datatype=XSD.integer) if n.value is not None else None, upper=n.upper,
                    unit=VOCAB["unit/people"], period=str(year), claimant=MUSEUM, stance=stance,
                    qualifier=Literal(n.words, lang="ru") if n.words != str(n.figure) and not re.fullmatch(r"[0-9 ]+", n.words) else None,
                    stance_reason=(f"The source writes {n.words!r}: " + reason + ".") if reason else
                                  (f"The source writes {n.words!r}: at most {n.upper:,}." if n.upper is not None else None))


def _anomalies(parsed: Parsed) -> list[Anomaly]:
    figures = _figures(parsed)
    found = checks.duplicate_figures(figures) + checks.outlying_figures(figures)
    maxima = {}
    for c in parsed.camps.values():
        if c.maximum is not None and c.maximum.value is not None:
            maxima.setdefault(c.entity, (c.maximum.value, c.record, "max_people"))
    found += checks.figures_above_maximum([f for f in figures if f.record is maxima.get(f.site, (0, None))[1]], maxima)
    found += checks.figures_outside_life(figures, parsed.life())
    positions = [checks.Position(c.entity, place_iri(c, loc.slot), loc.lat, loc.lon, c.record, None,
                                 LOCATION_FIELDS[loc.slot - 1][1:3])
                 for c in parsed.camps.values() for loc in c.locations if loc.lat is not None]
    return found + checks.position_anomalies(positions)


def read(directory: Path) -> tuple[Parsed, Ledger]:
    ledger = Ledger()
    return parse(Path(directory), ledger), ledger


def figures(parsed: Parsed) -> list[checks.Figure]:
    return _figures(parsed)


def build(directory: Path, parsed: Parsed, ledger: Ledger, *, tool_version: str, imported_on: date,
          other_names: Mapping[int, tuple[str, ...]] | None = None,
          secondary_labels: Mapping[int, str] | None = None) -> tuple[ImportResult, Writer]:
    """The graph of the release (the named graph :data:`GRAPH_IRI`).

    ``other_names`` (camp id -> names, e.g. of the 2018 release) widens the names that mergers and
    separations are resolved against; for the camps in ``secondary_labels`` (camp id -> the English
    label another release gives it) this release's names are written as ``skos:altLabel``, so that
    a camp has one label per language, and that label names its events and places.
    """
    directory = Path(directory)
    index = NameIndex()
    for c in parsed.camps.values():
        index.add(c.entity, (c.label_ru, c.label_en, *c.alt), c.spans())
    for camp, names in (other_names or {}).items():
        index.add(camp, names)
    w = Writer(new_graph(GRAPH_IRI), SOURCE, imported_on)
    add_dataset(
        w, origin=ORIGIN_REPOSITORY, derived_from=ORIGIN_FILE, version=ORIGIN_COMMIT, modified="2017-01-24",
        attribution=ATTRIBUTION, quotes=("title", "origin", "commit"),
        comment=("The museum's master table of camps, one record per camp: names, types, locations and moves, "
                 "years of establishment, closing and re-opening, mergers and separations, the largest "
                 "population and yearly counts, the work done, and the camp's page in Memorial's directory "
                 "(schema:citation). The authored texts of the original file are left out."),
    )  # fmt: skip
    w.file(directory / CAMPS_FILE, label="camps.json of the gulagmap 2017 data")
    w.readme("shared/data/gulagmap-2017")
    add_museum(w, "museum")
    add_directory_work(w, "directory-1", "directory-2", "authority")
    builder = _Builder(w, parsed, index, secondary_labels or {})
    for c in parsed.camps.values():
        builder.camp(c)
    w.import_activity(tool_version=tool_version, counts=ledger.counts() + ledger.counts("values"))
    found = sorted(builder.anomalies + _anomalies(parsed))
    for a in found:
        w.anomaly(a)
    result = ImportResult(
        source=SOURCE.slug, graph=w.graph, files=ledger.counts(), values=ledger.counts("values"),
        rejections=tuple(sorted(ledger.rejections)), notices=tuple(sorted(ledger.notices)), anomalies=tuple(found),
    )  # fmt: skip
    return result, w
