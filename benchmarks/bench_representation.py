"""Benchmark: ``workforce.representation`` on a national-scale staff table.

The NHS in England employs about 1.5 million people.  This builds a fictional
people table of that size (the columns ``representation`` reads, with the
package's categorical dtypes) and times, best of ``--repeat`` after a warm-up:

(a) the bare pandas count the analysis cannot do without,
    ``people.groupby("ethnicity_nhs5", observed=False).size()``;
(b) ``workforce.representation(people, population)``: counts, Wilson
    intervals, ratios, exact binomial tests, Benjamini-Hochberg, flags;
(c) the same split by band group (``by="band_group"``).

Goal: (b) within 3 times (a).  Run ``python benchmarks/bench_representation.py``.
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
from workforce.codes._bands import BAND_DTYPE, PAY_SYSTEM_DTYPE
from workforce.codes._ethnicity import NHS5_DTYPE, WRES_GROUP_DTYPE


def national_people(n: int, seed: int = 1) -> pd.DataFrame:
    """A fictional people table of ``n`` rows (no real person)."""
    rng = np.random.default_rng(seed)
    nhs5 = rng.choice(5, size=n, p=[0.70, 0.02, 0.14, 0.08, 0.06])
    unknown = rng.random(n) < 0.04
    codes = np.where(unknown, -1, nhs5).astype("int8")
    bands = rng.integers(0, len(BAND_DTYPE.categories), size=n).astype("int8")
    return pd.DataFrame({
        "person_id": pd.array(np.char.add("p", np.arange(n).astype(str)), dtype="str"),
        "organisation": pd.Categorical.from_codes(rng.integers(0, 200, size=n), [f"Trust {i:03d}" for i in range(200)]),
        "snapshot_date": pd.Timestamp("2025-03-31"),
        "ethnicity_nhs5": pd.Categorical.from_codes(codes, dtype=NHS5_DTYPE),
        "wres_group": pd.Categorical.from_codes(np.where(unknown, 2, np.where(nhs5 == 0, 0, 1)), dtype=WRES_GROUP_DTYPE),
        "band": pd.Categorical.from_codes(bands, dtype=BAND_DTYPE),
        "pay_system": pd.Categorical.from_codes(np.zeros(n, dtype="int8"), dtype=PAY_SYSTEM_DTYPE),
        "is_bank": rng.random(n) < 0.05,
    })



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    people = national_people(args.rows)
    population = workforce.population("England")
    bare = best_time(lambda: people.groupby("ethnicity_nhs5", observed=False).size(), args.repeat)
    whole = best_time(lambda: workforce.representation(people, population), args.repeat)
    split = best_time(lambda: workforce.representation(people, population, by="band_group"), args.repeat)
    ratio = whole / bare
    print(f"{args.rows:,} people, best of {args.repeat} after a warm-up\n")
    print(f"(a) people.groupby('ethnicity_nhs5').size()      {bare:8.4f} s")
    print(f"(b) workforce.representation(people, population)  {whole:8.4f} s")
    print(f"(c) ... by='band_group'                          {split:8.4f} s")
    print(f"\nrepresentation / groupby size  {ratio:6.2f}  (goal <= 3: {'met' if ratio <= 3 else 'NOT met'})")
    results = {"rows": args.rows, "repeat": args.repeat, "seconds": {"groupby_size": bare, "representation": whole,
               "representation_by_band_group": split}, "ratio": ratio, "goal_met": ratio <= 3,
               "versions": {"workforce": workforce.__version__, "pandas": pd.__version__, "numpy": np.__version__},
               "machine": platform.platform(), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    out = Path(__file__).with_name("results_representation.json")
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
