"""Wild cluster bootstrap of the Callaway–Sant'Anna pre-trend test, from the influence functions.

Why: the joint Wald test of the pre-treatment ATT(g, t) (chi-squared, analytic covariance from
the influence functions, as R ``did`` reports it) rejects a true null far too often when
cohorts are small: on the demo's design (16 never-treated units, cohorts of 1–9 units) a Monte
Carlo of 2,000 null panels rejected 43.5 % at 5 %. The covariance of a cohort of three is a
noisy estimate, and dividing by it inflates the statistic. R ``did``'s multiplier bootstrap
does not help: it keeps the analytic covariance, so its draws are chi-squared again.

The fix resamples the studentised statistic with the null imposed, by unit (the cluster):

* restricted influence functions: each cell's treated units carry the whole estimate
  (ψʳ = ψ + c on the cohort's units, c so that the mean of ψʳ is the estimate) — their change
  measured against the comparison group's, as it would be if the pre-trends were equal;
* each draw flips the sign of every unit's ψʳ (Rademacher weights w_i), so the draw's estimate
  is θ* = Σ w_i ψʳ_i / n, centred on the null;
* the draw's covariance is recomputed from the draw's own influence functions — w_i ψʳ_i
  re-centred within the cohort and within the comparison units, which is exactly the influence
  function the estimator would compute on the drawn changes without covariates, and a close
  approximation with them — and the Wald statistic θ*' V*⁻¹ θ* compared with the observed one.

This works from the engine's influence functions, so it serves every Callaway–Sant'Anna
variant: never- or not-yet-treated comparison units, with or without covariates (dr, ipw, reg).
Cells of a one-unit cohort are left out of the bootstrap statistic: a single unit has no
within-cohort spread, its cell's variance is only the comparison group's, and the cell would
dominate the statistic (the analytic test keeps it; the JSON lists what was left out).

Size, measured (docs/benchmarks.md; bench/pretrend_size_cs.py, 1,200 null panels of the demo's
design, 999 draws): 0.040, 0.037, 0.043 and 0.039 at 5 % (± 0.006) for the never- and
not-yet-treated comparison, without and with a covariate — inside the 0.03–0.08 the issue asks,
a little under the 0.049 an exact 999-draw test gives. An early 150-panel run had put three
variants at 0.020–0.027: Monte Carlo error (s.e. 0.018, the variants drawn on the same panels,
so one unlucky set moved them together; the same panels gave TWFE 0.020, 0.043 on 400) on top of
two small, known effects — with 199 draws an exact bootstrap test rejects "p < 0.05" in 0.045 of
panels (p = (1 + k)/(1 + B)), and a restricted (null-imposed) wild bootstrap with few treated
clusters leans conservative, because the treated units' restricted influence functions carry
the estimate, so a large lead widens its own reference distribution (MacKinnon and Webb 2017,
"Wild bootstrap inference for wildly different cluster sizes", *Journal of Applied
Econometrics* 32(2); 2018, "The wild bootstrap for few (treated) clusters", *Econometrics
Journal* 21(2)). The not-yet-treated comparison groups (each cell re-centres its own comparison
units) and the covariate regression's estimation effect (ignored by the per-draw re-centring)
do not move the size. Weighed on the same panels (bench/pretrend_size_alternatives.py) and not
taken: unrestricted draws as R ``did``'s ``mboot`` makes them, same studentised Wald statistic,
over-reject (0.063–0.075), as MacKinnon and Webb find with few treated clusters; the sup-t
statistic of R ``did``'s uniform band, studentised in every draw, is sized (0.052–0.061) but has
a third to two thirds of the Wald test's power against a linear pre-trend (0.02 a year:
0.07–0.10 against 0.12–0.28); ``mboot``'s band as R draws it (standard errors fixed from the
draws' IQR) rejects a true null in 17–19 % of panels. Webb's six-point weights for
Rademacher's (`WEBB`, the remedy for few clusters) move every rate up by about 0.007 (1,000
panels, 199 draws: 0.047–0.059 against 0.040–0.053, exact 0.045) — no closer overall — so
Rademacher's stay, as in the other estimators' bootstraps and R ``did``. No constant is tuned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: draws of the wild bootstrap in the pre-trend test
WILD_REPS = 999
WILD_METHOD = ("wild cluster bootstrap by unit (Rademacher weights, null imposed, studentised: "
               "the covariance recomputed in every draw)")


@dataclass(frozen=True)
class WildPreTrend:
    """The bootstrap's statistic (over the cells it kept), p-value and what it left out."""

    statistic: float
    p_value: float
    reps: int
    seed: int
    left_out: tuple[str, ...] = ()


def batch_wald(estimates: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """Wald statistics θ' V⁺ θ for a stack of draws: (B, L) and (B, L, L) -> (B,).
    The pseudo-inverse, as the analytic test, when a draw's covariance is singular."""
    try:
        solved = np.linalg.solve(covariance, estimates[..., None])[..., 0]
    except np.linalg.LinAlgError:
        solved = np.einsum("blm,bm->bl", np.linalg.pinv(covariance), estimates)
    return np.einsum("bl,bl->b", estimates, solved)


#: Webb's six-point weights (±√½, ±1, ±√(3/2), each with probability 1/6): more distinct
#: draws than Rademacher's two when a cohort has few units (Webb 2023, "Reworking wild
#: bootstrap-based inference for clustered errors", *Canadian Journal of Economics* 56(3))
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def influence_pretrend(influence: np.ndarray, estimates: np.ndarray, treated: np.ndarray,
                       terms: tuple[str, ...], reps: int = WILD_REPS, seed: int = 0,
                       chunk: int = 100, weights: str = "rademacher") -> WildPreTrend | None:
    """Wild bootstrap p-value of the pre-trend Wald test from the cells' influence functions.

    ``influence``: (n units, L cells) with V = ψ'ψ / n² (the analytic covariance);
    ``estimates``: the L pre-treatment ATT(g, t); ``treated``: (n, L) bool, unit i in cell l's
    cohort. None when no cell of a cohort of two or more units is left. ``weights``:
    ``"rademacher"`` (reported) or ``"webb"`` (measured beside it, docs/benchmarks.md)."""
    if weights not in ("rademacher", "webb"):
        raise ValueError(f"weights are 'rademacher' or 'webb', not '{weights}'")
    influence = np.asarray(influence, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    n_treated = treated.sum(0)
    kept = n_treated >= 2
    left_out = tuple(t for t, k in zip(terms, kept) if not k)
    if not kept.any():
        return None
    psi, theta, treated = influence[:, kept], np.asarray(estimates, float)[kept], treated[:, kept]
    n = psi.shape[0]
    comparison = (psi != 0) & ~treated
    if (comparison.sum(0) < 2).any():
        return None
    observed = float(batch_wald(theta[None], (psi.T @ psi / n**2)[None])[0])
    # null imposed: the cohort's units carry the estimate (their mean shifts by n·θ / n_g)
    shift = (n * theta - psi.sum(0)) / treated.sum(0)
    restricted = psi + treated * shift
    n_t, n_c = treated.sum(0), comparison.sum(0)
    rng = np.random.default_rng(seed)
    exceed = 0
    for start in range(0, reps, chunk):
        size = min(chunk, reps - start)
        signs = rng.choice(WEBB if weights == "webb" else [-1.0, 1.0], size=(size, n))
        drawn = signs[:, :, None] * restricted[None]                       # (B, n, L)
        theta_star = drawn.sum(1) / n
        own = (drawn - treated[None] * ((drawn * treated).sum(1) / n_t)[:, None, :]
               - comparison[None] * ((drawn * comparison).sum(1) / n_c)[:, None, :])
        own = np.where(treated | comparison, own, 0.0)
        covariance = np.einsum("bnl,bnm->blm", own, own) / n**2
        exceed += int((batch_wald(theta_star, covariance) >= observed * (1 - 1e-12)).sum())
    return WildPreTrend(observed, (1 + exceed) / (1 + reps), reps, seed, left_out)
