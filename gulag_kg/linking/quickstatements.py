"""Our claims as QuickStatements (version 1 commands), for a Wikidata editor to review and upload.

Only claims whose subject has a Wikidata link are written, and only for the claim properties
that have a Wikidata property saying the same thing (:data:`CLAIM_PROPERTIES`); item values
need a link too. Each statement line is::

    Q161448<TAB>P1120<TAB>1053829<TAB>P580<TAB>+1934-00-00T00:00:00Z/9<TAB>P582<TAB>+1953-00-00T00:00:00Z/9<TAB>S854<TAB>"https://en.wikipedia.org/wiki/Gulag"<TAB>S813<TAB>+2025-00-00T00:00:00Z/9<TAB>S1683<TAB>en:"A 1993 study ..."

with the period as qualifiers (start time P580 / end time P582, or point in time P585) and one
reference per quote: reference URL (S854) of the source we read, retrieved (S813), quotation
(S1683). When the work the claim is stated in has a Wikidata link, a second line adds the
reference "stated in" (S248) on its own, so that the quote, which is the words of the source we
read, is never attributed to that work. QuickStatements adds a repeated statement's reference to
the statement already made.

Claims left out, with the reason, are listed in :attr:`QuickStatementsExport.skipped`:
deprecated ones, figures without a point value (a range alone) or in another unit, figures
restricted to a category or place, values without a link, approximate dates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..entities import compact
from ..namespaces import GK
from .wikibase import QID, WD

#: Our claim property -> (Wikidata property, kind of value).
CLAIM_PROPERTIES: dict[str, tuple[str, str]] = {
    str(GK.deaths): ("P1120", "quantity"),          # number of deaths
    str(GK.subordinateTo): ("P749", "item"),        # parent organization
    str(GK.establishedBy): ("P112", "item"),        # founded by
    str(GK.locatedIn): ("P276", "item"),            # location
    str(GK.imprisonedIn): ("P2632", "item"),        # place of detention
    # inception / dissolved, abolished or demolished date (start time / end time for events)
    str(GK.existence): ("P571/P576", "existence"),
}
TIME_BOUNDED = frozenset({"P749", "P2632"})
_UNIT_PEOPLE = "https://w3id.org/gulag-kg/vocab/unit/people"
#: Wikibase allows at most this many characters in a string or monolingual text value.
MAX_TEXT = 1500

_CLAIMS = """
SELECT ?claim ?subject ?wd ?property ?value ?valueWd ?lower ?upper ?unit ?period ?rank ?statedInWd
       ?category ?place ?quote ?url ?retrieved ?language ?event WHERE {
  ?claim a gk:Claim ; gk:subject ?subject ; gk:property ?property .
  OPTIONAL { ?subject a ?event FILTER (?event = gk:Event) }
  ?subject owl:sameAs ?wd . FILTER (STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/Q"))
  OPTIONAL { ?claim gk:value ?value . OPTIONAL { ?value owl:sameAs ?valueWd FILTER (STRSTARTS(STR(?valueWd), "http://www.wikidata.org/entity/Q")) } }
  OPTIONAL { ?claim gk:lowerBound ?lower }
  OPTIONAL { ?claim gk:upperBound ?upper }
  OPTIONAL { ?claim gk:unit ?unit }
  OPTIONAL { ?claim gk:period ?period }
  OPTIONAL { ?claim gk:rank ?rank }
  OPTIONAL { ?claim gk:statedIn/owl:sameAs ?statedInWd FILTER (STRSTARTS(STR(?statedInWd), "http://www.wikidata.org/entity/Q")) }
  OPTIONAL { ?claim gk:aboutCategory ?category }
  OPTIONAL { ?claim gk:aboutPlace ?place }
  OPTIONAL { ?claim gk:evidence ?ev . ?ev oa:hasSelector/oa:exact ?quote .
             OPTIONAL { ?ev oa:hasSource ?source .
                        OPTIONAL { ?source schema:url ?url }
                        OPTIONAL { ?source gk:retrievalPeriod ?retrieved }
                        OPTIONAL { ?source schema:inLanguage ?language } } }
}
"""


@dataclass(frozen=True)
class QsLine:
    claim: str
    line: str


@dataclass(frozen=True)
class QsSkip:
    claim: str
    reason: str


@dataclass(frozen=True)
class QuickStatementsExport:
    lines: tuple[QsLine, ...]
    skipped: tuple[QsSkip, ...]

    @property
    def text(self) -> str:
        return "".join(line.line + "\n" for line in self.lines)

    @property
    def claims(self) -> int:
        return len({line.claim for line in self.lines})


_EDTF_DAY = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?$")
_EDTF_DECADE = re.compile(r"^(\d{3})X$")


def qs_time(edtf: str) -> str | None:
    """An EDTF date as a QuickStatements time, or None if it cannot be said exactly
    (approximate, uncertain, unspecified beyond the decade).

    >>> qs_time("1934"), qs_time("1930-04"), qs_time("1960-01-25"), qs_time("193X"), qs_time("1941~")
    ('+1934-00-00T00:00:00Z/9', '+1930-04-00T00:00:00Z/10', '+1960-01-25T00:00:00Z/11', '+1930-00-00T00:00:00Z/8', None)
    """
    m = _EDTF_DAY.match(edtf)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        precision = 11 if day else 10 if month else 9
        return f"+{year}-{month or '00'}-{day or '00'}T00:00:00Z/{precision}"
    m = _EDTF_DECADE.match(edtf)
    if m:
        return f"+{m.group(1)}0-00-00T00:00:00Z/8"
    return None


def _period_parts(period: str | None) -> tuple[str | None, str | None, str | None, bool]:
    """(start, end, point, ok) as QuickStatements times; ok is False when a given part cannot be said."""
    if not period:
        return None, None, None, True
    if "/" not in period:
        t = qs_time(period)
        return None, None, t, t is not None
    left, _, right = period.partition("/")
    start = None if left in ("", "..") else qs_time(left)
    end = None if right in ("", "..") else qs_time(right)
    ok = (left in ("", "..") or start is not None) and (right in ("", "..") or end is not None)
    return start, end, None, ok


def _quantity(value: str) -> str | None:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return None
    text = format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
    return text if re.fullmatch(r"-?\d+(\.\d+)?", text) else None


def _qs_string(text: str) -> str | None:
    """A QuickStatements string, or None when the text cannot travel in one (a tab, a line
    break or a "|", which the tool reads as separators, or more than Wikibase allows)."""
    if any(c in text for c in "\t\n\r|") or len(text) > MAX_TEXT or not text.strip():
        return None
    return f'"{text}"'


def export_quickstatements(store) -> QuickStatementsExport:
    """QuickStatements V1 commands for our claims on entities with a Wikidata link."""
    rows_by_claim: dict[str, list] = defaultdict(list)
    for row in store.query(_CLAIMS):
        rows_by_claim[row["claim"].value].append(row)
    lines: list[QsLine] = []
    skipped: list[QsSkip] = []
    for claim, rows in sorted(rows_by_claim.items()):
        first = rows[0]
        prop = first["property"].value
        name = compact(claim)
        if prop not in CLAIM_PROPERTIES:
            continue  # no Wikidata property says the same; not listed as skipped (most claims)
        pid, kind = CLAIM_PROPERTIES[prop]
        if any(r["rank"] is not None and r["rank"].value == str(GK.DeprecatedRank) for r in rows):
            skipped.append(QsSkip(name, "deprecated rank"))
            continue
        if any(r["category"] is not None or r["place"] is not None for r in rows):
            skipped.append(QsSkip(name, "restricted to a category of prisoners or a place, which needs items this project has not verified"))
            continue
        period = first["period"].value if first["period"] is not None else None
        start, end, point, ok = _period_parts(period)
        if not ok:
            skipped.append(QsSkip(name, f"the period {period} is approximate or uncertain"))
            continue
        mains: list[tuple[str, str, list[str]]] = []   # (property, value, qualifiers)
        subjects = sorted({r["wd"].value[len(WD):] for r in rows if QID.match(r["wd"].value[len(WD):])},
                          key=lambda q: int(q[1:]))
        if kind == "quantity":
            unit = first["unit"].value if first["unit"] is not None else _UNIT_PEOPLE
            if unit != _UNIT_PEOPLE:
                skipped.append(QsSkip(name, f"unit {compact(unit)}, not a number of people"))
                continue
            if first["value"] is None:
                skipped.append(QsSkip(name, "a range or bound without a point value"))
                continue
            amount = _quantity(first["value"].value)
            if amount is None:
                skipped.append(QsSkip(name, f"value {first['value'].value!r} is not a number"))
                continue
            lower = _quantity(first["lower"].value) if first["lower"] is not None else None
            upper = _quantity(first["upper"].value) if first["upper"] is not None else None
            if lower is not None and upper is not None:
                amount += f"[{lower},{upper}]"
            qualifiers = ([f"P580\t{start}"] if start else []) + ([f"P582\t{end}"] if end else []) + (
                [f"P585\t{point}"] if point else [])
            mains.append((pid, amount, qualifiers))
        elif kind == "item":
            targets = sorted({r["valueWd"].value[len(WD):] for r in rows if r["valueWd"] is not None}, key=lambda q: int(q[1:]))
            if not targets:
                what = compact(first["value"].value) if first["value"] is not None else "no value"
                skipped.append(QsSkip(name, f"the value {what} has no Wikidata link"))
                continue
            # The period bounds a relation that holds for a time (parent organisation, detention);
            # for "founded by" and "location" it is not a qualifier of the statement.
            qualifiers = [] if pid not in TIME_BOUNDED else (
                ([f"P580\t{start}"] if start else []) + ([f"P582\t{end}"] if end else []) + (
                    [f"P585\t{point}"] if point else []))
            mains += [(pid, t, qualifiers) for t in targets]
        else:  # existence: inception and dissolution (start and end time for events)
            begin, finish = start or point, end
            event = first["event"] is not None
            if begin:
                mains.append(("P580" if event else "P571", begin, []))
            if finish:
                mains.append(("P582" if event else "P576", finish, []))
            if not mains:
                skipped.append(QsSkip(name, "no date"))
                continue
        references = _references(rows)
        if not references:
            skipped.append(QsSkip(name, "no quote with a source URL to cite"))
            continue
        stated_in = sorted({r["statedInWd"].value[len(WD):] for r in rows if r["statedInWd"] is not None})
        for subject in subjects:
            for main_pid, value, qualifiers in mains:
                head = "\t".join([subject, main_pid, value] + qualifiers)
                for reference in references:
                    lines.append(QsLine(name, head + "\t" + reference))
                for work in stated_in:
                    lines.append(QsLine(name, head + f"\tS248\t{work}"))
    return QuickStatementsExport(tuple(lines), tuple(skipped))


def _references(rows) -> list[str]:
    out = []
    for r in sorted(rows, key=lambda r: r["quote"].value if r["quote"] is not None else ""):
        if r["quote"] is None or r["url"] is None:
            continue
        url = _qs_string(r["url"].value)
        if url is None:
            continue
        parts = [f"S854\t{url}"]
        retrieved = qs_time(r["retrieved"].value) if r["retrieved"] is not None else None
        if retrieved:
            parts.append(f"S813\t{retrieved}")
        language = (r["language"].value if r["language"] is not None else "en").lower()
        quote = _qs_string(r["quote"].value)
        if quote and re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", language):
            parts.append(f"S1683\t{language}:{quote}")
        reference = "\t".join(parts)
        if reference not in out:
            out.append(reference)
    return out
