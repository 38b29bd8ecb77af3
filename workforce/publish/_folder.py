"""The board pack's folder: what may be written into it, and how a finished pack is put in place.

Light on purpose (no pandas): the command line checks ``--out`` with it before
it loads any data.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..errors import WorkforceError

__all__ = ["PACK_KIND", "check_out", "is_pack", "move_into_place"]

#: What a pack's manifest says it is.
PACK_KIND = "workforce board pack"


def check_out(out: Path) -> None:
    """Refuse an output folder that is a file, or holds files and is not a previous pack."""
    if out.exists() and not out.is_dir():
        raise WorkforceError(f"{out} is a file; give a folder for the board pack.")
    if out.is_dir() and any(out.iterdir()) and not is_pack(out):
        raise WorkforceError(f"the folder {out} is not empty and is not a previous board pack; "
                             "give a new or empty folder (a previous pack is replaced).")


def is_pack(folder: Path) -> bool:
    """Whether ``folder`` holds a board pack (its manifest says so)."""
    return _manifest(folder) is not None


def _manifest(folder: Path) -> dict | None:
    """The manifest of the pack in ``folder`` (None: no pack there)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("kind") == PACK_KIND else None


#: The files every pack writes at its top level (its charts are listed in its manifest).
_PACK_FILES = ("index.html", "tables.xlsx", "manifest.json")


def _pack_files(folder: Path) -> list[Path]:
    """The files a pack in ``folder`` wrote, as its manifest lists them (none if it is not a pack)."""
    manifest = _manifest(folder)
    if manifest is None:
        return []
    charts = [str(c) for c in manifest.get("charts", []) if isinstance(c, str) and "/" not in c and "\\" not in c]
    files = [folder / f for f in _PACK_FILES] + [folder / "charts" / f"{c}{s}" for c in charts for s in (".svg", ".png")]
    return [f for f in files if f.is_file() and not f.is_symlink()]


def move_into_place(tmp: Path, out: Path) -> None:
    """Put the finished pack in ``out``: a new folder at once; into a previous pack, file by file.

    Into a previous pack, only the files its manifest lists are replaced or removed: anything else the folder
    holds (a user's board minutes, the export just read) stays.  The manifest goes last, so a pack is never
    listed before its files are there.
    """
    if not out.exists():
        tmp.rename(out)
        return
    previous = _pack_files(out)
    written = sorted((p for p in tmp.rglob("*") if p.is_file()), key=lambda p: p.name == "manifest.json")
    placed = set()
    for path in written:
        target = out / path.relative_to(tmp)
        target.parent.mkdir(exist_ok=True)
        os.replace(path, target)
        placed.add(target)
    for path in previous:
        if path not in placed:
            path.unlink(missing_ok=True)
    shutil.rmtree(tmp, ignore_errors=True)
