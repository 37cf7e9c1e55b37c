"""Benchmark: overhead of `estimate_elasticity` over calling pyfixest directly (issue 4).

Sizes: 3,000 × 30 and 100,000 × 30 unit-year panels; model ``log y ~ log x | unit + year``,
CRV1 errors clustered by unit. Our path takes the raw table (logs taken, non-positive rows
counted, every guard run, results object built). Baseline in the same run: ``pyfixest.feols``
on a table whose logs are already taken, with the same options and nothing else. Both are run
once to warm up (numba compilation, imports), then timed as the median of interleaved repeats. Process
start-up (a fresh interpreter importing pairaid.evaluate and pyfixest) is timed separately and
is not in either figure.

    python bench/elasticity_overhead.py [--quick]

Prints one JSON line per size; the figure is our warm seconds, the ratio ours / pyfixest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

from pairaid.evaluate import estimate_elasticity

TARGET_RATIO = 1.3


def panel(n_units: int, n_years: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_years)
    year = np.tile(np.arange(1995, 1995 + n_years), n_units)
    log_x = rng.normal(0, 1, n_units)[unit] + 0.02 * (year - 1995) + rng.normal(0, 0.5, len(unit))
    log_y = 0.5 * log_x + rng.normal(0, 1, n_units)[unit] + rng.normal(0, 0.3, len(unit))
    return pd.DataFrame({"unit": unit, "year": year, "y": np.exp(log_y), "x": np.exp(log_x)})


def ours(frame: pd.DataFrame) -> float:
    return estimate_elasticity(frame, outcome="y", treatment="x").elasticity


def direct(logged: pd.DataFrame) -> float:
    import pyfixest as pf

    fit = pf.feols("ly ~ lx | unit + year", logged, vcov={"CRV1": "unit"}, fixef_rm="none")
    return float(fit.coef().iloc[0])


def timed(ours_arg, direct_arg, repeats: int) -> tuple[float, float]:
    """Median seconds of each path, the two interleaved so that load on the shared machine
    falls on both alike."""
    ours_times, direct_times = [], []
    for _ in range(repeats):
        for func, arg, times in ((ours, ours_arg, ours_times),
                                 (direct, direct_arg, direct_times)):
            start = time.perf_counter()
            func(arg)
            times.append(time.perf_counter() - start)
    return statistics.median(ours_times), statistics.median(direct_times)


def startup_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pairaid.evaluate, pyfixest"], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args()
    sizes = [(300, 30)] if args.quick else [(3_000, 30), (100_000, 30)]
    startup = startup_seconds()
    warnings.simplefilter("ignore")
    for n_units, n_years in sizes:
        frame = panel(n_units, n_years)
        logged = frame.assign(ly=np.log(frame["y"]), lx=np.log(frame["x"]))[
            ["unit", "year", "ly", "lx"]]
        assert abs(ours(frame) - direct(logged)) < 1e-10  # warm-up and same answer
        repeats = 15 if n_units <= 3_000 else 5
        ours_s, direct_s = timed(frame, logged, repeats)
        print(json.dumps({"bench": f"elasticity_twfe_{n_units}x{n_years}",
                          "figure": round(ours_s, 4), "unit": "s (warm)",
                          "baseline": f"pyfixest.feols direct ({direct_s:.4f} s)",
                          "ratio": round(ours_s / direct_s, 3), "target": f"<= {TARGET_RATIO}",
                          "startup_s": round(startup, 2)}))


if __name__ == "__main__":
    main()
