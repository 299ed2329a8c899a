"""Scoring a Wikidata candidate against one of our entities, with the evidence in words.

Four signals, each from 0 to 1:

* **label**: the best similarity between any of our labels (English, Russian, alternative) and
  any of the item's labels and aliases (1 only for the same text after normalising case,
  accents and punctuation; an alias or alternative label counts 0.95 of a label);
* **type**: 1 when the item is an instance (``P31``) of a subclass (``P279*``) of a class
  expected for our kind of entity (:func:`default_classes`, from the verified table
  ``wikidata-ids.tsv``, or ``--classes``), 0 when it has ``P31`` but none of them fits, not
  computed when no class is expected for the kind;
* **dates**: per kind of date (start, end, point in time, birth, death, publication) 1 when a
  Wikidata value overlaps ours at their precisions, 0.5 when less than a year apart, 0 otherwise;
  averaged;
* **coordinates**: 1 within 10 km, 0 from 200 km, linear between.

A signal with nothing to compare counts 0.5 (neither for nor against). The score is
``0.6 label + 0.2 type + 0.1 dates + 0.1 coordinates``.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

from ..errors import InputError
from .ours import LINK_TYPES, OurDate, OurEntity
from .wikibase import QID, WikidataItem, WikiTime, verified_ids

WEIGHTS = {"label": 0.6, "type": 0.2, "dates": 0.1, "coordinates": 0.1}
NEUTRAL = 0.5
ALIAS_FACTOR = 0.95

_EXPECTED_CLASS = re.compile(r"\bexpected class: ([a-z]+)\b")


def default_classes() -> dict[str, tuple[tuple[str, str], ...]]:
    """The Wikidata classes expected for each kind of entity, as (qid, label) pairs: the rows of
    the verified table ``wikidata-ids.tsv`` whose ``used_for`` says ``expected class: <kind>``.

    An item fits a kind when it is an instance of a subclass (``P31/P279*``) of one of them.
    A kind without a verified class has none here: its type signal is not computed (neutral)
    until ``--classes FILE`` (columns type, qid, label) gives classes for it.
    """
    out: dict[str, list[tuple[str, str]]] = {}
    for row in verified_ids().values():
        for kind in _EXPECTED_CLASS.findall(row.used_for):
            if row.kind == "class" and kind in LINK_TYPES:
                out.setdefault(kind, []).append((row.id, row.label))
    return {kind: tuple(out[kind]) for kind in LINK_TYPES if kind in out}


#: Which Wikidata time properties say the same as each kind of date of ours (first found wins).
ROLE_PROPERTIES: dict[str, tuple[str, ...]] = {
    "start": ("P571", "P580"),
    "end": ("P576", "P582"),
    "point": ("P585", "P580", "P571", "P577"),
    "birth": ("P569",),
    "death": ("P570",),
    "published": ("P577",),
}
PROPERTY_NAMES = {
    "P569": "date of birth", "P570": "date of death", "P571": "inception", "P576": "dissolved",
    "P577": "publication date", "P580": "start time", "P582": "end time", "P585": "point in time",
    "P1120": "number of deaths", "P31": "instance of", "P625": "coordinate location",
}


def read_classes(path: Path | str) -> dict[str, tuple[tuple[str, str], ...]]:
    """Expected classes from a TSV file with the header ``type qid label``; kinds it does not
    mention keep their defaults (:func:`default_classes`)."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            if reader.fieldnames is None or [f.strip() for f in reader.fieldnames[:3]] != ["type", "qid", "label"]:
                raise InputError(str(path), "header must be: type, qid, label (tab-separated)", line=1)
            found: dict[str, list[tuple[str, str]]] = {}
            for row in reader:
                kind, qid = (row["type"] or "").strip(), (row["qid"] or "").strip()
                if kind not in LINK_TYPES:
                    raise InputError(str(path), f"unknown type {kind!r}; use one of {', '.join(LINK_TYPES)}", line=reader.line_num)
                if not QID.match(qid):
                    raise InputError(str(path), f"{qid!r} is not a Wikidata item id", line=reader.line_num)
                found.setdefault(kind, []).append((qid, (row["label"] or "").strip()))
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    return {**default_classes(), **{k: tuple(v) for k, v in found.items()}}


# --- labels -----------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_label(text: str) -> str:
    """Case, accents, punctuation and a leading "the" removed.

    >>> normalise_label("The Gulag  Archipelago!")
    'gulag archipelago'
    >>> normalise_label("Cernăuți")
    'cernauti'
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NON_WORD.sub(" ", text).strip()
    return text[4:] if text.startswith("the ") else text


def label_similarity(a: str, b: str) -> float:
    """1.0 for the same normalised text; else the better of the character-sequence ratio and the
    word overlap, scaled to stay below 1.

    >>> label_similarity("Norillag", "NORILLAG")
    1.0
    >>> label_similarity("Norillag", "Norilsk") < 0.8
    True
    """
    na, nb = normalise_label(a), normalise_label(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ta, tb = set(na.split()), set(nb.split())
    words = len(ta & tb) / len(ta | tb)
    return round(max(SequenceMatcher(None, na, nb).ratio(), words) * 0.95, 4)


@dataclass(frozen=True)
class LabelMatch:
    score: float
    ours: str
    ours_lang: str
    theirs: str
    theirs_lang: str
    theirs_alias: bool

    def words(self) -> str:
        side = "alias" if self.theirs_alias else "label"
        if normalise_label(self.ours) == normalise_label(self.theirs):
            return f"{side} {self.theirs!r}@{self.theirs_lang or '-'} = ours {self.ours!r}@{self.ours_lang or '-'}"
        return f"{side} {self.theirs!r}@{self.theirs_lang or '-'} ~ ours {self.ours!r}@{self.ours_lang or '-'} ({self.score:.2f})"


def best_label_match(entity: OurEntity, item: WikidataItem) -> LabelMatch | None:
    best = None
    ours = [(t, lang, False) for t, lang in entity.labels] + [(t, lang, True) for t, lang in entity.alt_labels]
    for text, lang, our_alt in ours:
        for theirs, their_lang, alias in item.all_labels():
            s = label_similarity(text, theirs) * (ALIAS_FACTOR if (alias or our_alt) else 1.0)
            candidate = LabelMatch(round(s, 4), text, lang, theirs, their_lang, alias)
            if best is None or candidate.score > best.score:
                best = candidate
    return best


# --- dates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateComparison:
    role: str
    ours: OurDate
    pid: str
    theirs: WikiTime
    verdict: str          # agrees, close (less than a year apart), differs
    gap_days: int
    gap_years: int        # between the year numbers of the nearest ends (1953 and 1955: 2)

    def gap(self) -> str:
        """How far apart, in words: days below a year, years above."""
        if self.gap_days < 365:
            return f"{self.gap_days} day(s) apart"
        return f"{self.gap_years} years apart"

    def words(self) -> str:
        name = f"{PROPERTY_NAMES.get(self.pid, self.pid)} ({self.pid}) {self.theirs.text()}"
        if self.verdict == "agrees":
            return f"{name} agrees with {self.ours.source}"
        return f"{name} {'is within a year of' if self.verdict == 'close' else 'differs from'} {self.ours.source} ({self.gap()})"


def _gap(a: tuple[date, date], b: tuple[date, date]) -> tuple[int, int]:
    """Days and year numbers between two intervals of days (0, 0 when they overlap)."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days, b[0].year - a[1].year
    if b[1] < a[0]:
        return (a[0] - b[1]).days, a[0].year - b[1].year
    return 0, 0


def compare_dates(dates: Iterable[OurDate], item: WikidataItem) -> list[DateComparison]:
    """For each kind of date we have, the closest Wikidata value of the matching property."""
    out = []
    by_role: dict[str, list[OurDate]] = {}
    for d in dates:
        by_role.setdefault(d.role, []).append(d)
    for role, ours in sorted(by_role.items()):
        for pid in ROLE_PROPERTIES[role]:
            values = item.times.get(pid, ())
            if not values:
                continue
            best = None
            for d in ours:
                for t in values:
                    gap = _gap((d.first, d.last), t.bounds())
                    if best is None or gap < best[0]:
                        best = (gap, d, t)
            (days, years), d, t = best
            verdict = "agrees" if days == 0 else ("close" if days < 365 else "differs")
            out.append(DateComparison(role, d, pid, t, verdict, days, years))
            break
    return out


# --- coordinates --------------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6371 km.

    >>> round(distance_km(55.75, 37.62, 59.94, 30.31))   # Moscow to St Petersburg
    635
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def closest_coordinates(entity: OurEntity, item: WikidataItem) -> tuple[float, tuple[float, float, str], tuple[float, float]] | None:
    best = None
    for lat, lon, via in entity.coordinates:
        for wlat, wlon in item.coordinates:
            d = distance_km(lat, lon, wlat, wlon)
            if best is None or d < best[0]:
                best = (d, (lat, lon, via), (wlat, wlon))
    return best


def coordinate_score(km: float) -> float:
    if km <= 10:
        return 1.0
    if km >= 200:
        return 0.0
    return round(1 - (km - 10) / 190, 4)


# --- the score ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    total: float
    label: float
    type: float | None
    dates: float | None
    coordinates: float | None
    evidence: tuple[str, ...]

    def words(self) -> str:
        return "; ".join(self.evidence)


def describe_class(qid: str, labels: Mapping[str, str]) -> str:
    return f"{qid} ({labels[qid]})" if labels.get(qid) else qid


def score_candidate(entity: OurEntity, item: WikidataItem, *, type_matches: set[str],
                    expected: tuple[tuple[str, str], ...], class_labels: Mapping[str, str]) -> Score:
    """The score of ``item`` as the Wikidata item of ``entity``, with the evidence in words."""
    evidence = []
    match = best_label_match(entity, item)
    label = match.score if match else 0.0
    evidence.append(match.words() if match else "no label to compare")

    names = {q: n for q, n in expected}
    if not expected:
        kind: float | None = None
        evidence.append(f"type not compared: no verified Wikidata class is expected for {entity.type} "
                        f"(give them with --classes)")
    elif type_matches:
        fits = ", ".join(f"{q} ({names.get(q) or class_labels.get(q, '')})".replace(" ()", "") for q in sorted(type_matches))
        kind = 1.0
        evidence.append(f"instance of {', '.join(describe_class(c, class_labels) for c in item.instance_of[:3])}, "
                        f"a kind of {fits} (expected for {entity.type})")
    elif item.instance_of:
        kind = 0.0
        evidence.append(f"instance of {', '.join(describe_class(c, class_labels) for c in item.instance_of[:3])}: "
                        f"not a kind of any class expected for {entity.type}")
    else:
        kind = None
        evidence.append("no instance of (P31) to compare")

    comparisons = compare_dates(entity.dates, item)
    if comparisons:
        per_role: dict[str, float] = {}
        for c in comparisons:
            value = {"agrees": 1.0, "close": 0.5, "differs": 0.0}[c.verdict]
            per_role[c.role] = max(per_role.get(c.role, 0.0), value)
            evidence.append(c.words())
        dates: float | None = round(sum(per_role.values()) / len(per_role), 4)
    else:
        dates = None

    closest = closest_coordinates(entity, item)
    if closest:
        km, (_, _, via), (wlat, wlon) = closest
        coordinates: float | None = coordinate_score(km)
        where = f" (ours via {via})" if via else ""
        evidence.append(f"coordinates {wlat:.4f}, {wlon:.4f} are {km:.1f} km from ours{where}")
    else:
        coordinates = None

    total = (WEIGHTS["label"] * label
             + WEIGHTS["type"] * (NEUTRAL if kind is None else kind)
             + WEIGHTS["dates"] * (NEUTRAL if dates is None else dates)
             + WEIGHTS["coordinates"] * (NEUTRAL if coordinates is None else coordinates))
    if item.redirect:
        evidence.append(f"redirects to {item.redirect}")
    return Score(round(total, 3), label, kind, dates, coordinates, tuple(evidence))
