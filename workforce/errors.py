"""Exceptions raised by ``workforce``.

Every exception the package raises on purpose derives from
:class:`WorkforceError`, so a caller can catch one type.  Messages are written
for the person holding the spreadsheet: they say what was wrong, where, and
what to do about it, and list the valid options where there are some.
"""

from __future__ import annotations

from ._wording import option

__all__ = [
    "WorkforceError",
    "UnusableFileError",
    "NoStaffTableError",
    "AmbiguousSheetError",
    "SchemaDefinitionError",
    "ServiceDefinitionError",
    "PopulationError",
]


class WorkforceError(Exception):
    """Base class for every error raised by ``workforce``."""


class UnusableFileError(WorkforceError):
    """A file cannot be used at all: missing, unreadable, encrypted, empty.

    ``workforce validate`` exits with code 2 on this error.
    """

    def __init__(self, file: str, problem: str, fix: str = "") -> None:
        self.file = file
        self.problem = problem
        self.fix = fix
        text = f"{file}: {problem}"
        if fix:
            text += f"\n  Fix: {fix}"
        super().__init__(text)


class NoStaffTableError(UnusableFileError):
    """No sheet of the file holds a table with the expected column headers."""


class AmbiguousSheetError(UnusableFileError):
    """More than one sheet holds a staff table (or the table asked for) and none was chosen."""

    def __init__(self, file: str, sheets: list[str], what: str = "staff table") -> None:
        self.sheets = sheets
        listed = ", ".join(repr(s) for s in sheets)
        super().__init__(
            file,
            f"more than one sheet looks like a {what}: {listed}.",
            f"choose one with {option('sheet', sheets[0])}.",
        )


class SchemaDefinitionError(WorkforceError):
    """A schema file (YAML) is malformed or names something unknown."""


class ServiceDefinitionError(WorkforceError):
    """A service definition (YAML) is malformed or matches nothing."""


class PopulationError(WorkforceError):
    """A population benchmark cannot be made: unknown area, bad weights or a bad population table.

    The message names what was wrong (the row and column of a population
    table, or the closest area names to one that is not known) and what is
    accepted instead.
    """
