"""Representation charts: staff share against the population share, and the representation ratio."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .._result import Result
from .._spec import Kind
from ._common import (
    _BLACK,
    _BLUE,
    _GREY,
    _NEUTRAL,
    _VERMILLION,
    PALETTE,
    _benchmark_words,
    _check,
    _estimate_layers,
    _facet_rows,
    _finish,
    _frame,
    _greys,
    _hide,
    _is_suppressed,
    _keys,
    _label_axis,
    _label_layer,
    _layered,
    _legend,
    _level,
    _log_domain,
    _log_ticks,
    _nice_ticks,
    _pct,
    _population_words,
    _present,
    _row_step,
    _rows,
    _set,
    _snapshot,
    _status,
    _suppressed,
    _where,
    _wrap_label,
)

# ---------------------------------------------------------------- representation


def _representation_rows(result: Result, min_size: int, function: str):
    table = _check(result, (Kind.REPRESENTATION, Kind.ICB_VIEW), function)
    hidden = _suppressed(table, ("staff_count", "staff_total"))
    data = _hide(table)
    small = pd.to_numeric(data["staff_count"], errors="coerce").fillna(0) < min_size
    data = data.assign(status=_status(small, hidden, min_size, result.method).to_numpy(),
                       small=(small | hidden).to_numpy())
    for column in ("staff_share", "staff_share_ci_low", "staff_share_ci_high", "ratio", "ratio_ci_low", "ratio_ci_high"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    data.loc[hidden, ["staff_share", "staff_share_ci_low", "staff_share_ci_high", "ratio", "ratio_ci_low", "ratio_ci_high"]] = np.nan
    split = data["subgroup"].nunique() > 1
    return table, data, split


def _subtitle_representation(result: Result, table: pd.DataFrame) -> list[str]:
    first = table.drop_duplicates("subgroup")
    n = int(pd.to_numeric(first["staff_total"], errors="coerce").fillna(0).sum())
    unknown = int(pd.to_numeric(first["unknown_count"], errors="coerce").fillna(0).sum())
    return [f"n = {n:,} staff with a known group ({unknown:,} unknown, left out of the shares) · "
            + _benchmark_words(result.benchmark) + (" · " + _snapshot(result.method) if _snapshot(result.method) else ""),
            f"Points: staff share with its {_level(result.method)} Wilson interval; black tick: population share."]


def _representation_title(data: pd.DataFrame, benchmark: dict) -> str:
    ok = data[~data["small"]]
    under = ok[ok["flag"].astype(str) == "under-represented"]
    if len(under):
        row = under.loc[pd.to_numeric(under["difference_pp"]).idxmin()]  # type: ignore[call-overload]  # a label of the index (typed Hashable)
        return (f"{row['group']} staff are under-represented{_where(row)}: {_pct(row['staff_share'])} of staff "
                f"against {_pct(row['population_share'])} of {_population_words(benchmark, row)}")
    return f"No group is under-represented against {_population_words(benchmark)}"


def representation_chart(result: Result, *, min_size: int = 8) -> alt.LayerChart:
    """Staff share against the population share, group by group.

    Each group's staff share is a point with its Wilson interval (a rule), the
    population share a black tick.  With ``by=`` the subgroups are coloured
    and offset within each group.  Groups with fewer than ``min_size`` staff are
    grey and labelled.

    Parameters
    ----------
    result : Result
        From :func:`workforce.representation` (or :func:`workforce.icb_view`).
    min_size : int
        Groups with fewer staff than this are greyed and labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import representation_chart
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> chart = representation_chart(workforce.representation(staff, workforce.population("Leicester")))
    >>> " ".join(chart.to_dict()["title"]["text"])
    "Asian staff are under-represented: 22% of staff against 45% of Leicester's working-age population"
    """
    table, data, split = _representation_rows(result, min_size, "representation_chart")
    pop_key = "Population share"
    greys, grey_colours = _greys(min_size, result.method)
    if split:
        subgroups = list(dict.fromkeys(data["subgroup"].astype(str)))
        data["key"] = _keys(data, data["subgroup"].astype(str))
        domain = subgroups + greys + [pop_key]
        colours = [PALETTE[i % 7] for i in range(len(subgroups))] + grey_colours + [_BLACK]
    else:
        data["key"] = _keys(data, "Staff share")
        domain, colours = ["Staff share", *greys, pop_key], [_BLUE, *grey_colours, _BLACK]
    domain, colours = _present(domain, colours, data["key"], [pop_key])
    level = _level(result.method)
    columns = ["subgroup", "group", "staff_count", "staff_total", "staff_share", "staff_share_ci_low",
               "staff_share_ci_high", "population_share", "flag", "status", "key"]
    frame = _frame(data, columns)
    frame["row"] = [_wrap_label(g) for g in frame["group"]]
    rows = list(dict.fromkeys(frame["row"]))
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours), legend=_legend(domain))
    width = 480
    top = float(pd.concat([frame["staff_share_ci_high"], frame["population_share"]]).max(skipna=True))
    ticks = _nice_ticks(0.0, top if np.isfinite(top) and top > 0 else 1.0, width)
    ticks = ticks if ticks[-1] >= top else _nice_ticks(0.0, ticks[-1] + (ticks[1] - ticks[0]), width)
    share = alt.Scale(domain=[0, ticks[-1]], nice=False)
    y = alt.Y("row:N", title=None, sort=rows, axis=_label_axis())
    offset = {"yOffset": alt.YOffset("subgroup:N", sort=list(dict.fromkeys(frame["subgroup"])))} if split else {}
    tooltip = [alt.Tooltip("group:N", title="Group")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("staff_count:Q", title="Staff in group", format=","),
        alt.Tooltip("staff_total:Q", title="Staff with a known group", format=","),
        alt.Tooltip("staff_share:Q", title="Staff share", format=".1%"),
        alt.Tooltip("staff_share_ci_low:Q", title=f"{level} interval from", format=".1%"),
        alt.Tooltip("staff_share_ci_high:Q", title=f"{level} interval to", format=".1%"),
        alt.Tooltip("population_share:Q", title="Population share", format=".1%"),
        alt.Tooltip("flag:N", title="Finding"),
    ]
    base = alt.Chart()   # the data is the layer chart's: Altair would otherwise hash each layer's data to hoist it
    axis = alt.Axis(format="~%", values=ticks)
    interval, points = _estimate_layers(
        base, alt.X("staff_share:Q", title="Share", axis=axis, scale=share),
        alt.X("staff_share_ci_low:Q", title="Share", axis=axis, scale=share), "staff_share_ci_high:Q", y, colour,
        tooltip, offset)
    population = base.mark_tick(thickness=2, size=18).encode(
        x=alt.X("population_share:Q", scale=share), y=y, color=alt.Color(datum=pop_key),
        tooltip=tooltip, **offset)
    labels = _label_layer(base, "staff_share_ci_high", y, offset)
    chart = _set(alt.layer(interval, points, population, labels, data=frame), width=width)
    if not split:
        chart = _set(chart, height=alt.Step(_row_step(rows)))
    title = _representation_title(data, result.benchmark)
    description = (f"Dot plot of each ethnic group's share of staff with its {level} interval against the share of "
                   f"{_population_words(result.benchmark)}. {title}. "
                   + "; ".join(f"{r.group}{f' ({r.subgroup})' if split else ''}: {_pct(r.staff_share)} of staff, "
                               f"{_pct(r.population_share)} of population" for r in _rows(frame)
                               if not _is_suppressed(r.status)) + ".")
    return _finish(_layered(chart), title, _subtitle_representation(result, table), description, result, "representation_chart")


# ---------------------------------------------------------------- ratio


def _ratio_title(data: pd.DataFrame, benchmark: dict) -> str:
    ok = data[~data["small"] & (pd.to_numeric(data["ratio"]) > 0)]
    under = ok[ok["flag"].astype(str) == "under-represented"]
    if len(under):
        row = under.loc[pd.to_numeric(under["ratio"]).idxmin()]  # type: ignore[call-overload]  # a label of the index (typed Hashable)
        return (f"{row['group']} staff are represented at {row['ratio']:.2f} times their share of "
                f"{_population_words(benchmark, row)}{_where(row)}")
    return f"No group is under-represented against {_population_words(benchmark)}"


def ratio_chart(result: Result, *, min_size: int = 8) -> alt.LayerChart | alt.FacetChart:
    """The representation ratio (staff share ÷ population share) on a log axis.

    Ratios diverge around 1 (a rule): under-represented groups in vermillion,
    over-represented in blue, groups with no evidence of a difference in
    neutral grey; groups with fewer than ``min_size`` staff pale grey and
    labelled.  A ratio of 0 (no staff in the group) cannot be drawn on a log
    axis and is left out of the marks (it is in the label and alt text).

    Parameters
    ----------
    result : Result
        From :func:`workforce.representation`.
    min_size : int
        Groups with fewer staff than this are greyed and labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import ratio_chart
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> spec = ratio_chart(workforce.representation(staff, workforce.population("Leicester"))).to_dict()
    >>> " ".join(spec["title"]["text"])
    "Asian staff are represented at 0.49 times their share of Leicester's working-age population"
    """
    table, data, split = _representation_rows(result, min_size, "ratio_chart")
    greys, grey_colours = _greys(min_size, result.method)
    data["key"] = _keys(data, data["flag"].astype(str))
    for column in ("ratio", "ratio_ci_low", "ratio_ci_high"):  # log axis: no zeros
        data[column] = data[column].where(data[column] > 0)
    domain = ["under-represented", "over-represented", "no evidence of a difference", "insufficient data",
              "none in the benchmark", *greys]
    colours = [_VERMILLION, _BLUE, _NEUTRAL, _GREY, _GREY, *grey_colours]
    domain, colours = _present(domain, colours, data["key"])
    level = _level(result.method)
    frame = _frame(data, ["subgroup", "group", "staff_count", "staff_total", "ratio", "ratio_ci_low", "ratio_ci_high",
                          "flag", "status", "key"])
    frame["label_x"] = frame["ratio_ci_high"].fillna(1.0)
    groups = list(dict.fromkeys(frame["group"]))
    # split (e.g. by band group): one row of the chart per group, the subgroups labelled on its axis
    y = (alt.Y("subgroup:N", title=None, sort=list(dict.fromkeys(frame["subgroup"]))) if split
         else alt.Y("group:N", title=None, sort=groups))
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours), legend=_legend(domain))
    tooltip = [alt.Tooltip("group:N", title="Group")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("staff_count:Q", title="Staff in group", format=","),
        alt.Tooltip("staff_total:Q", title="Staff with a known group", format=","),
        alt.Tooltip("ratio:Q", title="Representation ratio", format=".2f"),
        alt.Tooltip("ratio_ci_low:Q", title=f"{level} interval from", format=".2f"),
        alt.Tooltip("ratio_ci_high:Q", title=f"{level} interval to", format=".2f"),
        alt.Tooltip("flag:N", title="Finding"),
    ]
    width = 480
    ends = pd.concat([frame["ratio_ci_low"], frame["ratio_ci_high"], frame["ratio"]]).dropna()
    span = _log_domain(min(0.8, float(ends.min())), max(1.25, float(ends.max()))) if len(ends) else [0.5, 2.0]
    scale = alt.Scale(type="log", domain=span, nice=False)
    base = alt.Chart() if split else alt.Chart(frame)
    one = alt.Chart().mark_rule(color=_BLACK, strokeDash=[4, 3]).encode(x=alt.X(datum=1.0, scale=scale))
    interval, points = _estimate_layers(
        base, alt.X("ratio:Q", scale=scale),
        alt.X("ratio_ci_low:Q", scale=scale, title="Representation ratio (staff share ÷ population share, log scale)",
              axis=alt.Axis(values=_log_ticks(span[0], span[1], width), format="~g")),
        "ratio_ci_high:Q", y, colour, tooltip)
    labels = _label_layer(base, "label_x", y)
    if split:
        chart = _facet_rows([one, interval, points, labels], frame, "group", groups)
    else:
        chart = _set(alt.layer(one, interval, points, labels), width=width)
    title = _ratio_title(data, result.benchmark)
    subtitle = _subtitle_representation(result, table)[:1] + [
        f"Ratio 1 = the same share as the population; lines: {level} intervals; grey: no evidence of a difference."]
    description = (f"Representation ratios on a log scale with {level} intervals, diverging around 1. {title}. "
                   + "; ".join(f"{r.group}{f' ({r.subgroup})' if split else ''}: "
                               + (f"{r.ratio:.2f}" if pd.notna(r.ratio) else "no ratio") + f", {r.flag}"
                               for r in _rows(frame) if not _is_suppressed(r.status)) + ".")
    return _finish(chart, title, subtitle, description, result, "ratio_chart")
