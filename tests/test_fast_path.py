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


# ---------------------------------------------------------------- the shortcuts one by one, against the general way


def _both_ways(function, *args, monkeypatch):
    fast = function(*args)
    with monkeypatch.context() as m:
        m.setattr(_fast, "ENABLED", False)
        general = function(*args)
    return fast, general


_DATES = ["1677-09-21", "1677-09-22", "2262-04-11", "2262-04-12", "0000-01-01", "1980-02-29", "1981-02-29",
          "2024-03-31 00:00:00", "2000-01-01 00:00:01", "21/09/1677", "22/09/1677", "11/04/2262", "12/04/2262",
          "29/02/1980", "29/02/2100", "29/02/2400", "1/3/1980", "01/03/80", "00/01/2000", "01/00/2000", "32/01/2000",
          "01/13/2000", "31/04/2001", "30/04/2001", "2000-00-10", "2000-01-00", "2000-99-99", "9999-12-31",
          " 2000-01-01", "2000/01/01", "20000-01-01", "2000-1-01", "٢٠٠٠-01-01", "45382", "1 March 2000",
          "Date of Birth", "NaT", "", "   ", None]


@pytest.mark.parametrize("dtype", ["str", "category", "object"])
def test_dates_of_one_fixed_form_read_as_the_general_way_reads_them(dtype, monkeypatch):
    from workforce.load._values import parse_date

    for values in (_DATES, _DATES[:9], _DATES[9:24]):   # mixed forms; ISO only; day-first only
        raw = pd.Series(values, dtype=dtype)
        (fast, fast_bad), (general, general_bad) = _both_ways(parse_date, raw, monkeypatch=monkeypatch)
        pd.testing.assert_series_equal(fast, general)
        pd.testing.assert_series_equal(fast_bad, general_bad)
    # known answers: the limits of what pandas holds, a leap day, a day that does not exist
    values, bad = parse_date(pd.Series(["2262-04-11", "2262-04-12", "29/02/2000", "29/02/2100"]))
    assert [str(v.date()) if pd.notna(v) else None for v in values] == ["2262-04-11", None, "2000-02-29", None]
    assert bad.tolist() == [False, True, False, True]


def test_the_width_of_lines_without_quotes_is_what_csv_reads(monkeypatch):
    import random

    from workforce.load._csv import _width

    pieces = ["a", ",", ";", "\t", "|", "\r", "\n", "\r\n", " ", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "é"]
    rng = random.Random(16)
    for _ in range(3000):
        sample = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        for sep in (",", ";", "\t", "|"):
            for skip in (0, 1):
                fast, general = _both_ways(_width, sample, sep, skip, monkeypatch=monkeypatch)
                assert fast == general, (sample, sep, skip)


def test_pandera_is_skipped_only_when_it_would_find_nothing():
    import pandera.errors

    from workforce.load._pipeline import _surely_valid
    from workforce.load._schema import read_schema

    schema = read_schema("staff_in_post")
    clean = pd.DataFrame({
        "band": pd.Series(["Band 5", "Band 6"], dtype="category"),
        "fte": [1.0, 0.5],
        "date_of_birth": pd.to_datetime(["1980-01-01", "1990-05-05"]).astype("datetime64[ns]"),
        "age": pd.array([44, 35], dtype="Int64"),
    })
    faults = {
        "fte above its range": {"fte": [1.0, 1.6]},
        "fte below its range": {"fte": [-0.1, 1.0]},
        "a date before its range": {"date_of_birth": pd.to_datetime(["1899-12-31", "1990-05-05"]).astype(
            "datetime64[ns]")},
        "an age outside its range": {"age": pd.array([44, 101], dtype="Int64")},
        "a required column blank": {"band": pd.Series(["Band 5", None], dtype="category")},
        "a number column of another type": {"fte": ["1.0", "0.5"]},
    }

    def pandera_finds_something(frame: pd.DataFrame) -> bool:
        try:
            schema.to_pandera(present=list(frame.columns)).validate(frame, lazy=True)
        except pandera.errors.SchemaErrors:
            return True
        return False

    assert _surely_valid(clean, schema) and not pandera_finds_something(clean)
    for fault, columns in faults.items():
        frame = clean.assign(**columns)
        assert not _surely_valid(frame, schema), fault
        if fault != "a number column of another type":   # (pandera's own dtype failure names no row)
            assert pandera_finds_something(frame), fault


@pytest.mark.parametrize("values", [
    pd.Series([5, 0, 123456789012, 5]), pd.Series([5, None, 7], dtype="Int64"), pd.Series([5, -1, 7]),
    pd.Series([None, None], dtype="Int64"), pd.Series([2**63 + 5, 1], dtype="uint64"),
], ids=["numbers", "with a blank", "negative", "all blank", "beyond int64"])
def test_employee_numbers_stored_as_numbers_hash_as_their_text_does(values, monkeypatch):
    from workforce.load._privacy import Pseudonymiser

    hasher = Pseudonymiser(key="the same key")
    (fast_ids, fast_keys), (ids, keys) = _both_ways(hasher.hash_keys, values, monkeypatch=monkeypatch)
    pd.testing.assert_series_equal(fast_ids, ids)
    assert np.array_equal(fast_keys, keys)
    as_text = hasher.hash(pd.Series([None if pd.isna(v) else str(int(v)) for v in values.tolist()], dtype=object))
    assert fast_ids.fillna("-").tolist() == as_text.fillna("-").tolist()


def test_a_few_rows_of_a_categorical_grid_as_python_values(monkeypatch):
    from workforce.load._read import object_cells

    grid = pd.DataFrame({0: pd.Categorical(["a", None, "b"]), 1: pd.Series(["x", None, "y"], dtype="str"),
                         2: pd.Categorical([None, None, None], categories=pd.Index([], dtype="str")),
                         3: [1.5, None, 2.0]})
    for rows in (slice(0, 3), slice(1, 2), slice(0, 0)):
        fast, general = _both_ways(object_cells, grid.iloc[rows], monkeypatch=monkeypatch)
        assert pd.DataFrame(fast).equals(pd.DataFrame(general))


def _messy_export(rows: int, long: int = 33_000) -> pd.DataFrame:
    """A staff export with columns the loader does not read, identifiers and dates of every kind, odd cells."""
    rng = np.random.default_rng(16)
    numbers = (10_000_000 + rng.permutation(rows)).astype(str)
    frame = pd.DataFrame({
        "Assignment Number": [f"{n}-1" for n in numbers],
        "Employee Number": numbers,
        "Locker": rng.integers(0, 50, rows).astype(str),   # not read
        "Work Email": [f"person{i}@example.nhs.uk" for i in range(rows)],   # not read
        "Organisation": "Wreake Valley NHS Trust",
        "Staff Group": rng.choice(["Administrative and Clerical", "Nursing and Midwifery Registered"], rows),
        "Job Role": rng.choice(["Clerk", "Staff  Nurse ", "Staff Nurse"], rows),
        "Pay Band": rng.choice(["Band 2", "Band 5", "Band 99"], rows),
        "Contracted WTE": rng.choice(["1", "0.8", "2.5"], rows),
        "Hire Date": rng.choice(["2010-01-04", "31/03/2015", "2016-02-30"], rows),
        "Date of Birth": [f"{d:02d}/{m:02d}/{y}" for d, m, y in zip(rng.integers(1, 32, rows), rng.integers(1, 13, rows),
                                                               rng.integers(1950, 2005, rows))],
        "Gender": rng.choice(["Male", "Female"], rows),
        "Ethnic Origin": rng.choice(["A White - British", "R Chinese", "Martian"], rows),
    })
    frame.loc[3, "Employee Number"] = "   "
    frame.loc[4, "Work Email"] = "x" * long   # longer than a cell can be, in a column not read
    frame.loc[5, "Assignment Number"] = "y" * long
    frame.loc[6, "Assignment Number"] = frame.loc[7, "Assignment Number"]
    frame.loc[8, "Ethnic Origin"] = "Employee Number"   # the header of an identifier column, quoted in a problem
    return frame


def test_a_messy_csv_loads_the_same_both_ways(tmp_path, monkeypatch):
    text = _messy_export(3000).to_csv(index=False).splitlines()
    # a title row (a record of another width, read on its own) and a totals row
    lines = ["Staff in post as at 31/03/2025"] + text + ["Total,3000"]
    path = tmp_path / "messy_2025-03-31.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast, general = _load_both_ways([path], monkeypatch)
    assert len(fast.assignments) > 2900
    assert (fast.report.problems["code"] == "cell_too_long").sum() == 2
    _assert_same(fast, general)
    plain = tmp_path / "plain_2025-03-31.csv"   # no record of another width
    plain.write_text("\n".join(text) + "\n", encoding="utf-8")
    _assert_same(*_load_both_ways([plain], monkeypatch))


def test_a_messy_workbook_loads_the_same_both_ways(tmp_path, monkeypatch):
    path = tmp_path / "messy_2025-03-31.xlsx"
    _messy_export(500, long=300).to_excel(path, index=False, sheet_name="Staff in Post")
    _assert_same(*_load_both_ways([path], monkeypatch))


@pytest.mark.parametrize("dtype", ["Int64", "float64"])
def test_age_bands_are_what_pandas_cut_gives(dtype):
    from workforce.codes import _demographics as demographics

    ages = pd.Series(list(range(-5, 200)) + [None] + ([15.5, 20.9, np.inf, -np.inf] if dtype == "float64" else []),
                     dtype=dtype)
    numbers = pd.to_numeric(ages, errors="coerce").astype("float64")
    for band, edges, labels in ((demographics.age_band_from_age, demographics._AGE_EDGES, demographics.AGE_BANDS),
                                (demographics.esr_age_band_from_age, demographics._ESR_EDGES,
                                 demographics.ESR_AGE_BANDS)):
        expected = pd.cut(numbers, bins=list(edges), right=False, labels=list(labels))
        got = band(ages)
        assert got.astype(object).where(got.notna(), None).tolist() == \
            expected.astype(object).where(expected.notna(), None).tolist()
