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
