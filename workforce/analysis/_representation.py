"""Representation: whether the workforce reflects the population it serves.

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
* which benchmark (area and ages) each row was compared with;
* the shortfall: how many more staff from the group it would take, with no one
  leaving, for the group's share to reach the population share
  (``ceil((p·n − k) / (1 − p))``);
* the appointments needed: how many of the next N appointments would need to
  come from the group for its share to reach the population share by a target
  year, at the current size (see "Appointments needed" below);
* a flag: under-represented, over-represented, no evidence of a difference, or
  insufficient data (fewer than ``min_size`` staff with a known group).

Age is compared in the standard bands (16-24 ... 55-64, and 65+ with
``ages="all"``) or in ESR's own five-year bands (<=20, 21-25 ... 61-65, and to
>=71 with ``ages="all"``): ``banding="auto"`` takes ESR's when more people have
an ESR band than a standard one, which is an export that gives only ESR's bands
(ESR's 21-25, 31-35 ... straddle the standard bands); an age or date of birth
gives both.  The method's "age bands" note says which was used.

Shares use the staff whose group is known and comparable with the benchmark.
The others (unknown ethnicity, sex recorded as Other, ages outside the
benchmark's ages) are always reported in ``unknown_count`` and
``unknown_share``; with ``bounds=True`` each share and ratio is also worked
out with all of them inside the group and all of them outside it, the best
and worst case.

Appointments needed
-------------------
The shortfall above is true to its definition but can exceed the whole
organisation (thousands more White staff for a trust of 737), because no one
leaves.  The appointments needed answer the question a board can act on:

* the organisation (or subgroup) keeps its current size S, the staff whose
  group is known (as the shares use: ``staff_total``);
* N appointments are made by the target year, each replacing a leaver, and
  the leavers have today's mix: the group, with k staff and share s = k/S,
  loses N·s of them;
* to reach the population share p, k − N·s + x ≥ p·S, so the group needs
  x = N·s + (p − s)·S of the N appointments, rounded up to whole people
  (``appointments_needed``), which is ``appointments_share_needed`` = x/N of
  them.  When x > N the benchmark cannot be reached with N appointments:
  ``reachable`` is False and the share needed is above 1 (100%).

Worked example: S = 100, k = 25, p = 0.30, N = 20: x = 20 × 0.25 + 0.05 × 100
= 10, half of the appointments (20 leavers take 5 of the 25; 20 + 10 = 30 =
30% of 100).

N is given (``appointments=``; with ``by=``, shared among the subgroups in
proportion to their S, rounded to whole appointments), or it is an
appointment rate a year (``appointment_rate=``, by default 10% of S a year:
a proposed planning assumption, not an NHS figure) times the years from the
snapshot's year to ``target_year`` (by default three years on), rounded to
whole appointments.  The target is the snapshot's day of the year in the
target year (31 March 2025 to 31 March 2028: three years).  Every row gives
its N (``appointments``) and ``target_year``, and ``.method["appointments
needed"]`` says how N was chosen.  The three figures are given only for groups
below the population share (the rows with a shortfall); the others are blank,
as they need nothing to reach it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, Margin, Part, ResultSpec, columns
from .._wording import either
from ..codes import grade_group
from ..errors import WorkforceError
from ..populations import Benchmark
from ._cohort import counted_people, text_codes
from ._stats import benjamini_hochberg, binomial_test, wilson_interval

if TYPE_CHECKING:
    from ..load import StaffTable

__all__ = ["representation", "icb_view", "REPRESENTATION_COLUMNS", "LEVELS", "SPLITS"]

#: Ethnicity levels and the staff column holding each.
LEVELS = {"census19": "ethnicity_census19", "census5": "ethnicity_census5", "nhs5": "ethnicity_nhs5",
          "wres": "wres_group"}
#: The options of :func:`representation` (the keys of ``LEVELS``, ``_CHARACTERISTICS`` and ``SPLITS``).
Level = Literal["nhs5", "census5", "census19", "wres"]
Characteristic = Literal["ethnicity", "sex", "age", "age_band"]   # "age_band": the older name of "age"
Split = Literal["organisation", "band_group", "staff_group", "clinical_group"]
#: Age bandings: the standard bands, ESR's five-year bands, or whichever more people have (see the module notes).
Banding = Literal["auto", "census", "esr"]
#: Each age banding's staff column, which is also its benchmark level.
BANDINGS = {"census": "age_band", "esr": "esr_age_band"}
#: Characteristics (the names the ladder and promotion use too) and their staff column and benchmark level
#: (ethnicity's depend on ``level``).
_CHARACTERISTICS: dict[str, str] = {"ethnicity": "", "sex": "sex", "age": "age_band"}
_ALIASES = {"age_band": "age"}
#: What ``by=`` may split on.
SPLITS = {"organisation": "organisation", "band_group": None, "staff_group": "staff_group",
          "clinical_group": "clinical_group"}
#: Census 2021 groups that NHS ethnic category codes cannot tell apart from another group.
_FOLD_CENSUS19 = {"White: Roma": "White: Other White",
                  "Other ethnic group: Arab": "Other ethnic group: Any other ethnic group"}
_FLAGS = ("under-represented", "over-represented", "no evidence of a difference", "insufficient data",
          "none in the benchmark")

_SUBGROUP = ("by", "subgroup", "characteristic", "level")
#: The proposed appointment rate (a share of the staff a year) and years to the target, when not given: planning
#: assumptions to change with ``appointment_rate=`` and ``target_year=``, not NHS figures.
APPOINTMENT_RATE, YEARS_AHEAD = 0.10, 3

#: What ``representation`` (and ``icb_view``) returns: its columns, the counts behind them and its chart.
REPRESENTATION = ResultSpec(
    kind=Kind.REPRESENTATION,
    title="Representation against a population",
    columns=columns(
        ("by", "str", "what the table is split by (organisation, band_group, ...), or 'all'"),
        ("subgroup", "str", "the subgroup compared ('All staff' when not split)"),
        ("characteristic", "str", "ethnicity, sex, age, or an intersection such as 'sex × ethnicity'"),
        ("level", "str", "the ethnic grouping (nhs5, census5, census19, wres); empty for sex and age"),
        ("group", "str", "the group compared"),
        ("staff_count", "int64", "staff of the group (one row per person)"),
        ("staff_total", "int64", "staff of known group in the subgroup: the denominator of the shares"),
        ("staff_share", "float64", "staff_count / staff_total"),
        ("staff_share_ci_low", "float64", "lower limit of the Wilson interval of staff_share"),
        ("staff_share_ci_high", "float64", "upper limit of the Wilson interval of staff_share"),
        ("population_share", "float64", "the group's share of the benchmark population"),
        ("ratio", "float64", "representation ratio: staff_share / population_share"),
        ("ratio_ci_low", "float64", "lower limit of the ratio's interval (Wilson limit / population share)"),
        ("ratio_ci_high", "float64", "upper limit of the ratio's interval"),
        ("difference_pp", "float64", "(staff_share - population_share) x 100, percentage points"),
        ("p_value", "float64", "exact two-sided binomial test of staff_count against population_share"),
        ("p_adjusted", "float64", "p_value adjusted (Benjamini-Hochberg) across the groups of the subgroup"),
        ("shortfall", "Int64", "more staff of the group needed, with no one leaving, to reach the population "
                                 "share (0 when at or above it)"),
        ("appointments", "Int64", "the appointments assumed by target_year (N), each replacing a leaver: given, "
                                  "or the appointment rate (10% of staff a year unless given) x staff_total x years "
                                  "to target_year, rounded", "appointments"),
        ("target_year", "int64", "the year by which the population share is to be reached (on the snapshot's day "
                                 "of the year)", "year"),
        ("appointments_needed", "Int64", "how many of the N appointments must come from the group (x) for it to reach "
                                         "the population share at the current size, leavers having today's mix: "
                                         "N x staff_share + (population_share - staff_share) x staff_total, rounded "
                                         "up; blank when the group is at or above the share", "appointments"),
        ("appointments_share_needed", "float64", "the share of the N appointments that must come from the group: "
                                                 "appointments_needed / appointments (above 1: more than all of "
                                                 "them); blank when at or above the share",
         "proportion of the appointments (above 1: out of reach)"),
        ("reachable", "boolean", "TRUE where appointments_needed is at most appointments (the share can be reached "
                                 "by target_year); blank when at or above the share"),
        ("flag", "category", "under-represented, over-represented, no evidence of a difference, insufficient data, "
                             "or none in the benchmark (the population has no one in the group: no ratio, no test)"),
        ("unknown_count", "int64", "staff of the subgroup whose group is unknown or not comparable"),
        ("unknown_share", "float64", "unknown_count / all staff of the subgroup"),
        ("share_if_unknown_in", "float64", "staff_share if every unknown were in the group (bounds=True)"),
        ("share_if_unknown_out", "float64", "staff_share if no unknown were in the group (bounds=True)"),
        ("ratio_if_unknown_in", "float64", "ratio if every unknown were in the group (bounds=True)"),
        ("ratio_if_unknown_out", "float64", "ratio if no unknown were in the group (bounds=True)"),
        ("benchmark", "str", "the area the row was compared with"),
        ("benchmark_ages", "str", "the ages of the benchmark population (16-64 or all)"),
    ),
    cells=CountCells(
        counts={"staff_count": _SUBGROUP + ("group",), "staff_total": _SUBGROUP, "unknown_count": _SUBGROUP,
                "all_staff": _SUBGROUP},
        hidden={"all_staff": lambda t: t["staff_total"] + t["unknown_count"]},  # = unknown_count / unknown_share
        margins=(
            Margin(Part("staff_total"), (Part("staff_count"),), _SUBGROUP),
            Margin(Part("all_staff"), (Part("staff_count"), Part("unknown_count")), _SUBGROUP, prefer_total=True),
            Margin(Part("all_staff"), (Part("staff_total"), Part("unknown_count")), _SUBGROUP, prefer_total=True),
        ),
        derived=(
            Derived(("staff_share", "staff_share_ci_low", "staff_share_ci_high", "ratio", "ratio_ci_low", "ratio_ci_high",
                     "difference_pp", "p_value", "p_adjusted", "shortfall", "appointments_needed",
                     "appointments_share_needed", "reachable", "flag"), ("staff_count", "staff_total")),
            Derived(("appointments",), ("staff_total",)),   # N = rate x staff_total x years would give it away
            Derived(("unknown_share",), ("unknown_count", "all_staff")),
            Derived(("share_if_unknown_in", "share_if_unknown_out", "ratio_if_unknown_in", "ratio_if_unknown_out"),
                    ("staff_count", "staff_total", "unknown_count")),
        ),
        recompute=lambda table, method: _adjust_published(table, method),
    ),
    chart="representation_chart",
)
#: ``icb_view``: the representation table with ``by`` "organisation", each against its own benchmark.
ICB_VIEW = replace(REPRESENTATION, kind=Kind.ICB_VIEW, title="Organisations against their own benchmarks",
                   chart="funnel_chart")
#: Columns of ``representation(...).table``, always in this order.
REPRESENTATION_COLUMNS = REPRESENTATION.names


def representation(
    staff: StaffTable | pd.DataFrame,
    population: Benchmark,
    *,
    characteristic: Characteristic | Sequence[Characteristic] = "ethnicity",
    level: Level = "nhs5",
    by: Split | None = None,
    confidence: float = 0.95,
    alpha: float = 0.05,
    min_size: int = 30,
    bounds: bool = False,
    include_bank: bool = False,
    banding: Banding = "auto",
    appointments: int | None = None,
    appointment_rate: float | None = None,
    target_year: int | None = None,
) -> Result:
    """Compare the staff with a population benchmark, group by group.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff` (its ``people`` are used: one row
        per person).  With several snapshots, each organisation's latest is
        used.
    population : Benchmark
        A benchmark from :func:`workforce.population` (for an area, a
        weighted combination, or your own population table).
    characteristic : {"ethnicity", "sex", "age"} or a pair
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
    banding : {"auto", "census", "esr"}
        The age bands compared: the standard bands (``"census"``), ESR's
        five-year bands (``"esr"``), or ``"auto"`` (the default): ESR's when
        more people have an ESR band than a standard band (an export giving
        only ESR's bands) and the benchmark has ESR's bands, else the
        standard ones.  ``.method["age bands"]`` says which.
    appointments : int, optional
        N, the appointments made by ``target_year`` (each replacing a
        leaver), for the appointments needed (see the module notes); with
        ``by``, shared among the subgroups in proportion to their staff.
    appointment_rate : float, optional
        Instead of ``appointments``: appointments a year as a share of the
        staff (default 0.10, a proposed planning assumption, not an NHS
        figure), N = rate x staff x years to ``target_year``.
    target_year : int, optional
        The year by which the population share is to be reached (default:
        the snapshot's year + 3).

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
    population = _checked(population)
    people, keep, snapshots = counted_people(staff, include_bank)
    characteristics = _characteristics(characteristic)
    if level not in LEVELS:
        raise WorkforceError(f"level {level!r} is not one of {list(LEVELS)}.")
    split, subgroup_names, subgroup_codes = _split(people, by, keep)
    age_bands = _age_banding(people, keep, population, banding) if "age" in characteristics else ""
    columns = {**_CHARACTERISTICS, "age": BANDINGS.get(age_bands, "age_band")}
    shares = {c: _population_shares(population, c, level, columns) for c in characteristics}
    rows = [_count_rows(codes, lookup, pop_share, split, subgroup_names, subgroup_codes, name,
                        level if "ethnicity" in name else "")
            for name, codes, lookup, pop_share in _families(people, characteristics, level, shares, columns)]
    counts = {column: np.concatenate([r[column] for r in rows]) for column in rows[0]}
    plan = _plan(appointments, appointment_rate, target_year, snapshots)
    table = _statistics(counts, confidence, alpha, min_size, bounds, plan)
    benchmark = population.provenance()
    table["benchmark"] = str(benchmark.get("area", ""))
    table["benchmark_ages"] = str(benchmark.get("ages", ""))
    return Result(table=table, spec=REPRESENTATION, benchmark=benchmark,
                  method=_method(confidence, alpha, min_size, bounds, include_bank, level, characteristics,
                                 snapshots, age_bands, population.ages, plan))


def icb_view(staff: StaffTable | pd.DataFrame, benchmarks: Mapping[str, Benchmark], **options: Any) -> Result:
    """Each organisation against its own benchmark, side by side.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        Staff of several organisations (for example the trusts of an ICB).
    benchmarks : dict
        Organisation name (as in the staff table) -> :class:`Benchmark` from
        :func:`workforce.population` (a trust's catchment, or a chosen area).
    **options
        Passed to :func:`representation` (not ``by``).  With age compared
        and ``banding="auto"``, one banding is chosen for all the
        organisations together, so that they compare side by side.  With
        ``appointments=N``, each organisation has N appointments; a rate
        (``appointment_rate=``, or the default) suits organisations of
        different sizes.

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
    if not isinstance(benchmarks, Mapping):
        raise WorkforceError(f"benchmarks must be a dict {{organisation: workforce.population(...)}}, not "
                             f"{type(benchmarks).__name__}.")
    benchmarks = {org: _checked(b, f"the benchmark of {org!r}") for org, b in benchmarks.items()}
    people = cast(pd.DataFrame, getattr(staff, "people", staff))
    organisation, names = text_codes(people["organisation"])   # as text, converted once per organisation
    known = set(names)
    missing = [org for org in benchmarks if org not in known]
    if missing:
        raise WorkforceError(f"no staff for {missing}; the organisations in the staff table are {sorted(known)}.")
    if options.get("banding", "auto") == "auto" and "age" in _characteristics(options.get("characteristic",
                                                                                          "ethnicity")):
        # one age banding for every organisation, so they compare side by side ("census" if any benchmark lacks ESR's)
        everyone, keep, _ = counted_people(people, bool(options.get("include_bank", False)))
        options = {**options, "banding": min(_age_banding(everyone, keep, b, "auto") for b in benchmarks.values())}
    tables, areas, method = [], {}, Method()
    for org, population in benchmarks.items():
        rows = np.isin(organisation, [code for code, name in enumerate(names) if name == org])
        one = representation(people[rows], population, **options)
        tables.append(one.table.assign(by="organisation", subgroup=org))
        areas[org] = one.benchmark
        method = one.method
    return Result(table=pd.concat(tables, ignore_index=True), spec=ICB_VIEW, benchmark={"by organisation": areas},
                  method=method)


# ---------------------------------------------------------------- staff side


def _characteristics(characteristic) -> list[str]:
    chars = [characteristic] if isinstance(characteristic, str) else list(characteristic)
    chars = [_ALIASES.get(c, c) if isinstance(c, str) else c for c in chars]
    bad = [c for c in chars if c not in _CHARACTERISTICS]
    if bad or not 1 <= len(chars) <= 2 or len(set(chars)) != len(chars):
        raise WorkforceError(f"characteristic must be one of {list(_CHARACTERISTICS)}, or a pair of them such as "
                             f"('sex', 'ethnicity'); got {characteristic!r}.")
    return chars


def _split(people: pd.DataFrame, by: str | None, keep: np.ndarray):
    """Subgroup names, and each compared row's subgroup number (-1: not compared)."""
    if by is None:
        return "all", ["All staff"], keep
    if by not in SPLITS:
        raise WorkforceError(f"by={by!r} is not one of {list(SPLITS)}.")
    values = grade_group(people["band"], people["pay_system"]) if by == "band_group" else people[SPLITS[by]]
    values = values.astype("category")
    codes = np.where(keep, values.cat.codes.to_numpy(), -1).astype(np.intp)
    return by, [str(v) for v in values.cat.categories], codes


def _age_banding(people: pd.DataFrame, keep: np.ndarray, population: Benchmark, banding: str) -> str:
    """The age banding compared: "census" or "esr" (``banding="auto"``: ESR's when more people counted have it)."""
    if banding not in ("auto", *BANDINGS):
        raise WorkforceError(f"banding={banding!r} is not one of {['auto', *BANDINGS]}.")
    if banding != "auto":
        return banding
    if BANDINGS["esr"] not in people or BANDINGS["esr"] not in population.levels:
        return "census"
    counted = keep if keep.dtype == bool else keep >= 0
    known = {name: int((people[column].notna().to_numpy() & counted).sum()) if column in people else 0
             for name, column in BANDINGS.items()}
    return "esr" if known["esr"] > known["census"] else "census"


def _category_codes(people: pd.DataFrame, characteristic: str, level: str, groups: pd.Index,
                    columns: Mapping[str, str] = _CHARACTERISTICS):
    """Each person's category code, and the position of each category in ``groups``.

    Counting happens on the category codes; categories are mapped to the
    benchmark's groups afterwards (-1: unknown, or not one of its groups), so
    no per-person lookup is needed.
    """
    column = LEVELS[level] if characteristic == "ethnicity" else columns[characteristic]
    values = people[column]
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("category")
    labels = pd.Series(values.cat.categories.astype(str))
    if characteristic == "ethnicity" and level == "census19":
        labels = labels.replace(_FOLD_CENSUS19)
    return values.cat.codes.to_numpy(), groups.get_indexer(pd.Index(labels))


def _families(people, characteristics, level, shares, columns=_CHARACTERISTICS):
    """(name, category codes, category -> group, population shares) per characteristic and intersection."""
    coded = {c: _category_codes(people, c, level, shares[c].index, columns) for c in characteristics}
    for c in characteristics:
        yield c, coded[c][0], coded[c][1], shares[c]
    if len(characteristics) == 2:
        a, b = characteristics
        (codes_a, map_a), (codes_b, map_b) = coded[a], coded[b]
        width = len(map_b) + 1  # b's categories and "missing"
        # joint code (a + 1) * width + (b + 1) - 1: -1 only when both are missing
        codes = (codes_a.astype(np.intp) + 1) * width + codes_b + 1 - 1
        lookup = np.full((len(map_a) + 1) * width - 1, -1, dtype=np.intp)
        for ia, ga in enumerate(map_a):
            for ib, gb in enumerate(map_b):
                if ga >= 0 and gb >= 0:
                    lookup[(ia + 1) * width + ib] = ga * len(shares[b]) + gb
        joint = pd.Series({f"{x} × {y}": shares[a][x] * shares[b][y] for x in shares[a].index for y in shares[b].index})
        yield f"{a} × {b}", codes, lookup, joint


def _count_rows(codes, lookup, pop_share, split, subgroup_names, subgroup_codes, name, level) -> dict:
    """Counts of each group within each subgroup, by counting category codes.

    Categories are counted (a missing category in a column of its own), then
    summed into the benchmark's groups through ``lookup``.
    """
    n_cat, n_groups, n_sub = len(lookup), len(pop_share), len(subgroup_names)
    by_category = _count_categories(codes, n_cat, subgroup_codes, n_sub)  # (n_sub, n_cat + 1), missing last
    into_group = np.zeros((n_cat, n_groups), dtype=np.int64)
    mapped = np.flatnonzero(lookup >= 0)
    into_group[mapped, lookup[mapped]] = 1
    counts = by_category[:, :n_cat] @ into_group
    everyone = by_category.sum(axis=1)
    present = everyone > 0
    counts, everyone = counts[present], everyone[present]
    names = np.asarray(subgroup_names, dtype=object)[present]
    totals = counts.sum(axis=1)
    rows = len(names) * n_groups
    return {
        "by": np.full(rows, split, dtype=object), "subgroup": np.repeat(names, n_groups),
        "characteristic": np.full(rows, name, dtype=object), "level": np.full(rows, level, dtype=object),
        "group": np.tile(np.asarray(pop_share.index.astype(str), dtype=object), len(names)),
        "staff_count": counts.ravel(), "staff_total": np.repeat(totals, n_groups),
        "population_share": np.tile(pop_share.to_numpy(dtype=float), len(names)),
        "unknown_count": np.repeat(everyone - totals, n_groups), "all_staff": np.repeat(everyone, n_groups),
    }


def _count_categories(codes: np.ndarray, n_cat: int, subgroup_codes, n_sub: int) -> np.ndarray:
    """Counts of category codes (-1: missing) per subgroup (-1: not compared); missing in the last column.

    Small integer codes are counted as unsigned, where -1 becomes the largest
    value: no arithmetic over the rows is needed, which matters for national
    tables.
    """
    if codes.dtype.itemsize <= 2:
        values = codes.view(np.uint8 if codes.dtype.itemsize == 1 else np.uint16)
        width = 256 if codes.dtype.itemsize == 1 else 65536
    else:
        values, width = np.where(codes < 0, n_cat, codes).astype(np.intp), n_cat + 1
    if subgroup_codes.dtype == bool and width == 256:  # one subgroup given as a mask: its bit on top
        bins = (subgroup_codes.view(np.uint8).astype(np.uint16) << 8) | values
        counts = np.bincount(bins, minlength=512)[None, 256:]
    elif subgroup_codes.dtype == bool:
        counts = np.bincount(values[subgroup_codes], minlength=width)[None, :]
    else:
        bins = (subgroup_codes + 1) * width + values
        counts = np.bincount(bins, minlength=(n_sub + 1) * width).reshape(n_sub + 1, width)[1:]
    return np.column_stack([counts[:, :n_cat], counts[:, n_cat:].sum(axis=1)])


# ---------------------------------------------------------------- population side


def _checked(population: object, what: str = "population") -> Benchmark:
    """The benchmark, or a WorkforceError saying how to make one."""
    if isinstance(population, Benchmark):
        return population
    if isinstance(population, pd.DataFrame):
        table = ("; it looks like a benchmark's .table: pass the benchmark itself"
                 if {"level", "group", "share"} <= set(population.columns) else "")
        raise WorkforceError(
            f"{what} is a DataFrame; it must be a Benchmark from workforce.population(...): an area such as "
            f"workforce.population('Leicester'), or your own population table (columns area, group, count) "
            f"read with workforce.population(table_or_path){table}."
        )
    raise WorkforceError(f"{what} must be a Benchmark from workforce.population(...), not "
                         f"{type(population).__name__}.")


def _population_shares(population: Benchmark, characteristic: str, level: str,
                       columns: Mapping[str, str] = _CHARACTERISTICS) -> pd.Series:
    """Population shares of the groups compared, indexed by group label (``columns``: each characteristic's level)."""
    wanted = level if characteristic == "ethnicity" else columns[characteristic]
    shares = population.shares(wanted)
    groups = list(shares.index)
    if wanted == "census19":
        groups = [_FOLD_CENSUS19.get(g, g) for g in groups]
    merged: dict[str, float] = {}
    for group, value in zip(groups, shares.to_numpy()):  # a handful of groups; folded ones add up
        merged[group] = merged.get(group, 0.0) + value
    total = sum(merged.values())
    return pd.Series({g: v / total for g, v in merged.items()}, dtype=float)


# ---------------------------------------------------------------- statistics


def _test_families(table: pd.DataFrame) -> np.ndarray:
    """The rows whose p-values are adjusted together: the groups of one subgroup and characteristic."""
    key = pd.Series(table["subgroup"]).astype(str) + "\x1f" + pd.Series(table["characteristic"]).astype(str)
    return pd.factorize(key)[0]


def _adjust(raw: np.ndarray, family: np.ndarray) -> np.ndarray:
    adjusted = np.full(len(raw), np.nan)
    for f in range(family.max() + 1 if len(family) else 0):
        adjusted[family == f] = benjamini_hochberg(raw[family == f])
    return adjusted


def _flags(adjusted: np.ndarray, share: np.ndarray, p: np.ndarray, enough: np.ndarray, alpha: float) -> np.ndarray:
    significant = adjusted < alpha
    return np.where(p == 0, _FLAGS[4], np.where(~enough | ~np.isfinite(p), _FLAGS[3],
                    np.where(significant & (share < p), _FLAGS[0],
                             np.where(significant & (share > p), _FLAGS[1], _FLAGS[2]))))


def _adjust_published(table: pd.DataFrame, method: Method) -> pd.DataFrame:
    """After suppression: p_adjusted and the flag made again from the published p-values only.

    Benjamini-Hochberg over a family that includes a hidden row would carry
    the hidden row's p-value (and so its count) into the visible rows'
    adjusted p-values; over the published rows alone it does not.
    """
    if not {"p_value", "p_adjusted", "flag", "staff_share", "population_share"} <= set(table.columns):
        return table   # a table of counts only (hand-made)
    out = table.copy()
    raw = pd.to_numeric(out["p_value"], errors="coerce").to_numpy(dtype=float)
    adjusted = _adjust(raw, _test_families(out))
    shown = out["flag"].notna().to_numpy()
    keep = out["flag"].astype(object).eq(_FLAGS[3]).to_numpy() | ~np.isfinite(raw)   # untested rows keep theirs
    share = pd.to_numeric(out["staff_share"], errors="coerce").to_numpy(dtype=float)
    p = pd.to_numeric(out["population_share"], errors="coerce").to_numpy(dtype=float)
    flag = _flags(adjusted, share, p, np.ones(len(out), dtype=bool), float(method["alpha"]))
    out["p_adjusted"] = adjusted
    out["flag"] = pd.Categorical(np.where(shown & ~keep, flag, out["flag"].astype(object)), categories=_FLAGS)
    return out


@dataclass(frozen=True)
class _Plan:
    """The appointments assumed by the target year: ``given`` in all, or ``rate`` of the staff a year."""

    target_year: int
    years: int
    given: int | None
    rate: float

    def describe(self) -> str:
        """The method's words: how N was chosen, and the formula."""
        if self.given is not None:
            n = (f"{self.given} appointments by {self.target_year} (given; with a split, shared among the "
                 f"subgroups in proportion to their staff of known group)")
        else:
            n = (f"N = {self.rate:.0%} of staff a year x {self.years} years to {self.target_year}, rounded (a "
                 f"proposed planning assumption, not an NHS figure; change it with "
                 f"{either('appointments= or appointment_rate=', '--appointments N or --appointments 12%')})")
        return (f"how many of the next N appointments must come from the group for its share to reach the "
                f"population share by {self.target_year}, at the current size S, each appointment replacing a "
                f"leaver with today's mix: ceil(N x s + (p - s) x S); " + n)


def _plan(appointments, appointment_rate, target_year, snapshots: Sequence[str]) -> _Plan:
    """The appointments assumed, checked: a plain message naming what is accepted."""
    years_known = [int(d[:4]) for d in snapshots if d[:4].isdigit()]
    snapshot_year = max(years_known) if years_known else pd.Timestamp.today().year
    if target_year is None:
        target_year = snapshot_year + YEARS_AHEAD
    if isinstance(target_year, bool) or not isinstance(target_year, (int, np.integer)) or target_year <= snapshot_year:
        raise WorkforceError(f"{either('target_year', '--target-year')} must be a year after the snapshot's, "
                             f"{snapshot_year}, such as {snapshot_year + YEARS_AHEAD}; not {target_year!r}.")
    if appointments is not None and (isinstance(appointments, bool) or not isinstance(appointments, (int, np.integer))
                                     or appointments < 1):
        raise WorkforceError(f"{either('appointments', '--appointments')} must be a whole number, at least 1 (the "
                             f"appointments made by the target year), not {appointments!r}.")
    if appointments is not None and appointment_rate is not None:
        raise WorkforceError("give the appointments (appointments=) or a yearly rate (appointment_rate=), not both.")
    rate = APPOINTMENT_RATE if appointment_rate is None else appointment_rate
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)) or not 0 < rate <= 1:
        raise WorkforceError(f"{either('appointment_rate', '--appointments')} must be a share of staff a year above 0 "
                             f"and at most 1 ({either('0.1', '10%')} is one in ten staff a year), not {rate!r}.")
    return _Plan(int(target_year), int(target_year) - snapshot_year,
                 None if appointments is None else int(appointments), float(rate))


def _appointments(c: dict, plan: _Plan) -> dict:
    """N for each row, and the appointments needed from the group (blank where it is at or above the share).

    See the module notes: x = N·s + (p − s)·S, rounded up, with S the
    subgroup's staff of known group and s = k/S.
    """
    k = c["staff_count"].astype(float)
    size = c["staff_total"].astype(float)
    p = c["population_share"]
    if plan.given is None:
        n = np.floor(plan.rate * size * plan.years + 0.5 + 1e-9)
    else:   # shared among the subgroups of each characteristic by size: all of it when not split
        keys = pd.DataFrame({"characteristic": c["characteristic"], "subgroup": c["subgroup"], "size": size})
        whole = keys.drop_duplicates(["characteristic", "subgroup"]).groupby("characteristic")["size"].sum()
        total = keys["characteristic"].map(whole).to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            n = np.where(total > 0, np.floor(plan.given * size / np.where(total > 0, total, 1) + 0.5 + 1e-9), 0)
    below = (size > 0) & (p * size > k)
    with np.errstate(invalid="ignore", divide="ignore"):
        needed = np.ceil(n * k / np.where(size > 0, size, 1) + p * size - k - 1e-9)
        share = np.where(n > 0, needed / n, np.nan)
    return {
        "appointments": pd.array(n, dtype="Int64"),
        "target_year": np.full(len(k), plan.target_year, dtype=np.int64),
        "appointments_needed": pd.array(np.where(below, np.maximum(needed, 0), np.nan), dtype="Int64"),
        "appointments_share_needed": np.where(below, share, np.nan),
        "reachable": pd.arrays.BooleanArray(needed <= n, mask=~below),
    }


def _statistics(c: dict, confidence, alpha, min_size, bounds, plan: _Plan) -> pd.DataFrame:
    """The table, from the counts: shares, intervals, ratios, tests, flags (numpy throughout)."""
    k = c["staff_count"].astype(float)
    n = c["staff_total"].astype(float)
    p = c["population_share"]
    u = c["unknown_count"].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, k / n, np.nan)
        low, high = wilson_interval(k, n, confidence)
        shortfall = np.where((p * n > k) & (p < 1), np.ceil((p * n - k) / (1 - p) - 1e-9), 0)
        unknown_share = u / c["all_staff"]
        inside, outside = (k + u) / (n + u), k / (n + u)
    enough = n >= min_size
    raw = np.where(enough, binomial_test(k, n, p), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):   # no ratio against a population share of 0
        per_share = np.where(p > 0, 1 / p, np.nan)
    family = _test_families(pd.DataFrame({"subgroup": c["subgroup"], "characteristic": c["characteristic"]}))
    adjusted = _adjust(raw, family)
    flag = _flags(adjusted, share, p, enough, alpha)
    missing = np.full(len(k), np.nan)
    columns = {
        **{name: c[name] for name in ("by", "subgroup", "characteristic", "level", "group")},
        "staff_count": c["staff_count"], "staff_total": c["staff_total"], "staff_share": share,
        "staff_share_ci_low": low, "staff_share_ci_high": high, "population_share": p,
        "ratio": share * per_share, "ratio_ci_low": low * per_share, "ratio_ci_high": high * per_share,
        "difference_pp": (share - p) * 100,
        "p_value": raw, "p_adjusted": adjusted, "shortfall": pd.array(shortfall, dtype="Int64"),
        **_appointments(c, plan),
        "flag": pd.Categorical(flag, categories=_FLAGS),
        "unknown_count": c["unknown_count"], "unknown_share": unknown_share,
        "share_if_unknown_in": inside if bounds else missing, "share_if_unknown_out": outside if bounds else missing,
        "ratio_if_unknown_in": inside * per_share if bounds else missing,
        "ratio_if_unknown_out": outside * per_share if bounds else missing,
    }
    table = pd.DataFrame(columns)
    for text in ("by", "subgroup", "characteristic", "level", "group"):
        table[text] = table[text].astype("str")
    return table


def _age_note(age_bands: str, ages: str) -> str:
    """The method's words for the age banding used ("" when age is not compared)."""
    if age_bands == "esr":
        last = ">=71" if ages == "all" else "61-65 (ages 16-65: ESR's 61-65 cannot be split at 64)"
        return (f"ESR's five-year bands, <=20 (ages 16-20) to {last}; the benchmark's shares spread each Census "
                f"five-year band evenly over its single years")
    if age_bands == "census":
        return "the standard bands 16-24 ... " + ("65+" if ages == "all" else "55-64")
    return ""


def _method(confidence, alpha, min_size, bounds, include_bank, level, characteristics, snapshots,
            age_bands: str = "", ages: str = "16-64", plan: _Plan | None = None) -> Method:
    return Method(
        confidence=confidence,
        interval="Wilson score",
        test="exact binomial, two-sided, minimum-likelihood rule (as scipy.stats.binomtest)",
        correction="Benjamini-Hochberg across the groups of each subgroup and characteristic",
        min_size=min_size,
        bank="included" if include_bank else "people with only bank assignments left out",
        snapshots=snapshots,
        notes={
            "characteristic": " × ".join(characteristics),
            "ethnicity level": level,
            "staff": "one row per person (primary assignment); each organisation's latest snapshot"
                     + ("" if include_bank else "; people with only bank assignments left out"),
            "denominator": "staff whose group is known and in the benchmark's groups; the rest are in "
                           "unknown_count",
            "ratio interval": "Wilson limits divided by the population share (a census count, treated as known)",
            "alpha": alpha,
            "shortfall": "more staff from the group needed, with no one leaving, to reach the population share",
            **({"appointments needed": plan.describe(), "target year": plan.target_year} if plan else {}),
            "intersections": "population share of an intersection = product of the two shares (no cross-table at "
                             "local authority level), an approximation" if len(characteristics) == 2 else "",
            "bounds": "unknowns all inside / all outside each group" if bounds else "not computed",
            **({"age bands": _age_note(age_bands, ages)} if age_bands else {}),
        },
    )
