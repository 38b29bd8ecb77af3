"""Publishing: the board pack (page, chart files, workbook, manifest).

Names are imported on first use: the chart worker processes run
``python -m workforce.publish._render``, which must not load pandas or Altair.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__all__ = ["build_pack", "PACK_KIND"]

if TYPE_CHECKING:
    from ._pack import PACK_KIND, build_pack


def __getattr__(name: str):
    if name in __all__:
        return getattr(import_module("._pack", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
