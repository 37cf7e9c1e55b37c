"""Simultaneous (sup-t) confidence bands on the event-study path, as R ``did`` draws them.

A pointwise 95 % interval at each event time covers its own effect 95 % of the time, but the
whole path of, say, eight intervals covers every effect at once far less often; reading "no
pre-trend" off a plot of pointwise intervals over-states what the data show. The sup-t band
widens every interval by one common critical value c, the 1 − α quantile of
max_e |θ*_e − θ̂_e| / se_e over bootstrap draws, so that the band covers the whole path with
probability 1 − α (Montiel Olea and Plagborg-Møller 2019, "Simultaneous confidence bands",
*Journal of Applied Econometrics* 34(1); Callaway and Sant'Anna 2021, section 4.1).

As R ``did``'s ``mboot`` (``aggte(type = "dynamic", cband = TRUE)``): a multiplier bootstrap
of the event-time influence functions with Rademacher weights by unit
(``BMisc::multiplier_bootstrap``), standard errors from the bootstrap interquartile range
/ (z₀.₇₅ − z₀.₂₅), and c the ``inverted_cdf`` (R ``type = 1``) quantile of the largest |t|.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

#: multiplier-bootstrap draws of the band (R did's default biters is 1,000)
BAND_REPS = 1000


@dataclass(frozen=True)
class SupTBand:
    """Bootstrap standard errors of the path and the common critical value of the band."""

    std_errors: np.ndarray
    critical_value: float
    reps: int
    seed: int
    level: float

    def bounds(self, estimates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        half = self.critical_value * self.std_errors
        return estimates - half, estimates + half


def sup_t_band(influence: np.ndarray, level: float = 0.95, reps: int = BAND_REPS,
               seed: int = 0, chunk: int = 500) -> SupTBand:
    """The sup-t band from influence functions ``influence`` (n units × k event times, the
    estimator's deviation being their mean)."""
    influence = np.asarray(influence, dtype=float)
    n = influence.shape[0]
    rng = np.random.default_rng(seed)
    draws = []
    for start in range(0, reps, chunk):
        weights = rng.choice([-1.0, 1.0], size=(min(chunk, reps - start), n))
        draws.append(np.sqrt(n) * (weights @ influence) / n)
    draws = np.vstack(draws)
    q75, q25 = (np.quantile(draws, q, axis=0, method="inverted_cdf") for q in (0.75, 0.25))
    sigma = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    usable = sigma > np.sqrt(np.finfo(float).eps) * np.abs(draws).max(initial=1.0)
    sup = np.max(np.abs(draws[:, usable] / sigma[usable]), axis=1) if usable.any() else \
        np.full(reps, np.nan)
    critical = float(np.quantile(sup, level, method="inverted_cdf"))
    return SupTBand(np.where(usable, sigma / np.sqrt(n), np.nan), critical, reps, seed, level)


def sup_t_from_covariance(covariance: np.ndarray, level: float = 0.95, reps: int = 10_000,
                          seed: int = 0) -> SupTBand:
    """The sup-t band of estimates with an (asymptotically normal) covariance: the critical
    value of max |t| over draws from N(0, correlation) (the regression-based event studies,
    whose covariance is the cluster-robust one)."""
    covariance = np.asarray(covariance, dtype=float)
    se = np.sqrt(np.clip(np.diag(covariance), 0, None))
    usable = se > 0
    correlation = covariance[np.ix_(usable, usable)] / np.outer(se[usable], se[usable])
    values, vectors = np.linalg.eigh(correlation)
    root = vectors * np.sqrt(np.clip(values, 0, None))
    draws = np.random.default_rng(seed).standard_normal((reps, len(values))) @ root.T
    critical = float(np.quantile(np.abs(draws).max(axis=1), level, method="inverted_cdf")) \
        if usable.any() else float("nan")
    return SupTBand(np.where(usable, se, np.nan), critical, reps, seed, level)


def with_band(event_time, band: SupTBand):
    """The event-time table with ``band_low, band_high`` (around each estimate)."""
    low, high = band.bounds(event_time["estimate"].to_numpy(dtype=float))
    return event_time.assign(band_low=low, band_high=high)


def band_summary(band: SupTBand | None, method: str = "multiplier") -> dict:
    """What the JSON and the text say of the band."""
    if band is None:
        return {}
    how = ("multiplier bootstrap of the event-time influence functions, Rademacher weights by "
           "unit, SEs from the bootstrap IQR (R did's mboot)" if method == "multiplier" else
           "normal draws with the estimates' cluster-robust covariance")
    return {"level": band.level, "critical_value": band.critical_value, "draws": band.reps,
            "seed": band.seed, "method": how}
