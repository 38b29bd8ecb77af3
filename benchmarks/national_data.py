"""A fictional national data set: 200 trusts, two snapshots a year apart, as parquet exports.

Usage::

    python benchmarks/national_data.py                  # 1,500,000 people, writes benchmarks/_data/national_*
    python benchmarks/national_data.py --people 200000

Each trust is simulated by ``tools.synthetic.people.generate_trust`` with its own seed, size and
staff mix (one in four community trusts, one in five writing band 8 as "Band 8 - Range A"), so
leavers, joiners and promotions carry over between the two snapshots as they do in ESR.  Trust
sizes follow a skewed distribution (the smallest about a tenth of the largest), scaled so that
the first snapshot holds ``--people`` people in all.  Employee numbers are made unique across
trusts (a prefix per trust), as ESR's are.  Names are dropped (the loader never reads them).

Each snapshot is written as one parquet file holding every trust (``Organisation`` says which),
with the export's own column names and types: text as strings, Contracted WTE as a float, the
dates as dates.  That is what an ICB or a national team would build from ESR, and the shape
``load_staff`` reads on its fast path.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import REPOSITORY  # noqa: F401  # puts the repository root on sys.path, for tools.synthetic

HERE = Path(__file__).resolve().parent
CACHE = HERE / "_data"
SEED = 20261204
SNAPSHOTS = (date(2024, 3, 31), date(2025, 3, 31))
N_TRUSTS = 200
#: Columns the generator writes that no loader reads (and that a national extract would not hold).
DROPPED = ("First Name", "Last Name")


def trust_sizes(people: int, trusts: int = N_TRUSTS, *, seed: int = SEED) -> np.ndarray:
    """People per trust at the first snapshot: a skewed spread summing to ``people``."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(mean=0.0, sigma=0.6, size=trusts)
    sizes = np.floor(weights / weights.sum() * people).astype(int)
    sizes[: people - sizes.sum()] += 1
    return sizes


def national_frames(people: int = 1_500_000, trusts: int = N_TRUSTS, *, seed: int = SEED) -> list[pd.DataFrame]:
    """One frame per snapshot, every trust's rows stacked (see the module docstring)."""
    from tools.synthetic.people import generate_trust

    parts: dict[date, list[pd.DataFrame]] = {d: [] for d in SNAPSHOTS}
    for i, n in enumerate(trust_sizes(people, trusts, seed=seed)):
        frames = generate_trust(int(max(n, 40)), seed=seed + i, snapshot_dates=SNAPSHOTS,
                                organisation=f"Trust {i + 1:03d} NHS Foundation Trust",
                                profile="community" if i % 4 == 3 else "acute",
                                band8_style="range" if i % 5 == 4 else "letter")
        for when, frame in frames.items():
            frame = frame.drop(columns=list(DROPPED))
            prefix = f"{i + 1:03d}"
            frame["Employee Number"] = prefix + frame["Employee Number"].astype("str")
            frame["Assignment Number"] = prefix + frame["Assignment Number"].astype("str")
            parts[when].append(frame)
    return [pd.concat(parts[d], ignore_index=True) for d in SNAPSHOTS]


def national_files(people: int = 1_500_000, *, refresh: bool = False) -> list[Path]:
    """The cached parquet files of the national data set, written if needed."""
    paths = [CACHE / f"national_{people}_{d.isoformat()}.parquet" for d in SNAPSHOTS]
    if all(p.exists() for p in paths) and not refresh:
        return paths
    CACHE.mkdir(exist_ok=True)
    started = time.perf_counter()
    for path, frame in zip(paths, national_frames(people)):
        frame.to_parquet(path, index=False)
    meta = {"people": people, "trusts": N_TRUSTS, "seed": SEED, "seconds_to_write": time.perf_counter() - started,
            "rows": [len(pd.read_parquet(p, columns=["Employee Number"])) for p in paths]}
    paths[0].with_name(f"national_{people}.json").write_text(json.dumps(meta, indent=2))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_500_000, help="people at the first snapshot")
    parser.add_argument("--refresh", action="store_true", help="write the files again")
    args = parser.parse_args(argv)
    for path in national_files(args.people, refresh=args.refresh):
        print(path, f"{path.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
