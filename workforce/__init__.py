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

from ._resources import resource_path
from ._version import __version__

# The public names, and the private module each lives in.  They are imported
# on first use, so ``import workforce`` and ``workforce --help`` stay quick
# (pandas, pandera and friends load only when something is loaded).
_EXPORTS = {
    "load_staff": ".load",
    "StaffTable": ".load",
    "ASSIGNMENT_COLUMNS": ".load",
    "PEOPLE_COLUMNS": ".load",
    "ValidationReport": ".load",
    "ProblemCode": ".load",
    "read_schema": ".load",
    "schema_names": ".load",
    "Schema": ".load",
    "read_service": ".load",
    "Service": ".load",
    "population": ".populations",
    "list_areas": ".populations",
    "Benchmark": ".populations",
    "representation": ".analysis",
    "icb_view": ".analysis",
    "REPRESENTATION_COLUMNS": ".analysis",
    "Result": "._result",
    "relative_likelihood": ".analysis",
    "RelativeLikelihood": ".analysis",
    "ladder": ".analysis",
    "progression_gaps": ".analysis",
    "LADDER_COLUMNS": ".analysis",
    "PROGRESSION_COLUMNS": ".analysis",
    "Comparison": ".analysis",
    "COMPARISONS": ".analysis",
    "wres": ".analysis",
    "wdes": ".analysis",
    "load_recruitment": ".load",
    "load_disciplinary": ".load",
    "load_training": ".load",
    "load_board": ".load",
    "movements": ".analysis",
    "promotion": ".analysis",
    "adjusted_gap": ".analysis",
    "model_employer": ".analysis",
    "suppress": ".disclosure",
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
    from ._result import Result
    from .analysis import (
        COMPARISONS,
        LADDER_COLUMNS,
        PROGRESSION_COLUMNS,
        REPRESENTATION_COLUMNS,
        Comparison,
        RelativeLikelihood,
        adjusted_gap,
        icb_view,
        ladder,
        model_employer,
        movements,
        progression_gaps,
        promotion,
        relative_likelihood,
        representation,
        wdes,
        wres,
    )
    from .disclosure import suppress
    from .errors import (
        AmbiguousSheetError,
        NoStaffTableError,
        PopulationError,
        SchemaDefinitionError,
        ServiceDefinitionError,
        UnusableFileError,
        WorkforceError,
    )
    from .load import (
        ASSIGNMENT_COLUMNS,
        PEOPLE_COLUMNS,
        ProblemCode,
        Schema,
        Service,
        StaffTable,
        ValidationReport,
        load_board,
        load_disciplinary,
        load_recruitment,
        load_staff,
        load_training,
        read_schema,
        read_service,
        schema_names,
    )
    from .populations import Benchmark, list_areas, population


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
    folder = resource_path("sample_data")
    if name is None:
        return folder
    path = folder / name
    if not path.exists():
        names = sorted(p.name for p in folder.iterdir() if not p.name.startswith(("_", ".")))
        raise FileNotFoundError(f"no sample file {name!r}; the sample files are {names}")
    return path
