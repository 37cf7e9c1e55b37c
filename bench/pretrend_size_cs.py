"""Size of Callaway–Sant'Anna's reported pre-trend test, with enough panels to read it.

bench/pretrend_size.py runs each estimator end to end, about 6 s a panel for CS on this
machine, so it could afford 150 panels per CS variant: a rate's Monte Carlo standard error is
then 0.018, and the four variants share their panels, so one unlucky draw of panels moves all
four together (seed 20261206 gave 0.047, 0.027, 0.027, 0.020). This bench runs the part of the
pipeline that decides the test — the production `pairaid.evaluate.pretrend.influence_pretrend`
on the pre-period cells' influence functions — on thousands of panels. The influence functions
are computed as the engine computes them (tests/pretrend_design.py `cs_pre_cells`: no
covariates, differences of mean changes; with the covariate, R DRDID's ``drdid_panel``, the
doubly robust estimator of R ``did`` and the `differences` engine; tests/test_pretrend.py checks
them against the engine's), and on the first ``--check`` panels the run asserts that the
p-value is the one `event_study` reports through the engine (same draws, same seed).

    nice -n 10 python bench/pretrend_size_cs.py              # 2,000 panels, 199 draws
    python bench/pretrend_size_cs.py --quick                 # 40 panels (smoke test)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pretrend_design import cs_pre_cells, demo_design_panel  # noqa: E402

from pairaid.evaluate.pretrend import WILD_REPS, influence_pretrend  # noqa: E402

#: (label, control group, with the covariate x)
VARIANTS = (("cs never", "never", False), ("cs notyet", "notyet", False),
            ("cs never + covariate", "never", True), ("cs notyet + covariate", "notyet", True))


def check_against_engine(frame, control: str, covariate: bool, p_value: float, draws: int,
                         seed: int) -> None:
    from pairaid.evaluate.did import event_study

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reported = event_study(frame, outcome="y", estimator="cs", control=control,
                               covariates="x" if covariate else (), seed=seed,
                               wild_reps=draws).pretrend.p_value_reported
    # the hand influence functions equal the engine's to ~1e-7 (its logit's tolerance): a
    # draw's statistic within that of the observed one could move p by one draw, no more
    if abs(reported - p_value) > 1.5 / (draws + 1):
        raise SystemExit(f"the bench's p ({p_value}) is not event_study's ({reported}) for "
                         f"control={control}, covariate={covariate}, seed={seed}")


def run(panels: int, draws: int, seed: int, check: int) -> dict:
    rng = np.random.default_rng(seed)
    p_values = {name: [] for name, _, _ in VARIANTS}
    chi2 = {name: [] for name, _, _ in VARIANTS}
    for i in range(panels):
        frame = demo_design_panel(rng)
        for name, control, covariate in VARIANTS:
            psi, theta, members = cs_pre_cells(frame, control, covariate)
            wild = influence_pretrend(psi, theta, members, tuple(map(str, range(len(theta)))),
                                      reps=draws, seed=i)
            p_values[name].append(wild.p_value)
            kept = members.sum(0) >= 2
            chi2[name].append(stats.chi2.sf(wild.statistic, kept.sum()))
            if i < check:
                check_against_engine(frame, control, covariate, wild.p_value, draws, i)
        if (i + 1) % 100 == 0:
            print(f"{i + 1} panels: " + ", ".join(
                f"{n} {np.mean(np.array(p) < 0.05):.3f}" for n, p in p_values.items()),
                file=sys.stderr, flush=True)
    return {n: (np.array(p_values[n]), np.array(chi2[n])) for n in p_values}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--panels", type=int, default=None)
    parser.add_argument("--draws", type=int, default=WILD_REPS)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--check", type=int, default=2,
                        help="panels whose p-values are checked against event_study")
    args = parser.parse_args()
    panels = args.panels or (40 if args.quick else 2000)
    found = run(panels, args.draws, args.seed, args.check)
    print(f"{panels} null panels of the demo design, {args.draws} wild draws each, seed "
          f"{args.seed} (the first {args.check} checked against event_study)")
    print(f"{'estimator':24s} {'reported':>9s} {'MC s.e.':>8s} {'at 1 %':>7s} {'at 10 %':>8s} "
          f"{'chi2, same cells':>17s}")
    rates = {}
    for name, (p, c) in found.items():
        rate = float(np.mean(p < 0.05))
        rates[name] = {"reported": rate, "mc_se": float(np.sqrt(rate * (1 - rate) / panels)),
                       "at_1": float(np.mean(p < 0.01)), "at_10": float(np.mean(p < 0.10)),
                       "chi2_same_cells": float(np.mean(c < 0.05))}
        r = rates[name]
        print(f"{name:24s} {rate:9.3f} {r['mc_se']:8.3f} {r['at_1']:7.3f} {r['at_10']:8.3f} "
              f"{r['chi2_same_cells']:17.3f}")
    worst = max(abs(r["reported"] - 0.05) for r in rates.values())
    print(json.dumps({"bench": "pretrend_size_cs", "figure": round(worst, 4),
                      "unit": "max |rejection rate - 0.05| of CS's reported tests",
                      "baseline": "chi-squared test of the same cells (rates above)",
                      "target": "every reported rate in 0.03-0.08",
                      "met": all(0.03 <= r["reported"] <= 0.08 for r in rates.values()),
                      "panels": panels, "draws": args.draws, "seed": args.seed,
                      "rates": rates}))


if __name__ == "__main__":
    main()
