"""Sex, disability and age band.

Values are matched ignoring case, spacing and punctuation.  Blank sex or
disability means Unknown (not declared) and is not reported; a blank age band
is simply missing.

Age bands use the standard bands 16-24, 25-34, 35-44, 45-54, 55-64 and 65+.
A source band (for example ESR's "26-30") is placed in a standard band only if
it lies wholly inside it; ESR's "21-25" straddles 16-24 and 25-34 and is
reported, because placing it would be a guess.  Ages below 16 are outside the
standard bands: they give a missing band, and a source band's lower end is
read as at least 16 (so "<=20 Years" is 16-24).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ._normalise import Normalised, map_distinct

__all__ = [
    "AGE_BANDS",
    "AGE_BAND_DTYPE",
    "DISABILITY_DTYPE",
    "SEX_DTYPE",
    "age_band_from_age",
    "normalise_age_band",
    "normalise_disability",
    "normalise_sex",
    "age_interval",
    "parse_age_band",
]

SEX_DTYPE = pd.CategoricalDtype(["Female", "Male", "Other", "Unknown"])
DISABILITY_DTYPE = pd.CategoricalDtype(["Yes", "No", "Unknown"])
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_BAND_DTYPE = pd.CategoricalDtype(list(AGE_BANDS), ordered=True)
_AGE_EDGES = (16, 25, 35, 45, 55, 65, math.inf)  # band i is [edge i, edge i+1)
_OLDEST = 120

# NHS codes: 1 Male, 2 Female, 9 Indeterminate, X and 0 Not known.
_SEX = {
    "Female": ["f", "female", "woman", "women", "2"],
    "Male": ["m", "male", "man", "men", "1"],
    "Other": ["other", "non binary", "nonbinary", "indeterminate", "9"],
    "Unknown": [
        "x", "u", "0", "unknown", "not known", "not specified", "unspecified", "not stated",
        "not declared", "prefer not to say", "prefer not to answer",
    ],
}
_DISABILITY = {
    "Yes": ["yes", "y", "disabled", "yes disabled"],
    "No": ["no", "n", "not disabled", "non disabled", "no disability"],
    "Unknown": [
        "not declared", "prefer not to answer", "prefer not to say", "unspecified", "unknown",
        "not known", "not stated", "declined", "do not wish to disclose", "i do not wish to disclose",
    ],
}


def _key(text: str) -> str:
    text = re.sub(r"^(\d+)\.0+$", r"\1", text)  # 1.0 from a spreadsheet number
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _lookup(spellings: dict[str, list[str]]) -> dict[str, str]:
    table = {_key(value): value for value in spellings}
    table.update({_key(s): value for value, keys in spellings.items() for s in keys})
    return table


_SEX_KEYS = _lookup(_SEX)
_DISABILITY_KEYS = _lookup(_DISABILITY)


def _sex(text: str | None) -> dict | None:
    value = "Unknown" if text is None else _SEX_KEYS.get(_key(text))
    return None if value is None else {"sex": value}


def _disability(text: str | None) -> dict | None:
    value = "Unknown" if text is None else _DISABILITY_KEYS.get(_key(text))
    return None if value is None else {"disability": value}


def normalise_sex(raw: pd.Series) -> Normalised:
    """Read a "Gender" / "Sex" column into Female, Male, Other or Unknown.

    Accepts F/M, Female/Male, Woman/Man, "Non-binary", "Indeterminate",
    "Not specified", "Prefer not to say", and the NHS codes 1 (Male),
    2 (Female), 9 (Indeterminate, read as Other) and X or 0 (Not known).

    Parameters
    ----------
    raw : pandas.Series
        The raw column.

    Returns
    -------
    Normalised
        Column ``sex`` (``SEX_DTYPE``).  Blank gives Unknown and is not
        reported; an unrecognised value gives missing.

    Examples
    --------
    >>> normalise_sex(pd.Series(["F", "Male", "2", None, "?"])).columns["sex"].tolist()
    ['Female', 'Male', 'Female', 'Unknown', nan]
    """
    columns, unrecognised = map_distinct(raw, _sex, {"sex": SEX_DTYPE})
    return Normalised(
        columns=columns,
        unrecognised=unrecognised,
        problem="The sex or gender is not one that could be recognised.",
        fix="Use Female, Male, Other or Unknown (or F, M, or the NHS codes 1, 2, 9, X).",
    )


def normalise_disability(raw: pd.Series) -> Normalised:
    """Read a "Disability" column into Yes, No or Unknown.

    Parameters
    ----------
    raw : pandas.Series
        Values such as Yes, Y, No, N, "Not Declared", "Prefer Not To Answer",
        "Disabled", "Not disabled" or "Unspecified".

    Returns
    -------
    Normalised
        Column ``disability`` (``DISABILITY_DTYPE``).  Blank and the
        not-declared spellings give Unknown; an unrecognised value gives
        missing.

    Examples
    --------
    >>> normalise_disability(pd.Series(["Y", "No", "Not Declared", "", "Maybe"])).columns["disability"].tolist()
    ['Yes', 'No', 'Unknown', 'Unknown', nan]
    """
    columns, unrecognised = map_distinct(raw, _disability, {"disability": DISABILITY_DTYPE})
    return Normalised(
        columns=columns,
        unrecognised=unrecognised,
        problem="The disability value is not one that could be recognised.",
        fix="Use Yes, No or 'Not Declared' (Y and N are also read).",
    )


def age_band_from_age(age: pd.Series) -> pd.Series:
    """Place ages in whole years into the standard age bands.

    Parameters
    ----------
    age : pandas.Series
        Ages (``Int64`` or any numeric dtype; missing allowed).

    Returns
    -------
    pandas.Series
        Ordered categorical with ``AGE_BAND_DTYPE``, on the same index, named
        ``age_band``.  Ages below 16 and missing ages give missing.

    Examples
    --------
    >>> age_band_from_age(pd.Series([15, 16, 24, 25, 64, 65, None], dtype="Int64")).tolist()
    [nan, '16-24', '16-24', '25-34', '55-64', '65+', nan]
    """
    values = pd.to_numeric(age, errors="coerce").astype("float64")
    band = pd.cut(values, bins=list(_AGE_EDGES), right=False, labels=list(AGE_BANDS))
    return pd.Series(band, index=age.index, name="age_band").astype(AGE_BAND_DTYPE)


_NUMBER = r"(\d{1,3})"
_RANGE_RE = re.compile(rf"{_NUMBER} ?(?:-|to) ?{_NUMBER}")
_UPTO_RE = re.compile(rf"(?:<=|=<|up to|upto) ?{_NUMBER}|{_NUMBER} (?:and|or) (?:under|below|younger)")
_UNDER_RE = re.compile(rf"(?:<|under|below|less than) ?{_NUMBER}")
_FROM_RE = re.compile(rf"(?:>=|=>) ?{_NUMBER}|{_NUMBER} ?(?:\+|plus|(?:and|or) (?:over|above|older))")
_OVER_RE = re.compile(rf"(?:>|over|above|more than) ?{_NUMBER}")


def age_interval(text: str) -> tuple[float, float] | None:
    """The ages ``(low, high)``, both inclusive, that a source band covers."""
    text = text.lower().replace("\u2013", "-").replace("\u2014", "-").replace("\u2264", "<=").replace("\u2265", ">=")
    text = re.sub(r"\b(?:aged?|years?|yrs?|old)\b", " ", text)
    text = " ".join(text.split())
    if m := _RANGE_RE.fullmatch(text):
        return int(m[1]), int(m[2])
    if m := _UPTO_RE.fullmatch(text):
        return -math.inf, int(m[1] or m[2])
    if m := _UNDER_RE.fullmatch(text):
        return -math.inf, int(m[1]) - 1
    if m := _FROM_RE.fullmatch(text):
        return int(m[1] or m[2]), math.inf
    if m := _OVER_RE.fullmatch(text):
        return int(m[1]) + 1, math.inf
    if m := re.fullmatch(rf"{_NUMBER}(?:\.0+)?", text):
        return int(m[1]), int(m[1])
    return None


def parse_age_band(text: str | None) -> dict | None:
    """One source age band as ``{"age_band": ...}``, the standard band it lies wholly inside.

    ``{}`` (no band) for a blank value or a band wholly below 16; ``None``
    (not recognised) for text that is not an age band or a band that
    straddles two standard bands.  :func:`normalise_age_band` reads a column
    with it.

    Examples
    --------
    >>> parse_age_band("26-30"), parse_age_band("25-34"), parse_age_band("20-30")
    ({'age_band': '25-34'}, {'age_band': '25-34'}, None)
    """
    if text is None:
        return {}
    interval = age_interval(text)
    if interval is None:
        return None
    low, high = interval
    if low > high or max(b for b in interval if b < math.inf) > _OLDEST:
        return None
    if high < _AGE_EDGES[0]:
        return {}  # wholly below 16: outside the standard bands, like an age under 16
    low = max(low, _AGE_EDGES[0])
    i = int(np.searchsorted(_AGE_EDGES, low, side="right")) - 1
    if high > _AGE_EDGES[i + 1] - 1:
        return None  # straddles two standard bands
    return {"age_band": AGE_BANDS[i]}


def normalise_age_band(raw: pd.Series) -> Normalised:
    """Read a source "Age Band" column into the standard age bands.

    Parameters
    ----------
    raw : pandas.Series
        Bands such as "<=20 Years", "26-30", "25-34", "Under 25",
        "55-64 Years", "65 and over" or ">=71 Years".

    Returns
    -------
    Normalised
        Column ``age_band`` (``AGE_BAND_DTYPE``).  A band that lies wholly
        inside one standard band is placed in it; one that straddles two
        (ESR's "21-25") is reported as unrecognised.  Blank gives missing and
        is not reported.

    Examples
    --------
    >>> out = normalise_age_band(pd.Series(["<=20 Years", "26-30", "21-25", ">=71 Years"]))
    >>> out.columns["age_band"].tolist()
    ['16-24', '25-34', nan, '65+']
    >>> out.unrecognised.tolist()
    [False, False, True, False]
    """
    columns, unrecognised = map_distinct(raw, parse_age_band, {"age_band": AGE_BAND_DTYPE})
    return Normalised(
        columns=columns,
        unrecognised=unrecognised,
        problem=(
            "The age band could not be read, or it straddles the standard age bands "
            "(16-24, 25-34, 35-44, 45-54, 55-64, 65+), so it cannot be placed in one of them."
        ),
        fix="Provide Date of Birth or Age instead, or age bands that each fit inside one standard band.",
    )
