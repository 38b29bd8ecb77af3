"""Relative likelihoods on a log axis, for the WRES and WDES indicators and progression gaps."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .._result import Result
from .._spec import Kind
from ..analysis import standard_sentences
from ..errors import WorkforceError
from ._common import (
    _BLACK,
    _BLUE,
    _GREY,
    _NON_ADVERSE,
    _ORANGE,
    _SHADE,
    _VERMILLION,
    _category_words,
    _count,
    _estimate_layers,
    _finish,
    _frame,
    _hide,
    _insufficient_label,
    _label_axis,
    _label_layer,
    _layered,
    _legend,
    _level,
    _log_domain,
    _log_ticks,
    _present,
    _row_step,
    _rows,
    _set,
    _small_label,
    _snapshot,
    _suppressed,
    _suppressed_label,
    _wrap,
    _wrap_label,
)

# ---------------------------------------------------------------- relative likelihoods


def _likelihood_rows(result: Result, min_size: int) -> pd.DataFrame:
    """Rows with a relative likelihood, labelled, from WRES/WDES or progression_gaps tables."""
    table = result.table
    kind = result.spec.kind
    hidden = _suppressed(table, result.spec.counts_behind("value"))   # not the unknowns' (withheld in a pack)
    table = _hide(table).assign(_hidden=hidden.to_numpy())
    analysis = str(kind)
    if kind in (Kind.WRES, Kind.WDES):
        number = "indicator" if analysis == "WRES" else "metric"
        rows = table[table["unit"].astype(str) == "relative likelihood"].copy()
        rows["label"] = [f"{analysis} {n}: {_meaning(d)}" for n, d in zip(rows[number], rows["direction"].astype(str))]
        rows["sentence"] = [_likelihood_sentence(d, v) + f" ({analysis} {'indicator' if analysis == 'WRES' else 'metric'} {n})"
                            if pd.notna(v) else "" for n, d, v in zip(rows[number], rows["direction"].astype(str), rows["value"])]
        rows["small"] = rows["state"].astype(str) == "insufficient data"
        rows["detail"] = standard_sentences(result.with_table(table)).loc[rows.index].astype(str)
    elif kind is Kind.PROGRESSION_GAPS:
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
        rows["small"] = (fewest < min_size) | (rows["state"].astype(str) == "insufficient data")
        rows["detail"] = [f"{a}: {_count(asn)} of {_count(at)}; {b}: {_count(bs)} of {_count(bt)}" for a, asn, at, b, bs, bt in zip(
            rows["advantaged"], rows["advantaged_senior"], rows["advantaged_total"], rows["compared"],
            rows["compared_senior"], rows["compared_total"])]
    else:
        raise WorkforceError(f"likelihood_chart draws wres(...), wdes(...) or progression_gaps(...) results, not "
                             f"{analysis}.")
    for column in ("value", "ci_low", "ci_high"):
        rows[column] = pd.to_numeric(rows[column], errors="coerce")
    return rows


#: The national figure's columns of a WRES or WDES table (:func:`workforce.wres`).
_NATIONAL = ("national_value", "national_year", "national_source")


def _national_frame(drawn: pd.DataFrame) -> pd.DataFrame:
    """The drawn rows that have England's figure (WRES and WDES tables), with its label; empty otherwise."""
    if "national_value" not in drawn:
        return pd.DataFrame({"label": [], "row": [], "national_value": [], "national_year": [], "national_source": []})
    rows = drawn[pd.to_numeric(drawn["national_value"], errors="coerce") > 0]
    frame = _frame(rows, ["label", *_NATIONAL])
    frame["row"] = [_wrap_label(label) for label in frame["label"]]
    return frame


def _national_layers(rows: pd.DataFrame, scale: alt.Scale, y) -> list:
    """A black diamond at England's figure on each row that has one (its year in the tooltip and the subtitle).

    Not labelled on the chart: a label above the diamond sat on the row above's interval.
    """
    if rows.empty:
        return []
    rows = rows.copy()
    rows["national_label"] = [f"England {int(year)}" for year in rows["national_year"]]
    rows["national_kind"] = ["from NHS England's release" if kind == "primary" else
                             "from a report of NHS England's release (secondary)" for kind in rows["national_source"]]
    base = alt.Chart(rows)
    x = alt.X("national_value:Q", scale=scale)
    tooltip = [alt.Tooltip("label:N", title="Measure"), alt.Tooltip("national_label:N", title="England"),
               alt.Tooltip("national_value:Q", title="Relative likelihood", format=".2f"),
               alt.Tooltip("national_kind:N", title="Source")]
    diamond = base.mark_point(shape="diamond", filled=True, size=70, color=_BLACK, stroke="white",
                              strokeWidth=0.5).encode(x=x, y=y, tooltip=tooltip)
    return [diamond]


def _national_words(frame: pd.DataFrame) -> str:
    """The subtitle's line for the diamonds: what they are, and whether any is a secondary figure."""
    shown = frame[frame["national_value"].notna()]
    if shown.empty:
        return ""
    secondary = (shown["national_source"] == "secondary").any()
    figures = "; ".join(f"{str(label).split(':')[0]}: {value:.2f} in {int(year)}" for label, value, year in
                        zip(shown["label"], shown["national_value"], shown["national_year"]))
    return (f"Black diamond: England's figure for the same indicator, the latest published ({figures})"
            + ("; a secondary figure is read from a report of NHS England's release, not the release itself"
               if secondary else "") + ".")


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


def likelihood_chart(result: Result, *, min_size: int = 8) -> alt.LayerChart:
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
    min_size : int
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
    >>> " ".join(spec["title"]["text"])
    'White staff are 2.25 times as likely as BME staff to be in band 8a and above (Agenda for Change staff)'
    """
    rows = _likelihood_rows(result, min_size)
    drawn = rows[rows["value"].notna() & (rows["value"] > 0) & ~rows["_hidden"]].copy()
    if drawn.empty:  # no chart rather than a title claiming that nothing is adverse
        raise WorkforceError("no relative likelihood to draw: every one is suppressed, not estimable or not "
                             "provided.")
    missing = rows[~rows.index.isin(drawn.index)]
    # grey, labelled with its rule: the analysis's "insufficient data" (its own min_size), else the chart's
    insufficient = (drawn["state"].astype(str) == "insufficient data").to_numpy()
    insufficient_key, small_key = _insufficient_label(result.method), _small_label(min_size)
    drawn["status"] = np.select([insufficient, drawn["small"].to_numpy(bool)], [insufficient_key, small_key], "")
    outside = (drawn["value"] < _NON_ADVERSE[0]) | (drawn["value"] > _NON_ADVERSE[1])
    clear = (drawn["ci_low"] > 1) | (drawn["ci_high"] < 1)
    drawn["key"] = np.select([drawn["status"] != "", outside & clear, outside], [
        drawn["status"], "outside the non-adverse range, interval excludes 1", "outside the non-adverse range"],
        "within the non-adverse range")
    level = _level(result.method)
    # the headline: the clearest adverse finding (smallest p-value, else the interval end nearest 1 furthest from 1)
    candidates = drawn[~drawn["small"] & outside & clear & (drawn["sentence"] != "")]
    if len(candidates):
        if "p_value" in candidates:
            best = candidates.loc[pd.to_numeric(candidates["p_value"]).idxmin()]  # type: ignore[call-overload]  # a label of the index (typed Hashable)
        else:
            near = np.where(candidates["value"] > 1, np.log(candidates["ci_low"]), -np.log(candidates["ci_high"]))
            best = candidates.iloc[int(np.argmax(near))]
        title = best["sentence"]
    else:
        title = ("No relative likelihood is clearly adverse: each is within the non-adverse range 0.80-1.25 "
                 "or its interval includes 1")
    frame = _frame(drawn, ["label", "value", "ci_low", "ci_high", "detail", "status", "key"])
    national_rows = _national_frame(drawn)
    frame["label_x"] = frame["ci_high"].fillna(frame["value"])
    frame["row"] = [_wrap_label(label) for label in frame["label"]]   # the label on lines, never cut with "…"
    domain = ["outside the non-adverse range, interval excludes 1", "outside the non-adverse range",
              "within the non-adverse range", insufficient_key, small_key]
    domain, colours = _present(domain, [_VERMILLION, _ORANGE, _BLUE, _GREY, _GREY], frame["key"])
    colour = alt.Color("key:N", title=None, scale=alt.Scale(domain=domain, range=colours), legend=_legend(domain))
    width = 420
    ends = pd.concat([frame["ci_low"], frame["ci_high"], frame["value"], national_rows["national_value"]]).dropna()
    span = _log_domain(min(_NON_ADVERSE[0], float(ends.min())), max(_NON_ADVERSE[1], float(ends.max())))
    scale = alt.Scale(type="log", domain=span, nice=False)
    y = alt.Y("row:N", title=None, sort=list(frame["row"]), axis=_label_axis())
    tooltip = [alt.Tooltip("label:N", title="Measure"),
               alt.Tooltip("value:Q", title="Relative likelihood", format=".2f"),
               alt.Tooltip("ci_low:Q", title=f"{level} interval from", format=".2f"),
               alt.Tooltip("ci_high:Q", title=f"{level} interval to", format=".2f"),
               alt.Tooltip("detail:N", title="Counts")]
    band = pd.DataFrame({"low": [_NON_ADVERSE[0]], "high": [_NON_ADVERSE[1]]})
    shade = alt.Chart(band).mark_rect(color=_SHADE, opacity=0.7).encode(
        x=alt.X("low:Q", scale=scale, title="Relative likelihood (log scale)",
                axis=alt.Axis(values=_log_ticks(span[0], span[1], width), format="~g")), x2=alt.X2("high:Q"),
        tooltip=[alt.Tooltip("low:Q", title="Non-adverse range from", format=".2f"),
                 alt.Tooltip("high:Q", title="to", format=".2f")])
    one = alt.Chart().mark_rule(color=_BLACK).encode(x=alt.X(datum=1.0, scale=scale))
    base = alt.Chart(frame)
    interval, points = _estimate_layers(base, alt.X("value:Q", scale=scale), alt.X("ci_low:Q", scale=scale),
                                        "ci_high:Q", y, colour, tooltip)
    labels = _label_layer(base, "label_x", y)
    national = _national_layers(national_rows, scale, y)
    chart = _set(alt.layer(shade, one, interval, points, labels, *national),
                 width=width, height=alt.Step(_row_step(frame["row"])))
    not_estimable = [f"{lab} ({_suppressed_label(result.method) if h else st})" for lab, st, h in
                     zip(missing["label"], missing["state"].astype(str), missing["_hidden"])]
    who = result.method.get("organisation") or ", ".join(dict.fromkeys(rows.get("organisation", pd.Series([], dtype=str))
                                                                        .astype(str)))
    subtitle = [f"{who} · " + f"{len(drawn)} relative likelihoods with {level} intervals · " + _snapshot(result.method),
                "Above 1: the minoritised or disabled group is worse off; shaded: the non-adverse range 0.80-1.25.",
                *_wrap(_national_words(national_rows)),
                *_wrap("Not plotted (no number): " + "; ".join(not_estimable) if not_estimable else "")]
    description = (f"Relative likelihoods on a log scale with {level} intervals, the non-adverse range 0.80 to 1.25 "
                   f"shaded and a rule at 1. {title}. "
                   + "; ".join(f"{r.label}: {r.value:.2f} ({r.ci_low:.2f} to {r.ci_high:.2f})" for r in _rows(frame))
                   + "".join(f". England {int(r.national_year)}: {r.national_value:.2f} ({r.label})"
                             for r in _rows(national_rows))
                   + (". Not estimable: " + "; ".join(not_estimable) if not_estimable else "") + ".")
    return _finish(_layered(chart), title, subtitle, description, result, "likelihood_chart")
