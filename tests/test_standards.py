"""The whole WRES and WDES tables: wres() and wdes() on the sample data, survey figures, inputs not given."""

from __future__ import annotations

import pytest
from conftest import INPUTS as PATHS

from workforce import load_board, load_disciplinary, load_recruitment, load_training, sample_data
from workforce.analysis import ladder
from workforce.analysis._standards import WDES_COLUMNS, WRES_COLUMNS, standard_sentences, wdes, wres
from workforce.errors import WorkforceError

# ---------------------------------------------------------------- the whole tables on the sample data


@pytest.fixture(scope="module")
def inputs(soar):
    return dict(recruitment=load_recruitment(PATHS["recruitment"]),
                disciplinary=load_disciplinary(PATHS["disciplinary"], like=soar),
                board=load_board(PATHS["board"]))


def test_wres_on_the_sample_gives_every_indicator_with_intervals(soar, inputs):
    survey = {5: {"White": 27.0, "BME": 29.5}, 6: {"White": 0.22, "BME": 0.25}, 7: {"White": 0.58, "BME": 0.44},
              8: {"White": 0.06, "BME": 0.15}}
    training = load_training(sample_data("soar_valley_training_2024-25.xlsx"), like=soar)
    result = wres(soar, training=training, staff_survey=survey, **inputs)
    table = result.table.set_index("indicator")
    assert list(result.table.columns) == WRES_COLUMNS and table.index.tolist() == list(range(1, 10))
    pytest.importorskip("workforce.analysis._ladder")
    with_interval = table.loc[[1, 2, 3, 4, 9]]
    assert with_interval["state"].eq("estimated").all()
    assert (with_interval["ci_low"] <= with_interval["value"]).all()
    assert (with_interval["value"] <= with_interval["ci_high"]).all()
    # the built-in truths (sample_data/README.md): 1.5, 1.3, 1.15 in their official directions
    assert table.loc[2, "value"] == pytest.approx(1.5, abs=0.02) and table.loc[2, "significant"]
    assert table.loc[3, "value"] == pytest.approx(1.3, abs=0.02)
    assert table.loc[4, "value"] == pytest.approx(1.15, abs=0.01)
    assert table.loc[9, "value"] < 0 and table.loc[9, "unit"] == "percentage points (voting members)"
    assert table.loc[1, "value"] < 0  # BME staff are a smaller part of the senior bands
    assert table.loc[5, "bme"] == pytest.approx(0.295) and table.loc[5, "value"] == pytest.approx(2.5)
    assert table.loc[7, "value"] == pytest.approx(-14.0) and table.loc[5:8, "state"].eq("survey figure").all()


def test_wdes_on_the_sample_gives_every_metric_with_intervals(soar, inputs):
    survey = {"4a(i)": {"Disabled": 0.31, "Non-disabled": 0.24}, "4b": {"Disabled": 0.5, "Non-disabled": 0.48},
              9: {"Disabled": 6.5, "Non-disabled": 7.0}}
    result = wdes(soar, staff_survey=survey, **inputs)
    assert list(result.table.columns) == WDES_COLUMNS
    assert result.table["metric"].tolist() == [1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10]
    assert result.table["part"].tolist() == ["", "", "", "a(i)", "b", "", "", "", "", "", ""]
    table = result.table[result.table["part"] == ""].set_index("metric")
    pytest.importorskip("workforce.analysis._ladder")
    rl = table.loc[[2, 3]]
    assert (rl["ci_low"] < rl["value"]).all() and (rl["value"] < rl["ci_high"]).all()
    assert table.loc[3, "value"] > 1 and table.loc[2, "direction"].startswith("non-disabled ÷ Disabled")
    assert table.loc[[1, 10], ["ci_low", "ci_high"]].notna().all().all()
    assert table.loc[9, "value"] == pytest.approx(-0.5) and table.loc[9, "unit"] == "points"
    assert table.loc[[5, 6, 7, 8], "state"].eq("not provided").all()


def test_indicator_numbers_are_whole_numbers_and_survey_parts_are_text(soar):
    """WRES indicators and WDES metrics are integers (they sort and compare as numbers); a survey part such as
    4a(i) is the metric 4 with the part 'a(i)', and the sentences, keyed by both, keep working."""
    survey = {"4a(i)": {"Disabled": 0.31, "Non-disabled": 0.24}, "4a(ii)": {"Disabled": 0.2, "Non-disabled": 0.1},
              "9a": {"Disabled": 6.5, "Non-disabled": 7.0}}
    wres_table, result = wres(soar).table, wdes(soar, staff_survey=survey)
    assert str(wres_table["indicator"].dtype) == "int64" and "part" not in wres_table
    assert wres_table["indicator"].tolist() == list(range(1, 10))
    table = result.table
    assert str(table["metric"].dtype) == "int64" and str(table["part"].dtype) in ("object", "str")
    labels = [f"{m}{p}" for m, p in zip(table["metric"], table["part"])]
    assert labels == ["1", "2", "3", "4a(i)", "4a(ii)", "5", "6", "7", "8", "9a", "10"]
    assert table.loc[table["part"] == "a(i)", "non_disabled"].item() == pytest.approx(0.24)
    sentences = dict(zip(labels, standard_sentences(result)))
    assert sentences["9a"] == "non-disabled 7.0, Disabled 6.5" and sentences["4a(ii)"] == "non-disabled 10.0%, Disabled 20.0%"
    result.spec.schema().validate(table)


def test_the_direction_of_indicator_one_is_in_words_not_code(soar):
    for table in (wres(soar).table, wdes(soar).table):
        direction = table["direction"].iloc[0]
        assert "workforce." not in direction and "(" not in direction and "staff" in direction


def test_inputs_not_given_are_shown_as_not_provided(soar):
    table = wres(soar).table.set_index("indicator")
    assert table.loc[2:9, "state"].eq("not provided").all()
    assert table.loc[2:9, "reason"].eq("").all()


def test_sentences_are_written_from_the_published_columns_only(soar, inputs):
    survey = {5: {"White": 0.27, "BME": 0.295}}
    result = wres(soar, staff_survey=survey, **inputs)
    sentences = dict(zip(result.table["indicator"], standard_sentences(result)))
    row = result.table.set_index("indicator")
    one = row.loc[1]
    base = one["bme"] - one["value"] / 100  # the BME share of all AfC staff, from the published columns
    assert sentences[1] == (f"BME {base:.1%} of AfC staff (unknowns counted), {one['bme']:.1%} at band 8a and "
                            f"above: {one['value']:.1f} pp (95% CI {one['ci_low']:.1f} to {one['ci_high']:.1f})")
    two = row.loc[2]
    assert sentences[2] == f"{two['value']:.2f} (95% CI {two['ci_low']:.2f} to {two['ci_high']:.2f})"
    assert sentences[5] == "White 27.0%, BME 29.5%" and sentences[6] == "not provided"
    # the board row: a difference and its interval, no count of members
    nine = row.loc[9]
    assert sentences[9] == (f"voting members {nine['value']:.1f} pp "
                              f"(95% CI {nine['ci_low']:.1f} to {nine['ci_high']:.1f})")
    # a figure blanked by disclosure control is withheld, not written from elsewhere
    blanked = result.table.copy()
    blanked.loc[blanked["indicator"] == 2, ["white", "bme", "value", "ci_low", "ci_high"]] = float("nan")
    blanked.loc[blanked["indicator"] == 9, ["state", "reason"]] = ["not estimable", "no voting members"]
    blanked.loc[blanked["indicator"] == 3, ["state", "reason"]] = ["insufficient data", "fewer than 10 BME"]
    written = standard_sentences(result.with_table(blanked))
    assert written.iloc[1] == "withheld (small numbers)" and written.iloc[8] == "not estimable (no voting members)"
    assert written.iloc[2].endswith("[insufficient data: fewer than 10 BME]")


def test_sentences_state_why_a_figure_is_missing_and_use_scores_for_engagement(soar):
    table = wdes(soar, staff_survey={9: {"Disabled": 6.5, "Non-disabled": 7.0}})
    sentences = dict(zip(table.table["metric"], standard_sentences(table)))
    assert sentences[9] == "non-disabled 7.0, Disabled 6.5"
    with pytest.raises(WorkforceError, match="wres"):
        standard_sentences(ladder(soar))


def test_survey_figures_are_checked(soar):
    with pytest.raises(WorkforceError, match="group 'Asian'"):
        wres(soar, staff_survey={5: {"Asian": 0.3}})
    with pytest.raises(WorkforceError, match="keys \\['10'\\]"):
        wres(soar, staff_survey={10: {"White": 0.3}})
    with pytest.raises(WorkforceError, match="proportions"):
        wres(soar, staff_survey={6: {"White": 130, "BME": 20}})


def test_indicator_one_from_a_ladder_made_already_is_the_same_and_needs_the_right_ladder():
    import workforce

    staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    made = workforce.ladder(staff)
    with_ladder = workforce.wres(staff, ladder=made).table.iloc[0]
    without = workforce.wres(staff).table.iloc[0]
    assert with_ladder.equals(without)
    with pytest.raises(workforce.WorkforceError, match="unsuppressed ladder of the same staff by disability"):
        workforce.wdes(staff, ladder=made)
    with pytest.raises(workforce.WorkforceError, match="unsuppressed"):
        workforce.wres(staff, ladder=workforce.suppress(made))


# ---------------------------------------------------------------- the national figure beside each trust's own


def _national_rows(standard: str, number: int) -> list[dict]:
    """The shipped relative likelihoods of one indicator, read from the CSV without the package's reader."""
    import csv

    from workforce._resources import resource_path

    with open(resource_path("data", "national", "national_wres_wdes.csv"), newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["standard"] == standard and r["indicator"] == str(number)
                and r["measure_key"] == "relative likelihood" and r["part"] == ""]


def _latest(rows: list[dict], year: int) -> dict:
    return max((r for r in rows if int(r["year_of_data"]) <= year), key=lambda r: int(r["year_of_data"]))


def test_wres_carries_the_latest_national_relative_likelihood_of_the_same_indicator(soar, inputs):
    result = wres(soar, **inputs)
    table = result.table.set_index("indicator")
    assert str(table["national_value"].dtype) == "float64" and str(table["national_year"].dtype) == "Int64"
    for number in (2, 3):   # the sample's snapshot is 31 March 2025: the WRES year 2025
        expected = _latest(_national_rows("WRES", number), 2025)
        assert table.loc[number, "national_value"] == float(expected["value"])
        assert table.loc[number, "national_year"] == int(expected["year_of_data"])
        assert table.loc[number, "national_source"] == expected["source_kind"]
        # the site named, not a link (the page opens offline); the whole address is in national_benchmarks()
        site = expected["source_url"].split("//", 1)[1].split("/", 1)[0]
        assert f"from {site}" in result.method["national figures"] and "https://" not in result.method["national figures"]
    assert table.loc[2, "national_source"] == "secondary"   # 1.59 (2023) is read from a report of the release
    # no like-for-like national figure: indicator 1 (a difference in points), 4 (none found), survey and board rows
    others = table.loc[[1, 4, 5, 6, 7, 8, 9]]
    assert others["national_value"].isna().all() and others["national_year"].isna().all()
    assert others["national_source"].eq("").all()
    result.spec.schema().validate(result.table)


def test_wdes_carries_the_national_figure_and_an_input_not_given_still_shows_it(soar):
    table = wdes(soar).table.set_index("metric")
    for number in (2, 3):
        expected = _latest(_national_rows("WDES", number), 2025)
        assert table.loc[number, "state"] == "not provided"
        assert table.loc[number, "national_value"] == float(expected["value"])
        assert table.loc[number, "national_source"] == expected["source_kind"]
    assert table.loc[[1, 10], "national_value"].isna().all()


def test_the_national_figure_is_not_a_count_and_survives_suppression(soar, inputs):
    import workforce

    result = wres(soar, **inputs)
    hidden = workforce.suppress(result, threshold=10**6)   # every count withheld
    assert hidden.table["value"].isna().all() or hidden.table["white_count"].isna().all()
    assert hidden.table["national_value"].equals(result.table["national_value"])
    assert hidden.table["national_source"].equals(result.table["national_source"])
