"""The CLI says what a result means in the language asked for (issue 12): readings rendered from
the findings (`cli/reading.py` → `readings/`), the coverage the numbers rest on on stdout, units
named by the panel's level, and one `--log` rule whose sample is stated."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app

runner = CliRunner()


def _run(db, *args):
    done = runner.invoke(app, [*args, "--db", str(db)])
    assert done.exit_code == 0, done.output
    return done.stdout


def test_estimate_reads_in_both_languages_with_coverage_on_stdout(report_demo_db):
    english = _run(report_demo_db, "estimate", "--outcome", "sai_latent")
    assert "county-years in" in english and "errors clustered by county" in english
    assert "Coverage: flows recorded for" in english
    chinese = _run(report_demo_db, "estimate", "--outcome", "sai_latent", "--lang", "zh")
    assert "弹性" in chinese and "县年" in chinese
    assert "个结对中有" in chinese  # the coverage reading, in Chinese, on stdout
    # the two readings quote the same estimate, the one in the table above them
    b = re.search(r"\(elasticity (-?\d\.\d{3}),", english).group(1)
    assert f"弹性{b}" in chinese
    table = re.search(r"log\(funds_per_capita\)\s+(-?[\d.]+)", english).group(1)
    assert f"{float(table):.3f}" == b


def test_synth_at_prefecture_level_says_prefecture(report_demo_db):
    english = _run(report_demo_db, "synth", "--outcome", "sai_latent", "--treated", "652300",
                   "--level", "prefecture", "--no-placebos")
    assert "treated prefecture 652300" in english
    assert "this one prefecture" in english and "county" not in english.lower()
    # an office names the unit as it writes it: the name is read as the code
    chinese = _run(report_demo_db, "synth", "--outcome", "sai_latent", "--treated",
                   "昌吉回族自治州", "--level", "prefecture", "--no-placebos", "--lang", "zh")
    assert "昌吉回族自治州（652300）" in chinese and "该地州" in chinese


def test_dose_response_at_prefecture_level_says_prefecture(report_demo_db):
    text = _run(report_demo_db, "dose-response", "--outcome", "sai_latent", "--level",
                "prefecture", "--lang", "zh")
    assert "个地州的" in text and "地州年" in text and "县" not in text


def test_instrumented_estimate_has_its_reading(report_demo_db):
    text = _run(report_demo_db, "estimate", "--outcome", "sai_latent", "--instrument",
                "donor_revenue")
    assert "the two-stage least squares estimate for the latent index (demo)" in text
    assert "The first stage is" in text and "Anderson–Rubin" in text


@pytest.mark.parametrize("command", [
    ["summary", "--from", "2015", "--to", "2016"],
    ["panel", "--level", "prefecture", "--from", "2015", "--to", "2016"],
    ["plan", "compliance", "--rule", "xinjiang_2010", "--from", "2015", "--to", "2016"],
])
def test_number_bearing_commands_state_their_coverage_on_stdout(report_demo_db, command):
    assert "Coverage: flows recorded for" in _run(report_demo_db, *command)


def _panel(n_units: int = 12, years=range(2010, 2016)) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for unit in range(n_units):
        cohort = (2013 if unit < 4 else 2014 if unit < 8 else 0)
        for year in years:
            effect = 0.2 if cohort and year >= cohort else 0.0
            rows.append((unit, year, cohort, float(np.exp(1 + 0.05 * unit + effect
                                                          + rng.normal(0, 0.05)))))
    return pd.DataFrame(rows, columns=["unit", "year", "cohort", "y"])


@pytest.mark.parametrize("rule, kept, note", [
    ("drop", 11, "natural log of y; 1 rows with y <= 0 left out"),
    ("log1p", 12, "log(1 + y), zeros kept"),
    ("none", 12, None),
])
def test_one_log_rule_states_the_sample(rule, kept, note):
    from pairaid.evaluate.did import event_study

    frame = _panel()
    frame.loc[(frame["unit"] == 9) & (frame["year"] == 2011), "y"] = 0.0
    result = event_study(frame, outcome="y", unit="unit", time="year", cohort="cohort",
                         log=rule)
    assert result.n_units == kept  # drop: the unit with a zero year leaves the balanced panel
    logs = [n for n in result.notes if n.startswith("logs:")]
    assert (logs == [f"logs: {note}"]) if note else not logs
    assert result.outcome == {"drop": "log(y)", "log1p": "log1p(y)", "none": "y"}[rule]


def test_log_takes_one_of_three_values_on_every_estimator(tmp_path):
    frame = _panel()
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    for command in (["event-study", "--cohort", "cohort", "--outcome", "y"],
                    ["dose-response", "--cohort", "cohort", "--outcome", "y", "--intensity",
                     "cohort"], ["estimate", "--outcome", "y", "--treatment", "cohort"]):
        bad = runner.invoke(app, [*command, "--data", str(path), "--log", "yes"])
        assert bad.exit_code == 2 and "drop" in bad.output, bad.output
    done = runner.invoke(app, ["event-study", "--data", str(path), "--cohort", "cohort",
                               "--outcome", "y", "--log", "drop", "--lang", "zh"])
    assert done.exit_code == 0, done.output
    assert "logs: natural log of y; no row has y <= 0" in done.stdout
    assert "交错双重差分" in done.stdout  # the reading, in Chinese
