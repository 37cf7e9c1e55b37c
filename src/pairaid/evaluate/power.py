"""Power: the minimum detectable effect (MDE) of the design at hand.

For an estimator with standard error SE whose test uses a t distribution with `df` degrees of
freedom (G − 1 when clustered), the smallest true effect detected with probability `power` by a
two-sided test at level `alpha` is (Bloom 1995; Duflo, Glennerster and Kremer 2007, eq. 10)

    MDE = (t_{1−α/2, df} + t_{power, df}) · SE

SE already carries the design: units, cohorts, clusters and the outcome's residual variance
after the fixed effects. A "not significant" estimate with a large MDE says the design could
not have seen an effect of that size — not that there is none. tests/test_power.py checks the
formula by simulation (a planted effect equal to the MDE is detected in about 80 % of draws).
"""

from __future__ import annotations

import math

from scipy import stats


def minimum_detectable_effect(std_error: float, df: float, alpha: float = 0.05,
                              power: float = 0.80) -> float:
    """(t_{1−α/2} + t_power) · SE, t with `df` degrees of freedom (normal when df is inf)."""
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError("alpha and power must lie between 0 and 1")
    if not math.isfinite(std_error) or std_error < 0:
        return float("nan")
    dist = stats.norm if not math.isfinite(df) else stats.t(df)
    return float((dist.ppf(1 - alpha / 2) + dist.ppf(power)) * std_error)


def power_at(effect: float, std_error: float, df: float, alpha: float = 0.05) -> float:
    """Approximate power of the two-sided t test against a true `effect`."""
    dist = stats.norm if not math.isfinite(df) else stats.t(df)
    crit = dist.ppf(1 - alpha / 2)
    shift = abs(effect) / std_error
    return float(dist.sf(crit - shift) + dist.cdf(-crit - shift))


def mde_sentence(mde: float, estimate: float, significant: bool, scale: str = "") -> str:
    """How to read the estimate beside the MDE (one source for CLI text and report)."""
    if significant:
        return (f"The design detects effects of {mde:.3g}{scale} or more with 80 % power; this "
                f"one is significant.")
    if abs(estimate) < mde:
        return (f"Not significant, and the design could detect only effects of {mde:.3g}{scale} "
                f"or more (80 % power, 5 %): an effect smaller than that is not ruled out.")
    return (f"Not significant although the estimate exceeds the design's minimum detectable "
            f"effect ({mde:.3g}{scale}): the data are noisy around it.")
