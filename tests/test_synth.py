"""Synthetic control and HCW: planted truth in factor models, equivalence with independent
computations, placebo inference, the results object, bad input and the `pairaid synth` command
(registered here as the lead will in main.py)."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import optimize
from typer.testing import CliRunner

from pairaid.errors import InputError
from pairaid.evaluate.synth import (
    Predictor,
    SynthError,
    information_criterion,
    simplex_weights,
    synthetic_control,
)
from pairaid.provenance import SYNTHETIC_NOTE

runner = CliRunner()


def _factor_panel(n_donors=20, periods=30, treat_at=20, effect=2.0, noise=0.02, seed=0,
                  convex=True):
    """Donors from a 3-factor model; the treated unit is 0.5·d1 + 0.3·d2 + 0.2·d3 (convex) or
    an affine mix with an intercept (for HCW), plus `effect` from `treat_at` on."""
    rng = np.random.default_rng(seed)
    factors = np.cumsum(rng.normal(size=(periods, 3)), axis=0)
    loadings = rng.normal(size=(3, n_donors))
    donors = 10 + factors @ loadings + rng.normal(scale=0.5, size=(periods, n_donors))
    weights = np.zeros(n_donors)
    weights[:3] = [0.5, 0.3, 0.2] if convex else [0.8, -0.4, 0.6]
    untreated = (0 if convex else 1.5) + donors @ weights
    treated = untreated + rng.normal(scale=noise, size=periods)
    times = np.arange(2000, 2000 + periods)
    treated = treated + effect * (times >= 2000 + treat_at)
    rows = [(f"d{j:02d}", t, donors[i, j]) for j in range(n_donors) for i, t in enumerate(times)]
    rows += [("T", t, treated[i]) for i, t in enumerate(times)]
    frame = pd.DataFrame(rows, columns=["region", "year", "y"])
    return frame, weights, untreated, times


# -- planted truth -------------------------------------------------------------------------------
def test_synthetic_control_recovers_planted_weights_and_effect():
    frame, weights, untreated, times = _factor_panel()
    result = synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                               treat_time=2020, placebos=False)
    got = result.weights().set_index("unit")["weight"]
    # 20 pre-periods cannot pin down 20 weights exactly: other donors share the factors
    assert_allclose(got[["d00", "d01", "d02"]], [0.5, 0.3, 0.2], atol=0.05)
    assert got[["d00", "d01", "d02"]].sum() > 0.9
    assert_allclose(got.sum(), 1.0, atol=1e-12)
    assert (got >= 0).all()
    assert abs(result.effect - 2.0) < 0.05
    assert result.pre_rmspe < 0.05
    post = times >= 2020
    assert np.sqrt(np.mean((result.counterfactual[post] - untreated[post]) ** 2)) < 0.1


def test_hcw_recovers_planted_effect_and_counterfactual():
    frame, _, untreated, times = _factor_panel(n_donors=8, convex=False, effect=1.5, seed=3)
    result = synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                               treat_time=2020, method="hcw", placebos=False)
    assert {"d00", "d01", "d02"} <= set(result.donors)
    assert abs(result.effect - 1.5) < 0.05
    post = times >= 2020
    assert np.sqrt(np.mean((result.counterfactual[post] - untreated[post]) ** 2)) < 0.1
    assert result.r2 > 0.99


# -- equivalence with independent computations ---------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_simplex_weights_equal_a_general_constrained_solver(seed):
    rng = np.random.default_rng(seed)
    x0 = rng.normal(size=(12, 7))
    x1 = rng.normal(size=12)
    v = rng.uniform(0.1, 1, size=12)
    w = simplex_weights(x1, x0, v)

    def objective(u):
        r = x1 - x0 @ u
        return r @ (v * r)

    ref = optimize.minimize(objective, np.full(7, 1 / 7), method="SLSQP", bounds=[(0, 1)] * 7,
                            constraints={"type": "eq", "fun": lambda u: u.sum() - 1},
                            options={"ftol": 1e-14, "maxiter": 500})
    assert_allclose(w.sum(), 1, atol=1e-12)
    assert (w >= 0).all()
    assert objective(w) <= ref.fun + 1e-9
    assert_allclose(w, ref.x, atol=1e-5)


FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 1000), shift=st.floats(-50, 50))
def test_weights_are_a_convex_combination_and_do_not_depend_on_the_unit(seed, scale, shift):
    frame, _, _, _ = _factor_panel(n_donors=5, periods=10, treat_at=6, seed=seed)
    common = dict(outcome="y", unit="region", time="year", treated="T", treat_time=2006,
                  placebos=False)
    base = synthetic_control(frame, **common)
    w = base.weights()["weight"].to_numpy()
    assert (w >= 0).all() and abs(w.sum() - 1) < 1e-9
    rescaled = synthetic_control(frame.assign(y=frame["y"] * scale + shift), **common)
    # a change of unit (and of origin: the weights sum to one) moves no weight
    assert_allclose(rescaled.weights()["weight"], w, atol=1e-6)
    assert_allclose(rescaled.effect, base.effect * scale, rtol=1e-5, atol=1e-6 * scale)


def test_hcw_equals_statsmodels_ols_and_aicc_by_hand():
    sm = pytest.importorskip("statsmodels.api")
    frame, _, _, _ = _factor_panel(n_donors=6, convex=False, seed=5, noise=0.3)
    result = synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                               treat_time=2020, method="hcw", placebos=False)
    wide = frame.pivot(index="year", columns="region", values="y")
    pre = wide.index < 2020
    y = wide.loc[pre, "T"].to_numpy()
    fit = sm.OLS(y, sm.add_constant(wide.loc[pre, list(result.donors)].to_numpy())).fit()
    assert_allclose(result.tidy()["estimate"], fit.params, rtol=1e-10)
    assert_allclose(result.tidy()["std_error"], fit.bse, rtol=1e-10)
    assert_allclose(result.r2, fit.rsquared, rtol=1e-12)
    n, k = len(y), len(result.donors) + 2
    by_hand = n * np.log(fit.ssr / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)
    assert_allclose(result.criterion_value, by_hand, rtol=1e-12)
    # HCW's two steps by brute force: best R² per size, then the smallest AICc across sizes
    candidates = [c for c in wide.columns if c != "T"]
    best = {}
    for size in range(1, min(len(candidates), n - 4) + 1):
        scored = [(_ssr(y, wide.loc[pre, list(s)].to_numpy()), s)
                  for s in combinations(candidates, size)]
        ssr, subset = min(scored)
        best[size] = (information_criterion(ssr, n, size, "aicc"), subset)
    assert set(min(best.values())[1]) == set(result.donors)


def _ssr(y, x):
    design = np.column_stack([np.ones(len(y)), x])
    resid = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    return float(resid @ resid)


def test_forward_selection_agrees_with_exhaustive_on_a_clear_case():
    frame, _, _, _ = _factor_panel(n_donors=8, convex=False, seed=3)
    common = dict(outcome="y", unit="region", time="year", treated="T", treat_time=2020,
                  method="hcw", placebos=False)
    forward = synthetic_control(frame, selection="forward", **common)
    exhaustive = synthetic_control(frame, selection="exhaustive", **common)
    assert forward.search == "forward" and exhaustive.search == "exhaustive"
    assert set(forward.donors) == set(exhaustive.donors)


def test_predictors_with_fixed_identity_v_equal_outcome_lags():
    frame, _, _, _ = _factor_panel(n_donors=6, periods=12, treat_at=8)
    wide = frame.pivot(index="region", columns="year", values="y")
    lagged = frame.merge(wide.add_prefix("y_").reset_index(), on="region")
    predictors = [Predictor(f"y_{t}", (t,)) for t in range(2000, 2008)]
    by_lags = synthetic_control(lagged, outcome="y", unit="region", time="year", treated="T",
                                treat_time=2008, predictors=predictors, v=np.ones(8),
                                placebos=False)
    direct = synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                               treat_time=2008, placebos=False)
    # scaling each predictor by its spread changes the metric: same fit quality, not weights
    assert by_lags.pre_rmspe < 0.1 and direct.pre_rmspe < 0.1
    assert_allclose(by_lags.balance()["v"], np.full(8, 1 / 8))


def test_more_v_starts_never_fit_worse():
    frame, _, _, _ = _factor_panel(n_donors=8, periods=14, treat_at=10, seed=4)
    wide = frame.pivot(index="region", columns="year", values="y")
    covariates = frame.merge((wide[[2000, 2004, 2008]] ** 2 / 50).add_prefix("c_").reset_index(),
                             on="region")
    predictors = [Predictor("y"), *(Predictor(f"c_{t}", (t,)) for t in (2000, 2004, 2008))]
    common = dict(outcome="y", unit="region", time="year", treated="T", treat_time=2010,
                  predictors=predictors, placebos=False)
    default = synthetic_control(covariates, **common)
    wider = synthetic_control(covariates, v_restarts=2, **common)
    assert wider.pre_rmspe <= default.pre_rmspe + 1e-12
    assert_allclose(default.balance()["v"].sum(), 1.0)


# -- placebos -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def with_placebos():
    frame, _, _, _ = _factor_panel(n_donors=9, effect=3.0, seed=1)
    return synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                             treat_time=2020)


def test_placebo_p_value_is_the_rank_of_the_treated_ratio(with_placebos):
    table = with_placebos.placebos()
    assert list(table.columns) == ["unit", "pre_rmspe", "post_rmspe", "ratio", "kept"]
    assert table["unit"].iloc[0] == "T" and len(table) == 10
    assert_allclose(table["ratio"], table["post_rmspe"] / table["pre_rmspe"])
    rank = int((table["ratio"] >= table["ratio"].iloc[0]).sum())
    assert with_placebos.p_value == rank / 10
    assert with_placebos.p_value == pytest.approx(0.1)  # a 3-unit effect ranks first
    paths = with_placebos.placebo_paths()
    assert set(paths.columns) == {"time", "unit", "gap", "treated_unit"}
    assert len(paths) == 10 * 30 and paths["treated_unit"].sum() == 30
    assert_allclose(paths[paths["treated_unit"]]["gap"], with_placebos.gap)


def test_placebo_cutoff_leaves_out_poorly_fitted_placebos():
    frame, _, _, _ = _factor_panel(n_donors=9, effect=3.0, seed=1)
    result = synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                               treat_time=2020, placebo_cutoff=5)
    table = result.placebos()
    treated_mspe = table["pre_rmspe"].iloc[0] ** 2
    assert (table["kept"] == (table["pre_rmspe"] ** 2 <= 5 * treated_mspe)).all()
    assert result.placebo.n_units == table["kept"].sum()
    assert result.p_value == result.placebo.rank / result.placebo.n_units


# -- results object -------------------------------------------------------------------------------
def test_path_weights_json_and_display(with_placebos):
    path = with_placebos.path()
    assert list(path.columns) == ["time", "actual", "counterfactual", "gap", "treated"]
    assert_allclose(path["gap"], path["actual"] - path["counterfactual"])
    assert_allclose(with_placebos.effect, path.loc[path["treated"], "gap"].mean())
    payload = json.loads(with_placebos.to_json())
    for key in ("method", "effect", "path", "weights", "placebos", "interpretation",
                "provenance", "pre_rmspe", "post_rmspe"):
        assert key in payload, key
    assert {"time", "actual", "counterfactual", "gap"} <= set(payload["path"][0])
    assert set(payload["placebos"]) >= {"p_value", "table", "paths"}
    assert len(payload["placebos"]["paths"]) == 10
    assert "causal effect of the treatment only if" in with_placebos.interpretation
    assert "not an effect" in with_placebos.interpretation
    assert "Synthetic control" in str(with_placebos)
    assert "<table" in with_placebos._repr_html_()
    with pytest.raises(ValueError, match="placebo"):
        with_placebos.conf_int()


def test_hcw_conf_int_and_synthetic_flag():
    frame, _, _, _ = _factor_panel(n_donors=6, convex=False, seed=2)
    result = synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                               treat_time=2020, method="hcw", placebos=False, synthetic=True)
    ci = result.conf_int(0.9)
    tidy = result.tidy().set_index("term")
    assert ((ci["lower"] < tidy["estimate"]) & (tidy["estimate"] < ci["upper"])).all()
    assert result.summary.startswith(SYNTHETIC_NOTE)
    assert SYNTHETIC_NOTE in json.loads(result.to_json())["notes"]
    assert "coefficient" in result.weights().columns


# -- bad input ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small():
    frame, _, _, _ = _factor_panel(n_donors=5, periods=10, treat_at=6)
    return frame


@pytest.mark.parametrize("options, message", [
    ({"treated": "Z"}, "treated region 'Z' is not in the data"),
    ({"treat_time": 2030}, "outside the periods"),
    ({"treat_time": 2000}, "outside the periods"),
    ({"treat_time": 2001}, "at least 2 pre-treatment periods"),
    ({"donors": []}, "donor pool is empty"),
    ({"donors": ["d01", "nowhere"]}, "not in the data: 'nowhere'"),
    ({"donors": ["T", "d01"]}, "cannot also be a donor"),
    ({"method": "did"}, "method 'did'"),
    ({"method": "hcw", "predictors": ["y"]}, "predictors and V belong"),
    ({"outcome": "missing"}, "unknown column 'missing'"),
    ({"predictors": [Predictor("y", (1990,))]}, "predictor 'y \\(1990\\)' has no value"),
    ({"predictors": [Predictor("y", (2005, 2006))]}, "must come before treat time 2006"),
])
def test_bad_input_names_the_problem(small, options, message):
    arguments = dict(outcome="y", unit="region", time="year", treated="T", treat_time=2006)
    arguments.update(options)
    with pytest.raises(SynthError, match=message) as caught:
        synthetic_control(small, **arguments)
    assert isinstance(caught.value, InputError)


def test_donors_with_missing_pre_period_outcome_are_named(small):
    frame = small.copy()
    frame.loc[(frame["region"] == "d03") & (frame["year"] == 2002), "y"] = np.nan
    with pytest.raises(SynthError, match=r"1 donor with missing y before treat time 2006: "
                                         r"'d03' \(2002\)"):
        synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                          treat_time=2006)
    kept = synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                             treat_time=2006, drop_incomplete_donors=True, placebos=False)
    assert "d03" not in kept.candidate_donors and "d03" in kept.notes[0]


def test_non_numeric_outcome_is_refused(small):
    frame = small.astype({"y": object})
    frame.loc[3, "y"] = "n/a"
    with pytest.raises(SynthError, match=r"outcome column 'y' is not numeric \(e.g. 'n/a'\)"):
        synthetic_control(frame, outcome="y", unit="region", time="year", treated="T",
                          treat_time=2006)


def test_too_few_pre_periods_for_hcw_aicc(small):
    with pytest.raises(SynthError, match="too few for HCW"):
        synthetic_control(small, outcome="y", unit="region", time="year", treated="T",
                          treat_time=2004, method="hcw")


# -- command line ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The real command line when `synth` is registered there, else the command on its own."""
    from pairaid.cli.main import app as real_app

    if any(c.name == "synth" for c in real_app.registered_commands):
        return real_app
    from pairaid.cli.synth import synth

    local = typer.Typer()
    local.callback()(lambda: None)
    local.command("synth")(synth)
    return local


def test_cli_data_json_and_bad_input(app, tmp_path: Path):
    frame, _, _, _ = _factor_panel(n_donors=6, effect=2.0)
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    run = runner.invoke(app, ["synth", "--data", str(path), "--unit", "region", "--time", "year",
                              "--outcome", "y", "--treated", "T", "--treat-time", "2020",
                              "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.output)
    assert payload["method"] == "sc" and abs(payload["effect"] - 2.0) < 0.1
    run = runner.invoke(app, ["synth", "--data", str(path), "--unit", "region", "--time", "year",
                              "--outcome", "y", "--treated", "T", "--treat-time", "2020",
                              "--method", "hcw", "--donors", "d00,d01,d02,d03", "--no-placebos"])
    assert run.exit_code == 0, run.output
    assert "Hsiao, Ching and Wan" in run.output
    run = runner.invoke(app, ["synth", "--data", str(path), "--unit", "region", "--time", "year",
                              "--outcome", "y", "--treated", "Q", "--treat-time", "2020"])
    assert run.exit_code == 2
    assert "treated region 'Q' is not in the data" in run.output
    run = runner.invoke(app, ["synth", "--data", str(path), "--unit", "region", "--outcome", "y",
                              "--treated", "T"])
    assert run.exit_code == 2 and "--treat-time is required" in run.output


def test_cli_ledger_defaults_to_never_paired_donors(app, monkeypatch):
    """--db: treat time = first_paired_year, donors = units never paired (a stand-in panel; the
    demo ledger takes longer to build than this whole file may run)."""
    from types import SimpleNamespace

    import pairaid.api
    import pairaid.cli.console as console

    frame, _, _, _ = _factor_panel(n_donors=8, effect=2.0)
    frame = frame.rename(columns={"region": "unit"})
    first = {"T": 2020, "d06": 2012, "d07": 2016}  # d06 and d07 were paired: not donors
    frame["first_paired_year"] = pd.array(frame["unit"].map(first), dtype="Int64")
    closed = []
    # the CLI opens ledgers through cli/console.open_ledger (looked up when the command runs)
    monkeypatch.setattr(console, "open_ledger",
                        lambda db, create=False: SimpleNamespace(close=lambda: closed.append(1)))
    # the command runs the Python API's synth (pairaid.api.Ledger) on this panel
    monkeypatch.setattr(pairaid.api.Ledger, "panel",
                        lambda self, level="county", *rest: SimpleNamespace(
                            frame=frame, synthetic=True, coverage=None))
    run = runner.invoke(app, ["synth", "--db", "ledger.db", "--outcome", "y", "--treated", "T",
                              "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.output)
    assert payload["treat_time"] == 2020 and closed == [1]
    assert payload["candidate_donors"] == [f"d{j:02d}" for j in range(6)]
    assert SYNTHETIC_NOTE in payload["notes"]
    assert abs(payload["effect"] - 2.0) < 0.1
    run = runner.invoke(app, ["synth", "--db", "ledger.db", "--outcome", "y", "--treated", "d01"])
    assert run.exit_code == 2 and "never paired: give --treat-time" in run.output
