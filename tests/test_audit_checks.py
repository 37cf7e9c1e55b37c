"""Audit checks one by one: false-positive rates on clean synthetic data, and bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pairaid.audit import (
    AuditDataError,
    AuditReport,
    Finding,
    audit_frames,
    cost_per_output,
    delays,
    disbursement_ratio,
    duplicates,
    robust_z,
    round_numbers,
)
from pairaid.audit.completeness import missing_county_years, without_source
from pairaid.ingest.tables import TABLES

SECTORS = ("16030", "11120", "12230", "31120", "31140", "21020", "25010")
#: stated false-positive rates on clean data (what the tests below hold the checks to)
RATE_COST_OUTLIERS = 0.01       # robust-z outliers per project output
RATE_RATIO = 0.0                # pairing-years outside [0.5, 1.5]
RATE_ROUND = 0.01               # donor-years flagged for round numbers
RATE_NEAR_SAME_SECTOR = 0.0     # same-sector near-duplicate pairs per flow


def _table(name: str, data: dict) -> pd.DataFrame:
    columns = TABLES[name].column_names
    n = max(len(v) for v in data.values() if np.ndim(v))
    return pd.DataFrame({c: data.get(c, [None] * n) for c in columns})


def clean_flows(seed: int = 1, pairings: int = 300, years=range(2012, 2022)) -> pd.DataFrame:
    """One disbursement and one commitment per pairing, year and sector; nothing planted."""
    rng = np.random.default_rng(seed)
    donors = np.array([f"D{k % 19:02d}" for k in range(pairings)])
    recipients = np.array([f"R{k:04d}" for k in range(pairings)])
    p, y, s = np.meshgrid(np.arange(pairings), np.array(list(years)), np.arange(len(SECTORS)),
                          indexing="ij")
    p, y, s = p.ravel(), y.ravel(), s.ravel()
    disbursed = np.round(rng.lognormal(16, 1.0, len(p)))
    ratio = rng.uniform(0.88, 0.99, (pairings, len(years)))[p, y - min(years)]
    amount = np.concatenate([disbursed, np.round(disbursed / ratio)])
    kind = np.repeat(["disbursement", "commitment"], len(p))
    return _table("flows", {
        "donor": np.tile(donors[p], 2), "recipient": np.tile(recipients[p], 2),
        "year": np.tile(y, 2), "kind": kind, "amount": amount, "currency": "CNY",
        "sector": np.tile(np.array(SECTORS)[s], 2), "source": "office ledger", "ref": ""})


def clean_projects(seed: int = 2, n: int = 4000) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    sector = rng.choice(SECTORS, n)
    unit_cost = dict(zip(SECTORS, [4e4, 3.5e5, 3e5, 6e4, 2e4, 1.5e6, 3e6]))
    budget = np.round(rng.lognormal(15, 0.8, n), -3)
    target = budget / pd.Series(sector).map(unit_cost).to_numpy() * rng.lognormal(0, 0.3, n)
    codes = np.array([f"P{k:05d}" for k in range(n)])
    projects = _table("projects", {"code": codes, "donor": "D00", "recipient": "R0000",
                                   "title": "t", "sector": sector, "start_year": 2015,
                                   "end_year": 2016, "budget": budget, "currency": "CNY",
                                   "status": "completed"})
    outputs = _table("outputs", {"project": codes, "indicator": "output_" + sector, "unit": "u",
                                 "year": 2016, "baseline": 0.0, "target": np.round(target, 1),
                                 "actual": np.round(target * rng.uniform(0.7, 1.1, n), 1)})
    return projects, outputs


RATES = _table("rates", {"currency": ["USD"], "base": ["CNY"], "year": [2015], "rate": [6.2]})


# -- false-positive rates on clean synthetic data --------------------------------------------------
def test_cost_outlier_rate_on_clean_projects():
    projects, outputs = clean_projects()
    finding = cost_per_output(projects, outputs)[1]
    assert finding.check == "cost_outliers"
    assert finding.count / len(outputs) <= RATE_COST_OUTLIERS
    # and a project 15× the norm is found among them
    outputs.loc[0, ["target", "actual"]] = outputs.loc[0, ["target", "actual"]] / 15
    flagged = cost_per_output(projects, outputs)[1].records
    assert "P00000" in set(flagged["project"])


def test_ratio_round_number_and_duplicate_rates_on_clean_flows():
    flows = clean_flows()
    ratio = disbursement_ratio(flows, RATES)[0]
    assert ratio.count <= RATE_RATIO * ratio.stats["pairing_years"]
    assert ratio.severity == "info"
    rounds = round_numbers(flows)[0]
    donor_years = flows[["donor", "year", "kind"]].drop_duplicates().shape[0]
    assert rounds.count <= RATE_ROUND * donor_years
    exact, near = duplicates(flows)
    assert exact.count == 0 and exact.severity == "info"
    assert near.stats["same_sector"] <= RATE_NEAR_SAME_SECTOR * len(flows)
    # coincidences across sectors happen; on lognormal(σ=1) amounts and 7 sectors they stay rare
    assert near.stats["different_sector"] / len(flows) < 0.015  # measured 0.8 %


def test_robust_z_matches_definition():
    x = pd.Series([1.0, 2.0, 3.0, 4.0, 100.0])
    z = robust_z(x)
    assert z.iloc[2] == 0 and np.isclose(z.iloc[4], 0.6745 * 97 / 1)
    assert robust_z(pd.Series([5.0, 5.0, 5.0])).isna().all()  # MAD 0: undefined, not infinite


# -- planted problems in small hand tables -----------------------------------------------------------
def test_duplicates_exact_and_near():
    flows = clean_flows(pairings=5, years=[2015])
    copy = flows.iloc[[0]].assign(ref="B")
    near = flows.iloc[[1]].assign(ref="C", amount=flows["amount"].iloc[1] * 1.003)
    exact, close = duplicates(pd.concat([flows, copy, near], ignore_index=True))
    assert exact.count == 2 and exact.stats["groups"] == 1 and exact.severity == "alert"
    assert close.stats["same_sector"] == 1
    assert set(close.records.loc[close.records["same_sector"], "ref_b"]) <= {"C", ""}


def test_round_numbers_flag_one_donor_year():
    flows = clean_flows(pairings=40, years=[2015, 2016])
    rows = (flows["donor"] == "D03") & (flows["year"] == 2016) & (flows["kind"] == "disbursement")
    flows.loc[rows, "amount"] = np.maximum(np.round(flows.loc[rows, "amount"], -6), 1e6)
    finding = round_numbers(flows)[0]
    assert finding.records[["donor", "year", "power"]].values.tolist() == [["D03", 2016, 6]]


def test_currency_conversion_in_ratio():
    flows = _table("flows", {"donor": ["A", "A"], "recipient": ["R", "R"], "year": [2015, 2015],
                             "kind": ["commitment", "disbursement"], "amount": [620.0, 100.0],
                             "currency": ["CNY", "USD"], "sector": ["16030", "16030"]})
    table = disbursement_ratio(flows, RATES)[0]
    assert table.count == 0 and table.stats["median_ratio"] == pytest.approx(1.0)


# -- bad input -------------------------------------------------------------------------------------
def test_empty_tables_give_a_report_that_says_so():
    report = audit_frames({})
    assert isinstance(report, AuditReport)
    assert all(f.severity == "info" for f in report.findings)
    messages = " ".join(f.message for f in report.findings)
    assert "cannot be computed" in messages and "No flows recorded" in messages
    assert json.loads(report.to_json())["findings"]
    assert "SYNTHETIC" not in report.summary


def test_missing_commitments_make_the_ratio_undefined_and_say_so():
    flows = clean_flows(pairings=4, years=[2015])
    flows = flows[~((flows["recipient"] == "R0001") & (flows["kind"] == "commitment"))]
    findings = {f.check: f for f in disbursement_ratio(flows, RATES)}
    undefined = findings["disbursement_ratio_undefined"]
    assert undefined.count == 1 and undefined.records["recipient"].tolist() == ["R0001"]
    assert "undefined" in undefined.message
    assert findings["disbursement_ratio"].stats["pairing_years"] == 3
    only_disbursed = flows[flows["kind"] == "disbursement"]
    none = {f.check: f for f in disbursement_ratio(only_disbursed, RATES)}
    assert none["disbursement_ratio_undefined"].count == 4


def test_non_positive_amounts_are_left_out_of_benford_with_a_count():
    flows = clean_flows(pairings=20, years=[2015])
    flows.loc[:9, "amount"] = 0.0
    report = audit_frames({"flows": flows, "rates": RATES})
    first = report.by_check("benford_first")
    assert first.stats["excluded"] == 10 and "10 excluded" in first.message


def test_missing_columns_are_an_error():
    with pytest.raises(AuditDataError, match="flows: missing columns"):
        audit_frames({"flows": pd.DataFrame({"amount": [1.0]})})


def test_completeness_and_sources():
    regions = _table("regions", {"code": ["P", "C1", "C2"], "name_zh": "x", "name_en": "x",
                                 "level": ["prefecture", "county", "county"],
                                 "parent_code": [None, "P", "P"]})
    obs = _table("observations", {
        "region": ["C1", "C2", "C1", "C2", "C1", "C1", "C2"],
        "year": [2015, 2015, 2016, 2016, 2015, 2016, 2015],
        "indicator": ["population"] * 4 + ["gdp", "gdp", "gdp"],
        "value": 1.0, "source": ["s", "s", "s", "s", "s", " ", None]})
    finding = missing_county_years(obs, regions)[0]
    assert finding.records.values.tolist() == [["gdp", "C2", 2016]]
    sources = without_source(obs, "observations", ["region", "year", "indicator"])
    assert sources.count == 2 and sources.severity == "warning"


def test_finding_validates_severity_and_serialises():
    with pytest.raises(ValueError):
        Finding("x", "fatal", "m")
    finding = Finding("x", "warning", "m", pd.DataFrame({"year": [np.int64(2015)],
                                                         "v": [np.nan]}), {"k": np.float64(1)})
    assert finding.to_dict() == {"check": "x", "severity": "warning", "message": "m", "count": 1,
                                 "expected_false_alarms": None,
                                 "stats": {"k": 1.0}, "records": [{"year": 2015, "v": None}]}


def test_delays_shortfalls_and_overruns():
    projects = _table("projects", {
        "code": ["A", "B", "C", "D"], "donor": "D00", "recipient": "R0000", "title": "t",
        "sector": "16030", "start_year": [2018, 2019, 2018, 2020],
        "end_year": [2019, 2022, None, 2021], "budget": [1e6, 2e6, 3e6, 4e6], "currency": "CNY",
        "status": ["ongoing", "ongoing", "completed", "completed"]})
    outputs = _table("outputs", {"project": ["C", "D"], "indicator": "housing_units",
                                 "unit": "count", "year": 2021, "baseline": 0.0,
                                 "target": [100.0, 100.0], "actual": [90.0, 30.0]})
    flows = _table("flows", {"donor": "D00", "recipient": "R0000", "year": 2020,
                             "kind": "disbursement", "amount": [1.5e6, 1e6, 0.5e6],
                             "currency": "CNY", "sector": "16030", "project": ["A", "B", "B"]})
    found = {f.check: f for f in delays(projects, outputs, flows, as_of=2021)}
    assert found["project_delays"].records["code"].tolist() == ["A"]  # B ends 2022: not late
    assert found["completed_without_end"].records["code"].tolist() == ["C"]
    assert found["output_shortfall"].records["project"].tolist() == ["D"]
    overrun = found["budget_overrun"].records
    assert overrun["code"].tolist() == ["A"] and overrun["ratio"].iloc[0] == pytest.approx(1.5)
    assert "1 of 2 projects" in found["budget_overrun"].message
