"""Write the fictional sample exports shipped in ``sample_data/`` (installed as ``workforce.sample_data``).

Run from the repository root, with the package installed (``pip install -e .``)::

    python -m tools.synthetic.sample_data              # rewrites sample_data/
    python -m tools.synthetic.sample_data --out DIR    # writes the files into DIR instead

Everything is deterministic: a rerun gives byte-identical files.  Every person
in every file is fictional (see :mod:`tools.synthetic.people`).
"""

# ruff: noqa: E402 (the environment is set before openpyxl can be imported)
from __future__ import annotations

import os

# openpyxl writes "<a />" with the standard library's XML writer and "<a/>" with lxml: the shipped workbooks
# were written without lxml, so a rerun gives the same bytes whether lxml is installed or not.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from workforce.codes import normalise_disability, normalise_ethnicity

from . import inputs as si
from . import monthly, xlsx
from . import peers as sp
from . import people as syn

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"  # the repository's sample_data/
ICB = "NHS Leicester, Leicestershire and Rutland Integrated Care Board"
SNAPSHOTS = (date(2023, 3, 31), date(2024, 3, 31), date(2025, 3, 31))
CENSUS = date(2025, 3, 31)

SOAR_VALLEY = "Soar Valley Hospitals NHS Trust"
#: Soar Valley's positive action programme starts here: from then on BME staff at Band 7 are promoted into 8a
#: with their odds multiplied by ``tools.synthetic.people.POSITIVE_ACTION_ODDS_MULTIPLIER``.
POSITIVE_ACTION_START = date(2024, 4, 1)
#: Soar Valley's simulation: the yearly exports and the monthly snapshots come from the same one.
SOAR_VALLEY_TRUST = dict(n_staff=6000, seed=20230331, snapshot_dates=SNAPSHOTS, positive_action_from=POSITIVE_ACTION_START)
MONTHLY_FOLDER = "soar_valley_monthly"
PEERS_FILE = "icb_peer_organisations_2025-03-31.csv"
CHARNWOOD = "Charnwood Community Health NHS Trust"
RUTLAND_VALE = "Rutland Vale Healthcare NHS Trust"

# one layout per year, so a loader meets text dates, serial numbers and real dates
SOAR_VALLEY_LAYOUTS = {
    date(2023, 3, 31): dict(dates_as="text", blank_rows_every=500, extra_sheets=()),
    date(2024, 3, 31): dict(dates_as="serial", blank_rows_every=750, extra_sheets=()),
    date(2025, 3, 31): dict(dates_as="date", blank_rows_every=1000, extra_sheets=("Notes",), extra_sheets_first=True),
}

AGE_BANDS = ((20, "<=20 Years"), *((a + 4, f"{a}-{a + 4}") for a in range(21, 70, 5)), (200, ">=71 Years"))


@dataclass(frozen=True)
class Planted:
    """A deliberately wrong value: where it is and why it is wrong."""

    file: str
    excel_row: int
    column: str
    value: str
    why: str
    employee: str = ""


def _ages(dob: pd.Series, when: date) -> np.ndarray:
    """Whole years of age on ``when``."""
    born = pd.DatetimeIndex(dob)
    before = (born.month > when.month) | ((born.month == when.month) & (born.day > when.day))
    return np.asarray(when.year - born.year - before)


def _age_band(age: np.ndarray) -> np.ndarray:
    edges = np.array([upper for upper, _ in AGE_BANDS])
    labels = np.array([label for _, label in AGE_BANDS], dtype=object)
    return labels[np.searchsorted(edges, age)]


def soar_valley(folder: Path) -> list[tuple[Path, pd.DataFrame]]:
    """Three yearly exports of the ~6,000-person acute trust."""
    frames = syn.generate_trust(**SOAR_VALLEY_TRUST, organisation=SOAR_VALLEY)
    written = []
    for when, frame in frames.items():
        frame = syn.scatter_variant_spellings(frame, seed=when.year, n_each=4)
        if when == date(2024, 3, 31):  # this year's report wrote employee numbers as numbers
            frame = frame.assign(**{"Employee Number": frame["Employee Number"].astype("int64")})
        path = folder / f"soar_valley_staff_in_post_{when:%Y-%m-%d}.xlsx"
        xlsx.write_esr_xlsx(frame, path, as_at=when, **SOAR_VALLEY_LAYOUTS[when])
        written.append((path, frame))
    return written


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """An export as parquet: the ESR columns, dates as dates, text as text, zstd-compressed, no pandas metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [pa.field(f.name, pa.date32()) if pa.types.is_timestamp(f.type) else f for f in table.schema]
    table = table.cast(pa.schema(fields)).replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd", compression_level=19)


def soar_valley_monthly(folder: Path) -> list[tuple[Path, pd.DataFrame]]:
    """Soar Valley at every month-end from the first yearly snapshot to the last, as parquet files."""
    frames = monthly.generate_monthly(**SOAR_VALLEY_TRUST, organisation=SOAR_VALLEY)
    (folder / MONTHLY_FOLDER).mkdir(exist_ok=True)
    written = []
    for when, frame in frames.items():
        path = folder / MONTHLY_FOLDER / f"soar_valley_staff_in_post_{when:%Y-%m-%d}.parquet"
        _write_parquet(frame, path)
        written.append((path, frame))
    return written


def peer_organisations(folder: Path) -> tuple[Path, pd.DataFrame]:
    """Counts of further fictional organisations, one row per organisation and measure."""
    frame = sp.peer_organisations(CENSUS)
    path = folder / PEERS_FILE
    frame.assign(snapshot_date=frame["snapshot_date"].dt.strftime("%Y-%m-%d")).to_csv(
        path, index=False, lineterminator="\n", encoding="utf-8")
    return path, frame


def charnwood(folder: Path) -> tuple[Path, pd.DataFrame]:
    """The community trust: a CSV with its own headers and age bands instead of dates of birth."""
    frame = syn.generate_trust(1500, seed=20250401, snapshot_dates=(CENSUS,), organisation=CHARNWOOD,
                               with_service=False, profile="community")[CENSUS]  # fmt: skip
    out = pd.DataFrame(
        {
            "Assignment No": frame["Assignment Number"],
            "Staff Number": frame["Employee Number"],
            "Organisation Name": frame["Organisation"],
            "Staff Group": frame["Staff Group"],
            "Job Role": frame["Job Role"],
            "AfC Band": frame["Pay Band"],
            "Assignment Type": frame["Assignment Category"],
            "Primary": frame["Primary Assignment"].map({"Yes": "Y", "No": "N"}),
            "FTE": frame["Contracted WTE"],
            "Age Band": _age_band(_ages(frame["Date of Birth"], CENSUS)),
            "Sex": frame["Gender"],
            "Ethnicity": frame["Ethnic Origin"],
            "Disabled": frame["Disability"],
        }
    )
    path = folder / "charnwood_staff_in_post_2025-03-31.csv"
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.2f", encoding="utf-8")
    return path, out


RUTLAND_COLUMNS = (  # (upper header cell or None to merge vertically, lower header)
    (None, "Employee Number"), (None, "Assignment Number"), (None, "Organisation"), (None, "Staff Group"),
    (None, "Job Role"), (None, "Grade"), ("Contract", "Assignment Category"), ("Contract", "Primary Assignment"),
    ("Contract", "WTE"), (None, "Age"), ("Demographics", "Gender"), ("Demographics", "Ethnic Origin"),
    ("Demographics", "Disability"),
)  # fmt: skip


def rutland_vale(folder: Path) -> tuple[Path, pd.DataFrame, list[Planted]]:
    """The small trust: two-row header with merged cells, Age in years, and four planted errors."""
    from openpyxl import Workbook

    frame = syn.generate_trust(800, seed=20250402, snapshot_dates=(CENSUS,), organisation=RUTLAND_VALE,
                               with_service=False)[CENSUS]  # fmt: skip
    out = pd.DataFrame(
        {
            "Employee Number": frame["Employee Number"],
            "Assignment Number": frame["Assignment Number"],
            "Organisation": frame["Organisation"],
            "Staff Group": frame["Staff Group"],
            "Job Role": frame["Job Role"],
            "Grade": frame["Pay Band"],
            "Assignment Category": frame["Assignment Category"],
            "Primary Assignment": frame["Primary Assignment"],
            "WTE": frame["Contracted WTE"].astype(object),
            "Age": _ages(frame["Date of Birth"], CENSUS).astype(object),
            "Gender": frame["Gender"],
            "Ethnic Origin": frame["Ethnic Origin"],
            "Disability": frame["Disability"],
        }
    ).astype(object)
    path_name = "rutland_vale_staff_in_post_2025-03-31.xlsx"
    title = ("Rutland Vale Healthcare NHS Trust - Workforce Extract", f"Snapshot date: {CENSUS:%d %B %Y}")
    first_data_row = len(title) + 1 + 2 + 1  # titles, a blank row, two header rows
    plants = (  # (row position, column, bad value, why)
        (57, "Ethnic Origin", "White Brit", "not an NHS ethnic category spelling (meant 'White - British'?)"),
        (212, "Grade", "Band 55", "there is no AfC band 55 (typo for Band 5?)"),
        (389, "WTE", "full time", "text in a numeric WTE column (full time is 1.0)"),
        (604, "Age", 7, "an employee cannot be 7 years old (typo, e.g. 47?)"),
    )
    planted = []
    for pos, column, value, why in plants:
        out.iat[pos, out.columns.get_loc(column)] = value
        planted.append(Planted(path_name, first_data_row + pos, column, str(value), why,
                               str(out.at[pos, "Employee Number"])))  # fmt: skip

    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = xlsx.FIXED_TIMESTAMP
    ws = wb.create_sheet("Workforce")
    width = len(RUTLAND_COLUMNS)
    last = xlsx.excel_column(width - 1)
    for i, line in enumerate(title, start=1):
        ws.append([line])
        ws.merged_cells.add(f"A{i}:{last}{i}")
    ws.append([])
    upper_row = len(title) + 2
    upper = [group if group is not None else name for group, name in RUTLAND_COLUMNS]
    lower = [name if group is not None else None for group, name in RUTLAND_COLUMNS]
    for i, (group, _) in enumerate(RUTLAND_COLUMNS):  # blank repeats of a group label under the merge
        if group is not None and i and RUTLAND_COLUMNS[i - 1][0] == group:
            upper[i] = None
    ws.append(upper)
    ws.append(lower)
    for i, (group, _) in enumerate(RUTLAND_COLUMNS):
        col = xlsx.excel_column(i)
        if group is None:
            ws.merged_cells.add(f"{col}{upper_row}:{col}{upper_row + 1}")
        elif i == 0 or RUTLAND_COLUMNS[i - 1][0] != group:
            span = sum(1 for g, _ in RUTLAND_COLUMNS[i:] if g == group)
            ws.merged_cells.add(f"{col}{upper_row}:{xlsx.excel_column(i + span - 1)}{upper_row}")
    for values in out.itertuples(index=False, name=None):
        ws.append([None if (v is None or (isinstance(v, float) and np.isnan(v))) else v for v in values])
    path = folder / path_name
    xlsx.save_workbook_fixed(wb, path)
    return path, out, planted


def broken_export(folder: Path) -> tuple[Path, pd.DataFrame, list[Planted]]:
    """A ~40-row ESR-style export full of mistakes, for showing the validation report."""
    frame = syn.generate_trust(300, seed=20250403, snapshot_dates=(CENSUS,), organisation=SOAR_VALLEY,
                               with_service=False)[CENSUS]  # fmt: skip
    frame = frame.iloc[:39].reset_index(drop=True)
    out = frame.astype(object)
    for col in ("Hire Date", "Date of Birth"):
        out[col] = frame[col].dt.strftime("%d/%m/%Y").astype(object)
    out = out.where(frame.notna(), None)
    dup = 20  # this assignment row appears twice, one under the other
    out = pd.concat([out.iloc[: dup + 1], out.iloc[dup : dup + 1], out.iloc[dup + 1 :]], ignore_index=True)
    plants = (
        (3, "Employee Number", None, "employee number missing"),
        (11, "Employee Number", None, "employee number missing"),
        (27, "Employee Number", None, "employee number missing"),
        (dup + 1, "Assignment Number", None, "exact duplicate of the row above (same assignment twice)"),
        (6, "Date of Birth", "31/02/1980", "no such date: February has no 31st"),
        (15, "Hire Date", "2019-13-01", "no month 13"),
        (9, "Ethnic Origin", "Asain - Indain", "misspelt ethnic origin: not recognisable"),
        (33, "Ethnic Origin", "Martian", "not an ethnic category at all"),
        (18, "Pay Band", "Band 10", "there is no AfC band 10"),
        (24, "Pay Band", "Band 5a", "band 5 has no sub-ranges"),
        (30, "Contracted WTE", -0.6, "negative WTE"),
        (36, "Contracted WTE", "part time", "text in a numeric WTE column"),
    )
    layout_header = 4  # 0-based header row written below (three title rows and a blank row)
    planted = []
    for pos, column, value, why in plants:
        if column != "Assignment Number":
            out.iat[pos, out.columns.get_loc(column)] = value
        shown = "" if out.at[pos, column] is None else str(out.at[pos, column])
        employee = str(out.at[pos, "Employee Number"] or "")
        planted.append(Planted("broken_export.xlsx", layout_header + 2 + pos, column, shown, why, employee))
    path = folder / "broken_export.xlsx"
    layout = xlsx.write_esr_xlsx(out, path, as_at=CENSUS, dates_as="text", extra_sheets=())
    assert layout.header_row == layout_header
    return path, out, planted


# ---------------------------------------------------------------- recruitment, cases, training, board

YEAR_TITLE = "1 April 2024 to 31 March 2025"
_APPOINTED = ("Offer accepted", "Appointed")
_SHORTLISTED = ("Interviewed - not appointed", "Shortlisted", *_APPOINTED)


def soar_valley_inputs(staff: pd.DataFrame, folder: Path) -> dict[str, tuple[Path, pd.DataFrame]]:
    """Recruitment, cases, training and board files made from the Soar Valley 2025 staff."""
    org = f"Organisation: {SOAR_VALLEY}"
    plans = {
        "recruitment": ("soar_valley_recruitment_2024-25.xlsx", "Applications", si.recruitment(staff),
                        ["Recruitment: applications and furthest stage reached", f"Applications received {YEAR_TITLE}",
                         org]),
        "cases": ("soar_valley_disciplinary_2024-25.xlsx", "Cases", si.cases(staff),
                  ["Employee relations: formal disciplinary and capability cases opened", YEAR_TITLE, org]),
        "training": ("soar_valley_training_2024-25.xlsx", "Training", si.training(staff),
                     ["Learning and development: courses completed", YEAR_TITLE, org]),
        "board": ("soar_valley_board_2025-03-31.xlsx", "Board", si.board(staff),
                  ["Board of Directors", f"As at {CENSUS:%d/%m/%Y}", org]),
    }
    written = {}
    for kind, (name, sheet, frame, titles) in plans.items():
        path = folder / name
        xlsx.write_esr_xlsx(frame, path, sheet_name=sheet, title_rows=titles, dates_as="date", totals_row=False,
                            extra_sheets=())
        written[kind] = (path, frame)
    return written


def broken_recruitment(applications: pd.DataFrame, folder: Path) -> tuple[Path, list[tuple]]:
    """Two sheets with planted errors: applications (unknown stages) and counts (appointed > shortlisted)."""
    from openpyxl import Workbook

    apps, counts, planted = si.broken_recruitment(applications)
    apps = apps.assign(**{"Application Date": apps["Application Date"].dt.strftime("%d/%m/%Y")})
    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = xlsx.FIXED_TIMESTAMP
    first_rows = {}
    for sheet, frame, title in (("Applications", apps, "Recruitment: applications (extract)"),
                                ("Summary", counts, "Recruitment: shortlisted and appointed by group, 2024-25")):
        ws = wb.create_sheet(sheet)
        ws.append([title])
        ws.append([])
        ws.append(list(frame.columns))
        first_rows[sheet] = 4
        for values in frame.astype(object).itertuples(index=False, name=None):
            ws.append([None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values])
    path = folder / "broken_recruitment.xlsx"
    xlsx.save_workbook_fixed(wb, path)
    return path, [(sheet, first_rows[sheet] + pos, column, value, why) for sheet, pos, column, value, why in planted]


def _rate_table(rows: list[tuple[str, int, int]]) -> str:
    return "\n".join(f"| {g} | {e:,} | {n:,} | {e / n:.2%} |" for g, e, n in rows)


def inputs_readme(staff: pd.DataFrame, inputs: dict[str, tuple[Path, pd.DataFrame]], planted: list[tuple]) -> str:
    """The README section on the recruitment, case, training and board files, with observed figures."""
    people = si.staff_groups(staff)
    apps = inputs["recruitment"][1]
    apps = apps.assign(group=normalise_ethnicity(apps["Ethnicity"]).columns["wres_group"].astype(str).to_numpy(),
                       disabled=normalise_disability(apps["Disability"]).columns["disability"].astype(str).to_numpy(),
                       shortlisted=apps["Stage Reached"].isin(_SHORTLISTED),
                       appointed=apps["Stage Reached"].isin(_APPOINTED))
    short = apps[apps["shortlisted"]]
    eth = [(g, int(short.loc[short["group"] == g, "appointed"].sum()), int((short["group"] == g).sum()))
           for g in ("White", "BME", "Unknown")]
    dis = [(g, int(short.loc[short["disabled"] == g, "appointed"].sum()), int((short["disabled"] == g).sum()))
           for g in ("No", "Yes", "Unknown")]
    cases = inputs["cases"][1]
    ids = {kind: set(cases.loc[cases["Case Type"].isin(spellings), "Employee Number"])
           for kind, spellings in (("disciplinary", ("Disciplinary", "Gross misconduct")),
                                   ("capability", ("Capability (performance)",)))}
    disc = [(g, int(people.loc[people["wres_group"] == g, "Employee Number"].isin(ids["disciplinary"]).sum()),
             int((people["wres_group"] == g).sum())) for g in ("White", "BME", "Unknown")]
    cap = [(g, int(people.loc[people["disabled"] == g, "Employee Number"].isin(ids["capability"]).sum()),
            int((people["disabled"] == g).sum())) for g in ("No", "Yes", "Unknown")]
    records = inputs["training"][1]
    trained = set(records.loc[records["Mandatory"] == "No", "Employee Number"])
    train = [(g, int(people.loc[people["wres_group"] == g, "Employee Number"].isin(trained).sum()),
              int((people["wres_group"] == g).sum())) for g in ("White", "BME", "Unknown")]
    board = inputs["board"][1]
    board_group = normalise_ethnicity(board["Ethnicity"]).columns["wres_group"].astype(str)
    voting = board["Voting Member"] == "Yes"
    executive = board["Executive"] == "Y"
    bme_share = (people["wres_group"] == "BME").mean()

    def rl(rows, a, b):
        rate = {g: e / n for g, e, n in rows}
        return rate[a] / rate[b]

    files = "\n".join(f"| `{path.name}` | {len(frame):,} |" for path, frame in inputs.values())
    planted_rows = "\n".join(f"| `broken_recruitment.xlsx` | {sheet} | {row} | {column} | `{value}` | {why} |"
                              for sheet, row, column, value, why in planted)
    return f"""
## Recruitment, cases, training and board: Soar Valley, {YEAR_TITLE}

Made by `tools.synthetic.inputs` from the Soar Valley 2025 staff above, so people and groups
line up: the people **appointed** in the recruitment file are the trust's joiners of the year (hired
{YEAR_TITLE}; not bank, not resident doctors, who are recruited nationally) with their own band,
ethnicity, disability, sex and age; the **cases** and **training records** belong to staff in post
(by employee number); the seven **executive directors** on the board are the VSM staff in those roles.
Each file has title rows above its header (the last of them names the trust).

| file | data rows |
|---|---|
{files}

**Built-in truths.** Each group's count is fixed, not drawn, so the observed figures below match the
designed ones up to rounding to whole people. Groups are the package's reading of each person's
recorded Ethnic Origin and Disability; the staff counted are people in post on 31 March 2025
(primary assignment), bank-only staff excluded.

* **Recruitment (WRES 2, WDES 2).** A shortlisted White, non-disabled applicant is appointed with
  probability {si.APPOINTMENT_RATE:.0%}; BME applicants' rate is divided by
  **{si.TRUE_APPOINTMENT_RL}** (White ÷ BME), Disabled applicants' by
  **{si.TRUE_APPOINTMENT_RL_DISABILITY}** (non-disabled ÷ Disabled), unknown ethnicity or disability
  by 1.2. For each group of ethnicity × disability with `a` appointed, `round(a / p) − a` more were
  shortlisted and not appointed; as many again applied and were not shortlisted. Stages are written
  `Offer accepted` / `Appointed`, `Interviewed - not appointed` / `Shortlisted`, `Not shortlisted` /
  `Rejected at shortlisting`. Observed, appointed ÷ shortlisted:

| group | appointed | shortlisted | rate |
|---|---|---|---|
{_rate_table(eth)}
{_rate_table(dis)}

  White ÷ BME = **{rl(eth, "White", "BME"):.3f}**; non-disabled ÷ Disabled = **{rl(dis, "No", "Yes"):.3f}** (it
  differs more from its truth because only {dis[1][2]} Disabled applicants were shortlisted, so rounding to whole
  people weighs more, and because Disabled and non-disabled applicants differ in their ethnic mix).
* **Disciplinary (WRES 3).** Exactly round({si.DISCIPLINARY_RATE:.1%} × n) White and Unknown staff and
  round({si.DISCIPLINARY_RATE:.1%} × {si.TRUE_DISCIPLINARY_RL} × n) BME staff enter a formal disciplinary
  investigation (BME ÷ White **{si.TRUE_DISCIPLINARY_RL}**); three of them have a second case (a person
  counts once). About 80% of cases record the person's ethnicity and disability; the rest are blank
  and must be taken from the staff record. Observed, people entering ÷ staff in post:

| group | entered | staff | rate |
|---|---|---|---|
{_rate_table(disc)}

  BME ÷ White = **{rl(disc, "BME", "White"):.3f}**.
* **Capability (WDES 3).** Performance capability: round({si.CAPABILITY_RATE:.1%} × n) non-disabled and
  Unknown staff, and {si.TRUE_CAPABILITY_RL:g} times that rate for Disabled staff; six more cases are
  ill-health capability (`Capability - ill health`), which WDES 3 does not count. Observed:

| disability | entered | staff | rate |
|---|---|---|---|
{_rate_table(cap)}

  Disabled ÷ non-disabled = **{rl(cap, "Yes", "No"):.3f}** (few Disabled staff, so a wide interval).
* **Training (WRES 4).** Exactly round({si.TRAINING_RATE:.0%} × n) White and Unknown staff and
  round({si.TRAINING_RATE:.0%} ÷ {si.TRUE_TRAINING_RL} × n) BME staff have at least one non-mandatory
  course (White ÷ BME **{si.TRUE_TRAINING_RL}**), each 1 + Poisson(0.5) records; one person in six also
  has a mandatory course (`Mandatory` = Yes, not counted); ten bank-only staff have a CPD record (not
  counted: they are not in the denominator). Observed:

| group | accessed | staff | rate |
|---|---|---|---|
{_rate_table(train)}

  White ÷ BME = **{rl(train, "White", "BME"):.3f}**.
* **Board (WRES 9, WDES 10).** {len(board)} members, {int(voting.sum())} voting, {int(executive.sum())}
  executive. BME: {int((board_group[voting] == "BME").sum())} of {int(voting.sum())} voting members
  ({(board_group[voting] == "BME").mean():.1%}) and {int((board_group[executive] == "BME").sum())} of
  {int(executive.sum())} executives ({(board_group[executive] == "BME").mean():.1%}), against
  {bme_share:.1%} of staff in post (unknowns in every denominator).

`broken_recruitment.xlsx` exists for the error tests. It has two sheets that both hold a recruitment
table, so a loader must be told which (`sheet=`): **Applications**, 24 applications, and **Summary**,
counts by group (the ethnicity rows and the disability rows each add up to the Total row).

| file | sheet | Excel row | column | value | why it is wrong |
|---|---|---|---|---|---|
{planted_rows}
"""


def _groups(origin: pd.Series) -> np.ndarray:
    """White, BME or Unknown from Ethnic Origin, judged from the leading code as the README tables are."""
    code = origin.fillna("").str.split().str[0].fillna("")
    unknown = code.isin(["Z", "99", "Unspecified", ""])
    white = code.str.fullmatch(r"A|B|C[0-9A-Z]?") | origin.str.startswith("White", na=False)
    return np.where(unknown, "Unknown", np.where(white, "White", "BME"))


def monthly_series(frames: list[tuple[Path, pd.DataFrame]]) -> pd.DataFrame:
    """The planted change and the planted stable measure, month by month (primary, non-bank assignments)."""
    rows, before = [], None
    senior = [f"Band {b}" for b in ("8a", "8b", "8c", "8d", "9")]
    for path, frame in frames:
        people = frame[(frame["Primary Assignment"] == "Yes") & (frame["Assignment Category"] != "Bank")]
        group = _groups(people["Ethnic Origin"])
        top = people["Pay Band"].isin(senior).to_numpy() & (group != "Unknown")
        bme = set(people.loc[group == "BME", "Employee Number"])
        left = len(before - set(frame["Employee Number"])) if before is not None else None
        rows.append((path.name[-18:-8], int(top.sum()), int((group[top] == "BME").sum()),
                     None if before is None else len(before), left))  # fmt: skip
        before = bme
    return pd.DataFrame(rows, columns=["month", "senior", "senior_bme", "bme_staff", "bme_leavers"]).astype(
        {"bme_staff": "Int64", "bme_leavers": "Int64"})


def monthly_readme(frames: list[tuple[Path, pd.DataFrame]]) -> str:
    """The README section on the monthly snapshots, with both planted series."""
    series = monthly_series(frames)
    size = sum(path.stat().st_size for path, _ in frames) / 1024**2
    lines = []
    for r in series.itertuples():
        leavers = "" if pd.isna(r.bme_staff) else \
            f"{int(r.bme_leavers)} of {int(r.bme_staff):,} ({r.bme_leavers / r.bme_staff:.2%})"
        lines.append(f"| {r.month} | {r.senior_bme} of {r.senior} ({r.senior_bme / r.senior:.1%}) | {leavers} |")
    pre = series["senior_bme"] / series["senior"]
    start = f"{POSITIVE_ACTION_START:%-d %B %Y}"
    return f"""
## Monthly snapshots: Soar Valley, {series["month"].iloc[0]} to {series["month"].iloc[-1]}

`{MONTHLY_FOLDER}/` holds {len(frames)} month-end snapshots of Soar Valley as parquet files
(`soar_valley_staff_in_post_YYYY-MM-DD.parquet`; {size:.1f} MB in all): the same ESR columns as the
yearly exports, dates as dates, every value in its plain spelling (no messy variants). They come from
the same simulation as the yearly exports (`tools.synthetic.monthly`): the March 2023, 2024 and 2025
files hold exactly the rows of the yearly workbooks, and in between each year's events are placed in
months, deterministically:

* a **leaver** leaves in a month drawn uniformly from the year (someone retiring at 67 in the month
  they turn 67, if that is earlier) and is present at the month-ends before it;
* a **joiner** is present from the first month-end on or after their Hire Date;
* a **promotion** happens in a month drawn uniformly from the year (promotions of the positive action
  programme, below, from months ending on or after its start).

Everything else about a person is as at the yearly snapshot; ages follow from the Date of Birth at
each month-end.

**Built-in truths.**

* **Planted change.** Soar Valley runs a positive action programme from **{start}**
  (`tools.synthetic.sample_data.POSITIVE_ACTION_START`): in the year to 31 March 2025, BME staff at Band 7
  are promoted with their odds multiplied by **{syn.POSITIVE_ACTION_ODDS_MULTIPLIER:g}**
  (`tools.synthetic.people.POSITIVE_ACTION_ODDS_MULTIPLIER`), so the BME/White odds ratio of promotion
  from Band 7 is {syn.TRUE_PROMOTION_ODDS_RATIO_BME * syn.POSITIVE_ACTION_ODDS_MULTIPLIER:.2g} that year
  instead of {syn.TRUE_PROMOTION_ODDS_RATIO_BME}. The BME share of Agenda for Change staff of known
  ethnicity at band 8a and above (primary, non-bank assignments) falls slowly through 2023-24, as the
  promotion gap thins BME staff out of the upper bands, and rises after the programme starts: mean
  {pre.iloc[:13].mean():.1%} over the 13 month-ends to March 2024, {pre.iloc[-6:].mean():.1%} over the
  last 6. An SPC chart of it should show special cause variation (improvement) after {start}.
* **Planted stable measure.** Leaving is unrelated to ethnicity and spread uniformly over the months, so
  the monthly leaver rate of BME staff (people with a primary, non-bank assignment recorded as BME at
  one month-end and no row at all at the next) varies by chance alone and should raise no SPC signal.
  Chance alone gives a stable 24-point series a false alarm on about one chart in five, and on one of
  six charts (p-chart, Laney p′-chart and XmR chart, with limits from every point or from the points before
  the programme) in about three draws in four. The month draws' seed
  (`tools.synthetic.monthly.MONTHS_SEED`) is therefore chosen, and said to be: it is the first of 1, 2, 3 ...
  whose series raises no signal on any of the six (runs of 7).

| month-end | BME at 8a and above (known ethnicity) | BME leavers in the month (of BME staff) |
|---|---|---|
{chr(10).join(lines)}
"""


def peers_readme(frame: pd.DataFrame) -> str:
    """The README section on the peer organisations' counts."""
    ratios = frame[frame["measure"] != "BME share at 8a and above"].assign(
        rl=lambda d: (d["a_events"] / d["a_total"]) / (d["b_events"] / d["b_total"]))
    wide = ratios.pivot(index="organisation", columns="measure", values="rl")
    sizes = frame[frame["measure"] == "8a and above"].set_index("organisation")
    staff = (sizes["a_total"] + sizes["b_total"]).astype(int)
    lines = "\n".join(
        f"| {org}{' (planted: better)' if org == sp.PEER_BETTER else ' (planted: worse)' if org == sp.PEER_WORSE else ''}"
        f" | {staff[org]:,} | {wide.at[org, '8a and above']:.2f} | {wide.at[org, 'appointed from shortlisting']:.2f} |"
        for org in sp.PEER_ORGANISATIONS
    )  # fmt: skip
    medians = ", ".join(f"{m} {v}" for m, v in sp.PEER_MEDIAN_RL.items())
    return f"""
## Peer organisations: `{PEERS_FILE}`

Counts for {len(sp.PEER_ORGANISATIONS)} further fictional NHS organisations (invented names, checked
against the list of real trusts), for pooled estimates and funnel plots with the ICB's three trusts.
One row per organisation and measure, columns
{", ".join(f"`{c}`" for c in sp.PEER_COLUMNS)}.
The relative likelihood is `(a_events / a_total) / (b_events / b_total)`, above 1 when the BME group is
worse off:

* `8a and above`: a = White staff at band 8a and above / White Agenda for Change staff of known
  ethnicity; b = the same for BME staff (the progression gap).
* `appointed from shortlisting` (WRES 2): a = White applicants appointed / shortlisted; b = BME.
* `BME share at 8a and above`: a proportion, a = BME staff at 8a and above / staff of known ethnicity
  at 8a and above (the b columns are empty).

**Built-in truths** (`tools.synthetic.peers`). Sizes run from 800 to 15,000 staff. Each
organisation's true relative likelihood is the median ({medians}) times
`exp(N(0, {sp.PEER_LOG_SD}))`: genuine variation between organisations, so the counts are over-dispersed
and a funnel plot needs the over-dispersion adjustment. Two organisations are planted:
**{sp.PEER_BETTER}** has a true relative likelihood of {sp.PEER_BETTER_RL["8a and above"]} on both
measures (clearly better than expected) and **{sp.PEER_WORSE}** {sp.PEER_WORSE_RL["8a and above"]}
(clearly worse); both should fall outside the 99.8% limits of an over-dispersed funnel (log scale,
10% Winsorised z-scores, DerSimonian–Laird τ²), and no other organisation should. Observed:

| organisation | AfC staff of known ethnicity | 8a and above RL | appointed from shortlisting RL |
|---|---|---|---|
{lines}
"""


def readme(files: dict[str, str], planted: list[Planted], soar: list[tuple[Path, pd.DataFrame]],
           extra: str = "") -> str:
    """The sample_data/README.md text, with the facts computed from what was written."""
    targets = "\n".join(f"| {g} | {syn.BME_SHARE_TARGET[g]:.0%} |" for g in syn.BME_SHARE_TARGET)
    observed = []
    for path, frame in soar:
        primary = frame[(frame["Primary Assignment"] == "Yes") & (frame["Assignment Category"] != "Bank")]
        code = primary["Ethnic Origin"].fillna("").str.split().str[0].fillna("")
        unknown = code.isin(["Z", "99", "Unspecified", ""])
        white = code.str.fullmatch(r"A|B|C[0-9A-Z]?") | primary["Ethnic Origin"].str.startswith("White", na=False)
        observed.append(f"| {path.name[-15:-5]} | {len(primary):,} | {(~white & ~unknown).mean():.1%} | "
                        f"{unknown.mean():.1%} |")  # fmt: skip
    rows = "\n".join(
        f"| `{p.file}` | {p.excel_row} | {p.column} | {f'`{p.value}`' if p.value else '(blank)'} | "
        f"{p.employee or '(blank)'} | {p.why} |"
        for p in planted
    )
    listing = "\n".join(f"| `{name}` | {what} |" for name, what in files.items())
    return f"""# Sample data: fictional NHS staff-in-post exports

**Everyone in these files is fictional.** The files are generated by
`tools.synthetic.people` (development tooling in the repository, not part of the installed
package) from random draws: names are random pairs from short made-up lists,
employee numbers are invented, and no record comes from ESR or any real trust. The three
trusts are invented too. They are placed in Leicester, Leicestershire and Rutland
({ICB}) so that the data can be compared with a real, diverse local population.

Regenerate (deterministic: the same bytes every time):

```
python -m tools.synthetic.sample_data   # from the repository root
```

## Files

| file | what it is |
|---|---|
{listing}

### Soar Valley layouts

All three files have title rows (merged across the table), a blank row, the header on Excel row 5,
fully blank rows scattered in the data, and a `Total` row at the bottom (WTE summed).

* 2023: dates written as text `dd/mm/yyyy`; a blank row every 500 rows.
* 2024: dates as Excel serial numbers (plain numbers); Employee Number as numbers, not text; a blank
  row every 750 rows.
* 2025: real Excel dates; a `Notes` sheet comes **before** the staff sheet `Staff in Post`, so a
  reader must pick the staff sheet rather than the first one.

Each year has a few messy but valid spellings (4 rows of each): `A - White - British`,
`White - British` and `Asian or Asian British - Indian` (no code), `Band 8 - Range A`,
`Band 8 - Range B`, `AfC Band 6`, `8A`, and Gender `F` / `M`. A loader should read all of them.

## Built-in truths

These are the parameters the generator draws from, so analyses can be checked against them.

* **Promotion gap.** Between consecutive snapshots, people who stay are promoted (primary
  assignment moves up at least one pay band or medical grade) with probability
  `expit(logit(baseline[grade]) + offset[staff group] + log(OR) × BME)`, where the **true odds
  ratio BME vs White is {syn.TRUE_PROMOTION_ODDS_RATIO_BME}**
  (`tools.synthetic.people.TRUE_PROMOTION_ODDS_RATIO_BME`). It is conditional on grade and staff
  group; fit `promoted ~ BME + grade + staff group` on people with known ethnicity to recover it.
  Baselines are in `PROMOTION_BASELINE`, e.g. Band 5 {syn.PROMOTION_BASELINE['Band 5']:.0%} a year.
  {syn.TWO_BAND_SHARE:.0%} of AfC promotions jump two bands. Nobody is promoted from Band 9, VSM,
  Consultant or Associate Specialist; bank-only staff and Students are never promoted. From
  {POSITIVE_ACTION_START:%-d %B %Y} a positive action programme multiplies the odds of promotion of BME
  staff at Band 7 by {syn.POSITIVE_ACTION_ODDS_MULTIPLIER:g} (see "Monthly snapshots" below): it changes
  the 2025 staff file only, and only in the grades and job roles of the people it promotes (the same
  random draws, the same joiners). Leaving is
  unrelated to ethnicity (about {syn.LEAVER_RATE:.1%} a year, {syn.RESIDENT_LEAVER_RATE:.0%} for resident
  doctors, plus retirement at 67); joiners fill the vacancies and headcount grows
  {syn.GROWTH_RATE:.0%} a year.
* **BME share by grade.** Everyone drawn into a grade (first population and joiners) is BME with
  these probabilities. The recorded share among all staff is a little lower, because
  {syn.UNKNOWN_ETHNICITY_SHARE:.0%} of people have their ethnicity recorded as unknown whatever their true group,
  and promotions thin BME staff out of the upper grades over the years.

| grade | P(BME) |
|---|---|
{targets}

* **Unknown ethnicity**: {syn.UNKNOWN_ETHNICITY_SHARE:.0%} of people, recorded as `Z Not Stated`, `99 Not Known`,
  `Unspecified` or blank, independent of everything else.
* Other targets: about 77% female (fewer among consultants and Estates), Disability `Yes` 4%,
  `Not Declared` or blank 20%; about 8% of people hold a bank assignment (bank only, or a bank
  assignment besides a substantive one); about 13% medical and dental staff at Soar Valley; an
  NHS Talking Therapies service of 75 people at Soar Valley (Org L4 `NHS Talking Therapies`,
  cost centre `TT100`).

Observed at Soar Valley (primary, non-bank assignments; ethnicity judged from the leading code):

| snapshot | people | BME | unknown |
|---|---|---|---|
{chr(10).join(observed)}

## Deliberate errors

`rutland_vale_staff_in_post_2025-03-31.xlsx` is otherwise valid; `broken_export.xlsx` exists to
show the validation report. Excel row numbers count from 1, as Excel shows them.

| file | Excel row | column | value | employee | why it is wrong |
|---|---|---|---|---|---|
{rows}
{extra}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.synthetic.sample_data", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_DATA,
                        help="folder to write the files and README.md into (default: the repository's sample_data/)")
    folder = parser.parse_args(argv).out
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    soar = soar_valley(folder)
    for path, frame in soar:
        written[path.name] = (f"{SOAR_VALLEY} (acute), staff in post at {path.name[-15:-5]}: "
                              f"{frame['Employee Number'].nunique():,} people, {len(frame):,} assignments")  # fmt: skip
    months = soar_valley_monthly(folder)
    size = sum(path.stat().st_size for path, _ in months) / 1024**2
    written[f"{MONTHLY_FOLDER}/"] = (f"{SOAR_VALLEY} at {len(months)} month-ends, {months[0][0].name[-18:-8]} to "
                                     f"{months[-1][0].name[-18:-8]}: parquet files, {size:.1f} MB in all "
                                     "(a planted change and a planted stable measure)")  # fmt: skip
    path, peers = peer_organisations(folder)
    written[path.name] = (f"{peers['organisation'].nunique()} further fictional NHS organisations: counts by "
                          "organisation and measure, for pooled estimates and funnel plots")  # fmt: skip
    path, out = charnwood(folder)
    written[path.name] = (f"{CHARNWOOD}: CSV with its own headers (Assignment No, Staff Number, AfC Band, FTE, "
                          f"Age Band instead of Date of Birth, Sex, Ethnicity, Disabled ...); "
                          f"{out['Staff Number'].nunique():,} people")  # fmt: skip
    path, out, planted_r = rutland_vale(folder)
    written[path.name] = (f"{RUTLAND_VALE}: two-row header with merged cells (Contract and Demographics "
                          f"groups), Grade, WTE and Age in years; {out['Employee Number'].nunique():,} people; "
                          f"{len(planted_r)} planted errors")  # fmt: skip
    path, out, planted_b = broken_export(folder)
    written[path.name] = f"A {len(out)}-row ESR-style export with {len(planted_b)} deliberate mistakes"
    staff_2025 = soar[-1][1]
    inputs = soar_valley_inputs(staff_2025, folder)
    what = {"recruitment": "applications with the furthest stage reached (WRES 2, WDES 2)",
            "cases": "formal disciplinary and capability cases (WRES 3, WDES 3)",
            "training": "training and CPD records, mandatory and not (WRES 4)",
            "board": "board members: voting, executive, ethnicity, disability (WRES 9, WDES 10)"}
    for kind, (path, frame) in inputs.items():
        written[path.name] = f"{SOAR_VALLEY}, {what[kind]}: {len(frame):,} rows"
    path, planted_i = broken_recruitment(inputs["recruitment"][1], folder)
    written[path.name] = (f"Recruitment with {len(planted_i)} deliberate mistakes: sheet Applications "
                          "(unknown stages) and sheet Summary (counts by group)")
    for name in written:
        size = sum(p.stat().st_size for p in (folder / name).glob("*")) if name.endswith("/") else \
            (folder / name).stat().st_size
        print(f"wrote {folder / name} ({size / 1024:,.0f} KB)")
    planted = sorted(planted_r + planted_b, key=lambda p: (p.file != planted_r[0].file, p.excel_row))
    extra = monthly_readme(months) + peers_readme(peers) + inputs_readme(staff_2025, inputs, planted_i)
    (folder / "README.md").write_text(readme(written, planted, soar, extra), encoding="utf-8")
    print(f"wrote {folder / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
