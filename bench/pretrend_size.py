"""Size of the reported pre-trend test of every event-study estimator on the demo's design.

Null panels (no pre-trend; tests/pretrend_design.py: 16 never-treated units, cohorts of 60, 1,
7, 1 and 15, 2008–2024) are drawn; each estimator's reported test (the wild cluster bootstrap,
`PreTrendTest.p_value_reported`) and its analytic chi-squared test are run on the same panel.
Prints one line per estimator with both rejection rates at 5 % and the reported rate's Monte
Carlo standard error, then the JSON line (figure: the largest distance of a reported rate from
0.05; target: every reported rate in 0.03–0.08). At about 6 s a panel, Callaway–Sant'Anna gets
too few panels here to read its size to ±0.01: bench/pretrend_size_cs.py runs its four variants
on 2,000 panels. A bootstrap p-value is (1 + k)/(1 + B) and the verdict rejects when p < 0.05,
so an exact bootstrap test rejects (⌈0.05 (B + 1)⌉ − 1)/(B + 1): 0.0475 with 399 draws, 0.045
with 199.

    nice -n 10 python bench/pretrend_size.py            # 400 panels, 399 bootstrap draws
    python bench/pretrend_size.py --quick               # 12 panels, 99 draws (smoke test)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

# one BLAS thread per process: on the shared 2-core machine OpenBLAS's spinning threads made the
# small matrix work of each draw 30x slower (measured: Sun-Abraham's bootstrap 3.5 s -> 0.09 s)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pretrend_design import demo_design_panel  # noqa: E402

from pairaid.evaluate.did import event_study  # noqa: E402

#: (label, event_study options)
VARIANTS = (
    ("cs never", {"estimator": "cs", "control": "never"}),
    ("cs notyet", {"estimator": "cs", "control": "notyet"}),
    ("cs never + covariate", {"estimator": "cs", "control": "never", "covariates": "x"}),
    ("cs notyet + covariate", {"estimator": "cs", "control": "notyet", "covariates": "x"}),
    ("sa", {"estimator": "sa"}),
    ("twfe", {"estimator": "twfe"}),
    ("did2s", {"estimator": "did2s"}),
)


def run(panels: int, draws: int, seed: int, only: tuple[str, ...] = ()) -> dict:
    rng = np.random.default_rng(seed)
    chosen = [(n, o) for n, o in VARIANTS if not only or n in only]
    reported = {n: 0 for n, _ in chosen}
    analytic = {n: 0 for n, _ in chosen}
    seconds = {n: 0.0 for n, _ in chosen}
    for i in range(panels):
        frame = demo_design_panel(rng)
        for name, options in chosen:
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                test = event_study(frame, outcome="y", seed=i, wild_reps=draws,
                                   **options).pretrend
            seconds[name] += time.perf_counter() - start
            reported[name] += test.p_value_reported < 0.05
            analytic[name] += test.p_value < 0.05
        if (i + 1) % 25 == 0:  # progress on stderr: a long run on a shared machine
            print(f"{i + 1} panels: " + ", ".join(
                f"{n} {reported[n] / (i + 1):.3f}/{analytic[n] / (i + 1):.3f}"
                for n, _ in chosen), file=sys.stderr, flush=True)
    return {n: (reported[n] / panels, analytic[n] / panels, seconds[n] / panels)
            for n, _ in chosen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--panels", type=int, default=None)
    parser.add_argument("--draws", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--only", default="", help="comma-separated variant labels")
    args = parser.parse_args()
    panels = args.panels or (12 if args.quick else 400)
    draws = args.draws or (99 if args.quick else 399)
    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    rates = run(panels, draws, args.seed, only)
    print(f"{panels} null panels of the demo design, {draws} wild draws each, seed {args.seed}")
    print(f"{'estimator':24s} {'reported (wild)':>16s} {'MC s.e.':>8s} {'analytic chi2':>14s} "
          f"{'s/panel':>8s}")
    for name, (wild, chi2, secs) in rates.items():
        print(f"{name:24s} {wild:16.3f} {np.sqrt(wild * (1 - wild) / panels):8.3f} "
              f"{chi2:14.3f} {secs:8.2f}")
    worst = max(abs(w - 0.05) for w, _, _ in rates.values())
    inside = all(0.03 <= w <= 0.08 for w, _, _ in rates.values())
    print(json.dumps({"bench": "pretrend_size", "figure": round(worst, 4),
                      "unit": "max |rejection rate - 0.05| of the reported tests",
                      "baseline": "analytic chi-squared tests (rates above)",
                      "ratio": round(max(c for _, c, _ in rates.values()) /
                                     max(max(w for w, _, _ in rates.values()), 1e-9), 2),
                      "target": "every reported rate in 0.03-0.08", "met": inside,
                      "panels": panels, "draws": draws,
                      "rates": {n: {"reported": w, "analytic": c}
                                for n, (w, c, _) in rates.items()}}))


if __name__ == "__main__":
    main()
