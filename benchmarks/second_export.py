"""A second large staff export, shaped unlike the package's own benchmark file.

``bench_load.py`` times ``load_staff`` on the repository's fictional ESR export
(``tools.synthetic``).  A reader tuned to one file's shape can be slow on
another, so this module writes a second export from its own small generator
(numpy only, nothing shared with ``tools.synthetic``), shaped as another
trust's report might be:

* other header spellings (``Staff No``, ``Grade``, ``Ethnicity``, ``FTE``,
  ``Start Date``, ``DOB``, ``Legal Sex`` ...) in a shuffled column order;
* ten extra columns the loader does not read (phone, manager, notes ...);
* dates written as text (``31/03/1985``), not Excel dates;
* one title row ("Workforce extract - effective 31/03/2025"), no blank row,
  no totals row, and the sheet named "Extract";
* numbers stored as text in some rows ("0.80"), as a CSV opened in Excel and
  saved leaves them; part-time FTEs; bank staff; about 3% of ethnicity and 6%
  of disability not stated.

Every value is one the loader recognises, so the file loads with no problems
other than notes: the time measured is the work every export costs.

:func:`frame` gives the same cells as a table of text, which ``bench_load.py``
writes as parquet and CSV.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 31032025
EFFECTIVE = date(2025, 3, 31)

_ETHNICITY = ["A White - British", "B White - Irish", "C White - Any other White background",
              "D Mixed - White & Black Caribbean", "F Mixed - White & Asian", "H Asian or Asian British - Indian",
              "J Asian or Asian British - Pakistani", "K Asian or Asian British - Bangladeshi",
              "M Black or Black British - Caribbean", "N Black or Black British - African",
              "R Chinese", "S Any Other Ethnic Group", "Z Not Stated"]
_ETHNICITY_P = [0.62, 0.02, 0.07, 0.01, 0.01, 0.08, 0.03, 0.01, 0.02, 0.08, 0.01, 0.01, 0.03]
_GROUPS = [("Nursing and Midwifery Registered", ["Band 5", "Band 6", "Band 7", "Band 8a"], "Staff Nurse"),
           ("Additional Clinical Services", ["Band 2", "Band 3", "Band 4"], "Healthcare Assistant"),
           ("Administrative and Clerical", ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 8b"],
            "Administrator"),
           ("Allied Health Professionals", ["Band 5", "Band 6", "Band 7", "Band 8a"], "Physiotherapist"),
           ("Estates and Ancillary", ["Band 1", "Band 2", "Band 3"], "Porter"),
           ("Add Prof Scientific and Technic", ["Band 6", "Band 7", "Band 8a", "Band 8c"], "Pharmacist")]
_GROUP_P = [0.32, 0.22, 0.22, 0.1, 0.08, 0.06]
HEADERS = ["Staff No", "Assignment No", "Org Name", "Directorate", "Grade", "Staff Group Name", "Position Title",
           "Contract Type", "Primary", "FTE", "Start Date", "DOB", "Legal Sex", "Ethnicity", "Disability Status",
           "Cost Centre", "Home Phone", "Line Manager", "Work Email", "Notes", "Pension Scheme", "Building",
           "Car Parking Permit", "Locker", "Uniform Size", "Last Appraisal"]


def generate(rows: int, seed: int = SEED) -> list[list[str]]:
    """The export's data rows (cells as the file stores them), in :data:`HEADERS` order before shuffling."""
    rng = np.random.default_rng(seed)
    people = max(1, int(rows / 1.08))
    person = np.sort(np.concatenate([np.arange(people), rng.integers(0, people, rows - people)]))[:rows]
    nth = np.zeros(rows, dtype=int)
    nth[1:] = np.where(person[1:] == person[:-1], 1, 0)
    for i in range(1, rows):   # the n-th assignment of a person
        if nth[i]:
            nth[i] = nth[i - 1] + 1
    group = rng.choice(len(_GROUPS), size=people, p=_GROUP_P)[person]
    ethnicity = rng.choice(len(_ETHNICITY), size=people, p=_ETHNICITY_P)[person]
    sex = rng.choice(["Female", "Male"], size=people, p=[0.77, 0.23])[person]
    disability = rng.choice(["No", "Yes", "Not Declared"], size=people, p=[0.84, 0.10, 0.06])[person]
    born = np.array([EFFECTIVE - timedelta(days=int(d)) for d in rng.integers(18 * 365, 66 * 365, people)])[person]
    started = np.array([EFFECTIVE - timedelta(days=int(d)) for d in rng.integers(0, 30 * 365, rows)])
    fte = rng.choice(["1", "0.8", "0.60", "0.5", "1.00"], size=rows, p=[0.6, 0.15, 0.1, 0.1, 0.05])
    out = []
    for i in range(rows):
        name, bands, role = _GROUPS[group[i]]
        out.append([
            str(10_000_000 + person[i]), f"{10_000_000 + person[i]}-{nth[i] + 1}", "Wreake Valley NHS Trust",
            f"Directorate {i % 9 + 1}", bands[(person[i] * 7 + nth[i]) % len(bands)], name, role,
            "Bank" if nth[i] else ("Fixed Term Temp" if i % 17 == 0 else "Permanent"), "No" if nth[i] else "Yes",
            fte[i], started[i].strftime("%d/%m/%Y"), born[i].strftime("%d/%m/%Y"), sex[i], _ETHNICITY[ethnicity[i]],
            disability[i], f"CC{i % 400:04d}", f"07700 9{i % 100000:05d}", f"Manager {i % 700}",
            f"staff{person[i]}@example.nhs.uk", "" if i % 5 else "see file", "NHSPS 2015" if i % 4 else "NHSPS 1995",
            f"Block {'ABCDEFG'[i % 7]}", "Yes" if i % 3 else "No", str(i % 500), "M", "2024-11-01",
        ])
    return out


def column_order(seed: int = SEED) -> np.ndarray:
    """The shuffled order of :data:`HEADERS` in the written export."""
    return np.random.default_rng(seed + 1).permutation(len(HEADERS))


def frame(rows: int, seed: int = SEED) -> pd.DataFrame:
    """The export as a table of text, for parquet and CSV: the same cells and column order as :func:`write`.

    Every column is text (dates as ``31/03/1985``, FTE as ``0.80``), as a
    spreadsheet saved as CSV holds them; empty cells are missing.  There is no
    title row, so the date of the export must be in the file's name.
    """
    order = column_order(seed)
    cells = np.array(generate(rows, seed), dtype=object)[:, order]
    cells[cells == ""] = None
    return pd.DataFrame({HEADERS[j]: pd.array(cells[:, k], dtype="str") for k, j in enumerate(order)})


def write(path: Path, rows: int, seed: int = SEED) -> dict:
    """Write the export (openpyxl write-only: shared strings, as Excel saves them); returns its layout."""
    from openpyxl import Workbook

    order = column_order(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Extract")
    sheet.append([f"Workforce extract - effective {EFFECTIVE:%d/%m/%Y}"])
    sheet.append([HEADERS[j] for j in order])
    for row in generate(rows, seed):
        sheet.append([row[j] if row[j] != "" else None for j in order])
    book.save(path)
    return {"sheet": "Extract", "header_row": 1, "rows": rows, "columns": len(HEADERS)}
