"""Relative likelihood: the measure at the core of WRES and WDES.

The relative likelihood (RL) is group a's rate divided by group b's rate, for
example the rate at which White applicants are appointed from shortlisting
over the rate for BME applicants (WRES indicator 2).  Each indicator fixes
which group is a so that above 1 always means the minoritised or disabled
group is worse off.

* interval: the log (Katz) method, ``exp(log RL ± z·SE)`` with
  ``SE = sqrt(1/a − 1/n_a + 1/b − 1/n_b)`` (definitions, section 8.2);
* p-value: the Wald z-test of ``log RL = 0`` with the same standard error,
  so the interval excludes 1 exactly when p < 1 − confidence;
* practical significance: outside the NHS "non-adverse" range 0.80–1.25
  (the four-fifths rule);
* not estimable when a rate's denominator is zero or a group has no events
  (the ratio or its interval would be 0, infinite or undefined): no number is
  given, and the state says why.  Fewer than ``min_size`` people in either
  group gives "insufficient data" with the figures still shown.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from .._display import html_table, interval, missing, p_value, percent, ratio, text
from ._stats import z_value

__all__ = ["RelativeLikelihood", "relative_likelihood", "relative_likelihoods", "NON_ADVERSE", "STATES"]

#: The NHS "non-adverse" range for a relative likelihood (A Fair Experience for All, 2019).
NON_ADVERSE = (0.80, 1.25)
#: Possible values of :attr:`RelativeLikelihood.state`.
STATES = ("estimated", "insufficient data", "not estimable")


@dataclass(frozen=True)
class RelativeLikelihood:
    """A relative likelihood with its interval, p-value and flags.

    Attributes
    ----------
    ratio, ci_low, ci_high, p_value : float
        ``nan`` when not estimable.
    rate_a, rate_b : float
        The two rates (events ÷ total).
    events_a, total_a, events_b, total_b : int
    outside_non_adverse : bool or None
        The ratio lies outside 0.80–1.25 (practical significance).
    significant : bool or None
        The interval excludes 1 (statistical significance).
    state : str
        "estimated", "insufficient data" (figures shown, but a group is
        smaller than ``min_size``) or "not estimable" (no figures).
    reason : str
        Why, when the state is not "estimated".
    confidence : float
        The level of the interval (0.95).

    It prints as the README shows it (``str``: ``1.88 (95% CI 1.23 to 2.86)``),
    and a notebook shows its figures as a small table.

    Examples
    --------
    >>> relative_likelihood(60, 200, 24, 150)
    <RelativeLikelihood 1.88 (95% CI 1.23 to 2.86): 60 of 200 (30.0%) against 24 of 150 (16.0%); p = 0.0036>
    >>> print(relative_likelihood(60, 200, 24, 150))
    1.88 (95% CI 1.23 to 2.86)
    """

    ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    rate_a: float
    rate_b: float
    events_a: int
    total_a: int
    events_b: int
    total_b: int
    outside_non_adverse: bool | None
    significant: bool | None
    state: str
    reason: str = ""
    confidence: float = 0.95

    def to_dict(self) -> dict:
        """The fields as a plain dict (one row of a table)."""
        return asdict(self)

    @property
    def _level(self) -> str:
        return f"{self.confidence * 100:g}%"

    def __str__(self) -> str:
        if self.state == "not estimable":
            return f"not estimable ({self.reason})"
        text = f"{ratio(self.ratio)} ({self._level} CI {interval(self.ci_low, self.ci_high)})"
        return text + (f" [{self.state}: {self.reason}]" if self.state != "estimated" else "")

    def _groups(self) -> tuple[str, str]:
        def group(events: int, total: int) -> str:
            return f"{events:,} of {total:,}" + (f" ({percent(events / total)})" if total else "")

        return group(self.events_a, self.total_a), group(self.events_b, self.total_b)

    def __repr__(self) -> str:
        a, b = self._groups()
        p = "" if missing(self.p_value) else f"; p {'' if p_value(self.p_value).startswith('<') else '= '}" \
                                            f"{p_value(self.p_value)}"
        return f"<RelativeLikelihood {self}: {a} against {b}{p}>"

    def _repr_html_(self) -> str:  # notebooks
        a, b = self._groups()
        shown = {"relative likelihood": [ratio(self.ratio)],
                 f"{self._level} interval": [interval(self.ci_low, self.ci_high)],
                 "p-value": [p_value(self.p_value)], "group a": [a], "group b": [b],
                 "outside 0.80-1.25": [text(self.outside_non_adverse)], "significant": [text(self.significant)],
                 "state": [self.state + (f": {self.reason}" if self.reason else "")]}
        return html_table(shown, right=["relative likelihood", "p-value"])


def relative_likelihood(events_a: float, total_a: float, events_b: float, total_b: float, *, confidence: float = 0.95,
                        min_size: int = 10) -> RelativeLikelihood:
    """Group a's rate over group b's rate, with its Katz log interval.

    Parameters
    ----------
    events_a, total_a : int
        Events (appointed, entered the process, accessed training) and people
        in group a (the numerator group of the indicator).
    events_b, total_b : int
        The same for group b.
    confidence : float
        Two-sided confidence level of the interval.
    min_size : int
        Smaller groups give the state "insufficient data".

    Returns
    -------
    RelativeLikelihood

    Examples
    --------
    A trust's published figures (WRES indicator 2): White 46.99% and BME
    14.65% appointed from shortlisting give 3.21.

    >>> rl = relative_likelihood(4699, 10000, 1465, 10000)
    >>> round(rl.ratio, 2), rl.significant, rl.outside_non_adverse
    (3.21, True, True)
    >>> relative_likelihood(0, 50, 5, 60).state
    'not estimable'
    """
    return relative_likelihoods([events_a], [total_a], [events_b], [total_b],
                                confidence=confidence, min_size=min_size)[0]


def relative_likelihoods(events_a: npt.ArrayLike, total_a: npt.ArrayLike, events_b: npt.ArrayLike,
                         total_b: npt.ArrayLike, *, confidence: float = 0.95,
                         min_size: int = 10) -> list[RelativeLikelihood]:
    """:func:`relative_likelihood` for many comparisons at once (vectorised)."""
    a, na, b, nb = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (events_a, total_a, events_b, total_b))
    for name, v in (("events_a", a), ("total_a", na), ("events_b", b), ("total_b", nb)):
        fractional = ~np.isfinite(v) | (v != np.round(v))
        if fractional.any():
            raise ValueError(f"{name} must be a whole number of people, not {v[np.flatnonzero(fractional)[0]]:g}: "
                             "relative likelihoods count people.")
    bad = (a < 0) | (b < 0) | (a > na) | (b > nb)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"events must lie between 0 and the total: got {a[i]:g} of {na[i]:g} and {b[i]:g} of {nb[i]:g}.")
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_a, rate_b = a / na, b / nb
        ratio = rate_a / rate_b
        se = np.sqrt(1 / a - 1 / na + 1 / b - 1 / nb)
        low, high = np.exp(np.log(ratio) - z * se), np.exp(np.log(ratio) + z * se)
        p = 2 * special.ndtr(-np.abs(np.log(ratio)) / se)  # two-sided normal tail
    out = []
    for i in range(a.size):
        reason = _not_estimable(a[i], na[i], b[i], nb[i])
        if reason:
            out.append(RelativeLikelihood(np.nan, np.nan, np.nan, np.nan,
                                          float(rate_a[i]) if na[i] > 0 else np.nan,
                                          float(rate_b[i]) if nb[i] > 0 else np.nan,
                                          int(a[i]), int(na[i]), int(b[i]), int(nb[i]), None, None,
                                          "not estimable", reason, confidence))
            continue
        small = min(na[i], nb[i]) < min_size
        out.append(RelativeLikelihood(
            float(ratio[i]), float(low[i]), float(high[i]), float(p[i]), float(rate_a[i]), float(rate_b[i]),
            int(a[i]), int(na[i]), int(b[i]), int(nb[i]),
            bool(ratio[i] < NON_ADVERSE[0] or ratio[i] > NON_ADVERSE[1]), bool(low[i] > 1 or high[i] < 1),
            "insufficient data" if small else "estimated",
            f"fewer than {min_size} people in a group" if small else "", confidence))
    return out


def _not_estimable(a, na, b, nb) -> str:
    if na == 0 or nb == 0:
        return "a group has no people"
    if a == 0 or b == 0:
        return "a group has no events, so the ratio or its interval is 0 or infinite"
    if a == na and b == nb:
        return "every person in both groups had the event; the interval is undefined"
    return ""
