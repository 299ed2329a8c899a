"""Strict readers: CSV and JSON records that never merge or drop a record without a word.

Both read the file as bytes and decode it line by line, so that a line that is not UTF-8
rejects the record it belongs to, reported by its line, and nothing else. The CSV reader
follows RFC 4180 strictly (a quote inside an unquoted field, or text after a closing quote, is
an error rather than a guess), allows line breaks only in the columns that may hold them, and
limits the length of each column: a stray quote that would swallow the next records is caught
by one of these rules, the record where it starts is rejected, and reading resumes on the next
line, so the records after it are read as they are. The JSON reader takes an array of objects
record by record (a JSON string cannot span lines, so damage stays inside its record).

Only what makes a whole file unusable (missing, unreadable, wrong header, not an array) raises
:class:`~.core.ImportDataError`; everything else is a :class:`~.core.Rejection` with file and
line, counted as a record read and rejected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .core import ImportDataError, Record, Rejection

__all__ = ["Column", "JsonField", "ReadResult", "Table", "read_csv", "read_json_array", "read_json_object"]


@dataclass(frozen=True)
class Column:
    """A column of a CSV file: its header name, whether a value may hold line breaks, and the
    longest value accepted (longer ones mean the record swallowed others)."""

    name: str
    multiline: bool = False
    max_length: int = 1000


@dataclass(frozen=True)
class Table:
    """A CSV file's layout: its columns in order and what a line that starts a record looks like
    (a continuation line of a multi-line value that looks like one means a quote went astray)."""

    file: str
    columns: tuple[Column, ...]
    record_start: re.Pattern = re.compile(r"[0-9]+,")

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class ReadResult:
    """The records of a file, and the records that could not be read (each counted as a record
    read and rejected); ``rejected_keys`` maps the first value of a rejected CSV record, as far
    as it can be read, to its line (so that rows referring to it can say so)."""

    records: tuple[Record, ...]
    rejections: tuple[Rejection, ...]
    rejected_keys: Mapping[str, int] = field(default_factory=dict)


def _lines(path: Path) -> tuple[list[str], dict[int, str]]:
    """The file's physical lines (without line ends) and, by 0-based index, why a line is not
    UTF-8. Bad lines are decoded with replacement characters, so reading can go on."""
    if not path.is_file():
        raise ImportDataError(str(path), "file is missing")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportDataError(str(path), f"cannot be read: {exc.strerror}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    raw = data.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    lines, bad = [], {}
    for index, line in enumerate(raw):
        if line.endswith(b"\r"):
            line = line[:-1]
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad[index] = f"line {index + 1} is not UTF-8 (byte 0x{line[exc.start]:02x} at byte {exc.start + 1} of the line)"
            text = line.decode("utf-8", errors="replace")
        if "\x00" in text:
            bad[index] = f"line {index + 1} holds a NUL byte"
        lines.append(text)
    return lines, bad


#################################################################
# CSV
#################################################################


class _CsvError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line  # 0-based index of the line where the fault is


def _parse_record(lines: list[str], start: int, columns: tuple[Column, ...]) -> tuple[list[str], list[int], int]:
    """One RFC 4180 record from ``lines[start]``: its fields, the number of line breaks inside
    each, and the index of its last line."""
    fields: list[str] = []
    breaks: list[int] = []
    j, pos, line = start, 0, lines[start]

    def column() -> str:
        n = len(fields)
        return columns[n].name if n < len(columns) else f"column {n + 1}"

    while True:
        if pos < len(line) and line[pos] == '"':  # a quoted field
            name = column()
            opened, pos, parts, nl = j, pos + 1, [], 0
            while True:
                q = line.find('"', pos)
                if q < 0:
                    parts.append(line[pos:] + "\n")
                    j, nl, pos = j + 1, nl + 1, 0
                    if j >= len(lines):
                        raise _CsvError(f"unbalanced quote: the quoted value of {name} opened on line {opened + 1} never closes", opened)
                    line = lines[j]
                    continue
                if line[q + 1 : q + 2] == '"':
                    parts.append(line[pos:q] + '"')
                    pos = q + 2
                    continue
                parts.append(line[pos:q])
                pos = q + 1
                break
            fields.append("".join(parts))
            breaks.append(nl)
            if pos == len(line):
                return fields, breaks, j
            if line[pos] != ",":
                raise _CsvError(f"unbalanced quote: text after the closing quote of {name} (line {j + 1}, the quote "
                                f"opened on line {opened + 1})", opened)
            pos += 1
            continue
        end = line.find(",", pos)
        value = line[pos:] if end < 0 else line[pos:end]
        if '"' in value:
            raise _CsvError(f"unbalanced quote: a quote inside the unquoted value of {column()}", j)
        fields.append(value)
        breaks.append(0)
        if end < 0:
            return fields, breaks, j
        pos = end + 1


def _check_fields(table: Table, fields: list[str], breaks: list[int], lines: list[str], start: int, end: int) -> str | None:
    """Why a parsed record cannot be a record of ``table`` (None if it can)."""
    if len(fields) != len(table.columns):
        return f"wrong number of columns: expected {len(table.columns)}, found {len(fields)}"
    for col, value, nl in zip(table.columns, fields, breaks):
        if nl and not col.multiline:
            return f"{col.name}: a line break where none is allowed (the value runs over {nl + 1} lines)"
        if len(value) > col.max_length:
            return f"{col.name}: {len(value)} characters, more than the {col.max_length} a value of this column may have"
    for k in range(start + 1, end + 1):
        if table.record_start.match(lines[k]):
            return f"a value runs over line {k + 1}, which starts like a record of its own"
    return None


def read_csv(path: Path, table: Table) -> ReadResult:
    """The records of a CSV file with exactly ``table``'s header; blank lines are not records.

    A record that cannot be read (unbalanced quote, wrong number of columns, a line break or a
    length a column does not allow, bytes that are not UTF-8) is a rejection at the line where
    it starts; reading resumes at the next line after a fault in the record's own structure,
    and after the record otherwise.
    """
    lines, bad = _lines(path)
    name = path.name
    if not lines:
        raise ImportDataError(str(path), f"is empty; expected the header {','.join(table.header)}")
    if 0 in bad:
        raise ImportDataError(str(path), bad[0], line=1)
    header = lines[0].split(",")
    if tuple(header) != table.header:
        raise ImportDataError(str(path), f"wrong header: expected {','.join(table.header)}, found {lines[0]}", line=1)
    records: list[Record] = []
    rejections: list[Rejection] = []
    keys: dict[str, int] = {}

    def reject(index: int, reason: str) -> None:
        rejections.append(Rejection(name, index + 1, reason))
        keys.setdefault(lines[index].split(",", 1)[0].strip(), index + 1)

    i, row = 1, 1
    while i < len(lines):
        if lines[i] == "":
            i += 1
            continue
        row += 1
        try:
            fields, breaks, end = _parse_record(lines, i, table.columns)
        except _CsvError as exc:
            reject(i, str(exc))
            i = max(i, exc.line) + 1
            continue
        faults = [bad[k] for k in range(i, end + 1) if k in bad]
        problem = faults[0] if faults else _check_fields(table, fields, breaks, lines, i, end)
        if problem is not None:
            reject(i, problem)
            # a record that may have swallowed the next ones (one of its lines starts like a record,
            # or its columns do not add up) is rejected alone, and reading resumes on its next line
            swallowed = not faults and end > i and (
                len(fields) != len(table.columns) or any(table.record_start.match(lines[k]) for k in range(i + 1, end + 1)))
            i = i + 1 if swallowed else end + 1
            continue
        records.append(Record(name, i + 1, f"row={row}", dict(zip(table.header, fields))))
        i = end + 1
    return ReadResult(tuple(records), tuple(rejections), keys)


#################################################################
# JSON
#################################################################


@dataclass(frozen=True)
class JsonField:
    """A field of the objects of a JSON array: the JSON types it may have, whether a string value
    may hold line breaks, and the longest string accepted."""

    name: str
    types: tuple[type, ...] = (str,)
    multiline: bool = False
    max_length: int = 5000


def _segments(lines: list[str], start_line: int, start_col: int) -> tuple[list[tuple[int, int, int]], list[tuple[int, str]], int]:
    """Split the array that opens at (start_line, start_col) into objects: (first line, last
    line, unterminated-string lines) per object, problems between objects, and the line of the
    closing bracket (-1 if none). A string never spans lines in JSON, so an unbalanced quote only
    confuses the rest of its own line."""
    objects: list[tuple[int, int, int]] = []
    problems: list[tuple[int, str]] = []
    depth, first, broken, closed = 0, -1, 0, -1
    for j in range(start_line, len(lines)):
        line = lines[j]
        outside, in_string = _outside_strings(line, start_col + 1 if j == start_line else 0)
        for k in outside:
            ch = line[k]
            if ch in "{[":
                if depth == 0:
                    if ch == "[":
                        problems.append((j, "an array where an object was expected"))
                    first, broken = j, 0
                depth += 1
            elif ch in "}]":
                if depth == 0:
                    if ch == "]":
                        closed = j
                        rest = line[k + 1 :].strip() or "".join(lines[j + 1 :]).strip()
                        if rest:
                            problems.append((j, "text after the end of the array"))
                        return objects, problems, closed
                    problems.append((j, "a closing brace outside any object"))
                else:
                    depth -= 1
                    if depth == 0:
                        objects.append((first, j, broken))
            elif depth == 0 and ch not in " \t,":
                problems.append((j, f"unexpected text between records: {line[k:k + 20]!r}"))
                break
        if in_string:
            broken += 1
            if depth == 0:
                problems.append((j, "unbalanced quote between records"))
    if depth:
        objects.append((first, len(lines) - 1, broken + 1))
    return objects, problems, closed


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the field {key!r} appears twice")
        seen[key] = value
    return seen


def read_json_array(path: Path, fields: tuple[JsonField, ...], *, name: str | None = None) -> ReadResult:
    """The objects of a JSON array, one record each (RFC 6901 locator ``/N``, N counting every
    object of the array from 0), with the line of each field.

    An object is rejected, at its line, if it is not valid JSON (an unbalanced quote, a line
    break inside a string), holds bytes that are not UTF-8, repeats a field, lacks a field or has
    one ``fields`` does not name. Field values are checked by the importer (see
    :func:`check_value`).
    """
    lines, bad = _lines(path)
    name = name or path.name
    first = next((j for j, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].lstrip().startswith("["):
        raise ImportDataError(str(path), "is not a JSON array of records", line=first + 1 if first is not None else None)
    start = (first, lines[first].index("["))
    objects, problems, closed = _segments(lines, *start)
    if closed < 0:
        problems.append((len(lines) - 1, "the array does not end (no closing bracket)"))
    expected = {f.name for f in fields}
    records: list[Record] = []
    rejections = [Rejection(name, j + 1, problem) for j, problem in problems]
    opener = lines[objects[0][0]] if objects else ""
    objects = [part for obj in objects for part in _resplit(lines, obj, opener)]
    failed_last = -1
    for index, (first, last, broken) in enumerate(objects):
        reason, line = _object_problem(lines, bad, first, last, broken)
        values = None
        if reason is None:
            text = "\n".join(lines[first : last + 1])
            # the object's first line may hold the array's opening bracket; a re-split part ends with ","
            text = (text[text.index("{") :] if first == start[0] else text).rstrip().rstrip(",")
            try:
                values = json.loads(text, object_pairs_hook=_no_duplicate_keys)
            except (json.JSONDecodeError, ValueError) as exc:
                line = first + getattr(exc, "lineno", 1) - 1
                reason = f"not valid JSON: {getattr(exc, 'msg', str(exc))}"
            except RecursionError:
                reason = "nested too deeply"
        if reason is None and not isinstance(values, dict):
            reason = "not a JSON object"
        if reason is None:
            missing, extra = sorted(expected - values.keys()), sorted(values.keys() - expected)
            if missing or extra:
                reason = "; ".join(part for part in (
                    f"missing field(s) {', '.join(missing)}" if missing else "",
                    f"unknown field(s) {', '.join(extra)}" if extra else "") if part)  # fmt: skip
        if reason is not None:
            if failed_last == first:  # the rest of a damaged record the one before it already reports
                continue
            rejections.append(Rejection(name, line + 1, reason))
            failed_last = last
            continue
        records.append(Record(name, first + 1, f"/{index}", values, _field_lines(lines, first, last)))
    return ReadResult(tuple(records), tuple(sorted(rejections)))


def _resplit(lines: list[str], obj: tuple[int, int, int], opener: str) -> list[tuple[int, int, int]]:
    """An object whose braces were confused by damage may hold the next objects too: split it at
    every later line that opens an object the way the array's first object does (pretty-printed
    JSON), so that the objects after the damage are read on their own."""
    first, last, broken = obj
    if opener.strip() != "{":
        return [obj]
    starts = [first] + [j for j in range(first + 1, last + 1) if lines[j] == opener]
    if len(starts) == 1:
        return [obj]
    ends = [s - 1 for s in starts[1:]] + [last]
    return [(a, b, sum(_unterminated(lines[j]) for j in range(a, b + 1))) for a, b in zip(starts, ends)]


def _object_problem(lines, bad, first: int, last: int, broken: int) -> tuple[str | None, int]:
    for j in range(first, last + 1):
        if j in bad:
            return bad[j], j
    if broken:
        for j in range(first, last + 1):
            if _unterminated(lines[j]):
                return (f"unbalanced quote or line break inside a value: a string on line {j + 1} does not end on "
                        "its line"), j
        return "unbalanced quote", first
    return None, first


def _outside_strings(line: str, start: int = 0) -> tuple[list[int], bool]:
    """The positions of ``line`` (from ``start``) outside JSON strings, quotes excluded, and
    whether the line ends inside a string."""
    positions, in_string, escaped = [], False, False
    for k in range(start, len(line)):
        ch = line[k]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        else:
            positions.append(k)
    return positions, in_string


def _unterminated(line: str) -> bool:
    return _outside_strings(line)[1]


_KEY = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*:')


def _field_lines(lines: list[str], first: int, last: int) -> dict[str, int]:
    found = {}
    for j in range(first, last + 1):
        match = _KEY.match(lines[j].lstrip("{[ \t"))
        if match:
            found.setdefault(match.group(1), j + 1)
    return found


def check_value(record: Record, spec: JsonField) -> str | None:
    """Why a field's value does not fit its spec (type, line breaks, length), or None."""
    value = record.values[spec.name]
    if isinstance(value, bool) or not isinstance(value, spec.types):
        kinds = " or ".join("a number" if t in (int, float) else "text" for t in spec.types)
        return f"{spec.name}: {value!r} is not {kinds}"
    if isinstance(value, str):
        if not spec.multiline and ("\n" in value or "\r" in value):
            return f"{spec.name}: a line break where none is allowed"
        if len(value) > spec.max_length:
            return f"{spec.name}: {len(value)} characters, more than the {spec.max_length} a value of this field may have"
    return None


def read_json_object(path: Path) -> Mapping:
    """A small JSON object read whole (a lookup table): anything wrong with it is fatal."""
    lines, bad = _lines(path)
    if bad:
        index = min(bad)
        raise ImportDataError(str(path), bad[index], line=index + 1)
    try:
        data = json.loads("\n".join(lines), object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise ImportDataError(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except ValueError as exc:
        raise ImportDataError(str(path), f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ImportDataError(str(path), "JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ImportDataError(str(path), "is not a JSON object")
    return data


class RecordValues:
    """The values of one record, each checked against its field and counted in the ledger by kind
    (``group_of(field)``): read, then imported, skipped or rejected (by the line of its field)."""

    def __init__(self, ledger, record: Record, fields: Mapping[str, JsonField], group_of) -> None:
        self.ledger, self.record, self.fields, self.group_of = ledger, record, fields, group_of

    def get(self, name: str):
        """The value if it fits its field, else None with the value rejected."""
        problem = check_value(self.record, self.fields[name])
        if problem is not None:
            self.reject(self.group_of(name), name, problem)
            return None
        return self.record.values[name]

    def reject(self, group: str, name: str, reason: str) -> None:
        self.ledger.value(group, "rejected", rejection=Rejection(self.record.file, self.record.line_of(name), reason))

    def take(self, group: str) -> None:
        self.ledger.value(group, "imported")

    def skip(self, group: str, name: str | None = None, note: str | None = None) -> None:
        """Count a value that holds no data; ``note`` says why, as a notice at its line."""
        self.ledger.value(group, "skipped")
        if note:
            self.ledger.notice(self.record.file, self.record.line_of(name), note)
