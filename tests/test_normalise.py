"""The shared normaliser machinery, and that every normaliser uses it alike."""

import numpy as np
import pandas as pd
import pytest

from workforce.codes import _assignment, _bands, _demographics, _ethnicity, _staff_groups
from workforce.codes._normalise import Normalised, as_categorical, clean_text, map_distinct

COLOUR = pd.CategoricalDtype(["red", "blue"])


def _colour(text):
    if text is None:
        return {"colour": None, "n": 0}
    return {"r": {"colour": "red", "n": 1}, "b": {"colour": "blue", "n": 2}}.get(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("  A   White ", "A White"), ("\tB\n", "B"), ("", None), ("   ", None), (None, None), (np.nan, None),
     (pd.NA, None), (5, "5"), (5.5, "5.5")],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


def test_map_distinct_broadcasts_and_aligns():
    raw = pd.Series(["r", " b ", None, "x", "r"], index=[10, 11, 12, 13, 14])
    columns, unrecognised = map_distinct(raw, _colour, {"colour": COLOUR, "n": "Int64"})
    assert list(columns.index) == [10, 11, 12, 13, 14]
    assert columns["colour"].dtype == COLOUR
    assert columns["colour"].tolist() == ["red", "blue", np.nan, np.nan, "red"]
    assert columns["n"].tolist() == [1, 2, 0, pd.NA, 1]
    assert unrecognised.tolist() == [False, False, False, True, False]
    assert list(unrecognised.index) == [10, 11, 12, 13, 14]


def test_map_distinct_calls_parse_once_per_distinct_value():
    seen = []

    def parse(text):
        seen.append(text)
        return _colour(text)

    map_distinct(pd.Series(["r", "b", "r", None, "r", None, "b"]), parse, {"colour": COLOUR})
    assert sorted(seen, key=str) == [None, "b", "r"]


def test_map_distinct_blank_none_means_unrecognised():
    _, unrecognised = map_distinct(pd.Series([None, "r"]), lambda t: None if t is None else {"colour": "red"},
                                   {"colour": COLOUR})
    assert unrecognised.tolist() == [True, False]


def test_as_categorical_refuses_values_outside_the_categories():
    with pytest.raises(ValueError, match="outside the categories"):
        as_categorical(pd.Series(["red", "green"]), COLOUR)
    assert as_categorical(pd.Series(["red", None]), COLOUR).tolist() == ["red", np.nan]


# Each normaliser, with the name of its module-level parse function.
NORMALISERS = [
    (_ethnicity, "_parse", _ethnicity.normalise_ethnicity, ["A", "N", "A", "", "Martian", "A", None]),
    (_bands, "_parse", _bands.normalise_band, ["Band 5", "VSM", "Band 5", "", "Band 55", "Band 5", None]),
    (_staff_groups, "_parse", _staff_groups.normalise_staff_group, ["AHP", "Medical", "AHP", "", "x", "AHP", None]),
    (_demographics, "_sex", _demographics.normalise_sex, ["F", "M", "F", "", "?", "F", None]),
    (_demographics, "_disability", _demographics.normalise_disability, ["Y", "N", "Y", "", "?", "Y", None]),
    (_demographics, "parse_age_band", _demographics.normalise_age_band,
     ["26-30", "65+", "26-30", "", "21-25", "26-30", None]),
    (_assignment, "_flag", _assignment.normalise_flag, ["Yes", "No", "Yes", "", "?", "Yes", None]),
    (_assignment, "_category", _assignment.normalise_assignment_category,
     ["Bank", "Locum", "Bank", "", "?", "Bank", None]),
]


@pytest.mark.parametrize(("module", "parser", "normalise", "values"), NORMALISERS)
def test_each_normaliser_parses_each_distinct_value_once(monkeypatch, module, parser, normalise, values):
    seen = []
    original = getattr(module, parser)

    def spy(text, **kwargs):
        seen.append(text)
        return original(text, **kwargs)

    monkeypatch.setattr(module, parser, spy)
    out = normalise(pd.Series(values * 1000))
    assert isinstance(out, Normalised)
    # once per distinct raw value (four, "" included), plus once for the missing values
    assert len(seen) == 5
    assert seen.count(None) == 2  # "" is cleaned to None before parsing
    assert out.unrecognised.sum() == 1000
    assert len(out.columns) == len(values) * 1000
    assert out.problem and out.fix
