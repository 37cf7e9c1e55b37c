"""Rambachan–Roth relative magnitudes (Δ^RM, ARP hybrid C-LF) against the HonestDiD README's
printed Medicaid table (tests/reference/honestdid/README.md says which knit), and the ARP pieces
on their own."""

from __future__ import annotations

from math import floor, log10
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from pairaid.evaluate.arp import (DualPolytope, ArpSetup, arp_confidence_set,
                                  arp_no_nuisance_set, conditional_test, construct_gamma,
                                  least_favourable_cv)
from pairaid.evaluate.honest_rm import (breakdown_mbar, confidence_interval_rm, honest_grid,
                                        rm_constraints, sensitivity_rm)
from pairaid.evaluate.r_rng import RRandom, rmvnorm

REFERENCE = Path(__file__).parent / "reference" / "honestdid"


@pytest.fixture(scope="module")
def medicaid():
    import pyfixest as pf

    df = pd.read_csv(REFERENCE / "ehec_data.csv")
    df = df[(df["year"] < 2016) & (df["yexp2"].isna() | (df["yexp2"] != 2015))]
    df = df.assign(D=(df["yexp2"] == 2014).astype(float))
    fit = pf.feols("dins ~ i(year, D, ref=2013) | stfips + year", df,
                   vcov={"CRV1": "stfips"})
    return fit.coef().to_numpy(), np.asarray(fit._vcov)


def _printed_rounding(value: float) -> float:
    """Half a unit in the last of the three significant digits HonestDiD's tibble prints."""
    return 0.5 * 10 ** (floor(log10(abs(value))) - 2)


def test_rm_intervals_equal_honestdid(medicaid):
    beta, sigma = medicaid
    printed = pd.read_csv(REFERENCE / "rm_clf.csv")
    for row in printed.itertuples():
        ci = confidence_interval_rm(beta, sigma, 5, 2, row.Mbar)
        for ours, theirs in ((ci.low, row.lb), (ci.high, row.ub)):
            assert abs(ours - theirs) <= _printed_rounding(theirs) + 1e-12, (row.Mbar, ours,
                                                                             theirs)


def test_breakdown_mbar(medicaid):
    beta, sigma = medicaid
    found = breakdown_mbar(beta, sigma, 5, 2)
    # README: significant at Mbar = 1.5 (lb 0.00824), not at 2 (lb -0.000916)
    assert 1.93 < found < 1.95
    assert confidence_interval_rm(beta, sigma, 5, 2, found).low > 0
    assert confidence_interval_rm(beta, sigma, 5, 2, found * 1.01).low < 0


def test_sensitivity_object(medicaid):
    beta, sigma = medicaid
    result = sensitivity_rm(beta, sigma, 5, 2, [0.5, 1.0], breakdown=False)
    payload = result.to_dict()
    assert payload["restriction"] == "relative_magnitudes"
    assert [i["Mbar"] for i in payload["intervals"]] == [0.5, 1.0]
    low, high = result.original
    assert low < beta[5] < high and result.intervals[0].low < low  # wider than the original


def test_rm_constraints_bound_post_changes():
    a = rm_constraints(2, 2, 1.5, 0, True)
    # δ = (δ_-2, δ_-1, δ_1, δ_2): pre changes -0.1 then δ_0 - δ_-1 = 0.2 (the largest,
    # positive, s = 0); post changes up to 1.5 × 0.2 = 0.3 are inside, 0.31 is not
    inside = np.array([-0.1, -0.2, 0.3, 0.6])
    outside = np.array([-0.1, -0.2, 0.31, 0.31])
    assert (a @ inside <= 1e-12).all() and (a @ outside > 0).any()


def test_dual_vertices_equal_linear_programme():
    rng = np.random.default_rng(3)
    for _ in range(20):
        m, k = 6, 2
        sd = rng.uniform(0.5, 2, m)
        x = rng.normal(size=(m, k))
        y = rng.normal(size=m)
        polytope = DualPolytope(sd, x)
        ours, _ = polytope.maximise(y)
        primal = optimize.linprog(np.r_[1, np.zeros(k)], A_ub=-np.column_stack([sd, x]),
                                  b_ub=-y, bounds=[(None, None)] * (k + 1), method="highs")
        if primal.status == 3:          # unbounded primal: no dual vertex
            assert not np.isfinite(ours)
        else:
            assert abs(ours - primal.fun) < 1e-9


def test_construct_gamma_first_row_is_l():
    for l_vec in ([1.0, 0.0], [0.5, 0.5], [0.0, 1.0, 0.0]):
        gamma = construct_gamma(np.array(l_vec))
        assert np.allclose(gamma[0], l_vec) and abs(np.linalg.det(gamma)) > 0


def test_rmvnorm_uses_r_draws():
    # set.seed(1); rnorm(3) in R: -0.6264538 0.1836433 -0.8356286
    assert np.allclose(RRandom(1).rnorm(3), [-0.6264538, 0.1836433, -0.8356286], atol=5e-8)
    draws = rmvnorm(2000, np.array([[4.0, 1.0], [1.0, 1.0]]), 0)
    assert np.allclose(np.cov(draws.T), [[4, 1], [1, 1]], atol=0.3)


def test_conditional_test_size():
    # under the least favourable null (E[y - X δ] = 0) the hybrid rejects about 5 % of the time
    rng = np.random.default_rng(0)
    sigma = np.array([[1.0, 0.3, 0.0, 0.1], [0.3, 1.0, 0.2, 0.0], [0.0, 0.2, 1.0, 0.4],
                      [0.1, 0.0, 0.4, 1.0]])
    x = np.array([[1.0], [-1.0], [0.5], [-0.5]])
    setup = ArpSetup.build(x, sigma, 0.05)
    assert np.isfinite(least_favourable_cv(x, sigma, 0.005))
    chol = np.linalg.cholesky(sigma)
    rejections = np.mean([conditional_test(chol @ rng.normal(size=4), setup)
                          for _ in range(1500)])
    assert 0.03 < rejections < 0.07


@pytest.fixture(scope="module")
def mpdta_one_post():
    """R did's event path on mpdta (universal base): the leads −4…−2 and event time 0 only."""
    path = pd.read_csv(REFERENCE / "cs_mpdta_event.csv")
    sigma = pd.read_csv(REFERENCE / "cs_mpdta_sigma.csv").to_numpy()
    keep = np.flatnonzero(path["e"].isin([-4, -3, -2, 0]).to_numpy())
    return path["att"].to_numpy()[keep], sigma[np.ix_(keep, keep)]


def test_one_post_period_test_is_the_nuisance_test_without_nuisance(mpdta_one_post):
    """HonestDiD's no-nuisance branch (one post period, closed-form truncation bounds) accepts
    the same grid points as the nuisance machinery given no nuisance column (dual bisection):
    two derivations of ARP's conditional test agree point by point (without the hybrid's first
    stage, where R's two branches differ: the no-nuisance one does not cap v_up)."""
    beta, sigma = mpdta_one_post
    grid = honest_grid(sigma, 3, 1, np.ones(1))
    accepted = 0
    for mbar in (0.0, 1.0, 2.0):
        for s in (-2, -1, 0):
            for positive in (True, False):
                a = rm_constraints(3, 1, mbar, s, positive)
                rows = np.flatnonzero(a[:, -1] != 0)
                closed = arp_no_nuisance_set(beta, sigma, 3, a[rows], np.zeros(len(rows)),
                                             0.05, grid, "ARP")
                dual = arp_confidence_set(beta, sigma, 3, 1, a, np.zeros(len(a)), np.ones(1),
                                          0.05, grid, "ARP", rows)
                np.testing.assert_array_equal(closed, dual)
                accepted += closed.sum()
    assert 0 < accepted < 18 * len(grid)


def test_one_post_period_relative_magnitudes(mpdta_one_post):
    """Δ^RM with one post period runs (it raised before): the interval holds the estimate at
    M̄ = 0, widens with M̄, and its breakdown is 0 as the effect's own 95 % interval covers 0."""
    beta, sigma = mpdta_one_post
    intervals = [confidence_interval_rm(beta, sigma, 3, 1, m) for m in (0.0, 0.5, 1.0, 2.0)]
    assert intervals[0].low < beta[-1] < intervals[0].high
    for narrow, wide in zip(intervals, intervals[1:]):
        assert wide.low <= narrow.low and wide.high >= narrow.high
    assert breakdown_mbar(beta, sigma, 3, 1) == 0.0
