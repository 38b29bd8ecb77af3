"""An attacker on published packs, written from domain knowledge and independent of the audit code.

The attacker reads only the workbook a pack publishes and knows how NHS workforce tables add up: the groups
of a band group add up to its staff, band groups add up to "All staff", everyone at the start of a period
stayed or left, the rungs of a ladder add up to their cluster and to the whole and to the progression gaps'
tiers, WRES indicator 1 counts the ladder's staff at band 8a and above, an ICB's comparison repeats each
trust's "All staff" row, a share or rate times its denominator is its count, and one characteristic's
total is another's.  It writes each as a linear
equation over published cells, solves every equation left with one unknown cell, adds what it found to
what it knows and repeats.  The test compares what it finds with the true counts (computed here, not read
from the pack): a suppressed count from 1 to 7 found exactly is a leak.  It attacks the demo pack, the ICB
pack of the three sample trusts, the Talking Therapies service's pack, a tiny trust's and, property-based,
the packs of random fictional trusts of 25 to 200 staff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workforce
from workforce.publish import build_pack

Cell = tuple[str, int, str]            # sheet, row (0-based, as in the sheet), column
Equation = list[tuple[Cell, float]]    # sum of coefficient x cell = 0

_BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM")


@pytest.fixture(scope="module")
def published(demo_pack) -> dict[str, pd.DataFrame]:
    return workbook(demo_pack[0] / "tables.xlsx")


def workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a published workbook, as the reader sees it (a blank cell is None)."""
    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        out[name] = pd.DataFrame(rows[1:], columns=rows[0])
    return out


def pack_truth(staff, benchmarks: dict, inputs: dict | None = None) -> dict[str, pd.DataFrame]:
    """Every table of a pack before suppression, by sheet name, computed here from the staff (see pack_results)."""
    return {name: result.table.reset_index(drop=True) for name, result in pack_results(staff, benchmarks, inputs).items()}


def pack_results(staff, benchmarks: dict, inputs: dict | None = None) -> dict:
    """Every result of a pack before suppression, by sheet name.

    Each organisation's tables as the pack's parts compute them (the parts are the pack's definition of what
    it publishes); the suppression code is not used.
    """
    from workforce.publish._pack import _needs_met, _organisations, _sheet
    from workforce.publish._sections import COMPARISON, PARTS, Context

    organisations = _organisations(staff)
    plan = []
    if len(organisations) > 1 and benchmarks:
        plan.append((COMPARISON, Context(staff, benchmarks, {}, 8), None, 0))
    for number, org in enumerate(organisations, start=1):
        one = staff if len(organisations) == 1 else staff.for_organisation(org)
        context = Context(one, benchmarks.get(org), (inputs or {}).get(org, {}), 8)
        plan += [(part, context, None if len(organisations) == 1 else org, number) for part in PARTS
                 if _needs_met(part, context)]
    out = {}
    for part, context, org, number in plan:
        for table in part.tables:
            context.raw[table.name] = out[_sheet(table.name, org, number)] = table.compute(context)
    return out


class NoCharts:
    """A renderer that draws nothing: the attacker reads the workbook, and the pack is quicker without charts."""

    def submit(self, folder, name, spec):
        pass

    def finish(self):
        return {}

    def cancel(self):
        pass


@pytest.fixture(scope="module")
def truth(soar_valley) -> dict[str, pd.DataFrame]:
    """The demo pack's tables before suppression (Soar Valley's three snapshots and the demo's inputs)."""
    sd, staff = workforce.sample_data, soar_valley
    inputs = {"recruitment": workforce.load_recruitment(sd("soar_valley_recruitment_2024-25.xlsx")),
              "disciplinary": workforce.load_disciplinary(sd("soar_valley_disciplinary_2024-25.xlsx"), like=staff),
              "training": workforce.load_training(sd("soar_valley_training_2024-25.xlsx"), like=staff),
              "board": workforce.load_board(sd("soar_valley_board_2025-03-31.xlsx"))}
    org = str(staff.people["organisation"].iloc[0])
    return pack_truth(staff, {org: workforce.population("Leicester")}, {org: inputs})


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


def standard_equations(standard: str, ts: pd.DataFrame, ladder: str, tl: pd.DataFrame) -> Iterator[Equation]:
    """WRES indicator 1 / WDES metric 1 counts All AfC staff at band 8a and above: the ladder's 8a-8b and 8c+."""
    number, groups = ("indicator", ("white", "bme")) if "bme" in ts else ("metric", ("non_disabled", "disabled"))
    one = _rows(ts, **{number: "1"})
    if not len(one):
        return
    i = one.index[0]
    senior = dict(staff_category="All AfC", rung_type="cluster", rung=["8a-8b", "8c+"])
    for group, role in zip(groups, ("advantaged", "compared")):
        yield _sum([(standard, i, f"{group}_count")], [(ladder, j, "headcount") for j in _rows(tl, role=role, **senior).index])
        rungs = _rows(tl, role="compared", **senior)   # one row per rung: its rung_total
        yield _sum([(standard, i, f"{group}_total")], [(ladder, j, "rung_total") for j in rungs.index])


def rate_pairs(sheet: str) -> list[tuple[str, str, str]]:
    """(rate, denominator, count) columns of a sheet: the rate times the denominator is the count."""
    share = [("staff_share", "staff_total", "staff_count")]
    promotion = [("promotion_rate", "stayers", "promoted"), ("leaver_rate", "at_start", "leavers")]
    gaps = [("advantaged_rate", "advantaged_total", "advantaged_senior"),
            ("compared_rate", "compared_total", "compared_senior")]
    pairs = {"representation": share, "representation_by_band": share, "sex_ethnicity_by_band": share,
             "age_profile": share, "ladder": [("share", "rung_total", "headcount"),
                                              ("share_of_known", "rung_known", "headcount")],
             "promotion": promotion, "promotion_by_band_group": promotion,
             "progression_gaps": gaps, "wdes_progression_gaps": gaps,
             "wres": [(g, f"{g}_total", f"{g}_count") for g in ("white", "bme")],
             "wdes": [(g, f"{g}_total", f"{g}_count") for g in ("non_disabled", "disabled")]}
    pairs["wdes_ladder"] = pairs["ladder"]
    return pairs.get(re.sub(r" \d+$", "", sheet), [])


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

    for sheet, t in published.items():
        for rate, denominator, count in rate_pairs(sheet):
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
        if true is None or pd.isna(true):
            continue
        if 1 <= true <= 7 and abs(v - true) < 1e-6:
            out.append(((sheet, row, column), true))
    return out


def pack_equations(published: dict[str, pd.DataFrame], tiers: bool, suffix: str = "") -> list[Equation]:
    """Every equation between the sheets of one organisation (their names end with ``suffix``, as ' 2')."""
    p = {name.removesuffix(suffix): t for name, t in published.items() if name.endswith(suffix)}
    n = (lambda name: name + suffix)  # noqa: E731
    eq: list[Equation] = []
    if "representation" in p:
        for sheet in ("representation", "representation_by_band", "sex_ethnicity_by_band", "age_profile"):
            eq += representation_equations(n(sheet), p[sheet])
        eq += same_people_equations(n("representation"), p["representation"], n("age_profile"), p["age_profile"])
        for characteristic in ("sex", "ethnicity"):
            eq += same_people_equations(n("representation_by_band"), p["representation_by_band"],
                                        n("sex_ethnicity_by_band"), p["sex_ethnicity_by_band"],
                                        characteristic=characteristic)
        eq += intersection_equations(n("sex_ethnicity_by_band"), p["sex_ethnicity_by_band"])
        eq += all_staff_equations(n("representation"), p["representation"], n("representation_by_band"),
                                  p["representation_by_band"], ["staff_count"], ["group"])
    if "promotion" in p:
        for sheet in ("promotion", "promotion_by_band_group"):
            eq += promotion_equations(n(sheet), p[sheet])
        eq += all_staff_equations(n("promotion"), p["promotion"], n("promotion_by_band_group"),
                                  p["promotion_by_band_group"],
                                  ["at_start", "stayers", "promoted", "leavers", "not_comparable"], ["group"])
    for sheet in ("ladder", "wdes_ladder"):
        eq += ladder_equations(n(sheet), p[sheet])
    for standard, ladder in (("wres", "ladder"), ("wdes", "wdes_ladder")):
        if standard in p:
            eq += standard_equations(n(standard), p[standard], n(ladder), p[ladder])
    for ladder, gaps in (("ladder", "progression_gaps"), ("wdes_ladder", "wdes_progression_gaps")):
        if tiers and ladder in p and gaps in p:
            eq += tier_equations(n(ladder), p[ladder], n(gaps), p[gaps])
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
    """The ladder's rungs add up to the gaps' tiers (ethnicity and disability): the pack links them, so it holds."""
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


def comparison_equations(published: dict[str, pd.DataFrame]) -> Iterator[Equation]:
    """The ICB comparison's row of an organisation is its representation's "All staff" row (sheets ' 1', ' 2' ...)."""
    comparison = published.get("organisations")
    if comparison is None:
        return
    organisations = sorted(comparison["subgroup"].astype(str).unique())
    for number, org in enumerate(organisations, start=1):
        own = published.get(f"representation {number}")
        if own is None:
            continue
        for i, row in _rows(comparison, subgroup=org).iterrows():
            match = _rows(own, subgroup="All staff", group=str(row["group"]))
            for column in ("staff_count", "staff_total", "unknown_count"):
                yield _sum([("organisations", i, column)], [(f"representation {number}", match.index[0], column)])


def all_equations(published: dict[str, pd.DataFrame], tiers: bool = True) -> list[Equation]:
    """Every equation of a pack of one organisation or several."""
    suffixes = sorted({m.group(0) for name in published if (m := re.search(r" \d+$", name))}) or [""]
    out: list[Equation] = []
    for suffix in suffixes:
        out += pack_equations(published, tiers, suffix)
    return out + list(comparison_equations(published))


def pack_leaks(out: Path, truth: dict[str, pd.DataFrame]) -> list:
    published = workbook(out / "tables.xlsx")
    assert set(truth) <= set(published), sorted(set(truth) - set(published))
    for name, table in truth.items():
        assert len(published[name]) == len(table), name   # the truth is of the same tables
    return leaks(attack(published, all_equations(published)), truth)


@pytest.mark.slow
def test_no_small_count_is_recovered_from_the_icb_pack(icb_trusts, tmp_path):
    """Three trusts, each against the ICB's population, in one pack: the comparison and each trust's parts."""
    icb = workforce.population("QK1")
    organisations = sorted(icb_trusts.people["organisation"].astype(str).unique())
    benchmarks = dict.fromkeys(organisations, icb)
    build_pack(icb_trusts, out=tmp_path / "pack", benchmarks=benchmarks, renderer=NoCharts(),
                         progress=False)
    found = pack_leaks(tmp_path / "pack", pack_truth(icb_trusts, benchmarks))
    assert not found, found[:10]


@pytest.fixture(scope="module")
def tiny_trust(tmp_path_factory):
    """A trust of about 40 staff, two snapshots (fictional, from the generator)."""
    from datetime import date

    from tools.synthetic import people as syn

    folder = tmp_path_factory.mktemp("tiny")
    frames = syn.generate_trust(40, seed=7, snapshot_dates=(date(2024, 3, 31), date(2025, 3, 31)),
                                organisation="Tiny Community NHS Trust", with_service=False, profile="community")
    files = []
    for when, frame in frames.items():
        files.append(folder / f"tiny_{when}.csv")
        frame.to_csv(files[-1], index=False)
    return workforce.load_staff(files)


@pytest.mark.slow
def test_no_small_count_is_recovered_from_a_tiny_trusts_pack(tiny_trust, tmp_path):
    org = str(tiny_trust.people["organisation"].iloc[0])
    benchmarks = {org: workforce.population("Leicester")}
    build_pack(tiny_trust, out=tmp_path / "pack", benchmarks=benchmarks, renderer=NoCharts(),
                         progress=False)
    truth = pack_truth(tiny_trust, benchmarks)
    assert sum(int(pd.to_numeric(t[c], errors="coerce").between(1, 7).sum()) for t in truth.values()
               for c in ("staff_count", "headcount") if c in t) > 20   # plenty of small counts to protect
    found = pack_leaks(tmp_path / "pack", truth)
    assert not found, found[:10]


@pytest.mark.slow
def test_no_small_count_is_recovered_from_the_talking_therapies_pack(tmp_path):
    staff = workforce.load_staff([workforce.sample_data(f"soar_valley_staff_in_post_{y}-03-31.xlsx")
                                  for y in (2024, 2025)], service=workforce.sample_data("talking_therapies_service.yaml"))
    org = str(staff.people["organisation"].iloc[0])
    benchmarks = {org: workforce.population("Leicester")}
    build_pack(staff, out=tmp_path / "pack", benchmarks=benchmarks, renderer=NoCharts(), progress=False)
    found = pack_leaks(tmp_path / "pack", pack_truth(staff, benchmarks))
    assert not found, found[:10]


def as_published(results: dict) -> dict[str, pd.DataFrame]:
    """Published results as a reader has them: every cell a Python value, a blank one None."""
    return {name: r.table.reset_index(drop=True).astype(object).where(lambda t: t.notna(), None)
            for name, r in results.items()}


def random_trust_leaks(n_staff: int, seed: int, folder: Path) -> list:
    """The leaks the attacker finds in the tables of a pack of a random fictional trust of ``n_staff`` people."""
    from datetime import date

    from tools.synthetic import people as syn
    from workforce.publish._pack import _Rules, publish_tables

    frames = syn.generate_trust(n_staff, seed=seed, snapshot_dates=(date(2025, 3, 31),),
                                organisation="Random NHS Trust", with_service=False,
                                profile="community" if seed % 2 else "acute")
    path = folder / f"trust_{n_staff}_{seed}.csv"
    frames[date(2025, 3, 31)].to_csv(path, index=False)
    staff = workforce.load_staff([path])
    results = pack_results(staff, {"Random NHS Trust": workforce.population("Leicester")})
    published, report = publish_tables(results, ["Random NHS Trust"], _Rules(8))
    assert report is not None and report.passed
    return leaks(attack(as_published(published), all_equations(as_published(published))),
                 {name: r.table.reset_index(drop=True) for name, r in results.items()})


_SMALL_TRUSTS = dict(n_staff=st.integers(25, 200), seed=st.integers(0, 2**31 - 1))


@pytest.mark.slow
@settings(max_examples=50, deadline=None, database=None)
@given(**_SMALL_TRUSTS)
def test_no_small_count_is_recovered_from_fifty_random_small_trusts(n_staff, seed, tmp_path_factory):
    """Fifty fictional trusts of 25 to 200 staff: about 650 small tables, each pack's tables published together."""
    found = random_trust_leaks(n_staff, seed, tmp_path_factory.mktemp("random"))
    assert not found, found[:10]
