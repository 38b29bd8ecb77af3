"""National WRES and WDES figures for England, shipped with the package, each with its source.

:func:`national_benchmarks` gives the table of national figures found in
NHS England's releases and in reports of them: the WRES indicators by year
(the relative likelihoods of indicators 2 and 3, the BME share of the
workforce, of very senior managers and of boards, Staff Survey figures), the
WDES metrics, and the NHS workforce's ethnic make-up from Ethnicity facts and
figures.  :func:`national_series` gives one measure by year, for a chart over
time.  The data are ``workforce/data/national/national_wres_wdes.csv``; its
``SOURCES.md`` says what was confirmed against the primary release and what
could not be reached.

Each figure keeps its source: ``source_kind`` is "primary" when the page is
NHS England's (or GOV.UK's) own release, "secondary" when it is a report of
it (the press, NHS Employers, a trust quoting the national figure).  A
secondary figure is the figure as that page gives it, not yet confirmed
against the release; its ``note`` says what else is known (another source,
a different figure elsewhere).

Years
    ``year_of_data`` is the year of the report: WRES and WDES data are
    collected at 31 March, so 2023 is the year to 31 March 2023 (the "2023
    report"), and a Staff Survey figure is the year of the report that carries
    it.  ``period`` says the period in the source's own words.  Sources do not
    always label years the same way; the notes say so where it shows.
"""

from __future__ import annotations

from functools import lru_cache
from numbers import Integral

import pandas as pd

from .._resources import resource_path
from ..errors import WorkforceError

__all__ = ["NATIONAL_COLUMNS", "NATIONAL_VERSION", "national_benchmarks", "national_series"]

#: The release of the shipped table (also in its SOURCES.md): year.month it was last checked against its sources.
NATIONAL_VERSION = "2026.12"

#: The columns of :func:`national_benchmarks` and their dtypes.
NATIONAL_COLUMNS: dict[str, str] = {
    "standard": "str",           # "WRES", "WDES" or "NHS workforce" (Ethnicity facts and figures)
    "indicator": "Int64",        # the WRES indicator or WDES metric; missing for "NHS workforce"
    "part": "str",               # the part of a WDES metric ("a(ii)" in 4a(ii)); "" for the whole
    "measure": "str",            # what is measured, in the source's words
    "measure_key": "str",        # the kind of measure: "relative likelihood", "share of staff", "survey percentage" ...
    "group": "str",              # the group measured ("BME", "Disabled"), or the ratio ("White ÷ BME")
    "year_of_data": "int64",     # the report's year (data to 31 March of that year)
    "period": "str",             # the period in the source's words
    "value": "float64",          # the figure as published
    "unit": "str",               # "ratio", "percent" (0 to 100) or "score"
    "source_url": "str",         # the page the figure was read from
    "source_kind": "str",        # "primary" or "secondary"
    "source_title": "str",       # who published the page, and its title
    "release_date": "datetime64[ns]",   # when the cited page was published, when known (NaT otherwise)
    "licence": "str",            # the attribution line of the Open Government Licence v3.0
    "note": "str",               # what else is known about the figure
}

_FILE = ("national", "national_wres_wdes.csv")
_STANDARDS = ("WRES", "WDES", "NHS workforce")


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    """The shipped table, read once, with its declared dtypes."""
    path = resource_path("data", *_FILE)
    text = {c for c, d in NATIONAL_COLUMNS.items() if d == "str"}
    table = pd.read_csv(path, dtype={c: str for c in text}, keep_default_na=False, na_values={
        "indicator": [""], "release_date": [""], "value": [""]})
    table["indicator"] = pd.to_numeric(table["indicator"]).astype("Int64")
    table["release_date"] = pd.to_datetime(table["release_date"], format="%Y-%m-%d").astype("datetime64[ns]")
    return table.astype({c: d for c, d in NATIONAL_COLUMNS.items() if d in ("int64", "float64")})[
        list(NATIONAL_COLUMNS)]


def national_benchmarks(standard: str | None = None, *, indicator: int | None = None,
                        primary_only: bool = False) -> pd.DataFrame:
    """National WRES and WDES figures for England, one row per figure, each with its source.

    Parameters
    ----------
    standard : {"WRES", "WDES", "NHS workforce"}, optional
        Only this standard's figures ("NHS workforce": the workforce's ethnic
        make-up from Ethnicity facts and figures).  All of them by default.
    indicator : int, optional
        Only this WRES indicator or WDES metric (needs ``standard``).
    primary_only : bool
        Only figures read from NHS England's or GOV.UK's own release.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`NATIONAL_COLUMNS`, ordered by standard, indicator,
        measure and year.  ``value`` is as published: a ratio, a percentage
        (0 to 100) or a score, as ``unit`` says.

    Raises
    ------
    WorkforceError
        An unknown standard or indicator (the message lists the valid ones).

    Examples
    --------
    >>> from workforce.populations import national_benchmarks
    >>> rl = national_benchmarks("WRES", indicator=2)
    >>> print(rl[["year_of_data", "value", "source_kind"]].tail(3).to_string(index=False))
     year_of_data  value source_kind
             2021   1.61   secondary
             2022   1.54   secondary
             2023   1.59   secondary
    >>> print(national_benchmarks("WDES", indicator=2, primary_only=True)[["year_of_data", "value"]])
       year_of_data  value
    0          2019   1.18
    1          2022   1.08
    >>> national_benchmarks()["licence"].unique().tolist()
    ['Contains public sector information licensed under the Open Government Licence v3.0.']
    """
    table = _table()
    if standard is not None:
        if standard not in _STANDARDS:
            raise WorkforceError(f"there are no national figures for the standard {standard!r}; use one of "
                                 f"{', '.join(map(repr, _STANDARDS))}.")
        table = table[table["standard"] == standard]
    if indicator is not None:
        if standard is None:
            raise WorkforceError("give the standard with the indicator, for example national_benchmarks('WRES', "
                                 "indicator=2).")
        have = sorted(int(i) for i in table["indicator"].dropna().unique())
        if isinstance(indicator, bool) or not isinstance(indicator, Integral) or int(indicator) not in have:
            raise WorkforceError(f"there is no national figure for {standard} {indicator!r}; the {standard} "
                                 f"{'indicators' if standard == 'WRES' else 'metrics'} with one are "
                                 f"{', '.join(map(str, have)) or 'none'}.")
        table = table[table["indicator"] == int(indicator)]
    if primary_only:
        table = table[table["source_kind"] == "primary"]
    return table.sort_values(["standard", "indicator", "part", "measure_key", "group", "year_of_data"],
                             kind="stable").reset_index(drop=True)


def national_series(standard: str, indicator: int, *, measure: str | None = None, group: str | None = None,
                    part: str = "") -> pd.DataFrame:
    """One national measure by year, for a chart over time.

    Parameters
    ----------
    standard : {"WRES", "WDES"}
    indicator : int
        The WRES indicator or WDES metric.
    measure : str, optional
        The kind of measure (``measure_key``: "relative likelihood", "share
        of staff", "survey percentage" ...), needed when the indicator has
        more than one.
    group : str, optional
        The group (``group``: "BME", "White", "Disabled" ...), needed when the
        measure has figures for more than one.
    part : str
        The part of a WDES metric, such as "a(ii)"; "" for the whole metric.

    Returns
    -------
    pandas.DataFrame
        ``year`` (int64), ``value`` (float64), ``unit``, ``source_kind``
        ("primary" or "secondary") and ``source_url``, one row per year in
        order.  Secondary figures are kept: show them as such.

    Raises
    ------
    WorkforceError
        No such figures, or more than one measure or group to choose from
        (the message lists them).

    Examples
    --------
    >>> from workforce.populations import national_series
    >>> print(national_series("WRES", 3)[["year", "value", "source_kind"]])
       year  value source_kind
    0  2016   1.56   secondary
    1  2021   1.14   secondary
    2  2022   1.14   secondary
    3  2023   1.03   secondary
    >>> national_series("WRES", 1, measure="share of staff").loc[lambda s: s["year"] >= 2021, "value"].tolist()
    [22.4, 24.2, 26.4, 28.6]
    """
    table = national_benchmarks(standard, indicator=indicator)
    table = table[table["part"] == part]
    if measure is not None:
        table = table[table["measure_key"] == measure]
    if group is not None:
        table = table[table["group"] == group]
    options = table[["measure_key", "group"]].drop_duplicates()
    if len(options) != 1:
        listed = "; ".join(f"measure={m!r}, group={g!r}" for m, g in options.itertuples(index=False))
        raise WorkforceError(f"{standard} {indicator}{part} has "
                             + (f"several national series: choose one with {listed}." if len(options) else
                                "no national figure for that measure and group."))
    return pd.DataFrame({"year": table["year_of_data"].astype("int64").to_numpy(),
                         "value": table["value"].astype("float64").to_numpy(),
                         "unit": table["unit"].to_numpy(), "source_kind": table["source_kind"].to_numpy(),
                         "source_url": table["source_url"].to_numpy()})


def latest_national(standard: str, indicator: int, year: int | None, *, measure: str = "relative likelihood",
                    part: str = "") -> pd.Series | None:
    """The latest national figure of one measure in or before ``year`` (any year when None); None when there is none.

    The package's WRES and WDES tables use it to put the national figure beside each trust's own.
    """
    table = _table()
    rows = table[(table["standard"] == standard) & (table["indicator"] == indicator) & (table["part"] == part)
                 & (table["measure_key"] == measure)]
    if year is not None:
        rows = rows[rows["year_of_data"] <= year]
    if rows.empty:
        return None
    if rows["group"].nunique() > 1:
        raise ValueError(f"{standard} {indicator}{part} {measure}: more than one group; choose one")
    return rows.sort_values("year_of_data").iloc[-1]
