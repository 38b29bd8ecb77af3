"""The small table shown under each chart of the board pack: plain headers, percentages, intervals.

The workbook keeps every column of every table (the analyst's tables, with a
Definitions sheet); the page shows, under each chart, only the figures the
chart draws, in words a board reads: "Share of staff", "95% interval",
percentages to one decimal place, p-values as "<0.001", a suppressed count as
``*``, no empty columns, and organisations as columns where several are
compared.  Each view is made from the published (suppressed) table, so it
shows nothing the workbook does not.

A view is chosen by the chart function that draws the table (the pack's
:class:`workforce.publish._sections.Chart`); a chart without a view here, or
whose view cannot be made from the table, shows no table on the page (its
table is still in the workbook): a view never sinks the pack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from .._display import count, day, interval, p_value, percent, ratio
from .._display import missing as _missing

__all__ = ["board_table", "SUPPRESSED"]

#: How a suppressed count, or a figure made from one, shows on the page.
SUPPRESSED = "*"


def _suppressed(table: pd.DataFrame, column: str) -> pd.Series:
    flag = f"{column}_suppressed"
    if flag not in table:
        return pd.Series(False, index=table.index)
    return table[flag].fillna(False).astype(bool)


def _counts(table: pd.DataFrame, column: str) -> list[str]:
    """A count column as shown: ``*`` where suppressed."""
    hidden = _suppressed(table, column)
    return [SUPPRESSED if h else count(v) for v, h in zip(table[column], hidden)]


def _text(values: pd.Series) -> list[str]:
    return ["" if _missing(v) else str(v) for v in values]


def _tidy(columns: Mapping[str, list[str]]) -> pd.DataFrame:
    """The shown table: every value text, columns with nothing in them dropped."""
    values = {k: list(v) for k, v in columns.items()}
    frame = pd.DataFrame(values, dtype=object)
    keep = [c for c in frame.columns if any(str(v) != "" for v in values[c])]   # as astype(str), without a Series
    return frame[keep].reset_index(drop=True)


# ---------------------------------------------------------------- one view per chart


def _representation(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    t = table
    columns = {
        "Group": _text(t["group"]),
        "Staff": _counts(t, "staff_count"),
        "Share of staff": [percent(v) for v in t["staff_share"]],
        "95% interval": [interval(lo, hi, percent) for lo, hi in zip(t["staff_share_ci_low"],
                                                                     t["staff_share_ci_high"])],
        "Population share": [percent(v) for v in t["population_share"]],
        "Ratio (1 = same as population)": [ratio(v) for v in t["ratio"]],
        "Finding": _text(t["flag"]),
    }
    if "appointments_needed" in t:
        columns.update(_appointments(t))
    return _tidy(columns)


def _appointments(t: pd.DataFrame) -> dict[str, list[str]]:
    """How many of the next N appointments would need to come from the group (blank where it is at its share)."""
    plans = {(str(n), str(y)) for n, y in zip(_text(t["appointments"]), _text(t["target_year"])) if n and y}
    header = (f"Of the next {int(float(next(iter(plans))[0])):,} appointments by {next(iter(plans))[1]}"
              if len(plans) == 1 else "Of the next appointments by the target year")
    cells = []
    for needed, share, reachable, n in zip(t["appointments_needed"], t["appointments_share_needed"],
                                           t["reachable"], t["appointments"]):
        if _missing(needed):
            cells.append("")
        elif not _missing(reachable) and not bool(reachable):
            cells.append(f"out of reach: {count(needed)} needed of {count(n)}")
        else:
            cells.append(f"{count(needed)} ({percent(share)})")
    return {header: cells}


def _pivot(table: pd.DataFrame, rows: str, columns: str, cell: Callable[[pd.Series], str],
           row_label: str) -> pd.DataFrame:
    """``rows`` down, ``columns`` across (in the table's order), each cell made from its row."""
    across = list(dict.fromkeys(_text(table[columns])))
    down = list(dict.fromkeys(_text(table[rows])))
    first = _first_rows(table, rows, columns)
    cells: dict[str, list[str]] = {row_label: down}
    for col in across:
        cells[col] = []
        for row in down:
            at = first.get((row, col))
            cells[col].append(cell(table.iloc[at]) if at is not None else "")
    return _tidy(cells)


def _first_rows(table: pd.DataFrame, *columns: str) -> dict[tuple[str, ...], int]:
    """The position of the first row with each combination of ``columns``' values as text (``astype(str)``)."""
    first: dict[tuple[str, ...], int] = {}
    for at, key in enumerate(zip(*(table[c].astype(str).tolist() for c in columns))):
        first.setdefault(key, at)
    return first


def _hidden(row: pd.Series, column: str) -> bool:
    """Whether ``column``'s count is suppressed on this row."""
    flag = row.get(f"{column}_suppressed", False)
    return False if _missing(flag) else bool(flag)


def _ratio_cell(row: pd.Series) -> str:
    if _hidden(row, "staff_count"):
        return SUPPRESSED
    if _missing(row["ratio"]):
        return ""
    within = interval(row["ratio_ci_low"], row["ratio_ci_high"])
    return f"{ratio(row['ratio'])} ({within})" if within else ratio(row["ratio"])


def _share_cell(row: pd.Series) -> str:
    if _hidden(row, "staff_count"):
        return SUPPRESSED
    if _missing(row["staff_share"]):
        return ""
    return f"{percent(row['staff_share'])} (ratio {ratio(row['ratio'])})" if not _missing(row["ratio"]) else percent(
        row["staff_share"])


def _by_band_group(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    return _pivot(table, "group", "subgroup", _ratio_cell, "Group (ratio to population share, 95% interval)")


def _heatmap(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    rows = table[table["characteristic"].astype(str).str.contains("×")]
    return _pivot(rows if len(rows) else table, "group", "subgroup", _share_cell, "Group (share of band group)")


def _ladder(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    category = options.get("staff_category")
    t = table
    if category is not None:
        t = t[t["staff_category"].astype(str) == str(category)]
    t = t[(t["role"].astype(str) == "compared") & (t["rung_type"].astype(str).isin(["band", "grade"]))]
    if not len(t):
        return _tidy({})
    group = str(t["group"].iloc[0])
    return _tidy({
        "Band": _text(t["rung"]),
        "Staff": _counts(t, "rung_total"),
        f"{group} staff": _counts(t, "headcount"),
        f"{group} share of band (ethnicity known)" if str(t["characteristic"].iloc[0]) == "ethnicity"
        else f"{group} share of band (status known)": [percent(v) for v in t["share_of_known"]],
        "95% interval": [interval(lo, hi, percent) for lo, hi in zip(t["share_of_known_ci_low"],
                                                                     t["share_of_known_ci_high"])],
    })


def _likelihood(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    t = table
    if "indicator" in t or "metric" in t:
        number = "indicator" if "indicator" in t else "metric"
        parts = _text(t["part"]) if "part" in t else [""] * len(t)   # WDES survey parts: metric 4, part a(i)
        label = [f"{'WRES' if number == 'indicator' else 'WDES'} {n}{part}: {w}"
                 for n, part, w in zip(_text(t[number]), parts, _text(t["wording"]))]
        shown = [f if f else "" for f in _text(t["figure"])] if "figure" in t else [ratio(v) for v in t["value"]]
        return _tidy({"Measure": label, "Result": shown, "Status": _text(t["state"])})
    t = t[t["value"].notna() | t["state"].notna()]   # rows with neither a figure nor a state say nothing
    label = [f"{cat}: {measure}, {comparison}" for cat, measure, comparison in
             zip(_text(t["staff_category"]), _text(t["measure"]), _text(t["comparison"]))]
    return _tidy({
        "Measure": label,
        "Value": [ratio(v) for v in t["value"]],
        "95% interval": [interval(lo, hi) for lo, hi in zip(t["ci_low"], t["ci_high"])],
        "p-value": [p_value(v) for v in t["p_value"]],
        "Status": _text(t["state"]),
    })


def _promotion(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    t = table
    where = [g if str(s) in ("All staff", "") else f"{s}: {g}" for s, g in zip(_text(t["subgroup"]),
                                                                           _text(t["group"]))]
    return _tidy({
        "Group": where,
        "Staying staff": _counts(t, "stayers"),
        "Promoted": _counts(t, "promoted"),
        "Promotion rate": [percent(v) for v in t["promotion_rate"]],
        "95% interval": [interval(lo, hi, percent) for lo, hi in zip(t["promotion_rate_ci_low"],
                                                                     t["promotion_rate_ci_high"])],
        "Relative likelihood of promotion": [
            f"{ratio(v)} ({interval(lo, hi)})" if not _missing(v) else ""
            for v, lo, hi in zip(t["promotion_rl"], t["promotion_rl_ci_low"], t["promotion_rl_ci_high"])],
        "Leaver rate": [percent(v) for v in t["leaver_rate"]],
    })


def _trajectory(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    t = table[table["band"].astype(str) == "8a+"] if (table["band"].astype(str) == "8a+").any() else table
    return _tidy({
        "Band": _text(t["band"]),
        "Year": _text(t["year"]),
        "Share today": [percent(v) for v in t["share_today"]],
        "Share on the trajectory": [percent(v) for v in t["trajectory_share"]],
        "Target share": [percent(v) for v in t["target_share"]],
        "Appointments or promotions needed that year": _counts(t, "appointments_needed")
        if "appointments_needed_suppressed" in t else [count(v) for v in t["appointments_needed"]],
    })


def _organisations(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """The ICB view with organisations across: one row per group's share, then its population share."""
    t = table[table["characteristic"].astype(str) == "ethnicity"] if "characteristic" in table else table
    organisations = list(dict.fromkeys(_text(t["subgroup"])))
    groups = list(dict.fromkeys(_text(t["group"])))
    rows: dict[str, list[str]] = {"": []}
    columns: dict[str, list[str]] = {org: [] for org in organisations}

    first = _first_rows(t, "subgroup", "group")

    def add(label: str, cell: Callable[[pd.Series], str], which: list[str]) -> None:
        rows[""].append(label)
        for org in organisations:   # the first row of the organisation with one of the groups
            found = [at for at in (first.get((org, group)) for group in which) if at is not None]
            columns[org].append(cell(t.iloc[min(found)]) if found else "")

    add("Staff with a known group", lambda r: SUPPRESSED if _hidden(r, "staff_total") else count(r["staff_total"]),
        groups[:1])
    for group in groups:
        add(f"{group}: share of staff (95% interval)",
            lambda r: SUPPRESSED if _hidden(r, "staff_count") else (
                f"{percent(r['staff_share'])} ({interval(r['staff_share_ci_low'], r['staff_share_ci_high'], percent)})"
                if not _missing(r["staff_share"]) else ""), [group])
        add(f"{group}: population share", lambda r: percent(r["population_share"]), [group])
    return _tidy({**rows, **columns})


def _formatter(unit: str) -> Callable[[Any], str]:
    """How a figure in ``unit`` shows: a ratio to two places, a proportion as a percentage."""
    return ratio if unit == "ratio" else percent


def _one_series(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """The points of the series an SPC chart draws: date, value and interval, n, and what the rules found."""
    t = table
    for key in ("organisation", "characteristic", "measure", "tier", "group"):
        if options.get(key) is not None:
            t = t[t[key].astype(str) == str(options[key])]
    units = _text(t["unit"])
    hidden = _suppressed(t, "n") | _suppressed(t, "events")
    return _tidy({
        "Date": [day(d) for d in t["snapshot_date"]],
        "Value": [SUPPRESSED if h else _formatter(u)(v) for v, u, h in zip(t["value"], units, hidden)],
        "95% interval": ["" if h else interval(lo, hi, _formatter(u))
                         for lo, hi, u, h in zip(t["ci_low"], t["ci_high"], units, hidden)],
        "Staff counted": _counts(t, "n"),
        "Limits": [interval(lo, hi, _formatter(u)) if not _missing(lo) else ""
                   for lo, hi, u in zip(t["lower"], t["upper"], units)],
        "Variation": [v if v != "common cause" else "" for v in _text(t["variation"])],
    })


def _series_summary(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """The measures' latest points, with the variation and assurance the summary chart shows as icons."""
    from .._result import Result
    from ..analysis import SERIES_KEYS, SPC, series_label, spc_summary

    def keys(t: pd.DataFrame) -> list[tuple[str, ...]]:
        return list(zip(*(t[k].astype(str) for k in SERIES_KEYS)))

    summary = spc_summary(Result(table=table, spec=SPC)).table
    units = dict(zip(keys(table), table["unit"].astype(str)))
    series = keys(summary)
    unit = [units.get(k, "proportion") for k in series]
    return _tidy({
        "Measure": [series_label(*k[1:]) for k in series],   # organisation, then characteristic ... group
        "Latest": ["" if _missing(d) else day(d) for d in summary["latest_date"]],   # no point with a value
        "Value (95% interval)": [
            "" if _missing(v) else f"{_formatter(u)(v)} ({interval(lo, hi, _formatter(u))})"
            for v, lo, hi, u in zip(summary["latest_value"], summary["latest_ci_low"], summary["latest_ci_high"], unit)],
        "Target": [_formatter(u)(v) if not _missing(v) else "" for v, u in zip(summary["target"], unit)],
        "Variation": _text(summary["variation_icon"]),
        "Assurance": [a if a != "no target" else "" for a in _text(summary["assurance"])],
    })


def _funnel(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """The outliers of a funnel: the organisations outside a limit, better than expected first, then how many are not.

    (The ICB view's funnel has its own view, :func:`_organisations`.)
    """
    if "position" not in table:
        return _organisations(table, options)
    from .._result import Result
    from ..analysis import FUNNEL, funnel_outliers

    outside = funnel_outliers(Result(table=table, spec=FUNNEL))
    unit = "ratio" if "a_total" in table and table["a_total"].notna().any() else "proportion"
    inside = table["position"].astype(str).eq("within the 95% limits")
    placed = table["position"].notna() & table["position"].astype(str).ne("not estimable")
    rows = {
        "Organisation": _text(outside["organisation"]),
        "Value": [_formatter(unit)(v) for v in outside["value"]],
        "Outside the limit": [f"{side} the {limit} limit" for side, limit in zip(_text(outside["side"]),
                                                                             _text(outside["limit"]))],
        "Finding": _text(outside["better"]),
    }
    rest = f"{int(inside.sum())} of {int(placed.sum())} organisations"
    for column, last in zip(rows, (rest, "", "within the 95% limits", "as expected")):
        rows[column].append(last)
    return _tidy(rows)


def _national(table: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """England's figure of the indicator by year (and where it comes from), then the trust's."""
    from ..populations import national_series

    standard = "WRES" if "indicator" in table else "WDES"
    number = int(options.get("indicator", 2))
    row = table[pd.to_numeric(table["indicator" if standard == "WRES" else "metric"], errors="coerce") == number]
    england = national_series(standard, number, measure="relative likelihood")
    hidden = bool(len(row)) and any(_suppressed(row, c).iloc[0] for c in row.columns
                                     if c.endswith("_suppressed") and not c.startswith("national"))
    mine = "" if not len(row) else SUPPRESSED if hidden else (
        f"{ratio(row['value'].iloc[0])} ({interval(row['ci_low'].iloc[0], row['ci_high'].iloc[0], ratio)})")
    return _tidy({
        "Year to 31 March": [str(y) for y in england["year"]] + ["This pack"],
        "Relative likelihood": [ratio(v) for v in england["value"]] + [mine],
        "Source": [("NHS England's release" if k == "primary" else "a report of it") for k in england["source_kind"]]
                  + ["this trust (95% interval)"],
    })


_VIEWS: dict[str, Callable[[pd.DataFrame, Mapping[str, Any]], pd.DataFrame]] = {
    "representation_chart": _representation,
    "age_profile_chart": _representation,
    "ratio_chart": _by_band_group,
    "heatmap_chart": _heatmap,
    "ladder_chart": _ladder,
    "likelihood_chart": _likelihood,
    "promotion_chart": _promotion,
    "trajectory_chart": _trajectory,
    "funnel_chart": _funnel,
    "spc_chart": _one_series,
    "spc_summary_chart": _series_summary,
    "national_chart": _national,
}


def board_table(function: str, table: pd.DataFrame, options: Mapping[str, Any] | None = None) -> pd.DataFrame | None:
    """The table shown under a chart drawn by ``function`` from the published ``table``; None if there is none.

    Every value is text (already formatted); empty columns are left out.
    """
    view = _VIEWS.get(function)
    if view is None or table is None or not len(table):
        return None
    try:
        shown = view(table, options or {})
    except Exception:  # noqa: BLE001 - a table that cannot be shown leaves the chart without one; the workbook has it
        return None
    return shown if len(shown.columns) and len(shown) else None
