"""The analyses, each from loaded tables to a Result.

Representation against a population, the band ladder and progression gaps,
promotion over time, the adjusted gap, Model Employer-style trajectories, and
the WRES and WDES indicators, over the shared statistics.

Each takes loaded tables (never files) and returns a :class:`~workforce.Result`.
"""

from ._adjusted import ADJUSTED_COLUMNS, ADJUSTED_GAP, adjusted_gap
from ._funnel import FUNNEL, FUNNEL_COLUMNS, binomial_limit, funnel, funnel_outliers
from ._indicators import (
    BOARD_INDICATOR,
    BOARD_INDICATOR_COLUMNS,
    LIKELIHOOD_COLUMNS,
    LIKELIHOOD_INDICATOR,
    wdes_board,
    wdes_capability,
    wdes_recruitment,
    wres_board,
    wres_disciplinary,
    wres_recruitment,
    wres_training,
)
from ._ladder import (
    COMPARISONS,
    LADDER,
    LADDER_COLUMNS,
    PROGRESSION_COLUMNS,
    PROGRESSION_GAPS,
    STAFF_CATEGORIES,
    THRESHOLDS,
    TIERS,
    Comparison,
    ladder,
    progression_gaps,
)
from ._likelihood import NON_ADVERSE, RelativeLikelihood, relative_likelihood, relative_likelihoods
from ._model_employer import MODEL_EMPLOYER, MODEL_EMPLOYER_COLUMNS, model_employer
from ._pooled import POOLED, POOLED_COLUMNS, POOLED_LABEL, band_steps, likelihood_counts, pooled_likelihood
from ._progression import MOVEMENT_COLUMNS, MOVEMENTS, MOVEMENTS_SPEC, movements
from ._promotion import PROMOTION, PROMOTION_COLUMNS, promotion
from ._representation import ICB_VIEW, REPRESENTATION, REPRESENTATION_COLUMNS, icb_view, representation
from ._spc import SPC, SPC_COLUMNS, SPC_SUMMARY, SPC_SUMMARY_COLUMNS, p_limits, spc, spc_rules, spc_summary, xmr_limits
from ._standards import WDES, WDES_COLUMNS, WRES, WRES_COLUMNS, standard_sentences, wdes, wres
from ._stats import benjamini_hochberg, binomial_test, wilson_interval, z_value
from ._trend import MEASURES, SERIES_KEYS, TIER_NAMES, TREND, TREND_COLUMNS, series_label, trend

#: Every kind of result the analyses return, with its columns and counts.
RESULT_SPECS = (REPRESENTATION, ICB_VIEW, LADDER, PROGRESSION_GAPS, MOVEMENTS_SPEC, PROMOTION, ADJUSTED_GAP,
                MODEL_EMPLOYER, LIKELIHOOD_INDICATOR, BOARD_INDICATOR, WRES, WDES, TREND, SPC, SPC_SUMMARY, FUNNEL,
                POOLED)

__all__ = [
    "RESULT_SPECS", "REPRESENTATION", "ICB_VIEW", "LADDER", "PROGRESSION_GAPS", "MOVEMENTS_SPEC", "PROMOTION",
    "ADJUSTED_GAP", "MODEL_EMPLOYER", "LIKELIHOOD_INDICATOR", "BOARD_INDICATOR", "WRES", "WDES",
    "representation", "icb_view", "REPRESENTATION_COLUMNS",
    "ladder", "progression_gaps", "Comparison", "COMPARISONS", "LADDER_COLUMNS", "PROGRESSION_COLUMNS",
    "STAFF_CATEGORIES", "THRESHOLDS", "TIERS",
    "relative_likelihood", "relative_likelihoods", "RelativeLikelihood", "NON_ADVERSE",
    "movements", "MOVEMENTS", "MOVEMENT_COLUMNS", "promotion", "PROMOTION_COLUMNS",
    "adjusted_gap", "ADJUSTED_COLUMNS", "model_employer", "MODEL_EMPLOYER_COLUMNS",
    "wres", "wdes", "standard_sentences", "WRES_COLUMNS", "WDES_COLUMNS",
    "wres_recruitment", "wres_disciplinary", "wres_training", "wres_board", "wdes_recruitment",
    "wdes_capability", "wdes_board", "LIKELIHOOD_COLUMNS", "BOARD_INDICATOR_COLUMNS",
    "wilson_interval", "binomial_test", "benjamini_hochberg", "z_value",
    "trend", "TREND", "TREND_COLUMNS", "SERIES_KEYS", "MEASURES", "TIER_NAMES", "series_label",
    "spc", "spc_summary", "SPC", "SPC_SUMMARY", "SPC_COLUMNS", "SPC_SUMMARY_COLUMNS", "xmr_limits", "p_limits",
    "spc_rules", "funnel", "funnel_outliers", "binomial_limit", "FUNNEL", "FUNNEL_COLUMNS",
    "pooled_likelihood", "likelihood_counts", "band_steps", "POOLED", "POOLED_COLUMNS", "POOLED_LABEL",
]
