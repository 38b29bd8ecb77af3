"""Pooled relative likelihoods (Mantel-Haenszel) across organisations, years and band steps.

Known answers come from statsmodels (``StratifiedTable``, ``combine_effects``) and from arithmetic written
out here; the sample data check the extraction of the counts from each kind of result.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import INPUTS
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.meta_analysis import combine_effects

import workforce
from workforce.analysis import wres_recruitment
from workforce.analysis._likelihood import relative_likelihood
from workforce.analysis._pooled import (
    POOLED,
    POOLED_COLUMNS,
    POOLED_LABEL,
    band_steps,
    likelihood_counts,
    pooled_likelihood,
)
from workforce.errors import WorkforceError

Z95 = 1.959963984540054


def frame(rows, key="organisation"):
    """Likelihood counts from (stratum, a_events, a_total, b_events, b_total) rows."""
    return pd.DataFrame({key: [r[0] for r in rows], "a_events": [r[1] for r in rows],
                         "a_total": [r[2] for r in rows], "b_events": [r[3] for r in rows],
                         "b_total": [r[4] for r in rows], "group_a": "White", "group_b": "BME"})


def statsmodels_table(counts):
    """statsmodels' 2x2xK table: rows group a, group b; columns event, no event."""
    return StratifiedTable([np.array([[a, na - a], [b, nb - b]], dtype=float)
                            for a, na, b, nb in counts[["a_events", "a_total", "b_events", "b_total"]]
                            .to_numpy(dtype=float)])


def pooled_row(result):
    row = result.table.iloc[-1]
    assert row["stratum"] == POOLED_LABEL
    return row


# ---------------------------------------------------------------- the estimator, its interval and the tests


ROWS = [("Trust A", 30, 200, 12, 150), ("Trust B", 45, 300, 20, 260), ("Trust C", 8, 60, 5, 80),
        ("Trust D", 900, 6000, 410, 5200)]   # strata of very different sizes


def test_point_estimate_matches_statsmodels_riskratio_pooled():
    counts = frame(ROWS)
    result = pooled_likelihood(counts, what="WRES 2")
    assert pooled_row(result)["value"] == pytest.approx(statsmodels_table(counts).riskratio_pooled, rel=1e-12)
    assert list(result.table.columns) == POOLED_COLUMNS
    POOLED.schema().validate(result.table)


def test_weights_are_shares_of_the_mh_denominator_and_average_the_strata():
    result = pooled_likelihood(frame(ROWS))
    strata = result.table.iloc[:-1]
    s = [b * na / (na + nb) for _, a, na, b, nb in ROWS]
    assert strata["weight"].tolist() == pytest.approx([v / sum(s) for v in s], rel=1e-12)
    # RR_MH is the weighted mean of the strata's ratios with these weights
    assert (strata["weight"] * strata["value"]).sum() == pytest.approx(pooled_row(result)["value"], rel=1e-12)
    # the big trust carries most of the weight, and the pooled figure sits near its ratio
    assert strata["weight"].iloc[3] > 0.85
    assert pooled_row(result)["weight"] == 1.0


def test_greenland_robins_interval_by_hand():
    # stratum 1: a=10 of 50, b=5 of 50, N=100; stratum 2: a=6 of 20, b=4 of 40, N=60
    # R = 10*50/100 + 6*40/60 = 5 + 4 = 9
    # S = 5*50/100 + 4*20/60 = 2.5 + 4/3 = 23/6
    # RR_MH = 9 / (23/6) = 54/23
    # P = (50*50*15 - 10*5*100)/100^2 + (20*40*10 - 6*4*60)/60^2 = 3.25 + 6560/3600
    # Var(log RR_MH) = P / (R * S) = (3.25 + 6560/3600) / (9 * 23/6)
    counts = frame([("one", 10, 50, 5, 50), ("two", 6, 20, 4, 40)])
    row = pooled_row(pooled_likelihood(counts))
    rr = 54 / 23
    se = math.sqrt((3.25 + 6560 / 3600) / (9 * 23 / 6))
    assert row["value"] == pytest.approx(rr, rel=1e-12)
    assert row["ci_low"] == pytest.approx(rr * math.exp(-Z95 * se), rel=1e-9)
    assert row["ci_high"] == pytest.approx(rr * math.exp(Z95 * se), rel=1e-9)
    assert row["ci_low"] == pytest.approx(1.1074, abs=1e-4) and row["ci_high"] == pytest.approx(4.9779, abs=1e-4)
    assert (row["a_events"], row["a_total"], row["b_events"], row["b_total"]) == (16, 70, 9, 90)
    # a 90% interval is narrower, at z = 1.6449
    row90 = pooled_row(pooled_likelihood(counts, confidence=0.90))
    assert row90["ci_low"] == pytest.approx(rr * math.exp(-1.6448536269514722 * se), rel=1e-9)


def test_woolf_test_by_hand():
    # two strata: RL 0.2/0.1 = 2 and 0.3/0.1 = 3, Katz variances 1/10 - 1/50 + 1/5 - 1/50 = 0.26 and
    # 1/6 - 1/20 + 1/4 - 1/40 = 41/120; with two strata chi2 = (log 3 - log 2)^2 / (0.26 + 41/120), df 1,
    # p = erfc(sqrt(chi2 / 2))
    row = pooled_row(pooled_likelihood(frame([("one", 10, 50, 5, 50), ("two", 6, 20, 4, 40)])))
    chi2 = math.log(1.5) ** 2 / (0.26 + 41 / 120)
    assert row["woolf_chi2"] == pytest.approx(chi2, rel=1e-12)
    assert row["woolf_df"] == 1
    assert row["woolf_p"] == pytest.approx(math.erfc(math.sqrt(chi2 / 2)), rel=1e-9)
    assert bool(row["homogeneous"]) is True


def test_woolf_matches_cochrans_q_of_the_log_ratios():
    counts = frame(ROWS + [("Trust E", 80, 100, 5, 100)])   # a trust unlike the others
    row = pooled_row(pooled_likelihood(counts))
    a, na, b, nb = counts[["a_events", "a_total", "b_events", "b_total"]].to_numpy(dtype=float).T
    q = combine_effects(np.log(a / na / (b / nb)), 1 / a - 1 / na + 1 / b - 1 / nb)
    assert row["woolf_chi2"] == pytest.approx(q.q, rel=1e-10)
    assert row["woolf_df"] == 4
    assert row["woolf_p"] < 0.001 and bool(row["homogeneous"]) is False
    # the level is a parameter
    assert bool(pooled_row(pooled_likelihood(counts, alpha=1e-9))["homogeneous"]) is True


def test_breslow_day_matches_statsmodels_with_tarones_correction():
    counts = frame(ROWS + [("Trust E", 40, 100, 5, 100)])
    row = pooled_row(pooled_likelihood(counts))
    expected = statsmodels_table(counts).test_equal_odds(adjust=True)
    assert row["breslow_day_chi2"] == pytest.approx(expected.statistic, rel=1e-8)
    assert row["breslow_day_p"] == pytest.approx(expected.pvalue, rel=1e-6, abs=1e-14)
    # odds ratios all 1 give a statistic of 0: a common odds ratio of exactly 1 needs no special path (statsmodels
    # divides by 1 - psi there, and gives nan)
    even = pooled_row(pooled_likelihood(frame([("one", 10, 50, 10, 50), ("two", 30, 60, 20, 40)])))
    assert even["breslow_day_chi2"] == pytest.approx(0, abs=1e-12) and even["breslow_day_p"] == pytest.approx(1)


# ---------------------------------------------------------------- zero cells


def test_zero_cell_rule():
    rows = [("A", 30, 200, 12, 150), ("B", 45, 300, 20, 260),
            ("no BME staff", 5, 40, 0, 0), ("no events", 0, 30, 0, 25),
            ("no BME events", 6, 40, 0, 35), ("everyone", 12, 12, 9, 9)]
    result = pooled_likelihood(frame(rows))
    t = result.table.set_index("stratum")
    assert t["included"].iloc[:-1].tolist() == [True, True, False, False, True, True]
    assert "no people" in t.loc["no BME staff", "reason"] and "left out" in t.loc["no BME staff", "reason"]
    assert "either group" in t.loc["no events", "reason"]
    assert "kept in the pooled estimate" in t.loc["no BME events", "reason"]
    assert "homogeneity tests" in t.loc["everyone", "reason"]
    assert t.loc["no BME events", "state"] == "not estimable" and np.isnan(t.loc["no BME events", "value"])
    assert np.isnan(t.loc["no events", "weight"]) and t.loc["no BME events", "weight"] == 0
    # Mantel-Haenszel over the four included strata (the ones left out add nothing to the sums anyway)
    included = frame([r for r in rows if r[0] in ("A", "B", "no BME events", "everyone")])
    row = pooled_row(result)
    assert row["value"] == pytest.approx(statsmodels_table(included).riskratio_pooled, rel=1e-12)
    assert row["value"] == pytest.approx(statsmodels_table(frame(rows[:2] + rows[3:])).riskratio_pooled, rel=1e-12)
    assert (row["a_events"], row["a_total"], row["b_events"], row["b_total"]) == (93, 552, 41, 454)
    # the tests use the two strata with a ratio of their own
    two = pooled_row(pooled_likelihood(frame(rows[:2])))
    assert row["woolf_chi2"] == pytest.approx(two["woolf_chi2"]) and row["woolf_df"] == 1
    assert row["breslow_day_chi2"] == pytest.approx(
        statsmodels_table(frame(rows[:2])).test_equal_odds(adjust=True).statistic, rel=1e-8)
    assert "pooled over 4 of 6 strata" in row["reason"] and "tested over the 2 strata" in row["reason"]
    assert "zero cells" in result.method.notes


def test_fewer_than_two_strata_is_not_estimable():
    row = pooled_row(pooled_likelihood(frame([("A", 30, 200, 12, 150), ("B", 0, 30, 0, 25)])))
    assert row["state"] == "not estimable" and np.isnan(row["value"])
    assert "fewer than 2 strata" in row["reason"]
    assert pd.isna(row["homogeneous"]) and np.isnan(row["woolf_p"]) and "not tested" in row["reason"]
    no_b = pooled_row(pooled_likelihood(frame([("A", 3, 20, 0, 15), ("B", 4, 30, 0, 25)])))
    assert no_b["state"] == "not estimable" and "no events in group b" in no_b["reason"]


def test_small_pools_are_insufficient_data_with_figures_shown():
    result = pooled_likelihood(frame([("A", 2, 4, 1, 5), ("B", 2, 4, 1, 3)]))
    row = pooled_row(result)
    assert row["state"] == "insufficient data" and np.isfinite(row["value"])
    assert result.table["state"].iloc[0] == "insufficient data"


def test_rows_of_one_stratum_are_added_together_and_strata_can_combine_keys():
    counts = frame(ROWS)
    counts["snapshot_date"] = pd.to_datetime(["2024-03-31", "2025-03-31", "2024-03-31", "2025-03-31"])
    by_year = pooled_likelihood(counts, strata_by="year")
    assert by_year.table["stratum"].tolist()[:-1] == ["2024", "2025"]
    assert by_year.table["a_events"].tolist()[:2] == [38, 945]
    assert "added together" in by_year.method["strata added together"]
    both = pooled_likelihood(counts, strata_by=("organisation", "year"))
    assert both.table["stratum"].iloc[0] == "Trust A, 2024" and both.table["strata_by"].iloc[0] == "organisation and year"


# ---------------------------------------------------------------- from results, on the sample data


def test_telescoping_identity_of_band_steps(soar):
    ladder = workforce.ladder(soar)
    steps = band_steps(ladder)
    assert steps["step"].tolist() == ["5 to 6", "6 to 7", "7 to 8a"]
    # each step's numerator is the next step's denominator
    assert steps["a_events"].iloc[:-1].tolist() == steps["a_total"].iloc[1:].tolist()
    assert steps["b_events"].iloc[:-1].tolist() == steps["b_total"].iloc[1:].tolist()
    product = np.prod([relative_likelihood(*r).ratio
                       for r in steps[["a_events", "a_total", "b_events", "b_total"]].itertuples(index=False)])
    whole = relative_likelihood(steps["a_events"].iloc[-1], steps["a_total"].iloc[0], steps["b_events"].iloc[-1],
                                steps["b_total"].iloc[0])
    assert product == pytest.approx(whole.ratio, rel=1e-12)
    # counted independently: the progression gap of 8a and above is the single step from band 1 to 8a
    gaps = workforce.progression_gaps(soar).table
    gap = gaps[(gaps["staff_category"] == "All AfC") & (gaps["measure"] == "relative likelihood")
               & (gaps["comparison"] == "8a and above")].iloc[0]
    one = band_steps(ladder, steps=("1", "8a")).iloc[0]
    assert (one["a_events"], one["a_total"], one["b_events"], one["b_total"]) == (
        gap["advantaged_senior"], gap["advantaged_total"], gap["compared_senior"], gap["compared_total"])
    # pooled across the steps: the common per-step ratio
    pooled = pooled_likelihood(steps, strata_by="band step")
    assert pooled.table["strata_by"].iloc[0] == "band step"
    assert pooled_row(pooled)["value"] == pytest.approx(statsmodels_table(steps).riskratio_pooled, rel=1e-12)
    assert pooled.table["what"].iloc[0] == "band steps 5 to 8a (All AfC)"


@pytest.mark.slow
def test_pooled_across_the_icbs_organisations(icb_trusts):
    counts = likelihood_counts(workforce.progression_gaps(icb_trusts))
    assert counts["organisation"].nunique() == 3 and counts.attrs["what"] == "8a and above (All AfC)"
    result = pooled_likelihood(workforce.progression_gaps(icb_trusts))   # a Result goes through likelihood_counts
    assert result.table["stratum"].tolist()[:-1] == counts["organisation"].tolist()
    assert pooled_row(result)["value"] == pytest.approx(statsmodels_table(counts).riskratio_pooled, rel=1e-12)
    assert pooled_row(result)["a_total"] == counts["a_total"].sum()


@pytest.mark.slow
def test_pooled_across_years(soar_valley):
    people = soar_valley.people
    results = [workforce.progression_gaps(people[people["snapshot_date"] == date])
               for date in sorted(people["snapshot_date"].unique())]
    counts = likelihood_counts(results, comparison="8c and above")
    result = pooled_likelihood(results, strata_by="year")
    assert result.table["stratum"].tolist()[:-1] == ["2023", "2024", "2025"]
    assert result.table["a_events"].tolist()[:-1] == likelihood_counts(results)["a_events"].tolist()
    assert counts["a_events"].tolist() != likelihood_counts(results)["a_events"].tolist()   # 8c, not 8a
    assert pooled_row(pooled_likelihood(counts, strata_by="year"))["value"] == pytest.approx(
        statsmodels_table(counts).riskratio_pooled, rel=1e-12)
    assert result.method.snapshots == ("2023-03-31", "2024-03-31", "2025-03-31")


def test_promotion_counts(soar_valley):
    promotion = workforce.promotion(soar_valley)
    counts = likelihood_counts(promotion)
    groups = promotion.table.set_index("group")
    assert counts[["a_events", "a_total", "b_events", "b_total"]].iloc[0].tolist() == [
        groups.loc["White", "promoted"], groups.loc["White", "stayers"], groups.loc["BME", "promoted"],
        groups.loc["BME", "stayers"]]
    rl = relative_likelihood(*counts[["a_events", "a_total", "b_events", "b_total"]].iloc[0])
    assert rl.ratio == pytest.approx(groups.loc["BME", "promotion_rl"], rel=1e-12)
    assert (counts["group_a"].iloc[0], counts["group_b"].iloc[0]) == ("White", "BME")
    assert counts["organisation"].iloc[0] == "Soar Valley Hospitals NHS Trust"
    assert counts["snapshot_date"].iloc[0] == pd.Timestamp("2025-03-31")
    by_band = likelihood_counts(workforce.promotion(soar_valley, by="grade_group"))
    assert "grade_group" in by_band and by_band["a_total"].sum() <= counts["a_total"].iloc[0]
    pooled = pooled_likelihood(by_band, strata_by="grade_group")
    assert pooled.table["what"].iloc[0] == "promotion (ethnicity)"


@pytest.mark.slow
def test_wres_and_wdes_counts_in_the_official_direction(soar):
    recruitment = workforce.load_recruitment(INPUTS["recruitment"])
    disciplinary = workforce.load_disciplinary(INPUTS["disciplinary"], like=soar)
    wres = workforce.wres(soar, recruitment=recruitment, disciplinary=disciplinary)
    two = likelihood_counts(wres, indicator=2)
    own = wres_recruitment(recruitment).table.iloc[0]
    assert two[["a_events", "a_total", "b_events", "b_total"]].iloc[0].tolist() == [
        own["events_a"], own["total_a"], own["events_b"], own["total_b"]]
    assert (two["group_a"].iloc[0], two["group_b"].iloc[0]) == ("White", "BME") and two.attrs["what"] == "WRES 2"
    assert two["organisation"].iloc[0] == "Soar Valley Hospitals NHS Trust"
    three = likelihood_counts(wres, indicator=3)   # BME entering the process / White
    assert (three["group_a"].iloc[0], three["group_b"].iloc[0]) == ("BME", "White")
    row = wres.table[wres.table["indicator"] == 3].iloc[0]
    assert three["a_events"].iloc[0] == row["bme_count"] and three["b_total"].iloc[0] == row["white_total"]
    assert relative_likelihood(*three[["a_events", "a_total", "b_events", "b_total"]].iloc[0]).ratio == \
        pytest.approx(row["value"])
    assert likelihood_counts(wres_recruitment(recruitment))["a_events"].iloc[0] == own["events_a"]
    wdes = workforce.wdes(soar, disciplinary=disciplinary)
    capability = likelihood_counts(wdes, indicator=3)
    assert (capability["group_a"].iloc[0], capability["group_b"].iloc[0]) == ("Disabled", "Non-disabled")
    with pytest.raises(WorkforceError, match=r"\[2, 3, 4\]"):
        likelihood_counts(wres)
    with pytest.raises(WorkforceError, match="not provided"):
        likelihood_counts(wdes, indicator=2)
    # two trusts' tables, pooled: one row each
    assert len(likelihood_counts([wres, wres], indicator=2)) == 2


# ---------------------------------------------------------------- disclosure control


def test_suppression_hides_a_small_stratum_and_the_pool_is_made_again_without_it():
    rows = [("A", 30, 200, 12, 150), ("B", 45, 300, 20, 260), ("C", 3, 60, 9, 80), ("D", 50, 400, 30, 350)]
    result = pooled_likelihood(frame(rows), what="WRES 2")
    safe = workforce.suppress(result, threshold=8)
    t = safe.table.set_index("stratum")
    assert pd.isna(t.loc["C", "a_events"]) and bool(t.loc["C", "a_events_suppressed"])
    assert t.loc["C", "state"] == "withheld" and not t.loc["C", "included"] and np.isnan(t.loc["C", "value"])
    published = [r for r in rows if r[0] != "C"]
    expected = pooled_likelihood(frame(published), what="WRES 2")
    row, want = t.loc[POOLED_LABEL], pooled_row(expected)
    for column in ("value", "ci_low", "ci_high", "woolf_chi2", "woolf_p", "breslow_day_chi2"):
        assert row[column] == pytest.approx(want[column], rel=1e-12), column
    assert t["weight"].iloc[:-1].tolist() == pytest.approx([*expected.table["weight"].iloc[:2], np.nan,
                                                            expected.table["weight"].iloc[2]], nan_ok=True)
    # the pooled row's counts are sums of published strata only: the hidden count cannot be taken back out
    assert row["a_events"] == 30 + 45 + 50 and not bool(row["a_events_suppressed"])
    assert "1 withheld" in row["reason"]
    assert safe.method["disclosure threshold"] == 8


def test_suppression_when_a_stratum_is_all_small():
    rows = [("A", 30, 200, 12, 150), ("B", 2, 5, 1, 6), ("C", 50, 400, 30, 350)]
    safe = workforce.suppress(pooled_likelihood(frame(rows)), threshold=8)
    t = safe.table.set_index("stratum")
    assert t.loc["B", "state"] == "withheld"
    shown = t.iloc[:-1][t["state"].iloc[:-1] != "withheld"]
    assert pooled_row(safe)["a_total"] == shown["a_total"].sum()
    assert pooled_row(safe)["value"] == pytest.approx(
        pooled_row(pooled_likelihood(frame([rows[0], rows[2]])))["value"], rel=1e-12)


def test_without_suppression_nothing_changes():
    result = pooled_likelihood(frame(ROWS))
    out = workforce.suppress(result, threshold=None)
    pd.testing.assert_frame_equal(out.table[POOLED_COLUMNS], result.table, check_dtype=False)


# ---------------------------------------------------------------- errors


def test_plain_errors(soar):
    with pytest.raises(WorkforceError, match="progression_gaps"):
        likelihood_counts(workforce.ladder(soar))
    with pytest.raises(WorkforceError, match="8c and above"):
        likelihood_counts(workforce.progression_gaps(soar), comparison="8b and above")
    with pytest.raises(WorkforceError, match="Clinical"):
        likelihood_counts(workforce.progression_gaps(soar), staff_category="Everyone")
    with pytest.raises(WorkforceError, match="disclosure control"):
        likelihood_counts(workforce.suppress(workforce.progression_gaps(soar)))
    with pytest.raises(WorkforceError, match="increasing order"):
        band_steps(workforce.ladder(soar), steps=("7", "5"))
    with pytest.raises(WorkforceError, match="'year'"):
        pooled_likelihood(frame(ROWS), strata_by="band")
    with pytest.raises(WorkforceError, match="more than a_total"):
        pooled_likelihood(frame([("A", 30, 20, 1, 10), ("B", 1, 10, 1, 10)]))
    with pytest.raises(WorkforceError, match="whole numbers"):
        pooled_likelihood(frame([("A", 3.5, 20, 1, 10), ("B", 1, 10, 1, 10)]))
    mixed = frame(ROWS)
    mixed.loc[0, "group_a"] = "BME"
    with pytest.raises(WorkforceError, match="different groups"):
        pooled_likelihood(mixed)
