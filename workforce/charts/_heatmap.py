"""The intersectional heat map: sex × ethnicity × band group, coloured by the representation ratio."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from .._result import Result
from ..errors import WorkforceError
from ._common import (
    _BLACK,
    _BLUE,
    _VERMILLION,
    COLUMN,
    LABEL_WIDTH,
    _benchmark_words,
    _count_rows,
    _display,
    _finish,
    _frame,
    _greys,
    _is_suppressed,
    _label_axis,
    _layered,
    _legend,
    _level,
    _pct,
    _population_words,
    _present,
    _rows,
    _set,
    _snapshot,
    _text_width,
    _wrap_label,
)

# ---------------------------------------------------------------- intersections: the heat map


_SEXES = {"Female": "women", "Male": "men"}
_RATIO_RANGE = (0.25, 4.0)  # the heat map's colour scale: clamped to a quarter and four times the population share


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


def _heatmap_title(data: pd.DataFrame, benchmark: dict, min_size: int) -> str:
    """The finding at the most senior band group; for other splits, the least represented cell of all."""
    order = list(dict.fromkeys(data["subgroup"].astype(str)))
    bands = [s for s in order if s[:1].isdigit()]
    senior = bands[-1] if bands else None
    rows = data[data["subgroup"].astype(str) == senior] if senior else data
    ok = rows[~rows["small"]]
    under = ok[(ok["flag"].astype(str) == "under-represented") & ok["ratio"].notna()]
    if len(under):
        row = under.loc[under["ratio"].idxmin()]  # type: ignore[call-overload]  # a label of the index (typed Hashable)
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
        return (f"{_capital(where.strip() + ', ' if where else '')}{_join(names)} are "
                f"{_pct(share)} of staff against {_pct(population)} of {words}")
    return f"No group with {min_size} or more staff is under-represented{where} against {words}"


def _suppressed_rule(result: Result) -> str:
    threshold = result.method.get("disclosure threshold")
    return f"under {threshold}, or protecting one" if threshold else "small numbers"


def _cell_text(small: bool, status: str, share: Any, ratio: Any, min_size: int, step: int) -> str:
    """A cell's label, on lines that fit the cell (``step`` px wide): the share and ratio, or a short grey note.

    A grey cell says "suppressed" or "fewer than 8 staff" (the legend gives the rule), or "*" and
    "<8" when even those would not fit.
    """
    if small:
        text = "suppressed" if _is_suppressed(status) else f"fewer than\n{min_size} staff"
        fits = all(_text_width(line, 11) <= step - 6 for line in text.split("\n"))
        return text if fits else ("*" if _is_suppressed(status) else f"<{min_size}")
    return f"{_pct(share)}\nratio {ratio:.2f}" if pd.notna(ratio) else _pct(share)


def heatmap_chart(result: Result, *, min_size: int = 8) -> alt.LayerChart:
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
    cells with fewer than ``min_size`` staff are grey and labelled "fewer than 8
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
    min_size : int
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
    >>> " ".join(heatmap_chart(result).to_dict()["title"]["text"])
    "In bands 8c+, White women and White men are 93% of staff against 39% of Leicester's working-age population"
    """
    table, data = _count_rows(result, min_size, "heatmap_chart")
    pair = table["characteristic"].astype(str).str.contains(" × ", regex=False).to_numpy()
    if not pair.any():
        raise WorkforceError(
            "heatmap_chart draws intersections: pass representation(staff, population, characteristic=('sex', "
            "'ethnicity'), by='band_group'); this result's characteristics are "
            f"{list(dict.fromkeys(table['characteristic'].astype(str)))}.")
    table, data = table[pair], data[pair].copy()
    hidden = data["status"].map(_is_suppressed).astype(bool)
    low, high = _RATIO_RANGE
    data["colour_ratio"] = data["ratio"].clip(low, high).where(~data["small"])
    data["label"] = [_capital(_pair_words(g)) for g in data["group"]]
    data["label"] = [_wrap_label(label) for label in data["label"]]
    columns = list(dict.fromkeys(data["subgroup"].astype(str)))
    # cells as wide as fit the page (70 to 100 px), each label fitting its cell
    widest = max((_text_width(line) for label in data["label"] for line in label.split("\n")), default=0.0)
    step = int(max(70, min(100, (COLUMN - min(widest, LABEL_WIDTH) - 24) // max(1, len(columns)))))
    data["column"] = [_wrap_label(c, step - 8) for c in data["subgroup"].astype(str)]
    data["text"] = [_cell_text(bool(small), str(st), s, r, min_size, step)
                    for small, st, s, r in zip(data["small"], data["status"], data["staff_share"], data["ratio"])]
    data["dark"] = (data["colour_ratio"] <= 0.33) | (data["colour_ratio"] >= 3.0)  # white text on the strong ends
    level = _level(result.method)
    frame = _frame(data, ["subgroup", "column", "group", "label", "staff_count", "staff_total", "staff_share", "staff_share_ci_low",
                          "staff_share_ci_high", "population_share", "ratio", "flag",
                          "status", "colour_ratio", "text", "dark"]).pipe(_display)
    rows = list(dict.fromkeys(frame["label"]))
    by = str(data["by"].iloc[0]) if len(data) else ""
    x = alt.X("column:N", sort=list(dict.fromkeys(frame["column"])),
              title={"band_group": "Band group", "organisation": "Organisation"}.get(
                  by, by.replace("_", " ").capitalize() if by != "all" else None),
              axis=_label_axis(across=True, orient="bottom" if frame["column"].str.contains("\n").any() else "top",
                               labelAngle=0, grid=False, domain=False, ticks=False))
    y = alt.Y("label:N", sort=rows, title=None, axis=_label_axis(grid=False, domain=False, ticks=False))
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("subgroup:N", title="Subgroup"),
               alt.Tooltip("staff_count:Q", title="Staff in group", format=","),
               alt.Tooltip("staff_total:Q", title="Staff with a known group", format=","),
               alt.Tooltip("staff_share:Q", title="Staff share", format=".1%"),
               alt.Tooltip("staff_share_ci_low:Q", title=f"{level} interval from", format=".1%"),
               alt.Tooltip("staff_share_ci_high:Q", title=f"{level} interval to", format=".1%"),
               alt.Tooltip("population_share:Q", title="Population share (product of the two)", format=".1%"),
               alt.Tooltip("ratio:Q", title="Representation ratio", format=".2f"),
               alt.Tooltip("flag:N", title="Finding"), alt.Tooltip("status:N", title="Note")]
    base = alt.Chart()   # the data is the layer chart's: Altair would otherwise hash each layer's data to hoist it
    colour = alt.Color("colour_ratio:Q", title=["Representation ratio", "(staff share ÷ population share)"],
                       scale=alt.Scale(type="log", domain=[low, 1.0, high], range=[_VERMILLION, "#F7F7F7", _BLUE],
                                       interpolate="lab", clamp=True),
                       legend=alt.Legend(values=[0.25, 0.5, 1, 2, 4], format=".2~f", gradientLength=200))
    cells = base.transform_filter("datum.status == ''").mark_rect(stroke="white", strokeWidth=1.5).encode(
        x=x, y=y, color=colour, tooltip=tooltip)
    greys, grey_colours = _greys(min_size, result.method)
    domain, colours = _present(greys, grey_colours, set(frame["status"]) - {""})
    grey = base.transform_filter("datum.status != ''").mark_rect(stroke="white", strokeWidth=1.5).encode(
        x=x, y=y, fill=alt.Fill("status:N", title=None, scale=alt.Scale(domain=domain or greys[:1],
                                                                         range=colours or grey_colours[:1]),
                                legend=_legend(domain or greys[:1], width=COLUMN - 300)),
        tooltip=tooltip)
    text = base.mark_text(lineBreak="\n", fontSize=11).encode(
        x=x, y=y, text=alt.Text("text:N"), tooltip=tooltip,
        color=alt.condition("datum.dark", alt.value("white"), alt.value(_BLACK)))
    height = max(38, 15 * max((label.count("\n") + 1 for label in rows), default=1) + 8)
    chart = _set(alt.layer(cells, grey, text, data=frame), width=alt.Step(step),
                 height=alt.Step(height)).resolve_scale(color="independent")
    title = _heatmap_title(data, result.benchmark, min_size)
    first = data.drop_duplicates("subgroup")
    n = int(first["staff_total"].fillna(0).sum())
    unknown = int(first["unknown_count"].fillna(0).sum())
    some = "; some counts suppressed" if first[["staff_total", "unknown_count"]].isna().any(axis=None) else ""
    characteristic = str(data["characteristic"].iloc[0])
    subtitle = [f"n = {n:,} staff with both known ({unknown:,} with either unknown, left out{some}) · "
                + _benchmark_words(result.benchmark) + (" · " + _snapshot(result.method) if _snapshot(result.method) else ""),
                f"Colour: representation ratio (1 = the population share); labels: share of the {'band group' if by == 'band_group' else 'subgroup'}'s "
                f"staff and the ratio; grey: fewer than {min_size} staff, or suppressed (disclosure control: "
                f"{_suppressed_rule(result)}).",
                f"Population share of an intersection ({characteristic}) = the product of the two shares, an approximation."]
    few = int(data["small"].sum())
    description = (f"Heat map of {characteristic} groups (rows) by {by.replace('_', ' ')} (columns), coloured by the "
                   f"representation ratio against {_population_words(result.benchmark)}. {title}. "
                   f"{few} of {len(data)} cells have fewer than {min_size} staff or are suppressed and are grey. "
                   + "; ".join(f"{_capital(_pair_words(r.group))}, {r.subgroup}: " + (f"{_pct(r.staff_share)} of staff, ratio {r.ratio:.2f}"
                                                               if r.status == "" and pd.notna(r.ratio) else r.status)
                               for r in _rows(frame)) + ".")
    if hidden.any():
        description += " Suppressed cells are not described."
    return _finish(_layered(chart), title, subtitle, description, result, "heatmap_chart")
