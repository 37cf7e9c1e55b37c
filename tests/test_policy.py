"""The programme's funding rules: arithmetic, the demo's real 2019 revenue, compliance, bad rules."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.ledger import Store
from pairaid.policy import PolicyError, RuleError, commitments, compliance, load_rule, parse_rule

runner = CliRunner()


def _revenue(rows):
    return pd.DataFrame(rows, columns=["region", "year", "value_yuan", "flag"])


def test_wenchuan_arithmetic():
    """国办发〔2008〕53号: at least 1 % of the previous year's local fiscal revenue."""
    rule = load_rule("wenchuan_2008")
    result = commitments(rule, 2009, _revenue([("X", 2008, 278.5e9, "")]), {"D": "X"})
    row = result.table.iloc[0]
    assert row["low_yuan"] == pytest.approx(2.785e9, rel=1e-12)
    assert np.isnan(row["high_yuan"]) and result.total_high is None
    assert "1 % × 278.50 bn (2008, official) = 2.79 bn at least" == row["arithmetic"]
    with pytest.raises(PolicyError, match="covers 2008–2010, not 2011"):
        commitments(rule, 2011, _revenue([("X", 2010, 1e9, "")]), {"D": "X"})


def test_xinjiang_2020_on_the_demo_is_a_share_of_the_real_2019_revenue(report_demo_db):
    """18 provinces' 2019 general budget revenue (CSY 2020 table 7-5) × 0.3–0.6 %."""
    text = resources.files("pairaid.demo").joinpath("data", "revenue_2019_by_province.csv")
    table = pd.read_csv(text.open(encoding="utf-8"))
    donors = table[table["is_xj_donor"] == 1]
    assert len(donors) == 18
    real = donors["gpb_revenue_100m_yuan"].sum() * 1e8  # 亿元 → yuan
    result = runner.invoke(app, ["plan", "commitments", "--rule", "xinjiang_2010", "--year", "2020",
                                 "--db", str(report_demo_db), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["total_low_yuan"] == pytest.approx(0.003 * real, rel=1e-9)
    assert document["total_high_yuan"] == pytest.approx(0.006 * real, rel=1e-9)
    assert round(document["total_low_yuan"] / 1e9, 1) == 24.2
    assert round(document["total_high_yuan"] / 1e9, 1) == 48.4
    rows = pd.DataFrame(document["rows"])
    assert len(rows) == 18 and set(rows["revenue_flag"]) == {"official"}
    assert rows.loc[rows["base_name"] == "Guangdong", "donors"].item() == "GD+SZ"
    beijing = rows.loc[rows["base_name"] == "Beijing"].iloc[0]
    assert beijing["low_yuan"] == pytest.approx(0.003 * 5817.10e8, rel=1e-9)
    assert any("18.8 billion" in line and "covers 2019, not 2020" in line
               for line in document["comparison"])


def test_compliance_statuses_and_growth_path():
    rule = parse_rule(load_rule_text("xinjiang_2010").replace("from = 2011", "from = 2011"),
                      "x.toml")
    revenue = _revenue([("B", year, 100e9, "") for year in range(2010, 2020)])
    flows = pd.DataFrame({"donor": ["D", "D", "D", "D"], "recipient": ["r", "r", "r", "r"],
                          "year": [2011, 2012, 2013, 2015],
                          "amount_yuan": [0.2e9, 0.5e9, 0.7e9, 0.4e9]})
    result = compliance(rule, revenue, {"D": "B"}, flows, 2011, 2015)
    by_year = result.by_year.set_index("year")
    assert by_year["status"].to_dict() == {2011: "below", 2012: "within", 2013: "above",
                                           2014: "not_recorded", 2015: "within"}
    assert by_year.loc[2011, "shortfall_yuan"] == pytest.approx(0.1e9)
    assert by_year.loc[2013, "surplus_yuan"] == pytest.approx(0.1e9)
    assert by_year.loc[2014, "shortfall_yuan"] == 0  # missing is not zero
    growth = result.growth.set_index("year")
    assert growth.loc[2012, "expected_yuan"] == pytest.approx(0.2e9 * 1.08)
    assert growth.loc[2015, "expected_yuan"] == pytest.approx(0.2e9 * 1.08 ** 4)
    assert growth.loc[2013, "ratio"] == pytest.approx(0.7 / (0.2 * 1.08 ** 2))


def load_rule_text(name: str) -> str:
    return resources.files("pairaid.policy").joinpath("rules_data", f"{name}.toml").read_text("utf-8")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("[share]", "[shares]"), r"x\.toml: missing section \[share\]"),
    (lambda t: t.replace("low = 0.003", "low = 0.3").replace("high = 0.006", "high = 0.6"),
     r"x\.toml \[share\]: shares are fractions .*0\.003 is 0\.3 %"),
    (lambda t: t.replace('status = "reported"', 'status = "rumoured"'),
     r"status 'rumoured' must be one of verbatim, reported"),
    (lambda t: t.replace("lag = 1", 'lag = "one"'), r"\[base\]: 'lag' must be int"),
    (lambda t: t.replace("to = 2020", "to = 2001"), r"from 2011 to 2001 is not a period"),
    (lambda t: t + "\n[extra]\nx = 1\n", r"unknown section\(s\) extra"),
    (lambda t: t.replace("[rule]", "[rule"), r"x\.toml: not valid TOML"),
])
def test_bad_rule_files_are_refused_clearly(edit, message):
    with pytest.raises(RuleError, match=message):
        parse_rule(edit(load_rule_text("xinjiang_2010")), "x.toml")


def test_cli_errors_and_compliance_on_the_demo(report_demo_db, tmp_path):
    missing = runner.invoke(app, ["plan", "commitments", "--rule", "nope", "--year", "2020",
                                  "--db", str(report_demo_db)])
    assert missing.exit_code == 2 and "no such rule" in missing.output
    table = tmp_path / "compliance.csv"
    result = runner.invoke(app, ["plan", "compliance", "--rule", "xinjiang_2010", "--db",
                                 str(report_demo_db), "--from", "2012", "--to", "2014", "--json",
                                 "-o", str(table)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert "missing is not zero" in document["caveat"]
    frame = pd.read_csv(table)
    assert sorted(frame["year"].unique()) == [2012, 2013, 2014] and len(frame) == 18 * 3
    # the table carries its label when it travels: money basis, source, synthetic demo
    assert set(frame["money"]) == {"CNY, nominal (current) prices"}
    assert frame["synthetic"].all() and frame["source"].str.contains("China Daily").all()
    assert document["label"]["synthetic"] is True
    with Store.open(report_demo_db, create=False) as store:
        flows = store.read_table("flows")
    disbursed = flows[(flows["kind"] == "disbursement") & (flows["year"] == 2013)
                      & flows["donor"].isin(["GD", "SZ"]) & (flows["currency"] == "CNY")]["amount"].sum()
    guangdong = frame[(frame["base_name"] == "Guangdong") & (frame["year"] == 2013)].iloc[0]
    assert guangdong["recorded_yuan"] >= disbursed  # CNY flows, plus any converted USD ones


def test_match_on_the_demo_is_never_worse_than_todays_pairing(report_demo_db):
    result = runner.invoke(app, ["plan", "match", "--rule", "xinjiang_2010", "--year", "2019",
                                 "--db", str(report_demo_db), "--time-limit", "5", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)  # nothing but JSON on stdout (HiGHS's banner muted)
    assert document["objective"] <= document["current_objective"] + 1e-9
    assignment = pd.DataFrame(document["assignment"])
    assert assignment["recipient"].is_unique
    assert set(document["equity"]) == {"current (recorded flows)", "optimal"}
    with Store.open(report_demo_db, create=False) as store:
        donors = set(store.read_table("donors")["code"])
    assert set(assignment["donor"]) <= donors


def test_match_equity_has_the_between_group_theil_by_hand(report_demo_db):
    """Theil between prefectures and between census minority-share bands of the recorded flows
    (issue 14 item 3), against T_between = Σ_g (Y_g / Y) ln(μ_g / μ) written out here; the
    optimal allocation's are near nil."""
    import numpy as np

    from pairaid.panel import build_panel
    from pairaid.policy import load_rule
    from pairaid.policy.ledger import match_on_ledger

    with Store.open(report_demo_db, create=False) as store:
        result, equity = match_on_ledger(store, load_rule("xinjiang_2010"), 2019, node_limit=0)
        panel = build_panel(store, "county", 2019, 2019).frame.set_index("unit")
    table = result.assignment.set_index("recipient")
    money = table["recorded_yuan"].dropna()
    people = panel.loc[money.index, "population"].astype(float)
    share = panel.loc[money.index, "minority_share"].astype(float)

    def between(groups):
        total, mean = money.sum(), money.sum() / people.sum()
        return sum(money[m].sum() / total * np.log((money[m].sum() / people[m].sum()) / mean)
                   for m in (groups == g for g in groups.unique()))

    bands = pd.cut(share, [0, 25, 50, 75, 100], include_lowest=True).astype(str)
    current = equity["current (recorded flows)"]
    assert current["theil_between_minority_bands"] == pytest.approx(between(bands), rel=1e-9)
    assert current["theil_between_prefectures"] == pytest.approx(
        between(panel.loc[money.index, "parent"].astype(str)), rel=1e-9)
    assert current["theil_between_minority_bands"] > 0.01  # the demo's spread is not nil
    assert equity["optimal"]["theil_between_minority_bands"] < 0.01
