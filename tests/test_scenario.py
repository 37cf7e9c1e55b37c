"""Funding scenarios: the constant-elasticity path, its band, the water ceiling, extrapolation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.policy.commitments import PolicyError
from pairaid.policy.scenario import Scenario, load_scenario, project, project_counties, reallocate

EXAMPLE = Path(__file__).parents[1] / "src" / "pairaid" / "policy" / "scenarios_data" / "taper_and_water.toml"
WIDE = (0.0, 10.0)  # funds ratios the data have seen: anything


def test_path_follows_the_elasticity_exactly_without_uncertainty():
    scenario = Scenario("s", 2019, 3, share_multiplier=1.21, taper=0.0, elasticity=0.5)
    path = project(scenario, 1e9, 100.0, WIDE).path
    assert path["outcome"].tolist() == pytest.approx([110.0] * 3)  # 1.21 ** 0.5 = 1.1
    assert path["year"].tolist() == [2020, 2021, 2022]
    tapered = project(Scenario("t", 2019, 2, taper=0.1, elasticity=0.5), 1e9, 100.0, WIDE).path
    assert tapered["outcome"].tolist() == pytest.approx([100 * 0.9 ** 0.5, 100 * 0.81 ** 0.5])


def test_band_carries_the_elasticity_uncertainty():
    """With β ~ N(0.5, 0.2²) and funds ×0.5, the 2.5 % and 97.5 % points are
    100 · 0.5^(0.5 ± 1.96·0.2) (monotone in β): checked to Monte Carlo precision."""
    scenario = Scenario("s", 2019, 1, share_multiplier=0.5, elasticity=0.5, elasticity_se=0.2)
    row = project(scenario, 1e9, 100.0, WIDE).path.iloc[0]
    assert row["low"] == pytest.approx(100 * 0.5 ** (0.5 + 1.96 * 0.2), rel=0.01)
    assert row["high"] == pytest.approx(100 * 0.5 ** (0.5 - 1.96 * 0.2), rel=0.01)
    assert row["low"] < row["outcome"] < row["high"]


def test_water_ceiling_binds_where_money_would_buy_more():
    scenario = Scenario("w", 2019, 5, share_multiplier=2.0, elasticity=1.0,
                        water_change=-0.02, headroom=1.2)
    result = project(scenario, 1e9, 100.0, WIDE)
    ceiling = 100 * 1.2 * 0.98 ** np.arange(1, 6)
    assert result.path["outcome"].tolist() == pytest.approx(ceiling.tolist())
    assert result.first_capped_year == 2020
    unconstrained = project(Scenario("n", 2019, 5, share_multiplier=1.0, elasticity=1.0,
                                     water_change=-0.02, headroom=1.1), 1e9, 100.0, WIDE)
    # output 100 until the ceiling 110 · 0.98^t falls below it, in year 5 (110 · 0.98^5 = 99.4)
    assert unconstrained.first_capped_year == 2024


def test_extrapolation_is_refused_unless_allowed():
    scenario = Scenario("x", 2019, 4, taper=0.3, elasticity=0.5)
    with pytest.raises(PolicyError, match=r"in 2021 funds would be 0\.49× the 2019 level, outside "
                                          r"what the data have seen \(0\.60×–1\.00×\)"):
        project(scenario, 1e9, 100.0, (0.6, 1.0))
    allowed = Scenario("x", 2019, 4, taper=0.3, elasticity=0.5, allow_extrapolation=True)
    path = project(allowed, 1e9, 100.0, (0.6, 1.0)).path
    assert path["extrapolated"].tolist() == [False, True, True, True]


def test_bad_scenario_files_name_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\nbase_year = 2019\n[funding]\ntaper = 1.5\n", "utf-8")
    with pytest.raises(PolicyError, match=r"bad\.toml \[funding\]: 'taper' = 1\.5 is outside 0\.\.0\.99"):
        load_scenario(bad)
    bad.write_text("[scenario]\nhorizon = 5\n", "utf-8")
    with pytest.raises(PolicyError, match="missing key 'base_year'"):
        load_scenario(bad)


def test_the_bundled_scenario_loads_by_name_and_equals_its_file():
    by_name = load_scenario("taper_and_water")
    assert by_name == load_scenario(EXAMPLE)
    assert (by_name.taper, by_name.water_change, by_name.base_year) == (0.05, -0.02, 2019)
    with pytest.raises(PolicyError, match="bundled: taper_and_water"):
        load_scenario("no_such_scenario")


def test_cli_on_the_demo(report_demo_db):
    result = CliRunner().invoke(app, ["plan", "scenario", "taper_and_water", "--db",
                                      str(report_demo_db), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    path = document["path"]
    assert [row["year"] for row in path] == list(range(2020, 2030))
    ratio = [row["funds_ratio"] for row in path]
    assert ratio == pytest.approx([0.95 ** k for k in range(1, 11)])
    first = path[0]
    assert first["outcome"] == pytest.approx(document["base_outcome"] * 0.95 ** 0.5, rel=0.01)
    assert "not a forecast" in document["note"]


COUNTIES = pd.DataFrame({"recipient": ["A", "B", "C"], "donor": ["X", "X", "Y"],
                         "population": [1.0, 3.0, 2.0], "base_funds": [100.0, 100.0, 200.0],
                         "base_outcome": [10.0, 10.0, 10.0]})


def test_a_donor_budget_cut_reaches_only_its_counties():
    scenario = Scenario("b", 2019, 1, elasticity=1.0, donor_budgets=(("X", 0.5),))
    result = project_counties(scenario, COUNTIES, WIDE)
    # A and B get half their funds (outcome 10 -> 5 each at elasticity 1), C unchanged
    assert result.path["outcome"].tolist() == pytest.approx([20.0])
    assert result.path["funds_ratio"].tolist() == pytest.approx([300 / 400])


def test_a_changed_pairing_splits_the_donors_budget_by_population():
    scenario = Scenario("p", 2019, 1, elasticity=1.0, pairing=(("C", "X"),))
    moved = reallocate(scenario, COUNTIES)
    # X's 200 over A, B, C by population 1:3:2; Y keeps its 200 but has no county left
    assert moved["funds"].tolist() == pytest.approx([200 / 6, 100.0, 400 / 6])
    assert moved["ratio"].tolist() == pytest.approx([1 / 3, 1.0, 1 / 3])
    result = project_counties(scenario, COUNTIES, WIDE)
    assert result.path["outcome"].tolist() == pytest.approx([10 / 3 + 10 + 10 / 3])
    assert result.path["funds_ratio"].tolist() == pytest.approx([0.5])


def test_a_county_without_base_year_funds_is_held_and_one_without_outcome_left_out():
    counties = COUNTIES.assign(base_funds=[100.0, 0.0, 200.0], base_outcome=[10.0, 10.0, np.nan])
    result = project_counties(Scenario("h", 2019, 1, share_multiplier=4.0, elasticity=0.5),
                              counties, WIDE)
    assert result.path["outcome"].tolist() == pytest.approx([10 * 2 + 10])  # A ×4^0.5, B held
    assert (result.held, result.left_out) == (1, 1)


def test_donor_budgets_and_pairing_from_the_file(tmp_path, report_demo_db):
    good = tmp_path / "s.toml"
    good.write_text('[scenario]\nbase_year = 2019\nhorizon = 3\n[funding.donors]\nBJ = 0.8\n'
                    '[pairing]\n"653024" = "SH"\n[elasticity]\nvalue = 0.5\n', "utf-8")
    parsed = load_scenario(good)
    assert parsed.donor_budgets == (("BJ", 0.8),) and parsed.pairing == (("653024", "SH"),)
    result = CliRunner().invoke(app, ["plan", "scenario", str(good), "--db", str(report_demo_db),
                                      "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["donor_budgets"] == {"BJ": 0.8} and document["pairing"] == {"653024": "SH"}
    assert all(row["funds_ratio"] < 1 for row in document["path"])  # Beijing gives less
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nbase_year = 2019\n[funding.donors]\nZZ = 0.8\n', "utf-8")
    result = CliRunner().invoke(app, ["plan", "scenario", str(bad), "--db", str(report_demo_db)])
    assert result.exit_code == 2
    assert "[funding.donors]: 'ZZ' is not a donor of the ledger" in result.output
    bad.write_text('[scenario]\nbase_year = 2019\n[funding.donors]\nBJ = -1\n', "utf-8")
    with pytest.raises(PolicyError, match=r"\[funding.donors\]: 'BJ' = -1 is outside 0..10"):
        load_scenario(bad)
