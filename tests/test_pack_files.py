"""Writing the board pack's page and workbook (workforce.publish._page)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

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
                          "staff_count_suppressed": [True, False], "staff_share": [float("nan"), 0.5],
                          "staff_share_ci_low": [float("nan"), 0.3], "staff_share_ci_high": [float("nan"), 0.7],
                          "population_share": [0.2, 0.1], "ratio": [float("nan"), 5.0], "flag": [None, None]})
    result = Result(table=table, spec=dataclasses.replace(REPRESENTATION, title="a & b"))
    section = _pack_files.Section("part", "Part <one>", result, {"counts": table},
                                  charts={"c": {"title": {"text": "</script> here"}, "mark": "bar"}},
                                  notes=["a <note>"], figures={"c": _pack_files.Figure("representation_chart", "counts")})
    path = tmp_path / "index.html"
    _pack_files.write_page(path, [section], "/* bundle */", "Title & more", "footer")
    page = path.read_text(encoding="utf-8")
    assert "<b>Asian</b>" not in page and "&lt;b&gt;Asian&lt;/b&gt;" in page
    assert "Part &lt;one&gt;" in page and "Title &amp; more" in page
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", page)
    assert rows == [("&lt;b&gt;Asian&lt;/b&gt;", "*"), ("Black", "12")]   # suppressed shown as *, flags dropped
    assert "</script> here" not in page                                  # a spec cannot end its script early
    assert '<p class="note">A &lt;note&gt;.</p>' in page


# ---------------------------------------------------------------- the workbook's Definitions, Notes and Validation


def definitions(book) -> dict[str, dict[str, tuple[str, str]]]:
    """Sheet -> column -> (meaning, unit), from the Definitions sheet."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    rows = list(book["Definitions"].iter_rows(values_only=True))
    assert rows[0] == ("sheets", "column", "meaning", "unit")
    for sheets, column, meaning, unit in rows[1:]:
        for sheet in str(sheets).split(", "):
            assert column not in out.get(sheet, {}), f"{sheet}: {column} defined twice"
            out.setdefault(sheet, {})[column] = (meaning or "", unit or "")
    return out


def undefined_columns(folder) -> list[str]:
    book = openpyxl.load_workbook(folder / "tables.xlsx", read_only=True)
    defined = definitions(book)
    missing = []
    for sheet in book.sheetnames:
        header = next(book[sheet].iter_rows(max_row=1, values_only=True))
        missing += [f"{sheet}: {c}" for c in header if not all(defined.get(sheet, {}).get(c, ("", "")))]
        missing += [f"{sheet}: {c} (not a column)" for c in defined.get(sheet, {}) if c not in header]
    assert "Definitions" in book.sheetnames and "Notes" in book.sheetnames and "Validation" in book.sheetnames
    return missing


def test_the_definitions_sheet_covers_every_column_of_every_sheet_of_the_demo_pack(demo_pack):
    out, done = demo_pack
    assert done.returncode == 0, done.stderr
    assert undefined_columns(out) == []


@pytest.mark.slow
def test_the_definitions_sheet_covers_every_column_of_every_sheet_of_an_icb_pack(icb_pack):
    out, done = icb_pack
    assert done.returncode == 0, done.stderr
    assert undefined_columns(out) == []


def test_definitions_come_from_the_specs_with_suppression_flags_and_units():
    from workforce.publish._pack import definitions_sheet
    from workforce.publish._quality import VALIDATION_COLUMNS

    table = pd.DataFrame({"group": ["A"], "staff_count": [pd.NA], "staff_count_suppressed": [True],
                          "staff_share": [0.5], "stray": [1]})
    sheet = definitions_sheet({"representation 1": table, "representation 2": table}, {
        "representation 1": REPRESENTATION, "representation 2": REPRESENTATION}, {"Validation": VALIDATION_COLUMNS})
    rows = {r.column: r for r in sheet.itertuples()}
    assert rows["staff_count"].sheets == "representation 1, representation 2"
    assert rows["staff_count"].unit == "people" and rows["staff_share"].unit == "proportion (0 to 1)"
    assert rows["staff_count_suppressed"].unit == "TRUE where the count is suppressed"
    assert "staff_count is suppressed" in rows["staff_count_suppressed"].meaning
    assert rows["stray"].meaning == "" and rows["stray"].unit == ""        # found in no spec: the pack tests fail
    assert {"Validation", "Definitions"} <= set(sheet["sheets"])


def notes(folder) -> list[tuple[str, str]]:
    book = openpyxl.load_workbook(folder / "tables.xlsx", read_only=True)
    rows = list(book["Notes"].iter_rows(values_only=True))
    assert rows[0] == ("item", "note")
    return [(str(a), str(b)) for a, b in rows[1:]]


def test_the_notes_say_the_method_once_with_plain_item_names(demo_pack):
    out, _ = demo_pack
    items = notes(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    keys = {"representation", "ladder", "progression_gaps", "wres", "wdes", "promotion", *manifest["tables"]}
    for item, note in items:
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", item), item            # no code names (progression_gaps)
        assert item.split(":")[0] not in keys, item
        assert not (note.startswith("(") and note.endswith(")")), note     # no tuples of code names
    method = [(i, n) for i, n in items if i.startswith("How this was measured")]
    assert any(i == "How this was measured: Intervals" for i, _ in method)
    assert len(method) == len(set(method))                                 # each statement once
    caveats = [n for i, n in method if "caveats" in i.lower()]
    assert caveats and len(caveats) == len(set(caveats))
    assert sum(n.startswith("Census 2021 counts are perturbed") for _, n in items) == 1
    first_part = next(k for k, (i, _) in enumerate(items) if i.startswith("Representation"))
    assert all(k < first_part for k, (i, _) in enumerate(items) if i.startswith("How this was measured"))


def test_the_manifest_names_inputs_without_absolute_paths(demo_pack):
    out, _ = demo_pack
    text = (out / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    root = Path(__file__).resolve().parent.parent   # the demo is made from the project folder: paths under it
    assert str(root) not in text and str(Path.home()) + "/" not in text
    for item in manifest["inputs"]:
        assert item["path"] in (f"sample_data/{item['name']}", f"sample_data/soar_valley_monthly/{item['name']}")
        assert item["sha256"] == hashlib.sha256((root / item["path"]).read_bytes()).hexdigest()
        assert item["bytes"] == (root / item["path"]).stat().st_size
    assert manifest["options"]["previous"] == []    # the month-ends are given as one folder
    quality = manifest["data quality"]
    assert quality["reconciles"] and quality["rows read"] == quality["rows used"] + quality["rows excluded"]
    assert len(quality["files"]) == 29 and all("/" not in f["file"] for f in quality["files"])


def test_paths_are_relative_to_the_working_folder_or_the_file_name_alone(tmp_path, monkeypatch):
    from workforce.publish._pack import _shown, _without_folders

    work, elsewhere = tmp_path / "work", tmp_path / "home" / "someone"
    (work / "exports").mkdir(parents=True)
    elsewhere.mkdir(parents=True)
    inside, outside = work / "exports" / "staff.xlsx", elsewhere / "board.xlsx"
    inside.write_bytes(b"x")
    outside.write_bytes(b"y")
    monkeypatch.chdir(work)
    assert _shown(inside) == "exports/staff.xlsx" and _shown(Path("exports/staff.xlsx")) == "exports/staff.xlsx"
    assert _shown(outside) == "board.xlsx"
    options = {"previous": [str(outside)], "recruitment": [f"Soar Valley NHS Trust={outside}"],
               "schema": ["exports/staff.xlsx"], "area": "Leicester", "note": "staff_share / population_share",
               "gone": str(elsewhere / "deleted.xlsx")}
    assert _without_folders(options) == {"previous": ["board.xlsx"], "recruitment": ["Soar Valley NHS Trust=board.xlsx"],
                                         "schema": ["exports/staff.xlsx"], "area": "Leicester",
                                         "note": "staff_share / population_share", "gone": "deleted.xlsx"}


@pytest.mark.slow
def test_an_icb_pack_states_the_values_set_aside(icb_pack):
    out, done = icb_pack
    assert done.returncode == 0, done.stderr
    # Rutland Vale's four planted errors (sample_data/README.md): WTE "full time", age 7, "White Brit", "Band 55"
    said = "4 values set aside (WTE 1, Age 1, Ethnic Origin 1, Grade 1)"
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Board pack written: ")
    assert lines[1].startswith("Data quality: 14,013 rows read from 4 files: 14,006 used, 7 excluded (6 blank rows, 1 "
                               "totals row); " + said)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert said in manifest["data quality"]["summary"]
    book = openpyxl.load_workbook(out / "tables.xlsx", read_only=True)
    rows = list(book["Validation"].iter_rows(values_only=True))
    header = rows[0]
    table = pd.DataFrame(rows[1:], columns=header)
    aside = table[table["done"] == "value set aside"]
    assert sorted(zip(aside["column"], aside["values"], aside["excel_rows"])) == [
        ("Age", "7", "610"), ("Ethnic Origin", "White Brit", "63"), ("Grade", "Band 55", "218"),
        ("WTE", "full time", "395")]
    assert set(aside["file"]) == {"rutland_vale_staff_in_post_2025-03-31.xlsx"}
    assert "Data quality" in dict(notes(out))


def test_a_new_pack_folder_gets_the_usual_mode_under_the_umask(tmp_path):
    import os
    import tempfile

    from workforce.publish._folder import move_into_place

    for umask, expected in ((0o022, 0o755), (0o027, 0o750), (0o002, 0o775)):
        before = os.umask(umask)
        try:
            tmp = Path(tempfile.mkdtemp(dir=tmp_path))
            (tmp / "index.html").write_text("x")
            out = tmp_path / f"pack_{umask:o}"
            move_into_place(tmp, out)
        finally:
            os.umask(before)
        assert out.stat().st_mode & 0o777 == expected
