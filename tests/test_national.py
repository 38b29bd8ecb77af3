"""The national WRES and WDES figures shipped with the package: the CSV, its sources, and the look-ups."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from workforce._resources import resource_path
from workforce.errors import WorkforceError
from workforce.populations import NATIONAL_COLUMNS, NATIONAL_VERSION, national_benchmarks, national_series

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
CSV = resource_path("data", "national", "national_wres_wdes.csv")


def _raw() -> list[dict[str, str]]:
    with open(CSV, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- the shipped file


def test_the_csv_has_the_declared_columns_and_parses_with_the_declared_dtypes():
    raw = _raw()
    assert list(raw[0]) == list(NATIONAL_COLUMNS)
    table = national_benchmarks()
    assert len(table) == len(raw) > 50
    for column, dtype in NATIONAL_COLUMNS.items():
        assert str(table[column].dtype) in ({dtype, "object"} if dtype == "str" else {dtype}), column
    # read independently of the package: every value a number, every year a whole number, every date ISO
    for row in raw:
        float(row["value"])
        assert re.fullmatch(r"20\d\d", row["year_of_data"]), row
        assert row["release_date"] == "" or re.fullmatch(r"20\d\d-\d\d-\d\d", row["release_date"]), row
        assert row["indicator"] == "" if row["standard"] == "NHS workforce" else row["indicator"].isdigit(), row


def test_every_figure_has_a_url_a_kind_and_the_licence_line():
    for row in _raw():
        assert row["source_url"].startswith("https://"), row
        assert row["source_kind"] in ("primary", "secondary"), row
        assert row["licence"] == OGL and row["source_title"] and row["measure"], row
        assert row["unit"] in ("ratio", "percent", "score"), row


def test_primary_means_the_release_itself_and_every_other_page_is_secondary():
    """Only NHS England's and GOV.UK's own pages are primary: a trust quoting the national figure is not."""
    for row in _raw():
        own = re.match(r"https://www\.(england\.nhs\.uk|ethnicity-facts-figures\.service\.gov\.uk)/", row["source_url"])
        assert (row["source_kind"] == "primary") == bool(own), row


def test_one_figure_per_measure_group_and_year():
    table = national_benchmarks()
    key = ["standard", "indicator", "part", "measure_key", "group", "year_of_data"]
    assert not table.duplicated(key).any(), table[table.duplicated(key, keep=False)]


def test_relative_likelihoods_are_ratios_and_shares_are_percentages():
    table = national_benchmarks()
    rl = table[table["measure_key"] == "relative likelihood"]
    assert set(rl["unit"]) == {"ratio"} and rl["value"].between(0.5, 3).all()
    shares = table[table["unit"] == "percent"]
    assert shares["value"].between(0, 100).all()
    # the official directions: above 1 means the minoritised or Disabled group is worse off
    assert set(rl.loc[rl["standard"] == "WRES", "group"]) == {"White ÷ BME", "BME ÷ White"}
    assert set(rl.loc[rl["standard"] == "WDES", "group"]) == {"non-disabled ÷ Disabled", "Disabled ÷ non-disabled"}


def test_the_figures_confirmed_against_the_primary_releases():
    """Known answers read from NHS England's and GOV.UK's pages (see workforce/data/national/SOURCES.md)."""
    primary = national_benchmarks(primary_only=True).set_index(["standard", "indicator", "measure_key", "year_of_data"])
    assert primary.loc[("WRES", 1, "share of staff", 2022), "value"] == 24.2
    assert primary.loc[("WRES", 1, "share of staff", 2021), "value"] == 22.4
    assert primary.loc[("WDES", 2, "relative likelihood", 2019), "value"] == 1.18
    assert primary.loc[("WDES", 2, "relative likelihood", 2022), "value"] == 1.08
    assert primary.loc[("WRES", 2, "relative likelihood", 2019), "value"] == 1.46
    assert primary.loc[("WDES", 10, "share of board voting members", 2022), "value"] == 4.8


def test_the_sources_file_states_the_version_and_lists_every_source():
    text = resource_path("data", "national", "SOURCES.md").read_text(encoding="utf-8")
    assert f"version {NATIONAL_VERSION}" in text and OGL in text
    assert re.search(r"checked \d{4}-\d\d-\d\d", text)
    for url in {row["source_url"] for row in _raw()}:
        assert url in text, url


# ---------------------------------------------------------------- national_benchmarks and national_series


def test_national_benchmarks_filters_by_standard_indicator_and_kind():
    everything = national_benchmarks()
    wres = national_benchmarks("WRES")
    assert set(wres["standard"]) == {"WRES"} and 0 < len(wres) < len(everything)
    two = national_benchmarks("WRES", indicator=2)
    assert set(two["indicator"]) == {2} and two["year_of_data"].is_monotonic_increasing
    assert two.loc[two["year_of_data"] == 2023, "value"].item() == 1.59
    primary = national_benchmarks(primary_only=True)
    assert set(primary["source_kind"]) == {"primary"} and len(primary) < len(everything)
    assert national_benchmarks("NHS workforce")["indicator"].isna().all()


def test_a_secondary_figure_is_labelled_secondary():
    two = national_benchmarks("WRES", indicator=2).set_index("year_of_data")
    assert two.loc[2023, "source_kind"] == "secondary" and "england.nhs.uk" not in two.loc[2023, "source_url"]
    assert two.loc[2023, "note"]   # says what else is known (R. Kline gives the same figure)


@pytest.mark.parametrize("call, words", [
    (lambda: national_benchmarks("WRSE"), "'WRES', 'WDES', 'NHS workforce'"),
    (lambda: national_benchmarks("WRES", indicator=5), "with one are 1, 2, 3, 6, 7, 8, 9"),
    (lambda: national_benchmarks(indicator=2), "give the standard"),
    (lambda: national_benchmarks("WDES", indicator="2"), "WDES metrics with one are"),
    (lambda: national_series("WRES", 1), "measure='share of staff', group='BME'"),
    (lambda: national_series("WRES", 2, measure="share of staff"), "no national figure"),
])
def test_errors_list_the_valid_options(call, words):
    with pytest.raises(WorkforceError, match=re.escape(words)):
        call()


def test_national_series_gives_one_measure_by_year():
    series = national_series("WDES", 2)
    assert list(series.columns) == ["year", "value", "unit", "source_kind", "source_url"]
    assert series["year"].tolist() == [2019, 2022, 2023] and series["value"].tolist() == [1.18, 1.08, 0.99]
    assert series["source_kind"].tolist() == ["primary", "primary", "secondary"]
    assert str(series["year"].dtype) == "int64" and str(series["value"].dtype) == "float64"
    managers = national_series("WDES", 4, part="a(ii)", measure="survey percentage", group="Disabled")
    assert managers["value"].tolist() == [19.4, 17.0]
    assert isinstance(national_series("WRES", 1, measure="share of very senior managers"), pd.DataFrame)


def test_the_latest_national_figure_is_taken_in_or_before_the_year():
    from workforce.analysis._standards import _report_year
    from workforce.populations._national import latest_national

    assert latest_national("WRES", 2, 2021)["value"] == 1.61
    assert latest_national("WRES", 2, 2022)["value"] == 1.54
    assert latest_national("WRES", 2, None)["year_of_data"] == 2023
    assert latest_national("WRES", 2, 2015) is None and latest_national("WRES", 4, 2025) is None
    # a WRES year ends on 31 March: a snapshot from April is in the next year's data
    assert [_report_year(d) for d in ("2025-03-31", "2024-04-01", "2024-12-31")] == [2025, 2025, 2025]
