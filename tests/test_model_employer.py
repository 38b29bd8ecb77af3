"""Model Employer-style trajectories: the arithmetic by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import workforce.analysis._model_employer as module
from workforce import Benchmark, WorkforceError, sample_data
from workforce._spec import Kind
from workforce.analysis._model_employer import MODEL_EMPLOYER_BANDS, MODEL_EMPLOYER_COLUMNS, model_employer
from workforce.load._staff import load_staff

MEDICAL = ("Consultant", "SAS", "Resident doctor", "Other medical")


def staff_rows(date, counts, org="Trust A", prefix="", clinical="Clinical"):
    """People at one snapshot: counts is {(grade, wres_group): n}."""
    rows = []
    for (grade, group), n in counts.items():
        medical = grade in MEDICAL
        for i in range(n):
            rows.append({
                "person_id": f"{prefix}{grade}-{group}-{i}", "organisation": org, "snapshot_date": pd.Timestamp(date),
                "band": None if medical else grade, "medical_grade": grade if medical else None,
                "pay_system": "Medical and Dental" if medical else ("Very Senior Manager" if grade == "VSM"
                                                                    else "Agenda for Change"),
                "wres_group": group, "disability": "No", "sex": "Female", "is_bank": False,
                "clinical_group": "Medical" if medical else clinical, "source_file": f"{org}_{date}.xlsx",
            })
    return pd.DataFrame(rows)


def combine(*frames):
    out = pd.concat(frames, ignore_index=True)
    out["organisation"] = out["organisation"].astype("category")
    out["person_id"] = out["person_id"].astype("str")
    return out


ONE_SNAPSHOT = combine(staff_rows("2025-03-31", {
    ("8a", "BME"): 4, ("8a", "White"): 14, ("8a", "Unknown"): 2,
    ("8c", "White"): 5,
    ("5", "BME"): 40, ("5", "White"): 30, ("5", "Unknown"): 5,
    ("Consultant", "BME"): 6, ("Consultant", "White"): 4,
}))


def test_trajectory_arithmetic_by_hand():
    result = model_employer(ONE_SNAPSHOT, target=0.5, target_year=2027, leaver_rate=0.1)
    table = result.table
    assert list(table.columns) == MODEL_EMPLOYER_COLUMNS
    eight_a = table[table["band"] == "8a"].set_index("year")
    assert eight_a.index.tolist() == [2025, 2026, 2027]
    assert (eight_a["headcount"] == 20).all() and (eight_a["known"] == 18).all() and (eight_a["count_today"] == 4).all()
    p0 = 4 / 18
    assert eight_a.loc[2025, "share_today"] == pytest.approx(p0)
    # 2026: p = 2/9 + (1/2 - 2/9) / 2 = 13/36; R = ceil(13/36 * 18) = ceil(6.5) = 7; E = 4 * 0.1 = 0.4;
    # A = ceil(7 - 4 + 0.4) = 4
    assert eight_a.loc[2026, "trajectory_share"] == pytest.approx(13 / 36)
    assert eight_a.loc[2026, "required_count"] == 7
    assert eight_a.loc[2026, "expected_leavers"] == pytest.approx(0.4)
    assert eight_a.loc[2026, "appointments_needed"] == 4
    # 2027: p = 1/2; R = 9; E = 7 * 0.1 = 0.7; A = ceil(9 - 7 + 0.7) = 3
    assert eight_a.loc[2027, "trajectory_share"] == pytest.approx(0.5)
    assert eight_a.loc[2027, "required_count"] == 9
    assert eight_a.loc[2027, "appointments_needed"] == 3
    assert eight_a.loc[2025, "required_count"] == 4 and pd.isna(eight_a.loc[2025, "appointments_needed"])
    assert np.isnan(eight_a.loc[2025, "expected_leavers"])
    assert (eight_a["target"] == "a target share of 50.0%").all()


def test_bands_with_nobody_and_the_all_senior_row():
    table = model_employer(ONE_SNAPSHOT, target=0.5, target_year=2027, leaver_rate=0.1).table
    assert table["band"].unique().tolist() == list(MODEL_EMPLOYER_BANDS)
    empty = table[table["band"] == "8b"]
    assert (empty["headcount"] == 0).all() and empty["share_today"].isna().all()
    assert (empty["required_count"] == 0).all() and (empty["appointments_needed"].iloc[1:] == 0).all()
    # 8c: 0 of 5 today; 2026: ceil(0.25 * 5) = 2, A = ceil(2 - 0 + 0) = 2; 2027: ceil(2.5) = 3, A = ceil(3 - 2 + 0.2) = 2
    eight_c = table[table["band"] == "8c"].set_index("year")
    assert eight_c["required_count"].tolist() == [0, 2, 3]
    assert eight_c["appointments_needed"].tolist()[1:] == [2, 2]
    senior = table[table["band"] == "8a+"].set_index("year")  # 8a and 8c together: 4 of 23 known
    assert senior.loc[2025, "known"] == 23 and senior.loc[2025, "count_today"] == 4
    assert senior.loc[2026, "required_count"] == math.ceil((4 / 23 + (0.5 - 4 / 23) / 2) * 23 - 1e-9)


def test_parity_is_the_overall_share_of_staff_with_a_known_group():
    result = model_employer(ONE_SNAPSHOT, leaver_rate=0.08)
    known = 4 + 14 + 5 + 40 + 30 + 6 + 4
    bme = 4 + 40 + 6
    row = result.table.iloc[0]
    assert row["target_share"] == pytest.approx(bme / known)
    assert row["target"].startswith("parity with the organisation's overall BME share")
    assert result.table["year"].max() == 2028


def test_a_band_already_above_target_is_held_not_lowered():
    table = model_employer(ONE_SNAPSHOT, target=0.1, target_year=2027, leaver_rate=0.25).table
    eight_a = table[table["band"] == "8a"].set_index("year")
    assert eight_a["trajectory_share"].tolist() == pytest.approx([4 / 18] * 3)
    assert eight_a["required_count"].tolist() == [4, 4, 4]
    assert eight_a["appointments_needed"].tolist()[1:] == [1, 1]  # replace 4 * 0.25 = 1 leaver a year


def test_population_target():
    table = pd.DataFrame({"area": "Testshire", "area_type": "local authority", "ages": "16-64",
                          "level": ["wres", "wres", "sex", "sex"], "group": ["White", "BME", "Female", "Male"],
                          "count": [600.0, 400.0, 500.0, 500.0], "share": [0.6, 0.4, 0.5, 0.5], "method": "made up"})
    population = Benchmark(table, area="Testshire", area_type="local authority", ages="16-64")
    result = model_employer(ONE_SNAPSHOT, target=population, leaver_rate=0.1)
    assert result.table["target_share"].iloc[0] == pytest.approx(0.4)
    assert "Testshire" in result.table["target"].iloc[0]
    with pytest.raises(WorkforceError, match="population"):
        model_employer(ONE_SNAPSHOT, target=population, characteristic="disability", leaver_rate=0.1)
    with pytest.raises(WorkforceError, match="a population target is a Benchmark from workforce.population"):
        model_employer(ONE_SNAPSHOT, target=table, leaver_rate=0.1)


def test_observed_leaver_rate_from_two_snapshots():
    start = staff_rows("2023-03-31", {("8a", "White"): 8, ("8b", "BME"): 2, ("5", "White"): 10})
    # two years later: 2 White 8a and 1 BME 8b have gone (3 of 10 senior staff), a band 5 too
    end = start[~start["person_id"].isin(["8a-White-0", "8a-White-1", "8b-BME-0", "5-White-0"])].copy()
    end["snapshot_date"] = pd.Timestamp("2025-03-31")
    result = model_employer(combine(start, end), target=0.5, target_year=2027)
    yearly = 1 - (1 - 0.3) ** (1 / 2)
    assert result.table["leaver_rate"].iloc[0] == pytest.approx(yearly, rel=1e-3)
    assert "3 of 10 left" in result.method["leaver rate"]
    # today's figures come from the latest snapshot
    eight_b = result.table[(result.table["band"] == "8b")].set_index("year")
    assert eight_b.loc[2025, "count_today"] == 1 and eight_b.loc[2025, "known"] == 1


def test_split_clinical():
    clinical = staff_rows("2025-03-31", {("8a", "BME"): 2, ("8a", "White"): 8})
    admin = staff_rows("2025-03-31", {("8a", "BME"): 1, ("8a", "White"): 3}, prefix="a", clinical="Non-clinical")
    table = model_employer(combine(clinical, admin), split_clinical=True, leaver_rate=0.1).table
    assert set(table["split"]) == {"Clinical", "Non-clinical"}
    rows = table[(table["band"] == "8a") & (table["year"] == 2025)].set_index("split")
    assert rows.loc["Clinical", "count_today"] == 2 and rows.loc["Non-clinical", "known"] == 4
    assert rows["target_share"].tolist() == pytest.approx([3 / 14, 3 / 14])


def test_errors():
    with pytest.raises(WorkforceError, match="leaver_rate"):
        model_employer(ONE_SNAPSHOT)
    with pytest.raises(WorkforceError, match="target_year"):
        model_employer(ONE_SNAPSHOT, target_year=2025, leaver_rate=0.1)
    with pytest.raises(WorkforceError, match="between 0 and 1"):
        model_employer(ONE_SNAPSHOT, target=25, leaver_rate=0.1)
    with pytest.raises(WorkforceError, match="parity"):
        model_employer(ONE_SNAPSHOT, target="ladder", leaver_rate=0.1)
    with pytest.raises(WorkforceError, match="leaver_rate"):
        model_employer(ONE_SNAPSHOT, leaver_rate=1.5)


def test_labelled_model_employer_style():
    result = model_employer(ONE_SNAPSHOT, leaver_rate=0.1)
    assert result.kind is Kind.MODEL_EMPLOYER and result.spec.title == "Model Employer-style trajectories"
    assert "not NHS England's goal-setting tool" in result.method["label"]
    assert "Model Employer-style" in module.__doc__ and "Model Employer-style" in model_employer.__doc__


def test_sample_data_trajectories():
    files = [sample_data(f"soar_valley_staff_in_post_{year}-03-31.xlsx") for year in (2024, 2025)]
    staff = load_staff(files, pseudonym_key="test key")
    table = model_employer(staff).table
    assert table["year"].tolist()[:4] == [2025, 2026, 2027, 2028]
    senior = table[table["band"] == "8a+"].set_index("year")
    assert senior.loc[2025, "share_today"] < senior.loc[2025, "target_share"]  # BME under-represented at 8a+
    assert senior.loc[2028, "trajectory_share"] == pytest.approx(senior.loc[2028, "target_share"])
    assert 0.03 < senior.loc[2025, "leaver_rate"] < 0.2
    assert (senior["appointments_needed"].iloc[1:] > 0).all()
