"""The loader's fast paths give the tables the general way gives, cell by cell.

``workforce.load._fast.ENABLED = False`` makes every step of the load take the general way (every
parquet column read as text, distinct key values found, identifiers hashed once per distinct value,
every file searched for repeated assignments, every person's rows ordered).  Each case loads the same
files both ways and compares the people table, the assignment table and the report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import workforce
from workforce.load import _fast

from .conftest import sample

REPOSITORY = Path(__file__).resolve().parent.parent


def _load_both_ways(paths, monkeypatch) -> tuple[workforce.StaffTable, workforce.StaffTable]:
    fast = workforce.load_staff(paths, pseudonym_key="the same key")
    with monkeypatch.context() as m:
        m.setattr(_fast, "ENABLED", False)
        general = workforce.load_staff(paths, pseudonym_key="the same key")
    return fast, general


def _assert_same(fast: workforce.StaffTable, general: workforce.StaffTable) -> None:
    # categories and their order included: an organisation's place in every table follows them
    assert_frame_equal(fast.people, general.people, check_exact=True)
    assert_frame_equal(fast.assignments, general.assignments, check_exact=True)
    assert_frame_equal(fast.report.problems, general.report.problems, check_exact=True)
    assert_frame_equal(fast.report.counts, general.report.counts)
    assert_frame_equal(fast.report.exclusions, general.report.exclusions)
    assert fast.report.notes == general.report.notes


@pytest.mark.parametrize("files", [
    ["soar_valley_staff_in_post_2025-03-31.xlsx"],
    ["broken_export.xlsx"],   # planted problems: missing and odd keys, repeats, unreadable values
    ["broken_export.xlsx", "broken_export.xlsx"],   # every row read twice: counted once
    ["rutland_vale_staff_in_post_2025-03-31.xlsx", "charnwood_staff_in_post_2025-03-31.csv"],
], ids=["one trust", "broken", "twice", "xlsx and csv"])
def test_sample_exports_load_the_same_both_ways(files, monkeypatch):
    fast, general = _load_both_ways([sample(f) for f in files], monkeypatch)
    assert len(fast.people) > 0
    _assert_same(fast, general)


def test_a_parquet_series_loads_the_same_both_ways(monkeypatch):
    files = sorted((REPOSITORY / "sample_data" / "soar_valley_monthly").glob("*.parquet"))[-3:]
    fast, general = _load_both_ways(files, monkeypatch)
    assert fast.people["snapshot_date"].nunique() == 3
    _assert_same(fast, general)


def test_odd_identifiers_take_the_general_way_in_the_fast_path(tmp_path, monkeypatch):
    # one employee number with letters: no row-by-row hashing; a repeated assignment number; a total row
    frame = pd.DataFrame({
        "Employee Number": ["00123", "123", "AB 9", "124", "Total"],
        "Assignment Number": ["123-1", "123-2", "9-1", "123-2", None],
        "Organisation": ["Trust A"] * 4 + [None],
        "Ethnic Origin": ["A White - British", "A White - British", "N Black or Black British - African",
                          "R Chinese", None],
        "Pay Band": ["Band 5", "Band 6", "Band 7", "Band 5", None],
        "Staff Group": ["Nursing and Midwifery Registered"] * 4 + [None],
        "Contracted WTE": [1.0, 0.5, 1.0, 1.0, 3.5],
    })
    path = tmp_path / "odd_2025-03-31.parquet"
    frame.to_parquet(path, index=False)
    fast, general = _load_both_ways([path], monkeypatch)
    _assert_same(fast, general)
    # "00123" and "123" are one person with two assignments; the repeated "123-2" row is excluded
    assert fast.people["n_assignments"].tolist() == [2, 1]
    assert fast.report.rows_excluded == 2


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_generated_export_of_100000_rows_loads_the_same_both_ways(suffix, tmp_path, monkeypatch):
    sys.path.append(str(REPOSITORY))   # tools.synthetic: the fictional-data generator
    try:
        from tools.synthetic.people import generate_export
    finally:
        sys.path.remove(str(REPOSITORY))
    frame = generate_export(100_000, seed=20250331)
    path = tmp_path / f"esr_staff_in_post_2025-03-31{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    fast, general = _load_both_ways([path], monkeypatch)
    assert len(fast.assignments) == 100_000 and fast.people["n_assignments"].max() > 1
    assert np.array_equal(fast.people["person_id"].str.len().unique(), [16])
    _assert_same(fast, general)
