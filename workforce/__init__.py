"""workforce: workforce diversity analytics for the NHS in England.

Load the spreadsheets HR holds, check them, and measure representation and
progression (WRES, WDES) with honest statistics.

The public API is small; everything else is private (modules starting with an
underscore) and may change.

Examples
--------
>>> import workforce
>>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
>>> staff.report.is_valid
True
"""

from __future__ import annotations

from pathlib import Path

from ._resources import resource_dir
from ._report import ValidationReport
from ._schema import Schema, read_schema, schema_names
from ._service import Service, read_service
from ._staff import ASSIGNMENT_COLUMNS, PEOPLE_COLUMNS, StaffTable, load_staff
from ._version import __version__
from .errors import (
    AmbiguousSheetError,
    NoStaffTableError,
    SchemaDefinitionError,
    ServiceDefinitionError,
    UnusableFileError,
    WorkforceError,
)

__all__ = [
    "__version__",
    "load_staff",
    "StaffTable",
    "ValidationReport",
    "ASSIGNMENT_COLUMNS",
    "PEOPLE_COLUMNS",
    "read_schema",
    "schema_names",
    "Schema",
    "read_service",
    "Service",
    "sample_data",
    "WorkforceError",
    "UnusableFileError",
    "NoStaffTableError",
    "AmbiguousSheetError",
    "SchemaDefinitionError",
    "ServiceDefinitionError",
]


def sample_data(name: str | None = None) -> Path:
    """The path of a file shipped in ``sample_data/`` (or of the folder).

    Every person in the sample data is fictional.

    Examples
    --------
    >>> sample_data("soar_valley_staff_in_post_2025-03-31.xlsx").name
    'soar_valley_staff_in_post_2025-03-31.xlsx'
    """
    folder = resource_dir("sample_data")
    if name is None:
        return folder
    path = folder / name
    if not path.exists():
        names = sorted(p.name for p in folder.iterdir() if not p.name.startswith(("_", ".")) and p.suffix != ".py")
        raise FileNotFoundError(f"no sample file {name!r}; the sample files are {names}")
    return path
