"""Population benchmarks: the make-up of the population a workforce serves.

:func:`population` gives, for an area, the number and share of people in each
group of six classifications (``level``): the 19 Census 2021 ethnic groups
(``census19``), the five high-level groups with Chinese in Asian (``census5``)
or in Other as in the NHS 2001 codes (``nhs5``), WRES White / BME (``wres``),
``sex`` (Female, Male), ``age_band`` (16-24 ... 65+) and ``esr_age_band``
(ESR's five-year bands <=20, 21-25 ... 66-70, >=71).  The data are the
Census 2021 tables shipped in ``workforce/data/population`` (see its
``SOURCES.md``; Open Government Licence v3.0).

Notes
-----
``ages="all"``
    Census counts as published: TS021 ethnic group (19 categories) and TS009
    sex, for usual residents of all ages.  Shares use the sum of the 19 groups
    as the denominator, as ONS's own percentages do.
``ages="16-64"`` (the default; the working-age population)
    No table of ethnic group by age is shipped at local-authority level, so
    each area's 16-64 ethnic mix is estimated by *indirect standardisation*.
    For each of the 19 groups, the area's all-ages count is multiplied by the
    England and Wales share of its broad group (White, Mixed, Asian, Black,
    Other) that is aged 16-64 (the national age by ethnic group table; ages
    15-19 form one band there, of which 4/5 is taken as 16-19, assuming ages
    spread evenly within it).  The 19 results are then scaled so that they sum
    to the area's own Census 16-64 total (TS009).  Sex for 16-64 is counted
    directly (TS009 females and males aged 16-64).
Age bands
    Only the national (England and Wales) age structure is shipped, so an
    area's age bands are its 16-64 (or all-ages) total spread by the national
    structure: every area has the national age mix.  With ``ages="all"`` the
    bands 16-24 ... 65+ cover people aged 16 and over (children are in no
    band), so their shares are within the population aged 16 and over.
ESR's age bands
    ESR's five-year bands end one year inside the Census five-year bands
    (ESR's 21-25 against the Census 20-24 and 25-29), and no single-year-of-age
    table is shipped, so each Census band's people are spread evenly over its
    five single years (:data:`ESR_BAND_AGES` lists the ages of each band):
    ESR's 21-25 is 4/5 of the Census 20-24 band and 1/5 of 25-29.  ESR's
    "<=20" is ages 16-20.  With ``ages="16-64"`` the bands run from <=20 to
    61-65, and 61-65 is kept whole (ages 16-65 in all): staff in ESR's 61-65
    band cannot be split at 64, and cutting only the population's band would
    understate its share by about a fifth.  With ``ages="all"`` they run to
    >=71 and cover the population aged 16 and over.
ICBs and NHS regions
    Sums of local authorities.  A local authority split between ICBs is
    divided by the share of its population in each (April 2023 local
    authorities and April 2024 ICBs; ``boundaries="2021"`` uses 2021 local
    authorities and July 2022 ICBs, splitting by count of LSOAs).  Regions are
    sums of their ICBs.
Combinations and catchments
    A dict ``{area: weight}`` gives each group the weighted mean of the areas'
    shares (weights scaled to sum to 1); an acute trust's catchment weights
    local authorities by the share of the trust's admissions from each
    (OHID).  Their counts are notional (share times the weighted mean of the
    areas' totals): use the shares.

Limits:

* The 16-64 ethnic mix is an estimate that assumes each broad ethnic group
  has the national age structure in every area; it is off where a group's
  local age structure differs (a university town, a retirement coast), and
  groups within one broad group share one adjustment.
* Census 2021 counts are perturbed by ONS (cell-key perturbation): small
  counts are approximate, and totals differ slightly between tables.
* The Census describes 21 March 2021.
* Trust catchments are only available where the OHID catchment file is
  shipped; it is not at present, because its licence could not be confirmed
  (a trust's ODS code then raises a :class:`~workforce.errors.PopulationError`
  that says so and suggests the trust's ICB).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ..codes import AGE_BANDS, ESR_AGE_BANDS, age_interval, census_categories
from ..errors import PopulationError
from ._areas import SOURCES, Area, Mixture, check_boundaries, lad_table, list_areas, read_data, resolve
from ._benchmark import AGES, POPULATION_COLUMNS, Ages, Benchmark, BenchmarkArea, Boundaries
from ._levels import LEVELS

__all__ = ["POPULATION_COLUMNS", "LEVELS", "ESR_BAND_AGES", "population", "list_areas"]

_WORKING = [b for b in AGE_BANDS if b != "65+"]
#: The ages (first, last) each of ESR's bands covers in a benchmark.  "<=20" starts at 16, as every band does.  With
#: ages="16-64" the bands stop at 61-65, kept whole (16-65 in all): staff in it cannot be split at 64.
ESR_BAND_AGES: dict[str, tuple[float, float]] = {
    "<=20": (16, 20), **{b: (int(b[:2]), int(b[3:])) for b in ESR_AGE_BANDS[1:-1]}, ">=71": (71, np.inf)}
_ESR_WORKING = [b for b in ESR_AGE_BANDS if ESR_BAND_AGES[b][0] <= 64]   # <=20 ... 61-65
_ETHNIC = ("census19", "census5", "nhs5", "wres")
_TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls")

_CAVEATS = {
    "perturbation": "Census 2021 counts are perturbed by ONS (cell-key perturbation): small counts are "
                    "approximate and totals differ slightly between tables. Ethnic shares use the sum of the 19 "
                    "groups as the denominator, as ONS does. The Census describes 21 March 2021.",
    "16-64": "There is no ethnic group by age table at local-authority level here, so the 16-64 ethnic mix is "
             "estimated by indirect standardisation: each group's all-ages count times the England and Wales "
             "share of its broad group aged 16-64, scaled to the area's own Census 16-64 total. This assumes each "
             "broad group has the national age structure in every area, which is off where a group's local age "
             "structure differs (for example many students); groups within a broad group share one adjustment. "
             "The national 15-19 band is split 4/5 into 16-19, assuming ages spread evenly within it.",
    "age_band": "Age bands are the area's total spread by the England and Wales age structure: no local age "
                "structure is shipped, so every area has the national age mix.",
    "age_band_all": "With ages='all', age bands cover people aged 16 and over (children are in no band); their "
                    "shares are within the population aged 16 and over.",
    "esr_age_band": "ESR's five-year age bands (<=20, 21-25 ... >=71) end one year inside the Census five-year bands, "
                    "and no single-year-of-age table is shipped: each Census band's people are spread evenly over "
                    "its five years (ESR's 21-25 is 4/5 of the Census 20-24 band and 1/5 of 25-29), an "
                    "approximation. ESR's <=20 is ages 16-20.",
    "esr_age_band_16_64": "With ages='16-64', ESR's bands run from <=20 to 61-65, and 61-65 is kept whole, so they "
                          "cover ages 16-65: staff in ESR's 61-65 band cannot be split at 64.",
}


# ---------------------------------------------------------------- reference tables


@lru_cache(maxsize=1)
def _categories() -> pd.DataFrame:
    """The 19 Census groups (cached)."""
    return census_categories()


def _inside(label: str, low: float, high: float) -> float:
    """Fraction of a national age band (a label such as "Aged 15 to 19 years") inside ages low-high."""
    interval = age_interval(label)
    if interval is None:
        raise PopulationError(f"the age band {label!r} of the Census data is not recognised.")
    a, b = interval
    a = max(a, 0)  # "Aged 4 years and under" starts at 0
    if b < low or a > high:
        return 0.0
    if a >= low and b <= high:
        return 1.0
    if np.isinf(a) or np.isinf(b):
        raise ValueError(f"open age band {label!r} only partly inside {low}-{high}")
    return (min(b, high) - max(a, low) + 1) / (b - a + 1)  # ages spread evenly within the band


def _band_share(counts: pd.Series, low: float, high: float) -> float:
    """Share of the people in ``counts`` (indexed by national age label) aged low-high."""
    weights = np.array([_inside(label, low, high) for label in counts.index])
    return float((counts.to_numpy(dtype=float) * weights).sum() / counts.sum())


def _working_age_fractions(age_by_ethnic_group: pd.DataFrame) -> pd.Series:
    """Share of each broad ethnic group aged 16-64, from the national age (18) by ethnic group (6) table.

    Examples
    --------
    A made-up table: of the 10 White people aged 15-19, 8 count as 16-19, so
    (8 + 20) / 40 = 0.7 of White people are 16-64; of Other, (4 + 5) / 20 = 0.45.

    >>> t = pd.DataFrame({"Age (B) (18 categories)": ["Aged 15 to 19 years", "Aged 20 to 24 years",
    ...                                               "Aged 65 to 69 years"] * 2,
    ...                   "Ethnic group (6 categories)": ["White"] * 3 + ["Other ethnic group"] * 3,
    ...                   "Observation": [10, 20, 10, 5, 5, 10]})
    >>> _working_age_fractions(t).round(3).to_dict()
    {'Other': 0.45, 'White': 0.7}
    """
    table = age_by_ethnic_group.rename(columns={"Age (B) (18 categories)": "age",
                                                "Ethnic group (6 categories)": "group", "Observation": "n"})
    table = table[table["group"] != "Does not apply"]
    group = table["group"].str.split().str[0].str.rstrip(",")  # "Asian, Asian British or ..." -> "Asian"
    inside = table["n"] * table["age"].map(lambda label: _inside(label, 16, 64))
    sums = pd.DataFrame({"inside": inside, "n": table["n"]}).groupby(group.to_numpy()).sum()
    return sums["inside"] / sums["n"]


def _indirect_standardise(counts: pd.DataFrame, broad: pd.Series, fractions: pd.Series,
                          totals: pd.Series) -> pd.DataFrame:
    """Estimate each area's 16-64 counts by group from its all-ages counts.

    Parameters
    ----------
    counts : DataFrame
        All-ages counts, one row per area, one column per group.
    broad : Series
        Each column's broad group (index: the columns of ``counts``).
    fractions : Series
        National share of each broad group aged 16-64.
    totals : Series
        Each area's own 16-64 total (index: the rows of ``counts``).

    Examples
    --------
    >>> counts = pd.DataFrame({"a": [100.0], "b": [100.0]})
    >>> _indirect_standardise(counts, pd.Series({"a": "X", "b": "Y"}), pd.Series({"X": 0.5, "Y": 0.75}),
    ...                       pd.Series([100.0])).round(1).values.tolist()
    [[40.0, 60.0]]
    """
    expected = counts * broad.map(fractions).reindex(counts.columns).to_numpy()
    return expected.mul(totals / expected.sum(axis=1), axis=0)


@lru_cache(maxsize=1)
def _national_age_structure() -> pd.Series:
    table = read_data("census2021_ew_age18_by_sex.csv.gz")
    return table.groupby("Age (B) (18 categories)", sort=False)["Observation"].sum()


def _age_band_fractions(ages: str, banding: str = "age_band") -> pd.Series:
    """Each age band's people as a fraction of the all-ages (or 16-64) national population.

    ``banding`` "age_band" (16-24 ... 65+) or "esr_age_band" (ESR's <=20 ... >=71, see :data:`ESR_BAND_AGES`).  A
    Census five-year band that a band's edge cuts is spread evenly over its single years.
    """
    people = _national_age_structure()
    spans: dict[str, tuple[float, float]]
    if banding == "esr_age_band":
        spans = {b: ESR_BAND_AGES[b] for b in (ESR_AGE_BANDS if ages == "all" else _ESR_WORKING)}
    else:
        spans = {b: (65, np.inf) if b == "65+" else (int(b[:2]), int(b[3:]))
                 for b in (AGE_BANDS if ages == "all" else _WORKING)}
    low, high = (0, np.inf) if ages == "all" else (16, 64)
    base = _band_share(people, low, high)
    return pd.Series({band: _band_share(people, a, b) / base for band, (a, b) in spans.items()})


@lru_cache(maxsize=4)
def _lad_counts(vintage: str, ages: str) -> pd.DataFrame:
    """Counts for every LAD of one vintage: rows LAD codes, columns (level, group)."""
    lads = lad_table(vintage)
    cats = _categories()
    eth = lads[cats["column"]].astype(float)
    if ages == "16-64":
        totals = (lads["ts009_female_16_64"] + lads["ts009_male_16_64"]).astype(float)
        fractions = _working_age_fractions(read_data("census2021_ew_age18_by_ethnic_group6.csv.gz"))
        eth = _indirect_standardise(eth, cats.set_index("column")["census5"], fractions, totals)
        sex = lads[["ts009_female_16_64", "ts009_male_16_64"]]
    else:
        totals = lads["ts009_all_usual_residents"].astype(float)
        sex = lads[["ts009_female", "ts009_male"]]
    eth.columns = cats["label"]
    parts = {"census19": eth}
    for level in ("census5", "nhs5", "wres"):
        parts[level] = eth.T.groupby(cats[level].to_numpy()).sum().T[LEVELS[level]]
    parts["sex"] = sex.set_axis(LEVELS["sex"], axis=1).astype(float)
    for banding in ("age_band", "esr_age_band"):
        bands = _age_band_fractions(ages, banding)
        parts[banding] = pd.DataFrame(np.outer(totals, bands), index=lads.index, columns=bands.index)
    return pd.concat(parts, axis=1, names=["level", "group"])


# ---------------------------------------------------------------- areas to counts


def _area_counts(area: Area, ages: str) -> pd.Series:
    codes, fractions = zip(*area.lads)
    table = _lad_counts(area.vintage, ages)
    return pd.Series(np.asarray(fractions) @ table.loc[list(codes)].to_numpy(), index=table.columns)


def _mixture_counts(parts, ages: str) -> pd.Series:
    """Weighted mean of the areas' shares, times the weighted mean of their totals, level by level."""
    share: pd.Series | float = 0.0
    total: pd.Series | float = 0.0
    for area, weight in parts:
        counts = _area_counts(area, ages)
        sums = counts.groupby(level="level", sort=False).transform("sum")
        share = share + weight * counts / sums
        total = total + weight * sums
    assert isinstance(share, pd.Series) and isinstance(total, pd.Series)  # a mixture has parts
    return share * total


_BASE_METHOD = {
    ("all", "ethnic"): "census count",
    ("16-64", "ethnic"): "indirect standardisation to 16-64",
    ("all", "sex"): "census count",
    ("16-64", "sex"): "census count",
    ("all", "age_band"): "national age structure",
    ("16-64", "age_band"): "national age structure",
    ("all", "esr_age_band"): "national age structure; Census five-year bands spread evenly over single years",
    ("16-64", "esr_age_band"): "national age structure, ages 16-65 (ESR's 61-65 kept whole); Census five-year bands "
                               "spread evenly over single years",
}


def _methods(levels: pd.Index, ages: str, how: str) -> list[str]:
    out = []
    for level in levels:
        base = _BASE_METHOD[ages, "ethnic" if level in _ETHNIC else level]
        out.append(f"{how}; {base}" if how else base)
    return out


def _frame(counts: pd.Series, *, area: str, area_type: str, ages: str, methods: list[str]) -> pd.DataFrame:
    levels = counts.index.get_level_values("level")
    share = counts / counts.groupby(level="level", sort=False).transform("sum")
    return pd.DataFrame({
        "area": area, "area_type": area_type, "ages": ages, "level": levels,
        "group": counts.index.get_level_values("group"), "count": counts.to_numpy(dtype=float),
        "share": share.to_numpy(dtype=float), "method": methods,
    }, columns=POPULATION_COLUMNS).astype({c: "str" for c in ("area", "area_type", "ages", "level", "group", "method")})


def _method_text(built: Area | Mixture, ages: str) -> str:
    if isinstance(built, Mixture):
        where = ("a weighted combination of areas (each group's share is the weighted mean of the areas' shares)"
                 if built.type == "combination" else
                 "a trust catchment (local authorities' shares weighted by the share of the trust's admissions "
                 "from each, OHID)")
    elif built.type == "local authority":
        where = "one local authority"
    else:
        where = f"{built.type} built as a sum of local authorities ({built.how})"
    if ages == "all":
        return (f"Census 2021 counts, all ages, for {where}; age bands (standard and ESR's) from the national age "
                f"structure.")
    return (f"Census 2021 counts for {where}; the 16-64 ethnic mix estimated by indirect standardisation to the "
            f"Census 16-64 total; sex aged 16-64 counted directly; age bands (standard and ESR's, ESR's to 65) "
            f"from the national age structure.")


# ---------------------------------------------------------------- public


def population(area: str | Mapping[str, float] | pd.DataFrame | os.PathLike[str], *,
               ages: Ages = "16-64", boundaries: Boundaries = "2023") -> Benchmark:
    """The make-up of an area's population, as a benchmark for representation.

    Parameters
    ----------
    area : str, dict, DataFrame or path
        * a local authority: code (``"E06000016"``) or name (``"Leicester"``),
          2021 or 2023 boundaries; names ignore case and punctuation;
        * an ICB: ONS code (``"E54000015"``), ODS code (``"QK1"``) or name,
          with or without "NHS" and "Integrated Care Board" / "ICB";
        * an NHS region: code (``"E40000011"``, ``"Y60"``) or name (``"Midlands"``);
        * ``"England"`` or ``"England and Wales"``;
        * an acute trust's ODS code (``"RWE"``) for its catchment (only where
          the catchment data are shipped; see the module notes);
        * a dict ``{area: weight}``: a weighted combination (weights are
          scaled to sum to 1);
        * a population table: a DataFrame, or the path of a ``.csv`` or
          ``.xlsx`` file, with columns area, group and count (and optionally
          age_band), as declared in ``schemas/population.yaml``.  Groups are
          the 19 Census labels, the 5 high-level groups (read as Census
          groups, Chinese in Asian), White / BME, Female / Male or age bands;
          every group of a classification must have a row (0 if none).
    ages : {"16-64", "all"}
        The working-age population (default; ethnic mix estimated, see the
        module notes) or all usual residents.
    boundaries : {"2023", "2021"}
        Local authority and ICB vintage: April 2023 local authorities with the
        April 2024 ICBs (default), or 2021 local authorities with the July
        2022 ICBs.  Codes of either vintage are accepted under both.

    Returns
    -------
    Benchmark
        ``.table`` has the columns ``POPULATION_COLUMNS``: ``area``,
        ``area_type``, ``ages``, ``level`` (census19, census5, nhs5, wres,
        sex, age_band, esr_age_band), ``group``, ``count``, ``share``
        (within area, ages and level) and ``method``.  The other fields hold the areas used (code,
        name, type, weight), ages, boundaries, a description of the method,
        the sources and the caveats; ``.provenance()`` gives them as a dict.

    Raises
    ------
    PopulationError
        An unknown area (with the closest names), bad weights, or a
        population table with a missing group, an unknown group or a count
        that is negative or not a number (naming the row and column).

    Examples
    --------
    >>> pop = population("Leicester", ages="all")
    >>> pop
    <Benchmark: Leicester (E06000016), ages all; levels census19, census5, nhs5, wres, sex, age_band, esr_age_band>
    >>> pop.shares("census5").round(3).to_dict()
    {'White': 0.409, 'Mixed': 0.038, 'Asian': 0.434, 'Black': 0.078, 'Other': 0.041}
    >>> working = population("QK1")                     # the ICB, ages 16-64
    >>> working.table[working.table["level"] == "wres"]["share"].round(3).tolist()
    [0.704, 0.296]
    >>> working.areas[0].name
    'NHS Leicester, Leicestershire and Rutland Integrated Care Board'
    >>> population({"Leicester": 1, "Rutland": 1}, ages="all").area
    '50% Leicester (E06000016) + 50% Rutland (E06000017)'
    """
    if ages not in AGES:
        raise PopulationError(f"ages={ages!r} is not one of {list(AGES)}.")
    boundaries = check_boundaries(boundaries)
    if _is_table(area):
        from ._user_table import user_population

        counts, info = user_population(area, ages)
        frame = _frame(counts, area=info["area"], area_type="user table", ages=ages, methods=info["methods"])
        return Benchmark(frame, area=info["area"], area_type="user table", ages=ages, areas=tuple(info["areas"]),
                         boundaries=None, method=info["method"], sources=tuple(info["sources"]),
                         caveats=tuple(info["caveats"]))
    built = resolve(cast("str | Mapping[str, float]", area), boundaries)  # not a table (above)
    if isinstance(built, Mixture):
        counts = _mixture_counts(built.parts, ages)
        display, area_type, areas = built.display, built.type, list(built.areas)
    else:
        counts = _area_counts(built, ages)
        display, area_type, areas = built.display, built.type, [built.info()]
    levels = counts.index.get_level_values("level")
    frame = _frame(counts, area=display, area_type=area_type, ages=ages, methods=_methods(levels, ages, built.how))
    sources = list(built.sources) + [SOURCES["age_sex"]]
    if ages == "16-64":
        sources.append(SOURCES["age_eth"])
    caveats = [_CAVEATS["perturbation"]] + ([_CAVEATS["16-64"]] if ages == "16-64" else [])
    caveats += [_CAVEATS["age_band"]] + ([_CAVEATS["age_band_all"]] if ages == "all" else [])
    caveats += [_CAVEATS["esr_age_band"]] + ([_CAVEATS["esr_age_band_16_64"]] if ages == "16-64" else [])
    caveats += list(built.caveats)
    return Benchmark(frame, area=display, area_type=area_type, ages=ages,
                     areas=tuple(BenchmarkArea.from_dict(a) for a in areas), boundaries=boundaries, method=_method_text(built, ages),
                     sources=(*sources, SOURCES["licence"]), caveats=tuple(caveats))


def _is_table(area) -> bool:
    if isinstance(area, (pd.DataFrame, os.PathLike)):
        return True
    return isinstance(area, str) and Path(area.strip()).suffix.lower() in _TABLE_SUFFIXES
