"""expand_paths: a folder or a glob pattern stands for the exports in it."""

from __future__ import annotations

import pytest

from workforce._paths import expand_paths
from workforce.errors import UnusableFileError


def test_a_folder_gives_its_exports_in_name_order(tmp_path):
    for name in ("b.xlsx", "a.parquet", "c.csv", "notes.txt", ".hidden.csv", "~$b.xlsx"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.csv").write_text("x")
    assert [p.name for p in expand_paths(tmp_path)] == ["a.parquet", "b.xlsx", "c.csv"]


def test_a_pattern_gives_the_files_it_matches(tmp_path):
    for name in ("staff_2024.csv", "staff_2025.csv", "other.csv"):
        (tmp_path / name).write_text("x")
    found = expand_paths([str(tmp_path / "staff_*.csv"), tmp_path / "staff_2025.csv"])
    # a file given twice stays twice: the loader counts its rows once and says so
    assert [p.name for p in found] == ["staff_2024.csv", "staff_2025.csv", "staff_2025.csv"]


def test_a_missing_file_is_left_for_the_loader(tmp_path):
    assert expand_paths(tmp_path / "missing.xlsx") == [tmp_path / "missing.xlsx"]


@pytest.mark.parametrize("given, problem", [("empty", "holds no export"), ("none_*.xlsx", "no export matches")])
def test_nothing_to_read_is_said_plainly(tmp_path, given, problem):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UnusableFileError, match=problem):
        expand_paths(tmp_path / given)
