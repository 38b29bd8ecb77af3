"""spc and spc_summary: Making Data Count charts, rules, icons and assurance, against hand-worked answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workforce
from workforce.analysis._spc import (
    SPC,
    SPC_COLUMNS,
    SPC_SUMMARY,
    SPC_SUMMARY_COLUMNS,
    p_limits,
    spc,
    spc_rules,
    spc_summary,
    xmr_limits,
)
from workforce.analysis._trend import TREND_COLUMNS
from workforce.errors import WorkforceError

VIGNETTE = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
#: 10, 14, 10, 14 ...: mean 12, every moving range 4, so limits 12 +/- 10.64 and near bounds 12 +/- 7.0933
CALM = [10.0, 14.0] * 6


def points(values=None, *, events=None, n=None, reference_events=None, reference_n=None, org="Trust A",
           measure="senior share", tier="8a and above", group="BME", unit=None, improvement="increase",
           start="2022-01-31", dates=None) -> pd.DataFrame:
    """A TREND-shaped table of one series, a point a month."""
    if values is None:
        with np.errstate(invalid="ignore"):
            values = np.asarray(events, float) / np.asarray(n, float)
        if reference_events is not None:
            values = values / (np.asarray(reference_events, float) / np.asarray(reference_n, float))
    k = len(values)
    dates = pd.date_range(start, periods=k, freq="ME") if dates is None else pd.to_datetime(dates)
    unit = unit or ("proportion" if events is not None and reference_events is None else "ratio")

    def counts(c):
        return pd.array([pd.NA] * k if c is None else c, dtype="Int64")

    return pd.DataFrame({
        "organisation": org, "characteristic": "ethnicity", "measure": measure, "tier": tier, "group": group,
        "period_start": pd.Series([pd.NaT] * k, dtype="datetime64[ns]"), "snapshot_date": dates,
        "value": np.asarray(values, float), "ci_low": np.nan, "ci_high": np.nan, "events": counts(events),
        "n": counts(n), "reference_events": counts(reference_events), "reference_n": counts(reference_n),
        "unit": unit, "improvement": improvement, "state": "estimated"})[TREND_COLUMNS]


def flags(table, rule):
    return table[rule].fillna(False).astype(bool).tolist()


# ---------------------------------------------------------------- XmR


@pytest.mark.parametrize("screen, upper, mean, lower", [(True, 4.60, 1.94, -0.72), (False, 6.95, 1.94, -3.06)])
def test_the_nhsrplotthedots_vignette(screen, upper, mean, lower):
    t = spc(points(VIGNETTE), screen=screen).table
    assert set(t["chart"]) == {"XmR"}
    assert set(t["upper"].round(2)) == {upper} and set(t["centre"].round(2)) == {mean}
    assert set(t["lower"].round(2)) == {lower}
    lim = xmr_limits(VIGNETTE, screen=screen)
    assert (round(lim.upper, 2), round(lim.centre, 2), round(lim.lower, 2)) == (upper, mean, lower)


def test_xmr_limits_by_hand():
    # moving ranges 1, 1, 1, 8, 9 and twelve of 1: average 32/17; without the 8 and 9 (above 3.267 x 32/17): 1
    lim = xmr_limits(VIGNETTE, screen=False)
    assert lim.average_moving_range == pytest.approx(32 / 17)
    assert lim.near_upper == pytest.approx(35 / 18 + 2 / 3 * 2.66 * 32 / 17)
    assert xmr_limits(VIGNETTE).average_moving_range == pytest.approx(1.0)
    assert np.isnan(xmr_limits([3.0]).centre) and np.isnan(xmr_limits([3.0, np.nan]).upper)
    # a missing value is skipped: moving ranges go from one value to the next
    assert xmr_limits([1.0, np.nan, 3.0, 1.0]).average_moving_range == pytest.approx(2.0)


# ---------------------------------------------------------------- p and p'


def test_p_chart_worked_by_hand():
    t = spc(points(events=[10, 12, 8], n=[100, 120, 80])).table
    assert set(t["chart"]) == {"p"}
    assert t["centre"].tolist() == pytest.approx([0.1] * 3)   # 30 / 300
    # sigma = sqrt(0.1 x 0.9 / n): 0.03, 0.0273861, 0.0335410
    assert t["upper"].tolist() == pytest.approx([0.19, 0.1821584, 0.2006231], abs=1e-6)
    assert t["lower"].tolist() == pytest.approx([0.01, 0.0178416, 0.0], abs=1e-6)   # the last clipped at 0
    assert t["near_upper"].tolist() == pytest.approx([0.16, 0.1547723, 0.1670820], abs=1e-6)
    assert t["near_lower"].tolist() == pytest.approx([0.04, 0.0452277, 0.0329180], abs=1e-6)
    assert t["trial"].all() and t["baseline"].all()


def test_laney_p_prime_worked_by_hand():
    events, n = np.array([100, 260, 90, 220, 150]), np.array([1000, 2000, 1000, 2000, 1500])
    p = events.sum() / n.sum()
    sigma = np.sqrt(p * (1 - p) / n)
    z = (events / n - p) / sigma
    sigma_z = np.abs(np.diff(z)).mean() / 1.128
    t = spc(points(events=events, n=n), screen=False).table
    assert set(t["chart"]) == {"p'"}                      # mean n 1,500: at least 1,000
    assert t["centre"].tolist() == pytest.approx([p] * 5)
    assert t["upper"].tolist() == pytest.approx(list(np.clip(p + 3 * sigma * sigma_z, 0, 1)))
    assert t["lower"].tolist() == pytest.approx(list(np.clip(p - 3 * sigma * sigma_z, 0, 1)))
    assert t["near_upper"].tolist() == pytest.approx(list(p + 2 * sigma * sigma_z))
    assert p_limits(events, n, laney=True, screen=False).sigma_z == pytest.approx(sigma_z)
    # a smaller mean n stays on a p-chart unless asked; laney_n moves the line
    assert set(spc(points(events=events // 10, n=n // 10)).table["chart"]) == {"p"}
    assert set(spc(points(events=events // 10, n=n // 10), laney_n=100).table["chart"]) == {"p'"}
    assert set(spc(points(events=events, n=n), chart="p").table["chart"]) == {"p"}
    assert set(spc(points(events=events, n=n), chart="XmR").table["chart"]) == {"XmR"}


def test_ratios_and_annualised_rates_are_on_xmr_charts():
    ratio = points(events=[10, 12, 11], n=[100, 100, 100], reference_events=[20, 21, 22], reference_n=[100] * 3,
                   measure="promotion relative likelihood")
    annualised = points([0.2, 0.25, 0.22], events=[10, 12, 11], n=[100, 100, 100], measure="leaver rate")
    t = spc(pd.concat([ratio, annualised]), chart="p").table
    assert set(t["chart"]) == {"XmR"}


# ---------------------------------------------------------------- rules, each alone

LIMITS = dict(centre=0.0, lower=-3.0, upper=3.0, near_lower=-2.0, near_upper=2.0)


def fired(values, **options):
    s = spc_rules(values, **LIMITS, **options)
    return {rule: np.flatnonzero(getattr(s, rule)).tolist() for rule in ("outside", "trend", "two_of_three", "shift")}


def test_rule_1_alone():
    assert fired([0.5, -0.5, 0.5, 4, -0.5, 0.5, -0.5]) == {"outside": [3], "trend": [], "two_of_three": [],
                                                           "shift": []}


def test_rule_2_alone_ties_break_and_six_as_an_option():
    rising = [-1.5, -1, -0.5, -0.2, 0.2, 0.5, 1.0, 0.3]
    assert fired(rising) == {"outside": [], "trend": [0, 1, 2, 3, 4, 5, 6], "two_of_three": [], "shift": []}
    six = [-1.5, -1, -0.5, 0.2, 0.5, 1.0, 0.3]
    assert fired(six)["trend"] == [] and fired(six, rule_length=6)["trend"] == [0, 1, 2, 3, 4, 5]
    tie = [-1.5, -1, -0.5, -0.5, 0.2, 0.5, 1.0, 1.2]
    assert fired(tie)["trend"] == []
    # a falling trend is low, even where its points are above the centre line
    high = spc_rules([1.5, 1, 0.5, 0.2, -0.2, -0.5, -1.0], **LIMITS).high
    assert high.tolist() == [-1] * 7


def test_rule_3_alone_and_same_side_only():
    assert fired([0.5, -0.5, 2.5, 0.5, 2.5, -0.5, 0.5]) == {"outside": [], "trend": [], "two_of_three": [2, 4],
                                                            "shift": []}
    assert fired([0.5, 2.5, -2.5, 0.5, -0.5])["two_of_three"] == []
    assert fired([0.5, 2.5, 0.5, -0.5, 2.5, 0.5])["two_of_three"] == []   # two, but not within three
    assert fired([2.5, 2.5])["two_of_three"] == []   # no three points in a row


def test_rule_4_alone_and_a_point_on_the_line_breaks_it():
    shift = [-0.5, 0.5, 1, 0.5, 1, 0.5, 1, 0.5, -0.5]
    assert fired(shift) == {"outside": [], "trend": [], "two_of_three": [], "shift": [1, 2, 3, 4, 5, 6, 7]}
    assert fired([-0.5, 0.5, 1, 0.5, 0, 1, 0.5, 1, 0.5, -0.5])["shift"] == []
    assert fired([-0.5, 0.5, 1, 0.5, 1, 0.5, 1, -0.5], rule_length=6)["shift"] == [1, 2, 3, 4, 5, 6]


def test_no_rule_fires_on_common_cause_variation():
    t = spc(points(CALM * 2)).table
    assert not t["special_cause"].any() and set(t["variation"]) == {"common cause"}


def test_a_missing_point_neither_breaks_nor_makes_a_run():
    s = spc_rules([-0.5, 0.5, 1, np.nan, 0.5, 1, 0.5, 1, 0.5, -0.5], **LIMITS)
    assert np.flatnonzero(s.shift).tolist() == [1, 2, 4, 5, 6, 7, 8]
    t = spc(points(CALM[:12] + [np.nan] + CALM[:2])).table
    assert t["centre"].iloc[0] == pytest.approx(np.mean(CALM + CALM[:2]))
    blank = t.iloc[12]
    assert pd.isna(blank["outside"]) and pd.isna(blank["special_cause"]) and pd.isna(blank["variation"])
    assert not blank["baseline"]


# ---------------------------------------------------------------- direction


def test_improvement_concern_and_neither():
    series = points(VIGNETTE)
    for direction, expected in (("increase", "improvement"), ("decrease", "concern"), ("neither", "neither")):
        t = spc(series, improvement=direction).table
        assert t["variation"].iloc[4] == expected and (t["improvement"] == direction).all()
        assert set(t["variation"].drop(index=4)) == {"common cause"}
    # from the trend's column, or per measure
    assert spc(points(VIGNETTE, improvement="decrease")).table["variation"].iloc[4] == "concern"
    assert spc(series, improvement={"senior share": "decrease"}).table["variation"].iloc[4] == "concern"
    low = points([-v for v in VIGNETTE])
    assert spc(low).table["variation"].iloc[4] == "concern"


# ---------------------------------------------------------------- phases, baseline, trial


def test_trial_limits_below_twelve_points():
    assert spc(points(CALM[:11])).table["trial"].all()
    assert not spc(points(CALM)).table["trial"].any()
    assert spc(points(CALM), trial_below=13).table["trial"].all()


def test_rebase_gives_each_phase_its_own_limits():
    higher = [v + 10 for v in CALM]
    series = points(CALM + higher)
    whole = spc(series).table
    assert whole["shift"].all() and set(whole["phase"]) == {1}
    for date in ("2023-01-31", "2023-01-15"):   # the 13th point's date, or a date between the 12th and 13th
        t = spc(series, rebase=[date]).table
        assert t["phase"].tolist() == [1] * 12 + [2] * 12
        assert t["centre"].tolist() == pytest.approx([12.0] * 12 + [22.0] * 12)
        assert t["upper"].tolist() == pytest.approx([22.64] * 12 + [32.64] * 12)
        assert not t["special_cause"].any()
    assert spc(series, rebase=["2020-01-01", "2023-01-31"]).table["phase"].tolist() == [1] * 12 + [2] * 12


@pytest.mark.parametrize("baseline", [12, "2022-12-31"])
def test_a_baseline_fixes_the_limits(baseline):
    t = spc(points(CALM + [v + 10 for v in CALM]), baseline=baseline).table
    assert t["baseline"].tolist() == [True] * 12 + [False] * 12
    assert t["centre"].tolist() == pytest.approx([12.0] * 24) and t["upper"].tolist() == pytest.approx([22.64] * 24)
    assert flags(t, "outside") == [False] * 12 + [False, True] * 6   # 24 is above 22.64
    assert flags(t, "shift") == [False] * 11 + [True] * 13   # the 12th point (14) is above 12 too
    assert set(t["variation"].iloc[12:]) == {"improvement"}


def test_fewer_than_two_points_have_no_limits_and_the_method_says_why():
    result = spc(pd.concat([points([0.3, np.nan]), points(CALM, org="Trust B")]))
    one = result.table[result.table["organisation"] == "Trust A"]
    assert one[["centre", "lower", "upper"]].isna().all().all()
    assert one["variation"].iloc[0] == "common cause" and pd.isna(one["variation"].iloc[1])
    assert "Trust A" in result.method["no limits"]


def test_series_of_different_organisations_and_groups_never_mix():
    a, b = points(CALM), points([v + 100 for v in CALM], org="Trust B")
    c = points([v * 2 for v in CALM], group="Disabled")
    mixed = pd.concat([a, b, c]).sample(frac=1, random_state=1)
    t = spc(mixed).table
    for (org, group), centre in ((("Trust A", "BME"), 12.0), (("Trust B", "BME"), 112.0),
                                 (("Trust A", "Disabled"), 24.0)):
        rows = t[(t["organisation"] == org) & (t["group"] == group)]
        assert len(rows) == 12 and rows["centre"].tolist() == pytest.approx([centre] * 12)
        assert rows["snapshot_date"].is_monotonic_increasing
    assert not t["special_cause"].any()


# ---------------------------------------------------------------- result and errors


@pytest.mark.slow
def test_columns_and_schema():
    result = spc(pd.concat([points(VIGNETTE), points(events=[10, 12, 8], n=[100, 120, 80], org="Trust B")]))
    assert list(result.table.columns) == SPC_COLUMNS == TREND_COLUMNS + SPC_COLUMNS[len(TREND_COLUMNS):]
    SPC.schema().validate(result.table)
    assert result.spec.kind == workforce._spec.Kind.SPC
    assert result.method["rule length"] == 7 and result.method["screening"].startswith("on")
    assert "Laney" in result.method["references"] and result.method["charts used"] == {"p": 1, "XmR": 1}
    summary = spc_summary(result)
    assert list(summary.table.columns) == SPC_SUMMARY_COLUMNS
    SPC_SUMMARY.schema().validate(summary.table)


@pytest.mark.parametrize("call, words", [
    (lambda: spc(points(CALM).drop(columns="n")), "no column n"),
    (lambda: spc(points(CALM), chart="c"), "chart must be"),
    (lambda: spc(points(CALM), improvement="up"), "'increase', 'decrease' or 'neither'"),
    (lambda: spc(points(CALM, improvement="neither"), target=3.0), "no better direction"),
    (lambda: spc(points(CALM), target={"senior shares": 0.2}), "neither a measure"),
    (lambda: spc(pd.concat([points(CALM), points(CALM)])), "two points on"),
    (lambda: spc(points(CALM), rule_length=1), "rule_length"),
    (lambda: spc(points(CALM), baseline=1), "at least 2 points"),
    (lambda: spc(points(CALM), rebase=["not a date"]), "rebase must be dates"),
    (lambda: spc_summary(spc(points(CALM)).with_table(points(CALM)).table), "not DataFrame"),
])
def test_plain_errors(call, words):
    with pytest.raises(WorkforceError, match=words):
        call()


# ---------------------------------------------------------------- summary


def latest(series, **options):
    return spc_summary(spc(series, **options)).table.iloc[0]


@pytest.mark.parametrize("improvement, target, assurance", [
    ("increase", 0.0, "consistently passing"), ("increase", 30.0, "consistently failing"),
    ("increase", 12.0, "inconsistent"), ("increase", None, "no target"),
    ("decrease", 0.0, "consistently failing"), ("decrease", 30.0, "consistently passing"),
])
def test_assurance_all_four_outcomes(improvement, target, assurance):
    row = latest(points(CALM, improvement=improvement), target=target)
    assert row["assurance"] == assurance and (np.isnan(row["target"]) if target is None else row["target"] == target)
    assert (round(row["lower"], 2), round(row["upper"], 2)) == (1.36, 22.64)


def test_targets_by_measure_and_by_series():
    series = pd.concat([points(CALM), points(CALM, org="Trust B")])
    t = spc_summary(spc(series, target={("Trust B", "ethnicity", "senior share", "8a and above", "BME"): 30.0,
                                        "senior share": 0.0})).table
    assert t["assurance"].tolist() == ["consistently passing", "consistently failing"]
    assert latest(points([0.3, np.nan]), target=0.2)["assurance"] == "inconsistent"   # no limits


@pytest.mark.parametrize("last, improvement, icon", [
    (40.0, "increase", "improvement (high)"), (40.0, "decrease", "concern (high)"), (40.0, "neither", "neither (high)"),
    (-20.0, "increase", "concern (low)"), (-20.0, "decrease", "improvement (low)"), (13.0, "increase", "common cause"),
])
def test_variation_icons(last, improvement, icon):
    row = latest(points(CALM + [last], improvement=improvement), baseline=12)
    assert row["variation_icon"] == icon
    assert row["signals"] == ("" if icon == "common cause" else "a point outside the limits")
    assert row["latest_value"] == last and row["points"] == 13 and row["chart"] == "XmR" and not row["trial"]


def test_summary_reads_the_latest_point_with_a_value_and_the_latest_phase():
    series = points(events=[20, 22, 18, 21, 19, 20, 60, 58, 62, 61, 59, 60, 0], n=[100] * 12 + [0])
    row = latest(series, rebase=["2022-07-31"])
    assert row["latest_date"] == pd.Timestamp("2022-12-31") and row["latest_n"] == 100 and row["points"] == 12
    assert row["centre"] == pytest.approx(0.6) and row["trial"] and row["signals"] == ""
    whole = latest(series)
    assert "a shift of 7 points on one side of the centre line" not in whole["signals"]   # 6 on each side
    assert "a shift of 6 points" in latest(series, rule_length=6)["signals"]
    nothing = latest(points([np.nan, np.nan]))
    assert pd.isna(nothing["latest_date"]) and nothing["points"] == 0 and nothing["variation_icon"] == "common cause"


# ---------------------------------------------------------------- disclosure control


def test_suppression_recomputes_the_centre_line_without_a_hidden_point():
    events = [20, 3, 25, 22, 18, 24, 21, 19]
    result = spc(points(events=events, n=[100] * 8))
    assert result.table["centre"].iloc[0] == pytest.approx(sum(events) / 800)
    safe = workforce.suppress(result, threshold=8)
    t = safe.table
    assert t["events"].isna().tolist() == [False, True] + [False] * 6 and np.isnan(t["value"].iloc[1])
    published = sum(events) - 3
    assert t["centre"].tolist() == pytest.approx([published / 700] * 8)   # no centre still averages the 3
    assert t["baseline"].tolist() == [True, False] + [True] * 6
    assert pd.isna(t["special_cause"].iloc[1]) and pd.isna(t["variation"].iloc[1])
    p = published / 700
    assert t["upper"].iloc[0] == pytest.approx(p + 3 * np.sqrt(p * (1 - p) / 100))
    assert safe.method["disclosure threshold"] == 8
    assert spc_summary(safe).table["latest_value"].iloc[0] == pytest.approx(19 / 100)


def test_suppression_of_a_relative_likelihood_drops_it_from_the_xmr_mean():
    ref = [40, 42, 5, 41, 39, 44]
    series = points(events=[20, 21, 22, 19, 20, 23], n=[100] * 6, reference_events=ref, reference_n=[100] * 6,
                    measure="promotion relative likelihood", improvement="decrease")
    result = spc(series)
    values = series["value"].to_numpy()
    assert result.table["centre"].iloc[0] == pytest.approx(values.mean())
    t = workforce.suppress(result, threshold=8).table
    kept = np.delete(values, 2)
    assert np.isnan(t["value"].iloc[2]) and t["centre"].tolist() == pytest.approx([kept.mean()] * 6)
    moving = np.abs(np.diff(kept)).mean()
    assert t["upper"].iloc[0] == pytest.approx(kept.mean() + 2.66 * moving)
