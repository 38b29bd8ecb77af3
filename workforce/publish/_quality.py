"""The data quality of a pack's inputs: rows read, used and excluded, and values set aside, said where it is read.

:class:`DataQuality` is made from the validation reports of the loaded inputs
(:class:`workforce.load.ValidationReport`: the staff table's and each other
input's).  The pack says it three times: one line at the top of the page
(:meth:`DataQuality.sentence`), the Validation sheet of the workbook
(:meth:`DataQuality.table`) and the manifest (:meth:`DataQuality.to_manifest`).

Decisions
---------
* Files are named by their name only, never their folder (a path can hold a
  user's home folder).
* The Validation sheet has one row per kind of problem in a file (file,
  sheet, column, problem, what was done), with how many rows and the first
  Excel rows, not one row per cell.  It counts rows of the input files, not
  people by characteristic, so it needs no suppression.
* A value is quoted only where it was set aside or its row excluded (an
  ethnicity "Martian", a band "Band 55"): a value that is valid but
  disagrees with another (one person's ethnicity on two assignments) is not
  quoted.  Quoted values are the report's, in which any value that looks
  like an identifier or a date of birth is withheld
  (:class:`workforce.load.ValidationReport`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._spec import Column, columns
from ..load import ValidationReport

__all__ = ["DataQuality", "FileQuality", "VALIDATION_COLUMNS"]

#: What was done, as the Validation sheet says it.
EXCLUDED, SET_ASIDE, WARNING, NOTE = "row excluded", "value set aside", "warning", "note"
#: The most Excel rows listed on one row of the Validation sheet, and the most values quoted.
MAX_ROWS, MAX_VALUES = 20, 10
#: The Validation sheet's columns.
VALIDATION_COLUMNS: tuple[Column, ...] = columns(
    ("file", "str", "the input file (its name)"),
    ("input", "str", "what the file is: staff (staff in post, earlier snapshots included) or another input"),
    ("sheet", "str", "the sheet of the file (empty for a CSV file)"),
    ("column", "str", "the column's header as written in the file (empty for a problem with a whole row or file)"),
    ("problem", "str", "what is wrong, or what was noticed"),
    ("done", "str", "what was done: row excluded (the row is not counted), value set aside (treated as missing or "
                    "unknown, the row counted), warning, or note"),
    ("rows", "Int64", "how many rows of the file have this problem (empty for a problem with the whole file)",
     "rows of the input file"),
    ("excel_rows", "str", f"the rows as numbered in Excel: the first {MAX_ROWS}, then '…'"),
    ("values", "str", f"the values set aside, or of the rows excluded (the first {MAX_VALUES}, then '…'); any "
                      "that looks like an identifier or a date of birth is withheld"),
    ("fix", "str", "how to put it right in the export"),
)
_RUN = re.compile(r"^rows ([\d,]+) to ([\d,]+) \(([\d,]+) rows\): ")
_SET_ASIDE = ("value treated as missing", "treated as unknown")
#: Plain words for problems whose text differs from row to row (it names another row or value).
_KIND_WORDS = {"conflicting_characteristic": "the same person has another value on another assignment; the "
                                             "primary assignment's value is used.",
               "repeated_assignment": "the same assignment appears again."}


def _done(severity: str, action: str) -> str:
    action = action.lower()
    if severity == "error" or action.startswith("row excluded"):
        return EXCLUDED
    if severity == "warning" and action.startswith(_SET_ASIDE):
        return SET_ASIDE
    return WARNING if severity == "warning" else NOTE


@dataclass(frozen=True)
class FileQuality:
    """What happened to the rows of one input file.

    Attributes
    ----------
    file : str
        The file's name (no folder).
    input : str
        What the file is ("staff", "recruitment" ...).
    rows_read, rows_used, rows_excluded : int
        Data rows below the header; ``rows_read == rows_used + rows_excluded``.
    excluded : dict
        Reason -> rows excluded for it.
    set_aside : dict
        Column (its header as written) -> values set aside in it.
    warnings : int
        Other warnings (a value kept but questionable, a line read on its own).
    """

    file: str
    input: str
    rows_read: int
    rows_used: int
    rows_excluded: int
    excluded: Mapping[str, int] = field(default_factory=dict)
    set_aside: Mapping[str, int] = field(default_factory=dict)
    warnings: int = 0

    def reconciles(self) -> bool:
        """Whether rows read = rows used + rows excluded, and the reasons add up to the rows excluded."""
        return (self.rows_read == self.rows_used + self.rows_excluded
                and sum(self.excluded.values()) == self.rows_excluded)


@dataclass(frozen=True)
class DataQuality:
    """The data quality of a pack's inputs, file by file, and its problems by kind.

    Made with :meth:`from_reports` (or :meth:`of`, from the loaded tables).

    Attributes
    ----------
    files : tuple of FileQuality
        One per input file, in the order read.
    problems : pandas.DataFrame
        The Validation sheet (:meth:`table`).
    """

    files: tuple[FileQuality, ...]
    problems: pd.DataFrame = field(compare=False, repr=False)

    # ------------------------------------------------------------ making it
    @classmethod
    def of(cls, staff: Any, inputs: Mapping[str, Any] | Sequence[Any] = ()) -> DataQuality:
        """From the loaded staff table and other inputs (a list, or organisation -> kind -> input, as a pack takes).

        Examples
        --------
        >>> import workforce
        >>> staff = workforce.load_staff(workforce.sample_data("rutland_vale_staff_in_post_2025-03-31.xlsx"))
        >>> print(DataQuality.of(staff).sentence())
        844 rows read from 1 file: all used; 4 values set aside (WTE 1, Age 1, Ethnic Origin 1, Grade 1). The \
Validation sheet of tables.xlsx lists them.
        """
        tables = list(inputs) if not isinstance(inputs, Mapping) else [
            t for given in inputs.values() for t in (given.values() if isinstance(given, Mapping) else [given])]
        return cls.from_reports([("staff", staff.report)] + [(t.kind, t.report) for t in tables])

    @classmethod
    def from_reports(cls, reports: Sequence[tuple[str, ValidationReport]]) -> DataQuality:
        """From ``(what the input is, its validation report)`` pairs."""
        files, tables = [], []
        for kind, report in reports:
            files += _files(kind, report)
            tables.append(_kinds(kind, report.problems))
        tables = [t for t in tables if len(t)]
        table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
            {c.name: pd.Series(dtype="Int64" if c.dtype == "Int64" else "object") for c in VALIDATION_COLUMNS})
        return cls(tuple(files), table)

    # ------------------------------------------------------------ totals
    @property
    def rows_read(self) -> int:
        """Data rows read from every file."""
        return sum(f.rows_read for f in self.files)

    @property
    def rows_used(self) -> int:
        """Rows used, from every file."""
        return sum(f.rows_used for f in self.files)

    @property
    def rows_excluded(self) -> int:
        """Rows excluded, from every file."""
        return sum(f.rows_excluded for f in self.files)

    @property
    def values_set_aside(self) -> int:
        """Values set aside (treated as missing or unknown), in every file."""
        return sum(sum(f.set_aside.values()) for f in self.files)

    @property
    def warnings(self) -> int:
        """Other warnings, in every file."""
        return sum(f.warnings for f in self.files)

    def reconciles(self) -> bool:
        """Whether every file's rows read = rows used + rows excluded (and its reasons add up)."""
        return all(f.reconciles() for f in self.files)

    def worth_saying(self) -> bool:
        """Whether any row was excluded, value set aside or warning given (what the command line says)."""
        return bool(self.rows_excluded or self.values_set_aside or self.warnings)

    # ------------------------------------------------------------ saying it
    def sentence(self) -> str:
        """One plain line: rows read, used and excluded (why), values set aside (where), and where the list is."""
        n = len(self.files)
        text = f"{self.rows_read:,} rows read from {n:,} file{'s' if n != 1 else ''}: "
        if not self.rows_excluded:
            text += "all used"
        else:
            reasons: dict[str, int] = {}
            for f in self.files:
                for reason, rows in f.excluded.items():
                    reasons[reason] = reasons.get(reason, 0) + rows
            text += (f"{self.rows_used:,} used, {self.rows_excluded:,} excluded ("
                     + ", ".join(_reason(rows, reason) for reason, rows in reasons.items()) + ")")
        if self.values_set_aside:
            columns: dict[str, int] = {}
            for f in self.files:
                for column, count in f.set_aside.items():
                    columns[column] = columns.get(column, 0) + count
            text += (f"; {self.values_set_aside:,} value{'s' if self.values_set_aside != 1 else ''} set aside ("
                     + ", ".join(f"{c} {k:,}" for c, k in columns.items()) + ")")
        if self.warnings:
            text += f"; {self.warnings:,} other warning{'s' if self.warnings != 1 else ''}"
        return text + (". The Validation sheet of tables.xlsx lists them." if self.worth_saying() else
                       ". The Validation sheet of tables.xlsx says how each file was read.")

    def table(self) -> pd.DataFrame:
        """The Validation sheet: one row per kind of problem in a file (columns :data:`VALIDATION_COLUMNS`)."""
        return self.problems.copy()

    def to_manifest(self) -> dict[str, Any]:
        """What the manifest records: the totals, the sentence, and each file's counts (file names only)."""
        return {
            "summary": self.sentence(),
            "rows read": self.rows_read, "rows used": self.rows_used, "rows excluded": self.rows_excluded,
            "values set aside": self.values_set_aside, "warnings": self.warnings, "reconciles": self.reconciles(),
            "files": [{"file": f.file, "input": f.input, "rows read": f.rows_read, "rows used": f.rows_used,
                       "rows excluded": f.rows_excluded, "excluded": dict(f.excluded),
                       "values set aside": dict(f.set_aside), "warnings": f.warnings} for f in self.files],
        }


# ---------------------------------------------------------------- from a report


def _name(file: Any) -> str:
    return Path(str(file)).name


def _files(kind: str, report: ValidationReport) -> list[FileQuality]:
    """Each file of a report, its counts summed over its sheets (a file read twice is counted twice, as read)."""
    problems = report.problems
    out = []
    for file, counts in report.counts.groupby("file", sort=False):
        excluded = report.exclusions[report.exclusions["file"] == file]
        reasons: dict[str, int] = {}
        for reason, rows in zip(excluded["reason"], excluded["rows"]):
            reasons[str(reason)] = reasons.get(str(reason), 0) + int(rows)
        mine = problems[problems["file"] == file]
        done = [_done(str(s), str(a or "")) for s, a in zip(mine["severity"], mine["action"])]
        set_aside = mine[pd.Series(done, index=mine.index, dtype="object").eq(SET_ASIDE)]
        by_column = {str(c): int(n) for c, n in set_aside["column"].fillna("").value_counts(sort=False).items()}
        out.append(FileQuality(
            file=_name(file), input=kind, rows_read=int(counts["rows_read"].sum()),
            rows_used=int(counts["rows_used"].sum()), rows_excluded=int(counts["rows_excluded"].sum()),
            excluded=reasons, set_aside=by_column, warnings=sum(d == WARNING for d in done)))
    return out


def _kinds(kind: str, problems: pd.DataFrame) -> pd.DataFrame:
    """The problems of one report, one row per kind (file, sheet, column, code, what was done)."""
    if not len(problems):
        return pd.DataFrame(columns=[c.name for c in VALIDATION_COLUMNS])
    rows = []
    frame = problems.assign(
        done=[_done(str(s), str(a or "")) for s, a in zip(problems["severity"], problems["action"])],
        name=problems["file"].map(_name), text=problems["problem"].fillna("").astype(str).str.replace(_RUN, "",
                                                                                                    regex=True))
    keys = ["name", "sheet", "column", "code", "done"]
    for (name, sheet, column, code, done), group in frame.groupby(keys, sort=False, dropna=False):
        texts = list(dict.fromkeys(group["text"]))
        problem = _KIND_WORDS.get(str(code), texts[0])
        found = [_rows_of(r, p) for r, p in zip(group["row"], group["problem"].fillna("").astype(str))]
        excel = [e for e in found if e is not None]
        count = sum(n for _, n in excel) if excel else None
        shown = [label for label, _ in excel]
        quoted = _values(group["value"]) if done in (EXCLUDED, SET_ASIDE) else ""
        rows.append({"file": name, "input": kind, "sheet": _text(sheet), "column": _text(column), "problem": problem,
                     "done": done, "rows": count,
                     "excel_rows": ", ".join(shown[:MAX_ROWS]) + (", …" if len(shown) > MAX_ROWS else ""),
                     "values": quoted, "fix": _text(next(iter(group["fix"].dropna()), ""))})
    out = pd.DataFrame(rows, columns=[c.name for c in VALIDATION_COLUMNS])
    order, files = {EXCLUDED: 0, SET_ASIDE: 1, WARNING: 2, NOTE: 3}, list(dict.fromkeys(out["file"]))
    out = out.iloc[sorted(range(len(out)), key=lambda i: (files.index(out["file"].iat[i]),
                                                          order[str(out["done"].iat[i])]))]
    out = out.reset_index(drop=True)
    out["rows"] = out["rows"].astype("Int64")
    return out


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) or value is pd.NA else str(value)


def _rows_of(row: Any, problem: str) -> tuple[str, int] | None:
    """The Excel rows of one problem, as shown and counted ("5 to 9", 5); None for a problem with a whole file."""
    if row is None or row is pd.NA or (isinstance(row, float) and row != row):
        return None
    run = _RUN.match(problem)
    if run:
        first, last, n = (int(x.replace(",", "")) for x in run.groups())
        return f"{first} to {last}", n
    return str(int(row)), 1


def _values(values: pd.Series) -> str:
    """The distinct values quoted, most frequent first, as the report quotes them (identifiers withheld)."""
    quoted = values.dropna().astype(str)
    shown = list(quoted[quoted.str.strip() != ""].value_counts(sort=True).index)
    return "; ".join(shown[:MAX_VALUES]) + ("; …" if len(shown) > MAX_VALUES else "")


def _reason(rows: int, reason: str) -> str:
    """Rows excluded for one reason, in words: "6 blank rows", "3 with no employee number"."""
    head, sep, tail = reason.partition(" (")
    if head.endswith("row"):
        return f"{rows:,} {head}{'s' if rows != 1 else ''}{sep}{tail}"
    if reason.startswith("repeats "):
        return f"{rows:,} repeating {reason.removeprefix('repeats ')}"
    return f"{rows:,} with {reason}"
