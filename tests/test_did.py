"""Staggered DiD on the demo ledger, the TWFE event study, the results object, bad input and the
`pairaid event-study` command (registered here as the lead will in main.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from pairaid.evaluate.did import DidError, event_study, prepare, twfe_event_study
from pairaid.evaluate.did_results import EventStudyResult

MPDTA = Path(__file__).parent / "reference" / "did" / "mpdta.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(report_demo_db) -> Path:
    """The demo ledger (seed 2010) the test run shares (conftest.report_demo_db); read only."""
    return report_demo_db


@pytest.fixture(scope="module")
def demo_panel(demo_db) -> pd.DataFrame:
    from pairaid.ledger import Store
    from pairaid.panel import build_panel

    store = Store.open(demo_db, create=False)
    try:
        return build_panel(store, "county").frame
    finally:
        store.close()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The real command line, as users run it (commands are registered in cli/main.py)."""
    from pairaid.cli.main import app as real_app

    return real_app


def _panel(n_units: int = 40, periods=range(2010, 2018), seed: int = 0) -> pd.DataFrame:
    """Staggered panel: cohorts 2013 / 2015 / never; effect 1 + 0.5·(event time) once treated."""
    rng = np.random.default_rng(seed)
    cohort = np.array([2013, 2015, 0, 0])[np.arange(n_units) % 4]
    rows = []
    for unit in range(n_units):
        level = rng.normal()
        for year in periods:
            treated = cohort[unit] and year >= cohort[unit]
            effect = (1 + 0.5 * (year - cohort[unit])) if treated else 0.0
            rows.append((f"u{unit}", year, cohort[unit],
                         level + 0.1 * (year - 2010) + effect + rng.normal(scale=0.1)))
    return pd.DataFrame(rows, columns=["county", "year", "start", "y"])


# -- the demo ledger ---------------------------------------------------------------------------
def test_demo_pairing_raises_log_sai_latent_and_shows_event_times(demo_panel):
    result = event_study(demo_panel, outcome="sai_latent", log=True, synthetic=True)
    assert result.outcome == "log(sai_latent)"
    assert result.att > 0
    low = result.att - 1.96 * result.att_std_error
    assert low > 0
    events = result.event_time.set_index("event_time")
    assert events.index.min() < 0 < events.index.max()
    assert (events.loc[events.index >= 0, "estimate"] > 0).all()
    assert "SYNTHETIC" in result.summary and "Event time" in result.summary
    assert set(result.cohorts) >= {2011, 2013, 2015}
    assert result.n_never_treated > 0


def test_demo_command_json_has_the_documented_shape(app, demo_db):
    run = runner.invoke(app, ["event-study", "--db", str(demo_db), "--outcome", "sai_latent",
                              "--log", "drop", "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    assert set(payload["aggregations"]) == {"simple", "group", "dynamic", "calendar"}
    assert payload["aggregations"]["simple"]["estimate"] > 0
    assert {"estimate", "std_error"} <= set(payload["aggregations"]["group"])
    assert set(payload["group_time"][0]) == {"cohort", "time", "estimate", "std_error"}
    assert set(payload["event_time"][0]) == {"event_time", "estimate", "std_error", "band_low",
                                             "band_high"}
    assert payload["provenance"]["synthetic"] is True
    assert "parallel trends" in payload["interpretation"]


@pytest.mark.parametrize("estimator", ["sa", "twfe"])
def test_demo_other_estimators_agree_in_sign(demo_panel, estimator):
    result = event_study(demo_panel, outcome="sai_latent", log=True, estimator=estimator,
                         synthetic=True)
    assert result.att > 0
    assert (result.event_time.loc[result.event_time["event_time"] >= 0, "estimate"] > 0).all()


def test_demo_command_text_and_twfe(app, demo_db):
    run = runner.invoke(app, ["event-study", "--db", str(demo_db), "--outcome", "sai_latent",
                              "--log", "drop", "--estimator", "twfe"])
    assert run.exit_code == 0, run.output
    assert "Two-way fixed-effects" in run.stdout and "Pre-trend test" in run.stdout


# -- the estimators on a panel with a known effect -------------------------------------------------
def test_cs_recovers_a_known_dynamic_effect():
    result = event_study(_panel(n_units=200), outcome="y", unit="county", time="year",
                         cohort="start")
    events = result.event_time.set_index("event_time")["estimate"]
    assert_allclose(events.loc[[0, 1, 2]], [1.0, 1.5, 2.0], atol=0.1)
    assert_allclose(events.loc[[-3, -2, -1]], 0, atol=0.1)
    assert result.pretrend.p_value > 0.01


def test_twfe_equals_ols_with_explicit_dummies():
    frame = _panel(n_units=12, periods=range(2010, 2017), seed=3)
    result = twfe_event_study(frame, outcome="y", unit="county", time="year", cohort="start")
    data = prepare(frame, outcome="y", unit="county", time="year", cohort="start")
    panel = data.frame
    relative = panel["time"] - panel["cohort"]
    events = result.event_time["event_time"].to_numpy()
    X = np.column_stack(
        [(relative == e).to_numpy(float) for e in events]
        + [pd.get_dummies(panel["unit"]).to_numpy(float)]
        + [pd.get_dummies(panel["time"]).to_numpy(float)[:, 1:]])
    beta = np.linalg.lstsq(X, panel["y"].to_numpy(), rcond=None)[0][:len(events)]
    assert_allclose(result.event_time["estimate"], beta, atol=1e-9)


def test_twfe_without_never_treated_drops_a_second_reference():
    frame = _panel()
    frame = frame[frame["start"] != 0]
    with pytest.raises(DidError, match="never-treated"):
        twfe_event_study(frame, outcome="y", unit="county", time="year", cohort="start")
    result = twfe_event_study(frame, outcome="y", unit="county", time="year", cohort="start",
                              control="notyet")
    assert -1 not in set(result.event_time["event_time"])
    # the most distant lead (-5) is the second reference
    assert result.event_time["event_time"].min() > -5


# -- the results object ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mpdta_result() -> EventStudyResult:
    return event_study(pd.read_csv(MPDTA), outcome="lemp", unit="countyreal", time="year",
                       cohort="first.treat")


def test_result_is_frozen_and_tidy(mpdta_result):
    with pytest.raises(AttributeError):
        mpdta_result.outcome = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        mpdta_result.aggregations["simple"] = None  # type: ignore[index]
    tidy = mpdta_result.tidy()
    assert list(tidy.columns) == ["kind", "term", "estimate", "std_error", "statistic",
                                  "p_value", "conf_low", "conf_high"]
    assert {"aggregation", "event_time", "group_time", "group", "calendar"} <= set(tidy["kind"])
    wide = mpdta_result.conf_int(0.99)
    narrow = mpdta_result.conf_int(0.90)
    simple = "ATT(simple)"
    assert wide.loc[simple, "conf_low"] < narrow.loc[simple, "conf_low"] < mpdta_result.att
    assert "<table" in mpdta_result._repr_html_()
    assert str(mpdta_result) == mpdta_result.summary


def test_interpretation_states_the_assumption_and_the_limits(mpdta_result):
    text = mpdta_result.interpretation
    assert "parallel trends" in text
    assert "not the effect on any single unit" in text
    assert "never treated" in text and "does not reject" in text


def test_json_round_trips(mpdta_result):
    payload = json.loads(mpdta_result.to_json())
    assert payload["aggregations"]["simple"]["estimate"] == pytest.approx(mpdta_result.att)
    assert len(payload["group_time"]) == 12
    assert [row["event_time"] for row in payload["event_time"]] == list(range(-3, 4))
    assert len(payload["aggregations"]["group"]["by_cohort"]) == 3
    assert payload["pretrend_test"]["df"] == 5


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("change, options, message", [
    (None, {"outcome": "nope"}, "unknown column 'nope'"),
    (None, {"outcome": "y", "cohort": "missing"}, "unknown column 'missing'"),
    (lambda f: f.assign(y=f["y"].astype(str)), {"outcome": "y"}, "not numeric"),
    (lambda f: f.assign(start=f["start"].replace(2015, 2030)), {"outcome": "y"},
     "outside the time range"),
    (lambda f: f[f["start"] != 0], {"outcome": "y"}, "no never-treated units"),
    (lambda f: f.assign(start=0), {"outcome": "y"}, "no unit is ever treated"),
    (lambda f: pd.concat([f, f.head(1)]), {"outcome": "y"}, "more than one row"),
    (lambda f: f.assign(y=f["y"] - 100), {"outcome": "y", "log": True}, "log"),
    (None, {"outcome": "y", "estimator": "bogus"}, "unknown estimator"),
    (None, {"outcome": "y", "control": "sometimes"}, "unknown control group"),
    (None, {"outcome": "y", "method": "magic"}, "unknown method"),
    (None, {"outcome": "y", "estimator": "sa", "control": "notyet"}, "never-treated"),
    (None, {"outcome": "y", "estimator": "twfe", "bootstrap": 99}, "bootstrap"),
])
def test_bad_input_is_a_clear_error(change, options, message):
    frame = _panel(n_units=8, periods=range(2010, 2017))
    frame = change(frame) if change else frame
    with pytest.raises(DidError, match=message):
        event_study(frame, unit="county", time="year", cohort=options.pop("cohort", "start"),
                    **options)


def test_command_bad_input_exits_2_with_one_line(app, tmp_path):
    path = tmp_path / "panel.csv"
    _panel(n_units=8).query("start != 0").to_csv(path, index=False)
    run = runner.invoke(app, ["event-study", "--data", str(path), "--unit", "county",
                              "--time", "year", "--cohort", "start", "--outcome", "y"])
    assert run.exit_code == 2
    assert "no never-treated units" in run.output and "Traceback" not in run.output
    run = runner.invoke(app, ["event-study", "--data", str(path), "--unit", "county",
                              "--time", "year", "--cohort", "start", "--outcome", "y",
                              "--control", "notyet", "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    assert payload["control"] == "notyet"
    assert any("No never treated" in note for note in payload["notes"])


def test_command_reads_mpdta(app):
    run = runner.invoke(app, ["event-study", "--data", str(MPDTA), "--unit", "countyreal",
                              "--time", "year", "--cohort", "first.treat", "--outcome", "lemp",
                              "--json"])
    assert run.exit_code == 0, run.output
    simple = json.loads(run.stdout)["aggregations"]["simple"]
    assert simple["estimate"] == pytest.approx(-0.0399512751551772, abs=1e-8)
