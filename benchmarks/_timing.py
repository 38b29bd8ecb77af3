"""Timing shared by the benchmarks, and the repository root on ``sys.path``.

The benchmarks are run as scripts (``python benchmarks/bench_load.py`` from the
repository root), so Python puts ``benchmarks/`` on the path, not the root.
Every benchmark imports this module first; it appends the root, so that the
development tooling (``tools.synthetic``, the fictional-data generator) can be
imported.  Appended, not prepended: an installed ``workforce`` still wins over
the source tree.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = str(Path(__file__).resolve().parent.parent)
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
