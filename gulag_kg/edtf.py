"""The subset of EDTF (Extended Date/Time Format, ISO 8601-2) that gulag-kg uses.

Claims give their period as EDTF so that uncertainty survives ("1941~", "1934/1953",
"1930/.."). SPARQL cannot compare EDTF strings, so the loader computes plain ``xsd:date``
bounds from them with :func:`edtf_bounds`.

>>> edtf_bounds("1934/1953")
EdtfBounds(start=datetime.date(1934, 1, 1), end=datetime.date(1953, 12, 31))
>>> edtf_bounds("1941-06~")
EdtfBounds(start=datetime.date(1941, 6, 1), end=datetime.date(1941, 6, 30))
>>> edtf_bounds("1930/..")
EdtfBounds(start=datetime.date(1930, 1, 1), end=None)
>>> edtf_bounds("193X")
EdtfBounds(start=datetime.date(1930, 1, 1), end=datetime.date(1939, 12, 31))
>>> edtf_bounds("1953-13")
Traceback (most recent call last):
...
ValueError: '1953-13' is not an EDTF date this project understands: month 13 out of range
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_DATE = re.compile(r"^(?P<year>-?\d{3}[\dX])(?:-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?(?P<qual>[~?%])?$")


@dataclass(frozen=True)
class EdtfBounds:
    """Earliest and latest day a period can mean; ``None`` for an open or unknown end."""

    start: date | None
    end: date | None


def _single(text: str, original: str) -> tuple[date, date]:
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"{original!r} is not an EDTF date this project understands: expected YYYY, YYYY-MM or YYYY-MM-DD, optionally with ~ ? or %")
    year_text = m["year"]
    if "X" in year_text:
        lo_year, hi_year = int(year_text.replace("X", "0")), int(year_text.replace("X", "9"))
    else:
        lo_year = hi_year = int(year_text)
    if lo_year < 1:
        raise ValueError(f"{original!r} is not an EDTF date this project understands: years before 1 CE are not supported")
    if m["month"] is None:
        return date(lo_year, 1, 1), date(hi_year, 12, 31)
    month = int(m["month"])
    if not 1 <= month <= 12:
        raise ValueError(f"{original!r} is not an EDTF date this project understands: month {month} out of range")
    last = calendar.monthrange(hi_year, month)[1]
    if m["day"] is None:
        return date(lo_year, month, 1), date(hi_year, month, last)
    day = int(m["day"])
    if not 1 <= day <= last:
        raise ValueError(f"{original!r} is not an EDTF date this project understands: day {day} out of range")
    return date(lo_year, month, day), date(hi_year, month, day)


def edtf_bounds(value: str) -> EdtfBounds:
    """Bounds of an EDTF date or interval; raises ``ValueError`` with the reason if malformed."""
    text = value.strip()
    if "/" not in text:
        start, end = _single(text, value)
        return EdtfBounds(start, end)
    left, _, right = text.partition("/")
    start = None if left in ("..", "") else _single(left, value)[0]
    end = None if right in ("..", "") else _single(right, value)[1]
    if start is not None and end is not None and start > end:
        raise ValueError(f"{value!r} is not an EDTF date this project understands: the interval ends before it starts")
    return EdtfBounds(start, end)
