"""Charts: one Altair chart per finding, made from a :class:`~workforce.Result`.

Every function takes the result of an analysis (never staff rows) and returns
an ``altair.Chart`` or ``altair.LayerChart`` that shows in Jupyter as it is
and saves with ``chart.save("x.html")`` (or ``.png`` / ``.svg`` with
vl-convert).  All charts share:

* a **title that states the finding in words**, made from the numbers, and a
  subtitle with the number of staff, the benchmark and the snapshot date;
* one colour-blind-safe palette (Okabe-Ito, :data:`PALETTE`) and one theme
  (:data:`THEME`, registered with ``alt.theme.register`` the first time a
  chart is made, never enabled globally: its configuration is written into
  each chart, so notebooks and the board pack look the same);
* tooltips with the counts and the interval;
* groups with fewer than ``min_size`` staff (8 by default) drawn in grey and
  labelled "fewer than 8 staff"; values a disclosure step marked in a
  ``<column>_suppressed`` column are hidden;
* alt text in the specification's ``description``, and provenance (analysis,
  package version) in ``usermeta``;
* embedded data: the aggregated table's rows only (never person-level rows),
  with only the columns the chart uses (a funnel plot adds its control limits
  over a grid of sizes, made from the target alone).

Altair is imported here only: ``import workforce`` does not load it.  One
module per chart family (``_representation``, ``_ladder``, ``_likelihood``,
``_promotion``, ``_heatmap``, ``_ages``, ``_funnel``, ``_spc``: the Making Data
Count charts over time, ``_national``: a trust against England's figures by
year) over the shared parts in ``_common``.
"""

from __future__ import annotations

from ._ages import age_profile_chart
from ._common import PALETTE, THEME
from ._funnel import funnel_chart
from ._heatmap import heatmap_chart
from ._ladder import ladder_chart
from ._likelihood import likelihood_chart
from ._national import national_chart
from ._promotion import promotion_chart, trajectory_chart
from ._representation import ratio_chart, representation_chart
from ._spc import spc_chart, spc_summary_chart

__all__ = [
    "representation_chart",
    "ratio_chart",
    "ladder_chart",
    "likelihood_chart",
    "promotion_chart",
    "trajectory_chart",
    "heatmap_chart",
    "age_profile_chart",
    "funnel_chart",
    "spc_chart",
    "spc_summary_chart",
    "national_chart",
    "PALETTE",
    "THEME",
]
