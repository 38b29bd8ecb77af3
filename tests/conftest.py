"""Helpers shared by the tests: small hand-made exports in a temporary folder."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

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
