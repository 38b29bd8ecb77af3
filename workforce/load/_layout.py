"""Several tables on one sheet: side by side, or one below another.

Exports are pasted together: this year's starters to the right of the staff in
post, a bank staff table under the substantive one, sometimes with its columns
in another order.  Read as one table, the right-hand table was ignored (its
headers are repeats) and a second header row was read as a person.  Here the
sheet is cut into its tables, each table's columns are matched to the first
table's by what they mean (the schema column), and the tables are stacked into
one, every row keeping its Excel row.  A repeated header row stays in the table
as a row, so the reader can exclude it with its reason and the counts still
reconcile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._schema import Schema

__all__ = ["Layout", "tables_on_sheet"]


@dataclass
class Layout:
    """The data rows of the tables on one sheet, stacked.

    Attributes
    ----------
    frame : pandas.DataFrame
        Data rows, one column per header of the first table (then any header only a later table has).
    offsets : numpy.ndarray
        Each row's position below the header row (0 is the first row under it): its Excel row is
        ``header_row + 1 + offset``.
    header_rows : numpy.ndarray
        Positions in ``frame`` of rows that are the header of a further table.
    description : str
        How the sheet was read, for a note ("" for one table).
    """

    frame: pd.DataFrame
    offsets: np.ndarray
    header_rows: np.ndarray
    description: str = ""


def tables_on_sheet(grid: pd.DataFrame, header_at: int, headers: list[str], schema: Schema, min_matched: int,
                    unique: Callable[[list[str]], list[str]], letters: Callable[[int], str]) -> Layout:
    """Cut the rows below ``header_at`` into the tables they hold, and stack them.

    ``headers`` are the header row's cells (blank: ""); ``unique`` makes header names unique, and ``letters``
    gives a column's Excel letters.  Tables side by
    side are runs of header cells between blank ones, each naming every required column; a further table below
    starts at a row that itself reads as a header of at least ``min_matched`` schema columns.
    """
    below = grid.iloc[header_at + 1:]
    blocks = _side_by_side(headers, schema, min_matched)
    names = unique(headers if len(blocks) == 1 else headers[blocks[0][0]:blocks[0][1]])
    target: dict[str | None, str] = {}   # schema column -> the first table's header for it
    for name in names:
        target.setdefault(schema.column_for_header(name), name)
    parts, offsets, header_rows, n = [], [], [], 0
    stacked = 0
    for b, (start, stop) in enumerate(blocks):
        cells = below.iloc[:, start:stop]
        if len(blocks) > 1:   # a shorter table beside a longer one: its blank tail is not part of it
            filled = np.flatnonzero(cells.notna().any(axis=1).to_numpy())
            cells = cells.iloc[: (filled[-1] + 1 if filled.size else 0)]
        starts = _header_rows(cells, schema, min_matched)
        stacked += len(starts)
        bounds = [0, *starts, len(cells)]
        own = headers[start:stop]
        for s in range(len(bounds) - 1):
            piece = cells.iloc[bounds[s]:bounds[s + 1]]
            if s > 0:   # a further table: its own header row says which column is which
                own = ["" if v is None or pd.isna(v) else str(v).strip() for v in piece.iloc[0].tolist()]
                header_rows.append(n)
            piece = piece.set_axis(_align(own, names, target, schema) if (b, s) != (0, 0) else names, axis=1)
            parts.append(piece)
            offsets.append(np.arange(bounds[s], bounds[s + 1]))
            n += len(piece)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    words = []
    if len(blocks) > 1:
        spans = " and ".join(f"{letters(a)}-{letters(z - 1)}" for a, z in blocks)
        words.append(f"{len(blocks)} tables side by side (columns {spans}) were read one after the other")
    if stacked:
        words.append(f"{stacked} further table(s) below the first, each with its own header row, were read "
                     "with their own columns")
    return Layout(frame=frame, offsets=np.concatenate(offsets) if offsets else np.zeros(0, dtype=int),
                  header_rows=np.asarray(header_rows, dtype=int), description="; ".join(words))


def _side_by_side(headers: list[str], schema: Schema, min_matched: int) -> list[tuple[int, int]]:
    """The column spans of tables side by side: runs of headers between blank cells, each a whole table."""
    runs, start = [], None
    for i, h in enumerate([*headers, ""]):
        if h and start is None:
            start = i
        elif not h and start is not None:
            runs.append((start, i))
            start = None
    required = set(schema.required)

    def whole(span: tuple[int, int]) -> bool:
        named = {schema.column_for_header(h) for h in headers[span[0]:span[1]]} - {None}
        return len(named) >= min_matched and required <= named

    tables = [span for span in runs if whole(span)]
    return tables if len(tables) >= 2 else [(0, len(headers))]


def _header_rows(cells: pd.DataFrame, schema: Schema, min_matched: int) -> list[int]:
    """Positions of rows that read as a header (a further table below): at least ``min_matched`` schema columns.

    A header row has a header in every column, so only rows whose cell in the column of fewest distinct values
    is a header are looked at: a large table costs one pass over one column.
    """
    if cells.empty:
        return []
    counts = [cells.iloc[:, j].nunique() for j in range(cells.shape[1])]
    filled = [j for j in range(cells.shape[1]) if counts[j] > 0]
    if not filled:
        return []
    j = min(filled, key=lambda k: counts[k])
    column = cells.iloc[:, j]
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    is_header = np.array([schema.column_for_header(v) is not None for v in uniques] + [False])
    out = []
    for r in np.flatnonzero(is_header[codes]):
        row = cells.iloc[r]
        named = {schema.column_for_header(v) for v in row.dropna()} - {None}
        if len(named) >= min_matched:
            out.append(int(r))
    return out


def _align(own: list[str], names: list[str], target: dict, schema: Schema) -> list[str]:
    """A further table's headers renamed to the first table's for the same schema column."""
    out, used = [], set()
    for i, h in enumerate(own):
        column = schema.column_for_header(h) if h else None
        name = target.get(column) if column is not None else None
        if name is None or name in used:
            name = h or f"(column {i + 1} of a further table)"
            while name in names or name in used:
                name += " (more)"
        used.add(name)
        out.append(name)
    return out
