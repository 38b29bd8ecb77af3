"""An attacker on the published demo pack, written from domain knowledge and independent of the audit code.

The attacker reads only the workbook the pack publishes and knows how NHS workforce tables add up: the groups
of a band group add up to its staff, band groups add up to "All staff", everyone at the start of a period
stayed or left, the rungs of a ladder add up to their cluster and to the whole, a share times its
denominator is its count, and one characteristic's total is another's.  It writes each as a linear
equation over published cells, solves every equation left with one unknown cell, adds what it found to
what it knows and repeats.  The test compares what it finds with the true counts (computed here, not read
from the pack): a suppressed count from 1 to 7 found exactly is a leak.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import openpyxl
import pandas as pd
import pytest

import workforce

Cell = tuple[str, int, str]            # sheet, row (0-based, as in the sheet), column
Equation = list[tuple[Cell, float]]    # sum of coefficient x cell = 0

_BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM")


@pytest.fixture(scope="module")
def published(demo_pack) -> dict[str, pd.DataFrame]:
    book = openpyxl.load_workbook(demo_pack[0] / "tables.xlsx", read_only=True)
    out = {}
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        out[name] = pd.DataFrame(rows[1:], columns=rows[0])
    return out


@pytest.fixture(scope="module")
def truth(soar_valley) -> dict[str, pd.DataFrame]:
    """The pack's tables before suppression, computed here (the demo pack is Soar Valley's three snapshots)."""
    staff, leicester = soar_valley, workforce.population("Leicester")
    return {
        "representation": workforce.representation(staff, leicester).table,
        "representation_by_band": workforce.representation(staff, leicester, by="band_group").table,
        "sex_ethnicity_by_band": workforce.representation(staff, leicester, characteristic=("sex", "ethnicity"),
                                                          by="band_group").table,
        "age_profile": workforce.representation(staff, leicester, characteristic="age").table,
        "ladder": workforce.ladder(staff).table,
        "progression_gaps": workforce.progression_gaps(staff).table,
        "wdes_ladder": workforce.ladder(staff, characteristic="disability").table,
        "promotion": workforce.promotion(staff).table,
        "promotion_by_band_group": workforce.promotion(staff, by="grade_group").table,
    }


# ---------------------------------------------------------------- what the attacker knows


def _sum(total: list[Cell], parts: list[Cell]) -> Equation:
    return [(c, 1.0) for c in total] + [(c, -1.0) for c in parts]


def _rows(t: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.ones(len(t), dtype=bool)
    for column, value in where.items():
        mask &= t[column].astype(str).isin(value if isinstance(value, (list, tuple)) else [value]).to_numpy()
    return t[mask]


def representation_equations(sheet: str, t: pd.DataFrame) -> Iterator[Equation]:
    for _, family in t.groupby(["subgroup", "characteristic"], sort=False):
        first = family.index[0]
        yield _sum([(sheet, first, "staff_total")], [(sheet, i, "staff_count") for i in family.index])


def same_people_equations(a: str, ta: pd.DataFrame, b: str, tb: pd.DataFrame, **where_b) -> Iterator[Equation]:
    """Everyone in a subgroup, counted by two characteristics: staff_total + unknown_count is the same."""
    tb = _rows(tb, **where_b)
    for subgroup in ta["subgroup"].astype(str).unique():
        ra, rb = _rows(ta, subgroup=subgroup), _rows(tb, subgroup=subgroup)
        if len(ra) and len(rb):
            i, j = ra.index[0], rb.index[0]
            yield _sum([(a, i, "staff_total"), (a, i, "unknown_count")], [(b, j, "staff_total"), (b, j, "unknown_count")])


def all_staff_equations(overall: str, to: pd.DataFrame, split: str, ts: pd.DataFrame, columns, key) -> Iterator[Equation]:
    """An "All staff" row is the sum of the split's rows with the same key."""
    for _, row in to.iterrows():
        match = ts
        for k in key:
            match = match[match[k].astype(str) == str(row[k])]
        if not len(match):
            continue
        for column in columns:
            yield _sum([(overall, row.name, column)], [(split, i, column) for i in match.index])


def intersection_equations(sheet: str, t: pd.DataFrame) -> Iterator[Equation]:
    """Sex × ethnicity rows add up over sex to the ethnicity rows of the same band group."""
    both = _rows(t, characteristic="sex × ethnicity")
    for (subgroup, group), row in _rows(t, characteristic="ethnicity").set_index(["subgroup", "group"]).iterrows():
        parts = both[(both["subgroup"].astype(str) == str(subgroup))
                     & (both["group"].astype(str).str.split(" × ").str[-1] == str(group))]
        index = t.index[(t["subgroup"].astype(str) == str(subgroup)) & (t["group"].astype(str) == str(group))
                        & (t["characteristic"].astype(str) == "ethnicity")][0]
        if len(parts):
            yield _sum([(sheet, index, "staff_count")], [(sheet, i, "staff_count") for i in parts.index])


def promotion_equations(sheet: str, t: pd.DataFrame) -> Iterator[Equation]:
    for i in t.index:
        yield _sum([(sheet, i, "at_start")], [(sheet, i, c) for c in ("stayers", "not_comparable", "leavers")])
        yield _sum([(sheet, i, "senior_appointments")], [(sheet, i, "senior_internal"), (sheet, i, "senior_external")])


def ladder_equations(sheet: str, t: pd.DataFrame) -> Iterator[Equation]:
    for _, rung in t.groupby(["staff_category", "rung_type", "rung"], sort=False):
        first = rung.index[0]
        yield _sum([(sheet, first, "rung_total")], [(sheet, i, "headcount") for i in rung.index])
        known = rung[rung["role"].astype(str) != "unknown"]
        yield _sum([(sheet, first, "rung_known")], [(sheet, i, "headcount") for i in known.index])
    for (category, group), rows in t.groupby(["staff_category", "group"], sort=False):
        bands = rows[rows["rung_type"].astype(str) == "band"]
        if len(bands):
            yield _sum([(sheet, rows.index[0], "overall_headcount")], [(sheet, i, "headcount") for i in bands.index])
        clusters = {"1-4": _BANDS[:4], "5-7": _BANDS[4:7], "8a-8b": _BANDS[7:9], "8c+": _BANDS[9:]}
        for cluster, members in clusters.items():
            c = rows[(rows["rung_type"].astype(str) == "cluster") & (rows["rung"].astype(str) == cluster)]
            b = bands[bands["rung"].astype(str).isin(members)]
            if len(c) and len(b):
                yield _sum([(sheet, c.index[0], "headcount")], [(sheet, i, "headcount") for i in b.index])


def tier_equations(ladder: str, tl: pd.DataFrame, gaps: str, tg: pd.DataFrame) -> Iterator[Equation]:
    """A progression-gap tier is the sum of the ladder's bands in it, for each group."""
    tiers = {"8a and above": _BANDS[7:], "8c and above": _BANDS[9:], "VSM": _BANDS[12:]}
    for i, row in _rows(tg, measure="relative likelihood").iterrows():
        bands = tiers.get(str(row["comparison"]))
        if bands is None:
            continue
        clusters = {"8a and above": ["8a-8b", "8c+"], "8c and above": ["8c+"]}.get(str(row["comparison"]))
        for role in ("advantaged", "compared"):
            rungs = _rows(tl, staff_category=str(row["staff_category"]), rung_type="band", role=role, rung=list(bands))
            yield _sum([(gaps, i, f"{role}_senior")], [(ladder, j, "headcount") for j in rungs.index])
            if clusters:   # the same, as the ladder's clusters
                rungs = _rows(tl, staff_category=str(row["staff_category"]), rung_type="cluster", role=role,
                              rung=clusters)
                yield _sum([(gaps, i, f"{role}_senior")], [(ladder, j, "headcount") for j in rungs.index])


def rate_pairs() -> dict[str, list[tuple[str, str, str]]]:
    """(rate, denominator, count) columns: the rate times the denominator is the count."""
    share = [("staff_share", "staff_total", "staff_count")]
    return {"representation": share, "representation_by_band": share, "sex_ethnicity_by_band": share,
            "age_profile": share, "ladder": [("share", "rung_total", "headcount"),
                                             ("share_of_known", "rung_known", "headcount")],
            "promotion": [("promotion_rate", "stayers", "promoted"), ("leaver_rate", "at_start", "leavers")],
            "promotion_by_band_group": [("promotion_rate", "stayers", "promoted"),
                                        ("leaver_rate", "at_start", "leavers")]}


# ---------------------------------------------------------------- the attack


def attack(published: dict[str, pd.DataFrame], equations: list[Equation]) -> dict[Cell, float]:
    """Every suppressed cell the equations (and rates) give exactly, chaining what is found."""
    known: dict[Cell, float] = {}

    def value(cell: Cell) -> float | None:
        if cell in known:
            return known[cell]
        sheet, row, column = cell
        v = published[sheet].at[row, column]
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)

    for sheet, pairs in rate_pairs().items():
        t = published.get(sheet)
        if t is None:
            continue
        for rate, denominator, count in pairs:
            for i in t.index:
                r, d = t.at[i, rate], t.at[i, denominator]
                if t.at[i, count] is None and r is not None and d is not None and not pd.isna(r) and not pd.isna(d):
                    known[(sheet, i, count)] = round(float(r) * float(d))
    changed = True
    while changed:
        changed = False
        for equation in equations:
            unknown = [(c, k) for c, k in equation if value(c) is None]
            if len(unknown) != 1:
                continue
            (cell, coefficient), = unknown
            rest = sum(k * value(c) for c, k in equation if c != cell)
            known[cell] = -rest / coefficient
            changed = True
    return known


def leaks(found: dict[Cell, float], truth: dict[str, pd.DataFrame]) -> list[tuple[Cell, float]]:
    out = []
    for (sheet, row, column), v in found.items():
        true = truth[sheet].reset_index(drop=True).at[row, column]
        if 1 <= true <= 7 and abs(v - true) < 1e-6:
            out.append(((sheet, row, column), true))
    return out


def pack_equations(p: dict[str, pd.DataFrame], tiers: bool) -> list[Equation]:
    eq: list[Equation] = []
    for sheet in ("representation", "representation_by_band", "sex_ethnicity_by_band", "age_profile"):
        eq += representation_equations(sheet, p[sheet])
    eq += same_people_equations("representation", p["representation"], "age_profile", p["age_profile"])
    for characteristic in ("sex", "ethnicity"):
        eq += same_people_equations("representation_by_band", p["representation_by_band"], "sex_ethnicity_by_band",
                                    p["sex_ethnicity_by_band"], characteristic=characteristic)
    eq += intersection_equations("sex_ethnicity_by_band", p["sex_ethnicity_by_band"])
    eq += all_staff_equations("representation", p["representation"], "representation_by_band",
                              p["representation_by_band"], ["staff_count"], ["group"])
    for sheet in ("promotion", "promotion_by_band_group"):
        eq += promotion_equations(sheet, p[sheet])
    eq += all_staff_equations("promotion", p["promotion"], "promotion_by_band_group", p["promotion_by_band_group"],
                              ["at_start", "stayers", "promoted", "leavers", "not_comparable"], ["group"])
    for sheet in ("ladder", "wdes_ladder"):
        eq += ladder_equations(sheet, p[sheet])
    if tiers:
        eq += tier_equations("ladder", p["ladder"], "progression_gaps", p["progression_gaps"])
    return eq


def test_the_attacker_finds_counts_when_nothing_is_suppressed(published, truth):
    """The attack works: given the true tables with their small counts blanked one table at a time, it finds them."""
    blanked = {}
    for sheet, t in truth.items():
        t = t.reset_index(drop=True).astype(object)
        for column in ("staff_count", "headcount", "leavers", "promoted"):
            if column in t:
                small = pd.to_numeric(t[column], errors="coerce").between(1, 7)
                t.loc[small, column] = None   # primary suppression only, nothing else blanked
        blanked[sheet] = t
    found = leaks(attack(blanked, pack_equations(blanked, tiers=True)), truth)
    assert len(found) > 20


def test_no_small_count_is_recovered_from_the_demo_pack(published, truth):
    found = leaks(attack(published, pack_equations(published, tiers=False)), truth)
    assert not found, found[:10]


def test_no_small_count_is_recovered_through_the_ladder_and_the_gaps_together(published, truth):
    """Not proven by the pack's audit yet (its tier links are off: issue 12, open), but the demo pack holds."""
    found = leaks(attack(published, pack_equations(published, tiers=True)), truth)
    assert not found, found[:10]


def test_the_attacker_finds_counts_in_tables_suppressed_one_at_a_time(soar_valley, truth):
    """Each table suppressed alone (as packs were before issue 12) leaks across tables; the attacker sees it."""
    staff, leicester = soar_valley, workforce.population("Leicester")
    alone = {
        "representation": workforce.representation(staff, leicester),
        "representation_by_band": workforce.representation(staff, leicester, by="band_group"),
        "sex_ethnicity_by_band": workforce.representation(staff, leicester, characteristic=("sex", "ethnicity"),
                                                          by="band_group"),
        "age_profile": workforce.representation(staff, leicester, characteristic="age"),
        "ladder": workforce.ladder(staff), "progression_gaps": workforce.progression_gaps(staff),
        "wdes_ladder": workforce.ladder(staff, characteristic="disability"),
        "promotion": workforce.promotion(staff), "promotion_by_band_group": workforce.promotion(staff, by="grade_group"),
    }
    published = {name: workforce.suppress(result).table.reset_index(drop=True).astype(object)
                 .where(lambda t: t.notna(), None) for name, result in alone.items()}
    found = leaks(attack(published, pack_equations(published, tiers=True)), truth)
    assert found
