"""How long does ``workforce report`` take on a large export, charts included?

Usage::

    python benchmarks/bench_report.py              # 100,000 rows, best of 3
    python benchmarks/bench_report.py --rows 20000 --repeat 5

Uses the cached fictional export of ``bench_load.py`` (written on first use
to ``benchmarks/_data/``).  Times, each best of ``--repeat`` after a warm-up:

(a) the raw fastexcel read of the file (the baseline);
(b) the board pack made in-process: ``workforce.load_staff`` (read, validate),
    ``workforce.population`` and ``workforce.publish.build_pack`` (compute every
    finding, suppress, draw and render every chart to SVG and PNG in the chart
    worker processes, write the page, the workbook and the manifest), which
    is what ``workforce report`` runs;
(c) the command itself, ``workforce report FILE --area Leicester --out DIR``,
    in a new process (adds the interpreter start and imports);
(d) the raw read as a command of its own (``python -c`` with fastexcel), so
    that (c) can also be compared like for like.

Goal: (c) / (a) within 3 (also printed: (c) / (d)).  Results are printed and written to
``benchmarks/results_report.json``, with the time spent in each step of (b).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from _timing import best_time  # benchmarks/_timing.py
from bench_load import export_file, versions

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results_report.json"
GOAL_REPORT_VS_FAST = 3.0
AREA = "Leicester"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the export (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats after one warm-up (default 3)")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be at least 1")

    import fastexcel

    path, meta = export_file(args.rows)
    work = Path(tempfile.mkdtemp(prefix="bench_report_"))
    try:
        def raw() -> object:
            return fastexcel.read_excel(path).load_sheet(meta["sheet"], header_row=meta["header_row"]).to_pandas()

        def in_process() -> object:
            return _in_process(path, work / "pack")

        command = [sys.executable, "-m", "workforce.cli", "report", str(path), "--area", AREA,
                   "--out", str(work / "pack_cli")]

        def cli() -> object:
            return subprocess.run(command, check=True, capture_output=True)

        raw_command = [sys.executable, "-c", "import sys, fastexcel; fastexcel.read_excel(sys.argv[1]).load_sheet("
                       "sys.argv[2], header_row=int(sys.argv[3])).to_pandas()", str(path), str(meta["sheet"]),
                       str(meta["header_row"])]

        def raw_cli() -> object:
            return subprocess.run(raw_command, check=True, capture_output=True)

        seconds = {}
        for name, func in (("fastexcel", raw), ("build_pack", in_process), ("workforce_report", cli),
                           ("fastexcel_command", raw_cli)):
            print(f"timing {name} ...", flush=True)
            seconds[name] = best_time(func, args.repeat)
        steps = _steps(path, work / "pack_steps")
        manifest = json.loads((work / "pack" / "manifest.json").read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ratios = {"build_pack / fastexcel": seconds["build_pack"] / seconds["fastexcel"],
              "workforce report / fastexcel": seconds["workforce_report"] / seconds["fastexcel"],
              "workforce report / fastexcel command": seconds["workforce_report"] / seconds["fastexcel_command"]}
    print(f"\n{meta['rows']:,} rows x {meta['columns']} columns; {len(manifest['charts'])} charts "
          f"(SVG and PNG each); best of {args.repeat} after a warm-up\n")
    for name, value in seconds.items():
        print(f"{name:<34} {value:8.3f} s")
    print()
    for label, value in ratios.items():
        goal = (f"  (goal <= {GOAL_REPORT_VS_FAST}: {'met' if value <= GOAL_REPORT_VS_FAST else 'NOT met'})"
                if label == "workforce report / fastexcel" else "")
        print(f"{label:<38} {value:6.2f}{goal}")
    print("\nsteps of one in-process run:")
    for label, value in steps.items():
        print(f"  {label:<40} {value:7.3f} s")

    results = {
        "file": str(path.relative_to(HERE.parent)),
        "rows": meta["rows"],
        "columns": meta["columns"],
        "area": AREA,
        "charts": len(manifest["charts"]),
        "repeat": args.repeat,
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "goal": {"workforce report / fastexcel <=": GOAL_REPORT_VS_FAST},
        "goal_met": ratios["workforce report / fastexcel"] <= GOAL_REPORT_VS_FAST,
        "steps_seconds": {k: round(v, 4) for k, v in steps.items()},
        "versions": versions(),
        "machine": {"platform": platform.platform(), "processor": platform.machine(),
                    "cpus": __import__("os").cpu_count()},
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(HERE.parent)}")
    return 0


def _in_process(path: Path, out: Path, marks: list | None = None) -> Path:
    """What ``workforce report FILE --area AREA`` does, in this process: load, benchmark, pack."""
    from workforce import load_staff, population
    from workforce.publish import Renderer, build_pack

    renderer = Renderer()
    staff = load_staff(path)
    benchmark = population(AREA)
    if marks is not None:
        marks.append(("staff loaded, benchmark made", time.perf_counter()))
    return build_pack(staff, out=out, benchmarks=benchmark, renderer=renderer, progress=False)


def _steps(path: Path, out: Path) -> dict[str, float]:
    """The time of each progress step of one in-process run (the pack's own progress hook)."""
    from workforce.publish import _pack

    marks: list[tuple[str, float]] = []
    original = _pack._Progress.step

    def step(self, words: str) -> None:
        marks.append((words, time.perf_counter()))
        original(self, words)

    _pack._Progress.step = step
    try:
        started = time.perf_counter()
        _in_process(path, out, marks)
    finally:
        _pack._Progress.step = original
    out_steps, last = {}, started
    for words, when in marks:
        out_steps[words] = when - last
        last = when
    out_steps["total"] = last - started
    return out_steps


if __name__ == "__main__":
    sys.exit(main())
