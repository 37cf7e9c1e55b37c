"""Benford digit tests: agreement with benfordslaw (an independent implementation, test-only
dependency) and with a published worked example (tests/reference/audit/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from pairaid.audit import benford_test
from pairaid.audit.benford import (
    MAD_BANDS,
    digit_statistics,
    expected_shares,
    leading_digits,
)

benfordslaw = pytest.importorskip("benfordslaw")

REFERENCE = json.loads((Path(__file__).parent / "reference" / "audit" /
                        "benford_published.json").read_text(encoding="utf-8"))


def _samples():
    rng = np.random.default_rng(11)
    # whole numbers below 1e15 so benfordslaw's str()-based digit reading sees plain digits
    return {
        "benford": np.round(10 ** rng.uniform(1, 8, 20_000)),
        "uniform": np.round(rng.uniform(10, 99_999, 20_000)),
        "lognormal": np.round(rng.lognormal(12, 1.2, 5_000)),
        "small": np.round(10 ** rng.uniform(1, 6, 60)),
    }


@pytest.mark.parametrize("name", ["benford", "uniform", "lognormal", "small"])
@pytest.mark.parametrize("test,pos", [("first", 1), ("first_two", "first_two")])
def test_agrees_with_benfordslaw(name, test, pos):
    amounts = _samples()[name]
    ours = benford_test(amounts, test)
    theirs = benfordslaw.benfordslaw(method="chi2", pos=pos, verbose="error").fit(amounts)
    assert ours.n == theirs["N"]
    assert_allclose(ours.chi2, theirs["t"], rtol=1e-10)
    assert_allclose(ours.p_value, theirs["P"], rtol=1e-8, atol=1e-300)
    assert_allclose(ours.mad, theirs["mad"], rtol=1e-10)
    assert_allclose(ours.table["observed"] * 100, np.asarray(theirs["percentage_emp"])[:, 1],
                    rtol=1e-10)


def test_benford_data_conform_and_uniform_data_do_not():
    samples = _samples()
    assert benford_test(samples["benford"], "first").conformity == "close conformity"
    assert benford_test(samples["benford"], "first_two").conformity == "close conformity"
    assert benford_test(samples["benford"], "first").p_value > 0.001
    assert benford_test(samples["uniform"], "first").conformity == "nonconformity"
    assert benford_test(samples["uniform"], "first_two").conformity == "nonconformity"
    assert benford_test(samples["uniform"], "first").p_value < 1e-100


def test_published_example_burton_checks():
    """Triola's exercise (784 cheques, Brooklyn DA): published chi-square 3711.409."""
    case = REFERENCE["burton_checks"]
    chi2, p_value, _ = digit_statistics(case["counts"], case["expected_percent"])
    assert_allclose(chi2, case["chi2"], atol=5e-4)
    assert p_value < 0.05 and chi2 > case["critical_value_0.05"]
    # the same counts through the amounts path (exact log10 shares instead of rounded ones)
    amounts = np.repeat(np.arange(1, 10) * 1000 + 123, case["counts"])
    result = benford_test(amounts, "first")
    assert result.n == 784 and result.conformity == "nonconformity"
    assert_allclose(result.chi2, case["chi2_exact_shares"], rtol=1e-9)
    theirs = benfordslaw.benfordslaw(method="chi2", pos=1, verbose="error").fit(amounts)
    assert_allclose(result.chi2, theirs["t"], rtol=1e-10)


def test_expected_shares_and_digits():
    assert_allclose(expected_shares("first").sum(), 1.0)
    assert_allclose(expected_shares("first_two").sum(), 1.0)
    assert_allclose(expected_shares("first")[1], 0.30103, atol=1e-5)
    x = np.array([1, 10, 100, 1000, 1e6, 999, 0.0123, 19.99, 9.5e11, 1234567])
    assert leading_digits(x, "first").tolist() == [1, 1, 1, 1, 1, 9, 1, 1, 9, 1]
    assert leading_digits(x[1:], "first_two").tolist() == [10, 10, 10, 10, 99, 12, 19, 95, 12]


def test_non_positive_amounts_are_excluded_and_counted():
    result = benford_test([0, -5, np.nan, None, "x", 123, 456, 7.5], "first")
    assert result.n == 3 and result.excluded == 5
    two = benford_test([0, -5, 123, 456, 7.5], "first_two")
    assert two.n == 2 and two.excluded == 3  # 7.5 has no second digit
    empty = benford_test([], "first")
    assert empty.n == 0 and empty.conformity == "not tested" and np.isnan(empty.chi2)
    assert "no positive amounts" in empty.reading()
    with pytest.raises(ValueError):
        benford_test([1, 2], "second")


@pytest.mark.parametrize("test", ["first", "first_two"])
def test_conformity_bands_are_nigrinis(test):
    close, acceptable, marginal = MAD_BANDS[test]
    assert (close, acceptable, marginal) == ((0.006, 0.012, 0.015) if test == "first"
                                             else (0.0012, 0.0018, 0.0022))
    base = benford_test(_samples()["benford"], test)
    for mad, reading in ((close, "close conformity"), (acceptable, "acceptable conformity"),
                         (marginal, "marginal conformity"), (marginal + 1e-6, "nonconformity")):
        assert type(base)(**{**base.__dict__, "mad": mad}).conformity == reading


# -- the tails in the audit's terms (P(X ≥ k), not scipy's P(X > k)) -----------------------------
def test_tails_agree_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    from pairaid.audit.tails import binom_sf, chi2_sf

    for df in (1, 2, 7, 8, 9, 89):
        for x in (0.01, 0.5, 3.0, 8.0, 15.5, 60.0, 105.9, 400.0, 3711.4):
            assert_allclose(chi2_sf(x, df), stats.chi2.sf(x, df), rtol=1e-9, atol=1e-300)
    assert chi2_sf(0.0, 8) == 1.0
    for n, p in ((20, 1e-6), (107, 1e-6), (500, 1e-3), (60, 0.3)):
        for x in (0, 1, 2, 3, 10, n):
            assert_allclose(binom_sf(x, n, p), stats.binom.sf(x - 1, n, p), rtol=1e-9,
                            atol=1e-300)
