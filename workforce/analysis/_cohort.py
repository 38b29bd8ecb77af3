"""Who is counted: the cohort rule the cross-sectional analyses share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import WorkforceError

__all__ = ["counted_people"]


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
