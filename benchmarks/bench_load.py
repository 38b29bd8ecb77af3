"""How fast does ``workforce.load_staff`` read a large export, as xlsx, parquet and CSV?

Usage::

    python benchmarks/bench_load.py                       # every format, both exports, 5 rounds
    python benchmarks/bench_load.py --formats xlsx        # the xlsx row only (100,000 rows)
    python benchmarks/bench_load.py --formats parquet csv --rows 100000 500000
    python benchmarks/bench_load.py --rows 20000 --rounds 3 --results /tmp/results.json   # a quick try

Two exports: the package's own fictional ESR export (``tools.synthetic.people``,
written as a report by ``tools.synthetic.xlsx``), and a second one shaped unlike
it by an independent generator (``benchmarks/second_export.py``: other column
order and header spellings, extra columns, every cell text).  Each is written
as xlsx, and as parquet (``DataFrame.to_parquet``) and CSV (``to_csv``) with
the date in the file name; the files are cached in ``benchmarks/_data/``
(git-ignored).

``workforce.load_staff(path)`` is timed against a baseline read of the same
file: for xlsx, fastexcel's read of the sheet (told where the header is) made
into a pandas frame; for parquet ``pandas.read_parquet(path)``; for CSV
``pandas.read_csv(path)``.  The two run in interleaved rounds (one warm-up each,
then ``--rounds`` rounds, alternating which goes first), and the median of the
per-round ratios counts, for wall time and for CPU time.  For parquet and CSV,
the peak memory ``load_staff`` adds is measured in a fresh process and compared
with the size of the baseline's frame (``memory_usage(deep=True)``).

Goals: ``load_staff`` within 1.3 times the fastexcel read (xlsx) and within 3
times ``read_parquet`` and ``read_csv``, on wall and CPU time; on CSV, peak
memory within 3 times the raw frame.  Results are printed and merged into
``benchmarks/results.json`` (a section per format).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from _timing import Rounds, interleaved, machine, merge_results, peak_memory, print_rounds  # benchmarks/_timing.py

HERE = Path(__file__).resolve().parent
CACHE = HERE / "_data"
RESULTS = HERE / "results.json"
SEED = 20250331
CENSUS = date(2025, 3, 31)
#: Columns left out of the benchmark file (names and religion: not needed by the loader).
DROPPED = ("First Name", "Last Name", "Religious Belief")
#: Goals: load_staff over the fastexcel read (xlsx); over read_parquet / read_csv; CSV peak memory over the frame.
GOAL_LOAD_VS_FAST = 1.3
GOAL_LOAD_VS_TABLE = 3.0
GOAL_CSV_MEMORY = 3.0
#: The older goal, checked when the openpyxl reader is timed (``--readers``).
GOAL_OPENPYXL_VS_LOAD = 10.0
FORMATS = ("xlsx", "parquet", "csv")
DEFAULT_ROWS = {"xlsx": [100_000], "parquet": [100_000, 500_000], "csv": [100_000, 500_000]}
#: Rows of the small file of the same shape and format that warms up the process measuring memory.
WARM_ROWS = 2_000

if TYPE_CHECKING:
    import pandas as pd

SHAPES = {"esr": "the package's fictional ESR export (tools.synthetic)",
          "second": "a second export: other column order and headers, 10 extra columns, text cells "
                    "(benchmarks/second_export.py)"}


def export_file(rows: int, *, refresh: bool = False, shape: str = "esr") -> tuple[Path, dict]:
    """The cached xlsx benchmark export and its layout (sheet name, header row), writing it if needed."""
    import json

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
    from tools.synthetic import xlsx  # the repository's generator (found through _timing)

    started = time.perf_counter()
    frame = esr_frame(rows)
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


def esr_frame(rows: int) -> pd.DataFrame:
    """The package's fictional ESR export as a frame: the rows of the xlsx benchmark file."""
    from tools.synthetic import people

    return people.generate_export(rows, seed=SEED, snapshot=CENSUS).drop(columns=list(DROPPED))


def table_file(rows: int, fmt: str, *, shape: str = "esr", refresh: bool = False) -> Path:
    """The cached parquet or CSV benchmark export, writing it if needed.

    The same rows as the xlsx file of that shape, written by
    ``DataFrame.to_parquet`` or ``DataFrame.to_csv(index=False)``; the snapshot
    date is in the file name (there is no title row to hold it).
    """
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"no table format {fmt!r}")
    stem = "esr_staff_in_post" if shape == "esr" else "second_export"
    path = CACHE / f"{stem}_{rows}_{CENSUS.isoformat()}.{fmt}"
    if path.exists() and not refresh:
        return path
    CACHE.mkdir(exist_ok=True)
    if shape == "second":
        import second_export  # benchmarks/second_export.py

        frame = second_export.frame(rows)
    else:
        frame = esr_frame(rows)
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    print(f"wrote {path.relative_to(HERE.parent)}: {rows:,} rows x {len(frame.columns)} columns, "
          f"{path.stat().st_size / 1e6:.1f} MB")
    return path


def _load_staff() -> Callable | None:
    """``workforce.load_staff``, or ``None`` (with a message) when the package cannot give it."""
    try:
        import workforce

        return workforce.load_staff
    except Exception as error:  # the package is mid-edit: still time the rest
        print(f"load_staff not available ({type(error).__name__}: {error})")
        return None


def readers(path: Path, meta: dict) -> dict[str, Callable[[], object] | None]:
    """The four ways of reading the xlsx file; ``None`` where a reader is not available."""
    import fastexcel
    import pandas as pd

    sheet, header = meta["sheet"], meta["header_row"]
    load_staff = _load_staff()
    return {
        "fastexcel": lambda: fastexcel.read_excel(path).load_sheet(sheet, header_row=header).to_pandas(),
        "load_staff": (lambda: load_staff(path)) if load_staff is not None else None,
        "pandas_openpyxl": lambda: pd.read_excel(path, sheet_name=sheet, header=header, engine="openpyxl"),
        "pandas_calamine": lambda: pd.read_excel(path, sheet_name=sheet, header=header, engine="calamine"),
    }


LABELS = {
    "fastexcel": "(a) fastexcel read_excel().load_sheet().to_pandas()",
    "load_staff": "(b) workforce.load_staff(path)",
    "pandas_openpyxl": "(c) pandas.read_excel(engine='openpyxl')",
    "pandas_calamine": "(d) pandas.read_excel(engine='calamine')",
    "read_parquet": "(a) pandas.read_parquet(path)",
    "read_csv": "(a) pandas.read_csv(path)",
}


def versions() -> dict[str, str]:
    """Versions of Python and of the packages timed."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("pandas", "numpy", "pyarrow", "openpyxl", "fastexcel", "python-calamine", "workforce"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _print_rounds(title: str, rounds: Rounds, goal: float | None) -> None:
    """The medians of a set of rounds, as a table, and whether the goal is met."""
    print(f"\n{title}")
    print_rounds(rounds, LABELS, width=56)
    if goal is not None and "load_staff" in rounds.wall:
        met = [rounds.median_ratio("load_staff", c) <= goal for c in ("wall", "cpu")]
        print(f"goal load_staff / {rounds.baseline} <= {goal}: wall {'met' if met[0] else 'NOT met'}, "
              f"CPU {'met' if met[1] else 'NOT met'}")


def _entry(shape: str, path: Path, rows: int, columns: int, chosen, rounds, goal: float, before: dict,
           after: dict) -> dict[str, Any]:
    """The results of one export's rounds, as written to the results file."""
    return {
        "export": SHAPES[shape],
        "file": str(path.relative_to(HERE.parent)),
        "rows": rows,
        "columns": columns,
        "file_megabytes": round(path.stat().st_size / 1e6, 2),
        "timed": {name: LABELS[name] for name in chosen},
        **rounds.as_dict(),
        "goal": goal,
        "goal_met": _goal_met(rounds, goal),
        "machine_before": before,
        "machine_after": after,
    }


def _goal_met(rounds: Rounds, goal: float) -> dict[str, bool] | None:
    if "load_staff" not in rounds.wall:
        return None
    return {c: rounds.median_ratio("load_staff", c) <= goal for c in ("wall", "cpu")}


def time_xlsx(shape: str, rows: int, n_rounds: int, wanted: list[str], refresh: bool) -> dict[str, Any]:
    """Time the readers of one xlsx export against fastexcel; print and return its figures."""
    path, meta = export_file(rows, refresh=refresh, shape=shape)
    chosen = {name: func for name, func in readers(path, meta).items()
              if func is not None and (name in wanted or name == "fastexcel")}
    before = machine()
    rounds = interleaved(chosen, n_rounds, baseline="fastexcel", progress=f"xlsx {shape} {rows:,}")
    after = machine()
    _print_rounds(f"[xlsx, {shape}] {SHAPES[shape]}: {meta['rows']:,} rows x {meta['columns']} columns",
                  rounds, GOAL_LOAD_VS_FAST)
    entry = _entry(shape, path, meta["rows"], meta["columns"], chosen, rounds, GOAL_LOAD_VS_FAST, before, after)
    if "pandas_openpyxl" in chosen and "load_staff" in chosen:
        ratio = rounds.median_seconds("pandas_openpyxl") / rounds.median_seconds("load_staff")
        entry["pandas_openpyxl / load_staff"] = round(ratio, 2)
        entry["pandas_openpyxl / load_staff goal met"] = ratio >= GOAL_OPENPYXL_VS_LOAD
        print(f"pandas openpyxl / load_staff {ratio:.2f} (goal >= {GOAL_OPENPYXL_VS_LOAD}, medians of wall time)")
    return entry


def time_table(fmt: str, shape: str, rows: int, n_rounds: int, *, refresh: bool, memory: bool) -> dict[str, Any]:
    """Time ``load_staff`` on one parquet or CSV export against pandas' reader; print and return its figures."""
    import pandas as pd

    path = table_file(rows, fmt, shape=shape, refresh=refresh)
    reader_name = f"read_{fmt}"
    reader = pd.read_parquet if fmt == "parquet" else pd.read_csv
    chosen: dict[str, Callable[[], object]] = {reader_name: lambda: reader(path)}
    load_staff = _load_staff()
    if load_staff is not None:
        chosen["load_staff"] = lambda: load_staff(path)
    raw = reader(path)
    raw_mib = float(raw.memory_usage(deep=True).sum()) / 2**20
    columns = len(raw.columns)
    del raw
    before = machine()
    rounds = interleaved(chosen, n_rounds, baseline=reader_name, progress=f"{fmt} {shape} {rows:,}")
    after = machine()
    _print_rounds(f"[{fmt}, {shape}] {SHAPES[shape]}: {rows:,} rows x {columns} columns", rounds, GOAL_LOAD_VS_TABLE)
    entry = _entry(shape, path, rows, columns, chosen, rounds, GOAL_LOAD_VS_TABLE, before, after)
    if memory and load_staff is not None:
        warm = table_file(WARM_ROWS, fmt, shape=shape)
        read = "read_parquet" if fmt == "parquet" else "read_csv"
        print(f"  [{fmt} {shape} {rows:,}] peak memory, each in a fresh process ...", flush=True)
        found: dict[str, Any] = {
            "raw_frame_mib": round(raw_mib, 1),
            reader_name: peak_memory(f"import pandas as pd\npd.{read}({str(warm)!r})",
                                     f"import pandas as pd\nresult = pd.{read}({str(path)!r})"),
            "load_staff": peak_memory(f"import workforce\nworkforce.load_staff({str(warm)!r})",
                                      f"result = workforce.load_staff({str(path)!r})"),
        }
        for name in (reader_name, "load_staff"):
            added = found[name]["added"]
            found[f"{name} added / raw frame"] = None if added is None else round(added / raw_mib, 2)
        ratio = found["load_staff added / raw frame"]
        print(f"  raw frame {raw_mib:.0f} MiB; peak added by {reader_name} {found[reader_name]['added']} MiB, "
              f"by load_staff {found['load_staff']['added']} MiB = {ratio} x the raw frame"
              + (f" (goal <= {GOAL_CSV_MEMORY}: {'met' if ratio is not None and ratio <= GOAL_CSV_MEMORY else 'NOT met'})"
                 if fmt == "csv" else ""))
        if fmt == "csv":
            found["goal"] = GOAL_CSV_MEMORY
            found["goal_met"] = None if ratio is None else ratio <= GOAL_CSV_MEMORY
        entry["memory"] = found
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS),
                        help="which formats (default all three)")
    parser.add_argument("--rows", type=int, nargs="+",
                        help="rows in the export (default 100,000 for xlsx; 100,000 and 500,000 for parquet and CSV)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after one warm-up (default 5)")
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both", help="which export (default both)")
    parser.add_argument("--readers", nargs="+", choices=[n for n in LABELS if not n.startswith("read_")],
                        default=["fastexcel", "load_staff"],
                        help="xlsx readers to time (default fastexcel and load_staff; openpyxl takes minutes)")
    parser.add_argument("--no-memory", action="store_true", help="do not measure peak memory (parquet, CSV)")
    parser.add_argument("--refresh", action="store_true", help="write the cached exports again")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"results file (default {RESULTS.name})")
    args = parser.parse_args(argv)
    if args.rounds < 1 or (args.rows and min(args.rows) < 1):
        parser.error("--rows and --rounds must be at least 1")
    shapes = list(SHAPES) if args.shape == "both" else [args.shape]
    summary = []
    for fmt in args.formats:
        goals = {"xlsx": {"load_staff / fastexcel <=": GOAL_LOAD_VS_FAST},
                 "parquet": {"load_staff / read_parquet <=": GOAL_LOAD_VS_TABLE},
                 "csv": {"load_staff / read_csv <=": GOAL_LOAD_VS_TABLE,
                         "load_staff peak memory added / raw frame <=": GOAL_CSV_MEMORY}}[fmt]
        for shape in shapes:
            for rows in args.rows or DEFAULT_ROWS[fmt]:
                if fmt == "xlsx":
                    entry = time_xlsx(shape, rows, args.rounds, args.readers, args.refresh)
                else:
                    entry = time_table(fmt, shape, rows, args.rounds, refresh=args.refresh,
                                       memory=not args.no_memory)
                merge_results(args.results, {fmt: {"goals": goals, "versions": versions(),
                                                   "exports": {shape: {str(rows): entry}}}},
                              depth=4, drop=("exports", "goals", "versions", "machine", "run_at"))
                ratios = entry.get("median_ratios", {}).get("load_staff")
                memory = entry.get("memory", {}).get("load_staff added / raw frame")
                summary.append(f"{fmt:<8} {shape:<7} {rows:>9,}  "
                               + ("load_staff n/a" if ratios is None else
                                  f"wall {ratios['wall']:5.2f}  CPU {ratios['cpu']:5.2f}  (goal {entry['goal']})")
                               + ("" if memory is None else f"  memory {memory:.2f} x the raw frame"))
    print("\nload_staff / baseline, medians of interleaved rounds")
    print("\n".join(summary))
    print(f"\nwrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
