"""The band ladder (WRES indicator 1, WDES metric 1) and the progression gaps behind it.

:func:`ladder` gives, for each organisation, staff category and rung, each
group's headcount and share: WRES indicator 1 and WDES metric 1 for any
characteristic (ethnicity, disability, sex, age).  :func:`progression_gaps`
summarises the ladder in a few numbers per organisation and staff category:
how much more likely the advantaged group is to be in a senior rung (relative
likelihood), the glass ceiling index and the disparity ratios between the
lower, middle and upper bands.

Who is counted
--------------
People (one row per person, their primary assignment), as in
:func:`workforce.representation`: with several snapshots, each organisation's
latest; people whose only assignments are bank are left out unless
``include_bank=True`` (WRES and WDES since 2023).  People on no rung
(apprentices, local or spot pay, no band or grade recorded) are left out and
counted in ``.method["not on a rung"]``.

Staff categories and rungs
--------------------------
* **Clinical** and **Non-clinical** (the ``clinical_group`` column): the
  Agenda for Change bands 1 ... 7, 8a-8d, 9 and VSM (``rung_type`` "band"),
  and the WDES clusters 1-4, 5-7, 8a-8b and 8c+ (8c, 8d, 9 and VSM;
  ``rung_type`` "cluster");
* **All AfC**: the same rungs for Clinical and Non-clinical together (with
  anyone on a band whose clinical group is not recorded);
* **Medical**: everyone in the Medical clinical group or on medical and dental
  pay, on the medical grades Consultant, SAS, Resident doctor and Other
  medical (``rung_type`` "grade").  Doctors are never put on AfC rungs.

Characteristics
---------------
:data:`COMPARISONS` says, for each characteristic, which column is read, the
advantaged group, the compared group and how their values are grouped; every
other value (and a missing one) counts as Unknown.  Pass a
:class:`Comparison` as ``characteristic=`` for any other split.

========== ============ ============================= ============================== =====================
name       column       advantaged                    compared                       unknown
========== ============ ============================= ============================== =====================
ethnicity  wres_group   White                         BME                            Unknown
disability disability   Non-disabled ("No")           Disabled ("Yes")               Unknown
sex        sex          Male                          Female                         Other, Unknown
age        age_band     Under 55 (16-24 ... 45-54)    55 and over (55-64, 65+)       missing
========== ============ ============================= ============================== =====================

For age, "advantaged" only names the reference group of the comparison: age
and career stage go together, so older staff are usually *more* often in
senior bands, and a relative likelihood below 1 is expected.  The age split
is the package's choice (PROPOSED), not an NHS rule.  Where a person has no
standard age band (an export that gives only ESR's five-year bands), ESR's
band is read instead (``Comparison.fallback``): <=20 ... 46-50 are under 55,
56-60 ... >=71 are 55 and over, and 51-55, which straddles 55, is Unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy.special import ndtr

from .._result import Method, Result
from .._spec import CountCells, Derived, Kind, Margin, Part, ResultSpec, columns, where_in, where_not_in
from ..codes import (
    BAND_DTYPE,
    BAND_GROUP_DTYPE,
    BANDS,
    CLINICAL_GROUP_DTYPE,
    ESR_AGE_BANDS,
    MEDICAL_GRADE_DTYPE,
    PAY_SYSTEM_DTYPE,
    band_group,
)
from ..errors import WorkforceError
from ._cohort import counted_people
from ._likelihood import NON_ADVERSE, relative_likelihoods
from ._stats import wilson_interval, z_value

if TYPE_CHECKING:
    from ..load import StaffTable

__all__ = [
    "ladder",
    "progression_gaps",
    "Comparison",
    "COMPARISONS",
    "LADDER_COLUMNS",
    "PROGRESSION_COLUMNS",
    "THRESHOLDS",
    "TIERS",
    "STAFF_CATEGORIES",
]


@dataclass(frozen=True)
class Comparison:
    """Which groups of a characteristic are compared.

    Attributes
    ----------
    name : str
        The characteristic's name in the tables (``characteristic`` column).
    column : str
        The people-table column read.
    advantaged, compared : str
        Labels of the advantaged group (the numerator of the relative
        likelihood) and of the compared group (minoritised, disabled, ...).
    advantaged_values, compared_values : tuple of str
        The column's values in each group.  Every other value, and a missing
        one, counts as ``unknown``.
    unknown : str
        Label of the rest.
    fallback : str
        Another column read, with the same value lists, where ``column``
        gives neither group (missing or another value); empty for none.  Age
        reads ESR's band (``esr_age_band``) where there is no standard band.

    Examples
    --------
    >>> COMPARISONS["disability"].compared
    'Disabled'
    >>> Comparison("nationality", "nationality", "British", ("British",), "Not British", ("Irish", "Polish")).groups
    ('British', 'Not British', 'Unknown')
    """

    name: str
    column: str
    advantaged: str
    advantaged_values: tuple[str, ...]
    compared: str
    compared_values: tuple[str, ...]
    unknown: str = "Unknown"
    fallback: str = ""

    @property
    def groups(self) -> tuple[str, str, str]:
        """The three group labels, in table order: advantaged, compared, unknown."""
        return self.advantaged, self.compared, self.unknown

    def describe(self) -> str:
        """The comparison in words: the column, and the values in each group."""
        text = (f"{self.column}: {self.advantaged} = {list(self.advantaged_values)}, "
                f"{self.compared} = {list(self.compared_values)}, {self.unknown} = any other value or missing")
        if self.fallback:
            text += f"; where {self.column} gives neither group, {self.fallback} is read the same way"
        return text


#: The characteristics :func:`ladder` and :func:`progression_gaps` know (see the module notes).
COMPARISONS: dict[str, Comparison] = {c.name: c for c in (
    Comparison("ethnicity", "wres_group", "White", ("White",), "BME", ("BME",)),
    Comparison("disability", "disability", "Non-disabled", ("No",), "Disabled", ("Yes",)),
    Comparison("sex", "sex", "Male", ("Male",), "Female", ("Female",)),
    # ESR's bands (read where there is no standard band) on either side of 55; ESR's 51-55 straddles it: Unknown
    Comparison("age", "age_band", "Under 55", ("16-24", "25-34", "35-44", "45-54", *ESR_AGE_BANDS[:7]),
               "55 and over", ("55-64", "65+", *ESR_AGE_BANDS[8:]), fallback="esr_age_band"),
)}
_ALIASES = {"age_band": "age", "wres": "ethnicity"}
#: The names ``characteristic=`` takes (the keys of ``COMPARISONS``, and their aliases).
LadderCharacteristic = Literal["ethnicity", "disability", "sex", "age", "age_band", "wres"]

#: Staff categories, in table order.
STAFF_CATEGORIES = ("Clinical", "Non-clinical", "All AfC", "Medical")
#: Senior thresholds for AfC and VSM staff: label -> lowest senior band (that band and all above it, VSM last).
THRESHOLDS = {"8a and above": "8a", "8c and above": "8c", "VSM": "VSM"}
#: Senior threshold for medical staff: label -> the senior grades.
MEDICAL_THRESHOLD = {"Consultant": ("Consultant",)}
#: Band tiers for the disparity ratios (VSM is in the upper tier).
TIERS = {"1-5": ("1", "2", "3", "4", "5"), "6-7": ("6", "7"), "8a+": ("8a", "8b", "8c", "8d", "9", "VSM")}
#: Disparity ratios: (higher tier, lower tier).
TIER_PAIRS = (("8a+", "1-5"), ("8a+", "6-7"), ("6-7", "1-5"))

_ORG = ("organisation", "snapshot_date", "characteristic")
_CAT = _ORG + ("staff_category",)
_RUNG = _CAT + ("rung_type", "rung")


def _cluster_of(t: pd.DataFrame) -> pd.Series:
    """The WDES cluster of a band rung, or the cluster rung itself (other rungs: missing)."""
    rung = t["rung"].astype(str)
    band = t["rung_type"].astype(str) == "band"
    clusters = band_group(rung.where(band)).astype(object)
    cluster_rungs = np.where(t["rung_type"].astype(str) == "cluster", rung, None)  # type: ignore[call-overload]  # None: missing
    out = pd.Series(np.where(band, clusters, cluster_rungs), index=t.index, dtype=object)
    return out.where(out.notna(), None)


def _ladder_cells() -> CountCells:
    """The ladder's counts, and how they add up.

    Each rung's groups add to the rung; rungs add to the category; bands to clusters; Clinical and
    Non-clinical to All AfC (at most: All AfC also holds staff with no clinical group).
    """
    known, unknown = where_not_in("role", "unknown"), where_in("role", "unknown")
    afc_parts, afc = where_in("staff_category", "Clinical", "Non-clinical"), where_in("staff_category", "All AfC")
    cluster, band = where_in("rung_type", "cluster"), where_in("rung_type", "band")
    margins = [
        Margin(Part("rung_total"), (Part("headcount"),), _RUNG, prefer_total=True),
        Margin(Part("rung_known"), (Part("headcount", known),), _RUNG),
        Margin(Part("rung_total"), (Part("rung_known"), Part("headcount", unknown)), _RUNG, prefer_total=True),
        Margin(Part("overall_headcount"), (Part("headcount"),), _CAT + ("rung_type", "group")),
        Margin(Part("overall_total"), (Part("rung_total"),), _CAT + ("rung_type",)),
        Margin(Part("overall_known"), (Part("rung_known"),), _CAT + ("rung_type",)),
        Margin(Part("overall_total"), (Part("overall_headcount"),), _CAT),
        Margin(Part("overall_known"), (Part("overall_headcount", known),), _CAT),
        Margin(Part("overall_total"), (Part("overall_known"), Part("overall_headcount", unknown)), _CAT),
    ]
    extra: tuple[str, ...]
    for column, extra in (("headcount", ("group",)), ("rung_total", ()), ("rung_known", ())):
        margins.append(Margin(Part(column, cluster), (Part(column, band),), _CAT + ("_cluster",) + extra))
    for column, extra in (("headcount", ("rung_type", "rung", "group")), ("rung_total", ("rung_type", "rung")),
                          ("rung_known", ("rung_type", "rung")), ("overall_headcount", ("group",)),
                          ("overall_total", ()), ("overall_known", ())):
        margins.append(Margin(Part(column, afc), (Part(column, afc_parts),), _ORG + extra, exact=False))
    return CountCells(
        counts={"headcount": _RUNG + ("group",), "rung_total": _RUNG, "rung_known": _RUNG,
                "overall_headcount": _CAT + ("group",), "overall_total": _CAT, "overall_known": _CAT},
        extra={"_cluster": _cluster_of},
        margins=tuple(margins),
        derived=(
            Derived(("share",), ("headcount", "rung_total")),
            Derived(("share_of_known", "share_of_known_ci_low", "share_of_known_ci_high"), ("headcount", "rung_known")),
            Derived(("overall_share",), ("overall_headcount", "overall_total")),
            Derived(("overall_share_of_known",), ("overall_headcount", "overall_known")),
            Derived(("difference_pp",), ("headcount", "rung_total", "overall_headcount", "overall_total")),
            Derived(("difference_of_known_pp",), ("headcount", "rung_known", "overall_headcount", "overall_known")),
            Derived(("state",), ("rung_known",)),   # "estimated" says rung_known is at least min_size
        ),
    )


#: What ``ladder`` returns (WRES indicator 1, WDES metric 1).
LADDER = ResultSpec(
    kind=Kind.LADDER,
    title="The pay ladder: each group's share of every band and grade",
    columns=columns(
        ("organisation", "str", "the organisation"),
        ("snapshot_date", "datetime64[ns]", "the snapshot used (the organisation's latest)"),
        ("characteristic", "str", "ethnicity, disability, sex, age, or the name of a Comparison"),
        ("staff_category", "str", "Clinical, Non-clinical, All AfC (both, and anyone on a band with no clinical "
                                  "group) or Medical"),
        ("rung_type", "str", "band (AfC bands and VSM), cluster (WDES clusters 1-4, 5-7, 8a-8b, 8c+) or grade "
                             "(medical grades)"),
        ("rung", "str", "the band, cluster or grade: '1' ... 'VSM', '1-4' ... '8c+', 'Consultant' ..."),
        ("group", "str", "the group: the advantaged, the compared or the unknown group"),
        ("role", "str", "advantaged, compared or unknown"),
        ("headcount", "int64", "people of the group on the rung"),
        ("rung_total", "int64", "everyone on the rung, unknowns included"),
        ("share", "float64", "headcount / rung_total (WRES style: a rung's three shares sum to 1)"),
        ("rung_known", "int64", "people of known group (advantaged + compared) on the rung"),
        ("share_of_known", "float64", "headcount / rung_known (missing for the unknown row)"),
        ("share_of_known_ci_low", "float64", "lower limit of the Wilson interval of share_of_known"),
        ("share_of_known_ci_high", "float64", "upper limit of the Wilson interval of share_of_known"),
        ("overall_headcount", "int64", "people of the group in the whole staff category (all rungs of the kind)"),
        ("overall_total", "int64", "everyone in the staff category"),
        ("overall_known", "int64", "people of known group in the staff category"),
        ("overall_share", "float64", "overall_headcount / overall_total"),
        ("overall_share_of_known", "float64", "overall_headcount / overall_known"),
        ("difference_pp", "float64", "(share - overall_share) x 100, percentage points"),
        ("difference_of_known_pp", "float64", "(share_of_known - overall_share_of_known) x 100"),
        ("state", "str", "estimated; insufficient data (fewer than min_size people of known group on the rung; "
                         "figures shown); not estimable (no one of known group on the rung)"),
    ),
    cells=_ladder_cells(),
    chart="ladder_chart",
)
#: Columns of ``ladder(...).table``, always in this order (see :data:`LADDER`).
LADDER_COLUMNS = LADDER.names


def _senior_key(t: pd.DataFrame) -> pd.Series:
    """The rungs a senior count covers: the higher tier of a disparity ratio, or the threshold."""
    comparison = t["comparison"].astype(str)
    tier = comparison.str.split(" vs ").str[0]
    out = np.where(t["measure"].astype(str) == "disparity ratio", tier, comparison)
    return pd.Series(np.where(out == "8a and above", "8a+", out), index=t.index, dtype=object)


def _rest_key(t: pd.DataFrame) -> pd.Series:
    """The rungs of the pool below the senior ones: the lower tier, or below the threshold."""
    comparison = t["comparison"].astype(str)
    tier = comparison.str.split(" vs ").str[-1]
    out = np.where(t["measure"].astype(str) == "disparity ratio", tier, "below " + comparison)
    return pd.Series(out, index=t.index, dtype=object)


def _pool_key(t: pd.DataFrame) -> pd.Series:
    dr = t["measure"].astype(str) == "disparity ratio"
    return pd.Series(np.where(dr, t["comparison"].astype(str), "all rungs"), index=t.index, dtype=object)


def _gaps_cells() -> CountCells:
    """The counts behind each gap: senior + the rest = the pool, for each group; one cell per tier and pool."""
    counts, spaces, hidden, margins = {}, {}, {}, []
    for role in ("advantaged", "compared", "unknown"):
        counts[f"{role}_senior"] = _CAT + ("_senior_key",)
        counts[f"_{role}_rest"] = _CAT + ("_rest_key",)
        counts[f"{role}_total"] = _CAT + ("_pool_key",)
        spaces[f"{role}_senior"] = spaces[f"_{role}_rest"] = f"{role} tier"   # 6-7 is senior in one, rest in another
        hidden[f"_{role}_rest"] = (lambda r: lambda t: t[f"{r}_total"] - t[f"{r}_senior"])(role)
        margins.append(Margin(Part(f"{role}_total"), (Part(f"{role}_senior"), Part(f"_{role}_rest")),
                              _CAT + ("measure", "comparison")))
    both = ("advantaged_senior", "advantaged_total", "compared_senior", "compared_total")
    return CountCells(
        counts=counts, spaces=spaces, hidden=hidden, margins=tuple(margins),
        extra={"_senior_key": _senior_key, "_rest_key": _rest_key, "_pool_key": _pool_key},
        derived=(
            # the state and its reason say whether a group has fewer than min_size: counts, in effect
            Derived(("value", "ci_low", "ci_high", "p_value", "outside_non_adverse", "significant", "state", "reason"),
                    both),
            Derived(("advantaged_rate",), ("advantaged_senior", "advantaged_total")),
            Derived(("compared_rate",), ("compared_senior", "compared_total")),
            Derived(("compared_share_pool",), ("advantaged_total", "compared_total")),
            Derived(("compared_share_senior",), ("advantaged_senior", "compared_senior")),
        ),
    )


#: What ``progression_gaps`` returns.
PROGRESSION_GAPS = ResultSpec(
    kind=Kind.PROGRESSION_GAPS,
    title="Progression gaps into senior bands",
    columns=columns(
        ("organisation", "str", "the organisation"),
        ("snapshot_date", "datetime64[ns]", "the snapshot used (the organisation's latest)"),
        ("characteristic", "str", "ethnicity, disability, sex, age, or the name of a Comparison"),
        ("advantaged", "str", "the advantaged group (the numerator of the relative likelihood)"),
        ("compared", "str", "the compared group (BME, Disabled, ...)"),
        ("staff_category", "str", "Clinical, Non-clinical, All AfC or Medical"),
        ("measure", "str", "relative likelihood, glass ceiling index or disparity ratio"),
        ("comparison", "str", "the senior threshold ('8a and above', '8c and above', 'VSM', 'Consultant') or the "
                              "tiers ('8a+ vs 1-5', ...)"),
        ("value", "float64", "the measure; above 1 means the compared group is worse off"),
        ("ci_low", "float64", "lower limit of the interval (Katz log for a relative likelihood, Woolf log for a "
                              "disparity ratio; none for the glass ceiling index)"),
        ("ci_high", "float64", "upper limit of the interval"),
        ("p_value", "float64", "Wald test of log(value) = 0"),
        ("outside_non_adverse", "boolean", "relative likelihoods: outside the non-adverse range 0.80-1.25"),
        ("significant", "boolean", "the interval excludes 1"),
        ("state", "str", "estimated, insufficient data (fewer than min_size in a group) or not estimable"),
        ("reason", "str", "why, when the state is not estimated"),
        ("advantaged_senior", "int64", "advantaged group in the senior part (the higher tier)"),
        ("advantaged_total", "int64", "advantaged group in the pool (every rung of the category; the two tiers)"),
        ("compared_senior", "int64", "compared group in the senior part"),
        ("compared_total", "int64", "compared group in the pool"),
        ("unknown_senior", "int64", "people of unknown group in the senior part (left out of every measure)"),
        ("unknown_total", "int64", "people of unknown group in the pool"),
        ("advantaged_rate", "float64", "advantaged_senior / advantaged_total"),
        ("compared_rate", "float64", "compared_senior / compared_total"),
        ("compared_share_pool", "float64", "the compared group's share of known staff in the pool"),
        ("compared_share_senior", "float64", "the compared group's share of known staff in the senior part"),
    ),
    cells=_gaps_cells(),
    chart="likelihood_chart",
)
#: Columns of ``progression_gaps(...).table``, always in this order (see :data:`PROGRESSION_GAPS`).
PROGRESSION_COLUMNS = PROGRESSION_GAPS.names

_MEASURES = ("relative likelihood", "glass ceiling index", "disparity ratio")
_STATES = ("estimated", "insufficient data", "not estimable")
_ROLES = ("advantaged", "compared", "unknown")

# Rungs counted: the 13 bands (positions in BANDS), then the 4 medical grades.
_N_BANDS = len(BANDS)
_GRADES = tuple(MEDICAL_GRADE_DTYPE.categories)
_N_RUNGS = _N_BANDS + len(_GRADES)
_CLUSTERS = tuple(BAND_GROUP_DTYPE.categories)
_CLUSTER_OF_BAND = band_group(pd.Series(BANDS)).cat.codes.to_numpy()
# Categories counted: Clinical, Non-clinical, Medical (CLINICAL_GROUP_DTYPE order), then "on a band with no
# clinical group" (counted in All AfC only).
_N_COUNTED = 4
_MEDICAL_PAY = list(PAY_SYSTEM_DTYPE.categories).index("Medical and Dental")
_REQUIRED = ("organisation", "snapshot_date", "is_bank", "band", "medical_grade", "pay_system", "clinical_group")


# ---------------------------------------------------------------- public


def ladder(staff: StaffTable | pd.DataFrame, *, characteristic: LadderCharacteristic | Comparison = "ethnicity",
           include_bank: bool = False, confidence: float = 0.95, min_size: int = 10) -> Result:
    """Each group's headcount and share on every rung of the pay ladder.

    WRES indicator 1 and WDES metric 1: for each organisation, staff category
    (Clinical, Non-clinical, All AfC, Medical) and rung (AfC bands and VSM,
    the WDES clusters, medical grades), the headcount of each group, its
    share of everyone on the rung (unknowns included, as WRES reports it),
    its share of the staff whose group is known (with a Wilson interval), and
    the same shares in the whole staff category for comparison.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff`, or its ``people`` table.  With
        several snapshots, each organisation's latest is used.
    characteristic : {"ethnicity", "disability", "sex", "age"} or Comparison
        Which groups are compared (see :data:`COMPARISONS`).
    include_bank : bool
        Count people whose only assignments are bank (left out by default, as
        in WRES and WDES since 2023).
    confidence : float
        Level of the Wilson intervals.
    min_size : int
        Rungs with fewer people of known group are "insufficient data".

    Returns
    -------
    Result
        ``.table`` has the columns :data:`LADDER_COLUMNS`: for every
        organisation, the same rows (every rung of every staff category, three
        groups each) whatever the input holds; rungs with no one on them have
        zero headcounts and missing shares.  ``.method`` records the groups,
        rungs, staff counted and version.

    Examples
    --------
    >>> import workforce
    >>> from workforce import ladder
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> t = ladder(staff).table
    >>> bme = t[(t["staff_category"] == "All AfC") & (t["group"] == "BME") & (t["rung_type"] == "cluster")]
    >>> print(bme[["rung", "headcount", "share", "overall_share"]].round(3).to_string(index=False))
     rung  headcount  share  overall_share
      1-4        930  0.406          0.349
      5-7        829  0.325          0.349
    8a-8b         80  0.219          0.349
      8c+          5  0.066          0.349
    >>> ladder(staff, characteristic="disability").table["group"].unique().tolist()
    ['Non-disabled', 'Disabled', 'Unknown']
    """
    comparison = _comparison(characteristic)
    counted = _count(staff, comparison, include_bank)
    table = _ladder_table(counted, comparison, confidence, min_size)
    return Result(table=table, spec=LADDER,
                  method=_method("ladder", comparison, counted, include_bank, confidence, min_size))


def progression_gaps(staff: StaffTable | pd.DataFrame, *,
                     characteristic: LadderCharacteristic | Comparison = "ethnicity", include_bank: bool = False,
                     confidence: float = 0.95, min_size: int = 10) -> Result:
    """How much less often the compared group reaches the senior rungs.

    For each organisation and staff category (Clinical, Non-clinical, All AfC
    and Medical), three measures, all from the same counts as :func:`ladder`
    (people of unknown group are left out of every measure and reported in
    ``unknown_senior`` and ``unknown_total``):

    **Relative likelihood** (``measure`` "relative likelihood") of the
    advantaged group being in a senior rung compared with the compared group,
    in the WRES direction (advantaged over compared, as in indicators 2 and
    4)::

        RL = (advantaged_senior / advantaged_total) / (compared_senior / compared_total)

    Above 1 means the compared group (BME, Disabled, ...) is less often
    senior: worse off.  Senior is "8a and above" (8a-8d, 9 and VSM), "8c and
    above" and "VSM" for AfC and VSM staff (:data:`THRESHOLDS`) and
    "Consultant" for medical staff, each out of everyone on a rung of the
    category.  Katz log interval, Wald p-value, the NHS non-adverse range
    0.80-1.25 and "not estimable" for zero cells, as
    :func:`workforce.analysis._likelihood.relative_likelihoods`.

    **Glass ceiling index** (``measure`` "glass ceiling index"; EIGE, *She
    Figures*; definitions 8.5), for the same thresholds::

        GCI = compared share of known staff in all rungs / compared share of known staff in the senior rungs

    1 means no difference, above 1 a glass ceiling (the compared group is
    under-represented at the top), below 1 over-represented.  For medical
    staff: all doctors against consultants.  No interval is given: GCI > 1
    exactly when RL > 1 for the same threshold (both come from one 2×2
    table), so the relative likelihood's interval and p-value speak for it.
    Not estimable when no one of the compared group is senior.

    **Disparity ratio** (``measure`` "disparity ratio"; AfC and VSM staff)
    between the tiers lower (bands 1-5), middle (6-7) and upper (8a-9 and
    VSM) (:data:`TIERS`), for the pairs "8a+ vs 1-5", "8a+ vs 6-7" and
    "6-7 vs 1-5"::

        DR(lower -> higher) = (advantaged_higher / advantaged_lower) / (compared_higher / compared_lower)

    the advantaged group's ratio of people in the higher tier to the lower
    one over the compared group's: 1 is parity, above 1 means the advantaged
    group progresses more (the PROPOSED definition in the domain notes,
    section 8.3; NHS England's own method is unpublished).  It is the odds
    ratio of the 2×2 table (group × tier), with the Woolf log interval
    ``exp(log DR ± z·sqrt(1/a + 1/b + 1/c + 1/d))`` and the Wald p-value;
    not estimable when a cell is zero.  The compared group's share of known
    staff in the higher tier divided by its share in the two tiers together
    is ``compared_share_senior / compared_share_pool``.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        As for :func:`ladder`.
    characteristic : {"ethnicity", "disability", "sex", "age"} or Comparison
        Which groups are compared (see :data:`COMPARISONS`).
    include_bank : bool
        Count people whose only assignments are bank (left out by default).
    confidence : float
        Level of the intervals.
    min_size : int
        When the advantaged or compared group has fewer people in the pool,
        the state is "insufficient data" (figures still shown).

    Returns
    -------
    Result
        ``.table`` has the columns :data:`PROGRESSION_COLUMNS`; for every
        organisation the same rows.  ``.method`` records the definitions,
        directions, thresholds, tiers, staff counted and version.

    Examples
    --------
    >>> import workforce
    >>> from workforce import progression_gaps
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> gaps = progression_gaps(staff).table
    >>> rl = gaps[(gaps["measure"] == "relative likelihood") & (gaps["staff_category"] == "All AfC")]
    >>> print(rl[["comparison", "value", "ci_low", "ci_high", "significant", "state"]].round(2).to_string(index=False))
      comparison  value  ci_low  ci_high  significant         state
    8a and above   2.25    1.79     2.84         True     estimated
    8c and above   7.64    3.08    18.91         True     estimated
             VSM    NaN     NaN      NaN         <NA> not estimable
    """
    comparison = _comparison(characteristic)
    counted = _count(staff, comparison, include_bank)
    table = _gaps_table(counted, comparison, confidence, min_size)
    return Result(table=table, spec=PROGRESSION_GAPS,
                  method=_method("progression_gaps", comparison, counted, include_bank, confidence, min_size))


# ---------------------------------------------------------------- counting


@dataclass(frozen=True)
class _Counted:
    counts: np.ndarray  # (organisations, _N_COUNTED categories, _N_RUNGS rungs, 3 groups)
    organisations: list[str]
    dates: np.ndarray  # each organisation's snapshot date (datetime64[ns])
    snapshots: list[str]
    people: int  # people counted (on a rung)
    off_ladder: int  # people kept but on no rung


def _comparison(characteristic) -> Comparison:
    if isinstance(characteristic, Comparison):
        return characteristic
    name = _ALIASES.get(characteristic, characteristic) if isinstance(characteristic, str) else characteristic
    if name not in COMPARISONS:
        raise WorkforceError(f"characteristic must be one of {list(COMPARISONS)}, or a Comparison; "
                             f"got {characteristic!r}.")
    return COMPARISONS[name]


def _codes(values: pd.Series, dtype: pd.CategoricalDtype) -> np.ndarray:
    """Category codes of ``values`` under ``dtype`` (-1: missing or another value); cheap when already so typed."""
    if values.dtype != dtype:
        values = values.astype(dtype)
    return values.cat.codes.to_numpy()


def _count(staff, comparison: Comparison, include_bank: bool) -> _Counted:
    """Headcounts by organisation, category, rung and group: one ``np.bincount`` on combined codes."""
    frame = staff.people if hasattr(staff, "people") else staff
    if isinstance(frame, pd.DataFrame):
        missing = [c for c in ("person_id", *_REQUIRED, comparison.column) if c not in frame]
        if missing:
            raise WorkforceError(f"the staff table has no column(s) {missing}; pass the result of "
                                 "workforce.load_staff (or its .people table).")
    people, keep, snapshots = counted_people(staff, include_bank)

    org_codes, organisations = _organisation_codes(people)
    n_org = len(organisations)

    category, rung, group = _person_codes(people, comparison)
    on_ladder = keep & (rung >= 0)
    n_bins = n_org * _N_COUNTED * _N_RUNGS * 3
    bins = ((org_codes * _N_COUNTED + category) * _N_RUNGS + rung) * 3 + group
    bins = np.where(on_ladder, bins, n_bins)
    counts = np.bincount(bins, minlength=n_bins + 1)[:n_bins].reshape(n_org, _N_COUNTED, _N_RUNGS, 3)

    # organisations with no one counted (a filtered table keeps the others as unused categories) are left out
    present = np.bincount(np.where(keep, org_codes, n_org), minlength=n_org + 1)[:n_org] > 0
    if not present.all():
        organisations = [o for o, here in zip(organisations, present) if here]
        renumber = np.cumsum(present) - 1
        org_codes = np.where(present[org_codes], renumber[org_codes], -1)
        keep = keep & (org_codes >= 0)
        counts = counts[present]
        n_org = len(organisations)

    # each organisation's snapshot date (one per organisation after counted_people)
    if len(snapshots) == 1:
        org_dates = np.full(n_org, np.datetime64(snapshots[0], "ns"))
    else:
        org_dates = np.full(n_org, np.datetime64("NaT", "ns"))
        dates = people["snapshot_date"].to_numpy()[keep]
        latest = pd.Series(dates).groupby(org_codes[keep]).max().astype("datetime64[ns]")
        org_dates[latest.index.to_numpy()] = latest.to_numpy()
    n_kept = int(keep.sum())
    n_on = int(on_ladder.sum())
    return _Counted(counts, organisations, org_dates, snapshots, n_on, n_kept - n_on)


def _organisation_codes(people: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each row's organisation as a code, and the names (a missing one is its own organisation, "Not recorded")."""
    org = people["organisation"]
    if not isinstance(org.dtype, pd.CategoricalDtype):
        org = org.astype("category")
    codes = org.cat.codes.to_numpy().astype(np.int64)
    names = [str(o) for o in org.cat.categories]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names.append("Not recorded")
    return codes, names


def _person_codes(people: pd.DataFrame, comparison: Comparison) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each person's staff category, rung and group, as codes.

    Category: 0 Clinical, 1 Non-clinical, 2 Medical, 3 on a band with no clinical group.  Rung: the band's
    position in ``BANDS``, or ``len(BANDS)`` + the medical grade's code (doctors are on grades only); -1 on no
    rung.  Group: 0 advantaged, 1 compared, 2 unknown (where unknown, the fallback column's group).
    """
    clinical = _codes(people["clinical_group"], CLINICAL_GROUP_DTYPE)
    grade = _codes(people["medical_grade"], MEDICAL_GRADE_DTYPE)
    band = _codes(people["band"], BAND_DTYPE)
    medical = (clinical == 2) | (_codes(people["pay_system"], PAY_SYSTEM_DTYPE) == _MEDICAL_PAY) | (grade >= 0)
    category = np.where(medical, 2, np.where(clinical >= 0, clinical, 3)).astype(np.int64)
    rung = np.where(medical, np.where(grade >= 0, grade + _N_BANDS, -1), band).astype(np.int64)
    group = _groups(people[comparison.column], comparison)
    if comparison.fallback and comparison.fallback in people:
        group = np.where(group == 2, _groups(people[comparison.fallback], comparison), group)
    return category, rung, group


def _groups(values: pd.Series, comparison: Comparison) -> np.ndarray:
    """Each person's group: 0 advantaged, 1 compared, 2 unknown, by the column's categories (code -1: unknown)."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("category")
    labels = [str(v) for v in values.cat.categories]
    lookup = np.array([0 if v in comparison.advantaged_values else 1 if v in comparison.compared_values else 2
                       for v in labels] + [2], dtype=np.int64)
    return lookup[values.cat.codes.to_numpy()]


def _afc_and_medical(counts: np.ndarray):
    """AfC counts (org, [Clinical, Non-clinical, All AfC], 13 bands, 3) and medical (org, 4 grades, 3)."""
    bands = counts[:, :, :_N_BANDS, :]
    afc = np.stack([bands[:, 0], bands[:, 1], bands[:, 0] + bands[:, 1] + bands[:, 3]], axis=1)
    medical = counts[:, 2, _N_BANDS:, :]
    return afc, medical


# ---------------------------------------------------------------- the ladder


def _ladder_table(counted: _Counted, comparison: Comparison, confidence: float, min_size: int) -> pd.DataFrame:
    afc, medical = _afc_and_medical(counted.counts)
    n_org = afc.shape[0]
    into_cluster = np.zeros((_N_BANDS, len(_CLUSTERS)), dtype=np.int64)
    into_cluster[np.arange(_N_BANDS), _CLUSTER_OF_BAND] = 1
    clusters = np.einsum("ocbg,bk->ockg", afc, into_cluster)
    # rungs per organisation, in table order: for each AfC category its bands then clusters; then medical grades
    afc_rungs = np.concatenate([afc, clusters], axis=2)  # (org, 3, 17, 3)
    afc_overall = afc.sum(axis=2)  # (org, 3, 3): all bands
    med_rungs = medical[:, None]  # (org, 1, 4, 3)
    med_overall = medical.sum(axis=1)[:, None]  # (org, 1, 3)
    n_afc_rungs, n_med = afc_rungs.shape[2], len(_GRADES)
    per_org = 3 * n_afc_rungs + n_med  # rungs per organisation

    heads = np.concatenate([afc_rungs.reshape(n_org, 3 * n_afc_rungs, 3), med_rungs.reshape(n_org, n_med, 3)], axis=1)
    overall = np.concatenate([np.repeat(afc_overall, n_afc_rungs, axis=1), np.repeat(med_overall, n_med, axis=1)],
                             axis=1)  # (org, per_org, 3)
    rung_names = list(BANDS) + list(_CLUSTERS)
    rung_types = ["band"] * _N_BANDS + ["cluster"] * len(_CLUSTERS)
    cat_of_rung = np.array([c for c in STAFF_CATEGORIES[:3] for _ in range(n_afc_rungs)] + ["Medical"] * n_med,
                           dtype=object)
    type_of_rung = np.array(rung_types * 3 + ["grade"] * n_med, dtype=object)
    name_of_rung = np.array(rung_names * 3 + list(_GRADES), dtype=object)

    k = heads.reshape(-1).astype(np.int64)  # row = (org, rung, group)
    rung_total = np.repeat(heads.sum(axis=2).reshape(-1), 3)
    rung_known = np.repeat(heads[:, :, :2].sum(axis=2).reshape(-1), 3)
    ko = overall.reshape(-1).astype(np.int64)
    overall_total = np.repeat(overall.sum(axis=2).reshape(-1), 3)
    overall_known = np.repeat(overall[:, :, :2].sum(axis=2).reshape(-1), 3)
    unknown = np.tile(np.array([False, False, True]), n_org * per_org)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(rung_total > 0, k / rung_total, np.nan)
        share_known = np.where((rung_known > 0) & ~unknown, k / rung_known, np.nan)
        overall_share = np.where(overall_total > 0, ko / overall_total, np.nan)
        overall_known_share = np.where((overall_known > 0) & ~unknown, ko / overall_known, np.nan)
    low, high = wilson_interval(k, np.where(unknown, 0, rung_known), confidence)
    state = np.where(rung_known == 0, _STATES[2], np.where(rung_known < min_size, _STATES[1], _STATES[0]))

    n_rows = len(k)
    rows_per_org = per_org * 3
    org_index = np.repeat(np.arange(n_org), rows_per_org)
    table = pd.DataFrame({
        "organisation": np.asarray(counted.organisations, dtype=object)[org_index],
        "snapshot_date": counted.dates[org_index],
        "characteristic": np.full(n_rows, comparison.name, dtype=object),
        "staff_category": np.tile(np.repeat(cat_of_rung, 3), n_org),
        "rung_type": np.tile(np.repeat(type_of_rung, 3), n_org),
        "rung": np.tile(np.repeat(name_of_rung, 3), n_org),
        "group": np.tile(np.asarray(comparison.groups, dtype=object), n_org * per_org),
        "role": np.tile(np.asarray(_ROLES, dtype=object), n_org * per_org),
        "headcount": k, "rung_total": rung_total.astype(np.int64), "share": share,
        "rung_known": rung_known.astype(np.int64), "share_of_known": share_known,
        "share_of_known_ci_low": low, "share_of_known_ci_high": high,
        "overall_headcount": ko, "overall_total": overall_total.astype(np.int64),
        "overall_known": overall_known.astype(np.int64),
        "overall_share": overall_share, "overall_share_of_known": overall_known_share,
        "difference_pp": (share - overall_share) * 100,
        "difference_of_known_pp": (share_known - overall_known_share) * 100,
        "state": state,
    })
    for text in ("organisation", "characteristic", "staff_category", "rung_type", "rung", "group", "role", "state"):
        table[text] = table[text].astype("str")
    table["snapshot_date"] = table["snapshot_date"].astype("datetime64[ns]")
    return table[LADDER_COLUMNS]


# ---------------------------------------------------------------- progression gaps


def _gaps_table(counted: _Counted, comparison: Comparison, confidence: float, min_size: int) -> pd.DataFrame:
    afc, medical = _afc_and_medical(counted.counts)
    n_org = afc.shape[0]
    # each comparison: (category, measure, label, senior rungs, pool rungs) as masks over bands / grades
    band_pos = {b: i for i, b in enumerate(BANDS)}
    plans: list[tuple[int | None, str, str, str, np.ndarray, np.ndarray]] = []  # (category index into afc or "Medical", measure, label, senior mask, pool mask)
    all_bands = np.ones(_N_BANDS, dtype=bool)
    for c, category in enumerate(STAFF_CATEGORIES[:3]):
        for label, lowest in THRESHOLDS.items():
            senior = np.arange(_N_BANDS) >= band_pos[lowest]
            plans += [(c, category, measure, label, senior, all_bands) for measure in _MEASURES[:2]]
        for higher, lower in TIER_PAIRS:
            hi = np.isin(np.asarray(BANDS), TIERS[higher])
            lo = np.isin(np.asarray(BANDS), TIERS[lower])
            plans.append((c, category, _MEASURES[2], f"{higher} vs {lower}", hi, hi | lo))
    for label, grades in MEDICAL_THRESHOLD.items():
        senior = np.isin(np.asarray(_GRADES), grades)
        all_grades = np.ones(len(_GRADES), dtype=bool)
        plans += [(None, "Medical", measure, label, senior, all_grades) for measure in _MEASURES[:2]]

    # counts (org, plan, group) in the senior part and the pool
    senior_parts: list[np.ndarray] = []
    pool_parts: list[np.ndarray] = []
    for cat, _, _, _, senior, pool in plans:
        source = medical if cat is None else afc[:, cat]  # (org, rungs, 3)
        senior_parts.append(source[:, senior].sum(axis=1))
        pool_parts.append(source[:, pool].sum(axis=1))
    senior_counts = np.stack(senior_parts, axis=1).reshape(-1, 3).astype(float)  # row = (org, plan)
    pool_counts = np.stack(pool_parts, axis=1).reshape(-1, 3).astype(float)
    ea, eb, eu = senior_counts.T
    ta, tb, tu = pool_counts.T
    n_plans = len(plans)
    measure = np.tile(np.array([p[2] for p in plans], dtype=object), n_org)
    n_rows = len(measure)

    value = np.full(n_rows, np.nan)
    ci_low, ci_high, p_value = value.copy(), value.copy(), value.copy()
    outside = np.full(n_rows, None, dtype=object)
    significant = np.full(n_rows, None, dtype=object)
    small = np.minimum(ta, tb) < min_size
    state = np.where(small, _STATES[1], _STATES[0]).astype(object)
    reason = np.where(small, f"fewer than {min_size} people in a group", "").astype(object)

    rl_rows = np.flatnonzero(measure == _MEASURES[0])
    if rl_rows.size:
        for i, rl in zip(rl_rows, relative_likelihoods(ea[rl_rows], ta[rl_rows], eb[rl_rows], tb[rl_rows],
                                                       confidence=confidence, min_size=min_size)):
            value[i], ci_low[i], ci_high[i], p_value[i] = rl.ratio, rl.ci_low, rl.ci_high, rl.p_value
            outside[i], significant[i] = rl.outside_non_adverse, rl.significant
            state[i], reason[i] = rl.state, rl.reason

    with np.errstate(invalid="ignore", divide="ignore"):
        share_pool = np.where(ta + tb > 0, tb / (ta + tb), np.nan)
        share_senior = np.where(ea + eb > 0, eb / (ea + eb), np.nan)

    gci = measure == _MEASURES[1]
    gci_bad = gci & ~(eb > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        value[gci] = share_pool[gci] / share_senior[gci]
    value[gci_bad] = np.nan
    reason[gci_bad] = np.where(ta[gci_bad] + tb[gci_bad] == 0, "a group has no people",
                               "no one of the compared group is senior, so the index is infinite or undefined")
    state[gci_bad] = _STATES[2]

    dr = measure == _MEASURES[2]
    cells = np.stack([ea, ta - ea, eb, tb - eb])  # advantaged higher, lower; compared higher, lower
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_dr = np.log(cells[0]) - np.log(cells[1]) - np.log(cells[2]) + np.log(cells[3])
        se = np.sqrt((1 / cells).sum(axis=0))
        dr_p = 2 * ndtr(-np.abs(log_dr) / se)
    dr_ok = dr & (cells > 0).all(axis=0)
    dr_bad = dr & ~dr_ok
    value[dr_ok] = np.exp(log_dr[dr_ok])
    ci_low[dr_ok] = np.exp(log_dr[dr_ok] - z * se[dr_ok])
    ci_high[dr_ok] = np.exp(log_dr[dr_ok] + z * se[dr_ok])
    p_value[dr_ok] = dr_p[dr_ok]
    significant[dr_ok] = (ci_low[dr_ok] > 1) | (ci_high[dr_ok] < 1)
    state[dr_bad] = _STATES[2]
    reason[dr_bad] = np.where((ta[dr_bad] == 0) | (tb[dr_bad] == 0), "a group has no people",
                              "a group has no one in one of the two tiers, so the ratio or its interval is 0 "
                              "or infinite")

    with np.errstate(invalid="ignore", divide="ignore"):
        rate_a = np.where(ta > 0, ea / ta, np.nan)
        rate_b = np.where(tb > 0, eb / tb, np.nan)
    org_index = np.repeat(np.arange(n_org), n_plans)
    table = pd.DataFrame({
        "organisation": np.asarray(counted.organisations, dtype=object)[org_index],
        "snapshot_date": counted.dates[org_index],
        "characteristic": comparison.name, "advantaged": comparison.advantaged, "compared": comparison.compared,
        "staff_category": np.tile(np.array([p[1] for p in plans], dtype=object), n_org),
        "measure": measure,
        "comparison": np.tile(np.array([p[3] for p in plans], dtype=object), n_org),
        "value": value, "ci_low": ci_low, "ci_high": ci_high, "p_value": p_value,
        "outside_non_adverse": pd.array(list(outside), dtype="boolean"),
        "significant": pd.array(list(significant), dtype="boolean"),
        "state": state, "reason": reason,
        "advantaged_senior": ea.astype(np.int64), "advantaged_total": ta.astype(np.int64),
        "compared_senior": eb.astype(np.int64), "compared_total": tb.astype(np.int64),
        "unknown_senior": eu.astype(np.int64), "unknown_total": tu.astype(np.int64),
        "advantaged_rate": rate_a, "compared_rate": rate_b,
        "compared_share_pool": share_pool, "compared_share_senior": share_senior,
    }, index=pd.RangeIndex(n_rows))
    for text in ("organisation", "characteristic", "advantaged", "compared", "staff_category", "measure",
                 "comparison", "state", "reason"):
        table[text] = table[text].astype("str")
    table["snapshot_date"] = table["snapshot_date"].astype("datetime64[ns]")
    return table[PROGRESSION_COLUMNS]


# ---------------------------------------------------------------- method


def _method(analysis: str, comparison: Comparison, counted: _Counted, include_bank: bool, confidence: float,
            min_size: int) -> Method:
    notes = {
        "characteristic": comparison.name,
        "groups": comparison.describe(),
        "advantaged group": comparison.advantaged,
        "compared group": comparison.compared,
        "staff": "one row per person (primary assignment); each organisation's latest snapshot"
                 + ("" if include_bank else "; people whose only assignments are bank left out (WRES; WDES since "
                                            "2023)"),
        "people counted": counted.people,
        "not on a rung": counted.off_ladder,
        "staff categories": "Clinical and Non-clinical by clinical_group on AfC bands and VSM; All AfC = both "
                            "(and anyone on a band with no clinical group); Medical = Medical clinical group, medical "
                            "and dental pay or a medical grade, on medical grades only (never on AfC bands)",
        "rungs": f"bands {list(BANDS)}; WDES clusters {list(_CLUSTERS)} (8c+ = 8c, 8d, 9, VSM); "
                 f"medical grades {list(_GRADES)}",
    }
    if comparison.fallback == "esr_age_band":
        notes["ESR age bands"] = ("where a person has no standard age band (an export giving only ESR's five-year "
                                  "bands), ESR's band is read: <=20 ... 46-50 under 55, 56-60 ... >=71 55 and over; "
                                  "ESR's 51-55 straddles 55 and counts as Unknown")
    if analysis == "ladder":
        interval, test = "Wilson score (share of known)", ""
        notes.update({
            "share": "headcount / everyone on the rung, unknowns included (WRES indicator 1 style; shares sum to 1)",
            "share of known": "headcount / people of known group on the rung, with its Wilson score interval",
            "overall": "the same organisation and staff category, all rungs of the rung's kind (bands or grades)",
            "difference": "percentage points, rung share minus overall share",
            "small groups": f"fewer than {min_size} people of known group on a rung: 'insufficient data'",
        })
    else:
        interval = "Katz log (relative likelihood); Woolf log (disparity ratio)"
        test = "Wald z-test of log(value) = 0"
        notes.update({
            "relative likelihood": "rate(advantaged senior) / rate(compared senior), rate = senior / everyone on a "
                                   "rung of the category; > 1 means the compared group is worse off",
            "non-adverse range": f"{NON_ADVERSE[0]:.2f}-{NON_ADVERSE[1]:.2f} (four-fifths rule)",
            "thresholds": {**{k: f"{v} and above, VSM last" if k != "VSM" else "VSM" for k, v in THRESHOLDS.items()},
                           **{k: list(v) for k, v in MEDICAL_THRESHOLD.items()}},
            "glass ceiling index": "compared share of known staff in all rungs / compared share in the senior rungs "
                                   "(EIGE She Figures); > 1 means a glass ceiling; medical: all doctors vs "
                                   "consultants; no interval (GCI > 1 exactly when RL > 1)",
            "disparity ratio": "(advantaged higher / advantaged lower) / (compared higher / compared lower) between "
                               "tiers; > 1 means the advantaged group progresses more; Woolf log interval, Wald "
                               "p-value (PROPOSED definition, domain notes 8.3)",
            "tiers": {k: list(v) for k, v in TIERS.items()},
            "unknowns": "left out of every measure; reported in unknown_senior and unknown_total",
            "zero cells": "not estimable (no number given)",
            "small groups": f"fewer than {min_size} people in the advantaged or compared group: 'insufficient data'",
        })
    return Method(confidence=confidence, interval=interval, test=test, min_size=min_size,
                  bank="included" if include_bank else "excluded", snapshots=tuple(counted.snapshots), notes=notes)
