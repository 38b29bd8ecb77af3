"""The band ladder ("snowy white peaks"): each group's share by band."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from .._result import Result
from .._spec import Kind
from ..errors import WorkforceError
from ._common import (
    _BLACK,
    _BLUE,
    _GREY,
    _ORANGE,
    _category_words,
    _check,
    _estimate_layers,
    _finish,
    _frame,
    _greys,
    _hide,
    _insufficient_label,
    _is_suppressed,
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
    _senior_share,
    _set,
    _short_status,
    _small_label,
    _snapshot,
    _suppressed,
    _suppressed_label,
    _text_width,
)

# ---------------------------------------------------------------- ladder


def _clear_of(start: float, length: float, rules: list[float], gap: float) -> float:
    """Where a note ``length`` long, starting ``gap`` right of ``start``, starts clear of vertical ``rules``.

    All in the axis's units: moved right past any rule it would cross, one after another.
    """
    for rule in sorted(rules):
        if start + gap * 0.5 <= rule <= start + gap + length + gap * 0.5:
            start = rule
    return start


def ladder_chart(result: Result, *, staff_category: str = "Non-clinical", organisation: str | None = None,
                 population_share: float | None = None, population_label: str = "Population share",
                 min_size: int = 8, senior_share: float | None = None) -> alt.LayerChart:
    """The band ladder ("snowy white peaks"): the compared group's share on each rung.

    For each Agenda for Change band (or medical grade for ``"Medical"``), in
    band order from band 1 at the bottom to VSM at the top, the compared
    group's share of the staff of known group on the rung, with its Wilson
    interval; the whole staff category's share is a vertical rule, and a
    population share (if given) a dashed rule.  Grey, and labelled with the
    rule: rungs the ladder marks "insufficient data" (fewer than its own
    ``min_size`` staff of known group, 10 by default) or with fewer than this
    chart's ``min_size``; a suppressed rung is labelled "suppressed" with the
    disclosure rule, and not drawn.

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
    min_size : int
        Rungs with fewer staff of known group than this are greyed and
        labelled.
    senior_share : float, optional
        The compared group's share of known staff at band 8a and above (or
        of consultants), for the title when the ladder's own senior rungs
        are suppressed but the figure is published elsewhere (the board pack
        gives the progression gaps' ``compared_share_senior``).

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import workforce
    >>> from workforce.charts import ladder_chart
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> " ".join(ladder_chart(workforce.ladder(staff)).to_dict()["title"]["text"])
    'BME staff are 38% of Agenda for Change non-clinical staff whose ethnicity is known, but 18% of band 8a and above'
    """
    table = _check(result, (Kind.LADDER,), "ladder_chart")
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
    for column in ("headcount", "rung_known", "rung_total", "share_of_known", "share_of_known_ci_low",
                   "share_of_known_ci_high", "overall_share_of_known"):
        compared[column] = pd.to_numeric(compared[column], errors="coerce")
    group = str(result.method.get("compared group", compared["group"].astype(str).iloc[0]))
    # grey: the ladder's own rule (fewer than its min_size of known group: "insufficient data"), then the chart's
    insufficient = (compared["state"].astype(str) == "insufficient data").to_numpy()
    small = insufficient | (compared["rung_known"].fillna(0) < min_size).to_numpy()
    insufficient_key = _insufficient_label(result.method, "of known group")
    compared["status"] = np.select([hidden, insufficient, small], [
        _suppressed_label(result.method), insufficient_key, _small_label(min_size)], "")
    compared.loc[hidden, ["share_of_known", "share_of_known_ci_low", "share_of_known_ci_high", "headcount"]] = np.nan
    compared["key"] = _keys(compared, f"{group} share of the rung")
    if not (compared["rung_total"].fillna(1) > 0).any():   # a suppressed total may hide someone: drawn
        raise WorkforceError(f"no {staff_category.lower()} staff on a {rung_type} at {organisation}: nothing to draw.")
    # empty rungs: nothing to draw (kept on the axis); a suppressed rung is labelled, whatever was suppressed
    compared = compared[(compared["rung_known"].fillna(0) > 0).to_numpy() | hidden]
    if not compared["share_of_known"].notna().any():
        raise WorkforceError(f"nothing to draw: every {rung_type}'s figures for {staff_category.lower()} staff at "
                             f"{organisation} are suppressed or too few")
    frame = _frame(compared, ["rung", "headcount", "rung_known", "share_of_known", "share_of_known_ci_low",
                              "share_of_known_ci_high", "status", "key"])
    overall_values = pd.to_numeric(rows.loc[compared_mask, "overall_share_of_known"], errors="coerce").dropna()
    overall = float(overall_values.iloc[0]) if len(overall_values) else math.nan   # NaN: suppressed
    level = _level(result.method)
    # the senior part: 8a and above (AfC) or consultants (medical)
    senior = order[order.index("8a"):] if "8a" in order else order[:1]
    senior_share_given = senior_share
    senior_share = _senior_share(rows[compared_mask], senior)  # every senior rung, suppressed ones as missing
    if np.isnan(senior_share) and "8a" in order:  # bands suppressed: the WDES clusters may still be shown
        clusters = table[(table["organisation"].astype(str) == organisation)
                         & (table["staff_category"].astype(str) == staff_category)
                         & (table["rung_type"].astype(str) == "cluster") & (table["role"].astype(str) == "compared")]
        senior_share = _senior_share(_hide(clusters), ["8a-8b", "8c+"])
    if np.isnan(senior_share) and senior_share_given is not None:
        senior_share = float(senior_share_given)
    senior_words = "band 8a and above" if "8a" in order else "consultants"
    category = _category_words(staff_category)
    # the staff the overall share is of, in full: not the pack's headline share (all AfC staff, unknowns counted)
    characteristic = str(result.method.get("characteristic") or "group")
    known = f"whose {characteristic} is known" if characteristic in ("ethnicity", "disability", "sex") else \
        "of known group"
    whole = (f"Agenda for Change {category}" if staff_category in ("Clinical", "Non-clinical") else category)
    whole = f"{whole} {known}"
    if np.isnan(overall) and np.isnan(senior_share):  # never state a figure made from suppressed counts
        title = f"Figures for {group} staff in {category} are suppressed (small numbers)"
    elif np.isnan(overall):
        title = (f"{group} staff are {_pct(senior_share)} of {senior_words}; their share of all {whole} is "
                 "suppressed (small numbers)")
    elif np.isnan(senior_share):
        title = f"{group} staff are {_pct(overall)} of {whole}; figures for {senior_words} are suppressed (small numbers)"
    else:
        joiner = "but" if senior_share < overall else "and"
        title = f"{group} staff are {_pct(overall)} of {whole}, {joiner} {_pct(senior_share)} of {senior_words}"

    share_key, whole_key = f"{group} share of the rung", f"{group} share of all {category}"
    greys, grey_colours = _greys(min_size, result.method)
    domain = [share_key, insufficient_key, *greys, whole_key]
    colours = [_BLUE, _GREY, *grey_colours, _ORANGE]
    if population_share is not None:
        domain.append(population_label)
        colours.append(_BLACK)
    always = [d for d in domain[4:] if d != whole_key or not np.isnan(overall)]
    domain, colours = _present(domain, colours, compared["key"], always)
    colour_scale = alt.Scale(domain=domain, range=colours)
    y = alt.Y("rung:N", title="Grade" if rung_type == "grade" else "Band", sort=order[::-1],
              scale=alt.Scale(domain=order[::-1]))
    tooltip = [alt.Tooltip("rung:N", title="Band" if rung_type == "band" else "Grade"),
               alt.Tooltip("headcount:Q", title=f"{group} staff", format=","),
               alt.Tooltip("rung_known:Q", title="Staff of known group", format=","),
               alt.Tooltip("share_of_known:Q", title=f"{group} share", format=".1%"),
               alt.Tooltip("share_of_known_ci_low:Q", title=f"{level} interval from", format=".1%"),
               alt.Tooltip("share_of_known_ci_high:Q", title=f"{level} interval to", format=".1%")]
    base = alt.Chart(frame)
    width = 480
    x = alt.X("share_of_known:Q", title=f"{group} share of staff of known group",
              axis=alt.Axis(format="~%", values=_nice_ticks(0.0, 1.0, width)), scale=alt.Scale(domain=[0, 1]))
    colour = alt.Color("key:N", title=None, scale=colour_scale, legend=_legend(domain))
    # a grey rung's note, right of its interval and clear of the rules (the overall and population shares)
    rules = [v for v in (overall, population_share) if v is not None and np.isfinite(v)]
    frame["label_x"] = [_clear_of(x, _text_width(_short_status(st)) / width, rules, 8 / width)
                        for x, st in zip(frame["share_of_known_ci_high"].fillna(0.0), frame["status"])]
    layers = [] if np.isnan(overall) else [
        alt.Chart().mark_rule(strokeWidth=2).encode(x=alt.X(datum=round(overall, 6)),
                                                    color=alt.Color(datum=whole_key)),
    ]
    if population_share is not None:
        layers.append(alt.Chart().mark_rule(strokeWidth=2, strokeDash=[5, 4]).encode(
            x=alt.X(datum=float(population_share)), color=alt.Color(datum=population_label)))
    layers += [*_estimate_layers(base, x, alt.X("share_of_known_ci_low:Q"), "share_of_known_ci_high:Q", y, colour,
                                 tooltip),
               _label_layer(base, "label_x", y)]
    chart = _set(alt.layer(*layers), width=width, height=alt.Step(24))
    n_known = pd.to_numeric(rows.loc[compared_mask, "overall_known"], errors="coerce").astype(float).iloc[0]
    n_words = "n suppressed" if np.isnan(n_known) else f"n = {int(n_known):,} staff of known group"
    subtitle = [f"{organisation}, {category}: {n_words} · "
                + (f"population share {population_share:.1%} ({population_label}) · " if population_share is not None else "")
                + _snapshot(result.method),
                f"Points: {group} share of each {'band' if rung_type == 'band' else 'grade'} with its {level} Wilson "
                f"interval; orange rule: {group} share of all {whole}."]
    against = "" if np.isnan(overall) else f", against {_pct(overall)} of all {category}"
    description = (f"Ladder chart of the {group} share of staff on each {rung_type} from bottom to top{against}. "
                   f"{title}. "
                   + "; ".join(f"{r.rung}: " + (f"{_pct(r.share_of_known)} of {int(r.rung_known)}"
                                                 if not _is_suppressed(r.status) else "suppressed")
                               for r in _rows(frame)) + ".")
    return _finish(_layered(chart), title, subtitle, description, result, "ladder_chart")
