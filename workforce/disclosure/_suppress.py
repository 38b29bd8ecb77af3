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

import heapq
from typing import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._spec import Derived, Margin, Part, Where
from ..errors import WorkforceError
from ._ranges import Graph, Relation, feasible_ranges, protected

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
    memo = (_IDS, tuple(columns))   # the ids themselves, kept with the codes
    if memo in codes:
        return codes[memo]
    key = np.zeros(len(table), dtype=np.int64)
    missing = np.zeros(len(table), dtype=bool)
    bound = 1   # every key of a row with no value missing is below it
    for column in columns:
        if column not in codes:
            codes[column] = pd.factorize(table[column])
        column_codes, uniques = codes[column]
        missing |= column_codes < 0
        if bound * (len(uniques) + 1) >= 2**62:   # numbered again, to stay within 64 bits
            key, bound = pd.factorize(key)[0], len(table) + 1
        key = key * (len(uniques) + 1) + column_codes
        bound *= len(uniques) + 1
    ids = np.full(len(table), -1, dtype=np.int64)
    ids[~missing] = pd.factorize(key[~missing])[0]   # numbered in order of first appearance
    ids.flags.writeable = False   # shared by every caller with the same codes
    codes[memo] = ids
    return ids


#: Mark the ids and the selected rows kept in a table's ``codes`` (beside each column's codes, keyed by its name).
_IDS, _ROWS = object(), object()


def _stacked_ids(table: pd.DataFrame, keys: Sequence[tuple], codes: dict | None = None) -> np.ndarray:
    """:func:`_group_ids` of the key columns ``keys`` (one tuple per count column) stacked one under the other.

    Rows of different count columns with equal key values are one cell.  The
    columns stacked at each place of the key are compared as one column:
    factorized together where they share a dtype, else as Python objects.
    """
    if all(k == keys[0] for k in keys):   # the same key columns: each count's rows are one copy of the cells
        return np.tile(_group_ids(table, list(keys[0]), codes), len(keys))
    stacked = {}
    for place in range(len(keys[0])):
        columns = [table[k[place]] for k in keys]
        same = all(c.dtype == columns[0].dtype for c in columns)
        stacked[place] = pd.concat([c if same else c.astype(object) for c in columns], ignore_index=True)
    return _group_ids(pd.DataFrame(stacked), list(stacked))


def _cells(table: pd.DataFrame, counts: Mapping[str, Sequence[str]], spaces: Mapping[str, str],
           codes: dict | None = None):
    """Cell id of every (row, count column), and each cell's value (``codes``: the table's codes, kept)."""
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
        ids = _stacked_ids(table, keys, codes)
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


def _select(table: pd.DataFrame, where: Where | None, codes: dict | None = None) -> np.ndarray:
    """The rows ``where`` selects (all for None); kept in the table's ``codes`` for the next caller with it.

    A ``where`` with an ``all_of`` attribute (a tuple of wheres) selects the
    rows that every one of them selects; with ``codes``, each of them is
    worked out once for the table.
    """
    if where is None:
        return np.ones(len(table), dtype=bool)
    if codes is None:
        return np.asarray(where(table), dtype=bool)
    try:
        found = codes.get((_ROWS, where))
    except TypeError:   # an unhashable where: not kept
        return np.asarray(where(table), dtype=bool)
    if found is None:
        every = getattr(where, "all_of", None)   # the rows several wheres all select: each worked out once
        if isinstance(every, tuple) and every:
            found = np.logical_and.reduce([_select(table, w, codes) for w in every])
        else:
            found = np.array(where(table), dtype=bool)   # a copy: callers may not change it
        found.flags.writeable = False
        codes[(_ROWS, where)] = found
    return found


def _margin_instances(table, margins, cell_of, codes: dict | None = None, offset: int = 0) -> list[Relation]:
    """Every margin as a :class:`Relation` between cells (ids shifted by ``offset``)."""
    out = []
    for margin in margins:
        group = _group_ids(table, margin.within, codes)
        t_rows = _select(table, margin.total.where, codes) & (group >= 0)
        totals = _cells_by_group(group[t_rows], cell_of[margin.total.column][t_rows])
        g_parts, c_parts = [], []
        for part in margin.parts:
            rows = _select(table, part.where, codes) & (group >= 0)
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
    if not len(groups):
        return {}
    groups, cells = np.asarray(groups, dtype=np.int64), np.asarray(cells, dtype=np.int64)
    low_group, low_cell = int(groups.min()), int(cells.min())
    width = np.int64(int(cells.max()) - low_cell + 1)
    pairs = np.unique((groups - low_group) * width + (cells - low_cell))   # by group, then cell
    group, cell = pairs // width + low_group, pairs % width + low_cell
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    return dict(zip(group[starts].tolist(), np.split(cell, starts[1:])))


def _secondary(values: np.ndarray, hidden: np.ndarray, instances, settled: np.ndarray | None = None,
               graph: Graph | None = None) -> int:
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

    The margins are visited in order, round after round, until a round
    changes nothing; only those with one suppressed cell are looked at (a
    heap of them, in order, for each round).
    """
    graph = graph if graph is not None else Graph(instances, len(values))
    members = graph.touching
    cells_of = graph.cell_lists
    count = graph.count(hidden).tolist()   # suppressed cells of each margin
    shown = hidden.tolist()                 # read cell by cell: a list is faster than the array
    positive = (values > 0).tolist()        # NaN is not
    value = values.tolist()
    settled_ = settled.tolist() if settled is not None else None
    parts_of: dict[int, list[int]] = {}

    def cost(cell: int, here: int) -> int:
        return sum(1 if count[m] == 0 else -1 if count[m] == 1 else 0 for m in members[cell] if m != here)

    rounds = 0
    changed = True
    while changed:
        changed, rounds = False, rounds + 1
        queue = [i for i, n in enumerate(count) if n == 1]   # in order: a heap already
        while queue:
            i = heapq.heappop(queue)
            if count[i] != 1:
                continue
            if settled_ is not None and settled_[next(c for c in cells_of[i] if shown[c])]:
                continue
            r = instances[i]
            total = int(r.total)
            if i not in parts_of:
                parts_of[i] = [int(c) for c in np.unique(r.parts)]
            open_ = [c for c in parts_of[i] if not shown[c] and positive[c] and c != total]
            total_open = not shown[total] and positive[total]
            if not open_ and not total_open:
                continue
            best = min(open_, key=lambda c: (cost(c, i), value[c])) if open_ else None
            if total_open and (best is None or (r.prefer_total and cost(total, i) <= cost(best, i))):
                best = total
            assert best is not None  # open_ or total_open (else skipped above)
            hidden[best] = shown[best] = True
            for m in members[best]:
                count[m] += 1
                if count[m] == 1 and m > i:   # a margin later in this round now has a lone suppressed cell
                    heapq.heappush(queue, m)
            changed = True
    return rounds


def places(cell_of: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """How many (row, column) places show each cell: a total repeated on its subgroup's rows shows many."""
    return np.bincount(np.concatenate(list(cell_of.values())), minlength=n) if cell_of else np.zeros(n, int)


def _open_cells(cell: int, values: np.ndarray, hidden: np.ndarray, relations: Sequence[Relation],
                touching: list[list[int]],
                cells_of: list[list[int]] | None = None) -> list[tuple[int, float, int, int]]:
    """The published cells of the nearest relations around ``cell`` (as (is zero, value, cell, relation)).

    Its own relations first; where every cell of them is suppressed already,
    the relations of those cells, and so on through the cells linked to it.
    ``cells_of``: each relation's distinct cells (:attr:`Graph.cell_lists`), when known.
    """
    seen_cells, seen_relations = {cell}, set()
    frontier = [cell]
    while frontier:
        here = [i for c in frontier for i in touching[c] if i not in seen_relations]
        seen_relations.update(here)
        options, nxt = [], []
        for i in here:
            cells = (cells_of[i] if cells_of is not None
                     else np.unique(np.append(relations[i].parts, relations[i].total)).tolist())
            for c in cells:
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
    graph = Graph(relations, len(values))   # the relations as arrays, once for every round
    touching = graph.touching
    cells_of = graph.cell_lists
    places = np.ones(len(values), dtype=int) if shown is None else shown
    settled = None if withheld is None else withheld & (values >= threshold)
    cache: dict = {}   # components unchanged since the last round are not solved again
    seen = None
    for _ in range(max_rounds):
        _secondary(values, hidden, relations, settled, graph)
        pinning: dict[int, np.ndarray] = {}
        low, high, exact = feasible_ranges(values, hidden, relations, threshold, cache, seen, pinning, graph)
        seen = (low, high)
        narrow = np.flatnonzero(hidden & ~protected(low, high, threshold))
        if not len(narrow):
            return low, high, exact
        added: set[int] = set()
        n_hidden = graph.count(hidden).tolist()

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
                options = _open_cells(int(cell), values, hidden, relations, touching, cells_of)
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
    codes: dict = {}   # each key column's codes, worked out once
    cell_of, values = _cells(table, cells, spaces or {}, codes)
    hidden = (values >= 1) & (values < threshold)
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
