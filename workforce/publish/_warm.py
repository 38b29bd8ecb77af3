"""Warming up a new process for the board pack: imports and census tables, on a thread, while the exports are parsed."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["warm_up"]


def warm_up(areas: Sequence[str] = ()) -> None:
    """Import what the board pack needs, and read the census tables behind ``areas``, ahead of time."""
    import pandas as pd
    import pandera.pandas as pa

    from . import _pack  # noqa: F401  (the analyses, disclosure control, charts and Altair)

    # imported on first use otherwise, on the main thread: HiGHS (disclosure control)
    try:
        import highspy  # noqa: F401
    except ImportError:  # reported where it is used
        pass

    # pandera imports its checks on the first validation (a fifth of a second): do it now
    pa.DataFrameSchema({"n": pa.Column(int, pa.Check.ge(0))}).validate(pd.DataFrame({"n": [1]}))
    from ..populations import trust_population

    for area in areas:
        try:
            trust_population(area)
        except Exception:  # noqa: S112 - reported when the benchmarks are made, after the export is read
            continue
