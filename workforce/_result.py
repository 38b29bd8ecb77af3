"""The result object every analysis returns.

A result is numbers, not pictures: ``table`` is a tidy DataFrame whose columns
are fixed and documented by the analysis (the same whatever the input's
shape), ``benchmark`` says what the staff were compared with, and ``method``
records how the figures were made (interval method, test, correction,
thresholds, package version), so that every output can say how it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Result"]


@dataclass(frozen=True)
class Result:
    """The outcome of an analysis.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group (and subgroup), with the analysis's fixed columns.
    benchmark : dict
        What the staff were compared with: population, areas and weights,
        ages, sources (empty when there is no external benchmark).
    method : dict
        How the figures were made, including the package version.
    """

    table: pd.DataFrame
    benchmark: dict[str, Any] = field(default_factory=dict)
    method: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        name = self.method.get("analysis", "result")
        where = self.benchmark.get("area", "")
        against = f" against {where}" if where else ""
        return f"<{name}{against}: {len(self.table)} rows; see .table, .benchmark, .method>"

    def _repr_html_(self) -> str:  # notebooks
        return f"<p>{self!r}</p>" + self.table.to_html(index=False, max_rows=60, float_format=lambda v: f"{v:.4g}")

    def describe(self) -> str:
        """The benchmark and method as readable lines."""
        lines = ["Benchmark:"] + [f"  {k}: {v}" for k, v in self.benchmark.items() if k != "areas"]
        for area in self.benchmark.get("areas", []):
            lines.append(f"    - {area}")
        lines += ["Method:"] + [f"  {k}: {v}" for k, v in self.method.items()]
        return "\n".join(lines)

    def to_excel(self, path: str | Path) -> Path:
        """Write the table, benchmark and method to an Excel workbook."""
        path = Path(path)
        about = pd.DataFrame(
            [("benchmark", k, str(v)) for k, v in self.benchmark.items()]
            + [("method", k, str(v)) for k, v in self.method.items()],
            columns=["section", "item", "value"],
        )
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            self.table.to_excel(writer, sheet_name="Table", index=False)
            about.to_excel(writer, sheet_name="Method", index=False)
        return path
