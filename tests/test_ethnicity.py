"""Ethnic origin normaliser and the ethnic category code list.

Expected values are written out from the definitions (sections 1.3, 5.1, 5.2
and the crosswalk of 5.4), not copied from the code's output.
"""

import csv
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from workforce.codes._ethnicity import (
    CENSUS5_DTYPE,
    CENSUS19_DTYPE,
    ETHNICITY_CODE_DTYPE,
    ETHNICITY_COLUMNS,
    ETHNICITY_EXTENDED_DTYPE,
    ETHNICITY_LABEL_DTYPE,
    NHS5_DTYPE,
    WRES_GROUP_DTYPE,
    normalise_ethnicity,
)

WB = "White: English, Welsh, Scottish, Northern Irish or British"
W_IRISH = "White: Irish"
W_GRT = "White: Gypsy or Irish Traveller"
W_ROMA = "White: Roma"
W_OTHER = "White: Other White"
M_WBC = "Mixed or Multiple ethnic groups: White and Black Caribbean"
M_WBA = "Mixed or Multiple ethnic groups: White and Black African"
M_WA = "Mixed or Multiple ethnic groups: White and Asian"
M_OTHER = "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups"
A_INDIAN = "Asian, Asian British or Asian Welsh: Indian"
A_PAKISTANI = "Asian, Asian British or Asian Welsh: Pakistani"
A_BANGLADESHI = "Asian, Asian British or Asian Welsh: Bangladeshi"
A_CHINESE = "Asian, Asian British or Asian Welsh: Chinese"
A_OTHER = "Asian, Asian British or Asian Welsh: Other Asian"
B_AFRICAN = "Black, Black British, Black Welsh, Caribbean or African: African"
B_CARIBBEAN = "Black, Black British, Black Welsh, Caribbean or African: Caribbean"
B_OTHER = "Black, Black British, Black Welsh, Caribbean or African: Other Black"
O_ARAB = "Other ethnic group: Arab"
O_ANY = "Other ethnic group: Any other ethnic group"

NATIONAL = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z", "99"]
EXTENDED = (
    ["C2", "C3", "CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CJ", "CK", "CL", "CM", "CN", "CP",
     "CQ", "CR", "CS", "CT", "CU", "CV", "CW", "CX", "CY"]
    + ["GA", "GB", "GC", "GD", "GE", "GF"]
    + ["LA", "LB", "LC", "LD", "LE", "LF", "LG", "LH", "LJ", "LK"]
    + ["PA", "PB", "PC", "PD", "PE"]
    + ["SA", "SB", "SC", "SD", "SE"]
)
COLUMNS = list(ETHNICITY_COLUMNS)

# raw -> (code, extended code, census 19, census 5, NHS 2001 5, WRES)
CASES = [
    ("A White - British", ("A", "A", WB, "White", "White", "White")),
    ("A - White - British", ("A", "A", WB, "White", "White", "White")),
    ("White - British", ("A", "A", WB, "White", "White", "White")),
    ("White -British", ("A", "A", WB, "White", "White", "White")),
    ("White British", ("A", "A", WB, "White", "White", "White")),
    ("  WHITE   british ", ("A", "A", WB, "White", "White", "White")),
    ("A", ("A", "A", WB, "White", "White", "White")),
    ("A: White - British", ("A", "A", WB, "White", "White", "White")),
    ("B White - Irish", ("B", "B", W_IRISH, "White", "White", "White")),
    ("C White - Any other White background", ("C", "C", W_OTHER, "White", "White", "White")),
    ("CA White English", ("C", "CA", WB, "White", "White", "White")),
    ("C2 White Northern Irish", ("C", "C2", WB, "White", "White", "White")),
    ("CD", ("C", "CD", WB, "White", "White", "White")),
    ("C3 White Unspecified", ("C", "C3", W_OTHER, "White", "White", "White")),
    ("CP White Polish", ("C", "CP", W_OTHER, "White", "White", "White")),
    ("CY White Other European", ("C", "CY", W_OTHER, "White", "White", "White")),
    ("CL White Irish Traveller", ("C", "CL", W_GRT, "White", "White", "White")),
    ("CN Gypsy/Romany", ("C", "CN", W_GRT, "White", "White", "White")),
    ("D Mixed - White and Black Caribbean", ("D", "D", M_WBC, "Mixed", "Mixed", "BME")),
    ("E", ("E", "E", M_WBA, "Mixed", "Mixed", "BME")),
    ("Mixed - White & Asian", ("F", "F", M_WA, "Mixed", "Mixed", "BME")),
    ("GA Mixed - Black & Asian", ("G", "GA", M_OTHER, "Mixed", "Mixed", "BME")),
    ("GC Mixed - Black and White", ("G", "GC", M_OTHER, "Mixed", "Mixed", "BME")),
    ("H Asian or Asian British - Indian", ("H", "H", A_INDIAN, "Asian", "Asian", "BME")),
    ("LB Asian Punjabi", ("L", "LB", A_OTHER, "Asian", "Asian", "BME")),
    ("LK Other Asian", ("L", "LK", A_OTHER, "Asian", "Asian", "BME")),
    ("M Black or Black British - Caribbean", ("M", "M", B_CARIBBEAN, "Black", "Black", "BME")),
    ("N Black or Black British - African", ("N", "N", B_AFRICAN, "Black", "Black", "BME")),
    ("PC Black Nigerian", ("P", "PC", B_OTHER, "Black", "Black", "BME")),
    ("PA Black Somali", ("P", "PA", B_OTHER, "Black", "Black", "BME")),
    ("R Other Ethnic Groups - Chinese", ("R", "R", A_CHINESE, "Asian", "Other", "BME")),
    ("S Other Ethnic Groups - Any other ethnic group", ("S", "S", O_ANY, "Other", "Other", "BME")),
    ("SC Filipino", ("S", "SC", O_ANY, "Other", "Other", "BME")),
    ("SA Vietnamese", ("S", "SA", O_ANY, "Other", "Other", "BME")),
    # Census 2021 labels and short forms
    ("White: Irish", ("B", "B", W_IRISH, "White", "White", "White")),
    ("Asian, Asian British or Asian Welsh: Indian", ("H", "H", A_INDIAN, "Asian", "Asian", "BME")),
    ("Indian", ("H", "H", A_INDIAN, "Asian", "Asian", "BME")),
    ("Pakistani", ("J", "J", A_PAKISTANI, "Asian", "Asian", "BME")),
    ("Bangladeshi", ("K", "K", A_BANGLADESHI, "Asian", "Asian", "BME")),
    ("Chinese", ("R", "R", A_CHINESE, "Asian", "Other", "BME")),
    ("Black African", ("N", "N", B_AFRICAN, "Black", "Black", "BME")),
    ("Black Caribbean", ("M", "M", B_CARIBBEAN, "Black", "Black", "BME")),
    ("Other Black", ("P", "P", B_OTHER, "Black", "Black", "BME")),
    ("Mixed or Multiple ethnic groups: White and Black African", ("E", "E", M_WBA, "Mixed", "Mixed", "BME")),
    ("Arab", ("S", "S", O_ARAB, "Other", "Other", "BME")),
    ("Other ethnic group: Arab", ("S", "S", O_ARAB, "Other", "Other", "BME")),
    ("Roma", ("C", "C", W_ROMA, "White", "White", "White")),
    ("White: Roma", ("C", "C", W_ROMA, "White", "White", "White")),
    ("Gypsy or Irish Traveller", ("C", "C", W_GRT, "White", "White", "White")),
    ("White: Other White", ("C", "C", W_OTHER, "White", "White", "White")),
    ("White Other", ("C", "C", W_OTHER, "White", "White", "White")),
    # not stated (Z) and not known (99), kept as written
    ("Z Not Stated", ("Z", "Z", None, None, None, "Unknown")),
    ("Z", ("Z", "Z", None, None, None, "Unknown")),
    ("Not stated", ("Z", "Z", None, None, None, "Unknown")),
    ("Prefer not to say", ("Z", "Z", None, None, None, "Unknown")),
    ("I do not wish to disclose my ethnic origin", ("Z", "Z", None, None, None, "Unknown")),
    ("Z Unspecified", ("Z", "Z", None, None, None, "Unknown")),
    ("99", ("99", "99", None, None, None, "Unknown")),
    ("99 Not Known", ("99", "99", None, None, None, "Unknown")),
    ("Not known", ("99", "99", None, None, None, "Unknown")),
    ("Unspecified", ("99", "99", None, None, None, "Unknown")),
]


def _row(out, i=0):
    return tuple(None if pd.isna(v) else v for v in out.columns.iloc[i][COLUMNS[:2] + COLUMNS[3:]])


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_spellings(raw, expected):
    out = normalise_ethnicity(pd.Series([raw]))
    assert _row(out) == expected
    assert not out.unrecognised.iloc[0]


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("A White British", "White - British"),
        ("CA White English", "White - Any other White background"),
        ("R", "Other Ethnic Groups - Chinese"),
        ("Prefer not to say", "Not stated"),
        ("", "Not known"),
    ],
)
def test_label_is_that_of_the_national_code(raw, label):
    assert normalise_ethnicity(pd.Series([raw])).columns["ethnicity_label"].iloc[0] == label


@pytest.mark.parametrize(
    "raw",
    [
        "a",  # the code is read case-sensitively
        "a White - British",
        "A Black - African",  # code and label disagree
        "N White - British",
        "Z White - British",
        "99 Indian",
        "White",  # White British, Irish or Other: cannot tell
        "Black",
        "Mixed",
        "ASIAN",
        "British",
        "N/A",
        "AZ",  # not a listed code
        "A1 White - British",
        "X",
        "999",
        "Martian",
    ],
)
def test_unrecognised(raw):
    out = normalise_ethnicity(pd.Series([raw]))
    assert out.unrecognised.iloc[0]
    assert out.columns[COLUMNS[:-1]].iloc[0].isna().all()
    assert out.columns["wres_group"].iloc[0] == "Unknown"


@pytest.mark.parametrize("blank", ["", "   ", None, np.nan, pd.NA])
def test_blank_is_not_known(blank):
    out = normalise_ethnicity(pd.Series(["A", blank], dtype="object"))
    assert _row(out, 1) == ("99", "99", None, None, None, "Unknown")
    assert out.columns["ethnicity_label"].iloc[1] == "Not known"
    assert not out.unrecognised.iloc[1]


def test_problem_and_fix_name_the_accepted_forms():
    out = normalise_ethnicity(pd.Series(["A Black - African"]))
    assert "code and label disagree" in out.problem
    assert "'A White - British'" in out.fix
    assert "'N Black or Black British - African'" in out.fix


def test_dtypes_fixed_whatever_the_input():
    out = normalise_ethnicity(pd.Series(["A", "A"]))
    assert list(out.columns.columns) == [
        "ethnicity_code", "ethnicity_code_extended", "ethnicity_label", "ethnicity_census19",
        "ethnicity_census5", "ethnicity_nhs5", "wres_group",
    ]
    assert out.columns["ethnicity_code"].dtype == ETHNICITY_CODE_DTYPE
    assert list(ETHNICITY_CODE_DTYPE.categories) == NATIONAL
    assert list(ETHNICITY_EXTENDED_DTYPE.categories) == sorted(NATIONAL[:-2] + EXTENDED) + ["Z", "99"]
    assert list(ETHNICITY_LABEL_DTYPE.categories)[0] == "White - British"
    assert list(ETHNICITY_LABEL_DTYPE.categories)[-2:] == ["Not stated", "Not known"]
    assert len(CENSUS19_DTYPE.categories) == 19 and W_ROMA in CENSUS19_DTYPE.categories
    assert list(CENSUS5_DTYPE.categories) == ["White", "Mixed", "Asian", "Black", "Other"]
    assert list(NHS5_DTYPE.categories) == ["White", "Mixed", "Asian", "Black", "Other"]
    assert list(WRES_GROUP_DTYPE.categories) == ["White", "BME", "Unknown"]
    for name, dtype in ETHNICITY_COLUMNS.items():
        assert out.columns[name].dtype == dtype
    empty = normalise_ethnicity(pd.Series([], dtype="object"))
    assert len(empty.columns) == 0
    assert all(empty.columns[name].dtype == dtype for name, dtype in ETHNICITY_COLUMNS.items())


def test_index_alignment():
    raw = pd.Series(["Z", "Martian", "A White - British"], index=[30, 10, 20])
    out = normalise_ethnicity(raw)
    assert list(out.columns.index) == [30, 10, 20]
    assert list(out.unrecognised.index) == [30, 10, 20]
    assert out.columns.loc[20, "ethnicity_code"] == "A"
    assert out.unrecognised.loc[10]


def test_categorical_and_numeric_input():
    raw = pd.Series(pd.Categorical(["N", "A", "N"]))
    assert normalise_ethnicity(raw).columns["ethnicity_code"].tolist() == ["N", "A", "N"]
    assert normalise_ethnicity(pd.Series(["A", 99], dtype="object")).columns["ethnicity_code"].tolist() == ["A", "99"]


def test_headcount_adds_up():
    raw = pd.Series(["A", "N", "", "Martian", "Z", "R"])
    counts = normalise_ethnicity(raw).columns["wres_group"].value_counts()
    assert counts.to_dict() == {"White": 1, "BME": 2, "Unknown": 3}


@pytest.mark.parametrize("code", NATIONAL + EXTENDED)
def test_every_code_alone_and_with_its_label(code):
    rows = {r["code"]: r for r in _code_list()}
    out = normalise_ethnicity(pd.Series([code, f"{code} {rows[code]['label']}", rows[code]["label"]]))
    assert not out.unrecognised.any()
    assert out.columns["ethnicity_code_extended"].tolist() == [code] * 3
    assert out.columns["ethnicity_code"].tolist() == [code if code in NATIONAL else code[0]] * 3


def test_user_aliases():
    out = normalise_ethnicity(pd.Series(["Brit", "Kurdish"]), aliases={"brit": "A", "Kurdish": "SE"})
    assert out.columns["ethnicity_code_extended"].tolist() == ["A", "SE"]
    with pytest.raises(ValueError, match="a code that is one of"):
        normalise_ethnicity(pd.Series(["x"]), aliases={"x": "Q"})


# ---------------------------------------------------------------- the code list


def _code_list():
    with files("workforce").joinpath("data", "ethnic_category.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_code_list_has_every_code_once():
    rows = _code_list()
    assert list(rows[0]) == [
        "code", "label", "national_code", "census2021_19", "census2021_5", "nhs2001_5", "wres_group",
    ]
    codes = [r["code"] for r in rows]
    assert sorted(codes) == sorted(NATIONAL + EXTENDED)
    assert len(codes) == len(set(codes)) == 69


def test_code_list_follows_the_crosswalk():
    rows = {r["code"]: r for r in _code_list()}
    for code in EXTENDED:
        assert rows[code]["national_code"] == code[0]
    expected_19 = {
        **dict.fromkeys(["A", "C2", "CA", "CB", "CC", "CD"], WB),
        "B": W_IRISH,
        **dict.fromkeys(["CL", "CM", "CN"], W_GRT),
        **dict.fromkeys(["C", "C3", "CE", "CF", "CG", "CH", "CJ", "CK", "CP", "CQ", "CR", "CS", "CT",
                         "CU", "CV", "CW", "CX", "CY"], W_OTHER),
        "D": M_WBC, "E": M_WBA, "F": M_WA,
        **dict.fromkeys(["G", "GA", "GB", "GC", "GD", "GE", "GF"], M_OTHER),
        "H": A_INDIAN, "J": A_PAKISTANI, "K": A_BANGLADESHI,
        **dict.fromkeys(["L", "LA", "LB", "LC", "LD", "LE", "LF", "LG", "LH", "LJ", "LK"], A_OTHER),
        "M": B_CARIBBEAN, "N": B_AFRICAN,
        **dict.fromkeys(["P", "PA", "PB", "PC", "PD", "PE"], B_OTHER),
        "R": A_CHINESE,
        **dict.fromkeys(["S", "SA", "SB", "SC", "SD", "SE"], O_ANY),
        "Z": "", "99": "",
    }
    assert {c: r["census2021_19"] for c, r in rows.items()} == expected_19
    for code, row in rows.items():
        national = code if code in NATIONAL else code[0]
        wres = {"A": "White", "B": "White", "C": "White", "Z": "Unknown", "99": "Unknown"}.get(national, "BME")
        assert row["wres_group"] == wres
        if national == "R":
            assert (row["census2021_5"], row["nhs2001_5"]) == ("Asian", "Other")
        else:
            assert row["census2021_5"] == row["nhs2001_5"]
    assert rows["CA"]["label"] == "White - English"
    assert rows["A"]["label"] == "White - British"


def test_census_categories_file_is_shipped():
    with files("workforce").joinpath("data", "census2021_ethnic_group_categories.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["ons_label"] for r in rows] == list(CENSUS19_DTYPE.categories)
    assert {r["ons_label"]: r["nhs_ethnic_category_2001_code"] for r in rows}[O_ARAB] == "S"


@pytest.mark.parametrize("value, code", [
    ("GF Mixed - Other/Unspecified", "GF"), ("LE Asian Sri Lankan", "LE"), ("PE Black Other/Unspecified", "PE"),
    ("LK Asian unspecified", "LK"), ("CY White Other European", "CY"),
])
def test_extended_codes_in_esrs_own_wording_are_read(value, code):
    """ESR writes 'LE Asian Sri Lankan' where the Data Dictionary says 'Asian or Asian British - Sri Lanka': the
    code was valid, yet counted as Unknown (issue 13)."""
    result = normalise_ethnicity(pd.Series([value]))
    assert not result.unrecognised.iloc[0]
    assert result.columns["ethnicity_code_extended"].iloc[0] == code


@pytest.mark.parametrize("value", ["LE Black African", "CA Black English", "GF White and Asian", "A Black - African",
                                   "N/A"])
def test_a_label_naming_another_group_is_still_a_contradiction(value):
    assert normalise_ethnicity(pd.Series([value])).unrecognised.iloc[0]
