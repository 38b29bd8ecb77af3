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


def _group_figure(unit: str) -> str:
    return "ratio" if unit == "points" else "percent"   # an engagement score (points out of 10), or a proportion


def _value_figure(unit: str) -> str:
    return "points" if unit.startswith("percentage points") else "ratio"


#: WRES and WDES columns shown in each row's ``unit`` (see :meth:`Result._shown`).
_PER_ROW = {**dict.fromkeys(("white", "bme", "non_disabled", "disabled"), _group_figure),
            **dict.fromkeys(("value", "ci_low", "ci_high"), _value_figure)}


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

    def _against(self) -> str:
        """"against Leicester (E06000016), ages 16-64", or nothing without a benchmark."""
        where = self.benchmark.get("area", "")
        ages = self.benchmark.get("ages", "")
        return f"against {where}" + (f", ages {ages}" if ages and ages != "all" else "") if where else ""

    def __repr__(self) -> str:
        against = self._against()
        return (f"<{self.spec.title}: {len(self.table):,} rows{', ' + against if against else ''}; "
                "see .table, .spec, .method, .benchmark>")

    def _shown(self, rows: pd.DataFrame) -> dict[str, list[str]]:
        """Each column of ``rows`` as text: shares as percentages, p-values "<0.001", counts whole, missing blank.

        Columns ``value``, ``ci_low`` and ``ci_high`` of a table with a ``unit`` column (WRES, WDES) are shown
        in each row's unit, and so are its groups' figures (an engagement score is no percentage).
        """
        from ._display import format_column, unit_of

        shown = {}
        units = rows["unit"].astype(str).tolist() if "unit" in rows else None
        for name in rows.columns:
            unit = unit_of(name, rows[name].dtype)
            values = rows[name].tolist()
            if units is not None and unit in ("percent", "ratio", "points") and name in _PER_ROW:
                shown[name] = [format_column(name, [v], _PER_ROW[name](u))[0] for v, u in zip(values, units)]
            else:
                shown[name] = format_column(name, values, unit)
        return shown

    def _repr_html_(self, max_rows: int = 60) -> str:  # notebooks
        """The title, the benchmark, n and the snapshots, then the table formatted (at most ``max_rows`` rows).

        Columns with nothing in them are left out, and named under the table.
        """
        import html

        from ._display import html_table

        table = self.table
        empty = [c for c in table.columns if table[c].isna().all()]
        shown = self._shown(table.drop(columns=empty).head(max_rows))
        people = self.method.get("people counted")
        snapshots = ", ".join(self.method.snapshots)
        against = self._against()
        n = f"n = {people:,} people" if isinstance(people, int) else f"n = {people}" if people is not None else ""
        facts = [against[:1].upper() + against[1:], n,
                 f"snapshot{'' if len(self.method.snapshots) == 1 else 's'} {snapshots}" if snapshots else "",
                 f"{len(table):,} rows", self.method.version]
        head = (f"<p><b>{html.escape(self.spec.title)}</b><br>"
                f"{html.escape('; '.join(f for f in facts if f))}</p>")
        numbers = [c for c in shown if str(table[c].dtype) in ("int64", "Int64", "float64", "Float64")]
        foot = (f"<p>Empty columns not shown: {html.escape(', '.join(empty))}.</p>" if empty else "")
        return head + html_table(shown, right=numbers, more=len(table) - min(len(table), max_rows)) + foot

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
