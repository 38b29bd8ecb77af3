"""Staff group: the ESR / NHS Digital staff groups and a clinical split.

ESR ties every job role to one of nine staff groups.  They are read from the
usual spellings ("Nursing & Midwifery Registered", "Admin & Clerical", "AHP",
"Add Prof Scientific & Technical" ...), ignoring case, spacing and
punctuation.  A leading number ("4 Nursing and Midwifery Registered") is
ignored: some exports number the groups, but the numbering is not checked, only
the name after it.

"Nursing and Midwifery Unregistered", an old ESR group now mostly in Additional
Clinical Services, is not recognised: it is reported rather than guessed.
"""

from __future__ import annotations

import re

import pandas as pd

from ._normalise import Normalised, map_distinct

__all__ = ["CLINICAL_GROUP_DTYPE", "STAFF_GROUP_DTYPE", "normalise_staff_group"]

#: The nine ESR / NHS Digital staff groups, with their ESR spelling.
STAFF_GROUP_DTYPE = pd.CategoricalDtype([
    "Add Prof Scientific and Technic",
    "Additional Clinical Services",
    "Administrative and Clerical",
    "Allied Health Professionals",
    "Estates and Ancillary",
    "Healthcare Scientists",
    "Medical and Dental",
    "Nursing and Midwifery Registered",
    "Students",
])
CLINICAL_GROUP_DTYPE = pd.CategoricalDtype(["Clinical", "Non-clinical", "Medical"])

_OUTPUTS = {"staff_group": STAFF_GROUP_DTYPE, "clinical_group": CLINICAL_GROUP_DTYPE}

# PROPOSED (not an NHS rule): which staff groups count as non-clinical / medical.
_CLINICAL_GROUP = {
    "Administrative and Clerical": "Non-clinical",
    "Estates and Ancillary": "Non-clinical",
    "Medical and Dental": "Medical",
}

_SPELLINGS = {
    "Add Prof Scientific and Technic": [
        "add prof scientific and technical", "add prof sci and tech",
        "additional professional scientific and technical",
        "additional professional scientific and technical staff", "apst",
    ],
    "Additional Clinical Services": ["additional clinical service", "additional clinical services staff"],
    "Administrative and Clerical": [
        "admin and clerical", "administration and clerical", "administrative and clerical staff",
        "admin and clerical staff",
    ],
    "Allied Health Professionals": ["allied health professional", "ahp", "ahps"],
    "Estates and Ancillary": ["estates and ancillary staff", "estates ancillary"],
    "Healthcare Scientists": ["healthcare scientist", "health care scientists", "health care scientist"],
    "Medical and Dental": ["medical", "medical and dental staff", "medical dental"],
    "Nursing and Midwifery Registered": [
        "nursing and midwifery", "nursing midwifery registered", "registered nurses",
        "registered nursing and midwifery", "registered nurses and midwives", "nurses and midwives",
        "nursing and midwifery registered staff",
    ],
    "Students": ["student"],
}


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("&", " and ")))


_GROUPS = {_key(g): g for g in STAFF_GROUP_DTYPE.categories}
_GROUPS.update({_key(s): g for g, spellings in _SPELLINGS.items() for s in spellings})

_PROBLEM = "The staff group is not one of the nine ESR staff groups."
_FIX = (
    "Use an ESR staff group such as 'Nursing and Midwifery Registered', 'Administrative and Clerical', "
    "'Allied Health Professionals' or 'Medical and Dental'."
)


def _parse(text: str | None) -> dict | None:
    if text is None:
        return {}
    key = re.sub(r"^\d+ ", "", _key(text))
    group = _GROUPS.get(key)
    if group is None:
        return None
    return {"staff_group": group, "clinical_group": _CLINICAL_GROUP.get(group, "Clinical")}


def normalise_staff_group(raw: pd.Series) -> Normalised:
    """Read a "Staff Group" column into the ESR staff group and a clinical split.

    ``clinical_group`` follows a PROPOSED rule, not an NHS one:
    Administrative and Clerical and Estates and Ancillary are Non-clinical;
    Medical and Dental is Medical; every other group (including Students and
    Add Prof Scientific and Technic) is Clinical.

    Parameters
    ----------
    raw : pandas.Series
        Values such as "Nursing & Midwifery Registered", "Admin & Clerical",
        "AHP" or "Medical & Dental".

    Returns
    -------
    Normalised
        Columns ``staff_group`` (``STAFF_GROUP_DTYPE``) and ``clinical_group``
        (``CLINICAL_GROUP_DTYPE``).  Blank gives both missing and is not
        reported here.  An unrecognised value gives both missing.

    Examples
    --------
    >>> out = normalise_staff_group(pd.Series(["Admin & Clerical", "AHP", "Medical", "Porters"]))
    >>> out.columns
                        staff_group clinical_group
    0   Administrative and Clerical   Non-clinical
    1   Allied Health Professionals       Clinical
    2            Medical and Dental        Medical
    3                           NaN            NaN
    >>> out.unrecognised.tolist()
    [False, False, False, True]
    """
    columns, unrecognised = map_distinct(raw, _parse, _OUTPUTS)
    return Normalised(columns=columns, unrecognised=unrecognised, problem=_PROBLEM, fix=_FIX)
