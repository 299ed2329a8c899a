"""What Wikidata says about items, read through either of its public protocols.

* :class:`SparqlWikibase` talks to a SPARQL endpoint holding Wikidata's RDF (the Query Service,
  or any server loaded with data in Wikidata's vocabulary: ``wd:``, ``wdt:``, ``p:``/``ps:``/
  ``psv:``/``pq:``/``pqv:``, ``rdfs:label``, ``skos:altLabel``, ``schema:description``,
  ``wikibase:`` value nodes). Label searches are exact and batched (``VALUES`` of many labels
  per query); item details are batched by item.
* :class:`ApiWikibase` talks to a MediaWiki Action API with Wikibase (``wbsearchentities`` for
  fuzzy label search, ``wbgetentities`` for details, batches of 50 ids).

Both give the same :class:`WikidataItem` records, so scoring and checking do not care which
one answered. :class:`Wikibase` combines them: candidates come from every source given, details
from the SPARQL endpoint when there is one, else from the API.
"""

from __future__ import annotations

import calendar
import csv
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType

import pyoxigraph as ox

from ..errors import GulagKgError, InputError
from .http import HttpClient, NetworkError

WD = "http://www.wikidata.org/entity/"
QID = re.compile(r"^Q[1-9][0-9]*$")

#: The Wikidata ids this package uses, each with its label and the public evidence that pairs
#: the two (see README.md beside it). Ids recalled from memory are wrong surprisingly often; an
#: id missing from this table is not used (a test checks the source).
WIKIDATA_IDS_FILE = Path(__file__).with_name("wikidata-ids.tsv")
_ID_COLUMNS = ["id", "label", "kind", "used_for", "evidence"]
_ID_KINDS = ("class", "property", "item")
_WIKIDATA_ID = re.compile(r"^[QP][1-9][0-9]*$")


@dataclass(frozen=True)
class WikidataId:
    """One row of :data:`WIKIDATA_IDS_FILE`."""

    id: str
    label: str
    kind: str        # class, property or item
    used_for: str
    evidence: str    # where the id was seen paired with its label


@functools.cache
def verified_ids() -> Mapping[str, WikidataId]:
    """The verified Wikidata ids of :data:`WIKIDATA_IDS_FILE`, by id (read once)."""
    path = WIKIDATA_IDS_FILE
    out: dict[str, WikidataId] = {}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            if next(reader, None) != _ID_COLUMNS:
                raise InputError(str(path), f"header must be: {', '.join(_ID_COLUMNS)} (tab-separated)", line=1)
            for cells in reader:
                if len(cells) != len(_ID_COLUMNS) or not all(c.strip() for c in cells):
                    raise InputError(str(path), f"{len(_ID_COLUMNS)} non-empty cells expected", line=reader.line_num)
                row = WikidataId(*(c.strip() for c in cells))
                if not _WIKIDATA_ID.match(row.id) or row.id in out:
                    raise InputError(str(path), f"{row.id!r} is not a Wikidata id, or is listed twice", line=reader.line_num)
                if row.kind not in _ID_KINDS or (row.kind == "property") != row.id.startswith("P"):
                    raise InputError(str(path), f"kind {row.kind!r} does not fit {row.id}", line=reader.line_num)
                out[row.id] = row
    except FileNotFoundError:
        raise InputError(str(path), "no such file; it ships with gulag_kg.linking (package data)") from None
    return MappingProxyType(out)


def verified_label(wid: str) -> str:
    """The label of a verified id.

    >>> verified_label("P31")
    'instance of'
    """
    try:
        return verified_ids()[wid].label
    except KeyError:
        raise GulagKgError(f"{wid} is not in {WIKIDATA_IDS_FILE.name}, the table of verified Wikidata ids") from None

#: Time-valued properties read for every item: birth, death, inception, dissolution,
#: publication, start, end, point in time.
TIME_PROPERTIES = ("P569", "P570", "P571", "P576", "P577", "P580", "P582", "P585")
#: Quantity-valued properties read for the check report: number of deaths.
QUANTITY_PROPERTIES = ("P1120",)
#: Item-valued properties: instance of.
ITEM_PROPERTIES = ("P31",)
COORDINATE_PROPERTY = "P625"
LANGUAGES = ("en", "ru", "mul")

_SPARQL_PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX psv: <http://www.wikidata.org/prop/statement/value/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


class WikibaseError(GulagKgError):
    """A Wikibase server answered, but not in the shape its protocol promises."""


# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WikiTime:
    """A Wikibase time value: year, month and day (0 where unknown) and the precision
    (7 century, 8 decade, 9 year, 10 month, 11 day)."""

    year: int
    month: int
    day: int
    precision: int

    def bounds(self) -> tuple[date, date]:
        """The first and last day the value can mean at its precision.

        >>> WikiTime(1935, 0, 0, 9).bounds()
        (datetime.date(1935, 1, 1), datetime.date(1935, 12, 31))
        >>> WikiTime(1934, 0, 0, 8).bounds()
        (datetime.date(1930, 1, 1), datetime.date(1939, 12, 31))
        """
        year = max(self.year, 1)
        if self.precision <= 7:
            first = (year - 1) // 100 * 100 + 1
            return date(max(first, 1), 1, 1), date(min(first + 99, 9999), 12, 31)
        if self.precision == 8:
            first = year // 10 * 10
            return date(max(first, 1), 1, 1), date(first + 9, 12, 31)
        if self.precision == 9 or not self.month:
            return date(year, 1, 1), date(year, 12, 31)
        if self.precision == 10 or not self.day:
            return date(year, self.month, 1), date(year, self.month, calendar.monthrange(year, self.month)[1])
        return date(year, self.month, self.day), date(year, self.month, self.day)

    def text(self) -> str:
        """The value as a person writes it at its precision: 1930s, 1935, 1935-06, 1935-06-01."""
        if self.precision <= 7:
            return f"{(self.year - 1) // 100 + 1}th century"
        if self.precision == 8:
            return f"{self.year // 10 * 10}s"
        if self.precision == 9 or not self.month:
            return f"{self.year:04d}"
        if self.precision == 10 or not self.day:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


_TIME = re.compile(r"^([+-]?)(\d{1,16})-(\d\d)-(\d\d)T")


def parse_wiki_time(text: str, precision: int | None) -> WikiTime | None:
    """A time from Wikibase's JSON (``+1935-00-00T00:00:00Z``) or RDF (``1935-01-01T00:00:00Z``);
    None for years before the common era (never compared here).

    >>> parse_wiki_time("+1939-00-00T00:00:00Z", 9)
    WikiTime(year=1939, month=0, day=0, precision=9)
    """
    m = _TIME.match(text.strip())
    if not m or m.group(1) == "-":
        return None
    year, month, day = int(m.group(2)), int(m.group(3)), int(m.group(4))
    if year < 1:
        return None
    precision = 11 if precision is None else precision
    if precision < 11:
        day = 0
    if precision < 10:
        month = 0
    return WikiTime(year, month, day, precision)


@dataclass(frozen=True)
class WikiQuantity:
    amount: Decimal
    lower: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    start: WikiTime | None = None
    end: WikiTime | None = None
    point: WikiTime | None = None

    def text(self) -> str:
        out = f"{self.amount:,}"
        if self.lower is not None and self.upper is not None and (self.lower != self.amount or self.upper != self.amount):
            out += f" [{self.lower:,}–{self.upper:,}]"
        when = [t.text() for t in (self.start, self.end) if t]
        if self.point:
            out += f" ({self.point.text()})"
        elif when:
            out += f" ({self.start.text() if self.start else '..'}–{self.end.text() if self.end else '..'})"
        return out


@dataclass(frozen=True)
class WikidataItem:
    """What the checks and the scoring need of one item; ``found`` is False when the server
    does not know the id, ``redirect`` is the id it redirects to."""

    qid: str
    labels: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)
    instance_of: tuple[str, ...] = ()
    times: Mapping[str, tuple[WikiTime, ...]] = field(default_factory=dict)
    quantities: Mapping[str, tuple[WikiQuantity, ...]] = field(default_factory=dict)
    coordinates: tuple[tuple[float, float], ...] = ()
    redirect: str | None = None
    found: bool = True

    @property
    def label(self) -> str:
        """The English label, else the multilingual one, else the Russian one, else the id."""
        for lang in ("en", "mul", "ru"):
            if self.labels.get(lang):
                return self.labels[lang]
        return next(iter(self.labels.values()), self.qid)

    def all_labels(self) -> list[tuple[str, str, bool]]:
        """(text, language, is_alias) for every label and alias."""
        out = [(text, lang, False) for lang, text in self.labels.items()]
        out += [(text, lang, True) for lang, texts in self.aliases.items() for text in texts]
        return out


def check_qid(qid: str) -> str:
    if not QID.match(qid):
        raise GulagKgError(f"{qid!r} is not a Wikidata item id (Q followed by digits)")
    return qid


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _qid_of(term) -> str | None:
    if isinstance(term, ox.NamedNode) and term.value.startswith(WD):
        local = term.value[len(WD):]
        return local if QID.match(local) else None
    return None


def _sparql_literal(text: str, lang: str | None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


_WKT_POINT = re.compile(r"^\s*(?:<([^>]*)>\s*)?Point\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$")
_EARTH = "http://www.wikidata.org/entity/Q2"


def parse_wkt_point(text: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a WKT ``Point(lon lat)`` on Earth; None for other globes.

    >>> parse_wkt_point("Point(88.2 69.35)")
    (69.35, 88.2)
    """
    m = _WKT_POINT.match(text)
    if not m or (m.group(1) and m.group(1) != _EARTH):
        return None
    return float(m.group(3)), float(m.group(2))


@dataclass
class _ItemBuilder:
    qid: str
    labels: dict = field(default_factory=dict)
    aliases: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    instance_of: list = field(default_factory=list)
    times: dict = field(default_factory=dict)
    quantities: dict = field(default_factory=dict)
    coordinates: list = field(default_factory=list)
    redirect: str | None = None
    seen: bool = False

    def add_time(self, pid: str, value: WikiTime | None) -> None:
        if value is not None and value not in self.times.setdefault(pid, []):
            self.times[pid].append(value)

    def build(self) -> WikidataItem:
        return WikidataItem(
            qid=self.qid,
            labels=dict(sorted(self.labels.items())),
            aliases={k: tuple(sorted(set(v))) for k, v in sorted(self.aliases.items())},
            descriptions=dict(sorted(self.descriptions.items())),
            instance_of=tuple(sorted(set(self.instance_of), key=_qid_sort_key)),
            times={k: tuple(sorted(v, key=lambda t: (t.year, t.month, t.day))) for k, v in sorted(self.times.items())},
            quantities={k: tuple(v) for k, v in sorted(self.quantities.items())},
            coordinates=tuple(dict.fromkeys(self.coordinates)),
            redirect=self.redirect,
            found=self.seen or self.redirect is not None,
        )


def _qid_sort_key(qid: str) -> int:
    return int(qid[1:]) if QID.match(qid) else 0


# --- SPARQL -----------------------------------------------------------------------------------


class SparqlWikibase:
    """Wikidata's RDF through a SPARQL 1.1 endpoint."""

    def __init__(self, endpoint: str, client: HttpClient, *, batch_size: int = 50, label_batch_size: int = 100) -> None:
        self.endpoint = endpoint
        self.client = client
        self.batch_size = batch_size
        self.label_batch_size = label_batch_size

    def select(self, query: str) -> list[ox.QuerySolution]:
        answer = self.client.post_form(self.endpoint, {"query": _SPARQL_PREFIXES + query},
                                       accept="application/sparql-results+json")
        try:
            result = ox.parse_query_results(answer.body, ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise WikibaseError(f"{self.endpoint} did not answer with SPARQL JSON results ({exc}); "
                                f"is it a SPARQL endpoint?") from None
        if isinstance(result, ox.QueryBoolean):
            raise WikibaseError(f"{self.endpoint} answered a boolean to a SELECT query")
        return list(result)

    def search(self, texts: Sequence[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """For each (text, language), the items with exactly that label or alias: (qid, how)."""
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        unique = sorted(set(texts))
        for batch in _batches(unique, self.label_batch_size):
            values = " ".join(_sparql_literal(text, lang) for text, lang in batch)
            rows = self.select(
                f"SELECT ?text ?item ?how WHERE {{\n  VALUES ?text {{ {values} }}\n"
                "  VALUES ?how { rdfs:label skos:altLabel }\n  ?item ?how ?text .\n}")
            for row in rows:
                qid = _qid_of(row["item"])
                if qid is None:
                    continue
                key = (row["text"].value, row["text"].language or "")
                how = "label" if row["how"].value.endswith("#label") else "alias"
                out.setdefault(key, []).append((qid, how))
        return out

    def items(self, qids: Iterable[str]) -> dict[str, WikidataItem]:
        builders = {q: _ItemBuilder(q) for q in sorted(set(qids), key=_qid_sort_key)}
        for batch in _batches(list(builders), self.batch_size):
            values = " ".join(f"wd:{q}" for q in batch)
            self._labels(values, builders)
            self._statements(values, builders)
            for row in self.select(f"SELECT ?item ?target WHERE {{ VALUES ?item {{ {values} }} ?item owl:sameAs ?target }}"):
                qid, target = _qid_of(row["item"]), _qid_of(row["target"])
                if qid in builders and target:
                    builders[qid].redirect = target
        return {q: b.build() for q, b in builders.items()}

    def _labels(self, values: str, builders: dict[str, _ItemBuilder]) -> None:
        langs = ", ".join(f'"{lang}"' for lang in LANGUAGES)
        rows = self.select(
            f"SELECT ?item ?p ?text WHERE {{\n  VALUES ?item {{ {values} }}\n"
            "  VALUES ?p { rdfs:label skos:altLabel schema:description }\n"
            f"  ?item ?p ?text .\n  FILTER (LANG(?text) IN ({langs}))\n}}")
        for row in rows:
            b = builders.get(_qid_of(row["item"]) or "")
            if b is None:
                continue
            b.seen = True
            text, lang, p = row["text"].value, row["text"].language, row["p"].value
            if p.endswith("#label"):
                b.labels[lang] = text
            elif p.endswith("#altLabel"):
                b.aliases.setdefault(lang, []).append(text)
            else:
                b.descriptions[lang] = text

    def _statements(self, values: str, builders: dict[str, _ItemBuilder]) -> None:
        props = ITEM_PROPERTIES + TIME_PROPERTIES + QUANTITY_PROPERTIES + (COORDINATE_PROPERTY,)
        prop_values = " ".join(f'("{p}" p:{p} ps:{p} psv:{p})' for p in props)
        rows = self.select(f"""SELECT ?item ?prop ?st ?value ?time ?precision ?amount ?lower ?upper ?unit
       ?qs ?qsp ?qe ?qep ?qp ?qpp WHERE {{
  VALUES ?item {{ {values} }}
  VALUES (?prop ?p ?ps ?psv) {{ {prop_values} }}
  ?item ?p ?st .
  ?st ?ps ?value .
  OPTIONAL {{ ?st wikibase:rank ?rank }}
  FILTER (!BOUND(?rank) || ?rank != wikibase:DeprecatedRank)
  OPTIONAL {{ ?st ?psv ?node .
    OPTIONAL {{ ?node wikibase:timeValue ?time . OPTIONAL {{ ?node wikibase:timePrecision ?precision }} }}
    OPTIONAL {{ ?node wikibase:quantityAmount ?amount .
      OPTIONAL {{ ?node wikibase:quantityLowerBound ?lower }}
      OPTIONAL {{ ?node wikibase:quantityUpperBound ?upper }}
      OPTIONAL {{ ?node wikibase:quantityUnit ?unit }} }} }}
  OPTIONAL {{ ?st pqv:P580 ?qsn . ?qsn wikibase:timeValue ?qs . OPTIONAL {{ ?qsn wikibase:timePrecision ?qsp }} }}
  OPTIONAL {{ ?st pqv:P582 ?qen . ?qen wikibase:timeValue ?qe . OPTIONAL {{ ?qen wikibase:timePrecision ?qep }} }}
  OPTIONAL {{ ?st pqv:P585 ?qpn . ?qpn wikibase:timeValue ?qp . OPTIONAL {{ ?qpn wikibase:timePrecision ?qpp }} }}
}}""")
        quantities: dict[tuple[str, str, str], WikiQuantity] = {}
        for row in rows:
            qid = _qid_of(row["item"])
            b = builders.get(qid or "")
            if b is None:
                continue
            b.seen = True
            pid, value = row["prop"].value, row["value"]
            if pid in ITEM_PROPERTIES:
                target = _qid_of(value)
                if target:
                    b.instance_of.append(target)
            elif pid in TIME_PROPERTIES:
                text = row["time"].value if row["time"] is not None else getattr(value, "value", "")
                b.add_time(pid, parse_wiki_time(text, _int(row["precision"])))
            elif pid == COORDINATE_PROPERTY and isinstance(value, ox.Literal):
                point = parse_wkt_point(value.value)
                if point:
                    b.coordinates.append(point)
            elif pid in QUANTITY_PROPERTIES:
                amount = _decimal(row["amount"]) if row["amount"] is not None else _decimal(value)
                if amount is None:
                    continue
                unit = row["unit"].value if isinstance(row["unit"], ox.NamedNode) else None
                quantities[(qid, pid, str(row["st"]))] = WikiQuantity(
                    amount, _decimal(row["lower"]), _decimal(row["upper"]),
                    None if unit in (None, WD + "Q199") else unit,
                    _time(row["qs"], row["qsp"]), _time(row["qe"], row["qep"]), _time(row["qp"], row["qpp"]))
        for (qid, pid, _st), q in sorted(quantities.items()):
            builders[qid].quantities.setdefault(pid, []).append(q)

    def subclass_matches(self, qids: Iterable[str], classes: Iterable[str]) -> dict[str, set[str]]:
        """For each item, which of ``classes`` it is an instance of (``P31/P279*``)."""
        qids, classes = sorted(set(qids), key=_qid_sort_key), sorted(set(classes), key=_qid_sort_key)
        out: dict[str, set[str]] = {q: set() for q in qids}
        if not classes:
            return out
        class_values = " ".join(f"wd:{c}" for c in classes)
        for batch in _batches(qids, self.batch_size):
            values = " ".join(f"wd:{q}" for q in batch)
            rows = self.select(f"SELECT DISTINCT ?item ?class WHERE {{\n  VALUES ?item {{ {values} }}\n"
                               f"  VALUES ?class {{ {class_values} }}\n  ?item wdt:P31/wdt:P279* ?class .\n}}")
            for row in rows:
                qid, cls = _qid_of(row["item"]), _qid_of(row["class"])
                if qid in out and cls:
                    out[qid].add(cls)
        return out

    def english_labels(self, qids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for batch in _batches(sorted(set(qids), key=_qid_sort_key), self.batch_size):
            values = " ".join(f"wd:{q}" for q in batch)
            for row in self.select(f'SELECT ?item ?label WHERE {{ VALUES ?item {{ {values} }} ?item rdfs:label ?label '
                                   f'FILTER (LANG(?label) IN ("en", "mul")) }}'):
                qid = _qid_of(row["item"])
                if qid and (qid not in out or row["label"].language == "en"):
                    out[qid] = row["label"].value
        return out


def _int(term) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def _decimal(term) -> Decimal | None:
    if term is None:
        return None
    try:
        return Decimal(str(term.value if hasattr(term, "value") else term).lstrip("+"))
    except InvalidOperation:
        return None


def _time(term, precision) -> WikiTime | None:
    return parse_wiki_time(term.value, _int(precision)) if term is not None else None


# --- MediaWiki Action API -----------------------------------------------------------------


class ApiWikibase:
    """Wikidata through the MediaWiki Action API (``wbsearchentities``, ``wbgetentities``)."""

    def __init__(self, api: str, client: HttpClient, *, search_limit: int = 7, batch_size: int = 50,
                 max_class_depth: int = 8) -> None:
        self.api = api
        self.client = client
        self.search_limit = search_limit
        self.batch_size = batch_size
        self.max_class_depth = max_class_depth
        self._entity_cache: dict[str, dict] = {}

    def _call(self, params: dict[str, str]) -> dict:
        data = self.client.get_json(self.api, {"format": "json", **params})
        if not isinstance(data, dict):
            raise WikibaseError(f"{self.api} answered JSON that is not an object")
        if "error" in data:
            err = data["error"]
            raise NetworkError(f"{self.api} refused {params.get('action')}: {err.get('code', '?')}: {err.get('info', '')}")
        return data

    def search(self, texts: Sequence[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """For each (text, language), the items ``wbsearchentities`` finds: (qid, how)."""
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        requests: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for text, lang in sorted(set(texts)):
            # wbsearchentities searches one language (with its fallbacks); "mul" is asked as English.
            requests.setdefault((text, "en" if lang in ("", "mul") else lang), []).append((text, lang))
        for (text, language), keys in requests.items():
            data = self._call({"action": "wbsearchentities", "search": text, "language": language,
                               "uselang": language, "type": "item", "limit": str(self.search_limit)})
            hits = data.get("search")
            if not isinstance(hits, list):
                raise WikibaseError(f"{self.api}: wbsearchentities answered without a 'search' list")
            for hit in hits:
                qid = hit.get("id", "") if isinstance(hit, dict) else ""
                if QID.match(qid):
                    how = (hit.get("match") or {}).get("type", "label")
                    for key in keys:
                        out.setdefault(key, []).append((qid, f"search ({how})"))
        return out

    def _entities(self, qids: Iterable[str], props: str) -> dict[str, dict]:
        qids = list(qids)
        wanted = [q for q in sorted(set(qids), key=_qid_sort_key) if (q, props) not in self._entity_cache]
        for batch in _batches(wanted, self.batch_size):
            data = self._call({"action": "wbgetentities", "ids": "|".join(batch), "props": props,
                               "languages": "|".join(LANGUAGES)})
            entities = data.get("entities")
            if not isinstance(entities, dict):
                raise WikibaseError(f"{self.api}: wbgetentities answered without 'entities'")
            for key, entity in entities.items():
                redirected = (entity.get("redirects") or {}).get("from")
                self._entity_cache[(redirected or key, props)] = entity
            for q in batch:
                self._entity_cache.setdefault((q, props), {"id": q, "missing": ""})
        return {q: self._entity_cache[(q, props)] for q in qids}

    def items(self, qids: Iterable[str]) -> dict[str, WikidataItem]:
        qids = sorted(set(qids), key=_qid_sort_key)
        out = {}
        for qid, entity in self._entities(qids, "labels|aliases|descriptions|claims").items():
            out[qid] = _item_from_json(qid, entity)
        return out

    def subclass_matches(self, qids: Iterable[str], classes: Iterable[str]) -> dict[str, set[str]]:
        """``P31/P279*`` by walking ``P279`` upwards, breadth first, a bounded number of levels."""
        qids, targets = sorted(set(qids), key=_qid_sort_key), set(classes)
        items = self.items(qids)
        out: dict[str, set[str]] = {}
        parents: dict[str, set[str]] = {}
        for qid in qids:
            frontier = set(items[qid].instance_of)
            reached = set(frontier)
            for _ in range(self.max_class_depth):
                todo = [c for c in frontier if c not in parents]
                if todo:
                    for cls, entity in self._entities(todo, "claims").items():
                        parents[cls] = set(_claim_items(entity, "P279"))
                frontier = {p for c in frontier for p in parents.get(c, ())} - reached
                if not frontier:
                    break
                reached |= frontier
            out[qid] = reached & targets
        return out

    def english_labels(self, qids: Iterable[str]) -> dict[str, str]:
        out = {}
        for qid, entity in self._entities(list(qids), "labels").items():
            labels = entity.get("labels") or {}
            for lang in ("en", "mul"):
                if lang in labels:
                    out[qid] = labels[lang]["value"]
                    break
        return out


def _snak_values(claims: list) -> Iterable[tuple[dict, dict]]:
    for claim in claims or ():
        if not isinstance(claim, dict) or claim.get("rank") == "deprecated":
            continue
        snak = claim.get("mainsnak") or {}
        if snak.get("snaktype") == "value" and "datavalue" in snak:
            yield snak["datavalue"], claim.get("qualifiers") or {}


def _claim_items(entity: dict, pid: str) -> list[str]:
    out = []
    for value, _ in _snak_values((entity.get("claims") or {}).get(pid)):
        qid = (value.get("value") or {}).get("id") if isinstance(value.get("value"), dict) else None
        if qid and QID.match(qid):
            out.append(qid)
    return out


def _json_time(value: dict) -> WikiTime | None:
    v = value.get("value") if isinstance(value, dict) else None
    if not isinstance(v, dict) or "time" not in v:
        return None
    return parse_wiki_time(v["time"], v.get("precision"))


def _qualifier_time(qualifiers: dict, pid: str) -> WikiTime | None:
    for snak in qualifiers.get(pid) or ():
        if snak.get("snaktype") == "value" and "datavalue" in snak:
            return _json_time(snak["datavalue"])
    return None


def _item_from_json(qid: str, entity: dict) -> WikidataItem:
    if "missing" in entity:
        return WikidataItem(qid, found=False)
    b = _ItemBuilder(qid, seen=True)
    actual = entity.get("id")
    if actual and actual != qid:
        b.redirect = actual
    for lang, v in (entity.get("labels") or {}).items():
        b.labels[lang] = v["value"]
    for lang, vs in (entity.get("aliases") or {}).items():
        b.aliases[lang] = [v["value"] for v in vs]
    for lang, v in (entity.get("descriptions") or {}).items():
        b.descriptions[lang] = v["value"]
    claims = entity.get("claims") or {}
    b.instance_of = _claim_items(entity, "P31")
    for pid in TIME_PROPERTIES:
        for value, _ in _snak_values(claims.get(pid)):
            b.add_time(pid, _json_time(value))
    for value, _ in _snak_values(claims.get(COORDINATE_PROPERTY)):
        v = value.get("value") or {}
        if isinstance(v, dict) and v.get("globe", _EARTH) == _EARTH and "latitude" in v:
            b.coordinates.append((float(v["latitude"]), float(v["longitude"])))
    for pid in QUANTITY_PROPERTIES:
        for value, qualifiers in _snak_values(claims.get(pid)):
            v = value.get("value") or {}
            amount = _decimal(v.get("amount")) if isinstance(v, dict) else None
            if amount is None:
                continue
            unit = v.get("unit")
            b.quantities.setdefault(pid, []).append(WikiQuantity(
                amount, _decimal(v.get("lowerBound")), _decimal(v.get("upperBound")),
                None if unit in (None, "1", WD + "Q199") else unit,
                _qualifier_time(qualifiers, "P580"), _qualifier_time(qualifiers, "P582"), _qualifier_time(qualifiers, "P585")))
    return b.build()


# --- both -----------------------------------------------------------------------------------


@dataclass
class Wikibase:
    """The sources a command was given: candidates from all of them, details from one."""

    sparql: SparqlWikibase | None = None
    api: ApiWikibase | None = None

    def __post_init__(self) -> None:
        if self.sparql is None and self.api is None:
            raise GulagKgError("give a SPARQL endpoint (--endpoint) or a MediaWiki API (--api), or both")

    @property
    def details(self) -> SparqlWikibase | ApiWikibase:
        return self.sparql if self.sparql is not None else self.api  # type: ignore[return-value]

    @property
    def locations(self) -> tuple[str, ...]:
        """Where the answers come from (recorded in the provenance of accepted links)."""
        return tuple(x for x in (self.sparql.endpoint if self.sparql else None, self.api.api if self.api else None) if x)

    def search(self, texts: Sequence[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[str, str]]]:
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for source in (self.sparql, self.api):
            if source is None:
                continue
            for key, hits in source.search(texts).items():
                out.setdefault(key, []).extend(hits)
        return out

    def items(self, qids: Iterable[str]) -> dict[str, WikidataItem]:
        return self.details.items(qids)

    def subclass_matches(self, qids: Iterable[str], classes: Iterable[str]) -> dict[str, set[str]]:
        return self.details.subclass_matches(qids, classes)

    def english_labels(self, qids: Iterable[str]) -> dict[str, str]:
        return self.details.english_labels(qids)
