"""Benchmark: linking two national-scale snapshots and computing promotion rates.

The NHS in England employs about 1.5 million people.  This builds two
fictional snapshots of that size a year apart (about 90% of people in both,
the people table's categorical columns, 16-character hashed identifiers as
``load_staff`` makes them) and times, best of ``--repeat`` after a warm-up:

(a) ``pandas.merge(first, second, on="person_id")``: the bare inner merge of
    the two snapshots on the key, with nothing classified or counted;
(b) the same merge with ``how="outer"`` (what keeping leavers and joiners needs);
(c) ``promotion(people)``: link, classify every movement, promotion and
    leaver rates with Wilson intervals, relative likelihoods, senior
    appointments by route, time in grade;
(d) ``movements(people)``: the full person-period table.

Goal: (c) within 3 times (a).  Run ``python benchmarks/bench_progression.py``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best_time  # benchmarks/_timing.py

import workforce
from workforce.analysis._progression import movements
from workforce.analysis._promotion import promotion
from workforce.codes._bands import BAND_DTYPE, MEDICAL_GRADE_DTYPE, PAY_SYSTEM_DTYPE
from workforce.codes._demographics import AGE_BAND_DTYPE, DISABILITY_DTYPE, SEX_DTYPE
from workforce.codes._ethnicity import WRES_GROUP_DTYPE
from workforce.codes._staff_groups import CLINICAL_GROUP_DTYPE, STAFF_GROUP_DTYPE


def national_snapshots(n: int, overlap: float = 0.9, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two fictional people tables of ``n`` rows a year apart (no real person)."""
    rng = np.random.default_rng(seed)
    total = int(n * (2 - overlap))  # everyone in either snapshot
    ids = np.unique(rng.integers(0, 2**63, size=total + 1000, dtype=np.int64))[:total]
    rng.shuffle(ids)
    person = pd.array(np.char.mod("%016x", ids), dtype="str")
    org = rng.integers(0, 200, size=total).astype("int16")
    doctor = rng.random(total) < 0.1
    band = np.where(doctor, -1, rng.choice(12, size=total, p=[.01, .10, .14, .10, .20, .18, .13, .07, .04, .02,
                                                             .006, .004])).astype("int8")
    grade = np.where(doctor, rng.choice(3, size=total, p=[.4, .15, .45]), -1).astype("int8")
    bme = rng.random(total) < 0.28
    unknown = rng.random(total) < 0.04
    wres = np.where(unknown, 2, bme.astype("int8")).astype("int8")
    promoted = rng.random(total) < np.where(bme, 0.055, 0.08)
    band2 = np.where((band >= 0) & promoted, np.minimum(band + 1, 12), band).astype("int8")
    grade2 = np.where((grade == 2) & promoted, 0, grade).astype("int8")
    staff_group = np.where(doctor, 6, rng.choice([0, 1, 2, 3, 4, 5, 7, 8], size=total)).astype("int8")
    common = {
        "organisation": pd.Categorical.from_codes(org, [f"Trust {i:03d}" for i in range(200)]),
        "wres_group": pd.Categorical.from_codes(wres, dtype=WRES_GROUP_DTYPE),
        "sex": pd.Categorical.from_codes(rng.choice(2, size=total, p=[.77, .23]).astype("int8"), dtype=SEX_DTYPE),
        "disability": pd.Categorical.from_codes(rng.choice(3, size=total, p=[.05, .75, .2]).astype("int8"),
                                                dtype=DISABILITY_DTYPE),
        "age_band": pd.Categorical.from_codes(rng.integers(0, 6, size=total).astype("int8"), dtype=AGE_BAND_DTYPE),
        "staff_group": pd.Categorical.from_codes(staff_group, dtype=STAFF_GROUP_DTYPE),
        "clinical_group": pd.Categorical.from_codes(np.where(doctor, 2, (staff_group == 2).astype("int8")),
                                                    dtype=CLINICAL_GROUP_DTYPE),
        "is_bank": rng.random(total) < 0.05,
        "fte_total": rng.choice([0.6, 0.8, 1.0], size=total),
        "service_years": rng.exponential(8, size=total),
    }
    pay = np.where(doctor, 2, np.where(band == 12, 1, 0)).astype("int8")
    first_rows = np.arange(n)                # people 0 .. n-1
    second_rows = np.arange(total - n, total)  # the last n people: 90% overlap
    frames = []
    for rows, date, b, g in ((first_rows, "2024-03-31", band, grade), (second_rows, "2025-03-31", band2, grade2)):
        frame = pd.DataFrame({"person_id": person[rows], "snapshot_date": pd.Timestamp(date),
                              **{k: v[rows] for k, v in common.items()}})
        frame["band"] = pd.Categorical.from_codes(b[rows], dtype=BAND_DTYPE)
        frame["medical_grade"] = pd.Categorical.from_codes(g[rows], dtype=MEDICAL_GRADE_DTYPE)
        frame["pay_system"] = pd.Categorical.from_codes(pay[rows], dtype=PAY_SYSTEM_DTYPE)
        frame["source_file"] = pd.Categorical([f"national_{date}.parquet"] * len(rows))
        frames.append(frame)
    return frames[0], frames[1]



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000, help="people in each snapshot")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    first, second = national_snapshots(args.rows)
    people = pd.concat([first, second], ignore_index=True)  # as load_staff returns several snapshots
    for column in ("organisation", "source_file"):
        people[column] = people[column].astype("category")
    inner = best_time(lambda: pd.merge(first, second, on="person_id", suffixes=("_start", "_end")), args.repeat)
    outer = best_time(lambda: pd.merge(first, second, on="person_id", how="outer", suffixes=("_start", "_end")),
                 args.repeat)
    rates = best_time(lambda: promotion(people), args.repeat)
    table = best_time(lambda: movements(people), args.repeat)
    ratio = rates / inner
    linked = promotion(people).table.set_index("group")
    print(f"two snapshots of {args.rows:,} people (about 90% in both), best of {args.repeat} after a warm-up\n")
    print(f"(a) pandas.merge(first, second, on='person_id')          {inner:8.4f} s")
    print(f"(b) ... how='outer'                                     {outer:8.4f} s")
    print(f"(c) promotion(people): link, classify, rates, RL, ...   {rates:8.4f} s")
    print(f"(d) movements(people): the person-period table          {table:8.4f} s")
    print(f"\npromotion / inner merge  {ratio:6.2f}  (goal <= 3: {'met' if ratio <= 3 else 'NOT met'})")
    print(f"promotion / outer merge  {rates / outer:6.2f}")
    print(f"check: White promotion rate {linked.loc['White', 'promotion_rate']:.4f}, "
          f"BME {linked.loc['BME', 'promotion_rate']:.4f}, RL {linked.loc['BME', 'promotion_rl']:.3f}")
    results = {"rows_per_snapshot": args.rows, "repeat": args.repeat,
               "seconds": {"merge_inner": inner, "merge_outer": outer, "promotion": rates, "movements": table},
               "ratio": ratio, "ratio_vs_outer_merge": rates / outer, "goal_met": ratio <= 3,
               "versions": {"workforce": workforce.__version__, "pandas": pd.__version__, "numpy": np.__version__},
               "machine": platform.platform(), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    out = Path(__file__).with_name("results_progression.json")
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
