"""Hostile and broken workbooks are refused before a reader allocates for them (workforce._guard).

The workbooks are built here with zipfile, a few kilobytes each: a stray cell far from the table (which made
calamine ask for 549 GB and abort), decompression bombs, parts that lie about their size, damaged parts,
and files whose contents are not what their name says.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import HEADERS, staff_row
from hostile_corpus import excel_ref

from workforce import _early_read
from workforce.errors import UnusableFileError, WorkforceError
from workforce.load._read import read_table
from workforce.load._schema import read_schema

SCHEMA = read_schema()
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _fresh():
    from workforce import _guard

    _guard._forget()
    _early_read._forget()
    yield
    _guard._forget()
    _early_read._forget()


# ---------------------------------------------------------------- building workbooks by hand


ref = excel_ref   # the corpus's own, written independently of workforce._guard.cell_name


def cell(row: int, column: int, value) -> str:
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref(row, column)}" t="inlineStr"><is><t>{text}</t></is></c>'


def table_xml(n: int = 5, first_row: int = 1, extra: str = "", first_column: int = 1, more: tuple = ()) -> str:
    """A title row, the header and ``n`` staff rows from ``first_row``, then ``extra`` (more rows, as XML).

    ``more``: (header, value) of a column after the staff columns.
    """
    rows = [["Staff in Post"], HEADERS + [h for h, _ in more]] + [staff_row(i) + [v for _, v in more]
                                                                  for i in range(n)]
    body = "".join(f'<row r="{first_row + r}">' + "".join(cell(first_row + r, first_column + c, v)
                                                          for c, v in enumerate(row)) + "</row>"
                   for r, row in enumerate(rows))
    return body + extra


def workbook(path: Path, sheets: dict[str, str], *, shared: list[str] | None = None, drop: tuple[str, ...] = (),
             replace: dict[str, bytes | str] | None = None) -> Path:
    """An .xlsx of ``sheets`` (name -> the XML inside <sheetData>); ``shared``: a shared-strings part."""
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{kind}.worksheet+xml"/>'
                  for i in range(1, len(sheets) + 1))
        + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.sharedStrings+xml"/>' if shared else "")
        + "</Types>",
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">' + "".join(f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}'
                                    f'.xml"/>' for i in range(1, len(sheets) + 1))
        + (f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
        + "</Relationships>",
    }
    for i, body in enumerate(sheets.values(), 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = f'<worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'
    if shared is not None:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{s}</t></si>" for s in shared) \
            + "</sst>"
    parts.update(replace or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if name not in drop:
                archive.writestr(name, content)
    return path


def refused(path: Path, *patterns: str, **options) -> str:
    with pytest.raises(UnusableFileError) as err:
        read_table(path, SCHEMA, **options)
    text = str(err.value)
    for pattern in patterns:
        assert re.search(pattern, text), f"{pattern!r} not in {text!r}"
    assert "Fix:" in text
    return text


# ---------------------------------------------------------------- 1. the rectangle of the used cells


def test_a_stray_cell_at_xfd1048576_is_refused_in_a_process_that_stays_alive(tmp_path):
    """It aborted the process (exit 134, "memory allocation of 549755813888 bytes failed")."""
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml(extra='<row r="1048576">' + cell(1048576, 16384, "x")
                                                                 + "</row>")})
    assert path.stat().st_size < 5_000
    code = ("import sys; from workforce.load._read import read_table; from workforce.load._schema import read_schema\n"
            "from workforce.errors import UnusableFileError\n"
            f"try: read_table({str(path)!r}, read_schema())\n"
            "except UnusableFileError as e: print(e); sys.exit(7)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          preexec_fn=_address_space(3 << 30))
    assert done.returncode == 7, done.stderr[-2000:]
    assert "cell at XFD1048576" in done.stdout and "sheet 'Staff'" in done.stdout
    assert "17,179,869,184 cells" in done.stdout and "WORKFORCE_MAX_CELLS" in done.stdout


def _address_space(limit: int):
    def set_limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return set_limit


@pytest.mark.parametrize("stray", [
    pytest.param('<row r="1048576"><c r="CV1048576"><v>1</v></c></row>', id="number at CV1048576"),
    pytest.param('<row r="1048576"><c r="cv1048576"><v>1</v></c></row>', id="lower-case reference"),
    pytest.param("<row r='1048576'><c s='1' r = 'CV1048576'><v>1</v></c></row>", id="quotes and order"),
    pytest.param('<row r="1048576"><c r="CV0001048576"><v>1</v></c></row>', id="leading zeros"),
    pytest.param('<row r="1048576"><c r="&#67;V1048576"><v>1</v></c></row>', id="character reference"),
    pytest.param('<row r="1048576">' + "<c><v>1</v></c>" * 100 + "</row>", id="cells placed by position"),
    pytest.param('<row r="1048576"><c r="CV1048576" t="inlineStr"><is><t></t></is></c></row>', id="empty inline"),
    pytest.param('<row r="1048576"><c r="CV1048576" t="str"><v></v></c></row>', id="empty formula text"),
])
def test_a_stray_cell_however_written_is_refused_naming_the_sheet_and_cell(tmp_path, stray):
    path = workbook(tmp_path / "staff.xlsx", {"Notes": cell(1, 1, "n"), "Staff": table_xml(extra=stray)})
    far = "X1048576" if "<c>" in stray else "CV1048576"   # by position, the 24th cell is the first past the limit
    width = 24 if "<c>" in stray else 100
    refused(path, rf"sheet 'Staff' has a cell at {far}", rf"1,048,576 rows x {width} columns",
            r"delete the stray cells", r"CSV")


def test_cells_with_a_namespace_prefix_are_scanned_too(tmp_path):
    body = table_xml(extra='<row r="1048576"><c r="CV1048576"><v>1</v></c></row>')
    body = body.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    path = workbook(tmp_path / "staff.xlsx", {"Staff": ""}, replace={
        "xl/worksheets/sheet1.xml": f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{body}</x:sheetData></x:worksheet>'})
    refused(path, r"cell at CV1048576")


@pytest.mark.parametrize("far", ["XFE9", "ZZZZ5", "A99999999", "A1048577"])
def test_cells_outside_excels_grid_are_refused_named_as_written(tmp_path, far):
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml(extra=f'<row r="9"><c r="{far}"><v>1</v></c></row>')})
    refused(path, rf"damaged: sheet 'Staff' has a cell at {far}, outside Excel's grid")


def test_empty_formatted_cells_and_the_stored_dimension_do_not_count(tmp_path):
    """Excel writes styled cells with no value, and a dimension; calamine allocates only for values."""
    far = '<row r="1048576"><c r="XFD1048576" s="1"/><c r="XFC1048576" s="1"></c><c r="XFB1048576"><f>1</f></c></row>'
    path = workbook(tmp_path / "staff.xlsx", {"Staff": ""}, replace={
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
                                    f'{table_xml(extra=far)}</sheetData></worksheet>'})
    table = read_table(path, SCHEMA)
    assert len(table.frame) == 5 and table.header_row == 2


def test_the_limit_is_on_rows_times_columns_and_can_be_raised(tmp_path, monkeypatch):
    """15 columns from row 1: a value in row 66 makes 990 cells, in row 67 1,005 (worked by hand)."""
    monkeypatch.setenv("WORKFORCE_MAX_CELLS", "1000")
    inside = workbook(tmp_path / "inside.xlsx", {"Staff": table_xml(extra='<row r="66">' + cell(66, 15, "x")
                                                                     + "</row>")})
    assert len(read_table(inside, SCHEMA).frame) == 5 + 58 + 1   # the blank rows 8 to 65, the row of the value
    outside = workbook(tmp_path / "outside.xlsx", {"Staff": table_xml(extra='<row r="67">' + cell(67, 15, "x")
                                                                       + "</row>")})
    refused(outside, r"cell at O67, so the table would span 67 rows x 15 columns \(1,005 cells\)",
            r"limit of 1,000 cells")
    monkeypatch.setenv("WORKFORCE_MAX_CELLS", "1,005")
    assert len(read_table(outside, SCHEMA).frame) == 5 + 59 + 1


def test_a_limit_set_to_nonsense_is_named(monkeypatch):
    from workforce import _guard

    monkeypatch.setenv("WORKFORCE_MAX_CELLS", "lots")
    with pytest.raises(WorkforceError, match="WORKFORCE_MAX_CELLS is set to 'lots'; it must be a positive whole"):
        _guard.limit("cells")


def test_the_rectangle_starts_at_the_first_cell_with_a_value(tmp_path, monkeypatch):
    """A table starting at row 1001, column B: 7 rows x 15 columns, however far down (calamine starts there)."""
    monkeypatch.setenv("WORKFORCE_MAX_CELLS", "200")
    body = table_xml(first_row=1001, first_column=2)   # rows 1001 to 1007, columns B to P
    path = workbook(tmp_path / "staff.xlsx", {"Staff": '<row r="3"><c r="A3" s="2"/></row>' + body})
    table = read_table(path, SCHEMA)
    assert table.header_row == 1002 and table.rows.tolist() == [1003, 1004, 1005, 1006, 1007]
    from workforce import _guard

    extent = _guard.inspect_workbook(path).sheets["Staff"]
    assert (extent.first_row, extent.first_column) == (1001, 2)


def test_rows_out_of_order_start_the_sheet_at_the_lowest(tmp_path):
    """The first cell in the file is not always the first row: the header offset comes from the lowest row."""
    rows = table_xml(first_row=3)
    first_two = rows.index('<row r="5">')
    path = workbook(tmp_path / "staff.xlsx", {"Staff": rows[first_two:] + rows[:first_two]})
    from workforce import _guard

    extent = _guard.inspect_workbook(path).sheets["Staff"]
    assert (extent.first_row, extent.first_column) == (3, 1)


def test_the_regular_expressions_of_the_scan_agree_with_counting(tmp_path):
    """The patterns behind the fast scan, against every number and column up to a bound (an independent check)."""
    from workforce import _guard

    for limit in (1, 9, 10, 25, 99, 100, 101, 990, 1000, 1190):
        pattern = re.compile(_guard._digits_to(limit, '"'))
        assert [n for n in range(1, 2000) if pattern.fullmatch(f'{n}"')] == list(range(1, limit + 1)), limit
    for limit in (1, 21, 26, 27, 52, 703, 728):
        pattern = re.compile(_guard._letters_to(limit))
        names = [_guard.cell_name(1, c)[:-1] for c in range(1, 800)]
        assert [c for c, name in enumerate(names, 1) if pattern.fullmatch(name)] == list(range(1, limit + 1)), limit
    bounds = (3, 40, 2, 28)   # rows 3..40, columns B..AB are inside; everything else is looked at
    pattern = _guard._interesting(bounds)
    for row in (1, 2, 3, 39, 40, 41, 400):
        for column in (1, 2, 27, 28, 29, 700):
            inside = 3 <= row <= 40 and 2 <= column <= 28
            assert (pattern.match(f'<c r="{ref(row, column)}" t="s">'.encode()) is None) == inside, (row, column)


# ---------------------------------------------------------------- 2. decompression bombs, parts that lie


def test_a_part_over_the_size_limit_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKFORCE_MAX_PART_MB", "1")
    rows = "".join(f'<row r="{r}">' + cell(r, 1, "x" * 100) + "</row>" for r in range(8, 20_000))
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml(extra=rows)})
    refused(path, r"part xl/worksheets/sheet1.xml would be \d MB once uncompressed, more than the limit of 1 MB",
            "WORKFORCE_MAX_PART_MB")


def test_a_part_that_inflates_over_100_times_is_refused(tmp_path):
    """5 MB of spaces in the sheet's XML compress to a few kilobytes (a 1,000 to 1 bomb)."""
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml() + " " * (5 << 20)})
    assert path.stat().st_size < 20_000
    refused(path, r"part xl/worksheets/sheet1.xml would grow [\d,]+ times", r"limit is 100", "WORKFORCE_MAX_RATIO")


def test_a_part_holding_more_than_its_header_declares_is_refused(tmp_path):
    """The zip's index says the sheet is 600 bytes (and gives that prefix's CRC); 5 MB come out."""
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{table_xml()}</sheetData></worksheet>' + " " * (5 << 20)
    path = workbook(tmp_path / "staff.xlsx", {"Staff": ""}, replace={"xl/worksheets/sheet1.xml": sheet})
    _declare(path, "xl/worksheets/sheet1.xml", size=600, crc=zlib.crc32(sheet.encode()[:600]))
    refused(path, r"holds more data than the zip's index declares \(600 bytes\)")


def _declare(path: Path, member: str, size: int, crc: int) -> None:
    """Rewrite a member's uncompressed size and CRC in its local header and in the central directory."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, crc_at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            length = int.from_bytes(data[at + (26 if signature == b"PK\x03\x04" else 28):][:2], "little")
            if bytes(data[name_at:name_at + length]) == name:
                data[at + crc_at:at + crc_at + 4] = crc.to_bytes(4, "little")
                data[at + crc_at + 8:at + crc_at + 12] = size.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_shared_text_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKFORCE_MAX_TEXT_MB", "1")
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml()},
                    shared=[f"note {i} " + "abcdefghij"[i % 10] * 200 for i in range(6000)])
    refused(path, r"shared text is 1 MB, more than the limit of 1 MB", "WORKFORCE_MAX_TEXT_MB")


def test_one_long_shared_text_repeated_in_many_cells_is_refused(tmp_path, monkeypatch):
    """30,000 characters copied into 2,000 cells is 57 MB of text from a 40 KB file (the limit here 16 MB)."""
    monkeypatch.setenv("WORKFORCE_MAX_TEXT_MB", "16")
    copies = "".join(f'<row r="{r}"><c r="P{r}" t="s"><v>0</v></c></row>' for r in range(8, 2008))
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml(extra=copies)}, shared=["y" * 30_000])
    assert path.stat().st_size < 60_000
    refused(path, r"cells of sheet 'Staff' repeat the workbook's shared text; they would hold 57 MB of it, more than "
                  r"the limit of 16 MB")
    monkeypatch.setenv("WORKFORCE_MAX_TEXT_MB", "64")
    assert len(read_table(path, SCHEMA).frame) == 2005


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak memory read from /proc (Linux)")
def test_a_one_gigabyte_bomb_is_refused_in_little_memory_and_time(tmp_path):
    """A sheet of 1 GiB of spaces, 1 MB on disk: refused from the zip's index, the process under 250 MB."""
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml()})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as part:
        for _ in range(1024):
            part.write(b" " * (1 << 20))
    workbook_xml = f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="Staff" sheetId="1" r:id="rId1"/>' \
                   f'<sheet name="Bomb" sheetId="2" r:id="rId9"/></sheets></workbook>'
    rels = (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId9" Type="{RELS}/worksheet" Target="worksheets/sheet9.xml"/></Relationships>')
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename == "xl/worksheets/sheet9.xml":
                with old.open(info) as source, new.open(info.filename, "w", force_zip64=True) as target:
                    while chunk := source.read(1 << 24):
                        target.write(chunk)
            else:
                new.writestr(info.filename, {"xl/workbook.xml": workbook_xml, "xl/_rels/workbook.xml.rels": rels}
                             .get(info.filename) or old.read(info))
    bomb = tmp_path / "bomb.xlsx"
    assert bomb.stat().st_size < 3 << 20
    started = time.monotonic()
    # the child's own peak memory: VmHWM of its own address space (ru_maxrss would count the forked pytest
    # process it was before exec)
    launch = ("import sys\nfrom workforce.cli import main\ncode = main(sys.argv[1:])\n"
              "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0], file=sys.stderr)\n"
              "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", launch, "validate", str(bomb)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, "WORKFORCE_DEBUG": ""})
    seconds = time.monotonic() - started
    said = done.stdout + done.stderr
    assert done.returncode == 2, said
    assert "would be 1,024 MB once uncompressed" in said or "grow" in said
    assert seconds < 30
    peak = int(re.search(r"VmHWM:\s*(\d+) kB", said)[1]) * 1024
    assert peak < 250 << 20, f"peak {peak / 2**20:.0f} MB"


# ---------------------------------------------------------------- 3. text longer than Excel allows


def test_a_cell_longer_than_excel_allows_is_cut_to_32767_characters(tmp_path):
    inline = workbook(tmp_path / "inline.xlsx", {"Staff": table_xml(more=(("Comments", "z" * 40_000),))})
    shared = workbook(tmp_path / "shared.xlsx", {"Staff": table_xml() + '<row r="8"><c r="P8" t="s"><v>0</v></c>'
                                                 '</row>'}, shared=["\u00e9" * 40_000])
    assert read_table(inline, SCHEMA).frame["Comments"].str.len().tolist() == [32_767] * 5
    assert read_table(shared, SCHEMA, engine="openpyxl").frame.iloc[-1].dropna().str.len().tolist() == [32_767]


# ---------------------------------------------------------------- 4. the openpyxl fallback


def test_the_fallback_reader_ignores_a_stored_dimension_of_the_whole_sheet(tmp_path):
    """The dimension A1:XFD1048576 padded every row to 16,384 cells (1.7 GB for 3,000 rows)."""
    rows = "".join(f'<row r="{r}">' + "".join(cell(r, c + 1, v) for c, v in enumerate(staff_row(r))) + "</row>"
                   for r in range(8, 3008))
    path = workbook(tmp_path / "staff.xlsx", {"Staff": ""}, replace={
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
                                    f'{table_xml(extra=rows)}</sheetData></worksheet>'})
    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # openpyxl's own warnings are not shown to the user
        table = read_table(path, SCHEMA, engine="openpyxl")
    assert table.frame.shape == (3005, 15)
    assert time.monotonic() - started < 10


def test_the_fallback_reader_refuses_a_grid_past_the_limit(tmp_path, monkeypatch):
    from workforce import _guard

    monkeypatch.setattr(_guard, "inspect_workbook", lambda path: _guard.Workbook(str(path)))   # as if it let it by
    monkeypatch.setenv("WORKFORCE_MAX_CELLS", "1000")
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml(extra='<row r="70">' + cell(70, 15, "x") + "</row>")})
    refused(path, r"sheet 'Staff' has a value in row 67, column O", "WORKFORCE_MAX_CELLS", engine="openpyxl")


# ---------------------------------------------------------------- 5. many sheets


def test_1500_sheets_are_read_in_one_pass(tmp_path):
    """The header offset re-opened the zip for every sheet: 87 s for 1,500 sheets."""
    sheets = {"Staff": table_xml()} | {f"Notes {i}": cell(1, 1, f"note {i}") for i in range(1, 1500)}
    path = workbook(tmp_path / "staff.xlsx", sheets)
    started = time.monotonic()
    table = read_table(path, SCHEMA)
    assert table.sheet == "Staff" and len(table.frame) == 5
    assert time.monotonic() - started < 15


# ---------------------------------------------------------------- 7. damaged workbooks


@pytest.mark.parametrize("damage, message", [
    (dict(sheets={"Staff": table_xml(extra='<row r="8"><c r="A8" t="s"><v>99</v></c></row>')}, shared=["a"]),
     r"damaged: a cell refers to a shared text that is not in the workbook"),
    (dict(sheets={"Staff": table_xml()}, drop=("xl/worksheets/sheet1.xml",)),
     r"damaged: sheet 'Staff' is listed but its contents \(xl/worksheets/sheet1.xml\) are missing"),
    (dict(sheets={"Staff": table_xml(extra='<row r="8"><c r="A8"><v>1</v></row>')}),
     r"damaged: a part of it is not well-formed XML"),
    (dict(sheets={"Staff": table_xml()}, replace={"xl/workbook.xml": "<workbook><sheets><sheet name='x' "}),
     r"damaged: its list of sheets is not readable"),
    (dict(sheets={"Staff": table_xml()}, drop=("xl/workbook.xml",)), r"damaged: its list of sheets \(xl/workbook.xml\) "
     r"is missing"),
])
def test_a_damaged_workbook_gets_a_plain_message(tmp_path, damage, message):
    path = workbook(tmp_path / "staff.xlsx", damage.pop("sheets"), **damage)
    text = refused(path, message)
    assert "fault in workforce" not in text


def test_a_truncated_zip_is_damaged(tmp_path):
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml(50)})
    path.write_bytes(path.read_bytes()[:3000])
    refused(path, r"damaged: it is not a complete zip archive", r"save it again")


def test_a_damaged_workbook_is_a_plain_message_at_the_command_line(tmp_path, capsys):
    from workforce.cli import main

    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml(extra='<row r="8"><c r="A8" t="s"><v>99</v></c>'
                                                                       "</row>")}, shared=["a"])
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr()
    assert "damaged" in out.out + out.err and "fault in workforce" not in out.out + out.err


# ---------------------------------------------------------------- 8. files that are not what their name says


@pytest.mark.parametrize("name, content, message", [
    ("staff.xls", b"<html><head><meta charset='utf-8'></head><body><table><tr><td>Name</td></tr></table></body></html>",
     r"this is a web page \(HTML\) saved with an \.xls name[\s\S]*save it as an Excel workbook \(\.xlsx\), or save "
     r"the table as CSV"),
    ("staff.xlsx", b"Assignment Number,Employee Number\r\n1-1,1\r\n", r"this is a text file \(CSV or similar\) saved "
     r"with an \.xlsx name[\s\S]*rename it to end in \.csv"),
    ("staff.xlsx", b"\xff\xfeA\x00,\x00", r"UTF-16[\s\S]*CSV UTF-8"),
    ("staff.xlsx", b"%PDF-1.7\n", r"this is a PDF document saved with an \.xlsx name, not an Excel workbook"),
    ("staff.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
     r"XML Spreadsheet 2003"),
    ("staff.xls", b"MIME-Version: 1.0\r\nContent-Type: multipart/related;", r"web archive \(MHTML"),
])
def test_a_file_whose_contents_are_not_what_its_name_says_is_named(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    refused(path, message)


def test_workbooks_with_the_wrong_suffix_are_named(tmp_path):
    xlsx = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml()})
    as_xls = tmp_path / "staff.xls"
    as_xls.write_bytes(xlsx.read_bytes())
    refused(as_xls, r"this is an Excel workbook \(\.xlsx\) saved with an \.xls name", r"rename it to end in \.xlsx")
    as_csv = tmp_path / "staff.csv"
    as_csv.write_bytes(xlsx.read_bytes())
    refused(as_csv, r"this is an Excel workbook saved with a \.csv name")
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "Workbook".encode("utf-16-le") + bytes(500))
    refused(old, r"older Excel workbook \(\.xls\) saved with an \.xlsx name")
    docx = tmp_path / "report.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    refused(docx, r"this is a Word document, not an Excel workbook")


def test_a_pipe_is_named_and_never_waited_on(tmp_path):
    from workforce.load._read import guess_kind

    fifo = tmp_path / "staff.csv"
    os.mkfifo(fifo)
    answers: list = []
    worker = threading.Thread(target=lambda: answers.append(guess_kind(fifo)), daemon=True)
    worker.start()
    worker.join(10)
    assert answers, "guess_kind waited on the pipe"
    refused(fifo, r"this is a pipe \(FIFO\), not a file")


def test_paths_that_are_not_readable_files_are_named(tmp_path, monkeypatch):
    loop = tmp_path / "loop.xlsx"
    loop.symlink_to(tmp_path / "loop2.xlsx")
    (tmp_path / "loop2.xlsx").symlink_to(loop)
    refused(loop, r"symbolic link\) that leads back to itself")
    dangling = tmp_path / "gone.xlsx"
    dangling.symlink_to(tmp_path / "nothing.xlsx")
    refused(dangling, r"points to a file that does not exist")
    refused(tmp_path, r"this is a folder")
    locked = workbook(tmp_path / "locked.xlsx", {"Staff": table_xml()})
    from workforce import _guard

    def no_permission(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(_guard, "open", no_permission, raising=False)   # as root, chmod 0 does not stop a read
    refused(locked, r"you do not have permission to read this file")


# ---------------------------------------------------------------- the background parse


def test_the_background_parse_never_gives_fastexcel_a_workbook_past_the_limits(tmp_path, monkeypatch):
    import fastexcel

    opened: list = []
    real = fastexcel.read_excel
    monkeypatch.setattr(fastexcel, "read_excel", lambda path, *a, **k: opened.append(path) or real(path, *a, **k))
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml(extra='<row r="1048576"><c r="XFD1048576"><v>1</v>'
                                                                       "</c></row>")})
    _early_read.start([path])
    assert _early_read.take(path) is None
    assert opened == []
    refused(path, r"cell at XFD1048576")
    assert opened == []


def test_the_background_parse_checks_each_workbook_once(tmp_path, monkeypatch):
    from workforce import _guard

    scans: list = []
    real = _guard._inspect
    monkeypatch.setattr(_guard, "_inspect", lambda path, name: scans.append(name) or real(path, name))
    path = workbook(tmp_path / "staff.xlsx", {"Staff": table_xml()})
    _early_read.start([path])
    from workforce.load._read import guess_kind

    assert guess_kind(path)[0] == "staff"
    assert len(read_table(path, SCHEMA).frame) == 5
    assert scans == [str(path)]
