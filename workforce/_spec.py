"""What a result is: its kind, its columns and the counts behind its figures.

Each analysis declares, next to its code, one :class:`ResultSpec`: its
:class:`Kind` (never recognised from prose), its output columns (each with a
dtype and a one-line meaning: the column documentation, and a pandera schema
through :meth:`ResultSpec.schema`), the :class:`CountCells` that disclosure
control needs (which columns are counts, the margins they add up in, the
figures made from them), and the chart that draws it by default.  Disclosure
control, the charts and the board pack read the spec; nothing reads a
result's method text to find out what it is.

This module is declarations only: it imports nothing of the package and no
third-party library until :meth:`ResultSpec.schema` is called.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

__all__ = ["Kind", "Column", "unit_of", "Part", "Margin", "Derived", "CountCells", "ResultSpec", "DTYPES", "columns", "where_in",
           "where_not_in", "Where", "is_in"]


class Kind(StrEnum):
    """The kind of a result: what produced it, so what its table holds."""

    REPRESENTATION = "representation"
    ICB_VIEW = "icb_view"
    LADDER = "ladder"
    PROGRESSION_GAPS = "progression_gaps"
    MOVEMENTS = "movements"
    PROMOTION = "promotion"
    ADJUSTED_GAP = "adjusted_gap"
    MODEL_EMPLOYER = "model_employer"
    LIKELIHOOD_INDICATOR = "likelihood_indicator"
    BOARD_INDICATOR = "board_indicator"
    WRES = "WRES"
    WDES = "WDES"
    TREND = "trend"
    SPC = "spc"
    SPC_SUMMARY = "spc_summary"
    POOLED = "pooled"
    FUNNEL = "funnel"


#: The dtypes a column may declare, as pandas names them.
DTYPES = ("str", "int64", "Int64", "float64", "bool", "boolean", "datetime64[ns]", "category", "object")


@dataclass(frozen=True)
class Column:
    """One output column: its name, pandas dtype, meaning and unit.

    ``unit`` is what a value of the column is measured in ("people",
    "proportion (0 to 1)" ...): given, or else worked out from the name and
    dtype by :func:`unit_of` (empty when it cannot be).
    """

    name: str
    dtype: str
    description: str
    nullable: bool = True
    unit: str = ""

    def __post_init__(self) -> None:
        if not self.unit:
            object.__setattr__(self, "unit", unit_of(self.name, self.dtype))


#: The units :func:`unit_of` gives.
PEOPLE, PROPORTION, PROBABILITY, RATIO, POINTS = ("people", "proportion (0 to 1)", "probability (0 to 1)", "ratio",
                                                  "percentage points")
FLAG, SUPPRESSED_FLAG, TEXT, DATE = "TRUE or FALSE", "TRUE where the count is suppressed", "text", "date"
#: Units of columns whose name alone says it (after an interval's ``_ci_low`` or ``_ci_high`` is taken off).
_UNIT_BY_NAME = {"year": "year", "indicator": "number", "metric": "number", "steps": "rungs",
                 "grade_snapshots": "snapshots", "time_in_grade_mean": "snapshots",
                 "time_in_grade_median": "snapshots", "years": "years", "service_years": "years",
                 "service_years_median": "years", "fte": "whole-time equivalent", "value": RATIO, "ci": RATIO,
                 "ratio": RATIO, "odds_ratio": RATIO, "p_value": PROBABILITY, "p_adjusted": PROBABILITY}


def unit_of(name: str, dtype: str) -> str:
    """The unit of a column, from its name and dtype ("" when neither says it).

    Examples
    --------
    >>> unit_of("staff_share_ci_low", "float64"), unit_of("headcount", "int64"), unit_of("difference_pp", "float64")
    ('proportion (0 to 1)', 'people', 'percentage points')
    >>> unit_of("promotion_rl_p_value", "float64"), unit_of("staff_count_suppressed", "boolean")
    ('probability (0 to 1)', 'TRUE where the count is suppressed')
    """
    if name.endswith("_suppressed"):
        return SUPPRESSED_FLAG
    if dtype.startswith("datetime"):
        return DATE
    if dtype in ("bool", "boolean"):
        return FLAG
    if dtype in ("str", "object", "category"):
        return TEXT
    base = name.removesuffix("_ci_low").removesuffix("_ci_high")
    base = "ci" if base in ("ci_low", "ci_high") else base
    if base in _UNIT_BY_NAME:
        return _UNIT_BY_NAME[base]
    if base.endswith("_p_value"):
        return PROBABILITY
    if base.endswith("_pp") or base.startswith("difference"):
        return POINTS
    if "share" in base or base.endswith("_rate") or base.startswith("rate_"):
        return PROPORTION
    if base.endswith("_rl") or base.startswith("ratio_"):
        return RATIO
    if dtype in ("int64", "Int64") or base.endswith(("_count", "_total", "_leavers")):
        return PEOPLE
    return ""


Where = Callable[[Any], Any]  # table -> boolean mask of its rows


@dataclass(frozen=True)
class Part:
    """The cells of a count column on the rows ``where`` selects (all rows when None)."""

    column: str
    where: Where | None = None


@dataclass(frozen=True)
class Margin:
    """Count cells that add up to a published total.

    Attributes
    ----------
    total : Part
        The total's cells; within each group of rows there must be one.
    parts : tuple of Part
        The cells adding up to it.
    within : tuple of str
        Columns whose values define one margin (a group of rows).  Rows with a
        missing value in any of them belong to no margin.
    exact : bool
        Whether the parts add up exactly to the total (False: at most to it).
    prefer_total : bool
        When one part is suppressed, suppress the total rather than another
        part.  Used where the part most often small is the unknown category:
        hiding a total costs the reader less than hiding a group's count.
    """

    total: Part
    parts: tuple[Part, ...]
    within: tuple[str, ...]
    exact: bool = True
    prefer_total: bool = False


@dataclass(frozen=True)
class Derived:
    """Figure columns made from counts: blanked when any of the counts is suppressed.

    With ``within``, a figure is blanked when a count is suppressed on any row
    of its group (those ``where`` selects), as a relative likelihood made from
    the reference group's row.
    """

    columns: tuple[str, ...]
    counts: tuple[str, ...]
    within: tuple[str, ...] = ()
    where: Where | None = None


@dataclass(frozen=True)
class CountCells:
    """The counts of a table, as disclosure control needs them.

    Attributes
    ----------
    counts : dict
        Count column -> the columns identifying one cell of it (rows with the
        same values hold the same count, such as a total repeated on every row
        of its subgroup).
    margins : tuple of Margin
        Counts that add up to a published total.
    derived : tuple of Derived
        Figures made from the counts.
    hidden : dict
        Counts that are not columns but can be worked out from the table
        (name -> function of the table): protected like the others, then
        dropped.
    extra : dict
        Helper key columns (name -> function of the table), dropped after.
    spaces : dict
        Count column -> cell space: columns in one space share cells with
        equal keys (the same count shown in two columns).
    recompute : callable, optional
        Figures made jointly over several rows (adjusted p-values, and what
        is decided from them), made again from the published rows after
        suppression: ``recompute(table, method) -> table`` (or ``(table,
        notes)``, to make notes of the method again too, as a funnel's τ²).
        Left as they were, they would carry the hidden rows' figures.
    """

    counts: Mapping[str, tuple[str, ...]]
    margins: tuple[Margin, ...] = ()
    derived: tuple[Derived, ...] = ()
    hidden: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    extra: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    spaces: Mapping[str, str] = field(default_factory=dict)
    recompute: Callable[[Any, Any], Any] | None = None

    @property
    def published(self) -> list[str]:
        """The count columns of the table (the hidden ones are not columns)."""
        return [c for c in self.counts if c not in self.hidden]


@dataclass(frozen=True)
class ResultSpec:
    """What one kind of result holds.

    Attributes
    ----------
    kind : Kind
    title : str
        What the result is, in a few words ("Representation against a
        population").
    columns : tuple of Column
        The table's columns, always all of them, in this order.
    cells : CountCells or None
        The counts behind the figures, for disclosure control.  ``None`` for
        a table that holds no counts of its own or that is never published
        as it is; ``source`` then says where its counts are.
    source : str
        For a table without ``cells``: the tables that hold its counts.
    chart : str or None
        The name of the function in :mod:`workforce.charts` that draws it.
    """

    kind: Kind
    title: str
    columns: tuple[Column, ...]
    cells: CountCells | None = None
    source: str = ""
    chart: str | None = None

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]

    @cached_property
    def _schema(self):
        import pandera.pandas as pa

        def column(c: Column):
            dtype = None if c.dtype in ("str", "object", "category") else c.dtype
            return pa.Column(dtype, nullable=c.nullable, description=c.description, required=True)

        return pa.DataFrameSchema({c.name: column(c) for c in self.columns}, name=str(self.kind), strict=True,
                                  ordered=True)

    def schema(self):
        """The columns as a pandera ``DataFrameSchema`` (strict, ordered; text columns unchecked for dtype)."""
        return self._schema

    def counts_behind(self, column: str) -> tuple[str, ...]:
        """The count columns a figure column is made from (its :class:`Derived` entries); none if no counts."""
        if self.cells is None:
            return ()
        return tuple(dict.fromkeys(c for d in self.cells.derived if column in d.columns for c in d.counts))

    def describe_columns(self) -> list[tuple[str, str]]:
        """(column, meaning) pairs: the column definitions written with a published table."""
        return [(c.name, c.description) for c in self.columns]

    def column(self, name: str) -> Column | None:
        """The column called ``name``; a count's ``<name>_suppressed`` flag (added by suppression) too; else None."""
        found = next((c for c in self.columns if c.name == name), None)
        count = name.removesuffix("_suppressed")
        if found is None and count != name and self.cells is not None and count in self.cells.counts:
            found = Column(name, "boolean", f"TRUE where {count} is suppressed (its cell is left empty)")
        return found


def columns(*rows: tuple[str, str, str] | tuple[str, str, str, str]) -> tuple[Column, ...]:
    """Columns from ``(name, dtype, description)`` rows, or ``(name, dtype, description, unit)`` to give the unit."""
    out = tuple(Column(*row[:3], unit=row[3] if len(row) > 3 else "") for row in rows)
    bad = [c.dtype for c in out if c.dtype not in DTYPES]
    if bad:
        raise ValueError(f"dtypes {bad} are not among {DTYPES}")
    return out


def is_in(values: Any, wanted: tuple[str, ...]) -> Any:
    """Whether each value of a column, as text, is one of ``wanted`` (a boolean numpy array).

    A text or categorical column is compared as it is (no conversion, which
    dominates when called for every link of a publication); others as text.
    """
    dtype = values.dtype
    text = dtype == object or getattr(dtype, "kind", "") in "OSU" or str(dtype) in ("str", "string") or (
        str(dtype) == "category" and str(values.cat.categories.dtype) in ("object", "str", "string"))
    return (values if text else values.astype(str)).isin(wanted).to_numpy(dtype=bool)


def where_in(column: str, *values: str) -> Where:
    """Rows whose ``column`` (as text) is one of ``values``: for a :class:`Part` or :class:`Derived`."""
    return lambda t: is_in(t[column], values)


def where_not_in(column: str, *values: str) -> Where:
    """Rows whose ``column`` (as text) is none of ``values``."""
    return lambda t: ~is_in(t[column], values)
