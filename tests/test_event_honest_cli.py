"""`pairaid event-study --honest` (CLI text and --json), the Python API's event study with
sensitivity, the minimum detectable effect, and the findings they read in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app

MPDTA = Path(__file__).parent / "reference" / "did" / "mpdta.csv"
ARGS = ["event-study", "--data", str(MPDTA), "--unit", "countyreal", "--time", "year",
        "--cohort", "first.treat", "--outcome", "lemp"]
runner = CliRunner()


@pytest.fixture(scope="module")
def honest_json() -> dict:
    # the one CLI run (≈ 6 s: the estimate, its 999-draw pre-trend bootstrap, the universal-base
    # rerun, both restrictions); the effect at 0 is not significant, so no breakdown search
    out = runner.invoke(app, ARGS + ["--honest", "--json"],
                        catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def honest_result():
    from pairaid.api import event_study_frame

    return event_study_frame(pd.read_csv(MPDTA), "lemp", unit="countyreal", time="year",
                             cohort="first.treat", honest=("rm", "sd"), honest_target=1,
                             wild_reps=19)


def test_json_carries_both_restrictions_and_the_mde(honest_json):
    found = {s["restriction"]: s for s in honest_json["sensitivity"]}
    assert set(found) == {"relative_magnitudes", "smoothness"}
    rm = found["relative_magnitudes"]
    assert rm["parameter"] == "Mbar" and [i["M"] for i in rm["intervals"]] == [0.5, 1, 1.5, 2]
    assert rm["pre_periods"] == [-4, -3, -2] and rm["post_periods"] == [0, 1, 2, 3]
    assert rm["target"] == "event time 0"
    # R HonestDiD's original interval on mpdta (tests/reference/honestdid): covers zero, so
    # the breakdown value is 0
    assert rm["original"]["conf_low"] == pytest.approx(-0.043111064411112787, abs=1e-9)
    assert rm["original"]["conf_high"] == pytest.approx(0.0032474308325932295, abs=1e-9)
    assert rm["breakdown"] == 0 and not any(i["excludes_zero"] for i in rm["intervals"])
    # the varying-base (default) result keeps its base period; the sensitivity says where from
    assert honest_json["base_period"] == "varying" and "universal-base" in rm["notes"][-1]
    sd = found["smoothness"]
    assert sd["intervals"][0]["M"] == 0 and len(sd["intervals"]) == 10
    # MDE = (z_0.975 + z_0.8) se of the simple ATT = 2.8016 se
    simple = honest_json["aggregations"]["simple"]
    assert honest_json["mde"]["estimate"] == pytest.approx(2.801585 * simple["std_error"],
                                                            rel=1e-6)
    assert len(honest_json["mde"]["by_event_time"]) == 4


def test_text_prints_the_breakdown_values(honest_result):
    # the CLI prints `summary` (and the ledger path calls the same event_study_frame)
    text = honest_result.summary
    for found in honest_result.sensitivity:
        # the effect at event time 1 is significant under parallel trends and loses it at the
        # breakdown value: every interval at or below it excludes zero, every one above covers it
        assert found.original[1] < 0 and 0 < found.breakdown < 2
        assert all(i.excludes_zero == (i.value <= found.breakdown) for i in found.intervals)
    assert "breakdown Mbar:" in text and "breakdown M:" in text
    assert "Minimum detectable effect" in text


def test_bad_target_is_one_line_exit_2():
    out = runner.invoke(app, ARGS + ["--honest", "--honest-target", "soon"])
    assert out.exit_code == 2 and "--honest-target" in out.output
    assert "Traceback" not in out.output


def test_findings_read_alike_in_both_languages(honest_result):
    from pairaid.findings.evaluate import event_study_findings
    from pairaid.readings import render

    found = {f.key: f for f in event_study_findings(honest_result)}
    assert {"event_study.honest.rm", "event_study.honest.sd"} <= set(found)
    assert any(k.startswith("event_study.mde") for k in found)
    rm = found["event_study.honest.rm"]
    assert rm.verdict == "below_zero" and rm.values["first"].value == 1
    assert rm.values["breakdown"].value == pytest.approx(honest_result.sensitivity[0].breakdown)
    for f in found.values():
        numbers = [sorted(re.findall(r'data-value="([^"]*)"', str(render(f, lang))))
                   for lang in ("en", "zh")]
        assert numbers[0] == numbers[1] and numbers[0], f.key
