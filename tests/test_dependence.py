"""Fiscal dependence: shares against hand computations (incl. the 10k CNY conversion), the
self-financing trend against numpy.polyfit, the taper projection by hand, bad input, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pairaid.distribution.dependence import (DependenceError, Taper, dependence, money_scale,
                                             project_taper, trend_slopes)
from pairaid.ingest import import_frames
from pairaid.panel import build_panel

from hand_ledger import hand_frames

Z = 1.959963984540054
runner = CliRunner()


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "year", "funds_disbursement", "fiscal_revenue",
                                       "fiscal_expenditure"])


@pytest.mark.parametrize("unit, scale", [("CNY", 1.0), ("10k CNY", 1e4), ("万元", 1e4),
                                         ("100m CNY", 1e8), ("亿元", 1e8), ("yuan", 1.0),
                                         ("million CNY", 1e6), ("10000 CNY", 1e4)])
def test_money_scale_reads_the_indicator_unit(unit, scale):
    assert money_scale(unit, "CNY") == scale


@pytest.mark.parametrize("unit", ["kg/ha", "persons", "10k USD"])
def test_money_scale_refuses_other_units_and_currencies(unit):
    with pytest.raises(DependenceError):
        money_scale(unit, "CNY")


def test_shares_by_hand_with_10k_cny_conversion():
    # funds in yuan; budgets in 10k CNY: 200 → 2,000,000 yuan, 50 → 500,000 yuan
    frame = _frame([("a", 2020, 500_000.0, 50.0, 200.0), ("b", 2020, 0.0, 30.0, 40.0)])
    result = dependence(frame, fiscal_scale=1e4)
    a = result.table.set_index("unit").loc["a"]
    assert a["expenditure"] == 2_000_000
    assert a["share_of_expenditure"] == pytest.approx(0.25)
    assert a["share_of_revenue"] == pytest.approx(1.0)
    assert a["self_financing"] == pytest.approx(0.25)
    # without the conversion the share would be 10,000 times too large
    assert dependence(frame).table.set_index("unit").loc["a", "share_of_expenditure"] == 2500


def test_never_paired_units_get_share_zero_and_are_stated():
    frame = _frame([("a", 2020, 10.0, 5.0, 100.0), ("b", 2020, 0.0, 30.0, 40.0),
                    ("b", 2021, 0.0, 30.0, 50.0)])
    result = dependence(frame)
    b = result.table[result.table["unit"] == "b"]
    assert (b["share_of_expenditure"] == 0).all() and (b["share_of_revenue"] == 0).all()
    assert not b["recipient"].any()
    assert result.never_paired == 1
    assert any("1 units received no assistance" in n for n in result.notes)
    assert result.by_year.loc[result.by_year["year"] == 2020, "recipients"].item() == 1


def test_missing_fiscal_rows_are_dropped_and_counted():
    frame = _frame([("a", 2020, 10.0, 5.0, 100.0), ("a", 2021, 10.0, None, 100.0),
                    ("a", 2022, 10.0, 5.0, None)])
    result = dependence(frame)
    assert result.dropped_missing == 2 and len(result.table) == 1
    assert any("2 of 3 unit-years dropped" in n for n in result.notes)


@pytest.mark.parametrize("revenue, expenditure", [(5.0, 0.0), (5.0, -3.0), (-1.0, 10.0)])
def test_zero_or_negative_budgets_are_a_clear_error(revenue, expenditure):
    frame = _frame([("a", 2020, 10.0, 5.0, 100.0), ("a", 2021, 10.0, revenue, expenditure)])
    with pytest.raises(DependenceError, match="a 2021"):
        dependence(frame)


def test_zero_revenue_leaves_share_of_revenue_undefined():
    result = dependence(_frame([("a", 2020, 10.0, 0.0, 100.0)]))
    row = result.table.iloc[0]
    assert np.isnan(row["share_of_revenue"]) and row["self_financing"] == 0


def test_trend_slope_and_se_equal_polyfit_per_unit():
    rng = np.random.default_rng(3)
    units = np.repeat([f"u{k}" for k in range(20)], 12)
    years = np.tile(np.arange(2010, 2022), 20)
    ratio = 0.3 + rng.normal(0, 0.01, 20).repeat(12) * (years - 2010) + rng.normal(0, 0.02, 240)
    frame = pd.DataFrame({"unit": units, "year": years, "ratio": ratio})
    frame.loc[rng.choice(240, 30, replace=False), "ratio"] = np.nan  # unbalanced
    trends = trend_slopes(frame, "unit", "year", "ratio").set_index("unit")
    for name, rows in frame.dropna().groupby("unit"):
        coef, cov = np.polyfit(rows["year"], rows["ratio"], 1, cov=True)
        assert trends.loc[name, "slope"] == pytest.approx(coef[0], rel=1e-9)
        assert trends.loc[name, "std_error_ols"] == pytest.approx(np.sqrt(cov[0, 0]), rel=1e-6)
        assert trends.loc[name, "n"] == len(rows)


def test_trend_standard_error_is_newey_west_and_the_interval_t():
    """The reported SE equals statsmodels' HAC (Bartlett, ⌊4(n/100)^(2/9)⌋ lags, n/(n−2)); the
    interval uses t(n−2), wider than ±1.96 SE."""
    import statsmodels.api as sm
    from scipy import stats

    from pairaid.distribution.dependence import newey_west_lags

    rng = np.random.default_rng(5)
    rows = []
    for unit, n in (("a", 17), ("b", 12), ("c", 8)):
        shock = np.zeros(n)
        for t in range(1, n):  # AR(1) errors: what the HAC is for
            shock[t] = 0.7 * shock[t - 1] + rng.normal(0, 0.02)
        rows += [(unit, 2008 + t, 0.3 + 0.005 * t + shock[t]) for t in range(n)]
    frame = pd.DataFrame(rows, columns=["unit", "year", "ratio"])
    trends = trend_slopes(frame, "unit", "year", "ratio").set_index("unit")
    for name, part in frame.groupby("unit"):
        lags = int(newey_west_lags(len(part)))
        fit = sm.OLS(part["ratio"].to_numpy(), sm.add_constant(part["year"].to_numpy(float)))\
            .fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
        row = trends.loc[name]
        assert row["std_error"] == pytest.approx(fit.bse[1], rel=1e-8)
        half = stats.t.ppf(0.975, len(part) - 2) * row["std_error"]
        assert row["conf_high"] - row["slope"] == pytest.approx(half, rel=1e-12)
        assert half > 1.96 * row["std_error"]


def test_trend_needs_two_points_and_three_for_an_error():
    frame = pd.DataFrame({"unit": ["a", "b", "b"], "year": [2020, 2020, 2021],
                          "ratio": [0.1, 0.2, 0.4]})
    trends = trend_slopes(frame, "unit", "year", "ratio").set_index("unit")
    assert list(trends.index) == ["b"]
    assert trends.loc["b", "slope"] == pytest.approx(0.2) and np.isnan(trends.loc["b", "std_error"])


def test_taper_projection_by_hand():
    p = project_taper(Taper(0.2, 0.5, 0.1))
    assert p.dlog == pytest.approx(0.5 * np.log(0.8))
    assert p.dlog_se == pytest.approx(0.1 * -np.log(0.8))
    assert p.percent_change == pytest.approx(0.8 ** 0.5 - 1)   # -10.56 %
    low, high = p.conf_int()
    assert low == pytest.approx(0.8 ** (0.5 + Z * 0.1) - 1)
    assert high == pytest.approx(0.8 ** (0.5 - Z * 0.1) - 1)
    assert "not a forecast" in p.interpretation
    assert project_taper(Taper(0.0, 0.5, 0.1)).percent_change == 0


@pytest.mark.parametrize("cut", [-0.1, 1.0, 1.5])
def test_taper_must_be_a_share_below_one(cut):
    with pytest.raises(DependenceError):
        Taper(cut, 0.5, 0.1)


def test_taper_projects_outcome_levels_and_budget_gap():
    frame = _frame([("a", 2020, 100.0, 50.0, 1000.0)]).assign(sai=2.0)
    result = dependence(frame, taper=Taper(0.2, 0.5, 0.1, "sai"))
    row = result.table.iloc[0]
    assert row["sai_projected"] == pytest.approx(2.0 * 0.8 ** 0.5)
    assert row["sai_projected_low"] == pytest.approx(2.0 * 0.8 ** (0.5 + Z * 0.1))
    assert row["budget_gap_after_taper"] == pytest.approx(20 / 1000)
    assert json.loads(result.to_json())["taper"]["statement"].startswith("This is a projection")


@pytest.fixture
def fiscal_ledger(sqlite_store):
    frames = hand_frames()
    frames["indicators"] = pd.concat([frames["indicators"], pd.DataFrame(
        [["fiscal_revenue", "Revenue", "10k CNY", 1, "fiscal", "sum"],
         ["fiscal_expenditure", "Expenditure", "10k CNY", 0, "fiscal", "sum"]],
        columns=frames["indicators"].columns)], ignore_index=True)
    extra = [("a1", 2020, "fiscal_expenditure", 0.068), ("a1", 2020, "fiscal_revenue", 0.017),
             ("a2", 2020, "fiscal_expenditure", 1.0), ("a2", 2020, "fiscal_revenue", 0.5),
             ("a1", 2021, "fiscal_expenditure", 0.1), ("a1", 2021, "fiscal_revenue", 0.02)]
    frames["observations"] = pd.concat([frames["observations"], pd.DataFrame(
        [[r, y, c, v, "test"] for r, y, c, v in extra],
        columns=frames["observations"].columns)], ignore_index=True)
    import_frames(sqlite_store, frames, source="test")
    return sqlite_store


def test_panel_shares_use_the_indicator_unit(fiscal_ledger):
    panel = build_panel(fiscal_ledger, "county")
    result = dependence(panel)
    assert result.fiscal_scale == 1e4
    rows = result.table.set_index(["unit", "year"])
    # a1 2020: 100 CNY + 10 USD at 7.0 = 170 yuan; expenditure 0.068 × 10k = 680 yuan
    assert rows.loc[("a1", 2020), "share_of_expenditure"] == pytest.approx(0.25)
    assert rows.loc[("a1", 2020), "share_of_revenue"] == pytest.approx(1.0)
    assert rows.loc[("a1", 2021), "share_of_expenditure"] == 0
    assert rows.loc[("a2", 2020), "share_of_expenditure"] == 0   # never paired at county level
    assert any("10k CNY, × 10000" in n for n in result.notes)
    assert result.dropped_missing == len(panel.frame) - 3


def test_constant_prices_panel_is_refused(fiscal_ledger):
    panel = build_panel(fiscal_ledger, "county", prices="constant:2020:cpi")
    with pytest.raises(DependenceError, match="nominal"):
        dependence(panel)


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The real command line, as users run it (commands are registered in cli/main.py)."""
    from pairaid.cli.main import app as real_app

    return real_app


@pytest.fixture(scope="module")
def demo_db(report_demo_db) -> Path:
    """The demo ledger (seed 2010) the test run shares (conftest.report_demo_db); read only."""
    return report_demo_db


def test_command_on_the_demo_says_synthetic(app, demo_db):
    result = runner.invoke(app, ["dependence", "--db", str(demo_db), "--taper", "0.2",
                                 "--elasticity", "0.5", "--elasticity-se", "0.1"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output and "not a forecast" in result.output
    assert "10k CNY, × 10000" in result.output
    data = json.loads(runner.invoke(app, ["dependence", "--db", str(demo_db), "--level",
                                          "prefecture", "--json"]).output)
    assert any("SYNTHETIC" in n for n in data["notes"])
    shares = [r["share_of_expenditure"] for r in data["table"] if r["recipient"]]
    assert 0 < np.median(shares) < 0.5   # a share of the budget, not 10,000 times one


def test_command_on_a_plain_table_and_bad_input(app, tmp_path):
    path = tmp_path / "fiscal.csv"
    _frame([("a", 2020, 500_000.0, 50.0, 200.0), ("a", 2021, 400_000.0, 60.0, 210.0),
            ("a", 2022, 300_000.0, 70.0, 220.0)]).to_csv(path, index=False)
    result = runner.invoke(app, ["dependence", "--data", str(path), "--fiscal-scale", "10000",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["table"][0]["share_of_expenditure"] == pytest.approx(0.25)
    assert "SYNTHETIC" not in result.output
    bad = runner.invoke(app, ["dependence", "--data", str(path), "--taper", "0.2"])
    assert bad.exit_code == 2 and "--elasticity" in bad.output


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(st.tuples(st.floats(0, 1e7), st.floats(1e-2, 1e5), st.floats(1e-2, 1e5)),
                min_size=1, max_size=8),
       st.sampled_from([1.0, 1e4, 1e8]))
def test_shares_do_not_depend_on_the_fiscal_unit(rows, scale):
    """Recording budgets in yuan, or in 10k / 100m yuan with the matching scale, is the same."""
    frame = _frame([("a", 2000 + k, f, r, e) for k, (f, r, e) in enumerate(rows)])
    in_yuan = dependence(frame, fiscal_scale=1.0).table
    rescaled = frame.assign(fiscal_revenue=frame["fiscal_revenue"] / scale,
                            fiscal_expenditure=frame["fiscal_expenditure"] / scale)
    scaled = dependence(rescaled, fiscal_scale=scale).table
    for column in ("share_of_expenditure", "share_of_revenue", "self_financing"):
        np.testing.assert_allclose(scaled[column], in_yuan[column], rtol=1e-9)
