"""Writing the board pack's page and workbook (workforce.publish._page)."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from workforce._result import Result
from workforce.analysis import REPRESENTATION
from workforce.publish import _page as _pack_files

openpyxl = pytest.importorskip("openpyxl")


def test_text_starting_like_a_formula_stays_text(tmp_path):
    table = pd.DataFrame({"a": ["=1+1", "+cmd", "-18 pp", "@SUM(A1)", "plain"], "b": [1, -2, 3, 4, 5]})
    path = tmp_path / "t.xlsx"
    _pack_files.write_workbook(path, {"t": table}, [("=note", "-x")])
    book = openpyxl.load_workbook(path)
    values = [c.value for c in book["t"]["A"][1:]]
    assert values == ["=1+1", "+cmd", "-18 pp", "@SUM(A1)", "plain"]
    assert all(c.data_type == "s" for c in book["t"]["A"][1:])
    assert [c.value for c in book["t"]["B"][1:]] == [1, -2, 3, 4, 5]
    assert book["Notes"]["A2"].data_type == "s" and book["Notes"]["A2"].value == "=note"


# ---------------------------------------------------------------- disclosure


def test_page_escapes_text_and_stars_suppressed_counts(tmp_path):
    table = pd.DataFrame({"group": ["<b>Asian</b>", "Black"], "staff_count": [pd.NA, 12],
                          "staff_count_suppressed": [True, False]})
    result = Result(table=table, spec=dataclasses.replace(REPRESENTATION, title="a & b"))
    section = _pack_files.Section("part", "Part <one>", result, {"counts": table},
                                  charts={"c": {"title": {"text": "</script> here"}, "mark": "bar"}},
                                  notes=["a note"])
    path = tmp_path / "index.html"
    _pack_files.write_page(path, [section], "/* bundle */", "Title & more", "footer")
    page = path.read_text(encoding="utf-8")
    assert "<b>Asian</b>" not in page and "&lt;b&gt;Asian&lt;/b&gt;" in page
    assert "Part &lt;one&gt;" in page and "Title &amp; more" in page
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", page)
    assert rows == [("&lt;b&gt;Asian&lt;/b&gt;", "*"), ("Black", "12")]   # suppressed shown as *, flags dropped
    assert "</script> here" not in page                                  # a spec cannot end its script early
    assert "<b>Caveats:</b> A note." in page
