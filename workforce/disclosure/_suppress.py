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
* This module is the engine for the cells of one table or of several
  (:mod:`workforce.disclosure._publication` joins the tables published
  together, with the links between them); :func:`protect` adds the
  complements an audit by integer programming asks for.
* Margins between staff categories (Clinical + Non-clinical within All AfC)
  are protected although they need not add up exactly (staff on a band with
  no clinical group are in All AfC only): suppressing more is the safe side.
"""

from __future__ import annotations

from typing import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._spec import Derived, Margin, Part, Where
from ..errors import WorkforceError
from ._ranges import Relation, feasible_ranges, protected

__all__ = ["suppress_counts", "protect", "apply", "Margin", "Part", "Derived", "DEFAULT_THRESHOLD"]

#: Counts from 1 to ``DEFAULT_THRESHOLD - 1`` are suppressed (NHS Digital, OpenSAFELY).
DEFAULT_THRESHOLD = 8



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
        known = ~np.isnan(vals)   # a suppressed count is unknown on its row; another row may show its value
        np.minimum.at(low, ids[known], vals[known])
        np.maximum.at(high, ids[known], vals[known])
        none = np.isinf(low)
        low[none] = high[none] = -1
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


def _margin_instances(table, margins, cell_of, codes: dict | None = None, offset: int = 0) -> list[Relation]:
    """Every margin as a :class:`Relation` between cells (ids shifted by ``offset``)."""
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
            out.append(Relation(cells[cells != total[0]] + offset, int(total[0]) + offset, margin.exact,
                                margin.prefer_total))
    return out


def _cells_by_group(groups: np.ndarray, cells: np.ndarray) -> dict[int, np.ndarray]:
    """The distinct cells of each group (groups in increasing order, cells sorted)."""
    pairs = np.unique(np.stack([groups, cells], axis=1), axis=0) if len(groups) else np.zeros((0, 2), np.int64)
    starts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]) if len(pairs) else np.zeros(0, int)
    return {int(pairs[i, 0]): cells_ for i, cells_ in zip(starts, np.split(pairs[:, 1], starts[1:]))}


def _secondary(values: np.ndarray, hidden: np.ndarray, instances, settled: np.ndarray | None = None) -> int:
    """Suppress until no margin has exactly one suppressed cell; the number of rounds.

    Where a margin has one suppressed cell, the complementary cell is chosen
    by cost: among the margin's other non-zero cells (and its total), the one
    whose suppression leaves the fewest *other* margins with exactly one
    suppressed cell (a margin with none gains a lone one: +1; a margin with a
    lone one is closed: -1), then the smallest.  This keeps the cascade
    through overlapping margins (bands, clusters, staff categories, totals)
    short.  A margin that prefers its total hides the total when that costs
    no more than the best part.  A lone cell that is ``settled`` (withheld
    whatever its size, and not small) needs no complement: the audit decides.
    """
    members: list[list[int]] = [[] for _ in range(len(values))]
    cells_of: list[np.ndarray] = []
    for i, r in enumerate(instances):
        cells = np.unique(np.append(r.parts, r.total))
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
        for i, r in enumerate(instances):
            parts, total, prefer_total = r.parts, r.total, r.prefer_total
            if n_hidden[i] != 1:
                continue
            if settled is not None and settled[cells_of[i][hidden[cells_of[i]]][0]]:
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


def places(cell_of: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """How many (row, column) places show each cell: a total repeated on its subgroup's rows shows many."""
    return np.bincount(np.concatenate(list(cell_of.values())), minlength=n) if cell_of else np.zeros(n, int)


def _open_cells(cell: int, values: np.ndarray, hidden: np.ndarray, relations: Sequence[Relation],
                touching: list[list[int]]) -> list[tuple[int, float, int, int]]:
    """The published cells of the nearest relations around ``cell`` (as (is zero, value, cell, relation)).

    Its own relations first; where every cell of them is suppressed already,
    the relations of those cells, and so on through the cells linked to it.
    """
    seen_cells, seen_relations = {cell}, set()
    frontier = [cell]
    while frontier:
        here = [i for c in frontier for i in touching[c] if i not in seen_relations]
        seen_relations.update(here)
        options, nxt = [], []
        for i in here:
            for c in np.unique(np.append(relations[i].parts, relations[i].total)):
                c = int(c)
                if not hidden[c]:
                    options.append((int(values[c] == 0), float(values[c]), c, i))
                elif c not in seen_cells:
                    seen_cells.add(c)
                    nxt.append(c)
        if options:
            return options
        frontier = nxt
    return []


def protect(values: np.ndarray, hidden: np.ndarray, relations: Sequence[Relation], threshold: int,
            *, shown: np.ndarray | None = None, withheld: np.ndarray | None = None,
            max_rounds: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Secondary suppression until every suppressed cell is protected; the cells' ranges.

    First the margin rule (:func:`_secondary`); then an audit by integer
    programming: wherever a suppressed cell is not :func:`protected` (its
    range narrower than ``threshold`` and reaching below it: by zeros and
    totals, or by several relations together), one of the published cells
    that bind its range (``pins`` of :func:`~._ranges.feasible_ranges`: those in the
    relations holding its least and greatest value) is suppressed, or, where
    none is found, a cell of its relations or of the relations next to them:
    the one costing least (``shown``: the places a cell shows in, a
    publication's headline counts weighted far above the rest; zeros last).
    Repeated until the audit passes.  ``hidden`` is updated in place;
    ``withheld`` cells were hidden whatever their size.

    Returns
    -------
    (low, high, exact) : numpy.ndarray
        Values every cell can take as a reader can work them out (a published
        cell's is its value), as :func:`feasible_ranges`.

    Raises
    ------
    WorkforceError
        When no further suppression protects a cell (a relation with every
        cell suppressed that still pins one).
    """
    touching: list[list[int]] = [[] for _ in range(len(values))]
    for i, r in enumerate(relations):
        for c in np.unique(np.append(r.parts, r.total)):
            touching[int(c)].append(i)
    places = np.ones(len(values), dtype=int) if shown is None else shown
    settled = None if withheld is None else withheld & (values >= threshold)
    cache: dict = {}   # components unchanged since the last round are not solved again
    seen = None
    for _ in range(max_rounds):
        _secondary(values, hidden, relations, settled)
        pinning: dict[int, np.ndarray] = {}
        low, high, exact = feasible_ranges(values, hidden, relations, threshold, cache, seen, pinning)
        seen = (low, high)
        narrow = np.flatnonzero(hidden & ~protected(low, high, threshold))
        if not len(narrow):
            return low, high, exact
        added: set[int] = set()
        n_hidden = np.array([int(hidden[np.unique(np.append(r.parts, r.total))].sum()) for r in relations])

        def rank(option: tuple[int, float, int, int]) -> tuple:
            # the least lost: the places that show the cell (a total shows on many rows, and blanks their
            # figures) times one plus the relations it leaves with a lone suppressed count (the margin rule's
            # cost, which the next round must mend); then the smallest
            _zero, value, c, _i = option
            cost = sum(1 if n_hidden[m] == 0 else -1 if n_hidden[m] == 1 else 0 for m in touching[c])
            return (value == 0, places[c] * (1 + cost), value)   # a zero adds no room: last

        chosen: set[int] = set()
        for cell in narrow:
            # the published cells of the relations that bind the cell's range (one more each round, unless one
            # of them was chosen for another cell this round); else, once per relation, its neighbours
            binding = [int(c) for c in pinning.get(int(cell), ()) if touching[int(c)]]
            if binding:
                if chosen.intersection(binding):
                    continue
                options = [(int(values[c] == 0), float(values[c]), c, touching[c][0]) for c in binding]
            else:
                if any(i in added for i in touching[cell]):
                    continue
                options = _open_cells(int(cell), values, hidden, relations, touching)
            if not options:
                continue
            best, i = min(options, key=rank)[2:]
            hidden[best] = True
            added.add(i)
            chosen.add(best)
        if not added:
            break
    raise WorkforceError("small counts could not be protected: some suppressed count can still be worked out "
                         "from the published counts whatever else is suppressed. Publish fewer tables, or "
                         "coarser ones.")


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
    if threshold < 2:
        raise WorkforceError(f"threshold must be at least 2 (1 would suppress nothing), not {threshold!r}.")
    missing = [c for c in cells if c not in table.columns]
    if missing:
        raise WorkforceError(f"count columns {missing} are not in the table.")
    table = table.reset_index(drop=True)
    cell_of, values = _cells(table, cells, spaces or {})
    hidden = (values >= 1) & (values < threshold)
    codes: dict = {}   # each key column's codes, worked out once
    protect(values, hidden, _margin_instances(table, margins, cell_of, codes), threshold,
            shown=places(cell_of, len(values)))
    return apply(table, cells, cell_of, hidden, derived, codes)


def apply(table: pd.DataFrame, cells: Mapping[str, Sequence[str]], cell_of: Mapping[str, np.ndarray],
          hidden: np.ndarray, derived: Sequence[Derived] = (), codes: dict | None = None) -> pd.DataFrame:
    """The table with its ``hidden`` cells suppressed, the figures made from them blanked, and the flags."""
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
