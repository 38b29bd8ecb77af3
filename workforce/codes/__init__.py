"""Code lists and the normalisers that read them.

Ethnicity, bands and grades, staff groups, sex, disability, age, assignment
categories.

The lowest layer of the package: it knows the NHS and ONS classifications and
turns an export's spellings into canonical categories, and imports nothing
else of the package but its errors.  Every normaliser reads each distinct value
once and never guesses: a value it cannot recognise is reported.
"""

from ._assignment import ASSIGNMENT_CATEGORY_DTYPE, normalise_assignment_category, normalise_flag
from ._bands import (
    BAND_DTYPE,
    BAND_GROUP_DTYPE,
    BANDS,
    GRADE_GROUP_DTYPE,
    MEDICAL_GRADE_DTYPE,
    PAY_SYSTEM_DTYPE,
    SENIOR_BANDS,
    band_group,
    grade_group,
    normalise_band,
)
from ._demographics import (
    AGE_BAND_DTYPE,
    AGE_BANDS,
    DISABILITY_DTYPE,
    ESR_AGE_BAND_DTYPE,
    ESR_AGE_BANDS,
    ESR_STRADDLING,
    SEX_DTYPE,
    age_band_from_age,
    age_interval,
    esr_age_band_from_age,
    normalise_age_band,
    normalise_disability,
    normalise_sex,
    parse_age_band,
    parse_age_bands,
)
from ._ethnicity import (
    CENSUS5_DTYPE,
    CENSUS19_DTYPE,
    ETHNICITY_COLUMNS,
    NHS5_DTYPE,
    WRES_GROUP_DTYPE,
    census_categories,
    normalise_ethnicity,
)
from ._normalise import Normalised, distinct, map_distinct
from ._staff_groups import CLINICAL_GROUP_DTYPE, STAFF_GROUP_DTYPE, normalise_staff_group

__all__ = [
    "ASSIGNMENT_CATEGORY_DTYPE", "normalise_assignment_category", "normalise_flag",
    "BANDS", "BAND_DTYPE", "BAND_GROUP_DTYPE", "GRADE_GROUP_DTYPE", "MEDICAL_GRADE_DTYPE", "PAY_SYSTEM_DTYPE",
    "SENIOR_BANDS", "band_group", "grade_group", "normalise_band",
    "AGE_BANDS", "AGE_BAND_DTYPE", "DISABILITY_DTYPE", "SEX_DTYPE", "age_band_from_age", "age_interval",
    "normalise_age_band", "normalise_disability", "normalise_sex", "parse_age_band",
    "ESR_AGE_BANDS", "ESR_AGE_BAND_DTYPE", "ESR_STRADDLING", "esr_age_band_from_age", "parse_age_bands",
    "CENSUS5_DTYPE", "CENSUS19_DTYPE", "ETHNICITY_COLUMNS", "NHS5_DTYPE", "WRES_GROUP_DTYPE", "census_categories",
    "normalise_ethnicity",
    "Normalised", "distinct", "map_distinct",
    "CLINICAL_GROUP_DTYPE", "STAFF_GROUP_DTYPE", "normalise_staff_group",
]
