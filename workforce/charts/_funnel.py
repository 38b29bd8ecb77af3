"""The funnel plot comparing an ICB's organisations, with control limits."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .._result import Result
from ..errors import WorkforceError
from ._common import (
    _BLACK,
    _BLUE,
    _GREY,
    _NEUTRAL,
    _ORANGE,
    _VERMILLION,
    _benchmark_words,
    _count_rows,
    _display,
    _finish,
    _frame,
    _is_suppressed,
    _layered,
    _level,
    _pct,
    _population_words,
    _present,
    _rows,
    _snapshot,
    _wrap,
)

# ---------------------------------------------------------------- funnel plot


#: The funnel's control limits: name -> (lower, upper) probabilities (two-sided 95% and 99.8%).
_FUNNEL_LIMITS = {"95": (0.025, 0.975), "998": (0.001, 0.999)}
_POSITIONS = ["below the 99.8% limit", "below the 95% limit", "within the 95% limits", "above the 95% limit",
              "above the 99.8% limit"]
_POSITION_COLOURS = [_VERMILLION, _ORANGE, _NEUTRAL, "#56B4E9", _BLUE]


def _binomial_limit(n, target: float, probability: float) -> np.ndarray:
    """Exact binomial control limit for a proportion, interpolated (Spiegelhalter 2005, appendix A.1.1).

    ``r`` is the ``probability`` quantile of Binomial(n, target), the smallest r with P(R <= r) >= probability;
    ``alpha = (P(R <= r) - probability) / (P(R = r))``; the limit is ``(r - alpha) / n``, clipped to [0, 1].
    The interpolation makes the limit a smooth curve in n rather than a staircase.
    """
    from scipy import stats

    n = np.asarray(n, dtype=float)
    r = stats.binom.ppf(probability, n, target)
    at_or_below = stats.binom.cdf(r, n, target)
    point = stats.binom.pmf(r, n, target)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(point > 0, (at_or_below - probability) / point, 0.0)
        return np.clip((r - alpha) / n, 0.0, 1.0)


def _ratio_limit(precision, probability: float) -> np.ndarray:
    """Normal-approximation limit for a representation ratio with precision ``n·p/(1−p)``: ``1 + z/√precision``."""
    from scipy import stats

    with np.errstate(invalid="ignore", divide="ignore"):
        limit = 1.0 + stats.norm.ppf(probability) / np.sqrt(np.asarray(precision, dtype=float))
    return np.where(limit > 0, limit, np.nan)  # a log axis: a lower limit at or below 0 is off the chart


def _main_group(rows: pd.DataFrame) -> str:
    """The main minoritised group: WRES BME, else the largest population share other than White."""
    ethnic = rows[rows["characteristic"].astype(str) == "ethnicity"]
    groups = list(dict.fromkeys(ethnic["group"].astype(str)))
    if "BME" in groups:
        return "BME"
    others = ethnic[ethnic["group"].astype(str) != "White"]
    if others.empty:
        raise WorkforceError("funnel_chart needs group= for this result; its groups are "
                             f"{list(dict.fromkeys(rows['group'].astype(str)))}.")
    return str(others.groupby("group", sort=False)["population_share"].mean().idxmax())


def _place_labels(points: pd.DataFrame, limits: pd.DataFrame, *, log: bool, size: tuple[int, int]):
    """Where each point's name goes.

    To the right of it (left for points on the right of the plot) and above it, or below it when that
    label would overlap one already placed (points taken from the top down).
    """
    width, height = size
    values = np.concatenate([points["y"].to_numpy(float), limits.drop(columns="x").to_numpy(float).ravel()])
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    xs = limits["x"].to_numpy(float)
    scale = np.log if log else (lambda v: np.asarray(v, dtype=float))
    x0, x1 = (scale(xs[0]), scale(xs[-1])) if log else (0.0, float(xs[-1]))
    y0, y1 = float(scale(values.min())), float(scale(values.max()))
    px = (scale(points["x"].to_numpy(float)) - x0) / ((x1 - x0) or 1) * width
    py = height - (scale(points["y"].to_numpy(float)) - y0) / ((y1 - y0) or 1) * height
    right = px > 0.6 * width
    placed: list[tuple[float, float, float, float]] = []
    offsets = np.full(len(points), -10.0)
    for i in np.argsort(py):
        wide = 6.5 * len(str(points["label"].iloc[i]))
        left_edge = px[i] - 8 - wide if right[i] else px[i] + 8
        for dy in (-10.0, 12.0, -24.0, 26.0):
            box = (left_edge, left_edge + wide, py[i] + dy - 7, py[i] + dy + 7)
            if not any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in placed):
                break
        offsets[i] = dy
        placed.append(box)
    return right, offsets


def _funnel_title(frame: pd.DataFrame, group: str, noun: tuple[str, str], target_words: str) -> str:
    """'2 of 3 trusts are below the 99.8% limit for BME staff <target words>, and 1 is above it'."""
    ok = frame[frame["status"] == ""]
    m = len(ok)
    below = int((ok["position"] == _POSITIONS[0]).sum())
    above = int((ok["position"] == _POSITIONS[-1]).sum())
    one, many = noun

    def how_many(k: int) -> str:
        if m == 1:
            return str(ok["organisation"].iloc[0])
        return (f"Both {many}" if m == 2 else f"All {m} {many}") if k == m else f"{k} of {m} {many}"

    def verb(k: int) -> str:
        return "is" if k == 1 and (m == 1 or k < m) else "are"

    if not m:
        return f"No {one} has {group} figures to compare: each has fewer than the minimum or is suppressed"
    if below:
        head = f"{how_many(below)} {verb(below)} below the 99.8% limit for {group} staff"
        tail = f", and {above} {'is' if above == 1 else 'are'} above it" if above else ""
    elif above:
        head, tail = f"{how_many(above)} {verb(above)} above the 99.8% limit for {group} staff", ""
    else:
        outside = int(ok["position"].isin([_POSITIONS[1], _POSITIONS[3]]).sum())
        head = f"No {one} is outside the 99.8% limits for {group} staff"
        tail = f"; {outside} {'is' if outside == 1 else 'are'} outside the 95% limits" if outside else ""
    return f"{head} {target_words}{tail}"


def funnel_chart(result: Result, *, group: str | None = None, min_size: int = 8) -> alt.LayerChart:
    """A funnel plot: each organisation's share of one group against its size, with control limits.

    One point per organisation (labelled with its name); curves are the 95%
    (dashed) and 99.8% (solid) control limits, drawn over a grid of sizes.
    A point outside the 99.8% limits differs from the target by more than
    chance would plausibly give: an organisation whose true share is the
    target falls outside them 1 time in 500.  Points are coloured by where they fall; organisations with
    fewer than ``min_size`` staff in the group are grey and labelled, and
    suppressed ones are not plotted (listed in the subtitle).

    The target and limits depend on the benchmark:

    * **One benchmark for every organisation** (``representation(...,
      by="organisation")``, or ``icb_view`` with the same population for
      each): y is the group's share of the staff with a known group, x the
      number of those staff (n), and the target the group's population share.
      Limits are **exact binomial** quantiles of Binomial(n, target) with
      Spiegelhalter's (2005) interpolation: for probability q, r = the q
      quantile, alpha = (P(R ≤ r) − q) / P(R = r), limit = (r − alpha) / n.
    * **Each organisation against its own area** (``icb_view`` with different
      populations): shares cannot share one target, so y is the
      representation ratio (staff share ÷ the organisation's own population
      share p; target 1) and x its precision n·p/(1 − p), on log axes.  By the
      **normal approximation**, the ratio's standard error is
      √((1 − p)/(n·p)), so the limits are 1 ± z/√(precision) with z = 1.96 and
      3.09 (Spiegelhalter 2005, plotting against precision).  It is good when
      n·p·(1 − p) is above about 10; an ICB-wide pooled share was not used as
      the target because it would flag organisations for the make-up of their
      catchment rather than of their staff.

    Parameters
    ----------
    result : Result
        From ``workforce.representation(staff, population, by="organisation")``
        or ``workforce.icb_view(staff, {organisation: population})``, raw or
        through :func:`workforce.suppress`.
    group : str, optional
        The group to plot (e.g. "BME", "Asian", "Female").  By default the
        main minoritised group: "BME" with ``level="wres"``, else the ethnic
        group with the largest population share other than White.
    min_size : int
        Organisations with fewer staff in the group than this are greyed and
        labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import funnel_chart
    >>> files = ["soar_valley_staff_in_post_2025-03-31.xlsx", "charnwood_staff_in_post_2025-03-31.csv",
    ...          "rutland_vale_staff_in_post_2025-03-31.xlsx"]
    >>> staff = workforce.load_staff([workforce.sample_data(f) for f in files])
    >>> result = workforce.representation(staff, workforce.population("QK1"), by="organisation", level="wres")
    >>> funnel_chart(result).to_dict()["title"]["text"][:58]
    'All 3 trusts are above the 99.8% limit for BME staff aroun'
    """
    table, data = _count_rows(result, min_size, "funnel_chart")
    splits = sorted(set(table["by"].astype(str)))
    if splits != ["organisation"]:
        raise WorkforceError("funnel_chart compares organisations: pass representation(staff, population, "
                             "by='organisation') or icb_view(staff, {organisation: population}); this result is "
                             f"split by {splits}.")
    single = ~table["characteristic"].astype(str).str.contains(" × ", regex=False).to_numpy()
    groups = list(dict.fromkeys(table.loc[single, "group"].astype(str)))
    group = _main_group(data[single]) if group is None else str(group)
    if group not in groups:
        raise WorkforceError(f"group {group!r} is not in the result; its groups are {groups}.")
    rows = data[single & (data["group"].astype(str) == group).to_numpy()].copy()
    rows = rows[rows["staff_total"].isna() | (rows["staff_total"] > 0)]
    rows["organisation"] = rows["subgroup"].astype(str)
    shares = rows["population_share"].dropna()
    if shares.empty or not ((shares > 0) & (shares < 1)).all():
        raise WorkforceError(f"the {group} population share must be between 0 and 1 to draw control limits.")
    common = float(shares.max() - shares.min()) < 1e-9
    hidden = rows["status"].map(_is_suppressed).astype(bool).to_numpy()
    n = rows["staff_total"].to_numpy(dtype=float)
    p = rows["population_share"].to_numpy(dtype=float)
    level = _level(result.method)
    if common:
        target = float(shares.iloc[0])
        rows["x"], rows["y"] = n, rows["staff_share"].to_numpy(dtype=float)
        limit = lambda size, q: _binomial_limit(size, target, q)  # noqa: E731
    else:
        target = 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            rows["x"] = n * p / (1 - p)
        rows["y"] = rows["ratio"].to_numpy(dtype=float)
        limit = _ratio_limit
    rows.loc[hidden, ["x", "y"]] = np.nan
    sizes = rows["x"].to_numpy(dtype=float)
    sizes = sizes[np.isfinite(sizes) & (sizes > 0)]
    if not len(sizes):  # every organisation suppressed: limits over a nominal range, no points
        sizes = np.array([100.0, 1000.0]) if common else np.array([10.0, 1000.0])
    if common:  # a grid of whole numbers of staff, from half the smallest organisation
        grid = np.unique(np.round(np.geomspace(max(10.0, np.floor(0.5 * sizes.min())), np.ceil(1.1 * sizes.max()), 80)))
    else:
        grid = np.geomspace(0.5 * sizes.min(), 1.5 * sizes.max(), 80)
    for name, (q_low, q_high) in _FUNNEL_LIMITS.items():
        rows[f"low_{name}"], rows[f"high_{name}"] = limit(rows["x"], q_low), limit(rows["x"], q_high)
    y = rows["y"]
    rows["position"] = np.select([y < rows["low_998"], y < rows["low_95"], y > rows["high_998"], y > rows["high_95"]],
                                 [_POSITIONS[0], _POSITIONS[1], _POSITIONS[4], _POSITIONS[3]], _POSITIONS[2])
    rows.loc[y.isna(), "position"] = ""
    small_key = f"fewer than {min_size} staff"
    rows["key"] = np.where(rows["small"], small_key, rows["position"])
    rows["label"] = [o + (f" ({st})" if st else "") for o, st in zip(rows["organisation"], rows["status"])]
    plotted = rows[~hidden & rows["y"].notna()].copy()
    limits = pd.DataFrame({"x": grid, **{f"{side}_{name}": limit(grid, q) for name, qs in _FUNNEL_LIMITS.items()
                                         for side, q in zip(("low", "high"), qs)}})
    plotted["right"], plotted["label_dy"] = _place_labels(plotted, limits, log=not common, size=(520, 340))
    frame = _frame(plotted, ["organisation", "group", "staff_count", "staff_total", "staff_share", "staff_share_ci_low",
                             "staff_share_ci_high", "population_share", "ratio", "x", "y", "low_95", "high_95",
                             "low_998", "high_998", "position", "status", "key", "label", "right",
                             "label_dy"]).pipe(_display)
    limits = _frame(limits, limits.columns).pipe(_display)
    domain, colours = _present(_POSITIONS + [small_key], _POSITION_COLOURS + [_GREY], frame["key"])
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    tooltip = [alt.Tooltip("organisation:N", title="Organisation"),
               alt.Tooltip("staff_count:Q", title=f"{group} staff", format=","),
               alt.Tooltip("staff_total:Q", title="Staff with a known group (n)", format=","),
               alt.Tooltip("staff_share:Q", title=f"{group} share", format=".1%"),
               alt.Tooltip("staff_share_ci_low:Q", title=f"{level} interval from", format=".1%"),
               alt.Tooltip("staff_share_ci_high:Q", title=f"{level} interval to", format=".1%"),
               alt.Tooltip("population_share:Q", title="Population share", format=".1%"),
               alt.Tooltip("ratio:Q", title="Representation ratio", format=".2f")]
    fmt = ".1%" if common else ".2f"
    tooltip += [alt.Tooltip("low_998:Q", title="99.8% limits from", format=fmt),
                alt.Tooltip("high_998:Q", title="99.8% limits to", format=fmt),
                alt.Tooltip("position:N", title="Position")]
    people = "staff with a known ethnic group" if "ethnic" in str(rows["characteristic"].iloc[0]) else \
        "staff with a known group"
    if common:
        x_axis = alt.X("x:Q", title=f"Organisation size: {people} (n)", scale=alt.Scale(domain=[0, float(grid[-1])]))
        y_axis = alt.Y("y:Q", title=f"{group} share of {people}", axis=alt.Axis(format="%"),
                       scale=alt.Scale(zero=False))
    else:
        x_axis = alt.X("x:Q", title="Precision of the ratio: n·p ÷ (1 − p), p = the group's share of the "
                                    "organisation's own area (log scale)",
                       scale=alt.Scale(type="log", domain=[float(grid[0]), float(grid[-1])], nice=False))
        y_axis = alt.Y("y:Q", title="Representation ratio (log scale)", scale=alt.Scale(type="log"))
    curves = alt.Chart(limits).transform_fold(
        [f"{side}_{name}" for name in _FUNNEL_LIMITS for side in ("low", "high")], as_=["limit", "value"]
    ).transform_calculate(
        level="indexof(datum.limit, '998') >= 0 ? '99.8% limits' : '95% limits'"
    ).mark_line(color="#555555", strokeWidth=1.3).encode(
        x=alt.X("x:Q"), y=alt.Y("value:Q"), detail="limit:N",
        strokeDash=alt.StrokeDash("level:N", title=None, scale=alt.Scale(domain=["95% limits", "99.8% limits"],
                                                                           range=[[5, 4], [1, 0]])))
    rule = alt.Chart().mark_rule(color=_BLACK, strokeWidth=1.5).encode(y=alt.datum(round(target, 6)))
    base = alt.Chart(frame)
    points = base.mark_point(filled=True, size=90, stroke="white", strokeWidth=0.8).encode(
        x=x_axis, y=y_axis, color=colour, tooltip=tooltip)
    names = [base.transform_filter(f"{'' if right else '!'}datum.right && datum.label_dy == {dy:g}").mark_text(
                 align="right" if right else "left", dx=-8 if right else 8, dy=dy).encode(x="x:Q", y="y:Q", text="label:N")
             for right, dy in sorted(set(zip(frame["right"], frame["label_dy"])))]
    chart = alt.layer(curves, rule, points, *names).properties(width=520, height=340)
    noun = ("trust", "trusts") if all("trust" in o.lower() for o in rows["organisation"]) else \
        ("organisation", "organisations")
    first = rows.iloc[0]
    if common:
        words = _population_words(result.benchmark, first).replace(" Integrated Care Board's", " ICB's")
        target_words = f"around {_pct(target)}, the {group} share of {words}"
    else:
        ages = "working-age " if str(first.get("benchmark_ages", "")) == "16-64" else ""
        target_words = f"against {'their' if len(rows) > 1 else 'its'} own area's {ages}population"
    title = _funnel_title(frame, group, noun, target_words)
    missing = [f"{o} (suppressed)" for o in rows.loc[hidden, "organisation"]]
    total = int(np.nansum(n))
    snapshot = _snapshot(result.method)
    if common:
        first_line = (f"{len(rows)} {noun[1] if len(rows) != 1 else noun[0]} · n = {total:,} {people} · target "
                      f"{_pct(target)} {group} · {_benchmark_words(result.benchmark)}")
        second = ("Control limits around the target: 95% (dashed) and 99.8% (solid), exact binomial with "
                  "interpolation (Spiegelhalter 2005).")
    else:
        first_line = (f"{len(rows)} {noun[1] if len(rows) != 1 else noun[0]} · n = {total:,} {people} · each against "
                      f"its own area (ratio 1 = its area's {group} share) · {_benchmark_words(result.benchmark)}")
        second = ("Control limits around 1: 95% (dashed) and 99.8% (solid), normal approximation 1 ± z·√((1 − p)/(n·p)) "
                  "(Spiegelhalter 2005).")
    subtitle = [first_line + (f" · {snapshot}" if snapshot else ""),
                second + (f" Grey: fewer than {min_size} {group} staff." if rows["small"].any() else ""),
                *_wrap("Not plotted: " + "; ".join(missing) if missing else "")]
    description = (f"Funnel plot of the {group} share of staff in each organisation against its size, with 95% and "
                   f"99.8% control limits. {title}. "
                   + "; ".join(f"{r.organisation}: " + (f"{_pct(r.staff_share)} of {int(r.staff_total):,}" if common else
                                                        f"ratio {r.ratio:.2f}") + f", {r.status or r.position}"
                               for r in _rows(frame))
                   + (". Not plotted: " + "; ".join(missing) if missing else "") + ".")
    return _finish(_layered(chart), title, subtitle, description, result, "funnel_chart")
