"""Funding scenarios: the constant-elasticity path, its band, the water ceiling, extrapolation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.policy.commitments import PolicyError
from pairaid.policy.scenario import Scenario, load_scenario, project

EXAMPLE = Path(__file__).parents[1] / "docs" / "examples" / "taper_and_water.toml"
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


def test_cli_on_the_demo(report_demo_db):
    result = CliRunner().invoke(app, ["plan", "scenario", str(EXAMPLE), "--db",
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
