"""Reading CSV files as exports and Excel write them, so that nothing is misread without a word.

A CSV is read as a grid of text cells, one row per record, as Excel shows it:

* **Encoding.**  UTF-8 (with or without a byte-order mark) is read as such.  A UTF-8 file holding a few bytes
  that are not UTF-8 (a Windows character pasted in) has those bytes alone read as Windows text (cp1252), and
  each line holding one is reported.  A file with no UTF-8 characters beyond plain ASCII but bytes that are
  not UTF-8 is Windows text throughout, with a note.  UTF-16 and UTF-32 with a byte-order mark (Excel's
  "Unicode Text") and UTF-16 without one are read.  A file holding NUL bytes otherwise is not text: refused.
* **Delimiter.**  Excel's ``sep=;`` first line is obeyed (and, as in Excel, is not a row); otherwise the
  delimiter (comma, semicolon, tab, bar) that splits the most early lines into the same number of fields.
* **Quotes.**  A quote that opens a field and never closes where it should swallows the lines after it into
  one field.  A field spanning line breaks whose inner lines look like records of their own is such a stray
  quote: each of the lines it swallowed is read on its own, the stray quote taken as a plain character, and
  the line is reported.  A cell holding a line break (Alt+Enter in Excel) is one row, with a note, so the
  rows read match the lines of the file, less the lines such cells take.
* **Limits.**  A cell longer than Excel's 32,767 characters is set aside and reported; a line of more than
  Excel's 16,384 fields is refused, and so is a file larger than :data:`MAX_CSV_BYTES`, or of more rows than
  :data:`MAX_CSV_ROWS` or cells than :data:`MAX_CSV_CELLS` (each raised by its environment variable, see
  :data:`LIMIT_VARIABLES`), so that loading stays within about 2 GB of memory.  The file is parsed by Arrow's
  CSV reader straight from disk (or from a temporary copy, when its text has to be converted to UTF-8 first),
  never held whole as Python text; each column the loader reads is then dictionary-encoded, its distinct
  values held once.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from .._guard import column_letters
from ..errors import UnusableFileError
from . import _fast
from ._report import ProblemCode, ReaderNote

__all__ = ["CsvGrid", "read_csv_grid", "MAX_CSV_BYTES", "MAX_CSV_ROWS", "MAX_CSV_CELLS", "MAX_CELL_CHARS",
           "MAX_COLUMNS", "LIMIT_VARIABLES"]

#: The largest CSV file read, in bytes (256 MB: about 1.5 million rows of an ESR export).
MAX_CSV_BYTES = 256 << 20
#: The most lines a CSV file may have (each million rows loaded takes about 1 GB of memory).
MAX_CSV_ROWS = 2_000_000
#: The most cells (rows times columns) a CSV file may have.
MAX_CSV_CELLS = 40_000_000
#: The environment variables that raise each limit (the size in megabytes).
LIMIT_VARIABLES = {"bytes": "WORKFORCE_MAX_CSV_MB", "rows": "WORKFORCE_MAX_CSV_ROWS",
                   "cells": "WORKFORCE_MAX_CSV_CELLS"}
#: The longest cell kept, in characters: Excel's own limit.  Longer cells are set aside and reported.
MAX_CELL_CHARS = 32_767
#: The most fields a line may have: Excel's own limit (column XFD).
MAX_COLUMNS = 16_384
_CHUNK = 1 << 22  # bytes read at a time (then on to the end of the line)
_SAMPLE = 1 << 20  # bytes looked at for the delimiter and the width
_SPOOL = 64 << 20  # a converted copy is kept in memory up to this size, on disk beyond
_BLOCK = 1 << 20  # Arrow's block: no record may be longer (a longer one is read again with a larger block)
_WIDE_TEXT = 1 << 31  # text of this many bytes or more is read as Arrow's large strings (64-bit offsets)
_CODES_AT_ONCE = 1 << 20  # cells whose codes are taken from Arrow at a time (all columns at once when short)
_MAX_LINE_NOTES = 1000  # lines listed one by one for a stray byte or quote; the rest are counted
#: The first cells of a column given to ``read_csv_grid``'s ``read`` (as many rows as the header is looked for in).
TOP_ROWS = 30
_BREAK = re.compile(r"\r\n|\r|\n")
_SEP_LINE = re.compile(r"^\ufeff?sep=(.)\s*$", re.IGNORECASE)
#: A well-formed UTF-8 sequence beyond ASCII, or (group 1) a byte that cannot start or continue one.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}|([\x80-\xff])")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass
class CsvGrid:
    """A CSV file as a grid of text cells, and what the reader noticed.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per record (row ``i`` is Excel row ``i + 1``), columns ``0 .. width - 1``; blank cells missing.
        Each column is a pandas Categorical of ``str`` categories: the column's distinct values, each held once.
    delimiter : str
        The delimiter the file was read with.
    notes : list of ReaderNote
        Its encoding, stray quotes and bytes, cells holding line breaks or too long to keep, by Excel row.
    """

    frame: pd.DataFrame
    delimiter: str
    notes: list[ReaderNote] = field(default_factory=list)


def read_csv_grid(path: Path, *, head: bool = False, read: Callable[[list], bool] | None = None) -> CsvGrid:
    """Read a CSV file as a grid of text cells (see the module's description).

    Parameters
    ----------
    path : Path
        The file.
    head : bool
        Read only the first megabyte (enough for the header), as when guessing what a file holds.
    read : callable, optional
        Given a column's first cells (:data:`TOP_ROWS` of them), whether the loader reads the column (its
        header names a schema column).  A column it does not read is left as text, not dictionary-encoded:
        the loader never looks at its values one by one.  By default every column is encoded.

    Raises
    ------
    UnusableFileError
        A file too large, not text, holding NUL bytes, with no rows, or with a line of more than 16,384 fields.
    """
    name = str(path)
    size = path.stat().st_size
    if not head and size > _limit("bytes"):
        raise _too_large(name, "bytes", f"the file is larger than {_limit('bytes') / 2**20:,.0f} MB, the largest CSV "
                         f"file read ({size / 2**20:,.0f} MB).")
    with ExitStack() as stack:
        spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=_SPOOL))
        source: IO[bytes] = stack.enter_context(io.BytesIO(_head(path)) if head else path.open("rb"))
        text = _utf8_text(name, source, spool, final=not head)
        sample = _sample(text.stream)
        sep, skip = _delimiter_and_skip(sample)
        width = _width(sample, sep, skip)
        if width == 0:
            raise UnusableFileError(name, "the file holds no rows.", "export the staff-in-post report again.")
        _check_size(name, text.lines - skip, width)
        lines = _Lines(skip)
        checked = text.stream is source   # the file itself, every byte of it found to be UTF-8 by the scan
        table = _arrow_read(name, text.stream, sep, width, skip, quotes=text.quotes, checked=checked)
        _check_size(name, table.records, max([width] + [c for _n, c, _t in table.others]))
        stray_lines: list[int] = []
        if table.records != text.lines - skip:  # some record spans line breaks
            strays = _multiline(table, sep, width, skip, lines)
            if strays:
                patched = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=_SPOOL))
                stray_lines = _patch(text.stream, patched, strays, sep)
                table = _arrow_read(name, patched, sep, width, skip, checked=checked)
                lines = _Lines(skip)
                _multiline(table, sep, width, skip, lines)
        grid, long_cells = _assemble(name, table, sep, read)
        notes = text.notes(lines) + _stray_notes(stray_lines, lines) + lines.notes + long_cells
        if not head and table.records + lines.extra != text.lines - skip:
            notes.append(ReaderNote(
                ProblemCode.STRAY_QUOTE, None, f"the file has {text.lines - skip:,} lines, but {table.records:,} rows "
                f"were read from them (and {lines.extra:,} lines are taken by cells holding line breaks).",
                "look for a stray quote (\") in the file and remove it.", "warning", "rows read as found"))
    return CsvGrid(frame=grid, delimiter=sep, notes=notes)


def _head(path: Path) -> bytes:
    """The first part of a file, to the end of its last whole line."""
    with path.open("rb") as f:
        part = f.read(_SAMPLE)
        if not f.read(1):
            return part
    end = max(part.rfind(b"\n"), part.rfind(b"\r"))
    return part[: end + 1] if end > 0 else part


def _limit(what: str) -> int:
    """The limit on a CSV file's bytes, rows or cells: its environment variable's, else the default."""
    value = os.environ.get(LIMIT_VARIABLES[what], "").replace(",", "").replace("_", "").strip()
    default = {"bytes": MAX_CSV_BYTES, "rows": MAX_CSV_ROWS, "cells": MAX_CSV_CELLS}[what]
    try:
        number = float(value) * (2**20 if what == "bytes" else 1) if value else default
    except ValueError:
        return default
    return int(number) if number > 0 else default


def _too_large(name: str, what: str, problem: str) -> UnusableFileError:
    unit = "a number of megabytes" if what == "bytes" else f"a number of {what}"
    return UnusableFileError(name, problem, f"split the export, or give it as a parquet file; or raise the limit by "
                             f"setting the environment variable {LIMIT_VARIABLES[what]} to {unit} (each million rows "
                             "read takes about 1 GB of memory).")


def _check_size(name: str, rows: int, width: int) -> None:
    if rows > _limit("rows"):
        raise _too_large(name, "rows", f"the file has {rows:,} rows, more than the {_limit('rows'):,} read from a CSV "
                         "file.")
    if rows * width > _limit("cells"):
        raise _too_large(name, "cells", f"the file has {rows * width:,} cells ({rows:,} rows of {width:,} columns), "
                         f"more than the {_limit('cells'):,} read from a CSV file.")


# ---------------------------------------------------------------- encoding


def _register_fallback() -> str:
    """The name of a decoding error handler reading a byte that is not UTF-8 as Windows text (cp1252)."""

    def fallback(exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        return _windows_character(exc.object[exc.start]), exc.start + 1

    codecs.register_error("workforce.cp1252", fallback)
    return "workforce.cp1252"


def _windows_character(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: no character in cp1252
        return "\ufffd"


_FALLBACK = _register_fallback()


@dataclass
class _Text:
    """The file's text as UTF-8 bytes (the file itself, or a converted copy), and how it was found."""

    stream: IO[bytes]
    lines: int  # lines, counting a last line without its line break
    encoding_note: str = ""
    stray_bytes: list[tuple[int, bytes]] = field(default_factory=list)  # (line, the bytes) for lines holding any
    lines_with_strays: int = 0
    quotes: bool = True  # whether the text holds a quote (")
    windows: bool = False  # bytes that are not UTF-8, and no UTF-8 beyond ASCII: Windows text throughout
    damaged: list[int] = field(default_factory=list)  # lines of UTF-16/32 text whose bytes are out of step

    def notes(self, lines: _Lines) -> list[ReaderNote]:
        out = []
        if self.encoding_note:
            out.append(ReaderNote(ProblemCode.TEXT_ENCODING, None, self.encoding_note,
                                  "if any letters look wrong, save the file again as 'CSV UTF-8' from Excel."))
        for line, found in self.stray_bytes:
            codes = ", ".join(f"0x{b:02X}" for b in found)
            read = ", ".join(f"'{_windows_character(b)}'" for b in found)
            several = len(found) > 1
            out.append(ReaderNote(
                ProblemCode.NOT_UTF8, lines.row(line),
                f"{'characters' if several else 'a character'} that {'are' if several else 'is'} not UTF-8 "
                f"(byte{'s' if several else ''} {codes}) on line {line} of the file, read as {read}.",
                "check the letters on this row; save the file as 'CSV UTF-8' from Excel to be sure.", "warning",
                f"read as {read}"))
        for line in self.damaged[:_MAX_DAMAGED_LINES]:
            out.append(ReaderNote(
                ProblemCode.DAMAGED_TEXT, lines.row(line),
                f"the text on line {line} of the file is damaged: its {self.encoding_note.split()[3]} bytes are out "
                "of step (a byte missing or added), so it reads as other characters and may hold several records.",
                "export the file again; or open it in Excel and save it as 'CSV UTF-8'.", "warning",
                "read as it stands"))
        if len(self.damaged) > _MAX_DAMAGED_LINES:
            out.append(ReaderNote(ProblemCode.DAMAGED_TEXT, None, f"{len(self.damaged) - _MAX_DAMAGED_LINES:,} more "
                                  "lines are damaged the same way.", "export the file again.", "warning",
                                  "read as they stand"))
        more = self.lines_with_strays - len(self.stray_bytes)
        if more > 0:
            out.append(ReaderNote(ProblemCode.NOT_UTF8, None, f"{more:,} more lines hold characters that are not "
                                  "UTF-8, read as Windows text (cp1252).",
                                  "save the file as 'CSV UTF-8' from Excel.", "warning", "read as Windows text"))
        return out


def _utf8_text(name: str, source: IO[bytes], spool: IO[bytes], final: bool) -> _Text:
    """The file's text as UTF-8: ``source`` itself when it is UTF-8, else a converted copy in ``spool``."""
    start = source.read(65536)
    source.seek(0)
    wide = next((enc for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
                 if start.startswith(bom)), None)
    if wide is None and b"\x00" in start:
        wide = _utf16_without_bom(start)
        if wide is None and _looks_binary(start):
            raise _not_text(name, start)
    if wide is not None:
        _convert(source, spool, codecs.getincrementaldecoder(wide)("replace"), final)
        text = _scan(name, spool)
        label = "UTF-32" if "32" in wide else "UTF-16"
        text.encoding_note = f"the file is {label} text (as Excel saves 'Unicode Text'); it was read as such."
        text.damaged = _out_of_step(spool)
        return text
    text = _scan(name, source)
    if not text.lines_with_strays:
        return text
    if text.windows:  # no UTF-8 beyond ASCII at all: Windows text throughout
        _convert(source, spool, codecs.getincrementaldecoder("cp1252")("replace"), final)
        return _Text(spool, text.lines, "the file is not UTF-8 text; it was read as Windows text (cp1252).",
                     quotes=text.quotes)
    _convert(source, spool, codecs.getincrementaldecoder("utf-8")(_FALLBACK), final)
    text.stream = spool
    return text


_MAX_DAMAGED_LINES = 100
#: What UTF-16 text reads as when a byte is lost or added: every ASCII character c becomes U+cc00 (a line break,
#: U+0A00), and a byte left over becomes the replacement character U+FFFD.  One such character can be a real
#: letter (U+4E00 is a common Chinese character), three in a row are not.
_OUT_OF_STEP = re.compile(b"(?:" + b"|".join(re.escape(chr(c << 8).encode("utf-8")) for c in range(0x09, 0x7F))
                          + b"){3,}|" + re.escape("\ufffd".encode("utf-8")))   # three in a row: not a name's 一


def _out_of_step(stream: IO[bytes]) -> list[int]:
    """Lines (1-based) of converted wide text holding characters that only bytes out of step produce."""
    stream.seek(0)
    out = []
    for number, line in enumerate(stream, start=1):
        if _OUT_OF_STEP.search(line):
            out.append(number)
    stream.seek(0)
    return out


def _utf16_without_bom(start: bytes) -> str | None:
    """UTF-16 without a byte-order mark: every other byte NUL (the text being mostly ASCII)."""
    part = start[: len(start) // 2 * 2][:4096]
    if len(part) < 4:
        return None
    even, odd = part[0::2], part[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(start: bytes) -> bool:
    """Whether a file's start is binary: a zip or OLE file, or many control characters (a few: a damaged text)."""
    controls = len(_CONTROL.findall(start))
    return start.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or controls > max(8, 0.05 * len(start))


def _not_text(name: str, start: bytes) -> UnusableFileError:
    if start.startswith(b"PK\x03\x04"):
        return UnusableFileError(name, "this is an Excel workbook (or another zipped file), not a CSV text file.",
                                 "if it is an Excel workbook, rename it to end in .xlsx; otherwise open it in Excel "
                                 "and save it as CSV UTF-8.")
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return UnusableFileError(name, "this is an old Excel workbook (.xls), not a CSV text file.",
                                 "rename it to end in .xls, or open it in Excel and save it as CSV UTF-8.")
    return UnusableFileError(name, "this is not a text file (it holds binary data), so it cannot be read as CSV.",
                             "check the file is the export; open it in Excel and save it as CSV UTF-8.")


def _convert(source: IO[bytes], out: IO[bytes], decoder: codecs.IncrementalDecoder, final: bool) -> None:
    """Write ``source``'s text, decoded by ``decoder``, to ``out`` as UTF-8 (``final``: the whole file)."""
    while chunk := source.read(_CHUNK):
        out.write(decoder.decode(chunk).encode("utf-8", "surrogatepass"))
    out.write(decoder.decode(b"", final=final).encode("utf-8", "surrogatepass"))
    out.seek(0)
    source.seek(0)


def _scan(name: str, stream: IO[bytes]) -> _Text:
    """Count the lines, refuse a NUL byte, and find the bytes that are not UTF-8, a chunk of whole lines at a time.

    Each look is a pass of C over the bytes, with no Python work per line.  ``quotes`` is set when the text
    holds a quote.  ``windows`` is set when bytes that are not UTF-8 are found and no UTF-8 sequence beyond
    ASCII: then the file is Windows text throughout.
    """
    lines = 0
    last = b""
    multibyte = 0
    text = _Text(stream, 0, quotes=False)
    while chunk := stream.read(_CHUNK):
        # the rest of the chunk's last line, looked at apart (joining the two would copy the chunk): together
        # they are whole lines, so that no character or line break is cut in two
        tail = b"" if chunk.endswith(b"\n") else stream.readline()
        if b"\x00" in chunk or b"\x00" in tail:
            whole = chunk + tail
            line = lines + _count_lines(whole[:whole.find(b"\x00")]) + 1
            raise UnusableFileError(name, f"line {line} holds a NUL character (a zero byte), which a text file does "
                                          "not hold: the file is damaged or is not a CSV export.",
                                    f"remove the NUL characters from line {line}, or export the file again and save "
                                    "it as CSV UTF-8 from Excel.")
        if not (chunk.isascii() and tail.isascii()):
            whole = chunk + tail
            try:
                whole.decode("utf-8")
                multibyte += 1
            except UnicodeDecodeError:
                multibyte += _find_strays(whole, lines, text)
        split = chunk.endswith(b"\r") and tail.startswith(b"\n")   # a CR LF cut in two is one line break
        lines += _count_lines(chunk) + _count_lines(tail) - split
        text.quotes = text.quotes or b'"' in chunk or b'"' in tail
        last = (tail or chunk)[-1:]
    text.lines = lines + (1 if last not in (b"\n", b"\r", b"") else 0)
    stream.seek(0)
    text.windows = bool(text.lines_with_strays) and not multibyte
    return text


def _find_strays(chunk: bytes, lines_before: int, text: _Text) -> int:
    """Record the lines of ``chunk`` holding bytes that are not UTF-8; the number of UTF-8 sequences in it."""
    valid = 0
    by_line: dict[int, list[int]] = {}
    position, line = 0, lines_before + 1
    for match in _UTF8_SEQUENCE.finditer(chunk):
        if match.group(1) is None:
            valid += 1
            continue
        line += _count_lines(chunk[position:match.start()])
        position = match.start()
        by_line.setdefault(line, []).append(chunk[position])
    for line, found in by_line.items():
        text.lines_with_strays += 1
        if len(text.stray_bytes) < _MAX_LINE_NOTES:
            text.stray_bytes.append((line, bytes(found)))
    return valid


def _count_lines(data: bytes) -> int:
    """Line breaks in ``data``: CR LF, LF, or CR alone (old Macs)."""
    if len(data) < 65536:   # a short piece: quicker counted by Python than handed to numpy
        lf = data.count(b"\n")
        return lf + data.count(b"\r") - data.count(b"\r\n") if b"\r" in data else lf
    byte = np.frombuffer(data, dtype=np.uint8)
    lf = int(np.count_nonzero(byte == 10))
    if b"\r" not in data:
        return lf
    cr = byte == 13
    return lf + int(np.count_nonzero(cr)) - int(np.count_nonzero(cr[:-1] & (byte[1:] == 10)))


# ---------------------------------------------------------------- delimiter and width


def _sample(stream: IO[bytes]) -> str:
    part = stream.read(_SAMPLE)
    stream.seek(0)
    if len(part) == _SAMPLE:
        end = max(part.rfind(b"\n"), part.rfind(b"\r"))
        part = part[: end + 1] if end > 0 else part
    return part.decode("utf-8", "replace").removeprefix("\ufeff")


def _delimiter_and_skip(sample: str) -> tuple[str, int]:
    """The delimiter, and 1 if the first line is Excel's ``sep=`` line (which is not a row)."""
    first = sample.splitlines()[0] if sample else ""
    if match := _SEP_LINE.match(first):
        return match.group(1), 1
    return _delimiter(sample), 0


def _delimiter(sample: str) -> str:
    """The delimiter that splits the most early lines into the same number of fields (the comma on a tie).

    A semicolon export with decimal commas ("1;Smith, Jo;0,8") splits into as many fields by comma as by
    semicolon on its data lines, but only the semicolon splits its header too.
    """
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    scores = {}
    for sep in (",", ";", "\t", "|"):
        counts = Counter(line.count(sep) for line in lines)
        counts.pop(0, None)
        mode, times = max(counts.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        scores[sep] = (times, mode, sep == ",")
    return max(scores, key=lambda sep: scores[sep])


def _width(sample: str, sep: str, skip: int) -> int:
    """The usual number of fields of a record in the sample (lines with more or fewer are read one by one)."""
    widths: Counter[int] = Counter()
    lines = sample.splitlines(keepends=True)[skip:]
    if _fast.ENABLED and '"' not in sample and max(map(len, lines), default=0) < csv.field_size_limit():
        # no quotes: each line's fields are its delimiters and one (none for an empty line), as csv reads them
        widths = Counter(line.count(sep) + 1 if line.strip("\r\n") else 0 for line in lines)
        lines = []
    try:
        for record in csv.reader(lines, delimiter=sep):
            widths[len(record)] += 1
    except csv.Error:  # a field beyond csv's limit: count the delimiters instead
        widths = Counter(line.count(sep) + 1 for line in lines if line.strip())
    widths.pop(0, None)
    if not widths:
        return 0
    several = {w: n for w, n in widths.items() if w > 1}
    return max(several or widths, key=lambda w: ((several or widths)[w], w))


# ---------------------------------------------------------------- reading


@dataclass
class _Read:
    """What Arrow read: the records of the usual width, and the others (by record number) to read one by one."""

    table: pa.Table
    others: list[tuple[int, int, str]]  # (record, fields, text)
    width: int
    records: int  # all records read: the table's rows and the others

    @property
    def text_type(self) -> pa.DataType:
        """The Arrow type of the table's text columns."""
        return self.table.schema.field(0).type

    def table_records(self) -> np.ndarray:
        """The record number (1-based) of each row of ``table``."""
        numbers = np.arange(1, self.records + 1)
        if not self.others:
            return numbers
        return numbers[~np.isin(numbers, [n for n, _c, _t in self.others])]


def _arrow_read(name: str, stream: IO[bytes], sep: str, width: int, skip: int, *, quotes: bool = True,
                checked: bool = False) -> _Read:
    """Read ``stream`` with Arrow's CSV reader: the records of ``width`` fields, the others set aside.

    ``quotes``: the text holds a quote, so a field may hold line breaks (without one, no record can span
    lines, and Arrow looks for the ends of records more quickly).  ``checked``: the text is known to be UTF-8
    (the scan decoded it), so Arrow need not check it again.
    """
    names = [str(i) for i in range(width)]
    others: list[tuple[int, int, str]] = []
    text = pa.large_string() if stream.seek(0, io.SEEK_END) >= _WIDE_TEXT else pa.string()

    def other(row) -> str:
        others.append((row.number - skip, row.actual_columns, row.text))
        return "skip"

    block = _BLOCK
    while True:
        stream.seek(0)
        others.clear()
        try:
            table = pcsv.read_csv(
                stream,
                read_options=pcsv.ReadOptions(column_names=names, skip_rows=skip, use_threads=False, block_size=block),
                parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=quotes, ignore_empty_lines=False,
                                                invalid_row_handler=other),
                convert_options=pcsv.ConvertOptions(column_types={n: text for n in names}, check_utf8=not checked,
                                                    null_values=[""], strings_can_be_null=True,
                                                    quoted_strings_can_be_null=True))
            break
        except pa.ArrowInvalid as exc:
            if "straddling" in str(exc) and block < (1 << 31) - 1:  # a record longer than the block
                block = min(block * 8, (1 << 31) - 1)
                continue
            raise UnusableFileError(name, f"the file is not a readable CSV table ({str(exc).splitlines()[0][:200]}).",
                                    "open it in Excel and save it again as CSV UTF-8.") from None
    others.sort()
    return _Read(table, others, width, table.num_rows + len(others))


# ---------------------------------------------------------------- cells holding line breaks; stray quotes


class _Lines:
    """Which Excel row each line of the file is on, given the records that take several lines."""

    def __init__(self, skip: int) -> None:
        self.skip = skip
        self.starts: list[int] = []  # first line of each record taking several lines
        self.spans: list[int] = []  # the lines it takes beyond its first
        self.notes: list[ReaderNote] = []

    @property
    def extra(self) -> int:
        return sum(self.spans)

    def add(self, line: int, extra: int) -> None:
        self.starts.append(line)
        self.spans.append(extra)

    def row(self, line: int) -> int:
        """The Excel row of the record ``line`` is part of."""
        i = bisect_right(self.starts, line) - 1
        if i >= 0 and line <= self.starts[i] + self.spans[i]:
            line = self.starts[i]
            i -= 1
        return line - self.skip - sum(self.spans[: i + 1])


def _multiline(read: _Read, sep: str, width: int, skip: int, lines: _Lines) -> list[tuple[int, int]]:
    """Records spanning line breaks: cells holding line breaks are noted in ``lines``; stray quotes returned.

    Returns the (first line, lines beyond it) of each record that a stray quote made: a field spanning line
    breaks whose later lines look like records of their own (as many fields as half the table's width), or one
    longer than a cell can be, or a quote still open at the end of the file.
    """
    found: dict[int, tuple[int, bool]] = {}  # record -> (line breaks in it, whether a stray quote made it)
    enough = max(3, (width + 1) // 2)
    table_records = None
    for i in range(read.table.num_columns):
        column = read.table.column(i)
        broken = pc.match_substring_regex(column, "[\r\n]")
        if not pc.any(broken).as_py():
            continue
        if table_records is None:
            table_records = read.table_records()
        for row in _true(broken):
            text = column[int(row)].as_py()
            breaks, stray = found.get(int(table_records[row]), (0, False))
            found[int(table_records[row])] = (breaks + len(_BREAK.findall(text)),
                                             stray or _swallowed(text, sep, enough))
    for record, _fields, text in read.others:
        if _BREAK.search(text):
            found[record] = (len(_BREAK.findall(text)), _swallowed(text, sep, enough) or not _closed(text, sep))
    strays = []
    extra = 0
    for record in sorted(found):
        breaks, stray = found[record]
        line = record + skip + extra
        if stray:
            strays.append((line, breaks))
        else:
            lines.add(line, breaks)
            if len(lines.notes) < _MAX_LINE_NOTES:
                lines.notes.append(ReaderNote(
                    ProblemCode.MULTILINE_CELL, record, f"a cell on this row holds a line break, so the row takes "
                    f"{breaks + 1} lines of the file (lines {line} to {line + breaks}).", "", "note", ""))
        extra += breaks
    return strays


def _true(mask) -> np.ndarray:
    """The positions where a boolean Arrow array is true (null counts as false)."""
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def _swallowed(text: str, sep: str, enough: int) -> bool:
    """Whether a field's text holds whole lines of records (a stray quote swallowed them)."""
    if len(text) > MAX_CELL_CHARS:
        return True
    return any(part.count(sep) + 1 >= enough for part in _BREAK.split(text)[1:])


def _closed(text: str, sep: str) -> bool:
    """Whether a record's text has all its quotes closed."""
    try:
        list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
        return True
    except csv.Error as exc:
        return "unexpected end of data" not in str(exc)


def _patch(source: IO[bytes], out: IO[bytes], strays: list[tuple[int, int]], sep: str) -> list[int]:
    """Copy ``source`` to ``out`` with each line a stray quote swallowed written as a record of its own.

    Each such line is read alone; a line whose quotes do not close is split at every delimiter, its quotes
    taken as plain characters.  Returns the lines read that way.
    """
    todo = {line + k for line, breaks in strays for k in range(breaks + 1)}
    last = max(todo)
    literal = []
    line = 0
    source.seek(0)
    while chunk := source.read(_CHUNK):
        if not chunk.endswith((b"\n", b"\r")):
            chunk += source.readline()
        if line + _count_lines(chunk) + 1 < min(todo) or line > last:
            out.write(chunk)
            line += _count_lines(chunk)
            continue
        for raw in chunk.splitlines(keepends=True):
            line += 1
            if line not in todo:
                out.write(raw)
                continue
            body = raw.rstrip(b"\r\n").decode("utf-8")
            try:
                fields = next(csv.reader([body], delimiter=sep, strict=True), [])
            except csv.Error:
                fields = body.split(sep)
                literal.append(line)
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=sep, lineterminator="\n").writerow(fields)
            out.write(buffer.getvalue().encode("utf-8"))
    out.seek(0)
    return literal


def _stray_notes(literal: list[int], lines: _Lines) -> list[ReaderNote]:
    notes = []
    for line in literal[:_MAX_LINE_NOTES]:
        notes.append(ReaderNote(
            ProblemCode.STRAY_QUOTE, lines.row(line),
            f"line {line} has a quote (\") that opens a field but does not close it, so the lines after it were "
            "read as part of one cell; each line was read as a row of its own, the quote taken as a plain character.",
            f"remove the stray \" on line {line} (or put quotes round the whole cell, doubling any quote inside it).",
            "warning", "line read on its own"))
    if len(literal) > _MAX_LINE_NOTES:
        notes.append(ReaderNote(ProblemCode.STRAY_QUOTE, None, f"{len(literal) - _MAX_LINE_NOTES:,} more lines have "
                                "a stray quote (\"); each was read as a row of its own.",
                                "remove the stray quotes.", "warning", "line read on its own"))
    return notes


# ---------------------------------------------------------------- the grid


def _assemble(name: str, read: _Read, sep: str,
              wanted: Callable[[list], bool] | None = None) -> tuple[pd.DataFrame, list[ReaderNote]]:
    """The grid of all records in order (the others read one by one), blank and too-long cells set aside.

    Each column is dictionary-encoded (a pandas Categorical of ``str`` categories): its distinct values are
    looked at once each, and its text is let go as soon as it is encoded, so that the file's text is never
    held twice.  A column that ``wanted`` (given its first cells) says the loader does not read is kept as
    text: its values are never looked at one by one; so is a column of identifiers (nearly every value
    different), whose dictionary would cost as much as its text.
    """
    table = _with_others(name, read, sep) if read.others else read.table
    read.table = table.schema.empty_table()   # so that nothing else holds the text: each column is let go once encoded
    rows, columns = table.num_rows, table.columns
    del table
    plain = ({i for i, column in enumerate(columns)
              if not wanted(column.slice(0, TOP_ROWS).to_pylist()) or _identifiers(column)}
             if wanted is not None and _fast.ENABLED else set())
    encoded: list[pa.ChunkedArray | None] = []
    for i in range(len(columns)):
        encoded.append(None if i in plain else pc.dictionary_encode(columns[i]))
        if i not in plain:
            columns[i] = None
    # every chunk of an encoded column shares one dictionary: the column's distinct values, cast all at once
    # to the large strings pandas keeps text in
    dictionaries = [e.chunk(0).dictionary if e is not None and e.num_chunks else pa.array([], read.text_type)
                    for e in encoded]
    every = pc.cast(pa.concat_arrays(dictionaries), pa.large_string())
    starts = np.cumsum([0] + [len(d) for d in dictionaries])
    values = [every.slice(start, len(d)) for start, d in zip(starts.tolist(), dictionaries)]
    del dictionaries
    look = _columns_to_look_at(values)
    notes: dict[int, list[ReaderNote]] = {}   # each column's notes (too-long cells), by column
    grid: dict[int, pd.Categorical | pd.arrays.ArrowStringArray] = {}
    step = max(1, _CODES_AT_ONCE // max(rows, 1))   # columns whose codes are taken at a time
    to_encode = [i for i in range(len(encoded)) if i not in plain]
    for first in range(0, len(to_encode), step):
        group = to_encode[first:first + step]
        indices = pa.chunked_array([chunk.indices for i in group for chunk in encoded[i].chunks],  # type: ignore[union-attr]
                                   pa.int32())
        for i in group:
            encoded[i] = None
        codes = pc.fill_null(indices, -1).to_numpy().reshape(len(group), rows)
        for i, column_codes in zip(group, codes):
            distinct = values[i]
            if i in look:
                column_codes, distinct = _set_aside(column_codes, distinct, i, notes.setdefault(i, []))
            grid[i] = categorical(column_codes, distinct)
    for i in sorted(plain):
        grid[i] = _text_column(columns[i], i, notes.setdefault(i, []))
        columns[i] = None
    frame = pd.DataFrame({i: grid[i] for i in range(len(grid))}, copy=False)
    frame.columns = pd.RangeIndex(len(grid))
    return frame, [note for i in sorted(notes) for note in notes[i]]


_SAMPLE_CELLS = 2048   # a column's first cells, looked at to tell a column of identifiers


def _identifiers(column: pa.ChunkedArray) -> bool:
    """Whether a column's first cells are nearly all different (employee numbers, dates of birth)."""
    head = column.slice(0, _SAMPLE_CELLS)
    filled = len(head) - head.null_count
    return filled >= 64 and pc.count_distinct(head).as_py() > 0.9 * filled


def _text_column(column: pa.ChunkedArray, index: int, notes: list[ReaderNote]) -> pd.arrays.ArrowStringArray:
    """A column kept as text, its blank and too-long cells set aside (each too-long one noted)."""
    text = pc.cast(column, pa.large_string()).combine_chunks()   # one chunk: its distinct values are found at once
    blank = pc.fill_null(pc.utf8_is_space(text), False).to_numpy(zero_copy_only=False)
    long = pc.fill_null(pc.greater(pc.binary_length(text), MAX_CELL_CHARS), False).to_numpy(zero_copy_only=False)
    if blank.any() or long.any():
        length = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
        too_long = long & (length > MAX_CELL_CHARS)
        for row in np.flatnonzero(too_long):
            notes.append(_too_long_note(index, int(row), int(length[row])))
        text = pc.if_else(pa.array(blank | too_long), pa.scalar(None, pa.large_string()), text)
    return pd.arrays.ArrowStringArray(text, dtype=_STR)  # type: ignore[call-arg]


def _too_long_note(column: int, row: int, length: int) -> ReaderNote:
    return ReaderNote(
        ProblemCode.CELL_TOO_LONG, row + 1,
        f"the cell in column {column_letters(column + 1)} holds {length:,} characters, more "
        f"than the {MAX_CELL_CHARS:,} a cell can hold in Excel; it was set aside.",
        "check this row of the export: a cell this long is usually a fault in the export.", "warning",
        "value treated as missing")


def _columns_to_look_at(values: list[pa.Array]) -> set[int]:
    """The columns whose distinct values hold a blank or a too-long cell, found for all columns at once.

    (A table may have 16,384 columns: one look at all their distinct values is quicker than one per column.)
    """
    sizes = np.array([len(v) for v in values], dtype=np.int64)
    if not sizes.sum():
        return set()
    cells = pa.chunked_array(values, values[0].type)
    blank = pc.fill_null(pc.utf8_is_space(cells), False).to_numpy(zero_copy_only=False)
    long = pc.fill_null(pc.greater(pc.binary_length(cells), MAX_CELL_CHARS), False).to_numpy(zero_copy_only=False)
    found = np.concatenate([[0], np.cumsum(blank | long)])   # bytes: no fewer than characters
    ends = np.cumsum(sizes)
    return set(np.flatnonzero(found[ends] > found[ends - sizes]).tolist())


def _set_aside(codes: np.ndarray, distinct: pa.Array, column: int,
               notes: list[ReaderNote]) -> tuple[np.ndarray, pa.Array]:
    """A column's codes and distinct values without its blank and too-long cells (each too-long one noted)."""
    length = pc.utf8_length(distinct).to_numpy(zero_copy_only=False)
    too_long = length > MAX_CELL_CHARS
    drop = pc.utf8_is_space(distinct).to_numpy(zero_copy_only=False) | too_long
    for row in np.flatnonzero(np.isin(codes, np.flatnonzero(too_long))):
        notes.append(_too_long_note(column, int(row), int(length[codes[row]])))
    new_code = np.cumsum(~drop) - 1   # each value kept, numbered again
    new_code[drop] = -1
    codes = np.where(codes >= 0, new_code[np.maximum(codes, 0)], -1)
    return codes, distinct.filter(pa.array(~drop))


_STR = pd.StringDtype("pyarrow", na_value=np.nan)
_CODE_TYPES = [(np.iinfo(t).max, t) for t in (np.int8, np.int16, np.int32)]


def categorical(codes: np.ndarray, distinct: pa.Array) -> pd.Categorical:
    """A pandas Categorical of ``str`` categories from Arrow's codes (-1: missing) and distinct values."""
    categories = pd.Index(pd.arrays.ArrowStringArray(distinct, dtype=_STR))  # type: ignore[call-arg]
    smallest = next((t for most, t in _CODE_TYPES if len(categories) < most), np.int64)
    return pd.Categorical.from_codes(codes.astype(smallest), dtype=_dtype(categories), validate=False)


def dictionary_encoded(values: pd.Series) -> pd.Categorical:
    """A text column as a Categorical, dictionary-encoded by Arrow as the reader encodes a column it reads.

    Its categories are the distinct values in order of first appearance; missing values stay missing.
    """
    text = pa.array(values, type=pa.large_string())
    found = pc.dictionary_encode(text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text)
    return categorical(pc.fill_null(found.indices, -1).to_numpy(zero_copy_only=False), found.dictionary)


def _dtype(categories: pd.Index) -> pd.CategoricalDtype:
    """The categorical dtype of categories known to be unique (Arrow's distinct values).

    pandas' own check would hash every category again as a Python string, and keep that hash table (as large
    as the column's text) with the categories: it is skipped where pandas allows it.
    """
    unchecked = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    return unchecked(categories, False) if unchecked else pd.CategoricalDtype(categories)


def _with_others(name: str, read: _Read, sep: str) -> pa.Table:
    """The table read with the records of another width (title, totals and short rows) put back in their places."""
    table, text_type = read.table, read.text_type
    rows: dict[int, list[str | None]] = {}
    by_width: dict[int, list[tuple[int, str]]] = {}
    for number, count, text in read.others:
        by_width.setdefault(count, []).append((number, text))
    for count, group in by_width.items():
        for number, fields in zip([n for n, _t in group], _read_rows([t for _n, t in group], sep, count)):
            rows[number] = fields
    width = max([read.width] + [len(fields) for fields in rows.values()])
    if width > MAX_COLUMNS:
        record = next(n for n, fields in sorted(rows.items()) if len(fields) == width)
        raise UnusableFileError(name, f"row {record} has {width:,} fields, more than the {MAX_COLUMNS:,} columns "
                                      "Excel can hold.", "check the delimiter of that row; export the file again.")
    numbers = sorted(rows)
    extra = pa.table({str(i): pa.array([rows[n][i] if i < len(rows[n]) else None for n in numbers], text_type)
                      for i in range(width)})
    table = pa.table({str(i): table.column(i) if i < table.num_columns else pa.nulls(table.num_rows, text_type)
                      for i in range(width)})
    # each record from the main table, or from ``extra``, in order
    order = np.empty(read.records, dtype=np.int64)
    is_other = np.zeros(read.records, dtype=bool)
    is_other[np.asarray(numbers) - 1] = True
    order[~is_other] = np.arange(table.num_rows)
    order[is_other] = table.num_rows + np.arange(len(numbers))
    return pa.concat_tables([table, extra]).take(pa.array(order))


def _read_rows(texts: list[str], sep: str, count: int) -> list[list[str | None]]:
    """Records of ``count`` fields, each given as its text."""
    try:
        part = pcsv.read_csv(io.BytesIO("\n".join(texts).encode("utf-8")),
                             read_options=pcsv.ReadOptions(column_names=[str(i) for i in range(count)],
                                                           use_threads=False),
                             parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                                                             ignore_empty_lines=False),
                             convert_options=pcsv.ConvertOptions(column_types={str(i): pa.large_string()
                                                                               for i in range(count)},
                                                                 null_values=[""], strings_can_be_null=True,
                                                                 quoted_strings_can_be_null=True))
        if part.num_rows == len(texts):
            return [list(r) for r in zip(*(part.column(i).to_pylist() for i in range(count)))]
    except pa.ArrowInvalid:
        pass
    out = []
    for text in texts:
        try:
            fields = next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), [])
        except csv.Error:
            fields = text.split(sep)
        out.append([f if f != "" else None for f in fields])
    return out

