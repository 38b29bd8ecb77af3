"""Progression: linking snapshots and classifying movements, and the errors of linking."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import Y1, Y2, history_people, people, snapshot

from workforce import WorkforceError, sample_data
from workforce.analysis._progression import MOVEMENT_COLUMNS, movements
from workforce.analysis._promotion import promotion
from workforce.load._staff import load_staff

EXPECTED = {  # (person, period start) -> (movement, steps)
    ("p01", Y1): ("promoted", 1), ("p01", Y2): ("same band", 0),
    ("p02", Y1): ("promoted", 2), ("p02", Y2): ("same band", 0),
    ("p03", Y1): ("moved down", -1), ("p03", Y2): ("left", None),
    ("p04", Y1): ("left", None),
    ("p05", Y1): ("joined", None), ("p05", Y2): ("same band", 0),
    ("p06", Y1): ("promoted", 2), ("p06", Y2): ("same band", 0),
    ("p07", Y1): ("same band", 0), ("p07", Y2): ("promoted", 1),
    ("p08", Y1): ("changed pay system", None), ("p08", Y2): ("same band", 0),
    ("p09", Y1): ("promoted", 2), ("p09", Y2): ("same band", 0),
    ("p10", Y1): ("not comparable", None), ("p10", Y2): ("same band", 0),
    ("p11", Y1): ("not comparable", None), ("p11", Y2): ("same band", 0),
    ("p12", Y1): ("moved down", -1), ("p12", Y2): ("same band", 0),
    ("p13", Y1): ("changed pay system", None), ("p13", Y2): ("same band", 0),
    ("p14", Y1): ("same band", None), ("p14", Y2): ("left", None),
    ("p15", Y1): ("same band", 0), ("p15", Y2): ("same band", 0),
    ("p16", Y1): ("promoted", 1), ("p16", Y2): ("same band", 0),
}


def test_movements_are_classified_by_hand():
    result = movements(history_people())
    table = result.table
    assert list(table.columns) == MOVEMENT_COLUMNS
    got = {(r.person_id, str(r.period_start.date())): (r.movement, None if pd.isna(r.steps) else int(r.steps))
           for r in table.itertuples()}
    assert got == EXPECTED
    assert len(table) == len(EXPECTED)
    assert str(table["movement"].dtype) == "category" and str(table["band_start"].dtype) == "category"
    assert table["band_start"].cat.ordered
    assert len(result.method["pairs"]) == 2


def test_movement_rows_carry_start_values_and_end_values_for_joiners():
    table = movements(history_people()).table.set_index(["person_id", "period_start"])
    p02 = table.loc[("p02", pd.Timestamp(Y1))]
    assert (p02["band_start"], p02["band_end"], p02["grade_group"], p02["years"]) == ("6", "8a", "5-7", pytest.approx(1.0, abs=0.01))
    p05 = table.loc[("p05", pd.Timestamp(Y1))]
    assert pd.isna(p05["band_start"]) and p05["band_end"] == "8b" and p05["grade_group"] == "8a-8b"
    assert pd.isna(p05["grade_snapshots"])
    p06 = table.loc[("p06", pd.Timestamp(Y1))]
    assert (p06["grade_start"], p06["grade_end"], p06["pay_system_end"]) == ("Resident doctor", "Consultant",
                                                                             "Medical and Dental")
    assert pd.isna(p06["band_start"])
    p04 = table.loc[("p04", pd.Timestamp(Y1))]
    assert p04["band_start"] == "5" and pd.isna(p04["band_end"]) and pd.isna(p04["grade_end"])


def test_grade_snapshots_count_consecutive_snapshots_in_the_same_grade():
    table = movements(history_people()).table.set_index(["person_id", "period_start"])["grade_snapshots"]
    assert table[("p15", pd.Timestamp(Y1))] == 1 and table[("p15", pd.Timestamp(Y2))] == 2
    assert table[("p01", pd.Timestamp(Y2))] == 1  # promoted into band 6 at the 2024 snapshot
    assert table[("p07", pd.Timestamp(Y2))] == 2


def test_linking_is_within_an_organisation():
    a = people(snapshot(Y1, [("x", "5", "White"), ("shared", "6", "BME")], org="Trust A"),
               snapshot(Y2, [("x", "5", "White")], org="Trust A"),
               snapshot(Y1, [("y", "5", "White")], org="Trust B"),
               snapshot(Y2, [("y", "6", "White"), ("shared", "7", "BME")], org="Trust B"))
    table = movements(a).table
    got = {(r.organisation, r.person_id): r.movement for r in table.itertuples()}
    assert got == {("Trust A", "x"): "same band", ("Trust A", "shared"): "left",
                   ("Trust B", "y"): "promoted", ("Trust B", "shared"): "joined"}


def test_an_organisation_with_one_snapshot_is_left_out_of_linking():
    a = people(snapshot(Y1, [("x", "5", "White")]), snapshot(Y2, [("x", "6", "White")]),
               snapshot(Y2, [("z", "5", "White")], org="Trust C"))
    table = movements(a).table
    assert table["organisation"].astype(str).tolist() == ["Trust A"]


# ---------------------------------------------------------------- errors


def test_snapshots_with_nobody_in_common_name_the_files():
    a = people(snapshot(Y1, [("a1", "5", "White"), ("a2", "6", "BME")], file="trust_2023.xlsx"),
               snapshot(Y2, [("b1", "5", "White"), ("b2", "6", "BME")], file="trust_2024.xlsx"))
    with pytest.raises(WorkforceError) as error:
        movements(a)
    text = str(error.value)
    assert "trust_2023.xlsx" in text and "trust_2024.xlsx" in text
    assert "pseudonym key" in text and "Trust A" in text


def test_exports_loaded_with_different_keys_cannot_be_linked():
    first = load_staff(sample_data("soar_valley_staff_in_post_2024-03-31.xlsx"), pseudonym_key="one key")
    second = load_staff(sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"), pseudonym_key="another key")
    both = pd.concat([first.people, second.people], ignore_index=True)
    for column in ("organisation", "source_file"):
        both[column] = both[column].astype("category")
    with pytest.raises(WorkforceError, match="soar_valley_staff_in_post_2024-03-31.xlsx") as error:
        promotion(both)
    assert "soar_valley_staff_in_post_2025-03-31.xlsx" in str(error.value)
    assert "pseudonym_key" in str(error.value)


def test_fewer_than_two_snapshots_is_a_clear_error():
    one = people(snapshot(Y1, [("a", "5", "White")]))
    with pytest.raises(WorkforceError, match="at least two snapshots"):
        movements(one)
    two_orgs = people(snapshot(Y1, [("a", "5", "White")], org="Trust A"),
                      snapshot(Y2, [("a", "5", "White")], org="Trust A NHS FT"))
    with pytest.raises(WorkforceError, match="organisation names match"):
        promotion(two_orgs)


def test_a_person_twice_in_one_snapshot_is_an_error():
    twice = people(snapshot(Y1, [("a", "5", "White"), ("a", "6", "White")]), snapshot(Y2, [("a", "6", "White")]))
    with pytest.raises(WorkforceError, match="more than once"):
        movements(twice)


def test_bad_arguments():
    with pytest.raises(WorkforceError, match="characteristic"):
        promotion(history_people(), characteristic="religion")
    with pytest.raises(WorkforceError, match="by="):
        promotion(history_people(), by="job_role")
    with pytest.raises(WorkforceError, match="load_staff"):
        movements("not a table")


# ---------------------------------------------------------------- the sample data


def test_sample_data_movements(soar_valley):
    result = movements(soar_valley)
    table = result.table
    assert table["period_start"].nunique() == 2
    counts = table["movement"].value_counts()
    assert counts["moved down"] == 0 and counts["promoted"] > 500
    # everyone at the 2023 snapshot is a stayer or leaver of the first period
    first = table[table["period_start"] == pd.Timestamp(Y1)]
    assert (first["movement"] != "joined").sum() == (soar_valley.people["snapshot_date"] == pd.Timestamp(Y1)).sum()
    assert "soar_valley_staff_in_post_2023-03-31.xlsx" in result.method["pairs"][0]
