"""Donor-level uncertainty: donor clustering covers where county clustering under-covers when
shocks hit donors (a small Monte Carlo; the demo-design one is bench/donor_clustering.py), the
donor assignment rule, and randomisation inference over the donors' start years."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluate import estimate_elasticity
from pairaid.evaluate.inference import cohort_randomisation, shifted_treatment
from pairaid.evaluate.instrument import assign_donors

PLANTED = 0.5


def _donor_panel(rng, donors=12, per_donor=5, years=10, effect=PLANTED, starts=None):
    unit = np.repeat(np.arange(donors * per_donor), years)
    year = np.tile(np.arange(2010, 2010 + years), donors * per_donor)
    donor = unit // per_donor
    x = (rng.normal(0, 0.3, (donors, years))[donor, year - 2010]
         + rng.normal(0, 0.1, len(unit)))
    y = (effect * x + rng.normal(0, 0.3, donors * per_donor)[unit]
         + rng.normal(0, 0.15, (donors, years))[donor, year - 2010]
         + rng.normal(0, 0.05, len(unit)))
    frame = pd.DataFrame({"unit": unit, "year": year, "donor": [f"D{d:02d}" for d in donor],
                          "x": x, "y": y})
    if starts is not None:
        first = np.array(starts)[donor]
        frame["first_paired_year"] = first
        frame["x"] = np.where(year >= first, np.exp(x), 0.0)
        frame["y"] = np.exp(np.where(year >= first, effect * x, 0.0) + (y - effect * x))
    return frame


def _within_crv1(data: pd.DataFrame, cluster: str) -> tuple[float, float, int]:
    """Two-way within estimate and its CRV1 standard error on a balanced panel, in numpy: the
    formula estimate_elasticity uses (checked equal below), fast enough for a Monte Carlo."""
    units, years = data["unit"].nunique(), data["year"].nunique()  # sorted unit, then year

    def within(v):
        m = data[v].to_numpy().reshape(units, years)
        return (m - m.mean(1, keepdims=True) - m.mean(0, keepdims=True) + m.mean()).ravel()

    x, y = within("x"), within("y")
    beta = float(x @ y / (x @ x))
    codes = pd.factorize(data[cluster])[0]
    scores = np.bincount(codes, weights=x * (y - beta * x))
    g, n = len(scores), len(data)
    k = 1 + years  # fixest: the unit effects are nested in both clusterings; year effects count
    var = g / (g - 1) * (n - 1) / (n - k) * float(scores @ scores) / float(x @ x) ** 2
    return beta, float(np.sqrt(var)), g


def test_monte_carlo_formula_is_estimate_elasticitys():
    data = _donor_panel(np.random.default_rng(0))
    for cluster in ("unit", "donor"):
        fit = estimate_elasticity(data, outcome="y", treatment="x", log="none", cluster=cluster)
        beta, se, _ = _within_crv1(data, cluster)
        assert abs(beta - fit.elasticity) < 1e-10
        assert abs(se - float(fit.std_errors["x"])) < 1e-10


def test_donor_clustering_covers_where_county_clustering_does_not():
    from scipy import stats

    rng = np.random.default_rng(5)
    covered = {"unit": 0, "donor": 0}
    reps = 400
    for _ in range(reps):
        data = _donor_panel(rng)
        for cluster in covered:
            beta, se, g = _within_crv1(data, cluster)
            crit = stats.t.ppf(0.975, g - 1)
            covered[cluster] += abs(beta - PLANTED) <= crit * se
    donor, county = covered["donor"] / reps, covered["unit"] / reps
    assert 0.91 <= donor <= 0.98, donor     # nominal 0.95; Monte Carlo se 0.011
    assert county <= donor - 0.10, (county, donor)


def test_two_way_clustering_runs_and_names_both():
    data = _donor_panel(np.random.default_rng(1))
    fit = estimate_elasticity(data, outcome="y", treatment="x", log="none",
                              cluster="unit+donor")
    assert "two-way by unit and donor" in fit.summary and fit.n_clusters == 12


def test_assign_donors_takes_the_earliest_pairing():
    pairings = pd.DataFrame({"donor": ["B", "A", "C"], "recipient": ["u1", "u1", "u2"],
                             "start_year": [2011, 2013, 2011], "end_year": [None] * 3})
    donor, several = assign_donors(["u1", "u2", "u3"], pairings)
    assert donor.to_dict() == {"u1": "B", "u2": "C", "u3": np.nan} or (
        donor["u1"] == "B" and donor["u2"] == "C" and pd.isna(donor["u3"]))
    assert several == 1


def test_shifted_treatment_moves_series_in_time():
    frame = pd.DataFrame({"unit": [1] * 4 + [2] * 4, "year": [1, 2, 3, 4] * 2,
                          "x": [0, 1, 2, 3, 0, 0, 5, 6.0]})
    moved = shifted_treatment(frame, "x", pd.Series({1: 1, 2: -1}))
    assert list(moved) == [0, 0, 1, 2, 0, 5, 6, 0]


def test_randomisation_inference_rejects_a_planted_effect_and_not_the_null():
    starts = [2011] * 6 + [2013] * 3 + [2015] * 3
    planted = _donor_panel(np.random.default_rng(2), starts=starts)
    null = _donor_panel(np.random.default_rng(2), starts=starts, effect=0.0)

    def run(frame):
        def t_of(moved):
            fit = estimate_elasticity(moved, outcome="y", treatment="x", cluster="donor")
            return float(fit.tstats[fit.treatment])
        return cohort_randomisation(frame, t_of(frame), t_of, treatment="x", draws=24, seed=0)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert run(planted).p_value <= 0.04
        assert run(null).p_value > 0.05
