"""Every estimator command prints its design warnings and carries them in --json (issue 11);
a --data outcome column named 'index' is an ordinary column."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app

MPDTA = Path(__file__).parent / "reference" / "did" / "mpdta.csv"


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    data = pd.read_csv(MPDTA).rename(columns={"lemp": "index"})
    data["treat_i"] = ((data["year"] >= data["first.treat"]) & (data["first.treat"] > 0)) * 1.0
    path = tmp_path_factory.mktemp("design") / "mpdta_index.csv"
    data.to_csv(path, index=False)
    return path


def test_estimate_takes_an_index_column_and_warns(table):
    base = ["estimate", "--data", str(table), "--unit", "countyreal", "--time", "year",
            "--outcome", "index", "--treatment", "treat_i", "--log", "none"]
    run = CliRunner().invoke(app, base + ["--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    assert any("before the first cohort" in w for w in payload["design_warnings"])
    text = CliRunner().invoke(app, base)
    assert text.exit_code == 0 and "design: only 1 period before the first cohort" in text.output


def test_synth_prints_why_its_test_cannot_reach_five_percent(table):
    base = ["synth", "--data", str(table), "--unit", "countyreal", "--time", "year",
            "--outcome", "index", "--treated", "8001", "--treat-time", "2006",
            "--donors", "8019,8023,8029,8041", "--no-placebos"]
    run = CliRunner().invoke(app, base + ["--json"])
    assert run.exit_code == 0, run.output
    codes = " ".join(json.loads(run.stdout)["design_warnings"])
    assert "1/5 = 0.200" in codes and "placebos switched off" in codes
    text = CliRunner().invoke(app, base)
    assert "design: only 4 donors" in text.output
