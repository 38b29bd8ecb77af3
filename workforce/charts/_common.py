"""What every chart shares: the palette, the theme, the words of titles and subtitles, table helpers, common layers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any, overload

import altair as alt
import numpy as np
import pandas as pd
from altair.theme import ConfigKwds, ThemeConfig

from .._result import Method, Result
from .._spec import Kind
from .._version import __version__
from ..errors import WorkforceError

#: Okabe-Ito colour-blind-safe palette (orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple,
#: black).
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
#: Name of the registered Altair theme.
THEME = "workforce"
_BLUE, _VERMILLION, _BLACK, _ORANGE = "#0072B2", "#D55E00", "#000000", "#E69F00"
_GREY = "#BBBBBB"      # small groups, and insufficient data
_PALE = "#E3E3E3"      # suppressed groups (nothing drawn but their label and legend key)
_NEUTRAL = "#7F7F7F"   # "no evidence of a difference"
_SHADE = "#DDDDDD"     # the non-adverse range
_NON_ADVERSE = (0.80, 1.25)
# Columns that identify a person: never embedded in a chart.
_IDENTIFIERS = {"person_id", "assignment_id", "employee_number", "assignment_number", "source_row", "nhs_number"}


# ---------------------------------------------------------------- theme


def _theme() -> ThemeConfig:
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


def _config() -> ConfigKwds:
    """Register the theme once (never enabling it) and return its configuration."""
    if THEME not in alt.theme.names():
        alt.theme.register(THEME, enable=False)(_theme)
    return _theme()["config"]


@overload
def _finish(chart: alt.LayerChart, title: str, subtitle: list[str], description: str, result: Result,
            name: str) -> alt.LayerChart: ...
@overload
def _finish(chart: alt.LayerChart | alt.FacetChart, title: str, subtitle: list[str], description: str,
            result: Result, name: str) -> alt.LayerChart | alt.FacetChart: ...
def _finish(chart: alt.LayerChart | alt.FacetChart, title: str, subtitle: list[str], description: str, result: Result,
            name: str) -> alt.LayerChart | alt.FacetChart:
    """Title, subtitle, alt text, provenance and the theme's configuration.

    A result published without suppression (``suppress(..., threshold=None)``)
    says "NOT FOR PUBLICATION" at the head of the chart's title, whatever file
    the chart is saved to.
    """
    control = str(result.method.get("disclosure control") or "")
    if control.startswith("NOT FOR PUBLICATION"):
        subtitle = [control, *subtitle]
        title = f"NOT FOR PUBLICATION. {title}"
        description = f"{control}. {description}"
    chart = chart.properties(
        title=alt.Title(title, subtitle=[s for s in subtitle if s]),
        description=description,
        usermeta={"workforce": {"chart": name, "analysis": str(result.spec.kind),
                                "version": f"workforce {__version__}"}},
    )
    return chart.configure(**_config())


def _layered(chart: alt.LayerChart | alt.FacetChart) -> alt.LayerChart:
    """``chart``, typed as the layer chart it is: ``alt.layer`` is typed as giving a layer or a facet chart."""
    assert isinstance(chart, alt.LayerChart), type(chart)
    return chart


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """``frame.itertuples()``, for the words of alt text: each field is typed loosely, as any pandas scalar."""
    return frame.itertuples()


# ---------------------------------------------------------------- helpers


def _pct(x: Any) -> str:
    """A share as words use it: whole percent from 10%, one decimal below.

    ``x`` is a float, or a pandas scalar read from a row (typed loosely for that reason).
    """
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:.0%}" if round(x, 3) >= 0.095 else f"{x:.1%}"


def _level(method: Method) -> str:
    """The confidence level of a result's intervals, as words write it ("95%")."""
    confidence = method.confidence if method.confidence is not None else 0.95
    return f"{confidence * 100:g}%"


def _snapshot(method: Method) -> str:
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
    """Rows a disclosure step hid.

    Any ``*_suppressed`` column true, or only those of ``counts`` (the counts the chart's figure is made
    from; a suppressed unknown or total elsewhere in the row does not hide it).
    """
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
            cells: list[Any] = [None if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA) else
                                (v if isinstance(v, (bool, np.bool_)) else str(v)) for v in values]
            out[c] = cells
        elif pd.api.types.is_bool_dtype(values):
            out[c] = values.astype(object).where(values.notna(), None)
        else:
            out[c] = pd.to_numeric(values, errors="coerce").astype(float).round(6)
    return out


def _small_label(min_size: int) -> str:
    """The label of a group greyed by the chart's own rule (``min_size``)."""
    return f"fewer than {min_size} staff"


def _insufficient_label(method: Method, what: str = "in a group") -> str:
    """The label of a row the analysis marked "insufficient data", naming its rule (``method.min_size``)."""
    return f"insufficient data: fewer than {method.min_size} {what}" if method.min_size else "insufficient data"


def _suppressed_label(method: Method) -> str:
    """The label of a suppressed group, naming the disclosure rule that hid it."""
    threshold = method.get("disclosure threshold")
    return f"suppressed: under {threshold}, or protecting one" if threshold else "suppressed"


def _is_suppressed(status: Any) -> bool:
    return str(status).startswith("suppressed")


def _status(small: pd.Series, hidden: pd.Series, min_size: int, method: Method | None = None) -> pd.Series:
    """Each row's grey label: suppressed (the disclosure rule), small (the chart's rule) or none."""
    status = pd.Series("", index=small.index, dtype=object)
    status[small.to_numpy()] = _small_label(min_size)
    status[hidden.to_numpy()] = _suppressed_label(method) if method is not None else "suppressed"
    return status


def _keys(data: pd.DataFrame, normal: Any) -> np.ndarray:
    """Legend keys: a row's grey label where it has one (``status``), else ``normal``."""
    status = data["status"].astype(str).to_numpy()
    return np.where(status != "", status, normal)


def _greys(min_size: int, method: Method) -> tuple[list[str], list[str]]:
    """The grey legend entries and their colours: small (the chart's rule) and suppressed (disclosure)."""
    return [_small_label(min_size), _suppressed_label(method)], [_GREY, _PALE]


def _label_layer(base, x: str, y, offset: dict | None = None):
    """Text 'fewer than 8 staff' / 'suppressed' beside the rows that carry a status (``y``: the layer's Y)."""
    enc = {"x": alt.X(f"{x}:Q"), "y": y, "text": alt.Text("status:N"), **(offset or {})}
    return base.transform_filter("datum.status != ''").mark_text(align="left", dx=8, color="#555555").encode(**enc)


def _estimate_layers(base, point, low, high: str, y, colour, tooltip, offset: dict | None = None):
    """A filled point for each estimate and a rule for its interval (``low`` to ``high``).

    The two share y, colour and tooltip.
    """
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


def _check(result, kinds: Iterable[Kind], function: str) -> pd.DataFrame:
    """The result's table, if the result is of one of ``kinds`` (read from its spec)."""
    if not isinstance(result, Result):
        raise WorkforceError(f"{function} takes the Result of an analysis, not {type(result).__name__}.")
    kinds = tuple(kinds)
    if result.spec.kind not in kinds:
        raise WorkforceError(f"{function} draws the result of {' or '.join(str(k) for k in kinds)}, "
                             f"not of {result.spec.kind}.")
    return result.table


# ---------------------------------------------------------------- helpers shared by several charts


def _where(row) -> str:
    by, subgroup = str(row.get("by", "all")), str(row.get("subgroup", ""))
    if by in ("all", ""):
        return ""
    if by == "band_group" and subgroup[:1].isdigit():
        return f" in bands {subgroup}"
    return f" among {subgroup} staff"


def _category_words(category: str) -> str:
    return {"All AfC": "Agenda for Change staff", "Medical": "medical staff"}.get(category, f"{category.lower()} staff")


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


def _count_rows(result: Result, min_size: int, function: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Representation rows with ``status`` and ``small``.

    A row is hidden when a count its share is made from (``staff_count``, ``staff_total``) is
    suppressed, not when only its unknown count is.
    """
    table = _check(result, (Kind.REPRESENTATION, Kind.ICB_VIEW), function)
    flags = [f"{c}_suppressed" for c in ("staff_count", "staff_total") if f"{c}_suppressed" in table]
    hidden = (table[flags].fillna(False).astype(bool).any(axis=1) if flags
              else pd.Series(False, index=table.index))
    data = _hide(table)
    for column in ("staff_count", "staff_total", "unknown_count", "staff_share", "staff_share_ci_low", "staff_share_ci_high",
                   "population_share", "ratio", "ratio_ci_low", "ratio_ci_high", "difference_pp"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    small = data["staff_count"].fillna(0) < min_size
    data["status"] = _status(small, hidden, min_size, result.method).to_numpy()
    data["small"] = (small | hidden).to_numpy()
    data.loc[hidden, ["staff_share", "staff_share_ci_low", "staff_share_ci_high", "ratio", "ratio_ci_low", "ratio_ci_high",
                      "difference_pp"]] = np.nan
    return table, data


def _display(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Figures rounded to what a chart can show (shares to 0.01 points, ratios to 4 decimals).

    Less to embed, and no long runs of digits in the page that could read as something else (an Excel
    date serial, say).
    """
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].round(digits)
    return frame
