"""Reading one staff-in-post export into canonical rows, with its report.

The file goes through the load pipeline every loader shares
(:mod:`workforce.load._pipeline`): find and read the staff table, map its
headers (identifiers are hashed or dropped at once), sort out rows that are not
staff (blank, totals and note rows) and rows that cannot be used (no employee
number, a repeated assignment), parse types and check them with pandera.  The
staff-specific steps are here: the snapshot date and organisation of each row,
and the coded values (ethnicity, band, staff group, sex, disability, age,
assignment category) normalised into canonical columns; unrecognised values
are reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._wording import option
from ..codes import ESR_STRADDLING, age_band_from_age, esr_age_band_from_age, normalise_age_band
from ..errors import UnusableFileError
from . import _fast
from ._pipeline import Pipeline, Problems, identifier_kind, looks_like_date, normalise_column
from ._privacy import Pseudonymiser
from ._read import Engine, RawTable, read_table
from ._report import ProblemCode
from ._schema import Schema
from ._values import distinct, parse_date

__all__ = ["load_export", "TEXT_COLUMNS", "PERSON_KEY"]

#: Free-text columns carried through as exported (tidied, categorical).
TEXT_COLUMNS = ["job_role", "occupation_code", "area_of_work", "cost_centre",
                *(f"org_l{i}" for i in range(1, 8)), "religious_belief", "sexual_orientation", "nationality"]

#: The column of :func:`load_export`'s rows holding each person's pseudonym as a 64-bit integer (for grouping
#: and linking without hashing text again); :func:`workforce.load_staff` takes it off.
PERSON_KEY = "_person_key"

_DATE_IN_TEXT = re.compile(
    r"(\d{4}-\d{2}-\d{2})|(\d{1,2}/\d{1,2}/\d{4})|(\d{1,2}(?:st|nd|rd|th)?\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+\d{4})", re.IGNORECASE)
_ORG_IN_TEXT = re.compile(r"^\s*organi[sz]ation\s*(?:name)?\s*[:=]\s*(.+?)\s*$", re.IGNORECASE)


def load_export(path, schema: Schema, sheet, fixed_date, organisation, pseudonymiser: Pseudonymiser, engine: Engine):
    """One export as canonical assignment rows (not yet categorised across files) and its report."""
    raw = read_table(path, schema, sheet=sheet, engine=engine)
    if not len(raw.frame):
        where = f" (sheet '{raw.sheet}')" if raw.sheet else ""
        raise UnusableFileError(raw.file, f"the staff-in-post export{where} has a header on row {raw.header_row} but "
                                          "no rows below it: there are no staff to count.",
                                "export the report again with its rows (check the report's filters and date).")
    step = Pipeline.start(raw, schema, schema.required, "employee_number",
                          ("the row has no employee number, so the person cannot be counted.",
                           "fill in the employee number in the export."), table="staff table", label="staff-in-post")
    typed, positions, problems = step.typed, step.positions, step.problems
    snapshot = _snapshot_date(raw, typed, fixed_date, problems)
    out = _normalise(typed, schema, positions, snapshot, problems)
    named = _organisation(raw, typed, organisation, problems)
    out["organisation"] = named if isinstance(named, pd.Series) else pd.Categorical.from_codes(
        np.zeros(len(out), dtype=np.int8), categories=pd.Index([named], dtype="str"))
    step.exclude(_organisation_is_identifier(named, positions, problems),
                 "the organisation looks like a postcode, date or identifier (a misaligned row)")
    out["person_id"], keys = pseudonymiser.hash_keys(step.frame["employee_number"])
    # the assignment number itself is dropped: an assignment is the person's n-th row in this file
    out["assignment_id"] = _assignment_ids(out["person_id"], keys)
    out[PERSON_KEY] = keys
    dates = ", ".join(sorted({str(d.date()) for d in snapshot.dropna().unique()}))
    out, report = step.finish(out, [f"{Path(raw.file).name}: snapshot date {dates}."])
    return out.reset_index(drop=True), report


def _assignment_ids(person_ids: pd.Series, keys: np.ndarray) -> pd.Series:
    """Each row's assignment: its person's pseudonym and the row's number among that person's rows ("-1", "-2")."""
    import pyarrow as pa
    import pyarrow.compute as pc

    person = pd.factorize(keys)[0]
    nth = np.ones(len(keys), dtype=np.int64)
    several = np.flatnonzero(np.bincount(person)[person] > (1 if _fast.ENABLED else 0))   # most people have one row
    if several.size:
        order = several[np.argsort(person[several], kind="stable")]
        first = np.ones(order.size, dtype=bool)
        first[1:] = person[order][1:] != person[order][:-1]
        starts = np.flatnonzero(first)
        nth[order] = np.arange(order.size) - np.repeat(starts, np.diff(np.append(starts, order.size))) + 1
    joined = pc.binary_join_element_wise(pa.array(person_ids, type=pa.string()), pa.array(nth).cast(pa.string()), "-")
    return pd.Series(pd.array(joined, dtype="str"), index=person_ids.index)


def _snapshot_date(raw: RawTable, typed: pd.DataFrame, fixed, problems: Problems) -> pd.Series:
    """Each row's snapshot date: its own column, else one date for the whole file.

    The file-wide date is the one given to the loader, else one found in the
    title rows, else in the file name, else today's (with a note).
    """
    own = typed["snapshot_date"] if "snapshot_date" in typed else pd.Series(pd.NaT, index=typed.index)
    if own.notna().all() and len(own):
        return own
    return own.fillna(_file_date(raw, fixed, problems))


#: Words before a title row's date that say it is the snapshot (preferred), or the day the report was run.
_SNAPSHOT_WORDS = re.compile(r"\b(as\s+(at|of|on)|effective|snapshot|census|position|period\s+end(ing)?|reporting\s+date"
                             r"|staff\s+in\s+post\s+(at|on))\b", re.IGNORECASE)
_RUN_WORDS = re.compile(r"\b(run|printed|generated|created|extracted|produced|downloaded)\b", re.IGNORECASE)


def _title_dates(texts: list[str]) -> list[tuple[int, int, pd.Timestamp]]:
    """(preference, title row, date) of each date in the title rows.

    Preference 2 after "as at", "effective" ...; 0 after "run", "printed" ...; 1 otherwise.
    """
    out = []
    for row, text in enumerate(texts, start=1):
        for match in _DATE_IN_TEXT.finditer(text):
            value = _date_of(match.group(0))
            if value is None:
                continue
            before = text[:match.start()]
            words = list(_SNAPSHOT_WORDS.finditer(before)) + list(_RUN_WORDS.finditer(before))
            last = max(words, key=lambda m: m.end()) if words else None   # the words nearest the date
            preference = 1 if last is None else 2 if _SNAPSHOT_WORDS.fullmatch(last.group(0)) else 0
            out.append((preference, row, value))
    return out


def _date_of(text: str) -> pd.Timestamp | None:
    """A date written in text ("31/03/2025", "31st March 2025", "2025-03-31"), or None."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):   # the usual file name: no formats to try
        try:
            return pd.Timestamp(dt.date.fromisoformat(text))
        except ValueError:
            return None
    value, _bad = parse_date(pd.Series([re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)]))
    return None if pd.isna(value.iloc[0]) else pd.Timestamp(value.iloc[0])


def _file_date(raw: RawTable, fixed, problems: Problems) -> pd.Timestamp:
    """The snapshot date of a whole file: given, else from the title rows, else from the file name, else today's.

    In the title rows an "as at" (effective, snapshot, census) date is preferred to a "run on" (printed,
    generated) date, then the first; the note names the title row, never its text (it can hold a name).
    """
    if fixed is not None:
        return fixed
    dates = _title_dates(list(raw.title_text))
    if dates:
        preference, row, value = max(dates, key=lambda d: (d[0], -d[1]))
        kind = {2: "an 'as at' date", 1: "the first date", 0: "the date the report was run (no 'as at' date)"}
        problems.note(ProblemCode.SNAPSHOT_DATE_FROM_TITLE,
                      f"snapshot date {value.date()} taken from title row {row} ({kind[preference]}).",
                      fix="" if preference == 2 else f"check it; give {option('snapshot_date', 'YYYY-MM-DD')} if it "
                                                      "is not the date the staff are counted at.")
        return value
    stem = Path(raw.file).stem
    match = _DATE_IN_TEXT.search(stem)
    named = _date_of(match.group(0)) if match else None
    if named is not None:
        problems.note(ProblemCode.SNAPSHOT_DATE_FROM_FILE_NAME,
                      f"snapshot date {named.date()} taken from the file name ('{stem}').")
        return named
    today = pd.Timestamp(dt.date.today())
    problems.note(ProblemCode.NO_SNAPSHOT_DATE,
                  f"no snapshot date was found; today's date ({today.date()}) was used for ages and service.",
                  fix=f"give {option('snapshot_date', 'YYYY-MM-DD')}, or keep the 'as at' title row in the export.")
    return today


def _organisation(raw: RawTable, typed: pd.DataFrame, given: str | None, problems: Problems):
    if "organisation" in typed:
        values = typed["organisation"]
        if values.notna().all() or given is None:
            return values if given is None else values.astype("object").fillna(given)
    if given is not None:
        return given
    for text in raw.title_text:
        match = _ORG_IN_TEXT.match(text)
        if match:
            problems.note(ProblemCode.ORGANISATION_FROM_TITLE,
                          f"organisation '{match.group(1)}' taken from the title rows.")
            return match.group(1)
    name = Path(raw.file).stem
    problems.note(ProblemCode.ORGANISATION_FROM_FILE_NAME,
                  f"the export has no organisation column; the file name '{name}' is used as the organisation.",
                  fix=f"give {option('organisation', 'NAME')} to name it.")
    return name


def _organisation_is_identifier(organisation: pd.Series | str, positions: np.ndarray,
                                problems: Problems) -> np.ndarray:
    """Rows whose organisation looks like a postcode, a date or an identifier: a misaligned row, excluded.

    An organisation is published (it names a section of the pack), so such a value must never become one.
    """
    if not isinstance(organisation, pd.Series):   # one name for the whole file: given, or from its title or name
        return np.zeros(len(positions), dtype=bool)
    codes, names = distinct(organisation)
    odd = np.array([bool(identifier_kind(v) or looks_like_date(v)) for v in names.astype("str").tolist()] + [False])
    mask = odd[codes]
    text = organisation
    problems.add(ProblemCode.ORGANISATION_LOOKS_LIKE_IDENTIFIER, positions[mask], "organisation", text[mask],
                 "looks like a postcode, a date or an identifier, not an organisation: the row's cells are probably "
                 "in the wrong columns.", "check the row in the export (are its cells shifted?), or give the "
                 f"organisation with {option('organisation', 'NAME')}.", "error", "row excluded")
    return mask


def _normalise(typed: pd.DataFrame, schema: Schema, positions, snapshot: pd.Series, problems: Problems):
    n = len(typed)
    out: dict[str, object] = {}
    empty = pd.Series(pd.NA, index=typed.index, dtype="str")
    for name in ("ethnic_origin", "band", "staff_group", "sex", "disability", "assignment_category"):
        raw = typed[name] if name in typed else empty
        if name == "band" and "pay_scale" in typed and raw.isna().any():
            raw = raw.astype(object).where(raw.notna(), typed["pay_scale"].astype(object))
        columns = normalise_column(raw, schema.columns[name], positions, problems)
        out.update({str(col): columns[col] for col in columns})
    out["is_bank"] = out["is_bank"].fillna(False).astype("bool")  # type: ignore[attr-defined]  # a Series
    out["is_primary"] = typed["primary_assignment"] if "primary_assignment" in typed else pd.Series(pd.NA, index=typed.index, dtype="boolean")
    out["fte"] = typed["fte"] if "fte" in typed else np.nan
    out["snapshot_date"] = snapshot
    out["age"], out["age_band"], out["esr_age_band"] = _age(typed, schema, positions, snapshot, problems)
    years = (snapshot - typed["hire_date"]).dt.days / 365.25 if "hire_date" in typed else pd.Series(np.nan, index=typed.index)
    future = (years < 0).to_numpy()
    problems.add(ProblemCode.HIRE_DATE_AFTER_SNAPSHOT, positions[future], "hire_date", None,
                 "the hire date is after the snapshot date.",
                 "check the hire date.", "warning", "value treated as missing", withhold=True)
    out["service_years"] = years.where(years >= 0).round(2)
    nothing = pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=pd.Index([], dtype="str"))
    for name in TEXT_COLUMNS:   # a text column the export does not have: missing, as a categorical
        out[name] = typed[name] if name in typed else nothing
    return pd.DataFrame(out, index=typed.index)


def _whole_years(born: pd.Series, on: pd.Series) -> pd.Series:
    """Age in whole years on each date (missing where either date is); one date for every row is read once."""
    when = on.iloc[0] if len(on) and (on.iloc[0] == on).all() else on.dt   # a file's one snapshot date, usually
    before_birthday = (born.dt.month > when.month) | ((born.dt.month == when.month) & (born.dt.day > when.day))
    return (when.year - born.dt.year - before_birthday.astype(int)).astype("Int64")


def _age(typed, schema, positions, snapshot, problems):
    """Each row's age, standard age band and ESR age band.

    An age (from the date of birth, else the Age column) gives both bands, so the two bandings always agree; a row
    without one takes the export's age band in each banding it fits.  ESR's bands that straddle two standard bands
    (21-25, 31-35 ...) keep their ESR band with no standard band, and the file gets one note, not a problem per row.
    """
    index = typed.index
    age = pd.Series(pd.NA, index=index, dtype="Int64")
    if "date_of_birth" in typed:
        age = age.fillna(_whole_years(typed["date_of_birth"], snapshot))
    if "age" in typed:
        age = age.fillna(typed["age"])
    lo, hi = schema.columns["age"].min, schema.columns["age"].max
    odd = (age.notna() & ((age < lo) | (age > hi))).fillna(False).to_numpy()
    problems.add(ProblemCode.AGE_OUT_OF_RANGE, positions[odd],
                 "date_of_birth" if "date_of_birth" in typed else "age", age[odd],
                 f"gives an age outside {lo} to {hi} at the snapshot date.", "check the date of birth or age.",
                 "warning", "value treated as missing", withhold="date_of_birth" in typed)
    age = age.where(~odd)
    band, esr = age_band_from_age(age), esr_age_band_from_age(age)
    if "age_band" in typed:
        result = normalise_age_band(typed["age_band"], esr=True)
        bad = result.unrecognised.to_numpy()
        problems.add(ProblemCode.UNRECOGNISED_VALUE, positions[bad], "age_band", typed["age_band"][bad],
                     result.problem, result.fix,
                     "warning", "value treated as missing")
        band = band.fillna(result.columns["age_band"])
        esr = esr.fillna(result.columns["esr_age_band"])
        only_esr = int((esr.notna() & band.isna()).sum())
        if only_esr:
            header = problems.header_of.get("age_band", "age_band")
            problems.note(ProblemCode.ESR_AGE_BANDS_ONLY,
                          f"{only_esr:,} rows have an ESR age band that straddles the standard age bands "
                          f"({', '.join(ESR_STRADDLING[:-1])} or {ESR_STRADDLING[-1]}): they have no standard age "
                          f"band (16-24, 25-34 ... 65+), so age representation uses ESR's own five-year bands "
                          f"(<=20, 21-25 ... >=71) for this file.",
                          column=header)
    return age, band, esr
