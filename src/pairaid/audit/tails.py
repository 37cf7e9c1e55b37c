"""Upper tails of the chi-square and binomial distributions, exact, without scipy (which is not
a runtime dependency of pairaid; the tests check these against scipy.stats)."""

from __future__ import annotations

import math

import numpy as np


def _logsumexp(terms: np.ndarray) -> float:
    top = float(np.max(terms))
    if not math.isfinite(top):
        return top
    return top + math.log(float(np.sum(np.exp(terms - top))))


def chi2_sf(statistic: float, df: int) -> float:
    """P(χ²_df ≥ statistic) for a whole number of degrees of freedom.

    Closed forms of the regularised upper incomplete gamma Q(df/2, x/2) (Abramowitz and Stegun
    26.4.4–26.4.5): a finite Poisson sum for even df; erfc plus a finite sum for odd df.
    """
    if df < 1 or int(df) != df:
        raise ValueError("df must be a positive whole number")
    if not statistic > 0:
        return float("nan") if math.isnan(statistic) else 1.0
    y = statistic / 2.0
    df = int(df)
    if df % 2 == 0:
        i = np.arange(df // 2)
        terms = -y + i * math.log(y) - np.array([math.lgamma(k + 1) for k in i])
        return min(1.0, math.exp(_logsumexp(terms)))
    head = math.erfc(math.sqrt(y))
    m = (df - 1) // 2
    if m == 0:
        return head
    i = np.arange(1, m + 1)
    terms = -y + (i - 0.5) * math.log(y) - np.array([math.lgamma(k + 0.5) for k in i])
    return min(1.0, head + math.exp(_logsumexp(terms)))


def binom_sf(successes: int, trials: int, p: float) -> float:
    """P(X ≥ successes) for X ~ Binomial(trials, p)."""
    if successes <= 0:
        return 1.0
    if successes > trials:
        return 0.0
    first = (math.lgamma(trials + 1) - math.lgamma(successes + 1)
             - math.lgamma(trials - successes + 1) + successes * math.log(p)
             + (trials - successes) * math.log1p(-p))
    # log t_{k+1} − log t_k = log((n − k) / (k + 1)) + log(p / (1 − p)): one cumulative sum
    k = np.arange(successes, trials)
    steps = np.log((trials - k) / (k + 1)) + math.log(p) - math.log1p(-p)
    terms = np.concatenate([[first], first + np.cumsum(steps)])
    return min(1.0, math.exp(_logsumexp(terms)))
