"""WRES 2, 3, 4, 9 and WDES 2, 3, 10: hand-worked figures, directions and zero cells."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import HEADERS, INPUTS, staff_row, write_xlsx
from statsmodels.stats.contingency_tables import Table2x2

from workforce import load_staff, sample_data
from workforce.analysis._indicators import (
    BOARD_INDICATOR_COLUMNS,
    LIKELIHOOD_COLUMNS,
    wdes_board,
    wdes_capability,
    wdes_recruitment,
    wres_board,
    wres_disciplinary,
    wres_recruitment,
    wres_training,
)
from workforce.analysis._likelihood import relative_likelihood
from workforce.errors import WorkforceError
from workforce.load._inputs import load_board, load_disciplinary, load_recruitment, load_training

KEY = "test key"
WHITE, BME, NOT_STATED = "A White - British", "H Asian or Asian British - Indian", "Z Not Stated"


def counts(rows):
    return load_recruitment(pd.DataFrame(rows, columns=["Group", "Shortlisted", "Appointed"]))


# ---------------------------------------------------------------- recruitment: a hand-worked example


def test_hand_worked_recruitment_relative_likelihood_and_interval():
    # White: 36 of 120 shortlisted appointed (30%); BME: 12 of 80 (15%).  RL = 0.30 / 0.15 = 2.0.
    # SE(log RL) = sqrt(1/36 - 1/120 + 1/12 - 1/80) = sqrt(0.0902778) = 0.300463
    # 95% CI = exp(log 2 -/+ 1.959964 x 0.300463) = exp(0.693147 -/+ 0.588896) = 1.1099 to 3.6040
    # p = 2 x Phi(-0.693147 / 0.300463) = 2 x Phi(-2.30694) = 0.0211
    table = counts([["White", 120, 36], ["BME", 80, 12], ["Not stated", 10, 3]])
    row = wres_recruitment(table).table.iloc[0]
    assert (row["group_a"], row["group_b"]) == ("White", "BME")
    assert [row[c] for c in ("events_a", "total_a", "events_b", "total_b")] == [36, 120, 12, 80]
    assert row["rate_a"] == pytest.approx(0.30) and row["rate_b"] == pytest.approx(0.15)
    assert row["ratio"] == pytest.approx(2.0)
    assert row["ci_low"] == pytest.approx(1.1099, abs=1e-4) and row["ci_high"] == pytest.approx(3.6040, abs=1e-4)
    assert row["p_value"] == pytest.approx(0.0211, abs=1e-4)
    assert row["outside_non_adverse"] and row["significant"] and row["state"] == "estimated"
    assert (row["unknown_events"], row["unknown_total"]) == (3, 10)  # counted, left out of the ratio
    # the same 2x2 table in statsmodels (row 1 White, row 2 BME; columns appointed, not appointed)
    reference = Table2x2(np.array([[36, 84], [12, 68]]))
    assert row["ratio"] == pytest.approx(reference.riskratio)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(reference.riskratio_confint())
    assert row["p_value"] == pytest.approx(reference.riskratio_pvalue())


def test_applications_give_the_same_figures_as_their_counts():
    rows = ([("A White - British", "Offer accepted")] * 36 + [("A", "Interviewed - not appointed")] * 84
            + [("A", "Not shortlisted")] * 50 + [("N", "Appointed")] * 12 + [("N", "Shortlisted")] * 68
            + [("N", "Applied")] * 40 + [(None, "Appointed")] * 3 + [("Z", "Shortlisted")] * 7)
    apps = pd.DataFrame(rows, columns=["Ethnic Origin", "Stage"]).assign(**{"Vacancy Reference": "V1"})
    from_apps = wres_recruitment(load_recruitment(apps)).table
    from_counts = wres_recruitment(counts([["White", 120, 36], ["BME", 80, 12], ["Unknown", 10, 3]])).table
    pd.testing.assert_frame_equal(from_apps, from_counts)


def test_directions_swapping_the_groups_gives_the_reciprocal():
    forward = wres_recruitment(counts([["White", 120, 36], ["BME", 80, 12]])).table.iloc[0]
    swapped = wres_recruitment(counts([["White", 80, 12], ["BME", 120, 36]])).table.iloc[0]
    assert swapped["ratio"] == pytest.approx(1 / forward["ratio"])
    assert (swapped["ci_low"], swapped["ci_high"]) == pytest.approx((1 / forward["ci_high"], 1 / forward["ci_low"]))
    # WRES 2 is White / BME: the BME / White ratio of the same counts is its reciprocal
    assert relative_likelihood(12, 80, 36, 120).ratio == pytest.approx(1 / forward["ratio"])
    # WDES 2 is non-disabled / Disabled
    wdes2 = wdes_recruitment(counts([["Non-disabled", 120, 36], ["Disabled", 80, 12]])).table.iloc[0]
    assert (wdes2["group_a"], wdes2["group_b"], wdes2["ratio"]) == ("Non-disabled", "Disabled", pytest.approx(2.0))


def test_a_zero_cell_is_not_estimable():
    row = wres_recruitment(counts([["White", 120, 36], ["BME", 80, 0]])).table.iloc[0]
    assert row["state"] == "not estimable" and "no events" in row["reason"]
    assert math.isnan(row["ratio"]) and math.isnan(row["ci_low"]) and pd.isna(row["significant"])
    assert row["rate_b"] == 0.0  # the counts and rates are still shown
    no_disability = wdes_recruitment(counts([["White", 120, 36], ["BME", 80, 12]])).table.iloc[0]
    assert no_disability["state"] == "not estimable" and no_disability["reason"] == "the data give no disability"


def test_small_groups_are_insufficient_data_with_figures():
    row = wres_recruitment(counts([["White", 120, 36], ["BME", 8, 2]])).table.iloc[0]
    assert row["state"] == "insufficient data" and row["ratio"] == pytest.approx(1.2)


def test_problems_in_an_input_are_noted_on_the_indicator():
    row = wres_recruitment(counts([["White", 120, 36], ["BME", 80, 90]])).table.iloc[0]
    assert "1 error(s)" in row["note"] and row["state"] == "not estimable"  # the BME row was not used


# ---------------------------------------------------------------- cases and training against a small staff table


@pytest.fixture(scope="module")
def small_staff(tmp_path_factory):
    """75 staff in post (40 White, 30 BME, 5 not stated; 7 Disabled) and 3 bank-only White staff.

    Employee numbers are 1000 + n: White n = 0-39 (Disabled n = 0-3), BME n = 40-69 (Disabled n = 40-42),
    not stated n = 70-74 (disability not declared), bank-only n = 75-77.
    """
    rows = []
    for n in range(78):
        ethnicity = WHITE if n < 40 or n >= 75 else BME if n < 70 else NOT_STATED
        disability = "Yes" if n < 4 or 40 <= n < 43 else "Not Declared" if 70 <= n < 75 else "No"
        rows.append(staff_row(n, Ethnic_Origin=ethnicity, Disability=disability,
                              Assignment_Category="Bank" if n >= 75 else "Permanent"))
    path = write_xlsx(tmp_path_factory.mktemp("staff") / "staff_2025-03-31.xlsx", {"Staff": [HEADERS] + rows})
    return load_staff(path, pseudonym_key=KEY)


CASES = pd.DataFrame([
    ("1000", "Disciplinary", "A"), ("1001", "Disciplinary", None), ("1001", "Disciplinary", None),  # twice: once
    ("1040", "Gross misconduct", "H"), ("1041", "Disciplinary", None), ("1042", "Disciplinary", "N"),
    ("1070", "Disciplinary", None),  # not stated in staff: unknown
    ("1075", "Disciplinary", "A"),  # bank only: not in the denominator, not counted
    ("9999", "Disciplinary", "J"),  # a leaver: counted with the case file's group (BME)
    ("1002", "Capability (performance)", None), ("1040", "Capability", None),  # Disabled (from staff)
    ("1010", "Capability", None), ("1011", "Capability", None), ("1050", "Capability", None),  # non-disabled
    ("1003", "Capability - ill health", None),  # not counted in WDES 3
], columns=["Employee Number", "Case Type", "Ethnicity"])


def test_disciplinary_counts_people_once_with_the_group_from_the_file_or_staff(small_staff):
    # BME: 1040, 1041 (group from staff), 1042, 9999 (leaver) = 4 of 30; White: 1000, 1001 = 2 of 40.
    # RL = (4/30) / (2/40) = 2.667 (BME / White)
    cases = load_disciplinary(CASES, pseudonym_key=KEY)
    row = wres_disciplinary(small_staff, cases).table.iloc[0]
    assert list(row.index) == LIKELIHOOD_COLUMNS
    assert [row[c] for c in ("group_a", "events_a", "total_a", "group_b", "events_b", "total_b")] == \
        ["BME", 4, 30, "White", 2, 40]
    assert row["ratio"] == pytest.approx((4 / 30) / (2 / 40))
    assert (row["unknown_events"], row["unknown_total"]) == (1, 5)
    assert "8 people entered the process (9 cases); 3 took their group from the staff record" in row["note"]
    assert "1 not in the staff table" in row["note"] and "1 bank-only people not counted" in row["note"]


def test_capability_counts_performance_cases_of_disabled_staff(small_staff):
    # Disabled: 1002, 1040 = 2 of 7; non-disabled: 1010, 1011, 1050 = 3 of 63.  RL = (2/7) / (3/63) = 6.0
    row = wdes_capability(small_staff, load_disciplinary(CASES, pseudonym_key=KEY)).table.iloc[0]
    assert [row[c] for c in ("group_a", "events_a", "total_a", "events_b", "total_b")] == ["Disabled", 2, 7, 3, 63]
    assert row["ratio"] == pytest.approx(6.0) and row["state"] == "insufficient data"  # 7 Disabled staff < 10


def test_cases_loaded_with_another_key_are_refused(small_staff):
    cases = load_disciplinary(CASES, pseudonym_key="another key")
    for indicator in (wres_disciplinary, wdes_capability):
        with pytest.raises(WorkforceError, match=r"another key .*load_disciplinary\(path, like=staff\)"):
            indicator(small_staff, cases)
    records = load_training(pd.DataFrame({"Employee Number": ["1000"], "Course": ["CPD"]}), pseudonym_key="other")
    with pytest.raises(WorkforceError, match=r"load_training\(path, like=staff\)"):
        wres_training(small_staff, records)


def test_like_staff_hashes_with_the_staff_tables_key(small_staff):
    cases = load_disciplinary(CASES, like=small_staff)
    assert cases.key_fingerprint == small_staff.key_fingerprint
    assert cases.table["person_id"].equals(load_disciplinary(CASES, pseudonym_key=KEY).table["person_id"])
    assert KEY not in repr(small_staff) and KEY not in repr(small_staff.pseudonymiser)
    assert load_board(pd.DataFrame({"Role": ["Chair"], "Voting": ["Yes"], "Executive": ["No"]})).key_fingerprint is None
    with pytest.raises(WorkforceError, match="not both"):
        load_disciplinary(CASES, like=small_staff, pseudonym_key=KEY)
    with pytest.raises(WorkforceError, match="like= takes a staff table"):
        load_training(CASES, like=small_staff.people)


def test_training_counts_staff_in_post_with_non_mandatory_records(small_staff):
    # White: 1000-1009 = 10 of 40; BME: 1040-1044 = 5 of 30.  RL = 0.25 / 0.1667 = 1.5
    # SE = sqrt(1/10 - 1/40 + 1/5 - 1/30) = 0.491596; 95% CI = exp(0.405465 -/+ 0.963510) = 0.5723 to 3.9313
    numbers = [str(1000 + n) for n in [*range(10), 0, *range(40, 45)]]
    records = pd.DataFrame({"Employee Number": numbers + ["1045", "1075", "9999"],
                            "Course": ["CPD"] * len(numbers) + ["Fire Safety", "CPD", "CPD"],
                            "Mandatory": ["No"] * len(numbers) + ["Yes", "No", "No"]})
    row = wres_training(small_staff, load_training(records, pseudonym_key=KEY)).table.iloc[0]
    assert [row[c] for c in ("events_a", "total_a", "events_b", "total_b", "unknown_events")] == [10, 40, 5, 30, 0]
    assert row["ratio"] == pytest.approx(1.5)
    assert row["ci_low"] == pytest.approx(0.5723, abs=1e-4) and row["ci_high"] == pytest.approx(3.9313, abs=1e-4)
    assert "2 people with non-mandatory training records are not counted: not in the staff table (1 bank only)" \
        in row["note"]


def test_more_people_entering_than_in_the_group_is_an_error(small_staff):
    leavers = pd.DataFrame({"Employee Number": [str(5000 + i) for i in range(31)], "Case Type": "Disciplinary",
                            "Ethnicity": "N"})
    with pytest.raises(WorkforceError, match=r"more BME people entering .* \(31\) than BME people counted .* \(30\)"):
        wres_disciplinary(small_staff, load_disciplinary(leavers, pseudonym_key=KEY))


def test_one_organisation_at_a_time():
    staff = load_staff([sample_data("rutland_vale_staff_in_post_2025-03-31.xlsx"),
                        sample_data("charnwood_staff_in_post_2025-03-31.csv")])
    with pytest.raises(WorkforceError, match="for one organisation, but the staff table holds 2"):
        wres_training(staff, load_training(pd.DataFrame({"Employee Number": ["1"], "Course": ["x"]}), like=staff))


# ---------------------------------------------------------------- board


def test_board_differences_in_percentage_points(small_staff):
    board = pd.DataFrame({"Role": ["Chair", "NED", "NED", "Chief Executive", "Director of People"],
                          "Voting": ["Yes", "Yes", "Yes", "Yes", "No"], "Executive": ["No", "No", "No", "Yes", "Yes"],
                          "Ethnicity": ["A", "H", None, "A", "B"], "Disability": ["No", "Yes", "No", "No", "No"]})
    table = wres_board(small_staff, load_board(board)).table.set_index("membership")
    assert list(table.columns) == BOARD_INDICATOR_COLUMNS[:2] + BOARD_INDICATOR_COLUMNS[3:]
    voting = table.loc["voting"]
    # workforce: 30 BME of 75 in post = 40%; voting members: 1 BME of 4 (one unknown) = 25%: -15 pp
    assert [voting[c] for c in ("members", "members_group", "members_unknown")] == [4, 1, 1]
    assert voting["workforce_share"] == pytest.approx(0.40) and voting["difference_pp"] == pytest.approx(-15.0)
    assert voting["difference_ci_low"] < -15 < voting["difference_ci_high"]
    assert table.loc["executive", "difference_pp"] == pytest.approx(-40.0)
    disabled = wdes_board(small_staff, load_board(board)).table.set_index("membership").loc["voting"]
    # 7 Disabled of 75 = 9.33%; 1 Disabled of 4 voting members = 25%
    assert disabled["difference_pp"] == pytest.approx(25 - 700 / 75)


# ---------------------------------------------------------------- inputs must be loaded first


def test_paths_frames_and_inputs_of_another_kind_are_refused(soar):
    with pytest.raises(WorkforceError, match=r"not given as a path: pass workforce.load_recruitment\(path\)"):
        wres_recruitment(INPUTS["recruitment"])
    with pytest.raises(WorkforceError, match=r"workforce.load_disciplinary\(path, like=staff\)"):
        wres_disciplinary(soar, INPUTS["disciplinary"])
    with pytest.raises(WorkforceError, match=r"as a DataFrame: pass workforce.load_training\(frame, like=staff\)"):
        wres_training(soar, pd.DataFrame({"Employee Number": ["1"], "Course": ["x"]}))
    with pytest.raises(WorkforceError, match="a board input is needed here, not the recruitment input"):
        wres_board(soar, load_recruitment(INPUTS["recruitment"]))
