"""CSV text that was misread without a word (issue 13): decimal commas, stray quotes, encodings, long fields,
line endings, Excel's ``sep=`` line, trailing delimiters and NUL bytes."""

from __future__ import annotations

import codecs
import csv
import io
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from conftest import HEADERS, staff_row
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workforce import ProblemCode, load_staff
from workforce.errors import UnusableFileError, WorkforceError
from workforce.load._csv import read_csv_grid
from workforce.load._read import read_table
from workforce.load._schema import read_schema
from workforce.load._values import decimal_mark, parse_number

SCHEMA = read_schema("staff_in_post")
WTE = HEADERS.index("Contracted WTE")
SURNAME = HEADERS.index("Last Name")
EMPLOYEE = HEADERS.index("Employee Number")


def csv_text(rows, sep=",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(rows)
    return out.getvalue()


def staff_rows(n: int, **over) -> list[list]:
    return [HEADERS] + [staff_row(i, **over) for i in range(n)]


def write(tmp_path, data: str | bytes, name: str = "export_2025-03-31.csv"):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def problems_of(staff, code):
    p = staff.report.problems
    return p[p["code"] == code]


# ---------------------------------------------------------------- decimal commas


def test_a_semicolon_export_reads_its_decimal_commas(tmp_path):
    """`0,8` became 8.0 (then out of range), `1,0` 10 and `0,1` 1.0: a European export lost its part-time FTEs."""
    rows = staff_rows(4)
    for row, fte in zip(rows[1:], ("0,8", "1,0", "0,1", "1")):
        row[WTE] = fte
    staff = load_staff(write(tmp_path, csv_text(rows, sep=";")))
    assert staff.assignments["fte"].tolist() == [0.8, 1.0, 0.1, 1.0]
    notes = problems_of(staff, ProblemCode.DECIMAL_COMMA)
    assert len(notes) == 1 and "0,8" in notes["problem"].iloc[0] and staff.report.is_valid


def test_a_comma_export_whose_numbers_are_written_with_decimal_commas(tmp_path):
    rows = staff_rows(3)
    for row, fte in zip(rows[1:], ("0,6", "1", "0,75")):
        row[WTE] = fte
    staff = load_staff(write(tmp_path, csv_text(rows)))
    assert staff.assignments["fte"].tolist() == [0.6, 1.0, 0.75]
    assert len(problems_of(staff, ProblemCode.DECIMAL_COMMA)) == 1


def test_a_decimal_comma_in_a_file_of_thousands_commas_is_reported_not_guessed(tmp_path):
    """`1,000` can only be a thousands grouping next to `0,8`, which cannot: the file's convention is the point,
    and `0,8` is reported as written."""
    rows = staff_rows(3)
    for row, fte in zip(rows[1:], ("0,8", "1,000", "1")):
        row[WTE] = fte
    staff = load_staff(write(tmp_path, csv_text(rows)))
    bad = problems_of(staff, ProblemCode.NOT_A_NUMBER)
    assert bad["value"].tolist() == ["0,8"] and bad["row"].tolist() == [2]
    assert problems_of(staff, ProblemCode.DECIMAL_COMMA).empty
    out_of_range = problems_of(staff, ProblemCode.OUT_OF_RANGE)
    assert out_of_range["value"].tolist() == ["1,000"]   # the cell as written, not 1000.0


def test_a_semicolon_export_with_decimal_points_keeps_them(tmp_path):
    rows = staff_rows(2)
    rows[1][WTE], rows[2][WTE] = "0.8", "1"
    staff = load_staff(write(tmp_path, csv_text(rows, sep=";")))
    assert staff.assignments["fte"].tolist() == [0.8, 1.0]
    assert problems_of(staff, ProblemCode.DECIMAL_COMMA).empty and staff.report.is_valid


def test_an_out_of_range_value_is_quoted_as_written(tmp_path):
    rows = staff_rows(2)
    rows[1][WTE], rows[2][WTE] = "2,5", "0,5"
    staff = load_staff(write(tmp_path, csv_text(rows, sep=";")))
    assert problems_of(staff, ProblemCode.OUT_OF_RANGE)["value"].tolist() == ["2,5"]


@pytest.mark.parametrize("texts,hint,expected", [
    (["0,8", "1"], None, ","), (["0,8", "1,000"], None, "."), (["0,8", "0.5"], None, "."), (["1,000"], None, "."),
    (["1,000"], ",", ","), (["0.8", "1"], ",", "."), (["0,8", "0.5"], ",", ","), (["1.000,5"], None, ","),
    (["1,000.5"], ",", "."), ([], ",", ","), ([], None, "."),
])
def test_the_decimal_mark_is_decided_for_the_whole_file(texts, hint, expected):
    assert decimal_mark([pd.Series(texts, dtype="object")], hint) == expected


def test_numbers_under_each_convention():
    texts = pd.Series(["0,8", "1,000", "1.000,5", "0.8", "12", "1,000.5", "1,00", " 2,5 ", None], dtype="object")
    comma, bad = parse_number(texts, decimal=",")
    assert comma.tolist()[:3] == [0.8, 1.0, 1000.5] and comma.tolist()[4] == 12.0 and comma.tolist()[7] == 2.5
    assert bad.tolist() == [False, False, False, True, False, True, False, False, False]
    point, bad = parse_number(texts, decimal=".")
    assert point.tolist()[1:2] + point.tolist()[3:6] == [1000.0, 0.8, 12.0, 1000.5]
    assert bad.tolist() == [True, False, True, False, False, False, True, True, False]


# ---------------------------------------------------------------- stray quotes


def test_a_stray_quote_no_longer_swallows_the_next_records(tmp_path):
    """One field opening with a quote swallowed the next five records into one: 295 rows read from 300, "Valid"."""
    rows = staff_rows(300)
    text = csv_text(rows).splitlines()
    text[41] = text[41].replace(",Surname40,", ',"Jo Surname40,')   # line 42: the quote never closes
    text[47] = text[47].replace(",Staff Nurse,", ',"Staff Nurse",')   # a proper quoted field further down
    staff = load_staff(write(tmp_path, "\n".join(text) + "\n"))
    assert staff.report.rows_read == 300 and len(staff.assignments) == 300
    assert staff.report.reconciles()
    stray = problems_of(staff, ProblemCode.STRAY_QUOTE)
    assert stray["row"].tolist() == [42] and (stray["severity"] == "warning").all()
    assert 'remove the stray " on line 42' in stray["fix"].iloc[0]
    assert not staff.report.is_valid
    assert staff.assignments["source_row"].tolist() == list(range(2, 302))


def test_a_quote_left_open_at_the_end_of_the_file(tmp_path):
    rows = staff_rows(5)
    text = csv_text(rows).splitlines()
    text[3] = text[3].replace(",Surname2,", ',"Surname2,')
    staff = load_staff(write(tmp_path, "\n".join(text) + "\n"))
    assert staff.report.rows_read == 5 and staff.report.reconciles()
    assert problems_of(staff, ProblemCode.STRAY_QUOTE)["row"].tolist() == [4]


def test_a_cell_with_a_line_break_is_one_row_and_said_so(tmp_path):
    """A quoted cell holding a line break (Alt+Enter in Excel) is one row; later rows keep their Excel rows."""
    rows = staff_rows(4)
    rows[2][HEADERS.index("Job Role")] = "Staff Nurse\n(nights)"
    staff = load_staff(write(tmp_path, csv_text(rows)))
    assert staff.report.rows_read == 4 and staff.assignments["source_row"].tolist() == [2, 3, 4, 5]
    assert problems_of(staff, ProblemCode.STRAY_QUOTE).empty
    multi = problems_of(staff, ProblemCode.MULTILINE_CELL)
    assert multi["row"].tolist() == [3] and (multi["severity"] == "note").all()


# ---------------------------------------------------------------- encodings


def test_one_stray_windows_byte_in_a_utf8_file(tmp_path):
    """One cp1252 byte made the whole file cp1252: "HÃ´pital", and no warning."""
    rows = staff_rows(3, Organisation="Hôpital Trust")
    data = csv_text(rows).encode("utf-8").replace(b"Surname1", b"Surname\xe91")
    staff = load_staff(write(tmp_path, data))
    assert set(staff.assignments["organisation"]) == {"Hôpital Trust"}
    found = problems_of(staff, ProblemCode.NOT_UTF8)
    assert found["row"].tolist() == [3] and "0xE9" in found["problem"].iloc[0] and "'é'" in found["problem"].iloc[0]
    assert (found["severity"] == "warning").all()


def test_a_windows_file_is_read_as_windows_text_with_a_note(tmp_path):
    rows = staff_rows(2, Job_Role="Café Supervisor")
    table = read_table(write(tmp_path, csv_text(rows).encode("cp1252")), SCHEMA)
    assert table.frame["Job Role"].tolist() == ["Café Supervisor"] * 2
    assert [n.code for n in table.notes] == [ProblemCode.TEXT_ENCODING]
    assert "cp1252" in table.notes[0].problem


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                          ("utf-16-le", b""), ("utf-32-le", codecs.BOM_UTF32_LE)])
def test_unicode_text_as_excel_saves_it(tmp_path, encoding, bom):
    """Excel's "Unicode Text" (UTF-16 with a BOM, tab-delimited) gave "This is a fault in workforce"."""
    rows = staff_rows(3, Job_Role="Café Supervisor")
    path = write(tmp_path, bom + csv_text(rows, sep="\t").encode(encoding))
    table = read_table(path, SCHEMA)
    assert table.frame["Job Role"].tolist() == ["Café Supervisor"] * 3 and list(table.rows) == [2, 3, 4]
    assert len(load_staff(path).assignments) == 3


def test_a_binary_file_named_csv_is_refused_plainly(tmp_path):
    with pytest.raises(UnusableFileError, match="not a text file"):
        read_table(write(tmp_path, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20), SCHEMA)
    with pytest.raises(UnusableFileError, match="Excel workbook") as err:
        read_table(write(tmp_path, b"PK\x03\x04" + b"\x00" * 200), SCHEMA)
    assert ".xlsx" in err.value.fix


def test_a_nul_byte_in_a_text_file_names_its_line(tmp_path):
    text = csv_text(staff_rows(3)).replace("Surname1", "Surname\x001")
    with pytest.raises(UnusableFileError, match="line 3") as err:
        read_table(write(tmp_path, text), SCHEMA)
    assert "NUL" in err.value.problem


# ---------------------------------------------------------------- long fields, size


def test_a_field_over_128_kb_is_set_aside_not_a_fault(tmp_path):
    """Python's csv field limit (128 KB) gave "This is a fault in workforce"; Excel's cell limit is 32,767."""
    rows = staff_rows(3)
    rows[2][HEADERS.index("Job Role")] = "x" * 200_000
    path = write(tmp_path, csv_text(rows))
    staff = load_staff(path)
    assert len(staff.assignments) == 3
    long = problems_of(staff, ProblemCode.CELL_TOO_LONG)
    assert long["row"].tolist() == [3] and "200,000" in long["problem"].iloc[0] and "32,767" in long["problem"].iloc[0]
    assert staff.assignments["job_role"].isna().tolist() == [False, True, False]


@pytest.mark.parametrize("limit,variable,value,message", [
    ("MAX_CSV_BYTES", "WORKFORCE_MAX_CSV_MB", "1", "larger than"),
    ("MAX_CSV_ROWS", "WORKFORCE_MAX_CSV_ROWS", "25", "rows, more than the 10 read"),
    ("MAX_CSV_CELLS", "WORKFORCE_MAX_CSV_CELLS", "400", "cells \\(21 rows of 15 columns\\), more than the 100"),
])
def test_a_file_over_a_limit_is_refused_with_how_to_raise_it(tmp_path, monkeypatch, limit, variable, value, message):
    from workforce.load import _csv

    monkeypatch.setattr(_csv, limit, {"MAX_CSV_BYTES": 1000, "MAX_CSV_ROWS": 10, "MAX_CSV_CELLS": 100}[limit])
    path = write(tmp_path, csv_text(staff_rows(20)))
    with pytest.raises(UnusableFileError, match=message) as err:
        read_table(path, SCHEMA)
    assert variable in err.value.fix
    monkeypatch.setenv(variable, value)   # raised by its environment variable
    assert len(read_table(path, SCHEMA).frame) == 20


@pytest.mark.slow
def test_a_million_blank_lines_stay_small(tmp_path):
    path = write(tmp_path, csv_text(staff_rows(2)) + "\n" * 1_047_971)
    script = textwrap.dedent(f"""
        import resource
        from workforce.load._read import read_table
        from workforce.load._schema import read_schema
        table = read_table({str(path)!r}, read_schema("staff_in_post"))
        print(len(table.frame), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) == 1_047_973 and int(out[1]) < 1000, out


# ---------------------------------------------------------------- line endings and Excel's habits


def test_old_mac_line_endings(tmp_path):
    table = read_table(write(tmp_path, csv_text(staff_rows(3)).replace("\n", "\r")), SCHEMA)
    assert list(table.rows) == [2, 3, 4] and table.frame["Employee Number"].tolist() == ["1000", "1001", "1002"]


def test_a_bom_and_excels_sep_line(tmp_path):
    """Excel's hint line `sep=;` is not shown as a row in Excel, so the header is Excel row 1."""
    data = codecs.BOM_UTF8 + b"sep=;\n" + csv_text(staff_rows(2), sep=";").encode("utf-8")
    table = read_table(write(tmp_path, data), SCHEMA)
    assert table.header_row == 1 and list(table.rows) == [2, 3]
    assert table.frame["Pay Band"].tolist() == ["Band 5", "Band 5"] and table.decimal == ","


def test_a_trailing_delimiter_on_every_line(tmp_path):
    text = "".join(line + ",\n" for line in csv_text(staff_rows(3)).splitlines())
    staff = load_staff(write(tmp_path, text))
    assert len(staff.assignments) == 3 and staff.report.is_valid


def test_title_rows_and_short_lines_keep_their_rows(tmp_path):
    text = "Staff in post\nAs at 31/03/2025\n\n" + csv_text(staff_rows(3)) + "Total,3\n"
    table = read_table(write(tmp_path, text), SCHEMA)
    assert table.header_row == 4 and list(table.rows) == [5, 6, 7, 8]
    assert table.frame["Assignment Number"].tolist()[-1] == "Total"


@pytest.mark.slow
def test_unicode_text_through_the_command_line(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF16_LE + csv_text(staff_rows(3), sep="\t").encode("utf-16-le"))
    result = subprocess.run([sys.executable, "-m", "workforce.cli", "validate", str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fault" not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_dates_pandas_cannot_hold_are_unreadable_not_a_crash(tmp_path):
    """ESR's "no end date" 9999-12-31, or 0001-01-01, crashed the loader (found by mutating exports)."""
    from workforce.load._values import parse_date

    values, bad = parse_date(pd.Series(["0001-01-01", "9999-12-31", "31/12/0001", "-1-01-01", "2020-01-01", None,
                                        "200000", "2958465"]))   # Excel serial numbers of 2447 and 9999
    assert bad.tolist() == [True, True, True, True, False, False, True, True]
    assert values.dtype == "datetime64[ns]" and values.iloc[4] == pd.Timestamp("2020-01-01")
    rows = staff_rows(2)
    rows[1][HEADERS.index("Hire Date")] = "9999-12-31"
    staff = load_staff(write(tmp_path, csv_text(rows)))
    assert problems_of(staff, ProblemCode.NOT_A_DATE)["row"].tolist() == [2]


# ---------------------------------------------------------------- mutated exports

_PIECES = [b'"', b'"', b"\r", b"\n", b"\r\n", b";", b",", b"\t", b"\xe9", b"\x92", b"\xc3\xa9", b"\x00",
           codecs.BOM_UTF16_LE, codecs.BOM_UTF8, b"sep=;\n", b"x" * 40_000, b'""', b" "]
_EDIT = st.tuples(st.floats(0, 1), st.sampled_from(_PIECES), st.integers(0, 30))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_EDIT, min_size=1, max_size=6), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_mutated_exports_end_plainly_and_reconcile(tmp_path, edits, encoding):
    """Quotes, line breaks, stray bytes, NUL bytes, BOMs and long fields put anywhere in a valid export: the load
    ends with a plain message or a report whose rows reconcile, and every row is read or its loss reported."""
    data = bytearray(csv_text(staff_rows(30, Organisation="Hôpital Trust")).encode(encoding))
    for where, piece, cut in edits:
        at = int(where * len(data))
        if cut > 20:
            del data[at:at + cut]
        else:
            data[at:at] = piece
    path = write(tmp_path, bytes(data))
    try:
        staff = load_staff(path)
    except WorkforceError as err:
        assert "Traceback" not in str(err) and str(path) in str(err)
        return
    report = staff.report
    assert report.reconciles()
    notes = report.problems
    assert report.rows_read >= 25 or (notes["severity"] != "note").any()


def test_utf16_text_with_a_byte_lost_is_reported_as_damaged(tmp_path):
    """A byte lost from "Unicode Text" puts the rest out of step: it reads as other characters, never silently."""
    text = "Employee Number\tStaff Group\tPay Band\tEthnic Origin\r\n" + "".join(
        f"{i}\tAdministrative and Clerical\tBand 5\tA White - British\r\n" for i in range(1, 31))
    data = bytearray(text.encode("utf-16"))
    middle = len(data) // 2 | 1   # an odd offset: the bytes after it are out of step until the end
    del data[middle]
    path = tmp_path / "unicode_text_2025-03-31.csv"
    path.write_bytes(bytes(data))
    report = load_staff(path).report
    damaged = report.problems[report.problems["code"] == "damaged_text"]
    assert len(damaged) >= 1 and (damaged["severity"] == "warning").all()
    assert "out of step" in damaged["problem"].iat[0]


# ---------------------------------------------------------------- the grid: dictionary-encoded columns (issue 16)


def grid_cells(frame: pd.DataFrame) -> list[list]:
    """The grid's cells row by row, a missing cell as None."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.astype(object).itertuples(index=False)]


def csv_cells(text: str, sep: str = ",") -> list[list]:
    """What Python's csv module reads, a blank cell (empty or only spaces) as None: the grid's answer."""
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    width = max(len(r) for r in rows)
    return [[c if c.strip() else None for c in r] + [None] * (width - len(r)) for r in rows]


def test_the_grid_columns_are_categorical_text_with_the_header_as_row_0(tmp_path):
    rows = staff_rows(5)
    rows[2][SURNAME], rows[3][SURNAME], rows[4][SURNAME] = "", "   ", "O'Neill"
    text = csv_text(rows)
    grid = read_csv_grid(write(tmp_path, text))
    frame = grid.frame
    assert list(frame.columns) == list(range(len(HEADERS))) and list(frame.index) == list(range(6))
    for column in frame.columns:
        assert isinstance(frame[column].dtype, pd.CategoricalDtype)
        assert frame[column].cat.categories.dtype == "str" and not frame[column].cat.ordered
    assert grid_cells(frame) == csv_cells(text)
    assert frame.iloc[0].tolist() == HEADERS
    surnames = frame[SURNAME]
    assert surnames.isna().tolist() == [False, False, True, True, False, False]
    assert "   " not in surnames.cat.categories and "" not in surnames.cat.categories   # blank: missing, not a value
    organisations = frame[HEADERS.index("Organisation")]
    assert sorted(organisations.cat.categories) == ["Organisation", "Test Trust"]   # each distinct value once


def test_a_column_with_every_cell_blank_is_all_missing(tmp_path):
    text = "a,b,c\n1,,x\n2, ,y\n3,,z\n"
    frame = read_csv_grid(write(tmp_path, text)).frame
    assert frame[1].iloc[1:].isna().all()
    assert list(frame[1].cat.categories) == ["b"]
    assert grid_cells(frame) == csv_cells(text)


def test_the_same_too_long_cell_on_two_rows_is_set_aside_on_both(tmp_path):
    """The reader looks at each distinct value once: a value repeated on several rows is still noted row by row."""
    long = "y" * 40_000
    text = f"a,b\n1,{long}\n2,short\n3,{long}\n4, \n"
    grid = read_csv_grid(write(tmp_path, text))
    assert grid.frame[1].isna().tolist() == [False, True, False, True, True]
    assert grid.frame[1].tolist()[2] == "short" and list(grid.frame[1].cat.categories) == ["b", "short"]
    notes = [n for n in grid.notes if n.code == ProblemCode.CELL_TOO_LONG]
    assert [n.row for n in notes] == [2, 4] and all("40,000" in n.problem and "column B" in n.problem for n in notes)


def _big_text(n: int, newline: str, quoted_at: int | None = None) -> str:
    rows = [["Number", "Name", "Band", "Note"]]
    for i in range(n):
        rows.append([str(i), f"Name{i % 97}", f"Band {i % 9}", "" if i % 5 else "late"])
    if quoted_at is not None:   # a long cell on two lines: Arrow's blocks end inside it
        rows[quoted_at][3] = "on two" * 300 + "\n" + "lines" * 300
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_file_read_in_many_pieces_reads_as_one(tmp_path, monkeypatch, newline):
    """Small pieces of the scan and of Arrow's blocks: every cell, no note (a line break counted twice or lost
    where a piece ends would show as a stray-quote note); a CR LF cut between two pieces included."""
    from workforce.load import _csv

    text = _big_text(3000, newline)
    data = text.encode("utf-8")
    # a piece of the scan ends between the CR and the LF of a line break
    monkeypatch.setattr(_csv, "_CHUNK", data.index(b"\r\n", 5000) + 1 if newline == "\r\n" else 4099)
    monkeypatch.setattr(_csv, "_BLOCK", 1 << 12)
    grid = read_csv_grid(write(tmp_path, data))
    assert grid.notes == []
    assert grid_cells(grid.frame) == csv_cells(text)


def test_a_cell_with_a_line_break_in_the_last_piece_of_a_file(tmp_path, monkeypatch):
    """The only quote of the file is far from its start: a cell holding a line break there is still one row."""
    from workforce.load import _csv

    monkeypatch.setattr(_csv, "_CHUNK", 1 << 12)
    monkeypatch.setattr(_csv, "_BLOCK", 1 << 12)
    text = _big_text(3000, "\n", quoted_at=2990)
    assert text.count('"') == 2 and text.index('"') > 10 * (1 << 12)
    grid = read_csv_grid(write(tmp_path, text))
    assert grid_cells(grid.frame) == csv_cells(text) and len(grid.frame) == 3001
    assert [(n.code, n.row) for n in grid.notes] == [(ProblemCode.MULTILINE_CELL, 2991)]   # Excel row 2991


def test_a_windows_byte_deep_in_a_file(tmp_path, monkeypatch):
    """In a UTF-8 file, a byte that is not UTF-8 in a later piece: that byte read as Windows text, its line named."""
    from workforce.load import _csv

    monkeypatch.setattr(_csv, "_CHUNK", 1 << 12)
    text = _big_text(3000, "\r\n").replace("Number", "Numéro", 1)
    data = text.encode("utf-8").replace(b"\r\n2000,", b"\r\n2000\xe9,", 1)
    assert data.count(b"\xe9") == 1 and data.index(b"\xe9") > 10 * (1 << 12)
    grid = read_csv_grid(write(tmp_path, data))
    assert grid.frame[0].tolist()[0] == "Numéro" and grid.frame[0].tolist()[2001] == "2000é"
    assert [(n.code, n.row) for n in grid.notes] == [(ProblemCode.NOT_UTF8, 2002)]


def test_the_head_of_a_file_is_a_categorical_grid_too(tmp_path):
    text = _big_text(60_000, "\n")
    assert len(text) > 1 << 20
    head = read_csv_grid(write(tmp_path, text), head=True).frame
    assert isinstance(head[1].dtype, pd.CategoricalDtype) and 30_000 < len(head) < 60_001
    assert grid_cells(head.iloc[:100]) == csv_cells(text)[:100]
