"""The board pack, described as data: its parts, the tables each publishes and the charts drawn from them.

Each :class:`Part` names the tables it publishes (each computed by one
analysis from the organisation's loaded inputs, then made safe to publish)
and the charts drawn from those published tables.  :mod:`workforce.publish._pack`
runs the parts: it computes each result once (the WRES table takes indicator 1
from the ladder that the ladder part computed), suppresses it, draws its charts
and writes the files.  To add a finding to the pack, add a table and a chart
here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .. import analysis
from .._result import Result
from .._spec import Column, is_in
from ..codes import BANDS
from ..disclosure import Link, Ref
from ..errors import WorkforceError

__all__ = ["Context", "Table", "Chart", "Part", "PARTS", "OVER_TIME", "SERIES_SNAPSHOTS", "COMPARISON", "ACROSS", "drawable", "check_parts", "pack_links",
           "board_counts", "withheld_counts", "headline_counts", "comparison_links", "same_periods"]


@dataclass
class Context:
    """What one organisation's part of the pack is made from, and the results made so far (each made once).

    Attributes
    ----------
    staff : StaffTable
        The organisation's staff, every snapshot loaded.
    benchmark : Benchmark or None
        Its population benchmark (no representation part without one).
    inputs : dict
        Its other loaded inputs by kind (``recruitment``, ``disciplinary``,
        ``training``, ``board``).
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed.
    representation_options : dict
        Passed to every representation table: the appointments needed's
        ``appointments``, ``appointment_rate`` and ``target_year``.
    series_options : dict
        For the "Over time" part: ``interventions`` (date -> what began then:
        marked on the charts, and the control limits calculated from the
        points before the first) and ``rebase`` (dates from which the limits
        are calculated again).
    """

    staff: Any
    benchmark: Any
    inputs: dict[str, Any]
    threshold: int
    raw: dict[str, Result] = field(default_factory=dict)         # results as computed
    published: dict[str, Result] = field(default_factory=dict)   # results as published (suppressed or checked)
    representation_options: dict[str, Any] = field(default_factory=dict)
    series_options: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def latest(self) -> Any:
        """The staff at each organisation's latest snapshot: what the analyses at one date read."""
        return latest_snapshot(self.staff)

    @cached_property
    def most_snapshots(self) -> int:
        """The most snapshots any organisation of the staff has (which parts the pack can make)."""
        people = self.staff.people
        dates = people.groupby(people["organisation"], observed=True)["snapshot_date"].nunique()
        return int(dates.max()) if len(dates) else 0

    @cached_property
    def yearly(self) -> Any:
        """The staff at yearly steps back from the latest snapshot: promotion and leaving year on year."""
        return yearly_snapshots(self.staff)


@dataclass(frozen=True)
class Table:
    """One published table: its name (the workbook sheet), how it is computed, and how it is made safe.

    Every table is suppressed (:func:`workforce.suppress`) together with
    every other table of the pack; ``finish`` then adds what is written from
    the published table (the WRES sentences, :func:`with_sentences`).
    """

    name: str
    compute: Callable[[Context], Result]
    finish: Callable[[Result], Result] | None = None


@dataclass(frozen=True)
class Chart:
    """One chart: its file name, the chart function of :mod:`workforce.charts`, the table drawn and options.

    ``unsuppressed_rows``: only the rows whose counts are all published are
    drawn (a progression-gap chart cannot show the others); ``needs_estimate``:
    no chart without a relative likelihood that could be worked out (WRES,
    WDES).  Either is said in the part's notes.  ``from_published``: more
    options, read from the organisation's published tables (table name ->
    published result, or None), so that a title states a figure the pack
    publishes elsewhere rather than calling it suppressed.
    """

    name: str
    function: str
    table: str
    options: dict[str, Any] = field(default_factory=dict)
    unsuppressed_rows: bool = False
    needs_estimate: bool = False
    from_published: Callable[[Callable[[str], Result | None]], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Part:
    """One part of the pack: a title, the tables it publishes and the charts drawn from them.

    ``lead`` is the table whose method and benchmark the part's narrative
    describes; ``needs`` says when the part is in the pack ("benchmark": a
    population benchmark was given; "snapshots": two or more snapshots).
    """

    key: str
    title: str
    lead: str
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...] = ()
    needs: tuple[str, ...] = ()


def _suppressed_rows(result: Result) -> pd.Series:
    """Rows with a suppressed count that the row's figure (``value``) is made from (not the withheld unknowns)."""
    table = result.table
    flags = [f"{c}_suppressed" for c in result.spec.counts_behind("value") if f"{c}_suppressed" in table]
    return table[flags].fillna(False).astype(bool).any(axis=1)


#: The column :func:`with_sentences` adds.
FIGURE = Column("figure", "str", "the row's figures in one sentence, as the page states them (from the published "
                                 "columns: blank figures are not stated)")


def with_sentences(result: Result) -> Result:
    """A published WRES or WDES table with its figures as a sentence (``figure``), from its published columns."""
    table = result.table.copy()
    at = list(table.columns).index("unit") + 1
    table.insert(at, "figure", analysis.standard_sentences(result))
    names = [c.name for c in result.spec.columns]
    spec_at = names.index("unit") + 1 if "unit" in names else len(names)
    spec = replace(result.spec, columns=(*result.spec.columns[:spec_at], FIGURE, *result.spec.columns[spec_at:]))
    return replace(result.with_table(table), spec=spec)


def _standard(make, ladder: str, kinds: tuple[str, ...]):
    """WRES or WDES from the organisation's inputs, indicator 1 read from the ladder made already."""

    def compute(context: Context) -> Result:
        given = {k: v for k, v in context.inputs.items() if k in kinds}
        return make(context.latest, ladder=context.raw[ladder], **given)

    return compute


def _has_estimate(result: Result) -> bool:
    values = pd.to_numeric(result.table["value"], errors="coerce")
    return bool(((result.table["unit"].astype(str) == "relative likelihood") & values.notna()).any())


def _gaps_senior_share(gaps: str, staff_category: str) -> Callable[[Callable[[str], Result | None]], dict[str, Any]]:
    """The compared group's published share of known staff at 8a and above, for a ladder chart's title."""

    def options(published: Callable[[str], Result | None]) -> dict[str, Any]:
        result = published(gaps)
        if result is None:
            return {}
        t = result.table
        row = t[(t["staff_category"].astype(str) == staff_category) & (t["comparison"].astype(str) == "8a and above")
                & (t["measure"].astype(str) == "relative likelihood")]
        share = pd.to_numeric(row["compared_share_senior"], errors="coerce").dropna()
        return {"senior_share": float(share.iloc[0])} if len(share) else {}

    return options


def _snapshots_of(table: pd.DataFrame) -> pd.MultiIndex:
    """Each row's (organisation, snapshot date), as an index that is matched by hashing, not row by row."""
    return pd.MultiIndex.from_arrays([table["organisation"].astype(str), table["snapshot_date"]])


def _at(staff: Any, keep: pd.Series) -> Any:
    """The staff on the people rows ``keep`` selects, with their assignments (same organisation and snapshot)."""
    people, assignments = staff.people, staff.assignments
    if keep.all():
        return staff
    kept = _snapshots_of(people[keep.to_numpy()]).unique()
    chosen = _snapshots_of(assignments).isin(kept)
    return replace(staff, people=people[keep.to_numpy()].reset_index(drop=True),
                   assignments=assignments[chosen].reset_index(drop=True))


def latest_snapshot(staff: Any) -> Any:
    """The staff at each organisation's latest snapshot (what the analyses at one date read)."""
    people = staff.people
    latest = people.groupby(people["organisation"], observed=True)["snapshot_date"].transform("max")
    return _at(staff, people["snapshot_date"].eq(latest))


def yearly_snapshots(staff: Any) -> Any:
    """The staff at yearly steps back from each organisation's latest snapshot.

    Promotion and leaving are compared year on year: from a monthly or
    quarterly series, the snapshots nearest to one, two, ... years before the
    latest (within 46 days) are kept.  Snapshots a year or more apart are all
    kept.
    """
    people = staff.people
    keep_dates = set()
    for org, dates in people.groupby(people["organisation"].astype(str))["snapshot_date"].unique().items():
        dates = pd.DatetimeIndex(sorted(dates))
        gaps = dates[1:] - dates[:-1]
        if len(dates) < 3 or gaps.min() >= pd.Timedelta(days=300):
            keep_dates |= {(org, d) for d in dates}
            continue
        days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
        step, chosen = 0, len(dates) - 1
        while True:
            keep_dates.add((org, dates[chosen]))
            step += 1
            target = (dates[-1] - pd.DateOffset(years=step)).to_datetime64().astype("datetime64[D]").astype(np.int64)
            distance = np.abs(days - target)
            if distance.min() > 46:
                break
            chosen = int(distance.argmin())
    kept = _snapshots_of(people).isin(pd.MultiIndex.from_tuples(sorted(keep_dates)))
    return _at(staff, pd.Series(kept, index=people.index))


def previous_snapshot(staff: Any) -> Any:
    """The staff at each organisation's snapshot before its latest (for "what changed" in the summary)."""
    people = staff.people
    latest = people.groupby(people["organisation"], observed=True)["snapshot_date"].transform("max")
    before = people["snapshot_date"].where(people["snapshot_date"] < latest)
    previous = before.groupby(people["organisation"], observed=True).transform("max")
    keep = people["snapshot_date"].eq(previous)
    if not keep.any():
        raise WorkforceError("there is no snapshot before the latest.")
    return _at(staff, keep)


#: An organisation's "Over time" part needs at least this many snapshots.
SERIES_SNAPSHOTS = 3
#: The measures of ethnicity the pack follows over time (a relative likelihood of leaving month by month is
#: mostly noise; the leaver rates of both groups are shown instead).
SERIES_MEASURES = ("senior share", "representation ratio", "recorded", "leaver rate", "promotion relative likelihood")
#: Targets of the series: the representation ratio's is parity with the local population.
SERIES_TARGETS = {"representation ratio": 1.0}


def _over_time(c: Context) -> Result:
    """The measures over time, as Making Data Count charts them: ethnicity's, and disability's senior share."""
    measures = [m for m in SERIES_MEASURES if m != "representation ratio" or c.benchmark is not None]
    ethnicity = analysis.trend(c.staff, measures, characteristic="ethnicity", benchmark=c.benchmark)
    disability = analysis.trend(c.staff, ["senior share", "recorded"], characteristic="disability")
    table = pd.concat([ethnicity.table, disability.table[_senior_or_recorded(disability.table)]], ignore_index=True)
    table["improvement"] = _towards_parity(table)
    both = ethnicity.with_table(table, **{"disability": disability.method["characteristic"],
                                          "representation ratio target": "1, parity with the local population: "
                                          "a rise is better where the latest ratio is below 1, a fall where above"})
    interventions = {pd.Timestamp(d): str(label) for d, label in c.series_options.get("interventions", {}).items()}
    result = analysis.spc(both, baseline=min(interventions) if interventions else None,
                          rebase=tuple(c.series_options.get("rebase", ())),
                          target={**SERIES_TARGETS, **c.series_options.get("targets", {})})
    if interventions:
        result = result.with_table(result.table, interventions={str(d.date()): label
                                                                for d, label in sorted(interventions.items())})
    return result


def _senior_or_recorded(table: pd.DataFrame) -> pd.Series:
    """Disability's series in the pack: the share at band 8a and above, and how many have it recorded."""
    return (table["measure"].astype(str) == "recorded") | (table["tier"].astype(str) == "8a and above")


def _towards_parity(table: pd.DataFrame) -> pd.Series:
    """Each point's better direction: as the trend says, but towards 1 for a representation ratio."""
    ratio = table["measure"].astype(str) == "representation ratio"
    if not ratio.any():
        return table["improvement"]
    keys = [table[k].astype(str) for k in ("organisation", "characteristic", "tier", "group")]
    latest = table["value"].where(ratio).groupby(keys).transform("last")
    towards = pd.Series(["increase" if v < 1 else "decrease" for v in latest.fillna(1.0)], index=table.index)
    return table["improvement"].where(~ratio, towards)


def _series(characteristic: str, measure: str, tier: str, group: str) -> dict[str, str]:
    return {"characteristic": characteristic, "measure": measure, "tier": tier, "group": group}


OVER_TIME = Part(
    "over_time", "Over time", lead="over_time", needs=("series",),
    tables=(Table("over_time", _over_time),),
    charts=(
        Chart("over_time_summary", "spc_summary_chart", "over_time"),
        Chart("bme_senior_over_time", "spc_chart", "over_time",
              _series("ethnicity", "senior share", "8a and above", "BME")),
        Chart("disabled_senior_over_time", "spc_chart", "over_time",
              _series("disability", "senior share", "8a and above", "Disabled")),
        Chart("promotion_over_time", "spc_chart", "over_time",
              _series("ethnicity", "promotion relative likelihood", "All staff", "BME")),
        Chart("bme_leavers_over_time", "spc_chart", "over_time", _series("ethnicity", "leaver rate", "All staff", "BME")),
        Chart("recorded_over_time", "spc_chart", "over_time", _series("ethnicity", "recorded", "All staff", "Recorded")),
    ),
)

#: The parts of each organisation's section of the pack, in order.
PARTS: tuple[Part, ...] = (
    Part(
        "representation", "Representation against the local population", lead="representation",
        needs=("benchmark",),
        tables=(
            Table("representation", lambda c: analysis.representation(c.latest, c.benchmark,
                                                                      **c.representation_options)),
            Table("representation_by_band", lambda c: analysis.representation(
                c.latest, c.benchmark, by="band_group", **c.representation_options)),
            Table("sex_ethnicity_by_band", lambda c: analysis.representation(
                c.latest, c.benchmark, characteristic=("sex", "ethnicity"), by="band_group",
                **c.representation_options)),
            Table("age_profile", lambda c: analysis.representation(c.latest, c.benchmark, characteristic="age",
                                                                   **c.representation_options)),
        ),
        charts=(
            Chart("representation", "representation_chart", "representation"),
            Chart("ratio_by_band_group", "ratio_chart", "representation_by_band"),
            Chart("sex_ethnicity_by_band", "heatmap_chart", "sex_ethnicity_by_band"),
            Chart("age_profile", "age_profile_chart", "age_profile"),
        ),
    ),
    Part(
        "ladder", "The pay ladder and progression gaps", lead="progression_gaps",
        tables=(
            Table("ladder", lambda c: analysis.ladder(c.latest)),
            Table("progression_gaps", lambda c: analysis.progression_gaps(c.latest)),
        ),
        charts=(
            Chart("ladder_non_clinical", "ladder_chart", "ladder", {"staff_category": "Non-clinical"},
                  from_published=_gaps_senior_share("progression_gaps", "Non-clinical")),
            Chart("ladder_clinical", "ladder_chart", "ladder", {"staff_category": "Clinical"},
                  from_published=_gaps_senior_share("progression_gaps", "Clinical")),
            Chart("progression_gaps", "likelihood_chart", "progression_gaps", unsuppressed_rows=True),
        ),
    ),
    Part(
        "wres", "Workforce Race Equality Standard", lead="wres",
        tables=(
            Table("wres", _standard(analysis.wres, "ladder",
                                    ("recruitment", "disciplinary", "training", "board")),
                  finish=with_sentences),
        ),
        charts=(Chart("wres", "likelihood_chart", "wres", needs_estimate=True),
                Chart("wres_national", "national_chart", "wres", {"indicator": 2}, needs_estimate=True)),
    ),
    Part(
        "wdes", "Workforce Disability Equality Standard", lead="wdes",
        tables=(
            Table("wdes_ladder", lambda c: analysis.ladder(c.latest, characteristic="disability")),
            Table("wdes_progression_gaps", lambda c: analysis.progression_gaps(c.latest, characteristic="disability")),
            Table("wdes", _standard(analysis.wdes, "wdes_ladder", ("recruitment", "disciplinary", "board")),
                  finish=with_sentences),
        ),
        charts=(Chart("wdes", "likelihood_chart", "wdes", needs_estimate=True),
                Chart("wdes_national", "national_chart", "wdes", {"indicator": 2}, needs_estimate=True)),
    ),
    Part(
        "promotion", "Promotion, leaving and the Model Employer-style trajectory", lead="promotion",
        needs=("snapshots",),
        tables=(
            Table("promotion", lambda c: analysis.promotion(c.yearly)),
            Table("promotion_by_band_group", lambda c: analysis.promotion(c.yearly, by="grade_group")),
            Table("model_employer", lambda c: analysis.model_employer(c.yearly)),
            Table("progression_gaps_previous", lambda c: analysis.progression_gaps(previous_snapshot(c.yearly))),
        ),
        charts=(
            Chart("promotion", "promotion_chart", "promotion"),
            Chart("promotion_by_band_group", "promotion_chart", "promotion_by_band_group"),
            Chart("trajectory", "trajectory_chart", "model_employer"),
        ),
    ),
    OVER_TIME,
)

#: What the organisations are compared on, pooled and in a funnel plot: being at band 8a and above.
SENIOR = "8a and above"


def _senior_counts(c: Context) -> pd.DataFrame:
    """Each organisation's counts behind the relative likelihood of being at band 8a and above, then the peers'."""
    counts = analysis.likelihood_counts(analysis.progression_gaps(c.latest), comparison=SENIOR)
    peers = c.series_options.get("peers")
    if peers is not None and len(peers):
        mine = set(counts["organisation"].astype(str))
        theirs = peers[(peers["measure"].astype(str) == SENIOR) & ~peers["organisation"].astype(str).isin(mine)]
        counts = pd.concat([counts, theirs[[c for c in counts.columns if c in theirs]]], ignore_index=True)
    counts.attrs["what"] = f"White staff's relative likelihood of being at band {SENIOR}, compared with BME staff"
    return counts


def _pooled(c: Context) -> Result:
    return analysis.pooled_likelihood(_senior_counts(c), strata_by="organisation", what=SENIOR)


def _funnel(c: Context) -> Result:
    return analysis.funnel(_senior_counts(c), measure="relative likelihood", what=SENIOR)


#: The first part of a pack of several organisations: each against its own benchmark, in a funnel plot.
COMPARISON = Part(
    "comparison", "The organisations compared", lead="organisations",
    tables=(Table("organisations", lambda c: analysis.icb_view(c.latest, c.benchmark, **c.representation_options)),),
    charts=(Chart("funnel", "funnel_chart", "organisations"),),
)
#: Then, with several organisations (or the peers' counts), the relative likelihood of being at band 8a and above
#: pooled over them (Mantel-Haenszel) and in a funnel plot with over-dispersion.
ACROSS = Part(
    "across", f"Band {SENIOR} across the organisations", lead="pooled_senior",
    tables=(Table("pooled_senior", _pooled), Table("funnel_senior", _funnel)),
    charts=(Chart("funnel_senior", "funnel_chart", "funnel_senior"),),
)


def drawable(result: Result, chart: Chart) -> tuple[Result | None, str]:
    """The result a chart draws, and a note for the reader (see :class:`Chart`).

    ``None``: nothing to draw, and the note says why (the chart is left out).
    """
    if chart.needs_estimate and not _has_estimate(result):
        return None, f"no {result.kind} relative likelihood could be worked out from the inputs given"
    if chart.unsuppressed_rows:
        table = result.table
        keep = ~_suppressed_rows(result)
        left_out = int((~keep).sum())
        if not keep.any():
            return None, (f"nothing to draw: each of the {left_out} progression-gap rows has a suppressed count "
                          "(shown as * in the table)" if left_out else "nothing to draw: the table has no rows")
        note = (f"{left_out} progression-gap rows with suppressed counts are in the table (shown as *) but not in "
                "the chart.") if left_out else ""
        return result.with_table(table[keep].reset_index(drop=True)), note
    return result, ""


def check_parts(parts: tuple[Part, ...]) -> None:
    """Every chart draws a table of its part (a programming error otherwise)."""
    for part in parts:
        names = {t.name for t in part.tables}
        for chart in part.charts:
            if chart.table not in names:
                raise WorkforceError(f"part {part.key!r}: chart {chart.name!r} draws {chart.table!r}, "
                                     f"which is not one of its tables {sorted(names)}.")


_PROMOTION_COUNTS = ("stayers", "promoted", "at_start", "leavers", "senior_appointments", "senior_internal",
                     "senior_external", "staff_now", "not_comparable")


#: The bands of each tier or senior part of progression_gaps, by its senior and rest keys (the disparity
#: ratios' tiers; each senior threshold and the bands below it, "8a and above" keyed "8a+" as the gaps key it).
_TIERS = {"8a+": analysis.TIERS["8a+"],
          **{label: BANDS[BANDS.index(lowest):] for label, lowest in analysis.THRESHOLDS.items() if lowest != "8a"},
          "6-7": analysis.TIERS["6-7"], "1-5": analysis.TIERS["1-5"],
          **{f"below {label}": BANDS[:BANDS.index(lowest)] for label, lowest in analysis.THRESHOLDS.items()}}
_ROLES = ("advantaged", "compared", "unknown")


@dataclass(frozen=True)
class _In:
    """The rows whose ``column`` (as text) is one of ``values``, as :func:`workforce._spec.where_in` selects them.

    Equal to every other with the same column and values, so that disclosure
    control works out each once for a table, however many links name it.
    """

    column: str
    values: tuple[str, ...]

    def __call__(self, t: pd.DataFrame) -> Any:
        return is_in(t[self.column], self.values)


def where_in(column: str, *values: str) -> _In:
    """Rows whose ``column`` (as text) is one of ``values``, for a :class:`~workforce.disclosure.Ref` (:class:`_In`)."""
    return _In(column, values)


@dataclass(frozen=True)
class _All:
    """The rows every one of ``all_of`` selects (disclosure control works out each of them once for a table)."""

    all_of: tuple[Callable[[pd.DataFrame], Any], ...]

    def __call__(self, t: pd.DataFrame) -> Any:
        out = self.all_of[0](t)
        for w in self.all_of[1:]:
            out = out & w(t)
        return out


def _both(*wheres: Callable[[pd.DataFrame], Any]) -> _All:
    return _All(wheres)


def _ladder_links(ladder: str, gaps: str) -> list[Link]:
    """A ladder's rungs add up to the progression gaps' tiers; its overall counts are their pools."""
    links = []
    for role in _ROLES:
        rungs = where_in("role", role)
        for tier, bands in _TIERS.items():
            column, key = (f"_{role}_rest", "_rest_key") if tier.startswith("below") or tier == "1-5" else (
                f"{role}_senior", "_senior_key")
            links.append(Link(Ref(gaps, column, ("staff_category",), where_in(key, tier)),
                              (Ref(ladder, "headcount", ("staff_category",),
                                   _both(rungs, where_in("rung_type", "band"), where_in("rung", *bands))),)))
        links.append(Link(Ref(gaps, f"{role}_senior", ("staff_category",), where_in("_senior_key", "Consultant")),
                          (Ref(ladder, "headcount", ("staff_category",),
                               _both(rungs, where_in("rung_type", "grade"), where_in("rung", "Consultant"))),)))
        links.append(Link(Ref(gaps, f"{role}_total", ("staff_category",), where_in("_pool_key", "all rungs")),
                          (Ref(ladder, "overall_headcount", ("staff_category",), rungs),)))
    return links


def _one(t: pd.DataFrame) -> pd.Series:
    return pd.Series("8a and above", index=t.index)


def _indicator_one_links(standard: str, ladder: str, kind: str) -> list[Link]:
    """WRES indicator / WDES metric 1 counts All AfC staff at band 8a and above: the ladder's 8a-8b and 8c+ rungs."""
    groups = ("white", "bme") if kind == "wres" else ("non_disabled", "disabled")
    one, senior = where_in("indicator" if kind == "wres" else "metric", "1"), _both(
        where_in("staff_category", "All AfC"), where_in("rung_type", "cluster"), where_in("rung", "8a-8b", "8c+"))
    links = [Link(Ref(standard, f"{group}_count", _one, one),
                  (Ref(ladder, "headcount", _one, _both(senior, where_in("role", role))),))
             for group, role in zip(groups, ("advantaged", "compared"))]
    return links + [Link(Ref(standard, f"{group}_total", _one, one), (Ref(ladder, "rung_total", _one, senior),))
                    for group in groups]


#: The likelihood counts of the pooled estimate and the funnel, and the progression gaps' counts they are.
_SENIOR_COUNTS = {"a_events": "advantaged_senior", "a_total": "advantaged_total", "b_events": "compared_senior",
                  "b_total": "compared_total"}


def _senior(t: pd.DataFrame) -> pd.Series:
    return pd.Series(SENIOR, index=t.index)


def comparison_links(organisation: str, sheet: Callable[[str], str]) -> list[Link]:
    """The organisations compared: an organisation's row is its own tables' row.

    In ``icb_view``, its representation's "All staff" row; in the pooled
    estimate and the funnel, its progression gaps at band 8a and above (All
    AfC staff).
    """
    mine, all_staff = where_in("subgroup", organisation), where_in("subgroup", "All staff")
    links = [Link(Ref(COMPARISON.tables[0].name, "staff_count", ("characteristic", "group"), mine),
                  (Ref(sheet("representation"), "staff_count", ("characteristic", "group"), all_staff),))]
    links += [Link(Ref(COMPARISON.tables[0].name, c, ("characteristic",), mine),
                   (Ref(sheet("representation"), c, ("characteristic",), all_staff),))
              for c in ("staff_total", "unknown_count", "all_staff")]
    senior = _both(where_in("staff_category", "All AfC"), where_in("comparison", SENIOR),
                   where_in("measure", "relative likelihood"))
    for table, row in (("pooled_senior", where_in("stratum", organisation)),
                       ("funnel_senior", where_in("organisation", organisation))):
        links += [Link(Ref(table, count, _senior, row), (Ref(sheet("progression_gaps"), gaps, _senior, senior),))
                  for count, gaps in _SENIOR_COUNTS.items()]
    return links


#: The progression-gap tables of a pack: this snapshot's by ethnicity and disability, and the previous by ethnicity.
_GAPS = ("progression_gaps", "wdes_progression_gaps", "progression_gaps_previous")


def withheld_counts(sheet: Callable[[str], str]) -> list[Ref]:
    """Counts the pack leaves blank: the progression gaps' unknowns (left out of every measure; the ladder has them).

    Published, they would add sums over nested tiers (8a and above, 8c and
    above, VSM) of the unknown group's small counts on each rung, and much
    more of the ladder would be suppressed to protect them.
    """
    return [Ref(sheet(gaps), c, ()) for gaps in _GAPS for c in ("unknown_senior", "unknown_total")]


def headline_counts(sheet: Callable[[str], str]) -> list[Ref]:
    """The counts behind the pack's headline figures, suppressed as complements only as a last resort.

    The WRES and WDES tables' counts, and the relative likelihood of being at
    band 8a and above (All AfC staff) in the progression gaps (the previous
    snapshot's too: the summary says what changed).
    """
    senior = _both(where_in("staff_category", "All AfC"), where_in("comparison", "8a and above"))
    return ([Ref(sheet("wres"), f"{g}_{c}", ()) for g in ("white", "bme") for c in ("count", "total")]
            + [Ref(sheet("wdes"), f"{g}_{c}", ()) for g in ("non_disabled", "disabled") for c in ("count", "total")]
            + [Ref(sheet(gaps), f"{role}_{c}", (), senior) for gaps in _GAPS
               for role in ("advantaged", "compared") for c in ("senior", "total")])


def board_counts(sheet: Callable[[str], str]) -> list[Ref]:
    """The board rows' counts (WRES 9, WDES 10): published whatever their size when the user asks."""
    return [Ref(sheet("wres"), c, (), where_in("indicator", "9")) for c in ("bme_count", "bme_total")] + [
        Ref(sheet("wdes"), c, (), where_in("metric", "10")) for c in ("disabled_count", "disabled_total")]


def _intersection(t: pd.DataFrame) -> pd.Series:
    """The ethnicity group of a 'sex × ethnicity' row (missing on the other rows)."""
    group = t["group"].astype(str)
    return group.str.split(" × ").str[-1].where(t["characteristic"].astype(str) == "sex × ethnicity")


#: The over-time table's senior shares (the tiers the pack follows), and the progression gaps with the same counts
#: at their snapshot.
_SERIES_GAPS = {"ethnicity": (("progression_gaps", "progression_gaps_previous"), analysis.TIER_NAMES),
                "disability": (("wdes_progression_gaps",), ("8a and above",))}
_SERIES_TIERS = {"8a and above": "All AfC", "8c and above": "All AfC", "VSM": "All AfC", "Consultant": "Medical"}
#: The over-time table's counts over a period (the measure the pack follows), and the promotion table's counts they
#: add up to over its periods: leavers of each group (leaver rate rows), promoted of the compared group and of the
#: reference group (the promotion relative likelihood's counts).
_SERIES_RATES = (("leaver rate", "events", "group", "leavers"), ("leaver rate", "n", "group", "at_start"),
                 ("promotion relative likelihood", "events", "group", "promoted"),
                 ("promotion relative likelihood", "n", "group", "stayers"),
                 ("promotion relative likelihood", "reference_events", "_reference", "promoted"),
                 ("promotion relative likelihood", "reference_n", "_reference", "stayers"))


def _over_time_links(sheet: Callable[[str], str], rates: bool = True) -> list[Link]:
    """The over-time table's points that other tables publish too.

    At each snapshot the progression gaps are made for (the latest and the
    previous year's), the senior share's counts are the gaps' compared
    group at the tier and the two groups together; with ``rates``, over the
    periods, the rates' counts add up to the promotion table's (when the pack
    compares the same snapshots: :func:`same_periods`).
    """
    series, date = sheet("over_time"), ("snapshot_date",)
    links = []
    for characteristic, (tables, tiers) in _SERIES_GAPS.items():
        for tier in tiers:
            category = _SERIES_TIERS[tier]
            rows = _both(where_in("characteristic", characteristic), where_in("measure", "senior share"),
                         where_in("tier", tier))
            senior = _both(where_in("staff_category", category), where_in("comparison", tier))
            for gaps in map(sheet, tables):
                links.append(Link(Ref(series, "events", date, rows), (Ref(gaps, "compared_senior", date, senior),)))
                links.append(Link(Ref(series, "n", date, rows), (Ref(gaps, "advantaged_senior", date, senior),
                                                                 Ref(gaps, "compared_senior", date, senior))))
    if rates:
        for measure, count, group, promotion_count in _SERIES_RATES:
            links.append(Link(Ref(sheet("promotion"), promotion_count, ("characteristic", "group")),
                              (Ref(series, count, ("characteristic", group), where_in("measure", measure)),)))
    return links


def same_periods(series: Result | None, promotion: Result | None) -> bool:
    """Whether the over-time rates are over the promotion table's periods (so their counts add up to it).

    Not from a monthly series: promotion compares the snapshots a year apart.
    """
    if series is None or promotion is None:
        return False
    t = series.table
    rates = t[t["measure"].astype(str).isin([measure for measure, *_ in _SERIES_RATES])]
    dates = {str(pd.Timestamp(d).date()) for d in pd.concat([rates["period_start"], rates["snapshot_date"]]).dropna()}
    return bool(dates) and dates == set(promotion.method.snapshots)


def pack_links(sheet: Callable[[str], str], *, tiers: bool = True, rates: bool = True) -> list[Link]:
    """The counts shared between the tables of one organisation's parts (``sheet``: table name -> sheet name).

    Band groups add up to "All staff" (representation, promotion); the
    intersection's rows add up to its single characteristic; and the same
    people are counted by every characteristic (everyone on a rung, everyone
    in a band group).  A link that does not hold on an organisation's counts
    (a band group missing) is not used (:class:`workforce.disclosure.Link`).

    ``rates``: the over-time rates add up to the promotion table's counts
    (:func:`same_periods`).  ``tiers``: also the ladder's rungs adding up to
    the progression gaps' tiers and pools (the pack withholds the gaps' unknown counts,
    :func:`withheld_counts`, so that they add no nested sums of the
    unknowns' small counts).
    """
    links = [Link(Ref(sheet("promotion"), c, ("characteristic", "group")),
                  (Ref(sheet("promotion_by_band_group"), c, ("characteristic", "group")),))
             for c in _PROMOTION_COUNTS]
    links += [Link(Ref(sheet("representation"), "staff_count", ("characteristic", "group")),
                   (Ref(sheet("representation_by_band"), "staff_count", ("characteristic", "group")),))]
    links += [Link(Ref(sheet("representation"), c, ("characteristic",)),
                   (Ref(sheet("representation_by_band"), c, ("characteristic",)),))
              for c in ("staff_total", "unknown_count", "all_staff")]
    if tiers:
        links += _ladder_links(sheet("ladder"), sheet("progression_gaps"))
        links += _ladder_links(sheet("wdes_ladder"), sheet("wdes_progression_gaps"))
    # the same people, whatever the characteristic
    key = ("staff_category", "rung_type", "rung")
    links += [Link(Ref(sheet("ladder"), c, key), (Ref(sheet("wdes_ladder"), c, key),)) for c in ("rung_total",)]
    links += [Link(Ref(sheet("ladder"), "overall_total", ("staff_category",)),
                   (Ref(sheet("wdes_ladder"), "overall_total", ("staff_category",)),))]
    for standard, ladder in (("wres", "ladder"), ("wdes", "wdes_ladder")):
        links += _indicator_one_links(sheet(standard), sheet(ladder), standard)
    links += [Link(Ref(sheet("representation"), "all_staff", ("subgroup",)),
                   (Ref(sheet("age_profile"), "all_staff", ("subgroup",)),))]
    links += _over_time_links(sheet, rates)
    intersection = sheet("sex_ethnicity_by_band")
    for characteristic in ("sex", "ethnicity"):
        links.append(Link(Ref(sheet("representation_by_band"), "all_staff", ("subgroup",)),
                          (Ref(intersection, "all_staff", ("subgroup",), where_in("characteristic", characteristic)),)))
    links += [Link(Ref(sheet("representation_by_band"), "staff_count", ("subgroup", "group")),
                   (Ref(intersection, "staff_count", ("subgroup", "group"), where_in("characteristic", "ethnicity")),))]
    links += [Link(Ref(intersection, "staff_count", ("subgroup", "group"), where_in("characteristic", "ethnicity")),
                   (Ref(intersection, "staff_count", lambda t: pd.Series(list(zip(t["subgroup"], _intersection(t))),
                                                                          index=t.index).where(_intersection(t).notna()),
                        where_in("characteristic", "sex × ethnicity")),))]
    return links
