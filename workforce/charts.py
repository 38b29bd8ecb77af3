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
  with only the columns the chart uses.

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


def _suppressed(table: pd.DataFrame) -> pd.Series:
    """Rows a disclosure step hid (any ``*_suppressed`` column true)."""
    flags = [c for c in table.columns if c.endswith("_suppressed")]
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
    hidden = _suppressed(table)
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
    x = alt.X("staff_share:Q", title="Share", axis=alt.Axis(format="%"))
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("staff_share_low:Q", title="Share", axis=alt.Axis(format="%")), x2="staff_share_high:Q", y=y,
        color=colour, tooltip=tooltip, **offset)
    points = base.mark_point(filled=True, size=80).encode(x=x, y=y, color=colour, tooltip=tooltip, **offset)
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
    y = alt.Y("group:N", title=None, sort=groups)
    offset = {"yOffset": alt.YOffset("subgroup:N", sort=list(dict.fromkeys(frame["subgroup"])))} if split else {}
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
    base = alt.Chart(frame)
    one = alt.Chart().mark_rule(color=_BLACK, strokeDash=[4, 3]).encode(x=alt.datum(1.0, scale=scale))
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ratio_low:Q", scale=scale, title="Representation ratio (staff share ÷ population share, log scale)"),
        x2="ratio_high:Q", y=y, color=colour, tooltip=tooltip, **offset)
    points = base.mark_point(filled=True, size=80).encode(x=alt.X("ratio:Q", scale=scale), y=y, color=colour,
                                                          tooltip=tooltip, **offset)
    labels = _label_layer(base, "label_x", y, offset)
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
    hidden_all = _suppressed(rows)
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
    overall = float(pd.to_numeric(rows.loc[compared_mask, "overall_share_of_known"], errors="coerce").dropna().iloc[0])
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
    if np.isnan(senior_share):  # never state a figure made from suppressed counts
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
    domain, colours = _present(domain, colours, compared["key"], domain[2:])
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
    layers = [
        alt.Chart().mark_rule(strokeWidth=2).encode(x=alt.datum(round(overall, 6)),
                                                    color=alt.datum(whole_key)),
    ]
    if population_share is not None:
        layers.append(alt.Chart().mark_rule(strokeWidth=2, strokeDash=[5, 4]).encode(
            x=alt.datum(float(population_share)), color=alt.datum(population_label)))
    layers += [
        base.mark_rule(strokeWidth=2).encode(x=alt.X("share_of_known_low:Q"), x2="share_of_known_high:Q", y=y,
                                             color=colour, tooltip=tooltip),
        base.mark_point(filled=True, size=80).encode(x=x, y=y, color=colour, tooltip=tooltip),
        _label_layer(base, "share_of_known_high", y),
    ]
    chart = alt.layer(*layers).properties(width=480, height=alt.Step(24))
    n_known = int(rows.loc[compared_mask, "overall_known"].astype(float).iloc[0])
    subtitle = [f"{organisation}, {category}: n = {n_known:,} staff of known group · "
                + (f"population share {population_share:.1%} ({population_label}) · " if population_share is not None else "")
                + _snapshot(result.method),
                f"Points: {group} share of each {'band' if rung_type == 'band' else 'grade'} with its {level} Wilson "
                f"interval; orange rule: {group} share of all {category}."]
    description = (f"Ladder chart of the {group} share of staff on each {rung_type} from bottom to top, against "
                   f"{_pct(overall)} of all {category}. {title}. "
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
    interval = base.mark_rule(strokeWidth=2).encode(x=alt.X("ci_low:Q", scale=scale), x2="ci_high:Q", y=y,
                                                    color=colour, tooltip=tooltip)
    points = base.mark_point(filled=True, size=80).encode(x=alt.X("value:Q", scale=scale), y=y, color=colour,
                                                          tooltip=tooltip)
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
    hidden = _suppressed(table)
    data = _hide(table)
    for column in ("stayers", "promoted", "promotion_rate", "promotion_low", "promotion_high", "promotion_rl",
                   "promotion_rl_low", "promotion_rl_high", "promotion_rl_p_value"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    small = data["stayers"].fillna(0) < min_n
    data["status"] = _status(small, hidden, min_n).to_numpy()
    data.loc[hidden, ["promotion_rate", "promotion_low", "promotion_high"]] = np.nan
    split = data["subgroup"].nunique() > 1
    small_key = f"fewer than {min_n} staff"
    if split:
        subgroups = list(dict.fromkeys(data["subgroup"].astype(str)))
        data["key"] = np.where(small | hidden, small_key, data["subgroup"].astype(str))
        domain, colours = subgroups + [small_key], [PALETTE[i % 7] for i in range(len(subgroups))] + [_GREY]
    else:
        data["key"] = np.where(small | hidden, small_key, "Promotion rate")
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
    groups = list(dict.fromkeys(frame["group"]))
    y = alt.Y("group:N", title=None, sort=groups)
    offset = {"yOffset": alt.YOffset("subgroup:N", sort=list(dict.fromkeys(frame["subgroup"])))} if split else {}
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    tooltip = [alt.Tooltip("group:N", title="Group")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("promoted:Q", title="Promoted", format=","),
        alt.Tooltip("stayers:Q", title="Stayers (n)", format=","),
        alt.Tooltip("promotion_rate:Q", title="Promotion rate", format=".1%"),
        alt.Tooltip("promotion_low:Q", title=f"{level} interval from", format=".1%"),
        alt.Tooltip("promotion_high:Q", title=f"{level} interval to", format=".1%"),
        alt.Tooltip("promotion_rl:Q", title="Relative likelihood (reference ÷ group)", format=".2f"),
    ]
    base = alt.Chart(frame)
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("promotion_low:Q", title="Promoted per period (share of stayers)", axis=alt.Axis(format="%")),
        x2="promotion_high:Q", y=y, color=colour, tooltip=tooltip, **offset)
    points = base.mark_point(filled=True, size=80).encode(x=alt.X("promotion_rate:Q"), y=y, color=colour,
                                                          tooltip=tooltip, **offset)
    labels = _label_layer(base, "promotion_high", y, offset)
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
