"""workforce: workforce diversity analytics for the NHS in England.

Load the spreadsheets HR holds, check them, and measure representation and
progression (WRES, WDES) with honest statistics.

The public API is small and grouped by what it is for:

* **loading**: :func:`load_staff`, :func:`load_recruitment`,
  :func:`load_disciplinary`, :func:`load_training`, :func:`load_board`,
  :func:`read_service` (a service within a trust), returning
  :class:`StaffTable` and :class:`InputTable` that keep their
  :class:`ValidationReport` (each problem with a :class:`ProblemCode`);
* **benchmarks**: :func:`population`, :func:`list_areas`, returning a
  :class:`Benchmark`; England's WRES and WDES figures,
  :func:`national_benchmarks` and :func:`national_series`;
* **analyses**, each returning a :class:`Result`: :func:`representation`,
  :func:`icb_view`, :func:`ladder`, :func:`progression_gaps`,
  :func:`movements`, :func:`promotion`, :func:`adjusted_gap`,
  :func:`model_employer`, :func:`wres`, :func:`wdes`,
  :func:`relative_likelihood`; over time :func:`trend`, charted as Making Data
  Count does by :func:`spc` and :func:`spc_summary`; across organisations
  :func:`funnel` and :func:`funnel_outliers`, and the Mantel-Haenszel
  :func:`pooled_likelihood` (of :func:`likelihood_counts` or :func:`band_steps`);
* **publishing**: :func:`suppress`, :mod:`workforce.charts`, and the board pack
  (:func:`workforce.publish.build_pack`);
* :mod:`workforce.errors` (every error is a :class:`WorkforceError`) and
  :func:`sample_data`.

The layers behind them (``workforce.codes``, ``load``, ``populations``,
``analysis``, ``disclosure``, ``charts``, ``publish``) have public names of
their own for advanced use; modules starting with an underscore are private
and may change.

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
from typing import TYPE_CHECKING, Any

from ._resources import resource_path
from ._version import __version__

# The public names, and the layer each lives in.  They are imported on first
# use, so ``import workforce`` and ``workforce --help`` stay quick (pandas,
# pandera and friends load only when something is loaded).
_EXPORTS = {
    # loading
    **dict.fromkeys(("load_staff", "load_recruitment", "load_disciplinary", "load_training", "load_board",
                     "read_service", "StaffTable", "InputTable", "ValidationReport", "ProblemCode", "Service"),
                    ".load"),
    # benchmarks
    **dict.fromkeys(("population", "list_areas", "Benchmark", "national_benchmarks", "national_series"),
                    ".populations"),
    # analyses
    **dict.fromkeys(("representation", "icb_view", "ladder", "progression_gaps", "Comparison", "movements",
                     "promotion", "adjusted_gap", "model_employer", "wres", "wdes", "relative_likelihood",
                     "RelativeLikelihood", "trend", "spc", "spc_summary", "funnel", "funnel_outliers",
                     "pooled_likelihood", "likelihood_counts", "band_steps"),
                    ".analysis"),
    "Result": "._result",
    "suppress": ".disclosure",
    "WorkforceError": ".errors",
}
_MODULES = ("charts", "errors")

__all__ = ["__version__", "sample_data", *_MODULES, *_EXPORTS]

if TYPE_CHECKING:  # for type checkers and editors; at run time see __getattr__
    from . import charts, errors
    from ._result import Result
    from .analysis import (
        Comparison,
        RelativeLikelihood,
        adjusted_gap,
        funnel,
        funnel_outliers,
        icb_view,
        ladder,
        model_employer,
        movements,
        progression_gaps,
        promotion,
        relative_likelihood,
        representation,
        spc,
        spc_summary,
        trend,
        wdes,
        wres,
    )
    from .disclosure import suppress
    from .errors import WorkforceError
    from .load import (
        InputTable,
        ProblemCode,
        Service,
        StaffTable,
        ValidationReport,
        load_board,
        load_disciplinary,
        load_recruitment,
        load_staff,
        load_training,
        read_service,
    )
    from .populations import Benchmark, list_areas, national_benchmarks, national_series, population


def __getattr__(name: str) -> Any:
    if name in _MODULES:  # charts loads Altair
        return import_module(f".{name}", __name__)
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
