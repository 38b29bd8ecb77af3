"""Pay band / grade normaliser (definitions 1.4, 6.1, 6.2)."""

import numpy as np
import pandas as pd
import pytest

from workforce.codes._bands import (
    BAND_DTYPE,
    BAND_GROUP_DTYPE,
    MEDICAL_GRADE_DTYPE,
    PAY_SYSTEM_DTYPE,
    SENIOR_BANDS,
    band_group,
    normalise_band,
)

AFC, VSM, MED = "Agenda for Change", "Very Senior Manager", "Medical and Dental"

# raw -> (band, medical grade, pay system)
CASES = [
    ("Band 5", ("5", None, AFC)),
    ("band 5", ("5", None, AFC)),
    ("BAND 5", ("5", None, AFC)),
    ("5", ("5", None, AFC)),
    ("5.0", ("5", None, AFC)),
    ("Band 1", ("1", None, AFC)),
    ("Band 05", ("5", None, AFC)),
    ("Review Body Band 5", ("5", None, AFC)),
    ("Agenda for Change Band 7", ("7", None, AFC)),
    ("AfC Band 8a", ("8a", None, AFC)),
    ("8A", ("8a", None, AFC)),
    ("8a", ("8a", None, AFC)),
    ("Band 8A", ("8a", None, AFC)),
    ("Band 8 - Range A", ("8a", None, AFC)),
    ("Band 8 Range B", ("8b", None, AFC)),
    ("Band 8c", ("8c", None, AFC)),
    ("Band 8 - Range D", ("8d", None, AFC)),
    ("Band 9", ("9", None, AFC)),
    ("VSM", ("VSM", None, VSM)),
    ("Very Senior Manager", ("VSM", None, VSM)),
    ("Consultant", (None, "Consultant", MED)),
    ("Medical Consultant", (None, "Consultant", MED)),
    ("Specialty Doctor", (None, "SAS", MED)),
    ("Associate Specialist", (None, "SAS", MED)),
    ("Specialist", (None, "SAS", MED)),
    ("Staff Grade", (None, "SAS", MED)),
    ("Foundation Year 1", (None, "Resident doctor", MED)),
    ("FY1", (None, "Resident doctor", MED)),
    ("F2", (None, "Resident doctor", MED)),
    ("Foundation Doctor Year 2", (None, "Resident doctor", MED)),
    ("Core Trainee", (None, "Resident doctor", MED)),
    ("CT1", (None, "Resident doctor", MED)),
    ("Core Medical Training", (None, "Resident doctor", MED)),
    ("Specialty Registrar", (None, "Resident doctor", MED)),
    ("Specialty Registrar (StR)", (None, "Resident doctor", MED)),
    ("StR", (None, "Resident doctor", MED)),
    ("ST3", (None, "Resident doctor", MED)),
    ("Specialty Trainee", (None, "Resident doctor", MED)),
    ("Specialist Registrar", (None, "Resident doctor", MED)),
    ("GP Trainee", (None, "Resident doctor", MED)),
    ("Clinical Fellow", (None, "Resident doctor", MED)),
    ("Trust Grade Doctor", (None, "Resident doctor", MED)),
    ("Hospital Practitioner", (None, "Other medical", MED)),
    ("Clinical Assistant", (None, "Other medical", MED)),
    ("Local/Spot", (None, None, "Local/Spot")),
    ("Local Pay", (None, None, "Local/Spot")),
    ("Spot Salary", (None, None, "Local/Spot")),
    ("Apprentice", (None, None, "Apprentice")),
    ("Apprenticeship", (None, None, "Apprentice")),
]


def _row(out, i=0):
    return tuple(None if pd.isna(v) else v for v in out.columns.iloc[i])


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_spellings(raw, expected):
    out = normalise_band(pd.Series([raw]))
    assert _row(out) == expected
    assert not out.unrecognised.iloc[0]


@pytest.mark.parametrize(
    "raw",
    ["Band 10", "Band 55", "Band 0", "10", "Band 8", "8", "Band 5a", "Band 8e", "Band", "Grade A", "ST9", "Agency"],
)
def test_unrecognised(raw):
    out = normalise_band(pd.Series([raw]))
    assert out.unrecognised.iloc[0]
    assert out.columns.iloc[0].isna().all()


@pytest.mark.parametrize("blank", ["", "  ", None, np.nan])
def test_blank_is_missing_and_not_reported(blank):
    out = normalise_band(pd.Series(["Band 5", blank], dtype="object"))
    assert _row(out, 1) == (None, None, None)
    assert not out.unrecognised.iloc[1]


def test_problem_and_fix():
    out = normalise_band(pd.Series(["Band 8"]))
    assert "8a-8d" in out.fix and "'Consultant'" in out.fix
    assert "Agenda for Change" in out.problem


def test_dtypes_fixed_whatever_the_input():
    out = normalise_band(pd.Series(["Band 5"]))
    assert out.columns["band"].dtype == BAND_DTYPE
    assert out.columns["medical_grade"].dtype == MEDICAL_GRADE_DTYPE
    assert out.columns["pay_system"].dtype == PAY_SYSTEM_DTYPE
    assert BAND_DTYPE.ordered
    assert list(BAND_DTYPE.categories) == ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM"]
    assert list(MEDICAL_GRADE_DTYPE.categories) == ["Consultant", "SAS", "Resident doctor", "Other medical"]
    assert list(PAY_SYSTEM_DTYPE.categories) == [AFC, VSM, MED, "Apprentice", "Local/Spot"]


def test_bands_are_ordered():
    band = normalise_band(pd.Series(["VSM", "Band 8 - Range A", "Band 7", "Band 9"])).columns["band"]
    assert band.sort_values().tolist() == ["7", "8a", "9", "VSM"]
    assert (band >= "8a").tolist() == [True, True, False, True]


def test_index_alignment():
    out = normalise_band(pd.Series(["Consultant", "Band 99", "8c"], index=["x", "y", "z"]))
    assert list(out.columns.index) == ["x", "y", "z"]
    assert out.columns.loc["z", "band"] == "8c"
    assert out.unrecognised.tolist() == [False, True, False]


def test_senior_bands():
    assert SENIOR_BANDS == ("8a", "8b", "8c", "8d", "9", "VSM")


@pytest.mark.parametrize(
    ("band", "group"),
    [("1", "1-4"), ("4", "1-4"), ("5", "5-7"), ("7", "5-7"), ("8a", "8a-8b"), ("8b", "8a-8b"),
     ("8c", "8c+"), ("8d", "8c+"), ("9", "8c+"), ("VSM", "8c+")],
)
def test_band_group(band, group):
    assert band_group(pd.Series([band])).iloc[0] == group


def test_band_group_keeps_missing_index_and_dtype():
    bands = normalise_band(pd.Series(["Consultant", "Band 6", None], index=[7, 8, 9])).columns["band"]
    groups = band_group(bands)
    assert groups.dtype == BAND_GROUP_DTYPE
    assert list(groups.index) == [7, 8, 9]
    assert groups.isna().tolist() == [True, False, True]
    assert list(BAND_GROUP_DTYPE.categories) == ["1-4", "5-7", "8a-8b", "8c+"]


def test_band_group_refuses_non_bands():
    with pytest.raises(ValueError, match="outside the categories"):
        band_group(pd.Series(["Band 5"]))
