"""The result every analysis returns, and the record of how it was made.

A result is numbers, not pictures: ``table`` is a tidy DataFrame whose columns
are fixed and documented by the analysis's :class:`~workforce._spec.ResultSpec`
(the same whatever the input's shape), ``spec`` says what kind of result it is,
``benchmark`` what the staff were compared with, and ``method`` how the figures
were made (a typed :class:`Method`: confidence, interval, test, correction,
minimum group size, bank rule, snapshots, version, and free-text notes), so
that every output can say how it was made.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._spec import Kind, ResultSpec
from ._version import __version__

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Result", "Method"]


@dataclass(frozen=True)
class Method:
    """How a result's figures were made.

    Attributes
    ----------
    confidence : float or None
        The level of every interval (0.95), or None where there is none.
    interval : str
        The interval method ("Wilson score", "Katz log" ...).
    test : str
        The significance test, if any.
    correction : str
        The correction for multiple comparisons, if any.
    min_size : int or None
        Smaller groups give "insufficient data".
    bank : str
        Whether people whose only assignments are bank were counted.
    snapshots : tuple of str
        The snapshot dates used (ISO dates).
    version : str
        The package version that made the result.
    notes : dict
        Everything else, in words: the staff counted, definitions, decisions.

    A method reads like a mapping too (``method["interval"]``,
    ``method.get("alpha")``, ``method.items()``): the fields, then the notes.

    Examples
    --------
    >>> m = Method(confidence=0.95, interval="Wilson score", notes={"alpha": 0.05})
    >>> m["alpha"], m.confidence, m.version.startswith("workforce")
    (0.05, 0.95, True)
    """

    confidence: float | None = None
    interval: str = ""
    test: str = ""
    correction: str = ""
    min_size: int | None = None
    bank: str = ""
    snapshots: tuple[str, ...] = ()
    version: str = f"workforce {__version__}"
    notes: Mapping[str, Any] = field(default_factory=dict)

    _FIELDS = {"confidence": "confidence", "interval": "interval", "test": "test", "correction": "correction",
               "minimum group size": "min_size", "bank staff": "bank", "snapshots": "snapshots",
               "version": "version"}

    def __post_init__(self) -> None:
        object.__setattr__(self, "snapshots", tuple(str(s) for s in self.snapshots))
        clash = set(self.notes) & set(self._FIELDS)
        if clash:
            raise ValueError(f"notes {sorted(clash)} repeat fields of the method; set the fields instead.")

    def items(self) -> Iterator[tuple[str, Any]]:
        """(label, value) of every field that is set, then of every note."""
        for label, name in self._FIELDS.items():
            value = getattr(self, name)
            if value not in (None, "", ()):
                yield label, list(value) if isinstance(value, tuple) else value
        yield from self.notes.items()

    def __getitem__(self, key: str) -> Any:
        if key in self._FIELDS:
            value = getattr(self, self._FIELDS[key])
            return list(value) if isinstance(value, tuple) else value
        return self.notes[key]

    def __contains__(self, key: object) -> bool:
        return key in self.notes or (key in self._FIELDS and getattr(self, self._FIELDS[key]) not in (None, "", ()))

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def with_notes(self, **notes: Any) -> Method:
        """A copy with ``notes`` added (keys with spaces: pass a dict with ``**{...}``)."""
        return replace(self, notes={**self.notes, **notes})

    def describe(self) -> str:
        """The method as readable lines."""
        return "\n".join(f"  {k}: {v}" for k, v in self.items())


@dataclass(frozen=True)
class Result:
    """The outcome of an analysis.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group (and subgroup), with the columns of ``spec``.
    spec : ResultSpec
        What kind of result this is, its columns and the counts behind them.
    method : Method
        How the figures were made, including the package version.
    benchmark : dict
        What the staff were compared with: population, areas and weights,
        ages, sources (empty when there is no external benchmark).
    """

    table: pd.DataFrame
    spec: ResultSpec
    method: Method = field(default_factory=Method)
    benchmark: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> Kind:
        """The kind of result (``result.spec.kind``)."""
        return self.spec.kind

    def with_table(self, table: pd.DataFrame, **notes: Any) -> Result:
        """The same result with another table (and notes added to its method)."""
        return replace(self, table=table, method=self.method.with_notes(**notes) if notes else self.method)

    def __repr__(self) -> str:
        where = self.benchmark.get("area", "")
        against = f" against {where}" if where else ""
        return f"<{self.spec.kind} result{against}: {len(self.table)} rows; see .table, .spec, .method, .benchmark>"

    def _repr_html_(self) -> str:  # notebooks
        import html

        caption = html.escape(self.spec.title + (f" against {self.benchmark['area']}"
                                                 if self.benchmark.get("area") else ""))
        return (f"<p><b>{caption}</b> ({len(self.table)} rows; {html.escape(self.method.version)})</p>"
                + self.table.to_html(index=False, max_rows=60, float_format=lambda v: f"{v:.4g}"))

    def describe(self) -> str:
        """The benchmark and method as readable lines."""
        lines = [f"{self.spec.title} ({self.spec.kind})", "Benchmark:"]
        lines += [f"  {k}: {v}" for k, v in self.benchmark.items() if k != "areas"]
        for area in self.benchmark.get("areas", []):
            lines.append(f"    - {area}")
        lines += ["Method:", self.method.describe()]
        return "\n".join(lines)

    def to_excel(self, path: str | Path) -> Path:
        """Write the table, its column definitions, the benchmark and the method to an Excel workbook."""
        import pandas as pd

        path = Path(path)
        about = pd.DataFrame(
            [("result", "kind", str(self.spec.kind))]
            + [("benchmark", k, str(v)) for k, v in self.benchmark.items()]
            + [("method", k, str(v)) for k, v in self.method.items()],
            columns=["section", "item", "value"],
        )
        from ._xlsx import write_xlsx  # text as text: no cell is read as a formula

        write_xlsx(path, {"Table": self.table,
                          "Columns": pd.DataFrame(self.spec.describe_columns(), columns=["column", "meaning"]),
                          "Method": about})
        return path
