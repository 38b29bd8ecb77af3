"""Sex, disability and age band normalisers."""

import numpy as np
import pandas as pd
import pytest

from workforce.codes._demographics import (
    AGE_BAND_DTYPE,
    DISABILITY_DTYPE,
    SEX_DTYPE,
    age_band_from_age,
    normalise_age_band,
    normalise_disability,
    normalise_sex,
)

# ---------------------------------------------------------------- sex


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("F", "Female"), ("f", "Female"), ("Female", "Female"), ("FEMALE", "Female"), ("Woman", "Female"),
        ("M", "Male"), ("Male", "Male"), ("Man", "Male"),
        ("1", "Male"), ("2", "Female"), ("9", "Other"), ("X", "Unknown"),
        (1, "Male"), (2.0, "Female"),
        ("Indeterminate", "Other"), ("Non-binary", "Other"), ("Non binary", "Other"), ("Other", "Other"),
        ("Not specified", "Unknown"), ("Unknown", "Unknown"), ("Prefer not to say", "Unknown"),
    ],
)
def test_sex(raw, expected):
    out = normalise_sex(pd.Series([raw], dtype="object"))
    assert out.columns["sex"].iloc[0] == expected
    assert not out.unrecognised.iloc[0]


@pytest.mark.parametrize("raw", ["Q", "Fem", "3", "Yes"])
def test_sex_unrecognised(raw):
    out = normalise_sex(pd.Series([raw]))
    assert out.unrecognised.iloc[0] and pd.isna(out.columns["sex"].iloc[0])
    assert "Female, Male" in out.fix


@pytest.mark.parametrize("blank", ["", None, np.nan])
def test_sex_blank_is_unknown(blank):
    out = normalise_sex(pd.Series(["F", blank], dtype="object"))
    assert out.columns["sex"].tolist() == ["Female", "Unknown"]
    assert not out.unrecognised.any()


def test_sex_dtype_and_index():
    out = normalise_sex(pd.Series(["M", "?"], index=[9, 4]))
    assert out.columns["sex"].dtype == SEX_DTYPE
    assert list(SEX_DTYPE.categories) == ["Female", "Male", "Other", "Unknown"]
    assert list(out.columns.index) == [9, 4] and out.unrecognised.loc[4]


# ---------------------------------------------------------------- disability


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Yes", "Yes"), ("Y", "Yes"), ("y", "Yes"), ("Disabled", "Yes"),
        ("No", "No"), ("N", "No"), ("Not disabled", "No"),
        ("Not Declared", "Unknown"), ("Prefer Not To Answer", "Unknown"), ("Unspecified", "Unknown"),
        ("Prefer not to say", "Unknown"),
    ],
)
def test_disability(raw, expected):
    out = normalise_disability(pd.Series([raw]))
    assert out.columns["disability"].iloc[0] == expected
    assert not out.unrecognised.iloc[0]


@pytest.mark.parametrize("raw", ["Maybe", "2", "Long-term condition"])
def test_disability_unrecognised(raw):
    out = normalise_disability(pd.Series([raw]))
    assert out.unrecognised.iloc[0] and pd.isna(out.columns["disability"].iloc[0])


@pytest.mark.parametrize("blank", ["", None, np.nan])
def test_disability_blank_is_unknown(blank):
    out = normalise_disability(pd.Series(["No", blank], dtype="object"))
    assert out.columns["disability"].tolist() == ["No", "Unknown"]
    assert not out.unrecognised.any()


def test_disability_dtype():
    out = normalise_disability(pd.Series(["Yes"]))
    assert out.columns["disability"].dtype == DISABILITY_DTYPE
    assert list(DISABILITY_DTYPE.categories) == ["Yes", "No", "Unknown"]


# ---------------------------------------------------------------- age


def test_age_band_dtype():
    assert list(AGE_BAND_DTYPE.categories) == ["16-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    assert AGE_BAND_DTYPE.ordered


def test_age_band_from_age():
    age = pd.Series([15, 16, 24, 25, 34, 35, 44, 45, 54, 55, 64, 65, 90, None], dtype="Int64", index=range(100, 114))
    band = age_band_from_age(age)
    assert band.dtype == AGE_BAND_DTYPE
    assert list(band.index) == list(range(100, 114))
    assert band.tolist() == [
        np.nan, "16-24", "16-24", "25-34", "25-34", "35-44", "35-44", "45-54", "45-54", "55-64", "55-64",
        "65+", "65+", np.nan,
    ]


def test_age_band_from_empty_and_all_missing():
    assert age_band_from_age(pd.Series([], dtype="Int64")).dtype == AGE_BAND_DTYPE
    assert age_band_from_age(pd.Series([pd.NA, pd.NA], dtype="Int64")).isna().all()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<=20 Years", "16-24"), ("Under 25", "16-24"), ("16-24", "16-24"), ("16 to 19", "16-24"),
        ("15-19", "16-24"),  # ages below 16 are outside the bands
        ("26-30", "25-34"), ("25-34", "25-34"), ("25 - 29 years", "25-34"),
        ("36-40", "35-44"), ("45\u201354", "45-54"), ("56-60", "55-64"), ("55-64 Years", "55-64"),
        ("65 and over", "65+"), ("65+", "65+"), (">=71 Years", "65+"), ("66-70", "65+"), ("Over 65", "65+"),
        ("42", "35-44"),
    ],
)
def test_age_band_inside_a_standard_band(raw, expected):
    out = normalise_age_band(pd.Series([raw]))
    assert out.columns["age_band"].iloc[0] == expected
    assert not out.unrecognised.iloc[0]


@pytest.mark.parametrize(
    "raw", ["21-25", "31-35", "41-45", "51-55", "61-65", "20-29", "Under 30", "60+", "30-20", "abc", "0-200"]
)
def test_age_band_straddling_or_unreadable(raw):
    out = normalise_age_band(pd.Series([raw]))
    assert out.unrecognised.iloc[0] and pd.isna(out.columns["age_band"].iloc[0])
    assert "straddles the standard age bands" in out.problem
    assert "Date of Birth or Age" in out.fix


@pytest.mark.parametrize("blank", ["", None, np.nan, "Under 16"])
def test_age_band_blank_or_under_16_is_missing(blank):
    out = normalise_age_band(pd.Series(["26-30", blank], dtype="object"))
    assert out.columns["age_band"].dtype == AGE_BAND_DTYPE
    assert out.columns["age_band"].isna().tolist() == [False, True]
    assert not out.unrecognised.any()


# ---------------------------------------------------------------- ESR's own five-year age bands (issue 13)

ESR_LABELS = ["<=20", "21-25", "26-30", "31-35", "36-40", "41-45", "46-50", "51-55", "56-60", "61-65", "66-70", ">=71"]


def test_esr_age_band_dtype_is_esrs_order():
    from workforce.codes import ESR_AGE_BAND_DTYPE

    assert list(ESR_AGE_BAND_DTYPE.categories) == ESR_LABELS and ESR_AGE_BAND_DTYPE.ordered


def test_esr_age_band_from_age_edges():
    from workforce.codes import esr_age_band_from_age

    ages = [15, 16, 20, 21, 25, 26, 50, 51, 55, 56, 64, 65, 66, 70, 71, 99, None]
    expected = [np.nan, "<=20", "<=20", "21-25", "21-25", "26-30", "46-50", "51-55", "51-55", "56-60", "61-65",
                "61-65", "66-70", "66-70", ">=71", ">=71", np.nan]
    assert esr_age_band_from_age(pd.Series(ages, dtype="Int64")).tolist() == expected


# ESR writes its bands with and without " Years"; each is also placed in the standard band it lies inside, if any
ESR_WRITTEN = [
    ("<=20 Years", "<=20", "16-24"), ("<=20", "<=20", "16-24"), ("21-25", "21-25", None), ("21-25 Years", "21-25", None),
    ("26-30", "26-30", "25-34"), ("31-35", "31-35", None), ("36-40", "36-40", "35-44"), ("41-45", "41-45", None),
    ("46-50", "46-50", "45-54"), ("51-55", "51-55", None), ("56-60", "56-60", "55-64"), ("61-65", "61-65", None),
    ("66-70", "66-70", "65+"), (">=71 Years", ">=71", "65+"), (">=71", ">=71", "65+"), ("\u226571 Years", ">=71", "65+"),
]


@pytest.mark.parametrize(("raw", "esr", "standard"), ESR_WRITTEN)
def test_esr_bands_are_a_known_banding(raw, esr, standard):
    out = normalise_age_band(pd.Series([raw]), esr=True)
    assert not out.unrecognised.iloc[0]  # no longer reported as unrecognised (0.6 problems per row before)
    assert out.columns["esr_age_band"].iloc[0] == esr
    got = out.columns["age_band"].iloc[0]
    assert (pd.isna(got) and standard is None) or got == standard


@pytest.mark.parametrize(("raw", "esr", "standard"), [
    ("25-34", None, "25-34"), ("65+", None, "65+"), ("22-24", "21-25", "16-24"), ("16 to 19", "<=20", "16-24"),
])
def test_other_bands_take_each_banding_they_fit(raw, esr, standard):
    out = normalise_age_band(pd.Series([raw]), esr=True).columns.iloc[0]
    assert (out["esr_age_band"] if pd.notna(out["esr_age_band"]) else None) == esr
    assert (out["age_band"] if pd.notna(out["age_band"]) else None) == standard


@pytest.mark.parametrize("raw", ["20-30", "Under 30", "60+", "abc", "0-200", "30-20"])
def test_genuinely_odd_bands_are_still_reported(raw):
    out = normalise_age_band(pd.Series([raw]), esr=True)
    assert out.unrecognised.iloc[0]
    assert out.columns.iloc[0].isna().all()
    assert "ESR's five-year bands" in out.problem


def test_esr_only_export_keeps_its_bands_without_a_problem_per_row(tmp_path):
    from workforce import load_staff

    bands = ["<=20 Years", "21-25", "26-30", "31-35", "51-55", "61-65", ">=71 Years", "20-30", ""]
    rows = [{"Employee Number": 1000 + i, "Assignment Number": f"{1000 + i}-1", "Organisation": "Trust A",
             "Staff Group": "Administrative and Clerical", "Pay Band": "Band 5", "Ethnic Origin": "A White - British",
             "Gender": "Female", "Age Band": band} for i, band in enumerate(bands)]
    path = tmp_path / "esr_bands_2025-03-31.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    staff = load_staff(path)
    people = staff.people.sort_values("source_row")
    assert people["esr_age_band"].astype(object).where(people["esr_age_band"].notna(), None).tolist() == [
        "<=20", "21-25", "26-30", "31-35", "51-55", "61-65", ">=71", None, None]
    assert people["age_band"].astype(object).where(people["age_band"].notna(), None).tolist() == [
        "16-24", None, "25-34", None, None, None, "65+", None, None]
    problems = staff.report.problems
    age = problems[problems["column"] == "Age Band"]
    assert age[age["severity"] != "note"]["value"].tolist() == ["20-30"]  # the one odd value, and only it
    notes = age[age["code"] == "esr_age_bands_only"]
    assert len(notes) == 1 and notes["row"].isna().all()  # one note for the file, not one per row
    assert "4 rows" in notes["problem"].iloc[0] and "ESR's own five-year bands" in notes["problem"].iloc[0]


def test_an_age_gives_both_bands_so_they_always_agree(tmp_path):
    from workforce import load_staff

    ages = [16, 20, 21, 25, 34, 35, 55, 64, 65, 71]
    rows = [{"Employee Number": 2000 + i, "Organisation": "Trust A", "Staff Group": "Administrative and Clerical",
             "Pay Band": "Band 5", "Gender": "Male",
             "Ethnic Origin": "A White - British", "Age": age, "Age Band": "21-25"} for i, age in enumerate(ages)]
    path = tmp_path / "ages_2025-03-31.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    people = load_staff(path).people.sort_values("source_row")
    assert people["esr_age_band"].astype(str).tolist() == [
        "<=20", "<=20", "21-25", "21-25", "31-35", "31-35", "51-55", "61-65", "61-65", ">=71"]
    assert people["age_band"].astype(str).tolist() == [
        "16-24", "16-24", "16-24", "25-34", "25-34", "35-44", "55-64", "55-64", "65+", "65+"]
