"""Deterministic FICTIONAL recruitment, case, training and board files for one trust.

They are made from a staff-in-post frame of :func:`tools.synthetic.people.generate_trust`
(the Soar Valley 2025 sample), so that people and groups line up: the people
appointed in the recruitment file are the trust's joiners of the year, the
cases and training records belong to its staff (by employee number), and the
executive directors on the board are its VSM staff.  Nobody in them exists.

Built-in truths (each group's count is fixed, not drawn, so the observed
relative likelihoods equal the designed ones up to rounding to whole people):

``TRUE_APPOINTMENT_RL``
    White ÷ BME likelihood of appointment from shortlisting (WRES indicator 2):
    a shortlisted White applicant is appointed with probability
    ``APPOINTMENT_RATE``, a BME applicant with that divided by the truth.
``TRUE_APPOINTMENT_RL_DISABILITY``
    Non-disabled ÷ Disabled (WDES metric 2), combined with the ethnic gap.
``TRUE_DISCIPLINARY_RL``
    BME ÷ White likelihood of entering a formal disciplinary investigation
    (WRES indicator 3), of staff in post (bank-only staff excluded).
``TRUE_CAPABILITY_RL``
    Disabled ÷ non-disabled likelihood of entering formal capability
    (performance) (WDES metric 3).
``TRUE_TRAINING_RL``
    White ÷ BME likelihood of accessing non-mandatory training or CPD
    (WRES indicator 4).

Groups are the package's reading of each person's recorded Ethnic Origin and
Disability (:func:`workforce.codes.normalise_ethnicity`,
:func:`workforce.codes.normalise_disability`).

Development tooling, not part of the installed package: :mod:`tools.synthetic.sample_data`
and the tests use it.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from workforce.codes import normalise_disability, normalise_ethnicity

__all__ = [
    "APPOINTMENT_RATE",
    "CAPABILITY_RATE",
    "DISCIPLINARY_RATE",
    "TRAINING_RATE",
    "TRUE_APPOINTMENT_RL",
    "TRUE_APPOINTMENT_RL_DISABILITY",
    "TRUE_CAPABILITY_RL",
    "TRUE_DISCIPLINARY_RL",
    "TRUE_TRAINING_RL",
    "YEAR",
    "board",
    "broken_recruitment",
    "cases",
    "recruitment",
    "staff_groups",
    "training",
]

#: The reporting year: 1 April 2024 to 31 March 2025.
YEAR = (date(2024, 4, 1), date(2025, 3, 31))
#: White ÷ BME, appointed from shortlisting.
TRUE_APPOINTMENT_RL = 1.5
#: Non-disabled ÷ Disabled, appointed from shortlisting.
TRUE_APPOINTMENT_RL_DISABILITY = 1.15
#: Chance that a shortlisted White, non-disabled applicant is appointed.
APPOINTMENT_RATE = 0.30
#: Unknown ethnicity or disability: the appointment rate is divided by this.
_UNKNOWN_FACTOR = 1.2
#: BME ÷ White, entering a formal disciplinary investigation.
TRUE_DISCIPLINARY_RL = 1.3
#: Share of White staff entering a formal disciplinary investigation in the year.
DISCIPLINARY_RATE = 0.012
#: Disabled ÷ non-disabled, entering formal capability (performance).
TRUE_CAPABILITY_RL = 2.0
#: Share of non-disabled staff entering formal capability in the year.
CAPABILITY_RATE = 0.006
#: White ÷ BME, accessing non-mandatory training or CPD.
TRUE_TRAINING_RL = 1.15
#: Share of White staff accessing non-mandatory training or CPD in the year.
TRAINING_RATE = 0.32

_RESIDENT_GRADES = ("Foundation Year 1", "Foundation Year 2", "Core Trainee", "Specialty Registrar")
_CPD = ("Leadership Essentials", "Mentoring Skills", "Clinical Supervision", "Quality Improvement Foundations",
        "Coaching Conversations", "Advanced Communication Skills", "Project Management", "Data Analysis with Excel",
        "Research Methods", "MSc Module: Advanced Practice", "Aspiring Ward Manager Programme")
_MANDATORY = ("Fire Safety", "Information Governance", "Basic Life Support", "Safeguarding Adults Level 2",
              "Moving and Handling", "Infection Prevention and Control")
_AGE_EDGES = np.array([16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65])
_AGE_LABELS = np.array(["16-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64",
                        "65+"], dtype=object)


def staff_groups(staff: pd.DataFrame) -> pd.DataFrame:
    """Staff in post (primary assignment, not bank) with their recorded WRES group and disability.

    Parameters
    ----------
    staff : pandas.DataFrame
        A frame from :func:`tools.synthetic.people.generate_trust` (one snapshot).

    Returns
    -------
    pandas.DataFrame
        The primary, non-bank rows, with ``wres_group`` (White, BME, Unknown)
        and ``disabled`` (Yes, No, Unknown) added: the denominators of WRES
        indicators 3 and 4 and WDES metric 3.

    Examples
    --------
    >>> from tools.synthetic.people import generate_trust
    >>> frame = generate_trust(300, seed=1, snapshot_dates=(date(2025, 3, 31),))[date(2025, 3, 31)]
    >>> sorted(staff_groups(frame)["wres_group"].unique())
    ['BME', 'Unknown', 'White']
    """
    people = staff[(staff["Primary Assignment"] == "Yes") & (staff["Assignment Category"] != "Bank")].copy()
    people["wres_group"] = normalise_ethnicity(people["Ethnic Origin"]).columns["wres_group"].astype(str).to_numpy()
    people["disabled"] = normalise_disability(people["Disability"]).columns["disability"].astype(str).to_numpy()
    return people


def _exact(rng: np.random.Generator, rows: np.ndarray, rate: float) -> np.ndarray:
    """``round(rate × n)`` of ``rows``, chosen at random (a fixed count, not a draw)."""
    k = int(round(rate * len(rows)))
    return np.sort(rng.choice(rows, size=k, replace=False)) if k else rows[:0]


def _age_band(dob: pd.Series, when: pd.Series) -> np.ndarray:
    born, at = pd.DatetimeIndex(dob), pd.DatetimeIndex(when)
    before = (born.month > at.month) | ((born.month == at.month) & (born.day > at.day))
    age = np.asarray(at.year - born.year - before)
    return _AGE_LABELS[np.clip(np.searchsorted(_AGE_EDGES, age, side="right") - 1, 0, len(_AGE_LABELS) - 1)]


def recruitment(staff: pd.DataFrame, *, seed: int = 20240401) -> pd.DataFrame:
    """One row per application in the year, TRAC-style.

    The appointed applicants are the trust's joiners of the year (hired
    between 1 April 2024 and 31 March 2025, not bank, not resident doctors,
    who are recruited nationally), with their own band, ethnicity,
    disability, sex and age.  For each group of ethnicity × disability with
    ``a`` appointed, ``round(a / p) − a`` more were shortlisted and not
    appointed, where ``p`` is the group's appointment rate (the truths in the
    module docstring); as many again applied and were not shortlisted.  They
    resemble staff of the same group (ethnicity spelling, sex, age).

    Parameters
    ----------
    staff : pandas.DataFrame
        The trust's staff-in-post frame at 31 March 2025.
    seed : int
        Seed of the random generator.

    Returns
    -------
    pandas.DataFrame
        Columns "Vacancy Reference", "Applicant ID", "Band", "Application
        Date", "Stage Reached", "Ethnicity", "Gender", "Disability",
        "Age Band".
    """
    rng = np.random.default_rng(seed)
    people = staff_groups(staff)
    hired = people["Hire Date"].between(pd.Timestamp(YEAR[0]), pd.Timestamp(YEAR[1]))
    joiners = people[hired & ~people["Pay Band"].isin(_RESIDENT_GRADES)].reset_index(drop=True)
    vacancies = np.array([f"SVH-2425-{i:04d}" for i in range(1, len(joiners) + 1)], dtype=object)
    applied_on = joiners["Hire Date"] - pd.to_timedelta(rng.integers(35, 90, len(joiners)), unit="D")
    appointed = pd.DataFrame({
        "Vacancy Reference": vacancies, "Band": joiners["Pay Band"].to_numpy(),
        "Application Date": applied_on.clip(lower=pd.Timestamp(YEAR[0])).to_numpy(),
        "Stage Reached": np.where(rng.random(len(joiners)) < 0.85, "Offer accepted", "Appointed"),
        "Ethnicity": joiners["Ethnic Origin"].to_numpy(), "Gender": joiners["Gender"].to_numpy(),
        "Disability": joiners["Disability"].to_numpy(),
        "Age Band": _age_band(joiners["Date of Birth"], applied_on),
        "wres_group": joiners["wres_group"].to_numpy(), "disabled": joiners["disabled"].to_numpy(),
    })
    factor_e = {"White": 1.0, "BME": TRUE_APPOINTMENT_RL, "Unknown": _UNKNOWN_FACTOR}
    factor_d = {"No": 1.0, "Yes": TRUE_APPOINTMENT_RL_DISABILITY, "Unknown": _UNKNOWN_FACTOR}
    others = []
    for (group, disabled), cell in appointed.groupby(["wres_group", "disabled"], sort=True):
        rate = APPOINTMENT_RATE / factor_e[group] / factor_d[disabled]
        n_short = int(round(len(cell) / rate)) - len(cell)
        for stage, n in (("shortlisted", n_short), ("applied", n_short + len(cell))):
            like = people[(people["wres_group"] == group) & (people["disabled"] == disabled)]
            pick = like.iloc[rng.integers(0, len(like), n)]
            when = pd.Series(pd.Timestamp(YEAR[0]) + pd.to_timedelta(rng.integers(0, 330, n), unit="D"))
            vacancy = rng.integers(0, len(appointed), n)
            spelled = {"shortlisted": ("Interviewed - not appointed", "Shortlisted"),
                       "applied": ("Not shortlisted", "Rejected at shortlisting")}[stage]
            others.append(pd.DataFrame({
                "Vacancy Reference": vacancies[vacancy], "Band": appointed["Band"].to_numpy()[vacancy],
                "Application Date": when.to_numpy(),
                "Stage Reached": np.where(rng.random(n) < 0.7, spelled[0], spelled[1]),
                "Ethnicity": pick["Ethnic Origin"].to_numpy(), "Gender": pick["Gender"].to_numpy(),
                "Disability": pick["Disability"].to_numpy(), "Age Band": _age_band(pick["Date of Birth"], when),
            }))
    frame = pd.concat([appointed.drop(columns=["wres_group", "disabled"]), *others], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))]
    frame = frame.sort_values("Vacancy Reference", kind="stable").reset_index(drop=True)
    frame.insert(1, "Applicant ID", [f"A{n:06d}" for n in rng.permutation(len(frame)) + 100_000])
    return frame


def cases(staff: pd.DataFrame, *, seed: int = 20240402) -> pd.DataFrame:
    """Formal disciplinary and capability cases opened in the year.

    Exactly ``round(rate × n)`` staff of each group (staff in post, bank-only
    staff excluded) enter each process: disciplinary at ``DISCIPLINARY_RATE``
    for White and Unknown staff and ``× TRUE_DISCIPLINARY_RL`` for BME staff;
    capability (performance) at ``CAPABILITY_RATE`` for non-disabled and
    Unknown staff and ``× TRUE_CAPABILITY_RL`` for Disabled staff.  Three
    people have a second disciplinary case (a person is counted once), six
    cases are ill-health capability (not counted).  The ER tracker records
    ethnicity and disability for most cases; the rest are blank, to be taken
    from the staff record.

    Returns
    -------
    pandas.DataFrame
        Columns "Case Reference", "Employee Number", "Employee Name", "Case
        Type", "Date Opened", "Ethnicity", "Disability".
    """
    rng = np.random.default_rng(seed)
    people = staff_groups(staff).reset_index(drop=True)
    rows = np.arange(len(people))
    chosen = []
    for group, rate in (("White", DISCIPLINARY_RATE), ("BME", DISCIPLINARY_RATE * TRUE_DISCIPLINARY_RL),
                        ("Unknown", DISCIPLINARY_RATE)):
        chosen += [(i, "disciplinary") for i in _exact(rng, rows[people["wres_group"] == group], rate)]
    for group, rate in (("No", CAPABILITY_RATE), ("Yes", CAPABILITY_RATE * TRUE_CAPABILITY_RL),
                        ("Unknown", CAPABILITY_RATE)):
        chosen += [(i, "capability") for i in _exact(rng, rows[people["disabled"] == group], rate)]
    disciplinary = [i for i, kind in chosen if kind == "disciplinary"]
    chosen += [(i, "disciplinary") for i in rng.choice(disciplinary, size=3, replace=False)]
    chosen += [(i, "ill health") for i in rng.choice(rows, size=6, replace=False)]
    who = np.array([i for i, _ in chosen])
    kind = np.array([k for _, k in chosen], dtype=object)
    spelling = {
        "disciplinary": np.where(rng.random(len(kind)) < 0.8, "Disciplinary", "Gross misconduct"),
        "capability": np.full(len(kind), "Capability (performance)", dtype=object),
        "ill health": np.full(len(kind), "Capability - ill health", dtype=object),
    }
    case_type = np.select([kind == k for k in spelling], list(spelling.values()))
    p = people.iloc[who]
    recorded = rng.random(len(who)) < 0.8
    frame = pd.DataFrame({
        "Employee Number": p["Employee Number"].to_numpy(),
        "Employee Name": (p["First Name"] + " " + p["Last Name"]).to_numpy(),
        "Case Type": case_type,
        "Date Opened": (pd.Timestamp(YEAR[0]) + pd.to_timedelta(rng.integers(0, 365, len(who)), unit="D")).to_numpy(),
        "Ethnicity": np.where(recorded, p["Ethnic Origin"].to_numpy(), None),
        "Disability": np.where(recorded, p["Disability"].to_numpy(), None),
    })
    frame = frame.sort_values("Date Opened", kind="stable").reset_index(drop=True)
    frame.insert(0, "Case Reference", [f"ER-{i:04d}" for i in range(1, len(frame) + 1)])
    return frame


def training(staff: pd.DataFrame, *, seed: int = 20240403) -> pd.DataFrame:
    """Training and CPD records of the year, non-mandatory and mandatory.

    Exactly ``round(rate × n)`` staff of each group (staff in post, bank-only
    staff excluded) access non-mandatory training or CPD: ``TRAINING_RATE``
    for White and Unknown staff and ``÷ TRUE_TRAINING_RL`` for BME staff,
    each with 1 + Poisson(0.5) courses.  One person in six also has a
    mandatory course recorded (not counted), and ten bank-only staff have a
    CPD record (not counted: they are not in the denominator).

    Returns
    -------
    pandas.DataFrame
        Columns "Employee Number", "Employee Name", "Course Title",
        "Mandatory", "Date Completed".
    """
    rng = np.random.default_rng(seed)
    people = staff_groups(staff).reset_index(drop=True)
    rows = np.arange(len(people))
    who = np.concatenate([_exact(rng, rows[people["wres_group"] == group], rate)
                          for group, rate in (("White", TRAINING_RATE), ("BME", TRAINING_RATE / TRUE_TRAINING_RL),
                                              ("Unknown", TRAINING_RATE))])
    who = np.repeat(who, 1 + rng.poisson(0.5, len(who)))
    mandatory = rng.choice(rows, size=len(rows) // 6, replace=False)
    bank = staff[(staff["Primary Assignment"] == "Yes") & (staff["Assignment Category"] == "Bank")]
    bank = bank.iloc[rng.choice(len(bank), size=min(10, len(bank)), replace=False)]
    records = pd.concat([
        people.iloc[who].assign(Course=rng.choice(_CPD, len(who)), Mandatory="No"),
        people.iloc[mandatory].assign(Course=rng.choice(_MANDATORY, len(mandatory)), Mandatory="Yes"),
        bank.assign(Course=rng.choice(_CPD, len(bank)), Mandatory="No"),
    ], ignore_index=True)
    frame = pd.DataFrame({
        "Employee Number": records["Employee Number"].to_numpy(),
        "Employee Name": (records["First Name"] + " " + records["Last Name"]).to_numpy(),
        "Course Title": records["Course"].to_numpy(),
        "Mandatory": records["Mandatory"].to_numpy(),
        "Date Completed": (pd.Timestamp(YEAR[0])
                           + pd.to_timedelta(rng.integers(0, 365, len(records)), unit="D")).to_numpy(),
    })
    return frame.sort_values(["Date Completed", "Employee Number"], kind="stable").reset_index(drop=True)


# (role, voting, executive, ethnic origin, disability, gender, name) of the non-executives (not staff)
_NON_EXECUTIVES = (
    ("Chair", "Yes", "No", "A White - British", "No", "Female", "Margaret Thornbury"),
    ("Non-executive Director", "Yes", "No", "H Asian or Asian British - Indian", "No", "Male", "Sanjay Kaurwood"),
    ("Non-executive Director", "Yes", "No", "A White - British", "Yes", "Male", "Peter Wexford"),
    ("Non-executive Director", "Yes", "No", "N Black or Black British - African", "No", "Female", "Grace Mensah-Grey"),
    ("Non-executive Director", "Yes", "No", "B White - Irish", "Prefer not to say", "Female", "Mary Glenfield"),
    ("Non-executive Director", "Yes", "No", "A White - British", "No", "Male", "David Oakleigh"),
    ("Associate Non-executive Director", "No", "No", "J Asian or Asian British - Pakistani", "No", "Female",
     "Aisha Hussainby"),
)
# (job role in the staff file, voting)
_EXECUTIVES = (("Chief Executive", "Yes"), ("Finance Director", "Yes"), ("Medical Director", "Yes"),
               ("Director of Nursing", "Yes"), ("Chief Operating Officer", "Yes"), ("Director of People", "No"),
               ("Director of Strategy", "No"))


def board(staff: pd.DataFrame) -> pd.DataFrame:
    """The board on 31 March 2025: 14 members, 11 voting, 7 executive.

    The seven executive directors are the trust's VSM staff in those roles
    (their ethnicity, disability and sex are their staff records'); the
    Chair and the non-executives are not staff and are listed here.

    Returns
    -------
    pandas.DataFrame
        Columns "Name", "Role", "Voting Member", "Executive", "Ethnicity",
        "Disability", "Gender".
    """
    primary = staff[staff["Primary Assignment"] == "Yes"].set_index("Job Role")
    rows = [dict(zip(("Role", "Voting Member", "Executive", "Ethnicity", "Disability", "Gender", "Name"), member))
            for member in _NON_EXECUTIVES]
    for role, voting in _EXECUTIVES:
        person = primary.loc[role]
        rows.append({"Role": role, "Voting Member": voting, "Executive": "Yes", "Ethnicity": person["Ethnic Origin"],
                     "Disability": person["Disability"], "Gender": person["Gender"],
                     "Name": f"{person['First Name']} {person['Last Name']}"})
    frame = pd.DataFrame(rows)[["Name", "Role", "Voting Member", "Executive", "Ethnicity", "Disability", "Gender"]]
    frame["Executive"] = frame["Executive"].map({"Yes": "Y", "No": "N"})
    return frame


def broken_recruitment(applications: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[tuple]]:
    """A small recruitment workbook with planted errors, for the error tests.

    Parameters
    ----------
    applications : pandas.DataFrame
        From :func:`recruitment`; its first 24 rows are used.

    Returns
    -------
    applications, counts : pandas.DataFrame
        Sheet "Applications" (24 applications, two with a stage that is not
        recognised) and sheet "Summary" (counts by group, where BME has more
        appointed than shortlisted).
    planted : list of tuple
        ``(sheet, data row position, column, value, why)`` of each planted error.
    """
    apps = applications.iloc[:24].reset_index(drop=True).copy()
    planted = []
    for pos, value, why in ((5, "Offer pending", "not a stage the loader knows (is it appointed or not yet?)"),
                            (17, "Withdrawn", "withdrawn at which stage? applied, shortlisted or appointed")):
        apps.loc[pos, "Stage Reached"] = value
        planted.append(("Applications", pos, "Stage Reached", value, why))
    counts = pd.DataFrame({  # ethnicity rows and disability rows each add up to the Total row
        "Group": ["White", "BME", "Ethnicity unknown", "Disabled", "Non-disabled", "Disability unknown", "Total"],
        "Applied": [410, 520, 25, 48, 800, 107, 955],
        "Shortlisted": [120, 95, 8, 15, 180, 28, 223],
        "Appointed": [36, 104, 2, 4, 46, 2, 52],  # BME: 104 typed for 14
    })
    planted.append(("Summary", 1, "Appointed", "104",
                    "more BME applicants appointed (104) than shortlisted (95): a typo for 14?"))
    return apps, counts, planted
