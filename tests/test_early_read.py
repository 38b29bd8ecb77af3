"""Parsing exports in the background (workforce._early_read) changes nothing that the reader returns."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from workforce import _early_read
from workforce.errors import UnusableFileError
from workforce.load._read import read_table
from workforce.load._schema import read_schema

SCHEMA = read_schema()


@pytest.fixture(autouse=True)
def _nothing_left_over():
    _early_read._forget()
    yield
    _early_read._forget()


def test_a_started_file_is_read_from_its_parse_and_gives_the_same_table(messy_export):
    plain = read_table(messy_export, SCHEMA)
    _early_read.start([messy_export])
    key = _early_read._key(messy_export)
    assert key in _early_read._started
    early = read_table(messy_export, SCHEMA)
    assert key not in _early_read._started          # the parse was taken, and is used once
    pd.testing.assert_frame_equal(early.frame, plain.frame)
    assert early.rows.tolist() == plain.rows.tolist()
    assert (early.sheet, early.header_row, early.mapping, early.title_text) == (
        plain.sheet, plain.header_row, plain.mapping, plain.title_text)


def test_take_gives_the_parsed_sheets_once(messy_export):
    _early_read.start([messy_export, messy_export])   # a file named twice is parsed once
    reader, sheets = _early_read.take(messy_export)
    assert list(sheets) == list(reader.sheet_names) == ["Staff"]
    assert sheets["Staff"].num_rows == 13   # Excel rows 1 to 13, as text, no header taken
    assert set(map(str, sheets["Staff"].schema.types)) == {"string"}
    assert _early_read.take(messy_export) is None


def test_a_file_changed_after_the_start_is_read_again(messy_export):
    _early_read.start([messy_export])
    stat = messy_export.stat()
    os.utime(messy_export, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _early_read.take(messy_export) is None


def test_files_it_cannot_parse_are_left_to_the_reader(tmp_path):
    broken = tmp_path / "report.xlsx"
    broken.write_bytes(b"%PDF-1.4 not a workbook")
    _early_read.start([broken, tmp_path / "missing.xlsx", tmp_path / "staff.csv"])
    assert list(_early_read._started) == [_early_read._key(broken)]   # only Excel files that exist
    assert _early_read.take(broken) is None
    with pytest.raises(UnusableFileError, match="not an Excel"):
        read_table(broken, SCHEMA)
