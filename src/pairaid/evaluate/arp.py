"""The Andrews–Roth–Pakes (2023) conditional and hybrid tests of moment inequalities with linear
nuisance parameters, as the R package HonestDiD implements them (`R/arp-nuisance.R`:
`.lp_conditional_test_fn`, `.compute_least_favorable_cv`, `.vlo_vup_dual_fn`, `.ARP_computeCI`).

The null is E[y − X δ] ≤ 0 for some δ. The statistic is η = min_δ max_i (y_i − x_i'δ)/σ_i, a
linear programme whose dual is max λ'y over the polytope {λ ≥ 0 : σ'λ = 1, X'λ = 0}. That
polytope does not depend on y, so its vertices are enumerated once (subsets of k + 1 moments,
k = dim δ) and every η — one per grid point, 1,000 per least-favourable critical value, dozens
per bisection of the dual approach — is a maximum over them: the same optimum HonestDiD's
lpSolve/GLPK calls find, without a solver call per draw. When there are too many subsets the
programmes go to scipy's HiGHS instead (slower, same optimum).

The conditional test compares η/σ_B with a normal truncated to [v_lo, v_up] given the binding
moments (primal approach when the binding set is non-degenerate and of full rank, else the
dual bisection of ARP's Algorithm 1); the least-favourable hybrid first rejects when η exceeds
the 1 − κ quantile of η under the least favourable null (1,000 draws with R's random numbers
and seed, so the same draws as HonestDiD's: they decide grid points at the interval's edge) and
then runs the conditional test at size (α − κ)/(1 − κ) with v_up capped at that quantile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from math import comb

import numpy as np
from scipy import optimize, special

from pairaid.evaluate.r_rng import rmvnorm

#: beyond this many (k+1)-subsets of moments the dual vertices are not enumerated
MAX_SUBSETS = 200_000
TOL_LAMBDA = 1e-6          # HonestDiD's tol_lambda: a multiplier above it marks a binding moment
LF_SIMS = 1000             # HonestDiD's draws for the least-favourable critical value


class DualPolytope:
    """{λ ≥ 0 : W'λ = e₁} for W = [σ, X] (m × (k+1)): its vertices, or a HiGHS fallback."""

    def __init__(self, sd: np.ndarray, x: np.ndarray) -> None:
        self.w = np.column_stack([sd, x])
        m, k1 = self.w.shape
        self.m, self.k = m, k1 - 1
        self.vertices = None
        if comb(m, k1) <= MAX_SUBSETS:
            self.vertices = self._enumerate()

    def _enumerate(self) -> np.ndarray:
        m, k1 = self.w.shape
        subsets = np.array(list(combinations(range(m), k1)), dtype=int)
        blocks = self.w[subsets].transpose(0, 2, 1)          # (S, k+1, k+1): W_S'
        rhs = np.zeros(k1)
        rhs[0] = 1.0
        det = np.linalg.det(blocks)
        scale = np.abs(blocks).max(axis=(1, 2)) ** k1
        ok = np.abs(det) > 1e-12 * np.maximum(scale, 1e-300)
        found = []
        if ok.any():
            solved = np.linalg.solve(blocks[ok], np.broadcast_to(rhs, (ok.sum(), k1))[..., None])
            solved = solved[..., 0]
            feasible = (solved >= -1e-12).all(axis=1)
            for subset, lam in zip(subsets[ok][feasible], solved[feasible]):
                full = np.zeros(m)
                full[subset] = np.maximum(lam, 0.0)
                found.append(full)
        return np.array(found).reshape(-1, m)

    @property
    def empty(self) -> bool:
        return self.vertices is not None and len(self.vertices) == 0

    def maximise(self, f: np.ndarray) -> tuple[float, np.ndarray | None]:
        """max λ'f over the polytope and an argmax (−inf, None when the polytope is empty: the
        primal programme is unbounded, which HonestDiD treats as a solver failure)."""
        if self.vertices is not None:
            if not len(self.vertices):
                return -np.inf, None
            values = self.vertices @ f
            best = int(np.argmax(values))
            return float(values[best]), self.vertices[best]
        rhs = np.zeros(self.k + 1)
        rhs[0] = 1.0
        result = optimize.linprog(-f, A_eq=self.w.T, b_eq=rhs, bounds=[(0, None)] * self.m,
                                  method="highs-ds")
        if result.status != 0:
            return -np.inf, None
        return float(-result.fun), result.x

    def maximise_many(self, f: np.ndarray) -> np.ndarray:
        """max λ'f for each column of f (m × n)."""
        if self.vertices is not None:
            if not len(self.vertices):
                return np.full(f.shape[1], np.nan)
            return (self.vertices @ f).max(axis=0)
        return np.array([self.maximise(col)[0] for col in f.T])


def least_favourable_cv(x: np.ndarray, sigma: np.ndarray, kappa: float, seed: int = 0,
                        sims: int = LF_SIMS, polytope: DualPolytope | None = None) -> float:
    """The 1 − κ quantile of η when E[y − Xδ] = 0 (HonestDiD's `.compute_least_favorable_cv`,
    nuisance case: ``set.seed(seed); rmvnorm(sims, sigma)``, R's quantile type 7)."""
    sd = np.sqrt(np.diag(sigma))
    polytope = polytope or DualPolytope(sd, x)
    draws = rmvnorm(sims, sigma, seed)
    etas = polytope.maximise_many(draws.T)
    etas = etas[np.isfinite(etas)]
    return float(np.quantile(etas, 1 - kappa)) if len(etas) else np.inf


def _truncnorm_quantile(p: float, low: float, high: float) -> float:
    """TruncatedNormal::norminvp(p, l, u): the p quantile of N(0, 1) truncated to [l, u].

    In log space on the lower tail (an upper-tail interval is mirrored), so far tails keep
    their precision; scipy's truncnorm.ppf gives the same to 1e-9 but costs a millisecond a
    call, and a confidence set makes thousands."""
    if low >= 0:
        return -_truncnorm_quantile(1 - p, -high, -low)
    log_low, log_high = special.log_ndtr(low), special.log_ndtr(high)
    if p <= 0:
        return low
    if p >= 1:
        return high
    target = np.logaddexp(np.log1p(-p) + log_low, np.log(p) + log_high)
    return float(special.ndtri_exp(target))


@dataclass
class ArpSetup:
    """What a grid of tests shares: the moments' covariance, the nuisance columns, the dual
    polytope, the hybrid's first-stage critical value."""

    x: np.ndarray
    sigma: np.ndarray
    polytope: DualPolytope
    alpha: float
    hybrid: str = "LF"          # "LF" (least-favourable hybrid, HonestDiD's C-LF) or "ARP"
    kappa: float = 0.0
    lf_cv: float = np.inf
    _primal: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, x, sigma, alpha, hybrid="LF", kappa=None, seed=0) -> ArpSetup:
        x = np.asarray(x, dtype=float).reshape(len(sigma), -1)
        sigma = np.asarray(sigma, dtype=float)
        polytope = DualPolytope(np.sqrt(np.diag(sigma)), x)
        kappa = alpha / 10 if kappa is None else kappa
        lf_cv = (least_favourable_cv(x, sigma, kappa, seed, polytope=polytope)
                 if hybrid == "LF" else np.inf)
        return cls(x, sigma, polytope, alpha, hybrid, kappa if hybrid == "LF" else 0.0, lf_cv)

    def primal(self, binding: np.ndarray):
        """(Γ_B, v_B, σ_B, ρ) of the primal approach for the binding moments `binding`, or None
        when the dual approach is needed (degenerate binding set or X_B not of full rank).
        They depend on the binding set only, not on y, and a grid of a thousand tests meets
        a handful of binding sets: kept per set (the same arithmetic, done once)."""
        key = binding.tobytes()
        if key not in self._primal:
            self._primal[key] = self._primal_for(binding)
        return self._primal[key]

    def _primal_for(self, binding: np.ndarray):
        x, sigma = self.x, self.sigma
        k = x.shape[1]
        degenerate = int(binding.sum()) != k + 1
        x_b = x[binding]
        full_rank = min(x_b.shape) > 0 and np.linalg.matrix_rank(x_b) == min(x_b.shape)
        if degenerate or not full_rank:
            return None
        sd = np.sqrt(np.diag(sigma))
        m = len(sd)
        w_b = np.column_stack([sd[binding], x_b])
        w_bc = np.column_stack([sd[~binding], x[~binding]])
        inv = np.linalg.inv(w_b)
        s_b = np.eye(m)[binding]
        s_bc = np.eye(m)[~binding]
        gamma_b = w_bc @ inv @ s_b - s_bc
        v_b = (inv[0] @ s_b)
        sigma2_b = float(v_b @ sigma @ v_b)
        return gamma_b, v_b, np.sqrt(sigma2_b), gamma_b @ sigma @ v_b / sigma2_b


def conditional_test(y: np.ndarray, setup: ArpSetup) -> bool:
    """Whether the (hybrid) conditional test rejects E[y − Xδ] ≤ 0 for every δ."""
    eta, lam = setup.polytope.maximise(y)
    if lam is None:       # unbounded programme: HonestDiD warns and does not reject
        return False
    if setup.hybrid == "LF":
        size = (setup.alpha - setup.kappa) / (1 - setup.kappa)
        if eta > setup.lf_cv:
            return True
    else:
        size = setup.alpha
    binding = lam > TOL_LAMBDA
    cap = setup.lf_cv if setup.hybrid == "LF" else np.inf
    primal = setup.primal(binding)
    if primal is None:
        return _dual_approach(y, eta, lam, setup, size, cap)
    gamma_b, v_b, sigma_b, rho = primal
    with np.errstate(divide="ignore", invalid="ignore"):
        bounds = (-gamma_b @ y) / rho + v_b @ y
    vlo = bounds[rho > 0].max() if (rho > 0).any() else -np.inf
    vup = bounds[rho < 0].min() if (rho < 0).any() else np.inf
    return _truncated_rejects(eta / sigma_b, vlo / sigma_b, min(vup, cap) / sigma_b, size)


def _truncated_rejects(stat: float, zlo: float, zup: float, size: float) -> bool:
    if not (zlo <= stat <= zup):
        return False
    return stat > max(0.0, _truncnorm_quantile(1 - size, zlo, zup))


def _dual_approach(y, eta, gamma, setup: ArpSetup, size: float, cap: float) -> bool:
    sigma = setup.sigma
    var_b = float(gamma @ sigma @ gamma)
    if abs(var_b) < np.finfo(float).eps:
        return eta > 0
    sd_b = np.sqrt(var_b)
    s_t = y - (sigma @ gamma) * (gamma @ y) / var_b
    vlo, vup = _vlo_vup_dual(eta, s_t, gamma, setup)
    return _truncated_rejects(eta / sd_b, vlo / sd_b, min(vup, cap) / sd_b, size)


def _vlo_vup_dual(eta, s_t, gamma, setup: ArpSetup):
    """ARP (2023) Appendix D, Algorithm 1, as HonestDiD's `.vlo_vup_dual_fn`: the range of c
    over which η stays the maximum of λ'(s_T + b c), b = Σγ/(γ'Σγ), found by a fixed-point
    shortcut and then bisection."""
    sigma, polytope = setup.sigma, setup.polytope
    tol_c = tol_eq = 1e-6
    b = sigma @ gamma / float(gamma @ sigma @ gamma)
    sigma_b = np.sqrt(float(gamma @ sigma @ gamma))
    low_initial = min(-100.0, eta - 20 * sigma_b)
    high_initial = max(100.0, eta + 20 * sigma_b)
    max_iters, switch_iters = 10_000, 10

    def check(c):
        value, lam = polytope.maximise(s_t + b * c)
        return abs(c - value) <= tol_eq, lam

    def roundeps(v):
        return 0.0 if abs(v) < np.finfo(float).eps ** 0.75 else v

    if not check(eta)[0]:
        return eta, np.inf

    def edge(initial, upward):
        solved, lam = check(initial)
        if solved:
            return np.inf if upward else -np.inf
        dif, iters = 0.0, 1
        mid = roundeps(float(lam @ s_t)) / (1 - float(lam @ b))
        while True:
            solved, lam = check(mid)
            if solved or iters >= max_iters:
                break
            iters += 1
            if iters >= switch_iters:
                dif = tol_c + 1
                break
            mid = roundeps(float(lam @ s_t)) / (1 - float(lam @ b))
        low, high = (eta, mid) if upward else (mid, eta)
        while dif > tol_c and iters < max_iters:
            iters += 1
            mid = (high + low) / 2
            if check(mid)[0]:
                low, high = (mid, high) if upward else (low, mid)
            else:
                low, high = (low, mid) if upward else (mid, high)
            dif = high - low
        return mid

    return edge(low_initial, upward=False), edge(high_initial, upward=True)


def construct_gamma(l_vec: np.ndarray) -> np.ndarray:
    """An invertible matrix with l' as its first row (HonestDiD's `.construct_Gamma`: the pivot
    columns of the reduced row echelon form of [l, I])."""
    n = len(l_vec)
    b = np.column_stack([l_vec, np.eye(n)])
    pivots, r = [], 0
    work = b.astype(float).copy()
    for col in range(work.shape[1]):
        if r == n:
            break
        row = r + int(np.argmax(np.abs(work[r:, col])))
        if abs(work[row, col]) < 1e-12:
            continue
        work[[r, row]] = work[[row, r]]
        work[r] /= work[r, col]
        for other in range(n):
            if other != r:
                work[other] -= work[other, col] * work[r]
        pivots.append(col)
        r += 1
    return b[:, pivots].T


@dataclass(frozen=True)
class ArpGrid:
    """The ARP test of one polyhedron on a grid of θ, ready to be run point by point: the
    hybrid's first stage has already rejected the points outside `candidates`."""

    setup: ArpSetup
    y: np.ndarray
    first: np.ndarray
    grid: np.ndarray
    candidates: np.ndarray   # bool per grid value

    def accepts(self, i: int) -> bool:
        """Whether grid value `i` is in the confidence set (a candidate the test keeps)."""
        return bool(self.candidates[i]) and \
            not conditional_test(self.y - self.first * self.grid[i], self.setup)

    def accepted(self) -> np.ndarray:
        found = np.zeros(len(self.grid), dtype=bool)
        for i in np.flatnonzero(self.candidates):
            found[i] = self.accepts(i)
        return found


@dataclass(frozen=True)
class PrecomputedGrid:
    """A test already run at every grid value (the no-nuisance branch), behind ArpGrid's
    interface so the union and its edges treat both alike."""

    accepted_at: np.ndarray  # bool per grid value

    @property
    def candidates(self) -> np.ndarray:
        return self.accepted_at

    def accepts(self, i: int) -> bool:
        return bool(self.accepted_at[i])

    def accepted(self) -> np.ndarray:
        return self.accepted_at.copy()


def arp_grid(betahat, sigma, n_pre: int, n_post: int, a: np.ndarray, d: np.ndarray,
             l_vec: np.ndarray, alpha: float, grid: np.ndarray, hybrid: str = "LF",
             rows: np.ndarray | None = None, seed: int = 0) -> ArpGrid:
    """The ARP test of δ ∈ {Aδ ≤ d} on a grid of θ = l'τ_post (HonestDiD's `.ARP_computeCI`),
    using only the moments `rows` (its rowsForARP)."""
    beta = np.asarray(betahat, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    rows = np.arange(len(a)) if rows is None else np.asarray(rows)
    gamma = construct_gamma(np.asarray(l_vec, dtype=float))
    a_gamma_inv = a[:, n_pre:n_pre + n_post] @ np.linalg.inv(gamma)
    first, nuisance = a_gamma_inv[:, 0], a_gamma_inv[:, 1:]
    y = a @ beta - d
    sigma_y = a @ sigma @ a.T
    setup = ArpSetup.build(nuisance[rows], sigma_y[np.ix_(rows, rows)], alpha, hybrid,
                            seed=seed)
    y_rows, first_rows = y[rows], first[rows]
    grid = np.asarray(grid, dtype=float)
    candidates = np.ones(len(grid), dtype=bool)
    if setup.hybrid == "LF" and setup.polytope.vertices is not None and \
            len(setup.polytope.vertices):
        # the hybrid's first stage for the whole grid at once: η(θ) above the least-favourable
        # critical value rejects (most of HonestDiD's ±20 se grid), the rest is tested one by one
        etas = setup.polytope.maximise_many(y_rows[:, None] - np.outer(first_rows, grid))
        candidates = etas <= setup.lf_cv
    return ArpGrid(setup, y_rows, first_rows, grid, candidates)


def arp_confidence_set(betahat, sigma, n_pre: int, n_post: int, a: np.ndarray, d: np.ndarray,
                       l_vec: np.ndarray, alpha: float, grid: np.ndarray, hybrid: str = "LF",
                       rows: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """Acceptance (bool per grid value of θ = l'τ_post) of the ARP test of δ ∈ {Aδ ≤ d}
    (HonestDiD's `.ARP_computeCI`), using only the moments `rows` (its rowsForARP)."""
    return arp_grid(betahat, sigma, n_pre, n_post, a, d, l_vec, alpha, grid, hybrid, rows,
                    seed).accepted()


def arp_no_nuisance_set(betahat, sigma, n_pre: int, a: np.ndarray, d: np.ndarray,
                        alpha: float, grid: np.ndarray, hybrid: str = "LF",
                        seed: int = 0) -> np.ndarray:
    """Acceptance per grid value of the ARP test of δ ∈ {Aδ ≤ d} with no nuisance parameter —
    one post period (HonestDiD's `.APR_computeCI_NoNuis` with `.testInIdentifiedSet` or
    `.testInIdentifiedSet_LF_Hybrid`, R/arp-nonuisance.R).

    The moments A(β̂ − e θ) − d are divided by their standard deviations; the largest is the
    statistic, and its truncation bounds come from the polyhedral lemma (`.VLoVUpFN`). As in R,
    the least-favourable hybrid rejects above the 1 − κ quantile of the largest normalised draw
    (``rowMaxs``, R's quantile type 7) and otherwise tests at (α − κ)/(1 − κ) *without* capping
    the upper bound at that quantile (the nuisance branch caps it)."""
    beta = np.asarray(betahat, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    sd = np.sqrt(np.diag(a @ sigma @ a.T))
    a_t, d_t = a / sd[:, None], np.asarray(d, dtype=float) / sd
    size, lf_cv = alpha, np.inf
    if hybrid == "LF":
        kappa = alpha / 10
        draws = rmvnorm(LF_SIMS, a @ sigma @ a.T, seed) / sd
        lf_cv = float(np.quantile(draws.max(axis=1), 1 - kappa))
        size = (alpha - kappa) / (1 - kappa)
    elif hybrid != "ARP":
        raise ValueError("hybrid must be 'LF' or 'ARP'")
    unit = np.zeros(len(beta))
    unit[n_pre] = 1.0
    accepted = np.zeros(len(grid), dtype=bool)
    for i, theta in enumerate(np.asarray(grid, dtype=float)):
        y = beta - unit * theta
        moments = a_t @ y - d_t
        top = int(np.argmax(moments))
        if moments[top] > lf_cv:
            continue
        gamma = a_t[top]
        a_bar, d_bar = a_t - a_t[top], d_t - d_t[top]
        var_b = float(gamma @ sigma @ gamma)
        c = sigma @ gamma / var_b
        z = y - c * float(gamma @ y)
        ac = a_bar @ c
        with np.errstate(divide="ignore", invalid="ignore"):
            objective = (d_bar - a_bar @ z) / ac
        vlo = objective[ac < 0].max() if (ac < 0).any() else -np.inf
        vup = objective[ac > 0].min() if (ac > 0).any() else np.inf
        sd_b, mu = np.sqrt(var_b), d_t[top]
        critical = max(0.0, mu + sd_b * _truncnorm_quantile(1 - size, (vlo - mu) / sd_b,
                                                             (vup - mu) / sd_b))
        accepted[i] = not (moments[top] + d_t[top] > critical)
    return accepted
