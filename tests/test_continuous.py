"""Continuous-treatment DiD: planted truth in simulated panels, equality with pyfixest and with OLS
on explicit dummies (cluster-robust errors by hand), bad input, the results object and the
`pairaid dose-response` command (registered here as the lead will in main.py)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
import typer
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from pairaid.errors import InputError
from pairaid.evaluate.continuous import (ContinuousDidError, continuous_did,
                                         ledger_intensity)
from pairaid.evaluate.continuous_results import DOSE_COLUMNS, SLOPE_TERM

SLOPE = 0.7
#: the planted effect in each dose quintile (a step pattern, not a line)
STEPS = (0.0, 0.0, 0.5, 0.5, 1.5)


def _panel(seed: int, n_units: int = 150, periods: int = 8, start: int = 4,
           untreated: float = 0.3, effect=lambda d, q: SLOPE * d, staggered: bool = False,
           rho: float = 0.0) -> pd.DataFrame:
    """Units with a dose (lognormal; a share untreated at 0), unit and year effects, AR(1)
    errors; the effect `effect(dose, quintile)` switches on at `start` (or at a unit's own
    start, 3–5, when `staggered`)."""
    rng = np.random.default_rng(seed)
    dose = np.where(rng.random(n_units) < untreated, 0.0, rng.lognormal(0.0, 0.5, n_units))
    dosed = dose > 0
    quintile = np.zeros(n_units, dtype=int)
    quintile[dosed] = pd.qcut(pd.Series(dose[dosed]).rank(method="first"), 5,
                              labels=False).to_numpy()
    first = np.where(dosed, rng.integers(3, 6, n_units) if staggered else start, 0)
    years = np.arange(periods)
    post = dosed[:, None] & (years[None, :] >= first[:, None])
    e = rng.normal(0.0, 1.0, (n_units, periods))
    for t in range(1, periods):
        e[:, t] = rho * e[:, t - 1] + np.sqrt(1 - rho ** 2) * e[:, t]
    y = (rng.normal(0, 1, (n_units, 1)) + rng.normal(0, 1, periods)[None, :]
         + effect(dose, quintile)[:, None] * post + e)
    return pd.DataFrame({"county": np.repeat([f"c{i:03d}" for i in range(n_units)], periods),
                         "year": np.tile(years + 2008, n_units), "y": y.ravel(),
                         "dose": np.repeat(dose, periods), "post": post.ravel().astype(int),
                         "cohort": np.repeat(np.where(dosed, first + 2008, 0), periods)})


def _fit(frame: pd.DataFrame, **kw):
    options = dict(outcome="y", intensity="dose", unit="county", time="year", post="post")
    return continuous_did(frame, **(options | kw))


# -- planted truth -----------------------------------------------------------------------------
def test_linear_dose_slope_recovered_within_ci_across_seeds():
    covered, estimates = 0, []
    for seed in range(12):
        result = _fit(_panel(seed, rho=0.5))
        low, high = result.conf_int().loc[SLOPE_TERM]
        covered += low <= SLOPE <= high
        estimates.append(result.slope)
    # 95 % intervals: at least 10 of 12 (P(<= 9) = 2 % if the coverage is right)
    assert covered >= 10
    assert abs(np.mean(estimates) - SLOPE) < 0.03


def test_staggered_cohort_design_recovers_the_slope():
    frame = _panel(5, n_units=300, staggered=True)
    by_cohort = _fit(frame, post=None, cohort="cohort")
    low, high = by_cohort.conf_int().loc[SLOPE_TERM]
    assert low <= SLOPE <= high
    assert by_cohort.staggered
    # post from the cohort column is the post column: the same estimate
    assert_allclose(by_cohort.slope, _fit(frame).slope, rtol=1e-10)


def test_bins_recover_a_planted_step_pattern():
    step = lambda d, q: np.where(d > 0, np.array(STEPS)[q], 0.0)  # noqa: E731
    hits, estimates = 0, []
    for seed in range(6):
        result = _fit(_panel(seed, n_units=500, effect=step), bins=5)
        frame = result.dose_response()
        dosed = frame[frame["dose_bin"] > 0]
        hits += int(((dosed["conf_low"] <= STEPS) & (STEPS <= dosed["conf_high"])).sum())
        estimates.append(dosed["estimate"].to_numpy())
    assert hits >= 0.9 * 30
    assert_allclose(np.mean(estimates, axis=0), STEPS, atol=0.08)
    # the untreated reference row, then quintiles of equal size
    assert list(frame.columns) == DOSE_COLUMNS
    assert frame.iloc[0]["dose_bin"] == 0 and frame.iloc[0]["estimate"] == 0
    assert np.isnan(frame.iloc[0]["std_error"])
    assert (frame["dose_low"].to_numpy()[1:] > 0).all()
    assert (np.diff(frame["dose_low"].to_numpy()) > 0).all()
    assert frame["n_units"].iloc[1:].max() - frame["n_units"].iloc[1:].min() <= 1


def test_without_untreated_units_the_lowest_bin_is_the_reference():
    frame = _panel(2, untreated=0.0)
    result = _fit(frame, bins=4)
    dose = result.dose_response()
    assert dose["dose_bin"].tolist() == [1, 2, 3, 4]
    assert dose.iloc[0]["estimate"] == 0 and np.isnan(dose.iloc[0]["std_error"])
    assert any("lowest dose bin" in n for n in result.notes)
    # with a linear effect the bins rise with the dose
    assert (np.diff(dose["estimate"].to_numpy()) > 0).all()


# -- smoke tests against pyfixest (the engine continuous_did wraps: they check the wrapping, not
# the numbers), and the reference: OLS on explicit dummies with hand cluster errors -----------
def test_smoke_slope_equals_pyfixest_it_wraps():
    import pyfixest as pf

    frame = _panel(11, rho=0.3)
    result = _fit(frame)
    frame = frame.assign(dp=frame["dose"] * frame["post"])
    direct = pf.feols("y ~ dp | county + year", frame, vcov={"CRV1": "county"})
    assert_allclose(result.slope, direct.coef()["dp"], rtol=1e-8)
    assert_allclose(result.slope_std_error, direct.se()["dp"], rtol=1e-8)
    assert result.df_t == frame["county"].nunique() - 1


def test_slope_equals_ols_with_dummies_and_hand_cluster_errors():
    frame = _panel(12, n_units=60, periods=6, start=3)
    result = _fit(frame)
    units = pd.get_dummies(frame["county"]).to_numpy(float)
    years = pd.get_dummies(frame["year"], drop_first=True).to_numpy(float)
    X = np.column_stack([frame["dose"] * frame["post"], units, years])
    y = frame["y"].to_numpy()
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    u = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    codes = pd.factorize(frame["county"])[0]
    scores = np.array([X[codes == g].T @ u[codes == g] for g in range(codes.max() + 1)])
    G, N = len(scores), len(y)
    # fixest CR1: G/(G-1)·(N-1)/(N-K); unit effects are nested in the clusters and do not count,
    # so K = the slope + one per period
    K = 1 + frame["year"].nunique()
    V = bread @ (scores.T @ scores) @ bread * G / (G - 1) * (N - 1) / (N - K)
    assert_allclose(result.slope, beta[0], rtol=1e-8)
    assert_allclose(result.slope_std_error, np.sqrt(V[0, 0]), rtol=1e-8)


def test_smoke_bins_equal_pyfixest_on_bin_dummies():
    """Smoke test: pyfixest is the engine wrapped."""
    import pyfixest as pf

    frame = _panel(13)
    result = _fit(frame, bins=3)
    bin_of = frame["county"].map(
        pd.Series(result.binning.bin_of.to_numpy(),
                  index=pd.factorize(frame["county"])[1]))
    dummies = {f"b{b}": ((bin_of == b) & (frame["post"] == 1)).astype(float) for b in (1, 2, 3)}
    direct = pf.feols("y ~ b1 + b2 + b3 | county + year", frame.assign(**dummies),
                      vcov={"CRV1": "county"})
    dose = result.dose_response()
    assert_allclose(dose["estimate"].to_numpy()[1:], direct.coef().to_numpy(), rtol=1e-8)
    assert_allclose(dose["std_error"].to_numpy()[1:], direct.se().to_numpy(), rtol=1e-8)


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("change, options, message", [
    (lambda f: f.assign(dose=np.where(f["dose"] > 0, 2.0, 0.0)), {}, "does not vary"),
    (lambda f: f.assign(dose=np.where(f["county"] == "c007", np.nan, f["dose"])
                        if (f.loc[f["county"] == "c007", "dose"] > 0).all()
                        else f["dose"].where(f["dose"] == 0)), {}, "missing"),
    (lambda f: f.assign(post=0), {}, "never 1"),
    (lambda f: f.assign(post=1), {}, "every row"),
    (lambda f: f, {"intensity": "funds"}, "unknown column 'funds'"),
    (lambda f: f, {"unit": "prefecture", "time": "yr"}, "unknown columns"),
    (lambda f: f.assign(dose=f["dose"] + f["year"] * (f["dose"] > 0)), {}, "changes within"),
    (lambda f: f.assign(post=f["post"] * 2), {}, "0 and 1"),
    (lambda f: f.assign(y=f["y"].astype(str)), {}, "not numeric"),
    (lambda f: f, {"cohort": "cohort"}, "not both"),
    (lambda f: f.assign(y=-1.0), {"log": True}, "log"),
    (lambda f: f.assign(y=np.nan), {}, "nothing to estimate"),
    (lambda f: f, {"bins": 0}, "at least 1"),
])
def test_bad_input_is_refused_with_a_clear_message(change, options, message):
    with pytest.raises(ContinuousDidError, match=message) as caught:
        _fit(change(_panel(3, n_units=40)), **options)
    assert isinstance(caught.value, InputError)


def test_missing_intensity_of_never_treated_units_is_fine():
    frame = _panel(4)
    frame.loc[frame["dose"] == 0, "dose"] = np.nan
    assert_allclose(_fit(frame, post=None, cohort="cohort").slope,
                    _fit(_panel(4), post=None, cohort="cohort").slope, rtol=1e-12)


# -- results object ------------------------------------------------------------------------------
def test_results_object_outputs():
    result = _fit(_panel(6), bins=4, level=0.9)
    tidy = result.tidy()
    assert tidy["term"].tolist()[0] == SLOPE_TERM and len(tidy) == 1 + 4
    assert list(result.conf_int(0.95).columns) == ["lower", "upper"]
    wider = result.dose_response(0.99)
    assert (wider["conf_high"].iloc[1:] > result.dose_response()["conf_high"].iloc[1:]).all()
    payload = json.loads(result.to_json())
    assert payload["dose_response"][0]["std_error"] is None
    assert set(payload["dose_response"][1]) == set(DOSE_COLUMNS)
    assert payload["slope"] == pytest.approx(result.slope)
    # the counts under their names (kills continuous_results to_dict 27, "nobs" renamed): the
    # panel's rows and units, counted here from the data fitted
    panel = _panel(6)
    assert (payload["nobs"], payload["units"]) == (len(panel), panel["county"].nunique())
    text = result.interpretation
    assert "strong" in text and "Callaway" in text and "weighted average" in text
    assert "causal" in text
    assert "<table" in result._repr_html_() and str(result) == result.summary
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.slope = 0.0


def test_few_clusters_note_and_wild_bootstrap():
    frame = _panel(8, n_units=30)
    plain = _fit(frame)
    assert any("wild cluster bootstrap" in n for n in plain.notes)
    booted = _fit(frame, wild_bootstrap=199, seed=1)
    assert booted.wild_bootstrap is not None
    t_hand, p_hand, factor = _wild_cluster_restricted_by_hand(frame, reps=999, seed=0)
    # same studentised statistic (CR1 with K counting the fixed effects, as wildboottest does)
    assert booted.wild_bootstrap.statistic == pytest.approx(t_hand / factor, rel=1e-8)
    # Monte Carlo standard errors 0.031 (199 draws) and 0.014 (999): 0.1 is about 3 of them
    assert booted.wild_bootstrap.p_value == pytest.approx(p_hand, abs=0.1)
    assert "Wild cluster bootstrap" in booted.summary


def _wild_cluster_restricted_by_hand(frame: pd.DataFrame, reps: int, seed: int):
    """WCR bootstrap (Roodman et al. 2019, Stata J. 19(1)) of y ~ dose·post | county + year on a
    balanced panel, in numpy: the null β = 0 imposed, Rademacher weights per county, |t*| ≥ |t|.
    Returns (t without small-sample factor, p-value, the CR1 factor with K = 1 + FE)."""
    unit = pd.factorize(frame["county"])[0]
    year = pd.factorize(frame["year"])[0]

    def demean(v):  # two-way within transformation, exact on a balanced panel
        return (v - np.bincount(unit, v)[unit] / np.bincount(unit)[unit]
                - np.bincount(year, v)[year] / np.bincount(year)[year] + v.mean())

    x = demean((frame["dose"] * frame["post"]).to_numpy(float))
    y = frame["y"].to_numpy(float)
    restricted = demean(y)
    fitted = y - restricted

    def t_stat(v):
        within = demean(v)
        b = x @ within / (x @ x)
        scores = np.bincount(unit, x * (within - x * b))
        return b / np.sqrt((scores ** 2).sum()) * (x @ x)

    observed = t_stat(y)
    rng = np.random.default_rng(seed)
    draws = np.array([t_stat(fitted + restricted * rng.choice([-1.0, 1.0], unit.max() + 1)[unit])
                      for _ in range(reps)])
    n, g = len(y), unit.max() + 1
    k = 1 + g + (year.max() + 1) - 1
    factor = np.sqrt(g / (g - 1) * (n - 1) / (n - k))
    return observed, float(np.mean(np.abs(draws) >= abs(observed))), factor


def test_ledger_intensity_averages_the_first_pairing_years():
    frame = pd.DataFrame({"unit": ["a"] * 5 + ["b"] * 5 + ["c"] * 5,
                          "year": list(range(2010, 2015)) * 3,
                          "funds_per_capita": [0, 0, 10, 20, 90] + [0, 30, 40, 50, 60] + [0] * 5,
                          "first_paired_year": [2012] * 5 + [2011] * 5 + [pd.NA] * 5})
    out = ledger_intensity(frame, years=2)
    assert out.groupby("unit")["intensity"].first().tolist() == [15.0, 35.0, 0.0]
    assert out.loc[out["unit"] == "a", "post"].tolist() == [0, 0, 1, 1, 1]
    assert out.loc[out["unit"] == "c", "post"].sum() == 0


# -- command line ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app() -> typer.Typer:
    from pairaid.cli.dose_response import dose_response

    app = typer.Typer()
    app.command("dose-response")(dose_response)
    app.command("noop")(lambda: None)  # two commands: typer keeps the sub-command name
    return app


def test_cli_on_a_table(app, tmp_path):
    path = tmp_path / "panel.csv"
    _panel(9).to_csv(path, index=False)
    runner = CliRunner()
    args = ["dose-response", "--data", str(path), "--unit", "county", "--time", "year",
            "--outcome", "y", "--intensity", "dose", "--cohort", "cohort", "--bins", "4"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "Dose response" in shown.output and SLOPE_TERM in shown.output
    as_json = runner.invoke(app, args + ["--json"])
    payload = json.loads(as_json.stdout)
    assert len(payload["dose_response"]) == 5 and "design_warnings" in payload
    bad = runner.invoke(app, args[:-6] + ["--intensity", "nope", "--cohort", "cohort"])
    assert bad.exit_code == 2 and "nope" in bad.output


def test_cli_on_the_ledger_uses_the_ledger_bridge(app, monkeypatch):
    """--db: intensity and post come from `ledger_intensity` (a stand-in panel; the demo ledger
    takes longer to build than this file may run), the store is closed, design warnings come
    from first_paired_year."""
    from types import SimpleNamespace

    import pairaid.api
    import pairaid.cli.console as console
    from pairaid.evaluate.design import design_warnings

    table = _panel(5, n_units=60)
    funds = table["dose"].where(table["post"] == 1, 0.0)
    frame = pd.DataFrame({"unit": table["county"], "year": table["year"], "y": table["y"] + 10,
                          "funds_per_capita": funds,
                          "first_paired_year": table["cohort"].replace(0, np.nan)})
    closed = []
    # the CLI opens ledgers through cli/console.open_ledger (looked up when the command runs)
    monkeypatch.setattr(console, "open_ledger",
                        lambda db, create=False: SimpleNamespace(close=lambda: closed.append(1)))
    # the command runs the Python API's dose_response (pairaid.api.Ledger) on this panel
    monkeypatch.setattr(pairaid.api.Ledger, "panel",
                        lambda self, level="county", *rest: SimpleNamespace(
                            frame=frame, synthetic=True, coverage=None))
    monkeypatch.setattr(pairaid.api.Ledger, "coverage", lambda self, *years: None)
    runner = CliRunner()
    run = runner.invoke(app, ["dose-response", "--db", "ledger.db", "--outcome", "y", "--log",
                              "drop", "--intensity-years", "2", "--bins", "3", "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    expected = continuous_did(ledger_intensity(frame, years=2), outcome="y",
                              intensity="intensity", unit="unit", time="year", post="post",
                              bins=3, log=True, synthetic=True)
    assert payload["slope"] == pytest.approx(expected.slope, rel=1e-12) and closed == [1]
    assert payload["design_warnings"] == design_warnings(frame, outcome="y")
    bad = runner.invoke(app, ["dose-response", "--db", "ledger.db", "--post", "post"])
    assert bad.exit_code == 2 and "are for --data" in bad.output
