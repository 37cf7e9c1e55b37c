"""Goodman-Bacon decomposition: R bacondecomp on the castle-doctrine data, Stata bacondecomp on a
three-unit panel, the exact-sum identity on random panels and mpdta, each 2×2 against its own
regression, the results object and `pairaid event-study --estimator twfe --bacon`
(sources: reference/did/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from pairaid.evaluate.bacon import BaconDecomposition, bacon_decomposition
from pairaid.evaluate.did import DidError

REFERENCE = Path(__file__).parent / "reference" / "did"
runner = CliRunner()

# R bacondecomp: bacon(l_homicide ~ post, data = bacondecomp::castle, id_var = "state",
# time_var = "year") prints type / weight / avg_est to 5 decimals
R_CASTLE_BY_TYPE = {"earlier_vs_later": (0.05976, -0.00554),
                    "later_vs_earlier": (0.03190, 0.07032),
                    "treated_vs_never": (0.90834, 0.08796)}
R_CASTLE_TWFE = 0.08181162  # sum(df_bacon$estimate * df_bacon$weight), printed


def _twfe_by_dummies(frame: pd.DataFrame, unit: str, time: str, cohort: str,
                     y: str) -> float:
    """The static TWFE coefficient by OLS on the treatment and explicit period dummies after
    removing unit means (Frisch–Waugh for the unit dummies; no balance needed)."""
    g = frame[cohort].where(frame[cohort] > 0)
    X = np.column_stack([(frame[time] >= g).to_numpy(float),
                         pd.get_dummies(frame[time]).to_numpy(float)[:, 1:]])
    target = frame[y].to_numpy(float)
    groups = frame[unit].to_numpy()
    X = X - pd.DataFrame(X).groupby(groups).transform("mean").to_numpy()
    target = target - pd.Series(target).groupby(groups).transform("mean").to_numpy()
    return float(np.linalg.lstsq(X, target, rcond=None)[0][0])


@pytest.fixture(scope="module")
def castle() -> BaconDecomposition:
    frame = pd.read_csv(REFERENCE / "castle.csv")
    return bacon_decomposition(frame, outcome="l_homicide", unit="sid", time="year",
                               cohort="effyear")


def test_castle_matches_r_bacondecomp(castle):
    by_type = castle.by_type().set_index("type")
    for kind, (weight, estimate) in R_CASTLE_BY_TYPE.items():
        assert_allclose(by_type.loc[kind, "weight"], weight, rtol=0, atol=5e-6, err_msg=kind)
        assert_allclose(by_type.loc[kind, "estimate"], estimate, rtol=0, atol=5e-6,
                        err_msg=kind)
    assert_allclose(castle.twfe_estimate, R_CASTLE_TWFE, rtol=0, atol=5e-9)
    assert_allclose(castle.weighted_sum, castle.twfe_estimate, rtol=0, atol=1e-12)
    assert len(castle.comparisons) == 25  # 5 cohorts: 5 vs never + 2 × 10 timing pairs


def _three_units() -> pd.DataFrame:
    """Unit 1 never treated; unit 2 treated from t = 5 (effect 2), unit 3 from t = 8
    (effect 4); no noise, t = 1…10."""
    rows = [(i, t, g, float((t >= g) * effect) if g else 0.0)
            for i, g, effect in ((1, 0, 0), (2, 5, 2), (3, 8, 4)) for t in range(1, 11)]
    return pd.DataFrame(rows, columns=["id", "t", "g", "Y"])


def test_three_unit_panel_matches_stata_bacondecomp_and_hand_computation():
    """Stata prints TWFE 2.909, weights 0.182 / 0.136 / 0.682 and average 2×2s 2.000 /
    4.000 / 2.933; by hand these are 32/11, 2/11, 3/22, 15/22 and 44/15."""
    result = bacon_decomposition(_three_units(), outcome="Y", unit="id", time="t", cohort="g")
    assert_allclose(result.twfe_estimate, 32 / 11, rtol=0, atol=1e-12)
    by_type = result.by_type().set_index("type")
    assert_allclose(by_type["weight"], [2 / 11, 3 / 22, 15 / 22], rtol=0, atol=1e-12)
    assert_allclose(by_type["estimate"], [2.0, 4.0, 44 / 15], rtol=0, atol=1e-12)
    cells = result.tidy().set_index(["type", "treated"])
    # the 2×2 DiDs of a noise-free panel are the effects themselves
    assert_allclose(cells.loc[("treated_vs_never", 5), "estimate"], 2.0, atol=1e-12)
    assert_allclose(cells.loc[("treated_vs_never", 8), "estimate"], 4.0, atol=1e-12)
    # V^D = 2.2 / 30; s_5U = (2/3)^2 · 1/4 · 0.6 · 0.4 / V^D = 4/11
    assert_allclose(cells.loc[("treated_vs_never", 5), "weight"], 4 / 11, atol=1e-12)
    assert_allclose(cells.loc[("treated_vs_never", 8), "weight"], 7 / 22, atol=1e-12)


def _random_panel(seed: int, n_units: int, periods: list[int], cohorts: list[int],
                  never: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    choices = cohorts + ([0] if never else [])
    cohort = rng.choice(choices, size=n_units)
    cohort[:len(choices)] = choices  # every group present
    rows = []
    for unit in range(n_units):
        level, drift = rng.normal(), rng.normal(scale=0.2)
        for k, year in enumerate(periods):
            treated = cohort[unit] and year >= cohort[unit]
            effect = (1 + 0.7 * k) * treated * rng.uniform(0.5, 2)  # dynamic, heterogeneous
            rows.append((unit, year, cohort[unit], level + drift * k + effect + rng.normal()))
    return pd.DataFrame(rows, columns=["unit", "year", "cohort", "y"])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_units=st.integers(6, 40),
       n_periods=st.integers(3, 9), never=st.booleans(), gaps=st.booleans(),
       data=st.data())
def test_weighted_sum_equals_twfe_exactly_on_random_panels(seed, n_units, n_periods, never,
                                                           gaps, data):
    periods = [2000 + (3 * k if gaps else k) for k in range(n_periods)]
    cohorts = data.draw(st.lists(st.sampled_from(periods[1:]), min_size=1 if never else 2,
                                 max_size=4, unique=True))
    frame = _random_panel(seed, n_units, periods, sorted(cohorts), never)
    result = bacon_decomposition(frame, outcome="y", unit="unit", time="year", cohort="cohort")
    assert (result.comparisons["weight"] >= -1e-15).all()
    assert_allclose(result.comparisons["weight"].sum(), 1.0, rtol=0, atol=1e-12)
    twfe = _twfe_by_dummies(frame, "unit", "year", "cohort", "y")
    assert_allclose(result.twfe_estimate, twfe, rtol=0, atol=1e-10)
    assert_allclose(result.weighted_sum, twfe, rtol=0, atol=1e-10)


def test_mpdta_identity_and_each_two_by_two_is_its_own_regression():
    frame = pd.read_csv(REFERENCE / "mpdta.csv")
    result = bacon_decomposition(frame, outcome="lemp", unit="countyreal", time="year",
                                 cohort="first.treat")
    twfe = _twfe_by_dummies(frame, "countyreal", "year", "first.treat", "lemp")
    assert_allclose([result.twfe_estimate, result.weighted_sum], twfe, rtol=0, atol=1e-10)
    assert set(result.comparisons["type"]) == {"earlier_vs_later", "later_vs_earlier",
                                               "treated_vs_never"}
    cohort = frame["first.treat"]
    for kind, treated, control, estimate, _ in result.comparisons.itertuples(index=False):
        if kind == "treated_vs_never":
            rows = cohort.isin([treated, 0])
        elif kind == "earlier_vs_later":  # before the later cohort is treated
            rows = cohort.isin([treated, control]) & (frame["year"] < control)
        else:  # once the earlier (control) cohort is treated
            rows = cohort.isin([treated, control]) & (frame["year"] >= control)
        # the 2×2 subsample is balanced, so two-way demeaning is the FE regression (FWL)
        sub = frame[rows]
        y = sub.pivot(index="countyreal", columns="year", values="lemp").to_numpy()
        d = sub.assign(d=(sub["first.treat"] == treated) & (sub["year"] >= treated))\
            .pivot(index="countyreal", columns="year", values="d").to_numpy(float)
        within = [m - m.mean(axis=1, keepdims=True) - m.mean(axis=0) + m.mean() for m in (y, d)]
        assert_allclose(estimate, (within[0] * within[1]).sum() / (within[1] ** 2).sum(),
                        rtol=0, atol=1e-10, err_msg=f"{kind} {treated} vs {control}")


def test_results_object(castle):
    with pytest.raises(AttributeError):
        castle.outcome = "x"  # type: ignore[misc]
    assert list(castle.tidy().columns) == ["type", "treated", "control", "estimate", "weight"]
    assert list(castle.by_type().columns) == ["type", "label", "weight", "estimate",
                                              "comparisons"]
    assert castle.tidy()["control"].isna().sum() == 5
    payload = json.loads(castle.to_json())
    assert payload["twfe_estimate"] == pytest.approx(R_CASTLE_TWFE, abs=5e-9)
    assert {row["type"] for row in payload["by_type"]} == set(R_CASTLE_BY_TYPE)
    assert sum(row["control"] is None for row in payload["comparisons"]) == 5
    assert payload["forbidden_weight"] == pytest.approx(0.03190, abs=5e-6)
    assert "3.2% of its weight comes from comparisons that use already-treated units" \
        in castle.interpretation
    assert "Later vs Earlier Treated" in castle.summary and str(castle) == castle.summary
    assert "<table" in castle._repr_html_()


def test_one_timing_group_without_never_treated_is_an_error():
    frame = _three_units().query("id == 2")
    with pytest.raises(DidError, match="nothing to decompose|no comparison"):
        bacon_decomposition(frame, outcome="Y", unit="id", time="t", cohort="g")


def test_command_prints_the_decomposition_after_twfe(tmp_path):
    from pairaid.cli.main import app

    path = tmp_path / "three.csv"
    _three_units().to_csv(path, index=False)
    base = ["event-study", "--data", str(path), "--unit", "id", "--time", "t", "--cohort", "g",
            "--outcome", "Y"]
    run = runner.invoke(app, base + ["--estimator", "twfe", "--bacon"])
    assert run.exit_code == 0, run.output
    assert run.stdout.index("Two-way fixed-effects") < run.stdout.index("Goodman-Bacon")
    run = runner.invoke(app, base + ["--estimator", "twfe", "--bacon", "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    assert payload["estimator"] == "twfe"
    assert payload["bacon"]["twfe_estimate"] == pytest.approx(32 / 11)
    run = runner.invoke(app, base + ["--bacon"])
    assert run.exit_code == 2 and "--estimator twfe" in run.output
