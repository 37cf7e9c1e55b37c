"""Wild cluster restricted bootstrap of the leads' Wald test in a two-way fixed-effects event
study (the TWFE event study and Sun–Abraham's saturated regression).

Why: the cluster-robust Wald test of the leads over-rejects when some cohorts have a handful of
units (TWFE 13.7 %, Sun–Abraham 41.2 % at 5 % on the demo's design, issue 11): the lead
coefficients of a small cohort lean on a covariance estimated from a few clusters. The wild
cluster bootstrap with the null imposed (WCR; Cameron, Gelbach and Miller 2008, "Bootstrap-based
improvements for inference with clustered errors", *Review of Economics and Statistics* 90(3);
Roodman, MacKinnon, Nielsen and Webb 2019, "Fast and wild", *Stata Journal* 19(1)) resamples the
studentised statistic itself:

1. fit the restricted model (no lead dummies) and keep its residuals ũ;
2. each draw flips the sign of every unit's residuals (Rademacher weights by cluster):
   y* = ŷ_restricted + w_g ũ;
3. refit the full model on y*, recompute the cluster-robust covariance and the Wald statistic of
   the leads; the p-value is the share of draws at least as large as the observed statistic.

Everything is linear in y, so a draw costs one two-way demeaning of w ⊙ ũ (exact in one pass on
the balanced panel `prepare` builds) and a few matrix products; draws run in chunks.
"""

from __future__ import annotations

import numpy as np

from pairaid.evaluate.pretrend import WildPreTrend, batch_wald

WILD_REPS = 999


def demean_balanced(values: np.ndarray, n_units: int, n_periods: int) -> np.ndarray:
    """Remove unit and period means from rows sorted by unit then period (a balanced panel);
    ``values`` is (n,) or (n, k) or (B, n)."""
    if values.ndim == 2 and values.shape[0] != n_units * n_periods:  # (B, n)
        grid = values.reshape(values.shape[0], n_units, n_periods)
        out = (grid - grid.mean(2, keepdims=True) - grid.mean(1, keepdims=True)
               + grid.mean((1, 2), keepdims=True))
        return out.reshape(values.shape)
    grid = values.reshape(n_units, n_periods, -1)
    out = grid - grid.mean(1, keepdims=True) - grid.mean(0, keepdims=True) \
        + grid.mean((0, 1), keepdims=True)
    return out.reshape(values.shape)


def cluster_wald(X: np.ndarray, y: np.ndarray, n_units: int, n_periods: int,
                 leads: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """OLS of the demeaned y on the demeaned X, CR1 covariance by unit (factor
    G/(G−1)·(N−1)/(N−K)): (coefficients, covariance, Wald statistic of `leads`)."""
    n, k = X.shape
    bread = np.linalg.pinv(X.T @ X)
    beta = bread @ X.T @ y
    residual = y - X @ beta
    scores = (X * residual[:, None]).reshape(n_units, n_periods, k).sum(1)
    factor = n_units / (n_units - 1) * (n - 1) / (n - k)
    covariance = factor * bread @ (scores.T @ scores) @ bread
    statistic = float(batch_wald(beta[leads][None], covariance[np.ix_(leads, leads)][None])[0])
    return beta, covariance, statistic


def wild_twoway(y: np.ndarray, X: np.ndarray, n_units: int, n_periods: int, leads: np.ndarray,
                reps: int = WILD_REPS, seed: int = 0, chunk: int = 50,
                left_out: tuple[str, ...] = ()) -> WildPreTrend | None:
    """WCR bootstrap p-value of the Wald test that the coefficients `leads` (column indices of
    X) are zero in y = unit + period + X β, clustered by unit.

    Rows must be sorted by unit then period, every unit observed in every period. None when
    there is no lead or too few units."""
    leads = np.asarray(leads, dtype=int)
    if len(leads) == 0 or n_units < 3 or len(y) != n_units * n_periods:
        return None
    y_tilde = demean_balanced(np.asarray(y, dtype=float), n_units, n_periods)
    X_tilde = demean_balanced(np.asarray(X, dtype=float), n_units, n_periods)
    _, _, observed = cluster_wald(X_tilde, y_tilde, n_units, n_periods, leads)
    others = np.setdiff1d(np.arange(X.shape[1]), leads)
    kept = X_tilde[:, others]
    residual_r = y_tilde - kept @ (np.linalg.pinv(kept.T @ kept) @ (kept.T @ y_tilde))
    n, k = X_tilde.shape
    bread = np.linalg.pinv(X_tilde.T @ X_tilde)
    solve = bread @ X_tilde.T                                   # (k, n): y -> β
    # each row's contribution to the leads' scores, on the unit × period grid
    lead_grid = (X_tilde @ bread[:, leads]).reshape(n_units, n_periods, -1)
    factor = n_units / (n_units - 1) * (n - 1) / (n - k)
    rng = np.random.default_rng(seed)
    exceed = 0
    for start in range(0, reps, chunk):
        size = min(chunk, reps - start)
        signs = rng.choice([-1.0, 1.0], size=(size, n_units))
        # y* − y = (w − 1) ⊙ ũ: demeaned, added to the observed demeaned outcome
        shock = (np.repeat(signs, n_periods, axis=1) - 1.0) * residual_r[None, :]
        y_star = y_tilde[None, :] + demean_balanced(shock, n_units, n_periods)
        beta = y_star @ solve.T                                  # (B, k)
        resid = y_star - beta @ X_tilde.T                        # (B, n)
        h = np.einsum("bgt,gtl->bgl", resid.reshape(size, n_units, n_periods),
                      lead_grid, optimize=True)
        covariance = factor * np.einsum("bgl,bgm->blm", h, h)
        exceed += int((batch_wald(beta[:, leads], covariance) >= observed * (1 - 1e-12)).sum())
    return WildPreTrend(observed, (1 + exceed) / (1 + reps), reps, seed, left_out)


def saturated_design(cohort: np.ndarray, time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sun–Abraham's regressors: one dummy per occupied cohort × event-time cell of the treated
    units, event time −1 left out; returns (X, cells as rows ``(cohort, event_time)``)."""
    relative = time - cohort                                     # NaN for never treated
    occupied = np.isfinite(relative) & (relative != -1)
    cells = np.unique(np.column_stack([cohort[occupied], relative[occupied]]), axis=0)
    X = ((cohort[:, None] == cells[None, :, 0]) & (relative[:, None] == cells[None, :, 1]))
    return X.astype(float), cells.astype(int)


def sun_abraham_wild(cohort: np.ndarray, time: np.ndarray, y: np.ndarray, n_units: int,
                     n_periods: int, sizes: dict, reps: int = WILD_REPS,
                     seed: int = 0) -> WildPreTrend | None:
    """The WCR bootstrap of Sun–Abraham's leads (cells with event time < −1), on the saturated
    regression; cells of one-unit cohorts are left out of the test (each fits one observation
    exactly, so its variance is the comparison group's alone)."""
    X, cells = saturated_design(cohort, time)
    lead = cells[:, 1] < -1
    single = np.array([sizes.get(float(g), 0) < 2 for g in cells[:, 0]])
    left_out = tuple(f"ATT(g={g}, t={g + e})" for g, e in cells[lead & single])
    return wild_twoway(y, X, n_units, n_periods, np.flatnonzero(lead & ~single), reps=reps,
                       seed=seed, left_out=left_out)
