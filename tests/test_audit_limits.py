"""An audit that knows its limits (issue 12): minimum samples for Benford, round numbers in the
office's recording unit, indicators with no observation, expected false alarms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.audit import audit_frames, round_numbers
from pairaid.audit.benford import (MINIMUM_SAMPLE, false_alarm_rate, minimum_sample,
                                   powered_sample)
from pairaid.audit.completeness import indicators_without_observations, missing_county_years
from pairaid.audit.money import benford, recording_unit


def _flows(amounts, donor="D", year=2015, kind="disbursement"):
    n = len(amounts)
    return pd.DataFrame({"donor": [donor] * n, "recipient": ["R"] * n, "year": [year] * n,
                         "kind": [kind] * n, "amount": np.asarray(amounts, dtype=float),
                         "currency": ["CNY"] * n, "sector": ["31120"] * n,
                         "ref": [str(i) for i in range(n)], "project": [None] * n,
                         "source": ["office"] * n, "round": [2010] * n})


def test_benford_on_12_amounts_is_not_run_and_says_why():
    amounts = np.round(10 ** np.random.default_rng(1).uniform(3, 7, 12))
    first, first_two = benford(pd.Series(amounts))
    assert first.severity == "info" and first.stats["run"] is False
    assert first.message.startswith("Benford first-digit test not run: 12 reported flow amounts")
    assert f"fewer than the {MINIMUM_SAMPLE['first']:,} it needs" in first.message
    assert "false alarm rate 100%" in first.message  # 12 clean amounts always miss the bands
    assert first.records.empty and first.expected_false_alarms is None
    assert first_two.stats["run"] is False


def test_minimum_samples_follow_from_power_and_false_alarms():
    # 80 % power against a quarter of amounts with uniform digits (non-central chi-square)
    assert powered_sample("first") == 599 and powered_sample("first_two") == 1516
    # ... and clean data flagged at most 5 % of the time by Nigrini's MAD bands
    assert {t: minimum_sample(t) for t in ("first", "first_two")} == MINIMUM_SAMPLE
    assert false_alarm_rate("first_two", 1516) > 0.5  # powered, but clean data fail it
    assert false_alarm_rate("first_two", MINIMUM_SAMPLE["first_two"]) <= 0.05


def test_benford_on_a_large_clean_sample_runs_and_states_its_false_alarms():
    amounts = np.round(10 ** np.random.default_rng(2).uniform(2, 8, 5000))
    first, first_two = benford(pd.Series(amounts))
    assert first.stats["run"] and first_two.stats["run"]
    assert first.severity == "info" and first.expected_false_alarms == pytest.approx(0.0)
    assert "flagged 0.0% of the time" in first.message


def test_amounts_recorded_in_wan_yuan_are_not_round_by_construction():
    rng = np.random.default_rng(3)
    # an office that records in 万元: integer 万元 amounts, multiples of 10^4 元 by construction
    wan = np.round(rng.lognormal(6, 1, 400)) * 10_000
    flows = _flows(wan)
    assert recording_unit(flows).to_dict() == {"D": 4}
    finding = round_numbers(flows)[0]
    assert finding.count == 0 and "record in units of 10^k 元 (D 10^4)" in finding.message
    # judged in 元 (the old test) the same amounts were "suspiciously round"
    judged_in_yuan = round_numbers(flows, recorded_in={"D": 0})[0]
    assert judged_in_yuan.count == 1 and judged_in_yuan.records["p_value"].iloc[0] < 1e-10
    # but rounding to 10^6 within a 万元 office is still found
    rounded = wan.copy()
    rounded[:200] = np.maximum(np.round(rounded[:200], -6), 1e6)
    flagged = round_numbers(_flows(rounded))[0]
    assert flagged.records[["donor", "unit", "power"]].values.tolist() == [["D", 4, 6]]
    assert flagged.expected_false_alarms == pytest.approx(1e-4)


def test_an_indicator_with_no_observation_is_reported():
    regions = pd.DataFrame({"code": ["c1", "c2"], "level": ["county", "county"]})
    observations = pd.DataFrame({"region": ["c1", "c2"], "year": [2020, 2020],
                                 "indicator": ["gdp", "gdp"], "value": [1.0, 2.0]})
    indicators = pd.DataFrame({"code": ["gdp", "rural_income"], "name_en": ["GDP", "Income"],
                               "unit": ["CNY", "CNY"]})
    finding = indicators_without_observations(observations, indicators)
    assert finding.severity == "warning" and finding.records["code"].tolist() == ["rural_income"]
    county = missing_county_years(observations, regions, indicators)[0]
    assert "rural_income" in county.message and "every indicator" not in county.message


def test_the_report_table_carries_expected_false_alarms():
    report = audit_frames({"flows": _flows([1234.0, 5678.0])})
    table = report.tidy().set_index("check")
    assert "expected_false_alarms" in table.columns
    assert table.loc["round_numbers", "expected_false_alarms"] == pytest.approx(1e-4)
    assert "indicators_without_observations" in table.index
