"""Reading spreadsheets as HR teams export them.

Real exports have title and filter rows above the header, merged header cells,
blank rows, a totals row at the bottom and sometimes several sheets.  This
module finds the staff table in such a file and returns its data rows with
their headers as written and the row number each row has in Excel, so every
later problem can be reported where the user will look for it.

Excel files are read with ``fastexcel`` (the Rust calamine reader, returning
Arrow), which is many times faster than openpyxl; openpyxl (and xlrd for
``.xls``) remain as the fallback when fastexcel is not installed or cannot read
a file.  Every cell is read as text, so a date typed as text, a date stored as
an Excel serial number and a real date all reach the type parsers alike.
"""

from __future__ import annotations

import re
import warnings
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _early_read, _guard
from .._paths import EXCEL_SUFFIXES, SUFFIXES
from ..errors import AmbiguousSheetError, NoStaffTableError, UnusableFileError
from . import _fast
from ._csv import TOP_ROWS, read_csv_grid
from ._layout import tables_on_sheet
from ._report import ReaderNote
from ._schema import Schema, read_schema

__all__ = [
    "RawTable",
    "read_table",
    "excel_column",
    "EXCEL_SUFFIXES",
    "SUFFIXES",
    "map_headers",
    "KINDS",
    "guess_kind",
    "object_cells",
]

#: The Excel readers ``engine=`` may name (``"auto"``: fastexcel, with openpyxl as fallback).
Engine = Literal["auto", "fastexcel", "openpyxl"]

HEADER_SCAN_ROWS = TOP_ROWS  # how far down a sheet the header row may be (30 rows)
MIN_MATCHED_COLUMNS = 3  # a staff table's header matches at least this many columns
#: The kinds of input a file may hold, and the schema of each (staff first: it wins a tie).
KINDS = {"staff": "staff_in_post", "recruitment": "recruitment", "disciplinary": "disciplinary",
         "training": "training", "board": "board"}


@dataclass
class RawTable:
    """The data rows of one staff table, before any type parsing.

    Attributes
    ----------
    file, sheet : str
        Where the table was found (``sheet`` is ``None`` for CSV and parquet).
    frame : pandas.DataFrame
        The data rows, one column per header as written in the file.
    rows : numpy.ndarray
        The row number of each data row as the user sees it in Excel (or the
        line number of a CSV file).
    header_row : int or None
        The Excel row of the header (``None`` for parquet).
    mapping : dict
        Header as written -> schema column, for the headers the schema knows.
    ignored_headers : list of str
        Headers the schema does not know; their columns are not read further.
    title_text : list of str
        The text of the rows above the header (titles, filters, "as at" dates).
    decimal : str or None
        The decimal mark the file's format suggests ("," for a semicolon-delimited CSV), or ``None``; the
        numbers themselves decide when they are clear (see :func:`~workforce.load._values.decimal_mark`).
    notes : list of ReaderNote
        What the reader noticed (a CSV's encoding, stray quotes), for the file's report.
    header_rows : numpy.ndarray
        Positions in ``frame`` of the header rows of further tables on the sheet (see :mod:`._layout`).
    layout : str
        How a sheet holding several tables was read ("" for one table).
    above : dict
        Header -> the text of the cells above the data in its column (title rows and the header), for a
        CSV column kept as text: a dictionary-encoded column holds them among its categories, and the
        identifiers of a file are looked for among them (see :class:`~workforce.load._pipeline.Problems`).
    """

    file: str
    sheet: str | None
    frame: pd.DataFrame
    rows: np.ndarray
    header_row: int | None
    mapping: dict[str, str] = field(default_factory=dict)
    ignored_headers: list[str] = field(default_factory=list)
    duplicate_headers: list[str] = field(default_factory=list)
    title_text: list[str] = field(default_factory=list)
    decimal: str | None = None
    notes: list[ReaderNote] = field(default_factory=list)
    header_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    layout: str = ""
    above: dict[str, list[str]] = field(default_factory=dict)


def read_table(path: str | Path, schema: Schema, *, sheet: str | int | None = None,
               engine: Engine = "auto") -> RawTable:
    """Find and read the staff table in one file.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx``, ``.xlsm``, ``.xls``, ``.csv`` or ``.parquet`` file.
    schema : Schema
        The column schema whose headers identify the table.
    sheet : str or int, optional
        The sheet to read.  By default the sheet holding a staff table is
        found; if several do, :class:`~workforce.errors.AmbiguousSheetError`
        lists them.
    engine : {"auto", "fastexcel", "openpyxl"}
        The Excel reader.  ``"auto"`` uses fastexcel and falls back to
        openpyxl (xlrd for ``.xls``) if fastexcel is missing or fails.

    Raises
    ------
    UnusableFileError
        Missing, empty, encrypted or unreadable files; no staff table found.
    """
    path = Path(path)
    name = str(path)
    head = _guard.check_file(path)   # a folder, a pipe, a link loop, no permission, empty: said so, never waited on
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnusableFileError(
            name,
            f"files of type {suffix or '(none)'} cannot be read.",
            f"save the export as one of {', '.join(SUFFIXES)}.",
        )
    _guard.check_kind(path, head)   # a web page or a CSV with an Excel name
    if suffix == ".parquet":
        return _read_parquet(path, schema)
    if suffix == ".csv":
        found = read_csv_grid(path, read=lambda cells: _names_a_column(cells, schema))
        release_arrow_memory()
        table = _table_from_grids(name, {None: (found.frame, 1)}, schema, None)
        table.decimal = "," if found.delimiter == ";" else None   # Excel in European locales
        table.notes += found.notes
        return table
    return _read_excel(path, schema, sheet, engine)


def _names_a_column(cells: list, schema: Schema) -> bool:
    """Whether a column's first cells hold a header naming a schema column (a column the loader reads)."""
    return any(isinstance(cell, str) and schema.column_for_header(cell) is not None for cell in cells)


def release_arrow_memory() -> None:
    """Give back to the system the memory Arrow's pool kept from a read (freed blocks it holds for reuse)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


# ---------------------------------------------------------------- Excel


def _read_excel(path: Path, schema: Schema, sheet: str | int | None, engine: Engine) -> RawTable:
    name = str(path)
    if engine not in ("auto", "fastexcel", "openpyxl"):
        raise ValueError(f"engine must be 'auto', 'fastexcel' or 'openpyxl', not {engine!r}")
    failed: Exception | None = None
    if engine in ("auto", "fastexcel"):
        try:
            return _table_from_grids(name, _FastexcelBook(path), schema, sheet)
        except UnusableFileError:
            raise
        except Exception as exc:  # fastexcel missing or unable to read this file
            if engine == "fastexcel" and not isinstance(exc, ImportError):
                raise _unreadable(name, exc) from None
            failed = None if isinstance(exc, ImportError) else exc
    return _table_from_grids(name, _FallbackBook(path, failed), schema, sheet)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


#: What the readers' messages about a damaged workbook mean, in the users' words.
_DAMAGE = (
    (re.compile(r"string index not found|shared strings?|IndexError|list index", re.IGNORECASE),
     "a cell refers to a shared text that is not in the workbook"),
    (re.compile(r"xml|expecting|unexpected end|mismatched tag|not well-formed|syntax error", re.IGNORECASE),
     "a part of it is not well-formed XML"),
    (re.compile(r"not found|no such|missing|KeyError|no item named", re.IGNORECASE), "a part of it is missing"),
    (re.compile(r"crc|zip|deflate|decompress|invalid (block|stored|distance)", re.IGNORECASE),
     "its zip archive is damaged"),
    (re.compile(r"cfb|ole|not an office document|BIFF|xlrd", re.IGNORECASE),
     "it is not a workbook Excel can read as .xls"),
)


def _unreadable(name: str, exc: BaseException) -> UnusableFileError:
    """A workbook neither reader could read: what is wrong with it, in plain words (the reader's words after)."""
    text = f"{type(exc).__name__}: {exc}"
    what = next((plain for pattern, plain in _DAMAGE if pattern.search(text)), "it could not be read")
    return UnusableFileError(name, f"the workbook is damaged: {what} ({_short(exc)}).",
                             "open it in Excel and save it again (Excel repairs what it can), or save the table as "
                             "CSV.")


def _capped(data: Any) -> Any:
    """An Arrow batch of text cells with any cell longer than Excel allows cut to :data:`_guard.MAX_CELL_CHARS`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = list(data.columns)
    changed = False
    for i, column in enumerate(columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            longest = pc.max(pc.binary_length(column)).as_py()   # bytes: at least as many as characters
            if longest is not None and longest > _guard.MAX_CELL_CHARS:
                longest = pc.max(pc.utf8_length(column)).as_py()
                if longest > _guard.MAX_CELL_CHARS:
                    columns[i] = pc.utf8_slice_codeunits(column, 0, _guard.MAX_CELL_CHARS)
                    changed = True
    return pa.RecordBatch.from_arrays(columns, names=data.schema.names) if changed else data


class _FastexcelBook:
    """Sheets read through fastexcel, each as a grid of text cells.

    A workbook is checked against the limits of :mod:`workforce._guard` before fastexcel opens it; the check
    also gives the row each sheet starts at (calamine starts a sheet at its first cell with a value).
    """

    def __init__(self, path: Path) -> None:
        import fastexcel

        self.path = path
        # parsed already when ``workforce report`` started it early (see _early_read), which checked it too
        taken = _early_read.take(path)
        self.extents = _guard.inspect_workbook(path).sheets
        self.reader: Any
        self.parsed: dict[str, Any]
        self.reader, self.parsed = taken or (fastexcel.read_excel(str(path)), {})
        self.sheet_names = list(self.reader.sheet_names)

    def grid(self, sheet: str) -> tuple[pd.DataFrame, int]:
        data = self.parsed.pop(sheet, None)
        if data is None:
            data = self.reader.load_sheet(sheet, header_row=None, dtypes="string", whitespace_as_null=True).to_arrow()
        frame = _capped(data).to_pandas()
        frame.columns = range(frame.shape[1])
        extent = self.extents.get(sheet)
        return frame, (extent.first_row or 1) if extent is not None else _first_used_row(self.path, sheet)


class _FallbackBook:
    """Sheets read through openpyxl (``.xlsx``/``.xlsm``) or xlrd (``.xls``).

    openpyxl is told to ignore the sheet's stored dimension (it can claim the whole grid, and each row was
    padded to it), rows are cut after their last value, and the grid is refused once it passes the cell limit.
    """

    def __init__(self, path: Path, failed: Exception | None = None) -> None:
        self.path = path
        self.failed = failed   # why fastexcel could not read the file: the better explanation, if this fails too
        name = str(path)
        _guard.inspect_workbook(path)
        try:
            if path.suffix.lower() == ".xls":
                import xlrd

                self.book = xlrd.open_workbook(name)
                self.sheet_names = self.book.sheet_names()
            else:
                import openpyxl

                # opened here, so that it is closed when openpyxl fails part-way (openpyxl leaves its own open)
                handle = open(path, "rb")
                try:
                    with warnings.catch_warnings():   # "Workbook contains no default style" is not the user's concern
                        warnings.simplefilter("ignore")
                        self.book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
                except Exception:
                    handle.close()
                    raise
                weakref.finalize(self.book, handle.close)
                self.sheet_names = list(self.book.sheetnames)
        except Exception as exc:
            raise _unreadable(name, failed or exc) from None

    def grid(self, sheet: str) -> tuple[pd.DataFrame, int]:
        try:
            with warnings.catch_warnings():   # openpyxl's warnings about styles and extensions it ignores
                warnings.simplefilter("ignore")
                rows = self._rows(sheet)
        except Exception as exc:   # a damaged sheet (a shared text that is not there, bad XML), or past the limit
            if hasattr(self.book, "close"):
                self.book.close()   # openpyxl keeps the file open while it reads a sheet
            if isinstance(exc, UnusableFileError):
                raise
            raise _unreadable(str(self.path), self.failed or exc) from None
        width = max((len(r) for r in rows), default=0)
        cleaned = [r + [None] * (width - len(r)) for r in rows]
        return pd.DataFrame(cleaned, columns=range(width), dtype="str"), 1

    def _rows(self, sheet: str) -> list[list[str | None]]:
        """The rows of a sheet as text, each cut after its last value; refused past the cell limit."""
        if self.path.suffix.lower() == ".xls":
            import xlrd

            ws = self.book.sheet_by_name(sheet)
            values: Any = ([str(xlrd.xldate.xldate_as_datetime(c.value, self.book.datemode))
                            if c.ctype == xlrd.XL_CELL_DATE else c.value for c in ws.row(r)] for r in range(ws.nrows))
        else:
            ws = self.book[sheet]
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()   # the stored dimension can claim A1:XFD1048576
            values = ws.iter_rows(min_row=1, values_only=True)
        cells = _guard.limit("cells")
        rows: list[list[str | None]] = []
        width = 0
        for row_values in values:
            row = [_cell_text(v) for v in row_values]
            while row and row[-1] is None:
                row.pop()
            rows.append(row)
            width = max(width, len(row))
            if len(rows) * width > cells:
                if hasattr(values, "close"):
                    values.close()   # openpyxl's reader holds the sheet's part open until it is closed
                raise UnusableFileError(
                    str(self.path), f"sheet {sheet!r} has a value in row {len(rows):,}, column "
                    f"{excel_column(width - 1)}, so the table would span more than the limit of {cells:,} cells.",
                    "in Excel, delete the stray cells below and to the right of the table and save; or save only the "
                    "table as CSV.  If the table really is that big, raise the limit by setting the environment "
                    "variable WORKFORCE_MAX_CELLS.")
        while rows and not rows[-1]:
            rows.pop()
        return rows


def _cell_text(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:_guard.MAX_CELL_CHARS]


def _first_used_row(path: Path, sheet: str) -> int:
    """The Excel row of the first non-empty cell of an ``.xls`` sheet (calamine starts a sheet there).

    For ``.xlsx`` the row comes from the check of the workbook (:func:`workforce._guard.inspect_workbook`),
    which reads each sheet once.
    """
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    start = book.get_sheet_by_name(sheet).start  # None for a sheet with no cells
    return 1 if start is None else start[0] + 1


# ---------------------------------------------------------------- CSV and parquet


def _read_parquet(path: Path, schema: Schema) -> RawTable:
    """A parquet table: the columns whose headers the schema knows, text dictionary-encoded.

    A parquet file is already a typed table with one header row, so none of a spreadsheet's work is
    needed (no header search, title rows, totals or further tables beside or below).  Columns the
    schema does not know are listed as not read and never loaded.  Text columns are read as
    dictionaries (pandas categoricals): the loader then works on each distinct value once.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
        fields = file.schema_arrow
        headers = [str(n) for n in fields.names]
        wanted = [h for h in headers if _schema_column(h, headers, schema) is not None]
        # identifiers (a different value on every row) stay plain text: a dictionary of them costs more than it saves
        text = [h for h in wanted if (pa.types.is_string(fields.field(h).type)
                                      or pa.types.is_large_string(fields.field(h).type))
                and schema.columns[_schema_column(h, headers, schema) or ""].privacy is None]
        if not _fast.ENABLED:   # the general way: every column, text as text
            wanted, text = headers, []
        n_rows = file.metadata.num_rows
        file.close()
        table = pq.read_table(path, columns=wanted, read_dictionary=text)
        frame = table.to_pandas(self_destruct=True, split_blocks=True)
        del table
    except Exception:
        raise UnusableFileError(str(path), "the file is not a readable parquet table: it is damaged, cut short or "
                                           "not parquet.", "write the parquet file again (or export the table as "
                                           "CSV or .xlsx).") from None
    if n_rows == 0:
        raise UnusableFileError(str(path), "the table holds no rows.", "export it again.")
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    table = RawTable(file=str(path), sheet=None, frame=frame, rows=np.arange(len(frame)) + 2, header_row=None)
    map_headers(table, headers, schema)
    if len(table.mapping) < MIN_MATCHED_COLUMNS:
        raise _no_table(str(path), schema, [None])
    return table


def _schema_column(header: str, headers: list[str], schema: Schema) -> str | None:
    """The schema column a header names, as :func:`map_headers` reads it (a repeat "X (2)" names X's column)."""
    column = schema.column_for_header(header)
    if column is None and (m := _REPEAT.match(header)) and m["header"] in headers:
        column = schema.column_for_header(m["header"])
    return column


# ---------------------------------------------------------------- header detection


def _table_from_grids(name: str, book, schema: Schema, sheet: str | int | None) -> RawTable:
    """Pick the sheet, find its header row, and cut out the data rows."""
    if isinstance(book, dict):  # CSV: one grid, already read
        sheets = list(book)
        get = book.__getitem__
    else:
        sheets = book.sheet_names
        get = book.grid
    # calamine parses a whole sheet whatever is asked of it, so each sheet is
    # read once, in full, and kept
    chosen = sheets if sheet is None else [_resolve_sheet(name, sheets, sheet)]
    candidates = {s: get(s) for s in chosen}
    headers_found = {s: _find_header(grid, schema) for s, (grid, _first) in candidates.items()}
    found = [s for s, (_row, _headers, score) in headers_found.items() if score >= MIN_MATCHED_COLUMNS]
    if not found:
        raise _no_table(name, schema, list(candidates))
    if len(found) > 1:
        raise AmbiguousSheetError(name, found)
    s = found[0]
    grid, first = candidates[s]
    row, headers, _score = headers_found[s]
    layout = tables_on_sheet(grid, row, headers, schema, MIN_MATCHED_COLUMNS, _unique_headers, excel_column,
                             lambda g: _find_header(g, schema))
    text = [j for j in range(grid.shape[1]) if isinstance(book, dict)
            and not isinstance(grid.dtypes.iloc[j], pd.CategoricalDtype)]   # a CSV's columns kept as text
    if text and layout.description:   # several tables: their columns as the general way has them
        grid = _encoded_columns(grid, text)
        text = []
        layout = tables_on_sheet(grid, row, headers, schema, MIN_MATCHED_COLUMNS, _unique_headers, excel_column,
                                 lambda g: _find_header(g, schema))
    data = layout.frame
    title = [" ".join(str(v) for v in cells if not pd.isna(v)) for cells in object_cells(grid.iloc[:row])]
    table = RawTable(
        file=name, sheet=s, frame=data, rows=layout.offsets + first + row + 1,
        header_row=first + row, title_text=[t for t in title if t.strip()],
        header_rows=layout.header_rows, layout=layout.description,
        above={str(data.columns[j]): [v for v in grid.iloc[:row + 1, j].tolist() if isinstance(v, str)]
               for j in text},
    )
    map_headers(table, list(data.columns), schema)
    if _fast.ENABLED and not isinstance(book, dict):
        _encode_coded_columns(table, schema)
    return table


def _encode_coded_columns(table: RawTable, schema: Schema) -> None:
    """Dictionary-encode a workbook's columns of coded and typed values (not identifiers), in place.

    Each such column's distinct values are then found once, where each step reading it would find them
    again; they are the values of its data rows, in order of first appearance, as the steps would find.
    """
    from ._csv import dictionary_encoded

    for header, column in table.mapping.items():
        values = table.frame[header]
        if schema.columns[column].privacy is None and isinstance(values.dtype, pd.StringDtype):
            table.frame[header] = pd.Series(dictionary_encoded(values), index=values.index)


def _encoded_columns(grid: pd.DataFrame, columns: list[int]) -> pd.DataFrame:
    """The grid with these text columns dictionary-encoded, as the CSV reader encodes a column."""
    from ._csv import dictionary_encoded

    grid = grid.copy(deep=False)
    for j in columns:
        grid[j] = dictionary_encoded(grid[j])
    return grid


def _resolve_sheet(name: str, sheets: list, sheet: str | int) -> str:
    if isinstance(sheet, int):
        if 0 <= sheet < len(sheets):
            return sheets[sheet]
    else:
        for s in sheets:
            if s == sheet or (s is not None and s.strip().lower() == str(sheet).strip().lower()):
                return s
    listed = ", ".join(repr(s) for s in sheets)
    raise UnusableFileError(name, f"there is no sheet {sheet!r}.", f"choose one of the sheets in the file: {listed}.")


def _find_header(grid: pd.DataFrame, schema: Schema) -> tuple[int, list[str], int]:
    """The header row among the first rows: the one matching most schema columns.

    A header cell left blank by a vertical merge, or one under a group title
    such as "Demographics", takes the header above it when that one names a
    schema column.  Ties go to the upper row.
    """
    top = object_cells(grid.iloc[:HEADER_SCAN_ROWS])   # one array: a wide sheet is thousands of columns
    cells = [[None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in row]
             for row in top.tolist()]
    best: tuple[int, list[str], int] = (0, [], -1)
    previous: list = [None] * grid.shape[1]
    for r, row in enumerate(cells):
        headers = []
        for c, value in enumerate(row):
            above = previous[c]
            if (value is None or not schema.column_for_header(value)) and above is not None and schema.column_for_header(above):
                headers.append(str(above).strip())
            else:
                headers.append("" if value is None else str(value).strip())
        score = len({schema.column_for_header(h) for h in headers if h} - {None})
        if score > best[2]:
            best = (r, headers, score)
        previous = row
    return best


def object_cells(frame: pd.DataFrame) -> np.ndarray:
    """A few rows of a grid as one array of Python values (missing: NaN), as ``frame.to_numpy(dtype=object)``.

    A CSV grid's columns are categoricals, and pandas would turn every category of a column into a Python
    value to give a few of its cells (100,000 of them, for a column of identifiers): here only the cells'
    own values are taken.
    """
    if not _fast.ENABLED or not any(isinstance(t, pd.CategoricalDtype) for t in frame.dtypes):
        return frame.to_numpy(dtype=object)
    out = np.empty(frame.shape, dtype=object)
    if not len(frame):
        return out
    for j, (_name, column) in enumerate(frame.items()):
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()
            categories = column.cat.categories
            values = np.full(len(codes), np.nan, dtype=object)
            if len(categories):
                values[codes >= 0] = categories.take(codes[codes >= 0]).to_numpy(dtype=object)
            out[:, j] = values
        else:
            out[:, j] = column.to_numpy(dtype=object)
    return out


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        h = h or f"(column {excel_column(i)})"
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        out.append(h)
    return out


def excel_column(index: int) -> str:
    """Excel column letters of the 0-based column ``index``.

    Examples
    --------
    >>> [excel_column(i) for i in (0, 25, 26, 701, 702)]
    ['A', 'Z', 'AA', 'ZZ', 'AAA']
    """
    return _guard.column_letters(index + 1)


_REPEAT = re.compile(r"^(?P<header>.*) \((?P<n>\d+)\)$")   # "Ethnic Origin (2)", as _unique_headers names it


def map_headers(table: RawTable, headers: list[str], schema: Schema) -> None:
    """Which schema column each header is; of two headers for one column, the one with more cells filled.

    An export can repeat a header (an empty "Ethnic Origin" before the filled one): the column that holds the
    data is read, and the other is noted as a duplicate.
    """
    by_column: dict[str, list[str]] = {}
    for h in headers:
        column = _schema_column(h, headers, schema)
        if column is None:
            if not h.startswith("(column "):
                table.ignored_headers.append(h)
        else:
            by_column.setdefault(column, []).append(h)
    for column, found in by_column.items():
        filled = [int(table.frame[h].notna().sum()) if h in table.frame else 0 for h in found] if len(found) > 1 else [0]
        used = found[filled.index(max(filled))]   # the first of the fullest
        table.mapping[used] = column
        table.duplicate_headers += [h for h in found if h != used]


def _no_table(name: str, schema: Schema, sheet_names: list) -> NoStaffTableError:
    expected = ", ".join(f"'{schema.columns[c].aliases[0] if schema.columns[c].aliases else c}'" for c in schema.required)
    sheets = [s for s in sheet_names if s is not None]
    where = f" in any of its sheets ({', '.join(repr(s) for s in sheets)})" if len(sheets) > 1 else ""
    return NoStaffTableError(
        name,
        f"no staff table was found{where}: no row in the first {HEADER_SCAN_ROWS} rows has at least "
        f"{MIN_MATCHED_COLUMNS} recognised column headers.",
        f"check this is a staff-in-post export with headers such as {expected}; if your headers are named "
        "differently, add them as aliases in a schema file and pass it with --schema.",
    )


# ---------------------------------------------------------------- which kind of input


def guess_kind(path: str | Path, *, sheet: str | int | None = None) -> tuple[str, dict[str, int]]:
    """Which kind of input a file holds, from its headers: the schema matching most of them.

    Each sheet's first rows are scored against each schema of :data:`KINDS`
    as the reader scores a header row (distinct schema columns named), and the
    kind with the best score wins; a tie, or a file that cannot be read or
    matches no schema well enough, gives "staff" (the loaders then say what
    is wrong with it).

    Returns
    -------
    (kind, scores)
        ``scores``: kind -> the number of its columns the best header row names.

    Examples
    --------
    >>> from workforce import sample_data
    >>> guess_kind(sample_data("broken_recruitment.xlsx"))[0], guess_kind(sample_data("broken_export.xlsx"))[0]
    ('recruitment', 'staff')
    """
    try:
        grids = _top_rows(Path(path), sheet)
    except Exception:  # unreadable: the loader will say why
        return "staff", {}
    scores = {kind: max((_find_header(grid, read_schema(name))[2] for grid in grids), default=0)
              for kind, name in KINDS.items()}
    best = max(scores, key=lambda kind: scores[kind])  # the first of the best: staff on a tie
    return (best if scores[best] >= MIN_MATCHED_COLUMNS else "staff"), scores


def _top_rows(path: Path, sheet: str | int | None) -> list[pd.DataFrame]:
    """The first rows of each sheet (of ``sheet`` only, if given), as grids of text."""
    _guard.check_file(path)   # a pipe is never opened (reading one waits for ever)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return [pd.DataFrame([pq.read_schema(path).names])]
    if suffix == ".csv":
        return [read_csv_grid(path, head=True).frame.iloc[:HEADER_SCAN_ROWS]]
    if suffix not in EXCEL_SUFFIXES:
        return []
    try:
        import fastexcel

        # the parse ``workforce validate`` started early, if any, is looked at and left for the loader
        early = _early_read.peek(path)
        _guard.inspect_workbook(path)   # before fastexcel opens it (checked already if parsed early)
        reader, parsed = early or (fastexcel.read_excel(str(path)), {})
        names = list(reader.sheet_names)
        chosen = names if sheet is None else [_resolve_sheet(str(path), names, sheet)]
        grids = [parsed[s].slice(0, HEADER_SCAN_ROWS).to_pandas() if s in parsed else
                 reader.load_sheet(s, header_row=None, n_rows=HEADER_SCAN_ROWS, dtypes="string",
                                   whitespace_as_null=True).to_pandas()
                 for s in chosen]
        for grid in grids:
            grid.columns = range(grid.shape[1])
        return grids
    except ImportError:
        book = _FallbackBook(path)
        chosen = book.sheet_names if sheet is None else [_resolve_sheet(str(path), book.sheet_names, sheet)]
        return [book.grid(s)[0].iloc[:HEADER_SCAN_ROWS] for s in chosen]
