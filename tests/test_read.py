"""Finding and reading the staff table in messy files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import HEADERS, staff_row, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workforce.errors import AmbiguousSheetError, NoStaffTableError, UnusableFileError
from workforce.load._read import read_table
from workforce.load._schema import read_schema

SCHEMA = read_schema()


@pytest.mark.parametrize("engine", ["fastexcel", "openpyxl"])
def test_header_found_below_title_rows_and_rows_numbered_as_in_excel(messy_export, engine):
    table = read_table(messy_export, SCHEMA, engine=engine)
    assert table.sheet == "Staff"
    assert table.header_row == 4
    # data rows start on Excel row 5; blank row 10 and totals row 13 are still there, numbered
    assert table.rows[0] == 5
    assert table.rows[-1] == 13
    assert len(table.frame) == 9
    assert table.frame["Employee Number"].iloc[0] == "1000"
    assert table.mapping["Ethnic Origin"] == "ethnic_origin"
    assert "As at 31/03/2025" in table.title_text


@pytest.mark.parametrize("engine", ["fastexcel", "openpyxl"])
def test_table_not_starting_in_a1_keeps_excel_row_numbers(tmp_path, engine):
    rows = [[], [], [None, None, "Report title"], [], [None] + HEADERS, [None] + staff_row(1), [None] + staff_row(2)]
    path = write_xlsx(tmp_path / "offset.xlsx", {"Data": rows})
    table = read_table(path, SCHEMA, engine=engine)
    assert table.header_row == 5
    assert list(table.rows) == [6, 7]


def test_both_engines_read_the_same_cells(messy_export):
    fast = read_table(messy_export, SCHEMA, engine="fastexcel")
    slow = read_table(messy_export, SCHEMA, engine="openpyxl")
    assert list(fast.frame.columns) == list(slow.frame.columns)
    np.testing.assert_array_equal(fast.rows, slow.rows)
    for col in ["Employee Number", "Ethnic Origin", "Pay Band"]:
        assert fast.frame[col].tolist() == slow.frame[col].tolist()


def test_two_row_header_with_merged_cells(tmp_path):
    upper = ["Employee Number", "Staff Group", "Pay Band", "Demographics", None, None]
    lower = [None, None, None, "Gender", "Ethnic Origin", "Disability"]
    data = ["123", "Administrative and Clerical", "Band 3", "Male", "N Black or Black British - African", "No"]
    path = write_xlsx(tmp_path / "two_row.xlsx", {"Sheet1": [["Title"], upper, lower, data]},
                      merges={"Sheet1": ["A2:A3", "B2:B3", "C2:C3", "D2:F2"]})
    table = read_table(path, SCHEMA)
    assert table.header_row == 3
    assert set(table.mapping.values()) >= {"employee_number", "staff_group", "band", "sex", "ethnic_origin", "disability"}
    assert list(table.rows) == [4]


def test_staff_sheet_is_picked_among_other_sheets(tmp_path):
    path = write_xlsx(tmp_path / "multi.xlsx", {
        "Notes": [["This export was produced by ESR BI."], ["Do not share."]],
        "Staff in Post": [HEADERS, staff_row(1)],
        "Summary": [["Band", "Headcount"], ["Band 5", 1]],
    })
    assert read_table(path, SCHEMA).sheet == "Staff in Post"


def test_ambiguous_workbook_lists_its_sheets(tmp_path):
    path = write_xlsx(tmp_path / "two_years.xlsx", {"2024": [HEADERS, staff_row(1)], "2025": [HEADERS, staff_row(2)]})
    with pytest.raises(AmbiguousSheetError) as err:
        read_table(path, SCHEMA)
    assert "'2024'" in str(err.value) and "'2025'" in str(err.value) and "sheet='2024'" in str(err.value)
    assert read_table(path, SCHEMA, sheet="2025").frame["Employee Number"].tolist() == ["1002"]
    assert read_table(path, SCHEMA, sheet=0).sheet == "2024"


def test_unknown_sheet_lists_the_sheets(messy_export):
    with pytest.raises(UnusableFileError, match="(?s)there is no sheet 'Staf'.*'Staff'"):
        read_table(messy_export, SCHEMA, sheet="Staf")


def test_no_staff_table(tmp_path):
    path = write_xlsx(tmp_path / "pivot.xlsx", {"Pivot": [["Band", "Count"], ["Band 5", 3]], "Chart": [["x"]]})
    with pytest.raises(NoStaffTableError, match="no staff table was found in any of its sheets \\('Pivot', 'Chart'\\)") as err:
        read_table(path, SCHEMA)
    assert "--schema" in str(err.value)


def test_csv_with_title_rows_blank_lines_and_semicolons(tmp_path):
    lines = ["Staff in post;;;", "", ";".join(HEADERS[:2] + ["Staff Group", "Pay Band", "Ethnic Origin"]),
             "1-1;1;Administrative and Clerical;Band 4;A White - British", "", "2-1;2;Estates and Ancillary;Band 2;Z Not Stated"]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path, SCHEMA)
    assert table.header_row == 3
    assert list(table.rows) == [4, 5, 6]
    assert table.frame["Pay Band"].tolist()[0] == "Band 4"


def test_csv_in_windows_encoding(tmp_path):
    path = tmp_path / "export.csv"
    text = "Employee Number,Staff Group,Pay Band,Ethnic Origin,Job Role\n1,Administrative and Clerical,Band 4,A White - British,Caf\u00e9 Supervisor\n"
    path.write_bytes(text.encode("cp1252"))
    assert read_table(path, SCHEMA).frame["Job Role"].tolist() == ["Caf\u00e9 Supervisor"]


def test_parquet(tmp_path):
    frame = pd.DataFrame([staff_row(1), staff_row(2)], columns=HEADERS)
    frame["Contracted WTE"] = frame["Contracted WTE"].astype(float)
    path = tmp_path / "national.parquet"
    frame.astype({"Hire Date": "datetime64[ns]", "Date of Birth": "datetime64[ns]"}).to_parquet(path)
    table = read_table(path, SCHEMA)
    assert table.sheet is None and list(table.rows) == [2, 3]


def test_xlsm_is_read(tmp_path, messy_export):
    path = tmp_path / "macro.xlsm"
    path.write_bytes(messy_export.read_bytes())
    assert read_table(path, SCHEMA).header_row == 4


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "missing.xlsx", "does not exist"),
        (b"", "empty.xlsx", "is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "locked.xlsx", "password-protected"),
        (b"%PDF-1.4 not a workbook", "report.xlsx", "not an Excel"),
        (b"hello", "notes.txt", "cannot be read"),
    ],
)
def test_unusable_files_say_why(tmp_path, content, name, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnusableFileError, match=message) as err:
        read_table(path, SCHEMA)
    assert str(path) in str(err.value)


def test_xls(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Staff")
    rows = [["Staff in Post"], [], ["Employee Number", "Staff Group", "Pay Band", "Ethnic Origin"],
            ["101", "Administrative and Clerical", "Band 4", "A White - British"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = tmp_path / "old.xls"
    book.save(str(path))
    for engine in ("fastexcel", "openpyxl"):  # openpyxl cannot read .xls: the fallback is xlrd
        table = read_table(path, SCHEMA, engine=engine)
        assert table.header_row == 3 and list(table.rows) == [4]
        assert table.frame["Pay Band"].tolist() == ["Band 4"]


_layout = st.fixed_dictionaries({
    "titles": st.lists(st.sampled_from(["Staff in Post", "Filter: All staff", "As at 31/03/2025", None]), max_size=6),
    "offset": st.integers(0, 3),  # empty columns to the left of the table
    "order": st.permutations(list(range(len(HEADERS)))),
    "extra": st.lists(st.sampled_from(["Notes", "Manager", "Colour"]), max_size=2, unique=True),
    "n_rows": st.integers(1, 6),
    "fmt": st.sampled_from(["xlsx", "csv"]),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_layout)
def test_any_layout_finds_the_header_and_numbers_rows_as_excel_does(tmp_path, layout):
    headers = [HEADERS[i] for i in layout["order"]] + layout["extra"]
    pad = [None] * layout["offset"]
    rows = [pad + ([t] if t else []) for t in layout["titles"]]
    rows.append(pad + headers)
    for n in range(layout["n_rows"]):
        values = staff_row(n)
        rows.append(pad + [values[i] for i in layout["order"]] + ["x"] * len(layout["extra"]))
    header_line = len(layout["titles"]) + 1
    if layout["fmt"] == "xlsx":
        path = write_xlsx(tmp_path / "layout.xlsx", {"Data": rows})
    else:
        path = tmp_path / "layout.csv"
        path.write_text("\n".join(",".join("" if v is None else str(v) for v in r) for r in rows) + "\n")
    table = read_table(path, SCHEMA)
    # calamine starts at the first used cell; the row numbers must still be Excel's
    assert table.header_row == header_line
    assert list(table.rows) == list(range(header_line + 1, header_line + 1 + layout["n_rows"]))
    assert set(table.mapping) == set(HEADERS)
    assert table.ignored_headers == layout["extra"] or set(table.ignored_headers) == set(layout["extra"])
    assert table.frame["Employee Number"].tolist() == [str(1000 + n) for n in range(layout["n_rows"])]


def test_a_header_with_a_cyrillic_lookalike_letter_is_read_and_named(tmp_path):
    from conftest import HEADERS, staff_row, write_xlsx

    import workforce

    headers = [h.replace("E", "\u0415", 1) if h == "Ethnic Origin" else h for h in HEADERS]   # Cyrillic Е
    rows = [headers] + [staff_row(i, Ethnic_Origin="H Asian or Asian British - Indian") for i in range(3)]
    staff = workforce.load_staff(write_xlsx(tmp_path / "cyrillic.xlsx", {"Staff": rows}))
    assert staff.assignments["ethnicity_code"].astype(str).tolist() == ["H"] * 3
    note = staff.report.problems[staff.report.problems["code"] == "lookalike_header"]
    assert len(note) == 1 and "Cyrillic Capital Letter Ie" in note["problem"].iat[0]


def test_a_run_of_blank_rows_is_one_note_not_one_per_row(tmp_path):
    import workforce

    lines = [",".join(["Employee Number", "Staff Group", "Pay Band", "Ethnic Origin"])]
    lines += [f"{i},Nursing and Midwifery Registered,Band 5,A" for i in range(1, 4)]
    lines += [""] * 5000 + ["9,Nursing and Midwifery Registered,Band 6,A", "", ""]
    path = tmp_path / "blank.csv"
    path.write_text("\n".join(lines) + "\n")
    report = workforce.load_staff(path, snapshot_date="2025-03-31").report
    blank = report.problems[report.problems["code"] == "blank_row"]
    assert blank["row"].tolist() == [5, 5006]
    assert blank["problem"].iat[0].startswith("rows 5 to 5,004 (5,000 rows)")
    assert int(report.counts["rows_excluded"].iat[0]) == 5002


def test_two_staff_tables_side_by_side_are_both_read(tmp_path):
    from conftest import HEADERS, staff_row, write_xlsx

    import workforce

    left = [staff_row(i) for i in range(5)]
    right = [staff_row(10 + i, Ethnic_Origin="N Black or Black British - African") for i in range(3)]
    rows = [HEADERS + [None] + HEADERS]
    rows += [left[i] + [None] + (right[i] if i < len(right) else [None] * len(HEADERS)) for i in range(len(left))]
    staff = workforce.load_staff(write_xlsx(tmp_path / "side.xlsx", {"Staff": rows}))
    codes = staff.assignments.sort_values("source_row")["ethnicity_code"].astype(str).tolist()
    assert sorted(codes) == ["A"] * 5 + ["N"] * 3
    assert staff.report.counts[["rows_read", "rows_used"]].iloc[0].tolist() == [8, 8]
    note = staff.report.problems[staff.report.problems["code"] == "tables_on_sheet"]["problem"].iat[0]
    assert "2 tables side by side (columns A-O and Q-AE)" in note


def test_a_second_table_below_with_its_own_header_and_column_order(tmp_path):
    from conftest import HEADERS, staff_row, write_xlsx

    import workforce

    order = list(reversed(range(len(HEADERS))))   # the second table's columns in another order
    second = [staff_row(20 + i, Ethnic_Origin="H Asian or Asian British - Indian", Pay_Band="Band 7")
              for i in range(4)]
    rows = [HEADERS] + [staff_row(i) for i in range(5)] + [[], ["Bank staff"]]
    rows += [[HEADERS[j] for j in order]] + [[r[j] for j in order] for r in second]
    staff = workforce.load_staff(write_xlsx(tmp_path / "stacked.xlsx", {"Staff": rows}))
    people = staff.assignments
    assert len(people) == 9
    later = people[people["source_row"] >= 10]
    assert later["ethnicity_code"].astype(str).tolist() == ["H"] * 4
    assert later["band"].astype(str).tolist() == ["7"] * 4
    skipped = staff.report.problems[staff.report.problems["code"] == "repeated_header_row"]
    assert skipped["row"].tolist() == [9]
    counts = staff.report.counts.iloc[0]
    assert (counts["rows_read"], counts["rows_used"], counts["rows_excluded"]) == (12, 9, 3)
