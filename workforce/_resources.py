"""The one place that finds the files shipped with the package.

Every read of shipped data goes through here: the schemas, the sample data,
the code lists (``workforce/data/*.csv``) and the census and lookup tables
(``workforce/data/population/``).  They are found with
:func:`importlib.resources.files`, anchored on the ``workforce`` package:

``data``
    ``workforce/data/`` inside the package, in every kind of install.
``schemas``, ``sample_data``
    Kept at the top of the repository and installed inside the package
    (``workforce/schemas``, ``workforce/sample_data``; see ``pyproject.toml``).
    From a wheel they are inside the package; from a source checkout or an
    editable install (where ``workforce/`` is the repository's folder) they
    are the repository's top-level folders, next to the package.

Standard library only, and cheap to import: :mod:`importlib.resources` is
imported on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["resource", "resource_path"]

#: The shipped folders: name -> also found at the top of a source checkout.
FOLDERS = {"data": False, "schemas": True, "sample_data": True}


def resource(folder: str, *parts: str) -> Traversable:
    """A shipped file or folder: ``folder`` (``data``, ``schemas`` or ``sample_data``), then ``parts`` inside it.

    The result may not exist (check with ``is_file()``); the folder must.

    Examples
    --------
    >>> resource("schemas", "staff_in_post.yaml").is_file()
    True
    >>> resource("data", "ethnic_category.csv").read_text(encoding="utf-8").splitlines()[0]
    'code,label,national_code,census2021_19,census2021_5,nhs2001_5,wres_group'
    """
    from importlib.resources import files

    if folder not in FOLDERS:
        raise ValueError(f"no shipped folder {folder!r}; the shipped folders are {sorted(FOLDERS)}")
    package = files(__package__)
    found = package.joinpath(folder)
    if not found.is_dir() and FOLDERS[folder] and isinstance(package, Path):
        found = package.parent / folder  # a source checkout or an editable install
    if not found.is_dir():
        raise FileNotFoundError(f"the package's {folder}/ folder is missing from {package}; reinstall workforce.")
    return found.joinpath(*parts) if parts else found


def resource_path(folder: str, *parts: str) -> Path:
    """:func:`resource` as a file-system path (for readers that want one, and for paths handed to users).

    Examples
    --------
    >>> resource_path("data", "population").is_dir()
    True
    """
    found = resource(folder, *parts)
    if not isinstance(found, Path):  # e.g. a package imported from a zip file: not supported
        raise FileNotFoundError(f"the shipped file {found} is not on the file system; install workforce unzipped.")
    return found
