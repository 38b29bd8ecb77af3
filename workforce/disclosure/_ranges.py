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


def _components(unknown: np.ndarray, relations: Sequence[Relation]) -> list[tuple[np.ndarray, list[int]]]:
    """Groups of unknown cells joined by relations, each with the relations it is in."""
    parent = {int(c): int(c) for c in np.flatnonzero(unknown)}

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    touching: list[tuple[int, list[int]]] = []
    for i, r in enumerate(relations):
        cells = [int(c) for c in np.append(r.parts, r.total) if unknown[c]]
        if not cells:
            continue
        root = find(cells[0])
        for c in cells[1:]:
            other = find(c)
            if other != root:
                parent[other] = root
        touching.append((i, cells))
    members: dict[int, list[int]] = {}
    for c in parent:
        members.setdefault(find(c), []).append(c)
    by_root: dict[int, list[int]] = {}
    for i, cells in touching:
        by_root.setdefault(find(cells[0]), []).append(i)
    return [(np.array(sorted(cells)), by_root.get(root, [])) for root, cells in members.items()]


def _terms(r: Relation) -> list[tuple[int, float]]:
    """A relation as (cell, coefficient) terms of ``total - sum(parts)``, each cell once."""
    return [(int(c), -1.0) for c in np.unique(r.parts) if c != r.total] + [(int(r.total), 1.0)]


def _system(cells: np.ndarray, ids: list[int], values: np.ndarray, unknown: np.ndarray,
            relations: Sequence[Relation]):
    """The relations of one component as ``lb <= A x <= ub`` over its unknown cells."""
    index = {int(c): j for j, c in enumerate(cells)}
    a = np.zeros((len(ids), len(cells)))
    lb = np.zeros(len(ids))
    ub = np.zeros(len(ids))
    for row, i in enumerate(ids):
        r = relations[i]
        known = 0.0
        for c, coef in _terms(r):
            if unknown[c]:
                a[row, index[c]] += coef
            else:
                known += coef * values[c]
        lb[row] = -known                           # total - parts >= 0, so (unknown terms) >= -known
        ub[row] = -known if r.exact else np.inf
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
        lp.integrality_ = [highspy.HighsVarType.kInteger] * self.n
        self.mip = _highs()
        self.mip.passModel(lp)
        self.columns = np.arange(self.n, dtype=np.int32)
        self.optimal = highspy.HighsModelStatus.kOptimal

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
        if np.allclose(x, np.round(x), atol=1e-9):
            x = np.round(x)
            return float(objective @ x), x
        return float(objective @ x), None


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
                   relations: Sequence[Relation]) -> tuple[np.ndarray, np.ndarray]:
    """The known cells of a component's relations, and their coefficients in them (rows: ``ids``)."""
    known = np.unique(np.concatenate([np.append(relations[i].parts, relations[i].total) for i in ids]))
    known = known[~unknown[known]]
    column = {int(c): j for j, c in enumerate(known)}
    k = np.zeros((len(ids), len(known)))
    for row, i in enumerate(ids):
        for c, coef in _terms(relations[i]):
            if c in column:
                k[row, column[c]] += coef
    return known, k


def feasible_ranges(values: np.ndarray, unknown: np.ndarray, relations: Sequence[Relation],
                    threshold: float = np.inf, cache: dict | None = None,
                    seen: tuple[np.ndarray, np.ndarray] | None = None,
                    pins: dict[int, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    for cells, ids in _components(unknown, relations):
        if not ids:
            low[cells], high[cells], exact[cells] = 0.0, np.inf, True
            continue
        key = (threshold, cells.tobytes(), tuple(ids))
        if cache is not None and key in cache:
            low[cells], high[cells], exact[cells] = cache[key]
            continue
        solver = _Solver(*_system(cells, ids, values, unknown, relations))
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
                    known, k = _known_columns(ids, values, unknown, relations)
                moved = np.zeros(len(known), dtype=bool)
                for y in duals:
                    moved |= np.abs(y @ k) > 1e-9
                pins[int(cells[j])] = known[moved]
        low[cells], high[cells], exact[cells] = lo, hi, done
        low[cells], high[cells], exact[cells] = lo, hi, done
        if cache is not None:
            cache[key] = (low[cells].copy(), high[cells].copy(), exact[cells].copy())
    return low, high, exact
