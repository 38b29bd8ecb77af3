"""The validation report: every problem found while loading, as data.

Loading never stops at the first bad value.  Each problem becomes one row of
:attr:`ValidationReport.problems` (file, sheet, Excel row, column header as
written, value, problem, suggested fix), and the counts show where every input
row went: ``rows_read == rows_used + rows_excluded`` for every file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

import pandas as pd

__all__ = ["ValidationReport", "ProblemCode", "ReaderNote", "PROBLEM_COLUMNS", "COUNT_COLUMNS", "SEVERITIES"]

#: Columns of :attr:`ValidationReport.problems`, always in this order (``code`` is a :class:`ProblemCode` value).
PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "value", "code", "problem", "fix", "severity", "action"]


class ProblemCode(StrEnum):
    """The stable code of each kind of problem or note a loader reports.

    The ``code`` column of :attr:`ValidationReport.problems` holds these
    values (plain strings, so ``problems["code"] == ProblemCode.NOT_A_DATE``
    works); the wording of ``problem`` and ``fix`` may change between
    versions, the codes do not.

    Examples
    --------
    >>> ProblemCode("not_a_date") is ProblemCode.NOT_A_DATE, str(ProblemCode.BLANK_ROW)
    (True, 'blank_row')
    """

    # rows that are not data (notes; the row is excluded)
    BLANK_ROW = "blank_row"  #: a row with no cell filled in, skipped.
    TOTALS_ROW = "totals_row"  #: a totals or subtotals row, skipped.
    REPEATED_HEADER_ROW = "repeated_header_row"  #: the header row of a further table on the sheet, skipped.
    NOTE_ROW = "note_row"  #: a note or title row below the header (one cell of text), skipped.
    # rows that cannot be used (errors; the row is excluded)
    MISSING_KEY = "missing_key"  #: no employee number (stage, group, role): the row cannot be counted.
    REPEATED_ASSIGNMENT = "repeated_assignment"  #: an assignment number already read further up the file.
    KEY_IN_SCIENTIFIC_NOTATION = "key_in_scientific_notation"  #: an identifier Excel turned into 1.23457E+11.
    ORGANISATION_LOOKS_LIKE_IDENTIFIER = "organisation_looks_like_identifier"  #: a postcode or date as organisation.
    STAGE_NOT_RECOGNISED = "stage_not_recognised"  #: a recruitment stage that is not applied, shortlisted or appointed.
    CASE_TYPE_NOT_RECOGNISED = "case_type_not_recognised"  #: a case type that is not disciplinary or capability.
    COUNT_MISSING = "count_missing"  #: counts layout: a group with no number shortlisted or appointed.
    COUNTS_INCONSISTENT = "counts_inconsistent"  #: counts layout: more appointed than shortlisted, or shortlisted than applied.
    # values set aside (warnings; the value is treated as missing, the row kept)
    NOT_A_NUMBER = "not_a_number"  #: a number column holds something else.
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"  #: a whole-number column holds something else.
    NOT_A_DATE = "not_a_date"  #: a date column holds something that is not a date.
    NOT_A_FLAG = "not_a_flag"  #: a yes/no column holds something else.
    BLANK_REQUIRED = "blank_required"  #: a column that must be filled in is blank.
    OUT_OF_RANGE = "out_of_range"  #: a value outside the schema's range (min, max).
    NOT_ALLOWED = "not_allowed"  #: a value not among the schema's allowed values.
    DAMAGED_TEXT = "damaged_text"  #: UTF-16 text whose bytes are out of step (a byte lost or added).
    NOT_UTF8 = "not_utf8"  #: CSV: a line holding a byte that is not UTF-8, read as Windows text (cp1252).
    STRAY_QUOTE = "stray_quote"  #: CSV: a quote that opens a field and never closes; each line it swallowed read alone.
    CELL_TOO_LONG = "cell_too_long"  #: a cell over Excel's 32,767 characters, set aside.
    UNRECOGNISED_VALUE = "unrecognised_value"  #: a coded value (ethnicity, band, sex ...) that is not recognised.
    GROUP_NOT_RECOGNISED = "group_not_recognised"  #: counts layout: a group that is not an ethnicity or disability.
    GROUP_AMBIGUOUS = "group_ambiguous"  #: counts layout: "unknown" group in a table about both ethnicity and disability.
    AGE_OUT_OF_RANGE = "age_out_of_range"  #: the date of birth or age gives an age outside the schema's range.
    HIRE_DATE_AFTER_SNAPSHOT = "hire_date_after_snapshot"  #: the hire date is after the snapshot date.
    FLAG_BLANK = "flag_blank"  #: a yes/no cell a count depends on (voting, executive, mandatory) is blank.
    CONFLICTING_CHARACTERISTIC = "conflicting_characteristic"  #: one person, two values (ethnicity, sex ...) on two assignments.
    # what the loader did with the file (notes)
    HEADER_FOUND = "header_found"  #: the row the header was found on.
    COLUMN_NOT_READ = "column_not_read"  #: a column the schema does not know, not read.
    LOOKALIKE_HEADER = "lookalike_header"  #: a header with a Cyrillic or Greek letter that looks Latin, read as Latin.
    TABLES_ON_SHEET = "tables_on_sheet"  #: several tables on one sheet (side by side, stacked), read together.
    DUPLICATE_HEADER = "duplicate_header"  #: a second column for a schema column already read; the first was used.
    TEXT_ENCODING = "text_encoding"  #: CSV: the file is not UTF-8 (Windows text, UTF-16 'Unicode Text'), read as such.
    DECIMAL_COMMA = "decimal_comma"  #: numbers written with a decimal comma (0,8), read as such.
    MULTILINE_CELL = "multiline_cell"  #: CSV: a cell holding a line break, so its row takes several lines.
    SNAPSHOT_DATE_FROM_TITLE = "snapshot_date_from_title"  #: the snapshot date was taken from the title rows.
    SNAPSHOT_DATE_FROM_FILE_NAME = "snapshot_date_from_file_name"  #: the snapshot date was taken from the file name.
    NO_SNAPSHOT_DATE = "no_snapshot_date"  #: no snapshot date found: today's date was used.
    ORGANISATION_FROM_TITLE = "organisation_from_title"  #: the organisation was taken from the title rows.
    ORGANISATION_FROM_FILE_NAME = "organisation_from_file_name"  #: no organisation column: the file name is used.
    NO_MANDATORY_COLUMN = "no_mandatory_column"  #: training file with no Mandatory column: every record counts.
    ESR_AGE_BANDS_ONLY = "esr_age_bands_only"  #: age bands that only ESR's five-year banding can hold (21-25 ...).

class ReaderNote(NamedTuple):
    """Something a reader noticed in a file (its encoding, a stray quote), to go into the file's report.

    ``row`` is the Excel row (``None`` for the whole file); the other fields are the report's columns.
    """

    code: ProblemCode
    row: int | None
    problem: str
    fix: str = ""
    severity: str = "note"
    action: str = ""
    column: str | None = None
    value: str | None = None


#: Columns of :attr:`ValidationReport.counts`, always in this order.
COUNT_COLUMNS = ["file", "sheet", "rows_read", "rows_used", "rows_excluded"]
#: ``error``: the row was excluded.  ``warning``: the value was set aside
#: (treated as missing or unknown) and the row kept.  ``note``: something the
#: loader did that the user should know about (a totals row skipped, a column
#: ignored); notes alone do not make a file invalid.
SEVERITIES = ("error", "warning", "note")


@dataclass
class ValidationReport:
    """What happened to every row of every file loaded.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem, columns :data:`PROBLEM_COLUMNS`.  ``row`` is the
        row number as seen in Excel (missing for problems with a whole file or
        column); ``code`` the problem's :class:`ProblemCode`.  Values of identifier and date-of-birth columns are withheld.
    counts : pandas.DataFrame
        One row per file, columns :data:`COUNT_COLUMNS`.
    exclusions : pandas.DataFrame
        Rows excluded, by file and reason (columns ``file``, ``reason``,
        ``rows``).
    notes : list of str
        How the data were read and prepared (header rows found, pseudonym key,
        snapshot dates), in plain words.
    """

    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    counts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COUNT_COLUMNS))
    exclusions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["file", "reason", "rows"]))
    notes: list[str] = field(default_factory=list)

    # ------------------------------------------------------------ summary
    @property
    def rows_read(self) -> int:
        """Data rows read from all files (below the header rows)."""
        return int(self.counts["rows_read"].sum())

    @property
    def rows_used(self) -> int:
        """Rows that reached the staff table."""
        return int(self.counts["rows_used"].sum())

    @property
    def rows_excluded(self) -> int:
        """Rows left out, each with a reason in :attr:`exclusions`."""
        return int(self.counts["rows_excluded"].sum())

    @property
    def is_valid(self) -> bool:
        """``True`` when there are no errors or warnings (notes are fine)."""
        return not self.problems["severity"].isin(["error", "warning"]).any()

    @property
    def exit_code(self) -> int:
        """0 when valid, 1 when problems were found (as ``workforce validate``)."""
        return 0 if self.is_valid else 1

    def reconciles(self) -> bool:
        """Whether rows read = rows used + rows excluded, for every file."""
        c = self.counts
        by_reason = self.exclusions.groupby("file")["rows"].sum()
        excluded = c.groupby("file")["rows_excluded"].sum()   # a file read twice has two rows
        return bool(
            (c["rows_read"] == c["rows_used"] + c["rows_excluded"]).all()
            and excluded.sub(by_reason, fill_value=0).eq(0).all()
        )

    # ------------------------------------------------------------ combining
    @classmethod
    def combine(cls, reports: list[ValidationReport]) -> ValidationReport:
        """One report for several files."""
        if not reports:
            return cls()

        def cat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
            frames = [f for f in frames if len(f)]
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

        return cls(
            problems=cat([r.problems for r in reports], PROBLEM_COLUMNS),
            counts=cat([r.counts for r in reports], COUNT_COLUMNS),
            exclusions=cat([r.exclusions for r in reports], ["file", "reason", "rows"]),
            notes=[n for r in reports for n in r.notes],
        )

    # ------------------------------------------------------------ output
    def summary(self) -> str:
        """A few lines saying how many rows were read, used and excluded."""
        lines = [f"Rows read: {self.rows_read:,}   used: {self.rows_used:,}   excluded: {self.rows_excluded:,}"]
        for _, r in self.exclusions.iterrows():
            lines.append(f"  excluded {int(r['rows']):,} row(s) from {Path(str(r['file'])).name}: {r['reason']}")
        sev = self.problems["severity"].value_counts()
        lines.append(
            f"Problems: {int(sev.get('error', 0))} error(s) (row excluded), "
            f"{int(sev.get('warning', 0))} warning(s) (value set aside), {int(sev.get('note', 0))} note(s)"
        )
        return "\n".join(lines)

    def to_text(self, max_problems: int = 50) -> str:
        """The report as readable text: notes, counts, then the problems.

        Problems that repeat (the same value with the same problem in the
        same column) are shown once with the rows they occur on; the full
        list is in :attr:`problems`, :meth:`to_excel` and :meth:`to_json`.
        """
        parts = ["Validation report", "=" * 17]
        parts += [f"- {n}" for n in self.notes]
        parts.append("")
        parts.append(self.summary())
        keys = ["file", "sheet", "column", "value", "code", "problem", "fix", "severity", "action"]
        for title, table in (("Problems", self.problems[self.problems["severity"] != "note"]),
                             ("Notes", self.problems[self.problems["severity"] == "note"])):
            if len(table) == 0:
                continue
            grouped = (table.astype({"row": "Int64"}).fillna({k: "" for k in keys})
                       .groupby(keys, sort=False, dropna=False)["row"].agg(list).reset_index())
            parts.append("")
            parts.append(f"{title} ({len(table)}):")
            for _, p in grouped.head(max_problems).iterrows():
                parts.extend(_describe(p))
            if len(grouped) > max_problems:
                parts.append(f"  ... and {len(grouped) - max_problems} more (export the whole report with --json or --excel).")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.to_text()

    def _files(self) -> list[str]:
        return list(dict.fromkeys(Path(str(f)).name for f in self.counts["file"]))

    def _severities(self) -> str:
        sev = self.problems["severity"].value_counts()
        return ", ".join(f"{int(sev.get(s, 0)):,} {s}{'' if int(sev.get(s, 0)) == 1 else 's'}" for s in SEVERITIES)

    def _rows_line(self) -> str:
        return f"rows read {self.rows_read:,}, used {self.rows_used:,}, excluded {self.rows_excluded:,}"

    def __repr__(self) -> str:
        files = self._files()
        named = ", ".join(files[:3]) + (f" and {len(files) - 3:,} more" if len(files) > 3 else "")
        return (f"<ValidationReport: {len(files):,} file{'' if len(files) == 1 else 's'} ({named}); "
                f"{self._rows_line()}; {self._severities()}>")

    def _repr_html_(self, max_problems: int = 10) -> str:  # shown in notebooks
        """A short summary, then the first problems (errors, then warnings, then notes) as a small table.

        Files are named without their folders; identifier values are withheld in :attr:`problems` already.
        """
        import html

        from .._display import html_table, missing, text

        files = self._files()
        summary = (f"<p><b>Validation report</b>: {html.escape(', '.join(files))}<br>{self._rows_line()}; "
                   f"{self._severities()}; {'valid' if self.is_valid else 'problems found'}.</p>")
        if not len(self.problems):
            return summary
        order = self.problems["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES))
        first = self.problems.iloc[order.argsort(kind="stable")[:max_problems]]
        shown = {"severity": [text(v) for v in first["severity"]],
                 "file": [Path(str(f)).name for f in first["file"]]}
        shown |= {c: [text(v) for v in first[c]] for c in ("sheet", "row", "column", "value", "problem", "fix")}
        shown["row"] = [text(v) if missing(v) else f"{int(v)}" for v in first["row"]]   # 395, never 395.0
        more = len(self.problems) - len(first)
        return summary + html_table(shown, right=["row"], more=more) + (
            "<p>All of them: <code>.problems</code>, <code>.to_excel(path)</code>, <code>.to_json()</code>, "
            "or <code>print(report)</code>.</p>" if more else "")

    def to_dict(self) -> dict:
        """The report as plain data (what ``--json`` prints)."""
        problems = self.problems.astype("object").where(self.problems.notna(), None)
        from .._version import __version__

        return {
            "workforce_version": __version__,
            "valid": self.is_valid,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_excluded": self.rows_excluded,
            "reconciles": self.reconciles(),
            "files": self.counts.astype("object").to_dict(orient="records"),
            "exclusions": self.exclusions.astype("object").to_dict(orient="records"),
            "notes": list(self.notes),
            "problems": problems.to_dict(orient="records"),
        }

    def to_json(self, path: str | Path | None = None, indent: int = 2) -> str:
        """The report as JSON; also written to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=indent, default=_json_default)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_excel(self, path: str | Path) -> Path:
        """Write the report to an Excel workbook (sheets Summary, Problems, Exclusions)."""
        path = Path(path)
        summary = pd.DataFrame({"item": ["rows read", "rows used", "rows excluded", "valid"],
                                "value": [self.rows_read, self.rows_used, self.rows_excluded, str(self.is_valid)]})
        from .._xlsx import write_xlsx  # text as text: a value such as '=HYPERLINK(...)' is never a formula

        write_xlsx(path, {"Summary": summary, "Files": self.counts, "Exclusions": self.exclusions,
                          "Problems": self.problems, "Notes": pd.DataFrame({"note": self.notes})})
        return path


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _describe(p: pd.Series) -> list[str]:
    """Lines for one problem (or one problem repeated on several rows)."""
    where = [Path(str(p["file"])).name]
    if p["sheet"]:
        where.append(f"sheet '{p['sheet']}'")
    rows = [int(r) for r in p["row"] if pd.notna(r)]
    if len(rows) == 1:
        where.append(f"row {rows[0]}")
    elif rows:
        shown = ", ".join(str(r) for r in rows[:8]) + (", ..." if len(rows) > 8 else "")
        where.append(f"{len(rows)} rows ({shown})")
    if p["column"]:
        where.append(f"column '{p['column']}'")
    value = f" value '{p['value']}':" if p["value"] else ""
    code = f" {p['code']}" if p["code"] else ""
    lines = [f"  [{p['severity']}{code}] {', '.join(where)}:{value} {p['problem']}"]
    if p["fix"]:
        lines.append(f"      Fix: {p['fix']}")
    if p["action"]:
        lines.append(f"      Done: {p['action']}")
    return lines
