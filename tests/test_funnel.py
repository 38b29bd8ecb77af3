"""funnel: organisations against a target with 95% and 99.8% limits, widened for over-dispersion (Spiegelhalter 2005).

The known answers are worked here with plain numpy, formula by formula, and τ² is cross-checked with statsmodels'
DerSimonian–Laird meta-analysis.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.meta_analysis import combine_effects

import workforce
from workforce.analysis._funnel import FUNNEL, FUNNEL_COLUMNS, funnel, funnel_outliers
from workforce.errors import WorkforceError

Z95, Z998 = 1.959963984540054, 3.090232306167813   # two-sided normal quantiles

# 18 fictional trusts: the share of a group among their staff; the spread between them is well beyond chance
NAMES = [f"Trust {c}" for c in "ABCDEFGHIJKLMNOPQR"]
N = np.array([120, 340, 560, 80, 1500, 430, 260, 900, 75, 640, 310, 2200, 150, 480, 720, 95, 1100, 390])
E = np.array([30, 100, 260, 30, 300, 140, 52, 290, 20, 128, 93, 240, 51, 110, 260, 14, 310, 140])


def units(names=NAMES, events=E, n=N) -> pd.DataFrame:
    return pd.DataFrame({"organisation": list(names), "events": list(events), "n": list(n)})


def winsorised(z: np.ndarray, share: float) -> np.ndarray:
    """Winsorising by hand: the share-th and (1 - share)-th points by linear interpolation between order statistics."""
    ordered = np.sort(z)

    def point(q: float) -> float:
        h = (len(ordered) - 1) * q
        i = math.floor(h)
        return ordered[i] + (h - i) * (ordered[min(i + 1, len(ordered) - 1)] - ordered[i])

    low, high = point(share), point(1 - share)
    return np.array([min(max(v, low), high) for v in z])


def by_hand_proportion(events, n, share=0.1, target=None):
    """Spiegelhalter's recipe for proportions, written out: target, z, phi, tau2."""
    events, n = np.asarray(events, float), np.asarray(n, float)
    p0 = events.sum() / n.sum() if target is None else target
    theta = math.asin(math.sqrt(p0))
    y = np.arcsin(np.sqrt(events / n))
    s = 1 / (2 * np.sqrt(n))
    z = (y - theta) / s
    phi = np.mean(winsorised(z, share) ** 2)
    w = 1 / s ** 2
    units_ = len(n)
    tau2 = max(0.0, (units_ * phi - (units_ - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    return p0, theta, y, s, z, phi, tau2


# ---------------------------------------------------------------- proportions


def test_columns_are_fixed_and_typed():
    result = funnel(units())
    assert list(result.table.columns) == FUNNEL_COLUMNS
    for column in FUNNEL.columns:   # the declared dtypes; text of any string dtype
        got = result.table[column.name]
        if column.dtype == "str":
            assert pd.api.types.is_object_dtype(got) or pd.api.types.is_string_dtype(got), column.name
        else:
            assert str(got.dtype) == column.dtype, column.name
    assert result.kind == workforce._spec.Kind.FUNNEL
    assert result.table["a_events"].isna().all()   # a proportion funnel has no likelihood counts


def test_over_dispersed_limits_and_tau2_by_hand():
    result = funnel(units())
    p0, theta, y, s, z, phi, tau2 = by_hand_proportion(E, N)
    t = result.table
    assert tau2 > 0.004 and phi > 5   # the data are over-dispersed
    assert result.method["phi"] == pytest.approx(phi, rel=1e-6)
    assert result.method["tau2"] == pytest.approx(tau2, rel=1e-6)
    assert result.method["over-dispersion applied"] is True
    assert result.method["over-dispersion"].startswith("applied: 18 organisations")
    assert t["target"].to_numpy() == pytest.approx(np.full(18, p0))
    assert t["z"].to_numpy() == pytest.approx(z)
    sd = np.sqrt(s ** 2 + tau2)
    assert t["z_adjusted"].to_numpy() == pytest.approx((y - theta) / sd)
    # limits on the arcsine scale, back-transformed p = sin^2(y)
    assert t["upper_998"].to_numpy() == pytest.approx(np.sin(theta + Z998 * sd) ** 2)
    assert t["lower_998"].to_numpy() == pytest.approx(np.sin(theta - Z998 * sd) ** 2)
    assert t["upper_95"].to_numpy() == pytest.approx(np.sin(theta + Z95 * sd) ** 2)
    assert t["lower_95"].to_numpy() == pytest.approx(np.sin(theta - Z95 * sd) ** 2)
    # one worked case in full: Trust D, 30 of 80
    d = t.set_index("organisation").loc["Trust D"]
    y_d, s2_d = math.asin(math.sqrt(30 / 80)), 1 / (4 * 80)
    assert d["upper_95"] == pytest.approx(math.sin(theta + Z95 * math.sqrt(s2_d + tau2)) ** 2)
    assert d["z_adjusted"] == pytest.approx((y_d - theta) / math.sqrt(s2_d + tau2))


def test_positions_agree_with_the_limits_and_outliers_above_and_below():
    t = funnel(units()).table
    for row in t.itertuples():
        if row.value > row.upper_998:
            assert row.position == "above the 99.8% limit"
        elif row.value > row.upper_95:
            assert row.position == "above the 95% limit"
        elif row.value < row.lower_998:
            assert row.position == "below the 99.8% limit"
        elif row.value < row.lower_95:
            assert row.position == "below the 95% limit"
        else:
            assert row.position == "within the 95% limits"
    positions = set(t["position"])
    assert any(p.startswith("above") for p in positions) and any(p.startswith("below") for p in positions)


def test_unadjusted_limits_by_hand_when_too_few_units():
    few = units(NAMES[:6], E[:6], N[:6])
    result = funnel(few)
    p0, theta, y, s, z, phi, _ = by_hand_proportion(E[:6], N[:6])
    assert 6 * phi > 5   # the data show over-dispersion, but six units are too few to estimate it
    assert result.method["tau2"] == 0
    assert result.method["over-dispersion"] == "not applied: 6 organisations, fewer than the 15 needed to estimate it"
    t = result.table
    assert t["z_adjusted"].to_numpy() == pytest.approx(z)
    assert t["upper_998"].to_numpy() == pytest.approx(np.sin(theta + Z998 * s) ** 2)
    assert t["lower_95"].to_numpy() == pytest.approx(np.sin(theta - Z95 * s) ** 2)
    # forced, it is estimated from the six
    forced = funnel(few, overdispersion=True)
    w = 4 * N[:6]
    tau2 = (6 * phi - 5) / (w.sum() - (w ** 2).sum() / w.sum())
    assert forced.method["tau2"] == pytest.approx(tau2, rel=1e-6)
    assert "forced" in forced.method["over-dispersion"]
    # and turned off, never
    off = funnel(units(), overdispersion=False)
    assert off.method["tau2"] == 0 and "turned off" in off.method["over-dispersion"]


def test_no_over_dispersion_when_the_data_show_none():
    # every trust within a count or so of the pooled share: z-scores small, phi well below 1
    n = np.array([200, 400, 300, 500, 250, 350, 450, 150, 600, 220, 380, 420, 280, 330, 510, 260])
    events = np.round(n * 0.3).astype(int) + np.tile([1, -1], 8)
    result = funnel(units([f"T{i}" for i in range(16)], events, n))
    _, _, _, _, z, phi, _ = by_hand_proportion(events, n)
    assert phi < 1 and result.method["phi"] == pytest.approx(phi, rel=1e-6)
    assert result.method["tau2"] == 0 and result.method["over-dispersion applied"] is False
    assert result.method["over-dispersion"].startswith("not applied: the data show none")
    assert result.table["z_adjusted"].to_numpy() == pytest.approx(z)
    assert (result.table["position"] == "within the 95% limits").all()


def test_winsorising_changes_phi_as_by_hand():
    extreme = E.copy()
    extreme[11] = 1500   # Trust L: 1,500 of 2,200, far above the rest
    raw = funnel(units(events=extreme), winsorise=0).method["phi"]
    trimmed = funnel(units(events=extreme)).method["phi"]
    _, _, _, _, z, phi10, _ = by_hand_proportion(extreme, N, 0.1)
    assert raw == pytest.approx(np.mean(z ** 2), rel=1e-6)
    assert trimmed == pytest.approx(phi10, rel=1e-6)
    assert trimmed < raw / 3   # the one extreme trust no longer drives phi
    assert funnel(units(events=extreme), winsorise=0.2).method["phi"] == pytest.approx(
        by_hand_proportion(extreme, N, 0.2)[5], rel=1e-6)


def test_a_national_target_is_used_as_given():
    result = funnel(units(), target=0.25)
    _, theta, _, _, _, phi, tau2 = by_hand_proportion(E, N, target=0.25)
    assert (result.table["target"] == 0.25).all()
    assert result.method["tau2"] == pytest.approx(tau2, rel=1e-6)
    assert "given" in result.method["target"]
    assert result.table["upper_95"].iloc[0] == pytest.approx(
        math.sin(theta + Z95 * math.sqrt(1 / (4 * N[0]) + tau2)) ** 2)


def test_units_with_no_one_are_not_estimable_and_left_out():
    t = units(NAMES[:5] + ["Empty trust", "Unknown trust"], list(E[:5]) + [0, None], list(N[:5]) + [0, 100])
    result = funnel(t)
    rows = result.table.set_index("organisation")
    for name in ("Empty trust", "Unknown trust"):
        assert rows.loc[name, "state"] == "not estimable" and rows.loc[name, "position"] == "not estimable"
        assert np.isnan(rows.loc[name, "value"]) and pd.isna(rows.loc[name, "better"])
    assert rows["target"].iloc[0] == pytest.approx(E[:5].sum() / N[:5].sum())
    assert "Empty trust, Unknown trust" in result.method["not estimable"]
    assert result.method["organisations placed"] == 5


def test_outliers_better_first_with_limit_and_side():
    result = funnel(units())
    out = funnel_outliers(result)
    t = result.table
    outside = t[~t["position"].isin(["within the 95% limits", "not estimable"])]
    assert set(out["organisation"]) == set(outside["organisation"]) and len(out)
    assert list(out.columns) == FUNNEL_COLUMNS + ["limit", "side"]
    better = out["better"] == "better than expected"
    assert better.any() and (~better).any()
    assert not better.iloc[better.sum():].any()   # the better ones come first
    assert set(out.loc[better, "side"]) == {"above"}   # a rising share is better by default
    for row in out.itertuples():
        assert row.position == f"{row.side} the {row.limit} limit"
    with pytest.raises(WorkforceError, match="funnel"):
        funnel_outliers(workforce.analysis.wres)   # type: ignore[arg-type]


# ---------------------------------------------------------------- relative likelihoods


# WRES 2 at each trust: a = White appointed / shortlisted, b = BME appointed / shortlisted
RL = pd.DataFrame({
    "organisation": NAMES,
    "a_events": [60, 120, 45, 210, 33, 88, 150, 72, 40, 95, 130, 61, 58, 170, 49, 102, 77, 66],
    "a_total": [300, 500, 200, 700, 150, 400, 600, 320, 180, 410, 520, 260, 240, 690, 230, 430, 350, 310],
    "b_events": [20, 60, 12, 50, 14, 30, 35, 22, 9, 40, 30, 21, 25, 45, 10, 44, 19, 33],
    "b_total": [160, 400, 110, 380, 90, 260, 300, 170, 100, 280, 330, 150, 150, 420, 120, 290, 210, 200],
    "group_a": "White", "group_b": "BME",
})


def by_hand_rl(frame: pd.DataFrame, share: float = 0.1):
    a, na, b, nb = (frame[c].to_numpy(float) for c in ("a_events", "a_total", "b_events", "b_total"))
    y = np.log((a / na) / (b / nb))
    var = 1 / a - 1 / na + 1 / b - 1 / nb
    w = 1 / var
    theta = (w * y).sum() / w.sum()
    z = (y - theta) / np.sqrt(var)
    phi = np.mean(winsorised(z, share) ** 2)
    k = len(y)
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    return y, var, theta, z, phi, tau2


def test_relative_likelihood_funnel_on_the_log_scale_by_hand():
    result = funnel(RL, measure="relative likelihood", what="WRES 2")
    y, var, theta, z, phi, tau2 = by_hand_rl(RL)
    t = result.table
    assert list(t["measure"].unique()) == ["WRES 2"]
    assert (t["events"] == RL["b_events"]).all() and (t["n"] == RL["b_total"]).all()
    assert t["value"].to_numpy() == pytest.approx(np.exp(y))
    assert t["target"].to_numpy() == pytest.approx(np.full(18, math.exp(theta)))
    assert "inverse-variance" in result.method["target"]
    assert result.method["phi"] == pytest.approx(phi, rel=1e-6)
    assert result.method["tau2"] == pytest.approx(tau2, rel=1e-6)
    sd = np.sqrt(var + tau2)
    assert t["upper_998"].to_numpy() == pytest.approx(np.exp(theta + Z998 * sd))
    assert t["lower_95"].to_numpy() == pytest.approx(np.exp(theta - Z95 * sd))
    assert "White (a) against BME (b)" in result.method["groups"]


def test_tau2_agrees_with_statsmodels_dersimonian_laird():
    y, var, theta, *_ = by_hand_rl(RL)
    reference = combine_effects(y, var, method_re="dl")
    result = funnel(RL, measure="relative likelihood", winsorise=0)
    assert reference.tau2 > 0
    assert result.method["tau2"] == pytest.approx(reference.tau2, rel=1e-6)
    assert result.table["target"].iloc[0] == pytest.approx(math.exp(reference.mean_effect_fe))
    # a proportion funnel against the fixed-effect mean of its arcsine values: the same tau2
    ys, vs = np.arcsin(np.sqrt(E / N)), 1 / (4 * N)
    reference = combine_effects(ys, vs, method_re="dl")
    fixed = math.sin(reference.mean_effect_fe) ** 2
    assert funnel(units(), target=fixed, winsorise=0).method["tau2"] == pytest.approx(reference.tau2, rel=1e-6)


def test_a_lower_relative_likelihood_is_better_by_default_and_zero_cells_are_left_out():
    frame = RL.copy()
    frame.loc[0, ["a_events", "a_total", "b_events", "b_total"]] = [400, 500, 10, 400]   # far above
    frame.loc[1, ["a_events", "a_total", "b_events", "b_total"]] = [10, 400, 200, 400]   # far below
    frame.loc[2, "b_events"] = 0   # a zero cell: no ratio
    result = funnel(frame, measure="relative likelihood", overdispersion=False)
    rows = result.table.set_index("organisation")
    assert rows.loc["Trust A", "position"] == "above the 99.8% limit"
    assert rows.loc["Trust A", "better"] == "worse than expected"
    assert rows.loc["Trust B", "position"] == "below the 99.8% limit"
    assert rows.loc["Trust B", "better"] == "better than expected"
    assert rows.loc["Trust C", "state"] == "not estimable"
    y, var, theta, *_ = by_hand_rl(frame.drop(index=2))
    assert rows["target"].iloc[0] == pytest.approx(math.exp(theta))
    assert list(funnel_outliers(result)["organisation"][:1]) == ["Trust B"]


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("change, message", [
    (lambda t: t.drop(columns="n"), "needs the columns"),
    (lambda t: pd.concat([t, t.iloc[:1]]), "more than once"),
    (lambda t: t.assign(events=t["n"] + 1), "cannot be more than n"),
    (lambda t: t.assign(events=t["events"] + 0.5), "whole number"),
    (lambda t: t.assign(n=-t["n"]), "whole number"),
])
def test_bad_units_get_a_plain_message(change, message):
    with pytest.raises(WorkforceError, match=message):
        funnel(change(units()))


def test_bad_options_get_a_plain_message():
    with pytest.raises(WorkforceError, match="between 0 and 1"):
        funnel(units(), target=25)
    with pytest.raises(WorkforceError, match="above 0"):
        funnel(RL, measure="relative likelihood", target=0)
    with pytest.raises(WorkforceError, match="measure"):
        funnel(units(), measure="rate")   # type: ignore[arg-type]
    with pytest.raises(WorkforceError, match="increase"):
        funnel(units(), improvement="neither")   # type: ignore[arg-type]


# ---------------------------------------------------------------- disclosure control


def test_suppression_hides_a_small_count_and_remakes_target_phi_and_tau2_without_it():
    small = units(NAMES + ["Trust S"], list(E) + [5], list(N) + [40])   # 5 of 40: a small count
    result = funnel(small)
    safe = workforce.suppress(result, threshold=8)
    t = safe.table.set_index("organisation")
    assert pd.isna(t.loc["Trust S", "events"]) and t.loc["Trust S", "events_suppressed"]
    for column in ("value", "z", "z_adjusted", "lower_95", "upper_998"):
        assert np.isnan(t.loc["Trust S", column])
    assert pd.isna(t.loc["Trust S", "position"])
    # the joint figures are those of the published trusts alone
    published = funnel(units())
    assert safe.method["tau2"] == pytest.approx(published.method["tau2"], rel=1e-9)
    assert safe.method["phi"] == pytest.approx(published.method["phi"], rel=1e-9)
    assert safe.method["tau2"] != pytest.approx(result.method["tau2"], rel=1e-6)
    shown = t.drop(index="Trust S").reset_index()
    for column in ("target", "z_adjusted", "lower_95", "upper_95", "lower_998", "upper_998", "position", "better"):
        assert shown[column].tolist() == pytest.approx(published.table[column].tolist()) \
            if shown[column].dtype.kind == "f" else shown[column].tolist() == published.table[column].tolist()
    assert "Trust S: counts suppressed" in safe.method["not estimable"]


def test_suppression_of_a_relative_likelihood_funnel():
    frame = RL.copy()
    frame.loc[3, "b_events"] = 4   # a small count
    safe = workforce.suppress(funnel(frame, measure="relative likelihood"), threshold=8)
    t = safe.table.set_index("organisation")
    assert pd.isna(t.loc["Trust D", "b_events"]) and pd.isna(t.loc["Trust D", "events"])   # the same count
    assert np.isnan(t.loc["Trust D", "value"])
    published = funnel(frame.drop(index=3), measure="relative likelihood")
    assert safe.table["target"].iloc[0] == pytest.approx(published.table["target"].iloc[0])
    assert safe.method["tau2"] == pytest.approx(published.method["tau2"], rel=1e-9)
