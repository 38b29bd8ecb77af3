"""Pay band and grade: Agenda for Change bands, VSM, medical grades and other pay.

One "Pay Band" / "Grade" column in an HR export mixes several pay systems.  It
is read into three columns:

* ``band``: the Agenda for Change band 1-9 (band 8 split into 8a-8d) or VSM,
  an ordered categorical (``BAND_DTYPE``);
* ``medical_grade``: for doctors and dentists, who are not on AfC bands and are
  never merged into band counts: Consultant, SAS (specialty doctor, specialist,
  associate specialist, staff grade), Resident doctor (foundation, core and
  specialty training, formerly "junior doctors") or Other medical (hospital
  practitioner, clinical assistant);
* ``pay_system``: Agenda for Change, Very Senior Manager, Medical and Dental,
  Apprentice or Local/Spot.

Decisions where the NHS definitions are silent:

* Locally employed doctors outside training ("Clinical Fellow", "Trust Grade
  Doctor") count as Resident doctor: they work at training-grade level and the
  BMA's resident doctors cover them.  SAS is kept for the SAS contracts.
* GP trainees (GP specialty registrars) are Resident doctors.
* A bare "Band 8" is not recognised: it could be any of 8a-8d.
* Apprentice and Local/Spot pay have no band.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._normalise import Normalised, as_categorical, map_distinct

__all__ = [
    "BANDS",
    "BAND_DTYPE",
    "BAND_GROUP_DTYPE",
    "MEDICAL_GRADE_DTYPE",
    "PAY_SYSTEM_DTYPE",
    "SENIOR_BANDS",
    "band_group",
    "normalise_band",
    "GRADE_GROUP_DTYPE",
    "grade_group",
]

#: Agenda for Change bands in pay order, then VSM.
BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM")
BAND_DTYPE = pd.CategoricalDtype(list(BANDS), ordered=True)
#: Senior bands for WRES: 8a and above, including VSM (definitions 1.4).
SENIOR_BANDS = ("8a", "8b", "8c", "8d", "9", "VSM")
MEDICAL_GRADE_DTYPE = pd.CategoricalDtype(["Consultant", "SAS", "Resident doctor", "Other medical"])
PAY_SYSTEM_DTYPE = pd.CategoricalDtype(
    ["Agenda for Change", "Very Senior Manager", "Medical and Dental", "Apprentice", "Local/Spot"]
)
#: WDES metric 1 non-medical clusters: AfC 1-4, 5-7, 8a-8b and 8c to VSM.
BAND_GROUP_DTYPE = pd.CategoricalDtype(["1-4", "5-7", "8a-8b", "8c+"], ordered=True)
_GROUP_OF_BAND = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 3])  # by position in BANDS

_OUTPUTS = {"band": BAND_DTYPE, "medical_grade": MEDICAL_GRADE_DTYPE, "pay_system": PAY_SYSTEM_DTYPE}

# "Band 5", "AfC Band 8a", "8A", "Band 8 - Range A", "Review Body Band 5", "5"
# (matched against the lower-cased text with punctuation turned into spaces).
_AFC_RE = re.compile(
    r"(?:(?:afc|agenda for change|review body) )?(?:pay )?(?:band ?)?"
    r"(?P<number>\d{1,3})(?: ?(?:range )?(?P<range>[a-z]))?"
)

_GRADES = {
    "Consultant": [
        "consultant", "consultants", "medical consultant", "dental consultant",
        "consultant medical", "consultant dental",
    ],
    "SAS": [
        "specialty doctor", "speciality doctor", "associate specialist", "specialist",
        "specialist grade", "staff grade", "staff grade doctor", "sas", "sas doctor",
    ],
    "Resident doctor": [
        "foundation year 1", "foundation year 2", "foundation doctor year 1",
        "foundation doctor year 2", "foundation doctor", "house officer", "pre registration house officer",
        "senior house officer", "sho", "core trainee", "core training", "core medical training",
        "core medical trainee", "core surgical training", "core surgical trainee", "dental core trainee",
        "specialty registrar", "speciality registrar", "specialty registrar str", "str",
        "specialty trainee", "speciality trainee", "specialist registrar", "spr", "registrar",
        "gp trainee", "gp registrar", "gp specialty registrar", "gp specialty trainee",
        "resident doctor", "junior doctor", "doctor in training", "trainee doctor",
        "clinical fellow", "trust grade doctor", "trust grade", "trust doctor", "locally employed doctor",
    ],
    "Other medical": ["hospital practitioner", "clinical assistant", "other medical", "medical other"],
}
_MEDICAL = {key: grade for grade, keys in _GRADES.items() for key in keys}
# FY1, F2, CT1, DCT2, ST3, GPST1
_TRAINEE_RE = re.compile(r"(?:fy?[12]|d?ct[1-3]|(?:gp)?st[1-8])")

_OTHER_PAY = {
    "vsm": "Very Senior Manager",
    "very senior manager": "Very Senior Manager",
    "very senior managers": "Very Senior Manager",
    "band vsm": "Very Senior Manager",
    "apprentice": "Apprentice",
    "apprentices": "Apprentice",
    "apprenticeship": "Apprentice",
    "local spot": "Local/Spot",
    "local": "Local/Spot",
    "local pay": "Local/Spot",
    "spot": "Local/Spot",
    "spot salary": "Local/Spot",
    "spot rate": "Local/Spot",
}

_PROBLEM = (
    "The band or grade is not an Agenda for Change band (1-9, with 8 split into 8a-8d), "
    "VSM, a medical or dental grade, apprentice or local/spot pay."
)
_FIX = (
    "Use a band such as 'Band 5' or 'Band 8a' (a bare 'Band 8' must say which of 8a-8d), "
    "'VSM', or a medical grade such as 'Consultant', 'Specialty Doctor' or 'Specialty Registrar'."
)


def _key(text: str) -> str:
    text = re.sub(r"^(\d+)\.0+$", r"\1", text)  # 5.0 from a spreadsheet number
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("&", " and ")))


def _parse(text: str | None) -> dict | None:
    if text is None:
        return {}
    key = _key(text)
    if (match := _AFC_RE.fullmatch(key)) is not None:
        band = str(int(match["number"])) + (match["range"] or "")
        return {"band": band, "pay_system": "Agenda for Change"} if band in BANDS else None
    if key in _OTHER_PAY:
        system = _OTHER_PAY[key]
        return {"band": "VSM" if system == "Very Senior Manager" else None, "pay_system": system}
    grade = _MEDICAL.get(key) or ("Resident doctor" if _TRAINEE_RE.fullmatch(key) else None)
    if grade is None:
        return None
    return {"medical_grade": grade, "pay_system": "Medical and Dental"}


def normalise_band(raw: pd.Series) -> Normalised:
    """Read a pay band / grade column into band, medical grade and pay system.

    Parameters
    ----------
    raw : pandas.Series
        Values such as "Band 5", "AfC Band 8a", "8A", "Band 8 - Range A",
        "Review Body Band 5", "VSM", "Consultant", "Specialty Doctor",
        "FY1", "ST3", "Apprentice", "Spot Salary" or blank.

    Returns
    -------
    Normalised
        Columns ``band`` (``BAND_DTYPE``), ``medical_grade``
        (``MEDICAL_GRADE_DTYPE``) and ``pay_system`` (``PAY_SYSTEM_DTYPE``).
        Doctors have no band.  Blank gives all three missing and is not
        reported here.  Unrecognised values, such as "Band 10" or a bare
        "Band 8", give all three missing.

    Examples
    --------
    >>> out = normalise_band(pd.Series(["Band 8 - Range A", "5", "VSM", "ST3", "Band 10"]))
    >>> out.columns
      band    medical_grade           pay_system
    0   8a              NaN    Agenda for Change
    1    5              NaN    Agenda for Change
    2  VSM              NaN  Very Senior Manager
    3  NaN  Resident doctor   Medical and Dental
    4  NaN              NaN                  NaN
    >>> out.unrecognised.tolist()
    [False, False, False, False, True]
    """
    columns, unrecognised = map_distinct(raw, _parse, _OUTPUTS)
    return Normalised(columns=columns, unrecognised=unrecognised, problem=_PROBLEM, fix=_FIX)


def band_group(band: pd.Series) -> pd.Series:
    """Group bands into the WDES metric 1 clusters 1-4, 5-7, 8a-8b and 8c+.

    "8c+" is 8c, 8d, 9 and VSM.  Missing bands (doctors, blanks) stay missing.

    Parameters
    ----------
    band : pandas.Series
        Bands as produced by :func:`normalise_band` (or strings from ``BANDS``).

    Returns
    -------
    pandas.Series
        Ordered categorical with ``BAND_GROUP_DTYPE``, on the same index.

    Examples
    --------
    >>> band_group(pd.Series(["4", "7", "8b", "VSM", None])).tolist()
    ['1-4', '5-7', '8a-8b', '8c+', nan]
    """
    codes = as_categorical(pd.Series(band), BAND_DTYPE).cat.codes.to_numpy()
    groups = np.where(codes >= 0, _GROUP_OF_BAND[codes], -1)
    return pd.Series(
        pd.Categorical.from_codes(groups, dtype=BAND_GROUP_DTYPE), index=band.index, name="band_group"
    )


#: Band groups for splitting analyses: the WDES clusters, doctors, and the rest.
GRADE_GROUP_DTYPE = pd.CategoricalDtype(["1-4", "5-7", "8a-8b", "8c+", "Medical", "Other pay"], ordered=True)


def grade_group(band: pd.Series, pay_system: pd.Series) -> pd.Series:
    """Band groups 1-4, 5-7, 8a-8b, 8c+ (with VSM), Medical, and Other pay.

    Doctors and dentists are never put on Agenda for Change bands; staff on
    apprentice or local pay, or with no band, fall in "Other pay".  Works on
    category codes, so it is quick on national tables.

    Examples
    --------
    >>> bands = pd.Series(["4", "8c", None, "VSM", None])
    >>> pay = pd.Series(["Agenda for Change", "Agenda for Change", "Medical and Dental", "Very Senior Manager", None])
    >>> grade_group(bands, pay).tolist()
    ['1-4', '8c+', 'Medical', '8c+', 'Other pay']
    """
    codes = band.astype(BAND_DTYPE).cat.codes.to_numpy()
    groups = np.where(codes >= 0, _GROUP_OF_BAND[codes], 5)  # 5: Other pay
    pay = pay_system.astype(PAY_SYSTEM_DTYPE)
    medical = pay.cat.codes.to_numpy() == list(PAY_SYSTEM_DTYPE.categories).index("Medical and Dental")
    groups = np.where(medical, 4, groups)
    return pd.Series(pd.Categorical.from_codes(groups, dtype=GRADE_GROUP_DTYPE), index=band.index, name="grade_group")
