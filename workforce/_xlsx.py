"""An Excel workbook of tables, written directly as the XML that openpyxl writes.

The board pack's workbook holds every table behind its charts: about 13,000
cells for a large trust.  openpyxl's streaming writer spends about 18 µs on a
cell; writing the same XML here spends about 5 µs, compression included.  The
file is the one openpyxl would write (the same parts, styles and theme,
strings inline), with two things added: each column is as wide as its longest
value (within limits) and dates have a date format.

What a cell holds:

* text is stored as text (an inline string), so no cell can be read as a
  formula, whatever it starts with; characters that XML cannot hold (control
  characters other than tab, line feed and carriage return) are dropped;
* numbers as numbers, true/false as booleans, dates and times as Excel dates;
* a missing value, and a number that is not finite (Excel has none), as an
  empty cell;
* anything else (a list, say) as its text.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from ._resources import resource
from ._version import __version__

__all__ = ["cell_value", "write_xlsx"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_HEADER, _DATE, _DATETIME = 1, 2, 3          # cell styles (cellXfs) below; 0 is the default
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
    '<scheme val="minor"/></font><font><b val="1"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    r"""Write each table as a sheet (column names in bold, the first row frozen).

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file to write.
    sheets : dict of str to pandas.DataFrame
        Sheet name (at most 31 characters, none of ``[]:*?/\``, as Excel
        requires) to table, in order.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> path = Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> write_xlsx(path, {"staff": pd.DataFrame({"group": ["=A1", "B"], "n": pd.array([12, None], dtype="Int64")})})
    >>> [[c.value for c in row] for row in openpyxl.load_workbook(path)["staff"].iter_rows()]
    [['group', 'n'], ['=A1', 12], ['B', None]]
    """
    names = list(sheets)
    bad = [n for n in names if not n or len(n) > 31 or re.search(r"[\[\]:*?/\\]", n)]
    if bad or len({n.lower() for n in names}) < len(names):
        raise ValueError(f"sheet names must be unique, 1 to 31 characters and without []:*?/\\: {bad or names}")
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _content_types(len(names)))
        book.writestr("_rels/.rels", _relationships([
            ("officeDocument/2006/relationships/officeDocument", "xl/workbook.xml"),
            ("package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
            ("officeDocument/2006/relationships/extended-properties", "docProps/app.xml")]))
        book.writestr("docProps/app.xml", '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                      f'2006/extended-properties"><Application>workforce {__version__}</Application></Properties>')
        book.writestr("docProps/core.xml", (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>workforce</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'))
        book.writestr("xl/workbook.xml", (
            f'<workbook xmlns:r="{_DOC}" xmlns="{_MAIN}"><workbookPr/><bookViews><workbookView activeTab="0"/>'
            "</bookViews><sheets>"
            + "".join(f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, n in enumerate(names, start=1))
            + '</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'))
        count = len(names)
        book.writestr("xl/_rels/workbook.xml.rels", _relationships(
            [("officeDocument/2006/relationships/worksheet", f"/xl/worksheets/sheet{i}.xml")
             for i in range(1, count + 1)]
            + [("officeDocument/2006/relationships/styles", "styles.xml"),
               ("officeDocument/2006/relationships/theme", "theme/theme1.xml")]))
        book.writestr("xl/styles.xml", _STYLES)
        book.writestr("xl/theme/theme1.xml", _theme())
        for i, table in enumerate(sheets.values(), start=1):
            book.writestr(f"xl/worksheets/sheet{i}.xml", _sheet(table))


def _content_types(sheets: int) -> str:
    parts = [("/xl/workbook.xml", f"{_TYPE}.spreadsheetml.sheet.main+xml"),
             ("/xl/styles.xml", f"{_TYPE}.spreadsheetml.styles+xml"),
             ("/xl/theme/theme1.xml", f"{_TYPE}.theme+xml"),
             ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
             ("/docProps/app.xml", f"{_TYPE}.extended-properties+xml")]
    parts += [(f"/xl/worksheets/sheet{i}.xml", f"{_TYPE}.spreadsheetml.worksheet+xml") for i in range(1, sheets + 1)]
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in parts) + "</Types>")


def _relationships(targets: list[tuple[str, str]]) -> str:
    return (f'<Relationships xmlns="{_RELS}">'
            + "".join(f'<Relationship Type="http://schemas.openxmlformats.org/{kind}" Target="{target}" '
                      f'Id="rId{i}"/>' for i, (kind, target) in enumerate(targets, start=1))
            + "</Relationships>")


def _column_letters(n: int) -> list[str]:
    letters = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _sheet(table: pd.DataFrame) -> str:
    letters = _column_letters(len(table.columns))
    widths = [len(str(c)) for c in table.columns]
    rows = [_row(1, letters, [str(c) for c in table.columns], widths, style=_HEADER)]
    for number, values in enumerate(table.itertuples(index=False, name=None), start=2):
        rows.append(_row(number, letters, values, widths))
    cols = "".join(f'<col min="{i}" max="{i}" width="{min(60, max(9, w + 2))}" customWidth="1"/>'
                   for i, w in enumerate(widths, start=1))
    cols = f"<cols>{cols}</cols>" if cols else ""
    return (f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>{"".join(rows)}</sheetData>'
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>')


def _row(number: int, letters: list[str], values: Iterable[Any], widths: list[int], style: int = 0) -> str:
    """One ``<row>``; ``widths`` grows to the longest value seen in each column."""
    s = f' s="{style}"' if style else ""
    cells = []
    for i, (letter, raw) in enumerate(zip(letters, values)):
        value = cell_value(raw)
        if value is None:
            continue
        ref = f"{letter}{number}"
        if isinstance(value, bool):
            cells.append(f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>')
            width = 5
        elif isinstance(value, (int, float)):
            if not math.isfinite(value):
                continue
            text = repr(value)
            cells.append(f'<c r="{ref}"{s} t="n"><v>{text}</v></c>')
            width = min(len(text), 12)   # Excel shows about 11 significant digits
        elif isinstance(value, dt.datetime):
            midnight = value.time() == dt.time(0)
            days = (value.replace(tzinfo=None) - _EXCEL_EPOCH) / dt.timedelta(days=1)
            cells.append(f'<c r="{ref}" s="{_DATE if midnight else _DATETIME}" t="n"><v>{days!r}</v></c>')
            width = 10 if midnight else 19
        else:
            text = _NOT_XML.sub("", str(value))
            space = ' xml:space="preserve"' if text != text.strip() else ""
            cells.append(f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>')
            width = max(map(len, text.splitlines() or [""]))
        widths[i] = max(widths[i], width)
    return f'<row r="{number}">{"".join(cells)}</row>'


def cell_value(value: Any) -> Any:
    """A table value as a plain Python value (None when missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (bool, int, float, str, dt.datetime)):
        return value
    return str(value)


@functools.cache
def _theme() -> str:
    """The workbook's theme: Office's default, as openpyxl writes it (``workforce/data/office_theme.xml``).

    Shipped as a file so that writing a workbook needs no openpyxl (importing it, with Pillow and lxml,
    cost the board pack about 0.2 s of CPU); ``tests/test_workbook.py`` checks that it is still openpyxl's
    ``theme_xml``.  Its source and licence (MIT) are in ``workforce/data/SOURCES.md``.
    """
    return resource("data", "office_theme.xml").read_text(encoding="utf-8")
