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

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from ._resources import resource_dir
from ._version import __version__

# The public names, and the private module each lives in.  They are imported
# on first use, so ``import workforce`` and ``workforce --help`` stay quick
# (pandas, pandera and friends load only when something is loaded).
_EXPORTS = {
    "load_staff": "._staff",
    "StaffTable": "._staff",
    "ASSIGNMENT_COLUMNS": "._staff",
    "PEOPLE_COLUMNS": "._staff",
    "ValidationReport": "._report",
    "read_schema": "._schema",
    "schema_names": "._schema",
    "Schema": "._schema",
    "read_service": "._service",
    "Service": "._service",
    "population": "._population",
    "list_areas": "._population",
    "representation": "._representation",
    "icb_view": "._representation",
    "REPRESENTATION_COLUMNS": "._representation",
    "Result": "._result",
    "relative_likelihood": "._likelihood",
    "RelativeLikelihood": "._likelihood",
    "ladder": "._ladder",
    "progression_gaps": "._ladder",
    "LADDER_COLUMNS": "._ladder",
    "PROGRESSION_COLUMNS": "._ladder",
    "Comparison": "._ladder",
    "COMPARISONS": "._ladder",
    "wres": "._standards",
    "wdes": "._standards",
    "load_recruitment": "._inputs",
    "load_disciplinary": "._inputs",
    "load_training": "._inputs",
    "load_board": "._inputs",
    "movements": "._progression",
    "promotion": "._promotion",
    "adjusted_gap": "._adjusted",
    "model_employer": "._model_employer",
    "suppress": "._disclosure",
    "WorkforceError": ".errors",
    "UnusableFileError": ".errors",
    "NoStaffTableError": ".errors",
    "AmbiguousSheetError": ".errors",
    "SchemaDefinitionError": ".errors",
    "ServiceDefinitionError": ".errors",
    "PopulationError": ".errors",
}

__all__ = ["__version__", "sample_data", "charts", *_EXPORTS]

if TYPE_CHECKING:  # for type checkers and editors; at run time see __getattr__
    from ._report import ValidationReport
    from ._schema import Schema, read_schema, schema_names
    from ._adjusted import adjusted_gap
    from ._disclosure import suppress
    from ._standards import wdes, wres
    from ._inputs import load_board, load_disciplinary, load_recruitment, load_training
    from ._ladder import COMPARISONS, LADDER_COLUMNS, PROGRESSION_COLUMNS, Comparison, ladder, progression_gaps
    from ._likelihood import RelativeLikelihood, relative_likelihood
    from ._model_employer import model_employer
    from ._population import list_areas, population
    from ._progression import movements
    from ._promotion import promotion
    from ._representation import REPRESENTATION_COLUMNS, icb_view, representation
    from ._result import Result
    from ._service import Service, read_service
    from ._staff import ASSIGNMENT_COLUMNS, PEOPLE_COLUMNS, StaffTable, load_staff
    from .errors import (
        AmbiguousSheetError,
        NoStaffTableError,
        PopulationError,
        SchemaDefinitionError,
        ServiceDefinitionError,
        UnusableFileError,
        WorkforceError,
    )


def __getattr__(name: str):
    if name == "charts":  # the chart module, which loads Altair
        return import_module(".charts", __name__)
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'workforce' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
