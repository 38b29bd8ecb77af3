"""The pack over time and across organisations: the "Over time" part of the demo, and the ICB pack's pooled
estimate, homogeneity tests, funnel and outliers, all from the published (suppressed) tables."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from workforce.publish._sections import yearly_snapshots

PROGRAMME = pd.Timestamp("2024-04-01")   # the sample trust's positive action programme (sample_data/README.md)


def _sheet(pack, name: str) -> pd.DataFrame:
    return pd.read_excel(pack / "tables.xlsx", sheet_name=name, engine="openpyxl")


def _series(table: pd.DataFrame, characteristic: str, measure: str, tier: str, group: str) -> pd.DataFrame:
    rows = table[(table["characteristic"] == characteristic) & (table["measure"] == measure)
                 & (table["tier"] == tier) & (table["group"] == group)]
    return rows.sort_values("snapshot_date")


def test_the_demo_has_an_over_time_part(demo_pack):
    pack, done = demo_pack
    assert done.returncode == 0, done.stderr
    page = (pack / "index.html").read_text(encoding="utf-8")
    assert ">Over time<" in page and "Positive action programme starts" in page
    for chart in ("over_time_summary", "bme_senior_over_time", "bme_leavers_over_time"):
        assert (pack / "charts" / f"{chart}.svg").exists(), chart


def test_the_planted_change_is_detected_and_the_stable_measure_is_quiet(demo_pack):
    """The programme raises BME promotion into 8a from April 2024; leaving does not depend on ethnicity."""
    table = _sheet(demo_pack[0], "over_time")
    senior = _series(table, "ethnicity", "senior share", "8a and above", "BME")
    after = senior[pd.to_datetime(senior["snapshot_date"]) > PROGRAMME]
    assert senior["baseline"].astype(bool).sum() == 13          # limits from the points before the programme
    assert after["variation"].iloc[-1] == "improvement"
    assert (after["variation"] == "improvement").sum() >= 6
    leavers = _series(table, "ethnicity", "leaver rate", "All staff", "BME")
    assert len(leavers) == 24 and (leavers["variation"] == "common cause").all()


def test_the_summary_says_what_changed_over_time(demo_pack):
    page = (demo_pack[0] / "index.html").read_text(encoding="utf-8")
    summary = page[page.index("Summary"):page.index("Contents")]
    assert "share of staff at band 8a and above rose to" in summary and "special cause improvement" in summary


def test_promotion_is_compared_year_on_year_from_a_monthly_series(soar_valley):
    """From month-end snapshots the pack keeps the ones a year apart for promotion and leaving."""
    people = soar_valley.people
    months = pd.date_range("2023-03-31", "2025-03-31", freq="ME")
    copies = []
    for when in months:   # the same people at every month-end: enough to choose the dates
        one = people[people["snapshot_date"] == people["snapshot_date"].max()].copy()
        one["snapshot_date"] = when
        copies.append(one)
    monthly = replace(soar_valley, people=pd.concat(copies, ignore_index=True))
    kept = sorted(yearly_snapshots(monthly).people["snapshot_date"].unique())
    assert [str(pd.Timestamp(d).date()) for d in kept] == ["2023-03-31", "2024-03-31", "2025-03-31"]
    assert yearly_snapshots(soar_valley) is soar_valley     # a yearly series is kept as it is


@pytest.mark.slow
def test_the_icb_pack_pools_and_compares_the_organisations(icb_pack):
    pack, done = icb_pack
    assert done.returncode == 0, done.stderr
    pooled = _sheet(pack, "pooled_senior")
    row = pooled[pooled["stratum"].astype(str).str.startswith("Pooled")].iloc[0]
    assert row["value"] > 1 and row["ci_low"] < row["value"] < row["ci_high"]
    assert 0 <= row["woolf_p"] <= 1 and 0 <= row["breslow_day_p"] <= 1 and not row["homogeneous"]
    assert pooled["stratum"].nunique() >= 19     # the three trusts and the sixteen or more peers, then the pool
    funnel = _sheet(pack, "funnel_senior")
    assert {"above the 99.8% limit", "below the 99.8% limit"} <= set(funnel["position"].dropna())
    assert (pack / "charts" / "funnel_senior.svg").exists()
    page = (pack / "index.html").read_text(encoding="utf-8")
    assert "Mantel–Haenszel" in page and "better than expected" in page and "Woolf test" in page


@pytest.mark.parametrize("option, says", [
    (["--intervention", "2024-13-01=Programme"], "'2024-13-01' is not a date"),
    (["--rebase", "April 2024"], "'April 2024' is not a date"),
])
@pytest.mark.slow
def test_a_wrong_date_stops_the_command_before_any_data_are_read(tmp_path, option, says):
    from tests.conftest import run_cli, sample

    done = run_cli("report", str(sample("soar_valley_staff_in_post_2025-03-31.xlsx")), *option,
                   "--out", str(tmp_path / "pack"))
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_bad_peers_file_is_named_with_its_row(tmp_path):
    from tests.conftest import run_cli, sample

    peers = tmp_path / "peers.csv"
    peers.write_text("organisation,snapshot_date,measure,group_a,a_events,a_total,group_b,b_events,b_total\n"
                     "A,2025-03-31,8a and above,White,450,400,BME,3,30\n")
    done = run_cli("report", str(sample("soar_valley_staff_in_post_2025-03-31.xlsx")), "--peers", str(peers),
                   "--out", str(tmp_path / "pack"))
    assert done.returncode == 2 and "peers.csv" in done.stderr and "row 2: a_events is more than a_total" in done.stderr
    assert not (tmp_path / "pack").exists()
