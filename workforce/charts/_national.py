"""A trust's WRES or WDES relative likelihood against England's figures over the years."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .._display import ratio
from .._result import Result
from .._spec import Kind
from ..errors import WorkforceError
from ._common import _BLACK, _BLUE, _GREY, _finish, _layered, _nice_ticks, _set

#: What each relative likelihood indicator measures, in a board's words.
_WORDS = {("WRES", 2): "being appointed from shortlisting (White over BME applicants)",
          ("WRES", 3): "entering the formal disciplinary process (BME over White staff)",
          ("WRES", 4): "accessing non-mandatory training (White over BME staff)",
          ("WDES", 2): "being appointed from shortlisting (non-disabled over Disabled applicants)",
          ("WDES", 3): "entering the formal capability process (Disabled over non-disabled staff)"}


def _year(snapshot: str) -> int:
    """The WRES year of a snapshot: years end on 31 March, so a snapshot from April counts in the next."""
    when = pd.Timestamp(snapshot)
    return when.year + (1 if when.month > 3 else 0)


def national_chart(result: Result, *, indicator: int = 2, min_size: int = 8) -> alt.LayerChart:
    """England's relative likelihood by year, and the trust's beside it with its 95% interval.

    The national figures shipped with the package
    (:func:`workforce.national_series`): filled points where NHS England's own
    release gives the figure, hollow where it comes from a report of it.  The
    trust's figure is a diamond at its WRES year (years end on 31 March).

    Parameters
    ----------
    result : Result
        From :func:`workforce.wres` or :func:`workforce.wdes`.
    indicator : int
        The relative likelihood indicator: WRES 2, 3 or 4; WDES 2 or 3.
    min_size : int
        Accepted for the pack's sake (the figures are the WRES table's own).

    Raises
    ------
    WorkforceError
        Nothing to draw: the trust has no figure for the indicator, or
        England has none.
    """
    from ..populations import national_series

    if not isinstance(result, Result) or result.spec.kind not in (Kind.WRES, Kind.WDES):
        raise WorkforceError("national_chart draws the result of workforce.wres or workforce.wdes.")
    standard = str(result.spec.kind)
    if (standard, indicator) not in _WORDS:
        raise WorkforceError(f"{standard} {indicator} is not a relative likelihood; choose one of "
                             f"{[n for s, n in _WORDS if s == standard]}.")
    column = "indicator" if standard == "WRES" else "metric"
    rows = result.table[pd.to_numeric(result.table[column], errors="coerce") == indicator]
    value = float(rows["value"].iloc[0]) if len(rows) and pd.notna(rows["value"].iloc[0]) else math.nan
    if math.isnan(value):
        raise WorkforceError(f"nothing to draw: the trust has no {standard} {indicator} figure (its input was not "
                             "given, or its counts are suppressed).")
    england = national_series(standard, indicator, measure="relative likelihood")
    if england.empty:
        raise WorkforceError(f"nothing to draw: no national {standard} {indicator} figure is shipped.")
    year = _year(result.method.snapshots[-1]) if result.method.snapshots else int(england["year"].max())
    low, high = float(rows["ci_low"].iloc[0]), float(rows["ci_high"].iloc[0])
    points = england[["year", "value"]].assign(   # only what is drawn: no page address in the chart
        who="England", source=england["source_kind"].map({"primary": "NHS England's release",
                                                          "secondary": "a report of it"}))
    trust = pd.DataFrame({"year": [year], "value": [value], "who": ["This trust"], "source": ["this pack"],
                          "low": [low], "high": [high]})
    values = [v for v in (*points["value"], value, low, high) if math.isfinite(v)]
    ticks = _nice_ticks(min(values + [1.0]), max(values + [1.0]), 300, "0.00", room=30)
    domain = [min(ticks[0], min(values + [1.0])), max(ticks[-1], max(values))]
    y = alt.Y("value:Q", title="Relative likelihood (1 = equally likely)",
              scale=alt.Scale(domain=domain, nice=False, zero=False), axis=alt.Axis(values=ticks, format="~g"))
    x = alt.X("year:O", title="Year to 31 March", sort=sorted({*england["year"], year}), axis=alt.Axis(labelAngle=0))
    tooltip = [alt.Tooltip("who:N", title="Who"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("value:Q", title="Relative likelihood", format=".2f"),
               alt.Tooltip("source:N", title="Source")]
    line = alt.Chart(points).mark_line(color=_GREY, strokeWidth=1.5).encode(x=x, y=y)
    dots = alt.Chart(points).mark_point(size=70, strokeWidth=1.8, stroke=_BLACK, filled=True, opacity=1).encode(
        x=x, y=y, fill=alt.Fill("source:N", title="England's figure from",
                                scale=alt.Scale(domain=["NHS England's release", "a report of it"],
                                                range=[_BLACK, "white"])), tooltip=tooltip)
    whisker = alt.Chart(trust).mark_rule(color=_BLUE, strokeWidth=2).encode(x=x, y=alt.Y("low:Q"), y2=alt.Y2("high:Q"))
    mark = alt.Chart(trust).mark_point(shape="diamond", size=150, filled=True, color=_BLUE).encode(
        x=x, y=y, tooltip=[*tooltip, alt.Tooltip("low:Q", title="95% interval from", format=".2f"),
                           alt.Tooltip("high:Q", title="to", format=".2f")])
    one = alt.Chart().mark_rule(color=_GREY, strokeDash=[2, 2]).encode(y=alt.Y(datum=1))
    chart = _set(alt.layer(one, line, dots, whisker, mark), width=640, height=300)
    latest = england.iloc[-1]
    words = _WORDS[(standard, indicator)]
    title = (f"{standard} {indicator}: the relative likelihood of {words} is {ratio(value)} here in {year}; "
             f"England's was {ratio(latest['value'])} in {int(latest['year'])}")
    secondary = int((england["source_kind"] == "secondary").sum())
    subtitle = [f"This trust: {ratio(value)} (95% interval {ratio(low)} to {ratio(high)}), the diamond. England: "
                f"{len(england)} years shipped with the package"
                + (f", {secondary} of them from reports of NHS England's release (hollow points), not the release "
                   "itself" if secondary else "") + "."]
    description = (f"Line chart of England's {standard} {indicator} relative likelihood by year, from "
                   f"{int(england['year'].min())} to {int(england['year'].max())}, with this trust's "
                   f"{ratio(value)} in {year}.")
    return _finish(_layered(chart), title, subtitle, description, result, "national_chart")
