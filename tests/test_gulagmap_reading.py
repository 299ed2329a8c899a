"""The strict readers of the import frame: no record merged, dropped or taken on a guess.

Small made-up files show each rule; the real files (excerpts and, beside the repository, the whole
releases) show that the strict reader reads well-formed data exactly as Python's csv/json do.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from gulag_kg.importers import gulagmap2017, gulagmap2018
from gulag_kg.importers.core import ImportDataError, Ledger, Reject, Rejection
from gulag_kg.importers.reading import Column, JsonField, Table, check_value, read_csv, read_json_array

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

TABLE = Table("t.csv", (Column("id", max_length=5), Column("title", multiline=True, max_length=40), Column("note", max_length=40)))


def write(tmp_path: Path, data: bytes | str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def ids(result) -> list[str]:
    return [r.values["id"] for r in result.records]


# ---- CSV ---------------------------------------------------------------------------------------


def test_a_stray_quote_rejects_its_record_and_not_the_next_ones(tmp_path):
    text = 'id,title,note\n1,One,a\n2,"Two,b\n3,Three,"c, d"\n4,Four,e\n'
    lenient = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in lenient[1:]] == ["1", "2", "4"]  # what csv makes of it: record 3 swallowed by 2
    result = read_csv(write(tmp_path, text), TABLE)
    assert ids(result) == ["1", "3", "4"]
    assert result.records[1].values["note"] == "c, d"
    (rejection,) = result.rejections
    assert rejection.line == 3 and rejection.reason.startswith("unbalanced quote: text after the closing quote of title")


def test_a_quote_that_never_closes(tmp_path):
    result = read_csv(write(tmp_path, 'id,title,note\n1,One,a\n2,"Two,b\n3,Three,c\n'), TABLE)
    assert ids(result) == ["1", "3"]
    assert result.rejections == (Rejection("t.csv", 3, "unbalanced quote: the quoted value of title opened on line 3 never closes"),)


def test_a_quote_inside_an_unquoted_value(tmp_path):
    result = read_csv(write(tmp_path, 'id,title,note\n1,On"e,a\n2,Two,b\n'), TABLE)
    assert ids(result) == ["2"]
    assert result.rejections[0].line == 2 and "quote inside the unquoted value of title" in result.rejections[0].reason


def test_line_breaks_only_where_the_column_allows_them(tmp_path):
    text = 'id,title,note\n1,"Line one\nline two",a\n2,Two,"x\ny"\n3,Three,c\n'
    result = read_csv(write(tmp_path, text), TABLE)
    assert ids(result) == ["1", "3"]
    assert result.records[0].values["title"] == "Line one\nline two" and result.records[1].line == 6
    assert result.rejections == (Rejection("t.csv", 4, "note: a line break where none is allowed (the value runs over 2 lines)"),)


def test_a_value_running_over_a_line_that_starts_a_record(tmp_path):
    text = 'id,title,note\n1,"One\n2,Two",a\n3,Three,c\n'
    result = read_csv(write(tmp_path, text), TABLE)
    assert ids(result) == ["3"]
    assert [r.line for r in result.rejections] == [2, 3]
    assert "line 3, which starts like a record of its own" in result.rejections[0].reason


def test_an_over_long_title(tmp_path):
    result = read_csv(write(tmp_path, "id,title,note\n1," + "x" * 41 + ",a\n2,Two,b\n"), TABLE)
    assert ids(result) == ["2"]
    assert result.rejections == (Rejection("t.csv", 2, "title: 41 characters, more than the 40 a value of this column may have"),)


def test_bytes_that_are_not_utf8_reject_that_line_only(tmp_path):
    data = "id,title,note\n1,One,a\n".encode() + b"2,Tw\xe9,b\n" + "3,Три,c\n".encode()
    result = read_csv(write(tmp_path, data), TABLE)
    assert ids(result) == ["1", "3"] and result.records[1].values["title"] == "Три"
    assert result.rejections == (Rejection("t.csv", 3, "line 3 is not UTF-8 (byte 0xe9 at byte 5 of the line)"),)


def test_crlf_blank_lines_and_bom(tmp_path):
    data = b"\xef\xbb\xbfid,title,note\r\n1,\"a\r\nb\",x\r\n\r\n2,Two,y\r\n"
    result = read_csv(write(tmp_path, data), TABLE)
    assert ids(result) == ["1", "2"] and result.records[0].values["title"] == "a\nb"
    assert [r.locator for r in result.records] == ["row=2", "row=3"] and result.rejections == ()


def test_wrong_column_count_and_empty_file(tmp_path):
    result = read_csv(write(tmp_path, "id,title,note\n1,One\n2,Two,b,extra\n"), TABLE)
    assert [(r.line, r.reason) for r in result.rejections] == [
        (2, "wrong number of columns: expected 3, found 2"), (3, "wrong number of columns: expected 3, found 4")]
    with pytest.raises(ImportDataError, match="is empty"):
        read_csv(write(tmp_path, ""), TABLE)
    with pytest.raises(ImportDataError, match="wrong header") as info:
        read_csv(write(tmp_path, "id,note,title\n"), TABLE)
    assert info.value.line == 1
    with pytest.raises(ImportDataError, match="file is missing"):
        read_csv(tmp_path / "nothing.csv", TABLE)


@pytest.mark.parametrize("table", [gulagmap2018.CAMPS, gulagmap2018.LOCATIONS, gulagmap2018.STATISTICS], ids=lambda t: t.file)
@pytest.mark.parametrize("where", ["gulagmap/excerpt", "shared"])
def test_the_strict_reader_reads_the_real_files_as_csv_does(table, where):
    path = (SHARED / "gulagmap-2018" if where == "shared" else DATA / where) / table.file
    assert path.is_file(), f"{path} is missing (CI has ../shared beside the repository)"
    with path.open(encoding="utf-8", newline="") as handle:
        expected = [tuple(r) for r in csv.reader(handle)][1:]
    result = read_csv(path, table)
    assert result.rejections == ()
    assert [tuple(r.values[c] for c in table.header) for r in result.records] == [
        tuple(v.replace("\r\n", "\n") for v in r) for r in expected if r]


# ---- JSON --------------------------------------------------------------------------------------

FIELDS = (JsonField("id", (int,)), JsonField("name", multiline=True, max_length=20), JsonField("count", (int, str)))


def records(*bodies: str) -> str:
    return "[\n" + ",\n".join(" {\n" + body + "\n }" for body in bodies) + "\n]\n"


def body(i: int, name: str = "Camp", count: str = '""') -> str:
    return f'  "id": {i},\n  "name": "{name}",\n  "count": {count}'


def test_json_records_with_their_pointers_and_field_lines(tmp_path):
    result = read_json_array(write(tmp_path, records(body(1), body(2, count="5")), "c.json"), FIELDS)
    assert [(r.values["id"], r.line, r.locator) for r in result.records] == [(1, 2, "/0"), (2, 7, "/1")]
    assert result.records[1].line_of("count") == 10 and result.records[1].selector("count")[1] == "/1/count"


def test_json_an_unbalanced_quote_rejects_its_record_only(tmp_path):
    text = records(body(1), '  "id": 2,\n  "name": ""Broken",\n  "count": ""', body(3))
    result = read_json_array(write(tmp_path, text, "c.json"), FIELDS)
    assert [r.values["id"] for r in result.records] == [1, 3]
    assert [r.locator for r in result.records] == ["/0", "/2"]
    assert result.rejections == (Rejection(
        "c.json", 9, "unbalanced quote or line break inside a value: a string on line 9 does not end on its line"),)


def test_json_a_line_break_inside_a_string(tmp_path):
    text = records(body(1), '  "id": 2,\n  "name": "Two\nlines",\n  "count": ""', body(3))
    result = read_json_array(write(tmp_path, text, "c.json"), FIELDS)
    assert [r.values["id"] for r in result.records] == [1, 3]
    assert [r.line for r in result.rejections] == [9]


def test_json_bytes_that_are_not_utf8(tmp_path):
    data = records(body(1), body(2, name="Tw#o"), body(3)).encode().replace(b"#", b"\xff")
    result = read_json_array(write(tmp_path, data, "c.json"), FIELDS)
    assert [r.values["id"] for r in result.records] == [1, 3]
    assert result.rejections == (Rejection("c.json", 9, "line 9 is not UTF-8 (byte 0xff at byte 14 of the line)"),)


def test_json_a_repeated_or_missing_field(tmp_path):
    text = records(body(1) + ',\n  "name": "Again"', '  "id": 2,\n  "count": 4', body(3) + ',\n  "extra": 1')
    result = read_json_array(write(tmp_path, text, "c.json"), FIELDS)
    assert result.records == ()
    assert [r.reason for r in result.rejections] == [
        "not valid JSON: the field 'name' appears twice", "missing field(s) name", "unknown field(s) extra"]


def test_json_damage_that_confuses_the_braces_is_split_at_the_next_record(tmp_path):
    text = records(body(1), '  "id": 2,\n  "name": "a" } {,\n  "count": ""', body(3), body(4))
    result = read_json_array(write(tmp_path, text, "c.json"), FIELDS)
    assert [r.values["id"] for r in result.records] == [1, 3, 4]
    assert [r.line for r in result.rejections] == [9]


def test_json_not_an_array(tmp_path):
    with pytest.raises(ImportDataError, match="not a JSON array"):
        read_json_array(write(tmp_path, '{"id": 1}', "c.json"), FIELDS)


def test_json_values_are_checked_against_their_field(tmp_path):
    result = read_json_array(write(tmp_path, records(body(1, count='"43\\n857"')), "c.json"), FIELDS)
    (record,) = result.records
    assert check_value(record, FIELDS[2]) == "count: a line break where none is allowed"
    assert check_value(record, FIELDS[0]) is None
    long = read_json_array(write(tmp_path, records(body(2, name="x" * 21)), "d.json"), FIELDS).records[0]
    assert check_value(long, FIELDS[1]) == "name: 21 characters, more than the 20 a value of this field may have"


@pytest.mark.parametrize("where", ["gulagmap-2017/excerpt", "shared"])
def test_the_strict_reader_reads_the_real_2017_file_as_json_does(where):
    path = (SHARED / "gulagmap-2017" if where == "shared" else DATA / where) / "camps.json"
    assert path.is_file(), f"{path} is missing (CI has ../shared beside the repository)"
    result = read_json_array(path, gulagmap2017.FIELDS)
    assert result.rejections == ()
    assert [dict(r.values) for r in result.records] == json.loads(path.read_text(encoding="utf-8"))


def test_the_2017_excerpt_records_are_copies_of_the_release():
    shared = {r.values["id"]: r for r in read_json_array(SHARED / "gulagmap-2017" / "camps.json", gulagmap2017.FIELDS).records}
    full = (SHARED / "gulagmap-2017" / "camps.json").read_text(encoding="utf-8").splitlines()
    mine = (DATA / "gulagmap-2017" / "excerpt" / "camps.json").read_text(encoding="utf-8").splitlines()
    for record in read_json_array(DATA / "gulagmap-2017" / "excerpt" / "camps.json", gulagmap2017.FIELDS).records:
        original = shared[record.values["id"]]
        n = len(record.values) + 1
        assert mine[record.line - 1 : record.line - 1 + n] == full[original.line - 1 : original.line - 1 + n]


# ---- the ledger --------------------------------------------------------------------------------


def test_the_ledger_accounts_for_every_record():
    ledger = Ledger()
    result = read_csv(DATA / "gulagmap" / "broken" / "camps.csv", gulagmap2018.CAMPS)

    def parse(record):
        if record.values["title_en"] == "":
            raise Reject("no English title", field="title_en")
        return None if record.values["camp_id"] == "2" else record

    rows = ledger.process("camps.csv", result.records, parse, key=lambda r: r.values["camp_id"], key_field="camp_id")
    (count,) = ledger.counts()
    assert count.balanced and count.read == len(result.records)
    assert count.skipped == 1 and count.imported == len(rows)
    assert count.rejected == len(ledger.rejections)
    assert any("duplicate camp_id 251" in r.reason for r in ledger.rejections)
