"""Helpers shared by the tests.

* small hand-made exports in a temporary folder (``staff_row``, ``write_xlsx``, ``messy_export``);
* hand-made people tables over snapshots, for progression and promotion (``snapshot``, ``people``,
  ``history_people``);
* the sample data, loaded once per run (``soar``, ``soar_valley``, ``icb_trusts``) and the sample inputs (``INPUTS``);
* the demo board pack and an ICB's pack, built once per run (``demo_pack``, ``icb_pack``);
* the ``--snapshot-update`` option and the ``slow`` marker.

Session-scoped fixtures are shared by every test module: no test may change what they return.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).parent.parent

HEADERS = ["Assignment Number", "Employee Number", "Last Name", "Organisation", "Staff Group", "Job Role",
           "Pay Band", "Assignment Category", "Primary Assignment", "Contracted WTE", "Hire Date",
           "Date of Birth", "Gender", "Ethnic Origin", "Disability"]


def staff_row(n: int, **over) -> list:
    """One valid staff row; keyword arguments replace values by header key."""
    values = {
        "Assignment Number": f"{1000 + n}-1", "Employee Number": f"{1000 + n}", "Last Name": f"Surname{n}",
        "Organisation": "Test Trust", "Staff Group": "Nursing and Midwifery Registered", "Job Role": "Staff Nurse",
        "Pay Band": "Band 5", "Assignment Category": "Permanent", "Primary Assignment": "Yes",
        "Contracted WTE": 1.0, "Hire Date": dt.date(2015, 6, 1), "Date of Birth": dt.date(1985, 4, 1 + n % 27),
        "Gender": "Female", "Ethnic Origin": "A White - British", "Disability": "No",
    }
    for key, value in over.items():
        values[key.replace("_", " ")] = value
    return [values[h] for h in HEADERS]


def write_xlsx(path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None):
    """Write rows (lists of cell values; None for empty) to sheets of a workbook."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    book.save(path)
    return path


@pytest.fixture
def messy_export(tmp_path):
    """A small export shaped like the real thing: titles, blank rows, totals.

    Excel rows: 1-2 titles, 3 blank, 4 header, 5-9 staff, 10 blank, 11-12 staff, 13 totals.
    """
    rows = [["Staff in Post"], ["As at 31/03/2025"], [], HEADERS]
    rows += [staff_row(i) for i in range(5)]
    rows += [[]]
    rows += [staff_row(5), staff_row(6, Ethnic_Origin="H Asian or Asian British - Indian")]
    rows += [["Total", None, None, None, None, None, None, None, None, 7]]
    return write_xlsx(tmp_path / "trust_staff.xlsx", {"Staff": rows})


# ---------------------------------------------------------------- options


def pytest_addoption(parser):
    parser.addoption("--snapshot-update", action="store_true", default=False,
                     help="(re)write the chart snapshots in tests/snapshots/ from the current charts instead of "
                          "failing when one is missing or differs")


@pytest.fixture
def snapshot_update(request) -> bool:
    """True when the run was given --snapshot-update: snapshot tests (re)write their files."""
    return request.config.getoption("--snapshot-update")


# ---------------------------------------------------------------- people tables for progression and promotion

MEDICAL = ("Consultant", "SAS", "Resident doctor", "Other medical")
Y1, Y2, Y3 = "2023-03-31", "2024-03-31", "2025-03-31"


def snapshot(date, entries, org="Trust A", file=None) -> pd.DataFrame:
    """A people table for one snapshot: entries are (person_id, grade, wres_group[, extra columns])."""
    from workforce.codes._bands import BANDS

    rows = []
    for entry in entries:
        pid, grade, group, *extra = entry
        band = grade if grade in BANDS else None
        medical = grade if grade in MEDICAL else None
        pay = ("Very Senior Manager" if grade == "VSM" else "Agenda for Change" if band
               else "Medical and Dental" if medical else grade)
        row = {"person_id": pid, "organisation": org, "snapshot_date": pd.Timestamp(date), "band": band,
               "medical_grade": medical, "pay_system": pay, "wres_group": group or "Unknown",
               "sex": "Female", "disability": "No", "age_band": "35-44",
               "staff_group": "Medical and Dental" if medical else "Nursing and Midwifery Registered",
               "clinical_group": "Medical" if medical else "Clinical", "is_bank": False, "fte_total": 1.0,
               "service_years": 5.0, "source_file": file or f"{org.lower().replace(' ', '_')}_{date}.xlsx"}
        row.update(extra[0] if extra else {})
        rows.append(row)
    return pd.DataFrame(rows)


def people(*snapshots) -> pd.DataFrame:
    out = pd.concat(snapshots, ignore_index=True)
    for column in ("organisation", "source_file"):
        out[column] = out[column].astype("category")
    out["person_id"] = out["person_id"].astype("str")
    return out


# person: grade at 2023, 2024, 2025 (None: absent); what each movement is: EXPECTED in tests/test_progression.py
HISTORY = {
    "p01": ("5", "6", "6"),                          # promoted, same band
    "p02": ("6", "8a", "8a"),                        # promoted two bands (internal senior appointment), same
    "p03": ("7", "6", None),                         # moved down, left
    "p04": ("5", None, None),                        # left
    "p05": (None, "8b", "8b"),                       # joined (external senior appointment), same
    "p06": ("Resident doctor", "Consultant", "Consultant"),  # promoted (internal senior), same
    "p07": ("SAS", "SAS", "Consultant"),             # same, promoted
    "p08": ("Apprentice", "3", "3"),                 # changed pay system, same
    "p09": ("8d", "VSM", "VSM"),                     # promoted (VSM is the rung above 9), same
    "p10": ("Other medical", "Consultant", "Consultant"),  # not comparable, same
    "p11": ("unknown", "5", "5"),                    # not comparable (no grade at the start), same
    "p12": ("Consultant", "SAS", "SAS"),             # moved down, same
    "p13": ("5", "Resident doctor", "Resident doctor"),  # changed pay system, same
    "p14": ("Apprentice", "Apprentice", None),       # same band (same unbanded pay), left
    "p15": ("5", "5", "5"),                          # same, same
    "p16": ("Resident doctor", "SAS", "SAS"),        # promoted (resident -> SAS, a package decision)
}


def history_people(groups=None) -> pd.DataFrame:
    groups = groups or {}
    snaps = []
    for i, date in enumerate((Y1, Y2, Y3)):
        entries = [(p, None if grades[i] == "unknown" else grades[i], groups.get(p, "White"))
                   for p, grades in HISTORY.items() if grades[i] is not None]
        snaps.append(snapshot(date, entries))
    return people(*snaps)


# ---------------------------------------------------------------- the sample data, loaded once


def sample(name: str) -> Path:
    from workforce import sample_data

    return sample_data(name)


SOAR_2025 = "soar_valley_staff_in_post_2025-03-31.xlsx"
SOAR_SNAPSHOTS = [f"soar_valley_staff_in_post_{year}-03-31.xlsx" for year in (2023, 2024, 2025)]
# the Soar Valley inputs besides the staff in post
INPUTS = dict(recruitment=sample("soar_valley_recruitment_2024-25.xlsx"),
              disciplinary=sample("soar_valley_disciplinary_2024-25.xlsx"),
              board=sample("soar_valley_board_2025-03-31.xlsx"))


def fingerprint(staff) -> tuple:
    """Columns, dtypes and a hash of the values of a loaded table's people and assignments."""
    return tuple((list(frame.columns), [str(d) for d in frame.dtypes],
                  int(pd.util.hash_pandas_object(frame, index=True).sum()))
                 for frame in (staff.people, staff.assignments))


def shared(staff, name: str):
    """Yield a table shared by every test of the run, and fail at the end of the run if a test changed it."""
    before = fingerprint(staff)
    yield staff
    assert fingerprint(staff) == before, f"a test changed the shared table {name!r} (tests/conftest.py): copy it first"


@pytest.fixture(scope="session")
def soar():
    """Soar Valley's staff in post at 31 March 2025 (no pseudonym key). Shared: do not change it."""
    from workforce import load_staff

    yield from shared(load_staff(sample(SOAR_2025)), "soar")


@pytest.fixture(scope="session")
def soar_valley():
    """Soar Valley's three snapshots, 2023 to 2025, linked with the key "test key". Shared: do not change it."""
    from workforce import load_staff

    yield from shared(load_staff([sample(f) for f in SOAR_SNAPSHOTS], pseudonym_key="test key"), "soar_valley")


@pytest.fixture(scope="session")
def icb_trusts():
    """Three organisations of one ICB at 31 March 2025: Soar Valley, Charnwood (CSV) and Rutland Vale. Shared."""
    from workforce import load_staff

    files = [SOAR_2025, "charnwood_staff_in_post_2025-03-31.csv", "rutland_vale_staff_in_post_2025-03-31.xlsx"]
    yield from shared(load_staff([sample(f) for f in files]), "icb_trusts")


# ---------------------------------------------------------------- the demo board pack, built once


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m workforce.cli ARGS`` from the project folder."""
    return subprocess.run([sys.executable, "-m", "workforce.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)


@pytest.fixture(scope="session")
def demo_pack(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The demo pack, built once per run through the command line: its folder and the finished command.

    Used by tests/test_pack.py and tests/test_pack_browser.py; tests read it and write elsewhere.
    """
    out = tmp_path_factory.mktemp("demo") / "pack"
    return out, run_cli("demo", "--out", str(out))


@pytest.fixture(scope="session")
def icb_pack(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """An ICB's pack, built once per run: the three sample trusts against the Leicester, Leicestershire and Rutland
    ICB, with Soar Valley's recruitment and the peer organisations' counts.  Used by tests/test_pack.py and
    tests/test_pack_files.py (slow tests only).
    """
    out = tmp_path_factory.mktemp("icb") / "pack"
    files = [str(sample(f)) for f in (SOAR_2025, "rutland_vale_staff_in_post_2025-03-31.xlsx",
                                      "charnwood_staff_in_post_2025-03-31.csv")]
    recruitment = sample("soar_valley_recruitment_2024-25.xlsx")
    return out, run_cli("report", *files, "--icb", "QK1", "--recruitment",
                        f"Soar Valley Hospitals NHS Trust={recruitment}",
                        "--peers", str(sample("icb_peer_organisations_2025-03-31.csv")), "--out", str(out))
