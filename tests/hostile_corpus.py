"""A corpus of hostile and messy input files, each with the exit code and message a user should get.

Every case is one small function writing one file (or a few, or a path that is not a file) and a
:class:`Case` saying what ``workforce validate`` (or ``workforce report``) must answer: the exit code
(0 valid, 1 problems found, 2 file unusable), a regular expression the output must match, and text the
output must never hold (an identifier, a raw escape character).  Nothing here is committed as a binary:
the files are generated, the large ones (a 1 GiB shared string, 1,047,971 blank lines) as compressed
data written in a stream, so the files on disk stay small.

Run ``python tests/hostile_corpus.py OUTDIR`` to write every case into ``OUTDIR/<case name>/`` with a
``cases.tsv`` listing what each should give; ``tests/test_hostile_corpus.py`` runs them.  The workbook
writer here (:func:`workbook_parts`, :func:`write_zip`) writes the XML parts and the zip directly, so a
case can drop a part, lie about a size or put a cell anywhere; :mod:`tests.test_fuzz_exports` mutates
them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["CASES", "Case", "Precompressed", "bomb", "staff_rows", "workbook_parts", "write_cases", "write_zip",
           "HEADERS", "excel_ref"]

# ------------------------------------------------------------------------------------------------ the data

HEADERS = ["Assignment Number", "Employee Number", "Last Name", "Organisation", "Staff Group", "Job Role",
           "Pay Band", "Assignment Category", "Primary Assignment", "Contracted WTE", "Hire Date",
           "Date of Birth", "Gender", "Ethnic Origin", "Disability"]
_ETHNICITY = ["A White - British", "H Asian or Asian British - Indian", "C White - Any other White background",
              "M Black or Black British - Caribbean", "J Asian or Asian British - Pakistani", "Z Not Stated"]
_BANDS = ["Band 2", "Band 3", "Band 5", "Band 6", "Band 7", "Band 8a"]
_GROUPS = ["Nursing and Midwifery Registered", "Administrative and Clerical", "Allied Health Professionals"]
ORGANISATION = "Hostile Test Trust"


def staff_rows(n: int = 30, *, start: int = 0, dates: str = "date") -> list[list]:
    """``n`` valid staff rows (one assignment each) in the order of :data:`HEADERS`.

    ``dates``: ``"date"`` for :class:`datetime.date` values (Excel dates), ``"text"`` for dd/mm/yyyy.
    """
    rows = []
    for i in range(start, start + n):
        hire, born = dt.date(2010 + i % 12, 1 + i % 12, 1 + i % 28), dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 27)
        if dates == "text":
            hire, born = hire.strftime("%d/%m/%Y"), born.strftime("%d/%m/%Y")
        rows.append([f"{20000 + i}-1", f"{20000 + i}", f"Surname{i}", ORGANISATION, _GROUPS[i % 3],
                     "Staff Nurse" if i % 3 == 0 else "Clerk" if i % 3 == 1 else "Physiotherapist",
                     _BANDS[i % 6], "Permanent", "Yes", [1.0, 0.8, 0.6, 1.0][i % 4], hire, born,
                     "Female" if i % 3 else "Male", _ETHNICITY[i % 6], "No" if i % 5 else "Yes"])
    return rows


TITLE = [["Staff in Post"], ["As at 31/03/2025"], []]


def export_grid(n: int = 30, *, title: bool = True, dates: str = "date") -> list[list]:
    """Title rows, a blank row, the header and ``n`` staff rows: a small valid export."""
    return (TITLE if title else []) + [list(HEADERS)] + staff_rows(n, dates=dates)


# ------------------------------------------------------------------------------------------------ zip and xlsx

@dataclass(frozen=True)
class Precompressed:
    """A zip member given as raw deflate data with its CRC and uncompressed size (for bombs)."""

    data: bytes
    crc: int
    size: int


def bomb(unit: bytes, repeats: int, head: bytes = b"", tail: bytes = b"") -> Precompressed:
    """``head + unit * repeats + tail`` deflated without building it in memory.

    Each ``unit`` is deflated after a full flush, so every unit deflates to the same bytes: the member is
    written by repeating them.  1 GiB of one letter takes about 1 MB and a third of a second.
    """
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    piece = co.compress(unit) + co.flush(zlib.Z_FULL_FLUSH)
    data = first + piece * repeats + co.compress(tail) + co.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(unit, crc)
    return Precompressed(data, zlib.crc32(tail, crc), len(head) + len(unit) * repeats + len(tail))


def write_zip(path: Path, parts: Mapping[str, bytes | str | Precompressed], *, stored: Iterable[str] = ()) -> Path:
    """Write ``parts`` (member name -> content) as a zip, deflated (``stored``: members left uncompressed)."""
    stored = set(stored)
    local, central = bytearray(), bytearray()
    for name, content in parts.items():
        if isinstance(content, str):
            content = content.encode("utf-8")
        if isinstance(content, Precompressed):
            data, crc, size, method = content.data, content.crc, content.size, 8
        elif name in stored:
            data, crc, size, method = content, zlib.crc32(content), len(content), 0
        else:
            co = zlib.compressobj(6, zlib.DEFLATED, -15)
            data, crc, size, method = co.compress(content) + co.flush(), zlib.crc32(content), len(content), 8
        encoded = name.encode("utf-8")
        fields = (20, 0, method, 0x4800, 0x5A81, crc, len(data), size, len(encoded))   # 1 April 2025, 09:00
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
    count = len(parts)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


def excel_ref(row: int, column: int) -> str:
    """The Excel reference of a 1-based row and column (``excel_ref(1, 16384) == "XFD1"``)."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_EPOCH = dt.date(1899, 12, 30)
_STYLES = (f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
           '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
#: Styles without the default cell style: openpyxl warns ("Workbook contains no default style").
STYLES_WITHOUT_DEFAULT = _STYLES.replace('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                                         "</cellStyles>", "")


class _Strings:
    """The shared-string table being built: text -> index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        return self.index.setdefault(text, len(self.index))

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in self.index)
        return f'<sst xmlns="{_MAIN}" count="{len(self.index)}" uniqueCount="{len(self.index)}">{items}</sst>'


def _cell(ref: str, value, strings: _Strings | None) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    if strings is None:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'
    return f'<c r="{ref}" t="s"><v>{strings(str(value))}</v></c>'


def sheet_xml(rows: list[list], strings: _Strings | None, *, extra: Mapping[str, object] = (),
              dimension: str | None = None) -> str:
    """A worksheet part holding ``rows`` from A1 (None: no cell) and the ``extra`` cells ({"XFD1048576": "x"})."""
    cells: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                cells[r, c] = _cell(excel_ref(r, c), value, strings)
    for ref, value in dict(extra).items():
        letters = ref.rstrip("0123456789")
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - 64
        cells[int(ref[len(letters):]), column] = _cell(ref, value, strings)
    out, current = [], None
    for (r, _c), xml in sorted(cells.items()):
        if r != current:
            out.append(("</row>" if current is not None else "") + f'<row r="{r}">')
            current = r
        out.append(xml)
    data = "".join(out) + ("</row>" if current is not None else "")
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">{dim}<sheetData>{data}</sheetData></worksheet>'


def workbook_parts(sheets: Mapping[str, list[list]], *, inline: bool = False,
                   extra: Mapping[str, Mapping[str, object]] | None = None,
                   dimension: Mapping[str, str] | None = None) -> dict[str, bytes | str | Precompressed]:
    """The parts of an ``.xlsx`` holding ``sheets`` (name -> rows), strings shared (as Excel writes) or inline.

    Returns the parts as a dict, in zip order, for a case to change before :func:`write_zip`.
    """
    strings = None if inline else _Strings()
    names = list(sheets)
    parts: dict[str, bytes | str | Precompressed] = {}
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
                        for i in range(1, len(names) + 1))
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
        + ("" if inline else f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>')
        + overrides + "</Types>")
    parts["_rels/.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    parts["xl/workbook.xml"] = (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        + "".join(f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                  for i, n in enumerate(names, start=1)) + "</sheets></workbook>")
    n = len(names)
    parts["xl/_rels/workbook.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                  for i in range(1, n + 1))
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        + ("" if inline else f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>')
        + "</Relationships>")
    parts["xl/styles.xml"] = _STYLES
    for i, (name, rows) in enumerate(sheets.items(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(rows, strings, extra=(extra or {}).get(name, {}),
                                                         dimension=(dimension or {}).get(name))
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings.xml()
    return parts


def xlsx(path: Path, rows: list[list], **options) -> Path:
    """Write one sheet, "Staff in Post", holding ``rows``."""
    return write_zip(path, workbook_parts({"Staff in Post": rows}, **options))


def csv_text(rows: list[list], sep: str = ",") -> str:
    """Rows as CSV text (quoted where needed), lines ending CRLF as Excel writes them."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(
        [["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in r] for r in rows])
    return out.getvalue()


def csv_file(path: Path, rows: list[list], sep: str = ",", encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(rows, sep).encode(encoding))
    return path


# ------------------------------------------------------------------------------------------------ the cases

@dataclass(frozen=True)
class Case:
    """One hostile file and what a user should get for it.

    Attributes
    ----------
    name : str
        The case's name (its folder in the corpus).
    filename : str
        The file the case writes (in its own folder).
    build : callable
        ``build(path)`` writes the file (and any other file of the case beside it).
    exit_code : int or tuple of int
        What the command must exit with: 0 valid, 1 problems found, 2 unusable (a tuple: any of them, where
        the issue allows either, such as "refuse, or stream" a sheet of a stray far cell).
    message : str
        A regular expression the output (stdout and stderr) must match.
    args : tuple of str
        The command; ``{file}`` is the case's file, ``{dir}`` its folder, ``{out}`` a new path.
    forbidden : tuple of str
        Text the output must never hold (identifiers of the file, raw escape characters).
    pending : str or None
        What of issue 13 has still to land for the case to pass (the test is then an expected failure).
    slow : bool
        Slow to build or to run: only in the slow run.
    check : callable or None
        ``check(folder)`` after the run: a failure message, or None.
    """

    name: str
    filename: str
    build: Callable[[Path], object]
    exit_code: int | tuple[int, ...]
    message: str
    args: tuple[str, ...] = ("validate", "{file}")
    forbidden: tuple[str, ...] = ()
    pending: str | None = None
    slow: bool = False
    check: Callable[[Path], str | None] | None = None
    root_skip: bool = field(default=False)


CASES: list[Case] = []


def case(filename: str, exit_code: int | tuple[int, ...], message: str, **options) -> Callable:
    """Register the decorated ``build(path)`` function as a :class:`Case` named after it."""
    def register(build: Callable[[Path], object]) -> Callable[[Path], object]:
        CASES.append(Case(build.__name__, filename, build, exit_code, message, **options))
        return build
    return register


UNUSABLE = r"Cannot use this (file|input)"
VALID = r"\bValid\.\s*$"
PROBLEMS = r"Problems found"
XLSX = "staff_in_post_2025-03-31.xlsx"
CSV = "staff_in_post_2025-03-31.csv"
GIB = 1 << 30

# ---------------------------------------------------------------- controls: valid files must stay valid


@case(XLSX, 0, r"30 people in 30 assignments[\s\S]*" + VALID)
def valid_xlsx(path: Path) -> None:
    xlsx(path, export_grid())


@case(CSV, 0, r"30 people in 30 assignments[\s\S]*" + VALID)
def valid_csv(path: Path) -> None:
    csv_file(path, export_grid(dates="text"))


# ---------------------------------------------------------------- xlsx: the bounding box of the used cells

_CELLS_REFUSED = r"(?i:cell[\s\S]*(XFD1048576|CV1048576|A1048576|XFD5|far|beyond|limit|too many))[\s\S]*Fix:"


def far_cell(ref: str) -> str:
    """The message refusing a sheet whose stray cell at ``ref`` makes the table too big to hold."""
    return (UNUSABLE + rf"[\s\S]*has a cell at {ref}, so the table would span[\s\S]*more than the limit[\s\S]*"
            r"Fix: in Excel, delete the stray cells")


#: "refuse, or stream": either the sheet is refused, saying why, or its cells are read and the staff counted.
REFUSED_OR_READ = rf"({_CELLS_REFUSED})|(30 people in 30 assignments[\s\S]*{VALID})"


@case(XLSX, 2, far_cell("XFD1048576"))
def stray_cell_xfd1048576(path: Path) -> None:
    xlsx(path, export_grid(), extra={"Staff in Post": {"XFD1048576": "x"}})


@case(XLSX, 2, far_cell("CV1048576"))
def stray_cell_cv1048576(path: Path) -> None:
    xlsx(path, export_grid(), extra={"Staff in Post": {"CV1048576": 1}})


@case(XLSX, 2, far_cell("XFD1600"))
def stray_cell_xfd_on_a_data_row(path: Path) -> None:
    """A stray cell far right on the fifth row: 16,384 columns times only a few rows is small; more rows is not."""
    xlsx(path, export_grid(), extra={"Staff in Post": {"XFD5": "x", "XFD1600": "y"}})


@case(XLSX, 2, UNUSABLE + r"[\s\S]*damaged[\s\S]*ZZZZ5[\s\S]*outside Excel's grid[\s\S]*Fix:")
def cell_beyond_column_xfd(path: Path) -> None:
    """A cell at ZZZZ5, past Excel's last column (XFD): calamine makes 475,254 columns."""
    xlsx(path, export_grid(), extra={"Staff in Post": {"ZZZZ5": "x"}})


@case(XLSX, 2, UNUSABLE + r"[\s\S]*damaged[\s\S]*A99999999[\s\S]*outside Excel's grid[\s\S]*Fix:")
def row_number_beyond_excel(path: Path) -> None:
    """A row numbered 99,999,999, past Excel's last row (1,048,576): openpyxl reads 99,999,999 rows."""
    xlsx(path, export_grid(), extra={"Staff in Post": {"A99999999": "x"}})


@case(XLSX, (0, 2), REFUSED_OR_READ)
def stray_cell_far_down_one_column(path: Path) -> None:
    """A1048576 holds a space: one column by a million rows is 1 M cells (within limits, but all blank)."""
    xlsx(path, export_grid(), extra={"Staff in Post": {"A1048576": " "}})


@case(XLSX, 0, r"30 people in 30 assignments[\s\S]*" + VALID)
def dimension_says_whole_sheet(path: Path) -> None:
    """The sheet's stored dimension claims A1:XFD1048576; the cells are a small table."""
    xlsx(path, export_grid(), dimension={"Staff in Post": "A1:XFD1048576"})


def _unknown_cell_type(parts: dict) -> dict:
    """One cell of a type calamine does not know (``t="zz"``): fastexcel refuses it, openpyxl (the fallback) reads it."""
    sheet = str(parts["xl/worksheets/sheet1.xml"])
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('<c r="J5"><v>1.0</v>', '<c r="J5" t="zz"><v>1.0</v>', 1)
    assert parts["xl/worksheets/sheet1.xml"] != sheet
    return parts


@case(XLSX, 0, r"30 people in 30 assignments[\s\S]*" + VALID)
def read_by_the_fallback_reader(path: Path) -> None:
    """A cell fastexcel cannot read, in a workbook without a default style: no Python warning is shown."""
    parts = _unknown_cell_type(workbook_parts({"Staff in Post": export_grid()}))
    parts["xl/styles.xml"] = STYLES_WITHOUT_DEFAULT
    write_zip(path, parts)


@case(XLSX, 0, r"4,000 people in 4,000 assignments[\s\S]*" + VALID)
def fallback_reader_and_whole_sheet_dimension(path: Path) -> None:
    """The fallback reader given a dimension of A1:XFD1048576 padded every row to 16,384 cells (1.7 GB for 3,000)."""
    parts = workbook_parts({"Staff in Post": export_grid(4000)}, dimension={"Staff in Post": "A1:XFD1048576"})
    write_zip(path, _unknown_cell_type(parts))


# ---------------------------------------------------------------- xlsx: decompression bombs

_BOMB = r"(?i)(too large|uncompressed|compress|limit|bomb)[\s\S]*Fix:"


@case(XLSX, 2, _BOMB, slow=True)
def shared_string_bomb(path: Path) -> None:
    """One shared string of 1 GiB, in a 1 MB file (it took 6.3 GB and 156 s, then said "Valid.")."""
    parts = workbook_parts({"Staff in Post": export_grid() + [["Notes", "see below"]]})
    sst = str(parts["xl/sharedStrings.xml"])
    head, _, rest = sst.partition('<t xml:space="preserve">see below')
    parts["xl/sharedStrings.xml"] = bomb(b"A" * (1 << 20), GIB >> 20, head=(head + "<t>").encode(),
                                         tail=("see below" + rest).encode())
    write_zip(path, parts)


@case(XLSX, 2, _BOMB, slow=True)
def whitespace_bomb(path: Path) -> None:
    """2 GiB of spaces inside the sheet's XML, between two rows (took 2.2 GB)."""
    parts = workbook_parts({"Staff in Post": export_grid()})
    sheet = str(parts["xl/worksheets/sheet1.xml"])
    head, _, tail = sheet.partition('<row r="10">')
    parts["xl/worksheets/sheet1.xml"] = bomb(b" " * (1 << 20), 2 * GIB >> 20, head=head.encode(),
                                             tail=('<row r="10">' + tail).encode())
    write_zip(path, parts)


@case(XLSX, 2, _BOMB)
def compression_ratio_bomb_small(path: Path) -> None:
    """A 200 MB run of one cell repeated, ratio about 1,000 to 1: refused before it is inflated."""
    parts = workbook_parts({"Staff in Post": export_grid()})
    sheet = str(parts["xl/worksheets/sheet1.xml"])
    head, _, tail = sheet.partition("</sheetData>")
    parts["xl/worksheets/sheet1.xml"] = bomb(b"<!-- " + b"x" * ((1 << 20) - 9) + b" -->", 200, head=head.encode(),
                                             tail=("</sheetData>" + tail).encode())
    write_zip(path, parts)


@case(XLSX, 2, r"(?i)(entit|DTD|DOCTYPE|not a valid|could not be read|damaged)[\s\S]*Fix:")
def xml_entity_bomb(path: Path) -> None:
    """A "billion laughs" DOCTYPE in the shared strings."""
    parts = workbook_parts({"Staff in Post": export_grid()})
    entities = '<!ENTITY a0 "hahahahahahahahahaha">' + "".join(
        f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    sst = str(parts["xl/sharedStrings.xml"]).replace("see", "see")
    parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
                                     + sst.replace("Staff in Post</t>", "&a9;</t>", 1))
    write_zip(path, parts)


@case(XLSX, 2, r"(?i)(entit|DTD|DOCTYPE|not a valid|could not be read|damaged)[\s\S]*Fix:",
      forbidden=("root:x:0",))
def xml_external_entity(path: Path) -> None:
    """An external entity naming /etc/passwd in a title cell: never read, never printed."""
    parts = workbook_parts({"Staff in Post": export_grid()})
    sst = str(parts["xl/sharedStrings.xml"])
    parts["xl/sharedStrings.xml"] = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                     + sst.replace("Staff in Post</t>", "Staff in Post &x;</t>", 1))
    write_zip(path, parts)


# ---------------------------------------------------------------- xlsx: broken parts

_BROKEN = UNUSABLE + r"[\s\S]*(could not be read|not a valid|damaged|corrupt|missing)[\s\S]*Fix:"


@case(XLSX, 2, _BROKEN + r"(?![\s\S]*fault in workforce)")
def shared_string_index_out_of_range(path: Path) -> None:
    parts = workbook_parts({"Staff in Post": export_grid()})
    parts["xl/worksheets/sheet1.xml"] = str(parts["xl/worksheets/sheet1.xml"]).replace(
        '<c r="A1" t="s"><v>0</v>', '<c r="A1" t="s"><v>999999</v>', 1)
    write_zip(path, parts)


@case(XLSX, (0, 1, 2), r"30 people in 30 assignments|" + _BROKEN)
def shared_string_index_not_a_number(path: Path) -> None:
    """The employee number of row 5 refers to shared text "-1x": read as it is written, or the file called damaged."""
    parts = workbook_parts({"Staff in Post": export_grid()})
    sheet = str(parts["xl/worksheets/sheet1.xml"])
    parts["xl/worksheets/sheet1.xml"] = re.sub(r'(<c r="B5" t="s"><v>)\d+', r"\g<1>-1x", sheet, count=1)
    assert parts["xl/worksheets/sheet1.xml"] != sheet
    write_zip(path, parts)


@case(XLSX, 2, _BROKEN)
def shared_strings_part_missing(path: Path) -> None:
    parts = workbook_parts({"Staff in Post": export_grid()})
    del parts["xl/sharedStrings.xml"]
    write_zip(path, parts)


@case(XLSX, 2, UNUSABLE + r"[\s\S]*damaged: sheet 'Staff in Post' is listed but its contents[\s\S]*Fix:")
def sheet_part_missing(path: Path) -> None:
    parts = workbook_parts({"Staff in Post": export_grid()})
    del parts["xl/worksheets/sheet1.xml"]
    write_zip(path, parts)


@case(XLSX, 2, UNUSABLE + r"[\s\S]*(damaged|a zip archive, not an Excel workbook)[\s\S]*Fix:")
def workbook_part_missing(path: Path) -> None:
    parts = workbook_parts({"Staff in Post": export_grid()})
    del parts["xl/workbook.xml"]
    write_zip(path, parts)


@case(XLSX, 2, _BROKEN)
def sheet_xml_malformed(path: Path) -> None:
    parts = workbook_parts({"Staff in Post": export_grid()})
    parts["xl/worksheets/sheet1.xml"] = str(parts["xl/worksheets/sheet1.xml"])[:-400] + "<c r=<<"
    write_zip(path, parts)


@case(XLSX, 2, _BROKEN)
def workbook_xml_malformed(path: Path) -> None:
    parts = workbook_parts({"Staff in Post": export_grid()})
    parts["xl/workbook.xml"] = "<workbook><sheets><sheet name='x' "
    write_zip(path, parts)


@case(XLSX, 2, _BROKEN)
def zip_truncated(path: Path) -> None:
    xlsx(path, export_grid())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@case(XLSX, 2, _BROKEN)
def zip_member_corrupted(path: Path) -> None:
    """Bytes in the middle of the deflated sheet overwritten: a bad CRC or a bad deflate stream."""
    xlsx(path, export_grid(200))
    data = bytearray(path.read_bytes())
    middle = data.find(b"xl/worksheets/sheet1.xml") + 400
    data[middle : middle + 64] = b"\x00\xff" * 32
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------- xlsx: many sheets, many columns


@case(XLSX, 0, VALID)
def sheets_1500(path: Path) -> None:
    sheets = {"Staff in Post": export_grid()}
    sheets.update({f"Notes {i}": [[f"Note {i}"]] for i in range(1, 1500)})
    write_zip(path, workbook_parts(sheets))


@case(XLSX, 0, r"16,?3\d\d[\s\S]*" + VALID)
def columns_16384(path: Path) -> None:
    """A header of 16,384 columns (the staff columns, then "Extra 16" ... "Extra 16384") and 30 rows."""
    rows = export_grid()
    rows[3] = rows[3] + [f"Extra {i}" for i in range(len(HEADERS) + 1, 16385)]
    write_zip(path, workbook_parts({"Staff in Post": rows}))


# ---------------------------------------------------------------- files of another kind


@case(XLSX, 2, UNUSABLE + r"[\s\S]*(password|encrypt)[\s\S]*Fix:")
def encrypted_ole(path: Path) -> None:
    """An encrypted workbook is an OLE compound file, whatever its extension says."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptionInfo" + bytes(4000))


@case(XLSX, 2, UNUSABLE + r"[\s\S]*(CSV|text)[\s\S]*Fix:")
def csv_renamed_xlsx(path: Path) -> None:
    path.write_text(csv_text(export_grid(dates="text")), encoding="utf-8")


@case("staff_in_post.xls", 2, UNUSABLE + r"[\s\S]*(HTML|web page)[\s\S]*Fix:")
def html_saved_as_xls(path: Path) -> None:
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>" for r in export_grid(5))
    path.write_text(f"<html><head><meta charset='utf-8'></head><body><table>{rows}</table></body></html>")


@case("staff_in_post.xls", 2, UNUSABLE + r"[\s\S]*Fix:")
def xls_garbage_ole(path: Path) -> None:
    """An OLE file with no workbook stream in it."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(0) + bytes(range(256)) * 8)


@case(XLSX, 2, UNUSABLE + r"[\s\S]*empty[\s\S]*Fix:")
def empty_file_xlsx(path: Path) -> None:
    path.write_bytes(b"")


@case(XLSX, 2, UNUSABLE + r"[\s\S]*(no staff table|no rows|empty)[\s\S]*Fix:")
def workbook_with_no_cells(path: Path) -> None:
    xlsx(path, [])


@case(XLSX, 2, UNUSABLE + r"[\s\S]*(no rows|no staff|no data|empty)[\s\S]*Fix:")
def header_with_no_rows(path: Path) -> None:
    xlsx(path, TITLE + [list(HEADERS)])


@case(XLSX, 2, UNUSABLE + r"[\s\S]*(no rows|no staff|no data|empty)[\s\S]*Fix:")
def header_then_only_totals(path: Path) -> None:
    xlsx(path, TITLE + [list(HEADERS), [], ["Total", 0]])


# ---------------------------------------------------------------- layouts


@case(XLSX, 0, r"(?i)tables side by side[\s\S]*30 people in 30 assignments[\s\S]*" + VALID)
def two_tables_side_by_side(path: Path) -> None:
    """A second table to the right of the first, its header one row lower (each table's rows line up)."""
    left = export_grid(15)
    right = [[]] * 4 + [list(HEADERS)] + staff_rows(15, start=100)
    pad = len(HEADERS) + 1
    rows = [list(a) + [None] * (pad - len(a)) + list(b)
            for a, b in zip(left + [[]] * (len(right) - len(left)), right + [[]] * (len(left) - len(right)))]
    xlsx(path, rows)


@case(XLSX, (0, 1), r"(?i)(repeated_header_row|further table)[\s\S]*30 people in 30 assignments")
def two_tables_stacked(path: Path) -> None:
    xlsx(path, export_grid(15) + [[], ["Bank staff"], list(HEADERS)] + staff_rows(15, start=100))


@case(XLSX, 0, r"(?i)Ethnic Origin[\s\S]*" + VALID, forbidden=("Unknown: 30",))
def duplicate_header_empty_first(path: Path) -> None:
    rows = export_grid()
    column = HEADERS.index("Ethnic Origin")
    rows = [r[:column] + [("Ethnic Origin" if r == list(HEADERS) else None)] + r[column:] if len(r) > column else r
            for r in rows]
    xlsx(path, rows)


@case(XLSX, 0, r"(?i)snapshot date 2025-03-31", forbidden=("04/04/2025", "2025-04-04", "Jane Smith", "QQ123456C"))
def title_run_on_before_as_at(path: Path) -> None:
    xlsx(path, [["Staff in Post"], ["Report run by Jane Smith (QQ123456C), on 04/04/2025"], ["As at 31/03/2025"], []]
         + [list(HEADERS)] + staff_rows(30))


@case(XLSX, 0, r"(?i)total[\s\S]*" + VALID + r"", forbidden=("31 people",))
def totals_row_first_column(path: Path) -> None:
    """ "Total" in column A, the count in column B and the FTE sum under Contracted WTE."""
    xlsx(path, export_grid() + [["Total", 30] + [None] * 7 + [25.5]])


@case(XLSX, 0, r"(?i)total[\s\S]*" + VALID, forbidden=("31 people", "32 people"))
def totals_row_other_columns(path: Path) -> None:
    xlsx(path, export_grid() + [[None, None, "Grand Total", None, None, None, None, None, None, 25.5],
                                [None, "Count: 30"]])


@case(CSV, 0, r"(?i)total[\s\S]*30 people in 30 assignments[\s\S]*" + VALID)
def grand_total_csv(path: Path) -> None:
    csv_file(path, export_grid(dates="text") + [["Grand Total", "30"]])


@case(XLSX, 0, VALID, forbidden=("31 people", "32 people", "33 people"))
def footer_lines(path: Path) -> None:
    xlsx(path, export_grid() + [[], ["Generated by ESR BI on 01/04/2025 09:00"], [None, "Page 1 of 1"],
                                ["Report: Staff in Post (v2)", "Printed 01/04/2025"]])


@case(XLSX, 1, r"(?i)scientific notation[\s\S]*Fix:[^\n]*text")
def employee_numbers_in_scientific_notation(path: Path) -> None:
    rows = export_grid()
    for i, r in enumerate(rows[4:9]):
        r[1] = "1.23457E+11"
        r[0] = f"1.23457E+11-{i}"
    xlsx(path, rows)


@case(XLSX, 1, r"(?i)conflicting_characteristic[\s\S]*Ethnic[\s\S]*30 people in 31 assignments")
def conflicting_ethnicity(path: Path) -> None:
    rows = export_grid()
    second = list(rows[4])
    second[0], second[HEADERS.index("Ethnic Origin")] = second[0].replace("-1", "-2"), "M Black or Black British - Caribbean"
    xlsx(path, rows + [second])


def _same_two(path: Path) -> None:
    xlsx(path, export_grid())
    xlsx(path.with_name("copy_" + path.name), export_grid())


@case(XLSX, 1, r"(?i)(repeat|twice|already|same)[\s\S]*30 people in 30 assignments",
      args=("validate", "{file}", "{dir}/copy_" + XLSX))
def same_file_twice(path: Path) -> None:
    _same_two(path)


@case(XLSX, 1, r"(?i)(repeat|already|same)[\s\S]*40 people in 40 assignments",
      args=("validate", "{file}", "{dir}/other_" + XLSX))
def same_assignments_in_two_files(path: Path) -> None:
    xlsx(path, export_grid())
    xlsx(path.with_name("other_" + path.name), TITLE + [list(HEADERS)] + staff_rows(20, start=20))


@case(XLSX, 0, VALID, forbidden=("unrecognised_value",))
def esr_extended_ethnic_codes(path: Path) -> None:
    rows = export_grid()
    column = HEADERS.index("Ethnic Origin")
    for r, value in zip(rows[4:], ["GF Mixed - Other/Unspecified", "LE Asian Sri Lankan", "CP Polish",
                                   "PC Black Nigerian", "GE Mixed - Asian & Chinese"]):
        r[column] = value
    xlsx(path, rows)


@case(XLSX, 0, r"(?i)esr_age_bands[\s\S]*30 people in 30 assignments[\s\S]*" + VALID,
      forbidden=("column_not_read", "unrecognised_value"))
def esr_age_bands_only(path: Path) -> None:
    bands = ["<=20", "21-25", "26-30", "31-35", "36-40", "41-45", "46-50", "51-55", "56-60", "61-65", "66-70", ">=71"]
    headers = [h for h in HEADERS if h != "Date of Birth"] + ["Age Band"]
    rows = [[v for h, v in zip(HEADERS, r) if h != "Date of Birth"] + [bands[i % 12]]
            for i, r in enumerate(staff_rows(30))]
    xlsx(path, TITLE + [headers] + rows)


# ---------------------------------------------------------------- what reaches the terminal and the report


@case(XLSX, 1, r"\\x1b", forbidden=("\x1b", "\x07", "\x9b"))
def escape_sequences_in_cells(path: Path) -> None:
    rows = export_grid()
    rows[4][HEADERS.index("Ethnic Origin")] = "\x1b]0;pwned\x07"
    rows[5][HEADERS.index("Pay Band")] = "\x1b[2J\x1b[1;1HValid."
    rows[6][HEADERS.index("Gender")] = "\x9b31m"
    xlsx(path, rows)


@case(CSV, 1, r"\\x1b", forbidden=("\x1b", "\x07"))
def escape_sequences_in_csv(path: Path) -> None:
    rows = export_grid(dates="text")
    rows[4][HEADERS.index("Ethnic Origin")] = "\x1b]0;pwned\x07"
    rows[5][HEADERS.index("Disability")] = "\x1b[2J"
    csv_file(path, rows)


@case(XLSX, 1, PROBLEMS, forbidden=("\u202e", "\u2066"))
def bidi_override_in_cells(path: Path) -> None:
    rows = export_grid()
    rows[4][HEADERS.index("Ethnic Origin")] = "\u202eHsitirB etihW A"
    rows[5][HEADERS.index("Gender")] = "\u2066Female\u2069x"
    xlsx(path, rows)


def _no_formula(folder: Path) -> str | None:
    import zipfile

    with zipfile.ZipFile(folder / "report.xlsx") as book:
        for name in book.namelist():
            if "<f>" in book.read(name).decode("utf-8", "replace") or "<f " in book.read(name).decode("utf-8", "replace"):
                return f"the report workbook holds a formula in {name}"
    return None


@case(XLSX, 1, PROBLEMS, args=("validate", "{file}", "--excel", "{dir}/report.xlsx"), check=_no_formula)
def formula_in_header_to_excel(path: Path) -> None:
    rows = export_grid()
    rows[3] = rows[3] + ['=HYPERLINK("http://x","click")']
    rows[4][HEADERS.index("Gender")] = "=1+1"
    xlsx(path, rows)


@case(XLSX, 1, PROBLEMS, args=("validate", "{file}", "--excel", "{dir}/report.xlsx"), check=_no_formula)
def formula_like_cells_to_excel(path: Path) -> None:
    rows = export_grid()
    for r, value in zip(rows[4:], ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                                   "-2+3+cmd|' /C calc'!A0"]):
        r[HEADERS.index("Pay Band")] = value
    xlsx(path, rows)


@case(XLSX, (1, 2), PROBLEMS + "|" + UNUSABLE, forbidden=("x" * 32_768, "Trust " * 5462))
def cell_of_40000_characters(path: Path) -> None:
    rows = export_grid()
    rows[4][HEADERS.index("Ethnic Origin")] = "A White - British " + "x" * 40_000
    rows[5][HEADERS.index("Organisation")] = "Trust " * 6000
    xlsx(path, rows)


@case(XLSX, (0, 1), r"(?i)(look-alike|Cyrillic|not Latin|letter)")
def cyrillic_letter_in_header(path: Path) -> None:
    rows = export_grid()
    rows[3][HEADERS.index("Ethnic Origin")] = "\u0415thnic Origin"
    xlsx(path, rows)


_IDENTIFIERS = ("QQ123456C", "AB123456D", "LE1 5WW", "NG7 2UH", "20004", "20005")


@case(XLSX, 1, PROBLEMS, forbidden=_IDENTIFIERS)
def misaligned_rows_shifted_right(path: Path) -> None:
    """Rows shifted one column right, with NI numbers and postcodes in the columns they land in."""
    rows = export_grid()
    for r, (ni, postcode) in zip(rows[8:10], [("QQ123456C", "LE1 5WW"), ("AB123456D", "NG7 2UH")]):
        r[HEADERS.index("Last Name")] = ni
        r[HEADERS.index("Organisation")] = postcode
        r.insert(0, None)
    xlsx(path, rows)


@case(XLSX, 1, r"(?i)postcode", forbidden=("LE1 5WW",))
def organisation_looks_like_postcode(path: Path) -> None:
    rows = export_grid()
    for r in rows[4:]:
        r[HEADERS.index("Organisation")] = "LE1 5WW"
    xlsx(path, rows)


@case(XLSX, 1, PROBLEMS, forbidden=("12/05/1961", "1961-05-12"))
def dates_of_birth_in_a_text_column(path: Path) -> None:
    rows = export_grid()
    rows[4][HEADERS.index("Job Role")] = dt.date(1961, 5, 12)
    rows[5][HEADERS.index("Pay Band")] = "12/05/1961"
    xlsx(path, rows)


# ---------------------------------------------------------------- CSV: encodings, delimiters, quotes


@case(CSV, 0, r"30 people[\s\S]*" + VALID, forbidden=("out_of_range",))
def csv_decimal_commas_semicolons(path: Path) -> None:
    rows = export_grid(dates="text")
    for r in rows[4:]:
        r[HEADERS.index("Contracted WTE")] = str(r[HEADERS.index("Contracted WTE")]).replace(".", ",")
    csv_file(path, rows, sep=";")


@case(CSV, 1, r"(?i)quot[\s\S]*30 people in 30 assignments")
def csv_stray_quote(path: Path) -> None:
    """A quote opening a field and never closed: a CSV reader swallows the records after it into that field."""
    rows = export_grid(dates="text")
    text = csv_text(rows).replace(",Surname6,", ',"Surname6 the elder,', 1)
    path.write_text(text, encoding="utf-8")


@case(CSV, 1, r"(?i)(encoding|byte|character)")
def csv_stray_cp1252_byte(path: Path) -> None:
    rows = export_grid(dates="text")
    rows[4][HEADERS.index("Last Name")] = "Hôpital"
    data = csv_text(rows).encode("utf-8").replace(b"Surname5", b"Surname5\x92s")
    path.write_bytes(data)


@case(CSV, 0, r"30 people[\s\S]*" + VALID)
def csv_pure_cp1252(path: Path) -> None:
    rows = export_grid(dates="text")
    rows[4][HEADERS.index("Last Name")] = "O\u2019Brien-Hôpital"
    csv_file(path, rows, encoding="cp1252")


@case("staff_in_post_2025-03-31.txt", 2, UNUSABLE + r"[\s\S]*\.csv")
def unicode_text_with_txt_name(path: Path) -> None:
    path.write_bytes(b"\xff\xfe" + csv_text(export_grid(dates="text"), "\t").encode("utf-16-le"))


@case(CSV, 0, r"30 people[\s\S]*" + VALID)
def csv_utf16_le_bom_tabs(path: Path) -> None:
    path.write_bytes(b"\xff\xfe" + csv_text(export_grid(dates="text"), "\t").encode("utf-16-le"))


@case(CSV, 0, r"30 people[\s\S]*" + VALID)
def csv_utf16_be_bom_tabs(path: Path) -> None:
    path.write_bytes(b"\xfe\xff" + csv_text(export_grid(dates="text"), "\t").encode("utf-16-be"))


@case(CSV, 0, r"30 people[\s\S]*" + VALID)
def csv_utf8_bom(path: Path) -> None:
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(export_grid(dates="text")).encode("utf-8"))


@case(CSV, 1, PROBLEMS)
def csv_field_over_128kb(path: Path) -> None:
    rows = export_grid(dates="text")
    rows[6][HEADERS.index("Job Role")] = "x" * 140_000
    csv_file(path, rows)


@case(CSV, 0, r"30 people[\s\S]*" + VALID)
def csv_cr_only_line_endings(path: Path) -> None:
    path.write_bytes(csv_text(export_grid(dates="text")).replace("\r\n", "\r").encode())


@case(CSV, 0, r"30 people[\s\S]*" + VALID)
def csv_lf_only_line_endings(path: Path) -> None:
    path.write_bytes(csv_text(export_grid(dates="text")).replace("\r\n", "\n").encode())


@case(CSV, 0, r"30 people[\s\S]*" + VALID)
def csv_sep_hint_line(path: Path) -> None:
    path.write_text("sep=;\r\n" + csv_text(export_grid(dates="text"), ";"), encoding="utf-8")


@case(CSV, 2, UNUSABLE + r"[\s\S]*line 8 holds a NUL character[\s\S]*Fix:", forbidden=("\x00",))
def csv_nul_bytes(path: Path) -> None:
    """NUL bytes in a name and in an ethnicity: the ethnicity is not recognised, and shown escaped."""
    text = csv_text(export_grid(dates="text")).replace("Surname3", "Sur\x00name3")
    text = text.replace("Asian or Asian British - Pakistani", "Asian or Asian\x00 British - Pakistani")
    path.write_bytes(text.encode())


@case(CSV, 2, UNUSABLE + r"[\s\S]*Fix:")
def csv_all_nul(path: Path) -> None:
    path.write_bytes(bytes(4096))


@case(CSV, 2, UNUSABLE + r"[\s\S]*(no rows|no staff)[\s\S]*Fix:")
def csv_header_only(path: Path) -> None:
    csv_file(path, [list(HEADERS)])


@case(CSV, 2, UNUSABLE + r"[\s\S]*Fix:")
def csv_only_whitespace(path: Path) -> None:
    path.write_text(" \r\n\t\r\n   \r\n")


@case(CSV, 2, UNUSABLE + r"[\s\S]*Fix:")
def csv_random_bytes(path: Path) -> None:
    import random

    path.write_bytes(random.Random(13).randbytes(20_000))


@case(CSV, 2, UNUSABLE + r"[\s\S]*(gzip|compressed|not a text file)[\s\S]*Fix:")
def csv_gzip_renamed(path: Path) -> None:
    import gzip

    path.write_bytes(gzip.compress(csv_text(export_grid(dates="text")).encode(), mtime=0))


@case(CSV, 2, UNUSABLE + r"[\s\S]*(Excel|workbook|xlsx)[\s\S]*Fix:")
def xlsx_renamed_csv(path: Path) -> None:
    xlsx(path, export_grid())


@case(CSV, 1, PROBLEMS)
def csv_ragged_rows(path: Path) -> None:
    text = csv_text(export_grid(dates="text"))
    lines = text.split("\r\n")
    lines[6] += ",extra,cells,beyond,the,header"
    lines[7] = ",".join(lines[7].split(",")[:5])
    path.write_text("\r\n".join(lines))


@case(CSV, 0, r"30 people[\s\S]*" + VALID)
def csv_16384_columns(path: Path) -> None:
    rows = export_grid(dates="text")
    rows[3] = rows[3] + [f"Extra {i}" for i in range(len(HEADERS) + 1, 16385)]
    csv_file(path, rows)


@case(CSV, 0, r'"rows_used": 30', slow=True, args=("validate", "--json", "{file}"))
def csv_blank_lines_1047971(path: Path) -> None:
    with path.open("wb") as out:
        out.write(csv_text(export_grid(dates="text")).encode())
        blank = b"," * (len(HEADERS) - 1) + b"\r\n"
        for _ in range(1_047_971 // 1000):
            out.write(blank * 1000)
        out.write(blank * (1_047_971 % 1000))


@case(CSV, 1, r"(?i)postcode|withheld", forbidden=_IDENTIFIERS)
def csv_misaligned_rows(path: Path) -> None:
    rows = export_grid(dates="text")
    for r, (ni, postcode) in zip(rows[8:10], [("QQ123456C", "LE1 5WW"), ("AB123456D", "NG7 2UH")]):
        r[HEADERS.index("Last Name")], r[HEADERS.index("Organisation")] = ni, postcode
        r.insert(0, "")
    csv_file(path, rows)


# ---------------------------------------------------------------- paths that are not readable files


@case("fifo.csv", 2, UNUSABLE + r"[\s\S]*(pipe|FIFO|not a (regular )?file)")
def fifo(path: Path) -> None:
    os.mkfifo(path)


@case("loop.xlsx", 2, UNUSABLE + r"[\s\S]*(link|loop)")
def symlink_loop(path: Path) -> None:
    path.symlink_to(path.with_name("loop2.xlsx"))
    path.with_name("loop2.xlsx").symlink_to(path)


@case("a_folder.xlsx", 2, UNUSABLE + r"[\s\S]*folder")
def directory(path: Path) -> None:
    path.mkdir()


@case("missing.xlsx", 2, UNUSABLE + r"[\s\S]*does not exist")
def missing_file(path: Path) -> None:
    pass


@case("dangling.xlsx", 2, UNUSABLE + r"[\s\S]*(does not exist|link)")
def dangling_symlink(path: Path) -> None:
    path.symlink_to(path.with_name("gone.xlsx"))


@case(XLSX, 2, UNUSABLE + r"[\s\S]*permission[\s\S]*Fix:", root_skip=True)
def no_read_permission(path: Path) -> None:
    xlsx(path, export_grid())
    path.chmod(0)


@case("staff_in_post.txt", 2, UNUSABLE + r"[\s\S]*cannot be read[\s\S]*Fix:")
def unknown_suffix(path: Path) -> None:
    path.write_text(csv_text(export_grid(dates="text")))


@case(XLSX, 2, r'"usable": false,\s*"error": "[^"]*password', args=("validate", "--json", "{file}"))
def unusable_file_with_json(path: Path) -> None:
    """``--json`` on an unusable file: still JSON, saying why."""
    encrypted_ole(path)


# ---------------------------------------------------------------- parquet


@case("staff_in_post_2025-03-31.parquet", 2, UNUSABLE + r"[\s\S]*parquet[\s\S]*Fix:")
def parquet_corrupt(path: Path) -> None:
    path.write_bytes(b"PAR1" + bytes(range(256)) * 4 + b"PAR1")


@case("staff_in_post_2025-03-31.parquet", 2, UNUSABLE + r"[\s\S]*(no rows|empty)")
def parquet_no_rows(path: Path) -> None:
    import pandas as pd

    pd.DataFrame({h: pd.Series([], dtype="str") for h in HEADERS}).to_parquet(path)


@case("staff_in_post_2025-03-31.parquet", 0, r"30 people[\s\S]*" + VALID)
def parquet_valid(path: Path) -> None:
    import pandas as pd

    rows = staff_rows(30, dates="text")
    pd.DataFrame(rows, columns=HEADERS).astype(str).to_parquet(path)


@case("staff_in_post_2025-03-31.parquet", 1, PROBLEMS)
def parquet_nested_and_binary_columns(path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(staff_rows(30, dates="text"), columns=HEADERS).astype(str)
    frame["Gender"] = [b"\x00\xff"] * 30
    frame["Extra"] = [[1, 2]] * 30
    frame.to_parquet(path)


# ---------------------------------------------------------------- the pack


@case(XLSX, 0, r"Board pack written", args=("report", "{file}", "--out", "{dir}/pack"), slow=True)
def pack_for_a_12_person_trust(path: Path) -> None:
    xlsx(path, export_grid(12))


@case(XLSX, 0, r"Board pack written", args=("report", "{file}", "--area", "Leicester", "--out", "{dir}/pack"),
      slow=True)
def pack_with_all_ethnicity_unknown(path: Path) -> None:
    rows = export_grid(40)
    for r in rows[4:]:
        r[HEADERS.index("Ethnic Origin")] = "Z Not Stated"
    xlsx(path, rows)


@case(XLSX, 2, r"Cannot make the board pack[\s\S]*(no rows|no staff|empty)",
      args=("report", "{file}", "--out", "{dir}/pack"), slow=True)
def pack_of_header_with_no_rows(path: Path) -> None:
    xlsx(path, TITLE + [list(HEADERS)])


@case(XLSX, 0, r"Board pack written", args=("report", "{file}", "--out", "{dir}/no/such/parent/pack"), slow=True)
def pack_out_parent_missing(path: Path) -> None:
    """--out in folders that do not exist yet: they are made (as mkdir -p), and the pack written."""
    xlsx(path, export_grid())


# ------------------------------------------------------------------------------------------------ writing


def write_cases(folder: Path, cases: Iterable[Case] = (), *, include_slow: bool = True) -> dict[str, Path]:
    """Write each case into ``folder/<name>/``; returns name -> the case's file."""
    out = {}
    for c in cases or CASES:
        if c.slow and not include_slow:
            continue
        where = folder / c.name
        where.mkdir(parents=True, exist_ok=True)
        c.build(where / c.filename)
        out[c.name] = where / c.filename
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python tests/hostile_corpus.py OUTDIR", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    write_cases(folder)
    lines = ["case\tfile\texit code\tmessage\tcommand\tpending"]
    lines += [f"{c.name}\t{c.name}/{c.filename}\t{c.exit_code}\t{c.message}\t{' '.join(c.args)}\t{c.pending or ''}"
              for c in CASES]
    (folder / "cases.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases written to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
