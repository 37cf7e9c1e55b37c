"""The planted truth: on the demo ledger, the elasticity of sai_latent to funds per capita is
0.5 (log S = a_i + g_t + b_i log(F/F_ref) + e in treated years, mean b_i exactly 0.5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pairaid.evaluate import estimate_elasticity
from pairaid.ledger import Store
from pairaid.panel import build_panel

PLANTED = 0.5


@pytest.fixture(scope="module")
def demo_db(report_demo_db) -> Path:
    """The demo ledger (seed 2010) the test run shares (conftest.report_demo_db); read only."""
    return report_demo_db


def test_demo_estimate_covers_the_planted_elasticity(demo_db):
    panel = build_panel(Store.open(demo_db, create=False), "county")
    # treated, positive-funds years: log drop leaves out the years with no disbursement
    result = estimate_elasticity(panel.frame, outcome="sai_latent",
                                 treatment="funds_per_capita", synthetic=panel.synthetic)
    low, high = result.conf_int(0.95).loc["log(funds_per_capita)"]
    assert low <= PLANTED <= high, (low, result.elasticity, high)
    assert result.dropped_nonpositive["funds_per_capita"] > 0
    assert result.synthetic and "SYNTHETIC" in result.summary


def test_command_on_the_demo_ledger(demo_db):
    from pairaid.cli.main import app

    runner = CliRunner()
    out = runner.invoke(app, ["estimate", "--db", str(demo_db), "--outcome", "sai_latent",
                              "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    row = data["estimates"][0]
    assert row["conf_low"] <= PLANTED <= row["conf_high"]
    assert any("SYNTHETIC" in n for n in data["notes"])
    index = runner.invoke(app, ["estimate", "--db", str(demo_db)])
    assert index.exit_code == 0, index.output
    assert "log(sustainable_agriculture_index)" in index.stdout
