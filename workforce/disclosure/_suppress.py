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

Each analysis declares its table's counts next to its code, in its
:class:`~workforce._spec.ResultSpec` (``spec.cells``, a
:class:`~workforce._spec.CountCells`): which columns are counts and which
columns identify one count (a total repeated on every row of its subgroup is
one cell), the margins, and the figures made from each count.  Counts that
are not columns but can be worked out from published figures (a subgroup's
staff including unknowns, from the unknown share) are declared as *hidden*
counts and protected like the others.

Decisions
---------
* Suppressed counts become ``<NA>`` in nullable ``Int64`` columns, and each
  count column gets a boolean ``<count>_suppressed`` column at the end of the
  table, so a suppressed count is never mistaken for a missing one.  Blanked
  figures are ``NaN`` (or ``<NA>``); the ``_suppressed`` columns of the counts
  they are made from say why.
* A result whose spec declares no counts (WRES and WDES tables: rates,
  shares and ratios made from counts held elsewhere; models; person-level
  tables) is refused, and the message names its source (``spec.source``):
  suppress the tables that hold the counts (:func:`workforce.ladder`,
  :func:`workforce.progression_gaps`).
* Margins are checked within one table.  Counts that could be combined across
  different published tables, or across the characteristics of an
  intersection table (``sex × ethnicity`` rows against the ``sex`` rows), are
  not protected by this function.
* Margins between staff categories (Clinical + Non-clinical within All AfC)
  are protected although they need not add up exactly (staff on a band with
  no clinical group are in All AfC only): suppressing more is the safe side.
"""

from __future__ import annotations

from typing import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._result import Result
from .._spec import CountCells, Derived, Margin, Part, Where
from ..analysis import RESULT_SPECS
from ..errors import WorkforceError

__all__ = ["suppress", "suppress_counts", "Margin", "Part", "Derived", "DEFAULT_THRESHOLD"]

#: Counts from 1 to ``DEFAULT_THRESHOLD - 1`` are suppressed (NHS Digital, OpenSAFELY).
DEFAULT_THRESHOLD = 8



def _cells_of(result: Result) -> CountCells:
    """The counts of a result's table, as its analysis declared them (``result.spec.cells``)."""
    if not isinstance(result, Result):
        raise WorkforceError(f"suppress takes the Result of an analysis, not {type(result).__name__}.")
    if "disclosure threshold" in result.method:
        raise WorkforceError("this result has already been through disclosure control; suppress the original.")
    if result.spec.cells is None:
        supported = ", ".join(sorted(str(s.kind) for s in RESULT_SPECS if s.cells is not None))
        raise WorkforceError(f"a {result.spec.kind} result cannot be suppressed on its own: {result.spec.source}. "
                             f"Disclosure control supports the results: {supported}.")
    return result.spec.cells


# ---------------------------------------------------------------- the engine


def _group_ids(table: pd.DataFrame, columns: Sequence[Hashable], codes: dict | None = None) -> np.ndarray:
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
            assert best is not None  # open_ or total_open (else skipped above)
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
        counts = pd.array(pd.to_numeric(table[column], errors="coerce").round(), dtype="Int64")  # type: ignore[call-overload]  # a Series is array-like
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
    cells = _cells_of(result)
    table = result.table.reset_index(drop=True)
    work = table.copy()
    for name, make in {**cells.extra, **cells.hidden}.items():
        work[name] = make(work)
    out = suppress_counts(work, cells.counts, cells.margins, threshold=threshold, derived=cells.derived,
                          spaces=cells.spaces)
    private = list(cells.extra) + list(cells.hidden)
    out = out.drop(columns=private + [f"{h}_suppressed" for h in cells.hidden])
    flags = [f"{c}_suppressed" for c in cells.counts if c not in cells.hidden]
    n_cells = {c: int(out[f"{c}_suppressed"].sum()) for c in cells.counts if c not in cells.hidden}
    blanked = sorted({c for d in cells.derived for c in d.columns if c in out.columns})
    notes = {
        "disclosure control": f"statistical disclosure control ({result.spec.kind} table)",
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
    return result.with_table(out, **notes)
