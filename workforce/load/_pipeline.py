"""The one load pipeline every loader runs: from a table found in a file to clean rows and a report.

:func:`workforce.load_staff` (through :mod:`workforce.load._export`) and the
loaders of the other inputs (:mod:`workforce.load._inputs`) run the same steps
on each file, through :class:`Pipeline`:

1. the table has been found and its headers mapped (:mod:`workforce.load._read`);
2. :meth:`Pipeline.start` checks the columns (a required one missing makes
   the file unusable; headers not read are noted), triages the rows (blank,
   totals and note rows, rows without their key, repeated assignments, each
   excluded with its reason), parses the types and checks them with pandera
   (failing values are set aside);
3. the loader normalises its coded columns with :func:`normalise_column`,
   and may exclude more rows with :meth:`Pipeline.exclude`;
4. :meth:`Pipeline.finish` keeps the rows used, adds where each came from,
   and makes the :class:`~workforce.load._report.ValidationReport` (rows read =
   used + excluded).

Every problem is written through :class:`Problems`, with its
:class:`~workforce.load._report.ProblemCode`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codes import (
    normalise_age_band,
    normalise_assignment_category,
    normalise_band,
    normalise_disability,
    normalise_ethnicity,
    normalise_flag,
    normalise_sex,
    normalise_staff_group,
)
from ..errors import UnusableFileError
from ._read import RawTable
from ._report import PROBLEM_COLUMNS, ProblemCode, ValidationReport
from ._schema import ColumnSpec, Schema
from ._values import parse_date, parse_integer, parse_number, parse_text

__all__ = ["Pipeline", "Problems", "normalise_column"]

_NORMALISERS = {
    "ethnicity": normalise_ethnicity,
    "band": normalise_band,
    "staff_group": normalise_staff_group,
    "sex": normalise_sex,
    "disability": normalise_disability,
    "age_band": normalise_age_band,
    "assignment_category": normalise_assignment_category,
}
_TOTALS = re.compile(r"^\s*(grand\s+)?(sub\s*)?totals?\b", re.IGNORECASE)
#: An identifier as Excel shows a long number (1.23457E+11): its digits are lost, so people are merged.
_SCIENTIFIC = re.compile(r"^\s*[+-]?\d+(\.\d*)?[eE][+-]?\d+\s*$")
_TYPES = {  # schema type -> (parser, what the cell should hold, code)
    "number": (parse_number, "a number", ProblemCode.NOT_A_NUMBER),
    "integer": (parse_integer, "a whole number", ProblemCode.NOT_A_WHOLE_NUMBER),
    "date": (parse_date, "a date (for example 31/03/2025)", ProblemCode.NOT_A_DATE),
    "flag": (lambda raw: _parse_flag(raw), "yes or no", ProblemCode.NOT_A_FLAG),
}


def _parse_flag(raw: pd.Series):
    result = normalise_flag(raw)
    return result.columns.iloc[:, 0], result.unrecognised


class Problems:
    """Collects problems for one file as columns, not row by row."""

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.parts: list[pd.DataFrame] = []
        self.header_of = {col: header for header, col in raw.mapping.items()}

    def add(self, code: ProblemCode, positions, column: str | None, values, problem: str, fix: str, severity: str,
            action: str, withhold: bool = False) -> None:
        """One problem on the rows at ``positions`` (of the raw table), in a schema ``column``."""
        positions = np.asarray(positions, dtype=int)
        if positions.size == 0:
            return
        header = self.header_of.get(column, column) if column else None
        if withhold:
            values = [f"(withheld: {(column or 'value').replace('_', ' ')})"] * positions.size
        elif values is None:
            values = [None] * positions.size
        else:
            values = [None if pd.isna(v) else str(v) for v in values]
        self.parts.append(pd.DataFrame({
            "file": self.raw.file, "sheet": self.raw.sheet, "row": self.raw.rows[positions],
            "column": header, "value": values, "code": ProblemCode(code).value, "problem": problem, "fix": fix,
            "severity": severity, "action": action,
        }))

    def note(self, code: ProblemCode, problem: str, column: str | None = None, fix: str = "") -> None:
        """A note about the whole file (or a whole column)."""
        self.parts.append(pd.DataFrame([{
            "file": self.raw.file, "sheet": self.raw.sheet, "row": None, "column": column, "value": None,
            "code": ProblemCode(code).value, "problem": problem, "fix": fix, "severity": "note", "action": "",
        }]))

    def frame(self) -> pd.DataFrame:
        parts = [p for p in self.parts if len(p)]
        if not parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        out = pd.concat(parts, ignore_index=True)[PROBLEM_COLUMNS]
        out["row"] = out["row"].astype("Int64")
        return out


@dataclass
class Pipeline:
    """One file part-way through loading: the rows kept so far and the problems found."""

    raw: RawTable
    spec: Schema
    problems: Problems
    frame: pd.DataFrame  # kept rows, schema columns, as read
    typed: pd.DataFrame  # the same rows, typed and checked
    positions: np.ndarray  # their positions in raw.frame
    exclusions: pd.DataFrame
    dropped: np.ndarray  # rows of ``frame`` excluded after triage

    @classmethod
    def start(cls, raw: RawTable, spec: Schema, required: list[str], key: str, missing: tuple[str, str],
              table: str, label: str) -> Pipeline:
        """Check the columns, sort out the rows, parse and check the types.

        ``key`` is the column every data row fills in, and ``missing`` the
        problem and fix reported for a row without it; ``table`` and
        ``label`` name the kind of table ("staff table", "staff-in-post").
        """
        problems = Problems(raw)
        _check_columns(raw, spec, problems, required, table, label)
        frame = raw.frame[list(raw.mapping)].rename(columns=raw.mapping)
        keep, exclusions = _triage_rows(raw, frame, problems, key, missing)
        frame = frame[keep]
        positions = np.flatnonzero(keep)
        typed = _parse_types(frame, spec, positions, problems)
        _check_with_pandera(typed, spec, positions, problems)
        return cls(raw, spec, problems, frame, typed, positions, exclusions, np.zeros(len(frame), dtype=bool))

    def exclude(self, mask: np.ndarray, reason: str) -> None:
        """Exclude more rows (already reported as errors) for ``reason``."""
        new = mask & ~self.dropped
        if new.any():
            self.dropped |= new
            self.exclusions = pd.concat([self.exclusions, pd.DataFrame(
                [{"file": self.raw.file, "reason": reason, "rows": int(new.sum())}])], ignore_index=True)

    def finish(self, out: pd.DataFrame, notes: list[str]) -> tuple[pd.DataFrame, ValidationReport]:
        """The rows used (with their source file, sheet and Excel row) and the file's report."""
        raw = self.raw
        out = out[~self.dropped].copy()
        out["source_file"] = raw.file
        out["source_sheet"] = raw.sheet
        out["source_row"] = pd.array(raw.rows[self.positions[~self.dropped]], dtype="Int64")
        n_read = len(raw.frame)
        if raw.header_row is not None:
            where = f" of sheet '{raw.sheet}'" if raw.sheet else ""
            self.problems.note(ProblemCode.HEADER_FOUND,
                               f"header found on row {raw.header_row}{where}; {n_read:,} data rows below it.")
        counts = pd.DataFrame([{"file": raw.file, "sheet": raw.sheet, "rows_read": n_read, "rows_used": len(out),
                                "rows_excluded": n_read - len(out)}])
        report = ValidationReport(problems=self.problems.frame(), counts=counts, exclusions=self.exclusions,
                                  notes=notes)
        return out, report


def _check_columns(raw: RawTable, schema: Schema, problems: Problems, required: list[str], table: str,
                   label: str) -> None:
    """Stop if a required column is missing; note the headers that were not read."""
    missing = [c for c in required if c not in raw.mapping.values()]
    if missing:
        wanted = "; ".join(f"{c} (headers such as {', '.join(repr(a) for a in schema.columns[c].aliases[:3])})"
                           for c in missing)
        raise UnusableFileError(
            raw.file,
            f"the {table}{'' if raw.sheet is None else f' on sheet {raw.sheet!r}'} has no column for: {wanted}.",
            "add the column to the export, or if it is there under another header, add that header as an alias "
            "in a schema file and pass it with --schema.",
        )
    for header in raw.ignored_headers:
        problems.note(ProblemCode.COLUMN_NOT_READ, f"column '{header}' is not in the {label} schema and was not read.",
                      header)
    for header in raw.duplicate_headers:
        problems.note(ProblemCode.DUPLICATE_HEADER, f"column '{header}' repeats a column already read "
                      f"({schema.column_for_header(header)}); the first was used.", header)


def _triage_rows(raw: RawTable, frame: pd.DataFrame, problems: Problems, key: str, missing: tuple[str, str]):
    """Which rows hold data; the others are excluded with a reason.

    A row without its ``key``, or whose key says "Total", is a totals row, a
    note or title row (one cell of text), or else a row that cannot be used:
    ``missing`` gives the problem and fix reported for it.
    """
    everything = raw.frame
    n_filled = everything.notna().sum(axis=1).to_numpy()  # the readers give blank cells as missing
    key_text = frame[key].astype("str").str.strip()
    no_id = frame[key].isna().to_numpy() | key_text.eq("").to_numpy()
    odd = frame[key].notna().to_numpy() & ~key_text.str.isdigit().fillna(False).to_numpy(dtype=bool)
    says_total = odd.copy()
    if says_total.any():   # most keys are plain numbers: the pattern is tried on the others only
        says_total[says_total] = key_text[says_total].str.match(_TOTALS).fillna(False).to_numpy(dtype=bool)
    no_key = f"no {key.replace('_', ' ')}"
    reasons = pd.Series(None, index=frame.index, dtype="object")
    blank = n_filled == 0
    reasons[blank] = "blank row"
    candidates = np.flatnonzero((no_id | says_total) & ~blank)
    if candidates.size:
        sub = everything.iloc[candidates].astype("str")
        is_total = sub.apply(lambda col: col.str.match(_TOTALS)).any(axis=1).to_numpy()
        reasons.iloc[candidates[is_total]] = "totals row"
        single = (n_filled[candidates] == 1) & ~is_total
        reasons.iloc[candidates[single]] = f"note or title row (one cell of text, {no_key})"
        reasons.iloc[candidates[~is_total & ~single]] = no_key
    mangled = odd & reasons.isna().to_numpy()   # most keys are plain numbers: the pattern is tried on the others
    if mangled.any():
        mangled[mangled] = key_text[mangled].str.match(_SCIENTIFIC).fillna(False).to_numpy(dtype=bool)
        reasons[mangled] = "identifier in scientific notation"
    if "assignment_number" in frame:
        ids = frame["assignment_number"].where(reasons.isna())
        repeat = ids.notna() & ids.duplicated(keep="first")
        reasons[repeat.to_numpy()] = "repeats an assignment number already read in this file"
    for reason in reasons.dropna().unique():
        pos = np.flatnonzero((reasons == reason).to_numpy())
        if reason == no_key:
            problems.add(ProblemCode.MISSING_KEY, pos, key, None, missing[0], missing[1], "error", "row excluded")
        elif reason == "identifier in scientific notation":
            problems.add(ProblemCode.KEY_IN_SCIENTIFIC_NOTATION, pos, key, None,
                         f"the {key.replace('_', ' ')} is in scientific notation (as 1.23457E+11): Excel has rounded "
                         "it, so different people can share it.",
                         "format the column as text before exporting (or export straight from ESR to .xlsx without "
                         "opening it in Excel as a CSV).", "error", "row excluded", withhold=True)
        elif reason.startswith("repeats"):
            problems.add(ProblemCode.REPEATED_ASSIGNMENT, pos, "assignment_number", None,
                         "the same assignment appears again further down.", "remove the repeated row from the export.",
                         "error", "row excluded", withhold=True)
        else:
            code = {"blank row": ProblemCode.BLANK_ROW, "totals row": ProblemCode.TOTALS_ROW}.get(
                reason, ProblemCode.NOTE_ROW)
            problems.add(code, pos, None, None, f"{reason} skipped.", "", "note", "row excluded")
    exclusions = reasons.dropna().value_counts().rename_axis("reason").reset_index(name="rows")
    exclusions.insert(0, "file", raw.file)
    return reasons.isna().to_numpy(), exclusions


def _parse_types(frame: pd.DataFrame, schema: Schema, positions, problems: Problems) -> pd.DataFrame:
    typed = {}
    for name in frame.columns:
        spec = schema.columns[name]
        raw = frame[name]
        if spec.type == "text" and spec.privacy is not None:
            continue  # identifiers are hashed from the raw cells; names are never read
        if spec.type == "text":
            # coded text is tidied by its normaliser, once per distinct value
            typed[name] = raw if spec.normaliser else parse_text(raw)
            continue
        parse, what, code = _TYPES[spec.type]
        values, bad = parse(raw)
        bad = bad.to_numpy()
        problems.add(code, positions[bad], name, raw[bad], f"is not {what}.", f"enter {what} in this cell.",
                     "warning", "value treated as missing", withhold=spec.privacy is not None)
        typed[name] = values
    return pd.DataFrame(typed, index=frame.index)


def _check_with_pandera(typed: pd.DataFrame, schema: Schema, positions, problems: Problems) -> None:
    """Run the schema's pandera checks; failing values are set aside."""
    import pandera.errors

    checked = typed.reset_index(drop=True)
    try:
        schema.to_pandera(present=list(checked.columns)).validate(checked, lazy=True)
        return
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["index"].notna() & cases["column"].notna()]
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        spec = schema.columns[column]
        idx = group["index"].astype(int).to_numpy()
        if check == "not_nullable":
            code = ProblemCode.BLANK_REQUIRED
            problem, fix = "is blank, but this column must be filled in.", f"fill in the {column.replace('_', ' ')}."
        else:
            rule = str(check).split("(")[0].replace("_", " ")
            code = ProblemCode.NOT_ALLOWED if "allowed" in rule else ProblemCode.OUT_OF_RANGE
            wanted = f"between {spec.min} and {spec.max}" if spec.min is not None and spec.max is not None else rule
            problem, fix = f"is outside the expected range ({wanted}).", f"correct the value; it should be {wanted}."
        problems.add(code, positions[idx], column, group["failure_case"].tolist(), problem, fix, "warning",
                     "value treated as missing", withhold=spec.privacy is not None)
        if check != "not_nullable":
            col = typed.columns.get_loc(column)
            typed.iloc[idx, col] = None  # type: ignore[index]  # col: the position of a unique schema column


def normalise_column(raw: pd.Series, spec: ColumnSpec, positions, problems: Problems, normaliser=None,
                     severity: str = "warning", action: str | None = None,
                     code: ProblemCode = ProblemCode.UNRECOGNISED_VALUE) -> pd.DataFrame:
    """One coded column read by its normaliser; values it does not recognise are reported.

    The schema's local spellings (``values:``) are applied first.  A loader
    may pass a ``normaliser`` of its own (a function of the raw column
    returning :class:`~workforce.codes._normalise.Normalised`) for columns
    the schema's normalisers do not cover, with the ``code`` its problems get.
    """
    written = raw
    if spec.values:
        local = {_local_key(k): v for k, v in spec.values.items()}
        raw = raw.map(lambda v: local.get(_local_key(v), v) if isinstance(v, str) else v)
    if normaliser is None:
        if spec.normaliser is None:
            raise ValueError(f"column {spec.name!r} has no normaliser in its schema")
        normaliser = _NORMALISERS[spec.normaliser]
    result = normaliser(raw)
    bad = result.unrecognised.to_numpy()
    name = spec.name
    fix = (f"{result.fix} If it is a local spelling, say what it means in a schema file passed with --schema: "
           f"columns: {{{name}: {{values: {{'<spelling>': '<standard value>'}}}}}}.")
    if action is None:
        action = "treated as Unknown" if name == "ethnic_origin" else "value treated as missing"
    problems.add(code, positions[bad], name, written[bad], result.problem, fix, severity, action)
    return result.columns


def _local_key(value: str) -> str:
    return " ".join(str(value).split()).casefold()
