"""The small tables under the board pack's charts (workforce.publish._board)."""

from __future__ import annotations

import pandas as pd

from workforce.publish._board import board_table


def _representation_rows():
    return pd.DataFrame({
        "group": ["White", "Asian"], "staff_count": [pd.NA, 120], "staff_count_suppressed": [True, False],
        "staff_share": [float("nan"), 0.2], "staff_share_ci_low": [float("nan"), 0.17],
        "staff_share_ci_high": [float("nan"), 0.231], "population_share": [0.5, 0.4],
        "ratio": [float("nan"), 0.5], "ratio_ci_low": [float("nan"), 0.43], "ratio_ci_high": [float("nan"), 0.58],
        "flag": [None, "under-represented"], "p_value": [float("nan"), 1e-9]})


def test_representation_table_has_plain_headers_and_stars():
    shown = board_table("representation_chart", _representation_rows())
    assert list(shown.columns) == ["Group", "Staff", "Share of staff", "95% interval", "Population share",
                                   "Ratio (1 = same as population)", "Finding"]
    assert shown.iloc[0].tolist() == ["White", "*", "", "", "50.0%", "", ""]
    assert shown.iloc[1].tolist() == ["Asian", "120", "20.0%", "17.0% to 23.1%", "40.0%", "0.50",
                                      "under-represented"]


def test_empty_columns_are_left_out():
    rows = _representation_rows().assign(flag=None)
    assert "Finding" not in board_table("representation_chart", rows).columns


def test_organisations_are_columns_in_the_comparison():
    rows = pd.DataFrame({
        "characteristic": ["ethnicity"] * 4, "subgroup": ["Trust A", "Trust A", "Trust B", "Trust B"],
        "group": ["White", "Asian"] * 2, "staff_count": [80, 20, 30, 10], "staff_total": [100, 100, 40, 40],
        "staff_share": [0.8, 0.2, 0.75, 0.25], "staff_share_ci_low": [0.71, 0.13, 0.6, 0.14],
        "staff_share_ci_high": [0.87, 0.29, 0.86, 0.4], "population_share": [0.7, 0.3, 0.7, 0.3]})
    shown = board_table("funnel_chart", rows)
    assert list(shown.columns) == ["", "Trust A", "Trust B"]
    assert shown.iloc[:, 0].tolist() == ["Staff with a known group", "White: share of staff (95% interval)",
                                         "White: population share", "Asian: share of staff (95% interval)",
                                         "Asian: population share"]
    assert shown["Trust B"].tolist() == ["40", "75.0% (60.0% to 86.0%)", "70.0%", "25.0% (14.0% to 40.0%)", "30.0%"]


def test_a_chart_without_a_view_has_no_table():
    assert board_table("no_such_chart", _representation_rows()) is None
    assert board_table("representation_chart", _representation_rows().iloc[:0]) is None
