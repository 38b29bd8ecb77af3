"""Timing shared by the benchmarks, and the repository root on ``sys.path``.

The benchmarks are run as scripts (``python benchmarks/bench_load.py`` from the
repository root), so Python puts ``benchmarks/`` on the path, not the root.
Every benchmark imports this module first; it appends the root, so that the
development tooling (``tools.synthetic``, the fictional-data generator) can be
imported.  Appended, not prepended: an installed ``workforce`` still wins over
the source tree.

Three ways of measuring:

* :func:`best_time`: the best wall time of a few calls (the older benchmarks);
* :func:`interleaved`: a baseline and candidates run in turn, round after round,
  wall and CPU time, ratios to the baseline per round and their medians.  On a
  shared machine a slow spell hits every callable of a round alike, so the
  ratio of a round is steadier than any one time; CPU time
  (:func:`time.process_time`: every thread of this process, Arrow's and
  numpy's included, and nothing of other processes) is steadier still;
* :func:`peak_memory`: the peak resident memory one call adds, in a fresh
  Python process.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPOSITORY = str(HERE.parent)
if REPOSITORY not in sys.path:
    sys.path.append(REPOSITORY)


def best_time(func: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls, after one untimed warm-up call."""
    func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


@dataclass
class Rounds:
    """The times of :func:`interleaved`: per callable, per round, in seconds.

    Attributes
    ----------
    baseline : str
        The callable the others are compared with.
    wall, cpu : dict of str to list of float
        Wall time (:func:`time.perf_counter`) and CPU time of the process
        (:func:`time.process_time`: all its threads, in user and kernel mode)
        of each round.
    user : dict of str to list of float
        The part of ``cpu`` spent in user mode (``getrusage``), without the
        kernel's work (mostly page faults as memory is taken), which is the
        noisiest part on a virtual machine.
    order : list of list of str
        The order the callables ran in, round by round.
    """

    baseline: str
    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    user: dict[str, list[float]] = field(default_factory=dict)
    order: list[list[str]] = field(default_factory=list)

    def times(self, clock: str = "wall") -> dict[str, list[float]]:
        """The times on ``clock``: "wall", "cpu" or "user"."""
        return {"wall": self.wall, "cpu": self.cpu, "user": self.user}[clock]

    def ratios(self, name: str, clock: str = "wall") -> list[float]:
        """Round by round, ``name``'s time over the baseline's on ``clock`` ("wall", "cpu" or "user")."""
        times = self.times(clock)
        return [t / b if b > 0 else float("nan") for t, b in zip(times[name], times[self.baseline])]

    def median_ratio(self, name: str, clock: str = "wall") -> float:
        """The median of :meth:`ratios`."""
        return statistics.median(self.ratios(name, clock))

    def median_seconds(self, name: str, clock: str = "wall") -> float:
        """The median time of ``name`` on ``clock``."""
        return statistics.median(self.times(clock)[name])

    def as_dict(self, digits: int = 4) -> dict:
        """Everything, rounded, for a results file: times, ratios and medians."""
        def r(values: list[float]) -> list[float]:
            return [round(v, digits) for v in values]

        others = [n for n in self.wall if n != self.baseline]
        clocks = ("wall", "cpu", "user")
        return {
            "baseline": self.baseline,
            "rounds": len(self.order),
            "order": self.order,
            "seconds": {n: {c: r(self.times(c)[n]) for c in clocks} for n in self.wall},
            "median_seconds": {n: {c: round(self.median_seconds(n, c), digits) for c in clocks} for n in self.wall},
            "ratios": {n: {c: r(self.ratios(n, c)) for c in clocks} for n in others},
            "median_ratios": {n: {c: round(self.median_ratio(n, c), 3) for c in clocks} for n in others},
        }


def _user_time() -> float:
    """CPU time of the process in user mode (all threads), in seconds."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


def interleaved(callables: Mapping[str, Callable[[], object]], rounds: int, *, baseline: str | None = None,
                progress: str | None = None) -> Rounds:
    """Time callables in interleaved rounds, wall and CPU.

    Each callable runs once untimed (a warm-up), then ``rounds`` times: in each
    round every callable runs once, in the given order in even rounds and the
    reverse order in odd ones, so that neither always follows the other.  Wall
    time, CPU time and user-mode CPU time are measured (see :class:`Rounds`).  The
    result of a call is dropped and garbage collected before the next call
    starts (not timed).

    Parameters
    ----------
    callables : mapping of str to callable
        Named callables taking no argument.
    rounds : int
        Timed rounds (at least 1).
    baseline : str, optional
        The name the others are compared with (default: the first).
    progress : str, optional
        A label: when given, one line is printed per round.

    Returns
    -------
    Rounds
        The times of every round.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    names = list(callables)
    found = Rounds(baseline=names[0] if baseline is None else baseline,
                   wall={n: [] for n in names}, cpu={n: [] for n in names}, user={n: [] for n in names})
    for name in names:
        callables[name]()
        gc.collect()
    for i in range(rounds):
        order = names if i % 2 == 0 else names[::-1]
        found.order.append(list(order))
        for name in order:
            user = _user_time()
            wall, cpu = time.perf_counter(), time.process_time()
            result = callables[name]()
            found.cpu[name].append(time.process_time() - cpu)
            found.wall[name].append(time.perf_counter() - wall)
            found.user[name].append(_user_time() - user)
            del result
            gc.collect()
        if progress:
            print(f"  [{progress}] round {i + 1}/{rounds}: "
                  + ", ".join(f"{n} {found.wall[n][-1]:.3f} s" for n in names), flush=True)
    return found


def print_rounds(rounds: Rounds, labels: Mapping[str, str], width: int = 62) -> None:
    """Print the medians of :func:`interleaved`'s rounds: seconds, and ratios to the baseline."""
    print(f"{len(rounds.order)} interleaved rounds after a warm-up; medians (user: CPU in user mode)\n")
    print(f"{'':<{width}} {'wall s':>8} {'CPU s':>8} {'wall ×':>7} {'CPU ×':>7} {'user ×':>7}")
    for name in rounds.wall:
        ratios = [""] * 3 if name == rounds.baseline else [
            f"{rounds.median_ratio(name, c):7.2f}" for c in ("wall", "cpu", "user")]
        print(f"{labels.get(name, name):<{width}} {rounds.median_seconds(name, 'wall'):8.3f} "
              f"{rounds.median_seconds(name, 'cpu'):8.3f} {ratios[0]:>7} {ratios[1]:>7} {ratios[2]:>7}")


_MEMORY_SCRIPT = """
import gc, json, os, resource, sys
sys.path.insert(0, {here!r})
sys.path.append({root!r})

def rss():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None

def maxrss():
    # The process's own high-water mark (VmHWM).  getrusage's ru_maxrss is never below the peak of the
    # process that started this one (it is carried over exec), so it is the fallback only.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)

namespace = {{}}
exec(sys.argv[1], namespace)
gc.collect()
setup_peak = maxrss()
try:  # Linux 4.0 and later: set the high-water mark back to the memory in use now
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    reset = True
except OSError:
    reset = False
before_peak, before = maxrss(), rss()
exec(sys.argv[2], namespace)
after_peak, after = maxrss(), rss()
print(json.dumps({{"setup_peak": setup_peak, "reset": reset, "before_peak": before_peak, "before": before,
                   "after_peak": after_peak, "after": after}}))
"""


def peak_memory(setup: str, call: str) -> dict[str, Any]:
    """The peak memory one call adds, measured in a fresh Python process.

    The process runs ``setup`` (imports, and a warm-up on a small input so
    that modules imported on first use are in memory), then ``call``, both as
    Python source.  Between the two it collects garbage, reads its resident
    memory and sets the kernel's high-water mark of resident memory back to it
    (``/proc/self/clear_refs``, Linux 4.0 and later), so that the peak
    resident memory read after the call (``VmHWM`` in ``/proc/self/status``,
    the figure ``ru_maxrss`` reports) is the call's own peak, not that of the
    imports.  (``getrusage`` itself is not used where ``/proc`` is: its
    ``ru_maxrss`` never drops below the peak of the process that started this
    one.)  Where the mark cannot be set back, the peak counts only if the call
    went above the setup's peak.

    Parameters
    ----------
    setup, call : str
        Python source.  ``call`` should keep what it makes (``result = ...``), so
        that ``held`` counts it.

    Returns
    -------
    dict
        In MiB: ``before`` (resident memory before the call: the interpreter,
        the imports and what the warm-up left), ``setup_peak`` (the peak of the
        setup), ``peak`` (the peak during the call), ``added`` (``peak -
        before``: the most the call held at once above what was already in
        use) and ``held`` (resident memory after the call minus ``before``: its
        result and what the allocators kept); ``peak_reset`` says whether the
        high-water mark was set back.  ``added`` is ``None`` when it cannot be
        known (no reset, and the call stayed below the setup's peak).
    """
    completed = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT.format(here=str(HERE), root=REPOSITORY),
                                setup, call], capture_output=True, text=True, cwd=REPOSITORY)
    if completed.returncode != 0:
        raise RuntimeError(f"the memory measurement failed:\n{completed.stderr[-3000:]}")
    found = json.loads(completed.stdout.strip().splitlines()[-1])
    mib = 2**20
    before = found["before"] if found["before"] is not None else found["before_peak"]
    known = found["reset"] or found["after_peak"] > found["before_peak"]
    return {
        "before": round(before / mib, 1),
        "setup_peak": round(found["setup_peak"] / mib, 1),
        "peak": round(found["after_peak"] / mib, 1),
        "added": round((found["after_peak"] - before) / mib, 1) if known else None,
        "held": None if found["after"] is None else round((found["after"] - before) / mib, 1),
        "peak_reset": found["reset"],
    }


def machine() -> dict[str, object]:
    """The platform, the number of cores and the load averages now (1, 5, 15 minutes)."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"platform": platform.platform(), "cores": os.cpu_count(), "load_average": load,
            "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def merge_results(path: Path, update: Mapping[str, object], *, depth: int = 1,
                  drop: tuple[str, ...] = ()) -> dict:
    """Merge ``update`` into the JSON file at ``path`` and return the whole.

    Dictionaries are merged key by key down to ``depth`` levels (1: the
    top-level sections are replaced one by one; 4: ``results[a][b][c][d]`` are),
    so that a run of one format or one size keeps the figures of the others;
    below that a new value replaces the old one whole.  Top-level keys in
    ``drop`` (an outdated layout) are removed first.
    """
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError):
        results = {}
    if not isinstance(results, dict):
        results = {}
    for key in drop:
        results.pop(key, None)

    def merge(into: dict, new: Mapping[str, object], level: int) -> None:
        for key, value in new.items():
            if level < depth and isinstance(value, Mapping) and isinstance(into.get(key), dict):
                merge(into[key], value, level + 1)
            else:
                into[key] = value

    merge(results, update, 1)
    text = json.dumps(results, indent=2)
    # lists of plain values (times of the rounds, the order) on one line each
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    path.write_text(text + "\n")
    return results
