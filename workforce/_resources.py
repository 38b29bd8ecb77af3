"""Where the files shipped with the package are.

``schemas/`` and ``sample_data/`` sit at the top of the repository and are
installed inside the package (``workforce/schemas``, ``workforce/sample_data``;
see ``pyproject.toml``).  This finds them in both places, so the package works
installed, installed in editable mode, or straight from a source checkout.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_dir"]

_HERE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder of shipped files called ``name`` (``schemas``, ``sample_data``, ``data``).

    Examples
    --------
    >>> (resource_dir("schemas") / "staff_in_post.yaml").is_file()
    True
    """
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the package's {name}/ folder is missing from {_HERE}; reinstall workforce.")
