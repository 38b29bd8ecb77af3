"""Measures over time: a tidy series per organisation and group, from any number of snapshots.

:func:`trend` turns the snapshots of a staff table (monthly, quarterly or
annual; mixed intervals are stated, and rates over periods of different
lengths are put on a yearly basis) into one row per point of each series.  A
series is identified by :data:`SERIES_KEYS` (organisation, characteristic,
measure, tier, group); every point carries its counts, its value and its
interval, so that :func:`workforce.spc` can chart it the Making Data Count way.

Measures (:data:`MEASURES`)
---------------------------
At each snapshot (who is counted: as in :func:`workforce.ladder`, one row per
person, bank-only staff left out unless ``include_bank``):

``senior share``
    The compared group's share (BME, Disabled, Female, 55 and over) of the
    staff of known group at each tier: Agenda for Change staff at band 8a and
    above, 8c and above, and VSM; doctors at Consultant grade.  The same
    counts as :func:`workforce.progression_gaps`' ``compared_senior`` over
    ``advantaged_senior + compared_senior``.  Wilson interval.
``representation ratio``
    The compared group's share of all staff of known group, over its share of
    the population benchmark (crude: not age-standardised; ethnicity and sex
    only).  The Wilson interval of the share, divided by the population share.
``recorded``
    The share of staff whose group is recorded (data quality is a trend too).

Over each period between consecutive snapshots of an organisation (people
linked by ``person_id``, as in :func:`workforce.promotion`; ethnicity,
disability or sex):

``leaver rate`` / ``promotion rate``
    Each group's leavers over the people present at the period start, and
    promoted over the stayers whose grades can be compared.  Wilson interval.
``leaver relative likelihood`` / ``promotion relative likelihood``
    In the official direction (above 1: the compared group is worse off): the
    compared group's leaver rate over the advantaged group's; the advantaged
    group's promotion rate over the compared group's.  Katz log interval.

With several intervals between snapshots (monthly, then one quarterly gap),
the rates over periods are annualised, ``1 - (1 - rate) ** (365.25 / days)``
(their interval limits too), so that points compare; ``annualise=`` forces
either way.  The counts stay those of the period.

Indicators of a standard, from results given per period (``standards=``, a
list of :func:`workforce.wres` or :func:`workforce.wdes` results, one per
year): "WRES 2", "WRES 3", "WRES 4", "WDES 2" and "WDES 3", as their relative
likelihoods in the official direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, ResultSpec, columns
from ..codes import BANDS, MEDICAL_GRADE_DTYPE
from ..errors import WorkforceError
from ._ladder import _N_BANDS, _comparison, _organisation_codes, _person_codes
from ._likelihood import relative_likelihoods
from ._progression import _AT_RISK, _LEFT, _PROMOTED, CHARACTERISTICS, _bank, _link
from ._progression import _groups as _period_groups
from ._stats import wilson_interval

if TYPE_CHECKING:
    from ..load import StaffTable
    from ..populations import Benchmark

__all__ = ["trend", "TREND", "TREND_COLUMNS", "SERIES_KEYS", "MEASURES", "TIER_NAMES", "series_label"]

#: The columns that identify one series.
SERIES_KEYS = ("organisation", "characteristic", "measure", "tier", "group")
#: Measures at a snapshot, then measures over a period between snapshots.
SNAPSHOT_MEASURES = ("senior share", "representation ratio", "recorded")
PERIOD_MEASURES = ("leaver rate", "leaver relative likelihood", "promotion rate", "promotion relative likelihood")
#: Every measure :func:`trend` knows (and, from ``standards=``, "WRES 2" ... "WDES 3").
MEASURES = SNAPSHOT_MEASURES + PERIOD_MEASURES
#: The tiers of the senior share: label -> (staff category, lowest rung).
TIER_NAMES = ("8a and above", "8c and above", "VSM", "Consultant")
ALL_STAFF = "All staff"
_STANDARD_INDICATORS = {"WRES": (2, 3, 4), "WDES": (2, 3)}

_IMPROVEMENT = {"senior share": "increase", "representation ratio": "neither", "recorded": "increase",
                "leaver rate": "decrease", "leaver relative likelihood": "decrease", "promotion rate": "increase",
                "promotion relative likelihood": "decrease"}
# A count's cell: the same people counted in two rows (a rate's and a relative likelihood's) are one cell
_KEY = ("organisation", "characteristic", "_family", "tier", "group", "_period", "snapshot_date")
_REFERENCE_KEY = ("organisation", "characteristic", "_family", "tier", "_reference", "_period", "snapshot_date")
_ADVANTAGED = {name: labels[3] for name, labels in CHARACTERISTICS.items()}


def _family(t: pd.DataFrame) -> pd.Series:
    """A measure's counts: "leaver" for the leaver rate and its relative likelihood (alike for promotion)."""
    return t["measure"].astype(str).str.replace(r" (rate|relative likelihood)$", "", regex=True)


def _period(t: pd.DataFrame) -> pd.Series:
    return t["period_start"].astype(str).where(t["period_start"].notna(), "")


def _reference(t: pd.DataFrame) -> pd.Series:
    """The reference group of a relative likelihood (its counts are that group's rate's)."""
    return t["characteristic"].astype(str).map(_ADVANTAGED).fillna("reference")

#: What ``trend`` returns.
TREND = ResultSpec(
    kind=Kind.TREND,
    title="Measures over time",
    columns=columns(
        ("organisation", "str", "the organisation ('All organisations' when they are counted together)"),
        ("characteristic", "str", "ethnicity, disability, sex or age"),
        ("measure", "str", "senior share, representation ratio, recorded, leaver rate, leaver relative likelihood, "
                           "promotion rate, promotion relative likelihood, or a standard's indicator (WRES 2 ...)"),
        ("tier", "str", "8a and above, 8c and above, VSM (Agenda for Change staff), Consultant (doctors), or "
                        "All staff"),
        ("group", "str", "the group measured (BME, Disabled ...; Recorded for the recorded measure)"),
        ("period_start", "datetime64[ns]", "for a measure over a period: the snapshot the period starts at; "
                                           "empty for a measure at a snapshot"),
        ("snapshot_date", "datetime64[ns]", "the point's date: the snapshot, or the period's end"),
        ("value", "float64", "the proportion (0 to 1) or the ratio", "proportion (0 to 1) or ratio, as unit says"),
        ("ci_low", "float64", "lower limit of the interval (Wilson for a proportion, Katz log for a relative "
                              "likelihood)", "as value"),
        ("ci_high", "float64", "upper limit of the interval", "as value"),
        ("events", "Int64", "numerator: people of the group measured with the event (at the tier, left, "
                            "promoted, recorded)", "people"),
        ("n", "Int64", "denominator: people of the group measured (or, for a share, everyone of known group at "
                       "the tier; for recorded, everyone counted)", "people"),
        ("reference_events", "Int64", "a relative likelihood's reference (advantaged) group: its numerator",
         "people"),
        ("reference_n", "Int64", "the reference group's denominator", "people"),
        ("unit", "str", "proportion or ratio"),
        ("improvement", "str", "the direction that is better: increase, decrease or neither"),
        ("state", "str", "estimated; insufficient data (fewer than min_size people in a denominator; figures "
                         "shown); not estimable"),
    ),
    cells=CountCells(
        counts={"events": _KEY, "n": _KEY, "reference_events": _REFERENCE_KEY, "reference_n": _REFERENCE_KEY},
        spaces={"events": "events", "reference_events": "events", "n": "n", "reference_n": "n"},
        extra={"_family": _family, "_period": _period, "_reference": _reference},
        derived=(Derived(("value", "ci_low", "ci_high", "state"), ("events", "n", "reference_events", "reference_n")),),
    ),
    chart="spc_chart",
)
#: Columns of ``trend(...).table``, always in this order (see :data:`TREND`).
TREND_COLUMNS = TREND.names

Measure = Literal["senior share", "representation ratio", "recorded", "leaver rate", "leaver relative likelihood",
                  "promotion rate", "promotion relative likelihood"]


def trend(staff: StaffTable | pd.DataFrame, measure: Measure | Sequence[str] | None = None, *,
          characteristic: Literal["ethnicity", "disability", "sex", "age"] = "ethnicity",
          by: Literal["organisation"] | None = "organisation", benchmark: Benchmark | None = None,
          standards: Sequence[Result] = (), include_bank: bool = False, confidence: float = 0.95,
          min_size: int = 10, annualise: bool | None = None) -> Result:
    """A series per organisation and group for each measure, one point per snapshot or period.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff` with any number of snapshots (or its
        ``people`` table).
    measure : str or list of str, optional
        Among :data:`MEASURES`.  By default every measure the inputs allow:
        the representation ratio needs ``benchmark``; the measures over a
        period need two snapshots of an organisation (and ethnicity,
        disability or sex).
    characteristic : {"ethnicity", "disability", "sex", "age"}
        Which groups are compared (as in :func:`workforce.ladder`).
    by : {"organisation", None}
        A series per organisation, or (None) the organisations counted
        together as "All organisations" (they must share their snapshot dates).
    benchmark : Benchmark, optional
        The population for the representation ratio.
    standards : list of Result
        :func:`workforce.wres` or :func:`workforce.wdes` results, one per
        period, for the series of their relative likelihoods.
    include_bank : bool
        Count people whose only assignments are bank.
    confidence : float
        Level of every interval.
    min_size : int
        A point whose denominator (or reference denominator) is smaller is
        "insufficient data" (figures still shown).
    annualise : bool, optional
        Put rates over periods on a yearly basis; by default only when the
        periods differ in length.

    Returns
    -------
    Result
        ``.table`` has the columns :data:`TREND_COLUMNS`, one row per point,
        series in the order of :data:`SERIES_KEYS` and points by date.
        ``.method`` records the definitions, the intervals between snapshots,
        whether rates were annualised, and the version.

    Examples
    --------
    >>> import workforce
    >>> staff = workforce.load_staff([workforce.sample_data(f"soar_valley_staff_in_post_{y}-03-31.xlsx")
    ...                               for y in (2023, 2024, 2025)])
    >>> t = workforce.trend(staff, "senior share").table
    >>> t[t["tier"] == "8a and above"][["snapshot_date", "events", "n"]].astype(str).values.tolist()[:1]
    [['2023-03-31', '67', '377']]
    """
    comparison = _comparison(characteristic)
    people = _people(staff)
    wanted = _measures(measure, benchmark, standards, comparison.name, people)
    if by not in ("organisation", None):
        raise WorkforceError(f"by must be 'organisation' or None (the organisations together), not {by!r}.")
    units = _units(people, by)
    keep = np.ones(len(people), dtype=bool) if include_bank else ~_bank(people)
    frames: list[pd.DataFrame] = []
    notes: dict[str, Any] = {}
    snapshot_wanted = [m for m in wanted if m in SNAPSHOT_MEASURES]
    if snapshot_wanted:
        frames.append(_snapshot_rows(people, keep, units, comparison, snapshot_wanted, benchmark, confidence,
                                     min_size))
    period_wanted = [m for m in wanted if m in PERIOD_MEASURES]
    if period_wanted:
        rows, notes = _period_rows(staff, keep, by, comparison.name, period_wanted, confidence, min_size, annualise)
        frames.append(rows)
    if standards:
        frames.append(_standard_rows(standards, by, confidence, min_size))
    table = _ordered(pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames)
                     else _empty())
    method = Method(
        confidence=confidence, interval="Wilson score (proportions); Katz log (relative likelihoods)",
        min_size=min_size, bank="included" if include_bank else "people whose only assignments are bank left out",
        snapshots=tuple(str(d.date()) for d in units.dates),
        notes={"measures": wanted, "characteristic": comparison.describe(),
               "series": "one per organisation, characteristic, measure, tier and group; points by date",
               "who is counted": "one row per person (their primary assignment) at each snapshot",
               "tiers": "Agenda for Change staff (clinical, non-clinical and on a band with no clinical group) at "
                        "band 8a and above, 8c and above (8c, 8d, 9, VSM) and VSM; doctors at Consultant grade",
               **({"representation ratio": "crude: the share of staff of known group over the population share "
                                           f"({benchmark.area}); not age-standardised"}
                  if benchmark is not None and "representation ratio" in wanted else {}),
               **notes},
    )
    return Result(table=table, spec=TREND, method=method,
                  benchmark=benchmark.provenance() if benchmark is not None else {})


def series_label(characteristic: str, measure: str, tier: str, group: str) -> str:
    """A series in words, as a board reads it.

    Examples
    --------
    >>> series_label("ethnicity", "senior share", "8a and above", "BME")
    'BME share of staff at band 8a and above'
    >>> series_label("ethnicity", "promotion relative likelihood", "All staff", "BME")
    'Relative likelihood of White staff being promoted compared with BME staff'
    """
    other = _ADVANTAGED.get(characteristic, "other")
    where = {"8a and above": "band 8a and above", "8c and above": "band 8c and above", "VSM": "VSM",
             "Consultant": "consultant grade"}.get(tier, tier)
    words = {
        "senior share": f"{group} share of staff at {where}" + (" (of doctors)" if tier == "Consultant" else ""),
        "representation ratio": f"{group} share of staff against the local population (1 = the same)",
        "recorded": f"Staff whose {characteristic} is recorded",
        "leaver rate": f"{group} staff leaving",
        "promotion rate": f"{group} staff promoted",
        "leaver relative likelihood": f"Relative likelihood of {group} staff leaving compared with {other} staff",
        "promotion relative likelihood": f"Relative likelihood of {other} staff being promoted compared with "
                                         f"{group} staff",
    }
    return words.get(measure, f"{measure} ({group})")


# ---------------------------------------------------------------- inputs


def _people(staff) -> pd.DataFrame:
    people = staff.people if hasattr(staff, "people") else staff
    if not isinstance(people, pd.DataFrame) or "person_id" not in people:
        raise WorkforceError("staff must be the result of workforce.load_staff (or its .people table).")
    if people["snapshot_date"].isna().any():
        raise WorkforceError("some rows of the staff table have no snapshot_date, so they cannot be placed in time; "
                             "give each export's date when loading it.")
    return people


def _measures(measure, benchmark, standards, characteristic: str, people: pd.DataFrame) -> list[str]:
    """The measures asked for (checked), or every measure the inputs allow."""
    if measure is None:
        wanted = ["senior share", "recorded"]
        if benchmark is not None and characteristic in ("ethnicity", "sex"):
            wanted.insert(1, "representation ratio")
        several = people.groupby(people["organisation"].astype(str), observed=True)["snapshot_date"].nunique()
        if characteristic in CHARACTERISTICS and (several >= 2).any():
            wanted += list(PERIOD_MEASURES)
        return wanted
    wanted = [measure] if isinstance(measure, str) else list(measure)
    unknown = [m for m in wanted if m not in MEASURES]
    if unknown:
        raise WorkforceError(f"unknown measure(s) {unknown}; the measures are {list(MEASURES)} (and, from "
                             "standards=, the WRES and WDES indicators).")
    if "representation ratio" in wanted:
        if benchmark is None:
            raise WorkforceError("the representation ratio needs a population benchmark: give benchmark= "
                                 "(workforce.population(...)).")
        if characteristic not in ("ethnicity", "sex"):
            raise WorkforceError(f"the representation ratio is made for ethnicity and sex, not {characteristic}.")
    if characteristic not in CHARACTERISTICS and any(m in PERIOD_MEASURES for m in wanted):
        raise WorkforceError(f"the measures over a period are made for {list(CHARACTERISTICS)}, not "
                             f"{characteristic}.")
    return wanted


class _Units:
    """Each counted row's unit (organisation and snapshot), and the units' labels."""

    def __init__(self, code: np.ndarray, organisations: list[str], dates: pd.DatetimeIndex,
                 unit_org: np.ndarray, unit_date: np.ndarray) -> None:
        self.code, self.organisations, self.dates = code, organisations, dates
        self.unit_org, self.unit_date = unit_org, unit_date

    @property
    def n(self) -> int:
        return len(self.unit_org)


def _units(people: pd.DataFrame, by) -> _Units:
    date_code, values = pd.factorize(people["snapshot_date"].to_numpy(), sort=True)
    dates = pd.DatetimeIndex(values)
    if by is None:
        org_code = np.zeros(len(people), dtype=np.int64)
        names = ["All organisations"]
        org = people["organisation"].astype(str)
        seen = org.groupby(date_code).unique() if len(people) else pd.Series(dtype=object)
        sets = {frozenset(v) for v in seen}
        if len(sets) > 1:
            by_org = people.groupby(org, observed=True)["snapshot_date"].unique()
            listed = "; ".join(f"{o}: {', '.join(str(pd.Timestamp(d).date()) for d in sorted(v))}"
                               for o, v in by_org.items())
            raise WorkforceError("the organisations can be counted together only at snapshots they all have; "
                                 f"their snapshots differ ({listed}). Give by='organisation' for a series each.")
    else:
        org_code, names = _organisation_codes(people)
    combined = org_code * max(len(dates), 1) + date_code
    present, code = np.unique(combined, return_inverse=True)
    return _Units(code.astype(np.int64), names, dates, present // max(len(dates), 1), present % max(len(dates), 1))


# ---------------------------------------------------------------- measures at a snapshot


def _snapshot_rows(people, keep, units: _Units, comparison, wanted, benchmark, confidence, min_size) -> pd.DataFrame:
    category, rung, group = _person_codes(people, comparison)
    n_units = units.n
    afc = (category != 2) & (rung >= 0) & (rung < _N_BANDS)
    consultant = (category == 2) & (rung == _N_BANDS + list(MEDICAL_GRADE_DTYPE.categories).index("Consultant"))
    tiers = {"8a and above": afc & (rung >= BANDS.index("8a")), "8c and above": afc & (rung >= BANDS.index("8c")),
             "VSM": afc & (rung == BANDS.index("VSM")), "Consultant": consultant}

    def by_group(mask: np.ndarray) -> np.ndarray:  # (units, 3 groups)
        bins = np.where(keep & mask, units.code * 3 + group, n_units * 3)
        return np.bincount(bins, minlength=n_units * 3 + 1)[:n_units * 3].reshape(n_units, 3)

    label = comparison.compared
    parts = []
    if "senior share" in wanted:
        for tier, mask in tiers.items():
            counts = by_group(mask)
            parts.append(_share_rows(units, comparison.name, "senior share", tier, label, counts[:, 1],
                                     counts[:, 0] + counts[:, 1], confidence, min_size))
    everyone = by_group(np.ones(len(people), dtype=bool))
    known = everyone[:, 0] + everyone[:, 1]
    if "representation ratio" in wanted:
        level = "wres" if comparison.name == "ethnicity" else "sex"
        shares = benchmark.shares(level)
        if label not in shares.index:
            raise WorkforceError(f"the benchmark has no {label} share at level {level}; its groups are "
                                 f"{list(shares.index)}.")
        rows = _share_rows(units, comparison.name, "representation ratio", ALL_STAFF, label, everyone[:, 1], known,
                           confidence, min_size)
        population = float(shares[label])
        for column in ("value", "ci_low", "ci_high"):
            rows[column] = rows[column] / population
        rows["unit"] = "ratio"
        parts.append(rows)
    if "recorded" in wanted:
        parts.append(_share_rows(units, comparison.name, "recorded", ALL_STAFF, "Recorded", known,
                                 everyone.sum(axis=1), confidence, min_size))
    return pd.concat(parts, ignore_index=True)


def _share_rows(units: _Units, characteristic, measure, tier, group, events, n, confidence, min_size) -> pd.DataFrame:
    events, n = np.asarray(events, dtype=np.int64), np.asarray(n, dtype=np.int64)
    low, high = wilson_interval(events, n, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(n > 0, events / np.maximum(n, 1), np.nan)
    state = np.where(n == 0, "not estimable", np.where(n < min_size, "insufficient data", "estimated"))
    return _frame(np.asarray(units.organisations, dtype=object)[units.unit_org], characteristic, measure, tier,
                  group, None, units.dates[units.unit_date], value, low, high, events, n, None, None,
                  "proportion", state)


def _frame(organisation, characteristic, measure, tier, group, period_start, snapshot_date, value, low, high,
           events, n, reference_events, reference_n, unit, state) -> pd.DataFrame:
    size = len(value)

    def counts(values):
        return pd.array([pd.NA] * size if values is None else np.asarray(values, dtype=np.int64), dtype="Int64")

    return pd.DataFrame({
        "organisation": pd.array(np.asarray(organisation, dtype=object), dtype="str"),
        "characteristic": characteristic, "measure": measure, "tier": tier, "group": group,
        "period_start": (pd.DatetimeIndex(period_start) if period_start is not None
                         else pd.DatetimeIndex([pd.NaT] * size)).astype("datetime64[ns]"),
        "snapshot_date": pd.DatetimeIndex(snapshot_date).astype("datetime64[ns]"),
        "value": np.asarray(value, dtype=float), "ci_low": np.asarray(low, dtype=float),
        "ci_high": np.asarray(high, dtype=float), "events": counts(events), "n": counts(n),
        "reference_events": counts(reference_events), "reference_n": counts(reference_n),
        "unit": unit, "improvement": _IMPROVEMENT.get(measure, "decrease"), "state": np.asarray(state, dtype=object),
    }, index=range(size))


# ---------------------------------------------------------------- measures over a period


def _interval_words(days: float) -> str:
    for label, low, high in (("monthly", 28, 31), ("quarterly", 89, 92), ("six-monthly", 181, 184),
                             ("yearly", 365, 366)):
        if low <= days <= high:
            return label
    return f"{days:g} days"


def _period_rows(staff, keep_row, by, characteristic, wanted, confidence, min_size, annualise):
    links = _link(staff)
    people = links.people
    group, (label_a, label_b) = _period_groups(people, characteristic)
    pairs = pd.DataFrame(links.pairs)
    if by is None:
        pairs["organisation"] = "All organisations"
    period_key = pairs[["organisation", "start", "end"]].astype(str).agg("|".join, axis=1)
    period_code, period_names = pd.factorize(period_key)
    first = pd.Series(range(len(pairs))).groupby(period_code).first().to_numpy()
    n_periods = len(period_names)
    code = period_code[links.pair]
    g = group[links.attr].astype(np.int64)
    keep = keep_row[links.attr]

    def count(mask: np.ndarray) -> np.ndarray:  # (periods, 3 groups)
        bins = np.where(keep & mask, code * 3 + g, n_periods * 3)
        return np.bincount(bins, minlength=n_periods * 3 + 1)[:n_periods * 3].reshape(n_periods, 3)

    move = links.movement
    counted = {"leaver": (count(move == _LEFT), count(links.start >= 0)),
               "promotion": (count(move == _PROMOTED), count(np.isin(move, _AT_RISK)))}
    organisation = pairs["organisation"].to_numpy()[first]
    start = pd.DatetimeIndex(pairs["start"].to_numpy()[first])
    end = pd.DatetimeIndex(pairs["end"].to_numpy()[first])
    days = np.asarray((end - start).days, dtype=float)
    kinds = pd.Series([_interval_words(d) for d in days])
    mixed = kinds.nunique() > 1
    yearly = mixed if annualise is None else bool(annualise)
    notes = {"periods": "; ".join(f"{k} ({c})" for k, c in kinds.value_counts().items()),
             "rates": ("annualised: 1 - (1 - rate) ** (365.25 / days), interval limits too; counts are those of "
                       "the period" if yearly else "per period between consecutive snapshots"),
             "linking": "consecutive snapshots of each organisation, by person_id; attributes as at the period start"}
    if mixed:
        notes["mixed intervals"] = ("the snapshots are not evenly spaced (" + notes["periods"] + "); rates are "
                                    + ("annualised so that points compare" if yearly else "per period, NOT "
                                       "annualised: periods of different lengths do not compare"))
    power = 365.25 / np.maximum(days, 1)
    parts = []
    for family, (events, n) in counted.items():
        if f"{family} rate" in wanted:
            for k, label in ((1, label_b), (0, label_a)):
                low, high = wilson_interval(events[:, k], n[:, k], confidence)
                with np.errstate(invalid="ignore", divide="ignore"):
                    value = np.where(n[:, k] > 0, events[:, k] / np.maximum(n[:, k], 1), np.nan)
                if yearly:
                    value, low, high = (1 - (1 - np.clip(v, 0, 1)) ** power for v in (value, low, high))
                state = np.where(n[:, k] == 0, "not estimable",
                                 np.where(n[:, k] < min_size, "insufficient data", "estimated"))
                parts.append(_frame(organisation, characteristic, f"{family} rate", ALL_STAFF, label, start, end,
                                    value, low, high, events[:, k], n[:, k], None, None, "proportion", state))
        if f"{family} relative likelihood" in wanted:
            # official direction: leaving, compared over advantaged; promotion, advantaged over compared
            a, b = (1, 0) if family == "leaver" else (0, 1)
            rls = relative_likelihoods(events[:, a], n[:, a], events[:, b], n[:, b], confidence=confidence,
                                       min_size=min_size)
            value = np.array([r.ratio for r in rls], dtype=float)
            low = np.array([r.ci_low for r in rls], dtype=float)
            high = np.array([r.ci_high for r in rls], dtype=float)
            state = np.array([r.state for r in rls], dtype=object)
            parts.append(_frame(organisation, characteristic, f"{family} relative likelihood", ALL_STAFF, label_b,
                                start, end, value, low, high, events[:, 1], n[:, 1], events[:, 0], n[:, 0], "ratio",
                                state))
    return pd.concat(parts, ignore_index=True), notes


# ---------------------------------------------------------------- standards given per period


def _standard_rows(standards: Sequence[Result], by, confidence, min_size) -> pd.DataFrame:
    """The relative likelihood indicators of WRES and WDES results, one point per result."""
    from ._pooled import likelihood_counts

    parts = []
    for result in standards:
        if not isinstance(result, Result) or str(result.kind) not in _STANDARD_INDICATORS:
            raise WorkforceError("standards= takes workforce.wres or workforce.wdes results, one per period.")
        standard = str(result.kind)
        column = "indicator" if standard == "WRES" else "metric"
        for number in _STANDARD_INDICATORS[standard]:
            row = result.table[result.table[column].astype("Int64") == number]
            if row.empty or row["value"].isna().all():
                continue
            counts = likelihood_counts(result, indicator=number)
            if counts.empty:
                continue
            rls = relative_likelihoods(counts["a_events"], counts["a_total"], counts["b_events"], counts["b_total"],
                                       confidence=confidence, min_size=min_size)
            # the group measured is the compared (minoritised) group: a in WRES 3 / WDES 3, b otherwise
            compared_is_a = number == 3
            ev, nn, rev, rn = (("a_events", "a_total", "b_events", "b_total") if compared_is_a else
                               ("b_events", "b_total", "a_events", "a_total"))
            when = pd.to_datetime(counts["snapshot_date"]) if "snapshot_date" in counts else pd.to_datetime(
                pd.Series([result.method.snapshots[-1]] * len(counts)))
            organisation = counts["organisation"] if "organisation" in counts and by is not None else pd.Series(
                ["All organisations" if by is None else "Not recorded"] * len(counts))
            group = counts["group_a"] if compared_is_a else counts["group_b"]
            parts.append(_frame(organisation.to_numpy(), "disability" if standard == "WDES" else "ethnicity",
                                f"{standard} {number}", ALL_STAFF, group.astype(str).to_numpy(), None,
                                when.to_numpy(), [r.ratio for r in rls], [r.ci_low for r in rls],
                                [r.ci_high for r in rls], counts[ev], counts[nn], counts[rev], counts[rn], "ratio",
                                [r.state for r in rls]))
    return pd.concat(parts, ignore_index=True) if parts else _empty()


# ---------------------------------------------------------------- assembly


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in TREND.columns})


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """Series in a stable order (organisation, characteristic, measure as listed, tier, group), points by date."""
    order = {m: i for i, m in enumerate(MEASURES)}
    tiers = {t: i for i, t in enumerate((*TIER_NAMES, ALL_STAFF))}
    keys = pd.DataFrame({"o": table["organisation"].astype(str), "c": table["characteristic"].astype(str),
                         "m": table["measure"].map(lambda m: order.get(m, len(order))),
                         "mm": table["measure"].astype(str), "t": table["tier"].map(tiers),
                         "g": table["group"].astype(str), "d": table["snapshot_date"]})
    index = keys.sort_values(["o", "c", "m", "mm", "t", "g", "d"], kind="stable").index
    return table.loc[index, TREND_COLUMNS].reset_index(drop=True)

