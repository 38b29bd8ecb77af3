"""Statistical disclosure control for published tables.

Before a table leaves the organisation, small counts are hidden so that no one
can be picked out (definitions section 7):

* **primary suppression**: every count from 1 to ``threshold - 1`` (1-7 by
  default, the NHS Digital and OpenSAFELY rule) is suppressed; 0 is shown;
* **secondary suppression**: no suppressed count may be worked out from a
  published total.  For every *margin* (count cells that add up to a published
  total, such as the groups of a subgroup adding to its staff, or a group's
  headcounts over the rungs adding to its overall headcount) in which exactly
  one cell is suppressed, another non-zero cell of it is suppressed too (the
  total itself when no other cell is left), chosen to leave the fewest other
  margins with a lone suppressed cell, then the smallest; this is repeated
  until nothing changes;
* every figure made from a suppressed count (share, interval, ratio, p-value,
  difference, rate, relative likelihood, mean or median) is blanked.

Each table kind is described by a small declaration, :class:`TableKind`:
which columns are counts and which columns identify one count (a total
repeated on every row of its subgroup is one cell), the margins, and the
figures made from each count.  Counts that are not columns but can be worked
out from published figures (a subgroup's staff including unknowns, from the
unknown share) are declared as *hidden* counts and protected like the others.

Decisions
---------
* Suppressed counts become ``<NA>`` in nullable ``Int64`` columns, and each
  count column gets a boolean ``<count>_suppressed`` column at the end of the
  table, so a suppressed count is never mistaken for a missing one.  Blanked
  figures are ``NaN`` (or ``<NA>``); the ``_suppressed`` columns of the counts
  they are made from say why.
* WRES and WDES tables hold no counts (only rates, shares and ratios made
  from counts held elsewhere), so they are not suppressed here: suppress the
  source tables (:func:`workforce.analysis._ladder.ladder`,
  :func:`workforce.analysis._ladder.progression_gaps`) that hold the counts.
* Margins are checked within one table.  Counts that could be combined across
  different published tables, or across the characteristics of an
  intersection table (``sex × ethnicity`` rows against the ``sex`` rows), are
  not protected by this function.
* Margins between staff categories (Clinical + Non-clinical within All AfC)
  are protected although they need not add up exactly (staff on a band with
  no clinical group are in All AfC only): suppressing more is the safe side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._result import Result
from ..errors import WorkforceError

__all__ = ["suppress", "suppress_counts", "Margin", "Part", "Derived", "TableKind", "KINDS", "DEFAULT_THRESHOLD"]

#: Counts from 1 to ``DEFAULT_THRESHOLD - 1`` are suppressed (NHS Digital, OpenSAFELY).
DEFAULT_THRESHOLD = 8

Where = Callable[[pd.DataFrame], "pd.Series | np.ndarray"]


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
class TableKind:
    """How to suppress one kind of table.

    Attributes
    ----------
    name : str
    analyses : tuple of str
        Values of ``result.method["analysis"]`` of this kind.
    counts : dict
        Count column -> the columns identifying one cell of it (rows with the
        same values hold the same count); ``spaces`` maps columns whose cells
        are shared.
    margins : tuple of Margin
    derived : tuple of Derived
    hidden : dict
        Counts that are not columns but can be worked out from the table:
        name -> function of the table.  Protected, then dropped.
    extra : dict
        Helper key columns: name -> function of the table.  Dropped.
    spaces : dict
        Count column -> cell space; columns in one space share cells with
        equal keys (the same count shown in two columns).
    columns : tuple of str
        The table's columns (to recognise the kind without a method).
    """

    name: str
    analyses: tuple[str, ...]
    counts: Mapping[str, tuple[str, ...]]
    margins: tuple[Margin, ...] = ()
    derived: tuple[Derived, ...] = ()
    hidden: Mapping[str, Callable[[pd.DataFrame], pd.Series]] = field(default_factory=dict)
    extra: Mapping[str, Callable[[pd.DataFrame], pd.Series]] = field(default_factory=dict)
    spaces: Mapping[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


# ---------------------------------------------------------------- table kinds


def _is(column: str, *values) -> Where:
    return lambda t: t[column].astype(str).isin(values).to_numpy()


def _is_not(column: str, *values) -> Where:
    return lambda t: ~t[column].astype(str).isin(values).to_numpy()


def _representation_kind() -> TableKind:
    from ..analysis import REPRESENTATION_COLUMNS

    sub = ("by", "subgroup", "characteristic", "level")
    return TableKind(
        name="representation", analyses=("representation", "icb_view"),
        counts={"staff_count": sub + ("group",), "staff_total": sub, "unknown_count": sub, "all_staff": sub},
        hidden={"all_staff": lambda t: t["staff_total"] + t["unknown_count"]},  # = unknown_count / unknown_share
        margins=(
            Margin(Part("staff_total"), (Part("staff_count"),), sub),
            Margin(Part("all_staff"), (Part("staff_count"), Part("unknown_count")), sub, prefer_total=True),
            Margin(Part("all_staff"), (Part("staff_total"), Part("unknown_count")), sub, prefer_total=True),
        ),
        derived=(
            Derived(("staff_share", "staff_share_low", "staff_share_high", "ratio", "ratio_low", "ratio_high",
                     "difference_pp", "p_value", "p_adjusted", "shortfall", "flag"), ("staff_count", "staff_total")),
            Derived(("unknown_share",), ("unknown_count", "all_staff")),
            Derived(("share_if_unknown_in", "share_if_unknown_out", "ratio_if_unknown_in", "ratio_if_unknown_out"),
                    ("staff_count", "staff_total", "unknown_count")),
        ),
        columns=tuple(REPRESENTATION_COLUMNS),
    )


def _cluster_of(t: pd.DataFrame) -> pd.Series:
    """The WDES cluster of a band rung, or the cluster rung itself (other rungs: missing)."""
    from ..codes import band_group

    rung = t["rung"].astype(str)
    band = t["rung_type"].astype(str) == "band"
    clusters = band_group(rung.where(band)).astype(object)
    out = pd.Series(np.where(band, clusters, np.where(t["rung_type"].astype(str) == "cluster", rung, None)),
                    index=t.index, dtype=object)
    return out.where(out.notna(), None)


def _ladder_kind() -> TableKind:
    from ..analysis import LADDER_COLUMNS

    org = ("organisation", "snapshot_date", "characteristic")
    cat = org + ("staff_category",)
    rung = cat + ("rung_type", "rung")
    known = _is_not("role", "unknown")
    unknown = _is("role", "unknown")
    afc_parts = _is("staff_category", "Clinical", "Non-clinical")
    afc = _is("staff_category", "All AfC")
    margins = [
        Margin(Part("rung_total"), (Part("headcount"),), rung, prefer_total=True),
        Margin(Part("rung_known"), (Part("headcount", known),), rung),
        Margin(Part("rung_total"), (Part("rung_known"), Part("headcount", unknown)), rung, prefer_total=True),
        Margin(Part("overall_headcount"), (Part("headcount"),), cat + ("rung_type", "group")),
        Margin(Part("overall_total"), (Part("rung_total"),), cat + ("rung_type",)),
        Margin(Part("overall_known"), (Part("rung_known"),), cat + ("rung_type",)),
        Margin(Part("overall_total"), (Part("overall_headcount"),), cat),
        Margin(Part("overall_known"), (Part("overall_headcount", known),), cat),
        Margin(Part("overall_total"), (Part("overall_known"), Part("overall_headcount", unknown)), cat),
    ]
    cluster, band = _is("rung_type", "cluster"), _is("rung_type", "band")
    for column, extra in (("headcount", ("group",)), ("rung_total", ()), ("rung_known", ())):
        margins.append(Margin(Part(column, cluster), (Part(column, band),), cat + ("_cluster",) + extra))
    for column, extra in (("headcount", ("rung_type", "rung", "group")), ("rung_total", ("rung_type", "rung")),
                          ("rung_known", ("rung_type", "rung")), ("overall_headcount", ("group",)),
                          ("overall_total", ()), ("overall_known", ())):
        margins.append(Margin(Part(column, afc), (Part(column, afc_parts),), org + extra, exact=False))
    return TableKind(
        name="ladder", analyses=("ladder",),
        counts={"headcount": rung + ("group",), "rung_total": rung, "rung_known": rung,
                "overall_headcount": cat + ("group",), "overall_total": cat, "overall_known": cat},
        extra={"_cluster": _cluster_of},
        margins=tuple(margins),
        derived=(
            Derived(("share",), ("headcount", "rung_total")),
            Derived(("share_of_known", "share_of_known_low", "share_of_known_high"), ("headcount", "rung_known")),
            Derived(("overall_share",), ("overall_headcount", "overall_total")),
            Derived(("overall_share_of_known",), ("overall_headcount", "overall_known")),
            Derived(("difference_pp",), ("headcount", "rung_total", "overall_headcount", "overall_total")),
            Derived(("difference_of_known_pp",), ("headcount", "rung_known", "overall_headcount", "overall_known")),
        ),
        columns=tuple(LADDER_COLUMNS),
    )


def _senior_key(t: pd.DataFrame) -> pd.Series:
    """The rungs a senior count covers: the higher tier of a disparity ratio, or the threshold."""
    comparison = t["comparison"].astype(str)
    tier = comparison.str.split(" vs ").str[0]
    out = np.where(t["measure"].astype(str) == "disparity ratio", tier, comparison)
    return pd.Series(np.where(out == "8a and above", "8a+", out), index=t.index, dtype=object)


def _rest_key(t: pd.DataFrame) -> pd.Series:
    """The rungs of the pool below the senior ones: the lower tier, or below the threshold."""
    comparison = t["comparison"].astype(str)
    tier = comparison.str.split(" vs ").str[-1]
    out = np.where(t["measure"].astype(str) == "disparity ratio", tier, "below " + comparison)
    return pd.Series(out, index=t.index, dtype=object)


def _pool_key(t: pd.DataFrame) -> pd.Series:
    dr = t["measure"].astype(str) == "disparity ratio"
    return pd.Series(np.where(dr, t["comparison"].astype(str), "all rungs"), index=t.index, dtype=object)


def _progression_kind() -> TableKind:
    from ..analysis import PROGRESSION_COLUMNS

    cat = ("organisation", "snapshot_date", "characteristic", "staff_category")
    counts, spaces, hidden, margins = {}, {}, {}, []
    for role in ("advantaged", "compared", "unknown"):
        counts[f"{role}_senior"] = cat + ("_senior_key",)
        counts[f"_{role}_rest"] = cat + ("_rest_key",)
        counts[f"{role}_total"] = cat + ("_pool_key",)
        spaces[f"{role}_senior"] = spaces[f"_{role}_rest"] = f"{role} tier"   # 6-7 is senior in one, rest in another
        hidden[f"_{role}_rest"] = (lambda r: lambda t: t[f"{r}_total"] - t[f"{r}_senior"])(role)
        margins.append(Margin(Part(f"{role}_total"), (Part(f"{role}_senior"), Part(f"_{role}_rest")),
                              cat + ("measure", "comparison")))
    both = ("advantaged_senior", "advantaged_total", "compared_senior", "compared_total")
    return TableKind(
        name="progression_gaps", analyses=("progression_gaps",),
        counts=counts, spaces=spaces, hidden=hidden, margins=tuple(margins),
        extra={"_senior_key": _senior_key, "_rest_key": _rest_key, "_pool_key": _pool_key},
        derived=(
            Derived(("value", "ci_low", "ci_high", "p_value", "outside_non_adverse", "significant"), both),
            Derived(("advantaged_rate",), ("advantaged_senior", "advantaged_total")),
            Derived(("compared_rate",), ("compared_senior", "compared_total")),
            Derived(("compared_share_pool",), ("advantaged_total", "compared_total")),
            Derived(("compared_share_senior",), ("advantaged_senior", "compared_senior")),
        ),
        columns=tuple(PROGRESSION_COLUMNS),
    )


def _promotion_kind() -> TableKind:
    from ..analysis import PROMOTION_COLUMNS

    row = ("by", "subgroup", "characteristic", "group")
    family = ("by", "subgroup", "characteristic")
    known = _is_not("group", "Unknown", "Other or unknown")
    names = ("stayers", "promoted", "at_start", "leavers", "senior_appointments", "senior_internal",
             "senior_external", "staff_now", "not_comparable")
    return TableKind(
        name="promotion", analyses=("promotion",),
        counts={name: row for name in names},
        margins=(Margin(Part("senior_appointments"), (Part("senior_internal"), Part("senior_external")), row),),
        derived=(
            Derived(("promotion_rate", "promotion_low", "promotion_high"), ("promoted", "stayers")),
            Derived(("promotion_rl", "promotion_rl_low", "promotion_rl_high", "promotion_rl_p_value"),
                    ("promoted", "stayers"), within=family, where=known),
            Derived(("leaver_rate", "leaver_low", "leaver_high"), ("leavers", "at_start")),
            Derived(("leaver_rl", "leaver_rl_low", "leaver_rl_high", "leaver_rl_p_value"),
                    ("leavers", "at_start"), within=family, where=known),
            Derived(("senior_internal_share",), ("senior_internal", "senior_external", "senior_appointments")),
            Derived(("time_in_grade_mean", "time_in_grade_median", "time_in_grade_censored_share",
                     "service_years_median"), ("staff_now",)),
        ),
        columns=tuple(PROMOTION_COLUMNS),
    )


def _kinds() -> dict[str, TableKind]:
    return {k.name: k for k in (_representation_kind(), _ladder_kind(), _progression_kind(), _promotion_kind())}


#: The table kinds :func:`suppress` knows (built on first use).
KINDS: dict[str, TableKind] = {}
#: Analyses whose tables hold no counts: suppress their source tables instead.
_AT_SOURCE = {"WRES": "ladder and progression_gaps (indicator 1) and the indicator inputs",
              "WDES": "ladder and progression_gaps (metrics 1 and 3) and the indicator inputs"}


def _kind_of(result: Result) -> TableKind:
    if not KINDS:
        KINDS.update(_kinds())
    analysis = str(result.method.get("analysis", ""))
    supported = sorted({a for k in KINDS.values() for a in k.analyses})
    if "disclosure control" in result.method:
        raise WorkforceError("this result has already been through disclosure control; suppress the original.")
    if analysis in _AT_SOURCE:
        raise WorkforceError(f"a {analysis} table holds no counts, only figures made from them, so it cannot be "
                             f"suppressed on its own: suppress its sources ({_AT_SOURCE[analysis]}). "
                             f"Supported analyses: {supported}.")
    for kind in KINDS.values():
        if analysis in kind.analyses:
            return kind
    columns = tuple(result.table.columns)
    for kind in KINDS.values():
        if not analysis and columns == kind.columns:
            return kind
    raise WorkforceError(f"cannot suppress a {analysis or 'table of unknown kind'!r} result: disclosure control "
                         f"supports the analyses {supported}.")


# ---------------------------------------------------------------- the engine


def _group_ids(table: pd.DataFrame, columns: Sequence[str], codes: dict | None = None) -> np.ndarray:
    """One id per distinct combination of ``columns`` (-1 where any is missing).

    Tables are small, so this is numpy rather than a pandas groupby per call;
    ``codes`` keeps each column's codes between calls on the same table.
    """
    if not columns:
        return np.zeros(len(table), dtype=np.int64)
    codes = {} if codes is None else codes
    key = np.zeros(len(table), dtype=np.int64)
    missing = np.zeros(len(table), dtype=bool)
    for column in columns:
        if column not in codes:
            codes[column] = pd.factorize(table[column])
        column_codes, uniques = codes[column]
        missing |= column_codes < 0
        key = pd.factorize(key * (len(uniques) + 1) + column_codes)[0]   # kept below the number of rows
    ids = np.full(len(table), -1, dtype=np.int64)
    ids[~missing] = pd.factorize(key[~missing])[0]   # numbered in order of first appearance
    return ids


def _cells(table: pd.DataFrame, counts: Mapping[str, Sequence[str]], spaces: Mapping[str, str]):
    """Cell id of every (row, count column), and each cell's value."""
    by_space: dict[str, list[str]] = {}
    for column in counts:
        by_space.setdefault(spaces.get(column, column), []).append(column)
    cell_of: dict[str, np.ndarray] = {}
    values: list[np.ndarray] = []
    offset = 0
    for space, columns in by_space.items():
        keys = [tuple(counts[c]) for c in columns]
        if len(set(len(k) for k in keys)) != 1:
            raise WorkforceError(f"counts sharing cells ({columns}) need keys of the same length.")
        stacked = pd.concat([table[list(k)].set_axis(range(len(k)), axis=1).astype(object) for k in keys],
                            ignore_index=True)
        ids = _group_ids(stacked, list(range(len(keys[0]))))
        if (ids < 0).any():
            raise WorkforceError(f"a count of {columns} has a missing key value.")
        vals = np.concatenate([pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float) for c in columns])
        n = ids.max() + 1 if len(ids) else 0
        low = np.full(n, np.inf)
        high = np.full(n, -np.inf)
        np.minimum.at(low, ids, np.nan_to_num(vals, nan=-1))
        np.maximum.at(high, ids, np.nan_to_num(vals, nan=-1))
        if (low != high).any():
            bad = np.flatnonzero(low != high)[0]
            raise WorkforceError(f"the count cells of {columns} are not identified by their key columns "
                                 f"(one cell holds both {low[bad]:g} and {high[bad]:g}).")
        for i, column in enumerate(columns):
            cell_of[column] = ids[i * len(table):(i + 1) * len(table)] + offset
        values.append(high)
        offset += n
    return cell_of, (np.concatenate(values) if values else np.zeros(0))


def _select(table: pd.DataFrame, where: Where | None) -> np.ndarray:
    if where is None:
        return np.ones(len(table), dtype=bool)
    return np.asarray(where(table), dtype=bool)


def _margin_instances(table, margins, cell_of, codes: dict | None = None) -> list[tuple[np.ndarray, int, bool]]:
    """Every margin as (its parts' cells, its total's cell, whether to prefer hiding the total)."""
    out = []
    for margin in margins:
        group = _group_ids(table, margin.within, codes)
        t_rows = _select(table, margin.total.where) & (group >= 0)
        totals = _cells_by_group(group[t_rows], cell_of[margin.total.column][t_rows])
        g_parts, c_parts = [], []
        for part in margin.parts:
            rows = _select(table, part.where) & (group >= 0)
            g_parts.append(group[rows])
            c_parts.append(cell_of[part.column][rows])
        parts = _cells_by_group(np.concatenate(g_parts), np.concatenate(c_parts))
        for g, cells in parts.items():
            if g not in totals:
                continue
            total = totals[g]
            if len(total) != 1:
                raise WorkforceError(f"a margin of {margin.total.column} has {len(total)} totals, not one.")
            out.append((cells[cells != total[0]], int(total[0]), margin.prefer_total))
    return out


def _cells_by_group(groups: np.ndarray, cells: np.ndarray) -> dict[int, np.ndarray]:
    """The distinct cells of each group (groups in increasing order, cells sorted)."""
    pairs = np.unique(np.stack([groups, cells], axis=1), axis=0) if len(groups) else np.zeros((0, 2), np.int64)
    starts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]) if len(pairs) else np.zeros(0, int)
    return {int(pairs[i, 0]): cells_ for i, cells_ in zip(starts, np.split(pairs[:, 1], starts[1:]))}


def _secondary(values: np.ndarray, hidden: np.ndarray, instances) -> int:
    """Suppress until no margin has exactly one suppressed cell; the number of rounds.

    Where a margin has one suppressed cell, the complementary cell is chosen
    by cost: among the margin's other non-zero cells (and its total), the one
    whose suppression leaves the fewest *other* margins with exactly one
    suppressed cell (a margin with none gains a lone one: +1; a margin with a
    lone one is closed: -1), then the smallest.  This keeps the cascade
    through overlapping margins (bands, clusters, staff categories, totals)
    short.  A margin that prefers its total hides the total when that costs
    no more than the best part.
    """
    members: list[list[int]] = [[] for _ in range(len(values))]
    cells_of: list[np.ndarray] = []
    for i, (parts, total, _prefer) in enumerate(instances):
        cells = np.unique(np.append(parts, total))
        cells_of.append(cells)
        for c in cells:
            members[c].append(i)
    n_hidden = np.array([int(hidden[c].sum()) for c in cells_of], dtype=np.int64)

    def cost(cell: int, here: int) -> int:
        return sum(1 if n_hidden[m] == 0 else -1 if n_hidden[m] == 1 else 0 for m in members[cell] if m != here)

    def hide(cell: int) -> None:
        hidden[cell] = True
        for m in members[cell]:
            n_hidden[m] += 1

    rounds = 0
    changed = True
    while changed:
        changed, rounds = False, rounds + 1
        for i, (parts, total, prefer_total) in enumerate(instances):
            if n_hidden[i] != 1:
                continue
            open_ = [int(c) for c in np.unique(parts) if not hidden[c] and values[c] > 0 and c != total]
            total_open = not hidden[total] and values[total] > 0
            if not open_ and not total_open:
                continue
            best = min(open_, key=lambda c: (cost(c, i), values[c])) if open_ else None
            if total_open and (best is None or (prefer_total and cost(total, i) <= cost(best, i))):
                best = total
            hide(best)
            changed = True
    return rounds


def suppress_counts(
    table: pd.DataFrame,
    cells: Mapping[str, Sequence[str]],
    margins: Sequence[Margin] = (),
    *,
    threshold: int = DEFAULT_THRESHOLD,
    derived: Sequence[Derived] = (),
    spaces: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Suppress small counts of a table, and the counts and figures that would reveal them.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to publish (not changed).
    cells : dict
        Count column -> the columns identifying one count: rows with equal
        values in them hold the same count (a total repeated on every row of
        its subgroup is one cell).
    margins : sequence of Margin
        Cells that add up to a published total.
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed; 0 is shown.
    derived : sequence of Derived
        Figures made from the counts, blanked when one of them is suppressed.
    spaces : dict, optional
        Count column -> cell space, for the same count shown in two columns.

    Returns
    -------
    pandas.DataFrame
        A copy: count columns as nullable ``Int64`` with ``<NA>`` where
        suppressed, figures blanked, and a boolean ``<count>_suppressed``
        column per count column at the end.

    Examples
    --------
    >>> import pandas as pd
    >>> from workforce.disclosure import Margin, Part, suppress_counts
    >>> t = pd.DataFrame({"group": ["A", "B", "C"], "n": [3, 20, 40], "total": 63})
    >>> out = suppress_counts(t, {"n": ("group",), "total": ()}, [Margin(Part("total"), (Part("n"),), ())])
    >>> out["n"].tolist(), out["n_suppressed"].tolist()
    ([<NA>, <NA>, 40], [True, True, False])
    """
    if threshold < 1:
        raise WorkforceError(f"threshold must be at least 1, not {threshold!r}.")
    missing = [c for c in cells if c not in table.columns]
    if missing:
        raise WorkforceError(f"count columns {missing} are not in the table.")
    table = table.reset_index(drop=True)
    cell_of, values = _cells(table, cells, spaces or {})
    hidden = (values >= 1) & (values < threshold)
    codes: dict = {}   # each key column's codes, worked out once
    _secondary(values, hidden, _margin_instances(table, margins, cell_of, codes))
    out = table.copy()
    flags = {}
    for column in cells:
        mask = hidden[cell_of[column]]
        flags[f"{column}_suppressed"] = mask
        counts = pd.array(pd.to_numeric(table[column], errors="coerce").round(), dtype="Int64")
        counts[mask] = pd.NA
        out[column] = counts
    for spec in derived:
        blank = np.zeros(len(table), dtype=bool)
        for column in spec.counts:
            blank |= flags[f"{column}_suppressed"]
        if spec.within:
            group = _group_ids(table, spec.within, codes)
            rows = _select(table, spec.where) & (group >= 0)
            bad = np.unique(group[rows & blank])
            blank = blank | np.isin(group, bad) & (group >= 0)
        for column in spec.columns:
            if column in out.columns and blank.any():
                out[column] = _blank(out[column], blank)
    for name, mask in flags.items():
        out[name] = mask
    return out


def _blank(column: pd.Series, mask: np.ndarray) -> pd.Series:
    if column.dtype == bool:
        column = column.astype("boolean")
    elif pd.api.types.is_integer_dtype(column.dtype) and not isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        column = column.astype("Int64")
    return column.mask(mask)


def suppress(result: Result, *, threshold: int = DEFAULT_THRESHOLD) -> Result:
    """A copy of a result that is safe to publish: small counts suppressed.

    Counts from 1 to ``threshold - 1`` are suppressed (primary); then, until
    nothing changes, wherever exactly one count of a margin (counts adding up
    to a published total, including the unknown category) is suppressed,
    another non-zero count of it is suppressed too, or the total when no
    other is left (secondary): the one that leaves the fewest other margins
    with a lone suppressed count, then the smallest.  Figures made from a suppressed count are
    blanked.

    Parameters
    ----------
    result : Result
        From :func:`workforce.representation`, :func:`workforce.icb_view`,
        :func:`workforce.analysis._ladder.ladder`,
        :func:`workforce.analysis._ladder.progression_gaps` or
        :func:`workforce.analysis._promotion.promotion`.
    threshold : int
        Smallest count shown apart from 0 (8: counts 1-7 suppressed, the NHS
        Digital and OpenSAFELY rule).

    Returns
    -------
    Result
        A new result: the table's count columns are nullable ``Int64`` with
        ``<NA>`` where suppressed, figures made from them are blank, and a
        boolean ``<count>_suppressed`` column is added for every count column
        (always the same columns for a kind of table).  ``.method`` records
        the rule under "disclosure control" and related keys.

    Raises
    ------
    WorkforceError
        For a kind of result it does not know (the message lists those it
        does), and for WRES and WDES tables, which hold no counts: suppress
        their sources.

    Examples
    --------
    >>> import workforce
    >>> from workforce import suppress
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> result = workforce.representation(staff, workforce.population("Leicester"), by="band_group")
    >>> safe = suppress(result)
    >>> t = safe.table[safe.table["subgroup"] == "8c+"]
    >>> print(t[["group", "staff_count", "staff_total", "unknown_count", "staff_share"]].to_string(index=False))
    group  staff_count  staff_total  unknown_count  staff_share
    White           67           72           <NA>     0.930556
    Mixed            0           72           <NA>     0.000000
    Asian         <NA>           72           <NA>          NaN
    Black         <NA>           72           <NA>          NaN
    Other            0           72           <NA>     0.000000
    >>> safe.method["disclosure threshold"]
    8
    """
    kind = _kind_of(result)
    table = result.table.reset_index(drop=True)
    work = table.copy()
    for name, make in {**kind.extra, **kind.hidden}.items():
        work[name] = make(work)
    out = suppress_counts(work, kind.counts, kind.margins, threshold=threshold, derived=kind.derived,
                          spaces=kind.spaces)
    private = list(kind.extra) + list(kind.hidden)
    out = out.drop(columns=private + [f"{h}_suppressed" for h in kind.hidden])
    flags = [f"{c}_suppressed" for c in kind.counts if c not in kind.hidden]
    n_cells = {c: int(out[f"{c}_suppressed"].sum()) for c in kind.counts if c not in kind.hidden}
    blanked = sorted({c for d in kind.derived for c in d.columns if c in out.columns})
    method = {
        **result.method,
        "disclosure control": f"statistical disclosure control ({kind.name} table)",
        "disclosure threshold": threshold,
        "primary suppression": f"counts 1 to {threshold - 1} suppressed (shown as <NA>); 0 shown",
        "secondary suppression": "in every margin (counts adding to a published total, including the unknown "
                                 "category) with exactly one suppressed count, another non-zero count (or the "
                                 "total) suppressed too: the one leaving the fewest other margins with a lone "
                                 "suppressed count, then the smallest; repeated until nothing changes",
        "rows with a suppressed count": n_cells,
        "blanked": f"{blanked} where a count they are made from is suppressed",
        "suppression flags": flags,
        "disclosure limits": "margins within this table only; not across published tables or between the rows "
                             "of an intersection and its single characteristics",
    }
    return Result(table=out, benchmark=result.benchmark, method=method)
