"""Counts of other organisations, already aggregated: the peers a funnel plot and a pooled estimate compare with.

An ICB analyst often holds no staff records of the other trusts, only their
published or shared counts.  :func:`load_peer_counts` reads them from a small
CSV or Excel table, one row per organisation and measure, checked with
pandera: every problem is reported with the file, the row as the file shows
it, the column, the value and the fix, and the file is refused (exit 2 in the
command) rather than half read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import UnusableFileError

__all__ = ["load_peer_counts", "PEER_COLUMNS", "PEER_MEASURES"]

#: The columns of a peer counts table, in order.
PEER_COLUMNS = ("organisation", "snapshot_date", "measure", "group_a", "a_events", "a_total", "group_b", "b_events",
                "b_total")
#: What the counts may measure: a relative likelihood (a's rate over b's), or a share (a alone, b blank).
PEER_MEASURES = {
    "8a and above": "the relative likelihood of being at band 8a and above, of Agenda for Change staff "
                    "(a: White, b: BME)",
    "appointed from shortlisting": "the relative likelihood of being appointed from shortlisting, WRES indicator 2 "
                                   "(a: White, b: BME)",
    "BME share at 8a and above": "a share: BME staff at band 8a and above (a_events) of the staff of known "
                                 "ethnicity there (a_total); b blank",
}
#: The measures that are shares (only the a counts).
PEER_SHARES = ("BME share at 8a and above",)
_COUNTS = ("a_events", "a_total", "b_events", "b_total")
_MAX_PROBLEMS = 10


def _schema():
    import pandera.pandas as pa

    whole = pa.Check(lambda s: (s >= 0) & (s == s.round()), element_wise=False,
                     error="must be a whole number of people, 0 or more")
    return pa.DataFrameSchema(
        {"organisation": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
         "snapshot_date": pa.Column("datetime64[ns]", nullable=False),
         "measure": pa.Column(str, pa.Check.isin(list(PEER_MEASURES)), nullable=False),
         "group_a": pa.Column(str, nullable=False), "group_b": pa.Column(str, nullable=True),
         **{c: pa.Column(float, whole, nullable=c.startswith("b_")) for c in _COUNTS}},
        checks=[pa.Check(lambda t: ~(t["a_events"] > t["a_total"]), error="a_events is more than a_total"),
                pa.Check(lambda t: ~(t["b_events"] > t["b_total"]), error="b_events is more than b_total"),
                pa.Check(lambda t: t["measure"].isin(PEER_SHARES) | t[list(_COUNTS)].notna().all(axis=1),
                         error="a relative likelihood needs all four counts (a_events, a_total, b_events, b_total)")],
        strict=False, coerce=False)


def load_peer_counts(path: str | Path) -> pd.DataFrame:
    """Read other organisations' counts (CSV or Excel), checked: the likelihood counts of each.

    Parameters
    ----------
    path : path
        A ``.csv`` or ``.xlsx`` file with the columns :data:`PEER_COLUMNS`:
        the organisation, the snapshot date (YYYY-MM-DD), the measure (one of
        :data:`PEER_MEASURES`), and for each group its label, people with the
        event and people in all (``a`` the group in the numerator of the
        relative likelihood, as WRES orders it).

    Returns
    -------
    pandas.DataFrame
        The columns :data:`PEER_COLUMNS`, counts as integers (a share's b
        counts missing).

    Raises
    ------
    UnusableFileError
        A missing file or column, or values that are not counts, listed with
        their rows (as the file shows them: the header is row 1), columns,
        values and the fix.

    Examples
    --------
    >>> import workforce
    >>> from workforce.load import load_peer_counts
    >>> peers = load_peer_counts(workforce.sample_data("icb_peer_organisations_2025-03-31.csv"))
    >>> sorted(peers["measure"].unique())
    ['8a and above', 'BME share at 8a and above', 'appointed from shortlisting']
    """
    import pandera.errors

    path = Path(path)
    name = path.name
    if not path.is_file():
        raise UnusableFileError(str(path), "no such file.", "check the path of the peer counts file.")
    try:
        raw = (pd.read_excel(path, dtype=object) if path.suffix.lower() in (".xlsx", ".xlsm")
               else pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]))
    except Exception as exc:  # noqa: BLE001 - any reader error: the file cannot be used, said plainly
        raise UnusableFileError(name, f"the file cannot be read as a table ({type(exc).__name__}).",
                                "save it as CSV (UTF-8) or .xlsx with the column headers in the first row.") from None
    raw.columns = [str(c).strip().lower().replace(" ", "_") for c in raw.columns]
    missing = [c for c in PEER_COLUMNS if c not in raw]
    if missing:
        raise UnusableFileError(name, f"the column(s) {', '.join(missing)} are missing.",
                                f"the first row must name the columns {', '.join(PEER_COLUMNS)}.")
    frame = raw[list(PEER_COLUMNS)].copy()
    for column in ("organisation", "measure", "group_a", "group_b"):
        frame[column] = frame[column].astype("str").str.strip().where(frame[column].notna())
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"], errors="coerce", format="mixed").astype("datetime64[ns]")
    for column in _COUNTS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    try:
        _schema().validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        raise UnusableFileError(name, _problems(exc.failure_cases, raw), _FIX) from None
    for column in _COUNTS:
        frame[column] = frame[column].astype("Int64")
    return frame.reset_index(drop=True)


_FIX = (f"counts must be whole numbers of people (0 or more, events no more than the total), dates YYYY-MM-DD, and "
        f"the measure one of: {'; '.join(PEER_MEASURES)}.")


def _problems(cases: pd.DataFrame, raw: pd.DataFrame) -> str:
    """The failures as lines: row (the header is row 1), column, the value as the file has it, what is wrong."""
    lines = []
    for _, case in cases.iterrows():
        index = case.get("index")
        column = case.get("column")
        row = int(index) + 2 if pd.notna(index) else None
        check = str(case.get("check", ""))
        if check.startswith(("a_events is", "b_events is", "a relative")) and row is not None:
            lines.append(f"row {row}: {check}")
        elif pd.notna(column) and column in raw and row is not None:
            value: Any = raw.at[int(str(index)), column]
            text = "(blank)" if pd.isna(value) else repr(str(value))
            lines.append(f"row {row}, column {column}: {text} {_why(check)}")
        elif row is not None:
            lines.append(f"row {row}: {check}")
        else:
            lines.append(check)
    shown = list(dict.fromkeys(lines))
    more = f"; and {len(shown) - _MAX_PROBLEMS} more" if len(shown) > _MAX_PROBLEMS else ""
    return "the counts cannot be used: " + "; ".join(shown[:_MAX_PROBLEMS]) + more + "."


def _why(check: str) -> str:
    if check.startswith("isin"):
        return "is not one of the measures"
    if "not_nullable" in check or "nullable" in check:
        return "is blank or not readable"
    if "str_length" in check:
        return "is empty"
    return check if check and not check.startswith(("dtype", "<")) else "is not readable"
