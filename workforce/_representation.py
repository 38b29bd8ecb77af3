"""Representation: does the workforce reflect the population it serves?

For each group (an ethnic group, a sex, an age band, or a sex × ethnicity
intersection), the staff share is compared with the population share of a
benchmark made by :func:`workforce.population`:

* staff count and share, with a Wilson score interval;
* the representation ratio, staff share ÷ population share.  The population
  share comes from a census count, so it is treated as known, and the ratio's
  interval is the Wilson interval divided by the population share;
* the difference in percentage points;
* an exact two-sided binomial test of the staff count against the population
  share, with Benjamini-Hochberg adjustment across the groups compared in the
  same subgroup (both p-values are shown);
* the shortfall: how many more staff from the group it would take, with no one
  leaving, for the group's share to reach the population share
  (``ceil((p·n − k) / (1 − p))``);
* a flag: under-represented, over-represented, no evidence of a difference, or
  insufficient data (fewer than ``min_size`` staff with a known group).

Shares use the staff whose group is known and comparable with the benchmark.
The others (unknown ethnicity, sex recorded as Other, ages outside the
benchmark's ages) are always reported in ``unknown_count`` and
``unknown_share``; with ``bounds=True`` each share and ratio is also worked
out with all of them inside the group and all of them outside it, the best
and worst case.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._bands import grade_group
from ._result import Result
from ._stats import benjamini_hochberg, binomial_test, wilson_interval
from ._version import __version__
from .errors import WorkforceError

__all__ = ["representation", "icb_view", "REPRESENTATION_COLUMNS", "LEVELS", "SPLITS"]

#: Ethnicity levels and the staff column holding each.
LEVELS = {"census19": "ethnicity_census19", "census5": "ethnicity_census5", "nhs5": "ethnicity_nhs5",
          "wres": "wres_group"}
#: Characteristics and their staff column (ethnicity's depends on ``level``).
_CHARACTERISTICS = {"ethnicity": None, "sex": "sex", "age_band": "age_band"}
#: What ``by=`` may split on.
SPLITS = {"organisation": "organisation", "band_group": None, "staff_group": "staff_group",
          "clinical_group": "clinical_group"}
#: Census 2021 groups that NHS ethnic category codes cannot tell apart from another group.
_FOLD_CENSUS19 = {"White: Roma": "White: Other White",
                  "Other ethnic group: Arab": "Other ethnic group: Any other ethnic group"}
_FLAGS = ("under-represented", "over-represented", "no evidence of a difference", "insufficient data")

#: Columns of ``representation(...).table``, always in this order.
REPRESENTATION_COLUMNS = [
    "by", "subgroup", "characteristic", "level", "group",
    "staff_count", "staff_total", "staff_share", "staff_share_low", "staff_share_high",
    "population_share", "ratio", "ratio_low", "ratio_high", "difference_pp",
    "p_value", "p_adjusted", "shortfall", "flag",
    "unknown_count", "unknown_share",
    "share_if_unknown_in", "share_if_unknown_out", "ratio_if_unknown_in", "ratio_if_unknown_out",
]


def representation(
    staff,
    population: pd.DataFrame,
    *,
    characteristic: str | Sequence[str] = "ethnicity",
    level: str = "nhs5",
    by: str | None = None,
    confidence: float = 0.95,
    alpha: float = 0.05,
    min_size: int = 30,
    bounds: bool = False,
    include_bank: bool = False,
) -> Result:
    """Compare the staff with a population benchmark, group by group.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff` (its ``people`` are used: one row
        per person).  With several snapshots, each organisation's latest is
        used.
    population : pandas.DataFrame
        A benchmark from :func:`workforce.population`.
    characteristic : {"ethnicity", "sex", "age_band"} or a pair
        A pair such as ``("sex", "ethnicity")`` compares the intersections,
        with the rows for each characteristic on its own alongside.
    level : {"nhs5", "census5", "census19", "wres"}
        The ethnic grouping: five groups with Chinese in Other (NHS 2001
        codes, the default for NHS-coded staff) or in Asian (Census 2021), the
        Census 2021 19 groups (Roma counted with Other White and Arab with Any
        other ethnic group, as NHS codes cannot tell them apart), or White /
        BME.
    by : {"organisation", "band_group", "staff_group", "clinical_group"}, optional
        Repeat the comparison within each subgroup (band groups are 1-4, 5-7,
        8a-8b, 8c+ with VSM, Medical, Other pay).
    confidence, alpha : float
        Interval level, and the adjusted p-value below which a difference is
        flagged.
    min_size : int
        Fewer staff than this with a known group gives "insufficient data".
    bounds : bool
        Also give each share and ratio with the unknowns all inside and all
        outside the group.
    include_bank : bool
        Count people whose only assignments are bank (left out by default, as
        in WRES and WDES).

    Returns
    -------
    Result
        ``.table`` has the columns :data:`REPRESENTATION_COLUMNS`.

    Examples
    --------
    >>> import workforce
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> result = workforce.representation(staff, workforce.population("Leicester"))
    >>> result.table[["group", "staff_share", "population_share", "flag"]].shape
    (5, 4)
    """
    people = _people(staff, include_bank)
    characteristics = _characteristics(characteristic)
    if level not in LEVELS:
        raise WorkforceError(f"level {level!r} is not one of {list(LEVELS)}.")
    split, subgroups = _split(people, by)
    shares = {c: _population_shares(population, c, level) for c in characteristics}
    rows = []
    for name, labels, pop_share in _families(people, characteristics, level, shares):
        for subgroup, mask in subgroups:
            rows.append(_count_rows(labels[mask], pop_share, split, subgroup, name, level if "ethnicity" in name else ""))
    table = pd.concat(rows, ignore_index=True)
    table = _statistics(table, confidence, alpha, min_size, bounds)
    return Result(table=table[REPRESENTATION_COLUMNS], benchmark=_benchmark(population),
                  method=_method(confidence, alpha, min_size, bounds, include_bank, level, characteristics, people))


def icb_view(staff, benchmarks: dict, **options) -> Result:
    """Each organisation against its own benchmark, side by side.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        Staff of several organisations (for example the trusts of an ICB).
    benchmarks : dict
        Organisation name (as in the staff table) -> population benchmark
        (a trust's catchment, or a chosen area).
    **options
        Passed to :func:`representation` (not ``by``).

    Returns
    -------
    Result
        ``by`` is "organisation" and ``subgroup`` the organisation; the
        benchmark records each organisation's area.

    Examples
    --------
    >>> import workforce
    >>> files = ["soar_valley_staff_in_post_2025-03-31.xlsx", "rutland_vale_staff_in_post_2025-03-31.xlsx"]
    >>> staff = workforce.load_staff([workforce.sample_data(f) for f in files])
    >>> view = workforce.icb_view(staff, {"Soar Valley Hospitals NHS Trust": workforce.population("Leicester"),
    ...                                   "Rutland Vale Healthcare NHS Trust": workforce.population("Rutland")})
    >>> sorted(view.table["subgroup"].unique())
    ['Rutland Vale Healthcare NHS Trust', 'Soar Valley Hospitals NHS Trust']
    """
    if "by" in options:
        raise WorkforceError("icb_view splits by organisation itself; leave out by=.")
    people = staff.people if hasattr(staff, "people") else staff
    known = set(people["organisation"].dropna().astype(str))
    missing = [org for org in benchmarks if org not in known]
    if missing:
        raise WorkforceError(f"no staff for {missing}; the organisations in the staff table are {sorted(known)}.")
    tables, areas, method = [], {}, {}
    for org, population in benchmarks.items():
        one = representation(people[people["organisation"].astype(str) == org], population, **options)
        tables.append(one.table.assign(by="organisation", subgroup=org))
        areas[org] = one.benchmark
        method = one.method
    return Result(table=pd.concat(tables, ignore_index=True), benchmark={"by organisation": areas},
                  method={**method, "analysis": "icb_view"})


# ---------------------------------------------------------------- staff side


def _people(staff, include_bank: bool) -> pd.DataFrame:
    people = staff.people if hasattr(staff, "people") else staff
    if not isinstance(people, pd.DataFrame) or "person_id" not in people:
        raise WorkforceError("staff must be the result of workforce.load_staff (or its .people table).")
    if not include_bank:
        people = people[~people["is_bank"].astype(bool)]
    latest = people.groupby("organisation", observed=True)["snapshot_date"].transform("max")
    return people[people["snapshot_date"] == latest]


def _characteristics(characteristic) -> list[str]:
    chars = [characteristic] if isinstance(characteristic, str) else list(characteristic)
    bad = [c for c in chars if c not in _CHARACTERISTICS]
    if bad or not 1 <= len(chars) <= 2 or len(set(chars)) != len(chars):
        raise WorkforceError(f"characteristic must be one of {list(_CHARACTERISTICS)}, or a pair of them such as "
                             f"('sex', 'ethnicity'); got {characteristic!r}.")
    return chars


def _split(people: pd.DataFrame, by: str | None):
    if by is None:
        return "all", [("All staff", np.ones(len(people), dtype=bool))]
    if by not in SPLITS:
        raise WorkforceError(f"by={by!r} is not one of {list(SPLITS)}.")
    values = (grade_group(people["band"], people["pay_system"]) if by == "band_group" else people[SPLITS[by]])
    values = values.astype("category")
    return by, [(str(v), (values == v).to_numpy()) for v in values.cat.categories if (values == v).any()]


def _staff_labels(people: pd.DataFrame, characteristic: str, level: str) -> pd.Series:
    column = LEVELS[level] if characteristic == "ethnicity" else _CHARACTERISTICS[characteristic]
    labels = people[column].astype("object")
    if characteristic == "ethnicity" and level == "census19":
        labels = labels.replace(_FOLD_CENSUS19)
    return labels


def _families(people, characteristics, level, shares):
    """(name, staff labels, population shares) for each characteristic and their intersection."""
    singles = {c: _staff_labels(people, c, level) for c in characteristics}
    for c in characteristics:
        yield c, singles[c].where(singles[c].isin(shares[c].index)).to_numpy(), shares[c]
    if len(characteristics) == 2:
        a, b = characteristics
        known = singles[a].isin(shares[a].index) & singles[b].isin(shares[b].index)
        labels = (singles[a].astype(str) + " × " + singles[b].astype(str)).where(known)
        joint = pd.Series({f"{x} × {y}": shares[a][x] * shares[b][y] for x in shares[a].index for y in shares[b].index})
        yield f"{a} × {b}", labels.to_numpy(), joint


def _count_rows(labels: np.ndarray, pop_share: pd.Series, split: str, subgroup: str, name: str, level: str):
    counts = pd.Series(labels).value_counts().reindex(pop_share.index, fill_value=0)
    total_staff = len(labels)
    known = int(counts.sum())
    return pd.DataFrame({
        "by": split, "subgroup": subgroup, "characteristic": name, "level": level,
        "group": pop_share.index.astype(str), "staff_count": counts.to_numpy(dtype=int), "staff_total": known,
        "population_share": pop_share.to_numpy(dtype=float), "unknown_count": total_staff - known,
        "_all_staff": total_staff,
    })


# ---------------------------------------------------------------- population side


def _population_shares(population: pd.DataFrame, characteristic: str, level: str) -> pd.Series:
    """Population shares of the groups compared, indexed by group label."""
    if not isinstance(population, pd.DataFrame) or not {"level", "group", "share"} <= set(population.columns):
        raise WorkforceError("population must be a benchmark from workforce.population(...).")
    wanted = level if characteristic == "ethnicity" else characteristic
    rows = population[population["level"] == wanted]
    if rows.empty:
        raise WorkforceError(f"the population benchmark has no '{wanted}' groups; it has "
                             f"{sorted(population['level'].unique())}.")
    shares = rows.groupby("group", sort=False)["share"].sum()
    if wanted == "census19":
        shares = shares.rename(index=_FOLD_CENSUS19).groupby(level=0, sort=False).sum()
    return shares / shares.sum()


def _benchmark(population: pd.DataFrame) -> dict:
    info = dict(population.attrs.get("benchmark", {}))
    for column in ("area", "area_type", "ages", "method"):
        if column in population and column not in info:
            values = population[column].dropna().unique()
            info[column] = values[0] if len(values) == 1 else list(values)
    return info


# ---------------------------------------------------------------- statistics


def _statistics(t: pd.DataFrame, confidence, alpha, min_size, bounds) -> pd.DataFrame:
    k = t["staff_count"].to_numpy(dtype=float)
    n = t["staff_total"].to_numpy(dtype=float)
    p = t["population_share"].to_numpy(dtype=float)
    u = t["unknown_count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, k / n, np.nan)
        low, high = wilson_interval(k, n, confidence)
        t["staff_share"], t["staff_share_low"], t["staff_share_high"] = share, low, high
        t["ratio"], t["ratio_low"], t["ratio_high"] = share / p, low / p, high / p
        t["difference_pp"] = (share - p) * 100
        t["shortfall"] = pd.array(np.where((p * n > k) & (p < 1), np.ceil((p * n - k) / (1 - p) - 1e-9), 0),
                                  dtype="Int64")
        t["unknown_share"] = u / t.pop("_all_staff").to_numpy(dtype=float)
        if bounds:
            t["share_if_unknown_in"] = (k + u) / (n + u)
            t["share_if_unknown_out"] = k / (n + u)
            t["ratio_if_unknown_in"] = t["share_if_unknown_in"] / p
            t["ratio_if_unknown_out"] = t["share_if_unknown_out"] / p
        else:
            for column in ("share_if_unknown_in", "share_if_unknown_out", "ratio_if_unknown_in", "ratio_if_unknown_out"):
                t[column] = np.nan
    enough = n >= min_size
    t["p_value"] = np.where(enough, binomial_test(k, n, p), np.nan)
    t["p_adjusted"] = np.nan
    for _, index in t.groupby(["by", "subgroup", "characteristic"], sort=False).groups.items():
        t.loc[index, "p_adjusted"] = benjamini_hochberg(t.loc[index, "p_value"].to_numpy())
    significant = t["p_adjusted"].to_numpy() < alpha
    flag = np.where(~enough | ~np.isfinite(p), _FLAGS[3],
                    np.where(significant & (share < p), _FLAGS[0],
                             np.where(significant & (share > p), _FLAGS[1], _FLAGS[2])))
    t["flag"] = pd.Categorical(flag, categories=_FLAGS)
    return t


def _method(confidence, alpha, min_size, bounds, include_bank, level, characteristics, people) -> dict:
    snapshots = sorted({str(d.date()) for d in people["snapshot_date"].dropna().unique()})
    return {
        "analysis": "representation",
        "characteristic": " × ".join(characteristics),
        "ethnicity level": level,
        "staff": "one row per person (primary assignment); each organisation's latest snapshot"
                 + ("" if include_bank else "; people with only bank assignments left out"),
        "snapshots": snapshots,
        "denominator": "staff whose group is known and in the benchmark's groups; the rest are in unknown_count",
        "interval": f"Wilson score, {confidence:.0%}",
        "ratio interval": "Wilson limits divided by the population share (a census count, treated as known)",
        "test": "exact binomial, two-sided (scipy.stats.binomtest)",
        "correction": "Benjamini-Hochberg across the groups of each subgroup and characteristic",
        "alpha": alpha,
        "minimum group size": min_size,
        "shortfall": "more staff from the group needed, with no one leaving, to reach the population share",
        "intersections": "population share of an intersection = product of the two shares (no cross-table at "
                         "local authority level), an approximation" if len(characteristics) == 2 else "",
        "bounds": "unknowns all inside / all outside each group" if bounds else "not computed",
        "version": f"workforce {__version__}",
    }
