"""The pre-trend bootstraps that were weighed against the reported one, on the same panels.

The reported CS test (`pairaid.evaluate.pretrend.influence_pretrend`) is a restricted wild
cluster bootstrap (null imposed) of the Wald statistic, studentised in every draw. Measured here
beside it, on null panels (size) or panels with a linear pre-trend (``--trend``, power):

* ``reported webb`` — the reported bootstrap with Webb's six-point weights for Rademacher's;
* ``wcu wald`` — unrestricted draws w_i ψ_i (R did's ``mboot``: no null imposed) of the same
  studentised Wald statistic, centred on the estimate;
* ``wcu sup-t`` — the same draws, the statistic max_l |θ_l| / se_l (the sup-t form of R did's
  uniform band) with se_l recomputed in every draw;
* ``wcr sup-t`` — the reported bootstrap's draws with the sup-t statistic;
* ``mboot sup-t`` — R did's ``mboot`` band as it is: standard errors fixed from the draws'
  interquartile range, not recomputed per draw.

    nice -n 10 python bench/pretrend_size_alternatives.py --panels 1000 --seed 6
    nice -n 10 python bench/pretrend_size_alternatives.py --panels 200 --seed 9 --trend 0.02
    python bench/pretrend_size_alternatives.py --quick       # 10 panels (smoke test)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pretrend_design import cs_pre_cells, demo_design_panel  # noqa: E402

from pairaid.evaluate.pretrend import batch_wald, influence_pretrend  # noqa: E402

VARIANTS = (("cs never", "never", False), ("cs notyet", "notyet", False),
            ("cs never + covariate", "never", True), ("cs notyet + covariate", "notyet", True))
IQR_TO_SD = 1.3489795003921634  # z_0.75 − z_0.25


def _kept(psi, theta, members):
    kept = members.sum(0) >= 2
    psi, theta, members = psi[:, kept], theta[kept], members[:, kept]
    return psi, theta, members, (psi != 0) & ~members


def _own_covariance(drawn, members, comparison, n):
    """Each draw's covariance from its own influence functions (as `influence_pretrend`)."""
    own = (drawn - members[None] * ((drawn * members).sum(1) / members.sum(0))[:, None, :]
           - comparison[None] * ((drawn * comparison).sum(1) / comparison.sum(0))[:, None, :])
    own = np.where(members | comparison, own, 0.0)
    return np.einsum("bnl,bnm->blm", own, own) / n**2


def _p(stat, observed, reps):
    return (1 + int((stat >= observed * (1 - 1e-12)).sum())) / (1 + reps)


def studentised(psi, theta, members, reps, seed, *, restricted: bool, form: str) -> float:
    psi, theta, members, comparison = _kept(psi, theta, members)
    n = psi.shape[0]
    cov = psi.T @ psi / n**2
    observed = (float(batch_wald(theta[None], cov[None])[0]) if form == "wald"
                else float(np.max(np.abs(theta) / np.sqrt(np.diag(cov)))))
    base = psi + members * (n * theta - psi.sum(0)) / members.sum(0) if restricted else psi
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(reps, n))
    drawn = signs[:, :, None] * base[None]
    centred = drawn.sum(1) / n           # θ* (restricted) or θ* − θ̂ (unrestricted)
    cov_star = _own_covariance(drawn, members, comparison, n)
    stat = (batch_wald(centred, cov_star) if form == "wald" else
            np.max(np.abs(centred) / np.sqrt(np.einsum("bll->bl", cov_star)), axis=1))
    return _p(stat, observed, reps)


def mboot_sup_t(psi, theta, members, reps, seed) -> float:
    psi, theta, members, _ = _kept(psi, theta, members)
    n = psi.shape[0]
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(reps, n))
    draws = np.sqrt(n) * (signs @ psi) / n
    sigma = (np.quantile(draws, 0.75, axis=0, method="inverted_cdf")
             - np.quantile(draws, 0.25, axis=0, method="inverted_cdf")) / IQR_TO_SD
    ok = sigma > 1e-12
    return _p(np.max(np.abs(draws[:, ok] / sigma[ok]), axis=1),
              float(np.max(np.abs(np.sqrt(n) * theta[ok] / sigma[ok]))), reps)


METHODS = {
    "reported (wcr wald)": lambda *a: influence_pretrend(
        *a[:3], tuple(map(str, range(a[0].shape[1]))), reps=a[3], seed=a[4]).p_value,
    "reported webb": lambda *a: influence_pretrend(
        *a[:3], tuple(map(str, range(a[0].shape[1]))), reps=a[3], seed=a[4],
        weights="webb").p_value,
    "wcu wald": lambda *a: studentised(*a, restricted=False, form="wald"),
    "wcu sup-t": lambda *a: studentised(*a, restricted=False, form="sup"),
    "wcr sup-t": lambda *a: studentised(*a, restricted=True, form="sup"),
    "mboot sup-t": mboot_sup_t,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 panels (smoke test)")
    parser.add_argument("--panels", type=int, default=None)
    parser.add_argument("--draws", type=int, default=199)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--trend", type=float, default=0.0)
    parser.add_argument("--only", default="", help="comma-separated methods (default: all)")
    args = parser.parse_args()
    args.panels = args.panels or (10 if args.quick else 1000)
    rng = np.random.default_rng(args.seed)
    methods = {m: f for m, f in METHODS.items()
               if not args.only or m in args.only.split(",")}
    p = {(v, m): [] for v, _, _ in VARIANTS for m in methods}
    for i in range(args.panels):
        frame = demo_design_panel(rng, trend=args.trend)
        for name, control, covariate in VARIANTS:
            cells = cs_pre_cells(frame, control, covariate)
            for method, run in methods.items():
                p[name, method].append(run(*cells, args.draws, i))
    print(f"{args.panels} panels, trend {args.trend}, {args.draws} draws, seed {args.seed}: "
          "rejection rate at 5 % (Monte Carlo s.e.)")
    print(f"{'variant':24s}" + "".join(f"{m:>21s}" for m in methods))
    for name, _, _ in VARIANTS:
        cells = []
        for method in methods:
            rate = float(np.mean(np.array(p[name, method]) < 0.05))
            cells.append(f"{rate:.3f} ({np.sqrt(rate * (1 - rate) / args.panels):.3f})")
        print(f"{name:24s}" + "".join(f"{c:>21s}" for c in cells))


if __name__ == "__main__":
    main()
