"""Loading the other inputs of WRES and WDES: recruitment, cases, training, board.

Each loader reads one file (or a DataFrame) the way :func:`workforce.load_staff`
reads a staff export, through the same pipeline (:mod:`workforce.load._pipeline`):

1. find the table in the file (title rows, merged headers, several sheets) and
   map its headers to the schema's columns (``schemas/<kind>.yaml``);
   columns the schema does not know are never read, and identifiers are
   hashed (employee numbers, with the staff table's key when loaded with
   ``like=staff``, so cases and training link to staff) or dropped (names);
2. exclude blank, totals and note rows, and rows that cannot be used, each
   with its reason;
3. parse types and check them with pandera; values that fail are reported
   and set aside;
4. read coded values (ethnicity into ``wres_group`` and the other ethnicity
   columns, disability, sex, age band, band, recruitment stage, case type),
   reporting every value that is not recognised.

Every problem names the file, sheet, Excel row, column header as written, the
value and a fix, and for every file rows read = rows used + rows excluded
(:class:`~workforce.ValidationReport`).

For a DataFrame, ``file`` is "(data frame)" and ``row`` is the row's position
plus 2: its row number if the frame were written to a sheet with its header in
row 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._version import __version__
from .._wording import option
from ..codes import (
    AGE_BAND_DTYPE,
    BAND_DTYPE,
    DISABILITY_DTYPE,
    ETHNICITY_COLUMNS,
    MEDICAL_GRADE_DTYPE,
    PAY_SYSTEM_DTYPE,
    SEX_DTYPE,
    Normalised,
    map_distinct,
    normalise_disability,
    normalise_ethnicity,
)
from ..errors import AmbiguousSheetError, NoStaffTableError, UnusableFileError, WorkforceError
from ._pipeline import Pipeline, normalise_column
from ._privacy import Pseudonymiser
from ._read import RawTable, map_headers, read_table
from ._report import ProblemCode, ValidationReport
from ._schema import Schema, read_schema

if TYPE_CHECKING:
    from ._read import Engine
    from ._staff import StaffTable

__all__ = [
    "InputTable",
    "load_recruitment",
    "load_disciplinary",
    "load_training",
    "load_board",
    "RECRUITMENT_COLUMNS",
    "DISCIPLINARY_COLUMNS",
    "TRAINING_COLUMNS",
    "BOARD_COLUMNS",
    "STAGE_DTYPE",
    "CASE_TYPE_DTYPE",
    "STAGES",
    "CASE_TYPES",
]

FRAME_NAME = "(data frame)"
_ETHNICITY = list(ETHNICITY_COLUMNS)
_DTYPES = {**ETHNICITY_COLUMNS, "band": BAND_DTYPE, "medical_grade": MEDICAL_GRADE_DTYPE,
           "pay_system": PAY_SYSTEM_DTYPE, "sex": SEX_DTYPE, "disability": DISABILITY_DTYPE, "age_band": AGE_BAND_DTYPE}
_SOURCE = ["source_file", "source_sheet", "source_row"]

#: Columns of ``load_recruitment(...).table``: one row per application, or per row of counts.
#: ``applied``, ``shortlisted`` and ``appointed`` are counts (0 or 1 for an application), so
#: both layouts are summed alike.  In the counts layout a row about ethnicity has a missing
#: ``disability`` and a row about disability a missing ``wres_group``.
RECRUITMENT_COLUMNS = ["vacancy_reference", "applicant_id", "band", "medical_grade", "pay_system", "stage",
                       "applied", "shortlisted", "appointed", *_ETHNICITY, "sex", "disability", "age_band",
                       "application_date", *_SOURCE]
#: Columns of ``load_disciplinary(...).table``: one row per case.  The ethnicity and disability
#: columns are missing when the file has no such column (they are then taken from the staff table).
DISCIPLINARY_COLUMNS = ["person_id", "case_type", "date_opened", *_ETHNICITY, "disability", *_SOURCE]
#: Columns of ``load_training(...).table``: one row per course record; ``counted`` is True
#: for the non-mandatory records that indicator 4 counts.
TRAINING_COLUMNS = ["person_id", "course", "mandatory", "counted", "date_completed", *_SOURCE]
#: Columns of ``load_board(...).table``: one row per board member.
BOARD_COLUMNS = ["role", "voting", "executive", *_ETHNICITY, "disability", "sex", *_SOURCE]

#: Furthest stage an application reached.
STAGE_DTYPE = pd.CategoricalDtype(["applied", "shortlisted", "appointed"], ordered=True)
#: Spellings read as each stage (matched ignoring case, spaces and punctuation).  "Appointed"
#: means offered the post, whether or not the applicant accepted: the decision was the trust's.
STAGES: dict[str, tuple[str, ...]] = {
    "applied": ("applied", "application", "application received", "application submitted", "submitted",
                "not shortlisted", "longlisted", "rejected at shortlisting", "unsuccessful at shortlisting",
                "rejected"),
    "shortlisted": ("shortlisted", "interview", "interviewed", "invited to interview", "not appointed",
                    "unsuccessful at interview", "unsuccessful after interview", "rejected after interview",
                    "interviewed not appointed", "did not attend interview"),
    "appointed": ("appointed", "offer", "offered", "offer made", "conditional offer", "conditional offer made",
                  "unconditional offer", "offer accepted", "offer declined", "hired", "started", "successful"),
}
#: Kind of formal process a case is.
CASE_TYPE_DTYPE = pd.CategoricalDtype(["disciplinary", "capability", "capability (ill health)"])
#: Spellings read as each case type.  Ill-health capability is kept but not counted in WDES
#: metric 3, which is about performance.
CASE_TYPES: dict[str, tuple[str, ...]] = {
    "disciplinary": ("disciplinary", "conduct", "misconduct", "gross misconduct", "formal disciplinary",
                     "disciplinary investigation", "formal disciplinary investigation"),
    "capability": ("capability", "performance", "capability performance", "formal capability",
                   "capability (performance)", "performance capability", "poor performance"),
    "capability (ill health)": ("capability ill health", "ill health", "ill health capability",
                                "sickness absence", "sickness", "capability (ill health)"),
}
# Counts layout: group names that are not NHS ethnic categories -> (ethnicity WRES group, disability).
_GROUP_WORDS: dict[str, tuple[str | None, str | None]] = {
    **dict.fromkeys(("white", "all white", "white all", "white staff", "white applicants"), ("White", None)),
    **dict.fromkeys(("bme", "bame", "black and minority ethnic", "black asian and minority ethnic",
                     "minority ethnic", "ethnic minority", "ethnic minorities", "global majority", "non white",
                     "bme applicants", "bme staff", "asian", "black", "mixed"), ("BME", None)),
    **dict.fromkeys(("ethnicity unknown", "unknown ethnicity", "ethnicity not stated", "ethnicity not known",
                     "ethnicity not declared", "ethnicity null", "null"), ("Unknown", None)),
    **dict.fromkeys(("disabled", "disabled applicants", "disabled staff"), (None, "Yes")),
    **dict.fromkeys(("non disabled", "not disabled", "nondisabled", "non disabled applicants"), (None, "No")),
    **dict.fromkeys(("disability unknown", "unknown disability", "disability not declared", "disability not known",
                     "disability not stated"), (None, "Unknown")),
}


def _key(text: object) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower()))


@dataclass(frozen=True)
class InputTable:
    """One loaded input: the clean table and its validation report.

    Attributes
    ----------
    kind : str
        "recruitment", "disciplinary", "training" or "board".
    layout : str
        How the rows came: "applications" or "counts" (recruitment), "cases",
        "records" (training) or "members" (board).
    table : pandas.DataFrame
        The canonical rows (columns :data:`RECRUITMENT_COLUMNS`,
        :data:`DISCIPLINARY_COLUMNS`, :data:`TRAINING_COLUMNS` or
        :data:`BOARD_COLUMNS`).
    report : ValidationReport
        Every problem found, and where every row went.
    key_fingerprint : str or None
        The fingerprint of the pseudonym key the identifiers were hashed
        with (see :attr:`workforce.StaffTable.key_fingerprint`); ``None`` for
        board membership, which holds no identifiers.
    """

    kind: str
    layout: str
    table: pd.DataFrame
    report: ValidationReport
    key_fingerprint: str | None = None

    def __repr__(self) -> str:
        files = ", ".join(Path(str(f)).name for f in self.report.counts["file"])
        return f"InputTable({self.kind}, {self.layout}: {len(self.table):,} rows from {files})"


# ---------------------------------------------------------------- the loaders


def load_recruitment(path_or_frame: str | Path | pd.DataFrame, *, sheet: str | int | None = None,
                     schema: str | Path | list[str | Path] | None = None, pseudonym_key: str | bytes | None = None,
                     like: StaffTable | None = None, engine: Engine = "auto") -> InputTable:
    """Load recruitment data for WRES indicator 2 and WDES metric 2.

    Two layouts are read, told apart by their columns:

    * **applications**: one row per application, with the furthest stage it
      reached (a "Stage" / "Outcome" / "Status" column: applied, shortlisted
      or appointed, in the spellings of :data:`STAGES`), and the applicant's
      ethnicity, disability, sex and age band, the vacancy and the band of
      the post.  "Appointed" means offered the post, whether or not the
      applicant accepted (the trust's decision).  A stage that is not
      recognised is an error naming the row and column, and the application
      is not counted;
    * **counts**: one row per group with the numbers shortlisted and
      appointed (and applied, optionally).  The group is in a "Group" column
      (White, BME, Disabled, Non-disabled, an NHS ethnic category ...), or in
      an "Ethnicity" and/or "Disability" column.  A group with more appointed
      than shortlisted (or more shortlisted than applied) is an error naming
      the row and column, and the row is not counted.

    Parameters
    ----------
    path_or_frame : str, Path or pandas.DataFrame
        An ``.xlsx``, ``.xlsm``, ``.xls``, ``.csv`` or ``.parquet`` file, or a
        DataFrame with the headers as columns.
    sheet : str or int, optional
        The sheet to read; by default the one holding the table.
    schema : path or list of paths, optional
        YAML files extending ``schemas/recruitment.yaml`` (headers, local
        spellings such as ``values: {"Offer pending": "shortlisted"}``).
    pseudonym_key : str or bytes, optional
        Key for hashing applicant identifiers (see :mod:`workforce.load._privacy`).
    like : StaffTable, optional
        Hash identifiers with the key this staff table was loaded with
        (instead of ``pseudonym_key``, not with it).
    engine : {"auto", "fastexcel", "openpyxl"}
        The Excel reader.

    Returns
    -------
    InputTable
        ``.table`` has the columns :data:`RECRUITMENT_COLUMNS`.

    Examples
    --------
    >>> import workforce
    >>> from workforce import load_recruitment
    >>> rec = load_recruitment(workforce.sample_data("soar_valley_recruitment_2024-25.xlsx"))
    >>> rec.layout, rec.report.is_valid, rec.report.reconciles()
    ('applications', True, True)
    >>> rec.table.groupby("wres_group", observed=True)[["shortlisted", "appointed"]].sum().loc[["White", "BME"]]
                shortlisted  appointed
    wres_group
    White              1299        374
    BME                1103        210
    """
    spec = read_schema("recruitment", extra=schema)
    raw = _raw_table(path_or_frame, spec, sheet, engine)
    found = set(raw.mapping.values())
    group_columns: list[str] = [c for c in ("group", "ethnic_origin", "disability") if c in found]
    if "stage" in found:
        layout, key, required = "applications", "stage", ["stage"]
        missing = ("the application has no stage, so it cannot be counted.",
                   "fill in the furthest stage reached: applied, shortlisted or appointed.")
    elif {"shortlisted", "appointed"} <= found and group_columns:
        layout, key, required = "counts", group_columns[0], ["shortlisted", "appointed"]
        missing = ("the row of counts does not say which group it is about.",
                   "fill in the group, for example White, BME, Disabled or Non-disabled.")
    else:
        where = "" if raw.sheet is None else f" on sheet {raw.sheet!r}"
        raise UnusableFileError(
            raw.file,
            f"the recruitment table{where} has neither a stage column (one row per application) nor a group "
            "with shortlisted and appointed counts (one row per group).",
            "add a 'Stage' column (applied, shortlisted or appointed) to a list of applications, or give "
            "'Group', 'Shortlisted' and 'Appointed' columns; if they are there under other headers, add those "
            f"headers as aliases in a schema file and give it with {option('schema', 'FILE')}.")
    step = _start(raw, spec, "recruitment", required, key, missing)
    typed, positions = step.typed, step.positions
    pseudonymiser = _pseudonymiser(pseudonym_key, like)
    out = pd.DataFrame(index=typed.index)
    out["vacancy_reference"] = _text(typed, "vacancy_reference")
    out["applicant_id"] = pseudonymiser.hash(step.frame["applicant_id"]) \
        if "applicant_id" in step.frame else pd.Series(pd.NA, index=typed.index, dtype="str")
    out = out.join(_coded(typed, spec, "band", positions, step.problems, ["band", "medical_grade", "pay_system"]))
    if layout == "applications":
        stage = normalise_column(typed["stage"], spec.columns["stage"], positions, step.problems,
                                 normaliser=_read_stage, severity="error", action="row excluded",
                                 code=ProblemCode.STAGE_NOT_RECOGNISED)["stage"]
        step.exclude(stage.isna().to_numpy(), "stage not recognised")
        out["stage"] = stage
        out["applied"] = pd.array(np.ones(len(stage), dtype=int), dtype="Int64")
        out["shortlisted"] = (stage >= "shortlisted").astype("Int64")
        out["appointed"] = (stage == "appointed").astype("Int64")
        out = out.join(_coded(typed, spec, "ethnic_origin", positions, step.problems, _ETHNICITY))
        out = out.join(_coded(typed, spec, "disability", positions, step.problems, ["disability"]))
    else:
        out["stage"] = pd.Categorical([None] * len(typed), dtype=STAGE_DTYPE)
        for name in ("applied", "shortlisted", "appointed"):
            out[name] = typed[name] if name in typed else pd.array([pd.NA] * len(typed), dtype="Int64")
        _check_counts(out, step)
        out = out.join(_count_groups(typed, spec, group_columns, positions, step.problems))
    for name in ("sex", "age_band"):
        out = out.join(_coded(typed, spec, name, positions, step.problems, [name]))
    out["application_date"] = typed["application_date"] if "application_date" in typed else pd.NaT
    return _finish(step, out, RECRUITMENT_COLUMNS, "recruitment", layout, pseudonymiser,
                   hashed="applicant identifiers" if "applicant_id" in step.frame else None)


def load_disciplinary(path_or_frame: str | Path | pd.DataFrame, *, sheet: str | int | None = None,
                      schema: str | Path | list[str | Path] | None = None, pseudonym_key: str | bytes | None = None,
                      like: StaffTable | None = None, engine: Engine = "auto") -> InputTable:
    """Load formal disciplinary and capability cases (WRES indicator 3, WDES metric 3).

    One row per case: an employee number, the case type (disciplinary,
    capability, or ill-health capability, in the spellings of
    :data:`CASE_TYPES`; others are reported and the case is not counted),
    the date the formal process started, and optionally the person's
    ethnicity and disability.  Employee numbers are replaced by the keyed
    hash the staff loader uses, so a case links to the person's staff record:
    load it with ``like=staff`` (the staff table's key).

    Parameters
    ----------
    path_or_frame : str, Path or pandas.DataFrame
        The case list (file or DataFrame).
    sheet, schema, pseudonym_key, like, engine
        As for :func:`load_recruitment` (``schemas/disciplinary.yaml``).

    Returns
    -------
    InputTable
        ``.table`` has the columns :data:`DISCIPLINARY_COLUMNS`.

    Examples
    --------
    >>> import workforce
    >>> from workforce import load_disciplinary
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> cases = load_disciplinary(workforce.sample_data("soar_valley_disciplinary_2024-25.xlsx"), like=staff)
    >>> cases.table["case_type"].value_counts().to_dict()
    {'disciplinary': 83, 'capability': 38, 'capability (ill health)': 6}
    >>> cases.key_fingerprint == staff.key_fingerprint
    True
    """
    spec = read_schema("disciplinary", extra=schema)
    raw = _raw_table(path_or_frame, spec, sheet, engine)
    step = _start(raw, spec, "disciplinary", spec.required, "employee_number",
                        ("the case has no employee number, so the person cannot be counted once or matched to "
                         "staff.", "fill in the employee number."))
    typed, positions = step.typed, step.positions
    pseudonymiser = _pseudonymiser(pseudonym_key, like)
    out = pd.DataFrame({"person_id": pseudonymiser.hash(step.frame["employee_number"])}, index=typed.index)
    case_type = normalise_column(typed["case_type"], spec.columns["case_type"], positions, step.problems,
                                 normaliser=_read_case_type, severity="error", action="row excluded",
                                 code=ProblemCode.CASE_TYPE_NOT_RECOGNISED)["case_type"]
    step.exclude(case_type.isna().to_numpy(), "case type not recognised")
    out["case_type"] = case_type
    out["date_opened"] = typed["date_opened"] if "date_opened" in typed else pd.NaT
    out = out.join(_coded(typed, spec, "ethnic_origin", positions, step.problems, _ETHNICITY))
    out = out.join(_coded(typed, spec, "disability", positions, step.problems, ["disability"]))
    return _finish(step, out, DISCIPLINARY_COLUMNS, "disciplinary", "cases", pseudonymiser, "employee numbers")


def load_training(path_or_frame: str | Path | pd.DataFrame, *, sheet: str | int | None = None,
                  schema: str | Path | list[str | Path] | None = None, pseudonym_key: str | bytes | None = None,
                  like: StaffTable | None = None, engine: Engine = "auto") -> InputTable:
    """Load training and CPD records (WRES indicator 4).

    One row per person per course.  Only non-mandatory records count
    (``counted``): a record marked mandatory is kept but not counted, and one
    whose "Mandatory" cell is blank or unreadable is reported and not
    counted.  With no "Mandatory" column every record is taken as
    non-mandatory, and a note says so.  Ethnicity comes from the staff table
    (matched by the hashed employee number: load it with ``like=staff``).

    Parameters
    ----------
    path_or_frame : str, Path or pandas.DataFrame
        The training records (file or DataFrame).
    sheet, schema, pseudonym_key, like, engine
        As for :func:`load_recruitment` (``schemas/training.yaml``).

    Returns
    -------
    InputTable
        ``.table`` has the columns :data:`TRAINING_COLUMNS`.

    Examples
    --------
    >>> import workforce
    >>> from workforce import load_training
    >>> training = load_training(workforce.sample_data("soar_valley_training_2024-25.xlsx"))
    >>> counted = training.table[training.table["counted"]]
    >>> len(counted), counted["person_id"].nunique(), int((~training.table["counted"]).sum())
    (2759, 1852, 1006)
    """
    spec = read_schema("training", extra=schema)
    raw = _raw_table(path_or_frame, spec, sheet, engine)
    step = _start(raw, spec, "training", spec.required, "employee_number",
                        ("the record has no employee number, so it cannot be matched to a member of staff.",
                         "fill in the employee number."))
    typed, positions = step.typed, step.positions
    pseudonymiser = _pseudonymiser(pseudonym_key, like)
    out = pd.DataFrame({"person_id": pseudonymiser.hash(step.frame["employee_number"])}, index=typed.index)
    out["course"] = _text(typed, "course")
    if "mandatory" in typed:
        mandatory = typed["mandatory"].astype("boolean")
        blank = (mandatory.isna() & step.frame["mandatory"].isna()).to_numpy()
        step.problems.add(ProblemCode.FLAG_BLANK, positions[blank], "mandatory", None,
                          "does not say whether the course is mandatory, so the record is not counted.",
                          "enter Yes (mandatory or statutory) or No (non-mandatory training or CPD).",
                          "warning", "record not counted")
        counted = mandatory.eq(False).fillna(False).astype(bool)
        out["mandatory"] = mandatory
    else:
        out["mandatory"] = pd.array([pd.NA] * len(typed), dtype="boolean")
        counted = pd.Series(True, index=typed.index)
        step.problems.note(ProblemCode.NO_MANDATORY_COLUMN, "the file has no Mandatory column: every record is taken as non-mandatory training "
                           "or CPD.", fix="add a Mandatory column (Yes / No) if the file holds mandatory courses.")
    out["counted"] = counted
    out["date_completed"] = typed["date_completed"] if "date_completed" in typed else pd.NaT
    return _finish(step, out, TRAINING_COLUMNS, "training", "records", pseudonymiser, "employee numbers")


def load_board(path_or_frame: str | Path | pd.DataFrame, *, sheet: str | int | None = None,
               schema: str | Path | list[str | Path] | None = None, engine: Engine = "auto") -> InputTable:
    """Load board membership (WRES indicator 9, WDES metric 10).

    One row per board member: role, whether they vote, whether they are an
    executive director, and their ethnicity, disability and sex.  Names are
    dropped; a blank ethnicity or disability counts as Unknown.  A member
    whose voting or executive cell cannot be read is reported and left out
    of that count.

    Parameters
    ----------
    path_or_frame : str, Path or pandas.DataFrame
        The board register (file or DataFrame).
    sheet, schema, engine
        As for :func:`load_recruitment` (``schemas/board.yaml``).

    Returns
    -------
    InputTable
        ``.table`` has the columns :data:`BOARD_COLUMNS`.

    Examples
    --------
    >>> import workforce
    >>> from workforce import load_board
    >>> board = load_board(workforce.sample_data("soar_valley_board_2025-03-31.xlsx"))
    >>> len(board.table), int(board.table["voting"].sum()), int(board.table["executive"].sum())
    (14, 11, 7)
    """
    spec = read_schema("board", extra=schema)
    raw = _raw_table(path_or_frame, spec, sheet, engine)
    step = _start(raw, spec, "board", spec.required, "role",
                        ("the row has no board role, so it cannot be told from a note.",
                         "fill in the member's role (for example Chair, Non-executive Director, Chief Executive)."))
    typed, positions = step.typed, step.positions
    out = pd.DataFrame(index=typed.index)
    out["role"] = _text(typed, "role")
    for name, what in (("voting", "votes"), ("executive", "is an executive director")):
        out[name] = typed[name].astype("boolean")
        blank = step.frame[name].isna().to_numpy()
        step.problems.add(ProblemCode.FLAG_BLANK, positions[blank], name, None,
                          f"does not say whether the member {what}.",
                          "enter Yes or No.", "warning", f"member left out of the {name} count")
    for name, columns in (("ethnic_origin", _ETHNICITY), ("disability", ["disability"]), ("sex", ["sex"])):
        out = out.join(_coded(typed, spec, name, positions, step.problems, columns))
    return _finish(step, out, BOARD_COLUMNS, "board", "members")


# ---------------------------------------------------------------- shared steps


def _start(raw: RawTable, spec: Schema, kind: str, required: list[str], key: str,
           missing: tuple[str, str]) -> Pipeline:
    return Pipeline.start(raw, spec, required, key, missing, table=f"{kind} table", label=kind)


def _finish(step: Pipeline, out: pd.DataFrame, columns: list[str], kind: str, layout: str,
            pseudonymiser: Pseudonymiser | None = None, hashed: str | None = None) -> InputTable:
    """The canonical table and the report."""
    notes = [f"workforce {__version__}; schema: {', '.join(step.spec.sources)}.",
             f"{Path(step.raw.file).name}: {kind}, {layout} layout."]
    if hashed and pseudonymiser is not None:
        notes.append(pseudonymiser.describe().replace("Employee numbers", hashed.capitalize()))
    out, report = step.finish(out, notes)
    for column in columns:
        if column not in out:
            out[column] = pd.NA
    return InputTable(kind=kind, layout=layout, table=out[columns].reset_index(drop=True), report=report,
                      key_fingerprint=None if pseudonymiser is None else pseudonymiser.fingerprint)


def _pseudonymiser(pseudonym_key, like) -> Pseudonymiser:
    """The staff table's pseudonymiser (``like=``), else one with ``pseudonym_key``."""
    if like is None:
        return Pseudonymiser(pseudonym_key)
    if pseudonym_key is not None:
        raise WorkforceError("give pseudonym_key= or like=, not both: like=staff hashes with the key the staff "
                             "table was loaded with.")
    pseudonymiser = getattr(like, "pseudonymiser", None)
    if not isinstance(pseudonymiser, Pseudonymiser):
        raise WorkforceError(f"like= takes a staff table from workforce.load_staff (whose pseudonym key is used), "
                             f"not {type(like).__name__}.")
    return pseudonymiser


def _raw_table(source, spec: Schema, sheet, engine: Engine) -> RawTable:
    """The table in a file, or a DataFrame as if it had been read from one."""
    if isinstance(source, pd.DataFrame):
        frame = source.reset_index(drop=True)
        frame.columns = [str(c) for c in frame.columns]
        raw = RawTable(file=FRAME_NAME, sheet=None, frame=frame, rows=np.arange(len(frame)) + 2, header_row=None)
        map_headers(raw, list(frame.columns), spec)
        return raw
    try:
        return read_table(source, spec, sheet=sheet, engine=engine)
    except AmbiguousSheetError as exc:  # the reader's messages speak of staff tables
        raise AmbiguousSheetError(exc.file, exc.sheets, what=f"{spec.title.lower()} table") from None
    except NoStaffTableError as exc:
        expected = ", ".join(f"'{spec.columns[c].aliases[0]}'" for c in list(spec.columns)[:6]
                             if spec.columns[c].aliases and spec.columns[c].privacy is None)
        holds = spec.description[0].lower() + spec.description[1:].rstrip(".")   # one sentence, not two
        raise NoStaffTableError(
            exc.file, f"no {spec.title.lower()} table was found: no row near the top has at least 3 of its "
                      "column headers.",
            f"check the file holds {holds}, with headers such as "
            f"{expected}; if yours are named differently, add them as aliases in a schema file and pass it "
            f"with {option('schema', 'FILE')}.") from None


def _text(typed: pd.DataFrame, name: str) -> pd.Series:
    return typed[name] if name in typed else pd.Series(pd.NA, index=typed.index, dtype="str")


def _coded(typed, spec: Schema, name: str, positions, problems, columns: list[str]) -> pd.DataFrame:
    """A coded column through its normaliser; all missing when the file has no such column."""
    if name not in typed:
        return pd.DataFrame({c: pd.Series(pd.NA, index=typed.index).astype(_DTYPES[c]) for c in columns})
    return normalise_column(typed[name], spec.columns[name], positions, problems)[columns]


def _lookup_reader(spellings: dict[str, tuple[str, ...]], column: str, dtype: pd.CategoricalDtype,
                   problem: str, fix: str):
    table = {_key(s): value for value, names in spellings.items() for s in (value, *names)}

    def parse(text: str | None):
        if text is None:
            return {}
        value = table.get(_key(text))
        return None if value is None else {column: value}

    def read(raw: pd.Series) -> Normalised:
        columns, unrecognised = map_distinct(raw, parse, {column: dtype})
        return Normalised(columns=columns, unrecognised=unrecognised, problem=problem, fix=fix)

    return read


_read_stage = _lookup_reader(
    STAGES, "stage", STAGE_DTYPE,
    "The stage is not one that could be recognised, so the application is not counted.",
    "Use applied, shortlisted or appointed (see the stages listed in schemas/recruitment.yaml).")
_read_case_type = _lookup_reader(
    CASE_TYPES, "case_type", CASE_TYPE_DTYPE,
    "The case type is not one that could be recognised, so the case is not counted.",
    "Use Disciplinary, Capability (performance) or Capability (ill health).")


def _check_counts(out: pd.DataFrame, step: Pipeline) -> None:
    """Counts layout: every row needs its counts, and they must narrow from applied to appointed."""
    positions = step.positions
    for name in ("shortlisted", "appointed"):
        blank = out[name].isna().to_numpy()
        step.problems.add(ProblemCode.COUNT_MISSING, positions[blank], name, None,
                          f"the row has no number {name}, so it cannot be counted.",
                          f"enter the number {name} (0 if none).", "error", "row excluded")
        step.exclude(blank, f"no number {name}")
    checks = (("appointed", "shortlisted", "more were appointed than shortlisted",
               "appointments are counted from the shortlisted applicants"),
              ("shortlisted", "applied", "more were shortlisted than applied",
               "the shortlisted applicants are some of those who applied"))
    for more, fewer, what, why in checks:
        bad = (out[more] > out[fewer]).fillna(False).to_numpy(dtype=bool) & ~step.dropped
        if bad.any():
            step.problems.add(ProblemCode.COUNTS_INCONSISTENT, positions[bad], more, out[more][bad],
                              f"{what} for this group "
                              f"({fewer}: {', '.join(str(v) for v in out[fewer][bad])}); {why}.",
                              f"check the {more} and {fewer} counts of this group.", "error", "row excluded")
            step.exclude(bad, what)


def _count_groups(typed, spec: Schema, group_columns: list[str], positions, problems) -> pd.DataFrame:
    """Counts layout: the ethnicity and disability each row of counts is about.

    A "Group" column may hold either (White, BME, an NHS ethnic category, or
    Disabled, Non-disabled); "Ethnicity" and "Disability" columns hold one
    each.  A not-stated value in a Group column ("Unknown", "Prefer not to
    say") is placed with the characteristic the other rows are about, and
    reported if they are about both.
    """
    dtypes = {**ETHNICITY_COLUMNS, "disability": DISABILITY_DTYPE}
    out = pd.DataFrame({c: pd.Series(pd.NA, index=typed.index).astype(d) for c, d in dtypes.items()})
    for name in group_columns:
        allowed = {"group": ("ethnicity", "disability"), "ethnic_origin": ("ethnicity",),
                   "disability": ("disability",)}[name]
        read = normalise_column(typed[name], spec.columns[name], positions, problems,
                                normaliser=_group_reader(allowed), action="row not counted",
                                code=ProblemCode.GROUP_NOT_RECOGNISED)
        either = read["kind"].eq("either").to_numpy()
        if either.any():
            kinds = set(read["kind"].dropna()) - {"either"}
            if kinds == {"ethnicity"}:
                read.loc[either, "disability"] = pd.NA
            elif kinds == {"disability"}:
                read.loc[either, "wres_group"] = pd.NA
            else:
                problems.add(ProblemCode.GROUP_AMBIGUOUS, positions[either], name, typed[name][either],
                             "says the group is not known, but not whether ethnicity or disability is unknown, and "
                             "the table holds both.", "write 'Ethnicity unknown' or 'Disability unknown'.",
                             "warning", "row not counted")
                read.loc[either, ["wres_group", "disability"]] = pd.NA
        has = read["wres_group"].notna().to_numpy()
        out.loc[has, _ETHNICITY] = read.loc[has, _ETHNICITY]
        has = read["disability"].notna().to_numpy()
        out.loc[has, "disability"] = read.loc[has, "disability"]
    return out


def _group_reader(allowed: tuple[str, ...]):
    """A normaliser for a column of group names (counts layout).

    Each distinct value is read as a WRES group (the words of
    ``_GROUP_WORDS``, or any NHS ethnic category) and as a disability, where
    ``allowed``.  A known group wins; a not-stated spelling that both read
    ("Unknown") has the kind "either", for :func:`_count_groups` to place.
    """
    eth_ok, dis_ok = "ethnicity" in allowed, "disability" in allowed
    columns_out = [*ETHNICITY_COLUMNS, "disability", "kind"]
    blank = dict.fromkeys(columns_out, pd.NA)

    def place(word, eth: dict | None, dis: str | None) -> dict | None:
        if eth_ok and word[0]:
            eth = {"wres_group": word[0]}  # White, BME: no NHS code
        if dis_ok and word[1]:
            dis = word[1]
        eth, dis = (eth if eth_ok else None), (dis if dis_ok else None)
        if eth is not None and eth["wres_group"] != "Unknown":
            return {**blank, **eth, "kind": "ethnicity"}
        if dis is not None and dis != "Unknown":
            return {**blank, "disability": dis, "kind": "disability"}
        if eth is None and dis is None:
            return None
        kind = "either" if eth is not None and dis is not None else "ethnicity" if eth is not None else "disability"
        return {**blank, **(eth or {}), "disability": dis if dis is not None else pd.NA, "kind": kind}

    def read(raw: pd.Series) -> Normalised:
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        values = pd.Series(uniques, dtype="object")
        eth, dis = normalise_ethnicity(values), normalise_disability(values)
        rows = [place(_GROUP_WORDS.get(_key(v), (None, None)),
                      None if eth.unrecognised.iloc[i] else eth.columns.iloc[i].to_dict(),
                      None if dis.unrecognised.iloc[i] else dis.columns["disability"].iloc[i])
                for i, v in enumerate(values)]
        lookup = pd.DataFrame([r or blank for r in rows] + [blank], columns=columns_out)
        take = np.where(codes < 0, len(values), codes)
        columns = lookup.iloc[take].set_axis(raw.index)
        for c, dtype in {**ETHNICITY_COLUMNS, "disability": DISABILITY_DTYPE}.items():
            columns[c] = columns[c].astype(dtype)
        unrecognised = pd.Series(np.append([r is None for r in rows], False)[take], index=raw.index)
        fix = " and ".join(text for ok, text in ((eth_ok, "White, BME or an NHS ethnic category for ethnicity"),
                                                 (dis_ok, "Disabled or Non-disabled for disability")) if ok)
        return Normalised(columns=columns, unrecognised=unrecognised,
                          problem=f"The group is not one that could be recognised as {' or '.join(allowed)}, so "
                                  "its counts are not used.", fix=f"Use {fix}.")

    return read
