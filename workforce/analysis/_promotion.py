"""Promotion by group: promotion and leaver rates, senior appointments and time in grade.

:func:`promotion` links each organisation's consecutive snapshots and
classifies every person's movement as :func:`workforce.analysis._progression.movements`
does (see :mod:`workforce.analysis._progression` for the movements, the grades and how
time in grade is measured), then counts, by group and optionally by subgroup:

* **promotion**: promoted ÷ stayers whose grades can be compared, per period;
* **leaving**: left ÷ present at the period start, per period;
* **senior appointments** into AfC 8a and above (with VSM) or Consultant,
  internal or external;
* **time in grade** and years since hire of the staff at each organisation's
  latest snapshot.

Rates have Wilson score intervals.  Relative likelihoods (Katz log interval,
Wald p-value) follow the official direction, so above 1 means the compared
group (BME, Disabled, Female) is worse off: the advantaged group's promotion
rate over the compared group's, and the compared group's leaver rate over the
advantaged group's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, Margin, Part, ResultSpec, columns, where_not_in
from ..codes import BAND_DTYPE, GRADE_GROUP_DTYPE, PAY_SYSTEM_DTYPE, grade_group
from ..errors import WorkforceError
from ._likelihood import relative_likelihoods
from ._progression import (
    _AT_RISK,
    _JOINED,
    _LEFT,
    _NOT_COMPARABLE,
    _PROMOTED,
    _SENIOR,
    GRADES,
    Characteristic,
    _bank,
    _codes,
    _float,
    _groups,
    _link,
    _Links,
    _take_codes,
)
from ._stats import wilson_interval

if TYPE_CHECKING:
    from ..load import StaffTable

__all__ = ["promotion", "PROMOTION_COLUMNS"]

_ROW = ("by", "subgroup", "characteristic", "group")
_FAMILY = ("by", "subgroup", "characteristic")
_KNOWN = where_not_in("group", "Unknown", "Other or unknown")
_COUNTS = ("stayers", "promoted", "at_start", "leavers", "senior_appointments", "senior_internal", "senior_external",
           "staff_now", "not_comparable")

#: What ``promotion`` returns: one row per group (and subgroup), over every period between snapshots.
PROMOTION = ResultSpec(
    kind=Kind.PROMOTION,
    title="Promotion and leaving between snapshots",
    columns=columns(
        ("by", "str", "what the table is split by (band, grade_group, ...), or 'all'"),
        ("subgroup", "str", "the subgroup ('All staff' when not split)"),
        ("characteristic", "str", "ethnicity, disability or sex"),
        ("group", "str", "the advantaged group, the compared group, or the unknown one"),
        ("stayers", "int64", "present at both ends of a period with comparable grades: the promotion denominator"),
        ("promoted", "int64", "stayers who reached a higher band or medical grade"),
        ("promotion_rate", "float64", "promoted / stayers"),
        ("promotion_rate_ci_low", "float64", "lower limit of the Wilson interval of promotion_rate"),
        ("promotion_rate_ci_high", "float64", "upper limit of the Wilson interval of promotion_rate"),
        ("promotion_rl", "float64", "relative likelihood of promotion, advantaged rate / compared rate (on the "
                                    "compared group's row; above 1: the compared group is worse off)"),
        ("promotion_rl_ci_low", "float64", "lower limit of its Katz log interval"),
        ("promotion_rl_ci_high", "float64", "upper limit of its Katz log interval"),
        ("promotion_rl_p_value", "float64", "Wald p-value of log(promotion_rl) = 0"),
        ("promotion_rl_state", "str", "estimated, insufficient data or not estimable"),
        ("at_start", "int64", "present at a period's start: the leaver denominator"),
        ("leavers", "int64", "present at a period's start and not at its end"),
        ("leaver_rate", "float64", "leavers / at_start"),
        ("leaver_rate_ci_low", "float64", "lower limit of the Wilson interval of leaver_rate"),
        ("leaver_rate_ci_high", "float64", "upper limit of the Wilson interval of leaver_rate"),
        ("leaver_rl", "float64", "relative likelihood of leaving, compared rate / advantaged rate"),
        ("leaver_rl_ci_low", "float64", "lower limit of its Katz log interval"),
        ("leaver_rl_ci_high", "float64", "upper limit of its Katz log interval"),
        ("leaver_rl_p_value", "float64", "Wald p-value of log(leaver_rl) = 0"),
        ("leaver_rl_state", "str", "estimated, insufficient data or not estimable"),
        ("senior_appointments", "int64", "people newly in AfC 8a and above (with VSM) or Consultant"),
        ("senior_internal", "int64", "of them, in the organisation at the previous snapshot below senior"),
        ("senior_external", "int64", "of them, joined the organisation"),
        ("senior_internal_share", "float64", "senior_internal / senior_appointments"),
        ("staff_now", "int64", "people at each organisation's latest snapshot"),
        ("time_in_grade_mean", "float64", "mean consecutive snapshots in the current grade (a lower bound)"),
        ("time_in_grade_median", "float64", "median consecutive snapshots in the current grade"),
        ("time_in_grade_censored_share", "float64", "share of runs cut short by the first snapshot"),
        ("service_years_median", "float64", "median years since hire (service, not time in grade)"),
        ("not_comparable", "int64", "present at both ends but a grade is missing or not on a ladder"),
    ),
    cells=CountCells(
        counts={name: _ROW for name in _COUNTS},
        margins=(Margin(Part("senior_appointments"), (Part("senior_internal"), Part("senior_external")), _ROW),
                 # everyone at the start stayed (comparable or not) or left
                 Margin(Part("at_start"), (Part("stayers"), Part("not_comparable"), Part("leavers")), _ROW)),
        derived=(
            Derived(("promotion_rate", "promotion_rate_ci_low", "promotion_rate_ci_high"), ("promoted", "stayers")),
            Derived(("promotion_rl", "promotion_rl_ci_low", "promotion_rl_ci_high", "promotion_rl_p_value"),
                    ("promoted", "stayers"), within=_FAMILY, where=_KNOWN),
            Derived(("leaver_rate", "leaver_rate_ci_low", "leaver_rate_ci_high"), ("leavers", "at_start")),
            Derived(("leaver_rl", "leaver_rl_ci_low", "leaver_rl_ci_high", "leaver_rl_p_value"),
                    ("leavers", "at_start"), within=_FAMILY, where=_KNOWN),
            Derived(("senior_internal_share",), ("senior_internal", "senior_external", "senior_appointments")),
            Derived(("time_in_grade_mean", "time_in_grade_median", "time_in_grade_censored_share",
                     "service_years_median"), ("staff_now",)),
        ),
    ),
    chart="promotion_chart",
)
#: Columns of ``promotion(...).table``, always in this order (see :data:`PROMOTION`).
PROMOTION_COLUMNS = PROMOTION.names

#: What ``promotion(by=...)`` may split on.
SPLITS = ("band", "grade_group", "staff_group", "clinical_group", "organisation")
#: What ``by=`` may split on (the names in ``SPLITS``).
Split = Literal["band", "grade_group", "staff_group", "clinical_group", "organisation"]


def _subgroups(links: _Links, by: str | None):
    """Subgroup codes per people row (-1: none) and the subgroup names."""
    people = links.people
    n = len(people)
    if by is None:
        return np.zeros(n, dtype=np.int64), ["All staff"]
    if by not in SPLITS:
        raise WorkforceError(f"by={by!r} is not one of {list(SPLITS)} (or None).")
    if by == "band":
        return links.grade.astype(np.int64), list(GRADES)
    if by == "grade_group":
        band, _ = _codes(people, "band", BAND_DTYPE)
        pay, _ = _codes(people, "pay_system", PAY_SYSTEM_DTYPE)
        codes = grade_group(pd.Series(pd.Categorical.from_codes(band, dtype=BAND_DTYPE)),
                            pd.Series(pd.Categorical.from_codes(pay, dtype=PAY_SYSTEM_DTYPE))).cat.codes.to_numpy()
        return codes.astype(np.int64), [str(c) for c in GRADE_GROUP_DTYPE.categories]
    codes, dtype = _codes(people, by)
    return codes.astype(np.int64), [str(c) for c in dtype.categories]


def _count(sub: np.ndarray, group: np.ndarray, mask: np.ndarray, n_sub: int, weights=None) -> np.ndarray:
    """Counts (or sums of ``weights``) per subgroup and group (3 groups), as an (n_sub, 3) array."""
    ok = mask & (sub >= 0)
    key = sub[ok] * 3 + group[ok]
    w = None if weights is None else weights[ok]
    return np.bincount(key, weights=w, minlength=n_sub * 3).reshape(n_sub, 3)


def promotion(staff: StaffTable | pd.DataFrame, *, characteristic: Characteristic = "ethnicity",
              by: Split | None = None, confidence: float = 0.95, include_bank: bool = False,
              min_size: int = 10) -> Result:
    """Promotion, leaving and senior appointments by group, with relative likelihoods.

    Snapshots are linked as in :func:`movements`, and each period between
    consecutive snapshots of an organisation is one person-period.

    * **Promotion rate**: promoted ÷ stayers, where stayers are the people
      present at both ends of a period whose grades can be compared
      (movement promoted, same band, moved down or changed pay system;
      "not comparable" ones are counted in ``not_comparable`` and left out).
      Wilson score interval.  The relative likelihood of promotion is the
      advantaged group's rate ÷ the compared group's (White ÷ BME,
      non-disabled ÷ Disabled, Male ÷ Female; Katz log interval): above 1
      means the compared group is less likely to be promoted.  It is on the
      compared group's row; the advantaged group's row says "reference".
    * **Leaver rate**: left ÷ present at the period start, Wilson interval;
      its relative likelihood is the compared group's rate ÷ the advantaged
      group's, so above 1 again means the compared group is worse off
      (leaves more), as in WRES indicator 3.
    * **Senior appointments** into 8a and above (with VSM) or Consultant, by
      route: *internal* (in the organisation at the previous snapshot in a
      known grade below senior, senior at the next) or *external* (joined
      in a senior grade).
    * **Time in grade** of the staff at each organisation's latest snapshot:
      the consecutive snapshots, counting back, in the current grade (ESR
      holds no date of appointment to a band).  Runs that reach the first
      snapshot are cut short (``time_in_grade_censored_share``), so with few
      snapshots this is a lower bound.  The median years since hire is shown
      alongside; it is service in the organisation, not in the grade.

    Rates are per period between consecutive snapshots (about a year for
    yearly exports; ``.method`` gives the periods).  A person present in
    several periods counts once in each.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        Two or more snapshots from :func:`workforce.load_staff`, loaded with
        one pseudonym key.
    characteristic : {"ethnicity", "disability", "sex"}
        White vs BME (WRES groups), non-disabled vs Disabled, Male vs Female.
        People whose group is unknown get a row of their own ("Unknown"; for
        sex, "Other or unknown"), with no relative likelihood.
    by : {"band", "grade_group", "staff_group", "clinical_group", "organisation"}, optional
        Repeat within subgroups: with ``"band"`` (the grade: AfC band, VSM,
        or medical grade) or ``"grade_group"`` promotion and leaving are by
        the grade at the period start, senior appointments by the grade
        appointed to, and time in grade by the current grade.  Other splits
        use the values at the period start (the end for joiners).
    confidence : float
        Level of the intervals.
    include_bank : bool
        Count people whose only assignments are bank (left out by default,
        as in WRES and WDES).
    min_size : int
        Relative likelihoods with fewer people in a group are marked
        "insufficient data".

    Returns
    -------
    Result
        ``.table`` has one row per subgroup and group, columns
        :data:`PROMOTION_COLUMNS`.

    Examples
    --------
    >>> from workforce import sample_data
    >>> from workforce import load_staff
    >>> files = [sample_data(f"soar_valley_staff_in_post_{year}-03-31.xlsx") for year in (2023, 2024, 2025)]
    >>> staff = load_staff(files, pseudonym_key="example key")
    >>> table = promotion(staff).table.set_index("group")
    >>> table.loc[["White", "BME"], ["stayers", "promoted"]]
           stayers  promoted
    group
    White     6276       529
    BME       3814       232
    >>> [round(float(table.loc["BME", c]), 2) for c in ("promotion_rl", "promotion_rl_ci_low", "promotion_rl_ci_high")]
    [1.39, 1.19, 1.61]
    >>> table.loc["BME", "promotion_rl_state"], table.loc["White", "promotion_rl_state"]
    ('estimated', 'reference')
    """
    links = _link(staff)
    return _promotion(links, characteristic, by, confidence, include_bank, min_size)


def _promotion(links: _Links, characteristic, by, confidence, include_bank, min_size) -> Result:
    people = links.people
    group, (label_a, label_b) = _groups(people, characteristic)
    sub_codes, sub_names = _subgroups(links, by)
    n_sub = len(sub_names)
    bank = _bank(people)
    keep_row = np.ones(len(people), dtype=bool) if include_bank else ~bank

    attr, start, end, move = links.attr, links.start, links.end, links.movement
    g = group[attr]
    keep = keep_row[attr]
    sub = sub_codes[attr]
    at_start = start >= 0
    at_risk = np.isin(move, _AT_RISK)
    promoted = move == _PROMOTED
    counts = {
        "stayers": _count(sub, g, keep & at_risk, n_sub),
        "promoted": _count(sub, g, keep & promoted, n_sub),
        "not_comparable": _count(sub, g, keep & (move == _NOT_COMPARABLE), n_sub),
        "at_start": _count(sub, g, keep & at_start, n_sub),
        "leavers": _count(sub, g, keep & (move == _LEFT), n_sub),
    }
    # senior appointments: split by the grade appointed to when by is a grade split
    g_start = _take_codes(links.grade, start)
    g_end = _take_codes(links.grade, end)
    senior_end = (g_end >= 0) & _SENIOR[np.maximum(g_end, 0)]
    internal = at_start & (g_start >= 0) & ~_SENIOR[np.maximum(g_start, 0)] & senior_end
    external = (move == _JOINED) & senior_end
    sub_appointed = _take_codes(sub_codes, end) if by in ("band", "grade_group") else sub
    counts["senior_internal"] = _count(sub_appointed, g, keep & internal, n_sub)
    counts["senior_external"] = _count(sub_appointed, g, keep & external, n_sub)
    # time in grade of the staff at each organisation's latest snapshot
    now = links.latest & keep_row
    counts["staff_now"] = _count(sub_codes, group, now, n_sub)
    run_sum = _count(sub_codes, group, now, n_sub, weights=links.run.astype(float))
    censored = _count(sub_codes, group, now & links.first, n_sub)
    medians = _medians(sub_codes, group, now, n_sub, {"run": links.run.astype(float),
                                                      "service": _float(people, "service_years")})

    rows = [(s, k) for s in range(n_sub) for k in range(3)
            if counts["at_start"][s].sum() + counts["staff_now"][s].sum()
            + counts["senior_external"][s].sum() + counts["senior_internal"][s].sum() > 0]
    s_idx = np.array([r[0] for r in rows], dtype=np.int64)
    k_idx = np.array([r[1] for r in rows], dtype=np.int64)
    get = {name: c[s_idx, k_idx].astype(np.int64) for name, c in counts.items()}
    stayers, prom = get["stayers"], get["promoted"]
    starters, leavers = get["at_start"], get["leavers"]
    with np.errstate(invalid="ignore", divide="ignore"):
        p_rate = np.where(stayers > 0, prom / stayers, np.nan)
        l_rate = np.where(starters > 0, leavers / starters, np.nan)
        senior = get["senior_internal"] + get["senior_external"]
        internal_share = np.where(senior > 0, get["senior_internal"] / senior, np.nan)
        staff_now = get["staff_now"]
        run_mean = np.where(staff_now > 0, run_sum[s_idx, k_idx] / staff_now, np.nan)
        censored_share = np.where(staff_now > 0, censored[s_idx, k_idx] / staff_now, np.nan)
    p_low, p_high = wilson_interval(prom, stayers, confidence)
    l_low, l_high = wilson_interval(leavers, starters, confidence)

    # relative likelihoods, one per subgroup, on the compared group's row
    rl = {name: np.full(len(rows), np.nan) for name in ("p", "p_low", "p_high", "p_p", "l", "l_low", "l_high", "l_p")}
    state = {"p": np.full(len(rows), "", dtype=object), "l": np.full(len(rows), "", dtype=object)}
    state["p"][k_idx == 0] = "reference"
    state["l"][k_idx == 0] = "reference"
    subs = [s for s in range(n_sub) if ((s_idx == s) & (k_idx == 1)).any()]
    if subs:
        c = counts
        promo = relative_likelihoods(c["promoted"][subs, 0], c["stayers"][subs, 0], c["promoted"][subs, 1],
                                     c["stayers"][subs, 1], confidence=confidence, min_size=min_size)
        leave = relative_likelihoods(c["leavers"][subs, 1], c["at_start"][subs, 1], c["leavers"][subs, 0],
                                     c["at_start"][subs, 0], confidence=confidence, min_size=min_size)
        for s, pr, lv in zip(subs, promo, leave):
            i = int(np.flatnonzero((s_idx == s) & (k_idx == 1))[0])
            rl["p"][i], rl["p_low"][i], rl["p_high"][i], rl["p_p"][i] = pr.ratio, pr.ci_low, pr.ci_high, pr.p_value
            rl["l"][i], rl["l_low"][i], rl["l_high"][i], rl["l_p"][i] = lv.ratio, lv.ci_low, lv.ci_high, lv.p_value
            state["p"][i], state["l"][i] = pr.state, lv.state

    labels = np.array([label_a, label_b, "Other or unknown" if characteristic == "sex" else "Unknown"],
                      dtype=object)
    table = pd.DataFrame({
        "by": by or "all", "subgroup": np.asarray(sub_names, dtype=object)[s_idx],
        "characteristic": characteristic, "group": labels[k_idx],
        "stayers": stayers, "promoted": prom, "promotion_rate": p_rate, "promotion_rate_ci_low": p_low,
        "promotion_rate_ci_high": p_high, "promotion_rl": rl["p"], "promotion_rl_ci_low": rl["p_low"],
        "promotion_rl_ci_high": rl["p_high"], "promotion_rl_p_value": rl["p_p"], "promotion_rl_state": state["p"],
        "at_start": starters, "leavers": leavers, "leaver_rate": l_rate, "leaver_rate_ci_low": l_low, "leaver_rate_ci_high": l_high,
        "leaver_rl": rl["l"], "leaver_rl_ci_low": rl["l_low"], "leaver_rl_ci_high": rl["l_high"],
        "leaver_rl_p_value": rl["l_p"], "leaver_rl_state": state["l"],
        "senior_appointments": senior, "senior_internal": get["senior_internal"],
        "senior_external": get["senior_external"], "senior_internal_share": internal_share,
        "staff_now": staff_now, "time_in_grade_mean": run_mean, "time_in_grade_median": medians["run"][s_idx, k_idx],
        "time_in_grade_censored_share": censored_share, "service_years_median": medians["service"][s_idx, k_idx],
        "not_comparable": get["not_comparable"],
    })
    for text in ("by", "subgroup", "characteristic", "group", "promotion_rl_state", "leaver_rl_state"):
        table[text] = table[text].astype("str")
    return Result(table=table[PROMOTION_COLUMNS], spec=PROMOTION,
                  method=_promotion_method(links, characteristic, by, confidence, include_bank, min_size,
                                           label_a, label_b))


def _medians(sub, group, mask, n_sub, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Median of each value per subgroup and group (nan where there is nobody)."""
    ok = mask & (sub >= 0)
    key = sub[ok] * 3 + group[ok]
    out = {}
    for name, v in values.items():
        medians = pd.Series(v[ok]).groupby(key).median()
        grid = np.full(n_sub * 3, np.nan)
        grid[medians.index.to_numpy()] = medians.to_numpy()
        out[name] = grid.reshape(n_sub, 3)
    return out


def _promotion_method(links, characteristic, by, confidence, include_bank, min_size, label_a, label_b) -> Method:
    years = [p["years"] for p in links.pairs]
    return Method(
        confidence=confidence,
        interval="Wilson score (rates); Katz log (relative likelihoods)",
        test="Wald z-test of log(relative likelihood) = 0",
        min_size=min_size,
        bank="included" if include_bank else "people with only bank assignments left out",
        snapshots=tuple(sorted({str(d.date()) for p in links.pairs for d in (p["start"], p["end"])})),
        notes={
            "characteristic": characteristic,
            "groups": f"{label_a} (advantaged) vs {label_b} (compared); unknown in a row of its own",
            "by": by or "all staff",
            "periods": [f"{p['organisation']}: {p['start'].date()} -> {p['end'].date()}" for p in links.pairs],
            "period length": f"{min(years):.2f} to {max(years):.2f} years" if years else "",
            "staff": "one row per person (primary assignment)"
                     + ("" if include_bank else "; people with only bank assignments left out"),
            "promotion rate": "promoted / stayers (present at both ends with comparable grades: promoted, same "
                              "band, moved down or changed pay system), per period; a person counts once per period",
            "promoted": "a higher AfC band (VSM above band 9), or Resident doctor -> SAS or Consultant, "
                        "or SAS -> Consultant",
            "leaver rate": "left / present at the period start, per period",
            "relative likelihood": f"promotion: {label_a} rate / {label_b} rate; leaving: {label_b} rate / "
                                   f"{label_a} rate (above 1: the compared group is worse off); 'insufficient data' "
                                   f"below {min_size} people in a group",
            "senior appointments": "into AfC 8a and above (with VSM) or Consultant; internal = in the organisation "
                                   "at the previous snapshot in a known grade below senior; external = joined",
            "time in grade": "consecutive snapshots in the current grade, counting back from each organisation's "
                             "latest snapshot (ESR holds no date of appointment to a band); runs reaching the first "
                             "snapshot are cut short (censored), so it is a lower bound",
            "service_years": "years since hire: service in the organisation, not in the grade",
        },
    )
