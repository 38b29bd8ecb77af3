"""Population benchmarks, as :class:`Benchmark` objects.

Census 2021 by area (local authority, ICB, region, country), weighted
combinations, the user's own population tables, and national WRES and WDES figures.
"""

from ._areas import AREA_TYPES, Trust, catchment_shares, trusts
from ._benchmark import Benchmark, BenchmarkArea
from ._census import POPULATION_COLUMNS, list_areas, population
from ._levels import LEVELS
from ._national import NATIONAL_COLUMNS, NATIONAL_VERSION, latest_national, national_benchmarks, national_series
from ._trusts import trust_population

__all__ = ["population", "list_areas", "Benchmark", "BenchmarkArea", "POPULATION_COLUMNS", "LEVELS", "AREA_TYPES",
           "Trust", "trusts", "catchment_shares", "trust_population", "national_benchmarks", "national_series",
           "NATIONAL_COLUMNS", "NATIONAL_VERSION", "latest_national"]

