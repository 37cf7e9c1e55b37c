"""Upper tails of the chi-square and binomial distributions (scipy.stats, in the audit's terms)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def chi2_sf(statistic: float, df: int) -> float:
    """P(χ²_df ≥ statistic)."""
    return float(stats.chi2.sf(statistic, df))


def binom_sf(successes, trials, p: float):
    """P(X ≥ successes) for X ~ Binomial(trials, p), elementwise over arrays."""
    return stats.binom.sf(np.asarray(successes) - 1, trials, p)
