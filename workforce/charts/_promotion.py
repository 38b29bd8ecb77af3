"""Promotion rates by group and starting band, and the Model Employer-style trajectory."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .._result import Result
from .._spec import Kind
from ..errors import WorkforceError
from ._common import (
    _BLACK,
    _BLUE,
    PALETTE,
    _check,
    _estimate_layers,
    _facet_rows,
    _finish,
    _frame,
    _greys,
    _hide,
    _keys,
    _label_layer,
    _layered,
    _legend,
    _level,
    _nice_ticks,
    _one_organisation,
    _pct,
    _present,
    _rows,
    _set,
    _status,
    _suppressed,
)

# ---------------------------------------------------------------- promotion


def promotion_chart(result: Result, *, min_size: int = 8) -> alt.LayerChart | alt.FacetChart:
    """Promotion rates by group with their Wilson intervals.

    One point and interval per group (and subgroup, coloured, with ``by=``);
    the title compares the compared group with the reference group where the
    relative likelihood is clearest.  Groups with fewer than ``min_size`` stayers
    are grey and labelled.

    Parameters
    ----------
    result : Result
        From :func:`workforce.promotion`.
    min_size : int
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
    >>> " ".join(promotion_chart(workforce.promotion(staff)).to_dict()["title"]["text"])[:28]
    'BME staff were promoted less'
    """
    table = _check(result, (Kind.PROMOTION,), "promotion_chart")
    hidden = _suppressed(table, ("stayers", "promoted"))   # a suppressed leaver count elsewhere does not hide it
    data = _hide(table)
    for column in ("stayers", "promoted", "promotion_rate", "promotion_rate_ci_low", "promotion_rate_ci_high", "promotion_rl",
                   "promotion_rl_ci_low", "promotion_rl_ci_high", "promotion_rl_p_value"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    small = data["stayers"].fillna(0) < min_size
    data["status"] = _status(small, hidden, min_size, result.method).to_numpy()
    data.loc[hidden, ["promotion_rate", "promotion_rate_ci_low", "promotion_rate_ci_high"]] = np.nan
    split = data["subgroup"].nunique() > 1
    greys, grey_colours = _greys(min_size, result.method)
    data["key"] = _keys(data, "Promotion rate")   # split: each subgroup is a row of its own
    domain, colours = ["Promotion rate", *greys], [_BLUE, *grey_colours]
    domain, colours = _present(domain, colours, data["key"])
    level = _level(result.method)
    # headline: the compared group's row with the clearest relative likelihood, against its reference row
    compared = data[(data["promotion_rl_state"].astype(str) == "estimated") & data["promotion_rl"].notna() & ~small & ~hidden]
    title = "Promotion rates by group"
    if len(compared):
        row = compared.loc[compared["promotion_rl_p_value"].fillna(1).idxmin()]  # type: ignore[call-overload]  # a label of the index (typed Hashable)
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
    frame = _frame(data, ["subgroup", "group", "stayers", "promoted", "promotion_rate", "promotion_rate_ci_low",
                          "promotion_rate_ci_high", "promotion_rl", "promotion_rl_ci_low", "promotion_rl_ci_high", "status", "key"])
    frame["label_x"] = frame["promotion_rate_ci_high"].fillna(0.0)   # where a 'suppressed' label goes
    groups = list(dict.fromkeys(frame["group"]))
    y = alt.Y("group:N", title=None, sort=groups)   # split: one row of the chart per subgroup (starting band)
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours), legend=_legend(domain))
    width = 480
    top = float(frame["promotion_rate_ci_high"].max(skipna=True))
    ticks = _nice_ticks(0.0, top if np.isfinite(top) and top > 0 else 1.0, width, "10.0%")
    if ticks[-1] < top:
        ticks = _nice_ticks(0.0, ticks[-1] + (ticks[1] - ticks[0]), width, "10.0%")
    rate = alt.Scale(domain=[0, ticks[-1]], nice=False)
    tooltip = [alt.Tooltip("group:N", title="Group")] + ([alt.Tooltip("subgroup:N", title="Subgroup")] if split else []) + [
        alt.Tooltip("promoted:Q", title="Promoted", format=","),
        alt.Tooltip("stayers:Q", title="Stayers (n)", format=","),
        alt.Tooltip("promotion_rate:Q", title="Promotion rate", format=".1%"),
        alt.Tooltip("promotion_rate_ci_low:Q", title=f"{level} interval from", format=".1%"),
        alt.Tooltip("promotion_rate_ci_high:Q", title=f"{level} interval to", format=".1%"),
        alt.Tooltip("promotion_rl:Q", title="Relative likelihood (reference ÷ group)", format=".2f"),
    ]
    base = alt.Chart()   # the data is the layer chart's (or the facet's)
    interval, points = _estimate_layers(
        base, alt.X("promotion_rate:Q", scale=rate),
        alt.X("promotion_rate_ci_low:Q", title="Promoted per period (share of stayers)", scale=rate,
              axis=alt.Axis(format="~%", values=ticks)),
        "promotion_rate_ci_high:Q", y, colour, tooltip)
    labels = _label_layer(base, "label_x", y)
    if split:
        chart = _facet_rows([interval, points, labels], frame, "subgroup", list(dict.fromkeys(frame["subgroup"])))
    else:
        chart = _set(alt.layer(interval, points, labels, data=frame), width=width)
    n = int(data["stayers"].fillna(0).sum())
    periods = result.method.get("periods") or []
    subtitle = [f"n = {n:,} stayers (person-periods) · periods: " + "; ".join(map(str, periods)),
                f"Points: promoted ÷ stayers with the {level} Wilson interval; a person counts once per period."]
    description = (f"Promotion rates by group with {level} intervals. {title}. "
                   + "; ".join(f"{r.group}{f' ({r.subgroup})' if split else ''}: "
                               + (f"{_pct(r.promotion_rate)} of {int(r.stayers)}" if pd.notna(r.promotion_rate) else
                                  "suppressed") for r in _rows(frame)) + ".")
    return _finish(chart, title, subtitle, description, result, "promotion_chart")


# ---------------------------------------------------------------- Model Employer-style trajectory


def trajectory_chart(result: Result, *, organisation: str | None = None, split: str = "All",
                     min_size: int = 8) -> alt.LayerChart:
    """Model Employer-style trajectories to the target, band by band.

    One line per senior band (8a ... VSM, and 8a+ all together, drawn
    thicker) from today's share to the target share in the target year, with
    the target as a dashed rule.  Bands with fewer than ``min_size`` staff of
    known group are grey and labelled.

    Parameters
    ----------
    result : Result
        From :func:`workforce.model_employer`.
    organisation : str, optional
        Needed when the result holds several organisations.
    split : str
        "All", or "Clinical" / "Non-clinical" with ``split_clinical=True``.
    min_size : int
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
    >>> " ".join(trajectory_chart(workforce.model_employer(staff)).to_dict()["title"]["text"])[:36]
    'BME staff are 20% of band 8a and abo'
    """
    table = _check(result, (Kind.MODEL_EMPLOYER,), "trajectory_chart")
    organisation = _one_organisation(table, organisation, "the result")
    rows = table[(table["organisation"].astype(str) == organisation) & (table["split"].astype(str) == split)]
    if rows.empty:
        raise WorkforceError(f"no trajectories for {organisation!r}, split {split!r}.")
    hidden = _suppressed(rows).to_numpy()
    data = _hide(rows)
    for column in ("year", "known", "count_today", "share_today", "target_share", "trajectory_share",
                   "required_count", "appointments_needed"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    small = (data["known"].fillna(0) < min_size).to_numpy()
    data["status"] = _status(pd.Series(small), pd.Series(hidden), min_size, result.method).to_numpy()
    data.loc[hidden, ["share_today", "trajectory_share", "required_count", "count_today"]] = np.nan
    bands = list(dict.fromkeys(data["band"].astype(str)))
    greys, grey_colours = _greys(min_size, result.method)
    data["key"] = _keys(data, data["band"].astype(str))
    data["label"] = [b + (f" ({st})" if st else "") for b, st in zip(data["band"].astype(str), data["status"])]
    group = str(result.method.get("compared group", "the compared group"))
    target_year = int(data["year"].max())
    base_year = int(data["year"].min())
    target = float(data["target_share"].dropna().iloc[0])
    whole = data[data["band"].astype(str) == "8a+"]
    targets = result.method.get("targets") or {}
    target_words = targets.get(organisation, "") if isinstance(targets, dict) else str(targets)
    # a parity target is the share of all staff of known group, doctors included: not the pack's headline share
    characteristic = str(result.method.get("characteristic") or "ethnicity")
    of_whom = (f" (their share of all staff whose {characteristic} is known, doctors included)"
               if str(target_words).startswith("parity") else "")
    title = f"Trajectories for {group} staff to {_pct(target)}{of_whom} by {target_year}"
    if len(whole) and whole["share_today"].notna().any():
        needed = int(whole["appointments_needed"].fillna(0).sum())
        today = float(whole["share_today"].dropna().iloc[0])
        title = (f"{group} staff are {_pct(today)} of band 8a and above; reaching {_pct(target)}{of_whom} by "
                 f"{target_year} needs {needed:,} {group} appointments or promotions over {target_year - base_year} years")
    frame = _frame(data, ["band", "year", "known", "share_today", "trajectory_share", "required_count",
                          "appointments_needed", "label", "key"])
    band_keys = [b for b in bands if b in set(frame["key"])]
    domain, colours = _present(band_keys + greys, [PALETTE[i % 7] if b != "8a+" else _BLACK
                                                   for i, b in enumerate(band_keys)] + grey_colours, frame["key"])
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours), legend=_legend(domain))
    tooltip = [alt.Tooltip("band:N", title="Band"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("known:Q", title="Staff of known group (n)", format=","),
               alt.Tooltip("trajectory_share:Q", title=f"{group} share on the trajectory", format=".1%"),
               alt.Tooltip("required_count:Q", title=f"{group} staff needed", format=","),
               alt.Tooltip("appointments_needed:Q", title="Appointments or promotions that year", format=",")]
    base = alt.Chart(frame)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0), scale=alt.Scale(paddingOuter=0.6))
    lines = base.mark_line(point=True).encode(
        x=x, y=alt.Y("trajectory_share:Q", title=f"{group} share of staff of known group", axis=alt.Axis(format="%")),
        color=colour, detail=alt.Detail("band:N"),
        strokeWidth=alt.condition("datum.band == '8a+'", alt.value(3.5), alt.value(1.5)),
        tooltip=tooltip)
    rule = alt.Chart().mark_rule(color=_BLACK, strokeDash=[5, 4]).encode(y=alt.Y(datum=round(target, 6)))
    labels = base.transform_filter(f"datum.year == {base_year}").mark_text(align="right", dx=-8).encode(
        x=x, y=alt.Y("trajectory_share:Q"), text=alt.Text("label:N"), color=colour)
    chart = _set(alt.layer(rule, lines, labels), width=420, height=320)
    n = int(data.loc[data["band"].astype(str) == "8a+", "known"].fillna(0).max()) if len(whole) else int(
        data.drop_duplicates("band")["known"].fillna(0).sum())
    subtitle = [f"{organisation}: n = {n:,} staff of known group at band 8a and above in {base_year} · target (dashed): "
                f"{target_words} · leaver rate {_pct(float(data['leaver_rate'].astype(float).iloc[0]))} a year",
                "Model Employer-style: equal yearly steps to the target; not NHS England's goal-setting tool."]
    description = (f"Line chart of the {group} share each senior band needs each year from {base_year} to "
                   f"{target_year}, against the target {_pct(target)}. {title}. "
                   + "; ".join(f"{b}: {_pct(float(frame.loc[(frame['band'] == b), 'share_today'].iloc[0]))} today"
                               for b in bands if frame.loc[frame["band"] == b, "share_today"].notna().any()) + ".")
    return _finish(_layered(chart), title, subtitle, description, result, "trajectory_chart")
