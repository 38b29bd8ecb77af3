"""Population benchmarks: published figures, areas, the 16-64 estimate and user tables.

Expected values come from ONS's published figures (as quoted in the data's
SOURCES.md), from the shipped files read directly here, or are worked by hand
in the test; none is copied from the code's output.
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from workforce import Benchmark
from workforce._resources import resource_path
from workforce.codes._demographics import AGE_BANDS
from workforce.codes._ethnicity import CENSUS5_DTYPE, CENSUS19_DTYPE
from workforce.errors import PopulationError
from workforce.populations import BenchmarkArea, _areas
from workforce.populations._areas import list_areas, read_data
from workforce.populations._census import (
    POPULATION_COLUMNS,
    _indirect_standardise,
    _working_age_fractions,
    population,
)

WB = "White: English, Welsh, Scottish, Northern Irish or British"
INDIAN = "Asian, Asian British or Asian Welsh: Indian"
BANGLADESHI = "Asian, Asian British or Asian Welsh: Bangladeshi"
LEICESTER, RUTLAND = "E06000016", "E06000017"
LEICESTERSHIRE = ["E07000129", "E07000130", "E07000131", "E07000132", "E07000133", "E07000134", "E07000135"]


def shares(benchmark: Benchmark, level: str) -> pd.Series:
    frame = benchmark.table
    return frame[frame["level"] == level].set_index("group")["share"]


def counts(benchmark: Benchmark, level: str) -> pd.Series:
    frame = benchmark.table
    return frame[frame["level"] == level].set_index("group")["count"]


@pytest.fixture(scope="module")
def lad23() -> pd.DataFrame:
    return read_data("census2021_ts021_ethnic_group_lad23.csv.gz").set_index("lad23cd")


@pytest.fixture(scope="module")
def categories() -> pd.DataFrame:
    return pd.read_csv(resource_path("data", "census2021_ethnic_group_categories.csv"))


# ---------------------------------------------------------------- published figures


def test_england_and_wales_reproduces_the_ons_bulletin():
    pop = population("England and Wales", ages="all")
    broad = (shares(pop, "census5") * 100).round(1).to_dict()
    assert broad == {"White": 81.7, "Mixed": 2.9, "Asian": 9.3, "Black": 4.0, "Other": 2.1}
    assert round(shares(pop, "census19")[WB] * 100, 1) == 74.4
    assert round(shares(pop, "census19")["White: Other White"] * 100, 1) == 6.2
    assert round(shares(pop, "census19")[INDIAN] * 100, 1) == 3.1


def test_spot_checks_from_the_sources():
    assert round(shares(population("Leicester", ages="all"), "census19")[INDIAN] * 100, 1) == 34.3
    assert round(shares(population("Tower Hamlets", ages="all"), "census19")[BANGLADESHI] * 100, 2) == 34.59
    assert round(shares(population("Cardiff", ages="all"), "census19")[WB] * 100, 1) == 73.6


def test_nhs5_moves_chinese_to_other(categories):
    pop = population("England and Wales", ages="all")
    chinese = counts(pop, "census19")["Asian, Asian British or Asian Welsh: Chinese"]
    assert counts(pop, "nhs5")["Asian"] == pytest.approx(counts(pop, "census5")["Asian"] - chinese)
    assert counts(pop, "nhs5")["Other"] == pytest.approx(counts(pop, "census5")["Other"] + chinese)
    assert counts(pop, "wres")["White"] == pytest.approx(counts(pop, "census5")["White"])


# ---------------------------------------------------------------- shape


def test_columns_levels_and_groups_are_fixed():
    pop = population("Leicester")
    assert list(pop.table.columns) == POPULATION_COLUMNS
    assert list(pop.table["level"].unique()) == ["census19", "census5", "nhs5", "wres", "sex", "age_band",
                                                 "esr_age_band"]
    assert counts(pop, "census19").index.tolist() == list(CENSUS19_DTYPE.categories)
    assert counts(pop, "census5").index.tolist() == list(CENSUS5_DTYPE.categories)
    assert counts(pop, "nhs5").index.tolist() == ["White", "Mixed", "Asian", "Black", "Other"]
    assert counts(pop, "wres").index.tolist() == ["White", "BME"]
    assert counts(pop, "sex").index.tolist() == ["Female", "Male"]
    assert counts(pop, "age_band").index.tolist() == ["16-24", "25-34", "35-44", "45-54", "55-64"]
    assert counts(population("Leicester", ages="all"), "age_band").index.tolist() == list(AGE_BANDS)
    assert pop.table["count"].dtype == "float64" and pop.table["share"].dtype == "float64"
    assert set(pop.table["ages"]) == {"16-64"} and set(pop.table["area"]) == {"Leicester (E06000016)"}
    assert set(pop.table["area_type"]) == {"local authority"}
    info = pop.provenance()
    assert set(info) >= {"areas", "ages", "method", "sources", "caveats"}
    assert info["areas"] == [{"code": LEICESTER, "name": "Leicester", "type": "local authority", "weight": 1.0}]
    assert any("indirect standardisation" in c for c in info["caveats"])
    assert any("Open Government Licence" in s for s in info["sources"])


AREAS = ["Leicester", "Rutland", "Isles of Scilly", "City of London", "Cardiff", "Cumberland", "Allerdale", "QK1",
         "QXU", "Hart", "Midlands", "London", "England", "England and Wales", {"Leicester": 1, "Tower Hamlets": 2}]


@pytest.mark.parametrize("ages", ["16-64", "all"])
@pytest.mark.parametrize("area", AREAS, ids=str)
def test_every_level_sums_to_one(area, ages):
    pop = population(area, ages=ages)
    sums = pop.table.groupby("level")["share"].sum()
    assert np.allclose(sums, 1.0)
    assert (pop.table["share"] >= 0).all() and (pop.table["count"] >= 0).all()
    for level, rows in pop.table.groupby("level"):
        assert np.allclose(rows["share"], rows["count"] / rows["count"].sum())


@pytest.mark.parametrize("kind", ["ICB", "NHS region"])
def test_every_icb_and_region_sums_to_one(kind):
    for code in list_areas(kind)["code"]:
        assert np.allclose(population(code).table.groupby("level")["share"].sum(), 1.0)


# ---------------------------------------------------------------- local authorities


def test_local_authority_by_code_name_and_spelling():
    by_code = population(LEICESTER)
    for spelling in ("Leicester", "LEICESTER", "  leicester ", "e06000016"):
        pd.testing.assert_frame_equal(population(spelling).table, by_code.table)
    bristol = population("Bristol", ages="all")
    pd.testing.assert_frame_equal(bristol.table, population("Bristol, City of", ages="all").table)
    assert bristol.table["area"].iloc[0] == "Bristol, City of (E06000023)"
    assert population("St Helens").table["area"].iloc[0] == population("St. Helens").table["area"].iloc[0]


def test_2023_and_2021_local_authorities(lad23):
    cumberland = population("E06000063", ages="all")  # 2023: Allerdale + Carlisle + Copeland
    assert cumberland.table["area"].iloc[0] == "Cumberland (E06000063)"
    parts = sum(counts(population(code, ages="all"), "census19") for code in ("E07000026", "E07000028", "E07000029"))
    pd.testing.assert_series_equal(counts(cumberland, "census19"), parts)
    assert counts(cumberland, "census19").sum() == lad23.loc["E06000063", "sum_19_categories"] == 273_254
    assert population("Allerdale").table["area"].iloc[0] == "Allerdale (E07000026)"  # a 2021 district is still found


def test_unknown_area_suggests_the_closest_names():
    with pytest.raises(PopulationError, match=r"no area called 'Leicster'\. Closest names: Leicester \(E06000016\)"):
        population("Leicster")
    with pytest.raises(PopulationError, match="Kingston upon Hull"):
        population("Hull")
    with pytest.raises(PopulationError, match="an ICB .* an NHS region .* a dict"):
        population("Nowhere at all")


def test_bad_options_are_refused():
    with pytest.raises(PopulationError, match=r"ages='18-64' is not one of \['16-64', 'all'\]"):
        population("Leicester", ages="18-64")
    with pytest.raises(PopulationError, match="boundaries='2019'"):
        population("Leicester", boundaries="2019")
    with pytest.raises(PopulationError, match="not int"):
        population(42)


# ---------------------------------------------------------------- ICBs and regions


def test_icb_by_ons_code_ods_code_or_name():
    expected = population("QK1")
    for spelling in ("E54000015", "qk1", "NHS Leicester, Leicestershire and Rutland Integrated Care Board",
                     "Leicester, Leicestershire and Rutland ICB", "NHS Leicester, Leicestershire & Rutland",
                     "Leicester Leicestershire and Rutland"):
        pd.testing.assert_frame_equal(population(spelling).table, expected.table)
    assert expected.table["area_type"].iloc[0] == "ICB"
    assert expected.provenance()["areas"][0]["ods_code"] == "QK1"


@pytest.mark.parametrize("ages", ["all", "16-64"])
def test_llr_icb_is_the_sum_of_its_local_authorities(ages, lad23):
    icb = population("QK1", ages=ages)
    lads = [LEICESTER, RUTLAND, *LEICESTERSHIRE]
    total = sum(counts(population(code, ages=ages), "census19") for code in lads)
    assert np.allclose(counts(icb, "census19"), total)
    assert np.allclose(shares(icb, "census19"), total / total.sum())
    if ages == "all":  # straight from the shipped file
        cats = pd.read_csv(resource_path("data", "census2021_ethnic_group_categories.csv"))
        raw = lad23.loc[lads, cats["column"]].sum().to_numpy(dtype=float)
        assert np.allclose(counts(icb, "census19").to_numpy(), raw)
        assert counts(icb, "sex").sum() == lad23.loc[lads, "ts009_all_usual_residents"].sum()


def test_split_local_authority_is_divided_by_population(lad23):
    # Hart is 74.97% in Frimley ICB and 25.03% in Hampshire and Isle of Wight (April 2024 lookup).
    lookup = read_data("lookup_lad23_sicbl24_icb24_en.csv.gz")
    hart = lookup[lookup["LAD23CD"] == "E07000089"].groupby("ICB24CDH")["share_of_lad_population"].sum()
    frimley = [c for c, f in _areas.resolve("QNQ").lads]
    assert "E07000089" in frimley
    fraction = dict(_areas.resolve("QNQ").lads)["E07000089"]
    assert fraction == pytest.approx(hart["QNQ"]) and 0.7 < fraction < 0.8
    england = population("England", ages="all")
    icbs = sum(counts(population(code, ages="all"), "census19") for code in list_areas("ICB")["code"])
    assert np.allclose(icbs, counts(england, "census19"))  # split LADs are neither lost nor double counted


def test_region_by_code_or_name_is_the_sum_of_its_icbs():
    midlands = population("Midlands", ages="all")
    for spelling in ("E40000011", "Y60", "NHS England Midlands"):
        pd.testing.assert_frame_equal(population(spelling, ages="all").table, midlands.table)
    regions = read_data("lookup_sicbl22_icb22_nhser22_en.csv.gz")
    icbs = regions.loc[regions["NHSER22NM"] == "Midlands", "ICB22CDH"].unique()
    assert len(icbs) == 11
    total = sum(counts(population(ods, ages="all"), "census19") for ods in icbs)
    assert np.allclose(counts(midlands, "census19"), total)
    assert midlands.table["area_type"].iloc[0] == "NHS region"


def test_a_bare_name_shared_by_an_icb_and_a_local_authority_means_the_local_authority():
    assert population("Somerset").table["area_type"].iloc[0] == "local authority"
    assert population("NHS Somerset").table["area_type"].iloc[0] == "ICB"
    assert population("Dorset ICB").table["area_type"].iloc[0] == "ICB"


def test_2021_boundaries_use_the_july_2022_icbs():
    old = population("Surrey Heartlands", boundaries="2021")
    assert old.table["area"].iloc[0] == "NHS Surrey Heartlands Integrated Care Board (E54000052)"
    new = population("E54000052")  # the 2022 code is still found under 2023 boundaries, as today's ICB
    assert new.table["area"].iloc[0] == "NHS Surrey Heartlands Integrated Care Board (E54000063)"
    assert np.allclose(population("QK1", boundaries="2021").table["share"], population("QK1").table["share"])


def test_list_areas():
    every = list_areas()
    assert every["type"].value_counts().to_dict() == {
        "local authority": 335, "ICB": 42, "NHS region": 7, "England": 1, "England and Wales": 1}
    assert list(every.columns) == ["code", "name", "type", "ods_code"]
    assert list_areas("ICB").set_index("ods_code").loc["QK1", "code"] == "E54000015"
    with pytest.raises(PopulationError, match="licence could not be confirmed"):
        list_areas("trust catchment")
    with pytest.raises(PopulationError, match="kind 'county'"):
        list_areas("county")


# ---------------------------------------------------------------- combinations


def test_fifty_fifty_combination_is_the_mean_of_the_shares():
    a, b = population("Leicester", ages="all"), population("Rutland", ages="all")
    mix = population({"Leicester": 1, "Rutland": 1}, ages="all")
    assert np.allclose(mix.table["share"], (a.table["share"].to_numpy() + b.table["share"].to_numpy()) / 2)
    assert mix.table["area"].iloc[0] == "50% Leicester (E06000016) + 50% Rutland (E06000017)"
    assert mix.table["area_type"].iloc[0] == "combination"
    assert [x["weight"] for x in mix.provenance()["areas"]] == [0.5, 0.5]
    pd.testing.assert_frame_equal(population({"Leicester": 3, "Rutland": 3}, ages="all").table, mix.table)


def test_weighted_combination_by_hand():
    # Indian share: Leicester 34.3%, Tower Hamlets 1.7% (ONS); 1:3 weights -> 0.25 * a + 0.75 * b.
    a = shares(population("Leicester"), "census19")[INDIAN]
    b = shares(population("Tower Hamlets"), "census19")[INDIAN]
    mix = population({"Leicester": 1, "Tower Hamlets": 3})
    assert shares(mix, "census19")[INDIAN] == pytest.approx(0.25 * a + 0.75 * b)
    assert "weighted combination" in mix.table["method"].iloc[0]


def test_combination_of_an_icb_and_a_local_authority():
    mix = population({"QK1": 0.8, "Coventry": 0.2})
    expected = (0.8 * population("QK1").table["share"].to_numpy()
                + 0.2 * population("Coventry").table["share"].to_numpy())
    assert np.allclose(mix.table["share"], expected)


@pytest.mark.parametrize("weights, message", [
    ({"Leicester": -1}, "zero or more"),
    ({"Leicester": "half"}, "zero or more"),
    ({"Leicester": 0, "Rutland": 0}, "must not all be zero"),
    ({}, "empty"),
    ({"Leicster": 1}, "Closest names: Leicester"),
])
def test_bad_combinations_are_refused(weights, message):
    with pytest.raises(PopulationError, match=message):
        population(weights)


# ---------------------------------------------------------------- working age (16-64)


def test_working_age_total_is_the_census_16_to_64_total(lad23):
    pop = population("Leicester")
    total = lad23.loc[LEICESTER, "ts009_female_16_64"] + lad23.loc[LEICESTER, "ts009_male_16_64"]
    for level in ("census19", "census5", "nhs5", "wres", "sex", "age_band"):
        assert counts(pop, level).sum() == pytest.approx(total)
    assert counts(pop, "sex").to_dict() == {"Female": lad23.loc[LEICESTER, "ts009_female_16_64"],
                                            "Male": lad23.loc[LEICESTER, "ts009_male_16_64"]}
    assert set(pop.table.loc[pop.table["level"] == "census19", "method"]) == {"indirect standardisation to 16-64"}
    assert set(pop.table.loc[pop.table["level"] == "sex", "method"]) == {"census count"}


def test_working_age_is_more_diverse_in_leicester_as_the_national_table_implies():
    # Direction from the national table, worked here: the share aged 16-64 of each broad group.
    table = read_data("census2021_ew_age18_by_ethnic_group6.csv.gz")
    table = table[table["Ethnic group (6 categories) Code"] > 0]
    code = table["Age (B) (18 categories) Code"]
    inside = np.where(code == 4, 0.8, np.where((code >= 5) & (code <= 13), 1.0, 0.0))  # band 4 is 15-19
    fraction = (table["Observation"] * inside).groupby(table["Ethnic group (6 categories)"]).sum() / \
        table.groupby("Ethnic group (6 categories)")["Observation"].sum()
    white = fraction["White"]
    everyone = population("Leicester", ages="all")
    bme = counts(everyone, "census5").drop("White")
    bme_fraction = sum(bme[g] * fraction[[i for i in fraction.index if i.startswith(g)][0]] for g in bme.index)
    expected_higher = bme_fraction / bme.sum() > white
    assert expected_higher  # in Leicester BME people are mostly Asian, whose 16-64 share exceeds White people's
    working = population("Leicester")
    assert shares(working, "wres")["BME"] > shares(everyone, "wres")["BME"]


def test_indirect_standardisation_by_hand():
    national = pd.DataFrame({
        "Age (B) (18 categories)": ["Aged 4 years and under", "Aged 15 to 19 years", "Aged 20 to 24 years",
                                    "Aged 65 to 69 years"] * 2,
        "Ethnic group (6 categories)": ["White"] * 4 + ["Asian, Asian British or Asian Welsh"] * 4,
        "Observation": [30, 50, 100, 20, 100, 50, 50, 0],
    })
    fractions = _working_age_fractions(national)
    # White: (0.8 * 50 + 100) / 200 = 0.7.  Asian: (0.8 * 50 + 50) / 200 = 0.45.
    assert fractions.to_dict() == pytest.approx({"White": 0.7, "Asian": 0.45})
    area = pd.DataFrame({"wb": [1000.0, 10.0], "indian": [500.0, 90.0]}, index=["A", "B"])
    broad = pd.Series({"wb": "White", "indian": "Asian"})
    out = _indirect_standardise(area, broad, fractions, pd.Series({"A": 1000.0, "B": 48.0}))
    # A: expected 700 and 225, sum 925, scaled to 1000: 756.757 and 243.243.
    # B: expected 7 and 40.5, sum 47.5, scaled to 48: 7.0737 and 40.9263.
    assert out.loc["A"].tolist() == pytest.approx([700 * 1000 / 925, 225 * 1000 / 925])
    assert out.loc["B"].tolist() == pytest.approx([7 * 48 / 47.5, 40.5 * 48 / 47.5])
    assert out.loc["A"].tolist() == pytest.approx([756.757, 243.243], abs=1e-3)


def test_age_bands_follow_the_national_structure(lad23):
    sex = read_data("census2021_ew_age18_by_sex.csv.gz").groupby("Age (B) (18 categories) Code")["Observation"].sum()
    working = 0.8 * sex[4] + sex.loc[5:13].sum()  # codes 5-13: 20-24 ... 60-64
    band_16_24 = (0.8 * sex[4] + sex[5]) / working  # 16-19 (4/5 of 15-19) and 20-24
    pop = population("Leicester")
    assert shares(pop, "age_band")["16-24"] == pytest.approx(band_16_24)
    assert shares(population("Rutland"), "age_band")["16-24"] == pytest.approx(band_16_24)
    everyone = population("Leicester", ages="all")
    assert counts(everyone, "age_band")["65+"] == pytest.approx(
        lad23.loc[LEICESTER, "ts009_all_usual_residents"] * sex.loc[14:].sum() / sex.sum())
    assert any("national age mix" in c for c in pop.provenance()["caveats"])


# ---------------------------------------------------------------- trust catchments


def test_trust_catchment_is_refused_with_the_reason_while_not_shipped():
    with pytest.raises(PopulationError, match=r"RWE is UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST.*licence could "
                                              r"not be confirmed.*population\('QK1'\)"):
        population("RWE")


def test_trust_catchment_weights_local_authorities(monkeypatch):
    made_up = pd.DataFrame({"trust_code": "RWE", "trust_name": "University Hospitals of Leicester NHS Trust",
                            "lad21cd": [LEICESTER, "E07000129", RUTLAND],
                            "share_of_trust_catchment": [0.6, 0.3, 0.1]})
    monkeypatch.setattr(_areas, "catchment_shares", lambda: made_up)
    pop = population("RWE")
    expected = sum(w * population(code).table["share"].to_numpy()
                   for code, w in ((LEICESTER, 0.6), ("E07000129", 0.3), (RUTLAND, 0.1)))
    assert np.allclose(pop.table["share"], expected)
    assert np.allclose(pop.table.groupby("level")["share"].sum(), 1.0)
    assert pop.table["area"].iloc[0] == "University Hospitals of Leicester NHS Trust catchment (RWE)"
    assert pop.table["area_type"].iloc[0] == "trust catchment"
    assert pop.table["method"].iloc[0] == "catchment-weighted; indirect standardisation to 16-64"
    assert list_areas("trust catchment")["code"].tolist() == ["RWE"]
    with pytest.raises(PopulationError, match="only acute trusts"):
        population("RT5")


# ---------------------------------------------------------------- user tables


def census_table(area: str = "Testshire") -> pd.DataFrame:
    return pd.DataFrame({"Area": area, "Ethnic Group": list(CENSUS19_DTYPE.categories),
                         "Population": [float(i) for i in range(1, 20)]})


def test_user_table_is_accepted(tmp_path):
    table = census_table()
    pop = population(table)
    assert pop.table["area"].iloc[0] == "Testshire" and set(pop.table["area_type"]) == {"user table"}
    assert list(pop.table["level"].unique()) == ["census19", "census5", "nhs5", "wres"]
    assert counts(pop, "census19").tolist() == list(range(1, 20))
    assert counts(pop, "wres")["White"] == 13 + 14 + 15 + 16 + 17  # ONS codes 13-17 are White
    assert np.allclose(pop.table.groupby("level")["share"].sum(), 1.0)
    table.to_csv(tmp_path / "pop.csv", index=False)
    table.to_excel(tmp_path / "pop.xlsx", index=False)
    pd.testing.assert_frame_equal(population(tmp_path / "pop.csv").table, pop.table)
    pd.testing.assert_frame_equal(population(str(tmp_path / "pop.xlsx")).table, pop.table)


def test_user_table_with_five_groups_sex_and_age_bands():
    rows = [(g, band, n) for g, n in (("White", 10), ("Mixed", 1), ("Asian", 4), ("Black", 3), ("Other", 2))
            for band in ("0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65+")]
    table = pd.DataFrame(rows, columns=["group", "age band", "count"]).assign(area="Testshire")
    working, everyone = population(table), population(table, ages="all")
    assert counts(working, "census5").tolist() == [50, 5, 20, 15, 10]  # five bands of 16-64
    assert counts(everyone, "census5").tolist() == [70, 7, 28, 21, 14]
    assert counts(working, "wres").tolist() == [50, 50]
    assert counts(working, "age_band").index.tolist() == ["16-24", "25-34", "35-44", "45-54", "55-64"]
    assert "nhs5" not in set(working.table["level"])
    assert any("nhs5" in c for c in working.provenance()["caveats"])


def test_user_table_negative_count_names_row_and_column(tmp_path):
    table = census_table()
    table.loc[3, "Population"] = -5
    table.to_csv(tmp_path / "pop.csv", index=False)
    with pytest.raises(PopulationError, match=r"pop\.csv: row 5, column 'Population': '-5(\.0)?' is negative"):
        population(tmp_path / "pop.csv")
    with pytest.raises(PopulationError, match=r"row with index 3, column 'Population': -5\.0 is negative"):
        population(table)


def test_user_table_missing_group_names_the_column_and_group():
    table = census_table().drop(index=15)  # White: Roma
    with pytest.raises(PopulationError, match=r"column 'Ethnic Group' has Census 2021 ethnic \(19\) groups but no "
                                              r"row for \['White: Roma'\]"):
        population(table)


@pytest.mark.parametrize("change, message", [
    ({"Ethnic Group": "Martian"}, r"row with index 0, column 'Ethnic Group': 'Martian' is not a group"),
    ({"Population": "lots"}, r"row with index 0, column 'Population': 'lots' is not a number"),
    ({"Population": None}, r"row with index 0, column 'Population': blank: a count is needed"),
    ({"Area": "Elsewhere"}, r"column 'Area' holds 2 areas"),
])
def test_user_table_bad_cells(change, message):
    table = census_table().astype(object)
    for column, value in change.items():
        table.loc[0, column] = value
    with pytest.raises(PopulationError, match=message):
        population(table)


def test_user_table_missing_column_and_mixed_classifications():
    with pytest.raises(PopulationError, match="no 'count' column"):
        population(census_table().drop(columns="Population"))
    mixed = pd.DataFrame({"area": "X", "group": ["White", "BME", "Asian"], "count": [1, 2, 3]})
    with pytest.raises(PopulationError, match="'White' is ambiguous"):
        population(mixed)
    with pytest.raises(PopulationError, match="does not exist"):
        population("no_such_file.csv")
    with pytest.raises(PopulationError, match="add up to 0"):
        population(census_table().assign(Population=0))


# ---------------------------------------------------------------- the Benchmark object

PROVENANCE_KEYS = ["area", "area_type", "areas", "ages", "boundaries", "method", "sources", "caveats"]


def test_benchmark_fields_for_one_area():
    pop = population("QK1")
    assert isinstance(pop, Benchmark)
    assert pop.area == "NHS Leicester, Leicestershire and Rutland Integrated Care Board (E54000015)"
    assert (pop.area_type, pop.ages, pop.boundaries) == ("ICB", "16-64", "2023")
    assert pop.areas == (BenchmarkArea("E54000015", "NHS Leicester, Leicestershire and Rutland Integrated Care Board",
                                       "ICB", 1.0, "QK1"),)
    assert isinstance(pop.sources, tuple) and isinstance(pop.caveats, tuple)
    assert any("Open Government Licence" in s for s in pop.sources)
    assert any("indirect standardisation" in c for c in pop.caveats)
    assert "sum of local authorities" in pop.method
    assert pop.levels == ("census19", "census5", "nhs5", "wres", "sex", "age_band", "esr_age_band")
    assert set(pop.table["area"]) == {pop.area} and set(pop.table["area_type"]) == {pop.area_type}
    pd.testing.assert_series_equal(pop.shares("wres"), shares(pop, "wres"), check_names=False)
    with pytest.raises(PopulationError, match="level 'census6' is not one of"):
        pop.shares("census6")


def test_benchmark_fields_for_a_weighted_combination():
    mix = population({"Leicester": 3, "QK1": 1}, ages="all", boundaries="2021")
    assert mix.area_type == "combination" and mix.ages == "all" and mix.boundaries == "2021"
    assert [(a.code, a.type, a.weight, a.ods_code) for a in mix.areas] == [
        (LEICESTER, "local authority", 0.75, ""), ("E54000015", "ICB", 0.25, "QK1")]
    assert any("weighted mean of its areas' shares" in c for c in mix.caveats)
    assert "weighted combination" in mix.method


def test_provenance_keeps_the_keys_results_and_charts_read():
    for pop in (population("Leicester"), population({"Leicester": 1, "Rutland": 1}), population(census_table())):
        info = pop.provenance()
        assert list(info) == PROVENANCE_KEYS
        assert isinstance(info["areas"], list) and all(isinstance(a, dict) for a in info["areas"])
        assert isinstance(info["sources"], list) and isinstance(info["caveats"], list)
        assert info["area"] == pop.area and info["ages"] == pop.ages
        info["caveats"].append("changed")  # a new dict each time
        assert "changed" not in pop.provenance()["caveats"]
    user = population(census_table()).provenance()
    assert user["boundaries"] is None and user["area_type"] == "user table"
    assert user["areas"] == [{"code": "", "name": "Testshire", "type": "user table", "weight": 1.0}]


def test_benchmark_table_has_no_attrs_and_the_benchmark_shows_itself():
    pop = population("Leicester", ages="all")
    assert pop.table.attrs == {}
    assert list(pop.table.columns) == POPULATION_COLUMNS
    assert repr(pop) == ("<Benchmark: Leicester (E06000016), ages all; "
                         "levels census19, census5, nhs5, wres, sex, age_band, esr_age_band>")
    page = pop._repr_html_()
    assert "Leicester (E06000016)" in page and "Sources: ONS, Census 2021" in page and "<table" in page
    assert pop == population("leicester", ages="all") and pop != population("Leicester")
    with pytest.raises(TypeError):
        hash(pop)


def test_a_benchmark_checks_what_it_is_made_of():
    table = population("Rutland").table
    with pytest.raises(PopulationError, match="needs the columns"):
        Benchmark(table.drop(columns="method"), area="Rutland", area_type="local authority", ages="16-64")
    with pytest.raises(PopulationError, match="ages='18-64'"):
        Benchmark(table, area="Rutland", area_type="local authority", ages="18-64")
    made = Benchmark(table.assign(extra=1), area="Rutland", area_type="local authority", ages="16-64",
                     areas=({"code": RUTLAND, "name": "Rutland", "type": "local authority", "weight": 1.0},),
                     sources=["a source"])
    assert list(made.table.columns) == POPULATION_COLUMNS and made.sources == ("a source",)
    assert made.areas == (BenchmarkArea(RUTLAND, "Rutland", "local authority"),)


# ---------------------------------------------------------------- loading and speed


def test_import_reads_no_population_data():
    code = ("import sys, workforce; assert 'workforce.populations._census' not in sys.modules; "
            "import workforce.populations._census as p, workforce.populations._areas as a; "
            "assert a.lad_table.cache_info().currsize == 0 and a._registry.cache_info().currsize == 0")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_call_takes_well_under_a_second():
    population("Leicester")  # warm the caches
    for area in ("QK1", "Midlands", "England", {"Leicester": 1, "QK1": 1}):
        start = time.perf_counter()
        population(area)
        assert time.perf_counter() - start < 0.5


# ---------------------------------------------------------------- ESR's five-year age bands (issue 13)

# Census 2021, England and Wales, female + male (census2021_ew_age18_by_sex.csv, typed in from the file)
EW_AGE = {"15-19": 1653226 + 1741439, "20-24": 1793333 + 1808794, "25-29": 1991859 + 1909881,
          "30-34": 2145179 + 2003621, "35-39": 2049396 + 1932223, "40-44": 1916202 + 1839555,
          "45-49": 1920744 + 1867977, "50-54": 2095864 + 2027569, "55-59": 2050761 + 1978280,
          "60-64": 1756019 + 1699585, "65-69": 1516954 + 1428180, "70-74": 1558475 + 1419509,
          "75-79": 1161368 + 1008903, "80-84": 848038 + 667038, "85+": 911870 + 543006}


def test_the_typed_in_census_numbers_are_the_shipped_ones():
    table = read_data("census2021_ew_age18_by_sex.csv.gz").groupby("Age (B) (18 categories) Code")["Observation"].sum()
    assert [table[code] for code in range(4, 19)] == list(EW_AGE.values())


def test_esr_band_shares_by_hand_working_age():
    """ESR's 21-25 is 4/5 of 20-24 and 1/5 of 25-29 (ages spread evenly); ages 16-64 run to 65 for ESR's 61-65."""
    a = EW_AGE
    ages_16_65 = 0.8 * a["15-19"] + sum(a[b] for b in list(a)[1:10]) + 0.2 * a["65-69"]
    by_hand = {
        "<=20": (0.8 * a["15-19"] + 0.2 * a["20-24"]) / ages_16_65,
        "21-25": (0.8 * a["20-24"] + 0.2 * a["25-29"]) / ages_16_65,
        "51-55": (0.8 * a["50-54"] + 0.2 * a["55-59"]) / ages_16_65,
        "61-65": (0.8 * a["60-64"] + 0.2 * a["65-69"]) / ages_16_65,
    }
    pop = population("England and Wales")
    esr = shares(pop, "esr_age_band")
    assert esr.index.tolist() == ["<=20", "21-25", "26-30", "31-35", "36-40", "41-45", "46-50", "51-55", "56-60",
                                  "61-65"]
    assert esr.sum() == pytest.approx(1.0)
    for band, share in by_hand.items():
        assert esr[band] == pytest.approx(share, rel=1e-12)
    assert round(esr["21-25"], 4) == 0.0961  # 3,662,049.6 / 38,091,600.8, worked by hand
    # every area has the national age mix
    pd.testing.assert_series_equal(shares(population("Rutland"), "esr_age_band"), esr)


def test_esr_band_shares_by_hand_all_ages():
    a = EW_AGE
    aged_16_and_over = 0.8 * a["15-19"] + sum(a[b] for b in list(a)[1:])
    oldest = (0.8 * a["70-74"] + a["75-79"] + a["80-84"] + a["85+"]) / aged_16_and_over
    esr = shares(population("England and Wales", ages="all"), "esr_age_band")
    assert esr.index.tolist()[-2:] == ["66-70", ">=71"] and len(esr) == 12
    assert esr[">=71"] == pytest.approx(oldest, rel=1e-12)
    assert esr["66-70"] == pytest.approx((0.8 * a["65-69"] + 0.2 * a["70-74"]) / aged_16_and_over, rel=1e-12)


def test_esr_bands_say_how_they_were_made():
    from workforce.populations._census import ESR_BAND_AGES

    assert ESR_BAND_AGES["<=20"] == (16, 20) and ESR_BAND_AGES["61-65"] == (61, 65)
    pop = population("Leicester")
    method = set(pop.table.loc[pop.table["level"] == "esr_age_band", "method"])
    assert method == {"national age structure, ages 16-65 (ESR's 61-65 kept whole); Census five-year bands spread "
                      "evenly over single years"}
    assert any("spread evenly over its five years" in c for c in pop.caveats)
    assert any("cover ages 16-65" in c for c in pop.caveats)
    assert not any("cover ages 16-65" in c for c in population("Leicester", ages="all").caveats)
    assert "ESR's" in pop.method
