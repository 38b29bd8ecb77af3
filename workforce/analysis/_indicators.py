"""WRES indicators 2, 3, 4 and 9 and WDES metrics 2, 3 and 10, each from its own input.

Each relative likelihood is given in its official direction (definitions 1.2
and 3), so that above 1 always means the BME or Disabled group is worse off:

========  ===============================================  =====================
WRES 2    appointed from shortlisting                      White ÷ BME
WRES 3    entering a formal disciplinary investigation     BME ÷ White
WRES 4    accessing non-mandatory training and CPD         White ÷ BME
WDES 2    appointed from shortlisting                      non-disabled ÷ Disabled
WDES 3    entering the formal capability process           Disabled ÷ non-disabled
========  ===============================================  =====================

Each comes with its Katz log interval, the Wald p-value, the practical flag
(outside the NHS non-adverse range 0.80-1.25), the statistical flag (the
interval excludes 1) and a state: "estimated", "insufficient data" (fewer
than ``min_size`` people in a group; figures shown) or "not estimable" (a
zero cell: no figure), as :func:`workforce.analysis._likelihood.relative_likelihood`.
WRES 9 and WDES 10 are percentage-point differences between the board and the
workforce, for voting and for executive members.

Decisions where the definitions are silent (the package's own):

* **Unknowns** (ethnicity not stated, disability not declared) drop out of
  every relative likelihood (definitions 1.3) and are counted in
  ``unknown_events`` and ``unknown_total``.  For WRES 9 / WDES 10 the shares
  include them in the denominator (WRES indicator 1 style), and their counts
  are shown.
* **Denominators of 3 and 4** are the staff in post: one row per person, each
  organisation's latest snapshot, people whose only assignments are bank left
  out (as in WRES indicator 1 and WDES metric 1 since 2023; ``include_bank``
  puts them back).  The board indicators use the same workforce.
* **People, not cases or courses**: a person with several cases, or several
  courses, counts once.
* **Whose group**: training records take the person's group from the staff
  table (a record of someone not in it, or bank-only, is not counted: the
  numerator must be part of the denominator).  Cases take the group the case
  file records where it is known, else the staff record's; a case of someone
  no longer in the staff table (a leaver, a dismissal) still counts with the
  group the case file gives.  Load cases and training with ``like=staff``
  (the staff table's pseudonym key), so people match: an input hashed with
  another key is refused.
* **Loading is the caller's job**: each function takes the loaded
  :class:`~workforce.InputTable` of its kind (never a path or a DataFrame),
  whose report stays with it; its errors and warnings are counted in ``note``.
* **Recruitment** counts applications (one person applying twice counts
  twice), as recruitment systems report them.
* **The files are taken to cover one reporting year**; filter them first if
  not.
* **Board intervals**: a Wilson interval of the board share, less the
  workforce share (taken as known), as in :func:`workforce.representation`.

The whole WRES and WDES tables, which summarise these indicators with
indicator / metric 1 and the NHS Staff Survey figures, are
:func:`workforce.analysis._standards.wres` and :func:`workforce.analysis._standards.wdes`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._result import Method, Result
from .._spec import Kind, ResultSpec, columns
from ..errors import WorkforceError
from ..load import InputTable, StaffTable
from ._cohort import counted_people, distinct_text
from ._likelihood import NON_ADVERSE, relative_likelihood
from ._stats import wilson_interval

__all__ = [
    "wres_recruitment",
    "wres_disciplinary",
    "wres_training",
    "wres_board",
    "wdes_recruitment",
    "wdes_capability",
    "wdes_board",
    "LIKELIHOOD_COLUMNS",
    "BOARD_INDICATOR_COLUMNS",
]

#: What the relative-likelihood indicators return (WRES 2, 3, 4; WDES 2, 3): one row.
LIKELIHOOD_INDICATOR = ResultSpec(
    kind=Kind.LIKELIHOOD_INDICATOR,
    title="A WRES or WDES relative likelihood",
    columns=columns(
        ("standard", "str", "WRES or WDES"),
        ("indicator", "int64", "the indicator or metric number"),
        ("measure", "str", "what is counted (appointed from shortlisting, entering a formal process, ...)"),
        ("group_a", "str", "the numerator group of the official direction"),
        ("group_b", "str", "the other group"),
        ("events_a", "int64", "people of group a with the event (appointed, entering the process, trained)"),
        ("total_a", "int64", "people of group a (shortlisted applicants, or staff in post)"),
        ("rate_a", "float64", "events_a / total_a"),
        ("events_b", "int64", "people of group b with the event"),
        ("total_b", "int64", "people of group b"),
        ("rate_b", "float64", "events_b / total_b"),
        ("ratio", "float64", "rate_a / rate_b: above 1 means the BME or Disabled group is worse off"),
        ("ci_low", "float64", "lower limit of the Katz log interval"),
        ("ci_high", "float64", "upper limit of the Katz log interval"),
        ("p_value", "float64", "Wald test of log(ratio) = 0"),
        ("outside_non_adverse", "boolean", "outside the non-adverse range 0.80-1.25"),
        ("significant", "boolean", "the interval excludes 1"),
        ("state", "str", "estimated, insufficient data or not estimable"),
        ("reason", "str", "why, when not estimated"),
        ("unknown_events", "int64", "people of unknown group with the event (left out of the ratio)"),
        ("unknown_total", "int64", "people of unknown group"),
        ("direction", "str", "what above 1 means"),
        ("note", "str", "what else the reader should know (people not matched to staff, input problems)"),
    ),
    source="publish the WRES or WDES table (wres(), wdes()), which holds its counts",
    chart="likelihood_chart",
)
#: Columns of the relative-likelihood indicators' tables (see :data:`LIKELIHOOD_INDICATOR`).
LIKELIHOOD_COLUMNS = LIKELIHOOD_INDICATOR.names
#: What the board indicators return (WRES 9, WDES 10): one row for voting members, one for executives.
BOARD_INDICATOR = ResultSpec(
    kind=Kind.BOARD_INDICATOR,
    title="Board membership against the workforce",
    columns=columns(
        ("standard", "str", "WRES or WDES"),
        ("indicator", "int64", "9 (WRES) or 10 (WDES)"),
        ("membership", "str", "voting or executive members"),
        ("group", "str", "the group counted (BME, Disabled)"),
        ("members", "int64", "board members of that membership"),
        ("members_group", "int64", "of them, in the group"),
        ("members_unknown", "int64", "of them, of unknown group"),
        ("board_share", "float64", "members_group / members (unknowns in the denominator)"),
        ("board_share_ci_low", "float64", "lower limit of the Wilson interval of board_share"),
        ("board_share_ci_high", "float64", "upper limit of the Wilson interval of board_share"),
        ("workforce", "int64", "staff in post"),
        ("workforce_group", "int64", "of them, in the group"),
        ("workforce_unknown", "int64", "of them, of unknown group"),
        ("workforce_share", "float64", "workforce_group / workforce"),
        ("difference_pp", "float64", "(board_share - workforce_share) x 100"),
        ("difference_ci_low", "float64", "lower limit: the board share's interval less the workforce share"),
        ("difference_ci_high", "float64", "upper limit"),
        ("significant", "boolean", "the interval excludes the workforce share"),
        ("state", "str", "estimated or not estimable"),
        ("direction", "str", "what the sign means"),
        ("note", "str", "what else the reader should know"),
    ),
    source="publish the WRES or WDES table (wres(), wdes())",
)
#: Columns of the board indicators' tables (see :data:`BOARD_INDICATOR`).
BOARD_INDICATOR_COLUMNS = BOARD_INDICATOR.names


@dataclass(frozen=True)
class _Indicator:
    standard: str
    number: str
    wording: str
    measure: str
    column: str  # the input column holding the groups
    a: tuple[str, str]  # (value, label) of the numerator group
    b: tuple[str, str]
    direction: str


_WRES2 = _Indicator("WRES", "2", "Relative likelihood of White applicants being appointed from shortlisting "
                    "compared to BME applicants", "appointed from shortlisting", "wres_group",
                    ("White", "White"), ("BME", "BME"),
                    "White ÷ BME: above 1 means White applicants are more likely to be appointed from shortlisting")
_WRES3 = _Indicator("WRES", "3", "Relative likelihood of BME staff entering the formal disciplinary process "
                    "compared to White staff", "entering a formal disciplinary investigation", "wres_group",
                    ("BME", "BME"), ("White", "White"),
                    "BME ÷ White: above 1 means BME staff are more likely to enter the formal disciplinary process")
_WRES4 = _Indicator("WRES", "4", "Relative likelihood of White staff accessing non-mandatory training and CPD "
                    "compared to BME staff", "accessing non-mandatory training and CPD", "wres_group",
                    ("White", "White"), ("BME", "BME"),
                    "White ÷ BME: above 1 means White staff are more likely to access non-mandatory training and CPD")
_WDES2 = _Indicator("WDES", "2", "Relative likelihood of non-disabled staff compared to Disabled staff being "
                    "appointed from shortlisting across all posts", "appointed from shortlisting", "disability",
                    ("No", "Non-disabled"), ("Yes", "Disabled"),
                    "non-disabled ÷ Disabled: above 1 means non-disabled applicants are more likely to be appointed "
                    "from shortlisting")
_WDES3 = _Indicator("WDES", "3", "Relative likelihood of Disabled staff compared to non-disabled staff entering "
                    "the formal capability process", "entering the formal capability process (performance)",
                    "disability", ("Yes", "Disabled"), ("No", "Non-disabled"),
                    "Disabled ÷ non-disabled: above 1 means Disabled staff are more likely to enter the formal "
                    "capability process")
_BOARD = {
    "WRES": _Indicator("WRES", "9", "Percentage difference between the organisation's board voting membership and "
                       "its overall workforce (and executive membership)", "BME share of the board",
                       "wres_group", ("BME", "BME"), ("White", "White"),
                       "board BME % − workforce BME %: below 0 means BME people are a smaller part of the board than "
                       "of the workforce"),
    "WDES": _Indicator("WDES", "10", "Percentage difference between the organisation's board voting membership "
                       "and its overall workforce, by voting and by executive membership",
                       "Disabled share of the board",
                       "disability", ("Yes", "Disabled"), ("No", "Non-disabled"),
                       "board Disabled % − workforce Disabled %: below 0 means Disabled people are a smaller part of "
                       "the board than of the workforce"),
}


# ---------------------------------------------------------------- relative likelihoods


def wres_recruitment(recruitment: InputTable, *, confidence: float = 0.95, min_size: int = 10) -> Result:
    """WRES indicator 2: White ÷ BME likelihood of being appointed from shortlisting.

    Parameters
    ----------
    recruitment : InputTable
        From :func:`workforce.load_recruitment`: applications, or counts by
        group.
    confidence : float
        Level of the Katz interval.
    min_size : int
        Fewer shortlisted applicants in a group gives "insufficient data".

    Returns
    -------
    Result
        One row, columns :data:`LIKELIHOOD_COLUMNS`: appointed (events) of
        shortlisted (total) for White (a) and BME (b) applicants; applicants
        of unknown ethnicity are left out of the ratio and counted in
        ``unknown_events`` and ``unknown_total``.

    Examples
    --------
    >>> import workforce
    >>> from workforce.analysis import wres_recruitment
    >>> recruitment = workforce.load_recruitment(workforce.sample_data("soar_valley_recruitment_2024-25.xlsx"))
    >>> table = wres_recruitment(recruitment).table
    >>> table[["group_a", "events_a", "total_a", "group_b", "events_b", "total_b"]]
      group_a  events_a  total_a group_b  events_b  total_b
    0   White       374     1299     BME       210     1103
    >>> table[["ratio", "ci_low", "ci_high", "outside_non_adverse", "significant", "state"]].round(2)
       ratio  ci_low  ci_high  outside_non_adverse  significant      state
    0   1.51     1.3     1.75                 True         True  estimated
    """
    return _recruitment(_WRES2, recruitment, confidence, min_size)


def wdes_recruitment(recruitment: InputTable, *, confidence: float = 0.95, min_size: int = 10) -> Result:
    """WDES metric 2: non-disabled ÷ Disabled likelihood of being appointed from shortlisting.

    Parameters and result as :func:`wres_recruitment` (a = non-disabled,
    b = Disabled; disability not declared is unknown).

    Examples
    --------
    >>> import workforce
    >>> from workforce.analysis import wdes_recruitment
    >>> recruitment = workforce.load_recruitment(workforce.sample_data("soar_valley_recruitment_2024-25.xlsx"))
    >>> table = wdes_recruitment(recruitment).table
    >>> table[["group_a", "events_a", "total_a", "group_b", "events_b", "total_b", "ratio"]].round(2)
            group_a  events_a  total_a   group_b  events_b  total_b  ratio
    0  Non-disabled       463     1811  Disabled        23      111   1.23
    """
    return _recruitment(_WDES2, recruitment, confidence, min_size)


def wres_disciplinary(staff: StaffTable | pd.DataFrame, disciplinary: InputTable, *, include_bank: bool = False,
                      confidence: float = 0.95, min_size: int = 10) -> Result:
    """WRES indicator 3: BME ÷ White likelihood of entering the formal disciplinary process.

    Events are the people entering a formal disciplinary investigation in
    the cases file (a person with several cases counts once; capability
    cases are not counted here); totals are the staff in post of each group.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff` (or its ``people``), one
        organisation; with several snapshots its latest is used.
    disciplinary : InputTable
        From :func:`workforce.load_disciplinary`, loaded with ``like=staff``.
    include_bank : bool
        Count people whose only assignments are bank (left out by default).
    confidence, min_size
        As :func:`wres_recruitment`.

    Returns
    -------
    Result
        One row, columns :data:`LIKELIHOOD_COLUMNS` (a = BME, b = White).

    Examples
    --------
    >>> import workforce
    >>> from workforce.analysis import wres_disciplinary
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> cases = workforce.load_disciplinary(workforce.sample_data("soar_valley_disciplinary_2024-25.xlsx"), like=staff)
    >>> table = wres_disciplinary(staff, cases).table
    >>> table[["group_a", "events_a", "total_a", "group_b", "events_b", "total_b", "ratio", "significant"]].round(2)
      group_a  events_a  total_a group_b  events_b  total_b  ratio  significant
    0     BME        34     2206   White        43     3599   1.29        False
    """
    return _cases(_WRES3, "disciplinary", staff, disciplinary, include_bank, confidence, min_size)


def wdes_capability(staff: StaffTable | pd.DataFrame, disciplinary: InputTable, *, include_bank: bool = False,
                    confidence: float = 0.95, min_size: int = 10) -> Result:
    """WDES metric 3: Disabled ÷ non-disabled likelihood of entering the formal capability process.

    Only capability cases about performance count (not ill health, nor
    disciplinary cases).  Otherwise as :func:`wres_disciplinary` (a =
    Disabled, b = non-disabled).

    Examples
    --------
    >>> import workforce
    >>> from workforce.analysis import wdes_capability
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> cases = workforce.load_disciplinary(workforce.sample_data("soar_valley_disciplinary_2024-25.xlsx"), like=staff)
    >>> table = wdes_capability(staff, cases).table
    >>> table[["events_a", "total_a", "events_b", "total_b", "ratio", "ci_low", "ci_high"]].round(2)
       events_a  total_a  events_b  total_b  ratio  ci_low  ci_high
    0         3      255        28     4604   1.93    0.59     6.32
    """
    return _cases(_WDES3, "capability", staff, disciplinary, include_bank, confidence, min_size)


def wres_training(staff: StaffTable | pd.DataFrame, training: InputTable, *, include_bank: bool = False,
                  confidence: float = 0.95, min_size: int = 10) -> Result:
    """WRES indicator 4: White ÷ BME likelihood of accessing non-mandatory training and CPD.

    Events are the staff in post with at least one non-mandatory record in
    the training file; totals are the staff in post of each group.  Records
    of people not in the staff table (or bank-only) are not counted, and the
    note says how many.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        As :func:`wres_disciplinary`.
    training : InputTable
        From :func:`workforce.load_training`, loaded with ``like=staff``.
    include_bank, confidence, min_size
        As :func:`wres_disciplinary`.

    Returns
    -------
    Result
        One row, columns :data:`LIKELIHOOD_COLUMNS` (a = White, b = BME).

    Examples
    --------
    >>> import workforce
    >>> from workforce.analysis import wres_training
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> training = workforce.load_training(workforce.sample_data("soar_valley_training_2024-25.xlsx"), like=staff)
    >>> table = wres_training(staff, training).table
    >>> table[["events_a", "total_a", "events_b", "total_b", "ratio", "ci_low", "ci_high"]].round(2)
       events_a  total_a  events_b  total_b  ratio  ci_low  ci_high
    0      1152     3599       614     2206   1.15    1.06     1.25
    >>> print(table["note"][0].split(". ", 1)[1])
    10 people with non-mandatory training records are not counted: bank only.
    """
    spec = _WRES4
    records = _input(training, "training", staff)
    people, workforce_note = _workforce(staff, include_bank)
    counted = records.table.loc[records.table["counted"].astype(bool), "person_id"].dropna().unique()
    kept = people.set_index("person_id")
    everyone = _everyone(staff).set_index("person_id")
    matched = pd.Index(counted).intersection(kept.index)
    values = kept.loc[matched, spec.column].astype("object")
    events = values.value_counts()
    not_counted = len(counted) - len(matched)
    notes = [workforce_note]
    if not_counted:
        bank = pd.Index(counted).difference(kept.index).intersection(everyone.index)
        why = "bank only" if len(bank) == not_counted else \
            "not in the staff table" + (f" ({len(bank)} bank only)" if len(bank) else "")
        notes.append(f"{not_counted} people with non-mandatory training records are not counted: {why}.")
        if len(matched) == 0:
            notes.append("no training record matched anyone in the staff table: load the training with "
                         "like=staff.")
    totals = people[spec.column].astype("object").value_counts()
    notes.append(_input_note(records))
    table = _likelihood_table(spec, events, totals, confidence, min_size, notes)
    return Result(table=table, spec=LIKELIHOOD_INDICATOR, method=_method(spec, confidence, min_size, include_bank,
                                              events="staff in post with at least one non-mandatory training or "
                                                     "CPD record (people, not courses)",
                                              totals="staff in post of each group"))


# ---------------------------------------------------------------- board


def wres_board(staff: StaffTable | pd.DataFrame, board: InputTable, *, include_bank: bool = False,
               confidence: float = 0.95) -> Result:
    """WRES indicator 9: board BME share less workforce BME share, voting and executive members.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        As :func:`wres_disciplinary`: the workforce compared with.
    board : InputTable
        From :func:`workforce.load_board`.
    include_bank : bool
        Count bank-only people in the workforce.
    confidence : float
        Level of the Wilson interval of the board share.

    Returns
    -------
    Result
        Two rows ("voting", "executive"), columns
        :data:`BOARD_INDICATOR_COLUMNS`.  Unknown ethnicity stays in every
        denominator (shares sum to 100% with White and Unknown).

    Examples
    --------
    >>> import workforce
    >>> from workforce.analysis import wres_board
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> t = wres_board(staff, workforce.load_board(workforce.sample_data("soar_valley_board_2025-03-31.xlsx"))).table
    >>> t[["membership", "members", "members_group", "difference_pp"]].round(1)
      membership  members  members_group  difference_pp
    0     voting       11              2          -18.3
    1  executive        7              0          -36.5
    """
    return _board(_BOARD["WRES"], staff, board, include_bank, confidence)


def wdes_board(staff: StaffTable | pd.DataFrame, board: InputTable, *, include_bank: bool = False,
               confidence: float = 0.95) -> Result:
    """WDES metric 10: board Disabled share less workforce Disabled share, voting and executive members.

    As :func:`wres_board`, for disability (not declared stays in every
    denominator).

    Examples
    --------
    >>> import workforce
    >>> from workforce.analysis import wdes_board
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> t = wdes_board(staff, workforce.load_board(workforce.sample_data("soar_valley_board_2025-03-31.xlsx"))).table
    >>> t[["membership", "members", "members_group", "members_unknown"]]
      membership  members  members_group  members_unknown
    0     voting       11              1                1
    1  executive        7              0                0
    """
    return _board(_BOARD["WDES"], staff, board, include_bank, confidence)


# ---------------------------------------------------------------- shared


_LOAD_CALLS = {"recruitment": "load_recruitment({})", "disciplinary": "load_disciplinary({}, like=staff)",
               "training": "load_training({}, like=staff)", "board": "load_board({})"}


def _input(value, kind: str, staff=None) -> InputTable:
    """The loaded input of ``kind``, hashed with the staff table's key; paths and frames are refused.

    Loading is the caller's job, so that the input keeps its report and its
    pseudonym key is the staff table's: a path, a DataFrame, an input of
    another kind, or one hashed with another key than ``staff`` (when both
    record theirs) is a :class:`~workforce.errors.WorkforceError` naming the fix.
    """
    if not isinstance(value, InputTable):
        given = "a path" if isinstance(value, (str, os.PathLike)) else f"a {type(value).__name__}"
        call = "workforce." + _LOAD_CALLS[kind].format("path" if given == "a path" else "frame")
        raise WorkforceError(f"the {kind} input must be loaded first, not given as {given}: pass "
                             f"{call} (its problems are then in its .report).")
    if value.kind != kind:
        raise WorkforceError(f"a {kind} input is needed here, not the {value.kind} input; load the {kind} file "
                             f"with workforce.{_LOAD_CALLS[kind].format('path')}.")
    ours = getattr(staff, "key_fingerprint", None)
    if ours is not None and value.key_fingerprint is not None and value.key_fingerprint != ours:
        raise WorkforceError(
            f"the {kind} input was pseudonymised with another key (fingerprint {value.key_fingerprint}) than the "
            f"staff table ({ours}), so its people would match no one in the staff table: load it with "
            f"workforce.{_LOAD_CALLS[kind].format('path')}.")
    return value


def _input_note(loaded: InputTable) -> str:
    severity = loaded.report.problems["severity"].value_counts()
    errors, warnings = int(severity.get("error", 0)), int(severity.get("warning", 0))
    if not errors and not warnings:
        return ""
    return (f"the {loaded.kind} input has {errors} error(s) and {warnings} warning(s) (rows or values not used): "
            "see its .report.")


def _everyone(staff) -> pd.DataFrame:
    """The staff table's people in each organisation's latest snapshot, bank-only people included."""
    people, keep, _snapshots = counted_people(staff, include_bank=True)
    return people[keep]


def _workforce(staff, include_bank: bool) -> tuple[pd.DataFrame, str]:
    """The staff in post counted in the denominators (one organisation), and a note on who they are."""
    people, keep, snapshots = counted_people(staff, include_bank)
    people = people[keep]
    organisations = distinct_text(people["organisation"])
    if len(organisations) > 1:
        raise WorkforceError(
            f"these indicators are for one organisation, but the staff table holds {len(organisations)}: "
            f"{organisations}. Choose one, for example staff.people[staff.people['organisation'] == "
            f"{organisations[0]!r}].")
    if people["person_id"].duplicated().any():
        raise WorkforceError("the staff table has a person twice in one snapshot; load it with workforce.load_staff.")
    what = "staff in post" + ("" if include_bank else " (bank-only people left out)")
    return people, f"denominator: {len(people):,} {what} on {', '.join(snapshots)}."


def _likelihood_table(spec: _Indicator, events: pd.Series, totals: pd.Series, confidence: float, min_size: int,
                      notes: list[str]) -> pd.DataFrame:
    """The one-row table of a relative likelihood, from events and totals by group value."""
    (a, label_a), (b, label_b) = spec.a, spec.b
    ea, na = int(events.get(a, 0)), int(totals.get(a, 0))
    eb, nb = int(events.get(b, 0)), int(totals.get(b, 0))
    eu = int(events.sum()) - ea - eb
    nu = int(totals.sum()) - na - nb
    for label, e, n in ((label_a, ea, na), (label_b, eb, nb)):
        if e > n:
            raise WorkforceError(f"{spec.standard} {spec.number}: more {label} people {spec.measure} ({e}) than "
                                 f"{label} people counted in the denominator ({n}); are the files for the same "
                                 "organisation and year?")
    rl = relative_likelihood(ea, na, eb, nb, confidence=confidence, min_size=min_size)
    reason = rl.reason
    if na + nb + nu == 0:
        column = "ethnicity" if spec.column == "wres_group" else "disability"
        reason = f"the data give no {column}"
    row = {
        "standard": spec.standard, "indicator": int(spec.number), "measure": spec.measure,
        "group_a": label_a, "group_b": label_b,
        "events_a": ea, "total_a": na, "rate_a": rl.rate_a, "events_b": eb, "total_b": nb, "rate_b": rl.rate_b,
        "ratio": rl.ratio, "ci_low": rl.ci_low, "ci_high": rl.ci_high, "p_value": rl.p_value,
        "outside_non_adverse": rl.outside_non_adverse, "significant": rl.significant,
        "state": rl.state, "reason": reason, "unknown_events": eu, "unknown_total": nu,
        "direction": spec.direction, "note": " ".join(n for n in notes if n),
    }
    table = pd.DataFrame([row])[LIKELIHOOD_COLUMNS]
    table["outside_non_adverse"] = table["outside_non_adverse"].astype("boolean")
    table["significant"] = table["significant"].astype("boolean")
    return table


def _method(spec: _Indicator, confidence: float, min_size: int, include_bank: bool | None, events: str,
            totals: str, **more: str) -> Method:
    notes = {
        "indicator": f"{spec.standard} {'indicator' if spec.standard == 'WRES' else 'metric'} {spec.number}",
        "definition": spec.wording,
        "direction": spec.direction,
        "events": events,
        "totals": totals,
        "unknowns": "left out of the ratio (definitions 1.3); counted in unknown_events and unknown_total",
        "non-adverse range": f"{NON_ADVERSE[0]:.2f}-{NON_ADVERSE[1]:.2f} (four-fifths rule)",
        "zero cells": "not estimable (no figure given)",
        **more,
    }
    if include_bank is not None:
        notes["staff"] = ("one row per person (primary assignment), the organisation's latest snapshot; "
                          + ("bank-only people included" if include_bank else "bank-only people left out"))
    bank = "" if include_bank is None else "included" if include_bank else "bank-only people left out"
    return Method(confidence=confidence, interval="Katz log", test="Wald z-test of log RL = 0", min_size=min_size,
                  bank=bank, notes=notes)


def _recruitment(spec: _Indicator, recruitment, confidence: float, min_size: int) -> Result:
    loaded = _input(recruitment, "recruitment")
    rows = loaded.table[loaded.table[spec.column].notna()]
    by_group = rows.groupby(rows[spec.column].astype("object"))[["shortlisted", "appointed"]].sum()
    table = _likelihood_table(spec, by_group["appointed"], by_group["shortlisted"], confidence, min_size,
                              [_input_note(loaded)])
    method = _method(spec, confidence, min_size, None, events="applications appointed (offered the post)",
                     totals="applications shortlisted (an appointed applicant was shortlisted)",
                     **{"recruitment layout": loaded.layout})
    return Result(table=table, spec=LIKELIHOOD_INDICATOR, method=method)


def _cases(spec: _Indicator, case_type: str, staff, disciplinary, include_bank: bool, confidence: float,
           min_size: int) -> Result:
    loaded = _input(disciplinary, "disciplinary", staff)
    people, workforce_note = _workforce(staff, include_bank)
    cases = loaded.table[(loaded.table["case_type"] == case_type).to_numpy()]
    known = (spec.a[0], spec.b[0])
    own = cases[spec.column].astype("object").where(cases[spec.column].isin(known).to_numpy())
    own = own.groupby(cases["person_id"].to_numpy()).first()  # the case file's group, where it gives one
    ids = pd.Index(cases["person_id"].dropna().unique())
    everyone = _everyone(staff).set_index("person_id")
    kept = people.set_index("person_id")
    in_staff = ids.isin(everyone.index)
    bank_only = ids.isin(everyone.index) & ~ids.isin(kept.index)
    counted = ids[~bank_only]
    from_staff = everyone[spec.column].astype("object").reindex(counted)
    values = own.reindex(counted).fillna(from_staff).fillna("Unknown")
    events = values.value_counts()
    n_from_staff = int((own.reindex(counted).isna().to_numpy() & counted.isin(everyone.index)).sum())
    notes = [workforce_note,
             f"{len(ids)} people entered the process ({len(cases)} cases); {n_from_staff} took their group from the "
             "staff record." if len(ids) else "no one entered the process."]
    gone = int((~in_staff).sum())
    if gone:
        notes.append(f"{gone} not in the staff table (leavers, or not in this snapshot) count with the group the "
                     "case file gives.")
        if not in_staff.any():
            notes.append("no case matched anyone in the staff table: load the cases with like=staff.")
    if bank_only.any():
        notes.append(f"{int(bank_only.sum())} bank-only people not counted (not in the denominator).")
    notes.append(_input_note(loaded))
    totals = people[spec.column].astype("object").value_counts()
    table = _likelihood_table(spec, events, totals, confidence, min_size, notes)
    return Result(table=table, spec=LIKELIHOOD_INDICATOR, method=_method(
        spec, confidence, min_size, include_bank,
        events=f"people entering a formal {case_type} process in the case file (a person once, whatever their "
               "number of cases); group from the case file where known, else the staff record",
        totals="staff in post of each group"))


def _board(spec: _Indicator, staff, board, include_bank: bool, confidence: float) -> Result:
    loaded = _input(board, "board")
    people, workforce_note = _workforce(staff, include_bank)
    members = loaded.table
    group, other = spec.a[0], spec.b[0]
    values = people[spec.column].astype("object")
    wf_n, wf_group = len(values), int((values == group).sum())
    wf_unknown = wf_n - wf_group - int((values == other).sum())
    wf_share = wf_group / wf_n if wf_n else np.nan
    rows = []
    for membership in ("voting", "executive"):
        flag = members[membership].astype("boolean")
        these = members.loc[flag.fillna(False).to_numpy(dtype=bool), spec.column].astype("object")
        n, k = len(these), int((these == group).sum())
        unknown = n - k - int((these == other).sum())
        low, high = (float(v[0]) for v in wilson_interval([k], [n], confidence))
        share = k / n if n else np.nan
        unread = int(flag.isna().sum())
        note = " ".join(filter(None, [
            workforce_note if membership == "voting" else "",
            f"{unread} member(s) with no {membership} flag left out." if unread else "",
            _input_note(loaded)]))
        rows.append({
            "standard": spec.standard, "indicator": int(spec.number), "membership": membership, "group": spec.a[1],
            "members": n, "members_group": k, "members_unknown": unknown,
            "board_share": share, "board_share_ci_low": low, "board_share_ci_high": high,
            "workforce": wf_n, "workforce_group": wf_group, "workforce_unknown": wf_unknown,
            "workforce_share": wf_share,
            "difference_pp": (share - wf_share) * 100, "difference_ci_low": (low - wf_share) * 100,
            "difference_ci_high": (high - wf_share) * 100,
            "significant": (low > wf_share or high < wf_share) if n else None,
            "state": "estimated" if n and wf_n else "not estimable",
            "direction": spec.direction, "note": note,
        })
    table = pd.DataFrame(rows)[BOARD_INDICATOR_COLUMNS]
    table["significant"] = table["significant"].astype("boolean")
    method = Method(
        confidence=confidence,
        interval="Wilson score interval of the board share, less the workforce share (taken as known); "
                 "significant when it excludes the workforce share",
        bank="included" if include_bank else "bank-only people left out",
        notes={
            "indicator": f"{spec.standard} {'indicator' if spec.standard == 'WRES' else 'metric'} {spec.number}",
            "definition": spec.wording,
            "direction": spec.direction,
            "shares": f"{spec.a[1]} ÷ everyone (unknowns included, as WRES indicator 1), board and workforce",
            "staff": "one row per person (primary assignment), the organisation's latest snapshot; "
                     + ("bank-only people included" if include_bank else "bank-only people left out"),
        },
    )
    return Result(table=table, spec=BOARD_INDICATOR, method=method)
