"""The whole WRES and WDES tables: one row per indicator or metric, as trusts lay out their reports.

:func:`wres` gives WRES indicators 1-9 and :func:`wdes` WDES metrics 1-10,
each row summarised from the function that computes it in full:

=======================  ============================  ==========================================
WRES 1, WDES 1           share at band 8a and above    :func:`workforce.analysis._ladder.ladder`
WRES 2, 3, 4; WDES 2, 3  relative likelihoods          :mod:`workforce.analysis._indicators`
WRES 9, WDES 10          board less workforce share    :mod:`workforce.analysis._indicators`
WRES 5-8, WDES 4-9       NHS Staff Survey figures      given as ``staff_survey=`` (no interval)
=======================  ============================  ==========================================

An indicator whose input is not given is shown as "not provided".  The
staff table must hold one organisation; its latest snapshot is used, with
people whose only assignments are bank left out unless ``include_bank``.
Each row keeps the official direction of its indicator (``direction`` says
what the value means), and the table's ``.method`` names the function that
gives each row's full table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, Margin, Part, ResultSpec, columns, where_in
from ..errors import WorkforceError
from ..populations import latest_national
from ._cohort import counted_people, distinct_text
from ._indicators import (
    _BOARD,
    _WDES2,
    _WDES3,
    _WRES2,
    _WRES3,
    _WRES4,
    _Indicator,
    _input,
    _workforce,
    wdes_board,
    wdes_capability,
    wdes_recruitment,
    wres_board,
    wres_disciplinary,
    wres_recruitment,
    wres_training,
)
from ._ladder import LadderCharacteristic, ladder
from ._likelihood import NON_ADVERSE
from ._stats import wilson_interval

if TYPE_CHECKING:
    from ..load import InputTable, StaffTable

#: Staff Survey figures: indicator or metric -> group -> proportion (or percentage, or score).
SurveyFigures = Mapping[int | str, Mapping[str, float]]

__all__ = ["wres", "wdes", "standard_sentences", "WRES_COLUMNS", "WDES_COLUMNS"]

#: The unit of a WRES or WDES row's value: the row's own.
_AS_UNIT = "as the row's unit column says (ratio, percentage points or points)"


def _standard_columns(number: str, a: str, b: str, what: tuple[str, str]) -> tuple:
    key = ((number, "int64", "the indicator number, 1 to 9"),) if number == "indicator" else (
        (number, "int64", "the metric number, 1 to 10"),
        ("part", "str", "the part of a Staff Survey metric, such as 'a(i)' in metric 4a(i); empty for the whole "
                        "metric"))
    return columns(
        *key,
        ("wording", "str", "short form of the official wording"),
        (a, "float64", f"the {what[0]} group's figure as a proportion: the share at band 8a and above (1), the rate "
                       "(relative likelihoods), the survey figure; missing for the board row",
         "proportion (0 to 1); points for a survey score"),
        (b, "float64", f"the {what[1]} group's figure, as {a}", "proportion (0 to 1); points for a survey score"),
        ("value", "float64", "the relative likelihood, or a difference in percentage points (see unit)", _AS_UNIT),
        ("ci_low", "float64", "lower limit of the value's interval", _AS_UNIT),
        ("ci_high", "float64", "upper limit of the value's interval", _AS_UNIT),
        (f"{a}_count", "Int64", f"the {what[0]} group's count behind its figure: appointed, entering the process, "
                                "trained, at band 8a and above (1); missing for survey rows and the board row"),
        (f"{a}_total", "Int64", f"the denominator of the {what[0]} group's figure: shortlisted, staff in post, "
                                "everyone at band 8a and above (1)"),
        (f"{b}_count", "Int64", f"as {a}_count for the {what[1]} group; the board row: voting members in the group"),
        (f"{b}_total", "Int64", f"as {a}_total for the {what[1]} group; the board row: voting members"),
        ("unit", "str", "relative likelihood, percentage points or points"),
        ("direction", "str", "what the value's sign or size means, in the official direction"),
        ("outside_non_adverse", "boolean", "relative likelihoods: outside the non-adverse range 0.80-1.25"),
        ("significant", "boolean", "the interval excludes 1 (or 0 for a difference)"),
        ("state", "str", "estimated, insufficient data, not estimable, survey figure, not provided or not "
                         "available"),
        ("reason", "str", "why, when the value is not estimated"),
        ("note", "str", "what else the reader should know"),
        ("national_value", "float64", "England's figure of the same indicator and measure, the latest in or before "
                                      "the year of the snapshot (a relative likelihood beside a relative "
                                      "likelihood); missing where no national figure is like for like",
         "ratio (relative likelihood)"),
        ("national_year", "Int64", "the year of the national figure (WRES and WDES years end on 31 March)", "year"),
        ("national_source", "str", "primary (read from NHS England's own release) or secondary (from a report of "
                                   "it); the page is in the method's notes; empty when there is no national "
                                   "figure"),
    )


def _standard_cells(number: str, a: str, b: str) -> CountCells:
    """The counts behind each row's figures: each group's count and its denominator.

    A count is at most its denominator; on row 1 both groups share one
    denominator (everyone at band 8a and above).  The group's figure, and the
    row's value, interval, flags and state (which says whether a group is
    small), are blanked when a count they are made from is suppressed.
    """
    first = where_in(number, "1")
    key = (number,) if number == "indicator" else (number, "part")   # a row: WDES survey parts share a metric
    return CountCells(
        counts={f"{a}_count": key, f"{a}_total": key, f"{b}_count": key, f"{b}_total": key},
        margins=(
            Margin(Part(f"{a}_total"), (Part(f"{a}_count"),), key, exact=False),
            Margin(Part(f"{b}_total"), (Part(f"{b}_count"),), key, exact=False),
            Margin(Part(f"{a}_total", first), (Part(f"{a}_count", first), Part(f"{b}_count", first)), key,
                   exact=False),
            Margin(Part(f"{a}_total", first), (Part(f"{b}_total", first),), key),
        ),
        derived=(
            Derived((a,), (f"{a}_count", f"{a}_total")),
            Derived((b,), (f"{b}_count", f"{b}_total")),
            Derived(("value", "ci_low", "ci_high", "outside_non_adverse", "significant", "state", "reason"),
                    (f"{a}_count", f"{a}_total", f"{b}_count", f"{b}_total")),
        ),
    )


#: What ``wres`` returns: one row per indicator 1-9, as trusts lay out their WRES report.
WRES = ResultSpec(
    kind=Kind.WRES, title="Workforce Race Equality Standard",
    columns=_standard_columns("indicator", "white", "bme", ("White", "BME")),
    cells=_standard_cells("indicator", "white", "bme"),
    chart="likelihood_chart",
)
#: What ``wdes`` returns: one row per metric 1-10 (more with survey parts).
WDES = ResultSpec(
    kind=Kind.WDES, title="Workforce Disability Equality Standard",
    columns=_standard_columns("metric", "non_disabled", "disabled", ("non-disabled", "Disabled")),
    cells=_standard_cells("metric", "non_disabled", "disabled"),
    chart="likelihood_chart",
)
#: Columns of ``wres(...).table`` (see :data:`WRES`).
WRES_COLUMNS = WRES.names
#: Columns of ``wdes(...).table`` (see :data:`WDES`).
WDES_COLUMNS = WDES.names

_WRES_SURVEY = {
    "5": ("Percentage of staff experiencing harassment, bullying or abuse from patients, relatives or the public in "
          "the last 12 months", 1),
    "6": ("Percentage of staff experiencing harassment, bullying or abuse from staff in the last 12 months", 1),
    "7": ("Percentage of staff believing that the trust provides equal opportunities for career progression or "
          "promotion", -1),
    "8": ("Percentage of staff personally experiencing discrimination at work from a manager, team leader or other "
          "colleagues in the last 12 months", 1),
}
# wording, +1 when a higher figure is worse for the group, -1 when better, 0 when only Disabled staff answer;
# the package's short forms of the WDES metrics (UNVERIFIED wording: definitions section 3 lists 4 and 9 only)
_WDES_SURVEY = {
    "4": ("Percentage of staff experiencing harassment, bullying or abuse from patients or the public, managers or "
          "other colleagues in the last 12 months, and reporting it", 1),
    "4a(i)": ("Percentage of staff experiencing harassment, bullying or abuse from patients, service users, their "
              "relatives or the public in the last 12 months", 1),
    "4a(ii)": ("Percentage of staff experiencing harassment, bullying or abuse from managers in the last 12 months", 1),
    "4a(iii)": ("Percentage of staff experiencing harassment, bullying or abuse from other colleagues in the last 12 "
                "months", 1),
    "4b": ("Percentage of staff saying that the last time they experienced harassment, bullying or abuse at work, "
           "they or a colleague reported it", -1),
    "5": ("Percentage of staff who believe the trust provides equal opportunities for career progression or "
          "promotion", -1),
    "6": ("Percentage of staff who have felt pressure from their manager to come to work, despite not feeling well "
          "enough to perform their duties", 1),
    "7": ("Percentage of staff satisfied with the extent to which the organisation values their work", -1),
    "8": ("Percentage of Disabled staff saying their employer has made adequate adjustment(s) to enable them to "
          "carry out their work", 0),
    "9": ("Staff engagement score (0-10) for Disabled staff compared with non-disabled staff", -1),
    "9a": ("Staff engagement score (0-10) for Disabled staff compared with non-disabled staff", -1),
}
# rows whose full table (with its counts and data-quality notes) another function gives
_DETAILS = {"WRES": {"2": "wres_recruitment", "3": "wres_disciplinary", "4": "wres_training", "9": "wres_board"},
            "WDES": {"2": "wdes_recruitment", "3": "wdes_capability", "10": "wdes_board"}}
_LADDER_WORDING = {
    "WRES": "Percentage of staff in each of the AfC bands 1-9 and VSM (including executive board members) compared "
            "with the percentage of staff in the overall workforce",
    "WDES": "Percentage of staff in AfC pay bands or medical and dental subgroups and VSM (including executive board "
            "members) compared with the percentage of staff in the overall workforce",
}
_GROUP_KEYS = {  # survey group names (lower case, hyphens as spaces) -> the advantaged (a) or compared (b) group
    "WRES": {"white": "a", "bme": "b", "bame": "b", "black and minority ethnic": "b"},
    "WDES": {"non disabled": "a", "not disabled": "a", "nondisabled": "a", "disabled": "b"},
}


def wres(staff: StaffTable | pd.DataFrame, *, recruitment: InputTable | None = None,
         disciplinary: InputTable | None = None, training: InputTable | None = None, board: InputTable | None = None,
         staff_survey: SurveyFigures | None = None, ladder: Result | None = None, include_bank: bool = False,
         confidence: float = 0.95, min_size: int = 10) -> Result:
    """The whole WRES table: one row per indicator 1-9, as trusts lay out their report.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff`, one organisation (the latest
        snapshot is used).  Indicator 1 comes from
        :func:`workforce.analysis._ladder.ladder`.
    recruitment, disciplinary, training, board : InputTable, optional
        The other inputs, loaded by :func:`workforce.load_recruitment`,
        :func:`workforce.load_disciplinary` and :func:`workforce.load_training`
        with ``like=staff`` (so that they are hashed with the staff table's
        key), and :func:`workforce.load_board`.  A path is refused: loading is
        the caller's job, and each input keeps its ``.report``.  An indicator
        whose input is not given is shown as "not provided".
    staff_survey : dict, optional
        Indicators 5-8 from the NHS Staff Survey, as
        ``{5: {"White": 0.27, "BME": 0.29}, ...}``: proportions, or
        percentages if any figure of an indicator is above 1.
    ladder : Result, optional
        The ladder of these staff by ethnicity (:func:`workforce.ladder`),
        when it is made already: indicator 1 is read from it, not worked out
        again.  It must be the unsuppressed ladder, with the same
        ``include_bank``.
    include_bank, confidence, min_size
        As the indicator functions.

    Returns
    -------
    Result
        Nine rows, columns :data:`WRES_COLUMNS`.

    Examples
    --------
    >>> import workforce
    >>> from workforce import wres
    >>> s = workforce.sample_data
    >>> staff = workforce.load_staff(s("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> table = wres(staff, recruitment=workforce.load_recruitment(s("soar_valley_recruitment_2024-25.xlsx")),
    ...              disciplinary=workforce.load_disciplinary(s("soar_valley_disciplinary_2024-25.xlsx"), like=staff),
    ...              training=workforce.load_training(s("soar_valley_training_2024-25.xlsx"), like=staff),
    ...              board=workforce.load_board(s("soar_valley_board_2025-03-31.xlsx")),
    ...              staff_survey={5: {"White": 0.27, "BME": 0.29}}).table
    >>> table[["indicator", "bme", "value", "ci_low", "ci_high", "state"]].round(2)
      indicator   bme  value  ci_low  ci_high          state
    0         1  0.19 -15.66  -19.06   -11.73      estimated
    1         2  0.19   1.51    1.30     1.75      estimated
    2         3  0.02   1.29    0.83     2.02      estimated
    3         4  0.28   1.15    1.06     1.25      estimated
    4         5  0.29   2.00     NaN      NaN  survey figure
    5         6   NaN    NaN     NaN      NaN   not provided
    6         7   NaN    NaN     NaN      NaN   not provided
    7         8   NaN    NaN     NaN      NaN   not provided
    8         9   NaN -18.34  -31.38    11.18      estimated
    """
    options: dict[str, Any] = dict(include_bank=include_bank, confidence=confidence, min_size=min_size)
    _inputs(staff, recruitment=recruitment, disciplinary=disciplinary, training=training, board=board)
    _workforce(staff, include_bank)  # one organisation
    rows = [_ladder_row("WRES", staff, ladder, include_bank, confidence)]
    rows.append(_rl_row(_WRES2, recruitment, lambda x: wres_recruitment(x, confidence=confidence,
                                                                        min_size=min_size)))
    rows.append(_rl_row(_WRES3, disciplinary, lambda x: wres_disciplinary(staff, x, **options)))
    rows.append(_rl_row(_WRES4, training, lambda x: wres_training(staff, x, **options)))
    rows += _survey_rows("WRES", staff_survey, ["5", "6", "7", "8"])
    rows.append(_board_row(_BOARD["WRES"], board, lambda x: wres_board(staff, x, include_bank=include_bank,
                                                                       confidence=confidence)))
    return _summary("WRES", rows, staff, options)


def wdes(staff: StaffTable | pd.DataFrame, *, recruitment: InputTable | None = None,
         disciplinary: InputTable | None = None, board: InputTable | None = None,
         staff_survey: SurveyFigures | None = None, ladder: Result | None = None,
         include_bank: bool = False, confidence: float = 0.95, min_size: int = 10) -> Result:
    """The whole WDES table: metrics 1, 2, 3, the Staff Survey metrics 4-9 and 10.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        As :func:`wres` (metric 1 comes from :func:`workforce.analysis._ladder.ladder`).
    recruitment, disciplinary, board : InputTable, optional
        The other inputs, loaded as for :func:`wres` (cases with
        ``like=staff``); a metric whose input is not given is "not provided".
    staff_survey : dict, optional
        Metrics 4-9, as ``{"4a(i)": {"Disabled": 0.31, "Non-disabled": 0.24},
        5: {...}, 8: {"Disabled": 0.72}, 9: {"Disabled": 6.5,
        "Non-disabled": 7.0}}``: proportions or percentages (metric 9 is an
        engagement score out of 10).  A key such as "4a(i)" replaces the row
        of metric 4 with a row whose ``metric`` is 4 and ``part`` "a(i)".
    ladder : Result, optional
        The ladder of these staff by disability, when it is made already (as
        for :func:`wres`).
    include_bank, confidence, min_size
        As :func:`wres`.

    Returns
    -------
    Result
        Rows for metrics 1-10 (more if survey parts are given), columns
        :data:`WDES_COLUMNS`.

    Examples
    --------
    >>> import workforce
    >>> from workforce import wdes
    >>> s = workforce.sample_data
    >>> staff = workforce.load_staff(s("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> table = wdes(staff, recruitment=workforce.load_recruitment(s("soar_valley_recruitment_2024-25.xlsx")),
    ...              disciplinary=workforce.load_disciplinary(s("soar_valley_disciplinary_2024-25.xlsx"), like=staff),
    ...              board=workforce.load_board(s("soar_valley_board_2025-03-31.xlsx"))).table
    >>> table[["metric", "disabled", "value", "ci_low", "ci_high", "state"]].round(2)
      metric  disabled  value  ci_low  ci_high         state
    0      1      0.05   0.70   -0.97     3.14     estimated
    1      2      0.21   1.23    0.85     1.79     estimated
    2      3      0.01   1.93    0.59     6.32     estimated
    3      4       NaN    NaN     NaN      NaN  not provided
    4      5       NaN    NaN     NaN      NaN  not provided
    5      6       NaN    NaN     NaN      NaN  not provided
    6      7       NaN    NaN     NaN      NaN  not provided
    7      8       NaN    NaN     NaN      NaN  not provided
    8      9       NaN    NaN     NaN      NaN  not provided
    9     10       NaN   4.87   -2.60    33.51     estimated
    """
    options: dict[str, Any] = dict(include_bank=include_bank, confidence=confidence, min_size=min_size)
    _inputs(staff, recruitment=recruitment, disciplinary=disciplinary, board=board)
    _workforce(staff, include_bank)
    rows = [_ladder_row("WDES", staff, ladder, include_bank, confidence)]
    rows.append(_rl_row(_WDES2, recruitment, lambda x: wdes_recruitment(x, confidence=confidence,
                                                                        min_size=min_size)))
    rows.append(_rl_row(_WDES3, disciplinary, lambda x: wdes_capability(staff, x, **options)))
    rows += _survey_rows("WDES", staff_survey, ["4", "5", "6", "7", "8", "9"])
    rows.append(_board_row(_BOARD["WDES"], board, lambda x: wdes_board(staff, x, include_bank=include_bank,
                                                                       confidence=confidence)))
    return _summary("WDES", rows, staff, options)


_NO_COUNTS = {"a_count": None, "a_total": None, "b_count": None, "b_total": None}


def _blank_row(number: str, wording: str, direction: str, state: str, note: str = "") -> dict:
    return {"number": number, "wording": wording, "a": np.nan, "b": np.nan, "value": np.nan, "ci_low": np.nan,
            "ci_high": np.nan, **_NO_COUNTS, "unit": "", "direction": direction, "outside_non_adverse": None,
            "significant": None, "state": state, "reason": "", "note": note}


def _inputs(staff, **given) -> None:
    """Refuse, before any work, an input that does not fit.

    That is one not loaded, of another kind, or (cases, training) hashed with another key than the
    staff table (recruitment and board are not linked to staff).
    """
    for kind, value in given.items():
        if value is not None:
            _input(value, kind, staff if kind in ("disciplinary", "training") else None)


def _rl_row(spec: _Indicator, given, compute) -> dict:
    if given is None:
        return _blank_row(spec.number, spec.wording, spec.direction, "not provided")
    row = compute(given).table.iloc[0]
    advantaged_first = spec.a[0] in ("White", "No")  # the summary's columns: advantaged group, then the other
    first, second = ("a", "b") if advantaged_first else ("b", "a")
    return {"number": spec.number, "wording": spec.wording, "a": row[f"rate_{first}"], "b": row[f"rate_{second}"],
            "value": row["ratio"], "ci_low": row["ci_low"], "ci_high": row["ci_high"],
            "a_count": row[f"events_{first}"], "a_total": row[f"total_{first}"],
            "b_count": row[f"events_{second}"], "b_total": row[f"total_{second}"], "unit": "relative likelihood",
            "direction": spec.direction, "outside_non_adverse": row["outside_non_adverse"],
            "significant": row["significant"], "state": row["state"], "reason": row["reason"] or "",
            "note": row["note"]}


def _board_row(spec: _Indicator, given, compute) -> dict:
    if given is None:
        return _blank_row(spec.number, spec.wording, spec.direction, "not provided")
    table = compute(given).table.set_index("membership")
    voting, executive = table.loc["voting"], table.loc["executive"]
    return {"number": spec.number, "wording": spec.wording, "a": np.nan, "b": np.nan,
            "value": voting["difference_pp"], "ci_low": voting["difference_ci_low"], "ci_high": voting["difference_ci_high"],
            "a_count": None, "a_total": None, "b_count": voting["members_group"], "b_total": voting["members"],
            "unit": "percentage points (voting members)",
            "direction": spec.direction, "outside_non_adverse": None, "significant": voting["significant"],
            "state": voting["state"], "reason": "" if voting["state"] == "estimated" else "no voting members",
            "note": " ".join(filter(None, [voting["note"], executive["note"]]))}


def _ladder_row(standard: str, staff, given: Result | None, include_bank: bool, confidence: float) -> dict:
    """Indicator / metric 1, summarised from the ladder: the compared group's share at band 8a and above."""
    label = "BME" if standard == "WRES" else "Disabled"
    direction = (f"{label} share at band 8a and above − {label} share of all AfC staff, percentage points: below 0 "
                 f"means {label} staff are a smaller part of the senior bands; the ladder of bands and medical "
                 "grades, clinical and non-clinical staff apart, gives the detail")
    characteristic: LadderCharacteristic = "ethnicity" if standard == "WRES" else "disability"
    if given is None:
        given = ladder(staff, characteristic=characteristic, include_bank=include_bank, confidence=confidence)
    elif (given.kind is not Kind.LADDER or "disclosure threshold" in given.method
          or given.method["characteristic"] != characteristic
          or given.method["bank staff"] != ("included" if include_bank else "excluded")):
        raise WorkforceError(f"ladder= must be the unsuppressed ladder of the same staff by {characteristic}, with "
                             f"include_bank={include_bank}: workforce.ladder(staff, characteristic={characteristic!r}).")
    table = given.table
    afc = table[(table["staff_category"] == "All AfC") & (table["rung_type"] == "cluster")]
    senior = afc[afc["rung"].isin(["8a-8b", "8c+"])]
    heads = senior.groupby("role")["headcount"].sum()
    total = int(heads.sum())
    overall = afc.groupby("role")["overall_share"].first()
    share = {role: heads.get(role, 0) / total if total else np.nan for role in ("advantaged", "compared")}
    low, high = (float(v[0]) for v in wilson_interval([heads.get("compared", 0)], [total], confidence))
    base = overall.get("compared", np.nan)
    return {"number": "1", "wording": _LADDER_WORDING[standard], "a": share["advantaged"], "b": share["compared"],
            "value": (share["compared"] - base) * 100, "ci_low": (low - base) * 100, "ci_high": (high - base) * 100,
            "a_count": int(heads.get("advantaged", 0)), "a_total": total, "b_count": int(heads.get("compared", 0)),
            "b_total": total,
            "unit": "percentage points", "direction": direction, "outside_non_adverse": None,
            "significant": bool(low > base or high < base) if total else None,
            "state": "estimated" if total else "not estimable",
            "reason": "" if total else "no staff at band 8a and above",
            "note": "shares include unknowns in the denominator (WRES style); All AfC staff."}


def _survey_rows(standard: str, survey, defaults: list[str]) -> list[dict]:
    wordings = _WRES_SURVEY if standard == "WRES" else _WDES_SURVEY
    labels = ("White", "BME") if standard == "WRES" else ("non-disabled", "Disabled")
    given = {str(k).strip(): v for k, v in (survey or {}).items()}
    unknown = [k for k in given if k not in wordings]
    if unknown:
        raise WorkforceError(f"staff_survey has {standard} keys {unknown} that are not survey "
                             f"{'indicators' if standard == 'WRES' else 'metrics'}; use {list(wordings)}.")
    rows = []
    for number in defaults:
        parts = [k for k in given if re.match(rf"^{number}(?!\d)", k)]
        if not parts:
            wording, sign = wordings[number]
            rows.append(_blank_row(number, wording, _survey_direction(standard, number, sign, labels),
                                   "not provided"))
        for key in parts:
            rows.append(_survey_row(standard, key, given[key], wordings[key], labels))
    return rows


def _survey_direction(standard: str, number: str, sign: int, labels) -> str:
    a, b = labels
    if sign == 0:
        return f"{b} staff only: higher is better"
    unit = "points" if number.startswith("9") else "percentage points"
    worse = "above" if sign > 0 else "below"
    return f"{b} − {a}, {unit}: {worse} 0 means {b} staff fare worse"


def _survey_row(standard: str, key: str, figures, wording_sign, labels) -> dict:
    wording, sign = wording_sign
    if not isinstance(figures, dict):
        raise WorkforceError(f"staff_survey[{key!r}] must be a dict of group -> figure, for example "
                             f"{{'{labels[0]}': 0.27, '{labels[1]}': 0.29}}.")
    keys = _GROUP_KEYS[standard]
    values = {}
    for group, figure in figures.items():
        role = keys.get(" ".join(str(group).lower().replace("-", " ").replace("_", " ").split()))
        if role is None:
            raise WorkforceError(f"staff_survey[{key!r}] has group {group!r}; use {labels[0]!r} and {labels[1]!r}.")
        values[role] = float(figure)
    score = key.startswith("9")
    if not score:
        if any(v < 0 or v > 100 for v in values.values()):
            raise WorkforceError(f"staff_survey[{key!r}]: figures must be proportions (0-1) or percentages (0-100).")
        if any(v > 1 for v in values.values()):
            values = {r: v / 100 for r, v in values.items()}
    a, b = values.get("a", np.nan), values.get("b", np.nan)
    scale = 1 if score else 100
    unit = "" if sign == 0 else "points" if score else "percentage points"
    return {"number": key, "wording": wording, "a": a, "b": b, "value": (b - a) * scale, "ci_low": np.nan,
            "ci_high": np.nan, "unit": unit,
            "direction": _survey_direction(standard, key, sign, labels), "outside_non_adverse": None,
            "significant": None, "state": "survey figure", "reason": "", "note": "NHS Staff Survey figure as given (no interval)."}


def _summary(standard: str, rows: list[dict], staff, options: dict) -> Result:
    table = pd.DataFrame(rows)
    names = ({"number": "indicator", "a": "white", "b": "bme"} if standard == "WRES"
             else {"number": "metric", "a": "non_disabled", "b": "disabled"})
    names |= {f"{k}_{what}": f"{v}_{what}" for k, v in list(names.items())[1:] for what in ("count", "total")}
    key = table["number"].astype(str)   # "4a(i)": the metric 4, its part "a(i)"
    table["part"] = key.str.replace(r"^\d+", "", regex=True)
    table["number"] = key.str.extract(r"^(\d+)", expand=False).astype("int64")
    _people_table, keep, snapshots = counted_people(staff, options["include_bank"])
    table = table.rename(columns=names)
    national = _national(standard, table, snapshots)
    table = table[WRES_COLUMNS if standard == "WRES" else WDES_COLUMNS]
    for column in table.columns[table.columns.str.endswith(("_count", "_total"))]:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("Int64")
    for flag in ("outside_non_adverse", "significant"):
        table[flag] = table[flag].astype("boolean")
    for column in ("white", "bme", "non_disabled", "disabled", "value", "ci_low", "ci_high"):
        if column in table:
            table[column] = table[column].astype("float64")
    # the rows' notes name their denominator and where the counts are, with no count in the words: a count
    # in a sentence (people entering a process, of them of unknown group) is out of reach of disclosure control
    staff_words = "staff in post" + ("" if options["include_bank"] else " (bank-only people left out)")
    on = ", ".join(map(str, snapshots))
    for number, function in _DETAILS[standard].items():
        row = table.iloc[:, 0] == int(number)   # the indicator or metric column
        if not row.any() or str(table.loc[row, "state"].iloc[0]) == "not provided":
            continue
        denominator = ("shortlisted applicants" if function.endswith("recruitment") else
                       f"voting board members, against {staff_words} on {on}" if function.endswith("board") else
                       f"{staff_words} on {on}")
        table.loc[row, "note"] = (f"denominator: {denominator}; the people counted, and the data-quality notes, "
                                  f"are in {function}(...).")
    method = Method(
        confidence=options["confidence"],
        interval="Katz log (relative likelihoods); Wilson score (shares)",
        test="Wald z-test of log RL = 0",
        min_size=options["min_size"],
        bank="included" if options["include_bank"] else "bank-only people left out",
        snapshots=tuple(snapshots),
        notes={
            "organisation": ", ".join(distinct_text(_people_table["organisation"], keep)),
            "relative likelihoods": f"non-adverse range {NON_ADVERSE[0]:.2f}-{NON_ADVERSE[1]:.2f}; unknowns left "
                                    f"out; fewer than {options['min_size']} in a group is 'insufficient data'",
            "staff": "one row per person, latest snapshot; " + ("bank-only people included"
                                                                if options["include_bank"]
                                                                else "bank-only people left out"),
            "details": "each row's own function gives its full table: "
                       + ("wres_recruitment, wres_disciplinary, wres_training, wres_board; workforce.ladder"
                          if standard == "WRES" else
                          "wdes_recruitment, wdes_capability, wdes_board; workforce.ladder"),
            "national figures": national,
        },
    )
    return Result(table=table.reset_index(drop=True), spec=WRES if standard == "WRES" else WDES, method=method)


#: The rows with a like-for-like national figure: standard -> indicator or metric -> the national measure.
_NATIONAL_MEASURES = {"WRES": {2: "relative likelihood", 3: "relative likelihood", 4: "relative likelihood"},
                      "WDES": {2: "relative likelihood", 3: "relative likelihood"}}


def _report_year(snapshot: str) -> int:
    """The WRES or WDES year of a snapshot date: the year to 31 March (a snapshot in April-December is in the next)."""
    date = pd.Timestamp(snapshot)
    return date.year if date.month <= 3 else date.year + 1


def _national(standard: str, table: pd.DataFrame, snapshots) -> str:
    """Fill ``national_value``, ``national_year`` and ``national_source`` in place; the sources, in words.

    Only a like-for-like figure is given: each relative likelihood beside the national relative likelihood of
    the same indicator, in its official direction, the latest in or before the year of the latest snapshot.
    Indicator 1 (a difference in points), the Staff Survey rows and the board row have no national figure of the
    same measure, so they are left empty.
    """
    year = _report_year(max(snapshots)) if snapshots else None
    values, years, kinds, words = [], [], [], []
    for number, part in zip(table.iloc[:, 0], table["part"] if "part" in table else [""] * len(table)):
        measure = _NATIONAL_MEASURES[standard].get(int(number)) if not part else None
        found = latest_national(standard, int(number), year, measure=measure) if measure else None
        values.append(np.nan if found is None else float(found["value"]))
        years.append(pd.NA if found is None else int(found["year_of_data"]))
        kinds.append("" if found is None else str(found["source_kind"]))
        if found is not None:
            site = urlsplit(str(found["source_url"])).netloc   # the site, not a link: the page opens offline
            words.append(f"{standard} {number}: {found['value']:.2f} in {found['year_of_data']} "
                         f"({found['source_kind']}, from {site})")
    table["national_value"] = pd.Series(values, index=table.index, dtype="float64")
    table["national_year"] = pd.Series(years, index=table.index, dtype="Int64")
    table["national_source"] = pd.Series(kinds, index=table.index, dtype=object).astype(str)
    if not words:
        return "no national figure of the same measure"
    return ("England's figures beside the relative likelihoods, the latest in or before "
            + (f"the WRES year {year}" if year else "any year") + ": " + "; ".join(words)
            + ". Every national figure shipped with the package, with the page it comes from, is in its national "
              "benchmarks table (workforce.national_benchmarks(), national_wres_wdes.csv).")


def standard_sentences(result: Result) -> pd.Series:
    """Each row of a WRES or WDES table as a sentence, made from the table's own columns.

    The pack's WRES and WDES tables and :func:`workforce.likelihood_chart`
    write their figures with it, so that a sentence never holds a number the
    table does not publish: a figure blanked by disclosure control is
    "withheld", and counts (such as the board's members) are in no sentence.

    Parameters
    ----------
    result : Result
        From :func:`wres` or :func:`wdes`, suppressed or not.

    Returns
    -------
    pandas.Series
        One sentence per row, on the table's index.

    Examples
    --------
    >>> import workforce
    >>> from workforce.analysis import standard_sentences
    >>> s = workforce.sample_data
    >>> staff = workforce.load_staff(s("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> result = workforce.wres(staff, recruitment=workforce.load_recruitment(s("soar_valley_recruitment_2024-25.xlsx")),
    ...     disciplinary=workforce.load_disciplinary(s("soar_valley_disciplinary_2024-25.xlsx"), like=staff),
    ...     training=workforce.load_training(s("soar_valley_training_2024-25.xlsx"), like=staff),
    ...     board=workforce.load_board(s("soar_valley_board_2025-03-31.xlsx")),
    ...     staff_survey={5: {"White": 0.27, "BME": 0.29}})
    >>> for number, sentence in zip(result.table["indicator"], standard_sentences(result)):
    ...     print(number, sentence)
    1 BME 34.9% of AfC staff (unknowns counted), 19.2% at band 8a and above: -15.7 pp (95% CI -19.1 to -11.7)
    2 1.51 (95% CI 1.30 to 1.75)
    3 1.29 (95% CI 0.83 to 2.02)
    4 1.15 (95% CI 1.06 to 1.25)
    5 White 27.0%, BME 29.0%
    6 not provided
    7 not provided
    8 not provided
    9 voting members -18.3 pp (95% CI -31.4 to 11.2)
    """
    if result.kind not in (Kind.WRES, Kind.WDES):
        raise WorkforceError(f"standard_sentences reads wres(...) or wdes(...) results, not {result.kind}.")
    wres_table = result.kind is Kind.WRES
    number, a, b = ("indicator", "white", "bme") if wres_table else ("metric", "non_disabled", "disabled")
    labels = ("White", "BME") if wres_table else ("non-disabled", "Disabled")
    ci = f"{result.method.confidence or 0.95:.0%} CI"
    return pd.Series([_sentence(row, str(row[number]) + ("" if wres_table or pd.isna(row["part"]) else str(row["part"])), row[a], row[b],
                                labels, ci, wres_table)
                      for _, row in result.table.iterrows()], index=result.table.index, dtype=object)


def _sentence(row, number: str, a, b, labels: tuple[str, str], ci: str, wres_table: bool) -> str:
    state, unit = str(row["state"]), str(row["unit"])
    value, low, high = (pd.to_numeric(pd.Series([row[c]]), errors="coerce").iloc[0]
                        for c in ("value", "ci_low", "ci_high"))
    if state in ("not provided", "not available"):
        return state
    if state == "not estimable":
        reason = str(row["reason"] or "").strip()
        return f"not estimable ({reason})" if reason else "not estimable"
    if state == "survey figure":
        score = not wres_table and number.startswith("9")
        shown = [f"{label} {v:.1f}" if score else f"{label} {v:.1%}"
                 for label, v in zip(labels, (a, b)) if pd.notna(v)]
        return ", ".join(shown) or "survey figure"
    if pd.isna(value):
        return "withheld (small numbers)"
    interval = f"({ci} {low:.2f} to {high:.2f})" if pd.notna(low) else ""
    if unit == "relative likelihood":
        text = f"{value:.2f} {interval}".strip()
        reason = str(row["reason"] or "").strip()
        return text + (f" [{state}: {reason}]" if state != "estimated" and reason else
                       f" [{state}]" if state != "estimated" else "")
    interval = f"({ci} {low:.1f} to {high:.1f})" if pd.notna(low) else ""
    if number == "1":
        base = b - value / 100
        return (f"{labels[1]} {base:.1%} of AfC staff (unknowns counted), {b:.1%} at band 8a and above: "
                f"{value:.1f} pp {interval}").strip()
    return f"voting members {value:.1f} pp {interval}".strip()
