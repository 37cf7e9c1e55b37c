"""Optimal pairing (MILP, HiGHS) beside a greedy baseline, at the programme's size and at
national size.

    python bench/matching.py [--quick]

19 donors × 100 recipients (the Xinjiang programme's shape; target ≤ 2 s) and 31 donors ×
2,850 counties (every county of China; target ≤ 60 s), random capacities and needs (seeded),
14 or 300 prefectures, today's pairing random. Prints each size's objective, the gap to the best
bound the solver proved and the seconds, beside the greedy assignment's objective and seconds,
and the machine's load average (the figures are wall-clock seconds). highspy is imported before
the clock starts (a one-off per process, ~0.3 s).
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import pandas as pd

from pairaid.policy.matching import MatchingProblem, assignment_cost, greedy_matching, solve_matching


def instance(donors: int, recipients: int, prefectures: int, seed: int = 1) -> MatchingProblem:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({"donor": [f"D{i}" for i in range(donors)],
                          "capacity": rng.lognormal(20, 0.5, donors),
                          "max_recipients": int(np.ceil(recipients / donors * 1.6))})
    places = pd.DataFrame({"recipient": [f"R{i}" for i in range(recipients)],
                           "need": rng.lognormal(12, 1, recipients),
                           "prefecture": [f"P{i % prefectures}" for i in range(recipients)]})
    current = {f"R{i}": f"D{i % donors}" for i in range(recipients)}
    return MatchingProblem(table, places, current, change_penalty=0.1, prefecture_penalty=0.05)


def main() -> None:
    import highspy  # noqa: F401  (imported before the clock: a one-off per process)

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [(19, 100, 14, 2.0)] + ([] if args.quick else [(31, 2850, 300, 60.0)])
    for donors, recipients, prefectures, limit in sizes:
        problem = instance(donors, recipients, prefectures)
        start = time.perf_counter()
        greedy = assignment_cost(problem, greedy_matching(problem))["objective"]
        greedy_s = time.perf_counter() - start
        start = time.perf_counter()
        result = solve_matching(problem, time_limit=limit)
        seconds = time.perf_counter() - start
        load = os.getloadavg()[0]
        print(f"{donors} donors × {recipients} recipients: solver objective {result.objective:.4f} "
              f"(gap to bound {result.gap:.4f}, {result.status}, {result.nodes} nodes) in "
              f"{seconds:.1f} s; greedy {greedy:.4f} in {greedy_s:.2f} s; today's pairing "
              f"{result.current_objective:.4f}; load average {load:.1f}")
        print(json.dumps({"bench": f"matching_{donors}x{recipients}", "figure": round(seconds, 2),
                          "unit": "s", "baseline": "greedy assignment", "objective":
                          round(result.objective, 5), "gap": round(result.gap, 5),
                          "baseline_objective": round(greedy, 5),
                          "ratio": round(result.objective / greedy, 3) if greedy else None,
                          "target": f"<= {limit:g} s", "load_average": round(load, 2)}))


if __name__ == "__main__":
    main()
