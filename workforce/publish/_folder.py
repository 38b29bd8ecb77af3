"""The board pack's folder: what may be written into it, and how a finished pack is put in place.

Light on purpose (no pandas): the command line checks ``--out`` with it before
it loads any data.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import WorkforceError

__all__ = ["PACK_KIND", "SLIDES_FILE", "check_out", "is_pack", "move_into_place", "on_stop", "stop"]

#: What a pack's manifest says it is.
PACK_KIND = "workforce board pack"


def check_out(out: Path) -> None:
    """Refuse an output folder that is a file, holds files and is not a previous pack, or cannot be written.

    The pack is written in a temporary folder beside ``out`` (in its parent,
    made if need be), then put in place: the nearest existing folder above
    ``out``, and ``out`` itself if it exists, must take new files.
    """
    if out.exists() and not out.is_dir():
        raise WorkforceError(f"{out} is a file; give a folder for the board pack.")
    if out.is_dir() and any(out.iterdir()) and not is_pack(out):
        raise WorkforceError(f"the folder {out} is not empty and is not a previous board pack; "
                             "give a new or empty folder (a previous pack is replaced).")
    above = out.parent
    while not above.exists() and above != above.parent:
        above = above.parent
    if not above.is_dir():
        raise WorkforceError(f"{above} is a file, not a folder, so the board pack cannot be written in "
                             f"{out}; give a folder for the board pack.")
    for folder in (above, out) if out.is_dir() else (above,):
        _check_writable(folder)


def _check_writable(folder: Path) -> None:
    """Refuse a folder in which a new folder cannot be made (tried, and removed at once)."""
    import tempfile

    try:
        os.rmdir(tempfile.mkdtemp(prefix=".workforce-check-", dir=folder))
    except OSError as exc:
        raise WorkforceError(f"the board pack cannot be written in {folder} ({exc.strerror or exc}); give a folder "
                             "you can write to.") from None


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
#: The slides a pack writes when asked (its manifest's ``slides`` names them).
SLIDES_FILE = "slides.pptx"


def _pack_files(folder: Path) -> list[Path]:
    """The files a pack in ``folder`` wrote, as its manifest lists them (none if it is not a pack)."""
    manifest = _manifest(folder)
    if manifest is None:
        return []
    charts = [str(c) for c in manifest.get("charts", []) if isinstance(c, str) and "/" not in c and "\\" not in c]
    files = [folder / f for f in _PACK_FILES] + [folder / "charts" / f"{c}{s}" for c in charts for s in (".svg", ".png")]
    files += [folder / SLIDES_FILE] if manifest.get("slides") == SLIDES_FILE else []
    return [f for f in files if f.is_file() and not f.is_symlink()]


def move_into_place(tmp: Path, out: Path) -> None:
    """Put the finished pack in ``out``: a new folder at once; into a previous pack, file by file.

    A new folder gets the mode a folder made by the user would have (``0o777`` less the umask), not the
    private mode of the temporary folder it was written in.

    Into a previous pack, only the files its manifest lists are replaced or removed: anything else the folder
    holds (a user's board minutes, the export just read) stays.  The manifest goes last, so a pack is never
    listed before its files are there.  SIGTERM and Ctrl-C wait until it is done (a pack is never half
    replaced).
    """
    with _uninterrupted():
        _move(tmp, out)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """SIGTERM and SIGINT held back until the block is done (where the platform allows, in the main thread)."""
    import signal
    import threading

    held = {signal.SIGTERM, signal.SIGINT}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _move(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.chmod(tmp, 0o777 & ~_umask())   # made private by tempfile.mkdtemp: a new folder's usual mode instead
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


def _umask() -> int:
    """The process's umask (read by setting it and putting it back at once)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- stopping (SIGTERM)

_UNDO: dict[int, Callable[[], None]] = {}


@contextmanager
def on_stop(undo: Callable[[], None]) -> Iterator[None]:
    """While in the block, :func:`stop` calls ``undo`` (the pack's temporary folder removed, its workers stopped)."""
    key = id(undo)
    _UNDO[key] = undo
    try:
        yield
    finally:
        _UNDO.pop(key, None)


def stop() -> None:
    """Undo what the pack being made has started, latest first (for a signal handler that then ends the process).

    Best effort: what cannot be undone is left.
    """
    for undo in reversed(list(_UNDO.values())):
        try:
            undo()
        except Exception:  # noqa: S112 - the process is ending: the rest is still undone
            continue
