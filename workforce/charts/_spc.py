"""Making Data Count: the chart of one series over time, and the board's table of measures with their icons.

:func:`spc_chart` draws one series of a :func:`workforce.spc` result the way NHS boards read statistical process
control: the points coloured by their variation (improvement blue, concern orange, special cause of neither kind
purple, common cause grey; each with its own shape too, so that the chart reads in grayscale), the mean, the
control limits, the target, the dates the limits were recalculated and the interventions declared.

:func:`spc_summary_chart` draws the integrated performance report's table: one row per measure with its latest
value, target, and the variation and assurance icons (a letter in each, and its words beside it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from .._display import day, interval, percent, ratio
from .._result import Result
from .._spec import Kind
from ..analysis import SERIES_KEYS, series_label
from ..errors import WorkforceError
from ._common import (
    _BLACK,
    _BLUE,
    _GREY,
    _NEUTRAL,
    _ORANGE,
    _VERMILLION,
    COLUMN,
    _check,
    _finish,
    _frame,
    _hide,
    _layered,
    _legend,
    _level,
    _lines,
    _set,
    _suppressed,
    _text_width,
)

__all__ = ["spc_chart", "spc_summary_chart", "VARIATION_COLOURS"]

_PURPLE = "#CC79A7"   # Okabe-Ito reddish purple
#: The colours of the points by variation, from the Okabe-Ito palette as Making Data Count uses its colours:
#: improvement blue, concern orange, special cause of neither kind purple, common cause grey.
VARIATION_COLOURS = {"improvement": _BLUE, "concern": _ORANGE, "neither": _PURPLE, "common cause": _NEUTRAL}
_VARIATION_SHAPES = {"improvement": "diamond", "concern": "square", "neither": "triangle-up", "common cause": "circle"}
_VARIATION_KEYS = {"improvement": "special cause: improvement", "concern": "special cause: concern",
                   "neither": "special cause: neither better nor worse", "common cause": "common cause"}
#: The special-cause rules of the SPC table, in their order, and what each means in words.
_RULES = (("outside", "a point beyond a limit"), ("trend", "a run rising or falling"),
          ("two_of_three", "two of three points near a limit"), ("shift", "a run on one side of the mean"))
_CHART_WORDS = {"p": "p-chart (limits vary with the number of staff)",
                "p'": "Laney p′ chart (a p-chart widened for variation between points)",
                "XmR": "XmR chart (limits from the average moving range)"}
_COUNTS = ("events", "n", "reference_events", "reference_n")
_WIDTH, _HEIGHT = 600, 300


# ---------------------------------------------------------------- one series


def spc_chart(result: Result, *, organisation: str | None = None, characteristic: str | None = None,
              measure: str | None = None, tier: str | None = None, group: str | None = None,
              annotations: Mapping[Any, str] | None = None, intervals: bool = False,
              min_size: int = 8) -> alt.LayerChart:
    """One series of a Making Data Count (SPC) result: points coloured by variation, mean, limits, target.

    The points are joined by a line and coloured (and shaped) by their variation: improvement blue (diamonds),
    concern orange (squares), special cause of neither kind purple (triangles), common cause grey (circles).
    The mean is a black line and the control limits dashed grey lines, both drawn per phase (as steps where a
    p-chart's limits vary with the number of staff); trial limits (fewer than 12 points) are drawn lighter and
    labelled "trial limits".  A target is a dash-dot line, labelled.  Each date the limits were recalculated
    has a vertical mark ("limits recalculated"), and each declared intervention a labelled vertical rule.
    Suppressed points (a hidden count, so no value) are not drawn: the line breaks there.  Points with fewer
    than ``min_size`` staff counted are drawn open.

    Parameters
    ----------
    result : Result
        From :func:`workforce.spc`.
    organisation, characteristic, measure, tier, group : str, optional
        Which series to draw: enough of them to name exactly one of the result's series.
    annotations : dict, optional
        Date -> words, such as ``{"2024-05-01": "Positive action programme starts"}``: drawn as labelled
        vertical rules.  By default the interventions recorded in the result's method (``interventions``).
    intervals : bool
        Draw each point's interval as a whisker (the tooltips give it always).
    min_size : int
        Points with fewer staff counted (``n``) than this are drawn open.

    Returns
    -------
    altair.LayerChart

    Raises
    ------
    WorkforceError
        If the selection names no series, or more than one (the message lists them).
    """
    table = _check(result, (Kind.SPC,), "spc_chart")
    chosen = {"organisation": organisation, "characteristic": characteristic, "measure": measure, "tier": tier,
              "group": group}
    rows = _one_series(table, chosen)
    data = _series_rows(rows, min_size)
    drawn = data[data["drawn"]]
    if drawn.empty:
        raise WorkforceError("nothing to draw: every point of this series is suppressed or has no value.")
    first = data.iloc[0]
    unit = str(first["unit"]) if str(first["unit"]) in ("proportion", "ratio") else "proportion"
    subject = _subject(first)
    marks = _marks(data, result.method.get("interventions") if annotations is None else annotations)
    title = _title(data, subject)

    frame = _frame(data, ["date", "when", "value", "ci_low", "ci_high", "events", "n", "reference_events",
                          "reference_n", "phase", "centre", "lower", "upper", "target", "trial", "key", "rules",
                          "state", "small", "drawn", "run"])
    points = frame[frame["drawn"].astype(bool)].reset_index(drop=True)
    limits = frame[frame["centre"].notna()].reset_index(drop=True)
    y_scale = _y_scale(data, unit, intervals, min(len(marks), 3))
    fmt = ".1%" if unit == "proportion" else ".2f"
    y = alt.Y("value:Q", scale=y_scale, title=_axis_title(first, unit),
              axis=alt.Axis(format="~%" if unit == "proportion" else "~g"))
    dates = [pd.Timestamp(d) for d in data["snapshot_date"]] + [m[0] for m in marks]
    x_domain = [_iso(min(dates)), _iso(max(dates))]
    x = alt.X("date:T", title=None, scale=alt.Scale(domain=x_domain),
              axis=alt.Axis(format="%b %Y", labelAngle=0, labelOverlap=True))

    keys = [k for k in _VARIATION_KEYS.values() if k in set(points["key"])]
    variation = {v: k for k, v in _VARIATION_KEYS.items()}
    colour = alt.Color("key:N", title=None, legend=_legend(keys), scale=alt.Scale(
        domain=keys, range=[VARIATION_COLOURS[variation[k]] for k in keys]))
    shape = alt.Shape("key:N", title=None, legend=_legend(keys), scale=alt.Scale(
        domain=keys, range=[_VARIATION_SHAPES[variation[k]] for k in keys]))
    ratio_counts = unit == "ratio" and points["reference_n"].notna().any()
    tooltip = [alt.Tooltip("when:N", title="Date"),
               alt.Tooltip("value:Q", title=_axis_title(first, unit), format=fmt),
               alt.Tooltip("ci_low:Q", title=f"{_level(result.method)} interval from", format=fmt),
               alt.Tooltip("ci_high:Q", title="to", format=fmt),
               alt.Tooltip("events:Q", title="Counted (numerator)", format=","),
               alt.Tooltip("n:Q", title="Out of (n)", format=",")]
    if ratio_counts:
        tooltip += [alt.Tooltip("reference_events:Q", title="Reference group: counted", format=","),
                    alt.Tooltip("reference_n:Q", title="Reference group: out of", format=",")]
    tooltip += [alt.Tooltip("key:N", title="Variation"), alt.Tooltip("rules:N", title="Rules that fired"),
                alt.Tooltip("centre:Q", title="Mean", format=fmt),
                alt.Tooltip("lower:Q", title="Lower limit", format=fmt),
                alt.Tooltip("upper:Q", title="Upper limit", format=fmt),
                alt.Tooltip("phase:Q", title="Phase"), alt.Tooltip("state:N", title="State")]

    layers: list[Any] = []
    varies = _limits_vary(data)
    interpolate: Literal["step", "linear"] = "step" if varies else "linear"
    if unit == "ratio":
        layers.append(alt.Chart().mark_rule(color=_BLACK, strokeWidth=0.8).encode(y=alt.Y(datum=1.0, scale=y_scale)))
    if len(limits):
        base = alt.Chart(limits)
        for trial in (False, True):
            part = base.transform_filter("datum.trial" if trial else "!datum.trial")
            if not limits["trial"].astype(bool).eq(trial).any():
                continue
            opacity = 0.45 if trial else 1.0
            dash = [2, 3] if trial else [6, 4]
            layers.append(part.mark_line(color=_BLACK, strokeWidth=1.5, opacity=opacity, clip=True,
                                         interpolate=interpolate).encode(x=x, y=alt.Y("centre:Q", scale=y_scale),
                                                                         detail=alt.Detail("phase:N")))
            for limit in ("lower", "upper"):
                layers.append(part.transform_filter(f"isValid(datum.{limit})").mark_line(
                    color="#555555", strokeWidth=1.2, strokeDash=dash, opacity=opacity, clip=True,
                    interpolate=interpolate).encode(x=x, y=alt.Y(f"{limit}:Q", scale=y_scale),
                                                    detail=alt.Detail("phase:N")))
        trial_labels = _trial_labels(limits)
        if len(trial_labels):
            layers.append(alt.Chart(trial_labels).mark_text(align="left", dx=2, dy=-7, color="#555555", fontSize=11).encode(
                x=x, y=alt.Y("upper:Q", scale=y_scale), text=alt.Text("text:N")))
    targets = frame[frame["target"].notna()].reset_index(drop=True)
    if len(targets):
        layers.append(alt.Chart(targets).mark_line(color=_VERMILLION, strokeWidth=1.5, strokeDash=[8, 3, 2, 3],
                                                   clip=True).encode(x=x, y=alt.Y("target:Q", scale=y_scale)))
        label = targets.iloc[[-1]].assign(text=f"target {_figure(float(targets['target'].iloc[-1]), unit)}")
        layers.append(alt.Chart(label).mark_text(align="right", dy=-7, color=_VERMILLION, fontSize=11).encode(
            x=x, y=alt.Y("target:Q", scale=y_scale), text=alt.Text("text:N")))
    if marks:
        layers += _mark_layers(marks, x, x_domain)
    if intervals:
        layers.append(alt.Chart(points).mark_rule(color=_GREY, strokeWidth=1.5).encode(
            x=x, y=alt.Y("ci_low:Q", scale=y_scale), y2=alt.Y2("ci_high:Q"), tooltip=tooltip))
    layers.append(alt.Chart(points).mark_line(color="#9A9A9A", strokeWidth=1.2).encode(x=x, y=y,
                                                                                      detail=alt.Detail("run:N")))
    layers.append(alt.Chart(points).transform_filter("!datum.small").mark_point(filled=True, size=60).encode(
        x=x, y=y, color=colour, shape=shape, tooltip=tooltip))
    if points["small"].astype(bool).any():
        layers.append(alt.Chart(points).transform_filter("datum.small").mark_point(
            filled=False, size=60, strokeWidth=1.5).encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip))
    chart = _set(alt.layer(*layers), width=_WIDTH, height=_HEIGHT)
    subtitle = _subtitle(data, first, unit, bool(len(targets)), bool(points["small"].astype(bool).any()), min_size)
    description = _description(data, subject, title, unit, marks)
    return _finish(_layered(chart), title, subtitle, description, result, "spc_chart")


def _one_series(table: pd.DataFrame, chosen: Mapping[str, str | None]) -> pd.DataFrame:
    """The rows of the one series ``chosen`` names; a WorkforceError listing the series when it names none or several."""
    rows = table
    for key, value in chosen.items():
        if value is not None:
            rows = rows[rows[key].astype(str) == str(value)]
    keys = list(SERIES_KEYS)
    found = rows[keys].astype(str).drop_duplicates()
    if len(found) == 1:
        return rows.sort_values("snapshot_date", kind="stable")
    every = table[keys].astype(str).drop_duplicates()
    if every.empty:
        raise WorkforceError("the SPC result has no series to draw.")
    listed = found if len(found) > 1 else every
    differ = [k for k in keys if listed[k].nunique() > 1] or keys
    names = [", ".join(f'{k} "{r[k]}"' for k in differ) for r in listed.to_dict("records")]
    shown = "; ".join(names[:12]) + (f"; and {len(names) - 12} more" if len(names) > 12 else "")
    given = ", ".join(f'{k} "{v}"' for k, v in chosen.items() if v is not None)
    if len(found) > 1:
        raise WorkforceError(f"the chart draws one series, and {len(found)} match{' ' + given if given else ''}: "
                             f"say which by its {', '.join(differ)}. The series are: {shown}.")
    raise WorkforceError(f"no series matches {given}. The series are: {shown}.")


def _series_rows(rows: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """The series' rows with what the chart needs: figures as floats, the date as text, drawn, run, key, rules."""
    hidden = _suppressed(rows, _COUNTS).to_numpy()
    data = _hide(rows).reset_index(drop=True)
    for column in ("value", "ci_low", "ci_high", *_COUNTS, "centre", "lower", "upper", "target", "phase"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    data.loc[hidden, ["value", "ci_low", "ci_high"]] = np.nan
    stamps = pd.to_datetime(data["snapshot_date"])
    data["date"] = [_iso(s) for s in stamps]
    data["when"] = [day(s) for s in stamps]
    data["drawn"] = data["value"].notna().to_numpy() & ~hidden
    data["run"] = np.cumsum(~data["drawn"].to_numpy())   # the line breaks at each point not drawn
    data["trial"] = data["trial"].fillna(False).astype(bool)
    variation = data["variation"].astype(str).where(data["variation"].astype(str).isin(list(_VARIATION_KEYS)),
                                                     "common cause")
    data["variation"] = variation
    data["key"] = variation.map(_VARIATION_KEYS)
    flags = {name: data[name].fillna(False).astype(bool).to_numpy() if name in data else np.zeros(len(data), bool)
             for name, _ in _RULES}
    data["rules"] = ["; ".join(words for name, words in _RULES if flags[name][i]) for i in range(len(data))]
    data["special"] = np.logical_or.reduce([flags[name] for name, _ in _RULES]) if len(data) else []
    small = (data["n"].fillna(0) < min_size).to_numpy() | (data["state"].astype(str) == "insufficient data").to_numpy()
    data["small"] = small & data["drawn"].to_numpy()
    return data


def _iso(stamp: Any) -> str:
    """A date as Vega-Lite reads it in local time (no time zone, so the axis shows the date itself)."""
    return f"{pd.Timestamp(stamp):%Y-%m-%dT00:00:00}"


def _month(stamp: Any) -> str:
    return f"{pd.Timestamp(stamp):%B %Y}"


def _figure(value: float, unit: str) -> str:
    """A value as words write it: a percentage to one decimal, or a ratio to two."""
    return percent(value) if unit == "proportion" else ratio(value)


def _interval(low: Any, high: Any, unit: str) -> str:
    """An interval as "low to high" in the unit's words; blank when either end is missing."""
    return interval(low, high, lambda v: _figure(v, unit))


def _subject(row: Any) -> str:
    """The series as the subject of a sentence ("the BME share of staff at band 8a and above")."""
    characteristic, measure, tier, group = (str(row[k]) for k in ("characteristic", "measure", "tier", "group"))
    if measure == "recorded":
        return f"the share of staff whose {characteristic} is recorded"
    if measure in ("leaver rate", "promotion rate"):
        return f"the {group} {measure}"
    if measure == "representation ratio":
        return f"the {group} representation ratio (their share of staff against the local population)"
    label = series_label(characteristic, measure, tier, group)
    if measure in ("senior share",):
        return f"the {label}"
    if label.startswith("Relative likelihood"):
        return f"the r{label[1:]}"
    return f"{measure} for {group} staff"


def _axis_title(row: Any, unit: str) -> str:
    measure = str(row["measure"])
    if measure == "senior share":
        return f"{row['group']} share of staff at {row['tier']}"
    if measure == "recorded":
        return f"Staff whose {row['characteristic']} is recorded"
    return f"{measure[:1].upper()}{measure[1:]}" + (" (1 = no difference)" if unit == "ratio" else "")


def _title(data: pd.DataFrame, subject: str) -> str:
    """The finding in words: the latest point's variation, and since when; else no sign of change."""
    drawn = data[data["drawn"]]
    last = drawn.iloc[-1]
    phase = drawn[drawn["phase"] == last["phase"]]
    special = phase[phase["special"].astype(bool)]
    kind = {"improvement": "special cause improvement", "concern": "special cause concern",
            "neither": "special cause variation (neither better nor worse)"}
    if bool(last["special"]) and last["variation"] in kind:
        start = len(drawn) - 1
        while (start > 0 and bool(drawn["special"].iloc[start - 1])
               and drawn["variation"].iloc[start - 1] == last["variation"]
               and drawn["phase"].iloc[start - 1] == last["phase"]):
            start -= 1
        since = drawn["snapshot_date"].iloc[start]
        moved = _moved(last)
        when = f"since {_month(since)}" if start < len(drawn) - 1 else f"in {_month(since)}"
        title = f"{subject} has {moved}: {kind[str(last['variation'])]} {when}"
    elif len(special):
        signal = special.iloc[-1]
        title = (f"{subject} shows common cause variation at the latest point; the last signal, in "
                 f"{_month(signal['snapshot_date'])}, was {kind.get(str(signal['variation']), 'special cause')}")
    else:
        title = f"No sign of change in {subject} (common cause variation)"
    return title[:1].upper() + title[1:]


def _moved(row: Any) -> str:
    """"risen" or "fallen": from the variation and the direction that is better, else from the mean."""
    better, variation = str(row["improvement"]), str(row["variation"])
    if better in ("increase", "decrease") and variation in ("improvement", "concern"):
        up = (better == "increase") == (variation == "improvement")
    else:
        up = bool(row["value"] >= row["centre"])
    return "risen" if up else "fallen"


def _limits_vary(data: pd.DataFrame) -> bool:
    """Whether the limits change from point to point within a phase (a p-chart's, with n)."""
    known = data[data["upper"].notna()]
    return bool((known.groupby("phase")["upper"].agg(lambda s: s.round(9).nunique()) > 1).any())


def _trial_labels(limits: pd.DataFrame) -> pd.DataFrame:
    """"trial limits" over the first point of each phase whose limits are trial ones (the target's label is at the end)."""
    trial = limits[limits["trial"].astype(bool) & limits["upper"].notna()]
    first = trial.groupby("phase", sort=True).head(1)
    return first.assign(text="trial limits")[["date", "upper", "text"]].reset_index(drop=True)


def _marks(data: pd.DataFrame, annotations: Mapping[Any, str] | None) -> list[tuple[pd.Timestamp, str, str]]:
    """The vertical marks: (date, words, kind) for each rebase ("limits recalculated") and each annotation.

    An annotation on the date of a rebase shares its mark.
    """
    starts = data.groupby("phase", sort=True)["snapshot_date"].min()
    marks: dict[pd.Timestamp, list[str]] = {}
    kinds: dict[pd.Timestamp, str] = {}
    for date, words in (annotations or {}).items():
        try:
            stamp = pd.Timestamp(date).normalize()
        except (TypeError, ValueError) as exc:
            raise WorkforceError(f"the annotation {words!r} has no date that can be read ({date!r}).") from exc
        marks.setdefault(stamp, []).append(str(words))
        kinds[stamp] = "annotation"
    for stamp in list(starts.iloc[1:]):
        stamp = pd.Timestamp(stamp).normalize()
        marks.setdefault(stamp, []).append("limits recalculated")
        kinds.setdefault(stamp, "rebase")
    return [(stamp, "; ".join(words), kinds[stamp]) for stamp, words in sorted(marks.items())]


def _mark_layers(marks: list[tuple[pd.Timestamp, str, str]], x: alt.X, x_domain: list[str]) -> list[Any]:
    """A vertical rule and a label for each mark, labels staggered down the top of the chart so they do not overlap."""
    low, high = pd.Timestamp(x_domain[0]), pd.Timestamp(x_domain[1])
    span = max((high - low).total_seconds(), 1.0)
    rows = []
    below = 0   # lines of the labels above this one: each label starts under the last, none is cut short
    for stamp, words, kind in marks:
        left = (stamp - low).total_seconds() / span < 0.6
        lines = [words] if _text_width(words, 11) <= 0.55 * _WIDTH else _lines(words, 0.55 * _WIDTH, 11)
        rows.append({"date": _iso(stamp), "when": day(stamp), "text": "\n".join(lines), "words": words, "kind": kind,
                     "y": 4 + 14 * below, "align": "left" if left else "right", "dx": 4 if left else -4})
        below += len(lines)
    frame = pd.DataFrame(rows)
    tooltip = [alt.Tooltip("when:N", title="Date"), alt.Tooltip("words:N", title="What happened")]
    layers: list[Any] = []
    for kind, colour, dash in (("annotation", _BLACK, [1, 0]), ("rebase", "#888888", [4, 3])):
        part = frame[frame["kind"] == kind]
        if len(part):
            layers.append(alt.Chart(part).mark_rule(strokeWidth=1.2, color=colour, strokeDash=dash).encode(
                x=x, tooltip=tooltip))
    for align in ("left", "right"):
        part = frame[frame["align"] == align]
        if len(part):
            layers.append(alt.Chart(part).mark_text(align=align, baseline="top", dx=4 if align == "left" else -4,
                                                    fontSize=11, color="#333333", lineBreak="\n").encode(
                x=x, y=alt.Y("y:Q", scale=None), text=alt.Text("text:N")))
    return layers


def _y_scale(data: pd.DataFrame, unit: str, intervals: bool, labels: int = 0) -> alt.Scale:
    """The value axis: every value, limit and target in view; a proportion within 0 to 1, a ratio above 0.

    ``labels``: the rows of labels of vertical marks at the top of the chart, which get room above the data.
    """
    columns = ["value", "centre", "lower", "upper", "target"] + (["ci_low", "ci_high"] if intervals else [])
    values = pd.concat([data[c] for c in columns]).astype(float)
    values = values[np.isfinite(values)]
    if unit == "ratio":
        values = pd.concat([values, pd.Series([1.0])])
    low, high = float(values.min()), float(values.max())
    pad = max((high - low) * 0.05, 0.005 if unit == "proportion" else 0.05)
    low, high = low - pad, high + pad + (high - low) * 0.06 * labels
    if unit == "proportion":
        low, high = max(low, 0.0), min(high, 1.0)
    else:
        low = max(low, 0.0)
    return alt.Scale(domain=[round(low, 6), round(high, 6)], nice=True, zero=False)


def _subtitle(data: pd.DataFrame, first: Any, unit: str, target: bool, small: bool, min_size: int) -> list[str]:
    drawn = data[data["drawn"]]
    last = drawn.iloc[-1]
    phases = sorted(data["phase"].dropna().unique())
    latest = data[data["phase"] == last["phase"]]
    baseline = latest[latest["baseline"].fillna(False).astype(bool)] if "baseline" in latest else latest
    chart = _CHART_WORDS.get(str(last["chart"]), str(last["chart"]))
    ns = drawn["n"].dropna()
    n_words = (f"n = {int(last['n']):,} at {day(last['snapshot_date'])}" if pd.notna(last["n"]) else "")
    if len(ns) > 1 and ns.min() != ns.max():
        n_words += f" ({int(ns.min()):,} to {int(ns.max()):,} a point)"
    phase_words = (f"phase {int(last['phase'])} of {len(phases)}, " if len(phases) > 1 else "")
    limits = (f"{phase_words}limits from {len(baseline)} baseline point{'s' if len(baseline) != 1 else ''}"
              + (f" ({_month(baseline['snapshot_date'].min())} to {_month(baseline['snapshot_date'].max())})"
                 if len(baseline) else ""))
    if bool(latest["trial"].any()):
        limits += ": trial limits (fewer than 12 points)"
    key = ("Black line: the mean · dashed: the control limits" + (" (steps: they vary with n)"
                                                                   if _limits_vary(data) else "")
           + (" · red dash-dot: the target" if target else "")
           + (f" · open points: fewer than {min_size} staff counted" if small else ""))
    return [f"{first['organisation']} · {chart} · {n_words}", limits, key]


def _description(data: pd.DataFrame, subject: str, title: str, unit: str,
                 marks: list[tuple[pd.Timestamp, str, str]]) -> str:
    drawn = data[data["drawn"]]
    last = drawn.iloc[-1]
    special = drawn[drawn["special"].astype(bool)]
    text = (f"Making Data Count chart of {subject}, {day(drawn['snapshot_date'].iloc[0])} to "
            f"{day(last['snapshot_date'])}, {len(drawn)} points. {title}. Latest: {_figure(last['value'], unit)}"
            + (f" ({_interval(last['ci_low'], last['ci_high'], unit)})"
               if pd.notna(last["ci_low"]) else "")
            + f"; mean {_figure(last['centre'], unit)}, limits {_figure(last['lower'], unit)} to "
              f"{_figure(last['upper'], unit)}.")
    if len(special):
        listed = [f"{r['when']} ({r['variation']}: {r['rules']})" for _, r in special.tail(12).iterrows()]
        more = f"{len(special) - 12} earlier and " if len(special) > 12 else ""
        text += f" Special cause points: {more}" + "; ".join(listed) + "."
    if marks:
        text += " Marked: " + "; ".join(f"{day(d)}: {w}" for d, w, _ in marks) + "."
    hidden = int((~data["drawn"]).sum())
    if hidden:
        text += f" {hidden} point{'s' if hidden != 1 else ''} suppressed or without a value, not drawn."
    return text


# ---------------------------------------------------------------- the board's table of measures


#: The variation icons: (letter, fill, letter colour, words beside the icon, words in the legend).
_VARIATION_ICONS = {
    "common cause": ("~", _GREY, _BLACK, "common\ncause", "Common cause: no significant change"),
    "improvement (high)": ("H", _BLUE, "#FFFFFF", "improvement\n(high)",
                           "Special cause improvement: significantly higher"),
    "improvement (low)": ("L", _BLUE, "#FFFFFF", "improvement\n(low)",
                          "Special cause improvement: significantly lower"),
    "concern (high)": ("H", _ORANGE, _BLACK, "concern\n(high)", "Special cause concern: significantly higher"),
    "concern (low)": ("L", _ORANGE, _BLACK, "concern\n(low)", "Special cause concern: significantly lower"),
    "neither (high)": ("H", _PURPLE, _BLACK, "neither\n(high)",
                       "Special cause, neither better nor worse: significantly higher"),
    "neither (low)": ("L", _PURPLE, _BLACK, "neither\n(low)",
                      "Special cause, neither better nor worse: significantly lower"),
    "no points": ("", "#FFFFFF", _BLACK, "no points", "No point with a value: each is suppressed or not estimable"),
}
#: The assurance icons, as the variation icons.
_ASSURANCE_ICONS = {
    "consistently passing": ("P", _BLUE, "#FFFFFF", "passing", "Consistently passing: the target lies beyond the "
                                                             "limits, on the side that meets it"),
    "consistently failing": ("F", _ORANGE, _BLACK, "failing", "Consistently failing: the target lies beyond the "
                                                            "limits, on the side that misses it"),
    "inconsistent": ("?", _GREY, _BLACK, "inconsistent", "Inconsistent: the target lies between the limits, so it "
                                                         "will be met and missed at random"),
    "no target": ("", "#FFFFFF", _BLACK, "no target", "No target set for the measure"),
}
# Where each column of the table starts, in px, and the widths of the measure's and the legend's words.
_COLUMNS = {"measure": 0, "latest": 232, "date": 352, "target": 430, "variation": 502, "assurance": 624}
_MEASURE_WIDTH, _TABLE_WIDTH, _ICON = 220, COLUMN - 10, 12


def _unit_of(measure: str) -> str:
    """A measure's unit when the table does not say it: a ratio (relative likelihoods, indicators), else a share."""
    ratio_like = "relative likelihood" in measure or "ratio" in measure or re.match(r"(WRES|WDES) \d", measure)
    return "ratio" if ratio_like else "proportion"


def spc_summary_chart(result: Result, *, min_size: int = 8) -> alt.LayerChart:
    """The board's table of measures: latest value, target, and the Making Data Count variation and assurance icons.

    One row per series, as an integrated performance report lays it out.  The variation icon is a circle:
    blue with "H" or "L" for special cause improvement (higher or lower), orange for concern, purple for special
    cause of neither kind, grey with "~" for common cause; the assurance icon: blue "P" consistently passing,
    orange "F" consistently failing, grey "?" inconsistent (the target between the limits), blank for no target.
    Each icon has its words beside it and a legend below explains them, so the table reads in grayscale too.

    Parameters
    ----------
    result : Result
        From :func:`workforce.spc_summary`, or a :func:`workforce.spc` result (summarised first).
    min_size : int
        Latest points with fewer staff counted than this are marked "fewer than 8 staff".

    Returns
    -------
    altair.LayerChart
    """
    units: dict[tuple[str, ...], str] = {}
    if isinstance(result, Result) and result.spec.kind is Kind.SPC:
        from ..analysis import spc_summary

        keys = zip(*(result.table[k].astype(str) for k in SERIES_KEYS))
        units = dict(zip(keys, result.table["unit"].astype(str)))
        result = spc_summary(result)
    table = _check(result, (Kind.SPC_SUMMARY,), "spc_summary_chart")
    if table.empty:
        raise WorkforceError("nothing to draw: the summary has no measures.")
    hidden = _suppressed(table, ("latest_n",)).to_numpy()
    data = _hide(table).reset_index(drop=True)
    for column in ("latest_value", "latest_ci_low", "latest_ci_high", "latest_n", "centre", "lower", "upper",
                   "target"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    data.loc[hidden, ["latest_value", "latest_ci_low", "latest_ci_high"]] = np.nan
    several = data["organisation"].astype(str).nunique() > 1
    unit = [units.get(tuple(str(r[k]) for k in SERIES_KEYS), _unit_of(str(r["measure"])))
            for r in data.to_dict("records")]
    data["unit"] = unit
    data["label"] = [(f"{r['organisation']}: " if several else "")
                     + series_label(*(str(r[k]) for k in ("characteristic", "measure", "tier", "group")))
                     for r in data.to_dict("records")]
    data["wrapped"] = ["\n".join(_lines(label, _MEASURE_WIDTH)) for label in data["label"]]
    data["latest"] = ["suppressed" if h else "no value" if pd.isna(v) else _figure(v, u)
                      for v, u, h in zip(data["latest_value"], unit, hidden)]
    data["latest_interval"] = [_interval(lo, hi, u) for lo, hi, u in zip(data["latest_ci_low"], data["latest_ci_high"],
                                                                       unit)]
    data["latest_text"] = [f"{v}\n{i}" if i else v for v, i in zip(data["latest"], data["latest_interval"])]
    small = data["latest_n"].notna() & (data["latest_n"] < min_size)
    data["date_text"] = [(f"{pd.Timestamp(d):%b %Y}" if pd.notna(d) else "") + (f"\nn = {int(n):,}" if pd.notna(n) else "")
                         + (f"\nfewer than {min_size}" if s else "") + ("\ntrial limits" if bool(t) else "")
                         for d, n, s, t in zip(data["latest_date"], data["latest_n"], small,
                                               data["trial"].fillna(False))]
    data["target_text"] = ["" if pd.isna(t) else _figure(t, u) for t, u in zip(data["target"], unit)]
    data["variation_icon"] = data["variation_icon"].astype(str).where(
        data["variation_icon"].astype(str).isin(list(_VARIATION_ICONS)), "common cause")
    nothing = pd.to_datetime(data["latest_date"]).isna() | (pd.to_numeric(data["points"]) == 0)
    data.loc[nothing.to_numpy(), "variation_icon"] = "no points"   # every point suppressed: no variation to read
    data["assurance"] = data["assurance"].astype(str).where(data["assurance"].astype(str).isin(list(_ASSURANCE_ICONS)),
                                                            "no target")
    data["limits_text"] = [_interval(lo, hi, u) for lo, hi, u in zip(data["lower"], data["upper"], unit)]
    data["centre_text"] = [_figure(c, u) for c, u in zip(data["centre"], unit)]

    lines = [max(label.count("\n"), text.count("\n"), d.count("\n")) + 1
             for label, text, d in zip(data["wrapped"], data["latest_text"], data["date_text"])]
    step = max(40, 15 * max(lines) + 12)
    top = 28
    data["y"] = [top + i * step + step / 2 for i in range(len(data))]
    rows = _frame(data, ["label", "wrapped", "latest_text", "latest", "latest_interval", "date_text", "target_text",
                         "variation_icon", "assurance", "centre_text", "limits_text", "points", "chart", "signals",
                         "y"])
    rows["when"] = [day(d) if pd.notna(d) else "" for d in data["latest_date"]]
    rows["n"] = [f"{int(n):,}" if pd.notna(n) else "suppressed" if h else "" for n, h in zip(data["latest_n"], hidden)]
    legend_heads, legend_icons, height = _summary_legend(data, top + len(data) * step + 24)
    tooltip = [alt.Tooltip("label:N", title="Measure"), alt.Tooltip("when:N", title="Latest point"),
               alt.Tooltip("latest:N", title="Value"), alt.Tooltip("latest_interval:N", title="Interval"),
               alt.Tooltip("n:N", title="Staff counted (n)"), alt.Tooltip("target_text:N", title="Target"),
               alt.Tooltip("centre_text:N", title="Mean"), alt.Tooltip("limits_text:N", title="Control limits"),
               alt.Tooltip("points:Q", title="Points"), alt.Tooltip("chart:N", title="Chart"),
               alt.Tooltip("variation_icon:N", title="Variation"), alt.Tooltip("assurance:N", title="Assurance"),
               alt.Tooltip("signals:N", title="Signals in the latest phase")]
    x_scale = alt.Scale(domain=[0, _TABLE_WIDTH], range=[0, _TABLE_WIDTH], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, height], range=[0, height], nice=False, zero=False)

    def x(value: float | str) -> Any:
        if isinstance(value, str):
            return alt.X(f"{value}:Q", scale=x_scale, axis=None)
        return alt.X(datum=value, scale=x_scale, axis=None)

    def y(field: str = "y") -> alt.Y:
        return alt.Y(f"{field}:Q", scale=y_scale, axis=None)

    header = pd.DataFrame({"x": [float(v) for v in _COLUMNS.values()], "y": [12.0] * len(_COLUMNS),
                           "text": ["Measure", "Latest", "Date, n", "Target", "Variation", "Assurance"]})
    lines_frame = pd.DataFrame({"y": [top - 4.0] + [float(top + (i + 1) * step) for i in range(len(data))]})
    base = alt.Chart(rows)
    icons = _icons(data, ("variation_icon", _VARIATION_ICONS, _COLUMNS["variation"] + _ICON),
                   ("assurance", _ASSURANCE_ICONS, _COLUMNS["assurance"] + _ICON))
    icon_frame = _frame(icons, ["x", "y", "glyph", "fill", "stroke", "ink", "caption", "label", "what"])
    layers: list[Any] = [
        alt.Chart(lines_frame).mark_rule(color="#DDDDDD").encode(y=y(), x=x(0), x2=alt.X2(datum=_TABLE_WIDTH)),
        alt.Chart(header).mark_text(align="left", baseline="middle", fontWeight="bold", fontSize=12).encode(
            x=x("x"), y=y(), text=alt.Text("text:N")),
        _centred(base, "wrapped", 15, 12).encode(x=x(_COLUMNS["measure"]), y=y("ty"), tooltip=tooltip),
        _centred(base, "latest_text", 15, 12).encode(x=x(_COLUMNS["latest"]), y=y("ty"), tooltip=tooltip),
        _centred(base, "date_text", 15, 12).encode(x=x(_COLUMNS["date"]), y=y("ty"), tooltip=tooltip),
        _centred(base, "target_text", 15, 12).encode(x=x(_COLUMNS["target"]), y=y("ty"), tooltip=tooltip),
        *_icon_layers(icon_frame, x, y, 520, 13),
        alt.Chart(legend_heads).mark_text(align="left", baseline="middle", fontWeight="bold", fontSize=12).encode(
            x=x("x"), y=y(), text=alt.Text("text:N")),
        *_icon_layers(legend_icons, x, y, 260, 10),
    ]
    chart = _set(alt.layer(*layers), width=_TABLE_WIDTH, height=height)
    title = _summary_title(data)
    subtitle = _summary_subtitle(data)
    description = (f"Table of {len(data)} measures with Making Data Count icons. {title}. "
                   + "; ".join(f"{r['label']}: " + (f"{r['latest']} at {_month(r['latest_date'])}, {r['variation_icon']}, "
                                                     f"{r['assurance']}" if r["variation_icon"] != "no points" else
                                                     "no point with a value")
                               for r in data.to_dict("records")) + ".")
    return _finish(_layered(chart), title, subtitle, description, result, "spc_summary_chart")


def _icons(data: pd.DataFrame, *columns: tuple[str, Mapping[str, tuple[str, str, str, str, str]], float]
           ) -> pd.DataFrame:
    """One icon per row and column: its place, letter, colours and the words beside it."""
    icons = []
    for column, kinds, centre in columns:
        for r in data.to_dict("records"):
            glyph, fill, ink, caption, _ = kinds[str(r[column])]
            icons.append({"x": centre, "y": r["y"], "glyph": glyph, "fill": fill, "ink": ink, "caption": caption,
                          "stroke": "#777777" if fill == "#FFFFFF" else fill, "label": r["label"],
                          "what": str(r[column])})
    return pd.DataFrame(icons)


def _centred(chart: alt.Chart, field: str, line_height: float, size: float, **mark: Any) -> alt.Chart:
    """Text of ``field``, on the lines its newlines make, centred as a block on ``y`` (at ``ty``).

    Vega draws the first line of a text at its ``y`` and the others below it: the block is moved up by half its
    extra lines.
    """
    return chart.transform_calculate(
        ty=f"datum.y - (length(split(datum['{field}'] || '', '\\n')) - 1) * {line_height / 2:g}").mark_text(
        align="left", baseline="middle", lineBreak="\n", lineHeight=line_height, fontSize=size, **mark).encode(
        text=f"{field}:N")


def _icon_layers(frame: pd.DataFrame, x, y, size: float, font: float) -> list[Any]:
    """The circles, their letters and the words beside them."""
    base = alt.Chart(frame)
    tooltip = [alt.Tooltip("label:N", title="Measure"), alt.Tooltip("what:N", title="Icon")]
    return [
        base.mark_point(shape="circle", filled=True, size=size, strokeWidth=1.5, opacity=1).encode(
            x=x("x"), y=y(), fill=alt.Fill("fill:N", scale=None), stroke=alt.Stroke("stroke:N", scale=None),
            tooltip=tooltip),
        base.mark_text(fontWeight="bold", fontSize=font, baseline="middle", align="center").encode(
            x=x("x"), y=y(), text=alt.Text("glyph:N"), color=alt.Color("ink:N", scale=None), tooltip=tooltip),
        _centred(base, "caption", 13, 11, dx=size ** 0.5 / 2 + 4, color="#333333").encode(x=x("x"), y=y("ty")),
    ]


def _summary_legend(data: pd.DataFrame, top: float) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """The legend under the table: its headings, each icon with its meaning in words, and the chart's height."""
    width = _TABLE_WIDTH / 2 - 40
    rows: list[dict[str, Any]] = []
    heads: list[dict[str, Any]] = []
    bottoms: list[float] = []
    for left, (heading, column, kinds) in zip((0.0, _TABLE_WIDTH / 2), (
            ("Variation (the latest point)", "variation_icon", _VARIATION_ICONS),
            ("Assurance (the target against the limits)", "assurance", _ASSURANCE_ICONS))):
        present = set(data[column].astype(str))
        y = top + 22
        for kind in (k for k in kinds if k in present):
            glyph, fill, ink, _, words = kinds[kind]
            wrapped = _lines(words, width, 11)
            rows.append({"x": left + 9, "y": y + 7.5 * (len(wrapped) - 1), "glyph": glyph, "fill": fill, "ink": ink,
                         "stroke": "#777777" if fill == "#FFFFFF" else fill, "caption": "\n".join(wrapped),
                         "label": heading, "what": kind})
            y += 15 * len(wrapped) + 8
        heads.append({"x": left, "y": top, "text": heading})
        bottoms.append(y)
    height = max(bottoms) + 4
    icons = _frame(pd.DataFrame(rows), ["x", "y", "glyph", "fill", "stroke", "ink", "caption", "label", "what"])
    return pd.DataFrame(heads), icons, height


def _summary_title(data: pd.DataFrame) -> str:
    """How many measures show improvement, concern, special cause of neither kind and common cause, in words."""
    icons = data["variation_icon"].astype(str)
    total = len(data)
    counts = {kind: int(icons.str.startswith(kind).sum()) for kind in ("improvement", "concern", "neither")}
    if not any(counts.values()) and (icons == "common cause").all():
        return (f"No sign of change in {'the one measure' if total == 1 else f'any of the {total} measures'}: "
                "common cause variation only")
    words = {"improvement": "special cause improvement", "concern": "special cause concern",
             "neither": "special cause variation of neither kind"}
    parts = [f"{n} show{'s' if n == 1 else ''} {words[k]}" for k, n in counts.items() if n]
    common = int((icons == "common cause").sum())
    if common:
        parts.append(f"{common} show{'s' if common == 1 else ''} common cause variation")
    empty = int((icons == "no points").sum())
    if empty:
        parts.append(f"{empty} {'has' if empty == 1 else 'have'} no point with a value")
    said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Of {total} measure{'s' if total != 1 else ''}, {said}"


def _summary_subtitle(data: pd.DataFrame) -> list[str]:
    organisations = list(dict.fromkeys(data["organisation"].astype(str)))
    dates = pd.to_datetime(data["latest_date"]).dropna()
    when = (day(dates.max()) if dates.nunique() <= 1 else f"{day(dates.min())} to {day(dates.max())}")
    assurance = data["assurance"].astype(str)
    targets = int((assurance != "no target").sum())
    target_words = (f"{targets} measure{'s' if targets != 1 else ''} with a target: "
                    + ", ".join(f"{int((assurance == a).sum())} {a}" for a in
                                ("consistently passing", "consistently failing", "inconsistent")
                                if (assurance == a).any())) if targets else "no targets set"
    return [f"{', '.join(organisations)} · latest points: {when} · {target_words}",
            "Making Data Count icons: the variation of the latest point, and the assurance the limits give of "
            "meeting the target."]

