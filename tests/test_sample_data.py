"""The shipped sample data, read end to end.

The planted errors below are the generator's plan (sample_data/README.md, "Deliberate
errors"), written down independently of the loader: the loader must find exactly these.
"""

from __future__ import annotations

import pytest

from workforce import load_staff, sample_data

RUTLAND = "rutland_vale_staff_in_post_2025-03-31.xlsx"
BROKEN = "broken_export.xlsx"


def planted(staff):
    p = staff.report.problems
    p = p[p["severity"] != "note"]
    return sorted(zip(p["row"].astype(int), p["column"]))


def test_rutland_vale_two_row_header_and_its_four_planted_errors():
    staff = load_staff(sample_data(RUTLAND))
    assert planted(staff) == [(63, "Ethnic Origin"), (218, "Grade"), (395, "WTE"), (610, "Age")]
    assert len(staff.people) == 800
    assert staff.report.exit_code == 1


def test_broken_export_reports_every_planted_error():
    staff = load_staff(sample_data(BROKEN))
    expected = [(9, "Employee Number"), (12, "Date of Birth"), (15, "Ethnic Origin"), (17, "Employee Number"),
                (21, "Hire Date"), (24, "Pay Band"), (27, "Assignment Number"), (30, "Pay Band"),
                (33, "Employee Number"), (36, "Contracted WTE"), (39, "Ethnic Origin"), (42, "Contracted WTE")]
    assert planted(staff) == expected
    assert staff.report.reconciles()
    values = dict(zip(staff.report.problems["row"], staff.report.problems["value"]))
    assert values[15] == "Asain - Indain" and values[24] == "Band 10"
    assert "31/02/1980" not in staff.report.to_json()  # a date of birth is withheld, the row is named


def test_soar_valley_three_snapshots_link_people_and_read_every_layout():
    files = [sample_data(f"soar_valley_staff_in_post_{y}-03-31.xlsx") for y in (2023, 2024, 2025)]
    staff = load_staff(files, pseudonym_key="test")
    assert staff.report.is_valid and staff.report.reconciles()
    counts = staff.people.groupby("snapshot_date").size().tolist()
    assert counts == [6000, 6120, 6243]  # the generator's head counts (sample_data/README.md)
    ids = staff.people.groupby("snapshot_date")["person_id"].apply(set).tolist()
    stayed = len(ids[0] & ids[1]) / len(ids[0])
    assert 0.85 < stayed < 0.95  # about 8.5% leave each year
    # every ethnicity spelling was recognised; about 4% are recorded as unknown
    unknown = (staff.people["wres_group"] == "Unknown").mean()
    assert 0.03 < unknown < 0.05
    assert staff.people["band"].notna().sum() + staff.people["medical_grade"].notna().sum() == len(staff.people)


def test_bme_share_falls_above_band_7_in_the_sample(soar):
    people = soar.people
    afc = people[people["pay_system"] == "Agenda for Change"]
    share = afc.assign(bme=afc["wres_group"] == "BME").groupby(afc["band"].isin(["8a", "8b", "8c", "8d", "9"]))["bme"].mean()
    assert share[False] > share[True] + 0.1


def test_talking_therapies_service_in_the_sample_trust():
    staff = load_staff(sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"),
                       service=sample_data("talking_therapies_service.yaml"))
    assert 60 <= len(staff.people) <= 90
    assert set(staff.people["job_role"].dropna()) <= {"Psychological Wellbeing Practitioner", "High Intensity Therapist",
                                                      "Counsellor", "Clinical Psychologist"}


def test_three_trusts_of_the_icb_combine(icb_trusts):
    staff = icb_trusts  # Soar Valley, Charnwood and Rutland Vale (RUTLAND), loaded in tests/conftest.py
    assert staff.people["organisation"].nunique() == 3
    assert staff.report.reconciles()


@pytest.mark.parametrize("engine", ["openpyxl"])
def test_sample_reads_the_same_through_the_fallback(engine):
    fast = load_staff(sample_data(RUTLAND), pseudonym_key="k")
    slow = load_staff(sample_data(RUTLAND), pseudonym_key="k", engine=engine)
    assert fast.people.drop(columns=[]).equals(slow.people)


@pytest.mark.parametrize(("name", "sheet"), [(RUTLAND, 0), pytest.param("soar_valley_staff_in_post_2025-03-31.xlsx",
                                                                          "Staff in Post", marks=pytest.mark.slow)])
def test_no_identifier_from_the_sample_reaches_any_output(tmp_path, name, sheet):
    import pandas as pd

    path = sample_data(name)
    raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=str, engine="openpyxl")  # independent of the loader
    header_row = raw.index[raw.apply(lambda r: r.astype(str).str.contains("Employee Number").any(), axis=1)][0]
    columns = raw.iloc[header_row].tolist()
    data = raw.iloc[header_row + 1:]
    wanted = [c for c in columns if isinstance(c, str) and c.strip() in ("Employee Number", "First Name", "Last Name",
                                                                         "Surname", "Forename", "Date of Birth")]
    secrets = set()
    for c in wanted:
        secrets |= {v.strip() for v in data[columns.index(c)].dropna() if len(v.strip()) >= 4}
    assert len(secrets) > 500  # the file has identifiers to leak
    staff = load_staff(path)
    staff.report.to_excel(tmp_path / "report.xlsx")
    outputs = [" ".join(map(str, staff.people.to_numpy().ravel())), " ".join(map(str, staff.assignments.to_numpy().ravel())),
               staff.report.to_json(), staff.report.to_text(max_problems=10_000),
               " ".join(map(str, pd.read_excel(tmp_path / "report.xlsx", sheet_name=None, header=None, engine="openpyxl")["Problems"].to_numpy().ravel()))]
    words = set(" ".join(outputs).replace('"', " ").replace(",", " ").split())
    assert not secrets & words


def test_representation_on_the_sample_trusts(icb_trusts):
    import workforce

    staff = icb_trusts  # Soar Valley, Charnwood and Rutland Vale (tests/conftest.py)
    soar = staff.people[staff.people["organisation"] == "Soar Valley Hospitals NHS Trust"]
    against_la = workforce.representation(soar, workforce.population("Leicester"))
    against_icb = workforce.representation(soar, workforce.population("QK1"))
    asian_la = against_la.table.set_index("group").loc["Asian"]
    asian_icb = against_icb.table.set_index("group").loc["Asian"]
    # Leicester is far more Asian than the ICB as a whole, so the same staff fall further short of it
    assert asian_la["population_share"] > asian_icb["population_share"]
    assert asian_la["ratio"] < asian_icb["ratio"]
    assert asian_la["flag"] == "under-represented"
    view = workforce.icb_view(staff, {
        "Soar Valley Hospitals NHS Trust": workforce.population("Leicester"),
        "Charnwood Community Health NHS Trust": workforce.population("Charnwood"),
        "Rutland Vale Healthcare NHS Trust": workforce.population("Rutland"),
    })
    assert view.table["subgroup"].nunique() == 3
    assert set(view.table["benchmark"].str.split(" \\(").str[0]) == {"Leicester", "Charnwood", "Rutland"}
    # the WRES ladder shape built into the sample: BME share falls above band 7
    ladder = workforce.representation(soar, workforce.population("QK1"), level="wres", by="band_group").table
    bme = ladder[ladder["group"] == "BME"].set_index("subgroup")["staff_share"]
    assert bme["1-4"] > bme["8a-8b"] > bme["8c+"]


def test_peer_organisations_counts_and_their_planted_better_and_worse():
    """The peers' file parses, its counts add up, and an over-dispersed funnel finds the two planted organisations.

    The funnel is worked here by hand (Spiegelhalter 2005 on the log scale: 10% Winsorised z-scores,
    DerSimonian-Laird tau squared), independently of the package's funnel.
    """
    from pathlib import Path

    import numpy as np
    import pandas as pd

    peers = pd.read_csv(sample_data("icb_peer_organisations_2025-03-31.csv"), parse_dates=["snapshot_date"])
    assert list(peers.columns) == ["organisation", "snapshot_date", "measure", "group_a", "a_events", "a_total",
                                   "group_b", "b_events", "b_total"]
    assert peers["organisation"].nunique() >= 16
    assert set(peers["snapshot_date"]) == {pd.Timestamp("2025-03-31")}
    assert not peers.duplicated(["organisation", "measure"]).any()
    assert (peers["a_events"] <= peers["a_total"]).all() and (peers["a_events"] >= 0).all()
    ratios = peers[peers["group_b"].notna()]
    assert (ratios["b_events"] <= ratios["b_total"]).all() and (ratios["b_events"] >= 0).all()
    senior = peers[peers["measure"] == "8a and above"].set_index("organisation")
    share = peers[peers["measure"] == "BME share at 8a and above"].set_index("organisation")
    assert (share["a_events"] == senior["b_events"]).all()
    assert (share["a_total"] == senior["a_events"] + senior["b_events"]).all()
    staff = senior["a_total"] + senior["b_total"]  # AfC staff of known ethnicity: about 81% of all staff
    assert staff.min() < 800 and staff.max() > 10_000
    trusts = Path(__file__).parents[1] / "workforce" / "data" / "population" / "nhs_trusts_ods_etr_with_icb.csv.gz"
    real = set(pd.read_csv(trusts)["org_name"].str.upper())
    assert not {name.upper() for name in peers["organisation"]} & real  # every name is invented

    for measure in ("8a and above", "appointed from shortlisting"):
        d = peers[peers["measure"] == measure].set_index("organisation")
        ae, at, be, bt = (d[c].astype(float) for c in ("a_events", "a_total", "b_events", "b_total"))
        y = np.log((ae / at) / (be / bt))
        se = np.sqrt(1 / ae - 1 / at + 1 / be - 1 / bt)
        w = 1 / se**2
        target = (w * y).sum() / w.sum()
        z = (y - target) / se
        winsorised = z.clip(*z.quantile([0.1, 0.9]))
        phi = (winsorised**2).mean()
        tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
        assert phi > 1.5 and tau2 > 0  # over-dispersed: the true relative likelihoods vary by organisation
        adjusted = (y - target) / np.sqrt(se**2 + tau2)
        outside = adjusted[adjusted.abs() > 3.09]  # beyond the 99.8% limits
        assert outside.idxmin() == "Trentmere University Hospitals NHS Trust" and outside.min() < -3.09
        assert outside.idxmax() == "Idle Water Mental Health NHS Trust"
        assert len(outside) == 2
