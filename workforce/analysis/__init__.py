"""The analyses: representation against a population, the band ladder and progression gaps,
promotion over time, the adjusted gap, Model Employer-style trajectories, and the WRES and WDES
indicators, over the shared statistics.

Each takes loaded tables (never files) and returns a :class:`~workforce.Result`.
"""

from ._adjusted import ADJUSTED_COLUMNS, adjusted_gap
from ._indicators import (
    BOARD_INDICATOR_COLUMNS,
    LIKELIHOOD_COLUMNS,
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
    LADDER_COLUMNS,
    PROGRESSION_COLUMNS,
    STAFF_CATEGORIES,
    Comparison,
    ladder,
    progression_gaps,
)
from ._likelihood import NON_ADVERSE, RelativeLikelihood, relative_likelihood, relative_likelihoods
from ._model_employer import MODEL_EMPLOYER_COLUMNS, model_employer
from ._progression import MOVEMENT_COLUMNS, MOVEMENTS, movements
from ._promotion import PROMOTION_COLUMNS, promotion
from ._representation import REPRESENTATION_COLUMNS, icb_view, representation
from ._standards import WDES_COLUMNS, WRES_COLUMNS, wdes, wres
from ._stats import benjamini_hochberg, binomial_test, wilson_interval, z_value

__all__ = [
    "representation", "icb_view", "REPRESENTATION_COLUMNS",
    "ladder", "progression_gaps", "Comparison", "COMPARISONS", "LADDER_COLUMNS", "PROGRESSION_COLUMNS",
    "STAFF_CATEGORIES",
    "relative_likelihood", "relative_likelihoods", "RelativeLikelihood", "NON_ADVERSE",
    "movements", "MOVEMENTS", "MOVEMENT_COLUMNS", "promotion", "PROMOTION_COLUMNS",
    "adjusted_gap", "ADJUSTED_COLUMNS", "model_employer", "MODEL_EMPLOYER_COLUMNS",
    "wres", "wdes", "WRES_COLUMNS", "WDES_COLUMNS",
    "wres_recruitment", "wres_disciplinary", "wres_training", "wres_board", "wdes_recruitment",
    "wdes_capability", "wdes_board", "LIKELIHOOD_COLUMNS", "BOARD_INDICATOR_COLUMNS",
    "wilson_interval", "binomial_test", "benjamini_hochberg", "z_value",
]
