"""Rendering results for people (aligned tables, wrapped text) and for programs (CSV, TSV, JSON)."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass

import pyoxigraph as ox

from .entities import compact


_EDTF_DATE = re.compile(r"^(?P<year>-?\d{2}[\dX]{2})(?:-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?(?P<q>[~?%])?$")


def _edtf_date_text(text: str) -> str:
    m = _EDTF_DATE.match(text)
    if not m:
        return text
    year = m["year"]
    if year.endswith("XX"):
        words = f"{year[:2]}00s"
    elif year.endswith("X"):
        words = f"{year[:3]}0s"
    else:
        words = year
    if m["month"]:
        month = int(m["month"])
        words = f"{calendar.month_name[month] if 1 <= month <= 12 else m['month']} {words}"
        if m["day"]:
            words = f"{int(m['day'])} {words}"
    if m["q"] in ("~", "%"):
        words = "c. " + words
    if m["q"] in ("?", "%"):
        words += " (uncertain)"
    return words


def edtf_text(value: str | None) -> str:
    """An EDTF date or interval in words, for people.

    >>> [edtf_text(v) for v in ("1934/1953", "193X/195X", "1930-04-25", "1953-01~", "1930/..", "../1922", "/1944-06~")]
    ['1934–1953', '1930s–1950s', '25 April 1930', 'c. January 1953', '1930 onwards', 'until 1922', 'until c. June 1944 (start unknown)']
    >>> edtf_text("1946~/1955~")
    'c. 1946 – c. 1955'
    """
    if not value:
        return ""
    text = value.strip()
    if "/" not in text:
        return _edtf_date_text(text)
    left, _, right = text.partition("/")
    if left in ("", "..") and right in ("", ".."):
        return "any time"
    if right in ("", ".."):
        return f"{_edtf_date_text(left)} onwards" if right == ".." else f"from {_edtf_date_text(left)} (end unknown)"
    if left in ("", ".."):
        return f"until {_edtf_date_text(right)}" + (" (start unknown)" if left == "" else "")
    a, b = _edtf_date_text(left), _edtf_date_text(right)
    return f"{a} – {b}" if " " in a or " " in b else f"{a}–{b}"


_EDTF = "http://id.loc.gov/datatypes/edtf/EDTF"


def term_text(term) -> str:
    """A term as a person reads it: prefixed names for IRIs, the lexical form of literals
    (without datatype or language: the machine formats keep those), EDTF dates in words."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.datatype is not None and term.datatype.value == _EDTF:
            return edtf_text(term.value)
        return term.value
    return str(term)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int | None = None,
                 overflow_last: bool = False, keep: Sequence[str] = ()) -> str:
    """An aligned plain-text table; long cells are cut with an ellipsis to fit the terminal,
    the widest first, except the last column with ``overflow_last`` (identifiers a reader copies)
    and the columns named in ``keep`` (figures, which must never be cut)."""
    width = max_width or shutil.get_terminal_size((160, 24)).columns
    cells = [[str(c).replace("\n", " ") for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    budget = max(width - 2 * (len(headers) - 1), 20)
    fixed = {i for i, h in enumerate(headers) if h in keep} | ({len(widths) - 1} if overflow_last else set())
    shrinkable = [i for i in range(len(widths)) if i not in fixed]
    budget -= sum(widths[i] for i in fixed)
    while shrinkable and sum(widths[i] for i in shrinkable) > budget and max(widths[i] for i in shrinkable) > 12:
        i = max(shrinkable, key=lambda k: widths[k])
        widths[i] -= 1

    def fit(text: str, w: int) -> str:
        return text if len(text) <= w else text[: max(w - 1, 0)] + "…"

    lines = ["  ".join(fit(h, w).ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join((c if i in fixed else fit(c, w)).ljust(w)
                        for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in cells]
    return "\n".join(lines)


def format_delimited(headers: Sequence[str], rows: Sequence[Sequence[str]], *, delimiter: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().rstrip("\n")


def to_json(data) -> str:
    """JSON of dataclasses, lists and dicts, pretty and UTF-8."""

    def default(obj):
        if is_dataclass(obj):
            return asdict(obj)
        if hasattr(obj, "value"):
            return obj.value
        raise TypeError(f"cannot render {type(obj).__name__} as JSON")

    if is_dataclass(data):
        data = asdict(data)
    elif isinstance(data, list) and data and is_dataclass(data[0]):
        data = [asdict(d) for d in data]
    return json.dumps(data, indent=2, ensure_ascii=False, default=default)
