"""Making Data Count statistical process control: XmR, p and Laney p′ charts, the special-cause rules, assurance.

:func:`spc` charts every series of a :func:`workforce.trend` result the way NHS
boards read change over time (NHS England's *Making Data Count*): a centre
line, process limits, the near-limit zone, the four special-cause rules and
the direction of each signal (improvement or concern).  :func:`spc_summary`
gives one row per series with the variation and assurance icons of an
integrated performance report.

Charts (written from the published formulas)
--------------------------------------------
``XmR`` (Wheeler, *Understanding Variation*; Making Data Count)
    centre = the mean of the baseline points; moving ranges
    ``|x_i - x_(i-1)|``; limits = centre ± 2.66 × the average moving range;
    the near-limit zone starts two thirds of the way out (centre ± 1.773 ×
    the average moving range).  With ``screen=True`` (the default, as the
    NHS-R NHSRplotthedots package does) moving ranges above 3.267 × their
    average are left out and the average worked out again, once;
    ``screen=False`` counts every moving range, as the Making Data Count
    Excel tool does.
``p`` (p-chart: a proportion with its denominator at each point)
    centre p̄ = Σ events / Σ n over the baseline; limits p̄ ± 3 σ_i with
    σ_i = √(p̄(1 − p̄)/n_i), clipped to 0 and 1, so they narrow where n is
    larger; near-limit zone p̄ ± 2 σ_i.
``p'`` (Laney 2002, for large denominators)
    z_i = (p_i − p̄)/σ_i; σ_z = the average moving range of the z_i / 1.128
    (screened as for XmR); limits p̄ ± 3 σ_i σ_z.  With very large n a
    p-chart's limits are so narrow that every point is "outside"; p′ scales
    them by the variation actually seen between points.

``chart="auto"`` charts a proportion whose points carry their counts (value
= events / n) on a p-chart, or a p′-chart when the mean denominator of its
baseline points is at least ``laney_n`` (1,000); ratios, annualised rates and
series without counts go on XmR charts.

Rules (in this order; each flags every point of its run)
--------------------------------------------------------
1. ``outside``: a point above the upper or below the lower limit.
2. ``trend``: ``rule_length`` (7; 6 as an option) points in a row, each
   higher than the one before (or each lower).  A point equal to the one
   before breaks the run.
3. ``two_of_three``: two of three points in a row beyond the same near-limit
   bound (above ``near_upper``, or below ``near_lower``); the points beyond
   the bound are flagged.
4. ``shift``: ``rule_length`` points in a row on the same side of the centre
   line; a point on the line breaks the run.

The rules run within a phase.  Points with no value (not estimable, or
suppressed) take no part in the limits or the rules: runs and moving ranges
go from one point with a value to the next, so a blank point neither breaks
nor makes a signal.  A special-cause point is high or low by its side of the
centre line (rules 1, 3, 4), or, flagged by a trend only, by the trend's
direction; in the series' improvement direction it is "improvement",
against it "concern", and with no direction "neither".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal, NamedTuple, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, ResultSpec, columns
from .._wording import option
from ..errors import WorkforceError
from ._trend import SERIES_KEYS, TREND

__all__ = ["spc", "spc_summary", "SPC", "SPC_SUMMARY", "SPC_COLUMNS", "SPC_SUMMARY_COLUMNS", "xmr_limits",
           "p_limits", "spc_rules", "XmRLimits", "PLimits", "Signals", "VARIATIONS", "ICONS", "ASSURANCES"]

#: XmR constants: limits at 3 sigma = 3 / d2 (1.128) = 2.66 average moving ranges; screening at D4 = 3.267.
E2, D2, D4 = 2.66, 1.128, 3.267
#: The near-limit zone: this share of the way from the centre line to each limit (2 sigma of 3).
NEAR = 2 / 3
CHARTS = ("p", "p'", "XmR")
DIRECTIONS = ("increase", "decrease", "neither")
VARIATIONS = ("improvement", "concern", "neither", "common cause")
ICONS = ("common cause", "improvement (high)", "improvement (low)", "concern (high)", "concern (low)",
         "neither (high)", "neither (low)")
ASSURANCES = ("consistently passing", "consistently failing", "inconsistent", "no target")
RULES = ("outside", "trend", "two_of_three", "shift")
REFERENCES = ("NHS England, Making Data Count (2019) and its Excel SPC tool; D. J. Wheeler, Understanding Variation "
              "(1993); D. B. Laney, Improved control charts for attributes, Quality Engineering 14 (2002) 531-537")
_SCREEN_ON = ("on: moving ranges above 3.267 x their average are left out and the average worked out again, once "
              "(as NHSRplotthedots does)")
_SCREEN_OFF = "off: every moving range counts (as the Making Data Count Excel tool does)"


# ---------------------------------------------------------------- the engine


class XmRLimits(NamedTuple):
    """The centre line and limits of an XmR chart (``nan`` from fewer than 2 values)."""

    centre: float
    lower: float
    upper: float
    near_lower: float
    near_upper: float
    average_moving_range: float


class PLimits(NamedTuple):
    """The centre line of a p or p′ chart, and its limits at each denominator asked for."""

    centre: float
    lower: np.ndarray
    upper: np.ndarray
    near_lower: np.ndarray
    near_upper: np.ndarray
    sigma_z: float


class Signals(NamedTuple):
    """The special-cause rules at each point (False where there is no value), and each signal's direction.

    ``high`` is +1 for a special cause above (or a rising trend), -1 below, 0 for no special cause.
    """

    outside: np.ndarray
    trend: np.ndarray
    two_of_three: np.ndarray
    shift: np.ndarray
    high: np.ndarray

    @property
    def special_cause(self) -> np.ndarray:
        """Any rule."""
        return self.outside | self.trend | self.two_of_three | self.shift


def _average_moving_range(x: np.ndarray, screen: bool) -> float:
    moving = np.abs(np.diff(x))
    average = float(moving.mean())
    if screen:
        average = float(moving[moving <= D4 * average].mean())
    return average


def xmr_limits(values: npt.ArrayLike, *, screen: bool = True) -> XmRLimits:
    """The centre line and process limits of an XmR chart.

    Parameters
    ----------
    values : array_like
        The baseline points in time order; missing values (``nan``) are
        skipped (moving ranges go from one value to the next).
    screen : bool
        Leave out moving ranges above 3.267 × their average and work the
        average out again, once (NHSRplotthedots' default); False counts them
        all (the Making Data Count Excel tool).

    Returns
    -------
    XmRLimits
        centre (the mean), lower and upper (centre ∓ 2.66 × the average moving
        range), near_lower and near_upper (two thirds of the way out), and the
        average moving range; all ``nan`` from fewer than 2 values.

    Examples
    --------
    The NHSRplotthedots vignette series:

    >>> x = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    >>> [round(v, 2) for v in xmr_limits(x)[:3]]
    [1.94, -0.72, 4.6]
    >>> [round(v, 2) for v in xmr_limits(x, screen=False)[:3]]
    [1.94, -3.06, 6.95]
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return XmRLimits(*[float("nan")] * 6)
    centre, amr = float(x.mean()), _average_moving_range(x, screen)
    return XmRLimits(centre, centre - E2 * amr, centre + E2 * amr, centre - NEAR * E2 * amr,
                     centre + NEAR * E2 * amr, amr)


def p_limits(events: npt.ArrayLike, n: npt.ArrayLike, *, laney: bool = False, screen: bool = True,
             at: npt.ArrayLike | None = None) -> PLimits:
    """The centre line of a p-chart (or Laney's p′) and its limits at each denominator.

    Parameters
    ----------
    events, n : array_like
        The baseline points' numerators and denominators, in time order;
        points with a missing or zero denominator are skipped.
    laney : bool
        Laney's p′: the limits scaled by σ_z, the variation of the points'
        z-scores (their average moving range / 1.128).
    screen : bool
        Screen the z-scores' moving ranges as :func:`xmr_limits` does.
    at : array_like, optional
        The denominators to give limits at (the baseline's own by default);
        ``nan`` limits at a missing or zero one.

    Returns
    -------
    PLimits
        centre p̄ = Σ events / Σ n; lower and upper p̄ ∓ 3 σ_i σ_z and the
        near-limit bounds p̄ ∓ 2 σ_i σ_z, with σ_i = √(p̄(1 − p̄)/n_i), clipped
        to 0 and 1; σ_z (1 for a p-chart).  All ``nan`` from fewer than 2
        points.

    Examples
    --------
    >>> lim = p_limits([10, 12, 8], [100, 120, 80])
    >>> lim.centre, [round(float(v), 4) for v in lim.upper]
    (0.1, [0.19, 0.1822, 0.2006])
    """
    e, m = np.asarray(events, dtype=float), np.asarray(n, dtype=float)
    keep = ~np.isnan(e) & ~np.isnan(m) & (m > 0)
    e, m = e[keep], m[keep]
    where = m if at is None else np.asarray(at, dtype=float)
    nan = np.full(where.shape, np.nan)
    if len(e) < 2:
        return PLimits(float("nan"), nan, nan.copy(), nan.copy(), nan.copy(), float("nan"))
    p = float(e.sum() / m.sum())
    sigma_z = 1.0
    if laney and 0 < p < 1:
        z = (e / m - p) / np.sqrt(p * (1 - p) / m)
        sigma_z = _average_moving_range(z, screen) / D2
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.where(where > 0, np.sqrt(p * (1 - p) / where), np.nan) * sigma_z
    lower, upper = np.clip(p - 3 * sigma, 0, 1), np.clip(p + 3 * sigma, 0, 1)
    near_lower, near_upper = np.clip(p - 2 * sigma, 0, 1), np.clip(p + 2 * sigma, 0, 1)
    return PLimits(p, lower, upper, near_lower, near_upper, float(sigma_z))


def _runs(codes: np.ndarray, length: int) -> np.ndarray:
    """Every element of a run of at least ``length`` equal non-zero codes."""
    if not len(codes):
        return np.zeros(0, dtype=bool)
    run = np.cumsum(np.r_[True, codes[1:] != codes[:-1]]) - 1
    return (codes != 0) & (np.bincount(run)[run] >= length)


def spc_rules(values: npt.ArrayLike, centre: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike,
              near_lower: npt.ArrayLike, near_upper: npt.ArrayLike, *, rule_length: int = 7) -> Signals:
    """The four Making Data Count special-cause rules over one phase's points.

    Parameters
    ----------
    values : array_like
        The points in time order; a missing value (``nan``) is skipped: runs
        go from one value to the next.
    centre, lower, upper, near_lower, near_upper : array_like
        The centre line, limits and near-limit bounds: one value, or one per
        point (a p-chart's).
    rule_length : int
        The points a trend or a shift needs (7; 6 as an option).

    Returns
    -------
    Signals
        Boolean arrays ``outside``, ``trend``, ``two_of_three``, ``shift``
        (rules 1-4, each flagging every point of its run) and ``high`` (the
        direction of each special cause: +1, -1, or 0).

    Examples
    --------
    >>> s = spc_rules([5, 5, 5, 9, 8, 5], 5, 2, 8, 3, 7)
    >>> s.outside.tolist(), s.two_of_three.tolist(), s.high.tolist()
    ([False, False, False, True, False, False], [False, False, False, True, True, False], [0, 0, 0, 1, 1, 0])
    """
    x = np.asarray(values, dtype=float)
    shape = x.shape

    def full(v: npt.ArrayLike) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, dtype=float), shape)

    c, lo, hi, nlo, nhi = full(centre), full(lower), full(upper), full(near_lower), full(near_upper)
    flags = {rule: np.zeros(shape, dtype=bool) for rule in RULES}
    high = np.zeros(shape, dtype=int)
    idx = np.flatnonzero(~np.isnan(x))
    if len(idx):
        v = x[idx]
        flags["outside"][idx] = (v > hi[idx]) | (v < lo[idx])
        side = np.sign(v - c[idx]).astype(int)
        side[np.isnan(v - c[idx])] = 0
        flags["shift"][idx] = _runs(side, rule_length)
        step = np.sign(np.diff(v)).astype(int)
        in_trend, trend_dir = _runs(step, rule_length - 1), np.zeros(len(v), dtype=int)
        trend_dir[:-1][in_trend] = step[in_trend]   # a step flags the points at both its ends ...
        trend_dir[1:][in_trend] = step[in_trend]    # ... and at a peak, the earlier run's direction wins
        flags["trend"][idx] = trend_dir != 0
        two = np.zeros(len(v), dtype=bool)
        for zone in (v > nhi[idx], v < nlo[idx]) if len(v) >= 3 else ():
            hit = np.convolve(zone, np.ones(3, dtype=int), mode="valid") >= 2   # windows of three with two in zone
            near = np.zeros(len(v), dtype=bool)
            for offset in range(3):
                near[offset:offset + len(hit)] |= hit
            two |= zone & near
        flags["two_of_three"][idx] = two
        by_side = flags["outside"][idx] | two | flags["shift"][idx]
        high[idx] = np.where(by_side & (side != 0), side, trend_dir)
    return Signals(flags["outside"], flags["trend"], flags["two_of_three"], flags["shift"], high)


# ---------------------------------------------------------------- specs


def _recompute(table: pd.DataFrame, method: Method) -> pd.DataFrame:
    """The limits and rules made again from the published rows (a suppressed point's value is blank)."""
    return _chart_all(table, table["baseline"].fillna(False).to_numpy(dtype=bool), **_settings(method))


#: What ``spc`` returns: the trend's columns, then the chart's.
SPC = ResultSpec(
    kind=Kind.SPC,
    title="Statistical process control (Making Data Count)",
    columns=TREND.columns + columns(
        ("chart", "str", "p (p-chart), p' (Laney p-prime) or XmR"),
        ("phase", "int64", "1, then 2, 3 ... after each rebase date"),
        ("baseline", "boolean", "TRUE where the point is one of those the phase's limits were calculated from"),
        ("centre", "float64", "the centre line: the mean of the baseline points (a p-chart: their pooled "
                              "proportion)", "as value"),
        ("lower", "float64", "the lower process limit at this point (p-charts: it varies with n)", "as value"),
        ("upper", "float64", "the upper process limit at this point", "as value"),
        ("near_lower", "float64", "the lower near-limit bound: two thirds of the way from the centre to the lower "
                                  "limit", "as value"),
        ("near_upper", "float64", "the upper near-limit bound", "as value"),
        ("trial", "boolean", "TRUE where the phase's limits come from fewer than 12 points (trial limits)"),
        ("outside", "boolean", "rule 1: beyond a process limit"),
        ("trend", "boolean", "rule 2: part of a run of 7 (or 6) points each rising, or each falling"),
        ("two_of_three", "boolean", "rule 3: two of three points in a row beyond the same near-limit bound"),
        ("shift", "boolean", "rule 4: part of a run of 7 (or 6) points on one side of the centre line"),
        ("special_cause", "boolean", "any rule (blank for a point with no value)"),
        ("variation", "str", "improvement, concern, neither (special cause with no better direction) or common "
                             "cause; blank for a point with no value"),
        ("target", "float64", "the target given for the series; blank when none", "as value"),
    ),
    cells=replace(cast(CountCells, TREND.cells),   # the trend's count cells: one per point
                  derived=(Derived(("value", "ci_low", "ci_high", "state"),
                                   ("events", "n", "reference_events", "reference_n")),),
                  recompute=_recompute),
    chart="spc_chart",
)
#: Columns of ``spc(...).table``, always in this order (see :data:`SPC`).
SPC_COLUMNS = SPC.names

#: What ``spc_summary`` returns: one row per series.
SPC_SUMMARY = ResultSpec(
    kind=Kind.SPC_SUMMARY,
    title="Making Data Count summary: variation and assurance",
    columns=columns(
        *[c for c in ((c.name, c.dtype, c.description) for c in TREND.columns) if c[0] in SERIES_KEYS],
        ("latest_date", "datetime64[ns]", "the date of the latest point with a value"),
        ("latest_value", "float64", "its value", "as the series' unit"),
        ("latest_ci_low", "float64", "lower limit of its interval", "as the series' unit"),
        ("latest_ci_high", "float64", "upper limit of its interval", "as the series' unit"),
        ("latest_n", "Int64", "its denominator", "people"),
        ("centre", "float64", "the centre line at the latest point", "as the series' unit"),
        ("lower", "float64", "the lower process limit at the latest point", "as the series' unit"),
        ("upper", "float64", "the upper process limit at the latest point", "as the series' unit"),
        ("target", "float64", "the target; blank when none", "as the series' unit"),
        ("points", "int64", "the points of the series with a value", "points"),
        ("chart", "str", "p, p' or XmR"),
        ("trial", "boolean", "TRUE where the latest phase's limits are trial limits (from fewer than 12 points)"),
        ("variation_icon", "str", "common cause, improvement (high), improvement (low), concern (high), concern "
                                  "(low), neither (high) or neither (low): the latest point's variation"),
        ("assurance", "str", "consistently passing, consistently failing, inconsistent (the target lies between "
                             "the limits) or no target"),
        ("signals", "str", "the rules that fired in the latest phase, in words; empty when none"),
    ),
    source="made from the published spc table",
)
#: Columns of ``spc_summary(...).table``, always in this order (see :data:`SPC_SUMMARY`).
SPC_SUMMARY_COLUMNS = SPC_SUMMARY.names

_TREND_COLUMNS = TREND.names


# ---------------------------------------------------------------- spc


def spc(trend: Result | pd.DataFrame, *, chart: Literal["auto", "p", "p'", "XmR"] = "auto",
        improvement: str | Mapping[Any, str] | None = None, target: float | Mapping[Any, float] | None = None,
        rebase: Sequence[Any] | str | pd.Timestamp = (), baseline: int | str | pd.Timestamp | None = None,
        screen: bool = True, rule_length: int = 7, trial_below: int = 12, laney_n: float = 1000,
        confidence: float | None = None) -> Result:
    """Chart every series of a trend the Making Data Count way: limits, special causes, improvement or concern.

    Parameters
    ----------
    trend : Result or pandas.DataFrame
        A :func:`workforce.trend` result, or a table with its columns.  Each
        series (organisation, characteristic, measure, tier, group) is
        charted on its own, its points in date order.
    chart : {"auto", "p", "p'", "XmR"}
        "auto": a proportion with its counts on a p-chart, or Laney's p′
        when the mean denominator of its baseline is at least ``laney_n``;
        everything else (ratios, annualised rates, no counts) on XmR.  "p" or
        "p'" puts every proportion with counts on that chart (the rest stay
        XmR); "XmR" puts every series on XmR.
    improvement : str or dict, optional
        The better direction, "increase", "decrease" or "neither": one for
        every series, or a dict keyed by measure (or by the series' key
        tuple).  By default the trend's ``improvement`` column.
    target : float or dict, optional
        One target for every series, or a dict keyed by measure or by the
        series' key tuple (organisation, characteristic, measure, tier,
        group).  A series needs a better direction to be given a target.
    rebase : sequence of dates
        Each starts a new phase with its own limits (a positive action
        programme's start, say).  A date between snapshots starts the phase
        at the first point on or after it.
    baseline : int or date, optional
        The points the limits are calculated from, which then extend forward
        (fixing limits before an intervention): an int takes the first that
        many points with a value of each phase; a date the points up to it
        (a phase starting after it uses all its points).  By default every
        point.
    screen : bool
        Screen moving ranges (see :func:`xmr_limits`): True (default) as
        NHSRplotthedots does, False to match the Making Data Count Excel tool.
    rule_length : int
        Points in a row for a trend or a shift: 7 (Making Data Count), or 6.
    trial_below : int
        A phase whose limits come from fewer baseline points has trial limits.
    laney_n : float
        The mean denominator from which "auto" uses p′ rather than p.
    confidence : float, optional
        The level of the points' intervals, as recorded in ``.method`` (the
        trend's by default); the process limits are always 3 sigma.

    Returns
    -------
    Result
        ``.table`` has the columns :data:`SPC_COLUMNS` (the trend's, then
        the chart's), one row per point.  A phase with fewer than 2 points
        with a value has no limits, no rules and "common cause" throughout;
        a point with no value has no rules and no variation.  ``.method``
        records the charts, screening, rules, rebase and baseline, and the
        references.

    Raises
    ------
    WorkforceError
        For a table without the trend's columns, two points of a series on
        one date, or an option out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> x = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    >>> t = pd.DataFrame({"organisation": "Trust A", "characteristic": "ethnicity", "measure": "score",
    ...                   "tier": "All staff", "group": "BME", "period_start": pd.NaT,
    ...                   "snapshot_date": pd.date_range("2023-01-31", periods=18, freq="ME"), "value": x,
    ...                   "ci_low": float("nan"), "ci_high": float("nan"), "events": pd.NA, "n": pd.NA,
    ...                   "reference_events": pd.NA, "reference_n": pd.NA, "unit": "ratio",
    ...                   "improvement": "increase", "state": "estimated"})
    >>> row = spc(t).table.iloc[4]
    >>> row["chart"], round(float(row["upper"]), 2), bool(row["outside"]), row["variation"]
    ('XmR', 4.6, True, 'improvement')
    """
    frame, base = _trend_frame(trend)
    _check_options(chart, rule_length, trial_below, baseline, confidence, laney_n)
    t = _ordered(frame)
    t["improvement"] = _directions(t, improvement)
    t["target"] = _targets(t, target)
    series = t.groupby(list(SERIES_KEYS), sort=False, dropna=False).ngroup().to_numpy()
    rebase_dates = _dates(rebase, "rebase")
    t["phase"] = _phases(t, series, rebase_dates)
    window = _baseline_window(t, series, baseline)
    t["chart"] = _charts(t, series, window, chart, laney_n)
    settings: dict[str, Any] = {"screen": bool(screen), "rule_length": int(rule_length),
                                "trial_below": int(trial_below)}
    t = _chart_all(t, window, **settings)
    used = t.drop_duplicates(list(SERIES_KEYS))["chart"].value_counts()
    notes = _notes(t, series, chart, laney_n, settings, rebase_dates, baseline, improvement)
    notes["charts used"] = {c: int(used[c]) for c in CHARTS if c in used.index}
    method = replace(base.with_notes(**notes), confidence=confidence if confidence is not None else base.confidence)
    return Result(table=t[SPC_COLUMNS], spec=SPC, method=method,
                  benchmark=trend.benchmark if isinstance(trend, Result) else {})


def _trend_frame(trend: Result | pd.DataFrame) -> tuple[pd.DataFrame, Method]:
    if isinstance(trend, Result):
        if trend.kind not in (Kind.TREND, Kind.SPC):
            raise WorkforceError(f"spc charts the series of a trend (workforce.trend), not a {trend.kind} result.")
        return trend.table, trend.method
    if not isinstance(trend, pd.DataFrame):
        raise WorkforceError(f"spc charts a trend (workforce.trend) or a table with its columns, not "
                             f"{type(trend).__name__}.")
    missing = [c for c in _TREND_COLUMNS if c not in trend.columns]
    if missing:
        raise WorkforceError(f"the table to chart has no column {', '.join(missing)}; it needs the columns of a "
                             f"trend ({', '.join(_TREND_COLUMNS)}). Make it with workforce.trend.")
    return trend, Method()


def _check_options(chart, rule_length, trial_below, baseline, confidence, laney_n) -> None:
    if chart not in ("auto",) + CHARTS:
        raise WorkforceError(f"chart must be 'auto', 'p', \"p'\" or 'XmR', not {chart!r}.")
    for name, value, least in (("rule_length", rule_length, 3), ("trial_below", trial_below, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise WorkforceError(f"{name} must be a whole number of at least {least} (Making Data Count uses "
                                 f"{7 if name == 'rule_length' else 12}), not {value!r}.")
    if isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool) and baseline < 2:
        raise WorkforceError(f"a baseline needs at least 2 points to give limits, not {baseline!r}; give "
                             f"{option('baseline', '12')} points or a date.")
    if confidence is not None and not 0 < confidence < 1:
        raise WorkforceError(f"confidence must be between 0 and 1 (for example 0.95), not {confidence!r}.")
    if not isinstance(laney_n, (int, float, np.number)) or laney_n <= 0:
        raise WorkforceError(f"laney_n must be a positive number (the mean denominator from which p' is used), "
                             f"not {laney_n!r}.")


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """The trend columns, typed, series in order of first appearance and points by date; no date twice."""
    t = frame[_TREND_COLUMNS].reset_index(drop=True).copy()
    for c in ("events", "n", "reference_events", "reference_n"):
        t[c] = pd.to_numeric(t[c], errors="coerce").astype("Int64")
    for c in ("value", "ci_low", "ci_high"):
        t[c] = pd.to_numeric(t[c], errors="coerce").astype("float64")
    for c in ("period_start", "snapshot_date"):
        t[c] = pd.to_datetime(t[c]).astype("datetime64[ns]")
    series = t.groupby(list(SERIES_KEYS), sort=False, dropna=False).ngroup()
    t = t.assign(_series=series).sort_values(["_series", "snapshot_date"], kind="stable")
    twice = t.duplicated(["_series", "snapshot_date"])
    if twice.any():
        row = t[twice].iloc[0]
        raise WorkforceError(f"the series {', '.join(str(row[k]) for k in SERIES_KEYS)} has two points on "
                             f"{row['snapshot_date'].date()}; chart one trend at a time.")
    return t.drop(columns="_series").reset_index(drop=True)


def _series_keys(t: pd.DataFrame) -> list[tuple]:
    return list(zip(*[t[k].astype(object) for k in SERIES_KEYS]))


def _by_series(t: pd.DataFrame, given: Mapping[Any, Any], what: str) -> list[Any]:
    """The value of ``given`` for each row: by its series' key tuple, else its measure (else None)."""
    measures = set(t["measure"].astype(str))
    keys = _series_keys(t)
    unknown = [k for k in given if not (k in set(keys) or (isinstance(k, str) and k in measures))]
    if unknown:
        raise WorkforceError(f"{what} is given for {unknown[0]!r}, which is neither a measure of the trend nor a "
                             f"series of it; the measures are {', '.join(sorted(measures))}.")
    return [given.get(k, given.get(m)) for k, m in zip(keys, t["measure"].astype(str))]


def _directions(t: pd.DataFrame, improvement: str | Mapping[Any, str] | None) -> pd.Series:
    given = t["improvement"].astype(object).where(t["improvement"].notna(), "neither")
    if isinstance(improvement, str):
        given = pd.Series(improvement, index=t.index, dtype=object)
    elif improvement is not None:
        chosen = _by_series(t, improvement, "improvement")
        given = pd.Series([c if c is not None else g for c, g in zip(chosen, given)], index=t.index, dtype=object)
    bad = sorted(set(given) - set(DIRECTIONS), key=str)
    if bad:
        raise WorkforceError(f"the improvement direction must be 'increase', 'decrease' or 'neither', not "
                             f"{bad[0]!r}.")
    return given


def _targets(t: pd.DataFrame, target: float | Mapping[Any, float] | None) -> np.ndarray:
    if target is None:
        out = np.full(len(t), np.nan)
    elif isinstance(target, Mapping):
        out = np.array([np.nan if v is None else v for v in _by_series(t, target, "a target")], dtype=float)
    else:
        out = np.full(len(t), float(target))
    lost = ~np.isnan(out) & (t["improvement"].to_numpy() == "neither")
    if lost.any():
        measure = t["measure"].to_numpy()[lost][0]
        raise WorkforceError(f"a target is given for {measure}, which has no better direction, so passing or "
                             f"failing it means nothing. Say which way is better with "
                             f"{option('improvement', 'increase')} (or one per measure), or give targets only for "
                             "the measures that have a direction.")
    return out


def _dates(values: Any, name: str) -> list[pd.Timestamp]:
    items = values if pd.api.types.is_list_like(values) else [values]
    out = []
    for value in items:
        try:
            out.append(pd.Timestamp(value))
        except (ValueError, TypeError):
            raise WorkforceError(f"{name} must be dates (for example 2024-04-01), not {value!r}.") from None
    return sorted(out)


def _phases(t: pd.DataFrame, series: np.ndarray, rebase: list[pd.Timestamp]) -> np.ndarray:
    """Phase 1, 2 ... of each point: a new one at each rebase date (numbered densely within the series)."""
    raw = np.searchsorted(np.array(rebase, dtype="datetime64[ns]"), t["snapshot_date"].to_numpy(), side="right")
    return pd.Series(raw).groupby(series).rank(method="dense").astype("int64").to_numpy()


def _baseline_window(t: pd.DataFrame, series: np.ndarray, baseline: Any) -> np.ndarray:
    """The points the limits may be calculated from (before the points with no value are left out)."""
    has_value = t["value"].notna().to_numpy()
    if baseline is None:
        return np.ones(len(t), dtype=bool)
    phase = pd.Series(list(zip(series, t["phase"])))
    if isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool):
        counted = pd.Series(has_value.astype(int)).groupby(phase).cumsum().to_numpy()
        return counted <= baseline
    (up_to,) = _dates(baseline, "baseline")
    early = (t["snapshot_date"] <= up_to).to_numpy()
    any_early = pd.Series(early).groupby(phase).transform("any").to_numpy(dtype=bool)
    return early | ~any_early


def _charts(t: pd.DataFrame, series: np.ndarray, window: np.ndarray, chart: str, laney_n: float) -> np.ndarray:
    """The chart of each series: p or p' for a proportion whose points are events / n, XmR for the rest."""
    out = np.empty(len(t), dtype=object)
    value = t["value"].to_numpy(dtype=float)
    events, n = t["events"].to_numpy(dtype=float, na_value=np.nan), t["n"].to_numpy(dtype=float, na_value=np.nan)
    unit = t["unit"].astype(str).to_numpy()
    phase = t["phase"].to_numpy()
    for rows in pd.Series(np.arange(len(t))).groupby(series).indices.values():
        has = ~np.isnan(value[rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            counted = np.isclose(value[rows][has], events[rows][has] / n[rows][has], rtol=1e-9, atol=1e-12)
        proportion = (unit[rows] == "proportion").all() and bool(has.any()) and bool(counted.all())
        if chart == "XmR" or not proportion:
            out[rows] = "XmR"
        elif chart in ("p", "p'"):
            out[rows] = chart
        else:
            first = rows[(phase[rows] == 1) & window[rows] & ~np.isnan(value[rows])]
            out[rows] = "p'" if len(first) and n[first].mean() >= laney_n else "p"
    return out


def _settings(method: Method) -> dict[str, Any]:
    """The chart settings recorded in a method (to make the chart again after suppression)."""
    return {"screen": str(method.get("screening", "on")).startswith("on"),
            "rule_length": int(method.get("rule length", 7)),
            "trial_below": int(method.get("points for firm limits", 12))}


def _chart_all(table: pd.DataFrame, window: np.ndarray, *, screen: bool, rule_length: int,
               trial_below: int) -> pd.DataFrame:
    """The SPC columns of every point, each phase of each series on its own chart (other columns kept)."""
    t = table.copy()
    size = len(t)
    value = t["value"].to_numpy(dtype=float)
    events = pd.to_numeric(t["events"]).to_numpy(dtype=float, na_value=np.nan)
    n = pd.to_numeric(t["n"]).to_numpy(dtype=float, na_value=np.nan)
    dates = t["snapshot_date"].to_numpy()
    charts = t["chart"].astype(str).to_numpy()
    lines = {k: np.full(size, np.nan) for k in ("centre", "lower", "upper", "near_lower", "near_upper")}
    flags = {k: np.zeros(size, dtype=bool) for k in RULES}
    used, trial, high = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool), np.zeros(size, dtype=int)
    groups = t.groupby(list(SERIES_KEYS) + ["phase"], sort=False, dropna=False).indices
    for found_rows in groups.values():
        rows: np.ndarray = np.asarray(found_rows)[np.argsort(dates[found_rows], kind="stable")]
        proportion = str(charts[rows[0]]) in ("p", "p'")
        usable = ~np.isnan(value[rows]) & (~np.isnan(events[rows]) & ~np.isnan(n[rows]) if proportion else True)
        base = rows[usable & window[rows]]
        used[base] = True
        trial[rows] = len(base) < trial_below
        if len(base) < 2:
            continue
        if proportion:
            pl = p_limits(events[base], n[base], laney=charts[rows[0]] == "p'", screen=screen, at=n[rows])
            found = {"centre": np.full(len(rows), pl.centre), "lower": pl.lower, "upper": pl.upper,
                     "near_lower": pl.near_lower, "near_upper": pl.near_upper}
        else:
            xl = xmr_limits(value[base], screen=screen)
            found = {k: np.full(len(rows), getattr(xl, k)) for k in lines}
        for k in lines:
            lines[k][rows] = found[k]
        s = spc_rules(np.where(usable, value[rows], np.nan), found["centre"], found["lower"], found["upper"],
                      found["near_lower"], found["near_upper"], rule_length=rule_length)
        for k in RULES:
            flags[k][rows] = getattr(s, k)
        high[rows] = s.high
    for k, v in lines.items():
        t[k] = v
    blank = np.isnan(value)
    t["baseline"] = pd.array(used, dtype="boolean")
    t["trial"] = pd.array(trial, dtype="boolean")
    special = flags["outside"] | flags["trend"] | flags["two_of_three"] | flags["shift"]
    for k, v in {**flags, "special_cause": special}.items():
        column = pd.array(v, dtype="boolean")
        column[blank] = pd.NA
        t[k] = column
    better = t["improvement"].map({"increase": 1, "decrease": -1}).fillna(0).to_numpy(dtype=int)
    variation = np.where(~special, "common cause",
                         np.where((better == 0) | (high == 0), "neither",
                                  np.where(better * high > 0, "improvement", "concern"))).astype(object)
    variation[blank] = None
    t["variation"] = variation
    t["phase"] = t["phase"].astype("int64")
    t["target"] = t["target"].astype("float64")
    return t


def _notes(t: pd.DataFrame, series: np.ndarray, chart: str, laney_n: float, settings: dict[str, Any],
           rebase: list[pd.Timestamp], baseline: Any, improvement: Any) -> dict[str, Any]:
    length = settings["rule_length"]
    auto = (f"a proportion whose points carry their counts (value = events / n) on a p-chart, or Laney's p' when "
            f"the mean denominator of its first phase's baseline points is at least {laney_n:,g}; ratios, "
            "annualised rates and series without counts on XmR charts")
    chosen = {"auto": auto, "XmR": "every series on an XmR chart (asked for)",
              "p": "every proportion with its counts on a p-chart (asked for); the other series on XmR charts",
              "p'": "every proportion with its counts on a Laney p' chart (asked for); the other series on XmR charts"}
    notes: dict[str, Any] = {
        "charts": chosen[chart],
        "limits": "XmR: the mean of the baseline points +/- 2.66 x their average moving range; p: the pooled "
                  "proportion p = sum of events / sum of n over the baseline +/- 3 x sqrt(p(1 - p)/n) at each "
                  "point, clipped to 0 and 1; p': the p-chart's limits x sigma_z, the average moving range of the "
                  "points' z-scores / 1.128; the near-limit zone two thirds of the way from the centre to each "
                  "limit",
        "screening": _SCREEN_ON if settings["screen"] else _SCREEN_OFF,
        "rules": f"in order: 1 a point outside the limits; 2 a trend of {length} points each rising or each falling "
                 f"(a point equal to the one before breaks it); 3 two of three points in a row beyond the same "
                 f"near-limit bound; 4 a shift of {length} points on one side of the centre line (a point on the "
                 "line breaks it); each within a phase, flagging every point of its run",
        "rule length": length,
        "direction of a signal": "by the point's side of the centre line (rules 1, 3, 4), or a trend's direction; "
                                 "improvement in the better direction, concern against it, neither when there is "
                                 "none",
        "improvement direction": ("from the trend (its improvement column)" if improvement is None
                                  else f"given: {improvement}"),
        "points with no value": "not estimable or suppressed points take no part in the limits or the rules: moving "
                                "ranges and runs go from one point with a value to the next",
        "points for firm limits": settings["trial_below"],
        "trial limits": f"limits calculated from fewer than {settings['trial_below']} points are trial limits",
        "rebase": [str(d.date()) for d in rebase] or "none",
        "baseline": ("every point of each phase" if baseline is None
                     else f"the first {baseline} points with a value of each phase" if isinstance(baseline, int)
                     else f"the points up to {_dates(baseline, 'baseline')[0].date()} (a phase starting after it: "
                          "all its points)") + "; the limits extend forward from them",
        "references": REFERENCES,
    }
    too_few = t[t["baseline"].groupby([series, t["phase"].to_numpy()]).transform("sum").to_numpy() < 2]
    if len(too_few):
        named = too_few.drop_duplicates(list(SERIES_KEYS) + ["phase"])
        listed = "; ".join(", ".join(str(r[k]) for k in SERIES_KEYS) + f" (phase {r['phase']})"
                           for _, r in named.head(5).iterrows())
        notes["no limits"] = (f"{len(named)} phase{'s' if len(named) != 1 else ''} of a series had fewer than 2 "
                              f"points with a value, so no limits and no rules: {listed}"
                              + (" ..." if len(named) > 5 else ""))
    return notes


# ---------------------------------------------------------------- summary

_RULE_WORDS = {"outside": "a point outside the limits", "trend": "a trend of {n} points rising or falling",
               "two_of_three": "two of three points beyond a near-limit bound",
               "shift": "a shift of {n} points on one side of the centre line"}


def spc_summary(spc_result: Result) -> Result:
    """One row per series: its latest point, limits, variation icon and assurance (a board's summary).

    Parameters
    ----------
    spc_result : Result
        From :func:`spc` (in a pack, the suppressed one).

    Returns
    -------
    Result
        ``.table`` has the columns :data:`SPC_SUMMARY_COLUMNS`.  The latest
        point is the latest with a value (a series with none has no latest
        date, value or limits, and 0 points).  ``variation_icon`` is its
        variation, high or low by the side of the centre line its signal is
        on (or its trend's direction); ``assurance`` compares the latest
        phase's limits at that point with the target in the better
        direction: both limits on the good side "consistently passing",
        both on the bad side "consistently failing", the target between them
        (or no limits) "inconsistent"; "no target" without one.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"organisation": "Trust A", "characteristic": "ethnicity", "measure": "score",
    ...                   "tier": "All staff", "group": "BME", "period_start": pd.NaT,
    ...                   "snapshot_date": pd.date_range("2023-01-31", periods=6, freq="ME"),
    ...                   "value": [5.0, 6, 5, 6, 5, 6], "ci_low": float("nan"), "ci_high": float("nan"),
    ...                   "events": pd.NA, "n": pd.NA, "reference_events": pd.NA, "reference_n": pd.NA,
    ...                   "unit": "ratio", "improvement": "increase", "state": "estimated"})
    >>> row = spc_summary(spc(t, target=2.0)).table.iloc[0]
    >>> row["variation_icon"], row["assurance"], bool(row["trial"])
    ('common cause', 'consistently passing', True)
    """
    if not isinstance(spc_result, Result) or spc_result.kind != Kind.SPC:
        kind = spc_result.kind if isinstance(spc_result, Result) else type(spc_result).__name__
        raise WorkforceError(f"spc_summary summarises an spc result (workforce.spc), not {kind}.")
    length = int(spc_result.method.get("rule length", 7))
    table = _summary(spc_result.table, length)
    notes = {"variation icon": "the latest point's variation (common cause, improvement, concern or neither), high "
                               "or low by the side of the centre line of its signal (a trend: its direction)",
             "assurance": "the latest phase's limits at the latest point against the target, in the better "
                          "direction: both on the good side, consistently passing; both on the bad side, "
                          "consistently failing; the target between them (or no limits), inconsistent"}
    return Result(table=table, spec=SPC_SUMMARY, method=spc_result.method.with_notes(**notes),
                  benchmark=spc_result.benchmark)


def _summary(table: pd.DataFrame, length: int) -> pd.DataFrame:
    """One row per series, from its latest point with a value (or, with none, its last point)."""
    series = table.groupby(list(SERIES_KEYS), sort=False, dropna=False).ngroup().to_numpy()
    t = table.assign(_series=series).sort_values(["_series", "snapshot_date"], kind="stable").reset_index(drop=True)
    series, phase = t["_series"].to_numpy(), t["phase"].to_numpy()
    value = t["value"].to_numpy(dtype=float)
    shown = ~np.isnan(value)
    position = np.arange(len(t))
    last_shown = pd.Series(np.where(shown, position, -1)).groupby(series).max().to_numpy()
    last_any = pd.Series(position).groupby(series).max().to_numpy()
    has = last_shown >= 0
    latest = np.where(has, last_shown, last_any)
    row = t.iloc[latest].reset_index(drop=True)
    # the rules fired in each series' latest phase
    any_rule = t[list(RULES)].fillna(False).astype(bool).groupby([series, phase]).any()
    fired = any_rule.reindex(pd.MultiIndex.from_arrays([series[latest], phase[latest]])).to_numpy(dtype=bool)
    signals = ["; ".join(_RULE_WORDS[r].format(n=length) for r, on in zip(RULES, f) if on) for f in fired]
    # high or low: the side of the centre line, or (a trend alone, or on the line) the step from the point before
    before = np.full(len(t), np.nan)
    before[shown] = pd.Series(value[shown]).groupby([series[shown], phase[shown]]).shift().to_numpy()
    side = np.sign(row["value"].to_numpy(dtype=float) - row["centre"].to_numpy(dtype=float))
    by_side = row[["outside", "two_of_three", "shift"]].fillna(False).astype(bool).any(axis=1).to_numpy()
    step = np.sign(row["value"].to_numpy(dtype=float) - before[latest])
    side = np.where((~by_side | (side == 0)) & ~np.isnan(step), step, side)
    variation = row["variation"].where(has & row["variation"].notna(), "common cause").astype(object).to_numpy()
    icon = np.where(variation == "common cause", "common cause",
                    variation + np.where(side < 0, " (low)", " (high)").astype(object))
    target, lower, upper = (row[c].to_numpy(dtype=float) for c in ("target", "lower", "upper"))
    better = row["improvement"].map({"increase": 1, "decrease": -1}).fillna(0).to_numpy()
    with np.errstate(invalid="ignore"):
        clear = (target < lower) | (target > upper)   # False where there are no limits
        assurance = np.where(np.isnan(target), "no target",
                             np.where(~clear, "inconsistent",
                                      np.where((target < lower) == (better > 0), "consistently passing",
                                               "consistently failing")))
    nan = np.where(has, 1.0, np.nan)
    out = pd.DataFrame({k: row[k] for k in SERIES_KEYS})
    out["latest_date"] = row["snapshot_date"].where(has)
    for name, column in (("latest_value", "value"), ("latest_ci_low", "ci_low"), ("latest_ci_high", "ci_high"),
                         ("centre", "centre"), ("lower", "lower"), ("upper", "upper")):
        out[name] = row[column].to_numpy(dtype=float) * nan
    out["latest_n"] = row["n"].astype("Int64").where(has)
    out["target"] = target
    out["points"] = np.bincount(series, weights=shown, minlength=len(row)).astype("int64")[:len(row)]
    out["chart"] = row["chart"].astype(object)
    out["trial"] = row["trial"].astype("boolean")
    out["variation_icon"], out["assurance"], out["signals"] = icon.astype(object), assurance.astype(object), signals
    out = out[SPC_SUMMARY_COLUMNS]
    for c in SPC_SUMMARY.columns:
        dtype: Any = c.dtype if c.dtype != "str" else object
        out[c.name] = out[c.name].astype(dtype)
    return out
