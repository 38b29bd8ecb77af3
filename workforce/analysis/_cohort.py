"""Who is counted: the cohort rule the cross-sectional analyses share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import WorkforceError

__all__ = ["counted_people", "text_codes", "distinct_text"]


def counted_people(staff, include_bank: bool) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """The people table, a mask of the people counted, and the snapshot dates used.

    The rule every cross-sectional analysis shares (representation, the
    ladder, the WRES and WDES indicators): one row per person (their primary
    assignment); with several snapshots, each organisation's latest; people
    whose only assignments are bank left out unless ``include_bank``.  The
    table is not copied: tables can be national.
    """
    people = staff.people if hasattr(staff, "people") else staff
    if not isinstance(people, pd.DataFrame) or "person_id" not in people:
        raise WorkforceError("staff must be the result of workforce.load_staff (or its .people table).")
    keep = np.ones(len(people), dtype=bool) if include_bank else ~people["is_bank"].to_numpy(dtype=bool)
    dates = people["snapshot_date"]
    values = dates.to_numpy()
    if len(values) and (values == values[0]).all():  # one snapshot (one pass, not a min and a max)
        return people, keep, [str(pd.Timestamp(values[0]).date())]
    latest = dates.groupby(people["organisation"], observed=True).transform("max")  # each organisation's latest
    keep &= (dates == latest).to_numpy()
    return people, keep, sorted({str(d.date()) for d in latest.unique()})


def text_codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's value as a number (-1: missing), and each number's value as text.

    The same text as ``column.astype(str)``, converted once per distinct value
    rather than once per row (a national people table has millions of rows
    and a few hundred organisations).
    """
    codes, _ = pd.factorize(column)
    present = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[present], return_index=True)   # each number's first row
    return codes, column.iloc[present[first]].astype(str).tolist()


def distinct_text(column: pd.Series, rows: np.ndarray | None = None) -> list[str]:
    """The distinct values of ``column`` (of the ``rows`` a mask selects) as text, sorted; missing values left out.

    The same list as ``sorted(column[rows].dropna().astype(str).unique())``.
    """
    codes, names = text_codes(column)
    used = codes if rows is None else codes[rows]
    return sorted({names[c] for c in np.unique(used[used >= 0])})
