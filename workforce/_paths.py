"""The files a command or a loader is given: a folder or a glob pattern stands for the files it holds.

Standard library only: ``workforce report`` expands its arguments before the
heavy imports, so that the exports start parsing at once.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from .errors import UnusableFileError

__all__ = ["EXCEL_SUFFIXES", "SUFFIXES", "expand_paths"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
#: The files a loader reads.
SUFFIXES = EXCEL_SUFFIXES + (".csv", ".parquet")
_PATTERN = set("*?[")


def _listed(folder: Path) -> list[Path]:
    """The readable exports directly in ``folder``, by name (no subfolders, hidden or Excel lock files)."""
    return sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
                   and not p.name.startswith((".", "~$"))), key=lambda p: p.name)


def expand_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Each path as given, a folder as the exports in it, a glob pattern as the files it matches.

    A folder gives its ``.xlsx``, ``.xlsm``, ``.xls``, ``.csv`` and ``.parquet``
    files (not its subfolders; hidden files and Excel's ``~$`` lock files are
    skipped), in name order; a pattern such as ``exports/staff_*.parquet``
    gives the matching files in name order.  A folder with no export in it, or
    a pattern that matches nothing, is an :class:`~workforce.errors.UnusableFileError`
    naming it.  A file given twice is kept twice: the loader counts its rows once and says so.

    Examples
    --------
    >>> from workforce import sample_data
    >>> [p.name for p in expand_paths(sample_data() / "soar_valley_staff_in_post_202[45]-03-31.xlsx")]
    ['soar_valley_staff_in_post_2024-03-31.xlsx', 'soar_valley_staff_in_post_2025-03-31.xlsx']
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = _listed(path)
            if not found:
                raise UnusableFileError(str(path), "the folder holds no export (no .xlsx, .xlsm, .xls, .csv or "
                                        ".parquet file directly in it).",
                                        "give the folder that holds the exports, or the files themselves.")
        elif not path.exists() and _PATTERN & set(str(item)):
            found = sorted((Path(p) for p in glob.glob(str(item)) if Path(p).is_file()
                            and Path(p).suffix.lower() in SUFFIXES), key=lambda p: p.name)
            if not found:
                raise UnusableFileError(str(item), "no export matches this pattern.",
                                        "check the folder and the pattern (for example exports/staff_*.xlsx); "
                                        "the files must end .xlsx, .xlsm, .xls, .csv or .parquet.")
        else:
            found = [path]
        out += found
    return out
