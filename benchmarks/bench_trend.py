"""Benchmark: ``trend`` over 36 monthly snapshots of 100,000 people each (parquet).

Builds a fictional trust-sized series (no real person): 100,000 people at the
first month-end; each month about 0.8% leave and as many join, and about 0.5%
of those who stay are promoted one band.  Each snapshot is written as a
parquet file with the people table's columns (categorical, as ``load_staff``
returns them), read back and concatenated: the frame ``trend`` is given.
Reading is not timed.  Then, best of ``--repeat`` after a warm-up:

(a) the bare pandas groupby of the same counts over the concatenated frame:
    ``groupby([organisation, snapshot_date, band, medical_grade, clinical_group, wres_group, is_bank]).size()``,
    every count the measures at a snapshot are made from;
(b) ``trend(people, ["senior share", "recorded"])``: the measures at a
    snapshot, with Wilson intervals, states and the tidy table;
(c) (a) plus the 35 merges of consecutive snapshots on ``person_id`` that
    leavers and promotions need (``pandas.merge(..., how="left")``);
(d) ``trend(people)``: every measure, leaving and promotion included.

Goal: (b) within 3 times (a).  (d) against (c) is reported beside it.  Peak
memory is the peak of Python-tracked allocations (``tracemalloc``, numpy
arrays included) during one call, against the frame's own size.

Run ``python benchmarks/bench_trend.py`` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best_time  # benchmarks/_timing.py

import workforce
from workforce.analysis._trend import trend
from workforce.codes._bands import BAND_DTYPE, MEDICAL_GRADE_DTYPE, PAY_SYSTEM_DTYPE
from workforce.codes._ethnicity import WRES_GROUP_DTYPE
from workforce.codes._staff_groups import CLINICAL_GROUP_DTYPE

_BAND_P = [.01, .10, .14, .10, .20, .18, .13, .07, .04, .02, .006, .004]   # bands 1 ... 9


def monthly_series(n: int, months: int, seed: int = 1) -> list[pd.DataFrame]:
    """``months`` month-end people tables of about ``n`` people, linked by person_id."""
    rng = np.random.default_rng(seed)
    total = n + int(n * 0.009 * months) + 1000
    person = pd.array(np.char.mod("%016x", rng.permutation(np.arange(total, dtype=np.int64) * 7919 + 12345)),
                      dtype="str")
    doctor = rng.random(total) < 0.1
    band = np.where(doctor, -1, rng.choice(12, size=total, p=_BAND_P)).astype("int8")
    grade = np.where(doctor, rng.choice(3, size=total, p=[.4, .15, .45]), -1).astype("int8")
    wres = np.where(rng.random(total) < 0.04, 2, (rng.random(total) < 0.28).astype("int8")).astype("int8")
    clinical = np.where(doctor, 2, (rng.random(total) < 0.3).astype("int8")).astype("int8")
    bank = rng.random(total) < 0.05
    present = np.zeros(total, dtype=bool)
    present[:n] = True
    next_new = n
    dates = pd.date_range("2022-01-31", periods=months, freq="ME")
    frames = []
    for date in dates:
        rows = np.flatnonzero(present)
        frame = pd.DataFrame({
            "person_id": person[rows], "organisation": pd.Categorical(["Trust A"] * len(rows)),
            "snapshot_date": date, "is_bank": bank[rows],
            "band": pd.Categorical.from_codes(band[rows], dtype=BAND_DTYPE),
            "medical_grade": pd.Categorical.from_codes(grade[rows], dtype=MEDICAL_GRADE_DTYPE),
            "pay_system": pd.Categorical.from_codes(np.where(grade[rows] >= 0, 2, np.where(band[rows] == 12, 1, 0))
                                                    .astype("int8"), dtype=PAY_SYSTEM_DTYPE),
            "clinical_group": pd.Categorical.from_codes(clinical[rows], dtype=CLINICAL_GROUP_DTYPE),
            "wres_group": pd.Categorical.from_codes(wres[rows], dtype=WRES_GROUP_DTYPE)})
        frames.append(frame)
        leave = rows[rng.random(len(rows)) < 0.008]
        present[leave] = False
        joiners = np.arange(next_new, next_new + len(leave))
        present[joiners] = True
        next_new += len(leave)
        stay = np.flatnonzero(present)
        up = stay[(rng.random(len(stay)) < 0.005) & (band[stay] >= 0) & (band[stay] < 11)]
        band[up] += 1
    return frames


def _baseline(people: pd.DataFrame) -> pd.Series:
    keys = ["organisation", "snapshot_date", "band", "medical_grade", "clinical_group", "wres_group", "is_bank"]
    return people.groupby(keys, observed=True).size()


def _baseline_with_periods(people: pd.DataFrame, frames: list[pd.DataFrame]) -> None:
    _baseline(people)
    for before, after in zip(frames[:-1], frames[1:]):
        pd.merge(before[["person_id", "band", "wres_group"]], after[["person_id", "band"]], on="person_id",
                 how="left", suffixes=("_start", "_end"))


def _peak(func) -> float:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="people at each snapshot")
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for i, frame in enumerate(monthly_series(args.people, args.months)):
            frame.to_parquet(Path(folder) / f"staff_{i:02d}.parquet")
        frames = [pd.read_parquet(p) for p in sorted(Path(folder).glob("*.parquet"))]
    people = pd.concat(frames, ignore_index=True)
    for column in ("organisation",):
        people[column] = people[column].astype("category")
    snapshot_measures = ["senior share", "recorded"]
    a = best_time(lambda: _baseline(people), args.repeat)
    b = best_time(lambda: trend(people, snapshot_measures), args.repeat)
    c = best_time(lambda: _baseline_with_periods(people, frames), args.repeat)
    d = best_time(lambda: trend(people), args.repeat)
    frame_mb = people.memory_usage(deep=True).sum() / 2**20
    peak_b = _peak(lambda: trend(people, snapshot_measures)) / 2**20
    peak_d = _peak(lambda: trend(people)) / 2**20
    rows = len(trend(people).table)
    print(f"{args.months} monthly snapshots of about {args.people:,} people ({len(people):,} rows, {frame_mb:,.0f} MiB), "
          f"best of {args.repeat} after a warm-up\n")
    print(f"(a) bare pandas groupby of the counts                 {a:8.4f} s")
    print(f"(b) trend: measures at a snapshot                     {b:8.4f} s   peak {peak_b:7.1f} MiB")
    print(f"(c) groupby + {args.months - 1} merges of consecutive snapshots     {c:8.4f} s")
    print(f"(d) trend: every measure (leaving, promotion)         {d:8.4f} s   peak {peak_d:7.1f} MiB "
          f"({rows:,} rows)")
    print(f"\n(b) / (a)  {b / a:6.2f}  (goal <= 3: {'met' if b / a <= 3 else 'NOT met'})")
    print(f"(d) / (c)  {d / c:6.2f}")
    results = {"people": args.people, "months": args.months, "rows": len(people), "repeat": args.repeat,
               "seconds": {"groupby": a, "trend_snapshot_measures": b, "groupby_and_merges": c, "trend_all": d},
               "ratio": b / a, "ratio_all": d / c, "goal_met": b / a <= 3,
               "peak_mib": {"frame": frame_mb, "trend_snapshot_measures": peak_b, "trend_all": peak_d},
               "versions": {"workforce": workforce.__version__, "pandas": pd.__version__, "numpy": np.__version__},
               "machine": platform.platform(), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    out = Path(__file__).with_name("results_trend.json")
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
