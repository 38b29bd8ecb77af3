"""The funnel plot comparing organisations, with control limits.

:func:`funnel_chart` draws an ``icb_view`` (or ``representation`` by
organisation) result, each organisation's share against its own or a shared
benchmark, and a ``funnel`` result (:func:`workforce.funnel`): a proportion or
a relative likelihood against a target, with limits widened for
over-dispersion when it was applied.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from scipy import special

from .._result import Result
from .._spec import Kind
from ..analysis import binomial_limit, z_value
from ..errors import WorkforceError
from ._common import (
    _BLACK,
    _BLUE,
    _GREY,
    _NEUTRAL,
    _ORANGE,
    _VERMILLION,
    COLUMN,
    _benchmark_words,
    _count_rows,
    _display,
    _finish,
    _frame,
    _is_suppressed,
    _layered,
    _legend,
    _level,
    _lines,
    _log_domain,
    _log_ticks,
    _nice_ticks,
    _pct,
    _population_words,
    _present,
    _rows,
    _set,
    _snapshot,
    _suppressed,
    _text_width,
    _wrap,
)

# ---------------------------------------------------------------- funnel plot


#: The funnel's control limits: name -> (lower, upper) probabilities (two-sided 95% and 99.8%).
_FUNNEL_LIMITS = {"95": (0.025, 0.975), "998": (0.001, 0.999)}
_POSITIONS = ["below the 99.8% limit", "below the 95% limit", "within the 95% limits", "above the 95% limit",
              "above the 99.8% limit"]
_POSITION_COLOURS = [_VERMILLION, _ORANGE, _NEUTRAL, "#56B4E9", _BLUE]


def _axes(ys: np.ndarray, grid: np.ndarray, width: float, height: float, *, linear: bool, within_one: bool = False):
    """The funnel's two axes (domain, ticks, and pixel mapping): linear from 0, or logarithmic on both.

    ``within_one``: a proportion's value axis stays between 0 and 1.
    """
    if linear:
        x_domain = [0.0, float(grid[-1])]
        x_ticks = _nice_ticks(0.0, x_domain[1], width, f"{x_domain[1]:,.0f}")
        rough = _nice_ticks(float(ys.min()), float(ys.max()), height, room=30)
        step = rough[1] - rough[0] if len(rough) > 1 else 0.05
        low, high = round(math.floor(ys.min() / step) * step, 10), round(math.ceil(ys.max() / step) * step, 10)
        y_domain = [max(0.0, low), min(1.0, high)] if within_one else [low, high]
        y_ticks = _nice_ticks(y_domain[0], y_domain[1], height, room=30)
    else:
        x_domain = [float(grid[0]), float(grid[-1])]
        x_ticks = _log_ticks(x_domain[0], x_domain[1], width)
        y_domain = _log_domain(float(ys.min()), float(ys.max()))
        y_ticks = _log_ticks(y_domain[0], y_domain[1], height)
    xa, ya = _Axis(x_domain, width, log=not linear), _Axis(y_domain, height, log=not linear, flip=True)
    return x_domain, x_ticks, y_domain, y_ticks, xa, ya


def _curves_and_target(limits: pd.DataFrame, x_axis: alt.X, y_options: dict[str, Any], target: float):
    """The 95% (dashed) and 99.8% (solid) limit curves over a grid of sizes, and the target as a rule."""
    curves = alt.Chart(limits).transform_fold(
        [f"{side}_{name}" for name in _FUNNEL_LIMITS for side in ("low", "high")], as_=["limit", "value"]
    ).transform_calculate(
        level="indexof(datum.limit, '998') >= 0 ? '99.8% limits' : '95% limits'"
    ).mark_line(color="#555555", strokeWidth=1.3, clip=True).encode(
        x=x_axis, y=alt.Y("value:Q", **y_options), detail=alt.Detail("limit:N"),
        strokeDash=alt.StrokeDash("level:N", title=None, scale=alt.Scale(domain=["95% limits", "99.8% limits"],
                                                                           range=[[5, 4], [1, 0]])))
    rule = alt.Chart().mark_rule(color=_BLACK, strokeWidth=1.5, clip=True).encode(y=alt.Y(datum=round(target, 6)))
    return curves, rule


def _limit_lines(limits: pd.DataFrame, grid: np.ndarray, target: float, xa, ya, width: float) -> np.ndarray:
    """The limit curves and the target line in pixels: what the names are kept clear of."""
    target_px = float(ya.px(target))
    return np.concatenate([_trace(xa.px(grid), ya.px(limits[c].to_numpy(float))) for c in limits.columns if c != "x"]
                          + [_trace(np.array([0.0, width]), np.array([target_px, target_px]))])


def _ratio_limit(precision, probability: float) -> np.ndarray:
    """Normal-approximation limit for a representation ratio with precision ``n·p/(1−p)``: ``1 + z/√precision``."""
    with np.errstate(invalid="ignore", divide="ignore"):  # ndtri: the normal quantile (as scipy.stats.norm.ppf)
        limit = 1.0 + special.ndtri(probability) / np.sqrt(np.asarray(precision, dtype=float))
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


#: The plot's size in px (the page column holds it with its axes and legend).
_PLOT = (520, 340)
_LABEL_SIZE = 11        # px: the theme's text size
_LABEL_HEIGHT = 14      # px: a label's box, ascent to descent
_GAP = 7                # px between a point's centre and its label
#: Where a label may go, in order of preference: (align, x offset, y offset of its middle) from the point, in px.
#: Just above or below the point, on its right then its left, then beside it; then further away, up to 50 px.
_CANDIDATES = [(align, _GAP * {"left": 1, "right": -1, "center": 0}[align] + (2 if dy == 0 and align == "left" else
                                                                               -2 if dy == 0 else 0), dy)
               for dy in (-11, 11, 0, -18, 18, -25, 25, -32, 32, -40, 40, -50, 50)
               for align in ("left", "right", "center") if not (align == "center" and abs(dy) < 12)]


class _Axis:
    """A linear or log scale from ``domain`` to ``[0, length]`` px (``flip``: y, drawn from the bottom up)."""

    def __init__(self, domain: list[float], length: float, *, log: bool, flip: bool = False) -> None:
        self.log, self.length, self.flip = log, float(length), flip
        self.low: float = float(np.log(domain[0])) if log else float(domain[0])
        self.high: float = float(np.log(domain[1])) if log else float(domain[1])

    def px(self, value) -> np.ndarray:
        v = np.asarray(value, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.log(v) if self.log else v
        out = (v - self.low) / ((self.high - self.low) or 1.0) * self.length
        return self.length - out if self.flip else out

    def value(self, px) -> np.ndarray:
        p = np.asarray(px, dtype=float)
        p = self.length - p if self.flip else p
        v = self.low + p / self.length * (self.high - self.low)
        return np.exp(v) if self.log else v


def _trace(xs: np.ndarray, ys: np.ndarray, step: float = 2.0) -> np.ndarray:
    """Points every ``step`` px or so along the polyline through (xs, ys) px, skipping gaps (NaN)."""
    out = []
    for (x0, y0), (x1, y1) in zip(zip(xs[:-1], ys[:-1]), zip(xs[1:], ys[1:])):
        if not np.isfinite([x0, y0, x1, y1]).all():
            continue
        k = max(1, int(np.hypot(x1 - x0, y1 - y0) // step))
        t = np.linspace(0.0, 1.0, k + 1)
        out.append(np.column_stack([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]))
    return np.concatenate(out) if out else np.empty((0, 2))


def _label_box(px: float, py: float, width: float, candidate: tuple[str, int, int]) -> tuple[float, ...]:
    """The box (left, right, top, bottom) in px of a label ``width`` px wide placed by ``candidate``."""
    align, dx, dy = candidate
    left = px + dx - {"left": 0.0, "right": width, "center": width / 2}[align]
    middle = py + dy
    return left, left + width, middle - _LABEL_HEIGHT / 2, middle + _LABEL_HEIGHT / 2


def _touches(xy: np.ndarray, box: tuple[float, ...], pad: float) -> bool:
    """Whether any of the points ``xy`` (px) is inside ``box`` (left, right, top, bottom) grown by ``pad`` px."""
    left, right, top, bottom = box
    return bool(((xy[:, 0] > left - pad) & (xy[:, 0] < right + pad)
                 & (xy[:, 1] > top - pad) & (xy[:, 1] < bottom + pad)).any())


def _place_labels(points: np.ndarray, widths: list[float], lines: np.ndarray, size: tuple[float, float]) -> list[int]:
    """The candidate (an index of :data:`_CANDIDATES`) for each point's label, clear of the lines and each other.

    ``points``: the points' centres in px; ``widths``: their labels' widths in px; ``lines``: points in px
    along every line drawn (the control limits and the target).  Labels are placed one by one, the
    points nearest a line first; each takes the first candidate box that stays inside the plot and
    touches no line, no other point and no label already placed (nor comes within 6 px of one, side
    by side); if none does, the one that touches the fewest (the plot's edge counting most).
    """
    width, height = size
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    lines = np.asarray(lines, dtype=float).reshape(-1, 2)
    placed: list[tuple[float, ...]] = []
    chosen = [0] * len(points)

    def nearest_line(i: int) -> float:
        return float(np.min(np.hypot(*(lines - points[i]).T))) if len(lines) else np.inf

    for i in sorted(range(len(points)), key=nearest_line):
        best, best_cost = 0, np.inf
        for c, candidate in enumerate(_CANDIDATES):
            left, right, top, bottom = _label_box(points[i][0], points[i][1], widths[i], candidate)
            box = (left, right, top, bottom)
            cost = 100.0 * (left < 0 or right > width or top < 0 or bottom > height)
            cost += 10.0 * _touches(lines, box, 1.0)
            cost += 5.0 * _touches(np.delete(points, i, axis=0), box, 6.0)
            cost += 10.0 * sum(left < b[1] + 6 and b[0] - 6 < right and top < b[3] and b[2] < bottom for b in placed)
            if cost < best_cost:
                best, best_cost = c, cost
            if cost == 0:
                break
        chosen[i] = best
        placed.append(_label_box(points[i][0], points[i][1], widths[i], _CANDIDATES[best]))
    return chosen


def _names(names: list[str], noun: tuple[str, str], most: int = 3) -> str:
    """'A', 'A and B', 'A, B and C', or 'A, B, C and 2 more trusts' past ``most`` names."""
    names = [str(n) for n in names]
    if len(names) > most + 1:
        rest = len(names) - most
        return ", ".join(names[:most]) + f" and {rest} more {noun[1] if rest > 1 else noun[0]}"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _funnel_title(frame: pd.DataFrame, group: str, noun: tuple[str, str], target_words: str) -> str:
    """The finding, naming the organisations outside the limits.

    'Charnwood Community Health NHS Trust is below the 99.8% limit for BME staff <target words>, and
    Rutland Vale Healthcare NHS Trust is above it'; when none is outside the 99.8% limits, those
    outside the 95% limits are named; 'All 3 trusts ...' when every one is.
    """
    ok = frame[frame["status"] == ""]
    m = len(ok)
    one, many = noun

    def named(position: str) -> list[str]:
        return list(ok.loc[ok["position"] == position, "organisation"].astype(str))

    def who(names: list[str]) -> str:
        if len(names) == m and m > 1:
            return f"Both {many}" if m == 2 else f"All {m} {many}"
        return _names(names, noun)

    def verb(names: list[str]) -> str:
        return "is" if len(names) == 1 else "are"

    if not m:
        return f"No {one} has {group} figures to compare: each has fewer than the minimum or is suppressed"
    for limit, (low, high) in (("99.8%", (_POSITIONS[0], _POSITIONS[-1])), ("95%", (_POSITIONS[1], _POSITIONS[3]))):
        below, above = named(low), named(high)
        if not below and not above:
            continue
        first, side = (below, "below") if below else (above, "above")
        head = f"{who(first)} {verb(first)} {side} the {limit} limit for {group} staff {target_words}"
        tail = f", and {who(above)} {verb(above)} above it" if below and above else ""
        if limit == "95%":
            tail += f"; no {one} is outside the 99.8% limits"
        return head + tail
    return f"No {one} is outside the 95% limits for {group} staff {target_words}"


def funnel_chart(result: Result, *, group: str | None = None, min_size: int = 8) -> alt.LayerChart:
    """A funnel plot: each organisation against its size, with control limits.

    A ``funnel`` result (:func:`workforce.funnel`) is drawn as it was made:
    its value against n (a proportion) or against precision, 1 ÷ the
    variance of log RL (a relative likelihood, on log axes), with its 95%
    and 99.8% limits around its target, widened by its τ² when over-dispersion
    was applied (see :func:`_funnel_result_chart`); ``group`` and ``min_size``
    are not used.  Otherwise, each organisation's share of one group:

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
    >>> " ".join(funnel_chart(result).to_dict()["title"]["text"])[:58]
    'All 3 trusts are above the 99.8% limit for BME staff aroun'
    """
    if isinstance(result, Result) and result.spec.kind == Kind.FUNNEL:
        return _funnel_result_chart(result)
    if isinstance(result, Result) and result.spec.kind not in (Kind.REPRESENTATION, Kind.ICB_VIEW):
        raise WorkforceError(f"funnel_chart draws the result of funnel, representation or icb_view, not of "
                             f"{result.spec.kind}.")
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
        limit = lambda size, q: binomial_limit(size, target, q)  # noqa: E731
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
    # the axes' domains, fixed here so that each name can be placed in px clear of the lines
    width, height = _PLOT
    curve_values = limits.drop(columns="x").to_numpy(float).ravel()
    ys = np.concatenate([plotted["y"].to_numpy(float), curve_values, [target]])
    ys = ys[np.isfinite(ys) & (ys > 0 if not common else True)]
    x_domain, x_ticks, y_domain, y_ticks, xa, ya = _axes(ys, grid, width, height, linear=common)
    lines = _limit_lines(limits, grid, target, xa, ya, width)
    centres = np.column_stack([xa.px(plotted["x"]), ya.px(plotted["y"])])
    chosen = _place_labels(centres, [_text_width(t, _LABEL_SIZE) for t in plotted["label"]], lines, _PLOT)
    placed = [_CANDIDATES[c] for c in chosen]
    plotted["label_align"] = [align for align, _, _ in placed]
    plotted["label_x"] = xa.value([x + dx for (x, _), (_, dx, _) in zip(centres, placed)])
    plotted["label_y"] = ya.value([y + dy for (_, y), (_, _, dy) in zip(centres, placed)])
    frame = _frame(plotted, ["organisation", "group", "staff_count", "staff_total", "staff_share", "staff_share_ci_low",
                             "staff_share_ci_high", "population_share", "ratio", "x", "y", "low_95", "high_95",
                             "low_998", "high_998", "position", "status", "key", "label", "label_align", "label_x",
                             "label_y"]).pipe(_display)
    limits = _frame(limits, limits.columns).pipe(_display)
    domain, colours = _present(_POSITIONS + [small_key], _POSITION_COLOURS + [_GREY], frame["key"])
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours),
                       legend=_legend(domain, width=COLUMN - 220))
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
        x_axis = alt.X("x:Q", title=f"Organisation size: {people} (n)",
                       scale=alt.Scale(domain=x_domain, nice=False), axis=alt.Axis(values=x_ticks, format=",d"))
        y_options: dict[str, Any] = dict(title=_lines(f"{group} share of {people}", height),
                                         axis=alt.Axis(format="~%", values=y_ticks),
                                         scale=alt.Scale(domain=y_domain, nice=False, zero=False))
    else:
        x_axis = alt.X("x:Q", title=_lines("Precision of the ratio: n·p ÷ (1 − p), p = the group's share of the "
                                           "organisation's own area (log scale)", width),
                       scale=alt.Scale(type="log", domain=x_domain, nice=False),
                       axis=alt.Axis(values=x_ticks, format="~s"))
        y_options = dict(title="Representation ratio (log scale)", scale=alt.Scale(type="log", domain=y_domain, nice=False),
                         axis=alt.Axis(values=y_ticks, format="~g"))
    y_axis = alt.Y("y:Q", **y_options)
    curves, rule = _curves_and_target(limits, x_axis, y_options, target)
    base = alt.Chart(frame)
    points = base.mark_point(filled=True, size=90, stroke="white", strokeWidth=0.8).encode(
        x=x_axis, y=y_axis, color=colour, tooltip=tooltip)
    names = [base.transform_filter(alt.datum.label_align == align).mark_text(
                 align=align, baseline="middle", fontSize=_LABEL_SIZE).encode(
                 x=alt.X("label_x:Q"), y=alt.Y("label_y:Q"), text=alt.Text("label:N"), tooltip=tooltip)
             for align in sorted(set(frame["label_align"]))]
    chart = _set(alt.layer(curves, rule, points, *names), width=width, height=height)
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


# ---------------------------------------------------------------- a funnel result (workforce.funnel)


def _funnel_curves(grid: np.ndarray, target: float, tau2: float, proportion: bool) -> pd.DataFrame:
    """The control limits over a grid of sizes (n, or precision), from the target and τ² alone.

    On the arcsine scale (a proportion, s² = 1 / (4n)) or the log scale (a relative likelihood,
    s² = 1 / precision): target ± z·√(s² + τ²), back-transformed.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = math.asin(math.sqrt(target)) if proportion else math.log(target)
        sd = np.sqrt((1 / (4 * grid) if proportion else 1 / grid) + tau2)
    out = {"x": grid}
    for name, level in (("95", 0.95), ("998", 0.998)):
        for side, sign in (("low", -1), ("high", 1)):
            y = theta + sign * z_value(level) * sd
            out[f"{side}_{name}"] = np.sin(np.clip(y, 0, np.pi / 2)) ** 2 if proportion else np.exp(y)
    return pd.DataFrame(out)


def _funnel_result_title(frame: pd.DataFrame, noun: tuple[str, str], improvement: str) -> str:
    """The finding: how many are outside the 99.8% limits (else the 95%), on which side, better or worse, and who.

    '2 of 18 trusts are above the 99.8% limit, better than expected: A and B; 1 is below it, worse than
    expected: C'.
    """
    m = len(frame)
    one, many = noun
    if not m:
        return f"No {one} could be placed against the target"
    good = "above" if improvement == "increase" else "below"

    def verb(k: int) -> str:
        return "is" if k == 1 else "are"

    for limit in ("99.8%", "95%"):
        parts: list[str] = []
        for side in ("above", "below"):
            names = list(frame.loc[frame["position"] == f"{side} the {limit} limit", "organisation"].astype(str))
            if limit == "95%":   # those beyond the 99.8% limit are beyond the 95% too, but are named above
                names += list(frame.loc[frame["position"] == f"{side} the 99.8% limit", "organisation"].astype(str))
            if not names:
                continue
            k = len(names)
            better = "better" if side == good else "worse"
            where = f"{side} the {limit} limit" if not parts else f"{side} it"
            who = f"{k} of {m} {many if m > 1 else one}" if not parts else f"{k}"
            parts.append(f"{who} {verb(k)} {where}, {better} than expected: {_names(names, noun)}")
        if parts:
            inner = list(frame.loc[frame["position"].isin(["above the 95% limit", "below the 95% limit"]),
                                   "organisation"].astype(str))
            tail = (f"; no {one} is outside the 99.8% limits" if limit == "95%" else
                    f"; {len(inner)} more {verb(len(inner))} outside the 95% limits ({_names(inner, noun)})"
                    if inner else "")
            return "; ".join(parts) + tail
    if m == 1:
        return f"The {one} is within the 95% limits of the target"
    return f"{'Both' if m == 2 else f'All {m}'} {many} are within the 95% limits of the target"


def _funnel_result_chart(result: Result) -> alt.LayerChart:
    """A ``funnel`` result's plot: points coloured by position, the limit curves, the outliers named.

    A proportion is drawn against n on linear axes; a relative likelihood against its precision
    (1 ÷ the Katz variance of log RL) on log axes.  The curves are made over a grid of sizes from the
    target and τ² alone (never from the units).  Organisations whose counts were suppressed, and those
    that could not be placed, are not drawn and are listed under the title.
    """
    table = result.table
    method = result.method
    proportion = str(method.get("measure", "proportion")) == "proportion"
    improvement = str(method.get("improvement", "increase" if proportion else "decrease"))
    tau2 = float(method.get("tau2") or 0.0)
    counts = ["events", "n"] if proportion else ["a_events", "a_total", "b_events", "b_total"]
    hidden = _suppressed(table, counts).to_numpy()
    data = table.copy()
    for column in ["events", "n", "a_events", "a_total", "b_events", "b_total", "value", "target", "z_adjusted",
                   "lower_95", "upper_95", "lower_998", "upper_998"]:
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    placed = ~hidden & (data["state"].astype(object) == "estimated").to_numpy() & data["value"].notna().to_numpy()
    targets = data["target"].dropna()
    what = str(data["measure"].iloc[0]) if len(data) else ""
    what = "" if what in ("proportion", "relative likelihood") else what
    if targets.empty:
        raise WorkforceError("this funnel has no target: no organisation could be placed, so there is nothing "
                             "to draw.")
    target = float(targets.iloc[0])
    if proportion:
        data["x"] = data["n"]
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            data["x"] = 1 / (1 / data["a_events"] - 1 / data["a_total"] + 1 / data["b_events"] - 1 / data["b_total"])
    data["y"] = data["value"]
    rows = data[placed].copy()
    sizes = rows["x"].to_numpy(dtype=float)
    sizes = sizes[np.isfinite(sizes) & (sizes > 0)]
    if not len(sizes):
        sizes = np.array([100.0, 1000.0]) if proportion else np.array([10.0, 1000.0])
    if proportion:
        grid = np.unique(np.round(np.geomspace(max(5.0, np.floor(0.5 * sizes.min())), np.ceil(1.1 * sizes.max()),
                                               80)))
    else:
        grid = np.geomspace(0.5 * sizes.min(), 1.5 * sizes.max(), 80)
    limits = _funnel_curves(grid, target, tau2, proportion)
    flip = improvement == "decrease"   # the better side in blue, the worse in vermillion and orange
    colours = (_POSITION_COLOURS[::-1] if flip else _POSITION_COLOURS)
    rows["key"] = rows["position"].astype(str)
    outside = rows["key"] != _POSITIONS[2]
    rows["label"] = np.where(outside, rows["organisation"].astype(str), "")
    # the axes' domains, fixed here so that each name can be placed in px clear of the lines
    width, height = _PLOT
    ys = np.concatenate([rows["y"].to_numpy(float), limits.drop(columns="x").to_numpy(float).ravel(), [target]])
    ys = ys[np.isfinite(ys) & (ys > 0 if not proportion else True)]
    x_domain, x_ticks, y_domain, y_ticks, xa, ya = _axes(ys, grid, width, height, linear=proportion,
                                                         within_one=proportion)
    lines = _limit_lines(limits, grid, target, xa, ya, width)
    centres = np.column_stack([xa.px(rows["x"]), ya.px(rows["y"])])
    named = outside.to_numpy()
    obstacles = np.concatenate([lines, centres[~named]])   # the names keep clear of the unnamed points too
    chosen = _place_labels(centres[named], [_text_width(t, _LABEL_SIZE) for t in rows.loc[named, "label"]],
                           obstacles, _PLOT)
    placed_at = iter([_CANDIDATES[c] for c in chosen])
    spots = [next(placed_at) if k else ("left", 0, 0) for k in named]
    rows["label_align"] = [align for align, _, _ in spots]
    rows["label_x"] = xa.value([x + dx for (x, _), (_, dx, _) in zip(centres, spots)])
    rows["label_y"] = ya.value([y + dy for (_, y), (_, _, dy) in zip(centres, spots)])
    keep = ["organisation", "events", "n", "value", "target", "lower_95", "upper_95", "lower_998", "upper_998",
            "position", "better", "key", "label", "label_align", "label_x", "label_y", "x", "y"]
    if not proportion:
        keep[1:1] = ["a_events", "a_total", "b_events", "b_total"]
    frame = _frame(rows, keep).pipe(_display)
    curves_frame = _frame(limits, limits.columns).pipe(_display)
    domain, palette = _present(_POSITIONS, colours, frame["key"])
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=palette),
                       legend=_legend(domain, width=COLUMN - 220))
    fmt = ".1%" if proportion else ".2f"
    groups = str(method.get("groups", ""))
    group_a, group_b = (groups.split(" (a) against ")[0], groups.split(" (a) against ")[1].split(" (b)")[0]) \
        if " (a) against " in groups else ("group a", "group b")
    tooltip = [alt.Tooltip("organisation:N", title="Organisation")]
    if proportion:
        tooltip += [alt.Tooltip("events:Q", title="Events", format=","),
                    alt.Tooltip("n:Q", title="Size (n)", format=","),
                    alt.Tooltip("value:Q", title=what or "Proportion", format=fmt)]
    else:
        tooltip += [alt.Tooltip("a_events:Q", title=f"{group_a}: events", format=","),
                    alt.Tooltip("a_total:Q", title=f"{group_a}: people", format=","),
                    alt.Tooltip("b_events:Q", title=f"{group_b}: events", format=","),
                    alt.Tooltip("b_total:Q", title=f"{group_b}: people (n)", format=","),
                    alt.Tooltip("value:Q", title="Relative likelihood", format=fmt)]
    tooltip += [alt.Tooltip("lower_95:Q", title="95% limits from", format=fmt),
                alt.Tooltip("upper_95:Q", title="95% limits to", format=fmt),
                alt.Tooltip("lower_998:Q", title="99.8% limits from", format=fmt),
                alt.Tooltip("upper_998:Q", title="99.8% limits to", format=fmt),
                alt.Tooltip("position:N", title="Position"), alt.Tooltip("better:N", title="Against the target")]
    if proportion:
        x_axis = alt.X("x:Q", title="Size of the organisation (n)", scale=alt.Scale(domain=x_domain, nice=False),
                       axis=alt.Axis(values=x_ticks, format=",d"))
        y_options: dict[str, Any] = dict(title=_lines(what or "Proportion", height),
                                         axis=alt.Axis(format="~%", values=y_ticks),
                                         scale=alt.Scale(domain=y_domain, nice=False, zero=False))
    else:
        x_axis = alt.X("x:Q", title=_lines("Precision: 1 ÷ the variance of the log relative likelihood (log scale)",
                                           width),
                       scale=alt.Scale(type="log", domain=x_domain, nice=False),
                       axis=alt.Axis(values=x_ticks, format="~s"))
        y_options = dict(title=_lines(f"{what + ': ' if what else ''}relative likelihood (log scale)", height),
                         scale=alt.Scale(type="log", domain=y_domain, nice=False),
                         axis=alt.Axis(values=y_ticks, format="~g"))
    curves, rule = _curves_and_target(curves_frame, x_axis, y_options, target)
    base = alt.Chart(frame)
    points = base.mark_point(filled=True, size=90, stroke="white", strokeWidth=0.8).encode(
        x=x_axis, y=alt.Y("y:Q", **y_options), color=colour, tooltip=tooltip)
    labelled = frame[frame["label"].astype(str) != ""]
    names = [base.transform_filter((alt.datum.label_align == align) & (alt.datum.label != "")).mark_text(
                 align=align, baseline="middle", fontSize=_LABEL_SIZE).encode(
                 x=alt.X("label_x:Q"), y=alt.Y("label_y:Q"), text=alt.Text("label:N"), tooltip=tooltip)
             for align in sorted(set(labelled["label_align"]))]
    chart = _set(alt.layer(curves, rule, points, *names), width=width, height=height)
    organisations = table["organisation"].astype(str)
    noun = ("trust", "trusts") if len(organisations) and all("trust" in o.lower() for o in organisations) else \
        ("organisation", "organisations")
    title = _funnel_result_title(rows, noun, improvement)
    shown = _pct(target) if proportion else f"{target:.2f}"
    source = "given" if method.get("target given") is not None else "pooled over the organisations"
    m = len(rows)
    if proportion:
        size = f"n = {int(rows['n'].sum()):,}"
    else:
        size = f"n = {int(rows['a_total'].sum()):,} {group_a} and {int(rows['b_total'].sum()):,} {group_b}"
    first_line = (f"{m} {noun[1] if m != 1 else noun[0]} · {size} · target {shown} ({source})"
                  + (f" · {what}" if what else ""))
    dispersion = str(method.get("over-dispersion", ""))
    if method.get("over-dispersion applied"):
        phi = method.get("phi")
        second = (f"Limits 95% (dashed) and 99.8% (solid), widened for over-dispersion between {noun[1]}: "
                  f"τ² = {tau2:.3g} (DerSimonian–Laird" + (f", φ = {phi:.2f}" if phi is not None else "") + ").")
    else:
        second = (f"Limits 95% (dashed) and 99.8% (solid), not widened for over-dispersion: "
                  f"{dispersion.removeprefix('not applied: ')}.")
    missing = ([f"{o} (suppressed)" for o in organisations[hidden]]
               + [f"{o} (not estimable)" for o in organisations[~hidden & ~placed]])
    subtitle = [first_line, second, *_wrap("Not plotted: " + "; ".join(missing) if missing else "")]
    value_words = (lambda r: f"{_pct(r.value)} of {int(r.n):,}") if proportion else (lambda r: f"{r.value:.2f}")
    description = (f"Funnel plot of {what or ('the proportion' if proportion else 'the relative likelihood')} for "
                   f"each organisation against its size, with 95% and 99.8% control limits around the target "
                   f"{shown}. {title}. "
                   + "; ".join(f"{r.organisation}: {value_words(r)}, {r.position}" for r in _rows(frame))
                   + (". Not plotted: " + "; ".join(missing) if missing else "") + ".")
    return _finish(_layered(chart), title, subtitle, description, result, "funnel_chart")
