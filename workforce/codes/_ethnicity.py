"""Ethnic origin: NHS ETHNIC CATEGORY codes, Census 2021 groups and WRES White/BME.

The code list, with its crosswalk to the Census 2021 groups and to the WRES
White / BME / Unknown split, lives in ``workforce/data/ethnic_category.csv``
(see ``workforce/data/SOURCES.md``).  The crosswalk is PROPOSED, following
section 5.4 of the domain definitions, not an NHS rule.

A raw value is read in this order:

1. the whole value as a label, matched ignoring case, spacing and punctuation
   against the NHS labels, the Census 2021 labels and ``ETHNICITY_ALIASES``
   ("White British", "Black African", "Prefer not to say", ...);
2. otherwise a leading code, read case-sensitively with the regular expression
   of section 5.2 (so "A White - British" and "CA White English" have codes but
   "Asian" and a lone lowercase "a" do not).  The label after the code, if any,
   must describe the same national category (or the same Census group) as the
   code.  After a two-character (extended) code the label may use any wording
   (ESR's "LE Asian Sri Lankan", "GF Mixed - Other/Unspecified") as long as no
   word of it names another group.  A contradiction such as "A Black -
   African", a label that cannot be read after a one-character code ("N/A"
   reads as code N with label "/A"), and a two-character code outside the list
   ("A1") are reported, never guessed.

Census-style labels keep their own Census 2021 group: "Roma" gets NHS code C but
``ethnicity_census19`` "White: Roma", "Arab" gets S and "Other ethnic group:
Arab", and "Gypsy or Irish Traveller" gets C and "White: Gypsy or Irish
Traveller".  Every other value takes its Census groups from its code.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import partial

import pandas as pd

from .._resources import resource
from ._normalise import Normalised, map_distinct

__all__ = [
    "CENSUS5_DTYPE",
    "CENSUS19_DTYPE",
    "ETHNICITY_ALIASES",
    "ETHNICITY_CODE_DTYPE",
    "ETHNICITY_COLUMNS",
    "ETHNICITY_EXTENDED_DTYPE",
    "ETHNICITY_LABEL_DTYPE",
    "NHS5_DTYPE",
    "WRES_GROUP_DTYPE",
    "normalise_ethnicity",
    "census_categories",
]


def _read_csv(name: str) -> list[dict[str, str]]:
    # Path and zipfile.Path take newline= (as the csv module wants); the Traversable protocol does not declare it
    with resource("data", name).open(encoding="utf-8", newline="") as f:  # type: ignore[call-overload]
        return list(csv.DictReader(f))


_CODE_ROWS = {row["code"]: row for row in _read_csv("ethnic_category.csv")}
_CENSUS_ROWS = _read_csv("census2021_ethnic_group_categories.csv")
_UNSTATED = ("Z", "99")

#: National codes A-H, J-N, P, R, S, Z and 99, in Data Dictionary order.
ETHNICITY_CODE_DTYPE = pd.CategoricalDtype([c for c, r in _CODE_ROWS.items() if r["national_code"] == c])
#: Every national and two-character extended code (C2, CA ... SE).
ETHNICITY_EXTENDED_DTYPE = pd.CategoricalDtype(list(_CODE_ROWS))
#: NHS labels of the national codes ("White - British" ... "Not known").
ETHNICITY_LABEL_DTYPE = pd.CategoricalDtype([_CODE_ROWS[c]["label"] for c in ETHNICITY_CODE_DTYPE.categories])
#: The 19 ONS Census 2021 ethnic group labels (TS021), in ONS code order.
CENSUS19_DTYPE = pd.CategoricalDtype([r["ons_label"] for r in _CENSUS_ROWS])
#: Census 2021 high-level groups; Chinese (R) is in Asian.
CENSUS5_DTYPE = pd.CategoricalDtype(["White", "Mixed", "Asian", "Black", "Other"])
#: NHS 2001-style high-level groups; Chinese (R) is in Other.
NHS5_DTYPE = pd.CategoricalDtype(["White", "Mixed", "Asian", "Black", "Other"])
#: WRES grouping: White = A, B, C and C*; BME = every other stated group.
WRES_GROUP_DTYPE = pd.CategoricalDtype(["White", "BME", "Unknown"])


def census_categories() -> pd.DataFrame:
    """The 19 Census 2021 groups: data column, ONS label, and their census5, nhs5 and WRES groups.

    Examples
    --------
    >>> census_categories().columns.tolist()
    ['column', 'label', 'census5', 'nhs5', 'wres']
    >>> len(census_categories())
    19
    """
    rows = [{"column": r["column"], "label": r["ons_label"], "census5": r["ons_broad_group_5"],
             "nhs5": _CODE_ROWS[r["nhs_ethnic_category_2001_code"]]["nhs2001_5"], "wres": r["wres_group"]}
            for r in _CENSUS_ROWS]
    return pd.DataFrame(rows)

#: Output column name -> dtype of :func:`normalise_ethnicity`.
ETHNICITY_COLUMNS: dict[str, pd.CategoricalDtype] = {
    "ethnicity_code": ETHNICITY_CODE_DTYPE,
    "ethnicity_code_extended": ETHNICITY_EXTENDED_DTYPE,
    "ethnicity_label": ETHNICITY_LABEL_DTYPE,
    "ethnicity_census19": CENSUS19_DTYPE,
    "ethnicity_census5": CENSUS5_DTYPE,
    "ethnicity_nhs5": NHS5_DTYPE,
    "wres_group": WRES_GROUP_DTYPE,
}

#: Spellings seen in HR systems that are neither an NHS nor a Census label.
#: Keys are matched ignoring case, spacing and punctuation; values are codes.
ETHNICITY_ALIASES: dict[str, str] = {
    "White Other": "C",
    "White - Any other": "C",
    "Any other White": "C",
    "White Unspecified": "C3",
    "White Other European": "CY",
    "White European": "CY",
    "Mixed Other": "G",
    "Other Mixed": "G",
    "Any other mixed": "G",
    "Mixed Unspecified": "GF",
    "Indian or British Indian": "H",
    "Pakistani or British Pakistani": "J",
    "Bangladeshi or British Bangladeshi": "K",
    "Asian Other": "L",
    "Any other Asian": "L",
    "Asian Unspecified": "LK",
    "Sri Lankan": "LE",
    "Black Other": "P",
    "Any other Black": "P",
    "Black Unspecified": "PE",
    "Other - Any other": "S",
    "Prefer not to say": "Z",
    "Prefer not to answer": "Z",
    "Prefer not to state": "Z",
    "I do not wish to disclose my ethnic origin": "Z",
    "I do not wish to disclose": "Z",
    "Do not wish to disclose": "Z",
    "Not declared": "Z",
    "Not disclosed": "Z",
    "Declined": "Z",
    "Refused": "Z",
    "Unspecified": "99",
    "Not specified": "99",
    "Unknown": "99",
    "Not recorded": "99",
    "N/K": "99",
}

# Descriptions too vague to stand alone ("British" may be White, Asian or Black).
_TOO_VAGUE = {"british"}

# Section 5.2: applied case-sensitively, so "Mixed" or "ASIAN" are not codes.
_CODE_RE = re.compile(r"^(?P<code>[A-HJ-NPR-SZ][0-9A-Z]?|99)\b[\s\-\u2013:]*(?P<label>.*)$")

_PROBLEM = (
    "The ethnic origin is not an NHS ethnic category that could be recognised, "
    "or its code and label disagree (for example 'A Black - African'). "
    "It is counted as Unknown for WRES."
)
_FIX = (
    "Use an NHS ethnic category code and label such as 'A White - British' or "
    "'N Black or Black British - African'."
)


def _key(text: str) -> str:
    """Lower-case, '&' read as 'and', punctuation and spacing ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("&", " and ")))


def _build_labels() -> dict[str, tuple[str, str | None]]:
    """Label key -> (code, Census 2021 group if it differs from the code's)."""
    labels: dict[str, tuple[str, str | None]] = {}

    def add(text: str, code: str, census19: str | None = None) -> None:
        key = _key(text)
        if census19 == _CODE_ROWS[code]["census2021_19"]:
            census19 = None
        if labels.setdefault(key, (code, census19)) != (code, census19):
            raise ValueError(f"ethnicity label {text!r} is given two meanings")

    for code, row in _CODE_ROWS.items():
        add(row["label"], code)
        if code in _UNSTATED:
            continue
        prefix, desc = row["label"].split(" - ", 1)
        add(f"{prefix.split()[0]} {desc}", code)  # "Asian Punjabi", "Other Chinese"
        if _key(desc) not in _TOO_VAGUE:
            add(desc, code)  # "Punjabi", "Indian"
    for row in _CENSUS_ROWS:
        code, label = row["nhs_ethnic_category_2001_code"], row["ons_label"]
        detail = label.split(": ", 1)[1]
        add(label, code, label)  # "White: Irish"
        add(detail, code, label)  # "Irish", "Roma", "Arab"
        add(f"{row['ons_broad_group_5']} {detail}", code, label)  # "Black African"
    for text, code in ETHNICITY_ALIASES.items():
        add(text, code)
    return labels


_LABELS = _build_labels()

#: Words that name no group ("Other", "Any ... background", "British", "unspecified"): they agree with any code.
_FILLER = {"or", "and", "any", "other", "background", "group", "groups", "ethnic", "british", "welsh", "multiple",
           "unspecified", "not", "stated", "known", "the", "of", "a", "origin", "also", "s"}


def _vocabulary() -> dict[str, set[str]]:
    """Each word of every known label (its first four letters: "Lanka", "Lankan") -> the national codes it names."""
    words: dict[str, set[str]] = {}
    for key, (code, _census) in _LABELS.items():
        national = _CODE_ROWS[code]["national_code"]
        for word in key.split():
            if word not in _FILLER:
                words.setdefault(word[:4], set()).add(national)
    return words


_VOCABULARY = _vocabulary()


def _names_another_group(code: str, label: str) -> bool:
    """Whether a label (a key) names a group other than ``code``'s: one of its words belongs only to others.

    "Asian Sri Lankan" names code L's group in ESR's wording; "Black African" names N's, not L's.
    """
    national = _CODE_ROWS[code]["national_code"]
    for word in label.split():
        codes = _VOCABULARY.get(word[:4]) if word not in _FILLER else None
        if codes and national not in codes:
            return True
    return False


def _outputs(code: str, census19: str | None = None) -> dict[str, str | None]:
    row = _CODE_ROWS[code]
    national = row["national_code"]
    return {
        "ethnicity_code": national,
        "ethnicity_code_extended": code,
        "ethnicity_label": _CODE_ROWS[national]["label"],
        "ethnicity_census19": census19 or row["census2021_19"] or None,
        "ethnicity_census5": row["census2021_5"] or None,
        "ethnicity_nhs5": row["nhs2001_5"] or None,
        "wres_group": row["wres_group"],
    }


def _agrees(code: str, said: str) -> bool:
    """Whether a label meaning ``said`` may describe ``code``."""
    if code in _UNSTATED or said in _UNSTATED:
        return code in _UNSTATED and said in _UNSTATED  # Z vs 99 as written
    a, b = _CODE_ROWS[code], _CODE_ROWS[said]
    return a["national_code"] == b["national_code"] or a["census2021_19"] == b["census2021_19"]


def _parse(text: str | None, labels: Mapping[str, tuple[str, str | None]]) -> dict | None:
    if text is None:
        return _outputs("99")
    if (hit := labels.get(_key(text))) is not None:
        return _outputs(*hit)
    match = _CODE_RE.match(text)
    if match is None or match["code"] not in _CODE_ROWS:
        return None
    code, label = match["code"], _key(match["label"])
    if not label:
        return _outputs(code)
    said = labels.get(label)
    if said is None:
        # a two-character (extended) code is itself a clear answer: its label may use any wording (ESR's
        # "LE Asian Sri Lankan", "GF Mixed - Other/Unspecified") unless it names another group
        return _outputs(code) if len(code) == 2 and code not in _UNSTATED and not _names_another_group(code, label) \
            else None
    if not _agrees(code, said[0]):
        return None
    return _outputs(code, said[1] if said[0] == code else None)


def normalise_ethnicity(raw: pd.Series, *, aliases: Mapping[str, str] | None = None) -> Normalised:
    """Read an "Ethnic Origin" column into NHS codes, Census groups and WRES groups.

    Parameters
    ----------
    raw : pandas.Series
        Values such as "A White - British", "A - White - British",
        "White British", "CA White English", "N", "Z Not Stated", "99",
        "Black African", "Asian, Asian British or Asian Welsh: Indian",
        "Prefer not to say" or blank.
    aliases : mapping, optional
        Extra spellings, mapped to an NHS code (national or extended), for
        example ``{"Brit": "A"}``.  They take precedence over the built-in
        labels.

    Returns
    -------
    Normalised
        Columns ``ethnicity_code`` (A ... S, Z, 99), ``ethnicity_code_extended``
        (the two-character code where given, else the national code),
        ``ethnicity_label``, ``ethnicity_census19``, ``ethnicity_census5``,
        ``ethnicity_nhs5`` and ``wres_group``, with the dtypes in
        ``ETHNICITY_COLUMNS``.  Blank gives code 99 (Not known); Z, 99 and
        not-stated spellings keep their code.  These have ``wres_group``
        Unknown and no Census group.  An unrecognised value has every column
        missing except ``wres_group`` = Unknown, so headcounts still add up.

    Examples
    --------
    >>> raw = pd.Series(["A White - British", "R", "Arab", None, "A Black - African"])
    >>> out = normalise_ethnicity(raw)
    >>> out.columns[["ethnicity_code", "ethnicity_census5", "ethnicity_nhs5", "wres_group"]]
      ethnicity_code ethnicity_census5 ethnicity_nhs5 wres_group
    0              A             White          White      White
    1              R             Asian          Other        BME
    2              S             Other          Other        BME
    3             99               NaN            NaN    Unknown
    4            NaN               NaN            NaN    Unknown
    >>> out.unrecognised.tolist()
    [False, False, False, False, True]
    """
    labels = _LABELS
    if aliases:
        labels = dict(_LABELS)
        for text, code in aliases.items():
            if code not in _CODE_ROWS or not _key(str(text)):
                raise ValueError(
                    f"ethnicity alias {text!r} -> {code!r}: give a spelling with letters or digits "
                    f"and a code that is one of {list(_CODE_ROWS)}"
                )
            labels[_key(str(text))] = (code, None)
    columns, unrecognised = map_distinct(raw, partial(_parse, labels=labels), ETHNICITY_COLUMNS)
    columns["wres_group"] = columns["wres_group"].fillna("Unknown")
    return Normalised(columns=columns, unrecognised=unrecognised, problem=_PROBLEM, fix=_FIX)
