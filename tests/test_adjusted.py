"""The adjusted gap: estimates and intervals checked against statsmodels' GLM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from tools.synthetic.people import TRUE_PROMOTION_ODDS_RATIO_BME
from workforce import WorkforceError
from workforce.analysis._adjusted import ADJUSTED_COLUMNS, _fit, _informative, _model_frame, adjusted_gap

RTOL = 1e-4


def simulated_people(n=4000, odds_ratio=0.6, seed=7) -> pd.DataFrame:
    """Two snapshots; promotion depends on band, staff group, FTE, service and group (known odds ratio)."""
    rng = np.random.default_rng(seed)
    bme = rng.random(n) < 0.4
    unknown = rng.random(n) < 0.05
    doctor = rng.random(n) < 0.12
    band = rng.choice(["3", "5", "6", "7", "9"], size=n, p=[0.25, 0.3, 0.25, 0.15, 0.05])
    grade = np.where(doctor, rng.choice(["Resident doctor", "SAS"], size=n), band)
    staff_group = np.where(doctor, "Medical and Dental",
                           rng.choice(["Nursing and Midwifery Registered", "Administrative and Clerical"], size=n))
    fte = rng.choice([0.6, 0.8, 1.0], size=n)
    service = rng.exponential(6, size=n)
    sex = np.where(rng.random(n) < 0.75, "Female", "Male")
    age = rng.choice(["25-34", "35-44", "45-54"], size=n)
    base = {"3": -2.0, "5": -1.6, "6": -2.2, "7": -2.8, "9": -np.inf, "Resident doctor": -1.5, "SAS": -3.0}
    eta = np.array([base[g] for g in grade]) + 0.3 * (staff_group == "Administrative and Clerical") \
        + 0.5 * (fte - 0.8) - 0.03 * service + np.log(odds_ratio) * bme
    promoted = rng.random(n) < 1 / (1 + np.exp(-eta))
    leaves = rng.random(n) < 0.08
    up = {"3": "4", "5": "6", "6": "7", "7": "8a", "Resident doctor": "Consultant", "SAS": "Consultant"}
    new_grade = np.array([up[g] if p else g for g, p in zip(grade, promoted)], dtype=object)

    def table(date, grades, rows):
        medical = np.isin(grades, ["Resident doctor", "SAS", "Consultant"])
        return pd.DataFrame({
            "person_id": [f"p{i}" for i in rows], "organisation": "Trust A",
            "snapshot_date": pd.Timestamp(date),
            "band": np.where(medical, None, grades).astype(object),
            "medical_grade": np.where(medical, grades, None).astype(object),
            "pay_system": np.where(medical, "Medical and Dental", "Agenda for Change"),
            "wres_group": np.where(unknown[rows], "Unknown", np.where(bme[rows], "BME", "White")),
            "sex": sex[rows], "age_band": age[rows], "disability": "No", "staff_group": staff_group[rows],
            "clinical_group": np.where(doctor[rows], "Medical", "Clinical"), "is_bank": False,
            "fte_total": fte[rows], "service_years": service[rows] + (date > "2024"),
            "source_file": f"trust_{date}.xlsx",
        })

    stay = np.flatnonzero(~leaves)
    out = pd.concat([table("2023-03-31", grade, np.arange(n)), table("2024-03-31", new_grade[stay], stay)],
                    ignore_index=True)
    out["person_id"] = out["person_id"].astype("str")
    out["organisation"] = out["organisation"].astype("category")
    return out


def glm(fit):
    """statsmodels GLM (Binomial, logit) on the same design matrix: an independent implementation."""
    return sm.GLM(fit.y, sm.add_constant(fit.X, has_constant="add"), family=sm.families.Binomial()).fit()


def check_against_glm(row, fit, z=stats.norm.ppf(0.975)):
    reference = glm(fit)
    b, se = reference.params[1], reference.bse[1]
    assert row["odds_ratio"] == pytest.approx(np.exp(b), rel=RTOL)
    assert row["ci_low"] == pytest.approx(np.exp(b - z * se), rel=RTOL)
    assert row["ci_high"] == pytest.approx(np.exp(b + z * se), rel=RTOL)
    assert row["p_value"] == pytest.approx(reference.pvalues[1], rel=RTOL, abs=1e-300)
    assert row["n"] == reference.nobs
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), reference.bse, rtol=RTOL)
    np.testing.assert_allclose(fit.beta, reference.params, rtol=RTOL, atol=1e-6)


def fits(staff, outcome="promotion", characteristic="ethnicity", controls=None):
    frame, y, info = _model_frame(staff, outcome, characteristic, controls, False)
    raw = _fit(frame[["compared"]], y, [], [])
    kept, _ = _informative(frame, y, info["categorical"])
    adjusted = _fit(frame.loc[kept, ["compared", *info["categorical"], *info["numeric"]]], y[kept],
                    info["categorical"], info["numeric"])
    return raw, adjusted, info


@pytest.fixture(scope="module")
def simulated():
    return simulated_people()


def test_estimates_and_intervals_match_statsmodels_glm(simulated):
    result = adjusted_gap(simulated)
    table = result.table.set_index("model")
    assert list(result.table.columns) == ADJUSTED_COLUMNS
    assert table.index.tolist() == ["unadjusted", "adjusted"]
    raw, adjusted, _ = fits(simulated)
    check_against_glm(table.loc["unadjusted"], raw)
    check_against_glm(table.loc["adjusted"], adjusted)
    assert table.loc["adjusted", "controls"] == "grade_start, staff_group, fte, service_years, age_band, sex, " \
                                                "organisation"
    assert table.loc["unadjusted", "controls"] == ""


def test_the_unadjusted_odds_ratio_is_the_cross_product_ratio(simulated):
    raw, _, _ = fits(simulated)
    compared = raw.X[:, 0] == 1
    a, b = raw.y[compared].sum(), (1 - raw.y[compared]).sum()
    c, d = raw.y[~compared].sum(), (1 - raw.y[~compared]).sum()
    row = adjusted_gap(simulated).table.set_index("model").loc["unadjusted"]
    assert row["odds_ratio"] == pytest.approx((a * d) / (b * c), rel=RTOL)
    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)  # Woolf: the Wald interval of the 2x2 logistic model
    assert row["ci_low"] == pytest.approx(np.exp(np.log(a * d / (b * c)) - 1.959964 * se), rel=RTOL)


def test_the_adjusted_interval_recovers_the_simulated_odds_ratio(simulated):
    row = adjusted_gap(simulated).table.set_index("model").loc["adjusted"]
    assert row["ci_low"] < 0.6 < row["ci_high"]


def test_levels_without_promotions_and_redundant_columns_are_dropped(simulated):
    result = adjusted_gap(simulated)
    dropped = result.method["levels without variation left out of the adjusted fit"]
    assert set(dropped["grade_start"]) == {"9"}  # nobody is promoted from band 9
    # the medical staff group is the sum of the medical grades
    assert result.method["columns dropped as linear combinations of others"] == ["staff_group_Medical and Dental"]
    frame, y, info = _model_frame(simulated, "promotion", "ethnicity", None, False)
    row = result.table.set_index("model").loc["adjusted"]
    assert row["n"] == len(frame) - dropped["grade_start"]["9"]
    assert row["events"] == y.sum()


def test_unknowns_are_left_out_and_counted(simulated):
    result = adjusted_gap(simulated)
    moves_unknown = ((simulated["snapshot_date"] == "2023-03-31") & (simulated["wres_group"] == "Unknown")
                     & simulated["person_id"].isin(simulated.loc[simulated["snapshot_date"] == "2024-03-31",
                                                                 "person_id"]))
    assert result.method["unknown group left out"] == moves_unknown.sum()
    assert result.table.loc[0, "n"] + moves_unknown.sum() == \
        (simulated["snapshot_date"] == "2024-03-31").sum()  # every stayer is in the model or counted


def test_senior_outcome_matches_statsmodels(simulated):
    result = adjusted_gap(simulated, outcome="senior", controls=("staff_group", "fte", "sex"))
    table = result.table.set_index("model")
    raw, adjusted, info = fits(simulated, outcome="senior", controls=("staff_group", "fte", "sex"))
    check_against_glm(table.loc["unadjusted"], raw)
    check_against_glm(table.loc["adjusted"], adjusted)
    latest = simulated[simulated["snapshot_date"] == "2024-03-31"]
    senior = latest["band"].isin(["8a", "8b", "8c", "8d", "9", "VSM"]) | (latest["medical_grade"] == "Consultant")
    known = latest["wres_group"] != "Unknown"
    assert table.loc["unadjusted", "events"] == (senior & known).sum()
    assert table.loc["unadjusted", "n"] == known.sum()


def test_other_characteristics_and_controls():
    staff = simulated_people(n=3000, seed=11)
    staff["disability"] = np.where(staff["wres_group"] == "BME", "Yes", "No")
    result = adjusted_gap(staff, characteristic="disability", controls=("grade_start", "fte", "disability"))
    assert "disability" not in result.method["controls"]  # the characteristic is never its own control
    assert result.method["comparison"].startswith("odds ratio of Disabled vs Non-disabled")
    raw, adjusted, _ = fits(staff, characteristic="disability", controls=("grade_start", "fte"))
    check_against_glm(result.table.set_index("model").loc["adjusted"], adjusted)
    sexes = adjusted_gap(staff, characteristic="sex")
    assert "sex" not in sexes.table.loc[1, "controls"].split(", ")


def test_bad_arguments(simulated):
    with pytest.raises(WorkforceError, match="unknown control"):
        adjusted_gap(simulated, controls=("grade_start", "shoe_size"))
    with pytest.raises(WorkforceError, match="outcome"):
        adjusted_gap(simulated, outcome="pay")
    with pytest.raises(WorkforceError, match="characteristic"):
        adjusted_gap(simulated, characteristic="religion")


def test_a_group_without_events_is_not_estimable():
    staff = simulated_people(n=600, seed=3)
    bme_promoted = (staff["wres_group"] == "BME") & (staff["snapshot_date"] == "2024-03-31")
    # undo every BME promotion: BME staff keep their 2023 grade
    first = staff[staff["snapshot_date"] == "2023-03-31"].set_index("person_id")
    for column in ("band", "medical_grade", "pay_system"):
        staff.loc[bme_promoted, column] = first.loc[staff.loc[bme_promoted, "person_id"], column].to_numpy()
    row = adjusted_gap(staff).table.set_index("model").loc["unadjusted"]
    assert np.isnan(row["odds_ratio"]) and row["n"] > 0


# ---------------------------------------------------------------- the sample data


@pytest.mark.slow
def test_sample_data_adjusted_interval_contains_the_true_odds_ratio(soar_valley):
    result = adjusted_gap(soar_valley)
    row = result.table.set_index("model").loc["adjusted"]
    assert row["ci_low"] < TRUE_PROMOTION_ODDS_RATIO_BME < row["ci_high"]
    assert row["ci_high"] < 1
    raw, adjusted, _ = fits(soar_valley)
    check_against_glm(result.table.set_index("model").loc["unadjusted"], raw)
    check_against_glm(row, adjusted)


def test_sample_data_senior_gap(soar_valley):
    table = adjusted_gap(soar_valley, outcome="senior").table.set_index("model")
    assert table.loc["unadjusted", "odds_ratio"] < 1  # BME staff less often senior
    assert table.loc["unadjusted", "ci_high"] < 1
