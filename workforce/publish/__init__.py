"""Publishing: the board pack (page, chart files, workbook, manifest), made from declared parts.

Names are imported on first use: the chart worker processes run
``python -m workforce.publish._render``, which must not load pandas or Altair,
and ``workforce report`` starts its speed machinery (:func:`fast_start`)
before anything heavy is imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {"build_pack": "._pack", "PACK_KIND": "._folder", "INPUT_KINDS": "._pack", "check_out": "._folder",
          "ChartRenderer": "._render", "InProcess": "._render", "Renderer": "._render", "fast_start": "._render",
          "warm_up": "._warm", "on_stop": "._folder", "stop": "._folder", "check_slides": "._slides"}
__all__ = list(_WHERE)

if TYPE_CHECKING:
    from ._folder import PACK_KIND, check_out, on_stop, stop
    from ._pack import INPUT_KINDS, build_pack
    from ._render import ChartRenderer, InProcess, Renderer, fast_start
    from ._slides import check_slides
    from ._warm import warm_up


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
