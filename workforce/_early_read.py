"""Parsing Excel exports in the background, while the rest of the package is imported.

Importing pandas, pandera and Altair takes about a second in a new process,
and so does parsing a large export.  fastexcel parses and makes Arrow tables
without holding Python's lock, so ``workforce report``, ``workforce
validate`` and :func:`workforce.publish._pack.build_pack` start parsing their files
first (:func:`start`), on threads, and import everything else meanwhile; the
reader (:mod:`workforce.load._read`) then takes the parsed sheets (:func:`take`)
instead of parsing the file again.

This module imports only the standard library (and :mod:`workforce._guard`,
which checks a workbook against the limits before fastexcel may open it)
until a thread imports fastexcel.  Anything that goes wrong here is left for the reader to find and
report: :func:`take` then returns ``None`` and the file is read as usual.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from . import _guard

__all__ = ["start", "take", "peek"]

_EXCEL = (".xlsx", ".xlsm")
_started: dict[tuple, Future] = {}
_lock = threading.Lock()
_slots = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))   # one parse per core at a time


def _key(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def _parse(path: Path):
    _guard.inspect_workbook(path)   # a file past the limits is never given to fastexcel (see _guard)
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    return reader, {name: reader.load_sheet(name, header_row=None, dtypes="string", whitespace_as_null=True)
                    .to_arrow() for name in reader.sheet_names}


def start(paths) -> None:
    """Start parsing every ``.xlsx``/``.xlsm`` file in ``paths`` on background threads."""
    for path in map(Path, paths):
        key = _key(path) if path.suffix.lower() in _EXCEL else None
        with _lock:
            if key is None or key in _started:
                continue
            future: Future = Future()
            _started[key] = future

        def run(future=future, path=path) -> None:
            with _slots:
                try:
                    future.set_result(_parse(path))
                except BaseException as exc:  # reported by the reader when it reads the file itself
                    future.set_exception(exc)

        threading.Thread(target=run, name=f"parse {path.name}", daemon=True).start()


def take(path: Path) -> tuple[Any, dict[str, Any]] | None:
    """The parsed ``(reader, {sheet: pyarrow.RecordBatch})`` of a started file, or ``None``.

    Each parse is used once (a file may change between two loads in one session).
    """
    with _lock:
        future = _started.pop(_key(Path(path)) or (), None)
    if future is None:
        return None
    try:
        return future.result()
    except Exception:
        return None


def peek(path: str | Path) -> tuple[Any, dict[str, Any]] | None:
    """As :func:`take`, but the parse stays for :func:`take` (a first look at the headers)."""
    with _lock:
        future = _started.get(_key(Path(path)) or ())
    if future is None:
        return None
    try:
        return future.result()
    except Exception:
        return None


def _forget() -> None:
    """Drop every parse not yet taken (for tests)."""
    with _lock:
        _started.clear()

