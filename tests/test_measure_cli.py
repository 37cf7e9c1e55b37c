"""`pairaid index build|sensitivity` (registered here as the lead will in main.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from pairaid.ingest import import_frames
from pairaid.ledger import Store

from hand_ledger import hand_frames

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The real command line, as users run it (commands are registered in cli/main.py)."""
    from pairaid.cli.main import app as real_app

    return real_app


@pytest.fixture
def table(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"county": np.repeat([f"c{k}" for k in range(12)], 4),
                          "year": np.tile([2018, 2019, 2020, 2021], 12),
                          "gdp": rng.lognormal(3, 0.5, 48), "gap": rng.uniform(1.5, 4, 48),
                          "water": rng.lognormal(5, 0.3, 48)})
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    return path


def invoke(app, *args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_build_from_flags_on_a_plain_table_json(app, table):
    result = invoke(app, "index", "build", "--data", str(table), "--unit", "county", "--time",
                    "year", "--indicators", "gdp:+,gap:-,water:-", "--weights", "entropy",
                    "--aggregate", "topsis", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["weights"]) == {"gdp", "gap", "water"}
    assert sum(data["weights"].values()) == pytest.approx(1)
    assert len(data["scores"]) == 48
    assert data["scores"][0].keys() >= {"unit", "time", "score", "rank"}
    ranks = pd.DataFrame(data["scores"]).groupby("time")["rank"].apply(sorted)
    assert all(r == list(range(1, 13)) for r in ranks)


def test_build_manual_weights_cross_section_and_output(app, table, tmp_path):
    out = tmp_path / "index.csv"
    result = invoke(app, "index", "build", "--data", str(table), "--unit", "county",
                    "--indicators", "gdp:+,gap:-", "--weights", "manual:3,1", "-o", str(out),
                    "--json")
    # no --time: each county appears four times, so the table is refused clearly
    assert result.exit_code == 2 and "repeated unit-row pairs" in result.output
    first = pd.read_csv(table).query("year == 2021")
    first.to_csv(tmp_path / "cross.csv", index=False)
    result = invoke(app, "index", "build", "--data", str(tmp_path / "cross.csv"), "--unit",
                    "county", "--indicators", "gdp:+,gap:-", "--weights", "manual:3,1",
                    "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["weights"] == pytest.approx({"gdp": 0.75, "gap": 0.25})
    assert data["scores"][0]["time"] is None
    assert len(pd.read_csv(out)) == 12


@pytest.mark.parametrize("args, message", [
    (["--indicators", "gdp:+,nope:-"], "unknown indicator code nope"),
    (["--indicators", "gdp"], "not CODE:+ or CODE:-"),
    (["--indicators", "gdp:+", "--normalise", "log"], "'log' is not one of"),
    (["no_such_spec"], "unknown index spec 'no_such_spec'"),
    ([], "give a spec"),
])
def test_bad_input_is_one_clear_line_and_exit_2(app, table, args, message):
    result = invoke(app, "index", "build", *args, "--data", str(table), "--unit", "county",
                    "--time", "year")
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_build_on_a_ledger_and_save_the_score(app, tmp_path):
    db = tmp_path / "l.db"
    with Store.open(db) as store:
        import_frames(store, hand_frames(), source="test")
    result = invoke(app, "index", "build", "--db", str(db), "--indicators",
                    "gdp:+,rural_income:+", "--save-as", "hand_index")
    assert result.exit_code == 0, result.output
    assert "Saved as indicator hand_index" in result.output
    with Store.open(db) as store:
        saved = store.read_table("observations")
    assert (saved["indicator"] == "hand_index").sum() >= 4


def test_sensitivity_command(app, table, tmp_path):
    out = tmp_path / "ranks.csv"
    result = invoke(app, "index", "sensitivity", "--data", str(table), "--unit", "county",
                    "--time", "year", "--indicators", "gdp:+,gap:-,water:-", "--draws", "70",
                    "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["draws"] >= 70 and len(data["ranks"]) == 48
    assert {i["choice"] for i in data["indices"]} >= {"normalisation", "weighting"}
    ranks = pd.read_csv(out)
    assert (ranks["rank_q05"] <= ranks["rank_q95"]).all()
    text = invoke(app, "index", "sensitivity", "--data", str(table), "--unit", "county",
                  "--time", "year", "--indicators", "gdp:+,gap:-,water:-", "--draws", "70")
    assert text.exit_code == 0 and "5–95 % interval" in text.output


def test_every_index_command_has_an_example(app):
    for command in ("build", "sensitivity"):
        result = invoke(app, "index", command, "--help")
        assert result.exit_code == 0 and "Example" in result.output
