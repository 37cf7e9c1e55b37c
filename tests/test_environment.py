"""Tapio decoupling: every state by hand, the 0.8 / 1.2 boundaries, zero output growth, the
pressure indicators, per-period results, and the command on the demo ledger."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pairaid.distribution.environment import (NO_OUTPUT_CHANGE, STATES, DecouplingError,
                                              decoupling, periods_of, pressure_indicators,
                                              tapio_state)

runner = CliRunner()

# (%Δpressure, %Δoutput, elasticity, state) — one hand-made case per Tapio (2005) state
CASES = [
    (-0.10, 0.20, -0.5, "strong decoupling"),
    (0.10, 0.20, 0.5, "weak decoupling"),
    (0.20, 0.20, 1.0, "expansive coupling"),
    (0.30, 0.20, 1.5, "expansive negative decoupling"),
    (-0.30, -0.20, 1.5, "recessive decoupling"),
    (-0.20, -0.20, 1.0, "recessive coupling"),
    (-0.10, -0.20, 0.5, "weak negative decoupling"),
    (0.10, -0.20, -0.5, "strong negative decoupling"),
]


@pytest.mark.parametrize("dp, dy, e, state", CASES)
def test_each_of_the_eight_states(dp, dy, e, state):
    elasticity, states = tapio_state([dp], [dy])
    assert elasticity[0] == pytest.approx(e)
    assert states[0] == state


def test_cases_cover_all_eight_states():
    assert {c[3] for c in CASES} == set(STATES) and len(STATES) == 8


@pytest.mark.parametrize("dp, dy, state", [
    (0.08, 0.10, "expansive coupling"),          # e = 0.8 exactly: coupling
    (0.0799, 0.10, "weak decoupling"),
    (0.12, 0.10, "expansive coupling"),          # e = 1.2 exactly: coupling
    (0.1201, 0.10, "expansive negative decoupling"),
    (-0.08, -0.10, "recessive coupling"),
    (-0.0799, -0.10, "weak negative decoupling"),
    (-0.12, -0.10, "recessive coupling"),
    (-0.1201, -0.10, "recessive decoupling"),
    (0.0, 0.10, "weak decoupling"),              # pressure unchanged, output up: e = 0
    (0.0, -0.10, "weak negative decoupling"),    # pressure unchanged, output down
])
def test_boundaries(dp, dy, state):
    # 0.08 / 0.10 is 0.7999… in floating point: it must still land on the boundary
    _, states = tapio_state([dp], [dy])
    assert states[0] == state


@pytest.mark.parametrize("dp", [0.1, -0.1, 0.0])
def test_zero_output_growth_is_explicit(dp):
    elasticity, states = tapio_state([dp], [0.0])
    assert np.isnan(elasticity[0]) and states[0] == NO_OUTPUT_CHANGE


def _panel(values) -> pd.DataFrame:
    """values: {unit: [(year, pressure, output), ...]}"""
    rows = [(u, y, p, o) for u, obs in values.items() for y, p, o in obs]
    return pd.DataFrame(rows, columns=["unit", "year", "water", "output"])


def test_decoupling_by_unit_and_period_by_hand():
    frame = _panel({"a": [(2010, 100, 100), (2015, 90, 120), (2020, 99, 132)],
                    "b": [(2010, 100, 100), (2015, 100, 100), (2020, 130, 100)],
                    "c": [(2010, None, 100), (2015, 50, 100), (2020, 50, 100)]})
    result = decoupling(frame, "water", "output", year_from=2010, year_to=2020, step=5)
    rows = result.decoupling.set_index(["unit", "period_start"])
    assert rows.loc[("a", 2010), "elasticity"] == pytest.approx(-0.1 / 0.2)
    assert rows.loc[("a", 2010), "state"] == "strong decoupling"
    assert rows.loc[("a", 2015), "elasticity"] == pytest.approx(0.1 / 0.1)
    assert rows.loc[("a", 2015), "state"] == "expansive coupling"
    assert rows.loc[("b", 2015), "state"] == NO_OUTPUT_CHANGE
    assert ("c", 2010) not in rows.index and ("c", 2015) in rows.index
    assert result.dropped == 1
    assert any("no output change" in n for n in result.notes)
    counts = result.state_counts.set_index("period_start")
    assert list(counts.columns[1:9]) == list(STATES)
    assert counts.loc[2010, "strong decoupling"] == 1
    assert set(result.tidy().columns) >= {"unit", "elasticity", "state", "pressure", "output"}
    assert json.loads(result.to_json())["output"] == "output"
    assert "→" in result.summary and "<h4>" in result._repr_html_()


def test_pressure_indicators_are_derived():
    frame = pd.DataFrame({"unit": ["a", "a", "a"], "year": [2010, 2011, 2013],
                          "fertiliser_intensity": [300.0, 310.0, 320.0],
                          "pesticide_intensity": [4.0, 4.0, 5.0],
                          "cultivated_area": [1000.0, 1100.0, 1200.0]})
    out = pressure_indicators(frame)
    assert list(out["fertiliser_use"]) == [300_000, 341_000, 384_000]
    assert list(out["pesticide_use"]) == [4000, 4400, 6000]
    growth = out["cultivated_area_growth"]
    assert np.isnan(growth[0]) and growth[1] == pytest.approx(0.1) and np.isnan(growth[2])
    result = decoupling(frame.assign(agri_output=[1.0, 1.1, 1.5]), "fertiliser_use")
    assert result.decoupling["elasticity"].item() == pytest.approx((384 / 300 - 1) / 0.5)


def test_bad_input_is_clear():
    frame = _panel({"a": [(2010, 100, 100), (2011, 90, 120)]})
    with pytest.raises(DecouplingError, match="no pressure column"):
        decoupling(frame, "nitrogen", "output")
    with pytest.raises(DecouplingError, match="no column"):
        decoupling(frame, "water", "gdp")
    with pytest.raises(DecouplingError, match="at least two years"):
        periods_of(2012, 2012)
    with pytest.raises(DecouplingError, match="no data for 2009"):
        decoupling(frame, "water", "output", year_from=2009)
    assert periods_of(2012, 2022, 4) == [(2012, 2016), (2016, 2020), (2020, 2022)]


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The real command line, as users run it (commands are registered in cli/main.py)."""
    from pairaid.cli.main import app as real_app

    return real_app


@pytest.fixture(scope="module")
def demo_db(report_demo_db):
    """The demo ledger (seed 2010) the test run shares (conftest.report_demo_db); read only."""
    return report_demo_db


def test_command_on_the_demo_says_synthetic(app, demo_db):
    result = runner.invoke(app, ["environment", "--db", str(demo_db), "--from", "2012", "--to",
                                 "2022", "--pressure", "fertiliser_use"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output and "strong decoupling" in result.output
    data = json.loads(runner.invoke(app, ["environment", "--db", str(demo_db), "--from", "2012",
                                          "--to", "2022", "--step", "5", "--json"]).output)
    assert any("SYNTHETIC" in n for n in data["notes"])
    assert {r["period_start"] for r in data["decoupling"]} == {2012, 2017}
    assert all(r["state"] in (*STATES, NO_OUTPUT_CHANGE) for r in data["decoupling"])
    bad = runner.invoke(app, ["environment", "--db", str(demo_db), "--pressure", "nitrogen"])
    assert bad.exit_code == 2 and "nitrogen" in bad.output


FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
change = st.floats(-0.9, 5.0).filter(lambda v: abs(v) > 1e-6)


@FAST
@given(change, change, st.floats(1e-3, 1e6))
def test_state_does_not_depend_on_units_and_is_always_one_of_eight(dp, dy, factor):
    """Changes are proportional: rescaling the pressure's unit (m3 → 10k m3) changes nothing."""
    frame = pd.DataFrame({"unit": ["a", "a"], "year": [2010, 2020],
                          "water": [100.0, 100.0 * (1 + dp)], "output": [50.0, 50.0 * (1 + dy)]})
    base = decoupling(frame, "water", "output").decoupling.iloc[0]
    scaled = decoupling(frame.assign(water=frame["water"] * factor), "water", "output")\
        .decoupling.iloc[0]
    assert base["state"] in STATES and scaled["state"] == base["state"]
    assert scaled["elasticity"] == pytest.approx(base["elasticity"], rel=1e-9)


def test_pressure_changes_summarise_every_pressure():
    frame = pd.DataFrame({"county": ["a", "a", "b", "b"], "t": [2010, 2020, 2010, 2020],
                          "water_withdrawal_agri": [100.0, 90.0, 100.0, 70.0],
                          "cultivated_area": [10.0, 12.0, 10.0, 10.0],
                          "agri_output": [1.0, 2.0, 1.0, 1.5]})
    result = decoupling(frame, unit="county", time="t")
    changes = result.pressure_changes.set_index("pressure")
    assert changes.loc["water_withdrawal_agri", "median_change"] == pytest.approx(-0.2)
    assert changes.loc["cultivated_area", "median_change"] == pytest.approx(0.1)
    assert "typical unit's pressures changed" in result.summary
    assert set(result.pressures.columns) >= {"unit", "year"}
