"""Charts: one Altair chart per finding, made from a :class:`~workforce.Result`.

Every function takes the result of an analysis (never staff rows) and returns
an ``altair.Chart`` or ``altair.LayerChart`` that shows in Jupyter as it is
and saves with ``chart.save("x.html")`` (or ``.png`` / ``.svg`` with
vl-convert).  All charts share:

* a **title that states the finding in words**, made from the numbers, and a
  subtitle with the number of staff, the benchmark and the snapshot date;
* one colour-blind-safe palette (Okabe-Ito, :data:`PALETTE`) and one theme
  (:data:`THEME`, registered with ``alt.theme.register`` the first time a
  chart is made, never enabled globally: its configuration is written into
  each chart, so notebooks and the board pack look the same);
* tooltips with the counts and the interval;
* groups with fewer than ``min_n`` staff (8 by default) drawn in grey and
  labelled "fewer than 8 staff"; values a disclosure step marked in a
  ``<column>_suppressed`` column are hidden;
* alt text in the specification's ``description``, and provenance (analysis,
  package version) in ``usermeta``;
* embedded data: the aggregated table's rows only (never person-level rows),
  with only the columns the chart uses (a funnel plot adds its control limits
  over a grid of sizes, made from the target alone).

Altair is imported here only: ``import workforce`` does not load it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import altair as alt
import numpy as np
import pandas as pd

from ._result import Result
from ._version import __version__
from .errors import WorkforceError

__all__ = [
    "representation_chart",
    "ratio_chart",
    "ladder_chart",
    "likelihood_chart",
    "promotion_chart",
    "trajectory_chart",
    "heatmap_chart",
    "age_profile_chart",
    "funnel_chart",
    "PALETTE",
    "THEME",
]

#: Okabe-Ito colour-blind-safe palette (orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple,
#: black).
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
#: Name of the registered Altair theme.
THEME = "workforce"

_BLUE, _VERMILLION, _BLACK, _ORANGE = "#0072B2", "#D55E00", "#000000", "#E69F00"
_GREY = "#BBBBBB"      # small or suppressed groups
_NEUTRAL = "#7F7F7F"   # "no evidence of a difference"
_SHADE = "#DDDDDD"     # the non-adverse range
_NON_ADVERSE = (0.80, 1.25)
# Columns that identify a person: never embedded in a chart.
_IDENTIFIERS = {"person_id", "assignment_id", "employee_number", "assignment_number", "source_row", "nhs_number"}


# ---------------------------------------------------------------- theme


def _theme() -> dict:
    """The package's theme (an ``alt.theme.ThemeConfig`` dict)."""
    font = "Arial, Helvetica, sans-serif"
    return {
        "config": {
            "font": font,
            "view": {"stroke": None, "continuousWidth": 480, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": 16, "fontWeight": "bold", "subtitleFontSize": 12,
                      "subtitleColor": "#444444", "subtitlePadding": 6, "offset": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal", "grid": True,
                     "gridColor": "#EEEEEE", "domainColor": "#888888", "tickColor": "#888888",
                     "labelLimit": 320},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal",
                       "labelLimit": 320},
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "range": {"category": PALETTE},
            "point": {"size": 70, "filled": True, "opacity": 1},
            "text": {"fontSize": 11},
        }
    }


def _config() -> dict:
    """Register the theme once (never enabling it) and return its configuration."""
    if THEME not in alt.theme.names():
        alt.theme.register(THEME, enable=False)(_theme)
    return _theme()["config"]


def _finish(chart, title: str, subtitle: list[str], description: str, result: Result, name: str):
    """Title, subtitle, alt text, provenance and the theme's configuration."""
    chart = chart.properties(
        title=alt.Title(title, subtitle=[s for s in subtitle if s]),
        description=description,
        usermeta={"workforce": {"chart": name, "analysis": str(result.method.get("analysis", "")),
                                "version": f"workforce {__version__}"}},
    )
    return chart.configure(**_config())


# ---------------------------------------------------------------- helpers


def _pct(x: float) -> str:
    """A share as words use it: whole percent from 10%, one decimal below."""
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:.0%}" if round(x, 3) >= 0.095 else f"{x:.1%}"


def _level(method: dict) -> str:
    words = str(method.get("interval", "")) + str(method.get("relative likelihoods", ""))
    match = re.search(r"(\d+(?:\.\d+)?)%", words)
    return f"{match.group(1)}%" if match else "95%"


def _snapshot(method: dict) -> str:
    snaps = method.get("snapshots") or []
    if isinstance(snaps, str):
        snaps = [snaps]
    dates = []
    for s in snaps:
        try:
            stamp = pd.Timestamp(s)
            dates.append(f"{stamp.day} {stamp:%B %Y}")
        except (ValueError, TypeError):
            dates.append(str(s))
    return ("snapshot " + ", ".join(dates)) if dates else ""


def _area(benchmark: dict) -> str:
    """'Leicester' for one area, else the benchmark's label."""
    areas = benchmark.get("areas") or []
    if len(areas) == 1 and isinstance(areas[0], dict) and areas[0].get("name"):
        return str(areas[0]["name"])
    return str(benchmark.get("area", "the benchmark"))


def _population_words(benchmark: dict, row=None) -> str:
    """"Leicester's working-age population"; with ``row``, that row's own benchmark (icb_view)."""
    if row is not None and "by organisation" in benchmark and str(row.get("benchmark", "")):
        area = re.sub(r"\s*\([A-Z]\d{8}\)$", "", str(row["benchmark"]))
        kind = "working-age population" if str(row.get("benchmark_ages", "")) == "16-64" else "population"
        return f"{area}'s {kind}"
    ages = str(benchmark.get("ages", ""))
    kind = "working-age population" if ages == "16-64" else "population"
    return f"{_area(benchmark)}'s {kind}"


def _benchmark_words(benchmark: dict) -> str:
    if not benchmark:
        return ""
    if "by organisation" in benchmark:
        return "benchmark: each organisation's own area"
    ages = benchmark.get("ages")
    return f"benchmark: {benchmark.get('area', '')}" + (f", ages {ages}" if ages else "") + ", Census 2021"


def _suppressed(table: pd.DataFrame, counts: Iterable[str] | None = None) -> pd.Series:
    """Rows a disclosure step hid: any ``*_suppressed`` column true, or only those of ``counts`` (the counts
    the chart's figure is made from; a suppressed unknown or total elsewhere in the row does not hide it)."""
    flags = [c for c in table.columns if c.endswith("_suppressed")
             and (counts is None or c[: -len("_suppressed")] in counts)]
    if not flags:
        return pd.Series(False, index=table.index)
    return table[flags].fillna(False).astype(bool).any(axis=1)


def _hide(table: pd.DataFrame) -> pd.DataFrame:
    """A copy with every value marked ``<column>_suppressed`` set missing."""
    table = table.copy()
    for flag in [c for c in table.columns if c.endswith("_suppressed")]:
        column = flag[: -len("_suppressed")]
        if column in table:
            hidden = table[flag].fillna(False).astype(bool)
            if pd.api.types.is_numeric_dtype(table[column]) and not pd.api.types.is_bool_dtype(table[column]):
                table[column] = pd.to_numeric(table[column], errors="coerce").astype(float).where(~hidden)
            else:
                table[column] = table[column].astype(object).where(~hidden, None)
    return table


def _frame(data: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Only the columns a chart uses, as plain JSON-friendly types (never an identifier)."""
    columns = [c for c in dict.fromkeys(columns) if c not in _IDENTIFIERS]
    out = pd.DataFrame(index=range(len(data)))
    for c in columns:
        values = data[c].reset_index(drop=True)
        if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object or pd.api.types.is_string_dtype(values):
            out[c] = [None if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA) else
                      (v if isinstance(v, (bool, np.bool_)) else str(v)) for v in values]
        elif pd.api.types.is_bool_dtype(values):
            out[c] = values.astype(object).where(values.notna(), None)
        else:
            out[c] = pd.to_numeric(values, errors="coerce").astype(float).round(6)
    return out


def _status(small: pd.Series, hidden: pd.Series, min_n: int) -> pd.Series:
    status = pd.Series("", index=small.index, dtype=object)
    status[small] = f"fewer than {min_n} staff"
    status[hidden] = "suppressed"
    return status


def _label_layer(base, x: str, y, offset: dict | None = None):
    """Text 'fewer than 8 staff' / 'suppressed' beside the rows that carry a status (``y``: the layer's Y)."""
    enc = {"x": alt.X(f"{x}:Q"), "y": y, "text": alt.Text("status:N"), **(offset or {})}
    return base.transform_filter("datum.status != ''").mark_text(align="left", dx=8, color="#555555").encode(**enc)


def _estimate_layers(base, point, low, high: str, y, colour, tooltip, offset: dict | None = None):
    """A filled point for each estimate and a rule for its interval (``low`` to ``high``), sharing y, colour
    and tooltip."""
    extra = offset or {}
    interval = base.mark_rule(strokeWidth=2).encode(x=low, x2=high, y=y, color=colour, tooltip=tooltip, **extra)
    points = base.mark_point(filled=True, size=80).encode(x=point, y=y, color=colour, tooltip=tooltip, **extra)
    return interval, points


def _facet_rows(layers: list, frame: pd.DataFrame, field: str, sort: list):
    """The layers (made on ``alt.Chart()``) drawn once per value of ``field``, one row each, labelled at the left."""
    return alt.layer(*layers, data=frame).properties(width=480).facet(
        row=alt.Row(f"{field}:N", sort=sort, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold")))


def _present(domain: list, colours: list, keys, always=()) -> tuple[list, list]:
    """The legend's entries that the chart draws (and ``always`` ones), with their colours."""
    keys = set(keys) | set(always)
    kept = [(d, c) for d, c in zip(domain, colours) if d in keys]
    return [d for d, _ in kept], [c for _, c in kept]


def _check(result, analysis: Iterable[str], function: str) -> pd.DataFrame:
    if not isinstance(result, Result):
        raise WorkforceError(f"{function} takes the Result of an analysis, not {type(result).__name__}.")
    name = str(result.method.get("analysis", ""))
    if name not in analysis:
        raise WorkforceError(f"{function} draws the result of {' or '.join(analysis)}, not {name or 'this result'}.")
    return result.table


# ---------------------------------------------------------------- representation


def _representation_rows(result: Result, min_n: int, function: str):
    table = _check(result, ("representation", "icb_view"), function)
    hidden = _suppressed(table, ("staff_count", "staff_total"))
    data = _hide(table)
    small = pd.to_numeric(data["staff_count"], errors="coerce").fillna(0) < min_n
    data = data.assign(status=_status(small, hidden, min_n).to_numpy(), small=(small | hidden).to_numpy())
    for column in ("staff_share", "staff_share_low", "staff_share_high", "ratio", "ratio_low", "ratio_high"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    data.loc[hidden, ["staff_share", "staff_share_low", "staff_share_high", "ratio", "ratio_low", "ratio_high"]] = np.nan
    split = data["subgroup"].nunique() > 1
    return table, data, split


def _subtitle_representation(result: Result, table: pd.DataFrame) -> list[str]:
    first = table.drop_duplicates("subgroup")
    n = int(pd.to_numeric(first["staff_total"], errors="coerce").fillna(0).sum())
    unknown = int(pd.to_numeric(first["unknown_count"], errors="coerce").fillna(0).sum())
    return [f"n = {n:,} staff with a known group ({unknown:,} unknown, left out of the shares) · "
            + _benchmark_words(result.benchmark) + (" · " + _snapshot(result.method) if _snapshot(result.method) else ""),
            f"Points: staff share with its {_level(result.method)} Wilson interval; black tick: population share."]


def _where(row) -> str:
    by, subgroup = str(row.get("by", "all")), str(row.get("subgroup", ""))
    if by in ("all", ""):
        return ""
    if by == "band_group" and subgroup[:1].isdigit():
        return f" in bands {subgroup}"
    return f" among {subgroup} staff"


def _representation_title(data: pd.DataFrame, benchmark: dict) -> str:
    ok = data[~data["small"]]
    under = ok[ok["flag"].astype(str) == "under-represented"]
    if len(under):
        row = under.loc[pd.to_numeric(under["difference_pp"]).idxmin()]
        return (f"{row['group']} staff are under-represented{_where(row)}: {_pct(row['staff_share'])} of staff "
                f"against {_pct(row['population_share'])} of {_population_words(benchmark, row)}")
    return f"No group is under-represented against {_population_words(benchmark)}"


def representation_chart(result: Result, *, min_n: int = 8):
    """Staff share against the population share, group by group.

    Each group's staff share is a point with its Wilson interval (a rule), the
    population share a black tick.  With ``by=`` the subgroups are coloured
    and offset within each group.  Groups with fewer than ``min_n`` staff are
    grey and labelled.

    Parameters
    ----------
    result : Result
        From :func:`workforce.representation` (or :func:`workforce.icb_view`).
    min_n : int
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
    >>> chart.to_dict()["title"]["text"]
    "Asian staff are under-represented: 22% of staff against 45% of Leicester's working-age population"
    """
    table, data, split = _representation_rows(result, min_n, "representation_chart")
    small_key = f"fewer than {min_n} staff"
    pop_key = "Population share"
    if split:
        subgroups = list(dict.fromkeys(data["subgroup"].astype(str)))
        data["key"] = np.where(data["small"], small_key, data["subgroup"].astype(str))
        domain = subgroups + [small_key, pop_key]
        colours = [PALETTE[i % 7] for i in range(len(subgroups))] + [_GREY, _BLACK]
    else:
        data["key"] = np.where(data["small"], small_key, "Staff share")
        domain, colours = ["Staff share", small_key, pop_key], [_BLUE, _GREY, _BLACK]
    domain, colours = _present(domain, colours, data["key"], [pop_key])
    level = _level(result.method)
    columns = ["subgroup", "group", "staff_count", "staff_total", "staff_share", "staff_share_low",
               "staff_share_high", "population_share", "flag", "status", "key"]
    frame = _frame(data, columns)
    groups = list(dict.fromkeys(frame["group"]))
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    y = alt.Y("group:N", title=None, sort=groups)
    offset = {"yOffset": alt.YOffset("subgroup:N", sort=list(dict.fromkeys(frame["subgroup"])))} if split else {}
    tooltip = [alt.Tooltip("group:N", title="Group")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("staff_count:Q", title="Staff in group", format=","),
        alt.Tooltip("staff_total:Q", title="Staff with a known group", format=","),
        alt.Tooltip("staff_share:Q", title="Staff share", format=".1%"),
        alt.Tooltip("staff_share_low:Q", title=f"{level} interval from", format=".1%"),
        alt.Tooltip("staff_share_high:Q", title=f"{level} interval to", format=".1%"),
        alt.Tooltip("population_share:Q", title="Population share", format=".1%"),
        alt.Tooltip("flag:N", title="Finding"),
    ]
    base = alt.Chart(frame)
    interval, points = _estimate_layers(
        base, alt.X("staff_share:Q", title="Share", axis=alt.Axis(format="%")),
        alt.X("staff_share_low:Q", title="Share", axis=alt.Axis(format="%")), "staff_share_high:Q", y, colour,
        tooltip, offset)
    ticks = base.mark_tick(thickness=2, size=18).encode(
        x=alt.X("population_share:Q"), y=y, color=alt.datum(pop_key),
        tooltip=tooltip, **offset)
    labels = _label_layer(base, "staff_share_high", y, offset)
    chart = alt.layer(interval, points, ticks, labels).properties(width=480)
    title = _representation_title(data, result.benchmark)
    description = (f"Dot plot of each ethnic group's share of staff with its {level} interval against the share of "
                   f"{_population_words(result.benchmark)}. {title}. "
                   + "; ".join(f"{r.group}{' (' + r.subgroup + ')' if split else ''}: {_pct(r.staff_share)} of staff, "
                               f"{_pct(r.population_share)} of population" for r in frame.itertuples()
                               if r.status != "suppressed") + ".")
    return _finish(chart, title, _subtitle_representation(result, table), description, result, "representation_chart")


# ---------------------------------------------------------------- ratio


def _ratio_title(data: pd.DataFrame, benchmark: dict) -> str:
    ok = data[~data["small"] & (pd.to_numeric(data["ratio"]) > 0)]
    under = ok[ok["flag"].astype(str) == "under-represented"]
    if len(under):
        row = under.loc[pd.to_numeric(under["ratio"]).idxmin()]
        return (f"{row['group']} staff are represented at {row['ratio']:.2f} times their share of "
                f"{_population_words(benchmark, row)}{_where(row)}")
    return f"No group is under-represented against {_population_words(benchmark)}"


def ratio_chart(result: Result, *, min_n: int = 8):
    """The representation ratio (staff share ÷ population share) on a log axis.

    Ratios diverge around 1 (a rule): under-represented groups in vermillion,
    over-represented in blue, groups with no evidence of a difference in
    neutral grey; groups with fewer than ``min_n`` staff pale grey and
    labelled.  A ratio of 0 (no staff in the group) cannot be drawn on a log
    axis and is left out of the marks (it is in the label and alt text).

    Parameters
    ----------
    result : Result
        From :func:`workforce.representation`.
    min_n : int
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
    >>> spec["title"]["text"]
    "Asian staff are represented at 0.49 times their share of Leicester's working-age population"
    """
    table, data, split = _representation_rows(result, min_n, "ratio_chart")
    small_key = f"fewer than {min_n} staff"
    data["key"] = np.where(data["small"], small_key, data["flag"].astype(str))
    for column in ("ratio", "ratio_low", "ratio_high"):  # log axis: no zeros
        data[column] = data[column].where(data[column] > 0)
    domain = ["under-represented", "over-represented", "no evidence of a difference", "insufficient data", small_key]
    colours = [_VERMILLION, _BLUE, _NEUTRAL, _GREY, _GREY]
    domain, colours = _present(domain, colours, data["key"])
    level = _level(result.method)
    frame = _frame(data, ["subgroup", "group", "staff_count", "staff_total", "ratio", "ratio_low", "ratio_high",
                          "flag", "status", "key"])
    frame["label_x"] = frame["ratio_high"].fillna(1.0)
    groups = list(dict.fromkeys(frame["group"]))
    # split (e.g. by band group): one row of the chart per group, the subgroups labelled on its axis
    y = (alt.Y("subgroup:N", title=None, sort=list(dict.fromkeys(frame["subgroup"]))) if split
         else alt.Y("group:N", title=None, sort=groups))
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    tooltip = [alt.Tooltip("group:N", title="Group")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("staff_count:Q", title="Staff in group", format=","),
        alt.Tooltip("staff_total:Q", title="Staff with a known group", format=","),
        alt.Tooltip("ratio:Q", title="Representation ratio", format=".2f"),
        alt.Tooltip("ratio_low:Q", title=f"{level} interval from", format=".2f"),
        alt.Tooltip("ratio_high:Q", title=f"{level} interval to", format=".2f"),
        alt.Tooltip("flag:N", title="Finding"),
    ]
    scale = alt.Scale(type="log")
    base = alt.Chart() if split else alt.Chart(frame)
    one = alt.Chart().mark_rule(color=_BLACK, strokeDash=[4, 3]).encode(x=alt.datum(1.0, scale=scale))
    interval, points = _estimate_layers(
        base, alt.X("ratio:Q", scale=scale),
        alt.X("ratio_low:Q", scale=scale, title="Representation ratio (staff share ÷ population share, log scale)"),
        "ratio_high:Q", y, colour, tooltip)
    labels = _label_layer(base, "label_x", y)
    if split:
        chart = _facet_rows([one, interval, points, labels], frame, "group", groups)
    else:
        chart = alt.layer(one, interval, points, labels).properties(width=480)
    title = _ratio_title(data, result.benchmark)
    subtitle = _subtitle_representation(result, table)[:1] + [
        f"Ratio 1 = the same share as the population; lines: {level} intervals; grey: no evidence of a difference."]
    description = (f"Representation ratios on a log scale with {level} intervals, diverging around 1. {title}. "
                   + "; ".join(f"{r.group}{' (' + r.subgroup + ')' if split else ''}: "
                               + (f"{r.ratio:.2f}" if pd.notna(r.ratio) else "no ratio") + f", {r.flag}"
                               for r in frame.itertuples() if r.status != "suppressed") + ".")
    return _finish(chart, title, subtitle, description, result, "ratio_chart")


# ---------------------------------------------------------------- ladder


def _category_words(category: str) -> str:
    return {"All AfC": "Agenda for Change staff", "Medical": "medical staff"}.get(category, f"{category.lower()} staff")


def ladder_chart(result: Result, *, staff_category: str = "Non-clinical", organisation: str | None = None,
                 population_share: float | None = None, population_label: str = "Population share",
                 min_n: int = 8):
    """The band ladder ("snowy white peaks"): the compared group's share on each rung.

    For each Agenda for Change band (or medical grade for ``"Medical"``), in
    band order from band 1 at the bottom to VSM at the top, the compared
    group's share of the staff of known group on the rung, with its Wilson
    interval; the whole staff category's share is a vertical rule, and a
    population share (if given) a dashed rule.  Rungs where the compared
    group has fewer than ``min_n`` staff, or with fewer than ``min_n`` staff
    of known group, are grey and labelled.

    Parameters
    ----------
    result : Result
        From :func:`workforce.ladder`.
    staff_category : {"Non-clinical", "Clinical", "All AfC", "Medical"}
        Which ladder.
    organisation : str, optional
        Needed when the result holds several organisations.
    population_share : float, optional
        The compared group's share of a population benchmark, drawn as a
        dashed rule (e.g. the BME share of Leicester's working-age
        population).
    population_label : str
        Its name in the legend.
    min_n : int
        Rungs with fewer staff than this are greyed and labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import ladder_chart
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> ladder_chart(workforce.ladder(staff)).to_dict()["title"]["text"]
    'BME staff are 38% of non-clinical staff but 17% of band 8a and above'
    """
    table = _check(result, ("ladder",), "ladder_chart")
    organisation = _one_organisation(table, organisation, "the ladder")
    rung_type = "grade" if staff_category == "Medical" else "band"
    rows = table[(table["organisation"].astype(str) == organisation) & (table["staff_category"].astype(str) == staff_category)
                 & (table["rung_type"].astype(str) == rung_type)]
    if rows.empty:
        raise WorkforceError(f"no {staff_category!r} rungs for {organisation!r}; staff categories are "
                             f"{list(dict.fromkeys(table['staff_category'].astype(str)))}.")
    hidden_all = _suppressed(rows, ("headcount", "rung_known"))
    rows = _hide(rows)
    order = list(dict.fromkeys(rows["rung"].astype(str)))  # the table's order is the band order
    compared_mask = rows["role"].astype(str) == "compared"
    compared = rows[compared_mask].copy()
    hidden = hidden_all[compared_mask.to_numpy()].to_numpy()
    for column in ("headcount", "rung_known", "rung_total", "share_of_known", "share_of_known_low",
                   "share_of_known_high", "overall_share_of_known"):
        compared[column] = pd.to_numeric(compared[column], errors="coerce")
    group = str(result.method.get("compared group", compared["group"].astype(str).iloc[0]))
    small = ((compared["headcount"].fillna(0) < min_n) | (compared["rung_known"].fillna(0) < min_n)).to_numpy()
    compared["status"] = _status(pd.Series(small), pd.Series(hidden), min_n).to_numpy()
    compared.loc[hidden, ["share_of_known", "share_of_known_low", "share_of_known_high", "headcount"]] = np.nan
    compared["key"] = np.where(small | hidden, f"fewer than {min_n} staff", f"{group} share of the rung")
    compared = compared[compared["rung_known"].fillna(0) > 0]  # empty rungs: nothing to draw (kept on the axis)
    frame = _frame(compared, ["rung", "headcount", "rung_known", "share_of_known", "share_of_known_low",
                              "share_of_known_high", "status", "key"])
    overall_values = pd.to_numeric(rows.loc[compared_mask, "overall_share_of_known"], errors="coerce").dropna()
    overall = float(overall_values.iloc[0]) if len(overall_values) else math.nan   # NaN: suppressed
    level = _level(result.method)
    # the senior part: 8a and above (AfC) or consultants (medical)
    senior = order[order.index("8a"):] if "8a" in order else order[:1]
    senior_share = _senior_share(rows[compared_mask], senior)  # every senior rung, suppressed ones as missing
    if np.isnan(senior_share) and "8a" in order:  # bands suppressed: the WDES clusters may still be shown
        clusters = table[(table["organisation"].astype(str) == organisation)
                         & (table["staff_category"].astype(str) == staff_category)
                         & (table["rung_type"].astype(str) == "cluster") & (table["role"].astype(str) == "compared")]
        senior_share = _senior_share(_hide(clusters), ["8a-8b", "8c+"])
    senior_words = "band 8a and above" if "8a" in order else "consultants"
    category = _category_words(staff_category)
    if np.isnan(overall) and np.isnan(senior_share):  # never state a figure made from suppressed counts
        title = f"Figures for {group} staff in {category} are suppressed (small numbers)"
    elif np.isnan(overall):
        title = (f"{group} staff are {_pct(senior_share)} of {senior_words}; their share of all {category} is "
                 "suppressed (small numbers)")
    elif np.isnan(senior_share):
        title = f"{group} staff are {_pct(overall)} of {category}; figures for {senior_words} are suppressed (small numbers)"
    else:
        joiner = "but" if senior_share < overall else "and"
        title = f"{group} staff are {_pct(overall)} of {category} {joiner} {_pct(senior_share)} of {senior_words}"

    small_key, share_key = f"fewer than {min_n} staff", f"{group} share of the rung"
    whole_key = f"{group} share of all {category}"
    domain, colours = [share_key, small_key, whole_key], [_BLUE, _GREY, _ORANGE]
    if population_share is not None:
        domain.append(population_label)
        colours.append(_BLACK)
    always = [d for d in domain[2:] if d != whole_key or not np.isnan(overall)]
    domain, colours = _present(domain, colours, compared["key"], always)
    colour_scale = alt.Scale(domain=domain, range=colours)
    y = alt.Y("rung:N", title="Grade" if rung_type == "grade" else "Band", sort=order[::-1],
              scale=alt.Scale(domain=order[::-1]))
    tooltip = [alt.Tooltip("rung:N", title="Band" if rung_type == "band" else "Grade"),
               alt.Tooltip("headcount:Q", title=f"{group} staff", format=","),
               alt.Tooltip("rung_known:Q", title="Staff of known group", format=","),
               alt.Tooltip("share_of_known:Q", title=f"{group} share", format=".1%"),
               alt.Tooltip("share_of_known_low:Q", title=f"{level} interval from", format=".1%"),
               alt.Tooltip("share_of_known_high:Q", title=f"{level} interval to", format=".1%")]
    base = alt.Chart(frame)
    x = alt.X("share_of_known:Q", title=f"{group} share of staff of known group", axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    colour = alt.Color("key:N", title=None, scale=colour_scale)
    layers = [] if np.isnan(overall) else [
        alt.Chart().mark_rule(strokeWidth=2).encode(x=alt.datum(round(overall, 6)),
                                                    color=alt.datum(whole_key)),
    ]
    if population_share is not None:
        layers.append(alt.Chart().mark_rule(strokeWidth=2, strokeDash=[5, 4]).encode(
            x=alt.datum(float(population_share)), color=alt.datum(population_label)))
    layers += [*_estimate_layers(base, x, alt.X("share_of_known_low:Q"), "share_of_known_high:Q", y, colour,
                                 tooltip),
               _label_layer(base, "share_of_known_high", y)]
    chart = alt.layer(*layers).properties(width=480, height=alt.Step(24))
    n_known = pd.to_numeric(rows.loc[compared_mask, "overall_known"], errors="coerce").astype(float).iloc[0]
    n_words = "n suppressed" if np.isnan(n_known) else f"n = {int(n_known):,} staff of known group"
    subtitle = [f"{organisation}, {category}: {n_words} · "
                + (f"population share {population_share:.1%} ({population_label}) · " if population_share is not None else "")
                + _snapshot(result.method),
                f"Points: {group} share of each {'band' if rung_type == 'band' else 'grade'} with its {level} Wilson "
                f"interval; orange rule: {group} share of all {category}."]
    against = "" if np.isnan(overall) else f", against {_pct(overall)} of all {category}"
    description = (f"Ladder chart of the {group} share of staff on each {rung_type} from bottom to top{against}. "
                   f"{title}. "
                   + "; ".join(f"{r.rung}: " + (f"{_pct(r.share_of_known)} of {int(r.rung_known)}"
                                                 if r.status != "suppressed" else "suppressed")
                               for r in frame.itertuples()) + ".")
    return _finish(chart, title, subtitle, description, result, "ladder_chart")


# ---------------------------------------------------------------- relative likelihoods


def _likelihood_rows(result: Result, min_n: int) -> pd.DataFrame:
    """Rows with a relative likelihood, labelled, from WRES/WDES or progression_gaps tables."""
    table = result.table
    hidden = _suppressed(table)
    table = _hide(table).assign(_hidden=hidden.to_numpy())
    analysis = str(result.method.get("analysis", ""))
    if analysis in ("WRES", "WDES"):
        number = "indicator" if analysis == "WRES" else "metric"
        rows = table[table["unit"].astype(str) == "relative likelihood"].copy()
        rows["label"] = [f"{analysis} {n}: {_meaning(d)}" for n, d in zip(rows[number], rows["direction"].astype(str))]
        rows["sentence"] = [_likelihood_sentence(d, v) + f" ({analysis} {'indicator' if analysis == 'WRES' else 'metric'} {n})"
                            if pd.notna(v) else "" for n, d, v in zip(rows[number], rows["direction"].astype(str), rows["value"])]
        rows["small"] = rows["state"].astype(str) == "insufficient data"
        rows["detail"] = rows["figure"].astype(str)
    elif analysis == "progression_gaps":
        rows = table[table["measure"].astype(str) == "relative likelihood"].copy()
        several = rows["organisation"].astype(str).nunique() > 1
        rows["label"] = [(f"{o}: " if several else "") + f"{c}: {_senior_words(t)}"
                         for o, c, t in zip(rows["organisation"], rows["staff_category"], rows["comparison"])]
        rows["sentence"] = [f"{a} staff are {v:.2f} times as likely as {b} staff to be in {_senior_words(t)} "
                            f"({_category_words(str(c))})" if pd.notna(v) else ""
                            for a, b, v, t, c in zip(rows["advantaged"], rows["compared"], rows["value"],
                                                     rows["comparison"], rows["staff_category"])]
        fewest = np.minimum(pd.to_numeric(rows["advantaged_total"], errors="coerce").fillna(0),
                            pd.to_numeric(rows["compared_total"], errors="coerce").fillna(0))
        rows["small"] = (fewest < min_n) | (rows["state"].astype(str) == "insufficient data")
        rows["detail"] = [f"{a}: {_count(asn)} of {_count(at)}; {b}: {_count(bs)} of {_count(bt)}" for a, asn, at, b, bs, bt in zip(
            rows["advantaged"], rows["advantaged_senior"], rows["advantaged_total"], rows["compared"],
            rows["compared_senior"], rows["compared_total"])]
    else:
        raise WorkforceError(f"likelihood_chart draws wres(...), wdes(...) or progression_gaps(...) results, not "
                             f"{analysis or 'this result'}.")
    for column in ("value", "ci_low", "ci_high"):
        rows[column] = pd.to_numeric(rows[column], errors="coerce")
    return rows


def _wrap(text: str, width: int = 140) -> list[str]:
    """Subtitle lines of at most about ``width`` characters, broken after '; '."""
    lines, line = [], ""
    for part in text.split("; "):
        if line and len(line) + len(part) + 2 > width:
            lines.append(line + ";")
            line = part
        else:
            line = f"{line}; {part}" if line else part
    return lines + ([line] if line else [])


def _meaning(direction: str) -> str:
    text = direction.split("means ", 1)[-1]
    return text[:1].upper() + text[1:]


def _likelihood_sentence(direction: str, value) -> str:
    meaning = direction.split("means ", 1)[-1]
    if pd.isna(value) or "more likely" not in meaning:
        return ""
    return meaning.replace("are more likely", f"are {value:.2f} times as likely", 1).replace(
        "is more likely", f"is {value:.2f} times as likely", 1)


def _senior_words(threshold) -> str:
    threshold = str(threshold)
    if threshold.endswith("and above"):
        return f"band {threshold}"
    return "consultant grade" if threshold == "Consultant" else threshold


def likelihood_chart(result: Result, *, min_n: int = 8):
    """Relative likelihoods with their intervals on a log axis.

    The NHS "non-adverse" range 0.80-1.25 is shaded and 1 marked with a rule.
    Works for :func:`workforce.wres` and :func:`workforce.wdes` results (the
    rows with a relative likelihood) and for
    :func:`workforce.progression_gaps` (rows with measure "relative
    likelihood").  Rows that are not estimable (a zero cell) have no number:
    they are listed in the subtitle, not plotted.  Rows with too few staff
    are grey and labelled.

    Parameters
    ----------
    result : Result
        From ``wres``, ``wdes`` or ``progression_gaps``.
    min_n : int
        Rows where a group has fewer staff than this are greyed (for
        ``wres``/``wdes``, the rows the analysis marked "insufficient data").

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import likelihood_chart
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> spec = likelihood_chart(workforce.progression_gaps(staff)).to_dict()
    >>> spec["title"]["text"]
    'White staff are 2.70 times as likely as BME staff to be in band 8a and above (Agenda for Change staff)'
    """
    rows = _likelihood_rows(result, min_n)
    drawn = rows[rows["value"].notna() & (rows["value"] > 0) & ~rows["_hidden"]].copy()
    if drawn.empty:  # no chart rather than a title claiming that nothing is adverse
        raise WorkforceError("no relative likelihood to draw: every one is suppressed, not estimable or not "
                             "provided.")
    missing = rows[~rows.index.isin(drawn.index)]
    small_key = f"fewer than {min_n} staff"
    drawn["status"] = np.where(drawn["small"], small_key, "")
    outside = (drawn["value"] < _NON_ADVERSE[0]) | (drawn["value"] > _NON_ADVERSE[1])
    clear = (drawn["ci_low"] > 1) | (drawn["ci_high"] < 1)
    drawn["key"] = np.select([drawn["small"], outside & clear, outside], [
        small_key, "outside the non-adverse range, interval excludes 1", "outside the non-adverse range"],
        "within the non-adverse range")
    level = _level(result.method)
    # the headline: the clearest adverse finding (smallest p-value, else the interval end nearest 1 furthest from 1)
    candidates = drawn[~drawn["small"] & outside & clear & (drawn["sentence"] != "")]
    if len(candidates):
        if "p_value" in candidates:
            best = candidates.loc[pd.to_numeric(candidates["p_value"]).idxmin()]
        else:
            near = np.where(candidates["value"] > 1, np.log(candidates["ci_low"]), -np.log(candidates["ci_high"]))
            best = candidates.iloc[int(np.argmax(near))]
        title = best["sentence"]
    else:
        title = ("No relative likelihood is clearly adverse: each is within the non-adverse range 0.80-1.25 "
                 "or its interval includes 1")
    frame = _frame(drawn, ["label", "value", "ci_low", "ci_high", "detail", "status", "key"])
    frame["label_x"] = frame["ci_high"].fillna(frame["value"])
    domain = ["outside the non-adverse range, interval excludes 1", "outside the non-adverse range",
              "within the non-adverse range", small_key]
    domain, colours = _present(domain, [_VERMILLION, _ORANGE, _BLUE, _GREY], frame["key"])
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    scale = alt.Scale(type="log")
    y = alt.Y("label:N", title=None, sort=list(frame["label"]), axis=alt.Axis(labelLimit=420))
    tooltip = [alt.Tooltip("label:N", title="Measure"),
               alt.Tooltip("value:Q", title="Relative likelihood", format=".2f"),
               alt.Tooltip("ci_low:Q", title=f"{level} interval from", format=".2f"),
               alt.Tooltip("ci_high:Q", title=f"{level} interval to", format=".2f"),
               alt.Tooltip("detail:N", title="Counts")]
    band = pd.DataFrame({"low": [_NON_ADVERSE[0]], "high": [_NON_ADVERSE[1]]})
    shade = alt.Chart(band).mark_rect(color=_SHADE, opacity=0.7).encode(
        x=alt.X("low:Q", scale=scale, title="Relative likelihood (log scale)"), x2="high:Q",
        tooltip=[alt.Tooltip("low:Q", title="Non-adverse range from", format=".2f"),
                 alt.Tooltip("high:Q", title="to", format=".2f")])
    one = alt.Chart().mark_rule(color=_BLACK).encode(x=alt.datum(1.0, scale=scale))
    base = alt.Chart(frame)
    interval, points = _estimate_layers(base, alt.X("value:Q", scale=scale), alt.X("ci_low:Q", scale=scale),
                                        "ci_high:Q", y, colour, tooltip)
    labels = _label_layer(base, "label_x", y)
    chart = alt.layer(shade, one, interval, points, labels).properties(width=420)
    not_estimable = [f"{lab} ({'suppressed' if h else st})" for lab, st, h in
                     zip(missing["label"], missing["state"].astype(str), missing["_hidden"])]
    who = result.method.get("organisation") or ", ".join(dict.fromkeys(rows.get("organisation", pd.Series([], dtype=str))
                                                                        .astype(str)))
    subtitle = [f"{who} · " + f"{len(drawn)} relative likelihoods with {level} intervals · " + _snapshot(result.method),
                "Above 1: the minoritised or disabled group is worse off; shaded: the non-adverse range 0.80-1.25.",
                *_wrap("Not plotted (no number): " + "; ".join(not_estimable) if not_estimable else "")]
    description = (f"Relative likelihoods on a log scale with {level} intervals, the non-adverse range 0.80 to 1.25 "
                   f"shaded and a rule at 1. {title}. "
                   + "; ".join(f"{r.label}: {r.value:.2f} ({r.ci_low:.2f} to {r.ci_high:.2f})" for r in frame.itertuples())
                   + (". Not estimable: " + "; ".join(not_estimable) if not_estimable else "") + ".")
    return _finish(chart, title, subtitle, description, result, "likelihood_chart")


# ---------------------------------------------------------------- promotion


def promotion_chart(result: Result, *, min_n: int = 8):
    """Promotion rates by group with their Wilson intervals.

    One point and interval per group (and subgroup, coloured, with ``by=``);
    the title compares the compared group with the reference group where the
    relative likelihood is clearest.  Groups with fewer than ``min_n`` stayers
    are grey and labelled.

    Parameters
    ----------
    result : Result
        From :func:`workforce.promotion`.
    min_n : int
        Groups with fewer stayers than this are greyed and labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import promotion_chart
    >>> files = [workforce.sample_data(f"soar_valley_staff_in_post_{y}-03-31.xlsx") for y in (2024, 2025)]
    >>> staff = workforce.load_staff(files, pseudonym_key="example key")
    >>> promotion_chart(workforce.promotion(staff)).to_dict()["title"]["text"][:28]
    'BME staff were promoted less'
    """
    table = _check(result, ("promotion",), "promotion_chart")
    hidden = _suppressed(table, ("stayers", "promoted"))   # a suppressed leaver count elsewhere does not hide it
    data = _hide(table)
    for column in ("stayers", "promoted", "promotion_rate", "promotion_low", "promotion_high", "promotion_rl",
                   "promotion_rl_low", "promotion_rl_high", "promotion_rl_p_value"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    small = data["stayers"].fillna(0) < min_n
    data["status"] = _status(small, hidden, min_n).to_numpy()
    data.loc[hidden, ["promotion_rate", "promotion_low", "promotion_high"]] = np.nan
    split = data["subgroup"].nunique() > 1
    small_key = f"fewer than {min_n} staff"
    data["key"] = np.where(small | hidden, small_key, "Promotion rate")   # split: each subgroup is a row of its own
    domain, colours = ["Promotion rate", small_key], [_BLUE, _GREY]
    domain, colours = _present(domain, colours, data["key"])
    level = _level(result.method)
    # headline: the compared group's row with the clearest relative likelihood, against its reference row
    compared = data[(data["promotion_rl_state"].astype(str) == "estimated") & data["promotion_rl"].notna() & ~small & ~hidden]
    title = "Promotion rates by group"
    if len(compared):
        row = compared.loc[compared["promotion_rl_p_value"].fillna(1).idxmin()]
        ref = data[(data["subgroup"] == row["subgroup"]) & (data["promotion_rl_state"].astype(str) == "reference")]
        if len(ref):
            ref = ref.iloc[0]
            by = str(row["by"])
            where = ("" if not split else f" in band {row['subgroup']}" if by == "band" and str(row["subgroup"])[:1].isdigit()
                     else f" in band group {row['subgroup']}" if by == "grade_group" and str(row["subgroup"])[:1].isdigit()
                     else f" among {row['subgroup']} staff")
            how = "less often" if row["promotion_rl"] > 1 else "more often"
            title = (f"{row['group']} staff were promoted {how}{where}: {_pct(row['promotion_rate'])} "
                     f"against {_pct(ref['promotion_rate'])} of {ref['group']} staff")
    frame = _frame(data, ["subgroup", "group", "stayers", "promoted", "promotion_rate", "promotion_low",
                          "promotion_high", "promotion_rl", "promotion_rl_low", "promotion_rl_high", "status", "key"])
    frame["label_x"] = frame["promotion_high"].fillna(0.0)   # where a 'suppressed' label goes
    groups = list(dict.fromkeys(frame["group"]))
    y = alt.Y("group:N", title=None, sort=groups)   # split: one row of the chart per subgroup (starting band)
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    tooltip = [alt.Tooltip("group:N", title="Group")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("promoted:Q", title="Promoted", format=","),
        alt.Tooltip("stayers:Q", title="Stayers (n)", format=","),
        alt.Tooltip("promotion_rate:Q", title="Promotion rate", format=".1%"),
        alt.Tooltip("promotion_low:Q", title=f"{level} interval from", format=".1%"),
        alt.Tooltip("promotion_high:Q", title=f"{level} interval to", format=".1%"),
        alt.Tooltip("promotion_rl:Q", title="Relative likelihood (reference ÷ group)", format=".2f"),
    ]
    base = alt.Chart() if split else alt.Chart(frame)
    interval, points = _estimate_layers(
        base, alt.X("promotion_rate:Q"),
        alt.X("promotion_low:Q", title="Promoted per period (share of stayers)", axis=alt.Axis(format="%")),
        "promotion_high:Q", y, colour, tooltip)
    labels = _label_layer(base, "label_x", y)
    if split:
        chart = _facet_rows([interval, points, labels], frame, "subgroup", list(dict.fromkeys(frame["subgroup"])))
    else:
        chart = alt.layer(interval, points, labels).properties(width=480)
    n = int(data["stayers"].fillna(0).sum())
    periods = result.method.get("periods") or []
    subtitle = [f"n = {n:,} stayers (person-periods) · periods: " + "; ".join(map(str, periods)),
                f"Points: promoted ÷ stayers with the {level} Wilson interval; a person counts once per period."]
    description = (f"Promotion rates by group with {level} intervals. {title}. "
                   + "; ".join(f"{r.group}{' (' + r.subgroup + ')' if split else ''}: "
                               + (f"{_pct(r.promotion_rate)} of {int(r.stayers)}" if pd.notna(r.promotion_rate) else
                                  "suppressed") for r in frame.itertuples()) + ".")
    return _finish(chart, title, subtitle, description, result, "promotion_chart")


# ---------------------------------------------------------------- Model Employer-style trajectory


def trajectory_chart(result: Result, *, organisation: str | None = None, split: str = "All", min_n: int = 8):
    """Model Employer-style trajectories to the target, band by band.

    One line per senior band (8a ... VSM, and 8a+ all together, drawn
    thicker) from today's share to the target share in the target year, with
    the target as a dashed rule.  Bands with fewer than ``min_n`` staff of
    known group are grey and labelled.

    Parameters
    ----------
    result : Result
        From :func:`workforce.model_employer`.
    organisation : str, optional
        Needed when the result holds several organisations.
    split : str
        "All", or "Clinical" / "Non-clinical" with ``split_clinical=True``.
    min_n : int
        Bands with fewer staff than this are greyed and labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import trajectory_chart
    >>> files = [workforce.sample_data(f"soar_valley_staff_in_post_{y}-03-31.xlsx") for y in (2024, 2025)]
    >>> staff = workforce.load_staff(files, pseudonym_key="example key")
    >>> trajectory_chart(workforce.model_employer(staff)).to_dict()["title"]["text"][:36]
    'BME staff are 17% of band 8a and abo'
    """
    table = _check(result, ("Model Employer-style trajectories",), "trajectory_chart")
    organisation = _one_organisation(table, organisation, "the result")
    rows = table[(table["organisation"].astype(str) == organisation) & (table["split"].astype(str) == split)]
    if rows.empty:
        raise WorkforceError(f"no trajectories for {organisation!r}, split {split!r}.")
    hidden = _suppressed(rows).to_numpy()
    data = _hide(rows)
    for column in ("year", "known", "count_today", "share_today", "target_share", "trajectory_share",
                   "required_count", "appointments_needed"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    small = (data["known"].fillna(0) < min_n).to_numpy()
    data["status"] = _status(pd.Series(small), pd.Series(hidden), min_n).to_numpy()
    data.loc[hidden, ["share_today", "trajectory_share", "required_count", "count_today"]] = np.nan
    bands = list(dict.fromkeys(data["band"].astype(str)))
    small_key = f"fewer than {min_n} staff"
    data["key"] = np.where(small | hidden, small_key, data["band"].astype(str))
    data["label"] = [b + (f" ({st})" if st else "") for b, st in zip(data["band"].astype(str), data["status"])]
    group = str(result.method.get("compared group", "the compared group"))
    target_year = int(data["year"].max())
    base_year = int(data["year"].min())
    target = float(data["target_share"].dropna().iloc[0])
    whole = data[data["band"].astype(str) == "8a+"]
    title = f"Trajectories for {group} staff to {_pct(target)} by {target_year}"
    if len(whole) and whole["share_today"].notna().any():
        needed = int(whole["appointments_needed"].fillna(0).sum())
        today = float(whole["share_today"].dropna().iloc[0])
        title = (f"{group} staff are {_pct(today)} of band 8a and above; reaching {_pct(target)} by {target_year} needs "
                 f"{needed:,} {group} appointments or promotions over {target_year - base_year} years")
    frame = _frame(data, ["band", "year", "known", "share_today", "trajectory_share", "required_count",
                          "appointments_needed", "label", "key"])
    band_keys = [b for b in bands if b in set(frame["key"])]
    domain = band_keys + [small_key]
    colours = [PALETTE[i % 7] if b != "8a+" else _BLACK for i, b in enumerate(band_keys)] + [_GREY]
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    tooltip = [alt.Tooltip("band:N", title="Band"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("known:Q", title="Staff of known group (n)", format=","),
               alt.Tooltip("trajectory_share:Q", title=f"{group} share on the trajectory", format=".1%"),
               alt.Tooltip("required_count:Q", title=f"{group} staff needed", format=","),
               alt.Tooltip("appointments_needed:Q", title="Appointments or promotions that year", format=",")]
    base = alt.Chart(frame)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0), scale=alt.Scale(paddingOuter=0.6))
    lines = base.mark_line(point=True).encode(
        x=x, y=alt.Y("trajectory_share:Q", title=f"{group} share of staff of known group", axis=alt.Axis(format="%")),
        color=colour, detail="band:N", strokeWidth=alt.condition("datum.band == '8a+'", alt.value(3.5), alt.value(1.5)),
        tooltip=tooltip)
    rule = alt.Chart().mark_rule(color=_BLACK, strokeDash=[5, 4]).encode(y=alt.datum(round(target, 6)))
    labels = base.transform_filter(f"datum.year == {base_year}").mark_text(align="right", dx=-8).encode(
        x=x, y="trajectory_share:Q", text="label:N", color=colour)
    chart = alt.layer(rule, lines, labels).properties(width=420, height=320)
    targets = result.method.get("targets") or {}
    target_words = targets.get(organisation, "") if isinstance(targets, dict) else str(targets)
    n = int(data.loc[data["band"].astype(str) == "8a+", "known"].fillna(0).max()) if len(whole) else int(
        data.drop_duplicates("band")["known"].fillna(0).sum())
    subtitle = [f"{organisation}: n = {n:,} staff of known group at band 8a and above in {base_year} · target: "
                f"{target_words} (dashed) · leaver rate {_pct(float(data['leaver_rate'].astype(float).iloc[0]))} a year",
                "Model Employer-style: equal yearly steps to the target; not NHS England's goal-setting tool."]
    description = (f"Line chart of the {group} share each senior band needs each year from {base_year} to "
                   f"{target_year}, against the target {_pct(target)}. {title}. "
                   + "; ".join(f"{b}: {_pct(float(frame.loc[(frame['band'] == b), 'share_today'].iloc[0]))} today"
                               for b in bands if frame.loc[frame["band"] == b, "share_today"].notna().any()) + ".")
    return _finish(chart, title, subtitle, description, result, "trajectory_chart")


def _count(value) -> str:
    """A count for a tooltip; a suppressed (missing) count shows as "suppressed"."""
    return "suppressed" if pd.isna(value) else str(int(value))


def _senior_share(rows: pd.DataFrame, senior: list[str]) -> float:
    """The compared group's share of the senior rungs, or nan if a count it needs is suppressed (missing)."""
    chosen = rows[rows["rung"].astype(str).isin(senior).to_numpy()]
    counts = pd.to_numeric(chosen["headcount"], errors="coerce")
    known = pd.to_numeric(chosen["rung_known"], errors="coerce")
    if chosen.empty or counts.isna().any() or known.isna().any() or known.sum() == 0:
        return float("nan")
    return float(counts.sum() / known.sum())


def _one_organisation(table: pd.DataFrame, organisation: str | None, what: str) -> str:
    """The organisation to draw: the one given, or the only one in the table."""
    if organisation is not None:
        return organisation
    orgs = list(dict.fromkeys(table["organisation"].astype(str)))
    if len(orgs) > 1:
        raise WorkforceError(f"{what} holds several organisations; pass organisation= one of {orgs}.")
    return orgs[0] if orgs else ""


# ---------------------------------------------------------------- intersections: the heat map


_SEXES = {"Female": "women", "Male": "men"}
_RATIO_RANGE = (0.25, 4.0)  # the heat map's colour scale: clamped to a quarter and four times the population share


def _count_rows(result: Result, min_n: int, function: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Representation rows with ``status`` and ``small``; a row is hidden when a count its share is made from
    (``staff_count``, ``staff_total``) is suppressed, not when only its unknown count is."""
    table = _check(result, ("representation", "icb_view"), function)
    flags = [f"{c}_suppressed" for c in ("staff_count", "staff_total") if f"{c}_suppressed" in table]
    hidden = (table[flags].fillna(False).astype(bool).any(axis=1) if flags
              else pd.Series(False, index=table.index))
    data = _hide(table)
    for column in ("staff_count", "staff_total", "unknown_count", "staff_share", "staff_share_low", "staff_share_high",
                   "population_share", "ratio", "ratio_low", "ratio_high", "difference_pp"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    small = data["staff_count"].fillna(0) < min_n
    data["status"] = _status(small, hidden, min_n).to_numpy()
    data["small"] = (small | hidden).to_numpy()
    data.loc[hidden, ["staff_share", "staff_share_low", "staff_share_high", "ratio", "ratio_low", "ratio_high",
                      "difference_pp"]] = np.nan
    return table, data


def _display(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Figures rounded to what a chart can show (shares to 0.01 points, ratios to 4 decimals): less to embed, and
    no long runs of digits in the page that could read as something else (an Excel date serial, say)."""
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].round(digits)
    return frame


def _pair_words(group: str) -> str:
    """'Female × Asian' -> 'Asian women'; 'Male × 16-24' -> 'men aged 16-24'; otherwise as it is."""
    parts = [p.strip() for p in str(group).split(" × ")]
    if len(parts) != 2 or not set(parts) & set(_SEXES):
        return str(group)
    sex, other = (parts[0], parts[1]) if parts[0] in _SEXES else (parts[1], parts[0])
    return f"{_SEXES[sex]} aged {other}" if other[:1].isdigit() else f"{other} {_SEXES[sex]}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _in_subgroup(subgroup: str) -> str:
    """' in bands 8c+', ' among Medical staff', '' for all staff."""
    if subgroup in ("All staff", ""):
        return ""
    return f" in bands {subgroup}" if subgroup[:1].isdigit() else f" among {subgroup} staff"


def _heatmap_title(data: pd.DataFrame, benchmark: dict, min_n: int) -> str:
    """The finding at the most senior band group; for other splits, the least represented cell of all."""
    order = list(dict.fromkeys(data["subgroup"].astype(str)))
    bands = [s for s in order if s[:1].isdigit()]
    senior = bands[-1] if bands else None
    rows = data[data["subgroup"].astype(str) == senior] if senior else data
    ok = rows[~rows["small"]]
    under = ok[(ok["flag"].astype(str) == "under-represented") & ok["ratio"].notna()]
    if len(under):
        row = under.loc[under["ratio"].idxmin()]
        return (f"{_capital(_pair_words(row['group']))} are under-represented{_in_subgroup(str(row['subgroup']))}: "
                f"{_pct(row['staff_share'])} of staff against {_pct(row['population_share'])} of "
                f"{_population_words(benchmark, row)}")
    if not senior and len(order) == 1:
        senior = order[0]
    where = _in_subgroup(senior) if senior else ""
    words = _population_words(benchmark, rows.iloc[0])
    total = pd.to_numeric(rows["staff_total"], errors="coerce").dropna()
    if senior and rows["small"].any() and 0 < len(ok) <= 3 and len(total) and total.iloc[0] > 0:
        # the few groups large enough to show, together: what the senior band group is made of
        names = [_pair_words(g) for g in ok["group"]]
        share = float(pd.to_numeric(ok["staff_count"]).sum() / total.iloc[0])
        population = float(pd.to_numeric(ok["population_share"]).sum())
        return (f"{_capital(where.strip() + ', ' if where else '')}{_join(names)} {'is' if len(names) == 1 else 'are'} "
                f"{_pct(share)} of staff against {_pct(population)} of {words}")
    return f"No group with {min_n} or more staff is under-represented{where} against {words}"


def heatmap_chart(result: Result, *, min_n: int = 8):
    """The intersectional heat map: sex × ethnic group (rows) by band group (columns).

    Each cell is coloured by the **representation ratio**, the group's share
    of the band group's staff divided by its share of the population, on a
    diverging log scale centred on 1 (vermillion: fewer than the population
    would suggest; blue: more; clamped at 0.25 and 4).  The ratio is used
    rather than the staff share because intersections differ a lot in size
    (White women are about a fifth of Leicester's working-age population,
    Mixed men under 2%): equal shares are not equal representation, and a
    board reads "0.4 of its population share" more safely than two
    percentages.  Each cell is labelled with the staff share and the ratio;
    cells with fewer than ``min_n`` staff are grey and labelled "fewer than 8
    staff", suppressed cells grey and labelled "suppressed", with no number.
    The title states the finding for the most senior band group.

    The population share of an intersection is the product of the sex share
    and the ethnic share (there is no cross-table at local authority level):
    an approximation, said in the subtitle.

    Parameters
    ----------
    result : Result
        From ``workforce.representation(staff, population, characteristic=("sex", "ethnicity"),
        by="band_group")`` (any pair of characteristics and any ``by=``, or
        :func:`workforce.icb_view` with a pair), raw or through
        :func:`workforce.suppress`.  Only the intersection rows are drawn.
    min_n : int
        Cells with fewer staff than this are greyed and labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import heatmap_chart
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> result = workforce.representation(staff, workforce.population("Leicester"),
    ...                                   characteristic=("sex", "ethnicity"), by="band_group")
    >>> heatmap_chart(result).to_dict()["title"]["text"]
    "In bands 8c+, White women and White men are 93% of staff against 39% of Leicester's working-age population"
    """
    table, data = _count_rows(result, min_n, "heatmap_chart")
    pair = table["characteristic"].astype(str).str.contains(" × ", regex=False).to_numpy()
    if not pair.any():
        raise WorkforceError(
            "heatmap_chart draws intersections: pass representation(staff, population, characteristic=('sex', "
            "'ethnicity'), by='band_group'); this result's characteristics are "
            f"{list(dict.fromkeys(table['characteristic'].astype(str)))}.")
    table, data = table[pair], data[pair].copy()
    hidden = data["status"] == "suppressed"
    low, high = _RATIO_RANGE
    data["colour_ratio"] = data["ratio"].clip(low, high).where(~data["small"])
    data["label"] = [_capital(_pair_words(g)) for g in data["group"]]
    data["text"] = [(("suppressed" if st == "suppressed" else f"fewer than\n{min_n} staff") if small else
                     f"{_pct(s)}\nratio {r:.2f}" if pd.notna(r) else _pct(s))
                    for small, st, s, r in zip(data["small"], data["status"], data["staff_share"], data["ratio"])]
    data["dark"] = (data["colour_ratio"] <= 0.33) | (data["colour_ratio"] >= 3.0)  # white text on the strong ends
    level = _level(result.method)
    frame = _frame(data, ["subgroup", "group", "label", "staff_count", "staff_total", "staff_share", "staff_share_low",
                          "staff_share_high", "population_share", "ratio", "flag",
                          "status", "colour_ratio", "text", "dark"]).pipe(_display)
    rows = list(dict.fromkeys(frame["label"]))
    columns = list(dict.fromkeys(frame["subgroup"]))
    by = str(data["by"].iloc[0]) if len(data) else ""
    x = alt.X("subgroup:N", sort=columns, title={"band_group": "Band group", "organisation": "Organisation"}.get(
        by, by.replace("_", " ").capitalize() if by != "all" else None),
              axis=alt.Axis(orient="top", labelAngle=0, grid=False, domain=False, ticks=False))
    y = alt.Y("label:N", sort=rows, title=None, axis=alt.Axis(grid=False, domain=False, ticks=False))
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("subgroup:N", title="Subgroup"),
               alt.Tooltip("staff_count:Q", title="Staff in group", format=","),
               alt.Tooltip("staff_total:Q", title="Staff with a known group", format=","),
               alt.Tooltip("staff_share:Q", title="Staff share", format=".1%"),
               alt.Tooltip("staff_share_low:Q", title=f"{level} interval from", format=".1%"),
               alt.Tooltip("staff_share_high:Q", title=f"{level} interval to", format=".1%"),
               alt.Tooltip("population_share:Q", title="Population share (product of the two)", format=".1%"),
               alt.Tooltip("ratio:Q", title="Representation ratio", format=".2f"),
               alt.Tooltip("flag:N", title="Finding"), alt.Tooltip("status:N", title="Note")]
    base = alt.Chart(frame)
    colour = alt.Color("colour_ratio:Q", title="Representation ratio (staff share ÷ population share)",
                       scale=alt.Scale(type="log", domain=[low, 1.0, high], range=[_VERMILLION, "#F7F7F7", _BLUE],
                                       interpolate="lab", clamp=True),
                       legend=alt.Legend(values=[0.25, 0.5, 1, 2, 4], format=".2~f", gradientLength=240,
                                         titleLimit=420))
    cells = base.transform_filter("datum.status == ''").mark_rect(stroke="white", strokeWidth=1.5).encode(
        x=x, y=y, color=colour, tooltip=tooltip)
    small_key = f"fewer than {min_n} staff"
    domain, colours = _present([small_key, "suppressed"], [_GREY, _GREY],
                               set(frame["status"]) - {""})
    grey = base.transform_filter("datum.status != ''").mark_rect(stroke="white", strokeWidth=1.5).encode(
        x=x, y=y, fill=alt.Fill("status:N", title=None, scale=alt.Scale(domain=domain or [small_key],
                                                                         range=colours or [_GREY])),
        tooltip=tooltip)
    text = base.mark_text(lineBreak="\n", fontSize=11).encode(
        x=x, y=y, text=alt.Text("text:N"), tooltip=tooltip,
        color=alt.condition("datum.dark", alt.value("white"), alt.value(_BLACK)))
    chart = alt.layer(cells, grey, text).properties(width=alt.Step(100), height=alt.Step(38)).resolve_scale(
        color="independent")
    title = _heatmap_title(data, result.benchmark, min_n)
    first = data.drop_duplicates("subgroup")
    n = int(first["staff_total"].fillna(0).sum())
    unknown = int(first["unknown_count"].fillna(0).sum())
    some = "; some counts suppressed" if first[["staff_total", "unknown_count"]].isna().any(axis=None) else ""
    characteristic = str(data["characteristic"].iloc[0])
    subtitle = [f"n = {n:,} staff with both known ({unknown:,} with either unknown, left out{some}) · "
                + _benchmark_words(result.benchmark) + (" · " + _snapshot(result.method) if _snapshot(result.method) else ""),
                f"Colour: representation ratio (1 = the population share); labels: share of the {'band group' if by == 'band_group' else 'subgroup'}'s "
                f"staff and the ratio; grey: fewer than {min_n} staff, or suppressed.",
                f"Population share of an intersection ({characteristic}) = the product of the two shares, an approximation."]
    few = int(data["small"].sum())
    description = (f"Heat map of {characteristic} groups (rows) by {by.replace('_', ' ')} (columns), coloured by the "
                   f"representation ratio against {_population_words(result.benchmark)}. {title}. "
                   f"{few} of {len(data)} cells have fewer than {min_n} staff or are suppressed and are grey. "
                   + "; ".join(f"{r.label}, {r.subgroup}: " + (f"{_pct(r.staff_share)} of staff, ratio {r.ratio:.2f}"
                                                               if r.status == "" and pd.notna(r.ratio) else r.status)
                               for r in frame.itertuples()) + ".")
    if hidden.any():
        description += " Suppressed cells are not described."
    return _finish(chart, title, subtitle, description, result, "heatmap_chart")


# ---------------------------------------------------------------- age profile


def _national_ages(benchmark: dict) -> bool:
    """Whether the benchmark's age bands are the national age structure (no local one shipped)."""
    words = str(benchmark.get("method", "")) + " ".join(map(str, benchmark.get("caveats", []) or []))
    return "national age structure" in words or "England and Wales age structure" in words


def _age_population_words(benchmark: dict, row=None) -> str:
    """Whose age mix the population shares are: the national one, said as such, or the area's own."""
    if row is not None and "by organisation" in benchmark:
        benchmark = benchmark["by organisation"].get(str(row.get("subgroup", "")), {}) or {}
    ages = str(benchmark.get("ages", "") or (row.get("benchmark_ages", "") if row is not None else ""))
    working = ages == "16-64"
    if _national_ages(benchmark):
        return ("the working-age population of England and Wales" if working
                else "the population of England and Wales aged 16 and over")
    kind = "working-age population" if working else "population aged 16 and over"
    return f"{_area(benchmark)}'s {kind}" if benchmark else f"the {kind}"


def age_profile_chart(result: Result, *, min_n: int = 8):
    """The age profile of the staff against the population: one bar per age band.

    Bars: each age band's share of the staff whose age is in the
    benchmark's bands, with its Wilson interval; black ticks: the
    population's share of the band.  With ``by=`` the subgroups are coloured
    side by side.  Bands with fewer than ``min_n`` staff are grey and
    labelled; suppressed values are hidden.

    The population benchmark for age is handled as it is built:

    * :func:`workforce.population` has no local age structure: its age bands
      are the **England and Wales** age structure spread over the area's
      total, so every area has the same age shares.  The chart says so, and
      the title names England and Wales, not the area.
    * With ``ages="16-64"`` (the default) the bands are 16-24 ... 55-64:
      staff aged 65 and over (and of unknown age) are outside the benchmark,
      left out of the shares and counted in the subtitle.
    * With ``ages="all"`` there is a 65+ band, but its population includes
      people long retired, so a low staff share there is expected: the
      subtitle says so and the title never names the 65+ band.

    Parameters
    ----------
    result : Result
        From ``workforce.representation(staff, population, characteristic="age_band")``
        (with or without ``by=``), raw or through :func:`workforce.suppress`.
    min_n : int
        Bands with fewer staff than this are greyed and labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import age_profile_chart
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> result = workforce.representation(staff, workforce.population("Leicester"), characteristic="age_band")
    >>> age_profile_chart(result).to_dict()["title"]["text"]
    'Staff aged 16-24 are under-represented: 4.3% of staff against 17% of the working-age population of England and Wales'
    """
    table, data = _count_rows(result, min_n, "age_profile_chart")
    ages = (table["characteristic"].astype(str) == "age_band").to_numpy()
    if not ages.any():
        raise WorkforceError(
            "age_profile_chart draws age bands: pass representation(staff, population, characteristic='age_band'); "
            f"this result's characteristics are {list(dict.fromkeys(table['characteristic'].astype(str)))}.")
    table, data = table[ages], data[ages].copy()
    split = data["subgroup"].nunique() > 1
    small_key, pop_key = f"fewer than {min_n} staff", "Population share"
    if split:
        subgroups = list(dict.fromkeys(data["subgroup"].astype(str)))
        data["key"] = np.where(data["small"], small_key, data["subgroup"].astype(str))
        domain = subgroups + [small_key, pop_key]
        colours = [PALETTE[i % 7] for i in range(len(subgroups))] + [_GREY, _BLACK]
    else:
        data["key"] = np.where(data["small"], small_key, "Staff share")
        domain, colours = ["Staff share", small_key, pop_key], [_BLUE, _GREY, _BLACK]
    domain, colours = _present(domain, colours, data["key"], [pop_key])
    level = _level(result.method)
    frame = _frame(data, ["subgroup", "group", "staff_count", "staff_total", "staff_share", "staff_share_low",
                          "staff_share_high", "population_share", "flag", "status", "key"]).pipe(_display)
    frame["label_y"] = frame["staff_share_high"].fillna(frame["population_share"])
    bands = list(dict.fromkeys(frame["group"]))
    x = alt.X("group:N", title="Age band", sort=bands, axis=alt.Axis(labelAngle=0))
    offset = {"xOffset": alt.XOffset("subgroup:N", sort=list(dict.fromkeys(frame["subgroup"])))} if split else {}
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    tooltip = [alt.Tooltip("group:N", title="Age band")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("staff_count:Q", title="Staff in band", format=","),
        alt.Tooltip("staff_total:Q", title="Staff in the benchmark's ages", format=","),
        alt.Tooltip("staff_share:Q", title="Staff share", format=".1%"),
        alt.Tooltip("staff_share_low:Q", title=f"{level} interval from", format=".1%"),
        alt.Tooltip("staff_share_high:Q", title=f"{level} interval to", format=".1%"),
        alt.Tooltip("population_share:Q", title="Population share", format=".1%"),
        alt.Tooltip("flag:N", title="Finding"),
    ]
    base = alt.Chart(frame)
    y = alt.Y("staff_share:Q", title="Share", axis=alt.Axis(format="%"))
    bars = base.mark_bar(opacity=0.85).encode(x=x, y=y, color=colour, tooltip=tooltip, **offset)
    interval = base.mark_rule(strokeWidth=1.5, color="#333333").encode(
        x=x, y=alt.Y("staff_share_low:Q"), y2="staff_share_high:Q", tooltip=tooltip, **offset)
    ticks = base.mark_tick(thickness=3, size=36 if not split else 14).encode(
        x=x, y=alt.Y("population_share:Q"), color=alt.datum(pop_key), tooltip=tooltip, **offset)
    text = (dict(angle=270, align="left", baseline="middle", dx=6) if split else dict(baseline="bottom", dy=-6))
    labels = base.transform_filter("datum.status != ''").mark_text(color="#555555", **text).encode(
        x=x, y=alt.Y("label_y:Q"), text=alt.Text("status:N"), **offset)
    width = max(480, 28 * len(bands) * data["subgroup"].nunique()) if split else 480
    chart = alt.layer(bars, interval, ticks, labels).properties(width=width, height=280)
    # the headline: the band furthest below its population share, never 65+ (its population is mostly retired)
    ok = data[~data["small"] & (data["group"].astype(str) != "65+")]
    under = ok[ok["flag"].astype(str) == "under-represented"]
    if len(under):
        row = under.loc[under["difference_pp"].idxmin()]
        title = (f"Staff aged {row['group']} are under-represented{_where(row)}: {_pct(row['staff_share'])} of staff "
                 f"against {_pct(row['population_share'])} of {_age_population_words(result.benchmark, row)}")
    else:
        title = f"No age band is under-represented against {_age_population_words(result.benchmark)}"
    first = data.drop_duplicates("subgroup")
    n = int(first["staff_total"].fillna(0).sum())
    unknown = int(first["unknown_count"].fillna(0).sum())
    some = "; some counts suppressed" if first[["staff_total", "unknown_count"]].isna().any(axis=None) else ""
    benchmark_ages = str(data["benchmark_ages"].iloc[0]) if "benchmark_ages" in data else ""
    outside = ("aged 65 and over or of unknown age" if benchmark_ages == "16-64" else "of unknown age")
    notes = []
    if _national_ages(result.benchmark if "by organisation" not in result.benchmark else
                      next(iter(result.benchmark["by organisation"].values()), {})):
        notes.append("Population ages: the England and Wales age structure (no local age structure is shipped), "
                     "so the ticks are the same for every area.")
    if "65+" in bands:
        notes.append("The 65+ population includes people long retired: a low staff share there is expected.")
    left_out = f" ({unknown:,} {outside}, left out{some})" if unknown or some else ""
    subtitle = [f"n = {n:,} staff in the benchmark's ages{left_out} · "
                + _benchmark_words(result.benchmark) + (" · " + _snapshot(result.method) if _snapshot(result.method) else ""),
                f"Bars: staff share with its {level} Wilson interval; black tick: population share.", *notes]
    description = (f"Bar chart of the staff's share in each age band with {level} intervals, against the population "
                   f"share. {title}. "
                   + "; ".join(f"{r.group}{' (' + r.subgroup + ')' if split else ''}: "
                               + (f"{_pct(r.staff_share)} of staff, " if r.status != "suppressed" else "suppressed, ")
                               + f"{_pct(r.population_share)} of population" for r in frame.itertuples()) + ".")
    return _finish(chart, title, subtitle, description, result, "age_profile_chart")


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
    """Where each point's name goes: to the right of it (left for points on the right of the plot) and above
    it, or below it when that label would overlap one already placed (points taken from the top down)."""
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


def funnel_chart(result: Result, *, group: str | None = None, min_n: int = 8):
    """A funnel plot: each organisation's share of one group against its size, with control limits.

    One point per organisation (labelled with its name); curves are the 95%
    (dashed) and 99.8% (solid) control limits, drawn over a grid of sizes.
    A point outside the 99.8% limits differs from the target by more than
    chance would plausibly give: an organisation whose true share is the
    target falls outside them 1 time in 500.  Points are coloured by where they fall; organisations with
    fewer than ``min_n`` staff in the group are grey and labelled, and
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
    min_n : int
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
    table, data = _count_rows(result, min_n, "funnel_chart")
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
    hidden = (rows["status"] == "suppressed").to_numpy()
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
    small_key = f"fewer than {min_n} staff"
    rows["key"] = np.where(rows["small"], small_key, rows["position"])
    rows["label"] = [o + (f" ({st})" if st else "") for o, st in zip(rows["organisation"], rows["status"])]
    plotted = rows[~hidden & rows["y"].notna()].copy()
    limits = pd.DataFrame({"x": grid, **{f"{side}_{name}": limit(grid, q) for name, qs in _FUNNEL_LIMITS.items()
                                         for side, q in zip(("low", "high"), qs)}})
    plotted["right"], plotted["label_dy"] = _place_labels(plotted, limits, log=not common, size=(520, 340))
    frame = _frame(plotted, ["organisation", "group", "staff_count", "staff_total", "staff_share", "staff_share_low",
                             "staff_share_high", "population_share", "ratio", "x", "y", "low_95", "high_95",
                             "low_998", "high_998", "position", "status", "key", "label", "right",
                             "label_dy"]).pipe(_display)
    limits = _frame(limits, limits.columns).pipe(_display)
    domain, colours = _present(_POSITIONS + [small_key], _POSITION_COLOURS + [_GREY], frame["key"])
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    tooltip = [alt.Tooltip("organisation:N", title="Organisation"),
               alt.Tooltip("staff_count:Q", title=f"{group} staff", format=","),
               alt.Tooltip("staff_total:Q", title="Staff with a known group (n)", format=","),
               alt.Tooltip("staff_share:Q", title=f"{group} share", format=".1%"),
               alt.Tooltip("staff_share_low:Q", title=f"{level} interval from", format=".1%"),
               alt.Tooltip("staff_share_high:Q", title=f"{level} interval to", format=".1%"),
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
                second + (f" Grey: fewer than {min_n} {group} staff." if rows["small"].any() else ""),
                *_wrap("Not plotted: " + "; ".join(missing) if missing else "")]
    description = (f"Funnel plot of the {group} share of staff in each organisation against its size, with 95% and "
                   f"99.8% control limits. {title}. "
                   + "; ".join(f"{r.organisation}: " + (f"{_pct(r.staff_share)} of {int(r.staff_total):,}" if common else
                                                        f"ratio {r.ratio:.2f}") + f", {r.status or r.position}"
                               for r in frame.itertuples())
                   + (". Not plotted: " + "; ".join(missing) if missing else "") + ".")
    return _finish(chart, title, subtitle, description, result, "funnel_chart")
