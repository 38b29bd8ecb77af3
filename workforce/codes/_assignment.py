"""Assignment details: yes/no flags and the assignment category (with the bank flag).

Bank staff are excluded from WRES indicator 1 and WDES metric 1 by default, so
the assignment category gives ``is_bank``.  The categories are the common ESR
assignment categories:

* Permanent ("Permanent", "Substantive");
* Fixed Term Temp ("Fixed Term Temporary", "Fixed Term", "Temporary");
* Bank; Locum; Honorary;
* Secondment ("Seconded", "Secondee");
* Non-Executive ("Non-Exec Director/Chair", board members who are not employees).

Anything else, including agency staff (who are not on ESR), is reported rather
than guessed.  A blank or unrecognised category leaves ``is_bank`` missing: it
is not known whether the assignment is bank.
"""

from __future__ import annotations

import re
from functools import partial

import pandas as pd

from ._normalise import Normalised, map_distinct

__all__ = ["ASSIGNMENT_CATEGORY_DTYPE", "normalise_assignment_category", "normalise_flag"]

ASSIGNMENT_CATEGORY_DTYPE = pd.CategoricalDtype(
    ["Permanent", "Fixed Term Temp", "Bank", "Locum", "Honorary", "Secondment", "Non-Executive"]
)

_FLAGS = {
    True: ["yes", "y", "true", "t", "1", "primary"],
    False: ["no", "n", "false", "f", "0", "secondary"],
}
_CATEGORIES = {
    "Permanent": ["permanent", "perm", "permanent contract", "substantive"],
    "Fixed Term Temp": [
        "fixed term temp", "fixed term temporary", "fixed term", "fixed term contract", "ftc",
        "temporary", "temp",
    ],
    "Bank": ["bank", "bank staff", "bank worker", "bank only"],
    "Locum": ["locum", "locums"],
    "Honorary": ["honorary", "honorary contract"],
    "Secondment": ["secondment", "seconded", "secondee", "seconded in"],
    "Non-Executive": [
        "non executive", "non exec director chair", "non executive director", "non executive director chair",
        "non exec director",
    ],
}


def _key(text: str) -> str:
    text = re.sub(r"^(\d+)\.0+$", r"\1", text)  # 1.0 from a spreadsheet number
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


_FLAG_KEYS = {_key(s): value for value, keys in _FLAGS.items() for s in keys}
_CATEGORY_KEYS = {_key(s): value for value, keys in _CATEGORIES.items() for s in keys}


def _flag(text: str | None, name: str) -> dict | None:
    if text is None:
        return {}
    value = _FLAG_KEYS.get(_key(text))
    return None if value is None else {name: value}


def normalise_flag(raw: pd.Series, *, name: str = "flag") -> Normalised:
    """Read a yes/no column (such as "Primary Assignment") into booleans.

    Parameters
    ----------
    raw : pandas.Series
        Yes/Y/True/1/"Primary" or No/N/False/0/"Secondary", any case.
    name : str, default "flag"
        The name of the output column.

    Returns
    -------
    Normalised
        One column, ``name``, of dtype ``boolean``.  Blank gives missing and is
        not reported; an unrecognised value gives missing.

    Examples
    --------
    >>> normalise_flag(pd.Series(["Yes", "n", "Primary", None, "maybe"])).columns["flag"].tolist()
    [True, False, True, <NA>, <NA>]
    """
    columns, unrecognised = map_distinct(raw, partial(_flag, name=name), {name: "boolean"})
    return Normalised(
        columns=columns,
        unrecognised=unrecognised,
        problem="The value is not yes or no.",
        fix="Use Yes or No (Y/N, True/False and 1/0 are also read).",
    )


def _category(text: str | None) -> dict | None:
    if text is None:
        return {}
    category = _CATEGORY_KEYS.get(_key(text))
    return None if category is None else {"assignment_category": category, "is_bank": category == "Bank"}


def normalise_assignment_category(raw: pd.Series) -> Normalised:
    """Read an "Assignment Category" column into a category and a bank flag.

    Parameters
    ----------
    raw : pandas.Series
        Values such as "Permanent", "Fixed Term Temp", "Fixed Term Temporary",
        "Bank", "Honorary", "Locum" or "Secondment".

    Returns
    -------
    Normalised
        Columns ``assignment_category`` (``ASSIGNMENT_CATEGORY_DTYPE``) and
        ``is_bank`` (``boolean``).  Blank and unrecognised values give both
        missing; only unrecognised values are reported.

    Examples
    --------
    >>> out = normalise_assignment_category(pd.Series(["Permanent", "BANK", "Fixed Term Temporary", None]))
    >>> out.columns
      assignment_category  is_bank
    0           Permanent    False
    1                Bank     True
    2     Fixed Term Temp    False
    3                 NaN     <NA>
    """
    outputs: dict[str, pd.CategoricalDtype | str] = {"assignment_category": ASSIGNMENT_CATEGORY_DTYPE, "is_bank": "boolean"}
    columns, unrecognised = map_distinct(raw, _category, outputs)
    return Normalised(
        columns=columns,
        unrecognised=unrecognised,
        problem="The assignment category is not one that could be recognised.",
        fix=(
            "Use an ESR assignment category: Permanent, Fixed Term Temp, Bank, Locum, Honorary, "
            "Secondment or Non-Executive."
        ),
    )
