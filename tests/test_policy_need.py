"""Need for `plan match` (issue 14): components in residents, weights as shares of the need,
missing data refused by name; on the demo, a need with the index deficit moves support towards
the counties whose index is lowest."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.policy import PolicyError
from pairaid.policy.need import need_of, parse_need

runner = CliRunner()

RECIPIENTS = pd.DataFrame({"recipient": ["A", "B", "C"], "population": [100.0, 300.0, 600.0],
                           "rural_income": [5000.0, 10000.0, 20000.0],
                           "index_score": [0.2, 0.5, 0.9], "poverty": [40.0, 10.0, 0.0]})


def test_population_alone_is_the_population():
    table = need_of(RECIPIENTS, parse_need("population"))
    assert table["need"].tolist() == [100.0, 300.0, 600.0]


def test_income_gap_by_hand():
    # reference = 20000 (highest); gaps: 100*(15000/20000)=75, 300*(10000/20000)=150, 0
    # rescaled to the total population 1000: 75/225*1000, 150/225*1000, 0
    table = need_of(RECIPIENTS, parse_need("income_gap"))
    np.testing.assert_allclose(table["need"], [1000 / 3, 2000 / 3, 0.0])
    # half population, half income gap
    both = need_of(RECIPIENTS, parse_need("population=1,income_gap=1"))
    np.testing.assert_allclose(both["need"], [(100 + 1000 / 3) / 2, (300 + 2000 / 3) / 2, 300.0])
    assert both["need"].sum() == pytest.approx(1000.0)


def test_reference_income_given_and_poverty_in_percent():
    # reference 40000: gaps 100*35000/40000=87.5, 300*0.75=225, 600*0.5=300 -> /612.5*1000
    table = need_of(RECIPIENTS, parse_need("income_gap", reference_income=40000))
    np.testing.assert_allclose(table["need"], np.array([87.5, 225, 300]) / 612.5 * 1000)
    # poverty: 100*0.4=40, 300*0.1=30, 0 -> /70*1000
    poor = need_of(RECIPIENTS, parse_need("poverty"))
    np.testing.assert_allclose(poor["need"], [4000 / 7, 3000 / 7, 0.0])


def test_index_deficit_by_hand():
    # 100*0.8=80, 300*0.5=150, 600*0.1=60 -> /290*1000
    table = need_of(RECIPIENTS, parse_need("index_deficit=2"))
    np.testing.assert_allclose(table["need"], np.array([80, 150, 60]) / 290 * 1000)


@pytest.mark.parametrize("text, message", [
    ("wealth=1", "unknown component 'wealth'"),
    ("population=x", "weight of 'population' must be a number"),
    ("population=-1", "must be ≥ 0"),
    ("population=0", "at least one component"),
    ("population,population", "given twice"),
])
def test_bad_need_specs_are_refused_clearly(text, message):
    with pytest.raises(PolicyError, match=message):
        parse_need(text)


def test_missing_data_is_refused_by_name_not_zeroed():
    gappy = RECIPIENTS.assign(rural_income=[5000.0, np.nan, 20000.0])
    with pytest.raises(PolicyError, match="rural_income is not recorded for B"):
        need_of(gappy, parse_need("income_gap"))
    with pytest.raises(PolicyError, match="no index_score"):
        need_of(RECIPIENTS.drop(columns="index_score"), parse_need("index_deficit"))


def test_index_deficit_on_the_demo_moves_support_to_low_index_counties(report_demo_db):
    def run(need):
        result = runner.invoke(app, ["plan", "match", "--rule", "xinjiang_2010", "--year", "2019",
                                     "--db", str(report_demo_db), "--time-limit", "5",
                                     "--need", need, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    plain, deficit = run("population"), run("population=1,index_deficit=1")
    assert "need = 50% population + 50% index deficit" in deficit["label"]["source"]
    import pairaid

    with pairaid.open(report_demo_db) as ledger:
        scores = ledger.index().table
    scores = scores[scores["time"] == 2019].set_index("unit")["score"]
    merged = pd.DataFrame(plain["assignment"]).set_index("recipient")[["support_yuan"]].join(
        pd.DataFrame(deficit["assignment"]).set_index("recipient")["support_yuan"]
        .rename("with_deficit")).join(scores)
    shift = merged["with_deficit"] / merged["support_yuan"]
    # the support ratio falls as the index rises: low-index counties gain
    assert np.corrcoef(shift, merged["score"])[0, 1] < -0.5
    for document in (plain, deficit):
        optimal = document["equity"]["optimal"]
        assert optimal["gini_per_unit_of_need"] < document["equity"][
            "current (recorded flows)"]["gini_per_unit_of_need"]
