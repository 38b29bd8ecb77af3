"""What a reader can work out about suppressed counts: the range each can take, by integer programming.

Every count of a publication is a cell; the relations between cells (a
margin and its parts, within a table or across tables) are linear.  Given
the published cells, each suppressed cell can take any value of a
non-negative integer solution of those relations: its smallest and largest
are found by linear and mixed-integer programming (HiGHS, through highspy),
one small problem per connected group of suppressed cells.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Relation:
    """One linear relation between cells: ``total - sum(parts) == 0`` (``exact``) or ``>= 0``."""

    parts: np.ndarray
    total: int
    exact: bool = True
    prefer_total: bool = False


def protected(low: np.ndarray, high: np.ndarray, threshold: float) -> np.ndarray:
    """Whether a suppressed count with this range is protected.

    Its range is at least ``threshold`` wide (a reader cannot tell a 3 from a
    0 or from an 8), or it holds no small count at all (at least
    ``threshold``: a reader learns only that the count is not small, as for
    a large count suppressed as a complement), or it can only be 0 (a zero
    suppressed as a complement: zeros are published anyway).  A count from 1
    to ``threshold - 1`` always has a range reaching below the threshold and
    above 0, so it is protected only by a wide range.
    """
    return (high - low >= threshold) | (low >= threshold) | (high < 1)


class Graph:
    """The relations between cells as arrays, built once and used for every look at them.

    ``cells[ptr[i]:ptr[i + 1]]``: the distinct cells of relation ``i`` (its
    parts and its total), sorted.  ``terms``: each relation as
    ``total - sum(parts)``, one (relation, cell, coefficient) per distinct
    cell: the parts (other than the total) at -1, the total at +1.
    """

    def __init__(self, relations: Sequence[Relation], n_cells: int) -> None:
        n = len(relations)
        sizes = np.fromiter((len(r.parts) for r in relations), dtype=np.int64, count=n)
        parts = (np.concatenate([np.asarray(r.parts, dtype=np.int64).ravel() for r in relations])
                 if n and sizes.sum() else np.zeros(0, dtype=np.int64))
        totals = np.fromiter((r.total for r in relations), dtype=np.int64, count=n)
        of_part = np.repeat(np.arange(n, dtype=np.int64), sizes)
        width = np.int64(max(n_cells, int(parts.max(initial=-1)) + 1, int(totals.max(initial=-1)) + 1, 1))
        self.n_cells = int(width)
        everything = np.unique(np.concatenate([of_part * width + parts, np.arange(n, dtype=np.int64) * width + totals]))
        self.relation_of = everything // width
        self.cells = everything % width
        self.ptr = np.searchsorted(self.relation_of, np.arange(n + 1, dtype=np.int64))
        own = parts != totals[of_part]
        distinct_parts = np.unique(of_part[own] * width + parts[own])
        term_relation = np.concatenate([distinct_parts // width, np.arange(n, dtype=np.int64)])
        term_cell = np.concatenate([distinct_parts % width, totals])
        term_coef = np.concatenate([np.full(len(distinct_parts), -1.0), np.ones(n)])
        order = np.argsort(term_relation, kind="stable")
        self.term_relation, self.term_cell, self.term_coef = term_relation[order], term_cell[order], term_coef[order]
        self.term_ptr = np.searchsorted(self.term_relation, np.arange(n + 1, dtype=np.int64))
        self.exact = np.fromiter((bool(r.exact) for r in relations), dtype=bool, count=n)

    @cached_property
    def cell_lists(self) -> list[list[int]]:
        """Each relation's distinct cells, as lists of ints (for loops over a few of them; not to be changed)."""
        cells = self.cells.tolist()
        ptr = self.ptr.tolist()
        return [cells[ptr[i]:ptr[i + 1]] for i in range(len(ptr) - 1)]

    @cached_property
    def touching(self) -> list[list[int]]:
        """Each cell's relations, in order (not to be changed)."""
        out: list[list[int]] = [[] for _ in range(self.n_cells)]
        for cell, relation in zip(self.cells.tolist(), self.relation_of.tolist()):
            out[cell].append(relation)
        return out

    def count(self, mask: np.ndarray) -> np.ndarray:
        """How many of each relation's distinct cells ``mask`` holds."""
        n = len(self.ptr) - 1
        return np.bincount(self.relation_of, weights=mask[self.cells], minlength=n).astype(np.int64)


def _components(unknown: np.ndarray, relations: Sequence[Relation],
                graph: Graph | None = None) -> list[tuple[np.ndarray, list[int]]]:
    """Groups of unknown cells joined by relations, each with the relations it is in.

    In order of each group's smallest cell; its cells sorted, its relations in order.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = graph if graph is not None else Graph(relations, len(unknown))
    n_cells = len(unknown)
    on = unknown[graph.cells]
    cells, rows = graph.cells[on], graph.relation_of[on]   # each relation's unknown cells
    n = len(graph.ptr) - 1
    links = coo_matrix((np.ones(len(cells)), (cells, n_cells + rows)), shape=(n_cells + n, n_cells + n))
    _count, label = connected_components(links, directed=False)
    wanted = np.flatnonzero(unknown)
    first = np.full(len(label), n_cells, dtype=np.int64)   # each component's smallest unknown cell
    np.minimum.at(first, label[wanted], wanted)
    order = np.argsort(first[label[wanted]], kind="stable")
    members = wanted[order]
    starts = np.flatnonzero(np.r_[True, np.diff(first[label[members]]) != 0]) if len(members) else np.zeros(0, int)
    touched = np.unique(rows)   # relations with an unknown cell, in order
    by_root: dict[int, list[int]] = {}
    for relation, root in zip(touched.tolist(), first[label[n_cells + touched]].tolist()):
        by_root.setdefault(root, []).append(relation)
    return [(group, by_root.get(int(group[0]), [])) for group in np.split(members, starts[1:])] if len(members) else []


def _relation_terms(graph: Graph, ids: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The terms of the relations ``ids`` (:class:`Graph`): (row in ``ids``, cell, coefficient), one a cell."""
    ids_ = np.asarray(ids, dtype=np.int64)
    starts, ends = graph.term_ptr[ids_], graph.term_ptr[ids_ + 1]
    lengths = ends - starts
    rows = np.repeat(np.arange(len(ids_)), lengths)
    at = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths) + np.repeat(starts, lengths)
    return rows, graph.term_cell[at], graph.term_coef[at]


def _system(cells: np.ndarray, ids: list[int], values: np.ndarray, unknown: np.ndarray,
            relations: Sequence[Relation], graph: Graph | None = None):
    """The relations of one component as ``lb <= A x <= ub`` over its unknown cells."""
    graph = graph if graph is not None else Graph(relations, len(values))
    index = np.full(graph.n_cells, -1, dtype=np.int64)
    index[cells] = np.arange(len(cells))
    rows, term_cells, coefs = _relation_terms(graph, ids)
    hidden = unknown[term_cells]
    a = np.zeros((len(ids), len(cells)))
    a[rows[hidden], index[term_cells[hidden]]] = coefs[hidden]   # each cell once in a relation
    known = np.zeros(len(ids))
    np.add.at(known, rows[~hidden], coefs[~hidden] * values[term_cells[~hidden]])   # whole counts: exact sums
    lb = -known                                   # total - parts >= 0, so (unknown terms) >= -known
    ub = np.where(graph.exact[np.asarray(ids, dtype=np.int64)], -known, np.inf)
    return a, lb, ub


def _highs():
    """A silent HiGHS instance (its banner, written once per process on the C side, is kept off stdout)."""
    import highspy

    global _BANNER_SHOWN
    if not _BANNER_SHOWN:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


_BANNER_SHOWN = False


class _Solver:
    """Linear and integer optima over one component's cells (HiGHS, the model built once, objectives changed)."""

    def __init__(self, a: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> None:
        import highspy
        from scipy.sparse import csc_matrix

        self.n = a.shape[1]
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, a.shape[0]
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_, lp.col_upper_ = np.zeros(self.n), np.full(self.n, inf)
        lp.row_lower_, lp.row_upper_ = lb, np.where(np.isfinite(ub), ub, inf)
        matrix = csc_matrix(a)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
        self.lp = _highs()
        self.lp.setOptionValue("presolve", "off")   # one model, many objectives: the last basis is the start
        self.lp.passModel(lp)
        self._model = lp   # the integer model is built from it when first needed (most groups never need it)
        self._mip = None
        self.columns = np.arange(self.n, dtype=np.int32)
        self.optimal = highspy.HighsModelStatus.kOptimal

    @property
    def mip(self):
        """The integer problem: the same model with integer columns, in its own HiGHS instance."""
        if self._mip is None:
            import highspy

            self._model.integrality_ = [highspy.HighsVarType.kInteger] * self.n
            self._mip = _highs()
            self._mip.passModel(self._model)
        return self._mip

    def _solve(self, model, objective: np.ndarray) -> np.ndarray | None:
        model.changeColsCost(self.n, self.columns, objective.astype(float))
        model.run()
        if model.getModelStatus() != self.optimal:
            return None   # unbounded (the problems here are feasible: checked first)
        return np.asarray(model.getSolution().col_value, dtype=float)

    def row_duals(self) -> np.ndarray:
        """The row duals of the last linear optimum (:meth:`relaxed`)."""
        return np.asarray(self.lp.getSolution().row_dual, dtype=float)

    def integer(self, objective: np.ndarray) -> np.ndarray | None:
        """An integer solution minimising ``objective`` (None: unbounded or infeasible)."""
        x = self._solve(self.mip, objective)
        return None if x is None else np.round(x)

    def relaxed(self, objective: np.ndarray) -> tuple[float, np.ndarray | None]:
        """The linear optimum of ``objective`` (``-inf``: unbounded), and its solution when that is integer.

        The integer optimum is never below it; an integer solution is the
        integer optimum too.
        """
        x = self._solve(self.lp, objective)
        if x is None:
            return -np.inf, None
        rounded = np.round(x)
        if _all_close(x, rounded):
            x = rounded
            return float(objective @ x), x
        return float(objective @ x), None


def _all_close(x: np.ndarray, y: np.ndarray) -> bool:
    """``np.allclose(x, y, atol=1e-9)`` (relative tolerance 1e-5), without its overhead: called for every solution."""
    with np.errstate(invalid="ignore"):
        return bool(((x == y) | (np.abs(x - y) <= 1e-9 + 1e-5 * np.abs(y))).all())


def _solve_cell(solver: _Solver, j: int, lo: np.ndarray, hi: np.ndarray, threshold: float,
                duals: list | None = None):
    """Decide cell ``j``: its range, exact where it is cheap, and always on the right side of ``threshold``.

    The linear problem first: its range, rounded inwards, holds the integer
    range, and an integer solution is the integer optimum.  When it is not
    integer and does not decide (it is wide enough, the values found so far
    are not), the integer problem.  Every solution found widens what the
    other cells are known to take (``lo``, ``hi``).  The row duals of the two
    linear optima are appended to ``duals``.
    """
    objective = np.zeros(solver.n)
    objective[j] = 1.0
    smallest, x_low = solver.relaxed(objective)
    if duals is not None and smallest > -np.inf:
        duals.append(solver.row_duals())
    largest, x_high = solver.relaxed(-objective)
    if duals is not None and largest > -np.inf:
        duals.append(solver.row_duals())
    for x in (x_low, x_high):
        if x is not None:
            lo, hi = np.minimum(lo, x), np.maximum(hi, x)
    outer = (np.ceil(smallest - 1e-9), np.floor(-largest + 1e-9) if largest > -np.inf else np.inf)
    exact = x_low is not None and (x_high is not None or largest == -np.inf)
    if exact or outer[1] - outer[0] < threshold or outer[0] >= threshold:
        lo[j], hi[j] = outer   # the whole range, or a range holding it that decides (narrow, or no small count)
        return lo, hi, exact
    for sign in (1.0, -1.0):
        x = solver.integer(sign * objective)
        if x is not None:
            lo, hi = np.minimum(lo, x), np.maximum(hi, x)
        elif sign < 0:
            hi[j] = np.inf
    return lo, hi, True


def _known_columns(ids: list[int], values: np.ndarray, unknown: np.ndarray,
                   relations: Sequence[Relation], graph: Graph | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The known cells of a component's relations, and their coefficients in them (rows: ``ids``)."""
    graph = graph if graph is not None else Graph(relations, len(values))
    rows, term_cells, coefs = _relation_terms(graph, ids)
    shown = ~unknown[term_cells]
    known = np.unique(term_cells[shown])
    k = np.zeros((len(ids), len(known)))
    k[rows[shown], np.searchsorted(known, term_cells[shown])] = coefs[shown]
    return known, k


def feasible_ranges(values: np.ndarray, unknown: np.ndarray, relations: Sequence[Relation],
                    threshold: float = np.inf, cache: dict | None = None,
                    seen: tuple[np.ndarray, np.ndarray] | None = None,
                    pins: dict[int, np.ndarray] | None = None,
                    graph: Graph | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The values every unknown cell can take, given the known ones and the relations.

    Each connected group of unknown cells is one problem.  A few integer
    solutions (counts as small, as large, and mixed) show values each cell
    can take; a cell whose values already differ by ``threshold`` or more
    is protected and left there; the others are solved (:func:`_solve_cell`).
    So a range is at least ``threshold`` wide exactly when the cell is
    protected, and exact where that was cheap to know.  Where ``values``
    holds the true counts of the unknown cells (secondary suppression), a
    count of at least ``2 * threshold - 1`` is protected whatever its range
    (a range holding it reaches below the threshold only by being wide), so
    it is not solved.

    Parameters
    ----------
    values : numpy.ndarray
        Every cell's value (ignored where ``unknown``).
    unknown : numpy.ndarray of bool
        The cells a reader does not see.
    relations : sequence of Relation
    threshold : float
        Ranges at least this wide need not be exact (default: every range exact).
    cache : dict, optional
        Each component's answer, kept between calls on the same ``values``
        and ``relations`` (as secondary suppression calls it round after
        round): a component whose cells and relations are unchanged is not
        solved again.
    seen : (low, high), optional
        Values each cell could take when fewer cells were unknown (the last
        round's ranges): still possible, since making a cell unknown only
        loosens the problem, so a cell already protected is not solved again.
    pins : dict, optional
        Filled, for each unknown cell found not :func:`protected`, with the
        known cells whose becoming unknown would widen its range: those whose
        column has a non-zero product with the row duals of the linear
        optima of its least and greatest value.  (Where the optimum is
        degenerate, or decided by the integer problem, it may be empty.)
    graph : Graph, optional
        The ``relations`` as arrays (:class:`Graph`), when the caller has
        them already (built here otherwise).

    Returns
    -------
    (low, high, exact) : numpy.ndarray
        For every cell: its value where known; where unknown, its range of
        non-negative integer values consistent with everything known (``inf``
        when unbounded) where ``exact``; otherwise values it can take, at
        least ``threshold`` apart (protected), or a range holding its range
        that decides :func:`protected`.

    Raises
    ------
    ValueError
        When the known cells contradict a relation (the relations are wrong).
    """
    low = np.where(unknown, np.inf, values).astype(float)
    high = np.where(unknown, -np.inf, values).astype(float)
    exact = ~unknown
    rng = np.random.default_rng(0)
    graph = graph if graph is not None else Graph(relations, len(values))
    for cells, ids in _components(unknown, relations, graph):
        if not ids:
            low[cells], high[cells], exact[cells] = 0.0, np.inf, True
            continue
        key = (threshold, cells.tobytes(), tuple(ids))
        if cache is not None and key in cache:
            low[cells], high[cells], exact[cells] = cache[key]
            continue
        solver = _Solver(*_system(cells, ids, values, unknown, relations, graph))
        truth = values[cells]
        if np.isfinite(truth).all():   # the true counts (secondary suppression knows them) are a solution
            first = truth
        else:
            found = solver.integer(np.ones(len(cells)))
            if found is None:
                raise ValueError("the published counts contradict a declared relation between them")
            first = found
        points = [first]
        if seen is None:   # a first look: a few vertices show values each cell can take
            for objective in [-np.ones(len(cells))] + [rng.choice([-1.0, 1.0], len(cells)) for _ in range(8)]:
                _value, x = solver.relaxed(objective)
                if x is not None:   # an integer vertex (None: fractional, or unbounded along this objective)
                    points.append(x)
        else:   # values possible with fewer cells unknown are possible now
            points += [np.where(np.isfinite(seen[0][cells]), seen[0][cells], first),
                       np.where(np.isfinite(seen[1][cells]), seen[1][cells], first)]
        stacked = np.array(points)
        lo, hi = stacked.min(axis=0), stacked.max(axis=0)   # values each cell takes in some solution
        done = np.zeros(len(cells), dtype=bool)
        known = None
        for j in np.argsort(hi - lo, kind="stable"):
            if hi[j] - lo[j] >= threshold or truth[j] >= 2 * threshold - 1:
                continue   # values this far apart; or a count so large that its range, which holds it, is too
            duals: list = []
            lo, hi, done[j] = _solve_cell(solver, j, lo, hi, threshold, duals if pins is not None else None)
            if pins is not None and not protected(lo[j:j + 1], hi[j:j + 1], threshold)[0]:
                if known is None:
                    known, k = _known_columns(ids, values, unknown, relations, graph)
                moved = np.zeros(len(known), dtype=bool)
                for y in duals:
                    moved |= np.abs(y @ k) > 1e-9
                pins[int(cells[j])] = known[moved]
        low[cells], high[cells], exact[cells] = lo, hi, done
        if cache is not None:
            cache[key] = (low[cells].copy(), high[cells].copy(), exact[cells].copy())
    return low, high, exact
