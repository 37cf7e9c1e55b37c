"""The headline table against hand-computed figures; the demo's against the published ones."""

from __future__ import annotations

import json

import pytest

from pairaid.ingest import import_frames
from pairaid.summary import summarise

from hand_ledger import hand_frames


@pytest.fixture
def ledger(store):
    import_frames(store, hand_frames(), source="test")
    return store


def test_headline_figures_by_hand(ledger):
    result = summarise(ledger, 2020, 2021)
    value = {f.key: f.value for f in result.figures}
    assert value["funds_disbursed"] == pytest.approx(100 + 70 + 1000 + 50)
    assert value["funds_committed"] == pytest.approx(500)
    assert value["disbursement_ratio"] == pytest.approx(1220 / 500)
    assert value["enterprises"] == 3 and value["enterprise_jobs"] == 20
    assert value["enterprise_investment"] == pytest.approx(1000)
    assert value["personnel"] == 7 and value["person_months"] == pytest.approx(72)
    assert value["projects"] == 1 and value["projects_completed"] == 0
    # GDP: the counties reporting in both years are a1 and a2 (40 → 44)
    assert value["gdp_multiple"] == pytest.approx(44 / 40)
    assert value["gdp_cagr"] == pytest.approx(0.1)
    # income, population-weighted over a1 and a2: 1750 → 1925
    assert value["rural_income_gain"] == pytest.approx(
        (110 * 1100 + 330 * 2200) / 440 - (100 * 1000 + 300 * 2000) / 400)
    assert value["rural_income_growth"] == pytest.approx(1925 / 1750 - 1)
    assert result.figure("gdp_multiple").note.startswith("county-level observations; 2 county")
    by_year = result.funds_by_year.set_index("year")
    assert by_year.loc[2020, "disbursed"] == pytest.approx(1170)
    assert by_year.loc[2021, "committed"] == pytest.approx(500)
    assert result.funds_by_donor.iloc[0]["share"] == pytest.approx(1.0)
    assert all(f.period for f in result.figures)
    money = [f for f in result.figures if f.unit == "CNY"]
    assert money and all(f.basis == "CNY, nominal (current) prices" for f in money)


def test_summary_in_other_currency_and_prices(ledger):
    usd = summarise(ledger, 2020, 2020, currency="USD")
    assert usd.figure("funds_disbursed").value == pytest.approx(1170 / 7)
    constant = summarise(ledger, 2020, 2021, prices="constant:2020")
    assert constant.figure("funds_committed").value == pytest.approx(500 * 100 / 110)
    assert constant.to_dict()["prices"] == "constant:2020"


def test_summary_json_is_plain_json(ledger):
    payload = json.loads(json.dumps(summarise(ledger).to_dict()))
    assert payload["synthetic"] is False
    assert {"key", "label", "value", "unit", "period", "basis", "source"} <= set(payload["figures"][0])
    assert payload["period"] == {"from": 2020, "to": 2021}


def test_published_figures_are_compared_over_their_own_period(ledger):
    ledger.set_meta(published_figures=json.dumps([
        {"figure": "paired assistance funds allocated", "value": "1000", "unit": "CNY",
         "period": "2020-2020", "source": "test"},
        {"figure": "regional GDP", "value": "doubled", "unit": "ratio", "period": "2019-2030",
         "source": "test"}]))
    result = summarise(ledger, 2020, 2021)
    funds = result.figure("funds_disbursed").published
    assert funds["ledger_period"] == "2020–2020"
    assert funds["ledger_value"] == pytest.approx(1170)  # 2020 only, not the 1220 of 2020–2021
    gdp = result.figure("gdp_multiple").published
    assert gdp["ledger_period"] == "2020–2021"  # clipped to the years the ledger holds
    assert gdp["ledger_value"] == pytest.approx(44 / 40)


def test_json_tables_keep_every_digit(ledger):
    """`summary --json` tables are the frames' values exactly (pandas' to_json would round to 10
    decimal places, and the report compares figures for equality)."""
    usd = summarise(ledger, 2020, 2020, currency="USD")
    payload = json.loads(json.dumps(usd.to_dict()))
    assert [row["disbursed"] for row in payload["funds_by_year"]] == \
        usd.funds_by_year["disbursed"].tolist()
    assert [row["disbursed"] for row in payload["funds_by_pair"]] == \
        usd.funds_by_pair["disbursed"].tolist()
    assert [row["share"] for row in payload["funds_by_donor"]] == \
        usd.funds_by_donor["share"].tolist()
