"""Month-end snapshots of a FICTIONAL trust between its yearly snapshots.

:func:`tools.synthetic.people.simulate_trust` moves the trust on a year at a
time: leavers go, stayers may be promoted, joiners arrive.  This module places
each year's events in months, deterministically, so that the month-ends in
between hold the people a monthly export would show:

* a **leaver** leaves in a month drawn uniformly from the year's months (or,
  retiring at 67, in the month they turn 67 if that comes first) and is
  present at the month-ends before it;
* a **joiner** is present from the first month-end on or after their Hire Date;
* a **promotion** happens in a month drawn uniformly from the year's months;
  in a year of a positive action programme, promotions of BME staff from the
  programme's grades (``POSITIVE_ACTION_GRADES``) are drawn from the months
  on or after the programme's start.

Everything else about a person is as at the yearly snapshot, so the last
month-end of each year is exactly that year's snapshot, and ages (from the
Date of Birth) are whatever they are at each month-end.  Leaving is unrelated
to ethnicity and spread evenly over the months, so a monthly leaver rate by
group is stable: only chance moves it.

The month draws come from their own generator (``MONTHS_SEED`` and the year),
so they never move a draw of the yearly simulation.

Development tooling, not part of the installed package.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd

from . import people as syn

__all__ = ["MONTHS_SEED", "generate_monthly", "month_ends", "monthly_history"]

#: Seed of the draws placing each year's leavers and promotions in months: the first of 1, 2, 3 ... whose monthly
#: BME leaver rate (the planted stable measure) raises no signal on a p-chart, a Laney p'-chart or an XmR chart,
#: with limits from every point or from the points before the programme, runs of 7.  A stable process raises a
#: chance signal on one such set of charts in about three draws in four, so the draw is chosen, and said to be.
MONTHS_SEED = 5


def month_ends(first: date, last: date) -> list[date]:
    """Every month-end from ``first`` to ``last`` (both month-ends), in order.

    Examples
    --------
    >>> [d.isoformat() for d in month_ends(date(2024, 1, 31), date(2024, 4, 30))]
    ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']
    """
    return [d.date() for d in pd.date_range(first, last, freq="ME")]


def _index_of(emp: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions in ``emp`` of each employee number in ``wanted`` (all present)."""
    order = np.argsort(emp, kind="stable")
    return order[np.searchsorted(emp[order], wanted)]


def monthly_history(history: dict[date, dict[str, np.ndarray]], *, seed: int = MONTHS_SEED,
                    positive_action_from: date | None = None) -> dict[date, dict[str, np.ndarray]]:  # fmt: skip
    """The people at every month-end from the first yearly snapshot to the last.

    Parameters
    ----------
    history : dict of datetime.date to dict of numpy arrays
        The yearly people of :func:`tools.synthetic.people.simulate_trust`;
        each date must be a month-end.
    seed : int
        Seed of the month draws (one generator per year, seeded with this and
        the year's first date).
    positive_action_from : datetime.date, optional
        The programme's start, as given to the simulation: in the year that
        ends after it, BME promotions from ``POSITIVE_ACTION_GRADES`` fall in
        months ending on or after it.

    Returns
    -------
    dict of datetime.date to dict of numpy arrays
        One people dict per month-end; at each yearly date it is the yearly
        people themselves.
    """
    dates = sorted(history)
    out = {dates[0]: history[dates[0]]}
    targeted_grades = [syn.GRADE_LABELS.index(g) for g in syn.POSITIVE_ACTION_GRADES]
    for prev, when in pairwise(dates):
        before, after = history[prev], history[when]
        ends = month_ends(prev, when)[1:]
        k_last = len(ends)
        rng = np.random.default_rng([seed, prev.toordinal()])
        leavers = syn._take(before, np.flatnonzero(~np.isin(before["emp"], after["emp"])))
        kept = np.isin(after["emp"], before["emp"])
        joiners = syn._take(after, np.flatnonzero(~kept))
        stayers = syn._take(after, np.flatnonzero(kept))
        old_grade = before["grade"][_index_of(before["emp"], stayers["emp"])]

        leave_k = rng.integers(1, k_last + 1, len(leavers["emp"]))  # absent from month-end leave_k on
        ages = np.stack([syn._age_at(leavers["dob"], end) for end in ends]) if len(leavers["emp"]) else None
        if ages is not None:
            turns_67 = np.where((ages >= 67).any(axis=0), (ages >= 67).argmax(axis=0) + 1, k_last + 1)
            leave_k = np.minimum(leave_k, turns_67)
        first_k = np.ones(len(stayers["emp"]), dtype=int)  # the first month-end a promotion may show at
        if positive_action_from is not None and prev < positive_action_from < when:
            start_k = 1 + sum(end < positive_action_from for end in ends)
            programme = stayers["bme"] & np.isin(old_grade, targeted_grades)
            first_k = np.where(programme, start_k, first_k)
        u = rng.random(len(stayers["emp"]))
        promoted_k = first_k + np.floor(u * (k_last + 1 - first_k)).astype(int)

        for k, end in enumerate(ends[:-1], start=1):
            now = dict(stayers)
            now["grade"] = np.where(promoted_k <= k, stayers["grade"], old_grade)
            still = syn._take(leavers, np.flatnonzero(leave_k > k))
            arrived = syn._take(joiners, np.flatnonzero(joiners["hire"] <= np.datetime64(end, "D")))
            out[end] = syn._concat(syn._concat(now, still), arrived)
        out[when] = after
    return out


def generate_monthly(
    n_staff: int,
    *,
    seed: int,
    snapshot_dates: Sequence[date],
    organisation: str,
    months_seed: int = MONTHS_SEED,
    positive_action_from: date | None = None,
    with_service: bool = True,
    profile: Literal["acute", "community"] = "acute",
) -> dict[date, pd.DataFrame]:
    """Month-end exports (``ESR_COLUMNS``) from the first yearly snapshot to the last.

    The yearly snapshots are those of :func:`tools.synthetic.people.generate_trust`
    with the same arguments, row for row; the month-ends between them place
    each year's leavers, joiners and promotions in months (see the module
    docstring).

    Examples
    --------
    >>> frames = generate_monthly(300, seed=1, snapshot_dates=(date(2023, 3, 31), date(2024, 3, 31)),
    ...                           organisation="Test Trust")
    >>> len(frames), min(frames).isoformat(), max(frames).isoformat()
    (13, '2023-03-31', '2024-03-31')
    """
    history = syn.simulate_trust(n_staff, seed=seed, snapshot_dates=snapshot_dates, with_service=with_service,
                                 profile=profile, positive_action_from=positive_action_from)  # fmt: skip
    months = monthly_history(history, seed=months_seed, positive_action_from=positive_action_from)
    return {end: syn.export_rows(people, organisation) for end, people in months.items()}
