"""What does ``workforce report`` cost, wall and CPU, against reading the export?

Usage::

    python benchmarks/bench_report.py                    # both exports, 100,000 rows, 5 rounds
    python benchmarks/bench_report.py --shape one --rounds 9
    python benchmarks/bench_report.py --tree before=/tmp/old_checkout   # another source tree's command too

Two exports, written on first use to ``benchmarks/_data/`` and reused:

* ``one``: one trust, the cached export of ``bench_load.py`` (about 94,000
  people in 100,000 rows);
* ``four``: four organisations in one export, 25,000 rows each
  (:func:`tools.synthetic.people.generate_export` for each organisation, seeds
  ``SEED`` to ``SEED + 3``, concatenated and written as ``bench_load.py``
  writes its export).

Each is timed in interleaved rounds of commands, each a new process, with
``--area Leicester``: in every round the baseline, the raw fastexcel read as a
command of its own (``python -c``: read the sheet, make the pandas frame),
then ``workforce report FILE --area Leicester --out DIR`` (and, with
``--tree NAME=PATH``, the same command run from another source tree through
``PYTHONPATH``, such as a checkout of an earlier commit); the order is
reversed in odd rounds.  The commands run with Python's bytecode cache on
(:func:`environment`), as an installed package has it.  Wall time is measured around the process; CPU time
is the growth of ``getrusage(RUSAGE_CHILDREN)`` (user and system) over it:
the command's process with every thread, and every process it waited for.
The pack waits for its two chart workers (the Vega and PNG processes) before
it ends, so their CPU time is counted too.  The ratio to the baseline is
taken round by round, then the median over the rounds.

Goals (issue 16): ``workforce report`` within 2 times the baseline's CPU time
on the one-trust export, within 3 times on the four-organisation export.

Then one run in this process: ``workforce.load_staff``, ``workforce.population``
and ``workforce.publish.build_pack`` (with the worker renderer), and the
time of each of its steps, wall and CPU (this process's CPU: the workers'
own time is not in the steps).

Results are printed and written to ``benchmarks/results_report.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from _timing import Rounds, machine, print_rounds  # benchmarks/_timing.py
from bench_load import CACHE, CENSUS, DROPPED, SEED, export_file, versions

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results_report.json"
AREA = "Leicester"
GOALS = {"one": 2.0, "four": 3.0}   # workforce report / fastexcel command, CPU time (medians of the rounds)
SHAPES = {"one": "one trust (bench_load.py's export)",
          "four": "four organisations in one export, a quarter of the rows each"}
#: The organisations of the four-organisation export (fictional).
ORGANISATIONS = ("Soar Valley Hospitals NHS Trust", "Rutland Vale Healthcare NHS Trust",
                 "Charnwood Community NHS Trust", "Wreake Valley Partnership NHS Trust")
RAW_READ = ("import sys, fastexcel; fastexcel.read_excel(sys.argv[1]).load_sheet(sys.argv[2], "
            "header_row=int(sys.argv[3])).to_pandas()")
LABELS = {"fastexcel_command": "fastexcel read, as a command (the baseline)",
          "workforce_report": "workforce report FILE --area Leicester --out DIR"}


def four_organisations_file(rows: int, *, refresh: bool = False) -> tuple[Path, dict]:
    """The cached export of four organisations (``rows`` in all) and its layout, writing it if needed."""
    path = CACHE / f"four_organisations_{rows}.xlsx"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists() and not refresh:
        return path, json.loads(meta_path.read_text())
    import pandas as pd

    from tools.synthetic import people, xlsx  # the repository's generator (found through _timing)

    CACHE.mkdir(exist_ok=True)
    started = time.perf_counter()
    frames = [people.generate_export(rows // 4 + (i < rows % 4), seed=SEED + i, snapshot=CENSUS, organisation=org)
              for i, org in enumerate(ORGANISATIONS)]
    frame = pd.concat(frames, ignore_index=True).drop(columns=list(DROPPED))
    generated = time.perf_counter() - started
    layout = xlsx.write_esr_xlsx(frame, path, as_at=CENSUS, dates_as="date")
    meta = {"sheet": layout.sheet, "header_row": layout.header_row, "rows": layout.n_rows,
            "columns": len(frame.columns), "organisations": list(ORGANISATIONS),
            "seeds": [SEED + i for i in range(len(ORGANISATIONS))], "generate_seconds": round(generated, 2),
            "write_seconds": round(time.perf_counter() - started - generated, 2)}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {path.relative_to(HERE.parent)}: {rows:,} rows of {len(ORGANISATIONS)} organisations, "
          f"{path.stat().st_size / 1e6:.1f} MB")
    return path, meta


def _children_cpu() -> tuple[float, float]:
    """CPU time (user and system, and user alone) of every child process that has ended and been waited for."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime, used.ru_utime


def _run(command: Sequence[str], env: Mapping[str, str] | None = None, out: Path | None = None) -> tuple[float, ...]:
    """Run ``command`` to its end: (wall, CPU, user CPU) in seconds, the CPU of it and of what it waited for.

    It runs in the temporary folder, not in the repository: ``python -m`` puts
    the working folder first on the path, where it would find this
    checkout's ``workforce`` before the one ``PYTHONPATH`` names (``--tree``).
    """
    if out is not None:
        shutil.rmtree(out, ignore_errors=True)   # a new pack each time (not timed)
    cpu, user = _children_cpu()
    wall = time.perf_counter()
    done = subprocess.run(command, env=None if env is None else dict(env), capture_output=True, text=True,
                          cwd=tempfile.gettempdir())
    wall = time.perf_counter() - wall
    cpu_after, user_after = _children_cpu()
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} ... failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, cpu_after - cpu, user_after - user


def environment() -> dict[str, str]:
    """The commands' environment: this one's, with Python's bytecode cache on (in ``benchmarks/_data/pycache``).

    An installed package has its modules compiled; a source tree run with
    ``PYTHONDONTWRITEBYTECODE`` (as on some servers) would compile the
    package's modules again in every command, about 0.4 s of CPU.  The
    untimed first run of each command fills the cache.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def commands(path: Path, meta: dict, work: Path, trees: Mapping[str, str]) -> dict[str, tuple[list[str], dict | None,
                                                                                              Path | None]]:
    """Name -> (command, environment, pack folder) of the baseline and the candidates."""
    env = environment()
    report = ["-m", "workforce.cli", "report", str(path), "--area", AREA, "--out"]
    found: dict[str, tuple[list[str], dict | None, Path | None]] = {
        "fastexcel_command": ([sys.executable, "-c", RAW_READ, str(path), str(meta["sheet"]), str(meta["header_row"])],
                              env, None),
        "workforce_report": ([sys.executable, *report, str(work / "pack")], env, work / "pack"),
    }
    for name, tree in trees.items():
        tree_env = {**env, "PYTHONPATH": os.pathsep.join([tree, *filter(None, [env.get("PYTHONPATH")])])}
        found[f"workforce_report {name}"] = ([sys.executable, *report, str(work / f"pack_{name}")], tree_env,
                                             work / f"pack_{name}")
    return found


def imported_from(env: Mapping[str, str] | None) -> str:
    """The folder a command with this environment imports ``workforce`` from (to check that ``--tree`` works)."""
    done = subprocess.run([sys.executable, "-c", "import workforce; print(workforce.__file__)"], capture_output=True,
                          text=True, env=None if env is None else dict(env), cwd=tempfile.gettempdir())
    return str(Path(done.stdout.strip()).parent.parent) if done.returncode == 0 else f"not importable: {done.stderr}"


def interleaved_commands(runs: Mapping[str, tuple[list[str], dict | None, Path | None]], n_rounds: int,
                         label: str) -> Rounds:
    """Each command once untimed, then ``n_rounds`` rounds of all of them (reversed in odd rounds)."""
    names = list(runs)
    rounds = Rounds(baseline=names[0], wall={n: [] for n in names}, cpu={n: [] for n in names},
                    user={n: [] for n in names})
    for name in names:
        _run(*runs[name])
    for i in range(n_rounds):
        order = names if i % 2 == 0 else names[::-1]
        rounds.order.append(list(order))
        for name in order:
            wall, cpu, user = _run(*runs[name])
            rounds.wall[name].append(wall)
            rounds.cpu[name].append(cpu)
            rounds.user[name].append(user)
        print(f"  [{label}] round {i + 1}/{n_rounds}: "
              + ", ".join(f"{n} {rounds.wall[n][-1]:.2f} s wall, {rounds.cpu[n][-1]:.2f} s CPU" for n in names),
              flush=True)
    return rounds


def _in_process(path: Path, out: Path, marks: list | None = None) -> Path:
    """What ``workforce report FILE --area AREA`` does, in this process: load, benchmark, pack."""
    from workforce import load_staff, population
    from workforce.publish import Renderer, build_pack

    renderer = Renderer()
    staff = load_staff(path)
    benchmark = population(AREA)
    if marks is not None:
        marks.append(("staff loaded, benchmark made", time.perf_counter(), time.process_time()))
    return build_pack(staff, out=out, benchmarks=benchmark, renderer=renderer, progress=False)


def steps(path: Path, out: Path) -> dict[str, dict[str, float]]:
    """Wall and CPU time (this process) of each progress step of one in-process run (the pack's own progress hook)."""
    from workforce.publish import _pack

    marks: list[tuple[str, float, float]] = []
    original = _pack._Progress.step

    def step(self, words: str) -> None:
        marks.append((words, time.perf_counter(), time.process_time()))
        original(self, words)

    _pack._Progress.step = step  # type: ignore[method-assign]
    try:
        started = (time.perf_counter(), time.process_time())
        _in_process(path, out, marks)
    finally:
        _pack._Progress.step = original  # type: ignore[method-assign]
    found, last = {}, started
    for words, wall, cpu in marks:
        found[words] = {"wall": round(wall - last[0], 4), "cpu": round(cpu - last[1], 4)}
        last = (wall, cpu)
    found["total"] = {"wall": round(last[0] - started[0], 4), "cpu": round(last[1] - started[1], 4)}
    return found


def time_shape(shape: str, rows: int, n_rounds: int, trees: Mapping[str, str], refresh: bool) -> dict:
    """Time one export's commands in rounds, and the steps of one in-process run; print and return the figures."""
    path, meta = export_file(rows, refresh=refresh) if shape == "one" else four_organisations_file(rows,
                                                                                                  refresh=refresh)
    work = Path(tempfile.mkdtemp(prefix="bench_report_"))
    try:
        runs = commands(path, meta, work, trees)
        sources = {name: imported_from(env) for name, (_command, env, _out) in runs.items()
                   if name != "fastexcel_command"}
        for name, source in sources.items():
            print(f"{name}: workforce from {source}")
        before = machine()
        rounds = interleaved_commands(runs, n_rounds, f"{shape} {rows:,}")
        after = machine()
        charts = len(json.loads((work / "pack" / "manifest.json").read_text(encoding="utf-8"))["charts"])
        in_process = steps(path, work / "pack_steps")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    goal = GOALS[shape]
    print(f"\n[{shape}] {SHAPES[shape]}: {meta['rows']:,} rows x {meta['columns']} columns; {charts} charts "
          f"(SVG and PNG each)")
    print_rounds(rounds, LABELS, width=52)
    met = {clock: rounds.median_ratio("workforce_report", clock) <= goal for clock in ("wall", "cpu")}
    print(f"goal workforce report / fastexcel command <= {goal} (CPU): {'met' if met['cpu'] else 'NOT met'} "
          f"(wall: {'met' if met['wall'] else 'not met'})")
    print(f"load average before {before['load_average']}, after {after['load_average']}")
    print("\nsteps of one in-process run (this process's wall and CPU time, in seconds):")
    for label, value in in_process.items():
        print(f"  {label:<40} {value['wall']:7.3f} {value['cpu']:7.3f}")
    return {
        "export": SHAPES[shape],
        "file": str(path.relative_to(HERE.parent)),
        "rows": meta["rows"],
        "columns": meta["columns"],
        "area": AREA,
        "charts": charts,
        "trees": dict(trees),
        "workforce imported from": sources,
        "timed": {**LABELS, **{f"workforce_report {n}": f"workforce report, from {t}" for n, t in trees.items()}},
        **rounds.as_dict(),
        "goal": {"workforce report / fastexcel command, CPU <=": goal},
        "goal_met": met,
        "steps_seconds": in_process,
        "machine_before": before,
        "machine_after": after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in each export (default 100,000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after one warm-up (default 5)")
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both", help="which export (default both)")
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH",
                        help="also time the command of the source tree at PATH (through PYTHONPATH), as NAME")
    parser.add_argument("--refresh", action="store_true", help="write the cached exports again")
    args = parser.parse_args(argv)
    if args.rows < 4 or args.rounds < 1:
        parser.error("--rows must be at least 4 and --rounds at least 1")
    trees = {}
    for item in args.tree:
        name, sep, tree = item.partition("=")
        if not sep or not name or not Path(tree, "workforce", "__init__.py").is_file():
            parser.error(f"--tree {item!r}: give NAME=PATH, PATH a source tree holding workforce/")
        trees[name] = str(Path(tree).resolve())
    shapes = list(SHAPES) if args.shape == "both" else [args.shape]
    results = {"rounds": args.rounds, "shapes": {}, "versions": versions()}
    for shape in shapes:
        results["shapes"][shape] = time_shape(shape, args.rows, args.rounds, trees, args.refresh)
    try:
        previous = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        previous = {}
    if isinstance(previous, dict) and isinstance(previous.get("shapes"), dict):   # keep the other export's figures
        results["shapes"] = {**previous["shapes"], **results["shapes"]}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
