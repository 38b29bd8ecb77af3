"""Representation against a population benchmark: known answers and behaviour."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

import workforce
from workforce import Benchmark, WorkforceError
from workforce.analysis._cohort import counted_people
from workforce.analysis._representation import REPRESENTATION_COLUMNS, icb_view, representation

GROUPS = ["White", "Mixed", "Asian", "Black", "Other"]


def make_population(shares: dict[str, dict[str, float]], area="Testshire") -> Benchmark:
    rows = [{"area": area, "area_type": "local authority", "ages": "16-64", "level": level, "group": g,
             "count": s * 1000, "share": s, "method": "made up for a test"}
            for level, groups in shares.items() for g, s in groups.items()]
    return Benchmark(pd.DataFrame(rows), area=area, area_type="local authority", ages="16-64",
                     method="made up for a test")


POP = make_population({
    "nhs5": {"White": 0.5, "Mixed": 0.06, "Asian": 0.3, "Black": 0.1, "Other": 0.04},
    "wres": {"White": 0.5, "BME": 0.5},
    "sex": {"Female": 0.5, "Male": 0.5},
})


def make_people(groups: dict[str, int], *, unknown: int = 0, org="Trust A", sex=None, bank: int = 0) -> pd.DataFrame:
    nhs5 = [g for g, n in groups.items() for _ in range(n)] + [None] * unknown
    n = len(nhs5)
    people = pd.DataFrame({
        "person_id": [f"{org}-{i}" for i in range(n)],
        "organisation": org,
        "snapshot_date": pd.Timestamp("2025-03-31"),
        "ethnicity_nhs5": pd.Categorical(nhs5, categories=GROUPS),
        "wres_group": pd.Categorical([None if g is None else ("White" if g == "White" else "BME") for g in nhs5],
                                     categories=["White", "BME", "Unknown"]).fillna("Unknown"),
        "sex": pd.Categorical(sex if sex is not None else ["Female"] * n, categories=["Female", "Male", "Other", "Unknown"]),
        "is_bank": [False] * (n - bank) + [True] * bank,
        "band": pd.Categorical(["5"] * n), "pay_system": "Agenda for Change",
        "staff_group": "Administrative and Clerical", "clinical_group": "Non-clinical",
    })
    return people


def test_known_answers_for_one_trust():
    people = make_people({"White": 60, "Mixed": 3, "Asian": 25, "Black": 10, "Other": 2}, unknown=5)
    result = representation(people, POP)
    t = result.table.set_index("group")
    assert list(result.table.columns) == REPRESENTATION_COLUMNS
    assert t.loc["Asian", "staff_count"] == 25 and t.loc["Asian", "staff_total"] == 100
    assert t.loc["Asian", "staff_share"] == pytest.approx(0.25)
    low, high = proportion_confint(25, 100, method="wilson")
    assert (t.loc["Asian", "staff_share_ci_low"], t.loc["Asian", "staff_share_ci_high"]) == pytest.approx((low, high))
    assert t.loc["Asian", "ratio"] == pytest.approx(0.25 / 0.3)
    assert t.loc["Asian", "ratio_ci_low"] == pytest.approx(low / 0.3)
    assert t.loc["Asian", "difference_pp"] == pytest.approx(-5.0)
    raw = [binomtest(k, 100, p).pvalue for k, p in [(60, .5), (3, .06), (25, .3), (10, .1), (2, .04)]]
    assert t["p_value"].tolist() == pytest.approx(raw)
    assert t["p_adjusted"].tolist() == pytest.approx(list(multipletests(raw, method="fdr_bh")[1]))
    # shortfall by hand: 8 more Asian staff give 33/108 = 30.6% >= 30%, 7 give 32/107 = 29.9%
    assert t.loc["Asian", "shortfall"] == 8
    assert t.loc["White", "shortfall"] == 0
    assert (t["unknown_count"] == 5).all() and t["unknown_share"].iloc[0] == pytest.approx(5 / 105)
    assert t.loc["White", "flag"] == "no evidence of a difference"  # p = 0.057
    assert t["share_if_unknown_in"].isna().all()


def test_flags_follow_the_adjusted_p_value_and_the_direction():
    people = make_people({"White": 300, "Asian": 40, "Black": 50, "Mixed": 6, "Other": 4})
    t = representation(people, POP).table.set_index("group")
    assert t.loc["White", "flag"] == "over-represented"
    assert t.loc["Asian", "flag"] == "under-represented"
    assert (t.loc[t["flag"] != "no evidence of a difference", "p_adjusted"] < 0.05).all()


def test_small_groups_are_insufficient_data_not_a_pass():
    people = make_people({"White": 10, "Asian": 2})
    t = representation(people, POP, min_size=30).table
    assert (t["flag"] == "insufficient data").all()
    assert t["p_value"].isna().all()
    t = representation(people, POP, min_size=5).table
    assert not (t["flag"] == "insufficient data").any()


def test_bounds_put_the_unknowns_in_and_out():
    people = make_people({"White": 50, "Asian": 30, "Black": 10, "Mixed": 5, "Other": 5}, unknown=20)
    t = representation(people, POP, bounds=True).table.set_index("group")
    assert t.loc["Asian", "share_if_unknown_in"] == pytest.approx(50 / 120)
    assert t.loc["Asian", "share_if_unknown_out"] == pytest.approx(30 / 120)
    assert t.loc["Asian", "ratio_if_unknown_in"] == pytest.approx(50 / 120 / 0.3)


def test_wres_level_and_bank_staff_left_out_by_default():
    people = make_people({"White": 40, "Asian": 40}, bank=10)
    t = representation(people, POP, level="wres").table.set_index("group")
    assert list(t.index) == ["White", "BME"]
    assert t.loc["BME", "staff_total"] == 70
    assert representation(people, POP, level="wres", include_bank=True).table["staff_total"].iloc[0] == 80


def test_intersections_come_with_each_characteristic_alongside():
    people = make_people({"White": 50, "Asian": 50}, sex=["Female"] * 30 + ["Male"] * 20 + ["Female"] * 40 + ["Male"] * 10)
    result = representation(people, POP, characteristic=("sex", "ethnicity"), level="wres")
    t = result.table
    assert set(t["characteristic"]) == {"sex", "ethnicity", "sex × ethnicity"}
    joint = t[t["characteristic"] == "sex × ethnicity"].set_index("group")
    assert joint.loc["Female × BME", "staff_count"] == 40
    assert joint.loc["Female × BME", "population_share"] == pytest.approx(0.25)
    assert "approximation" in result.method["intersections"]


def test_by_splits_and_adjusts_within_each_subgroup():
    a = make_people({"White": 50, "Asian": 50}, org="Trust A")
    b = make_people({"White": 90, "Asian": 10}, org="Trust B")
    t = representation(pd.concat([a, b], ignore_index=True), POP, level="wres", by="organisation").table
    assert sorted(t["subgroup"].unique()) == ["Trust A", "Trust B"]
    b_rows = t[t["subgroup"] == "Trust B"]
    assert b_rows["p_adjusted"].tolist() == pytest.approx(list(multipletests(b_rows["p_value"], method="fdr_bh")[1]))


def test_icb_view_gives_each_trust_its_own_benchmark():
    a = make_people({"White": 50, "Asian": 50}, org="Trust A")
    b = make_people({"White": 90, "Asian": 10}, org="Trust B")
    other = make_population({"wres": {"White": 0.9, "BME": 0.1}}, area="Otherham")
    view = icb_view(pd.concat([a, b], ignore_index=True), {"Trust A": POP, "Trust B": other}, level="wres")
    t = view.table.set_index(["subgroup", "group"])
    assert t.loc[("Trust B", "BME"), "population_share"] == pytest.approx(0.1)
    assert t.loc[("Trust A", "BME"), "population_share"] == pytest.approx(0.5)
    assert view.benchmark["by organisation"]["Trust B"]["area"] == "Otherham"
    with pytest.raises(WorkforceError, match="organisations in the staff table are"):
        icb_view(a, {"Trust Z": POP})


def test_method_and_benchmark_are_recorded():
    result = representation(make_people({"White": 50, "Asian": 50}), POP)
    assert result.benchmark["area"] == "Testshire" and result.benchmark["ages"] == "16-64"
    assert "Wilson" in result.method["interval"] and result.method["version"].startswith("workforce ")
    assert "Benjamini-Hochberg" in result.method["correction"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"characteristic": "religion"}, "characteristic must be one of"),
    ({"level": "census6"}, "level 'census6' is not one of"),
    ({"by": "postcode"}, "by='postcode' is not one of"),
    ({"characteristic": "age_band"}, "has no 'age_band' groups"),
])
def test_bad_requests_say_what_is_valid(kwargs, message):
    with pytest.raises(WorkforceError, match=message):
        representation(make_people({"White": 5}), POP, **kwargs)


def test_shortfall_formula_reaches_the_share_with_the_fewest_people():
    for k, n, p in [(25, 100, 0.3), (0, 40, 0.1), (9, 10, 0.95), (199, 1000, 0.2)]:
        people = make_people({"Asian": k, "White": n - k})
        pop = make_population({"nhs5": {"Asian": p, "White": 1 - p}})
        x = int(representation(people, pop).table.set_index("group").loc["Asian", "shortfall"])
        assert (k + x) / (n + x) >= p - 1e-12
        assert x == 0 or (k + x - 1) / (n + x - 1) < p
        assert x == max(0, math.ceil((p * n - k) / (1 - p) - 1e-9))


def test_every_row_names_its_benchmark():
    t = representation(make_people({"White": 50, "Asian": 50}), POP).table
    assert (t["benchmark"] == "Testshire").all() and (t["benchmark_ages"] == "16-64").all()


def test_a_dataframe_is_refused_with_the_way_to_make_a_benchmark():
    people = make_people({"White": 50, "Asian": 50})
    with pytest.raises(WorkforceError, match=r"population is a DataFrame; it must be a Benchmark from "
                                             r"workforce\.population\(\.\.\.\).*workforce\.population\(table_or_path\)"):
        representation(people, POP.table)
    with pytest.raises(WorkforceError, match=r"the benchmark of 'Trust A' is a DataFrame"):
        icb_view(people, {"Trust A": POP.table})
    with pytest.raises(WorkforceError, match="looks like a benchmark's .table: pass the benchmark itself"):
        representation(people, POP.table)
    with pytest.raises(WorkforceError, match="must be a Benchmark from workforce.population"):
        representation(people, "Leicester")


def test_the_users_own_population_table_is_read_by_population():
    people = make_people({"White": 60, "Asian": 40})
    own = workforce.population(pd.DataFrame({"area": "Testshire", "group": ["White", "BME"], "count": [700, 300]}))
    result = representation(people, own, level="wres")
    t = result.table.set_index("group")
    assert t.loc["BME", "population_share"] == pytest.approx(0.3)
    assert result.benchmark["area"] == "Testshire" and result.benchmark["area_type"] == "user table"
    assert (result.table["benchmark"] == "Testshire").all()


def test_the_result_holds_the_benchmark_provenance():
    result = representation(make_people({"White": 50, "Asian": 50}), POP)
    assert result.benchmark == POP.provenance()
    assert list(result.benchmark) == ["area", "area_type", "areas", "ages", "boundaries", "method", "sources",
                                      "caveats"]


def test_a_group_the_benchmark_has_no_one_in_gets_its_own_state(soar):
    """Isles of Scilly has no Indian residents of working age: Indian staff against 0% were "no evidence of a
    difference" with a ratio of inf (issue 13); now the flag says so, with no ratio and no test."""
    result = workforce.representation(soar, workforce.population("Isles of Scilly"), level="census19")
    t = result.table.set_index("group")
    indian = t.loc["Asian, Asian British or Asian Welsh: Indian"]
    assert indian["population_share"] == 0 and indian["staff_count"] > 0
    assert indian["flag"] == "none in the benchmark"
    assert np.isnan(indian["ratio"]) and np.isnan(indian["ratio_ci_high"]) and np.isnan(indian["p_value"])
    assert np.isfinite(t["ratio"][t["population_share"] > 0]).all()
    assert (t["flag"][t["population_share"] > 0] != "none in the benchmark").all()


# ---------------------------------------------------------------- ESR's own age bands (issue 13)

ESR_WORKING = ["<=20", "21-25", "26-30", "31-35", "36-40", "41-45", "46-50", "51-55", "56-60", "61-65"]


def esr_people(counts: dict[str, int], *, standard: dict[str, str] | None = None) -> pd.DataFrame:
    """People with ESR bands only (the standard band where ESR's band lies inside one, as the loader gives)."""
    from workforce.codes import AGE_BAND_DTYPE, ESR_AGE_BAND_DTYPE, parse_age_bands

    esr = [band for band, n in counts.items() for _ in range(n)]
    people = make_people({"White": len(esr)})
    people["esr_age_band"] = pd.Categorical(esr, dtype=ESR_AGE_BAND_DTYPE)
    people["age_band"] = pd.Categorical([parse_age_bands(b).get("age_band") for b in esr], dtype=AGE_BAND_DTYPE)
    return people


def test_esr_bands_are_compared_with_esr_benchmark_shares():
    counts = {"<=20": 5, "21-25": 30, "26-30": 40, "31-35": 45, "36-40": 40, "41-45": 35, "46-50": 30, "51-55": 30,
              "56-60": 20, "61-65": 10, "66-70": 4, ">=71": 1}
    people = esr_people(counts)
    pop = workforce.population("England and Wales")
    result = representation(people, pop, characteristic="age")
    t = result.table.set_index("group")
    assert t.index.tolist() == ESR_WORKING   # the groups are ESR's labels, ages 16-65
    assert list(result.table.columns) == REPRESENTATION_COLUMNS
    assert t["staff_count"].to_dict() == {b: counts[b] for b in ESR_WORKING}
    assert (t["staff_total"] == 285).all() and (t["unknown_count"] == 5).all()  # 66-70 and >=71 are outside
    assert t["population_share"].to_dict() == pytest.approx(pop.shares("esr_age_band").to_dict(), rel=1e-12)
    assert t.loc["21-25", "staff_share"] == pytest.approx(30 / 285)
    assert "ESR" in result.method["age bands"]
    # the same, asked for by name
    named = representation(people, pop, characteristic="age", banding="esr")
    pd.testing.assert_frame_equal(named.table, result.table)


def test_census_bands_are_kept_when_most_people_have_them(soar):
    pop = workforce.population("Leicester")
    result = representation(soar, pop, characteristic="age")
    assert result.table["group"].tolist() == ["16-24", "25-34", "35-44", "45-54", "55-64"]
    assert "standard" in result.method["age bands"]
    esr = representation(soar, pop, characteristic="age", banding="esr")
    assert esr.table["group"].tolist() == ESR_WORKING
    # both from each person's age: the bands agree, so the staff aged 16-64 in the census bands are the staff in
    # ESR's <=20 ... 61-65 less those aged 65 (who are in ESR's 61-65)
    people, counted, _ = counted_people(soar, False)
    aged_65 = int(((people["age"] == 65).to_numpy() & counted).sum())
    assert aged_65 > 0
    assert int(esr.table["staff_total"].iloc[0]) - aged_65 == int(result.table["staff_total"].iloc[0])


def test_the_banding_can_be_chosen_and_is_checked():
    people = esr_people({"21-25": 50, "26-30": 50})
    census = representation(people, workforce.population("Leicester"), characteristic="age", banding="census")
    t = census.table.set_index("group")
    assert t.loc["25-34", "staff_count"] == 50 and t.loc["25-34", "unknown_count"] == 50  # 21-25 has no census band
    with pytest.raises(WorkforceError, match="banding='decades' is not one of"):
        representation(people, workforce.population("Leicester"), characteristic="age", banding="decades")
    own = workforce.population(pd.DataFrame({"area": "Testshire", "group": ["Female", "Male"], "count": [5, 5]}))
    with pytest.raises(WorkforceError, match="no 'esr_age_band' groups"):
        representation(people, own, characteristic="age", banding="esr")


@pytest.mark.slow
def test_an_esr_only_version_of_a_sample_export_gives_the_same_age_representation(tmp_path, soar):
    """Soar Valley's export rewritten as ESR writes it when it gives no dates of birth: ESR's bands only.

    Before, every straddling band was reported (and left out of age representation); now there is no per-row
    problem, and the ESR-band representation is the one the dates of birth give.
    """
    source = workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx")
    frame = pd.read_excel(source, sheet_name="Staff in Post", header=4, engine="calamine")
    born = pd.to_datetime(frame["Date of Birth"])
    on = pd.Timestamp("2025-03-31")
    age = on.year - born.dt.year - ((born.dt.month > on.month) | ((born.dt.month == on.month) & (born.dt.day > on.day)))

    def esr_written(a: int) -> str:   # ESR's labels, worked out here rather than by the package
        if a <= 20:
            return "<=20 Years"
        if a >= 71:
            return ">=71 Years"
        low = 21 + 5 * ((a - 21) // 5)
        return f"{low}-{low + 4}"

    frame["Age Band"] = [None if pd.isna(a) else esr_written(int(a)) for a in age]
    path = tmp_path / "soar_valley_esr_bands_2025-03-31.csv"
    frame.drop(columns=["Date of Birth"]).to_csv(path, index=False)
    staff = workforce.load_staff(path, organisation="Soar Valley Hospitals NHS Trust")
    problems = staff.report.problems
    assert problems[(problems["column"] == "Age Band") & (problems["severity"] != "note")].empty
    assert (problems["code"] == "esr_age_bands_only").sum() == 1

    pop = workforce.population("Leicester")
    result = representation(staff, pop, characteristic="age")   # chosen by itself: ESR's bands
    assert result.table["group"].tolist() == ESR_WORKING
    from_dob = representation(soar, pop, characteristic="age", banding="esr")
    cols = ["group", "staff_count", "staff_total", "unknown_count", "population_share", "flag"]
    pd.testing.assert_frame_equal(result.table[cols], from_dob.table[cols])
    assert (result.table["staff_count"] > 0).all()


def test_the_ladders_age_split_reads_esr_bands_when_they_are_all_there_is(icb_trusts):
    """Under 55 / 55 and over from ESR's bands where there is no standard band; ESR's 51-55 straddles 55: Unknown."""
    charnwood = icb_trusts.for_organisation("Charnwood Community Health NHS Trust")  # ESR's bands only
    people = charnwood.people
    assert people["age_band"].isna().sum() > 500 and people["esr_age_band"].notna().all()
    # the same people with each ESR band written as a standard band on the same side of 55, by hand
    same_side = {"21-25": "16-24", "31-35": "25-34", "41-45": "35-44", "61-65": "55-64"}
    by_hand = people.drop(columns=["esr_age_band"]).copy()
    filled = by_hand["age_band"].astype(object).where(by_hand["age_band"].notna(),
                                                      people["esr_age_band"].astype(object).map(same_side))
    by_hand["age_band"] = pd.Categorical(filled, dtype=people["age_band"].dtype)
    assert by_hand["age_band"].isna().sum() == (people["esr_age_band"] == "51-55").sum()
    for analysis in (workforce.ladder, workforce.progression_gaps):
        got, expected = analysis(people, characteristic="age"), analysis(by_hand, characteristic="age")
        pd.testing.assert_frame_equal(got.table, expected.table)
    method = workforce.ladder(people, characteristic="age").method
    assert "esr_age_band" in method["groups"] and "51-55 straddles 55" in method["ESR age bands"]


def test_icb_view_uses_one_age_banding_for_every_organisation(icb_trusts):
    """Charnwood gives only ESR's bands; Soar Valley and Rutland Vale give ages: ESR's bands for all three."""
    areas = {"Soar Valley Hospitals NHS Trust": "Leicester", "Charnwood Community Health NHS Trust": "Charnwood",
             "Rutland Vale Healthcare NHS Trust": "Rutland"}
    view = icb_view(icb_trusts, {org: workforce.population(area) for org, area in areas.items()}, characteristic="age")
    groups = view.table.groupby("subgroup")["group"].apply(list)
    assert all(g == ESR_WORKING for g in groups) and len(groups) == 3
    census = icb_view(icb_trusts, {org: workforce.population(area) for org, area in areas.items()},
                      characteristic="age", banding="census")
    assert set(census.table["group"]) == {"16-24", "25-34", "35-44", "45-54", "55-64"}


# ---------------------------------------------------------------- appointments needed (the board's shortfall)

def test_appointments_needed_worked_by_hand():
    # S = 100 staff of known group; 20 appointments by 2028, each replacing a leaver of today's mix.
    # Asian: s = 25/100, p = 0.30: x = N*s + (p - s)*S = 20*0.25 + 0.05*100 = 5 + 5 = 10, 10/20 = 50% of them.
    #   check: 20 leavers take 5 Asian staff (25 - 5 = 20), 10 appointed give 30 of 100 = 30%.
    # Mixed: s = 0.03, p = 0.06: x = 20*0.03 + 0.03*100 = 0.6 + 3 = 3.6 -> 4 (3 give 3 - 0.6 + 3 = 5.4 < 6).
    # Other: s = 0.02, p = 0.04: x = 0.4 + 2 = 2.4 -> 3.   Black: s = p = 0.10: at the share, blank.
    people = make_people({"White": 60, "Mixed": 3, "Asian": 25, "Black": 10, "Other": 2}, unknown=5)
    result = representation(people, POP, appointments=20, target_year=2028)
    t = result.table.set_index("group")
    assert t["appointments"].tolist() == [20] * 5 and t["target_year"].tolist() == [2028] * 5
    assert t.loc["Asian", "appointments_needed"] == 10
    assert t.loc["Asian", "appointments_share_needed"] == pytest.approx(0.5)
    assert t.loc["Mixed", "appointments_needed"] == 4 and t.loc["Other", "appointments_needed"] == 3
    assert t.loc["Mixed", "appointments_share_needed"] == pytest.approx(4 / 20)
    assert t.loc[["Asian", "Mixed", "Other"], "reachable"].tolist() == [True, True, True]
    assert t.loc["Asian", "shortfall"] == 8   # the no-one-leaving definition is kept alongside
    assert "20 appointments" in result.method["appointments needed"]
    assert result.method["target year"] == 2028


def test_groups_at_or_above_the_population_share_need_no_appointments():
    people = make_people({"White": 60, "Mixed": 3, "Asian": 25, "Black": 10, "Other": 2})
    t = representation(people, POP, appointments=20, target_year=2028).table.set_index("group")
    # White 60% >= 50% and Black 10% = 10%: already at the benchmark, so nothing is needed (blank, not 0)
    for group in ("White", "Black"):
        assert pd.isna(t.loc[group, "appointments_needed"]) and pd.isna(t.loc[group, "reachable"])
        assert pd.isna(t.loc[group, "appointments_share_needed"])
        assert t.loc[group, "appointments"] == 20 and t.loc[group, "target_year"] == 2028


def test_a_benchmark_out_of_reach_says_so():
    # 5 appointments: Asian x = 5*0.25 + 0.05*100 = 1.25 + 5 = 6.25 -> 7 > 5: not reachable, 7/5 = 140% of them
    people = make_people({"White": 60, "Mixed": 3, "Asian": 25, "Black": 10, "Other": 2})
    t = representation(people, POP, appointments=5, target_year=2026).table.set_index("group")
    assert t.loc["Asian", "appointments_needed"] == 7 and not t.loc["Asian", "reachable"]
    assert t.loc["Asian", "appointments_share_needed"] == pytest.approx(1.4)
    # Other: 5*0.02 + 0.02*100 = 0.1 + 2 = 2.1 -> 3 <= 5: reachable
    assert t.loc["Other", "appointments_needed"] == 3 and t.loc["Other", "reachable"]


def test_default_appointments_are_ten_percent_a_year_for_three_years():
    # snapshot 2025-03-31: target 2028, 3 years; N = 0.10 * 100 * 3 = 30.
    # Asian x = 30*0.25 + 0.05*100 = 7.5 + 5 = 12.5 -> 13
    people = make_people({"White": 60, "Mixed": 3, "Asian": 25, "Black": 10, "Other": 2})
    result = representation(people, POP)
    t = result.table.set_index("group")
    assert (t["appointments"] == 30).all() and (t["target_year"] == 2028).all()
    assert t.loc["Asian", "appointments_needed"] == 13
    assert "10% of staff a year" in result.method["appointments needed"]
    assert "assumption" in result.method["appointments needed"]
    # a rate of 20% to 2027: N = 0.2 * 100 * 2 = 40; Asian x = 40*0.25 + 5 = 15
    t = representation(people, POP, appointment_rate=0.2, target_year=2027).table.set_index("group")
    assert (t["appointments"] == 40).all() and t.loc["Asian", "appointments_needed"] == 15


def test_appointments_given_are_shared_by_subgroup_size():
    # Trust A 100 known staff, Trust B 50: 30 appointments give 30*100/150 = 20 and 30*50/150 = 10.
    # Trust B BME: s = 10/50 = 0.2, p = 0.5: x = 10*0.2 + 0.3*50 = 2 + 15 = 17 > 10: out of reach
    a = make_people({"White": 50, "Asian": 50}, org="Trust A")
    b = make_people({"White": 40, "Asian": 10}, org="Trust B")
    t = representation(pd.concat([a, b], ignore_index=True), POP, level="wres", by="organisation",
                       appointments=30, target_year=2028).table.set_index(["subgroup", "group"])
    assert t.loc[("Trust A", "BME"), "appointments"] == 20 and t.loc[("Trust B", "BME"), "appointments"] == 10
    assert t.loc[("Trust B", "BME"), "appointments_needed"] == 17 and not t.loc[("Trust B", "BME"), "reachable"]


def test_appointments_needed_reaches_the_share_with_the_fewest_people():
    for k, n, p, appointments in [(25, 100, 0.3, 20), (0, 40, 0.1, 12), (9, 10, 0.95, 3), (199, 1000, 0.2, 300),
                                  (737 - 700, 737, 0.3, 221)]:
        people = make_people({"Asian": k, "White": n - k})
        pop = make_population({"nhs5": {"Asian": p, "White": 1 - p}})
        row = representation(people, pop, appointments=appointments, target_year=2028).table.set_index("group")
        x = int(row.loc["Asian", "appointments_needed"])
        after = lambda x: k - appointments * k / n + x   # noqa: E731 - the group's staff once N have left and x came
        assert after(x) / n >= p - 1e-12 and (x == 0 or after(x - 1) / n < p)
        assert bool(row.loc["Asian", "reachable"]) == (x <= appointments)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"appointments": 0}, "appointments must be a whole number, at least 1"),
    ({"appointments": 2.5}, "appointments must be a whole number, at least 1"),
    ({"appointments": True}, "appointments must be a whole number, at least 1"),
    ({"appointment_rate": 0}, "appointment_rate must be a share of staff a year above 0 and at most 1"),
    ({"appointment_rate": 12}, "appointment_rate must be a share of staff a year above 0 and at most 1"),
    ({"target_year": 2025}, "target_year must be a year after the snapshot's, 2025"),
    ({"target_year": "2028"}, "target_year must be a year after the snapshot's, 2025"),
])
def test_bad_appointment_options_say_what_is_accepted(kwargs, message):
    with pytest.raises(WorkforceError, match=message):
        representation(make_people({"White": 50}), POP, **kwargs)


def test_suppression_blanks_the_appointments_with_the_counts_behind_them():
    from workforce.disclosure import suppress

    # Mixed (3) and Other (2) are small counts: their appointments needed would give them away
    a = make_people({"White": 60, "Mixed": 3, "Asian": 25, "Black": 10, "Other": 2}, org="Trust A")
    b = make_people({"White": 3, "Asian": 2}, org="Trust B")   # a total of 5: N = 10% x 5 x 3 would give it away
    result = representation(pd.concat([a, b], ignore_index=True), POP, by="organisation")
    out = suppress(result).table.set_index(["subgroup", "group"])
    new = ["appointments_needed", "appointments_share_needed", "reachable"]
    hidden = out["staff_count_suppressed"]
    assert hidden[("Trust A", "Mixed")] and hidden[("Trust A", "Other")]
    assert out.loc[hidden, new].isna().all().all()
    assert out.loc[("Trust A", "Asian"), "appointments_needed"] == 13   # kept where the counts are shown
    assert out.loc[("Trust A", "Asian"), "appointments"] == 30
    assert out.loc["Trust B", "staff_total_suppressed"].all() and out.loc["Trust B", "appointments"].isna().all()
    assert (out["target_year"] == 2028).all()   # says nothing of the counts


@pytest.mark.parametrize(("given", "accepted"), [
    (["--appointments", "lots"], "give a whole number of appointments, at least 1 (such as 150), or a share"),
    (["--appointments", "0"], "give a whole number of appointments, at least 1"),
    (["--appointments", "150%"], "a share of staff a year above 0% and at most 100% (such as 12%)"),
    (["--target-year", "28"], "'28' is not accepted: give a year such as 2028"),
])
def test_the_command_line_says_which_appointment_values_it_accepts(given, accepted, capsys, tmp_path):
    from workforce.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["report", "staff.xlsx", *given, "--out", str(tmp_path / "pack")])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert accepted in err and "Traceback" not in err


def test_the_command_line_passes_the_appointments_and_checks_the_year(soar):
    import argparse

    from workforce.cli import _parser, _shortfall_options

    def options(*given: str) -> dict:
        return _shortfall_options(_parser().parse_args(["report", "a.xlsx", *given, "--out", "x"]), soar)

    assert options() == {}
    assert options("--appointments", "150", "--target-year", "2030") == {"appointments": 150, "target_year": 2030}
    assert options("--appointments", "12.5%") == {"appointment_rate": 0.125}
    with pytest.raises(WorkforceError, match=r"--target-year must be a year after the latest snapshot's \(2025\), "
                                             r"such as 2028; not 2025"):
        options("--target-year", "2025")
    assert _shortfall_options(argparse.Namespace(), soar) == {}   # workforce demo has neither option
