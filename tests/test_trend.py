"""trend: series per organisation and group from many snapshots, with n and intervals for every point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import workforce
from tests.conftest import people, snapshot
from workforce.analysis._trend import SERIES_KEYS, TREND_COLUMNS, trend
from workforce.errors import WorkforceError

Y1, Y2 = "2023-03-31", "2024-03-31"
# person, grade, group at Y1 and Y2 (None: absent): worked by hand in the tests below
FIRST = [("a", "8a", "White"), ("b", "8b", "BME"), ("c", "8c", "BME"), ("d", "5", "White"), ("e", "5", "BME"),
         ("f", "Consultant", "BME"), ("g", "Consultant", "White"), ("h", "6", None)]
SECOND = [("a", "8b", "White"), ("c", "8c", "BME"), ("d", "6", "White"), ("e", "5", "BME"), ("f", "Consultant", "BME"),
          ("h", "6", None), ("i", "8a", "BME")]


@pytest.fixture(scope="module")
def small():
    return people(snapshot(Y1, FIRST), snapshot(Y2, SECOND))


def _point(table, measure, tier="All staff", group="BME", when=Y1):
    rows = table[(table["measure"] == measure) & (table["tier"] == tier) & (table["group"] == group)
                 & (table["snapshot_date"] == pd.Timestamp(when))]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_columns_are_fixed_and_series_ordered_by_date(small):
    t = trend(small).table
    assert list(t.columns) == TREND_COLUMNS
    for _, series in t.groupby(list(SERIES_KEYS), sort=False):
        assert series["snapshot_date"].is_monotonic_increasing


def test_senior_share_counted_by_hand(small):
    t = trend(small, "senior share").table
    # Y1: at 8a and above a (White), b, c (BME): 2 of 3; 8c and above: c only; VSM: no one; consultants f, g
    for tier, events, n in (("8a and above", 2, 3), ("8c and above", 1, 1), ("VSM", 0, 0), ("Consultant", 1, 2)):
        row = _point(t, "senior share", tier)
        assert (row["events"], row["n"]) == (events, n)
    # Y2: a (8b, White), c (8c), i (8a, joined): 2 of 3
    row = _point(t, "senior share", "8a and above", when=Y2)
    assert (row["events"], row["n"], row["value"]) == (2, 3, pytest.approx(2 / 3))
    low, high = proportion_confint(2, 3, alpha=0.05, method="wilson")
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert row["state"] == "insufficient data"     # fewer than 10 people
    assert _point(t, "senior share", "VSM")["state"] == "not estimable"
    assert np.isnan(_point(t, "senior share", "VSM")["value"])


def test_recorded_counts_everyone(small):
    row = _point(trend(small, "recorded").table, "recorded", group="Recorded")
    assert (row["events"], row["n"]) == (7, 8)      # h's ethnicity is not recorded


def test_leaving_and_promotion_over_the_period(small):
    t = trend(small, ["leaver rate", "leaver relative likelihood", "promotion rate",
                      "promotion relative likelihood"], min_size=1).table
    # at the start: White a, d, g; BME b, c, e, f.  Left: g (White), b (BME)
    assert (_point(t, "leaver rate", group="White", when=Y2)[["events", "n"]].tolist()) == [1, 3]
    assert (_point(t, "leaver rate", when=Y2)[["events", "n"]].tolist()) == [1, 4]
    rl = _point(t, "leaver relative likelihood", when=Y2)
    assert rl["value"] == pytest.approx((1 / 4) / (1 / 3))   # compared over advantaged: BME leave less here
    assert (rl["reference_events"], rl["reference_n"]) == (1, 3)
    assert rl["period_start"] == pd.Timestamp(Y1)
    # stayers whose grades compare: White a, d (both promoted); BME c, e, f (none promoted)
    assert (_point(t, "promotion rate", group="White", when=Y2)[["events", "n"]].tolist()) == [2, 2]
    assert (_point(t, "promotion rate", when=Y2)[["events", "n"]].tolist()) == [0, 3]
    assert _point(t, "promotion relative likelihood", when=Y2)["state"] == "not estimable"


def test_default_measures_follow_the_inputs(small):
    one = trend(small[small["snapshot_date"] == pd.Timestamp(Y1)])
    assert set(one.table["measure"]) == {"senior share", "recorded"}    # one snapshot: no period, no benchmark
    assert {"leaver rate", "promotion relative likelihood"} <= set(trend(small).table["measure"])


def test_mixed_intervals_are_annualised_and_stated():
    dates = ["2024-01-31", "2024-02-29", "2024-05-31"]          # 29 days, then 92 days
    everyone = [(f"p{i}", "5", "White" if i % 2 else "BME") for i in range(40)]
    snaps = [snapshot(dates[0], everyone), snapshot(dates[1], everyone[2:]), snapshot(dates[2], everyone[2:38])]
    result = trend(people(*snaps), "leaver rate")
    assert "mixed intervals" in result.method and "monthly (1)" in result.method["periods"]
    row = _point(result.table, "leaver rate", when=dates[1])      # p0 (BME) of 20 BME left in 29 days
    assert (row["events"], row["n"]) == (1, 20)
    assert row["value"] == pytest.approx(1 - (1 - 1 / 20) ** (365.25 / 29))
    plain = trend(people(*snaps), "leaver rate", annualise=False).table
    assert _point(plain, "leaver rate", when=dates[1])["value"] == pytest.approx(1 / 20)


def test_organisations_counted_together_only_on_shared_dates(small):
    other = snapshot(Y1, FIRST, org="Trust B")
    both = people(snapshot(Y1, FIRST), other)
    row = _point(trend(both, "recorded", by=None).table, "recorded", group="Recorded")
    assert (row["organisation"], row["events"], row["n"]) == ("All organisations", 14, 16)
    with pytest.raises(WorkforceError, match="snapshots differ"):
        trend(people(snapshot(Y1, FIRST), snapshot(Y2, SECOND, org="Trust B")), "recorded", by=None)


def test_plain_errors_list_the_options(small):
    with pytest.raises(WorkforceError, match="the measures are"):
        trend(small, "bme share")
    with pytest.raises(WorkforceError, match="needs a population benchmark"):
        trend(small, "representation ratio")
    with pytest.raises(WorkforceError, match="by must be"):
        trend(small, by="band")


def test_small_counts_are_suppressed(small):
    published = workforce.suppress(trend(small, "senior share"), threshold=8).table
    assert published["events"].isna().any() and published.loc[published["events"].isna(), "value"].isna().all()


def test_latest_point_matches_the_progression_gaps(soar_valley):
    """The same people as progression_gaps' compared_senior / (advantaged + compared)_senior, each snapshot."""
    t = trend(soar_valley, "senior share").table
    for date in sorted(soar_valley.people["snapshot_date"].unique()):
        one = soar_valley.people[soar_valley.people["snapshot_date"] == date]
        gaps = workforce.progression_gaps(one).table
        gaps = gaps[(gaps["measure"] == "relative likelihood")
                    & gaps["staff_category"].isin(["All AfC", "Medical"])].set_index("comparison")
        for tier in ("8a and above", "8c and above", "VSM", "Consultant"):
            row = _point(t, "senior share", tier, when=date)
            assert row["events"] == gaps.loc[tier, "compared_senior"]
            assert row["n"] == gaps.loc[tier, "compared_senior"] + gaps.loc[tier, "advantaged_senior"]


def test_representation_ratio_against_the_population(soar):
    leicester = workforce.population("Leicester")
    row = trend(soar, "representation ratio", benchmark=leicester).table.iloc[0]
    known = soar.people[~soar.people["is_bank"] & soar.people["wres_group"].isin(["White", "BME"])]
    share = (known["wres_group"] == "BME").mean()     # independent count from the people table
    assert row["value"] == pytest.approx(share / leicester.shares("wres")["BME"])
    assert row["unit"] == "ratio" and row["n"] == len(known)


def test_a_small_count_is_hidden_wherever_it_appears(soar_valley):
    """The White leaver count is the leaver rate's and the relative likelihood's reference: hidden in both or none."""
    result = trend(soar_valley, ["leaver rate", "leaver relative likelihood"])
    small = result.table.copy()
    small.loc[small["group"] == "White", "events"] = 3          # make the White counts small
    rl = small["measure"] == "leaver relative likelihood"
    small.loc[rl, "reference_events"] = 3
    published = workforce.suppress(result.with_table(small), threshold=8).table
    white = published[(published["measure"] == "leaver rate") & (published["group"] == "White")]
    assert white["events"].isna().all()
    assert published.loc[published["measure"] == "leaver relative likelihood", "reference_events"].isna().all()


def test_standards_given_per_period_are_series_too(soar):
    """WRES 2 and 3 from a wres result: the counts in sample_data/README.md (374 of 1,299 White and 210 of 1,103
    BME appointed; 34 of 2,206 BME and 43 of 3,599 White staff entering the disciplinary process)."""
    sd = workforce.sample_data
    wres = workforce.wres(soar, recruitment=workforce.load_recruitment(sd("soar_valley_recruitment_2024-25.xlsx")),
                          disciplinary=workforce.load_disciplinary(sd("soar_valley_disciplinary_2024-25.xlsx"),
                                                                   like=soar))
    t = trend(soar, "recorded", standards=[wres]).table
    two, three = (t[t["measure"] == m].iloc[0] for m in ("WRES 2", "WRES 3"))
    assert [two[c] for c in ("events", "n", "reference_events", "reference_n")] == [210, 1103, 374, 1299]
    assert two["value"] == pytest.approx((374 / 1299) / (210 / 1103)) and two["improvement"] == "decrease"
    assert [three[c] for c in ("events", "n", "reference_events", "reference_n")] == [34, 2206, 43, 3599]
    assert three["value"] == pytest.approx((34 / 2206) / (43 / 3599)) and three["unit"] == "ratio"
