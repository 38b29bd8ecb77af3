"""load_staff: the clean staff table, the report, privacy and reconciliation."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import HEADERS, staff_row, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workforce
from workforce import load_staff
from workforce.errors import UnusableFileError
from workforce.load import ASSIGNMENT_COLUMNS, PEOPLE_COLUMNS


def test_messy_export_reconciles_and_lists_exclusions(messy_export):
    staff = load_staff(messy_export)
    report = staff.report
    assert report.rows_read == 9
    assert report.rows_used == 7
    assert report.rows_excluded == 2
    assert report.reconciles()
    reasons = dict(zip(report.exclusions["reason"], report.exclusions["rows"]))
    assert reasons == {"blank row": 1, "totals row": 1}
    assert report.is_valid  # blank and totals rows are notes, not problems
    assert report.exit_code == 0


def test_snapshot_date_from_title_row_and_age_at_that_date(messy_export):
    staff = load_staff(messy_export)
    assert staff.people["snapshot_date"].unique().tolist() == [pd.Timestamp("2025-03-31")]
    # born 1985-04-01 (n=0): not yet 40 on 31 March 2025
    first = staff.people.iloc[0]
    assert first["age"] == 39
    assert first["age_band"] == "35-44"
    assert first["service_years"] == pytest.approx((pd.Timestamp("2025-03-31") - pd.Timestamp("2015-06-01")).days / 365.25, abs=0.01)


def test_fixed_columns_and_dtypes(messy_export):
    staff = load_staff(messy_export)
    assert list(staff.assignments.columns) == ASSIGNMENT_COLUMNS
    assert list(staff.people.columns) == PEOPLE_COLUMNS
    assert staff.people["band"].dtype.ordered
    assert staff.people["wres_group"].value_counts().to_dict() == {"White": 6, "BME": 1, "Unknown": 0}
    assert (staff.people["source_row"].tolist()) == [5, 6, 7, 8, 9, 11, 12]


def test_no_identifier_reaches_the_tables_or_the_report(tmp_path):
    rows = [HEADERS] + [staff_row(i) for i in range(3)]
    rows.append(staff_row(3, Date_of_Birth="31/02/1980"))  # impossible date: reported, value withheld
    rows.append(staff_row(1, Last_Name="Again"))  # repeated assignment: reported, number withheld
    path = write_xlsx(tmp_path / "x.xlsx", {"S": rows})
    staff = load_staff(path, snapshot_date="2025-03-31")
    secrets = {"1000", "1001", "1002", "1003", "1000-1", "1001-1", "Surname0", "Surname1", "Again", "31/02/1980",
               "1985-04-01", "1985-04-02"}
    outputs = [staff.people, staff.assignments, staff.report.problems]
    for frame in outputs:
        text = [str(cell) for cell in frame.to_numpy().ravel()]
        assert not secrets & set(text), secrets & set(text)
        assert not any(s in cell for cell in text for s in ("Surname", "31/02/1980"))
    json_text = staff.report.to_json()
    assert not any(s in json_text for s in ("Surname", "31/02/1980", '"1001-1"'))
    assert {"first_name", "last_name", "date_of_birth", "employee_number"}.isdisjoint(staff.people.columns)


def test_keyed_hash_links_snapshots_and_depends_on_key(tmp_path):
    a = write_xlsx(tmp_path / "a_2024-03-31.xlsx", {"S": [HEADERS, staff_row(1), staff_row(2)]})
    b = write_xlsx(tmp_path / "b_2025-03-31.xlsx", {"S": [HEADERS, staff_row(2), staff_row(3)]})
    staff = load_staff([a, b], pseudonym_key="k1")
    by_snapshot = staff.people.groupby("snapshot_date")["person_id"].apply(set)
    assert len(by_snapshot.iloc[0] & by_snapshot.iloc[1]) == 1  # person 2 is in both
    assert set(staff.people["source_file"]) == {str(a), str(b)}
    other = load_staff([a], pseudonym_key="k2")
    assert set(other.people["person_id"]).isdisjoint(set(staff.people["person_id"]))


def test_problem_rows_name_file_sheet_row_column_value_and_fix(tmp_path):
    rows = [["Staff in Post"], HEADERS,
            staff_row(0),
            staff_row(1, Contracted_WTE="full time"),
            staff_row(2, Ethnic_Origin="White Brit"),
            staff_row(3, Pay_Band="Band 55"),
            staff_row(4, Employee_Number=None),
            staff_row(5, Contracted_WTE=-0.5)]
    path = write_xlsx(tmp_path / "bad.xlsx", {"Staff": rows})
    staff = load_staff(path, snapshot_date="2025-03-31")
    p = staff.report.problems.set_index("row")
    assert p.loc[4, "column"] == "Contracted WTE" and p.loc[4, "value"] == "full time" and p.loc[4, "severity"] == "warning"
    assert p.loc[5, "column"] == "Ethnic Origin" and p.loc[5, "value"] == "White Brit"
    assert p.loc[6, "column"] == "Pay Band" and p.loc[6, "value"] == "Band 55"
    assert p.loc[7, "column"] == "Employee Number" and p.loc[7, "action"] == "row excluded"
    assert p.loc[8, "column"] == "Contracted WTE" and "range" in p.loc[8, "problem"]
    assert (staff.report.problems["file"] == str(path)).all()
    assert set(staff.report.problems.dropna(subset=["row"])["sheet"]) == {"Staff"}
    assert all(isinstance(f, str) and f for f in staff.report.problems.dropna(subset=["row"])["fix"])
    assert staff.report.exit_code == 1
    # the values set aside are missing, not guessed; the rows are kept
    people = staff.people.set_index("source_row")
    assert pd.isna(people.loc[4, "fte"]) and pd.isna(people.loc[8, "fte"])
    assert people.loc[5, "wres_group"] == "Unknown" and pd.isna(people.loc[5, "ethnicity_code"])
    assert pd.isna(people.loc[6, "band"])
    assert 7 not in people.index


def test_people_one_row_per_person_by_documented_rule(tmp_path):
    rows = [HEADERS,
            # person 1: flagged primary is the part-time band 6 one
            staff_row(1, Assignment_Number="A1", Primary_Assignment="No", Contracted_WTE=0.6, Pay_Band="Band 7"),
            staff_row(1, Assignment_Number="A2", Primary_Assignment="Yes", Contracted_WTE=0.4, Pay_Band="Band 6"),
            # person 2: none flagged -> non-bank with the largest FTE
            staff_row(2, Assignment_Number="B1", Primary_Assignment=None, Assignment_Category="Bank", Contracted_WTE=0.0, Pay_Band="Band 8a"),
            staff_row(2, Assignment_Number="B2", Primary_Assignment=None, Contracted_WTE=0.8, Pay_Band="Band 5"),
            staff_row(2, Assignment_Number="B3", Primary_Assignment=None, Contracted_WTE=0.2, Pay_Band="Band 3")]
    staff = load_staff(write_xlsx(tmp_path / "p.xlsx", {"S": rows}), snapshot_date="2025-03-31")
    assert len(staff.assignments) == 5
    people = staff.people.sort_values("band")
    assert len(people) == 2
    p2, p1 = people.iloc[0], people.iloc[1]
    assert (p1["band"], p1["primary_basis"], p1["n_assignments"], p1["fte_total"]) == ("6", "flagged", 2, pytest.approx(1.0))
    assert (p2["band"], p2["primary_basis"], p2["n_assignments"], p2["fte_total"]) == ("5", "derived", 3, pytest.approx(1.0))


def test_user_schema_adds_aliases(tmp_path):
    headers = ["Staff Ref", "Staff Group", "Pay Band", "Job Role", "Ethnicity (ESR)"]
    path = write_xlsx(tmp_path / "local.xlsx", {"S": [headers, ["9", "Estates and Ancillary", "Band 2", "Porter", "M"]]})
    with pytest.raises(UnusableFileError, match="employee_number"):
        load_staff(path)
    extra = tmp_path / "local.yaml"
    extra.write_text("columns:\n  employee_number:\n    aliases: [Staff Ref]\n  ethnic_origin:\n    aliases: [Ethnicity (ESR)]\n")
    staff = load_staff(path, schema=extra, snapshot_date="2025-03-31", organisation="Local Trust")
    assert staff.people["ethnicity_code"].tolist() == ["M"]
    assert staff.people["organisation"].tolist() == ["Local Trust"]


def test_missing_required_column_is_unusable_and_says_which(tmp_path):
    path = write_xlsx(tmp_path / "noeth.xlsx", {"S": [HEADERS[:12], staff_row(1)[:12]]})
    with pytest.raises(UnusableFileError, match="ethnic_origin") as err:
        load_staff(path)
    assert "Ethnic Origin" in str(err.value) and "--schema" in str(err.value)


# ------------------------------------------------------------ the invariant

_row = st.fixed_dictionaries({
    "kind": st.sampled_from(["staff", "staff", "staff", "blank", "total", "no_id", "repeat", "note", "bad_wte"]),
    "eth": st.sampled_from(["A White - British", "N", "Z Not Stated", "", "Martian", "LB Asian Punjabi"]),
    "band": st.sampled_from(["Band 5", "8A", "Consultant", "", "Band 55", "VSM"]),
})


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_row, min_size=1, max_size=25))
def test_rows_read_always_equal_rows_used_plus_rows_excluded(tmp_path, rows):
    lines = [",".join(["Assignment Number", "Employee Number", "Staff Group", "Pay Band", "Ethnic Origin", "Contracted WTE"])]
    last_id = None
    for i, r in enumerate(rows):
        ident = f"{i}-1"
        if r["kind"] == "blank":
            lines.append(",,,,,")
        elif r["kind"] == "total":
            lines.append("Total,,,,,12")
        elif r["kind"] == "note":
            lines.append("Source: ESR,,,,,")
        else:
            emp = "" if r["kind"] == "no_id" else str(i)
            if r["kind"] == "repeat" and last_id:
                ident, emp = last_id
            wte = "lots" if r["kind"] == "bad_wte" else "1"
            lines.append(f"{ident},{emp},Administrative and Clerical,{r['band']},{r['eth']},{wte}")
            if emp:
                last_id = (ident, emp)
    path = tmp_path / "gen_2025-03-31.csv"
    path.write_text("\n".join(lines) + "\n")
    if all(r["kind"] in ("blank", "total", "note") for r in rows):   # a header with nothing to count below it
        with pytest.raises(UnusableFileError, match="no data rows below it"):
            load_staff(path)
        return
    staff = load_staff(path)
    report = staff.report
    assert report.rows_read == len(rows)
    assert report.rows_read == report.rows_used + report.rows_excluded
    assert report.reconciles()
    assert report.rows_used == len(staff.assignments)
    errors = report.problems[report.problems["action"] == "row excluded"]
    # every excluded row is listed with its reason (a run of rows skipped alike is one note: "rows 5 to 9 (5 rows)")
    listed = errors["problem"].str.extract(r"^rows [\d,]+ to [\d,]+ \(([\d,]+) rows\)")[0]
    assert int(listed.str.replace(",", "").astype(float).fillna(1).sum()) == report.rows_excluded
    assert staff.people["wres_group"].notna().all()


def test_sample_data_is_shipped():
    assert workforce.sample_data("talking_therapies_service.yaml").exists()
    with pytest.raises(FileNotFoundError, match="the sample files are"):
        workforce.sample_data("nope.xlsx")


def test_several_formats_combine_into_one_table(tmp_path, messy_export):
    csv = tmp_path / "other_2025-03-31.csv"
    pd.DataFrame([staff_row(50, Organisation="Other Trust")], columns=HEADERS).to_csv(csv, index=False)
    staff = load_staff([messy_export, csv])
    assert set(staff.people["organisation"]) == {"Test Trust", "Other Trust"}
    assert staff.report.counts["file"].tolist() == [str(messy_export), str(csv)]
    assert staff.report.reconciles()
    assert isinstance(staff.people["snapshot_date"].iloc[0], pd.Timestamp)
    assert staff.people["snapshot_date"].dt.date.unique().tolist() == [dt.date(2025, 3, 31)]


def test_local_value_spellings_from_a_schema_file(tmp_path):
    rows = [HEADERS, staff_row(1, Ethnic_Origin="White Brit"), staff_row(2, Pay_Band="Grade Eight A")]
    path = write_xlsx(tmp_path / "v_2025-03-31.xlsx", {"S": rows})
    before = load_staff(path)
    assert len(before.report.problems.query("severity == 'warning'")) == 2
    assert "values:" in before.report.problems.query("severity == 'warning'")["fix"].iloc[0]
    extra = tmp_path / "local.yaml"
    extra.write_text("columns:\n  ethnic_origin:\n    values: {white brit: A White - British}\n"
                     "  band:\n    values: {Grade Eight A: Band 8a}\n")
    after = load_staff(path, schema=extra)
    assert after.report.is_valid
    assert after.people["ethnicity_code"].tolist() == ["A", "A"]
    assert after.people["band"].astype(str).tolist() == ["5", "8a"]


def test_snapshot_column_gives_each_row_its_own_date(tmp_path):
    headers = HEADERS + ["Effective Date"]
    rows = [headers, staff_row(1) + ["31/03/2024"], staff_row(1, Assignment_Number="x-2") + ["31/03/2025"]]
    staff = load_staff(write_xlsx(tmp_path / "two_years.xlsx", {"S": rows}))
    people = staff.people.sort_values("snapshot_date")
    assert people["snapshot_date"].dt.year.tolist() == [2024, 2025]
    assert people["age"].tolist() == [38, 39]  # born 2 April 1985: birthday just after each 31 March
    assert people["person_id"].nunique() == 1


def test_pay_scale_gives_the_grade_when_the_band_is_blank(tmp_path):
    headers = HEADERS + ["Pay Scale"]
    rows = [headers, staff_row(1, Pay_Band=None) + ["Consultant"], staff_row(2) + ["XN05"]]
    staff = load_staff(write_xlsx(tmp_path / "ps_2025-03-31.xlsx", {"S": rows}))
    people = staff.people.sort_values("source_row")
    assert people["medical_grade"].tolist()[0] == "Consultant"
    assert people["band"].astype(str).tolist()[1] == "5"


def test_employee_numbers_in_scientific_notation_are_refused(tmp_path):
    """Excel shows a long number as 1.23457E+11 and a CSV saved from it keeps that text: five people merged into
    one (issue 13).  Each such row is excluded with a fix, its value withheld."""
    import csv

    rows = [HEADERS] + [staff_row(i) for i in range(6)]
    column = HEADERS.index("Employee Number")
    for row, text in zip(rows[1:4], ("1.23457E+11", "1.23457e+11", " 2E+10 ")):
        row[column] = text
    path = tmp_path / "mangled_2025-03-31.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    staff = load_staff([path])
    assert len(staff.people) == 3
    problems = staff.report.problems
    mangled = problems[problems["code"] == workforce.ProblemCode.KEY_IN_SCIENTIFIC_NOTATION]
    assert mangled["row"].tolist() == [2, 3, 4] and (mangled["severity"] == "error").all()
    assert "format the column as text" in mangled["fix"].iloc[0]
    assert not mangled["value"].astype(str).str.contains("E+", regex=False).any()   # withheld


def test_totals_and_footer_lines_are_recognised_in_any_column(tmp_path):
    """A "Total" line with a count where the employee number goes was kept as a person, and so was a CSV's
    "Grand Total,300" (issue 13).  A totals, count, page or "generated by" cell marks the line in any column;
    a person whose cells merely contain such words is kept."""
    import csv

    def line(**cells):
        out = [""] * len(HEADERS)
        for header, value in cells.items():
            out[HEADERS.index(header.replace("_", " "))] = value
        return out

    rows = [HEADERS] + [staff_row(i) for i in range(5)]
    rows[3][HEADERS.index("Job Role")] = "Total Reward Lead"   # a person, whatever their job is called
    rows += [line(Assignment_Number="Total", Employee_Number="300", Contracted_WTE="250.5"),
             line(Assignment_Number="Grand Total", Employee_Number="300"),
             line(Job_Role="Page 1 of 3"), line(Organisation="Generated by ESR BI on 04/04/2025"),
             line(Staff_Group="Count:", Pay_Band="5")]
    path = tmp_path / "footers_2025-03-31.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    staff = load_staff([path])
    assert len(staff.assignments) == 5
    excluded = staff.report.exclusions.set_index("reason")["rows"]
    assert excluded["totals row"] == 3 and excluded["footer row"] == 2
    assert staff.report.counts["rows_read"].sum() == 10 and staff.report.counts["rows_used"].sum() == 5


def test_the_as_at_date_of_the_title_rows_wins_and_no_title_text_is_quoted(tmp_path):
    """"Report run by J Smith (E1234567), on 04/04/2025" came before "As at 31/03/2025": the first date won, so
    ages were worked out at the wrong date, and the note quoted the whole title row (issue 13)."""
    rows = [["Report run by J Smith (E1234567, QQ123456C), on 04/04/2025"], ["Staff in post as at 31/03/2025"],
            [], HEADERS, staff_row(0), staff_row(1)]
    staff = load_staff(write_xlsx(tmp_path / "trust_staff.xlsx", {"Staff": rows}))
    assert staff.people["snapshot_date"].unique().tolist() == [pd.Timestamp("2025-03-31")]
    problems = staff.report.problems
    note = problems.loc[problems["code"] == workforce.ProblemCode.SNAPSHOT_DATE_FROM_TITLE, "problem"].iloc[0]
    assert note == "snapshot date 2025-03-31 taken from title row 2 (an 'as at' date)."
    text = staff.report.to_text()
    assert "Smith" not in text and "E1234567" not in text and "QQ123456C" not in text
    # only a "run on" date: used, and said so, with a fix
    rows = [["Report run on 04/04/2025"], [], HEADERS, staff_row(0)]
    staff = load_staff(write_xlsx(tmp_path / "run_only.xlsx", {"Staff": rows}))
    problems = staff.report.problems
    taken = problems[problems["code"] == workforce.ProblemCode.SNAPSHOT_DATE_FROM_TITLE].iloc[0]
    assert "the date the report was run" in taken["problem"] and "snapshot_date=" in taken["fix"]


def test_one_person_with_two_ethnicities_is_reported_with_the_value_used(tmp_path):
    """The same employee number with another ethnicity (or sex, date of birth) on a second assignment passed
    silently (issue 13): both rows are reported, and the value used (the primary assignment's) is said."""
    rows = [HEADERS, staff_row(0), staff_row(1)]
    second = staff_row(0, Assignment_Number="A0-2", Primary_Assignment="No", Ethnic_Origin="H Asian or Asian British - Indian",
                       Date_of_Birth="1970-01-01")
    rows.append(second)
    staff = load_staff(write_xlsx(tmp_path / "two_2025-03-31.xlsx", {"Staff": rows}))
    problems = staff.report.problems
    conflicts = problems[problems["code"] == workforce.ProblemCode.CONFLICTING_CHARACTERISTIC]
    assert sorted(conflicts["column"]) == ["age", "ethnicity_code"]
    assert (conflicts["row"] == 4).all() and (conflicts["severity"] == "warning").all()
    used = staff.people.set_index("source_row").loc[2]
    assert conflicts.set_index("column").loc["ethnicity_code", "problem"] == (
        f"the same person has another ethnicity on another assignment (row 2), whose value ({used['ethnicity_code']}) "
        "is used: their primary assignment.")
    assert len(staff.people) == 2 and staff.report.exit_code == 1


def test_of_two_columns_with_one_header_the_filled_one_is_read(tmp_path):
    """An empty "Ethnic Origin" column before the filled one was read, so everyone was Unknown and the file
    "Valid." (issue 13)."""
    column = HEADERS.index("Ethnic Origin")
    header = HEADERS[:column] + ["Ethnic Origin"] + HEADERS[column:]
    rows = [header] + [row[:column] + [None] + row[column:] for row in
                       (staff_row(i, Ethnic_Origin="N Black or Black British - African") for i in range(4))]
    staff = load_staff(write_xlsx(tmp_path / "twice_2025-03-31.xlsx", {"Staff": rows}))
    assert (staff.people["ethnicity_code"] == "N").all()
    problems = staff.report.problems
    note = problems.loc[problems["code"] == workforce.ProblemCode.DUPLICATE_HEADER, "problem"].iloc[0]
    assert note == ("column 'Ethnic Origin' repeats the column 'Ethnic Origin (2)' (ethnic_origin); the one with "
                    "more cells filled, 'Ethnic Origin (2)', was read.")
    assert not (problems["code"] == workforce.ProblemCode.COLUMN_NOT_READ).any()


def test_the_same_export_given_twice_is_counted_once(tmp_path):
    """The same file given twice (or the same assignments in two files for one trust and snapshot) counted
    every assignment and FTE twice, with no warning (issue 13)."""
    rows = [HEADERS] + [staff_row(i) for i in range(5)]
    first = write_xlsx(tmp_path / "a_2025-03-31.xlsx", {"Staff": rows})
    overlap = write_xlsx(tmp_path / "b_2025-03-31.xlsx", {"Staff": [HEADERS] + [staff_row(i) for i in range(3, 8)]})
    once = load_staff([first])
    twice = load_staff([first, first])
    assert len(twice.assignments) == len(once.assignments) == 5 and twice.people["fte_total"].sum() == 5.0
    assert twice.report.reconciles() and twice.report.rows_read == 10 and twice.report.rows_excluded == 5
    both = load_staff([first, overlap])
    assert len(both.people) == 8   # staff 0-7, the 2 in both files once
    problems = both.report.problems
    repeated = problems[problems["code"] == workforce.ProblemCode.REPEATED_ASSIGNMENT]
    assert repeated["file"].map(lambda f: f.endswith("b_2025-03-31.xlsx")).all() and len(repeated) == 2
    assert "read from a_2025-03-31.xlsx already" in repeated["problem"].iloc[0]
    assert both.report.reconciles()


def test_one_assignment_number_in_two_organisations_of_one_export_is_two_assignments(tmp_path):
    from conftest import HEADERS, staff_row, write_xlsx

    import workforce

    rows = [HEADERS] + [staff_row(i) for i in range(3)] + [staff_row(i, Organisation="Other Trust") for i in range(3)]
    rows += [staff_row(0)]   # a true repeat, in the first organisation
    staff = workforce.load_staff(write_xlsx(tmp_path / "icb.xlsx", {"Staff": rows}))
    assert staff.assignments.groupby("organisation", observed=True).size().to_dict() == {"Other Trust": 3,
                                                                                          "Test Trust": 3}
    assert staff.report.problems["code"].eq("repeated_assignment").sum() == 1


def test_files_loaded_at_once_give_the_tables_of_files_loaded_in_turn(tmp_path, monkeypatch):
    """load_staff reads up to WORKFORCE_LOAD_FILES files at once, on threads: the same tables, report and order."""
    paths = []
    for i, org in enumerate(["Trust A", "Trust B", "Trust C"]):
        path = tmp_path / f"{org.replace(' ', '_')}_2025-03-31.csv"
        rows = [staff_row(100 * i + n, Organisation=org) for n in range(6)] + [staff_row(5, Organisation=org)]
        pd.DataFrame(rows, columns=HEADERS).to_csv(path, index=False)
        paths.append(path)
    monkeypatch.setenv("WORKFORCE_LOAD_FILES", "1")
    in_turn = load_staff(paths, pseudonym_key="k")
    monkeypatch.setenv("WORKFORCE_LOAD_FILES", "3")
    at_once = load_staff(paths, pseudonym_key="k")
    pd.testing.assert_frame_equal(at_once.assignments, in_turn.assignments)
    pd.testing.assert_frame_equal(at_once.people, in_turn.people)
    pd.testing.assert_frame_equal(at_once.report.problems, in_turn.report.problems)
    pd.testing.assert_frame_equal(at_once.report.counts, in_turn.report.counts)
    assert at_once.report.counts["file"].tolist() == [str(p) for p in paths]
    assert at_once.report.notes == in_turn.report.notes


def test_of_files_loaded_at_once_the_first_failing_one_in_order_is_named(tmp_path, monkeypatch):
    good = tmp_path / "good_2025-03-31.csv"
    pd.DataFrame([staff_row(1)], columns=HEADERS).to_csv(good, index=False)
    first_bad, second_bad = tmp_path / "first_2025-03-31.csv", tmp_path / "second_2025-03-31.csv"
    first_bad.write_text("nothing,here\n1,2\n")
    second_bad.write_text("")
    monkeypatch.setenv("WORKFORCE_LOAD_FILES", "3")
    with pytest.raises(UnusableFileError) as raised:
        load_staff([good, first_bad, second_bad])
    assert "first_2025-03-31.csv" in str(raised.value) and "second_2025-03-31.csv" not in str(raised.value)


def test_files_loaded_at_once_set_to_nonsense_is_named(tmp_path, monkeypatch):
    path = tmp_path / "a_2025-03-31.csv"
    pd.DataFrame([staff_row(1)], columns=HEADERS).to_csv(path, index=False)
    monkeypatch.setenv("WORKFORCE_LOAD_FILES", "two")
    with pytest.raises(workforce.WorkforceError, match="WORKFORCE_LOAD_FILES is set to 'two'.*positive whole number"):
        load_staff([path, path])
