"""Callaway–Sant'Anna on `mpdta` against R `did` (numbers and sources: reference/did/README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from pairaid.evaluate.did import callaway_santanna

MPDTA = Path(__file__).parent / "reference" / "did" / "mpdta.csv"

# R did 2.3.0: att_gt(..., control_group = "nevertreated", bstrap = FALSE), then
# aggte(..., bstrap = FALSE)
R_AGGREGATIONS = {  # (estimate, analytic SE)
    "simple": (-0.0399512751551772, 0.0120340127701854),
    "group": (-0.0310182822, 0.0124460593),
    "calendar": (-0.0417004321, 0.0159718519),
    "dynamic": (-0.0772398215, 0.0199649891),
}
R_ATT_GT_VARYING = {
    (2004, 2004): -0.01050325, (2004, 2005): -0.07042316, (2004, 2006): -0.13725874,
    (2004, 2007): -0.10081136, (2006, 2004): 0.00652011, (2006, 2005): -0.00275082,
    (2006, 2006): -0.00459461, (2006, 2007): -0.04122447, (2007, 2004): 0.03050666,
    (2007, 2005): -0.00272589, (2007, 2006): -0.03108712, (2007, 2007): -0.02605441,
}
R_ATT_GT_UNIVERSAL = {
    (2004, 2004): -0.010503246221, (2004, 2005): -0.070423158103,
    (2004, 2006): -0.137258738889, (2004, 2007): -0.100811363085,
    (2006, 2003): -0.003769293674, (2006, 2004): 0.002750818751,
    (2006, 2006): -0.004594606953, (2006, 2007): -0.041224471546,
    (2007, 2003): 0.003306356693, (2007, 2004): 0.033813012276,
    (2007, 2005): 0.031087119390, (2007, 2007): -0.026054410719,
}
R_EVENT_UNIVERSAL = {-4: 0.003306356693, -3: 0.025021829598, -2: 0.024458744971, -1: 0.0,
                     0: -0.019931816789, 1: -0.050957367065, 2: -0.137258738889,
                     3: -0.100811363085}
R_GROUP_BY_COHORT = {2004: -0.0797491, 2006: -0.0229095, 2007: -0.0260544}
R_DYNAMIC_BY_EVENT = {-3: 0.0305067, -2: -0.0005631, -1: -0.0244587, 0: -0.0199318,
                      1: -0.0509574, 2: -0.1372587, 3: -0.1008114}
R_PRETEST_P = 0.16812


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(MPDTA)


def _fit(mpdta, **options):
    return callaway_santanna(mpdta, outcome="lemp", unit="countyreal", time="year",
                             cohort="first.treat", **options)


@pytest.fixture(scope="module")
def varying(mpdta):
    return _fit(mpdta)


@pytest.mark.parametrize("method", ["dr", "ipw", "reg"])
def test_aggregations_match_r_did_estimates_and_analytic_se(mpdta, method):
    result = _fit(mpdta, method=method)
    for name, (estimate, std_error) in R_AGGREGATIONS.items():
        assert_allclose(result.aggregations[name].estimate, estimate, rtol=0, atol=1e-8,
                        err_msg=name)
        assert_allclose(result.aggregations[name].std_error, std_error, rtol=0, atol=1e-8,
                        err_msg=name)


def test_group_time_effects_match_r_did(varying):
    got = {(g, t): e for g, t, e in varying.group_time[["cohort", "time", "estimate"]]
           .itertuples(index=False)}
    assert set(got) == set(R_ATT_GT_VARYING)
    for key, expected in R_ATT_GT_VARYING.items():
        assert_allclose(got[key], expected, rtol=0, atol=5e-9, err_msg=str(key))


def test_universal_base_cells_and_event_path_match_r_did(mpdta):
    result = _fit(mpdta, base_period="universal")
    cells = result.group_time.set_index(["cohort", "time"])
    for key, expected in R_ATT_GT_UNIVERSAL.items():
        assert_allclose(cells.loc[key, "estimate"], expected, rtol=0, atol=1e-10)
    assert np.isnan(cells.loc[(2006, 2005), "std_error"])  # the base period itself
    events = result.event_time.set_index("event_time")["estimate"]
    assert_allclose(events.loc[list(R_EVENT_UNIVERSAL)], list(R_EVENT_UNIVERSAL.values()),
                    rtol=0, atol=1e-10)


def test_aggregation_levels_match_r_did(varying):
    group = varying.aggregations["group"].detail.set_index("level")["estimate"]
    assert_allclose(group.loc[list(R_GROUP_BY_COHORT)], list(R_GROUP_BY_COHORT.values()),
                    rtol=0, atol=5e-8)
    events = varying.event_time.set_index("event_time")["estimate"]
    assert_allclose(events.loc[list(R_DYNAMIC_BY_EVENT)], list(R_DYNAMIC_BY_EVENT.values()),
                    rtol=0, atol=5e-8)


def test_pretrend_wald_test_matches_r_did(varying):
    assert varying.pretrend.df == 5  # the five pre-treatment ATT(g, t)
    assert_allclose(varying.pretrend.p_value, R_PRETEST_P, rtol=0, atol=5e-6)


def test_not_yet_treated_comparison_runs_and_differs(mpdta, varying):
    result = _fit(mpdta, control="notyet")
    assert result.att != pytest.approx(varying.att, abs=1e-6)
    assert result.att < 0


def test_sun_abraham_equals_r_did_universal_base(mpdta):
    """With never-treated comparisons and no covariates the interaction-weighted estimator is
    the universal-base CS estimator, so R did's numbers check it too."""
    from pairaid.evaluate.did import sun_abraham

    result = sun_abraham(mpdta, outcome="lemp", unit="countyreal", time="year",
                         cohort="first.treat")
    cells = result.group_time.set_index(["cohort", "time"])["estimate"]
    for key, expected in R_ATT_GT_UNIVERSAL.items():
        assert_allclose(cells.loc[key], expected, rtol=0, atol=1e-10)
    events = result.event_time.set_index("event_time")["estimate"]
    expected_events = {e: v for e, v in R_EVENT_UNIVERSAL.items() if e != -1}
    assert_allclose(events.loc[list(expected_events)], list(expected_events.values()), atol=1e-10)
    for name, (estimate, _) in R_AGGREGATIONS.items():
        assert_allclose(result.aggregations[name].estimate, estimate, rtol=0, atol=1e-8)
    assert not any("multicollinearity" in note for note in result.notes)


def test_smoke_sun_abraham_event_path_equals_pyfixest_aggregate(mpdta):
    """Smoke test (pyfixest is the engine sun_abraham wraps): our cohort-size weights and
    delta-method SEs reproduce pyfixest's own aggregate()."""
    import warnings

    import pyfixest as pf

    from pairaid.evaluate.did import sun_abraham

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.event_study(mpdta, yname="lemp", idname="countyreal", tname="year",
                             gname="first.treat", estimator="saturated")
        theirs = fit.aggregate()
    ours = sun_abraham(mpdta, outcome="lemp", unit="countyreal", time="year",
                       cohort="first.treat").event_time
    assert_allclose(ours["estimate"], theirs["Estimate"].astype(float), atol=1e-12)
    assert_allclose(ours["std_error"], theirs["Std. Error"].astype(float), atol=1e-12)


def test_multiplier_bootstrap_is_seeded_and_close_to_analytic(mpdta, varying):
    first = _fit(mpdta, bootstrap=999, seed=7)
    again = _fit(mpdta, bootstrap=999, seed=7)
    assert first.inference.startswith("multiplier bootstrap")
    assert first.att == pytest.approx(varying.att, abs=1e-12)  # estimates do not change
    assert first.att_std_error == again.att_std_error
    for name, agg in varying.aggregations.items():
        assert first.aggregations[name].std_error == pytest.approx(agg.std_error, rel=0.15)


def test_group_time_standard_errors_equal_the_difference_of_means_formula(mpdta, varying):
    """No R printout with analytic (bstrap = FALSE) cell SEs was found, so each cell's SE is
    checked against an independent computation: without covariates ATT(g, t) is a difference of
    mean changes (from g − 1, or t − 1 before treatment, varying base), and its influence-function
    SE is sqrt(Σ(d − d̄_g)²/n_g² + Σ(d − d̄_C)²/n_C²)."""
    wide = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    cohort = mpdta.groupby("countyreal")["first.treat"].first().reindex(wide.index)
    cells = varying.group_time.set_index(["cohort", "time"])
    assert len(cells) == 12
    for (g, t), row in cells.iterrows():
        base = g - 1 if t >= g else t - 1
        change = wide[t] - wide[base]
        treated, never = change[cohort == g], change[cohort == 0]
        estimate = treated.mean() - never.mean()
        se = np.sqrt(((treated - treated.mean()) ** 2).sum() / len(treated) ** 2
                     + ((never - never.mean()) ** 2).sum() / len(never) ** 2)
        assert row["estimate"] == pytest.approx(estimate, abs=1e-12), (g, t)
        assert row["std_error"] == pytest.approx(se, rel=1e-9), (g, t)
