"""Limits that keep a broken or hostile file from exhausting memory or time, checked before a file is parsed.

A spreadsheet is read by fastexcel (the Rust calamine reader), which is fast
because it trusts the file: it allocates every cell of the rectangle from the
first used cell to the last (one stray cell at XFD1048576 asks for 17 billion
cells and aborts the process), inflates every zip part whatever its size, and
copies a shared text into every cell that refers to it.  Before any reader
sees a workbook, :func:`inspect_workbook` checks it in one streaming pass per
part, holding no more than a few megabytes:

* the zip: how many parts, each part's size and compression ratio as
  declared, and, while each part is inflated, that no more comes out than
  was declared;
* the shared text: no text longer than Excel allows, and not too much of it;
* each sheet: the cells that hold a value, for the rectangle they span (and
  the row of the first, which is where calamine starts the sheet), and how
  much shared text its cells would copy.

:func:`check_file` looks at any input before it is opened: a folder, a pipe,
a symbolic-link loop, a file that cannot be read, and a file whose contents
are not what its name says (a web page saved as ``.xls``, a CSV renamed
``.xlsx``) each get a plain message.

The limits
----------
Each can be raised by setting the environment variable before running
``workforce`` (for example ``WORKFORCE_MAX_CELLS=60000000``); raising one
raises the memory a file may use.

=========================  ====================  ============  =================================================
Limit                      Variable              Default       Why
=========================  ====================  ============  =================================================
cells in one sheet         WORKFORCE_MAX_CELLS   25,000,000    rows x columns from the first used cell to the
                                                               last; calamine holds about 35 bytes a cell (about
                                                               0.9 GB); an ESR export of 500,000 rows and 40
                                                               columns is 20 million
size of one zip part       WORKFORCE_MAX_PART_MB 1,024 (MB)    a sheet of 500,000 rows x 40 columns is about
                                                               700 MB of XML; parts are streamed, so this bounds
                                                               time (about 25 s a gigabyte)
compression ratio          WORKFORCE_MAX_RATIO   100           real sheets compress about 10 to 1; a part of more
                                                               than 1 MB that inflates over 100 times is a bomb
shared text                WORKFORCE_MAX_TEXT_MB 512 (MB)      the shared strings part, and the text the cells
                                                               copy from it (each cell holds its own copy), are
                                                               held in memory; an export of 500,000 rows copies
                                                               about 300 MB
parts in the zip           WORKFORCE_MAX_PARTS   20,000        a workbook of 1,500 sheets has about 3,000
files loaded at once       WORKFORCE_LOAD_FILES  2             :func:`workforce.load_staff` reads and checks up
                                                               to this many files at once, on threads (never more
                                                               than the machine's cores); each file is held to
                                                               the limits above, so the memory a load may use is
                                                               this many times one file's; set 1 to load one
                                                               file at a time
text in one cell           (fixed)               32,767        Excel's own limit: a longer cell was not made by
                                                               Excel
=========================  ====================  ============  =================================================

``.xls`` workbooks need no cell limit: the format holds at most 65,536 rows
x 256 columns (16.8 million cells), and is not compressed.
"""

from __future__ import annotations

import errno
import html
import itertools
import os
import posixpath
import re
import stat
import struct
import threading
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from .errors import UnusableFileError, WorkforceError

__all__ = ["MAX_CELLS", "MAX_PART_MB", "MAX_RATIO", "MAX_TEXT_MB", "MAX_PARTS", "MAX_CELL_CHARS", "LOAD_FILES",
           "MAX_ORGANISATION_CHARS", "limit", "check_file", "inspect_workbook", "Workbook", "SheetExtent",
           "cell_name"]

MAX_CELLS = 25_000_000
MAX_PART_MB = 1024
MAX_RATIO = 100
MAX_TEXT_MB = 512
MAX_PARTS = 20_000
#: Files :func:`workforce.load_staff` loads at once (each on a thread).
LOAD_FILES = 2
#: Excel's limit on the characters of one cell.
MAX_CELL_CHARS = 32_767
#: The longest organisation name accepted (the longest NHS trust name is under 80 characters).
MAX_ORGANISATION_CHARS = 200
#: Parts smaller than this are not held to the compression ratio (a small part can do no harm).
RATIO_FROM_BYTES = 1 << 20
_ENVIRONMENT = {"cells": ("WORKFORCE_MAX_CELLS", MAX_CELLS), "part_mb": ("WORKFORCE_MAX_PART_MB", MAX_PART_MB),
                "ratio": ("WORKFORCE_MAX_RATIO", MAX_RATIO), "text_mb": ("WORKFORCE_MAX_TEXT_MB", MAX_TEXT_MB),
                "parts": ("WORKFORCE_MAX_PARTS", MAX_PARTS), "files": ("WORKFORCE_LOAD_FILES", LOAD_FILES)}
_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384
_CHUNK = 4 << 20   # bytes inflated at a time
_DAMAGED_FIX = "open it in Excel and save it again (Excel repairs what it can), or save the table as CSV."
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def limit(name: str) -> int:
    """The limit ``name`` now in force (``"cells"``, ``"part_mb"``, ``"ratio"``, ``"text_mb"``, ``"parts"``, ``"files"``).

    The environment variable overrides the default (see the module's table).

    Raises
    ------
    WorkforceError
        The variable is set to something that is not a positive whole number.
    """
    variable, default = _ENVIRONMENT[name]
    text = os.environ.get(variable, "").replace(",", "").replace("_", "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) == 0:
        raise WorkforceError(f"the environment variable {variable} is set to {os.environ[variable]!r}; it must be a "
                             f"positive whole number (the default is {default:,}).")
    return int(text)


# ---------------------------------------------------------------- any file, before it is opened


def check_file(path: str | Path) -> bytes:
    """Check that ``path`` is a readable, non-empty regular file and return its first bytes.

    A pipe or device is refused before it is opened (reading one would wait
    for ever), and so are folders, symbolic-link loops and files that cannot
    be read.

    Raises
    ------
    UnusableFileError
        With what the path is and what to do.
    """
    name = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _os_problem(name, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise UnusableFileError(name, "this is a folder, not a file.", "give the path of a spreadsheet inside it.")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode)
                else "a device")
        raise UnusableFileError(name, f"this is {kind}, not a file, so it cannot be read.",
                                "save the export as a file and give that file's path.")
    if info.st_size == 0:
        raise UnusableFileError(name, "the file is empty.", "export the staff-in-post report again.")
    try:
        with open(path, "rb") as handle:
            return handle.read(4096)
    except OSError as exc:
        raise _os_problem(name, exc) from None


def _os_problem(name: str, exc: OSError) -> UnusableFileError:
    if exc.errno == errno.ELOOP:
        return UnusableFileError(name, "this is a shortcut (symbolic link) that leads back to itself, so there is "
                                       "no file to read.", "give the path of the file itself.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return UnusableFileError(name, "you do not have permission to read this file.",
                                 "ask whoever owns it for read access, or save a copy you can read.")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        dangling = os.path.islink(name)
        return UnusableFileError(name, "this shortcut (symbolic link) points to a file that does not exist."
                                 if dangling else "the file does not exist.", "check the path and the file name.")
    return UnusableFileError(name, f"the file could not be opened ({exc.strerror or exc}).",
                             "check the path, and that the file is not open in another program that locks it.")


def sniff(head: bytes) -> str:
    r"""What the first bytes of a file say it is.

    Returns one of ``"zip"``, ``"ole"`` (an ``.xls`` workbook, or an encrypted
    ``.xlsx``), ``"html"``, ``"mhtml"``, ``"xml-2003"`` (Excel's XML
    Spreadsheet 2003), ``"xml"``, ``"pdf"``, ``"utf-16"``, ``"text"`` or
    ``"binary"``.

    Examples
    --------
    >>> sniff(b"PK\x03\x04..."), sniff(b"\xef\xbb\xbf<!DOCTYPE html><html>"), sniff(b"Name,Band\r\nA,5")
    ('zip', 'html', 'text')
    """
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(b"mime-version:") or b"content-type: multipart/related" in text[:1000]:
        return "mhtml"
    if text.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml-2003"
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<body", b"<meta")) or (
            text.startswith(b"<") and b"<html" in text[:2000]):
        return "html"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "xml"
    if b"\x00" in head:
        return "binary"
    return "text"


#: What to call a file's contents, and what to do with it, by what it is.
_KINDS = {
    "html": ("a web page (HTML)", "open it in Excel and save it as an Excel workbook (.xlsx), or save the table as "
             "CSV."),
    "mhtml": ("a web archive (MHTML, Excel's 'single file web page')", "open it in Excel and save it as an Excel "
              "workbook (.xlsx), or save the table as CSV."),
    "xml-2003": ("an 'XML Spreadsheet 2003' file", "open it in Excel and save it as an Excel workbook (.xlsx)."),
    "xml": ("an XML file", "export the staff-in-post report as Excel (.xlsx) or CSV."),
    "pdf": ("a PDF document", "export the report from ESR as Excel (.xlsx) or CSV instead."),
    "utf-16": ("a text file in UTF-16 ('Unicode Text' from Excel)", "open it in Excel and save it as CSV UTF-8 "
               "(.csv), or as an Excel workbook (.xlsx)."),
    "text": ("a text file (CSV or similar)", "rename it to end in .csv (or open it in Excel and save it as .xlsx)."),
    "binary": ("a file of another kind", "export the staff-in-post report as Excel (.xlsx) or "
               "CSV."),
}


def check_kind(path: str | Path, head: bytes) -> None:
    """Refuse an Excel-named file whose contents are of another kind, saying what it is and what to do.

    ``.xlsx``/``.xlsm`` must be a zip (or an encrypted workbook, refused as
    such), ``.xls`` an OLE compound file (an ``.xlsx`` named ``.xls`` is let
    through: the readers look at the contents).  Other suffixes are not
    checked here.

    Raises
    ------
    UnusableFileError
        The contents are not a workbook of the kind the name says.
    """
    name = str(path)
    suffix = Path(path).suffix.lower()
    kind = sniff(head)
    if suffix in (".xlsx", ".xlsm"):
        if kind == "zip":
            return
        if kind == "ole":
            if _is_old_workbook(path):
                raise UnusableFileError(name, f"this is an older Excel workbook (.xls) saved with an {suffix} name.",
                                        "rename it to end in .xls, or open it in Excel and save it as .xlsx.")
            raise UnusableFileError(
                name, "the workbook is password-protected (encrypted), so it cannot be read.",
                "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, "
                "clear the box) and save a copy.")
    elif suffix == ".xls":
        if kind == "ole":
            return
        if kind == "zip":
            raise UnusableFileError(name, "this is an Excel workbook (.xlsx) saved with an .xls name.",
                                    "rename it to end in .xlsx.")
    elif suffix == ".csv":
        if kind in ("zip", "ole"):
            raise UnusableFileError(name, "this is an Excel workbook saved with a .csv name, not a CSV file.",
                                    "rename it to end in .xlsx (.xls if it is an older workbook), or open it in Excel "
                                    "and save it as CSV UTF-8.")
        if kind == "pdf":
            raise UnusableFileError(name, "this is a PDF document saved with a .csv name, not a CSV file.",
                                    _KINDS["pdf"][1])
        return
    else:
        return
    what, fix = _KINDS[kind]
    raise UnusableFileError(name, f"this is {what} saved with an {suffix} name, not an Excel workbook.", fix)


def _is_old_workbook(path: str | Path) -> bool:
    """Whether an OLE file holds an ``.xls`` workbook (a "Workbook" stream) rather than an encrypted ``.xlsx``."""
    marker = "Workbook".encode("utf-16-le")
    with open(path, "rb") as handle:
        tail = b""
        for _ in range(64):   # 256 MB: more than any export
            block = handle.read(4 << 20)
            if not block:
                return False
            if marker in tail + block:
                return True
            tail = block[-len(marker):]
    return False


# ---------------------------------------------------------------- workbooks


@dataclass(frozen=True)
class SheetExtent:
    """Where the cells holding a value start on one sheet (1-based; 0 when none).

    calamine starts a sheet's grid at its first row and first column with a value, so these give the Excel
    row and column of the grid's first cell.
    """

    part: str
    first_row: int = 0
    first_column: int = 0


@dataclass
class Workbook:
    """What :func:`inspect_workbook` found: the sheets, in order, and their extents."""

    file: str
    sheets: dict[str, SheetExtent] = field(default_factory=dict)


_checked: dict[tuple, Workbook | UnusableFileError] = {}
_checked_lock = threading.Lock()


def inspect_workbook(path: str | Path) -> Workbook:
    """Check an ``.xlsx``/``.xlsm`` workbook against the limits, in one streaming pass over its parts.

    The answer for a file (by path, size and modification time) is kept, so
    a workbook checked by the background parse (:mod:`workforce._early_read`)
    or by the first look at its headers is not checked again.

    Raises
    ------
    UnusableFileError
        A limit is exceeded (naming the sheet and the cell, or the part), or
        the workbook is damaged.
    """
    name = str(path)
    head = check_file(path)
    check_kind(path, head)
    if sniff(head) != "zip":   # an .xls (OLE) workbook: bounded by its format
        return Workbook(name)
    info = os.stat(path)
    key = (os.path.realpath(path), info.st_size, info.st_mtime_ns, tuple(limit(n) for n in _ENVIRONMENT))
    with _checked_lock:
        known = _checked.get(key)
    if known is None:
        try:
            known = _inspect(Path(path), name)
        except UnusableFileError as exc:
            known = exc
        with _checked_lock:
            if len(_checked) > 32:
                _checked.clear()
            _checked[key] = known
    if isinstance(known, UnusableFileError):
        raise UnusableFileError(known.file, known.problem, known.fix)
    return known


def _forget() -> None:
    """Forget every workbook checked (for tests)."""
    with _checked_lock:
        _checked.clear()


def _damaged(name: str, what: str) -> UnusableFileError:
    return UnusableFileError(name, f"the workbook is damaged: {what}.", _DAMAGED_FIX)


def _inspect(path: Path, name: str) -> Workbook:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(name, f"it is not a complete zip archive ({exc})") from None
    with archive, open(path, "rb") as handle:
        members = archive.infolist()
        _check_parts(name, members)
        by_name = {m.filename: m for m in members}
        lower = {m.filename.lower(): m for m in members}
        if "xl/workbook.xml" not in lower:
            if any(part.startswith("xl/") for part in lower):
                raise _damaged(name, "its list of sheets (xl/workbook.xml) is missing")
            what = ("a Word document" if "word/document.xml" in lower else "a PowerPoint presentation"
                    if "ppt/presentation.xml" in lower else "a zip archive")
            if what == "a zip archive" and "xl/workbook.bin" in lower:
                raise UnusableFileError(name, "this is an Excel binary workbook (.xlsb) saved with an .xlsx name.",
                                        "open it in Excel and save it as an Excel workbook (.xlsx).")
            raise UnusableFileError(name, f"this is {what}, not an Excel workbook.",
                                    "export the staff-in-post report as Excel (.xlsx) or CSV.")

        def member(part: str) -> zipfile.ZipInfo | None:
            return by_name.get(part) or lower.get(part.lower()) or lower.get(part.lower().replace("\\", "/"))

        sheets = _sheet_parts(name, handle, member, lower["xl/workbook.xml"])
        streamed = set()
        lengths: list[int] = []
        shared = member("xl/sharedStrings.xml")
        if shared is not None:
            lengths = _shared_text(name, handle, shared)
            streamed.add(shared.filename)
        book = Workbook(name)
        parts: dict[str, zipfile.ZipInfo] = {}
        for sheet, part in sheets.items():
            info = member(part)
            if info is None:
                raise _damaged(name, f"sheet {sheet!r} is listed but its contents ({part}) are missing")
            book.sheets[sheet] = _scan_sheet(name, sheet, handle, info)
            parts[sheet] = info
            streamed.add(info.filename)
        if lengths:
            _check_shared_copies(name, handle, parts, lengths)
        for info in members:   # the other parts a reader may parse: inflated, so none holds more than it says
            if info.filename not in streamed and info.filename.lower().endswith((".xml", ".rels", ".vml")):
                for _ in _inflate(name, handle, info):
                    pass
    return book


def _check_parts(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > limit("parts"):
        raise UnusableFileError(name, f"the workbook holds {len(members):,} parts, more than the limit of "
                                      f"{limit('parts'):,}.", _raise_fix("parts"))
    max_part, ratio = limit("part_mb") << 20, limit("ratio")
    for info in members:
        if info.flag_bits & 0x1:
            raise UnusableFileError(name, "the workbook's parts are encrypted, so it cannot be read.",
                                    "open it in Excel, remove the password and save a copy.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(name, f"its part {info.filename} is compressed in a way Excel does not use")
        if info.file_size > max_part:
            raise UnusableFileError(
                name, f"its part {info.filename} would be {info.file_size / 2**20:,.0f} MB once uncompressed, more "
                      f"than the limit of {max_part >> 20:,} MB.", _raise_fix("part_mb"))
        if info.file_size > RATIO_FROM_BYTES and info.file_size > ratio * max(info.compress_size, 1):
            raise UnusableFileError(
                name, f"its part {info.filename} would grow {info.file_size / max(info.compress_size, 1):,.0f} times "
                      f"when uncompressed (to {info.file_size / 2**20:,.0f} MB); real workbooks grow about 10 times, "
                      f"and the limit is {ratio:,}.", _raise_fix("ratio"))


def _raise_fix(which: str) -> str:
    variable = _ENVIRONMENT[which][0]
    return (f"if this is a real export, save only the staff table as CSV; or, if the computer has the memory, raise "
            f"the limit by setting the environment variable {variable}.")


def _inflate(name: str, handle: IO[bytes], info: zipfile.ZipInfo, size: int = _CHUNK) -> Iterator[bytes]:
    """The bytes of one zip part, inflated ``size`` at a time; stops if more comes out than the part declares."""
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _damaged(name, f"its part {info.filename} cannot be found where the zip's index says")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    left, produced = info.compress_size, 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b""
    while left or pending:
        if not pending:
            pending = handle.read(min(left, 1 << 20))
            if not pending:
                raise _damaged(name, f"its part {info.filename} is cut short")
            left -= len(pending)
        if inflater is None:
            out, pending = pending, b""
        else:
            try:
                out = inflater.decompress(pending, size)
            except zlib.error as exc:
                raise _damaged(name, f"its part {info.filename} cannot be uncompressed ({exc})") from None
            pending = inflater.unconsumed_tail
        produced += len(out)
        if produced > info.file_size:
            raise UnusableFileError(
                name, f"its part {info.filename} holds more data than the zip's index declares "
                      f"({info.file_size:,} bytes): a sign of a file made to exhaust memory.", _DAMAGED_FIX)
        if out:
            yield out
        if inflater is not None and inflater.eof:
            break
    if produced != info.file_size:
        raise _damaged(name, f"its part {info.filename} is shorter than the zip's index declares")


def _read_part(name: str, handle: IO[bytes], info: zipfile.ZipInfo) -> bytes:
    return b"".join(_inflate(name, handle, info))


def _sheet_parts(name: str, handle: IO[bytes], member, workbook_info: zipfile.ZipInfo) -> dict[str, str]:
    """Sheet name -> the zip part holding it, as a reader finds it (workbook.xml and its relationships)."""
    try:
        workbook = ElementTree.fromstring(_read_part(name, handle, workbook_info))
        rels_info = member("xl/_rels/workbook.xml.rels")
        rels = ElementTree.fromstring(_read_part(name, handle, rels_info)) if rels_info is not None else None
    except ElementTree.ParseError as exc:
        raise _damaged(name, f"its list of sheets is not readable ({exc})") from None
    targets = {} if rels is None else {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in workbook.iter():
        if sheet.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        title = sheet.get("name", "")
        rid = sheet.get(f"{{{_DOC_RELS}}}id") or next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid)
        if target is None:
            raise _damaged(name, f"sheet {title!r} is listed but the workbook does not say where its contents are")
        target = target.replace("\\", "/")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[title] = part
    return parts


# ---------------------------------------------------------------- shared text


_SHARED_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def _split_items(data: bytes) -> list[bytes]:
    """``data`` cut before each shared-text item (``<si>``): quickly when the items are written as Excel writes them."""
    if b":si" in data or any(b"<si" + end in data for end in (b" ", b"/", b"\t", b"\n", b"\r")):
        return _SHARED_ITEM.split(data)
    return data.split(b"<si>")


def _shared_text(name: str, handle: IO[bytes], info: zipfile.ZipInfo) -> list[int]:
    """The length in bytes (at least its characters) of each shared text; the part is checked against the limit.

    Texts longer than Excel allows are cut to :data:`MAX_CELL_CHARS` when the
    sheet is read; one of over 16 MB is refused here.
    """
    if info.file_size > limit("text_mb") << 20:
        raise UnusableFileError(name, f"the workbook's shared text is {info.file_size / 2**20:,.0f} MB, more than the "
                                      f"limit of {limit('text_mb'):,} MB.", _raise_fix("text_mb"))
    lengths: list[int] = []
    carry = b""
    for chunk in _inflate(name, handle, info):
        pieces = _split_items(carry + chunk)
        carry = pieces.pop()
        lengths.extend(map(len, pieces))
        if len(carry) > 16 << 20:
            raise _damaged(name, "one of its shared texts is over 16 MB long (Excel allows 32,767 characters)")
    lengths.append(len(carry))
    return lengths[1:]   # what comes before the first item is not an item


_VALUE_INDEX = re.compile(rb"<v>\s*(\d{1,12})\s*</v>")
#: The fewest bytes a cell referring to a shared text takes in a sheet's XML: <c r="A1" t="s"><v>0</v></c>.
_SHARED_CELL_BYTES = 28


def _check_shared_copies(name: str, handle: IO[bytes], sheets: dict[str, zipfile.ZipInfo],
                         lengths: list[int]) -> None:
    """Refuse a workbook whose cells would copy more shared text than the limit (one long text in a million cells).

    Each cell holds its own copy of the text it refers to.  The sheets' sizes bound how many cells there can
    be; only when that bound times the longest text passes the limit are the cells' references counted.
    """
    budget, longest = limit("text_mb") << 20, max(lengths, default=0)
    if sum(info.file_size // _SHARED_CELL_BYTES for info in sheets.values()) * longest <= budget:
        return
    total = 0
    for sheet, info in sheets.items():
        counts: Counter[bytes] = Counter()
        unmatched = 0
        for chunk in _inflate(name, handle, info):   # a second pass, only for workbooks that could copy too much
            found = _VALUE_INDEX.findall(chunk)
            counts.update(found)
            # values written some other way (spaces, a prefix) are counted as the longest text
            unmatched += chunk.count(b"<v") + chunk.count(b":v>") - len(found)
        total += sum(lengths[int(i)] * n for i, n in counts.items() if int(i) < len(lengths)) + unmatched * longest
        if total > budget:
            raise UnusableFileError(name, f"the cells of sheet {sheet!r} repeat the workbook's shared text; they "
                                          f"would hold {total / 2**20:,.0f} MB of it, more than the limit of "
                                          f"{budget >> 20:,} MB.", _raise_fix("text_mb"))


# ---------------------------------------------------------------- sheets: the cells holding a value


def cell_name(row: int, column: int) -> str:
    """The Excel name of a cell from its 1-based row and column.

    Examples
    --------
    >>> cell_name(1048576, 16384)
    'XFD1048576'
    """
    return f"{column_letters(column)}{row}"


def column_letters(column: int) -> str:
    """The Excel letters of a 1-based column (the one place they are worked out).

    Examples
    --------
    >>> [column_letters(c) for c in (1, 26, 27, 702, 703, 16384)]
    ['A', 'Z', 'AA', 'ZZ', 'AAA', 'XFD']
    """
    letters = ""
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _no_more_than(limit_text: str, first: str, low: str, high: str, then: str = "") -> str:
    """A regular expression for the strings of ``first``+``low``..``high`` characters not after ``limit_text``.

    Shorter strings all come first, then those of the same length in order
    (numbers without leading zeros; column letters).  ``then`` must follow
    the string.  The shorter strings are one greedy repetition, so a cell
    reference is matched without trying lengths one by one.

    Examples
    --------
    >>> _no_more_than("25", "1", "0", "9")
    '(?:[1-9]|1[0-9]|2[0-4]|25)'
    >>> _no_more_than("AN", "A", "A", "Z", "[0-9]")
    '(?:[A-Z][0-9]|A[A-M][0-9]|AN[0-9])'
    """
    def span(a: str, b: str) -> str:
        return a if a == b else f"[{a}-{b}]"

    def repeat(a: str, b: str, times: str) -> str:
        return "" if times in ("0", "0,0") else span(a, b) + ("" if times == "1" else f"{{{times}}}")

    n = len(limit_text)
    options = [span(first, high) + repeat(low, high, f"0,{n - 2}") + then] if n > 1 else []
    for i, char in enumerate(limit_text):
        bottom = first if i == 0 else low
        if char > bottom:
            options.append(re.escape(limit_text[:i]) + span(bottom, chr(ord(char) - 1))
                           + repeat(low, high, str(n - i - 1)) + then)
    options.append(re.escape(limit_text) + then)
    return "(?:" + "|".join(options) + ")"


_cell_patterns: dict[tuple[int, int, int, int], re.Pattern[bytes]] = {}


def _interesting(bounds: tuple[int, int, int, int]) -> re.Pattern[bytes]:
    """``<c`` not followed by ` r="REF"` with REF inside ``bounds`` (first and last row, first and last column).

    Every cell of an ordinary sheet after its header row fails to match, so
    the scan runs at the speed of the regular expression engine; a match is
    looked at in Python.  Before the first cell with a value, every cell matches.
    """
    pattern = _cell_patterns.get(bounds)
    if pattern is None:
        first_row, last_row, first_column, last_column = bounds
        if not first_row:
            inside = "(?!)"
        else:
            before_first_column = f"(?!{_letters_to(first_column - 1, '[0-9]')})" if first_column > 1 else ""
            before_first_row = f"(?!{_digits_to(first_row - 1, chr(34))})" if first_row > 1 else ""
            inside = before_first_column + _letters_to(last_column) + before_first_row + _digits_to(last_row, chr(34))
        pattern = re.compile(f'<c(?! r="{inside})'.encode())
        if len(_cell_patterns) > 4096:
            _cell_patterns.clear()
        _cell_patterns[bounds] = pattern
    return pattern


def _digits_to(n: int, then: str = "") -> str:
    return _no_more_than(str(n), "1", "0", "9", then)


def _letters_to(column: int, then: str = "") -> str:
    return _no_more_than(cell_name(1, column)[:-1], "A", "A", "Z", then)


_REF_ATTRIBUTE = re.compile(rb"""\sr\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_REF = re.compile(r"\s*([A-Za-z]+)0*(\d+)\s*")
_PREFIXED_CELL = re.compile(rb":c[\s/>]")   # then checked to be in a tag: see _prefixed_cell
_NAME_BEFORE = re.compile(rb"<[A-Za-z_][\w.-]*\Z")
_CELL_END = re.compile(rb"</c\s*>")


class _Extent:
    """The rectangle of the cells with a value seen so far, refused once it is over the limit."""

    def __init__(self, name: str, sheet: str, part: str) -> None:
        self.name, self.sheet, self.part = name, sheet, part
        self.first_row = self.last_row = self.first_column = self.last_column = 0
        self.cells = limit("cells")

    def add(self, row: int, column: int, written: str = "") -> bool:
        """Take in a cell with a value (``written``: its reference as the file writes it); whether the rectangle grew."""
        if self.first_row and self.first_row <= row <= self.last_row and self.first_column <= column <= \
                self.last_column:
            return False
        if row > _EXCEL_ROWS or column > _EXCEL_COLUMNS or row < 1 or column < 1:
            where = written.strip()[:20] or cell_name(max(row, 1), max(column, 1))
            raise _damaged(self.name, f"sheet {self.sheet!r} has a cell at {where}, outside Excel's grid (A1 to "
                                      f"XFD1048576)")
        first_row = min(self.first_row, row) if self.first_row else row
        first_column = min(self.first_column, column) if self.first_column else column
        last_row, last_column = max(self.last_row, row), max(self.last_column, column)
        height, width = last_row - first_row + 1, last_column - first_column + 1
        if height * width > self.cells:
            raise UnusableFileError(
                self.name,
                f"sheet {self.sheet!r} has a cell at {cell_name(row, column)}, so the table would span {height:,} "
                f"rows x {width:,} columns ({height * width:,} cells), more than the limit of {self.cells:,} cells.",
                "in Excel, delete the stray cells below and to the right of the table (select the empty rows and "
                "columns past it, right-click, Delete) and save; or save only the table as CSV.  If the table "
                "really is that big, raise the limit by setting the environment variable WORKFORCE_MAX_CELLS.")
        self.first_row, self.last_row, self.first_column, self.last_column = first_row, last_row, first_column, \
            last_column
        return True

    def bounds(self) -> tuple[int, int, int, int]:
        """(first row, last row, first column, last column) a cell may have and keep within the limit.

        The width is rounded up to a power of two (the rows allowed shrink to match), so a header row growing
        cell by cell changes the bounds, and the scan's pattern, a few times rather than once a column: a sheet
        16,384 columns wide compiles 15 patterns, not 16,384.  A cell inside the rounded bounds is within the
        limit whatever the true width, so it need not be looked at.
        """
        if not self.first_row:
            return 0, 0, 0, 0
        width = self.last_column - self.first_column + 1
        width = min(1 << (width - 1).bit_length(), _EXCEL_COLUMNS - self.first_column + 1)
        last_row = min(self.first_row - 1 + self.cells // width, _EXCEL_ROWS)   # and none outside Excel's grid
        return self.first_row, last_row, self.first_column, self.first_column + width - 1

    def result(self) -> SheetExtent:
        return SheetExtent(self.part, self.first_row, self.first_column)

    @staticmethod
    def ref(text: str) -> tuple[int, int] | None:
        """Row and column of a cell reference (``None`` when it is not one)."""
        found = _REF.fullmatch(html.unescape(text))
        if not found:
            return None
        letters, digits = found.group(1).upper(), found.group(2)
        if len(letters) > 3 or len(digits) > 7:   # outside the grid, however far
            return (int(digits) if len(digits) <= 7 else _EXCEL_ROWS + 1), (_EXCEL_COLUMNS + 1 if len(letters) > 3
                                                                             else _column_number(letters))
        return int(digits), _column_number(letters)


def _column_number(letters: str) -> int:
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return column


class _Irregular(Exception):
    """A cell written in a way the fast scan does not follow (no reference, a namespace prefix)."""


def _scan_sheet(name: str, sheet: str, handle: IO[bytes], info: zipfile.ZipInfo) -> SheetExtent:
    try:
        return _scan_fast(name, sheet, handle, info)
    except _Irregular:
        return _scan_exact(name, sheet, handle, info)


def _scan_fast(name: str, sheet: str, handle: IO[bytes], info: zipfile.ZipInfo) -> SheetExtent:
    """Scan cells written as Excel and most writers write them (``<c r="A1" ...>``) with regular expressions."""
    extent = _Extent(name, sheet, info.filename)
    pattern = _interesting(extent.bounds())
    carry = b""
    for chunk in itertools.chain(_inflate(name, handle, info), [b""]):
        final = not chunk
        buffer = carry + chunk
        if _prefixed_cell(buffer):
            raise _Irregular
        end = len(buffer) if final else len(buffer) - 64   # a cell starting later is read with the next chunk
        position = 0
        while True:
            found = pattern.search(buffer, position)
            if found is None or found.start() >= end:
                position = end if found is None else found.start()
                break
            cell = _read_cell(buffer, found.start(), final)
            if cell is None:   # cut off by the end of the buffer: read it with the next chunk
                position = found.start()
                break
            position, ref, valued = cell
            if ref is None or not valued:
                continue
            where = extent.ref(ref)
            if where is None:
                raise _damaged(name, f"sheet {sheet!r} has a cell with the reference {ref!r}, which names no cell")
            if extent.add(*where, written=ref):
                pattern = _interesting(extent.bounds())
        carry = buffer[position:]
        if len(carry) > 64 << 20:
            raise _Irregular   # one cell of over 64 MB: let the exact scan judge it
    return extent.result()


def _prefixed_cell(buffer: bytes) -> bool:
    """Whether a cell tag with a namespace prefix (``<x:c r="A1">``) is in ``buffer``."""
    for found in _PREFIXED_CELL.finditer(buffer):
        if _NAME_BEFORE.search(buffer, max(0, found.start() - 64), found.start()):
            return True
    return False


def _read_cell(buffer: bytes, start: int, final: bool) -> tuple[int, str | None, bool] | None:
    """(where to go on from, its reference or None if not a cell, whether it holds a value); None: read more."""
    after = buffer[start + 2:start + 3]
    if not after:
        return None if not final else (len(buffer), None, False)
    if after not in b" \t\r\n/>":
        return start + 2, None, False   # <col>, <cfRule>, ...: not a cell
    close = buffer.find(b">", start)
    if close < 0:
        return None if not final else (len(buffer), None, False)
    tag = buffer[start:close + 1]
    found = _REF_ATTRIBUTE.search(tag)
    if found is None:
        raise _Irregular   # a cell placed by its position: the exact scan counts as the readers do
    ref = found.group(2).decode("latin-1")
    if tag.endswith(b"/>"):
        return close + 1, ref, False
    end = _CELL_END.search(buffer, close)
    if end is None:
        if final or len(buffer) - close > 1 << 20:
            return close + 1, ref, True   # a cell of over a megabyte: counted as holding a value
        return None
    body = buffer[close + 1:end.start()]
    return end.end(), ref, (b"<v" in body or b"<is" in body)


class _Reader:
    """A file-like view of a part's inflated chunks, for the XML parser."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks, self.chunk, self.position = chunks, b"", 0

    def read(self, size: int = -1) -> bytes:
        while self.position >= len(self.chunk):
            self.chunk, self.position = next(self.chunks, b""), 0
            if not self.chunk:
                return b""
        end = len(self.chunk) if size < 0 else min(len(self.chunk), self.position + size)
        out, self.position = self.chunk[self.position:end], end
        return out


def _scan_exact(name: str, sheet: str, handle: IO[bytes], info: zipfile.ZipInfo) -> SheetExtent:
    """Every cell, through an XML parser, placed as the readers place it (by reference, else by position)."""
    extent = _Extent(name, sheet, info.filename)
    row = column = 0
    rows: ElementTree.Element | None = None
    try:
        for event, elem in ElementTree.iterparse(_Reader(_inflate(name, handle, info, 1 << 20)), ("start", "end")):
            tag = elem.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "sheetData":
                    rows = elem
                elif tag == "row":
                    r = (elem.get("r") or "").strip()
                    row = int(r) if r.isdigit() and len(r) < 9 else row + 1
                    column = 0
                continue
            if tag == "c":
                ref = elem.get("r")
                where = extent.ref(ref) if ref is not None else (row, column + 1)
                if where is None:
                    raise _damaged(name, f"sheet {sheet!r} has a cell with the reference {ref!r}, which names no "
                                         f"cell")
                column = where[1]
                if any(child.tag.rsplit("}", 1)[-1] in ("v", "is") for child in elem):
                    extent.add(*where, written=ref or "")
                elem.clear()
            elif tag == "row" and rows is not None:
                rows.clear()   # the rows read so far: nothing of them is needed again
    except ElementTree.ParseError as exc:
        raise _damaged(name, f"sheet {sheet!r} is not well-formed ({exc})") from None
    return extent.result()
