"""The command line: exit codes, plain messages, never a traceback."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from conftest import HEADERS, staff_row, write_xlsx

from workforce import ProblemCode, sample_data
from workforce.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workforce.cli", *args], capture_output=True, text=True, timeout=120)


def test_valid_file_exits_0(messy_export, capsys):
    assert main(["validate", str(messy_export)]) == 0
    out = capsys.readouterr().out
    assert "Rows read: 9" in out and "Valid." in out


def test_problems_exit_1_and_name_file_sheet_row_column_value_fix(tmp_path):
    rows = [HEADERS, staff_row(0), staff_row(1, Pay_Band="Band 55")]
    path = write_xlsx(tmp_path / "bad_2025-03-31.xlsx", {"Staff": rows})
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    line = next(l for l in result.stdout.splitlines() if "Band 55" in l)
    assert "bad_2025-03-31.xlsx" in line and "sheet 'Staff'" in line and "row 3" in line and "column 'Pay Band'" in line
    assert "Fix:" in result.stdout


@pytest.mark.parametrize("name,content", [("missing.xlsx", None), ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
                                          ("empty.csv", b""), ("notes.docx", b"PK\x03\x04")])
def test_unusable_file_exits_2_with_plain_message(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("validate", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert str(path) in result.stderr and "Cannot use this file" in result.stderr


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_header_with_no_rows_is_unusable(tmp_path, suffix):
    """It said "0 people, Valid." and exited 0 (issue 13): a staff export with no staff cannot be used."""
    path = tmp_path / f"empty_2025-03-31{suffix}"
    if suffix == ".csv":
        path.write_text(",".join(HEADERS) + "\n", encoding="utf-8")
    else:
        write_xlsx(path, {"Staff": [HEADERS]})
    result = run("validate", str(path))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stdout + result.stderr and "Valid." not in result.stdout
    assert "no rows below it: there are no staff to count" in result.stderr and "Fix:" in result.stderr


def test_control_characters_in_a_cell_reach_the_terminal_escaped(tmp_path):
    """A cell's escape sequences changed the terminal's title, cleared it or overprinted "Valid." (issue 13)."""
    hostile = "\x1b]0;pwned\x07\x1b[2J\rValid.\x9b"
    path = tmp_path / "hostile_2025-03-31.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADERS, staff_row(0), staff_row(1, Pay_Band=hostile)])
    result = run("validate", str(path))
    assert result.returncode == 1
    shown = result.stdout + result.stderr
    assert not any(ch in shown for ch in "\x1b\x07\r\x9b"), repr(shown[:200])
    assert "\\x1b]0;pwned\\x07" in shown and "\\x0dValid." in shown


def test_json_report(tmp_path, capsys):
    rows = [HEADERS, staff_row(0), staff_row(1, Contracted_WTE="lots")]
    path = write_xlsx(tmp_path / "j_2025-03-31.xlsx", {"Staff": rows})
    assert main(["validate", "--json", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["rows_read"] == 2 and report["rows_used"] == 2 and report["reconciles"] is True
    problem = next(p for p in report["problems"] if p["severity"] == "warning")
    assert (problem["row"], problem["column"], problem["value"]) == (3, "Contracted WTE", "lots")
    assert problem["code"] == ProblemCode.NOT_A_NUMBER == "not_a_number"
    assert report["kinds"] == [{"file": str(path), "kind": "staff", "guessed": True}]


def test_json_on_unusable_file(tmp_path, capsys):
    assert main(["validate", "--json", str(tmp_path / "nope.xlsx")]) == 2
    assert json.loads(capsys.readouterr().out)["usable"] is False


def test_excel_report_is_written(tmp_path, messy_export):
    out = tmp_path / "report.xlsx"
    assert main(["validate", str(messy_export), "--excel", str(out)]) == 0
    import openpyxl

    assert {"Summary", "Problems", "Exclusions"} <= set(openpyxl.load_workbook(out).sheetnames)


def test_help_does_not_import_heavy_libraries():
    code = ("import sys, workforce.cli as c; c._parser(); "
            "print('altair' in sys.modules, 'pandera' in sys.modules, 'pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False", "False"]


def test_import_workforce_is_light():
    code = "import sys, workforce; print('altair' in sys.modules, 'sklearn' in sys.modules, 'pandera' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False", "False"]


def test_unexpected_errors_are_plain_messages(monkeypatch, messy_export, capsys):
    import workforce.load

    def broken(*args, **kwargs):
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(workforce.load, "load_staff", broken)
    monkeypatch.delenv("WORKFORCE_DEBUG", raising=False)
    assert main(["validate", str(messy_export)]) == 2
    err = capsys.readouterr().err
    assert "fault in workforce, not in your file" in err and "Traceback" not in err


def test_output_cut_short_by_a_pipe_keeps_the_exit_code(tmp_path):
    rows = [HEADERS, staff_row(0), staff_row(1, Pay_Band="Band 55")]
    path = write_xlsx(tmp_path / "p_2025-03-31.xlsx", {"Staff": rows})
    shell = f"{sys.executable} -m workforce.cli validate {path} | head -1; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr


# ---------------------------------------------------------------- the other inputs: --kind, or guessed


def test_broken_recruitment_is_reported_as_a_recruitment_file(capsys):
    path = sample_data("broken_recruitment.xlsx")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("broken_recruitment.xlsx: read as recruitment, guessed from its headers")
    assert "'Applications', 'Summary' each hold a recruitment table, and each was checked" in out
    assert "no employee_number" not in out and "no column for" not in out
    planted = [line for line in out.splitlines() if line.startswith("  [error ")]
    assert len(planted) == 3
    assert "[error stage_not_recognised]" in planted[0] and "row 9, column 'Stage Reached'" in planted[0]
    assert "row 21" in planted[1] and "value 'Offer pending'" in planted[0] and "'Withdrawn'" in planted[1]
    assert "[error counts_inconsistent]" in planted[2] and "sheet 'Summary', row 5, column 'Appointed'" in planted[2]


def test_kind_given_and_json(capsys):
    path = sample_data("broken_recruitment.xlsx")
    assert main(["validate", "--kind", "recruitment", "--sheet", "Applications", "--json", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["kinds"] == [{"file": str(path), "kind": "recruitment", "guessed": False}]
    assert [p["code"] for p in report["problems"] if p["severity"] == "error"] == ["stage_not_recognised"] * 2
    assert report["reconciles"] is True


@pytest.mark.parametrize("kind,name", [("training", "soar_valley_training_2024-25.xlsx"),
                                       ("disciplinary", "soar_valley_disciplinary_2024-25.xlsx"),
                                       ("board", "soar_valley_board_2025-03-31.xlsx")])
def test_each_kind_is_guessed_and_valid(kind, name, capsys):
    assert main(["validate", str(sample_data(name))]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{name}: read as {kind}, guessed from its headers") and "Valid." in out
    assert main(["validate", "--kind", kind, str(sample_data(name))]) == 0
    assert capsys.readouterr().out.startswith(f"{name}: read as {kind} (--kind).")


def test_a_staff_export_is_still_read_as_staff(capsys):
    assert main(["validate", str(sample_data("broken_export.xlsx"))]) == 1
    out = capsys.readouterr().out
    assert out.startswith("broken_export.xlsx: read as staff, guessed from its headers") and " people in " in out


def test_wrong_kind_or_staff_options_exit_2(capsys):
    staff = str(sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    assert main(["validate", "--kind", "board", staff]) == 2
    assert "Cannot use this file" in capsys.readouterr().err
    cases = str(sample_data("soar_valley_disciplinary_2024-25.xlsx"))
    assert main(["validate", "--organisation", "X", cases]) == 2
    assert "--organisation is for staff-in-post exports" in capsys.readouterr().err


def test_the_excel_report_writes_text_that_looks_like_a_formula_as_text(tmp_path):
    """`validate --excel` wrote a header '=HYPERLINK("http://...")' as a live formula (issue 13)."""
    import openpyxl

    rows = [HEADERS + ['=HYPERLINK("http://example.invalid","click")'], staff_row(0) + ["x"],
            staff_row(1, Pay_Band="=1+1") + ["y"]]
    path = tmp_path / "formulas_2025-03-31.csv"   # a CSV holds text starting with "=" as text
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    out = tmp_path / "report.xlsx"
    assert main(["validate", str(path), "--excel", str(out)]) == 1
    book = openpyxl.load_workbook(out)
    texts = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts and not [c.coordinate for c in texts if c.data_type == "f"]
    assert any(c.value == "=1+1" for c in texts)   # the problem's value, as text
    assert any(c.value.startswith("=HYPERLINK") or "=HYPERLINK" in c.value for c in texts)


def test_report_takes_the_input_options_validate_takes(tmp_path):
    """Every Fix line says to pass --schema (and --sheet, --snapshot-date, --organisation), but `report` had
    none of them (issue 13)."""
    schema = tmp_path / "local.yaml"
    schema.write_text("columns:\n  band:\n    aliases: [Grade Local]\n", encoding="utf-8")
    rows = [[h if h != "Pay Band" else "Grade Local" for h in HEADERS]] + [staff_row(i) for i in range(12)]
    path = write_xlsx(tmp_path / "export.xlsx", {"Notes": [["read me"]], "People": rows})
    out = tmp_path / "pack"
    assert main(["report", str(path), "--sheet", "People", "--schema", str(schema), "--snapshot-date",
                 "2025-03-31", "--organisation", "Test Trust", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["sheet"] == "People" and manifest["options"]["snapshot date"] == "2025-03-31"
    assert "snapshot 31 March 2025" in (out / "index.html").read_text(encoding="utf-8")
    assert main(["report", str(path), "--previous", str(path), "--snapshot-date", "2025-03-31",
                 "--out", str(tmp_path / "other")]) == 2


def test_another_input_given_as_the_staff_export_is_named_with_its_option(capsys):
    """A recruitment file given as the staff export said a staff column was missing and to pass --schema
    (issue 13); it says what the file is and the option to give it with."""
    recruitment = str(sample_data("soar_valley_recruitment_2024-25.xlsx"))
    assert main(["report", recruitment, "--out", "unused-pack"]) == 2
    err = capsys.readouterr().err
    assert "headers are those of a recruitment file" in err and f"--recruitment {recruitment}" in err
    assert "--schema" not in err


#: Python the command line's reader would not know: ``name=``, ``name(...)`` calls, ``workforce.``
_PYTHON = r"\b[a-z_]+=(?:[\s'\".)]|NAME|$)|\b[a-z_]+\((?:'|\"|\{|\.\.\.|\[)|\bworkforce\.[a-z_]+\("


@pytest.mark.parametrize("case", ["no date", "two sheets", "unknown area", "not an icb", "trust catchment"])
def test_a_command_line_message_never_suggests_python(case, tmp_path, capsys):
    import re

    rows = [HEADERS] + [staff_row(i) for i in range(12)]
    staff = write_xlsx(tmp_path / "staff.xlsx", {"Staff": rows, **({"Copy": rows} if case == "two sheets" else {})})
    args = {"no date": ["validate", str(staff)], "two sheets": ["validate", str(staff)],
            "unknown area": ["report", str(staff), "--area", "Leicestr", "--out", str(tmp_path / "p")],
            "not an icb": ["report", str(staff), "--icb", "Leicester", "--out", str(tmp_path / "p")],
            "trust catchment": ["report", str(staff), "--area", "RWE", "--out", str(tmp_path / "p")]}[case]
    main(args)
    said = capsys.readouterr()
    text = said.out + said.err
    assert text.strip() and not re.search(_PYTHON, text), text
    if case == "no date":
        assert "--snapshot-date YYYY-MM-DD" in text


def test_the_same_message_in_python_names_the_argument(tmp_path):
    import workforce

    staff = workforce.load_staff(write_xlsx(tmp_path / "staff.xlsx", {"Staff": [HEADERS, staff_row(1)]}))
    fixes = " ".join(staff.report.problems["fix"].dropna())
    assert "snapshot_date='YYYY-MM-DD'" in fixes and "--snapshot-date" not in fixes
