"""How fast does ``workforce.load_staff`` read a large ESR export?

Usage::

    python benchmarks/bench_load.py              # both exports, 100,000 rows, best of 3
    python benchmarks/bench_load.py --rows 20000 --repeat 5
    python benchmarks/bench_load.py --shape second --readers fastexcel load_staff

Two exports are timed: the package's own fictional ESR export
(``tools.synthetic.people``, written by ``tools.synthetic.xlsx``), and a
second one shaped unlike it by an independent generator
(``benchmarks/second_export.py``: other column order and header spellings,
extra columns, text dates).  The first run writes them to
``benchmarks/_data/`` (git-ignored) and reuses them afterwards.  Each reader is run once to warm up, then
``--repeat`` times; the best time counts.  Results are printed and written
to ``benchmarks/results.json``.

Goals: ``load_staff`` within 1.5x of the raw fastexcel read that it builds on,
and at least 10x faster than ``pandas.read_excel`` with openpyxl.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path

from _timing import best_time  # benchmarks/_timing.py

HERE = Path(__file__).resolve().parent
CACHE = HERE / "_data"
RESULTS = HERE / "results.json"
SEED = 20250331
CENSUS = date(2025, 3, 31)
#: Columns left out of the benchmark file (names and religion: not needed by the loader).
DROPPED = ("First Name", "Last Name", "Religious Belief")
GOAL_LOAD_VS_FAST = 1.5
GOAL_OPENPYXL_VS_LOAD = 10.0


SHAPES = {"esr": "the package's fictional ESR export (tools.synthetic)",
          "second": "a second export: other column order and headers, 10 extra columns, text dates "
                    "(benchmarks/second_export.py)"}


def export_file(rows: int, *, refresh: bool = False, shape: str = "esr") -> tuple[Path, dict]:
    """The cached benchmark export and its layout (sheet name, header row), writing it if needed."""
    path = CACHE / (f"esr_staff_in_post_{rows}.xlsx" if shape == "esr" else f"second_export_{rows}.xlsx")
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists() and not refresh:
        return path, json.loads(meta_path.read_text())
    CACHE.mkdir(exist_ok=True)
    if shape == "second":
        import second_export  # benchmarks/second_export.py

        started = time.perf_counter()
        meta = second_export.write(path, rows)
        meta["write_seconds"] = round(time.perf_counter() - started, 2)
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")
        print(f"wrote {path.relative_to(HERE.parent)}: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
        return path, meta
    from tools.synthetic import people, xlsx  # the repository's generator (found through _timing)

    started = time.perf_counter()
    frame = people.generate_export(rows, seed=SEED, snapshot=CENSUS).drop(columns=list(DROPPED))
    generated = time.perf_counter() - started
    layout = xlsx.write_esr_xlsx(frame, path, as_at=CENSUS, dates_as="date")
    meta = {
        "sheet": layout.sheet,
        "header_row": layout.header_row,
        "rows": layout.n_rows,
        "columns": len(frame.columns),
        "seed": SEED,
        "generate_seconds": round(generated, 2),
        "write_seconds": round(time.perf_counter() - started - generated, 2),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {path.relative_to(HERE.parent)}: {rows:,} rows x {len(frame.columns)} columns, "
          f"{path.stat().st_size / 1e6:.1f} MB (generated in {meta['generate_seconds']} s, "
          f"written in {meta['write_seconds']} s)")  # fmt: skip
    return path, meta



def readers(path: Path, meta: dict) -> dict[str, Callable[[], object] | None]:
    """The four ways of reading the file; ``None`` where a reader is not available."""
    import fastexcel
    import pandas as pd

    sheet, header = meta["sheet"], meta["header_row"]
    try:
        import workforce

        load_staff = getattr(workforce, "load_staff", None)
    except Exception as error:  # the package is mid-edit: still time the rest
        print(f"workforce could not be imported ({type(error).__name__}: {error})")
        load_staff = None
    if load_staff is None:
        print("load_staff not available")
    return {
        "fastexcel": lambda: fastexcel.read_excel(path).load_sheet(sheet, header_row=header).to_pandas(),
        "load_staff": (lambda: load_staff(path)) if load_staff is not None else None,
        "pandas_openpyxl": lambda: pd.read_excel(path, sheet_name=sheet, header=header, engine="openpyxl"),
        "pandas_calamine": lambda: pd.read_excel(path, sheet_name=sheet, header=header, engine="calamine"),
    }


LABELS = {
    "fastexcel": "(a) fastexcel read_excel().load_sheet().to_pandas()",
    "load_staff": "(b) workforce.load_staff()",
    "pandas_openpyxl": "(c) pandas.read_excel(engine='openpyxl')",
    "pandas_calamine": "(d) pandas.read_excel(engine='calamine')",
}


def versions() -> dict[str, str]:
    """Versions of Python and of the packages timed."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("pandas", "numpy", "openpyxl", "fastexcel", "python-calamine", "workforce"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def time_shape(shape: str, rows: int, repeat: int, wanted: list[str], refresh: bool) -> dict:
    """Time the readers on one export; print and return its figures."""
    path, meta = export_file(rows, refresh=refresh, shape=shape)
    seconds: dict[str, float | None] = {}
    for name, func in readers(path, meta).items():
        if name not in wanted:
            continue
        if func is None:
            seconds[name] = None
            continue
        print(f"[{shape}] timing {LABELS[name]} ...", flush=True)
        seconds[name] = best_time(func, repeat)

    def ratio(a: str, b: str) -> float | None:
        return seconds[a] / seconds[b] if seconds.get(a) and seconds.get(b) else None

    load_vs_fast = ratio("load_staff", "fastexcel")
    openpyxl_vs_load = ratio("pandas_openpyxl", "load_staff")
    print(f"\n[{shape}] {SHAPES[shape]}\n{meta['rows']:,} rows x {meta['columns']} columns, best of {repeat} "
          "after a warm-up\n")
    print(f"{'reader':<56} {'seconds':>9}")
    for name, value in seconds.items():
        print(f"{LABELS[name]:<56} {'n/a' if value is None else f'{value:9.3f}':>9}")
    print()
    for label, value, goal, sign in (
        ("load_staff / fastexcel", load_vs_fast, GOAL_LOAD_VS_FAST, "<="),
        ("pandas openpyxl / load_staff", openpyxl_vs_load, GOAL_OPENPYXL_VS_LOAD, ">="),
    ):
        if value is None:
            print(f"{label:<32} n/a (goal {sign} {goal})")
        else:
            met = value <= goal if sign == "<=" else value >= goal
            print(f"{label:<32} {value:6.2f}  (goal {sign} {goal}: {'met' if met else 'NOT met'})")
    ratios = {"pandas_openpyxl / fastexcel": ratio("pandas_openpyxl", "fastexcel"),
              "pandas_calamine / fastexcel": ratio("pandas_calamine", "fastexcel")}  # fmt: skip
    for label, value in ratios.items():
        if value is not None:
            print(f"{label:<32} {value:6.2f}")
    print()
    return {
        "export": SHAPES[shape],
        "file": str(path.relative_to(HERE.parent)),
        "rows": meta["rows"],
        "columns": meta["columns"],
        "file_megabytes": round(path.stat().st_size / 1e6, 2),
        "repeat": repeat,
        "seconds": {k: None if v is None else round(v, 4) for k, v in seconds.items()},
        "ratios": {
            "load_staff / fastexcel": None if load_vs_fast is None else round(load_vs_fast, 3),
            "pandas_openpyxl / load_staff": None if openpyxl_vs_load is None else round(openpyxl_vs_load, 2),
            **{k: None if v is None else round(v, 2) for k, v in ratios.items()},
        },
        "goals_met": {
            "load_staff / fastexcel": None if load_vs_fast is None else load_vs_fast <= GOAL_LOAD_VS_FAST,
            "pandas_openpyxl / load_staff": (
                None if openpyxl_vs_load is None else openpyxl_vs_load >= GOAL_OPENPYXL_VS_LOAD
            ),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the export (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats after one warm-up (default 3)")
    parser.add_argument("--refresh", action="store_true", help="write the cached exports again")
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both", help="which export (default both)")
    parser.add_argument("--readers", nargs="+", choices=list(LABELS), default=list(LABELS),
                        help="which readers to time (default all four)")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be at least 1")
    shapes = list(SHAPES) if args.shape == "both" else [args.shape]
    results = {
        "exports": {shape: time_shape(shape, args.rows, args.repeat, args.readers, args.refresh) for shape in shapes},
        "goals": {
            "load_staff / fastexcel <=": GOAL_LOAD_VS_FAST,
            "pandas_openpyxl / load_staff >=": GOAL_OPENPYXL_VS_LOAD,
        },
        "versions": versions(),
        "machine": {"platform": platform.platform(), "processor": platform.machine()},
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    for shape, figures in results["exports"].items():
        print(f"{shape:<8} load_staff / fastexcel = {figures['ratios']['load_staff / fastexcel']}")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
