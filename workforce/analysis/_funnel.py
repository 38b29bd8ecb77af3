"""Funnel plots across organisations, with over-dispersion (Spiegelhalter 2005).

:func:`funnel` compares many organisations (units) with one target and says
which lie outside control limits that narrow as units grow; :func:`funnel_outliers`
lists them, those doing better than expected first: the services whose models
are worth sharing.

Method (Spiegelhalter 2005, "Funnel plots for comparing institutional
performance", Stat Med 24:1185-1202, and "Handling over-dispersion of
performance indicators", Qual Saf Health Care 14:347-351, as the R package
FunnelPlotR applies them)
-----------------------------------------------------------------------------
* **Scale.**  A proportion p = events / n is put on the arcsine scale,
  y = asin(√p), whose standard error 1 / (2√n) depends on n alone; a relative
  likelihood RL = (a_events / a_total) / (b_events / b_total) on the log scale,
  y = log RL, with the Katz standard error
  s = √(1/a_events − 1/a_total + 1/b_events − 1/b_total).
* **Target** θ0.  ``"pooled"``: for a proportion, Σ events / Σ n over the
  units; for a relative likelihood, the inverse-variance (fixed-effect) mean of
  log RL, Σ w·y / Σ w with w = 1 / s².  Or a number: a national value.
* **z-scores**: z = (y − θ0) / s.
* **Over-dispersion.**  The z-scores are Winsorised (those below the 10th
  percentile set to it, those above the 90th to it: ``winsorise``); φ is the
  mean of their squares.  With I units, the between-unit variance is
  DerSimonian and Laird's τ² = max(0, (I·φ − (I − 1)) / (Σw − Σw² / Σw)),
  an additive random effect.  It is applied when there are at least
  ``min_units`` units (15) and the data show it (I·φ > I − 1); otherwise the
  limits are left unadjusted and ``.method`` says why.
* **Limits** at a unit's size: θ0 ± z_α·√(s² + τ²), back-transformed
  (p = sin²(y), RL = exp(y)); the adjusted z-score is (y − θ0) / √(s² + τ²).
* Units with no one (n = 0), missing counts, or a zero cell of a relative
  likelihood cannot be placed: "not estimable", and left out of the target, φ
  and τ².
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, Margin, Part, ResultSpec, columns
from ..errors import WorkforceError
from . import _binomial
from ._likelihood import relative_likelihoods
from ._stats import z_value

__all__ = ["funnel", "funnel_outliers", "binomial_limit", "FUNNEL", "FUNNEL_COLUMNS"]

MEASURES = ("proportion", "relative likelihood")
_LIKELIHOOD_COUNTS = ("a_events", "a_total", "b_events", "b_total")
_KEY = ("organisation",)
#: Figures placed from a unit's counts (blanked with them by disclosure control).
_PLACED = ("value", "z", "z_adjusted", "lower_95", "upper_95", "lower_998", "upper_998", "position", "better", "state")


def _cells() -> CountCells:
    """Each unit's counts (the b group's shown twice for a relative likelihood), and the figures made from them.

    The hidden ``_rest`` counts (n − events, a_total − a_events) are protected too: a count of those without
    the event is as telling as one of those with it.  ``recompute`` places the published units again, against
    a target, φ and τ² made from them alone.
    """
    return CountCells(
        counts={"events": _KEY, "n": _KEY, "_rest": _KEY, "a_events": _KEY, "a_total": _KEY, "_a_rest": _KEY,
                "b_events": _KEY, "b_total": _KEY},
        spaces={"events": "b events", "b_events": "b events", "n": "b total", "b_total": "b total"},
        hidden={"_rest": lambda t: t["n"] - t["events"], "_a_rest": lambda t: t["a_total"] - t["a_events"]},
        margins=(Margin(Part("n"), (Part("events"), Part("_rest")), _KEY),
                 Margin(Part("a_total"), (Part("a_events"), Part("_a_rest")), _KEY)),
        derived=(Derived(_PLACED, ("events", "n", "a_events", "a_total", "b_events", "b_total")),),
        recompute=lambda table, method: _recompute(table, method),
    )


#: What ``funnel`` returns.
FUNNEL = ResultSpec(
    kind=Kind.FUNNEL,
    title="Organisations against a target: a funnel plot",
    columns=columns(
        ("organisation", "str", "the organisation (unit)"),
        ("measure", "str", "what is compared: the name given (what=), else proportion or relative likelihood"),
        ("events", "Int64", "the numerator: people with the event (for a relative likelihood, group b's)",
         "people"),
        ("n", "Int64", "the denominator: the unit's size (for a relative likelihood, group b's)", "people"),
        ("a_events", "Int64", "a relative likelihood's group a (the numerator group): people with the event; "
                              "blank for a proportion", "people"),
        ("a_total", "Int64", "group a's people; blank for a proportion", "people"),
        ("b_events", "Int64", "group b (the denominator group): people with the event; blank for a proportion",
         "people"),
        ("b_total", "Int64", "group b's people; blank for a proportion", "people"),
        ("value", "float64", "the proportion (events / n) or the relative likelihood "
                             "(a_events / a_total) / (b_events / b_total)", "proportion (0 to 1) or ratio"),
        ("target", "float64", "the target the units are compared with (pooled over the units, or given)",
         "as value"),
        ("z", "float64", "z-score on the arcsine (proportion) or log (relative likelihood) scale, "
                         "(y - target) / s", "standard errors"),
        ("z_adjusted", "float64", "z-score after over-dispersion, (y - target) / sqrt(s^2 + tau^2); "
                                  "equal to z when none is applied", "standard errors"),
        ("lower_95", "float64", "lower 95% control limit at this unit's size", "as value"),
        ("upper_95", "float64", "upper 95% control limit at this unit's size", "as value"),
        ("lower_998", "float64", "lower 99.8% control limit at this unit's size", "as value"),
        ("upper_998", "float64", "upper 99.8% control limit at this unit's size", "as value"),
        ("position", "str", "above the 99.8% limit, above the 95% limit, within the 95% limits, below the 95% "
                            "limit, below the 99.8% limit, or not estimable"),
        ("better", "str", "better than expected, worse than expected (outside a 95% limit, on the side the "
                          "improvement direction says) or as expected; blank when not estimable"),
        ("state", "str", "estimated, or not estimable (no one, a count missing, or a zero cell of a relative "
                         "likelihood)"),
    ),
    cells=_cells(),
    chart="funnel_chart",
)
#: Columns of ``funnel(...).table``, always in this order (see :data:`FUNNEL`).
FUNNEL_COLUMNS = FUNNEL.names

#: The levels of the two control limits, and their columns.
_LEVELS = ((0.95, "95"), (0.998, "998"))
POSITIONS = ("above the 99.8% limit", "above the 95% limit", "within the 95% limits", "below the 95% limit",
             "below the 99.8% limit", "not estimable")


def funnel(units: pd.DataFrame, *, measure: Literal["proportion", "relative likelihood"] = "proportion",
           target: Literal["pooled"] | float = "pooled",
           improvement: Literal["increase", "decrease"] | None = None,
           overdispersion: Literal["auto"] | bool = "auto", min_units: int = 15, winsorise: float = 0.1,
           what: str | None = None) -> Result:
    """Place each organisation against a target, with 95% and 99.8% control limits widened for over-dispersion.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per organisation.  For a proportion: ``organisation``,
        ``events``, ``n``.  For a relative likelihood: ``organisation``,
        ``a_events``, ``a_total``, ``b_events``, ``b_total`` (the likelihood
        counts of :func:`workforce.likelihood_counts`; ``group_a`` and
        ``group_b`` are read when given).  Missing counts (a suppressed
        input) make the unit "not estimable".
    measure : {"proportion", "relative likelihood"}
        A proportion is compared on the arcsine scale, a relative likelihood
        on the log scale (see the module notes).
    target : "pooled" or float
        "pooled": Σ events / Σ n for a proportion, the inverse-variance
        (fixed-effect) mean of log RL for a relative likelihood.  A number:
        a national value (a proportion between 0 and 1, or a ratio above 0).
    improvement : {"increase", "decrease"}, optional
        Which way is better, for the ``better`` column: by default
        "increase" for a proportion (a group's share rising) and "decrease"
        for a relative likelihood (oriented as the official indicators are,
        above 1 the minoritised group is worse off).
    overdispersion : "auto", True or False
        "auto": widen the limits by τ² when there are at least ``min_units``
        estimable units and the data show over-dispersion (I·φ > I − 1).
        True: whenever the data show it, however few the units.  False: never.
    min_units : int
        The fewest units τ² is estimated from with ``"auto"`` (15: with fewer,
        φ says little).
    winsorise : float
        The share of z-scores pulled in at each end before φ is computed
        (0.1: to the 10th and 90th percentiles; 0: none).
    what : str, optional
        What is compared, in words ("BME share of staff at 8a and above",
        "WRES 2"), for the ``measure`` column and the chart; by default the
        ``units.attrs["what"]`` that :func:`workforce.likelihood_counts` sets.

    Returns
    -------
    Result
        Of kind ``funnel``: a table with :data:`FUNNEL_COLUMNS`, one row per
        organisation; ``.method`` gives the scale, the target and where it
        came from, φ, τ², and whether over-dispersion was applied and why.

    Raises
    ------
    WorkforceError
        For a missing column, a repeated organisation, counts that are not
        whole numbers of people or events above their total, or a target out
        of range.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"organisation": ["A", "B", "C"], "events": [30, 120, 12], "n": [100, 300, 80]})
    >>> result = funnel(units)
    >>> print(result.table[["organisation", "value", "position", "better"]].to_string(index=False))
    organisation  value              position               better
               A   0.30 within the 95% limits          as expected
               B   0.40   above the 95% limit better than expected
               C   0.15 below the 99.8% limit  worse than expected
    >>> result.method["over-dispersion"]
    'not applied: 3 organisations, fewer than the 15 needed to estimate it'
    """
    if measure not in MEASURES:
        raise WorkforceError(f"measure must be 'proportion' or 'relative likelihood', not {measure!r}.")
    improvement = improvement or ("increase" if measure == "proportion" else "decrease")
    if improvement not in ("increase", "decrease"):
        raise WorkforceError(f"improvement must be 'increase' or 'decrease' (which way is better), not "
                             f"{improvement!r}.")
    if overdispersion not in ("auto", True, False):
        raise WorkforceError(f"overdispersion must be 'auto', True or False, not {overdispersion!r}.")
    if not 0 <= winsorise < 0.5:
        raise WorkforceError(f"winsorise is the share pulled in at each end, from 0 to below 0.5 (0.1 for 10%), "
                             f"not {winsorise!r}.")
    if isinstance(target, str) and target != "pooled":
        raise WorkforceError(f"target must be 'pooled' or a number (a national value), not {target!r}.")
    table = _units(units, measure)
    what = what or str(units.attrs.get("what") or "")   # likelihood_counts names what it counted
    table.insert(1, "measure", what or measure)
    given = None if target == "pooled" else float(target)
    _check_target(given, measure)
    settings: dict[str, Any] = {"measure": measure, "target given": given, "improvement": improvement,
                                "over-dispersion setting": overdispersion, "minimum units": int(min_units),
                                "winsorise": float(winsorise)}
    placed, notes = _place(table, settings)
    groups = _groups(units) if measure == "relative likelihood" else ""
    method = Method(
        interval=("control limits: target ± z·√(s² + τ²) on the "
                  + ("arcsine scale, back-transformed p = sin²(y)" if measure == "proportion" else
                     "log scale, back-transformed RL = exp(y)")),
        test="z-score against the target (95% and 99.8% two-sided: |z| above 1.96 and 3.09)",
        notes={**settings, **({"groups": groups} if groups else {}), **notes})
    return Result(placed, FUNNEL, method)


def funnel_outliers(result: Result) -> pd.DataFrame:
    """The organisations outside a control limit: those doing better than expected first.

    Parameters
    ----------
    result : Result
        From :func:`funnel` (raw, or through :func:`workforce.suppress`).

    Returns
    -------
    pandas.DataFrame
        The rows of ``result.table`` outside a 95% limit, with two more
        columns: ``limit`` ("99.8%" or "95%", the widest limit crossed) and
        ``side`` ("above" or "below").  Better than expected first, then worse;
        within each, beyond 99.8% first, then the furthest out (by adjusted
        z-score).
    """
    if not isinstance(result, Result) or result.spec.kind != Kind.FUNNEL:
        what = result.spec.kind if isinstance(result, Result) else type(result).__name__
        raise WorkforceError(f"funnel_outliers takes the result of funnel, not of {what}.")
    t = result.table
    position = t["position"].astype(object)
    outside = position.isin(POSITIONS[:2] + POSITIONS[3:5]).to_numpy()
    out = t[outside].copy()
    out["limit"] = np.where(out["position"].astype(str).str.contains("99.8%"), "99.8%", "95%")
    out["side"] = out["position"].astype(str).str.split(" ").str[0]
    order = pd.DataFrame({"better": (out["better"].astype(str) != "better than expected").astype(int),
                          "limit": (out["limit"] != "99.8%").astype(int),
                          "far": -pd.to_numeric(out["z_adjusted"], errors="coerce").abs()}, index=out.index)
    out = out.loc[order.sort_values(["better", "limit", "far"], kind="stable").index]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- the units


def binomial_limit(n: npt.ArrayLike, target: float, probability: float) -> np.ndarray:
    """Exact binomial control limit for a proportion at sizes ``n``, interpolated (Spiegelhalter 2005, A.1.1).

    ``r`` is the ``probability`` quantile of Binomial(n, target), the smallest
    r with P(R <= r) >= probability; ``alpha = (P(R <= r) - probability) /
    P(R = r)``; the limit is ``(r - alpha) / n``, clipped to [0, 1].  The
    interpolation makes the limit a smooth curve in n rather than a
    staircase.  The funnel chart draws these curves when every organisation
    has the same target.

    Parameters
    ----------
    n : array_like
        Sizes (whole numbers of staff).
    target : float
        The target proportion.
    probability : float
        The limit's level: 0.001 and 0.999 for the 99.8% limits, 0.025 and
        0.975 for the 95% limits.

    Returns
    -------
    numpy.ndarray
        The limit at each size.

    Examples
    --------
    >>> [round(float(x), 4) for x in binomial_limit([100, 1000], 0.3, 0.975)]
    [0.3869, 0.3281]
    """
    n = np.asarray(n, dtype=float)
    r = _binomial.ppf(probability, n, target)
    at_or_below = _binomial.cdf(r, n, target)
    point = _binomial.pmf(r, n, target)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(point > 0, (at_or_below - probability) / point, 0.0)
        return np.clip((r - alpha) / n, 0.0, 1.0)


def _units(units: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The units' table: organisation, the count columns (Int64), checked."""
    if not isinstance(units, pd.DataFrame):
        raise WorkforceError(f"funnel takes a table of units (one row per organisation), not "
                             f"{type(units).__name__}.")
    need = ("organisation", "events", "n") if measure == "proportion" else ("organisation", *_LIKELIHOOD_COUNTS)
    missing = [c for c in need if c not in units.columns]
    if missing:
        raise WorkforceError(f"a {measure} funnel needs the columns {list(need)}; the table has no "
                             f"{', '.join(missing)} (its columns: {list(units.columns)}).")
    organisation = units["organisation"]
    if organisation.isna().any():
        raise WorkforceError("every unit needs an organisation: a row has none.")
    repeated = organisation[organisation.duplicated()].astype(str).unique().tolist()
    if repeated:
        raise WorkforceError(f"each organisation must appear once, but {repeated[:3]} appear more than once "
                             "(several snapshots? choose one before making the funnel).")
    out = pd.DataFrame({"organisation": organisation.astype(str).to_numpy()})
    for column in ("events", "n", *_LIKELIHOOD_COUNTS):
        out[column] = pd.array([pd.NA] * len(out), dtype="Int64")
    counts = need[1:]
    for column in counts:
        values = pd.to_numeric(units[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = units[column].notna().to_numpy()
        bad = (given & ~np.isfinite(values)) | (np.isfinite(values) & ((values < 0) | (values != np.round(values))))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise WorkforceError(f"{column} must be a whole number of people, not {units[column].iloc[i]!r} "
                                 f"(organisation {out['organisation'].iloc[i]}).")
        out[column] = pd.array(np.where(np.isfinite(values), values, np.nan), dtype="Float64").astype("Int64")
    pairs = (("events", "n"),) if measure == "proportion" else (("a_events", "a_total"), ("b_events", "b_total"))
    for events, total in pairs:
        above = (out[events] > out[total]).fillna(False).to_numpy(dtype=bool)
        if above.any():
            i = int(np.flatnonzero(above)[0])
            raise WorkforceError(f"{events} cannot be more than {total}: organisation {out['organisation'].iloc[i]} "
                                 f"has {out[events].iloc[i]} of {out[total].iloc[i]}.")
    if measure == "relative likelihood":
        out["events"], out["n"] = out["b_events"], out["b_total"]
    return out


def _groups(units: pd.DataFrame) -> str:
    """'White (a) against BME (b)' from the likelihood counts' labels, or nothing."""
    if {"group_a", "group_b"} <= set(units.columns) and len(units):
        a, b = units["group_a"].dropna().astype(str).unique(), units["group_b"].dropna().astype(str).unique()
        if len(a) == 1 and len(b) == 1:
            return f"{a[0]} (a) against {b[0]} (b): the ratio is a's rate over b's"
    return ""


def _check_target(target: float | None, measure: str) -> None:
    if target is None:
        return
    if measure == "proportion" and not 0 < target < 1:
        raise WorkforceError(f"a target proportion must lie between 0 and 1 (0.25 for 25%), not {target:g}.")
    if measure == "relative likelihood" and not (np.isfinite(target) and target > 0):
        raise WorkforceError(f"a target relative likelihood must be above 0 (1 for none), not {target:g}.")


# ---------------------------------------------------------------- the method


def _scale(table: pd.DataFrame, measure: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each unit's value, y, s and whether it can be placed (NaN where not)."""
    if measure == "proportion":
        events = table["events"].to_numpy(dtype=float, na_value=np.nan)
        n = table["n"].to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(events) & np.isfinite(n) & (n > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(ok, events / n, np.nan)
            return value, np.arcsin(np.sqrt(value)), np.where(ok, 1 / (2 * np.sqrt(n)), np.nan), ok
    a, na, b, nb = (table[c].to_numpy(dtype=float, na_value=np.nan) for c in _LIKELIHOOD_COUNTS)
    known = np.isfinite(a) & np.isfinite(na) & np.isfinite(b) & np.isfinite(nb)
    value = np.full(len(table), np.nan)
    if known.any():   # the house's relative likelihood: its value, and whether it is estimable
        rls = relative_likelihoods(a[known], na[known], b[known], nb[known], min_size=1)
        value[known] = [r.ratio for r in rls]
    ok = np.isfinite(value)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(ok, np.sqrt(1 / a - 1 / na + 1 / b - 1 / nb), np.nan)   # Katz
        return value, np.log(value), s, ok


def _winsorised(z: np.ndarray, share: float) -> np.ndarray:
    """``z`` with values beyond its ``share`` and 1 − ``share`` quantiles (linear interpolation) set to them."""
    if share <= 0 or len(z) == 0:
        return z
    low, high = np.quantile(z, [share, 1 - share])
    return np.clip(z, low, high)


def _place(table: pd.DataFrame, settings: dict[str, Any],
           hidden: np.ndarray | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The units placed against the target: every figure column, and the method's notes.

    Only the units that can be placed (``ok``) count towards the target, φ and τ²; ``hidden`` units (their
    counts suppressed) are named as such in the notes, not as not estimable.
    """
    measure = settings["measure"]
    value, y, s, ok = _scale(table, measure)
    given = settings["target given"]
    units = int(ok.sum())
    w = 1 / s[ok] ** 2
    if given is not None:
        theta = float(np.arcsin(np.sqrt(given))) if measure == "proportion" else float(np.log(given))
        where = "given (a national value)"
    elif not units:
        theta, where = np.nan, "pooled, but no organisation could be placed"
    elif measure == "proportion":
        events, n = (table[c].to_numpy(dtype=float, na_value=np.nan)[ok] for c in ("events", "n"))
        theta = float(np.arcsin(np.sqrt(events.sum() / n.sum())))
        where = f"pooled: Σ events / Σ n over the {units} organisations placed"
    else:
        theta = float(np.sum(w * y[ok]) / np.sum(w))
        where = (f"pooled: the inverse-variance (fixed-effect) mean of log relative likelihood over the {units} "
                 "organisations placed, Σ w·log RL / Σ w with w = 1 / s²")
    target = float(np.sin(theta) ** 2) if measure == "proportion" else float(np.exp(theta))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (y - theta) / s
    phi = float(np.mean(_winsorised(z[ok], settings["winsorise"]) ** 2)) if units else np.nan
    shown = units * phi > units - 1 if units > 1 else False
    setting, least = settings["over-dispersion setting"], settings["minimum units"]
    apply = bool(shown) and (setting is True or (setting == "auto" and units >= least))
    tau2 = max(0.0, (units * phi - (units - 1)) / (w.sum() - (w ** 2).sum() / w.sum())) if apply else 0.0
    reason = _reason(setting, units, least, phi, bool(shown), tau2)
    sd = np.sqrt(s ** 2 + tau2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z_adjusted = (y - theta) / sd
    out = table.copy()
    out["value"] = value
    out["target"] = target
    out["z"], out["z_adjusted"] = np.where(ok, z, np.nan), np.where(ok, z_adjusted, np.nan)
    for level, name in _LEVELS:
        half = z_value(level) * sd
        out[f"lower_{name}"] = np.where(ok, _back(theta - half, measure), np.nan)
        out[f"upper_{name}"] = np.where(ok, _back(theta + half, measure), np.nan)
    out["position"] = _positions(out["z_adjusted"].to_numpy(dtype=float), ok)
    out["better"] = _better(out["position"], settings["improvement"], ok)
    out["state"] = np.where(ok, "estimated", "not estimable")
    out = out[FUNNEL_COLUMNS]
    scale = ("arcsine: y = asin(√p), s = 1 / (2√n)" if measure == "proportion" else
             "log: y = log RL, s = √(1/a_events − 1/a_total + 1/b_events − 1/b_total) (Katz)")
    notes = {
        "scale": scale,
        "target": f"{target:.4g} ({where})" if np.isfinite(target) else "none (no organisation could be placed)",
        "organisations placed": units,
        "not estimable": _not_placed(out, ok, hidden),
        "winsorising": (f"z-scores below the {settings['winsorise']:.0%} and above the "
                        f"{1 - settings['winsorise']:.0%} points set to those points before φ"
                        if settings["winsorise"] > 0 else "none"),
        "phi": float(phi) if np.isfinite(phi) else None,
        "tau2": float(tau2),
        "over-dispersion applied": bool(tau2 > 0),
        "over-dispersion": reason,
    }
    return out.reset_index(drop=True), notes


def _reason(setting: Any, units: int, least: int, phi: float, shown: bool, tau2: float) -> str:
    """Whether over-dispersion was applied, and why, in words."""
    words = f"φ = {phi:.3g}" if np.isfinite(phi) else "φ not estimable"
    if setting is False:
        return "not applied: turned off (overdispersion=False)"
    if not shown:
        return (f"not applied: the data show none ({words}; I·φ = {units * phi:.3g} is not above I − 1 = "
                f"{units - 1})" if units > 1 else
                f"not applied: {units} organisation{'' if units == 1 else 's'} placed, too few to estimate it")
    if setting == "auto" and units < least:
        return f"not applied: {units} organisations, fewer than the {least} needed to estimate it"
    return (f"applied: {units} organisations, {words}, DerSimonian–Laird τ² = {tau2:.4g} added to each "
            "organisation's variance" + (" (forced: overdispersion=True)" if setting is True and units < least
                                         else ""))


def _not_placed(out: pd.DataFrame, ok: np.ndarray, hidden: np.ndarray | None) -> str:
    """The units left out, in words: those that cannot be placed, then those suppressed."""
    hidden = np.zeros(len(out), dtype=bool) if hidden is None else hidden
    names = out.loc[~ok & ~hidden, "organisation"].astype(str).tolist()
    suppressed = out.loc[hidden, "organisation"].astype(str).tolist()
    words = [f"{', '.join(names)}: no one, a count missing, or a zero cell of a relative likelihood"] if names else []
    words += [f"{', '.join(suppressed)}: counts suppressed"] if suppressed else []
    return "; ".join(words) + "; left out of the target, φ and τ²" if words else "none"


def _back(y: np.ndarray, measure: str) -> np.ndarray:
    """From the transformed scale back to the value's: p = sin²(y), clipped to 0 and 1; RL = exp(y)."""
    if measure == "proportion":
        return np.sin(np.clip(y, 0.0, np.pi / 2)) ** 2
    return np.exp(y)


def _positions(z: np.ndarray, ok: np.ndarray) -> np.ndarray:
    inner, outer = z_value(_LEVELS[0][0]), z_value(_LEVELS[1][0])
    with np.errstate(invalid="ignore"):
        position = np.select([z > outer, z > inner, z < -outer, z < -inner],
                             [POSITIONS[0], POSITIONS[1], POSITIONS[4], POSITIONS[3]], POSITIONS[2]).astype(object)
    return np.where(ok, position, POSITIONS[5])


def _better(position: pd.Series, improvement: str, ok: np.ndarray) -> np.ndarray:
    side = position.astype(str).str.split(" ").str[0].to_numpy()
    good, bad = ("above", "below") if improvement == "increase" else ("below", "above")
    words = np.select([side == good, side == bad], ["better than expected", "worse than expected"], "as expected")
    return pd.Series(words, index=position.index).where(ok).to_numpy()


def _recompute(table: pd.DataFrame, method: Method) -> tuple[pd.DataFrame, dict[str, Any]]:
    """After suppression: the published units placed again, the target, φ and τ² made from them alone.

    A unit whose counts are hidden keeps its figures blank and counts for nothing: a pooled target, φ or τ²
    made with it would carry its counts.
    """
    settings = {k: method[k] for k in ("measure", "target given", "improvement", "over-dispersion setting",
                                       "minimum units", "winsorise")}
    published = table.copy()
    counts = ["events", "n"] if settings["measure"] == "proportion" else list(_LIKELIHOOD_COUNTS)
    flags = [f"{c}_suppressed" for c in counts if f"{c}_suppressed" in table]
    hidden = table[flags].fillna(False).astype(bool).any(axis=1).to_numpy() if flags else np.zeros(len(table), bool)
    for column in counts:
        published[column] = published[column].astype("Int64").mask(hidden)
    placed, notes = _place(published[["organisation", "measure", "events", "n", *_LIKELIHOOD_COUNTS]], settings,
                           hidden)
    out = table.copy()
    out["target"] = placed["target"].to_numpy()
    for column in _PLACED:
        out[column] = placed[column].set_axis(out.index).mask(hidden)
    return out, notes

