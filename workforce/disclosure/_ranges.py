"""What a reader can work out about suppressed counts: the range each can take, by integer programming.

Every count of a publication is a cell; the relations between cells (a
margin and its parts, within a table or across tables) are linear.  Given
the published cells, each suppressed cell can take any value of a
non-negative integer solution of those relations: its smallest and largest
are found by mixed-integer linear programming (scipy's HiGHS), one small
problem per connected group of suppressed cells.
"""

from __future__ import annotations

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
        terms = [(int(c), -1.0) for c in np.unique(r.parts) if c != r.total] + [(int(r.total), 1.0)]
        for c, coef in terms:
            if unknown[c]:
                a[row, index[c]] += coef
            else:
                known += coef * values[c]
        lb[row] = -known                           # total - parts >= 0, so (unknown terms) >= -known
        ub[row] = -known if r.exact else np.inf
    return a, lb, ub


class _Solver:
    """Integer and linear optima of one component's cells (scipy's HiGHS)."""

    def __init__(self, a: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> None:
        from scipy.optimize import Bounds, LinearConstraint

        self.n = a.shape[1]
        self.constraint, self.bounds = LinearConstraint(a, lb, ub), Bounds(0, np.inf)
        eq = np.isfinite(ub) & (lb == ub)
        self.a_eq: np.ndarray | None
        self.b_eq: np.ndarray | None
        self.a_ub: np.ndarray | None
        self.b_ub: np.ndarray | None
        self.a_eq, self.b_eq = (a[eq], lb[eq]) if eq.any() else (None, None)
        self.a_ub, self.b_ub = (-a[~eq], -lb[~eq]) if (~eq).any() else (None, None)

    def integer(self, objective: np.ndarray) -> np.ndarray | None:
        """An integer solution minimising ``objective`` (None: unbounded)."""
        from scipy.optimize import milp

        res = milp(objective, constraints=self.constraint, integrality=np.ones(self.n), bounds=self.bounds)
        if res.status == 0 and res.x is not None:
            return np.round(res.x)
        return None

    def optimum(self, objective: np.ndarray) -> float | None:
        """The smallest value of ``objective`` over non-negative integer solutions (None: unbounded)."""
        from scipy.optimize import linprog

        res = linprog(objective, A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq, b_eq=self.b_eq, bounds=(0, None),
                      method="highs")
        if res.status == 3:
            return None
        if res.status == 0 and np.allclose(res.x, np.round(res.x), atol=1e-9):
            return float(objective @ np.round(res.x))   # an integer vertex: the integer optimum too
        x = self.integer(objective)
        return None if x is None else float(objective @ x)


def feasible_ranges(values: np.ndarray, unknown: np.ndarray, relations: Sequence[Relation],
                    threshold: float = np.inf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The values every unknown cell can take, given the known ones and the relations.

    Each connected group of unknown cells is one problem.  A few integer
    solutions (counts as small, as large, and mixed) show values each cell
    can take; a cell whose values already differ by ``threshold`` or more
    is left there, and the others are solved exactly, the narrowest first,
    until no unsolved cell can be narrower than the narrowest solved.

    Parameters
    ----------
    values : numpy.ndarray
        Every cell's value (ignored where ``unknown``).
    unknown : numpy.ndarray of bool
        The cells a reader does not see.
    relations : sequence of Relation
    threshold : float
        Ranges at least this wide need not be exact (default: every range exact).

    Returns
    -------
    (low, high, exact) : numpy.ndarray
        For every cell: its value where known; where unknown, values it can
        take (non-negative integers consistent with everything known; ``inf``
        when unbounded), and whether they are its whole range (``exact``) or
        only part of it.

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
        solver = _Solver(*_system(cells, ids, values, unknown, relations))
        first = solver.integer(np.ones(len(cells)))
        if first is None:
            raise ValueError("the published counts contradict a declared relation between them")
        points = [first]
        for objective in [-np.ones(len(cells))] + [rng.choice([-1.0, 1.0], len(cells)) for _ in range(4)]:
            x = solver.integer(objective)
            if x is not None:   # None: unbounded along this objective (the exact solves below say where)
                points.append(x)
        stacked = np.array(points)
        low[cells] = stacked.min(axis=0)
        high[cells] = np.maximum(high[cells], stacked.max(axis=0))
        spread = high[cells] - low[cells]
        best = np.inf
        for j in np.argsort(spread, kind="stable"):
            if spread[j] >= threshold and spread[j] >= best:
                break   # every cell left is wide enough, and none can be narrower than the narrowest solved
            objective = np.zeros(len(cells))
            objective[j] = 1.0
            smallest, largest = solver.optimum(objective), solver.optimum(-objective)
            low[cells[j]] = smallest if smallest is not None else 0.0
            high[cells[j]] = -largest if largest is not None else np.inf
            exact[cells[j]] = True
            best = min(best, high[cells[j]] - low[cells[j]])
    return low, high, exact
