"""The demo's design for pre-trend Monte Carlos: 16 never-treated counties and cohorts of 60, 1,
7, 1 and 15 starting 2011–2015, observed 2008–2024 — the demo ledger's county panel before its
missing outcomes thin it (`pairaid demo`, first_paired_year). Outcome: unit effect + common
period effect + noise, a constant treatment effect after the start, and no pre-trend unless
`trend` (per year before treatment, treated units only) is given. Shared by
tests/test_pretrend.py and bench/pretrend_size.py."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: (first treated year, units); 0 = never treated
DEMO_COHORTS = ((0, 16), (2011, 60), (2012, 1), (2013, 7), (2014, 1), (2015, 15))
DEMO_YEARS = tuple(range(2008, 2025))


def demo_design_panel(rng: np.random.Generator, *, trend: float = 0.0, effect: float = 0.05,
                      cohorts=DEMO_COHORTS, years=DEMO_YEARS, noise: float = 0.1) -> pd.DataFrame:
    """One panel ``unit, year, first_paired_year (0 = never), y, x`` (x: a unit covariate that
    does not matter)."""
    years = np.asarray(years)
    period_effect = 0.02 * (years - years[0]) + rng.normal(0, noise, len(years))
    frames = []
    unit = 0
    for start, size in cohorts:
        ids = np.arange(unit, unit + size)
        unit += size
        level = rng.normal(0, 1, size)
        y = level[:, None] + period_effect[None, :] + rng.normal(0, noise, (size, len(years)))
        if start:
            y += effect * (years >= start)[None, :]
            y += trend * (np.minimum(years, start) - years[0])[None, :]
        frames.append(pd.DataFrame({
            "unit": np.repeat(ids, len(years)), "year": np.tile(years, size),
            "first_paired_year": start, "y": y.ravel(),
            "x": np.repeat(rng.normal(0, 1, size), len(years))}))
    return pd.concat(frames, ignore_index=True)
