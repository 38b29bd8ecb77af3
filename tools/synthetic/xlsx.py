"""Write FICTIONAL staff-in-post exports as ESR-shaped Excel workbooks.

The frames come from :mod:`tools.synthetic.people` (every person in them is
made up); this module only lays them out the way a real ESR report export
looks, so that the readers have realistic files to open:

:func:`write_esr_xlsx`
    Title rows merged across the table, a blank row, the header, the data
    (optionally with blank spacer rows), a totals row and optional notes
    sheets.  Returns an :class:`ExportLayout` saying where the header is.
:func:`save_workbook_fixed`
    Saves any openpyxl workbook with one shared-string table, as Excel
    does, and with fixed timestamps, so reruns give byte-identical files.
:func:`excel_column`
    Excel column letters of a 0-based column index.

Development tooling, not part of the installed package: :mod:`tools.synthetic.sample_data`,
the benchmarks and the tests use it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from workforce.load import excel_column

__all__ = [
    "FIXED_TIMESTAMP",
    "ExportLayout",
    "excel_column",
    "save_workbook_fixed",
    "write_esr_xlsx",
]


@dataclass(frozen=True)
class ExportLayout:
    """Where things are in a workbook written by :func:`write_esr_xlsx`.

    Attributes
    ----------
    sheet : str
        Name of the staff sheet.
    header_row : int
        0-based index of the header row on that sheet (``header_row`` of
        ``fastexcel``, ``header`` of :func:`pandas.read_excel`).
    first_data_row : int
        1-based Excel row number of the first data row.
    n_rows : int
        Data rows written (blank spacer rows and the totals row excluded).
    """

    sheet: str
    header_row: int
    first_data_row: int
    n_rows: int


_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
#: Fixed creation time written into workbooks, so reruns give identical files.
FIXED_TIMESTAMP = datetime(2025, 4, 1, 9, 0, 0)


def _cells(frame: pd.DataFrame, dates_as: str, ws) -> list[list]:
    """Column-wise Python values ready for openpyxl (None for blanks)."""
    from openpyxl.cell import WriteOnlyCell

    columns = []
    for name in frame.columns:
        s = frame[name]
        missing = s.isna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(s):
            days = s.to_numpy().astype("datetime64[D]")
            if dates_as == "serial":
                values = (days - _EXCEL_EPOCH).astype(np.int64).tolist()
            elif dates_as == "text":
                values = pd.Series(days).dt.strftime("%d/%m/%Y").tolist()
            else:
                values = []
                for d in days.tolist():
                    cell = WriteOnlyCell(ws, value=d)
                    cell.number_format = "DD/MM/YYYY"
                    values.append(cell)
        else:
            values = s.astype(object).tolist()
        if missing.any():
            values = [None if m else v for v, m in zip(values, missing)]
        columns.append(values)
    return columns


def write_esr_xlsx(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    sheet_name: str = "Staff in Post",
    title_rows: Sequence[str] | None = None,
    as_at: date | None = None,
    dates_as: Literal["serial", "text", "date"] = "serial",
    blank_rows_every: int | None = None,
    totals_row: bool = True,
    extra_sheets: Sequence[str] = ("Notes",),
    extra_sheets_first: bool = False,
    merged_title: bool = True,
    wte_column: str = "Contracted WTE",
) -> ExportLayout:
    """Write a frame as an xlsx shaped like a real ESR report export.

    The staff sheet has title rows (merged across the table), a blank row, the
    header row, the data (optionally with a fully blank row every
    ``blank_rows_every`` rows) and a totals row.  Written in openpyxl
    write-only mode, so 100,000 rows take seconds; the merged title cells are
    added to the write-only sheet directly.  File timestamps are fixed, so the
    same frame always gives a byte-identical file.

    Parameters
    ----------
    frame : pandas.DataFrame
        The export, e.g. from :func:`tools.synthetic.people.generate_trust`.
    path : str or pathlib.Path
        Where to write the ``.xlsx``.
    sheet_name : str
        Name of the staff sheet.
    title_rows : sequence of str, optional
        Lines above the header.  Default: "Staff in Post", "As at dd/mm/yyyy"
        (when ``as_at`` is given) and "Organisation: ..." (from the
        Organisation column).  Pass ``()`` for a bare header in row 1.
    as_at : datetime.date, optional
        Census date shown in the default title.
    dates_as : {"serial", "text", "date"}
        Datetime columns as Excel serial numbers (plain numbers, as some BI
        tools export them), as "dd/mm/yyyy" text, or as real Excel dates.
    blank_rows_every : int, optional
        Insert a fully blank row after every this many data rows.
    totals_row : bool
        Finish with a row holding "Total" in column A and the sum of
        ``wte_column`` (a value, not a formula) under that column.
    extra_sheets : sequence of str
        Names of extra sheets holding a few lines of notes.
    extra_sheets_first : bool
        Put the extra sheets before the staff sheet, so a reader cannot
        simply take the first sheet.
    merged_title : bool
        Merge each title row across the width of the table.
    wte_column : str
        Column summed in the totals row.

    Returns
    -------
    ExportLayout
        Sheet name and header position, for readers that need them.
    """
    from openpyxl import Workbook

    if dates_as not in ("serial", "text", "date"):
        raise ValueError(f"dates_as must be 'serial', 'text' or 'date', got {dates_as!r}")
    path = Path(path)
    if title_rows is None:
        org = frame["Organisation"].dropna().iloc[0] if "Organisation" in frame and len(frame) else None
        title_rows = ["Staff in Post"]
        if as_at is not None:
            title_rows.append(f"As at {as_at:%d/%m/%Y}")
        if org:
            title_rows.append(f"Organisation: {org}")
    width = len(frame.columns)
    wb = Workbook(write_only=True)
    wb.properties.creator = "workforce synthetic data (fictional)"
    wb.properties.created = wb.properties.modified = FIXED_TIMESTAMP

    def notes() -> None:
        for name in extra_sheets:
            ns = wb.create_sheet(name)
            for line in _NOTES:
                ns.append([line])

    if extra_sheets_first:
        notes()
    ws = wb.create_sheet(sheet_name)
    row = 0
    for text in title_rows:
        ws.append([text])
        row += 1
        if merged_title and width > 1:
            ws.merged_cells.add(f"A{row}:{excel_column(width - 1)}{row}")
    if title_rows:
        ws.append([])
        row += 1
    header_row = row
    ws.append(list(frame.columns))
    row += 1
    first_data_row = row + 1
    columns = _cells(frame, dates_as, ws)
    for i, values in enumerate(zip(*columns), start=1):
        ws.append(values)
        if blank_rows_every and i % blank_rows_every == 0 and i < len(frame):
            ws.append([])
    if totals_row:
        total = [None] * width
        total[0] = "Total"
        if wte_column in frame.columns:
            wte = pd.to_numeric(frame[wte_column], errors="coerce")
            total[frame.columns.get_loc(wte_column)] = round(float(wte.sum()), 2)
        ws.append(total)
    if not extra_sheets_first:
        notes()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook_fixed(wb, path)
    return ExportLayout(sheet=sheet_name, header_row=header_row, first_data_row=first_data_row, n_rows=len(frame))


# lines of each notes sheet (they are in the shipped sample files: change them and those change too;
# so the generator's old module name, workforce._synthetic, stays in them)
_NOTES = (
    "Report: Staff in Post (assignment level)",
    "All people in this file are fictional: generated by workforce._synthetic, not taken from ESR.",
    "Includes substantive, fixed-term, bank and honorary assignments.",
    "Primary Assignment = Yes marks each person's main assignment.",
)


def save_workbook_fixed(wb, path: str | Path) -> None:
    """Save an openpyxl workbook compactly, with fixed timestamps.

    openpyxl writes every text cell as an inline string and stamps the save
    time into the file.  This saves through openpyxl, then rewrites the
    package the way Excel itself stores text: one shared-string table
    (``xl/sharedStrings.xml``), which makes the file several times smaller.
    Zip entries are dated ``FIXED_TIMESTAMP`` and merged ranges are sorted,
    so the same workbook always gives a byte-identical file.

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook (normal or write-only), with ``properties.created`` and
        ``properties.modified`` already set.
    path : str or pathlib.Path
        Target file.
    """
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(buffer) as src:
        parts = {info.filename: src.read(info.filename) for info in src.infolist()}
    strings: dict[bytes, int] = {}

    def share(match: re.Match) -> bytes:
        index = strings.setdefault(match[3], len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match[1], match[2], index)

    for name in list(parts):
        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            xml = _INLINE.sub(share, parts[name])
            parts[name] = _MERGES.sub(lambda m: b"".join(sorted(_MERGE.findall(m[0]))), xml)
    if strings:
        items = b"".join(b"<si>%s</si>" % t for t in strings)
        parts["xl/sharedStrings.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">%s</sst>'
            % (len(strings), items)
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
            b' Target="sharedStrings.xml" Id="rIdSharedStrings"/></Relationships>',
        )
    stamp = FIXED_TIMESTAMP.timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data, compresslevel=9)


_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is>(<t(?: [^>]*)?>.*?</t>)</is></c>')
_MERGES = re.compile(rb"(?:<mergeCell [^>]*/>)+")
_MERGE = re.compile(rb"<mergeCell [^>]*/>")
