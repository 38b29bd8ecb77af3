"""The binomial distribution's pmf, cdf, survival function and quantile, without importing ``scipy.stats``.

``scipy.stats.binom`` costs about 0.5 s of CPU to import (all of
``scipy.stats``), and the board pack needs only four of its functions.  Those
call SciPy's own Boost ufuncs (``scipy.special._ufuncs._binom_pmf`` and its
siblings), which stay accurate at any size where ``special.bdtr`` and a pmf from
``gammaln`` lose it at national scale (p-values off by 3e-6 at 10 million staff,
by 0.06 at 100 million).  This module calls the same ufuncs with the same
argument checks and edge values as ``scipy.stats.binom`` (``rv_discrete``):

* ``nan`` where ``n`` is not a whole number at least 0, ``p`` is outside
  [0, 1] or missing, or ``k`` (``q``) is missing;
* the pmf is 0 at ``k`` outside 0..n or not a whole number;
* the cdf and survival function floor ``k``; the cdf is 1 at ``k >= n`` and 0
  below 0 (and at -inf), the survival function 1 below 0 and 0 at ``k >= n``;
* the quantile is -1 at ``q = 0``, ``n`` at ``q = 1`` and ``nan`` outside [0, 1].

The ufuncs are private to SciPy: where they are missing (another SciPy
version), each function falls back to ``scipy.stats.binom``.  Arguments are
converted to float64 and broadcast; a 0-d result is returned as a numpy scalar,
as SciPy does.  ``tests/test_stats.py`` compares every function with
``scipy.stats.binom`` bit for bit on random and edge arguments.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

try:
    from scipy.special._ufuncs import _binom_cdf, _binom_pmf, _binom_ppf, _binom_sf
except (ImportError, AttributeError):  # another SciPy: use scipy.stats.binom itself
    _binom_pmf = _binom_cdf = _binom_sf = _binom_ppf = None

__all__ = ["pmf", "cdf", "sf", "ppf"]


def _arguments(x: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> tuple[np.ndarray, ...]:
    """The arguments as float64 arrays of one shape, and where ``n`` and ``p`` are valid (``binom._argcheck``)."""
    x, n, p = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x, n, p)))
    with np.errstate(invalid="ignore"):
        valid = (n >= 0) & (n == np.round(n)) & (p >= 0) & (p <= 1)
    return x, n, p, valid


def _result(out: np.ndarray) -> np.ndarray:
    """A 0-d result as a numpy scalar (as ``scipy.stats`` returns it)."""
    return out[()] if out.ndim == 0 else out


def pmf(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> np.ndarray:
    """P(X = k) for X ~ Binomial(n, p), as ``scipy.stats.binom.pmf``."""
    if _binom_pmf is None:
        from scipy.stats import binom

        return binom.pmf(k, n, p)
    k, n, p, valid = _arguments(k, n, p)
    out = np.zeros(k.shape)
    out[~valid | np.isnan(k)] = np.nan
    inside = valid & (k >= 0) & (k <= n) & (np.floor(k) == k)
    if inside.any():
        out[inside] = np.clip(_binom_pmf(k[inside], n[inside], p[inside]), 0, 1)
    return _result(out)


def cdf(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> np.ndarray:
    """P(X <= k) for X ~ Binomial(n, p), as ``scipy.stats.binom.cdf``."""
    if _binom_cdf is None:
        from scipy.stats import binom

        return binom.cdf(k, n, p)
    return _tail(_binom_cdf, k, n, p, below=0.0, beyond=1.0)


def sf(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> np.ndarray:
    """P(X > k) for X ~ Binomial(n, p), as ``scipy.stats.binom.sf``."""
    if _binom_sf is None:
        from scipy.stats import binom

        return binom.sf(k, n, p)
    return _tail(_binom_sf, k, n, p, below=1.0, beyond=0.0)


def _tail(ufunc, k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike, below: float, beyond: float) -> np.ndarray:
    """The cdf or survival function ``ufunc`` at ``floor(k)``: ``below`` where k < 0, ``beyond`` where k >= n."""
    k, n, p, valid = _arguments(k, n, p)
    out = np.where(k < 0, below, beyond)   # outside 0..n-1: k < 0 (-inf too), or k >= n (+inf too)
    out[~valid | np.isnan(k)] = np.nan
    inside = valid & (k >= 0) & (k < n) & np.isfinite(k)
    if inside.any():
        out[inside] = np.clip(ufunc(np.floor(k[inside]), n[inside], p[inside]), 0, 1)
    return _result(out)


def ppf(q: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> np.ndarray:
    """The smallest k with P(X <= k) >= q for X ~ Binomial(n, p), as ``scipy.stats.binom.ppf``."""
    if _binom_ppf is None:
        from scipy.stats import binom

        return binom.ppf(q, n, p)
    q, n, p, valid = _arguments(q, n, p)
    out = np.full(q.shape, np.nan)
    out[(q == 0) & valid] = -1.0
    at_one = (q == 1) & valid
    out[at_one] = n[at_one]
    inside = valid & (q > 0) & (q < 1)
    if inside.any():
        out[inside] = _binom_ppf(q[inside], n[inside], p[inside])
    return _result(out)
