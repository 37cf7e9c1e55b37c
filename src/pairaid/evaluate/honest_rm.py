"""Sensitivity to violations of parallel trends bounded by relative magnitudes (Rambachan and
Roth 2023, Δ^RM(M̄)): no post-treatment change in the difference in trends exceeds M̄ times the
largest such change between consecutive pre-treatment periods,

    |δ_{t+1} − δ_t| ≤ M̄ · max_{s<0} |δ_{s+1} − δ_s|   for t ≥ 0, δ_0 = 0.

Δ^RM is a union of polyhedra, one for each pre-period s whose change is the largest and its
sign; the robust confidence set for θ = l'τ_post is the union of the ARP (hybrid) confidence
sets for each polyhedron (`pairaid.evaluate.arp`), tested on HonestDiD's grid — 1,000 points
on ±20 standard errors of θ̂ around 0 — with only the moments that involve post periods. This is
HonestDiD's `computeConditionalCS_DeltaRM` with its defaults (hybrid "LF" = the C-LF method,
κ = α/10, seed 0); the interval is the smallest and largest accepted grid point. Equals the
HonestDiD README's Medicaid table (tests/test_honest_rm.py). With one post period there is no
nuisance parameter and HonestDiD switches to its no-nuisance ARP test (`arp_no_nuisance_set`),
ported from R/deltarm.R and R/arp-nonuisance.R but not checked against R output (no R here):
tests/test_honest_rm.py checks it against the nuisance machinery run with no nuisance column.

The breakdown M̄ is the largest M̄ whose interval excludes zero (bisection to 0.1 % of M̄).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from pairaid.evaluate.arp import ArpGrid, PrecomputedGrid, arp_grid, arp_no_nuisance_set

GRID_POINTS = 1000


def rm_constraints(n_pre: int, n_post: int, mbar: float, s: int, max_positive: bool
                   ) -> np.ndarray:
    """A of Δ^RM_{s,±}(M̄) = {δ : A δ ≤ 0} (HonestDiD's `.create_A_RM`): columns are the
    periods −n_pre … n_post without 0; s ∈ {−n_pre+1, …, 0} names the pre-period change
    δ_s − δ_{s−1} that bounds the rest."""
    n = n_pre + n_post
    tilde = np.zeros((n, n + 1))
    for r in range(n):
        tilde[r, r:r + 2] = (-1, 1)
    v_max = np.zeros(n + 1)
    v_max[n_pre + s - 1:n_pre + s + 1] = (-1, 1)
    if not max_positive:
        v_max = -v_max
    upper = np.vstack([np.tile(v_max, (n_pre, 1)), np.tile(mbar * v_max, (n_post, 1))])
    a = np.vstack([tilde - upper, -tilde - upper])
    a = a[(a * a).sum(axis=1) > 1e-10]
    return np.delete(a, n_pre, axis=1)


def honest_grid(sigma, n_pre: int, n_post: int, l_vec: np.ndarray) -> np.ndarray:
    """HonestDiD's default grid: GRID_POINTS values on ±20 sd(θ̂) around zero."""
    post = np.asarray(sigma)[n_pre:, n_pre:]
    sd = float(np.sqrt(l_vec @ post @ l_vec))
    return np.linspace(-20 * sd, 20 * sd, GRID_POINTS)


def accepted_rm(betahat, sigma, n_pre: int, n_post: int, mbar: float, l_vec=None,
                alpha: float = 0.05, hybrid: str = "LF", grid=None, seed: int = 0
                ) -> tuple[np.ndarray, np.ndarray]:
    """(grid, accepted): the union over s and sign of the ARP confidence sets under
    Δ^RM_{s,±}(M̄)."""
    grid, tests = _rm_tests(betahat, sigma, n_pre, n_post, mbar, l_vec, alpha, hybrid, grid,
                            seed)
    accepted = np.zeros(len(grid), dtype=bool)
    for test in tests:
        accepted |= test.accepted()
    return grid, accepted


def _rm_tests(betahat, sigma, n_pre: int, n_post: int, mbar: float, l_vec, alpha: float,
              hybrid: str, grid, seed: int):
    """The grid and, lazily, the ARP test of each polyhedron Δ^RM_{s,±}(M̄) on it."""
    if n_pre < 1:
        raise ValueError("relative magnitudes need at least one pre-period change")
    beta = np.asarray(betahat, dtype=float)
    cov = np.asarray(sigma, dtype=float)
    if beta.shape != (n_pre + n_post,) or cov.shape != (len(beta), len(beta)):
        raise ValueError("betahat needs n_pre + n_post values and sigma a matching square "
                         "matrix")
    l_vec = np.eye(n_post)[0] if l_vec is None else np.asarray(l_vec, dtype=float)
    grid = honest_grid(cov, n_pre, n_post, l_vec) if grid is None else np.asarray(grid)

    def tests():
        for s in range(-(n_pre - 1), 1):
            for positive in (True, False):
                a = rm_constraints(n_pre, n_post, mbar, s, positive)
                rows = np.flatnonzero((a[:, n_pre:] != 0).any(axis=1))  # postPeriodMomentsOnly
                if n_post == 1:  # HonestDiD's no-nuisance branch, on the post period's rows
                    yield PrecomputedGrid(arp_no_nuisance_set(
                        beta, cov, n_pre, a[rows], np.zeros(len(rows)), alpha, grid, hybrid,
                        seed))
                    continue
                yield arp_grid(beta, cov, n_pre, n_post, a, np.zeros(len(a)), l_vec, alpha,
                               grid, hybrid, rows, seed)

    return grid, tests()


def _union_edges(tests: Iterable[ArpGrid | PrecomputedGrid]) -> tuple[int, int] | None:
    """The first and last grid index accepted by any of `tests` (None when none is): each
    test is run from the grid's ends inwards and only beyond the edges found so far, so the
    points inside, which cannot move the interval, are not tested (the same interval as the
    whole union's smallest and largest accepted value)."""
    lo = hi = None
    for test in tests:
        order = np.flatnonzero(test.candidates)
        left = order if lo is None else order[order < lo]
        found = next((int(i) for i in left if test.accepts(int(i))), None)
        if found is None and lo is None:
            continue  # this polyhedron accepts nothing
        if found is not None:
            lo = found
        right = order[::-1] if hi is None else order[order > hi][::-1]
        found = next((int(i) for i in right if test.accepts(int(i))), None)
        if found is not None:
            hi = found
    return None if lo is None else (lo, hi)


@dataclass(frozen=True)
class RMInterval:
    mbar: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def to_dict(self) -> dict:
        return {"Mbar": self.mbar, "conf_low": self.low, "conf_high": self.high}


def confidence_interval_rm(betahat, sigma, n_pre: int, n_post: int, mbar: float, l_vec=None,
                           alpha: float = 0.05, hybrid: str = "LF", seed: int = 0
                           ) -> RMInterval:
    """The robust interval under Δ^RM(M̄): smallest and largest accepted grid value (NaN when
    none is accepted, as HonestDiD's min/max of an empty set)."""
    grid, tests = _rm_tests(betahat, sigma, n_pre, n_post, mbar, l_vec, alpha, hybrid, None,
                            seed)
    edges = _union_edges(tests)
    if edges is None:
        return RMInterval(float(mbar), float("nan"), float("nan"))
    # HonestDiD's grid runs upwards: its first and last accepted points are the min and max
    return RMInterval(float(mbar), float(grid[edges[0]]), float(grid[edges[1]]))


def breakdown_mbar(betahat, sigma, n_pre: int, n_post: int, l_vec=None, alpha: float = 0.05,
                   upper: float = 10.0, hybrid: str = "LF", seed: int = 0,
                   precision: float = 0.001) -> float:
    """The largest M̄ whose Δ^RM interval excludes zero: 0 when even M̄ = 0 does not, `inf`
    when `upper` still does; bisection to `precision` × M̄ (each step is one interval)."""
    def excludes(mbar):
        return confidence_interval_rm(betahat, sigma, n_pre, n_post, mbar, l_vec, alpha,
                                      hybrid, seed).excludes_zero

    if not excludes(0.0):
        return 0.0
    lo, hi = 0.0, 1.0
    while excludes(hi):
        lo, hi = hi, hi * 2
        if hi > upper:
            return float("inf")
    while hi - lo > precision * hi:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excludes(mid) else (lo, mid)
    return lo


@dataclass(frozen=True)
class RelativeMagnitudesSensitivity:
    """Robust intervals for θ = l'τ over M̄ values (Δ^RM), the breakdown M̄ and the conventional
    interval they relax."""

    intervals: tuple[RMInterval, ...]
    breakdown_mbar: float
    original: tuple[float, float]
    l_vec: tuple[float, ...]
    alpha: float

    def tidy(self):
        import pandas as pd

        return pd.DataFrame([i.to_dict() for i in self.intervals])

    def to_dict(self) -> dict:
        return {"restriction": "relative_magnitudes",
                "method": "Rambachan-Roth Delta^RM, ARP conditional-least-favourable hybrid "
                          "(C-LF, as HonestDiD's computeConditionalCS_DeltaRM)",
                "l_vec": list(self.l_vec), "alpha": self.alpha,
                "original": {"conf_low": self.original[0], "conf_high": self.original[1]},
                "breakdown": self.breakdown_mbar, "breakdown_name": "Mbar",
                "intervals": [i.to_dict() for i in self.intervals]}


def sensitivity_rm(betahat, sigma, n_pre: int, n_post: int, mbar_values, l_vec=None,
                   alpha: float = 0.05, seed: int = 0, breakdown: bool = True
                   ) -> RelativeMagnitudesSensitivity:
    """`confidence_interval_rm` over `mbar_values`, the breakdown M̄ and the original
    interval."""
    l_vec = np.eye(n_post)[0] if l_vec is None else np.asarray(l_vec, dtype=float)
    beta = np.asarray(betahat, dtype=float)
    post = float(beta[n_pre:] @ l_vec)
    se = float(np.sqrt(l_vec @ np.asarray(sigma)[n_pre:, n_pre:] @ l_vec))
    z = stats.norm.ppf(1 - alpha / 2)
    intervals = tuple(confidence_interval_rm(beta, sigma, n_pre, n_post, m, l_vec, alpha,
                                             seed=seed) for m in mbar_values)
    found = (breakdown_mbar(beta, sigma, n_pre, n_post, l_vec, alpha, seed=seed)
             if breakdown else float("nan"))
    return RelativeMagnitudesSensitivity(intervals, found, (post - z * se, post + z * se),
                                         tuple(float(v) for v in l_vec), alpha)
