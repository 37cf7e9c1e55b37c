"""The panel's aggregation rules against hand-computed cases, on SQLite and PostgreSQL."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pairaid.errors import InputError
from pairaid.ingest import import_frames
from pairaid.ledger.errors import LedgerError
from pairaid.money import MoneyError
from pairaid.panel import build_panel

from hand_ledger import hand_frames


@pytest.fixture
def ledger(store):
    import_frames(store, hand_frames(), source="test")
    return store


def _row(panel, unit, year):
    frame = panel.frame
    return frame[(frame["unit"] == unit) & (frame["year"] == year)].iloc[0]


def test_county_panel_funds_and_activity(ledger):
    panel = build_panel(ledger, "county", 2020, 2021)
    assert sorted(panel.frame["unit"].unique()) == ["X", "a1", "a2", "a3", "b1"]
    assert len(panel.frame) == 10
    a1 = _row(panel, "a1", 2020)
    assert a1["funds_disbursement"] == pytest.approx(100 + 10 * 7.0)
    assert a1["disbursement_sector_311"] == pytest.approx(100)
    assert a1["disbursement_sector_111"] == pytest.approx(70)
    assert a1["funds_per_capita"] == pytest.approx(170 / 100)
    assert a1["personnel_headcount"] == 7 and a1["personnel_teacher"] == 5
    assert a1["personnel_person_months"] == pytest.approx(72)
    assert a1["projects_active"] == 1  # the cancelled project is not active
    assert a1["projects_started"] == 1  # P2 started in 2020 (P1 in 2019, outside the panel)
    assert _row(panel, "a1", 2021)["funds_commitment"] == pytest.approx(500)
    assert _row(panel, "a2", 2020)["funds_disbursement"] == 0  # nothing recorded → 0
    assert _row(panel, "a2", 2021)["enterprises"] == 3
    assert _row(panel, "a2", 2021)["enterprise_jobs"] == 20
    assert _row(panel, "X", 2021)["funds_disbursement"] == pytest.approx(50)
    # the prefecture-wide flow is not split among counties, and the panel says so
    assert any("1,000 CNY" in note and "A" in note for note in panel.notes)
    assert np.isnan(_row(panel, "a3", 2020)["gdp"])  # missing indicator stays missing
    assert set(panel.frame["currency"]) == {"CNY"} and set(panel.frame["prices"]) == {"nominal"}


def test_cohorts_cover_prefecture_wide_pairings(ledger):
    panel = build_panel(ledger, "county", 2020, 2021)
    cohort = panel.frame.groupby("unit")["first_paired_year"].first()
    assert cohort["a1"] == 2019 and cohort["a2"] == 2020 and cohort["X"] == 2021
    assert pd.isna(cohort["b1"])
    prefecture = build_panel(ledger, "prefecture", 2020, 2021)
    assert prefecture.frame.groupby("unit")["first_paired_year"].first()["A"] == 2019


def test_prefecture_sums_only_when_every_county_reports(ledger):
    panel = build_panel(ledger, "prefecture", 2020, 2021)
    assert sorted(panel.frame["unit"].unique()) == ["A", "B", "X"]
    a20, a21 = _row(panel, "A", 2020), _row(panel, "A", 2021)
    assert a20["population"] == 1000
    assert np.isnan(a20["gdp"])  # a3 did not report GDP in 2020
    assert a21["gdp"] == pytest.approx(110)
    assert a20["funds_disbursement"] == pytest.approx(170 + 1000)
    assert a20["funds_per_capita"] == pytest.approx(1170 / 1000)


def test_prefecture_rates_are_population_weighted(ledger):
    panel = build_panel(ledger, "prefecture", 2020, 2021)
    # 2020: a3 has no income; weights are the populations of a1 and a2 only
    assert _row(panel, "A", 2020)["rural_income"] == pytest.approx((100 * 1000 + 300 * 2000) / 400)
    assert _row(panel, "A", 2021)["rural_income"] == pytest.approx(
        (110 * 1100 + 330 * 2200 + 660 * 3300) / 1100)
    # a value observed for the prefecture itself wins over the aggregate of b1 (500)
    assert _row(panel, "B", 2020)["rural_income"] == 999


def test_constant_prices_and_other_currency(ledger):
    constant = build_panel(ledger, "county", 2020, 2021, prices="constant:2020")
    assert _row(constant, "a1", 2021)["funds_commitment"] == pytest.approx(500 * 100 / 110)
    assert set(constant.frame["prices"]) == {"constant:2020"}
    assert "constant 2020 prices (index cpi)" in constant.basis.label
    usd = build_panel(ledger, "county", 2020, 2020, currency="USD")
    assert _row(usd, "a1", 2020)["funds_disbursement"] == pytest.approx(100 / 7 + 10)


def test_missing_rates_and_bad_requests_are_clear(ledger):
    with pytest.raises(MoneyError, match="no exchange rate for CNY→EUR 2020"):
        build_panel(ledger, "county", 2020, 2021, currency="EUR")
    with pytest.raises(MoneyError, match="no value for the base year 1999"):
        build_panel(ledger, "county", 2020, 2021, prices="constant:1999")
    with pytest.raises(MoneyError, match="not understood"):
        build_panel(ledger, "county", prices="real")
    with pytest.raises(InputError, match="before --from") as refused:  # the request's error
        build_panel(ledger, "county", 2021, 2020)
    assert not isinstance(refused.value, LedgerError)  # not the ledger's (the API's 503)


def test_empty_ledger_has_no_panel(sqlite_store):
    with pytest.raises(LedgerError) as refused:
        build_panel(sqlite_store)
    # the whole sentence (kills panel.x_build_panel__mutmut_43, "panel from" upper-cased)
    assert str(refused.value).startswith("the ledger holds no flows or observations yet: "
                                         "nothing to build a panel from")


def test_funds_columns_and_the_panel_coverage(ledger):
    # kills panel.x_funds_columns__mutmut_8 (investment_secured not counted as a funds column)
    # and panel.x_build_panel__mutmut_279 (the panel built without its coverage)
    from pairaid.panel import funds_columns

    assert funds_columns(["unit", "funds_total", "disbursement_sector_health", "gdp",
                          "investment_secured"]) == [
        "funds_total", "disbursement_sector_health", "investment_secured"]
    panel = build_panel(ledger, "county", 2020, 2021)
    assert panel.coverage is not None
    assert panel.description.endswith("; " + panel.coverage.statement)


def test_grouped_sum_equals_pandas_groupby():
    from pairaid.panel import grouped_sum

    rng = np.random.default_rng(3)
    n = 5_000
    frame = pd.DataFrame({
        "recipient": pd.Categorical(rng.choice(["a", "b", "c", None], n)),
        "year": rng.integers(2000, 2010, n),
        "kind": pd.Categorical(rng.choice(["commitment", "disbursement"], n)),
        "amount": rng.lognormal(5, 2, n),
    })
    ours = grouped_sum(frame, ["recipient", "year", "kind"], "amount")
    theirs = frame.groupby(["recipient", "year", "kind"], observed=True, dropna=False)["amount"]\
        .sum().reset_index()
    key = ["recipient", "year", "kind"]
    ours = ours.astype({"recipient": object, "kind": object}).fillna({"recipient": "∅"})
    theirs = theirs.astype({"recipient": object, "kind": object}).fillna({"recipient": "∅"})
    merged = ours.merge(theirs, on=key, how="outer", suffixes=("_ours", "_pandas"))
    assert len(merged) == len(theirs) == len(ours)
    np.testing.assert_allclose(merged["amount_ours"], merged["amount_pandas"], rtol=1e-12)
    assert ours["year"].dtype == np.int64


def test_grouped_sum_adds_in_row_order_up_to_50_million_key_cells():
    # Up to and including 50,000,000 key cells the groups are summed by np.bincount, row by row
    # in order (the dense and sparse paths alike, the same bits); only above it does pandas'
    # groupby take over, whose compensated sum can differ in the last bits. Kills
    # panel.x_grouped_sum__mutmut_47 (> 50,000,000 -> >=, groupby at exactly 50,000,000).
    from pairaid.panel import grouped_sum

    rows = [1.0] + [1e-16] * 10
    # three integer keys spanning 1,000 × 500 × 100 values: exactly 50,000,000 cells, two of
    # them occupied (small keys: an integer key's levels are built as an array of its span)
    n = len(rows)
    frame = pd.DataFrame({"a": [0] * n + [999], "b": [0] * n + [499], "c": [0] * n + [99],
                          "amount": rows + [2.5]})
    out = grouped_sum(frame, ["a", "b", "c"], "amount")
    assert out[["a", "b", "c"]].values.tolist() == [[0, 0, 0], [999, 499, 99]]
    # Python's left-to-right float sum: 1 + 1e-16 rounds back to 1 each time
    assert out["amount"].tolist() == [sum(rows), 2.5] == [1.0, 2.5]
    assert math.fsum(rows) != 1.0  # a compensated sum would tell the paths apart
