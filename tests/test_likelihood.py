"""Relative likelihood: known answers against statsmodels and by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import Table2x2

from workforce.analysis._likelihood import relative_likelihood, relative_likelihoods


@pytest.mark.parametrize(("a", "na", "b", "nb"), [(30, 100, 12, 100), (5, 40, 9, 31), (470, 1000, 146, 1000),
                                                  (1, 12, 7, 15), (99, 100, 50, 100)])
def test_matches_statsmodels_risk_ratio(a, na, b, nb):
    table = Table2x2(np.array([[a, na - a], [b, nb - b]]))
    rl = relative_likelihood(a, na, b, nb)
    assert rl.ratio == pytest.approx(table.riskratio)
    assert (rl.ci_low, rl.ci_high) == pytest.approx(table.riskratio_confint())
    assert rl.p_value == pytest.approx(table.riskratio_pvalue())
    assert rl.significant == (table.riskratio_pvalue() < 0.05)


def test_hand_worked_recruitment_example():
    # White: 60 of 200 shortlisted appointed (30%); BME: 24 of 150 (16%). RL = 0.30 / 0.16 = 1.875.
    # SE(log RL) = sqrt(1/60 - 1/200 + 1/24 - 1/150) = 0.216025; log 1.875 = 0.628609;
    # 95% CI = exp(0.628609 -/+ 1.959964 * 0.216025) = 1.2278 to 2.8634.
    rl = relative_likelihood(60, 200, 24, 150)
    assert rl.ratio == pytest.approx(1.875)
    assert rl.ci_low == pytest.approx(1.2278, abs=1e-4)
    assert rl.ci_high == pytest.approx(2.8634, abs=1e-4)
    assert rl.significant and rl.outside_non_adverse and rl.state == "estimated"


def test_published_trust_figure():
    # 46.99% / 14.65% = 3.21 (definitions, section 1.5)
    assert round(relative_likelihood(4699, 10000, 1465, 10000).ratio, 2) == 3.21


@pytest.mark.parametrize(("a", "na", "b", "nb", "why"), [(0, 50, 5, 60, "no events"), (5, 50, 0, 60, "no events"),
                                                         (0, 0, 5, 60, "no people"), (10, 10, 8, 8, "undefined")])
def test_zero_cells_are_not_estimable_not_a_number(a, na, b, nb, why):
    rl = relative_likelihood(a, na, b, nb)
    assert rl.state == "not estimable" and why in rl.reason
    assert math.isnan(rl.ratio) and math.isnan(rl.ci_low) and rl.significant is None
    assert "not estimable" in str(rl)


def test_small_groups_are_insufficient_data():
    rl = relative_likelihood(2, 5, 10, 50, min_size=10)
    assert rl.state == "insufficient data" and rl.ratio == pytest.approx(2.0)


def test_non_adverse_range_edges():
    assert not relative_likelihood(125, 1000, 100, 1000).outside_non_adverse  # 1.25 is inside
    assert relative_likelihood(126, 1000, 100, 1000).outside_non_adverse
    assert relative_likelihood(79, 1000, 100, 1000).outside_non_adverse


def test_vectorised_and_rejects_impossible_counts():
    many = relative_likelihoods([30, 0], [100, 10], [12, 5], [100, 10])
    assert [r.state for r in many] == ["estimated", "not estimable"]
    with pytest.raises(ValueError, match="between 0 and the total"):
        relative_likelihood(11, 10, 1, 10)


@pytest.mark.parametrize("counts, name", [((2.5, 10, 3, 10), "events_a"), ((2, 10.5, 3, 10), "total_a"),
                                          ((2, 10, float("nan"), 10), "events_b")])
def test_counts_that_are_not_whole_numbers_are_refused(counts, name):
    """relative_likelihood(2.5, 10, 3, 10) used 2.5 in the ratio and reported events_a = 2 (issue 13)."""
    with pytest.raises(ValueError, match=f"{name} must be a whole number of people"):
        relative_likelihood(*counts)
