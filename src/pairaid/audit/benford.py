"""Benford first-digit and first-two-digits tests of reported amounts.

Chi-square goodness of fit against log10(1 + 1/d) and the mean absolute deviation (MAD) with
Nigrini's conformity bands:

    MAD = (1/K) Σ_k |observed share_k − expected share_k|

A test is only worth running where it can see something and where clean data pass it:
`powered_sample` is the smallest sample at which the chi-square test (5 %) has 80 % power
against a quarter of the amounts having uniform digits (exact, from the non-central chi-square:
λ = n Σ (p₁ − p₀)²/p₀): 599 amounts for the first digit, 1,516 for the first two.
`false_alarm_rate` is the chance that clean Benford data of a size still reads "marginal" or
"nonconformity" by Nigrini's MAD bands — high for small samples, because the MAD shrinks only as
1/√n (first two digits: 93 % at 1,500 amounts, 42 % at 2,000). `minimum_sample` asks for both:
842 amounts for the first digit and 2,533 for the first two (`MINIMUM_SAMPLE`, recomputed
by a test).

References
----------
Cochran, W. G. (1954). Some methods for strengthening the common χ² tests. *Biometrics* 10(4).
Nigrini, M. J. (2012). *Benford's Law: Applications for Forensic Accounting, Auditing, and Fraud
Detection*. Wiley, table 7.1 (MAD cut-offs).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from pairaid.audit.tails import chi2_sf

DigitTest = Literal["first", "first_two"]

#: upper MAD bounds of close conformity, acceptable conformity, marginal conformity (Nigrini 2012)
MAD_BANDS: dict[str, tuple[float, float, float]] = {
    "first": (0.006, 0.012, 0.015),
    "first_two": (0.0012, 0.0018, 0.0022),
}
CONFORMITY = ("close conformity", "acceptable conformity", "marginal conformity",
              "nonconformity")


def expected_shares(test: DigitTest) -> pd.Series:
    """Benford's expected share of each leading digit (1–9) or digit pair (10–99)."""
    digits = np.arange(1, 10) if test == "first" else np.arange(10, 100)
    return pd.Series(np.log10(1 + 1 / digits), index=digits, name="expected")


@dataclass(frozen=True)
class BenfordTest:
    test: DigitTest
    #: amounts tested
    n: int
    #: amounts left out: non-positive or missing (and, for first_two, below 10)
    excluded: int
    #: digit, count, observed share, expected share
    table: pd.DataFrame
    chi2: float
    df: int
    p_value: float
    mad: float

    @property
    def conformity(self) -> str:
        """Nigrini's reading of the MAD."""
        if self.n == 0:
            return "not tested"
        bands = MAD_BANDS[self.test]
        return CONFORMITY[int(np.searchsorted(bands, self.mad, side="left"))]

    def reading(self) -> str:
        name = "first-digit" if self.test == "first" else "first-two-digits"
        if self.n == 0:
            return f"Benford {name} test: no positive amounts to test ({self.excluded} excluded)."
        return (f"Benford {name} test on {self.n:,} amounts ({self.excluded:,} excluded): MAD "
                f"{self.mad:.4f} ({self.conformity}); chi-square {self.chi2:.1f} on {self.df} df, "
                f"p = {self.p_value:.3g}.")


#: the departure the minimum sample is sized to detect: this share of amounts with uniform digits
CONTAMINATION = 0.25
POWER, ALPHA = 0.8, 0.05
#: `minimum_sample` of each test, computed once (3 s) and checked by tests/test_audit_limits.py
MINIMUM_SAMPLE: dict[str, int] = {"first": 842, "first_two": 2533}


@functools.lru_cache(maxsize=8)
def minimum_sample(test: DigitTest) -> int:
    """Smallest sample worth testing: the chi-square test has `POWER` against `CONTAMINATION`
    (`powered_sample`) and clean data read worse than "acceptable conformity" at most `ALPHA`
    of the time (`false_alarm_rate`, found by bisection)."""
    low, high = powered_sample(test), 200_000
    if false_alarm_rate(test, low) <= ALPHA:
        return low
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if false_alarm_rate(test, middle) <= ALPHA else (middle, high)
    return high


def powered_sample(test: DigitTest, contamination: float = CONTAMINATION, power: float = POWER,
                   alpha: float = ALPHA) -> int:
    """Smallest n at which the chi-square test has `power` against `contamination` (the share
    of amounts whose leading digits are uniform instead of Benford)."""
    from scipy import optimize, stats

    p0 = expected_shares(test).to_numpy()
    p1 = (1 - contamination) * p0 + contamination / len(p0)
    effect = float(np.sum((p1 - p0) ** 2 / p0))
    df = len(p0) - 1
    critical = stats.chi2.ppf(1 - alpha, df)
    n = optimize.brentq(lambda n: stats.ncx2.sf(critical, df, n * effect) - power, 1, 1e8)
    return int(np.ceil(n))


def false_alarm_rate(test: DigitTest, n: int, draws: int = 4000, seed: int = 0) -> float:
    """Chance that `n` amounts drawn from Benford's law read worse than "acceptable conformity"
    (Monte Carlo, `draws` multinomial samples, seeded)."""
    if n <= 0:
        return float("nan")
    p0 = expected_shares(test).to_numpy()
    p0 = p0 / p0.sum()
    counts = np.random.default_rng(seed).multinomial(n, p0, size=draws)
    mad = np.abs(counts / n - p0).mean(axis=1)
    return float(np.mean(mad > MAD_BANDS[test][1]))


def leading_digits(amounts: np.ndarray, test: DigitTest) -> np.ndarray:
    """First (or first two) significant digits of positive numbers."""
    x = np.asarray(amounts, dtype=float)
    exponent = np.floor(np.log10(x))
    width = 1 if test == "first" else 2
    # the small nudge keeps exact powers of ten (1000 → 1) from falling below by rounding
    digits = np.floor(x / 10.0 ** (exponent - width + 1) * (1 + 1e-12)).astype(int)
    return digits


def benford_test(amounts, test: DigitTest = "first") -> BenfordTest:
    """Chi-square and MAD test of the leading digits of `amounts` against Benford's law.

    Non-positive and missing amounts are excluded (and counted); the first-two-digits test also
    excludes amounts below 10, as Nigrini does.
    """
    if test not in MAD_BANDS:
        raise ValueError(f"test must be 'first' or 'first_two', not {test!r}")
    x = pd.to_numeric(pd.Series(np.asarray(amounts, dtype=object).ravel()),
                      errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(x) & (x > 0)
    if test == "first_two":
        keep &= x >= 10
    expected = expected_shares(test)
    digits = leading_digits(x[keep], test)
    counts = pd.Series(digits).value_counts().reindex(expected.index, fill_value=0)
    n = int(counts.sum())
    observed = counts / n if n else counts * np.nan
    table = pd.DataFrame({"digit": expected.index, "count": counts.to_numpy(),
                          "observed": observed.to_numpy(dtype=float),
                          "expected": expected.to_numpy()})
    chi2, p_value, mad = digit_statistics(counts.to_numpy(), expected.to_numpy())
    return BenfordTest(test, n, int(len(x) - keep.sum()), table, chi2, len(expected) - 1,
                       p_value, mad)


def digit_statistics(counts, expected) -> tuple[float, float, float]:
    """Pearson chi-square, its p-value (K − 1 df) and the MAD of digit `counts` against
    `expected` shares (which are rescaled to sum to one, as published tables round them)."""
    counts = np.asarray(counts, dtype=float)
    expected = np.asarray(expected, dtype=float) / np.sum(expected)
    n = counts.sum()
    if n <= 0:
        return float("nan"), float("nan"), float("nan")
    chi2 = float(np.sum((counts - expected * n) ** 2 / (expected * n)))
    return chi2, chi2_sf(chi2, len(counts) - 1), float(np.abs(counts / n - expected).mean())
