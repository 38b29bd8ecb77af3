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
                    unique: Callable[[list[str]], list[str]], letters: Callable[[int], str],
                    find_header: Callable) -> Layout:
    """Cut the rows below ``header_at`` into the tables they hold, and stack them.

    ``headers`` are the header row's cells (blank: ""); ``unique`` makes header names unique, and ``letters``
    gives a column's Excel letters; ``find_header`` finds the header row of a grid (``(row, headers, score)``).  Tables side by
    side are runs of header cells between blank ones, each naming every required column; a further table below
    starts at a row that itself reads as a header of at least ``min_matched`` schema columns.
    """
    blocks = [(start, stop, header_at, headers[start:stop]) for start, stop in _side_by_side(headers, schema,
                                                                                            min_matched)]
    if len(blocks) == 1:
        blocks = _tables_to_the_right(grid, header_at, headers, schema, min_matched, find_header) or blocks
    names = unique(blocks[0][3])
    target: dict[str | None, str] = {}   # schema column -> the first table's header for it
    for name in names:
        target.setdefault(schema.column_for_header(name), name)
    parts, offsets, header_rows, n = [], [], [], 0
    stacked = 0
    for b, (start, stop, own_at, own) in enumerate(blocks):
        cells = grid.iloc[own_at + 1:, start:stop]
        if len(blocks) > 1:   # a shorter table beside a longer one: its blank tail is not part of it
            filled = np.flatnonzero(cells.notna().any(axis=1).to_numpy())
            cells = cells.iloc[: (filled[-1] + 1 if filled.size else 0)]
        starts = _header_rows(cells, schema, min_matched)
        stacked += len(starts)
        bounds = [0, *starts, len(cells)]
        for s in range(len(bounds) - 1):
            piece = cells.iloc[bounds[s]:bounds[s + 1]]
            if s > 0:   # a further table: its own header row says which column is which
                own = ["" if v is None or pd.isna(v) else str(v).strip() for v in piece.iloc[0].tolist()]
                header_rows.append(n)
            piece = piece.set_axis(_align(own, names, target, schema) if (b, s) != (0, 0) else names, axis=1)
            parts.append(piece)
            offsets.append(np.arange(bounds[s], bounds[s + 1]) + (own_at - header_at))
            n += len(piece)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    words = []
    if len(blocks) > 1:
        spans = " and ".join(f"{letters(a)}-{letters(z - 1)}" for a, z, _at, _own in blocks)
        words.append(f"{len(blocks)} tables side by side (columns {spans}) were read one after the other")
    if stacked:
        words.append(f"{stacked} further table(s) below the first, each with its own header row, were read "
                     "with their own columns")
    return Layout(frame=frame, offsets=np.concatenate(offsets) if offsets else np.zeros(0, dtype=int),
                  header_rows=np.asarray(header_rows, dtype=int), description="; ".join(words))


def _tables_to_the_right(grid: pd.DataFrame, header_at: int, headers: list[str], schema: Schema, min_matched: int,
                         find_header: Callable) -> list[tuple[int, int, int, list[str]]]:
    """Tables side by side whose headers are on different rows ([] when there is none).

    The first table, then each whole table found (by its own header row) in the columns right of the one before.
    """
    first = next((span for span in _runs(headers) if _whole(headers[span[0]:span[1]], schema, min_matched)), None)
    if first is None:
        return []
    blocks = [(first[0], first[1], header_at, headers[first[0]:first[1]])]
    start = first[1]
    while start < grid.shape[1]:
        region = grid.iloc[:, start:]
        row, found, _score = find_header(region)
        spans = [(a, z) for a, z in _runs(found) if _whole(found[a:z], schema, min_matched)]
        if not spans:
            break
        a, z = spans[0]
        blocks.append((start + a, start + z, row, found[a:z]))
        start += z
    return blocks if len(blocks) > 1 else []


def _runs(headers: list[str]) -> list[tuple[int, int]]:
    """Spans of consecutive header cells that are filled in."""
    runs, start = [], None
    for i, h in enumerate([*headers, ""]):
        if h and start is None:
            start = i
        elif not h and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _whole(headers: list[str], schema: Schema, min_matched: int) -> bool:
    """Whether headers name a whole table: every required column, and at least ``min_matched``."""
    named = {schema.column_for_header(h) for h in headers} - {None}
    return len(named) >= min_matched and set(schema.required) <= named


def _side_by_side(headers: list[str], schema: Schema, min_matched: int) -> list[tuple[int, int]]:
    """The column spans of tables side by side: runs of headers between blank cells, each a whole table."""
    tables = [span for span in _runs(headers) if _whole(headers[span[0]:span[1]], schema, min_matched)]
    return tables if len(tables) >= 2 else [(0, len(headers))]


#: Rows looked at to choose the column whose cells are tested as headers (all of them, in a table this long or less).
_SAMPLE_ROWS = 2000


def _header_rows(cells: pd.DataFrame, schema: Schema, min_matched: int) -> list[int]:
    """Positions of rows that read as a header (a further table below): at least ``min_matched`` schema columns.

    A header row has a header in every column, so only rows whose cell in the column of fewest distinct values
    (among about :data:`_SAMPLE_ROWS` rows spread over the table) is a header are looked at: a large table costs
    one pass over one column.
    """
    if cells.empty:
        return []
    sample = cells.iloc[:: max(1, len(cells) // _SAMPLE_ROWS)]   # the column is chosen on rows spread over the table
    counts = [sample.iloc[:, j].nunique() for j in range(cells.shape[1])]
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
