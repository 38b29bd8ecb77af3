"""The fictional ESR export generator: determinism, carry-over and the built-in shape."""

from __future__ import annotations

import ast
import importlib
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tools.synthetic import people as syn
from tools.synthetic import xlsx

SNAPSHOTS = (date(2023, 3, 31), date(2024, 3, 31), date(2025, 3, 31))
UNKNOWN_CODES = {"Z", "99", "Unspecified", ""}
AFC_SENIOR = ["Band 8a", "Band 8b", "Band 8c", "Band 8d", "Band 9"]


def ethnic_group(origin: pd.Series) -> pd.Series:
    """White / BME / Unknown from the leading code (A, B, C* White; Z, 99, blank unknown)."""
    code = origin.fillna("").str.split().str[0].fillna("")
    white = code.str.fullmatch(r"A|B|C[0-9A-Z]?")
    return pd.Series(np.where(code.isin(UNKNOWN_CODES), "Unknown", np.where(white, "White", "BME")),
                     index=origin.index)  # fmt: skip


def primary(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per person: the primary assignment."""
    return frame[frame["Primary Assignment"] == "Yes"]


@pytest.fixture(scope="module")
def trust() -> dict[date, pd.DataFrame]:
    return syn.generate_trust(6000, seed=11)


@pytest.fixture(scope="module")
def latest(trust) -> pd.DataFrame:
    return trust[SNAPSHOTS[-1]]


def test_same_seed_gives_equal_frames(trust):
    again = syn.generate_trust(6000, seed=11)
    assert list(again) == list(trust)
    for when in trust:
        pd.testing.assert_frame_equal(again[when], trust[when])


def test_other_seed_gives_other_frames(trust):
    other = syn.generate_trust(6000, seed=12)[SNAPSHOTS[0]]
    assert not other["Ethnic Origin"].equals(trust[SNAPSHOTS[0]]["Ethnic Origin"])


def test_columns_are_the_esr_headers_in_order(latest):
    assert tuple(latest.columns) == syn.ESR_COLUMNS
    assert len(syn.ESR_COLUMNS) == 24
    assert latest["Assignment Number"].is_unique
    assert latest["Employee Number"].str.fullmatch(r"\d{8}").all()
    assert (latest["Assignment Number"] == latest["Employee Number"] + "-" + latest["Assignment Number"].str[-1]).all()


def test_people_carry_over_between_snapshots(trust):
    people = [set(primary(trust[d])["Employee Number"]) for d in SNAPSHOTS]
    for before, after in zip(people, people[1:]):
        stayed = len(before & after) / len(before)
        assert 0.85 < stayed < 0.95  # about 10% leave each year
        assert len(after - before) > 0.08 * len(before)  # joiners
        assert len(after) > len(before)  # slight growth
        assert min(after - before) > max(before)  # new starters get new, higher numbers


def test_stayers_keep_their_identity_and_some_are_promoted(trust):
    a, b = (primary(trust[d]).set_index("Employee Number") for d in SNAPSHOTS[:2])
    both = a.index.intersection(b.index)
    for column in ("Date of Birth", "Hire Date", "Ethnic Origin", "Gender", "Last Name"):
        pd.testing.assert_series_equal(a.loc[both, column], b.loc[both, column], check_names=False)
    rank = {g: i for i, g in enumerate(syn.GRADE_LABELS)}
    step = b.loc[both, "Pay Band"].map(rank) - a.loc[both, "Pay Band"].map(rank)
    assert (step >= 0).all()
    assert 0.04 < (step > 0).mean() < 0.12
    assert (step == 2).sum() > 0  # rarely two bands


def test_bme_share_falls_with_seniority(latest):
    people = primary(latest)
    people = people[people["Assignment Category"] != "Bank"]
    bme = ethnic_group(people["Ethnic Origin"]).eq("BME")
    band = people["Pay Band"]

    def share(bands):
        return bme[band.isin(bands)].mean()

    overall = bme.mean()
    bands_2_5 = share(["Band 2", "Band 3", "Band 4", "Band 5"])
    senior = share(AFC_SENIOR)
    assert 0.31 < overall < 0.40
    assert 0.36 < bands_2_5 < 0.47
    assert 0.10 < senior < 0.25
    assert share(["VSM"]) < senior < bands_2_5
    medical = people["Staff Group"] == "Medical and Dental"
    assert 0.40 < bme[medical].mean() < 0.58
    residents = ["Foundation Year 1", "Foundation Year 2", "Core Trainee", "Specialty Registrar"]
    assert share(["Consultant"]) < share(residents)


def test_unknown_ethnicity_is_three_to_five_percent(latest):
    unknown = ethnic_group(primary(latest)["Ethnic Origin"]).eq("Unknown").mean()
    assert 0.03 <= unknown <= 0.05
    origins = set(latest["Ethnic Origin"].dropna())
    assert {"Z Not Stated", "99 Not Known", "Unspecified"} <= origins
    assert latest["Ethnic Origin"].isna().any()
    assert {"H Asian or Asian British - Indian", "CP White Polish", "LB Asian Punjabi", "PC Black Nigerian"} <= origins


def test_bank_staff_and_several_assignments(latest):
    per_person = latest.groupby("Employee Number").size()
    assert (per_person > 1).any()
    bank = latest["Assignment Category"] == "Bank"
    bank_people = latest.loc[bank, "Employee Number"].unique()
    assert 0.05 < len(bank_people) / len(per_person) < 0.11
    bank_only = latest[bank & (latest["Primary Assignment"] == "Yes")]["Employee Number"]
    assert len(bank_only) > 0
    assert (per_person[bank_only] == 1).mean() > 0.9
    assert (per_person[latest.loc[bank & (latest["Primary Assignment"] == "No"), "Employee Number"]] > 1).all()
    assert (latest.loc[bank, "Contracted WTE"] == 0.0).all()
    substantive = latest["Assignment Category"].isin(["Permanent", "Fixed Term Temp"])
    assert latest.loc[substantive, "Contracted WTE"].between(0.4, 1.0).all()


def test_exactly_one_primary_assignment_per_person(trust):
    for frame in trust.values():
        yes = (frame["Primary Assignment"] == "Yes").groupby(frame["Employee Number"]).sum()
        assert (yes == 1).all()
        assert set(frame["Primary Assignment"]) == {"Yes", "No"}


def test_talking_therapies_service(latest):
    service = latest[latest["Org L4"] == "NHS Talking Therapies"]
    assert 60 <= service["Employee Number"].nunique() <= 90
    assert set(service["Job Role"]) == {"Psychological Wellbeing Practitioner", "High Intensity Therapist",
                                        "Counsellor", "Clinical Psychologist"}  # fmt: skip
    assert set(service["Cost Centre"]) <= {"TT100"} | set(service.loc[service["Assignment Category"] == "Bank",
                                                                       "Cost Centre"])  # fmt: skip
    assert (service["Area of Work"] == "Psychological Therapies").all()
    without = syn.generate_trust(500, seed=1, with_service=False)[SNAPSHOTS[-1]]
    assert without["Org L4"].ne("NHS Talking Therapies").all()


def test_staff_groups_sex_age_and_disability(latest):
    people = primary(latest)
    groups = people["Staff Group"].value_counts(normalize=True)
    assert set(groups.index) == set(syn.STAFF_GROUPS)
    assert 0.11 < groups["Medical and Dental"] < 0.15
    female = people["Gender"].eq("Female")
    assert 0.73 < female.mean() < 0.81
    assert female[people["Pay Band"] == "Consultant"].mean() < female.mean()
    age = (pd.Timestamp(SNAPSHOTS[-1]) - people["Date of Birth"]).dt.days / 365.25
    assert age.between(18, 67.5).all()
    assert (people["Hire Date"] <= pd.Timestamp(SNAPSHOTS[-1])).all()
    assert ((people["Hire Date"] - people["Date of Birth"]).dt.days / 365.25 >= 16).all()
    disability = people["Disability"].fillna("blank").value_counts(normalize=True)
    assert 0.025 < disability["Yes"] < 0.055
    assert 0.15 < disability["Not Declared"] + disability["blank"] < 0.25
    assert people["Pay Band"].eq("VSM").sum() == 10


def test_promotion_gap_is_recoverable():
    """A Mantel-Haenszel odds ratio over (band, staff group) strata lands near the true value."""
    frames = syn.generate_trust(20000, seed=5)
    rank = {g: i for i, g in enumerate(syn.GRADE_LABELS)}
    rows = []
    for a, b in zip(SNAPSHOTS, SNAPSHOTS[1:]):
        x, y = (primary(frames[d]).set_index("Employee Number") for d in (a, b))
        both = x.index.intersection(y.index)
        x = x.loc[both, ["Pay Band", "Staff Group", "Ethnic Origin"]].assign(
            up=y.loc[both, "Pay Band"].map(rank) > x.loc[both, "Pay Band"].map(rank),
            group=ethnic_group(x.loc[both, "Ethnic Origin"]),
        )
        rows.append(x[x["group"] != "Unknown"])
    data = pd.concat(rows)
    num = den = 0.0
    for _, s in data.groupby(["Pay Band", "Staff Group"]):
        bme, up, n = s["group"].eq("BME"), s["up"], len(s)
        num += (bme & up).sum() * (~bme & ~up).sum() / n
        den += (bme & ~up).sum() * (~bme & up).sum() / n
    assert 0.5 < num / den < 0.85
    assert syn.TRUE_PROMOTION_ODDS_RATIO_BME == 0.65


@pytest.mark.slow
def test_positive_action_changes_only_the_people_it_promotes(trust):
    """The programme reuses the random draws: earlier snapshots are equal, later ones differ in grades only."""
    start = date(2024, 4, 1)
    with_programme = syn.generate_trust(6000, seed=11, positive_action_from=start)
    for when in SNAPSHOTS[:2]:
        pd.testing.assert_frame_equal(with_programme[when], trust[when])
    before, after = trust[SNAPSHOTS[2]], with_programme[SNAPSHOTS[2]]
    graded = ["Pay Band", "Job Role", "Occupation Code"]
    pd.testing.assert_frame_equal(after.drop(columns=graded), before.drop(columns=graded))  # same people, same rows
    changed = (after[graded] != before[graded]).any(axis=1)  # every assignment of a promoted person
    assert changed.groupby(after["Employee Number"]).agg(["all", "any"]).nunique(axis=1).eq(1).all()
    assert set(before.loc[changed, "Pay Band"]) == {"Band 7"}  # would have stayed at Band 7 without it
    assert set(after.loc[changed, "Pay Band"]) <= {"Band 8a", "Band 8b"}
    assert not (ethnic_group(after.loc[changed, "Ethnic Origin"]) == "White").any()  # BME (or recorded unknown)
    assert after.loc[changed, "Employee Number"].nunique() >= 10  # odds multiplied by 6: many more promoted


@pytest.mark.slow
def test_monthly_snapshots_meet_the_yearly_ones():
    from tools.synthetic import monthly

    start = date(2024, 4, 1)
    frames = monthly.generate_monthly(1500, seed=7, snapshot_dates=SNAPSHOTS, organisation="Test Trust",
                                      positive_action_from=start)  # fmt: skip
    yearly = syn.generate_trust(1500, seed=7, organisation="Test Trust", positive_action_from=start)
    assert len(frames) == 25 and list(frames) == sorted(frames)
    for when in SNAPSHOTS:
        pd.testing.assert_frame_equal(frames[when], yearly[when])
    counts = [primary(f)["Employee Number"].nunique() for f in frames.values()]
    assert min(counts) > 0.95 * counts[0] and max(counts) < 1.1 * counts[0]  # no month empties or doubles
    again = monthly.generate_monthly(1500, seed=7, snapshot_dates=SNAPSHOTS, organisation="Test Trust",
                                     positive_action_from=start)  # fmt: skip
    pd.testing.assert_frame_equal(again[date(2024, 9, 30)], frames[date(2024, 9, 30)])


def test_generate_export_has_the_rows_asked_for():
    frame = syn.generate_export(2500, seed=3)
    assert len(frame) == 2500
    assert tuple(frame.columns) == syn.ESR_COLUMNS
    yes = (frame["Primary Assignment"] == "Yes").groupby(frame["Employee Number"]).sum()
    assert (yes == 1).all()


def test_variant_spellings_are_scattered(latest):
    messy = syn.scatter_variant_spellings(latest, seed=1, n_each=3)
    for column, value in [("Ethnic Origin", "A - White - British"), ("Ethnic Origin", "White - British"),
                          ("Pay Band", "Band 8 - Range A"), ("Pay Band", "AfC Band 6"), ("Pay Band", "8A"),
                          ("Gender", "F"), ("Gender", "M")]:  # fmt: skip
        assert (messy[column] == value).sum() == 3
    assert (latest["Gender"] == "F").sum() == 0  # the input is not changed


@pytest.mark.parametrize("dates_as", ["serial", "text", "date"])
def test_write_esr_xlsx_layout(tmp_path, dates_as):
    frame = syn.generate_trust(200, seed=2, snapshot_dates=(SNAPSHOTS[-1],))[SNAPSHOTS[-1]]
    path = tmp_path / "export.xlsx"
    layout = xlsx.write_esr_xlsx(frame, path, as_at=SNAPSHOTS[-1], dates_as=dates_as, blank_rows_every=50,
                                 extra_sheets_first=True)  # fmt: skip
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Notes", "Staff in Post"]
    ws = book["Staff in Post"]
    assert ws["A1"].value == "Staff in Post"
    assert ws["A2"].value == "As at 31/03/2025"
    assert "A1:X1" in {str(r) for r in ws.merged_cells.ranges}
    header = [c.value for c in ws[layout.header_row + 1]]
    assert header == list(syn.ESR_COLUMNS)
    rows = list(ws.iter_rows(min_row=layout.first_data_row, values_only=True))
    data = [r for r in rows if any(v is not None for v in r)]
    assert len(data) == len(frame) + 1  # plus the totals row
    assert len(rows) - len(data) == (len(frame) - 1) // 50  # blank spacer rows
    assert data[-1][0] == "Total"
    assert data[-1][15] == pytest.approx(frame["Contracted WTE"].sum())
    dob = data[0][17]
    expected = frame["Date of Birth"].iloc[0]
    if dates_as == "serial":
        assert dob == (expected - pd.Timestamp("1899-12-30")).days
    elif dates_as == "text":
        assert dob == expected.strftime("%d/%m/%Y")
    else:
        assert pd.Timestamp(dob) == expected


def test_write_esr_xlsx_is_byte_identical(tmp_path):
    frame = syn.generate_trust(100, seed=4, snapshot_dates=(SNAPSHOTS[-1],))[SNAPSHOTS[-1]]
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    xlsx.write_esr_xlsx(frame, one, dates_as="date")
    xlsx.write_esr_xlsx(frame, two, dates_as="date")
    assert one.read_bytes() == two.read_bytes()


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="n_staff"):
        syn.generate_trust(0, seed=1)
    with pytest.raises(ValueError, match="profile"):
        syn.generate_trust(10, seed=1, profile="mental health")


TOOLS = Path(__file__).resolve().parent.parent / "tools"


def test_the_generator_uses_only_public_names_of_the_package():
    """tools/ sits outside the package: it imports workforce's layers only through their ``__all__``."""
    wrong = []
    for path in sorted(TOOLS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [(alias.name, ()) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                found = [(node.module, [alias.name for alias in node.names])]
            else:
                continue
            for module, names in found:
                parts = module.split(".")
                if parts[0] != "workforce":
                    continue
                where = f"{path.relative_to(TOOLS.parent)}:{node.lineno}"
                if any(part.startswith("_") for part in parts) or len(parts) > 2:
                    wrong.append(f"{where} imports the module {module}")
                    continue
                exported = set(getattr(importlib.import_module(module), "__all__", ()))
                wrong += [f"{where} imports {name!r}, not in {module}.__all__" for name in names if name not in exported]
    assert not wrong, "\n".join(wrong)


def test_the_package_has_no_generator_left():
    package = TOOLS.parent / "workforce"
    assert not [p for p in package.rglob("*.py") if "synthetic" in p.name]
    assert not list((TOOLS.parent / "sample_data").glob("*.py"))
