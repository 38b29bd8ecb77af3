"""The monthly sample snapshots of Soar Valley (sample_data/soar_valley_monthly/), read with plain pandas.

Everything here is computed from the raw parquet and Excel files with pandas alone, not with the
package's analyses, so that the planted change and the planted stable measure the SPC tests rely on
are known to be in the data independently of the code that looks for them (sample_data/README.md,
"Monthly snapshots").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workforce import load_staff, sample_data

MONTHLY = sample_data("soar_valley_monthly")
SENIOR = ["Band 8a", "Band 8b", "Band 8c", "Band 8d", "Band 9"]
UNKNOWN_CODES = {"Z", "99", "Unspecified", ""}
PROGRAMME_START = pd.Timestamp("2024-04-01")  # the positive action programme (sample_data/README.md)
# the messy but valid spellings scattered in the yearly workbooks (sample_data/README.md), in their plain form
VARIANTS = {
    "Ethnic Origin": {"A - White - British": "A White - British", "White - British": "A White - British",
                      "Asian or Asian British - Indian": "H Asian or Asian British - Indian"},
    "Pay Band": {"Band 8 - Range A": "Band 8a", "8A": "Band 8a", "Band 8 - Range B": "Band 8b", "AfC Band 6": "Band 6"},
    "Gender": {"F": "Female", "M": "Male"},
}  # fmt: skip


def group(origin: pd.Series) -> pd.Series:
    """White / BME / Unknown from the leading code of Ethnic Origin (A, B, C* White; Z, 99, blank unknown)."""
    code = origin.fillna("").str.split().str[0].fillna("")
    white = code.str.fullmatch(r"A|B|C[0-9A-Z]?")
    return pd.Series(np.where(code.isin(UNKNOWN_CODES), "Unknown", np.where(white, "White", "BME")),
                     index=origin.index)  # fmt: skip


@pytest.fixture(scope="module")
def months() -> dict[pd.Timestamp, pd.DataFrame]:
    files = sorted(MONTHLY.glob("soar_valley_staff_in_post_*.parquet"))
    return {pd.Timestamp(p.stem[-10:]): pd.read_parquet(p) for p in files}


@pytest.fixture(scope="module")
def series(months) -> pd.DataFrame:
    """Both planted series, month by month, from primary non-bank assignments."""
    rows, before = [], None
    for when, frame in months.items():
        people = frame[(frame["Primary Assignment"] == "Yes") & (frame["Assignment Category"] != "Bank")]
        g = group(people["Ethnic Origin"])
        senior = people["Pay Band"].isin(SENIOR) & (g != "Unknown")
        bme = set(people.loc[g == "BME", "Employee Number"])
        leavers = np.nan if before is None else len(before - set(frame["Employee Number"]))
        rows.append({"month": when, "senior": senior.sum(), "senior_bme": (senior & (g == "BME")).sum(),
                     "bme_staff": np.nan if before is None else len(before), "bme_leavers": leavers})
        before = bme
    out = pd.DataFrame(rows)
    return out.assign(share=out["senior_bme"] / out["senior"], leaver_rate=out["bme_leavers"] / out["bme_staff"])


def test_twenty_five_month_ends_with_the_export_columns(months):
    assert list(months) == list(pd.date_range("2023-03-31", "2025-03-31", freq="ME"))
    first = next(iter(months.values()))
    assert len(first.columns) == 24 and first.columns[0] == "Assignment Number"
    assert all(list(f.columns) == list(first.columns) for f in months.values())
    total = sum(p.stat().st_size for p in MONTHLY.glob("*.parquet"))
    assert total < 4 * 1024**2


@pytest.mark.slow
@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_march_snapshots_hold_the_rows_of_the_yearly_workbooks(months, year):
    monthly = months[pd.Timestamp(f"{year}-03-31")]
    yearly = pd.read_excel(sample_data(f"soar_valley_staff_in_post_{year}-03-31.xlsx"), sheet_name="Staff in Post",
                           header=4, dtype=object, engine="calamine")  # fmt: skip
    yearly = yearly[yearly["Employee Number"].notna()]  # blank spacer rows and the Total row
    for column, plain in VARIANTS.items():
        yearly[column] = yearly[column].replace(plain)
    yearly["Employee Number"] = yearly["Employee Number"].map(lambda v: v if isinstance(v, str) else str(int(v)))
    for column in ("Hire Date", "Date of Birth"):
        values = yearly[column]
        yearly[column] = (pd.to_datetime(values, format="%d/%m/%Y") if year == 2023  # text
                          else pd.to_datetime(values.astype(float), unit="D", origin="1899-12-30") if year == 2024
                          else pd.to_datetime(values))  # fmt: skip

    def same_form(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.sort_values("Assignment Number").reset_index(drop=True)
        out = frame.astype(object).where(frame.notna(), None)
        out["Contracted WTE"] = frame["Contracted WTE"].astype(float).round(2)
        for column in ("Hire Date", "Date of Birth"):
            out[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
        return out

    pd.testing.assert_frame_equal(same_form(monthly), same_form(yearly), check_dtype=False)


@pytest.mark.slow
def test_the_package_reads_a_monthly_file_as_the_snapshot_of_its_name():
    staff = load_staff(MONTHLY / "soar_valley_staff_in_post_2024-09-30.parquet")
    assert staff.report.is_valid
    assert set(staff.people["snapshot_date"]) == {pd.Timestamp("2024-09-30")}
    assert staff.people["age"].max() < 67


@pytest.mark.slow
def test_events_fall_in_months_consistently(months):
    dates = list(months)
    present = pd.DataFrame({d: pd.Series(True, index=pd.Index(f["Employee Number"].unique())) for d, f in
                            months.items()}).fillna(False).astype(bool)  # fmt: skip
    # a person is present over one unbroken run of month-ends (nobody leaves and comes back)
    starts = (present & ~present.shift(1, axis=1, fill_value=False)).sum(axis=1)
    assert (starts == 1).all()
    rank = {f"Band {b}": i for i, b in enumerate(["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"])}
    grades = pd.DataFrame({d: f[f["Primary Assignment"] == "Yes"].set_index("Employee Number")["Pay Band"].map(rank)
                           for d, f in months.items()})  # fmt: skip
    assert (grades.diff(axis=1).fillna(0) >= 0).all().all()  # nobody moves down a band
    for when, frame in months.items():
        assert (pd.to_datetime(frame["Hire Date"]) <= when).all()  # joiners only from their Hire Date on
    # a joiner of the year is there from the first month-end on or after the Hire Date
    last = months[dates[-1]].drop_duplicates("Employee Number").set_index("Employee Number")
    hire = pd.to_datetime(last["Hire Date"])
    joiners = hire[hire > pd.Timestamp("2024-03-31")]
    first_seen = present.loc[joiners.index].idxmax(axis=1)
    expected = joiners + pd.offsets.MonthEnd(0)
    assert (first_seen == expected).all()


def test_planted_change_bme_share_at_8a_and_above(series):
    share = series.set_index("month")["share"]
    before = share[share.index < PROGRAMME_START]
    after = share[share.index >= PROGRAMME_START]
    assert len(before) == 13 and len(after) == 12
    slope = np.polyfit(np.arange(len(before)), before.to_numpy(), 1)[0]
    assert slope < 0  # falls slowly through 2023-24 (the promotion gap thins BME staff out of the upper bands)
    assert before.iloc[-1] < before.iloc[0]
    step = before.diff().std()  # the month-to-month standard deviation before the programme
    last6 = after.iloc[-6:].mean()
    assert last6 > before.mean() + 5 * step
    assert last6 > before.max()


def test_planted_stable_measure_monthly_leaver_rate_of_bme_staff(series):
    s = series.dropna(subset=["bme_staff"])
    assert len(s) == 24
    left, staff = s["bme_leavers"].to_numpy(), s["bme_staff"].to_numpy()
    rate = left.sum() / staff.sum()
    assert 0.005 < rate < 0.012  # about 8.5% a year for most staff, 30% for resident doctors
    # one binomial rate for every month: no month differs beyond chance ...
    table = np.vstack([left, staff - left])
    assert stats.chi2_contingency(table)[1] > 0.2
    z = (left / staff - rate) / np.sqrt(rate * (1 - rate) / staff)
    assert np.abs(z).max() < 2.5
    # ... and the programme year does not differ from the year before
    before = s["month"] < PROGRAMME_START
    assert stats.chi2_contingency(np.array([[left[before].sum(), (staff - left)[before].sum()],
                                            [left[~before].sum(), (staff - left)[~before].sum()]]))[1] > 0.2
