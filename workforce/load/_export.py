"""Reading one staff-in-post export into canonical rows, with its report.

The steps, for one file:

1. find and read the staff table (:mod:`workforce.load._read`);
2. map its headers to the schema's columns; columns the schema does not know
   are never read further, and identifiers are hashed or dropped at once;
3. sort out rows that are not staff (blank, totals and note rows) and rows
   that cannot be used (no employee number, a repeated assignment), each
   excluded with its reason;
4. parse types and check them against the schema with pandera; a value that
   fails is set aside (treated as missing) and reported;
5. normalise coded values (ethnicity, band, staff group, sex, disability, age,
   assignment category) into canonical columns; unrecognised values are
   reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import (
    age_band_from_age,
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
from ._privacy import Pseudonymiser
from ._read import RawTable, read_table
from ._report import PROBLEM_COLUMNS, ValidationReport
from ._schema import ColumnSpec, Schema
from ._values import parse_date, parse_integer, parse_number, parse_text

__all__ = ["load_export", "TEXT_COLUMNS", "check_columns", "normalise_column"]

#: Free-text columns carried through as exported (tidied, categorical).
TEXT_COLUMNS = ["job_role", "occupation_code", "area_of_work", "cost_centre",
                *(f"org_l{i}" for i in range(1, 8)), "religious_belief", "sexual_orientation", "nationality"]

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
_DATE_IN_TEXT = re.compile(
    r"(\d{4}-\d{2}-\d{2})|(\d{1,2}/\d{1,2}/\d{4})|(\d{1,2}(?:st|nd|rd|th)?\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+\d{4})", re.IGNORECASE)
_ORG_IN_TEXT = re.compile(r"^\s*organi[sz]ation\s*(?:name)?\s*[:=]\s*(.+?)\s*$", re.IGNORECASE)


class _Problems:
    """Collects problems for one file as columns, not row by row."""

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.parts: list[pd.DataFrame] = []
        self.header_of = {col: header for header, col in raw.mapping.items()}

    def add(self, positions, column: str | None, values, problem: str, fix: str, severity: str, action: str,
            withhold: bool = False) -> None:
        positions = np.asarray(positions, dtype=int)
        if positions.size == 0:
            return
        header = self.header_of.get(column, column) if column else None
        if withhold:
            values = [f"(withheld: {column.replace('_', ' ')})"] * positions.size
        elif values is None:
            values = [None] * positions.size
        else:
            values = [None if pd.isna(v) else str(v) for v in values]
        self.parts.append(pd.DataFrame({
            "file": self.raw.file, "sheet": self.raw.sheet, "row": self.raw.rows[positions],
            "column": header, "value": values, "problem": problem, "fix": fix,
            "severity": severity, "action": action,
        }))

    def note(self, problem: str, column: str | None = None, fix: str = "") -> None:
        self.parts.append(pd.DataFrame([{
            "file": self.raw.file, "sheet": self.raw.sheet, "row": None, "column": column, "value": None,
            "problem": problem, "fix": fix, "severity": "note", "action": "",
        }]))

    def frame(self) -> pd.DataFrame:
        parts = [p for p in self.parts if len(p)]
        if not parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        out = pd.concat(parts, ignore_index=True)[PROBLEM_COLUMNS]
        out["row"] = out["row"].astype("Int64")
        return out


def load_export(path, schema: Schema, sheet, fixed_date, organisation, pseudonymiser: Pseudonymiser, engine: str):
    """One export as canonical assignment rows (not yet categorised across files) and its report."""
    raw = read_table(path, schema, sheet=sheet, engine=engine)
    problems = _Problems(raw)
    check_columns(raw, schema, problems, schema.required)
    frame = raw.frame[list(raw.mapping)].rename(columns=raw.mapping)
    n_read = len(frame)

    keep, exclusions = _triage_rows(raw, frame, problems)
    frame = frame[keep]
    positions = np.flatnonzero(keep)

    typed = _parse_types(frame, schema, positions, problems)
    _check_with_pandera(typed, schema, positions, problems)

    snapshot = _snapshot_date(raw, typed, fixed_date, problems)
    out = _normalise(typed, schema, positions, snapshot, problems)
    out["organisation"] = _organisation(raw, typed, organisation, problems)
    out["person_id"] = pseudonymiser.hash(frame["employee_number"])
    # the assignment number itself is dropped: an assignment is the person's n-th row in this file
    nth = out.groupby("person_id", sort=False).cumcount().add(1).astype("str")
    out["assignment_id"] = out["person_id"] + "-" + nth
    out["source_file"] = raw.file
    out["source_sheet"] = raw.sheet
    out["source_row"] = raw.rows[positions]

    counts = pd.DataFrame([{"file": raw.file, "sheet": raw.sheet, "rows_read": n_read, "rows_used": len(out),
                            "rows_excluded": n_read - len(out)}])
    if raw.header_row is not None:
        problems.note(f"header found on row {raw.header_row}"
                      + (f" of sheet '{raw.sheet}'" if raw.sheet else "") + f"; {n_read:,} data rows below it.")
    report = ValidationReport(problems=problems.frame(), counts=counts, exclusions=exclusions,
                              notes=[f"{Path(raw.file).name}: snapshot date "
                                     f"{', '.join(sorted({str(d.date()) for d in snapshot.dropna().unique()}))}."])
    return out.reset_index(drop=True), report


def check_columns(raw: RawTable, schema: Schema, problems: _Problems, required: list[str],
                  table: str = "staff table", schema_label: str = "staff-in-post") -> None:
    """Stop if a required column is missing; note the headers that were not read.

    Shared by the staff loader and the loaders of the other inputs
    (:mod:`workforce.load._inputs`): ``table`` and ``schema_label`` name the kind
    of table in the messages.
    """
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
        problems.note(f"column '{header}' is not in the {schema_label} schema and was not read.", header)
    for header in raw.duplicate_headers:
        problems.note(f"column '{header}' repeats a column already read ({schema.column_for_header(header)}); "
                      "the first was used.", header)


def _triage_rows(raw: RawTable, frame: pd.DataFrame, problems: _Problems, key: str = "employee_number",
                 missing: tuple[str, str] = ("the row has no employee number, so the person cannot be counted.",
                                             "fill in the employee number in the export.")):
    """Which rows hold data; the others are excluded with a reason.

    ``key`` is the column every data row fills in (the employee number for
    staff).  A row without it, or whose key says "Total", is a totals row, a
    note or title row (one cell of text), or else a row that cannot be used:
    ``missing`` gives the problem and fix reported for it.
    """
    everything = raw.frame
    n_filled = everything.notna().sum(axis=1).to_numpy()  # the readers give blank cells as missing
    key_text = frame[key].astype("str").str.strip()
    no_id = frame[key].isna().to_numpy() | key_text.eq("").to_numpy()
    says_total = frame[key].notna().to_numpy() & ~key_text.str.isdigit().fillna(False).to_numpy(dtype=bool)
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
    if "assignment_number" in frame:
        ids = frame["assignment_number"].where(reasons.isna())
        repeat = ids.notna() & ids.duplicated(keep="first")
        reasons[repeat.to_numpy()] = "repeats an assignment number already read in this file"
    for reason in reasons.dropna().unique():
        pos = np.flatnonzero((reasons == reason).to_numpy())
        if reason == no_key:
            problems.add(pos, key, None, missing[0], missing[1], "error", "row excluded")
        elif reason.startswith("repeats"):
            problems.add(pos, "assignment_number", None, "the same assignment appears again further down.",
                         "remove the repeated row from the export.", "error", "row excluded", withhold=True)
        else:
            problems.add(pos, None, None, f"{reason} skipped.", "", "note", "row excluded")
    exclusions = reasons.dropna().value_counts().rename_axis("reason").reset_index(name="rows")
    exclusions.insert(0, "file", raw.file)
    return reasons.isna().to_numpy(), exclusions


def _parse_types(frame: pd.DataFrame, schema: Schema, positions, problems: _Problems) -> pd.DataFrame:
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
        if spec.type == "number":
            values, bad = parse_number(raw)
            what = "a number"
        elif spec.type == "integer":
            values, bad = parse_integer(raw)
            what = "a whole number"
        elif spec.type == "date":
            values, bad = parse_date(raw)
            what = "a date (for example 31/03/2025)"
        else:  # flag
            result = normalise_flag(raw)
            values, bad = result.columns.iloc[:, 0], result.unrecognised
            what = "yes or no"
        bad = bad.to_numpy()
        problems.add(positions[bad], name, raw[bad], f"is not {what}.", f"enter {what} in this cell.",
                     "warning", "value treated as missing", withhold=spec.privacy is not None)
        typed[name] = values
    return pd.DataFrame(typed, index=frame.index)


def _check_with_pandera(typed: pd.DataFrame, schema: Schema, positions, problems: _Problems) -> None:
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
            problem, fix = "is blank, but this column must be filled in.", f"fill in the {column.replace('_', ' ')}."
        else:
            rule = str(check).split("(")[0].replace("_", " ")
            wanted = f"between {spec.min} and {spec.max}" if spec.min is not None and spec.max is not None else rule
            problem, fix = f"is outside the expected range ({wanted}).", f"correct the value; it should be {wanted}."
        problems.add(positions[idx], column, group["failure_case"].tolist(), problem, fix, "warning",
                     "value treated as missing", withhold=spec.privacy is not None)
        if check != "not_nullable":
            col = typed.columns.get_loc(column)
            typed.iloc[idx, col] = None


def _snapshot_date(raw: RawTable, typed: pd.DataFrame, fixed, problems: _Problems) -> pd.Series:
    """Each row's snapshot date: its own column, else one date for the whole file.

    The file-wide date is the one given to the loader, else one found in the
    title rows, else in the file name, else today's (with a note).
    """
    own = typed["snapshot_date"] if "snapshot_date" in typed else pd.Series(pd.NaT, index=typed.index)
    if own.notna().all() and len(own):
        return own
    return own.fillna(_file_date(raw, fixed, problems))


def _file_date(raw: RawTable, fixed, problems: _Problems) -> pd.Timestamp:
    if fixed is not None:
        return fixed
    for source, texts in (("title rows", raw.title_text), ("file name", [Path(raw.file).stem])):
        for text in texts:
            match = _DATE_IN_TEXT.search(text)
            if match:
                value, _bad = parse_date(pd.Series([re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", match.group(0))]))
                if pd.notna(value.iloc[0]):
                    problems.note(f"snapshot date {value.iloc[0].date()} taken from the {source} ('{text}').")
                    return value.iloc[0]
    today = pd.Timestamp(dt.date.today())
    problems.note(f"no snapshot date was found; today's date ({today.date()}) was used for ages and service.",
                  fix="pass snapshot_date= (or --snapshot-date), or keep the 'as at' title row in the export.")
    return today


def _organisation(raw: RawTable, typed: pd.DataFrame, given: str | None, problems: _Problems):
    if "organisation" in typed:
        values = typed["organisation"]
        if values.notna().all() or given is None:
            return values if given is None else values.astype("object").fillna(given)
    if given is not None:
        return given
    for text in raw.title_text:
        match = _ORG_IN_TEXT.match(text)
        if match:
            problems.note(f"organisation '{match.group(1)}' taken from the title rows.")
            return match.group(1)
    name = Path(raw.file).stem
    problems.note(f"the export has no organisation column; the file name '{name}' is used as the organisation.",
                  fix="pass organisation= to name it.")
    return name


def _normalise(typed: pd.DataFrame, schema: Schema, positions, snapshot: pd.Series, problems: _Problems):
    out = pd.DataFrame(index=typed.index)
    n = len(typed)
    empty = pd.Series(pd.NA, index=typed.index, dtype="str")
    for name in ("ethnic_origin", "band", "staff_group", "sex", "disability", "assignment_category"):
        raw = typed[name] if name in typed else empty
        if name == "band" and "pay_scale" in typed:
            raw = raw.fillna(typed["pay_scale"])
        columns = normalise_column(raw, schema.columns[name], positions, problems)
        for col in columns:
            out[col] = columns[col]
    out["is_bank"] = out["is_bank"].fillna(False).astype("bool")
    out["is_primary"] = typed["primary_assignment"] if "primary_assignment" in typed else pd.Series(pd.NA, index=typed.index, dtype="boolean")
    out["fte"] = typed["fte"] if "fte" in typed else np.nan
    out["snapshot_date"] = snapshot
    out["age"], out["age_band"] = _age(typed, schema, positions, snapshot, problems)
    years = (snapshot - typed["hire_date"]).dt.days / 365.25 if "hire_date" in typed else pd.Series(np.nan, index=typed.index)
    future = (years < 0).to_numpy()
    problems.add(positions[future], "hire_date", None, "the hire date is after the snapshot date.",
                 "check the hire date.", "warning", "value treated as missing", withhold=True)
    out["service_years"] = years.where(years >= 0).round(2)
    for name in TEXT_COLUMNS:
        out[name] = typed[name] if name in typed else pd.Series(pd.NA, index=typed.index, dtype="str")
    assert len(out) == n
    return out


def normalise_column(raw: pd.Series, spec: ColumnSpec, positions, problems: _Problems, normaliser=None,
                     severity: str = "warning", action: str | None = None) -> pd.DataFrame:
    """One coded column read by its normaliser; values it does not recognise are reported.

    The schema's local spellings (``values:``) are applied first.  Shared by
    the staff loader and the loaders of the other inputs, which may pass a
    ``normaliser`` of their own (a function of the raw column returning
    :class:`~workforce.codes._normalise.Normalised`) for columns the schema's
    normalisers do not cover.
    """
    written = raw
    if spec.values:
        local = {_local_key(k): v for k, v in spec.values.items()}
        raw = raw.map(lambda v: local.get(_local_key(v), v) if isinstance(v, str) else v)
    result = (normaliser or _NORMALISERS[spec.normaliser])(raw)
    bad = result.unrecognised.to_numpy()
    name = spec.name
    fix = (f"{result.fix} If it is a local spelling, say what it means in a schema file passed with --schema: "
           f"columns: {{{name}: {{values: {{'<spelling>': '<standard value>'}}}}}}.")
    if action is None:
        action = "treated as Unknown" if name == "ethnic_origin" else "value treated as missing"
    problems.add(positions[bad], name, written[bad], result.problem, fix, severity, action)
    return result.columns


def _local_key(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _age(typed, schema, positions, snapshot, problems):
    index = typed.index
    age = pd.Series(pd.NA, index=index, dtype="Int64")
    if "date_of_birth" in typed:
        dob = typed["date_of_birth"]
        on = snapshot.dt
        before_birthday = (dob.dt.month > on.month) | ((dob.dt.month == on.month) & (dob.dt.day > on.day))
        from_dob = (on.year - dob.dt.year - before_birthday.astype(int)).astype("Int64")
        age = age.fillna(from_dob)
    if "age" in typed:
        age = age.fillna(typed["age"])
    lo, hi = schema.columns["age"].min, schema.columns["age"].max
    odd = (age.notna() & ((age < lo) | (age > hi))).fillna(False).to_numpy()
    problems.add(positions[odd], "date_of_birth" if "date_of_birth" in typed else "age", age[odd],
                 f"gives an age outside {lo} to {hi} at the snapshot date.", "check the date of birth or age.",
                 "warning", "value treated as missing", withhold="date_of_birth" in typed)
    age = age.where(~odd)
    band = age_band_from_age(age)
    if "age_band" in typed:
        result = normalise_age_band(typed["age_band"])
        bad = result.unrecognised.to_numpy()
        problems.add(positions[bad], "age_band", typed["age_band"][bad], result.problem, result.fix,
                     "warning", "value treated as missing")
        band = band.fillna(result.columns["age_band"])
    return age, band
