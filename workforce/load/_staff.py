"""``load_staff``: from HR exports to one clean, privacy-safe staff table.

Each file is read and cleaned by :func:`workforce.load._export.load_export`; the
files are then combined, and one row per person is chosen for headcounts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from .._guard import limit
from .._paths import expand_paths
from .._version import __version__
from ..errors import UnusableFileError, WorkforceError
from . import _fast
from ._export import PERSON_KEY, TEXT_COLUMNS, load_export
from ._privacy import Pseudonymiser
from ._read import release_arrow_memory
from ._report import PROBLEM_COLUMNS, ProblemCode, ValidationReport
from ._schema import read_schema

_T = TypeVar("_T")

if TYPE_CHECKING:
    from ._read import Engine
    from ._service import Service

__all__ = ["StaffTable", "load_staff", "ASSIGNMENT_COLUMNS", "PEOPLE_COLUMNS"]

#: Columns of :attr:`StaffTable.assignments`, always present, in this order.
ASSIGNMENT_COLUMNS = [
    "person_id", "assignment_id", "organisation", "snapshot_date",
    "ethnicity_code", "ethnicity_code_extended", "ethnicity_label", "ethnicity_census19",
    "ethnicity_census5", "ethnicity_nhs5", "wres_group",
    "sex", "age", "age_band", "esr_age_band", "disability",
    "band", "medical_grade", "pay_system", "staff_group", "clinical_group",
    "assignment_category", "is_bank", "is_primary", "fte", "service_years",
    *TEXT_COLUMNS,
    "source_file", "source_sheet", "source_row",
]
#: Columns of :attr:`StaffTable.people`: one row per person, organisation and snapshot.
PEOPLE_COLUMNS = [c for c in ASSIGNMENT_COLUMNS if c != "assignment_id"] + ["n_assignments", "fte_total", "primary_basis"]


@dataclass(frozen=True)
class StaffTable:
    """The clean staff table: assignments, people and the validation report.

    Attributes
    ----------
    assignments : pandas.DataFrame
        One row per assignment, columns :data:`ASSIGNMENT_COLUMNS`.  Use it
        for FTE.
    people : pandas.DataFrame
        One row per person per organisation per snapshot, columns
        :data:`PEOPLE_COLUMNS`.  Headcount analyses use this.  The row is the
        person's primary assignment; where none is flagged (or several are),
        the non-bank assignment with the largest FTE, then the highest band,
        then the first in the file (``primary_basis`` says which).
    report : ValidationReport
        Every problem found and where every input row went.
    service : str or None
        The service the table was narrowed to, if any.
    pseudonymiser : Pseudonymiser or None
        The keyed hash the employee numbers were replaced with (never shown):
        ``load_disciplinary(path, like=staff)`` and the other loaders use it,
        so the inputs link to these staff.
    key_fingerprint : str or None
        8 hex characters naming the key (safe to show); an input loaded with
        another key has another fingerprint, and the analyses linking them
        refuse it.

    Examples
    --------
    >>> from workforce import load_staff, sample_data
    >>> staff = load_staff(sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> staff.report.rows_read == staff.report.rows_used + staff.report.rows_excluded
    True
    >>> list(staff.people["wres_group"].cat.categories)
    ['White', 'BME', 'Unknown']
    """

    assignments: pd.DataFrame
    people: pd.DataFrame
    report: ValidationReport
    service: str | None = None
    pseudonymiser: Pseudonymiser | None = field(default=None, repr=False, compare=False)

    @property
    def key_fingerprint(self) -> str | None:
        """The fingerprint of the pseudonym key (see :attr:`Pseudonymiser.fingerprint`)."""
        return None if self.pseudonymiser is None else self.pseudonymiser.fingerprint

    def __repr__(self) -> str:
        snaps = sorted({d.date().isoformat() for d in self.people["snapshot_date"].dropna()})
        orgs = [str(o) for o in self.people["organisation"].dropna().unique()]
        named = ", ".join(orgs[:2]) + (f" and {len(orgs) - 2:,} more" if len(orgs) > 2 else "")
        scope = f"; service {self.service}" if self.service else ""
        return (f"<StaffTable: {len(orgs):,} organisation{'' if len(orgs) == 1 else 's'} ({named}); "
                f"snapshot{'' if len(snaps) == 1 else 's'} {', '.join(snaps)}{scope}; {len(self.people):,} people, "
                f"{len(self.assignments):,} assignments; {self.report.rows_excluded:,} rows excluded>")

    def _repr_html_(self) -> str:  # notebooks
        """People and assignments by organisation and snapshot, and where the rows went."""
        import html

        from .._display import count, html_table

        keys = ["organisation", "snapshot_date"]
        people = self.people.groupby(keys, observed=True).size()
        assignments = self.assignments.groupby(keys, observed=True).size().reindex(people.index, fill_value=0)
        shown = {"organisation": [str(o) for o, _ in people.index],
                 "snapshot": [pd.Timestamp(d).date().isoformat() for _, d in people.index],
                 "people": [count(n) for n in people], "assignments": [count(n) for n in assignments]}
        r = self.report
        sev = r.problems["severity"].value_counts()
        scope = f" (the service {html.escape(self.service)})" if self.service else ""
        return (f"<p><b>Staff table</b>{scope}: rows read {r.rows_read:,}, used {r.rows_used:,}, excluded "
                f"{r.rows_excluded:,}; {int(sev.get('error', 0)):,} errors, {int(sev.get('warning', 0)):,} "
                f"warnings (values set aside), {int(sev.get('note', 0)):,} notes in <code>.report</code>.</p>"
                + html_table(shown, right=["people", "assignments"])
                + "<p>One row per person in <code>.people</code>, per assignment in <code>.assignments</code>.</p>")

    def for_organisation(self, name: str) -> StaffTable:
        """The staff of one organisation (as named in the table's ``organisation`` column).

        Examples
        --------
        >>> from workforce import load_staff, sample_data
        >>> files = ["soar_valley_staff_in_post_2025-03-31.xlsx", "rutland_vale_staff_in_post_2025-03-31.xlsx"]
        >>> staff = load_staff([sample_data(f) for f in files])
        >>> staff.for_organisation("Rutland Vale Healthcare NHS Trust").people["organisation"].unique().tolist()
        ['Rutland Vale Healthcare NHS Trust']
        """
        known = sorted({str(o) for o in self.people["organisation"].dropna().unique()})   # text per name, not per row
        if name not in known:
            raise WorkforceError(f"no staff for the organisation {name!r}; the organisations are {known}.")
        people = self.people[(self.people["organisation"] == name).to_numpy(dtype=bool)].reset_index(drop=True)
        assignments = self.assignments[(self.assignments["organisation"] == name).to_numpy(dtype=bool)]
        assignments = assignments.reset_index(drop=True)
        return replace(self, assignments=assignments, people=people)

    def for_service(self, definition: Service | str | Path) -> StaffTable:
        """Narrow the table to one service (see :func:`workforce.read_service`).

        Parameters
        ----------
        definition : Service, str or Path
            A :class:`~workforce.Service` or the path of its YAML file.
        """
        from ._service import Service, read_service

        service = definition if isinstance(definition, Service) else read_service(definition)
        keep = service.matches(self.assignments)
        assignments = self.assignments[keep].reset_index(drop=True)
        people = _choose_people(assignments, *_person_rows(assignments))
        report = replace(self.report, notes=self.report.notes + [service.describe(int(keep.sum()), len(people))])
        return replace(self, assignments=assignments, people=people, report=report, service=service.name)


def load_staff(
    paths: str | Path | Iterable[str | Path],
    *,
    sheet: str | int | None = None,
    schema: str | Path | list[str | Path] | None = None,
    snapshot_date: str | dt.date | None = None,
    organisation: str | None = None,
    service: Service | str | Path | None = None,
    pseudonym_key: str | bytes | None = None,
    engine: Engine = "auto",
) -> StaffTable:
    """Load staff-in-post exports into one clean, normalised staff table.

    Parameters
    ----------
    paths : path or list of paths
        One or more ``.xlsx``, ``.xlsm``, ``.xls``, ``.csv`` or ``.parquet``
        exports (one per trust, or one per snapshot), folders of them, or glob
        patterns (``exports/staff_*.parquet``; see
        :func:`workforce._paths.expand_paths`).  Every row keeps its source
        file.  Files are read two at a time, on threads (the variable
        ``WORKFORCE_LOAD_FILES`` sets how many; ``1``: one at a time); the
        result is the same as reading them in turn.
    sheet : str or int, optional
        The sheet to read; by default the one holding a staff table.
    schema : path or list of paths, optional
        YAML file(s) extending the shipped ``staff_in_post`` schema, for
        example with the headers of a local export.
    snapshot_date : str or date, optional
        The date the exports describe, when they hold no snapshot column.
        Otherwise it is read from the title rows or the file name.
    organisation : str, optional
        The organisation, when the export holds no organisation column.
    service : Service or path, optional
        Narrow the table to a service (see :meth:`StaffTable.for_service`).
    pseudonym_key : str or bytes, optional
        Secret key for hashing employee numbers (see :mod:`workforce.load._privacy`).
        The table keeps it: load the other inputs with ``like=staff`` to hash
        them with the same key.
    engine : {"auto", "fastexcel", "openpyxl"}
        The Excel reader; ``"auto"`` is fastexcel with openpyxl as fallback.

    Returns
    -------
    StaffTable
        ``.people``, ``.assignments`` and ``.report``.

    Raises
    ------
    UnusableFileError
        A file that cannot be used at all (missing, encrypted, empty, no staff
        table, a required column missing).  Problems with rows or values are
        not raised: they are in ``.report``.

    Examples
    --------
    >>> from workforce import load_staff, sample_data
    >>> staff = load_staff(sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> staff.people["band"].cat.categories[-3:].tolist()
    ['8d', '9', 'VSM']
    """
    paths = expand_paths(paths)
    if not paths:
        raise UnusableFileError("(no file)", "no file was given.", "give the path of at least one export.")
    spec = read_schema("staff_in_post", extra=schema)
    pseudonymiser = Pseudonymiser(pseudonym_key)
    fixed_date = None if snapshot_date is None else pd.Timestamp(snapshot_date)
    loaded = _each_file(paths, lambda path: load_export(path, spec, sheet, fixed_date, organisation, pseudonymiser,
                                                        engine))
    frames = [frame for frame, _ in loaded]
    report = ValidationReport.combine([report for _, report in loaded])
    del loaded
    report.notes[:0] = [f"workforce {__version__}; schema: {', '.join(spec.sources)}.", pseudonymiser.describe()]
    read = np.repeat(np.arange(len(frames)), [len(f) for f in frames])   # each row's file, in the order read
    assignments, report = _read_once(_combine(frames), read, report)
    del frames
    keys = assignments.pop(PERSON_KEY).to_numpy()
    group, chosen = _person_rows(assignments, keys)
    people = _choose_people(assignments, group, chosen)
    conflicts = _conflicts(assignments, group, chosen)
    if len(conflicts):
        report = replace(report, problems=pd.concat([report.problems, conflicts], ignore_index=True))
    table = StaffTable(assignments=assignments, people=people, report=report, pseudonymiser=pseudonymiser)
    release_arrow_memory()
    return table if service is None else table.for_service(service)


def _each_file(paths: list[Path], load: Callable[[Path], _T]) -> list[_T]:
    """``load`` of each path, in the order given, up to ``WORKFORCE_LOAD_FILES`` files (2) at once on threads.

    Reading, checking and hashing a file spends most of its time in Arrow, numpy and fastexcel, which let
    other threads run, so two snapshots load in little more than the time of one on two cores.  Each file's
    own work is the same as when it is loaded alone, and the results come back in the order of ``paths``;
    where files fail, the first failing one in that order is the error raised, as when they are loaded in
    turn.
    """
    workers = min(limit("files"), len(paths), os.cpu_count() or 1)
    if workers <= 1 or not _fast.ENABLED:
        return [load(path) for path in paths]
    with ThreadPoolExecutor(workers, thread_name_prefix="workforce-load") as pool:
        futures = [pool.submit(load, path) for path in paths]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:   # a file failed: the files not yet started are not read
                future.cancel()
            raise


# ---------------------------------------------------------------- combining


def _combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The files' rows stacked, in :data:`ASSIGNMENT_COLUMNS` (and the person keys), text as categoricals.

    A text column is categorical in every file: the files' categories are united (no text is hashed
    again), and the other columns are stacked as they are.
    """
    text = ["organisation", "source_file", "source_sheet", *TEXT_COLUMNS]
    for frame in frames:
        for col in text:
            if col in frame and not isinstance(frame[col].dtype, pd.CategoricalDtype):
                frame[col] = frame[col].astype("category")
    united = {}
    if len(frames) > 1:
        for col in text:
            if all(col in f for f in frames):   # categories in order when the files' differ, as concat would
                same = all(f[col].dtype == frames[0][col].dtype for f in frames)
                united[col] = union_categoricals([f[col] for f in frames], sort_categories=not same)
        out = pd.concat([f.drop(columns=list(united)) for f in frames], ignore_index=True)
        for col, values in united.items():
            out[col] = values
    else:
        out = frames[0]
    for col in text:
        if col in out and not isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("category")
    for col in ASSIGNMENT_COLUMNS:
        if col not in out:
            out[col] = pd.NA
    out["source_row"] = out["source_row"].astype("Int64")
    out["fte"] = out["fte"].astype("float64")
    out["is_primary"] = out["is_primary"].astype("boolean")
    return out[ASSIGNMENT_COLUMNS + ([PERSON_KEY] if PERSON_KEY in out else [])]


#: What makes two rows of different files one assignment: the same person's n-th row in the export, with the same
#: grade, staff group, job and hours, for the same organisation and snapshot.
_SAME_ASSIGNMENT = ["organisation", "snapshot_date", "assignment_id", "band", "medical_grade", "staff_group",
                    "job_role", "fte", "assignment_category"]


def _read_once(assignments: pd.DataFrame, read: np.ndarray,
               report: ValidationReport) -> tuple[pd.DataFrame, ValidationReport]:
    """Assignments read from an earlier file already are counted once.

    The same file given twice, or exports that overlap: the later file's rows are excluded, by file, with the
    reason and the file they repeat, so that rows read = rows used + rows excluded still holds.  ``read``:
    each row's file, as the position of its row in ``report.counts``.
    """
    if len(report.counts) < 2:
        return assignments, report
    # only rows of an organisation and snapshot that more than one file holds can repeat
    shared = np.flatnonzero(_shared_places(assignments, read) if _fast.ENABLED else np.ones(len(read), dtype=bool))
    if not shared.size:
        return assignments, report
    sub = assignments.iloc[shared]
    key = sub[_SAME_ASSIGNMENT].astype(object).where(sub[_SAME_ASSIGNMENT].notna(), None)
    repeat_of_sub = key.duplicated(keep="first").to_numpy()
    if not repeat_of_sub.any():
        return assignments, report
    repeat = np.zeros(len(assignments), dtype=bool)
    repeat[shared[repeat_of_sub]] = True
    key = key.set_axis(shared)
    repeated = pd.Series(repeat_of_sub, index=shared)
    first = key.loc[~repeated].reset_index().set_index(_SAME_ASSIGNMENT)["index"]
    earlier = assignments["source_file"].astype(str).to_numpy()[
        first.reindex(pd.MultiIndex.from_frame(key.loc[repeated])).to_numpy()]
    rows = assignments[repeat]
    problems = pd.DataFrame({
        "file": rows["source_file"].astype(str).to_numpy(), "sheet": rows["source_sheet"].astype(str).to_numpy(),
        "row": rows["source_row"].to_numpy(), "column": None, "value": None,
        "code": ProblemCode.REPEATED_ASSIGNMENT.value,
        "problem": [f"the same assignment was read from {Path(e).name} already (the same organisation and snapshot)."
                    for e in earlier],
        "fix": "give each export once; if two exports overlap, leave the repeated rows out of one of them.",
        "severity": "warning", "action": "counted once"})
    by_read = np.bincount(read[repeat], minlength=len(report.counts))
    counts = report.counts.copy()
    counts["rows_used"] = counts["rows_used"] - by_read
    counts["rows_excluded"] = counts["rows_excluded"] + by_read
    exclusions = pd.concat([report.exclusions, pd.DataFrame(
        {"file": counts["file"][by_read > 0].to_numpy(), "reason": "repeats assignments read from an earlier file",
         "rows": by_read[by_read > 0]})], ignore_index=True)
    report = replace(report, counts=counts, exclusions=exclusions,
                     problems=pd.concat([report.problems, problems], ignore_index=True))
    return assignments[~repeat].reset_index(drop=True), report


def _places(assignments: pd.DataFrame) -> np.ndarray:
    """Each row's organisation and snapshot date as one number (0, 1, 2 ... in order of appearance)."""
    organisation = assignments["organisation"].cat.codes.to_numpy().astype(np.int64) + 1   # 0: none
    dates = assignments["snapshot_date"].to_numpy()
    if _fast.ENABLED and dates.dtype.kind == "M" and len(dates) and not np.isnat(dates[0]) and (dates == dates[0]).all():
        snapshot = np.zeros(len(dates), dtype=np.int64)   # one snapshot date, as a file usually has
    else:
        snapshot = pd.factorize(assignments["snapshot_date"], use_na_sentinel=False)[0].astype(np.int64)
    return pd.factorize(organisation * (int(snapshot.max(initial=0)) + 1) + snapshot)[0].astype(np.int64)


def _shared_places(assignments: pd.DataFrame, read: np.ndarray) -> np.ndarray:
    """Rows whose organisation and snapshot date are held by more than one of the files read."""
    place = _places(assignments)
    pairs = np.unique(place * (int(read.max(initial=0)) + 1) + read)   # each place with each file holding it
    files = np.bincount(pairs // (int(read.max(initial=0)) + 1), minlength=int(place.max(initial=-1)) + 1)
    return files[place] > 1


#: A person's characteristics, which every assignment of theirs in one export should agree on (age: from the date
#: of birth), and the words for them.
_PERSONAL = {"ethnicity_code": "ethnicity", "sex": "sex", "disability": "disability", "age": "age (date of birth)"}


def _conflicts(assignments: pd.DataFrame, group: np.ndarray, chosen: np.ndarray) -> pd.DataFrame:
    """Warnings for a person whose assignments disagree on a characteristic.

    Each row that differs from the row used (the person's row, :func:`_person_rows`) is listed, with that row
    and its value.
    """
    used_row = np.empty(group.max() + 1 if len(group) else 0, dtype=np.int64)
    used_row[group[chosen]] = chosen
    used = used_row[group]   # for every assignment, the row its person's values come from
    parts = []
    for column, words in _PERSONAL.items():
        values = assignments[column]
        codes = (values.cat.codes.to_numpy() if isinstance(values.dtype, pd.CategoricalDtype)
                 else pd.factorize(values, use_na_sentinel=True)[0])   # -1: missing
        differ = (codes >= 0) & (codes[used] >= 0) & (codes != codes[used])
        if not differ.any():
            continue
        rows, theirs = assignments[differ], assignments.iloc[used[differ]]
        parts.append(pd.DataFrame({
            "file": rows["source_file"].astype(str).to_numpy(), "sheet": rows["source_sheet"].astype(str).to_numpy(),
            "row": rows["source_row"].to_numpy(), "column": column, "value": rows[column].astype(str).to_numpy(),
            "code": ProblemCode.CONFLICTING_CHARACTERISTIC.value,
            "problem": [f"the same person has another {words} on another assignment (row {r}), whose value ({v}) "
                        "is used: their primary assignment." for r, v in
                        zip(theirs["source_row"].to_numpy(), theirs[column].astype(str).to_numpy())],
            "fix": f"correct the {words} in ESR so that every assignment of the person agrees.",
            "severity": "warning", "action": "the primary assignment's value used"}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PROBLEM_COLUMNS)


def _person_rows(assignments: pd.DataFrame, keys: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each assignment's person (a group number per snapshot and organisation) and the row chosen for each person.

    Within each person: the flagged primary first, then non-bank, largest FTE, highest band, first in the file.
    ``keys``: each row's pseudonym as an integer (:meth:`Pseudonymiser.hash_keys`), if known; else the
    ``person_id`` text is factorized.
    """
    a = assignments
    person = pd.factorize(keys if keys is not None else a["person_id"], use_na_sentinel=False)[0].astype(np.int64)
    place = _places(a)
    if _fast.ENABLED and (not len(place) or place.min() == place.max()):   # one organisation at one snapshot
        group = person
    else:
        group = pd.factorize(place * (int(person.max(initial=0)) + 1) + person)[0]
    sizes = np.bincount(group)
    several = np.flatnonzero(sizes[group] > (1 if _fast.ENABLED else 0))   # most have one assignment: it is theirs
    flagged = a["is_primary"].fillna(False).to_numpy(dtype=bool)[several]
    fte = a["fte"].to_numpy(dtype=float)[several]
    band = a["band"].cat.codes.to_numpy()[several]  # -1 where there is no band
    bank = a["is_bank"].to_numpy(dtype=bool)[several]
    order = several[np.lexsort((several, -band, -np.nan_to_num(fte, nan=-1.0), bank, ~flagged, group[several]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = group[order][1:] != group[order][:-1]
    alone = np.flatnonzero(sizes[group] == 1) if _fast.ENABLED else np.zeros(0, dtype=np.int64)
    return group, np.sort(np.concatenate([alone, order[first]]))


def _choose_people(assignments: pd.DataFrame, group: np.ndarray, chosen: np.ndarray) -> pd.DataFrame:
    """One row per person per organisation per snapshot (see :class:`StaffTable`), from :func:`_person_rows`."""
    a = assignments
    flagged = a["is_primary"].fillna(False).to_numpy(dtype=bool)
    fte = a["fte"].to_numpy(dtype=float)
    people = a[[c for c in PEOPLE_COLUMNS if c in a]].take(chosen)
    g = group[chosen]
    n_flagged = np.bincount(group, weights=flagged)[g]
    people["n_assignments"] = np.bincount(group)[g].astype("int64")
    people["fte_total"] = np.bincount(group, weights=np.nan_to_num(fte))[g]
    people["primary_basis"] = pd.Categorical.from_codes(np.where(flagged[chosen] & (n_flagged == 1), 0, 1),
                                                        categories=pd.Index(["flagged", "derived"]))
    return people[PEOPLE_COLUMNS].reset_index(drop=True)
