"""Callaway–Sant'Anna with covariates (``xformla = ~lpop``) on `mpdta` against R `did`, and the
covariate option's checks (numbers and sources: reference/did/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from pairaid.evaluate.did import DidError, callaway_santanna, event_study

REFERENCE = Path(__file__).parent / "reference" / "did"
MPDTA = REFERENCE / "mpdta.csv"
runner = CliRunner()
# R did 2.3.0, bstrap = FALSE (analytic SEs), full double precision: dr and ipw differ from
# reg by up to 1e-9 (the engines' logit fits stop at slightly different points); reg to 1e-14
TOLERANCE = 1e-8
SCENARIOS = [(m, c) for c in ("never", "notyet") for m in ("dr", "ipw", "reg")]
_R_CONTROL = {"never": "nev", "notyet": "nyt"}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(MPDTA)


@pytest.fixture(scope="module")
def fits(mpdta) -> dict:
    return {(m, c): _fit(mpdta, method=m, control=c) for m, c in SCENARIOS}


def _fit(frame, **options):
    options.setdefault("covariates", ("lpop",))
    return callaway_santanna(frame, outcome="lemp", unit="countyreal", time="year",
                             cohort="first.treat", **options)


def _r_cells(method: str, control: str) -> pd.DataFrame:
    table = pd.read_csv(REFERENCE / "r_did_lpop_attgt.csv")
    chosen = table[table["scenario"] == f"mpdta_{_R_CONTROL[control]}_{method}_cov"]
    assert len(chosen) == 12
    return chosen.set_index(["group", "t"])


def _r_aggregations(method: str, control: str) -> pd.DataFrame:
    table = pd.read_csv(REFERENCE / "r_did_lpop_aggte.csv")
    return table[table["scenario"] == f"{method}_{_R_CONTROL[control]}_cov"]


def test_mpdta_has_lpop_and_it_is_time_invariant(mpdta):
    assert "lpop" in mpdta.columns and mpdta["lpop"].notna().all()
    assert (mpdta.groupby("countyreal")["lpop"].nunique() == 1).all()


@pytest.mark.parametrize("method,control", SCENARIOS)
def test_group_time_effects_and_analytic_se_match_r_did(fits, method, control):
    ours = fits[method, control].group_time.set_index(["cohort", "time"])
    theirs = _r_cells(method, control)
    assert set(ours.index) == set(theirs.index)
    keys = list(theirs.index)
    assert_allclose(ours.loc[keys, "estimate"], theirs["att"], rtol=0, atol=TOLERANCE)
    assert_allclose(ours.loc[keys, "std_error"], theirs["se"], rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("method,control", SCENARIOS)
def test_aggregations_and_their_levels_match_r_did(fits, method, control):
    result, theirs = fits[method, control], _r_aggregations(method, control)
    for name in ("simple", "group", "dynamic", "calendar"):
        rows = theirs[theirs["agg_type"] == name]
        overall = rows[rows["egt"].isna()].iloc[0]
        ours = result.aggregations[name]
        assert_allclose([ours.estimate, ours.std_error],
                        [overall["overall_att"], overall["overall_se"]], rtol=0,
                        atol=TOLERANCE, err_msg=name)
        levels = rows[rows["egt"].notna()].set_index("egt")
        if name == "simple":
            assert levels.empty and ours.detail.empty
            continue
        detail = ours.detail.set_index("level")
        assert sorted(detail.index) == sorted(levels.index.astype(int))
        keys = levels.index.astype(int)
        assert_allclose(detail.loc[keys, "estimate"], levels["att_egt"], rtol=0,
                        atol=TOLERANCE, err_msg=name)
        assert_allclose(detail.loc[keys, "std_error"], levels["se_egt"], rtol=0,
                        atol=TOLERANCE, err_msg=name)


def test_the_three_methods_differ_with_covariates(fits):
    simple = {m: fits[m, "never"].att for m in ("dr", "ipw", "reg")}
    assert len({round(v, 6) for v in simple.values()}) == 3


def test_pretrend_wald_matches_r_did(fits):
    """reg: W from R did 2.5.1 (full precision) and its 5-decimal p; dr: the 5-decimal p printed
    by summary(att_gt(..., xformla = ~lpop))."""
    reg, dr = fits["reg", "never"].pretrend, fits["dr", "never"].pretrend
    assert reg.df == dr.df == 5
    assert_allclose(reg.statistic, 6.86127495371353, rtol=0, atol=1e-9)
    assert_allclose(reg.p_value, 0.23116, rtol=0, atol=5e-6)
    assert_allclose(dr.p_value, 0.23267, rtol=0, atol=5e-6)


def test_printed_r_did_summary_with_lpop(fits):
    """The 4-decimal ATT(g, t) and dynamic overall ATT printed by R did (dr, bootstrap run: its
    SEs are bootstrap draws and are not compared)."""
    printed = [-0.0145, -0.0764, -0.1404, -0.1069, -0.0005, -0.0062, 0.0010, -0.0413, 0.0267,
               -0.0046, -0.0284, -0.0288]
    dr = fits["dr", "never"]
    assert_allclose(dr.group_time["estimate"], printed, rtol=0, atol=5e-5)
    assert_allclose(dr.aggregations["dynamic"].estimate, -0.0804, rtol=0, atol=5e-5)


def test_wild_bootstrap_pretrend_with_covariates(fits, mpdta):
    """Issue 11: the influence-function bootstrap serves the covariate-adjusted ATT(g, t) too;
    the statistic stays the analytic one."""
    result = fits["dr", "never"]
    assert result.pretrend.p_value_wild is not None and result.pretrend.wild_reps > 0
    assert result.pretrend.p_value_reported == result.pretrend.p_value_wild
    assert 0 < result.pretrend.p_value_wild <= 1 and result.pretrend.wild_left_out == ()


def test_multiplier_bootstrap_with_covariates_keeps_the_estimates(mpdta, fits):
    """No R reference for bootstrap SEs (R's draws differ): a sanity check only. The engine's
    bootstrap SEs run a few per cent above the analytic ones with and without covariates alike
    (calendar ≈ +10 % on mpdta, averaged over seeds)."""
    analytic = fits["dr", "never"]
    boot = _fit(mpdta, bootstrap=499, seed=5)
    assert boot.inference.startswith("multiplier bootstrap")
    assert boot.att == pytest.approx(analytic.att, abs=1e-12)
    for name, agg in analytic.aggregations.items():
        assert boot.aggregations[name].std_error == pytest.approx(agg.std_error, rel=0.25)


def test_covariates_are_reported(fits):
    result = fits["dr", "never"]
    assert result.covariates == ("lpop",)
    payload = json.loads(result.to_json())
    assert payload["covariates"] == ["lpop"] and payload["provenance"]["covariates"] == ["lpop"]
    assert "covariates (base-period values): lpop" in result.summary
    assert "parallel trends conditional on lpop" in result.interpretation
    assert any("doubly robust, IPW and regression estimators differ" in n for n in result.notes)


def test_covariate_spellings_are_equivalent(mpdta, fits):
    for spelling in ("lpop", " lpop ", ["lpop", "lpop"]):
        assert _fit(mpdta, method="reg", covariates=spelling).att == \
            pytest.approx(fits["reg", "never"].att, abs=1e-15)


def test_units_with_a_missing_covariate_are_dropped(mpdta):
    frame = mpdta.copy()
    frame.loc[frame["countyreal"].isin([8001, 8019]) & (frame["year"] == 2005), "lpop"] = np.nan
    result = _fit(frame, method="reg")
    assert result.n_units == 498
    assert ("10 rows of 2 units dropped: a covariate (lpop) is missing in 2 rows (countyreal "
            "8001 in 2005, 8019 in 2005)") in " ".join(result.notes)
    expected = _fit(mpdta[~mpdta["countyreal"].isin([8001, 8019])], method="reg")
    assert result.att == pytest.approx(expected.att, abs=1e-14)


@pytest.mark.parametrize("options,message", [
    ({"estimator": "twfe"}, "covariates .* are for --estimator cs only"),
    ({"estimator": "sa"}, "for --estimator cs only"),
    ({"estimator": "did2s"}, "for --estimator cs only"),
    ({"covariates": ("nope",)}, "unknown column 'nope'"),
    ({"covariates": ("name",)}, "covariate 'name' is not numeric"),
    ({"covariates": ("one",)}, "covariate 'one' takes a single value"),
    ({"covariates": ("countyreal",)}, "covariate 'countyreal' is the unit column"),
    ({"covariates": "lpop,,x"}, "empty covariate name"),
    ({"covariates": ("inf",)}, "covariate 'inf' has infinite values"),
])
def test_bad_covariates_are_clear_errors(mpdta, options, message):
    frame = mpdta.assign(name="county " + mpdta["countyreal"].astype(str), one=1.0,
                         inf=np.where(mpdta["year"] == 2005, np.inf, 1.0))
    options = {"covariates": ("lpop",), **options}
    with pytest.raises(DidError, match=message):
        event_study(frame, outcome="lemp", unit="countyreal", time="year",
                    cohort="first.treat", **options)


def test_boolean_covariate_is_a_dummy(mpdta):
    frame = mpdta.assign(big=mpdta["lpop"] > mpdta["lpop"].median(),
                         big01=(mpdta["lpop"] > mpdta["lpop"].median()).astype(int))
    assert _fit(frame, covariates=("big",), method="reg").att == \
        pytest.approx(_fit(frame, covariates=("big01",), method="reg").att, abs=1e-14)


def _manual_reg_att(frame: pd.DataFrame, g: int, t: int, base: int) -> float:
    """Outcome-regression DiD (Heckman–Ichimura–Todd; DRDID::reg_did_panel) for one cell, the
    covariate taken in the earlier of the two periods, never-treated comparison."""
    wide_y = frame.pivot(index="countyreal", columns="year", values="lemp")
    wide_x = frame.pivot(index="countyreal", columns="year", values="x")
    cohort = frame.groupby("countyreal")["first.treat"].first().reindex(wide_y.index)
    change = wide_y[t] - wide_y[base]
    x = wide_x[min(t, base)]
    treated, never = (cohort == g).to_numpy(), (cohort == 0).to_numpy()
    design = np.column_stack([np.ones(len(x)), x.to_numpy()])
    beta, *_ = np.linalg.lstsq(design[never], change.to_numpy()[never], rcond=None)
    return float(change[treated].mean() - (design[treated] @ beta).mean())


def test_time_varying_covariate_uses_the_earlier_period(mpdta):
    """An independent computation of the regression estimator fixes which value of a
    time-varying covariate enters: that of the earlier period of each comparison (the base
    period; period t in universal-base pre-treatment cells), as R did's panel2cs2 keeps."""
    rng = np.random.default_rng(3)
    frame = mpdta.assign(x=mpdta["lpop"] + 0.3 * rng.normal(size=len(mpdta)))
    varying = _fit(frame, covariates=("x",), method="reg")
    assert any("change over time within units" in note for note in varying.notes)
    cells = varying.group_time.set_index(["cohort", "time"])["estimate"]
    for (g, t), estimate in cells.items():
        base = g - 1 if t >= g else t - 1
        assert estimate == pytest.approx(_manual_reg_att(frame, g, t, base), abs=1e-12), (g, t)
    universal = _fit(frame, covariates=("x",), method="reg", base_period="universal")
    cells = universal.group_time.set_index(["cohort", "time"])["estimate"]
    assert cells.loc[(2007, 2004)] == pytest.approx(_manual_reg_att(frame, 2007, 2004, 2006),
                                                    abs=1e-12)


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    from pairaid.cli.main import app as real_app

    return real_app


def test_command_covariates(app):
    base = ["event-study", "--data", str(MPDTA), "--unit", "countyreal", "--time", "year",
            "--cohort", "first.treat", "--outcome", "lemp"]
    run = runner.invoke(app, base + ["--covariates", "lpop", "--method", "ipw", "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    assert payload["covariates"] == ["lpop"]
    assert payload["aggregations"]["simple"]["estimate"] == \
        pytest.approx(-0.0417770821895945, abs=TOLERANCE)
    assert payload["pretrend_test"]["reported"] == "wild_bootstrap"
    run = runner.invoke(app, base + ["--covariates", "lpop", "--estimator", "twfe"])
    assert run.exit_code == 2 and "cs only" in run.output and "Traceback" not in run.output
    run = runner.invoke(app, base + ["--covariates", "lpop,nope"])
    assert run.exit_code == 2 and "'nope'" in run.output
