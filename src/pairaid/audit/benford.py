"""Benford first-digit and first-two-digits tests of reported amounts.

Chi-square goodness of fit against log10(1 + 1/d) and the mean absolute deviation (MAD) with
Nigrini's conformity bands:

    MAD = (1/K) Σ_k |observed share_k − expected share_k|

References
----------
Nigrini, M. J. (2012). *Benford's Law: Applications for Forensic Accounting, Auditing, and Fraud
Detection*. Wiley, table 7.1 (MAD cut-offs).
"""

from __future__ import annotations

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
