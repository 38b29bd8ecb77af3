"""Progression over time: who was promoted, who stayed, who left, who joined.

Snapshots of the staff table (one per year, say) are linked by ``person_id``
within each organisation, one pair of consecutive snapshots at a time.  Each
person's movement between the two is classified from the *grade* held at each
end: the Agenda for Change band (1 < … < 7 < 8a < … < 8d < 9 < VSM, one
ordered ladder: VSM is the rung above band 9), or, for doctors and dentists,
the medical grade (Resident doctor < SAS < Consultant).

Movements (:data:`MOVEMENTS`):

``promoted``
    A higher rung on the same ladder: a higher band (8d → VSM included), or
    Resident doctor → SAS, Resident doctor → Consultant, SAS → Consultant.
    Leaving training for an SAS post counts as a promotion (a career grade
    above the training grades): a decision of this package, not an NHS rule.
``same band``
    The same grade at both ends (also the same unbanded pay, such as
    Apprentice at both ends).
``moved down``
    A lower rung on the same ladder.
``changed pay system``
    Moved between the AfC/VSM ladder, the medical grades, apprentice pay and
    local/spot pay (an apprentice appointed to band 3, a nurse who trains as
    a doctor).
``not comparable``
    Present at both ends, but a grade is missing at one end (unrecognised in
    the export), or one end is "Other medical", which has no place on the
    medical ladder.
``left`` / ``joined``
    In the first snapshot and not the second, or the reverse.  Linking is
    within an organisation: someone who moves to another trust has left one
    and joined the other.  On a table narrowed to a service, they mean left or
    joined the service.

Time in grade is not in the exports (ESR holds no "date appointed to band").
It is measured here as the number of consecutive snapshots, counting back,
in which the person held the same grade (``grade_snapshots``).  A run that
reaches the organisation's first snapshot is cut short by the data (censored),
so the measure is a lower bound; :func:`workforce.analysis._promotion.promotion`
reports how many runs are censored.  Years since hire (``service_years``) is
length of service in the organisation, not in the grade, and is shown
alongside, never as time in band.

Linking factorises ``person_id`` once (one hashing pass over the identifiers)
and does everything else on integer codes with numpy, so national tables of
millions of people link in about a second.

Rates by group (promotion, leaving, senior appointments, time in grade) are
computed from these links by :func:`workforce.analysis._promotion.promotion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._result import Method, Result
from .._spec import Kind, ResultSpec, columns
from .._wording import either
from ..codes import (
    AGE_BAND_DTYPE,
    BAND_DTYPE,
    BANDS,
    CLINICAL_GROUP_DTYPE,
    DISABILITY_DTYPE,
    GRADE_GROUP_DTYPE,
    MEDICAL_GRADE_DTYPE,
    PAY_SYSTEM_DTYPE,
    SEX_DTYPE,
    STAFF_GROUP_DTYPE,
    WRES_GROUP_DTYPE,
    grade_group,
)
from ..errors import WorkforceError

if TYPE_CHECKING:
    from ..load import StaffTable

__all__ = [
    "movements",
    "MOVEMENTS",
    "MOVEMENT_DTYPE",
    "MOVEMENT_COLUMNS",
    "GRADES",
    "GRADE_DTYPE",
    "SENIOR_GRADES",
    "CHARACTERISTICS",
]

#: Movement categories, in this order (see the module docstring).
MOVEMENTS = ("promoted", "same band", "moved down", "changed pay system", "not comparable", "left", "joined")
MOVEMENT_DTYPE = pd.CategoricalDtype(list(MOVEMENTS))
_PROMOTED, _SAME, _DOWN, _CHANGED, _NOT_COMPARABLE, _LEFT, _JOINED = range(len(MOVEMENTS))
#: Stayers whose promotion can be judged: the denominators of promotion rates.
_AT_RISK = (_PROMOTED, _SAME, _DOWN, _CHANGED)

#: A person's grade: AfC band or VSM, medical grade, or unbanded pay (not ordered across pay systems).
GRADES = (*BANDS, *MEDICAL_GRADE_DTYPE.categories, "Apprentice", "Local/Spot")
GRADE_DTYPE = pd.CategoricalDtype(list(GRADES))
#: Senior grades: AfC 8a and above with VSM (definitions 1.4), and Consultant (the senior medical grade,
#: PROPOSED in definitions 1.4; there is no official WRES senior cut for doctors).
SENIOR_GRADES = ("8a", "8b", "8c", "8d", "9", "VSM", "Consultant")
_N_BANDS = len(BANDS)
_MEDICAL0 = _N_BANDS  # first medical grade code in GRADES
_APPRENTICE, _LOCAL = len(GRADES) - 2, len(GRADES) - 1
# ladder (pay system) of each grade: 0 AfC/VSM, 1 medical, 2 apprentice, 3 local/spot
_LADDER = np.array([0] * _N_BANDS + [1] * 4 + [2, 3], dtype=np.int8)
# rung on the ladder: band order; Resident doctor 0 < SAS 1 < Consultant 2; -1 where there is no rung
_MEDICAL_RUNG = {"Consultant": 2, "SAS": 1, "Resident doctor": 0, "Other medical": -1}
_RUNG = np.array(list(range(_N_BANDS)) + [_MEDICAL_RUNG[g] for g in MEDICAL_GRADE_DTYPE.categories] + [-1, -1],
                 dtype=np.int8)
#: The names ``characteristic=`` takes in promotion, adjusted_gap and model_employer (keys of CHARACTERISTICS).
Characteristic = Literal["ethnicity", "disability", "sex"]
_SENIOR = np.isin(np.array(GRADES, dtype=object), SENIOR_GRADES)

#: The characteristics compared, as (column, advantaged value, compared value, advantaged label,
#: compared label).  Relative likelihoods follow the official direction: the advantaged group's
#: rate over the compared group's, so above 1 means the compared group is worse off.
CHARACTERISTICS = {
    "ethnicity": ("wres_group", "White", "BME", "White", "BME"),
    "disability": ("disability", "No", "Yes", "Non-disabled", "Disabled"),
    "sex": ("sex", "Male", "Female", "Male", "Female"),
}
_KNOWN_DTYPES = {
    "wres_group": WRES_GROUP_DTYPE, "disability": DISABILITY_DTYPE, "sex": SEX_DTYPE, "age_band": AGE_BAND_DTYPE,
    "staff_group": STAFF_GROUP_DTYPE, "clinical_group": CLINICAL_GROUP_DTYPE, "band": BAND_DTYPE,
    "medical_grade": MEDICAL_GRADE_DTYPE, "pay_system": PAY_SYSTEM_DTYPE,
}

#: What ``movements`` returns: one row per person per period (person-level: never published as it is).
MOVEMENTS_SPEC = ResultSpec(
    kind=Kind.MOVEMENTS,
    title="Each person's movement between snapshots",
    columns=columns(
        ("organisation", "category", "the organisation"),
        ("period_start", "datetime64[ns]", "the earlier snapshot"),
        ("period_end", "datetime64[ns]", "the later snapshot"),
        ("years", "float64", "years between the two snapshots"),
        ("person_id", "str", "keyed hash of the employee number (links the snapshots)"),
        ("movement", "category", "promoted, same band, moved down, changed pay system, not comparable, left, "
                                 "joined"),
        ("steps", "Int64", "rungs moved on one ladder (missing where not on one ladder)"),
        ("band_start", "category", "AfC band or VSM at the start"),
        ("band_end", "category", "AfC band or VSM at the end"),
        ("grade_start", "category", "grade at the start: band, medical grade or unbanded pay"),
        ("grade_end", "category", "grade at the end"),
        ("pay_system_start", "category", "pay system at the start"),
        ("pay_system_end", "category", "pay system at the end"),
        ("grade_group", "category", "band group of the grade (1-4, 5-7, 8a-8b, 8c+, Medical, Other pay)"),
        ("staff_group", "category", "ESR staff group"),
        ("clinical_group", "category", "Clinical, Non-clinical or Medical"),
        ("wres_group", "category", "White, BME or Unknown"),
        ("disability", "category", "Yes, No or Unknown"),
        ("sex", "category", "Female, Male, Other or missing"),
        ("age_band", "category", "age band"),
        ("fte", "float64", "the person's total FTE"),
        ("service_years", "float64", "years since hire"),
        ("grade_snapshots", "Int64", "consecutive snapshots in the same grade, counting back (a lower bound)"),
        ("is_bank", "bool", "only bank assignments"),
    ),
    source="person-level: publish promotion(...) instead",
)
#: Columns of ``movements(...).table``, always in this order (see :data:`MOVEMENTS_SPEC`).
MOVEMENT_COLUMNS = MOVEMENTS_SPEC.names


# ---------------------------------------------------------------- linking


@dataclass
class _Links:
    """Person-periods as row numbers into the people table (-1 where absent), with codes."""

    people: pd.DataFrame
    start: np.ndarray      # people row at the period start (-1: joined)
    end: np.ndarray        # people row at the period end (-1: left)
    attr: np.ndarray       # the row attributes are read from: start, or end for joiners
    pair: np.ndarray       # index into ``pairs``
    movement: np.ndarray   # MOVEMENTS code
    steps: np.ndarray      # rungs moved on one ladder (float, nan where not on one ladder)
    grade: np.ndarray      # GRADES code of every people row (-1: unknown)
    run: np.ndarray        # grade_snapshots of every people row
    first: np.ndarray      # every people row: is its run cut short by the organisation's first snapshot?
    latest: np.ndarray     # mask of people rows at their organisation's latest snapshot
    pairs: list[dict]


def _people(staff) -> pd.DataFrame:
    people = staff.people if hasattr(staff, "people") else staff
    if not isinstance(people, pd.DataFrame):
        raise WorkforceError("staff must be the result of workforce.load_staff (or its .people table).")
    missing = [c for c in ("person_id", "organisation", "snapshot_date") if c not in people]
    if missing:
        raise WorkforceError(f"the staff table has no {', '.join(missing)} column: give the result of "
                             "workforce.load_staff (or its .people table).")
    if not ({"band", "medical_grade", "pay_system"} & set(people.columns)):
        raise WorkforceError("the staff table has no band, medical_grade or pay_system column, so movements "
                             "between grades cannot be classified.")
    return people


def _codes(people: pd.DataFrame, column: str, dtype: pd.CategoricalDtype | None = None):
    """(category codes, categorical dtype) of a column; all -1 when the column is absent."""
    known = dtype if dtype is not None else _KNOWN_DTYPES.get(column)
    if column not in people:
        return np.full(len(people), -1, dtype=np.int8), known if known is not None else pd.CategoricalDtype([])
    values = people[column]
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(known if known is not None else "category")
    elif dtype is not None and values.dtype != dtype:
        values = values.astype(dtype)
    return values.cat.codes.to_numpy(), values.dtype


def _grade_codes(people: pd.DataFrame) -> np.ndarray:
    """GRADES code of every row: band, else medical grade, else apprentice or local/spot pay, else -1."""
    band, _ = _codes(people, "band", BAND_DTYPE)
    medical, _ = _codes(people, "medical_grade", MEDICAL_GRADE_DTYPE)
    pay, _ = _codes(people, "pay_system", PAY_SYSTEM_DTYPE)
    pay_names = list(PAY_SYSTEM_DTYPE.categories)
    grade = np.where(band >= 0, band, np.where(medical >= 0, _MEDICAL0 + medical, -1)).astype(np.int8)
    grade = np.where((grade < 0) & (pay == pay_names.index("Apprentice")), _APPRENTICE, grade)
    grade = np.where((grade < 0) & (pay == pay_names.index("Local/Spot")), _LOCAL, grade)
    return grade.astype(np.int8)


def _person_codes(ids: pd.Series) -> np.ndarray:
    """One integer per distinct person_id (-1: missing), in one hashing pass."""
    if isinstance(ids.dtype, (pd.StringDtype, pd.ArrowDtype)):
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            arrow = pa.array(ids.array)
            if isinstance(arrow, pa.ChunkedArray):
                arrow = arrow.combine_chunks()
            return pc.dictionary_encode(arrow).indices.fill_null(-1).to_numpy().astype(np.int64)
        except (TypeError, pa.ArrowException):  # pragma: no cover - not strings after all: pandas below
            pass
    codes, _ = pd.factorize(ids.to_numpy())
    return codes.astype(np.int64)


class _Files:
    """Names of the source files of rows, for messages (from the ``source_file`` category codes)."""

    def __init__(self, people: pd.DataFrame) -> None:
        self.codes: np.ndarray | None
        self.codes, dtype = _codes(people, "source_file") if "source_file" in people else (None, None)
        self.names = [Path(str(c)).name for c in dtype.categories] if dtype is not None else []

    def __call__(self, rows: np.ndarray) -> str:
        if self.codes is None or len(rows) == 0:
            return "(file not recorded)"
        used = np.flatnonzero(np.bincount(self.codes[rows].astype(np.int64) + 1, minlength=1)[1:])
        names = sorted({self.names[c] for c in used})
        return ", ".join(names) if names else "(file not recorded)"


def _link(staff) -> _Links:
    """Link consecutive snapshots of each organisation (see :func:`movements`)."""
    people = _people(staff)
    n = len(people)
    org, org_dtype = _codes(people, "organisation")
    org = org.astype(np.int64) + 1  # 0: no organisation
    dates = people["snapshot_date"]
    if dates.isna().any():
        raise WorkforceError("some rows of the staff table have no snapshot_date; give the date with "
                             f"{either('load_staff(..., snapshot_date=...)', '--snapshot-date YYYY-MM-DD')}.")
    snap, snap_values = pd.factorize(dates.to_numpy())
    snap_dates = pd.DatetimeIndex(snap_values)
    n_snap = len(snap_dates)
    key = org * n_snap + snap
    # stable: rows stay in file order within each organisation and snapshot; small keys sort by radix
    order = np.argsort(key.astype(np.int16) if key.max(initial=0) < 2**15 else key, kind="stable")
    counts = np.bincount(key, minlength=(len(org_dtype.categories) + 1) * n_snap)
    bounds = np.concatenate([[0], np.cumsum(counts)])

    org_names = ["(no organisation)"] + [str(c) for c in org_dtype.categories]
    schedule = []  # per organisation: its snapshot codes in date order
    for o in range(len(org_names)):
        present = [s for s in range(n_snap) if counts[o * n_snap + s] > 0]
        schedule.append(sorted(present, key=lambda s: snap_dates[s]))
    if not any(len(s) >= 2 for s in schedule):
        seen = "; ".join(f"{org_names[o]}: {', '.join(str(snap_dates[x].date()) for x in s)}"
                         for o, s in enumerate(schedule) if s)
        raise WorkforceError(
            "progression needs at least two snapshots of the same organisation, linked by person_id; found "
            f"{seen}. " + either("Load two or more years' exports together (load_staff([...]) with one pseudonym key). ",
                                 "Give two or more years' exports together in one command. ") +
            "If they are one organisation under two names, make the organisation names match.")

    pid = _person_codes(people["person_id"])
    if (pid < 0).any():
        raise WorkforceError(f"{int((pid < 0).sum())} rows of the staff table have no person_id.")
    grade = _grade_codes(people)
    files = _Files(people)
    run = np.ones(n, dtype=np.int32)
    first = np.zeros(n, dtype=bool)
    latest = np.zeros(n, dtype=bool)
    position = np.full(int(pid.max()) + 1 if n else 0, -1, dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    pairs: list[dict[str, Any]] = []
    for o, snaps in enumerate(schedule):
        if not snaps:
            continue
        rows_of = {s: order[bounds[o * n_snap + s]:bounds[o * n_snap + s + 1]] for s in snaps}
        first[rows_of[snaps[0]]] = True
        latest[rows_of[snaps[-1]]] = True
        for s0, s1 in zip(snaps[:-1], snaps[1:]):
            r0, r1 = rows_of[s0], rows_of[s1]
            match = _match(pid, r0, r1, position, files, org_names[o], snap_dates[s0], snap_dates[s1])
            stay = match >= 0
            if not stay.any():
                raise WorkforceError(
                    f"{org_names[o]}: nobody in the snapshot of {snap_dates[s0].date()} ({files(r0)}) "
                    f"appears in the snapshot of {snap_dates[s1].date()} ({files(r1)}), so the two "
                    "cannot be linked. Check that both files were loaded with the same pseudonym key (load them "
                    "together in one load_staff call, or give the same pseudonym_key= or WORKFORCE_PSEUDONYM_KEY "
                    "each time; see the pseudonym_key of workforce.load_staff), that employee numbers are written the same way in both, "
                    "and that both are exports of this organisation.")
            stayed_end = r1[match[stay]]
            same = grade[r0[stay]] == grade[stayed_end]
            run[stayed_end[same]] = run[r0[stay][same]] + 1
            first[stayed_end[same]] = first[r0[stay][same]]
            hit = np.zeros(len(r1), dtype=bool)
            hit[match[stay]] = True
            joined = r1[~hit]
            p = len(pairs)
            parts.append((np.concatenate([r0, np.full(len(joined), -1)]),
                          np.concatenate([np.where(stay, r1[np.maximum(match, 0)], -1), joined]),
                          np.full(len(r0) + len(joined), p, dtype=np.int32)))
            years = (snap_dates[s1] - snap_dates[s0]).days / 365.25
            pairs.append({"organisation": org_names[o], "start": snap_dates[s0], "end": snap_dates[s1],
                          "years": years, "at_start": len(r0), "at_end": len(r1), "stayers": int(stay.sum()),
                          "start_files": files(r0), "end_files": files(r1)})
    start = np.concatenate([p[0] for p in parts])
    end = np.concatenate([p[1] for p in parts])
    pair = np.concatenate([p[2] for p in parts])
    movement, steps = _classify(grade, start, end)
    return _Links(people=people, start=start, end=end, attr=np.where(start >= 0, start, end), pair=pair,
                  movement=movement, steps=steps, grade=grade, run=run, first=first, latest=latest, pairs=pairs)


def _match(pid, r0, r1, position, files, org, d0, d1) -> np.ndarray:
    """For each start row, its position among the end rows (-1: left); checks each person appears once."""
    p0, p1 = pid[r0], pid[r1]
    for p, rows, when in ((p1, r1, d1), (p0, r0, d0)):
        position[p] = np.arange(len(p))
        repeated = position[p] != np.arange(len(p))
        position[p] = -1
        if repeated.any():
            raise WorkforceError(
                f"{org}: a person_id appears more than once in the snapshot of {when.date()} "
                f"({files(rows)}); the people table must hold one row per person per organisation and "
                "snapshot (use StaffTable.people, not .assignments).")
    position[p1] = np.arange(len(p1))
    match = position[p0]
    position[p1] = -1
    return match


def _classify(grade: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Movement code and rungs moved for each person-period."""
    g0 = np.where(start >= 0, grade[np.maximum(start, 0)], -1)
    g1 = np.where(end >= 0, grade[np.maximum(end, 0)], -1)
    known = (g0 >= 0) & (g1 >= 0)
    ladder0, ladder1 = _LADDER[np.maximum(g0, 0)], _LADDER[np.maximum(g1, 0)]
    rung0, rung1 = _RUNG[np.maximum(g0, 0)].astype(np.int16), _RUNG[np.maximum(g1, 0)].astype(np.int16)
    ranked = known & (ladder0 == ladder1) & (rung0 >= 0) & (rung1 >= 0)
    code = np.full(len(start), _NOT_COMPARABLE, dtype=np.int8)
    code[known & (ladder0 != ladder1)] = _CHANGED
    code[known & (g0 == g1)] = _SAME
    code[ranked & (rung1 > rung0)] = _PROMOTED
    code[ranked & (rung1 < rung0)] = _DOWN
    code[end < 0] = _LEFT
    code[start < 0] = _JOINED
    steps = np.where(ranked, (rung1 - rung0).astype(float), np.nan)
    return code, steps


def _take_codes(codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return np.where(rows >= 0, codes[np.maximum(rows, 0)], -1)


def _categorical(codes: np.ndarray, dtype: pd.CategoricalDtype) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int16 if len(dtype.categories) > 127 else np.int8), dtype=dtype)


# ---------------------------------------------------------------- movements


def movements(staff: StaffTable | pd.DataFrame) -> Result:
    """Link snapshots by person and classify each person's movement between them.

    Each organisation's snapshots are taken in date order and every pair of
    consecutive snapshots is linked by ``person_id`` (the keyed hash of the
    employee number, so the files must be loaded with the same pseudonym key).

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff` with two or more snapshots (its
        ``people`` are used: one row per person, organisation and snapshot).

    Returns
    -------
    Result
        ``.table`` has one row per person and period, columns
        :data:`MOVEMENT_COLUMNS`:

        * ``organisation``, ``period_start``, ``period_end``, ``years``
          (length of the period), ``person_id``;
        * ``movement`` (:data:`MOVEMENTS`, see the module docstring) and
          ``steps``, the rungs moved on one ladder (2 for band 6 → 8a; missing
          when the grades are not on one ladder);
        * ``band_start``, ``band_end`` (AfC band or VSM), ``grade_start``,
          ``grade_end`` (band, or the medical grade for doctors, or
          Apprentice / Local/Spot: :data:`GRADE_DTYPE`), ``pay_system_start``,
          ``pay_system_end``;
        * ``grade_group`` (1-4, 5-7, 8a-8b, 8c+, Medical, Other pay),
          ``staff_group``, ``clinical_group``, ``wres_group``, ``disability``,
          ``sex``, ``age_band``, ``fte`` (the person's total contracted FTE),
          ``service_years`` (since hire), ``grade_snapshots`` (consecutive
          snapshots in ``grade_start``, counting back from the period start: a
          lower bound on time in grade) and ``is_bank`` (bank assignments
          only): as at the period start, or, for people who joined, as at the
          period end.

        ``.method`` lists each linked pair of snapshots with its files and
        counts.

    Raises
    ------
    WorkforceError
        Fewer than two snapshots of any organisation; two consecutive
        snapshots with nobody in common (the message names the files and what
        to check, usually the pseudonym key); a person twice in one snapshot.

    Examples
    --------
    >>> from workforce import sample_data
    >>> from workforce import load_staff
    >>> files = [sample_data(f"soar_valley_staff_in_post_{year}-03-31.xlsx") for year in (2024, 2025)]
    >>> staff = load_staff(files, pseudonym_key="example key")
    >>> table = movements(staff).table
    >>> table["movement"].value_counts()[["promoted", "left", "joined"]].tolist()
    [431, 614, 737]
    """
    links = _link(staff)
    return Result(table=_movement_table(links), spec=MOVEMENTS_SPEC, method=_movement_method(links))


def _movement_table(links: _Links) -> pd.DataFrame:
    people, start, end, attr = links.people, links.start, links.end, links.attr
    pair_start = np.array([p["start"].to_datetime64() for p in links.pairs], dtype="datetime64[ns]")
    pair_end = np.array([p["end"].to_datetime64() for p in links.pairs], dtype="datetime64[ns]")
    pair_years = np.array([p["years"] for p in links.pairs])
    band, _ = _codes(people, "band", BAND_DTYPE)
    pay, _ = _codes(people, "pay_system", PAY_SYSTEM_DTYPE)
    group = grade_group(pd.Series(pd.Categorical.from_codes(band, dtype=BAND_DTYPE)),
                        pd.Series(pd.Categorical.from_codes(pay, dtype=PAY_SYSTEM_DTYPE))).cat.codes.to_numpy()
    columns: dict = {}
    org, org_dtype = _codes(people, "organisation")
    columns["organisation"] = _categorical(org[attr], org_dtype)
    columns["period_start"] = pair_start[links.pair]
    columns["period_end"] = pair_end[links.pair]
    columns["years"] = pair_years[links.pair]
    columns["person_id"] = people["person_id"].array.take(attr)
    columns["movement"] = _categorical(links.movement, MOVEMENT_DTYPE)
    columns["steps"] = _int_array(links.steps)
    columns["band_start"] = _categorical(_take_codes(band, start), BAND_DTYPE)
    columns["band_end"] = _categorical(_take_codes(band, end), BAND_DTYPE)
    columns["grade_start"] = _categorical(_take_codes(links.grade, start), GRADE_DTYPE)
    columns["grade_end"] = _categorical(_take_codes(links.grade, end), GRADE_DTYPE)
    columns["pay_system_start"] = _categorical(_take_codes(pay, start), PAY_SYSTEM_DTYPE)
    columns["pay_system_end"] = _categorical(_take_codes(pay, end), PAY_SYSTEM_DTYPE)
    columns["grade_group"] = _categorical(group[attr], GRADE_GROUP_DTYPE)
    for name in ("staff_group", "clinical_group", "wres_group", "disability", "sex", "age_band"):
        codes, dtype = _codes(people, name)
        columns[name] = _categorical(codes[attr], dtype)
    columns["fte"] = _float(people, "fte_total" if "fte_total" in people else "fte")[attr]
    columns["service_years"] = _float(people, "service_years")[attr]
    columns["grade_snapshots"] = _int_array(np.where(start >= 0, links.run[np.maximum(start, 0)], -1), missing=-1)
    columns["is_bank"] = _bank(people)[attr]
    return pd.DataFrame(columns)[MOVEMENT_COLUMNS]


def _int_array(values: np.ndarray, missing=None) -> pd.arrays.IntegerArray:
    if missing is None:
        mask = ~np.isfinite(values)
    else:
        mask = values == missing
    return pd.arrays.IntegerArray(np.where(mask, 0, values).astype(np.int64), mask)


def _float(people: pd.DataFrame, column: str) -> np.ndarray:
    if column not in people:
        return np.full(len(people), np.nan)
    return pd.to_numeric(people[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _bank(people: pd.DataFrame) -> np.ndarray:
    if "is_bank" not in people:
        return np.zeros(len(people), dtype=bool)
    return people["is_bank"].fillna(False).to_numpy(dtype=bool)


def _movement_method(links: _Links) -> Method:
    return Method(
        snapshots=tuple(sorted({str(d.date()) for p in links.pairs for d in (p["start"], p["end"])})),
        notes={
            "linking": "consecutive snapshots of each organisation, by person_id (keyed hash of the employee number)",
            "pairs": [f"{p['organisation']}: {p['start'].date()} ({p['start_files']}) -> {p['end'].date()} "
                      f"({p['end_files']}): {p['at_start']} then {p['at_end']} people, {p['stayers']} in both"
                      for p in links.pairs],
            "grades": "AfC band 1 < ... < 8d < 9 < VSM on one ladder; Resident doctor < SAS < Consultant; "
                      "apprentice and local/spot pay unranked; moves between these are 'changed pay system'",
            "promoted": "a higher band, or Resident doctor -> SAS or Consultant, or SAS -> Consultant "
                        "(Resident -> SAS counted as a promotion: a package decision)",
            "attributes": "as at the period start; for joiners as at the period end",
            "time in grade": "grade_snapshots: consecutive snapshots in the same grade counting back from the "
                             "period start, a lower bound (runs are cut short by the first snapshot)",
        },
    )


# ---------------------------------------------------------------- groups


def _groups(people: pd.DataFrame, characteristic: str) -> tuple[np.ndarray, tuple[str, str]]:
    """Each row's group: 0 advantaged, 1 compared, 2 unknown (or another value such as sex Other)."""
    if characteristic not in CHARACTERISTICS:
        raise WorkforceError(f"characteristic must be one of {list(CHARACTERISTICS)}, not {characteristic!r}.")
    column, advantaged, compared, label_a, label_b = CHARACTERISTICS[characteristic]
    if column not in people:
        raise WorkforceError(f"the staff table has no {column} column, needed for characteristic={characteristic!r}.")
    codes, dtype = _codes(people, column)
    cats = [str(c) for c in dtype.categories]
    lookup = np.full(len(cats) + 1, 2, dtype=np.int8)  # last entry: missing (-1)
    for value, g in ((advantaged, 0), (compared, 1)):
        if value in cats:
            lookup[cats.index(value)] = g
    return lookup[codes], (label_a, label_b)
