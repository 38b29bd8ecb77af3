"""Options named in messages as the reader will type them.

The same message reaches an analyst in a notebook and an HR analyst at the
command line.  A fix that says "pass ``snapshot_date=``" is Python to the one
and noise to the other, so messages name options through :func:`option` and
:func:`either`, which give ``--snapshot-date 2025-03-31`` while the command line
runs (:func:`command_line`) and ``snapshot_date="2025-03-31"`` otherwise.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["option", "either", "command_line"]

_at_command_line = False


def option(name: str, value: str = "") -> str:
    """An option as the reader types it.

    Examples
    --------
    >>> option("snapshot_date", "2025-03-31")
    "snapshot_date='2025-03-31'"
    >>> with command_line():
    ...     option("snapshot_date", "2025-03-31")
    '--snapshot-date 2025-03-31'
    >>> with command_line():
    ...     option("sheet", "Staff in Post")
    "--sheet 'Staff in Post'"
    """
    if _at_command_line:
        return f"--{name.replace('_', '-')}" + (f" {shlex.quote(value)}" if value else "")
    return f"{name}=" + (repr(value) if value else "")


def either(python: str, command_line: str) -> str:
    """The wording for Python, or for the command line while it runs."""
    return command_line if _at_command_line else python


@contextmanager
def command_line() -> Iterator[None]:
    """Messages made inside this block are worded for the command line."""
    global _at_command_line
    before, _at_command_line = _at_command_line, True
    try:
        yield
    finally:
        _at_command_line = before
