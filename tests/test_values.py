"""Typed values out of spreadsheet cells."""

from __future__ import annotations

import pandas as pd
import pytest

from workforce.load._values import parse_date, parse_integer, parse_number, parse_text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-03-31", "2024-03-31"),
        ("2024-03-31 00:00:00", "2024-03-31"),
        ("31/03/2024", "2024-03-31"),
        ("01/02/2024", "2024-02-01"),  # day first, never month first
        ("31-Mar-2024", "2024-03-31"),
        ("31 March 2024", "2024-03-31"),
        ("45382", "2024-03-31"),  # Excel serial: 45382 days after 1899-12-30
        ("45382.0", "2024-03-31"),
        ("1", "1899-12-31"),
        ("31/02/1980", None),
        ("not a date", None),
        ("13/13/2020", None),
    ],
)
def test_dates(cell, expected):
    values, bad = parse_date(pd.Series([cell]))
    if expected is None:
        assert pd.isna(values.iloc[0]) and bad.iloc[0]
    else:
        assert values.iloc[0] == pd.Timestamp(expected) and not bad.iloc[0]


def test_blank_dates_are_missing_not_bad():
    values, bad = parse_date(pd.Series([None, "", "  "], dtype="object"))
    assert values.isna().all() and not bad.any()


def test_dates_already_typed_pass_through():
    typed = pd.Series(pd.to_datetime(["2020-01-01", None]))
    values, bad = parse_date(typed)
    assert values.iloc[0] == pd.Timestamp("2020-01-01") and not bad.any()


def test_numbers_and_integers():
    values, bad = parse_number(pd.Series(["1", "0.6", "1,000", "", None, "full time"], dtype="object"))
    assert values.tolist()[:3] == [1.0, 0.6, 1000.0]
    assert bad.tolist() == [False, False, False, False, False, True]
    ints, bad = parse_integer(pd.Series(["45", "45.0", "45.5"]))
    assert ints.tolist() == [45, 45, pd.NA] and bad.tolist() == [False, False, True]


def test_text_is_tidied():
    assert parse_text(pd.Series([" Staff   Nurse", "", None], dtype="object")).tolist()[0] == "Staff Nurse"
