"""Every method that pymcdm also has, cross-checked on random matrices (pymcdm: test-only)."""

from __future__ import annotations

import numpy as np
import pytest

from pairaid.measure import aggregate, normalise, weight

pymcdm = pytest.importorskip("pymcdm")
from pymcdm import helpers, methods, normalizations  # noqa: E402
from pymcdm import weights as pw  # noqa: E402
from pymcdm.weights.subjective import AHP  # noqa: E402

SEEDS = range(20)


def problem(seed: int):
    rng = np.random.default_rng(seed)
    m, n = rng.integers(4, 40), rng.integers(2, 9)
    matrix = rng.lognormal(rng.uniform(-2, 4, n), rng.uniform(0.1, 1.5, n), (m, n))
    types = rng.choice([-1, 1], n)
    w = rng.dirichlet(np.ones(n))
    return matrix, types, w


def identity(x, cost=False):
    return x


@pytest.mark.parametrize("seed", SEEDS)
def test_normalisations_match_pymcdm(seed):
    x, types, _ = problem(seed)
    for ours, theirs in ((normalise.minmax, normalizations.minmax_normalization),
                         (normalise.vector, normalizations.vector_normalization)):
        np.testing.assert_allclose(ours(x, types), helpers.normalize_matrix(x, theirs, types),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_weights_match_pymcdm(seed):
    x, _, _ = problem(seed)
    np.testing.assert_allclose(weight.equal_weights(x.shape[1]), pw.equal_weights(x))
    np.testing.assert_allclose(weight.entropy_weights(x), pw.entropy_weights(x), rtol=1e-10)
    np.testing.assert_allclose(weight.critic_weights(x), pw.critic_weights(x), rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_aggregations_match_pymcdm(seed):
    x, types, w = problem(seed)
    for norm, theirs in (("minmax", normalizations.minmax_normalization),
                         ("vector", normalizations.vector_normalization)):
        z = normalise.normalise(x, types, norm)
        expected = methods.TOPSIS(theirs)(x, w, types)
        np.testing.assert_allclose(aggregate.topsis(z, w, z.max(0), z.min(0))[:, 0], expected,
                                   rtol=1e-10)
    z = normalise.minmax(x, types)
    np.testing.assert_allclose(aggregate.linear(z, w)[:, 0],
                               methods.WSM(normalizations.minmax_normalization)(x, w, types),
                               rtol=1e-10)
    ones = np.ones(len(w))
    g = aggregate.geometric_scale(z, np.ones(len(z), dtype=bool))
    np.testing.assert_allclose(aggregate.geometric(g, w)[:, 0],
                               methods.WPM(identity)(g, w, ones, validation=False), rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_ahp_matches_pymcdm(seed):
    rng = np.random.default_rng(seed)
    n = rng.integers(3, 9)
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])   # Saaty's scale (pymcdm's)
    a = np.triu(rng.choice(scale, (n, n)), 1)
    a = a + np.tril(np.divide(1, a.T, out=np.zeros_like(a), where=a.T > 0), -1)
    np.fill_diagonal(a, 1)
    ours = weight.ahp_weights(a, max_cr=None)
    theirs = AHP(matrix=a)
    np.testing.assert_allclose(ours.weights, theirs(), rtol=1e-8)
    # CR differs only by the random-index table (Saaty 1980 vs Tummala & Ling 1998)
    assert ours.consistency_index == pytest.approx(theirs.get_cr() * AHP.RI_M[n - 1], rel=1e-8)


def test_entropy_refuses_what_pymcdm_refuses_but_keeps_zeros():
    x = np.array([[1.0, 0.0], [2.0, 3.0], [4.0, 5.0]])
    with pytest.raises(ValueError):
        pw.entropy_weights(x)            # pymcdm: zeros are refused
    w = weight.entropy_weights(x)        # pairaid: 0 ln 0 = 0
    assert w.sum() == pytest.approx(1) and np.all(w >= 0)
    # the zero counts as an observation with no share: same as the entropy of (0, 3/8, 5/8)
    share = np.array([3, 5]) / 8
    e = -(share * np.log(share)).sum() / np.log(3)
    first = np.array([1, 2, 4]) / 7
    e0 = -(first * np.log(first)).sum() / np.log(3)
    np.testing.assert_allclose(w, np.array([1 - e0, 1 - e]) / (2 - e0 - e))
