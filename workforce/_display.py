"""How figures are shown to people: one place for the notebook views (and the pack's board tables).

Pure functions, from values to text: a share as a percentage to one decimal
place, a p-value below 0.001 as "<0.001", an interval as "1.23 to 2.86", a
count with thousands separators, and a missing value of any kind (``None``,
``nan``, ``pd.NA``, ``NaT``) as a blank, so that a table never shows ``NaN``
beside ``<NA>``.  :func:`format_column` picks the format of a result's column
from its name and dtype (:func:`unit_of`); :func:`html_table` writes text
cells as a small HTML table, every cell escaped.

Examples
--------
>>> percent(0.02498), p_value(6.475e-279), interval(1.2278, 2.8631), count(5805), percent(float("nan"))
('2.5%', '<0.001', '1.23 to 2.86', '5,805', '')
>>> format_column("staff_share", [0.62, None], unit_of("staff_share", "float64"))
['62.0%', '']
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["missing", "percent", "ratio", "points", "interval", "p_value", "count", "text", "sentence", "day",
           "UNITS", "unit_of", "format_column", "html_table"]

#: The units :func:`format_column` knows, and how each is shown.
UNITS = {
    "percent": "a proportion (0 to 1) as a percentage to one decimal place: 0.02498 is 2.5%",
    "p-value": "two significant figures, or <0.001",
    "count": "a whole number with thousands separators: 5,805",
    "ratio": "two decimal places: 1.88",
    "points": "one decimal place (percentage points): -18.3",
    "text": "as it is",
}


def missing(value: Any) -> bool:
    """Whether a value is missing: ``None``, ``nan``, ``pd.NA`` or ``NaT``.

    >>> missing(None), missing(float("nan")), missing(0), missing("")
    (True, True, False, False)
    """
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)   # nan is not equal to itself
    except (TypeError, ValueError):   # an array, or a value that cannot be compared
        return False


def percent(value: Any, digits: int = 1) -> str:
    """A proportion (0 to 1) as a percentage to one decimal place; blank when missing.

    >>> percent(0.02498), percent(1), percent(None), percent(0.5, digits=0)
    ('2.5%', '100.0%', '', '50%')
    """
    return "" if missing(value) else f"{float(value) * 100:.{digits}f}%"


def ratio(value: Any) -> str:
    """A ratio or relative likelihood to two decimal places; blank when missing.

    >>> ratio(1.875), ratio(float("nan"))
    ('1.88', '')
    """
    return "" if missing(value) else f"{float(value):.2f}"


def points(value: Any) -> str:
    """A difference in percentage points to one decimal place; blank when missing.

    >>> points(-18.2557), points(None)
    ('-18.3', '')
    """
    return "" if missing(value) else f"{float(value):.1f}"


def interval(low: Any, high: Any, show: Callable[[Any], str] = ratio) -> str:
    """An interval as "low to high"; blank when either end is missing.

    >>> interval(0.21, 0.232, percent), interval(1.2278, 2.8631), interval(1.1, None)
    ('21.0% to 23.2%', '1.23 to 2.86', '')
    """
    return "" if missing(low) or missing(high) else f"{show(low)} to {show(high)}"


def p_value(value: Any) -> str:
    """A p-value as a board reads it: "<0.001" below 0.001, else two significant figures.

    >>> p_value(6.475e-279), p_value(0.0123), p_value(0.5), p_value(None)
    ('<0.001', '0.012', '0.50', '')
    """
    if missing(value):
        return ""
    value = float(value)
    return "<0.001" if value < 0.001 else f"{value:#.2g}"


def count(value: Any) -> str:
    """A count with thousands separators; blank when missing.

    >>> count(5805), count(None)
    ('5,805', '')
    """
    return "" if missing(value) else f"{int(value):,}"


def text(value: Any) -> str:
    """Any other value as text; a date as its ISO date, blank when missing.

    >>> import datetime as dt
    >>> text("White"), text(dt.datetime(2025, 3, 31)), text(True), text(None)
    ('White', '2025-03-31', 'True', '')
    """
    if missing(value):
        return ""
    if hasattr(value, "date") and callable(value.date) and getattr(value, "hour", 0) == 0 == getattr(value, "minute", 0):
        return value.date().isoformat()
    return str(value)


def sentence(words: str) -> str:
    """``words`` as a sentence: a capital first, a full stop last (unless it ends in one already).

    >>> sentence("a note"), sentence("Is it? "), sentence("done.")
    ('A note.', 'Is it?', 'Done.')
    """
    words = words.strip()
    return words[:1].upper() + words[1:] + ("" if words.endswith((".", "?", "!")) else ".")


def day(value: Any) -> str:
    """A date as a board reads it ("31 March 2025"); the value as text when it is no date.

    >>> day("2025-03-31"), day("not a date")
    ('31 March 2025', 'not a date')
    """
    import pandas as pd  # pandas is loaded by then; this module stays light to import

    try:
        return f"{pd.Timestamp(value):%-d %B %Y}"
    except (TypeError, ValueError):
        return str(value)


_SHOW: dict[str, Callable[[Any], str]] = {"percent": percent, "p-value": p_value, "count": count, "ratio": ratio,
                                          "points": points, "text": text}
#: Float columns that hold a proportion, though their name says only the group (WRES and WDES figures).
_PROPORTIONS = ("white", "bme", "non_disabled", "disabled")


def unit_of(name: str, dtype: Any) -> str:
    """The unit a result's column is shown in, from its name and dtype (one of :data:`UNITS`).

    p-values by name (``p_value``, ``..._p_value``, ``p_adjusted``); whole numbers as counts; shares and rates
    (``share``, ``rate``, but not a relative likelihood ``..._rl``) as percentages; ``..._pp`` and the limits
    of a difference as points; other numbers as ratios; the rest as text.

    >>> unit_of("p_adjusted", "float64"), unit_of("staff_count", "Int64"), unit_of("promotion_rl", "float64")
    ('p-value', 'count', 'ratio')
    >>> unit_of("staff_share_ci_low", "float64"), unit_of("difference_ci_low", "float64"), unit_of("flag", "category")
    ('percent', 'points', 'text')
    """
    kind = str(dtype)
    if kind not in ("float64", "Float64", "float32", "int64", "Int64", "int32", "Int32"):
        return "text"
    if name.endswith("p_value") or name == "p_adjusted":
        return "p-value"
    if kind.lower().startswith("int"):
        return "count"
    words = name.split("_")
    if ("share" in words or "rate" in words or name in _PROPORTIONS) and "rl" not in words:
        return "percent"
    if "pp" in words or name.startswith("difference"):
        return "points"
    return "ratio"


def format_column(name: str, values: Iterable[Any], unit: str) -> list[str]:
    """A column's values as shown, in ``unit`` (one of :data:`UNITS`); blank where missing.

    A "percent" column with a value outside 0 to 1 (a WDES engagement score
    beside proportions) is shown as ratios instead, never as 650%.

    >>> format_column("p_value", [6.475e-279, 0.04, float("nan")], "p-value")
    ['<0.001', '0.040', '']
    >>> format_column("disabled", [0.21, 6.5], "percent")
    ['0.21', '6.50']
    """
    values = list(values)
    if unit not in _SHOW:
        raise ValueError(f"{name}: unit {unit!r} is not one of {sorted(_SHOW)}.")
    if unit == "percent" and any(not missing(v) and not 0 <= float(v) <= 1 for v in values):
        unit = "ratio"
    show = _SHOW[unit]
    return [show(v) for v in values]


def html_table(columns: Mapping[str, Sequence[str]], *, right: Iterable[str] = (), caption: str = "",
               more: int = 0) -> str:
    """Text cells as a small HTML table, every header and cell escaped.

    Parameters
    ----------
    columns : mapping
        Header -> the column's cells, already text (all of one length).
    right : iterable of str
        Headers of columns aligned right (numbers).
    caption : str
        A caption above the table.
    more : int
        Rows left out; when above 0, a last line says how many.

    >>> html_table({"group": ["A&B"], "n": ["5"]}, right=["n"])
    '<table><thead><tr><th>group</th><th style="text-align:right">n</th></tr></thead><tbody><tr><td>A&amp;B</td><td style="text-align:right">5</td></tr></tbody></table>'
    """
    right = set(right)
    style = {h: ' style="text-align:right"' if h in right else "" for h in columns}
    head = "".join(f"<th{style[h]}>{html.escape(str(h))}</th>" for h in columns)
    rows = zip(*columns.values()) if columns else iter(())
    body = "".join("<tr>" + "".join(f"<td{style[h]}>{html.escape(str(c))}</td>" for h, c in zip(columns, row))
                   + "</tr>" for row in rows)
    cap = f"<caption style=\"text-align:left\">{html.escape(caption)}</caption>" if caption else ""
    tail = (f"<tfoot><tr><td colspan=\"{len(columns)}\">... and {more:,} more row{'s' if more != 1 else ''}</td>"
            "</tr></tfoot>") if more > 0 else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{tail}</table>"

