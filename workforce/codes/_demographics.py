"""Sex, disability and age band.

Values are matched ignoring case, spacing and punctuation.  Blank sex or
disability means Unknown (not declared) and is not reported; a blank age band
is simply missing.

Age is banded two ways, and both bandings are kept:

* the standard bands 16-24, 25-34, 35-44, 45-54, 55-64 and 65+ (``age_band``,
  the Census-style bands the WRES and most reports use);
* ESR's own five-year bands <=20, 21-25, 26-30 ... 66-70, >=71
  (``esr_age_band``), which is all many ESR exports give.

A source band is placed in a banding only if it lies wholly inside one of its
bands (placing it otherwise would be a guess): ESR's "26-30" is in 25-34 and in
ESR's 26-30; ESR's "21-25" straddles 16-24 and 25-34, so it has no standard
band but keeps its ESR band; "25-34" has no ESR band.  A value that fits
neither banding is reported.  Ages below 16 are outside both bandings: they
give a missing band, and a source band's lower end is read as at least 16 (so
"<=20 Years" is 16-24 and ESR's <=20, ages 16 to 20).
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
    "ESR_AGE_BANDS",
    "ESR_AGE_BAND_DTYPE",
    "ESR_STRADDLING",
    "DISABILITY_DTYPE",
    "SEX_DTYPE",
    "age_band_from_age",
    "esr_age_band_from_age",
    "normalise_age_band",
    "normalise_disability",
    "normalise_sex",
    "age_interval",
    "parse_age_band",
    "parse_age_bands",
]

SEX_DTYPE = pd.CategoricalDtype(["Female", "Male", "Other", "Unknown"])
DISABILITY_DTYPE = pd.CategoricalDtype(["Yes", "No", "Unknown"])
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_BAND_DTYPE = pd.CategoricalDtype(list(AGE_BANDS), ordered=True)
_AGE_EDGES = (16, 25, 35, 45, 55, 65, math.inf)  # band i is [edge i, edge i+1)
#: ESR's five-year age bands, in order ("<=20" holds ages 16 to 20 here: younger ages are in no band).
ESR_AGE_BANDS = ("<=20", *(f"{a}-{a + 4}" for a in range(21, 70, 5)), ">=71")
ESR_AGE_BAND_DTYPE = pd.CategoricalDtype(list(ESR_AGE_BANDS), ordered=True)
_ESR_EDGES = (16, *range(21, 72, 5), math.inf)
#: The ESR bands that straddle two standard bands (they have no standard band).
ESR_STRADDLING = ("21-25", "31-35", "41-45", "51-55", "61-65")
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
    return _banded(age, _AGE_EDGES, AGE_BAND_DTYPE, "age_band")


def esr_age_band_from_age(age: pd.Series) -> pd.Series:
    """Place ages in whole years into ESR's five-year age bands.

    Parameters
    ----------
    age : pandas.Series
        Ages (``Int64`` or any numeric dtype; missing allowed).

    Returns
    -------
    pandas.Series
        Ordered categorical with ``ESR_AGE_BAND_DTYPE``, on the same index,
        named ``esr_age_band``.  Ages below 16 and missing ages give missing
        (as for the standard bands), so "<=20" holds ages 16 to 20.

    Examples
    --------
    >>> esr_age_band_from_age(pd.Series([15, 16, 20, 21, 65, 70, 71, None], dtype="Int64")).tolist()
    [nan, '<=20', '<=20', '21-25', '61-65', '66-70', '>=71', nan]
    """
    return _banded(age, _ESR_EDGES, ESR_AGE_BAND_DTYPE, "esr_age_band")


def _banded(age: pd.Series, edges: tuple[float, ...], dtype: pd.CategoricalDtype, name: str) -> pd.Series:
    """Ages placed in the bands ``[edge i, edge i+1)`` (``dtype``'s categories, in order); others missing.

    As ``pandas.cut(values, bins=edges, right=False)``, by a binary search of the edges.
    """
    values = pd.to_numeric(age, errors="coerce").astype("float64").to_numpy()
    codes = np.searchsorted(np.asarray(edges, dtype="float64"), values, side="right") - 1
    codes[np.isnan(values) | (codes >= len(edges) - 1)] = -1   # below the first edge: -1 already
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=age.index, name=name)


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


def _inside(low: float, high: float, edges: tuple, labels: tuple) -> str | None:
    """The band of ``labels`` (band i is [edge i, edge i+1)) that ages low-high lie wholly inside, or None."""
    i = int(np.searchsorted(edges, low, side="right")) - 1
    return labels[i] if high <= edges[i + 1] - 1 else None


def parse_age_bands(text: str | None) -> dict | None:
    """One source age band placed in both bandings: the standard band and ESR's band it lies wholly inside.

    Returns ``{"age_band": ..., "esr_age_band": ...}`` with a key for each
    banding the value fits; ``{}`` (no band) for a blank value or a band
    wholly below 16; ``None`` (not recognised) for text that is not an age
    band, or a band that fits neither banding.

    Examples
    --------
    >>> parse_age_bands("26-30"), parse_age_bands("21-25 Years"), parse_age_bands("25-34")
    ({'age_band': '25-34', 'esr_age_band': '26-30'}, {'esr_age_band': '21-25'}, {'age_band': '25-34'})
    >>> parse_age_bands("<=20 Years"), parse_age_bands("20-30")
    ({'age_band': '16-24', 'esr_age_band': '<=20'}, None)
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
        return {}  # wholly below 16: outside the bands, like an age under 16
    low = max(low, _AGE_EDGES[0])
    out = {"age_band": _inside(low, high, _AGE_EDGES, AGE_BANDS),
           "esr_age_band": _inside(low, high, _ESR_EDGES, ESR_AGE_BANDS)}
    out = {k: v for k, v in out.items() if v is not None}
    return out or None


def parse_age_band(text: str | None) -> dict | None:
    """One source age band as ``{"age_band": ...}``, the standard band it lies wholly inside.

    ``{}`` (no band) for a blank value or a band wholly below 16; ``None``
    (not recognised) for text that is not an age band or a band that
    straddles two standard bands.  :func:`normalise_age_band` reads a column
    with it; :func:`parse_age_bands` also gives ESR's band.

    Examples
    --------
    >>> parse_age_band("26-30"), parse_age_band("25-34"), parse_age_band("20-30"), parse_age_band("21-25")
    ({'age_band': '25-34'}, {'age_band': '25-34'}, None, None)
    """
    both = parse_age_bands(text)
    if both is None or (both and "age_band" not in both):
        return None
    return {"age_band": both["age_band"]} if both else {}


def normalise_age_band(raw: pd.Series, *, esr: bool = False) -> Normalised:
    """Read a source "Age Band" column into the standard age bands (and, with ``esr=True``, ESR's too).

    Parameters
    ----------
    raw : pandas.Series
        Bands such as "<=20 Years", "26-30", "25-34", "Under 25",
        "55-64 Years", "65 and over" or ">=71 Years".
    esr : bool
        Also give ESR's five-year band (column ``esr_age_band``), and report
        only values that fit neither banding: ESR's "21-25" then keeps its
        ESR band and has no standard band, without a problem.  The staff
        loader reads age bands this way; a loader that keeps only the
        standard band leaves it False, so such a value is reported.

    Returns
    -------
    Normalised
        Column ``age_band`` (``AGE_BAND_DTYPE``), and ``esr_age_band``
        (``ESR_AGE_BAND_DTYPE``) with ``esr=True``.  A band that lies wholly
        inside one band of a banding is placed in it.  Blank gives missing and
        is not reported.

    Examples
    --------
    >>> out = normalise_age_band(pd.Series(["<=20 Years", "26-30", "21-25", ">=71 Years"]))
    >>> out.columns["age_band"].tolist()
    ['16-24', '25-34', nan, '65+']
    >>> out.unrecognised.tolist()
    [False, False, True, False]
    >>> both = normalise_age_band(pd.Series(["21-25", "25-34", "20-30"]), esr=True)
    >>> both.columns["esr_age_band"].tolist(), both.unrecognised.tolist()
    (['21-25', nan, nan], [False, False, True])
    """
    if esr:
        columns, unrecognised = map_distinct(raw, parse_age_bands,
                                             {"age_band": AGE_BAND_DTYPE, "esr_age_band": ESR_AGE_BAND_DTYPE})
        return Normalised(
            columns=columns,
            unrecognised=unrecognised,
            problem=("The age band could not be read, or it fits neither the standard age bands (16-24, 25-34, "
                     "35-44, 45-54, 55-64, 65+) nor ESR's five-year bands (<=20, 21-25, 26-30 ... 66-70, >=71)."),
            fix="Provide Date of Birth or Age instead, or age bands that each fit inside one standard or ESR band.",
        )
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
