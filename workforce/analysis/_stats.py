"""The statistics every analysis shares: intervals, tests, multiple comparisons.

All functions are vectorised over numpy arrays and return ``nan`` where a
quantity cannot be estimated (a denominator of zero), never a made-up number.
Methods follow section 8 of the domain definitions:

* a proportion's interval is the Wilson score interval (Wilson 1927), which
  behaves well for small counts and proportions near 0 or 1;
* a test against a known proportion is the exact two-sided binomial test
  (``scipy.stats.binomtest``, which sums the probabilities of all outcomes no
  more likely than the one observed);
* several tests are adjusted with the Benjamini-Hochberg step-up procedure,
  which controls the false discovery rate.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import special

from . import _binomial

__all__ = ["wilson_interval", "binomial_test", "benjamini_hochberg", "z_value"]


def z_value(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level (1.96 for 0.95).

    Examples
    --------
    >>> round(z_value(0.95), 4)
    1.96
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (for example 0.95), not {confidence!r}")
    return float(special.ndtri(0.5 + confidence / 2))  # the normal quantile, without importing scipy.stats


def wilson_interval(successes: npt.ArrayLike, trials: npt.ArrayLike,
                    confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions ``successes / trials``.

    Parameters
    ----------
    successes, trials : array_like
        Counts; ``trials`` of zero gives ``nan`` limits.
    confidence : float
        Two-sided confidence level.

    Returns
    -------
    low, high : numpy.ndarray

    Examples
    --------
    >>> low, high = wilson_interval([8], [40])
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.105, 0.3476)
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def binomial_test(successes: npt.ArrayLike, trials: npt.ArrayLike, proportion: npt.ArrayLike) -> np.ndarray:
    """Exact two-sided binomial test of ``successes`` out of ``trials`` against ``proportion``.

    The p-value sums the probabilities of every outcome no more likely than
    the one observed (the "minimum likelihood" rule of
    ``scipy.stats.binomtest``, computed the same way: the matching point on
    the other side of the mode is found by binary search).  Vectorised, so a
    national table's groups take a fraction of a millisecond each.  ``nan``
    where the test cannot be done (no trials, or a proportion of 0, 1 or
    missing).

    Examples
    --------
    >>> [round(float(p), 4) for p in binomial_test([10, 0], [100, 0], [0.2, 0.5])]
    [0.0118, nan]
    """
    k = np.atleast_1d(np.asarray(successes, dtype=float))
    n = np.atleast_1d(np.asarray(trials, dtype=float))
    p = np.broadcast_to(np.asarray(proportion, dtype=float), k.shape).copy()
    out = np.full(k.shape, np.nan)
    ok = (n > 0) & (p > 0) & (p < 1) & np.isfinite(k) & np.isfinite(p)
    if not ok.any():
        return out
    k, n, p = k[ok], n[ok], p[ok]
    limit = _binomial.pmf(k, n, p) * (1 + 1e-7)  # outcomes this likely or less count
    expected = n * p
    below = k < expected
    # the other tail: above the mode when k is below it, and below the mode otherwise
    lo = np.where(below, np.ceil(expected), 0.0)
    hi = np.where(below, n, np.floor(expected))
    sign = np.where(below, -1.0, 1.0)  # makes the pmf increase along the searched side
    edge = _search(lambda x: sign * _binomial.pmf(x, n, p), sign * limit, lo, hi)
    upper_tail = below & (_binomial.pmf(edge, n, p) <= limit)
    first_above = np.where(upper_tail, edge, edge + 1)  # first outcome above the mode in the tail
    p_low_side = _binomial.cdf(k, n, p) + _binomial.sf(first_above - 1, n, p)
    last_below = edge  # last outcome below the mode in the tail
    p_high_side = _binomial.cdf(last_below, n, p) + _binomial.sf(k - 1, n, p)
    value = np.where(below, p_low_side, p_high_side)
    value = np.where(k == expected, 1.0, value)
    out[ok] = np.minimum(value, 1.0)
    return out


def _search(f, target, lo, hi) -> np.ndarray:
    """For increasing ``f`` on [lo, hi]: the last x with f(x) <= target (lo - 1 if none), elementwise."""
    lo, hi = lo.copy(), hi.copy()
    while np.any(lo < hi):
        active = lo < hi
        mid = np.floor(lo + (hi - lo + 1) / 2)
        fits = f(mid) <= target
        lo = np.where(active & fits, mid, lo)
        hi = np.where(active & ~fits, mid - 1, hi)
    return np.where(f(lo) <= target, lo, lo - 1)


def benjamini_hochberg(p_values: npt.ArrayLike) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values; ``nan`` entries are left out and stay ``nan``.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return out
    values = p[ok]
    order = np.argsort(values)
    ranked = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    out[ok] = result
    return out
