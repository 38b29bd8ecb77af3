"""Deterministic generator of FICTIONAL ESR "Staff in Post" exports.

Nobody in these data exists.  Names are random combinations from short fixed
lists, employee numbers are invented and every attribute is drawn from the
distributions below.  The data are shaped like an acute trust in a diverse
city (Leicester-like: many Indian, some Pakistani, Bangladeshi, African,
Caribbean and Other White, e.g. Polish, staff) so that the package's analyses
have something realistic to chew on, and they carry *known truths* that the
analyses can be tested against:

``TRUE_PROMOTION_ODDS_RATIO_BME``
    Among people present at two consecutive snapshots, the probability of
    being promoted (primary assignment moving up at least one pay band or
    medical grade) is ``expit(logit(PROMOTION_BASELINE[grade]) +
    PROMOTION_STAFF_GROUP_OFFSET[staff group] + log(OR) * is_bme)``.  The odds
    ratio is therefore conditional on grade and staff group.  ``is_bme`` is the
    person's *true* group; people whose recorded ethnicity is unknown also have
    a true group, so analyses that drop unknowns still recover the ratio.
    People at the top of a ladder (Band 9, VSM, Consultant, Associate
    Specialist), bank-only people and Students are never promoted.  Of the
    AfC promotions, ``TWO_BAND_SHARE`` jump two bands, whatever the ethnicity.
``BME_SHARE_TARGET``
    P(true group is BME | grade) for everyone drawn into a grade (the first
    population and every joiner).  Promotions then thin BME staff out of the
    upper grades a little more over the years.
``UNKNOWN_ETHNICITY_SHARE``
    Share of people whose Ethnic Origin is recorded as "Z Not Stated",
    "99 Not Known", "Unspecified" or blank, independent of everything else.

Leaving is independent of ethnicity (no differential attrition is built in):
``LEAVER_RATE`` a year for most people, ``RESIDENT_LEAVER_RATE`` for resident
doctors (they rotate), and everyone aged 67 or more at a snapshot retires.

Writing a frame as an ESR-shaped Excel workbook is in
:mod:`tools.synthetic.xlsx`.

Development tooling, not part of the installed package: :mod:`tools.synthetic.sample_data`,
the benchmarks and the tests use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "BME_SHARE_TARGET",
    "ESR_COLUMNS",
    "GRADE_LABELS",
    "POSITIVE_ACTION_GRADES",
    "POSITIVE_ACTION_ODDS_MULTIPLIER",
    "PROMOTION_BASELINE",
    "PROMOTION_STAFF_GROUP_OFFSET",
    "STAFF_GROUPS",
    "TRUE_PROMOTION_ODDS_RATIO_BME",
    "TWO_BAND_SHARE",
    "UNKNOWN_ETHNICITY_SHARE",
    "export_rows",
    "generate_export",
    "generate_trust",
    "scatter_variant_spellings",
    "simulate_trust",
]

#: ESR-style headers of a staff-in-post export, in column order.
ESR_COLUMNS: tuple[str, ...] = (
    "Assignment Number", "Employee Number", "First Name", "Last Name", "Organisation",
    "Org L3", "Org L4", "Cost Centre", "Staff Group", "Job Role", "Occupation Code",
    "Area of Work", "Pay Band", "Assignment Category", "Primary Assignment", "Contracted WTE",
    "Hire Date", "Date of Birth", "Gender", "Ethnic Origin", "Disability", "Religious Belief",
    "Sexual Orientation", "Nationality",
)  # fmt: skip

# --------------------------------------------------------------------------- truths
#: True odds ratio (BME vs White) of promotion, given grade and staff group.
TRUE_PROMOTION_ODDS_RATIO_BME = 0.65
#: Share of AfC promotions that jump two bands (same for every group).
TWO_BAND_SHARE = 0.10
#: Share of people with Ethnic Origin unknown (Z, 99, "Unspecified" or blank).
UNKNOWN_ETHNICITY_SHARE = 0.04
#: Yearly chance of leaving, most staff / resident doctors (plus retirement at 67).
LEAVER_RATE = 0.085
RESIDENT_LEAVER_RATE = 0.30
#: Yearly growth of headcount (joiners replace leavers and add this much).
GROWTH_RATE = 0.02
#: A positive action programme (``generate_trust(positive_action_from=...)``) multiplies the odds of
#: promotion of BME staff at these grades by this much: 6.0 turns the BME/White odds ratio of
#: promotion from Band 7 (into 8a) from 0.65 into 3.9.
POSITIVE_ACTION_ODDS_MULTIPLIER = 6.0
POSITIVE_ACTION_GRADES: tuple[str, ...] = ("Band 7",)

# --------------------------------------------------------------------------- grades
# (label, BME share target, yearly promotion baseline, min age, max age, beta a, beta b)
_GRADES = (
    ("Band 1", 0.40, 0.10, 18, 66, 1.6, 1.8),
    ("Band 2", 0.43, 0.10, 18, 66, 1.6, 1.8),
    ("Band 3", 0.43, 0.09, 18, 66, 1.6, 1.8),
    ("Band 4", 0.40, 0.08, 19, 66, 1.6, 1.8),
    ("Band 5", 0.45, 0.10, 21, 66, 1.5, 2.2),
    ("Band 6", 0.30, 0.07, 23, 66, 2.0, 2.2),
    ("Band 7", 0.23, 0.05, 25, 66, 2.2, 2.0),
    ("Band 8a", 0.20, 0.05, 28, 66, 2.5, 2.0),
    ("Band 8b", 0.16, 0.04, 30, 66, 2.5, 1.8),
    ("Band 8c", 0.12, 0.04, 32, 66, 2.5, 1.8),
    ("Band 8d", 0.10, 0.03, 33, 66, 2.5, 1.8),
    ("Band 9", 0.10, 0.00, 35, 66, 3.0, 2.0),
    ("VSM", 0.08, 0.00, 38, 65, 3.0, 2.0),
    ("Foundation Year 1", 0.48, 0.90, 23, 28, 1.2, 3.0),
    ("Foundation Year 2", 0.50, 0.40, 24, 30, 1.2, 3.0),
    ("Core Trainee", 0.53, 0.30, 25, 36, 1.5, 3.0),
    ("Specialty Registrar", 0.55, 0.15, 27, 42, 1.5, 2.5),
    ("Consultant", 0.40, 0.00, 33, 66, 2.2, 2.5),
    ("Specialty Doctor", 0.62, 0.03, 28, 65, 1.8, 2.2),
    ("Associate Specialist", 0.58, 0.00, 40, 66, 2.0, 2.0),
)  # fmt: skip
#: Pay Band / grade labels as written in the export, AfC bands first, then VSM and medical grades.
GRADE_LABELS = tuple(g[0] for g in _GRADES)
_G = {label: i for i, label in enumerate(GRADE_LABELS)}
_VSM, _FY1, _CONSULTANT = _G["VSM"], _G["Foundation Year 1"], _G["Consultant"]
_RESIDENT = np.isin(np.arange(len(_GRADES)), [_G[g] for g in GRADE_LABELS[13:17]])
_MEDICAL = np.arange(len(_GRADES)) >= _FY1
#: P(true group is BME | grade): Leicester-like, high at bands 2-5, low at 8c+ and VSM.
BME_SHARE_TARGET: dict[str, float] = {g[0]: g[1] for g in _GRADES}
#: Yearly probability of promotion for a White person in the reference staff group.
PROMOTION_BASELINE: dict[str, float] = {g[0]: g[2] for g in _GRADES}
# next grade on the ladder, -1 at the top
_NEXT = np.array([i + 1 for i in range(11)] + [-1, -1, 14, 15, 16, 17, -1, 19, -1])

# --------------------------------------------------------------------------- staff groups
_SG = (
    "Nursing and Midwifery Registered", "Additional Clinical Services", "Administrative and Clerical",
    "Allied Health Professionals", "Add Prof Scientific and Technic", "Healthcare Scientists",
    "Estates and Ancillary", "Medical and Dental", "Students",
)  # fmt: skip
#: ESR staff group names, in the order used by the internal tables.
STAFF_GROUPS = _SG
NUR, ACS, ADM, AHP, APS, HCS, EST, MED, STU = range(len(_SG))
_SG_SHARE = {
    "acute": (0.29, 0.20, 0.19, 0.065, 0.04, 0.025, 0.045, 0.13, 0.015),
    "community": (0.33, 0.22, 0.20, 0.13, 0.03, 0.005, 0.03, 0.035, 0.02),
}
#: Logit offset on the promotion baseline by staff group (0 = reference).
PROMOTION_STAFF_GROUP_OFFSET: dict[str, float] = dict(zip(_SG, (0.2, -0.1, 0.0, 0.2, 0.1, 0.0, -0.4, 0.0, 0.0)))
# grade mix inside each staff group: {grade label: weight}
_GRADE_MIX = (
    {"Band 5": 46, "Band 6": 31, "Band 7": 16, "Band 8a": 5, "Band 8b": 1.5, "Band 8c": 0.5},
    {"Band 1": 0.5, "Band 2": 25, "Band 3": 52, "Band 4": 20, "Band 5": 2.5},
    {"Band 1": 0.5, "Band 2": 16, "Band 3": 28, "Band 4": 21, "Band 5": 10, "Band 6": 7.5, "Band 7": 6.5,
     "Band 8a": 5, "Band 8b": 3, "Band 8c": 1.5, "Band 8d": 0.8, "Band 9": 0.2},
    {"Band 5": 20, "Band 6": 38, "Band 7": 29, "Band 8a": 9, "Band 8b": 3, "Band 8c": 1},
    {"Band 3": 5, "Band 4": 10, "Band 5": 10, "Band 6": 20, "Band 7": 28, "Band 8a": 15, "Band 8b": 8,
     "Band 8c": 3, "Band 8d": 1},
    {"Band 3": 10, "Band 4": 10, "Band 5": 15, "Band 6": 25, "Band 7": 24, "Band 8a": 10, "Band 8b": 4,
     "Band 8c": 2},
    {"Band 1": 2, "Band 2": 53, "Band 3": 24, "Band 4": 10, "Band 5": 5, "Band 6": 3, "Band 7": 2, "Band 8a": 1},
    {"Foundation Year 1": 7, "Foundation Year 2": 7, "Core Trainee": 13, "Specialty Registrar": 19,
     "Consultant": 38, "Specialty Doctor": 13, "Associate Specialist": 3},
    {"Band 3": 55, "Band 4": 45},
)  # fmt: skip
_FEMALE_SHARE = np.array([0.89, 0.82, 0.80, 0.80, 0.70, 0.62, 0.45, 0.50, 0.85])
_FULL_TIME_SHARE = np.array([0.60, 0.55, 0.65, 0.65, 0.70, 0.75, 0.50, 0.85, 1.0])
_BANK_ONLY = np.array([0.05, 0.06, 0.03, 0.01, 0.01, 0.01, 0.02, 0.02, 0.0])
_BANK_SECOND = np.array([0.06, 0.06, 0.04, 0.03, 0.02, 0.02, 0.03, 0.03, 0.0])
_BANK_ORG = ("Nursing and Care Bank", "Nursing and Care Bank", "Admin Bank", "Therapies Bank", "Therapies Bank",
             "Therapies Bank", "Facilities Bank", "Medical Bank", "Nursing and Care Bank")  # fmt: skip

# --------------------------------------------------------------------------- departments
# (Org L3, Org L4, Area of Work, cost centre prefix, weight by staff group N ACS ADM AHP APS HCS EST MED STU)
_DEPTS = (
    ("Medicine Division", "Emergency Department", "Emergency Care", "ME1", (12, 8, 3, 1, 0, 0, 0, 14, 8)),
    ("Medicine Division", "Acute Medicine", "Acute Medicine", "ME2", (14, 12, 3, 2, 0, 0, 0, 14, 10)),
    ("Medicine Division", "Specialist Medicine", "General Medicine", "ME3", (16, 14, 4, 2, 1, 1, 0, 16, 10)),
    ("Medicine Division", "Elderly Care", "Elderly Care", "ME4", (12, 14, 2, 3, 0, 0, 0, 8, 8)),
    ("Surgery Division", "Theatres and Anaesthetics", "Theatres", "SU1", (10, 8, 2, 0, 10, 0, 0, 12, 4)),
    ("Surgery Division", "General Surgery", "General Surgery", "SU2", (10, 8, 3, 1, 0, 0, 0, 12, 8)),
    ("Surgery Division", "Trauma and Orthopaedics", "Trauma and Orthopaedics", "SU3", (8, 7, 2, 3, 0, 0, 0, 8, 6)),
    ("Surgery Division", "Critical Care", "Critical Care", "SU4", (8, 3, 1, 2, 1, 1, 0, 6, 4)),
    ("Women's and Children's Division", "Maternity", "Maternity", "WC1", (10, 8, 2, 0, 0, 0, 0, 4, 10)),
    ("Women's and Children's Division", "Paediatrics", "Paediatrics", "WC2", (7, 4, 2, 1, 0, 0, 0, 6, 6)),
    ("Women's and Children's Division", "Gynaecology", "Gynaecology", "WC3", (3, 2, 1, 0, 0, 0, 0, 3, 2)),
    ("Clinical Support Services", "Pathology", "Pathology", "CS1", (0, 3, 3, 0, 3, 60, 0, 2, 2)),
    ("Clinical Support Services", "Imaging", "Radiology", "CS2", (1, 3, 3, 35, 1, 6, 0, 3, 2)),
    ("Clinical Support Services", "Pharmacy", "Pharmacy", "CS3", (0, 2, 2, 0, 45, 0, 0, 0, 4)),
    ("Clinical Support Services", "Therapies", "Therapies", "CS4", (0, 3, 2, 55, 5, 0, 0, 0, 6)),
    ("Clinical Support Services", "Outpatients", "Outpatients", "CS5", (5, 8, 10, 0, 0, 0, 0, 0, 2)),
    ("Corporate Services", "Finance", "Finance", "CO1", (0, 0, 8, 0, 1, 0, 0, 0, 0)),
    ("Corporate Services", "People and Organisational Development", "Human Resources", "CO2",
     (1, 0, 8, 0, 0, 0, 0, 0, 4)),
    ("Corporate Services", "Digital", "Information Technology", "CO3", (0, 0, 10, 0, 2, 0, 0, 0, 2)),
    ("Corporate Services", "Trust Board", "Corporate Management", "CO4", (1, 0, 6, 0, 0, 0, 0, 1, 0)),
    ("Corporate Services", "Health Records", "Medical Records", "CO5", (0, 0, 12, 0, 0, 0, 0, 0, 2)),
    ("Estates and Facilities", "Estates", "Estates", "EF1", (0, 0, 2, 0, 1, 0, 30, 0, 0)),
    ("Estates and Facilities", "Hotel Services", "Hotel Services", "EF2", (0, 2, 2, 0, 0, 0, 70, 0, 0)),
    ("Community and Mental Health", "NHS Talking Therapies", "Psychological Therapies", "TT1",
     (0, 0, 0, 0, 0, 0, 0, 0, 0)),
)  # fmt: skip
_SERVICE_DEPT = len(_DEPTS) - 1
_MATERNITY, _IMAGING, _BOARD = 8, 12, 19
_DEPT_WEIGHTS = np.array([d[4] for d in _DEPTS], dtype=float).T  # staff group x dept
_DEPT_WEIGHTS /= _DEPT_WEIGHTS.sum(axis=1, keepdims=True)

# --------------------------------------------------------------------------- job roles
# (staff group, lowest grade, highest grade, role, weight); department-specific rules are applied after.
_ROLES = (
    (NUR, "Band 5", "Band 5", "Staff Nurse", 1),
    (NUR, "Band 6", "Band 7", "Sister/Charge Nurse", 5), (NUR, "Band 6", "Band 7", "Specialist Nurse Practitioner", 4),
    (NUR, "Band 7", "Band 7", "Advanced Practitioner", 3),
    (NUR, "Band 8a", "Band 8a", "Modern Matron", 5), (NUR, "Band 8a", "Band 8a", "Nurse Consultant", 2),
    (NUR, "Band 8b", "Band 9", "Senior Manager", 1),
    (ACS, "Band 1", "Band 3", "Healthcare Assistant", 6), (ACS, "Band 2", "Band 3", "Support Worker", 3),
    (ACS, "Band 4", "Band 5", "Assistant Practitioner", 3), (ACS, "Band 4", "Band 5", "Nursing Associate", 2),
    (ADM, "Band 1", "Band 4", "Clerical Worker", 5), (ADM, "Band 2", "Band 4", "Receptionist", 2),
    (ADM, "Band 3", "Band 4", "Medical Secretary", 2), (ADM, "Band 5", "Band 7", "Officer", 3),
    (ADM, "Band 5", "Band 7", "Administrator", 2), (ADM, "Band 6", "Band 8a", "Manager", 3),
    (ADM, "Band 8a", "Band 9", "Senior Manager", 4),
    (AHP, "Band 5", "Band 7", "Physiotherapist", 4), (AHP, "Band 5", "Band 7", "Occupational Therapist", 3),
    (AHP, "Band 5", "Band 7", "Speech and Language Therapist", 1), (AHP, "Band 5", "Band 7", "Dietitian", 1),
    (AHP, "Band 5", "Band 7", "Podiatrist", 1), (AHP, "Band 8a", "Band 9", "Consultant Therapist", 1),
    (AHP, "Band 8a", "Band 9", "Manager", 2),
    (APS, "Band 3", "Band 5", "Pharmacy Technician", 3),
    (APS, "Band 4", "Band 6", "Operating Department Practitioner", 3),
    (APS, "Band 6", "Band 8d", "Pharmacist", 4), (APS, "Band 7", "Band 8d", "Technician - Senior", 1),
    (HCS, "Band 3", "Band 4", "Healthcare Science Associate", 1),
    (HCS, "Band 5", "Band 6", "Healthcare Science Practitioner", 1),
    (HCS, "Band 5", "Band 7", "Biomedical Scientist", 3),
    (HCS, "Band 7", "Band 8c", "Clinical Scientist", 2), (HCS, "Band 8a", "Band 8c", "Manager", 1),
    (EST, "Band 1", "Band 3", "Domestic", 5), (EST, "Band 1", "Band 3", "Porter", 3),
    (EST, "Band 2", "Band 3", "Catering Assistant", 2), (EST, "Band 3", "Band 5", "Maintenance Craftsperson", 2),
    (EST, "Band 4", "Band 6", "Supervisor", 2), (EST, "Band 6", "Band 8a", "Estates Officer", 1),
    (EST, "Band 7", "Band 8a", "Manager", 1),
    (STU, "Band 3", "Band 3", "Student Nurse", 3), (STU, "Band 3", "Band 4", "Apprentice Nursing Associate", 2),
    (STU, "Band 4", "Band 4", "Student Midwife", 1),
)  # fmt: skip
_SERVICE_ROLES = ("Psychological Wellbeing Practitioner", "High Intensity Therapist", "Counsellor",
                  "Clinical Psychologist")  # fmt: skip
_SERVICE_GRADE_MIX = {"Band 4": 35, "Band 5": 15, "Band 6": 15, "Band 7": 25, "Band 8a": 6, "Band 8b": 3, "Band 8c": 1}
_VSM_ROLES = (
    "Chief Executive", "Finance Director", "Medical Director", "Director of Nursing", "Chief Operating Officer",
    "Director of People", "Director of Strategy", "Director of Estates and Facilities",
    "Chief Digital Information Officer", "Director of Corporate Affairs", "Deputy Chief Executive",
    "Director of Research",
)  # fmt: skip
_MATERNITY_ROLES = {"Band 5": "Midwife", "Band 6": "Midwife", "Band 7": "Midwife - Specialist Practitioner",
                    "Band 8a": "Midwife - Manager"}  # fmt: skip
_IMAGING_ROLES = ("Radiographer - Diagnostic", "Sonographer")


def _role_table() -> tuple[list[str], dict[str, str]]:
    """Every job role and a fictional but ESR-shaped three-character occupation code."""
    roles: list[str] = []
    for r in (*(x[3] for x in _ROLES), *_SERVICE_ROLES, *_VSM_ROLES, *_MATERNITY_ROLES.values(), *_IMAGING_ROLES,
              *GRADE_LABELS[13:]):  # fmt: skip
        if r not in roles:
            roles.append(r)
    letters = "N H G E S R T M U".split()
    codes = {}
    for i, r in enumerate(roles):
        sg = next((x[0] for x in _ROLES if x[3] == r), None)
        head = (
            "P" if r in _SERVICE_ROLES
            else "G" if r in _VSM_ROLES
            else "N" if r in _MATERNITY_ROLES.values()
            else "E" if r in _IMAGING_ROLES
            else "M" if r in GRADE_LABELS
            else letters[sg]
        )  # fmt: skip
        codes[r] = f"{head}{i // 26}{chr(65 + i % 26)}"
    return roles, codes


JOB_ROLES, OCCUPATION_CODES = _role_table()
_ROLE_INDEX = {r: i for i, r in enumerate(JOB_ROLES)}

# --------------------------------------------------------------------------- ethnicity
# (Ethnic Origin as ESR writes it, group, family used for religion and nationality, weight in its mix)
_ETHNIC = (
    ("A White - British", "W", "wbrit", 80.0), ("B White - Irish", "W", "irish", 2.0),
    ("C White - Any other White background", "W", "owhite", 5.5), ("CA White English", "W", "wbrit", 4.0),
    ("CP White Polish", "W", "polish", 3.0), ("C3 White Unspecified", "W", "owhite", 1.5),
    ("CY White Other European", "W", "owhite", 1.5), ("CB White Scottish", "W", "wbrit", 0.6),
    ("C2 White Northern Irish", "W", "wbrit", 0.4), ("CK White Italian", "W", "owhite", 0.5),
    ("CF White Greek", "W", "owhite", 0.3), ("CC White Welsh", "W", "wbrit", 0.4),
    ("CN White Gypsy/Romany", "W", "owhite", 0.3),
    ("H Asian or Asian British - Indian", "B", "indian", 38.0), ("LB Asian Punjabi", "B", "indian", 2.0),
    ("LD Asian East African Asian", "B", "indian", 2.0),
    ("J Asian or Asian British - Pakistani", "B", "pakistani", 6.0),
    ("K Asian or Asian British - Bangladeshi", "B", "bangladeshi", 3.0),
    ("L Asian or Asian British - Any other Asian background", "B", "oasian", 7.0),
    ("LK Asian Unspecified", "B", "oasian", 1.0),
    ("N Black or Black British - African", "B", "african", 12.0), ("PC Black Nigerian", "B", "nigerian", 2.0),
    ("PA Black Somali", "B", "somali", 1.5), ("M Black or Black British - Caribbean", "B", "caribbean", 4.0),
    ("P Black or Black British - Any other Black background", "B", "african", 1.5),
    ("D Mixed - White and Black Caribbean", "B", "caribbean", 3.0),
    ("E Mixed - White and Black African", "B", "mixed", 1.0),
    ("F Mixed - White and Asian", "B", "mixed", 1.5), ("G Mixed - Any other mixed background", "B", "mixed", 1.5),
    ("R Chinese", "B", "chinese", 2.0), ("S Any other ethnic group", "B", "other", 2.5),
    ("SC Filipino", "B", "filipino", 3.0), ("SA Vietnamese", "B", "other", 0.5),
    ("Z Not Stated", "U", "unknown", 50.0), ("99 Not Known", "U", "unknown", 15.0),
    (None, "U", "unknown", 25.0), ("Unspecified", "U", "unknown", 10.0),
)  # fmt: skip
ETHNIC_ORIGINS = tuple(e[0] for e in _ETHNIC)
_ETH_GROUP = np.array([e[1] for e in _ETHNIC])
_FAMILIES = tuple(dict.fromkeys(e[2] for e in _ETHNIC))
_ETH_FAMILY = np.array([_FAMILIES.index(e[2]) for e in _ETHNIC])
# international recruitment shifts the BME mix of nurses and doctors
_CLINICAL_BOOST = {
    "SC Filipino": 4.0, "N Black or Black British - African": 1.6, "PC Black Nigerian": 2.5,
    "L Asian or Asian British - Any other Asian background": 1.4, "S Any other ethnic group": 1.6,
}  # fmt: skip


def _ethnic_mixes() -> np.ndarray:
    """Rows: White, BME (general), BME (nurses and doctors), Unknown; columns: ``ETHNIC_ORIGINS``."""
    w = np.array([e[3] for e in _ETHNIC])
    boost = np.array([_CLINICAL_BOOST.get(e[0], 1.0) for e in _ETHNIC])
    mixes = np.vstack([w * (_ETH_GROUP == "W"), w * (_ETH_GROUP == "B"), w * boost * (_ETH_GROUP == "B"),
                       w * (_ETH_GROUP == "U")])  # fmt: skip
    return mixes / mixes.sum(axis=1, keepdims=True)


_ETH_MIX = _ethnic_mixes()

# --------------------------------------------------------------------------- other demographics
_DISABILITY = (("Yes", 4), ("No", 76), ("Not Declared", 13), (None, 7))
_ORIENTATION = (
    ("Heterosexual or Straight", 80), ("Gay or Lesbian", 2), ("Bisexual", 1.5),
    ("Other sexual orientation not listed", 0.5), ("Undecided", 0.5),
    ("Not stated (person asked but declined to provide a response)", 13.5), (None, 2),
)  # fmt: skip
_RELIGIONS = ("Christianity", "Atheism", "Islam", "Hinduism", "Sikhism", "Buddhism", "Judaism", "Jainism", "Other",
              "I do not wish to disclose my religion/belief", None)  # fmt: skip
_REL_W = {  # family -> weights over _RELIGIONS
    "wbrit": (45, 30, 0.5, 0, 0, 0.5, 0.5, 0, 4, 17.5, 2), "irish": (65, 15, 0, 0, 0, 0, 0, 0, 2, 16, 2),
    "polish": (75, 8, 0, 0, 0, 0, 0, 0, 1, 14, 2), "owhite": (50, 20, 3, 0, 0, 1, 1, 0, 4, 19, 2),
    "indian": (5, 2, 10, 45, 20, 0, 0, 3, 1, 13, 1), "pakistani": (2, 3, 83, 0, 0, 0, 0, 0, 0, 11, 1),
    "bangladeshi": (1, 2, 87, 0, 0, 0, 0, 0, 0, 9, 1), "oasian": (25, 10, 15, 10, 2, 15, 0, 0, 5, 17, 1),
    "african": (72, 3, 12, 0, 0, 0, 0, 0, 1, 11, 1), "nigerian": (80, 2, 8, 0, 0, 0, 0, 0, 1, 8, 1),
    "somali": (1, 1, 88, 0, 0, 0, 0, 0, 0, 9, 1), "caribbean": (55, 15, 5, 0, 0, 0, 0, 0, 5, 19, 1),
    "mixed": (35, 30, 8, 2, 1, 1, 0, 0, 4, 18, 1), "chinese": (20, 40, 0, 0, 0, 15, 0, 0, 5, 19, 1),
    "filipino": (88, 1, 1, 0, 0, 0, 0, 0, 1, 8, 1), "other": (25, 15, 35, 2, 0, 3, 1, 0, 4, 14, 1),
    "unknown": (25, 15, 5, 3, 1, 1, 0, 0, 2, 33, 15),
}  # fmt: skip
_NATIONALITIES = ("British", "Irish", "Polish", "Romanian", "Portuguese", "Italian", "Spanish", "Greek",
                  "Lithuanian", "Indian", "Pakistani", "Bangladeshi", "Sri Lankan", "Filipino", "Chinese",
                  "Malaysian", "Nigerian", "Zimbabwean", "Ghanaian", "Kenyan", "Somali", "Jamaican", "Egyptian",
                  "Sudanese", None)  # fmt: skip
_NAT_W = {  # family -> {nationality: weight}; non-British weights are boosted for nurses and doctors
    "wbrit": {"British": 98.5, "Irish": 0.5, None: 1}, "irish": {"Irish": 55, "British": 45},
    "polish": {"Polish": 70, "British": 30},
    "owhite": {"British": 45, "Romanian": 12, "Portuguese": 10, "Italian": 8, "Spanish": 8, "Greek": 7,
               "Polish": 5, "Lithuanian": 5},
    "indian": {"British": 85, "Indian": 15}, "pakistani": {"British": 80, "Pakistani": 20},
    "bangladeshi": {"British": 90, "Bangladeshi": 10},
    "oasian": {"British": 60, "Sri Lankan": 15, "Indian": 10, "Pakistani": 10, "Malaysian": 5},
    "african": {"British": 65, "Nigerian": 15, "Zimbabwean": 10, "Ghanaian": 7, "Kenyan": 3},
    "nigerian": {"British": 50, "Nigerian": 50}, "somali": {"British": 60, "Somali": 40},
    "caribbean": {"British": 95, "Jamaican": 5}, "mixed": {"British": 97, None: 3},
    "chinese": {"British": 65, "Chinese": 25, "Malaysian": 10}, "filipino": {"British": 30, "Filipino": 70},
    "other": {"British": 60, "Egyptian": 15, "Sudanese": 15, None: 10},
    "unknown": {"British": 60, None: 30, "Indian": 5, "Nigerian": 5},
}  # fmt: skip
_FIRST_F = ("Amara", "Priya", "Sarah", "Emma", "Aisha", "Hannah", "Grace", "Joanna", "Meera", "Olivia", "Fatima",
            "Chloe", "Anjali", "Rebecca", "Zainab", "Lucy", "Nia", "Katarzyna", "Charlotte", "Simran", "Mary",
            "Rachel", "Ngozi", "Sophie", "Leah", "Rukhsana", "Megan", "Tendai", "Ellen", "Maria")  # fmt: skip
_FIRST_M = ("James", "Arjun", "Daniel", "Mohammed", "Thomas", "Kwame", "Oliver", "Rajesh", "Samuel", "Tomasz",
            "Imran", "Adam", "Ravi", "Joseph", "David", "Chidi", "Harry", "Sanjay", "Luke", "Yusuf", "Peter",
            "Gurpreet", "Michael", "Ahmed", "Ben", "Kofi", "Matthew", "Vikram", "Ryan", "Paul")  # fmt: skip
_LAST = ("Ashdown", "Brookmere", "Patelford", "Okonkwo-Reed", "Fenwick", "Kaurwood", "Hollins", "Mistrywell",
         "Adeyemi-Cole", "Thornbury", "Chauhanley", "Nowakowska-Hart", "Pemberton", "Ravenscroft", "Begumsford",
         "Lakeside", "Mensah-Grey", "Oakleigh", "Sandhu-Brook", "Whitlow", "Hussainby", "Kingsley", "Ellery",
         "Nkemdale", "Parmarley", "Quarrington", "Stonebridge", "Varma-Lowe", "Wexford", "Yardley",
         "Bramcote", "Castledine", "Dhillonfield", "Everard", "Glenfield", "Humberstone", "Islington-Ray",
         "Joshi-Marsh", "Knighton", "Lodhwell")  # fmt: skip
_WTE_PART = np.array([0.4, 0.5, 0.6, 0.64, 0.7, 0.8, 0.9])
_WTE_PART_P = np.array([12, 12, 20, 6, 10, 30, 10]) / 100


# --------------------------------------------------------------------------- helpers
def _probs(pairs: Iterable[tuple[object, float]]) -> tuple[list, np.ndarray]:
    values, weights = zip(*pairs)
    w = np.asarray(weights, dtype=float)
    return list(values), w / w.sum()


def _draw_rows(rng: np.random.Generator, matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One categorical draw per element, from the probability row ``matrix[rows[i]]``."""
    cum = np.cumsum(matrix, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(rows))
    return np.minimum((u[:, None] > cum[rows]).sum(axis=1), matrix.shape[1] - 1)


def _grade_matrix(mixes: Sequence[dict[str, float]]) -> np.ndarray:
    m = np.zeros((len(mixes), len(GRADE_LABELS)))
    for i, mix in enumerate(mixes):
        for g, w in mix.items():
            m[i, _G[g]] = w
    return m / m.sum(axis=1, keepdims=True)


_SG_GRADE = _grade_matrix(_GRADE_MIX)
_SERVICE_GRADE = _grade_matrix([_SERVICE_GRADE_MIX])[0]


def _days(d: date) -> np.datetime64:
    return np.datetime64(d, "D")


def _age_at(dob: np.ndarray, when: date) -> np.ndarray:
    """Whole years of age on ``when``."""
    w = pd.Timestamp(when)
    dob = pd.DatetimeIndex(dob)
    before = (dob.month > w.month) | ((dob.month == w.month) & (dob.day > w.day))
    return np.asarray(w.year - dob.year - before)


# --------------------------------------------------------------------------- people
def _new_people(rng: np.random.Generator, kind: np.ndarray, sg: np.ndarray, grade: np.ndarray, *, when: date,
                since: date | None, first_emp: int, vsm_slots: np.ndarray) -> dict[str, np.ndarray]:  # fmt: skip
    """Draw everything else about fresh people of known kind, staff group and grade.

    ``kind`` is 0 general, 1 Talking Therapies service, 2 VSM.  ``since`` is
    None for the first population (hire dates spread over a career) and the
    previous snapshot for joiners (hired since then).
    """
    n = len(kind)
    dept = _draw_rows(rng, _DEPT_WEIGHTS, sg)
    dept[kind == 1] = _SERVICE_DEPT
    dept[kind == 2] = _BOARD

    targets = np.array([g[1] for g in _GRADES])
    bme = rng.random(n) < targets[grade]
    if since is None and (kind == 2).any():  # the first board: exactly the target share, not a lottery
        vsm = np.flatnonzero(kind == 2)
        bme[vsm] = False
        bme[rng.choice(vsm, size=round(targets[_VSM] * len(vsm)), replace=False)] = True
    clinical = np.isin(sg, (NUR, MED))
    eth = _draw_rows(rng, _ETH_MIX, np.where(bme, 1 + clinical, 0))
    unknown = rng.random(n) < UNKNOWN_ETHNICITY_SHARE
    eth[unknown] = _draw_rows(rng, _ETH_MIX, np.full(unknown.sum(), 3))

    female = np.where(_MEDICAL[grade], np.where(grade == _CONSULTANT, 0.36, np.where(_RESIDENT[grade], 0.55, 0.42)),
                      _FEMALE_SHARE[sg])  # fmt: skip
    female = np.where(kind == 2, 0.5, np.where(kind == 1, 0.8, female))
    sex = (rng.random(n) >= female).astype(np.int8)  # 0 female, 1 male

    lo, hi, a, b = (np.array([g[k] for g in _GRADES], dtype=float)[grade] for k in (3, 4, 5, 6))
    lo = np.where(sg == STU, 18, lo)
    hi = np.where(sg == STU, 45, hi)
    age = lo + rng.beta(np.where(sg == STU, 1.2, a), np.where(sg == STU, 3.0, b)) * (hi - lo)
    ref = _days(when)
    dob = ref - np.round(age * 365.25).astype("timedelta64[D]")
    if since is None:
        career = age - 17.0
        service = rng.exponential(8.0, n)
        service = np.where(service > career, career * rng.uniform(0.3, 1.0, n), service)
        service = np.where(_RESIDENT[grade], rng.random(n) * np.minimum(3, age - 22.5), service)
        hire = ref - np.round(np.maximum(service, 0.01) * 365.25).astype("timedelta64[D]")
    else:
        span = (ref - _days(since)).astype(int)
        hire = _days(since) + (1 + rng.integers(0, span, n)).astype("timedelta64[D]")
    # foundation doctors start on the first Wednesday of the August before ``when``
    hire[grade == _FY1] = _days(_first_wednesday_august(when.year - (when.month < 8)))

    bank_only = (rng.random(n) < _BANK_ONLY[sg]) & (kind == 0)
    bank2 = (rng.random(n) < _BANK_SECOND[sg]) & ~bank_only & (kind != 2)
    post2 = np.zeros(n, dtype=np.int8)  # 1 second fixed-term post, 2 honorary contract
    post2[(rng.random(n) < 0.012) & ~bank_only & (kind == 0) & ~_MEDICAL[grade]] = 1
    post2[(rng.random(n) < 0.08) & (grade == _CONSULTANT) & ~bank_only] = 2
    full = rng.random(n) < np.where(kind == 2, 1.0, _FULL_TIME_SHARE[sg])
    wte = np.where(full, 1.0, rng.choice(_WTE_PART, size=n, p=_WTE_PART_P))
    wte = np.where(post2 == 1, np.minimum(wte, 0.6), wte)
    wte = np.where(bank_only, 0.0, wte)
    fixed = np.where(_RESIDENT[grade], rng.random(n) < 0.95, rng.random(n) < 0.06)
    category = np.where(bank_only, 2, fixed.astype(np.int8))  # 0 Permanent, 1 Fixed Term Temp, 2 Bank

    first = np.where(sex == 0, rng.integers(0, len(_FIRST_F), n), rng.integers(0, len(_FIRST_M), n))
    rel_matrix = np.array([_REL_W[f] for f in _FAMILIES], dtype=float)
    nat_matrix = np.array([[_NAT_W[f].get(x, 0.0) for x in _NATIONALITIES] for f in _FAMILIES])
    boosted = nat_matrix * np.where(np.array(_NATIONALITIES, dtype=object) == "British", 1.0, 2.5)
    family = _ETH_FAMILY[eth]
    dis_values, dis_p = _probs(_DISABILITY)
    so_values, so_p = _probs(_ORIENTATION)
    return {
        "emp": first_emp + np.cumsum(rng.integers(1, 60, n)),
        "kind": kind.astype(np.int8), "sg": sg, "grade": grade, "dept": dept,
        "cc": rng.integers(1, 4, n), "u_role": rng.random(n), "vsm_slot": vsm_slots,
        "bme": bme, "eth": eth, "sex": sex, "first": first, "last": rng.integers(0, len(_LAST), n),
        "dob": dob, "hire": hire, "wte": wte, "category": category, "bank_only": bank_only,
        "bank2": bank2, "post2": post2,
        "dis": rng.choice(len(dis_values), size=n, p=dis_p), "so": rng.choice(len(so_values), size=n, p=so_p),
        "rel": _draw_rows(rng, rel_matrix, family),
        "nat": _draw_rows(rng, np.vstack([nat_matrix, boosted]), family + len(_FAMILIES) * clinical),
    }  # fmt: skip


def _first_wednesday_august(year: int) -> date:
    d = date(year, 8, 1)
    return date(year, 8, 1 + (2 - d.weekday()) % 7)


def _concat(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([a[k], b[k]]) for k in a}


def _take(a: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in a.items()}


def _sizes(n_staff: int, with_service: bool) -> tuple[int, int]:
    n_vsm = int(np.clip(round(n_staff / 600), 6, len(_VSM_ROLES)))
    n_service = min(75, n_staff // 20) if with_service else 0
    return n_vsm, n_service


def _establishment(n_general: int, n_service: int, profile: str) -> np.ndarray:
    """Target headcount by (staff group, grade) of general staff, then of the service (last row)."""
    general = n_general * np.array(_SG_SHARE[profile])[:, None] * _SG_GRADE
    return np.vstack([general, n_service * _SERVICE_GRADE])


def _fill(rng: np.random.Generator, n: int, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` (row, grade) posts with probability proportional to ``weights``."""
    if n == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    flat = weights.ravel() / weights.sum()
    cell = rng.choice(flat.size, size=n, p=flat)
    return np.divmod(cell, weights.shape[1])


def _posts(rng: np.random.Generator, n_general: int, n_service: int, n_vsm: int,
           weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Kind, staff group and grade of new people filling the weighted vacancies."""
    sg, grade = _fill(rng, n_general, weights[:-1])
    service_grade = _fill(rng, n_service, weights[-1:])[1]
    kind = np.repeat(np.array([0, 1, 2], dtype=np.int8), [n_general, n_service, n_vsm])
    sg = np.concatenate([sg, np.full(n_service, APS), np.full(n_vsm, ADM)])
    grade = np.concatenate([grade, service_grade, np.full(n_vsm, _VSM)])
    return kind, sg, grade


def _first_population(rng: np.random.Generator, n_staff: int, when: date, profile: str,
                      with_service: bool) -> dict[str, np.ndarray]:  # fmt: skip
    n_vsm, n_service = _sizes(n_staff, with_service)
    n_general = n_staff - n_vsm - n_service
    kind, sg, grade = _posts(rng, n_general, n_service, n_vsm, _establishment(n_general, n_service, profile))
    slots = np.where(kind == 2, np.cumsum(kind == 2) - 1, -1)
    people = _new_people(rng, kind, sg, grade, when=when, since=None, first_emp=10_100_000, vsm_slots=slots)
    # longest-serving staff hold the lowest employee numbers, as in ESR
    people["emp"] = np.sort(people["emp"])[np.argsort(np.argsort(people["hire"], kind="stable"))]
    return people


def _promote(rng: np.random.Generator, people: dict[str, np.ndarray],
             programme: bool = False) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """New grades after a year of possible promotions (see the module docstring).

    Returns the new grades, then the grades the same draws give without a
    positive action programme.  With ``programme`` the odds of promotion of
    BME staff at ``POSITIVE_ACTION_GRADES`` are multiplied by
    ``POSITIVE_ACTION_ODDS_MULTIPLIER``; the uniform draws are the same either
    way, so the programme only adds promotions and never moves a later draw.
    """
    grade, sg = people["grade"], people["sg"]
    nxt = _NEXT[grade]
    eligible = (nxt >= 0) & ~people["bank_only"] & (sg != STU)
    eligible &= ~((people["kind"] == 1) & (grade >= _G["Band 8c"]))  # the service tops out at 8c
    base = np.array([g[2] for g in _GRADES])
    logit = np.log(np.clip(base, 1e-9, 1)) - np.log(np.clip(1 - base, 1e-9, 1))
    offset = np.array(list(PROMOTION_STAFF_GROUP_OFFSET.values()))
    eta = logit[grade] + offset[sg] + np.log(TRUE_PROMOTION_ODDS_RATIO_BME) * people["bme"]
    u, u_two = rng.random(len(grade)), rng.random(len(grade))
    targeted = people["bme"] & np.isin(grade, [_G[g] for g in POSITIVE_ACTION_GRADES]) & programme
    grades = []
    for boost in (np.log(POSITIVE_ACTION_ODDS_MULTIPLIER) * targeted, 0.0):
        promoted = eligible & (u < 1 / (1 + np.exp(-(eta + boost))))
        new = np.where(promoted, nxt, grade)
        two = promoted & ~_MEDICAL[grade] & (u_two < TWO_BAND_SHARE) & (grade + 2 <= _G["Band 9"])
        two &= ~((people["kind"] == 1) & (grade + 2 > _G["Band 8c"]))
        grades.append(np.where(two, grade + 2, new))
    return grades[0], grades[1]


def _advance(rng: np.random.Generator, people: dict[str, np.ndarray], prev: date, when: date, *, n_target: int,
             n_vsm: int, n_service: int, profile: str, programme: bool = False) -> dict[str, np.ndarray]:  # fmt: skip
    """One year on: leavers go, stayers may be promoted, joiners fill the vacancies.

    The trust keeps an establishment (target headcount by staff group and
    grade, ``n_target`` people in all); joiners are drawn in proportion to the
    posts left vacant by leavers and promotions, so the grade mix stays stable
    instead of drifting upwards.  The vacancies are counted as without a
    positive action ``programme``: its extra promotions come on top of the
    establishment, and the joiners are the same people with or without it.
    """
    years = (when - prev).days / 365.25
    rate = np.where(_RESIDENT[people["grade"]], RESIDENT_LEAVER_RATE, LEAVER_RATE)
    rate = np.where(people["bank_only"], 0.15, rate)
    leave = rng.random(len(rate)) < 1 - (1 - rate) ** years
    leave |= _age_at(people["dob"], when) >= 67
    stay = _take(people, np.flatnonzero(~leave))
    stay["grade"], without_programme = _promote(rng, stay, programme)

    kind = stay["kind"]
    vsm_free = np.setdiff1d(np.arange(n_vsm), stay["vsm_slot"])
    n_serv = max(0, n_service - int((kind == 1).sum()))
    n_general = max(0, n_target - len(kind) - n_serv - len(vsm_free))
    target = _establishment(n_target - n_vsm - n_service, n_service, profile)
    stock = np.zeros_like(target)
    row = np.where(kind == 1, len(_SG), stay["sg"])
    np.add.at(stock, (row[kind != 2], without_programme[kind != 2]), 1)
    vacant = np.clip(target - stock, 0, None) + 1e-9 * target  # never an all-zero draw
    kind, sg, grade = _posts(rng, n_general, n_serv, len(vsm_free), vacant)
    slots = np.full(len(kind), -1)
    slots[kind == 2] = vsm_free
    joiners = _new_people(rng, kind, sg, grade, when=when, since=prev, first_emp=int(people["emp"].max()),
                          vsm_slots=slots)  # fmt: skip
    return _concat(stay, joiners)


# --------------------------------------------------------------------------- export rows
def _roles(people: dict[str, np.ndarray]) -> np.ndarray:
    """Job role index for each person, from staff group, grade and department."""
    sg, grade, dept, u = people["sg"], people["grade"], people["dept"], people["u_role"]
    role = np.full(len(sg), -1)
    for s in range(len(_SG)):
        for g in np.unique(grade[sg == s]):
            options = [(r, w) for (rs, lo, hi, r, w) in _ROLES if rs == s and _G[lo] <= g <= _G[hi]]
            mask = (sg == s) & (grade == g)
            if not options:  # a grade reached only by promotion: keep the most senior role of the group
                below = [(r, w, _G[hi]) for (rs, lo, hi, r, w) in _ROLES if rs == s and _G[lo] <= g]
                if not below:  # doctors, VSM: set below
                    continue
                top = max(x[2] for x in below)
                options = [(r, w) for r, w, h in below if h == top]
            names, p = _probs(options)
            pick = np.minimum(np.searchsorted(np.cumsum(p), u[mask]), len(names) - 1)
            role[mask] = np.array([_ROLE_INDEX[r] for r in names])[pick]
    medical = _MEDICAL[grade]
    role[medical] = [_ROLE_INDEX[GRADE_LABELS[g]] for g in grade[medical]]
    for g, r in _MATERNITY_ROLES.items():
        role[(sg == NUR) & (dept == _MATERNITY) & (grade == _G[g])] = _ROLE_INDEX[r]
    imaging = (sg == AHP) & (dept == _IMAGING) & (grade <= _G["Band 7"])
    role[imaging] = np.where(u[imaging] < 0.7, _ROLE_INDEX[_IMAGING_ROLES[0]], _ROLE_INDEX[_IMAGING_ROLES[1]])
    service = people["kind"] == 1
    g = grade[service]
    tt = np.select([g <= _G["Band 5"], (g == _G["Band 6"]) & (u[service] < 0.6), g <= _G["Band 7"]], [0, 2, 1], 3)
    role[service] = np.array([_ROLE_INDEX[r] for r in _SERVICE_ROLES])[tt]
    vsm = people["kind"] == 2
    role[vsm] = np.array([_ROLE_INDEX[r] for r in _VSM_ROLES])[people["vsm_slot"][vsm]]
    return role


def _to_frame(people: dict[str, np.ndarray], organisation: str, band8_style: str) -> pd.DataFrame:
    """Expand people into one row per assignment with the ESR headers."""
    n = len(people["emp"])
    order = np.argsort(people["emp"], kind="stable")
    p = _take(people, order)
    p["role"] = _roles(p)
    extra_bank = p["bank2"].astype(int)
    extra_post = (p["post2"] > 0).astype(int)
    count = 1 + extra_bank + extra_post
    person = np.repeat(np.arange(n), count)
    slot = np.arange(len(person)) - np.repeat(np.cumsum(count) - count, count)  # 0 primary, 1, 2
    is_bank2 = (slot == 1) & (extra_bank[person] == 1)
    is_post2 = (slot > 0) & ~is_bank2
    row = _take(p, person)
    bank_row = is_bank2 | row["bank_only"]

    emp = row["emp"].astype(str)
    grade_labels = np.array(GRADE_LABELS, dtype=object)
    if band8_style == "range":
        for x in "abcd":
            grade_labels[_G[f"Band 8{x}"]] = f"Band 8 - Range {x.upper()}"
    dept = row["dept"]
    l3 = np.array([d[0] for d in _DEPTS], dtype=object)[dept]
    l4 = np.array([d[1] for d in _DEPTS], dtype=object)[dept]
    cc = np.char.add(np.array([d[3] for d in _DEPTS])[dept], np.char.zfill(row["cc"].astype(str), 2))
    cc = np.where(dept == _SERVICE_DEPT, "TT100", cc).astype(object)
    bank_org = np.array(_BANK_ORG, dtype=object)[row["sg"]]
    l3 = np.where(bank_row, "Staff Bank", l3)
    l4 = np.where(bank_row, bank_org, l4)
    cc = np.where(bank_row, np.char.add("BK1", np.char.zfill((row["sg"] + 1).astype(str), 2)).astype(object), cc)
    category = np.array(["Permanent", "Fixed Term Temp", "Bank"], dtype=object)[row["category"]]
    category = np.where(is_bank2, "Bank", category)
    category = np.where(is_post2, np.where(row["post2"] == 2, "Honorary", "Fixed Term Temp"), category)
    wte = np.where(bank_row | (is_post2 & (row["post2"] == 2)), 0.0, row["wte"])
    wte = np.where(is_post2 & (row["post2"] == 1), np.where(row["u_role"] < 0.5, 0.4, 0.5), wte)

    def pick(values: Sequence, idx: np.ndarray) -> np.ndarray:
        return np.array(values, dtype=object)[idx]

    roles = pick(JOB_ROLES, row["role"])
    frame = pd.DataFrame(
        {
            "Assignment Number": np.char.add(np.char.add(emp, "-"), (slot + 1).astype(str)).astype(object),
            "Employee Number": emp.astype(object),
            "First Name": np.where(row["sex"] == 0, pick(_FIRST_F, row["first"] % len(_FIRST_F)),
                                   pick(_FIRST_M, row["first"] % len(_FIRST_M))),  # fmt: skip
            "Last Name": pick(_LAST, row["last"]),
            "Organisation": np.full(len(person), organisation, dtype=object),
            "Org L3": l3,
            "Org L4": l4,
            "Cost Centre": cc,
            "Staff Group": pick(_SG, row["sg"]),
            "Job Role": roles,
            "Occupation Code": pick([OCCUPATION_CODES[r] for r in JOB_ROLES], row["role"]),
            "Area of Work": pick([d[2] for d in _DEPTS], dept),
            "Pay Band": grade_labels[row["grade"]],
            "Assignment Category": category,
            "Primary Assignment": np.where(slot == 0, "Yes", "No").astype(object),
            "Contracted WTE": wte.astype(float),
            "Hire Date": row["hire"].astype("datetime64[s]"),
            "Date of Birth": row["dob"].astype("datetime64[s]"),
            "Gender": np.where(row["sex"] == 0, "Female", "Male").astype(object),
            "Ethnic Origin": pick(ETHNIC_ORIGINS, row["eth"]),
            "Disability": pick([d[0] for d in _DISABILITY], row["dis"]),
            "Religious Belief": pick(_RELIGIONS, row["rel"]),
            "Sexual Orientation": pick([s[0] for s in _ORIENTATION], row["so"]),
            "Nationality": pick(_NATIONALITIES, row["nat"]),
        }
    )
    return frame[list(ESR_COLUMNS)]


# --------------------------------------------------------------------------- public
def generate_trust(
    n_staff: int,
    *,
    seed: int,
    snapshot_dates: Sequence[date] = (date(2023, 3, 31), date(2024, 3, 31), date(2025, 3, 31)),
    organisation: str = "Soar Valley Hospitals NHS Trust",
    with_service: bool = True,
    profile: Literal["acute", "community"] = "acute",
    band8_style: Literal["letter", "range"] = "letter",
    positive_action_from: date | None = None,
) -> dict[date, pd.DataFrame]:
    """Fictional ESR staff-in-post exports of one trust at several snapshots.

    The same people carry over from one snapshot to the next: each year about
    10% leave (30% of resident doctors; everyone retires at 67), joiners
    replace them with 2% growth a year, and stayers may be promoted one band
    (rarely two) with the built-in ethnic gap described in the module
    docstring (``TRUE_PROMOTION_ODDS_RATIO_BME``).

    Parameters
    ----------
    n_staff : int
        Number of people (not assignments) at the first snapshot.
    seed : int
        Seed of the random generator; the same seed gives equal frames.
    snapshot_dates : sequence of datetime.date
        Census dates, usually 31 March; sorted before use.
    organisation : str
        Value of the "Organisation" column.
    with_service : bool
        Include an NHS Talking Therapies service (``min(75, n_staff // 20)``
        people, Org L4 "NHS Talking Therapies", cost centre "TT100").
    profile : {"acute", "community"}
        Staff-group mix: acute (about 13% medical) or community (more
        nurses and allied health professionals, about 3.5% medical).
    band8_style : {"letter", "range"}
        Write band 8 as "Band 8a" or as "Band 8 - Range A".
    positive_action_from : datetime.date, optional
        Start of a positive action programme: in every year between
        snapshots that ends after it, BME staff at ``POSITIVE_ACTION_GRADES`` are promoted with
        their odds multiplied by ``POSITIVE_ACTION_ODDS_MULTIPLIER``.  The
        random draws are the same with or without it, so earlier snapshots
        are unchanged and later ones differ only in the grades (and job
        roles) of the people it promotes.

    Returns
    -------
    dict of datetime.date to pandas.DataFrame
        One frame per snapshot, one row per assignment, columns
        ``ESR_COLUMNS``.  Text as ESR writes it (missing is NaN), Contracted
        WTE as float, Hire Date and Date of Birth as datetime64.  Exactly one
        assignment per person has Primary Assignment "Yes"; bank rows have
        WTE 0.0, as do honorary contracts.

    Examples
    --------
    >>> frames = generate_trust(300, seed=1)
    >>> sorted(frames)
    [datetime.date(2023, 3, 31), datetime.date(2024, 3, 31), datetime.date(2025, 3, 31)]
    >>> frame = frames[date(2025, 3, 31)]
    >>> frame.columns[:3].tolist()
    ['Assignment Number', 'Employee Number', 'First Name']
    >>> bool(frame.groupby("Employee Number")["Primary Assignment"].apply(lambda s: (s == "Yes").sum()).eq(1).all())
    True
    """
    if band8_style not in ("letter", "range"):
        raise ValueError(f"band8_style must be 'letter' or 'range', got {band8_style!r}")
    history = simulate_trust(n_staff, seed=seed, snapshot_dates=snapshot_dates, with_service=with_service,
                             profile=profile, positive_action_from=positive_action_from)  # fmt: skip
    return {when: _to_frame(people, organisation, band8_style) for when, people in history.items()}


def simulate_trust(
    n_staff: int,
    *,
    seed: int,
    snapshot_dates: Sequence[date] = (date(2023, 3, 31), date(2024, 3, 31), date(2025, 3, 31)),
    with_service: bool = True,
    profile: Literal["acute", "community"] = "acute",
    positive_action_from: date | None = None,
) -> dict[date, dict[str, np.ndarray]]:
    """The people of :func:`generate_trust` at each snapshot, as the generator's arrays.

    One dict of equal-length arrays per snapshot (``emp`` the employee number,
    ``grade`` an index into ``GRADE_LABELS``, ``bme`` the true group, ``hire``,
    ``dob`` ...), before they are written out as export rows with
    :func:`export_rows`.  :mod:`tools.synthetic.monthly` places each year's
    leavers, joiners and promotions in months from these.  The parameters
    are those of :func:`generate_trust`.

    Examples
    --------
    >>> history = simulate_trust(300, seed=1)
    >>> [len(p["emp"]) for p in history.values()]
    [300, 306, 312]
    """
    if n_staff < 1:
        raise ValueError(f"n_staff must be at least 1, got {n_staff}")
    if profile not in _SG_SHARE:
        raise ValueError(f"profile must be one of {sorted(_SG_SHARE)}, got {profile!r}")
    rng = np.random.default_rng(seed)
    dates = sorted(snapshot_dates)
    n_vsm, n_service = _sizes(n_staff, with_service)
    people = _first_population(rng, n_staff, dates[0], profile, with_service)
    history = {dates[0]: people}
    for prev, when in pairwise(dates):
        n_target = round(n_staff * (1 + GROWTH_RATE) ** ((when - dates[0]).days / 365.25))
        programme = positive_action_from is not None and when > positive_action_from
        people = _advance(rng, people, prev, when, n_target=n_target, n_vsm=n_vsm, n_service=n_service,
                          profile=profile, programme=programme)  # fmt: skip
        history[when] = people
    return history


def export_rows(people: dict[str, np.ndarray], organisation: str,
                band8_style: Literal["letter", "range"] = "letter") -> pd.DataFrame:  # fmt: skip
    """Write people from :func:`simulate_trust` as export rows (one per assignment, ``ESR_COLUMNS``).

    Rows are in employee-number order, so the same people give the same frame
    whatever order they come in.
    """
    return _to_frame(people, organisation, band8_style)


def generate_export(n_rows: int, *, seed: int, snapshot: date = date(2025, 3, 31), **kwargs) -> pd.DataFrame:
    """One large single-snapshot export of exactly ``n_rows`` assignment rows.

    Parameters
    ----------
    n_rows : int
        Number of assignment rows wanted.
    seed : int
        Seed of the random generator.
    snapshot : datetime.date
        The census date.
    **kwargs
        Passed to :func:`generate_trust` (``organisation``, ``profile`` ...).

    Returns
    -------
    pandas.DataFrame
        Columns ``ESR_COLUMNS``.  Rows are sorted by assignment number and
        cut after ``n_rows``; a person's primary assignment always comes
        first, so the one-primary-per-person rule still holds.

    Examples
    --------
    >>> len(generate_export(500, seed=3))
    500
    """
    n_people = max(1, int(n_rows / 1.08))
    while True:
        frame = generate_trust(n_people, seed=seed, snapshot_dates=(snapshot,), **kwargs)[snapshot]
        if len(frame) >= n_rows:
            return frame.iloc[:n_rows].reset_index(drop=True)
        n_people = int(n_people * 1.05) + 1


def scatter_variant_spellings(frame: pd.DataFrame, *, seed: int, n_each: int = 4) -> pd.DataFrame:
    """Replace a few values with messy but valid spellings seen in real exports.

    Parameters
    ----------
    frame : pandas.DataFrame
        An export from :func:`generate_trust` (canonical spellings).
    seed : int
        Seed choosing the rows.
    n_each : int
        Rows changed per kind of variant (fewer if too few rows qualify).

    Returns
    -------
    pandas.DataFrame
        A copy where, for ``n_each`` rows each, "A White - British" is written
        "A - White - British" or "White - British", "H Asian or Asian British -
        Indian" as "Asian or Asian British - Indian", "Band 8a" as "Band 8 -
        Range A" or "8A", "Band 8b" as "Band 8 - Range B", "Band 6" as "AfC
        Band 6", and Gender as "F" / "M".  Every variant still means the same
        value; a loader should read them all.
    """
    rng = np.random.default_rng(seed)
    out = frame.copy()
    variants = (
        ("Ethnic Origin", "A White - British", "A - White - British"),
        ("Ethnic Origin", "A White - British", "White - British"),
        ("Ethnic Origin", "H Asian or Asian British - Indian", "Asian or Asian British - Indian"),
        ("Pay Band", "Band 8a", "Band 8 - Range A"),
        ("Pay Band", "Band 8b", "Band 8 - Range B"),
        ("Pay Band", "Band 6", "AfC Band 6"),
        ("Pay Band", "Band 8a", "8A"),
        ("Gender", "Female", "F"),
        ("Gender", "Male", "M"),
    )
    for column, old, new in variants:
        rows = np.flatnonzero(out[column].to_numpy() == old)
        if len(rows):
            chosen = rng.choice(rows, size=min(n_each, len(rows)), replace=False)
            out.iloc[chosen, out.columns.get_loc(column)] = new
    return out
