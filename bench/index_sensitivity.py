"""Benchmark: uncertainty and sensitivity analysis of a composite index (issue 3).

Size: 2,850 units × 30 years × 20 indicators, 1,000 Monte Carlo draws over imputation (2 levels),
normalisation (3), weighting method (4), ±25 % weight noise and aggregation (3). Our path:
`pairaid.measure.sensitivity` (all draws drawn up front, scored in batches with matrix products,
ranked with one argsort per batch). Baseline in the same run: a per-draw loop calling pymcdm on
the same inputs — pymcdm's normalisation (min-max; z-scores and ranks, which pymcdm lacks, with
numpy/scipy), pymcdm's entropy/CRITIC/equal weights, WSM/WPM/TOPSIS and `rrankdata` per year —
with the imputed matrices cached (so the baseline pays nothing for imputation). The loop is
timed for a few draws and extrapolated to the full count (it says how many in its figure line).

    python bench/index_sensitivity.py [--quick]

Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

from pairaid.measure import IndexSpec, Indicator, sensitivity
from pairaid.measure.spec import AggregationSpec, SensitivitySpec

TARGET_SECONDS = 30.0


def panel(n_units: int, n_years: int, n_indicators: int, seed: int = 3) -> pd.DataFrame:
    """Lognormal indicators with unit effects, trends and 3 % missing values."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_years)
    year = np.tile(np.arange(1995, 1995 + n_years), n_units)
    latent = rng.normal(0, 1, n_units)[unit] + 0.02 * (year - 1995)
    loading = rng.uniform(-0.8, 0.8, n_indicators)
    logs = (loading * latent[:, None] + rng.normal(0, 0.5, (n_units, n_indicators))[unit]
            + rng.normal(0, 0.3, (len(unit), n_indicators)))
    values = np.exp(logs + rng.uniform(0, 5, n_indicators))
    values[rng.random(values.shape) < 0.03] = np.nan
    frame = pd.DataFrame(values, columns=[f"x{j:02d}" for j in range(n_indicators)])
    frame.insert(0, "unit", [f"C{u:05d}" for u in unit])
    frame.insert(1, "year", year)
    return frame


def bench_spec(n_indicators: int) -> IndexSpec:
    indicators = tuple(Indicator(f"x{j:02d}", direction=1 if j % 4 else -1)
                       for j in range(n_indicators))
    return IndexSpec(name="bench", indicators=indicators,
                     aggregation=AggregationSpec(structure="flat"),
                     sensitivity=SensitivitySpec())


def pymcdm_loop(frame: pd.DataFrame, spec: IndexSpec, result, n_draws: int) -> float:
    """Seconds per draw of a straightforward loop over draws calling pymcdm."""
    from pymcdm import helpers, methods, normalizations
    from pymcdm import weights as pw
    from scipy.stats import rankdata

    from pairaid.measure.data import indicator_table
    from pairaid.measure.index import prepare, treated
    from pairaid.measure.aggregate import geometric_scale

    prep = prepare(indicator_table(frame, spec, "unit", "year"), spec)
    rows = prep.rows
    types = spec.directions
    cached = {m: treated(prep, m).values[rows] for m in spec.sensitivity.imputation}
    years = prep.table.keys()["time"].to_numpy()[rows]
    year_groups = [np.flatnonzero(years == y) for y in np.unique(years)]
    identity = lambda x, cost=False: x  # noqa: E731  the matrix arrives normalised

    def draw(run) -> None:
        x = cached[run.imputation]
        x = np.where(np.isnan(x), np.nanmean(x, axis=0), x)        # pymcdm needs full data
        if run.normalisation == "minmax":
            z = helpers.normalize_matrix(x, normalizations.minmax_normalization, types)
        elif run.normalisation == "zscore":
            z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1) * types
        else:
            z = rankdata(x * types, axis=0) / len(x)
        basis = helpers.normalize_matrix(x, normalizations.minmax_normalization, types)
        if run.weighting == "equal":
            w = pw.equal_weights(basis)
        elif run.weighting == "entropy":
            w = pw.entropy_weights(basis + 1e-9)   # pymcdm refuses zeros
        elif run.weighting == "critic":
            w = pw.critic_weights(basis)
        else:
            w = np.linalg.eigh(np.corrcoef(basis, rowvar=False))[1][:, -1] ** 2
        w = w * np.random.default_rng(0).uniform(0.75, 1.25, len(w))
        w = w / w.sum()
        ones = np.ones(len(w))
        if run.aggregation == "linear":
            score = methods.WSM(normalization_function=identity)(z, w, ones, validation=False)
        elif run.aggregation == "geometric":
            g = geometric_scale(z, np.ones(len(z), dtype=bool))
            score = methods.WPM(normalization_function=identity)(g, w, ones, validation=False)
        else:
            score = methods.TOPSIS(normalization_function=identity)(z, w, ones, validation=False)
        for group in year_groups:
            helpers.rrankdata(score[group])

    runs = result.runs.head(n_draws)
    started = time.perf_counter()
    for run in runs.itertuples():
        draw(run)
    return (time.perf_counter() - started) / len(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small size for smoke tests")
    args = parser.parse_args()
    n_units, n_years, n_indicators, draws, loop_draws = (
        (300, 10, 20, 200, 3) if args.quick else (2850, 30, 20, 1000, 5))
    frame = panel(n_units, n_years, n_indicators)
    spec = bench_spec(n_indicators)
    started = time.perf_counter()
    result = sensitivity(frame, spec, draws=draws, seed=1)
    ours = time.perf_counter() - started
    per_draw = pymcdm_loop(frame, spec, result, loop_draws)
    baseline = per_draw * result.draws
    size = f"{n_units} units x {n_years} years x {n_indicators} indicators"
    print(json.dumps({
        "bench": "index_sensitivity" + ("_quick" if args.quick else ""),
        "figure": round(ours, 2), "unit": f"s for {result.draws} draws ({size})",
        "baseline": f"per-draw loop calling pymcdm: {per_draw:.2f} s/draw timed over "
                    f"{loop_draws} draws, extrapolated to {result.draws} draws = {baseline:.0f} s",
        "ratio": round(baseline / ours, 1), "target": f"<= {TARGET_SECONDS:g} s"}), flush=True)
    print(json.dumps({
        "bench": "index_sensitivity_draws_per_second" + ("_quick" if args.quick else ""),
        "figure": round(result.draws / ours, 1), "unit": "draws/s",
        "baseline": "per-draw loop calling pymcdm (extrapolated, as above)",
        "ratio": round(baseline / ours, 1),
        "target": f">= {1000 / TARGET_SECONDS:.1f}"}), flush=True)


if __name__ == "__main__":
    main()
