"""Known-answer tests for the shared statistics, against independent implementations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from workforce.analysis._stats import benjamini_hochberg, binomial_test, wilson_interval, z_value


@pytest.mark.parametrize(("k", "n"), [(0, 10), (10, 10), (8, 40), (1, 3), (450, 1000), (3, 7000)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(k, n, confidence):
    low, high = wilson_interval([k], [n], confidence)
    ref_low, ref_high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    assert low[0] == pytest.approx(ref_low, abs=1e-12)
    assert high[0] == pytest.approx(ref_high, abs=1e-12)


def test_wilson_by_hand():
    # k=8, n=40, z=1.959964: centre = (0.2 + z^2/80) / (1 + z^2/40) = 0.226424...,
    # half = z * sqrt(0.2*0.8/40 + z^2/6400) / (1 + z^2/40) = 0.121...
    z = 1.959963984540054
    centre = (0.2 + z**2 / 80) / (1 + z**2 / 40)
    half = z * np.sqrt(0.2 * 0.8 / 40 + z**2 / 6400) / (1 + z**2 / 40)
    low, high = wilson_interval(8, 40)
    assert (float(low), float(high)) == pytest.approx((centre - half, centre + half))


def test_no_trials_gives_nan_not_a_number():
    low, high = wilson_interval([0], [0])
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert np.isnan(binomial_test([0], [0], [0.3])[0])


def _exact_two_sided(k, n, p):
    """The exact two-sided binomial p-value, summed by hand from the pmf."""
    pmf = binom.pmf(np.arange(n + 1), n, p)
    return min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum())


@pytest.mark.parametrize(("k", "n", "p"), [(10, 100, 0.2), (0, 50, 0.1), (30, 40, 0.5), (5, 5, 0.9), (123, 1000, 0.1)])
def test_binomial_test_matches_the_exact_sum(k, n, p):
    assert binomial_test([k], [n], [p])[0] == pytest.approx(_exact_two_sided(k, n, p), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_benjamini_hochberg_matches_statsmodels(ps):
    assert benjamini_hochberg(ps) == pytest.approx(multipletests(ps, method="fdr_bh")[1])


def test_z_value_rejects_a_percentage():
    with pytest.raises(ValueError, match="between 0 and 1"):
        z_value(95)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 3000), st.floats(0.001, 0.999), st.floats(0, 1))
def test_vectorised_binomial_test_matches_scipy(n, p, fraction):
    from scipy.stats import binomtest

    k = int(round(fraction * n))
    assert binomial_test([k], [n], [p])[0] == pytest.approx(binomtest(k, n, p).pvalue, rel=1e-6, abs=1e-12)


def test_binomial_test_at_national_scale():
    from scipy.stats import binomtest

    ks, ns, ps = [190_000, 210_000, 5], [1_400_000, 1_400_000, 1_400_000], [0.14, 0.14, 0.000004]
    expected = [binomtest(k, n, p).pvalue for k, n, p in zip(ks, ns, ps)]
    assert binomial_test(ks, ns, ps) == pytest.approx(expected, rel=1e-6, abs=1e-300)


@pytest.mark.parametrize("n", [2_000_000, 10_000_000, 100_000_000])
def test_binomial_test_stays_exact_at_national_scale_and_beyond(n):
    """The tails lost accuracy at large n (3e-6 at 10 million, 0.06 at 100 million; issue 13): scipy's
    binomtest is the reference."""
    from scipy import stats

    rng = np.random.default_rng(n)
    for _ in range(4):
        p = rng.uniform(0.01, 0.5)
        k = int(rng.normal(n * p, 2 * np.sqrt(n * p * (1 - p))))
        assert binomial_test([k], [n], [p])[0] == pytest.approx(stats.binomtest(k, n, p).pvalue, abs=1e-12)


# ------------------------------------------------ the binomial functions without scipy.stats


def _same(ours, theirs) -> bool:
    """Equal bit for bit (nan included), with the same shape; a 0-d result a scalar on both sides."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    return ours.shape == theirs.shape and ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()


#: Arguments scipy.stats.binom treats specially: k outside 0..n, not whole, infinite or missing; n of 0,
#: negative, not whole or missing; p of 0 or 1, outside [0, 1] or missing.
EDGE_K = [-np.inf, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, 5.0, 9.0, 10.0, 11.0, 40.0, np.inf, np.nan]
EDGE_N = [0.0, 1.0, 2.0, 10.0, 10.5, -1.0, np.nan, 1e6]
EDGE_P = [0.0, 1e-12, 0.3, 0.5, 1.0 - 1e-12, 1.0, -0.1, 1.1, np.nan]
EDGE_Q = [-0.1, 0.0, 1e-9, 0.001, 0.025, 0.5, 0.975, 0.999, 1.0 - 1e-12, 1.0, 1.5, np.nan]


@pytest.mark.parametrize("name", ["pmf", "cdf", "sf"])
def test_binomial_functions_match_scipy_on_edge_arguments(name):
    from workforce.analysis import _binomial

    k, n, p = (a.ravel() for a in np.meshgrid(EDGE_K, EDGE_N, EDGE_P, indexing="ij"))
    assert _same(getattr(_binomial, name)(k, n, p), getattr(binom, name)(k, n, p))


def test_binomial_quantile_matches_scipy_on_edge_arguments():
    from workforce.analysis import _binomial

    q, n, p = (a.ravel() for a in np.meshgrid(EDGE_Q, EDGE_N, EDGE_P, indexing="ij"))
    assert _same(_binomial.ppf(q, n, p), binom.ppf(q, n, p))


@pytest.mark.parametrize("name", ["pmf", "cdf", "sf", "ppf"])
def test_binomial_functions_match_scipy_on_random_arguments(name):
    from workforce.analysis import _binomial

    rng = np.random.default_rng(16)
    n = np.floor(10 ** rng.uniform(0, 8, 5000))
    p = rng.uniform(0, 1, 5000)
    if name == "ppf":
        first = rng.uniform(0, 1, 5000)
    else:  # around the mean, and anywhere in 0..n
        near = np.round(n * p + rng.normal(0, 3, 5000) * np.sqrt(n * p * (1 - p) + 1))
        first = np.where(rng.uniform(size=5000) < 0.5, near, np.floor(rng.uniform(-1, 1.1, 5000) * n))
    assert _same(getattr(_binomial, name)(first, n, p), getattr(binom, name)(first, n, p))


@pytest.mark.parametrize("name", ["pmf", "cdf", "sf", "ppf"])
def test_binomial_functions_broadcast_and_return_scalars_as_scipy(name):
    from workforce.analysis import _binomial

    first = 0.3 if name == "ppf" else 3
    ours, theirs = getattr(_binomial, name), getattr(binom, name)
    assert _same(ours(first, 10, 0.4), theirs(first, 10, 0.4))               # a numpy scalar
    assert _same(ours([first, 1], 10, [[0.2], [0.6]]), theirs([first, 1], 10, [[0.2], [0.6]]))  # 2 x 2
    assert _same(ours([1, 2, 3], 5, 0.5), theirs([1, 2, 3], 5, 0.5))        # integer arguments


def test_binomial_functions_fall_back_to_scipy_stats_without_the_private_ufuncs(monkeypatch):
    from workforce.analysis import _binomial

    for name in ("_binom_pmf", "_binom_cdf", "_binom_sf", "_binom_ppf"):
        monkeypatch.setattr(_binomial, name, None)
    k = np.array([-1.0, 0.0, 2.5, 3.0, 10.0, np.nan])
    for name in ("pmf", "cdf", "sf"):
        assert _same(getattr(_binomial, name)(k, 10, 0.3), getattr(binom, name)(k, 10, 0.3))
    assert _same(_binomial.ppf([0.0, 0.2, 1.0], 10, 0.3), binom.ppf([0.0, 0.2, 1.0], 10, 0.3))


def test_the_normal_functions_used_instead_of_scipy_stats_are_the_same():
    """The p-value of the adjusted gap and the funnel's ratio limits use scipy.special, bit for bit as stats.norm."""
    from scipy import special, stats

    x = np.array([-np.inf, -40.0, -2.0, -1e-300, 0.0, 0.5, 1.959964, 8.0, 40.0, np.inf, np.nan])
    assert _same(special.ndtr(-x), stats.norm.sf(x))
    q = np.array([-0.5, 0.0, 1e-300, 0.001, 0.025, 0.5, 0.975, 0.999, 1.0, 2.0])
    assert _same(special.ndtri(q), stats.norm.ppf(q))
    assert np.isnan(special.ndtri(np.nan)) and np.isnan(stats.norm.ppf(np.nan))  # (the nan's sign bit differs)
