"""The data quality of a pack's inputs (workforce.publish._quality): counts, the sentence, the Validation sheet."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import workforce
from workforce.load import PROBLEM_COLUMNS, ValidationReport
from workforce.publish._quality import DataQuality

RUTLAND = "rutland_vale_staff_in_post_2025-03-31.xlsx"
BROKEN = "broken_export.xlsx"


@pytest.fixture(scope="module")
def quality() -> DataQuality:
    """Rutland Vale (4 values set aside, sample_data/README.md) and the broken export (12 mistakes)."""
    staff = workforce.load_staff([workforce.sample_data(RUTLAND), workforce.sample_data(BROKEN)])
    return DataQuality.of(staff)


def report(problems: list[dict], counts: list[dict], exclusions: list[dict] = ()) -> ValidationReport:
    rows = [{c: p.get(c) for c in PROBLEM_COLUMNS} for p in problems]
    return ValidationReport(problems=pd.DataFrame(rows, columns=PROBLEM_COLUMNS), counts=pd.DataFrame(counts),
                            exclusions=pd.DataFrame(list(exclusions), columns=["file", "reason", "rows"]))


def test_each_file_reconciles_read_used_and_excluded(quality):
    files = {f.file: f for f in quality.files}
    assert list(files) == [RUTLAND, BROKEN]
    # Rutland Vale: 844 rows, none excluded; the broken export: 41 rows below its header, 5 excluded
    # (rows 9, 17 and 33 have no employee number, row 27 repeats an assignment, row 46 is the totals row)
    assert (files[RUTLAND].rows_read, files[RUTLAND].rows_used, files[RUTLAND].rows_excluded) == (844, 844, 0)
    assert (files[BROKEN].rows_read, files[BROKEN].rows_used, files[BROKEN].rows_excluded) == (41, 36, 5)
    assert dict(files[BROKEN].excluded) == {"no employee number": 3, "totals row": 1,
                                            "repeats an assignment number already read in this file": 1}
    for f in quality.files:
        assert f.rows_read == f.rows_used + f.rows_excluded == f.rows_used + sum(f.excluded.values())
    assert quality.reconciles()
    assert (quality.rows_read, quality.rows_used, quality.rows_excluded) == (885, 880, 5)


def test_a_file_whose_counts_do_not_add_up_is_said_not_to_reconcile():
    bad = report([], [{"file": "a.xlsx", "sheet": "S", "rows_read": 10, "rows_used": 8, "rows_excluded": 1}],
                 [{"file": "a.xlsx", "reason": "blank row", "rows": 1}])
    assert not DataQuality.from_reports([("staff", bad)]).reconciles()


def test_values_set_aside_are_counted_by_column(quality):
    files = {f.file: f for f in quality.files}
    assert dict(files[RUTLAND].set_aside) == {"WTE": 1, "Age": 1, "Ethnic Origin": 1, "Grade": 1}
    assert dict(files[BROKEN].set_aside) == {"Contracted WTE": 2, "Hire Date": 1, "Date of Birth": 1,
                                             "Ethnic Origin": 2, "Pay Band": 2}
    assert quality.values_set_aside == 12


def test_the_sentence_says_rows_read_used_excluded_and_values_set_aside():
    staff = workforce.load_staff(workforce.sample_data(RUTLAND))
    assert DataQuality.of(staff).sentence() == (
        "844 rows read from 1 file: all used; 4 values set aside (WTE 1, Age 1, Ethnic Origin 1, Grade 1). "
        "The Validation sheet of tables.xlsx lists them.")


def test_the_sentence_gives_the_reasons_rows_were_excluded(quality):
    sentence = quality.sentence()
    assert sentence.startswith("885 rows read from 2 files: 880 used, 5 excluded (3 with no employee number, "
                               "1 repeating an assignment number already read in this file, 1 totals row); "
                               "12 values set aside (WTE 1, Age 1, Ethnic Origin 3, Grade 1, Contracted WTE 2, ")
    assert "Pay Band 2). The Validation sheet of tables.xlsx lists them." in sentence
    assert "warning" not in sentence and "/" not in sentence


def test_the_validation_sheet_has_one_row_per_kind_of_problem(quality):
    table = quality.table()
    ethnicity = table[(table["file"] == BROKEN) & (table["column"] == "Ethnic Origin")]
    assert len(ethnicity) == 1
    row = ethnicity.iloc[0]
    assert (row["done"], row["rows"], row["excel_rows"]) == ("value set aside", 2, "15, 39")
    assert set(row["values"].split("; ")) == {"Asain - Indain", "Martian"}
    no_number = table[table["problem"].str.contains("no employee number")].iloc[0]
    assert (no_number["done"], no_number["rows"], no_number["excel_rows"]) == ("row excluded", 3, "9, 17, 33")
    assert set(table["done"]) <= {"row excluded", "value set aside", "warning", "note"}
    assert not table["file"].str.contains("/").any()


def test_the_validation_sheet_quotes_no_identifier_or_date_of_birth(quality):
    staff_file = pd.read_excel(workforce.sample_data(BROKEN), header=None, dtype=str, engine="openpyxl")
    cells = set(staff_file.stack().astype(str).str.strip())
    table = quality.table()
    quoted = [v for text in table["values"] for v in text.split("; ") if v]
    assert "(withheld: date of birth)" in quoted and "(withheld: assignment number)" in quoted
    header = staff_file.index[staff_file.eq("Employee Number").any(axis=1)][0]
    columns = staff_file.loc[header]
    for name in ("Employee Number", "Assignment Number", "Date of Birth", "Last Name"):
        column = columns[columns == name].index[0]
        identifiers = set(staff_file.loc[header + 1:, column].dropna().astype(str).str.strip()) & cells
        assert not identifiers & set(quoted), name


def test_a_valid_value_that_disagrees_with_another_is_not_quoted():
    """One person's two assignments with two ethnicities: a warning, the rows listed, neither ethnicity quoted."""
    problems = [{"file": "trust.xlsx", "sheet": "S", "row": row, "column": "ethnicity_code", "value": value,
                 "code": "conflicting_characteristic", "severity": "warning",
                 "problem": f"the same person has another ethnicity on another assignment (row {other}), whose value "
                            f"({theirs}) is used: their primary assignment.",
                 "action": "the primary assignment's value used"}
                for row, other, value, theirs in ((7, 8, "H", "A"), (12, 13, "M", "A"))]
    counts = [{"file": "trust.xlsx", "sheet": "S", "rows_read": 20, "rows_used": 20, "rows_excluded": 0}]
    quality = DataQuality.from_reports([("staff", report(problems, counts))])
    table = quality.table()
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["done"], row["rows"], row["excel_rows"], row["values"]) == ("warning", 2, "7, 12", "")
    assert "(A)" not in row["problem"] and "(H)" not in row["problem"]
    assert quality.warnings == 2 and quality.sentence().endswith(
        "all used; 2 other warnings. The Validation sheet of tables.xlsx lists them.")


def test_excel_rows_are_listed_up_to_twenty_and_runs_of_blank_rows_counted_whole():
    problems = [{"file": "/home/someone/trust.xlsx", "sheet": "S", "row": 10 + i, "column": "Pay Band",
                 "value": f"Band {50 + i}", "code": "unrecognised_value", "problem": "not a band.",
                 "severity": "warning", "action": "value treated as missing"} for i in range(25)]
    problems.append({"file": "/home/someone/trust.xlsx", "sheet": "S", "row": 5, "code": "blank_row",
                     "problem": "rows 5 to 9 (5 rows): blank row skipped.", "severity": "note",
                     "action": "row excluded"})
    problems.append({"file": "/home/someone/trust.xlsx", "sheet": "S", "row": 40, "code": "blank_row",
                     "problem": "blank row skipped.", "severity": "note", "action": "row excluded"})
    counts = [{"file": "/home/someone/trust.xlsx", "sheet": "S", "rows_read": 40, "rows_used": 34,
               "rows_excluded": 6}]
    quality = DataQuality.from_reports([("staff", report(problems, counts,
                                                         [{"file": "/home/someone/trust.xlsx",
                                                           "reason": "blank row", "rows": 6}]))])
    table = quality.table()
    band = table[table["column"] == "Pay Band"].iloc[0]
    assert band["rows"] == 25
    assert band["excel_rows"] == ", ".join(str(10 + i) for i in range(20)) + ", …"
    assert band["values"].endswith("; …") and len(band["values"].split("; ")) == 11
    blank = table[table["done"] == "row excluded"].iloc[0]
    assert (blank["problem"], blank["rows"], blank["excel_rows"]) == ("blank row skipped.", 6, "5 to 9, 40")
    assert quality.sentence() == ("40 rows read from 1 file: 34 used, 6 excluded (6 blank rows); 25 values set "
                                  "aside (Pay Band 25). The Validation sheet of tables.xlsx lists them.")


def test_the_manifest_entry_names_files_without_their_folders(quality):
    entry = quality.to_manifest()
    text = json.dumps(entry)
    assert "/" not in text.replace("(0 to 1)", "")
    assert entry["summary"] == quality.sentence()
    assert entry["reconciles"] is True
    assert [f["file"] for f in entry["files"]] == [RUTLAND, BROKEN]
    for f in entry["files"]:
        assert f["rows read"] == f["rows used"] + f["rows excluded"]


def test_nothing_to_say_when_every_row_is_used():
    clean = report([{"file": "a.csv", "sheet": None, "row": None, "code": "header_found",
                     "problem": "header found on row 1.", "severity": "note", "action": ""}],
                   [{"file": "a.csv", "sheet": None, "rows_read": 12, "rows_used": 12, "rows_excluded": 0}])
    quality = DataQuality.from_reports([("staff", clean)])
    assert not quality.worth_saying()
    assert quality.sentence() == ("12 rows read from 1 file: all used. The Validation sheet of tables.xlsx says "
                                  "how each file was read.")
    assert list(quality.table()["done"]) == ["note"]
