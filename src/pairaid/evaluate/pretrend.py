"""Wild cluster bootstrap p-value for the Callaway–Sant'Anna pre-trend test.

Why: the joint Wald test of the pre-treatment ATT(g, t) (chi-squared, analytic covariance from
the influence functions, as R ``did`` reports it) rejects a true null far too often when
cohorts are small. On the demo's design (16 never-treated units, cohorts of 1–9 units,
up to 12 pre-period cells) a Monte Carlo of 2,000 panels with no pre-trend rejected 43.5 % of
the time at 5 %, and the demo generator's own seeds 1–100 rejected 52 % (helper measurement,
docs/architecture.md). The multiplier bootstrap does not help: the test keeps the analytic
covariance.

The fix: resample the statistic itself. Units' pre-period first differences are re-drawn as
``mu_t + w_i * r_it`` with Rademacher weights w_i per unit (the cluster), where ``mu_t`` is the
pooled mean change in period t and ``r_it`` the unit's deviation from it (the null of equal
pre-trends imposed), and the Wald statistic is recomputed, covariance included, in every draw
(studentised). The p-value is the share of draws at least as large as the observed statistic.
Measured on the same designs: size 4.25 % (400 panels × 199 draws), demo seeds 1–40: 2.5 %;
power 86.5 % against a pre-trend of 0.02 a year.

Scope: no covariates, never-treated comparison units (without covariates the doubly robust,
IPW and regression ATT(g, t) all equal a difference of mean changes). The statistic is the same
for the varying and the universal base period (one is an invertible linear map of the other
within each cohort), so one computation serves both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: draws of the wild bootstrap in the pre-trend test
WILD_REPS = 999


@dataclass(frozen=True)
class WildPreTrend:
    statistic: float
    p_value: float
    reps: int
    seed: int


def _cells(cohorts: np.ndarray, periods: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pre-period cells (g, t < g, t not the first period): a unit × cell membership matrix and
    the column of first differences each cell uses."""
    groups, columns = [], []
    for g in np.unique(cohorts[~np.isnan(cohorts)]):
        for k, t in enumerate(periods[1:]):
            if t >= g:
                break
            groups.append(cohorts == g)
            columns.append(k)
    return np.array(groups, dtype=float).T.reshape(len(cohorts), -1), np.array(columns, int)


def _wald(changes: np.ndarray, members: np.ndarray, never: np.ndarray,
          columns: np.ndarray) -> np.ndarray:
    """Wald statistics for a stack of draws: ``changes`` is (draws, units, periods − 1)."""
    n = changes.shape[1]
    d = changes[:, :, columns]                                 # (draws, units, cells)
    n_group = members.sum(0)                                   # (cells,)
    n_never = never.sum()
    mean_group = np.einsum("buc,uc->bc", d, members) / n_group
    mean_never = np.einsum("buc,u->bc", d, never) / n_never
    estimates = mean_group - mean_never
    influence = (members[None] * (n / n_group) * (d - mean_group[:, None, :])
                 - never[None, :, None] * (n / n_never) * (d - mean_never[:, None, :]))
    covariance = np.einsum("buc,bud->bcd", influence, influence) / n ** 2
    solved = np.linalg.solve(covariance, estimates[..., None])[..., 0]
    return np.einsum("bc,bc->b", estimates, solved)


def wild_pretrend(frame: pd.DataFrame, reps: int = WILD_REPS, seed: int = 0,
                  chunk: int = 100) -> WildPreTrend | None:
    """The observed pre-trend Wald statistic and its wild cluster bootstrap p-value.

    ``frame``: a balanced panel ``unit, time, cohort (NaN = never treated), y`` (`DidData.frame`).
    None when there is no pre-period cell, or too few units for the covariance to be regular."""
    wide = frame.pivot(index="unit", columns="time", values="y").sort_index(axis=1)
    periods = wide.columns.to_numpy(dtype=float)
    cohorts = frame.groupby("unit")["cohort"].first().reindex(wide.index).to_numpy(dtype=float)
    changes = np.diff(wide.to_numpy(dtype=float), axis=1)
    members, columns = _cells(cohorts, periods)
    # a one-unit cohort's cells have no variance of their own: left out (the analytic test's
    # pseudo-inverse drops them too)
    kept = members.sum(0) >= 2
    members, columns = members[:, kept], columns[kept]
    never = np.isnan(cohorts).astype(float)
    if len(columns) == 0 or never.sum() < 2:
        return None
    observed = float(_wald(changes[None], members, never, columns)[0])
    # null imposed: before treatment every unit shares the pooled mean change of the period
    pre = (never[:, None] > 0) | (periods[None, 1:] < cohorts[:, None])
    mu = np.where(pre, changes, 0).sum(0) / np.maximum(pre.sum(0), 1)
    residual = np.where(pre, changes - mu, 0.0)
    rng = np.random.default_rng(seed)
    exceed = 0
    for start in range(0, reps, chunk):
        size = min(chunk, reps - start)
        signs = rng.choice([-1.0, 1.0], size=(size, len(cohorts)))
        draws = mu[None, None, :] + signs[:, :, None] * residual[None]
        exceed += int((_wald(draws, members, never, columns) >= observed).sum())
    return WildPreTrend(observed, (1 + exceed) / (1 + reps), reps, seed)
