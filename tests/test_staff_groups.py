"""Staff group normaliser."""

import numpy as np
import pandas as pd
import pytest

from workforce.codes._staff_groups import CLINICAL_GROUP_DTYPE, STAFF_GROUP_DTYPE, normalise_staff_group

APST = "Add Prof Scientific and Technic"
ACS = "Additional Clinical Services"
AC = "Administrative and Clerical"
AHP = "Allied Health Professionals"
EA = "Estates and Ancillary"
HCS = "Healthcare Scientists"
MD = "Medical and Dental"
NM = "Nursing and Midwifery Registered"

CASES = [
    ("Nursing and Midwifery Registered", (NM, "Clinical")),
    ("Nursing & Midwifery Registered", (NM, "Clinical")),
    ("Nursing and Midwifery", (NM, "Clinical")),
    ("Registered Nurses", (NM, "Clinical")),
    ("NURSING AND MIDWIFERY REGISTERED", (NM, "Clinical")),
    ("4 Nursing and Midwifery Registered", (NM, "Clinical")),
    ("Administrative and Clerical", (AC, "Non-clinical")),
    ("Admin & Clerical", (AC, "Non-clinical")),
    ("Administrative & Clerical", (AC, "Non-clinical")),
    ("Allied Health Professionals", (AHP, "Clinical")),
    ("AHP", (AHP, "Clinical")),
    ("Allied Health Professional", (AHP, "Clinical")),
    ("Add Prof Scientific and Technic", (APST, "Clinical")),
    ("Additional Professional Scientific and Technical", (APST, "Clinical")),
    ("Add Prof Scientific & Technical", (APST, "Clinical")),
    ("Additional Clinical Services", (ACS, "Clinical")),
    ("Healthcare Scientists", (HCS, "Clinical")),
    ("Healthcare Scientist", (HCS, "Clinical")),
    ("Estates and Ancillary", (EA, "Non-clinical")),
    ("Estates & Ancillary", (EA, "Non-clinical")),
    ("Medical and Dental", (MD, "Medical")),
    ("Medical & Dental", (MD, "Medical")),
    ("Medical", (MD, "Medical")),
    ("Students", ("Students", "Clinical")),
    ("Student", ("Students", "Clinical")),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_spellings(raw, expected):
    out = normalise_staff_group(pd.Series([raw]))
    assert tuple(out.columns.iloc[0]) == expected
    assert not out.unrecognised.iloc[0]


@pytest.mark.parametrize(
    "raw", ["Nursing and Midwifery Unregistered", "Nursing", "Porters", "Agency", "Dental", "4", "Clinical"]
)
def test_unrecognised(raw):
    out = normalise_staff_group(pd.Series([raw]))
    assert out.unrecognised.iloc[0]
    assert out.columns.iloc[0].isna().all()
    assert "'Nursing and Midwifery Registered'" in out.fix


@pytest.mark.parametrize("blank", ["", None, np.nan])
def test_blank_is_missing_and_not_reported(blank):
    out = normalise_staff_group(pd.Series(["AHP", blank], dtype="object"))
    assert out.columns.iloc[1].isna().all()
    assert not out.unrecognised.iloc[1]


def test_dtypes_fixed_whatever_the_input():
    out = normalise_staff_group(pd.Series(["AHP"]))
    assert out.columns["staff_group"].dtype == STAFF_GROUP_DTYPE
    assert out.columns["clinical_group"].dtype == CLINICAL_GROUP_DTYPE
    assert list(STAFF_GROUP_DTYPE.categories) == [APST, ACS, AC, AHP, EA, HCS, MD, NM, "Students"]
    assert list(CLINICAL_GROUP_DTYPE.categories) == ["Clinical", "Non-clinical", "Medical"]


def test_index_alignment():
    out = normalise_staff_group(pd.Series(["Medical", "Porters", "AHP"], index=[5, 3, 1]))
    assert list(out.columns.index) == [5, 3, 1]
    assert out.columns.loc[1, "staff_group"] == AHP
    assert out.unrecognised.loc[3]
