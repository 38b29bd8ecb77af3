"""Loading recruitment, cases, training and board files: layouts, spellings, privacy and every error's place."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import write_xlsx

from workforce import load_staff, sample_data
from workforce.errors import AmbiguousSheetError, NoStaffTableError, UnusableFileError
from workforce.load._inputs import (
    BOARD_COLUMNS,
    DISCIPLINARY_COLUMNS,
    FRAME_NAME,
    RECRUITMENT_COLUMNS,
    TRAINING_COLUMNS,
    load_board,
    load_disciplinary,
    load_recruitment,
    load_training,
)

TITLES = [["Recruitment report"], ["Organisation: Test Trust"], []]  # Excel rows 1-3; header on row 4


def problems(loaded, severity=None):
    """(Excel row, column as written, value) of each problem that is not a note, in row order."""
    p = loaded.report.problems
    p = p[p["severity"] != "note"] if severity is None else p[p["severity"] == severity]
    return sorted(zip(p["row"].astype(int), p["column"], p["value"]), key=lambda x: (x[0], x[1]))


# ---------------------------------------------------------------- recruitment: applications


def test_applications_read_every_stage_spelling(tmp_path):
    header = ["Vacancy Ref", "Applicant ID", "Band", "Stage Reached", "Ethnicity", "Disability", "Gender", "Age Band"]
    stages = ["Applied", "Not shortlisted", "Shortlisted", "Interviewed - not appointed", "Offer accepted",
              "APPOINTED", "Conditional offer", "Offer declined"]
    rows = [[f"V{i % 2}", f"A{i}", "Band 5", stage, "A White - British" if i % 2 else "N", "No", "F", "25-29"]
            for i, stage in enumerate(stages)]
    path = write_xlsx(tmp_path / "apps.xlsx", {"TRAC": TITLES + [header] + rows})
    rec = load_recruitment(path)
    assert rec.layout == "applications" and rec.report.is_valid and rec.report.reconciles()
    t = rec.table
    assert list(t.columns) == RECRUITMENT_COLUMNS
    assert t["stage"].astype(str).tolist() == ["applied"] * 2 + ["shortlisted"] * 2 + ["appointed"] * 4
    assert t["shortlisted"].tolist() == [0, 0, 1, 1, 1, 1, 1, 1]
    assert t["appointed"].tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert t["wres_group"].astype(str).tolist() == ["BME", "White"] * 4
    assert t["source_row"].tolist() == list(range(5, 13))  # Excel rows below the header on row 4
    assert t["band"].astype(str).unique().tolist() == ["5"] and t["age_band"].astype(str).unique().tolist() == ["25-34"]
    assert not set(t["applicant_id"]) & {f"A{i}" for i in range(8)}  # hashed


def test_unknown_stage_is_an_error_naming_file_sheet_row_and_column(tmp_path):
    header = ["Vacancy Reference", "Stage", "Ethnic Origin", "Disability"]
    rows = [["V1", "Shortlisted", "A", "No"], ["V1", "Offer pending", "A", "No"], ["V1", "Appointed", "H", "Yes"],
            ["V1", None, "H", "No"]]
    path = write_xlsx(tmp_path / "bad_stage.xlsx", {"Applications": TITLES + [header] + rows})
    rec = load_recruitment(path)
    p = rec.report.problems
    bad = p[p["severity"] == "error"].set_index("row")
    assert bad.loc[6, "column"] == "Stage" and bad.loc[6, "value"] == "Offer pending"
    assert bad.loc[6, "file"] == str(path) and bad.loc[6, "sheet"] == "Applications"
    assert "not counted" in bad.loc[6, "problem"] and bad.loc[6, "action"] == "row excluded"
    assert bad.loc[8, "column"] == "Stage" and "no stage" in bad.loc[8, "problem"]  # blank stage
    assert len(rec.table) == 2 and rec.report.rows_excluded == 2 and rec.report.reconciles()
    assert set(rec.report.exclusions["reason"]) == {"stage not recognised", "no stage"}
    assert "row 6, column 'Stage': value 'Offer pending'" in rec.report.to_text()


def test_a_local_stage_spelling_is_taught_in_a_schema_file(tmp_path):
    header = ["Vacancy Reference", "Stage", "Ethnic Origin"]
    path = write_xlsx(tmp_path / "apps.xlsx", {"S": [header, ["V", "Offer pending", "A"], ["V", "Hired", "A"],
                                                    ["V", "Applied", "A"]]})
    extra = tmp_path / "mine.yaml"
    extra.write_text("columns:\n  stage:\n    values: {'Offer pending': shortlisted}\n", encoding="utf-8")
    rec = load_recruitment(path, schema=extra)
    assert rec.report.is_valid
    assert rec.table["stage"].astype(str).tolist() == ["shortlisted", "appointed", "applied"]


# ---------------------------------------------------------------- recruitment: counts


def test_counts_by_group_with_a_totals_row(tmp_path):
    header = ["Group", "Applied", "Shortlisted", "Appointed"]
    rows = [["White", 400, 120, 36], ["BME", 500, 80, 12], ["Ethnicity unknown", 30, 10, 3],
            ["Disabled", 50, 20, 4], ["Non-disabled", 850, 180, 45], ["Disability not declared", 30, 10, 2],
            ["Total", 930, 210, 51]]
    rec = load_recruitment(write_xlsx(tmp_path / "counts.xlsx", {"Summary": TITLES + [header] + rows}))
    assert rec.layout == "counts" and rec.report.is_valid and rec.report.reconciles()
    assert rec.report.exclusions["reason"].tolist() == ["totals row"]
    t = rec.table.set_index(rec.table["wres_group"].astype(str).where(rec.table["wres_group"].notna(),
                                                                      rec.table["disability"].astype(str)))
    assert t.loc["White", ["shortlisted", "appointed"]].tolist() == [120, 36]
    assert t.loc["BME", "disability"] is pd.NA or pd.isna(t.loc["BME", "disability"])  # a row about ethnicity only
    assert t.loc["Yes", "appointed"] == 4 and pd.isna(t.loc["Yes", "wres_group"])
    assert t.loc["Unknown", "shortlisted"].tolist() == [10, 10]  # ethnicity unknown, disability unknown


def test_appointed_more_than_shortlisted_names_file_row_and_column(tmp_path):
    header = ["Ethnicity", "Shortlisted", "Appointed"]
    rows = [["White", 120, 36], ["BME", 95, 104], ["Not stated", 8, 2]]
    path = write_xlsx(tmp_path / "counts.xlsx", {"Summary": [header] + rows})
    rec = load_recruitment(path)
    assert problems(rec) == [(3, "Appointed", "104")]
    error = rec.report.problems.iloc[0]
    assert error["file"] == str(path) and error["sheet"] == "Summary" and error["severity"] == "error"
    assert "more were appointed than shortlisted" in error["problem"] and "95" in error["problem"]
    assert rec.table["wres_group"].astype(str).tolist() == ["White", "Unknown"]  # the BME row is not counted
    assert rec.report.reconciles()


def test_an_unknown_group_is_placed_by_the_other_rows_or_reported(tmp_path):
    header = ["Group", "Shortlisted", "Appointed"]
    only_ethnicity = load_recruitment(pd.DataFrame([["White", 10, 3], ["BME", 10, 2], ["Unknown", 4, 1]],
                                                   columns=header))
    assert only_ethnicity.table["wres_group"].astype(str).tolist() == ["White", "BME", "Unknown"]
    assert only_ethnicity.table["disability"].isna().all()
    both = load_recruitment(pd.DataFrame([["White", 10, 3], ["Disabled", 4, 1], ["Prefer not to say", 4, 1],
                                          ["Martian", 3, 1]], columns=header))
    assert problems(both, "warning") == [(4, "Group", "Prefer not to say"), (5, "Group", "Martian")]
    assert both.table[["wres_group", "disability"]].isna().all(axis=1).tolist() == [False, False, True, True]


def test_a_data_frame_is_read_like_a_sheet_with_its_header_in_row_1():
    frame = pd.DataFrame({"Group": ["White", "BME"], "Shortlisted": [10, 5], "Appointed": [3, 9]})
    rec = load_recruitment(frame)
    assert problems(rec) == [(3, "Appointed", "9")]
    assert rec.report.problems["file"].iloc[0] == FRAME_NAME
    assert frame.columns.tolist() == ["Group", "Shortlisted", "Appointed"]  # the caller's frame is untouched


def test_a_table_of_neither_layout_is_unusable(tmp_path):
    frame = pd.DataFrame({"Vacancy Reference": ["V1"], "Ethnicity": ["A"], "Band": ["Band 5"]})
    with pytest.raises(UnusableFileError, match="neither a stage column"):
        load_recruitment(frame)
    path = write_xlsx(tmp_path / "other.xlsx", {"Sheet1": [["Name", "Colour"], ["x", "red"]]})
    with pytest.raises(NoStaffTableError, match="no recruitment table was found") as raised:
        load_recruitment(path)
    assert ". with" not in str(raised.value) and ", with headers such as" in str(raised.value)   # one sentence


def test_the_broken_sample_file_reports_each_planted_error():
    path = sample_data("broken_recruitment.xlsx")
    with pytest.raises(AmbiguousSheetError, match="looks like a recruitment table: 'Applications', 'Summary'"):
        load_recruitment(path)
    apps = load_recruitment(path, sheet="Applications")
    assert problems(apps) == [(9, "Stage Reached", "Offer pending"), (21, "Stage Reached", "Withdrawn")]
    summary = load_recruitment(path, sheet="Summary")
    assert problems(summary) == [(5, "Appointed", "104")]
    for loaded in (apps, summary):
        assert loaded.report.exit_code == 1 and loaded.report.reconciles()
        assert set(loaded.report.problems["file"]) == {str(path)}


# ---------------------------------------------------------------- cases, training, board


def test_cases_link_to_staff_by_the_same_keyed_hash(tmp_path):
    staff = load_staff(sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"), pseudonym_key="k")
    raw = pd.read_excel(sample_data("soar_valley_disciplinary_2024-25.xlsx"), header=4, dtype=str, engine="openpyxl")
    cases = load_disciplinary(sample_data("soar_valley_disciplinary_2024-25.xlsx"), pseudonym_key="k")
    assert list(cases.table.columns) == DISCIPLINARY_COLUMNS and cases.report.is_valid
    assert set(cases.table["person_id"]) <= set(staff.people["person_id"])
    outputs = " ".join(map(str, cases.table.to_numpy().ravel())) + cases.report.to_json()
    assert not any(v in outputs for v in raw["Employee Number"]) and not any(v in outputs for v in raw["Employee Name"])
    assert not any(v in outputs for v in raw["Case Reference"])


def test_case_rows_without_employee_number_or_known_type_are_errors():
    frame = pd.DataFrame({"Employee Number": ["1", None, "3", "4"],
                          "Case Type": ["Gross misconduct", "Disciplinary", "Grievance", "Capability - ill health"],
                          "Ethnicity": ["H", "A", "A", None]})
    cases = load_disciplinary(frame)
    assert problems(cases) == [(3, "Employee Number", None), (4, "Case Type", "Grievance")]
    assert cases.table["case_type"].astype(str).tolist() == ["disciplinary", "capability (ill health)"]
    assert cases.table["wres_group"].astype(str).tolist() == ["BME", "Unknown"]  # blank: taken from staff later
    assert cases.report.reconciles()


def test_a_missing_required_column_makes_the_file_unusable():
    with pytest.raises(UnusableFileError, match="the disciplinary table has no column for: case_type"):
        load_disciplinary(pd.DataFrame({"Employee Number": ["1"], "Ethnicity": ["A"], "Disability": ["No"]}))


def test_only_non_mandatory_training_counts():
    frame = pd.DataFrame({"Staff Number": ["1", "1", "2", "3"], "Course": ["Coaching", "Fire Safety", "MSc", "BLS"],
                          "Mandatory": ["No", "Yes", None, "maybe"]})
    training = load_training(frame)
    assert list(training.table.columns) == TRAINING_COLUMNS
    assert training.table["counted"].tolist() == [True, False, False, False]
    assert problems(training, "warning") == [(4, "Mandatory", None), (5, "Mandatory", "maybe")]
    no_flag = load_training(frame.drop(columns="Mandatory"))
    assert no_flag.table["counted"].all()
    assert no_flag.report.problems["problem"].str.contains("every record is taken as non-mandatory").any()


def test_board_members_flags_and_names(tmp_path):
    header = ["Name", "Role", "Voting Member", "Executive", "Ethnicity", "Disability"]
    rows = [["Ann Chair", "Chair", "Yes", "No", "A", "No"], ["Raj Ned", "NED", "Y", "N", "H", None],
            ["Kim Exec", "Chief Executive", "Yes", "Yes", None, "Yes"], ["Lee Exec", "Director", "sometimes", "Yes",
                                                                         "N", "No"]]
    board = load_board(write_xlsx(tmp_path / "board.xlsx", {"Board": [["Board register"], []] + [header] + rows}))
    t = board.table
    assert list(t.columns) == BOARD_COLUMNS
    assert t["voting"].tolist() == [True, True, True, pd.NA] and t["executive"].tolist() == [False, False, True, True]
    assert t["wres_group"].astype(str).tolist() == ["White", "BME", "Unknown", "BME"]
    assert problems(board, "warning") == [(7, "Voting Member", "sometimes")]  # once: not also "blank"
    assert "Ann Chair" not in board.report.to_json() + " ".join(map(str, t.to_numpy().ravel()))
    blank = load_board(pd.DataFrame({"Role": ["Chair"], "Voting": [None], "Executive": ["No"]}))
    assert problems(blank, "warning") == [(2, "Voting", None)] and blank.table["voting"].isna().all()


@pytest.mark.parametrize(("name", "loader", "rows"), [
    ("soar_valley_recruitment_2024-25.xlsx", load_recruitment, 4980),
    ("soar_valley_disciplinary_2024-25.xlsx", load_disciplinary, 127),
    ("soar_valley_training_2024-25.xlsx", load_training, 3765),
    ("soar_valley_board_2025-03-31.xlsx", load_board, 14),
])
def test_the_sample_files_are_valid(name, loader, rows):
    loaded = loader(sample_data(name))
    assert loaded.report.is_valid and loaded.report.reconciles()
    assert len(loaded.table) == loaded.report.rows_read == rows


# ---------------------------------------------------------------- every problem row has a stable code


def test_every_problem_row_has_a_problem_code():
    from workforce import ProblemCode
    from workforce.load import PROBLEM_COLUMNS

    reports = [load_staff(sample_data("broken_export.xlsx")).report,
               load_recruitment(sample_data("broken_recruitment.xlsx"), sheet="Applications").report,
               load_recruitment(sample_data("broken_recruitment.xlsx"), sheet="Summary").report,
               load_training(pd.DataFrame({"Employee Number": ["1", None, "2"], "Course": ["CPD", "x", "y"]})).report]
    problems = pd.concat([r.problems for r in reports], ignore_index=True)
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert problems["code"].notna().all()
    assert set(problems["code"]) <= {c.value for c in ProblemCode}
    for code in ("stage_not_recognised", "counts_inconsistent", "missing_key", "no_mandatory_column",
                 "header_found", "totals_row"):
        assert code in set(problems["code"]), code
    staff = reports[0].problems
    # the same problem always has the same code, whatever its wording
    assert staff.groupby("code")["severity"].nunique().eq(1).all()
    assert reports[0].to_dict()["problems"][0]["code"] in {c.value for c in ProblemCode}
