"""The Excel writer of the board pack's workbook (workforce.publish._workbook)."""

from __future__ import annotations

import datetime as dt
import zipfile
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from workforce._xlsx import cell_value, write_xlsx

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({
        "text": ["=SUM(A1)", "+cmd", " padded ", "a & b < c", "bell\x07here"],
        "count": pd.array([12, None, 0, -3, 7], dtype="Int64"),
        "share": [0.125, np.nan, np.inf, 1e-05, 2.0],
        "flag": pd.array([True, False, None, True, False], dtype="boolean"),
        "when": [pd.Timestamp("2025-03-31"), pd.NaT, pd.Timestamp("2024-03-31 09:30"),
                 pd.Timestamp("2023-03-31"), pd.NaT],
        "other": [["a", 1], None, dt.date(2025, 3, 31), "x", 3],
    })


def test_values_are_read_back_as_written(tmp_path, table):
    path = tmp_path / "t.xlsx"
    write_xlsx(path, {"t": table})
    sheet = openpyxl.load_workbook(path)["t"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["text", "count", "share", "flag", "when", "other"]
    assert [r[0] for r in rows[1:]] == ["=SUM(A1)", "+cmd", " padded ", "a & b < c", "bellhere"]
    assert [r[1] for r in rows[1:]] == [12, None, 0, -3, 7]
    assert [r[2] for r in rows[1:]] == [0.125, None, None, 1e-05, 2.0]    # NaN and infinity: empty cells
    assert [r[3] for r in rows[1:]] == [True, False, None, True, False]
    assert [r[4] for r in rows[1:]] == [dt.datetime(2025, 3, 31), None, dt.datetime(2024, 3, 31, 9, 30),
                                        dt.datetime(2023, 3, 31), None]
    assert [r[5] for r in rows[1:]] == ["['a', 1]", None, dt.datetime(2025, 3, 31), "x", 3]


def test_text_is_never_a_formula_and_cells_have_their_formats(tmp_path, table):
    path = tmp_path / "t.xlsx"
    write_xlsx(path, {"t": table})
    sheet = openpyxl.load_workbook(path)["t"]
    assert all(c.data_type == "s" for c in sheet["A"])
    assert all(c.font.b for c in sheet[1]) and not sheet["A2"].font.b          # the header is bold
    assert sheet.freeze_panes == "A2"
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["E4"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet.column_dimensions["A"].width == 11          # "a & b < c" + 2
    assert sheet.column_dimensions["B"].width == 9           # at least 9


def test_every_part_is_well_formed_xml_and_listed(tmp_path, table):
    path = tmp_path / "t.xlsx"
    write_xlsx(path, {"first": table, 'a "quoted" name': table.head(1)})
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        for name in names:
            ElementTree.fromstring(book.read(name))
        types = book.read("[Content_Types].xml").decode()
    assert {"xl/workbook.xml", "xl/styles.xml", "xl/theme/theme1.xml", "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml", "docProps/core.xml", "docProps/app.xml"} <= set(names)
    for part in names:
        if part.endswith(".xml") and not part.startswith("["):
            assert f'PartName="/{part}"' in types, part
    assert openpyxl.load_workbook(path).sheetnames == ["first", 'a "quoted" name']


def test_the_theme_is_the_one_openpyxl_writes_and_writing_needs_no_openpyxl(tmp_path, table):
    """The workbook's theme is shipped as a data file (importing openpyxl cost the pack ~0.2 s): still openpyxl's own."""
    import subprocess
    import sys

    from openpyxl.writer.theme import theme_xml

    write_xlsx(tmp_path / "t.xlsx", {"t": table})
    with zipfile.ZipFile(tmp_path / "t.xlsx") as book:
        assert book.read("xl/theme/theme1.xml").decode() == theme_xml
    code = ("import sys, tempfile, pathlib, pandas as pd; from workforce._xlsx import write_xlsx; "
            "write_xlsx(pathlib.Path(tempfile.mkdtemp()) / 't.xlsx', {'t': pd.DataFrame({'a': [1]})}); "
            "print('openpyxl' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_pandas_reads_the_table_back(tmp_path):
    frame = pd.DataFrame({"group": ["Asian", "Black"], "n": [12, 30], "share": [0.22, 0.08]})
    path = tmp_path / "t.xlsx"
    write_xlsx(path, {"t": frame})
    pd.testing.assert_frame_equal(pd.read_excel(path, sheet_name="t", engine="openpyxl"), frame)


@pytest.mark.parametrize("names", [["x" * 32], ["a/b"], ["same", "SAME"], [""]])
def test_sheet_names_excel_refuses_are_refused(tmp_path, names):
    with pytest.raises(ValueError, match="sheet names"):
        write_xlsx(tmp_path / "t.xlsx", {n: pd.DataFrame({"a": [1]}) for n in names})


def test_cell_value():
    assert cell_value(np.int64(3)) == 3 and type(cell_value(np.int64(3))) is int
    assert cell_value(np.float64("nan")) is None and cell_value(pd.NA) is None and cell_value(pd.NaT) is None
    assert cell_value(np.bool_(True)) is True
    assert cell_value(pd.Timestamp("2025-03-31")) == dt.datetime(2025, 3, 31)
    assert cell_value({"a": 1}) == "{'a': 1}"


# ---------------------------------------------------------------- units of the columns (the Definitions sheet)


def all_specs():
    import gc
    import importlib
    import pkgutil

    import workforce
    from workforce._spec import ResultSpec

    for module in pkgutil.walk_packages(workforce.__path__, "workforce."):
        importlib.import_module(module.name)
    return list({id(o): o for o in gc.get_objects() if isinstance(o, ResultSpec)}.values())


@pytest.mark.parametrize(("name", "dtype", "unit"), [
    ("headcount", "int64", "people"), ("staff_count", "int64", "people"), ("white_total", "Int64", "people"),
    ("expected_leavers", "float64", "people"), ("staff_share", "float64", "proportion (0 to 1)"),
    ("staff_share_ci_low", "float64", "proportion (0 to 1)"), ("promotion_rate_ci_high", "float64",
                                                                "proportion (0 to 1)"),
    ("rate_a", "float64", "proportion (0 to 1)"), ("p_value", "float64", "probability (0 to 1)"),
    ("p_adjusted", "float64", "probability (0 to 1)"), ("leaver_rl_p_value", "float64", "probability (0 to 1)"),
    ("ratio", "float64", "ratio"), ("value", "float64", "ratio"), ("ci_low", "float64", "ratio"),
    ("promotion_rl_ci_low", "float64", "ratio"), ("ratio_if_unknown_in", "float64", "ratio"),
    ("difference_pp", "float64", "percentage points"), ("difference_ci_high", "float64", "percentage points"),
    ("staff_count_suppressed", "boolean", "TRUE where the count is suppressed"), ("significant", "boolean",
                                                                                  "TRUE or FALSE"),
    ("group", "str", "text"), ("flag", "category", "text"), ("snapshot_date", "datetime64[ns]", "date"),
    ("year", "int64", "year"), ("indicator", "int64", "number"), ("mystery", "float64", ""),
])
def test_the_unit_is_worked_out_from_the_name_and_dtype(name, dtype, unit):
    from workforce._spec import Column, unit_of

    assert unit_of(name, dtype) == unit
    assert Column(name, dtype, "x").unit == unit
    assert Column(name, dtype, "x", unit="given").unit == "given"


def test_every_column_of_every_result_has_a_unit():
    specs = all_specs()
    assert len(specs) >= 10
    missing = [f"{s.kind}: {c.name}" for s in specs for c in s.columns if not c.unit]
    assert missing == []


def test_the_wres_figures_take_the_unit_of_their_row():
    from workforce.analysis import WRES

    units = {c.name: c.unit for c in WRES.columns}
    assert units["value"] == units["ci_low"] == units["ci_high"]
    assert "unit column" in units["value"]
    assert units["white"].startswith("proportion")
