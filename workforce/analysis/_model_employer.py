"""Model Employer-style trajectories: how many appointments reach a senior-band target by a year.

*A Model Employer* (NHS England/Improvement, January 2019) asked each NHS
organisation to set targets for BME representation at senior levels (band 8a
and above, with VSM), with the national aim that senior staff match the BME
share of the workforce by 2028.  NHS England gave trusts a goal-setting tool
whose formula has not been published (domain definitions, section 2), so this
is **Model Employer-style**, not the official tool: the published parity aim
with equal yearly steps, and the arithmetic below written out so it can be
checked by hand.

For each senior band b (8a, 8b, 8c, 8d, 9, VSM, and all of them together as
"8a+"), at each organisation's latest snapshot (year ``y0``), with target
year ``Y``, target share ``T`` and yearly leaver rate ``r``::

    k       staff in the band whose group is known (held at today's figure)
    c       of whom in the compared group (BME, Disabled or Female)
    p0      = c / k                                  today's share
    p(y)    = p0 + (T - p0) * (y - y0) / (Y - y0)    the straight-line trajectory
              (p0 where p0 is already at or above T: the plan never asks for fewer)
    R(y)    = ceil(p(y) * k)                          compared-group staff needed in year y,
              whole people (R(y0) = c)
    E(y)    = R(y-1) * r                              of whom expected to leave during year y
    A(y)    = max(0, ceil(R(y) - R(y-1) + E(y)))      appointments or promotions of
              compared-group staff into the band needed in year y

so ``A(y)`` replaces the expected leavers and adds the year's step up the
trajectory, assuming the previous year's figure was reached.  Shares use the
staff whose group is known (the unknowns are in ``headcount - known``).
Headcount is held at today's; people promoted out of a band to the one above
are not counted as losing the band (the band above counts them as gains).

The leaver rate is, by default, observed: among staff in senior bands
(8a and above) at one snapshot, the share not in the organisation at the
next, pooled over the organisation's consecutive snapshots and turned into a
yearly rate ``r = 1 - (1 - q) ** (1 / t)`` for a share ``q`` over periods of
``t`` years on average.  With one snapshot, give ``leaver_rate=``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, Margin, Part, ResultSpec, columns, where_in, where_not_in
from ..codes import BANDS
from ..errors import WorkforceError
from ..populations import Benchmark
from ._progression import CHARACTERISTICS, Characteristic, _bank, _codes, _grade_codes, _groups, _link, _people

if TYPE_CHECKING:
    from ..load import StaffTable

__all__ = ["model_employer", "MODEL_EMPLOYER_COLUMNS", "MODEL_EMPLOYER_BANDS"]

#: Senior bands the trajectories are made for, then all of them together.
MODEL_EMPLOYER_BANDS = ("8a", "8b", "8c", "8d", "9", "VSM", "8a+")
_SENIOR_CODES = {b: [BANDS.index(b)] for b in MODEL_EMPLOYER_BANDS[:-1]}
_SENIOR_CODES["8a+"] = [BANDS.index(b) for b in MODEL_EMPLOYER_BANDS[:-1]]

_BAND = ("organisation", "split", "band")
_ME_COUNTS = ("headcount", "known", "count_today", "_unknown", "_other")


def _me_cells() -> CountCells:
    """Each band's counts (the same in every year's row), and how they add up.

    headcount = known + unknown, known = the group + the rest; the bands add up to the 8a+ row.
    """
    senior, bands = where_in("band", "8a+"), where_not_in("band", "8a+")
    margins = [Margin(Part("headcount"), (Part("known"), Part("_unknown")), _BAND),
               Margin(Part("known"), (Part("count_today"), Part("_other")), _BAND)]
    margins += [Margin(Part(c, senior), (Part(c, bands),), ("organisation", "split")) for c in _ME_COUNTS]
    figures = ("share_today", "trajectory_share", "required_count", "expected_leavers", "appointments_needed")
    return CountCells(
        counts={c: _BAND for c in _ME_COUNTS},
        hidden={"_unknown": lambda t: t["headcount"] - t["known"], "_other": lambda t: t["known"] - t["count_today"]},
        margins=tuple(margins),
        derived=(Derived(figures, _ME_COUNTS, within=_BAND),),
    )


#: What ``model_employer`` returns: one row per organisation, split, senior band and year.
MODEL_EMPLOYER = ResultSpec(
    kind=Kind.MODEL_EMPLOYER,
    title="Model Employer-style trajectories",
    columns=columns(
        ("organisation", "str", "the organisation"),
        ("split", "str", "All staff, or Clinical / Non-clinical with split_clinical=True"),
        ("band", "str", "the senior band (8a ... VSM), or 8a+ for all of them"),
        ("year", "int64", "the year (today's, then each year to the target year)"),
        ("headcount", "int64", "people on the band today"),
        ("known", "int64", "of them, people whose group is known"),
        ("count_today", "int64", "of them, people of the compared group (BME, Disabled ...)"),
        ("share_today", "float64", "count_today / known"),
        ("target_share", "float64", "the target share by the target year"),
        ("trajectory_share", "float64", "the share on the straight-line trajectory in this year"),
        ("required_count", "int64", "people of the group needed on the band in this year: ceil(share x known)"),
        ("leaver_rate", "float64", "the yearly leaver rate used"),
        ("expected_leavers", "float64", "expected leavers of the group in this year"),
        ("appointments_needed", "Int64", "appointments or promotions of the group needed in this year"),
        ("target", "str", "how the target was set"),
    ),
    cells=_me_cells(),
    chart="trajectory_chart",
)
#: Columns of ``model_employer(...).table``, always in this order (see :data:`MODEL_EMPLOYER`).
MODEL_EMPLOYER_COLUMNS = MODEL_EMPLOYER.names


def model_employer(staff: StaffTable | pd.DataFrame, *, target: Literal["parity"] | float | Benchmark = "parity",
                   target_year: int = 2028, characteristic: Characteristic = "ethnicity",
                   leaver_rate: float | None = None, split_clinical: bool = False,
                   include_bank: bool = False) -> Result:
    """Model Employer-style trajectories for the senior bands, and the appointments they need.

    See the module docstring for the arithmetic; "Model Employer-style"
    because NHS England's goal-setting tool is not public.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff`.  Each organisation's latest
        snapshot gives today's figures; two or more snapshots give the
        observed leaver rate.
    target : "parity", float or Benchmark
        ``"parity"`` (default): the organisation's overall share of the
        compared group (all staff with a known group, doctors included, at
        the latest snapshot), as in "senior staff will at least match the
        BME composition of our overall workforce".  A number between 0 and 1:
        a target share of your own.  A population benchmark from
        :func:`workforce.population`: its BME share (level "wres"), or its
        female share for ``characteristic="sex"``.
    target_year : int
        The year the target is reached (2028 in *A Model Employer*).
    characteristic : {"ethnicity", "disability", "sex"}
        The compared group is BME, Disabled or Female.
    leaver_rate : float, optional
        Yearly leaver rate to use instead of the observed one (needed with one
        snapshot).
    split_clinical : bool
        Make trajectories for clinical and non-clinical staff separately
        (each against the same target), as WRES indicator 1 is reported.
    include_bank : bool
        Count people whose only assignments are bank (left out by default).

    Returns
    -------
    Result
        ``.table`` has one row per organisation, split, band and year from the
        snapshot's year to ``target_year``, columns
        :data:`MODEL_EMPLOYER_COLUMNS`: ``headcount`` (everyone in the band),
        ``known``, ``count_today`` and ``share_today`` (c and p0), the
        ``target_share`` (T), ``trajectory_share`` (p(y)), ``required_count``
        (R(y)), ``leaver_rate`` (r), ``expected_leavers`` (E(y)) and
        ``appointments_needed`` (A(y); missing in the snapshot's own year), and
        ``target``, what the target is.

    Raises
    ------
    WorkforceError
        A target year not after the snapshot's year, a target share outside
        0-1, or no leaver rate (one snapshot and no ``leaver_rate=``).

    Examples
    --------
    >>> from workforce import sample_data
    >>> from workforce import load_staff
    >>> files = [sample_data(f"soar_valley_staff_in_post_{year}-03-31.xlsx") for year in (2023, 2024, 2025)]
    >>> staff = load_staff(files, pseudonym_key="example key")
    >>> plan = model_employer(staff).table
    >>> senior = plan[plan["band"] == "8a+"].set_index("year")
    >>> senior[["known", "count_today", "trajectory_share", "required_count", "appointments_needed"]].round(3)
          known  count_today  trajectory_share  required_count  appointments_needed
    year
    2025    421           85             0.202              85                 <NA>
    2026    421           85             0.261             110                   33
    2027    421           85             0.321             135                   35
    2028    421           85             0.380             160                   37
    """
    if characteristic not in CHARACTERISTICS:
        raise WorkforceError(f"characteristic must be one of {list(CHARACTERISTICS)}, not {characteristic!r}.")
    people = _people(staff)
    group, (label_a, label_b) = _groups(people, characteristic)
    keep = np.ones(len(people), dtype=bool) if include_bank else ~_bank(people)
    dates = people["snapshot_date"]
    latest = (dates.groupby(people["organisation"], observed=True, dropna=False).transform("max") == dates).to_numpy()
    org_codes, org_dtype = _codes(people, "organisation")
    grade = _grade_codes(people)
    clinical, clinical_dtype = _codes(people, "clinical_group")
    clinical_names = [str(c) for c in clinical_dtype.categories]
    rates = _observed_leaver_rates(people, keep) if leaver_rate is None else {}
    if leaver_rate is not None and not 0 <= leaver_rate < 1:
        raise WorkforceError(f"leaver_rate must be a yearly rate between 0 and 1, not {leaver_rate!r}.")

    frames, targets, notes = [], {}, {}
    for o, name in enumerate(org_dtype.categories):
        now = latest & keep & (org_codes == o)
        if not now.any():
            continue
        name = str(name)
        when = pd.Timestamp(dates.to_numpy()[now][0])
        base = when.year
        if target_year <= base:
            raise WorkforceError(f"target_year {target_year} must be after the latest snapshot's year ({base}, "
                                 f"{name}).")
        known_all = now & (group < 2)
        overall = (group[now] == 1).sum() / known_all.sum() if known_all.any() else np.nan
        share, basis = _target(target, overall, characteristic, label_b)
        targets[name] = basis
        if leaver_rate is not None:
            r = float(leaver_rate)
        elif name in rates:
            r, notes[name] = rates[name]
        else:
            raise WorkforceError(f"{name}: one snapshot only, so no leaver rate can be observed; give leaver_rate= "
                                 "(a yearly rate, for example 0.08), or load two or more years' exports.")
        splits = [("All", np.ones(len(people), dtype=bool))]
        if split_clinical:
            splits = [(s, clinical == clinical_names.index(s)) for s in ("Clinical", "Non-clinical")
                      if s in clinical_names]
        for split, in_split in splits:
            for band in MODEL_EMPLOYER_BANDS:
                in_band = now & in_split & np.isin(grade, _SENIOR_CODES[band])
                frames.append(_trajectory(name, split, band, base, target_year, int(in_band.sum()),
                                          int((in_band & (group < 2)).sum()), int((in_band & (group == 1)).sum()),
                                          share, r, basis))
    if not frames:
        raise WorkforceError("no staff to plan for (after leaving out bank-only staff).")
    table = pd.concat(frames, ignore_index=True)[MODEL_EMPLOYER_COLUMNS]
    method = Method(bank="included" if include_bank else "people with only bank assignments left out", notes={
        "label": "Model Employer-style: follows the published aim of A Model Employer (NHS England/Improvement, "
                 "2019) with equal yearly steps; not NHS England's goal-setting tool, which is not public",
        "characteristic": characteristic,
        "compared group": label_b,
        "targets": targets,
        "target year": target_year,
        "bands": "AfC 8a, 8b, 8c, 8d, 9 and VSM, and 8a+ (all of them)"
                 + ("; clinical and non-clinical separately" if split_clinical else ""),
        "staff": "each organisation's latest snapshot, one row per person"
                 + ("" if include_bank else "; people with only bank assignments left out"),
        "shares": "among staff whose group is known",
        "arithmetic": "p(y) = p0 + (T - p0)(y - y0)/(Y - y0) (p0 if already >= T); R(y) = ceil(p(y) k); "
                      "E(y) = R(y-1) r; A(y) = max(0, ceil(R(y) - R(y-1) + E(y))); headcount held at today's",
        "leaver rate": (f"given: {leaver_rate}" if leaver_rate is not None else
                        "observed: leavers from senior bands (8a+) over consecutive snapshots, made yearly; "
                        + "; ".join(f"{k}: {v}" for k, v in notes.items())),
        "not modelled": "moves between bands (promotion out of a band), growth of headcount",
    })
    return Result(table=table, spec=MODEL_EMPLOYER, method=method)


def _target(target, overall: float, characteristic: str, label: str) -> tuple[float, str]:
    if isinstance(target, str):
        if target != "parity":
            raise WorkforceError(f"target must be 'parity', a share between 0 and 1, or a population benchmark; "
                                 f"not {target!r}.")
        return float(overall), (f"parity with the organisation's overall {label} share ({overall:.1%} of all its "
                                "staff whose group is known, doctors included)")
    if isinstance(target, pd.DataFrame):
        raise WorkforceError("a population target is a Benchmark from workforce.population(...) (an area, or your "
                             "own population table read with workforce.population(table_or_path)), not a DataFrame.")
    if isinstance(target, Benchmark):
        level = {"ethnicity": "wres", "sex": "sex"}.get(characteristic)
        if level is None:
            raise WorkforceError("a population target needs a benchmark from workforce.population(...) and "
                                 "characteristic 'ethnicity' or 'sex' (the census has no disability share here).")
        rows = target.shares(level) if level in target.levels else pd.Series(dtype=float)
        total = rows.sum()
        if rows.empty or total <= 0 or label not in rows.index:
            raise WorkforceError(f"the population benchmark has no '{label}' share at level '{level}'.")
        area = target.area
        share = float(rows[label] / total)
        return share, f"population share of {label} in {area or 'the benchmark'} ({share:.1%})"
    try:
        share = float(target)
    except (TypeError, ValueError):
        raise WorkforceError(f"target must be 'parity', a share between 0 and 1, or a population benchmark; "
                             f"not {target!r}.") from None
    if not 0 <= share <= 1 or math.isnan(share):
        raise WorkforceError(f"a target share must lie between 0 and 1 (0.25 for 25%), not {target!r}.")
    return share, f"a target share of {share:.1%}"


def _observed_leaver_rates(people: pd.DataFrame, keep: np.ndarray) -> dict[str, tuple[float, str]]:
    """Yearly leaver rate among senior-band staff, per organisation with two or more snapshots."""
    dates = people["snapshot_date"]
    several = dates.groupby(people["organisation"], observed=True).nunique()
    if not (several >= 2).any():
        return {}
    links = _link(people)
    senior = np.isin(links.grade, _SENIOR_CODES["8a+"])
    out: dict[str, list[float]] = {}
    for p_index, pair in enumerate(links.pairs):
        at = (links.pair == p_index) & (links.start >= 0)
        rows = links.start[at]
        counted = senior[rows] & keep[rows]
        left = (links.end[at] < 0) & counted
        entry = out.setdefault(pair["organisation"], [0, 0, 0.0])
        entry[0] += int(counted.sum())
        entry[1] += int(left.sum())
        entry[2] += pair["years"] * int(counted.sum())
    rates = {}
    for org, (starters, leavers, weighted_years) in out.items():
        if starters == 0:
            continue
        q = leavers / starters
        years = weighted_years / starters
        r = 1 - (1 - q) ** (1 / years)
        rates[org] = (float(r), f"{leavers} of {starters} left over periods of {years:.2f} years on average, "
                                f"{r:.1%} a year")
    return rates


def _trajectory(org, split, band, base, target_year, headcount, known, count, target, r, basis) -> pd.DataFrame:
    years = np.arange(base, target_year + 1)
    p0 = count / known if known else np.nan
    step = (years - base) / (target_year - base)
    trajectory = np.full(len(years), np.nan) if not known else \
        (p0 + (target - p0) * step if target > p0 else np.full(len(years), p0))
    required = np.zeros(len(years), dtype=np.int64) if not known else \
        np.ceil(trajectory * known - 1e-9).astype(np.int64)
    required[0] = count
    expected = np.concatenate([[np.nan], required[:-1] * r])
    needed = np.concatenate([[0], np.maximum(0, np.ceil(required[1:] - required[:-1] + expected[1:] - 1e-9))])
    mask = np.zeros(len(years), dtype=bool)
    mask[0] = True
    return pd.DataFrame({
        "organisation": org, "split": split, "band": band, "year": years, "headcount": headcount, "known": known,
        "count_today": count, "share_today": p0, "target_share": target, "trajectory_share": trajectory,
        "required_count": required, "leaver_rate": r, "expected_leavers": expected,
        "appointments_needed": pd.arrays.IntegerArray(needed.astype(np.int64), mask), "target": basis,
    })
