"""How the demo's index components respond to assistance: calibrated so that the bundled index
responds to funds per person with the published elasticity (about 0.5).

The latent index S (indicator ``sai_latent``) carries the planted elasticity b_i (mean 0.5). The
components of the bundled ``sustainable_agriculture`` index respond to s = log S − log S_level
(synth._outcomes); but the index the report builds from them — min-max normalisation over pooled
goalposts, entropy weights, three pillars averaged — dilutes that response: with the components'
own responses (0.05–0.6 per unit of s) the built index moved with funds at an elasticity of about
0.10, so a report on the demo could only ever show 0.10 where the study it mirrors found 0.5.

The components therefore see a *calibrated signal*

    s_c = s + (gain − 1) · b_i · 0.3 · tanh((log F_it − m_i) / 0.3)    treated county-years
    s_c = s                                                              otherwise

where F_it is the realised disbursement per person (whatever rule produced it) and m_i the mean
of log F over county i's treated years, so the signal is unchanged at each county's typical
funding level (the component levels, incomes and totals documented in docs/demo.md hardly move)
and only the response to *more or less* money than usual is amplified. ``gain`` (``DemoParameters.index_response_gain``) was
calibrated once, like the money totals: with it the two-way fixed-effects elasticity of the built
index to funds per person (what `pairaid estimate --db` prints) is about 0.5 across seeds
(docs/demo.md, "Calibration achieved"; bench-free check in tests/test_demo_calibration.py).
No random number is drawn here, so every other figure of a seed is unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np
import pandas as pd

#: the range searched for the gain, and the bisection steps (in log gain: 8 steps of [1, 40]
#: leave a bracket 1.5 % wide, about ±0.003 in the elasticity)
GAIN_BOUNDS = (1.0, 40.0)
GAIN_STEPS = 8
#: log units of funds per person (from their mean) beyond which the amplified response levels
#: off: tanh keeps it linear in the middle (±0.25: within 2 %) and bounded at ±SPREAD
SPREAD = 0.3


def component_signal(s: np.ndarray, b: np.ndarray, funds_per_person: np.ndarray,
                     treated: np.ndarray, gain: float) -> np.ndarray:
    """The signal the index components respond to (units × years), as in the module docstring.

    ``s``: log S − log S_level; ``b``: each county's planted elasticity (units × 1);
    ``funds_per_person``: realised disbursement per person (0 or NaN where none); ``treated``:
    county-years with funds.
    """
    if not np.any(treated):
        return s
    log_f = np.log(np.where(treated, funds_per_person, 1.0))
    # each county's own mean over its treated years: the fixed-effects estimate reads changes
    # within a county, and a county funded far above or below the others stays in the linear
    # part of tanh (a pooled centre put whole counties in its flat tails)
    count = treated.sum(axis=1, keepdims=True)
    centre = np.where(treated, log_f, 0.0).sum(axis=1, keepdims=True) / np.maximum(count, 1)
    # squashed beyond ±SPREAD log units, so an outlying county-year (a tiny or a huge amount per
    # person) does not push its components to absurd values and stretch every goalpost
    shifted = SPREAD * np.tanh((log_f - centre) / SPREAD)
    extra = np.where(treated, (gain - 1.0) * b * shifted, 0.0)
    return s + extra


def index_elasticity(observations: pd.DataFrame, codes: np.ndarray, years: np.ndarray,
                     funds: np.ndarray, population: np.ndarray) -> float:
    """The two-way fixed-effects elasticity of the bundled index to funds per person, on the
    generated county observations: the index built by :func:`pairaid.measure.build_index` with
    the spec the report uses, log index on log funds per person over county-years with funds,
    county and year dummies (what `pairaid estimate` fits, without its standard errors)."""
    from pairaid.evaluate.ledger import INDEX_SPEC
    from pairaid.measure.index import build_index

    county = observations[observations["region"].isin(set(codes))
                          & observations["indicator"].isin(set(_index_columns()))]
    frame = county.pivot(index=["region", "year"], columns="indicator", values="value"
                         ).reset_index().rename(columns={"region": "unit"})
    index = build_index(frame, INDEX_SPEC, unit="unit", time="year", synthetic=True).table
    with np.errstate(divide="ignore", invalid="ignore"):
        per_person = pd.DataFrame(funds / population, index=codes, columns=years)
    per_person = per_person.stack().rename("funds_per_capita").reset_index()
    per_person.columns = ["unit", "time", "funds_per_capita"]
    data = index.merge(per_person, on=["unit", "time"])
    data = data[(data["score"] > 0) & (data["funds_per_capita"] > 0)]
    return _within_slope(np.log(data["score"].to_numpy()),
                         np.log(data["funds_per_capita"].to_numpy()),
                         data["unit"].to_numpy(), data["time"].to_numpy())


def _within_slope(y: np.ndarray, x: np.ndarray, unit: np.ndarray, time: np.ndarray) -> float:
    """OLS slope of y on x with unit and time effects (unbalanced panel): alternating
    projections (demean by unit, then by time, until nothing moves), then the plain slope."""
    groups = [np.unique(g, return_inverse=True)[1] for g in (unit, time)]
    both = np.column_stack([y, x])
    for _ in range(1000):
        before = both.copy()
        for g in groups:
            counts = np.bincount(g)
            for j in range(2):
                both[:, j] -= (np.bincount(g, weights=both[:, j]) / counts)[g]
        if np.max(np.abs(both - before)) < 1e-12:
            break
    return float(both[:, 0] @ both[:, 1] / (both[:, 1] @ both[:, 1]))


@lru_cache(maxsize=1)
def _index_columns() -> tuple[str, ...]:
    """The panel columns the bundled index reads (its indicators' `column` and `per`)."""
    from pairaid.evaluate.ledger import INDEX_SPEC
    from pairaid.measure.spec_toml import load_spec

    spec = load_spec(INDEX_SPEC)
    return tuple({c for i in spec.indicators for c in (i.column or i.code, i.per) if c})


def calibrated_observations(make, rng: np.random.Generator, p, pop, funds: np.ndarray,
                            regions: pd.DataFrame) -> pd.DataFrame:
    """The observations of ``make(rng, p, pop, funds, regions)`` (synth._outcomes) with the
    components' gain solved so that the built index's elasticity to funds per person equals
    ``p.elasticity_mean`` (the published 0.5) — the way the GDP totals are scaled to the
    published path. ``p.index_response_gain`` set: that gain, unsolved.

    Every trial draws the same random numbers (the generator's state is restored), so only the
    gain differs between trials and the generator ends where one plain call would leave it.
    """
    if p.index_response_gain is not None:
        return make(rng, p, pop, funds, regions)
    state = rng.bit_generator.state

    def trial(gain: float) -> pd.DataFrame:
        rng.bit_generator.state = state
        return make(rng, replace(p, index_response_gain=gain), pop, funds, regions)

    def gap(gain: float) -> float:
        found = index_elasticity(trial(gain), pop.codes, pop.years, funds, pop.total)
        return found - p.elasticity_mean

    low, high = GAIN_BOUNDS
    if gap(low) >= 0:  # the components alone already carry it: no amplification
        return trial(low)
    # bisection in log(gain): the elasticity rises with the gain but not smoothly (winsorising
    # in the index switches on and off), so no secant
    for _ in range(GAIN_STEPS):
        middle = float(np.sqrt(low * high))
        low, high = (middle, high) if gap(middle) < 0 else (low, middle)
    if high == GAIN_BOUNDS[1]:
        raise AssertionError(f"demo calibration: no gain up to {high} brings the index "
                             f"elasticity to {p.elasticity_mean}")
    gain = float(np.sqrt(low * high))
    observations = trial(gain)
    observations.attrs["index_response_gain"] = gain
    return observations
