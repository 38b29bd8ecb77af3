"""Promotion: promotion and leaver rates, relative likelihoods, senior appointments and time in grade."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import Y1, Y2, history_people, people, snapshot
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import proportion_confint

from workforce.analysis._progression import movements
from workforce.analysis._promotion import PROMOTION_COLUMNS, promotion

# ---------------------------------------------------------------- promotion


def counted_people(white, bme, unknown=(0, 0, 0, 0)) -> pd.DataFrame:
    """Two snapshots: per group (stayers, promoted, leavers, joiners), everyone starting in band 5."""
    start, end = [], []
    for label, (stay, promoted, left, joined) in (("White", white), ("BME", bme), ("Unknown", unknown)):
        for i in range(stay):
            start.append((f"{label}-s{i}", "5", label))
            end.append((f"{label}-s{i}", "6" if i < promoted else "5", label))
        start += [(f"{label}-l{i}", "5", label) for i in range(left)]
        end += [(f"{label}-j{i}", "5", label) for i in range(joined)]
    return people(snapshot(Y1, start), snapshot(Y2, end))


def test_promotion_and_leaver_rates_with_wilson_intervals_and_relative_likelihoods():
    staff = counted_people(white=(200, 40, 20, 15), bme=(150, 15, 30, 10), unknown=(10, 1, 2, 0))
    result = promotion(staff)
    t = result.table.set_index("group")
    assert list(result.table.columns) == PROMOTION_COLUMNS
    assert t.index.tolist() == ["White", "BME", "Unknown"]
    assert t.loc["White", ["stayers", "promoted", "at_start", "leavers"]].tolist() == [200, 40, 220, 20]
    assert t.loc["BME", ["stayers", "promoted", "at_start", "leavers"]].tolist() == [150, 15, 180, 30]
    for group, (k, n) in {"White": (40, 200), "BME": (15, 150), "Unknown": (1, 10)}.items():
        assert t.loc[group, "promotion_rate"] == pytest.approx(k / n)
        low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert (t.loc[group, "promotion_rate_ci_low"], t.loc[group, "promotion_rate_ci_high"]) == pytest.approx((low, high))
    low, high = proportion_confint(30, 180, alpha=0.05, method="wilson")
    assert (t.loc["BME", "leaver_rate_ci_low"], t.loc["BME", "leaver_rate_ci_high"]) == pytest.approx((low, high))
    # promotion: White rate / BME rate (above 1: BME worse off), on the BME row
    table = Table2x2(np.array([[40, 160], [15, 135]]))
    assert t.loc["BME", "promotion_rl"] == pytest.approx(table.riskratio)
    assert (t.loc["BME", "promotion_rl_ci_low"], t.loc["BME", "promotion_rl_ci_high"]) == \
        pytest.approx(table.riskratio_confint(alpha=0.05, method="normal"))
    assert t.loc["BME", "promotion_rl_p_value"] == pytest.approx(table.riskratio_pvalue())
    assert t.loc["BME", "promotion_rl"] == pytest.approx((40 / 200) / (15 / 150))
    # leaving: BME rate / White rate
    leave = Table2x2(np.array([[30, 150], [20, 200]]))
    assert t.loc["BME", "leaver_rl"] == pytest.approx(leave.riskratio)
    assert (t.loc["BME", "leaver_rl_ci_low"], t.loc["BME", "leaver_rl_ci_high"]) == \
        pytest.approx(leave.riskratio_confint(alpha=0.05, method="normal"))
    assert t.loc["White", "promotion_rl_state"] == "reference" and np.isnan(t.loc["White", "promotion_rl"])
    assert np.isnan(t.loc["Unknown", "promotion_rl"])
    assert "stayers" in result.method["promotion rate"]


def test_confidence_level_is_used():
    staff = counted_people(white=(200, 40, 20, 15), bme=(150, 15, 30, 10))
    t = promotion(staff, confidence=0.9).table.set_index("group")
    low, high = proportion_confint(40, 200, alpha=0.1, method="wilson")
    assert (t.loc["White", "promotion_rate_ci_low"], t.loc["White", "promotion_rate_ci_high"]) == pytest.approx((low, high))
    rl = Table2x2(np.array([[40, 160], [15, 135]])).riskratio_confint(alpha=0.1, method="normal")
    assert (t.loc["BME", "promotion_rl_ci_low"], t.loc["BME", "promotion_rl_ci_high"]) == pytest.approx(rl)


def test_disability_and_sex_follow_the_official_direction():
    staff = counted_people(white=(100, 30, 0, 0), bme=(100, 10, 0, 0))
    staff["disability"] = np.where(staff["wres_group"] == "White", "No", "Yes")
    staff["sex"] = np.where(staff["wres_group"] == "White", "Male", "Female")
    for characteristic, labels in (("disability", ["Non-disabled", "Disabled", "Unknown"]),
                                   ("sex", ["Male", "Female", "Other or unknown"])):
        t = promotion(staff, characteristic=characteristic).table
        assert t["group"].tolist() == labels
        assert t.loc[1, "promotion_rl"] == pytest.approx(3.0)  # 30% / 10%


def test_senior_appointments_by_route_and_time_in_grade():
    groups = {"p02": "BME", "p05": "BME", "p15": "BME", "p01": "BME"}
    t = promotion(history_people(groups)).table.set_index("group")
    # internal: p02 (6 -> 8a), p06 (resident -> consultant), p07 (SAS -> consultant), p10 (other medical ->
    # consultant); p09 (8d -> VSM) was already senior; external: p05 joined at 8b
    assert t.loc["BME", ["senior_internal", "senior_external", "senior_appointments"]].tolist() == [1, 1, 2]
    assert t.loc["White", ["senior_internal", "senior_external"]].tolist() == [3, 0]
    # time in grade at the 2025 snapshot: BME p01 (6 since 2024: 2), p02 (8a since 2024: 2), p05 (8b: 2),
    # p15 (5 at all three snapshots: 3, censored by the first snapshot)
    assert t.loc["BME", "staff_now"] == 4
    assert t.loc["BME", "time_in_grade_mean"] == pytest.approx(9 / 4)
    assert t.loc["BME", "time_in_grade_median"] == pytest.approx(2.0)
    assert t.loc["BME", "time_in_grade_censored_share"] == pytest.approx(1 / 4)
    # not comparable movements are counted and left out of the denominators
    assert t.loc["White", "not_comparable"] == 2
    moves = movements(history_people(groups)).table
    white_at_risk = moves[(moves["wres_group"] == "White")
                          & moves["movement"].isin(["promoted", "same band", "moved down", "changed pay system"])]
    assert t.loc["White", "stayers"] == len(white_at_risk)


def test_by_band_splits_by_the_starting_grade():
    staff = counted_people(white=(50, 10, 5, 0), bme=(40, 4, 5, 0))
    extra = people(snapshot(Y1, [(f"w7-{i}", "7", "White") for i in range(20)]),
                   snapshot(Y2, [(f"w7-{i}", "8a" if i < 2 else "7", "White") for i in range(20)]))
    both = people(staff, extra)
    t = promotion(both, by="band").table
    five = t[t["subgroup"] == "5"].set_index("group")
    assert five.loc["White", ["stayers", "promoted"]].tolist() == [50, 10]
    seven = t[t["subgroup"] == "7"].set_index("group")
    assert seven.loc["White", ["stayers", "promoted"]].tolist() == [20, 2]
    eight = t[t["subgroup"] == "8a"].set_index("group")  # appointments are counted in the band appointed to
    assert eight.loc["White", ["senior_internal", "stayers"]].tolist() == [2, 0]
    assert set(t["by"]) == {"band"}
    groups = promotion(both, by="grade_group").table
    assert set(groups["subgroup"]) == {"5-7", "8a-8b"}


def test_bank_only_staff_are_left_out_unless_asked():
    staff = counted_people(white=(20, 5, 0, 0), bme=(20, 2, 0, 0))
    staff.loc[staff["person_id"] == "White-s0", "is_bank"] = True
    assert promotion(staff).table.set_index("group").loc["White", "stayers"] == 19
    assert promotion(staff, include_bank=True).table.set_index("group").loc["White", "stayers"] == 20


def test_rows_in_other_order_give_the_same_answer():
    staff = counted_people(white=(60, 12, 6, 3), bme=(50, 5, 8, 2))
    shuffled = staff.sample(frac=1, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(promotion(staff).table, promotion(shuffled).table)


# ---------------------------------------------------------------- the sample data


def test_sample_data_shows_the_built_in_promotion_gap(soar_valley):
    t = promotion(soar_valley).table.set_index("group")
    assert t.loc["White", "promotion_rate"] > t.loc["BME", "promotion_rate"]
    assert t.loc["BME", "promotion_rl_ci_low"] > 1  # White staff significantly more likely to be promoted
    # leaving is unrelated to ethnicity in the generator
    assert t.loc["BME", "leaver_rl_ci_low"] < 1 < t.loc["BME", "leaver_rl_ci_high"]
