"""`estimate_elasticity` against Stata and R reference values (tests/reference/elasticity/)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from pairaid.evaluate import FewClustersWarning, estimate_elasticity

HERE = Path(__file__).parent / "reference" / "elasticity"
sys.path.insert(0, str(HERE))
from simulated_panel import simulated_panel

REF = json.loads((HERE / "reference_values.json").read_text("utf-8"))
RTOL = 1e-6


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    return simulated_panel()


@pytest.fixture(scope="module")
def grunfeld() -> pd.DataFrame:
    return pd.read_csv(HERE / "grunfeld.csv").iloc[:200]


def _xtreg(frame: pd.DataFrame, suffix: str, vcov: str):
    xs = " + ".join(f"x{i}{suffix}" for i in range(1, 6))
    return estimate_elasticity(frame, f"y{suffix} ~ {xs} | firm", vcov=vcov, log="none",
                               cluster="firm" if vcov == "CRV1" else None)


@pytest.mark.parametrize("suffix", ["", "_light", "_heavy"])
def test_clustered_within_estimates_equal_stata_xtreg_fe(simulated, suffix):
    ref = REF["stata_xtreg_fe_cluster"]["full" if suffix == "" else suffix]
    result = _xtreg(simulated, suffix, "CRV1")
    assert_allclose(result.estimates, ref["b"], rtol=RTOL)
    assert_allclose(result.std_errors.to_numpy() ** 2, ref["V_diag"], rtol=RTOL)
    assert result.nobs == ref["N"]
    assert result.n_clusters == ref["N_g"]
    assert result.r2_within == pytest.approx(ref["r2_w"], rel=RTOL)


@pytest.mark.parametrize("suffix", ["", "_heavy"])
def test_iid_within_errors_equal_stata_xtreg_fe_conventional(simulated, suffix):
    ref = REF["stata_xtreg_fe_conventional"]["full" if suffix == "" else suffix]
    result = _xtreg(simulated, suffix, "iid")
    assert_allclose(result.std_errors.to_numpy() ** 2, ref["V_diag"], rtol=RTOL)


def test_pooled_clustered_grunfeld_equals_stata_regress(grunfeld):
    ref = REF["stata_regress_cluster_grunfeld"]
    with pytest.warns(FewClustersWarning, match="10 clusters"):
        result = estimate_elasticity(grunfeld, "invest ~ value + capital", cluster="firm",
                                     log="none")
    tidy = result.tidy().set_index("term").loc[ref["terms"]]
    assert_allclose(tidy["estimate"], ref["b"], rtol=RTOL)
    assert_allclose(tidy["std_error"], ref["se"], rtol=RTOL)
    assert_allclose(tidy["statistic"], ref["t"], rtol=RTOL)
    assert_allclose(tidy["p_value"], ref["p"], rtol=1e-5)
    assert_allclose(tidy["conf_low"], ref["ll"], rtol=RTOL)
    assert_allclose(tidy["conf_high"], ref["ul"], rtol=RTOL)
    assert (result.nobs, result.n_clusters, result.df_t) == (ref["N"], ref["N_clust"],
                                                            ref["df_r"])


@pytest.mark.parametrize("log", ["none", "drop"])
def test_two_way_within_equals_ols_with_dummies(grunfeld, log):
    import statsmodels.formula.api as smf

    result = estimate_elasticity(grunfeld, "invest ~ value + capital | firm + year",
                                 vcov="iid", log=log)
    frame = grunfeld.copy()
    if log == "drop":
        frame["invest"], frame["value"] = np.log(frame["invest"]), np.log(frame["value"])
    dummies = smf.ols("invest ~ value + capital + C(firm) + C(year)", frame).fit()
    assert_allclose(result.estimates, dummies.params[["value", "capital"]], rtol=1e-8)
    assert_allclose(result.std_errors, dummies.bse[["value", "capital"]], rtol=1e-8)


def test_two_way_grunfeld_matches_published_plm_twoways(grunfeld):
    # plm(inv ~ value + capital, Grunfeld, model = "within", effect = "twoways"), printed to
    # 6 significant digits in Croissant and Millo (2008), J. Stat. Software 27(2)
    result = estimate_elasticity(grunfeld, "invest ~ value + capital | firm + year",
                                 vcov="iid", log="none")
    assert_allclose(result.estimates, [0.117716, 0.357916], rtol=5e-6)


def test_smoke_numbers_are_pyfixest_numbers(simulated):
    """Smoke test: pyfixest is the engine wrapped, so this checks the wrapping (names, vcov,
    p-values), not the estimates; the references are the Stata and R printouts above."""
    import pyfixest as pf

    fit = pf.feols("y_light ~ x1_light + x2_light | firm + time", simulated,
                   vcov={"CRV1": "firm"}, fixef_rm="none")
    ours = estimate_elasticity(simulated, "y_light ~ x1_light + x2_light | firm + time",
                               log="none").tidy()
    theirs = fit.tidy()
    assert_allclose(ours["estimate"], theirs["Estimate"], rtol=1e-12)
    assert_allclose(ours["std_error"], theirs["Std. Error"], rtol=1e-12)
    # pyfixest's 2·(1 - cdf) rounds tiny p-values to 0; ours uses the survival function
    assert_allclose(ours["p_value"], theirs["Pr(>|t|)"], rtol=1e-8, atol=1e-15)
    assert_allclose(ours["conf_low"], theirs["2.5%"], rtol=1e-10)
    assert_allclose(ours["conf_high"], theirs["97.5%"], rtol=1e-10)
