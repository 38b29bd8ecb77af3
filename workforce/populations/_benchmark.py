"""A population benchmark: the table of group shares, and where it came from.

:func:`workforce.population` returns a :class:`Benchmark`.  Its ``table`` is
the tidy table of counts and shares (columns :data:`POPULATION_COLUMNS`); its
other fields say what the benchmark is (the area, its type, the ages and the
boundaries), which areas it was built from and with what weights
(:class:`BenchmarkArea`), how it was made, from which sources, and its
caveats.  :meth:`Benchmark.provenance` gives those fields as the plain dict
that an analysis keeps in ``Result.benchmark``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ..errors import PopulationError
from ._levels import LEVELS

__all__ = ["Benchmark", "BenchmarkArea", "POPULATION_COLUMNS", "AGES", "BOUNDARIES", "Ages", "Boundaries"]

#: The columns of every benchmark's table, in order.
POPULATION_COLUMNS = ["area", "area_type", "ages", "level", "group", "count", "share", "method"]
#: The ages a benchmark describes: the working-age population or everyone.
Ages = Literal["16-64", "all"]
AGES: tuple[str, ...] = ("16-64", "all")
#: The local authority and ICB vintages: April 2023 local authorities with April 2024 ICBs, or 2021 with July 2022.
Boundaries = Literal["2023", "2021"]
BOUNDARIES: tuple[str, ...] = ("2023", "2021")


@dataclass(frozen=True)
class BenchmarkArea:
    """One area a benchmark is built from, and its weight.

    Attributes
    ----------
    code : str
        ONS code (ODS code for a trust catchment; empty for a user's table).
    name : str
        The area's name.
    type : str
        "local authority", "ICB", "NHS region", "trust catchment", "England",
        "England and Wales" or "user table".
    weight : float
        The area's weight in the benchmark (1.0 for a single area; the weights
        of a combination sum to 1).
    ods_code : str
        The ODS code of an ICB or NHS region (empty otherwise).

    Examples
    --------
    >>> BenchmarkArea("E06000016", "Leicester", "local authority").as_dict()
    {'code': 'E06000016', 'name': 'Leicester', 'type': 'local authority', 'weight': 1.0}
    """

    code: str
    name: str
    type: str
    weight: float = 1.0
    ods_code: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The area as a plain dict (``ods_code`` only where there is one)."""
        return {"code": self.code, "name": self.name, "type": self.type, "weight": self.weight,
                **({"ods_code": self.ods_code} if self.ods_code else {})}

    @classmethod
    def from_dict(cls, info: Mapping[str, Any]) -> BenchmarkArea:
        """The area from a dict with keys ``code``, ``name``, ``type``, ``weight`` (and ``ods_code``)."""
        return cls(str(info.get("code", "")), str(info.get("name", "")), str(info.get("type", "")),
                   float(info.get("weight", 1.0)), str(info.get("ods_code", "") or ""))


@dataclass(frozen=True, eq=False, repr=False)
class Benchmark:
    """A population benchmark: group shares for an area, and their provenance.

    Made by :func:`workforce.population`; passed to
    :func:`workforce.representation` and :func:`workforce.icb_view`.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns :data:`POPULATION_COLUMNS`: ``area``, ``area_type``, ``ages``,
        ``level`` (census19, census5, nhs5, wres, sex, age_band, esr_age_band), ``group``,
        ``count``, ``share`` (within the level) and ``method`` (how that
        level was made).
    area : str
        The benchmark's name, for example "Leicester (E06000016)" or
        "50% Leicester (E06000016) + 50% Rutland (E06000017)".
    area_type : str
        One of the area types of :func:`workforce.list_areas`, or
        "combination" (a dict of weighted areas) or "user table".
    ages : {"16-64", "all"}
        The working-age population, or all usual residents.
    areas : tuple of BenchmarkArea
        The areas the benchmark is built from, with their weights.
    boundaries : {"2023", "2021"} or None
        The local authority and ICB vintage (``None`` for a user's table).
    method : str
        How the benchmark was made.
    sources : tuple of str
        The data behind it, and their licence.
    caveats : tuple of str
        What to bear in mind when comparing with it.

    Examples
    --------
    >>> import workforce
    >>> leicester = workforce.population("Leicester")
    >>> leicester
    <Benchmark: Leicester (E06000016), ages 16-64; levels census19, census5, nhs5, wres, sex, age_band, esr_age_band>
    >>> leicester.area_type, leicester.ages, leicester.boundaries
    ('local authority', '16-64', '2023')
    >>> leicester.areas
    (BenchmarkArea(code='E06000016', name='Leicester', type='local authority', weight=1.0, ods_code=''),)
    >>> leicester.shares("wres").round(3).to_dict()
    {'White': 0.388, 'BME': 0.612}
    >>> sorted(leicester.provenance())
    ['ages', 'area', 'area_type', 'areas', 'boundaries', 'caveats', 'method', 'sources']
    """

    table: pd.DataFrame
    area: str
    area_type: str
    ages: Ages
    areas: tuple[BenchmarkArea, ...] = ()
    boundaries: Boundaries | None = None
    method: str = ""
    sources: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.table, pd.DataFrame):
            raise PopulationError(f"a Benchmark's table must be a DataFrame, not {type(self.table).__name__}.")
        missing = [c for c in POPULATION_COLUMNS if c not in self.table.columns]
        if missing:
            raise PopulationError(f"a Benchmark's table needs the columns {POPULATION_COLUMNS}; {missing} missing.")
        if self.ages not in AGES:
            raise PopulationError(f"ages={self.ages!r} is not one of {list(AGES)}.")
        if self.boundaries is not None and self.boundaries not in BOUNDARIES:
            raise PopulationError(f"boundaries={self.boundaries!r} is not one of {list(BOUNDARIES)} or None.")
        table = self.table.loc[:, POPULATION_COLUMNS].copy()
        table.attrs = {}
        areas = tuple(a if isinstance(a, BenchmarkArea) else BenchmarkArea.from_dict(a) for a in self.areas)
        for name, value in (("table", table), ("areas", areas), ("sources", tuple(self.sources)),
                            ("caveats", tuple(self.caveats))):
            object.__setattr__(self, name, value)

    @property
    def levels(self) -> tuple[str, ...]:
        """The classifications (``level`` values) the table holds, in order.

        Examples
        --------
        >>> import workforce
        >>> workforce.population("Rutland").levels
        ('census19', 'census5', 'nhs5', 'wres', 'sex', 'age_band', 'esr_age_band')
        """
        return tuple(str(level) for level in pd.unique(self.table["level"]))

    def shares(self, level: str) -> pd.Series:
        """Each group's share of the population within one classification.

        Parameters
        ----------
        level : {"census19", "census5", "nhs5", "wres", "sex", "age_band", "esr_age_band"}

        Returns
        -------
        pandas.Series
            Shares indexed by group, in the table's order.

        Raises
        ------
        PopulationError
            An unknown level, or one the benchmark does not hold (a user's
            table may hold only some).

        Examples
        --------
        >>> import workforce
        >>> workforce.population("Leicester", ages="all").shares("sex").round(3).to_dict()
        {'Female': 0.506, 'Male': 0.494}
        """
        if level not in LEVELS:
            raise PopulationError(f"level {level!r} is not one of {list(LEVELS)}.")
        rows = self.table[self.table["level"] == level]
        if rows.empty:
            raise PopulationError(f"the population benchmark has no '{level}' groups; it has {sorted(self.levels)}.")
        return pd.Series(rows["share"].to_numpy(dtype=float), index=pd.Index(rows["group"].astype(str), name="group"),
                         name="share")

    def provenance(self) -> dict[str, Any]:
        """The benchmark's description as a plain dict (what ``Result.benchmark`` holds).

        Keys ``area``, ``area_type``, ``areas`` (a list of dicts with
        ``code``, ``name``, ``type``, ``weight`` and, for ICBs and regions,
        ``ods_code``), ``ages``, ``boundaries``, ``method``, ``sources`` and
        ``caveats`` (lists of text).  A new dict each time.

        Examples
        --------
        >>> import workforce
        >>> info = workforce.population({"Leicester": 3, "Rutland": 1}).provenance()
        >>> [(a["name"], a["weight"]) for a in info["areas"]]
        [('Leicester', 0.75), ('Rutland', 0.25)]
        """
        return {
            "area": self.area, "area_type": self.area_type, "areas": [a.as_dict() for a in self.areas],
            "ages": self.ages, "boundaries": self.boundaries, "method": self.method,
            "sources": list(self.sources), "caveats": list(self.caveats),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Benchmark):
            return NotImplemented
        return self.provenance() == other.provenance() and self.table.equals(other.table)

    __hash__ = None  # type: ignore[assignment]  # the table is mutable

    def __repr__(self) -> str:
        return f"<Benchmark: {self.area}, ages {self.ages}; levels {', '.join(self.levels)}>"

    def _repr_html_(self) -> str:  # notebooks
        sources = html.escape(" ".join(self.sources))
        return (f"<p><b>Population benchmark: {html.escape(self.area)}</b> ({html.escape(self.area_type)}, "
                f"ages {html.escape(self.ages)})" + (f"<br><small>Sources: {sources}</small>" if sources else "")
                + "</p>"
                + self.table.to_html(index=False, max_rows=60, float_format=lambda v: f"{v:.4g}"))
