"""Yes/no flags and assignment category."""

import numpy as np
import pandas as pd
import pytest

from workforce.codes._assignment import ASSIGNMENT_CATEGORY_DTYPE, normalise_assignment_category, normalise_flag


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Yes", True), ("Y", True), ("y", True), ("True", True), ("TRUE", True), ("1", True), ("Primary", True),
        (True, True), (1, True), (1.0, True),
        ("No", False), ("N", False), ("False", False), ("0", False), ("Secondary", False),
        (False, False), (0, False),
    ],
)
def test_flag(raw, expected):
    out = normalise_flag(pd.Series([raw], dtype="object"))
    assert out.columns["flag"].iloc[0] == expected
    assert not out.unrecognised.iloc[0]


@pytest.mark.parametrize("raw", ["maybe", "2", "Yes please", "P"])
def test_flag_unrecognised(raw):
    out = normalise_flag(pd.Series([raw]))
    assert out.unrecognised.iloc[0] and out.columns["flag"].isna().iloc[0]


@pytest.mark.parametrize("blank", ["", None, np.nan])
def test_flag_blank_is_missing(blank):
    out = normalise_flag(pd.Series(["Yes", blank], dtype="object"))
    assert out.columns["flag"].isna().tolist() == [False, True]
    assert not out.unrecognised.any()


def test_flag_dtype_name_and_index():
    out = normalise_flag(pd.Series(["Y", "n"], index=[4, 2]), name="is_primary")
    assert list(out.columns.columns) == ["is_primary"]
    assert out.columns["is_primary"].dtype == "boolean"
    assert list(out.columns.index) == [4, 2]


@pytest.mark.parametrize(
    ("raw", "category", "is_bank"),
    [
        ("Permanent", "Permanent", False),
        ("PERMANENT", "Permanent", False),
        ("Fixed Term Temp", "Fixed Term Temp", False),
        ("Fixed Term Temporary", "Fixed Term Temp", False),
        ("Fixed-Term", "Fixed Term Temp", False),
        ("Bank", "Bank", True),
        ("bank", "Bank", True),
        ("Honorary", "Honorary", False),
        ("Locum", "Locum", False),
        ("Secondment", "Secondment", False),
        ("Non-Exec Director/Chair", "Non-Executive", False),
    ],
)
def test_assignment_category(raw, category, is_bank):
    out = normalise_assignment_category(pd.Series([raw]))
    assert out.columns["assignment_category"].iloc[0] == category
    assert out.columns["is_bank"].iloc[0] == is_bank
    assert not out.unrecognised.iloc[0]


@pytest.mark.parametrize("raw", ["Agency", "Zero hours", "Perm-ish"])
def test_assignment_category_unrecognised(raw):
    out = normalise_assignment_category(pd.Series([raw]))
    assert out.unrecognised.iloc[0]
    assert out.columns.iloc[0].isna().all()
    assert "Fixed Term Temp" in out.fix


@pytest.mark.parametrize("blank", ["", None, np.nan])
def test_assignment_category_blank_is_missing(blank):
    out = normalise_assignment_category(pd.Series(["Bank", blank], dtype="object"))
    assert out.columns.iloc[1].isna().all()
    assert not out.unrecognised.any()


def test_assignment_category_dtypes_and_index():
    out = normalise_assignment_category(pd.Series(["Bank", "Permanent"], index=["b", "a"]))
    assert out.columns["assignment_category"].dtype == ASSIGNMENT_CATEGORY_DTYPE
    assert out.columns["is_bank"].dtype == "boolean"
    assert list(ASSIGNMENT_CATEGORY_DTYPE.categories) == [
        "Permanent", "Fixed Term Temp", "Bank", "Locum", "Honorary", "Secondment", "Non-Executive",
    ]
    assert out.columns.loc["b", "is_bank"] and not out.columns.loc["a", "is_bank"]
