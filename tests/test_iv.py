"""2SLS with fixed effects: against R fixest's printed IV example, against pyfixest (a smoke
test: pyfixest's own values), and on the demo, where the funding rule makes the donor's lagged
revenue a strong instrument and the planted elasticity is 0.5."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from pairaid.evaluate.guards import ElasticityError
from pairaid.evaluate.iv import estimate_iv, fit_iv, parse_iv_formula
from pairaid.evaluate.r_rng import RRandom

REFERENCE = Path(__file__).parent / "reference" / "iv"

PLANTED = 0.5


@pytest.fixture(scope="module")
def iris() -> pd.DataFrame:
    base = pd.read_csv(REFERENCE / "iris.csv")
    draws = RRandom(2)
    base["x_inst_2"] = 0.2 * base["y"] + 0.2 * base["x_endo_1"] + draws.rnorm(150, sd=0.5)
    base["x_endo_2"] = 0.2 * base["y"] - 0.2 * base["x_inst_1"] + draws.rnorm(150, sd=0.5)
    return base


def test_r_rng_reproduces_r():
    assert_allclose(RRandom(2).rnorm(5), [-0.89691455, 0.18484918, 1.58784533, -1.13037567,
                                          -0.08025176], atol=5e-9)


def test_equals_r_fixest_printout(iris):
    fit = fit_iv(iris, parse_iv_formula("y ~ x1 | x_endo_1 + x_endo_2 ~ x_inst_1 + x_inst_2"),
                 vcov="iid")
    got = dict(zip(fit.terms, fit.estimates))
    se = dict(zip(fit.terms, np.sqrt(np.diag(fit.covariance))))
    printed = {"(Intercept)": (1.831380, 0.411435), "x_endo_1": (0.444982, 0.022086),
               "x_endo_2": (0.639916, 0.307376), "x1": (0.565095, 0.084715)}
    for term, (estimate, std_error) in printed.items():
        assert_allclose(got[term], estimate, atol=5e-7)
        assert_allclose(se[term], std_error, atol=5e-7)
    f1, f2 = fit.first_stages
    assert round(f1.f_stat, 1) == 903.2 and (f1.df1, f1.df2) == (2, 146)
    assert_allclose(f2.f_stat, 3.25828, atol=5e-6)
    assert_allclose(f2.p_value, 0.041268, atol=5e-7)


@pytest.mark.parametrize("vcov", ["iid", "CRV1"])
def test_smoke_equals_pyfixest_feols_iv(iris, vcov):
    """pyfixest's own numbers (not an independent reference): one endogenous, fixed effects."""
    import pyfixest as pf

    data = iris.assign(cl=np.arange(150) % 17)
    formula = "y ~ x1 | fe | x_endo_1 ~ x_inst_2"
    spec = {"CRV1": "cl"} if vcov == "CRV1" else "iid"
    ours = fit_iv(data, parse_iv_formula(formula), vcov=vcov, cluster="cl")
    theirs = pf.feols(formula, data, vcov=spec)
    theirs.first_stage()
    theirs.IV_Diag()
    assert_allclose(ours.estimates, theirs.coef()[list(ours.terms)].to_numpy(), rtol=1e-8)
    assert_allclose(np.sqrt(np.diag(ours.covariance)),
                    theirs.se()[list(ours.terms)].to_numpy(), rtol=1e-7)
    if vcov == "iid":
        assert_allclose(ours.first_stages[0].f_stat, theirs._f_stat_1st_stage, rtol=1e-8)
    else:  # one instrument: the effective F is the clustered Wald F of the first stage
        assert_allclose(ours.first_stages[0].effective_f, theirs._eff_F, rtol=1e-8)


def test_anderson_rubin_is_the_inverted_test(iris):
    """At each AR bound the reduced-form test is exactly at its critical value; between them
    it accepts. With a strong instrument the AR set is close to the Wald interval."""
    from scipy import stats

    data = iris.assign(cl=np.arange(150) % 17)
    result = estimate_iv(data, "y ~ x1 | fe | x_endo_1 ~ x_inst_2", cluster="cl")
    low, high = result.anderson_rubin
    assert low < result.elasticity < high
    crit = stats.f.ppf(0.95, 1, result.df_t)
    for b0, inside in ((low, None), (high, None), ((low + high) / 2, True), (high + 1, False)):
        shifted = data.assign(yb=data["y"] - b0 * data["x_endo_1"])
        # the reduced form of y − b0·x on the instrument (an exactly identified "IV" of the
        # instrument on itself is that OLS regression, with the same clustered covariance)
        rf = fit_iv(shifted, parse_iv_formula("yb ~ x1 | fe | x_inst_2 ~ x_inst_2"),
                    cluster="cl")
        t2 = rf.estimates[0] ** 2 / rf.covariance[0, 0]
        if inside is None:
            assert_allclose(t2, crit, rtol=1e-6)
        else:
            assert (t2 < crit) == inside


def test_weak_instrument_gives_unbounded_ar_and_says_weak():
    rng = np.random.default_rng(3)
    n = 200
    z = rng.normal(size=n)
    u = rng.normal(size=n)
    x = 0.01 * z + u + rng.normal(size=n)
    data = pd.DataFrame({"y": x + u, "x": x, "z": z, "g": np.arange(n) % 40})
    result = estimate_iv(data, "y ~ 1 | x ~ z", cluster="g")
    assert np.isinf(result.anderson_rubin[1]) or np.isinf(result.anderson_rubin[0])
    assert "WEAK" in result.summary


def test_formula_errors_are_clear():
    with pytest.raises(ElasticityError, match="fewer instruments"):
        parse_iv_formula("y ~ 1 | a + b ~ z")
    with pytest.raises(ElasticityError, match="IV formulas take"):
        parse_iv_formula("y ~ 1 | x ~ sqrt(z)")


@pytest.fixture(scope="module")
def demo_db(report_demo_db) -> Path:
    """The demo ledger (seed 2010) the test run shares (conftest.report_demo_db); read only."""
    return report_demo_db


def test_demo_iv_covers_the_planted_elasticity_with_a_strong_first_stage(demo_db):
    from typer.testing import CliRunner

    from pairaid.cli.main import app

    out = CliRunner().invoke(app, ["estimate", "--db", str(demo_db), "--outcome", "sai_latent",
                                   "--instrument", "donor_revenue", "--cluster", "donor",
                                   "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    row = data["estimates"][0]
    assert row["term"] == "log(funds_per_capita)"
    assert row["conf_low"] <= PLANTED <= row["conf_high"]
    ar = data["anderson_rubin"]
    assert ar["conf_low"] <= PLANTED <= ar["conf_high"]
    first = data["first_stage"][0]
    assert first["f_stat"] > 10 and first["effective_f"] > 10
    assert data["cluster"] == "donor" and "made by donor" in data["cluster_reason"]
    assert data["minimum_detectable_effect"] > 0


def test_formula_is_taken_as_written(tmp_path):
    """issue 12 item 5: with --formula, `y ~ x` is in levels and log(y) ~ log(x) works."""
    from typer.testing import CliRunner

    from pairaid.cli.main import app

    rng = np.random.default_rng(0)
    units, years = np.repeat(np.arange(30), 6), np.tile(np.arange(6), 30)
    x = np.exp(rng.normal(size=180))
    y = np.exp(0.3 * np.log(x) + 0.1 * units / 30 + rng.normal(0, 0.1, 180))
    path = tmp_path / "t.csv"
    pd.DataFrame({"unit": units, "year": years, "y": y, "x": x}).to_csv(path, index=False)
    runner = CliRunner()
    logs = runner.invoke(app, ["estimate", "--data", str(path), "--formula",
                               "log(y) ~ log(x) | unit + year", "--json"])
    assert logs.exit_code == 0, logs.output
    data = json.loads(logs.stdout)
    assert data["log"] == "none" and abs(data["estimates"][0]["estimate"] - 0.3) < 0.05
    levels = runner.invoke(app, ["estimate", "--data", str(path), "--formula",
                                 "y ~ x | unit + year", "--json"])
    assert levels.exit_code == 0, levels.output
    assert json.loads(levels.stdout)["formula"] == "y ~ x | unit + year"
    iv = runner.invoke(app, ["estimate", "--data", str(path), "--formula",
                             "log(y) ~ 1 | unit + year | log(x) ~ log(x)", "--json"])
    assert iv.exit_code == 0, iv.output
    assert abs(json.loads(iv.stdout)["estimates"][0]["estimate"] - 0.3) < 0.05


@pytest.mark.parametrize("vcov", ["CRV1", "iid", "hetero"])
def test_smoke_two_way_effects_equal_pyfixest(vcov):
    """Unit + year effects clustered by unit (the unit effect nested in the cluster): fixest's
    small-sample K, as pyfixest computes it (pyfixest's values: a smoke test)."""
    import pyfixest as pf

    rng = np.random.default_rng(0)
    data = pd.DataFrame({"unit": np.repeat(np.arange(30), 6), "year": np.tile(np.arange(6), 30)})
    data["z"] = rng.normal(size=180)
    data["x"] = data["z"] + rng.normal(size=180)
    data["y"] = 0.5 * data["x"] + rng.normal(size=180) + 0.1 * data["unit"]
    formula = "y ~ 1 | unit + year | x ~ z"
    ours = fit_iv(data, parse_iv_formula(formula), vcov=vcov, cluster="unit")
    theirs = pf.feols(formula, data, vcov={"CRV1": "unit"} if vcov == "CRV1" else vcov)
    assert_allclose(np.sqrt(ours.covariance[0, 0]), theirs.se().iloc[0], rtol=1e-8)


def test_demo_donor_clustering_says_why(demo_db):
    from typer.testing import CliRunner

    from pairaid.cli.main import app

    out = CliRunner().invoke(app, ["estimate", "--db", str(demo_db), "--outcome", "sai_latent",
                                   "--cluster", "donor", "--wild-bootstrap", "199", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["cluster"] == "donor" and data["n_clusters"] == 19
    assert "made by donor" in data["cluster_reason"]
    assert data["wild_bootstrap"]["reps"] == 199 and data["wild_bootstrap"]["p_value"] < 0.05
    default = CliRunner().invoke(app, ["estimate", "--db", str(demo_db), "--outcome",
                                       "sai_latent", "--json"])
    assert "--cluster donor" in json.loads(default.stdout)["cluster_reason"]


def test_demo_formula_on_the_ledger_takes_the_donor_default_vcov(demo_db):
    """`--db --formula` runs through api.Ledger.estimate_formula, which decides the covariance
    as `estimate_with_design` does: CRV3 for one-way donor clustering, CRV1 for 2SLS."""
    from typer.testing import CliRunner

    from pairaid.cli.main import app

    runner = CliRunner()
    ols = runner.invoke(app, ["estimate", "--db", str(demo_db), "--formula",
                              "log(sai_latent) ~ log(funds_per_capita) | unit + year",
                              "--outcome", "sai_latent", "--cluster", "donor", "--json"])
    assert ols.exit_code == 0, ols.output
    data = json.loads(ols.stdout)
    assert data["vcov"] == "CRV3" and "jackknife" in data["cluster_reason"]
    iv = runner.invoke(app, ["estimate", "--db", str(demo_db), "--formula",
                             "log(sai_latent) ~ 1 | unit + year | log(funds_per_capita) ~ "
                             "log(donor_revenue)", "--cluster", "donor", "--json"])
    assert iv.exit_code == 0, iv.output
    assert json.loads(iv.stdout)["vcov"] == "CRV1"


def test_outcome_treatment_instrument_without_effects_build_fixests_formula(iris):
    # kills evaluate.iv.x_estimate_iv__mutmut_38 (an empty fixed-effect part written anyway:
    # "y ~ 1 |  | x ~ z")
    result = estimate_iv(iris, outcome="y", treatment="x_endo_1", instrument="x_inst_1",
                         unit="", time="", vcov="iid")
    assert result.formula == "y ~ 1 | x_endo_1 ~ x_inst_1"
    # just-identified 2SLS without controls: slope = cov(z, y) / cov(z, x)
    z, y, x = iris["x_inst_1"], iris["y"], iris["x_endo_1"]
    assert_allclose(result.elasticity, np.cov(z, y)[0, 1] / np.cov(z, x)[0, 1], rtol=1e-10)
