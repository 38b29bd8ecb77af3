"""Pooled relative likelihoods: Mantel-Haenszel across organisations, years and band steps.

A relative likelihood (RL) from one trust's small numbers is uncertain; the
same indicator over an ICB's trusts, over several years, or over the steps of
the pay ladder can be pooled into one figure.  :func:`pooled_likelihood`
gives each stratum's RL with its Katz interval
(:func:`workforce.analysis._likelihood.relative_likelihoods`), then one
pooled row:

* **Mantel-Haenszel risk ratio** over strata *i* (group a: ``a_i`` events of
  ``n_a,i`` people; group b: ``b_i`` of ``n_b,i``; ``N_i = n_a,i + n_b,i``)::

      RR_MH = sum(a_i * n_b,i / N_i) / sum(b_i * n_a,i / N_i)

* **Greenland-Robins (1985) interval**, ``exp(log RR_MH ± z * SE)`` with::

      Var(log RR_MH) = sum((n_a,i * n_b,i * (a_i + b_i) - a_i * b_i * N_i) / N_i**2)
                       / (sum(a_i * n_b,i / N_i) * sum(b_i * n_a,i / N_i))

  which holds both for a few large strata and for many small ones;
* **Woolf test** of homogeneity of the log relative likelihoods: with
  ``w_i = 1 / Var(log RL_i)`` (Katz variance) and the inverse-variance mean
  ``L = sum(w_i log RL_i) / sum(w_i)``, ``chi2 = sum(w_i (log RL_i - L)**2)``
  on (strata tested - 1) degrees of freedom; ``homogeneous`` is its p-value
  at least ``alpha`` (0.05).  A small p-value says the strata differ: read
  them one by one before the pooled figure;
* **Breslow-Day test with Tarone's correction**, of homogeneity of the odds
  ratios about the Mantel-Haenszel odds ratio: a second view, as
  ``statsmodels``' ``StratifiedTable.test_equal_odds(adjust=True)``.

Zero cells (the rule, also in ``.method`` and each stratum's ``reason``):

* a stratum with no one in a group (``a_total`` or ``b_total`` 0) is left
  out (``included`` False);
* a stratum with no events in either group adds nothing to the
  Mantel-Haenszel sums and is left out;
* a stratum with no events in one group only (its own RL is 0 or infinite,
  "not estimable"), or with everyone in both groups having the event (its
  Katz variance is 0), stays in the pooled estimate, which needs no ratio of
  its own, and is left out of the two tests;
* fewer than 2 strata left: the pooled row is "not estimable", with the
  reason.

``weight`` is a stratum's share of ``sum(b_i * n_a,i / N_i)``, the
denominator of ``RR_MH``: ``RR_MH`` is the weighted mean of the strata's RLs
with these weights.

Compounding over band steps
---------------------------
:func:`band_steps` splits the ladder into steps (band 5 to 6, 6 to 7, 7 to
8a): for each, the advantaged group's share of the people at the lower band
and above who are at the higher band and above, over the compared group's.
The step RLs *telescope*: their product is the RL of being at the last band
and above among those at the first band and above, because each step's
numerator is the next step's denominator::

    (A6/A5 / B6/B5) * (A7/A6 / B7/B6) * (A8a/A7 / B8a/B7) = (A8a/A5) / (B8a/B5)

(``A5``: advantaged people at band 5 and above, ...).  So a 1.5 at each of
three steps compounds to 1.5³ = 3.4 from band 5 to 8a, and the compounded
figure has the Katz interval of that single table,
``relative_likelihood(A8a, A5, B8a, B5)``.  The Mantel-Haenszel pool over
the steps is the common per-step RL instead.

Disclosure control
------------------
Each stratum's four counts are cells; the pooled row's counts are the sums
of the included strata.  After suppression (:func:`workforce.suppress`) the
pooled estimate, the weights and the tests are made again from the strata
whose counts are all published (``recompute``): a stratum with a suppressed
count is "withheld" and left out, the pooled row's counts become the sums of
the strata it now pools, and its ``reason`` says how many were left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, Margin, Part, ResultSpec, columns, is_in
from .._wording import option
from ..codes import BANDS
from ..errors import WorkforceError
from ._indicators import _WDES2, _WDES3, _WRES2, _WRES3, _WRES4, _Indicator
from ._likelihood import relative_likelihoods
from ._progression import CHARACTERISTICS
from ._stats import z_value

__all__ = ["pooled_likelihood", "likelihood_counts", "band_steps", "POOLED", "POOLED_COLUMNS", "POOLED_LABEL"]

#: The ``stratum`` of the pooled row.
POOLED_LABEL = "Pooled (Mantel–Haenszel)"
#: The count columns of a likelihood-count frame (and of the pooled table).
COUNTS = ("a_events", "a_total", "b_events", "b_total")
_KEY = ("what", "strata_by", "stratum")
_GROUP = ("what", "strata_by")
_WITHHELD = "withheld"
#: ``strata_by`` names that are not columns of the counts: the column they are made from.
_STRATA_NAMES = {"year": "snapshot_date", "band step": "step"}
_AFC_CATEGORIES = ("Clinical", "Non-clinical", "All AfC")


def _is_pooled(t: pd.DataFrame) -> np.ndarray:
    return is_in(t["stratum"], (POOLED_LABEL,))


def _cells() -> CountCells:
    """Each stratum's four counts; the pooled row's, as published, are the sums of the published strata's.

    The pooled row's counts are not tied to the strata by a margin: after suppression ``recompute`` makes them
    again as the sums of the strata whose counts are all published, so a suppressed stratum never comes back
    by subtraction, and a pooled estimate over hundreds of small organisations does not make one margin of
    all their counts for the audit to solve.
    """
    margins = [Margin(Part(f"{g}_total"), (Part(f"{g}_events"),), _KEY, exact=False) for g in ("a", "b")]
    return CountCells(
        counts={c: _KEY for c in COUNTS},
        margins=tuple(margins),
        derived=(
            Derived(("value", "ci_low", "ci_high", "state", "reason"), COUNTS),
            # joint figures: blanked over the whole pooled table, then made again from the published strata
            Derived(("weight", "woolf_chi2", "woolf_df", "woolf_p", "breslow_day_chi2", "breslow_day_p",
                     "homogeneous"), COUNTS, within=_GROUP),
        ),
        recompute=lambda table, method: _recompute(table, method),
    )


#: What ``pooled_likelihood`` returns: one row per stratum, then the pooled row.
POOLED = ResultSpec(
    kind=Kind.POOLED,
    title="Pooled relative likelihood (Mantel–Haenszel)",
    columns=columns(
        ("what", "str", "what is pooled: the indicator ('WRES 2'), the threshold ('8a and above (All AfC)'), "
                        "'promotion', the band steps"),
        ("strata_by", "str", "what the strata are: organisation, year, band step, or another key"),
        ("stratum", "str", f"the stratum (an organisation, a year, a step); '{POOLED_LABEL}' on the pooled row"),
        ("group_a", "str", "the numerator group of the relative likelihood (the official direction)"),
        ("group_b", "str", "the other group"),
        ("a_events", "Int64", "people of group a with the event (appointed, senior, promoted ...); on the pooled "
                              "row, the sum over the included strata"),
        ("a_total", "Int64", "people of group a; on the pooled row, the sum over the included strata"),
        ("b_events", "Int64", "people of group b with the event"),
        ("b_total", "Int64", "people of group b"),
        ("value", "float64", "the stratum's relative likelihood (a_events/a_total) / (b_events/b_total), or the "
                             "pooled Mantel-Haenszel one; above 1 means group b is worse off in the official "
                             "direction"),
        ("ci_low", "float64", "lower limit: Katz log interval (stratum), Greenland-Robins (pooled)"),
        ("ci_high", "float64", "upper limit of the interval"),
        ("weight", "float64", "the stratum's share of the Mantel-Haenszel weight sum(b_i * n_a,i / N_i); 1 on the "
                              "pooled row; missing for a stratum left out", "proportion (0 to 1)"),
        ("state", "str", "estimated, insufficient data (fewer than min_size in a group; figures shown), not "
                         "estimable, or withheld (a count suppressed)"),
        ("included", "boolean", "the stratum is in the pooled estimate (False: left out, see reason); missing on "
                                "the pooled row"),
        ("reason", "str", "why a stratum is left out or not estimable; on the pooled row, the strata left out"),
        ("woolf_chi2", "float64", "pooled row: Woolf's chi-squared for homogeneity of the log relative "
                                  "likelihoods", "chi-squared"),
        ("woolf_df", "float64", "pooled row: its degrees of freedom (strata tested - 1)", "degrees of freedom"),
        ("woolf_p", "float64", "pooled row: its p-value", "probability (0 to 1)"),
        ("breslow_day_chi2", "float64", "pooled row: Breslow-Day chi-squared (Tarone's correction) for "
                                        "homogeneity of the odds ratios", "chi-squared"),
        ("breslow_day_p", "float64", "pooled row: its p-value", "probability (0 to 1)"),
        ("homogeneous", "boolean", "pooled row: the Woolf p-value is at least alpha (no evidence that the strata "
                                   "differ); missing when not tested"),
    ),
    cells=_cells(),
)
#: Columns of ``pooled_likelihood(...).table``, always in this order (see :data:`POOLED`).
POOLED_COLUMNS = POOLED.names


# ---------------------------------------------------------------- likelihood counts


_STANDARD_INDICATORS: dict[tuple[str, int], _Indicator] = {
    ("WRES", 2): _WRES2, ("WRES", 3): _WRES3, ("WRES", 4): _WRES4, ("WDES", 2): _WDES2, ("WDES", 3): _WDES3}
_READ = ("wres", "wdes", "progression_gaps", "promotion", "wres_recruitment (and the other relative-likelihood "
         "indicators)")


def likelihood_counts(result: Result | Sequence[Result], *, indicator: int | None = None,
                      staff_category: str = "All AfC", comparison: str = "8a and above") -> pd.DataFrame:
    """The counts behind a relative likelihood, one row per organisation (and snapshot), ready to pool.

    Parameters
    ----------
    result : Result or list of Result
        Unsuppressed results of :func:`workforce.wres` or :func:`workforce.wdes`
        (one indicator, chosen by ``indicator``), of a relative-likelihood
        indicator (:func:`workforce.wres_recruitment` ...), of
        :func:`workforce.progression_gaps` (one staff category and
        comparison) or of :func:`workforce.promotion`.  A list (one result per
        trust, or per year) gives all their rows.
    indicator : int, optional
        For WRES: 2, 3 or 4; for WDES: 2 or 3.
    staff_category, comparison : str
        For progression gaps: the staff category (Clinical, Non-clinical,
        All AfC, Medical) and the senior threshold ("8a and above", "8c and
        above", "VSM"; "Consultant" for Medical).

    Returns
    -------
    pandas.DataFrame
        The key columns ``organisation`` and ``snapshot_date`` (a promotion
        result split by band or another subgroup adds a column named after
        the split), then ``a_events, a_total, b_events, b_total`` (int64) and
        ``group_a, group_b``, where the relative likelihood is
        ``(a_events / a_total) / (b_events / b_total)`` in the official
        direction (above 1: the minoritised or Disabled group is worse off):
        WRES 2 and 4 a = White, WRES 3 a = BME, WDES 2 a = non-disabled,
        WDES 3 a = Disabled; progression gaps a = advantaged senior /
        advantaged in the pool; promotion a = advantaged promoted / stayers.
        ``.attrs["what"]`` names what is counted ("WRES 2" ...).

    Examples
    --------
    >>> import workforce
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> counts = likelihood_counts(workforce.progression_gaps(staff))
    >>> counts.columns.tolist()
    ['organisation', 'snapshot_date', 'a_events', 'a_total', 'b_events', 'b_total', 'group_a', 'group_b']
    >>> counts[["organisation", "group_a", "group_b"]]
                          organisation group_a group_b
    0  Soar Valley Hospitals NHS Trust   White     BME
    >>> counts.attrs["what"]
    '8a and above (All AfC)'
    """
    results = [result] if isinstance(result, Result) else list(result)
    if not results:
        raise WorkforceError("likelihood_counts needs at least one result.")
    frames, whats = [], []
    for one in results:
        frame, what = _counts_of(one, indicator, staff_category, comparison)
        frames.append(frame)
        whats.append(what)
    if len(set(whats)) > 1:
        raise WorkforceError(f"the results count different things ({sorted(set(whats))}); give results of one "
                             "indicator or measure.")
    out = pd.concat(frames, ignore_index=True)
    out.attrs["what"] = whats[0]
    return out


def _counts_of(result: Result, indicator, staff_category: str, comparison: str) -> tuple[pd.DataFrame, str]:
    if not isinstance(result, Result):
        raise WorkforceError(f"likelihood_counts reads the Results of {', '.join(_READ)}; not a "
                             f"{type(result).__name__}.")
    if "disclosure threshold" in result.method:
        raise WorkforceError("this result has been through disclosure control, so some counts are blank: pool the "
                             "unsuppressed result, then suppress the pooled result.")
    kind = result.kind
    if kind in (Kind.WRES, Kind.WDES):
        return _standard_counts(result, indicator)
    if kind is Kind.LIKELIHOOD_INDICATOR:
        return _indicator_counts(result)
    if kind is Kind.PROGRESSION_GAPS:
        return _gaps_counts(result, staff_category, comparison)
    if kind is Kind.PROMOTION:
        return _promotion_counts(result)
    raise WorkforceError(f"likelihood_counts reads the results of {', '.join(_READ)}; not a {kind} result.")


def _frame(organisation, snapshot_date, a_events, a_total, b_events, b_total, group_a, group_b,
           extra: dict | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({"organisation": organisation, "snapshot_date": snapshot_date, **(extra or {}),
                          "a_events": a_events, "a_total": a_total, "b_events": b_events, "b_total": b_total,
                          "group_a": group_a, "group_b": group_b})
    frame["organisation"] = frame["organisation"].astype("str")
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"]).astype("datetime64[ns]")
    for c in COUNTS:
        frame[c] = pd.to_numeric(frame[c]).astype("int64")
    for c in ("group_a", "group_b", *(extra or {})):
        frame[c] = frame[c].astype("str")
    return frame


def _latest(method: Method):
    return max(method.snapshots) if method.snapshots else pd.NaT


def _standard_counts(result: Result, indicator) -> tuple[pd.DataFrame, str]:
    standard = str(result.kind)
    valid = [n for s, n in _STANDARD_INDICATORS if s == standard]
    word = "indicator" if standard == "WRES" else "metric"
    try:
        number = int(indicator) if indicator is not None else None
    except (TypeError, ValueError):
        number = None
    if number not in valid:
        raise WorkforceError(f"a {standard} table holds several {word}s: choose the relative likelihood to pool with "
                             f"{option('indicator', str(valid[0]))} (one of {valid}); got {indicator!r}.")
    assert number is not None
    spec = _STANDARD_INDICATORS[(standard, number)]
    table = result.table
    row = table[table[word] == number].iloc[0]
    advantaged, other = ("white", "bme") if standard == "WRES" else ("non_disabled", "disabled")
    first, second = (advantaged, other) if spec.a[0] in ("White", "No") else (other, advantaged)
    a_events, a_total, b_events, b_total = ([row[f"{g}_{c}"]] for g in (first, second) for c in ("count", "total"))
    if any(pd.isna(c[0]) for c in (a_events, a_total, b_events, b_total)):
        raise WorkforceError(f"{standard} {word} {number} is '{row['state']}' in this table: it has no counts to "
                             "pool. Give its input when making the table.")
    frame = _frame([str(result.method.get("organisation", ""))], [_latest(result.method)], a_events, a_total,
                   b_events, b_total, [spec.a[1]], [spec.b[1]])
    return frame, f"{standard} {number}"


def _indicator_counts(result: Result) -> tuple[pd.DataFrame, str]:
    t = result.table
    frame = _frame([str(result.method.get("organisation", ""))] * len(t), [_latest(result.method)] * len(t),
                   t["events_a"], t["total_a"], t["events_b"], t["total_b"], t["group_a"], t["group_b"])
    return frame, f"{t['standard'].iloc[0]} {t['indicator'].iloc[0]}"


def _gaps_counts(result: Result, staff_category: str, comparison: str) -> tuple[pd.DataFrame, str]:
    t = result.table[result.table["measure"] == "relative likelihood"]
    categories = list(dict.fromkeys(t["staff_category"].astype(str)))
    if staff_category not in categories:
        raise WorkforceError(f"staff_category must be one of {categories}; got {staff_category!r}.")
    t = t[t["staff_category"] == staff_category]
    comparisons = list(dict.fromkeys(t["comparison"].astype(str)))
    if comparison not in comparisons:
        raise WorkforceError(f"for {staff_category} staff, comparison must be one of {comparisons}; got "
                             f"{comparison!r}.")
    t = t[t["comparison"] == comparison]
    frame = _frame(t["organisation"], t["snapshot_date"], t["advantaged_senior"], t["advantaged_total"],
                   t["compared_senior"], t["compared_total"], t["advantaged"], t["compared"])
    return frame, f"{comparison} ({staff_category})"


def _promotion_counts(result: Result) -> tuple[pd.DataFrame, str]:
    t = result.table
    characteristic = str(t["characteristic"].iloc[0]) if len(t) else "ethnicity"
    label_a, label_b = CHARACTERISTICS[characteristic][3:5]
    by = str(t["by"].iloc[0]) if len(t) else "all"
    # each organisation's latest period end, from the method's periods ("organisation: start -> end")
    ends: dict[str, pd.Timestamp] = {}
    for period in result.method.get("periods", []):
        organisation, _, span = str(period).rpartition(": ")
        end = pd.Timestamp(span.split("->")[-1].strip())
        ends[organisation] = max(ends.get(organisation, end), end)
    subgroups = list(dict.fromkeys(t["subgroup"].astype(str)))
    by_group = t.set_index(["subgroup", "group"])

    def count(subgroup: str, group: str, column: str) -> int:
        return int(by_group[column].get((subgroup, group), 0))

    counts = {name: [count(s, g, c) for s in subgroups]
              for name, g, c in (("a_events", label_a, "promoted"), ("a_total", label_a, "stayers"),
                                 ("b_events", label_b, "promoted"), ("b_total", label_b, "stayers"))}
    everyone = ", ".join(ends) if ends else ""
    latest = max(ends.values()) if ends else pd.NaT
    if by == "organisation":
        organisations = subgroups
        dates = [ends.get(s, latest) for s in subgroups]
        extra = None
    else:
        organisations = [everyone] * len(subgroups)
        dates = [latest] * len(subgroups)
        extra = None if by == "all" else {by: subgroups}
    frame = _frame(organisations, dates, counts["a_events"], counts["a_total"], counts["b_events"],
                   counts["b_total"], [label_a] * len(subgroups), [label_b] * len(subgroups), extra)
    return frame, f"promotion ({characteristic})"


def band_steps(ladder_result: Result, *, steps: Sequence[str] = ("5", "6", "7", "8a"),
               staff_category: str = "All AfC") -> pd.DataFrame:
    """Likelihood counts for each step up the pay ladder ("5 to 6", "6 to 7", "7 to 8a").

    For the step from band L to band H (VSM is above 9), group a is the
    advantaged group: ``a_events`` its people at band H and above,
    ``a_total`` its people at band L and above; b the same for the compared
    group.  The relative likelihood of a step is how much more often the
    advantaged group, once at L or above, is at H or above.

    The step relative likelihoods telescope (see the module notes): their
    product is the relative likelihood of being at the last band and above
    among those at the first band and above,
    ``relative_likelihood(a_events of the last step, a_total of the first,
    b_events of the last, b_total of the first)``, whose Katz interval is
    that of the compounded figure.

    Parameters
    ----------
    ladder_result : Result
        The unsuppressed result of :func:`workforce.ladder`.
    steps : sequence of str
        Bands in increasing order (at least two), from ``'1'`` ... ``'9'``,
        ``'VSM'``.
    staff_category : {"All AfC", "Clinical", "Non-clinical"}
        The staff on Agenda for Change bands counted.

    Returns
    -------
    pandas.DataFrame
        Likelihood counts (as :func:`likelihood_counts`) with the keys
        ``organisation``, ``snapshot_date`` and ``step``;
        ``.attrs["what"]`` names the steps.  Pool them with
        ``pooled_likelihood(counts, strata_by="band step")``.

    Examples
    --------
    >>> import workforce
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> counts = band_steps(workforce.ladder(staff))
    >>> counts["step"].tolist()
    ['5 to 6', '6 to 7', '7 to 8a']
    >>> from workforce.analysis import relative_likelihood
    >>> steps = [relative_likelihood(*row).ratio for row in
    ...          counts[["a_events", "a_total", "b_events", "b_total"]].itertuples(index=False)]
    >>> first, last = counts.iloc[0], counts.iloc[-1]
    >>> compounded = relative_likelihood(last["a_events"], first["a_total"], last["b_events"], first["b_total"])
    >>> bool(np.isclose(np.prod(steps), compounded.ratio))
    True
    """
    if not isinstance(ladder_result, Result) or ladder_result.kind is not Kind.LADDER:
        raise WorkforceError("band_steps reads the result of workforce.ladder(staff).")
    if "disclosure threshold" in ladder_result.method:
        raise WorkforceError("this ladder has been through disclosure control, so some counts are blank: use the "
                             "unsuppressed ladder, then suppress the pooled result.")
    if staff_category not in _AFC_CATEGORIES:
        raise WorkforceError(f"staff_category must be one of {list(_AFC_CATEGORIES)} (staff on Agenda for Change "
                             f"bands); got {staff_category!r}.")
    steps = [str(s) for s in steps]
    unknown = [s for s in steps if s not in BANDS]
    positions = [BANDS.index(s) for s in steps if s in BANDS]
    if unknown or len(steps) < 2 or positions != sorted(set(positions)):
        raise WorkforceError(f"steps must be two or more bands in increasing order, from {list(BANDS)}; got "
                             f"{steps}.")
    t = ladder_result.table
    t = t[(t["staff_category"] == staff_category) & (t["rung_type"] == "band") & t["role"].isin(["advantaged",
                                                                                                   "compared"])]
    labels = t.drop_duplicates("role").set_index("role")["group"].astype(str)
    grid = t.pivot_table(index=["organisation", "snapshot_date"], columns=["role", "rung"], values="headcount",
                         aggfunc="sum", fill_value=0, observed=True)
    grid = grid.reindex(columns=pd.MultiIndex.from_product([["advantaged", "compared"], list(BANDS)]), fill_value=0)
    heads = grid.to_numpy(dtype=np.int64).reshape(len(grid), 2, len(BANDS))
    at_or_above = np.cumsum(heads[:, :, ::-1], axis=2)[:, :, ::-1]   # (organisation, role, band)
    low, high = np.array(positions[:-1]), np.array(positions[1:])
    n_steps = len(low)
    org = np.repeat(np.arange(len(grid)), n_steps)
    frame = _frame(grid.index.get_level_values(0)[org], grid.index.get_level_values(1)[org],
                   at_or_above[:, 0, high].reshape(-1), at_or_above[:, 0, low].reshape(-1),
                   at_or_above[:, 1, high].reshape(-1), at_or_above[:, 1, low].reshape(-1),
                   [labels.get("advantaged", "")] * len(org), [labels.get("compared", "")] * len(org),
                   {"step": np.tile([f"{BANDS[i]} to {BANDS[j]}" for i, j in zip(low, high)], len(grid))})
    frame.attrs["what"] = f"band steps {steps[0]} to {steps[-1]} ({staff_category})"
    return frame


# ---------------------------------------------------------------- pooling


def pooled_likelihood(counts: pd.DataFrame | Result | Sequence[Result], *,
                      strata_by: str | Sequence[str] = "organisation", what: str = "", indicator: int | None = None,
                      confidence: float = 0.95, min_size: int = 10, alpha: float = 0.05) -> Result:
    """One relative likelihood pooled over strata (Mantel-Haenszel), with the tests of homogeneity.

    Parameters
    ----------
    counts : pandas.DataFrame, Result or list of Result
        Likelihood counts (:func:`likelihood_counts`, :func:`band_steps`, or
        a frame of your own with ``a_events, a_total, b_events, b_total``,
        ``group_a, group_b`` and key columns), or results that
        :func:`likelihood_counts` reads (with its defaults, and
        ``indicator``).
    strata_by : str or sequence of str
        What the strata are: a key column of the counts ("organisation",
        "snapshot_date", "step" ...), "year" (the year of ``snapshot_date``),
        "band step" (``step``), or several (each combination a stratum).
        Rows with the same stratum are added together (``.method`` says so).
    what : str
        What is pooled, for the table; by default what the counts say
        (``counts.attrs["what"]``).
    indicator : int, optional
        For WRES or WDES results: the indicator (see :func:`likelihood_counts`).
    confidence : float
        Level of the intervals.
    min_size : int
        Strata (and the pool) with fewer people in a group are "insufficient
        data" (figures shown).
    alpha : float
        ``homogeneous`` is the Woolf p-value at least ``alpha``.

    Returns
    -------
    Result
        ``.table`` has the columns :data:`POOLED_COLUMNS`: one row per
        stratum, then the row ``stratum == POOLED_LABEL``.  ``.method``
        records the estimator, interval, tests and the zero-cell rule.

    Examples
    --------
    WRES indicator 2 of three trusts (White appointed / shortlisted over BME):

    >>> import pandas as pd
    >>> counts = pd.DataFrame({"organisation": ["Trust A", "Trust B", "Trust C"],
    ...                        "a_events": [30, 45, 8], "a_total": [200, 300, 60],
    ...                        "b_events": [12, 20, 5], "b_total": [150, 260, 80],
    ...                        "group_a": "White", "group_b": "BME"})
    >>> pooled = pooled_likelihood(counts, what="WRES 2")
    >>> pooled.table[["stratum", "value", "ci_low", "ci_high", "weight", "state"]].round(2)
                        stratum  value  ci_low  ci_high  weight      state
    0                   Trust A   1.88    0.99     3.54    0.35  estimated
    1                   Trust B   1.95    1.18     3.21    0.54  estimated
    2                   Trust C   2.13    0.73     6.19    0.11  estimated
    3  Pooled (Mantel–Haenszel)   1.94    1.34     2.81    1.00  estimated
    >>> pooled_row = pooled.table.iloc[-1]
    >>> round(float(pooled_row["woolf_p"]), 2), bool(pooled_row["homogeneous"])
    (0.98, True)
    """
    if isinstance(counts, Result) or (isinstance(counts, Sequence) and not isinstance(counts, str | pd.DataFrame)):
        counts = likelihood_counts(counts, indicator=indicator)
    if not isinstance(counts, pd.DataFrame):
        raise WorkforceError(f"pooled_likelihood takes likelihood counts (a table) or results; not a "
                             f"{type(counts).__name__}.")
    z_value(confidence)  # refuses a level outside (0, 1)
    if not 0 < alpha < 1:
        raise WorkforceError(f"alpha must be between 0 and 1 (for example 0.05), not {alpha!r}.")
    what = what or str(counts.attrs.get("what", "")) or "relative likelihood"
    strata, by_label, added = _strata(counts, strata_by)
    table = _pool_table(strata, what=what, strata_by=by_label, confidence=confidence, min_size=min_size,
                        alpha=alpha)
    notes: dict[str, Any] = {
        "what": what,
        "strata": f"by {by_label}: {len(strata)} strata",
        "pooled estimate": "Mantel-Haenszel risk ratio sum(a_i n_b,i / N_i) / sum(b_i n_a,i / N_i)",
        "weights": "a stratum's share of sum(b_i n_a,i / N_i), the denominator of the Mantel-Haenszel ratio",
        "zero cells": "a stratum with no one in a group, or no events in either group, is left out (it adds "
                      "nothing to the Mantel-Haenszel sums); one with no events in one group only, or with everyone "
                      "in both groups having the event, stays in the pooled estimate and is left out of the "
                      "homogeneity tests; fewer than 2 strata left: not estimable",
        "homogeneity": f"Woolf test of the log relative likelihoods (inverse-variance weights, Katz variances, "
                       f"df = strata tested - 1); homogeneous when p >= {alpha:g}. Breslow-Day test of the odds "
                       "ratios about the Mantel-Haenszel odds ratio, with Tarone's correction, as a second view",
        "homogeneity alpha": alpha,
        "direction": "as the counts give it: (a_events / a_total) / (b_events / b_total); above 1 means group b is "
                     "worse off in the official direction",
        "small groups": f"fewer than {min_size} people in a group (a stratum, or the strata pooled): 'insufficient "
                        "data', figures shown",
    }
    if added:
        notes["strata added together"] = added
    return Result(table=table, spec=POOLED, method=Method(
        confidence=confidence, interval="Katz log (strata); Greenland-Robins 1985 (pooled Mantel-Haenszel)",
        test="Woolf test of homogeneity; Breslow-Day with Tarone's correction", min_size=min_size,
        snapshots=_snapshots(counts), notes=notes))


def _snapshots(counts: pd.DataFrame) -> tuple[str, ...]:
    if "snapshot_date" not in counts:
        return ()
    dates = pd.to_datetime(counts["snapshot_date"], errors="coerce").dropna()
    return tuple(sorted({str(d.date()) for d in dates}))


def _strata(counts: pd.DataFrame, strata_by: str | Sequence[str]) -> tuple[pd.DataFrame, str, str]:
    """The strata (stratum, group_a, group_b and the counts, rows of one stratum added), their label, a note."""
    wanted = ["group_a", "group_b", *COUNTS]
    missing = [c for c in wanted if c not in counts]
    if missing:
        raise WorkforceError(f"the likelihood counts have no column(s) {missing}: they need a_events, a_total, "
                             "b_events, b_total, group_a and group_b (workforce.likelihood_counts makes them).")
    if len(counts) == 0:
        raise WorkforceError("the likelihood counts have no rows: there is nothing to pool.")
    names = [strata_by] if isinstance(strata_by, str) else list(strata_by)
    keys = []
    for name in names:
        column = _STRATA_NAMES.get(name, name)
        if column not in counts or column in wanted:
            options = [c for c in counts.columns if c not in wanted]
            raise WorkforceError(f"strata_by {name!r} is not a key of the likelihood counts; use one of {options}, "
                                 "or 'year' (the year of snapshot_date) or 'band step' (step) where the counts "
                                 "have those columns.")
        values = counts[column]
        if name == "year":
            values = pd.to_datetime(values, errors="coerce").dt.year.astype("Int64")
        elif pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        keys.append(values.astype(str).where(values.notna(), "Not recorded"))
    stratum = keys[0] if len(keys) == 1 else pd.Series([", ".join(v) for v in zip(*keys)], index=counts.index)
    for label in ("group_a", "group_b"):
        groups = counts[label].astype(str).unique()
        if len(groups) > 1:
            raise WorkforceError(f"the likelihood counts compare different groups ({label}: {sorted(groups)}); pool "
                                 "one comparison at a time.")
    numbers = {}
    for c in COUNTS:
        v = pd.to_numeric(counts[c], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(v) | (v < 0) | (v != np.round(v))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise WorkforceError(f"row {i + 1} (stratum {stratum.iloc[i]}): {c} is {counts[c].iloc[i]!r}; counts "
                                 "must be whole numbers of people, 0 or more (blank counts come from disclosure "
                                 "control: pool the unsuppressed counts).")
        numbers[c] = v
    for g in ("a", "b"):
        over = numbers[f"{g}_events"] > numbers[f"{g}_total"]
        if over.any():
            i = int(np.flatnonzero(over)[0])
            raise WorkforceError(f"row {i + 1} (stratum {stratum.iloc[i]}): {g}_events ({numbers[f'{g}_events'][i]:g}) "
                                 f"is more than {g}_total ({numbers[f'{g}_total'][i]:g}).")
    frame = pd.DataFrame({"stratum": stratum.to_numpy(), **numbers})
    summed = frame.groupby("stratum", sort=names == ["year"])[list(COUNTS)].sum().reset_index()
    summed["group_a"], summed["group_b"] = str(counts["group_a"].iloc[0]), str(counts["group_b"].iloc[0])
    added = (f"{len(frame)} rows into {len(summed)} strata: the counts of rows with the same {' and '.join(names)} "
             "added together" if len(summed) < len(frame) else "")
    return summed, " and ".join(names), added


def _pool_table(strata: pd.DataFrame, *, what: str, strata_by: str, confidence: float, min_size: int,
                alpha: float) -> pd.DataFrame:
    """The strata rows and the pooled row; a stratum with a missing count is withheld (after suppression)."""
    a, na, b, nb = (pd.to_numeric(strata[c], errors="coerce").to_numpy(dtype=float) for c in COUNTS)
    k = len(a)
    withheld = np.isnan(a) | np.isnan(na) | np.isnan(b) | np.isnan(nb)
    value, low, high = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
    state = np.full(k, _WITHHELD, dtype=object)
    reason = np.full(k, "a count is suppressed (small numbers): left out of the pooled estimate", dtype=object)
    shown = np.flatnonzero(~withheld)
    if shown.size:
        for i, rl in zip(shown, relative_likelihoods(a[shown], na[shown], b[shown], nb[shown], confidence=confidence,
                                                     min_size=min_size)):
            value[i], low[i], high[i], state[i], reason[i] = rl.ratio, rl.ci_low, rl.ci_high, rl.state, rl.reason

    # the zero-cell rule
    no_people = ~withheld & ((na == 0) | (nb == 0))
    no_events = ~withheld & ~no_people & (a == 0) & (b == 0)
    one_zero = ~withheld & ~no_people & ((a == 0) != (b == 0))
    all_events = ~withheld & ~no_people & (a == na) & (b == nb)
    included = ~withheld & ~no_people & ~no_events
    tested = included & ~one_zero & ~all_events
    reason[no_people] = "a group has no people: left out of the pooled estimate"
    reason[no_events] = "no events in either group: adds nothing to the pooled estimate, left out"
    reason[one_zero] = ("no events in one group, so its own ratio is 0 or infinite: kept in the pooled estimate, left "
                        "out of the homogeneity tests")
    reason[all_events] = ("everyone in both groups had the event: kept in the pooled estimate, left out of the "
                          "homogeneity tests")

    # Mantel-Haenszel over the included strata, Greenland-Robins variance
    with np.errstate(invalid="ignore", divide="ignore"):
        n = na + nb
        r_i = np.where(included, a * nb / n, 0.0)
        s_i = np.where(included, b * na / n, 0.0)
        p_i = np.where(included, (na * nb * (a + b) - a * b * n) / n**2, 0.0)
    big_r, big_s = float(r_i.sum()), float(s_i.sum())
    weight = np.where(included & (big_s > 0), s_i / big_s if big_s > 0 else np.nan, np.nan)
    used = int(included.sum())
    pooled_state, pooled_reason = "estimated", []
    pooled = {"value": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if used < 2:
        pooled_state = "not estimable"
        pooled_reason.append(f"fewer than 2 strata to pool ({used} left)")
    elif big_r == 0 or big_s == 0:
        pooled_state = "not estimable"
        pooled_reason.append(f"no events in group {'a' if big_r == 0 else 'b'} in any stratum pooled, so the ratio "
                             "is 0 or infinite")
    else:
        rr = big_r / big_s
        se = float(np.sqrt(p_i.sum() / (big_r * big_s)))
        z = z_value(confidence)
        pooled = {"value": rr, "ci_low": float(np.exp(np.log(rr) - z * se)), "ci_high": float(np.exp(np.log(rr) + z * se))}
        if min(na[included].sum(), nb[included].sum()) < min_size:
            pooled_state = "insufficient data"
            pooled_reason.append(f"fewer than {min_size} people in a group over the strata pooled")
    left_out = {"withheld (a count suppressed)": int(withheld.sum()), "a group with no people": int(no_people.sum()),
                "no events in either group": int(no_events.sum())}
    if any(left_out.values()):
        pooled_reason.append(f"pooled over {used} of {k} strata; left out: "
                             + ", ".join(f"{v} {label}" for label, v in left_out.items() if v))
    woolf = _woolf(a[tested], na[tested], b[tested], nb[tested])
    breslow_day = _breslow_day(a[tested], na[tested], b[tested], nb[tested])
    if int(tested.sum()) < 2:
        pooled_reason.append("homogeneity not tested: fewer than 2 strata with a ratio of their own")
    elif int(tested.sum()) < used:
        pooled_reason.append(f"homogeneity tested over the {int(tested.sum())} strata with a ratio of their own")

    def total(column: np.ndarray) -> float:
        return float(column[included].sum()) if used else np.nan

    n_rows = k + 1
    nan = np.full(n_rows, np.nan)
    table = pd.DataFrame({
        "what": what, "strata_by": strata_by,
        "stratum": [*strata["stratum"].astype(str), POOLED_LABEL],
        "group_a": [*strata["group_a"].astype(str), str(strata["group_a"].iloc[0]) if k else ""],
        "group_b": [*strata["group_b"].astype(str), str(strata["group_b"].iloc[0]) if k else ""],
        "a_events": [*a, total(a)], "a_total": [*na, total(na)], "b_events": [*b, total(b)],
        "b_total": [*nb, total(nb)],
        "value": [*value, pooled["value"]], "ci_low": [*low, pooled["ci_low"]], "ci_high": [*high, pooled["ci_high"]],
        "weight": [*weight, 1.0 if np.isfinite(pooled["value"]) else np.nan],
        "state": [*state, pooled_state],
        "included": pd.array([*included.tolist(), None], dtype="boolean"),
        "reason": [*reason, "; ".join(pooled_reason)],
        "woolf_chi2": nan.copy(), "woolf_df": nan.copy(), "woolf_p": nan.copy(),
        "breslow_day_chi2": nan.copy(), "breslow_day_p": nan.copy(),
        "homogeneous": pd.array([None] * n_rows, dtype="boolean"),
    })
    last = n_rows - 1
    table.loc[last, ["woolf_chi2", "woolf_df", "woolf_p"]] = woolf
    table.loc[last, ["breslow_day_chi2", "breslow_day_p"]] = breslow_day
    if np.isfinite(woolf[2]):
        table.loc[last, "homogeneous"] = bool(woolf[2] >= alpha)
    for c in COUNTS:
        table[c] = pd.array(np.round(table[c].to_numpy(dtype=float)), dtype="Int64")
    for c in ("what", "strata_by", "stratum", "group_a", "group_b", "state", "reason"):
        table[c] = table[c].astype("str")
    return table[POOLED_COLUMNS]


def _woolf(a, na, b, nb) -> tuple[float, float, float]:
    """Woolf's chi-squared of homogeneity of the log relative likelihoods, its df and p (nan: fewer than 2)."""
    if len(a) < 2:
        return np.nan, np.nan, np.nan
    log_rl = np.log(a / na) - np.log(b / nb)
    w = 1 / (1 / a - 1 / na + 1 / b - 1 / nb)
    centre = (w * log_rl).sum() / w.sum()
    chi2 = float((w * (log_rl - centre) ** 2).sum())
    df = len(a) - 1
    return chi2, float(df), float(special.chdtrc(df, chi2))


def _breslow_day(a, na, b, nb) -> tuple[float, float]:
    """Breslow-Day chi-squared (Tarone's correction) of homogeneity of the odds ratios, and its p (nan: untestable)."""
    if len(a) < 2:
        return np.nan, np.nan
    n = na + nb
    events = a + b
    ad, bc = (a * (nb - b) / n).sum(), ((na - a) * b / n).sum()
    if ad == 0 or bc == 0:
        return np.nan, np.nan
    psi = ad / bc   # the Mantel-Haenszel odds ratio
    # the expected a under the common odds ratio psi: the root of (1 - psi) x^2 + q x - psi na events = 0 within the
    # margins, written 2c / (-q - sqrt(disc)) so that psi = 1 needs no special case
    q = (nb - events) + psi * (na + events)
    c = -psi * na * events
    x = 2 * c / (-q - np.sqrt(q**2 - 4 * (1 - psi) * c))
    cells = np.stack([x, na - x, events - x, nb - events + x])
    if not (cells > 0).all():
        return np.nan, np.nan
    var = 1 / (1 / cells).sum(axis=0)
    chi2 = float(((a - x) ** 2 / var).sum() - (a.sum() - x.sum()) ** 2 / var.sum())
    df = len(a) - 1
    return chi2, float(special.chdtrc(df, chi2))


# ---------------------------------------------------------------- after suppression


def _recompute(table: pd.DataFrame, method: Method) -> pd.DataFrame:
    """The pooled estimate, weights and tests made again from the strata whose counts are all published.

    A stratum with a suppressed count is withheld; the pooled row's counts become the sums of the strata it
    pools (sums of published counts), so its suppression flags are cleared where a sum is shown.
    """
    if not set(POOLED_COLUMNS) <= set(table.columns):
        return table
    confidence = method.confidence or 0.95
    min_size = method.min_size if method.min_size is not None else 10
    alpha = float(method.get("homogeneity alpha", 0.05))
    flags = [f"{c}_suppressed" for c in COUNTS if f"{c}_suppressed" in table.columns]
    parts = []
    for _, rows in table.groupby(list(_GROUP), sort=False):
        strata = rows[~_is_pooled(rows)]
        rebuilt = _pool_table(strata[["stratum", "group_a", "group_b", *COUNTS]].reset_index(drop=True),
                              what=str(rows["what"].iloc[0]), strata_by=str(rows["strata_by"].iloc[0]),
                              confidence=confidence, min_size=min_size, alpha=alpha)
        for flag in flags:
            rebuilt[flag] = [*strata[flag].astype(bool), bool(pd.isna(rebuilt[flag.removesuffix("_suppressed")]
                                                                          .iloc[-1]))]
        parts.append(rebuilt)
    out = pd.concat(parts, ignore_index=True)
    return out[[c for c in table.columns if c in out.columns]]
