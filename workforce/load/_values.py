"""Parsing typed values (text, numbers, dates) out of spreadsheet cells.

Cells arrive as text (see :mod:`workforce.load._read`) or, from parquet, already
typed.  Each parser returns the typed values and a mask of the cells that held
something that could not be read, so the loader can report them.  Values are
parsed once per distinct cell text.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["parse_text", "parse_number", "parse_integer", "parse_date", "EXCEL_EPOCH"]

#: Day zero of Excel's (1900) date system, allowing for its 1900 leap-year bug.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%d/%m/%y", "%Y/%m/%d")
_SERIAL = re.compile(r"^\d{1,6}(\.0+)?$")
_SPACE = re.compile(r"\s+")


def _blank(raw: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(raw) or raw.dtype == object:
        return raw.isna() | raw.astype("str").str.strip().eq("")
    return raw.isna()


def parse_text(raw: pd.Series) -> pd.Series:
    """Cell text with spaces tidied, as a categorical; blank cells become missing.

    Examples
    --------
    >>> parse_text(pd.Series(["  Staff  Nurse ", "Staff Nurse", "", None])).tolist()
    ['Staff Nurse', 'Staff Nurse', nan, nan]
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    cleaned = pd.Series(uniques, dtype="object").astype("str").str.replace(r"\s+", " ", regex=True).str.strip()
    # two spellings may tidy to the same text: number the tidied values afresh
    new_codes, categories = pd.factorize(cleaned.where(cleaned.ne("")), use_na_sentinel=True)
    take = np.append(new_codes, -1)[codes]
    return pd.Series(pd.Categorical.from_codes(take, categories=pd.Index(categories, dtype="str")), index=raw.index)


def parse_number(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as float; returns ``(values, unreadable)``.

    Examples
    --------
    >>> values, bad = parse_number(pd.Series(["0.8", "1", "full time", None]))
    >>> values.tolist()[:2], bad.tolist()
    ([0.8, 1.0], [False, False, True, False])
    """
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.astype("float64")
        return values, pd.Series(False, index=raw.index)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    text = pd.Series(uniques, dtype="object").astype("str").str.strip().str.replace(",", "", regex=False)
    parsed = pd.to_numeric(text.where(text.ne("")), errors="coerce").to_numpy(dtype="float64")
    blank = np.append(text.eq("").to_numpy(), True)[codes]
    values = pd.Series(np.append(parsed, np.nan)[codes], index=raw.index)
    bad = pd.Series(np.isnan(values.to_numpy()) & ~blank, index=raw.index)
    return values, bad


def parse_integer(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers as nullable ``Int64``; a fraction is unreadable.

    Examples
    --------
    >>> values, bad = parse_integer(pd.Series(["45", "45.0", "45.5", "forty"]))
    >>> values.tolist(), bad.tolist()
    ([45, 45, <NA>, <NA>], [False, False, True, True])
    """
    values, bad = parse_number(raw)
    fractional = values.notna() & (values != np.floor(values.fillna(0)))
    values = values.where(~fractional)
    return values.round().astype("Int64"), bad | fractional


def parse_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from real dates, Excel serial numbers or day-first text.

    Text is read as ISO (``2024-03-31``) or UK day-first (``31/03/2024``,
    ``31-Mar-2024``, ``31 March 2024``); never month-first.  A date that does
    not exist (``31/02/1980``) is unreadable.

    Examples
    --------
    >>> values, bad = parse_date(pd.Series(["2024-03-31 00:00:00", "45382", "31/03/2024", "31/02/1980"]))
    >>> [str(v.date()) if pd.notna(v) else None for v in values], bad.tolist()
    (['2024-03-31', '2024-03-31', '2024-03-31', None], [False, False, False, True])
    """
    if pd.api.types.is_datetime64_any_dtype(raw):
        values = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
        return values.astype("datetime64[ns]"), pd.Series(False, index=raw.index)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    text = pd.Series(uniques, dtype="object").astype("str").str.strip()
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    serial = text.str.match(_SERIAL)
    if serial.any():
        days = pd.to_numeric(text[serial], errors="coerce")
        ok = days.between(1, 2_958_465)
        parsed[serial & ok.reindex(text.index, fill_value=False)] = EXCEL_EPOCH + pd.to_timedelta(days[ok], unit="D")
    rest = parsed.isna() & ~serial
    if rest.any():
        parsed[rest] = pd.to_datetime(text[rest], format="ISO8601", errors="coerce")
    for fmt in _DATE_FORMATS:
        rest = parsed.isna() & ~serial
        if not rest.any():
            break
        parsed[rest] = pd.to_datetime(text[rest], format=fmt, errors="coerce")
    values = pd.Series(np.append(parsed.to_numpy(), np.datetime64("NaT"))[codes], index=raw.index,
                       dtype="datetime64[ns]")
    blank = _blank(raw)
    bad = values.isna() & ~blank
    return values, bad
