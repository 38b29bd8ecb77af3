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

from ..codes import distinct
from . import _fast

__all__ = ["distinct", "parse_text", "parse_number", "parse_integer", "parse_date", "decimal_mark", "EXCEL_EPOCH"]

#: Day zero of Excel's (1900) date system, allowing for its 1900 leap-year bug.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%d/%m/%y", "%Y/%m/%d")
_SERIAL = re.compile(r"^\d{1,6}(\.0+)?$")
_LAST_SERIAL = (pd.Timestamp.max.date() - EXCEL_EPOCH.date()).days - 1  # 10 April 2262: pandas holds no later day
_SPACE = re.compile(r"\s+")
# Numbers as written with each decimal mark.  "1,000" and "1.000" are the ambiguous ones: a thousand with one
# mark, one with the other.
_POINT_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?\.\d+$")  # 0.8, 37.5, 1,000.5 (and 1.000)
_COMMA_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)?,\d+$")  # 0,8, 37,5, 1.000,5 (and 1,000)
_POINT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")  # 1.000: a thousand, or one
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")  # 1,000: a thousand, or one
#: A number with each decimal mark, and its thousands grouped by the other mark (the groups are taken out).
_NUMBER = {".": (re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][+-]?\d+)?$"), ","),
           ",": (re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d*)(,\d*)?([eE][+-]?\d+)?$"), ".")}


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


def decimal_mark(columns: list[pd.Series], hint: str | None = None) -> str:
    """The decimal mark of a file's numbers: "." or ",", decided once for the whole file.

    A number that can only be written with a decimal comma (``0,8``, ``37,5``, ``1.000,5``) is evidence for
    the comma, one that can only be written with a decimal point (``0.8``, ``1,000.5``) for the point;
    ``1,000`` is ambiguous (a thousand, or one).  ``hint`` is what the file's format suggests: "," for a
    semicolon-delimited CSV, as Excel writes in European locales.

    * With the comma as the hint, the comma, unless the numbers show only decimal points.
    * Otherwise the point, unless the numbers show decimal commas, and no decimal points and no ``1,000``.

    Values that do not fit the mark chosen (``0,8`` among thousands commas) are reported, never guessed.

    Examples
    --------
    >>> decimal_mark([pd.Series(["0,8", "1"])]), decimal_mark([pd.Series(["0,8", "1,000"])])
    (',', '.')
    >>> decimal_mark([pd.Series(["1,000"])], hint=","), decimal_mark([pd.Series(["0.8"])], hint=",")
    (',', '.')
    """
    texts = pd.Series(pd.unique(pd.concat([distinct(c)[1].dropna().astype("object").astype("str") for c in columns
                                           if not pd.api.types.is_numeric_dtype(c)] or [pd.Series([], dtype="str")])))
    texts = texts.str.strip()
    thousands = {",": texts.str.match(_COMMA_THOUSANDS), ".": texts.str.match(_POINT_THOUSANDS)}
    has = {"comma": bool((texts.str.match(_COMMA_DECIMAL) & ~thousands[","]).any()),
           "point": bool((texts.str.match(_POINT_DECIMAL) & ~thousands["."]).any()),
           "thousands": bool(thousands[","].any())}
    if hint == ",":
        return "." if has["point"] and not has["comma"] else ","
    return "," if has["comma"] and not has["point"] and not has["thousands"] else "."


def parse_number(raw: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Numbers as float; returns ``(values, unreadable)``.

    ``decimal`` is the file's decimal mark (see :func:`decimal_mark`); thousands may be grouped by the other
    mark (``1,000.5``; ``1.000,5``).  A number written with the other mark as its decimal (``0,8`` when the
    mark is the point) is unreadable.

    Examples
    --------
    >>> values, bad = parse_number(pd.Series(["0.8", "1", "1,000", "0,8", "full time", None]))
    >>> values.tolist()[:3], bad.tolist()
    ([0.8, 1.0, 1000.0], [False, False, False, True, True, False])
    >>> parse_number(pd.Series(["0,8", "1.000,5"]), decimal=",")[0].tolist()
    [0.8, 1000.5]
    """
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.astype("float64")
        return values, pd.Series(False, index=raw.index)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    text = pd.Series(uniques, dtype="object").astype("str").str.strip()
    form, grouping = _NUMBER[decimal]
    marked = text.str.contains(r"[.,]", regex=True)
    plain = text.str.replace(grouping, "", regex=False).str.replace(",", ".", regex=False)
    # a number not written with the file's marks ("0,8" among decimal points) is unreadable, not guessed
    number = text.where(~marked, plain.where(text.str.match(form)))
    parsed = pd.to_numeric(number.where(number.ne("")), errors="coerce").to_numpy(dtype="float64")
    blank = np.append(text.eq("").to_numpy(), True)[codes]
    values = pd.Series(np.append(parsed, np.nan)[codes], index=raw.index)
    bad = pd.Series(np.isnan(values.to_numpy()) & ~blank, index=raw.index)
    return values, bad


def parse_integer(raw: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Whole numbers as nullable ``Int64``; a fraction is unreadable.

    Examples
    --------
    >>> values, bad = parse_integer(pd.Series(["45", "45.0", "45.5", "forty"]))
    >>> values.tolist(), bad.tolist()
    ([45, 45, <NA>, <NA>], [False, False, True, True])
    """
    values, bad = parse_number(raw, decimal)
    fractional = values.notna() & (values != np.floor(values.fillna(0)))
    values = values.where(~fractional)
    return values.round().astype("Int64"), bad | fractional


def _held(dates: pd.Series) -> pd.Series:
    """Dates pandas can hold (1677 to 2262); others, as 0001-01-01 or ESR's 9999-12-31, are unreadable."""
    held = dates.notna() & (dates >= pd.Timestamp.min) & (dates <= pd.Timestamp.max)
    return dates.where(held).astype("datetime64[ns]")


def _formats_in_use(text: pd.Series) -> list[str]:
    """ISO and the day-first formats, those that read most of a sample of ``text`` first.

    No text reads as a date in two of the formats, so the order changes only how soon the work is done.
    """
    formats = ["ISO8601", *_DATE_FORMATS]
    sample = text.iloc[:: max(1, len(text) // 40)]
    if not len(sample):
        return formats
    read = [int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum()) for f in formats]
    return [f for _, f in sorted(zip(read, formats), key=lambda pair: -pair[0])]


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
    codes, uniques = distinct(raw)
    dates = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[ns]")
    blank = np.zeros(len(uniques), dtype=bool)
    fixed = _fixed_form_dates(uniques, dates) if _fast.ENABLED else np.zeros(len(uniques), dtype=bool)
    if _fast.ENABLED and 0 < (~fixed).sum() <= _FEW:   # a CSV column's own header among its values, say
        fixed[~fixed] = [_no_date(v) for v in uniques[~fixed].tolist()]
    if not fixed.all():   # the usual export has one form of date: then nothing is left for the general way
        rest = np.flatnonzero(~fixed)
        dates[rest], blank[rest] = _text_dates(uniques.iloc[rest])
    values = pd.Series(np.append(dates, np.datetime64("NaT"))[codes], index=raw.index, dtype="datetime64[ns]")
    blank = np.append(blank, True)[codes]   # missing, or only spaces
    bad = values.isna() & ~blank
    return values, bad


def _text_dates(uniques: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The date each distinct text gives (NaT: none), and whether it is blank: the general way, every form tried."""
    text = uniques.astype("object").astype("str").str.strip()
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    serial = text.str.match(_SERIAL)
    if serial.any():
        days = pd.to_numeric(text[serial], errors="coerce")
        ok = days.between(1, _LAST_SERIAL)
        parsed[serial & ok.reindex(text.index, fill_value=False)] = EXCEL_EPOCH + pd.to_timedelta(days[ok], unit="D")
    for fmt in _formats_in_use(text[parsed.isna() & ~serial]):
        rest = parsed.isna() & ~serial
        if not rest.any():
            break
        parsed[rest] = _held(pd.to_datetime(text[rest], format=fmt, errors="coerce"))
    return parsed.to_numpy(dtype="datetime64[ns]"), text.eq("").to_numpy(dtype=bool)


_FEW = 1000   # texts left by the fixed forms that are looked at one by one for words


def _no_date(value: object) -> bool:
    """Whether a text is words, with no digit: no form reads it as a date (pandas reads "now" and "today")."""
    if not isinstance(value, str) or not any(ch.isalpha() for ch in value) or any(ch.isdigit() for ch in value):
        return False
    low = value.casefold()
    return "now" not in low and "today" not in low


#: Dates written in one fixed form, as exports write them: ISO (also with a midnight time, as a spreadsheet's
#: date cell reads as text) and UK day-first with a two-digit day and month.  Each form: its characters ("9" a
#: digit) and where its year, month and day start.
_FIXED_FORMS = (("9999-99-99", (0, 5, 8)), ("9999-99-99 00:00:00", (0, 5, 8)), ("99/99/9999", (6, 3, 0)))
#: The first and last days pandas holds (its limits fall inside 21 September 1677 and 11 April 2262).
_FIRST_DAY, _LAST_DAY = np.datetime64("1677-09-22"), np.datetime64("2262-04-11")


def _fixed_form_dates(uniques: pd.Series, dates: np.ndarray) -> np.ndarray:
    """Read the distinct texts written in one fixed form of date into ``dates``; which ones were.

    A shortcut of :func:`_text_dates`, giving the same dates (and NaT for a day that does not exist or that
    pandas cannot hold): each form is read from its characters' positions, all values at once, instead of
    by formats tried in turn.  Texts of other forms (spaces around a date, another form, the header's own
    text) are left for the general way.
    """
    import pyarrow as pa

    done = np.zeros(len(uniques), dtype=bool)
    if not len(uniques) or not (pd.api.types.is_string_dtype(uniques.dtype) or uniques.dtype == object):
        return done
    try:
        text = pa.array(uniques, type=pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return done
    _validity, offsets, data = text.buffers()
    starts = np.frombuffer(offsets, dtype=np.int64, count=len(text) + 1, offset=text.offset * 8)   # and the last end
    length = np.diff(starts)
    if text.null_count:
        length[~text.is_valid().to_numpy(zero_copy_only=False)] = -1
    cells = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    for form, (year, month, day) in _FIXED_FORMS:
        rows = np.flatnonzero(length == len(form))
        if not rows.size:
            continue
        chars = cells[starts[rows][:, None] + np.arange(len(form))]   # one row of bytes per text
        pattern = np.frombuffer(form.encode(), dtype=np.uint8)
        digit = pattern == ord("9")
        shaped = ((chars[:, ~digit] == pattern[~digit]).all(axis=1)
                  & ((chars[:, digit] >= ord("0")) & (chars[:, digit] <= ord("9"))).all(axis=1))
        rows, chars = rows[shaped], chars[shaped].astype(np.int64) - ord("0")

        def number(start: int, width: int, chars: np.ndarray = chars) -> np.ndarray:
            return chars[:, start:start + width] @ (10 ** np.arange(width - 1, -1, -1))

        y, m, d = number(year, 4), number(month, 2), number(day, 2)
        first = (y - 1970).astype("datetime64[Y]").astype("datetime64[M]") + np.clip(m - 1, 0, 11)
        when = first.astype("datetime64[D]") + (np.clip(d, 1, 31) - 1)
        real = (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (when.astype("datetime64[M]") == first)   # no 31 June
        held = real & (when >= _FIRST_DAY) & (when <= _LAST_DAY)
        dates[rows] = np.where(held, when, np.datetime64("NaT")).astype("datetime64[ns]")
        done[rows] = True
    return done
