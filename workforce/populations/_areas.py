"""Areas for population benchmarks: local authorities, ICBs, NHS regions, catchments.

Every named area is resolved to the local authorities (LADs) it is built from,
with the fraction of each LAD's population that is counted (:class:`Area`), or
to a weighted mixture of such areas (:class:`Mixture`: a ``{area: weight}``
dict, or an acute trust's catchment).  The data behind them are the files in
``workforce/data/population`` (see its ``SOURCES.md``); they are read on first
use and cached.

Names are matched ignoring case, spacing and punctuation ("&" reads as "and").
An ICB may be given by its ONS code (E54...), its ODS code (Qxx) or its name,
with or without "NHS" and "Integrated Care Board" / "ICB"; where a short ICB
name is also a local authority's name ("Dorset", "Somerset") the bare name
means the local authority.  ``boundaries`` chooses the vintage: "2023" (April
2023 LADs and the April 2024 ICBs, LADs split between ICBs by population) or
"2021" (2021 LADs and the July 2022 ICBs, split LADs divided by their count of
LSOAs).  LAD codes and names of either vintage are accepted under both.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from numbers import Real
from typing import Any, Literal, cast, get_args

import pandas as pd

from .._resources import resource, resource_path
from .._wording import either
from ..errors import PopulationError
from ._benchmark import BOUNDARIES, Boundaries

__all__ = [
    "Area",
    "Mixture",
    "AREA_TYPES",
    "AreaType",
    "list_areas",
    "resolve",
    "read_data",
    "lad_table",
    "trusts",
    "catchment_shares",
    "Trust",
]

#: The kinds of named area, as they appear in the ``area_type`` column.
AreaType = Literal["local authority", "ICB", "NHS region", "trust catchment", "England", "England and Wales"]
AREA_TYPES: tuple[str, ...] = get_args(AreaType)
CATCHMENT_FILE = "ohid_acute_trust_catchment_share_by_lad21.csv.gz"

def accepted() -> str:
    """What an area may be, in the reader's words (Python, or the command line's --area)."""
    return (
        "a local authority (code such as E06000016, or name; 2021 or 2023 boundaries), "
        "an ICB (ONS code E54..., ODS code such as QK1, or name), "
        "an NHS region (E40... or Y... code, or name), 'England', 'England and Wales', "
        "an acute trust's ODS code for its catchment (such as RWE), "
        + either("a dict {area: weight} for a weighted combination, "
                 "or a population table (a DataFrame, or the path of a .csv or .xlsx file). "
                 "workforce.list_areas() lists the names.",
                 "or the path of a population table (.csv or .xlsx; columns area, group, count).")
    )

SOURCES = {
    "ts021": "ONS, Census 2021, TS021 Ethnic group (19 categories), usual residents by local authority "
             "(2021 boundaries, and aggregated to April 2023 boundaries).",
    "ts009": "ONS, Census 2021, TS009 Sex by age: female, male and aged 16-64 totals by local authority.",
    "age_eth": "ONS, Census 2021, England and Wales: age (18 bands) by ethnic group (6 categories), custom dataset.",
    "age_sex": "ONS, Census 2021, England and Wales: age (18 bands) by sex, custom dataset.",
    "icb2023": "ONS, LSOA (2021) to Sub ICB Location to ICB to LAD (April 2024) lookup, LADs split by "
               "Census 2021 LSOA usual residents (derived).",
    "icb2021": "ONS, LSOA (2011) to Sub ICB Location to ICB (July 2022) lookup, LADs split by count of LSOAs (derived).",
    "region": "ONS, Sub ICB Location to ICB to NHS England (Region) (July 2022) lookup.",
    "trusts": "NHS England Organisation Data Service: NHS trusts and care trusts with their ICB (January 2024).",
    "catchment": "Office for Health Improvement and Disparities, NHS Acute (Hospital) Trust Catchment Populations "
                 "(18 October 2022), all admissions, shares by local authority (2021).",
    "licence": "Contains public sector information licensed under the Open Government Licence v3.0; "
               "see workforce/data/population/SOURCES.md.",
}

_SPLIT = {
    "2023": "a local authority split between ICBs is divided by the share of its Census 2021 population "
            "in each (ONS April 2024 LSOA to ICB lookup)",
    "2021": "a local authority split between ICBs is divided by the share of its LSOAs (not its population) "
            "in each (ONS July 2022 LSOA to ICB lookup)",
}


@dataclass(frozen=True)
class Area:
    """A named area, as the local authorities it is built from.

    ``lads`` holds (LAD code, fraction of that LAD's population counted) for
    LADs of the ``vintage`` table ("2021" or "2023").
    """

    code: str
    name: str
    type: str
    vintage: str
    lads: tuple[tuple[str, float], ...]
    how: str = ""  # how the LADs are summed, for the method column ("" for one LAD)
    ods_code: str = ""
    sources: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        return self.name if self.type in ("England", "England and Wales") else f"{self.name} ({self.code})"

    def info(self, weight: float = 1.0) -> dict:
        return {"code": self.code, "name": self.name, "type": self.type, "weight": weight,
                **({"ods_code": self.ods_code} if self.ods_code else {})}


@dataclass(frozen=True)
class Mixture:
    """A weighted mixture of areas: each group's share is the weighted mean of the areas' shares."""

    display: str
    type: str  # "combination" or "trust catchment"
    parts: tuple[tuple[Area, float], ...]  # weights sum to 1
    areas: tuple[dict, ...]  # what the user asked for, for Benchmark.areas
    how: str
    sources: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trust:
    code: str
    name: str
    icb_ods: str
    icb_name: str


# ---------------------------------------------------------------- data


def read_data(name: str, **options) -> pd.DataFrame:
    """One shipped file of ``workforce/data/population`` (gzip-compressed CSV)."""
    options.setdefault("dtype", {"SICBL22CDH": str, "SICBL24CDH": str})
    return pd.read_csv(resource_path("data", "population", name), **options)


@lru_cache(maxsize=2)
def lad_table(vintage: str) -> pd.DataFrame:
    """Census counts by LAD (``vintage`` "2021" or "2023"), indexed by LAD code, columns ``name``, ``country``, ..."""
    yy = vintage[2:]
    table = read_data(f"census2021_ts021_ethnic_group_lad{yy}.csv.gz")
    table = table.rename(columns={f"lad{yy}cd": "code", f"lad{yy}nm": "name"}).set_index("code")
    return table


@lru_cache(maxsize=2)
def _icb_lookup(vintage: str) -> pd.DataFrame:
    """LAD code, ICB code, ODS code, name and fraction of the LAD in the ICB."""
    if vintage == "2023":
        raw = read_data("lookup_lad23_sicbl24_icb24_en.csv.gz")
        cols = {"LAD23CD": "lad", "ICB24CD": "code", "ICB24CDH": "ods", "ICB24NM": "name",
                "share_of_lad_population": "fraction"}
    else:
        raw = read_data("lookup_lad22_sicbl22_icb22_nhser22_en.csv.gz")
        cols = {"LAD22CD": "lad", "ICB22CD": "code", "ICB22CDH": "ods", "ICB22NM": "name",
                "share_of_lad_lsoa11": "fraction"}
    raw = raw.rename(columns=cols)
    return raw.groupby(["code", "ods", "name", "lad"], as_index=False, sort=False)["fraction"].sum()  # type: ignore[return-value]  # as_index=False: a DataFrame


@lru_cache(maxsize=1)
def _icb_regions() -> pd.DataFrame:
    """ICB ODS code -> NHS region code, ODS code and name (July 2022 lookup)."""
    raw = read_data("lookup_sicbl22_icb22_nhser22_en.csv.gz")
    return (raw[["ICB22CD", "ICB22CDH", "NHSER22CD", "NHSER22CDH", "NHSER22NM"]].drop_duplicates()
            .rename(columns={"ICB22CD": "icb22", "ICB22CDH": "ods", "NHSER22CD": "code",
                             "NHSER22CDH": "region_ods", "NHSER22NM": "name"}))


@lru_cache(maxsize=1)
def trusts() -> dict[str, Trust]:
    raw = read_data("nhs_trusts_ods_etr_with_icb.csv.gz", dtype=str, keep_default_na=False)
    rows: Iterable[Any] = raw.itertuples()  # text columns (dtype=str)
    return {r.org_code: Trust(r.org_code, r.org_name, r.icb_ods_code, r.ICB22NM) for r in rows}


@lru_cache(maxsize=1)
def catchment_shares() -> pd.DataFrame | None:
    """OHID acute trust catchment shares by LAD (2021), or ``None`` where the file is not shipped."""
    if not resource("data", "population", CATCHMENT_FILE).is_file():
        return None
    return read_data(CATCHMENT_FILE)


# ---------------------------------------------------------------- building areas


def _lad_area(code: str, vintage: str) -> Area:
    row = lad_table(vintage).loc[code]
    return Area(code, str(row["name"]), "local authority", vintage, ((code, 1.0),),
                sources=(SOURCES["ts021"], SOURCES["ts009"]))


@lru_cache(maxsize=2)
def _icbs(vintage: str) -> dict[str, Area]:
    """ICB ODS code -> Area."""
    lookup = _icb_lookup(vintage)
    caveat = f"ICBs are built from local authorities: {_SPLIT[vintage]}."
    out: dict[str, Area] = {}
    for (code, ods, name), rows in lookup.groupby(["code", "ods", "name"], sort=False):
        lads = tuple(zip(rows["lad"], rows["fraction"].astype(float)))
        how = "LAD sum" + (" (population-weighted split)" if vintage == "2023" else " (LSOA-count split)")
        out[str(ods)] = Area(str(code), str(name), "ICB", vintage, lads, how, str(ods),
                        (SOURCES["ts021"], SOURCES["ts009"], SOURCES[f"icb{vintage}"]), (caveat,))
    return out


@lru_cache(maxsize=2)
def _regions(vintage: str) -> tuple[Area, ...]:
    """The NHS regions, each as the local authorities of its ICBs."""
    lookup = _icb_lookup(vintage).merge(_icb_regions()[["ods", "code", "region_ods", "name"]],
                                        on="ods", suffixes=("_icb", ""))
    caveat = (f"NHS regions are built from ICBs (joined by the ICB's ODS code to ONS's July 2022 ICB to region "
              f"lookup), and ICBs from local authorities: {_SPLIT[vintage]}.")
    out = []
    for (code, ods, name), rows in lookup.groupby(["code", "region_ods", "name"], sort=True):
        lads = rows.groupby("lad", sort=True)["fraction"].sum()
        how = "LAD sum" + (" (population-weighted split)" if vintage == "2023" else " (LSOA-count split)")
        out.append(Area(str(code), str(name), "NHS region", vintage, tuple(zip(lads.index, lads.astype(float))), how,
                        str(ods),
                        (SOURCES["ts021"], SOURCES["ts009"], SOURCES[f"icb{vintage}"], SOURCES["region"]),
                        (caveat,)))
    return tuple(out)


def _country(vintage: str, name: str) -> Area:
    table = lad_table(vintage)
    if name == "England":
        table = table[table["country"] == "England"]
    code = "E92000001" if name == "England" else "K04000001"
    return Area(code, name, name, vintage, tuple((c, 1.0) for c in table.index), "LAD sum", "",
                (SOURCES["ts021"], SOURCES["ts009"]))


def _key(text: object) -> str:
    """Lower case, '&' read as 'and', punctuation and spacing ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower().replace("&", " and ")))


def _icb_names(name: str) -> tuple[list[str], list[str]]:
    """(usual forms, bare short name) of an ICB name."""
    short = re.sub(r"^NHS\s+|\s+Integrated Care Board$", "", name)
    return [name, f"NHS {short} ICB", f"{short} ICB", f"NHS {short}", f"{short} Integrated Care Board"], [short]


def _lad_aliases(name: str) -> list[str]:
    match = re.fullmatch(r"(.+), (City|County) of", name)
    return [match[1], f"{match[2]} of {match[1]}"] if match else []


@lru_cache(maxsize=2)
def _registry(boundaries: str) -> tuple[dict[str, tuple], frozenset[str]]:
    """(name or code key -> the targets it may mean (more than one: ambiguous), the keys that are names)."""
    other = "2021" if boundaries == "2023" else "2023"
    tiers: list[list[tuple[Any, object]]] = [[], [], []]  # (name or code, target)
    for vintage, tier in ((boundaries, 0), (other, 1)):
        for code, name in lad_table(vintage)["name"].items():
            if tier and code in lad_table(boundaries).index:
                continue
            target = ("lad", code, vintage)
            tiers[tier] += [(code, target), (name, target)]
            tiers[2] += [(alias, target) for alias in _lad_aliases(name)]
    icbs = _icbs(boundaries)
    for ods, icb in icbs.items():
        forms, bare = _icb_names(icb.name)
        tiers[0] += [(icb.code, icb), (ods, icb)] + [(form, icb) for form in forms]
        tiers[2] += [(form, icb) for form in bare]
    for lookup_vintage in BOUNDARIES:  # E54 codes of the other vintage, by ODS code
        for code, ods in _icb_lookup(lookup_vintage)[["code", "ods"]].drop_duplicates().itertuples(index=False):
            if ods in icbs:
                tiers[1].append((code, icbs[ods]))
    for region in _regions(boundaries):
        forms = [region.name, f"NHS England {region.name}", f"{region.name} region", f"NHS {region.name}"]
        tiers[0] += [(region.code, region), (region.ods_code, region)] + [(form, region) for form in forms]
    for name in ("England", "England and Wales"):
        tiers[0] += [(name, ("country", name))]
    tiers[0] += [("E92000001", ("country", "England")), ("K04000001", ("country", "England and Wales"))]
    for trust in trusts().values():
        tiers[0] += [(trust.code, trust), (trust.name, trust)]
    codes = {_key(c) for c in lad_table("2021").index.union(lad_table("2023").index)}
    codes |= {_key(c) for a in (*icbs.values(), *_regions(boundaries)) for c in (a.code, a.ods_code)}
    codes |= {_key(c) for c in (*trusts(), "E92000001", "K04000001")}
    codes |= {_key(c) for v in BOUNDARIES for c in _icb_lookup(v)["code"]}
    registry: dict[str, tuple] = {}
    for entries in tiers:
        found: dict[str, list] = {}
        for text, meant in entries:
            key = _key(text)
            if key and key not in registry and meant not in found.setdefault(key, []):
                found[key].append(meant)
        registry.update({k: tuple(v) for k, v in found.items()})
    return registry, frozenset(registry) - codes


def _build(target, boundaries: str) -> Area | Mixture:
    if isinstance(target, Area):
        return target
    if isinstance(target, Trust):
        return _catchment(target)
    if target[0] == "lad":
        return _lad_area(target[1], target[2])
    return _country(boundaries, target[1])


def _describe(target, boundaries: str) -> str:
    if isinstance(target, Trust):
        return f"{target.name} ({target.code}, trust catchment)"
    built = _build(target, boundaries)
    return f"{built.display}, {built.type}"


def _no_catchments(trust: Trust | None = None) -> PopulationError:
    about = f"{trust.code} is {trust.name}, but t" if trust else "T"
    use = either(f"population({trust.icb_ods!r})", f"--icb {trust.icb_ods}") if trust and trust.icb_ods else ""
    instead = f" Use its ICB instead ({use}, {trust.icb_name})," if use and trust else " Use an ICB instead,"
    return PopulationError(
        f"{about}rust catchment benchmarks are not available: the OHID 'NHS Acute (Hospital) Trust Catchment "
        f"Populations' shares are not shipped with the package because their licence could not be confirmed "
        f"(see workforce/data/population/SOURCES.md).{instead} or weight local authorities yourself "
        + either("with a dict, for example population({'Leicester': 0.6, 'Blaby': 0.4}).",
                 "in a population table (columns area, group, count) given with --area FILE.")
    )


def _catchment(trust: Trust) -> Mixture:
    shares = catchment_shares()
    if shares is None:
        raise _no_catchments(trust)
    rows = shares[shares["trust_code"] == trust.code]
    if rows.empty:
        raise PopulationError(f"{trust.code} ({trust.name}) has no catchment in the OHID data: only acute trusts "
                              f"have one. Use its ICB ({trust.icb_ods or 'none recorded'}) or a dict of local "
                              f"authorities and weights.")
    known = rows[rows["lad21cd"].isin(lad_table("2021").index)]
    weights = known["share_of_trust_catchment"].astype(float)
    parts = tuple((_lad_area(c, "2021"), w / weights.sum()) for c, w in zip(known["lad21cd"], weights))
    name = str(rows["trust_name"].iloc[0]) if "trust_name" in rows else trust.name
    caveat = ("A trust catchment weights each local authority by the share of the trust's admissions (all "
              "admissions, pooled years) coming from it (OHID); the benchmark's share of each group is the "
              "catchment-weighted mean of the local authorities' shares.")
    return Mixture(f"{name} catchment ({trust.code})", "trust catchment", parts,
                   ({"code": trust.code, "name": name, "type": "trust catchment", "weight": 1.0},),
                   "catchment-weighted", (SOURCES["ts021"], SOURCES["ts009"], SOURCES["catchment"]), (caveat,))


def _unknown(text: str, boundaries: str) -> PopulationError:
    registry, names = _registry(boundaries)
    key = _key(text)
    close = difflib.get_close_matches(key, sorted(names), n=5, cutoff=0.75)
    if len(key) >= 3:  # names holding the text as a word ("Hull" -> "Kingston upon Hull, City of")
        close += sorted((k for k in names if re.search(rf"\b{re.escape(key)}\b", k)), key=len)[:5]
    labels = list(dict.fromkeys(_describe(t, boundaries) for k in close for t in registry[k]))
    hint = f" Closest names: {'; '.join(labels[:6])}." if labels else ""
    return PopulationError(f"no area called {text!r}.{hint} Accepted: {accepted()}")


def _named(text: str, boundaries: str) -> Area | Mixture:
    targets = _registry(boundaries)[0].get(_key(text))
    if not targets:
        raise _unknown(text, boundaries)
    if len(targets) > 1:
        options = "; ".join(_describe(t, boundaries) for t in targets)
        raise PopulationError(f"{text!r} is ambiguous: it may mean {options}. Give a code instead.")
    return _build(targets[0], boundaries)


def _percent(weight: float) -> str:
    return f"{100 * weight:.3g}%"


def _combination(weights: Mapping, boundaries: str) -> Mixture:
    if not weights:
        raise PopulationError("the dict of areas and weights is empty; give at least one {area: weight}.")
    pairs = []
    for name, weight in weights.items():
        if not isinstance(name, str):
            raise PopulationError(f"in a weighted combination each area must be a name or code, not {name!r}.")
        if isinstance(weight, bool) or not isinstance(weight, Real) or not math.isfinite(weight) or weight < 0:
            raise PopulationError(f"the weight of {name!r} is {weight!r}; weights must be numbers of zero or more.")
        pairs.append((_named(name, boundaries), float(weight)))
    total = sum(w for _, w in pairs)
    if total <= 0:
        raise PopulationError("the weights of a combination must not all be zero.")
    parts, areas, sources, caveats = [], [], [], []
    for built, weight in pairs:
        weight /= total
        if isinstance(built, Mixture):
            parts += [(a, weight * w) for a, w in built.parts]
            areas += [{**a, "weight": weight * a["weight"]} for a in built.areas]
        else:
            parts.append((built, weight))
            areas.append(built.info(weight))
        sources += [s for s in built.sources if s not in sources]
        caveats += [c for c in built.caveats if c not in caveats]
    display = " + ".join(f"{_percent(w)} {b.display}" for b, w in ((b, w / total) for b, w in pairs))
    caveats.append("A weighted combination's share of each group is the weighted mean of its areas' shares "
                   "(weights scaled to sum to 1); its count is that share times the weighted mean of the areas' "
                   "totals, a notional figure: use the share.")
    return Mixture(display, "combination", tuple(parts), tuple(areas), "weighted combination",
                   tuple(sources), tuple(caveats))


def check_boundaries(boundaries: object) -> Boundaries:
    text = str(boundaries)
    if text not in BOUNDARIES:
        raise PopulationError(f"boundaries={boundaries!r} is not one of {list(BOUNDARIES)}.")
    return cast(Boundaries, text)


def resolve(area: str | Mapping, boundaries: str = "2023") -> Area | Mixture:
    """The :class:`Area` or :class:`Mixture` an area argument means.

    Examples
    --------
    >>> resolve("leicester").display
    'Leicester (E06000016)'
    >>> icb = resolve("QK1")
    >>> icb.name, icb.type, len(icb.lads)
    ('NHS Leicester, Leicestershire and Rutland Integrated Care Board', 'ICB', 9)
    >>> resolve({"Leicester": 1, "Rutland": 3}).display
    '25% Leicester (E06000016) + 75% Rutland (E06000017)'
    """
    boundaries = check_boundaries(boundaries)
    if isinstance(area, Mapping):
        return _combination(area, boundaries)
    if not isinstance(area, str):
        raise PopulationError(f"area must be a name or code, a dict, a DataFrame or a file path, not "
                              f"{type(area).__name__}. Accepted: {accepted()}")
    return _named(area.strip(), boundaries)


def list_areas(kind: AreaType | None = None, *, boundaries: Boundaries = "2023") -> pd.DataFrame:
    """The named areas :func:`workforce.population` accepts.

    Parameters
    ----------
    kind : {"local authority", "ICB", "NHS region", "trust catchment", "England", "England and Wales"}, optional
        The kind of area (``AREA_TYPES``); all kinds when omitted (trust
        catchments only where their data are shipped).
    boundaries : {"2023", "2021"}
        Which ICBs (April 2024 or July 2022) to list.  Local authorities of
        both 2021 and 2023 boundaries are always listed: both are accepted.

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (ONS code, or ODS code for a trust), ``name``,
        ``type`` and ``ods_code`` (ICBs and regions; blank otherwise).

    Examples
    --------
    >>> icbs = list_areas("ICB")
    >>> len(icbs), icbs.columns.tolist()
    (42, ['code', 'name', 'type', 'ods_code'])
    >>> list_areas("NHS region")["name"].tolist()[:3]
    ['London', 'South East', 'South West']
    """
    boundaries = check_boundaries(boundaries)
    if kind is not None and kind not in AREA_TYPES:
        raise PopulationError(f"kind {kind!r} is not one of {list(AREA_TYPES)}.")
    rows = []
    lads = pd.concat([lad_table(boundaries)["name"], lad_table("2023" if boundaries == "2021" else "2021")["name"]])
    lads = lads[~lads.index.duplicated()].sort_index()
    rows += [(code, name, "local authority", "") for code, name in lads.items()]
    rows += [(a.code, a.name, "ICB", a.ods_code) for a in sorted(_icbs(boundaries).values(), key=lambda a: a.code)]
    rows += [(a.code, a.name, "NHS region", a.ods_code) for a in _regions(boundaries)]
    rows += [("E92000001", "England", "England", ""), ("K04000001", "England and Wales", "England and Wales", "")]
    shares = catchment_shares()
    if kind == "trust catchment" and shares is None:
        raise _no_catchments()
    if shares is not None:
        names = shares.drop_duplicates("trust_code").set_index("trust_code")["trust_name"]
        rows += [(code, name, "trust catchment", "") for code, name in names.sort_index().items()]
    table = pd.DataFrame(rows, columns=["code", "name", "type", "ods_code"])
    if kind is not None:
        table = table[table["type"] == kind].reset_index(drop=True)
    return table
