"""The audit finds every anomaly planted in the demo ledger, and `pairaid audit` reports them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from pairaid.audit import audit_frames, audit_ledger
from pairaid.cli.audit import audit
from pairaid.demo import build_frames
from pairaid.ledger import Store

SEED = 2010
runner = CliRunner()


@pytest.fixture(scope="module")
def demo(report_demo_db) -> tuple[Path, dict]:
    """The demo ledger (seed 2010) the test run shares (conftest.report_demo_db); read only."""
    path = report_demo_db  # built with seed SEED
    with Store.open(path, create=False) as store:
        planted = json.loads(store.meta()["planted_anomalies"])  # what the demo ledger records
    return path, planted


@pytest.fixture(scope="module")
def report(demo):
    path, _ = demo
    with Store.open(path, create=False) as store:
        return audit_ledger(store)


def _keys(frame: pd.DataFrame, columns: list[str]) -> set[tuple]:
    return set(frame[columns].astype(str).itertuples(index=False, name=None))


def _planted_keys(rows: list[dict], columns: list[str]) -> set[tuple]:
    return _keys(pd.DataFrame(rows), columns)


def test_planted_set_is_fixed_and_documented(demo):
    _, planted = demo
    assert len(planted["exact_duplicates"]) == 5 and len(planted["near_duplicates"]) == 5
    assert len(planted["cost_outliers"]) == 10 and len(planted["delayed_projects"]) == 3
    assert len(planted["ratio_high"]) == 3 and len(planted["ratio_low"]) == 3
    assert len(planted["flows_without_source"]) == 20
    assert planted == build_frames(SEED)["flows"].attrs["planted_anomalies"]  # seeded
    doc = (Path(__file__).parents[1] / "docs" / "demo.md").read_text(encoding="utf-8")
    assert "Planted anomalies" in doc and "planted_anomalies" in doc


def test_report_says_synthetic(report):
    assert report.synthetic
    assert "SYNTHETIC" in report.summary and "SYNTHETIC" in report.to_json()
    assert "SYNTHETIC" in report._repr_html_()


def test_exact_duplicates_found(report, demo):
    _, planted = demo
    records = report.by_check("exact_duplicates").records
    key = ["donor", "recipient", "year", "sector", "ref"]
    assert _planted_keys(planted["exact_duplicates"], key) <= _keys(records, key)
    assert report.by_check("exact_duplicates").stats["groups"] == 5  # nothing else


def test_near_duplicates_found(report, demo):
    _, planted = demo
    records = report.by_check("near_duplicates").records
    same = records[records["same_sector"]]
    refs = set(same["ref_a"]) | set(same["ref_b"])
    for row in planted["near_duplicates"]:
        assert row["ref"] in refs
    assert len(same) == 5  # only the planted ones share a sector


def test_disbursement_ratio_extremes_found(report, demo):
    _, planted = demo
    records = report.by_check("disbursement_ratio").records
    ratio = records.assign(year=records["year"].astype(int)).set_index(
        ["donor", "recipient", "year"])["ratio"]
    for row in planted["ratio_high"]:
        assert ratio[(row["donor"], row["recipient"], row["year"])] > 1.5
    for row in planted["ratio_low"]:
        assert ratio[(row["donor"], row["recipient"], row["year"])] < 0.3
    assert len(records) == 6  # no false positives on the demo


def test_round_number_donor_year_found(report, demo):
    _, planted = demo
    records = report.by_check("round_numbers").records
    row = planted["round_numbers"]
    hit = records[(records["donor"] == row["donor"]) & (records["year"] == row["year"])
                  & (records["kind"] == "disbursement")]
    assert len(hit) == 1 and hit["power"].iloc[0] == 6
    assert hit["multiples"].iloc[0] == row["rows"]
    assert len(records) == 1


def test_cost_outliers_found(report, demo):
    _, planted = demo
    finding = report.by_check("cost_outliers")
    high = finding.records[finding.records["robust_z"] > 3.5]
    assert set(planted["cost_outliers"]) <= set(high["project"])
    # stated rate on the demo: outliers besides the planted ones stay under 0.5 % of outputs
    others = finding.records[~finding.records["project"].isin(planted["cost_outliers"])]
    assert len(others) / finding.stats["tested"] < 0.005


def test_delayed_projects_found(report, demo):
    _, planted = demo
    records = report.by_check("project_delays").records
    assert set(records["code"]) == set(planted["delayed_projects"])
    assert report.by_check("budget_overrun").severity == "info"  # not assessable, and says so
    assert "cannot be assessed" in report.by_check("budget_overrun").message


def test_flows_without_source_found(report, demo):
    _, planted = demo
    records = report.by_check("flows_without_source").records
    key = ["donor", "recipient", "year", "kind", "sector"]
    assert _planted_keys(planted["flows_without_source"], key) <= _keys(records, key)
    assert len(records) == 20
    assert report.by_check("observations_without_source").count == 0


def test_missing_county_years_found(report):
    finding = report.by_check("missing_county_years")
    assert 0.02 < finding.stats["share"] < 0.04  # the demo's ~3 % at random
    assert len(finding.stats["mostly_missing_county_years"]) == 6  # its 6 blank county-years


def test_benford_on_demo_amounts(report):
    first = report.by_check("benford_first")
    assert first.stats["n"] > 20_000 and first.stats["excluded"] == 0
    assert first.stats["conformity"] in ("close conformity", "acceptable conformity")


def test_frames_and_ledger_give_the_same_report(report):
    frames = build_frames(SEED)
    direct = audit_frames(frames, synthetic=True)
    assert direct.tidy()[["check", "count"]].equals(report.tidy()[["check", "count"]])


# -- CLI -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The real command line, as users run it (commands are registered in cli/main.py)."""
    from pairaid.cli.main import app as real_app

    return real_app


def test_cli_json(app, demo):
    path, _ = demo
    result = runner.invoke(app, ["audit", "--db", str(path), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["synthetic"] and any("SYNTHETIC" in n for n in data["notes"])
    checks = {f["check"]: f for f in data["findings"]}
    assert checks["exact_duplicates"]["count"] == 10
    assert all(f["message"] for f in data["findings"])


def test_cli_text_and_bad_db(app, demo, tmp_path):
    path, _ = demo
    result = runner.invoke(app, ["audit", "--db", str(path)], catch_exceptions=False)
    assert result.exit_code == 0 and "SYNTHETIC" in result.output
    assert "exact_duplicates" in result.output
    missing = runner.invoke(app, ["audit", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 2
    assert audit.__doc__ and "Example:" in audit.__doc__
