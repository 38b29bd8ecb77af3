"""The summary at the top of the board pack: the findings a board asks about, one sentence each.

Every sentence is made from the tables the pack publishes (suppressed), so it
states nothing the tables hide; a finding whose figures are suppressed, not
estimable or not given is left out, never guessed.  For one organisation:

1. the ethnic group most under-represented against the benchmark population
   (share of staff whose ethnicity is known, with its 95% interval);
2. the relative likelihood of White staff being at band 8a and above compared
   with BME staff (Agenda for Change staff whose ethnicity is known), with the
   two shares behind it;
3. the WRES relative likelihoods given (recruitment, disciplinary, training)
   and the board's difference from the workforce;
4. the same senior-band likelihood for disabled staff (WDES);
5. promotion between snapshots;
6. what changed since the previous snapshot: the BME share of Agenda for
   Change staff, and at band 8a and above (from the previous snapshot's
   progression gaps, published with the pack); or, with three snapshots or
   more, what the Making Data Count chart of the BME share at band 8a and
   above says at its latest point (from the published "Over time" table);
7. across organisations (several, or the peers' counts): the funnel plot's
   finding, and the relative likelihood of being at band 8a and above pooled
   over them (Mantel–Haenszel), with whether they differ.

They are given in the order: representation, the senior-band likelihood, what
changed (over time), the first WRES relative likelihood given, the comparison
across organisations, promotion, WDES, the other WRES figures; a finding that
cannot be stated goes last.

**One definition of "overall share"** runs through the summary: the share of
Agenda for Change staff whose ethnicity (or disability status) is known.
WRES indicator 1 counts the unknowns in its denominator, as the standard
says; where its figure appears, it says so.

With several organisations, the summary names those outside the funnel
plot's limits, then each organisation's senior-band likelihood.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._display import day, interval, percent, ratio

__all__ = ["findings", "MAX_FINDINGS"]

#: The most findings the summary gives.
MAX_FINDINGS = 6


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _rows(table: pd.DataFrame | None, **where: str) -> pd.DataFrame:
    if table is None:
        return pd.DataFrame()
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        if column not in table:
            return table.iloc[:0]
        mask &= table[column].astype(str) == value
    return table[mask]


def _under_represented(tables: Mapping[str, pd.DataFrame], area: str) -> str | None:
    """The ethnic group furthest below its population share, flagged as under-represented."""
    t = _rows(tables.get("representation"), characteristic="ethnicity")
    if not len(t):
        return None
    under = t[t["flag"].astype(str) == "under-represented"]
    if not len(under):
        flagged = t["flag"].notna().any()
        return (f"No ethnic group of staff is under-represented against {area}'s working-age population."
                if flagged else None)
    row = under.iloc[int(pd.to_numeric(under["ratio"], errors="coerce").to_numpy().argmin())]
    within = interval(row["staff_share_ci_low"], row["staff_share_ci_high"], percent)
    return (f"{row['group']} staff are {percent(row['staff_share'])} of staff whose ethnicity is known "
            f"(95% interval {within}; n = {int(row['staff_total']):,}), against {percent(row['population_share'])} "
            f"of {area}'s working-age population.")


def _senior(tables: Mapping[str, pd.DataFrame], gaps: str) -> str | None:
    """The relative likelihood of being at band 8a and above, All AfC staff."""
    t = _rows(tables.get(gaps), staff_category="All AfC", measure="relative likelihood", comparison="8a and above")
    if not len(t):
        return None
    row = t.iloc[0]
    value = _number(row["value"])
    advantaged, compared = str(row["advantaged"]), str(row["compared"])
    known = "ethnicity" if gaps == "progression_gaps" else "disability status"
    if value is None:
        state = str(row["state"]) if pd.notna(row["state"]) else "withheld (small numbers)"
        return (f"Whether {advantaged} staff are more likely than {compared} staff to be at band 8a and above "
                f"cannot be said: {state}.")
    pool, senior = _number(row["compared_share_pool"]), _number(row["compared_share_senior"])
    shares = (f"; {compared} staff are {percent(pool)} of Agenda for Change staff whose {known} is known, and "
              f"{percent(senior)} of those at band 8a and above" if pool is not None and senior is not None else "")
    return (f"{advantaged} staff are {ratio(value)} times as likely as {compared} staff to be at band 8a and above "
            f"(95% interval {interval(row['ci_low'], row['ci_high'])}){shares}.")


_LIKELIHOOD = re.compile(r"^Relative likelihood of (?P<a>.+?) (?P<verb>\w+ing) (?P<rest>.+?) compared to (?P<b>.+)$")


def _infinitive(verb: str) -> str:
    return {"being": "be"}.get(verb, verb[:-3])


def _standard(tables: Mapping[str, pd.DataFrame], name: str) -> list[str]:
    """The WRES or WDES relative likelihoods given, and the board's difference from the workforce."""
    t = tables.get(name)
    if t is None or not len(t):
        return []
    number = "indicator" if "indicator" in t else "metric"
    label = "WRES indicator" if number == "indicator" else "WDES metric"
    out = []
    for _, row in t.iterrows():
        value = _number(row["value"])
        if value is None or str(row[number]) == "1":
            continue
        unit = str(row["unit"])
        match = _LIKELIHOOD.match(str(row["wording"]))
        if unit == "relative likelihood" and match:
            out.append(f"{match['a'][:1].upper()}{match['a'][1:]} are {ratio(value)} times as likely as "
                       f"{match['b']} to {_infinitive(match['verb'])} {match['rest']} (95% interval "
                       f"{interval(row['ci_low'], row['ci_high'])}; {label} {row[number]}).")
        elif unit.startswith("percentage points") and "board" in str(row["wording"]).lower():
            group = "BME" if number == "indicator" else "Disabled"
            low, high = _number(row["ci_low"]), _number(row["ci_high"])
            within = f"95% interval {low:+.1f} to {high:+.1f}; " if low is not None and high is not None else ""
            out.append(f"The {group} share of the board's voting members is {abs(value):.1f} percentage points "
                       f"{'below' if value < 0 else 'above'} the {group} share of the workforce ({within}{label} "
                       f"{row[number]}).")
    return out


def _promotion(tables: Mapping[str, pd.DataFrame]) -> str | None:
    t = _rows(tables.get("promotion"), subgroup="All staff", characteristic="ethnicity")
    compared = t[pd.to_numeric(t["promotion_rl"], errors="coerce").notna()] if len(t) else t
    reference = _rows(t, promotion_rl_state="reference")
    if not len(compared) or not len(reference):
        return None
    row, ref = compared.iloc[0], reference.iloc[0]
    return (f"Between snapshots, {ref['group']} staff were promoted {ratio(row['promotion_rl'])} times as often as "
            f"{row['group']} staff (95% interval {interval(row['promotion_rl_ci_low'], row['promotion_rl_ci_high'])}; "
            f"{percent(ref['promotion_rate'])} against {percent(row['promotion_rate'])} of staff who stayed).")


def _senior_share(gaps: pd.DataFrame | None) -> tuple[float, float, str, str] | None:
    """(share of known AfC staff, share of known at 8a and above, snapshot, group) of the compared group."""
    t = _rows(gaps, staff_category="All AfC", measure="relative likelihood", comparison="8a and above")
    if not len(t):
        return None
    pool, senior = _number(t["compared_share_pool"].iloc[0]), _number(t["compared_share_senior"].iloc[0])
    if pool is None or senior is None:
        return None
    return pool, senior, day(t["snapshot_date"].iloc[0]), str(t["compared"].iloc[0])


def _changed(tables: Mapping[str, pd.DataFrame]) -> str | None:
    now, before = _senior_share(tables.get("progression_gaps")), _senior_share(tables.get("progression_gaps_previous"))
    if now is None or before is None:
        return None
    def moved(a: float, b: float) -> str:
        return f"stayed at {percent(b)}" if percent(a) == percent(b) else f"went from {percent(a)} to {percent(b)}"

    return (f"Between {before[2]} and {now[2]}, the {now[3]} share of Agenda for Change staff whose ethnicity is "
            f"known {moved(before[0], now[0])}, and at band 8a and above it {moved(before[1], now[1])}.")


def _funnel(tables: Mapping[str, pd.DataFrame], chart: Mapping[str, Any] | None) -> str | None:
    """The funnel chart's own finding (its title names the organisations outside the limits)."""
    if not chart:
        return None
    title = chart.get("title")
    text = title.get("text") if isinstance(title, Mapping) else title
    if isinstance(text, list):
        text = " ".join(str(t) for t in text)
    return f"{str(text).rstrip('.')}." if text else None


def _over_time(tables: Mapping[str, pd.DataFrame]) -> str | None:
    """What the Making Data Count chart of the BME share at band 8a and above says, at its latest point."""
    t = _rows(tables.get("over_time"), characteristic="ethnicity", measure="senior share", tier="8a and above")
    if not len(t):
        return None
    t = t[pd.to_numeric(t["value"], errors="coerce").notna()].sort_values("snapshot_date")
    if len(t) < 2:
        return None
    last, first = t.iloc[-1], t.iloc[0]
    value, centre = _number(last["value"]), _number(last["centre"])
    if value is None or centre is None:
        return None
    span = f"Over {len(t)} snapshots from {day(first['snapshot_date'])} to {day(last['snapshot_date'])}"
    shown = f"{percent(value)} ({interval(last['ci_low'], last['ci_high'], percent)}) on {day(last['snapshot_date'])}"
    group = str(last["group"])
    variation = str(last["variation"])
    if variation == "common cause":
        return (f"{span}, the {group} share of staff at band 8a and above shows no sign of change (common cause "
                f"variation): {shown}, against a mean of {percent(centre)}.")
    moved = "rose" if value > centre else "fell"
    kind = {"improvement": "special cause improvement", "concern": "special cause concern"}.get(
        variation, "special cause variation")
    return f"{span}, the {group} share of staff at band 8a and above {moved} to {shown}: {kind} against a mean of " \
           f"{percent(centre)}."


def _pooled(tables: Mapping[str, pd.DataFrame]) -> str | None:
    """The relative likelihood of being at band 8a and above pooled over the organisations, and whether they differ."""
    t = tables.get("pooled_senior")
    if t is None or not len(t):
        return None
    pooled = t[t["stratum"].astype(str).str.startswith("Pooled")]
    if not len(pooled):
        return None
    row = pooled.iloc[0]
    value = _number(row["value"])
    if value is None:
        return None
    used = int(t["included"].fillna(False).astype(bool).sum())
    p = _number(row["woolf_p"])
    differ = "" if p is None else (
        f"; the organisations differ more than chance would explain (Woolf test p {'< 0.001' if p < 0.001 else f'= {p:.3f}'})"
        if not bool(row["homogeneous"]) else "; the organisations do not differ more than chance would explain")
    return (f"Across {used} organisations, {row['group_a']} staff are {ratio(value)} times as likely as "
            f"{row['group_b']} staff to be at band 8a and above (Mantel–Haenszel, 95% interval "
            f"{interval(row['ci_low'], row['ci_high'], ratio)}){differ}.")


def findings(by_organisation: Mapping[str | None, Mapping[str, pd.DataFrame]], *, area: Mapping[str | None, str],
             funnel: Mapping[str, Any] | None = None, across: Mapping[str, Any] | None = None) -> list[str]:
    """The summary's findings, most important first, at most :data:`MAX_FINDINGS`.

    Parameters
    ----------
    by_organisation : dict
        Organisation (None for a pack of one) -> its published tables by
        table name (``representation``, ``progression_gaps``, ``wres`` ...).
    area : dict
        Organisation -> the name of its benchmark area ("" when none).
    funnel : dict, optional
        The comparison's funnel chart specification (several organisations).
    across : dict, optional
        The part comparing band 8a and above across organisations: its
        published ``tables`` and its ``funnel`` chart specification.
    """
    compared = [f for f in (_funnel({}, (across or {}).get("funnel")), _pooled((across or {}).get("tables", {})))
                if f]
    if len(by_organisation) == 1:
        org, tables = next(iter(by_organisation.items()))
        place = re.sub(r"\s*\([A-Z]\d{8}\)", "", area.get(org, ""))   # "Leicester (E06000016)" -> "Leicester"
        wres = _standard(tables, "wres")
        candidates = [_under_represented(tables, place) if place else None, _senior(tables, "progression_gaps"),
                      _over_time(tables) or _changed(tables), *wres[:1], *compared, _promotion(tables),
                      _senior(tables, "wdes_progression_gaps"), *_standard(tables, "wdes")[:1], *wres[1:]]
        found = [c for c in candidates if c]
        # what cannot be said goes last: a board reads first what the figures show
        found = [c for c in found if "cannot be said" not in c] + [c for c in found if "cannot be said" in c]
        return found[:MAX_FINDINGS]
    out = [f for f in [_funnel({}, funnel), *compared] if f]
    for org, tables in by_organisation.items():
        senior = _senior(tables, "progression_gaps")
        if senior:
            out.append(f"{org}: {senior}")
    return out[:MAX_FINDINGS]
