"""National scale: load two parquet snapshots of 1.5 million people and analyse them.

Usage::

    python benchmarks/bench_national.py                   # 1,500,000 people, 5 rounds (needs a few GB)
    python benchmarks/bench_national.py --people 200000 --rounds 3 --results /tmp/national.json

The data set is ``benchmarks/national_data.py``'s: 200 fictional trusts, two
snapshots a year apart (31 March 2024 and 2025), each one parquet file holding
every trust, as an ICB or a national team would build it from ESR (written on
first use to ``benchmarks/_data/``).  At 1.5 million people it holds 3.2
million rows.  Timed in interleaved rounds (one warm-up each, then
``--rounds`` rounds, alternating the order), wall and CPU time:

(a) ``pandas.read_parquet`` of both files: the baseline;
(b) ``workforce.load_staff(paths)`` alone;
(c) the whole analysis: ``load_staff`` + ``representation`` against England's
    working-age population + ``ladder`` + ``progression_gaps`` + ``promotion``.
    The one-snapshot analyses are given both snapshots and use each
    organisation's latest, as their documentation says; ``promotion`` links the
    two.  The benchmark population, ``workforce.population("England")``, is made
    once beforehand (it is the same whatever the staff).

The median of the per-round ratios to (a) counts.  The peak memory (c) adds,
measured in a fresh process, is compared with the size of the raw frames
(``memory_usage(deep=True)`` of both files read by pandas).

Goals: (c) within 4 times (a); (c)'s peak memory within 2 times the raw frames.
Results are printed and written to ``benchmarks/results_national.json``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _timing import interleaved, machine, merge_results, peak_memory, print_rounds  # benchmarks/_timing.py
from bench_load import versions
from national_data import national_files

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results_national.json"
GOAL_ANALYSIS_VS_READ = 4.0
GOAL_MEMORY = 2.0
#: People of the small national data set that warms up the process measuring memory.
WARM_PEOPLE = 8_000
STEPS = ("load_staff", "representation", "ladder", "progression_gaps", "promotion")
LABELS = {
    "read_parquet": "(a) pandas.read_parquet, both files",
    "load_staff": "(b) workforce.load_staff(paths)",
    "analysis": "(c) load_staff + representation + ladder + gaps + promotion",
}


def whole_analysis(paths: Sequence[Path], benchmark: object, steps: dict[str, list] | None = None) -> tuple:
    """Load the snapshots and run the analyses (c); the times of each step go to ``steps`` when given.

    Returns the staff table and the four results, so that a caller measuring
    memory holds them.
    """
    import workforce

    def timed(name: str, func: Callable[..., Any], *args: object) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = func(*args)
        if steps is not None:
            steps.setdefault(name, []).append((time.perf_counter() - wall, time.process_time() - cpu))
        return result

    staff = timed("load_staff", workforce.load_staff, list(paths))
    results = (timed("representation", workforce.representation, staff, benchmark),
               timed("ladder", workforce.ladder, staff),
               timed("progression_gaps", workforce.progression_gaps, staff),
               timed("promotion", workforce.promotion, staff))
    return staff, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_500_000,
                        help="people in the first snapshot (default 1,500,000; 200000 for a quick try)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after one warm-up (default 5)")
    parser.add_argument("--no-memory", action="store_true", help="do not measure peak memory")
    parser.add_argument("--refresh", action="store_true", help="write the data set again")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"results file (default {RESULTS.name})")
    args = parser.parse_args(argv)
    if args.people < 1 or args.rounds < 1:
        parser.error("--people and --rounds must be at least 1")

    import pandas as pd

    import workforce

    paths = national_files(args.people, refresh=args.refresh)
    frames = [pd.read_parquet(p) for p in paths]
    rows = [len(f) for f in frames]
    raw_mib = float(sum(f.memory_usage(deep=True).sum() for f in frames)) / 2**20
    del frames
    started = time.perf_counter()
    benchmark = workforce.population("England")
    population_seconds = time.perf_counter() - started
    print(f"{args.people:,} people: {rows[0]:,} + {rows[1]:,} rows in {len(paths)} parquet files "
          f"({sum(p.stat().st_size for p in paths) / 2**20:.0f} MiB on disk, {raw_mib:.0f} MiB as pandas frames); "
          f"population('England') made in {population_seconds:.2f} s", flush=True)

    steps: dict[str, list] = {}
    before = machine()
    rounds = interleaved({"read_parquet": lambda: [pd.read_parquet(p) for p in paths],
                          "load_staff": lambda: workforce.load_staff(list(paths)),
                          "analysis": lambda: whole_analysis(paths, benchmark, steps)},
                         args.rounds, progress=f"national {args.people:,}")
    after = machine()
    steps = {name: times[1:] for name, times in steps.items()}  # the first was the warm-up
    step_medians = {name: {"wall": round(statistics.median(t[0] for t in times), 3),
                           "cpu": round(statistics.median(t[1] for t in times), 3)} for name, times in steps.items()}

    print()
    print_rounds(rounds, LABELS)
    print("\nsteps of (c), medians:")
    for name, medians in step_medians.items():
        print(f"  {name:<18} {medians['wall']:8.3f} s wall {medians['cpu']:8.3f} s CPU")
    met = {c: rounds.median_ratio("analysis", c) <= GOAL_ANALYSIS_VS_READ for c in ("wall", "cpu")}
    print(f"goal (c) / (a) <= {GOAL_ANALYSIS_VS_READ}: wall {'met' if met['wall'] else 'NOT met'}, "
          f"CPU {'met' if met['cpu'] else 'NOT met'}")

    results: dict[str, Any] = {
        "people": args.people,
        "rows": rows,
        "files": [str(p.relative_to(HERE.parent)) for p in paths],
        "file_megabytes": [round(p.stat().st_size / 1e6, 2) for p in paths],
        "raw_frames_mib": round(raw_mib, 1),
        "population": "workforce.population('England'): working age 16-64, made once before timing",
        "population_seconds": round(population_seconds, 3),
        "timed": LABELS,
        **rounds.as_dict(),
        "analysis_steps_median_seconds": step_medians,
        "goals": {"analysis / read_parquet <=": GOAL_ANALYSIS_VS_READ,
                  "analysis peak memory added / raw frames <=": GOAL_MEMORY},
        "goal_met": met,
        "machine_before": before,
        "machine_after": after,
        "versions": versions(),
    }
    if not args.no_memory:
        warm = [str(p) for p in national_files(WARM_PEOPLE)]
        files = [str(p) for p in paths]
        print("\npeak memory, each in a fresh process ...", flush=True)
        memory: dict[str, Any] = {
            "raw_frames_mib": round(raw_mib, 1),
            "read_parquet": peak_memory(f"import pandas as pd\n[pd.read_parquet(p) for p in {warm!r}]",
                                        f"result = [pd.read_parquet(p) for p in {files!r}]"),
            "analysis": peak_memory(
                "import workforce\nfrom bench_national import whole_analysis\n"
                f"benchmark = workforce.population('England')\nwhole_analysis({warm!r}, benchmark)",
                f"result = whole_analysis({files!r}, benchmark)"),
        }
        for name in ("read_parquet", "analysis"):
            added = memory[name]["added"]
            memory[f"{name} added / raw frames"] = None if added is None else round(added / raw_mib, 2)
        ratio = memory["analysis added / raw frames"]
        memory["goal_met"] = None if ratio is None else ratio <= GOAL_MEMORY
        results["memory"] = memory
        print(f"raw frames {raw_mib:.0f} MiB; peak added by (a) {memory['read_parquet']['added']} MiB, "
              f"by (c) {memory['analysis']['added']} MiB = {ratio} x the raw frames "
              f"(goal <= {GOAL_MEMORY}: {'met' if memory['goal_met'] else 'NOT met'}); "
              f"(c) still holds {memory['analysis']['held']} MiB after returning its tables")
    merge_results(args.results, {str(args.people): results})
    print(f"\nwrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
