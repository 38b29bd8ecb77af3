"""The groups of each level a population benchmark is made at (shared by the Census and user tables)."""

from __future__ import annotations

from ..codes import AGE_BANDS, CENSUS5_DTYPE, CENSUS19_DTYPE, ESR_AGE_BANDS, NHS5_DTYPE

__all__ = ["LEVELS"]

#: The groups of each level, in order (``age_band`` and ``esr_age_band`` for ``ages="all"``; with ``ages="16-64"``
#: they stop at 55-64 and at ESR's 61-65).
LEVELS: dict[str, list[str]] = {
    "census19": list(CENSUS19_DTYPE.categories),
    "census5": list(CENSUS5_DTYPE.categories),
    "nhs5": list(NHS5_DTYPE.categories),
    "wres": ["White", "BME"],
    "sex": ["Female", "Male"],
    "age_band": list(AGE_BANDS),
    "esr_age_band": list(ESR_AGE_BANDS),
}
