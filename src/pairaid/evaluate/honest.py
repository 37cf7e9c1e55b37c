"""Sensitivity to violations of parallel trends (Rambachan and Roth 2023, "A More Credible
Approach to Parallel Trends", REStud): robust confidence intervals for θ = l'τ_post given an
event-study path β̂ (pre periods first, the reference period left out) and its covariance Σ.

Smoothness, Δ^SD(M): the slope of the difference in trends may change by at most M between
consecutive periods, |δ_{t+1} − 2δ_t + δ_{t−1}| ≤ M, with δ = 0 in the reference period. The
interval is the optimal fixed-length confidence interval (FLCI; Armstrong and Kolesár 2018) —
the method the R package HonestDiD uses by default for Δ^SD: among affine estimators
θ̂ = l'β̂_post + w'β̂_pre it picks w to minimise the half-length cv_α(b(w)/s(w)) · s(w), where
s(w) is the estimator's standard deviation, b(w) = M Σ_k |c_k(w)| its worst-case bias over
Δ^SD(M) (the bias is linear in the second differences c_k) and cv_α(r) the 1 − α quantile of
|N(r, 1)|. Finite bias requires the weights to cancel a linear trend: Σ_t t·w_t = Σ_t t·l_t.

HonestDiD solves the same programme with CVXR over a grid of standard deviations and a
simulated folded-normal quantile (10^6 draws); we minimise directly (scipy) with the exact
quantile, so intervals agree to the digits HonestDiD prints (tests/test_honest.py, the Medicaid
example of HonestDiD's README). The breakdown value is the largest M (on a fine grid refined by
bisection) at which the interval still excludes zero.

Relative magnitudes Δ^RM(M̄) (HonestDiD's C-LF method, a conditional-least-favourable hybrid
test inverted on a grid) are in `pairaid.evaluate.honest_rm`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats


@dataclass(frozen=True)
class RobustInterval:
    m: float
    low: float
    high: float
    estimate: float         # the FLCI's point estimate θ̂(w)
    half_length: float
    worst_case_bias: float
    std_error: float

    def to_dict(self) -> dict:
        return {"M": self.m, "conf_low": self.low, "conf_high": self.high,
                "estimate": self.estimate, "half_length": self.half_length,
                "worst_case_bias": self.worst_case_bias, "std_error": self.std_error}


def folded_normal_quantile(bias_ratio: float, alpha: float) -> float:
    """c with P(|N(r, 1)| ≤ c) = 1 − α."""
    r = abs(bias_ratio)
    target = 1 - alpha

    # special.ndtr is what stats.norm.cdf computes (bit for bit) without its argument
    # handling, which took most of the smoothness restriction's time (4,000 calls a report)
    def coverage(c):
        return special.ndtr(c - r) - special.ndtr(-c - r) - target

    return float(optimize.brentq(coverage, 0.0, r + 10.0, xtol=1e-14))


def _bias_coefficients(n_pre: int, l_vec: np.ndarray):
    """(A, a0): the bias's coefficients on the second differences D_k are A @ w + a0, with w
    the pre-period weights ordered by distance from the reference (w[0] on period −1)."""
    n_post = len(l_vec)
    # second differences D_k for k = −(n_pre−1) … n_post−1; pre ones: D_{−k}, k = 0..n_pre−1
    rows_pre = np.zeros((n_pre, n_pre))
    for k in range(n_pre):           # D_{−k}: coefficient Σ_{t>k} w_t (t − k), t = 1..n_pre
        for t in range(k + 1, n_pre + 1):
            rows_pre[k, t - 1] = t - k
    post = np.zeros(max(n_post - 1, 0))
    for k in range(1, n_post):       # D_k: coefficient Σ_{t>k} l_t (t − k)
        post[k - 1] = sum(l_vec[t - 1] * (t - k) for t in range(k + 1, n_post + 1))
    a = np.vstack([rows_pre, np.zeros((len(post), n_pre))])
    a0 = np.concatenate([np.zeros(n_pre), post])
    return a, a0


def flci_sd(betahat, sigma, n_pre: int, n_post: int, m: float, l_vec=None,
            alpha: float = 0.05) -> RobustInterval:
    """The optimal FLCI for θ = l'τ under Δ^SD(M)."""
    beta = np.asarray(betahat, dtype=float)
    cov = np.asarray(sigma, dtype=float)
    if beta.shape != (n_pre + n_post,) or cov.shape != (len(beta), len(beta)):
        raise ValueError("betahat needs n_pre + n_post values and sigma a matching square "
                         "matrix")
    l_vec = np.eye(n_post)[0] if l_vec is None else np.asarray(l_vec, dtype=float)
    a, a0 = _bias_coefficients(n_pre, l_vec)
    t = np.arange(1, n_pre + 1, dtype=float)
    target = float(np.arange(1, n_post + 1) @ l_vec)
    # w = w0 + N u spans the weights that cancel a linear trend (Σ t w_t = Σ t l_t)
    w0 = t * target / (t @ t)
    basis = np.linalg.svd(t[None, :])[2][1:].T  # orthonormal null space of t'

    def parts(u):
        w = w0 + basis @ u
        full = np.concatenate([w[::-1], l_vec])  # β order: pre periods earliest first
        sd = float(np.sqrt(full @ cov @ full))
        bias = m * float(np.abs(a @ w + a0).sum())
        return w, full, sd, bias

    def half_length(u):
        _, _, sd, bias = parts(u)
        return folded_normal_quantile(bias / sd, alpha) * sd

    # As HonestDiD: for a standard deviation h, the least worst-case bias is a convex
    # programme (min Σ v, v ≥ ±(A w + a0), t'w = target, s(w) ≤ h); the half-length is then
    # minimised over h (one dimension, golden section on [least s, s of the least-bias w]).
    cov_pre = cov[:n_pre, :n_pre][::-1, ::-1]
    cross = cov[:n_pre, n_pre:][::-1] @ l_vec
    post_var = float(l_vec @ cov[n_pre:, n_pre:] @ l_vec)
    q = basis.T @ cov_pre @ basis
    u_min_var = (-np.linalg.solve(q, basis.T @ (cov_pre @ w0 + cross)) if basis.size
                 else np.zeros(0))
    if m == 0 or not basis.size:
        best = u_min_var
    else:
        least_bias = _least_bias_weights(a, a0, t, target)
        h_low = parts(u_min_var)[2]
        h_high = max(float(np.sqrt(least_bias @ cov_pre @ least_bias + 2 * least_bias @ cross
                                   + post_var)), h_low * (1 + 1e-9))

        def bias_given_h(h):
            return _least_bias_given_sd(a, a0, t, target, cov_pre, cross, post_var, h,
                                        least_bias if h >= h_high else None)

        def length_at(h):
            w = bias_given_h(h)
            return half_length(basis.T @ (w - w0))

        found = optimize.minimize_scalar(length_at, bounds=(h_low, h_high), method="bounded",
                                         options={"xatol": 1e-10 * h_high})
        candidates = [basis.T @ (bias_given_h(found.x) - w0), u_min_var,
                      basis.T @ (least_bias - w0)]
        best = min(candidates, key=half_length)
    _, full, sd, bias = parts(best)
    estimate = float(full @ beta)
    half = folded_normal_quantile(bias / sd, alpha) * sd
    return RobustInterval(float(m), estimate - half, estimate + half, estimate, half, bias, sd)


def breakdown_m_sd(betahat, sigma, n_pre: int, n_post: int, l_vec=None, alpha: float = 0.05,
                   upper: float | None = None) -> float:
    """The largest M for which the Δ^SD FLCI still excludes zero (0 when it never does)."""
    def excludes(m):
        ci = flci_sd(betahat, sigma, n_pre, n_post, m, l_vec, alpha)
        return ci.low > 0 or ci.high < 0

    if not excludes(0.0):
        return 0.0
    hi = upper or 10 * float(np.max(np.abs(betahat)))
    lo = 0.0
    if excludes(hi):
        return float("inf")
    while hi - lo > 1e-3 * hi:  # to 0.1 % of M: finer than the printed figures
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excludes(mid) else (lo, mid)
    return lo


def _least_bias_weights(a, a0, t, target) -> np.ndarray:
    """Weights of least worst-case bias (a linear programme, HiGHS)."""
    n, k = a.shape[1], a.shape[0]
    # variables (w, v): minimise Σ v subject to ±(A w + a0) ≤ v, t'w = target
    c = np.concatenate([np.zeros(n), np.ones(k)])
    a_ub = np.vstack([np.hstack([a, -np.eye(k)]), np.hstack([-a, -np.eye(k)])])
    b_ub = np.concatenate([-a0, a0])
    a_eq = np.concatenate([t, np.zeros(k)])[None, :]
    result = optimize.linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[target],
                              bounds=[(None, None)] * n + [(0, None)] * k, method="highs")
    return result.x[:n]


def _least_bias_given_sd(a, a0, t, target, cov_pre, cross, post_var, h, fallback):
    """Weights of least worst-case bias whose estimator has standard deviation ≤ h (SLSQP on
    the smooth reformulation with v ≥ |A w + a0|)."""
    if fallback is not None:
        return fallback
    n, k = a.shape[1], a.shape[0]

    def variance(x):
        w = x[:n]
        return float(w @ cov_pre @ w + 2 * w @ cross + post_var)

    w_start = t * target / (t @ t)
    x0 = np.concatenate([w_start, np.abs(a @ w_start + a0) + 1e-9])
    # v ≥ A w + a0, v ≥ −(A w + a0) and s(w)² ≤ h² as one stacked constraint (the rows SLSQP
    # stacks from three, in the same order: the same programme, a third of the Python calls),
    # with the constant parts of the Jacobians built once
    jac_eq = np.concatenate([t, np.zeros(k)])[None, :]
    jac_bias = np.vstack([np.hstack([-a, np.eye(k)]), np.hstack([a, np.eye(k)])])
    jac_objective = np.concatenate([np.zeros(n), np.ones(k)])

    def inequalities(x):
        bias = a @ x[:n] + a0
        return np.concatenate([x[n:] - bias, x[n:] + bias, [h * h - variance(x)]])

    def inequalities_jac(x):
        return np.vstack([jac_bias, np.concatenate([-(2 * cov_pre @ x[:n] + 2 * cross),
                                                    np.zeros(k)])[None, :]])

    constraints = [
        {"type": "eq", "fun": lambda x: np.array([t @ x[:n] - target]),
         "jac": lambda x: jac_eq},
        {"type": "ineq", "fun": inequalities, "jac": inequalities_jac},
    ]
    result = optimize.minimize(lambda x: x[n:].sum(), x0, method="SLSQP",
                               jac=lambda x: jac_objective.copy(),
                               constraints=constraints,
                               options={"ftol": 1e-15, "maxiter": 1000})
    return result.x[:n]


@dataclass(frozen=True)
class SmoothnessSensitivity:
    """Robust intervals for θ = l'τ over a grid of M (Δ^SD), the breakdown M, and the
    conventional interval they relax."""

    intervals: tuple[RobustInterval, ...]
    breakdown_m: float
    original: tuple[float, float]
    l_vec: tuple[float, ...]
    alpha: float

    def tidy(self):
        import pandas as pd

        return pd.DataFrame([i.to_dict() for i in self.intervals])

    def to_dict(self) -> dict:
        return {"method": "Rambachan-Roth Delta^SD, optimal FLCI (as HonestDiD)",
                "l_vec": list(self.l_vec), "alpha": self.alpha,
                "original": {"conf_low": self.original[0], "conf_high": self.original[1]},
                "breakdown_M": self.breakdown_m,
                "intervals": [i.to_dict() for i in self.intervals],
                "interpretation": self.interpretation}

    @property
    def interpretation(self) -> str:
        m = self.breakdown_m
        if m == 0:
            return ("The effect is not significant even under exact parallel trends (M = 0), "
                    "so no relaxation is needed to lose it.")
        return (f"The effect stays significant as long as the slope of the difference in "
                f"trends changes by less than {m:.3g} per period (breakdown M, Δ^SD); beyond "
                f"that, a smooth violation of parallel trends could explain it.")

    @property
    def summary(self) -> str:
        rows = "\n".join(f"  M = {i.m:<8.4g} [{i.low:.4g}, {i.high:.4g}]" for i in self.intervals)
        return (f"Sensitivity to smooth violations of parallel trends (Rambachan–Roth Δ^SD, "
                f"FLCI, {1 - self.alpha:.0%}):\n  original [{self.original[0]:.4g}, "
                f"{self.original[1]:.4g}]\n{rows}\n  breakdown M: {self.breakdown_m:.4g}\n"
                + self.interpretation)


def sensitivity_sd(betahat, sigma, n_pre: int, n_post: int, m_values, l_vec=None,
                   alpha: float = 0.05) -> SmoothnessSensitivity:
    """`flci_sd` over `m_values`, the breakdown M and the original interval."""
    l_vec = np.eye(n_post)[0] if l_vec is None else np.asarray(l_vec, dtype=float)
    beta = np.asarray(betahat, dtype=float)
    post = beta[n_pre:] @ l_vec
    se = float(np.sqrt(l_vec @ np.asarray(sigma)[n_pre:, n_pre:] @ l_vec))
    z = stats.norm.ppf(1 - alpha / 2)
    intervals = tuple(flci_sd(beta, sigma, n_pre, n_post, m, l_vec, alpha) for m in m_values)
    return SmoothnessSensitivity(intervals, breakdown_m_sd(beta, sigma, n_pre, n_post, l_vec,
                                                           alpha),
                                 (float(post - z * se), float(post + z * se)),
                                 tuple(float(v) for v in l_vec), alpha)
