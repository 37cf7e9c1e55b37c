"""Gardner's two-stage DiD: R did2s's numbers (via pyfixest's test data), the textbook GMM
formula with explicit dummies, pyfixest where it runs, and the `event-study --estimator did2s`
command (sources of the numbers: reference/did/README.md)."""

from __future__ import annotations

import json
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from pairaid.evaluate.did import event_study, prepare
from pairaid.evaluate.did2s import did2s, did2s_fit

REFERENCE = Path(__file__).parent / "reference" / "did"
MPDTA = REFERENCE / "mpdta.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def df_het() -> pd.DataFrame:
    """pyfixest's copy of R did2s's simulated `df_het` (46,500 rows; sha256 in the README)."""
    return pd.read_csv(resources.files("pyfixest") / "did" / "data" / "df_het.csv")


@pytest.fixture(scope="module")
def r_did2s() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "did2s_df_het_r.csv")


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(MPDTA)


def test_static_att_matches_r_did2s(df_het, r_did2s):
    """did2s(df_het, first_stage = ~ 0 | state + year, second_stage = ~ i(treat, ref = FALSE),
    treatment = "treat", cluster_var = "state")."""
    fit = did2s_fit(df_het["dep_var"], df_het["state"], df_het["year"], df_het["treat"],
                    df_het["treat"].astype(float), df_het["state"])
    expected = r_did2s[r_did2s["model"] == "model1"].iloc[0]
    assert_allclose(fit.coef[0], expected["estimate"], rtol=0, atol=1e-10)
    assert_allclose(fit.std_errors[0], expected["std_error"], rtol=0, atol=1e-10)


def test_event_study_matches_r_did2s(df_het, r_did2s):
    """second_stage = ~ i(rel_year, ref = c(-1)): one dummy per relative year, the
    never-treated (rel_year = -Inf) included as a level, -1 left out."""
    expected = r_did2s[r_did2s["model"] == "model2"]
    levels = [float(t.split("::")[1]) for t in expected["term"]]
    design = np.column_stack([(df_het["rel_year"] == lv).to_numpy(float) for lv in levels])
    fit = did2s_fit(df_het["dep_var"], df_het["state"], df_het["year"], df_het["treat"],
                    design, df_het["state"])
    assert_allclose(fit.coef, expected["estimate"], rtol=0, atol=1e-10)
    assert_allclose(fit.std_errors, expected["std_error"], rtol=0, atol=1e-10)


def _textbook(frame: pd.DataFrame, design: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stage 1 by least squares on explicit unit and year dummies, then the GMM sandwich
    with dense matrices, clustered by unit (Butts and Gardner 2022)."""
    data = prepare(frame, outcome="lemp", unit="countyreal", time="year",
                   cohort="first.treat").frame
    treated = (data["cohort"].notna() & (data["time"] >= data["cohort"])).to_numpy()
    X1 = np.column_stack([pd.get_dummies(data["unit"]).to_numpy(float),
                          pd.get_dummies(data["time"]).to_numpy(float)[:, 1:]])
    X10 = X1 * (~treated)[:, None]
    y = data["y"].to_numpy()
    normal = X10.T @ X10  # full rank: every unit has an untreated year
    gamma = np.linalg.solve(normal, X10.T @ y)
    u1 = y - X1 @ gamma
    X2 = design(data, treated)
    beta = np.linalg.solve(X2.T @ X2, X2.T @ u1)
    u2 = u1 - X2 @ beta
    V = X2.T @ X1 @ np.linalg.inv(normal)
    # W_g = X2_g'u2_g - V X10_g'u1_g, summed row by row within each unit
    W = pd.DataFrame(X2 * u2[:, None] - (X10 * u1[:, None]) @ V.T).groupby(
        data["unit"].to_numpy()).sum().to_numpy()
    meat = W.T @ W
    bread = np.linalg.inv(X2.T @ X2)
    return beta, np.sqrt(np.diag(bread @ meat @ bread))


def test_equals_the_textbook_formula_on_mpdta_with_singleton_units(mpdta):
    """The 2004 cohort has one untreated year: its unit effect is fitted exactly (R fixest
    keeps such units; pyfixest drops them and fails). A fifth of the counties and the whole
    2004 cohort keep the dense algebra quick."""
    mpdta = mpdta[(mpdta["countyreal"] % 5 == 0) | (mpdta["first.treat"] == 2004)]
    result = did2s(mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat")
    assert result.cohorts == (2004, 2006, 2007) and result.n_never_treated > 30
    beta, se = _textbook(mpdta, lambda d, treated: treated[:, None].astype(float))
    assert_allclose([result.att, result.att_std_error], [beta[0], se[0]], rtol=0, atol=1e-12)
    events = result.event_time["event_time"].to_numpy()

    def event_dummies(data, treated):
        relative = (data["time"] - data["cohort"]).to_numpy()
        return np.column_stack([(relative == e).astype(float) for e in events])

    beta, se = _textbook(mpdta, event_dummies)
    assert_allclose(result.event_time["estimate"], beta, rtol=0, atol=1e-12)
    assert_allclose(result.event_time["std_error"], se, rtol=0, atol=1e-12)


def test_agrees_with_pyfixest_where_pyfixest_runs(mpdta):
    """Without the singleton cohort pyfixest runs; its first stage is iterative (tolerance
    ~1e-6), ours solves the normal equations exactly."""
    import pyfixest as pf

    sample = mpdta[(mpdta["first.treat"] != 2004) & (mpdta["countyreal"] < 30000)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.event_study(sample, yname="lemp", idname="countyreal", tname="year",
                             gname="first.treat", estimator="did2s")
    ours = did2s(sample, outcome="lemp", unit="countyreal", time="year", cohort="first.treat")
    assert_allclose(ours.att, float(fit.coef().iloc[0]), rtol=0, atol=2e-5)
    assert_allclose(ours.att_std_error, float(fit.se().iloc[0]), rtol=1e-3)


def test_static_att_is_the_treated_weighted_event_path(mpdta):
    result = did2s(mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat")
    data = prepare(mpdta, outcome="lemp", unit="countyreal", time="year",
                   cohort="first.treat").frame
    relative = (data["time"] - data["cohort"]).dropna()
    post = result.event_time[result.event_time["event_time"] >= 0]
    counts = post["event_time"].map(relative.value_counts()).to_numpy(float)
    assert_allclose(result.att, counts @ post["estimate"] / counts.sum(), atol=1e-14)
    cells = result.group_time
    assert (cells["time"] >= cells["cohort"]).all()
    assert set(result.aggregations) == {"simple", "group", "dynamic", "calendar"}


def _panel(n_units: int = 120, seed: int = 0, never: bool = True) -> pd.DataFrame:
    """Cohorts 2013 / 2015 (/ never): effect 1 + 0.5·(event time), the same in every cohort."""
    rng = np.random.default_rng(seed)
    cohort = np.array([2013, 2015, 0, 0] if never else [2013, 2015])[
        np.arange(n_units) % (4 if never else 2)]
    rows = []
    for unit in range(n_units):
        level = rng.normal()
        for year in range(2010, 2018):
            treated = cohort[unit] and year >= cohort[unit]
            effect = (1 + 0.5 * (year - cohort[unit])) if treated else 0.0
            rows.append((f"u{unit}", year, cohort[unit],
                         level + 0.1 * (year - 2010) + effect + rng.normal(scale=0.1)))
    return pd.DataFrame(rows, columns=["county", "year", "start", "y"])


def test_recovers_a_known_dynamic_effect_through_the_entry_point():
    result = event_study(_panel(), outcome="y", unit="county", time="year", cohort="start",
                         estimator="did2s")
    assert result.estimator == "did2s" and result.control == "notyet"
    events = result.event_time.set_index("event_time")["estimate"]
    assert_allclose(events.loc[[0, 1, 2]], [1.0, 1.5, 2.0], atol=0.05)
    assert_allclose(events.loc[[-3, -2]], 0, atol=0.05)
    assert result.pretrend.p_value > 0.01
    assert "Gardner two-stage" in result.summary
    assert any("never- and not-yet-treated" in note for note in result.notes)


def test_without_never_treated_drops_the_all_treated_periods():
    result = event_study(_panel(never=False), outcome="y", unit="county", time="year",
                         cohort="start", estimator="did2s")  # --control never needs none
    assert result.periods == (2010, 2014)
    assert any("2015, 2016, 2017 were dropped" in note for note in result.notes)
    events = result.event_time.set_index("event_time")["estimate"]
    assert_allclose(events.loc[[0, 1]], [1.0, 1.5], atol=0.05)


def test_command_runs_did2s_on_mpdta():
    from pairaid.cli.main import app

    run = runner.invoke(app, ["event-study", "--data", str(MPDTA), "--unit", "countyreal",
                              "--time", "year", "--cohort", "first.treat", "--outcome", "lemp",
                              "--estimator", "did2s", "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    assert payload["estimator"] == "did2s"
    assert payload["aggregations"]["simple"]["estimate"] == pytest.approx(
        _gardner_static_att_by_hand(pd.read_csv(MPDTA)), abs=1e-10)  # −0.04771
    assert payload["pretrend_test"]["df"] == 3


def _gardner_static_att_by_hand(d: pd.DataFrame) -> float:
    """Gardner (2021) with explicit dummies: stage 1 fits county and year effects by least squares
    on the untreated rows (never treated, or before `first.treat`); stage 2 regresses the outcome
    net of them on the treatment dummy alone, whose coefficient is the mean over treated rows."""
    treated = ((d["first.treat"] > 0) & (d["year"] >= d["first.treat"])).to_numpy()
    X = np.column_stack([pd.get_dummies(d["countyreal"]).to_numpy(float),
                         pd.get_dummies(d["year"]).to_numpy(float)[:, 1:]])
    y = d["lemp"].to_numpy()
    effects, *_ = np.linalg.lstsq(X[~treated], y[~treated], rcond=None)
    return float((y - X @ effects)[treated].mean())
