"""The age profile of the workforce against the population."""

from __future__ import annotations

from typing import Any

import altair as alt

from .._result import Result
from ..errors import WorkforceError
from ._common import (
    _BLACK,
    _BLUE,
    COLUMN,
    PALETTE,
    _area,
    _benchmark_words,
    _count_rows,
    _display,
    _finish,
    _frame,
    _greys,
    _is_suppressed,
    _keys,
    _layered,
    _legend,
    _level,
    _pct,
    _present,
    _rows,
    _set,
    _snapshot,
    _where,
)

# ---------------------------------------------------------------- age profile


#: Age bands whose population is mostly retired: never the headline (the census-style 65+, ESR's 66-70 and >=71).
_RETIREMENT_BANDS = ("65+", "66-70", ">=71")

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


def age_profile_chart(result: Result, *, min_size: int = 8) -> alt.LayerChart:
    """The age profile of the staff against the population: one bar per age band.

    Bars: each age band's share of the staff whose age is in the
    benchmark's bands, with its Wilson interval; black ticks: the
    population's share of the band.  With ``by=`` the subgroups are coloured
    side by side.  Bands with fewer than ``min_size`` staff are grey and
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
        From ``workforce.representation(staff, population, characteristic="age")``
        (with or without ``by=``), raw or through :func:`workforce.suppress`.
    min_size : int
        Bands with fewer staff than this are greyed and labelled.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import age_profile_chart
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> result = workforce.representation(staff, workforce.population("Leicester"), characteristic="age")
    >>> " ".join(age_profile_chart(result).to_dict()["title"]["text"])
    'Staff aged 16-24 are under-represented: 4.3% of staff against 17% of the working-age population of England and Wales'
    """
    table, data = _count_rows(result, min_size, "age_profile_chart")
    ages = (table["characteristic"].astype(str) == "age").to_numpy()
    if not ages.any():
        raise WorkforceError(
            "age_profile_chart draws age bands: pass representation(staff, population, characteristic='age'); "
            f"this result's characteristics are {list(dict.fromkeys(table['characteristic'].astype(str)))}.")
    table, data = table[ages], data[ages].copy()
    split = data["subgroup"].nunique() > 1
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
    frame = _frame(data, ["subgroup", "group", "staff_count", "staff_total", "staff_share", "staff_share_ci_low",
                          "staff_share_ci_high", "population_share", "flag", "status", "key"]).pipe(_display)
    frame["label_y"] = frame["staff_share_ci_high"].fillna(frame["population_share"])
    bands = list(dict.fromkeys(frame["group"]))
    x = alt.X("group:N", title="Age band", sort=bands, axis=alt.Axis(labelAngle=0))
    offset = {"xOffset": alt.XOffset("subgroup:N", sort=list(dict.fromkeys(frame["subgroup"])))} if split else {}
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours), legend=_legend(domain))
    tooltip = [alt.Tooltip("group:N", title="Age band")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("staff_count:Q", title="Staff in band", format=","),
        alt.Tooltip("staff_total:Q", title="Staff in the benchmark's ages", format=","),
        alt.Tooltip("staff_share:Q", title="Staff share", format=".1%"),
        alt.Tooltip("staff_share_ci_low:Q", title=f"{level} interval from", format=".1%"),
        alt.Tooltip("staff_share_ci_high:Q", title=f"{level} interval to", format=".1%"),
        alt.Tooltip("population_share:Q", title="Population share", format=".1%"),
        alt.Tooltip("flag:N", title="Finding"),
    ]
    base = alt.Chart()   # the data is the layer chart's: Altair would otherwise hash each layer's data to hoist it
    y = alt.Y("staff_share:Q", title="Share", axis=alt.Axis(format="%"))
    bars = base.mark_bar(opacity=0.85).encode(x=x, y=y, color=colour, tooltip=tooltip, **offset)
    interval = base.mark_rule(strokeWidth=1.5, color="#333333").encode(
        x=x, y=alt.Y("staff_share_ci_low:Q"), y2=alt.Y2("staff_share_ci_high:Q"), tooltip=tooltip, **offset)
    ticks = base.mark_tick(thickness=3, size=36 if not split else 14).encode(
        x=x, y=alt.Y("population_share:Q"), color=alt.Color(datum=pop_key), tooltip=tooltip, **offset)
    text: dict[str, Any] = (dict(angle=270, align="left", baseline="middle", dx=6) if split
                            else dict(baseline="bottom", dy=-6))
    labels = base.transform_filter("datum.status != ''").mark_text(color="#555555", **text).encode(
        x=x, y=alt.Y("label_y:Q"), text=alt.Text("status:N"), **offset)
    # side by side, each bar about 28 px wide, up to the page column (less the axis and its title)
    width = min(COLUMN - 80, max(480, 28 * len(bands) * data["subgroup"].nunique())) if split else 480
    chart = _set(alt.layer(bars, interval, ticks, labels, data=frame), width=width, height=280)
    # the headline: the band furthest below its population share, never 65+ nor ESR's 66-70 and >=71 (their
    # populations are mostly retired)
    ok = data[~data["small"] & ~data["group"].astype(str).isin(_RETIREMENT_BANDS)]
    under = ok[ok["flag"].astype(str) == "under-represented"]
    if len(under):
        row = under.loc[under["difference_pp"].idxmin()]  # type: ignore[call-overload]  # a label of the index (typed Hashable)
        title = (f"Staff aged {row['group']} are under-represented{_where(row)}: {_pct(row['staff_share'])} of staff "
                 f"against {_pct(row['population_share'])} of {_age_population_words(result.benchmark, row)}")
    else:
        title = f"No age band is under-represented against {_age_population_words(result.benchmark)}"
    first = data.drop_duplicates("subgroup")
    n = int(first["staff_total"].fillna(0).sum())
    unknown = int(first["unknown_count"].fillna(0).sum())
    some = "; some counts suppressed" if first[["staff_total", "unknown_count"]].isna().any(axis=None) else ""
    benchmark_ages = str(data["benchmark_ages"].iloc[0]) if "benchmark_ages" in data else ""
    esr = bool(set(bands) & {"21-25", "26-30", ">=71"})   # ESR's bands, which cover ages 16-65 within "16-64"
    outside = (f"aged {66 if esr else 65} and over or of unknown age" if benchmark_ages == "16-64" else "of unknown age")
    notes = []
    if _national_ages(result.benchmark if "by organisation" not in result.benchmark else
                      next(iter(result.benchmark["by organisation"].values()), {})):
        notes.append("Population ages: the England and Wales age structure (no local age structure is shipped), "
                     "so the ticks are the same for every area.")
    retired = [b for b in bands if b in _RETIREMENT_BANDS]
    if retired:
        notes.append(f"The {' and '.join(retired)} population includes people long retired: a low staff share there "
                     "is expected.")
    left_out = f" ({unknown:,} {outside}, left out{some})" if unknown or some else ""
    subtitle = [f"n = {n:,} staff in the benchmark's ages{left_out} · "
                + _benchmark_words(result.benchmark) + (" · " + _snapshot(result.method) if _snapshot(result.method) else ""),
                f"Bars: staff share with its {level} Wilson interval; black tick: population share.", *notes]
    description = (f"Bar chart of the staff's share in each age band with {level} intervals, against the population "
                   f"share. {title}. "
                   + "; ".join(f"{r.group}{f' ({r.subgroup})' if split else ''}: "
                               + (f"{_pct(r.staff_share)} of staff, " if not _is_suppressed(r.status) else "suppressed, ")
                               + f"{_pct(r.population_share)} of population" for r in _rows(frame)) + ".")
    return _finish(_layered(chart), title, subtitle, description, result, "age_profile_chart")
